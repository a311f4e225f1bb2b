"""BatchResult -> plain JSON-safe data: the ``reliability/1`` contract every format is built from.

Contract (stable; extra fields may be added, these stay)::

    {"schema": "reliability/1",
     "documents": [{"id", "title", "source": {"path", "url", "outlet", "author", "published"},
                    "rank", "score", "triage",
                    "signals": {NAME: {"value", "evidence": [{"start", "end", "text", "note"}]}}}],
     "duplicates": [{"a", "b", "kind", "similarity",
                     "passages": [{"a_start", "a_end", "b_start", "b_end", "kind", "similarity"}]}],
     "skipped": [{"path", "reason"}]}
"""

from __future__ import annotations

from typing import Any

from ..model import ArticleResult, BatchResult, Match, Signal

SCHEMA = "reliability/1"


def signal_data(signal: Signal) -> dict[str, Any]:
    return {
        "value": round(signal.value, 4),
        "summary": signal.summary,
        "evidence": [{"start": e.start, "end": e.end, "text": e.text, "note": e.note} for e in signal.evidence],
        **({"details": dict(signal.details)} if signal.details else {}),
    }


def reasons_data(article: ArticleResult, limit: int = 3) -> list[dict[str, Any]]:
    """The strongest reasons, largest first: the same ones the explanation names (>= 0.5 points)."""
    by_name = {s.name: s for s in article.signals}
    out = []
    for c in article.contributions[:limit]:
        if c.points < 0.5:
            break
        sig = by_name.get(c.signal)
        out.append({"signal": c.signal, "points": c.points, "summary": sig.summary if sig else ""})
    return out


def article_data(article: ArticleResult) -> dict[str, Any]:
    doc = article.document
    meta = doc.meta
    return {
        "id": doc.id,
        "title": meta.title,
        "source": {
            "path": meta.path,
            "url": meta.url,
            "outlet": meta.outlet,
            "author": meta.author,
            "published": meta.published,
        },
        "rank": article.rank,
        "score": article.score,
        "triage": article.triage,
        "explanation": article.explanation,
        "contributions": {c.signal: c.points for c in article.contributions},
        "reasons": reasons_data(article),
        "signals": {s.name: signal_data(s) for s in article.signals},
        "length": len(doc.text),
    }


def match_data(match: Match) -> dict[str, Any]:
    out: dict[str, Any] = {
        "a": match.a,
        "b": match.b,
        "kind": match.kind,
        "similarity": round(match.similarity, 4),
        "earlier": match.earlier,
        "credited": match.credited,
        "passages": [
            {
                "a_start": p.a_start,
                "a_end": p.a_end,
                "b_start": p.b_start,
                "b_end": p.b_end,
                "kind": p.kind,
                "similarity": round(p.similarity, 4),
                **({"claim": True} if p.claim else {}),
            }
            for p in match.passages
        ],
    }
    if match.history:
        out["history"] = dict(match.history)
    return out


def batch_data(batch: BatchResult) -> dict[str, Any]:
    dup = batch.duplication
    triage_counts = {t: 0 for t in ("accept", "review", "reject")}
    for a in batch.articles:
        triage_counts[a.triage] += 1
    return {
        "schema": SCHEMA,
        "config": batch.config_name,
        "summary": {"documents": len(batch.articles), "skipped": len(batch.skipped), "triage": triage_counts},
        "documents": [article_data(a) for a in batch.articles],
        "duplicates": [match_data(m) for m in dup.matches],
        "repetitions": [
            {"id": r.doc, "first": list(r.first), "second": list(r.second), "similarity": round(r.similarity, 4)}
            for r in dup.repetitions
        ],
        "clusters": [list(c) for c in dup.clusters],
        "skipped": [{"path": s.path, "reason": s.reason} for s in batch.skipped],
    }
