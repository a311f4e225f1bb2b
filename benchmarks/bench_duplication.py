"""Speed and recall of the duplication stage on a synthetic batch with planted copies.

Uses the corpus of benchmarks/corpus.py (news-length windows of PAN13 source texts; 5% planted verbatim, partial and
obfuscated copies with a truth file). Prints stage timings, articles per second, and for each planted kind how many
copies were found as candidates and as matches, plus matches that were not planted.

    python benchmarks/corpus.py 10000 --out /tmp/bench
    python benchmarks/bench_duplication.py /tmp/bench/corpus-10000-s7-g*.jsonl
"""

from __future__ import annotations

import argparse
import csv
import os
import time
from collections import Counter
from pathlib import Path

from reliability.config import load_config
from reliability.duplication import find_duplicates
from reliability.duplication.candidates import batch_signatures, candidate_pairs
from reliability.duplication.minhash import SignatureScheme
from reliability.duplication.params import DuplicationParams
from reliability.ingest import ingest


def _cpu() -> float:
    """CPU seconds of this process and its finished children (the alignment workers)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def _truth(path: Path) -> dict[frozenset[str], str]:
    with path.open(encoding="utf-8") as fh:
        return {frozenset((row[0], row[1])): row[2] for row in csv.reader(fh, delimiter="\t") if len(row) >= 3}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus", type=Path, help="corpus-N-sS-gV.jsonl from benchmarks/corpus.py")
    ap.add_argument("--limit", type=int, default=0, help="use only the first N articles")
    ap.add_argument("--jobs", type=int, default=1, help="alignment processes ([duplication] jobs)")
    args = ap.parse_args()
    config = load_config(overrides={"duplication": {"jobs": args.jobs}})
    docs, _ = ingest([str(args.corpus)], config)
    if args.limit:
        docs = docs[: args.limit]
    ids = {d.id for d in docs}
    truth = {pair: kind for pair, kind in _truth(args.corpus.with_suffix("").with_suffix(".truth.tsv")).items() if pair <= ids}
    print(f"{len(docs)} articles, {sum(len(d.text) for d in docs) / len(docs):.0f} chars each, {len(truth)} planted copies")

    scheme, params = SignatureScheme.from_config(config), DuplicationParams.from_config(config)
    t0 = time.process_time()
    sigs = batch_signatures([d.text for d in docs], scheme, params)
    t1 = time.process_time()
    pairs = candidate_pairs(sigs, scheme, params)
    t2 = time.process_time()
    print(f"CPU: signatures {t1 - t0:.2f}s ({len(docs) / (t1 - t0):.0f} articles/s); LSH candidates {t2 - t1:.2f}s; "
          f"{len(pairs)} candidate pairs ({len(pairs) / len(docs):.2f} per article)")
    cand = {frozenset((docs[i].id, docs[j].id)) for i, j in pairs.tolist()}

    t3, c3 = time.perf_counter(), _cpu()
    result = find_duplicates(docs, config)
    t4, c4 = time.perf_counter(), _cpu()
    # CPU time is printed too: on a shared machine the wall clock also measures other people's jobs.
    print(f"find_duplicates total {t4 - t3:.2f}s wall, {c4 - c3:.2f}s CPU ({len(docs) / (c4 - c3):.0f} articles per "
          f"CPU-second), {len(result.matches)} matches, {len(result.repetitions)} repetitions, {len(result.clusters)} clusters")

    found = {frozenset((m.a, m.b)): m.kind for m in result.matches if m.kind != "quote"}
    by_kind: Counter[str] = Counter(truth.values())
    in_cand: Counter[str] = Counter(k for p, k in truth.items() if p in cand)
    in_match: Counter[str] = Counter(k for p, k in truth.items() if p in found)
    for kind in sorted(by_kind):
        print(f"  {kind:11s} planted {by_kind[kind]:4d}  candidate {in_cand[kind]:4d}  matched {in_match[kind]:4d}")
    unplanted = [p for p in found if p not in truth]
    print(f"  matches not planted: {len(unplanted)} (copies of one original also match each other: "
          f"{sum(1 for p in unplanted if _siblings(p, truth))})")
    print(f"  match kinds: {dict(Counter(found.values()))}")


def _siblings(pair: frozenset[str], truth: dict[frozenset[str], str]) -> bool:
    """Two planted copies of the same original legitimately share text."""
    x, y = tuple(pair)
    originals_x = {next(iter(p - {x})) for p in truth if x in p}
    originals_y = {next(iter(p - {y})) for p in truth if y in p}
    return bool(originals_x & originals_y)


if __name__ == "__main__":
    main()
