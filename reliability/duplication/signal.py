"""The ``duplication`` signal of one document: the share of its characters reused from other articles.

Each reused character weighs by what we know: copied from an article known to be earlier without credit counts
fully; reuse that credits the source counts ``credited_weight``; reuse whose direction is unknown counts
``unknown_order_weight``. Quotations are never counted, and the source of a reuse is not blamed for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Sequence

import numpy as np

from ..model import Document, Evidence, Match, Passage, Signal
from .params import DuplicationParams
from .quotes import QuoteMask

NAME = "duplication"


@dataclass(frozen=True, slots=True)
class _Use:
    """One reused range of this document, with the facts its evidence note needs."""

    start: int
    end: int
    kind: str  # "copy", "paraphrase" or "claim" (one shared reworded sentence)
    similarity: float
    other: str  # label of the other article, e.g. "003 (CryptoNewsHub)"
    later: bool | None  # True: this document is the later one; None: order unknown
    credited: bool | None
    weight: float


def duplication_signal(
    doc: Document,
    matches: Sequence[Match],
    labels: Mapping[str, str],
    params: DuplicationParams,
    quotes: QuoteMask | None = None,
) -> Signal:
    """Build the signal for ``doc`` from the matches that involve it. ``labels`` maps ids to note labels."""
    uses = [u for m in matches for u in _uses(doc, m, labels, params)]
    reused_by = sorted({_other(doc, m) for m in matches if m.earlier == doc.id and m.kind != "quote"})
    quote_only = sorted({_other(doc, m) for m in matches if m.kind == "quote"})
    if not uses:
        return Signal(NAME, 0.0, (), _quiet_summary(reused_by, quote_only), {"reused_by": reused_by, "quotes_shared_with": quote_only})
    painted = _paint(len(doc.text), uses)
    quoted = (quotes or QuoteMask(doc.text)).mask(len(doc.text))
    painted[:, quoted] = 0.0
    weight, is_copy, is_later = painted
    length = max(1, len(doc.text))
    reused = weight > 0
    value = float(min(1.0, weight.sum() / length))
    share = float(reused.sum() / length)
    details = {
        "reused_share": round(share, 4),
        "copied_share": round(float((reused & (is_copy > 0)).sum() / length), 4),
        "sources": sorted({u.other for u in uses}),
        "reused_by": reused_by,
        "quotes_shared_with": quote_only,
    }
    summary = _summary(uses, share, copied=float((is_copy[reused] > 0).mean()) >= 0.5 if reused.any() else False)
    return Signal(NAME, round(value, 4), _evidence(doc, uses, params.max_evidence), summary, details)


def _paint(length: int, uses: Sequence[_Use]) -> np.ndarray:
    """(3, length) arrays: weight, copy flag and known-later flag of the strongest use covering each character.

    Overlapping uses (one paragraph copied by two siblings) must not count twice; the heaviest one wins.
    """
    out = np.zeros((3, length), dtype=np.float32)
    for u in sorted(uses, key=lambda u: (u.weight, u.kind == "copy")):
        out[0, u.start : u.end] = u.weight
        out[1, u.start : u.end] = 1.0 if u.kind == "copy" else 0.0
        out[2, u.start : u.end] = 1.0 if u.later else 0.0
    return out


def _other(doc: Document, m: Match) -> str:
    return m.b if m.a == doc.id else m.a


def _uses(doc: Document, m: Match, labels: Mapping[str, str], params: DuplicationParams) -> list[_Use]:
    if m.kind == "quote" or m.earlier == doc.id:
        return []
    later: bool | None = True if m.earlier is not None else None
    order_weight = 1.0 if later else params.unknown_order_weight
    credit_weight = {True: params.credited_weight, False: 1.0, None: params.unknown_credit_weight}[m.credited]
    other = labels.get(_other(doc, m), _other(doc, m))
    mine = "a" if m.a == doc.id else "b"
    out = []
    for p in _passages_or_whole(doc, m):
        if p.kind == "quote":
            continue
        start, end = (p.a_start, p.a_end) if mine == "a" else (p.b_start, p.b_end)
        weight = order_weight * credit_weight * (params.claim_weight if p.claim else 1.0)
        out.append(_Use(start, end, "claim" if p.claim else p.kind, p.similarity, other, later, m.credited, weight))
    return out


def _passages_or_whole(doc: Document, m: Match) -> tuple[Passage, ...]:
    """A history match without stored text has no passages: blame the estimated share, spread over the text."""
    if m.passages:
        return m.passages
    containment = min(1.0, 2 * m.similarity / (1 + m.similarity))
    end = int(len(doc.text) * containment)
    return (Passage(0, end, 0, end, m.kind, m.similarity),)


def _note(u: _Use) -> str:
    if u.kind == "claim":
        return f"the same claim, reworded, as in {u.other} (similarity {u.similarity:.2f}); weighs less than reused text"
    verb = "copied" if u.kind == "copy" else "paraphrased"
    if u.later is None:
        base = f"{verb} passage shared with {u.other} (which came first is unknown), similarity {u.similarity:.2f}"
    else:
        base = f"{verb} from {u.other}, similarity {u.similarity:.2f}"
    if u.credited is True:
        return base + "; the source is credited"
    if u.credited is False:
        return base + "; no credit to the source"
    return base


def _evidence(doc: Document, uses: Sequence[_Use], limit: int) -> tuple[Evidence, ...]:
    biggest = sorted(uses, key=lambda u: (-(u.end - u.start) * u.weight, u.start))[:limit]
    return tuple(Evidence.of(doc.text, u.start, u.end, _note(u)) for u in sorted(biggest, key=lambda u: u.start))


def _summary(uses: Sequence[_Use], share: float, copied: bool) -> str:
    if all(u.kind == "claim" for u in uses):
        claims = len({(u.start, u.end) for u in uses})
        n = len({u.other for u in uses})
        return (f"Restates {claims} claim{'s' if claims > 1 else ''} that {n} other article{'s' if n > 1 else ''} "
                f"also make{'' if n > 1 else 's'} in other words (not reused text)")
    uses = [u for u in uses if u.kind != "claim"]
    pct = max(1, round(share * 100))
    verb = "copied" if copied else "paraphrased"
    known = [u for u in uses if u.later]
    if not known:
        n = len({u.other for u in uses})
        others = "another article" if n == 1 else f"{n} other articles"
        return f"{pct}% of the text is {verb} in common with {others}; which came first is unknown"
    n = len({u.other for u in known})
    source = "an earlier article" if n == 1 else f"{n} earlier articles"
    if all(u.credited is True for u in known):
        return f"{pct}% of the text is {verb} from {source}, which it credits"
    if any(u.credited is False for u in known):
        return f"{pct}% of the text is {verb} from {source} without credit"
    return f"{pct}% of the text is {verb} from {source}"


def _quiet_summary(reused_by: Sequence[str], quote_only: Sequence[str]) -> str:
    if reused_by:
        n = len(reused_by)
        return f"Original text: reused by {n} later article{'s' if n > 1 else ''}"
    if quote_only:
        return "Shares only quotations with other articles (not counted as reuse)"
    return "No text reused from other articles found"
