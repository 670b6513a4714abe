"""Date expressions in news text, resolved against the publication date.

``find_dates(sentence, published)`` returns every date expression with its span, the resolved date (the first day
of the period for month and year precision) and the precision (``day``, ``month`` or ``year``). Weekdays and
month names without a year are resolved by the tense of their clause: past (the default) looks back from the
publication date, future (``will``, ``is to``, ``plans to``, ...) looks forward. Rules are listed in docs/text.md.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
          "november", "december")
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
NUMBERS = {"one": 1, "a": 1, "an": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
           "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12}
PRECISIONS = ("day", "month", "year")

_MON = r"(?P<mon>Jan(?:uary|\.)?|Feb(?:ruary|\.)?|Mar(?:ch|\.)?|Apr(?:il|\.)?|May|June?|July?|Aug(?:ust|\.)?" \
       r"|Sep(?:tember|t?\.)?|Oct(?:ober|\.)?|Nov(?:ember|\.)?|Dec(?:ember|\.)?)"
_NUM = r"(?P<n>\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|a|an)"
# Ordered: the first pattern that matches a stretch of text wins (longer, more explicit forms first).
_PATTERNS: tuple[tuple[str, str], ...] = (
    ("iso", r"\b(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})\b"),
    ("mdy", _MON + r"\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<y>\d{4})\b"),
    ("dmy", r"\b(?P<d>\d{1,2})\s+" + _MON + r",?\s+(?P<y>\d{4})\b"),
    ("my", _MON + r",?\s+(?P<y>\d{4})\b"),
    ("md", _MON + r"\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?\b(?!,?\s*\d{4})"),
    ("ago", r"\b" + _NUM + r"\s+(?P<unit>day|week|month|year)s?\s+ago\b"),
    ("relmonth", r"\b(?:(?:earlier|later)\s+)?(?P<rel>this|last|next)\s+month\b"),
    ("relweek", r"\b(?:(?:earlier|later)\s+)?(?P<rel>this|last|next)\s+week\b"),
    ("relyear", r"\b(?:(?:earlier|later)\s+)?(?P<rel>this|last|next)\s+year\b"),
    ("lastmon", r"\b(?P<rel>(?i:last|this|next))\s+" + _MON + r"\b"),
    ("inmon", r"\b(?i:in|since|during|by|from|until|through)\s+(?i:(?:early|late|mid)-?\s*)?" + _MON + r"\b"),
    ("year", r"\b(?:in|since|during|from|by|of|until)\s+(?P<y>(?:19|20)\d{2})\b"),
    ("weekday", r"\b(?i:on\s+|last\s+|this\s+|next\s+)?(?P<wd>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|"
     r"Sunday)\b"),
    ("today", r"\b(?P<rel>today|yesterday|tomorrow)\b"),
)
_CASELESS = frozenset({"ago", "relmonth", "relweek", "relyear", "today", "year"})
_COMPILED = tuple((kind, re.compile(rx, re.IGNORECASE if kind in _CASELESS else 0)) for kind, rx in _PATTERNS)
_FUTURE = re.compile(r"\b(?:will|shall|is (?:due|set|scheduled|expected) to|are (?:due|set|scheduled|expected) to|"
                     r"plans? to|is to|are to|to be held|upcoming|next)\b", re.IGNORECASE)
_CLAUSE = re.compile(r"[,;:—–()\"“”]")


@dataclass(frozen=True)
class DateMention:
    """A date expression found in text: where it is, what it says, and the period it resolves to."""

    start: int
    end: int
    text: str
    date: dt.date
    precision: str


def month_number(name: str) -> int:
    """The month number (1–12) of an English month name or its abbreviation."""
    key = name.lower().rstrip(".")[:3]
    for i, month in enumerate(MONTHS, start=1):
        if month.startswith(key):
            return i
    raise ValueError(f"not a month name: {name!r}")


def shift_months(day: dt.date, months: int) -> dt.date:
    """The first day of the month ``months`` after (or before, if negative) the month of ``day``."""
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def clause_is_future(sentence: str, start: int, end: int) -> bool:
    """Whether the clause around ``sentence[start:end]`` (between commas, dashes, quotes) is in the future tense."""
    left = max((m.end() for m in _CLAUSE.finditer(sentence, 0, start)), default=0)
    right = next((m.start() for m in _CLAUSE.finditer(sentence, end)), len(sentence))
    return bool(_FUTURE.search(sentence[left:right]))


def _month_without_year(month: int, published: dt.date, future: bool, strict: bool = False) -> dt.date:
    if future:
        year = published.year if month >= published.month else published.year + 1
        return dt.date(year, month, 1)
    if month < published.month or (month == published.month and not strict):
        return dt.date(published.year, month, 1)
    return dt.date(published.year - 1, month, 1)


def _resolve(kind: str, m: re.Match[str], sentence: str, published: dt.date) -> tuple[dt.date, str] | None:
    g = m.groupdict()
    future = clause_is_future(sentence, m.start(), m.end())
    if kind in {"iso", "mdy", "dmy"}:
        month = int(g["m"]) if kind == "iso" else month_number(g["mon"])
        try:
            return dt.date(int(g["y"]), month, int(g["d"])), "day"
        except ValueError:
            return None
    if kind == "my":
        return dt.date(int(g["y"]), month_number(g["mon"]), 1), "month"
    if kind == "md":
        first = _month_without_year(month_number(g["mon"]), published, future)
        try:
            return first.replace(day=int(g["d"])), "day"
        except ValueError:
            return None
    if kind == "ago":
        n, unit = NUMBERS.get(g["n"].lower()) or int(g["n"]), g["unit"].lower()
        if unit == "year":
            return dt.date(published.year - n, 1, 1), "year"
        if unit == "month":
            return shift_months(published, -n), "month"
        return published - dt.timedelta(days=n * (7 if unit == "week" else 1)), "day"
    if kind == "relmonth":
        step = {"this": 0, "last": -1, "next": 1}[g["rel"].lower()]
        return shift_months(published, step), "month"
    if kind == "relweek":  # a week has no precision of its own: the month of its Monday
        step = {"this": 0, "last": -7, "next": 7}[g["rel"].lower()]
        monday = published - dt.timedelta(days=published.weekday()) + dt.timedelta(days=step)
        return monday.replace(day=1), "month"
    if kind == "relyear":
        step = {"this": 0, "last": -1, "next": 1}[g["rel"].lower()]
        return dt.date(published.year + step, 1, 1), "year"
    if kind == "lastmon":
        rel, month = g["rel"].lower(), month_number(g["mon"])
        if rel == "this":
            return dt.date(published.year, month, 1), "month"
        return _month_without_year(month, published, future=rel == "next", strict=True), "month"
    if kind == "inmon":
        return _month_without_year(month_number(g["mon"]), published, future), "month"
    if kind == "year":
        return dt.date(int(g["y"]), 1, 1), "year"
    if kind == "weekday":
        target = WEEKDAYS.index(g["wd"].lower())
        lead = m.group(0).lower()
        if lead.startswith("next") or (future and not lead.startswith("last")):
            return published + dt.timedelta(days=(target - published.weekday()) % 7), "day"
        return published - dt.timedelta(days=(published.weekday() - target) % 7), "day"
    if kind == "today":
        step = {"today": 0, "yesterday": -1, "tomorrow": 1}[g["rel"].lower()]
        return published + dt.timedelta(days=step), "day"
    raise AssertionError(kind)  # pragma: no cover


def find_dates(sentence: str, published: dt.date) -> list[DateMention]:
    """Every date expression in ``sentence`` resolved against ``published``, in order of position."""
    taken: list[tuple[int, int]] = []
    found: list[DateMention] = []
    for kind, rx in _COMPILED:
        for m in rx.finditer(sentence):
            if kind == "md" and m.group("mon") == "May" and not re.match(r"May\s+\d", m.group(0)):
                continue
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            resolved = _resolve(kind, m, sentence, published)
            if resolved is None:
                continue
            taken.append((m.start(), m.end()))
            found.append(DateMention(m.start(), m.end(), m.group(0), resolved[0], resolved[1]))
    return sorted(found, key=lambda d: d.start)


_OFFSET = re.compile(r"\b(?:(?P<n>\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|a)\s+"
                     r"(?P<unit>day|week)s?\s+(?P<dir>after|later|before|earlier)\b"
                     r"|\bthe\s+(?P<near>next|following|previous|preceding)\s+day\b"
                     r"|\bthe\s+day\s+(?P<rel>after|before)\b)", re.IGNORECASE)


@dataclass(frozen=True)
class Offset:
    """A relative date phrase ("two days after", "a week later", "the next day"): where it is and its shift.

    ``days`` is the shift from the anchor event to the event that the phrase dates; ``joins`` is True when the
    phrase links two events in one sentence ("X two days after Y": X is the anchor plus two days, Y the anchor),
    False when it dates from an earlier sentence ("Two days later, X")."""

    start: int
    end: int
    text: str
    days: int
    joins: bool


def find_offsets(sentence: str) -> list[Offset]:
    """Every relative date phrase in ``sentence``, in order of position."""
    out = []
    for m in _OFFSET.finditer(sentence):
        g = m.groupdict()
        if g["near"]:
            days, joins = (1 if g["near"].lower() in {"next", "following"} else -1), False
        elif g["rel"]:
            days, joins = (1 if g["rel"].lower() == "after" else -1), True
        else:
            n = NUMBERS.get(g["n"].lower()) or int(g["n"])
            n *= 7 if g["unit"].lower() == "week" else 1
            direction = g["dir"].lower()
            days = n if direction in {"after", "later"} else -n
            joins = direction in {"after", "before"}
        out.append(Offset(m.start(), m.end(), m.group(0), days, joins))
    return out


def same_period(day: dt.date, other: dt.date, precision: str) -> bool:
    """Whether two dates fall in the same day, month or year (``precision``)."""
    if precision == "year":
        return day.year == other.year
    if precision == "month":
        return (day.year, day.month) == (other.year, other.month)
    return day == other
