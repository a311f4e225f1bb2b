"""Fit garbled_text's whole-text model: P(spun or machine-made) from five statistics of the whole text, and the
word-order model learned from news that gives one of them.

The statistics (see reliability/signals/garbled.py): the mean word-pair PMI (spun synonyms make unusual pairs), the
word-order log odds of the model learned from PAN13's round trips (reliability/data/style_model.npz), the word-order
log odds of a model of the same kind learned here from labelled news (reliability/data/news_order_model.npz), the
mean thesaurus-swap margin (words that a synonym would fit far better) and the swaps' spread (the share of
sentences holding a likely swap). One logistic regression over the five, each centred on clean copy's mean; a
statistic that rests on too little text (under ``text_min_pairs`` pairs, ``style_min_tokens`` tokens or
``swaps_min_words`` content words) is set to that mean, as the signal does, so it neither helps nor hurts. A second
model without the swap statistics ("plain") is what the signal uses when the swap check is off or its language model
missing.

The news word-order model is a logistic regression over the bigrams of word classes (reliability/signals/_style.py:
the commonest English words as themselves, punctuation, lowercase word shapes), each bigram's count per token. Bigrams
with a number or a capitalised word are left out: how many names and figures a text holds says more about its story
(a results table, a court list) than about its grammar. It learns translationese: "the X of the Y" chains where
English would say "Y's X", articles where English has none and none where it has one. A model learned on these texts
and then judged on them would look far better than it is, so the statistic the joint model is fitted on is
cross-fitted: each set's value comes from a model learned on the other sets. The written model is learned on all.

It is fitted on news: the labelled news fixtures (tests/fixtures/articles: spun_*, mt_* against clean_*) and every
blind garbled set already used for development (``DEVELOPMENT_SETS``; benchmarks/fixtures/BLIND_SETS.md). PAN13 is
no use for the joint model: its sources are old books, whose archaic wording the modern language model of the swap
check reads as swapped, while the translated passages come out more modern (PAN tune fold 04: swap AUC 0.42). The
leave-one-set-out figures it prints are nested (the held-out set is out of the news word-order model too). A set
written after a fit is the only honest test of it.

The script prints the leave-one-set-out AUC of each model and the lines to put under ``[signals.garbled_text]`` in
config/default.toml (or a user config), and writes the news word-order model (``--out``). Rerun it after rebuilding
the phrase table, the PAN word-order model or the thesaurus, or adding a development set.

    /work/venv/bin/python tools/fit_garbled_text.py [--out reliability/data/news_order_model.npz]
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

from garbled_auc import BLIND, blind_fixtures, news_fixtures  # noqa: E402
sys.path.insert(0, str(ROOT / "tools"))
from build_style_model import key_matrix, save  # noqa: E402  (the PAN model's training matrix and file format)

from reliability import load_config  # noqa: E402
from reliability.model import Document  # noqa: E402
from reliability.signals import SignalContext, garbled  # noqa: E402
from reliability.signals._style import NEWS_MODEL_PATH, StyleModel, class_names  # noqa: E402

# Blind garbled sets already measured and read (benchmarks/fixtures/BLIND_SETS.md): development data now.
DEVELOPMENT_SETS = ("blind", "blind2", "blind3", "blind4", "blind5", "blind7", "blind11", "blind12",
                    "blind13", "blind14", "blind15", "blind16", "blind17", "blind18", "blind19", "blind20", "blind21",
                    "blind22", "blind23", "blind24", "blind25", "blind26", "blind27", "blind28", "blind29",
                    "blind30", "blind31", "blind32", "blind33")
NAMES = ("pmi", "order", "news_order", "swaps", "spread")
STATISTICS = ("mean_pmi", "word_order", "news_word_order", "swap_margin", "swap_spread")
JUDGED = (("word_pairs_judged", "text_min_pairs"), ("word_order_tokens", "style_min_tokens"),
          ("word_order_tokens", "style_min_tokens"), ("swap_words_checked", "swaps_min_words"),
          ("swap_words_checked", "swaps_min_words"))
NEWS_ORDER = 2  # the column of the statistic learned here
# Regularisation of the news word-order model. Leave-one-set-out (nested) over the 13 development sets, joint model:
# C = 1: 0.946, 10: 0.967, 30: 0.968, 100: 0.969 with every bigram; 30: 0.963 without names and numbers (kept).
NEWS_ORDER_C = 30.0


def statistics(ctx: SignalContext, text: str, params: dict[str, float]) -> list[float]:
    """The five statistics, NaN where the signal leaves one out for resting on too little text."""
    details = garbled.compute(Document("x", text), ctx).details
    return [float(details[s]) if details[n] >= params[p] else float("nan") for s, (n, p) in zip(STATISTICS, JUDGED)]


def labelled_news() -> list[tuple[str, str, int]]:
    """(group, text, 1 spun/MT or 0 clean): the news fixtures, then each development set."""
    out = [("fixtures", text, label) for text, label in news_fixtures()]
    for name in DEVELOPMENT_SETS:
        out += [(name, text, label) for _, text, label, _ in blind_fixtures(BLIND.parent.parent / name / "garbled")]
    return out


def grammar_bigrams(function_words: tuple[str, ...]) -> np.ndarray:
    """Keys of the class bigrams the news model may weigh: neither class a number nor a capitalised word shape."""
    names = class_names(list(function_words))
    allowed = np.array([n != "NUM" and not n.startswith("A") for n in names])
    return np.flatnonzero(np.outer(allowed, allowed).ravel())


def class_matrix(ids: list[np.ndarray], probe: StyleModel, columns: np.ndarray) -> sparse.csr_matrix:
    """Per text, the share of each class bigram in ``columns``, as the PAN model is trained on: the model's score
    is then exactly what reliability.signals._style.rescore computes."""
    return key_matrix([probe.bigram_keys(i) if len(i) >= 3 else np.zeros(0, np.int64) for i in ids], columns)


def news_order_model(m: sparse.csr_matrix, y: np.ndarray) -> LogisticRegression:
    return LogisticRegression(C=NEWS_ORDER_C, max_iter=3000).fit(m, y)


def cross_fitted(m: sparse.csr_matrix, y: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """Each text's news word-order log odds from a model learned on the other groups only."""
    out = np.zeros(len(y))
    for name in np.unique(groups):
        inside = groups == name
        out[inside] = news_order_model(m[~inside], y[~inside]).decision_function(m[inside])
    return out


def fit(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, LogisticRegression]:
    """Centres (clean copy's mean of each statistic) and the model fitted on the centred statistics."""
    centres = np.nanmean(x[y == 0], axis=0)
    centred = np.where(np.isnan(x), 0.0, x - centres)
    return centres, LogisticRegression(C=1.0, max_iter=2000).fit(centred, y)


def decision(x: np.ndarray, centres: np.ndarray, model: LogisticRegression) -> np.ndarray:
    return model.decision_function(np.where(np.isnan(x), 0.0, x - centres))


def with_news_order(x: np.ndarray, news_order: np.ndarray) -> np.ndarray:
    """``x`` with its news word-order column replaced, left NaN where the text is too short for word order."""
    out = x.copy()
    out[:, NEWS_ORDER] = np.where(np.isnan(x[:, NEWS_ORDER]), np.nan, news_order)
    return out


def held_out_aucs(x: np.ndarray, y: np.ndarray, m: sparse.csr_matrix, groups: np.ndarray,
                  models: dict[str, list[int]]) -> dict[str, list[float]]:
    """Leave-one-set-out AUCs of each model (name: its columns), the news word-order model nested inside."""
    out: dict[str, list[float]] = {name: [] for name in models}
    for held in DEVELOPMENT_SETS:
        test = groups == held
        train = ~test
        x_train = with_news_order(x[train], cross_fitted(m[train], y[train], groups[train]))
        x_test = with_news_order(x[test], news_order_model(m[train], y[train]).decision_function(m[test]))
        for name, columns in models.items():
            centres, model = fit(x_train[:, columns], y[train])
            out[name].append(roc_auc_score(y[test], decision(x_test[:, columns], centres, model)))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=NEWS_MODEL_PATH, help="where to write the news word-order model")
    args = parser.parse_args()
    config = load_config()
    ctx = SignalContext(config)
    params = {**garbled._DEFAULTS, **config.section("signals", garbled.NAME)}
    texts = labelled_news()
    groups = np.array([g for g, _, _ in texts])
    y = np.array([label for _, _, label in texts])
    probe = garbled.default_model()
    # The statistics as the signal computes them; the news word order's column is replaced by cross-fitted values,
    # so a model in place (or none yet: a blank one) changes nothing here.
    ctx.resource(f"{garbled.NAME}.news_style", lambda: StyleModel(probe.function_words, probe.table * 0, 0.0))
    x = np.array([statistics(ctx, t, params) for _, t, _ in texts])
    columns = grammar_bigrams(probe.function_words)
    m = class_matrix([garbled.word_classes(t, ctx) for _, t, _ in texts], probe, columns)
    lines = []
    # "joint": all five statistics; "plain": without the swaps, for swap_check = 0 or no language model.
    models = {"joint": [0, 1, 2, 3, 4], "plain": [0, 1, 2]}
    aucs = held_out_aucs(x, y, m, groups, models)
    cross = with_news_order(x, cross_fitted(m, y, groups))
    for model_name, kept in models.items():
        held_out = aucs[model_name]
        print(f"{model_name}: leave-one-set-out AUC " + " / ".join(f"{a:.3f}" for a in held_out)
              + f" (mean {np.mean(held_out):.3f})")
        centres, model = fit(cross[:, kept], y)
        lines.append(f"{model_name}_intercept = {model.intercept_[0]:.3f}")
        for column, coefficient, centre in zip(kept, model.coef_[0], centres):
            lines.append(f"{model_name}_{NAMES[column]} = {coefficient:.3f}")
            if model_name == "joint":
                lines.append(f"clean_{NAMES[column]} = {centre:.3f}")
    size = save(args.out, probe.function_words, columns, news_order_model(m, y))
    print(f"fitted on {len(y)} news texts ({int(y.sum())} spun or machine-translated); wrote {args.out} "
          f"({size} class-bigram weights)")
    print("[signals.garbled_text]", *lines, sep="\n")


if __name__ == "__main__":
    main()
