"""Text repeated inside one article: a headline printed twice, a caption repeated, boilerplate pasted again.

A document is cut into segments (lines, and sentences within lines). Two segments repeat each other when most of
the word 3-grams of the shorter one occur in the other, so "date 2025-11-09 Headline" still repeats "Headline".

A cheap test runs first: a repeated segment of ``min_words`` words means ``min_words - 2`` consecutive word 3-grams
that each occur twice in the document; most articles have none (stock phrases like "one of the most" are shorter),
so only a few reach the segment comparison, which is vectorised as well (web pages repeat a lot).
"""

from __future__ import annotations

import re

import numpy as np

from ..model import Repetition
from .minhash import TOKEN, TokenHasher, combine, pairs_in_runs, sorted_runs, sorted_unique

# A segment ends at a line break or after sentence punctuation followed by a space: a match is the punctuation
# mark with what follows it, or a bare line break, and the segment ends after the mark or before the break.
# Written to open with one character class, which the regex engine scans for in C; "\n|(?<=[.!?…])..." was tried
# at every offset. A mark right before a line break is left to the line break, as that spelling matched it.
_SEGMENT_END = re.compile(r"[.!?…\n](?:(?<=[.!?…])(?!\n)[\"”’»)]?\s+|(?<=\n))")
_K = 3
_TOKEN_SPLIT = re.compile(f"({TOKEN.pattern})")
_MATCH_START = re.Match.start
# A 3-gram found in more segments than this is a stock phrase or menu item, not evidence of a repeated block.
_MAX_COPIES = 8


def find_repetitions(
    doc_id: str,
    text: str,
    shingles: np.ndarray | None = None,
    *,
    min_words: int = 5,
    min_overlap: float = 0.8,
    min_chars: int = 20,
    hasher: TokenHasher | None = None,
    tokens: tuple[list[str], np.ndarray] | None = None,
) -> list[Repetition]:
    """Repetitions in ``text``; ``shingles`` (the document's word 3-gram hashes) lets the quick test reuse work.

    ``tokens``: the document's :func:`.minhash.tokens` and their hashes by ``hasher``, reused when this function's
    words fold to the same tokens (they do unless folding moves a word boundary: "İ" folds to "i" and a combining dot).
    """
    if shingles is not None and not has_repeated_run(shingles, max(1, min_words - _K + 1)):
        return []
    spans = _spans_folding_in_place(text, len(tokens[0])) if tokens is not None else None
    if spans is not None:  # the words fold to the given tokens one for one
        hashes = tokens[1]  # type: ignore[index]
    else:
        words, spans = _token_spans(text)
        folded = list(map(str.casefold, words))
        hashes = tokens[1] if tokens is not None and tokens[0] == folded else (hasher or TokenHasher())(folded)
    if len(spans) < 2 * min_words:
        return []
    segment = _segment_of_token(text, spans)
    found = _repeated(doc_id, segment, spans, hashes, min_words, min_overlap)
    return _merge_adjacent([r for r in found if min(r.first[1] - r.first[0], r.second[1] - r.second[0]) >= min_chars])


def has_repeated_run(shingles: np.ndarray, run: int) -> bool:
    """Are there ``run`` consecutive shingles that each occur more than once in the document?"""
    if len(shingles) < run:
        return False
    # One sort finds the values seen twice; most texts repeat few 3-grams, so looking every shingle up among
    # those is cheaper than np.unique's inverse and counts over all of them.
    ordered = np.sort(shingles)
    same = ordered[1:] == ordered[:-1]
    if not same.any():
        return False
    twice = ordered[1:][same]  # sorted
    at = np.searchsorted(twice, shingles)
    at[at == len(twice)] = 0
    repeated = twice[at] == shingles
    for _ in range(run - 1):  # repeated[i] becomes: shingles i .. i + k all repeated
        repeated = repeated[:-1] & repeated[1:]
    return bool(repeated.any())


def _token_spans(text: str) -> tuple[list[str], np.ndarray]:
    """The words of ``text`` (as :data:`.minhash.TOKEN` finds them) and their (start, end) offsets.

    Offsets come from the lengths of the pieces ``re.split`` returns (C-speed ``map(len, ...)`` and a cumulative
    sum) rather than a ``Match.span()`` call per word: the same spans, in a fraction of the time.
    """
    parts = _TOKEN_SPLIT.split(text)  # gap, word, gap, word, ..., gap
    words = parts[1::2]
    if not words:
        return words, np.empty((0, 2), dtype=np.int64)
    ends = np.cumsum(np.fromiter(map(len, parts), dtype=np.int64, count=len(parts)))
    word_end = ends[1::2]
    word_start = word_end - np.fromiter(map(len, words), dtype=np.int64, count=len(words))
    return words, np.stack((word_start, word_end), axis=1)


_WIDE = re.compile(r"[^\x00-\x7f]")  # any character beyond ASCII

# Which ASCII characters \w matches (index 127, DEL, is not one: wider characters are clipped to it).
_ASCII_WORD = np.array([TOKEN.fullmatch(chr(i)) is not None for i in range(128)])


def _spans_folding_in_place(text: str, n_tokens: int) -> np.ndarray | None:
    """(start, end) of each :data:`.minhash.TOKEN` word of ``text``, read off its characters with numpy, when
    casefolding changes only ASCII capitals: the words are then the ``n_tokens`` tokens of the folded text, one
    for one, and need not be split out again. None otherwise ("É", "ß" and the like fold to other characters)."""
    if text.isascii():
        is_word = _ASCII_WORD[np.frombuffer(text.encode("ascii"), dtype=np.uint8)]
    else:
        wide = set(_WIDE.findall(text))  # a few curly quotes and dashes, usually: cheaper than a set of the text
        if any(c.casefold() != c for c in wide):
            return None
        points = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        is_word = _ASCII_WORD[np.minimum(points, 127)]
        wide_words = [ord(c) for c in wide if TOKEN.fullmatch(c)]
        if wide_words:
            is_word |= np.isin(points, wide_words)
    # Word starts and ends are where the padded mask changes: the np.diff of int8 with prepend and append, cheaper.
    padded = np.zeros(len(is_word) + 2, dtype=bool)
    padded[1:-1] = is_word
    edges = np.flatnonzero(padded[1:] != padded[:-1])
    spans = edges.astype(np.int64).reshape(-1, 2)
    return spans if len(spans) == n_tokens else None


def _segment_of_token(text: str, spans: np.ndarray) -> np.ndarray:
    cuts = np.fromiter(map(_MATCH_START, _SEGMENT_END.finditer(text)), dtype=np.int64)
    if len(cuts):  # a match at a mark cuts after it
        cuts += np.fromiter(map(_NOT_NEWLINE, map(text.__getitem__, cuts.tolist())), dtype=np.int64, count=len(cuts))
    return np.searchsorted(cuts, spans[:, 0], side="right")


_NOT_NEWLINE = "\n".__ne__


def _repeated(
    doc_id: str, segment: np.ndarray, spans: np.ndarray, hashes: np.ndarray, min_words: int, min_overlap: float
) -> list[Repetition]:
    # Shingles that lie inside one segment of at least min_words words.
    seg_size = np.bincount(segment)
    shingles = combine(hashes, _K)
    pos = np.arange(len(shingles))
    if len(hashes) < _K:
        return []
    ok = (segment[: len(shingles)] == segment[_K - 1 :]) & (seg_size[segment[: len(shingles)]] >= min_words)
    h, pos = shingles[ok], pos[ok]
    seg = segment[pos]
    per_segment = np.bincount(seg, minlength=len(seg_size))
    pairs = _cross_segment_pairs(h, seg, pos)
    if len(pairs) == 0:
        return []
    return _judge(doc_id, pairs, per_segment, spans, min_overlap)


def _cross_segment_pairs(h: np.ndarray, seg: np.ndarray, pos: np.ndarray) -> np.ndarray:
    """(s1, s2, p1, p2) rows: the same 3-gram at token p1 in segment s1 and at p2 in a later segment s2."""
    order = np.argsort(h, kind="stable")
    h, seg, pos = h[order], seg[order], pos[order]
    starts, sizes = sorted_runs(h)
    rows = []
    for size in sorted_unique(sizes[(sizes >= 2) & (sizes <= _MAX_COPIES)]).tolist():
        a, b = pairs_in_runs(starts[sizes == size], size)
        rows.append(np.stack((seg[a], seg[b], pos[a], pos[b]), axis=1))
    if not rows:
        return np.empty((0, 4), dtype=np.int64)
    out = np.concatenate(rows)
    out = out[out[:, 0] != out[:, 1]]
    swap = out[:, 0] > out[:, 1]
    out[swap] = out[swap][:, [1, 0, 3, 2]]
    return out


def _judge(doc_id: str, pairs: np.ndarray, per_segment: np.ndarray, spans: np.ndarray, min_overlap: float) -> list[Repetition]:
    """Segment pairs whose shared 3-grams cover ``min_overlap`` of the smaller segment, as repetitions.

    The shared positions of every segment pair are counted at once (a web page pairs hundreds of segments through
    stock phrases, and a numpy call per pair was most of this function's time); only the pairs that repeat each
    other, a handful, are turned into spans one by one.
    """
    order = np.lexsort((pairs[:, 2], pairs[:, 1], pairs[:, 0]))
    pairs = pairs[order]
    key = pairs[:, 0] * (len(per_segment) + 1) + pairs[:, 1]
    starts, _ = sorted_runs(key)
    # A position counts once per segment pair: rows are sorted by position within a pair.
    new_position = np.ones(len(pairs), dtype=np.int64)
    new_position[1:] = (key[1:] != key[:-1]) | (pairs[1:, 2] != pairs[:-1, 2])
    shared = np.add.reduceat(new_position, starts)
    s1, s2 = pairs[starts, 0], pairs[starts, 1]
    overlap = shared / np.minimum(per_segment[s1], per_segment[s2])
    ends = np.append(starts[1:], len(pairs))
    out = []
    for g in np.flatnonzero(overlap >= min_overlap).tolist():
        lo, hi = starts[g], ends[g]
        first = _char_span(spans, int(pairs[lo:hi, 2].min()), int(pairs[lo:hi, 2].max()) + _K)
        second = _char_span(spans, int(pairs[lo:hi, 3].min()), int(pairs[lo:hi, 3].max()) + _K)
        out.append(Repetition(doc_id, first, second, round(min(1.0, float(overlap[g])), 3)))
    return out


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
