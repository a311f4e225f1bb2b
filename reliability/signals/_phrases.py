"""Word-pair statistics of clean English, to judge whether a sentence's wording is usual.

The table (``reliability/data/phrase_table.npz``) is built by ``tools/build_phrase_table.py`` from clean text of
the PAN13 training corpus: a smoothed (Kneser-Ney) bigram model over the 36k most common words. For each pair
of adjacent words we take its pointwise mutual information, log P(b | a) - log P(b): positive for collocations
("urgent meeting"), negative for pairs that clean writers avoid. Spun text ("pressing assembly") and shuffled
text drag a sentence's mean down.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import repeat
from functools import lru_cache
from pathlib import Path

import numpy as np

TABLE_PATH = Path(__file__).resolve().parent.parent / "data" / "phrase_table.npz"
# Same tokenisation as the build script: lowercase words, straight apostrophes. Splitting on the words gives gap,
# word, gap, word, ..., trailing text: the pieces tile the text (folded_tokens finds the same words with numpy).
# The gap tells whether two words form a phrase.
WORD_SPLIT = re.compile(r"([a-z]+(?:'[a-z]+)?)")
_DIGIT_LETTER = re.compile(r"\d[a-z]")
# Only a space or a hyphen joins two words into a phrase; a comma, full stop or line break breaks it.
_SPACE, _HYPHEN = ord(" "), ord("-")


def _fold(text: str) -> str:
    """Lowercase with straight apostrophes, same length as ``text`` so offsets stay valid."""
    lowered = text.lower().replace("’", "'")
    if len(lowered) == len(text):
        return lowered
    # Rare: str.lower changed the length (e.g. "İ"); fold letter by letter instead.
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text).replace("’", "'")


@dataclass(frozen=True)
class Tokens:
    """A text split on its words as the phrase table reads them (``WORD_SPLIT`` over :func:`_fold`)."""

    folded: str  # the text lowercased, with "’" as "'" (same length: see _fold)
    words: list[str]  # the words, in text order
    codes: np.ndarray  # the code of each character of ``folded`` (uint8 when it is ASCII, else uint32)
    # Offsets as running lengths of gap, word, gap, word, ..., trailing text: word i starts at bounds[2i] and ends at
    # bounds[2i + 1]; the last is the length of the text.
    bounds: np.ndarray


@lru_cache(maxsize=64)
def folded_tokens(text: str) -> Tokens:
    """Shared per text: garbled_text scores these words and the word index of :mod:`._text` is read off them.

    The words are ``WORD_SPLIT``'s, found with numpy on the characters: a run of a-z, with an apostrophe inside when
    letters stand on both sides, only one per word ("rock'n" "roll" of "rock'n'roll", as the pattern reads it). The
    word strings come from one C-level split of the text with every other character blanked; ``re.split`` made a
    string of every gap as well, and the offsets took a ``len`` per piece.
    """
    folded = _fold(text)
    if folded.isascii():
        codes = np.frombuffer(folded.encode("ascii"), dtype=np.uint8)
    else:
        codes = np.frombuffer(folded.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    n = len(codes)
    letter = (codes >= 97) & (codes <= 122)  # a-z; every other character, ASCII or not, is outside words
    word = letter
    apostrophes = np.flatnonzero(codes == 39)
    if len(apostrophes):
        inside = apostrophes[(apostrophes > 0) & (apostrophes < n - 1)]
        joins = inside[letter[inside - 1] & letter[inside + 1]]
        if len(joins) > 1:
            # Two joining apostrophes with only letters between them ("a'b'c'd"): the pattern takes "a'b", then the
            # next apostrophe is a gap and "c'd" a word; along such a chain every other apostrophe joins.
            not_letters = np.concatenate(([0], np.cumsum(~letter)))
            chained = not_letters[joins[1:]] == not_letters[joins[:-1] + 1]
            if chained.any():
                k = np.arange(len(joins))
                chain_start = np.maximum.accumulate(np.where(np.concatenate(([True], ~chained)), k, 0))
                joins = joins[(k - chain_start) % 2 == 0]
        if len(joins):
            word = letter.copy()
            word[joins] = True
    edges = np.flatnonzero(np.diff(word, prepend=False, append=False))  # start, end, start, end, ...
    bounds = np.empty(len(edges) + 1, dtype=np.int64)
    bounds[:-1] = edges
    bounds[-1] = n
    blanked = np.where(word, codes, np.asarray(32, dtype=codes.dtype)).tobytes()
    words = (blanked.decode("ascii") if codes.dtype == np.uint8 else blanked.decode("utf-32-le")).split()
    return Tokens(folded, words, codes, bounds)


@dataclass(frozen=True)
class PairScores:
    """Adjacent in-vocabulary word pairs of a text: offsets of both words and each pair's PMI."""

    first_start: np.ndarray  # start offset of the first word of each pair
    second_end: np.ndarray  # end offset of the second word
    pmi: np.ndarray
    min_log_p: np.ndarray  # log probability of the rarer word of each pair (rare pairs are sparse, not odd)
    unknown: tuple[tuple[int, int], ...] = ()  # (start, end) of words outside the table's vocabulary
    # A word repeated right after itself: (start, end of the repeat, gap between them, gap after the repeat).
    repeats: tuple[tuple[int, int, str, str], ...] = ()


class PhraseTable:
    """Bigram model of clean English. ``score(text)`` gives the PMI of every adjacent in-vocabulary pair."""

    def __init__(self, path: Path = TABLE_PATH) -> None:
        with np.load(path) as z:
            vocab = bytes(z["vocab"]).decode().split("\n")
            self.log_p_ = z["log_p"]
            self.log_backoff_ = z["log_backoff"]
            self.log_cont_ = z["log_cont"]
            self.keys_ = z["keys"]
            self.log_p_pair_ = z["log_p_pair"]
        self.index_ = {w: i for i, w in enumerate(vocab)}
        self.size_ = len(vocab)
        self.trigrams_ = frozenset(t for w in vocab for t in _trigrams(w))

    def spellable(self, word: str) -> bool:
        """Whether every letter trigram of ``word`` occurs in some common English word ("gmrim" has "gmr")."""
        return all(t in self.trigrams_ for t in _trigrams(word.lower()))

    def __contains__(self, word: str) -> bool:
        return word in self.index_

    def score(self, text: str) -> PairScores:
        tokens = folded_tokens(text)
        words, bounds = tokens.words, tokens.bounds
        if len(words) < 2:
            empty = np.zeros(0)
            return PairScores(empty.astype(int), empty.astype(int), empty, empty)
        starts, ends = bounds[0:-1:2], bounds[1::2]
        word_lengths = ends - starts
        index = self.index_
        id_arr = np.fromiter(map(index.get, words, repeat(-1)), np.int64, len(words))
        joined, glued = _joins_and_glued(tokens, starts, ends)
        a, b = id_arr[:-1], id_arr[1:]
        keep = (a >= 0) & (b >= 0) & joined
        if len(glued):
            at = np.searchsorted(starts, glued)
            at = at[(at < len(words) - 1) & (starts[np.minimum(at, len(words) - 1)] == glued)]
            keep[at] = False
        a, b = a[keep], b[keep]
        keys = (a.astype(np.int64) * self.size_ + b).astype(np.uint32)
        # Looked up in sorted order: neighbouring keys share the table's cache lines (about twice as fast).
        order = np.argsort(keys)
        pos = np.empty(len(keys), np.intp)
        pos[order] = np.searchsorted(self.keys_, keys[order])
        pos[pos >= len(self.keys_)] = 0
        seen = self.keys_[pos] == keys
        log_p = np.where(seen, self.log_p_pair_[pos], self.log_backoff_[a] + self.log_cont_[b])
        first_start = starts[:-1][keep]
        second_end = ends[1:][keep]
        missing = np.flatnonzero(id_arr < 0)
        unknown = tuple(zip(starts[missing].tolist(), ends[missing].tolist()))
        min_log_p = np.minimum(self.log_p_[a], self.log_p_[b])
        repeats = _repeats(tokens.folded, words, id_arr, word_lengths, starts, ends)
        return PairScores(first_start, second_end, log_p - self.log_p_[b], min_log_p, unknown, repeats)


# Character classes of an ASCII folded text, for _joins_and_glued.
_DIGIT_BYTE = np.zeros(256, dtype=bool)
_DIGIT_BYTE[ord("0") : ord("9") + 1] = True
_AZ_BYTE = np.zeros(256, dtype=bool)
_AZ_BYTE[ord("a") : ord("z") + 1] = True


def _joins_and_glued(tokens: Tokens, starts: np.ndarray, ends: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Whether each pair of neighbouring words is joined into a phrase (the gap between them is one space or one
    hyphen), and the offsets of words glued to a number: a letter right after a digit ("27th over",
    "5km south"), which is a suffix or a unit, not the start of a phrase. Read from the character codes with numpy:
    the same answers as testing every gap in Python and scanning the text with ``\\d[a-z]``, which tries the pattern
    at every character (still done for a text beyond ASCII, where \\d takes other digits too)."""
    codes = tokens.codes
    gap_at = ends[:-1]  # a gap follows every word but the last, inside the text
    after = codes[gap_at]
    joined = (starts[1:] - gap_at == 1) & ((after == _SPACE) | (after == _HYPHEN))
    if codes.dtype != np.uint8:
        return joined, np.array([m.end() - 1 for m in _DIGIT_LETTER.finditer(tokens.folded)], dtype=np.int64)
    glued = np.flatnonzero(_DIGIT_BYTE[codes[:-1]] & _AZ_BYTE[codes[1:]]) + 1
    return joined, glued


def _repeats(
    folded: str, words: list[str], ids: np.ndarray, lengths: np.ndarray, starts: np.ndarray, ends: np.ndarray
) -> tuple[tuple[int, int, str, str], ...]:
    # Known words repeat when their ids do; unknown ones (id -1) are compared as strings, only where two of
    # the same length follow each other (rare), which keeps the per-word Python work off the common path.
    known = (ids[:-1] == ids[1:]) & (ids[:-1] >= 0)
    maybe = np.flatnonzero((ids[:-1] < 0) & (ids[1:] < 0) & (lengths[:-1] == lengths[1:]))
    unknown = [i for i in maybe.tolist() if words[i] == words[i + 1]]
    same = sorted(np.flatnonzero(known).tolist() + unknown)
    out = []
    for i in same:  # the gap between the two words, and the one after the repeat (none after the last word)
        after = folded[ends[i + 1] : starts[i + 2]] if i + 2 < len(words) else ""
        out.append((int(starts[i]), int(ends[i + 1]), folded[ends[i] : starts[i + 1]], after))
    return tuple(out)


def _trigrams(word: str) -> list[str]:
    padded = f"^{word}$"
    return [padded[i : i + 3] for i in range(len(padded) - 2)]


@lru_cache(maxsize=1)
def default_table() -> PhraseTable:
    return PhraseTable()
