"""Plant realistic mistakes into a generated data.trig, to time and check the validation report of a failing build.

    python benchmarks/plant.py --data /tmp/gen/data.trig --out /tmp/planted --mistakes 1000 [--seed 1]

writes ``OUT/data.trig`` (the generated file with ``--mistakes`` lines edited) and copies the archived source texts
(``sources/`` beside the input) to ``OUT/sources/``. The mistakes are those of issue 12, in equal numbers: a class
typo (``ag:Distinciton``), a typo in a second type (``schema:NG0``), a malformed date (``2015-5-14``), an impossible
date (``-02-30``), a distinction dated a year after its edition, a date label naming another month, an English label
tagged ``@de`` instead, and a quote that is no longer the source's words. The same seed gives the same lines.
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import names

Edit = Callable[[str], str]


def _month_typo(line: str) -> str:  # "2015-05-14" -> "2015-5-14"
    return re.sub(r'"(\d{4})-0?(\d{1,2})-(\d{2})"', lambda m: f'"{m[1]}-{int(m[2])}-{m[3]}"', line, count=1)


def _impossible_day(line: str) -> str:  # any day of the start -> the 30th of February
    return re.sub(r'"(\d{4})-\d{2}-\d{2}"', lambda m: f'"{m[1]}-02-30"', line, count=1)


def _next_year(line: str) -> str:
    return re.sub(r'"(\d{4})-', lambda m: f'"{int(m[1]) + 1}-', line, count=1)


def _other_month(line: str) -> str:
    for i, month in enumerate(names.MONTHS_GENITIVE):
        if f" {month} " in line:
            return line.replace(f" {month} ", f" {names.MONTHS_GENITIVE[(i + 6) % 12]} ", 1)
    return line


def _edited_quote(line: str) -> str:
    return line.replace('ag:quote "', 'ag:quote "Nie ', 1)


#: kind -> (what a line must contain to be edited, the edit)
KINDS: dict[str, tuple[str, Edit]] = {
    "class typo": (" a ag:Distinction ;", lambda s: s.replace("ag:Distinction", "ag:Distinciton", 1)),
    "second-type typo": (" a schema:NGO ;", lambda s: s.replace("schema:NGO", "schema:NG0", 1)),
    "malformed date": ("dcterms:date ", _month_typo),
    "impossible date": ("schema:startDate ", _impossible_day),
    "distinction a year late": ("dcterms:date ", _next_year),
    "label of another month": ("ag:dateLabel ", _other_month),
    "label in another language": ('rdfs:label "', lambda s: s.replace('"@en ', '"@de ', 1)),
    "edited quote": ("ag:quote ", _edited_quote),
}


def plant(lines: list[str], mistakes: int, seed: int) -> dict[str, int]:
    """Edit ``mistakes`` lines in place, the same number of each kind; returns how many of each were planted."""
    rng = random.Random(seed)  # noqa: S311 - reproducible edits, not secrets
    taken: set[int] = set()
    planted: dict[str, int] = {}
    per_kind = mistakes // len(KINDS)
    for kind, (marker, edit) in KINDS.items():
        candidates = [i for i, line in enumerate(lines) if marker in line and edit(line) != line and i not in taken]
        chosen = rng.sample(candidates, min(per_kind, len(candidates)))
        for i in chosen:
            lines[i] = edit(lines[i])
        taken.update(chosen)
        planted[kind] = len(chosen)
    return planted


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, required=True, help="a data.trig written by benchmarks/generate.py")
    parser.add_argument("--out", type=Path, required=True, help="folder for the planted data.trig and sources/")
    parser.add_argument("--mistakes", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    lines = args.data.read_text(encoding="utf-8").splitlines(keepends=True)
    planted = plant(lines, args.mistakes, args.seed)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "data.trig").write_text("".join(lines), encoding="utf-8")
    sources = args.data.parent / "sources"
    if sources.is_dir():
        shutil.copytree(sources, args.out / "sources", dirs_exist_ok=True)
    print(", ".join(f"{kind}: {n}" for kind, n in planted.items()), f"(total {sum(planted.values())})")


if __name__ == "__main__":
    main()
