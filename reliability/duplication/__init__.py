"""Copy and paraphrase detection: MinHash LSH candidates, passage alignment, provenance, clusters.

Entry point: :func:`find_duplicates`. The steps, one module each:

- :mod:`.minhash` — word-shingle hashes and datasketch-compatible signatures, vectorised;
- :mod:`.candidates` — LSH over document and passage-window signatures (word shingles and content stems);
- :mod:`.align` — passage alignment of each candidate pair (character offsets in both texts);
- :mod:`.quotes` — quotations shared by both texts are labelled ``quote`` and never count as reuse;
- :mod:`.provenance` — which article came first, and whether the later one credits the earlier;
- :mod:`.repetition` — text repeated inside one article;
- :mod:`.clusters` — groups of articles connected by reuse;
- :mod:`.signal` — the ``duplication`` signal of every document;
- :mod:`.history` — the protocol of the history store (articles from earlier runs).
"""

from __future__ import annotations

import logging
import multiprocessing
from collections import OrderedDict, defaultdict
from dataclasses import dataclass
from typing import Callable, Iterable, Sequence, TypeVar

import numpy as np

from ..config import Config
from ..model import Document, DuplicationResult, Match, Metadata, Passage, Repetition
from .align import AlignParams, Prepared, align_prepared, prepare
from .candidates import (
    ContentHasher, DocumentHashes, RareTermHasher, candidate_pairs, hashes_of_word_values, sign_batch,
)
from .claims import ClaimParams, ClaimPreparer, claim_passages_prepared
from .clusters import clusters
from .history import History, StoredArticle
from .minhash import HasherTable, SignatureScheme, TokenHasher, jaccard, tokens
from .params import DuplicationParams
from .provenance import Origin, credited, earlier_of, names_for_note
from .quotes import QuoteMask
from .repetition import find_repetitions
from .signal import NAME, duplication_signal

__all__ = [
    "NAME", "find_duplicates", "History", "StoredArticle", "SignatureScheme", "DuplicationParams",
    "DocumentWork", "DocumentPreparer", "align_chunk", "ChunkMap",
]

log = logging.getLogger(__name__)
_T = TypeVar("_T")

# Maps alignment over chunks of candidate pairs, in chunk order: how a caller lends its worker processes.
ChunkMap = Callable[[list[list[list[int]]]], Iterable[list[Match]]]


@dataclass(frozen=True, slots=True)
class DocumentWork:
    """The per-document part of :func:`find_duplicates`; any process can compute it (see :class:`DocumentPreparer`)."""

    hashes: DocumentHashes
    repetitions: tuple[Repetition, ...]


class DocumentPreparer:
    """Computes :class:`DocumentWork`; keep one per process so its token hash caches stay warm."""

    def __init__(self, config: Config) -> None:
        self.params = DuplicationParams.from_config(config)
        self.scheme = SignatureScheme.from_config(config)
        self.hasher = TokenHasher()
        self.content_hasher = ContentHasher(self.params.paraphrase_language, self.params.paraphrase_stopwords)
        on = self.params.story_min_shared > 0  # rare terms cost a wordfreq lookup per new word: only when used
        self.rare_hasher = RareTermHasher(self.params.paraphrase_language, self.params.story_max_zipf) if on else None
        # All of a word's values in one lookup; ``hasher`` stays for the repetition finder's own tokens.
        self.table = HasherTable(self.hasher, self.content_hasher, *([self.rare_hasher] if on else []))

    def __call__(self, doc: Document) -> DocumentWork:
        words = tokens(doc.text)
        values = self.table(words)
        token_hashes = values[0]
        hashes = hashes_of_word_values(token_hashes, values[1], values[2] if len(values) > 2 else None, self.scheme)
        p = self.params
        reps = find_repetitions(
            doc.id, doc.text, hashes.shingles, min_words=p.repetition_min_words,
            min_overlap=p.repetition_min_overlap, min_chars=p.repetition_min_chars, hasher=self.hasher,
            tokens=(words, token_hashes),
        )
        return DocumentWork(hashes, tuple(reps))


class _Texts:
    """Per-text work shared by all pairs a text takes part in: aligner preparation and quote masks (bounded LRU)."""

    def __init__(self, align_params: AlignParams, size: int) -> None:
        self._params = align_params
        self._size = size
        self._prepared: OrderedDict[str, Prepared] = OrderedDict()
        self._quotes: OrderedDict[str, QuoteMask] = OrderedDict()

    def prepared(self, key: str, text: str) -> Prepared:
        return self._get(self._prepared, key, lambda: prepare(text, self._params))

    def quotes(self, key: str, text: str) -> QuoteMask:
        return self._get(self._quotes, key, lambda: QuoteMask(text))

    def _get(self, cache: OrderedDict[str, _T], key: str, make: Callable[[], _T]) -> _T:
        if key in cache:
            cache.move_to_end(key)
            return cache[key]
        value = cache[key] = make()
        if len(cache) > self._size:
            cache.popitem(last=False)
        return value


class _Engine:
    """One batch's state: parameters, caches, and the documents as origins."""

    def __init__(self, docs: Sequence[Document], config: Config) -> None:
        self.docs = docs
        self.params = DuplicationParams.from_config(config)
        self.scheme = SignatureScheme.from_config(config)
        self.align_params = AlignParams.from_config(config)
        self.claim_params = ClaimParams.from_config(config)
        self.claims = ClaimPreparer(self.claim_params, self.params.align_cache)  # per batch: freed with the engine
        self.texts = _Texts(self.align_params, self.params.align_cache)
        self.origins = [Origin.of(d) for d in docs]
        self.labels: dict[str, str] = {o.id: names_for_note(o) for o in self.origins}

    def compare(self, x: Origin, y: Origin) -> Match | None:
        """Align two articles (earlier first when known) and turn the passages into a Match."""
        earlier = earlier_of(x, y)
        src, dst = (y, x) if earlier == y.id else (x, y)
        passages = self._align(src, dst, blank_quotes=False)
        if not passages:
            # No reused passage: the pair may still share a reworded claim (one sentence), see .claims.
            passages = self._claims(src, dst)
        if not passages:
            return None
        passages = self._separate_quotes(passages, src, dst)
        kind, similarity = _kind_and_similarity(passages)
        credit = credited(src, dst.text or "", self.params.agencies) if earlier is not None and kind != "quote" else None
        return Match(src.id, dst.id, kind, similarity, tuple(passages), earlier, credit)

    def _claims(self, src: Origin, dst: Origin) -> list[Passage]:
        if not self.claim_params.enabled:
            return []
        return claim_passages_prepared(self.claims(src.text or ""), self.claims(dst.text or ""), self.claim_params)

    def _align(self, src: Origin, dst: Origin, *, blank_quotes: bool) -> list[Passage]:
        pa, pb = (self._prepared(o, blank_quotes) for o in (src, dst))
        return align_prepared(pa, pb, self.align_params)

    def _prepared(self, o: Origin, blank_quotes: bool) -> Prepared:
        text = o.text or ""
        if blank_quotes:
            return self.texts.prepared(o.id + "\x00unquoted", self.texts.quotes(o.id, text).blanked(text))
        return self.texts.prepared(o.id, text)

    def _separate_quotes(self, passages: list[Passage], src: Origin, dst: Origin) -> list[Passage]:
        """Label as ``quote`` what two articles share only inside quotation marks.

        The aligner extends a shared quotation over the neighbouring sentences, so a passage can be mostly
        narrative around a quote. When passages touch quotations in both texts, the pair is aligned again with
        every quotation blanked out: what is still found is reuse; the rest was the shared quote.
        """
        qa = self.texts.quotes(src.id, src.text or "")
        qb = self.texts.quotes(dst.id, dst.text or "")
        touches = [qa.quoted_chars(p.a_start, p.a_end) > 0 and qb.quoted_chars(p.b_start, p.b_end) > 0 for p in passages]
        if not any(touches):
            return passages
        unquoted = self._align(src, dst, blank_quotes=True)
        out = [p for p, t in zip(passages, touches) if not t]
        for p in (p for p, t in zip(passages, touches) if t):
            inside = qa.share(p.a_start, p.a_end) >= self.params.quote_share and qb.share(p.b_start, p.b_end) >= self.params.quote_share
            if inside or not any(_overlaps(p, u) for u in unquoted):
                out.append(Passage(p.a_start, p.a_end, p.b_start, p.b_end, "quote", p.similarity, p.claim))
        out += [u for u in unquoted if not any(_overlaps(u, o) and o.kind != "quote" for o in out)]
        return sorted(out, key=lambda p: (p.b_start, p.a_start))


def _overlaps(p: Passage, q: Passage) -> bool:
    return p.b_start < q.b_end and q.b_start < p.b_end and p.a_start < q.a_end and q.a_start < p.a_end


def _kind_and_similarity(passages: Sequence[Passage]) -> tuple[str, float]:
    """Kind by most reused characters (quotes only if nothing else); similarity length-weighted."""
    reuse = [p for p in passages if p.kind != "quote"] or list(passages)
    chars: dict[str, int] = defaultdict(int)
    for p in reuse:
        chars[p.kind] += p.b_end - p.b_start
    kind = max(chars, key=lambda k: (chars[k], k == "paraphrase"))
    total = sum(p.b_end - p.b_start for p in reuse) or 1
    similarity = sum(p.similarity * (p.b_end - p.b_start) for p in reuse) / total
    return kind, round(float(similarity), 4)


def find_duplicates(
    docs: Sequence[Document],
    config: Config,
    history: History | None = None,
    *,
    work: Sequence[DocumentWork] | None = None,
    align_map: ChunkMap | None = None,
) -> DuplicationResult:
    """Matches, repetitions, clusters and a ``duplication`` signal for every document of the batch.

    ``history`` (see :class:`.history.History`) adds matches against articles from earlier runs. A caller with
    worker processes passes ``work`` (one :class:`DocumentWork` per document, in order) computed there, and
    ``align_map`` to align candidate pairs there (see :func:`align_chunk`); the result is the same either way.
    """
    engine = _Engine(docs, config)
    if history is not None and history.scheme != engine.scheme:
        raise ValueError(
            f"history store signatures use {history.scheme.as_dict()} but the configuration asks for "
            f"{engine.scheme.as_dict()}; use the store's [duplication] settings or start a new store"
        )
    if work is None:
        prepare_doc = DocumentPreparer(config)
        work = [prepare_doc(d) for d in docs]
    repetitions = [r for w in work for r in w.repetitions]
    sigs = sign_batch([w.hashes for w in work], engine.scheme, engine.params)
    del work  # the stem-pair hashes (~4 KB an article) are not needed after signing; 0.4 GB at 100k articles
    pairs = candidate_pairs(sigs, engine.scheme, engine.params)
    log.info("duplication: %d documents, %d candidate pairs", len(docs), len(pairs))
    # What the history lookup needs, so the band keys (~11 KB an article) are freed before alignment.
    query = (sigs.documents(engine.scheme), sigs.shingle_hashes) if history is not None else None
    del sigs
    matches = _align_pairs(engine, pairs, align_map)
    if history is not None and query is not None:
        min_share = float(config.section("history").get("min_containment", 0.15))
        matches += _history_matches(engine, *query, history, min_share)
    by_doc: dict[str, list[Match]] = defaultdict(list)
    for m in matches:
        by_doc[m.a].append(m)
        by_doc[m.b].append(m)
    signals = {
        d.id: duplication_signal(d, by_doc.get(d.id, ()), engine.labels, engine.params, engine.texts.quotes(d.id, d.text))
        if d.id in by_doc
        else duplication_signal(d, (), engine.labels, engine.params)
        for d in docs
    }
    return DuplicationResult(tuple(matches), tuple(repetitions), clusters(matches), signals)


# The engine of the batch being aligned, inherited by forked alignment workers (never pickled: it holds caches).
_WORKER_ENGINE: _Engine | None = None


def _align_pairs(engine: _Engine, pairs: np.ndarray, align_map: ChunkMap | None) -> list[Match]:
    """Align every candidate pair: through ``align_map``, or with ``jobs`` > 1 in forked worker processes of its own
    (alignment dominates the stage), or here."""
    if len(pairs) < _MIN_PARALLEL_PAIRS:
        return _compare_all(engine, pairs.tolist())
    if align_map is not None:
        return [m for part in align_map(_pair_chunks(pairs, _PAIR_CHUNKS)) for m in part]
    jobs = engine.params.jobs
    if jobs <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        return _compare_all(engine, pairs.tolist())
    global _WORKER_ENGINE
    _WORKER_ENGINE = engine
    try:
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            return [m for part in pool.map(_compare_chunk, _pair_chunks(pairs, jobs * 4)) for m in part]
    finally:
        _WORKER_ENGINE = None


# Fewer pairs are aligned here: handing them to other processes would cost more than it saves.
_MIN_PARALLEL_PAIRS = 64
# Chunks handed to align_map: enough to balance two to a few dozen workers, few enough to keep caches warm.
_PAIR_CHUNKS = 64


def _pair_chunks(pairs: np.ndarray, n: int) -> list[list[list[int]]]:
    # Contiguous chunks keep each worker's preparation cache warm (pairs are sorted by first document).
    return [c.tolist() for c in np.array_split(pairs, min(n, len(pairs))) if len(c)]


# A worker's engine for align_chunk, built once per batch (its caches serve every chunk the worker gets).
_CHUNK_ENGINE: tuple[Sequence[Document], Config, _Engine] | None = None


def align_chunk(docs: Sequence[Document], config: Config, chunk: list[list[int]]) -> list[Match]:
    """Matches of the candidate pairs ``chunk`` (document indices into ``docs``), in order; for worker processes
    that hold the batch (forked) and serve the ``align_map`` of :func:`find_duplicates`."""
    global _CHUNK_ENGINE
    if _CHUNK_ENGINE is None or _CHUNK_ENGINE[0] is not docs or _CHUNK_ENGINE[1] is not config:
        _CHUNK_ENGINE = (docs, config, _Engine(docs, config))
    return _compare_all(_CHUNK_ENGINE[2], chunk)


def _compare_chunk(chunk: list[list[int]]) -> list[Match]:
    assert _WORKER_ENGINE is not None
    return _compare_all(_WORKER_ENGINE, chunk)


def _compare_all(engine: _Engine, todo: list[list[int]]) -> list[Match]:
    return [m for i, j in todo if (m := engine.compare(engine.origins[i], engine.origins[j]))]


def _history_matches(
    engine: _Engine, documents: np.ndarray, shingle_hashes: Sequence[np.ndarray], history: History, min_share: float
) -> list[Match]:
    """Matches against stored articles; ``documents`` are the batch's full-text signatures (see
    :meth:`BatchSignatures.documents`), ``shingle_hashes`` each document's word 3-gram hashes (window keys)."""
    rows = history.candidates(documents, shingle_hashes)
    batch_ids = {o.id for o in engine.origins}
    wanted = sorted({sid for row in rows for sid in row} - batch_ids)
    stored = {s.id: s for s in history.fetch(wanted)} if wanted else {}
    matches = []
    for i, row in enumerate(rows):
        doc = engine.origins[i]
        for sid in row:
            if sid in stored:
                m = _history_match(engine, stored[sid], doc, documents[i], len(shingle_hashes[i]), min_share)
                if m is not None:
                    matches.append(m)
    return matches


def _history_match(
    engine: _Engine, stored: StoredArticle, doc: Origin, doc_sig: np.ndarray, doc_shingles: int, min_share: float
) -> Match | None:
    meta = Metadata(outlet=stored.outlet, published=stored.published, url=stored.url)
    old = Origin(stored.id, stored.text, meta, stored.first_seen)
    engine.labels.setdefault(old.id, names_for_note(old))
    facts = {"id": stored.id, "outlet": stored.outlet, "first_seen": stored.first_seen}
    if stored.text:
        m = engine.compare(old, doc)
        if m is not None:
            # A stored article was seen before this run: without publication dates, it is the earlier one.
            earlier = m.earlier or old.id
            src_first = m.a == old.id
            if m.earlier is None and not src_first:
                m = _swap(m)
            credit = m.credited if m.earlier is not None else credited(old, doc.text or "", engine.params.agencies)
            return Match(m.a, m.b, m.kind, m.similarity, m.passages, earlier, credit if m.kind != "quote" else None, facts)
        # Only a prefix of the stored text is kept: the reused passage may lie beyond it. The signatures cover the
        # whole article, so they can still tell (below).
    if stored.signature is None:
        log.warning("history article %s has neither text nor signature; skipped", stored.id)
        return None
    similarity = round(jaccard(doc_sig, stored.signature), 4)
    share = _shared_share(similarity, doc_shingles, len(doc.text or ""), stored.text_chars)
    if similarity < engine.params.threshold and share < min_share:
        return None
    kind = "copy" if similarity >= engine.params.history_copy_jaccard or share >= 0.5 else "paraphrase"
    earlier = earlier_of(old, doc) or old.id
    first, second = (old, doc) if earlier == old.id else (doc, old)
    credit = credited(first, second.text or "", engine.params.agencies) if first is old else None
    facts |= {"level": "document", "estimated_shared": round(share, 2)}
    return Match(first.id, second.id, kind, similarity, (), earlier, credit, facts)


def _shared_share(jaccard_estimate: float, doc_shingles: int, doc_chars: int, stored_chars: int | None) -> float:
    """Estimated share of the shorter article's word 3-grams found in the other, from the Jaccard estimate.

    |A n B| = J (|A| + |B|) / (1 + J). The stored article's shingle count is estimated from its length in characters
    at the new document's characters per shingle (the store keeps lengths, not counts).
    """
    if doc_shingles <= 0:
        return 0.0
    stored_shingles = stored_chars * doc_shingles / max(doc_chars, 1) if stored_chars else doc_shingles
    shared = jaccard_estimate * (doc_shingles + stored_shingles) / (1 + jaccard_estimate)
    return min(1.0, shared / max(1.0, min(doc_shingles, stored_shingles)))


def _swap(m: Match) -> Match:
    flipped = tuple(Passage(p.b_start, p.b_end, p.a_start, p.a_end, p.kind, p.similarity, p.claim) for p in m.passages)
    return Match(m.b, m.a, m.kind, m.similarity, flipped, m.earlier, m.credited, m.history)
