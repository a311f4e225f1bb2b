"""CPU cost of pair alignment: ms per document (preparation) and per candidate pair (aligner, claim pass).

Candidate pairs come from the LSH stage on a benchmarks/corpus.py batch (news-length articles with planted copies),
and optionally from PAN13 training pairs. Every pair is aligned as the duplication stage does: documents prepared
once, then ``align_prepared``; where it finds nothing, ``claim_passages``. Times are CPU seconds of this process.

    python benchmarks/bench_align.py /tmp/reliability-bench/corpus-10000-s7-g*.jsonl --limit 2000
    python benchmarks/bench_align.py --pan 40                      # 40 pairs of each PAN13 training folder
    python benchmarks/bench_align.py CORPUS --dump /tmp/out.txt    # every result, to diff two versions
    python benchmarks/bench_align.py CORPUS --profile 25           # cProfile: the 25 costliest functions

``--dump`` writes one line per pair with its passages, so a change meant to be output-preserving can be checked with
``diff`` against the dump of the previous version.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import time
from pathlib import Path
from typing import Callable, TextIO

from reliability.config import load_config
from reliability.duplication.align import AlignParams, Prepared, align_prepared, prepare
from reliability.duplication.candidates import batch_signatures, candidate_pairs
from reliability.duplication.claims import ClaimParams, ClaimText, claim_passages_prepared, prepare_claims
from reliability.duplication.minhash import SignatureScheme
from reliability.duplication.params import DuplicationParams
from reliability.ingest import ingest
from reliability.model import Passage

PAN = Path("/work/shared/eval/pan13-train")


def corpus_pairs(path: Path, limit: int) -> tuple[list[str], list[tuple[int, int]]]:
    """Texts of the first ``limit`` articles and the candidate pairs LSH finds among them."""
    config = load_config(overrides={"limits": {"max_batch_documents": 1_000_000, "max_batch_chars": 10**10}})
    docs, _ = ingest([str(path)], config)
    docs = docs[:limit] if limit else docs
    texts = [d.text or "" for d in docs]
    scheme, params = SignatureScheme.from_config(config), DuplicationParams.from_config(config)
    pairs = candidate_pairs(batch_signatures(texts, scheme, params), scheme, params)
    return texts, [(int(i), int(j)) for i, j in pairs.tolist()]


def pan_pairs(root: Path, per_folder: int) -> tuple[list[str], list[tuple[int, int]]]:
    """Texts and (source, suspicious) pairs of the first ``per_folder`` pairs of each PAN13 training folder."""
    texts: list[str] = []
    index: dict[Path, int] = {}
    pairs: list[tuple[int, int]] = []

    def text_id(p: Path) -> int:
        if p not in index:
            index[p] = len(texts)
            texts.append(p.read_text(encoding="utf-8"))
        return index[p]

    for folder in sorted(d for d in root.iterdir() if (d / "pairs").is_file()):
        lines = [line.split() for line in (folder / "pairs").read_text().splitlines() if line.strip()]
        for susp, src in lines[:per_folder]:
            pairs.append((text_id(root / "src" / src), text_id(root / "susp" / susp)))
    return texts, pairs


class Run:
    """One timed pass over the pairs: preparation, aligner and claim pass, as the duplication stage calls them."""

    def __init__(self, texts: list[str], pairs: list[tuple[int, int]], align_params: AlignParams, claims: ClaimParams):
        self.texts, self.pairs = texts, pairs
        self.align_params, self.claim_params = align_params, claims
        self.results: list[tuple[str, list[Passage]]] = []
        self.prepare_s = self.align_s = self.claims_s = self.claims_prepare_s = 0.0
        self.claim_pairs = 0
        self.claim_texts: dict[int, ClaimText] = {}

    def __call__(self) -> None:
        needed = sorted({i for pair in self.pairs for i in pair})
        t0 = time.process_time()
        prepared: dict[int, Prepared] = {i: prepare(self.texts[i], self.align_params) for i in needed}
        t1 = time.process_time()
        self.prepare_s = t1 - t0
        self.n_docs = len(needed)
        for i, j in self.pairs:
            t = time.process_time()
            passages = align_prepared(prepared[i], prepared[j], self.align_params)
            self.align_s += time.process_time() - t
            kind = "align"
            if not passages:
                ca, cb = self._claim_text(i), self._claim_text(j)
                t = time.process_time()
                passages = claim_passages_prepared(ca, cb, self.claim_params)
                self.claims_s += time.process_time() - t
                self.claim_pairs += 1
                kind = "claim"
            self.results.append((kind, passages))

    def _claim_text(self, i: int) -> ClaimText:
        """The claim pass's per-document work, timed apart from its per-pair work (each text once)."""
        if i not in self.claim_texts:
            t = time.process_time()
            self.claim_texts[i] = prepare_claims(self.texts[i], self.claim_params)
            self.claims_prepare_s += time.process_time() - t
        return self.claim_texts[i]

    def report(self, label: str) -> None:
        n = max(len(self.pairs), 1)
        total = self.prepare_s + self.align_s + self.claims_s + self.claims_prepare_s
        print(f"{label}: {self.n_docs} documents, {len(self.pairs)} pairs, claim pass on {self.claim_pairs}")
        print(f"  prepare {1000 * self.prepare_s / max(self.n_docs, 1):.2f} ms/document")
        print(f"  align   {1000 * self.align_s / n:.2f} ms/pair")
        print(f"  claims  {1000 * self.claims_prepare_s / max(len(self.claim_texts), 1):.2f} ms/document "
              f"({len(self.claim_texts)} documents), {1000 * self.claims_s / max(self.claim_pairs, 1):.2f} ms/pair it runs on")
        print(f"  total   {1000 * total / n:.2f} ms/pair (preparation included), {total:.2f}s CPU")
        found = sum(1 for _, p in self.results if p)
        print(f"  pairs with passages {found}, passages {sum(len(p) for _, p in self.results)}")

    def dump(self, out: TextIO) -> None:
        for (i, j), (kind, passages) in zip(self.pairs, self.results):
            cells = [f"{p.a_start}-{p.a_end}:{p.b_start}-{p.b_end}:{p.kind}:{p.similarity}:{int(p.claim)}" for p in passages]
            out.write(f"{i}\t{j}\t{kind}\t{' '.join(cells)}\n")


def _timed(run: Callable[[], None], profile: int) -> None:
    if not profile:
        run()
        return
    prof = cProfile.Profile()
    prof.runcall(run)
    pstats.Stats(prof).sort_stats("tottime").print_stats(profile)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpus", type=Path, nargs="?", help="corpus-N-sS-gV.jsonl from benchmarks/corpus.py")
    ap.add_argument("--limit", type=int, default=2000, help="first N articles of the corpus (0: all)")
    ap.add_argument("--pan", type=int, default=0, help="also time the first N pairs of each PAN13 training folder")
    ap.add_argument("--dump", type=Path, default=None, help="write every pair's passages here (to diff versions)")
    ap.add_argument("--profile", type=int, default=0, help="run under cProfile and print the N costliest functions")
    args = ap.parse_args()
    if args.corpus is None and not args.pan:
        ap.error("give a corpus, --pan N, or both")

    config = load_config()
    align_params, claim_params = AlignParams.from_config(config), ClaimParams.from_config(config)
    runs: list[tuple[str, Run]] = []
    if args.corpus is not None:
        runs.append((args.corpus.name, Run(*corpus_pairs(args.corpus, args.limit), align_params, claim_params)))
    if args.pan:
        runs.append((f"PAN13 train, {args.pan} per folder", Run(*pan_pairs(PAN, args.pan), align_params, claim_params)))
    for label, run in runs:
        _timed(run, args.profile)
        run.report(label)
    if args.dump:
        with args.dump.open("w", encoding="utf-8") as out:
            for label, run in runs:
                out.write(f"# {label}\n")
                run.dump(out)


if __name__ == "__main__":
    main()
