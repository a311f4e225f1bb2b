"""Which of two articles came first, and does the later one credit the earlier (or the agency both relay)?

Order: the publication dates in the metadata when both are known and differ; otherwise the history store's
first-seen times; otherwise unknown. Credit: the later text names the earlier's outlet, its "Source:"/copyright
holder, its web site (``example.com`` or just "Example"), or a wire agency that the earlier text itself credits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from typing import Iterable, Sequence
from urllib.parse import urlsplit

from ..model import Document, Metadata
from ..signals._text import LiteralGate, lowered_for_gates

_CREDIT_CLUES = ("source", "copyright", "written_for", "agency")
_GENERIC_NAMES = frozenset({"staff", "news", "editor", "editors", "admin", "the", "online", "media", "press"})


@dataclass(frozen=True, slots=True)
class Origin:
    """What provenance needs to know about an article, whether in the batch or in the history store."""

    id: str
    text: str | None
    meta: Metadata
    first_seen: str | None = None

    @classmethod
    def of(cls, doc: Document) -> "Origin":
        return cls(doc.id, doc.text, doc.meta)


def parse_time(value: str | None) -> datetime | date | None:
    """An ISO 8601 date or datetime as found in metadata; None when absent or unparseable."""
    if not value:
        return None
    text = value.strip().replace("Z", "+00:00")
    try:
        if len(text) <= 10:
            return date.fromisoformat(text)
        parsed = datetime.fromisoformat(text)
        return parsed.replace(tzinfo=None)  # naive comparison: publication times are rarely given to the hour
    except ValueError:
        return None


def _before(x: datetime | date, y: datetime | date) -> bool | None:
    """True/False when the order is clear, None when equal (a date without time cannot order a same-day pair)."""
    if isinstance(x, datetime) and isinstance(y, datetime):
        return None if x == y else x < y
    dx = x.date() if isinstance(x, datetime) else x
    dy = y.date() if isinstance(y, datetime) else y
    return None if dx == dy else dx < dy


def earlier_of(a: Origin, b: Origin) -> str | None:
    """Id of the article that came first, or None when it cannot be told."""
    for attr in ("published", "first_seen"):
        ta = parse_time(a.meta.published if attr == "published" else a.first_seen)
        tb = parse_time(b.meta.published if attr == "published" else b.first_seen)
        if ta is not None and tb is not None:
            order = _before(ta, tb)
            if order is not None:
                return a.id if order else b.id
    return None


def credit_names(origin: Origin, agencies: Sequence[str]) -> list[str]:
    """Names by which a later article could credit ``origin``."""
    meta = origin.meta
    names = [meta.outlet or ""]
    names += [meta.clues.get(key, "") for key in _CREDIT_CLUES]
    names += _site_names(meta.url)
    names += [n for n in _site_names(meta.clues.get("source")) if n]
    if origin.text:
        names += [agency for agency in agencies if _mentions(origin.text, agency)]
    seen: dict[str, None] = {}
    for name in names:
        name = name.strip(" .,;:|-–—")
        if len(name) >= 2 and name.casefold() not in _GENERIC_NAMES:
            seen.setdefault(name, None)
    return list(seen)


def _site_names(value: str | None) -> list[str]:
    """``https://www.example.co.uk/x`` -> ["example.co.uk", "example"]; plain names give nothing."""
    if not value or "." not in value or " " in value.strip():
        return []
    host = urlsplit(value if "//" in value else f"//{value}").hostname or ""
    host = host.removeprefix("www.")
    if "." not in host:
        return []
    return [host, host.split(".")[0]]


def credited(earlier: Origin, later_text: str, agencies: Sequence[str]) -> bool | None:
    """Does ``later_text`` name the earlier article's outlet/site or an agency it relays? None if nothing to look for."""
    names = credit_names(earlier, agencies)
    if not names:
        return None
    return any(_mentions(later_text, name) for name in names)


def _mentions(text: str, name: str) -> bool:
    # The regex scans a whole article per name (about 70 µs; two dozen agency names per credit check); the
    # literal gate of the signals' lexicons rules most names out with C substring tests and never changes a result.
    gate = _name_gate(name)
    return (gate is None or gate.may_match(text, lowered_for_gates(text))) and _name_pattern(name).search(text) is not None


def _case_sensitive(name: str) -> bool:
    # Short all-caps agency names (AP, AFP) must match case-sensitively, or every "ap" inside a word would count.
    return len(name) <= 4 and name.isupper()


@lru_cache(maxsize=4096)
def _name_gate(name: str) -> LiteralGate | None:
    return LiteralGate.of(_name_pattern(name))


@lru_cache(maxsize=4096)
def _name_pattern(name: str) -> re.Pattern[str]:
    flags = 0 if _case_sensitive(name) else re.IGNORECASE
    return re.compile(rf"(?<!\w){re.escape(name)}(?!\w)", flags)


def names_for_note(origin: Origin) -> str:
    """Short label for evidence notes: "003 (CryptoNewsHub)"."""
    label = origin.meta.outlet or next(iter(_site_names(origin.meta.url)), None)
    return f"{origin.id} ({label})" if label else origin.id


def any_names(origins: Iterable[Origin]) -> bool:
    return any(o.meta.outlet or o.meta.url for o in origins)
