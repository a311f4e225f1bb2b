"""garbled_text — the share of sentences a careful editor would reject, and how machine-made the whole text reads.

Three kinds of evidence, all pointing at spans of the text:

- mechanical defects, found by rules: quotation marks glued to words (``“mentioned”Stoltenberg``) or left
  unbalanced, a sentence broken by a line break ("former U.S." / "President Joe Biden"), doubled words or
  hyphen parts ("the the", "full-full-fledged"), proper adjectives in lowercase ("russian") and odd numerals
  ("1000's", "tens, thousands"). Each makes its sentence garbled;
- machine-made text as a whole: the mean word-pair PMI (synonyms spread thinly over every sentence), two
  word-order models of :mod:`._style` (one learned from PAN13's translation round trips, one from spun and
  machine-translated news: translationese such as "About the delay informed on Monday the representatives") and
  the thesaurus swaps of :mod:`._swaps` (words a synonym would fit far better), turned into one P(machine-made)
  by a logistic model fitted on labelled news (``tools/fit_garbled_text.py``);
- cues that add nothing by default but are shown where the whole text reads machine-made: sentences whose word
  pairs clean English avoids ("pressing assembly"), and non-words ("gmrim"), which may be a translation's
  leftovers but in regional and sports copy are mostly loanwords ("kuia", "dohyo"). ``wording_weight`` and
  ``nonword_weight`` make them count.

The value is the density of garbled sentences, reaching 1 at ``full_density`` (config ``[signals.garbled_text]``),
plus up to ``machine_weight`` as that probability rises above ``machine_floor``.
Conventions the rules check (doubles allowed, proper adjectives, abbreviations) are in
``config/lexicons/garbled_text.toml``.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_right
from dataclasses import dataclass
from typing import Callable, Mapping

import numpy as np

from ..metadata import is_byline
from ..model import Document, Evidence, Signal
from . import SignalContext
from ._phrases import PairScores, PhraseTable, default_table
from ._style import NEWS_MODEL_PATH, Classifier, StyleModel, StyleScores, default_model, rescore, token_ids
from ._swaps import Swap, SwapScores, default_thesaurus, load_model
from ._swaps import score as swap_score
from ._style import score as style_score
from ._text import Scanner, alternation, clamp01, compile_phrases, index_of, line_spans, paragraph_spans, sentence_spans, strings

NAME = "garbled_text"

Hit = tuple[int, int, str]

_QUOTE = re.compile(r"[“”\"]")
# The plural 's is found first (a quick scan for the apostrophe; a look-behind would be tried at every
# character), then a digit must precede it; the number is read backwards from there.
_APOSTROPHE_S = re.compile(r"['’]s\b")
_HYPHEN = re.compile("-")
_ODD_NUMBER = re.compile(r"(?:\d{1,3}(?:,\d{3})+|\d*000|\d00)$")
_DEFAULTS: Mapping[str, float] = {
    "full_density": 0.25, "min_pairs": 3, "pmi_threshold": 0.25, "pmi_scale": 0.25, "min_word_log_p": -8.0,
    "prior_pmi": 1.2, "prior_weight": 3.0, "min_oddness": 0.5, "min_nonword_letters": 4,
    "text_min_word_log_p": -12.0, "text_max_word_log_p": -6.9, "text_min_pairs": 20, "style_min_tokens": 40,
    "joint_intercept": 0.0, "joint_pmi": 0.0, "joint_order": 0.0, "joint_news_order": 0.0, "joint_swaps": 0.0,
    "joint_spread": 0.0, "clean_pmi": 1.2, "clean_order": 0.0, "clean_news_order": 0.0, "clean_swaps": 0.0,
    "clean_spread": 0.0, "min_lean": 0.5, "plain_intercept": 0.0, "plain_pmi": 0.0, "plain_order": 0.0,
    "plain_news_order": 0.0, "machine_base_rate": 0.1, "machine_floor": 0.02, "machine_min_added": 0.0,
    "machine_weight": 2.0, "nonword_weight": 1.0, "wording_weight": 0.0,
    "swap_check": 1.0, "swaps_min_words": 20, "swap_min_margin": 3.0,
}


@dataclass(frozen=True)
class Rules:
    allowed_doubles: frozenset[str]
    lower_proper: Scanner | None
    lower_exceptions: re.Pattern[str] | None
    comma_multiplier: re.Pattern[str]
    multiplier_before: re.Pattern[str]
    ends_abbreviation: re.Pattern[str]
    ends_country: re.Pattern[str]
    starts_title: re.Pattern[str]
    ends_dangling: re.Pattern[str]
    swap_skip: frozenset[str]


def build_rules(lexicon: Mapping[str, object]) -> Rules:
    mult = alternation(strings(lexicon, "multipliers"))
    proper = [w.lower() for w in strings(lexicon, "proper_adjectives")]
    return Rules(
        allowed_doubles=frozenset(w.lower() for w in strings(lexicon, "allowed_doubles")),
        # Case-sensitive on purpose: only the lowercase spelling is a defect.
        lower_proper=Scanner(re.compile(r"(?<![\w@#/.’'-])" + alternation(proper) + r"(?![\w-])"), frozenset(proper))
        if proper
        else None,
        lower_exceptions=compile_phrases(strings(lexicon, "proper_adjective_exceptions"), flags=0),
        # Scanned from the comma (a literal is fast to find), then the word before it is checked.
        comma_multiplier=re.compile(rf",\s*(?:of\s+)?{mult}\b", re.IGNORECASE),
        multiplier_before=re.compile(rf"\b{mult}\s*$", re.IGNORECASE),
        ends_abbreviation=re.compile(r"(?:^|\s)" + alternation(strings(lexicon, "continuation_abbreviations")) + r"$"),
        ends_country=re.compile(r"\s[a-z][\w-]*\s+" + alternation(strings(lexicon, "country_abbreviations")) + r"$"),
        starts_title=re.compile(alternation(strings(lexicon, "continuation_titles")) + r"(?![\w-])"),
        ends_dangling=re.compile(r"\s" + alternation(strings(lexicon, "dangling_words")) + r"$", re.IGNORECASE),
        swap_skip=frozenset(w.lower() for w in strings(lexicon, "swap_skip")),
    )


def _known_words() -> frozenset[str]:
    from wordfreq import get_frequency_dict

    return frozenset(get_frequency_dict("en"))


def _rules(ctx: SignalContext) -> Rules:
    return ctx.resource(f"{NAME}.rules", lambda: build_rules(ctx.config.lexicon(NAME)))


def _classifier(ctx: SignalContext) -> Classifier:
    """Words to word classes, as both word-order models read them (they share their function words)."""
    style = ctx.resource(f"{NAME}.style", default_model)
    return ctx.resource(f"{NAME}.style_classes", lambda: Classifier(list(style.function_words)))


def compute(doc: Document, ctx: SignalContext) -> Signal:
    rules = _rules(ctx)
    table = ctx.resource(f"{NAME}.table", default_table)
    styles = (ctx.resource(f"{NAME}.style", default_model),
              ctx.resource(f"{NAME}.news_style", lambda: default_model(NEWS_MODEL_PATH)))
    classifier = _classifier(ctx)
    known = ctx.resource(f"{NAME}.known_words", _known_words)
    params = {**_DEFAULTS, **ctx.config.section("signals", NAME)}
    model = ctx.resource(f"{NAME}.language_model", load_model) if params["swap_check"] else None
    thesaurus = ctx.resource(f"{NAME}.thesaurus", default_thesaurus) if model is not None else {}
    text = doc.text
    lines, breaks, wrapped, sentences = _read_lines(text, rules)
    scores = table.score(text)
    min_letters = int(params["min_nonword_letters"])
    nonword = lambda s, e: _is_nonword(text, s, e, table, known, min_letters)  # noqa: E731
    defects = [*_broken_lines(text, breaks, wrapped), *_defects(text, lines, scores, rules)]
    nonwords = _nonwords(text, scores, nonword)
    oddness, unusual = _unusual_wording(text, sentences, scores, params)
    swaps = (swap_score(text, sentences, thesaurus, model, rules.swap_skip, spread_margin=params["swap_min_margin"])
             if model is not None else None)
    whole = _whole_text(text, sentences, scores, styles, classifier, swaps, params)
    return _signal(text, sentences, defects, nonwords, unusual, oddness, params, whole)


def _read_lines(text: str, rules: Rules) -> tuple[list[tuple[int, int]], list[Hit], bool, list[tuple[int, int]]]:
    """Lines, line breaks inside a sentence, whether the copy is hard-wrapped, and sentences."""
    lines = line_spans(text)
    breaks = _run_on_breaks(text, lines, rules)
    wrapped = _is_hard_wrapped(text, breaks, lines)
    return lines, breaks, wrapped, sentence_spans(text, hard_wrapped=wrapped)


def word_classes(text: str, ctx: SignalContext) -> np.ndarray:
    """The word-class ids both word-order models read in ``text``, as :func:`compute` reads them
    (``tools/fit_garbled_text.py`` learns the news model from them)."""
    return token_ids(text, _read_lines(text, _rules(ctx))[3], _classifier(ctx))


def _defects(text: str, lines: list[tuple[int, int]], scores: PairScores, rules: Rules) -> list[Hit]:
    """Every mechanical defect but broken lines: the rule-based ones and doubled words."""
    quotes = [m.start() for m in _QUOTE.finditer(text)]
    hits: list[Hit] = []
    for finder in _RULES:
        hits += finder(text, lines, quotes, rules)
    hits += _doubled(text, scores.repeats, rules)
    return hits


def _nonwords(text: str, scores: PairScores, nonword: Callable[[int, int], bool]) -> list[Hit]:
    """Words no English word list holds: an untranslated leftover ("mazut") — or a loanword of regional English
    ("kuia", "stopbanks"), which is why one weighs less than a mechanical defect (``nonword_weight``)."""
    return [
        (s, e, f"“{text[s:e]}” is not an English word (a machine-translation or spinner leftover, or a loanword?)")
        for s, e in scores.unknown
        if nonword(s, e)
    ]


def _signal(
    text: str,
    sentences: list[tuple[int, int]],
    defects: list[Hit],
    nonwords: list[Hit],
    unusual: list[Hit],
    oddness: np.ndarray,
    params: Mapping[str, float],
    whole: WholeText,
) -> Signal:
    """Value = share of garbled sentences (a defect makes a sentence fully garbled; a non-word counts
    ``nonword_weight``; a sentence's unusual wording ``wording_weight`` of its oddness), raised by what the whole
    text's statistics add.

    The whole-text model already weighs the text's word pairs, fitted on labelled news; counting each sentence's
    unusual wording as well weighs the same evidence twice, unfitted (development sets, leave-one-set-out: value
    AUC 0.952 counting it, 0.959 not). So by default (``wording_weight = 0``) those sentences are shown only when
    the word pairs lean the text towards machine-made, as where that lean comes from. Non-words likewise
    (``nonword_weight = 0``): in the blind sets they are loanwords of clean regional and sports copy ("dohyo",
    "makuuchi") far more often than a translation's leftovers, which the whole-text statistics catch anyway (17
    development sets, value AUC 0.941 at 0.5, 0.947 at 0)."""
    garbled = oddness * float(params["wording_weight"])
    with_nonword = list({index_of(sentences, s) for s, _, _ in nonwords} - {-1})
    garbled[with_nonword] = np.maximum(garbled[with_nonword], float(params["nonword_weight"]))
    garbled[list({index_of(sentences, s) for s, _, _ in defects} - {-1})] = 1.0
    flagged = int(np.count_nonzero(garbled >= 0.5))
    counted = max(sum(1 for s, e in sentences if len(text[s:e].split(maxsplit=3)) >= 4), flagged, 1)
    density = float(garbled.sum()) / counted / float(params["full_density"])
    value = clamp01(density + whole.added)
    # Cues that count nothing by themselves (weight 0) are shown only where the whole text reads machine-made (as
    # the summary says), as where that may come from: otherwise clean copy would list loanwords or odd sentences.
    if not params["wording_weight"] and not whole.shows_pairs:
        unusual = []
    if not params["nonword_weight"] and not _reads_machine_made(whole, whole.typical):
        nonwords = []
    defects = [*defects, *nonwords]
    evidence = tuple(Evidence.of(text, s, e, note) for s, e, note in sorted([*defects, *unusual, *whole.hits]))
    details = {
        "garbled_sentences": flagged, "sentences": counted, "defects": len(defects), "unusual_wording": len(unusual),
        "mean_pmi": round(whole.mean_pmi, 3), "word_order": round(whole.word_order, 3),
        "news_word_order": round(whole.news_order, 3), "swap_margin": round(whole.swap_margin, 3),
        "swap_spread": round(whole.swap_spread, 3), "p_machine_made": round(whole.p_machine, 3),
        **{key: round(lean, 3) for key, lean in zip(("lean_word_pairs", "lean_word_order", "lean_word_choice"),
                                                   _by_finding(whole))},
        "word_pairs_judged": whole.judged[0],
        "word_order_tokens": whole.judged[1], "swap_words_checked": whole.judged[3],
    }
    summary = _summary(flagged, counted, value, whole)
    return Signal(NAME, round(value, 4), evidence, summary, details)


def _glued_quotes(text: str, lines: list[tuple[int, int]], quotes: list[int], rules: Rules) -> list[Hit]:
    """A closing quote with a word right after it, or an opening quote right after a word: “mentioned”Stoltenberg."""
    out = []
    for i in quotes:
        before = text[i - 1] if i else " "
        after = text[i + 1] if i + 1 < len(text) else " "
        mark = text[i]
        if mark == "”":
            glued = not before.isspace() and after.isalnum()
        elif mark == "“":
            glued = before.isalnum() or before in ".,;:!?"
        else:  # a straight quote opens or closes; glued if squeezed between text and a letter (not 12"W)
            glued = not before.isspace() and before not in "([{“" and not before.isdigit() and after.isalpha()
        if glued:
            start, end = _word_around(text, i)
            out.append((start, end, "Quotation mark glued to a word: the copy was not proofread"))
    return out


def _unbalanced_quotes(text: str, lines: list[tuple[int, int]], quotes: list[int], rules: Rules) -> list[Hit]:
    """A closing quote nothing opened, or a quote left open where the next paragraph does not continue it
    (news style leaves a quote open only when the next paragraph reopens it)."""
    out: list[Hit] = []
    lines = paragraph_spans(text)  # a quotation may run over a wrapped line, not over a paragraph
    line_starts = [start for start, _ in lines]
    by_line: dict[int, list[int]] = {}
    for i in quotes:
        by_line.setdefault(bisect_right(line_starts, i) - 1, []).append(i)
    for line, marks in by_line.items():
        next_opens = line + 1 < len(lines) and text[lines[line + 1][0]] in "“\""
        open_at = -1
        for i in marks:
            if text[i] == "“":
                open_at = i
            elif text[i] == "”":
                if open_at < 0:
                    out.append((i, i + 1, "Closing quotation mark with no opening one"))
                open_at = -1
        if open_at >= 0 and not next_opens:
            out.append((open_at, open_at + 1, "Quotation opened and never closed"))
        # Straight quotes alternate open / close; one after a digit closes an open quote ("up to 750,000") but opens
        # none: there it is an inch mark (a 12" screen).
        opened = -1
        for i in (i for i in marks if text[i] == '"'):
            if opened >= 0:
                opened = -1
            elif not (i and text[i - 1].isdigit()):
                opened = i
        if opened >= 0 and not next_opens:
            out.append((opened, opened + 1, "Unbalanced quotation marks"))
    return out


def _broken_lines(text: str, breaks: list[Hit], wrapped: bool) -> list[Hit]:
    """A sentence running over a line break. In hard-wrapped text (e-mail, press releases) a single line break
    is the wrapping, not a defect; only a sentence broken by a blank line counts there."""
    if wrapped:
        return [hit for hit in breaks if text.count("\n", hit[0], hit[1]) > 1]
    return breaks


def _run_on_breaks(text: str, lines: list[tuple[int, int]], rules: Rules) -> list[Hit]:
    out = []
    for (s1, e1), (s2, e2) in zip(lines, lines[1:]):
        first, second = text[s1:e1], text[s2:e2]
        if _runs_on(first, second, rules):
            start = s1 + first.rstrip().rfind(" ") + 1
            end = s2 + (len(second.split()[0]) if second.split() else 0)
            out.append((start, end, "Sentence broken by a line break"))
    return out


def _is_hard_wrapped(text: str, breaks: list[Hit], lines: list[tuple[int, int]]) -> bool:
    single = sum(1 for start, end, _ in breaks if text.count("\n", start, end) == 1)
    return single >= _WRAPPED_MIN_BREAKS and single >= _WRAPPED_SHARE * len(lines)


# A list item ("- Profit after tax: Sh214 million", "• Tuesday", "3) Kisumu") and a line opening with an e-mail or web
# address or a phone number (a press release's contact block).
_LIST_ITEM = re.compile(r"\s*(?:[-–—•*·▪]|\d{1,2}[.)])\s")
_CONTACT = re.compile(r"\s*(?:\S+@\S+\.\w|(?:https?://|www\.)\S|\+?\(?\d[\d ()-]{6,}\d\b)")

# Hard wrapping: at least this many single line breaks inside sentences, and at least this share of lines.
_WRAPPED_MIN_BREAKS = 3
_WRAPPED_SHARE = 0.2


def _runs_on(first: str, second: str, rules: Rules) -> bool:
    last = first[-1]
    if not (last.isalpha() or last in ".,") or first.count(" ") < 5:
        return False  # ends in other punctuation, or a short line (a heading, a widget)
    if _LIST_ITEM.match(first) or _CONTACT.match(second):
        return False  # a bullet's line is whole without a full stop; an address or number on its own line is a block
    tail = len(first) - 40  # the patterns are anchored at the end: only the tail can match
    if last == ".":
        if rules.ends_abbreviation.search(first, max(0, tail)):
            return True
        return bool(rules.ends_country.search(first, max(0, tail))) and bool(rules.starts_title.match(second))
    if last.isalpha() and rules.ends_dangling.search(first, max(0, tail)):
        return True
    if not ((last.islower() or last == ",") and second[0].islower()):
        return False
    return not is_byline(second)  # "by: KXAN Staff" under a headline: some sites print bylines in lowercase


def _lowercase_proper(text: str, lines: list[tuple[int, int]], quotes: list[int], rules: Rules) -> list[Hit]:
    if rules.lower_proper is None:
        return []
    out = []
    for m in rules.lower_proper.finditer(text):
        if rules.lower_exceptions is not None and rules.lower_exceptions.match(text, m.start()):
            continue
        out.append((m.start(), m.end(), f"“{m.group()}” should be capitalised"))
    return out


def _odd_numbers(text: str, lines: list[tuple[int, int]], quotes: list[int], rules: Rules) -> list[Hit]:
    out: list[Hit] = []
    for m in _APOSTROPHE_S.finditer(text):
        if not (m.start() and text[m.start() - 1].isdigit()):
            continue  # a possessive ("Japan's"), by far the most common
        number = _ODD_NUMBER.search(text, max(0, m.start() - 16), m.start())
        if number is None:
            continue
        value = int(number.group().replace(",", ""))
        if 1100 <= value <= 2000 and value % 100 == 0:
            continue  # "the 1900's": a century, written the old way
        start = number.start()
        if start and (text[start - 1].isdigit() or text[start - 1] == ","):
            continue  # the end of a longer number already judged ("12,000's" read from "000")
        out.append((start, m.end(), f"Odd numeral “{text[start:m.end()]}” (news style: “thousands”, “1,000s”)"))
    for m in rules.comma_multiplier.finditer(text):
        head = rules.multiplier_before.search(text, max(0, m.start() - 12), m.start())
        if head:
            phrase = text[head.start() : m.end()]
            out.append((head.start(), m.end(), f"“{phrase}”: a garbled quantity (e.g. “tens of thousands”)"))
    return out


_RULES: tuple[Callable[[str, list[tuple[int, int]], list[int], Rules], list[Hit]], ...] = (
    _glued_quotes, _unbalanced_quotes, _lowercase_proper, _odd_numbers,
)


def _doubled(text: str, repeats: tuple[tuple[int, int, str, str], ...], rules: Rules) -> list[Hit]:
    """"the the"; "full-full-fledged" (but not "bye-bye" or "so-so", where the doubling is the word, nor a
    capitalised pair inside a sentence: a name such as "Walla Walla" or "Bora Bora", nor a word before a compound
    that opens with it: "two two-pointers")."""
    out: list[Hit] = []
    for start, end, gap, after in repeats:
        word = text[start : start + (end - start - len(gap)) // 2]
        name = _doubled_name(text, start, start + len(word) + len(gap))
        slip = word.lower() not in rules.allowed_doubles and not name and not _reduplicated(text[end - len(word) : end])
        if gap in (" ", "\t") and after != "-" and slip:
            out.append((start, end, f"Doubled word “{text[start:end]}”"))
        elif gap == "-" and after == "-":
            s, e = _word_around(text, start)
            out.append((s, e, "Doubled word part, as left by a spinner or careless edit"))
    return out


def _reduplicated(second: str) -> bool:
    """A word rare in English doubled, its second half in lowercase: a reduplication borrowed from another language
    ("boda boda", "Mahi mahi"), not a slip. A careless doubling is of a common word ("the the", "to to"); a
    capitalised pair is left to the name rule ("Ukrainska Ukrainska" opening a sentence is still a slip)."""
    from wordfreq import zipf_frequency

    return second[:1].islower() and zipf_frequency(second, "en") < _SLIP_MIN_ZIPF


# A doubled word this common or more (zipf 3: once per million words) is a slip; a rarer one may be a borrowing.
_SLIP_MIN_ZIPF = 3.0


def _doubled_name(text: str, start: int, second: int) -> bool:
    """Both halves capitalised and not opening a sentence ("in Walla Walla", not "The The council")."""
    if not (text[start].isupper() and text[second].isupper()):
        return False
    i = start - 1
    while i >= 0 and text[i] in " \t":  # back to the character before the pair, without copying the text
        i -= 1
    return i >= 0 and text[i] not in ".!?:\"“”\n"


def _unusual_wording(
    text: str, sentences: list[tuple[int, int]], scores: PairScores, params: Mapping[str, float]
) -> tuple[np.ndarray, list[Hit]]:
    """Per sentence, how unusual its wording is (0..1), and evidence for the sentences at 0.5 or more."""
    oddness = np.zeros(len(sentences))
    if not sentences or not len(scores.pmi):
        return oddness, []
    # Pairs of rare words say little: the table is too small to have seen them, odd or not.
    usable = np.flatnonzero(scores.min_log_p > params["min_word_log_p"])
    starts = np.fromiter((s for s, _ in sentences), int, len(sentences))
    which = np.full(len(scores.pmi), -1)
    which[usable] = np.searchsorted(starts, scores.first_start[usable], side="right") - 1
    valid = which >= 0
    counts = np.bincount(which[valid], minlength=len(sentences))
    sums = np.bincount(which[valid], weights=scores.pmi[valid], minlength=len(sentences))
    # Shrink each sentence's mean towards that of clean news, so a sentence with three word pairs needs
    # stronger evidence than one with twenty.
    prior = params["prior_weight"]
    means = (sums + prior * params["prior_pmi"]) / (counts + prior)
    # A soft step: a sentence well below the threshold counts fully, one near it counts half.
    logistic = 1.0 / (1.0 + np.exp((means - params["pmi_threshold"]) / params["pmi_scale"]))
    oddness = np.where((counts >= params["min_pairs"]) & (logistic >= params["min_oddness"]), logistic, 0.0)
    unusual = []
    for i in np.flatnonzero(oddness >= 0.5).tolist():
        in_sentence = np.flatnonzero(which == i)
        worst = in_sentence[np.argsort(scores.pmi[in_sentence])[:2]]
        pairs = ", ".join(f"“{text[scores.first_start[j]:scores.second_end[j]]}”" for j in worst)
        s, e = sentences[i]
        unusual.append((s, e, f"Unusual wording for English news (word pairs clean text avoids: {pairs})"))
    return oddness, unusual


@dataclass(frozen=True)
class WholeText:
    """How machine-made the text reads as a whole: five statistics in one logistic model."""

    mean_pmi: float  # shrunk mean PMI of its word pairs (:mod:`._phrases`): low when synonyms are spun in
    word_order: float  # log odds of machine-made word order (:mod:`._style`, learned from PAN13's round trips)
    news_order: float  # the same, learned from spun and machine-translated news: high on translationese
    swap_margin: float  # mean thesaurus-swap margin of its content words (:mod:`._swaps`), nats; 0 when not checked
    swap_spread: float  # share of its sentences holding a likely swap; 0 when not checked
    judged: tuple[int, ...]  # word pairs, word-order tokens (twice), content words (twice) the statistics rest on
    leans: tuple[float, ...]  # what each statistic adds to the log odds, in the order of ``_STATISTICS``
    p_machine: float  # P(spun or machine-made) from the five, at the configured base rate
    typical: float  # P of a text at clean copy's mean on every statistic
    added: float  # what it adds to the value: only its excess over ``machine_floor`` counts
    hits: tuple[Hit, ...]
    shows_pairs: bool  # the word pairs lean the text towards machine-made (their sentences are worth showing)


# What the editor is told: each finding, what a strong one reads as, and what a slight lean is about.
_FINDINGS = (
    ("the wording reads spun or machine-made", "word pairs"),
    ("the word order reads machine-translated", "word order"),
    ("the choice of words reads spun (thesaurus swaps) or machine-translated", "choice of words"),
)
# Each whole-text statistic: its config name and the finding it is shown and told as (an index into _FINDINGS).
_STATISTICS = (("pmi", 0), ("order", 1), ("news_order", 1), ("swaps", 2), ("spread", 2))


def _whole_text(
    text: str, sentences: list[tuple[int, int]], scores: PairScores, styles: tuple[StyleModel, StyleModel],
    classifier: Classifier, swaps: SwapScores | None, params: Mapping[str, float],
) -> WholeText:
    """Machine-made text, though perhaps no single sentence stands out: a spinner's synonyms spread over the whole
    text (a low mean word-pair PMI; words a synonym would fit far better: the thesaurus swaps) or a translation's
    grammar ("the Kremlin sent factory on the seabed", "About the delay informed the representatives": the two
    word-order models). One logistic model over the five statistics, each centred on clean copy's mean
    (``joint_*`` and ``clean_*``, fitted on labelled news by ``tools/fit_garbled_text.py``), read at
    ``machine_base_rate``; a statistic resting on too little text is left at clean copy's mean, so it adds
    nothing. What P adds to the value is :func:`_added`. The evidence comes from each finding that leans towards
    machine-made: the least usual word pairs, the most machine-like stretches of word order, the likeliest swaps."""
    # Pairs of two very common words ("of the", "it was") say nothing about a spinner's synonyms and dilute the mean.
    rarer = scores.min_log_p
    usable = np.flatnonzero((rarer > params["text_min_word_log_p"]) & (rarer < params["text_max_word_log_p"]))
    prior = params["prior_weight"]
    mean_pmi = float((scores.pmi[usable].sum() + prior * params["prior_pmi"]) / (len(usable) + prior))
    order = style_score(text, sentences, styles[0], classifier)
    news = rescore(order.ids, styles[1])  # the same word classes, read by the model learned from news
    swap_margin = swaps.mean_margin if swaps is not None else 0.0
    swap_spread = swaps.spread if swaps is not None else 0.0
    checked = swaps.checked if swaps is not None else 0
    judged = (len(usable), len(order.ids), len(order.ids), checked, checked)
    values = (mean_pmi, order.log_odds, news.log_odds, swap_margin, swap_spread)
    minimum = (params["text_min_pairs"], params["style_min_tokens"], params["style_min_tokens"],
               params["swaps_min_words"], params["swaps_min_words"])
    # With the swap check off, the model fitted without the swap statistics ("plain_*"): the joint model's other
    # weights lean on the swaps and read worse without them.
    model = "joint" if swaps is not None else "plain"
    leans = tuple(  # the plain model has no weights for the swaps: they add nothing there
        float(params.get(f"{model}_{name}", 0.0) * (value - params[f"clean_{name}"])) if n >= least else 0.0
        for (name, _), value, n, least in zip(_STATISTICS, values, judged, minimum)
    )
    base = float(params["machine_base_rate"])
    p_machine = _probability(params[f"{model}_intercept"] + sum(leans), base)
    typical = _typical(params, model)
    added = _added(p_machine, params)
    leaning = added > 0 and p_machine >= 2 * typical  # below that, it reads about as clean as clean copy
    shown = {told for (_, told), lean in zip(_STATISTICS, leans) if leaning and lean >= params["min_lean"]}
    hits: list[Hit] = []

    def verdict(k: int) -> str:
        return (f"with its {_FINDINGS[k][1]}, the text reads {p_machine:.0%} likely spun or machine-made "
                f"(typical clean copy: {typical:.0%})")

    if 0 in shown:
        pairs = _least_usual_pairs(text, scores, usable, params)
        hits += [(s, e, f"{_rarity(pmi)}; {verdict(0)}") for s, e, pmi in pairs]
    if 1 in shown:
        note = f"One of the text's most machine-like stretches of word order; {verdict(1)}"
        stretches = order if leans[1] >= leans[2] else news  # the stretches of the model that leans more
        hits += [(s, e, note) for s, e in _most_machine_like(text, sentences, stretches)]
    if 2 in shown and swaps is not None:
        hits += [(sw.start, sw.end, f"{_swap_note(text, sw)}; {verdict(2)}") for sw in swaps.worst
                 if sw.margin >= params["swap_min_margin"]]
    return WholeText(mean_pmi, order.log_odds, news.log_odds, swap_margin, swap_spread, judged, leans, p_machine,
                     typical, added, tuple(sorted(hits)), 0 in shown)


def _swap_note(text: str, swap: Swap) -> str:
    """“remnant” in “at the remnant of June”: the synonym “end” fits the context 13,000 times better."""
    times = _times(math.exp(min(swap.margin, 30.0)))
    return (f"Reads like a thesaurus swap: the synonym “{swap.alternative}” fits this context about {times} better "
            f"than “{text[swap.start:swap.end]}” (allowing for how common each word is)")


def _times(times: float) -> str:
    """A ratio in words, to two significant figures: "20 times", "13,000 times", "over a million times"."""
    if times >= 1e6:
        return "over a million times"
    digits = max(0, len(str(int(times))) - 2)
    return f"{round(times, -digits):,.0f} times"


def _typical(params: Mapping[str, float], model: str) -> float:
    """P(machine-made) of a text at clean copy's mean on every statistic: what typical clean copy reads as."""
    return _probability(float(params[f"{model}_intercept"]), float(params["machine_base_rate"]))


def _added(probability: float, params: Mapping[str, float]) -> float:
    """What P(machine-made) adds to the value: its excess over ``machine_floor``, scaled to ``machine_weight``; a
    lean too slight to cost a point (below ``machine_min_added``) is noise, not a finding, and adds nothing."""
    floor = float(params["machine_floor"])
    added = float(params["machine_weight"]) * max(0.0, probability - floor) / (1.0 - floor)
    return added if added >= params["machine_min_added"] else 0.0


def _least_usual_pairs(
    text: str, scores: PairScores, usable: np.ndarray, params: Mapping[str, float]
) -> list[tuple[int, int, float]]:
    """The three word pairs with the lowest PMI, with their PMI, pairs of common words where there are enough
    ("pressing assembly"): a pair with a rare word may be unusual only because the table is small. A pair whose
    second word opens a compound ("a no" of "a no-fly zone") is not what a reader sees, and is passed over."""
    hyphens = np.fromiter((m.start() for m in _HYPHEN.finditer(text)), dtype=np.int64)  # few in any text, sorted
    whole_words = ~_is_in_sorted(scores.second_end[usable], hyphens)
    candidates = usable[whole_words] if whole_words.any() else usable
    common = candidates[scores.min_log_p[candidates] > params["min_word_log_p"]]
    shown = common if len(common) >= 3 else candidates
    lowest = shown[np.argsort(scores.pmi[shown])[:3]]
    # A pair less than twice rarer than its words predict is not what an editor would call unusual, however low it
    # ranks in this text: shown only when no pair is rarer (the value it adds still needs its spans).
    rare, near = lowest[scores.pmi[lowest] < -math.log(2)], lowest[scores.pmi[lowest] < 0]
    picked = rare if len(rare) else near if len(near) else lowest[:1]
    return [(int(scores.first_start[j]), int(scores.second_end[j]), float(scores.pmi[j])) for j in picked]


def _is_in_sorted(values: np.ndarray, sorted_items: np.ndarray) -> np.ndarray:
    """``np.isin(values, sorted_items)`` for items already sorted: one binary search each, a third of np.isin's time
    on these small arrays (np.isin sorts and merges both)."""
    if not len(sorted_items):
        return np.zeros(len(values), dtype=bool)
    at = np.searchsorted(sorted_items, values)
    at[at == len(sorted_items)] = 0  # past the last item: compared with the first, which is smaller, so not equal
    return sorted_items[at] == values


def _rarity(pmi: float) -> str:
    """How much rarer a word pair is in clean English than chance (its words' frequencies) predicts, in words."""
    if pmi >= 0:
        return ("The text's least usual word pair, though no rarer in clean English than its words' frequencies "
                "predict (its word pairs are unusual only on average)")
    times = math.exp(-pmi)
    if times < 2:
        return (f"One of the text's least usual word pairs, though near chance ({1 - 1 / times:.0%} rarer in clean "
                "English than its words' frequencies predict)")
    return f"Unusual word pair: about {times:.0f} times rarer in clean English than its words' frequencies predict"


def _most_machine_like(text: str, sentences: list[tuple[int, int]], order: StyleScores) -> list[tuple[int, int]]:
    """A stretch of word order in each of the three sentences (of six tokens or more) most machine-like on average."""
    per = order.per_sentence(len(sentences))
    judged = np.flatnonzero(per.tokens >= 6)  # a heading or a fragment says little
    spans = [per.worst(order, text, sentences, i) for i in judged[np.argsort(-per.mean[judged])[:3]].tolist()]
    return [(start, end) for start, end in spans if end > start]


def _probability(log_odds_at_even: float, base_rate: float) -> float:
    """A logistic model fitted on balanced data, read at ``base_rate`` (prior odds shift the log odds)."""
    return 1.0 / (1.0 + math.exp(math.log((1 - base_rate) / base_rate) - log_odds_at_even))


def _is_nonword(text: str, start: int, end: int, table: PhraseTable, known: frozenset[str], min_letters: int) -> bool:
    """A lowercase word no dictionary knows and English spelling does not allow ("gmrim"); not a web address."""
    word = text[start:end]
    if end - start < min_letters or not word[0].islower():
        return False
    if _in_address(text, start, end):
        return False
    if (start > 0 and text[start - 1].isalpha()) or (end < len(text) and text[end].isalpha()):
        return False  # the a-z part of a word with other letters ("Bayan-Ölgii", "Łukasz"): a name, not garbling
    word = word.replace("’", "'").removesuffix("'s")  # "bobbin's" is "bobbin"
    if word.partition("'")[2][:1].isupper():
        return False  # an elided article before a name: "d'Ivoire", "l'Aquila"
    return word not in known and not table.spellable(word)


def _in_address(text: str, start: int, end: int) -> bool:
    """Part of a web or e-mail address ("www.fdncenter.org"), where any string of letters is fine."""
    before = text[start - 1] if start else " "
    after = text[end : end + 2]
    return before in "./@#_" or (len(after) == 2 and after[0] in "./@_" and after[1].isalnum())


def _word_around(text: str, offset: int) -> tuple[int, int]:
    """The run of non-space characters around ``offset`` (the glued-together words)."""
    start, end = offset, offset + 1
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    while end < len(text) and not text[end].isspace():
        end += 1
    return start, end


def _summary(flagged: int, sentences: int, value: float, whole: WholeText) -> str:
    typical = whole.typical
    reads = _reads_machine_made(whole, typical)
    if flagged:
        return f"Garbled or machine-like text: {flagged} of {sentences} sentences" + (f"; {reads}" if reads else "")
    if reads:
        return reads[0].upper() + reads[1:]
    if 0 < value < 0.1:  # a point or so, or less: "clean copy" would contradict it
        return (f"Nearly clean copy: no garbled sentence; the whole text reads {whole.p_machine:.0%} likely "
                f"machine-made (typical clean copy: {typical:.0%})")
    if value > 0:
        return "Wording a little unusual in places, but no garbled sentence"
    return "Clean copy: no garbled sentences"


def _reads_machine_made(whole: WholeText, typical: float) -> str:
    """Words for what the whole-text model finds; nothing when the text reads less than twice as machine-made as
    typical clean copy, or the model adds little (a slight lean is not a finding)."""
    if whole.added < 0.1 or whole.p_machine < 2 * typical:
        return ""
    reads, what = _FINDINGS[_strongest(whole)]
    if whole.p_machine >= 0.5:
        return f"{reads} throughout ({whole.p_machine:.0%} likely)"
    return (f"{what} less usual than in clean copy ({whole.p_machine:.0%} likely machine-made; typical clean copy: "
            f"{typical:.0%})")


def _strongest(whole: WholeText) -> int:
    """Which finding leans furthest towards machine-made (0 word pairs, 1 word order: both models together, 2 choice
    of words: the swaps' mean and spread together)."""
    leans = _by_finding(whole)
    return max(range(len(leans)), key=lambda k: leans[k])


def _by_finding(whole: WholeText) -> list[float]:
    """What each finding adds to the log odds: its statistics' leans summed."""
    leans = [0.0] * len(_FINDINGS)
    for (_, told), lean in zip(_STATISTICS, whole.leans):
        leans[told] += lean
    return leans
