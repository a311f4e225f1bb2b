"""Verbatim runs: stretches of identical word sequences, found on word n-gram diagonals.

Sentence-level alignment finds *that* a passage was reused; exact word runs say *where* it starts and ends,
down to the word, which matters when a copy begins or ends mid-sentence.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

_MIX1 = np.uint64(0x9E3779B97F4A7C15)
_MIX2 = np.uint64(0xC2B2AE3D27D4EB4F)


@dataclass(frozen=True)
class Run:
    """Word ranges (inclusive) that are identical, or nearly so after merging, in both texts."""

    a_lo: int
    a_hi: int
    b_lo: int
    b_hi: int
    matched: int  # words covered by exact n-gram matches (<= the run's length)


def ngram_hashes(word_hash: np.ndarray, n: int) -> np.ndarray:
    """Hash of every window of ``n`` consecutive words (wrapping uint64 arithmetic is intended)."""
    if len(word_hash) < n:
        return np.zeros(0, dtype=np.uint64)
    out = word_hash[: len(word_hash) - n + 1].copy()
    with np.errstate(over="ignore"):
        for k in range(1, n):
            out = out * _MIX1 ^ word_hash[k : len(word_hash) - n + 1 + k] * _MIX2
    return out


def _matches(ga: np.ndarray, gb: np.ndarray, max_repeats: int) -> tuple[np.ndarray, np.ndarray]:
    """All (i, j) with ga[i] == gb[j], ignoring n-grams repeated more than ``max_repeats`` times in a (boilerplate)."""
    order = np.argsort(ga, kind="stable")
    sorted_a = ga[order]
    lo = np.searchsorted(sorted_a, gb, side="left")
    count = np.searchsorted(sorted_a, gb, side="right") - lo
    keep = (count > 0) & (count <= max_repeats)
    j = np.repeat(np.flatnonzero(keep), count[keep])
    starts = np.repeat(lo[keep], count[keep])
    within = np.arange(len(j)) - np.repeat(np.cumsum(count[keep]) - count[keep], count[keep])
    return order[starts + within], j


def _diagonal_runs(i: np.ndarray, j: np.ndarray, n: int) -> list[Run]:
    """Consecutive matches on one diagonal (j - i constant, i + 1 each step) form a run."""
    if len(i) == 0:
        return []
    d = j - i
    order = np.lexsort((i, d))
    i, d = i[order], d[order]
    breaks = np.flatnonzero((np.diff(d) != 0) | (np.diff(i) != 1)) + 1
    firsts = np.r_[0, breaks]
    lasts = np.r_[breaks - 1, len(i) - 1]
    return [
        Run(int(i[f]), int(i[l]) + n - 1, int(i[f] + d[f]), int(i[l] + d[l]) + n - 1, int(i[l] - i[f]) + n)
        for f, l in zip(firsts, lasts)
    ]


def _merge(runs: list[Run], gap: int) -> list[Run]:
    """Join runs that follow each other in both texts with at most ``gap`` words between them."""
    merged: list[Run] = []
    for r in sorted(runs, key=lambda r: (r.b_lo, r.a_lo)):
        if merged:
            cur = merged[-1]
            a_gap, b_gap = r.a_lo - cur.a_hi - 1, r.b_lo - cur.b_hi - 1
            if -gap <= a_gap <= gap and -gap <= b_gap <= gap:
                a_lo, a_hi = min(cur.a_lo, r.a_lo), max(cur.a_hi, r.a_hi)
                merged[-1] = Run(a_lo, a_hi, cur.b_lo, max(cur.b_hi, r.b_hi), cur.matched + r.matched)
                continue
        merged.append(r)
    return merged


def verbatim_runs(
    wa: np.ndarray, wb: np.ndarray, n: int, min_words: int, gap: int, max_repeats: int = 32
) -> list[Run]:
    """Runs of at least ``min_words`` words that two word-hash sequences share, small edits bridged by ``gap``."""
    i, j = _matches(ngram_hashes(wa, n), ngram_hashes(wb, n), max_repeats)
    runs = _merge(_diagonal_runs(i, j, n), gap)
    return [r for r in runs if r.b_hi - r.b_lo + 1 >= min_words and r.a_hi - r.a_lo + 1 >= min_words]
