"""headline_mismatch — a headline the body does not support.

Three checks, each conservative: a figure in the headline that the body never gives, a name in the headline the body
never mentions, and a headline verb ("refuses", "rejects") whose opposite ("agreed", "accepted") is all the body says.
Quiet when there is no headline or the body is too short to judge.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any, Sequence

from wordfreq import zipf_frequency

from ..config import Config
from ..model import Document, Evidence, Signal
from . import SignalContext

NAME = "headline_mismatch"

_TOKEN = re.compile(r"[A-Za-z][A-Za-z'’.-]*[A-Za-z]|[A-Z]")
# The digit comes first and the look-behind after it (two characters back): a pattern that opens with a class is
# scanned for it in C, one that opens with a look-behind is tried at every offset (twice the time over a body).
_NUMBER = re.compile(r"\d(?<![\w.,-].)[\d,]*(?:\.\d+)?(?![\w-])")
_LABEL_SPLIT = re.compile(r"\s+[|–—-]\s+|\s*\|\s*")
_SMALL_NUMBER = 10  # "three", "ten": small figures are usually spelled out in the body
_FUNCTION_WORDS = {"this", "that", "with", "from", "into", "over", "after", "before", "about", "what", "when", "where",
                   "which", "their", "there", "they", "will", "would", "could", "should", "have", "been", "were", "than",
                   "then", "more", "most", "some", "such", "only", "also", "just", "amid", "says", "said"}


@dataclass(frozen=True)
class Settings:
    parts: dict[str, float]
    title_case_max_zipf: float
    min_body_words: int
    label_max_words: int
    negative: tuple[str, ...]
    positive: tuple[str, ...]
    not_names: frozenset[str]

    @classmethod
    def from_config(cls, config: Config) -> "Settings":
        lex = config.lexicon(NAME)
        settings = lex.get("settings", {})
        polarity = lex.get("polarity", {})
        return cls(
            parts={k: float(v) for k, v in lex.get("parts", {}).items()},
            title_case_max_zipf=float(settings.get("title_case_max_zipf", 3.0)),
            min_body_words=int(settings.get("min_body_words", 80)),
            label_max_words=int(settings.get("label_max_words", 4)),
            negative=tuple(str(s).lower() for s in polarity.get("negative", [])),
            positive=tuple(str(s).lower() for s in polarity.get("positive", [])),
            not_names=frozenset(str(w).lower() for w in lex.get("not_names", [])),
        )


@dataclass(frozen=True)
class Finding:
    kind: str  # missing_number | missing_entity | reversed_polarity
    span: tuple[int, int]  # in doc.text, inside the headline
    note: str


def compute(doc: Document, ctx: SignalContext) -> Signal:
    settings = ctx.resource(f"{NAME}.settings", lambda: Settings.from_config(ctx.config))
    head = _headline(doc, settings)
    if head is None:
        return Signal(NAME, 0.0, (), "No headline to check.", {"headline": None})
    start, end = head
    body = _body(doc, start, end)
    if len(body.split()) < settings.min_body_words:
        return Signal(NAME, 0.0, (), "Body too short to check the headline against.", {"headline": doc.text[start:end]})
    if not _comparable(doc.text[start:end], body):
        # A first line that is a fragment, or shares little with the body, is not a headline we can hold it to.
        return Signal(NAME, 0.0, (), "First line does not read as this article's headline.", {"headline": doc.text[start:end]})
    findings = [*_missing_numbers(doc.text, head, body), *_missing_entities(doc.text, head, body, settings),
                *_reversed_polarity(doc.text, head, body, settings)]
    value = 1.0 - math.prod(1.0 - settings.parts.get(f.kind, 0.0) for f in findings)
    evidence = tuple(Evidence.of(doc.text, *f.span, f.note) for f in findings)
    return Signal(NAME, round(min(1.0, value), 4), evidence, _summary(findings), _details(doc.text, head, findings))


def _headline(doc: Document, settings: Settings) -> tuple[int, int] | None:
    """Span of the headline in the text, without a trailing label ("— Analysis", "| Reuters")."""
    span = doc.meta.spans.get("title")
    if not doc.meta.title or span is None or doc.text[span[0] : span[1]] != doc.meta.title:
        return None
    start, end = span
    pieces = list(_LABEL_SPLIT.finditer(doc.text, start, end))
    for sep in reversed(pieces):
        tail = doc.text[sep.end() : end]
        if len(tail.split()) <= settings.label_max_words and sep.start() > start:
            end = sep.start()
    return (start, end) if end > start else None


def _body(doc: Document, start: int, end: int) -> str:
    """The text after the headline, with repeats of the headline removed (a page often prints it twice)."""
    headline = doc.text[start:end]
    body = doc.text[end:].replace(headline, " ")
    return doc.text[:start] + " " + body


def _comparable(headline: str, body: str) -> bool:
    words = headline.split()
    if not 3 <= len(words) <= 25 or not headline[:1].isupper() and not headline[:1].isdigit():
        return False
    if headline.rstrip()[-1:] in ",;:(" or headline.count(",") > 3:
        return False
    content = {w.lower() for w in re.findall(r"[A-Za-z][a-z'’-]{3,}", headline)} - _FUNCTION_WORDS
    body_lower = body.lower()
    shared = [w for w in content if _mentioned(w, body_lower)]
    return len(shared) >= 2 and 3 * len(shared) >= len(content)


def _missing_numbers(text: str, head: tuple[int, int], body: str) -> list[Finding]:
    present = {_norm_number(m.group()) for m in _NUMBER.finditer(body)}
    out = []
    for m in _NUMBER.finditer(text, *head):
        value = _norm_number(m.group())
        if value in present or _is_small(value):
            continue
        span = (m.start(), m.end())
        out.append(Finding("missing_number", span, f"The headline says {m.group()}, a figure the article never gives."))
    return out


def _norm_number(raw: str) -> str:
    return raw.replace(",", "").rstrip(".")


def _is_small(value: str) -> bool:
    """Small figures (spelled out in bodies) and years (background in headlines) are not checked."""
    try:
        number = float(value)
    except ValueError:
        return True
    return number <= _SMALL_NUMBER or (number.is_integer() and 1900 <= number <= 2099)


def _missing_entities(text: str, head: tuple[int, int], body: str, settings: Settings) -> list[Finding]:
    tokens = list(_TOKEN.finditer(text, *head))
    title_case = _is_title_case([t.group() for t in tokens])
    body_lower = body.lower()
    out = []
    for i, m in enumerate(tokens):
        word = re.sub(r"['’]s$", "", m.group())
        if not _is_name(word, i, title_case, settings) or _mentioned(word, body_lower):
            continue
        out.append(Finding("missing_entity", (m.start(), m.start() + len(word)),
                           f"The headline names {word}, who or which the article never mentions."))
    return out


def _is_title_case(words: Sequence[str]) -> bool:
    long_words = [w for w in words[1:] if len(w) > 3]
    return bool(long_words) and sum(w[0].isupper() for w in long_words) / len(long_words) > 0.6


def _is_name(word: str, index: int, title_case: bool, settings: Settings) -> bool:
    if len(word) < 2 or word.lower() in settings.not_names or not word[0].isupper():
        return False
    if word.isupper():  # NATO, EU, IMF: acronyms are names in any headline style
        return True
    if title_case or index == 0:  # capitalised whatever it is: only rare words can be told apart as names
        return zipf_frequency(word.lower(), "en") < settings.title_case_max_zipf
    return True


def _mentioned(word: str, body_lower: str) -> bool:
    """Is the word, or a form sharing its stem (Russia/Russian, Zelensky/Zelenskyy), in the body?"""
    lower = word.lower()
    stem = lower[: max(4, len(lower) - 2)] if len(lower) > 4 else lower
    # A use of the stem that starts a word (no letter a-z before it), found with str.find: a regex built per word
    # would be compiled anew for most headline words.
    at = body_lower.find(stem)
    while at > 0 and "a" <= body_lower[at - 1] <= "z":
        at = body_lower.find(stem, at + 1)
    return at >= 0


def _reversed_polarity(text: str, head: tuple[int, int], body: str, settings: Settings) -> list[Finding]:
    # Headlines may be in title case; in the body, verbs are lower case and "Denys" (a name) is not "deny".
    headline = text[head[0] : head[1]].lower()
    out = []
    for said, opposite in ((settings.negative, settings.positive), (settings.positive, settings.negative)):
        used = [s for s in said if _has_stem(headline, s)]
        if not used or any(_has_stem(body, s) for s in said):
            continue
        contrary = [s for s in opposite if _count_stem(body, s) > 0]
        if sum(_count_stem(body, s) for s in contrary) < 2:
            continue  # one stray opposite verb is not a contradiction
        m = re.search(rf"\b{re.escape(used[0])}\w*", text[head[0] : head[1]], re.I)
        if m is None:
            continue
        span = (head[0] + m.start(), head[0] + m.end())
        out.append(Finding("reversed_polarity", span,
                           f"The headline says \"{m.group()}\", but the article never does; it says "
                           f"{', '.join(repr(c) for c in contrary[:3])} instead."))
    return out


def _has_stem(text: str, stem: str) -> bool:
    return _count_stem(text, stem) > 0


def _count_stem(text: str, stem: str) -> int:
    if " " not in stem and stem not in text:
        return 0  # most polarity stems are absent: a substring test instead of a regex scan of the body
    pattern = re.escape(stem).replace(r"\ ", r"\s+")
    return len(re.findall(rf"\b{pattern}\w*", text))


def _summary(findings: Sequence[Finding]) -> str:
    if not findings:
        return "Headline matches the article."
    kinds = {f.kind for f in findings}
    words = {"reversed_polarity": "headline contradicts the article", "missing_number": "headline figure not in the article",
             "missing_entity": "headline names someone the article never mentions"}
    text = "; ".join(words[k] for k in ("reversed_polarity", "missing_number", "missing_entity") if k in kinds)
    return text[0].upper() + text[1:]


def _details(text: str, head: tuple[int, int], findings: Sequence[Finding]) -> dict[str, Any]:
    return {"headline": text[head[0] : head[1]], "findings": [{"kind": f.kind, "span": list(f.span)} for f in findings]}
