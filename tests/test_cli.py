"""The command line as a user meets it: formats, the JSON contract, stdin, --output, and every exit code."""

from __future__ import annotations

import csv
import io
import json

from click.testing import CliRunner

from reliability.cli import cli
from reliability.exitcodes import ExitStatus

WIRE = (
    "Allies pledge more air defence for Ukraine\n\n"
    "BRUSSELS, Oct 14 (Reuters) - NATO defence ministers agreed on Tuesday to send more air defence systems "
    "to Ukraine, Secretary General Mark Rutte told reporters after the meeting in Brussels.\n"
)


def run(*args, input=None):
    return CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)


def test_json_contract_on_seeds(seeds_dir):
    result = run("score", str(seeds_dir), "--format", "json", "-q")
    assert result.exit_code == ExitStatus.OK, result.output
    data = json.loads(result.stdout)
    assert data["schema"] == "reliability/1"
    docs = data["documents"]
    assert sorted(d["id"] for d in docs) == sorted(p.stem for p in seeds_dir.glob("*.txt"))
    assert [d["rank"] for d in docs] == [1, 2, 3, 4, 5]
    assert [d["score"] for d in docs] == sorted((d["score"] for d in docs), reverse=True)
    texts = {p.stem: p.read_text(encoding="utf-8") for p in seeds_dir.glob("*.txt")}
    for d in docs:
        assert set(d["source"]) >= {"path", "url", "outlet", "author", "published"}
        assert 0 <= d["score"] <= 100 and d["triage"] in ("accept", "review", "reject")
        assert {"anonymous_framing", "garbled_text", "byline_origin", "duplication"} <= set(d["signals"])
        for sig in d["signals"].values():
            assert 0 <= sig["value"] <= 1
            for ev in sig["evidence"]:
                assert texts[d["id"]][ev["start"]:ev["end"]] == ev["text"]
    for dup in data["duplicates"]:
        assert dup["kind"] in ("copy", "paraphrase", "quote")
        for p in dup["passages"]:
            assert set(p) >= {"a_start", "a_end", "b_start", "b_end", "kind", "similarity"}
    assert data["skipped"] == []


def test_table_lists_seeds_in_rank_order(seeds_dir):
    result = run("score", str(seeds_dir), "-q")
    assert result.exit_code == 0
    ranked = json.loads(run("score", str(seeds_dir), "-f", "json", "-q").stdout)["documents"]
    positions = [result.stdout.find(d["id"][:3]) for d in ranked]
    assert all(p >= 0 for p in positions)


def test_jsonl_on_stdin_and_csv():
    line = json.dumps({"id": "wire-1", "text": WIRE, "url": "https://www.reuters.com/world/europe/x"})
    result = run("score", "-", "--format", "csv", "-q", input=line + "\n")
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert rows[0]["id"] == "wire-1" and rows[0]["rank"] == "1"
    assert "garbled_text" in rows[0]


def test_output_file_written(tmp_path, seeds_dir):
    out = tmp_path / "r" / "seeds.json"
    result = run("score", str(seeds_dir), "-f", "json", "-o", str(out), "-q")
    assert result.exit_code == 0 and result.stdout == ""
    assert json.loads(out.read_text())["schema"] == "reliability/1"


def test_folder_with_bad_files_exits_zero_and_lists_skipped(tmp_path):
    (tmp_path / "good.txt").write_text(WIRE, encoding="utf-8")
    (tmp_path / "blob.txt").write_bytes(b"\x00\x01\x02" * 100)
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "fr.txt").write_bytes("Le ministre a déclaré que l'alliance était prête.\n".encode("latin-1"))
    result = run("score", str(tmp_path), "-f", "json")
    assert result.exit_code == ExitStatus.OK
    data = json.loads(result.stdout)
    assert sorted(d["id"] for d in data["documents"]) == ["fr", "good"]
    assert {s["path"].rsplit("/", 1)[1] for s in data["skipped"]} == {"blob.txt", "empty.txt"}
    assert "skipped" in result.stderr and "blob.txt" in result.stderr


def test_exit_2_when_nothing_scored(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    result = run("score", str(tmp_path), "-f", "json")
    assert result.exit_code == ExitStatus.ERROR
    assert "nothing could be scored" in result.stderr


def test_exit_2_on_bad_config_and_usage(tmp_path, seeds_dir):
    bad = tmp_path / "bad.toml"
    bad.write_text("[triage]\naccept = 20\nreview = 60\n")
    result = run("score", str(seeds_dir), "--config", str(bad))
    assert result.exit_code == ExitStatus.ERROR
    assert "bad.toml" in result.output and "triage" in result.output
    broken = tmp_path / "broken.toml"
    broken.write_text("[weights\n")
    assert run("score", str(seeds_dir), "--config", str(broken)).exit_code == ExitStatus.ERROR
    assert run("score", str(seeds_dir), "--format", "pdf").exit_code == ExitStatus.ERROR
    assert run("score").exit_code == ExitStatus.ERROR


def test_fail_on_exit_codes(tmp_path, seeds_dir):
    # With the bar set at a perfect score, any article with a single problem is rejected -> exit 1.
    strict = tmp_path / "strict.toml"
    strict.write_text("[triage]\naccept = 100\nreview = 100\n")
    assert run("score", str(seeds_dir), "--config", str(strict), "--fail-on", "reject", "-q", "-f", "json").exit_code == ExitStatus.TRIAGE_FAILED
    # With the bar at zero everything is accepted -> exit 0 even with --fail-on review.
    lenient = tmp_path / "lenient.toml"
    lenient.write_text("[triage]\naccept = 0\nreview = 0\n")
    assert run("score", str(seeds_dir), "--config", str(lenient), "--fail-on", "review", "-q", "-f", "json").exit_code == ExitStatus.OK


def test_exit_2_on_broken_lexicon_regex(tmp_path, seeds_dir):
    # A user's lexicon is compiled lazily while scoring; a bad pattern is a config error, not a traceback.
    bad = tmp_path / "bad-lexicon.toml"
    bad.write_text('[lexicons.byline_origin]\ncredit_patterns = ["(?P<name>unclosed"]\n')
    result = run("score", str(seeds_dir), "--config", str(bad), "--no-history", "-f", "json")
    assert result.exit_code == ExitStatus.ERROR
    assert "Traceback" not in result.output


def test_output_to_a_device_writes_through_and_keeps_the_device(seeds_dir):
    # Renaming a temp file over /dev/null (as root) would replace the device with a regular file.
    import os
    import stat

    result = run("score", str(seeds_dir), "-f", "json", "-o", os.devnull, "-q", "--no-history")
    assert result.exit_code == 0
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)
