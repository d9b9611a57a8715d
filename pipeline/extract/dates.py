"""Dates in running text: explicit ("July 3, 2024", "3-4 July 2024", "June 26-28") and
relative ("on Thursday", "last year", "yesterday"), resolved against the publication date.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

_MONTHS = {m: i + 1 for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september",
     "october", "november", "december"])}
_MONTHS.update({"jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
                "sept": 9, "oct": 10, "nov": 11, "dec": 12})
_MONTH = r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_DAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_DASH = r"\s*(?:-|–|—|to|and|&)\s*"

# "July 3, 2024" / "July 3-4, 2024" / "July 3 and 4" / "June 26-28"
_MDY = re.compile(rf"\b{_MONTH}\s+(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?(?:{_DASH}(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?)?"
                  rf"(?:,?\s+(?P<year>\d{{4}}))?\b", re.I)
# "3 July 2024" / "3-4 July 2024" / "3 to 4 July"
_DMY = re.compile(rf"\b(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?(?:{_DASH}(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?)?\s+(?:of\s+)?{_MONTH}"
                  rf"(?:,?\s+(?P<year>\d{{4}}))?\b", re.I)
_ISO = re.compile(r"\b(?P<year>\d{4})-(?P<month>\d{2})-(?P<d1>\d{2})\b")
_WEEKDAY = re.compile(r"\b(?:(?P<rel>last|next|this|on|until|from|by|late|early)\s+)?(?P<day>monday|tuesday|wednesday|"
                      r"thursday|friday|saturday|sunday)(?:\s+(?P<part>morning|afternoon|evening|night))?"
                      r"(?:\s+(?:and|to|-|–)\s+(?P<day2>monday|tuesday|wednesday|thursday|friday|saturday|sunday))?\b", re.I)
_RELATIVE = re.compile(r"\b(?P<word>yesterday|today|tomorrow|last year|next year|this year|earlier this year)\b", re.I)
_MONTH_YEAR = re.compile(rf"\b(?:in\s+)?(?:early\s+|late\s+|mid-)?{_MONTH}\s+(?P<year>\d{{4}})\b", re.I)
_FUTURE = re.compile(r"\b(?:will|would|is to|are to|was to|were to|set to|due|expected to|plans? to|scheduled|"
                     r"upcoming|next)\b", re.I)


@dataclass(frozen=True)
class DateMention:
    start: int
    end: int
    first: date | None
    last: date | None
    year: int | None
    kind: str  # "explicit", "weekday", "relative", "month-year"


def _safe(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def _weekday(anchor: date, name: str, future: bool) -> date:
    target = _DAYS.index(name.lower())
    delta = (anchor.weekday() - target) % 7
    if future:
        return anchor + timedelta(days=(target - anchor.weekday()) % 7)
    return anchor - timedelta(days=delta)


def find_dates(text: str, published: date | None, offset: int = 0) -> list[DateMention]:
    """Every date expression in ``text`` (offsets shifted by ``offset``)."""
    out: list[DateMention] = []
    taken: list[tuple[int, int]] = []

    def add(s: int, e: int, first: date | None, last: date | None, year: int | None, kind: str) -> None:
        if any(s < te and ts < e for ts, te in taken):
            return
        taken.append((s, e))
        out.append(DateMention(s + offset, e + offset, first, last, year, kind))

    for rx in (_ISO, _MDY, _DMY):
        for m in rx.finditer(text):
            month = m.group("month")
            mon = int(month) if month.isdigit() else _MONTHS[month.lower().rstrip(".")]
            year = int(m.group("year")) if m.group("year") else None
            if year is None and published is not None:
                year = published.year
                future = bool(_FUTURE.search(text[max(0, m.start() - 60):m.start()]))
                if future and mon < published.month:  # "will be held June 26" in a July article
                    year += 1
                elif not future and mon > published.month + 1:  # "June 26" in a January article: last year
                    year -= 1
            d1 = int(m.group("d1"))
            d2 = int(m.group("d2")) if "d2" in m.groupdict() and m.group("d2") else None
            first = _safe(year, mon, d1) if year else None
            last = _safe(year, mon, d2) if (year and d2) else first
            if year is None or first is None:
                continue
            if last is not None and last < first:
                last = first
            add(m.start(), m.end(), first, last, year, "explicit")
    for m in _MONTH_YEAR.finditer(text):
        add(m.start(), m.end(), None, None, int(m.group("year")), "month-year")
    if published is not None:
        for m in _WEEKDAY.finditer(text):
            try:
                _add_weekday(m, text, published, add)
            except OverflowError:  # a publication date at the edge of the calendar (year 1 or 9999)
                continue
        for m in _RELATIVE.finditer(text):
            try:
                _add_relative(m, published, add)
            except OverflowError:
                continue
    out.sort(key=lambda d: d.start)
    return out


def _add_weekday(m: re.Match, text: str, published: date, add) -> None:
    rel = (m.group("rel") or "").lower()
    window = text[max(0, m.start() - 60):m.start()]
    future = rel == "next" or bool(_FUTURE.search(window))
    first = _weekday(published, m.group("day"), future)
    if rel == "last":
        first = first - timedelta(days=7) if first == published else first
    last = first
    if m.group("day2"):
        last = first + timedelta(days=(_DAYS.index(m.group("day2").lower()) - first.weekday()) % 7)
    add(m.start(), m.end(), first, last, first.year, "weekday")


def _add_relative(m: re.Match, published: date, add) -> None:
    w = m.group("word").lower()
    if w == "yesterday":
        d = published - timedelta(days=1)
        add(m.start(), m.end(), d, d, d.year, "relative")
    elif w == "today":
        add(m.start(), m.end(), published, published, published.year, "relative")
    elif w == "tomorrow":
        d = published + timedelta(days=1)
        add(m.start(), m.end(), d, d, d.year, "relative")
    elif w == "last year":
        add(m.start(), m.end(), None, None, published.year - 1, "relative")
    elif w == "next year":
        add(m.start(), m.end(), None, None, published.year + 1, "relative")
    else:
        add(m.start(), m.end(), None, None, published.year, "relative")
