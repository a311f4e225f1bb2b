"""LSH candidate retrieval: partial copies inside long articles are found, unrelated articles are not paired."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from datasketch import MinHashLSH

from reliability.duplication.candidates import (
    batch_signatures,
    candidate_pairs,
    collision_probability,
    colliding_pairs,
    lsh_params,
)
from reliability.duplication.minhash import SignatureScheme
from reliability.duplication.params import DuplicationParams

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "duplication"
PAN_SRC = Path("/work/shared/eval/pan13-train/src")
SCHEME = SignatureScheme()
PARAMS = DuplicationParams(exhaustive_below=0)  # always through LSH here, even for two or three texts


def _fixture(name: str) -> str:
    return (FIXTURES / f"{name}.txt").read_text(encoding="utf-8")


def _pan_texts(n: int) -> list[str]:
    if not PAN_SRC.is_dir():
        pytest.skip("PAN13 training corpus not available")
    return [p.read_text(encoding="utf-8") for p in sorted(PAN_SRC.glob("*.txt"))[:n]]


def _pairs(texts: list[str]) -> set[tuple[int, int]]:
    sigs = batch_signatures(texts, SCHEME, PARAMS)
    return {tuple(p) for p in candidate_pairs(sigs, SCHEME, PARAMS).tolist()}


def test_banding_favours_recall_at_the_threshold() -> None:
    bands, rows = lsh_params(0.5, 128, 0.9)
    assert bands * rows <= 128
    assert collision_probability(0.5, bands, rows) >= 0.9
    assert collision_probability(0.05, bands, rows) < 0.01


def test_one_copied_paragraph_inside_a_long_article_is_a_candidate() -> None:
    long_texts = _pan_texts(3)
    paragraph = _fixture("flood_source").split("\n\n")[3]  # ~45 words about the dam spillways
    host = long_texts[0][:6000] + "\n\n" + paragraph + "\n\n" + long_texts[1][:6000]
    texts = [_fixture("flood_source"), host, long_texts[2]]
    assert (0, 1) in _pairs(texts)


def test_reworded_article_is_a_candidate_through_content_stem_pairs() -> None:
    assert (0, 1) in _pairs([_fixture("flood_source"), _fixture("flood_paraphrase")])


def test_unrelated_articles_are_not_paired() -> None:
    texts = _pan_texts(200) + [_fixture("flood_source"), _fixture("flood_other"), _fixture("quote_a")]
    pairs = _pairs(texts)
    fixture_ids = set(range(200, 203))
    assert not [p for p in pairs if set(p) & fixture_ids]
    # PAN source pages come in topic groups (several pages of one site or subject), so a few pairs are real
    # neighbours; the bound keeps alignment work at a small fraction of the batch.
    assert len(pairs) <= 0.2 * len(texts)


def test_banding_agrees_with_datasketch_minhashlsh() -> None:
    texts = _pan_texts(60) + [_fixture("flood_source"), _fixture("flood_copy")]
    sigs = batch_signatures(texts, SCHEME, PARAMS).shingles.docs
    bands, rows = lsh_params(0.3, SCHEME.num_perm, 0.9)
    ours = {tuple(p) for p in colliding_pairs(sigs, np.arange(len(sigs)), bands, rows, max_bucket=10**6).tolist()}
    lsh = MinHashLSH(num_perm=SCHEME.num_perm, params=(bands, rows))
    for i, sig in enumerate(sigs):
        lsh.insert(i, SCHEME.minhash(sig))
    theirs = {tuple(sorted((i, j))) for i, sig in enumerate(sigs) for j in lsh.query(SCHEME.minhash(sig)) if j != i}
    assert ours == theirs
    assert (60, 61) in ours


def test_boilerplate_shared_by_many_articles_is_not_paired() -> None:
    footer = ("Sign up for our newsletter to get the day's top stories in your inbox every morning. "
              "We respect your privacy and you can unsubscribe at any time with one click. ") * 2
    texts = [t[:3000] + "\n\n" + footer for t in _pan_texts(80)]
    params = DuplicationParams(max_bucket=20, exhaustive_below=0)
    sigs = batch_signatures(texts, SCHEME, params)
    assert len(candidate_pairs(sigs, SCHEME, params)) < 10


def test_history_signatures_ignore_batch_boilerplate_filtering() -> None:
    # The store compares signatures across runs, so they must not depend on what else was in the batch.
    from reliability.duplication.minhash import text_signatures

    footer = "Sign up for our newsletter to get the day's top stories in your inbox every morning. "
    texts = [t[:2000] + "\n\n" + footer for t in _pan_texts(60)]
    params = DuplicationParams(max_bucket=20)
    sigs = batch_signatures(texts, SCHEME, params)
    assert sigs.filtered
    assert np.array_equal(sigs.documents(SCHEME), text_signatures(texts, SCHEME))


def test_small_batch_is_compared_exhaustively() -> None:
    texts = [_fixture("flood_source"), _fixture("flood_other"), _fixture("quote_a")]
    params = DuplicationParams(exhaustive_below=3)
    sigs = batch_signatures(texts, SCHEME, params)
    assert candidate_pairs(sigs, SCHEME, params).tolist() == [[0, 1], [0, 2], [1, 2]]
    assert _pairs(texts) == set()  # through LSH none of them would be aligned


def test_signing_in_small_chunks_finds_the_same_pairs(monkeypatch: pytest.MonkeyPatch) -> None:
    # Large batches are signed a chunk of documents at a time (bounded memory); where the chunks fall must not
    # change a single signature or candidate. Planted copies make sure there are pairs to find.
    from reliability.duplication import candidates

    texts = [t[:4000] for t in _pan_texts(40)]
    texts += [texts[3][500:2500], "Breaking: " + texts[17][:3000], texts[25][1000:] + " " + texts[8][:800]]
    whole = batch_signatures(texts, SCHEME, PARAMS)
    monkeypatch.setattr(candidates, "_SIGN_CHUNK_HASHES", 700)  # a few documents per chunk, some split mid-batch
    chunked = batch_signatures(texts, SCHEME, PARAMS)
    assert np.array_equal(whole.shingles.docs, chunked.shingles.docs)
    assert np.array_equal(whole.stem_pairs.docs, chunked.stem_pairs.docs)
    pairs = {tuple(p) for p in candidate_pairs(chunked, SCHEME, PARAMS).tolist()}
    assert pairs == {tuple(p) for p in candidate_pairs(whole, SCHEME, PARAMS).tolist()}
    assert {(3, 40), (17, 41), (25, 42), (8, 42)} <= pairs


def test_same_story_pairs_need_several_shared_rare_terms() -> None:
    from reliability.duplication.candidates import story_pairs

    t = lambda *xs: np.array(sorted(xs), dtype=np.uint64)  # noqa: E731
    rare = [t(11, 12, 13, 14), t(11, 12, 13, 99), t(11, 12, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60), t(77)]
    pairs = story_pairs(rare, min_shared=3, min_containment=0.25, max_docs=50).tolist()
    assert pairs == [[0, 1]]  # 0-2 share only two terms; 3 shares none
    # A term found in more documents than max_docs is the batch's topic, not a story: it does not count.
    crowd = [t(1, 2, 3)] * 2 + [t(1, 500 + i) for i in range(60)]
    assert story_pairs(crowd, 3, 0.25, max_docs=50).tolist() == []
    assert story_pairs(crowd, 2, 0.25, max_docs=100).tolist()[0] == [0, 1]


def test_text_repeated_inside_few_articles_is_not_boilerplate() -> None:
    # Boilerplate is counted in articles, not occurrences: a chant repeated 30 times in each of two articles
    # (60 occurrences, more than max_bucket) stays, a footer in 25 articles goes.
    from reliability.duplication.candidates import drop_common
    from reliability.duplication.minhash import shingle_hashes

    chant = "Free the press now, the crowd chanted outside the court. " * 30
    footer = "Sign up for our newsletter to get the day's top stories in your inbox every morning."
    texts = [t[:2000] + "\n\n" + footer for t in _pan_texts(25)] + [chant + "Police watched.", "Later: " + chant]
    hashes = [shingle_hashes(t, 3) for t in texts]
    kept = drop_common(hashes, 20)
    footer_hashes = set(shingle_hashes(footer, 3).tolist())
    assert all(not footer_hashes & set(k.tolist()) for k in kept[:25])
    assert [len(k) for k in kept[25:]] == [len(h) for h in hashes[25:]]  # the chant articles lose nothing
    assert all(np.array_equal(k, h[~np.isin(h, list(footer_hashes))]) for k, h in zip(kept, hashes))
