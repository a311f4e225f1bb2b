"""PAN13 text-alignment benchmark: wall time of the aligner and plagdet per folder, via the PAN scorer.

usage: python benchmarks/bench_pan.py [--corpus DIR] [--folders 02-no-obfuscation,...] [--limit N] [--jobs 2]
                                      [--config FILE] [--out DIR]

--limit N aligns only the first N pairs of each folder (for quick tuning); without it every listed pair runs.
Prints one line per folder (wall time, CPU time of all processes, then the scorer's plagdet recall precision
granularity cases detections) and an overall line. Wall time depends on what else the machine runs; CPU time less so.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from reliability.config import load_config
from reliability.pan import run

CORPUS = Path("/work/shared/eval/pan13-train")
SCORER = Path("/work/shared/eval/plagdet.py")


def _subset(pairs: Path, limit: int | None, dest: Path) -> Path:
    lines = [line for line in pairs.read_text(encoding="utf-8").splitlines() if line.strip()]
    dest.write_text("\n".join(lines[:limit] if limit else lines) + "\n", encoding="utf-8")
    return dest


def _score(truth: Path, out: Path, pairs: Path) -> str:
    command = [sys.executable, str(SCORER), str(truth), str(out), "--pairs", str(pairs)]
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout.strip()


def _cpu_seconds() -> float:
    """CPU time of this process and its finished children (the pool's workers)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=CORPUS)
    ap.add_argument("--folders", default="")
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--config", type=Path, default=None)
    ap.add_argument("--out", type=Path, default=None)
    args = ap.parse_args()

    config = load_config(args.config)
    folders = [f for f in args.folders.split(",") if f]
    folders = folders or sorted(p.name for p in args.corpus.iterdir() if (p / "pairs").is_file())
    work = Path(tempfile.mkdtemp(prefix="bench_pan_"))
    out = args.out or work / "out"
    all_pairs = work / "all-pairs"
    total_time = total_cpu = 0.0
    with all_pairs.open("w", encoding="utf-8") as every:
        for folder in folders:
            pairs = _subset(args.corpus / folder / "pairs", args.limit, work / f"{folder}.pairs")
            every.write(pairs.read_text(encoding="utf-8"))
            t0, c0 = time.perf_counter(), _cpu_seconds()
            run(pairs, args.corpus / "src", args.corpus / "susp", out, config, jobs=args.jobs)
            elapsed, cpu = time.perf_counter() - t0, _cpu_seconds() - c0
            total_time, total_cpu = total_time + elapsed, total_cpu + cpu
            n = sum(1 for _ in pairs.open())
            score = _score(args.corpus / folder, out, pairs)
            print(f"{folder:28s} {n:5d} pairs wall {elapsed:6.1f}s cpu {cpu:6.1f}s  {score}", flush=True)
    score = _score(args.corpus, out, all_pairs)
    print(f"{'overall':28s} {'':5s}       wall {total_time:6.1f}s cpu {total_cpu:6.1f}s  {score}")
    print(f"detections in {out}")


if __name__ == "__main__":
    main()
