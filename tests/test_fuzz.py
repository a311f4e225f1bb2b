"""Hostile input, generated: every file or line is scored or skipped with a reason naming it — never a traceback —
and the rest of the batch goes on. Covers ingestion, scoring (``score_documents``) and the CLI.

The strategies here are also the case generator of ``benchmarks/fuzz_standing.py`` (10,000 cases); the default
run keeps a small hypothesis budget so the suite stays fast.
"""

from __future__ import annotations

import codecs
import errno
import json
import os
import socket
import stat
import sys
import tempfile
import threading
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reliability import load_config
from reliability.cli import cli
from reliability.ingest import InputError, Limits, decode, from_json_line, ingest
from reliability.model import BatchResult, Document, Skipped
from reliability.pipeline import score_documents
from reliability.report import render

FIXTURES = Path(__file__).parent / "fixtures" / "articles"
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
CONFIG = load_config(overrides={"history": {"enabled": False}})
LIMITS = Limits.from_config(CONFIG)


def _sentences() -> list[str]:
    """Real sentences: the fixture articles, plus non-Latin scripts the fixtures lack."""
    found = [s.strip() + "." for p in sorted(FIXTURES.glob("*.txt")) for s in p.read_text(encoding="utf-8").split(". ")]
    return [s for s in found if 20 < len(s) < 400] + [
        "Le ministre a déclaré à la presse que l'alliance était prête à défendre chaque pays membre.",
        "Der Minister erklärte, das Bündnis sei bereit, jedes Mitgliedsland zu verteidigen.",
        "Министр заявил журналистам, что альянс готов защищать каждую страну-участницу.",
        "وقال الوزير للصحفيين إن التحالف مستعد للدفاع عن كل دولة عضو.",
        "部长对记者表示，联盟已准备好保卫每一个成员国。",
        "«Мы не допустим этого», — сказал источник, пожелавший остаться неизвестным.",
        "Officials said the flood 🌊 had displaced 4,000 residents — most of them in low-lying districts.",
    ]


SENTENCES = _sentences()

# Characters that break naive text code: NUL, BOM, bidi overrides, combining marks, line separators, astral emoji.
NASTY = "\x00\ufeff\u202e\u200b\u0301\u2028\u2029\r\x1b\x7f\ud800\udfff\U0001f600\uffff"
article = st.builds(
    lambda head, body: (head + "\n\n" if head else "") + " ".join(body),
    st.one_of(st.just(""), st.sampled_from(SENTENCES).map(lambda s: s[:90])),
    st.lists(st.sampled_from(SENTENCES), min_size=1, max_size=14),
)


@st.composite
def spliced(draw: st.DrawFn) -> str:
    """A real article with hostile characters or random text spliced in."""
    text = draw(article)
    for _ in range(draw(st.integers(0, 4))):
        at = draw(st.integers(0, len(text)))
        junk = draw(st.one_of(st.text(NASTY, max_size=8), st.text(max_size=30)))
        text = text[:at] + junk + text[at:]
    return text


hostile_text = st.one_of(
    article,
    spliced(),
    st.text(max_size=600),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=600),
    st.builds(lambda w, n: " ".join([w] * n), st.text(min_size=1, max_size=12), st.integers(1, 300)),
    st.sampled_from(["", " ", "\n\n\n", "!!!!!!!!", "BREAKING!!! SHOCKING BOMBSHELL EXCLUSIVE", "a" * 5000]),
)

ENCODINGS = ("utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "latin-1", "cp1252", "cp1251", "mixed")


def encode(text: str, encoding: str) -> bytes:
    """``text`` as a file in ``encoding``; "mixed" is a UTF-8 half and a Windows-1252 half pasted together."""
    if encoding == "mixed":
        half = len(text) // 2
        return text[:half].encode("utf-8", "replace") + text[half:].encode("cp1252", "replace")
    return text.encode(encoding, "replace" if encoding not in ("utf-8", "utf-8-sig") else "surrogatepass")


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=40),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)


@st.composite
def jsonl_line(draw: st.DrawFn) -> bytes:
    """One JSONL line: a real record, a record with wrong types, or something that is not JSON at all."""
    kind = draw(st.sampled_from(["record", "record", "record", "wrong", "garbage", "nested", "hugeint", "bytes"]))
    if kind == "garbage":
        return draw(st.sampled_from([b"{not json", b"[1, 2", b"null", b'"text"', b"{'id': 1}", b"\xff\xfe{}", b"{}"]))
    if kind == "nested":
        depth = draw(st.integers(50, 200_000))
        return b"[" * depth + b"]" * depth
    if kind == "hugeint":
        return b'{"id": ' + b"9" * draw(st.integers(100, 20_000)) + b', "text": "Officials said on Monday."}'
    if kind == "bytes":
        return draw(st.binary(max_size=300)).replace(b"\n", b" ")
    record: dict[str, object] = {"id": draw(st.one_of(st.text(max_size=30), st.integers(), st.just("../../etc/passwd")))}
    record["text"] = draw(hostile_text) if kind == "record" else draw(json_values)
    for name in draw(st.lists(st.sampled_from(["title", "url", "outlet", "author", "published"]), unique=True)):
        record[name] = draw(st.one_of(st.text(max_size=60), json_values) if kind == "wrong" else st.text(max_size=60))
    ascii_only = draw(st.booleans())
    return json.dumps(record, ensure_ascii=ascii_only).encode("utf-8", "surrogatepass")


def html_page(text: str, depth: int, broken: bool) -> str:
    """``text`` as a web page, its article wrapped in ``depth`` <div>s; ``broken`` drops closing tags."""
    paras = "".join(f"<p>{p}</p>" for p in text.split("\n") if p)
    close = "" if broken else "</div>" * depth + "</article></body></html>"
    return f"<!doctype html><html><head><title>{text[:60]}</title></head><body><article>{'<div>' * depth}{paras}{close}"


@dataclass(frozen=True)
class Case:
    """One generated input file."""

    name: str
    data: bytes

    def __repr__(self) -> str:  # hypothesis prints failing cases; keep 10 MB payloads out of the log
        return f"Case({self.name!r}, {len(self.data):,} bytes, {self.data[:120]!r}…)"


@st.composite
def cases(draw: st.DrawFn) -> Case:
    kind = draw(st.sampled_from(["text", "text", "html", "jsonl", "jsonl", "bytes", "empty", "huge-line"]))
    if kind == "text":
        return Case("story.txt", encode(draw(hostile_text), draw(st.sampled_from(ENCODINGS))))
    if kind == "html":
        page = html_page(draw(hostile_text), draw(st.sampled_from([0, 3, 300, 10_000])), draw(st.booleans()))
        return Case("page.html", encode(page, draw(st.sampled_from(ENCODINGS))))
    if kind == "jsonl":
        lines = draw(st.lists(jsonl_line(), min_size=1, max_size=6))
        return Case("feed.jsonl", b"\n".join(lines) + draw(st.sampled_from([b"", b"\n", b"\r\n"])))
    if kind == "bytes":
        return Case(draw(st.sampled_from(["blob.txt", "blob.html", "blob.jsonl"])), draw(st.binary(max_size=4096)))
    if kind == "empty":
        return Case(draw(st.sampled_from(["empty.txt", "empty.html", "empty.jsonl", "README"])), b"")
    # One 10 MB line: over no file limit for JSONL, but twice the text a document may have.
    line_bytes = draw(st.sampled_from([10_000_000, LIMITS.line_bytes + 10]))
    return Case(draw(st.sampled_from(["long.txt", "long.jsonl"])), b'{"id": "long", "text": "' + b"word " * (line_bytes // 5) + b'"}\n')


# ------------------------------------------------------------------------------------------- the contract


def check_ingested(docs: list[Document], skipped: list[Skipped], shown: list[str]) -> None:
    """What a user is promised: every input accounted for, every reason short and specific, every document sane."""
    for path in shown:
        got_doc = any(d.meta.path == path for d in docs)
        got_skip = any(s.path == path or s.path.startswith(path + ":") for s in skipped)
        assert got_doc or got_skip, f"{path} neither scored nor skipped"
    for s in skipped:
        assert s.reason and len(s.reason) < 300 and "\n" not in s.reason, s
        assert "internal error" not in s.reason and "Traceback" not in s.reason, s
        s.path.encode("utf-8")
    for d in docs:
        assert d.id and d.id == d.id.strip() and shown_safely(d.id), d.id
        assert d.text.strip() and len(d.text) <= LIMITS.max_document_chars
        d.text.encode("utf-8")  # no lone surrogates left to crash a report writer
        d.id.encode("utf-8")


def shown_safely(label: str) -> bool:
    """No terminal escapes, bidi overrides, line breaks or lone surrogates."""
    return not any(unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Zl", "Zp") for ch in label)


def check_scored(batch: BatchResult, docs: list[Document]) -> None:
    assert sorted(a.document.id for a in batch.articles) == sorted(d.id for d in docs)
    for a in batch.articles:
        assert 0 <= a.score <= 100 and a.triage in ("accept", "review", "reject")
        text = a.document.text
        for sig in a.signals:
            for ev in sig.evidence:
                assert 0 <= ev.start <= ev.end <= len(text) and text[ev.start : ev.end] == ev.text, (sig.name, ev)
    json.loads(render(batch, "json"))


def ingest_cases(folder: Path, batch: list[Case]) -> tuple[list[Document], list[Skipped], list[str]]:
    shown = []
    for i, case in enumerate(batch):
        path = folder / f"{i:03d}-{case.name}"
        path.write_bytes(case.data)
        shown.append(str(path))
    docs, skipped = ingest([folder], CONFIG)
    return docs, skipped, shown


# -------------------------------------------------------------------------------------------- properties


@FAST
@given(st.binary(max_size=8192))
def test_decode_only_ever_raises_input_error(data):
    try:
        text = decode(data)
    except InputError as exc:
        assert str(exc)
        return
    text.encode("utf-8")


@FAST
@given(st.sampled_from(SENTENCES), st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32"]))
def test_unicode_files_decode_exactly_with_or_without_bom(sentence, encoding):
    text = f"{sentence}\n\n{sentence} {sentence}\n"
    assert decode(text.encode(encoding)) == text


@FAST
@given(st.lists(st.sampled_from([s for s in SENTENCES if s.isascii()]), min_size=2, max_size=6),
       st.sampled_from(["café", "déjà vu", "naïve résumé", "Zürich", "“quoted”"]))
def test_mixed_utf8_and_windows_1252_keeps_both_halves(sentences, word):
    text = f"{' '.join(sentences)} {word}. "
    data = text.encode("utf-8") + text.encode("cp1252")
    assert decode(data) == text + text


@FAST
@given(jsonl_line())
def test_json_lines_become_documents_or_input_errors(raw):
    try:
        doc = from_json_line(raw, LIMITS, path="feed.jsonl")
    except InputError as exc:
        assert str(exc) and len(str(exc)) < 300
        return
    assert shown_safely(doc.id)
    doc.text.encode("utf-8")


@settings(FAST, max_examples=120)
@given(st.lists(cases(), min_size=1, max_size=5))
def test_folder_of_hostile_files_is_read_and_scored(batch):
    with tempfile.TemporaryDirectory() as tmp:
        docs, skipped, shown = ingest_cases(Path(tmp), batch)
        check_ingested(docs, skipped, shown)
        check_scored(score_documents(docs, CONFIG, skipped=skipped), docs)


@settings(FAST, max_examples=100)
@given(st.lists(spliced() | hostile_text, min_size=1, max_size=4))
def test_scoring_hostile_documents_keeps_evidence_exact(texts):
    docs = [Document(f"d{i}", t) for i, t in enumerate(texts) if t.strip()]
    check_scored(score_documents(docs, CONFIG), docs)


@settings(FAST, max_examples=60)
@given(st.lists(jsonl_line(), min_size=1, max_size=5), st.sampled_from(["json", "jsonl", "csv", "md", "html", "table"]))
def test_cli_on_hostile_stdin_exits_cleanly(lines, fmt):
    result = CliRunner().invoke(cli, ["score", "-", "-f", fmt, "-q", "--config", _no_history()], input=b"\n".join(lines) + b"\n")
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exc_info
    assert result.exit_code in (0, 1, 2), result.output
    if fmt == "json" and result.exit_code in (0, 1):
        json.loads(result.stdout)


def _no_history() -> str:
    path = Path(tempfile.gettempdir()) / f"reliability-fuzz-{os.getpid()}.toml"
    if not path.exists():
        path.write_text("[history]\nenabled = false\n", encoding="utf-8")
    return str(path)


# --------------------------------------------------------------------------------- hostile file systems


WIRE = (
    "BRUSSELS, Oct 14 (Reuters) - NATO defence ministers agreed on Tuesday to send more air defence systems to "
    "Ukraine, Secretary General Mark Rutte told reporters after the meeting in Brussels.\n"
)


def ingest_within(paths: list[Path], seconds: float = 60) -> tuple[list[Document], list[Skipped]]:
    """ingest() in a thread: a FIFO that blocks the reader fails the test instead of hanging the suite."""
    out: list[tuple[list[Document], list[Skipped]]] = []
    worker = threading.Thread(target=lambda: out.append(ingest(paths, CONFIG)), daemon=True)
    worker.start()
    worker.join(seconds)
    assert not worker.is_alive(), "ingest blocked (opened a FIFO or device?)"
    return out[0]


def reasons(skipped: list[Skipped]) -> dict[str, str]:
    return {Path(s.path).name: s.reason for s in skipped}


def test_fifo_socket_and_device_in_a_folder_do_not_block(tmp_path):
    (tmp_path / "story.txt").write_text(WIRE, encoding="utf-8")
    os.mkfifo(tmp_path / "pipe.txt")
    os.mkfifo(tmp_path / "pipe.jsonl")
    (tmp_path / "zero.txt").symlink_to("/dev/zero")  # endless: reading it whole would never finish
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(tmp_path / "sock.jsonl"))
    try:
        docs, skipped = ingest_within([tmp_path])
    finally:
        sock.close()
    assert [d.id for d in docs] == ["story"]
    got = reasons(skipped)
    assert got["pipe.txt"].startswith("a FIFO (named pipe), not a file") and got["pipe.jsonl"].startswith("a FIFO")
    assert got["zero.txt"].startswith("a device") and got["sock.jsonl"].startswith("a socket")


def test_fifo_named_on_the_command_line_does_not_block(tmp_path):
    os.mkfifo(tmp_path / "feed.jsonl")
    docs, skipped = ingest_within([tmp_path / "feed.jsonl", tmp_path])
    assert docs == [] and all("FIFO" in s.reason for s in skipped) and len(skipped) == 2


def test_symlink_loops_and_broken_links(tmp_path):
    news = tmp_path / "news"
    news.mkdir()
    (news / "story.txt").write_text(WIRE, encoding="utf-8")
    (news / "loop").symlink_to(news, target_is_directory=True)  # the folder inside itself
    (news / "gone.txt").symlink_to(tmp_path / "deleted.txt")
    (news / "a.txt").symlink_to(news / "b.txt")
    (news / "b.txt").symlink_to(news / "a.txt")
    docs, skipped = ingest_within([news])
    assert [d.id for d in docs] == ["story"]
    got = reasons(skipped)
    assert got["loop"].startswith("folder already read")
    assert got["gone.txt"].startswith("broken symbolic link")
    assert got["a.txt"] == got["b.txt"] == "symbolic link loop; not read"


def test_unreadable_file_and_folder_are_skipped_with_reason(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text(WIRE, encoding="utf-8")
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "inner.txt").write_text(WIRE, encoding="utf-8")
    (tmp_path / "story.txt").write_text(WIRE, encoding="utf-8")
    secret.chmod(0)
    locked.chmod(0)
    try:
        if os.access(secret, os.R_OK):
            pytest.skip("running with privileges that ignore file modes (root): chmod 000 does not block reads")
        docs, skipped = ingest_within([tmp_path])
    finally:
        secret.chmod(stat.S_IRUSR | stat.S_IWUSR)
        locked.chmod(stat.S_IRWXU)
    assert [d.id for d in docs] == ["story"]
    got = reasons(skipped)
    assert got["secret.txt"] == got["locked"] == "cannot read: Permission denied"


def test_article_inside_ten_thousand_nested_divs_is_still_read(tmp_path):
    body = "\n".join(SENTENCES[:12])
    (tmp_path / "nested.html").write_text(html_page(body, 10_000, broken=False), encoding="utf-8")
    (tmp_path / "unclosed.html").write_text(html_page(body, 10_000, broken=True), encoding="utf-8")
    (tmp_path / "story.txt").write_text(WIRE, encoding="utf-8")
    docs, skipped = ingest_within([tmp_path], seconds=120)
    assert not skipped and [d.id for d in docs] == ["nested", "story", "unclosed"]
    for doc in (docs[0], docs[2]):
        words = body.split()
        kept = sum(1 for w in words if w in doc.text)
        assert kept >= 0.9 * len(words) and "<div" not in doc.text


def test_zero_length_files_of_every_kind(tmp_path):
    for name in ("a.txt", "b.html", "c.jsonl", "d.md"):
        (tmp_path / name).write_bytes(b"")
    docs, skipped = ingest([tmp_path], CONFIG)
    assert docs == [] and set(reasons(skipped).values()) == {"empty file"}


def test_utf16_jsonl_and_binary_jsonl_are_one_skip_each(tmp_path):
    record = json.dumps({"id": "w1", "text": WIRE}) + "\n"
    (tmp_path / "utf16.jsonl").write_bytes(codecs.BOM_UTF16_LE + (record * 50).encode("utf-16-le"))
    (tmp_path / "image.jsonl").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 40)
    docs, skipped = ingest([tmp_path], CONFIG)
    assert docs == []
    assert reasons(skipped) == {"utf16.jsonl": "JSONL must be UTF-8; this file is UTF-16",
                                "image.jsonl": "binary file (NUL bytes), not JSONL"}


def test_lone_surrogates_and_bom_in_jsonl(tmp_path):
    feed = tmp_path / "feed.jsonl"
    feed.write_bytes(
        codecs.BOM_UTF8
        + b'{"id": "s\\ud800", "text": "Officials said \\udfff the talks would resume.", "title": "x\\ud83d"}\n'
    )
    docs, skipped = ingest([feed], CONFIG)
    assert not skipped
    assert docs[0].id == "s?" and docs[0].text == "Officials said ? the talks would resume." and docs[0].meta.title == "x?"


def test_bad_batch_never_stops_the_cli(tmp_path):
    (tmp_path / "story.txt").write_text(WIRE, encoding="utf-8")
    (tmp_path / "blob.txt").write_bytes(os.urandom(2048))
    (tmp_path / "feed.jsonl").write_bytes(b"[" * 100_000 + b"\n" + b'{"id": 1' + b"0" * 5000 + b', "text": "x"}\n')
    os.mkfifo(tmp_path / "pipe.html")
    result = CliRunner().invoke(cli, ["score", str(tmp_path), "-f", "json", "-q", "--config", _no_history()])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exc_info
    data = json.loads(result.stdout)
    assert [d["id"] for d in data["documents"]] == ["story"]
    assert len(data["skipped"]) == 4


@pytest.mark.slow
def test_standing_fuzz_run_of_ten_thousand_cases(request):
    """The standing run (benchmarks/fuzz_standing.py): 10,000 generated cases, no failures. ~20 minutes on two
    cores, so it runs only when asked for: ``pytest -m slow tests/test_fuzz.py``."""
    import subprocess

    if "slow" not in request.config.getoption("markexpr", "") or "not slow" in request.config.getoption("markexpr", ""):
        pytest.skip("standing fuzz run (~20 min): select it with -m slow")

    script = Path(__file__).resolve().parent.parent / "benchmarks" / "fuzz_standing.py"
    out = subprocess.run([sys.executable, str(script), "--cases", "10000"], capture_output=True, text=True, timeout=7200)
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    assert "failures 0" in out.stdout, out.stdout[-3000:]


def test_empty_folder_and_closed_stdin_are_reported(tmp_path, monkeypatch):
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")
    monkeypatch.setattr(sys, "stdin", None)
    docs, skipped = ingest([tmp_path / "empty", "-"], CONFIG)
    assert docs == []
    assert [(Path(s.path).name, s.reason) for s in skipped] == [
        ("empty", "folder holds no files (hidden files are not read)"),
        ("-", "no standard input to read"),
    ]


def test_permission_and_disk_errors_skip_one_file_even_as_root(tmp_path, monkeypatch):
    """chmod 000 does not stop root, so the errors the kernel would raise are injected where files are opened."""
    for name in ("denied.txt", "failing.jsonl", "story.txt"):
        (tmp_path / name).write_text(WIRE if name != "failing.jsonl" else json.dumps({"id": "w", "text": WIRE}), encoding="utf-8")
    real_open = os.open

    def hostile_open(path, flags, *args):
        name = Path(path).name
        if name == "denied.txt":
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        if name == "failing.jsonl":
            raise OSError(errno.EIO, "Input/output error", str(path))
        return real_open(path, flags, *args)

    monkeypatch.setattr("reliability.ingest.os.open", hostile_open)
    docs, skipped = ingest([tmp_path], CONFIG)
    assert [d.id for d in docs] == ["story"]
    assert reasons(skipped) == {"denied.txt": "cannot read: Permission denied", "failing.jsonl": "cannot read: Input/output error"}
