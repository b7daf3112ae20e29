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

import re
import unicodedata

_UNDECOMPOSED = str.maketrans({"ł": "l", "Ł": "l", "ø": "o", "Ø": "o", "đ": "d", "Đ": "d", "ß": "ss"})
_SPACES = re.compile(r"\s+")
_WORD_START = re.compile(r"(?:^|[^0-9a-z])$")


def fold(text: str) -> str:
    """``text`` in lower case, without diacritics, with runs of white space as one space."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_UNDECOMPOSED))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _SPACES.sub(" ", bare.casefold()).strip()


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
