"""mixed_transliteration — one text spelling one name two ways ("Kiev" and "Kyiv", "Zelensky" and "Zelenskyy").

Mixed spellings suggest copy stitched together from sources with different style guides. Variant groups are in
``config/lexicons/mixed_transliteration.toml``.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Mapping

from ..model import Document, Evidence, Signal
from . import SignalContext
from ._text import Scanner, first_word, phrase_regex, saturate

NAME = "mixed_transliteration"


@dataclass(frozen=True)
class Variants:
    pattern: Scanner | None
    group_of: Mapping[str, int]  # variant spelling -> group index


def _build(ctx: SignalContext) -> Variants:
    groups = ctx.config.lexicon(NAME).get("groups", [])
    group_of = {str(v): i for i, group in enumerate(groups) if len(group) > 1 for v in group}
    if not group_of:
        return Variants(None, {})
    alternatives = sorted((phrase_regex(v) for v in group_of), key=len, reverse=True)
    pattern = re.compile(r"(?<![\w-])(" + "|".join(alternatives) + r")(?![\w-])")
    return Variants(Scanner(pattern, frozenset(filter(None, map(first_word, group_of)))), group_of)


def compute(doc: Document, ctx: SignalContext) -> Signal:
    variants = ctx.resource(f"{NAME}.variants", lambda: _build(ctx))
    params = ctx.config.section("signals", NAME)
    text = doc.text
    found: dict[int, list[re.Match[str]]] = {}
    if variants.pattern is not None:
        for m in variants.pattern.finditer(text):
            found.setdefault(variants.group_of[_canonical(m.group(1), variants.group_of)], []).append(m)
    evidence: list[Evidence] = []
    mixes: list[str] = []
    for matches in found.values():
        counts = Counter(_canonical(m.group(1), variants.group_of) for m in matches)
        if len(counts) < 2:
            continue
        mixes.append(" / ".join(f"{v} ×{n}" for v, n in counts.most_common()))
        evidence += _evidence(text, matches, counts)
    evidence.sort(key=lambda e: e.start)
    value = saturate(len(mixes), float(params.get("saturation", 1.0)))
    summary = f"Spells a name two ways: {'; '.join(mixes)}" if mixes else "Names spelled consistently"
    return Signal(NAME, round(value, 4), tuple(evidence), summary, {"mixed": mixes})


def _canonical(found: str, group_of: Mapping[str, int]) -> str:
    """The lexicon spelling for a match (white space inside a match may differ from the lexicon's)."""
    return found if found in group_of else next(v for v in group_of if re.fullmatch(phrase_regex(v), found))


def _evidence(text: str, matches: list[re.Match[str]], counts: Counter[str]) -> list[Evidence]:
    """Every use of the less common spellings, and the first use of the most common one."""
    usual = counts.most_common(1)[0][0]
    out = []
    seen_usual = False
    for m in matches:
        spelling = _canonical(m.group(1), {v: 0 for v in counts})
        if spelling == usual:
            if seen_usual:
                continue
            seen_usual = True
            note = f"“{spelling}” is this text's usual spelling ({counts[usual]}×)"
        else:
            note = f"“{spelling}” here, but “{usual}” elsewhere in the same text"
        out.append(Evidence.of(text, m.start(1), m.end(1), note))
    return out
