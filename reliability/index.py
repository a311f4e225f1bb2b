"""LSH indexes over the history store's MinHash signatures: an embedded one persisted next to the store, and a
Redis-backed one (datasketch's ``MinHashLSH`` with Redis storage) that several processes can share.

Both band signatures identically (``b`` bands of ``r`` rows, the values datasketch's ``MinHashLSH`` picks for the
configured threshold) and answer with store row ids, so the same data gives the same candidates whichever is used.

The embedded index keeps two tiers: a *base* of sorted 64-bit band keys saved to one file (loaded with ``np.memmap``,
so opening it at 1M articles costs milliseconds) and an in-memory *delta* for rows added since the file was written.
A lookup is one vectorised ``np.searchsorted`` per tier over all query bands at once.

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
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping, Protocol, Sequence

import numpy as np

MAGIC = b"RLSHIDX2"  # 2: row ids stored as uint32
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
    """(n, bands) uint64 keys; the band number is mixed in, so one sorted array can hold every band."""
    sig = np.ascontiguousarray(signatures)
    if sig.ndim != 2 or sig.shape[1] != banding.num_perm:
        raise ValueError(f"expected signatures of shape (n, {banding.num_perm}), got {sig.shape}")
    sig = sig.astype(np.uint64, copy=False)
    n = sig.shape[0]
    keys = np.empty((n, banding.bands), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for band in range(banding.bands):
            h = np.full(n, _GOLDEN * np.uint64(band + 1), dtype=np.uint64)
            for col in range(band * banding.rows, (band + 1) * banding.rows):
                h = _mix(h ^ sig[:, col]) + _GOLDEN
            keys[:, band] = h
    return keys


class LshIndex(Protocol):
    """What the store needs from an index: row ids in, row ids out."""

    banding: Banding

    def add(self, rowids: np.ndarray, signatures: np.ndarray) -> None: ...

    def remove(self, rowids: Sequence[int], signatures: np.ndarray) -> None: ...

    def query(self, signatures: np.ndarray) -> list[list[int]]: ...

    def watermark(self) -> int: ...


@dataclass(frozen=True)
class _Tier:
    keys: np.ndarray  # sorted uint64
    rows: np.ndarray  # int64 row ids, aligned with keys

    @classmethod
    def build(cls, rowids: np.ndarray, keys2d: np.ndarray) -> "_Tier":
        flat = keys2d.reshape(-1)
        rows = np.repeat(np.asarray(rowids, dtype=np.int64), keys2d.shape[1])
        order = np.argsort(flat, kind="stable")
        return cls(flat[order], rows[order])

    @classmethod
    def empty(cls) -> "_Tier":
        return cls(np.empty(0, np.uint64), np.empty(0, np.int64))

    def lookup(self, keys2d: np.ndarray) -> list[set[int]]:
        """Row ids sharing at least one band key with each query row."""
        out: list[set[int]] = [set() for _ in range(keys2d.shape[0])]
        if self.keys.size == 0:
            return out
        flat = keys2d.reshape(-1)
        lo = np.searchsorted(self.keys, flat, side="left")
        hi = np.searchsorted(self.keys, flat, side="right")
        for pos in np.nonzero(hi > lo)[0]:
            out[pos // keys2d.shape[1]].update(self.rows[lo[pos] : hi[pos]].tolist())
        return out


class EmbeddedIndex:
    """Sorted band keys in memory (or memory-mapped from a saved file) plus a small in-memory delta."""

    def __init__(self, banding: Banding, *, base: _Tier | None = None, watermark: int = 0, tag: Mapping[str, Any] | None = None):
        self.banding = banding
        self.tag = dict(tag or {})  # identifies the store and scheme the saved file belongs to
        self._base = base or _Tier.empty()
        self._delta = _Tier.empty()
        self._delta_parts: list[tuple[np.ndarray, np.ndarray]] = []
        self._watermark = watermark

    def __len__(self) -> int:
        return int(self._base.keys.size + self._delta.keys.size) // self.banding.bands

    @property
    def delta_size(self) -> int:
        return int(self._delta.keys.size) // self.banding.bands

    def watermark(self) -> int:
        """Highest store row id this index has seen; rows above it must be added before querying."""
        return self._watermark

    def add(self, rowids: np.ndarray, signatures: np.ndarray) -> None:
        self.add_keys(np.asarray(rowids, dtype=np.int64), band_keys(signatures, self.banding))

    def add_keys(self, rowids: np.ndarray, keys: np.ndarray) -> None:
        """Add precomputed :func:`band_keys` (lets a bulk load hash in chunks and sort once)."""
        rowids = np.asarray(rowids, dtype=np.int64)
        if rowids.size == 0:
            return
        self._delta_parts.append((rowids, keys))
        all_rows = np.concatenate([r for r, _ in self._delta_parts])
        all_keys = np.concatenate([k for _, k in self._delta_parts])
        self._delta = _Tier.build(all_rows, all_keys)
        self._watermark = max(self._watermark, int(rowids.max()))

    def remove(self, rowids: Sequence[int], signatures: np.ndarray) -> None:
        gone = np.asarray(list(rowids), dtype=np.int64)
        if gone.size == 0:
            return
        keep = ~np.isin(self._base.rows, gone)
        self._base = _Tier(np.asarray(self._base.keys[keep]), np.asarray(self._base.rows[keep]))
        self._delta_parts = [(r[~np.isin(r, gone)], k[~np.isin(r, gone)]) for r, k in self._delta_parts]
        keep = ~np.isin(self._delta.rows, gone)
        self._delta = _Tier(self._delta.keys[keep], self._delta.rows[keep])

    def query(self, signatures: np.ndarray) -> list[list[int]]:
        keys = band_keys(signatures, self.banding)
        base = self._base.lookup(keys)
        delta = self._delta.lookup(keys)
        return [sorted(a | b) for a, b in zip(base, delta)]

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write base + delta as one sorted file, atomically (temp file, fsync, ``os.replace``)."""
        tier = self._merged()
        if tier.rows.size and int(tier.rows.max()) >= 2**32:
            raise IndexError_("row ids beyond 2**32 do not fit the index file; rebuild the store")
        header = json.dumps(
            {"banding": self.banding.as_dict(), "watermark": self._watermark, "tag": self.tag, "entries": int(tier.keys.size)}
        ).encode()
        pad = (-(len(MAGIC) + 4 + len(header))) % 8  # keep the arrays 8-byte aligned for memmap
        target = Path(path)
        fd, tmp = tempfile.mkstemp(prefix=target.name + ".", suffix=".tmp", dir=target.parent)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(MAGIC + struct.pack("<I", len(header) + pad) + header + b" " * pad)
                fh.write(tier.keys.astype("<u8", copy=False).tobytes())
                fh.write(tier.rows.astype("<u4", copy=False).tobytes())  # row ids < 2**32: 4 bytes, not 8
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        self._base, self._delta, self._delta_parts = tier, _Tier.empty(), []

    def _merged(self) -> _Tier:
        if self._delta.keys.size == 0:
            return self._base
        keys = np.concatenate([self._base.keys, self._delta.keys])
        rows = np.concatenate([self._base.rows, self._delta.rows])
        order = np.argsort(keys, kind="stable")
        return _Tier(keys[order], rows[order])

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> "EmbeddedIndex":
        """Memory-map a saved index. Raises :class:`IndexError_` if the file is not one."""
        with open(path, "rb") as fh:
            head = fh.read(len(MAGIC) + 4)
            if len(head) < len(MAGIC) + 4 or head[: len(MAGIC)] != MAGIC:
                raise IndexError_(f"{path}: not a reliability LSH index file")
            (hlen,) = struct.unpack("<I", head[len(MAGIC) :])
            header = json.loads(fh.read(hlen))
        offset = len(MAGIC) + 4 + hlen
        n = int(header["entries"])
        size = os.path.getsize(path)
        if size != offset + 12 * n:
            raise IndexError_(f"{path}: truncated LSH index file ({size} bytes, expected {offset + 12 * n})")
        keys = np.memmap(path, dtype="<u8", mode="r", offset=offset, shape=(n,)) if n else np.empty(0, np.uint64)
        rows = np.memmap(path, dtype="<u4", mode="r", offset=offset + 8 * n, shape=(n,)) if n else np.empty(0, np.int64)
        banding = Banding(**header["banding"])
        return cls(banding, base=_Tier(keys, rows), watermark=int(header["watermark"]), tag=header.get("tag"))


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
        config = {"type": "redis", "basename": basename, "redis": _redis_params(url)}
        self._lsh = MinHashLSH(num_perm=banding.num_perm, params=(banding.bands, banding.rows), storage_config=config, prepickle=False)

    def _minhash(self, row: np.ndarray) -> Any:
        from datasketch import MinHash

        return MinHash(num_perm=self.banding.num_perm, hashvalues=row, scheme=self.permutation)

    def watermark(self) -> int:
        value = self._client.get(self._watermark_key)
        return int(value) if value else 0

    def add(self, rowids: np.ndarray, signatures: np.ndarray) -> None:
        rowids = np.asarray(rowids, dtype=np.int64)
        if rowids.size == 0:
            return
        with self._lsh.insertion_session(buffer_size=10_000) as session:
            for rowid, row in zip(rowids.tolist(), signatures):
                session.insert(struct.pack(">q", rowid), self._minhash(row), check_duplication=False)
        # Only moves forward, even when two processes add at once (Lua keeps the compare-and-set atomic).
        self._client.eval(
            "local c = tonumber(redis.call('GET', KEYS[1]) or '0') if tonumber(ARGV[1]) > c then redis.call('SET', KEYS[1], ARGV[1]) end",
            1,
            self._watermark_key,
            int(rowids.max()),
        )

    def remove(self, rowids: Sequence[int], signatures: np.ndarray) -> None:
        for rowid in rowids:
            key = struct.pack(">q", int(rowid))
            if key in self._lsh:
                self._lsh.remove(key)

    def query(self, signatures: np.ndarray) -> list[list[int]]:
        return [sorted(struct.unpack(">q", k)[0] for k in self._lsh.query(self._minhash(row))) for row in signatures]

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

