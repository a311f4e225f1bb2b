"""Every output format, all built from :func:`reliability.report.data.batch_data`.

>>> from reliability.report import render
>>> render(batch, "json")   # doctest: +SKIP
"""

from __future__ import annotations

import csv
import io
import json
from typing import Callable

from ..gcpolicy import fewer_collections
from ..model import BatchResult
from .data import batch_data
from .jsontext import dumps_indented

FORMATS = ("table", "json", "jsonl", "csv", "md", "html")


def render_json(batch: BatchResult) -> str:
    return dumps_indented(batch_data(batch)) + "\n"  # json.dumps(ensure_ascii=False, indent=2), faster


def _rows(batch: BatchResult) -> list[dict[str, object]]:
    names = sorted({s.name for a in batch.articles for s in a.signals})
    rows = []
    for a in batch.articles:
        row: dict[str, object] = {
            "rank": a.rank,
            "id": a.document.id,
            "score": a.score,
            "triage": a.triage,
            "title": a.document.meta.title or "",
            "outlet": a.document.meta.outlet or "",
            "url": a.document.meta.url or "",
        }
        values = {s.name: round(s.value, 4) for s in a.signals}
        row.update({n: values.get(n, "") for n in names})
        row["explanation"] = a.explanation
        rows.append(row)
    return rows


def render_jsonl(batch: BatchResult) -> str:
    """One line per article (score, triage, each signal's value), then one per skipped input."""
    lines = [json.dumps(r, ensure_ascii=False) for r in _rows(batch)]
    lines += [json.dumps({"skipped": s.path, "reason": s.reason}, ensure_ascii=False) for s in batch.skipped]
    return "".join(line + "\n" for line in lines)


def render_csv(batch: BatchResult) -> str:
    rows = _rows(batch)
    out = io.StringIO()
    if rows:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: _csv_safe(v) for k, v in row.items()})
    return out.getvalue()


def _csv_safe(value: object) -> object:
    """Spreadsheets execute cells starting with = + - @; article-derived strings must not."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _renderer(fmt: str) -> Callable[[BatchResult], str]:
    if fmt == "json":
        return render_json
    if fmt == "jsonl":
        return render_jsonl
    if fmt == "csv":
        return render_csv
    if fmt == "md":
        from .markdown import render_markdown

        return render_markdown
    if fmt == "html":
        from .html import render_html

        return render_html
    if fmt == "table":
        from .table import render_table_text

        return render_table_text
    raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")


def render(batch: BatchResult, fmt: str) -> str:
    """The batch in ``fmt`` (one of :data:`FORMATS`) as a string."""
    renderer = _renderer(fmt)
    with fewer_collections():  # the report data of a big batch is millions of dicts that all live until the end
        return renderer(batch)
