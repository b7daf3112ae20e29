"""Matching what a person types against labels, ignoring case and diacritics. Pure functions.

People type ``wroclaw`` for Wrocław and ``zuk`` for Żuk; Unicode decomposition removes most Polish marks (ą, ć, ę,
ń, ó, ś, ź, ż), but ł has no decomposition, so it is mapped by hand.

>>> fold("Wrocław"), fold("ŻUK"), fold("Miasta  Otwarte")
('wroclaw', 'zuk', 'miasta otwarte')
>>> score("wroclaw", "IV Forum ds. Lokalnych Polityk Migracyjnych we Wrocławiu") > 0
True
>>> score("wro", "Wrocław") > score("wro", "IV Forum we Wrocławiu") > 0 == score("krakow", "Wrocław")
True
"""

from __future__ import annotations

import functools
import re
import unicodedata

_UNDECOMPOSED = str.maketrans({"ł": "l", "Ł": "l", "ø": "o", "Ø": "o", "đ": "d", "Đ": "d", "ß": "ss"})
_SPACES = re.compile(r"\s+")
_LATIN_END = "\u0250"  # Latin-1, Latin Extended-A and B
_WORD_START = re.compile(r"(?:^|[^0-9a-z])$")


def fold(text: str) -> str:
    """``text`` in lower case, without diacritics, with runs of white space as one space."""
    if text.isascii():  # every query typed without Polish letters: nothing to decompose
        return _SPACES.sub(" ", text.lower()).strip()
    if max(text) < _LATIN_END:  # Polish and most European names: one table lookup per letter
        return _SPACES.sub(" ", text.translate(_latin()).casefold()).strip()
    return _SPACES.sub(" ", _bare(text).casefold()).strip()


def _bare(text: str) -> str:
    """``text`` decomposed (NFKD), without its combining marks; ł and the like mapped by hand."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_UNDECOMPOSED))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@functools.cache
def _latin() -> dict[int, str]:
    """:func:`_bare` of each character below :data:`_LATIN_END` (none of them combines with its neighbours, so
    folding them one by one equals folding the whole text)."""
    return {code: _bare(chr(code)) for code in range(0x80, ord(_LATIN_END))}


def score(typed: str, label: str) -> int:
    """How well ``label`` matches what was typed (0: not at all). Every word typed must occur in the label; a label
    that starts with it beats one where a word starts with it, which beats one that only contains it."""
    words = fold(typed).split(" ")
    folded = fold(label)
    if not words or not all(words):
        return 0
    total = 0
    for word in words:
        at = folded.find(word)
        if at < 0:
            return 0
        if at == 0:
            total += 3
        elif _starts_a_word(folded, word):
            total += 2
        else:
            total += 1
    return total * 10 - min(len(folded), 9) // 3


def _starts_a_word(folded: str, word: str) -> bool:
    start = folded.find(word)
    while start >= 0:
        if _WORD_START.search(folded[:start]):
            return True
        start = folded.find(word, start + 1)
    return False
