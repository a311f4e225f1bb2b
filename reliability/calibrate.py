"""Fit signal weights and triage thresholds to an editor's labels, and write them as a reviewable config file.

The score is ``100 - sum(weight * value)``, so the weights are fitted as points: a non-negative ridge regression of
the points each labelled article should lose on its signal values. Labels are triage bands (accept/review/reject,
taken as the middle of the band) or a 0–1 reliability. Thresholds are then chosen to reproduce the bands, and the
whole procedure is cross-validated so the accuracy written in the file is on articles the fit did not see.

>>> from reliability import load_config, score_paths                       # doctest: +SKIP
>>> batch = score_paths(["articles/"], load_config())                      # doctest: +SKIP
>>> calibration = fit(batch.articles, read_labels("labels.csv"))           # doctest: +SKIP
>>> write_config(calibration, "calibrated.toml")                           # doctest: +SKIP
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Mapping, Sequence

import numpy as np

from .config import Config
from .model import TRIAGE_ORDER, ArticleResult, Triage

Label = float | str
DEFAULT_ACCEPT, DEFAULT_REVIEW = 70.0, 45.0
MIN_FOLD_SIZE = 4  # a held-out fold of fewer articles says little; below 2 such folds, no accuracy is claimed


@dataclass(frozen=True)
class Calibration:
    """Fitted weights (points at full strength) and thresholds, with how well they predicted held-out labels."""

    weights: Mapping[str, float]
    accept: float
    review: float
    n: int
    class_counts: Mapping[str, int]
    cv_accuracy: float | None  # None when there are too few labels per band to cross-validate
    folds: int
    current_accuracy: float  # the configuration that produced the results, on the same labels
    alpha: float = 1.0
    notes: tuple[str, ...] = field(default_factory=tuple)


def read_labels(path: str | Path) -> dict[str, Label]:
    """A CSV with columns ``id,label``: label is accept/review/reject or a number in [0, 1]."""
    out: dict[str, Label] = {}
    with Path(path).open(newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        if not reader.fieldnames or not {"id", "label"} <= {f.strip().lower() for f in reader.fieldnames}:
            raise ValueError(f"{path}: needs a header with columns id,label")
        for lineno, row in enumerate(reader, start=2):
            row = {k.strip().lower(): (v or "").strip() for k, v in row.items() if k}
            if not row.get("id"):
                continue
            out[row["id"]] = _parse_label(row.get("label", ""), f"{path}:{lineno}")
    return out


def _parse_label(raw: str | float, where: str) -> Label:
    if isinstance(raw, str) and raw.strip().lower() in TRIAGE_ORDER:
        return raw.strip().lower()
    try:
        value = float(raw)
    except (TypeError, ValueError):
        raise ValueError(f"{where}: label {raw!r} is not accept, review, reject or a number in [0, 1]") from None
    if not 0.0 <= value <= 1.0 or math.isnan(value):
        raise ValueError(f"{where}: label {value} is outside [0, 1]")
    return value


def fit(
    results: Sequence[ArticleResult],
    labels: Mapping[str, Label],
    *,
    config: Config | None = None,
    folds: int = 5,
    alpha: float = 1.0,
) -> Calibration:
    """Weights and thresholds fitted to ``labels`` (document id -> label), with cross-validated triage accuracy."""
    accept0, review0 = _thresholds(config)
    labelled = [r for r in results if r.document.id in labels]
    if len(labelled) < 4:
        raise ValueError(f"only {len(labelled)} of the scored articles have labels; label at least 4 (ideally 30+)")
    seen = sorted({s.name for r in labelled for s in r.signals})
    # A signal that never fired in the sample has no evidence either way: leave its weight to the config.
    names = [n for n in seen if any(_value(r, n) > 0 for r in labelled)]
    unfitted = [n for n in seen if n not in names]
    if not names:
        raise ValueError("no signal fired on any labelled article; nothing to fit")
    x = np.array([[_value(r, n) for n in names] for r in labelled])
    parsed = [_parse_label(labels[r.document.id], r.document.id) for r in labelled]
    target = np.array([_target_score(p, accept0, review0) for p in parsed])
    bands = [_band(p, accept0, review0) for p in parsed]
    weights, accept, review = _fit_once(x, target, bands, alpha)
    cv, k, notes = _cross_validate(x, target, bands, folds, alpha)
    current = sum(r.triage == b for r, b in zip(labelled, bands)) / len(labelled)
    return Calibration(
        weights={n: round(float(w), 2) for n, w in zip(names, weights)},
        accept=accept,
        review=review,
        n=len(labelled),
        class_counts={b: bands.count(b) for b in TRIAGE_ORDER if b in bands},
        cv_accuracy=cv,
        folds=k,
        current_accuracy=round(current, 3),
        alpha=alpha,
        notes=tuple(notes) + ((f"not fitted, never fired on these articles (weights left as configured): {', '.join(unfitted)}",) if unfitted else ()),
    )


def _thresholds(config: Config | None) -> tuple[float, float]:
    if config is None:
        return DEFAULT_ACCEPT, DEFAULT_REVIEW
    return float(config.get("triage", "accept", default=DEFAULT_ACCEPT)), float(config.get("triage", "review", default=DEFAULT_REVIEW))


def _value(result: ArticleResult, name: str) -> float:
    signal = result.signal(name)
    return signal.value if signal is not None else 0.0


def _target_score(label: Label, accept: float, review: float) -> float:
    """The score an article with this label should get: a band's middle, or 100 x a 0–1 reliability."""
    if isinstance(label, str):
        return {"accept": (100 + accept) / 2, "review": (accept + review) / 2, "reject": review / 2}[label]
    return 100.0 * label


def _band(label: Label, accept: float, review: float) -> Triage:
    if isinstance(label, str):
        return label  # type: ignore[return-value]
    score = 100.0 * label
    return "accept" if score >= accept else "review" if score >= review else "reject"


def _fit_once(x: np.ndarray, target: np.ndarray, bands: Sequence[Triage], alpha: float) -> tuple[np.ndarray, float, float]:
    from sklearn.linear_model import Ridge

    # No intercept: an article with no signal firing keeps all 100 points, as in score.py.
    model = Ridge(alpha=alpha, fit_intercept=False, positive=True)
    model.fit(x, 100.0 - target)
    weights = np.clip(model.coef_, 0.0, None)
    scores = np.clip(100.0 - x @ weights, 0.0, 100.0)
    accept, review = _best_thresholds(scores, bands)
    return weights, accept, review


def _best_thresholds(scores: np.ndarray, bands: Sequence[Triage]) -> tuple[float, float]:
    """Integer thresholds (review <= accept) that reproduce the most labels; ties go to the widest review band."""
    truth = np.array([TRIAGE_ORDER.index(b) for b in bands])
    # Only thresholds just at or above an article's score change any decision.
    candidates = sorted({0, 100, *(int(min(100.0, math.ceil(s))) for s in scores)})
    best: tuple[float, int, float, float] = (-1.0, 0, DEFAULT_ACCEPT, DEFAULT_REVIEW)
    for accept in candidates:
        for review in (c for c in candidates if c <= accept):
            predicted = np.where(scores >= accept, 0, np.where(scores >= review, 1, 2))
            key = (float((predicted == truth).mean()), accept - review)
            if key > best[:2]:
                best = (key[0], key[1], float(accept), float(review))
    return best[2], best[3]


def _predict(x: np.ndarray, weights: np.ndarray, accept: float, review: float) -> list[Triage]:
    scores = np.clip(100.0 - x @ weights, 0.0, 100.0)
    return ["accept" if s >= accept else "review" if s >= review else "reject" for s in scores]


def _cross_validate(
    x: np.ndarray, target: np.ndarray, bands: Sequence[Triage], folds: int, alpha: float
) -> tuple[float | None, int, list[str]]:
    from sklearn.model_selection import KFold, StratifiedKFold

    counts = [bands.count(b) for b in set(bands)]
    k = min(folds, len(bands) // MIN_FOLD_SIZE)
    if k < 2:
        return None, 0, ["too few labels to cross-validate; the accuracy below is not measured"]
    notes = []
    if min(counts) >= k:
        splitter: KFold | StratifiedKFold = StratifiedKFold(n_splits=k, shuffle=True, random_state=0)
    else:
        splitter = KFold(n_splits=k, shuffle=True, random_state=0)
        notes.append(f"a band has fewer than {k} labels, so folds are not stratified")
    hits = 0
    for train, test in splitter.split(x, bands):
        weights, accept, review = _fit_once(x[train], target[train], [bands[i] for i in train], alpha)
        predicted = _predict(x[test], weights, accept, review)
        hits += sum(p == bands[i] for p, i in zip(predicted, test))
    return round(hits / len(bands), 3), k, notes


def write_config(calibration: Calibration, path: str | Path) -> Path:
    """Write weights and thresholds as a TOML file to review and adopt with ``--config``. Returns the path."""
    path = Path(path)
    path.write_text(to_toml(calibration), encoding="utf-8")
    return path


def to_toml(calibration: Calibration) -> str:
    c = calibration
    counts = ", ".join(f"{b} {n}" for b, n in c.class_counts.items())
    accuracy = (f"{c.folds}-fold cross-validated triage accuracy {c.cv_accuracy:.3f}" if c.cv_accuracy is not None
                else "not cross-validated (too few labels)")
    lines = [
        f"# reliability — weights and triage thresholds fitted to labelled articles on {date.today().isoformat()}.",
        f"# Sample: {c.n} labelled articles ({counts}).",
        f"# {accuracy}; the configuration that scored them: {c.current_accuracy:.3f} on the same labels.",
        "# Non-negative ridge regression of the points each article should lose (alpha "
        f"{c.alpha:g}); a weight of 0 switches that signal off.",
        *[f"# Note: {n}." for n in c.notes],
        "# Review before adopting: reliability score --config THIS_FILE ...",
        "",
        "[weights]",
        *[f"{name} = {weight:.2f}" for name, weight in c.weights.items()],
        "",
        "[triage]",
        f"accept = {c.accept:g}",
        f"review = {c.review:g}",
        "",
    ]
    return "\n".join(lines)
