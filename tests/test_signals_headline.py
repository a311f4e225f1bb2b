from __future__ import annotations

import pytest

from reliability.ingest import from_text
from reliability.signals import SignalContext
from reliability.signals import headline

BODY = """BRUSSELS, Oct 15 (Reuters) - NATO defence ministers agreed on Wednesday to speed up deliveries of air defence
systems to Ukraine, Secretary General Mark Rutte said after talks in Brussels, as Kyiv braces for a winter of Russian
strikes on its power grid.

"Every system we send now saves lives and keeps the lights on," Rutte told a news conference, adding that several
allies had pledged additional Patriot interceptors and that Germany would deliver two further IRIS-T batteries before
the end of the year, on top of the 12 systems already supplied since 2022.

Ukrainian Defence Minister Denys Shmyhal, who joined the meeting by video link, said the country needed at least ten
more batteries to protect its cities and energy infrastructure. Officials from three allied governments said the
pledges fell short of that figure but went further than many had expected before the meeting, and that the
ministers had accepted a plan to pool orders for interceptor missiles.

Rutte said governments would announce their own pledges. The ministers also discussed plans to raise defence
spending targets ahead of next year's summit in The Hague.
"""


@pytest.fixture()
def ctx(config) -> SignalContext:
    return SignalContext(config)


def check(ctx, title: str, body: str = BODY):
    text = title + "\n\n" + body
    doc = from_text(text, "a")
    assert doc.meta.title == title
    return headline.compute(doc, ctx), doc


@pytest.mark.parametrize(
    "title",
    [
        "NATO allies agree to speed up air defence deliveries to Ukraine",
        "NATO Allies Agree to Speed Up Air Defence Deliveries to Ukraine",  # title case
        "Germany to send two more IRIS-T batteries as NATO pledges 12 systems | Reuters",
        "Rutte: every air defence system saves lives — Analysis",
    ],
)
def test_faithful_headlines_stay_quiet(ctx, title):
    signal, _ = check(ctx, title)
    assert signal.value == 0.0, signal.evidence


def test_headline_figure_absent_from_the_body(ctx):
    signal, doc = check(ctx, "NATO allies pledge 40 air defence systems to Ukraine")
    assert signal.value > 0
    (ev,) = signal.evidence
    assert ev.text == "40" and doc.text[ev.start : ev.end] == "40"


def test_headline_name_absent_from_the_body(ctx):
    signal, _ = check(ctx, "Macron blocks NATO air defence deal for Ukraine")
    assert [ev.text for ev in signal.evidence if "names" in ev.note] == ["Macron"]


def test_headline_refusal_contradicted_by_an_agreeing_body(ctx):
    signal, _ = check(ctx, "NATO ministers refuse to speed up air defence for Ukraine")
    kinds = [f["kind"] for f in signal.details["findings"]]
    assert kinds == ["reversed_polarity"]
    assert signal.value >= 0.8
    assert signal.evidence[0].text == "refuse"


def test_refusal_the_body_also_reports_is_not_a_contradiction(ctx):
    body = BODY + "\nHungary refused to join the joint order, officials said.\n"
    signal, _ = check(ctx, "Hungary refuses to join NATO air defence order", body)
    assert signal.value == 0.0


def test_short_teaser_body_is_not_judged(ctx):
    signal, _ = check(ctx, "Macron rejects 40 NATO systems", "Read the full story on our website.")
    assert signal.value == 0.0


def test_seed_headlines_are_supported_by_their_bodies(ctx, seed_texts):
    for name, text in seed_texts.items():
        assert headline.compute(from_text(text, name), ctx).value == 0.0, name


def test_a_fragment_first_line_is_not_held_to_the_body(ctx):
    signal, _ = check(ctx, "Will invest nearly 500 billion conventional electricity,")
    assert signal.value == 0.0


def test_an_unrelated_first_line_is_not_treated_as_the_headline(ctx):
    signal, _ = check(ctx, "Juneau Real Estate Listings From Kowalski Properties")
    assert signal.value == 0.0
    assert "does not read as" in signal.summary



def test_a_headline_name_counts_as_mentioned_only_where_a_body_word_starts_with_it() -> None:
    assert headline._mentioned("Iran", "talks with iran's envoy resumed")
    assert headline._mentioned("Russia", "the russian embassy said")  # shares the stem "russ"
    assert not headline._mentioned("Iran", "the tirana office and the tiranian delegation")
    assert headline._mentioned("Iran", "iran opened; later tirana")  # at the very start of the body
