"""Word-order statistics that tell machine-made English (translation round trips, spinners) from clean copy.

A bigram table of words (:mod:`._phrases`) sees "pressing assembly"; it does not see grammar that is off while
every word pair is common ("the Kremlin sent factory on the Arctic seabed", "can without risk of giving birth").
This model reads a text as a sequence of coarse word classes: the most common English words stay themselves
("the", "of", "can"), every other word becomes its shape (capitalised or not), its frequency band in wordfreq and
its ending ("-ing", "-ed", "-ly", "-s", "-tion", ...), numbers are one class, each punctuation mark its own, and
sentences are framed by a boundary mark. A logistic regression over the bigrams of these
classes, trained by ``tools/build_style_model.py`` on PAN13 passages and their machine-obfuscated versions, gives
each class bigram a weight (trigrams were tried: no better on the tuning fold, and a table lookup is cheaper); a
text's score is the mean weight per token plus the intercept (its log odds of being machine-made). No content
word is ever a feature: topics cannot leak in, only the way words are strung together.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain
from pathlib import Path

import numpy as np

MODEL_PATH = Path(__file__).resolve().parent.parent / "data" / "style_model.npz"
# The same kind of model learned from labelled news instead of PAN13 (``tools/fit_garbled_text.py``): spinner and
# machine-translation rewrites of news articles against clean copy, on bigrams of function words, punctuation and
# lowercase word shapes only (no names or numbers, whose share says more about a story's topic than its grammar).
NEWS_MODEL_PATH = MODEL_PATH.with_name("news_order_model.npz")

# Words, numbers and punctuation marks; white space (and so a PAN passage's arbitrary line breaks) is ignored.
# The sentences of a text are joined with SEPARATOR, itself a token: one scan reads the whole text.
SEPARATOR = "\x1e"
TOKEN = re.compile(r"\d[\d,.]*\d|\d|[^\W\d_]+(?:['’][^\W\d_]+)*|[,.;:!?()\"“”‘’'—–-]|\x1e")
_SUFFIXES = ("ing", "ed", "ly", "tion", "sion", "ness", "ment", "al", "er", "est", "ive", "ous", "s")
_PUNCT = {",": ",", ".": ".", ";": ";", ":": ":", "!": "!", "?": "?", "(": "(", ")": ")",
          '"': "Q", "“": "Q", "”": "Q", "‘": "q", "’": "q", "'": "q", "—": "D", "–": "D", "-": "-"}
BOUNDARY = "|"  # between two sentences, and around the text
# Distinct chunks and tokens kept classified (about 40 MB each at most); past that the cache starts afresh.
_MAX_CHUNKS = 200_000
# Zipf bands (wordfreq: 6 is "the", 3 is one in a million words); 0 for a word wordfreq does not know.
_BANDS = (1.0, 2.5, 3.5, 4.5)
_BAND_FREQUENCIES = tuple(10.0 ** (zipf - 9.0) for zipf in _BANDS)  # zipf = log10(frequency per billion words)


def class_names(function_words: list[str]) -> list[str]:
    """Every class, in id order: the boundary marks, punctuation, numbers, function words, then shapes."""
    shapes = [f"{case}{band}{suffix}" for case in ("a", "A", "AA") for band in range(len(_BANDS) + 1)
              for suffix in (*_SUFFIXES, "")]
    return [BOUNDARY, *sorted(set(_PUNCT.values())), "NUM", *function_words, *shapes]


@dataclass(frozen=True)
class StyleModel:
    """Class vocabulary and the learned weight of each class bigram (a dense size x size table)."""

    function_words: tuple[str, ...]
    table: np.ndarray  # float32 weight of bigram (a, b) at a * size + b; 0 for bigrams training never saw
    intercept: float
    size: int = 0  # number of classes; 0: counted from the function words

    def __post_init__(self) -> None:
        if not self.size:
            object.__setattr__(self, "size", len(class_names(list(self.function_words))))

    def bigram_keys(self, ids: np.ndarray) -> np.ndarray:
        """Key of every bigram of ``ids``: its row in :attr:`table`."""
        return ids[:-1] * self.size + ids[1:]


class Classifier:
    """Maps words to class ids, with a cache (a news day repeats most of its words)."""

    def __init__(self, function_words: list[str]) -> None:
        names = class_names(function_words)
        self.ids_ = {name: i for i, name in enumerate(names)}
        self.function_ = {w: self.ids_[w] for w in function_words}
        self.cache_: dict[str, int] = {SEPARATOR: 0}
        self.chunks_: dict[str, tuple[int, ...]] = {}
        self.shapes_: dict[str, str] = {}
        from wordfreq import get_frequency_dict  # loaded once per process by wordfreq, shared with garbled_text

        self.frequency_ = get_frequency_dict("en")

    def token_id(self, token: str) -> int:
        cached = self.cache_.get(token)
        if cached is None:
            if len(self.cache_) > _MAX_CHUNKS:
                self.cache_, self.shapes_ = {SEPARATOR: 0}, {}
            cached = self.cache_[token] = self._classify(token)
        return cached

    def _classify(self, token: str) -> int:
        first = token[0]
        if first.isdigit():
            return self.ids_["NUM"]
        if token in _PUNCT:
            return self.ids_[_PUNCT[token]]
        lower = token.lower().replace("’", "'")
        if lower in self.function_:
            return self.function_[lower]
        case = "AA" if len(token) > 1 and token.isupper() else "A" if first.isupper() else "a"
        shape = self.shapes_.get(lower)
        if shape is None:  # "Kremlin", "kremlin" and "KREMLIN" share their band and ending
            shape = self.shapes_[lower] = f"{self._band(lower)}{_suffix(lower)}"
        return self.ids_[case + shape]

    def _band(self, word: str) -> int:
        """The word's zipf band, read straight from wordfreq's table (the words here are single tokens)."""
        return bisect_right(_BAND_FREQUENCIES, self.frequency_.get(word, 0.0))

    def text_ids(self, text: str, sentences: list[tuple[int, int]]) -> list[int]:
        """Class ids of the sentences' tokens, with the boundary mark (id 0) around and between sentences."""
        if SEPARATOR in text:  # the text's own separators must not make sentences
            text = text.replace(SEPARATOR, " ")
        # Split on spaces (in C) and classify each distinct chunk ("Kremlin," "said." "(AP)") once per run:
        # a news day repeats most of its chunks, so the regex runs on few of them.
        chunks = f" {SEPARATOR} ".join(text[start:end] for start, end in sentences).split(" ")
        cache = self.chunks_
        missing = set(chunks).difference(cache)
        if len(cache) + len(missing) > _MAX_CHUNKS:
            cache.clear()
            missing = set(chunks)
        for chunk in missing:
            cache[chunk] = tuple(map(self.token_id, TOKEN.findall(chunk)))
        return [0, *chain.from_iterable(map(cache.__getitem__, chunks)), 0]


def _suffix(word: str) -> str:
    if not word.endswith(_SUFFIXES):  # one test in C for most words
        return ""
    for suffix in _SUFFIXES:
        if len(word) > len(suffix) + 2 and word.endswith(suffix):
            return suffix if suffix != "s" or not word.endswith("ss") else ""
    return ""


@dataclass(frozen=True)
class StyleScores:
    """A text's log odds of being machine-made; per sentence figures are worked out only when asked for (they are
    needed for evidence, which few texts get)."""

    log_odds: float
    ids: np.ndarray  # the class ids, boundary marks included
    weights: np.ndarray  # the weight of each bigram of ``ids``

    def per_sentence(self, n: int) -> "SentenceStyle":
        ids = self.ids
        if len(ids) < 3:
            return SentenceStyle(np.zeros(n), np.zeros(n), np.zeros(0, int), np.zeros(0, int), np.zeros(len(ids), int))
        sentence_of = np.cumsum(ids == 0) - 1  # a boundary mark belongs to the sentence it opens ...
        sentence_of[-1] = max(n - 1, 0)  # ... and the closing one to the last sentence
        ends = np.arange(1, len(ids))  # the position each bigram ends on
        owner = sentence_of[np.where(ids[ends] == 0, ends - 1, ends)]  # "word |" belongs to the word's sentence
        counts = np.bincount(sentence_of, minlength=n).astype(float)
        sums = np.bincount(owner, weights=self.weights, minlength=n)
        return SentenceStyle(sums / np.maximum(counts, 1), counts, owner, ends, sentence_of)


@dataclass(frozen=True)
class SentenceStyle:
    """Per sentence: mean bigram weight and token count; per bigram its sentence and end; per id its sentence."""

    mean: np.ndarray
    tokens: np.ndarray
    owner: np.ndarray
    ends: np.ndarray
    sentence_of: np.ndarray

    def worst(self, scores: StyleScores, text: str, sentences: list[tuple[int, int]], i: int) -> tuple[int, int]:
        """Character span around the class bigram of sentence ``i`` weighing most towards machine-made: its two
        words and one on each side, so an editor reads a phrase ("sent factory on the"), not a lone mark."""
        span = sentences[i]
        ids = scores.ids
        # Bigrams with a boundary mark weigh in the score, but "settlements ." says nothing an editor can check.
        inner = (ids[self.ends] != 0) & (ids[self.ends - 1] != 0)
        mine = np.flatnonzero((self.owner == i) & inner)
        if not len(mine):
            return span
        j = int(mine[np.argmax(scores.weights[mine])])
        first_id = int(np.searchsorted(self.sentence_of, i))  # the sentence's opening boundary mark
        last = int(self.ends[j]) - first_id - 1  # index of the bigram's second token in the sentence
        matches = list(TOKEN.finditer(text, *span))
        lo, hi = max(0, last - 2), min(len(matches) - 1, last + 1)
        if hi < lo:
            return span
        return matches[lo].start(), matches[hi].end()


def token_ids(text: str, sentences: list[tuple[int, int]], classifier: Classifier) -> np.ndarray:
    """Class ids of the whole text, a boundary mark around and between sentences."""
    return np.asarray(classifier.text_ids(text, sentences), dtype=np.int64)


def score(text: str, sentences: list[tuple[int, int]], model: StyleModel, classifier: Classifier) -> StyleScores:
    return rescore(token_ids(text, sentences, classifier), model)


def rescore(ids: np.ndarray, model: StyleModel) -> StyleScores:
    """The scores of class ids already read (another model over the same classes reads the same ids)."""
    if len(ids) < 3:
        return StyleScores(model.intercept, ids, np.zeros(0))
    weights = model.table[model.bigram_keys(ids)]
    return StyleScores(float(model.intercept + weights.sum() / len(ids)), ids, weights)


@lru_cache(maxsize=2)  # the PAN-trained and the news-trained model
def default_model(path: Path = MODEL_PATH) -> StyleModel:
    with np.load(path) as z:
        words = tuple(bytes(z["function_words"]).decode().split("\n"))
        size = len(class_names(list(words)))
        table = np.zeros(size * size, dtype=np.float32)
        table[z["keys"]] = z["weights"]
        return StyleModel(words, table, float(z["intercept"]))
