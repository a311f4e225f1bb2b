"""Quotation spans: the marks newsrooms use, apostrophes left alone."""

from __future__ import annotations

from reliability.duplication.quotes import QuoteMask, quote_spans


def _quoted(text: str) -> list[str]:
    return [text[s:e] for s, e in quote_spans(text)]


def test_curly_straight_guillemet_and_low_quotes() -> None:
    text = 'He said “we will not send troops”, then "never" and «jamais» and „niemals“.'
    assert _quoted(text) == ["“we will not send troops”", '"never"', "«jamais»", "„niemals“"]


def test_single_curly_quotes_are_not_confused_with_apostrophes() -> None:
    text = "NATO’s chief rejected a ‘no-fly zone’ and said he won’t change his mind; the 1990’s were different."
    assert _quoted(text) == ["‘no-fly zone’"]


def test_glued_closing_quote_still_closes() -> None:
    text = "The option was “mentioned”Stoltenberg said at the meeting."
    assert _quoted(text) == ["“mentioned”"]


def test_unbalanced_quote_does_not_swallow_the_next_paragraph() -> None:
    text = "He said “we are ready.\n\nIn other news, “markets rose” on Monday."
    assert _quoted(text) == ["“markets rose”"]


def test_mask_shares_and_blanking_keep_offsets() -> None:
    text = 'Officials said "the dam is safe" on Sunday.'
    mask = QuoteMask(text)
    start = text.index('"')
    assert mask.share(start, start + len('"the dam is safe"')) == 1.0
    assert mask.share(0, len("Officials said")) == 0.0
    blanked = mask.blanked(text)
    assert len(blanked) == len(text) and "dam" not in blanked and blanked.endswith("on Sunday.")
