"""Time per article of every per-document signal, on the seeds, the news fixtures and PAN13 texts cut to article
length, after one warm-up pass that builds the lexicons and loads the phrase table and the outlet registry.

Signals run article by article in pipeline order (all signals of one article, then the next), so per-text caches
such as the word index behave as in a real run. Each figure is the best of ``--rounds`` (the machine is shared).
``--dump FILE`` instead writes every signal's output (value, evidence, summary, details) and the metadata read
from each text as JSON lines, to check that an optimisation changes nothing: dump before and after, then ``cmp``
the files. ``--jsonl FILE`` reads the articles of a JSONL batch (as ``reliability`` ingests them) instead of the
seeds, fixtures and PAN13 texts; ``--limit`` keeps the first N.

    nice /work/venv/bin/python benchmarks/bench_text_signals.py [--pan 300] [--rounds 5]
    nice /work/venv/bin/python benchmarks/bench_text_signals.py --pan 2000 --dump /tmp/signals.jsonl
    nice /work/venv/bin/python benchmarks/bench_text_signals.py --jsonl corpus.jsonl --limit 3000 --dump /tmp/s.jsonl
"""

from __future__ import annotations

import argparse
import json
import re
import time
from dataclasses import asdict
from itertools import islice
from pathlib import Path

from reliability import load_config
from reliability.ingest import from_json_line, from_text
from reliability.metadata import extract
from reliability.model import Document
from reliability.signals import SignalContext, modules

ROOT = Path(__file__).resolve().parent.parent
PAN = Path("/work/shared/eval/pan13-train")
_TOKEN = re.compile(r"\S+")


def cut(text: str, words: int = 600) -> str:
    """The text up to the end of its ``words``-th word, white space and line breaks as they were."""
    for i, m in enumerate(_TOKEN.finditer(text), 1):
        if i == words:
            return text[: m.end()]
    return text


def corpus(n_pan: int) -> list[Document]:
    paths = sorted((ROOT / "seeds").glob("*.txt")) + sorted((ROOT / "tests" / "fixtures" / "articles").glob("*.txt"))
    docs = [from_text(p.read_text(encoding="utf-8"), p.stem, str(p)) for p in paths]
    pan = sorted((PAN / "src").glob("*.txt"))[: n_pan // 2] + sorted((PAN / "susp").glob("*.txt"))[: n_pan - n_pan // 2]
    docs += [from_text(cut(p.read_text(encoding="utf-8", errors="replace")), f"{p.parent.name}/{p.stem}") for p in pan]
    return docs


def from_jsonl(path: Path, limit: int | None) -> list[Document]:
    with path.open("rb") as fh:
        return [from_json_line(line, path=str(path)) for line in islice(fh, limit) if line.strip()]


def dump(docs: list[Document], ctx: SignalContext, out: Path) -> None:
    with out.open("w", encoding="utf-8") as fh:
        for doc in docs:
            meta = json.dumps(asdict(extract(doc.text)), sort_keys=True, default=repr, ensure_ascii=False)
            fh.write(json.dumps([doc.id, "metadata.extract", meta], ensure_ascii=False) + "\n")
            for module in modules():
                s = module.compute(doc, ctx)
                evidence = [(e.start, e.end, e.text, e.note) for e in s.evidence]
                details = json.dumps(s.details, sort_keys=True, default=repr)
                fh.write(json.dumps([doc.id, s.name, repr(s.value), evidence, s.summary, details], ensure_ascii=False) + "\n")
    print(f"{len(docs)} texts x {len(modules())} signals -> {out}")


def bench(docs: list[Document], ctx: SignalContext, rounds: int) -> None:
    mods = modules()
    start = time.perf_counter()
    for doc in docs:
        for module in mods:
            module.compute(doc, ctx)
    print(f"warm-up (lexicons, phrase table, outlet registry): {time.perf_counter() - start:.2f} s")
    best = {m.NAME: float("inf") for m in mods}
    best_total = float("inf")
    clock = time.perf_counter
    for _ in range(rounds):
        spent = dict.fromkeys(best, 0.0)
        cpu = time.process_time()
        for doc in docs:
            for module in mods:
                t = clock()
                module.compute(doc, ctx)
                spent[module.NAME] += clock() - t
        best_total = min(best_total, time.process_time() - cpu)
        best = {k: min(best[k], spent[k]) for k in best}
    for name, seconds in best.items():
        print(f"{name:24s} {seconds / len(docs) * 1000:7.3f} ms/article")
    meta = float("inf")
    for _ in range(rounds):
        cpu = time.process_time()
        for doc in docs:
            extract(doc.text)
        meta = min(meta, time.process_time() - cpu)
    print(f"{'metadata.extract':24s} {meta / len(docs) * 1000:7.3f} ms/article (CPU time, not in the total below)")
    words = sum(len(d.text.split()) for d in docs) / len(docs)
    print(f"{'all (CPU time)':24s} {best_total / len(docs) * 1000:7.3f} ms/article "
          f"({len(docs)} articles, {words:.0f} words on average, best of {rounds})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--pan", type=int, default=300, help="PAN13 texts to add, half sources, half suspicious")
    parser.add_argument("--jsonl", type=Path, help="time the articles of this JSONL batch instead")
    parser.add_argument("--limit", type=int, help="with --jsonl: only the first N articles")
    parser.add_argument("--dump", type=Path, help="write every signal's output here instead of timing")
    args = parser.parse_args()
    docs = from_jsonl(args.jsonl, args.limit) if args.jsonl else corpus(args.pan)
    ctx = SignalContext(load_config())
    if args.dump:
        dump(docs, ctx, args.dump)
    else:
        bench(docs, ctx, args.rounds)


if __name__ == "__main__":
    main()
