"""page_junk — scraped page furniture inside the article text.

Share widgets, "Related Articles", "Back to top", comment boxes, view counters, newsletter prompts, reading-time
widgets and cookie notices show the text was scraped from a page, not filed by a newsroom. Cues are in
``config/lexicons/page_junk.toml``: ``[line.*]`` cues must fill a line, ``[inline.*]`` cues count anywhere.
"""

from __future__ import annotations

from ..model import Document, Evidence, Signal
from . import SignalContext
from ._text import CueSet, saturate

NAME = "page_junk"


def _cue_sets(ctx: SignalContext) -> tuple[CueSet, CueSet]:
    lexicon = ctx.config.lexicon(NAME)
    line = lexicon.get("line", {})
    inline = lexicon.get("inline", {})
    return (
        CueSet.build(line if isinstance(line, dict) else {}, whole_line=True),
        CueSet.build(inline if isinstance(inline, dict) else {}),
    )


def compute(doc: Document, ctx: SignalContext) -> Signal:
    line_cues, inline_cues = ctx.resource(f"{NAME}.cues", lambda: _cue_sets(ctx))
    params = ctx.config.section("signals", NAME)
    text = doc.text
    hits = sorted(set(line_cues.find(text)) | set(inline_cues.find(text)))
    hits = _drop_nested(hits)
    evidence = tuple(Evidence.of(text, s, e, note) for s, e, note in hits)
    value = saturate(len(hits), float(params.get("saturation", 2.0)))
    return Signal(NAME, round(value, 4), evidence, _summary(evidence), {"items": len(hits)})


def _drop_nested(hits: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """One piece of furniture matched as a line cue and an inline cue counts once."""
    out: list[tuple[int, int, str]] = []
    for hit in hits:
        if out and hit[0] < out[-1][1]:
            if hit[1] - hit[0] > out[-1][1] - out[-1][0]:
                out[-1] = hit
            continue
        out.append(hit)
    return out


def _summary(evidence: tuple[Evidence, ...]) -> str:
    if not evidence:
        return "No page furniture in the text"
    shown = ", ".join(f"“{e.text.strip()}”" for e in evidence[:3])
    return f"Scraped page furniture left in the text ({len(evidence)}: {shown})"
