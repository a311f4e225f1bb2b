"""Build reliability/data/style_model.npz: the word-order model garbled_text uses to spot machine-made English.

Training text is PAN13 (../shared/eval/pan13-train, read as benchmarks/garbled_auc.py reads it): each passage of 03-random-obfuscation (words shuffled,
inserted, swapped for synonyms: spinner-like) and 04-translation-obfuscation (translation round trips) is a
positive, its clean original in the source document a negative. Only pairs whose source document is in the
'table' fold are used (the fold :mod:`build_phrase_table` also learns from); the 'tune' fold picks the
regularisation and the 'eval' fold is never seen, so benchmarks/garbled_auc.py measures on unseen text.

PAN's obfuscated passages carry line breaks at arbitrary places, which real articles do not; single line breaks
are joined in both classes before training so the model cannot learn that artefact.

    /work/venv/bin/python tools/build_style_model.py [--out reliability/data/style_model.npz]

Stored: ``function_words`` (newline-joined), ``keys`` (sorted class bigram keys, see
``reliability.signals._style.StyleModel.bigram_keys``), ``weights`` (float32) and ``intercept``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
from scipy import sparse
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from garbled_auc import _SINGLE_BREAK, pan_pairs  # noqa: E402  (the benchmark's reading of the PAN truth files)

from reliability.signals._style import Classifier, StyleModel, token_ids  # noqa: E402
from reliability.signals._text import sentence_spans  # noqa: E402

N_FUNCTION_WORDS = 150  # the commonest English words (wordfreq) that keep their identity; the rest become shapes


def pairs(want: str) -> list[tuple[str, str]]:
    """(obfuscated passage, clean original), line breaks joined, for pairs whose source is in fold ``want``."""
    return [
        (_SINGLE_BREAK.sub(" ", obfuscated), _SINGLE_BREAK.sub(" ", original))
        for category in ("03-random-obfuscation", "04-translation-obfuscation")
        for obfuscated, original in pan_pairs(category, want)
    ]


def function_words() -> list[str]:
    from wordfreq import top_n_list

    return [w for w in top_n_list("en", N_FUNCTION_WORDS + 20) if w.isalpha() or "'" in w][:N_FUNCTION_WORDS]


def text_keys(text: str, probe: StyleModel, classifier: Classifier) -> np.ndarray:
    ids = token_ids(text, sentence_spans(text), classifier)
    return probe.bigram_keys(ids) if len(ids) >= 3 else np.zeros(0, np.int64)


def matrix(texts: list[str], probe: StyleModel, classifier: Classifier, columns: np.ndarray | None):
    """Rows of bigram counts divided by the text's token count (the model's score is a mean per token)."""
    all_keys = [text_keys(t, probe, classifier) for t in texts]
    if columns is None:
        columns = np.unique(np.concatenate(all_keys))
    return key_matrix(all_keys, columns), columns


def key_matrix(all_keys: list[np.ndarray], columns: np.ndarray) -> sparse.csr_matrix:
    """Per text (its class-bigram keys), the count of each key in ``columns`` divided by the text's token count:
    the model's score is then ``intercept + weights.sum() / len(ids)`` (n ids make n - 1 bigrams)."""
    rows, cols, vals = [], [], []
    for r, keys in enumerate(all_keys):
        uniq, counts = np.unique(keys, return_counts=True)
        at = np.searchsorted(columns, uniq).clip(0, len(columns) - 1)
        known = columns[at] == uniq
        rows += [r] * int(known.sum())
        cols += at[known].tolist()
        n_tokens = len(keys) + 1  # n ids make n - 1 bigrams
        vals += (counts[known] / n_tokens).tolist()
    return sparse.csr_matrix((vals, (rows, cols)), shape=(len(all_keys), len(columns)))


def labelled(data: list[tuple[str, str]]) -> tuple[list[str], np.ndarray]:
    texts = [a for a, _ in data] + [b for _, b in data]
    return texts, np.array([1] * len(data) + [0] * len(data))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "reliability" / "data" / "style_model.npz")
    args = parser.parse_args()
    words = function_words()
    classifier = Classifier(words)
    probe = StyleModel(tuple(words), np.zeros(0, np.float32), 0.0)
    train_texts, y_train = labelled(pairs("table"))
    tune_texts, y_tune = labelled(pairs("tune"))
    x_train, columns = matrix(train_texts, probe, classifier, None)
    x_tune, _ = matrix(tune_texts, probe, classifier, columns)
    print(f"{len(train_texts)} training texts, {len(columns)} class bigrams; {len(tune_texts)} tuning texts")
    best = (0.0, 0.0, None)
    for c in (1.0, 10.0, 100.0, 300.0, 1000.0, 3000.0):
        model = LogisticRegression(C=c, max_iter=3000).fit(x_train, y_train)
        auc = roc_auc_score(y_tune, model.decision_function(x_tune))
        print(f"C={c:g}: tune AUC {auc:.3f}")
        if auc > best[0]:
            best = (auc, c, model)
    auc, c, model = best
    size = save(args.out, words, columns, model)
    print(f"kept C={c:g} (tune AUC {auc:.3f}); wrote {args.out} ({size} weights)")


def save(path: Path, words: list[str] | tuple[str, ...], columns: np.ndarray, model: LogisticRegression) -> int:
    """Store a word-order model as reliability.signals._style.default_model reads it; returns its number of weights."""
    weights = model.coef_[0].astype(np.float32)
    keep = weights != 0
    np.savez_compressed(
        path,
        function_words=np.frombuffer("\n".join(words).encode(), dtype=np.uint8),
        keys=columns[keep].astype(np.int64),
        weights=weights[keep],
        intercept=np.float64(model.intercept_[0]),
    )
    return int(keep.sum())


if __name__ == "__main__":
    main()
