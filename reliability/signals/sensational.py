"""sensational_framing — hype that tells the reader how to feel ("sent shockwaves", "bombshell", "!!").

Cues are in ``config/lexicons/sensational_framing.toml``. Besides the phrases, shouting counts: exclamation
marks beyond what quoted speech explains, and runs of capitalised words inside ordinary sentences.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

from ..model import Document, Evidence, Signal
from . import SignalContext
from ._text import Scanner, phrase_scanners, saturate, strings

NAME = "sensational_framing"


@dataclass(frozen=True)
class Cues:
    phrases: tuple[Scanner, ...]
    shouting: re.Pattern[str]


def _build(ctx: SignalContext) -> Cues:
    lexicon = ctx.config.lexicon(NAME)
    shouting = lexicon.get("shouting", {})
    run = int(shouting.get("min_capitalised_words", 3)) if isinstance(shouting, dict) else 3
    # Several capitalised words in a row; _amid_lowercase then keeps those inside ordinary prose. Single
    # words in capitals are datelines ("FRANKFURT —") or acronyms.
    caps_word = r"[A-Z]{2,}(?:['’][A-Z]+)?"
    # "\b(?:{caps_word}[ \t]+){n,}{caps_word}\b" with the first word written out and its "\b" checked after its
    # first capital: a pattern opening with a character class is scanned in C for that class, one opening with
    # "\b" is tried at every position.
    first = r"[A-Z](?<!\w[A-Z])[A-Z]+(?:['’][A-Z]+)?[ \t]+"
    shout = rf"{first}(?:{caps_word}[ \t]+){{{max(run, 2) - 2},}}{caps_word}\b"
    return Cues(tuple(phrase_scanners(strings(lexicon, "phrases"))), re.compile(shout))


# Exclamation marks closing a quotation are the speaker's, not the writer's ("“Stop!” he shouted").
# "[!?]*![!?1]*(?![”\"’'])" with its first character taken first: either it is the "!" itself or more marks lead
# to one. A pattern opening with a character class is scanned in C for it, one opening with a repeat is tried
# at every position.
_EXCLAIM = re.compile(r"[!?](?:[!?]*!|(?<=!))[!?1]*(?![”\"’'])")


def compute(doc: Document, ctx: SignalContext) -> Signal:
    cues = ctx.resource(f"{NAME}.cues", lambda: _build(ctx))
    params = ctx.config.section("signals", NAME)
    text = doc.text
    hype = "Hype phrase: frames the news instead of reporting it"
    hits = [(m.start(), m.end(), hype) for scanner in cues.phrases for m in scanner.finditer(text)]
    shouting = _amid_lowercase(text, cues.shouting.finditer(text))
    hits += [(m.start(), m.end(), "Shouting in capital letters") for m in shouting]
    exclaims = list(_EXCLAIM.finditer(text))
    if len(exclaims) >= int(params.get("min_exclamations", 2)):
        hits += [(m.start(), m.end(), "Exclamation mark: excited tone unusual in news copy") for m in exclaims]
    hits = _without_overlaps(sorted(hits))
    evidence = tuple(Evidence.of(text, s, e, note) for s, e, note in hits)
    value = saturate(len(hits), float(params.get("saturation", 2.0)))
    return Signal(NAME, round(value, 4), evidence, _summary(evidence), {"cues": len(hits)})


def _amid_lowercase(text: str, matches: Iterable[re.Match[str]]) -> list[re.Match[str]]:
    """The runs of capitals inside ordinary prose; a line mostly in capitals is a heading, a form or a letterhead."""
    prose: dict[int, bool] = {}  # line start -> verdict: a line in capitals holds many runs, counted once
    out = []
    for m in matches:
        start = text.rfind("\n", 0, m.start()) + 1
        if start not in prose:
            end = text.find("\n", m.end())
            letters, upper = _letters_and_capitals(text[start : end if end >= 0 else len(text)])
            prose[start] = upper < 0.3 * max(letters, 1)
        if prose[start]:
            out.append(m)
    return out


_ASCII_LETTERS = bytes(range(ord("A"), ord("Z") + 1)) + bytes(range(ord("a"), ord("z") + 1))
_ASCII_CAPITALS = bytes(range(ord("A"), ord("Z") + 1))


def _letters_and_capitals(line: str) -> tuple[int, int]:
    """How many characters of ``line`` are letters (str.isalpha) and capitals (str.isupper)."""
    if line.isascii():  # the usual case: deleting the letters in C counts them (isalpha is [A-Za-z] in ASCII)
        raw = line.encode("ascii")
        return len(raw) - len(raw.translate(None, _ASCII_LETTERS)), len(raw) - len(raw.translate(None, _ASCII_CAPITALS))
    return sum(map(str.isalpha, line)), sum(map(str.isupper, line))


def _without_overlaps(hits: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """"BOMBSHELL" is a hype phrase and shouting at once: count it once."""
    out: list[tuple[int, int, str]] = []
    for hit in hits:
        if not out or hit[0] >= out[-1][1]:
            out.append(hit)
    return out


def _summary(evidence: tuple[Evidence, ...]) -> str:
    if not evidence:
        return "No sensational framing"
    shown = ", ".join(f"“{e.text}”" for e in evidence[:2])
    return f"Sensational framing ({len(evidence)} cues, e.g. {shown})"
