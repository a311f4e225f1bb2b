"""byline_origin — who wrote an article and how it reached us.

Five parts, each a penalty in [0, 1] from ``[lexicons.byline_origin.parts]``, combined as ``1 - prod(1 - p)`` so
one strong reason is enough and several weak ones add up without passing 1:

- the author: a named person, a desk credit ("By CryptoNewsHub Staff") or nobody;
- the outlet: from the URL, the outlet field, a "Source:" credit, or a credit/copyright line, rated by the registry;
- the agencies it relays ("TASS quotes…", "(AP) —", "according to Reuters"), a state agency alone being worst;
- a copyright / "Written for" holder that contradicts the byline outlet;
- an outlet named for one beat (crypto, sport…) writing far outside it.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from re import _constants, _parser  # type: ignore[attr-defined]  # read-only use: line-anchored patterns
from typing import Any, Iterable, Iterator, Mapping, Sequence

from ..config import Config, ConfigError
from ..model import Document, Evidence, Signal
from ..outlets import OutletRating, OutletRegistry, name_key
from . import SignalContext
from ._text import LiteralGate, lowered_for_gates

NAME = "byline_origin"

_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")
_CREDIT_LINE = re.compile(
    r"^\s*(?:Reporting|Reported|Writing|Additional reporting|(?:This|The) (?:article|story|report) was written) by\s+"
    r"(?P<who>[A-Z][\w'’-]+(?:\s+[A-Z][\w'’.-]+){1,3})",
    re.M,
)
# "MOSCOW, October 6 – RIA Novosti." : the agency after a dash closing a capitalised dateline.
_DASH_DATELINE_BEFORE = re.compile(r"^[ \t]*[A-Z][A-Z'’. -]{2,40},[^\n]{0,30}[–—-][ \t]*$", re.M)
# Words in a company name that say nothing about which company it is.
_GENERIC = {"the", "news", "media", "group", "ltd", "limited", "inc", "llc", "corp", "co", "plc", "gmbh", "company",
            "network", "all", "rights", "reserved", "com", "www", "online", "digital", "publishing", "holdings"}
DATELINE_CHARS = 300
# Credits that say who published an article; copyright and "Written for" lines, and the article naming itself, are
# the fallbacks when none does.
_PUBLISHER_ROLES = ("url", "outlet", "source", "credit", "dateline")


@dataclass(frozen=True)
class Lexicon:
    parts: Mapping[str, float]
    staff_markers: frozenset[str]
    agency_patterns: tuple[tuple[str, str, re.Pattern[str]], ...]  # (key, domain, names regex)
    relay_before: re.Pattern[str]
    relay_after: re.Pattern[str]
    beats: Mapping[str, tuple[re.Pattern[str] | None, tuple[str, ...]]]
    credit_patterns: tuple[re.Pattern[str], ...] = ()
    agency_names: Mapping[str, tuple[str, str]] = field(default_factory=dict)  # name as written -> (key, domain)
    any_agency: re.Pattern[str] = re.compile(r"(?!)")  # every name in one pass over the text
    # One per credit pattern: most never match, and a substring test rules them out for a fraction of a scan.
    credit_gates: tuple[LiteralGate | None, ...] = ()
    media_groups: tuple[str, ...] = ()  # lowercased owners of many outlets ("nexstar media")
    # Phrases in which an outlet names itself ("IBTimes UK has contacted…"); interviews given to it ("told The
    # Verge") count only when those name none.
    self_references: tuple[NamePhrase, ...] = ()
    interview_credits: tuple[NamePhrase, ...] = ()

    @classmethod
    def from_config(cls, config: Config) -> "Lexicon":
        lex = config.lexicon(NAME)
        credit_patterns = tuple(
            _regex(str(p), f"{config.source}: lexicons.{NAME}.credit_patterns[{i}]")
            for i, p in enumerate(lex.get("credit_patterns", []))
        )
        return cls(
            parts={k: float(v) for k, v in lex.get("parts", {}).items()},
            staff_markers=frozenset(str(w).lower() for w in lex.get("staff_markers", [])),
            agency_patterns=tuple(_agency_patterns(lex.get("agencies", {}))),
            agency_names=_agency_names(lex.get("agencies", {})),
            any_agency=_any_name(_agency_names(lex.get("agencies", {}))),
            relay_before=_phrases(lex.get("relay_before", []), before=True),
            relay_after=_phrases(lex.get("relay_after", []), before=False),
            beats={k: _beat(v, f"{config.source}: lexicons.{NAME}.beats.{k}.name_pattern") for k, v in lex.get("beats", {}).items()},
            credit_patterns=credit_patterns,
            credit_gates=tuple(LiteralGate.of(p) for p in credit_patterns),
            media_groups=tuple(str(g).lower() for g in lex.get("media_groups", [])),
            self_references=_name_phrases(lex.get("self_references", []), f"{config.source}: lexicons.{NAME}.self_references"),
            interview_credits=_name_phrases(lex.get("interview_credits", []), f"{config.source}: lexicons.{NAME}.interview_credits"),
        )

    def part(self, name: str) -> float:
        return self.parts.get(name, 0.0)


@dataclass(frozen=True)
class NamePhrase:
    """A phrase with a ``{name}`` slot, "Special to {name}" or "{name} has contacted": the regex around the slot is
    scanned for and the name is read next to it. A regex opening with a literal is found by a fast scan in C (a
    substring test would cost as much, so there is no gate)."""

    before: re.Pattern[str] | None  # the part before the slot, or None when the name opens the phrase
    after: re.Pattern[str] | None


_GLOBAL_FLAGS = re.compile(r"\(\?[aiLmsux]+\)")


def _name_phrases(phrases: Sequence[Any], where: str) -> tuple[NamePhrase, ...]:
    out = []
    for i, phrase in enumerate(str(p) for p in phrases):
        flags = _GLOBAL_FLAGS.match(phrase)
        parts = phrase[flags.end() if flags else 0 :].split("{name}")
        if len(parts) != 2 or not (parts[0] or parts[1]):
            raise ConfigError(f"{where}[{i}] must hold {{name}} once, with a phrase before or after it")
        if flags:  # "(?m)^By … | {name}$": the flags hold for both sides of the slot
            parts = [flags.group() + part if part else part for part in parts]
        before, after = (_regex(part, f"{where}[{i}]") if part else None for part in parts)
        out.append(NamePhrase(before, after))
    return tuple(out)


def _agency_patterns(agencies: Mapping[str, Any]) -> Iterable[tuple[str, str, re.Pattern[str]]]:
    for key, entry in agencies.items():
        names = sorted((str(n) for n in entry.get("names", [])), key=len, reverse=True)
        if names and entry.get("domain"):
            # Case-sensitive on purpose: "AP" and "RT" are agencies, "ap" and "rt" are not.
            alternation = "|".join(re.escape(n) for n in names)
            yield key, str(entry["domain"]), re.compile(rf"(?<![\w-])(?:{alternation})(?![\w-])")


def _agency_names(agencies: Mapping[str, Any]) -> dict[str, tuple[str, str]]:
    return {str(n): (key, str(e["domain"])) for key, e in agencies.items() if e.get("domain") for n in e.get("names", [])}


def _any_name(names: Mapping[str, tuple[str, str]]) -> re.Pattern[str]:
    if not names:
        return re.compile(r"(?!)")
    ordered = sorted((n for n in names if n), key=len, reverse=True)
    # "(?<![\w-])(?:AFP|Reuters|...)" with the look-behind moved after each name's first character (it then looks
    # two characters back): a pattern whose branches all open with a literal is scanned in C for those letters;
    # one that opens with a look-behind or look-ahead is tried at every position.
    branches = (re.escape(n[0]) + r"(?<![\w-].)" + re.escape(n[1:]) for n in ordered)
    return re.compile(rf"(?:{'|'.join(branches)})(?![\w-])")


def _phrases(phrases: Sequence[str], *, before: bool) -> re.Pattern[str]:
    alternation = "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in sorted(phrases, key=len, reverse=True))
    if before:
        # "according to [the French news agency] AFP": up to four words between the phrase and the name.
        return re.compile(rf"\b(?:{alternation})\s+(?:[\w’'-]+\s+){{0,4}}$", re.I)
    # "AFP['s] [news] [agency] [has] reported": the verb follows the name closely.
    return re.compile(rf"^(?:['’]s)?[\s,]*(?:(?:news\s+)?agency\s+)?(?:has\s+|had\s+|also\s+|later\s+)?(?:{alternation})\b", re.I)


def _beat(entry: Mapping[str, Any], where: str) -> tuple[re.Pattern[str] | None, tuple[str, ...]]:
    pattern = entry.get("name_pattern")
    return (_regex(str(pattern), where, re.I) if pattern else None), tuple(str(k).lower() for k in entry.get("keywords", []))


def _regex(pattern: str, where: str, flags: int = 0) -> re.Pattern[str]:
    try:
        return re.compile(pattern, flags)
    except re.error as exc:
        raise ConfigError(f"{where} is not a valid regular expression ({exc})") from None


@dataclass(frozen=True)
class Part:
    """One reason the signal moved: a penalty, the spans behind it and a phrase for the summary."""

    name: str
    penalty: float
    phrase: str
    evidence: tuple[Evidence, ...] = ()


@dataclass(frozen=True)
class Credit:
    """An outlet the article names or comes from: its role (url, outlet, source, written_for, copyright, dateline)."""

    role: str
    name: str
    rating: OutletRating
    span: tuple[int, int] | None = None


@dataclass(frozen=True)
class Agency:
    key: str
    name: str
    rating: OutletRating
    span: tuple[int, int]
    dateline: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "domain": self.rating.domain, "rating": self.rating.word, "span": list(self.span)}


@dataclass
class Findings:
    author: str | None = None
    author_kind: str = "none"
    author_span: tuple[int, int] | None = None
    credits: list[Credit] = field(default_factory=list)
    agencies: list[Agency] = field(default_factory=list)


def compute(doc: Document, ctx: SignalContext) -> Signal:
    lex = ctx.resource(f"{NAME}.lexicon", lambda: Lexicon.from_config(ctx.config))
    registry = ctx.resource("outlets.registry", lambda: OutletRegistry.from_config(ctx.config))
    found = _find(doc, lex, registry)
    maybe = [
        _author_part(doc, found, lex),
        _outlet_part(doc, found, lex),
        _agency_part(doc, found, lex),
        _conflict_part(doc, found, lex),
        _off_beat_part(doc, found, lex),
    ]
    parts = [p for p in maybe if p is not None]
    value = 1.0 - math.prod(1.0 - min(1.0, max(0.0, p.penalty)) for p in parts)
    return Signal(
        NAME,
        round(min(1.0, max(0.0, value)), 4),
        tuple(e for p in parts if p.penalty > 0 for e in p.evidence),
        _summary(found, parts),
        _details(found, parts),
    )


def _find(doc: Document, lex: Lexicon, registry: OutletRegistry) -> Findings:
    found = Findings()
    _find_author(doc, lex, registry, found)
    found.credits = list(_credits(doc, registry)) + _credit_lines(doc, lex, registry) + _author_as_outlet(found, registry)
    own = {c.rating.domain for c in found.credits if c.rating.domain}
    for agency in _agencies(doc.text, lex, registry):
        if agency.rating.domain not in own:  # a Reuters story citing Reuters relays nothing
            found.agencies.append(agency)
    if not any(c.role in ("url", "outlet", "source", "credit") for c in found.credits):
        # A wire dateline, "KYIV (Reuters) -", names the outlet the story comes from.
        found.credits += [Credit("dateline", a.name, a.rating, a.span) for a in found.agencies if a.dateline][:1]
        found.agencies = [a for a in found.agencies if not a.dateline]
    if not any(c.role in _PUBLISHER_ROLES for c in found.credits):
        found.credits += _dateline_outlet(doc.text, registry)
    if not any(c.role in _PUBLISHER_ROLES or c.rating.known for c in found.credits):
        found.credits += _self_mentions(doc, lex, registry)
    return found


_POSSESSIVE = re.compile(r"[’'](?:s|(?<=s[’']))$")  # "The Verge's", "MintPress News'"


def _self_mentions(doc: Document, lex: Lexicon, registry: OutletRegistry) -> list[Credit]:
    """The rated outlet the text names as itself most often: "IBTimes UK has contacted…", "covers climate for the
    Miami Herald", "Subscribe today to OregonLive.com", a masthead line under the byline; interviews given to it
    ("told The Verge") and its staff's e-mail addresses only if none of those names one. Unrated names are ignored:
    "The company has contacted…" names no outlet."""
    for tier in (_strong_mentions, _weak_mentions):
        counts: Counter[str] = Counter()
        first: dict[str, Credit] = {}
        for credit in tier(doc, lex, registry):
            domain = credit.rating.domain or credit.name
            counts[domain] += 1
            if domain not in first or (credit.span or (0,))[0] < (first[domain].span or (0,))[0]:
                first[domain] = credit
        if counts:
            best = max(counts, key=lambda d: (counts[d], -(first[d].span or (0,))[0]))
            return [first[best]]
    return []


# An outlet's name as printed: capitalised words (digits after the first: "KARE 11"), perhaps with "The" and a
# possessive; "The Oregonian/OregonLive" is two names of one outlet.
# A name's first letter is a capital, or a small letter before one ("iHeartIntelligence", "eNCA").
_NAME_AHEAD = re.compile(r"(?:[Tt]he )?(?:[A-Z]|[a-z](?=[A-Z]))[\w&.'’-]*(?:[ /][A-Z0-9][\w&.'’-]*){0,3}")
_NAME_BEHIND = re.compile(r"(?:(?:[A-Z]|[a-z](?=[A-Z]))[\w&.'’-]*[ /]){0,4}(?:[A-Z]|[a-z](?=[A-Z]))[\w&.'’-]*$")
_NAME_WORD = re.compile(r"[^ /]+")
_DETERMINER_BEFORE = re.compile(r"\b(?:our|your|their|its|his|her|my)\s+(?:[a-z]+\s+){0,2}$")
NAME_WINDOW = 80
_NOT_NAME_EDGE = frozenset(
    "Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May June July August "
    "September October November December Today Tonight Yesterday On In At But And So Yet Also Meanwhile Earlier "
    "Later Now Then This Last Separately However".split()
)


def _strong_mentions(doc: Document, lex: Lexicon, registry: OutletRegistry) -> Iterator[Credit]:
    yield from _masthead_under_byline(doc, registry)
    for phrase in lex.self_references:
        yield from _phrase_mentions(doc.text, phrase, registry)


def _weak_mentions(doc: Document, lex: Lexicon, registry: OutletRegistry) -> Iterator[Credit]:
    for phrase in lex.interview_credits:
        yield from _phrase_mentions(doc.text, phrase, registry)
    yield from _mail_domains(doc.text, registry)


_MAIL = re.compile(r"[\w.+-]+@(?P<domain>[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)")


def _mail_domains(text: str, registry: OutletRegistry) -> Iterator[Credit]:
    """"Tyler Brandt can be reached at tylerb@spokesman.com": a rated news domain in an e-mail address."""
    if "@" not in text:
        return
    for m in _MAIL.finditer(text):
        domain = m.group("domain").rstrip(".").lower()
        rating = registry.lookup_domain(domain)
        if rating.known:
            yield Credit("mention", domain, rating, m.span("domain"))


def _masthead_under_byline(doc: Document, registry: OutletRegistry) -> Iterator[Credit]:
    """"By Tyler Brandt" then "The Spokesman-Review": the line after the byline is only the outlet's name."""
    span = doc.meta.spans.get("byline")
    if not doc.meta.clues.get("byline") or span is None:
        return
    text = doc.text
    start = span[1]
    while start < len(text) and text[start] in " \t\r\n":
        start += 1
    end = text.find("\n", start)
    end = len(text) if end < 0 else end
    line = text[start:end].strip()
    # One plain word there is more often a job title ("Reporter") than a masthead.
    several = " " in line or "." in line or _CAMEL.search(line) is not None
    if 2 < len(line) <= 40 and several and not any(ch.isdigit() for ch in line) and _NAME_AHEAD.fullmatch(line):
        rating = registry.lookup_name(line)
        if rating.known:
            yield Credit("mention", line, rating, (start, start + len(line)))


def _phrase_mentions(text: str, phrase: NamePhrase, registry: OutletRegistry) -> Iterator[Credit]:
    if phrase.before is not None:
        anchored = _at_line_start(phrase.before)  # "(?m)^By …": tried at line starts only
        for m in _line_matches(phrase.before, text, _line_starts(text)) if anchored else phrase.before.finditer(text):
            ahead = _NAME_AHEAD.match(text, m.end())
            if ahead is None:
                continue
            words = list(_NAME_WORD.finditer(text, ahead.start(), ahead.end()))
            # The whole run of capitalised words, then without a closing weekday or month ("told NPR Tuesday"):
            # never a shorter piece of a name ("the Boston Weather newsletter" is not boston.com).
            candidates = [(ahead.start(), ahead.end())]
            while len(words) > 1 and _POSSESSIVE.sub("", words[-1].group()) in _NOT_NAME_EDGE:
                words.pop()
                candidates.append((ahead.start(), words[-1].end()))
            # A possessive ends a name: "The Spokesman-Review's Northwest Passages series".
            owner = next((w for w in words[:-1] if _POSSESSIVE.search(w.group())), None)
            if owner is not None:
                candidates.append((ahead.start(), owner.end()))
            credit = _first_rated(text, candidates, phrase.after, registry)
            if credit is not None:
                yield credit
        return
    assert phrase.after is not None
    for m in phrase.after.finditer(text):
        lo = max(text.rfind("\n", 0, m.start()) + 1, m.start() - NAME_WINDOW)
        behind = _NAME_BEHIND.search(text, lo, m.start())
        if behind is None:
            continue
        words = list(_NAME_WORD.finditer(text, behind.start(), behind.end()))
        # The whole run, then without opening words that are no part of a name ("On Tuesday IBTimes UK has…").
        candidates = [(behind.start(), behind.end())]
        while len(words) > 1 and words[0].group() in _NOT_NAME_EDGE:
            words.pop(0)
            candidates.append((words[0].start(), behind.end()))
        credit = _first_rated(text, candidates, None, registry)
        if credit is not None:
            yield credit


def _first_rated(text: str, candidates: Sequence[tuple[int, int]], after: re.Pattern[str] | None,
                 registry: OutletRegistry) -> Credit | None:
    for start, end in candidates:
        if after is not None and not after.match(text, end):
            continue
        if _DETERMINER_BEFORE.search(text, max(0, start - 40), start):
            return None  # "Sign up to our free Health newsletter": a section of the site, not its name
        credit = _mention(text, start, end, registry)
        if credit is not None:
            return credit
    return None


def _mention(text: str, start: int, end: int, registry: OutletRegistry) -> Credit | None:
    """The rated outlet ``text[start:end]`` names: "The Verge's" is The Verge; "The Oregonian/OregonLive" is
    whichever of its names the registry rates."""
    name = _POSSESSIVE.sub("", text[start:end].rstrip(".,;:"))
    for part in (name, *name.split("/")) if "/" in name else (name,):
        part = part.strip()
        if len(part) < 2:
            continue
        rating = registry.lookup_name(part)
        if rating.known:
            offset = start + name.find(part)
            if part.startswith("the "):  # "subscribe to the Daily Sceptic": the sentence's "the", not the name's
                offset, part = offset + 4, part[4:]
            return Credit("mention", part, rating, (offset, offset + len(part)))
    return None


# "AUSTIN (KXAN) —", "SALT LAKE CITY (KSL) -": a station or paper names itself in its dateline as wires do.
_DATELINE_OUTLET = re.compile(
    r"(?m)^[ \t]*[A-Z][A-Za-z'’. -]{1,40}(?:,[^\n(]{1,30})?[ \t]*\((?P<name>[A-Z][\w.&'’-]*(?: [A-Z][\w.&'’-]*){0,3})\)[ \t]*[—–-]"
)


def _dateline_outlet(text: str, registry: OutletRegistry) -> list[Credit]:
    m = _DATELINE_OUTLET.search(text, 0, DATELINE_CHARS + 100)
    if m is None or m.start("name") > DATELINE_CHARS:
        return []
    rating = registry.lookup_name(m.group("name"))
    return [Credit("dateline", m.group("name"), rating, m.span("name"))] if rating.known else []


def _find_author(doc: Document, lex: Lexicon, registry: OutletRegistry, found: Findings) -> None:
    author, span = doc.meta.author, doc.meta.spans.get("author")
    if not author:
        m = next(_line_matches(_CREDIT_LINE, doc.text, _line_starts(doc.text)), None)  # its first match, as search
        if m:
            author, span = m.group("who").strip(), m.span("who")
    if not author:
        return
    found.author, found.author_span = author, span
    found.author_kind = _author_kind(author, lex, registry)


_CAMEL = re.compile(r"[a-z][A-Z]")


def _author_kind(author: str, lex: Lexicon, registry: OutletRegistry) -> str:
    """"named", "staff" or "agency". "Jane Doe, Staff Writer" is named: the title after the comma is her job."""
    author = re.split(r",|\s[-–—|]\s", author, maxsplit=1)[0].strip()
    words = [w.lower() for w in _WORD.findall(author)]
    if any(w in lex.staff_markers for w in words) or any(" " in m and m in author.lower() for m in lex.staff_markers):
        return "staff"
    if any(p.fullmatch(author.strip()) for _, _, p in lex.agency_patterns):
        return "agency"
    if _CAMEL.search(author) or registry.lookup_name(author).known:
        return "staff"  # a brand ("CryptoNewsHub Daily") or an outlet's own name signs it, not a person
    capitalised = [w for w in _WORD.findall(author) if w[0].isupper()]
    # A person's byline has a given name and a surname; one capitalised token is a brand ("Admin", "Newsbreak").
    return "named" if len(capitalised) >= 2 else "staff"


def _credits(doc: Document, registry: OutletRegistry) -> Iterable[Credit]:
    meta = doc.meta
    if meta.url:
        rating = registry.lookup_url(meta.url)
        yield Credit("url", rating.domain or meta.url, rating)
    if meta.outlet:
        yield Credit("outlet", meta.outlet, registry.lookup_name(meta.outlet), meta.spans.get("outlet"))
    for role in ("source", "written_for", "copyright"):
        name = meta.clues.get(role)
        if name:
            yield Credit(role, name, registry.lookup_name(name), meta.spans.get(role))


def _author_as_outlet(found: Findings, registry: OutletRegistry) -> list[Credit]:
    """"By Reuters", "By Global Times": an agency or outlet signing the story is where it comes from."""
    if found.author_kind == "named" or not found.author:
        return []
    rating = registry.lookup_name(found.author)
    return [Credit("outlet", found.author, rating, found.author_span)] if rating.known else []


def _credit_lines(doc: Document, lex: Lexicon, registry: OutletRegistry) -> list[Credit]:
    """Outlets named by lines like "The original source of this article is X" or "(FRANCE 24 with AFP)"."""
    out: list[Credit] = []
    lowered = lowered_for_gates(doc.text)
    gates = lex.credit_gates if len(lex.credit_gates) == len(lex.credit_patterns) else (None,) * len(lex.credit_patterns)
    starts = _line_starts(doc.text)
    for pattern, gate in zip(lex.credit_patterns, gates):
        anchored = _at_line_start(pattern)
        # A line-anchored pattern is tried at a few line starts, cheaper than the gate's substring searches.
        if gate is not None and not anchored and not gate.may_match(doc.text, lowered):
            continue
        for m in _line_matches(pattern, doc.text, starts) if anchored else pattern.finditer(doc.text):
            name = m.group("name").strip().rstrip(".,;:")
            rating = registry.lookup_name(name)
            # A place or a person in the same position must not become an outlet: keep only what the registry
            # knows or what is spelled as a domain.
            if rating.known or rating.domain and "." in name:
                out.append(Credit("credit", name, rating, (m.start("name"), m.start("name") + len(name))))
                break
    return out


def _line_starts(text: str) -> list[int]:
    return [0, *(m.end() for m in _NEWLINE.finditer(text))]


_NEWLINE = re.compile(r"\n")


@lru_cache(maxsize=256)
def _at_line_start(pattern: re.Pattern[str]) -> bool:
    """Does every match start at a line start ("(?m)^...")? Such a pattern is tried only there."""
    if not pattern.flags & re.MULTILINE:
        return False
    try:
        first = list(_parser.parse(pattern.pattern, pattern.flags))[:1]
    except Exception:  # the private parser changed shape: scan the whole text, same results
        return False
    return first == [(_constants.AT, _constants.AT_BEGINNING)]


def _line_matches(pattern: re.Pattern[str], text: str, starts: list[int]) -> Iterator[re.Match[str]]:
    """``pattern.finditer(text)`` for a pattern anchored at line starts: tried at each line start, not at every
    character (a "^" with re.MULTILINE matches only at the text's start and after a line feed)."""
    last_end = 0
    for start in starts:
        if start < last_end:
            continue
        m = pattern.match(text, start)
        if m is None:
            continue
        if m.end() == m.start():  # finditer would also look for a longer match here: let it
            yield from (found for found in pattern.finditer(text, start) if found.start() >= start)
            return
        yield m
        last_end = m.end()


def _agencies(text: str, lex: Lexicon, registry: OutletRegistry) -> list[Agency]:
    seen: dict[str, Agency] = {}
    for m in lex.any_agency.finditer(text):
        key, domain = lex.agency_names[m.group()]
        if key in seen:
            continue
        dateline = _in_dateline(text, m.start(), m.end())
        if dateline or _relayed(text, m.start(), m.end(), lex):
            seen[key] = Agency(key, m.group(), registry.lookup_domain(domain), m.span(), dateline)
    return sorted(seen.values(), key=lambda a: a.span)


def _in_dateline(text: str, start: int, end: int) -> bool:
    """"(Reuters) -", "/TASS/", "(AP) —" near the top: the wire that filed the story."""
    if start > DATELINE_CHARS:
        return False
    before, after = text[start - 1 : start], text[end : end + 1]
    if (before, after) in {("(", ")"), ("/", "/")}:
        return True
    line_start = text.rfind("\n", 0, start) + 1
    return after == "." and _DASH_DATELINE_BEFORE.fullmatch(text, line_start, start) is not None


def _relayed(text: str, start: int, end: int, lex: Lexicon) -> bool:
    sentence_start = max(text.rfind(". ", 0, start), text.rfind("\n", 0, start), start - 80)
    before = text[sentence_start + 1 : start]
    after = text[end : end + 60]
    return bool(lex.relay_before.search(before) or lex.relay_after.search(after)) or _in_dateline(text, start, end)


def _author_part(doc: Document, found: Findings, lex: Lexicon) -> Part:
    part = _author_part_alone(doc, found, lex)
    if part.penalty and _reliable_publisher(found):
        factor = lex.part("reliable_publisher_author_factor") or 1.0
        return Part(part.name, part.penalty * factor, part.phrase, part.evidence)
    return part


def _author_part_alone(doc: Document, found: Findings, lex: Lexicon) -> Part:
    if found.author_kind == "named":
        return Part("author", 0.0, f"signed by {found.author}")
    if found.author_kind == "agency":
        return Part("author", lex.part("agency_author"), f"credited to the agency {found.author}", _ev(doc, found.author_span, f"Byline credits the agency {found.author}, not a reporter."))
    if found.author_kind == "staff":
        note = f"Byline \"{found.author}\" is a desk or brand credit: no reporter answers for this article by name."
        return Part("author", lex.part("staff_author"), "staff byline (no named reporter)", _ev(doc, found.author_span, note))
    note = "No byline: nobody signs this article (looked for \"By …\", \"Reporting by …\" and the author field)."
    return Part("author", lex.part("no_author"), "no author", (Evidence.of(doc.text, 0, 0, note),))


_RATING_PART = {1: None, 0: "outlet_mixed", -1: "outlet_unreliable", -2: "outlet_blacklisted"}


def _outlet_part(doc: Document, found: Findings, lex: Lexicon) -> Part:
    rated = [c for c in found.credits if c.role in _PUBLISHER_ROLES]
    if not rated:  # a copyright or "Written for" line, or the text naming itself, is the last resort
        holders = [c for c in found.credits if c.role in ("written_for", "copyright")]
        mentions = [c for c in found.credits if c.role == "mention"]
        rated = ([c for c in holders if c.rating.known] or mentions or holders)[:1]
    if not rated:
        note = "No outlet: no URL, outlet field, \"Source:\" credit, dateline agency, copyright line or phrase naming the outlet itself (\"… has contacted\", \"Subscribe to …\") says who published this."
        return Part("outlet", lex.part("no_outlet"), "no outlet named", (Evidence.of(doc.text, 0, 0, note),))
    worst = max(rated, key=lambda c: _credit_penalty(c, lex))
    penalty = _credit_penalty(worst, lex)
    same = [c for c in found.credits if c not in rated and any(_same_outlet(c, r) for r in rated)]
    notes = [ev for c in rated for ev in _ev(doc, c.span, _credit_note(c))]
    notes += [ev for c in same for ev in _ev(doc, c.span, f"{_sentence_case(_ROLE_WORDS[c.role])}: {c.name}, the same outlet.")]
    if worst.rating.known:
        return Part("outlet", penalty, f"outlet {_credit_label(worst)} rated {worst.rating.word}", tuple(notes))
    return Part("outlet", penalty, f"outlet {_credit_label(worst)} is not in the reliability registry", tuple(notes))


def _credit_penalty(credit: Credit, lex: Lexicon) -> float:
    if not credit.rating.known:
        return lex.part("outlet_unknown")
    part = _RATING_PART.get(credit.rating.label or 0)
    return lex.part(part) if part else 0.0


def _credit_label(credit: Credit) -> str:
    name = credit.name if len(credit.name) <= 60 else credit.name[:57].rstrip() + "…"
    if credit.rating.domain and name_key(credit.rating.domain) != name_key(credit.name):
        return f"{name} ({credit.rating.domain})"
    return name


_ROLE_WORDS = {"url": "URL", "outlet": "byline outlet", "source": "\"Source:\" credit", "credit": "credit line",
               "written_for": "\"Written for\" line",
               "copyright": "copyright holder", "dateline": "dateline agency", "mention": "the article names its outlet"}


def _credit_note(credit: Credit) -> str:
    rating = f"rated {credit.rating.word} by the outlet registry" if credit.rating.known else "not rated by the outlet registry (unknown outlet)"
    return f"{_sentence_case(_ROLE_WORDS[credit.role])}: {_credit_label(credit)}, {rating}."


def _agency_part(doc: Document, found: Findings, lex: Lexicon) -> Part | None:
    if not found.agencies:
        return None
    labels = [a.rating.label for a in found.agencies]
    bad = [lab is not None and lab <= -1 for lab in labels]
    if all(bad):
        name, phrase = "agency_unreliable_only", "relays only agencies rated unreliable"
    elif any(bad):
        name, phrase = "agency_unreliable_some", "relays an agency rated unreliable"
    elif all(lab == 0 for lab in labels):
        name, phrase = "agency_mixed_only", "relays only agencies of mixed reliability"
    else:
        name, phrase = "", "relays named agencies"
    if name and _reliable_publisher(found):
        # A reliable outlet quoting TASS or RIA is reporting what state media said, not resting on it.
        name, phrase = "", phrase + " (quoted by a reliable outlet)"
    evidence = tuple(Evidence.of(doc.text, *a.span, f"Relayed from {a.name} ({a.rating.domain}), rated {a.rating.word}.") for a in found.agencies)
    return Part("agencies", lex.part(name) if name else 0.0, phrase, evidence)


def _reliable_publisher(found: Findings) -> bool:
    publishers = [c for c in found.credits if c.role in _PUBLISHER_ROLES]
    return bool(publishers) and all(c.rating.label == 1 for c in publishers)


def _conflict_part(doc: Document, found: Findings, lex: Lexicon) -> Part | None:
    publishers = [c for c in found.credits if c.role in ("url", "outlet")]
    # An owner's copyright ("Nexstar Media Inc." under a KXAN story) is not someone else's text.
    holders = [c for c in found.credits if c.role in ("copyright", "written_for") and not _media_group(c.name, lex)]
    clashes = [h for h in holders if publishers and not any(_same_outlet(h, p) for p in publishers)]
    if not clashes:
        return None
    who = publishers[0]
    evidence = tuple(
        ev for h in clashes for ev in _ev(doc, h.span, f"{_sentence_case(_ROLE_WORDS[h.role])} \"{h.name}\" is not the publisher ({_credit_label(who)}): the text may be lifted from elsewhere.")
    )
    return Part("credit_conflict", lex.part("credit_conflict"), f"credit line names {clashes[0].name}, not {who.name}", evidence)


def _media_group(name: str, lex: Lexicon) -> bool:
    lowered = name.lower()
    return any(lowered.startswith(group) for group in lex.media_groups)


def _same_outlet(a: Credit, b: Credit) -> bool:
    if a.rating.domain and a.rating.domain == b.rating.domain:
        return True
    keys_a, keys_b = _outlet_keys(a), _outlet_keys(b)
    return any(x in y or y in x for x in keys_a for y in keys_b)


def _outlet_keys(credit: Credit) -> set[str]:
    out = set()
    for raw in (credit.name, (credit.rating.domain or "").split(".")[0]):
        words = [w for w in re.findall(r"[a-z0-9]+", raw.lower()) if w not in _GENERIC]
        key = "".join(words)
        if len(key) >= 3:
            out.add(key)
    return out


def _off_beat_part(doc: Document, found: Findings, lex: Lexicon) -> Part | None:
    if not any(_named_for_beat(c, pattern) for c in found.credits if c.rating.label != 1 for pattern, _ in lex.beats.values()):
        return None  # the usual case: no outlet named for a beat, so the article's topic need not be counted
    words = [w.lower() for w in _WORD.findall(doc.text)]
    if len(words) < 150:  # too short to say what an article is about
        return None
    frequency, lower_text = Counter(words), doc.text.lower()
    counts = {beat: _beat_hits(frequency, lower_text, kws) for beat, (_, kws) in lex.beats.items()}
    topic = max(counts, key=lambda b: counts[b]) if counts else None
    for credit in (c for c in found.credits if c.rating.label != 1):
        for beat, (pattern, _) in lex.beats.items():
            if not _named_for_beat(credit, pattern):
                continue
            hits = counts[beat]
            if hits >= 2 or hits / len(words) >= 0.003 or topic in (None, beat):
                return None
            topic_words = f"{topic.replace('_', '/')} ({counts[topic]} {topic.replace('_', '/')} terms)"
            note = (f"{credit.name} is named for {beat} coverage, but this {len(words)}-word article has {hits} {beat} "
                    f"terms; it is about {topic_words}.")
            span = credit.span or found.author_span
            ev = _ev(doc, span, note) or (Evidence.of(doc.text, 0, 0, note),)
            return Part("off_beat", lex.part("off_beat"), f"{beat} outlet writing about {topic.replace('_', '/')}", ev)
    return None


def _named_for_beat(credit: Credit, pattern: re.Pattern[str] | None) -> bool:
    return pattern is not None and bool(pattern.search(credit.name) or pattern.search(credit.rating.domain or ""))


def _beat_hits(frequency: Counter[str], lower_text: str, keywords: Sequence[str]) -> int:
    """Uses of a beat's keywords (plain, -s or -es forms as whole words; phrases anywhere)."""
    single = {k for k in keywords if " " not in k}
    forms = single | {k + "s" for k in single} | {k + "es" for k in single}
    multi = sum(lower_text.count(k) for k in keywords if " " in k)
    return sum(frequency[w] for w in forms) + multi


def _ev(doc: Document, span: tuple[int, int] | None, note: str) -> tuple[Evidence, ...]:
    if span is None or not (0 <= span[0] <= span[1] <= len(doc.text)):
        return ()
    start, end = span
    while start < end and doc.text[start].isspace():
        start += 1
    while end > start and doc.text[end - 1].isspace():
        end -= 1
    return (Evidence.of(doc.text, start, end, note),)


def _sentence_case(text: str) -> str:
    return text[:1].upper() + text[1:]


def _summary(found: Findings, parts: Sequence[Part]) -> str:
    problems = [p.phrase for p in sorted(parts, key=lambda p: -p.penalty) if p.penalty > 0]
    if problems:
        text = ", ".join(problems)  # one clause per part: the report joins signals with "; "
        return text[0].upper() + text[1:]
    good = [p.phrase for p in parts if p.name in ("author", "outlet")]
    return ("Origin is clear: " + "; ".join(good)) if good else "Origin is clear."


def _details(found: Findings, parts: Sequence[Part]) -> dict[str, Any]:
    outlet = next((c for c in found.credits if c.role in _PUBLISHER_ROLES), None)
    outlet = outlet or next(iter(found.credits), None)
    off_beat = next((p.phrase for p in parts if p.name == "off_beat"), None)
    return {
        "author": found.author,
        "author_kind": found.author_kind,
        "outlet": outlet.name if outlet else None,
        "outlet_domain": outlet.rating.domain if outlet else None,
        "outlet_rating": outlet.rating.word if outlet else None,
        "credits": [{"role": c.role, "name": c.name, "domain": c.rating.domain, "rating": c.rating.word,
                     "span": list(c.span) if c.span else None} for c in found.credits],
        "agencies": [a.as_dict() for a in found.agencies],
        "off_beat": off_beat,
        "parts": {p.name: round(p.penalty, 3) for p in parts},
    }
