"""sensational_framing, self_praise and mixed_transliteration: editorial tells, each with its span."""

from __future__ import annotations

import re
from pathlib import Path
from types import ModuleType

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reliability import load_config
from reliability.model import Document, Signal
from reliability.signals import SignalContext, self_praise, sensational, signal_names, transliteration

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "articles"
CLEAN = sorted(p.name for p in FIXTURES.glob("clean_*.txt"))
CTX = SignalContext(load_config())


def run(module: ModuleType, text: str) -> Signal:
    signal = module.compute(Document("t", text), CTX)
    for ev in signal.evidence:
        assert text[ev.start : ev.end] == ev.text and ev.note
    return signal


def seed(prefix: str) -> str:
    return next((ROOT / "seeds").glob(f"{prefix}_*.txt")).read_text(encoding="utf-8")


def fixture(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def test_the_signals_are_registered():
    names = signal_names()
    for name in ("sensational_framing", "self_praise", "mixed_transliteration", "anonymous_framing", "garbled_text", "page_junk"):
        assert name in names


# sensational_framing


def test_seed_000_sent_shockwaves():
    signal = run(sensational, seed("000"))
    assert [e.text for e in signal.evidence] == ["sent shockwaves"]
    assert 0.2 < signal.value < 0.6


def test_clickbait_page_with_shouting_and_exclamations():
    signal = run(sensational, fixture("farm_celebrity_junk.txt"))
    found = [e.text for e in signal.evidence]
    assert "BOMBSHELL" in found and "jaw-dropping" in found and "LOSING THEIR MINDS" in found
    assert "!!!" in found
    assert signal.value > 0.9


@pytest.mark.parametrize("name", CLEAN)
def test_clean_wire_copy_is_not_sensational(name):
    # Datelines in capitals ("FRANKFURT —", "PORTLAND, Ore.") are not shouting.
    assert run(sensational, fixture(name)).value == 0.0


def test_a_single_quoted_exclamation_is_not_excess():
    text = "“Stop!” the officer shouted, according to the court filing. The judge set a hearing for May 2."
    assert run(sensational, text).value == 0.0


# self_praise


def test_seed_003_outlet_praises_its_own_coverage():
    signal = run(self_praise, seed("003"))
    assert [e.text for e in signal.evidence] == ["delivering accurate, ad-free coverage"]
    assert signal.value > 0.5


def test_trusted_source_slogan():
    signal = run(self_praise, fixture("farm_celebrity_junk.txt"))
    assert [e.text for e in signal.evidence] == ["your trusted source for"]


@pytest.mark.parametrize("name", CLEAN)
def test_clean_wire_copy_has_no_self_praise(name):
    assert run(self_praise, fixture(name)).value == 0.0


def test_reporting_on_someone_elses_claims_is_not_self_praise():
    text = "The ministry said it was providing accurate information to residents, a claim critics disputed."
    assert run(self_praise, text).value == 0.0


# mixed_transliteration


def test_seed_000_mixes_kiev_and_kyiv():
    signal = run(transliteration, seed("000"))
    assert signal.value > 0.5
    assert "Kiev" in [e.text for e in signal.evidence]
    assert "Kyiv ×3 / Kiev ×1" in signal.summary


@pytest.mark.parametrize("prefix", ["001", "002", "003", "004"])
def test_seeds_with_one_spelling_are_consistent(prefix):
    assert run(transliteration, seed(prefix)).value == 0.0


def test_consistent_modern_spellings_stay_quiet():
    assert run(transliteration, fixture("clean_wire_ukraine_aid.txt")).value == 0.0


def test_longer_variant_is_not_counted_as_the_shorter_one():
    text = "Zelenskyy met Zelenskyy’s advisers in Odesa. Later Zelensky spoke in Odessa."
    signal = run(transliteration, text)
    assert signal.details["mixed"] == ["Zelenskyy ×2 / Zelensky ×1", "Odesa ×1 / Odessa ×1"]
    assert signal.value > run(transliteration, "Zelenskyy met Zelensky.").value


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="!?1”\"’' a\n", max_size=30))
def test_exclamation_marks_found_as_by_the_plain_pattern(text: str) -> None:
    plain = re.compile(r"[!?]*![!?1]*(?![”\"’'])")
    assert [m.span() for m in sensational._EXCLAIM.finditer(text)] == [m.span() for m in plain.finditer(text)]
