"""Per-document sourcing signals. One module per signal; each exposes ``NAME`` and ``compute(doc, ctx) -> Signal``.

Add a signal: write ``reliability/signals/<module>.py`` with ``NAME`` and ``compute``, list it in ``_MODULES``,
give it a weight in ``config/default.toml`` ``[weights]`` and its cues in ``config/lexicons/<NAME>.toml``.
The ``duplication`` signal is batch-level and comes from :mod:`reliability.duplication`.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Any, Callable, Protocol, Sequence, TypeVar

from ..config import Config
from ..model import Document, Signal

T = TypeVar("T")

_MODULES: tuple[str, ...] = (
    "anonymous",
    "garbled",
    "junk",
    "sensational",
    "self_praise",
    "transliteration",
    "byline",
    "dateline",
    "headline",
)


class SignalModule(Protocol):
    NAME: str

    def compute(self, doc: Document, ctx: "SignalContext") -> Signal: ...


@dataclass
class SignalContext:
    """What a signal may use besides the document: the config and shared, lazily built resources."""

    config: Config
    _cache: dict[str, Any] = field(default_factory=dict)

    def resource(self, key: str, factory: Callable[[], T]) -> T:
        """Build a shared resource (a compiled lexicon, the outlet registry) once per run."""
        if key not in self._cache:
            self._cache[key] = factory()
        return self._cache[key]  # type: ignore[no-any-return]


def modules() -> list[SignalModule]:
    return [importlib.import_module(f"{__name__}.{m}") for m in _MODULES]  # type: ignore[misc]


def signal_names() -> list[str]:
    return [m.NAME for m in modules()]


def compute_all(doc: Document, ctx: SignalContext, only: Sequence[str] | None = None) -> list[Signal]:
    return [m.compute(doc, ctx) for m in modules() if only is None or m.NAME in only]
