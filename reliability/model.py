"""Immutable values passed between pipeline stages.

ingest -> :class:`Document`; signals -> :class:`Signal`; duplication -> :class:`Match`;
score -> :class:`ArticleResult`; the whole run -> :class:`BatchResult`.
JSON is made only at the edge (:mod:`reliability.report`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, Mapping

Triage = Literal["accept", "review", "reject"]
MatchKind = Literal["copy", "paraphrase", "quote"]
TRIAGE_ORDER: tuple[Triage, ...] = ("accept", "review", "reject")


@dataclass(frozen=True, slots=True)
class Metadata:
    """What we know about an article besides its text. Every field is optional."""

    title: str | None = None
    url: str | None = None
    outlet: str | None = None
    author: str | None = None
    published: str | None = None  # ISO 8601 date or datetime, as found
    path: str | None = None  # file it came from ("-" for stdin)
    # Raw clues read from the text: "byline", "source" (a "Source: x" credit), "copyright" holder, "dateline".
    clues: Mapping[str, str] = field(default_factory=dict)
    # Where each clue or field was found in the text: name -> (start, end). Lets signals cite the byline line.
    spans: Mapping[str, tuple[int, int]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Document:
    """One article. ``text`` is exactly what was ingested; every offset in the project indexes it."""

    id: str
    text: str
    meta: Metadata = field(default_factory=Metadata)

    @property
    def title(self) -> str | None:
        return self.meta.title


@dataclass(frozen=True, slots=True)
class Evidence:
    """A span of a document's text that caused a signal to move, with a note an editor can read."""

    start: int
    end: int
    text: str
    note: str

    @classmethod
    def of(cls, doc_text: str, start: int, end: int, note: str) -> "Evidence":
        return cls(start, end, doc_text[start:end], note)


@dataclass(frozen=True, slots=True)
class Signal:
    """A named judgement about one document: ``value`` in [0, 1], 0 = no problem, 1 = worst."""

    name: str
    value: float
    evidence: tuple[Evidence, ...] = ()
    summary: str = ""  # one sentence in an editor's words, e.g. "3 of 4 attributions are anonymous"
    details: Mapping[str, Any] = field(default_factory=dict)  # JSON-safe extra facts

    def __post_init__(self) -> None:
        if not 0.0 <= self.value <= 1.0:
            raise ValueError(f"signal {self.name!r} value {self.value} is outside [0, 1]; clamp it before building")


@dataclass(frozen=True, slots=True)
class Passage:
    """Two aligned character ranges, one in each document of a :class:`Match`."""

    a_start: int
    a_end: int
    b_start: int
    b_end: int
    kind: MatchKind
    similarity: float
    # A single reworded sentence two articles share (same claim, different words) rather than reused text.
    claim: bool = False


@dataclass(frozen=True, slots=True)
class Match:
    """Reuse between documents ``a`` and ``b`` (ids). ``a`` is the earlier one when known."""

    a: str
    b: str
    kind: MatchKind
    similarity: float
    passages: tuple[Passage, ...]
    earlier: str | None = None  # id of the document that came first, None if unknown
    credited: bool | None = None  # does the later one credit the earlier's outlet/agency?
    history: Mapping[str, Any] | None = None  # set when ``a`` is a stored article: outlet, first_seen


@dataclass(frozen=True, slots=True)
class Repetition:
    """Text repeated inside one document (a headline twice, boilerplate)."""

    doc: str
    first: tuple[int, int]
    second: tuple[int, int]
    similarity: float


@dataclass(frozen=True, slots=True)
class Skipped:
    path: str
    reason: str


@dataclass(frozen=True, slots=True)
class Contribution:
    """Points a signal took off the score: ``points = weight * value``."""

    signal: str
    points: float


@dataclass(frozen=True, slots=True)
class ArticleResult:
    document: Document
    signals: tuple[Signal, ...]
    score: float  # 0-100, higher = more reliable
    triage: Triage
    contributions: tuple[Contribution, ...]  # largest first
    explanation: str
    rank: int = 0  # 1 = most reliable; set once the batch is ranked

    def signal(self, name: str) -> Signal | None:
        return next((s for s in self.signals if s.name == name), None)


@dataclass(frozen=True, slots=True)
class DuplicationResult:
    """Everything the duplication stage found for a batch."""

    matches: tuple[Match, ...] = ()
    repetitions: tuple[Repetition, ...] = ()
    clusters: tuple[tuple[str, ...], ...] = ()
    signals: Mapping[str, Signal] = field(default_factory=dict)  # doc id -> the ``duplication`` signal


@dataclass(frozen=True, slots=True)
class BatchResult:
    articles: tuple[ArticleResult, ...]  # ranked, best first
    duplication: DuplicationResult = field(default_factory=DuplicationResult)
    skipped: tuple[Skipped, ...] = ()
    config_name: str = "default"
    # The triage thresholds the batch was scored with ({"accept": 70.0, "review": 45.0}); empty if not recorded.
    thresholds: Mapping[str, float] = field(default_factory=dict)
