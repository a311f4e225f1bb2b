"""Claim-level paraphrase: one reworded sentence shared by two news articles on the same story.

The passage aligner (:mod:`.align`) finds reused *passages*; a single claim rewritten by another outlet ("a no-fly
zone would require NATO to shoot down Russian jets" / "...would need alliance pilots to engage Russian aircraft")
shares too few words with its source for tf-isf cosine to tell it from two unrelated sentences on the same story.
This pass compares sentences with a weighting built for that case:

- a word counts by its *general-English rarity* (wordfreq Zipf): "require" says more than "said";
- and by how *specific* it is to one spot of the pair (inverse sentence frequency over the pair); a word in more
  than a few sentences of *both* articles is their topic, and a name (mostly capitalised) is the story's cast:
  neither counts, since any two articles on one story share them;
- words of one meaning are one term (``config/lexicons/claim_synonyms.toml``), after stemming.

A sentence pair is a claim when it shares several specific terms, two of them side by side in the same order in
both sentences (the claim's core phrase, e.g. "shoot down Russian aircraft" / "engage Russian aircraft"), enough
weight, and a fair share of both sentences' weight. It is reported as a ``paraphrase`` passage; the aligner never calls this, so PAN13 figures of
the aligner are unchanged.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Mapping, Sequence

import Stemmer
from wordfreq import zipf_frequency

from ..config import Config
from ..model import Passage

_WORD = re.compile(r"[^\W\d_]+")
# A sentence ends at . ! ? (plus closing quotes) followed by space and a capital, digit or opening quote; or a newline.
_BOUNDARY = re.compile(r"[.!?]+[\"'”’)]*\s+(?=[\"'“‘(A-Z0-9])|\n+")


@dataclass(frozen=True)
class ClaimParams:
    """Thresholds of the claim pass; ``[duplication.claims]`` in the config, synonyms from a lexicon."""

    enabled: bool = True
    language: str = "en"
    max_zipf: float = 5.5  # words more common than this (Zipf) are function words: "would", "said", "not"
    rare_zipf: float = 3.0  # words this rare or rarer weigh fully
    min_rarity: float = 0.2  # weight of the most common content words, relative to rare ones
    max_topic_sentences: int = 3  # a word in more sentences than this of *both* articles is their topic: ignored
    min_term_weight: float = 0.2  # a shared term counts as a specific element from this weight
    min_shared: int = 3  # specific terms a claim must share
    min_score: float = 0.8  # summed weight of the shared terms
    min_similarity: float = 0.2  # weighted Dice of the two sentences
    window: int = 5  # words within which two shared terms must stand, in the same order, in both sentences
    max_sentence_words: int = 80  # longer "sentences" are lists or unpunctuated text, not one claim
    synonyms: Mapping[str, str] = field(default_factory=dict)  # word -> canonical word of its group

    @classmethod
    def from_config(cls, config: Config) -> "ClaimParams":
        table: Mapping[str, Any] = config.section("duplication", "claims")
        known = {k: v for k, v in table.items() if k in cls.__dataclass_fields__ and k != "synonyms"}
        groups = config.lexicon("claim_synonyms").get("groups", [])
        synonyms = {w.lower(): g[0].lower() for g in groups if g for w in g}
        return cls(**known, synonyms=synonyms)


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    terms: frozenset[str]
    positions: Mapping[str, tuple[int, ...]]  # term -> word indices inside the sentence


@lru_cache(maxsize=4)
def _stemmer(language: str) -> Stemmer.Stemmer:
    return Stemmer.Stemmer({"en": "english"}.get(language, language))


@lru_cache(maxsize=200_000)
def _zipf(word: str, language: str) -> float:
    return zipf_frequency(word, language)


class _Terms:
    """Word -> canonical stem (synonyms folded) and its rarity weight; None for function words."""

    def __init__(self, params: ClaimParams) -> None:
        self._p = params
        self.max_topic_sentences = params.max_topic_sentences
        self._stem = _stemmer(params.language)
        self._syn = {self._stem.stemWord(w): self._stem.stemWord(c) for w, c in params.synonyms.items()}
        self.rarity: dict[str, float] = {}
        self._capital: dict[str, int] = defaultdict(int)
        self._inside: dict[str, int] = defaultdict(int)

    def is_name(self, term: str) -> bool:
        """Mostly capitalised inside sentences: a person, place or organisation, i.e. the story's cast, not a claim."""
        return self._inside[term] > 0 and self._capital[term] >= 0.6 * self._inside[term]

    def of_sentence(self, words: list[str]) -> dict[str, tuple[int, ...]]:
        found: dict[str, tuple[int, ...]] = {}
        for k, word in enumerate(words):
            t = self.term(word)
            if t is None:
                continue
            found[t] = found.get(t, ()) + (k,)
            if k:  # the first word of a sentence is capitalised whatever it is
                self._inside[t] += 1
                self._capital[t] += word[0].isupper()
        return found

    def term(self, word: str) -> str | None:
        w = word.lower()
        z = _zipf(w, self._p.language)
        if z > self._p.max_zipf or len(w) < 3:
            return None
        stem = self._stem.stemWord(w)
        term = self._syn.get(stem, stem)
        span = max(1e-6, self._p.max_zipf - self._p.rare_zipf)
        weight = min(1.0, max(self._p.min_rarity, (self._p.max_zipf - z) / span))
        # A folded group keeps the weight of its rarest member seen, so "jets" does not outweigh "aircraft".
        self.rarity[term] = max(self.rarity.get(term, 0.0), weight)
        return term


def sentences(text: str, terms: _Terms, max_words: int) -> list[Sentence]:
    """Sentences of ``text`` with their content terms; offsets index ``text``."""
    out: list[Sentence] = []
    start = 0
    for m in [*_BOUNDARY.finditer(text), None]:
        end = m.start() + len(m.group().rstrip()) if m else len(text)
        if m and m.group().startswith("\n"):
            end = m.start()
        chunk = text[start:end]
        words = _WORD.findall(chunk)
        if words and len(words) <= max_words:
            lead = len(chunk) - len(chunk.lstrip())
            positions = terms.of_sentence(words)
            out.append(Sentence(start + lead, end, frozenset(positions), positions))
        start = m.end() if m else len(text)
    return out


def _weights(a: Sequence[Sentence], b: Sequence[Sentence], terms: _Terms) -> dict[str, float]:
    """Rarity x inverse sentence frequency over the pair: topic words of both articles weigh little."""
    sf_a, sf_b = _sentence_counts(a), _sentence_counts(b)
    n = len(a) + len(b)
    scale = math.log(max(n, 3))
    weights = {}
    for t in sf_a.keys() | sf_b.keys():
        ca, cb = sf_a.get(t, 0), sf_b.get(t, 0)
        # A word both articles keep coming back to is what they are about, however rare in general English.
        topic = min(ca, cb) > terms.max_topic_sentences or terms.is_name(t)
        isf = max(0.0, math.log(n / (ca + cb))) / scale
        weights[t] = 0.0 if topic else terms.rarity[t] * isf
    return weights


def _sentence_counts(sents: Sequence[Sentence]) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for s in sents:
        for t in s.terms:
            counts[t] += 1
    return counts


@dataclass(frozen=True)
class _Scored:
    i: int
    j: int
    score: float
    similarity: float


def _score(a: Sequence[Sentence], b: Sequence[Sentence], i: int, j: int, w: Mapping[str, float], p: ClaimParams) -> _Scored | None:
    sa, sb = a[i], b[j]
    common = [t for t in sa.terms & sb.terms if w[t] >= p.min_term_weight]
    if len(common) < p.min_shared or not _near_pair(sa, sb, common, p.window):
        return None
    score = sum(w[t] for t in common)
    total = sum(w[t] for t in sa.terms) + sum(w[t] for t in sb.terms)
    similarity = 2 * score / total if total else 0.0
    if score < p.min_score or similarity < p.min_similarity:
        return None
    return _Scored(i, j, score, similarity)


def _near_pair(sa: Sentence, sb: Sentence, common: Sequence[str], window: int) -> bool:
    """Do two shared terms stand close together, in the same order, in both sentences?

    A reworded claim keeps its core phrase ("shoot down Russian aircraft" / "engage Russian aircraft"); two
    sentences that merely use the same story words scatter them ("emphasized ... stance" / "this stance ... emphasized").
    """
    for x, t in enumerate(common):
        for u in common[x + 1 :]:
            if _orders(sa.positions[t], sa.positions[u], window) & _orders(sb.positions[t], sb.positions[u], window):
                return True
    return False


def _orders(xs: Sequence[int], ys: Sequence[int], window: int) -> set[bool]:
    """Orders (True: x first) in which an occurrence of x and one of y stand within ``window`` words."""
    return {y > x for x in xs for y in ys if 0 < abs(y - x) <= window}


def scored_pairs(a: Sequence[Sentence], b: Sequence[Sentence], w: Mapping[str, float], p: ClaimParams) -> list[_Scored]:
    """Sentence pairs sharing at least ``min_shared`` weighty terms, scored (an inverted index avoids all pairs)."""
    where: dict[str, list[int]] = defaultdict(list)
    for j, s in enumerate(b):
        for t in s.terms:
            if w[t] >= p.min_term_weight:
                where[t].append(j)
    out: list[_Scored] = []
    for i, s in enumerate(a):
        hits: dict[int, int] = defaultdict(int)
        for t in s.terms:
            if w[t] >= p.min_term_weight:
                for j in where.get(t, ()):
                    hits[j] += 1
        for j, k in hits.items():
            if k >= p.min_shared and (r := _score(a, b, i, j, w, p)):
                out.append(r)
    return out


def claim_passages(a_text: str, b_text: str, params: ClaimParams) -> list[Passage]:
    """Reworded claims shared by two articles, as ``paraphrase`` passages (one sentence pair each, one-to-one)."""
    if not params.enabled:
        return []
    terms = _Terms(params)
    a = sentences(a_text, terms, params.max_sentence_words)
    b = sentences(b_text, terms, params.max_sentence_words)
    if not a or not b:
        return []
    w = _weights(a, b, terms)
    used_a: set[int] = set()
    used_b: set[int] = set()
    out: list[Passage] = []
    for r in sorted(scored_pairs(a, b, w, params), key=lambda r: -r.score):
        if r.i in used_a or r.j in used_b:
            continue
        used_a.add(r.i)
        used_b.add(r.j)
        sa, sb = a[r.i], b[r.j]
        out.append(Passage(sa.start, sa.end, sb.start, sb.end, "paraphrase", round(r.similarity, 4), claim=True))
    return sorted(out, key=lambda p: (p.b_start, p.a_start))
