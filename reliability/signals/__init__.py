"""Per-document sourcing signals. One module per signal; each exposes ``NAME`` and ``compute(doc, ctx) -> Signal``.

Add a signal: write ``reliability/signals/<module>.py`` with ``NAME`` and ``compute``, list it in ``_MODULES``,
give it a weight in ``config/default.toml`` ``[weights]`` and its cues in ``config/lexicons/<NAME>.toml``.
The ``duplication`` signal is batch-level and comes from :mod:`reliability.duplication`.
"""

from __future__ import annotations

import importlib
import logging
from functools import lru_cache
from dataclasses import dataclass, field
from typing import Any, Callable, Protocol, Sequence, TypeVar

from ..config import Config, ConfigError
from ..model import Document, Signal

T = TypeVar("T")
log = logging.getLogger(__name__)

_MODULES: tuple[str, ...] = (
    "anonymous",
    "thin",
    "garbled",
    "junk",
    "sensational",
    "loaded",
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


@lru_cache(maxsize=1)
def modules() -> tuple[SignalModule, ...]:
    """The signal modules in ``_MODULES`` order (imported once: compute_all runs per document)."""
    return tuple(importlib.import_module(f"{__name__}.{m}") for m in _MODULES)  # type: ignore[misc]


def signal_names() -> list[str]:
    return [m.NAME for m in modules()]


def compute_all(doc: Document, ctx: SignalContext, only: Sequence[str] | None = None) -> list[Signal]:
    """Every signal of ``doc``. A signal that crashes on this one document is reported as not computed (see
    :func:`failed`) so the rest of the batch is still scored; a configuration error still stops the run."""
    return [_compute_one(m, doc, ctx) for m in modules() if only is None or m.NAME in only]


def _compute_one(module: SignalModule, doc: Document, ctx: SignalContext) -> Signal:
    try:
        return module.compute(doc, ctx)
    except ConfigError:
        raise
    except Exception as exc:  # one hostile article must not take the batch down with it
        reason = f"{type(exc).__name__}: {str(exc)[:160]}"
        log.error("%s: signal %s failed (%s); the article is sent to review", doc.meta.path or doc.id, module.NAME, reason)
        return failed(module.NAME, reason)


def failed(name: str, reason: str) -> Signal:
    """The stand-in for a signal that could not be computed: no points, flagged so triage cannot accept."""
    return Signal(name, 0.0, (), f"{name.replace('_', ' ')} could not be computed (internal error; please report it)",
                  {"error": reason})
