"""Text repeated inside one article: a headline printed twice, a caption repeated, boilerplate pasted again.

A document is cut into segments (lines, and sentences within lines). Two segments repeat each other when most of
the word 3-grams of the shorter one occur in the other, so "date 2025-11-09 Headline" still repeats "Headline".
A cheap test runs first: a repeated segment of ``min_words`` words means ``min_words - 2`` consecutive word 3-grams
that each occur twice in the document; most articles have none (stock phrases like "one of the most" are shorter),
so only a few reach the slower segment comparison.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

import numpy as np

from ..model import Repetition
from .minhash import TOKEN, TokenHasher, combine

# A segment ends at a line break or after sentence punctuation followed by a space.
_SEGMENT_END = re.compile(r"\n|(?<=[.!?…])[\"”’»)]?\s+")
_K = 3


@dataclass(frozen=True, slots=True)
class _Segment:
    start: int  # first token index
    end: int  # one past the last token index


def find_repetitions(
    doc_id: str,
    text: str,
    shingles: np.ndarray | None = None,
    *,
    min_words: int = 5,
    min_overlap: float = 0.8,
    min_chars: int = 20,
    hasher: TokenHasher | None = None,
) -> list[Repetition]:
    """Repetitions in ``text``; ``shingles`` (the document's word 3-gram hashes) lets the quick test reuse work."""
    if shingles is not None and not has_repeated_run(shingles, max(1, min_words - _K + 1)):
        return []
    matches = list(TOKEN.finditer(text))
    if len(matches) < 2 * min_words:
        return []
    spans = np.array([m.span() for m in matches], dtype=np.int64)
    hashes = (hasher or TokenHasher())([m.group().casefold() for m in matches])
    segments = _segments(text, spans)
    found = _repeated(doc_id, segments, spans, hashes, min_words, min_overlap)
    return [r for r in found if min(r.first[1] - r.first[0], r.second[1] - r.second[0]) >= min_chars]


def has_repeated_run(shingles: np.ndarray, run: int) -> bool:
    """Are there ``run`` consecutive shingles that each occur more than once in the document?"""
    if len(shingles) < run:
        return False
    _, inverse, counts = np.unique(shingles, return_inverse=True, return_counts=True)
    repeated = (counts[inverse] > 1).astype(np.int32)
    if run == 1:
        return bool(repeated.any())
    window = np.convolve(repeated, np.ones(run, dtype=np.int32), mode="valid")
    return bool((window >= run).any())


def _segments(text: str, spans: np.ndarray) -> list[_Segment]:
    cuts = [m.start() for m in _SEGMENT_END.finditer(text)]
    seg_of_token = np.searchsorted(np.array(cuts, dtype=np.int64), spans[:, 0], side="right")
    bounds = np.flatnonzero(np.diff(seg_of_token)) + 1
    starts = np.concatenate(([0], bounds))
    ends = np.append(bounds, len(spans))
    return [_Segment(int(s), int(e)) for s, e in zip(starts, ends)]


def _repeated(
    doc_id: str,
    segments: list[_Segment],
    spans: np.ndarray,
    hashes: np.ndarray,
    min_words: int,
    min_overlap: float,
) -> list[Repetition]:
    # shingle hash -> [(segment index, shingle index inside the document)]
    where: dict[int, list[tuple[int, int]]] = defaultdict(list)
    sizes: list[int] = []
    for si, seg in enumerate(segments):
        n = seg.end - seg.start
        if n < min_words:
            sizes.append(0)
            continue
        sh = combine(hashes[seg.start : seg.end], _K)
        sizes.append(len(sh))
        for offset, h in enumerate(sh.tolist()):
            where[h].append((si, seg.start + offset))
    shared: dict[tuple[int, int], list[tuple[int, int]]] = defaultdict(list)
    for hits in where.values():
        if len(hits) < 2 or len(hits) > 8:  # a 3-gram in many segments is a stock phrase, not a repeated block
            continue
        for (s1, t1), (s2, t2) in _pairs(hits):
            shared[(s1, s2)].append((t1, t2))
    out = []
    for (s1, s2), hits in sorted(shared.items()):
        overlap = len({t for t, _ in hits}) / min(sizes[s1], sizes[s2])
        if overlap < min_overlap:
            continue
        first = _char_span(spans, min(t for t, _ in hits), max(t for t, _ in hits) + _K)
        second = _char_span(spans, min(t for _, t in hits), max(t for _, t in hits) + _K)
        out.append(Repetition(doc_id, first, second, round(min(1.0, overlap), 3)))
    return _merge_adjacent(out)


def _pairs(hits: list[tuple[int, int]]) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    return [(a, b) for i, a in enumerate(hits) for b in hits[i + 1 :] if a[0] != b[0]]


def _char_span(spans: np.ndarray, first_token: int, end_token: int) -> tuple[int, int]:
    return int(spans[first_token, 0]), int(spans[min(end_token, len(spans)) - 1, 1])


def _merge_adjacent(reps: list[Repetition]) -> list[Repetition]:
    """A repeated paragraph gives one repetition per sentence; report it once, as one span."""
    merged: list[Repetition] = []
    for rep in sorted(reps, key=lambda r: (r.first, r.second)):
        if merged:
            last = merged[-1]
            gap_first = rep.first[0] - last.first[1]
            gap_second = rep.second[0] - last.second[1]
            if 0 <= gap_first <= 3 and 0 <= gap_second <= 3 and last.second[0] >= last.first[1]:
                merged[-1] = Repetition(
                    last.doc,
                    (last.first[0], rep.first[1]),
                    (last.second[0], rep.second[1]),
                    min(last.similarity, rep.similarity),
                )
                continue
        merged.append(rep)
    return merged
