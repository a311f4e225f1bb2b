"""Signals -> 0-100 score, triage band and an explanation an editor can read."""

from __future__ import annotations

from dataclasses import replace
from typing import Iterable, Sequence

from .config import Config
from .model import ArticleResult, Contribution, Document, Signal, Triage


def contributions(signals: Iterable[Signal], config: Config) -> list[Contribution]:
    """Points each signal takes off the score (``weight * value``), largest first."""
    weights = config.weights
    out = [Contribution(s.name, round(float(weights.get(s.name, 0.0)) * s.value, 2)) for s in signals]
    return sorted(out, key=lambda c: (-c.points, c.signal))


def thresholds_of(config: Config) -> dict[str, float]:
    return {name: float(config.get("triage", name)) for name in ("accept", "review")}


def triage_for(score: float, config: Config) -> Triage:
    if score >= float(config.get("triage", "accept")):
        return "accept"
    if score >= float(config.get("triage", "review")):
        return "review"
    return "reject"


def explain(signals: Sequence[Signal], contribs: Sequence[Contribution], limit: int = 3) -> str:
    """The strongest reasons in words, e.g. "Copied without credit (-12); vague attribution (-8); 2 more reasons (-3)".

    Every point taken off is accounted for: reasons past ``limit`` (or under half a point each) are summed at the end,
    so the listed points add up to 100 minus the score (before clamping at 0).
    """
    by_name = {s.name: s for s in signals}
    taken = [c for c in contribs if c.points > 0]
    shown = [c for c in taken if c.points >= 0.5][:limit]
    parts = [f"{_reason(by_name[c.signal], c.signal)} (-{c.points:.0f})" for c in shown]
    rest = [c for c in taken if c not in shown]
    rest_points = sum(c.points for c in rest)
    if rest and rest_points >= 0.5:
        parts.append(f"{len(rest)} more reason{'s' if len(rest) > 1 else ''} (-{rest_points:.0f})")
    return "; ".join(parts) if parts else "No sourcing problems found."


def _reason(signal: Signal, name: str) -> str:
    """The signal's own summary, else its name in words; one sentence without a trailing full stop."""
    text = (signal.summary or name.replace("_", " ")).strip().rstrip(".")
    return text[:1].upper() + text[1:]


def score_article(doc: Document, signals: Sequence[Signal], config: Config) -> ArticleResult:
    contribs = contributions(signals, config)
    score = round(max(0.0, min(100.0, 100.0 - sum(c.points for c in contribs))), 1)
    triage = triage_for(score, config)
    explanation = explain(signals, contribs)
    broken = [s.name for s in signals if "error" in s.details]
    if broken:  # an incomplete score must not wave an article through
        triage = "review" if triage == "accept" else triage
        explanation = f"Not fully scored: {', '.join(broken)} failed, so a person should check it. {explanation}"
    return ArticleResult(
        document=doc,
        signals=tuple(signals),
        score=score,
        triage=triage,
        contributions=tuple(contribs),
        explanation=explanation,
    )


def rank(results: Iterable[ArticleResult]) -> tuple[ArticleResult, ...]:
    """Best first; ties keep a stable order by id. Rank 1 = most reliable."""
    ordered = sorted(results, key=lambda r: (-r.score, r.document.id))
    return tuple(replace(r, rank=i) for i, r in enumerate(ordered, start=1))
