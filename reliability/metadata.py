"""Metadata from clues in an article's own lines: title, date, byline, "Source:" credit, copyright.

Only the head of the text is searched for the title, date and byline (a date in the body is an event, not the
publication date); the whole text is searched for ``Source:`` and copyright lines, which often close an article.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from .model import Metadata

HEAD_LINES = 6
MAX_TITLE_CHARS = 200

_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_MONTH_ABBR = "Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec"
_MONTH = rf"(?:{_MONTHS}|(?:{_MONTH_ABBR})\.?)"

# Dates as they appear in article heads. Named groups feed _to_iso.
_DATE_PATTERNS = [
    re.compile(r"\b(?P<y>(?:19|20)\d\d)-(?P<m>[01]\d)-(?P<d>[0-3]\d)(?:[T ](?P<H>[0-2]\d):(?P<M>[0-5]\d))?"),
    re.compile(
        rf"\b(?P<mon>{_MONTH})\s+(?P<d>[0-3]?\d),?\s+(?P<y>(?:19|20)\d\d)"
        r"(?:\s*(?:[–—-]|at|,)?\s*(?P<H>[01]?\d):(?P<M>[0-5]\d)\s*(?P<ampm>[ap]\.?m\.?)?)?",
        re.I,
    ),
    re.compile(rf"\b(?P<d>[0-3]?\d)\s+(?P<mon>{_MONTH})\s+(?P<y>(?:19|20)\d\d)", re.I),
]
# Every date pattern above holds a year. A search for one is a fast scan (it starts with a digit), where each
# date pattern is tried at every position: most head lines hold no year and need no more.
_YEAR = re.compile(r"(?:19|20)\d\d")
_DATE_LINE = re.compile(r"^\s*(?:date|published|posted|updated|dated)\s*:?\s*", re.I)
_BYLINE = re.compile(
    # A short prefix before a separator is allowed: "10/14/2025 / By Ethan Huff", "Opinion | By Jane Doe".
    r"^(?:[^\n]{0,40}?\s[|/•·—–]\s*)?\s*(?:By|by|BY|Author|Authors|Written by|Authored by|Posted by)\s*:?\s+"
    r"(?P<who>[A-Z][\w.'’-]*(?:\s+(?:[A-Z][\w.'’-]*|de|van|von|al|bin|and|&))*)(?P<rest>.*)$"
)
# A head line that is only a person's name, as many sites print bylines: "Scott Horsley", "Fiona Harvey in Belém",
# "Nick Triggle, Health correspondent". Two or three capitalised words, then at most a place or a role.
_NAME_LINE = re.compile(
    r"^(?P<who>[A-Z][a-zà-ÿ'’-]+(?:\s+[A-Z]\.)?(?:\s+(?:de|van|von|al|bin)?\s*[A-Z][a-zà-ÿ'’-]+){1,2})"
    r"(?:\s+(?:in|with)\s+[^\d\n]{2,40}|,\s+[^\d\n]{2,40})?$"
)
NAME_LINE_MAX_CHARS = 60
# Words this common are page furniture or headline words ("Breaking News", "World Service"), not names.
NAME_MAX_ZIPF = 5.0
_STAFF = re.compile(r"\b(?:Staff|Desk|Team|Editors|Editorial Board|Newsroom|Bureau|Reporter)\b\s*$", re.I)
# "By Eliza Marchetti Staff writer": "Staff" opens her job title, it does not make her name an outlet.
_JOB_AFTER_STAFF = re.compile(r"\s*(?:writer|reporter|correspondent|photographer|editor|columnist)\b", re.I)
# A head line that is only a desk credit, as some sites print it without "By": "Daily Kos Staff", "KXAN Newsroom".
_STAFF_LINE = re.compile(r"^(?P<who>(?P<outlet>[A-Z][\w.&'’-]*(?:\s+[A-Z][\w.&'’-]*){0,3})\s+(?:Staff|Newsroom|News Desk|Desk))$")
# "Staff Report", "From staff reports": a desk credit that names no outlet.
_STAFF_REPORT = re.compile(r"^(?:From\s+)?Staff\s+[Rr]eports?$")
# "Jack Kelleher | 3:30 PM on July 15, 2025": a name line followed by a separator and the time of posting.
_NAME_THEN_TIME = re.compile(r"^(?P<who>[^|•·\n]{3,60}?)\s*[|•·]\s*[^\n]*\d")
# What follows the outlet in a "Source:" credit without naming it: "CNA/fh" (desk initials), "Al Jazeera and news
# agencies".
_SOURCE_TAIL = re.compile(r"(?:\s*/\s*[a-z]{1,4}|,?\s+(?:and|with|&)\s+(?:news\s+)?(?:agencies|wires|wire services))\s*$")
_SOURCE = re.compile(r"^\s*(?:Source(?:\(s\))?|Via|Originally published (?:at|by|on))\s*:?\s+(?P<src>\S[^\n]{0,80}?)\s*$", re.I | re.M)
# "(c)" counts only before a year: in running text it is usually a list item, "(a) ... (b) ... (c) ...".
# The holder must start with a capital (case-sensitive even though the marker is not): "copyright and trademarks"
# names nobody. A full stop ends it unless a letter follows at once ("Bloomberg L.P.", "example.com").
_COPYRIGHT = re.compile(
    r"(?:©|\(c\)(?=\s*(?:19|20)\d\d)|Copyright)\s*(?:©\s*)?(?:(?:19|20)\d\d\s*(?:[-–]\s*(?:19|20)\d\d\s*)?)?(?:by\s+)?"
    r"(?P<holder>(?-i:(?:(?:Prof|Dr|Mr|Mrs|Ms|St)\.\s+)?[A-Z](?:[^\n.|?]|\.(?=[A-Za-z])){1,60}?))"
    r"\s*(?:\.(?![A-Za-z])|\||All rights reserved|$)",
    re.I | re.M,
)
# A copyright line holds "©", "(c)" or "copyright" in some case. Those letters have no other Unicode spelling that
# re.IGNORECASE accepts (unlike "i" or "s"), so substring tests on the lowered text rule out what the pattern, tried
# at every position, cannot match.
_COPYRIGHT_MARKS = ("(c", "copyr")


def _may_hold_copyright(text: str, lowered: str | None = None) -> bool:
    """``lowered``: ``text.lower()`` when the caller has it."""
    if "©" in text:
        return True
    lowered = text.lower() if lowered is None else lowered
    return any(mark in lowered for mark in _COPYRIGHT_MARKS)


# A "Source:" line holds one of these in some case: substring tests rule out most texts before the pattern, which
# is tried at every position. Under re.IGNORECASE "ı" and "İ" also match "i" and "ſ" matches "s", though
# str.lower() leaves them apart (the only such letters for these words, by a scan of all of Unicode): a text
# holding one is scanned.
_SOURCE_WORDS = ("source", "via", "originally published")
_FOLDS_TO_SOURCE_LETTERS = re.compile("[\u0130\u0131\u017f]")


def _may_name_source(text: str, lowered: str) -> bool:
    if not text.isascii() and _FOLDS_TO_SOURCE_LETTERS.search(text):
        return True
    return any(word in lowered for word in _SOURCE_WORDS)


# "© Sputnik / Natalia Seliverstova", "© AP Photo", "(c) 2024 Getty Images": who took a picture, not who owns the text.
_PHOTO_CREDIT = re.compile(r"/|\b(?:Photo|Photos|Images|Image|Shutterstock|Getty|Alamy|Pixabay|Unsplash|EPA|Pool)\b", re.I)
# "Written for X" names the outlet a piece was written for; "Written by X" is a byline (_BYLINE), not an outlet.
_WRITTEN_FOR = re.compile(r"^\s*Written for\s+(?P<who>[A-Z][\w.&' -]{1,60}?)\s*(?:[—–-]|,|\.|$)", re.M)


def _to_iso(m: re.Match[str]) -> str | None:
    g = m.groupdict()
    try:
        if g.get("mon"):
            mon = g["mon"].rstrip(".")[:3].title()
            dt = datetime.strptime(f"{g['y']} {mon} {int(g['d'])}", "%Y %b %d")
        else:
            dt = datetime(int(g["y"]), int(g["m"]), int(g["d"]))
    except ValueError:
        return None
    if g.get("H") is not None and g.get("M") is not None:
        hour = int(g["H"])
        ampm = (g.get("ampm") or "").lower().replace(".", "")
        if ampm == "pm" and hour < 12:
            hour += 12
        if ampm == "am" and hour == 12:
            hour = 0
        if hour > 23:
            return dt.date().isoformat()
        return dt.replace(hour=hour, minute=int(g["M"])).isoformat(timespec="minutes")
    return dt.date().isoformat()


def find_date(text: str, start: int = 0, end: int | None = None) -> tuple[str, tuple[int, int]] | None:
    """First parseable date in ``text[start:end]`` as (ISO string, span)."""
    segment = text[start:end]
    if _YEAR.search(segment) is None:
        return None
    best: tuple[int, re.Match[str]] | None = None
    for pattern in _DATE_PATTERNS:
        m = pattern.search(segment)
        if m and (best is None or m.start() < best[0]):
            best = (m.start(), m)
    if best is None:
        return None
    iso = _to_iso(best[1])
    if iso is None:
        return None
    return iso, (start + best[1].start(), start + best[1].end())


@dataclass
class _Clues:
    fields: dict[str, str | None] = field(default_factory=dict)
    clues: dict[str, str] = field(default_factory=dict)
    spans: dict[str, tuple[int, int]] = field(default_factory=dict)

    def set(self, name: str, value: str, span: tuple[int, int], *, clue: bool = False) -> None:
        target = self.clues if clue else self.fields
        if target.get(name):
            return
        target[name] = value
        self.spans.setdefault(name, span)

    def byline(self, text: str, who: str, who_span: tuple[int, int], line: tuple[int, int], *, dated: bool = False) -> None:
        """The author and the byline line they were read from; ``dated``: the line also gives the publication date."""
        self.set("author", who, who_span)
        self.set("byline", text[line[0] : line[1]], line, clue=True)
        date = find_date(text, *line) if dated else None
        if date:
            self.set("published", *date)


def _head_lines(text: str, n: int) -> list[tuple[int, int]]:
    """(start, end) of the first ``n`` non-blank lines, white space trimmed; the rest of the text is not scanned."""
    out: list[tuple[int, int]] = []
    for m in re.finditer(r"[^\n]+", text):
        s, e = m.span()
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            out.append((s, e))
            if len(out) == n:
                break
    return out


def _name_line(line: str) -> bool:
    """Is this short head line a person's name (with perhaps a place or role), not a headline or a label?"""
    if len(line) > NAME_LINE_MAX_CHARS:
        return False
    m = _NAME_LINE.match(line)
    if m is None:
        return False
    from wordfreq import zipf_frequency

    words = [w for w in re.findall(r"[A-Za-zà-ÿ'’-]{2,}", m.group("who")) if w[0].isupper()]
    return all(zipf_frequency(w.lower(), "en") < NAME_MAX_ZIPF for w in words)


def _person_before_paper(credit: str) -> str | None:
    """"Dana Whitcomb Globe" of "By Dana Whitcomb Globe Staff": a reporter's name, then the paper's short name.
    Two or three rare capitalised words before one more word; "Daily Kos", "Fox News Digital" stay desk credits."""
    words = credit.split()
    if not 3 <= len(words) <= 4 or words[0] in ("The", "A"):
        return None
    person = " ".join(words[:-1])
    return person if _name_line(person) else None


def is_byline(line: str) -> bool:
    """A line that is only a byline ("By Jane Doe", "by: KXAN Staff", "By Jane Doe | May 5, 2026"); "by Mayor Smith on
    Tuesday." is a sentence."""
    m = _BYLINE.match(line)
    if m is None:
        return False
    rest = m.group("rest").lstrip()
    return ":" in line[: m.start("who")] or not rest or rest[0] in "|•·—–-,"


def extract(text: str, base: Metadata | None = None) -> Metadata:
    """Metadata from text clues, filling only what ``base`` (JSONL fields, HTML metadata) left empty."""
    base = base or Metadata()
    found = _Clues()
    head = _head_lines(text, HEAD_LINES)
    for s, e in head:
        line = text[s:e]
        cursor = s
        date_prefix = _DATE_LINE.match(line)
        if date_prefix:
            date = find_date(text, s + date_prefix.end(), e)
            if date and date[1][0] == s + date_prefix.end():
                found.set("published", date[0], (s, date[1][1]))
                cursor = date[1][1]
                while cursor < e and text[cursor] in " \t|–—-,":
                    cursor += 1
        byline = _BYLINE.match(line)
        if byline:
            who = byline.group("who").strip()
            start = s + byline.start("who")
            staff = _STAFF.search(who)
            if staff and _JOB_AFTER_STAFF.match(byline.group("rest")):
                who, staff = who[: staff.start()].strip(), None
            elif staff and (person := _person_before_paper(who[: staff.start()])):
                who, staff = person, None
            found.byline(text, who, (start, start + len(who)), (s, e), dated=True)
            if staff:
                outlet = who[: staff.start()].strip()
                found.set("outlet", outlet, (start, start + len(outlet)))
            continue
        if _SOURCE.match(line):
            continue
        unsigned = "author" not in found.fields
        if unsigned and _STAFF_REPORT.match(line):
            found.byline(text, line, (s, e), (s, e))
            continue
        timed = _NAME_THEN_TIME.match(line) if unsigned and "title" in found.fields else None
        if timed and _name_line(timed.group("who")):
            found.byline(text, timed.group("who"), (s, s + timed.end("who")), (s, e), dated=True)
            continue
        desk = _STAFF_LINE.match(line) if unsigned else None
        if desk:
            found.byline(text, desk.group("who"), (s, e), (s, e))
            found.set("outlet", desk.group("outlet"), (s, s + desk.end("outlet")))
            continue
        if unsigned and "title" in found.fields and _name_line(line):
            who = _NAME_LINE.match(line)
            assert who is not None
            found.byline(text, who.group("who"), (s, s + who.end("who")), (s, e))
            continue
        if cursor < e and "title" not in found.fields and (e - cursor) <= MAX_TITLE_CHARS:
            found.set("title", text[cursor:e], (cursor, e))
        elif cursor < e and "title" not in found.fields:
            found.fields["title"] = None  # the first text line is a paragraph: no headline
        if "published" not in found.fields and (e - s) < 120:  # a date in a longer line is the body's, not a dateline
            date = find_date(text, s, e)
            if date:
                found.set("published", *date)
    lowered = text.lower()
    for m in _SOURCE.finditer(text) if _may_name_source(text, lowered) else ():
        start, end = m.span("src")
        tail = _SOURCE_TAIL.search(text, start, end)
        end = tail.start() if tail and tail.start() > start else end
        found.set("source", text[start:end].strip(), (start, end), clue=True)
    for m in _COPYRIGHT.finditer(text) if _may_hold_copyright(text, lowered) else ():
        if not _PHOTO_CREDIT.search(m.group("holder")):
            found.set("copyright", m.group("holder").strip(), m.span("holder"), clue=True)
    for m in _WRITTEN_FOR.finditer(text) if "Written " in text else ():  # the pattern is case-sensitive
        found.set("written_for", m.group("who").strip(), m.span("who"), clue=True)

    def pick(name: str) -> str | None:
        return getattr(base, name) or found.fields.get(name)

    return Metadata(
        title=pick("title"),
        url=base.url,
        outlet=pick("outlet"),
        author=pick("author"),
        published=pick("published"),
        path=base.path,
        clues={**found.clues, **dict(base.clues)},
        spans={**found.spans, **dict(base.spans)},
    )
