"""anonymous_framing — how much of the article's attribution hides who is speaking.

Counts vague attributions ("critics argue", "citing Ukrainian officials", "it is believed") and named ones
("Stoltenberg said", "TASS quotes X as saying", "according to Reuters") and reports the vague share, damped
when there are few vague cues: one "analysts say" among many named sources is ordinary journalism.
Cues live in ``config/lexicons/anonymous_framing.toml``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Mapping

from ..model import Document, Evidence, Signal
from . import SignalContext
from ._text import alternation, compile_phrases, excerpt, saturate, strings

NAME = "anonymous_framing"

# A run of capitalised words, as names of people and organisations are written ("NATO Secretary General Jens
# Stoltenberg", "France Presse"); lowercase particles allowed inside ("Ursula von der Leyen").
# A full stop stays inside a word ("U.S", "J.") but never ends one, so "Ramstein. He said" is two sentences.
_WORD = r"(?:[A-Z]\.|[A-Z](?:[\w’'-]|\.(?=\w))*)"
_NAME = rf"{_WORD}(?:\s+(?:{_WORD}|de|van|von|der|al|bin|la|le|da|du))*"
# A lowercase head that keeps an organisation the speaker ("the France Presse agency reported").
_ORG_HEAD = r"(?:\s+(?:news\s+agency|agency|newspaper|daily|ministry|office|website|channel|broadcaster|magazine|outlet|service|spokesperson|spokesman|spokeswoman))?"


@dataclass(frozen=True)
class Cues:
    vague: tuple[re.Pattern[str], ...]
    named: tuple[re.Pattern[str], ...]
    not_names: frozenset[str]
    identifying: re.Pattern[str]


def build_cues(lexicon: Mapping[str, object]) -> Cues:
    speakers = strings(lexicon, "vague_speakers")
    quantifiers = {"many", "some", "others", "few", "most", "everyone", "somebody", "someone", "people"}
    role_nouns = alternation(s for s in speakers if s.lower() not in quantifiers)
    who = alternation(speakers)
    mods = r"(?:" + alternation(strings(lexicon, "vague_modifiers")) + r"\s+){0,3}"
    aux = r"(?:" + alternation(strings(lexicon, "auxiliaries")) + r"\s+){0,3}"
    verbs = alternation(strings(lexicon, "reporting_verbs"))
    # "supporters of the Ukrainian president": up to three words, none ending a sentence.
    qualifier = r"(?:\s+(?:of|in|across|on|around|close\s+to|familiar\s+with)(?:\s+(?!and\b|or\b)[\w’'-]+){1,3}?)?"
    vague = [
        # "critics argue", "supporters of the Ukrainian president counter", "Western officials maintain"
        rf"\b{mods}{who}{qualifier}\s+{aux}{verbs}\b",
        # "scrutinized by historians and policymakers alike"
        rf"\b\w+(?:ed|en)\s+by\s+{mods}{role_nouns}(?:\s+(?:and|or)\s+{mods}{role_nouns})?(?:\s+alike)?",
        # "citing Ukrainian officials", "according to unnamed sources"
        rf"\b(?:citing|quoting|according\s+to)\s+{mods}{role_nouns}\b",
    ]
    weasel = compile_phrases(strings(lexicon, "weasel_phrases"))
    named = [
        rf"(?<![\w’'-])(?P<name>{_NAME}){_ORG_HEAD}\s+{aux}{verbs}\b",
        rf"(?<=[,”\"])\s*{verbs}\s+(?P<name>{_NAME})",
        rf"\b[Aa]ccording\s+to\s+(?:the\s+)?(?:[a-z-]+\s+){{0,3}}?(?P<name>{_NAME})",
        *(p[3:] if p.startswith("re:") else re.escape(p) for p in strings(lexicon, "named_only_patterns")),
    ]
    idents = alternation(strings(lexicon, "identifying_prepositions"))
    return Cues(
        vague=tuple(re.compile(p, re.IGNORECASE) for p in vague) + ((weasel,) if weasel else ()),
        named=tuple(re.compile(p) for p in named),
        not_names=frozenset(w.lower() for w in strings(lexicon, "not_names")),
        identifying=re.compile(rf"\s+{idents}\s+[A-Z]"),
    )


def compute(doc: Document, ctx: SignalContext) -> Signal:
    cues = ctx.resource(f"{NAME}.cues", lambda: build_cues(ctx.config.lexicon(NAME)))
    params = ctx.config.section("signals", NAME)
    text = doc.text
    vague = _vague_spans(text, cues)
    named = _named_spans(text, cues, vague)
    n_vague, n_named = len(vague), len(named)
    share = n_vague / (n_vague + n_named) if n_vague else 0.0
    value = share * saturate(n_vague, float(params.get("vague_saturation", 1.5)))
    evidence = tuple(
        Evidence.of(text, s, e, f"Vague attribution: “{excerpt(text, s, e)}” names no one the reader can check")
        for s, e in vague
    )
    return Signal(
        NAME,
        round(value, 4),
        evidence,
        _summary(n_vague, n_named),
        {"vague": n_vague, "named": n_named, "named_examples": [excerpt(text, s, e, 60) for s, e in named[:5]]},
    )


def _vague_spans(text: str, cues: Cues) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for pattern in cues.vague:
        for m in pattern.finditer(text):
            if cues.identifying.match(text, m.end()):
                continue  # "analysts at Goldman Sachs say": the group is identified
            spans.append((m.start(), m.end()))
    return _merge(spans)


def _named_spans(text: str, cues: Cues, vague: list[tuple[int, int]]) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for pattern in cues.named:
        for m in pattern.finditer(text):
            if "name" in pattern.groupindex and not _is_name(m.group("name"), cues.not_names):
                continue
            if not any(s < m.end() and m.start() < e for s, e in vague):
                spans.append((m.start(), m.end()))
    return _merge(spans)


def _is_name(candidate: str, not_names: frozenset[str]) -> bool:
    """False for "He", "The alliance", "Analysts": capitalised only because they open a sentence."""
    if candidate.endswith(("’s", "'s")):
        return False  # "Biden’s remarks": a possessive, the verb-like word is a noun
    words = [w for w in candidate.split() if w.lower().strip(".’'") not in not_names]
    return bool(words)


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted spans with overlaps joined, so one attribution is counted once."""
    out: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if out and start < out[-1][1]:
            out[-1] = (out[-1][0], max(end, out[-1][1]))
        else:
            out.append((start, end))
    return out


def _summary(n_vague: int, n_named: int) -> str:
    if not n_vague:
        return "No vague attribution found" if n_named else "No attributions found"
    total = n_vague + n_named
    if n_vague * 2 > total:
        return f"Rests on unnamed sources: {n_vague} of {total} attributions are vague"
    return f"Mostly named sources; {n_vague} of {total} attributions are vague"
