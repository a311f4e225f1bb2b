"""The whole run: ingest -> signals -> duplication -> score -> rank.

>>> from reliability import load_config, score_paths
>>> result = score_paths(["seeds/"], load_config())      # doctest: +SKIP
>>> [(a.rank, a.document.id, a.score) for a in result.articles]   # doctest: +SKIP
"""

from __future__ import annotations

import logging
from typing import Callable, Iterable, Sequence

from .config import Config
from .duplication import find_duplicates
from .ingest import ingest
from .model import BatchResult, Document, Signal, Skipped
from .score import rank, score_article
from .signals import SignalContext, compute_all

log = logging.getLogger(__name__)

Progress = Callable[[int], None]


def score_documents(
    docs: Sequence[Document],
    config: Config,
    *,
    skipped: Sequence[Skipped] = (),
    history: object | None = None,
    progress: Progress | None = None,
) -> BatchResult:
    """Score documents already in memory. ``history`` is a :class:`reliability.store.History` or None."""
    ctx = SignalContext(config)
    per_doc: list[list[Signal]] = []
    for doc in docs:
        per_doc.append(compute_all(doc, ctx))
        if progress:
            progress(1)
    dup = find_duplicates(docs, config, history=history)
    results = []
    for doc, signals in zip(docs, per_doc):
        dup_signal = dup.signals.get(doc.id)
        if dup_signal is not None:
            signals = [*signals, dup_signal]
        results.append(score_article(doc, signals, config))
    return BatchResult(articles=rank(results), duplication=dup, skipped=tuple(skipped), config_name=config.source)


def score_paths(
    paths: Iterable[str],
    config: Config,
    *,
    history: object | None = None,
    progress: Progress | None = None,
) -> BatchResult:
    """Ingest files, folders or ``-`` (JSONL on stdin) and score what could be read."""
    docs, skipped = ingest(paths, config)
    return score_documents(docs, config, skipped=skipped, history=history, progress=progress)
