"""Files, folders and stdin -> :class:`Document` values, plus a :class:`Skipped` entry for everything unreadable.

Supported: ``.txt`` (metadata from clues in the text), ``.jsonl`` (one article per line), ``.html``/``.htm``
(main text and metadata via trafilatura), folders (every file beneath, sorted), and ``-`` (JSONL on stdin).
One bad file or line never stops the batch: it becomes a :class:`Skipped` with a reason.
"""

from __future__ import annotations

import json
import logging
import os
import stat
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Iterable, Iterator

from . import metadata
from .config import Config
from .model import Document, Metadata, Skipped

log = logging.getLogger(__name__)

TEXT_SUFFIXES = {".txt", ".text", ".md"}
HTML_SUFFIXES = {".html", ".htm"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
SUPPORTED = TEXT_SUFFIXES | HTML_SUFFIXES | JSONL_SUFFIXES
OPTIONAL_FIELDS = ("title", "url", "outlet", "author", "published")


class InputError(ValueError):
    """A file or line cannot be turned into a document; the message is the reason shown to the user."""


@dataclass(frozen=True)
class Limits:
    max_file_bytes: int = 20_000_000
    max_line_chars: int = 5_000_000
    max_document_chars: int = 2_000_000
    max_id_chars: int = 512

    @classmethod
    def from_config(cls, config: Config) -> "Limits":
        section = config.section("limits")
        return cls(**{k: int(section[k]) for k in cls.__dataclass_fields__ if k in section})


@dataclass
class Batch:
    documents: list[Document] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    _ids: set[str] = field(default_factory=set)

    def add(self, doc: Document) -> None:
        doc_id = doc.id
        n = 2
        while doc_id in self._ids:
            doc_id = f"{doc.id}~{n}"
            n += 1
        if doc_id != doc.id:
            log.warning("%s: id %r already used in this batch; renamed to %r", doc.meta.path, doc.id, doc_id)
            doc = Document(doc_id, doc.text, doc.meta)
        self._ids.add(doc_id)
        self.documents.append(doc)

    def skip(self, path: str, reason: str) -> None:
        log.warning("skipped %s: %s", path, reason)
        self.skipped.append(Skipped(path, reason))


def ingest(paths: Iterable[str | os.PathLike[str]], config: Config) -> tuple[list[Document], list[Skipped]]:
    """Read every path; return the documents in a deterministic order and the skipped inputs with reasons."""
    limits = Limits.from_config(config)
    batch = Batch()
    for raw in paths:
        path = str(raw)
        if path == "-":
            _read_jsonl_stream(sys.stdin.buffer, "-", batch, limits)
            continue
        p = Path(path)
        if p.is_dir():
            for file in _walk(p, batch):
                _read_file(file, batch, limits, explicit=False)
        else:
            _read_file(p, batch, limits, explicit=True)
    return batch.documents, batch.skipped


def _walk(root: Path, batch: Batch) -> Iterator[Path]:
    """Files beneath ``root`` in sorted order; symlinked folders are not followed (no loops)."""
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False, onerror=lambda e: batch.skip(str(e.filename), _os_reason(e))):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if not name.startswith("."):
                yield Path(dirpath) / name


def _os_reason(exc: OSError) -> str:
    return f"cannot read: {exc.strerror or exc.__class__.__name__}"


def _read_file(path: Path, batch: Batch, limits: Limits, *, explicit: bool) -> None:
    shown = str(path)
    suffix = path.suffix.lower()
    if explicit and not path.exists():
        batch.skip(shown, "broken symbolic link" if path.is_symlink() else "no such file or folder")
        return
    if suffix not in SUPPORTED:
        batch.skip(shown, f"unsupported file type {suffix or '(no extension)'}; expected .txt, .jsonl, .html or .htm")
        return
    try:
        st = path.stat()
    except OSError as exc:
        batch.skip(shown, _os_reason(exc) if path.exists() or path.is_symlink() else "no such file")
        return
    if not stat.S_ISREG(st.st_mode):
        batch.skip(shown, "not a regular file")
        return
    if suffix in JSONL_SUFFIXES:
        try:
            with path.open("rb") as fh:
                _read_jsonl_stream(fh, shown, batch, limits)
        except OSError as exc:
            batch.skip(shown, _os_reason(exc))
        return
    if st.st_size == 0:
        batch.skip(shown, "empty file")
        return
    if st.st_size > limits.max_file_bytes:
        batch.skip(shown, f"file is {st.st_size:,} bytes, over the {limits.max_file_bytes:,}-byte limit (limits.max_file_bytes)")
        return
    try:
        data = path.read_bytes()
        text = decode(data)
        if suffix in HTML_SUFFIXES:
            doc = from_html(text, doc_id=path.stem, path=shown)
        else:
            doc = from_text(text, doc_id=path.stem, path=shown)
        _check_document(doc, limits)
    except OSError as exc:
        batch.skip(shown, _os_reason(exc))
        return
    except InputError as exc:
        batch.skip(shown, str(exc))
        return
    batch.add(doc)


def _check_document(doc: Document, limits: Limits) -> None:
    if not doc.text.strip():
        raise InputError("no text (empty or whitespace only)")
    if len(doc.text) > limits.max_document_chars:
        raise InputError(
            f"text is {len(doc.text):,} characters, over the {limits.max_document_chars:,}-character limit (limits.max_document_chars)"
        )


def looks_binary(data: bytes) -> bool:
    """NUL bytes or many control characters in the first 8 KB: not a text file."""
    head = data[:8192]
    if b"\x00" in head:
        return True
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13))
    return controls > max(8, len(head) // 50)


def decode(data: bytes) -> str:
    """UTF-8 (BOM dropped), else the encoding charset-normalizer detects. Raises :class:`InputError`."""
    if not data:
        raise InputError("empty file")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise InputError("invalid UTF-16 despite its byte-order mark") from None
    if looks_binary(data):
        raise InputError("binary file (NUL or control bytes), not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise InputError("not UTF-8 and no text encoding could be detected")
    log.info("decoded as %s", best.encoding)
    return str(best)


def from_text(text: str, doc_id: str, path: str | None = None, base: Metadata | None = None) -> Document:
    """A plain-text article; metadata read from its own lines."""
    base = base or Metadata(path=path)
    return Document(doc_id, text, metadata.extract(text, base))


def from_html(html: str, doc_id: str, path: str | None = None) -> Document:
    """Main text and metadata of a web page via trafilatura; offsets index the extracted text."""
    import trafilatura

    try:
        extracted = trafilatura.bare_extraction(html, with_metadata=True, include_comments=False)
    except Exception as exc:  # trafilatura raises many kinds on hostile markup
        raise InputError(f"HTML could not be parsed ({exc.__class__.__name__})") from None
    if extracted is None:
        raise InputError("no article text found in the HTML")
    get = (lambda k: getattr(extracted, k, None)) if not isinstance(extracted, dict) else extracted.get
    text = get("text") or ""
    if not text.strip():
        raise InputError("no article text found in the HTML")
    title = get("title")
    base = Metadata(
        title=title,
        url=get("url"),
        outlet=get("sitename") or get("hostname"),
        author=get("author"),
        published=get("date"),
        path=path,
    )
    body = f"{title}\n\n{text}" if title and not text.startswith(title) else text
    return Document(doc_id, body, metadata.extract(body, base))


def _read_jsonl_stream(fh: IO[bytes], shown: str, batch: Batch, limits: Limits) -> None:
    lineno = 0
    any_line = False
    while True:
        raw = fh.readline(limits.max_line_chars * 4 + 1)
        if not raw:
            break
        lineno += 1
        where = f"{shown}:{lineno}"
        if len(raw) > limits.max_line_chars * 4 or (not raw.endswith(b"\n") and len(raw) == limits.max_line_chars * 4 + 1):
            while raw and not raw.endswith(b"\n"):  # drain the rest of the oversize line without keeping it
                raw = fh.readline(1 << 20)
            batch.skip(where, f"line is over the {limits.max_line_chars:,}-character limit (limits.max_line_chars)")
            continue
        if not raw.strip():
            continue
        any_line = True
        try:
            doc = from_json_line(raw, limits, path=shown)
            _check_document(doc, limits)
        except InputError as exc:
            batch.skip(where, str(exc))
            continue
        batch.add(doc)
    if not any_line:
        batch.skip(shown, "empty file" if lineno == 0 else "no JSON lines")


def from_json_line(raw: bytes | str, limits: Limits = Limits(), path: str | None = None) -> Document:
    """One JSONL record -> Document. ``id`` and ``text`` are required strings; other known fields optional."""
    try:
        line = raw.decode("utf-8") if isinstance(raw, bytes) else raw
    except UnicodeDecodeError:
        raise InputError("line is not valid UTF-8") from None
    if len(line) > limits.max_line_chars:
        raise InputError(f"line is over the {limits.max_line_chars:,}-character limit (limits.max_line_chars)")
    try:
        record: Any = json.loads(line)
    except (json.JSONDecodeError, RecursionError) as exc:
        raise InputError(f"not valid JSON ({exc.__class__.__name__}: {str(exc)[:80]})") from None
    if not isinstance(record, dict):
        raise InputError(f"expected a JSON object, got {type(record).__name__}")
    doc_id = record.get("id")
    if isinstance(doc_id, int) and not isinstance(doc_id, bool):
        doc_id = str(doc_id)
    if not isinstance(doc_id, str) or not doc_id.strip():
        raise InputError("missing or non-string 'id'")
    if len(doc_id) > limits.max_id_chars:
        raise InputError(f"'id' is {len(doc_id):,} characters, over the {limits.max_id_chars}-character limit (limits.max_id_chars)")
    text = record.get("text")
    if not isinstance(text, str):
        raise InputError(f"record {doc_id[:80]!r}: missing or non-string 'text'")
    if _has_surrogates(text):  # lone surrogates from JSON escapes: one '?' each, so offsets keep their meaning
        text = text.encode("utf-8", "replace").decode("utf-8")
    fields: dict[str, str | None] = {}
    for name in OPTIONAL_FIELDS:
        value = record.get(name)
        if value is not None and not isinstance(value, str):
            raise InputError(f"record {doc_id[:80]!r}: field {name!r} must be a string, got {type(value).__name__}")
        fields[name] = _clean_field(value)
    base = Metadata(path=path, **fields)
    return from_text(text, doc_id, path=path, base=base)


def _has_surrogates(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _clean_field(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip()
    if _has_surrogates(value):
        value = value.encode("utf-8", "replace").decode("utf-8")
    return value[:2000] or None
