"""Fit garbled_text's whole-text model: P(spun or machine-made) from four statistics of the whole text.

The statistics (see reliability/signals/garbled.py): the mean word-pair PMI (spun synonyms make unusual pairs), the
word-order log odds (a translation round trip's grammar), the mean thesaurus-swap margin (words that a synonym
would fit far better) and the swaps' spread (the share of sentences holding a likely swap). One logistic regression
over the four, each centred on clean copy's mean; a statistic that rests on too little text (under
``text_min_pairs`` pairs, ``style_min_tokens`` tokens or ``swaps_min_words`` content words) is set to that mean, as
the signal does, so it neither helps nor hurts. A second model without the swap statistics ("plain") is what the
signal uses when the swap check is off or its language model missing.

It is fitted on news: the labelled news fixtures (tests/fixtures/articles: spun_*, mt_* against clean_*) and every
blind garbled set already used for development (``DEVELOPMENT_SETS``; benchmarks/fixtures/BLIND_SETS.md). PAN13 is
no use for it: its sources are old books, whose archaic wording the modern language model of the swap check reads
as swapped, while the translated passages come out more modern (PAN tune fold 04: swap AUC 0.42). Before the swap
check there were two one-feature models, word order fitted on PAN and word pairs on news. Leave-one-set-out over
eight development sets, the joint model separates 0.939 on average, against 0.854 for separate models added up. A
set written after a fit is the only honest test of it.

The script prints the leave-one-set-out AUC of each model and the lines to put under ``[signals.garbled_text]`` in
config/default.toml (or a user config); it writes nothing. Rerun it after rebuilding the phrase table, the
word-order model or the thesaurus.

    /work/venv/bin/python tools/fit_garbled_text.py
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from garbled_auc import BLIND, blind_fixtures, news_fixtures  # noqa: E402

from reliability import load_config  # noqa: E402
from reliability.model import Document  # noqa: E402
from reliability.signals import SignalContext, garbled  # noqa: E402

# Blind garbled sets already measured and read (benchmarks/fixtures/BLIND_SETS.md): development data now.
DEVELOPMENT_SETS = ("blind", "blind2", "blind3", "blind4", "blind5", "blind7", "blind11", "blind12")
NAMES = ("pmi", "order", "swaps", "spread")
STATISTICS = ("mean_pmi", "word_order", "swap_margin", "swap_spread")
JUDGED = (("word_pairs_judged", "text_min_pairs"), ("word_order_tokens", "style_min_tokens"),
          ("swap_words_checked", "swaps_min_words"), ("swap_words_checked", "swaps_min_words"))


def statistics(ctx: SignalContext, text: str, params: dict[str, float]) -> list[float]:
    """The four statistics, NaN where the signal leaves one out for resting on too little text."""
    details = garbled.compute(Document("x", text), ctx).details
    return [float(details[s]) if details[n] >= params[p] else float("nan") for s, (n, p) in zip(STATISTICS, JUDGED)]


def labelled_news() -> list[tuple[str, str, int]]:
    """(group, text, 1 spun/MT or 0 clean): the news fixtures, then each development set."""
    out = [("fixtures", text, label) for text, label in news_fixtures()]
    for name in DEVELOPMENT_SETS:
        out += [(name, text, label) for _, text, label, _ in blind_fixtures(BLIND.parent.parent / name / "garbled")]
    return out


def fit(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, LogisticRegression]:
    """Centres (clean copy's mean of each statistic) and the model fitted on the centred statistics."""
    centres = np.nanmean(x[y == 0], axis=0)
    centred = np.where(np.isnan(x), 0.0, x - centres)
    return centres, LogisticRegression(C=1.0, max_iter=2000).fit(centred, y)


def decision(x: np.ndarray, centres: np.ndarray, model: LogisticRegression) -> np.ndarray:
    return model.decision_function(np.where(np.isnan(x), 0.0, x - centres))


def main() -> None:
    argparse.ArgumentParser(description=__doc__.splitlines()[0]).parse_args()
    config = load_config()
    ctx = SignalContext(config)
    params = {**garbled._DEFAULTS, **config.section("signals", garbled.NAME)}
    texts = labelled_news()
    groups = np.array([g for g, _, _ in texts])
    x = np.array([statistics(ctx, t, params) for _, t, _ in texts])
    y = np.array([label for _, _, label in texts])
    lines = []
    # "joint": all four statistics; "plain": without the swaps, for swap_check = 0 or no language model.
    for model_name, columns in (("joint", [0, 1, 2, 3]), ("plain", [0, 1])):
        xs = x[:, columns]
        held_out = []
        for name in DEVELOPMENT_SETS:
            test = groups == name
            centres, model = fit(xs[~test], y[~test])
            held_out.append(roc_auc_score(y[test], decision(xs[test], centres, model)))
        print(f"{model_name}: leave-one-set-out AUC " + " / ".join(f"{a:.3f}" for a in held_out)
              + f" (mean {np.mean(held_out):.3f})")
        centres, model = fit(xs, y)
        lines.append(f"{model_name}_intercept = {model.intercept_[0]:.3f}")
        for column, coefficient, centre in zip(columns, model.coef_[0], centres):
            lines.append(f"{model_name}_{NAMES[column]} = {coefficient:.3f}")
            if model_name == "joint":
                lines.append(f"clean_{NAMES[column]} = {centre:.3f}")
    print(f"fitted on {len(y)} news texts ({int(y.sum())} spun or machine-translated)")
    print("[signals.garbled_text]", *lines, sep="\n")


if __name__ == "__main__":
    main()
