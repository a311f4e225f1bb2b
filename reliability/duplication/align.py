"""Passage alignment between a source text ``a`` and a suspicious text ``b``.

The method follows the seeding -> extension -> filtering scheme of the strongest PAN text-alignment systems
(Sanchez-Perez, Sidorov & Gelbukh 2014), written from the published description:

1. **Preparation** (:func:`prepare`, cacheable per document): split into sentences, lowercase, drop stopwords,
   Snowball-stem. Very short sentences are glued to their neighbour so that a heading or "Mr." does not become a
   sentence of its own; run-on text without punctuation is cut into bounded chunks.
2. **Seeding**: every sentence pair whose tf-isf cosine *and* Dice overlap of stems pass thresholds is a seed.
   Bag-of-stems comparison survives word reordering, synonym swaps of a few words and machine translation.
3. **Extension**: seeds close to each other in *both* texts (gap measured in sentences) are clustered; a cluster
   becomes a candidate passage if its two whole fragments are similar, otherwise it is re-clustered with a
   smaller gap. A second, looser pass (long gap in the source) catches summaries, where a short passage condenses
   a long stretch of the source.
4. **Filtering**: overlapping candidates are resolved in favour of the stronger one; short passages are dropped.

Each surviving passage is labelled ``copy`` when most of its word trigrams occur verbatim in the other text,
``paraphrase`` otherwise.

Example::

    >>> from reliability.duplication.align import align
    >>> passages = align(source_text, suspicious_text)
    >>> [(p.kind, source_text[p.a_start:p.a_end][:40]) for p in passages]
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields, replace
from typing import Any, Callable, Mapping

import numpy as np
import scipy.sparse as sp
import Stemmer
import xxhash

from ..config import Config
from ..model import Passage
from ._align_stopwords import STOPWORDS
from ._align_verbatim import verbatim_runs

_WORD = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)*")
# A sentence ends at . ! ? (optionally followed by closing quotes/brackets) plus whitespace, or at a blank line.
_SENTENCE_BREAK = re.compile(r"(?<=[.!?])[\"'\u201d\u2019)\]]*\s+|\n[ \t\r\f\v]*\n\s*")
_TRAILING_PUNCT = ".!?;:,\"'\u201d\u2019)]"


@dataclass(frozen=True)
class AlignParams:
    """Thresholds of the aligner. Defaults are the values tuned on the PAN13 training half; see ``[duplication.align]``."""

    seed_cosine: float = 0.33  # tf-isf cosine a sentence pair needs to become a seed
    seed_dice: float = 0.33  # Dice overlap of stem sets a sentence pair needs to become a seed
    gap: int = 4  # sentences allowed between two seeds of one passage (both texts)
    validate_cosine: float = 0.34  # cosine two whole fragments need to be reported
    min_chars: int = 150  # passages shorter than this in either text are dropped
    single_seed_cosine: float = 0.6  # a passage resting on one sentence pair needs this cosine (same-topic noise)
    min_sentence_terms: int = 3  # sentences with fewer content stems are merged into a neighbour
    max_sentence_words: int = 80  # run-on text is cut into chunks of at most this many words
    summary: bool = True  # run the summary pass
    summary_gap_a: int = 24  # source-side gap of the summary pass (a summary condenses a long stretch)
    summary_gap_b: int = 3  # suspicious-side gap of the summary pass
    summary_ratio: float = 3.0  # source fragment this many times longer than the suspicious one -> summary
    summary_compression: float = 2.0  # normal passages this compressed (source/suspicious length) yield to a summary
    condense_gap: int = 1  # neighbouring passages (this many sentences apart in b) that condense a are joined
    summary_seed_cosine: float = 0.25  # seed cosine in the summary pass
    summary_seed_dice: float = 0.25  # seed Dice in the summary pass
    summary_min_seeds: int = 4  # sentence pairs a summary needs (same-topic texts share a few by chance)
    summary_validate: float = 0.6  # share of the summary's term weight that must occur in the source stretch
    summary_extend_cosine: float = 0.1  # source sentences this similar to the summary widen its source side
    copy_containment: float = 0.8  # share of word trigrams found verbatim in the other text for kind "copy"
    verbatim_ngram: int = 4  # words per n-gram when looking for verbatim runs
    verbatim_min_words: int = 12  # shortest verbatim run reported on its own
    verbatim_gap: int = 6  # words of edits bridged inside one verbatim run
    verbatim_cover: float = 0.7  # verbatim runs covering this share of a passage replace it (exact boundaries)

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            expected = _FIELD_TYPES[f.type]
            # bool is an int to Python, but "gap = true" in a config file is a mistake worth reporting.
            if isinstance(value, bool) != (expected is bool) or not isinstance(value, expected):
                raise ValueError(f"duplication.align.{f.name} must be {f.type}, got {value!r}")
            if f.type == "float" and f.name not in _RATIOS and not 0.0 <= value <= 1.0:
                raise ValueError(f"duplication.align.{f.name} must be in [0, 1], got {value!r}")
            if f.type == "int" and value < 0:
                raise ValueError(f"duplication.align.{f.name} must be >= 0, got {value!r}")
        if self.summary_ratio < 1.0 or self.summary_compression < 1.0:
            raise ValueError("duplication.align.summary_ratio and summary_compression must be >= 1")
        if self.min_sentence_terms < 1 or self.max_sentence_words < 5 or self.verbatim_ngram < 1:
            raise ValueError("duplication.align needs min_sentence_terms >= 1, max_sentence_words >= 5, verbatim_ngram >= 1")

    @classmethod
    def from_mapping(cls, table: Mapping[str, Any]) -> "AlignParams":
        """Parameters from a TOML table; unknown keys are refused so that a typo does not silently do nothing."""
        unknown = sorted(set(table) - {f.name for f in fields(cls)})
        if unknown:
            raise ValueError(f"unknown key(s) in [duplication.align]: {', '.join(unknown)}")
        # TOML writes 1 for 1.0; accept integers where a float is expected.
        floats = {f.name for f in fields(cls) if f.type == "float"}
        values = {k: float(v) if k in floats and isinstance(v, int) and not isinstance(v, bool) else v for k, v in table.items()}
        return cls(**values)

    @classmethod
    def from_config(cls, config: Config) -> "AlignParams":
        """Parameters from the ``[duplication.align]`` table; missing keys keep their defaults."""
        return cls.from_mapping(config.section("duplication", "align"))


_FIELD_TYPES: dict[str, type | tuple[type, ...]] = {"float": float, "int": int, "bool": bool}
_RATIOS = frozenset({"summary_ratio", "summary_compression"})  # floats that are ratios >= 1, not shares


@dataclass(frozen=True, eq=False)
class Prepared:
    """Per-document work of the aligner, reusable when one document is aligned against many.

    Arrays are indexed by word token (``word_*``), by content term (``term_*``) or by sentence (``sent_*``).
    """

    text: str
    word_start: np.ndarray  # char offset of each word token
    word_end: np.ndarray
    word_hash: np.ndarray  # uint64 hash of the lowercased word (for verbatim checks)
    term_hash: np.ndarray  # uint64 hash of each content stem
    term_sent: np.ndarray  # sentence index of each content stem
    sent_start: np.ndarray  # char span of each sentence, trailing punctuation included
    sent_end: np.ndarray

    @property
    def n_sentences(self) -> int:
        return len(self.sent_start)


_STEMMER = Stemmer.Stemmer("english")


def _hashes(words: list[str]) -> np.ndarray:
    unique = {w: xxhash.xxh64_intdigest(w.encode("utf-8")) for w in set(words)}
    return np.fromiter((unique[w] for w in words), dtype=np.uint64, count=len(words))


def _sentence_ids(text: str, starts: np.ndarray, params: AlignParams) -> np.ndarray:
    """Sentence index of every word token, run-on sentences cut into chunks."""
    breaks = np.fromiter((m.end() for m in _SENTENCE_BREAK.finditer(text)), dtype=np.int64)
    raw = np.searchsorted(breaks, starts, side="right")
    first = np.r_[0, np.flatnonzero(np.diff(raw)) + 1] if len(raw) else np.zeros(0, dtype=np.int64)
    rank = np.arange(len(raw)) - np.repeat(first, np.diff(np.r_[first, len(raw)]))
    chunk = rank // params.max_sentence_words
    key = raw.astype(np.int64) * 1_000_003 + chunk
    return np.unique(key, return_inverse=True)[1].astype(np.int64)


def _merge_short(sent: np.ndarray, content: np.ndarray, min_terms: int) -> np.ndarray:
    """Glue sentences with too few content words to the next one (the last to the previous one)."""
    if len(sent) == 0:
        return sent
    n = int(sent.max()) + 1
    counts = np.bincount(sent[content], minlength=n)
    target = np.arange(n)
    pending: list[int] = []
    for s in range(n):
        pending.append(s)
        if counts[pending].sum() >= min_terms:
            target[pending] = s
            pending = []
    if pending:
        keep = pending[0] - 1 if pending[0] > 0 else pending[-1]
        owner = target[keep] if pending[0] > 0 else keep
        target[pending] = owner
    return np.unique(target, return_inverse=True)[1][sent]


def _extend_over_punct(text: str, end: int) -> int:
    while end < len(text) and text[end] in _TRAILING_PUNCT:
        end += 1
    return end


def prepare(text: str, params: AlignParams | None = None) -> Prepared:
    """Tokenise, split into sentences, stem. Cache the result when ``text`` is aligned against many texts."""
    params = params or AlignParams()
    matches = list(_WORD.finditer(text))
    starts = np.fromiter((m.start() for m in matches), dtype=np.int64, count=len(matches))
    ends = np.fromiter((m.end() for m in matches), dtype=np.int64, count=len(matches))
    words = [m.group().lower().replace("\u2019", "'") for m in matches]
    content = np.fromiter((w not in STOPWORDS for w in words), dtype=bool, count=len(words))
    sent = _merge_short(_sentence_ids(text, starts, params), content, params.min_sentence_terms)
    stems = _STEMMER.stemWords([w for w, c in zip(words, content) if c])
    n = int(sent.max()) + 1 if len(sent) else 0
    sent_start = np.full(n, len(text), dtype=np.int64)
    sent_end = np.zeros(n, dtype=np.int64)
    np.minimum.at(sent_start, sent, starts)
    np.maximum.at(sent_end, sent, ends)
    sent_end = np.fromiter((_extend_over_punct(text, int(e)) for e in sent_end), dtype=np.int64, count=n)
    return Prepared(
        text=text,
        word_start=starts,
        word_end=ends,
        word_hash=_hashes(words),
        term_hash=_hashes(stems),
        term_sent=sent[content],
        sent_start=sent_start,
        sent_end=sent_end,
    )


@dataclass(frozen=True)
class _Space:
    """Sentence vectors of one document pair in a shared term space."""

    a: sp.csr_matrix  # tf-isf rows, one per sentence of a
    b: sp.csr_matrix


@dataclass(frozen=True)
class _Fragment:
    a_lo: int  # sentence indices, inclusive
    a_hi: int
    b_lo: int
    b_hi: int
    similarity: float
    seeds: int  # sentence pairs that support it


def _space(pa: Prepared, pb: Prepared) -> _Space:
    vocab, inverse = np.unique(np.concatenate([pa.term_hash, pb.term_hash]), return_inverse=True)
    ia, ib = inverse[: len(pa.term_hash)], inverse[len(pa.term_hash) :]
    shape_a, shape_b = (pa.n_sentences, len(vocab)), (pb.n_sentences, len(vocab))
    tf_a = sp.csr_matrix((np.ones(len(ia)), (pa.term_sent, ia)), shape=shape_a)
    tf_b = sp.csr_matrix((np.ones(len(ib)), (pb.term_sent, ib)), shape=shape_b)
    tf_a.sum_duplicates()
    tf_b.sum_duplicates()
    # Inverse *sentence* frequency over both texts: a stem in every sentence says nothing about which pair matches.
    df = np.bincount(tf_a.indices, minlength=len(vocab)) + np.bincount(tf_b.indices, minlength=len(vocab))
    isf = sp.diags(np.log((pa.n_sentences + pb.n_sentences) / np.maximum(df, 1)))
    return _Space(sp.csr_matrix(tf_a @ isf), sp.csr_matrix(tf_b @ isf))


def _row_normalised(m: sp.csr_matrix) -> sp.csr_matrix:
    norms = np.sqrt(np.asarray(m.multiply(m).sum(axis=1)).ravel())
    return sp.csr_matrix(sp.diags(1.0 / np.maximum(norms, 1e-12)) @ m)


@dataclass(frozen=True)
class _Similarity:
    """Cosine (tf-isf) and Dice (stem sets) of the sentence pairs that share a term.

    Sparse on purpose: most sentence pairs share nothing, and two long texts would not fit a dense matrix.
    """

    rows: np.ndarray  # a sentence of each pair
    cols: np.ndarray  # b sentence of each pair
    cosine: np.ndarray
    dice: np.ndarray
    cosine_matrix: sp.csr_matrix  # the same cosines, for column slices


def _similarities(space: _Space) -> _Similarity:
    cosine = sp.csr_matrix(_row_normalised(space.a) @ _row_normalised(space.b).T)
    bin_a, bin_b = (space.a > 0).astype(np.float64), (space.b > 0).astype(np.float64)
    shared = sp.coo_matrix(bin_a @ bin_b.T)
    rows, cols = shared.row.astype(np.int64), shared.col.astype(np.int64)
    sizes = np.asarray(bin_a.sum(axis=1)).ravel()[rows] + np.asarray(bin_b.sum(axis=1)).ravel()[cols]
    values = np.asarray(cosine[rows, cols]).ravel() if len(rows) else np.zeros(0)
    return _Similarity(rows, cols, values, 2.0 * shared.data / np.maximum(sizes, 1.0), cosine)


def _seeds(sim: _Similarity, min_cosine: float, min_dice: float) -> np.ndarray:
    """(k, 2) array of (a sentence, b sentence) pairs similar enough to start a passage."""
    keep = (sim.cosine > min_cosine) & (sim.dice > min_dice)
    return np.column_stack((sim.rows[keep], sim.cols[keep]))


def _split(group: np.ndarray, axis: int, gap: int) -> list[np.ndarray]:
    ordered = group[np.argsort(group[:, axis], kind="stable")]
    cuts = np.flatnonzero(np.diff(ordered[:, axis]) > gap + 1) + 1
    return np.split(ordered, cuts)


def _cluster(seeds: np.ndarray, gap_a: int, gap_b: int) -> list[np.ndarray]:
    """Groups of seeds that are within the gaps of each other in both texts (split until stable)."""
    groups = [seeds]
    while True:
        refined = [part for g in groups for by_b in _split(g, 1, gap_b) for part in _split(by_b, 0, gap_a)]
        if len(refined) == len(groups):
            return refined
        groups = refined


def _fragment_vectors(space: _Space, a_lo: int, a_hi: int, b_lo: int, b_hi: int) -> tuple[np.ndarray, np.ndarray]:
    va = np.asarray(space.a[a_lo : a_hi + 1].sum(axis=0)).ravel()
    vb = np.asarray(space.b[b_lo : b_hi + 1].sum(axis=0)).ravel()
    return va, vb


def _fragment_cosine(space: _Space, a_lo: int, a_hi: int, b_lo: int, b_hi: int) -> float:
    va, vb = _fragment_vectors(space, a_lo, a_hi, b_lo, b_hi)
    denom = float(np.linalg.norm(va) * np.linalg.norm(vb))
    return float(va @ vb) / denom if denom > 0 else 0.0


def _fragment_containment(space: _Space, a_lo: int, a_hi: int, b_lo: int, b_hi: int) -> float:
    """Share of the b fragment's term weight whose terms occur in the a fragment.

    A summary reuses the source's content words but only a few of them, so the symmetric cosine of a short
    summary and a long source stretch is low even when every summary term comes from the source.
    """
    va, vb = _fragment_vectors(space, a_lo, a_hi, b_lo, b_hi)
    total = float(vb.sum())
    return float(vb[va > 0].sum()) / total if total > 0 else 0.0


_Validate = Callable[[_Space, int, int, int, int], float]


def _extend(
    seeds: np.ndarray, gaps: tuple[int, int], space: _Space, validate: _Validate, threshold: float
) -> list[_Fragment]:
    """Clusters of seeds whose whole fragments are similar; a failing cluster is retried with smaller gaps."""
    out: list[_Fragment] = []
    if len(seeds) == 0:
        return out
    gap_a, gap_b = gaps
    for group in _cluster(seeds, gap_a, gap_b):
        a_lo, b_lo = (int(x) for x in group.min(axis=0))
        a_hi, b_hi = (int(x) for x in group.max(axis=0))
        sim = validate(space, a_lo, a_hi, b_lo, b_hi)
        if sim >= threshold:
            out.append(_Fragment(a_lo, a_hi, b_lo, b_hi, sim, len(group)))
        elif len(group) > 1 and (gap_a > 0 or gap_b > 0):
            out.extend(_extend(group, (max(gap_a - 1, 0), max(gap_b - 1, 0)), space, validate, threshold))
    return out


def _chars(p: Prepared, lo: int, hi: int) -> int:
    return int(p.sent_end[hi] - p.sent_start[lo])


def _filter(frags: list[_Fragment], pa: Prepared, pb: Prepared, params: AlignParams) -> list[_Fragment]:
    """Drop short fragments, then keep the strongest of fragments that overlap in the suspicious text."""
    long_enough = [
        f
        for f in frags
        if _chars(pa, f.a_lo, f.a_hi) >= params.min_chars
        and _chars(pb, f.b_lo, f.b_hi) >= params.min_chars
        and (f.seeds > 1 or f.similarity >= params.single_seed_cosine)
    ]
    ranked = sorted(long_enough, key=lambda f: f.similarity * _chars(pb, f.b_lo, f.b_hi), reverse=True)
    kept: list[_Fragment] = []
    for f in ranked:
        if all(f.b_hi < k.b_lo or f.b_lo > k.b_hi for k in kept):
            kept.append(f)
    return sorted(kept, key=lambda f: f.b_lo)


def _trigrams(p: Prepared, start: int, end: int) -> np.ndarray:
    lo, hi = np.searchsorted(p.word_start, start), np.searchsorted(p.word_start, end)
    h = p.word_hash[lo:hi]
    if len(h) < 3:
        return h
    # Wrapping uint64 arithmetic is intended: this is a hash combine, not a number.
    with np.errstate(over="ignore"):
        return h[:-2] * np.uint64(0x9E3779B97F4A7C15) ^ h[1:-1] * np.uint64(0xC2B2AE3D27D4EB4F) ^ h[2:]


def _kind(pa: Prepared, pb: Prepared, a: tuple[int, int], b: tuple[int, int], params: AlignParams) -> str:
    ta, tb = _trigrams(pa, *a), _trigrams(pb, *b)
    if len(ta) == 0 or len(tb) == 0:
        return "paraphrase"
    # Containment of the shorter side: a verbatim excerpt inside a longer copied passage is still a copy.
    contained = min(np.isin(ta, tb).mean(), np.isin(tb, ta).mean())
    return "copy" if contained >= params.copy_containment else "paraphrase"


def _summary_extent(f: _Fragment, sim: _Similarity, params: AlignParams) -> _Fragment:
    """Widen a summary's source side to every source sentence the summary draws on, wherever it is."""
    best = sim.cosine_matrix[:, f.b_lo : f.b_hi + 1].max(axis=1).toarray().ravel()
    related = np.flatnonzero(best >= params.summary_extend_cosine)
    if len(related) == 0:
        return f
    return replace(f, a_lo=min(f.a_lo, int(related[0])), a_hi=max(f.a_hi, int(related[-1])))


def _normal_fragments(space: _Space, sim: _Similarity, pa: Prepared, pb: Prepared, params: AlignParams) -> list[_Fragment]:
    seeds = _seeds(sim, params.seed_cosine, params.seed_dice)
    if len(seeds) == 0:
        return []
    gaps = (params.gap, params.gap)
    return _filter(_extend(seeds, gaps, space, _fragment_cosine, params.validate_cosine), pa, pb, params)


def _summary_fragments(space: _Space, sim: _Similarity, pa: Prepared, pb: Prepared, params: AlignParams) -> list[_Fragment]:
    """Fragments of the loose pass whose source side is ``summary_ratio`` times longer than the suspicious side."""
    seeds = _seeds(sim, params.summary_seed_cosine, params.summary_seed_dice)
    if len(seeds) == 0:
        return []
    gaps = (params.summary_gap_a, params.summary_gap_b)
    frags = _filter(_extend(seeds, gaps, space, _fragment_containment, params.summary_validate), pa, pb, params)
    return [
        f
        for f in frags
        if f.seeds >= params.summary_min_seeds
        and _chars(pa, f.a_lo, f.a_hi) >= params.summary_ratio * _chars(pb, f.b_lo, f.b_hi)
    ]


def _ratio(passages: list[Passage]) -> float:
    """Source characters per suspicious character: ~1 for copies and translations, large for summaries."""
    b_total = sum(p.b_end - p.b_start for p in passages)
    return sum(p.a_end - p.a_start for p in passages) / b_total if b_total else 0.0


def _b_window(pb: Prepared, lo: int, hi: int) -> tuple[int, int]:
    lo, hi = max(lo, 0), min(hi, pb.n_sentences - 1)
    return int(pb.sent_start[lo]), int(pb.sent_end[hi])


def _with_summaries(
    base: list[Passage], summaries: list[_Fragment], sim: _Similarity, pa: Prepared, pb: Prepared, params: AlignParams
) -> list[Passage]:
    """Replace passages by a summary where the reuse is a condensation, not a rewording.

    A summary wins where nothing else was found, or where what was found is itself compressed
    (``summary_compression``): a copy, rewording or translation keeps about one source sentence per sentence.
    Passages just beside it are pieces of the same summary and are absorbed.
    """
    out = list(base)
    for s in summaries:
        b_lo, b_hi = _b_window(pb, s.b_lo, s.b_hi)
        overlapped = [p for p in out if p.b_start < b_hi and p.b_end > b_lo]
        if overlapped and _ratio(overlapped) < params.summary_compression:
            continue
        near_lo, near_hi = _b_window(pb, s.b_lo - params.summary_gap_b - 1, s.b_hi + params.summary_gap_b + 1)
        near = [p for p in out if p.b_start < near_hi and p.b_end > near_lo]
        wide = _summary_extent(s, sim, params)
        a = (min([int(pa.sent_start[wide.a_lo])] + [p.a_start for p in near]), max([int(pa.sent_end[wide.a_hi])] + [p.a_end for p in near]))
        b = (min([b_lo] + [p.b_start for p in near]), max([b_hi] + [p.b_end for p in near]))
        out = [p for p in out if p not in near] + [_make(pa, pb, a, b, s.similarity, params)]
    return sorted(out, key=lambda p: (p.b_start, p.a_start))


def _sentence_of(p: Prepared, offset: int) -> int:
    return max(int(np.searchsorted(p.sent_start, offset, side="right")) - 1, 0)


def _adjacent_groups(passages: list[Passage], pb: Prepared, gap: int) -> list[list[Passage]]:
    """Runs of passages that follow each other in b with at most ``gap`` whole sentences between them."""
    groups: list[list[Passage]] = []
    for p in sorted(passages, key=lambda p: p.b_start):
        if groups and _sentence_of(pb, p.b_start) - _sentence_of(pb, groups[-1][-1].b_end - 1) - 1 <= gap:
            groups[-1].append(p)
        else:
            groups.append([p])
    return groups


def _merge_condensed(passages: list[Passage], sim: _Similarity, pa: Prepared, pb: Prepared, params: AlignParams) -> list[Passage]:
    """Join neighbouring passages of b that draw on scattered parts of a: together they condense a, like a summary.

    Copied or reworded passages keep about one source character per character; when consecutive passages of
    b together span ``summary_compression`` times more of a than of b, they are one condensation, not several reuses.
    """
    out: list[Passage] = []
    for group in _adjacent_groups(passages, pb, params.condense_gap):
        a = (min(p.a_start for p in group), max(p.a_end for p in group))
        b = (group[0].b_start, max(p.b_end for p in group))
        if len(group) < 2 or a[1] - a[0] < params.summary_compression * (b[1] - b[0]):
            out.extend(group)
            continue
        frag = _Fragment(_sentence_of(pa, a[0]), _sentence_of(pa, a[1] - 1), _sentence_of(pb, b[0]), _sentence_of(pb, b[1] - 1), 0.0, 0)
        wide = _summary_extent(frag, sim, params)
        a = (min(a[0], int(pa.sent_start[wide.a_lo])), max(a[1], int(pa.sent_end[wide.a_hi])))
        similarity = sum(p.similarity * (p.b_end - p.b_start) for p in group) / sum(p.b_end - p.b_start for p in group)
        out.append(_make(pa, pb, a, b, similarity, params))
    return out


def _verbatim_passages(pa: Prepared, pb: Prepared, params: AlignParams) -> list[Passage]:
    runs = verbatim_runs(pa.word_hash, pb.word_hash, params.verbatim_ngram, params.verbatim_min_words, params.verbatim_gap)
    out: list[Passage] = []
    for r in runs:
        a = (int(pa.word_start[r.a_lo]), _extend_over_punct(pa.text, int(pa.word_end[r.a_hi])))
        b = (int(pb.word_start[r.b_lo]), _extend_over_punct(pb.text, int(pb.word_end[r.b_hi])))
        if a[1] - a[0] >= params.min_chars and b[1] - b[0] >= params.min_chars:
            out.append(_make(pa, pb, a, b, r.matched / (r.b_hi - r.b_lo + 1), params))
    # A run of b repeated in a (boilerplate) matches twice: keep the longer reading.
    return _non_overlapping(out, key=lambda p: p.b_end - p.b_start)


def _non_overlapping(passages: list[Passage], key: Callable[[Passage], float]) -> list[Passage]:
    kept: list[Passage] = []
    for p in sorted(passages, key=key, reverse=True):
        if all(p.b_end <= k.b_start or p.b_start >= k.b_end for k in kept):
            kept.append(p)
    return kept


def _b_overlap(p: Passage, q: Passage) -> int:
    return max(0, min(p.b_end, q.b_end) - max(p.b_start, q.b_start))


def _join_in_order(parts: list[Passage], max_gap: int) -> list[Passage]:
    """Join verbatim pieces that follow each other in both texts (a reworded clause between two exact stretches)."""
    joined: list[Passage] = []
    for p in sorted(parts, key=lambda p: p.b_start):
        last = joined[-1] if joined else None
        if last and 0 <= p.a_start - last.a_end <= max_gap and 0 <= p.b_start - last.b_end <= max_gap:
            b_len = (last.b_end - last.b_start) + (p.b_end - p.b_start)
            similarity = ((last.b_end - last.b_start) * last.similarity + (p.b_end - p.b_start) * p.similarity) / b_len
            kind = "copy" if last.kind == p.kind == "copy" else "paraphrase"
            joined[-1] = Passage(last.a_start, p.a_end, last.b_start, p.b_end, kind, round(similarity, 4))  # type: ignore[arg-type]
        else:
            joined.append(p)
    return joined


def _combine(sentence: list[Passage], verbatim: list[Passage], params: AlignParams) -> list[Passage]:
    """Prefer exact verbatim boundaries where verbatim runs make up most of a sentence-level passage."""
    out: list[Passage] = []
    used: set[Passage] = set()
    for s in sentence:
        inside = [v for v in verbatim if _b_overlap(s, v) > 0]
        used.update(inside)
        if inside and sum(_b_overlap(s, v) for v in inside) >= params.verbatim_cover * (s.b_end - s.b_start):
            out.extend(_join_in_order(inside, params.min_chars))
        else:
            out.append(s)
    out.extend(v for v in verbatim if v not in used)
    return sorted(set(out), key=lambda p: (p.b_start, p.a_start))


def _make(pa: Prepared, pb: Prepared, a: tuple[int, int], b: tuple[int, int], similarity: float, params: AlignParams) -> Passage:
    kind = _kind(pa, pb, a, b, params)
    return Passage(a[0], a[1], b[0], b[1], kind, round(min(max(similarity, 0.0), 1.0), 4))  # type: ignore[arg-type]


def _fragment_passage(f: _Fragment, pa: Prepared, pb: Prepared, params: AlignParams) -> Passage:
    a = (int(pa.sent_start[f.a_lo]), int(pa.sent_end[f.a_hi]))
    return _make(pa, pb, a, _b_window(pb, f.b_lo, f.b_hi), f.similarity, params)


def align_prepared(pa: Prepared, pb: Prepared, params: AlignParams | None = None) -> list[Passage]:
    """:func:`align` on documents already passed through :func:`prepare` (with the same params)."""
    params = params or AlignParams()
    if pa.n_sentences == 0 or pb.n_sentences == 0:
        return []
    space = _space(pa, pb)
    sim = _similarities(space)
    normal = [_fragment_passage(f, pa, pb, params) for f in _normal_fragments(space, sim, pa, pb, params)]
    passages = _combine(normal, _verbatim_passages(pa, pb, params), params)
    if params.summary:
        summaries = _summary_fragments(space, sim, pa, pb, params)
        passages = _with_summaries(passages, summaries, sim, pa, pb, params)
        passages = _merge_condensed(passages, sim, pa, pb, params)
    return passages


def align(a_text: str, b_text: str, params: AlignParams | None = None) -> list[Passage]:
    """Aligned passages between a source text ``a`` and a suspicious text ``b``.

    Returns ``Passage(a_start, a_end, b_start, b_end, kind, similarity)`` sorted by position in ``b``; offsets are
    Python str indices into ``a_text`` / ``b_text``. ``kind`` is ``"copy"`` for near-verbatim reuse and
    ``"paraphrase"`` for reworded reuse (reordered, synonym-swapped, translated or summarised); ``similarity`` in
    [0, 1] is the tf-isf cosine of the two passages.
    """
    params = params or AlignParams()
    return align_prepared(prepare(a_text, params), prepare(b_text, params), params)
