"""The HTML report: one self-contained, script-free file an editor opens in a browser.

Built from :func:`reliability.report.data.batch_data` plus each document's text (for highlighting), rendered by
jinja2 with autoescape on. Article text is untrusted, so the page carries a Content-Security-Policy that forbids
scripts and every network fetch, and links are kept only when they are http(s).

>>> from reliability.report.html import render_html
>>> open("report.html", "w").write(render_html(batch))   # doctest: +SKIP
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Iterable, Mapping, Sequence
from urllib.parse import urlsplit

import jinja2

from ..model import TRIAGE_ORDER, BatchResult
from .data import batch_data
from .table import article_label, one_line, reason_text, thresholds, triage_rule

# No script, no fetch of any kind: the report must read the same offline and cannot phone home.
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"

# One colour per signal so bars, legend and highlights agree across reports (Dark2/Set1-like, readable on white).
SIGNAL_COLOURS = {
    "duplication": "#d62728",
    "anonymous_framing": "#ff7f0e",
    "garbled_text": "#9467bd",
    "page_junk": "#8c564b",
    "byline_origin": "#1f77b4",
    "no_dateline": "#7f7f7f",
    "sensational_framing": "#e6ab02",
    "self_praise": "#2ca02c",
    "mixed_transliteration": "#17becf",
    "headline_mismatch": "#e377c2",
    "loaded_language": "#a6761d",
    "thin_sourcing": "#66a61e",
}
_FALLBACK = ("#bcbd22", "#393b79", "#637939", "#8c6d31", "#843c39", "#7b4173", "#3182bd", "#e6550d")
KIND_COLOURS = {"copy": "#f4a6a6", "paraphrase": "#f7d08a", "quote": "#a8d5a2"}
RATINGS = {1: "reliable", 0: "mixed", -1: "unreliable", -2: "blacklisted"}
PASSAGE_CHARS = 1200  # a side-by-side cell longer than this is cut; offsets still name the whole passage
BAR_WIDTH = 200


def signal_colour(name: str) -> str:
    return SIGNAL_COLOURS.get(name) or _FALLBACK[zlib.crc32(name.encode()) % len(_FALLBACK)]


def _tint(colour: str, alpha: float = 0.3) -> str:
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def safe_url(url: str | None) -> str | None:
    """``url`` if it is an absolute http(s) address, else None (rendered as plain text by the template)."""
    if not url:
        return None
    parts = urlsplit(url.strip())
    return url.strip() if parts.scheme.lower() in ("http", "https") and parts.netloc else None


@dataclass(frozen=True, slots=True)
class Mark:
    """One evidence span placed in a document's text, numbered for its footnote."""

    number: int
    signal: str
    start: int
    end: int
    text: str
    note: str
    placed: bool  # False when the offsets do not index the text: listed, never highlighted

    @property
    def whole(self) -> bool:
        """An empty span: the note is about the article as a whole (something missing), not a passage."""
        return self.start == self.end and not self.text


@dataclass(frozen=True, slots=True)
class Segment:
    """A stretch of text covered by the same set of marks (overlapping spans split into several)."""

    text: str
    marks: tuple[Mark, ...]
    ends: tuple[int, ...]  # numbers of marks that end here: footnote references follow the segment

    @property
    def numbers(self) -> str:
        return " ".join(str(m.number) for m in self.marks)

    @property
    def title(self) -> str:
        return "\n".join(f"[{m.number}] {m.signal}: {m.note}" for m in self.marks)

    @property
    def style(self) -> str:
        """Background in the signal's colour; stripes of each colour where signals overlap."""
        colours = list(dict.fromkeys(_tint(signal_colour(m.signal), 0.35) for m in self.marks))
        if len(colours) == 1:
            return f"background:{colours[0]}"
        step = 100 / len(colours)
        stops = ",".join(f"{c} {i * step:.0f}% {(i + 1) * step:.0f}%" for i, c in enumerate(colours))
        return f"background:linear-gradient(to bottom,{stops})"


def marks_for(text: str, signals: Mapping[str, Any]) -> list[Mark]:
    """Every evidence span of every signal, numbered: spans in the text first, in text order, then the rest.

    "The rest" are empty spans (a signal's note about something missing, e.g. no byline) and spans whose
    offsets do not index ``text``: listed under the text, never highlighted.
    """
    found = []
    for name, sig in signals.items():
        for ev in sig["evidence"]:
            start, end = int(ev["start"]), int(ev["end"])
            placed = 0 <= start < end <= len(text) and text[start:end] == ev["text"]
            found.append((not placed, start, -end, name, str(ev["text"]), str(ev["note"])))
    found.sort()
    return [
        Mark(number, name, start, -neg_end, ev_text, note, not unplaced)
        for number, (unplaced, start, neg_end, name, ev_text, note) in enumerate(found, start=1)
    ]


def segments(text: str, marks: Sequence[Mark]) -> list[Segment]:
    """``text`` cut at every mark boundary; each piece knows which marks cover it. Pieces concatenate to ``text``."""
    placed = sorted((m for m in marks if m.placed), key=lambda m: m.start)
    cuts = sorted({0, len(text), *(m.start for m in placed), *(m.end for m in placed)})
    out, active, waiting = [], [], iter(placed)
    upcoming = next(waiting, None)
    # A sweep, so a page_junk signal with thousands of spans stays linear rather than quadratic.
    for start, end in zip(cuts, cuts[1:]):
        while upcoming is not None and upcoming.start <= start:
            active.append(upcoming)
            upcoming = next(waiting, None)
        active = [m for m in active if m.end > start]
        covering = tuple(sorted(active, key=lambda m: m.number))
        out.append(Segment(text[start:end], covering, tuple(m.number for m in covering if m.end == end)))
    return out


def _bar(doc: Mapping[str, Any]) -> dict[str, Any]:
    """Geometry of the inline-SVG bar: the score in grey, then the points each signal took off, in its colour."""
    lost = [(name, float(p)) for name, p in doc["contributions"].items() if float(p) > 0]
    total = max(100.0, float(doc["score"]) + sum(p for _, p in lost))
    scale = BAR_WIDTH / total
    parts = [{"x": 0.0, "w": float(doc["score"]) * scale, "colour": "#d0d4d9", "label": f"score {doc['score']:.1f}"}]
    x = parts[0]["w"]
    for name, points in lost:
        parts.append({"x": x, "w": points * scale, "colour": signal_colour(name), "label": f"{name}: −{points:.1f}"})
        x += points * scale
    return {"width": BAR_WIDTH, "parts": parts}


UNRATED = "not in the outlet registry"
_UNRATED_WORDS = {"", "unrated", "unknown", "none", "not rated"}


def rating_label(value: Any) -> str:
    """A registry rating as a reader says it: "rated unreliable", or :data:`UNRATED`.

    Accepts the registry's own word ("unreliable") or its number (-2..1): signal versions differ.
    """
    if isinstance(value, bool) or value is None:
        return UNRATED
    if isinstance(value, (int, float)):
        word = RATINGS.get(int(value))
    else:
        word = one_line(str(value), 40)
    return UNRATED if not word or word.lower() in _UNRATED_WORDS else f"rated {word}"


def _party(entry: Mapping[str, Any]) -> dict[str, str]:
    """An agency or credited outlet from byline_origin details: name, domain, rating, role."""
    return {
        "name": one_line(str(entry.get("name") or ""), 80),
        "domain": one_line(str(entry.get("domain") or ""), 80),
        "rating": rating_label(entry.get("rating")),
        "role": one_line(str(entry.get("role") or ""), 30).replace("_", " "),
    }


def _parties(entries: Any) -> list[dict[str, str]]:
    return [_party(e) for e in entries or () if isinstance(e, Mapping)]


def _off_beat(value: Any) -> str:
    # True from some versions of the signal, a sentence ("crypto outlet writing about politics") from others.
    if value is True:
        return "outlet writes off its usual beat"
    return one_line(str(value), 160) if value else ""


def origin(doc: Mapping[str, Any]) -> dict[str, Any]:
    """What the byline_origin signal learned about who wrote, published and relayed the article.

    Details are read defensively (missing keys, other types): the report must not fail on a signal's new version.
    """
    details = (doc["signals"].get("byline_origin") or {}).get("details") or {}
    kind = details.get("author_kind")
    return {
        "author": one_line(str(details.get("author") or ""), 120),
        "author_kind": "" if kind in (None, "", "none") else one_line(str(kind), 30),
        "outlet": one_line(str(details.get("outlet") or ""), 120),
        "outlet_domain": one_line(str(details.get("outlet_domain") or ""), 80),
        "outlet_rating": rating_label(details["outlet_rating"]) if details.get("outlet_rating") is not None else "",
        "agencies": _parties(details.get("agencies")),
        "credits": _parties(details.get("credits")),
        "off_beat": _off_beat(details.get("off_beat")),
    }


def _signal_rows(doc: Mapping[str, Any]) -> list[dict[str, Any]]:
    rows = [
        {
            "name": name,
            "colour": signal_colour(name),
            "value": float(sig["value"]),
            "points": float(doc["contributions"].get(name, 0.0)),
            "summary": sig.get("summary") or "",
            "count": len(sig["evidence"]),
        }
        for name, sig in doc["signals"].items()
    ]
    return sorted(rows, key=lambda r: (-r["points"], -r["value"], r["name"]))


def _article(index: int, doc: Mapping[str, Any], text: str, reuse: Sequence[dict[str, Any]]) -> dict[str, Any]:
    marks = marks_for(text, doc["signals"])
    source = doc["source"]
    return {
        "reuse": reuse,
        # Nothing highlighted and accepted: the text is one click away instead of filling the page.
        "open": bool(marks) or doc["triage"] != "accept",
        "anchor": f"d{index}",
        "doc": doc,
        "label": article_label(doc, 160),
        "url": source.get("url") or "",
        "href": safe_url(source.get("url")),
        "origin": origin(doc),
        "reasons": [reason_text(r) for r in doc["reasons"]],
        "bar": _bar(doc),
        "signals": _signal_rows(doc),
        "marks": marks,
        "placed": sum(m.placed for m in marks),
        "segments": segments(text, marks),
    }


def _cut(text: str, start: int, end: int) -> str:
    piece = text[max(0, start) : max(0, end)]
    return piece if len(piece) <= PASSAGE_CHARS else piece[:PASSAGE_CHARS].rstrip() + " …"


def _history(history: Mapping[str, Any] | None) -> dict[str, str]:
    """The stored article's outlet and first sighting, both always present (empty when unknown)."""
    if not history:
        return {}
    return {key: one_line(str(history.get(key) or ""), 120) for key in ("outlet", "first_seen")}


def _pair(index: int, match: Mapping[str, Any], texts: Mapping[str, str]) -> dict[str, Any]:
    """One reuse pair with its passages side by side; a stored (history) article has no text here."""
    a_text, b_text = texts.get(match["a"]), texts.get(match["b"])
    passages = [
        {
            **p,
            "label": f"shared claim ({p['kind']})" if p.get("claim") else p["kind"],
            "colour": KIND_COLOURS.get(p["kind"], "#dddddd"),
            "a_text": _cut(a_text, p["a_start"], p["a_end"]) if a_text is not None else None,
            "b_text": _cut(b_text, p["b_start"], p["b_end"]) if b_text is not None else None,
        }
        for p in match["passages"]
    ]
    return {
        "anchor": f"p{index}",
        "m": match,
        "colour": KIND_COLOURS.get(match["kind"], "#dddddd"),
        "history": _history(match.get("history")),
        "passages": passages,
    }


def _repetition(rep: Mapping[str, Any], texts: Mapping[str, str]) -> dict[str, Any]:
    text = texts.get(rep["id"], "")
    return {
        **rep,
        "first_text": _cut(text, *rep["first"]),
        "second_text": _cut(text, *rep["second"]),
    }


def _reuse_of(doc_id: str, pairs: Sequence[Mapping[str, Any]], labels: Mapping[str, str]) -> list[dict[str, Any]]:
    """The reuse pairs an article is part of, named by the other article, for a line in its own section."""
    out = []
    for p in pairs:
        m = p["m"]
        if doc_id not in (m["a"], m["b"]):
            continue
        other = m["b"] if m["a"] == doc_id else m["a"]
        out.append({"anchor": p["anchor"], "kind": m["kind"], "similarity": m["similarity"], "other": labels.get(other, other)})
    return out


def _legend(docs: Iterable[Mapping[str, Any]]) -> list[dict[str, str]]:
    """Only signals that show up somewhere (points in a bar or a highlight): a quiet signal has no colour to explain."""
    names = sorted(
        {name for d in docs for name, sig in d["signals"].items() if d["contributions"].get(name) or sig["evidence"]}
    )
    return [{"name": n, "colour": signal_colour(n)} for n in names]


def view(batch: BatchResult) -> dict[str, Any]:
    """Everything the template shows, as plain values: batch_data() plus highlight segments and bar geometry."""
    data = batch_data(batch)
    texts = {a.document.id: a.document.text for a in batch.articles}
    anchors = {d["id"]: f"d{i}" for i, d in enumerate(data["documents"], start=1)}
    labels = {d["id"]: article_label(d, 90) for d in data["documents"]}
    limits = thresholds(batch)
    # Strongest reuse first: that is the pair an editor must look at.
    strongest = sorted(data["duplicates"], key=lambda m: -float(m["similarity"]))
    pairs = [_pair(i, m, texts) for i, m in enumerate(strongest, start=1)]
    # Each article's own text (zip, not a lookup by id): two inputs may share an id and must not swap texts.
    articles = [
        _article(i, d, a.document.text, _reuse_of(d["id"], pairs, labels))
        for i, (a, d) in enumerate(zip(batch.articles, data["documents"]), start=1)
    ]
    return {
        "data": data,
        "articles": articles,
        # No outlet anywhere (plain-text batches): the column would be a stack of dashes.
        "outlets": any(a["doc"]["source"].get("outlet") or a["origin"]["outlet"] for a in articles),
        "csp": CSP,
        "bands": [
            {"name": t, "count": data["summary"]["triage"][t], "rule": triage_rule(t, limits)} for t in TRIAGE_ORDER
        ],
        "legend": _legend(data["documents"]),
        "kinds": KIND_COLOURS,
        "anchors": anchors,
        "labels": labels,
        "pairs": pairs,
        "repetitions": [_repetition(r, texts) for r in data["repetitions"]],
    }


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    # autoescape=True for every template whatever its name: nothing from an article is ever trusted markup.
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("reliability.report", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["colour"] = signal_colour
    return env


def render_html(batch: BatchResult) -> str:
    """The whole report as one HTML document (inline CSS and SVG, no script, no external resource)."""
    return _environment().get_template("report.html.j2").render(**view(batch))
