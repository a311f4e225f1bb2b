from __future__ import annotations

from reliability.model import Document, Signal
from reliability.score import score_article

DOC = Document("farm-1", "NATO's secret plan exposed\n\nInsiders say the alliance is preparing for war.\n")


def test_explanation_accounts_for_every_point(config):
    signals = [
        Signal("garbled_text", 0.8, summary="Garbled or machine-like text: 4 of 22 sentences"),
        Signal("byline_origin", 0.6, summary="No author, no outlet named"),
        Signal("page_junk", 0.5, summary="Scraped page furniture left in the text"),
        Signal("no_dateline", 1.0, summary="No date or dateline anywhere."),
        Signal("headline_mismatch", 0.4, summary="Headline names someone the article never mentions"),
    ]
    result = score_article(DOC, signals, config)
    text = result.explanation
    assert text.startswith("Garbled or machine-like text")
    assert "2 more reasons" in text
    listed = sum(int(part.rsplit("(-", 1)[1].rstrip(")")) for part in text.split("; "))
    assert abs(listed - (100 - result.score)) <= 3  # each part is rounded to whole points


def test_clean_article_says_so(config):
    result = score_article(DOC, [Signal("byline_origin", 0.0, summary="Origin is clear")], config)
    assert result.explanation == "No sourcing problems found."
