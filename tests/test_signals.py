"""Every registered signal, on any text: a value in [0, 1], evidence that slices the text exactly, JSON-safe details."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reliability.ingest import from_text
from reliability.signals import SignalContext, modules

ANY_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=600)


@pytest.fixture(scope="module")
def ctx(config) -> SignalContext:
    return SignalContext(config)  # one context: the outlet registry and lexicons are built once, as in a run


@pytest.mark.parametrize("module", modules(), ids=lambda m: m.NAME)
def test_any_text_gives_a_valid_signal_with_true_spans(module, ctx):
    @settings(max_examples=60, deadline=None)
    @given(ANY_TEXT)
    def check(text: str) -> None:
        if not text.strip():
            return
        doc = from_text(text, "fuzz")
        signal = module.compute(doc, ctx)
        assert signal.name == module.NAME
        assert 0.0 <= signal.value <= 1.0
        json.dumps(signal.details)
        for ev in signal.evidence:
            assert doc.text[ev.start : ev.end] == ev.text

    check()
