"""kill -9 during history writes, and two writers on one store at once.

A child process records batches of real text (PAN13 source windows) and prints ``DONE <batch> <run>`` only after
``record_batch`` returned. The parent SIGKILLs it at a random moment, then checks that the store opens, passes
``PRAGMA integrity_check``, holds every batch reported done, holds no partial batch, and accepts a new batch.
"""

from __future__ import annotations

import json
import random
import re
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from reliability.duplication.minhash import text_signatures
from reliability.model import BatchResult, Document
from reliability.score import rank, score_article
from reliability.store import HistoryStore, content_hash

PAN_SRC = Path("/work/shared/eval/pan13-train/src")
BATCH = 40

WRITER = textwrap.dedent(
    """
    import json, sys
    from reliability.config import load_config
    from reliability.duplication.minhash import text_signatures
    from reliability.model import BatchResult, Document, Metadata
    from reliability.score import rank, score_article
    from reliability.store import HistoryStore

    store_path, batches_path, first, count = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    config = load_config()
    batches = json.load(open(batches_path))
    store = HistoryStore.open(config, store=store_path)
    prepared = []
    for b in range(first, first + count):
        docs = [Document(d["id"], d["text"], Metadata(outlet=d["outlet"])) for d in batches[b]]
        batch = BatchResult(articles=rank(score_article(d, [], config) for d in docs))
        prepared.append((b, docs, batch, text_signatures([d.text for d in docs], store.scheme)))
    print("READY", flush=True)
    for b, docs, batch, sigs in prepared:
        run = store.record_batch(batch, docs, sigs, {"batch": b})
        print("DONE", b, run.run_id, flush=True)
    """
)


def _windows(n_batches: int, seed: int) -> list[list[dict[str, str]]]:
    """Batches of ~300-word windows from different PAN source documents: realistic article-length text."""
    files = sorted(PAN_SRC.glob("*.txt"))
    rnd = random.Random(seed)
    batches = []
    for b in range(n_batches):
        docs = []
        for i in range(BATCH):
            words = files[rnd.randrange(len(files))].read_text(encoding="utf-8").split()
            start = rnd.randrange(max(1, len(words) - 300))
            text = " ".join(words[start : start + 300]) + f"\n\n(batch {b}, article {i})"
            docs.append({"id": f"b{b:03d}-a{i:02d}", "text": text, "outlet": f"outlet{i % 7}.example"})
        batches.append(docs)
    return batches


@pytest.fixture(scope="module")
def batches_file(tmp_path_factory) -> tuple[Path, list[list[dict[str, str]]]]:
    if not PAN_SRC.is_dir():
        pytest.skip(f"PAN13 sources not found at {PAN_SRC}")
    batches = _windows(60, seed=13)
    path = tmp_path_factory.mktemp("batches") / "batches.json"
    path.write_text(json.dumps(batches))
    return path, batches


def _spawn(store: Path, batches: Path, first: int, count: int, script: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(script), str(store), str(batches), str(first), str(count)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _check_store(path: Path, batches: list[list[dict[str, str]]], done: set[int]) -> None:
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        hashes = {bytes(h) for (h,) in db.execute("SELECT content_hash FROM documents")}
        runs = db.execute("SELECT id, articles, info FROM runs").fetchall()
        for run_id, articles, info in runs:
            # A visible run is a whole run: its scores row count equals its article count.
            (scored,) = db.execute("SELECT count(*) FROM scores WHERE run = ?", (run_id,)).fetchone()
            assert scored == articles == BATCH, f"run {run_id} is partial ({scored} of {articles} scores)"
        recorded = {json.loads(info)["batch"] for _, _, info in runs}
    assert done <= recorded, f"batches reported done but missing: {sorted(done - recorded)}"
    for b, docs in enumerate(batches):
        present = [content_hash(d["text"]) in hashes for d in docs]
        assert all(present) or not any(present), f"batch {b} is half stored"
        assert all(present) == (b in recorded)


def _write_time(tmp: Path, script: Path, batches_path: Path) -> float:
    """Seconds a writer needs for its batches once ready; kill points are drawn from this window."""
    proc = _spawn(tmp / "calibration.sqlite3", batches_path, 0, 3, script)
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "READY", proc.stderr.read() if proc.stderr else ""
    start = time.monotonic()
    for line in proc.stdout:
        end = time.monotonic()  # time of the last DONE line, not of interpreter shutdown
    proc.communicate(timeout=120)
    return end - start


def _trial(tmp: Path, script: Path, batches_path: Path, batches: list, window: float, rnd: random.Random, config, first: int) -> int:
    store_path = tmp / "history.sqlite3"
    proc = _spawn(store_path, batches_path, first, 3, script)
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "READY", proc.stderr.read() if proc.stderr else ""
    time.sleep(rnd.uniform(0.0, window))
    proc.send_signal(signal.SIGKILL)
    out, _ = proc.communicate()
    # The kill can cut the last line short ("DONE" with its numbers unwritten): only whole lines name a batch.
    done = {int(m.group(1)) for m in re.finditer(r"^DONE (\d+) \d+$", out, re.MULTILINE)}
    _check_store(store_path, batches, done)
    # A rerun on the same store completes and finds the articles written before the kill.
    with HistoryStore.open(config, store=store_path) as store:
        assert store.integrity_check() == "ok"
        before = store.count()
        docs = [Document(d["id"], d["text"]) for d in batches[first + 3]]
        batch = BatchResult(articles=rank(score_article(d, [], config) for d in docs))
        store.record_batch(batch, docs, text_signatures([d.text for d in docs], store.scheme), {"batch": first + 3})
        assert store.count() == before + BATCH
        if done:
            last = batches[max(done)][5]
            assert last["id"] in store.candidates(text_signatures([last["text"]], store.scheme))[0]
    return len(done)


def _trials(n: int, tmp_path: Path, batches_file, config) -> None:
    path, batches = batches_file
    script = tmp_path / "writer.py"
    script.write_text(WRITER)
    rnd = random.Random(2013)
    window = _write_time(tmp_path, script, path)
    finished = 0
    for trial in range(n):
        tmp = tmp_path / f"trial{trial}"
        tmp.mkdir()
        first = (trial * 4) % (len(batches) - 4)
        finished += _trial(tmp, script, path, batches, window, rnd, config, first)
    # The kill points must spread over the writes: some trials die before the first batch, some after.
    print(f"{n} kill -9 trials over a {window:.2f} s write window: {finished} of {3 * n} batches done before the kill")
    assert 0 < finished < 3 * n


def test_kill_9_during_history_writes_10_trials(tmp_path, batches_file, config):
    _trials(10, tmp_path, batches_file, config)


@pytest.mark.slow
def test_kill_9_during_history_writes_50_trials(tmp_path, batches_file, config):
    _trials(50, tmp_path, batches_file, config)


def test_two_runs_on_one_store_both_finish(tmp_path, batches_file, config):
    path, batches = batches_file
    script = tmp_path / "writer.py"
    script.write_text(WRITER)
    store_path = tmp_path / "history.sqlite3"
    procs = [_spawn(store_path, path, 0, 5, script), _spawn(store_path, path, 5, 5, script)]
    outputs = [p.communicate(timeout=300) for p in procs]
    for proc, (out, err) in zip(procs, outputs):
        assert proc.returncode == 0, err
        assert sum(line.startswith("DONE") for line in out.splitlines()) == 5
    _check_store(store_path, batches[:10], set(range(10)))
    with HistoryStore.open(config, store=store_path) as store:
        assert store.count() == 10 * BATCH
        # Every article is reachable through the index, whichever process wrote it.
        probe = [batches[1][0]["text"], batches[7][3]["text"]]
        rows = store.candidates(text_signatures(probe, store.scheme))
        assert batches[1][0]["id"] in rows[0] and batches[7][3]["id"] in rows[1]
