"""Find dates, years and relative time phrases in text, and resolve them to calendar dates.

Shared by episode placement (which episode is a sentence about?) and extraction
(`event_date` of a fact), so both read "On December 16" the same way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

MONTHS = {
    name: i
    for i, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_FULL_MONTHS = sorted((m for m in MONTHS if len(m) > 3 or m == "may"), key=len, reverse=True)
_MONTH = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_DAY2 = r"(?:\s*[-–]\s*[0-3]?\d(?:st|nd|rd|th)?)?"  # "16-17 December": the first day counts
_YEAR = r"(?:,?\s+(?P<year>(?:19|20)\d\d))?"
DATE_RE = re.compile(
    rf"\b(?:{_DAY}{_DAY2}\s+(?:of\s+)?{_MONTH}{_YEAR}"
    rf"|{_MONTH.replace('month', 'month2')}\s+{_DAY.replace('day', 'day2')}{_DAY2}"
    rf"{_YEAR.replace('year', 'year2')}"
    rf"|(?P<month3>{'|'.join(_FULL_MONTHS)})"
    rf"\s+(?P<year3>(?:19|20)\d\d))\b",
    re.IGNORECASE,
)
YEAR_RE = re.compile(r"(?<![\d,.\-/])((?:19|20)\d\d)(?![\d%]|,\d|\s*(?:tenge|people|troops|km))")
NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "several": 3, "few": 2,
}  # fmt: skip


@dataclass(frozen=True)
class DateMention:
    start: int
    end: int
    month: int
    day: int | None
    year: int | None


def find_dates(text: str) -> list[DateMention]:
    """Calendar dates with a month: "16 December 2011", "Dec. 16", "January 2022"."""
    found = []
    for m in DATE_RE.finditer(text):
        g = m.groupdict()
        month_name = (g["month"] or g["month2"] or g["month3"]).lower()
        day = g["day"] or g["day2"]
        year = g["year"] or g["year2"] or g["year3"]
        day_n = int(day) if day else None
        if day_n is not None and not 1 <= day_n <= 31:
            continue
        if month_name == "may" and day_n is None and year is None:
            continue  # "may 2011" is likely a date, but bare "may" is a verb: require a day or year
        found.append(DateMention(m.start(), m.end(), MONTHS[month_name], day_n, int(year) if year else None))
    return found


def find_years_at(text: str) -> list[tuple[int, int]]:
    """Four-digit years that stand alone (not part of "4,400"), with their offsets."""
    return [(int(m.group(1)), m.start()) for m in YEAR_RE.finditer(text)]


def resolve(month: int, day: int | None, year: int | None, reference: date | None) -> date | None:
    """A full date: the stated year, else the occurrence nearest before `reference` (+ a month)."""
    day = day or 1
    if year is None:
        if reference is None:
            return None
        year = reference.year
        try:
            if date(year, month, min(day, 28)) > reference + timedelta(days=31):
                year -= 1
        except ValueError:
            return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def number_value(word: str) -> int | None:
    word = word.lower()
    if word.isdigit():
        return int(word)
    return NUMBER_WORDS.get(word)


def shift(reference: date, n: int, unit: str) -> date:
    """`reference` moved by n units (negative n goes back)."""
    unit = unit.rstrip("s")
    if unit == "year":
        try:
            return reference.replace(year=reference.year + n)
        except ValueError:  # 29 February
            return reference.replace(year=reference.year + n, day=28)
    days = {"month": 30, "week": 7, "day": 1}[unit]
    return reference + timedelta(days=n * days)
