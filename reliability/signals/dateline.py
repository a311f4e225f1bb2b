"""no_dateline — the article states neither when nor where it was filed.

Quiet when the metadata has a publication date (URL feed field, HTML metadata, a date line in the head) or the text
opens with a dateline ("KYIV, March 3 (Reuters) -", "WASHINGTON (AP) —", "MOSCOW, November 8. /TASS/.") or carries a
"Published: <date>" line anywhere. Wire copy always has one; content farms and rewrites usually drop it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ..config import Config
from ..metadata import find_date
from ..model import Document, Evidence, Signal
from . import SignalContext

NAME = "no_dateline"

_MONTH = (r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?"
          r"|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?")
_SHORT_DATE = rf"(?:{_MONTH}\s+\d{{1,2}}|\d{{1,2}}\s+{_MONTH})(?:,?\s+(?:19|20)\d\d)?"
# PLACE[, Region][, date] [(Agency) | /Agency/] then a dash, colon or full stop. The place is in capitals, as
# wire services print it, so an ordinary sentence opening ("Despite this, ...") never looks like a dateline.
_DATELINE = re.compile(
    rf"^[ \t]*(?P<place>[A-Z][A-Z'’.-]+(?:[ -][A-Z][A-Z'’.-]+){{0,3}})"
    rf"(?:,[ \t]*[A-Z][A-Za-z.]+(?:[ \t][A-Z][A-Za-z.]+)?)?"
    rf"(?:,?[ \t]*(?P<date>{_SHORT_DATE}))?\.?"
    r"[ \t]*(?:\((?P<agency>[^()\n]{2,40})\)|/(?P<agency2>[^/\n]{2,30})/)?"
    r"[ \t]*[-–—:.]",
    re.M,
)

# "Kyiv, 3 March 2025 –": a place in ordinary case must be followed by a date to count.
_MIXED_CASE_DATELINE = re.compile(
    rf"^[ \t]*(?P<place>[A-Z][\w'’.-]+(?:[ \t]+[A-Z][\w'’.-]+){{0,2}})(?:,[ \t]*[A-Z][\w.]+)?,?[ \t]*"
    rf"(?P<date>{_SHORT_DATE})[ \t]*(?:\((?P<agency>[^()\n]{{2,40}})\)|/(?P<agency2>[^/\n]{{2,30}})/)?[ \t]*[-–—]",
    re.M,
)
# 12/10/2025, 27.08.2025, 10/14/2025: day/month order varies by site, so the date is reported as printed.
_NUMERIC_DATE = re.compile(r"(?<![\d/.])(?:[0-3]?\d)[./](?:[0-3]?\d)[./](?:19|20)\d\d(?![\d/.])")
# A head line that opens with a date: "10/14/2025 / By Ethan Huff", "Sunday, 02 November 2025 6:40 PM".
_DATE_FIRST_LINE = re.compile(
    rf"^[ \t]*(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*\.?,?[ \t]+)?(?:{_SHORT_DATE}|{_NUMERIC_DATE.pattern})", re.M
)


@dataclass(frozen=True)
class Settings:
    head_chars: int
    date_line: re.Pattern[str]

    @classmethod
    def from_config(cls, config: Config) -> "Settings":
        lex = config.lexicon(NAME)
        prefixes = sorted((str(p) for p in lex.get("date_line_prefixes", [])), key=len, reverse=True)
        alternation = "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in prefixes) or "published"
        return cls(int(lex.get("head_chars", 600)), re.compile(rf"^[ \t]*(?:{alternation})\b[ \t]*(?:on|at)?[ \t]*:?", re.I | re.M))


def compute(doc: Document, ctx: SignalContext) -> Signal:
    settings = ctx.resource(f"{NAME}.settings", lambda: Settings.from_config(ctx.config))
    found = find_dateline(doc.text, settings)
    if doc.meta.published:
        return Signal(NAME, 0.0, (), f"Published {doc.meta.published}.", _details(doc, found))
    if found is not None:
        return Signal(NAME, 0.0, (), f"Dateline: {found['text']}", _details(doc, found))
    dated = _date_line(doc.text, settings) or _dated_head_line(doc.text, settings)
    if dated is not None:
        return Signal(NAME, 0.0, (), f"Published {dated}.", {**_details(doc, None), "published": dated})
    note = ("No dateline or publication date: the head of the article does not say where or when it was filed, and no "
            "\"Published:\" line or date field was found.")
    return Signal(NAME, 1.0, (Evidence.of(doc.text, 0, 0, note),), "No date or dateline anywhere", _details(doc, None))


def find_dateline(text: str, settings: Settings) -> dict[str, Any] | None:
    """The first wire-style dateline that opens a line in the head of ``text``, as JSON-safe facts with its span."""
    head = text[: settings.head_chars]
    matches = [m for m in _DATELINE.finditer(head) if _is_dateline(m)] + list(_MIXED_CASE_DATELINE.finditer(head))
    for m in sorted(matches, key=lambda m: m.start())[:1]:
            start = m.start("place")
            return {"text": text[start : m.end()], "span": [start, m.end()], "place": m.group("place"),
                    "date": m.group("date"), "agency": m.group("agency") or m.group("agency2")}
    return None


def _is_dateline(m: re.Match[str]) -> bool:
    """A capitalised word before a dash is a dateline only with a date or an agency, or a real place-length name."""
    place = m.group("place")
    if m.group("date") or m.group("agency") or m.group("agency2"):
        return True
    # "LONDON —" stands alone; "BREAKING:" or "UPDATE:" are labels, not places, and end with a colon.
    return len(place) >= 3 and not m.group(0).rstrip().endswith(":") and not m.group(0).rstrip().endswith(".")


def _date_line(text: str, settings: Settings) -> str | None:
    """The date of a "Published: …" / "Issued on: …" line anywhere in the text."""
    for m in settings.date_line.finditer(text):
        line_end = text.find("\n", m.end())
        line_end = line_end if line_end >= 0 else len(text)
        found = find_date(text, m.end(), line_end)
        if found and found[1][0] - m.end() <= 3:
            return found[0]
        numeric = _NUMERIC_DATE.search(text, m.end(), line_end)
        if numeric and numeric.start() - m.end() <= 3:
            return numeric.group()
    return None


def _dated_head_line(text: str, settings: Settings) -> str | None:
    m = _DATE_FIRST_LINE.search(text, 0, settings.head_chars)
    return m.group().strip() if m else None


def _details(doc: Document, found: dict[str, Any] | None) -> dict[str, Any]:
    return {"published": doc.meta.published, "dateline": found}
