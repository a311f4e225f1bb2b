"""History store: every scored article, its MinHash signature and its scores per run, in one SQLite file.

The duplication stage sees it through the :class:`reliability.duplication.history.History` protocol
(``candidates`` + ``fetch``); the pipeline records each batch with :meth:`HistoryStore.record_batch`, in one
transaction. Design choices (measured in ``benchmarks/bench_history.py``):

- Identity is a content hash (xxh3-128 of the NFC, whitespace-collapsed text): the same article twice is stored once
  and reported as seen before; its scores are still recorded per run.
- Signatures are ``num_perm`` uint32 blobs in the scheme's byte order (512 bytes at 128 perms). The scheme
  (num_perm, seed, shingling, hash, permutation scheme, byte order) and a *probe signature* of a fixed text are
  recorded when the store is created; opening it with another scheme, or with a datasketch/xxhash whose hashing
  changed (the probe no longer matches), is refused with a message saying what to do.
- Text is kept as a zlib-compressed *prefix* within ``text_budget`` bytes (preset dictionary of common English words,
  saved in the store so decoding never depends on a library version). The signature covers the whole article; the
  prefix keeps offsets exact (it is ``text[:n]``) so passages in the lead paragraphs, where reuse concentrates,
  can still be aligned. This keeps an article under 2 KB on disk at 1M articles.
- Window keys (:class:`reliability.index.WindowSketch`, at most 24 uint32 per article, from the whole text) find
  stored articles of which only a few paragraphs were reused. When the reused text lies beyond the kept prefix,
  the duplication stage reports a document-level match estimated from the signatures. Stores from before window
  keys get the column on open; their old rows are found by document signature only.
- ``candidates`` ranks what the index returns by signature similarity and keeps ``max_candidates`` per article, so
  a run decompresses a few texts per article, not every band collision (1M stored: ~109 per article before, 4 now).
- SQLite WAL, ``synchronous=FULL``, ``BEGIN IMMEDIATE`` with a busy timeout and retries: two runs on one store both
  finish, a killed writer never leaves a partial batch.

>>> from reliability.store import HistoryStore                       # doctest: +SKIP
>>> store = HistoryStore.open(config)                                # doctest: +SKIP
>>> result = score_documents(docs, config, history=store.for_batch(docs))   # doctest: +SKIP
>>> store.record_batch(result, docs, text_signatures([d.text for d in docs], store.scheme))   # doctest: +SKIP
"""

from __future__ import annotations

import json
import logging
import os
import random
import sqlite3
import time
import unicodedata
import uuid
import zlib
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping, Sequence

import numpy as np
import xxhash

from .config import Config
from .duplication.history import StoredArticle
from .duplication.minhash import SignatureScheme, TokenHasher, combine, text_signatures, tokens
from .index import Banding, EmbeddedIndex, IndexError_, LshIndex, RedisIndex, WindowSketch, band_keys
from .model import BatchResult, Document

log = logging.getLogger(__name__)

SCHEMA_VERSION = 1
# Signed into every store at creation; if today's code signs it differently, stored signatures are incomparable.
PROBE_TEXT = (
    "The city council voted on Tuesday to approve the new budget, officials said, after a long debate about "
    "funding for schools, roads and the public library."
)
_SQL_VARS = 900  # stay below SQLite's default limit on bound parameters


class StoreError(RuntimeError):
    """The store cannot be used as asked; the message says why and what to do."""


@dataclass(frozen=True, slots=True)
class RecordedBatch:
    """What :meth:`HistoryStore.record_batch` wrote: the run id, and per batch document its history id."""

    run_id: int
    ids: Mapping[str, str]  # batch document id -> history id
    new: tuple[str, ...]  # batch document ids stored for the first time
    seen_before: Mapping[str, StoredArticle]  # batch document id -> the stored article with the same content


@dataclass(frozen=True, slots=True)
class ScoreRecord:
    run_id: int
    at: str
    score: float
    triage: str
    top: str  # "signal:points, ..." largest first


@dataclass(frozen=True, slots=True)
class ArticleRecord:
    """One stored article with every score it received (``history show``)."""

    article: StoredArticle
    content_hash: str
    text_chars: int  # characters of the original text; the stored prefix may be shorter
    scores: tuple[ScoreRecord, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        """JSON-safe form for ``history list/show --format json`` (text only when it was fetched)."""
        a = self.article
        out: dict[str, Any] = {
            "id": a.id, "outlet": a.outlet, "url": a.url, "published": a.published, "first_seen": a.first_seen,
            "content_hash": self.content_hash, "text_chars": self.text_chars,
            "scores": [{"run": s.run_id, "at": s.at, "score": s.score, "triage": s.triage, "top": s.top} for s in self.scores],
        }
        if a.text is not None:
            out["stored_text"] = a.text
        return out

    def summary(self) -> str:
        """One line for ``history list``: id, first seen, outlet, latest score and triage."""
        latest = self.scores[0] if self.scores else None
        scored = f"{latest.score:5.1f} {latest.triage:<6}" if latest else "  -   -     "
        return f"{self.article.id}\t{self.article.first_seen}\t{scored}\t{self.article.outlet or '-'}"


@dataclass(frozen=True, slots=True)
class HistorySettings:
    """The ``[history]`` config table, typed."""

    store: Path
    index: str  # "embedded" or "redis://host:port/db"
    text_budget: int
    busy_timeout_s: float
    retries: int
    compact_fraction: float
    threshold: float
    min_jaccard: float
    max_candidates: int

    @classmethod
    def from_config(cls, config: Config, store: str | os.PathLike[str] | None = None, index: str | None = None) -> "HistorySettings":
        section = config.section("history")
        return cls(
            store=Path(os.path.expanduser(str(store or section.get("store") or default_store_path()))),
            index=str(index or section.get("index", "embedded")),
            text_budget=int(section.get("text_budget", 800)),
            busy_timeout_s=float(section.get("busy_timeout", 60)),
            retries=int(section.get("retries", 8)),
            compact_fraction=float(section.get("compact_fraction", 0.05)),
            # The index's own setting, not [duplication] threshold: tuning the batch engine must not force a
            # rebuild of a large index; changing this one rebuilds it from the stored signatures on next open.
            threshold=float(section.get("lsh_threshold", 0.3)),
            min_jaccard=float(section.get("min_jaccard", 0.2)),
            max_candidates=int(section.get("max_candidates", 5)),
        )


def default_store_path() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local", "share")
    return Path(base) / "reliability" / "history.sqlite3"


def content_hash(text: str) -> bytes:
    """16-byte identity of an article's text; whitespace and Unicode normal form do not change it."""
    normal = " ".join(unicodedata.normalize("NFC", text).split())
    return xxhash.xxh3_128_digest(normal.encode("utf-8", "surrogatepass"))


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _chunks(items: Sequence[Any], size: int = _SQL_VARS) -> Iterator[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def build_zdict() -> bytes:
    """Preset zlib dictionary: frequent English words, most frequent last (zlib favours the end of a dictionary)."""
    from wordfreq import top_n_list

    return " ".join(reversed(top_n_list("en", 6000))).encode()[-32768:]


class TextCodec:
    """Compresses the longest prefix of a text that fits ``budget`` bytes (0 = keep no text)."""

    def __init__(self, zdict: bytes, budget: int):
        self.zdict = zdict
        self.budget = budget
        # Copying a primed compressor is cheaper than loading the 32 KB dictionary for every article.
        self._primed = zlib.compressobj(9, zlib.DEFLATED, -15, 9, zlib.Z_DEFAULT_STRATEGY, zdict)
        self._chars_per_byte = 2.5  # learned as articles go by; sizes the first attempt so one compression usually fits

    def _compress(self, text: str) -> bytes:
        comp = self._primed.copy()
        return comp.compress(text.encode("utf-8", "surrogatepass")) + comp.flush()

    def encode(self, text: str) -> bytes | None:
        if self.budget <= 0 or not text:
            return None
        cut = min(len(text), int(self.budget * self._chars_per_byte * 0.97))
        while True:
            if cut < len(text):
                space = text.rfind(" ", 0, cut)  # end on a word boundary when one is near
                cut = space if space > cut // 2 else cut
            blob = self._compress(text[:cut])
            if len(blob) <= self.budget or cut <= 1:
                break
            cut = int(cut * self.budget / len(blob) * 0.97)
        if len(blob) > 64:
            self._chars_per_byte = 0.8 * self._chars_per_byte + 0.2 * (cut / len(blob))
        return blob if len(blob) <= self.budget else None

    def decode(self, blob: bytes | None) -> str | None:
        if blob is None:
            return None
        dec = zlib.decompressobj(-15, self.zdict)
        return (dec.decompress(blob) + dec.flush()).decode("utf-8", "surrogatepass")


_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    started TEXT NOT NULL,
    finished TEXT NOT NULL,
    articles INTEGER NOT NULL,
    info TEXT NOT NULL
);
-- AUTOINCREMENT: row ids are never reused after a forget, so an index watermark stays meaningful.
CREATE TABLE IF NOT EXISTS documents (
    rowid INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    content_hash BLOB NOT NULL UNIQUE,
    first_seen TEXT NOT NULL,
    first_run INTEGER NOT NULL,
    outlet TEXT, url TEXT, title TEXT, published TEXT,
    text_chars INTEGER NOT NULL,
    text BLOB,
    signature BLOB NOT NULL,
    windows BLOB  -- WindowSketch keys (uint32 little-endian) of the whole text; NULL in stores from before them
);
CREATE TABLE IF NOT EXISTS scores (
    run INTEGER NOT NULL REFERENCES runs(id),
    doc INTEGER NOT NULL,
    score REAL NOT NULL,
    triage TEXT NOT NULL,
    top TEXT NOT NULL,
    PRIMARY KEY (doc, run)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS matches (
    run INTEGER NOT NULL,
    a INTEGER NOT NULL,
    b INTEGER NOT NULL,
    kind TEXT NOT NULL,
    similarity REAL NOT NULL,
    PRIMARY KEY (run, a, b)
) WITHOUT ROWID;
"""


class HistoryStore:
    """SQLite history implementing the duplication stage's ``History`` protocol, plus recording and maintenance."""

    def __init__(
        self,
        path: str | os.PathLike[str],
        scheme: SignatureScheme,
        *,
        threshold: float = 0.3,
        index: str = "embedded",
        text_budget: int = 800,
        busy_timeout_s: float = 60.0,
        retries: int = 8,
        compact_fraction: float = 0.05,
        min_jaccard: float = 0.2,
        max_candidates: int = 5,
    ):
        self.path = Path(path)
        self.min_jaccard = min_jaccard
        self.max_candidates = max_candidates
        self.scheme = scheme
        self.retries = retries
        self.compact_fraction = compact_fraction
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(self.path, timeout=busy_timeout_s, isolation_level=None, check_same_thread=False)
        self._db.execute(f"PRAGMA busy_timeout = {int(busy_timeout_s * 1000)}")
        self._retry(self._init_schema)
        meta = self._meta()
        self._check_scheme(meta)
        self.store_id = meta["store_id"]
        self.codec = TextCodec(bytes.fromhex(meta["zdict"]), text_budget)
        self.sketch = WindowSketch(**json.loads(meta["windows"]))
        self._hasher = TokenHasher()
        self.banding = Banding.for_threshold(threshold, scheme.num_perm)
        self._replace_index_file = False  # set when the saved index was unusable: the rebuilt one must replace it
        self.index: LshIndex = self._open_index(index)
        self.catch_up()

    @classmethod
    def open(cls, config: Config, store: str | os.PathLike[str] | None = None, index: str | None = None) -> "HistoryStore":
        """The store named by ``store`` or ``[history] store`` (default under $XDG_DATA_HOME), with the config's scheme."""
        settings = HistorySettings.from_config(config, store, index)
        return cls(
            settings.store,
            SignatureScheme.from_config(config),
            threshold=settings.threshold,
            index=settings.index,
            text_budget=settings.text_budget,
            busy_timeout_s=settings.busy_timeout_s,
            retries=settings.retries,
            compact_fraction=settings.compact_fraction,
            min_jaccard=settings.min_jaccard,
            max_candidates=settings.max_candidates,
        )

    # -- setup ---------------------------------------------------------------------------------------------------

    def _init_schema(self) -> None:
        # Before anything is created (no-op on an existing file): rows are ~1.5 KB, and 4 KB pages fit only two of
        # them, wasting a quarter of the file; 16 KB pages waste under 5%.
        self._db.execute("PRAGMA page_size = 16384")
        mode = self._db.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            log.warning("%s: journal_mode is %s, not WAL (network file system?)", self.path, mode)
        # FULL: a batch reported as recorded survives a power cut, not only a killed process; one fsync per batch.
        self._db.execute("PRAGMA synchronous = FULL")
        self._db.executescript(_SCHEMA)  # IF NOT EXISTS throughout: safe when two processes create the store at once
        self._db.execute("BEGIN IMMEDIATE")
        try:
            existing = dict(self._db.execute("SELECT key, value FROM meta").fetchall())
            if not existing:
                probe = text_signatures([PROBE_TEXT], self.scheme)[0]
                rows = {
                    "schema_version": str(SCHEMA_VERSION),
                    "store_id": uuid.uuid4().hex,
                    "scheme": json.dumps(self.scheme.as_dict(), sort_keys=True),
                    "probe": self.scheme.to_bytes(probe).hex(),
                    "created": _now(),
                    "zdict": build_zdict().hex(),
                }
                self._db.executemany("INSERT INTO meta(key, value) VALUES (?, ?)", rows.items())
            self._add_windows_column()
            self._db.execute("COMMIT")
        except BaseException:
            self._rollback()
            raise

    def _add_windows_column(self) -> None:
        """Stores from before window keys get the column (O(1) in SQLite); their old rows stay without windows."""
        columns = {r[1] for r in self._db.execute("PRAGMA table_info(documents)")}
        if "windows" not in columns:
            self._db.execute("ALTER TABLE documents ADD COLUMN windows BLOB")
        # The sketch parameters are the store's, like the signature scheme: keys of other parameters never match.
        self._db.execute("INSERT OR IGNORE INTO meta(key, value) VALUES ('windows', ?)", (json.dumps(WindowSketch().as_dict()),))

    def _window_blob(self, text: str) -> bytes:
        shingles = combine(self._hasher(tokens(text)), self.scheme.shingle_size)
        return self.sketch.keys(shingles, stored=True).astype("<u4").tobytes()

    @staticmethod
    def _window_keys(blob: bytes | None) -> np.ndarray:
        return np.frombuffer(blob, dtype="<u4").astype(np.uint32) if blob else np.empty(0, np.uint32)

    def _meta(self) -> dict[str, str]:
        return dict(self._db.execute("SELECT key, value FROM meta").fetchall())

    def _check_scheme(self, meta: Mapping[str, str]) -> None:
        if int(meta.get("schema_version", "0")) != SCHEMA_VERSION:
            raise StoreError(f"{self.path}: store schema version {meta.get('schema_version')} is not {SCHEMA_VERSION}; use a new --store")
        stored = json.loads(meta["scheme"])
        current = self.scheme.as_dict()
        if stored != current:
            diff = ", ".join(f"{k}: stored {stored.get(k)!r} vs configured {current.get(k)!r}" for k in sorted(set(stored) | set(current)) if stored.get(k) != current.get(k))
            raise StoreError(
                f"{self.path} holds signatures of another MinHash scheme ({diff}). Signatures of different schemes "
                "cannot be compared: set [duplication] back to the stored values, or use a new --store."
            )
        probe = self.scheme.to_bytes(text_signatures([PROBE_TEXT], self.scheme)[0]).hex()
        if probe != meta["probe"]:
            raise StoreError(
                f"{self.path}: this installation signs text differently from the one that built the store (a datasketch "
                "or xxhash upgrade changed the hashing). Stored signatures would silently stop matching: pin the "
                "previous versions, or start a new --store."
            )

    def _open_index(self, spec: str) -> LshIndex:
        tag = {"store_id": self._meta()["store_id"], "scheme": self.scheme.as_dict()}
        if spec.startswith(("redis://", "rediss://")):
            return RedisIndex(spec, self.banding, namespace=tag["store_id"], permutation=self.scheme.minhash_scheme)
        if spec != "embedded":
            raise StoreError(f"index must be 'embedded' or redis://host:port/db, got {spec!r}")
        try:
            index = EmbeddedIndex.load(self.index_path)
        except FileNotFoundError:
            return EmbeddedIndex(self.banding, tag=tag)
        except (IndexError_, OSError, ValueError, KeyError) as exc:
            log.warning("%s: rebuilding the LSH index (%s)", self.index_path, exc)
            return self._replacing_index(tag)
        if index.banding != self.banding or index.tag != tag:
            log.info("%s: index built for another store or banding; rebuilding", self.index_path)
            return self._replacing_index(tag)
        return index

    def _replacing_index(self, tag: dict[str, Any]) -> "EmbeddedIndex":
        """A new index that must replace the unusable file once rebuilt, however few articles it holds (otherwise
        every later run would find the same file and rebuild again)."""
        self._replace_index_file = True
        return EmbeddedIndex(self.banding, tag=tag)

    @property
    def index_path(self) -> Path:
        return self.path.with_name(self.path.name + ".lsh")

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> "HistoryStore":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- transactions --------------------------------------------------------------------------------------------

    def _rollback(self) -> None:
        if self._db.in_transaction:
            self._db.execute("ROLLBACK")

    def _retry(self, fn: Any, *args: Any) -> Any:
        """Run ``fn`` (which opens its own transaction); retry when another process holds the write lock too long."""
        for attempt in range(self.retries + 1):
            try:
                return fn(*args)
            except sqlite3.OperationalError as exc:
                self._rollback()
                busy = "locked" in str(exc) or "busy" in str(exc)
                if not busy or attempt == self.retries:
                    raise StoreError(f"{self.path}: {exc}") from exc
                time.sleep(min(2.0, 0.05 * 2**attempt) * (0.5 + random.random()))
        raise AssertionError("unreachable")

    # -- the History protocol ------------------------------------------------------------------------------------

    def catch_up(self, chunk: int = 100_000) -> int:
        """Index rows other processes committed since this index last looked; compacts the saved file when due."""
        mark = self.index.watermark()
        sql = "SELECT rowid, signature, windows FROM documents WHERE rowid > ? ORDER BY rowid LIMIT ?"
        rowids: list[np.ndarray] = []
        keys: list[np.ndarray] = []
        windows: list[np.ndarray] = []
        count = 0
        while rows := self._db.execute(sql, (mark, chunk)).fetchall():
            ids = np.array([r[0] for r in rows], dtype=np.int64)
            sigs = self._signature_matrix(r[1] for r in rows)
            wins = [self._window_keys(r[2]) for r in rows]
            if isinstance(self.index, EmbeddedIndex):
                # Hash chunk by chunk, sort once: a 1M-article rebuild never holds every signature in memory.
                rowids.append(ids)
                keys.append(band_keys(sigs, self.banding))
                windows += wins
            else:
                self.index.add(ids, sigs, wins)
            mark = int(ids[-1])
            count += len(ids)
        if rowids and isinstance(self.index, EmbeddedIndex):
            self.index.add_keys(np.concatenate(rowids), np.concatenate(keys), windows)
        self._maybe_save_index()
        return count

    def _maybe_save_index(self) -> None:
        index = self.index
        if not isinstance(index, EmbeddedIndex):
            return
        if self._replace_index_file or (index.delta_size and (
                not self.index_path.exists() or index.delta_size >= max(1000, self.compact_fraction * len(index)))):
            index.save(self.index_path)
            self._replace_index_file = False

    def _signature_matrix(self, blobs: Iterable[bytes]) -> np.ndarray:
        """(n, num_perm) uint32 from stored blobs, decoded in one call (per-row decoding dominated large fetches)."""
        joined = b"".join(blobs)
        return self.scheme.from_bytes(joined).reshape(-1, self.scheme.num_perm)

    def candidates(
        self, signatures: np.ndarray, shingles: Sequence[np.ndarray] | None = None, exclude: Sequence[frozenset[str]] | None = None
    ) -> list[list[str]]:
        """Per row of ``signatures``, the ids of at most ``max_candidates`` stored articles worth aligning, most
        similar first.

        Two ways in: a shared LSH band of the whole-document signature (near-duplicates, light rewrites), or, when
        the documents' word-shingle hashes ``shingles`` are given, shared window keys (:class:`WindowSketch`: a few
        paragraphs copied into other text). Both are checked on the stored signatures (primary-key reads, no text)
        before anything is fetched: a band candidate needs an estimated Jaccard of ``min_jaccard``; a window
        candidate two shared windows, or one and two equal signature values (unrelated articles have ~0). Only the
        best ``max_candidates`` are returned, so a batch never decompresses thousands of stored texts it will not
        align. The same filter runs after either index, so embedded and Redis indexes give the same candidates.
        ``exclude`` holds, per row, stored ids never to return (the batch article's own stored copy).
        """
        self.catch_up()
        query = np.asarray(signatures, dtype=np.uint32)
        rows = self.index.query(query)
        hits: list[dict[int, int]] = [{} for _ in rows]
        if shingles is not None:
            hits = self.index.query_windows([self.sketch.keys(h) for h in shingles])
        pairs = [(q, r) for q, row in enumerate(rows) for r in sorted(set(row) | set(hits[q]))]
        ids, matrix = self._signatures_of(sorted({r for _, r in pairs}))
        equal = self._equal_values(query, matrix, [q for q, _ in pairs], [ids.get(r, (-1, ""))[0] for _, r in pairs])
        need = int(np.ceil(self.min_jaccard * self.scheme.num_perm))  # equal hash values a band candidate needs
        ranked: list[list[tuple[float, str]]] = [[] for _ in rows]
        for (q, r), eq in zip(pairs, equal.tolist()):
            if r not in ids or (exclude is not None and ids[r][1] in exclude[q]):
                continue  # forgotten since it was indexed, or the article itself
            n_hits = hits[q].get(r, 0)
            if eq >= need or n_hits >= 2 or (n_hits == 1 and eq >= 2):
                # Shared windows count like extra equal values: a partial copy has few of the latter.
                ranked[q].append((eq + 4 * n_hits, ids[r][1]))
        return [[doc_id for _, doc_id in sorted(row, key=lambda x: (-x[0], x[1]))[: self.max_candidates]] for row in ranked]

    @staticmethod
    def _equal_values(query: np.ndarray, matrix: np.ndarray, q_idx: Sequence[int], c_idx: Sequence[int]) -> np.ndarray:
        """Equal hash values of each (query row, matrix row) pair; -1 for pairs whose stored row is gone."""
        q = np.asarray(q_idx, dtype=np.int64)
        c = np.asarray(c_idx, dtype=np.int64)
        out = np.full(len(c), -1, dtype=np.int64)
        live = np.nonzero(c >= 0)[0]
        for start in range(0, len(live), 32_768):  # chunks keep the gathered signatures in cache
            part = live[start : start + 32_768]
            out[part] = np.count_nonzero(matrix[c[part]] == query[q[part]], axis=1)
        return out

    def _signatures_of(self, rowids: Sequence[int]) -> tuple[dict[int, tuple[int, str]], np.ndarray]:
        """Row id -> (position in the matrix, id) for rows still stored, and their signatures as one matrix."""
        ids: dict[int, tuple[int, str]] = {}
        blobs: list[bytes] = []
        for chunk in _chunks(rowids):
            marks = ",".join("?" * len(chunk))
            for rowid, doc_id, sig in self._db.execute(f"SELECT rowid, id, signature FROM documents WHERE rowid IN ({marks})", tuple(chunk)):
                ids[rowid] = (len(blobs), doc_id)
                blobs.append(sig)
        return ids, self._signature_matrix(blobs)

    def fetch(self, ids: Sequence[str]) -> list[StoredArticle]:
        """Stored articles in the order asked; unknown (or forgotten) ids are left out."""
        found: dict[str, StoredArticle] = {}
        for chunk in _chunks(list(ids)):
            marks = ",".join("?" * len(chunk))
            sql = f"SELECT id, text, outlet, published, first_seen, url, signature, text_chars FROM documents WHERE id IN ({marks})"
            rows = self._db.execute(sql, tuple(chunk)).fetchall()
            sigs = self._signature_matrix(r[6] for r in rows)
            for row, sig in zip(rows, sigs):
                found[row[0]] = StoredArticle(row[0], self.codec.decode(row[1]), *row[2:6], sig, row[7])
        return [found[i] for i in ids if i in found]

    def _article(self, row: Sequence[Any]) -> StoredArticle:
        doc_id, blob, outlet, published, first_seen, url, sig = row
        return StoredArticle(doc_id, self.codec.decode(blob), outlet, published, first_seen, url, self.scheme.from_bytes(sig))

    def for_batch(self, docs: Sequence[Document]) -> "BatchHistory":
        """The store as the duplication stage should see it for ``docs`` (rows of ``candidates`` in this order)."""
        return BatchHistory(self, docs)

    def lookup(self, docs: Sequence[Document]) -> dict[str, StoredArticle]:
        """Batch document id -> stored article with the same content (seen before), for those already stored."""
        hashes = {content_hash(d.text): d.id for d in docs}
        out: dict[str, StoredArticle] = {}
        keys = list(hashes)
        for chunk in _chunks(keys):
            marks = ",".join("?" * len(chunk))
            sql = f"SELECT content_hash, id, text, outlet, published, first_seen, url, signature FROM documents WHERE content_hash IN ({marks})"
            for row in self._db.execute(sql, tuple(chunk)):
                out[hashes[row[0]]] = self._article(row[1:])
        return out

    # -- recording -----------------------------------------------------------------------------------------------

    def record_batch(
        self,
        batch: BatchResult,
        docs: Sequence[Document],
        signatures: np.ndarray,
        run_info: Mapping[str, Any] | None = None,
    ) -> RecordedBatch:
        """Store the batch's new articles, this run's scores and matches, all in one transaction.

        ``signatures`` has one row per document of ``docs``, in order. Returns once the transaction is durable.
        """
        signatures = np.asarray(signatures, dtype=np.uint32)
        if signatures.shape != (len(docs), self.scheme.num_perm):
            raise ValueError(f"expected signatures of shape ({len(docs)}, {self.scheme.num_perm}), got {signatures.shape}")
        started = str((run_info or {}).get("started") or _now())
        prepared = [
            (d, content_hash(d.text), self.scheme.to_bytes(s), self.codec.encode(d.text), self._window_blob(d.text))
            for d, s in zip(docs, signatures)
        ]
        recorded: RecordedBatch = self._retry(self._write_batch, batch, prepared, started, dict(run_info or {}))
        self.catch_up()
        return recorded

    def _write_batch(
        self, batch: BatchResult, prepared: Sequence[tuple[Document, bytes, bytes, bytes | None, bytes]], started: str, info: dict[str, Any]
    ) -> RecordedBatch:
        db = self._db
        db.execute("BEGIN IMMEDIATE")
        try:
            run_id = db.execute(
                "INSERT INTO runs(started, finished, articles, info) VALUES (?, ?, ?, ?)",
                (started, _now(), len(prepared), json.dumps(info, default=str, sort_keys=True)),
            ).lastrowid
            ids: dict[str, str] = {}
            rowids: dict[str, int] = {}
            new: list[str] = []
            seen: dict[str, StoredArticle] = {}
            for doc, chash, sig, blob, windows in prepared:
                row = db.execute("SELECT rowid, id, text, outlet, published, first_seen, url, signature FROM documents WHERE content_hash = ?", (chash,)).fetchone()
                if row is not None:
                    rowids[doc.id], ids[doc.id] = row[0], row[1]
                    seen[doc.id] = self._article(row[1:])
                    continue
                hist_id = self._free_id(doc.id, chash)
                meta = doc.meta
                cur = db.execute(
                    "INSERT INTO documents(id, content_hash, first_seen, first_run, outlet, url, title, published, text_chars, text, signature, windows)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (hist_id, chash, started, run_id, meta.outlet, meta.url, meta.title, meta.published, len(doc.text), blob, sig, windows),
                )
                rowids[doc.id], ids[doc.id] = int(cur.lastrowid or 0), hist_id
                new.append(doc.id)
            self._write_scores(run_id, batch, rowids)
            self._write_matches(run_id, batch, rowids)
            db.execute("COMMIT")
        except BaseException:
            self._rollback()
            raise
        return RecordedBatch(int(run_id or 0), ids, tuple(new), seen)

    def _free_id(self, wanted: str, chash: bytes) -> str:
        """The batch id if no stored article has it, else the id tagged with its content hash (files get reused names)."""
        taken = self._db.execute("SELECT 1 FROM documents WHERE id = ?", (wanted,)).fetchone()
        return wanted if taken is None else f"{wanted}@{chash.hex()[:12]}"

    def _write_scores(self, run_id: int, batch: BatchResult, rowids: Mapping[str, int]) -> None:
        rows = []
        for art in batch.articles:
            doc = rowids.get(art.document.id)
            if doc is not None:
                top = ", ".join(f"{c.signal}:{c.points:.1f}" for c in art.contributions[:3] if c.points > 0)
                rows.append((run_id, doc, float(art.score), art.triage, top))
        self._db.executemany("INSERT OR REPLACE INTO scores(run, doc, score, triage, top) VALUES (?, ?, ?, ?, ?)", rows)

    def _write_matches(self, run_id: int, batch: BatchResult, rowids: Mapping[str, int]) -> None:
        rows = []
        for m in batch.duplication.matches:
            a, b = rowids.get(m.a) or self._rowid_of(m.a), rowids.get(m.b) or self._rowid_of(m.b)
            if a and b and a != b:
                rows.append((run_id, min(a, b), max(a, b), m.kind, float(m.similarity)))
        self._db.executemany("INSERT OR REPLACE INTO matches(run, a, b, kind, similarity) VALUES (?, ?, ?, ?, ?)", rows)

    def _rowid_of(self, doc_id: str) -> int | None:
        row = self._db.execute("SELECT rowid FROM documents WHERE id = ?", (doc_id,)).fetchone()
        return int(row[0]) if row else None

    def bulk_import(self, items: Iterable[tuple[Document, np.ndarray]], *, chunk: int = 20_000, first_seen: str | None = None) -> int:
        """Load many articles (e.g. an archive) without scoring them: one transaction per ``chunk``, one index sort.

        Articles whose content or id is already stored are skipped. Returns the number added.
        """
        seen_at = first_seen or _now()
        run_id = self._retry(self._insert_run, seen_at, {"command": "bulk_import"})
        added = 0
        pending: list[tuple[Any, ...]] = []
        for doc, sig in items:
            meta = doc.meta
            pending.append(
                (doc.id, content_hash(doc.text), seen_at, run_id, meta.outlet, meta.url, meta.title, meta.published,
                 len(doc.text), self.codec.encode(doc.text), self.scheme.to_bytes(sig), self._window_blob(doc.text))
            )
            if len(pending) >= chunk:
                added += self._retry(self._insert_many, pending)
                pending = []
        if pending:
            added += self._retry(self._insert_many, pending)
        self.catch_up()
        return added

    def _insert_run(self, started: str, info: Mapping[str, Any]) -> int:
        cur = self._db.execute(
            "INSERT INTO runs(started, finished, articles, info) VALUES (?, ?, 0, ?)", (started, started, json.dumps(dict(info)))
        )
        return int(cur.lastrowid or 0)

    def _insert_many(self, rows: Sequence[tuple[Any, ...]]) -> int:
        db = self._db
        db.execute("BEGIN IMMEDIATE")
        try:
            before = db.total_changes
            db.executemany(
                "INSERT OR IGNORE INTO documents(id, content_hash, first_seen, first_run, outlet, url, title, published, text_chars, text, signature, windows)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                rows,
            )
            added = db.total_changes - before
            db.execute("COMMIT")
        except BaseException:
            self._rollback()
            raise
        return added

    # -- maintenance: history list | show | forget ---------------------------------------------------------------

    def list_articles(self, limit: int = 50, since: str | None = None) -> list[ArticleRecord]:
        """Most recently first-seen articles first, each with its latest score."""
        sql = "SELECT rowid, id, content_hash, text_chars, outlet, published, first_seen, url FROM documents"
        args: tuple[Any, ...] = ()
        if since:
            sql += " WHERE first_seen >= ?"
            args = (since,)
        sql += " ORDER BY rowid DESC LIMIT ?"
        out = []
        for rowid, doc_id, chash, chars, outlet, published, first_seen, url in self._db.execute(sql, (*args, limit)).fetchall():
            article = StoredArticle(doc_id, None, outlet, published, first_seen, url)
            out.append(ArticleRecord(article, chash.hex(), chars, self._scores(rowid, latest_only=True)))
        return out

    def show(self, doc_id: str) -> ArticleRecord:
        row = self._db.execute(
            "SELECT rowid, id, text, outlet, published, first_seen, url, signature, content_hash, text_chars FROM documents WHERE id = ?", (doc_id,)
        ).fetchone()
        if row is None:
            raise StoreError(f"no stored article with id {doc_id!r}; `reliability history list` shows the ids")
        return ArticleRecord(self._article(row[1:8]), row[8].hex(), row[9], self._scores(row[0]))

    def _scores(self, rowid: int, latest_only: bool = False) -> tuple[ScoreRecord, ...]:
        sql = "SELECT s.run, r.started, s.score, s.triage, s.top FROM scores s JOIN runs r ON r.id = s.run WHERE s.doc = ? ORDER BY s.run DESC"
        rows = self._db.execute(sql + (" LIMIT 1" if latest_only else ""), (rowid,)).fetchall()
        return tuple(ScoreRecord(*r) for r in rows)

    def forget(self, ids: Sequence[str]) -> list[str]:
        """Remove articles (text, signature, scores, matches) from the store and the index; returns the ids removed."""
        removed: list[tuple[int, str, bytes, bytes | None]] = self._retry(self._delete, list(ids))
        if removed:
            windows = [self._window_keys(w) for _, _, _, w in removed]
            self.index.remove([r[0] for r in removed], self._signature_matrix(r[2] for r in removed), windows)
            if isinstance(self.index, EmbeddedIndex):
                self.index.save(self.index_path)  # a forgotten article's band keys must not stay on disk
        return [r[1] for r in removed]

    def _delete(self, ids: list[str]) -> list[tuple[int, str, bytes, bytes | None]]:
        db = self._db
        db.execute("BEGIN IMMEDIATE")
        try:
            removed = []
            for doc_id in ids:
                row = db.execute("SELECT rowid, id, signature, windows FROM documents WHERE id = ?", (doc_id,)).fetchone()
                if row is None:
                    continue
                db.execute("DELETE FROM scores WHERE doc = ?", (row[0],))
                db.execute("DELETE FROM matches WHERE a = ? OR b = ?", (row[0], row[0]))
                db.execute("DELETE FROM documents WHERE rowid = ?", (row[0],))
                removed.append((int(row[0]), str(row[1]), bytes(row[2]), row[3]))
            db.execute("COMMIT")
        except BaseException:
            self._rollback()
            raise
        return removed

    def rebuild_index(self) -> int:
        """Re-index every stored signature (to fill a new Redis index, or after changing the threshold)."""
        if isinstance(self.index, RedisIndex):
            self.index.clear()
        else:
            self.index = EmbeddedIndex(self.banding, tag=self.index.tag)
        count = self.catch_up()
        if isinstance(self.index, EmbeddedIndex):
            self.index.save(self.index_path)
        return count

    # -- figures -------------------------------------------------------------------------------------------------

    def count(self) -> int:
        return int(self._db.execute("SELECT count(*) FROM documents").fetchone()[0])

    def checkpoint(self) -> None:
        """Fold the WAL into the main file (before measuring size or copying the store)."""
        self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def disk_bytes(self) -> int:
        """Bytes on disk: the SQLite file, its WAL and the saved index."""
        paths = [self.path, self.path.with_name(self.path.name + "-wal"), self.index_path]
        return sum(p.stat().st_size for p in paths if p.exists())

    def integrity_check(self) -> str:
        return str(self._db.execute("PRAGMA integrity_check").fetchone()[0])


@dataclass(frozen=True)
class BatchHistory:
    """The store seen from one batch: rerunning an article never matches it against its own stored copy.

    A stored row is hidden from batch row ``i`` only when it is the *same article* (same content hash and same id or
    URL); the same text under another id or URL is a copy and is reported.
    """

    store: HistoryStore
    docs: Sequence[Document]
    _self_ids: tuple[frozenset[str], ...] = field(init=False)

    def __post_init__(self) -> None:
        stored = self.store.lookup(self.docs)
        own = []
        for doc in self.docs:
            hit = stored.get(doc.id)
            same = hit is not None and (hit.id == doc.id or (hit.url is not None and hit.url == doc.meta.url))
            own.append(frozenset({hit.id}) if same and hit else frozenset())
        object.__setattr__(self, "_self_ids", tuple(own))

    @property
    def scheme(self) -> SignatureScheme:
        return self.store.scheme

    def candidates(self, signatures: np.ndarray, shingles: Sequence[np.ndarray] | None = None) -> list[list[str]]:
        own = self._self_ids if len(signatures) == len(self._self_ids) else None
        return self.store.candidates(signatures, shingles, own)

    def fetch(self, ids: Sequence[str]) -> list[StoredArticle]:
        return self.store.fetch(ids)


def score_and_record(
    paths: Sequence[str],
    config: Config,
    store: HistoryStore | None,
    *,
    progress: Any = None,
    run_info: Mapping[str, Any] | None = None,
) -> tuple[BatchResult, RecordedBatch | None]:
    """``reliability score`` with history: ingest, score against ``store``, then record the batch in one transaction.

    With ``store=None`` (``--no-history``) this is :func:`reliability.pipeline.score_paths`.
    """
    from .ingest import ingest
    from .pipeline import score_documents

    docs, skipped = ingest(paths, config)
    history = store.for_batch(docs) if store is not None else None
    batch = score_documents(docs, config, skipped=skipped, history=history, progress=progress)
    if store is None or not docs:
        return batch, None
    info = {"paths": [str(p) for p in paths], "config": config.source, **dict(run_info or {})}
    return batch, store.record_batch(batch, docs, text_signatures([d.text for d in docs], store.scheme), info)

