"""Garbage-collector settings for the big batch stages (ingest, signals, duplication, scoring, rendering).

A batch allocates millions of small containers that live until the report is written (documents, signals,
evidence, report dicts) and almost no reference cycles. With CPython's default thresholds the collector keeps
re-scanning those survivors: about 8% of the CPU of a 10k-article run. Fewer young-generation passes find the same
(rare) cycles a little later, so results cannot change; the settings are restored on the way out.

>>> with fewer_collections():       # doctest: +SKIP
...     batch = score_documents(docs, config)
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Iterator

# A young-generation pass every 50,000 net allocations instead of 700; full passes only after 20 * 100 of them
# (and, as always, only once the long-lived objects grew by a quarter). Measured on the 10k benchmark corpus.
BATCH_THRESHOLDS = (50_000, 20, 100)


@contextmanager
def fewer_collections() -> Iterator[None]:
    """Run the block with :data:`BATCH_THRESHOLDS`, unless a caller already raised them further (or disabled
    collection); nested uses are free."""
    before = gc.get_threshold()
    if before[0] == 0 or before[0] >= BATCH_THRESHOLDS[0]:
        yield
        return
    gc.set_threshold(*BATCH_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*before)


@contextmanager
def frozen_for_fork() -> Iterator[None]:
    """Move every object alive now out of the collector's reach while forked workers run.

    The workers inherit the documents and the warm signal resources; a collector pass in a worker would walk them
    all and, by writing to their headers, copy their memory pages. Frozen, they are skipped in the parent too
    (they live through the run anyway) until the block ends. A caller who froze objects already keeps its own
    freeze as it is: nothing is done then, as unfreezing at the end would thaw the caller's objects too.
    """
    if gc.get_freeze_count():
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
