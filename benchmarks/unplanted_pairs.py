"""Are the unplanted pairs a run reports as copy or paraphrase same-topic texts, or chance look-alikes?

The benchmark corpus (benchmarks/corpus.py) cuts its articles from PAN13 source documents, which come in topic
clusters (several pages on one story, one disease, one instrument). Pairs the detector reports but nobody planted
lower the measured precision; this script shows how topical they are. For every such pair it prints the TF-IDF
cosine of the two articles, next to the distribution over random pairs of the corpus and the number of unplanted
pairs at least as similar as the least similar reported one.

    reliability score corpus-10000-s7-g<v>.jsonl --format json --config bench-config.toml --no-history -q -o r.json
    python benchmarks/unplanted_pairs.py corpus-10000-s7-g<v>.jsonl corpus-10000-s7-g<v>.truth.tsv r.json
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import read_truth  # noqa: E402


def reported_unplanted(report: dict, planted: set[tuple[str, str]]) -> list[tuple[str, str]]:
    """Pairs reported as copy or paraphrase (not quotes, not shared claims only) that nobody planted."""
    out = []
    for d in report.get("duplicates", []):
        passages = d.get("passages") or []
        if d.get("kind") == "quote" or (passages and all(p.get("claim") for p in passages)):
            continue
        pair = tuple(sorted((d["a"], d["b"])))
        if pair not in planted:
            out.append(pair)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("truth", type=Path)
    parser.add_argument("report", type=Path, help="the --format json report of the corpus")
    parser.add_argument("--random-pairs", type=int, default=20_000)
    args = parser.parse_args()
    ids, texts = [], []
    with args.corpus.open(encoding="utf-8") as fh:
        for line in fh:
            record = json.loads(line)
            ids.append(record["id"])
            texts.append(record["text"])
    row = {doc_id: i for i, doc_id in enumerate(ids)}
    x = TfidfVectorizer(stop_words="english", sublinear_tf=True, min_df=2).fit_transform(texts).astype(np.float32)

    def cosine(a: int, b: int) -> float:
        return float(x[a].multiply(x[b]).sum())

    planted = {tuple(sorted((a, b))) for a, b, _ in read_truth(args.truth)}
    pairs = reported_unplanted(json.loads(args.report.read_text(encoding="utf-8")), planted)
    found = sorted(cosine(row[a], row[b]) for a, b in pairs)
    rng = random.Random(1)
    chance = np.array([cosine(rng.randrange(len(ids)), rng.randrange(len(ids))) for _ in range(args.random_pairs)])
    print(f"{len(pairs)} unplanted pairs reported as copy or paraphrase; TF-IDF cosine of each: "
          + ", ".join(f"{c:.2f}" for c in found))
    print(f"random pairs: median {np.median(chance):.3f}, 99th percentile {np.quantile(chance, 0.99):.3f}, "
          f"99.9th {np.quantile(chance, 0.999):.3f}")
    if found:
        floor = found[0]
        similar = 0
        for start in range(0, len(ids), 1000):  # all pairs at least this similar, in blocks (a dense 10k x 10k is big)
            block = (x[start : start + 1000] @ x.T).toarray()
            for k in range(block.shape[0]):
                block[k, : start + k + 1] = 0  # each pair once, no self-pairs
            similar += int((block >= floor).sum())
        same_topic = similar - sum(1 for a, b in planted if a in row and b in row and cosine(row[a], row[b]) >= floor)
        print(f"unplanted pairs of the corpus with cosine >= {floor:.2f}: {same_topic}; "
              f"reported: {len(pairs)} ({len(pairs) / max(same_topic, 1):.2%} of them)")


if __name__ == "__main__":
    main()
