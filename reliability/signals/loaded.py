"""loaded_language — wording that passes judgement instead of reporting: partisan labels ("deep state", "Kyiv
regime", "Big Pharma"), judgement words ("unhinged", "witch hunt") and an article that keeps talking to its reader.

Cues are in ``config/lexicons/loaded_language.toml``. A quotation is the speaker's wording, so cues inside quotation
marks do not count. The value grows with cues per ``per_words`` words of text.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from ..model import Document, Evidence, Signal
from . import SignalContext
from ._text import Scanner, compile_phrases, regex_scanner, saturate, strings, word_count

NAME = "loaded_language"
_NOTES = {
    "labels": "Loaded label: names a side or an institution with a judgement, not a description",
    "judgements": "Judgement word: dramatises or pre-judges what it reports",
    "reader_address": "Talks to the reader (“you”): the register of advice columns, advocacy or advertising, not of reporting",
}
# Curly quotations, and straight ones within a paragraph (a stray straight quote must not swallow the text).
_QUOTED = re.compile(r"“[^”]{0,2000}”|\"[^\"\n]{0,2000}\"")


def _scanners(ctx: SignalContext) -> dict[str, Scanner]:
    lexicon = ctx.config.lexicon(NAME)
    out = {}
    for key in _NOTES:
        pattern = compile_phrases(strings(lexicon, key))
        if pattern:
            out[key] = regex_scanner(pattern)
    return out


def compute(doc: Document, ctx: SignalContext) -> Signal:
    scanners = ctx.resource(f"{NAME}.scanners", lambda: _scanners(ctx))
    params = ctx.config.section("signals", NAME)
    text = doc.text
    quoted = [m.span() for m in _QUOTED.finditer(text)]
    found = {key: [m.span() for m in scanner.finditer(text) if not _inside(m.start(), quoted)]
             for key, scanner in scanners.items()}
    if len(found.get("reader_address", [])) < int(params.get("min_reader_address", 4)):
        found["reader_address"] = []  # a "you" or two is a quoted aside or a service line, not a register
    hits = sorted((s, e, _NOTES[key]) for key, spans in found.items() for s, e in spans)
    words = max(word_count(text), 1)
    per_words = float(params.get("per_words", 500))
    weights = {key: float(params.get(f"{key}_weight", 1.0)) for key in _NOTES}
    weighted = sum(weights[key] * len(spans) for key, spans in found.items())
    value = saturate(weighted * per_words / max(words, per_words), float(params.get("saturation", 3.0)))
    evidence = tuple(Evidence.of(text, s, e, note) for s, e, note in hits)
    details = {key: len(found.get(key, [])) for key in _NOTES}
    return Signal(NAME, round(value, 4), evidence, _summary(found, evidence), details)


def _inside(offset: int, spans: list[tuple[int, int]]) -> bool:
    i = bisect_right(spans, (offset, float("inf"))) - 1
    return i >= 0 and spans[i][0] <= offset < spans[i][1]


def _summary(found: dict[str, list[tuple[int, int]]], evidence: tuple[Evidence, ...]) -> str:
    if not evidence:
        return "No loaded language"
    parts = []
    if found.get("labels") or found.get("judgements"):
        n = len(found.get("labels", [])) + len(found.get("judgements", []))
        example = next(e.text for e in evidence if e.note != _NOTES["reader_address"])
        parts.append(f"loaded wording ({n}, e.g. “{example}”)")
    if found.get("reader_address"):
        parts.append(f"talks to the reader ({len(found['reader_address'])} times “you”)")
    return "Judges instead of reporting: " + "; ".join(parts)
