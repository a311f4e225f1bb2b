"""Text helpers shared by the text-based signals: sentence and paragraph spans, lexicon -> compiled regex.

Everything returns character offsets into the original string, so evidence spans index ``doc.text`` directly.

>>> sentence_spans("Mr. Smith left. He said “no.” Then he went home.")
[(0, 15), (16, 29), (30, 48)]
"""

from __future__ import annotations

import math
import re
from re import _constants, _parser  # type: ignore[attr-defined]  # read-only use: LiteralGate
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache, wraps
from itertools import accumulate, chain, compress
from typing import AbstractSet, Any, Callable, Iterable, KeysView, Mapping, Sequence, TypeVar

import numpy as np

from ._phrases import Tokens, folded_tokens

T = TypeVar("T")

# Tokens that end with a full stop but do not end a sentence ("Mr. Smith", "U.S. officials").
_ABBREVIATIONS = frozenset(
    """mr mrs ms dr prof gen sen rep gov lt col capt maj sgt st jr sr inc corp co ltd no vs etc approx
    jan feb mar apr jun jul aug sep sept oct nov dec u.s u.k u.n e.u u.s.a d.c a.m p.m i.e e.g""".split()
)
# A candidate sentence end: terminal punctuation, optional closing quote/bracket, then white space.
# Written as one character class and then the branches it opens ("[.!?…]+…|\n\s*\n|\n(?=\s*\S)"): a pattern that
# opens with a class is scanned in C for it, an alternation of repeats is tried at every position.
_END = re.compile(r"[.!?…\n](?:(?<=[.!?…])[.!?…]*[”’\"')\]]*(?=\s)|(?<=\n)\s*\n|(?<=\n)(?=\s*\S))")
_END_WRAPPED = re.compile(r"[.!?…\n](?:(?<=[.!?…])[.!?…]*[”’\"')\]]*(?=\s)|(?<=\n)\s*\n)")
_TOKEN_BEFORE = re.compile(r"([A-Za-z][A-Za-z.]*)\.$")
_PARAGRAPH = re.compile(r"[^\n]+(?:\n(?!\s*\n)[^\n]+)*")
WORD = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)*")


def sentence_spans(text: str, *, hard_wrapped: bool = False) -> list[tuple[int, int]]:
    """(start, end) of each sentence, white space trimmed. A line break ends a sentence: in scraped copy a line
    is a paragraph, and a sentence running over one is a defect garbled_text reports. In ``hard_wrapped``
    text (lines cut at a fixed width) only a blank line does."""
    spans: list[tuple[int, int]] = []
    start = 0
    for m in (_END_WRAPPED if hard_wrapped else _END).finditer(text):
        if m.group(0)[0] == "." and _is_abbreviation(text, m.start()):
            continue
        _append_trimmed(spans, text, start, m.end())
        start = m.end()
    _append_trimmed(spans, text, start, len(text))
    return spans


def _is_abbreviation(text: str, dot: int) -> bool:
    m = _TOKEN_BEFORE.search(text, max(0, dot - 12), dot + 1)
    if m is None:
        return False
    token = m.group(1).lower().rstrip(".")
    # A single capital letter before a dot is an initial ("Jens M. Stoltenberg").
    return token in _ABBREVIATIONS or (len(token) == 1 and text[dot - 1].isupper())


def _append_trimmed(spans: list[tuple[int, int]], text: str, start: int, end: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append((start, end))


def paragraph_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each block of non-blank lines."""
    return [(m.start(), m.end()) for m in _PARAGRAPH.finditer(text)]


def line_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each non-blank line, surrounding white space trimmed."""
    spans: list[tuple[int, int]] = []
    for m in re.finditer(r"[^\n]+", text):
        _append_trimmed(spans, text, m.start(), m.end())
    return spans


def last_call(fn: Callable[..., T]) -> Callable[..., T]:
    """``fn`` remembering its result for its last arguments, compared by identity. Signals run one document at a time,
    so what one signal works out about a text (its attributions, its substring tests) is asked again by the next
    while the same text object is current; one entry, so nothing accumulates."""
    last: list[Any] = [(), None]

    @wraps(fn)
    def remembered(*args: Any) -> T:
        held, result = last
        if len(held) == len(args) and all(a is b for a, b in zip(held, args)):
            return result  # type: ignore[no-any-return]
        result = fn(*args)
        last[:] = [args, result]
        return result

    return remembered


def word_count(text: str) -> int:
    """Words as the phrase table splits them: the split is shared with other signals, so counting is free."""
    return len(folded_tokens(text).words)


def phrase_regex(phrase: str) -> str:
    """A lexicon phrase as a regex: literal words, any run of white space between them, curly or straight
    apostrophes alike. Phrases starting with ``re:`` are taken as regular expressions verbatim."""
    if phrase.startswith("re:"):
        return phrase[3:]
    words = [re.escape(w).replace("'", "['’]").replace("’", "['’]") for w in phrase.split()]
    return r"\s+".join(words)


def compile_phrases(phrases: Iterable[str], *, flags: int = re.IGNORECASE) -> re.Pattern[str] | None:
    """One pattern over all phrases, whole words only; the longest phrase at a position wins."""
    body = alternation(phrases)
    if body == "(?!)":
        return None
    return re.compile(r"(?<![\w-])" + body + r"(?![\w-])", flags)


def alternation(words: Iterable[str]) -> str:
    """Non-capturing regex group matching any of ``words`` (lexicon phrases, see :func:`phrase_regex`).

    Literal phrases are merged into a trie ("say|says|said" -> "sa(?:y(?:s)?|id)"): Python's regex engine tries
    alternatives one by one, so a flat list of 200 verbs costs 200 attempts per position, a trie only a few.
    """
    items = {w.strip() for w in words if w.strip()}
    regexes = sorted((w[3:] for w in items if w.startswith("re:")), key=len, reverse=True)
    trie = _trie(w for w in items if not w.startswith("re:"))
    parts = ([_emit(trie)] if trie else []) + regexes
    return "(?:" + "|".join(parts) + ")" if parts else "(?!)"


_LEAF = ""  # trie key marking that a phrase ends at this node


def _trie(words: Iterable[str]) -> dict[str, dict]:
    root: dict[str, dict] = {}
    for word in words:
        node = root
        for unit in _units(word):
            node = node.setdefault(unit, {})
        node[_LEAF] = {}
    return root


def _units(word: str) -> list[str]:
    """Characters of a phrase, with any white space run as one " " and both apostrophes as "'"."""
    return list(" ".join(word.split()).replace("’", "'"))


def _emit(node: dict[str, dict]) -> str:
    branches = [_unit_regex(unit) + _emit(child) for unit, child in sorted(node.items()) if unit != _LEAF]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if _LEAF in node:  # a phrase may end here: the longer continuation is tried first (greedy)
        return (body if len(branches) == 1 and len(body) == 1 else f"(?:{body})") + "?"
    return body


def _unit_regex(unit: str) -> str:
    if unit == " ":
        return r"\s+"
    if unit == "'":
        return "['’]"
    return re.escape(unit)


def strings(section: Mapping[str, object], key: str) -> list[str]:
    """A list of strings from a lexicon table; a missing key is an empty list."""
    value = section.get(key, [])
    return [str(v) for v in value] if isinstance(value, (list, tuple)) else []


def saturate(count: float, scale: float) -> float:
    """0 for nothing, approaching 1 as ``count`` grows: ``1 - exp(-count / scale)``."""
    if count <= 0 or scale <= 0:
        return 0.0
    return 1.0 - math.exp(-count / scale)


def clamp01(value: float) -> float:
    return 0.0 if value < 0 else 1.0 if value > 1 else float(value)


def index_of(spans: Sequence[tuple[int, int]], offset: int) -> int:
    """Index of the span containing ``offset`` (spans sorted, non-overlapping); -1 if none."""
    lo, hi = 0, len(spans) - 1
    while lo <= hi:
        mid = (lo + hi) // 2
        start, end = spans[mid]
        if offset < start:
            hi = mid - 1
        elif offset >= end:
            lo = mid + 1
        else:
            return mid
    return -1


def excerpt(text: str, start: int, end: int, limit: int = 80) -> str:
    """A short quotation of ``text[start:end]`` for notes."""
    snippet = " ".join(text[start:end].split())
    return snippet if len(snippet) <= limit else snippet[: limit - 1] + "…"


@dataclass(frozen=True)
class CueSet:
    """Several kinds of cue; each match knows its kind's note.

    Built from lexicon tables of the form ``{kind: {"note": "...", "cues": [...]}}``. ``whole_line`` cues
    count only when they fill a line by themselves ("Related Articles" as a heading, not in a sentence) and are
    tried only at line starts; other cues are tried at the word starts that can begin them (:class:`Scanner`).
    """

    scanners: tuple[tuple[Scanner, str], ...]  # (scanner, note)
    whole_line: bool

    @classmethod
    def build(cls, tables: Mapping[str, object], *, whole_line: bool = False) -> "CueSet":
        scanners = []
        for kind, table in sorted(tables.items()):
            if not isinstance(table, Mapping):
                continue
            cues = strings(table, "cues")
            note = str(table.get("note", kind))
            if whole_line and cues:
                line = re.compile(r"[ \t•·|*>#-]*(" + alternation(cues) + r")[ \t.:!|]*(?:\n|$)", re.IGNORECASE)
                scanners.append((Scanner(line, None), note))
            elif cues:
                scanners += [(scanner, note) for scanner in phrase_scanners(cues)]
        return cls(tuple(scanners), whole_line)

    def find(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, note) of every cue, spans trimmed to the cue itself."""
        out = []
        starts = [0, *(m.end() for m in _NEWLINE.finditer(text))] if self.whole_line else []
        for scanner, note in self.scanners:
            if self.whole_line:
                found = (scanner.pattern.match(text, start) for start in starts)
                out += [(m.start(1), m.end(1), note) for m in found if m is not None]
            else:
                out += [(m.start(), m.end(), note) for m in scanner.finditer(text)]
        return sorted(out)


_NEWLINE = re.compile(r"\n")


# Word starts, found once per text and shared by the signals: matching a lexicon only where a word begins
# (and only where that word can begin a cue) is far cheaper than letting the regex engine try every offset.
# Splitting on the words gives gap, word, gap, ..., gap: the pieces tile the text, so a word's offset is the
# running length of the pieces before it (summed in C, not counted word by word in Python).
# A word is a run of ASCII letters, lowercased.
_WORD_SPLIT = re.compile(r"([A-Za-z]+)")


# The first words of every Scanner built so far: an index groups the starts of these words only (in one C-level
# filtering pass); most words of a text no lexicon ever asks for. The version tells an index built before a new
# scanner registered its words, which then answers from the full word list instead.
_ASKED: set[str] = set()
_asked_version = 0


def _register_first_words(words: frozenset[str]) -> None:
    global _asked_version
    if not words <= _ASKED:
        _ASKED.update(words)
        _asked_version += 1


class WordIndex:
    """Where the words of a text start: all words, capitalised words, and the starts of a given lowercase word."""

    def __init__(self, text: str) -> None:
        # The words are read off the phrase table's split of the lowered text, shared with garbled_text so a text
        # is split once. A text holding a letter whose lowercase is longer or an ASCII letter ("İ", the Kelvin
        # sign; lowered_for_gates is None) is split here instead and its words lowered one by one.
        if lowered_for_gates(text) is None:
            parts = _WORD_SPLIT.split(text)
            self._words = [w.lower() for w in parts[1::2]]
            self.offsets: list[int] = list(accumulate(map(len, parts)))[0:-1:2]
            self.capitalised: list[int] = list(compress(self.offsets, map(str.isupper, map(text.__getitem__, self.offsets))))
        else:
            tokens = folded_tokens(text)
            self._words, self.offsets = _words_of_tokens(tokens)
            self.capitalised = _capitalised(text, tokens)
        self._version = _asked_version
        self._starts: dict[str, list[int]] = {}
        for word, offset in compress(zip(self._words, self.offsets), map(_ASKED.__contains__, self._words)):
            self._starts.setdefault(word, []).append(offset)
        self._all: KeysView[str] | None = None

    def present(self, words: frozenset[str]) -> AbstractSet[str]:
        """Those of ``words`` (lowercase) that the text uses."""
        if self._version == _asked_version:  # every scanner's words were known when this index was built
            return words.intersection(self._starts)  # iterates the few grouped words, not the lexicon
        if self._all is None:
            self._all = dict.fromkeys(self._words).keys()
        return words & self._all

    def starts(self, word: str) -> list[int]:
        """Offsets of every use of ``word`` (one of :meth:`present`), in text order."""
        found = self._starts.get(word)
        if found is None:  # a word first asked for after this index was built
            found = [offset for w, offset in zip(self._words, self.offsets) if w == word]
            self._starts[word] = found
        return found


def _words_of_tokens(tokens: Tokens) -> tuple[list[str], list[int]]:
    """The words and their offsets, read off the phrase table's split of the same text (shared, so the text is
    split once). There a word is a run of a-z in the lowered text with "’" as "'", the same runs as ours, except
    that "don't" or "Kyiv's" is one token: those few are cut at their apostrophe."""
    words = tokens.words
    starts = tokens.bounds[0:-1:2].tolist()
    if "'" not in tokens.folded:
        return words, starts
    at, inside = tokens.folded.find("'"), set()
    while at >= 0:  # a text holds few apostrophes; the word before each may be a "Kyiv's"
        i = bisect_right(starts, at) - 1
        if i >= 0 and "'" in words[i]:
            inside.add(i)
        at = tokens.folded.find("'", at + 1)
    joined = sorted(inside)
    out_words: list[str] = []
    out_starts: list[int] = []
    done = 0
    for i in joined:
        out_words += words[done:i]
        out_starts += starts[done:i]
        head, tail = words[i].split("'")
        out_words += (head, tail)
        out_starts += (starts[i], starts[i] + len(head) + 1)
        done = i + 1
    out_words += words[done:]
    out_starts += starts[done:]
    return out_words, out_starts


def _capitalised(text: str, tokens: Tokens) -> list[int]:
    """Offsets of the words of :func:`_words_of_tokens` that start with a capital, read with numpy. A word starts with
    a letter that folds to one of a-z; such a letter is uppercase exactly when folding changed it (true of every
    character, by a scan of all of Unicode), so the text's codes are compared with the folded ones there."""
    folded = tokens.codes
    starts = tokens.bounds[0:-1:2]
    apostrophes = np.flatnonzero(folded == 39)
    if len(apostrophes) and len(starts):  # a word holding one ("kyiv's") is cut there: its second part starts after it
        word = np.searchsorted(tokens.bounds[1::2], apostrophes, side="right")  # the first word ending after it
        ends_after = word < len(starts)
        inside = apostrophes[ends_after][starts[word[ends_after]] < apostrophes[ends_after]]
        starts = np.sort(np.concatenate((starts, inside + 1)))  # never a word start already: no duplicates
    if text.isascii():
        original = np.frombuffer(text.encode("ascii"), dtype=np.uint8)
    else:
        original = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    return starts[original[starts] != folded[starts]].tolist()


@lru_cache(maxsize=64)
def word_index(text: str) -> WordIndex:
    return WordIndex(text)


@dataclass(frozen=True)
class Scanner:
    """A regex tried only at word starts whose word is in ``first_words`` (all word starts if None)."""

    pattern: re.Pattern[str]
    first_words: frozenset[str] | None
    anywhere: bool = False  # a free regular expression: it may start with a digit or a sign, so scan it all
    gate: "LiteralGate | None" = None  # for an ``anywhere`` scan: skip texts lacking the literals a match needs
    # The opening of every match when it is a chain of words ("NATO Secretary General Jens Stoltenberg" before
    # "said"). If the pattern fails at a word start where the chain matches, it fails at each later word of that
    # chain after white space too: what follows a chain cannot tell where it began, and every end reachable from
    # the later word is reachable from the first. Skipping those words makes a long run of capitalised words
    # (a tag list, a title-case menu) one pass instead of one pass per word.
    chain: re.Pattern[str] | None = None
    # ``first_words`` were read off a regular expression (:func:`regex_first_words`): they hold for texts whose
    # letters re.IGNORECASE compares as ASCII, so a text with "ſ", "ı", "İ" or the Kelvin sign is scanned whole.
    scan_folded: bool = False
    reach: "Reach | None" = None  # a word every match reaches: starts that cannot get there are not tried

    def __post_init__(self) -> None:
        if self.first_words:
            _register_first_words(self.first_words)
        if self.reach is not None:
            _register_first_words(self.reach.words)

    def finditer(self, text: str, *, capitalised: bool = False) -> list[re.Match[str]]:
        """Non-overlapping matches, left to right; ``capitalised`` tries only words starting in uppercase."""
        if self.anywhere or self.scan_folded and lowered_for_gates(text) is None:
            if self.gate is not None and not self.gate.may_match(text, lowered_for_gates(text)):
                return []
            return [m for m in self.pattern.finditer(text) if m.end() > m.start()]
        index = word_index(text)
        if self.first_words is None:
            candidates: Iterable[int] = index.capitalised if capitalised else index.offsets
        else:
            present = index.present(self.first_words)
            candidates = sorted(chain.from_iterable(map(index.starts, present)))
            if capitalised:
                candidates = [o for o in candidates if text[o].isupper()]
        if self.reach is not None:
            candidates = self.reach.viable(text, index, candidates)
        out: list[re.Match[str]] = []
        last_end = chain_end = 0
        match = self.pattern.match
        for offset in candidates:
            if offset < last_end or offset < chain_end and text[offset - 1].isspace():
                continue
            m = match(text, offset)
            if m is not None and m.end() > m.start():
                out.append(m)
                last_end = m.end()
            elif m is None and self.chain is not None:
                found = self.chain.match(text, offset)
                chain_end = found.end() if found is not None else chain_end
        return out


@dataclass(frozen=True)
class Reach:
    """A word every match of a pattern reaches, and what can never lie between a match's start and that word.

    anonymous_framing's "<Name> [agency] [has long] said" reaches a reporting verb; between the name's first
    word and the verb there is no comma, quote or bracket, and no lowercase word but a particle ("von"), an
    organisation head ("agency") or an auxiliary ("has"). A start with such a ``barrier`` before the next word in
    ``words`` cannot match: a farther word would only put more text, and the same barrier, in between.
    """

    words: frozenset[str]  # lowercase first words of what every match reaches
    barrier: re.Pattern[str]
    # The pattern ignores case: in a text holding a letter re.IGNORECASE folds to ASCII ("ſaid") the word index
    # may not see the word reached, so no candidate is dropped there.
    ignorecase: bool = False

    def viable(self, text: str, index: WordIndex, candidates: Iterable[int]) -> list[int]:
        """The ``candidates`` (sorted offsets) with one of ``words`` after them and no barrier before it."""
        if self.ignorecase and lowered_for_gates(text) is None:
            return list(candidates)
        targets = sorted(chain.from_iterable(map(index.starts, index.present(self.words))))
        out: list[int] = []
        i, barrier_at = 0, -1  # the first barrier at or after the last offset searched from
        for offset in candidates:
            while i < len(targets) and targets[i] <= offset:
                i += 1
            if i == len(targets):
                break  # no word to reach after this offset, nor after any later one
            if barrier_at < offset:
                found = self.barrier.search(text, offset)
                barrier_at = found.start() if found is not None else len(text)
            if barrier_at >= targets[i]:
                out.append(offset)
        return out


def first_word(phrase: str) -> str | None:
    """The lowercase first word of a literal lexicon phrase; None for a "re:" entry (it may start anywhere)."""
    if phrase.startswith("re:"):
        return None
    m = re.search(r"[A-Za-z]+", phrase)
    return m.group().lower() if m else None


def phrase_scanners(phrases: Iterable[str], *, flags: int = re.IGNORECASE) -> list[Scanner]:
    """Scanners for a lexicon: literal phrases keyed by their first word, "re:" entries scanned everywhere."""
    items = [p for p in phrases if p.strip()]
    literal = [p for p in items if first_word(p) is not None]
    regexes = [p for p in items if first_word(p) is None]
    out = []
    if literal:
        pattern = compile_phrases(literal, flags=flags)
        assert pattern is not None
        out.append(Scanner(pattern, frozenset(first_word(p) for p in literal)))  # type: ignore[misc]
    if regexes:
        pattern = compile_phrases(regexes, flags=flags)
        assert pattern is not None
        out.append(regex_scanner(pattern))
    return out


def regex_scanner(pattern: re.Pattern[str]) -> Scanner:
    """A scanner for a free regex: tried at the word starts its matches can begin with when those can be read off
    the regex (:func:`regex_first_words`), else at every position, behind its :class:`LiteralGate`."""
    words = regex_first_words(pattern)
    if words is None:
        return Scanner(pattern, None, anywhere=True, gate=LiteralGate.of(pattern))
    return Scanner(pattern, words, scan_folded=True, gate=LiteralGate.of(pattern))


class _Unknown(Exception):
    """The regex has a part :func:`regex_first_words` does not follow."""


_MAX_FIRST_WORDS = 1000
_ASCII_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")


def regex_first_words(pattern: re.Pattern[str]) -> frozenset[str] | None:
    r"""The lowercase words a match of ``pattern`` can start with, or None when that cannot be told.

    A word is a run of ASCII letters as :func:`word_index` finds them. Known only when every match starts with an
    ASCII letter not preceded by one (``compile_phrases`` puts ``(?<![\w-])`` first) and the letters it starts
    with end before something that is no ASCII letter: white space, a mark, ``(?![\w-])``. Then each match
    starts at a word start whose word is in the set, and the regex need be tried only there. Assertions are
    skipped (the set may grow, never shrink); a part that may or may not be a letter (``\w``, ``.``), or a
    letter repeated without bound, gives None. For texts matched as ASCII (see :class:`Scanner` ``scan_folded``).
    """
    try:
        items = list(_parser.parse(pattern.pattern, pattern.flags))
        open_words, closed = _walk(items, {""}, bool(pattern.flags & re.IGNORECASE))
    except (_Unknown, RecursionError):
        return None
    except Exception:  # the private parser changed shape: scan everywhere, same results
        return None
    if open_words or "" in closed or not closed:
        return None  # a match may end inside a word, or start with something other than a letter
    return frozenset(closed)


def _walk(items: list[tuple[object, object]], open_words: set[str], fold: bool) -> tuple[set[str], set[str]]:
    """Follow a parsed sequence from the words begun so far: (words still open, words ended by a non-letter)."""
    closed: set[str] = set()
    for op, av in items:
        if not open_words:
            break
        open_words, ended = _step(op, av, open_words, fold)
        closed |= ended
        if len(open_words) + len(closed) > _MAX_FIRST_WORDS:
            raise _Unknown
    return open_words, closed


def _step(op: object, av: object, open_words: set[str], fold: bool) -> tuple[set[str], set[str]]:
    if op is _constants.LITERAL:
        letters = _letters_of([(op, av)], fold)
        return ({w + c for w in open_words for c in letters}, set()) if letters else (set(), open_words)
    if op is _constants.IN:
        letters = _letters_of(av, fold)  # type: ignore[arg-type]
        return ({w + c for w in open_words for c in letters}, set()) if letters else (set(), open_words)
    if op is _constants.SUBPATTERN:
        _group, add, remove, sub = av  # type: ignore[misc]
        return _walk(list(sub), open_words, (fold or bool(add & re.IGNORECASE)) and not remove & re.IGNORECASE)
    if op is _constants.BRANCH:
        still, closed = set(), set()
        for branch in av[1]:  # type: ignore[index]
            o, c = _walk(list(branch), set(open_words), fold)
            still |= o
            closed |= c
        return still, closed
    if op in (_constants.MAX_REPEAT, _constants.MIN_REPEAT, _constants.POSSESSIVE_REPEAT):
        return _repeat(av, open_words, fold)  # type: ignore[arg-type]
    if op is _constants.ASSERT_NOT and _is_not_word_ahead(av):
        return set(), open_words  # "(?![\w-])": the next character is no letter, the word ends here
    if op in (_constants.ASSERT, _constants.ASSERT_NOT, _constants.AT):
        return open_words, set()  # zero width: following it only adds words
    raise _Unknown


def _repeat(av: tuple[int, int, object], open_words: set[str], fold: bool) -> tuple[set[str], set[str]]:
    low, high, sub = av
    still = set(open_words) if low == 0 else set()
    closed: set[str] = set()
    current = open_words
    for count in range(1, min(high, 8) + 1):
        current, ended = _walk(list(sub), set(current), fold)  # type: ignore[call-overload]
        closed |= ended
        if count >= low:
            still |= current
        if not current:
            return still, closed
    if high > 8:
        raise _Unknown  # letters repeated more than a few times: too many words to list
    return still, closed


def _is_not_word_ahead(av: object) -> bool:
    direction, sub = av  # type: ignore[misc]
    items = list(sub)
    return direction == 1 and len(items) == 1 and items[0][0] is _constants.IN and (
        (_constants.CATEGORY, _constants.CATEGORY_WORD) in items[0][1])


def _letters_of(members: list[tuple[object, object]], fold: bool) -> set[str]:
    """The lowercase ASCII letters a character (class) matches: all of what it matches, or nothing of it."""
    letters, others = set(), False
    for op, av in members:
        if op is _constants.LITERAL:
            chars = [chr(av)]  # type: ignore[arg-type]
        elif op is _constants.RANGE:
            low, high = av  # type: ignore[misc]
            if high - low > 0x3000:
                raise _Unknown
            chars = [chr(c) for c in range(low, high + 1)]
        elif op is _constants.CATEGORY and av in (_constants.CATEGORY_SPACE, _constants.CATEGORY_DIGIT):
            others = True
            continue
        else:
            raise _Unknown  # \w, a negated class, ...
        for c in chars:
            if c in _ASCII_LETTERS:
                letters.add(c.lower())
            elif fold and _FOLDS_TO_ASCII.match(c):
                raise _Unknown  # "ſ" matches "s" under re.IGNORECASE
            else:
                others = True
    if letters and others:
        raise _Unknown
    return letters


# Characters that re.IGNORECASE equates with an ASCII letter although str.lower() does not turn them into it
# ("ı" matches "i", "ſ" matches "s", the Kelvin sign matches "k"; found by scanning all of Unicode). A text
# holding one is never skipped by a LiteralGate, so a gate can only save time, never change a match.
_FOLDS_TO_ASCII = re.compile("[\u0130\u0131\u017f\u212a]")


Literal = tuple[str, bool]  # (text, compared case-insensitively)
Needs = list[list[frozenset[Literal]]]  # any of these alternatives; each needs one literal of every set


@dataclass(frozen=True)
class LiteralGate:
    """A cheap necessary condition for a regex to match, read off the parsed regex: the literal texts a match
    must contain ("views" or "shares" for a view counter). C substring searches rule most texts out for a
    fraction of a regex scan; a text the gate lets through is scanned as before, so results never change."""

    needs: tuple[tuple[frozenset[Literal], ...], ...]

    @classmethod
    def of(cls, pattern: re.Pattern[str]) -> "LiteralGate | None":
        """The gate of ``pattern``, or None when some way of matching needs no literal (always run the regex)."""
        try:
            tree = _parser.parse(pattern.pattern, pattern.flags)
            needs = _sequence_needs(list(tree), bool(pattern.flags & re.IGNORECASE))
        except Exception:  # the private parser changed shape: no gate, same results
            return None
        # Testing for "in" or " " costs a scan and rules out nothing: keep the needs of three characters or more,
        # longest first (rarest, so a failing text fails early), and each way of matching once.
        kept = {tuple(sorted({o for o in c if min(len(t) for t, _ in o) >= 3}, key=_selectivity)) for c in needs}
        if not kept or any(not conjunction for conjunction in kept):
            return None
        return cls(tuple(sorted(kept)))

    def may_match(self, text: str, lowered: str | None) -> bool:
        """``lowered`` is ``text.lower()``, or None when the text holds a character in :data:`_FOLDS_TO_ASCII`."""
        for conjunction in self.needs:  # loops, not any(all(...)): no generator per call on the hot path
            for options in conjunction:
                if not _any_in(text, lowered, options):
                    break
            else:
                return True
        return False


def _selectivity(options: frozenset[Literal]) -> tuple[int, list[Literal]]:
    return -min(len(t) for t, _ in options), sorted(options)


def _any_in(text: str, lowered: str | None, options: frozenset[Literal]) -> bool:
    found = _found_in(text, lowered)
    for option in options:
        held = found.get(option)
        if held is None:
            literal, fold = option
            held = found[option] = (fold and lowered is None) or literal in (lowered if fold else text)
        if held:
            return True
    return False


@last_call
def _found_in(text: str, lowered: str | None) -> dict[Literal, bool]:
    """Substring tests remembered for the text gated last: the gates of different cues (and the alternatives of one
    gate) ask about many of the same literals, about a third of all the searches."""
    return {}


@lru_cache(maxsize=64)
def lowered_for_gates(text: str) -> str | None:
    # str.isascii() is a flag CPython keeps on every string: an ASCII text needs no scan for the four letters.
    return None if not text.isascii() and _FOLDS_TO_ASCII.search(text) else text.lower()


def _sequence_needs(items: list[tuple[object, object]], fold: bool) -> Needs:
    """What a parsed regex sequence needs. Elements not understood add no need, which only weakens the gate."""
    conjunction: list[frozenset[Literal]] = []
    alternatives: Needs | None = None  # one element with several ways to match is kept apart, not collapsed
    run: list[str] = []
    for op, av in [*items, (None, None)]:
        if op is _constants.LITERAL:
            run.append(chr(av))  # type: ignore[arg-type]
            continue
        literal = "".join(run)
        run = []
        if literal and not (fold and not literal.isascii()):  # str.lower() folds ASCII as re does
            conjunction.append(frozenset({(literal.lower() if fold else literal, fold)}))
        element = _element_needs(op, av, fold)
        if len(element) == 1:
            conjunction += element[0]
        elif alternatives is None:
            alternatives = element
        else:
            conjunction += _collapse(element)
    if alternatives is None:
        return [conjunction]
    return [[*alternative, *conjunction] for alternative in alternatives]


def _element_needs(op: object, av: object, fold: bool) -> Needs:
    if op is _constants.SUBPATTERN:
        _group, add, remove, sub = av  # type: ignore[misc]
        inner = (fold or bool(add & re.IGNORECASE)) and not remove & re.IGNORECASE
        return _sequence_needs(list(sub), inner)
    if op is _constants.BRANCH:
        out: Needs = []
        for branch in av[1]:  # type: ignore[index]
            found = _sequence_needs(list(branch), fold)
            if any(not conjunction for conjunction in found):
                return [[]]  # one way through needs nothing, so the branch needs nothing
            out += found
        return out
    if op in (_constants.MAX_REPEAT, _constants.MIN_REPEAT, _constants.POSSESSIVE_REPEAT):
        low, _high, sub = av  # type: ignore[misc]
        return _sequence_needs(list(sub), fold) if low >= 1 else [[]]
    return [[]]


def _collapse(alternatives: Needs) -> list[frozenset[Literal]]:
    """One set needed by any of several alternatives: the union of each one's longest-literal set."""
    if any(not conjunction for conjunction in alternatives):
        return []
    best = [max(conj, key=lambda options: min(len(t) for t, _ in options)) for conj in alternatives]
    return [frozenset().union(*best)]
