"""garbled_text — the share of sentences a careful editor would reject.

Two kinds of evidence, both pointing at spans of the text:

- mechanical defects, found by rules: quotation marks glued to words (``“mentioned”Stoltenberg``) or left
  unbalanced, a sentence broken by a line break ("former U.S." / "President Joe Biden"), doubled words or
  hyphen parts ("the the", "full-full-fledged"), proper adjectives in lowercase ("russian"), odd numerals
  ("1000's", "tens, thousands"), and non-words ("gmrim") that machine translation leaves behind;
- unusual wording, judged statistically: a sentence whose adjacent word pairs are, on average, pairs clean
  English avoids (mean pointwise mutual information under the bigram model of :mod:`._phrases`). Spinner
  synonyms ("pressing assembly" for "urgent meeting") and shuffled words drive it down.

The value is the density of garbled sentences, reaching 1 at ``full_density`` (config ``[signals.garbled_text]``).
Conventions the rules check (doubles allowed, proper adjectives, abbreviations) are in
``config/lexicons/garbled_text.toml``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Mapping

import numpy as np

from ..model import Document, Evidence, Signal
from . import SignalContext
from ._phrases import PhraseTable, default_table
from ._text import alternation, clamp01, compile_phrases, index_of, line_spans, sentence_spans, strings

NAME = "garbled_text"

Hit = tuple[int, int, str]

# A closing quote with a word right after it, or an opening quote right after a word: “mentioned”Stoltenberg.
_GLUED = re.compile(r"(?<=\S)”(?=[A-Za-z0-9])|(?<=[A-Za-z0-9.,;:!?])“|(?<=[^\s(\[{“\d])\"(?=[A-Za-z])")
_CURLY = re.compile(r"[“”]")
_STRAIGHT = re.compile(r"(?<!\d)\"")
_ODD_NUMERAL = re.compile(r"\b(\d{1,3}(?:,\d{3})+|\d*000|\d00)['’]s\b")
_WORDS = re.compile(r"\S+")
_DEFAULTS: Mapping[str, float] = {
    "full_density": 0.25, "min_pairs": 3, "pmi_threshold": 0.25, "pmi_scale": 0.25, "min_word_log_p": -8.0,
    "prior_pmi": 1.2, "prior_weight": 3.0, "min_nonword_letters": 4,
}


@dataclass(frozen=True)
class Rules:
    doubled: re.Pattern[str]
    doubled_hyphen: re.Pattern[str]
    allowed_doubles: frozenset[str]
    lower_proper: re.Pattern[str] | None
    lower_exceptions: re.Pattern[str] | None
    comma_multiplier: re.Pattern[str]
    ends_abbreviation: re.Pattern[str]
    ends_country: re.Pattern[str]
    starts_title: re.Pattern[str]
    ends_dangling: re.Pattern[str]


def build_rules(lexicon: Mapping[str, object]) -> Rules:
    mult = alternation(strings(lexicon, "multipliers"))
    proper = [w.lower() for w in strings(lexicon, "proper_adjectives")]
    return Rules(
        doubled=re.compile(r"(?<![\w’'-])([A-Za-z]+)[ \t]+(\1)(?![\w-])", re.IGNORECASE),
        doubled_hyphen=re.compile(r"(?<![\w-])([A-Za-z]+)(?:-|[ \t]+)\1-[A-Za-z]", re.IGNORECASE),
        allowed_doubles=frozenset(w.lower() for w in strings(lexicon, "allowed_doubles")),
        # Case-sensitive on purpose: only the lowercase spelling is a defect.
        lower_proper=re.compile(r"(?<![\w@#/.’'-])" + alternation(proper) + r"(?![\w-])") if proper else None,
        lower_exceptions=compile_phrases(strings(lexicon, "proper_adjective_exceptions"), flags=0),
        comma_multiplier=re.compile(rf"\b{mult}\s*,\s*(?:of\s+)?{mult}\b", re.IGNORECASE),
        ends_abbreviation=re.compile(r"(?:^|\s)" + alternation(strings(lexicon, "continuation_abbreviations")) + r"$"),
        ends_country=re.compile(r"\s[a-z][\w-]*\s+" + alternation(strings(lexicon, "country_abbreviations")) + r"$"),
        starts_title=re.compile(alternation(strings(lexicon, "continuation_titles")) + r"(?![\w-])"),
        ends_dangling=re.compile(r"\s" + alternation(strings(lexicon, "dangling_words")) + r"$", re.IGNORECASE),
    )


def _known_words() -> frozenset[str]:
    from wordfreq import get_frequency_dict

    return frozenset(get_frequency_dict("en"))


def compute(doc: Document, ctx: SignalContext) -> Signal:
    rules = ctx.resource(f"{NAME}.rules", lambda: build_rules(ctx.config.lexicon(NAME)))
    table = ctx.resource(f"{NAME}.table", default_table)
    known = ctx.resource(f"{NAME}.known_words", _known_words)
    params = {**_DEFAULTS, **ctx.config.section("signals", NAME)}
    text = doc.text
    sentences = sentence_spans(text)
    lines = line_spans(text)
    hits: list[Hit] = []
    for finder in _RULES:
        hits += finder(text, lines, rules)
    oddness, unusual, nonwords = _statistics(text, sentences, table, known, params)
    hits += nonwords
    defective = {index_of(sentences, s) for s, _, _ in hits} - {-1}
    garbled = oddness.copy()
    garbled[list(defective)] = 1.0
    flagged = int(np.count_nonzero(garbled >= 0.5))
    prose = sum(1 for s, e in sentences if len(_WORDS.findall(text, s, e)) >= 4)
    density = float(garbled.sum()) / max(prose, flagged, 1)
    value = clamp01(density / float(params["full_density"]))
    evidence = tuple(Evidence.of(text, s, e, note) for s, e, note in sorted(hits + unusual))
    sentences_counted = max(prose, flagged)
    details = {"garbled_sentences": flagged, "sentences": sentences_counted, "defects": len(hits),
               "unusual_wording": len(unusual)}
    return Signal(NAME, round(value, 4), evidence, _summary(flagged, sentences_counted), details)


def _glued_quotes(text: str, lines: list[tuple[int, int]], rules: Rules) -> list[Hit]:
    out = []
    for m in _GLUED.finditer(text):
        start, end = _word_around(text, m.start())
        out.append((start, end, "Quotation mark glued to a word: the copy was not proofread"))
    return out


def _unbalanced_quotes(text: str, lines: list[tuple[int, int]], rules: Rules) -> list[Hit]:
    """A closing quote nothing opened, or a quote left open where the next paragraph does not continue it
    (news style leaves a quote open only when the next paragraph reopens it)."""
    out: list[Hit] = []
    for i, (start, end) in enumerate(lines):
        next_opens = i + 1 < len(lines) and text[lines[i + 1][0]] in "“\""
        open_at = -1
        for m in _CURLY.finditer(text, start, end):
            if m.group() == "“":
                open_at = m.start()
            elif open_at < 0:
                out.append((m.start(), m.end(), "Closing quotation mark with no opening one"))
            else:
                open_at = -1
        if open_at >= 0 and not next_opens:
            out.append((open_at, open_at + 1, "Quotation opened and never closed"))
        straight = [m.start() for m in _STRAIGHT.finditer(text, start, end)]
        if len(straight) % 2 and not next_opens:
            out.append((straight[-1], straight[-1] + 1, "Unbalanced quotation marks"))
    return out


def _broken_lines(text: str, lines: list[tuple[int, int]], rules: Rules) -> list[Hit]:
    out = []
    for (s1, e1), (s2, e2) in zip(lines, lines[1:]):
        first, second = text[s1:e1], text[s2:e2]
        if _runs_on(first, second, rules):
            start = s1 + first.rstrip().rfind(" ") + 1
            end = s2 + (len(second.split()[0]) if second.split() else 0)
            out.append((start, end, "Sentence broken by a line break"))
    return out


def _runs_on(first: str, second: str, rules: Rules) -> bool:
    if len(first.split()) < 6:
        return False
    if rules.ends_abbreviation.search(first) or rules.ends_dangling.search(first):
        return True
    if rules.ends_country.search(first) and rules.starts_title.match(second):
        return True
    return (first[-1].islower() or first[-1] == ",") and second[0].islower()


def _doubled(text: str, lines: list[tuple[int, int]], rules: Rules) -> list[Hit]:
    out = []
    for m in rules.doubled.finditer(text):
        if m.group(1).lower() not in rules.allowed_doubles:
            out.append((m.start(), m.end(), f"Doubled word “{m.group(1)} {m.group(2)}”"))
    for m in rules.doubled_hyphen.finditer(text):
        start, end = _word_around(text, m.start())
        out.append((start, end, "Doubled word part, as left by a spinner or careless edit"))
    return out


def _lowercase_proper(text: str, lines: list[tuple[int, int]], rules: Rules) -> list[Hit]:
    if rules.lower_proper is None:
        return []
    out = []
    for m in rules.lower_proper.finditer(text):
        if rules.lower_exceptions is not None and rules.lower_exceptions.match(text, m.start()):
            continue
        out.append((m.start(), m.end(), f"“{m.group()}” should be capitalised"))
    return out


def _odd_numbers(text: str, lines: list[tuple[int, int]], rules: Rules) -> list[Hit]:
    out: list[Hit] = []
    for m in _ODD_NUMERAL.finditer(text):
        number = int(m.group(1).replace(",", ""))
        if 1100 <= number <= 2000 and number % 100 == 0:
            continue  # "the 1900's": a century, written the old way
        out.append((m.start(), m.end(), f"Odd numeral “{m.group()}” (news style: “thousands”, “1,000s”)"))
    for m in rules.comma_multiplier.finditer(text):
        out.append((m.start(), m.end(), f"“{m.group()}”: a garbled quantity (e.g. “tens of thousands”)"))
    return out


_RULES: tuple[Callable[[str, list[tuple[int, int]], Rules], list[Hit]], ...] = (
    _glued_quotes, _unbalanced_quotes, _broken_lines, _doubled, _lowercase_proper, _odd_numbers,
)


def _statistics(
    text: str, sentences: list[tuple[int, int]], table: PhraseTable, known: frozenset[str], params: Mapping[str, float]
) -> tuple[np.ndarray, list[Hit], list[Hit]]:
    """Per sentence, how unusual its wording is (0..1); evidence for the unusual ones; non-words."""
    scores = table.score(text)
    nonwords = [
        (s, e, f"“{text[s:e]}” is not an English word (a machine-translation or spinner leftover?)")
        for s, e in scores.unknown
        if _is_nonword(text, s, e, table, known, int(params["min_nonword_letters"]))
    ]
    oddness = np.zeros(len(sentences))
    if not sentences or not len(scores.pmi):
        return oddness, [], nonwords
    # Pairs of rare words say little: the table is too small to have seen them, odd or not.
    usable = np.flatnonzero(scores.min_log_p > params["min_word_log_p"])
    starts = np.fromiter((s for s, _ in sentences), int, len(sentences))
    which = np.full(len(scores.pmi), -1)
    which[usable] = np.searchsorted(starts, scores.first_start[usable], side="right") - 1
    valid = which >= 0
    counts = np.bincount(which[valid], minlength=len(sentences))
    sums = np.bincount(which[valid], weights=scores.pmi[valid], minlength=len(sentences))
    # Shrink each sentence's mean towards that of clean news, so a sentence with three word pairs needs
    # stronger evidence than one with twenty.
    prior = params["prior_weight"]
    means = (sums + prior * params["prior_pmi"]) / (counts + prior)
    # A soft step: a sentence well below the threshold counts fully, one near it counts half.
    logistic = 1.0 / (1.0 + np.exp((means - params["pmi_threshold"]) / params["pmi_scale"]))
    oddness = np.where(counts >= params["min_pairs"], logistic, 0.0)
    unusual = []
    for i in np.flatnonzero(oddness >= 0.5).tolist():
        in_sentence = np.flatnonzero(which == i)
        worst = in_sentence[np.argsort(scores.pmi[in_sentence])[:2]]
        pairs = ", ".join(f"“{text[scores.first_start[j]:scores.second_end[j]]}”" for j in worst)
        s, e = sentences[i]
        unusual.append((s, e, f"Unusual wording for English news (word pairs clean text avoids: {pairs})"))
    return oddness, unusual, nonwords


def _is_nonword(text: str, start: int, end: int, table: PhraseTable, known: frozenset[str], min_letters: int) -> bool:
    """A lowercase word no dictionary knows and English spelling does not allow ("gmrim"); not a web address."""
    word = text[start:end]
    if end - start < min_letters or not word[0].islower():
        return False
    if _in_address(text, start, end):
        return False
    return word.replace("’", "'") not in known and not table.spellable(word)


def _in_address(text: str, start: int, end: int) -> bool:
    """Part of a web or e-mail address ("www.fdncenter.org"), where any string of letters is fine."""
    before = text[start - 1] if start else " "
    after = text[end : end + 2]
    return before in "./@#_" or (len(after) == 2 and after[0] in "./@_" and after[1].isalnum())


def _word_around(text: str, offset: int) -> tuple[int, int]:
    """The run of non-space characters around ``offset`` (the glued-together words)."""
    start, end = offset, offset + 1
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    while end < len(text) and not text[end].isspace():
        end += 1
    return start, end


def _summary(flagged: int, sentences: int) -> str:
    if not flagged:
        return "Clean copy: no garbled sentences"
    return f"Garbled or machine-like text: {flagged} of {sentences} sentences"
