from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reliability import metadata
from reliability.metadata import extract


@pytest.mark.parametrize(
    "head, author",
    [
        ("Fed cuts rates\n\nBy Scott Horsley\n\nThe Federal Reserve", "Scott Horsley"),
        ("Russia strikes grid\n\nby Kateryna Hodunova\nOctober 10, 2025 9:41 AM\n\nRussia launched", "Kateryna Hodunova"),
        ("Germany approves bill\n\nAuthor Rina Goldenberg with Reuters, dpa\n\nThe German government", "Rina Goldenberg"),
        ("Cop30 fund launched\n\nFiona Harvey in Belém\nMon 10 Nov 2025 14.20 GMT\n\nBrazil has", "Fiona Harvey"),
        ("NHS list falls\n\nNick Triggle, Health correspondent\n\nThe waiting list", "Nick Triggle"),
        ("Fed cuts rates\n\nSeptember 17, 2025\n\nScott Horsley\n\nThe Federal Reserve", "Scott Horsley"),
    ],
)
def test_bylines_in_the_forms_sites_print_them(head, author):
    meta = extract(head + " lowered rates on Wednesday, officials said.\n")
    assert meta.author == author
    start, end = meta.spans["author"]
    assert (head + " ")[start:end] == author


@pytest.mark.parametrize("line", ["Breaking News", "Global Research", "Share this story", "Related Articles"])
def test_page_labels_are_not_bylines(line):
    meta = extract(f"NATO allies meet in Brussels\n\n{line}\n\nNATO defence ministers met on Wednesday.\n")
    assert meta.author is None


def test_first_line_is_the_headline_not_an_author():
    meta = extract("Angela Merkel\n\nThe former chancellor published her memoirs on Tuesday.\n")
    assert meta.title == "Angela Merkel" and meta.author is None


def test_copyright_holder_keeps_an_honorific():
    text = "Body text.\n\nCopyright © Prof. Michel Chossudovsky and Peter Koenig, Global Research, 2025\n"
    meta = extract(text)
    assert meta.clues["copyright"].startswith("Prof. Michel Chossudovsky")


def test_copyright_holder_keeps_an_abbreviation_with_inner_full_stops():
    meta = extract("Copper rose 2% in London on Tuesday.\n\n©2026 Bloomberg L.P.\n")
    assert meta.clues["copyright"] == "Bloomberg L.P"
    meta = extract("Copper rose.\n\nCopyright 2026 United Press International, Inc. All Rights Reserved.\n")
    assert meta.clues["copyright"] == "United Press International, Inc"


def test_seed_003_staff_byline_and_copyright(seed_texts):
    name = next(k for k in seed_texts if k.startswith("003"))
    meta = extract(seed_texts[name])
    assert meta.author == "CryptoNewsHub Staff" and meta.outlet == "CryptoNewsHub"
    assert meta.clues["copyright"] == "CryptoNewsHub"
    assert meta.published == "2025-11-08T10:51"


def test_seed_000_has_no_byline(seed_texts):
    name = next(k for k in seed_texts if k.startswith("000"))
    meta = extract(seed_texts[name])
    assert meta.author is None and meta.published is None


def test_byline_after_a_date_and_separator():
    meta = extract("Turmeric study\n\n10/14/2025 / By Ethan Huff\n\nA growing body of evidence suggests.\n")
    assert meta.author == "Ethan Huff"


def test_by_inside_a_sentence_is_not_a_byline():
    meta = extract("Fed cuts rates\n\nPrices rose by Tuesday as expected, said analysts.\n")
    assert meta.author is None


def test_photo_credits_are_not_the_copyright_holder():
    text = ("Kremlin calls sanctions an attack\n\n© Sputnik / Natalia Seliverstova\n\nMOSCOW (Sputnik) - The Kremlin said "
            "on Monday.\n\nPhoto: © Getty Images\n\n© 2024 Sputnik. All rights reserved.\n")
    assert extract(text).clues["copyright"] == "Sputnik"


def test_copyright_line_in_any_case_is_read() -> None:
    for line, holder in (("COPYRIGHT 2024 Kyiv Post. All rights reserved.", "Kyiv Post"),
                         ("(C) 2023 Baltic News Network", "Baltic News Network"),
                         ("CoPyRiGhT © 2022 by Meduza", "Meduza")):
        meta = extract(f"Ukraine signs grain deal\n\nThe agreement was signed on Friday in Istanbul.\n\n{line}\n")
        assert meta.clues.get("copyright") == holder, line


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["Copyright", "COPYRIGHT", "copyrıght", "(c)", "(C)", "©", " 2024 ", "Reuters",
                                 "The Times", ".", "\n", " ", "c", "(", "right", "copy", "İ", "ı"]), max_size=20))
def test_copyright_prefilter_never_hides_a_line_the_pattern_reads(parts: list[str]) -> None:
    text = "".join(parts)
    if metadata._COPYRIGHT.search(text):
        assert metadata._may_hold_copyright(text), text


def test_staff_writer_after_a_name_is_her_job_not_an_outlet():
    meta = extract("Why towns compete\n\nBy Eliza Marchetti Staff writer\nMay 5, 2026 | Fenwick, Ind.\n\nFor most of its history.")
    assert meta.author == "Eliza Marchetti" and meta.outlet is None


def test_a_desk_credit_line_without_by_names_the_outlet():
    text = "Republicans voted to cut funding\n\nDaily Kos Staff\nThursday July 09, 2026\n\nYou really can't make this up."
    meta = extract(text)
    assert meta.outlet == "Daily Kos" and meta.author == "Daily Kos Staff"
    start, end = meta.spans["outlet"]
    assert text[start:end] == "Daily Kos"


@pytest.mark.parametrize(
    "line, source",
    [("Source: CNA/fh", "CNA"), ("Source: Al Jazeera and news agencies", "Al Jazeera"), ("Source: online.ua", "online.ua"),
     ("Source(s): Xinhua", "Xinhua")],
)
def test_source_credit_without_desk_initials_or_agencies(line, source):
    text = f"Floods kill 212\n\nAt least 212 people have died, officials said.\n\n{line}\n"
    meta = extract(text)
    assert meta.clues["source"] == source
    start, end = meta.spans["source"]
    assert text[start:end] == source


@pytest.mark.parametrize(
    "byline, author, outlet",
    [
        ("By Dana Whitcomb Globe Staff, Updated October 14, 2026", "Dana Whitcomb", None),
        ("By Maria Lopez Times Staff", "Maria Lopez", None),
        ("By Daily Kos Staff", "Daily Kos Staff", "Daily Kos"),
        ("By Fox News Digital Staff", "Fox News Digital Staff", "Fox News Digital"),
        ("By The Associated Press Staff", "The Associated Press Staff", "The Associated Press"),
    ],
)
def test_a_reporter_named_before_the_papers_staff_credit(byline, author, outlet):
    meta = extract(f"Slow zones return to the Red Line\n\n{byline}\n\nRiders on the southern end of the line are crawling again.")
    assert (meta.author, meta.outlet) == (author, outlet)


def test_written_by_is_a_byline_not_the_outlet_it_was_written_for():
    text = ("Why the monsoon matters for rabi sowing\n\nThe monsoon is late this year.\n\nWritten by Anirudh Menon\n"
            "New Delhi | Updated: October 9, 2025 07:15 IST\n\nFarmers prepare a field.")
    meta = extract(text)
    assert meta.author == "Anirudh Menon" and "written_for" not in meta.clues


def test_a_name_then_the_time_of_posting_is_a_byline():
    meta = extract("City income plan runs dry\n\nJack Kelleher | 3:30 PM on July 15, 2025\n\nWho could have seen this coming?")
    assert meta.author == "Jack Kelleher" and meta.published == "2025-07-15"


def test_staff_report_is_a_desk_credit():
    meta = extract("Ferry service reduced\n\nStaff Report\nPosted August 21, 2025\n\nCasco Bay Lines will run fewer boats.")
    assert meta.author == "Staff Report"
