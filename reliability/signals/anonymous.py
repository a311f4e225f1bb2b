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
from ._text import Reach, Scanner, alternation, excerpt, first_word, last_call, phrase_scanners, saturate, strings

NAME = "anonymous_framing"

# A run of capitalised words, as names of people and organisations are written ("NATO Secretary General Jens
# Stoltenberg", "France Presse"); lowercase particles allowed inside ("Ursula von der Leyen").
# A full stop stays inside a word ("U.S", "J.") but never ends one, so "Ramstein. He said" is two sentences.
# A word is taken whole (possessive "*+"): white space or the pattern's end follows every word, and a word cut
# short would be followed by a letter, a mark or a full stop, so giving characters back never helps. Without
# it, each failed try backtracked through every character of a run of capitalised words.
_WORD = r"(?:[A-Z]\.|[A-Z](?:[\w’'-]|\.(?=\w))*+)"
_PARTICLES = ("de", "van", "von", "der", "al", "bin", "la", "le", "da", "du")
_NAME = rf"{_WORD}(?:\s+(?:{_WORD}|{'|'.join(_PARTICLES)}))*"
# A lowercase head that keeps an organisation the speaker ("the France Presse agency reported").
_ORG_HEADS = ("news agency", "agency", "newspaper", "daily", "ministry", "office", "website", "channel",
              "broadcaster", "magazine", "outlet", "service", "spokesperson", "spokesman", "spokeswoman")
_ORG_HEAD = r"(?:\s+(?:" + "|".join(h.replace(" ", r"\s+") for h in _ORG_HEADS) + "))?"


@dataclass(frozen=True)
class Cues:
    vague: tuple[Scanner, ...]
    passive: Scanner  # "... by historians and policymakers alike", checked for a participle before "by"
    named: tuple[Scanner, ...]
    after_quote: Scanner  # '..., said Smith' / '...,” said Smith'
    not_names: frozenset[str]
    identifying: re.Pattern[str]


def build_cues(lexicon: Mapping[str, object]) -> Cues:
    aux = r"(?:" + alternation(strings(lexicon, "auxiliaries")) + r"\s+){0,3}"
    verb_list = strings(lexicon, "reporting_verbs")
    verbs = alternation(verb_list)
    vague, passive = _vague_scanners(lexicon, aux, verbs)
    named = (
        Scanner(re.compile(rf"(?<![\w’'-])(?P<name>{_NAME}){_ORG_HEAD}\s+{aux}{verbs}\b"), None,
                chain=re.compile(rf"(?<![\w’'-]){_NAME}"), reach=_verb_reach(lexicon, verb_list)),
        Scanner(re.compile(rf"[Aa]ccording\s+to\s+(?:the\s+)?(?:[a-z-]+\s+){{0,3}}?(?P<name>{_NAME})"),
                _words("according")),
        *phrase_scanners(strings(lexicon, "named_only_patterns"), flags=0),
    )
    # '..." said board chair Denise Okafor': a lowercase title may stand between the verb and the name.
    after_quote = re.compile(rf"{verbs}\s+(?:[a-z]+\s+){{0,3}}?(?P<name>{_NAME})")
    idents = alternation(strings(lexicon, "identifying_prepositions"))
    return Cues(
        vague=vague,
        passive=passive,
        named=named,
        after_quote=Scanner(after_quote, frozenset(filter(None, map(first_word, verb_list)))),
        not_names=frozenset(w.lower() for w in strings(lexicon, "not_names")),
        identifying=re.compile(rf"\s+{idents}\s+[A-Z]"),
    )


# What a lexicon phrase before the verb may be made of for a Reach to know what can stand before the verb.
_PLAIN_AUXILIARY = re.compile(r"[A-Za-z’' .-]+")


def _verb_reach(lexicon: Mapping[str, object], verb_list: list[str]) -> Reach | None:
    """The reporting verb a "<Name> [agency] [has] said" match reaches, and what cannot stand before it: any mark
    but an apostrophe, hyphen or full stop, and any lowercase word but a particle, an organisation head or an
    auxiliary (a capitalised run followed by "met", "visited", ... is skipped without trying the pattern).
    None when the lexicon holds auxiliaries or verbs this cannot vouch for."""
    auxiliaries = strings(lexicon, "auxiliaries")
    allowed = {w.lower() for phrase in (*_PARTICLES, *_ORG_HEADS, *auxiliaries) for w in re.findall("[A-Za-z]+", phrase)}
    words = "|".join(sorted(allowed))
    barrier = re.compile(rf"[^\w\s’'.-]|(?<=\s)(?!(?:{words})(?![A-Za-z]))[a-z]")
    return _reach_verbs(verb_list, auxiliaries, barrier, ignorecase=False)


def _reach_verbs(verb_list: list[str], lead: list[str], barrier: re.Pattern[str], *, ignorecase: bool) -> Reach | None:
    """A Reach of the reporting verbs, when the lexicon phrases that may come before one (``lead``) are plain
    words (a "re:" entry could hold anything) and every verb starts with a letter (a word start)."""
    if not all(_PLAIN_AUXILIARY.fullmatch(p) for p in lead) or not all(re.match("[A-Za-z]", v) for v in verb_list):
        return None
    return Reach(frozenset(filter(None, map(first_word, verb_list))), barrier, ignorecase)


def _vague_scanners(lexicon: Mapping[str, object], aux: str, verbs: str) -> tuple[tuple[Scanner, ...], Scanner]:
    speakers = strings(lexicon, "vague_speakers")
    modifiers = strings(lexicon, "vague_modifiers")
    quantifiers = {w.lower() for w in strings(lexicon, "quantifiers")}
    role_nouns = alternation(s for s in speakers if s.lower() not in quantifiers)
    who = alternation(speakers)
    mods = r"(?:" + alternation(modifiers) + r"\s+){0,3}"
    # "supporters of the Ukrainian president": up to three words, none ending a sentence.
    qualifier = r"(?:\s+(?:of|in|across|on|around|close\s+to|familiar\s+with)(?:\s+(?!and\b|or\b)[\w’'-]+){1,3}?)?"
    subject_starts = frozenset(filter(None, map(first_word, [*speakers, *modifiers])))
    # Between "some Western officials" and the verb there are words and white space, never a comma or a quote.
    lead = [*speakers, *modifiers, *strings(lexicon, "auxiliaries")]
    reach = _reach_verbs(strings(lexicon, "reporting_verbs"), lead, re.compile(r"[^\w\s’'.-]"), ignorecase=True)
    vague = (
        # "critics argue", "supporters of the Ukrainian president counter", "Western officials maintain"
        Scanner(_ci(rf"{mods}{who}{qualifier}\s+{aux}{verbs}\b"), subject_starts, reach=reach),
        # "citing Ukrainian officials", "according to unnamed sources"
        Scanner(_ci(rf"(?:citing|quoting|according\s+to)\s+{mods}{role_nouns}\b"), _words("citing quoting according")),
        *phrase_scanners(strings(lexicon, "weasel_phrases")),
    )
    # "scrutinized by historians and policymakers alike"; the participle before "by" is checked separately.
    passive = _ci(rf"by\s+{mods}{role_nouns}(?:\s+(?:and|or)\s+{mods}{role_nouns})?(?:\s+alike)?\b")
    return vague, Scanner(passive, _words("by"))


def _words(words: str) -> frozenset[str]:
    return frozenset(words.split())


def _ci(pattern: str) -> re.Pattern[str]:
    return re.compile(r"(?<![\w-])" + pattern, re.IGNORECASE)


def compute(doc: Document, ctx: SignalContext) -> Signal:
    cues = ctx.resource(f"{NAME}.cues", lambda: build_cues(ctx.config.lexicon(NAME)))
    params = ctx.config.section("signals", NAME)
    text = doc.text
    vague, named = attributions(text, cues)
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


@last_call
def attributions(text: str, cues: Cues) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """Spans of vague and of named attributions (thin_sourcing reads the same ones right after this signal)."""
    vague = _vague_spans(text, cues)
    return vague, _named_spans(text, cues, vague)


def _vague_spans(text: str, cues: Cues) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for scanner in cues.vague:
        for m in scanner.finditer(text):
            if cues.identifying.match(text, m.end()) or _named_organisation_before(text, m.start(), cues.not_names):
                continue  # "analysts at Goldman Sachs say", "a Ford spokesperson said": the group is identified
            spans.append((m.start(), m.end()))
    for m in cues.passive.finditer(text):
        participle = _PARTICIPLE_BEFORE.search(text, max(0, m.start() - 30), m.start())
        if participle:  # "scrutinized by historians", not "a report by experts" (a byline of sorts)
            spans.append((participle.start(), m.end()))
    return _merge(spans)


_CAPITALISED_BEFORE = re.compile(r"(\S?)\s*\b([A-Z][\w&’'.-]*)\s+$")


def _named_organisation_before(text: str, start: int, not_names: frozenset[str]) -> bool:
    """A capitalised word right before the cue that is not just opening a sentence ("Ford spokesperson")."""
    m = _CAPITALISED_BEFORE.search(text, max(0, start - 40), start)
    if m is None or m.group(2).lower().strip(".’'") in not_names:
        return False
    return m.group(1) not in ("", ".", "!", "?", "”", '"', "\n")


_PARTICIPLE_BEFORE = re.compile(r"\b[A-Za-z]+(?:ed|en)\s+$")
_QUOTE_OR_COMMA_BEFORE = re.compile(r"[,”\"]\s*$")


def _named_spans(text: str, cues: Cues, vague: list[tuple[int, int]]) -> list[tuple[int, int]]:
    matches = [m for scanner in cues.named for m in scanner.finditer(text, capitalised=scanner.first_words is None)]
    matches += [
        m
        for m in cues.after_quote.finditer(text)
        if _QUOTE_OR_COMMA_BEFORE.search(text, max(0, m.start() - 3), m.start())
    ]
    spans: list[tuple[int, int]] = []
    for m in matches:
        if "name" in m.re.groupindex and not _is_name(m.group("name"), cues.not_names):
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
