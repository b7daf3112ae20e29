"""What a Polish date label says: "marzec 2013", "14-17 maja", "jesień 2014", "w maju 2015", "11–13 kwietnia 2007".

Why: the source words a date (``ag:dateLabel``), the editors write it as an XSD value; a label read here can be
checked against the value. Month names are known in the nominative ("maj"), the genitive ("maja") and the locative
("w maju"); seasons as the months they cover (jesień: September to November, zima: December to February).

>>> read_label("14-17 maja")
LabelDate(years=(), months=(5,), days=(5, 14, 17))
>>> read_label("jesień 2014")
LabelDate(years=(2014,), months=(9, 10, 11), days=None)
"""

from __future__ import annotations

import calendar
import dataclasses
import re
import unicodedata

from awardgraph.graph.xsddates import PartialDate

_NOMINATIVE = (
    "styczeń",
    "luty",
    "marzec",
    "kwiecień",
    "maj",
    "czerwiec",
    "lipiec",
    "sierpień",
    "wrzesień",
    "październik",
    "listopad",
    "grudzień",
)
_GENITIVE = (
    "stycznia",
    "lutego",
    "marca",
    "kwietnia",
    "maja",
    "czerwca",
    "lipca",
    "sierpnia",
    "września",
    "października",
    "listopada",
    "grudnia",
)
_LOCATIVE = (
    "styczniu",
    "lutym",
    "marcu",
    "kwietniu",
    "maju",
    "czerwcu",
    "lipcu",
    "sierpniu",
    "wrześniu",
    "październiku",
    "listopadzie",
    "grudniu",
)
_SEASONS = {
    "wiosna": (3, 4, 5),
    "wiosną": (3, 4, 5),
    "wiosny": (3, 4, 5),
    "lato": (6, 7, 8),
    "latem": (6, 7, 8),
    "jesień": (9, 10, 11),
    "jesienią": (9, 10, 11),
    "jesieni": (9, 10, 11),
    "zima": (12, 1, 2),
    "zimą": (12, 1, 2),
    "zimy": (12, 1, 2),
}


def _fold(word: str) -> str:
    return unicodedata.normalize("NFC", word.lower())


MONTH_WORDS: dict[str, int] = {
    _fold(w): i for forms in (_NOMINATIVE, _GENITIVE, _LOCATIVE) for i, w in enumerate(forms, start=1)
}
_WORD = re.compile(r"\w+", re.UNICODE)
_DAYS = re.compile(r"(?<!\d)(\d{1,2})\s*(?:[-–—]\s*(\d{1,2})\s*)?(\w+)", re.UNICODE)
_YEAR = re.compile(r"(?<!\d)(\d{4})(?!\d)")


@dataclasses.dataclass(frozen=True)
class LabelDate:
    """The years, months and (month, first day, last day) a label names; empty when it does not say."""

    years: tuple[int, ...]
    months: tuple[int, ...]
    days: tuple[int, int, int] | None  # "14-17 maja" -> (5, 14, 17); "14 maja" -> (5, 14, 14)

    def disagreement(self, date: PartialDate, role: str) -> str | None:
        """Why ``date`` cannot be what the label says (``role``: "start", "end" or "date"), or None if it can."""
        if self.years and not self._year_fits(date):
            return f"the label says {' or '.join(map(str, self.years))}, the date is in {date.year}"
        if date.month is not None and self.months and date.month not in self.months:
            return f"the label says {_months(self.months)}, the date is in {calendar.month_name[date.month]}"
        if self.days is not None and date.day is not None and date.month == self.days[0]:
            month, first, last = self.days
            wanted = {"start": first, "end": last}.get(role)
            if (wanted is not None and date.day != wanted) or not first <= date.day <= last:
                span, name = (str(first) if first == last else f"{first} to {last}"), calendar.month_name[month]
                said = f"the label says {span} {name} ({_GENITIVE[month - 1]})"
                if wanted is not None and first != last:
                    said += f", so it {'starts' if role == 'start' else 'ends'} on {wanted} {name}"
                return said
        return None

    def _year_fits(self, date: PartialDate) -> bool:
        if date.year in self.years:
            return True
        # "zima 2014" may mean January 2014 or the winter that starts in December 2014
        winter = self.months == (12, 1, 2)
        return winter and date.month in (1, 2) and date.year - 1 in self.years


def read_label(text: str) -> LabelDate | None:
    """The date a Polish label names, or None if it names no month or season (nothing to check then)."""
    words = [_fold(w) for w in _WORD.findall(text)]
    months: list[int] = []
    for word in words:
        if word in MONTH_WORDS:
            months.append(MONTH_WORDS[word])
        elif word in _SEASONS:
            months.extend(_SEASONS[word])
    if not months:
        return None
    days = None
    for match in _DAYS.finditer(text):
        month = MONTH_WORDS.get(_fold(match.group(3)))
        if month is not None:
            first = int(match.group(1))
            days = (month, first, int(match.group(2) or first))
            break
    years = tuple(int(y) for y in _YEAR.findall(text))
    return LabelDate(years, tuple(dict.fromkeys(months)), days)


def _months(months: tuple[int, ...]) -> str:
    names = [f"{calendar.month_name[m]} ({_NOMINATIVE[m - 1]})" for m in months]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]
