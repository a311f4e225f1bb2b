"""Candidate recall on PAN13 pairs: would the LSH stage hand each (suspicious, source) pair to the aligner?

All suspicious and source documents of the first N pairs of every folder go into ONE batch, as in a newsroom run,
so every document competes with ~900 others. Prints, per folder, the share of listed pairs that are candidates
(01-no-plagiarism: lower is better) and the candidate pairs per document.

    python benchmarks/bench_candidates.py --per-folder 150
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from reliability.config import load_config
from reliability.duplication.candidates import batch_signatures, candidate_pairs
from reliability.duplication.minhash import SignatureScheme
from reliability.duplication.params import DuplicationParams

PAN = Path("/work/shared/eval/pan13-train")
FOLDERS = ("01-no-plagiarism", "02-no-obfuscation", "03-random-obfuscation", "04-translation-obfuscation",
           "05-summary-obfuscation")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--per-folder", type=int, default=150)
    args = ap.parse_args()
    pairs: list[tuple[str, str, str]] = []
    for folder in FOLDERS:
        lines = (PAN / folder / "pairs").read_text().split("\n")
        pairs += [(folder, *line.split()) for line in lines[: args.per_folder] if line.strip()]
    files = sorted({f"susp/{s}" for _, s, _ in pairs} | {f"src/{r}" for _, _, r in pairs})
    index = {f: i for i, f in enumerate(files)}
    texts = [(PAN / f).read_text(encoding="utf-8") for f in files]
    config = load_config()
    scheme, params = SignatureScheme.from_config(config), DuplicationParams.from_config(config)
    t0 = time.process_time()
    found = {tuple(p) for p in candidate_pairs(batch_signatures(texts, scheme, params), scheme, params).tolist()}
    t1 = time.process_time()
    print(f"{len(texts)} documents, {len(found)} candidate pairs ({len(found) / len(texts):.2f} per document), "
          f"{t1 - t0:.1f}s CPU")
    for folder in FOLDERS:
        wanted = [tuple(sorted((index[f"susp/{s}"], index[f"src/{r}"]))) for f, s, r in pairs if f == folder]
        share = sum(p in found for p in wanted) / len(wanted)
        print(f"  {folder:28s} {len(wanted):4d} pairs, candidates {share:.2f}")


if __name__ == "__main__":
    main()
