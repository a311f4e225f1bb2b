"""Parameters of the duplication stage, read once from the ``[duplication]`` table of the config."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

from ..config import Config

# Wire agencies whose copy is relayed with a credit line; a later article naming one of them credits the relay.
DEFAULT_AGENCIES = (
    "Reuters", "Associated Press", "AP", "AFP", "Agence France-Presse", "France Presse", "TASS", "RIA Novosti",
    "Interfax", "Ukrinform", "UNIAN", "dpa", "EFE", "ANSA", "Xinhua", "Anadolu", "Bloomberg", "PTI", "Kyodo",
    "Yonhap", "PAP", "ANI",
)


@dataclass(frozen=True, slots=True)
class DuplicationParams:
    """Every field mirrors a key of ``[duplication]`` (documented in config/default.toml)."""

    threshold: float = 0.5
    min_band_hits: int = 3
    window_shingles: int = 50
    passage_paraphrase_threshold: float = 0.2
    passage_paraphrase_min_band_hits: int = 3
    paraphrase_window_words: int = 30
    lsh_recall: float = 0.9
    exhaustive_below: int = 20
    paraphrase_stopwords: int = 150
    paraphrase_language: str = "en"
    max_bucket: int = 50
    max_pairs_per_doc: int = 200
    story_min_shared: int = 0
    story_min_containment: float = 0.25
    story_max_zipf: float = 3.5
    quote_share: float = 0.6
    history_copy_jaccard: float = 0.5
    align_cache: int = 4096
    jobs: int = 1
    credited_weight: float = 0.4
    unknown_order_weight: float = 0.6
    unknown_credit_weight: float = 0.8
    claim_weight: float = 0.25
    max_evidence: int = 12
    repetition_min_words: int = 5
    repetition_min_chars: int = 20
    repetition_min_overlap: float = 0.8
    agencies: tuple[str, ...] = DEFAULT_AGENCIES

    def __post_init__(self) -> None:
        for name in ("threshold", "passage_paraphrase_threshold", "lsh_recall", "quote_share",
                     "repetition_min_overlap", "story_min_containment"):
            value = getattr(self, name)
            if not 0.0 < value <= 1.0:
                raise ValueError(f"duplication.{name} must be in (0, 1], got {value!r}")
        for name in ("credited_weight", "unknown_order_weight", "unknown_credit_weight", "claim_weight"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"duplication.{name} must be in [0, 1], got {value!r}")
        for name in ("window_shingles", "paraphrase_window_words", "max_bucket", "repetition_min_words"):
            if getattr(self, name) < 2:
                raise ValueError(f"duplication.{name} must be >= 2, got {getattr(self, name)!r}")

    @classmethod
    def from_config(cls, config: Config) -> "DuplicationParams":
        section = config.section("duplication")
        values: dict[str, Any] = {}
        for f in fields(cls):
            if f.name not in section:
                continue
            raw = section[f.name]
            values[f.name] = tuple(raw) if f.name == "agencies" else type(getattr(cls(), f.name))(raw)
        return cls(**values)
