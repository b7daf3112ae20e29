"""The fast paths of :func:`awardgraph.textmatch.fold` (ASCII, a table for Latin letters) fold exactly as the
general one (decomposition without combining marks) does."""

from __future__ import annotations

import random
import unicodedata

from awardgraph import textmatch


def general(text: str) -> str:
    return textmatch._SPACES.sub(" ", textmatch._bare(text).casefold()).strip()


def test_every_latin_character_folds_as_in_general() -> None:
    for code in range(0x20, 0x250):
        ch = chr(code)
        if unicodedata.category(ch).startswith("C"):
            continue
        for text in (ch, f"a{ch}b", f"{ch} {ch}", f"ŁÓDŹ{ch}"):
            assert textmatch.fold(text) == general(text), (hex(code), text)


def test_random_names_fold_as_in_general() -> None:
    rng = random.Random(20261127)
    alphabet = "aąbcćdeęfghijklłmnńoóprsśtuwyzźżAĄĆĘŁŃÓŚŹŻ  \u00a0-.'ÄÖÜßøØéÉ"
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30)))
        assert textmatch.fold(text) == general(text), text


def test_polish_names() -> None:
    assert textmatch.fold("Wrocław") == "wroclaw"
    assert textmatch.fold("  ŻUK\u00a0 Krzysztof ") == "zuk krzysztof"
    assert textmatch.fold("e\u0301 \u05b0x") == "e x"  # combining marks outside the table's range: the general path
