"""reliability — is this news article copied, and how well is it sourced?

>>> from reliability import load_config, score_paths
>>> result = score_paths(["seeds/"], load_config())   # doctest: +SKIP
"""

from .config import Config, ConfigError, load_config
from .model import ArticleResult, BatchResult, Document, Evidence, Match, Metadata, Passage, Signal, Skipped
from .pipeline import score_documents, score_paths

__all__ = [
    "ArticleResult", "BatchResult", "Config", "ConfigError", "Document", "Evidence", "Match", "Metadata",
    "Passage", "Signal", "Skipped", "load_config", "score_documents", "score_paths",
]
__version__ = "0.1.0"
