"""Candidate document pairs for alignment: MinHash LSH over whole documents and over passage windows.

Two views of every document are signed:

- **word shingles** (normalised word 3-grams), per window of 50 words and per document: verbatim and lightly
  edited copies, also a few paragraphs copied into a long article;
- **stem pairs** (two neighbouring Snowball stems in either order, unless both are among the language's most
  frequent words), per window and per document: a passage reworded with synonyms, reordered or machine-translated
  keeps many such pairs while unrelated text rarely shares them. Single content stems were tried and dropped:
  unrelated long articles share 10-15% of their stems, so at any LSH setting that still catches paraphrase,
  nearly every pair of a large batch became a candidate. Pairs of content stems only were tried too: on PAN13
  random obfuscation they found 51% of the pairs against 82% when a content word may pair with a function word.

Windows are two consecutive blocks of a document (overlapping by one block). Document signatures are the minimum
over a document's blocks (equal to signing the whole text), so the history store gets them for free.

Banding is done in numpy: rows colliding in a band are candidates, as in ``datasketch.MinHashLSH`` with
``params=(bands, rows)``, without a Python call per inserted window (which matters at 100k articles a batch).
Long documents have dozens of windows, so a pair of documents has hundreds of window pairs and one chance
collision among them is likely; a pair is kept when its windows collide ``min_band_hits`` times or more.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from functools import lru_cache
from itertools import combinations
from typing import Sequence

import numpy as np
import Stemmer
import xxhash
from wordfreq import top_n_list, zipf_frequency

from .minhash import (
    CachedHasher, SignatureScheme, TokenHasher, combine, grouped_signatures, pairs_in_runs, signatures, sorted_runs,
    sorted_unique, tokens,
)
from .params import DuplicationParams

log = logging.getLogger(__name__)

_BAND_MIX = np.uint64(0xBF58476D1CE4E5B9)
_SNOWBALL = {"en": "english", "de": "german", "fr": "french", "es": "spanish", "it": "italian", "pt": "portuguese",
             "nl": "dutch", "ru": "russian", "sv": "swedish", "da": "danish", "no": "norwegian", "fi": "finnish"}


def lsh_params(threshold: float, num_perm: int, recall: float) -> tuple[int, int]:
    """(bands, rows) with the most rows per band whose chance to catch a pair at ``threshold`` is >= ``recall``.

    More rows per band means fewer chance collisions, so this is the most selective banding meeting the recall.
    datasketch's default weights give only about 0.5 at the threshold; editors care more about a missed copy.
    """
    for rows in range(num_perm, 0, -1):
        bands = num_perm // rows
        if 1.0 - (1.0 - threshold**rows) ** bands >= recall:
            return bands, rows
    return num_perm, 1


def collision_probability(jaccard: float, bands: int, rows: int) -> float:
    return 1.0 - (1.0 - jaccard**rows) ** bands


class ContentHasher(CachedHasher):
    """Hash of each token's Snowball stem; the lowest bit flags the language's most frequent words, so pairs of
    two function words ("of the") can be left out while "the aircraft" stays."""

    def __init__(self, language: str = "en", stopwords: int = 150) -> None:
        super().__init__()
        self._stop = frozenset(_stopwords(language, stopwords))
        self._stemmer = _stemmer(language)

    def _value(self, word: str) -> int:
        value = _stem_hash(self._stemmer, word) & ~1
        return value | 1 if word in self._stop or len(word) < 2 else value


class RareTermHasher(CachedHasher):
    """Hash of the stem of each *rare* word (below ``max_zipf`` on wordfreq's scale, four letters or more), 0 for
    any other word: the names and terms a same-story rewrite keeps when it changes every sentence."""

    def __init__(self, language: str = "en", max_zipf: float = 3.5) -> None:
        super().__init__()
        self._language = language
        self._max_zipf = max_zipf
        self._stemmer = _stemmer(language)

    def _value(self, word: str) -> int:
        if len(word) < 4 or not word.isalpha() or zipf_frequency(word, self._language) >= self._max_zipf:
            return 0
        return _stem_hash(self._stemmer, word) | 1


def _stemmer(language: str) -> Stemmer.Stemmer | None:
    return Stemmer.Stemmer(_SNOWBALL[language]) if language in _SNOWBALL else None


def _stem_hash(stemmer: Stemmer.Stemmer | None, word: str) -> int:
    stem = stemmer.stemWord(word) if stemmer else word
    return xxhash.xxh64_intdigest(stem.encode("utf-8", "surrogatepass"))


@lru_cache(maxsize=4)
def _stopwords(language: str, n: int) -> tuple[str, ...]:
    # Most frequent words by wordfreq: function words and a few generic verbs, for any supported language.
    try:
        return tuple(top_n_list(language, n))
    except (LookupError, ValueError):
        return ()


@dataclass(frozen=True, slots=True)
class ViewSignatures:
    """One view of a batch: a signature per document, and the LSH band keys of every window with its document.

    Window signatures are turned into band keys as they are made and not kept: at 100k articles they were
    gigabytes, and banding is all they are for. Documents are banded too, as rows after the windows.
    """

    docs: np.ndarray  # (n_docs, num_perm) uint32; empty documents hold the empty-set signature
    keys: np.ndarray  # (n_windows + n_docs, bands) uint32 band keys (see band_keys32): windows, then documents
    owners: np.ndarray  # (n_windows + n_docs,) int64 document index of each row of keys
    bands: int
    rows: int


@dataclass(frozen=True, slots=True)
class BatchSignatures:
    shingles: ViewSignatures  # word 3-grams without the batch's boilerplate: windows and documents
    stem_pairs: ViewSignatures  # neighbouring content-stem pairs, same filtering: windows and documents
    shingle_hashes: tuple[np.ndarray, ...]  # all word k-gram hashes per document (repetition finder, history)
    filtered: bool  # did boilerplate filtering remove anything (then shingles.docs differ from full signatures)
    rare_terms: tuple[np.ndarray, ...] = ()  # each document's distinct rare-term hashes (same-story candidates)

    def documents(self, scheme: SignatureScheme) -> np.ndarray:
        """(n_docs, num_perm) signatures of all word 3-grams: what the history store records and is queried with."""
        return signatures(self.shingle_hashes, scheme) if self.filtered else self.shingles.docs


def drop_common(hash_arrays: Sequence[np.ndarray], max_docs: int) -> list[np.ndarray]:
    """Remove hashes found in more than ``max_docs`` documents of the batch.

    Text shared by that many articles is boilerplate (newsletter prompts, legal notices, share widgets) or a stock
    phrase; it says nothing about copying, and windows straddling it would pair every article carrying it.

    A hash in more than ``max_docs`` documents falls in a bucket (its low bits) that more than ``max_docs`` hashes
    of the batch fall in. Counting buckets is one ``np.bincount``; only the hashes of crowded buckets (stock
    phrases, and the rare crowd of chance) are then counted exactly, each document once. A ``np.unique`` per
    document and a sort of the whole batch cost several times as much.
    """
    n = len(hash_arrays)
    if n <= max_docs:
        return list(hash_arrays)
    flat = np.concatenate(hash_arrays)
    at = _in_crowded_buckets(flat, max_docs, _COMMON_BUCKET_BITS)
    lengths = np.fromiter(map(len, hash_arrays), dtype=np.int64, count=n)
    owner = np.searchsorted(np.cumsum(lengths), at, side="right")
    values, value_of = np.unique(flat[at], return_inverse=True)
    pairs = np.sort(value_of * n + owner)  # (value, document), each document once below
    documents = np.bincount(pairs[np.flatnonzero(np.diff(pairs, prepend=-1))] // n, minlength=len(values))
    common = documents[value_of] > max_docs  # over ``at``
    if not common.any():
        return list(hash_arrays)
    log.info("ignoring %d word sequences found in more than %d articles (boilerplate)", (documents > max_docs).sum(), max_docs)
    keep = np.ones(len(flat), dtype=bool)
    keep[at[common]] = False
    kept = lengths - np.bincount(owner[common], minlength=n)
    return np.split(flat[keep], np.cumsum(kept)[:-1])


# 4M buckets (a 32 MB count array): at 100k articles (60M hashes) a bucket holds 15 on average, and a chance crowd
# of more than 50 (max_bucket) is out of reach; one would only cost its exact count.
_COMMON_BUCKET_BITS = 22


def _in_crowded_buckets(values: np.ndarray, more_than: int, bits: int) -> np.ndarray:
    """Indices of the values whose bucket (their low ``bits`` bits) holds more than ``more_than`` values. Every value
    occurring more than ``more_than`` times is among them: one count pass spares a sort or unique of them all."""
    bucket = values & values.dtype.type((1 << bits) - 1)
    if bucket.dtype == np.uint64:
        bucket = bucket.view(np.int64)  # np.bincount takes no uint64; the low bits are the same
    # Compared before the gather: reading one byte per value from a bool table stays in cache far more than
    # reading an int64 count from a table eight times the size (about twice as fast at 10k articles).
    crowded = np.bincount(bucket, minlength=1 << bits) > more_than
    return np.flatnonzero(crowded[bucket])


def windowed_signatures(
    hash_arrays: Sequence[np.ndarray], block: int, scheme: SignatureScheme, bands: int, rows: int
) -> ViewSignatures:
    """Sign blocks of ``block`` hashes; a window is two consecutive blocks of one document (a lone block if short).

    Documents are signed in chunks of about :data:`_SIGN_CHUNK_HASHES` hashes; each chunk's windows become band
    keys at once, so the block and window signatures of the whole batch never exist together.
    """
    n_docs = len(hash_arrays)
    docs = np.full((n_docs, scheme.num_perm), np.iinfo(np.uint32).max, dtype=np.uint32)
    keys: list[np.ndarray] = []
    owners: list[np.ndarray] = []
    lengths = np.fromiter((len(h) for h in hash_arrays), dtype=np.int64, count=n_docs)
    ends = np.cumsum(lengths)
    lo = 0
    while lo < n_docs:
        before = int(ends[lo - 1]) if lo else 0
        hi = max(lo + 1, int(np.searchsorted(ends, before + _SIGN_CHUNK_HASHES, side="right")))
        part_docs, part_keys, part_owners = _sign_chunk(hash_arrays[lo:hi], lengths[lo:hi], block, scheme, bands, rows)
        docs[lo:hi] = part_docs
        keys.append(part_keys)
        owners.append(part_owners + lo)
        lo = hi
    keys.append(band_keys32(docs, bands, rows))
    owners.append(np.arange(n_docs, dtype=np.int64))
    return ViewSignatures(docs, np.concatenate(keys), np.concatenate(owners), bands, rows)


# Hashes signed at once: block signatures of 20-35 MB (50- and 30-word windows), whatever the batch size.
_SIGN_CHUNK_HASHES = 1 << 20


def _sign_chunk(
    hash_arrays: Sequence[np.ndarray], lengths: np.ndarray, block: int, scheme: SignatureScheme, bands: int, rows: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Document signatures, window band keys and window owners (local indices) of a few documents."""
    n_docs = len(hash_arrays)
    n_blocks = -(-lengths // block)  # ceil
    docs = np.full((n_docs, scheme.num_perm), np.iinfo(np.uint32).max, dtype=np.uint32)
    if n_blocks.sum() == 0:
        return docs, np.empty((0, bands), dtype=np.uint32), np.empty(0, dtype=np.int64)
    owners = np.repeat(np.arange(n_docs), n_blocks)
    doc_offset = np.concatenate(([0], np.cumsum(lengths)[:-1]))
    first_block = np.concatenate(([0], np.cumsum(n_blocks)[:-1]))
    within = np.arange(len(owners)) - first_block[owners]
    starts = doc_offset[owners] + within * block
    blocks = grouped_signatures(np.concatenate(hash_arrays), starts, scheme)
    filled = n_blocks > 0
    docs[filled] = np.minimum.reduceat(blocks, first_block[filled], axis=0)
    pair = np.flatnonzero(owners[:-1] == owners[1:])
    lone = np.flatnonzero(n_blocks[owners] == 1)
    windows = np.empty((len(pair) + len(lone), scheme.num_perm), dtype=np.uint32)
    np.minimum(blocks[pair], blocks[pair + 1], out=windows[: len(pair)])
    windows[len(pair) :] = blocks[lone]
    return docs, band_keys32(windows, bands, rows), np.concatenate((owners[pair], owners[lone]))


@dataclass(frozen=True, slots=True)
class DocumentHashes:
    """What :func:`batch_signatures` needs of one document; computed alone, so worker processes can share it out."""

    shingles: np.ndarray  # word k-gram hashes (uint64)
    stem_pairs: np.ndarray  # neighbouring content-stem pair hashes (uint64)
    rare_terms: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.uint64))  # sorted distinct rare stems


def document_hashes(
    text: str,
    scheme: SignatureScheme,
    hasher: TokenHasher,
    content_hasher: ContentHasher,
    rare_hasher: RareTermHasher | None = None,
) -> DocumentHashes:
    words = tokens(text)
    return hashes_of_tokens(words, hasher(words), scheme, content_hasher, rare_hasher)


def hashes_of_tokens(
    words: list[str],
    token_hashes: np.ndarray,
    scheme: SignatureScheme,
    content_hasher: ContentHasher,
    rare_hasher: RareTermHasher | None = None,
) -> DocumentHashes:
    """:func:`document_hashes` of a text already split into :func:`.minhash.tokens` and hashed with a TokenHasher."""
    rare = rare_hasher(words) if rare_hasher is not None else None
    return hashes_of_word_values(token_hashes, content_hasher(words), rare, scheme)


def hashes_of_word_values(
    token_hashes: np.ndarray, content_hashes: np.ndarray, rare_hashes: np.ndarray | None, scheme: SignatureScheme
) -> DocumentHashes:
    """:func:`hashes_of_tokens` from each word's TokenHasher, ContentHasher and RareTermHasher values (the last
    None when rare terms are off), e.g. read at once from a :class:`.minhash.HasherTable`."""
    hashes = DocumentHashes(combine(token_hashes, scheme.shingle_size), stem_pairs(content_hashes))
    if rare_hashes is None:
        return hashes
    rare = sorted_unique(rare_hashes)
    return replace(hashes, rare_terms=rare[rare != 0])


def batch_signatures(
    texts: Sequence[str],
    scheme: SignatureScheme,
    params: DuplicationParams,
    hasher: TokenHasher | None = None,
    content_hasher: ContentHasher | None = None,
) -> BatchSignatures:
    hasher = hasher or TokenHasher()
    content_hasher = content_hasher or ContentHasher(params.paraphrase_language, params.paraphrase_stopwords)
    rare = RareTermHasher(params.paraphrase_language, params.story_max_zipf) if params.story_min_shared > 0 else None
    return sign_batch([document_hashes(t, scheme, hasher, content_hasher, rare) for t in texts], scheme, params)


def sign_batch(hashes: Sequence[DocumentHashes], scheme: SignatureScheme, params: DuplicationParams) -> BatchSignatures:
    """Batch-level part of :func:`batch_signatures`: boilerplate filtering needs every document, signing follows it."""
    shingle_arrays = [h.shingles for h in hashes]
    half_window = max(1, params.window_shingles // 2)
    half_para = max(1, params.paraphrase_window_words // 2)
    kept = drop_common(shingle_arrays, params.max_bucket)
    filtered = any(len(k) != len(h) for k, h in zip(kept, shingle_arrays))
    shingle_banding = lsh_params(params.threshold, scheme.num_perm, params.lsh_recall)
    shingles = windowed_signatures(kept, half_window, scheme, *shingle_banding)
    del kept
    pairs = drop_common([h.stem_pairs for h in hashes], params.max_bucket)
    stem_banding = lsh_params(params.passage_paraphrase_threshold, scheme.num_perm, params.lsh_recall)
    return BatchSignatures(
        shingles, windowed_signatures(pairs, half_para, scheme, *stem_banding), tuple(shingle_arrays), filtered,
        tuple(h.rare_terms for h in hashes),
    )


def stem_pairs(stems: np.ndarray) -> np.ndarray:
    """Order-free hashes of neighbouring stems, except pairs of two frequent words (see :class:`ContentHasher`).

    "shoot down Russian aircraft" and "Russian aircraft shot down" share "russian aircraft" and "shoot down".
    """
    if len(stems) < 2:
        return stems[~((stems & np.uint64(1)).astype(bool))]
    frequent = (stems & np.uint64(1)).astype(bool)
    keep = ~(frequent[:-1] & frequent[1:])
    lo, hi = np.minimum(stems[:-1], stems[1:])[keep], np.maximum(stems[:-1], stems[1:])[keep]
    with np.errstate(over="ignore"):
        return lo * _BAND_MIX ^ hi


def band_keys(sigs: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """(n, bands) uint64: one hash per band of ``rows`` signature values."""
    keys = np.empty((len(sigs), bands), dtype=np.uint64)
    width = bands * rows
    # In slices of rows: the uint64 copy of all window signatures was the largest temporary of a 100k batch.
    # Value c of every band is a strided column slice; only the first is widened to uint64, the others are mixed
    # in as they are (a uint64 copy of the whole slice cost three to five times the mixing).
    for lo in range(0, len(sigs), _KEY_CHUNK_ROWS):
        part = sigs[lo : lo + _KEY_CHUNK_ROWS]
        chunk = part[:, 0:width:rows].astype(np.uint64)
        with np.errstate(over="ignore"):
            for c in range(1, rows):
                chunk *= _BAND_MIX
                np.bitwise_xor(chunk, part[:, c:width:rows], out=chunk, dtype=np.uint64, casting="unsafe")  # as astype
        keys[lo : lo + len(chunk)] = chunk
    return keys


_KEY_CHUNK_ROWS = 65_536


def band_keys32(sigs: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """:func:`band_keys` folded to 32 bits, half the memory (the keys of a 100k batch were 2.5 GB).

    Two different bands of values then share a key by chance: with 3M windows about a thousand row pairs per band,
    while a candidate needs ``min_band_hits`` (3) bands of the *same* two windows to collide, so a chance pair does
    not get through (with ``min_band_hits = 1`` such pairs would only cost an alignment that finds nothing). The
    embedded history index uses 32-bit keys for the same reason.
    """
    keys = band_keys(sigs, bands, rows)
    return (keys ^ (keys >> np.uint64(32))).astype(np.uint32)


def colliding_pairs(
    sigs: np.ndarray, owners: np.ndarray, bands: int, rows: int, max_bucket: int, min_hits: int = 1
) -> np.ndarray:
    """Distinct document pairs (i < j) owning two rows that share a bucket in at least ``min_hits`` bands.

    Requiring several bands for the *same* pair of windows estimates that pair's similarity, rather than counting
    chance collisions, which grow with the number of windows: two long pages have thousands of window pairs.
    Buckets holding more than ``max_bucket`` documents are skipped: text shared by that many articles in one batch
    is boilerplate (a newsletter prompt, a legal notice), not reuse worth aligning pair by pair.
    """
    return _colliding_keys(band_keys32(sigs, bands, rows), owners, max_bucket, min_hits)


def _colliding_keys(keys: np.ndarray, owners: np.ndarray, max_bucket: int, min_hits: int) -> np.ndarray:
    """:func:`colliding_pairs` from band keys already computed."""
    bands = keys.shape[1]
    n_rows = np.int64(max(1, len(keys)))
    found: list[np.ndarray] = []
    for band in range(bands):
        found += [p[:, 0] * n_rows + p[:, 1] for p in _band_row_pairs(keys[:, band], owners, max_bucket)]
    if not found:
        return np.empty((0, 2), dtype=np.int64)
    # Row pairs as one int64 each: np.unique on a flat array is several times faster than on (n, 2) rows.
    encoded = np.concatenate(found)
    if min_hits > 1:
        encoded, hits = np.unique(encoded, return_counts=True)
        encoded = encoded[hits >= min_hits]
    pairs = np.sort(owners[np.stack((encoded // n_rows, encoded % n_rows), axis=1)], axis=1)
    pairs = pairs[pairs[:, 0] != pairs[:, 1]]
    if not len(pairs):
        return np.empty((0, 2), dtype=np.int64)
    n_docs = np.int64(int(owners.max()) + 1)
    flat = np.unique(pairs[:, 0] * n_docs + pairs[:, 1])
    return np.stack((flat // n_docs, flat % n_docs), axis=1)


def _band_row_pairs(keys: np.ndarray, owners: np.ndarray, max_bucket: int) -> list[np.ndarray]:
    """(row, row) index pairs (smaller row first) sharing a bucket in one band, rows of one document excluded.

    ``keys`` are one band's 32-bit keys (:func:`band_keys32`).

    Buckets are handled by size, all buckets of one size at once: with two rows per band a quarter of all rows
    share a bucket with another, and a Python loop per bucket was the slowest part of a 10k batch.
    """
    # Key and row packed into one uint64 and sorted in place: 40% cheaper than an argsort of the keys. Only rows
    # that may share a key are sorted: most windows collide with nothing in a band.
    assert keys.dtype == np.uint32 and len(keys) < 1 << 32
    rows = _maybe_shared(keys)
    packed = (keys[rows].astype(np.uint64) << np.uint64(32)) | rows.astype(np.uint64)
    packed.sort()
    order = (packed & np.uint64(0xFFFFFFFF)).astype(np.int64)
    k = packed >> np.uint64(32)
    del packed
    starts, sizes = sorted_runs(k)
    out = []
    for size in sorted_unique(sizes[sizes >= 2]).tolist():
        group_starts = starts[sizes == size]
        if size > max_bucket:
            group_starts = np.array([g for g in group_starts.tolist()
                                     if len(np.unique(owners[order[g : g + size]])) <= max_bucket], dtype=np.int64)
            if not len(group_starts):
                continue
        first, second = pairs_in_runs(group_starts, size)
        out.append(np.stack((order[first], order[second]), axis=1))
    out = [np.sort(p, axis=1) for p in out if len(p)]
    return [p[owners[p[:, 0]] != owners[p[:, 1]]] for p in out]


def _maybe_shared(keys: np.ndarray) -> np.ndarray:
    """Rows whose key falls in a bucket (its low bits) that another row's key falls in too: every row sharing its
    key with another is among them. A count over ~4 buckets per row is one pass; the sort it spares is not."""
    return _in_crowded_buckets(keys, 1, min(_MAX_BUCKET_BITS, max(10, len(keys).bit_length() + 2)))


_MAX_BUCKET_BITS = 23  # a 64 MB count array; at 100k articles (2.6M windows a band) a quarter of the rows remain


def candidate_pairs(sigs: BatchSignatures, scheme: SignatureScheme, params: DuplicationParams) -> np.ndarray:
    """Document index pairs (i < j) worth aligning, from all views, capped per document.

    A small batch is compared exhaustively: aligning a few hundred pairs costs seconds, and then a paraphrase too
    loose for the LSH thresholds still reaches the aligner.
    """
    n_docs = len(sigs.shingles.docs)
    if n_docs <= params.exhaustive_below:
        return np.array(list(combinations(range(n_docs), 2)), dtype=np.int64).reshape(-1, 2)
    views = ((sigs.shingles, params.min_band_hits), (sigs.stem_pairs, params.passage_paraphrase_min_band_hits))
    found = []
    for view, min_hits in views:
        if len(view.keys) >= 2:
            found.append(_colliding_keys(view.keys, view.owners, params.max_bucket, min_hits))
    if params.story_min_shared > 0 and sigs.rare_terms:
        found.append(
            story_pairs(sigs.rare_terms, params.story_min_shared, params.story_min_containment, params.max_bucket)
        )
    if not found:
        return np.empty((0, 2), dtype=np.int64)
    pairs = np.unique(np.concatenate(found), axis=0)
    return _cap_per_document(pairs, sigs, params.max_pairs_per_doc)


def story_pairs(rare_terms: Sequence[np.ndarray], min_shared: int, min_containment: float, max_docs: int) -> np.ndarray:
    """Document pairs sharing ``min_shared`` rare terms or more, at least ``min_containment`` of the smaller set.

    Counted exactly from an inverted index, not estimated with MinHash: a rewrite keeps a handful of rare terms,
    too few for any LSH setting that does not also pair everything. A term in more than ``max_docs`` documents is a
    topic of the batch ("Kyiv" on a war day), not evidence of one story, and is ignored.
    """
    n = len(rare_terms)
    sizes = np.fromiter((len(t) for t in rare_terms), dtype=np.int64, count=n)
    if n < 2 or sizes.sum() == 0:
        return np.empty((0, 2), dtype=np.int64)
    terms = np.concatenate(rare_terms)
    owners = np.repeat(np.arange(n, dtype=np.int64), sizes)
    order = np.argsort(terms, kind="stable")
    terms, owners = terms[order], owners[order]
    starts, counts = sorted_runs(terms)
    encoded = []
    for size in sorted_unique(counts[(counts >= 2) & (counts <= max_docs)]).tolist():
        first, second = pairs_in_runs(starts[counts == size], size)
        a, b = owners[first], owners[second]
        encoded.append(np.minimum(a, b) * n + np.maximum(a, b))  # owners within a term are distinct documents
    if not encoded:
        return np.empty((0, 2), dtype=np.int64)
    pair, shared = np.unique(np.concatenate(encoded), return_counts=True)
    i, j = pair // n, pair % n
    keep = (shared >= min_shared) & (shared >= min_containment * np.minimum(sizes[i], sizes[j]))
    return np.stack((i[keep], j[keep]), axis=1)


def _cap_per_document(pairs: np.ndarray, sigs: BatchSignatures, cap: int) -> np.ndarray:
    """Keep at most ``cap`` partners per document, the most similar first (templated feeds collide with everything)."""
    if len(pairs) == 0:
        return pairs
    counts = np.bincount(pairs.ravel())
    if counts.max() <= cap:
        return pairs
    sim = np.maximum(
        (sigs.shingles.docs[pairs[:, 0]] == sigs.shingles.docs[pairs[:, 1]]).mean(axis=1),
        (sigs.stem_pairs.docs[pairs[:, 0]] == sigs.stem_pairs.docs[pairs[:, 1]]).mean(axis=1),
    )
    kept = np.zeros(len(counts), dtype=np.int64)
    keep = np.zeros(len(pairs), dtype=bool)
    for idx in np.argsort(-sim, kind="stable"):
        i, j = pairs[idx]
        if kept[i] < cap and kept[j] < cap:
            kept[i] += 1
            kept[j] += 1
            keep[idx] = True
    log.info("capped candidate partners at %d per document: %d of %d pairs kept", cap, keep.sum(), len(pairs))
    return pairs[keep]
