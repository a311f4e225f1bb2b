"""Prefilters in reliability/signals/_text.py: a LiteralGate may only skip texts the regex cannot match, and a
regex tried only at the words its matches can start with (regex_first_words) finds what a full scan finds."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from reliability.signals import SignalContext
from reliability.signals._text import LiteralGate, Scanner, compile_phrases, lowered_for_gates, regex_first_words

COUNTER = compile_phrases([r"re:\b\d+(?:[.,]\d+)?\s?[KkMm]?\s+(?:views|shares|reads)\b", r"re:\b(?:views|shares):\s*\d+"])
CREDIT = re.compile(r"(?i:reporter|correspondent|staff writer) (?i:for|at) (?P<name>(?:The )?[A-Z][\w&.-]*)")


def test_gate_skips_an_article_without_the_needed_words() -> None:
    text = "KYIV — Ukraine's parliament approved the budget on Thursday after a long debate, officials said."
    gate = LiteralGate.of(COUNTER)
    assert gate is not None and not gate.may_match(text, lowered_for_gates(text))


def test_gate_lets_through_page_furniture_in_any_case() -> None:
    text = "Markets rallied on Friday.\n\n1.2K VIEWS\n\nThe central bank held rates."
    gate = LiteralGate.of(COUNTER)
    assert gate is not None and gate.may_match(text, lowered_for_gates(text)) and COUNTER.search(text)


def test_gate_never_skips_a_dotless_i_that_the_regex_folds() -> None:
    # re.IGNORECASE matches "ı" (dotless i) to "i"; str.lower() leaves it, so the gate must not rely on it.
    text = "Olena Hrytsenko, a correspondent for Kyiv Post, reported that the EDıTOR was away."
    pattern = re.compile(r"(?i:editor) was")
    gate = LiteralGate.of(pattern)
    assert pattern.search(text) and gate is not None and gate.may_match(text, lowered_for_gates(text))


def test_pattern_with_an_optional_start_needs_nothing() -> None:
    assert LiteralGate.of(re.compile(r"(?:estimated\s+)?\d+\s*min")) is not None  # "min" is still needed
    assert LiteralGate.of(re.compile(r"\d+|views")) is None  # one way through needs no literal


_ALPHABET = st.sampled_from(list("abcdefgiklmnoprstuvwxyzABCDEIKLMRSTVW 0123456789:.,\n-") + ["ı", "İ", "ſ", "\u212a", "’"])


@settings(max_examples=400, deadline=None)
@given(st.lists(st.one_of(_ALPHABET, st.sampled_from(["views", "shares", " reporter ", " for ", "The ", "Staff Writer"])),
                max_size=40))
def test_gate_never_rejects_a_text_the_regex_matches(parts: list[str]) -> None:
    text = "".join(parts)
    for pattern in (COUNTER, CREDIT):
        gate = LiteralGate.of(pattern)
        assert gate is not None
        if pattern.search(text):
            assert gate.may_match(text, lowered_for_gates(text)), (pattern.pattern, text)


def _configured_gated_patterns(config) -> list[re.Pattern[str]]:  # type: ignore[no-untyped-def]
    from reliability.signals._text import phrase_scanners, strings
    from reliability.signals.byline import Lexicon

    patterns = list(Lexicon.from_config(config).credit_patterns)
    for name in ("anonymous_framing", "sensational_framing", "self_praise"):
        lexicon = config.lexicon(name)
        for key in ("weasel_phrases", "named_only_patterns", "phrases"):
            patterns += [s.pattern for s in phrase_scanners(strings(lexicon, key)) if s.gate is not None]
    for table in config.lexicon("page_junk").get("inline", {}).values():
        patterns += [s.pattern for s in phrase_scanners(strings(table, "cues")) if s.gate is not None]
    return patterns


def test_configured_gates_pass_every_seed_and_fixture_their_regex_matches(config, seed_texts) -> None:  # type: ignore[no-untyped-def]
    from pathlib import Path

    fixtures = Path(__file__).parent / "fixtures" / "articles"
    texts = [*seed_texts.values(), *(p.read_text(encoding="utf-8") for p in sorted(fixtures.glob("*.txt")))]
    gated = [(p, g) for p in _configured_gated_patterns(config) if (g := LiteralGate.of(p)) is not None]
    assert len(gated) >= 5  # credit lines, counters, reading time, "X quotes Y as saying", ...
    matched = 0
    for text in texts:
        for pattern, gate in gated:
            if pattern.search(text):
                matched += 1
                assert gate.may_match(text, lowered_for_gates(text)), (pattern.pattern, text[:80])
    assert matched  # the check is not vacuous: some seed or fixture does carry a gated cue


def test_first_words_of_weasel_regexes() -> None:
    pattern = compile_phrases([r"re:it\s+(?:is|was|has\s+(?:long\s+)?been)\s+(?:widely\s+)?(?:believed|thought)",
                               r"re:(?:is|are|was|were)\s+(?:said|believed)\s+to\s+(?:be|have)"])
    assert regex_first_words(pattern) == {"it", "is", "are", "was", "were"}


def test_first_words_follow_optional_parts_and_punctuation() -> None:
    reading = compile_phrases([r"re:(?:estimated\s+)?read(?:ing)?\s+time:?\s*\d+", r"re:tags?:\s.{1,80}"])
    assert regex_first_words(reading) == {"estimated", "read", "reading", "tag", "tags"}
    # Only a non-letter ends a word: "(?:home|news)\s*[»›>/|]" may glue the arrow to the word, still a word end.
    assert regex_first_words(compile_phrases([r"re:(?:home|news)\s*[»›>/|]\s*\w+"])) == {"home", "news"}


def test_first_words_unknown_when_a_match_may_start_or_run_on_otherwise() -> None:
    assert regex_first_words(compile_phrases([r"re:\d+\s+comments?"])) is None  # starts with a digit
    assert regex_first_words(compile_phrases([r"re:[a-z]+ing\s+news"])) is None  # unbounded letters
    assert regex_first_words(compile_phrases([r"re:news\w*\s+desk"])) is None  # \w may go on with letters
    assert regex_first_words(re.compile(r"(?<![\w-])views", re.I)) is None  # may end inside a longer word
    assert regex_first_words(compile_phrases([r"re:(?:[A-Z]\S*\s+){1,3}quoted"], flags=0)) is None


def _configured_scanners(config) -> list[Scanner]:  # type: ignore[no-untyped-def]
    """The phrase scanners the configured lexicons build (anonymous, sensational, page junk, self-praise)."""
    from reliability.signals import self_praise
    from reliability.signals._text import phrase_scanners, strings

    scanners = []
    for name, key in (("anonymous_framing", "weasel_phrases"), ("sensational_framing", "phrases")):
        scanners += phrase_scanners(strings(config.lexicon(name), key))
    for table in config.lexicon("page_junk").get("inline", {}).values():
        scanners += phrase_scanners(strings(table, "cues"))
    scanners.append(self_praise._scanner(SignalContext(config)))
    return [s for s in scanners if s is not None]


def _configured_word_start_scanners(config) -> list[Scanner]:  # type: ignore[no-untyped-def]
    return [s for s in _configured_scanners(config) if s.scan_folded]


def _full_scan(pattern: re.Pattern[str], text: str) -> list[tuple[int, int]]:
    return [m.span() for m in pattern.finditer(text) if m.end() > m.start()]


def test_configured_regex_cues_are_tried_at_their_first_words(config) -> None:  # type: ignore[no-untyped-def]
    scanners = _configured_word_start_scanners(config)
    assert len(scanners) >= 2  # the weasel regexes ("it is widely believed"), self-praise
    text = ("Filed under: Politics\nIt is widely believed that the deal is said to be close, said one aide.\n"
            "Share this story on Facebook. We are the #1 name, delivering accurate, independent news. Your trusted source for news.")
    found = [m.span() for s in scanners for m in s.finditer(text)]
    assert len(found) >= 4
    assert found == [span for s in scanners for span in _full_scan(s.pattern, text)]


def test_regex_cues_match_as_a_full_scan_on_seeds_and_fixtures(config, seed_texts) -> None:  # type: ignore[no-untyped-def]
    from pathlib import Path

    fixtures = Path(__file__).parent / "fixtures" / "articles"
    texts = [*seed_texts.values(), *(p.read_text(encoding="utf-8") for p in sorted(fixtures.glob("*.txt")))]
    for scanner in _configured_word_start_scanners(config):
        for text in texts:
            assert [m.span() for m in scanner.finditer(text)] == _full_scan(scanner.pattern, text), scanner.pattern.pattern[:60]


_CUE_PARTS = st.sampled_from([
    "it is widely believed", "It Was ", "is said to be", "were believed to have", "share this story on ", "Tags: ",
    "filed under: ", "Home › News › ", "reading time: 3 min", "estimated read time 5", "Your trusted source for ",
    "we’re the #1", "delivering accurate, independent news", "the real news", "views: 12", "follow us on ",
    "ſaid", "\u212a", "ı", "İ", "’", "'", "-", " ", "\n", ".", ",", ":", "x", "A", "the", "is", "it", "was", "3",
])


@settings(max_examples=300, deadline=None)
@given(st.lists(_CUE_PARTS, max_size=30))
def test_word_start_scan_equals_full_scan(config, parts: list[str]) -> None:  # type: ignore[no-untyped-def]
    text = "".join(parts)
    for scanner in _configured_word_start_scanners(config):
        assert [m.span() for m in scanner.finditer(text)] == _full_scan(scanner.pattern, text), (scanner.pattern.pattern[:60], text)


def _configured_literal_scanners(config) -> list[Scanner]:  # type: ignore[no-untyped-def]
    return [s for s in _configured_scanners(config) if s.first_words is not None and not s.scan_folded]


_PHRASE_PARTS = st.sampled_from([
    "reportedly", "Allegedly", "by most accounts", "in some quarters", "sent shockwaves", "BOMBSHELL", "must-read",
    "jaw-dropping", "print", "share:", "copy link", "advertisement", "Sponsored", "the", "by", "in", "some",
    " ", "  ", "\n", "-", "’", "'", ".", ",", ":", "x", "A", "é", "2",
])


@settings(max_examples=300, deadline=None)
@given(st.lists(_PHRASE_PARTS, max_size=30))
def test_literal_cues_at_word_starts_equal_a_full_scan(config, parts: list[str]) -> None:  # type: ignore[no-untyped-def]
    # The word index finds every place a literal cue can start (outside the rare letters re.IGNORECASE folds).
    text = "".join(parts)
    for scanner in _configured_literal_scanners(config):
        assert [m.span() for m in scanner.finditer(text)] == _full_scan(scanner.pattern, text), (scanner.pattern.pattern[:60], text)


def test_scanner_built_after_a_text_was_indexed_still_finds_its_words() -> None:
    # Indexes group only the words some scanner asked for; a scanner built later must not miss its own words.
    text = "Quokkas were seen near Perth. A quokka photobomb went viral, and quokka selfies followed."
    before = Scanner(compile_phrases(["went viral"]), frozenset({"went"}))
    assert [m.group() for m in before.finditer(text)] == ["went viral"]
    later = Scanner(compile_phrases(["quokka photobomb", "quokka selfies"]), frozenset({"quokka"}))
    assert [m.group() for m in later.finditer(text)] == ["quokka photobomb", "quokka selfies"]


_WORDY_PARTS = st.sampled_from(["Kyiv", "kyiv", "’s", "'s", "don't", "rock'n'roll", "O’Neil", "'", "’", "''",
                                "é", "Müller", " ", "\n", "-", ".", "2024", "A", "x", "IT'S", "s'", "'t"])


@settings(max_examples=400, deadline=None)
@given(st.lists(_WORDY_PARTS, max_size=30))
def test_word_index_read_off_the_phrase_tokens_equals_a_direct_split(parts: list[str]) -> None:
    from itertools import accumulate

    from reliability.signals._phrases import folded_tokens
    from reliability.signals._text import _words_of_tokens

    text = "".join(parts)
    pieces = re.split(r"([A-Za-z]+)", text.lower())
    expected = (pieces[1::2], list(accumulate(map(len, pieces)))[0:-1:2])
    assert _words_of_tokens(folded_tokens(text)) == expected, text


_TOKEN_TEXT = st.lists(
    st.one_of(st.sampled_from(list("abcXYZ'’ -.,\n5éÉİıſ’")), st.sampled_from(["rock'n'roll", "a'b'c'd", "Kyiv's", "27th", "don't"])),
    max_size=40,
).map("".join)


@settings(max_examples=500, deadline=None)
@given(_TOKEN_TEXT)
def test_the_numpy_word_split_finds_the_phrase_tables_words(text: str) -> None:
    """folded_tokens finds words with numpy on character codes; they must be WORD_SPLIT's (the build script's
    tokenisation) words, at the same offsets, or the phrase table would be read with other words than it was built on."""
    from reliability.signals._phrases import WORD_SPLIT, _fold, folded_tokens

    tokens = folded_tokens(text)
    folded = _fold(text)
    expected = [(m.group(), m.start(), m.end()) for m in WORD_SPLIT.finditer(folded)]
    got = [(w, int(tokens.bounds[2 * i]), int(tokens.bounds[2 * i + 1])) for i, w in enumerate(tokens.words)]
    assert got == expected
