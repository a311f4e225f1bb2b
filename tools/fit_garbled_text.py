"""Fit garbled_text's whole-text models: P(machine-made) from the text's mean word-pair PMI, and from its word order.

Positives are the obfuscated passages of PAN13 03-random-obfuscation and 04-translation-obfuscation whose source
document is in the 'tune' fold, negatives their clean originals (see benchmarks/garbled_auc.py). Neither the
phrase table nor the word-order model saw this fold, so the two statistics behave here as on new text. A logistic
regression on each statistic alone gives its intercept and coefficient (two models, not one over both: spinning
leaves word order intact and translation leaves word pairs usual, so neither should excuse the other); the
signal reads them at ``machine_base_rate`` instead of PAN's even odds. The script prints the lines to put under ``[signals.garbled_text]`` in
config/default.toml (or a user config); it writes nothing.

    /work/venv/bin/python tools/fit_garbled_text.py
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import cross_val_predict

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from garbled_auc import pan_pairs  # noqa: E402

from reliability import load_config  # noqa: E402
from reliability.model import Document  # noqa: E402
from reliability.signals import SignalContext, garbled  # noqa: E402


def statistics(ctx: SignalContext, text: str) -> list[float]:
    details = garbled.compute(Document("x", text), ctx).details
    return [float(details["word_order"]), float(details["mean_pmi"])]


def main() -> None:
    ctx = SignalContext(load_config())
    rows, labels = [], []
    for category in ("03-random-obfuscation", "04-translation-obfuscation"):
        for obfuscated, original in pan_pairs(category, "tune"):
            rows += [statistics(ctx, obfuscated), statistics(ctx, original)]
            labels += [1, 0]
    x, y = np.array(rows), np.array(labels)
    print(f"{len(y)} tuning texts")
    lines = []
    for column, (name, feature) in enumerate((("order", "log_odds"), ("wording", "pmi"))):
        model = LogisticRegression(C=1.0)
        cv = cross_val_predict(model, x[:, [column]], y, cv=5, method="decision_function")
        model.fit(x[:, [column]], y)
        print(f"{name}: 5-fold cross-validated AUC alone {roc_auc_score(y, cv):.3f}")
        lines += [f"{name}_intercept = {model.intercept_[0]:.3f}", f"{name}_{feature} = {model.coef_[0][0]:.3f}"]
    print("[signals.garbled_text]", *lines, sep="\n")


if __name__ == "__main__":
    main()
