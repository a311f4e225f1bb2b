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

Per-article work (sentences, terms, the counts a pair adds up) is :func:`prepare_claims`, cached per text, so an
article meeting many candidates is read once; :func:`claim_passages_prepared` is the per-pair part.
"""

from __future__ import annotations

import math
import re
from collections import Counter, OrderedDict, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Mapping, NamedTuple, Sequence

import Stemmer
from wordfreq import zipf_frequency

from ..config import Config
from ..model import Passage

_WORD = re.compile(r"[^\W\d_]+")
# A sentence ends at . ! ? (plus closing quotes) followed by space and a capital, digit or opening quote; or a newline.
# "[.!?]+...|\n+" written to open with one character class, which the regex engine scans for in C (an alternation
# whose branches open with repeats is tried at every offset): the same matches in a quarter of the time.
_BOUNDARY = re.compile(r"[.!?\n](?:(?<=[.!?])[.!?]*[\"'”’)]*\s+(?=[\"'“‘(A-Z0-9])|(?<=\n)\n*)")


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


class Sentence(NamedTuple):
    """One sentence of an article and its terms (made on demand from a row of :class:`ClaimText`)."""

    start: int
    end: int
    terms: tuple[str, ...]  # distinct terms
    word_terms: tuple[str | None, ...]  # the term of each word of the sentence, None for function words

    def positions(self) -> dict[str, tuple[int, ...]]:
        """Term -> word indices inside the sentence (asked only for the few sentence pairs that come close)."""
        found: dict[str, list[int]] = defaultdict(list)
        for k, t in enumerate(self.word_terms):
            if t is not None:
                found[t].append(k)
        return {t: tuple(ks) for t, ks in found.items()}


@dataclass(frozen=True)
class ClaimText:
    """Per-document work of the claim pass (see :func:`prepare_claims`); a pair combines two of them.

    Whether a term is a name, and how rare it is, is decided over *both* texts of a pair, so each text keeps
    the counts that decision adds up rather than the decision itself.
    """

    # The fields of each sentence as plain tuples of strings and ints. A batch keeps thousands of prepared articles;
    # the garbage collector stops walking plain tuples of atomic values, while it walks every dataclass, named tuple
    # and set again on each full collection (a quarter of the preparation time when they were Sentence objects).
    rows: tuple[tuple[int, int, tuple[str, ...], tuple[str | None, ...]], ...]
    rarity: Mapping[str, float]  # weight of each term by general-English rarity (its rarest word form here)
    inside: Mapping[str, int]  # occurrences of each term not opening a sentence
    capital: Mapping[str, int]  # ... of which capitalised
    where: Mapping[str, tuple[int, ...]]  # indices of the sentences holding each term

    @property
    def n_sentences(self) -> int:
        return len(self.rows)

    def sentence(self, i: int) -> Sentence:
        return Sentence(*self.rows[i])


@lru_cache(maxsize=4)
def _stemmer(language: str) -> Stemmer.Stemmer:
    return Stemmer.Stemmer({"en": "english"}.get(language, language))


# Zipf frequency by language and lowercased word. A plain dict of floats, not lru_cache: the garbage collector
# skips dicts of atomic values but walks every link of an lru_cache, on each full collection.
_ZIPF: dict[str, dict[str, float]] = defaultdict(dict)
_MAX_ZIPF_WORDS = 200_000


def _zipf(word: str, language: str) -> float:
    known = _ZIPF[language]
    found = known.get(word)
    if found is None:
        if len(known) >= _MAX_ZIPF_WORDS:
            known.clear()
        found = known[word] = zipf_frequency(word, language)
    return found


class _Lexicon:
    """Word -> canonical stem with synonyms folded (None for function words) and its rarity weight; memoised.

    The same few thousand word forms recur in every article of a batch, and looking each up (Zipf frequency,
    stemming) is most of the claim pass's cost.
    """

    _MAX_MEMO = 200_000  # word forms remembered: tens of MB at most (~95k forms in 5,000 news-length articles)

    def __init__(self, params: ClaimParams) -> None:
        self._p = params
        self._stem = _stemmer(params.language)
        self._syn = {self._stem.stemWord(w): self._stem.stemWord(c) for w, c in params.synonyms.items()}
        self.term: dict[str, str | None] = {}
        self.weight: dict[str, float] = {}  # words whose term is not None

    def terms(self, words: set[str]) -> Mapping[str, str | None]:
        """Word -> term, holding at least ``words`` (looked up now if new)."""
        new = words.difference(self.term)
        if len(self.term) + len(new) > self._MAX_MEMO:
            self.term.clear()
            self.weight.clear()
            new = words
        for word in new:
            self.term[word] = self._lookup(word)
        return self.term

    def _lookup(self, word: str) -> str | None:
        w = word.lower()
        if len(w) < 3:  # too short to be a claim word, whatever its frequency
            return None
        z = _zipf(w, self._p.language)
        if z > self._p.max_zipf:
            return None
        stem = self._stem.stemWord(w)
        span = max(1e-6, self._p.max_zipf - self._p.rare_zipf)
        self.weight[word] = min(1.0, max(self._p.min_rarity, (self._p.max_zipf - z) / span))
        return self._syn.get(stem, stem)


def _chunks(text: str, max_words: int) -> list[tuple[int, int, list[str]]]:
    """(start, end, words) of each sentence of ``text`` that may hold a claim; offsets index ``text``."""
    out: list[tuple[int, int, list[str]]] = []
    start = 0
    for m in [*_BOUNDARY.finditer(text), None]:
        end = m.start() + len(m.group().rstrip()) if m else len(text)
        if m and m.group().startswith("\n"):
            end = m.start()
        chunk = text[start:end]
        words = _WORD.findall(chunk)
        if words and len(words) <= max_words:
            out.append((start + len(chunk) - len(chunk.lstrip()), end, words))
        start = m.end() if m else len(text)
    return out


def _sentences(text: str, lexicon: _Lexicon, max_words: int) -> ClaimText:
    """Sentences of ``text`` with their content terms, and the counts of those terms."""
    chunks = _chunks(text, max_words)
    seen = {w for _, _, words in chunks for w in words}
    term_of = lexicon.terms(seen)
    out: list[tuple[int, int, tuple[str, ...], tuple[str | None, ...]]] = []
    inside: list[str] = []  # word forms not opening a sentence (the first word is capitalised whatever it is)
    where: dict[str, list[int]] = defaultdict(list)
    for start, end, words in chunks:
        word_terms = tuple(map(term_of.__getitem__, words))
        terms = set(word_terms)
        terms.discard(None)
        for t in terms:
            where[t].append(len(out))  # type: ignore[index]
        # Sorted: float sums over a sentence's terms must not depend on the order a set iterates in (that order
        # changes with the process's hash seed, and near-ties then flipped between runs of the same batch).
        out.append((start, end, tuple(sorted(terms)), word_terms))  # type: ignore[arg-type]
        inside.extend(words[1:])
    rarity, inside_terms, capital = _term_counts(term_of, lexicon.weight, seen, Counter(inside))
    return ClaimText(tuple(out), rarity, inside_terms, capital, {t: tuple(ss) for t, ss in where.items()})


def _term_counts(
    term_of: Mapping[str, str | None], weight: Mapping[str, float], seen: set[str], inside: Counter[str]
) -> tuple[dict[str, float], dict[str, int], dict[str, int]]:
    """Rarity, inside and capitalised counts by term, from the counts by word form."""
    rarity: dict[str, float] = {}
    for word in seen:
        if (t := term_of[word]) is not None:
            # A folded group keeps the weight of its rarest member seen, so "jets" does not outweigh "aircraft".
            rarity[t] = max(rarity.get(t, 0.0), weight[word])
    by_term: dict[str, int] = defaultdict(int)
    capital: dict[str, int] = defaultdict(int)
    for word, n in inside.items():
        if (t := term_of[word]) is not None:
            by_term[t] += n
            if word[0].isupper():
                capital[t] += n
    return rarity, dict(by_term), dict(capital)


class ClaimPreparer:
    """Claim preparation under one :class:`ClaimParams`, with the texts it prepared lately (bounded LRU).

    The duplication engine keeps one per batch, so its prepared texts go when the batch does; :func:`prepare_claims`
    keeps a few module-level ones for callers without a batch.
    """

    def __init__(self, params: ClaimParams, size: int) -> None:
        self.params = params
        self.lexicon = _Lexicon(params)
        self._size = size
        self._done: OrderedDict[str, ClaimText] = OrderedDict()

    def __call__(self, text: str) -> ClaimText:
        hit = self._done.get(text)
        if hit is not None:
            self._done.move_to_end(text)
            return hit
        prepared = self._done[text] = _sentences(text, self.lexicon, self.params.max_sentence_words)
        if len(self._done) > self._size:
            self._done.popitem(last=False)
        return prepared


# Preparers by the id of their params object (ClaimParams holds a dict, so it cannot be a dict key itself). An entry
# holds its params, so the id cannot be reused while the entry lives; the identity check guards the rest.
_PREPARERS: OrderedDict[int, ClaimPreparer] = OrderedDict()
_MAX_PREPARERS = 4
# Texts whose claim preparation is kept per params: a batch's candidate pairs are sorted by their first document,
# so a text meets its partners close together and a few thousand recent texts catch nearly every repeat.
_CACHED_TEXTS = 2048


def _preparer(params: ClaimParams) -> ClaimPreparer:
    found = _PREPARERS.get(id(params))
    if found is None or found.params is not params:
        found = _PREPARERS[id(params)] = ClaimPreparer(params, _CACHED_TEXTS)
        if len(_PREPARERS) > _MAX_PREPARERS:
            _PREPARERS.popitem(last=False)
    _PREPARERS.move_to_end(id(params))
    return found


def prepare_claims(text: str, params: ClaimParams) -> ClaimText:
    """Sentences and term counts of ``text``; cached, since one article meets many candidates in a batch."""
    return _preparer(params)(text)


class _Weights(dict[str, float]):
    """Rarity x inverse sentence frequency over the pair: topic words of both articles weigh little.

    Computed per term when first asked for: a pair compares the terms its articles share, and the other terms
    only of the few sentence pairs that come close.
    """

    def __init__(self, a: ClaimText, b: ClaimText, p: ClaimParams) -> None:
        super().__init__()
        self._a, self._b, self._p = a, b, p
        self._n = a.n_sentences + b.n_sentences
        self._scale = math.log(max(self._n, 3))

    def __missing__(self, t: str) -> float:
        a, b = self._a, self._b
        ca, cb = len(a.where.get(t, ())), len(b.where.get(t, ()))
        # A word both articles keep coming back to is what they are about, however rare in general English.
        topic = min(ca, cb) > self._p.max_topic_sentences or _is_name(a, b, t)
        isf = max(0.0, math.log(self._n / (ca + cb))) / self._scale
        weight = self[t] = 0.0 if topic else max(a.rarity.get(t, 0.0), b.rarity.get(t, 0.0)) * isf
        return weight


def _is_name(a: ClaimText, b: ClaimText, term: str) -> bool:
    """Mostly capitalised inside sentences: a person, place or organisation, i.e. the story's cast, not a claim."""
    inside = a.inside.get(term, 0) + b.inside.get(term, 0)
    return inside > 0 and a.capital.get(term, 0) + b.capital.get(term, 0) >= 0.6 * inside


@dataclass(frozen=True)
class _Scored:
    i: int
    j: int
    score: float
    similarity: float


def _score(sa: Sentence, sb: Sentence, i: int, j: int, w: Mapping[str, float], p: ClaimParams) -> _Scored | None:
    common = sorted(t for t in set(sa.terms).intersection(sb.terms) if w[t] >= p.min_term_weight)  # see _sentences
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
    pa, pb = sa.positions(), sb.positions()
    for x, t in enumerate(common):
        for u in common[x + 1 :]:
            if _orders(pa[t], pa[u], window) & _orders(pb[t], pb[u], window):
                return True
    return False


def _orders(xs: Sequence[int], ys: Sequence[int], window: int) -> set[bool]:
    """Orders (True: x first) in which an occurrence of x and one of y stand within ``window`` words."""
    return {y > x for x in xs for y in ys if 0 < abs(y - x) <= window}


def scored_pairs(a: ClaimText, b: ClaimText, w: Mapping[str, float], p: ClaimParams) -> list[_Scored]:
    """Sentence pairs sharing at least ``min_shared`` weighty terms, scored (inverted indexes avoid all pairs)."""
    hits: dict[tuple[int, int], int] = defaultdict(int)
    for t in a.where.keys() & b.where.keys():
        if w[t] >= p.min_term_weight:
            for i in a.where[t]:
                for j in b.where[t]:
                    hits[i, j] += 1
    return [
        r
        for (i, j), k in hits.items()
        if k >= p.min_shared and (r := _score(a.sentence(i), b.sentence(j), i, j, w, p)) is not None
    ]


def claim_passages(a_text: str, b_text: str, params: ClaimParams) -> list[Passage]:
    """Reworded claims shared by two articles, as ``paraphrase`` passages (one sentence pair each, one-to-one)."""
    if not params.enabled:
        return []
    return claim_passages_prepared(prepare_claims(a_text, params), prepare_claims(b_text, params), params)


def claim_passages_prepared(a: ClaimText, b: ClaimText, params: ClaimParams) -> list[Passage]:
    """:func:`claim_passages` on texts already passed through :func:`prepare_claims` (with the same params)."""
    if not params.enabled or not a.n_sentences or not b.n_sentences:
        return []
    w = _Weights(a, b, params)
    used_a: set[int] = set()
    used_b: set[int] = set()
    out: list[Passage] = []
    # Ties are broken by position, so the result does not depend on the order sets happen to iterate in.
    for r in sorted(scored_pairs(a, b, w, params), key=lambda r: (-r.score, r.i, r.j)):
        if r.i in used_a or r.j in used_b:
            continue
        used_a.add(r.i)
        used_b.add(r.j)
        sa, sb = a.sentence(r.i), b.sentence(r.j)
        out.append(Passage(sa.start, sa.end, sb.start, sb.end, "paraphrase", round(r.similarity, 4), claim=True))
    return sorted(out, key=lambda p: (p.b_start, p.a_start))
