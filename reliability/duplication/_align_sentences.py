"""Sentence-level alignment: seeds (similar sentence pairs), extension into fragments, filtering.

After Sanchez-Perez, Sidorov & Gelbukh (PAN 2014): sentences are tf-isf vectors of content stems; a sentence
pair is a seed when both its cosine and its Dice overlap pass thresholds; seeds close to each other in both
texts are clustered, and a cluster is kept when its two whole fragments are similar, else re-clustered with a
smaller gap.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
import scipy.sparse as sp

from ._align_text import Prepared


@dataclass(frozen=True)
class Space:
    """Sentence vectors of one document pair in a shared term space (tf-isf rows, one per sentence)."""

    a: sp.csr_matrix
    b: sp.csr_matrix


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
    cosine_matrix: sp.csr_matrix  # the same cosines, for column slices


def space(pa: Prepared, pb: Prepared) -> Space:
    vocab, inverse = np.unique(np.concatenate([pa.term_hash, pb.term_hash]), return_inverse=True)
    ia, ib = inverse[: len(pa.term_hash)], inverse[len(pa.term_hash) :]
    tf_a = sp.csr_matrix((np.ones(len(ia)), (pa.term_sent, ia)), shape=(pa.n_sentences, len(vocab)))
    tf_b = sp.csr_matrix((np.ones(len(ib)), (pb.term_sent, ib)), shape=(pb.n_sentences, len(vocab)))
    tf_a.sum_duplicates()
    tf_b.sum_duplicates()
    # Inverse *sentence* frequency over both texts: a stem in every sentence says nothing about which pair matches.
    df = np.bincount(tf_a.indices, minlength=len(vocab)) + np.bincount(tf_b.indices, minlength=len(vocab))
    isf = sp.diags(np.log((pa.n_sentences + pb.n_sentences) / np.maximum(df, 1)))
    return Space(sp.csr_matrix(tf_a @ isf), sp.csr_matrix(tf_b @ isf))


def _row_normalised(m: sp.csr_matrix) -> sp.csr_matrix:
    norms = np.sqrt(np.asarray(m.multiply(m).sum(axis=1)).ravel())
    return sp.csr_matrix(sp.diags(1.0 / np.maximum(norms, 1e-12)) @ m)


def similarities(vectors: Space) -> Similarity:
    cosine = sp.csr_matrix(_row_normalised(vectors.a) @ _row_normalised(vectors.b).T)
    bin_a, bin_b = (vectors.a > 0).astype(np.float64), (vectors.b > 0).astype(np.float64)
    shared = sp.coo_matrix(bin_a @ bin_b.T)
    rows, cols = shared.row.astype(np.int64), shared.col.astype(np.int64)
    sizes = np.asarray(bin_a.sum(axis=1)).ravel()[rows] + np.asarray(bin_b.sum(axis=1)).ravel()[cols]
    values = np.asarray(cosine[rows, cols]).ravel() if len(rows) else np.zeros(0)
    return Similarity(rows, cols, values, 2.0 * shared.data / np.maximum(sizes, 1.0), cosine)


def seeds(sim: Similarity, min_cosine: float, min_dice: float) -> np.ndarray:
    """(k, 2) array of (a sentence, b sentence) pairs similar enough to start a passage."""
    keep = (sim.cosine > min_cosine) & (sim.dice > min_dice)
    return np.column_stack((sim.rows[keep], sim.cols[keep]))


def _split(group: np.ndarray, axis: int, gap: int) -> list[np.ndarray]:
    ordered = group[np.argsort(group[:, axis], kind="stable")]
    cuts = np.flatnonzero(np.diff(ordered[:, axis]) > gap + 1) + 1
    return np.split(ordered, cuts)


def _cluster(found: np.ndarray, gap_a: int, gap_b: int) -> list[np.ndarray]:
    """Groups of seeds within the gaps of each other in both texts (split until stable)."""
    groups = [found]
    while True:
        refined = [part for g in groups for by_b in _split(g, 1, gap_b) for part in _split(by_b, 0, gap_a)]
        if len(refined) == len(groups):
            return refined
        groups = refined


def _fragment_vectors(vectors: Space, f: Fragment) -> tuple[np.ndarray, np.ndarray]:
    va = np.asarray(vectors.a[f.a_lo : f.a_hi + 1].sum(axis=0)).ravel()
    vb = np.asarray(vectors.b[f.b_lo : f.b_hi + 1].sum(axis=0)).ravel()
    return va, vb


def fragment_cosine(vectors: Space, f: Fragment) -> float:
    va, vb = _fragment_vectors(vectors, f)
    denom = float(np.linalg.norm(va) * np.linalg.norm(vb))
    return float(va @ vb) / denom if denom > 0 else 0.0


def fragment_containment(vectors: Space, f: Fragment) -> float:
    """Share of the b fragment's term weight whose terms occur in the a fragment.

    A summary reuses the source's content words but only a few of them, so the symmetric cosine of a short
    summary and a long source stretch is low even when every summary term comes from the source.
    """
    va, vb = _fragment_vectors(vectors, f)
    total = float(vb.sum())
    return float(vb[va > 0].sum()) / total if total > 0 else 0.0


Validate = Callable[[Space, Fragment], float]


def extend(
    found: np.ndarray, gaps: tuple[int, int], vectors: Space, validate: Validate, threshold: float
) -> list[Fragment]:
    """Clusters of seeds whose whole fragments are similar; a failing cluster is retried with smaller gaps."""
    out: list[Fragment] = []
    if len(found) == 0:
        return out
    gap_a, gap_b = gaps
    for group in _cluster(found, gap_a, gap_b):
        (a_lo, b_lo), (a_hi, b_hi) = group.min(axis=0), group.max(axis=0)
        f = Fragment(int(a_lo), int(a_hi), int(b_lo), int(b_hi), 0.0, len(group))
        score = validate(vectors, f)
        if score >= threshold:
            out.append(Fragment(f.a_lo, f.a_hi, f.b_lo, f.b_hi, score, f.seeds))
        elif len(group) > 1 and (gap_a > 0 or gap_b > 0):
            out.extend(extend(group, (max(gap_a - 1, 0), max(gap_b - 1, 0)), vectors, validate, threshold))
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
