"""Which article came first and whether the later one credits it."""

from __future__ import annotations

from reliability.duplication.provenance import Origin, credit_names, credited, earlier_of, names_for_note
from reliability.duplication.params import DEFAULT_AGENCIES
from reliability.model import Metadata


def _o(id_: str, text: str = "", **meta: str) -> Origin:
    first_seen = meta.pop("first_seen", None)
    return Origin(id_, text, Metadata(**meta), first_seen)


def test_publication_dates_decide_the_order() -> None:
    assert earlier_of(_o("a", published="2025-03-02"), _o("b", published="2025-03-03")) == "a"
    assert earlier_of(_o("a", published="2025-03-03T10:00"), _o("b", published="2025-03-03T09:15")) == "b"


def test_same_day_without_times_falls_back_to_first_seen_then_unknown() -> None:
    a = _o("a", published="2025-03-03", first_seen="2025-03-03T08:00:00")
    b = _o("b", published="2025-03-03T11:00", first_seen="2025-03-04T08:00:00")
    assert earlier_of(a, b) == "a"
    assert earlier_of(_o("a", published="2025-03-03"), _o("b", published="2025-03-03T11:00")) is None
    assert earlier_of(_o("a"), _o("b", published="not a date")) is None


def test_credit_by_outlet_site_or_source_line() -> None:
    earlier = _o("src", outlet="Valley Courier", url="https://www.valleycourier.example/news/flood")
    assert credited(earlier, "Water reached 300 homes, the Valley Courier reported.", DEFAULT_AGENCIES) is True
    assert credited(earlier, "First published on valleycourier.example.", DEFAULT_AGENCIES) is True
    assert credited(earlier, "Water reached 300 homes, officials said.", DEFAULT_AGENCIES) is False
    assert credited(_o("anon"), "Anything at all.", DEFAULT_AGENCIES) is None


def test_agency_relayed_by_the_earlier_text_counts_as_credit() -> None:
    wire = _o("wire", "KYIV (Reuters) - The alliance said on Friday it would not send planes.")
    assert "Reuters" in credit_names(wire, DEFAULT_AGENCIES)
    assert credited(wire, "The alliance will not send planes, Reuters reported.", DEFAULT_AGENCIES) is True


def test_short_agency_names_need_exact_case() -> None:
    wire = _o("wire", "WASHINGTON (AP) — Lawmakers passed the bill.")
    assert credited(wire, "Lawmakers passed the bill, according to AP.", DEFAULT_AGENCIES) is True
    assert credited(wire, "Lawmakers passed the bill in a rapid vote; a map is attached.", DEFAULT_AGENCIES) is False


def test_note_label_names_the_outlet() -> None:
    assert names_for_note(_o("003", outlet="CryptoNewsHub")) == "003 (CryptoNewsHub)"
    assert names_for_note(_o("x", url="https://news.example.org/a")) == "x (news.example.org)"
    assert names_for_note(_o("y")) == "y"


def test_agency_names_match_case_insensitively_as_the_regex_does() -> None:
    # The substring pre-check must never overrule the regex: "REUTERS" in capitals counts, "ap" inside a word does
    # not, and a long s (ſ, old-style or OCR'd print) matches "s" under IGNORECASE, so "Reuterſ" still credits.
    assert credited(_o("w", "LONDON, May 2 (REUTERS) - Oil rose."), "Oil rose, REUTERS said.", DEFAULT_AGENCIES) is True
    assert "Reuters" in credit_names(_o("w", "From the Reuterſ wire: oil rose."), DEFAULT_AGENCIES)
    assert credit_names(_o("w", "Capital flows rose in a rapid, apparent rally."), DEFAULT_AGENCIES) == []
