"""MinHash signatures computed in bulk with numpy, bit-compatible with :mod:`datasketch`.

A text becomes normalised word tokens, each token is hashed once with xxhash, and neighbouring token hashes are
combined in numpy into word k-gram ("shingle") hashes. :func:`signatures` then applies datasketch's permutations to
all shingles of many texts at once, so the result can be wrapped as ``datasketch.MinHash(hashvalues=...)`` or
``LeanMinHash`` and inserted into any ``MinHashLSH`` (including its Redis storage).

>>> scheme = SignatureScheme()
>>> sig = signatures([shingle_hashes("NATO will not send planes or troops to Ukraine", 3)], scheme)
>>> sig.shape
(1, 128)
"""

from __future__ import annotations

import re
import sys
from dataclasses import asdict, dataclass
from functools import lru_cache
from itertools import repeat
from typing import TYPE_CHECKING, Any, Iterable, Mapping, Sequence

import numpy as np
import xxhash

from ..config import Config

if TYPE_CHECKING:
    from datasketch import LeanMinHash

# Words are runs of letters/digits; "no-fly" gives "no", "fly" and "NATO’s" gives "nato", "s" in every text alike.
TOKEN = re.compile(r"\w+")

# Multiplier that mixes a token hash into the running k-gram hash; odd, so the map is a bijection modulo 2^64.
_SHINGLE_MIX = np.uint64(0x9E3779B97F4A7C15)
_LOW32 = np.uint64(0xFFFFFFFF)
_SUPPORTED_SCHEMES = ("affine32",)
_HASHES = ("xxh64",)
# Shingles handled at once: a (num_perm x 8192) uint32 block (4 MB at 128 perms) stays in cache; measured 20x
# faster than one big (shingles x num_perm) matrix reduced along axis 0.
_CHUNK_ROWS = 8_192


@dataclass(frozen=True, slots=True)
class SignatureScheme:
    """Everything that must match for two signatures to be comparable.

    The history store records :meth:`as_dict` next to stored signatures and refuses to mix schemes.
    """

    num_perm: int = 128
    seed: int = 1
    shingle_size: int = 3
    hash_name: str = "xxh64"
    minhash_scheme: str = "affine32"  # datasketch's permutation scheme (default since datasketch 2.0)
    byteorder: str = "little"  # of the uint32 values when signatures are stored as bytes

    def __post_init__(self) -> None:
        if self.num_perm < 2:
            raise ValueError(f"num_perm must be >= 2, got {self.num_perm}; 128 is a good default")
        if self.shingle_size < 1:
            raise ValueError(f"shingle_size must be >= 1 word, got {self.shingle_size}")
        if self.minhash_scheme not in _SUPPORTED_SCHEMES:
            raise ValueError(f"minhash_scheme must be one of {_SUPPORTED_SCHEMES}, got {self.minhash_scheme!r}")
        if self.hash_name not in _HASHES:
            raise ValueError(f"hash_name must be one of {_HASHES}, got {self.hash_name!r}")
        if self.byteorder not in ("little", "big"):
            raise ValueError(f"byteorder must be 'little' or 'big', got {self.byteorder!r}")

    @classmethod
    def from_config(cls, config: Config) -> "SignatureScheme":
        section = config.section("duplication")
        return cls(
            num_perm=int(section.get("num_perm", cls.num_perm)),
            seed=int(section.get("seed", cls.seed)),
            shingle_size=int(section.get("shingle_size", cls.shingle_size)),
        )

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "SignatureScheme":
        return cls(**{k: data[k] for k in cls.__dataclass_fields__ if k in data})

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def dtype(self) -> np.dtype[Any]:
        return np.dtype(np.uint32).newbyteorder("<" if self.byteorder == "little" else ">")

    def to_bytes(self, signature: np.ndarray) -> bytes:
        """Compact storage form: num_perm uint32 values in the scheme's byte order."""
        return np.ascontiguousarray(signature, dtype=self.dtype).tobytes()

    def from_bytes(self, blob: bytes) -> np.ndarray:
        return np.frombuffer(blob, dtype=self.dtype).astype(np.uint32)

    def minhash(self, signature: np.ndarray) -> "LeanMinHash":
        """A datasketch ``LeanMinHash`` holding ``signature`` (for ``MinHashLSH.insert``/``query``)."""
        from datasketch import LeanMinHash  # imported when needed: see permutations()

        return LeanMinHash(seed=self.seed, hashvalues=np.asarray(signature, dtype=np.uint32), scheme=self.minhash_scheme)


@lru_cache(maxsize=8)
def permutations(num_perm: int, seed: int, minhash_scheme: str = "affine32") -> tuple[np.ndarray, np.ndarray]:
    """datasketch's own permutation parameters (a, b), so our signatures equal ``MinHash.update`` results.

    For ``affine32`` they are drawn here as datasketch 2.0 draws them (``MinHash._init_permutations``): importing
    the datasketch package imports scipy.integrate for its LSH, about 0.3 s of every run's start-up that signing
    does not need. tests/test_minhash.py holds them, and the signatures, equal to datasketch's.
    """
    if minhash_scheme == "affine32":
        gen = np.random.RandomState(seed)
        a = gen.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)  # odd: a bijection
        b = gen.randint(0, 1 << 32, num_perm, dtype=np.uint32)
        return a, b
    from datasketch import MinHash

    a, b = MinHash(num_perm=num_perm, seed=seed, scheme=minhash_scheme).permutations
    return np.asarray(a, dtype=np.uint32), np.asarray(b, dtype=np.uint32)


def tokens(text: str) -> list[str]:
    """Normalised word tokens: case-folded runs of letters and digits."""
    folded = text.casefold()
    if not folded.isascii():
        wide = set(_WIDE.findall(folded))  # a few curly quotes and dashes, usually
        if any(TOKEN.match(c) for c in wide):  # a letter or digit beyond ASCII: the regex decides
            return TOKEN.findall(folded)
        folded = _WIDE.sub(" ", folded)  # marks and spaces beyond ASCII only separate words, as a space does
    # ASCII: a word is a run of the bytes \w matches; every other byte becomes a space and a split in C finds the runs,
    # the same words as TOKEN.findall in a third less time (its search loop and a match per word were most of it).
    return folded.encode("ascii").translate(_WORD_BYTES).decode("ascii").split()


# Each ASCII byte \w matches as itself, every other byte as a space (the upper half is never used: ASCII only).
_WORD_BYTES = bytes(c if TOKEN.fullmatch(chr(c)) else 0x20 for c in range(128)) + b" " * 128
_WIDE = re.compile(r"[^\x00-\x7f]")


class CachedHasher:
    """A 64-bit value per distinct token, computed once per run (news vocabularies repeat heavily).

    Subclasses say how a token becomes its value in ``_value``. ``max_entries`` bounds the memory: past it the cache
    starts again empty (values never change, only the time to recompute them).
    """

    def __init__(self, max_entries: int = 2_000_000) -> None:
        self._cache: dict[str, int] = {}
        self.max_entries = max_entries

    def __len__(self) -> int:
        return len(self._cache)

    def __call__(self, words: Sequence[str]) -> np.ndarray:
        # New words found with a C-speed set difference and added first, then every value read with a C-speed map:
        # a Python loop over the whole text whenever it held one new word was most of this call's time.
        for word in _new_words(self._cache, words, self.max_entries):
            self._cache[word] = self._value(word)
        return np.fromiter(map(self._cache.__getitem__, words), dtype=np.uint64, count=len(words))

    def _value(self, word: str) -> int:
        raise NotImplementedError



def _new_words(known: dict[str, Any], words: Sequence[str], max_entries: int) -> set[str]:
    """The words ``known`` lacks; when adding them would pass ``max_entries``, ``known`` starts again empty and all
    of ``words`` are new (values never change, only the time to recompute them)."""
    missing = set(words).difference(known)
    if missing and len(known) + len(missing) > max_entries:
        known.clear()
        return set(words)
    return missing


class HasherTable:
    """Several :class:`CachedHasher` values of each word, looked up together: one (len(hashers), len(words)) array.

    A document's words go through the token hasher and the content-stem hasher (and the rare-term one); each kept
    its own cache, so each call built a set of the words, diffed it against its cache and read every word back.
    One table does that once for all of them: a row per distinct word, the values computed by the hashers' own
    ``_value`` (so they are the same numbers). ``max_entries`` bounds the memory as in :class:`CachedHasher`.
    """

    def __init__(self, *hashers: CachedHasher, max_entries: int = 2_000_000) -> None:
        if not hashers:
            raise ValueError("HasherTable needs at least one hasher")
        self._hashers = hashers
        self.max_entries = max_entries
        self._row: dict[str, int] = {}
        self._values = np.empty((len(hashers), 1024), dtype=np.uint64)  # a column per word, grown by doubling

    def __len__(self) -> int:
        return len(self._row)

    def __call__(self, words: Sequence[str]) -> np.ndarray:
        # One lookup per word (-1 for a word not seen yet) instead of a set difference and a second lookup of every
        # word: the row table is large, and each lookup is mostly waiting for memory.
        rows = np.fromiter(map(self._row.get, words, repeat(-1)), dtype=np.intp, count=len(words))
        unseen = np.flatnonzero(rows < 0)
        if len(unseen):
            self._fill(words, rows, unseen.tolist())
        return self._values[:, rows]

    def _fill(self, words: Sequence[str], rows: np.ndarray, unseen: list[int]) -> None:
        """Add the words at ``unseen`` and write their rows; past ``max_entries`` the table starts again empty (as
        :func:`_new_words`) and every row is written anew."""
        row = self._row
        missing = {words[i] for i in unseen}
        if len(row) + len(missing) > self.max_entries:
            row.clear()
            missing = set(words)
            unseen = list(range(len(words)))
        self._add(missing)
        rows[unseen] = [row[words[i]] for i in unseen]

    def _add(self, words: set[str]) -> None:
        start = len(self._row)
        end = start + len(words)
        if end > self._values.shape[1]:
            grown = np.empty((len(self._hashers), max(end, 2 * self._values.shape[1])), dtype=np.uint64)
            grown[:, :start] = self._values[:, :start]
            self._values = grown
        new = list(words)
        for i, hasher in enumerate(self._hashers):
            self._values[i, start:end] = np.fromiter(map(hasher._value, new), dtype=np.uint64, count=len(new))
        self._row.update(zip(new, range(start, end)))


class TokenHasher(CachedHasher):
    """xxh64 of each distinct token."""

    def __init__(self, seed: int = 0, max_entries: int = 2_000_000) -> None:
        super().__init__(max_entries)
        self._seed = seed

    def _value(self, word: str) -> int:
        return xxhash.xxh64_intdigest(word.encode("utf-8", "surrogatepass"), self._seed)


_DEFAULT_HASHER = TokenHasher()


def combine(token_hashes: np.ndarray, k: int) -> np.ndarray:
    """Order-sensitive hashes of every run of ``k`` consecutive token hashes (one per shingle).

    A text shorter than ``k`` tokens still gets one shingle (all its tokens), so short headlines are comparable.
    """
    n = len(token_hashes)
    if n == 0:
        return np.empty(0, dtype=np.uint64)
    k = min(k, n)
    out = token_hashes[: n - k + 1].copy()
    with np.errstate(over="ignore"):
        for j in range(1, k):
            out *= _SHINGLE_MIX
            out ^= token_hashes[j : n - k + 1 + j]
    return out


def sorted_unique(values: np.ndarray) -> np.ndarray:
    """``np.unique(values)`` of a 1-d integer array, by a sort: numpy 2's ``np.unique`` hashes the values first, about
    three times the time on the few hundred values of one article (and the few run sizes of a band)."""
    ordered = np.sort(values)
    if len(ordered) < 2:
        return ordered
    return ordered[np.concatenate(([True], ordered[1:] != ordered[:-1]))]


def sorted_runs(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Start and length of each run of equal values in the sorted array ``values``."""
    starts = np.flatnonzero(np.concatenate(([True], values[1:] != values[:-1])))
    return starts, np.diff(np.append(starts, len(values)))


def pairs_in_runs(run_starts: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """Positions (i, j), i < j, of every pair inside each run of ``size`` equal values starting at ``run_starts``.

    Runs are taken a size at a time, all runs of one size in one numpy step: the inverted-index step of LSH
    buckets, same-story terms and repeated shingles, without a Python loop per run or per pair.
    """
    first, second = _upper_pairs(size)
    return (run_starts[:, None] + first).ravel(), (run_starts[:, None] + second).ravel()


@lru_cache(maxsize=256)
def _upper_pairs(size: int) -> tuple[np.ndarray, np.ndarray]:
    """``np.triu_indices(size, 1)``, read-only and kept: it costs ~12 us, and runs come in a few sizes."""
    first, second = np.triu_indices(size, 1)
    first.flags.writeable = second.flags.writeable = False
    return first, second


def shingle_hashes(text: str, k: int, hasher: TokenHasher | None = None) -> np.ndarray:
    """uint64 hashes of the normalised word k-grams of ``text``."""
    return combine((hasher or _DEFAULT_HASHER)(tokens(text)), k)


def _fmix32(hv: np.ndarray) -> np.ndarray:
    # datasketch pre-mixes every input hash with the MurmurHash3 finalizer before its affine permutations.
    hv = hv ^ (hv >> np.uint32(16))
    hv = hv * np.uint32(0x85EBCA6B)
    hv = hv ^ (hv >> np.uint32(13))
    hv = hv * np.uint32(0xC2B2AE35)
    return hv ^ (hv >> np.uint32(16))


def to_hash32(hashes: np.ndarray) -> np.ndarray:
    """Fold 64-bit shingle hashes to the 32-bit input of datasketch's ``affine32`` scheme."""
    h = np.asarray(hashes, dtype=np.uint64)
    return ((h ^ (h >> np.uint64(32))) & _LOW32).astype(np.uint32)


def grouped_signatures(hashes: np.ndarray, starts: np.ndarray, scheme: SignatureScheme) -> np.ndarray:
    """One signature per group of consecutive rows of ``hashes``; group g is ``hashes[starts[g]:starts[g+1]]``.

    Every group must be non-empty (callers drop empty texts first; see :func:`signatures`).
    """
    a, b = permutations(scheme.num_perm, scheme.seed, scheme.minhash_scheme)
    starts = np.asarray(starts, dtype=np.int64)
    out = np.empty((len(starts), scheme.num_perm), dtype=np.uint32)
    bounds = np.append(starts, len(hashes))
    g = 0
    while g < len(starts):
        # Take whole groups until the chunk holds about _CHUNK_ROWS shingles (at least one group).
        last = int(np.searchsorted(bounds, bounds[g] + _CHUNK_ROWS, side="right")) - 1
        last = min(max(last, g + 1), len(starts))
        lo, hi = int(bounds[g]), int(bounds[last])
        # Folded and mixed per chunk: on a whole 100k-article batch the full-length temporaries took ~0.6 GB.
        hv = _fmix32(to_hash32(hashes[lo:hi]))
        out[g:last] = _chunk_minima(hv, starts[g:last] - lo, a, b)
        g = last
    return out


def _permuted(hv: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """(num_perm, len(hv)): every permutation of every hash."""
    with np.errstate(over="ignore"):
        phv = a[:, None] * hv[None, :]  # uint32 wrap-around is the modulo 2**32 of datasketch's affine32
        phv += b[:, None]
    return phv


def _chunk_minima(hv: np.ndarray, local: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """(groups, num_perm) minima of the permuted hashes of each group; group g starts at ``local[g]`` in ``hv``.

    Window blocks mostly have one size. Those groups are laid out element by element (the first hash of every
    group, then the second, ...), so their minima are one elementwise reduction over whole rows; np.minimum.reduceat
    reduces each short group on its own, about twice the time. Groups of other sizes still go through reduceat.
    """
    sizes = np.diff(np.append(local, len(hv)))
    size = int(np.bincount(sizes).argmax())
    uniform = np.flatnonzero(sizes == size)
    if size < 2 or len(uniform) * size * 2 < len(hv):  # whole documents, or few blocks of one size
        return np.minimum.reduceat(_permuted(hv, a, b), local, axis=1).T
    out = np.empty((len(local), len(a)), dtype=np.uint32)
    at = (np.arange(size)[:, None] + local[uniform][None, :]).ravel()
    out[uniform] = _permuted(hv[at], a, b).reshape(len(a), size, len(uniform)).min(axis=1).T
    rest = np.flatnonzero(sizes != size)
    if len(rest):
        rest_sizes = sizes[rest]
        rest_starts = np.cumsum(rest_sizes) - rest_sizes  # where each group begins once they are concatenated
        at = np.repeat(local[rest] - rest_starts, rest_sizes) + np.arange(int(rest_sizes.sum()))
        out[rest] = np.minimum.reduceat(_permuted(hv[at], a, b), rest_starts, axis=1).T
    return out


def signatures(hash_arrays: Iterable[np.ndarray], scheme: SignatureScheme) -> np.ndarray:
    """Signatures ``(n, num_perm)`` uint32 of many shingle-hash arrays, equal to datasketch ``MinHash.hashvalues``.

    An empty array gives the empty-set signature (all 2**32-1), as an untouched datasketch MinHash.
    """
    arrays = [np.asarray(h, dtype=np.uint64) for h in hash_arrays]
    out = np.full((len(arrays), scheme.num_perm), np.iinfo(np.uint32).max, dtype=np.uint32)
    filled = [i for i, h in enumerate(arrays) if len(h)]
    if not filled:
        return out
    lengths = np.array([len(arrays[i]) for i in filled], dtype=np.int64)
    starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))
    out[filled] = grouped_signatures(np.concatenate([arrays[i] for i in filled]), starts, scheme)
    return out


def text_signatures(texts: Iterable[str], scheme: SignatureScheme) -> np.ndarray:
    """Document signatures as the duplication stage computes them (what the history store should record)."""
    return signatures((shingle_hashes(t, scheme.shingle_size) for t in texts), scheme)


def jaccard(sig_a: np.ndarray, sig_b: np.ndarray) -> float:
    """MinHash estimate of the Jaccard similarity of two signatures of the same scheme."""
    return float(np.mean(np.asarray(sig_a) == np.asarray(sig_b)))


if sys.byteorder not in ("little", "big"):  # pragma: no cover - documents the assumption behind SignatureScheme.dtype
    raise RuntimeError("unknown byte order")
