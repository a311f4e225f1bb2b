"""Passage alignment between a source text ``a`` and a suspicious text ``b``.

Seeding -> extension -> filtering, as in the strongest PAN text-alignment systems (after the published
description of Sanchez-Perez, Sidorov & Gelbukh 2014), with three views of the pair:

1. **Sentences** (:mod:`._align_sentences`): sentence pairs whose tf-isf cosine *and* Dice overlap of content
   stems pass thresholds are seeds; seeds close in both texts are extended into fragments and validated.
   Comparing bags of stems survives reordering, synonym swaps and machine translation.
2. **Verbatim runs** (:mod:`._align_verbatim`): identical word n-gram diagonals. Where they make up most of a
   sentence-level passage they replace it, so a copy starting mid-sentence gets word-exact boundaries.
3. **Summaries**: a looser pass with a long source-side gap and an asymmetric test (are the short passage's
   words in the long source stretch?) finds condensations; it only replaces passages that are themselves
   compressed, since a copy or translation keeps about one source sentence per sentence.

Each passage is labelled ``copy`` when most of its word trigrams occur verbatim in the other passage (both
ways), ``paraphrase`` otherwise. Per-document work is in :func:`prepare`; cache it when one text meets many.

Example::

    >>> from reliability.duplication.align import align
    >>> passages = align(source_text, suspicious_text)
    >>> [(p.kind, source_text[p.a_start:p.a_end][:40]) for p in passages]
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any, Mapping

import numpy as np

from ..config import Config
from ..model import MatchKind, Passage
from . import _align_sentences as sentences
from ._align_sentences import Fragment, Similarity, Space
from ._align_text import Prepared, prepare_text
from ._align_verbatim import verbatim_runs

__all__ = ["AlignParams", "Prepared", "align", "align_prepared", "prepare"]


@dataclass(frozen=True)
class AlignParams:
    """Thresholds of the aligner, read from ``[duplication.align]``; defaults were tuned on the PAN13 training half."""

    # Sentence-level seeding and extension.
    seed_cosine: float = 0.33  # tf-isf cosine a sentence pair needs to become a seed
    seed_dice: float = 0.33  # Dice overlap of stem sets a sentence pair needs to become a seed
    gap: int = 4  # sentences allowed between two seeds of one passage (both texts)
    validate_cosine: float = 0.34  # cosine two whole fragments need to be reported
    min_chars: int = 150  # passages shorter than this in either text are dropped
    single_seed_cosine: float = 0.6  # a passage resting on one sentence pair needs this cosine (same-topic noise)
    min_sentence_terms: int = 3  # sentences with fewer content stems are merged into a neighbour
    max_sentence_words: int = 80  # run-on text is cut into chunks of at most this many words
    copy_containment: float = 0.8  # share of word trigrams found verbatim in the other text for kind "copy"
    # Verbatim runs: word-exact boundaries for copies.
    verbatim_ngram: int = 4  # words per n-gram when looking for verbatim runs
    verbatim_min_words: int = 12  # shortest verbatim run reported on its own
    verbatim_gap: int = 6  # words of edits bridged inside one verbatim run
    verbatim_cover: float = 0.7  # verbatim runs covering this share of a passage replace it (exact boundaries)
    # Summaries: a short passage condensing a long stretch of the source.
    summary: bool = True  # run the summary pass
    summary_gap_a: int = 24  # source-side gap of the summary pass (a summary condenses a long stretch)
    summary_gap_b: int = 3  # suspicious-side gap of the summary pass
    summary_seed_cosine: float = 0.25  # seed cosine in the summary pass
    summary_seed_dice: float = 0.25  # seed Dice in the summary pass
    summary_min_seeds: int = 4  # sentence pairs a summary needs (same-topic texts share a few by chance)
    summary_validate: float = 0.6  # share of the summary's term weight that must occur in the source stretch
    summary_ratio: float = 3.0  # source side this many times longer than the suspicious side -> summary
    summary_compression: float = 2.0  # passages already found must be this compressed to yield to a summary
    condense_gap: int = 1  # neighbouring passages (this many sentences apart in b) that condense a are joined
    summary_extend_cosine: float = 0.1  # source sentences this similar to the summary widen its source side

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
            raise ValueError(
                "duplication.align needs min_sentence_terms >= 1, max_sentence_words >= 5 and verbatim_ngram >= 1"
            )

    @classmethod
    def from_mapping(cls, table: Mapping[str, Any]) -> "AlignParams":
        """Parameters from a TOML table; unknown keys are refused so that a typo does not silently do nothing."""
        unknown = sorted(set(table) - {f.name for f in fields(cls)})
        if unknown:
            raise ValueError(f"unknown key(s) in [duplication.align]: {', '.join(unknown)}")
        # TOML writes 1 for 1.0; accept integers where a float is expected.
        floats = {f.name for f in fields(cls) if f.type == "float"}
        values = {k: float(v) if k in floats and type(v) is int else v for k, v in table.items()}
        return cls(**values)

    @classmethod
    def from_config(cls, config: Config) -> "AlignParams":
        """Parameters from the ``[duplication.align]`` table; missing keys keep their defaults."""
        return cls.from_mapping(config.section("duplication", "align"))


_FIELD_TYPES: dict[str, type] = {"float": float, "int": int, "bool": bool}
_RATIOS = frozenset({"summary_ratio", "summary_compression"})  # floats that are ratios >= 1, not shares


def prepare(text: str, params: AlignParams | None = None) -> Prepared:
    """Tokenise, split into sentences, stem. Cache the result when ``text`` is aligned against many texts."""
    params = params or AlignParams()
    return prepare_text(text, params.min_sentence_terms, params.max_sentence_words)


@dataclass(frozen=True)
class _Pair:
    """One (a, b) alignment in progress: both prepared texts, their sentence vectors and similarities."""

    a: Prepared
    b: Prepared
    params: AlignParams
    vectors: Space
    sim: Similarity

    def passage(self, a: tuple[int, int], b: tuple[int, int], similarity: float) -> Passage:
        kind = _kind(self.a, self.b, a, b, self.params.copy_containment)
        return Passage(a[0], a[1], b[0], b[1], kind, round(min(max(similarity, 0.0), 1.0), 4))

    def fragment_passage(self, f: Fragment) -> Passage:
        return self.passage(self.a.span(f.a_lo, f.a_hi), self.b.span(f.b_lo, f.b_hi), f.similarity)


def _kind(pa: Prepared, pb: Prepared, a: tuple[int, int], b: tuple[int, int], containment: float) -> MatchKind:
    ta, tb = _trigrams(pa, a), _trigrams(pb, b)
    if len(ta) == 0 or len(tb) == 0:
        return "paraphrase"
    # Both ways: a copied sentence inside a rewritten paragraph does not make the paragraph a copy.
    contained = min(_share_in(ta, tb), _share_in(tb, ta))
    return "copy" if contained >= containment else "paraphrase"


def _trigrams(p: Prepared, span: tuple[int, int]) -> np.ndarray:
    """Hashes of the word trigrams lying wholly inside the character range ``span``."""
    lo, hi = np.searchsorted(p.word_start, span[0]), np.searchsorted(p.word_start, span[1])
    return p.trigram_hash[lo : max(lo, hi - 2)]


def _share_in(x: np.ndarray, y: np.ndarray) -> float:
    """Share of the elements of ``x`` (with repeats) that occur in ``y``."""
    ys = np.sort(y)
    found = ys[np.minimum(np.searchsorted(ys, x), len(ys) - 1)] == x
    return float(found.mean())


def _normal_fragments(pair: _Pair) -> list[Fragment]:
    p = pair.params
    found = sentences.seeds(pair.sim, p.seed_cosine, p.seed_dice)
    frags = sentences.extend(found, (p.gap, p.gap), pair.vectors, sentences.fragment_cosine, p.validate_cosine)
    return sentences.strongest(frags, pair.a, pair.b, p.min_chars, p.single_seed_cosine)


def _summary_fragments(pair: _Pair) -> list[Fragment]:
    """Fragments of the loose pass whose source side is ``summary_ratio`` times longer than the suspicious side."""
    p = pair.params
    found = sentences.seeds(pair.sim, p.summary_seed_cosine, p.summary_seed_dice)
    if len(found) < p.summary_min_seeds:
        return []  # no fragment could rest on enough seeds: spare the extension
    gaps = (p.summary_gap_a, p.summary_gap_b)
    frags = sentences.extend(found, gaps, pair.vectors, sentences.fragment_containment, p.summary_validate)
    return [
        f
        for f in sentences.strongest(frags, pair.a, pair.b, p.min_chars, p.single_seed_cosine)
        if f.seeds >= p.summary_min_seeds
        and pair.a.chars(f.a_lo, f.a_hi) >= p.summary_ratio * pair.b.chars(f.b_lo, f.b_hi)
    ]


def _summary_extent(pair: _Pair, f: Fragment) -> tuple[int, int]:
    """Source range of a summary, widened to every source sentence the summary draws on, wherever it is."""
    best = pair.sim.best_cosine(f.b_lo, f.b_hi)
    related = np.flatnonzero(best >= pair.params.summary_extend_cosine)
    if len(related) == 0:
        return pair.a.span(f.a_lo, f.a_hi)
    return pair.a.span(min(f.a_lo, int(related[0])), max(f.a_hi, int(related[-1])))


def _ratio(passages: list[Passage]) -> float:
    """Source characters per suspicious character: ~1 for copies and translations, large for summaries."""
    b_total = sum(p.b_end - p.b_start for p in passages)
    return sum(p.a_end - p.a_start for p in passages) / b_total if b_total else 0.0


def _covering(
    passages: list[Passage], a: tuple[int, int], b: tuple[int, int], similarity: float, pair: _Pair
) -> Passage:
    """One passage spanning ``a``, ``b`` and every passage in ``passages``."""
    a_span = (min([a[0]] + [p.a_start for p in passages]), max([a[1]] + [p.a_end for p in passages]))
    b_span = (min([b[0]] + [p.b_start for p in passages]), max([b[1]] + [p.b_end for p in passages]))
    return pair.passage(a_span, b_span, similarity)


def _with_summaries(pair: _Pair, base: list[Passage]) -> list[Passage]:
    """Replace passages by a summary where the reuse is a condensation, not a rewording.

    A summary wins where nothing else was found, or where what was found is itself compressed
    (``summary_compression``). Passages just beside it are pieces of the same summary and are absorbed.
    """
    out = list(base)
    gap = pair.params.summary_gap_b + 1
    for s in _summary_fragments(pair):
        b_lo, b_hi = pair.b.span(s.b_lo, s.b_hi)
        overlapped = [p for p in out if p.b_start < b_hi and p.b_end > b_lo]
        if overlapped and _ratio(overlapped) < pair.params.summary_compression:
            continue
        near_lo, near_hi = pair.b.span(s.b_lo - gap, s.b_hi + gap)
        near = [p for p in out if p.b_start < near_hi and p.b_end > near_lo]
        merged = _covering(near, _summary_extent(pair, s), (b_lo, b_hi), s.similarity, pair)
        out = [p for p in out if p not in near] + [merged]
    return sorted(out, key=lambda p: (p.b_start, p.a_start))


def _adjacent_groups(passages: list[Passage], pb: Prepared, gap: int) -> list[list[Passage]]:
    """Runs of reworded passages that follow each other in b with at most ``gap`` whole sentences between them.

    A copy stays on its own: two copied stretches side by side are two copies, whatever their distance in a.
    """
    groups: list[list[Passage]] = []
    for p in sorted(passages, key=lambda p: p.b_start):
        last = groups[-1][-1] if groups else None
        if (
            last is not None
            and "copy" not in (p.kind, last.kind)
            and pb.sentence_at(p.b_start) - pb.sentence_at(last.b_end - 1) - 1 <= gap
        ):
            groups[-1].append(p)
        else:
            groups.append([p])
    return groups


def _weighted_similarity(passages: list[Passage]) -> float:
    return sum(p.similarity * (p.b_end - p.b_start) for p in passages) / sum(p.b_end - p.b_start for p in passages)


def _merge_condensed(pair: _Pair, passages: list[Passage]) -> list[Passage]:
    """Join neighbouring passages of b that draw on scattered parts of a: together they condense a.

    Copied or reworded passages keep about one source character per character; when consecutive passages of b
    together span ``summary_compression`` times more of a than of b, they are one summary, not several reuses.
    """
    out: list[Passage] = []
    for group in _adjacent_groups(passages, pair.b, pair.params.condense_gap):
        a = (min(p.a_start for p in group), max(p.a_end for p in group))
        b = (group[0].b_start, max(p.b_end for p in group))
        if len(group) < 2 or a[1] - a[0] < pair.params.summary_compression * (b[1] - b[0]):
            out.extend(group)
            continue
        lo, hi = pair.a.sentence_at(a[0]), pair.a.sentence_at(a[1] - 1)
        frag = Fragment(lo, hi, pair.b.sentence_at(b[0]), pair.b.sentence_at(b[1] - 1), 0.0, 0)
        out.append(_covering(group, _summary_extent(pair, frag), b, _weighted_similarity(group), pair))
    return out


def _verbatim_passages(pair: _Pair) -> list[Passage]:
    p = pair.params
    runs = verbatim_runs(pair.a.word_hash, pair.b.word_hash, p.verbatim_ngram, p.verbatim_min_words, p.verbatim_gap)
    out: list[Passage] = []
    for r in runs:
        a, b = pair.a.word_range(r.a_lo, r.a_hi), pair.b.word_range(r.b_lo, r.b_hi)
        if a[1] - a[0] >= p.min_chars and b[1] - b[0] >= p.min_chars:
            out.append(pair.passage(a, b, r.matched / (r.b_hi - r.b_lo + 1)))
    # A run of b repeated in a (boilerplate) matches twice: keep the longer reading.
    kept: list[Passage] = []
    for v in sorted(out, key=lambda v: v.b_end - v.b_start, reverse=True):
        if all(v.b_end <= k.b_start or v.b_start >= k.b_end for k in kept):
            kept.append(v)
    return kept


def _b_overlap(p: Passage, q: Passage) -> int:
    return max(0, min(p.b_end, q.b_end) - max(p.b_start, q.b_start))


def _join_in_order(parts: list[Passage], max_gap: int) -> list[Passage]:
    """Join verbatim pieces that follow each other in both texts (a reworded clause between two exact stretches)."""
    joined: list[Passage] = []
    for p in sorted(parts, key=lambda p: p.b_start):
        last = joined[-1] if joined else None
        if last and 0 <= p.a_start - last.a_end <= max_gap and 0 <= p.b_start - last.b_end <= max_gap:
            kind: MatchKind = "copy" if last.kind == p.kind == "copy" else "paraphrase"
            similarity = round(_weighted_similarity([last, p]), 4)
            joined[-1] = Passage(last.a_start, p.a_end, last.b_start, p.b_end, kind, similarity)
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


def align_prepared(pa: Prepared, pb: Prepared, params: AlignParams | None = None) -> list[Passage]:
    """:func:`align` on documents already passed through :func:`prepare` (with the same params)."""
    params = params or AlignParams()
    if pa.n_sentences == 0 or pb.n_sentences == 0:
        return []
    vectors = sentences.space(pa, pb)
    pair = _Pair(pa, pb, params, vectors, sentences.similarities(vectors))
    normal = [pair.fragment_passage(f) for f in _normal_fragments(pair)]
    passages = _combine(normal, _verbatim_passages(pair), params)
    if params.summary:
        passages = _merge_condensed(pair, _with_summaries(pair, passages))
    return passages


def align(a_text: str, b_text: str, params: AlignParams | None = None) -> list[Passage]:
    """Aligned passages between a source text ``a`` and a suspicious text ``b``.

    Returns ``Passage(a_start, a_end, b_start, b_end, kind, similarity)`` sorted by position in ``b``; offsets are
    Python str indices into ``a_text`` / ``b_text``. ``kind`` is ``"copy"`` for near-verbatim reuse and
    ``"paraphrase"`` for reworded reuse (reordered, synonym-swapped, translated or summarised); ``similarity`` in
    [0, 1] is the tf-isf cosine of sentence-level passages, the share of exactly matched words for verbatim ones.
    """
    params = params or AlignParams()
    return align_prepared(prepare(a_text, params), prepare(b_text, params), params)
