"""LSH indexes over the history store's MinHash signatures: an embedded one persisted next to the store, and a
Redis-backed one (datasketch's ``MinHashLSH`` with Redis storage) that several processes can share.

Both band signatures identically (``b`` bands of ``r`` rows, the values datasketch's ``MinHashLSH`` picks for the
configured threshold) and answer with store row ids, so the same data gives the same candidates whichever is used.

The embedded index keeps two tiers: a *base* of sorted 32-bit band keys saved to one file (loaded with ``np.memmap``,
so opening it at 1M articles costs milliseconds) and an in-memory *delta* for rows added since the file was written.
A lookup is one vectorised ``np.searchsorted`` per tier over all query bands at once.

Besides whole documents, the index holds *window keys* (:class:`WindowSketch`): one key per content-defined window
of ~50 word 3-grams, at most ``per_article`` per stored article. They find a stored article of which only a few
paragraphs were reused, where the whole-document similarity stays far below the LSH threshold.

>>> banding = Banding.for_threshold(0.3, 128)      # doctest: +SKIP
>>> index = EmbeddedIndex(banding)                 # doctest: +SKIP
>>> index.add(np.array([1, 2]), signatures)        # doctest: +SKIP
>>> index.query(signatures)                        # doctest: +SKIP
[[1], [2]]
"""

from __future__ import annotations

import json
import os
import struct
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Mapping, Protocol, Sequence

import numpy as np

from .files import atomic_open

MAGIC = b"RLSHIDX3"  # 2: row ids stored as uint32; 3: 32-bit band keys, and a window tier
# splitmix64 constants: a cheap, well-mixing 64-bit finaliser that numpy can run on whole arrays.
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)


class IndexError_(RuntimeError):
    """The index cannot be used as asked; the message says what to do."""


@dataclass(frozen=True, slots=True)
class Banding:
    """``bands`` x ``rows`` of each signature form the LSH keys; ``bands * rows <= num_perm``."""

    bands: int
    rows: int
    num_perm: int

    def __post_init__(self) -> None:
        if self.bands < 1 or self.rows < 1 or self.bands * self.rows > self.num_perm:
            raise ValueError(f"banding {self.bands}x{self.rows} does not fit {self.num_perm} permutations")

    @classmethod
    def for_threshold(cls, threshold: float, num_perm: int) -> "Banding":
        """The (b, r) datasketch's ``MinHashLSH`` would choose, so both index kinds agree with a plain datasketch LSH."""
        return cls(*_datasketch_params(threshold, num_perm), num_perm)

    def as_dict(self) -> dict[str, int]:
        return {"bands": self.bands, "rows": self.rows, "num_perm": self.num_perm}


@lru_cache(maxsize=16)
def _datasketch_params(threshold: float, num_perm: int) -> tuple[int, int]:
    # Cached: datasketch integrates false-positive/negative curves to choose (b, r), which takes a moment.
    from datasketch import MinHashLSH

    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    return lsh.b, lsh.r


def _mix(x: np.ndarray) -> np.ndarray:
    x = x ^ (x >> np.uint64(30))
    x = x * _MIX1
    x = x ^ (x >> np.uint64(27))
    x = x * _MIX2
    return x ^ (x >> np.uint64(31))


def band_keys(signatures: np.ndarray, banding: Banding) -> np.ndarray:
    """(n, bands) uint32 keys; the band number is mixed in, so one sorted array can hold every band.

    32 bits, not 64: at 1M articles x 37 bands a query key meets an unrelated one by chance about once per 100
    lookups, and such rows are dropped by the store's Jaccard check anyway; it saves 148 bytes per article.
    """
    sig = np.ascontiguousarray(signatures)
    if sig.ndim != 2 or sig.shape[1] != banding.num_perm:
        raise ValueError(f"expected signatures of shape (n, {banding.num_perm}), got {sig.shape}")
    sig = sig.astype(np.uint64, copy=False)
    n = sig.shape[0]
    keys = np.empty((n, banding.bands), dtype=np.uint32)
    with np.errstate(over="ignore"):
        for band in range(banding.bands):
            h = np.full(n, _GOLDEN * np.uint64(band + 1), dtype=np.uint64)
            for col in range(band * banding.rows, (band + 1) * banding.rows):
                h = _mix(h ^ sig[:, col]) + _GOLDEN
            keys[:, band] = _fold32(h)
    return keys


def _fold32(h: np.ndarray) -> np.ndarray:
    return (h ^ (h >> np.uint64(32))).astype(np.uint32)


@dataclass(frozen=True, slots=True)
class WindowSketch:
    """One key per content-defined window of a document's word-shingle hashes.

    Window boundaries are *anchors*: shingles whose hash is 0 modulo ``anchor``. They depend on the words only, so two
    paragraphs copied into another article start and end their windows at the same words in both texts, and a copied
    window gets the same key although its position differs (fixed-size windows would be shifted and only similar).
    A window is two consecutive anchor blocks (~2 x ``anchor`` shingles); its key mixes ``rows`` min-hash values,
    so a window with one word changed (Jaccard ~0.8) still matches with probability ~0.8**rows = 0.4, and unrelated
    windows practically never.

    A stored article keeps at most ``per_article`` keys, evenly spaced through the text: windows overlap by a block,
    so keeping every other one still tiles the text, and any copied span covering a few windows holds a kept one
    (evenly spaced beat keeping the smallest keys: 2 of 2 copied lead windows were lost that way in a test).
    Articles up to ~``per_article`` windows (about 300 words) keep every window; longer ones keep a sample, which is
    what costs recall (see benchmarks/bench_history.py). Queries use all their windows, so they need no sampling.
    """

    # Measured on 200 PAN13 sources, a 60/90/120-word span of one inside 300 words of another (a one-off sweep):
    # a kept window was shared in 84/94/97% of cases at these values (anchor 16: 66/87/95%; anchor 25 with the
    # smallest keys kept instead of evenly spaced ones: 40/64/80%), at ~20 keys per article.
    anchor: int = 12
    rows: int = 4
    per_article: int = 24
    min_shingles: int = 8  # shorter windows are stock phrases more often than reused text

    def as_dict(self) -> dict[str, int]:
        return {"anchor": self.anchor, "rows": self.rows, "per_article": self.per_article, "min_shingles": self.min_shingles}

    def keys(self, shingles: np.ndarray, *, stored: bool = False) -> np.ndarray:
        """Sorted distinct uint32 window keys of one document (at most ``per_article`` when ``stored``)."""
        h = np.asarray(shingles, dtype=np.uint64)
        if h.size < self.min_shingles:
            return np.empty(0, dtype=np.uint32)
        with np.errstate(over="ignore"):
            anchors = np.flatnonzero(_mix(h ^ _WINDOW_SALT) % np.uint64(self.anchor) == 0)
            starts = np.unique(np.concatenate(([0], anchors))).astype(np.int64)
            ends = np.append(starts[1:], h.size)
            # rows independent hash functions; per block the minimum of each
            mins = np.stack([np.minimum.reduceat(_mix(h ^ (_GOLDEN * np.uint64(i + 7))), starts) for i in range(self.rows)])
            if len(starts) > 1:
                windows = np.minimum(mins[:, :-1], mins[:, 1:])
                lengths = ends[1:] - starts[:-1]
            else:
                windows, lengths = mins, ends - starts
            windows = windows[:, lengths >= self.min_shingles]
            key = np.full(windows.shape[1], _GOLDEN, dtype=np.uint64)
            for row in windows:
                key = _mix(key ^ row) + _GOLDEN
        key = _fold32(key)  # in text order
        if stored and key.size > self.per_article:
            key = key[np.unique(np.linspace(0, key.size - 1, self.per_article).round().astype(np.int64))]
        return np.unique(key)


_WINDOW_SALT = np.uint64(0x632BE59BD9B4E019)


class LshIndex(Protocol):
    """What the store needs from an index: row ids in, row ids out.

    ``windows`` holds, per added row, its stored :meth:`WindowSketch.keys`; ``query_windows`` answers, per query
    document, how many of its window keys each stored row shares.
    """

    banding: Banding

    def add(self, rowids: np.ndarray, signatures: np.ndarray, windows: Sequence[np.ndarray] | None = None) -> None: ...

    def remove(self, rowids: Sequence[int], signatures: np.ndarray, windows: Sequence[np.ndarray] | None = None) -> None: ...

    def query(self, signatures: np.ndarray) -> list[list[int]]: ...

    def query_windows(self, keys: Sequence[np.ndarray]) -> list[dict[int, int]]: ...

    def watermark(self) -> int: ...


def _flat(rowids: np.ndarray, windows: Sequence[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """(row id per key, keys) of per-row window key arrays."""
    counts = [len(w) for w in windows]
    keys = np.concatenate(list(windows)).astype(np.uint32) if windows and sum(counts) else np.empty(0, np.uint32)
    return np.repeat(np.asarray(rowids, dtype=np.int64), counts), keys


@dataclass(frozen=True)
class _Tier:
    keys: np.ndarray  # sorted uint32
    rows: np.ndarray  # row ids, aligned with keys

    @classmethod
    def build(cls, rowids: np.ndarray, keys2d: np.ndarray) -> "_Tier":
        rows = np.repeat(np.asarray(rowids, dtype=np.int64), keys2d.shape[1])
        return cls.from_flat(rows, keys2d.reshape(-1))

    @classmethod
    def from_flat(cls, rows: np.ndarray, keys: np.ndarray) -> "_Tier":
        order = np.argsort(keys, kind="stable")
        return cls(np.asarray(keys, dtype=np.uint32)[order], np.asarray(rows, dtype=np.int64)[order])

    @classmethod
    def empty(cls) -> "_Tier":
        return cls(np.empty(0, np.uint32), np.empty(0, np.int64))

    def merged(self, other: "_Tier") -> "_Tier":
        if other.keys.size == 0:
            return self
        return _Tier.from_flat(np.concatenate([self.rows, other.rows]), np.concatenate([self.keys, other.keys]))

    def without(self, gone: np.ndarray) -> "_Tier":
        keep = ~np.isin(self.rows, gone)
        return _Tier(np.asarray(self.keys[keep]), np.asarray(self.rows[keep]))

    def ranges(self, flat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        if self.keys.size == 0:
            return np.zeros(flat.size, np.int64), np.zeros(flat.size, np.int64)
        flat = flat.astype(np.uint32, copy=False)
        return np.searchsorted(self.keys, flat, side="left"), np.searchsorted(self.keys, flat, side="right")

    def lookup(self, keys2d: np.ndarray) -> list[set[int]]:
        """Row ids sharing at least one band key with each query row."""
        out: list[set[int]] = [set() for _ in range(keys2d.shape[0])]
        lo, hi = self.ranges(keys2d.reshape(-1))
        for pos in np.nonzero(hi > lo)[0]:
            out[pos // keys2d.shape[1]].update(self.rows[lo[pos] : hi[pos]].tolist())
        return out

    def count_hits(self, keys: np.ndarray, into: dict[int, int], max_bucket: int) -> None:
        """Add, per row id, the number of ``keys`` it holds; keys held by more than ``max_bucket`` rows are
        boilerplate windows ("Sign up for our newsletter ...") and say nothing about one source."""
        lo, hi = self.ranges(keys)
        for a, b in zip(lo.tolist(), hi.tolist()):
            if 0 < b - a <= max_bucket:
                for r in self.rows[a:b].tolist():
                    into[r] = into.get(r, 0) + 1


# A window key held by more stored articles than this is boilerplate ("Sign up for our newsletter"), or wire copy
# so widely reprinted that its document-level band keys find it anyway; skipping it bounds the work per key.
WINDOW_MAX_BUCKET = 100


class EmbeddedIndex:
    """Sorted band keys (documents) and window keys in memory, or memory-mapped from a saved file, plus a small
    in-memory delta of each."""

    def __init__(
        self,
        banding: Banding,
        *,
        base: _Tier | None = None,
        windows: _Tier | None = None,
        watermark: int = 0,
        tag: Mapping[str, Any] | None = None,
    ):
        self.banding = banding
        self.tag = dict(tag or {})  # identifies the store and scheme the saved file belongs to
        self._base = base or _Tier.empty()
        self._delta = _Tier.empty()
        self._wbase = windows or _Tier.empty()
        self._wdelta = _Tier.empty()
        self._watermark = watermark

    def __len__(self) -> int:
        return int(self._base.keys.size + self._delta.keys.size) // self.banding.bands

    @property
    def delta_size(self) -> int:
        return int(self._delta.keys.size) // self.banding.bands

    @property
    def window_entries(self) -> int:
        return int(self._wbase.keys.size + self._wdelta.keys.size)

    def watermark(self) -> int:
        """Highest store row id this index has seen; rows above it must be added before querying."""
        return self._watermark

    def add(self, rowids: np.ndarray, signatures: np.ndarray, windows: Sequence[np.ndarray] | None = None) -> None:
        self.add_keys(np.asarray(rowids, dtype=np.int64), band_keys(signatures, self.banding), windows)

    def add_keys(self, rowids: np.ndarray, keys: np.ndarray, windows: Sequence[np.ndarray] | None = None) -> None:
        """Add precomputed :func:`band_keys` (lets a bulk load hash in chunks and sort once)."""
        rowids = np.asarray(rowids, dtype=np.int64)
        if rowids.size == 0:
            return
        self._delta = self._delta.merged(_Tier.build(rowids, keys))
        if windows is not None:
            self._wdelta = self._wdelta.merged(_Tier.from_flat(*_flat(rowids, windows)))
        self._watermark = max(self._watermark, int(rowids.max()))

    def remove(self, rowids: Sequence[int], signatures: np.ndarray, windows: Sequence[np.ndarray] | None = None) -> None:
        gone = np.asarray(list(rowids), dtype=np.int64)
        if gone.size == 0:
            return
        self._base, self._delta = self._base.without(gone), self._delta.without(gone)
        self._wbase, self._wdelta = self._wbase.without(gone), self._wdelta.without(gone)

    def query(self, signatures: np.ndarray) -> list[list[int]]:
        keys = band_keys(signatures, self.banding)
        base = self._base.lookup(keys)
        delta = self._delta.lookup(keys)
        return [sorted(a | b) for a, b in zip(base, delta)]

    def query_windows(self, keys: Sequence[np.ndarray]) -> list[dict[int, int]]:
        out: list[dict[int, int]] = []
        for k in keys:
            hits: dict[int, int] = {}
            for tier in (self._wbase, self._wdelta):
                tier.count_hits(np.asarray(k, dtype=np.uint32), hits, WINDOW_MAX_BUCKET)
            out.append(hits)
        return out

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write base + delta of both tiers as one sorted file, atomically (temp file, fsync, ``os.replace``)."""
        tier, wtier = self._base.merged(self._delta), self._wbase.merged(self._wdelta)
        for t in (tier, wtier):
            if t.rows.size and int(t.rows.max()) >= 2**32:
                raise IndexError_("row ids beyond 2**32 do not fit the index file; rebuild the store")
        header = json.dumps(
            {"banding": self.banding.as_dict(), "watermark": self._watermark, "tag": self.tag,
             "entries": int(tier.keys.size), "window_entries": int(wtier.keys.size)}
        ).encode()
        pad = (-(len(MAGIC) + 4 + len(header))) % 8  # keep the arrays aligned for memmap
        with atomic_open(path, "wb") as fh:
            fh.write(MAGIC + struct.pack("<I", len(header) + pad) + header + b" " * pad)
            for t in (tier, wtier):
                fh.write(t.keys.astype("<u4", copy=False).tobytes())
                fh.write(t.rows.astype("<u4", copy=False).tobytes())  # row ids < 2**32: 4 bytes, not 8
        self._base, self._delta, self._wbase, self._wdelta = tier, _Tier.empty(), wtier, _Tier.empty()

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> "EmbeddedIndex":
        """Memory-map a saved index. Raises :class:`IndexError_` if the file is not one."""
        with open(path, "rb") as fh:
            head = fh.read(len(MAGIC) + 4)
            if len(head) < len(MAGIC) + 4 or head[: len(MAGIC)] != MAGIC:
                raise IndexError_(f"{path}: not a reliability LSH index file (or one of an older format)")
            (hlen,) = struct.unpack("<I", head[len(MAGIC) :])
            header = json.loads(fh.read(hlen))
        offset = len(MAGIC) + 4 + hlen
        n, m = int(header["entries"]), int(header["window_entries"])
        size = os.path.getsize(path)
        if size != offset + 8 * (n + m):
            raise IndexError_(f"{path}: truncated LSH index file ({size} bytes, expected {offset + 8 * (n + m)})")
        base = _mapped(path, offset, n)
        windows = _mapped(path, offset + 8 * n, m)
        banding = Banding(**header["banding"])
        return cls(banding, base=base, windows=windows, watermark=int(header["watermark"]), tag=header.get("tag"))


def _mapped(path: str | os.PathLike[str], offset: int, n: int) -> _Tier:
    if n == 0:
        return _Tier.empty()
    keys = np.memmap(path, dtype="<u4", mode="r", offset=offset, shape=(n,))
    rows = np.memmap(path, dtype="<u4", mode="r", offset=offset + 4 * n, shape=(n,))
    return _Tier(keys, rows)


class RedisIndex:
    """datasketch ``MinHashLSH`` on Redis: the band tables live in Redis, shared by every process using the URL.

    Keys are store row ids packed as 8 bytes. The index remembers the highest row id it holds (``watermark``) in Redis
    so a process that died between committing a batch and indexing it is caught up by the next one.
    """

    def __init__(self, url: str, banding: Banding, namespace: str, permutation: str):
        import redis
        from datasketch import MinHashLSH

        self.banding = banding
        self.permutation = permutation
        self.url = url
        self._client = redis.Redis.from_url(url)
        basename = f"reliability:{namespace}:{banding.bands}x{banding.rows}".encode()
        self._watermark_key = basename + b":watermark"
        self._window_prefix = basename + b":w:"  # one Redis set of row ids per window key
        config = {"type": "redis", "basename": basename, "redis": _redis_params(url)}
        self._lsh = MinHashLSH(num_perm=banding.num_perm, params=(banding.bands, banding.rows), storage_config=config, prepickle=False)

    def _minhash(self, row: np.ndarray) -> Any:
        from datasketch import MinHash

        return MinHash(num_perm=self.banding.num_perm, hashvalues=row, scheme=self.permutation)

    def watermark(self) -> int:
        value = self._client.get(self._watermark_key)
        return int(value) if value else 0

    def add(self, rowids: np.ndarray, signatures: np.ndarray, windows: Sequence[np.ndarray] | None = None) -> None:
        rowids = np.asarray(rowids, dtype=np.int64)
        if rowids.size == 0:
            return
        with self._lsh.insertion_session(buffer_size=10_000) as session:
            for rowid, row in zip(rowids.tolist(), signatures):
                session.insert(struct.pack(">q", rowid), self._minhash(row), check_duplication=False)
        if windows is not None:
            self._window_sets("sadd", rowids, windows)
        # Only moves forward, even when two processes add at once (Lua keeps the compare-and-set atomic).
        self._client.eval(
            "local c = tonumber(redis.call('GET', KEYS[1]) or '0') if tonumber(ARGV[1]) > c then redis.call('SET', KEYS[1], ARGV[1]) end",
            1,
            self._watermark_key,
            int(rowids.max()),
        )

    def _window_sets(self, command: str, rowids: np.ndarray, windows: Sequence[np.ndarray]) -> None:
        pipe = self._client.pipeline(transaction=False)
        for rowid, keys in zip(np.asarray(rowids).tolist(), windows):
            for key in np.asarray(keys, dtype=np.uint32).tolist():
                getattr(pipe, command)(self._window_prefix + b"%d" % key, rowid)
        pipe.execute()

    def remove(self, rowids: Sequence[int], signatures: np.ndarray, windows: Sequence[np.ndarray] | None = None) -> None:
        for rowid in rowids:
            key = struct.pack(">q", int(rowid))
            if key in self._lsh:
                self._lsh.remove(key)
        if windows is not None:
            self._window_sets("srem", np.asarray(list(rowids)), windows)

    def query(self, signatures: np.ndarray) -> list[list[int]]:
        return [sorted(struct.unpack(">q", k)[0] for k in self._lsh.query(self._minhash(row))) for row in signatures]

    def query_windows(self, keys: Sequence[np.ndarray]) -> list[dict[int, int]]:
        pipe = self._client.pipeline(transaction=False)
        flat = [(i, int(k)) for i, ks in enumerate(keys) for k in np.asarray(ks, dtype=np.uint32).tolist()]
        for _, k in flat:
            pipe.smembers(self._window_prefix + b"%d" % k)
        out: list[dict[int, int]] = [{} for _ in keys]
        for (i, _), members in zip(flat, pipe.execute() if flat else []):
            if 0 < len(members) <= WINDOW_MAX_BUCKET:  # same boilerplate cut as the embedded index
                for m in members:
                    out[i][int(m)] = out[i].get(int(m), 0) + 1
        return out

    def clear(self) -> None:
        """Drop every key of this index from Redis (tests, or a store that was rebuilt)."""
        prefix = self._watermark_key.rsplit(b":", 1)[0]
        for key in self._client.scan_iter(match=prefix + b"*"):
            self._client.delete(key)


def _redis_params(url: str) -> dict[str, Any]:
    from urllib.parse import urlparse

    parsed = urlparse(url)
    if parsed.scheme not in ("redis", "rediss"):
        raise ValueError(f"--index expects redis://host:port/db, got {url!r}")
    db = int(parsed.path.lstrip("/") or 0)
    params: dict[str, Any] = {"host": parsed.hostname or "localhost", "port": parsed.port or 6379, "db": db}
    if parsed.password:
        params["password"] = parsed.password
    return params

