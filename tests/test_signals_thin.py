"""thin_sourcing: an article naming too few sources for its length, with the sources it does name as evidence."""

from __future__ import annotations

from pathlib import Path

import pytest

from reliability import load_config
from reliability.model import Document, Signal
from reliability.signals import SignalContext, signal_names, thin

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "articles"
CLEAN = sorted(p.name for p in FIXTURES.glob("clean_*.txt"))
CTX = SignalContext(load_config())

UNSOURCED = """Town's water bills set to double as pipe repairs stall

Residents of Millbrook will see their water bills roughly double next year, as the cost of replacing the town's
ageing cast-iron mains keeps climbing and a promised state grant has yet to arrive.

The increase, which takes effect in January, will add about $40 a month to the typical household bill. Critics argue
the town waited far too long to start the work, and many believe the council has mismanaged the project from the
start. Analysts say similar towns across the region face the same problem.

The mains were laid in the 1920s and 1930s, and breaks have become more frequent each winter. Last February, a
burst pipe under Main Street left more than 600 homes without water for two days, and businesses along the street
were forced to close. Repairs to that section alone cost more than $1.2 million.

The project was supposed to be finished by the end of this year. Instead, only about a third of the pipes have been
replaced, and work has slowed as contractors struggle to find crews. Prices for materials have also risen sharply.

Some residents have started a petition calling for the increase to be phased in over three years. Others want the
town to sell its water system to a private operator, an idea that has been floated before and rejected. It is
believed the council will take up the petition at its next meeting, though no date has been set.
"""

ONE_SOURCE = UNSOURCED.replace("Critics argue", "“We have no choice,” said Mayor Linda Okafor, adding that")


def run(text: str) -> Signal:
    signal = thin.compute(Document("t", text), CTX)
    for ev in signal.evidence:
        assert text[ev.start : ev.end] == ev.text and ev.note
    return signal


def test_the_signal_is_registered_and_weighted():
    assert "thin_sourcing" in signal_names()
    assert load_config().weights["thin_sourcing"] > 0


def test_an_article_naming_no_one_is_thinly_sourced_and_vague_attribution_does_not_count():
    signal = run(UNSOURCED)
    assert signal.value == 1.0
    assert "no source named" in signal.summary
    assert signal.evidence and signal.evidence[0].start == signal.evidence[0].end == 0  # absence: a note, no span


def test_one_named_source_in_a_long_article_is_still_thin_and_is_shown():
    signal = run(ONE_SOURCE)
    assert 0.1 < signal.value < 0.5  # 1 named where a 256-word article would name about 1.3
    assert len(signal.evidence) == 1 and "Okafor" in signal.evidence[0].text
    assert signal.evidence[0].note.startswith("The only named source")
    assert "1 source" in signal.summary


@pytest.mark.parametrize("name", CLEAN)
def test_clean_wire_copy_names_its_sources(name):
    assert run((FIXTURES / name).read_text(encoding="utf-8")).value == 0.0


def test_a_brief_is_too_short_to_judge():
    brief = "Lanes reopen\n\nAll southbound lanes of Interstate 35 reopened on Wednesday morning after a crash overnight."
    signal = run(brief)
    assert signal.value == 0.0 and "Too short" in signal.summary
