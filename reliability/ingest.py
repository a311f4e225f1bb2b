"""Files, folders and stdin -> :class:`Document` values, plus a :class:`Skipped` entry for everything unreadable.

Supported: ``.txt`` (metadata from clues in the text), ``.jsonl`` (one article per line), ``.html``/``.htm``
(main text and metadata via trafilatura), folders (every file beneath, sorted), and ``-`` (JSONL on stdin).

Input is untrusted. One bad file or line never stops the batch: it becomes a :class:`Skipped` with a short reason
that names the file (and line) and, when a limit was hit, the ``[limits]`` key to raise. Memory stays bounded:
files are read through a size cap (never whole when over it), JSONL lines through a length cap, and the batch
stops growing at ``limits.max_batch_documents`` / ``limits.max_batch_chars``. FIFOs, devices and sockets are
never opened for reading, so a folder holding one cannot block the run.

>>> from reliability import load_config
>>> docs, skipped = ingest(["seeds/"], load_config())   # doctest: +SKIP
"""

from __future__ import annotations

import codecs
import errno
import json
import logging
import os
import re
import stat
import sys
import unicodedata
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import IO, Any, Iterable, Iterator

from . import metadata
from .config import Config, ConfigError
from .gcpolicy import fewer_collections
from .model import Document, Metadata, Skipped

log = logging.getLogger(__name__)

TEXT_SUFFIXES = {".txt", ".text", ".md"}
HTML_SUFFIXES = {".html", ".htm"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
SUPPORTED = TEXT_SUFFIXES | HTML_SUFFIXES | JSONL_SUFFIXES
OPTIONAL_FIELDS = ("title", "url", "outlet", "author", "published")
MAX_FIELD_CHARS = 2000  # metadata fields are headlines and names; anything longer is page junk
_DRAIN_CHUNK = 1 << 20  # bytes read at a time while discarding the rest of an oversize line


class InputError(ValueError):
    """A file or line cannot be turned into a document; the message is the reason shown to the user."""


@dataclass(frozen=True)
class Limits:
    """Caps on what one run reads. Defaults match ``[limits]`` in config/default.toml (reasons are there)."""

    max_file_bytes: int = 20_000_000
    max_jsonl_bytes: int = 1_000_000_000
    max_line_chars: int = 5_000_000
    max_document_chars: int = 500_000
    max_id_chars: int = 512
    max_bad_lines: int = 1_000
    max_batch_documents: int = 100_000
    max_batch_chars: int = 200_000_000

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ConfigError(f"limits.{f.name} must be a whole number >= 1, got {value!r}")

    @classmethod
    def from_config(cls, config: Config) -> "Limits":
        section = config.section("limits")
        try:
            return cls(**{f.name: section[f.name] for f in fields(cls) if f.name in section})
        except ConfigError as exc:
            raise ConfigError(f"{config.source}: {exc}") from None

    @property
    def line_bytes(self) -> int:
        """Bytes read for one JSONL line before giving up: a UTF-8 character is at most 4 bytes."""
        return self.max_line_chars * 4


def limit_reason(what: str, size: int, limit: int, unit: str, key: str) -> str:
    """The one wording for every limit, e.g. "file is 30,000,000 bytes, over the 20,000,000-byte limit (…)"."""
    return f"{what} is {size:,} {unit}s, over the {limit:,}-{unit} limit (limits.{key})"


# --------------------------------------------------------------------------------------------------- the batch


@dataclass
class Batch:
    """Documents and skips collected so far; enforces unique ids and the batch-size limits."""

    limits: Limits = field(default_factory=Limits)
    documents: list[Document] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    chars: int = 0
    _next_suffix: dict[str, int] = field(default_factory=dict)

    @property
    def full_reason(self) -> str | None:
        """Why nothing more may be added, or None while there is room."""
        if len(self.documents) >= self.limits.max_batch_documents:
            return f"batch already holds {len(self.documents):,} documents, the limit (limits.max_batch_documents)"
        if self.chars >= self.limits.max_batch_chars:
            return f"batch already holds {self.chars:,} characters, the limit (limits.max_batch_chars)"
        return None

    def refusal(self, doc: Document) -> str | None:
        """Why ``doc`` cannot join the batch (a batch limit), or None."""
        full = self.full_reason
        if full is None and self.chars + len(doc.text) > self.limits.max_batch_chars:
            full = f"it would take the batch over {self.limits.max_batch_chars:,} characters (limits.max_batch_chars)"
        return None if full is None else f"not read: {full}"

    def add(self, doc: Document) -> None:
        """Append ``doc`` (renamed ``id~2``… if its id is taken); call :meth:`refusal` first."""
        doc = self._unique(doc)
        self.chars += len(doc.text)
        self.documents.append(doc)

    def _unique(self, doc: Document) -> Document:
        # A per-id counter keeps renaming O(1): 100,000 lines sharing one id must not cost 100,000² lookups.
        if doc.id not in self._next_suffix:
            self._next_suffix[doc.id] = 2
            return doc
        n = self._next_suffix[doc.id]
        while f"{doc.id}~{n}" in self._next_suffix:
            n += 1
        self._next_suffix[doc.id] = n + 1
        new_id = f"{doc.id}~{n}"
        self._next_suffix[new_id] = 2
        log.warning("%s: id %r already used in this batch; renamed to %r", doc.meta.path, doc.id, new_id)
        return Document(new_id, doc.text, doc.meta)

    def skip(self, path: str, reason: str) -> None:
        log.warning("skipped %s: %s", path, reason)
        self.skipped.append(Skipped(path, reason))


def ingest(paths: Iterable[str | os.PathLike[str]], config: Config) -> tuple[list[Document], list[Skipped]]:
    """Read every path; return the documents in a deterministic order and the skipped inputs with reasons."""
    batch = Batch(Limits.from_config(config))
    with fewer_collections():  # every document read stays alive for the run
        for raw in paths:
            _read_path(raw, batch)
    return batch.documents, batch.skipped


def _read_path(raw: str | os.PathLike[str], batch: Batch) -> None:
    if str(raw) == "-":
        _read_stdin(batch)
        return
    path = Path(raw)
    if _is_dir(path):
        files = 0
        for files, file in enumerate(_walk(path, batch), start=1):
            _read_file(file, batch, explicit=False)
        if not files:
            batch.skip(display(path), "folder holds no files (hidden files are not read)")
    else:
        _read_file(path, batch, explicit=True)


def _read_stdin(batch: Batch) -> None:
    stdin = getattr(sys.stdin, "buffer", None)
    if stdin is None:  # stdin closed (`<&-`) or replaced by an object without bytes
        batch.skip("-", "no standard input to read")
        return
    _read_jsonl_stream(stdin, "-", batch)


# ------------------------------------------------------------------------------------------- paths and folders


def display(path: str | os.PathLike[str]) -> str:
    """A path as shown to users: undecodable bytes in file names become U+FFFD instead of lone surrogates,
    which would crash any UTF-8 writer of the report; control characters (terminal escapes) become '?'."""
    return printable(os.fsencode(path).decode("utf-8", "replace"))


def _is_dir(path: Path) -> bool:
    try:
        return path.is_dir()
    except (OSError, ValueError):  # a NUL in the name, a name too long: not a folder; _read_file says why
        return False


def _walk(root: Path, batch: Batch) -> Iterator[Path]:
    """Files beneath ``root``, depth first, names sorted. Symlinked folders are followed, but each real folder is
    read once, so a folder linked into itself ends the walk with a skip instead of looping."""
    seen: set[tuple[int, int]] = set()
    stack = [root]
    while stack:
        folder = stack.pop()
        try:
            st = folder.stat()
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as exc:
            batch.skip(display(folder), _os_reason(exc))
            continue
        if (st.st_dev, st.st_ino) in seen:
            batch.skip(display(folder), "folder already read (a symbolic link loops back to it); not read again")
            continue
        seen.add((st.st_dev, st.st_ino))
        subfolders = []
        for entry in entries:
            if entry.name.startswith("."):
                continue
            if _entry_is_dir(entry):
                subfolders.append(Path(entry.path))
            else:
                yield Path(entry.path)
        stack.extend(reversed(subfolders))


def _entry_is_dir(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()  # follows symlinks; a broken link is not a folder and is reported by _read_file
    except OSError:
        return False


def _os_reason(exc: OSError) -> str:
    return f"cannot read: {exc.strerror or exc.__class__.__name__}"


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISDIR(mode):
        return "a folder"
    return "not a regular file"


# --------------------------------------------------------------------------------------------------- one file


def _read_file(path: Path, batch: Batch, *, explicit: bool) -> None:
    shown = display(path)
    full = batch.full_reason
    if full is not None:
        batch.skip(shown, f"not read: {full}")
        return
    try:
        _read_file_unchecked(path, shown, batch, explicit=explicit)
    except InputError as exc:
        batch.skip(shown, str(exc))
    except OSError as exc:
        batch.skip(shown, _os_reason(exc))
    except Exception as exc:  # a bug in a later stage must not end the batch; the traceback goes to -vv
        log.debug("internal error reading %s", shown, exc_info=True)
        batch.skip(shown, f"internal error while reading ({exc.__class__.__name__}); please report it")


def _read_file_unchecked(path: Path, shown: str, batch: Batch, *, explicit: bool) -> None:
    st = _stat(path, explicit=explicit)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED:
        raise InputError(f"unsupported file type {suffix or '(no extension)'}; expected .txt, .jsonl, .html or .htm")
    # stat first (no side effects) so that FIFOs and devices are never opened: opening a FIFO blocks.
    if not stat.S_ISREG(st.st_mode):
        raise InputError(f"{_kind(st.st_mode)}, not a file; not read")
    if suffix in JSONL_SUFFIXES:
        if st.st_size > batch.limits.max_jsonl_bytes:
            raise InputError(limit_reason("file", st.st_size, batch.limits.max_jsonl_bytes, "byte", "max_jsonl_bytes"))
        with _open_regular(path) as fh:
            _read_jsonl_stream(fh, shown, batch)
        return
    if st.st_size > batch.limits.max_file_bytes:
        raise InputError(limit_reason("file", st.st_size, batch.limits.max_file_bytes, "byte", "max_file_bytes"))
    with _open_regular(path) as fh:
        data = _read_capped(fh, batch.limits.max_file_bytes)
    text = decode(data)
    if suffix not in HTML_SUFFIXES:
        check_length(text, batch.limits)
    doc_id = clean_id(display(path.stem)) or "untitled"
    doc = from_html(text, doc_id, path=shown) if suffix in HTML_SUFFIXES else from_text(text, doc_id, path=shown)
    check_document(doc, batch.limits)
    _add(doc, batch)


def _add(doc: Document, batch: Batch) -> None:
    refusal = batch.refusal(doc)
    if refusal is not None:
        raise InputError(refusal)
    batch.add(doc)


def _stat(path: Path, *, explicit: bool) -> os.stat_result:
    try:
        return path.stat()
    except ValueError:
        raise InputError("not a usable file name (contains a NUL byte)") from None
    except FileNotFoundError:
        if path.is_symlink():
            raise InputError("broken symbolic link (its target does not exist)") from None
        raise InputError("no such file or folder" if explicit else "no such file (removed while reading)") from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:  # links pointing at each other
            raise InputError("symbolic link loop; not read") from None
        raise


def _open_regular(path: Path) -> IO[bytes]:
    """Open without blocking and re-check the type on the open descriptor: the file may have been swapped for a
    FIFO since it was stat'ed."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise InputError(f"{_kind(mode)}, not a file; not read")
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def _read_capped(fh: IO[bytes], limit: int) -> bytes:
    """At most ``limit`` bytes; a file that grew past its stat'ed size (or a /proc file reporting 0) is refused
    after reading limit + 1 bytes, never read whole."""
    data = fh.read(limit + 1)
    if len(data) > limit:
        raise InputError(f"file is over the {limit:,}-byte limit (limits.max_file_bytes)")
    return data


def check_document(doc: Document, limits: Limits) -> None:
    """Raise :class:`InputError` when a document has no text or is longer than ``limits.max_document_chars``."""
    if not doc.text.strip():
        raise InputError("no text (empty or whitespace only)")
    check_length(doc.text, limits)


def check_length(text: str, limits: Limits) -> None:
    """Called before metadata extraction too: regexes over a 4 MB text cost seconds, for a text then refused."""
    if len(text) > limits.max_document_chars:
        raise InputError(limit_reason("text", len(text), limits.max_document_chars, "character", "max_document_chars"))


# ---------------------------------------------------------------------------------------------------- decoding


def looks_binary(data: bytes) -> bool:
    """NUL bytes or many control characters in the first 8 KB: not a text file."""
    head = data[:8192]
    if b"\x00" in head:
        return True
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13, 27))
    return controls > max(8, len(head) // 50)


def _bomless_utf16(data: bytes) -> str | None:
    """'utf-16-le'/'utf-16-be' when the head looks like UTF-16 without a byte-order mark. Every ASCII character
    (space, newline, digit, Latin letter) puts a NUL in the high byte of its pair, so NULs gather on one side;
    the other side has NULs only for the rare U+xx00 characters. The head must also decode to printable text."""
    head = data[:8192] if len(data) % 2 == 0 else b""
    if len(head) < 8:
        return None
    pairs = len(head) // 2
    even_nul, odd_nul = head[0::2].count(0) / pairs, head[1::2].count(0) / pairs
    if max(even_nul, odd_nul) < 0.02 or even_nul == odd_nul:
        return None
    codec = "utf-16-le" if odd_nul > even_nul else "utf-16-be"
    sample = head.decode(codec, "replace")
    readable = sum(1 for ch in sample if ch.isprintable() or ch in "\t\n\r\f")
    return codec if readable >= 0.95 * len(sample) else None


def _cp1252_fallback(exc: UnicodeError) -> tuple[str, int]:
    """Codec error handler: a byte that is not UTF-8 is read as Windows-1252 (Latin-1 where 1252 has a hole).
    Files pasted together from a UTF-8 and a Windows source are common; this keeps both halves readable."""
    assert isinstance(exc, UnicodeDecodeError)
    return "".join(_byte_as_cp1252(b) for b in exc.object[exc.start : exc.end]), exc.end


def _byte_as_cp1252(b: int) -> str:
    try:
        return bytes([b]).decode("cp1252")
    except UnicodeDecodeError:
        return bytes([b]).decode("latin-1")


codecs.register_error("reliability-cp1252", _cp1252_fallback)


def _mostly_utf8(data: bytes) -> bool:
    """Real UTF-8 characters beside the invalid bytes: a file pasted together from a UTF-8 and a Windows source.
    A legacy-encoded file forms a valid multi-byte sequence only by accident ("Â«"), far less often than it errs."""
    decoded = data.decode("utf-8", "replace")
    bad = decoded.count("\ufffd") - data.count("\ufffd".encode())
    multibyte = len(data) - len(decoded)  # bytes beyond the first of each valid multi-byte character: 1 to 3 each
    return multibyte > 0 and bad <= 4 * multibyte


def decode(data: bytes) -> str:
    """Bytes of a text or HTML file -> str. Raises :class:`InputError` with the reason when it is not text.

    UTF-8 (BOM dropped); UTF-32/UTF-16 by their byte-order mark or, for UTF-16, by the NUL pattern;
    mostly-UTF-8 with stray Windows-1252 bytes read byte by byte; otherwise the encoding charset-normalizer detects.
    """
    if not data:
        raise InputError("empty file")
    for bom, codec in ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
                       (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return _strict(data, codec, f"invalid {codec.upper()} despite its byte-order mark")
    utf16 = _bomless_utf16(data)
    if utf16:
        return _strict(data, utf16, "looks like UTF-16 without a byte-order mark but does not decode as UTF-16")
    if looks_binary(data):
        raise InputError("binary file (NUL or control bytes), not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    if _mostly_utf8(data):
        log.info("mixed encoding: UTF-8 with stray Windows-1252 bytes")
        return data.removeprefix(codecs.BOM_UTF8).decode("utf-8", "reliability-cp1252")
    return _detect(data)


def _strict(data: bytes, codec: str, reason: str) -> str:
    try:
        text = data.decode(codec)
    except UnicodeDecodeError:
        raise InputError(reason) from None
    return text.removeprefix("\ufeff")


# When charset-normalizer finds several code pages equally plausible (they decode most letters alike), prefer the
# ones most used on the web: French in cp1252 otherwise comes out as cp1250 with "à" read as "ŕ".
_WEB_COMMON = ("utf_8", "cp1252", "latin_1", "iso8859_15", "cp1251", "cp1250", "iso8859_2", "cp1253", "cp1254")


def _detect(data: bytes) -> str:
    from charset_normalizer import from_bytes

    results = list(from_bytes(data))
    if not results:
        raise InputError("not UTF-8 and no text encoding could be detected")
    best = results[0]
    tied = [r for r in results if (r.chaos, r.coherence) == (best.chaos, best.coherence)]
    chosen = min(tied, key=lambda r: _WEB_COMMON.index(r.encoding) if r.encoding in _WEB_COMMON else len(_WEB_COMMON))
    log.info("decoded as %s", chosen.encoding)
    return str(chosen)


# ------------------------------------------------------------------------------------------ text and HTML files


def from_text(text: str, doc_id: str, path: str | None = None, base: Metadata | None = None) -> Document:
    """A plain-text article; metadata read from its own lines."""
    base = base or Metadata(path=path)
    return Document(doc_id, text, metadata.extract(text, base))


def from_html(html: str, doc_id: str, path: str | None = None) -> Document:
    """Main text and metadata of a web page via trafilatura; offsets index the extracted text."""
    extracted = _extract(html)
    if extracted is None and _WRAPPER_TAG.search(html):
        # libxml2 stops building the tree 256 elements deep, so an article inside hundreds of wrapper <div>s
        # (hostile or machine-made markup) is lost. Wrappers carry no text: drop them and try once more.
        extracted = _extract(_WRAPPER_TAG.sub(" ", html))
    if extracted is None:
        raise InputError("no article text found in the HTML")
    get = (lambda k: getattr(extracted, k, None)) if not isinstance(extracted, dict) else extracted.get
    text = get("text") or ""
    title = _clean_field(get("title"))
    base = Metadata(
        title=title,
        url=_clean_field(get("url")),
        outlet=_clean_field(get("sitename") or get("hostname")),
        author=_clean_field(get("author")),
        published=_clean_field(get("date")),
        path=path,
    )
    body = f"{title}\n\n{text}" if title and not text.startswith(title) else text
    return Document(doc_id, body, metadata.extract(body, base))


_WRAPPER_TAG = re.compile(r"</?(?:div|span|section|main)\b[^<>]*>", re.I)


def _extract(html: str) -> Any:
    """trafilatura's document (with ``.text``), or None when it finds no article text."""
    import trafilatura

    try:
        extracted = trafilatura.bare_extraction(html, with_metadata=True, include_comments=False)
    except Exception as exc:  # trafilatura and lxml raise many kinds on hostile markup
        raise InputError(f"HTML could not be parsed ({exc.__class__.__name__})") from None
    if extracted is None:
        return None
    text = extracted.get("text") if isinstance(extracted, dict) else getattr(extracted, "text", None)
    return extracted if text and text.strip() else None


# ------------------------------------------------------------------------------------------------------- JSONL


def _read_jsonl_stream(fh: IO[bytes], shown: str, batch: Batch) -> None:
    """One document per line. Lines are read through a byte cap, so a 50 MB line is never held whole; after
    ``limits.max_bad_lines`` bad lines the rest of the file is not read (it is not JSONL)."""
    try:
        head = _peek(fh)
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or _bomless_utf16(head):
            batch.skip(shown, "JSONL must be UTF-8; this file is UTF-16")
            return
        if b"\x00" in head:
            batch.skip(shown, "binary file (NUL bytes), not JSONL")
            return
        _read_jsonl_lines(fh, shown, batch)
    except OSError as exc:
        batch.skip(shown, _os_reason(exc))


def _peek(fh: IO[bytes]) -> bytes:
    peek = getattr(fh, "peek", None)
    return peek(8192)[:8192] if peek else b""


def _read_jsonl_lines(fh: IO[bytes], shown: str, batch: Batch) -> None:
    limits = batch.limits
    lineno = bad = 0
    any_line = False
    while True:
        raw = fh.readline(limits.line_bytes + 1)
        if not raw:
            break
        lineno += 1
        where = f"{shown}:{lineno}"
        if len(raw) > limits.line_bytes:
            _drain_line(fh, raw)
            reason: str | None = f"line is over the {limits.max_line_chars:,}-character limit (limits.max_line_chars)"
        elif not raw.strip():
            continue
        else:
            any_line = True
            reason = _add_json_line(raw, lineno, where, shown, batch)
        if reason is None:
            continue
        if reason.startswith("not read:"):  # the batch is full: one entry for the rest of the file
            batch.skip(where, f"{reason}; lines from {lineno:,} on not read")
            return
        batch.skip(where, reason)
        bad += 1
        if bad >= limits.max_bad_lines:
            batch.skip(shown, f"{bad:,} bad lines, the limit (limits.max_bad_lines); rest of the file not read")
            return
    if not any_line and bad == 0:
        batch.skip(shown, "empty file" if lineno == 0 else "no JSON lines")


def _drain_line(fh: IO[bytes], raw: bytes) -> None:
    """Discard the rest of an oversize line without keeping it."""
    while raw and not raw.endswith(b"\n"):
        raw = fh.readline(_DRAIN_CHUNK)


def _add_json_line(raw: bytes, lineno: int, where: str, shown: str, batch: Batch) -> str | None:
    """Parse and add one line; the skip reason, or None when it was added."""
    if batch.full_reason is not None:
        return f"not read: {batch.full_reason}"
    try:
        doc = from_json_line(raw.removeprefix(codecs.BOM_UTF8) if lineno == 1 else raw, batch.limits, path=shown)
        check_document(doc, batch.limits)
    except InputError as exc:
        return str(exc)
    except Exception as exc:  # a bug in metadata extraction must not end the batch; traceback at -vv
        log.debug("internal error reading %s", where, exc_info=True)
        return f"internal error while reading ({exc.__class__.__name__}); please report it"
    refusal = batch.refusal(doc)
    if refusal is None:
        batch.add(doc)
    return refusal


def from_json_line(raw: bytes | str, limits: Limits = Limits(), path: str | None = None) -> Document:
    """One JSONL record -> Document. ``id`` and ``text`` are required strings; other known fields optional."""
    try:
        line = raw.decode("utf-8") if isinstance(raw, bytes) else raw
    except UnicodeDecodeError:
        raise InputError("line is not valid UTF-8") from None
    if len(line) > limits.max_line_chars:
        raise InputError(limit_reason("line", len(line), limits.max_line_chars, "character", "max_line_chars"))
    record = _parse_json(line)
    doc_id = _record_id(record, limits)
    text = record.get("text")
    if not isinstance(text, str):
        problem = "missing 'text'" if text is None else f"'text' must be a string, got {type(text).__name__}"
        raise InputError(f"record {doc_id[:80]!r}: {problem}")
    check_length(text, limits)
    if _has_surrogates(text):  # lone surrogates from JSON escapes: one '?' each, so offsets keep their meaning
        text = text.encode("utf-8", "replace").decode("utf-8")
    values: dict[str, str | None] = {}
    for name in OPTIONAL_FIELDS:
        value = record.get(name)
        if value is not None and not isinstance(value, str):
            raise InputError(f"record {doc_id[:80]!r}: field {name!r} must be a string, got {type(value).__name__}")
        values[name] = _clean_field(value)
    base = Metadata(path=path, **values)
    return from_text(text, doc_id, path=path, base=base)


def _parse_json(line: str) -> dict[str, Any]:
    try:
        record: Any = json.loads(line)
    except json.JSONDecodeError as exc:
        raise InputError(f"not valid JSON (JSONDecodeError: {str(exc)[:80]})") from None
    except RecursionError:
        raise InputError("not usable JSON (nested too deeply)") from None
    except ValueError as exc:  # Python refuses to parse integers of more than 4,300 digits
        detail = "a number of over 4,300 digits" if "integer string conversion" in str(exc) else str(exc)[:80]
        raise InputError(f"not usable JSON ({detail})") from None
    if not isinstance(record, dict):
        raise InputError(f"expected a JSON object, got {type(record).__name__}")
    return record


def _record_id(record: dict[str, Any], limits: Limits) -> str:
    raw_id = record.get("id")
    if isinstance(raw_id, int) and not isinstance(raw_id, bool):
        if raw_id.bit_length() > 4 * limits.max_id_chars:  # str() of a huge int is slow; bound it first
            raise InputError(f"'id' is a number over the {limits.max_id_chars}-character limit (limits.max_id_chars)")
        raw_id = str(raw_id)
    if raw_id is None:
        raise InputError("missing 'id'")
    if not isinstance(raw_id, str):
        raise InputError(f"'id' must be a string or a whole number, got {type(raw_id).__name__}")
    if len(raw_id) > limits.max_id_chars:
        raise InputError(limit_reason("'id'", len(raw_id), limits.max_id_chars, "character", "max_id_chars"))
    doc_id = clean_id(raw_id)
    if not doc_id:
        raise InputError("missing or empty 'id'")
    return doc_id


def clean_id(raw: str) -> str:
    """An id safe to print and store: control characters and lone surrogates become '?', ends trimmed.
    Ids are only ever labels — never file names — so '/' and '..' are kept as written."""
    return printable(raw).strip()


def printable(text: str) -> str:
    """``text`` with control and format characters (terminal escapes, bidi overrides that reorder what a table
    shows), line separators and lone surrogates replaced by '?'."""
    return "".join("?" if unicodedata.category(ch) in _HIDDEN else ch for ch in text)


_HIDDEN = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})


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
    return value[:MAX_FIELD_CHARS] or None
