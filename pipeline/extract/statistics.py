"""Numbers that are facts about the story: money, percentages and counts.

Never statistics: years, dates and days of the month, ordinals, times, durations and ages,
numbers that are part of a name (G20, F-16, COVID-19), bare numbers with no unit or noun,
vague amounts ("millions of workers"), and the words "one"/"two" used as determiners
("the two leaders"). Number words from three up count when they quantify a plural noun
("five Central Asian states") or form a compound ("nine-member bloc").
"""
from __future__ import annotations

import bisect
import math
import re
from dataclasses import dataclass

from pipeline.extract.units import Units

_WORD_NUMBERS = {
    "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40,
    "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100,
    "dozen": 12, "two dozen": 24,
}
_HYPHEN_WORDS = {"one": 1, "two": 2, **_WORD_NUMBERS}
_SCALES = {
    "thousand": 1e3, "k": 1e3, "million": 1e6, "mn": 1e6, "mln": 1e6, "m": 1e6, "billion": 1e9,
    "bn": 1e9, "b": 1e9, "bln": 1e9, "trillion": 1e12, "tn": 1e12, "trn": 1e12, "crore": 1e7, "lakh": 1e5,
}
_CURRENCY_SYMBOLS = {
    "us$": "USD", "$": "USD", "usd": "USD", "€": "EUR", "eur": "EUR", "£": "GBP", "gbp": "GBP",
    "¥": "JPY", "jpy": "JPY", "cny": "CNY", "rmb": "CNY", "₹": "INR", "inr": "INR", "rs": "INR",
    "rub": "RUB", "₽": "RUB", "a$": "AUD", "c$": "CAD", "hk$": "HKD", "r$": "BRL", "chf": "CHF",
}
_CURRENCY_WORDS = {
    "dollars": "USD", "dollar": "USD", "us dollars": "USD", "euros": "EUR", "euro": "EUR",
    "pounds": "GBP", "pounds sterling": "GBP", "yuan": "CNY", "renminbi": "CNY", "roubles": "RUB",
    "rubles": "RUB", "rouble": "RUB", "ruble": "RUB", "rupees": "INR", "yen": "JPY", "won": "KRW",
    "rand": "ZAR", "reais": "BRL", "real": "BRL", "lira": "TRY", "liras": "TRY", "riyals": "SAR",
    "dirhams": "AED", "tenge": "KZT", "swiss francs": "CHF", "francs": "CHF",
}
_QUALIFIERS = (
    "more than|less than|fewer than|over|under|nearly|almost|about|around|roughly|approximately|some|"
    "up to|at least|at most|close to|an estimated|estimated|as many as|as much as|as few as|just over|"
    "just under|well over|upwards of|below|above|exceeding|in excess of|a record|a total of|only|just"
)
_QUAL = rf"(?:(?P<qual>(?i:{_QUALIFIERS}))\s+)?"
_NUM = r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
_SCALE = r"(?:\s*(?P<scale>trillion|billion|million|thousand|crore|lakh|bn|mn|mln|bln|tn|trn|k|m|b)\b)?"
_SYM = r"(?P<sym>US\$|A\$|C\$|HK\$|R\$|\$|€|£|¥|₹|₽|Rs\.?\s?|(?:USD|EUR|GBP|CNY|RMB|JPY|INR|RUB|CHF)\s?)"
_CURWORD = "|".join(sorted((re.escape(w) for w in _CURRENCY_WORDS), key=len, reverse=True))

MONEY_SYM = re.compile(rf"(?<![\w$€£¥]){_QUAL}{_SYM}\s?{_NUM}{_SCALE}", re.I)
MONEY_WORD = re.compile(rf"(?<![\w.,]){_QUAL}{_NUM}{_SCALE}\s+(?P<cur>{_CURWORD})\b", re.I)
PERCENT = re.compile(
    rf"(?<![\w.,]){_QUAL}{_NUM}\s*(?P<pct>%|per\s?cent\b|percent\b|percentage points?\b|pct\b)", re.I)
COUNT_DIGITS = re.compile(
    rf"(?<![\w.,$€£¥/:\-]){_QUAL}{_NUM}(?P<scale2>\s+(?:million|billion|thousand|trillion|crore|lakh))?(?![\w%])")
_WORD_ALT = "|".join(sorted(_WORD_NUMBERS, key=len, reverse=True))
COUNT_WORDS = re.compile(rf"(?<![\w\-]){_QUAL}(?P<word>{_WORD_ALT})(?![\w\-])", re.I)
_NEXT_WORD = re.compile(r"\s+[\"']?([\w\-']+)[\"']?[,;:.]?")
_STOP = {"of", "and", "or", "to", "in", "on", "at", "for", "by", "per", "from", "with", "than", "times",
         "a", "an", "the", "who", "which", "that", "was", "were", "is", "are", "had", "have", "has"}
COMPOUND = re.compile(
    rf"(?<![\w\-])(?P<word>\d+|{'|'.join(_HYPHEN_WORDS)})-(?P<noun>member|nation|country|state|party|"
    rf"strong|seat|point|vehicle|ship|aircraft|jet|warship)\b(?:\s+(?P<head>[a-z]+))?", re.I)

_TIME_NOUNS = {
    "year", "years", "month", "months", "week", "weeks", "day", "days", "hour", "hours", "minute",
    "minutes", "second", "seconds", "decade", "decades", "century", "centuries", "time", "times",
    "o'clock", "am", "pm", "a.m", "p.m", "th", "st", "nd", "rd", "round", "rounds", "term", "terms",
    "session", "sessions", "edition", "editions", "anniversary", "min", "mins", "yr", "yrs", "ago",
}
_CHROME_NOUNS = {"comments", "comment", "shares", "share", "likes", "views", "articles", "sources",
                 "min", "read", "photos", "slides", "replies"}
_PEOPLE_NOUNS = {
    "people", "persons", "civilians", "workers", "migrants", "soldiers", "troops", "refugees",
    "residents", "protesters", "demonstrators", "journalists", "delegates", "children", "deaths",
    "dead", "casualties", "victims", "citizens", "employees", "staff", "officials", "pilgrims",
    "tourists", "students", "prisoners", "hostages", "fighters", "police", "officers", "nationals",
}
_MONTHS = ("january|february|march|april|may|june|july|august|september|october|november|december|"
           "jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec")


_ANAPHORIC = {"leaders", "governments", "countries", "sides", "men", "women", "nations", "presidents",
              "heads", "delegations", "parties", "allies", "partners", "states", "premiers", "ministers"}
_WORD_SCALE = re.compile(rf"(?<![\w\-]){_QUAL}(?P<word>one|two|{'|'.join(k for k in _WORD_NUMBERS if ' ' not in k)})\s+"
                         r"(?P<scale>million|billion|trillion|crore|lakh)\b", re.I)
_APPEAL = re.compile(
    r"\b(?:donat\w+|support\s+us|support\s+our|patreon|subscribe\w*|subscription|a\s+gift\s+of|per\s+month|"
    r"a\s+month\b.*\bsupport|sign\s+up|free\s+trial|become\s+a\s+(?:member|supporter))\b", re.I)


@dataclass(frozen=True)
class StatFact:
    start: int
    end: int
    text: str
    value: float
    unit: str
    qualifier: str | None
    sentence_start: int
    sentence_end: int


def _number(text: str) -> float | None:
    try:
        value = float(text.replace(",", ""))
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _is_year(num: str) -> bool:
    if not re.fullmatch(r"\d{4}", num):
        return False
    value = int(num)
    return 1000 <= value <= 2199


def _date_context(body: str, start: int, end: int) -> bool:
    before = body[max(0, start - 12):start].lower()
    after = body[end:end + 12].lower()
    if re.search(rf"\b(?:{_MONTHS})\.?\s*$", before):
        return True
    if re.match(rf"^(?:st|nd|rd|th)?\s*(?:of\s+)?(?:{_MONTHS})\b", after):
        return True
    if re.match(r"^[\-/]\d", after) or re.search(r"\d[\-/]$", before):
        return True
    return False


def _plural(noun: str) -> bool:
    n = noun.lower()
    return n.endswith("s") or n in _PEOPLE_NOUNS or n in {"people", "police", "staff", "personnel",
                                                         "children", "men", "women", "aircraft"}


def extract_statistics(units: Units) -> list[StatFact]:
    body = units.body
    found: list[StatFact] = []
    starts: list[int] = []  # the spans taken so far, sorted; they never overlap, so their
    ends: list[int] = []  # ends are sorted too (a bisection, not a scan: long bodies stay linear)

    def overlaps(s: int, e: int) -> bool:
        k = bisect.bisect_left(starts, e)  # spans [0, k) start before e
        return k > 0 and ends[k - 1] > s

    def add(s: int, e: int, value: float | None, unit: str, qual: str | None) -> None:
        if value is None or not math.isfinite(value) or overlaps(s, e):
            return
        sent = units.sentence_at(s)
        if sent and _APPEAL.search(body[sent.start:sent.end]):
            return  # a donation or subscription line that survived cleaning
        if re.search(r"\b(?:Group\s+of|G-?)\s*$", body[max(0, s - 10):s]):
            return  # "Group of 20": part of a name
        if body[s:e].count('"') % 2 == 1 and body[e:e + 1] == '"':
            e += 1  # 14 "dialogue partners": keep the closing mark with its opening one
        sent = units.sentence_at(s)
        ss, se = (sent.start, sent.end) if sent else (s, e)
        k = bisect.bisect_left(starts, s)
        starts.insert(k, s)
        ends.insert(k, e)
        found.append(StatFact(s, e, body[s:e], value, unit, qual.lower() if qual else None, ss, se))

    for m in MONEY_SYM.finditer(body):
        num = _number(m.group("num"))
        if num is None or (_is_year(m.group("num")) and not m.group("sym")):
            continue
        scale = _SCALES.get((m.group("scale") or "").lower(), 1.0)
        unit = _CURRENCY_SYMBOLS.get(m.group("sym").strip().lower().rstrip("."), "USD")
        add(m.start(), m.end(), num * scale, unit, m.group("qual"))
    for m in MONEY_WORD.finditer(body):
        num = _number(m.group("num"))
        scale = _SCALES.get((m.group("scale") or "").lower(), 1.0)
        add(m.start(), m.end(), None if num is None else num * scale,
            _CURRENCY_WORDS[m.group("cur").lower()], m.group("qual"))
    for m in PERCENT.finditer(body):
        add(m.start(), m.end(), _number(m.group("num")), "percent", m.group("qual"))
    for m in COMPOUND.finditer(body):
        word = m.group("word").lower()
        value = float(word) if word.isdigit() else float(_HYPHEN_WORDS[word])
        if m.group("noun").lower() == "strong" and not m.group("head"):
            continue
        end = m.end() if m.group("head") else m.end("noun")
        add(m.start(), end, value, "count", None)
    for m in COUNT_DIGITS.finditer(body):
        num_text = m.group("num")
        s = m.start()
        if _is_year(num_text) or _date_context(body, m.start("num"), m.end("num")):
            continue
        # "aged 70", "No. 10", "Article 5", page numbers
        if re.search(r"\b(?:aged|age|no\.?|number|article|page|chapter|section|vol\.?|room|flight|route|"
                     r"resolution|paragraph)\s*$", body[max(0, s - 14):m.start("num")], re.I):
            continue
        head = _head_noun(body, m.end())
        if head is None:
            continue
        noun, end = head
        value = _number(num_text)
        if value is None:
            continue
        if m.group("scale2"):
            value *= _SCALES[m.group("scale2").strip().lower()]
        add(s, end, value, "people" if noun in _PEOPLE_NOUNS else "count", m.group("qual"))
    for m in _WORD_SCALE.finditer(body):
        head = _head_noun(body, m.end())
        if head is None:
            continue
        noun, end = head
        value = float(_HYPHEN_WORDS[m.group("word").lower()]) * _SCALES[m.group("scale").lower()]
        add(m.start(), end, value, "people" if noun in _PEOPLE_NOUNS else "count", m.group("qual"))
    for m in COUNT_WORDS.finditer(body):
        head = _head_noun(body, m.end())
        if head is None:
            continue
        noun, end = head
        value = float(_WORD_NUMBERS[m.group("word").lower()])
        # a leading determiner belongs to the mention: "the five Central Asian states"
        s = m.start()
        det = re.search(r"\b(?:[Tt]he|[Tt]hese|[Tt]hose|[Aa]ll|[Aa]ll the)\s+$", body[max(0, s - 10):s])
        if det and not m.group("qual") and re.fullmatch(r"\s+", body[m.end("word"):end - len(noun)]) \
                and noun in _ANAPHORIC:
            continue  # "the three leaders", "the two governments": a reference back, not a count
        if det and not m.group("qual"):
            s = max(0, s - 10) + det.start()
        add(s, end, value, "people" if noun in _PEOPLE_NOUNS else "count", m.group("qual"))
    found.sort(key=lambda f: f.start)
    return found


def _head_noun(body: str, pos: int) -> tuple[str, int] | None:
    """The plural noun a number quantifies, within four words: ("states", end offset).

    None when the number is a duration, a date part, a vague amount or quantifies nothing.
    """
    for _ in range(4):
        m = _NEXT_WORD.match(body, pos)
        if not m:
            return None
        word = m.group(1)
        lw = word.lower().strip("'")
        if lw in _TIME_NOUNS or lw in _CHROME_NOUNS or lw in _STOP:
            return None
        if re.search(r"\d", word):
            return None
        end = m.start(1) + len(word)
        if word[0].islower() and _plural(lw):
            closing = body[end:end + 1]
            return lw, end + (1 if closing in "\"'" and body[m.start():m.start(1)].strip() else 0)
        pos = m.end() if not re.search(r"[,;:.]$", m.group(0)) else -1
        if pos < 0:
            return None
    return None
