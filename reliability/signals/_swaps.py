"""Thesaurus swaps: words that a synonym of theirs would fit far better, in context.

A spinner replaces words with thesaurus synonyms regardless of context ("urgent meeting" → "pressing assembly"),
and a translation engine often picks the wrong one of several near-synonyms ("final year's results"). Either way the
word on the page fits its place much worse than one of its synonyms would, while a writer's own word usually fits
best, or close to it. So for each content word with synonyms (``reliability/data/thesaurus.tsv.gz``, built by
``tools/build_thesaurus.py``: a word's 4 commonest WordNet synonyms and 6 closely related words from the Moby
Thesaurus, the kind of list a spinner draws from, "trainer" -> "coach") the check takes, under a trigram language model of US English, the log
probability of the word and of the two words after it, given the two before, less the word's own log frequency
(how much the context raises the word's odds), and the same for each synonym. The margin of the best synonym, in
nats, is the word's *swap margin*; the text's statistic is the mean positive margin over its distinct content words.

The language model is the one that ships with PocketSphinx (``en-us.lm.bin``, a 3-gram model of general US
English, in the ``pocketsphinx`` wheel). When it cannot be loaded, or ``swap_check = 0``, garbled_text goes without
the check and reads the text with a whole-text model fitted without it (``plain_*`` in the config).
"""

from __future__ import annotations

import gzip
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Iterable, Mapping

import numpy as np

from ._phrases import folded_tokens

# PocketSphinx reports log probabilities in its LogMath base, 1.0001 unless configured otherwise.
_TO_NATS = math.log(1.0001)
_UNKNOWN_BELOW = -(1 << 28)  # the model answers about -2**29 for a word it does not know
_GAP = re.compile(r"[ \t-]*")  # what may stand between two words of one context


class LanguageModel:
    """A trigram model's log probabilities in nats (unigrams cached: a batch of news repeats most words)."""

    def __init__(self, ngram: object) -> None:
        self._prob = ngram.prob  # type: ignore[attr-defined]
        self._unigrams: dict[str, float] = {}

    def unigram(self, word: str) -> float:
        value = self._unigrams.get(word)
        if value is None:
            raw = self._prob([word])
            value = self._unigrams[word] = -math.inf if raw < _UNKNOWN_BELOW else raw * _TO_NATS
        return value

    def knows(self, word: str) -> bool:
        return self.unigram(word) > -math.inf

    def fits(self, candidates: Iterable[str], before: tuple[str, ...], after: list[str]) -> list[float]:
        """How well each candidate fits between ``before`` (up to two words, most recent first) and ``after`` (up to
        two words): log P(candidate, after... | before) less log P(candidate), in nats. Every word must be known to
        the model. (The hot loop of the swap check, about 1,300 model queries per article: direct calls, no cache,
        which would miss on most of them.)"""
        prob, unigram = self._prob, self.unigram
        history = list(before)
        last = history[:1]
        first = after[0] if after else None
        second = after[1] if len(after) > 1 else None
        out = []
        for x in candidates:
            raw = prob([x, *history])
            if first is not None:
                raw += prob([first, x, *last])
                if second is not None:
                    raw += prob([second, first, x])
            out.append(raw * _TO_NATS - unigram(x))
        return out


def load_model() -> LanguageModel | None:
    """PocketSphinx's US English trigram model, or None when the package or its model file is missing."""
    try:
        import pocketsphinx  # type: ignore[import-untyped]
    except ImportError:
        return None
    try:
        pocketsphinx.set_loglevel("ERROR")  # it logs every file it opens at INFO, on stderr
        path = resources.files("pocketsphinx") / "model" / "en-us" / "en-us.lm.bin"
        return LanguageModel(pocketsphinx.NGramModel.readfile(str(path)))
    except (OSError, RuntimeError, ValueError):
        return None


@lru_cache(maxsize=1)
def default_thesaurus() -> Mapping[str, tuple[str, ...]]:
    """word → its synonyms, most frequent first (the committed build of tools/build_thesaurus.py)."""
    data = resources.files("reliability") / "data" / "thesaurus.tsv.gz"
    out: dict[str, tuple[str, ...]] = {}
    with gzip.open(str(data), "rt", encoding="utf-8") as fh:
        for line in fh:
            word, _, synonyms = line.rstrip("\n").partition("\t")
            out[word] = tuple(synonyms.split())
    return out


@dataclass(frozen=True)
class Swap:
    start: int
    end: int
    alternative: str
    margin: float  # nats by which the context favours the best synonym over the word, beyond their frequencies


@dataclass(frozen=True)
class SwapScores:
    mean_margin: float  # mean positive swap margin over the distinct content words checked
    spread: float  # share of the sentences with a checked word that hold a likely swap (margin >= ``spread_margin``)
    checked: int  # content words with synonyms the model knows
    worst: tuple[Swap, ...]  # the largest margins first, of words not capitalised inside a sentence


def score(
    text: str, sentences: Iterable[tuple[int, int]], thesaurus: Mapping[str, tuple[str, ...]], model: LanguageModel,
    skip: frozenset[str], keep: int = 3, spread_margin: float = 3.0,
) -> SwapScores:
    """Swap margins of the content words of ``text``, sentence by sentence (a sentence start is the model's ``<s>``;
    a word the model does not know, or a number, cuts the context). The text's statistic averages over distinct
    words, each at its mean margin: a term the writer repeats ("storm tide" four times in a cyclone warning) is
    that text's established term, not four swaps (development sets: AUC 0.901 averaging over every occurrence,
    0.911 over distinct words). Each word is shown at most once, at its largest margin.

    The spread is the share of sentences (those with a word checked) holding a likely swap: a spinner spreads its
    swaps over every sentence, where a clean text's odd-looking words (a sport's jargon) cluster in a few."""
    margins: dict[str, list[float]] = {}
    checked = 0
    sentences_checked = sentences_swapped = 0
    found: dict[str, Swap] = {}
    unigram = model.unigram
    # The words as the phrase table splits them (lowercased, straight apostrophes), shared with the other signals.
    tokens = folded_tokens(text)
    all_words, starts, ends = tokens.words, tokens.bounds[0:-1:2], tokens.bounds[1::2]
    folded = tokens.folded
    for s, e in sentences:
        lo, hi = np.searchsorted(starts, (s, e)).tolist()  # the words that start inside the sentence
        spans = list(zip(starts[lo:hi].tolist(), ends[lo:hi].tolist()))
        words = all_words[lo:hi]
        known = [unigram(w) > -math.inf for w in words]
        # Whether each word follows the one before with nothing but spaces, tabs or hyphens between them (a comma, a
        # number, a line break or a bracket between two words cuts the context).
        linked = [True] + [_GAP.fullmatch(folded, a, b) is not None for (_, a), (b, _) in zip(spans, spans[1:])]
        checked_before, largest = checked, 0.0
        for i, word in enumerate(words):
            synonyms = thesaurus.get(word)
            if synonyms is None or word in skip or not known[i]:
                continue
            before = _history(words, known, linked, i)
            after = _following(words, known, linked, i)
            # Each word's fit to its context is measured beyond its own frequency (pointwise mutual information):
            # otherwise the commoner synonym always wins ("about" over "approximately", "just" over "simply"),
            # and formal copy reads as spun (development sets: AUC 0.81 without the correction, 0.87 with it).
            mine, *theirs = model.fits((word, *synonyms), before, after)
            checked += 1
            best, alternative = -math.inf, ""
            for synonym, value in zip(synonyms, theirs):
                if value > best:
                    best, alternative = value, synonym
            margin = max(0.0, best - mine)
            largest = max(largest, margin)
            margins.setdefault(word, []).append(margin)
            # A capitalised word inside a sentence is usually a name ("the Bulls", "Mr Wood"): it counts, since
            # spinners swap inside names too, but it is not shown as a swap, where it would mostly mislead.
            shown = found.get(word)
            named = i > 0 and text[spans[i][0]].isupper()
            if margin > 0 and not named and (shown is None or margin > shown.margin + 1e-9):  # ties: the first
                found[word] = Swap(spans[i][0], spans[i][1], alternative, margin)
        if checked > checked_before:
            sentences_checked += 1
            sentences_swapped += largest >= spread_margin
    mean = sum(sum(m) / len(m) for m in margins.values()) / len(margins) if margins else 0.0
    spread = sentences_swapped / sentences_checked if sentences_checked else 0.0
    worst = sorted(found.values(), key=lambda sw: -sw.margin)
    return SwapScores(mean, spread, checked, tuple(worst[:keep]))


def _history(words: list[str], known: list[bool], linked: list[bool], i: int) -> tuple[str, ...]:
    """Up to two known words before word i, most recent first; ``<s>`` at the sentence start."""
    out: list[str] = []
    j = i - 1
    while j >= 0 and len(out) < 2:
        if not known[j] or not linked[j + 1]:
            return tuple(out)
        out.append(words[j])
        j -= 1
    if j < 0 and len(out) < 2:
        out.append("<s>")
    return tuple(out)


def _following(words: list[str], known: list[bool], linked: list[bool], i: int) -> list[str]:
    """Up to two known words after word i, in order, each linked to the one before it."""
    out: list[str] = []
    j = i + 1
    while j < len(words) and len(out) < 2 and known[j] and linked[j]:
        out.append(words[j])
        j += 1
    return out
