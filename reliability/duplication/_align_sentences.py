"""Sentence-level alignment: seeds (similar sentence pairs), extension into fragments, filtering.

After Sanchez-Perez, Sidorov & Gelbukh (PAN 2014): sentences are tf-isf vectors of content stems; a sentence
pair is a seed when both its cosine and its Dice overlap pass thresholds; seeds close to each other in both
texts are clustered, and a cluster is kept when its two whole fragments are similar, else re-clustered with a
smaller gap.
"""

from __future__ import annotations

from dataclasses import dataclass
from operator import itemgetter
from typing import Callable

import numpy as np

from ._align_text import Prepared

# Sentence pairs are scored on a dense grid of (a sentence, b sentence) cells (numpy, no per-call overhead of
# scipy.sparse, which dominated for news-length texts) unless two very long texts would need more cells than this
# (16 bytes a cell while a pair is scored; the longest PAN13 pairs need about 300k).
_MAX_GRID = 1_000_000


@dataclass(frozen=True)
class Side:
    """One text of a pair: tf-isf weights of its (sentence, stem) entries, in the layout of :class:`Prepared`."""

    doc: Prepared
    weight: np.ndarray  # tf-isf weight of each entry of ``doc``
    common: np.ndarray  # ``vocab`` indices of the stems the other text has too, in shared-vocabulary order

    def sum_rows(self, lo: int, hi: int) -> np.ndarray:
        """Summed vector of sentences ``lo..hi`` (inclusive), indexed like ``doc.vocab``."""
        s = slice(self.doc.sent_ptr[lo], self.doc.sent_ptr[hi + 1])
        return np.bincount(self.doc.entry_term[s], weights=self.weight[s], minlength=len(self.doc.vocab))


@dataclass(frozen=True)
class Space:
    """Sentence vectors of one document pair in a shared term space (tf-isf, one row per sentence).

    Only the stems both texts use can make two sentences similar, so products run over those; the other stems
    still count in the vectors' lengths.
    """

    a: Side
    b: Side


@dataclass(frozen=True)
class Fragment:
    """Aligned sentence ranges (inclusive indices) with the similarity that validated them."""

    a_lo: int
    a_hi: int
    b_lo: int
    b_hi: int
    similarity: float
    seeds: int  # sentence pairs that support it


@dataclass(frozen=True)
class Similarity:
    """Cosine (tf-isf) and Dice (stem sets) of the sentence pairs that share a term.

    Sparse on purpose: most sentence pairs share nothing, and two long texts would not fit a dense matrix.
    """

    rows: np.ndarray  # a sentence of each pair
    cols: np.ndarray  # b sentence of each pair
    cosine: np.ndarray
    dice: np.ndarray
    n_a: int  # sentences of a

    def best_cosine(self, b_lo: int, b_hi: int) -> np.ndarray:
        """For every sentence of a, its highest cosine with a sentence of ``b_lo..b_hi`` (0 if it shares nothing)."""
        best = np.zeros(self.n_a)
        inside = (self.cols >= b_lo) & (self.cols <= b_hi)
        np.maximum.at(best, self.rows[inside], self.cosine[inside])
        return best


def space(pa: Prepared, pb: Prepared) -> Space:
    _, ia, ib = np.intersect1d(pa.vocab, pb.vocab, assume_unique=True, return_indices=True)
    # Inverse *sentence* frequency over both texts: a stem in every sentence says nothing about which pair matches.
    n = pa.n_sentences + pb.n_sentences
    df_a, df_b = pa.df.copy(), pb.df.copy()
    df_a[ia] += pb.df[ib]
    df_b[ib] += pa.df[ia]
    isf_a, isf_b = np.log(n / np.maximum(df_a, 1)), np.log(n / np.maximum(df_b, 1))
    return Space(
        Side(pa, pa.entry_tf * isf_a[pa.entry_term], ia), Side(pb, pb.entry_tf * isf_b[pb.entry_term], ib)
    )


@dataclass(frozen=True)
class _Shared:
    """Entries of one side on shared stems: sentence, shared-vocabulary index, length-normalised weight."""

    sent: np.ndarray
    term: np.ndarray
    unit: np.ndarray
    n_sentences: int


def _shared_entries(side: Side) -> _Shared:
    doc = side.doc
    norms = np.sqrt(np.bincount(doc.entry_sent, weights=side.weight**2, minlength=doc.n_sentences))
    index = np.full(len(doc.vocab), -1, dtype=np.int64)
    index[side.common] = np.arange(len(side.common))
    term = index[doc.entry_term]
    # A stem in every sentence of both texts weighs 0: it is not something two sentences share.
    keep = (term >= 0) & (side.weight > 0)
    unit = side.weight[keep] / np.maximum(norms, 1e-12)[doc.entry_sent[keep]]
    return _Shared(doc.entry_sent[keep], term[keep], unit, doc.n_sentences)


def _joined_products(a: _Shared, b: _Shared, n_terms: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Products by joining the two sides' entries on their stems, summed into a dense grid of sentence pairs."""
    oa, ob = np.argsort(a.term, kind="stable"), np.argsort(b.term, kind="stable")
    ta = a.term[oa]
    per_term_b = np.bincount(b.term, minlength=n_terms)
    reps = per_term_b[ta]  # b entries each a entry meets
    ia = np.repeat(np.arange(len(ta)), reps)
    within = np.arange(len(ia)) - np.repeat(np.cumsum(reps) - reps, reps)
    ib = np.repeat((np.cumsum(per_term_b) - per_term_b)[ta], reps) + within
    cell = a.sent[oa][ia] * b.n_sentences + b.sent[ob][ib]
    n_cells = a.n_sentences * b.n_sentences
    shared = np.bincount(cell, minlength=n_cells)
    cosine = np.bincount(cell, weights=a.unit[oa][ia] * b.unit[ob][ib], minlength=n_cells)
    pairs = np.flatnonzero(shared)
    return pairs // b.n_sentences, pairs % b.n_sentences, cosine[pairs], shared[pairs].astype(np.float64)


def _sparse_products(a: _Shared, b: _Shared, n_terms: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    import scipy.sparse as sp  # only for very long pairs: most runs never need scipy (~0.2 s to import)

    ma = sp.csr_matrix((a.unit, (a.sent, a.term)), shape=(a.n_sentences, n_terms))
    mb = sp.csr_matrix((b.unit, (b.sent, b.term)), shape=(b.n_sentences, n_terms))
    shared = sp.coo_matrix((ma > 0).astype(np.float64) @ (mb > 0).astype(np.float64).T)
    rows, cols = shared.row.astype(np.int64), shared.col.astype(np.int64)
    cosine = np.asarray(sp.csr_matrix(ma @ mb.T)[rows, cols]).ravel() if len(rows) else np.zeros(0)
    return rows, cols, cosine, shared.data


def _products(a: _Shared, b: _Shared, n_terms: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(a sentence, b sentence, cosine, shared stems) of every sentence pair sharing a stem."""
    if a.n_sentences * b.n_sentences <= _MAX_GRID:
        return _joined_products(a, b, n_terms)
    return _sparse_products(a, b, n_terms)


def similarities(vectors: Space) -> Similarity:
    a, b = _shared_entries(vectors.a), _shared_entries(vectors.b)
    rows, cols, cosine, shared = _products(a, b, len(vectors.a.common))
    # Dice counts every stem a sentence has (with a weight), shared or not.
    sizes_a = np.bincount(vectors.a.doc.entry_sent, weights=vectors.a.weight > 0, minlength=a.n_sentences)
    sizes_b = np.bincount(vectors.b.doc.entry_sent, weights=vectors.b.weight > 0, minlength=b.n_sentences)
    sizes = sizes_a[rows] + sizes_b[cols]
    return Similarity(rows, cols, cosine, 2.0 * shared / np.maximum(sizes, 1.0), a.n_sentences)


def seeds(sim: Similarity, min_cosine: float, min_dice: float) -> np.ndarray:
    """(k, 2) array of (a sentence, b sentence) pairs similar enough to start a passage."""
    keep = (sim.cosine > min_cosine) & (sim.dice > min_dice)
    return np.column_stack((sim.rows[keep], sim.cols[keep]))


_Seed = tuple[int, int]  # (a sentence, b sentence)


def _split(group: list[_Seed], axis: int, gap: int) -> list[list[_Seed]]:
    # Seeds are a handful per pair: plain lists beat numpy's per-call overhead here.
    ordered = sorted(group, key=itemgetter(axis))
    parts: list[list[_Seed]] = []
    start = 0
    for k in range(1, len(ordered)):
        if ordered[k][axis] - ordered[k - 1][axis] > gap + 1:
            parts.append(ordered[start:k])
            start = k
    parts.append(ordered[start:])
    return parts


def _cluster(found: list[_Seed], gap_a: int, gap_b: int) -> list[list[_Seed]]:
    """Groups of seeds within the gaps of each other in both texts (split until stable)."""
    groups = [found]
    while True:
        refined = [part for g in groups for by_b in _split(g, 1, gap_b) for part in _split(by_b, 0, gap_a)]
        if len(refined) == len(groups):
            return refined
        groups = refined


def _fragment_vectors(vectors: Space, f: Fragment) -> tuple[np.ndarray, np.ndarray]:
    """Summed tf-isf vectors of the two fragments, each over its own text's stems."""
    return vectors.a.sum_rows(f.a_lo, f.a_hi), vectors.b.sum_rows(f.b_lo, f.b_hi)


def fragment_cosine(vectors: Space, f: Fragment) -> float:
    va, vb = _fragment_vectors(vectors, f)
    denom = float(np.linalg.norm(va) * np.linalg.norm(vb))
    return float(va[vectors.a.common] @ vb[vectors.b.common]) / denom if denom > 0 else 0.0


def fragment_containment(vectors: Space, f: Fragment) -> float:
    """Share of the b fragment's term weight whose terms occur in the a fragment.

    A summary reuses the source's content words but only a few of them, so the symmetric cosine of a short
    summary and a long source stretch is low even when every summary term comes from the source.
    """
    va, vb = _fragment_vectors(vectors, f)
    total = float(vb.sum())
    found = vb[vectors.b.common][va[vectors.a.common] > 0]
    return float(found.sum()) / total if total > 0 else 0.0


Validate = Callable[[Space, Fragment], float]


def extend(
    found: np.ndarray, gaps: tuple[int, int], vectors: Space, validate: Validate, threshold: float
) -> list[Fragment]:
    """Clusters of seeds whose whole fragments are similar; a failing cluster is retried with smaller gaps."""
    if len(found) == 0:
        return []
    return _extend([(int(a), int(b)) for a, b in found.tolist()], gaps, vectors, validate, threshold)


def _extend(
    found: list[_Seed], gaps: tuple[int, int], vectors: Space, validate: Validate, threshold: float
) -> list[Fragment]:
    out: list[Fragment] = []
    gap_a, gap_b = gaps
    for group in _cluster(found, gap_a, gap_b):
        a_side, b_side = [s[0] for s in group], [s[1] for s in group]
        f = Fragment(min(a_side), max(a_side), min(b_side), max(b_side), 0.0, len(group))
        score = validate(vectors, f)
        if score >= threshold:
            out.append(Fragment(f.a_lo, f.a_hi, f.b_lo, f.b_hi, score, f.seeds))
        elif len(group) > 1 and (gap_a > 0 or gap_b > 0):
            out.extend(_extend(group, (max(gap_a - 1, 0), max(gap_b - 1, 0)), vectors, validate, threshold))
    return out


def strongest(
    frags: list[Fragment], pa: Prepared, pb: Prepared, min_chars: int, single_seed_cosine: float
) -> list[Fragment]:
    """Drop short or thinly supported fragments, then keep the strongest of those overlapping in b."""
    solid = [
        f
        for f in frags
        if pa.chars(f.a_lo, f.a_hi) >= min_chars
        and pb.chars(f.b_lo, f.b_hi) >= min_chars
        # One similar sentence pair is what two stories on the same topic share by chance.
        and (f.seeds > 1 or f.similarity >= single_seed_cosine)
    ]
    kept: list[Fragment] = []
    for f in sorted(solid, key=lambda f: f.similarity * pb.chars(f.b_lo, f.b_hi), reverse=True):
        if all(f.b_hi < k.b_lo or f.b_lo > k.b_hi for k in kept):
            kept.append(f)
    return sorted(kept, key=lambda f: f.b_lo)
