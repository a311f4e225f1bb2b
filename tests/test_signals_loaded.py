"""loaded_language: partisan labels, judgement words and talking to the reader, outside quotations, with spans."""

from __future__ import annotations

from pathlib import Path

import pytest

from reliability import load_config, score_documents
from reliability.model import Document, Signal
from reliability.signals import SignalContext, loaded, signal_names

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "articles"
CLEAN = sorted(p.name for p in FIXTURES.glob("clean_*.txt"))
CTX = SignalContext(load_config())

PARTISAN = """Globalist elites panic as small-town council rejects 'smart meter' rollout

The vote on Tuesday night was 4-1. The mainstream media will not tell you this, but residents of Harlow Creek packed
the hall to oppose the utility's plan, which critics tie to the globalist push for total surveillance of daily life.

Councilwoman Dana Reyes, who cast the lone vote in favour, was booed as she left. The deep state bureaucrats at the
state energy office have already threatened to withhold grants, according to one resident who asked not to be named.

The utility says the meters save money. Nobody in Harlow Creek believes it.
"""

WIRE_QUOTING = """Senator defends vote on intelligence budget

WASHINGTON (Reuters) - Senator Mark Ellison on Tuesday defended his vote against the intelligence budget, telling
reporters that "the deep state has had its way for too long" and that "the mainstream media won't report it."

Ellison, a first-term Republican from Ohio, was one of four senators to oppose the bill, which passed 91-4. The
bill funds the 18 agencies of the intelligence community for the fiscal year starting Oct. 1.

A spokeswoman for the Office of the Director of National Intelligence declined to comment on the senator's remarks.
"""

ADVERTORIAL = """Why your joints ache in winter - and the kitchen trick that helps

If you wake up stiff on cold mornings, you are not alone. Your joints respond to the drop in air pressure, and
your body's natural repair slows down. You might reach for a pill, but there is a gentler way.

Turmeric has been used for centuries. Add a teaspoon to warm milk before bed and you may notice the difference
within a week. Big Pharma would rather you did not know how cheap it is.
"""


def run(text: str) -> Signal:
    signal = loaded.compute(Document("t", text), CTX)
    for ev in signal.evidence:
        assert text[ev.start : ev.end] == ev.text and ev.note
    return signal


def test_the_signal_is_registered_and_weighted():
    assert "loaded_language" in signal_names()
    assert load_config().weights["loaded_language"] > 0


def test_partisan_labels_are_found_with_their_spans():
    signal = run(PARTISAN)
    found = [e.text for e in signal.evidence]
    assert found == ["Globalist elites", "mainstream media", "globalist", "deep state"]
    assert signal.value > 0.5
    assert "Globalist elites" in signal.summary


def test_labels_inside_a_quotation_are_the_speakers_not_the_outlets():
    signal = run(WIRE_QUOTING)
    assert signal.value == 0.0 and not signal.evidence


def test_an_advertorial_talking_to_its_reader():
    signal = run(ADVERTORIAL)
    notes = {e.note for e in signal.evidence}
    assert sum(e.text.lower().startswith("you") for e in signal.evidence) >= 6
    assert any("Talks to the reader" in n for n in notes) and "Big Pharma" in [e.text for e in signal.evidence]
    assert signal.value > 0.5


def test_a_few_yous_are_an_aside_not_a_register():
    text = ("Residents can check whether they are affected on the city's website. 'If you see water pooling, call us,' "
            "a spokesman said. The repairs are due to finish by Friday, the city said, and you can expect delays on "
            "Main Street until then.")
    assert run(text).value == 0.0


@pytest.mark.parametrize("name", CLEAN)
def test_clean_wire_copy_has_no_loaded_language(name):
    assert run((FIXTURES / name).read_text(encoding="utf-8")).value == 0.0


def test_loaded_language_costs_points_in_the_score():
    batch = score_documents([Document("partisan", PARTISAN), Document("wire", WIRE_QUOTING)], load_config())
    by_id = {r.document.id: r for r in batch.articles}
    points = {c.signal: c.points for c in by_id["partisan"].contributions}
    assert points["loaded_language"] > 4  # weight 8 at a value above 0.5
    assert "loaded_language" not in {c.signal for c in by_id["wire"].contributions if c.points > 0}
