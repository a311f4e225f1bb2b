"""Quotation spans: text between quotation marks. Two articles quoting the same speaker is not reuse.

Recognised: “…”, „…“/„…”, «…», ‹…›, straight "…", and ‘…’ when the opening ‘ starts a word and the closing ’
ends one (so the apostrophes of "don’t" and "NATO’s" inside or outside a quote do not open or close it).
A quote never spans a blank line: an unbalanced mark must not swallow the rest of the article.
"""

from __future__ import annotations

import re

import numpy as np

_MAX = 3000  # characters; longer "quotes" are unbalanced marks, not quotations
_QUOTE = re.compile(
    rf"“(?:(?!\n\s*\n)[^“”]){{1,{_MAX}}}”"
    rf"|„(?:(?!\n\s*\n)[^„“”]){{1,{_MAX}}}[“”]"
    rf"|«(?:(?!\n\s*\n)[^«»]){{1,{_MAX}}}»"
    rf"|‹[^‹›\n]{{1,{_MAX}}}›"
    rf"|\"[^\"\n]{{1,{_MAX}}}\""
    rf"|(?<!\w)‘(?:[^‘’\n]|’(?=\w)){{1,{_MAX}}}’(?!\w)"
)


def quote_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every quotation in ``text``, marks included, in text order, not overlapping."""
    return [m.span() for m in _QUOTE.finditer(text)]


class QuoteMask:
    """Fast "how much of text[start:end] is quoted" for one document (prefix sums over a quoted-character mask)."""

    def __init__(self, text: str) -> None:
        self.spans = quote_spans(text)
        mask = np.zeros(len(text) + 1, dtype=np.int32)
        for start, end in self.spans:
            mask[start + 1 : end + 1] = 1
        self._prefix = np.cumsum(mask)

    def quoted_chars(self, start: int, end: int) -> int:
        return int(self._prefix[end] - self._prefix[start])

    def share(self, start: int, end: int) -> float:
        return self.quoted_chars(start, end) / (end - start) if end > start else 0.0

    def blanked(self, text: str) -> str:
        """``text`` with every quotation replaced by spaces: same length, so offsets stay valid."""
        if not self.spans:
            return text
        parts, last = [], 0
        for start, end in self.spans:
            parts += [text[last:start], " " * (end - start)]
            last = end
        parts.append(text[last:])
        return "".join(parts)

    def mask(self, length: int) -> np.ndarray:
        """Boolean array over the text: True where the character is inside a quotation."""
        return np.diff(self._prefix)[:length].astype(bool)
