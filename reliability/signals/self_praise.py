"""self_praise — the outlet vouching for itself inside the article ("delivering accurate, ad-free coverage").

Cues are in ``config/lexicons/self_praise.toml``.
"""

from __future__ import annotations

from ..model import Document, Evidence, Signal
from . import SignalContext
from ._text import Scanner, compile_phrases, regex_scanner, saturate, strings

NAME = "self_praise"


def _scanner(ctx: SignalContext) -> Scanner | None:
    # One pattern for phrases and regexes alike (two scans could both claim overlapping text); it is tried only
    # at the words its matches can start with ("your", "we", "delivering", ...).
    pattern = compile_phrases(strings(ctx.config.lexicon(NAME), "phrases"))
    return regex_scanner(pattern) if pattern else None


def compute(doc: Document, ctx: SignalContext) -> Signal:
    scanner = ctx.resource(f"{NAME}.scanner", lambda: _scanner(ctx))
    params = ctx.config.section("signals", NAME)
    text = doc.text
    matches = scanner.finditer(text) if scanner else []
    evidence = tuple(
        Evidence.of(text, m.start(), m.end(), "The outlet praises its own reliability; trust is earned by sourcing, not claimed")
        for m in matches
    )
    value = saturate(len(evidence), float(params.get("saturation", 1.0)))
    summary = f"Outlet praises itself: “{evidence[0].text}”" if evidence else "No self-praise"
    return Signal(NAME, round(value, 4), evidence, summary, {"cues": len(evidence)})
