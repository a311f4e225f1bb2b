"""Claim-level paraphrase: a reworded sentence shared by two articles is found; same-story articles are not flagged."""

from __future__ import annotations

from dataclasses import replace
from itertools import combinations
from pathlib import Path

import pytest

from reliability.config import load_config
from reliability.duplication import find_duplicates
from reliability.duplication.claims import (
    ClaimParams,
    _is_name,
    _Lexicon,
    claim_passages,
    claim_passages_prepared,
    prepare_claims,
)
from reliability.ingest import ingest
from reliability.model import Document

ROOT = Path(__file__).resolve().parent.parent
CLAIMS = ROOT / "tests" / "fixtures" / "duplication" / "claims"
SEEDS = ROOT / "seeds"
CONFIG = load_config()
PARAMS = ClaimParams.from_config(CONFIG)

# Two articles on one news story each: different facts, the same people, places and topic words.
SAME_STORY = [
    ("rates_decision", "rates_households"),
    ("wildfire_evacuation", "wildfire_cause"),
    ("layoffs_company", "layoffs_town"),
    ("football_sacking", "football_candidates"),
    ("quake_rescue", "quake_buildings"),
]


def _text(name: str) -> str:
    return (CLAIMS / f"{name}.txt").read_text(encoding="utf-8")


def _seed(prefix: str) -> str:
    return next(SEEDS.glob(f"{prefix}_*.txt")).read_text(encoding="utf-8")


@pytest.mark.parametrize(("a", "b"), SAME_STORY)
def test_same_story_articles_share_no_claim(a: str, b: str) -> None:
    assert claim_passages(_text(a), _text(b), PARAMS) == []


def test_reworded_forecast_shared_by_two_storm_articles_is_found() -> None:
    a, b = _text("storm_warning"), _text("storm_harbour")
    found = claim_passages(a, b, PARAMS)
    assert len(found) == 1
    p = found[0]
    assert p.kind == "paraphrase" and 0.2 <= p.similarity < 1.0
    assert "sea walls" in a[p.a_start : p.a_end] and "harbour bridge" in a[p.a_start : p.a_end]
    assert b[p.b_start : p.b_end].startswith("Meteorologists warned that seawater might top")


def test_seed_no_fly_zone_claim_is_found_in_each_pair_of_000_002_003() -> None:
    texts = {k: _seed(k) for k in ("000", "002", "003")}
    for x, y in combinations(texts, 2):
        found = claim_passages(texts[x], texts[y], PARAMS)
        claims = [(texts[x][p.a_start : p.a_end], texts[y][p.b_start : p.b_end]) for p in found]
        assert any("aircraft" in s and "aircraft" in t and "requir" in s and "requir" in t for s, t in claims), (x, y, claims)


def test_seed_001_shares_no_claim_with_the_no_fly_zone_articles() -> None:
    # 001 retells Zelensky's call; it names the same people but shares no reworded sentence with 000, 002 or 003.
    for other in ("000", "002", "003"):
        assert claim_passages(_seed("001"), _seed(other), PARAMS) == []


def test_words_shared_but_scattered_are_not_a_claim() -> None:
    # Same five specific words, but no two of them form a phrase in both sentences: not one claim reworded.
    a = "The union criticised the budget on Monday, while doctors called the hospital plan generous."
    b = "Generous words came on Friday from the hospital, where doctors and the union said nothing about a budget."
    pad_a = " ".join(f"Unrelated line {k} about a local fair and its prize-winning pumpkins." for k in range(6))
    pad_b = " ".join(f"Another note {k} on traffic and the new cycle lane." for k in range(6))
    loose = replace(PARAMS, min_score=0.0, min_similarity=0.0)
    assert claim_passages(f"{a} {pad_a}", f"{b} {pad_b}", loose) == []


def test_synonyms_come_from_the_lexicon() -> None:
    a = "Officials said the agency would need to send soldiers to guard the border crossing at Tarn by Friday."
    b = "The agency will require troops to be deployed to guard the border crossing, according to the officials."
    pad_a = " ".join(f"Unrelated line {k} about a local fair and its prize-winning pumpkins." for k in range(6))
    pad_b = " ".join(f"Another note {k} on traffic and the new cycle lane." for k in range(6))
    with_synonyms = claim_passages(f"{a} {pad_a}", f"{b} {pad_b}", PARAMS)
    without = claim_passages(f"{a} {pad_a}", f"{b} {pad_b}", replace(PARAMS, synonyms={}))
    # "need/require", "send/deploy", "soldiers/troops" are one claim element each only through the lexicon.
    assert len(with_synonyms) == 1 and len(without) <= 1
    assert with_synonyms[0].similarity > (without[0].similarity if without else 0.0) + 0.2


def test_disabled_in_config_finds_nothing() -> None:
    off = ClaimParams.from_config(load_config(overrides={"duplication": {"claims": {"enabled": False}}}))
    assert claim_passages(_text("storm_warning"), _text("storm_harbour"), off) == []


def test_batch_of_seeds_links_000_002_003_by_paraphrase_with_exact_evidence() -> None:
    docs, _ = ingest([str(SEEDS)], CONFIG)
    result = find_duplicates(docs, CONFIG)
    texts = {d.id: d.text for d in docs}
    linked = {frozenset((m.a[:3], m.b[:3])) for m in result.matches if m.kind == "paraphrase"}
    assert {frozenset(p) for p in combinations(("000", "002", "003"), 2)} <= linked
    assert not any(m.kind == "copy" for m in result.matches)
    for signal in result.signals.values():
        for e in signal.evidence:
            doc_id = next(d for d, s in result.signals.items() if s is signal)
            assert texts[doc_id][e.start : e.end] == e.text


def test_batch_of_same_story_articles_has_no_match() -> None:
    docs = [Document(name, _text(name)) for pair in SAME_STORY for name in pair]
    result = find_duplicates(docs, CONFIG)
    assert result.matches == ()


def test_an_article_prepared_once_finds_the_same_claims_against_every_partner() -> None:
    # A batch prepares each article once for the claim pass; reusing it must not leak one pair's counts into another.
    names = ["storm_warning", "storm_harbour", "rates_decision", "rates_households", "quake_rescue"]
    texts = {n: _text(n) for n in names}
    fresh = {(x, y): claim_passages(texts[x], texts[y], PARAMS) for x in names for y in names if x != y}
    prepared = {n: prepare_claims(texts[n], PARAMS) for n in names}
    for (x, y), expected in fresh.items():
        assert claim_passages_prepared(prepared[x], prepared[y], PARAMS) == expected
    assert fresh["storm_warning", "storm_harbour"]  # the pair that shares a claim still does


def test_a_name_is_decided_over_both_articles() -> None:
    # "Harbour" is capitalised in one article only (a place name there); over the pair it is mostly lower case,
    # so it still counts as a claim word. Per-article counts must add up, not be decided per article.
    a = prepare_claims("The Harbour office said on Monday that the Harbour gates would close.", PARAMS)
    b = prepare_claims("Crews said the harbour wall and the harbour gates and the harbour bridge were hit by waves.", PARAMS)
    term = next(t for t in a.inside if t.startswith("harbour"))
    assert a.capital[term] == a.inside[term] == 2
    assert b.capital.get(term, 0) == 0 and b.inside[term] == 3
    assert not _is_name(a, b, term) and _is_name(a, a, term)


def test_claims_do_not_depend_on_which_words_were_looked_up_before(monkeypatch: pytest.MonkeyPatch) -> None:
    # Word lookups are remembered across articles; a lexicon that keeps forgetting (memory bound) finds the same.
    a, b = _text("storm_warning"), _text("storm_harbour")
    expected = claim_passages(a, b, PARAMS)
    monkeypatch.setattr(_Lexicon, "_MAX_MEMO", 10)
    forgetful = replace(PARAMS)  # a new params object gets a new lexicon and cache
    assert claim_passages(_text("quake_rescue"), _text("quake_buildings"), forgetful) == claim_passages(
        _text("quake_rescue"), _text("quake_buildings"), PARAMS
    )
    assert claim_passages(a, b, forgetful) == expected


def test_claim_passages_do_not_depend_on_the_process_hash_seed():
    """Sets iterate in an order that changes with PYTHONHASHSEED; the claims found (and their similarity, a float
    sum over terms) must not, or a scheduled run would report changes that are not there."""
    import os
    import subprocess
    import sys

    script = (
        "from pathlib import Path; from reliability.config import load_config;"
        "from reliability.duplication.claims import ClaimParams, claim_passages;"
        "p = ClaimParams.from_config(load_config()); s = sorted(Path(r'%s').glob('*.txt'));"
        "print([(a.name, b.name, claim_passages(a.read_text(), b.read_text(), p)) for a in s for b in s if a < b])"
    ) % SEEDS
    runs = {
        subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                       env={**os.environ, "PYTHONHASHSEED": seed}).stdout
        for seed in ("1", "2", "3")
    }
    assert len(runs) == 1 and "paraphrase" in next(iter(runs))
