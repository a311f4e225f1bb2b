"""Passage alignment: copies with exact offsets, paraphrases, same-topic non-reuse, PAN13 cases."""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reliability.config import load_config
from reliability.duplication import _align_sentences, _align_text
from reliability.duplication.align import AlignParams, Prepared, align, align_prepared, prepare

PAN = Path("/work/shared/eval/pan13-train")

# A wire story about a port strike (the source).
PORT_STORY = """Dockworkers walk out at Rotterdam as pay talks collapse

ROTTERDAM (Reuters) - Thousands of dockworkers at Europe's largest port walked off the job on Tuesday after
overnight talks with terminal operators broke down over wages and automation, halting container traffic at
the Maasvlakte terminals.

The FNV union said its members had rejected a final offer of a 4.5 percent raise spread over two years,
arguing that it did not keep pace with inflation and offered no guarantees against job losses as operators
roll out remote-controlled cranes.

Port authority spokesman Sander de Vries said about 40 container ships were waiting at anchor
off the Dutch coast by midday and that the backlog could take more than a week to clear once work resumed.
Shipping lines Maersk and MSC told customers to expect delays of up to ten days on Asia-Europe routes.

Terminal operators said in a joint statement that their offer was generous and that automation had created
more skilled jobs than it had replaced. They urged the union to return to the table.

The strike is the first full stoppage at Rotterdam since 2019. Economists at ING estimated that each day of
disruption costs Dutch exporters around 30 million euros in delayed shipments and storage fees.

Union leader Marieke van Veen said the walkout would continue until Friday unless operators improved their
offer. "Our members are not against technology, they are against being thrown away," she told reporters
outside the gates.
"""

COPIED_PARAGRAPH = """Port authority spokesman Sander de Vries said about 40 container ships were waiting at anchor
off the Dutch coast by midday and that the backlog could take more than a week to clear once work resumed.
Shipping lines Maersk and MSC told customers to expect delays of up to ten days on Asia-Europe routes."""

# A regional site's story that lifts one paragraph of the wire story word for word.
COPYING_STORY = f"""Rotterdam strike leaves exporters counting the cost

Fruit exporters in the Westland greenhouse region said on Tuesday that they were rerouting refrigerated
containers through Antwerp and Hamburg after a strike closed most of the port of Rotterdam.

{COPIED_PARAGRAPH}

Greenhouse growers' association Glastuinbouw Nederland said tomatoes and peppers could not wait that long and
that members were already paying extra trucking costs to reach Belgian terminals. "Every day costs us orders,"
said chairman Pieter Bakker, who grows sweet peppers near Naaldwijk.
"""

# The same facts rewritten: sentences reordered, clauses moved, many words swapped for synonyms.
REWORDED_STORY = """Cargo delays mount in Dutch port dispute

Shipping companies Maersk and MSC warned clients that Asia-Europe services could be late by as much as ten days.
Roughly 40 container vessels sat at anchor off the Dutch coastline by noon, port authority spokesman Sander de
Vries said, adding that once work restarted the backlog might need over a week to clear.

According to ING economists, every day of disruption costs Dutch exporters about 30 million euros in storage
fees and delayed shipments. It is the first complete stoppage at Rotterdam since 2019.

Local hauliers said they had added night shifts to move boxes that were already on the quay before the walkout.
"""

# Two unrelated stories on the same topic (NATO) sharing names and vocabulary but no reused passage.
NATO_SUMMIT = """NATO leaders agree new spending target at Vilnius summit

VILNIUS - NATO leaders on Wednesday agreed that spending two percent of economic output on defence should be a
floor rather than a ceiling, after a summit dominated by debate over how quickly Ukraine could join the alliance.

Secretary General Jens Stoltenberg told a closing news conference that eleven allies already met the target and
that he expected the number to rise sharply next year as governments replenish stocks of artillery shells.

Germany said it would station a brigade of about 4,000 troops in Lithuania permanently, the first such long-term
deployment of German combat forces abroad since the Second World War. Lithuanian President Gitanas Nauseda called
the decision historic.

Diplomats said the final communique was delayed for hours by a dispute over wording on Ukraine's membership path,
which leaders eventually agreed would come "when allies agree and conditions are met".
"""

NATO_EXERCISE = """Baltic air-policing mission tested as NATO jets scramble over sea

TALLINN - NATO fighter jets scrambled three times on Monday to identify Russian military aircraft flying near
Estonian airspace over the Baltic Sea, the alliance's air command said, in one of the busiest days for the
air-policing mission this year.

Two Spanish Eurofighters based at Amari air base intercepted a pair of Su-27 jets escorting an Il-20
reconnaissance plane that had its transponder switched off and had not filed a flight plan, the command said.

Estonia's defence forces said none of the aircraft entered Estonian airspace. A spokesman for the Estonian
ministry said such flights were routine but dangerous because civilian air traffic controllers could not see them.

The Baltic states have no fighter jets of their own and have relied on rotating NATO detachments to police their
skies since joining the alliance in 2004. Italy is due to take over the mission at Siauliai in Lithuania next month.
"""


def _span(text: str, fragment: str) -> tuple[int, int]:
    start = text.index(fragment)
    return start, start + len(fragment)


def _overlap(lo: int, hi: int, start: int, end: int) -> int:
    return max(0, min(hi, end) - max(lo, start))


def test_verbatim_copy_is_found_with_exact_offsets() -> None:
    passages = align(PORT_STORY, COPYING_STORY)

    assert len(passages) == 1
    p = passages[0]
    assert p.kind == "copy"
    assert (p.a_start, p.a_end) == _span(PORT_STORY, COPIED_PARAGRAPH)
    assert (p.b_start, p.b_end) == _span(COPYING_STORY, COPIED_PARAGRAPH)
    assert p.similarity > 0.9


def test_copy_starting_mid_sentence_gets_word_exact_boundaries() -> None:
    lifted = "about 40 container ships were waiting"
    start = PORT_STORY.index(lifted)
    end = PORT_STORY.index("Asia-Europe routes.") + len("Asia-Europe routes.")
    suspicious = (
        "Shipping through the Netherlands was disrupted again this week, and port officials counted "
        + PORT_STORY[start:end]
        + " Freight forwarders in Antwerp said they had no spare berths to offer."
    )
    (p,) = align(PORT_STORY, suspicious)
    assert p.kind == "copy"
    assert (p.a_start, p.a_end) == (start, end)
    assert suspicious[p.b_start : p.b_end] == PORT_STORY[start:end]


def test_reordered_synonym_swapped_copy_is_a_paraphrase() -> None:
    passages = align(PORT_STORY, REWORDED_STORY)

    assert passages, "the reworded passage about delays and the ING estimate should be found"
    assert all(p.kind == "paraphrase" for p in passages)
    delays = _span(REWORDED_STORY, "Shipping companies Maersk")[0], _span(REWORDED_STORY, "since 2019.")[1]
    covered = sum(_overlap(*delays, p.b_start, p.b_end) for p in passages)
    assert covered >= 0.8 * (delays[1] - delays[0])
    # The source side points at the paragraphs that were reworded, not at the strike's opening or the union quote.
    source = _span(PORT_STORY, "Port authority spokesman")[0], _span(PORT_STORY, "storage fees.")[1]
    for p in passages:
        assert _overlap(*source, p.a_start, p.a_end) >= 0.7 * (p.a_end - p.a_start)
    # The hauliers' sentence is the rewriter's own addition.
    own = _span(REWORDED_STORY, "Local hauliers")
    assert all(_overlap(*own, p.b_start, p.b_end) == 0 for p in passages)


def test_unrelated_stories_on_the_same_topic_share_no_passage() -> None:
    assert align(NATO_SUMMIT, NATO_EXERCISE) == []
    assert align(NATO_EXERCISE, NATO_SUMMIT) == []
    assert align(PORT_STORY, NATO_SUMMIT) == []


def test_offsets_index_the_given_strings_and_prepared_path_agrees() -> None:
    params = AlignParams()
    direct = align(PORT_STORY, COPYING_STORY, params)
    prepared = align_prepared(prepare(PORT_STORY, params), prepare(COPYING_STORY, params), params)
    assert direct == prepared
    for p in direct:
        assert 0 <= p.a_start < p.a_end <= len(PORT_STORY)
        assert 0 <= p.b_start < p.b_end <= len(COPYING_STORY)
        assert 0.0 <= p.similarity <= 1.0


def test_empty_and_wordless_texts_give_no_passage() -> None:
    assert align("", PORT_STORY) == []
    assert align(PORT_STORY, "") == []
    assert align("— … ---", "!!! ???") == []


def test_params_come_from_config_and_bad_values_are_refused() -> None:
    config = load_config(overrides={"duplication": {"align": {"min_chars": 400, "summary": False}}})
    params = AlignParams.from_config(config)
    assert params.min_chars == 400 and params.summary is False
    assert params.seed_cosine == AlignParams().seed_cosine
    # A longer minimum drops the 270-character copied paragraph.
    assert align(PORT_STORY, COPYING_STORY, params) == []
    with pytest.raises(ValueError, match="seed_cosine"):
        AlignParams(seed_cosine=1.5)
    with pytest.raises(ValueError, match="unknown key"):
        AlignParams.from_mapping({"seed_cosin": 0.3})


def _pan_case(folder: str, susp: str, src: str) -> tuple[str, str, list[tuple[int, ...]]]:
    truth = ET.parse(PAN / folder / f"{Path(susp).stem}-{Path(src).stem}.xml").getroot()
    cases = [
        tuple(int(f.get(key, 0)) for key in ("this_offset", "this_length", "source_offset", "source_length"))
        for f in truth
        if f.get("name") == "plagiarism"
    ]
    read = lambda path: path.read_text(encoding="utf-8")  # noqa: E731 - PAN offsets count decoded characters
    return read(PAN / "src" / src), read(PAN / "susp" / susp), cases


@pytest.mark.skipif(not PAN.is_dir(), reason="PAN13 training corpus not available")
@pytest.mark.parametrize(
    "folder, susp, src",
    [
        ("03-random-obfuscation", "suspicious-document00006.txt", "source-document00560.txt"),
        ("04-translation-obfuscation", "suspicious-document00004.txt", "source-document00420.txt"),
    ],
)
def test_pan_obfuscated_case_is_detected_with_overlap(folder: str, susp: str, src: str) -> None:
    source, suspicious, cases = _pan_case(folder, susp, src)
    assert cases
    passages = align(source, suspicious)
    for b_off, b_len, a_off, a_len in cases:
        hits = [p for p in passages if _overlap(b_off, b_off + b_len, p.b_start, p.b_end)]
        assert hits, f"case at {b_off} not detected"
        assert sum(_overlap(b_off, b_off + b_len, p.b_start, p.b_end) for p in hits) >= 0.6 * b_len
        assert sum(_overlap(a_off, a_off + a_len, p.a_start, p.a_end) for p in hits) >= 0.6 * a_len
        assert all(p.kind == "paraphrase" for p in hits)


@pytest.mark.skipif(not PAN.is_dir(), reason="PAN13 training corpus not available")
def test_pan_summary_points_at_a_long_source_stretch() -> None:
    source, suspicious, cases = _pan_case(
        "05-summary-obfuscation", "suspicious-document00008.txt", "source-document00305.txt"
    )
    (b_off, b_len, a_off, a_len), = cases
    passages = align(source, suspicious)
    hits = [p for p in passages if _overlap(b_off, b_off + b_len, p.b_start, p.b_end)]
    assert len(hits) == 1
    p = hits[0]
    assert _overlap(b_off, b_off + b_len, p.b_start, p.b_end) >= 0.8 * b_len
    assert p.a_end - p.a_start >= 3 * (p.b_end - p.b_start)


_WORDS = (
    "minister said the port strike would continue until Friday while union leaders rejected the offer and "
    "economists warned exporters ships anchor delays NATO alliance troops aircraft airspace Ukraine Russia"
).split()
_sentence = st.lists(st.sampled_from(_WORDS), min_size=3, max_size=25).map(lambda ws: " ".join(ws).capitalize() + ".")
_text = st.lists(_sentence, min_size=1, max_size=30).map(" ".join)


@settings(max_examples=60, deadline=None)
@given(a=_text, b=_text, shared=_text, where=st.floats(0, 1))
def test_passages_are_well_formed_on_arbitrary_text(a: str, b: str, shared: str, where: float) -> None:
    # Plant a shared stretch in b so that some runs produce passages, then check only invariants.
    cut = int(len(b) * where)
    b = b[:cut] + " " + shared + " " + b[cut:]
    passages = align(a + " " + shared, b)
    for p in passages:
        assert 0 <= p.a_start < p.a_end <= len(a) + 1 + len(shared)
        assert 0 <= p.b_start < p.b_end <= len(b)
        assert p.kind in ("copy", "paraphrase") and 0.0 <= p.similarity <= 1.0
    ordered = sorted(passages, key=lambda p: p.b_start)
    assert all(x.b_end <= y.b_start for x, y in zip(ordered, ordered[1:])), "passages overlap in b"


def test_subheadings_and_blank_lines_end_sentences_but_wrapped_lines_do_not() -> None:
    text = (
        "NATO Draws a Red Line\n"
        "According to the secretary general, enforcing a no-fly zone would require allied pilots to engage\n"
        "Russian aircraft over Ukraine.\n\n"
        "Diplomats said the decision was final"
    )
    prepared = prepare(text)
    sentences = [text[slice(*prepared.span(i, i))] for i in range(prepared.n_sentences)]
    assert sentences == [
        "NATO Draws a Red Line",
        "According to the secretary general, enforcing a no-fly zone would require allied pilots to engage\n"
        "Russian aircraft over Ukraine.",
        "Diplomats said the decision was final",
    ]


@pytest.mark.skipif(not PAN.is_dir(), reason="PAN13 training corpus not available")
@pytest.mark.parametrize(
    "folder, susp, src",
    [
        ("03-random-obfuscation", "suspicious-document00006.txt", "source-document00560.txt"),
        ("05-summary-obfuscation", "suspicious-document00008.txt", "source-document00305.txt"),
    ],
)
def test_very_long_pairs_align_as_short_ones_do(folder: str, susp: str, src: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # Two very long texts are scored with sparse matrices instead of a grid of all sentence pairs: same passages.
    source, suspicious, _ = _pan_case(folder, susp, src)
    on_grid = align(source, suspicious)
    assert on_grid
    monkeypatch.setattr(_align_sentences, "_MAX_GRID", 0)
    assert align(source, suspicious) == on_grid


def test_sentence_cosine_and_dice_are_the_textbook_tf_isf_ones() -> None:
    pa, pb = prepare(PORT_STORY), prepare(REWORDED_STORY)
    sim = _align_sentences.similarities(_align_sentences.space(pa, pb))
    bags = [_bags(pa), _bags(pb)]
    n = pa.n_sentences + pb.n_sentences
    df = {t: sum(t in bag for side in bags for bag in side) for side in bags for bag in side for t in bag}
    vec = [[{t: tf * math.log(n / df[t]) for t, tf in bag.items()} for bag in side] for side in bags]
    expected = {}
    for i, va in enumerate(vec[0]):
        for j, vb in enumerate(vec[1]):
            shared = [t for t in va if t in vb and va[t] > 0 and vb[t] > 0]
            if shared:
                dot = sum(va[t] * vb[t] for t in shared)
                cosine = dot / math.sqrt(sum(x * x for x in va.values()) * sum(x * x for x in vb.values()))
                sizes = sum(x > 0 for x in va.values()) + sum(x > 0 for x in vb.values())
                expected[i, j] = (cosine, 2 * len(shared) / sizes)
    got = {(int(i), int(j)): (c, d) for i, j, c, d in zip(sim.rows, sim.cols, sim.cosine, sim.dice)}
    assert got.keys() == expected.keys() and len(got) > 10
    for key, (cosine, dice) in expected.items():
        assert got[key] == pytest.approx((cosine, dice), rel=1e-9)


def _bags(p: Prepared) -> list[dict[int, float]]:
    """Stem counts of each sentence, read from the prepared entries."""
    bags: list[dict[int, float]] = [{} for _ in range(p.n_sentences)]
    for s, t, tf in zip(p.entry_sent.tolist(), p.entry_term.tolist(), p.entry_tf.tolist()):
        bags[s][int(p.vocab[t])] = tf
    return bags


def test_a_document_prepared_once_aligns_against_many_as_if_fresh() -> None:
    # The duplication stage prepares each article once per batch and reuses it for every candidate pair.
    port = prepare(PORT_STORY)
    for other in (COPYING_STORY, REWORDED_STORY, NATO_SUMMIT, NATO_EXERCISE, PORT_STORY):
        assert align_prepared(port, prepare(other)) == align(PORT_STORY, other)
        assert align_prepared(prepare(other), port) == align(other, PORT_STORY)


def test_preparation_does_not_depend_on_which_words_were_seen_before(monkeypatch: pytest.MonkeyPatch) -> None:
    # Word hashes are remembered across documents; a table forgetting them (memory bound) gives the same arrays.
    fresh = prepare(REWORDED_STORY)
    forgetful = _align_text._WordTable(max_words=5)
    monkeypatch.setattr(_align_text, "_WORDS", forgetful)
    prepare(PORT_STORY)
    again = prepare(REWORDED_STORY)
    assert len(forgetful.words) < 200  # it did forget
    for name in ("word_hash", "vocab", "df", "entry_sent", "entry_term", "entry_tf", "sent_ptr", "sent_start"):
        assert np.array_equal(getattr(fresh, name), getattr(again, name)), name
