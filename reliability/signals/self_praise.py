"""self_praise — the outlet vouching for itself inside the article ("delivering accurate, ad-free coverage").

Cues are in ``config/lexicons/self_praise.toml``.
"""

from __future__ import annotations

import re

from ..model import Document, Evidence, Signal
from . import SignalContext
from ._text import LiteralGate, compile_phrases, lowered_for_gates, saturate, strings

NAME = "self_praise"


def _build(ctx: SignalContext) -> tuple[re.Pattern[str] | None, LiteralGate | None]:
    pattern = compile_phrases(strings(ctx.config.lexicon(NAME), "phrases"))
    # Most articles contain none of the words a self-praise phrase needs: a substring test then skips the scan.
    return pattern, LiteralGate.of(pattern) if pattern else None


def compute(doc: Document, ctx: SignalContext) -> Signal:
    pattern, gate = ctx.resource(f"{NAME}.cues", lambda: _build(ctx))
    params = ctx.config.section("signals", NAME)
    text = doc.text
    skip = pattern is None or gate is not None and not gate.may_match(text, lowered_for_gates(text))
    matches = [] if skip else list(pattern.finditer(text))  # type: ignore[union-attr]
    evidence = tuple(
        Evidence.of(text, m.start(), m.end(), "The outlet praises its own reliability; trust is earned by sourcing, not claimed")
        for m in matches
    )
    value = saturate(len(evidence), float(params.get("saturation", 1.0)))
    summary = f"Outlet praises itself: “{evidence[0].text}”" if evidence else "No self-praise"
    return Signal(NAME, round(value, 4), evidence, summary, {"cues": len(evidence)})
