"""What the duplication stage needs from the history store (implemented by :mod:`reliability.store`).

Defined here as a :class:`typing.Protocol` so the duplication engine never imports the store, and tests can pass a
small in-memory fake.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, Sequence, runtime_checkable

import numpy as np

from .minhash import SignatureScheme


@dataclass(frozen=True, slots=True)
class StoredArticle:
    """An article seen in an earlier run. ``text`` is None when the store keeps only signatures."""

    id: str
    text: str | None = None
    outlet: str | None = None
    published: str | None = None  # ISO 8601 as found in the article's metadata
    first_seen: str | None = None  # ISO 8601 time the store first recorded it
    url: str | None = None
    signature: np.ndarray | None = None  # document signature (num_perm uint32), when text is not kept
    text_chars: int | None = None  # length of the whole original text (``text`` may be a prefix of it)


@runtime_checkable
class History(Protocol):
    """Articles from earlier runs, looked up by document signature and by passage windows.

    ``candidates`` receives the document signatures of the batch, one row per document, computed with
    :func:`reliability.duplication.minhash.text_signatures` under ``scheme``, and optionally each document's word
    shingle hashes (:func:`reliability.duplication.minhash.combine` of its token hashes), from which a store can find
    articles of which only a few paragraphs were reused. It returns for each row the ids of the stored articles worth
    aligning, most similar first. The store must refuse to open when its recorded scheme differs from the configured
    one, so signatures of different schemes are never compared.
    """

    scheme: SignatureScheme

    def candidates(self, signatures: np.ndarray, shingles: Sequence[np.ndarray] | None = None) -> list[list[str]]: ...

    def fetch(self, ids: Sequence[str]) -> list[StoredArticle]: ...
