from __future__ import annotations

import json

import pytest

from reliability.ingest import from_json_line, from_text
from reliability.signals import SignalContext
from reliability.signals import dateline

BODY = """Ukraine's parliament voted on Tuesday to extend martial law and general mobilisation for another 90 days,
the eighteenth extension since Russia's full-scale invasion, lawmakers said. The measure passed with 317 votes,
well above the 226 needed, and now goes to President Volodymyr Zelenskiy to sign.
"""


@pytest.fixture()
def ctx(config) -> SignalContext:
    return SignalContext(config)


@pytest.mark.parametrize(
    "head",
    [
        "KYIV, Nov 4 (Reuters) - ",
        "KYIV, Ukraine (AP) — ",
        "MOSCOW, November 8. /TASS/. ",
        "Kyiv, 4 November 2025 – ",
    ],
)
def test_wire_datelines_keep_the_signal_quiet(ctx, head):
    text = "Ukraine extends martial law for another 90 days\n\n" + head + BODY
    signal = dateline.compute(from_text(text, "wire"), ctx)
    assert signal.value == 0.0
    found = signal.details["dateline"]
    start, end = found["span"]
    assert text[start:end] == found["text"]
    assert found["place"].upper().startswith("KYIV") or found["place"] == "MOSCOW"


def test_publication_date_from_feed_field_is_enough(ctx):
    doc = from_json_line(json.dumps({"id": "a", "text": BODY, "published": "2025-11-04T09:12:00Z"}))
    assert dateline.compute(doc, ctx).value == 0.0


def test_published_line_at_the_end_is_enough(ctx):
    text = BODY + "\nShare this article\nPublished: 4 November 2025, 10:15\n"
    signal = dateline.compute(from_text(text, "a"), ctx)
    assert signal.value == 0.0
    assert signal.details["published"] == "2025-11-04"


def test_undated_rewrite_fires_with_a_note_at_the_head(ctx):
    text = "Ukraine extends martial law again\n\n" + BODY.replace("on Tuesday ", "")
    signal = dateline.compute(from_text(text, "farm"), ctx)
    assert signal.value == 1.0
    (ev,) = signal.evidence
    assert (ev.start, ev.end) == (0, 0) and "dateline" in ev.note


def test_sentence_openings_are_not_datelines(ctx):
    text = "Despite this, NATO said - nothing new.\nBREAKING: alliance meets\n" + BODY
    assert dateline.compute(from_text(text, "x"), ctx).value == 1.0


def test_seeds_without_any_date_fire_and_dated_seeds_do_not(ctx, seed_texts):
    values = {k[:3]: dateline.compute(from_text(t, k), ctx).value for k, t in seed_texts.items()}
    assert values == {"000": 1.0, "001": 0.0, "002": 1.0, "003": 0.0, "004": 1.0}


@pytest.mark.parametrize(
    "line",
    ["Issued on: 12/10/2025 - 18:35", "Date 27.08.2025", "10/14/2025 / By Ethan Huff", "Published on 03/11/2025 - 12:15 GMT+1"],
)
def test_numeric_dates_as_sites_print_them(ctx, line):
    text = "Ukraine extends martial law again\n\n" + line + "\n\n" + BODY.replace("on Tuesday ", "")
    signal = dateline.compute(from_text(text, "site"), ctx)
    assert signal.value == 0.0


def test_a_ratio_is_not_a_date(ctx):
    text = "Ukraine extends martial law again\n\nDate of the vote: unknown. The 3.5/10.2 ratio held.\n\n" + BODY.replace("on Tuesday ", "")
    assert dateline.compute(from_text(text, "site"), ctx).value == 1.0

