"""Text repeated inside one article."""

from __future__ import annotations

import numpy as np
import pytest

from reliability.duplication.minhash import TokenHasher, shingle_hashes, tokens
from reliability.duplication.repetition import (
    _spans_folding_in_place, _token_spans, find_repetitions, has_repeated_run,
)

ARTICLE = """Council approves new bus lanes on Harbour Road

The city council on Tuesday approved two new bus lanes on Harbour Road, ending a year of debate over parking.

Council approves new bus lanes on Harbour Road

Work will start in May and take about six weeks, the transport department said. Shop owners had argued that the
loss of 40 parking spaces would hurt trade, but a survey found most customers arrive on foot or by bus.

Subscribe to our newsletter for the latest local news.
Subscribe to our newsletter for the latest local news.
"""


def _found(text: str) -> list[tuple[str, str]]:
    reps = find_repetitions("doc", text, shingle_hashes(text, 3))
    return [(text[slice(*r.first)], text[slice(*r.second)]) for r in reps]


def test_repeated_headline_and_boilerplate_line_are_found() -> None:
    found = _found(ARTICLE)
    assert ("Council approves new bus lanes on Harbour Road",) * 2 in found
    assert ("Subscribe to our newsletter for the latest local news",) * 2 in found
    assert len(found) == 2


def test_prefixed_title_line_repeats_the_headline() -> None:
    text = "date 2025-11-09 Council approves new bus lanes on Harbour Road\n" + ARTICLE
    assert ("Council approves new bus lanes on Harbour Road",) * 2 in _found(text)


def test_stock_phrases_are_not_repetitions() -> None:
    text = ("One of the most important votes of the year took place on Tuesday. "
            "It was one of the most divisive debates the council has held, members said. "
            "The mayor called it one of the most difficult decisions of her term.")
    assert _found(text) == []
    assert not has_repeated_run(shingle_hashes(text, 3), 3)


def test_document_tokens_are_reused_only_when_the_words_fold_to_them() -> None:
    # The duplication stage hands over the tokens it hashed for MinHash; "İzmir" folds to "i" + a combining dot +
    # "zmir" there (two tokens), so the repetition finder must hash its own words for that text.
    hasher = TokenHasher()
    for text in (ARTICLE, ARTICLE.replace("Harbour Road", "İzmir Road")):
        words = tokens(text)
        with_tokens = find_repetitions("doc", text, shingle_hashes(text, 3, hasher), hasher=hasher, tokens=(words, hasher(words)))
        assert with_tokens == find_repetitions("doc", text, shingle_hashes(text, 3))
        assert len(with_tokens) == 2



@pytest.mark.parametrize("text, fast", [
    ("", True),
    ("Plain ASCII, with digits 2,345 and snake_case words.", True),
    ("Quotes “like this” and it’s fine — naïve café résumé déjà vu", True),
    ("١٢٣ Arabic digits, ⅷ roman, 中文字, tab\tnew\nline\x00nul \ud800 lone", True),
    ("Ça va? Éric STRASSE straße ſ K İstanbul ΣΑΣ x\u0345y", False),  # letters that fold to other letters
])
def test_word_spans_read_off_the_characters_equal_the_split_ones(text, fast):
    words, spans = _token_spans(text)
    found = _spans_folding_in_place(text, len(tokens(text)))
    assert (found is not None) == fast
    if found is not None:
        assert np.array_equal(found, spans) and [w.casefold() for w in words] == tokens(text)
