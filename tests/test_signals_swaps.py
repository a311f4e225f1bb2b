"""garbled_text's thesaurus-swap check: a word that one of its synonyms would fit far better, in context."""

from __future__ import annotations

import pytest

from reliability import load_config
from reliability.model import Document
from reliability.signals import SignalContext, garbled
from reliability.signals._swaps import default_thesaurus, load_model, score
from reliability.signals._text import sentence_spans

MODEL = load_model()
pytestmark = pytest.mark.skipif(MODEL is None, reason="pocketsphinx's language model is not installed")

CLEAN = (
    "BRUSSELS (Reuters) - NATO foreign ministers held an urgent meeting in Brussels on Friday to discuss the war in "
    "Ukraine. The alliance's secretary general said members had agreed to send more air defence systems, but would "
    "not impose a no-fly zone. \"We are not part of this conflict,\" he told reporters after the talks. Ministers "
    "also discussed the cost of energy and the flow of refugees into neighbouring countries. The United States has "
    "pledged a further $800 million in military aid, and Germany said it would deliver anti-tank weapons within "
    "weeks. Diplomats said the next meeting would take place in Madrid at the end of June, when leaders are "
    "expected to approve a new strategic concept for the alliance."
)
# The same report after an article spinner: context-blind thesaurus swaps ("urgent meeting" -> "pressing assembly").
SPUN = (
    "BRUSSELS (Reuters) - NATO foreign curates held a pressing assembly in Brussels on Friday to hash out the state "
    "of war in Ukraine. The alliance's secretary world-wide aforesaid members had consented to direct more air "
    "defense arrangements, but would not inflict a no-fly geographical zone. \"We are not section of this struggle,\" "
    "he informed newsmen after the negotiations. Curates likewise hashed out the toll of vigour and the current of "
    "exiles into neighbouring states. The United States has plighted a promote $800 million in military assistance, "
    "and Germany aforesaid it would present anti-tank arms inside hebdomads. Diplomats aforesaid the following "
    "assembly would take topographic point in Madrid at the remnant of June, when drawing cards are anticipated to "
    "sanction a raw strategical conception for the alliance."
)


def swaps(text: str, keep: int = 3):
    return score(text, sentence_spans(text), default_thesaurus(), MODEL, frozenset(), keep=keep)


def test_the_spinners_swaps_are_found_with_the_words_they_replaced():
    # In SPUN, "impose" became "inflict", "part" "section", "end" "remnant", "flow" "current", "cost" "toll".
    originals = {"inflict": "impose", "section": "part", "remnant": "end", "current": "flow", "toll": "cost"}
    found = {SPUN[s.start : s.end]: s.alternative for s in swaps(SPUN, keep=8).worst}
    recovered = [word for word, original in originals.items() if found.get(word) == original]
    assert len(recovered) >= 4, found


def test_the_broad_thesaurus_holds_a_spinners_swaps_that_are_not_wordnet_synonyms():
    # Moby's related words: a spinner's "trainer" for "coach" or "deficiency" for "shortage" are no WordNet
    # synonyms, but the check must be able to offer the original back.
    text = ("The council's cupboard member for housing said the head trainer of the town's rugby club had been told "
            "of the deficiency of pitches last spring, and that the pressing assembly on Monday would settle it.")
    found = {text[s.start : s.end]: s.alternative for s in swaps(text, keep=8).worst}
    assert found.get("trainer") == "coach" and found.get("deficiency") in ("lack", "shortage"), found


def test_spun_copy_has_a_larger_swap_margin_than_its_clean_original():
    clean, spun = swaps(CLEAN), swaps(SPUN)
    assert clean.checked >= 20 and spun.checked >= 20
    assert spun.mean_margin > 2 * clean.mean_margin


def test_a_common_synonym_does_not_beat_the_writers_formal_word_by_frequency_alone():
    # "approximately" is rarer than "about", but fits "approximately 300 people" as well: not a swap.
    text = "Police said approximately three hundred people were evacuated from the building on Tuesday."
    assert all(text[s.start : s.end] != "approximately" or s.margin < 3 for s in swaps(text).worst)


def test_garbled_text_shows_the_swaps_as_evidence_and_reads_spun_copy_as_machine_made():
    ctx = SignalContext(load_config())
    spun = garbled.compute(Document("s", SPUN), ctx)
    clean = garbled.compute(Document("c", CLEAN), ctx)
    assert spun.details["p_machine_made"] > 0.5 > 0.1 > clean.details["p_machine_made"]
    assert spun.details["lean_word_choice"] > max(spun.details["lean_word_pairs"], spun.details["lean_word_order"])
    notes = [e for e in spun.evidence if "thesaurus swap" in e.note]
    assert notes and all(SPUN[e.start : e.end] == e.text for e in notes)
    assert all("fits this context about" in e.note for e in notes)
    assert spun.value > clean.value + 0.3


def test_the_check_can_be_switched_off_for_bulk_runs():
    ctx = SignalContext(load_config(overrides={"signals": {"garbled_text": {"swap_check": 0}}}))
    signal = garbled.compute(Document("s", SPUN), ctx)
    assert signal.details["swap_margin"] == 0 and signal.details["lean_word_choice"] == 0
    assert not [e for e in signal.evidence if "thesaurus swap" in e.note]
    # The model fitted without the swaps still reads the spun copy as likelier machine-made than its original.
    clean = garbled.compute(Document("c", CLEAN), ctx)
    assert signal.details["p_machine_made"] > 2 * clean.details["p_machine_made"]


def test_numbers_and_punctuation_cut_the_context():
    # "5" and the comma break the trigram context, so "meeting" after them is judged without "urgent".
    text = "They held an urgent meeting. Then 5 meeting rooms, meeting halls and urgent calls followed."
    result = swaps(text)
    assert result.checked >= 3  # runs without error on cut contexts
    assert all(0 <= s.start < s.end <= len(text) for s in result.worst)


def test_most_spun_and_translated_fixtures_show_where_the_text_reads_machine_made():
    from pathlib import Path

    ctx = SignalContext(load_config())
    folder = Path(__file__).parent / "fixtures" / "articles"
    shown = 0
    paths = sorted(folder.glob("spun_*.txt")) + sorted(folder.glob("mt_*.txt"))
    for path in paths:
        signal = garbled.compute(Document(path.stem, path.read_text(encoding="utf-8")), ctx)
        shown += any("likely spun or machine-made" in e.note for e in signal.evidence)
    assert len(paths) == 7 and shown >= 6


def test_without_the_language_model_the_signal_still_scores_with_the_plain_model(monkeypatch):
    # As when pocketsphinx is missing: load_model() gives None, and nothing else breaks.
    monkeypatch.setattr(garbled, "load_model", lambda: None)
    ctx = SignalContext(load_config())
    spun, clean = garbled.compute(Document("s", SPUN), ctx), garbled.compute(Document("c", CLEAN), ctx)
    assert spun.details["swap_words_checked"] == 0 and spun.details["lean_word_choice"] == 0
    assert spun.value > clean.value


def test_a_spinners_swaps_spread_over_its_sentences_where_jargon_clusters():
    # The spun report has a likely swap in most sentences; its clean original in almost none.
    spun, clean = swaps(SPUN), swaps(CLEAN)
    assert spun.spread >= 0.5 > 0.2 >= clean.spread


def test_the_thesaurus_never_offers_a_slur_as_the_better_word():
    # WordNet and Moby both list slurs among the synonyms of ordinary words ("boy"); the evidence quotes the
    # synonym that fits better, so none may ever be offered.
    offered = {s for synonyms in default_thesaurus().values() for s in synonyms}
    assert not offered & {"nigger", "faggot", "spic", "chink", "kike", "retard", "tranny", "slut", "wetback"}
    assert {"lad", "youth"} <= set(default_thesaurus()["boy"])
