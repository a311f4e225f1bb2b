"""PAN text-alignment evaluation: run the project's aligner on (suspicious, source) pairs, write PAN XML.

Uses exactly the :func:`reliability.duplication.align.align_prepared` and ``[duplication.align]`` parameters that
scoring uses, so the PAN figure measures what editors get. Score the output with the PAN ``plagdet`` scorer::

    >>> from reliability.pan import run
    >>> run(Path("pairs"), Path("src"), Path("susp"), Path("out"), load_config())
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import lru_cache
from multiprocessing import get_context
from pathlib import Path
from typing import Iterator
from xml.sax.saxutils import quoteattr

from .config import Config
from .duplication.align import AlignParams, Prepared, align_prepared, prepare
from .model import Passage

log = logging.getLogger(__name__)

# Pair files name plain file names; anything else (paths, "..") is refused rather than followed.
_SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


@dataclass(frozen=True)
class Pair:
    susp: str  # file name inside susp_dir
    src: str  # file name inside src_dir


@dataclass(frozen=True)
class _Job:
    src_dir: Path
    susp_dir: Path
    out_dir: Path
    params: AlignParams


def read_pairs(path: Path) -> list[Pair]:
    """Lines "suspicious-documentN.txt source-documentM.txt"; blank lines ignored."""
    pairs: list[Pair] = []
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        parts = line.split()
        if not parts:
            continue
        if len(parts) < 2 or not all(_SAFE_NAME.match(p) for p in parts[:2]):
            raise ValueError(f"{path}:{lineno}: expected two plain file names, got {line!r}")
        pairs.append(Pair(parts[0], parts[1]))
    return pairs


def detection_xml(pair: Pair, passages: list[Passage]) -> str:
    """One PAN detection file: the suspicious document is ``this``, the source is ``source``."""
    lines = [f"<document reference={quoteattr(pair.susp)}>"]
    for p in passages:
        lines.append(
            f'<feature name="detected-plagiarism" this_offset="{p.b_start}" this_length="{p.b_end - p.b_start}"'
            f" source_reference={quoteattr(pair.src)} source_offset=\"{p.a_start}\""
            f' source_length="{p.a_end - p.a_start}"/>'
        )
    lines.append("</document>")
    return "\n".join(lines) + "\n"


def output_name(pair: Pair) -> str:
    return f"{Path(pair.susp).stem}-{Path(pair.src).stem}.xml"


_JOB: _Job | None = None


def _init_worker(job: _Job) -> None:
    global _JOB
    _JOB = job
    _prepared.cache_clear()


@lru_cache(maxsize=64)
def _prepared(path: Path) -> Prepared:
    # PAN offsets count characters of the UTF-8 decoded file, so read exactly that (no newline translation).
    assert _JOB is not None
    with path.open(encoding="utf-8", newline="") as fh:
        return prepare(fh.read(), _JOB.params)


def _align_pair(pair: Pair) -> int:
    assert _JOB is not None
    passages = align_prepared(_prepared(_JOB.src_dir / pair.src), _prepared(_JOB.susp_dir / pair.susp), _JOB.params)
    (_JOB.out_dir / output_name(pair)).write_text(detection_xml(pair, passages), encoding="utf-8")
    return len(passages)


def _chunks(pairs: list[Pair], size: int) -> Iterator[list[Pair]]:
    for i in range(0, len(pairs), size):
        yield pairs[i : i + size]


def run(pairs: Path, src_dir: Path, susp_dir: Path, out_dir: Path, config: Config, jobs: int = 2) -> int:
    """Align every pair listed in ``pairs`` and write one PAN XML each into ``out_dir``; returns detections written."""
    todo = read_pairs(pairs)
    out_dir.mkdir(parents=True, exist_ok=True)
    job = _Job(src_dir, susp_dir, out_dir, AlignParams.from_config(config))
    # Sorting by suspicious document keeps the pairs sharing a document in one worker, so its cache hits.
    todo.sort(key=lambda p: (p.susp, p.src))
    if jobs <= 1:
        _init_worker(job)
        return sum(_align_pair(p) for p in todo)
    with get_context("fork").Pool(jobs, initializer=_init_worker, initargs=(job,)) as pool:
        return sum(pool.imap(_align_pair, todo, chunksize=16))
