"""anonymous_framing: vague attribution found with its span, weighed against named sources."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reliability import load_config
from reliability.model import Document, Signal
from reliability.signals import SignalContext, anonymous

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "articles"
CTX = SignalContext(load_config())


def run(text: str, ctx: SignalContext = CTX) -> Signal:
    signal = anonymous.compute(Document("t", text), ctx)
    for ev in signal.evidence:
        assert text[ev.start : ev.end] == ev.text and ev.note
    return signal


def seed(prefix: str) -> str:
    return next((ROOT / "seeds").glob(f"{prefix}_*.txt")).read_text(encoding="utf-8")


def test_seed_000_vague_framing_is_found_with_spans():
    signal = run(seed("000"))
    found = [e.text for e in signal.evidence]
    assert "Critics argue" in found
    assert "supporters of the Ukrainian president counter" in found
    assert any("historians and policymakers alike" in t for t in found)
    assert 0.2 < signal.value < 0.6  # vague framing, but Stoltenberg is also named several times
    assert signal.details["named"] >= 3


def test_seed_004_one_vague_citation_among_named_sources_is_minor():
    signal = run(seed("004"))
    assert [e.text for e in signal.evidence] == ["citing Ukrainian officials"]
    assert any("TASS quotes Stoltenberg as saying" in n for n in signal.details["named_examples"])
    assert signal.value < 0.15


def test_seed_003_analysts_say_is_found_but_named_quotes_dominate():
    signal = run(seed("003"))
    assert "Analysts say" in [e.text for e in signal.evidence]
    assert signal.details["named"] > signal.details["vague"]
    assert signal.value < 0.3
    assert "Mostly named sources" in signal.summary


def test_article_resting_on_unnamed_sources_scores_high():
    signal = run((FIXTURES / "vague_policy_analysis.txt").read_text(encoding="utf-8"))
    assert signal.value > 0.8
    assert signal.summary.startswith("Rests on unnamed sources")
    found = " | ".join(e.text for e in signal.evidence)
    for cue in ("Critics say", "Experts warn", "It is widely believed", "Officials said", "According to sources"):
        assert cue in found


@pytest.mark.parametrize("name", sorted(p.name for p in FIXTURES.glob("clean_*.txt")))
def test_clean_wire_copy_with_named_sources_stays_quiet(name):
    signal = run((FIXTURES / name).read_text(encoding="utf-8"))
    assert signal.value < 0.1
    assert signal.details["named"] >= 2


def test_more_named_sources_lower_the_value_for_the_same_vague_cue():
    vague = "Analysts say the merger will face scrutiny. Officials said the review could take months."
    named = (
        vague
        + " Competition commissioner Teresa Ribera said the file was complex."
        + " “We will look at every market,” said Olivier Guersent."
        + " According to Reuters, the companies expect approval by June."
    )
    assert run(named).value < run(vague).value


def test_group_identified_by_employer_is_not_vague():
    signal = run("Analysts at Goldman Sachs say the yen will weaken further, the bank wrote on Monday.")
    assert signal.value == 0.0


def test_pronoun_and_sentence_boundary_are_not_taken_for_a_name():
    signal = run("The talks took place at Ramstein. He said the allies agreed. Some say otherwise.")
    assert signal.details["named"] == 0
    assert [e.text for e in signal.evidence] == ["Some say"]


def test_new_cue_in_config_needs_no_code_change():
    text = "Pundits reckon the vote will be close, and Jane Doe said the count would take a day."
    before = run(text)
    lexicon = load_config().lexicon("anonymous_framing")
    ctx = SignalContext(load_config(overrides={"lexicons": {"anonymous_framing": {
        "reporting_verbs": [*lexicon["reporting_verbs"], "reckon"]}}}))
    after = run(text, ctx)
    assert before.value == 0.0
    assert after.value > 0 and [e.text for e in after.evidence] == ["Pundits reckon"]


def test_anonymous_official_and_anonymity_clause():
    text = (
        "A senior administration official said the talks would resume next week, speaking on condition of "
        "anonymity because the official was not authorized to speak publicly. White House press secretary "
        "Karoline Leavitt said no meeting had been scheduled."
    )
    signal = run(text)
    found = [e.text for e in signal.evidence]
    assert "A senior administration official said" in found
    assert "on condition of anonymity" in found
    assert signal.details["named"] == 1


def test_spokesperson_of_a_named_organisation_is_not_anonymous():
    assert run("The recall covers 40,000 trucks, a Ford spokesperson said on Tuesday.").value == 0.0
    assert [e.text for e in run("The recall covers 40,000 trucks. Officials said more could follow.").evidence] == [
        "Officials said"
    ]


# "<Name> [agency] [has] said" is tried only where a reporting verb follows with nothing but name words,
# particles, organisation heads and auxiliaries in between (Reach); checked against trying every capitalised word.
_SPEECH_PARTS = st.sampled_from([
    "Jens Stoltenberg", "NATO Secretary General", "Ursula von der Leyen", "the France Presse agency", "U.S.",
    "J. R. Smith", "O’Neil", "Jean-Claude", "Müller", "TASS", "Reuters", "He", "The", "Officials", "said", "says",
    "told", "has long", "would", "later", "reported", "denied", "de", "news agency", "met", "visited", "in", "on",
    "Kyiv", "spokesman", "office", "'", "’", ",", ".", ". ", " ", "  ", "\n", "“", "”", "(", ")", "-", "2024",
])


@settings(max_examples=400, deadline=None)
@given(st.lists(_SPEECH_PARTS, max_size=25))
def test_named_speakers_found_as_when_every_capitalised_word_is_tried(parts: list[str]) -> None:
    text = " ".join(parts)
    cues = anonymous.build_cues(load_config().lexicon(anonymous.NAME))
    scanner = cues.named[0]
    assert scanner.reach is not None
    everywhere = dataclasses.replace(scanner, reach=None, chain=None)
    assert [m.span() for m in scanner.finditer(text, capitalised=True)] == [
        m.span() for m in everywhere.finditer(text, capitalised=True)], text


def test_named_speaker_reached_past_title_and_auxiliary() -> None:
    text = "NATO Secretary General Jens Stoltenberg has long said the alliance would not be drawn in, and Kyiv met him."
    cues = anonymous.build_cues(load_config().lexicon(anonymous.NAME))
    assert [m.group("name") for m in cues.named[0].finditer(text, capitalised=True)] == [
        "NATO Secretary General Jens Stoltenberg"]


_VAGUE_PARTS = st.sampled_from([
    "some", "Western", "officials", "critics", "supporters of the Ukrainian president", "have long", "argue",
    "said", "SAID", "ſaid", "ſome", "\u212a", "told", "u.s.", "high-ranking", "the", "a", "people familiar with the matter",
    "of", "close to", "and", "Kyiv", "sources", ",", ".", " ", "  ", "\n", "“", "”", "'", "’", "-", "2024",
])


@settings(max_examples=400, deadline=None)
@given(st.lists(_VAGUE_PARTS, max_size=25))
def test_vague_speakers_found_as_when_every_first_word_is_tried(parts: list[str]) -> None:
    text = " ".join(parts)
    cues = anonymous.build_cues(load_config().lexicon(anonymous.NAME))
    scanner = cues.vague[0]
    assert scanner.reach is not None
    everywhere = dataclasses.replace(scanner, reach=None)
    assert [m.span() for m in scanner.finditer(text)] == [m.span() for m in everywhere.finditer(text)], text
