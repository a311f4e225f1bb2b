"""LiteralGate (reliability/signals/_text.py): a prefilter may only skip texts the regex cannot match."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from reliability.signals._text import LiteralGate, compile_phrases, lowered_for_gates

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
            patterns += [s.pattern for s in phrase_scanners(strings(lexicon, key)) if s.anywhere]
    for table in config.lexicon("page_junk").get("inline", {}).values():
        patterns += [s.pattern for s in phrase_scanners(strings(table, "cues")) if s.anywhere]
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
