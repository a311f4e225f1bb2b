"""The whole run: ingest -> signals -> duplication -> score, in one process and spread over worker processes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from reliability import load_config
from reliability.ingest import ingest
from reliability.pipeline import Performance, score_documents, score_paths
from reliability.report import render

FIXTURES = Path(__file__).parent / "fixtures" / "articles"


@pytest.fixture(scope="module")
def newsroom_batch(seeds_dir: Path):
    """The seeds plus wire stories, their spun and machine-translated rewrites and a content-farm page."""
    config = load_config()
    docs, skipped = ingest([str(seeds_dir), str(FIXTURES)], config)
    assert len(docs) >= 15 and not skipped
    return docs


def _forced_pool_config():
    # A pool even for a small batch, one document per task, so results cross the process boundary out of order.
    return load_config(overrides={"performance": {"min_parallel_docs": 2, "chunk_docs": 1}})


def test_workers_give_the_same_report_as_one_process(newsroom_batch) -> None:
    config = _forced_pool_config()
    serial = score_documents(newsroom_batch, config, jobs=1)
    parallel = score_documents(newsroom_batch, config, jobs=2)
    assert render(parallel, "json") == render(serial, "json")
    assert [a.document.id for a in parallel.articles] == [a.document.id for a in serial.articles]


def test_workers_use_the_configuration_of_their_own_batch(newsroom_batch) -> None:
    # Workers start from signal resources built in the parent; a second batch under other settings must not get
    # the first batch's (the parent's warm context is dropped with its pool).
    loose = _forced_pool_config()
    strict = load_config(overrides={"performance": {"min_parallel_docs": 2, "chunk_docs": 1},
                                    "signals": {"anonymous_framing": {"vague_saturation": 9.0}}})
    first = score_documents(newsroom_batch, loose, jobs=2)
    second = score_documents(newsroom_batch, strict, jobs=2)
    assert render(second, "json") == render(score_documents(newsroom_batch, strict, jobs=1), "json")
    assert render(second, "json") != render(first, "json")


def test_duplication_in_workers_finds_the_same_reuse_as_one_process(newsroom_batch) -> None:
    """Hashing, repetition and pair alignment run in the workers: matches, passages, repetitions and the duplication
    signal must not change. Every pair is aligned (21 articles, 210 pairs), enough to go through the pool."""
    config = load_config(overrides={
        "performance": {"min_parallel_docs": 2, "chunk_docs": 1},
        "duplication": {"exhaustive_below": len(newsroom_batch)},
    })
    serial = score_documents(newsroom_batch, config, jobs=1).duplication
    parallel = score_documents(newsroom_batch, config, jobs=2).duplication
    assert serial.matches and serial.repetitions, "the fixtures hold rewrites and a page that repeats itself"
    assert parallel.matches == serial.matches  # same pairs, kinds, passages with offsets, in the same order
    assert parallel.repetitions == serial.repetitions
    assert parallel.clusters == serial.clusters
    assert parallel.signals == serial.signals


def test_evidence_from_workers_still_points_into_the_text(newsroom_batch) -> None:
    batch = score_documents(newsroom_batch, _forced_pool_config(), jobs=2)
    spans = [(a.document.text, e) for a in batch.articles for s in a.signals for e in s.evidence]
    assert spans, "the rewritten and content-farm fixtures should move at least one signal"
    for text, e in spans:
        assert e.text == text[e.start : e.end]


def test_spun_rewrite_is_found_when_signals_run_in_workers(newsroom_batch) -> None:
    batch = score_documents(newsroom_batch, _forced_pool_config(), jobs=2)
    pairs = {frozenset((m.a, m.b)) for m in batch.duplication.matches if m.kind != "quote"}
    assert frozenset(("clean_wire_rates", "spun_rates")) in pairs


def test_every_article_is_ranked_once_and_progress_counts_them(newsroom_batch) -> None:
    seen: list[int] = []
    batch = score_documents(newsroom_batch, _forced_pool_config(), jobs=2, progress=seen.append)
    assert sum(seen) == len(newsroom_batch)
    assert sorted(a.rank for a in batch.articles) == list(range(1, len(newsroom_batch) + 1))
    scores = [a.score for a in batch.articles]
    assert scores == sorted(scores, reverse=True)


def test_small_batches_and_jobs_1_stay_in_one_process(config) -> None:
    perf = Performance.from_config(config)
    assert perf.workers(10) == 0  # a pool would cost more than ten articles take
    assert Performance.from_config(config, jobs=1).workers(100_000) == 0
    if (os.cpu_count() or 1) > 1:
        assert perf.workers(100_000) >= 2


def test_bad_performance_settings_are_refused_with_the_key_to_fix() -> None:
    config = load_config(overrides={"performance": {"chunk_docs": 0}})
    with pytest.raises(ValueError, match="chunk_docs"):
        Performance.from_config(config)


def test_score_paths_reads_folders(seeds_dir: Path) -> None:
    batch = score_paths([str(seeds_dir)], load_config(), jobs=1)
    assert {a.document.id[:3] for a in batch.articles} == {"000", "001", "002", "003", "004"}


def test_stage_timings_are_reported_on_exit_when_asked(seeds_dir: Path) -> None:
    env = dict(os.environ, RELIABILITY_TIMINGS="1")
    cmd = [sys.executable, "-m", "reliability.cli", "score", str(seeds_dir), "--format", "jsonl", "-q", "--no-history"]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode in (0, 1), proc.stderr
    line = next(x for x in proc.stderr.splitlines() if x.startswith('{"timings"'))
    data = json.loads(line)
    assert {"signals", "duplication", "scoring", "report"} <= set(data["timings"]["wall"])
    assert data["documents"] == 5
    assert len(proc.stdout.splitlines()) == 5  # the report itself is untouched on stdout


def test_no_timing_line_unless_asked(seeds_dir: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "RELIABILITY_TIMINGS"}
    cmd = [sys.executable, "-m", "reliability.cli", "score", str(seeds_dir), "--format", "jsonl", "-q", "--no-history"]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=300)
    assert "timings" not in proc.stderr


def test_a_signal_crashing_on_one_article_does_not_stop_the_batch(monkeypatch, seeds_dir, config):
    """The crashing article is still listed, sent to review with the reason; the others are scored as usual."""
    from reliability.ingest import ingest
    from reliability.pipeline import score_documents
    from reliability.signals import junk

    real = junk.compute

    def fragile(doc, ctx):
        if doc.id.startswith("001"):
            raise RuntimeError("regex engine gave up")
        return real(doc, ctx)

    docs, _ = ingest([seeds_dir], config)
    expected = {a.document.id: a.score for a in score_documents(docs, config, jobs=1).articles}
    monkeypatch.setattr(junk, "compute", fragile)
    batch = score_documents(docs, config, jobs=1)
    by_id = {a.document.id: a for a in batch.articles}
    assert len(by_id) == 5
    hit = by_id[next(i for i in by_id if i.startswith("001"))]
    assert hit.triage in ("review", "reject")
    assert hit.signal("page_junk").details["error"].startswith("RuntimeError: regex engine gave up")
    assert hit.explanation.startswith("Not fully scored: page_junk failed")
    assert all(by_id[i].score == expected[i] for i in by_id if not i.startswith("001"))


def test_batch_records_its_thresholds_so_reports_show_them_even_for_forced_reviews(seeds_dir):
    from reliability import load_config
    from reliability.pipeline import score_paths
    from reliability.report import render

    config = load_config(overrides={"triage": {"accept": 80, "review": 50}})
    batch = score_paths([str(seeds_dir)], config, jobs=1)
    assert batch.thresholds == {"accept": 80.0, "review": 50.0}
    assert "score ≥ 80" in render(batch, "md")
