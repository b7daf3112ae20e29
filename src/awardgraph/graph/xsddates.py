"""XSD literals checked by hand: is a lexical form well-formed and, for dates, a real day of the calendar?

Why not rdflib or Oxigraph: rdflib logs a traceback for every literal it cannot convert, and Oxigraph stores any
lexical form as given; the report needs a reason a person understands ("February 2015 has 28 days"). Dates are
also read here as :class:`PartialDate` so that rules can compare them at their common precision.

>>> problem("2015-5-14", "date")
'not an xsd:date: write YYYY-MM-DD, e.g. 2015-05-14 (two digits for the month and the day)'
>>> problem("2015-02-30", "date")
'there is no 30 February 2015: February 2015 has 28 days'
>>> parse_partial("2015-05", "gYearMonth")
PartialDate(year=2015, month=5, day=None)
"""

from __future__ import annotations

import calendar
import dataclasses
import functools
import re

XSD = "http://www.w3.org/2001/XMLSchema#"

_TZ = r"(?P<tz>Z|[+-]\d{2}:\d{2})?"
_YEAR = r"(?P<year>-?(?:[1-9]\d{4,}|\d{4}))"
_TIME = r"(?P<hour>\d{2}):(?P<minute>\d{2}):(?P<second>\d{2}(?:\.\d+)?)"

#: temporal datatype -> (pattern of its lexical form, the form in words with an example)
TEMPORAL: dict[str, tuple[re.Pattern[str], str]] = {
    "date": (re.compile(rf"{_YEAR}-(?P<month>\d{{2}})-(?P<day>\d{{2}}){_TZ}"), "YYYY-MM-DD, e.g. 2015-05-14"),
    "dateTime": (
        re.compile(rf"{_YEAR}-(?P<month>\d{{2}})-(?P<day>\d{{2}})T{_TIME}{_TZ}"),
        "YYYY-MM-DDThh:mm:ss, e.g. 2015-05-14T10:00:00",
    ),
    "dateTimeStamp": (
        re.compile(rf"{_YEAR}-(?P<month>\d{{2}})-(?P<day>\d{{2}})T{_TIME}(?P<tz>Z|[+-]\d{{2}}:\d{{2}})"),
        "YYYY-MM-DDThh:mm:ss with a time zone, e.g. 2015-05-14T10:00:00Z",
    ),
    "time": (re.compile(rf"{_TIME}{_TZ}"), "hh:mm:ss, e.g. 10:00:00"),
    "gYearMonth": (re.compile(rf"{_YEAR}-(?P<month>\d{{2}}){_TZ}"), "YYYY-MM, e.g. 2015-05"),
    "gYear": (re.compile(rf"{_YEAR}{_TZ}"), "YYYY, e.g. 2015"),
    "gMonthDay": (re.compile(rf"--(?P<month>\d{{2}})-(?P<day>\d{{2}}){_TZ}"), "--MM-DD, e.g. --05-14"),
    "gMonth": (re.compile(rf"--(?P<month>\d{{2}}){_TZ}"), "--MM, e.g. --05"),
    "gDay": (re.compile(rf"---(?P<day>\d{{2}}){_TZ}"), "---DD, e.g. ---14"),
}

_INTEGER = r"[+-]?\d+"
#: other XSD datatypes rdflib converts (and logs a traceback for when it cannot) -> their lexical form
OTHER: dict[str, re.Pattern[str]] = {
    "boolean": re.compile(r"true|false|1|0"),
    "decimal": re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)"),
    "double": re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?|[+-]?INF|NaN"),
    "float": re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?|[+-]?INF|NaN"),
    "duration": re.compile(r"-?P(?=\d|T\d)(\d+Y)?(\d+M)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?"),
    "hexBinary": re.compile(r"([0-9a-fA-F]{2})*"),
    "base64Binary": re.compile(r"[A-Za-z0-9+/= ]*"),
}
#: integer datatypes -> (least, greatest) value (None: unbounded)
INTEGERS: dict[str, tuple[int | None, int | None]] = {
    "integer": (None, None),
    "nonNegativeInteger": (0, None),
    "positiveInteger": (1, None),
    "nonPositiveInteger": (None, 0),
    "negativeInteger": (None, -1),
    "long": (-(2**63), 2**63 - 1),
    "int": (-(2**31), 2**31 - 1),
    "short": (-(2**15), 2**15 - 1),
    "byte": (-128, 127),
    "unsignedLong": (0, 2**64 - 1),
    "unsignedInt": (0, 2**32 - 1),
    "unsignedShort": (0, 2**16 - 1),
    "unsignedByte": (0, 255),
}
CHECKED = frozenset(XSD + name for name in (*TEMPORAL, *OTHER, *INTEGERS))


@dataclasses.dataclass(frozen=True, order=True)
class PartialDate:
    """A calendar date known to the year, the month or the day (``None`` beyond the precision)."""

    year: int
    month: int | None = None
    day: int | None = None

    def key(self) -> tuple[int, ...]:
        return tuple(part for part in (self.year, self.month, self.day) if part is not None)

    def __str__(self) -> str:
        text = f"{self.year:04d}"
        text += f"-{self.month:02d}" if self.month is not None else ""
        return text + (f"-{self.day:02d}" if self.day is not None else "")


def compare(a: PartialDate, b: PartialDate) -> int:
    """-1, 0 or 1 as ``a`` is before, at or after ``b`` at their common precision ("2015-05" = "2015-05-14")."""
    n = min(len(a.key()), len(b.key()))
    left, right = a.key()[:n], b.key()[:n]
    return (left > right) - (left < right)


def problem(lexical: str, datatype: str) -> str | None:
    """Why ``lexical`` is not a valid value of the XSD ``datatype`` (its local name), or None if it is (or unknown)."""
    if datatype in TEMPORAL:
        return _temporal_problem(lexical, datatype)
    if datatype in INTEGERS:
        if not re.fullmatch(_INTEGER, lexical):
            return f"not an xsd:{datatype}: write a whole number such as 4"
        least, greatest = INTEGERS[datatype]
        if (least is not None and int(lexical) < least) or (greatest is not None and int(lexical) > greatest):
            bounds = f"from {least}" if greatest is None else f"up to {greatest}" if least is None else ""
            return f"{lexical} is out of the range of xsd:{datatype}" + (f" ({bounds})" if bounds else "")
        return None
    if datatype in OTHER and not OTHER[datatype].fullmatch(lexical):
        return f"not a lexical form of xsd:{datatype}"
    return None


@functools.lru_cache(maxsize=65536)  # a dataset repeats its dates many times
def parse_partial(lexical: str, datatype: str) -> PartialDate | None:
    """The date a date-like literal stands for (date, dateTime, gYearMonth, gYear), or None if it is not one."""
    if datatype not in ("date", "dateTime", "dateTimeStamp", "gYearMonth", "gYear") or problem(lexical, datatype):
        return None
    match = TEMPORAL[datatype][0].fullmatch(lexical)
    assert match is not None  # problem() said it is well-formed
    parts = match.groupdict()
    month, day = parts.get("month"), parts.get("day")
    return PartialDate(int(parts["year"]), int(month) if month else None, int(day) if day else None)


def _temporal_problem(lexical: str, datatype: str) -> str | None:
    pattern, form = TEMPORAL[datatype]
    match = pattern.fullmatch(lexical)
    if match is None:
        hint = " (two digits for the month and the day)" if re.fullmatch(r"-?\d{4}-\d{1,2}(-\d{1,2})?", lexical) else ""
        return f"not an xsd:{datatype}: write {form}{hint}"
    parts = {k: v for k, v in match.groupdict().items() if v is not None}
    return _field_problem(parts) or _tz_problem(parts.get("tz"))


def _field_problem(parts: dict[str, str]) -> str | None:
    month = int(parts["month"]) if "month" in parts else None
    if month is not None and not 1 <= month <= 12:
        return f"there is no month {month} (months run from 01 to 12)"
    if "day" in parts:
        day = int(parts["day"])
        year = int(parts["year"]) if "year" in parts else None
        last = _days_in(year, month) if month is not None else 31
        if not 1 <= day <= last:
            if month is None:
                return f"there is no day {day} of a month (days run from 01 to 31)"
            name = calendar.month_name[month]
            when = f"{name} {year}" if year is not None else name
            return f"there is no {day} {when}: {when} has {last} days"
    if "hour" in parts:
        hour, minute, second = int(parts["hour"]), int(parts["minute"]), float(parts["second"])
        if (hour == 24 and (minute, second) != (0, 0.0)) or hour > 24 or minute > 59 or second >= 60:
            return f"{parts['hour']}:{parts['minute']}:{parts['second']} is not a time of day"
    return None


def _tz_problem(tz: str | None) -> str | None:
    if tz is None or tz == "Z":
        return None
    hours, minutes = int(tz[1:3]), int(tz[4:6])
    if minutes > 59 or hours > 14 or (hours == 14 and minutes):
        return f"{tz} is not a time zone (from -14:00 to +14:00)"
    return None


def _days_in(year: int | None, month: int) -> int:
    if month == 2 and year is None:
        return 29  # --02-29 is a valid gMonthDay
    # XSD 1.1 counts a year 0 (1 BCE), a leap year; calendar.isleap handles any integer the proleptic way
    return 29 if month == 2 and calendar.isleap(year or 0) else calendar.monthrange(2001, month)[1]
