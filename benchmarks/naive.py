"""The obvious datasketch near-duplicate pipeline, as a speed (and recall) reference for ``reliability score``.

Per article: lowercase word 3-gram shingles, one ``MinHash.update`` per shingle with datasketch's default hash
(sha1), then a document-level ``MinHashLSH`` at the same threshold and ``num_perm`` as our config, default weights;
every article is inserted and queried. It does *less* than ``reliability score`` (no signals, no passage
alignment, no report), so a ratio against it understates our speed-up.

:func:`engine` does the same job (document-level MinHash of word 3-grams, the same LSH banding, every pair)
with reliability's own MinHash code: cached xxhash token hashes, numpy shingles, bulk signatures equal to
datasketch's, numpy banding. Its ratio to :func:`run` is the like-for-like speed-up of the MinHash stage alone.

    python benchmarks/naive.py /tmp/reliability-bench/corpus-10000-s7.jsonl
"""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np
from datasketch import MinHash, MinHashLSH

from reliability.duplication.candidates import colliding_pairs
from reliability.duplication.minhash import SignatureScheme, TokenHasher, combine, signatures, tokens


@dataclass(frozen=True)
class NaiveRun:
    docs: int
    seconds: float
    cpu_seconds: float
    pairs: frozenset[tuple[str, str]]

    @property
    def docs_per_s(self) -> float:
        return self.docs / self.seconds if self.seconds else float("inf")


def shingles(text: str, k: int = 3) -> set[str]:
    words = text.lower().split()
    return {" ".join(words[i : i + k]) for i in range(max(1, len(words) - k + 1))}


def run(path: Path, limit: int | None = None, threshold: float = 0.3, num_perm: int = 128) -> NaiveRun:
    """Read the JSONL, sign every article, index and query; the clock covers all of it, like a whole process."""
    t0, c0 = time.perf_counter(), time.process_time()
    ids: list[str] = []
    sigs: list[MinHash] = []
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh):
            if limit is not None and n >= limit:
                break
            record = json.loads(line)
            m = MinHash(num_perm=num_perm)
            for sh in shingles(record["text"]):
                m.update(sh.encode("utf-8"))
            ids.append(record["id"])
            sigs.append(m)
    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    for doc_id, m in zip(ids, sigs):
        lsh.insert(doc_id, m)
    pairs: set[tuple[str, str]] = set()
    for doc_id, m in zip(ids, sigs):
        for other in lsh.query(m):
            if other != doc_id:
                pairs.add((min(doc_id, other), max(doc_id, other)))
    return NaiveRun(len(ids), time.perf_counter() - t0, time.process_time() - c0, frozenset(pairs))


def engine(path: Path, limit: int | None = None, threshold: float = 0.3, num_perm: int = 128) -> NaiveRun:
    """:func:`run`'s job with reliability's MinHash engine (datasketch-equal signatures, same (bands, rows))."""
    t0, c0 = time.perf_counter(), time.process_time()
    ids: list[str] = []
    hashes: list[np.ndarray] = []
    hasher = TokenHasher()
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh):
            if limit is not None and n >= limit:
                break
            record = json.loads(line)
            ids.append(record["id"])
            hashes.append(combine(hasher(tokens(record["text"])), 3))
    sigs = signatures(hashes, SignatureScheme(num_perm=num_perm))
    banding = MinHashLSH(threshold=threshold, num_perm=num_perm)  # only for datasketch's choice of (b, r)
    found = colliding_pairs(sigs, np.arange(len(ids)), banding.b, banding.r, max_bucket=len(ids) + 1)
    pairs = frozenset((ids[i], ids[j]) for i, j in found.tolist())
    return NaiveRun(len(ids), time.perf_counter() - t0, time.process_time() - c0, pairs)


def main(argv: Sequence[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("jsonl", type=Path)
    ap.add_argument("--limit", type=int, help="only the first N articles")
    args = ap.parse_args(argv)
    for name, job in (("naive", run), ("engine", engine)):
        result = job(args.jsonl, args.limit)
        print(json.dumps({"pipeline": name, "docs": result.docs, "seconds": round(result.seconds, 2),
                          "docs_per_s": round(result.docs_per_s, 1), "cpu_seconds": round(result.cpu_seconds, 2),
                          "candidate_pairs": len(result.pairs)}))


if __name__ == "__main__":
    main()
