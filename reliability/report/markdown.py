"""The Markdown report, for a merge request or a chat: triage summary, ranking, reasons with quoted evidence,
reuse pairs, skipped inputs. Built from :func:`reliability.report.data.batch_data`, like every format.

Article text is untrusted and Markdown renderers accept inline HTML, so every article-derived string goes
through :func:`md_text`: HTML is entity-escaped, Markdown punctuation backslash-escaped, and links are written
only for http(s) addresses.

>>> from reliability.report.markdown import render_markdown
>>> print(render_markdown(batch))   # doctest: +SKIP
"""

from __future__ import annotations

import re
from typing import Any, Iterable, Mapping
from urllib.parse import quote

from ..model import TRIAGE_ORDER, BatchResult
from .data import batch_data
from .html import origin, safe_url
from .table import article_label, one_line, reason_text, thresholds, triage_rule

TRIAGE_MARK = {"accept": "🟢 accept", "review": "🟡 review", "reject": "🔴 reject"}
QUOTE_CHARS = 300  # evidence quoted in a list is cut here; the HTML report shows the full text
PASSAGE_CHARS = 400

# Only what is special inside a line: our own text starts every line, so "#", "-", "1." cannot open a block.
# "$" opens math on GitHub ("$5 million and $3 ..."); "[" and "]" are enough to stop any link or image.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~$])")
# "@name" notifies a user and "#12" links an issue on GitHub/GitLab; a zero-width space after the sign stops both.
_PING = re.compile(r"([@#])(?=\w)")


def md_text(text: str | None, limit: int = 0) -> str:
    """Untrusted text as inert inline Markdown on one line."""
    flat = one_line(text, limit)
    flat = flat.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    flat = _MD_SPECIAL.sub(r"\\\1", flat)
    return _PING.sub("\\1\u200b", flat)


def md_code(text: str | None) -> str:
    """Untrusted text as an inline code span (ids, paths): a fence longer than any backtick run inside it."""
    flat = one_line(text)
    if not flat:
        return ""
    fence = "`" * (max((len(run) for run in re.findall(r"`+", flat)), default=0) + 1)
    # "|" would still end a table cell inside a code span (GFM), so it is escaped there too.
    return f"{fence} {flat.replace('|', chr(92) + '|')} {fence}"


def _link(url: str | None) -> str:
    href = safe_url(url)
    if href is None:
        return md_text(url)
    # <...> autolink form. Whitespace, angle brackets, quotes and backticks are percent-encoded, so the address
    # can neither end the link early nor break the line it sits on.
    return "<" + quote(href, safe=":/?#[]@!$&'()*+,;=%~") + ">"


def _summary(data: Mapping[str, Any], limits: Mapping[str, float] | None) -> list[str]:
    s = data["summary"]
    pairs = len(data["duplicates"])
    lines = [
        "# Reliability report",
        "",
        f"{s['documents']} articles ranked, most reliable first · {pairs} reuse pair{'s' if pairs != 1 else ''} · "
        f"{s['skipped']} input{'s' if s['skipped'] != 1 else ''} skipped · config {md_code(data['config'])}",
        "",
    ]
    bands = []
    for triage in TRIAGE_ORDER:
        rule = triage_rule(triage, limits)
        bands.append(f"**{s['triage'][triage]} {triage}**" + (f" ({rule})" if rule else ""))
    lines += ["**Triage:** " + " · ".join(bands), ""]
    return lines


def _ranking(docs: list[Mapping[str, Any]]) -> list[str]:
    if not docs:
        return ["## Ranking", "", "No article could be scored.", ""]
    lines = [
        "## Ranking",
        "",
        "| # | Score | Triage | Article | Outlet | Main reasons |",
        "|--:|--:|---|---|---|---|",
    ]
    for doc in docs:
        article = md_text(article_label(doc))
        if doc.get("title"):
            article += f"<br>{md_code(doc['id'])}"
        reasons = "<br>".join(md_text(reason_text(r)) for r in doc["reasons"]) or "No sourcing problems found."
        outlet = md_text(doc["source"].get("outlet")) or "—"
        lines.append(f"| {doc['rank']} | {doc['score']:.1f} | {TRIAGE_MARK[doc['triage']]} | {article} | {outlet} | {reasons} |")
    return lines + [""]


def _parties(items: Iterable[Mapping[str, str]]) -> str:
    parts = []
    for p in items:
        role = f"{md_text(p['role'])}: " if p["role"] else ""
        domain = f", {md_text(p['domain'])}" if p["domain"] else ""
        parts.append(f"{role}{md_text(p['name'])} ({md_text(p['rating'])}{domain})")
    return "; ".join(parts)


def _origin_lines(found: Mapping[str, Any]) -> list[str]:
    lines = []
    if found["credits"]:
        lines.append(f"- **Credited:** {_parties(found['credits'])}")
    if found["agencies"]:
        lines.append(f"- **Relayed agencies:** {_parties(found['agencies'])}")
    if found["off_beat"]:
        lines.append(f"- **Beat:** {md_text(found['off_beat'])}")
    return lines


def _metadata(doc: Mapping[str, Any]) -> list[str]:
    src = doc["source"]
    found = origin(doc)
    outlet = md_text(src.get("outlet") or found["outlet"]) or "unknown"
    if found["outlet_rating"]:
        outlet += f" ({md_text(found['outlet_rating'])})"
    lines = [
        f"- **Id:** {md_code(doc['id'])}",
        f"- **Outlet:** {outlet} · **Author:** {md_text(src.get('author') or found['author']) or 'none given'}"
        f" · **Published:** {md_text(src.get('published')) or 'unknown'}",
    ]
    if src.get("url"):
        lines.append(f"- **URL:** {_link(src['url'])}")
    return lines + _origin_lines(found)


def _evidence(doc: Mapping[str, Any]) -> list[str]:
    """Each signal that moved the score or found spans, strongest first, with its spans quoted."""
    named = sorted(doc["signals"].items(), key=lambda kv: (-doc["contributions"].get(kv[0], 0.0), kv[0]))
    lines = []
    for name, sig in named:
        points = doc["contributions"].get(name, 0.0)
        if not points and not sig["evidence"]:
            continue
        lines.append(f"- **{md_text(name)}** {sig['value']:.2f} (−{points:.1f}): {md_text(sig.get('summary'))}")
        if not sig["evidence"]:
            lines.append("")  # a signal that costs points but quotes nothing: the next item or heading needs the gap
        for ev in sig["evidence"]:
            if ev["start"] == ev["end"] and not ev["text"]:  # a note about the whole article (something missing)
                lines.append(f"  > {md_text(ev['note'])} *(whole article)*")
            else:
                lines.append(f"  > “{md_text(ev['text'], QUOTE_CHARS)}” — {md_text(ev['note'])} *(chars {ev['start']}–{ev['end']})*")
            lines.append("")
    return lines


def _article(doc: Mapping[str, Any]) -> list[str]:
    lines = [
        f"### {doc['rank']}. {md_text(article_label(doc, 120))} — {TRIAGE_MARK[doc['triage']]}, {doc['score']:.1f}",
        "",
        *_metadata(doc),
        "",
        f"**Why:** {md_text(doc['explanation'])}",
        "",
    ]
    evidence = _evidence(doc)
    return lines + (["**Evidence**", "", *evidence] if evidence else [])


def _label(doc_id: str, labels: Mapping[str, str]) -> str:
    return md_text(labels.get(doc_id, f"stored article {doc_id}"))


def _pair(match: Mapping[str, Any], texts: Mapping[str, str], labels: Mapping[str, str]) -> list[str]:
    facts = [f"earlier: {_label(match['earlier'], labels)}"] if match.get("earlier") else []
    if match.get("credited") is not None:
        facts.append("credited" if match["credited"] else "**no credit to the source**")
    history = match.get("history") or {}
    if history:
        facts.append(f"stored article from {md_text(history.get('outlet')) or 'an unknown outlet'}, first seen {md_text(history.get('first_seen')) or '?'}")
    lines = [
        f"#### {match['kind']}, similarity {match['similarity'] * 100:.0f}%: {_label(match['a'], labels)} ⇄ {_label(match['b'], labels)}",
        "",
        *([" · ".join(facts), ""] if facts else []),
        f"| {_label(match['a'], labels)} | {_label(match['b'], labels)} | Kind | Similarity |",
        "|---|---|---|--:|",
    ]
    for p in match["passages"]:
        a = _passage(texts.get(match["a"]), p["a_start"], p["a_end"])
        b = _passage(texts.get(match["b"]), p["b_start"], p["b_end"])
        lines.append(f"| {a} | {b} | {'shared claim (' + p['kind'] + ')' if p.get('claim') else p['kind']} | {p['similarity'] * 100:.0f}% |")
    return lines + [""]


def _passage(text: str | None, start: int, end: int) -> str:
    where = f"*(chars {start}–{end})*"
    if text is None:
        return f"(text not in this batch) {where}"
    return f"“{md_text(text[max(0, start):max(0, end)], PASSAGE_CHARS)}” {where}"


def _reuse(data: Mapping[str, Any], texts: Mapping[str, str], labels: Mapping[str, str]) -> list[str]:
    lines = ["## Reuse", ""]
    if data["clusters"]:
        lines += ["**Clusters of related articles**", ""]
        lines += ["- " + " · ".join(_label(i, labels) for i in c) for c in data["clusters"]] + [""]
    if not data["duplicates"] and not data["repetitions"]:
        return lines + ["No reuse found between these articles.", ""]
    for match in sorted(data["duplicates"], key=lambda m: -float(m["similarity"])):  # as the HTML: strongest first
        lines += _pair(match, texts, labels)
    if data["repetitions"]:
        lines += ["**Repeated text inside an article**", ""]
        for r in data["repetitions"]:
            text = texts.get(r["id"], "")
            first = md_text(text[r["first"][0] : r["first"][1]], PASSAGE_CHARS)
            lines.append(f"- {_label(r['id'], labels)}: “{first}” appears again at chars {r['second'][0]}–{r['second'][1]} ({r['similarity'] * 100:.0f}%)")
        lines.append("")
    return lines


def _skipped(skipped: Iterable[Mapping[str, Any]]) -> list[str]:
    lines = [f"- {md_code(s['path'])}: {md_text(s['reason'])}" for s in skipped]
    return ["## Skipped inputs", "", *(lines or ["Every input was read."]), ""]


def render_markdown(batch: BatchResult) -> str:
    data = batch_data(batch)
    texts = {a.document.id: a.document.text for a in batch.articles}
    labels = {d["id"]: article_label(d, 80) for d in data["documents"]}
    lines = _summary(data, thresholds(batch)) + _ranking(data["documents"])
    lines += _reuse(data, texts, labels)
    if data["documents"]:
        lines += ["## Articles", ""]
    for doc in data["documents"]:
        lines += _article(doc)
    lines += _skipped(data["skipped"])
    return "\n".join(lines).rstrip() + "\n"
