"""self_praise — the outlet vouching for itself inside the article ("delivering accurate, ad-free coverage").

Cues are in ``config/lexicons/self_praise.toml``.
"""

from __future__ import annotations

from ..model import Document, Evidence, Signal
from . import SignalContext
from ._text import compile_phrases, saturate, strings

NAME = "self_praise"


def compute(doc: Document, ctx: SignalContext) -> Signal:
    pattern = ctx.resource(f"{NAME}.cues", lambda: compile_phrases(strings(ctx.config.lexicon(NAME), "phrases")))
    params = ctx.config.section("signals", NAME)
    text = doc.text
    matches = list(pattern.finditer(text)) if pattern else []
    evidence = tuple(
        Evidence.of(text, m.start(), m.end(), "The outlet praises its own reliability; trust is earned by sourcing, not claimed")
        for m in matches
    )
    value = saturate(len(evidence), float(params.get("saturation", 1.0)))
    summary = f"Outlet praises itself: “{evidence[0].text}”" if evidence else "No self-praise"
    return Signal(NAME, round(value, 4), evidence, summary, {"cues": len(evidence)})
