"""Partial copies of stored articles: two paragraphs of last week's story inside a new article are found through the
history store's window keys, although last week's batch is gone and the whole-document similarity is low."""

from __future__ import annotations

from pathlib import Path

import pytest

from reliability.config import load_config
from reliability.duplication import find_duplicates
from reliability.duplication.minhash import SignatureScheme, jaccard, text_signatures
from reliability.ingest import ingest
from reliability.model import BatchResult, Document, Metadata
from reliability.store import HistoryStore

SEEDS = Path(__file__).resolve().parent.parent / "seeds"

# A content-farm article about something else, written for this test; the copied paragraphs go in its middle.
HOST_OPENING = """Council approves harbour dredging plan after months of delay

The city council on Thursday approved a plan to dredge the northern harbour channel, ending a dispute that had
kept larger fishing boats tied up at the outer pier since the spring. The vote was seven to two, with both
opposing members arguing that the cost estimate of 4.2 million had been drawn up before fuel prices rose.

Harbour master Ingrid Solberg told the meeting that silt had built up faster than expected after two wet winters,
and that the channel was now less than three metres deep at low tide in several places."""

HOST_CLOSING = """Work is expected to begin in October and to last about eleven weeks. The contractor will have to
keep one lane of the channel open for the ferry, which runs every forty minutes in the summer timetable.

Local fishermen welcomed the decision but said they would watch the schedule closely. Several boats have been
landing their catch in the neighbouring town, adding an hour of driving to every delivery to the fish market.

The council also agreed to review the harbour fees next year, after complaints that the charges for visiting
yachts were far lower than in other ports along the coast."""


@pytest.fixture(scope="module")
def config():
    return load_config()


@pytest.fixture(scope="module")
def stored_article(config) -> Document:
    docs, _ = ingest([str(SEEDS / "000_567c832a25c03b87.txt")], config)
    return docs[0]


def paragraphs(doc: Document) -> list[str]:
    return [p.strip() for p in doc.text.split("\n") if len(p.split()) >= 15]


def content_farm(doc_id: str, copied: list[str]) -> Document:
    text = HOST_OPENING + "\n\n" + "\n\n".join(copied) + "\n\n" + HOST_CLOSING
    return Document(doc_id, text, Metadata(outlet="newsfarm.example", url=f"https://newsfarm.example/{doc_id}"))


def record(store: HistoryStore, docs: list[Document]) -> None:
    store.record_batch(BatchResult(articles=()), docs, text_signatures([d.text for d in docs], store.scheme))


def matches_to(store: HistoryStore, config, doc: Document, stored_id: str):
    result = find_duplicates([doc], config, history=store.for_batch([doc]))
    return [m for m in result.matches if stored_id in (m.a, m.b)], result


def test_copy_is_too_partial_for_the_document_index(config, stored_article):
    # The situation the window keys exist for: far below the history index's 0.3 threshold.
    farm = content_farm("farm-lead", paragraphs(stored_article)[1:3])
    sigs = text_signatures([stored_article.text, farm.text], SignatureScheme.from_config(config))
    assert jaccard(sigs[0], sigs[1]) < 0.2


def test_two_lead_paragraphs_inside_other_text_are_matched_with_passages(tmp_path, config, stored_article):
    with HistoryStore.open(config, store=tmp_path / "h.sqlite3") as store:
        record(store, [stored_article])
        copied = paragraphs(stored_article)[1:3]  # the lead, which the store keeps as text
        farm = content_farm("farm-lead", copied)
        found, result = matches_to(store, config, farm, stored_article.id)
    [m] = found
    assert (m.a, m.b, m.earlier) == (stored_article.id, "farm-lead", stored_article.id)
    assert m.history and m.history["id"] == stored_article.id
    reused = "".join(farm.text[p.b_start : p.b_end] for p in m.passages)
    assert m.passages and all(c[:60] in reused for c in copied)
    assert result.signals["farm-lead"].value > 0


def test_two_late_paragraphs_beyond_the_kept_text_give_a_document_level_match(tmp_path, config, stored_article):
    with HistoryStore.open(config, store=tmp_path / "h.sqlite3") as store:
        record(store, [stored_article])
        kept = store.fetch([stored_article.id])[0].text or ""
        copied = paragraphs(stored_article)[-6:-4]
        assert all(c not in kept for c in copied)  # the store no longer has this text
        farm = content_farm("farm-late", copied)
        found, result = matches_to(store, config, farm, stored_article.id)
    [m] = found
    assert m.a == stored_article.id and m.earlier == stored_article.id
    assert m.history and m.history["level"] == "document"
    share = m.history["estimated_shared"]
    assert 0.1 <= share <= 0.6  # ~75 of ~330 words; estimated from signatures, so only roughly
    assert any(stored_article.id in ev.note for ev in result.signals["farm-late"].evidence)


def test_an_unrelated_article_gets_no_history_match(tmp_path, config, stored_article):
    with HistoryStore.open(config, store=tmp_path / "h.sqlite3") as store:
        record(store, [stored_article])
        found, _ = matches_to(store, config, content_farm("harbour", []), stored_article.id)
    assert found == []


def test_candidates_are_capped_per_article_most_similar_first(tmp_path, config, stored_article):
    # Eight stored reprints of one story, each with a different amount of it: only max_candidates come back.
    paras = paragraphs(stored_article)
    reprints = [Document(f"reprint-{k}", "\n\n".join(paras[: 4 + 2 * k])) for k in range(8)]
    with HistoryStore.open(config, store=tmp_path / "h.sqlite3") as store:
        store.max_candidates = 3
        record(store, reprints)
        sig = text_signatures([stored_article.text], store.scheme)
        [row] = store.candidates(sig)
    assert row == ["reprint-7", "reprint-6", "reprint-5"]
