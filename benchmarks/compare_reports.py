"""Check that an optimisation changed nothing: diff two ``reliability score --format json`` reports of one batch.

Compares duplicates, repetitions, clusters, skipped inputs and, per article, the source metadata and every signal's
value, summary, evidence and details. ``--ignore-signal NAME`` leaves a signal out, together with what depends on it
(score, triage, rank, explanation, contributions, reasons), for when another change to that signal is under way.
Prints the differences found (the first few in detail) and exits 1 if there are any.

    reliability score corpus-3000-s7.jsonl --format json -q --no-history > before.json
    (change the code)
    reliability score corpus-3000-s7.jsonl --format json -q --no-history > after.json
    python benchmarks/compare_reports.py before.json after.json --ignore-signal garbled_text
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, Sequence

BATCH_KEYS = ("duplicates", "repetitions", "clusters", "skipped")
# What an article's score is made of: it moves with any signal, so it is left out with an ignored one.
SCORE_KEYS = frozenset({"rank", "score", "triage", "explanation", "contributions", "reasons"})
SHOWN = 5


def articles(report: dict[str, Any], ignored: frozenset[str]) -> dict[str, dict[str, Any]]:
    """Each article by id, without the ignored signals (and, if any are ignored, without its score)."""
    out = {}
    for doc in report["documents"]:
        kept = {k: v for k, v in doc.items() if not (ignored and k in SCORE_KEYS)}
        kept["signals"] = {name: s for name, s in doc["signals"].items() if name not in ignored}
        out[doc["id"]] = kept
    return out


def differences(before: dict[str, Any], after: dict[str, Any], ignored: frozenset[str]) -> list[str]:
    found = [f"{key}: {len(before.get(key, []))} before, {len(after.get(key, []))} after, not equal"
             for key in BATCH_KEYS if before.get(key) != after.get(key)]
    a, b = articles(before, ignored), articles(after, ignored)
    if a.keys() != b.keys():
        found.append(f"articles: {len(a.keys() - b.keys())} only before, {len(b.keys() - a.keys())} only after")
    for doc_id in sorted(a.keys() & b.keys()):
        x, y = a[doc_id], b[doc_id]
        found += [f"{doc_id}: signal {n}" for n in sorted(x["signals"].keys() | y["signals"].keys())
                  if x["signals"].get(n) != y["signals"].get(n)]
        found += [f"{doc_id}: {k}" for k in sorted(x.keys() | y.keys()) if k != "signals" and x.get(k) != y.get(k)]
    return found


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("before", type=Path)
    ap.add_argument("after", type=Path)
    ap.add_argument("--ignore-signal", action="append", default=[], metavar="NAME", help="may be repeated")
    args = ap.parse_args(argv)
    before, after = (json.loads(p.read_text(encoding="utf-8")) for p in (args.before, args.after))
    found = differences(before, after, frozenset(args.ignore_signal))
    for line in found[:SHOWN]:
        print(line)
    print(f"{len(found)} differences; {len(before['documents'])} articles, {len(before['duplicates'])} duplicate pairs, "
          f"{len(before['repetitions'])} repetitions compared")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
