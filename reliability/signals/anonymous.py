"""anonymous_framing — first version: always quiet. Replaced by the signals work (issue 4)."""

from __future__ import annotations

from ..model import Document, Signal

NAME = "anonymous_framing"


def compute(doc: Document, ctx: object) -> Signal:
    return Signal(NAME, 0.0, (), "not yet computed")
