"""History store: seeds stored, a later copy found via the History protocol, reruns idempotent, forget, scheme guard."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from reliability.config import load_config
from reliability.duplication.history import History
from reliability.duplication.minhash import text_signatures
from reliability.ingest import ingest
from reliability.model import BatchResult, Document, Metadata
from reliability.pipeline import score_documents
from reliability.store import HistoryStore, StoreError, TextCodec, build_zdict, content_hash

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


@pytest.fixture(scope="module")
def config():
    return load_config()


@pytest.fixture(scope="module")
def seeds(config):
    docs, _ = ingest([str(SEEDS)], config)
    assert len(docs) == 5
    return docs


def _record(store: HistoryStore, docs, config, info=None):
    batch = score_documents(docs, config, history=store.for_batch(docs))
    return batch, store.record_batch(batch, docs, text_signatures([d.text for d in docs], store.scheme), info or {})


def _rewire(doc: Document, new_id: str, outlet: str) -> Document:
    """The same story republished elsewhere: a new headline line and whitespace changes, body copied."""
    body = doc.text.split("\n", 1)[1]
    return Document(new_id, "Exclusive: what the memoir reveals\n\n" + body.replace("\n\n", "\n"), Metadata(outlet=outlet, url=f"https://{outlet}/story"))


@pytest.fixture()
def store(tmp_path, config):
    with HistoryStore.open(config, store=tmp_path / "history.sqlite3") as s:
        yield s


def test_copy_of_a_stored_seed_is_found_with_its_provenance(store, seeds, config):
    _record(store, seeds, config)
    copy = _rewire(seeds[1], "copycat-1", "copycat.example")
    history: History = store.for_batch([copy])
    assert isinstance(history, History)

    found = history.candidates(text_signatures([copy.text], store.scheme))
    assert found == [[seeds[1].id]]
    (stored,) = history.fetch(found[0])
    assert stored.id == seeds[1].id
    assert stored.first_seen is not None and stored.first_seen.startswith("20")
    # The kept text is an exact prefix of the original, so stored offsets point at the right characters.
    assert stored.text and seeds[1].text.startswith(stored.text)
    assert np.array_equal(stored.signature, text_signatures([seeds[1].text], store.scheme)[0])


def test_unrelated_article_has_no_candidates(store, seeds, config):
    _record(store, seeds, config)
    other = (
        "City council approves riverside housing plan\n\nThe city council on Tuesday approved a plan to build 400 "
        "homes on former rail yards along the river, after three hours of debate over parking and flood defences. "
        "Councillor Maria Ortega said the first residents could move in by 2028. Opponents said the site floods "
        "every few winters and asked for an independent survey before any building starts."
    )
    assert store.candidates(text_signatures([other], store.scheme)) == [[]]


def test_rerun_is_idempotent_and_reported_as_seen_before(store, seeds, config):
    _, first = _record(store, seeds, config)
    assert set(first.new) == {d.id for d in seeds} and not first.seen_before
    _, second = _record(store, seeds, config)
    assert second.new == ()
    assert set(second.seen_before) == {d.id for d in seeds}
    assert second.seen_before[seeds[0].id].first_seen == store.show(seeds[0].id).article.first_seen
    assert store.count() == 5
    # Both runs' scores are kept, newest first.
    assert [s.run_id for s in store.show(seeds[0].id).scores] == [second.run_id, first.run_id]


def test_rerun_does_not_match_an_article_against_itself_but_a_copy_under_another_id_is_found(store, seeds, config):
    _record(store, seeds, config)
    sigs = text_signatures([d.text for d in seeds], store.scheme)
    assert store.for_batch(seeds).candidates(sigs) == [[] for _ in seeds]
    same_text_elsewhere = Document("wire-copy", seeds[2].text, Metadata(outlet="other.example"))
    rows = store.for_batch([same_text_elsewhere]).candidates(sigs[2:3])
    assert rows == [[seeds[2].id]]


def test_same_text_with_different_whitespace_is_the_same_article(store, seeds, config):
    _record(store, seeds, config)
    respaced = Document(seeds[3].id, seeds[3].text.replace("\n\n", "\n").replace(". ", ".  "), seeds[3].meta)
    assert content_hash(respaced.text) == content_hash(seeds[3].text)
    _, rec = _record(store, [respaced], config)
    assert rec.new == () and store.count() == 5


def test_a_reused_file_name_with_new_content_gets_its_own_history_id(store, seeds, config):
    _record(store, seeds[:1], config)
    different = Document(seeds[0].id, seeds[4].text, seeds[4].meta)
    _, rec = _record(store, [different], config)
    assert rec.ids[seeds[0].id] != seeds[0].id and rec.ids[seeds[0].id].startswith(seeds[0].id + "@")
    assert store.count() == 2


def test_forget_removes_the_article_from_store_and_index_also_after_reopening(tmp_path, seeds, config):
    path = tmp_path / "history.sqlite3"
    with HistoryStore.open(config, store=path) as store:
        _record(store, seeds, config)
        sig = text_signatures([seeds[1].text], store.scheme)
        assert store.forget([seeds[1].id, "no-such-id"]) == [seeds[1].id]
        assert store.candidates(sig) == [[]]
        with pytest.raises(StoreError, match="no stored article"):
            store.show(seeds[1].id)
        assert store.fetch([seeds[1].id]) == []
    with HistoryStore.open(config, store=path) as store:
        assert store.count() == 4
        assert store.candidates(sig) == [[]]
        assert store.candidates(text_signatures([seeds[2].text], store.scheme)) == [[seeds[2].id]]


def test_index_is_saved_and_reloaded_not_rebuilt(tmp_path, seeds, config):
    path = tmp_path / "history.sqlite3"
    with HistoryStore.open(config, store=path) as store:
        _record(store, seeds, config)
        assert store.index_path.exists()
    with HistoryStore.open(config, store=path) as store:
        assert store.index.watermark() >= 5 and len(store.index) == 5


def test_store_built_with_another_scheme_is_refused(tmp_path, seeds, config):
    path = tmp_path / "history.sqlite3"
    with HistoryStore.open(config, store=path) as store:
        _record(store, seeds[:2], config)
    other = load_config(overrides={"duplication": {"num_perm": 64}})
    with pytest.raises(StoreError, match="num_perm: stored 128 vs configured 64"):
        HistoryStore.open(other, store=path)


def test_store_signed_by_a_different_hashing_installation_is_refused(tmp_path, seeds, config):
    path = tmp_path / "history.sqlite3"
    with HistoryStore.open(config, store=path) as store:
        _record(store, seeds[:2], config)
    # Simulate a library upgrade that changed the permutations: the recorded probe no longer matches.
    with sqlite3.connect(path) as db:
        db.execute("UPDATE meta SET value = ? WHERE key = 'probe'", ("00" * 512,))
    with pytest.raises(StoreError, match="upgrade changed the hashing"):
        HistoryStore.open(config, store=path)


def test_record_batch_rejects_signatures_that_do_not_fit_the_batch(store, seeds, config):
    batch = BatchResult(articles=())
    with pytest.raises(ValueError, match="shape"):
        store.record_batch(batch, seeds, np.zeros((2, 128), dtype=np.uint32))
    assert store.count() == 0


def test_text_prefix_stays_within_budget_and_is_exact(seeds):
    codec = TextCodec(build_zdict(), 300)
    long_text = "\n\n".join(d.text for d in seeds)
    blob = codec.encode(long_text)
    assert blob is not None and len(blob) <= 300
    prefix = codec.decode(blob)
    assert prefix and long_text.startswith(prefix) and len(prefix) > 300
    assert TextCodec(build_zdict(), 0).encode(long_text) is None
    assert TextCodec(build_zdict(), 100_000).decode(TextCodec(build_zdict(), 100_000).encode(long_text)) == long_text


def test_list_and_show_give_editor_facing_records(store, seeds, config):
    meta = replace(seeds[0].meta, outlet="example-news.com")
    doc = Document(seeds[0].id, seeds[0].text, meta)
    batch, _ = _record(store, [doc, *seeds[1:]], config)
    listed = store.list_articles(limit=3)
    assert len(listed) == 3
    assert all(r.scores and 0 <= r.scores[0].score <= 100 for r in listed)
    shown = store.show(seeds[0].id)
    assert shown.article.outlet == "example-news.com"
    assert shown.text_chars == len(seeds[0].text)
    article = next(a for a in batch.articles if a.document.id == seeds[0].id)
    assert shown.scores[0].score == pytest.approx(article.score)
    assert shown.scores[0].triage == article.triage


def test_store_passes_integrity_check_and_uses_wal(store, seeds, config):
    _record(store, seeds, config)
    assert store.integrity_check() == "ok"
    assert store._db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_pipeline_matches_a_later_copy_to_the_stored_seed(tmp_path, config):
    from reliability.store import score_and_record

    with HistoryStore.open(config, store=tmp_path / "history.sqlite3") as store:
        first, recorded = score_and_record([str(SEEDS)], config, store)
        assert recorded is not None and len(recorded.new) == 5
        original = (SEEDS / "002_6b826e8de17cef1f.txt").read_text(encoding="utf-8")
        inbox = tmp_path / "inbox"
        inbox.mkdir()
        # The next day another site runs the story with its own headline line; the body is the seed's.
        (inbox / "aggregator-story.txt").write_text("Breaking news roundup\n\n" + original.split("\n", 1)[1], encoding="utf-8")
        batch, again = score_and_record([str(inbox)], config, store)
        matches = [m for m in batch.duplication.matches if m.history]
        assert matches, "the copy was not matched to the stored seed"
        m = matches[0]
        assert m.history["id"] == "002_6b826e8de17cef1f"
        assert m.history["first_seen"] == store.show("002_6b826e8de17cef1f").article.first_seen
        assert m.earlier == "002_6b826e8de17cef1f" and m.kind == "copy"
        assert again is not None and again.new == ("aggregator-story",)
        # Rerunning the seeds themselves is idempotent and raises no history match of an article with itself.
        rerun, rec = score_and_record([str(SEEDS)], config, store)
        assert rec is not None and rec.new == () and store.count() == 6
        # The seed 002 now matches the stored aggregator copy, never its own stored self.
        assert {m.history["id"] for m in rerun.duplication.matches if m.history} == {"aggregator-story"}


def test_history_commands_list_show_forget(tmp_path):
    import json

    from click.testing import CliRunner

    from reliability.cli import cli

    runner = CliRunner()
    store = str(tmp_path / "h.sqlite3")
    scored = runner.invoke(cli, ["score", str(SEEDS), "--store", store, "-f", "json", "-q"])
    assert scored.exit_code == 0, scored.output
    listed = runner.invoke(cli, ["history", "list", "--store", store])
    assert listed.exit_code == 0 and len(listed.output.strip().splitlines()) == 5
    shown = runner.invoke(cli, ["history", "show", "003_8c03106444488f96", "--store", store])
    data = json.loads(shown.output)
    assert data["id"] == "003_8c03106444488f96" and len(data["scores"]) == 1
    assert (SEEDS / "003_8c03106444488f96.txt").read_text(encoding="utf-8").startswith(data["stored_text"])
    forgot = runner.invoke(cli, ["history", "forget", "003_8c03106444488f96", "nope", "--store", store])
    assert forgot.exit_code == 2 and "forgot 1 article(s); not stored: nope" in forgot.output
    assert runner.invoke(cli, ["history", "show", "003_8c03106444488f96", "--store", store]).exit_code != 0
    # --no-history leaves the store untouched.
    runner.invoke(cli, ["score", str(SEEDS), "--store", store, "--no-history", "-q"])
    assert len(runner.invoke(cli, ["history", "list", "--store", store]).output.strip().splitlines()) == 4


def test_candidates_below_min_jaccard_are_dropped_before_fetching(tmp_path, seeds, config):
    from reliability.duplication.minhash import jaccard

    pan = sorted(Path("/work/shared/eval/pan13-train/src").glob("*.txt"))[:300]
    if not pan:
        pytest.skip("PAN13 sources not available")
    texts = [p.read_text(encoding="utf-8") for p in pan]
    docs = [Document(p.stem, t) for p, t in zip(pan, texts)]
    path = tmp_path / "h.sqlite3"
    with HistoryStore.open(config, store=path) as store:
        sigs = text_signatures(texts, store.scheme)
        store.record_batch(BatchResult(articles=()), docs, sigs)
        # Articles built from halves of two stored ones: each half-source has Jaccard ~0.2-0.35 with them.
        mixed = [" ".join(a.split()[: len(a.split()) // 2] + b.split()[len(b.split()) // 2 :]) for a, b in zip(texts[:100], texts[100:200])]
        qsigs = text_signatures(mixed, store.scheme)
        filtered = store.candidates(qsigs)
        floor = store.min_jaccard
    with HistoryStore(path, store.scheme, min_jaccard=0.0) as raw_store:
        raw = raw_store.candidates(qsigs)
    by_id = {d.id: s for d, s in zip(docs, sigs)}
    assert sum(map(len, raw)) > sum(map(len, filtered))  # the filter does drop band collisions
    for q, kept, everything in zip(qsigs, filtered, raw):
        assert set(kept) <= set(everything)
        assert all(jaccard(q, by_id[c]) >= floor for c in kept)
        assert all(jaccard(q, by_id[c]) < floor for c in set(everything) - set(kept))
    # Sources that really make up a mixed article (J >= 0.3, the LSH threshold) are never filtered out.
    for i, (kept, everything) in enumerate(zip(filtered, raw)):
        for src in (docs[i].id, docs[i + 100].id):
            if src in everything and jaccard(qsigs[i], by_id[src]) >= 0.3:
                assert src in kept
    found = sum(docs[i].id in kept for i, kept in enumerate(filtered)) + sum(docs[i + 100].id in kept for i, kept in enumerate(filtered))
    print(f"sources found: {found}/200; candidates raw {sum(map(len, raw))}, after filter {sum(map(len, filtered))}")


def test_changing_the_index_threshold_rebuilds_the_index_from_stored_signatures(tmp_path, seeds, config):
    path = tmp_path / "history.sqlite3"
    with HistoryStore.open(config, store=path) as store:
        _record(store, seeds, config)
        old_banding = store.banding
    stricter = load_config(overrides={"history": {"lsh_threshold": 0.6}})
    with HistoryStore.open(stricter, store=path) as store:
        assert store.banding != old_banding and store.index.banding == store.banding
        assert len(store.index) == 5
        assert store.candidates(text_signatures([seeds[4].text], store.scheme)) == [[seeds[4].id]]


def test_a_store_from_before_window_keys_is_upgraded_on_open(tmp_path, seeds, config):
    path = tmp_path / "old.sqlite3"
    with HistoryStore.open(config, store=path) as store:
        _record(store, seeds[:1], config)
    db = sqlite3.connect(path)
    db.execute("ALTER TABLE documents DROP COLUMN windows")  # what a store written before window keys looks like
    db.execute("DELETE FROM meta WHERE key = 'windows'")
    db.commit()
    db.close()
    path.with_name(path.name + ".lsh").unlink()
    with HistoryStore.open(config, store=path) as store:
        # The old article is still found by its whole-document signature ...
        copy = _rewire(seeds[0], "copycat-0", "copycat.example")
        assert store.for_batch([copy]).candidates(text_signatures([copy.text], store.scheme)) == [[seeds[0].id]]
        # ... and articles recorded from now on carry window keys.
        _record(store, seeds[1:2], config)
        [(blob,)] = sqlite3.connect(path).execute("SELECT windows FROM documents WHERE id = ?", (seeds[1].id,)).fetchall()
        assert blob and len(blob) % 4 == 0


def test_an_unreadable_index_file_is_rebuilt_once_and_replaced(tmp_path, seeds, config):
    path = tmp_path / "history.sqlite3"
    with HistoryStore.open(config, store=path) as store:
        _record(store, seeds, config)
    index_file = path.with_name(path.name + ".lsh")
    index_file.write_bytes(b"left by an older version")
    with HistoryStore.open(config, store=path) as store:
        assert len(store.index) == 5  # rebuilt from the stored signatures: nothing stored is lost
    # The rebuilt index replaced the bad file, so the next run neither warns nor rebuilds again.
    assert index_file.read_bytes() != b"left by an older version"
    with HistoryStore.open(config, store=path) as store:
        assert store.candidates(text_signatures([seeds[4].text], store.scheme)) == [[seeds[4].id]]
