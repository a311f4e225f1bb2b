"""Limits on file size, line length, document length and batch size: clear reasons naming the key, bounded
memory, and output paths that never come from article text."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from reliability import load_config
from reliability.cli import cli
from reliability.config import ConfigError
from reliability.ingest import Limits, ingest

WIRE = (
    "Allies pledge more air defence for Ukraine\n\n"
    "BRUSSELS, Oct 14 (Reuters) - NATO defence ministers agreed on Tuesday to send more air defence systems "
    "to Ukraine, Secretary General Mark Rutte told reporters after the meeting in Brussels. Officials said the "
    "package would include interceptor missiles and radar units drawn from existing stocks.\n"
)
COUNCIL = (
    "Council approves budget after late-night session\n\n"
    "SPRINGFIELD, March 3 - The city council voted 7-2 early on Wednesday to approve a $412 million budget that "
    "raises spending on road repairs and freezes hiring in most departments, the council clerk said.\n"
)


def with_limits(**limits: int):
    return load_config(overrides={"limits": limits})


def line(doc_id: str, text: str = WIRE, **extra: str) -> str:
    return json.dumps({"id": doc_id, "text": text, **extra}) + "\n"


def run_measured(paths: list[Path], check: str = "") -> tuple[int, str]:
    script = textwrap.dedent(
        f"""
        import resource, sys
        from reliability import load_config
        from reliability.ingest import ingest
        docs, skipped = ingest(sys.argv[1:], load_config())
        {check}
        print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
        """
    )
    out = subprocess.run([sys.executable, "-c", script, *map(str, paths)], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    *printed, rss = out.stdout.strip().splitlines()
    return int(rss), "\n".join(printed)


# ------------------------------------------------------------------------------------------------ file size


def test_one_gigabyte_file_is_skipped_without_reading_it(tmp_path):
    big = tmp_path / "disk-image.txt"
    with big.open("wb") as fh:
        fh.truncate(1 << 30)  # sparse: costs no disk, but read() would fill 1 GB of memory
    small = tmp_path / "story.txt"
    small.write_text(WIRE, encoding="utf-8")
    baseline, _ = run_measured([small])
    peak, printed = run_measured([big, small], "print(len(docs), skipped[0].reason)")
    assert printed.startswith("1 file is 1,073,741,824 bytes, over the 20,000,000-byte limit (limits.max_file_bytes)")
    assert peak - baseline < 20_000, f"reading a skipped 1 GB file grew peak RSS by {peak - baseline} KB"


def test_one_gigabyte_jsonl_is_skipped_unread(tmp_path):
    big = tmp_path / "dump.jsonl"
    with big.open("wb") as fh:
        fh.truncate(1 << 30)
    docs, skipped = ingest([big], load_config())
    assert docs == []
    assert "limits.max_jsonl_bytes" in skipped[0].reason and skipped[0].path == str(big)


def test_file_over_a_small_limit_names_the_key(tmp_path):
    page = tmp_path / "page.html"
    page.write_text("<html><body><p>" + WIRE * 40 + "</p></body></html>", encoding="utf-8")
    docs, skipped = ingest([page], with_limits(max_file_bytes=2_000))
    assert docs == [] and "over the 2,000-byte limit (limits.max_file_bytes)" in skipped[0].reason


# ------------------------------------------------------------------------------------------------ line length


def test_fifty_megabyte_jsonl_line_is_skipped_and_never_held_whole(tmp_path):
    feed = tmp_path / "feed.jsonl"
    with feed.open("w", encoding="utf-8") as fh:
        fh.write(line("before"))
        fh.write(json.dumps({"id": "huge", "text": "spam " * 10_000_000}) + "\n")  # 50 MB on one line
        fh.write(line("after", COUNCIL))
    small = tmp_path / "small.jsonl"
    small.write_text(line("before") + line("after", COUNCIL), encoding="utf-8")
    baseline, _ = run_measured([small])
    peak, printed = run_measured([feed], "print([d.id for d in docs]); print([(s.path, s.reason) for s in skipped])")
    ids, skips = printed.splitlines()
    assert ids == "['before', 'after']"
    assert f"{feed}:2" in skips and "line is over the 5,000,000-character limit (limits.max_line_chars)" in skips
    # The reader holds at most one capped chunk (4 bytes x max_line_chars = 20 MB), never the 50 MB line.
    grown_mb = (peak - baseline) / 1024
    assert grown_mb < 45, f"peak RSS grew {grown_mb:.0f} MB for a 50 MB line"


def test_line_limit_counts_characters_not_bytes(tmp_path):
    # 3,000 Cyrillic characters are 6,000 UTF-8 bytes: under a 4,000-character limit, so kept.
    text = "Министр заявил журналистам, что альянс готов защищать каждую страну. " * 44
    feed = tmp_path / "ru.jsonl"
    feed.write_text(json.dumps({"id": "ru", "text": text}, ensure_ascii=False) + "\n" + line("long", WIRE * 20), encoding="utf-8")
    docs, skipped = ingest([feed], with_limits(max_line_chars=4_000))
    assert [d.id for d in docs] == ["ru"]
    assert skipped[0].path.endswith(":2") and "limits.max_line_chars" in skipped[0].reason


# --------------------------------------------------------------------------------------------- document length


def test_overlong_document_names_the_key(tmp_path):
    (tmp_path / "book.txt").write_text(WIRE * 100, encoding="utf-8")
    (tmp_path / "story.txt").write_text(WIRE, encoding="utf-8")
    docs, skipped = ingest([tmp_path], with_limits(max_document_chars=10_000))
    assert [d.id for d in docs] == ["story"]
    assert skipped[0].reason.startswith(f"text is {len(WIRE) * 100:,} characters")
    assert skipped[0].reason.endswith("over the 10,000-character limit (limits.max_document_chars)")


def test_overlong_id_is_skipped(tmp_path):
    feed = tmp_path / "ids.jsonl"
    feed.write_text(line("x" * 600) + line(str(10**700)) + line("ok"), encoding="utf-8")
    docs, skipped = ingest([feed], load_config())
    assert [d.id for d in docs] == ["ok"]
    assert [s.path.rsplit(":", 1)[1] for s in skipped] == ["1", "2"]
    assert all("limits.max_id_chars" in s.reason for s in skipped)


# ------------------------------------------------------------------------------------------------ batch size


def test_batch_stops_at_document_limit_and_says_so(tmp_path):
    feed = tmp_path / "feed.jsonl"
    feed.write_text("".join(line(f"wire-{i}") for i in range(5)), encoding="utf-8")
    later = tmp_path / "later.txt"
    later.write_text(COUNCIL, encoding="utf-8")
    docs, skipped = ingest([feed, later], with_limits(max_batch_documents=3))
    assert [d.id for d in docs] == ["wire-0", "wire-1", "wire-2"]
    # One entry for the rest of the JSONL file, one for the file that was not opened.
    assert [s.path for s in skipped] == [f"{feed}:4", str(later)]
    assert all("limits.max_batch_documents" in s.reason for s in skipped)
    assert "lines from 4 on not read" in skipped[0].reason


def test_batch_character_limit(tmp_path):
    for name, text in (("a", WIRE), ("b", COUNCIL), ("c", WIRE)):
        (tmp_path / f"{name}.txt").write_text(text, encoding="utf-8")
    docs, skipped = ingest([tmp_path], with_limits(max_batch_chars=len(WIRE) + len(COUNCIL)))
    assert [d.id for d in docs] == ["a", "b"]
    assert Path(skipped[0].path).name == "c.txt" and "limits.max_batch_chars" in skipped[0].reason


def test_garbage_jsonl_stops_after_bad_line_limit(tmp_path):
    log_file = tmp_path / "server.jsonl"
    log_file.write_text("".join(f"2025-11-08 10:51:{i % 60:02d} GET /index.html 200\n" for i in range(50_000)))
    docs, skipped = ingest([log_file], with_limits(max_bad_lines=20))
    assert docs == [] and len(skipped) == 21
    assert skipped[-1].path == str(log_file) and "limits.max_bad_lines" in skipped[-1].reason


def test_thousands_of_repeated_ids_are_renamed_uniquely(tmp_path):
    feed = tmp_path / "same.jsonl"
    feed.write_text(line("x") * 20_000 + line("x~3"), encoding="utf-8")
    docs, skipped = ingest([feed], load_config())
    ids = [d.id for d in docs]
    assert not skipped and len(set(ids)) == len(ids) == 20_001
    assert ids[:3] == ["x", "x~2", "x~3"] and ids[-1] == "x~3~2"


@pytest.mark.parametrize("bad", [0, -5, "lots", 2.5, True])
def test_unusable_limit_values_are_config_errors(bad):
    with pytest.raises(ConfigError, match="limits.max_line_chars must be a whole number"):
        Limits.from_config(with_limits(max_line_chars=bad))


def test_cli_reports_a_bad_limit_without_a_traceback(tmp_path, seeds_dir):
    bad = tmp_path / "bad.toml"
    bad.write_text('[limits]\nmax_line_chars = "lots"\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["score", str(seeds_dir), "-q", "--config", str(bad)])
    assert result.exit_code == 2 and "limits.max_line_chars must be a whole number" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


# ------------------------------------------------------------------------------------------------ safe paths


def _tree(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*")}


def test_article_ids_and_titles_never_choose_where_files_are_written(tmp_path):
    work = tmp_path / "work"
    (work / "out").mkdir(parents=True)
    feed = work / "feed.jsonl"
    feed.write_text(
        line("../../etc/passwd", WIRE, title="../../../../tmp/owned/report.html")
        + line("/etc/shadow", COUNCIL, title="C:\\Windows\\System32\\evil.dll")
        + line("..", WIRE.replace("Tuesday", "Monday"), url="file:///etc/passwd"),
        encoding="utf-8",
    )
    before = _tree(tmp_path)
    passwd_mtime = os.stat("/etc/passwd").st_mtime_ns
    for fmt in ("json", "jsonl", "csv", "html"):
        result = CliRunner().invoke(
            cli, ["score", str(feed), "-f", fmt, "-q", "-o", str(work / "out" / f"report.{fmt}")], catch_exceptions=False
        )
        assert result.exit_code in (0, 1), result.output
    written = _tree(tmp_path) - before
    assert written == {f"work/out/report.{fmt}" for fmt in ("json", "jsonl", "csv", "html")}
    assert os.stat("/etc/passwd").st_mtime_ns == passwd_mtime
    assert not Path("/tmp/owned").exists()
    report = json.loads((work / "out" / "report.json").read_text(encoding="utf-8"))
    assert {d["id"] for d in report["documents"]} == {"../../etc/passwd", "/etc/shadow", ".."}


def test_file_names_never_escape_into_ids_with_unprintable_bytes(tmp_path):
    odd = tmp_path.joinpath(os.fsdecode(b"caf\xe9 \x1b[31mred.txt"))  # Latin-1 name and an ANSI escape
    odd.write_text(WIRE, encoding="utf-8")
    docs, skipped = ingest([tmp_path], load_config())
    assert not skipped
    assert docs[0].id == "caf\ufffd ?[31mred"
    docs[0].id.encode("utf-8")  # printable and encodable: the report writer cannot choke on it
    assert docs[0].meta.path.encode("utf-8")
