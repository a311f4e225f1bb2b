"""Redis-backed index (datasketch MinHashLSH on Redis) gives the same matches as the embedded index.

Starts a real ``redis-server`` on a free loopback port with a temporary directory and stops it afterwards.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from pathlib import Path

import numpy as np
import pytest

from reliability.config import load_config
from reliability.duplication.minhash import text_signatures
from reliability.ingest import ingest
from reliability.model import BatchResult
from reliability.pipeline import score_documents
from reliability.store import HistoryStore

pytestmark = pytest.mark.redis

PAN_SRC = Path("/work/shared/eval/pan13-train/src")
SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server not installed (apt-get install redis-server; .ci/run installs it)")
    port = _free_port()
    workdir = tmp_path_factory.mktemp("redis")
    proc = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--dir", str(workdir), "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    import redis

    client = redis.Redis(host="127.0.0.1", port=port)
    for _ in range(100):
        try:
            client.ping()
            break
        except redis.ConnectionError:
            time.sleep(0.05)
    else:
        proc.kill()
        pytest.fail("redis-server did not start")
    yield f"redis://127.0.0.1:{port}/0"
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture(scope="module")
def articles():
    config = load_config()
    docs, _ = ingest([str(SEEDS)], config)
    texts = [d.text for d in docs]
    if PAN_SRC.is_dir():
        texts += [p.read_text(encoding="utf-8") for p in sorted(PAN_SRC.glob("*.txt"))[:60]]
    return config, docs, texts


def _rewrites(texts: list[str]) -> list[str]:
    """Copies an editor might make: every 10th word changed, or the first 60% kept and a new ending added."""
    out = []
    for i, text in enumerate(texts[:30]):
        words = text.split()
        out.append(" ".join("allegedly" if j % 10 == 9 else w for j, w in enumerate(words)))
        out.append(" ".join(words[: len(words) * 6 // 10] + texts[(i + 7) % len(texts)].split()[-80:]))
    return out


def _fill(store: HistoryStore, config, texts: list[str]) -> None:
    from reliability.model import Document

    docs = [Document(f"art-{i:03d}", t) for i, t in enumerate(texts)]
    # Only the index is under test: record the articles without scoring them.
    store.record_batch(BatchResult(articles=()), docs, text_signatures(texts, store.scheme))


def test_redis_index_gives_the_same_candidates_as_the_embedded_one(tmp_path, redis_url, articles):
    config, _, texts = articles
    path = tmp_path / "history.sqlite3"
    with HistoryStore.open(config, store=path) as embedded:
        _fill(embedded, config, texts)
        queries = text_signatures(_rewrites(texts) + texts[:5], embedded.scheme)
        expected = embedded.candidates(queries)
    with HistoryStore.open(config, store=path, index=redis_url) as shared:
        assert shared.index.watermark() == len(texts)  # caught up from the store on open
        assert shared.candidates(queries) == expected
    assert sum(bool(row) for row in expected) >= 40  # most rewrites are found, so the comparison is not vacuous


def test_two_processes_share_one_redis_index(tmp_path, redis_url, articles):
    config, docs, _ = articles
    path = tmp_path / "history.sqlite3"
    with HistoryStore.open(config, store=path, index=redis_url) as first, HistoryStore.open(config, store=path, index=redis_url) as second:
        batch = score_documents(docs, config)
        first.record_batch(batch, docs, text_signatures([d.text for d in docs], first.scheme))
        # The second handle sees the first one's articles through Redis, without re-indexing them itself.
        assert second.index.watermark() == len(docs)
        sig = text_signatures([docs[2].text], second.scheme)
        assert second.candidates(sig) == [[docs[2].id]]
        assert second.forget([docs[2].id]) == [docs[2].id]
        assert first.candidates(sig) == [[]]


def test_redis_index_is_per_store(tmp_path, redis_url, articles):
    config, docs, _ = articles
    with HistoryStore.open(config, store=tmp_path / "a.sqlite3", index=redis_url) as a:
        batch = score_documents(docs, config)
        a.record_batch(batch, docs, text_signatures([d.text for d in docs], a.scheme))
    with HistoryStore.open(config, store=tmp_path / "b.sqlite3", index=redis_url) as b:
        assert b.candidates(text_signatures([docs[0].text], b.scheme)) == [[]]
        assert np.all(b.index.watermark() == 0)


def test_partial_copy_of_a_stored_article_is_found_through_redis_too(tmp_path, redis_url, articles):
    from reliability.duplication import find_duplicates
    from reliability.model import Document, Metadata

    config, docs, texts = articles
    source = docs[0]
    paras = [p for p in source.text.split("\n") if len(p.split()) >= 15]
    # Two of its paragraphs inside an unrelated PAN13 text: whole-document similarity far below the index threshold.
    host = texts[-1].split()
    farm = Document("farm", " ".join(host[:200]) + "\n\n" + "\n\n".join(paras[1:3]) + "\n\n" + " ".join(host[200:400]),
                    Metadata(outlet="newsfarm.example"))
    found = {}
    for kind, spec in (("embedded", "embedded"), ("redis", redis_url)):
        with HistoryStore.open(config, store=tmp_path / f"{kind}.sqlite3", index=spec) as store:
            store.record_batch(BatchResult(articles=()), [source], text_signatures([source.text], store.scheme))
            result = find_duplicates([farm], config, history=store.for_batch([farm]))
            found[kind] = [(m.a, m.b, len(m.passages) > 0) for m in result.matches]
    assert found["redis"] == found["embedded"] == [(source.id, "farm", True)]


def test_forgotten_article_leaves_no_window_keys_in_redis(tmp_path, redis_url, articles):
    config, docs, _ = articles
    source = docs[0]
    with HistoryStore.open(config, store=tmp_path / "forget.sqlite3", index=redis_url) as store:
        store.record_batch(BatchResult(articles=()), [source], text_signatures([source.text], store.scheme))
        keys = [store.sketch.keys(_shingles(store, source.text))]
        assert store.index.query_windows(keys) != [{}]
        store.forget([source.id])
        assert store.index.query_windows(keys) == [{}]


def _shingles(store: HistoryStore, text: str) -> np.ndarray:
    from reliability.duplication.minhash import TokenHasher, combine, tokens

    return combine(TokenHasher()(tokens(text)), store.scheme.shingle_size)
