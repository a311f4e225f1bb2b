"""History store at scale: 1,000 new articles against histories of 100,000 and 1,000,000 synthetic articles.

Synthetic articles are built from real text: each one joins three ~200-word windows of different PAN13 source
documents (so histories hold the partial overlaps real wire copy produces). Histories are built once with the
bulk-import path into --dir and reused. The query phase runs in a fresh process, as a real run would, and reports
time per step, peak RSS and bytes on disk per stored article.

    nice python benchmarks/bench_history.py --sizes 100000 1000000 --dir /tmp/reliability-bench
    nice python benchmarks/bench_history.py --partial-pipeline 200 --dir /tmp/reliability-bench   # end to end

Targets: 1k vs 1M <= 10 s, <= 2 KB per article on disk, peak RSS <= 4 GB.

Partial copies: before the timed run, 100 "last week" articles are recorded whose text no other stored article shares
(PAN13 source chunks with their words in reverse order: the synthetic history repeats every PAN passage in dozens of
articles, so a copy of a normal one has dozens of equally right sources). The query batch holds, for each, a span of
60 or 120 of its words (from its middle) inside 300 words of an unrelated article (reversed too, so that it does not
overlap dozens of stored articles itself and push the copied one out of the ``max_candidates`` best), far below the
index threshold in whole-document Jaccard; ``partial_found_*`` counts those whose stored article is a candidate.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import numpy as np

PAN_SRC = Path("/work/shared/eval/pan13-train/src")
CHUNK_WORDS = 200
CHUNKS = 3


@dataclass(frozen=True)
class Source:
    words: list[str]
    token_hashes: np.ndarray  # the scheme's token hashes of the whole document
    offsets: np.ndarray  # offsets[i] = index in token_hashes of word i's first token


def load_sources() -> list[Source]:
    """Every PAN13 source, tokenised once: windows are then slices, not re-tokenised text (1M articles stay fast)."""
    from reliability.duplication.minhash import TokenHasher, tokens

    hasher = TokenHasher()
    out = []
    for p in sorted(PAN_SRC.glob("*.txt")):
        words = p.read_text(encoding="utf-8").split()
        per_word = [tokens(w) for w in words]
        offsets = np.concatenate(([0], np.cumsum([len(t) for t in per_word]))).astype(np.int64)
        out.append(Source(words, hasher([t for ts in per_word for t in ts]), offsets))
    return out


def synthetic(sources: list[Source], n: int, seed: int) -> Iterator[tuple[str, str, np.ndarray]]:
    """(id, text, token hashes) of ``n`` articles, each three ~200-word windows of different sources as paragraphs."""
    rng = np.random.default_rng(seed)
    usable = [i for i, s in enumerate(sources) if len(s.words) >= CHUNK_WORDS * 5 // 4 + 1]
    for k in range(n):
        parts, hashes = [], []
        for doc in rng.choice(usable, CHUNKS, replace=False):
            src = sources[doc]
            length = int(rng.integers(CHUNK_WORDS * 3 // 4, CHUNK_WORDS * 5 // 4))
            start = int(rng.integers(0, len(src.words) - length))
            parts.append(" ".join(src.words[start : start + length]))
            hashes.append(src.token_hashes[src.offsets[start] : src.offsets[start + length]])
        yield f"s{seed}-{k:07d}", "\n\n".join(parts), np.concatenate(hashes)


def signed(items: list[tuple[str, str, np.ndarray]], scheme: object) -> np.ndarray:
    from reliability.duplication.minhash import combine, signatures

    return signatures([combine(h, scheme.shingle_size) for _, _, h in items], scheme)  # type: ignore[attr-defined]


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def build(path: Path, n: int) -> dict[str, float]:
    """Bulk-import ``n`` synthetic articles; signatures computed in vectorised batches."""
    from reliability.config import load_config
    from reliability.duplication.minhash import text_signatures
    from reliability.model import Document, Metadata
    from reliability.store import HistoryStore

    config = load_config()
    sources = load_sources()
    t0 = time.perf_counter()
    store = HistoryStore.open(config, store=path)

    # The shortcut must give exactly the signatures the pipeline computes from the text.
    sample = list(synthetic(sources, 200, seed=7))
    assert np.array_equal(signed(sample, store.scheme), text_signatures([t for _, t, _ in sample], store.scheme))

    def items() -> Iterator[tuple[Document, np.ndarray]]:
        batch: list[tuple[str, str, np.ndarray]] = []
        for item in synthetic(sources, n, seed=1):
            batch.append(item)
            if len(batch) == 5000:
                yield from _with_signatures(batch)
                batch = []
        yield from _with_signatures(batch)

    def _with_signatures(batch: list[tuple[str, str, np.ndarray]]) -> Iterator[tuple[Document, np.ndarray]]:
        for (doc_id, text, _), sig in zip(batch, signed(batch, store.scheme)):
            yield Document(doc_id, text, Metadata(outlet=f"outlet{int(doc_id[-7:]) % 500}.example")), sig

    added = store.bulk_import(items())
    store.checkpoint()
    seconds = time.perf_counter() - t0
    size = store.disk_bytes()
    store.close()
    return {"articles": added, "build_s": round(seconds, 1), "bytes_per_article": round(size / max(added, 1)), "build_rss_mb": round(rss_mb())}


def query(path: Path, n_new: int) -> dict[str, float]:
    """One run's history work for ``n_new`` articles: open, sign, candidates, fetch, record."""
    t_start = time.perf_counter()
    from reliability.config import load_config
    from reliability.duplication.minhash import TokenHasher, combine, jaccard, text_signatures, tokens
    from reliability.model import BatchResult, Document
    from reliability.score import rank, score_article
    from reliability.store import HistoryStore

    config = load_config()
    t_import = time.perf_counter()
    sources = load_sources()
    # 90% unseen articles, 10% light rewrites of stored ones (every 12th word changed): those must be found.
    fresh = [(i, t) for i, t, _ in synthetic(sources, n_new - n_new // 10, seed=99)]
    stored = [(i, t) for i, t, _ in synthetic(sources, n_new // 10, seed=1)]  # the first stored articles of the history
    rewrites = [(f"rw-{i}", " ".join("reportedly" if j % 12 == 11 else w for j, w in enumerate(t.split()))) for i, (_, t) in enumerate(stored)]
    last_week = [(f"lastweek-{i}", " ".join(reversed(t.split()))) for i, t, _ in synthetic(sources, 100, seed=5)]
    hosts = [(i, " ".join(reversed(t.split()))) for i, t, _ in synthetic(sources, 100, seed=6)]
    partial = {w: _partials(last_week, hosts, w) for w in PARTIAL_WORDS}
    docs = [Document(i, t) for i, t in fresh + rewrites + [p for w in PARTIAL_WORDS for p in partial[w]]]
    with HistoryStore.open(config, store=path) as before:
        lw_docs = [Document(i, t) for i, t in last_week]
        before.record_batch(BatchResult(articles=()), lw_docs, text_signatures([d.text for d in lw_docs], before.scheme))
    t0 = time.perf_counter()
    store = HistoryStore.open(config, store=path)
    t_open = time.perf_counter()
    sigs = text_signatures([d.text for d in docs], store.scheme)
    hasher = TokenHasher()
    shingles = [combine(hasher(tokens(d.text)), store.scheme.shingle_size) for d in docs]
    t_sign = time.perf_counter()
    history = store.for_batch(docs)
    cands = history.candidates(sigs, shingles)
    t_cand = time.perf_counter()
    wanted = sorted({c for row in cands for c in row})
    fetched = {a.id: a for a in history.fetch(wanted)}
    t_fetch = time.perf_counter()
    batch = BatchResult(articles=rank(score_article(d, [], config) for d in docs))
    store.record_batch(batch, docs, sigs, {"command": "bench"})
    t_record = time.perf_counter()
    found = sum(orig_id in row for (orig_id, _), row in zip(stored, cands[len(fresh) :]))
    by_id = dict(zip((d.id for d in docs), cands))
    partial_found = {f"partial_found_{w}w": f"{sum(s_id in by_id[d_id] for s_id, (d_id, _) in zip((i for i, _ in last_week), partial[w]))}/{len(partial[w])}" for w in PARTIAL_WORDS}
    close = sum(
        any(fetched[c].signature is not None and jaccard(sig, fetched[c].signature) >= 0.3 for c in row) for sig, row in zip(sigs, cands)
    )
    store.checkpoint()
    result = {
        "history": store.count() - len(docs) - len(last_week),
        "new": len(docs),
        "open_s": round(t_open - t0, 2),
        "sign_s": round(t_sign - t_open, 2),
        "candidates_s": round(t_cand - t_sign, 2),
        "fetch_s": round(t_fetch - t_cand, 2),
        "record_s": round(t_record - t_fetch, 2),
        "total_s": round(t_record - t0, 2),
        "process_s": round(t_record - t_start - (t0 - t_import), 2),  # without building the test articles
        "candidates_per_article": round(sum(map(len, cands)) / len(docs), 1),
        "rewrites_found": f"{found}/{len(rewrites)}",
        **partial_found,
        "articles_with_candidate_j>=0.3": close,
        "peak_rss_mb": round(rss_mb()),
        "bytes_per_article_after": round(store.disk_bytes() / store.count()),
    }
    store.close()
    return result


PARTIAL_WORDS = (60, 120)


def partial_pipeline(n: int, store_dir: Path) -> dict[str, object]:
    """End to end on real English: ``n`` PAN13 sources stored, then for each a span of 60/90/120 of its words (from
    its first or its second half) inside 300 words of another source, through ``find_duplicates`` with the store.

    Counts, per span length and half, the copies matched to their source with passages (the span lies in the kept
    text) and as document-level matches (it does not), and wrong history matches (to another stored article).
    """
    import random

    from reliability.config import load_config
    from reliability.duplication import find_duplicates
    from reliability.duplication.minhash import text_signatures
    from reliability.model import BatchResult, Document
    from reliability.store import HistoryStore

    config = load_config()
    files = sorted(PAN_SRC.glob("*.txt"))
    rng = random.Random(11)
    chosen = rng.sample(files, 2 * n)
    sources = [Document(f"src-{p.stem}", p.read_text(encoding="utf-8")) for p in chosen[:n]]
    hosts = [p.read_text(encoding="utf-8").split() for p in chosen[n:]]
    path = store_dir / "partial-pipeline.sqlite3"
    for old in store_dir.glob("partial-pipeline.sqlite3*"):
        old.unlink()
    out: dict[str, object] = {}
    with HistoryStore.open(config, store=path) as store:
        store.record_batch(BatchResult(articles=()), sources, text_signatures([d.text for d in sources], store.scheme))
        for words in (60, 90, 120):
            for half in ("first", "second"):
                docs, want = [], {}
                for k, (src, host) in enumerate(zip(sources, hosts)):
                    w = src.text.split()
                    if len(w) < 2 * words + 20 or len(host) < 300:
                        continue
                    start = rng.randrange(0, len(w) // 2 - words) + (len(w) // 2 if half == "second" else 0)
                    doc_id = f"copy{words}-{half}-{k}"
                    docs.append(Document(doc_id, " ".join(host[:150] + w[start : start + words] + host[150:300])))
                    want[doc_id] = src.id
                result = find_duplicates(docs, config, history=store.for_batch(docs))
                hist = [m for m in result.matches if m.history]
                passages = {m.b for m in hist if want.get(m.b) == m.a and m.passages}
                document = {m.b for m in hist if want.get(m.b) == m.a and not m.passages} - passages
                wrong = sum(want.get(m.b) != m.a for m in hist)
                out[f"{words}w_{half}_half"] = f"{len(passages)}+{len(document)}/{len(docs)} (passages+document), wrong {wrong}"
    return out




def _partials(stored: list[tuple[str, str]], fresh: list[tuple[str, str]], words: int) -> list[tuple[str, str]]:
    """A span of ``words`` words of each stored article (from its middle chunk) between two halves of another text."""
    out = []
    for k, ((orig_id, text), (_, other)) in enumerate(zip(stored, fresh[::-1])):
        src, host = text.split(), other.split()
        start = len(src) // 2 - words // 2
        out.append((f"partial{words}-{k}", " ".join(host[:150] + src[start : start + words] + host[150:300])))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--new", type=int, default=1000)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/reliability-bench"))
    parser.add_argument("--partial-pipeline", type=int, metavar="N", help="only the end-to-end partial-copy recall, N sources")
    parser.add_argument("--step", choices=["build", "query"], help=argparse.SUPPRESS)
    parser.add_argument("--store", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.partial_pipeline:
        args.dir.mkdir(parents=True, exist_ok=True)
        print(json.dumps(partial_pipeline(args.partial_pipeline, args.dir)))
        return
    if args.step == "build":
        print(json.dumps(build(args.store, args.sizes[0])))
        return
    if args.step == "query":
        print(json.dumps(query(args.store, args.new)))
        return
    args.dir.mkdir(parents=True, exist_ok=True)
    for size in args.sizes:
        base = args.dir / f"history-{size}.sqlite3"
        if not base.exists():
            print(f"building {size:,} articles into {base} ...", flush=True)
            print("  build:", _child("build", base, size), flush=True)
        # Query a copy so the saved history stays at exactly `size` articles for the next run.
        work = args.dir / f"query-{size}.sqlite3"
        for suffix in ("", ".lsh"):
            subprocess.run(["cp", "--reflink=auto", f"{base}{suffix}", f"{work}{suffix}"], check=True)
        Path(f"{work}-wal").unlink(missing_ok=True)
        print(f"  1,000 new vs {size:,}:", _child("query", work, size, args.new), flush=True)


def _child(step: str, store: Path, size: int, new: int = 1000) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, __file__, "--step", step, "--store", str(store), "--sizes", str(size), "--new", str(new)],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


if __name__ == "__main__":
    main()
