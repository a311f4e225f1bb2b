"""Per-document preparation for the aligner: words with offsets, sentences, content stems, hashes.

Everything here depends on one text only, so a document aligned against many is prepared once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import compress

import numpy as np
import Stemmer
import xxhash

from ._align_stopwords import STOPWORDS
from ._align_verbatim import ngram_hashes
from .minhash import CachedHasher, TokenHasher

_WORD = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)*")
_WORD_SPLIT = re.compile(f"({_WORD.pattern})")
# A sentence ends at . ! ? (optionally followed by closing quotes/brackets) plus whitespace, or at a blank line.
# A single newline does not end one: PAN and e-mailed copy wrap lines inside sentences.
# Only match ends are used: the pattern opens with one character class (the mark itself, or the first line break),
# which the regex engine scans for in C; "(?<=[.!?])...|\n..." was tried at every offset, four times the cost.
_SENTENCE_BREAK = re.compile(r"[.!?\n](?:(?<=[.!?])[\"'\u201d\u2019)\]]*\s+|(?<=\n)[ \t\r\f\v]*\n\s*)")
# A short line without closing punctuation followed by a capitalised line is a heading ("NATO Draws a Red Line").
_HEADING_BREAK = re.compile(r"(?m)^(?=[^\n]{1,60}$)[^\n]*[^\s.!?,;:][ \t]*\n(?=[ \t]*[A-Z\u201c\"])")
_TRAILING_PUNCT = ".!?;:,\"'\u201d\u2019)]"
_STEMMER = Stemmer.Stemmer("english")


@dataclass(frozen=True, eq=False)
class Prepared:
    """Per-document work of the aligner, reusable when one document is aligned against many.

    Arrays are indexed by word token (``word_*``), by distinct content stem (``vocab``, ``df``), by (sentence, stem)
    entry (``entry_*``, sorted by sentence then stem) or by sentence (``sent_*``). The entries are the document's
    sentence-term matrix in compressed rows: the pair's tf-isf vectors are weights on them (see :mod:`._align_sentences`).
    """

    text: str
    word_start: np.ndarray  # char offset of each word token
    word_end: np.ndarray
    word_hash: np.ndarray  # uint64 hash of the lowercased word (for verbatim checks)
    trigram_hash: np.ndarray  # hash of the 3 words starting at each word (len(word_hash) - 2 of them)
    vocab: np.ndarray  # sorted uint64 hashes of the distinct content stems
    df: np.ndarray  # sentences holding each stem of ``vocab``
    entry_sent: np.ndarray  # sentence of each entry
    entry_term: np.ndarray  # index into ``vocab`` of each entry
    entry_tf: np.ndarray  # occurrences of the stem in the sentence (float64)
    sent_ptr: np.ndarray  # entries of sentence s are sent_ptr[s]:sent_ptr[s + 1]
    sent_start: np.ndarray  # char span of each sentence, trailing punctuation included
    sent_end: np.ndarray

    @property
    def n_sentences(self) -> int:
        return len(self.sent_start)

    def span(self, lo: int, hi: int) -> tuple[int, int]:
        """Character range of sentences ``lo..hi`` (inclusive, clamped to the document)."""
        lo, hi = max(lo, 0), min(hi, self.n_sentences - 1)
        return int(self.sent_start[lo]), int(self.sent_end[hi])

    def chars(self, lo: int, hi: int) -> int:
        start, end = self.span(lo, hi)
        return end - start

    def sentence_at(self, offset: int) -> int:
        """Index of the sentence holding character ``offset`` (or the one before it)."""
        return max(int(np.searchsorted(self.sent_start, offset, side="right")) - 1, 0)

    def word_range(self, lo: int, hi: int) -> tuple[int, int]:
        """Character range of words ``lo..hi`` (inclusive), closing punctuation included."""
        return int(self.word_start[lo]), extend_over_punct(self.text, int(self.word_end[hi]))


def extend_over_punct(text: str, end: int) -> int:
    while end < len(text) and text[end] in _TRAILING_PUNCT:
        end += 1
    return end


class _StemHasher(CachedHasher):
    """xxh64 of each word's English Snowball stem (asked for content words only)."""

    def _value(self, word: str) -> int:
        return xxhash.xxh64_intdigest(_STEMMER.stemWord(word).encode("utf-8", "surrogatepass"))


class _WordTable:
    """Hashes of word forms and of their stems, remembered across documents.

    A batch of news keeps using the same few tens of thousands of word forms; looking each up once instead of
    stemming and hashing it in every article is most of what preparing a document costs. Word hashes are
    :class:`.minhash.TokenHasher` values (xxh64 of the form).
    """

    def __init__(self, max_words: int = 200_000) -> None:  # about 40 MB (~75k forms in 5,000 news-length articles)
        self.words = TokenHasher(max_entries=max_words)
        self.stems = _StemHasher(max_entries=max_words)

    def hashes(self, words: list[str], content: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """(hash of each word, hash of the stem of each content word)."""
        return self.words(words), self.stems(content)


_WORDS = _WordTable()


def _sentence_ids(text: str, starts: np.ndarray, max_words: int) -> np.ndarray:
    """Sentence index of every word token, run-on sentences cut into chunks of ``max_words``."""
    ends = [m.end() for m in _SENTENCE_BREAK.finditer(text)] + [m.end() for m in _HEADING_BREAK.finditer(text)]
    breaks = np.unique(np.array(ends, dtype=np.int64))
    raw = np.searchsorted(breaks, starts, side="right")
    first = np.r_[0, np.flatnonzero(np.diff(raw)) + 1] if len(raw) else np.zeros(0, dtype=np.int64)
    rank = np.arange(len(raw)) - np.repeat(first, np.diff(np.r_[first, len(raw)]))
    key = raw.astype(np.int64) * 1_000_003 + rank // max_words
    return np.unique(key, return_inverse=True)[1].astype(np.int64)


def _merge_short(sent: np.ndarray, content: np.ndarray, min_terms: int) -> np.ndarray:
    """Glue sentences with too few content words to the next one (the last ones to the previous one)."""
    if len(sent) == 0:
        return sent
    n = int(sent.max()) + 1
    counts = np.bincount(sent[content], minlength=n).tolist()
    target = list(range(n))
    pending: list[int] = []
    held = 0  # content words of the pending sentences
    for s in range(n):
        pending.append(s)
        held += counts[s]
        if held >= min_terms:
            for q in pending:
                target[q] = s
            pending, held = [], 0
    if pending:
        glue = target[pending[0] - 1] if pending[0] > 0 else pending[-1]
        for q in pending:
            target[q] = glue
    return np.unique(np.array(target, dtype=np.int64), return_inverse=True)[1][sent]


@dataclass(frozen=True)
class _Entries:
    vocab: np.ndarray
    df: np.ndarray
    sent: np.ndarray
    term: np.ndarray
    tf: np.ndarray
    ptr: np.ndarray


def _entries(term_hash: np.ndarray, term_sent: np.ndarray, n_sentences: int) -> _Entries:
    """Distinct (sentence, stem) entries with their counts, sorted by sentence then stem."""
    vocab, term = np.unique(term_hash, return_inverse=True)
    keys, tf = np.unique(term_sent.astype(np.int64) * max(len(vocab), 1) + term, return_counts=True)
    sent, term = np.divmod(keys, max(len(vocab), 1))
    ptr = np.searchsorted(sent, np.arange(n_sentences + 1))
    df = np.bincount(term, minlength=len(vocab))
    return _Entries(vocab, df, sent, term, tf.astype(np.float64), ptr)


def _words(text: str) -> tuple[list[str], np.ndarray, np.ndarray]:
    """The word tokens of ``text`` and their start and end offsets.

    Read off ``re.split`` (words at odd indices, each piece's length giving the offsets through a cumulative sum)
    rather than a Match object per word: the same tokens, in about half the time.
    """
    parts = _WORD_SPLIT.split(text)
    raw = parts[1::2]
    bounds = np.cumsum(np.fromiter(map(len, parts), dtype=np.int64, count=len(parts)))
    ends = bounds[1::2]
    return raw, ends - np.fromiter(map(len, raw), dtype=np.int64, count=len(raw)), ends


def prepare_text(text: str, min_sentence_terms: int, max_sentence_words: int) -> Prepared:
    """Tokenise, split into sentences, drop stopwords, stem."""
    raw, starts, ends = _words(text)
    words = list(map(str.lower, raw))
    if "\u2019" in text:
        words = [w.replace("\u2019", "'") for w in words]
    is_stopword = list(map(STOPWORDS.__contains__, words))
    content = ~np.array(is_stopword, dtype=bool)
    sent = _merge_short(_sentence_ids(text, starts, max_sentence_words), content, min_sentence_terms)
    word_hash, term_hash = _WORDS.hashes(words, list(compress(words, content.tolist())))
    n = int(sent.max()) + 1 if len(sent) else 0
    sent_start = np.full(n, len(text), dtype=np.int64)
    sent_end = np.zeros(n, dtype=np.int64)
    np.minimum.at(sent_start, sent, starts)
    np.maximum.at(sent_end, sent, ends)
    sent_end = np.fromiter((extend_over_punct(text, e) for e in sent_end.tolist()), dtype=np.int64, count=n)
    entries = _entries(term_hash, sent[content], n)
    return Prepared(
        text=text,
        word_start=starts,
        word_end=ends,
        word_hash=word_hash,
        trigram_hash=ngram_hashes(word_hash, 3),
        vocab=entries.vocab,
        df=entries.df,
        entry_sent=entries.sent,
        entry_term=entries.term,
        entry_tf=entries.tf,
        sent_ptr=entries.ptr,
        sent_start=sent_start,
        sent_end=sent_end,
    )
