"""Copy and paraphrase detection: MinHash LSH candidates, passage alignment, provenance, clusters.

Entry point: :func:`find_duplicates`.
"""

from __future__ import annotations

from typing import Sequence

from ..config import Config
from ..model import Document, DuplicationResult, Signal

NAME = "duplication"


def find_duplicates(docs: Sequence[Document], config: Config, history: object | None = None) -> DuplicationResult:
    """First version: finds nothing. Replaced by the duplication work (issue 3)."""
    return DuplicationResult(signals={d.id: Signal(NAME, 0.0, (), "not yet computed") for d in docs})
