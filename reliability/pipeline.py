"""The whole run: ingest -> signals -> duplication -> score -> rank.

>>> from reliability import load_config, score_paths
>>> result = score_paths(["seeds/"], load_config())      # doctest: +SKIP
>>> [(a.rank, a.document.id, a.score) for a in result.articles]   # doctest: +SKIP

Large batches use every core: one pool of forked worker processes takes, in this order, the per-document part of
duplication (word hashes for signatures, repetition inside each text), the per-document signals, and the alignment
of candidate pairs. The parent meanwhile does the batch-level part of duplication (boilerplate filtering, signing,
candidate search), which needs every document's hashes and overlaps the signals. Workers inherit the documents
through fork (nothing is pickled on the way in) and send results back as plain values; the report is the same as
in one process. Small batches stay in one process, where starting a pool would cost more than it saves.
``[performance]`` in the config sets the thresholds. The run keeps the garbage collector off its millions of
long-lived values (:mod:`reliability.gcpolicy`): fewer passes, and the forked workers' inherited data frozen.

Stage timing: set ``RELIABILITY_TIMINGS=1`` and one JSON line with each stage's wall and CPU seconds is written to
stderr when the process exits (``report`` is the time from the end of scoring to exit: rendering and writing).
When the caller ingested the documents itself (the CLI does, through the history store), ingest is not timed and
the line carries ``cpu_before_scoring``: the CPU seconds of start-up plus ingest.
The same figures are logged at debug level. Off, it costs a few ``perf_counter`` calls per batch.
"""

from __future__ import annotations

import atexit
import json
import logging
import multiprocessing
import os
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Iterator, Mapping, Sequence

from .config import Config
from .duplication import DocumentPreparer, DocumentWork, align_chunk, find_duplicates
from .gcpolicy import fewer_collections, frozen_for_fork
from .ingest import ingest
from .model import BatchResult, Document, DuplicationResult, Evidence, Match, Signal, Skipped
from .score import rank, score_article, thresholds_of
from .signals import SignalContext, compute_all

log = logging.getLogger(__name__)

Progress = Callable[[int], None]
TIMINGS_ENV = "RELIABILITY_TIMINGS"

# A signal as it crosses the process boundary: (name, value, ((start, end, note), ...), summary, details).
# Evidence text is re-cut from the document in the parent, so it always equals doc.text[start:end].
PackedSignal = tuple[str, float, tuple[tuple[int, int, str], ...], str, Mapping[str, Any]]


@dataclass(frozen=True, slots=True)
class Performance:
    """How a batch is spread over processes (``[performance]``)."""

    jobs: int = 0  # worker processes for signals; 0 = one per CPU core, 1 = everything in this process
    min_parallel_docs: int = 400  # below this many documents a pool costs more than it saves
    chunk_docs: int = 128  # documents per task sent to a worker

    @classmethod
    def from_config(cls, config: Config, jobs: int | None = None) -> "Performance":
        section = config.section("performance")
        perf = cls(**{k: int(section[k]) for k in cls.__dataclass_fields__ if k in section})
        if jobs is not None:
            perf = cls(jobs, perf.min_parallel_docs, perf.chunk_docs)
        if perf.jobs < 0 or perf.min_parallel_docs < 0 or perf.chunk_docs < 1:
            raise ValueError(f"[performance] needs jobs >= 0, min_parallel_docs >= 0, chunk_docs >= 1; got {perf}")
        return perf

    def workers(self, n_docs: int) -> int:
        """Worker processes to use for ``n_docs`` documents; 0 means compute in this process."""
        jobs = self.jobs or (os.cpu_count() or 1)
        if jobs <= 1 or n_docs < max(self.min_parallel_docs, 2) or not _can_fork():
            return 0
        return min(jobs, -(-n_docs // self.chunk_docs))


@dataclass
class StageTimer:
    """Wall and CPU seconds per stage; reported on exit when ``RELIABILITY_TIMINGS`` is set."""

    wall: dict[str, float] = field(default_factory=dict)
    cpu: dict[str, float] = field(default_factory=dict)
    started: float = field(default_factory=time.perf_counter)

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        w, c = time.perf_counter(), time.process_time()
        try:
            yield
        finally:
            self.add(name, time.perf_counter() - w, time.process_time() - c)

    def add(self, name: str, wall: float, cpu: float) -> None:
        self.wall[name] = self.wall.get(name, 0.0) + wall
        self.cpu[name] = self.cpu.get(name, 0.0) + cpu

    def as_dict(self) -> dict[str, Any]:
        return {"wall": {k: round(v, 4) for k, v in self.wall.items()}, "cpu": {k: round(v, 4) for k, v in self.cpu.items()}}


def _timings_requested() -> bool:
    return os.environ.get(TIMINGS_ENV, "") not in ("", "0")


def _report_at_exit(timer: StageTimer, n_docs: int, cpu_before: float | None) -> None:
    """``cpu_before``: CPU seconds the process had used when scoring began (start-up and ingest), if not timed."""
    done, done_cpu = time.perf_counter(), time.process_time()

    def emit() -> None:
        timer.add("report", time.perf_counter() - done, time.process_time() - done_cpu)
        line = {"timings": timer.as_dict(), "documents": n_docs}
        if cpu_before is not None:
            line["cpu_before_scoring"] = round(cpu_before, 4)
        print(json.dumps(line), file=sys.stderr, flush=True)

    atexit.register(emit)


def score_documents(
    docs: Sequence[Document],
    config: Config,
    *,
    skipped: Sequence[Skipped] = (),
    history: object | None = None,
    progress: Progress | None = None,
    jobs: int | None = None,
    timer: StageTimer | None = None,
) -> BatchResult:
    """Score documents already in memory. ``history`` is a :class:`reliability.store.History` or None.

    ``jobs`` overrides ``[performance] jobs`` (1 = no worker processes).
    """
    cpu_before = time.process_time()  # CPU of start-up and ingest when called from the CLI (not timed there)
    owns_timer = timer is None
    timer = timer or StageTimer()
    with fewer_collections():
        batch = _score_batch(docs, config, skipped, history, progress, jobs, timer)
    log.debug("stage timings: %s", timer.as_dict())
    if owns_timer and _timings_requested():
        _report_at_exit(timer, len(docs), cpu_before)
    return batch


def _score_batch(
    docs: Sequence[Document],
    config: Config,
    skipped: Sequence[Skipped],
    history: object | None,
    progress: Progress | None,
    jobs: int | None,
    timer: StageTimer,
) -> BatchResult:
    perf = Performance.from_config(config, jobs)
    workers = perf.workers(len(docs))
    if workers:
        per_doc, dup = _signals_beside_duplication(docs, config, history, progress, perf, workers, timer)
    else:
        with timer.stage("signals"):
            per_doc = _signals_here(docs, config, progress)
        with timer.stage("duplication"):
            dup = find_duplicates(docs, config, history=history)  # type: ignore[arg-type]
    with timer.stage("scoring"):
        results = []
        for doc, signals in zip(docs, per_doc):
            dup_signal = dup.signals.get(doc.id)
            if dup_signal is not None:
                signals = [*signals, dup_signal]
            results.append(score_article(doc, signals, config))
        return BatchResult(articles=rank(results), duplication=dup, skipped=tuple(skipped), config_name=config.source,
                           thresholds=thresholds_of(config))


def score_paths(
    paths: Iterable[str],
    config: Config,
    *,
    history: object | None = None,
    progress: Progress | None = None,
    jobs: int | None = None,
) -> BatchResult:
    """Ingest files, folders or ``-`` (JSONL on stdin) and score what could be read."""
    timer = StageTimer()
    with timer.stage("ingest"):
        docs, skipped = ingest(paths, config)
    batch = score_documents(docs, config, skipped=skipped, history=history, progress=progress, jobs=jobs, timer=timer)
    if _timings_requested():
        _report_at_exit(timer, len(docs), None)
    return batch


def _signals_here(docs: Sequence[Document], config: Config, progress: Progress | None) -> list[list[Signal]]:
    ctx = SignalContext(config)
    out: list[list[Signal]] = []
    for doc in docs:
        out.append(compute_all(doc, ctx))
        if progress:
            progress(1)
    return out


# --- worker processes -------------------------------------------------------------------------------------------
# Set in the parent just before the pool forks; each child reads the documents from its copy of this global.
_FORKED: tuple[Sequence[Document], Config] | None = None
_WORKER_CTX: SignalContext | None = None
_WORKER_PREP: DocumentPreparer | None = None


def _can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


# Signals of this text build what they need (compiled lexicons, the phrase table, the outlet registry) before the
# pool forks, so the workers share one copy instead of each building its own (about 0.3 s of CPU a worker).
_WARM_UP = Document(
    "warm-up",
    "Council approves bus lanes\n\nBy Jane Doe, Staff Reporter\nPublished: 2025-03-04\n\n"
    "LONDON (Reuters) - The city council approved two bus lanes on Tuesday, officials said. \u201cIt is a good day,\u201d "
    "said Mayor Ana Ruiz, according to a statement. Critics argue the plan was rushed, sources say.\n\n"
    "Share this article. Subscribe to our newsletter. \u00a9 2025 Example News. All rights reserved.",
)


def _warm_context(config: Config) -> SignalContext:
    ctx = SignalContext(config)
    compute_all(_WARM_UP, ctx)
    return ctx


def _signals_chunk(bounds: tuple[int, int]) -> tuple[int, list[list[PackedSignal]], float]:
    """Worker: signals of documents ``lo:hi`` as tuples, plus the CPU seconds they took."""
    global _WORKER_CTX
    assert _FORKED is not None, "worker started without the forked batch"
    docs, config = _FORKED
    if _WORKER_CTX is None:  # normally inherited, warm, from the parent (see _warm_context)
        _WORKER_CTX = SignalContext(config)
    cpu = time.process_time()
    lo, hi = bounds
    packed = [[_pack(s) for s in compute_all(docs[i], _WORKER_CTX)] for i in range(lo, hi)]
    return lo, packed, time.process_time() - cpu


def _duplication_chunk(bounds: tuple[int, int]) -> tuple[int, list[DocumentWork], float]:
    """Worker: the per-document duplication work of documents ``lo:hi``, plus the CPU seconds it took."""
    global _WORKER_PREP
    assert _FORKED is not None, "worker started without the forked batch"
    docs, config = _FORKED
    if _WORKER_PREP is None:  # one per worker: its token hash caches warm up over the chunks
        _WORKER_PREP = DocumentPreparer(config)
    cpu = time.process_time()
    lo, hi = bounds
    return lo, [_WORKER_PREP(docs[i]) for i in range(lo, hi)], time.process_time() - cpu


def _align_chunk(chunk: list[list[int]]) -> tuple[list[Match], float]:
    """Worker: matches of candidate pairs (document indices), plus the CPU seconds they took."""
    assert _FORKED is not None, "worker started without the forked batch"
    cpu = time.process_time()
    matches = align_chunk(*_FORKED, chunk)
    return matches, time.process_time() - cpu


def _pack(s: Signal) -> PackedSignal:
    return (s.name, s.value, tuple((e.start, e.end, e.note) for e in s.evidence), s.summary, dict(s.details))


def _unpack(p: PackedSignal, text: str) -> Signal:
    name, value, evidence, summary, details = p
    return Signal(name, value, tuple(Evidence.of(text, a, b, note) for a, b, note in evidence), summary, details)


def _signals_beside_duplication(
    docs: Sequence[Document],
    config: Config,
    history: object | None,
    progress: Progress | None,
    perf: Performance,
    workers: int,
    timer: StageTimer,
) -> tuple[list[list[Signal]], DuplicationResult]:
    """Signals and per-document duplication work in ``workers`` forked processes; both results when done."""
    global _FORKED, _WORKER_CTX
    chunks = [(lo, min(lo + perf.chunk_docs, len(docs))) for lo in range(0, len(docs), perf.chunk_docs)]
    per_doc: list[list[Signal]] = [[] for _ in docs]
    _FORKED = (docs, config)
    _WORKER_CTX = _warm_context(config)
    start = time.perf_counter()
    worker_dup_cpu = [0.0]
    try:
        with frozen_for_fork(), multiprocessing.get_context("fork").Pool(workers) as pool:
            # Queued first, so the parent can start signing while the workers go on with signals.
            prepared = pool.imap(_duplication_chunk, chunks)
            pending = pool.imap_unordered(_signals_chunk, chunks)

            results = _SignalResults(pending, docs, per_doc, progress)

            def align_map(pair_chunks: list[list[list[int]]]) -> Iterator[list[Match]]:
                # Queued behind the signals: by then the parent has nothing else to do but wait, so it unpacks the
                # signal results that came in instead of leaving them all for after the last alignment.
                for matches, cpu in pool.imap(_align_chunk, pair_chunks):
                    worker_dup_cpu[0] += cpu
                    results.take(wait=False)
                    yield matches

            with timer.stage("duplication"):
                def collect() -> list[DocumentWork]:
                    work: list[DocumentWork] = []
                    for _, part, cpu in prepared:  # in chunk order
                        work += part
                        worker_dup_cpu[0] += cpu
                    return work

                # Handed over without a name here, so find_duplicates can let the word hashes go once it has signed.
                dup = find_duplicates(docs, config, history=history, work=collect(), align_map=align_map)  # type: ignore[arg-type]
            unpacked_during_duplication = results.unpack_cpu
            results.take(wait=True)
    finally:
        _FORKED = _WORKER_CTX = None
    # Signals overlap duplication: their wall time is counted from the fork to the last result. Unpacking them in
    # this process stays out of both stages, also when it happened while duplication waited for alignments.
    timer.add("signals", time.perf_counter() - start, results.worker_cpu)
    timer.add("duplication", 0.0, worker_dup_cpu[0] - unpacked_during_duplication)  # plus the workers' share
    return per_doc, dup


class _SignalResults:
    """Signal results of the workers, unpacked into ``per_doc`` as they are taken (in any order)."""

    def __init__(self, pending: Any, docs: Sequence[Document], per_doc: list[list[Signal]], progress: Progress | None):
        self._pending, self._docs, self._per_doc, self._progress = pending, docs, per_doc, progress
        self.worker_cpu = 0.0  # CPU seconds the workers spent on the signals taken so far
        self.unpack_cpu = 0.0  # CPU seconds this process spent unpacking them

    def take(self, *, wait: bool) -> None:
        """Unpack the results that have arrived; with ``wait``, every result, waiting for the rest."""
        cpu = time.process_time()
        while True:
            try:
                lo, packed, worker_cpu = self._pending.next(timeout=None if wait else 0)
            except (StopIteration, multiprocessing.TimeoutError):
                break
            self.worker_cpu += worker_cpu
            for offset, signals in enumerate(packed):
                self._per_doc[lo + offset] = [_unpack(p, self._docs[lo + offset].text) for p in signals]
            if self._progress:
                self._progress(len(packed))
        self.unpack_cpu += time.process_time() - cpu
