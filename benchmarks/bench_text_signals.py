"""Time per article of the text-based sourcing signals (anonymous, garbled, junk, sensational, self-praise,
transliteration) on the seeds and the news fixtures, after one warm-up pass that builds the lexicons and loads
the phrase table.

    nice /work/venv/bin/python benchmarks/bench_text_signals.py [--rounds 50]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from reliability import load_config
from reliability.model import Document
from reliability.signals import SignalContext, anonymous, garbled, junk, self_praise, sensational, transliteration

ROOT = Path(__file__).resolve().parent.parent
MODULES = (anonymous, garbled, junk, sensational, self_praise, transliteration)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=50)
    args = parser.parse_args()
    paths = sorted((ROOT / "seeds").glob("*.txt")) + sorted((ROOT / "tests" / "fixtures" / "articles").glob("*.txt"))
    docs = [Document(p.stem, p.read_text(encoding="utf-8")) for p in paths]
    words = sum(len(d.text.split()) for d in docs) / len(docs)
    ctx = SignalContext(load_config())
    start = time.perf_counter()
    for module in MODULES:
        for doc in docs:
            module.compute(doc, ctx)
    print(f"warm-up (lexicons, phrase table, word list): {time.perf_counter() - start:.2f} s")
    total = 0.0
    for module in MODULES:
        start = time.perf_counter()
        for _ in range(args.rounds):
            for doc in docs:
                module.compute(doc, ctx)
        per_doc = (time.perf_counter() - start) / (args.rounds * len(docs)) * 1000
        total += per_doc
        print(f"{module.NAME:24s} {per_doc:7.3f} ms/article")
    print(f"{'all six':24s} {total:7.3f} ms/article ({len(docs)} articles, {words:.0f} words on average; "
          f"{total * 600 / words:.3f} ms per 600 words)")


if __name__ == "__main__":
    main()
