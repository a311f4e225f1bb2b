"""Estimate how well the score separates reliable from unreliable outlets (ROC AUC), with and without URLs.

Fixtures: benchmarks/fixtures/outlet_auc*.jsonl (articles written in the style of their outlets, labelled by the
outlet's reliability) plus the five seeds (labelled unreliable; they carry no URL). Self-written fixtures are only an
estimate: the same person wrote the articles and the signals. Targets on held-out real articles: >= 0.90 with URLs,
>= 0.80 from text alone.

    /work/venv/bin/python benchmarks/estimate_auc.py [--fixtures FILE...] [--no-seeds] [-v]
"""

from __future__ import annotations

import argparse
import json
import logging
from pathlib import Path
from typing import Sequence

from sklearn.metrics import roc_auc_score

from reliability import load_config
from reliability.ingest import from_json_line, from_text
from reliability.model import ArticleResult, Document
from reliability.pipeline import score_documents

ROOT = Path(__file__).resolve().parent.parent
# The second file was written after the signals had been tuned on the first, as a (weak) check against overfitting.
FIXTURES = [ROOT / "benchmarks" / "fixtures" / "outlet_auc.jsonl", ROOT / "benchmarks" / "fixtures" / "outlet_auc_holdout.jsonl"]
SEEDS = ROOT / "seeds"


def load(paths: Sequence[Path], with_urls: bool, seeds: bool) -> tuple[list[Document], dict[str, int]]:
    """Documents and labels (1 = reliable outlet). ``with_urls=False`` drops the url field: text alone."""
    docs, labels = [], {}
    lines = [line for path in paths for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    for line in lines:
        record = json.loads(line)
        labels[record["id"]] = 1 if record.pop("label") == "reliable" else 0
        if not with_urls:
            record.pop("url", None)
        docs.append(from_json_line(json.dumps(record)))
    if seeds:
        for seed in sorted(SEEDS.glob("*.txt")):
            docs.append(from_text(seed.read_text(encoding="utf-8"), seed.stem, path=str(seed)))
            labels[seed.stem] = 0
    return docs, labels


def auc(results: Sequence[ArticleResult], labels: dict[str, int], signal: str | None = None) -> float:
    y = [labels[r.document.id] for r in results]
    if signal is None:
        x = [r.score for r in results]
    else:
        x = [1.0 - (r.signal(signal).value if r.signal(signal) else 0.0) for r in results]
    return float(roc_auc_score(y, x))


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--fixtures", type=Path, nargs="+", default=FIXTURES, help="JSONL files with id, label, url, text")
    parser.add_argument("--no-seeds", action="store_true", help="leave the five seed articles out")
    parser.add_argument("-v", "--verbose", action="store_true", help="print every article's score and reasons")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.ERROR)
    config = load_config(overrides={"history": {"enabled": False}})
    for with_urls in (True, False):
        docs, labels = load(args.fixtures, with_urls, not args.no_seeds)
        batch = score_documents(docs, config)
        reliable = sum(labels.values())
        mode = "with URLs " if with_urls else "text only "
        print(f"{mode} n={len(docs)} ({reliable} reliable, {len(docs) - reliable} unreliable)  "
              f"AUC score={auc(batch.articles, labels):.3f}  byline_origin alone={auc(batch.articles, labels, 'byline_origin'):.3f}")
        if args.verbose:
            for r in batch.articles:
                mark = "R" if labels[r.document.id] else "U"
                print(f"   {r.rank:>2} {mark} {r.score:5.1f} {r.triage:<7} {r.document.id:<28} {r.explanation[:110]}")
    seeds = [r for r in batch.articles if (r.document.meta.path or "").startswith(str(SEEDS))]
    if seeds:
        print("seeds, best first (text only): " + ", ".join(f"{r.document.id[:3]}={r.score:.1f}" for r in seeds))


if __name__ == "__main__":
    main()
