"""page_junk: scraped page furniture inside the article text, found line by line with its span."""

from __future__ import annotations

from pathlib import Path

import pytest

from reliability import load_config
from reliability.model import Document, Signal
from reliability.signals import SignalContext, junk

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "articles"
CTX = SignalContext(load_config())


def run(text: str) -> Signal:
    signal = junk.compute(Document("t", text), CTX)
    for ev in signal.evidence:
        assert text[ev.start : ev.end] == ev.text and ev.note
    return signal


def seed(prefix: str) -> str:
    return next((ROOT / "seeds").glob(f"{prefix}_*.txt")).read_text(encoding="utf-8")


def test_seed_002_share_widget_related_articles_back_to_top():
    signal = run(seed("002"))
    assert [e.text for e in signal.evidence] == ["Share this story via social media", "Related Articles", "Back to top button"]
    assert signal.value > 0.7


def test_seed_003_read_time_widget_and_comment_box():
    signal = run(seed("003"))
    assert [e.text for e in signal.evidence] == ["Estimated Read Time: 2 Minutes", "Leave a comment"]
    assert "Comment" in signal.evidence[1].note


def test_content_farm_page_is_full_of_furniture():
    signal = run((FIXTURES / "farm_celebrity_junk.txt").read_text(encoding="utf-8"))
    found = [e.text for e in signal.evidence]
    for item in ("Home » Entertainment » Celebrity", "12.4K views", "Share this article", "Related Posts",
                 "Subscribe to our newsletter", "Leave a Reply"):
        assert item in found
    assert signal.value > 0.95


@pytest.mark.parametrize("name", sorted(p.name for p in FIXTURES.glob("clean_*.txt")))
def test_clean_wire_copy_has_no_furniture(name):
    assert run((FIXTURES / name).read_text(encoding="utf-8")).value == 0.0


def test_furniture_words_inside_sentences_are_not_furniture():
    text = (
        "Shareholders asked the board to share more data, and related articles in the journal were cited.\n"
        "She said she would leave a comment with the clerk and go back to top up her parking meter."
    )
    assert run(text).value == 0.0


def test_furniture_on_its_own_line_counts_once_each():
    text = "The council adjourned at 9 p.m.\n\n• Related Stories\nComments\n1,204 shares\n"
    signal = run(text)
    assert [e.text for e in signal.evidence] == ["Related Stories", "Comments", "1,204 shares"]
