"""thin_sourcing — too few named sources for the article's length: facts without anyone answering for them.

Named attributions ("Stoltenberg said", "according to Reuters", a quotation with its speaker) are those
anonymous_framing finds. News copy names about one source per 100 words (median of 1,510 clean news articles in
tools/data/clean_news); the value rises as an article falls below ``expected_per_100_words``, to 1 when it names none.
Briefs shorter than ``min_words`` are not judged.
"""

from __future__ import annotations

from ..model import Document, Evidence, Signal
from . import SignalContext
from ._text import clamp01, excerpt, word_count
from .anonymous import NAME as ANONYMOUS, attributions, build_cues

NAME = "thin_sourcing"


def compute(doc: Document, ctx: SignalContext) -> Signal:
    # The same cues object as anonymous_framing's, so the attributions it just found are reused, not searched again.
    cues = ctx.resource(f"{ANONYMOUS}.cues", lambda: build_cues(ctx.config.lexicon(ANONYMOUS)))
    params = ctx.config.section("signals", NAME)
    text = doc.text
    words = word_count(text)
    if words < int(params.get("min_words", 150)):
        return Signal(NAME, 0.0, (), f"Too short to judge how many sources it names ({words} words)", {"words": words})
    _, named = attributions(text, cues)
    expected = float(params.get("expected_per_100_words", 0.5)) * words / 100
    value = clamp01(1.0 - len(named) / expected)
    details = {"named": len(named), "words": words, "expected": round(expected, 1)}
    if value == 0:
        return Signal(NAME, 0.0, (), f"Names its sources: {len(named)} in {words} words", details)
    summary = f"Thinly sourced: {_sources(len(named))} named in {words} words (news copy names one per 100–200)"
    if named:
        only = "The only named source" if len(named) == 1 else f"One of only {len(named)} named sources"
        evidence = tuple(Evidence.of(text, s, e, f"{only} in {words} words: “{excerpt(text, s, e)}”") for s, e in named)
    else:
        note = f"No named source in {words} words: no one the reader can check answers for these facts."
        evidence = (Evidence.of(text, 0, 0, note),)
    return Signal(NAME, round(value, 4), evidence, summary, details)


def _sources(n: int) -> str:
    return "no source" if n == 0 else "1 source" if n == 1 else f"{n} sources"
