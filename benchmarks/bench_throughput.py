"""End-to-end throughput of ``reliability score`` at newsroom scale, against a naive datasketch pipeline.

For each N (default 1k, 10k, 100k) it builds the deterministic corpus (benchmarks/corpus.py, cached), then runs

    reliability score CORPUS.jsonl --format jsonl -q --config bench-config.toml [--no-history]   (stdout to /dev/null)

as a child process and prints: documents per second (whole process, wall clock), peak RSS (largest single process
from wait4, and the whole process tree sampled from /proc), the wall and CPU seconds of each stage (the pipeline's
``RELIABILITY_TIMINGS`` line), and recall / precision of the planted copy pairs among the pairs reported as copy or
paraphrase (pairs linked only by a "shared claim" are counted apart) from a ``--format json`` run
(``--truth-n`` articles, default min(N, 10k): the JSON of 100k articles is large). The naive reference
(benchmarks/naive.py) runs in this process on min(N, ``--naive-n``) articles; the ratio compares docs/s. The same
naive job done with our MinHash engine (``naive.engine``) is timed beside it: the like-for-like ratio of that stage.

    nice python benchmarks/bench_throughput.py --n 1000 10000 100000
    nice python benchmarks/bench_throughput.py --n 1000 --naive-n 1000 --timeout 600

Output goes to stdout as readable lines and, with ``--json FILE``, as one JSON document.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Sequence

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus  # noqa: E402  (benchmarks/ is not a package)
import naive  # noqa: E402

RELIABILITY = Path(sys.executable).with_name("reliability")


@dataclass
class ProcessRun:
    seconds: float
    returncode: int
    max_rss_mb: float  # largest single process (the parent or one worker), from wait4
    tree_rss_mb: float  # largest sum over the process tree, sampled every 0.1 s
    cpu_seconds: float  # user + system CPU of the child and the workers it reaped (wait4)
    timings: dict[str, Any] = field(default_factory=dict)
    stderr_tail: str = ""


@dataclass
class Quality:
    planted: int
    reported: int
    found: int
    by_kind: dict[str, tuple[int, int]]  # kind -> (found, planted)
    shared_text: int = 0  # unplanted reported pairs that do share a verbatim run of 8+ words in their texts
    claim_links: int = 0  # pairs linked only by a "shared claim" (one reworded sentence), kept out of ``reported``
    claim_links_planted: int = 0  # of those, planted pairs (a copy the aligner missed but the claim pass caught)

    @property
    def recall(self) -> float:
        return self.found / self.planted if self.planted else 1.0

    @property
    def precision(self) -> float:
        return self.found / self.reported if self.reported else 1.0

    @property
    def precision_shared(self) -> float:
        return (self.found + self.shared_text) / self.reported if self.reported else 1.0


# 100k news articles of ~600 words hold ~370M characters, over the default [limits] batch caps (200M): the
# benchmark raises only those two caps, so a 100k run really scores 100k articles.
BENCH_CONFIG = """[limits]
max_batch_chars = 1_000_000_000
max_batch_documents = 1_000_000
"""


# --no-swap-check: garbled_text's thesaurus-swap check off, as a bulk run that cannot spare its CPU would set it.
NO_SWAP_CHECK = """
[signals.garbled_text]
swap_check = 0
"""
_EXTRA_CONFIG: list[str] = []


def bench_config(out: Path) -> Path:
    path = out / "bench-config.toml"
    path.write_text(BENCH_CONFIG + "".join(_EXTRA_CONFIG), encoding="utf-8")
    return path


def score_command(path: Path, fmt: str) -> list[str]:
    cmd = [str(RELIABILITY), "score", str(path), "--format", fmt, "-q", "--config", str(bench_config(path.parent))]
    if "--no-history" in subprocess.run([str(RELIABILITY), "score", "--help"], capture_output=True, text=True).stdout:
        cmd.append("--no-history")
    return cmd


def run_process(cmd: Sequence[str], stdout: Any, timeout: float) -> ProcessRun:
    """Run ``cmd`` with stage timings on; wall time, peak memory and the timings line."""
    env = dict(os.environ, RELIABILITY_TIMINGS="1")
    with tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=stdout, stderr=err, env=env)
        sampler = _TreeRss(proc.pid)
        sampler.start()
        deadline = t0 + timeout
        status, usage = 0, None
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                _kill_tree(proc.pid)
                pid, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.05)
        seconds = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        sampler.stop()
        err.seek(0)
        text = err.read().decode("utf-8", "replace")
    timings = next((json.loads(line) for line in reversed(text.splitlines()) if line.startswith('{"timings"')), {})
    cpu = usage.ru_utime + usage.ru_stime
    return ProcessRun(seconds, proc.returncode, usage.ru_maxrss / 1024, sampler.peak / 1024, cpu, timings, text[-2000:])


class _TreeRss(threading.Thread):
    """Peak of the summed RSS of a process and its descendants, read from /proc (kB)."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peak = 0
        self._halt = threading.Event()

    def run(self) -> None:
        while not self._halt.wait(0.1):
            self.peak = max(self.peak, sum(_rss_kb(p) for p in _tree(self.pid)))

    def stop(self) -> None:
        self._halt.set()
        self.join()


def _tree(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as fh:
                    ppid = int(fh.read().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            children.setdefault(ppid, []).append(int(entry))
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo.extend(children.get(pid, ()))
    return out


def _rss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _kill_tree(root: int) -> None:
    """Only the benchmark's own child and its workers, by pid."""
    for pid in reversed(_tree(root)):
        try:
            os.kill(pid, 9)
        except ProcessLookupError:
            pass


def planted_quality(path: Path, truth: Sequence[tuple[str, str, str]], timeout: float) -> tuple[Quality, ProcessRun]:
    """Recall and precision of the planted pairs among the pairs ``reliability score --format json`` reports."""
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        run = run_process(score_command(path, "json"), out, timeout)
        out.seek(0)
        data = json.load(out) if run.returncode in (0, 1) else {"duplicates": []}
    # A pair linked only by shared claims is reported as "shared claim", not as copied text (see duplication/claims.py):
    # it is counted apart, so precision is that of what the report calls copy or paraphrase.
    reused, claims = set(), set()
    for d in data.get("duplicates", []):
        if d.get("kind") == "quote":
            continue
        only_claims = all(p.get("claim") for p in d.get("passages", ())) and d.get("passages")
        (claims if only_claims else reused).add(tuple(sorted((d["a"], d["b"]))))
    q = quality(reused, truth)
    planted = {tuple(sorted((a, b))) for a, b, _ in truth}
    q.shared_text = shared_runs(path, [p for p in reused if p not in planted])
    q.claim_links, q.claim_links_planted = len(claims), len(claims & planted)
    return q, run


def shared_runs(path: Path, pairs: Sequence[tuple[str, ...]], words: int = 8) -> int:
    """How many of ``pairs`` share a verbatim run of ``words`` words: text the PAN sources themselves have in common
    (Wikipedia notices, a quoted constitution), which a correct detector reports although nobody planted it."""
    wanted = {i for p in pairs for i in p}
    grams: dict[str, set[int]] = {}
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            record = json.loads(line)
            if record["id"] in wanted:
                w = record["text"].lower().split()
                grams[record["id"]] = {hash(tuple(w[i : i + words])) for i in range(len(w) - words + 1)}
    return sum(1 for a, b in pairs if grams.get(a, set()) & grams.get(b, set()))


def quality(reported: set[tuple[str, ...]] | frozenset[tuple[str, str]], truth: Sequence[tuple[str, str, str]]) -> Quality:
    planted = {tuple(sorted((a, b))): kind for a, b, kind in truth}
    by_kind: dict[str, tuple[int, int]] = {}
    for pair, kind in planted.items():
        f, p = by_kind.get(kind, (0, 0))
        by_kind[kind] = (f + (pair in reported), p + 1)
    return Quality(len(planted), len(reported), len(set(planted) & set(reported)), by_kind)


def shares(run: ProcessRun) -> str:
    """Each stage's wall seconds (share of the process's wall time) and CPU seconds (workers' CPU included).

    Signals run in workers *beside* duplication, so their wall times overlap; what no stage accounts for is start-up
    (imports), ingest when the CLI did it (its CPU is ``cpu_before_scoring``) and interpreter exit.
    """
    data = run.timings
    wall = data.get("timings", {}).get("wall", {})
    cpu = data.get("timings", {}).get("cpu", {})
    if not wall:
        return "no stage timings (process failed or timed out)"
    overlapped = max(wall.get("signals", 0.0), wall.get("duplication", 0.0))
    accounted = wall.get("ingest", 0.0) + overlapped + wall.get("scoring", 0.0) + wall.get("report", 0.0)
    parts = [f"{k} {v:.2f}s wall ({100 * v / run.seconds:.0f}%) {cpu.get(k, 0.0):.2f}s cpu" for k, v in wall.items()]
    rest = max(0.0, run.seconds - accounted)
    label = "start-up+exit" if "ingest" in wall else "start-up+ingest+exit"
    before = f", {data['cpu_before_scoring']:.2f}s cpu before scoring" if "cpu_before_scoring" in data else ""
    parts.append(f"{label} {rest:.2f}s wall ({100 * rest / run.seconds:.0f}%){before}")
    return "; ".join(parts)


def bench(n: int, args: argparse.Namespace) -> dict[str, Any]:
    jsonl, truth_path = corpus.write(n, args.out, args.seed)
    truth = corpus.read_truth(truth_path)
    row: dict[str, Any] = {"n": n, "corpus": str(jsonl)}
    run = run_process(score_command(jsonl, "jsonl"), subprocess.DEVNULL, args.timeout)
    row["score"] = asdict(run) | {"docs_per_s": n / run.seconds if run.returncode in (0, 1) else None}
    print(f"N={n:>7}: reliability score {run.seconds:8.2f}s  "
          + (f"{n / run.seconds:8.1f} docs/s" if run.returncode in (0, 1) else f"FAILED rc={run.returncode}")
          + f"  peak RSS {run.max_rss_mb:.0f} MB (one process), {run.tree_rss_mb:.0f} MB (tree)"
          + f"  cpu {run.cpu_seconds:.1f}s = {n / max(run.cpu_seconds, 1e-9):.0f} docs per cpu-second")
    print(f"           stages: {shares(run)}")
    scored = run.timings.get("documents")
    if scored is not None and scored != n:
        print(f"           WARNING: only {scored} of {n} articles were scored (see limits in stderr)")
    if run.returncode not in (0, 1):
        print("           stderr: " + run.stderr_tail.strip().replace("\n", "\n                   ")[-800:])
    naive_n = min(n, args.naive_n)
    if naive_n:
        ref = naive.run(jsonl, naive_n)
        row["naive"] = {"docs": ref.docs, "seconds": ref.seconds, "cpu_seconds": ref.cpu_seconds, "docs_per_s": ref.docs_per_s}
        ratio = (n / run.seconds) / ref.docs_per_s if run.returncode in (0, 1) else None
        row["ratio"] = ratio
        nq = quality(ref.pairs, [t for t in truth if int(t[1][1:]) < naive_n])
        print(f"           naive datasketch on {ref.docs} docs: {ref.docs_per_s:.1f} docs/s, "
              f"{ref.docs / max(ref.cpu_seconds, 1e-9):.0f} docs per cpu-second"
              + (f"  -> ratio {ratio:.1f}x" if ratio else "")
              + (f"  (its LSH candidates: recall {nq.recall:.3f}, precision {nq.precision:.3f})" if nq.planted
                 else "  (no planted pairs among its articles)"))
        own = naive.engine(jsonl, naive_n)
        row["engine"] = {"docs": own.docs, "seconds": own.seconds, "cpu_seconds": own.cpu_seconds,
                         "docs_per_s": own.docs_per_s, "pairs": len(own.pairs), "pairs_in_common": len(own.pairs & ref.pairs)}
        # Not quite the same pairs: the naive shingles are whitespace tokens with their punctuation, ours word runs.
        print(f"           the naive job (document MinHash + LSH only) with our MinHash engine, one process: "
              f"{own.docs_per_s:.0f} docs/s -> {own.docs_per_s / ref.docs_per_s:.1f}x the naive pipeline; "
              f"{len(own.pairs)} candidate pairs, {len(own.pairs & ref.pairs)} of the naive {len(ref.pairs)} among them")
    truth_n = min(n, args.truth_n)
    if truth_n:
        tpath, ttruth = (jsonl, truth) if truth_n == n else _subset(jsonl, truth, truth_n, args.out)
        q, qrun = planted_quality(tpath, ttruth, args.timeout)
        row["quality"] = asdict(q) | {"recall": q.recall, "precision": q.precision, "precision_shared": q.precision_shared,
                                      "n": truth_n, "returncode": qrun.returncode}
        kinds = ", ".join(f"{k} {f}/{p}" for k, (f, p) in sorted(q.by_kind.items()))
        print(f"           planted copies (N={truth_n}, json run rc={qrun.returncode}): recall {q.recall:.3f} "
              f"precision {q.precision:.3f}  ({q.found} of {q.planted} planted, {q.reported} reported; {kinds}); "
              f"{q.shared_text} of the {q.reported - q.found} unplanted pairs share a verbatim 8-word run "
              f"(precision counting those as right: {q.precision_shared:.3f}); "
              f"{q.claim_links} pairs linked only by a shared claim ({q.claim_links_planted} of them planted)")
    sys.stdout.flush()
    return row


def _subset(jsonl: Path, truth: Sequence[tuple[str, str, str]], n: int, out: Path) -> tuple[Path, list[tuple[str, str, str]]]:
    """``n`` articles of the corpus holding planted pairs at the corpus's own rate, in corpus order.

    The first ``n`` articles will not do: copies are planted only after the first tenth of a corpus, so the first 10k
    of a 100k corpus hold none. Instead the planted pairs are taken in the order of their copies, both articles of
    each, until they make up the corpus's share of copies; articles that are neither copy nor original fill the rest.
    """
    total = sum(1 for _ in jsonl.open(encoding="utf-8"))
    want_pairs = round(len(truth) * n / max(total, 1))
    pairs = sorted(truth, key=lambda t: t[1])[:want_pairs]
    chosen = {i for a, b, _ in pairs for i in (a, b)}
    involved = {i for a, b, _ in truth for i in (a, b)}
    sub = out / f"{jsonl.stem}-subset{n}.jsonl"
    kept: set[str] = set()
    with jsonl.open(encoding="utf-8") as src, sub.open("w", encoding="utf-8") as dst:
        fill = n - len(chosen)
        for line in src:
            doc_id = json.loads(line)["id"]
            if doc_id in chosen or (fill > 0 and doc_id not in involved):
                fill -= doc_id not in chosen
                kept.add(doc_id)
                dst.write(line)
    return sub, [t for t in pairs if t[0] in kept and t[1] in kept]


def main(argv: Sequence[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, nargs="+", default=[1000, 10000, 100000], help="batch sizes")
    ap.add_argument("--out", type=Path, default=Path("/tmp/reliability-bench"), help="corpus cache folder")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--naive-n", type=int, default=10000, help="articles for the naive reference (0 = skip)")
    ap.add_argument("--truth-n", type=int, default=10000, help="articles for recall/precision (0 = skip)")
    ap.add_argument("--timeout", type=float, default=3600, help="seconds before a run is killed")
    ap.add_argument("--json", type=Path, help="also write the figures as JSON here")
    ap.add_argument("--no-swap-check", action="store_true", help="score with garbled_text's thesaurus-swap check off")
    args = ap.parse_args(argv)
    if args.no_swap_check:
        _EXTRA_CONFIG.append(NO_SWAP_CHECK)
    args.out.mkdir(parents=True, exist_ok=True)
    if not RELIABILITY.exists() and shutil.which("reliability") is None:
        sys.exit("the reliability command is not installed next to this Python")
    print(f"cpus {os.cpu_count()}, command: {' '.join(score_command(args.out / 'CORPUS.jsonl', 'jsonl'))} > /dev/null")
    tiny, _ = corpus.write(1, args.out, args.seed)
    startup = run_process(score_command(tiny, "jsonl"), subprocess.DEVNULL, args.timeout)
    print(f"start-up: one article takes {startup.seconds:.2f}s wall (imports, config, exit)")
    rows = [bench(n, args) for n in args.n]
    if len(rows) > 1:
        first, last = rows[0], rows[-1]
        if first["score"]["docs_per_s"] and last["score"]["docs_per_s"]:
            scale = (last["score"]["seconds"] / first["score"]["seconds"]) / (last["n"] / first["n"])
            print(f"cost growth {first['n']} -> {last['n']}: {scale:.2f}x linear (1.0 = exactly linear)")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
