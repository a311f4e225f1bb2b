"""The terminal report: a ranked rich table, plus each signal's evidence with ``verbose``.

Also home of the small helpers the Markdown and HTML reports share (thresholds, safe one-line text),
so all human-readable formats show the same reasons in the same words.

>>> from reliability.report.table import render_table_text
>>> print(render_table_text(batch))   # doctest: +SKIP
"""

from __future__ import annotations

import io
import re
from typing import Any, Mapping

from rich.console import Console
from rich.table import Table
from rich.text import Text

from ..config import ConfigError, load_config
from ..model import TRIAGE_ORDER, BatchResult
from ..score import thresholds_of, triage_for
from .data import batch_data

TRIAGE_STYLE = {"accept": "bold green", "review": "bold yellow", "reject": "bold red"}

# C0/C1 control characters except tab and newline: article text carrying ESC sequences could
# otherwise recolour or rewrite the editor's terminal. Explicit bidi overrides and isolates too: one in a
# title would reverse the rest of the row it sits in (ordinary right-to-left text needs none of them).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_SPACES = re.compile(r"\s+")


def clean(text: str | None) -> str:
    """Untrusted text made printable: control characters replaced, newlines kept."""
    return _CONTROL.sub("\N{REPLACEMENT CHARACTER}", text or "")


def one_line(text: str | None, limit: int = 0) -> str:
    """``text`` on one line (whitespace runs collapsed), cut to ``limit`` characters with an ellipsis."""
    flat = _SPACES.sub(" ", clean(text)).strip()
    if limit and len(flat) > limit:
        return flat[: limit - 1].rstrip() + "…"
    return flat


def thresholds(batch: BatchResult) -> dict[str, float] | None:
    """The triage thresholds of the config the batch was scored with, None when they cannot be known for sure.

    The pipeline records them in the batch. A batch built by hand records only the config's name, so that config
    is loaded again: a file that has gone, or thresholds that
    disagree with the triage the batch actually holds (the file changed, or overrides were passed in a notebook),
    yield None: the report then shows counts without numbers rather than numbers that may be wrong.
    """
    if batch.thresholds:
        return dict(batch.thresholds)
    try:
        config = load_config(None if batch.config_name == "default" else batch.config_name)
    except (ConfigError, OSError):
        return None
    if any(triage_for(a.score, config) != a.triage for a in batch.articles):
        return None
    return thresholds_of(config)


def triage_rule(triage: str, limits: Mapping[str, float] | None) -> str:
    """The band as a reader checks it, e.g. "score 45–70"; empty when the thresholds are unknown."""
    if not limits:
        return ""
    accept, review = limits["accept"], limits["review"]
    return {
        "accept": f"score ≥ {accept:g}",
        "review": f"{review:g} ≤ score < {accept:g}",
        "reject": f"score < {review:g}",
    }[triage]


def reason_text(reason: Mapping[str, Any]) -> str:
    """One reason as the explanation words it: summary, else the signal's name, then the points lost."""
    words = one_line(reason.get("summary")) or str(reason["signal"]).replace("_", " ")
    return f"{words} (-{float(reason['points']):.0f})"  # the explanation's own wording


def article_label(doc: Mapping[str, Any], limit: int = 70) -> str:
    title = one_line(doc.get("title"), limit)
    return title or one_line(doc["id"], limit)


NARROW = 100  # below this many columns the outlet column is dropped: reasons matter more than a cramped outlet


def _table(data: Mapping[str, Any], width: int) -> Table:
    # Ratios share out what the three fixed columns leave; reasons get most, as they are what the editor acts on.
    table = Table(title="Reliability ranking", expand=True, pad_edge=False)
    table.add_column("#", justify="right", no_wrap=True)
    table.add_column("Score", justify="right", no_wrap=True)
    table.add_column("Triage", no_wrap=True)
    table.add_column("Article", ratio=3, overflow="fold")
    wide = width >= NARROW
    if wide:
        table.add_column("Outlet", ratio=1, min_width=10, max_width=20, overflow="fold")
    table.add_column("Main reasons", ratio=5, overflow="fold")
    for doc in data["documents"]:
        article = Text(article_label(doc))
        if doc.get("title"):
            article.append("\n" + one_line(doc["id"], 60), style="dim")
        reasons = "\n".join(reason_text(r) for r in doc["reasons"]) or "No sourcing problems found."
        # Text(...) everywhere: article-derived strings must never be parsed as rich markup.
        outlet = [Text(one_line(doc["source"].get("outlet"), 40) or "—")] if wide else []
        table.add_row(
            Text(str(doc["rank"])),
            Text(f"{doc['score']:.1f}"),
            Text(doc["triage"], style=TRIAGE_STYLE.get(doc["triage"], "")),
            article,
            *outlet,
            Text(reasons),
        )
    return table


def _summary(data: Mapping[str, Any], limits: Mapping[str, float] | None) -> Text:
    counts = data["summary"]["triage"]
    line = Text(f"{data['summary']['documents']} articles: ")
    for i, triage in enumerate(TRIAGE_ORDER):
        if i:
            line.append(", ")
        line.append(f"{counts[triage]} {triage}", style=TRIAGE_STYLE[triage])
        rule = triage_rule(triage, limits)
        if rule:
            line.append(f" ({rule})", style="dim")
    if data["skipped"]:
        n = len(data["skipped"])
        line.append(f"; {n} input{'s' if n != 1 else ''} skipped", style="bold")
    return line


def _evidence(data: Mapping[str, Any]) -> list[Text]:
    """Per article, every signal that found something: its summary, then each span's text and note."""
    out = []
    for doc in data["documents"]:
        block = Text(f"\n{doc['rank']}. {article_label(doc, 100)}", style="bold")
        block.append(f"  {doc['score']:.1f} {doc['triage']}", style=TRIAGE_STYLE.get(doc["triage"], ""))
        strongest = sorted(doc["signals"].items(), key=lambda kv: (-doc["contributions"].get(kv[0], 0.0), kv[0]))
        for name, sig in strongest:
            if not sig["evidence"] and not sig["value"]:
                continue
            points = doc["contributions"].get(name, 0.0)
            block.append(f"\n  {name} {sig['value']:.2f} (−{points:.1f}): ", style="cyan")
            block.append(one_line(sig.get("summary")))
            for ev in sig["evidence"]:
                if ev["start"] == ev["end"] and not ev["text"]:  # a note about the whole article (something missing)
                    block.append("\n    [article] ", style="dim")
                    block.append(one_line(ev["note"]), style="italic")
                    continue
                block.append(f"\n    [{ev['start']}:{ev['end']}] ", style="dim")
                block.append(f"“{one_line(ev['text'], 160)}”")
                block.append(f" — {one_line(ev['note'])}", style="italic")
        out.append(block)
    return out


REUSE_LINES = 15  # pairs listed under the table; the HTML and Markdown reports list them all


def _reuse(data: Mapping[str, Any]) -> list[Text]:
    """One line per reuse pair, strongest first: kind, similarity, the two articles, credit."""
    labels = {d["id"]: article_label(d, 50) for d in data["documents"]}
    pairs = sorted(data["duplicates"], key=lambda m: -float(m["similarity"]))
    lines = []
    for m in pairs[:REUSE_LINES]:
        line = Text(f"{m['kind']} {float(m['similarity']) * 100:.0f}%: ", style="bold")
        line.append(f"{labels.get(m['a'], one_line(m['a'], 50))} ⇄ {labels.get(m['b'], one_line(m['b'], 50))}")
        if m.get("credited") is False:
            line.append(" (no credit)", style="bold red")
        lines.append(line)
    if len(pairs) > REUSE_LINES:
        lines.append(Text(f"… and {len(pairs) - REUSE_LINES} more reuse pairs (see --format html or md)", style="dim"))
    return lines


def _skipped(data: Mapping[str, Any]) -> list[Text]:
    lines = []
    for s in data["skipped"]:
        line = Text("skipped ", style="bold")
        line.append(one_line(s["path"]))
        line.append(f": {one_line(s['reason'])}", style="dim")
        lines.append(line)
    return lines


def print_table(batch: BatchResult, console: Console, verbose: bool = False) -> None:
    """What the CLI prints on a terminal: summary line, ranked table, skipped inputs, and evidence if ``verbose``."""
    data = batch_data(batch)
    console.print(_summary(data, thresholds(batch)))
    if data["documents"]:
        console.print(_table(data, console.width))
    else:
        console.print(Text("No article could be scored.", style="bold"))
    for line in _reuse(data) + _skipped(data):
        console.print(line)
    if verbose:
        for block in _evidence(data):
            console.print(block)


def render_table_text(batch: BatchResult, width: int = 120, verbose: bool = False) -> str:
    """The terminal report as plain text (no colour codes), for files and pipes."""
    console = Console(file=io.StringIO(), width=width, record=True, color_system=None, force_terminal=False)
    print_table(batch, console, verbose=verbose)
    return console.export_text()
