"""Fit garbled_text's whole-text models: P(machine-made) from the text's mean word-pair PMI, and from its word order.

Each statistic gets a one-feature logistic regression (two models, not one over both: spinning leaves word order
intact and translation leaves word pairs usual, so neither should excuse the other); the signal reads them at
``machine_base_rate`` instead of the training data's even odds.

- **Word order** is fitted on PAN13: the obfuscated passages of 03-random-obfuscation and
  04-translation-obfuscation whose source document is in the 'tune' fold are positives, their clean originals
  negatives (see benchmarks/garbled_auc.py). The word-order model never saw this fold.
- **Wording** is fitted on news: the labelled news fixtures (tests/fixtures/articles: spun_*, mt_* against clean_*)
  and the first blind set (benchmarks/fixtures/blind/garbled), whose texts the phrase table never saw. The mean PMI
  of news copy sits higher than that of PAN's web pages, so a PAN fit read news as cleaner than it is and squeezed
  spun news into a narrow band (PAN tune fold: wording AUC alone ~0.72 either way). The first blind set is
  therefore calibration data, no longer a held-out test; the second (benchmarks/fixtures/blind2) is never read here.
  ``--wording-on pan`` fits wording on the PAN tune fold as before.
- **Thesaurus swaps** are fitted on news too: the news fixtures and every blind garbled set already used for
  development (``DEVELOPMENT_SETS``; see benchmarks/fixtures/BLIND_SETS.md). PAN is no use here: its sources are
  old books, whose archaic wording the modern language model reads as swapped, while the translated passages come
  out more modern (PAN tune fold 04: AUC 0.42). A set written after a fit is the only honest test of it.

The script prints the lines to put under ``[signals.garbled_text]`` in config/default.toml (or a user config); it
writes nothing. Rerun it after rebuilding the phrase table or the word-order model.

    /work/venv/bin/python tools/fit_garbled_text.py [--wording-on news|pan]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import cross_val_predict

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from garbled_auc import BLIND, blind_fixtures, news_fixtures, pan_pairs  # noqa: E402

from reliability import load_config  # noqa: E402
from reliability.model import Document  # noqa: E402
from reliability.signals import SignalContext, garbled  # noqa: E402


# Blind garbled sets already measured and read (benchmarks/fixtures/BLIND_SETS.md): development data now.
DEVELOPMENT_SETS = ("blind", "blind2", "blind3", "blind4", "blind5", "blind7", "blind11")


def statistics(ctx: SignalContext, text: str) -> list[float]:
    details = garbled.compute(Document("x", text), ctx).details
    return [float(details["word_order"]), float(details["mean_pmi"]), float(details["swap_margin"])]


def pan_tune(ctx: SignalContext) -> tuple[np.ndarray, np.ndarray]:
    rows, labels = [], []
    for category in ("03-random-obfuscation", "04-translation-obfuscation"):
        for obfuscated, original in pan_pairs(category, "tune"):
            rows += [statistics(ctx, obfuscated), statistics(ctx, original)]
            labels += [1, 0]
    return np.array(rows), np.array(labels)


def news(ctx: SignalContext) -> tuple[np.ndarray, np.ndarray]:
    texts = news_fixtures() + [(text, label) for _, text, label, _ in blind_fixtures(BLIND)]
    return np.array([statistics(ctx, t) for t, _ in texts]), np.array([y for _, y in texts])


def development_news(ctx: SignalContext) -> tuple[np.ndarray, np.ndarray]:
    texts = news_fixtures()
    for name in DEVELOPMENT_SETS:
        texts += [(text, label) for _, text, label, _ in blind_fixtures(BLIND.parent.parent / name / "garbled")]
    return np.array([statistics(ctx, t) for t, _ in texts]), np.array([y for _, y in texts])


def fit(name: str, feature: str, x: np.ndarray, y: np.ndarray, where: str) -> list[str]:
    model = LogisticRegression(C=1.0)
    cv = cross_val_predict(model, x, y, cv=5, method="decision_function")
    model.fit(x, y)
    print(f"{name}: fitted on {where} ({len(y)} texts), 5-fold cross-validated AUC alone {roc_auc_score(y, cv):.3f}")
    return [f"{name}_intercept = {model.intercept_[0]:.3f}", f"{name}_{feature} = {model.coef_[0][0]:.3f}"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wording-on", choices=["news", "pan"], default="news")
    args = parser.parse_args()
    ctx = SignalContext(load_config())
    x_pan, y_pan = pan_tune(ctx)
    lines = fit("order", "log_odds", x_pan[:, [0]], y_pan, "the PAN13 tune fold")
    if args.wording_on == "pan":
        lines += fit("wording", "pmi", x_pan[:, [1]], y_pan, "the PAN13 tune fold")
    else:
        x_news, y_news = news(ctx)
        lines += fit("wording", "pmi", x_news[:, [1]], y_news, "news fixtures and the first blind set")
    x_dev, y_dev = development_news(ctx)
    lines += fit("swaps", "margin", x_dev[:, [2]], y_dev, "news fixtures and the development blind sets")
    print("[signals.garbled_text]", *lines, sep="\n")


if __name__ == "__main__":
    main()
