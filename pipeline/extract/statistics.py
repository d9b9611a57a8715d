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
from collections.abc import Iterator
from dataclasses import dataclass

from pipeline.extract.units import Units, finditer_at
from pipeline.textnorm import alternation

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
# what _SYM matches, lower-cased and without its trailing space (keep the two in step)
_SYM_FORMS = ("us$", "a$", "c$", "hk$", "r$", "$", "€", "£", "¥", "₹", "₽", "rs", "rs.",
              "usd", "eur", "gbp", "cny", "rmb", "jpy", "inr", "rub", "chf")
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
_COMPOUND_NOUNS = "member|nation|country|state|party|strong|seat|point|vehicle|ship|aircraft|jet|warship"
COMPOUND = re.compile(
    rf"(?<![\w\-])(?P<word>\d+|{'|'.join(_HYPHEN_WORDS)})-(?P<noun>{_COMPOUND_NOUNS})\b(?:\s+(?P<head>[a-z]+))?", re.I)

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
_SCALE_WORD_NUMBERS = ("one", "two", *(k for k in _WORD_NUMBERS if " " not in k))
_BIG_SCALES = ("million", "billion", "trillion", "crore", "lakh")
_WORD_SCALE = re.compile(rf"(?<![\w\-]){_QUAL}(?P<word>{'|'.join(_SCALE_WORD_NUMBERS)})\s+"
                         rf"(?P<scale>{'|'.join(_BIG_SCALES)})\b", re.I)
_APPEAL_PHRASES = (r"donat\w+", r"support\s+us", r"support\s+our", "patreon", r"subscribe\w*", "subscription",
                   r"a\s+gift\s+of", r"per\s+month", r"a\s+month\b.*\bsupport", r"sign\s+up", r"free\s+trial",
                   r"become\s+a\s+(?:member|supporter)")
_APPEAL = re.compile(r"\b" + alternation(_APPEAL_PHRASES) + r"\b", re.I)


_GROUP_OF = re.compile(r"\b(?:Group\s+of|G-?)\s*$")
_MONTH_BEFORE = re.compile(rf"\b(?:{_MONTHS})\.?\s*$")
_MONTH_AFTER = re.compile(rf"^(?:st|nd|rd|th)?\s*(?:of\s+)?(?:{_MONTHS})\b")
_DIGIT_DASH_AFTER = re.compile(r"^[\-/]\d")
_DIGIT_DASH_BEFORE = re.compile(r"\d[\-/]$")
_LABEL_BEFORE = re.compile(r"\b(?:aged|age|no\.?|number|article|page|chapter|section|vol\.?|room|flight|route|"
                           r"resolution|paragraph)\s*$", re.I)
_DETERMINER_BEFORE = re.compile(r"\b(?:[Tt]he|[Tt]hese|[Tt]hose|[Aa]ll|[Aa]ll the)\s+$")
_SPACES = re.compile(r"\s+")
_DIGIT = re.compile(r"\d")
_CLAUSE_END = re.compile(r"[,;:.]$")

# ---- where a match can begin
# The scans above start with a lookbehind and an optional case-insensitive qualifier, so the
# regex engine has no first character to look for and tries every position of the body. Each
# match holds a core that is cheap to find (the first digit of the number, a number word, a
# scale word, "-member"), and only a few positions before a core can begin a match: the
# patterns are tried there alone (units.finditer_at). The literal forms are looked for in the
# case-folded body (units.fold_case), where they stand exactly where re.I would match them.
_QUAL_FORMS = tuple(_QUALIFIERS.split("|"))
_HYPHEN_WORD_FORMS = tuple(_HYPHEN_WORDS)
_DIGIT_RUN = re.compile(r"\d+")
_HYPHEN_NOUN = re.compile(rf"-(?:{_COMPOUND_NOUNS})", re.I)


def _is_word_char(ch: str) -> bool:
    return ch.isalnum() or ch == "_"  # what \w matches


def _space_start(body: str, i: int) -> int:
    """The start of the run of whitespace (\\s) that ends at ``i``."""
    while i > 0 and body[i - 1].isspace():
        i -= 1
    return i


def _ends_at(fold: str, j: int, forms: tuple[str, ...]) -> list[int]:
    """Every position p with fold[p:j] in ``forms``."""
    if not fold.endswith(forms, 0, j):
        return []
    return [j - len(f) for f in forms if fold.endswith(f, 0, j)]


def _qualified(body: str, fold: str, p: int) -> list[int]:
    """``p``, and the start of every qualifier ("more than ") that may stand before ``p``:
    _QUAL is a qualifier (ending in a letter) then whitespace up to ``p``."""
    j = _space_start(body, p)
    return [p, *_ends_at(fold, j, _QUAL_FORMS)] if j < p else [p]


def _match_starts(body: str, fold: str) -> dict[str, list[int]]:
    """For each scan, ascending positions among which is every position where a match can begin."""
    digits = [m.start() for m in _DIGIT_RUN.finditer(body)]
    # MONEY_WORD, PERCENT, COUNT_DIGITS: the number starts a run of digits (the lookbehind or
    # the qualifier's whitespace stands before it)
    number = {s for c in digits for s in _qualified(body, fold, c)}
    # MONEY_SYM: a symbol (_SYM_FORMS) and at most two whitespace characters ("Rs. " then \s?)
    # before the number, and the qualifier before the symbol
    money = set()
    for c in digits:
        k = c
        for _ in range(3):
            for t in _ends_at(fold, k, _SYM_FORMS):
                money.update(_qualified(body, fold, t))
            if k == 0 or not body[k - 1].isspace():
                break
            k -= 1
    # COMPOUND: a number word ("two dozen") or digits right before "-member"; digits, not
    # preceded by \w, start a run of \w
    compound = set()
    for m in _HYPHEN_NOUN.finditer(body):
        h = s = m.start()
        while s > 0 and _is_word_char(body[s - 1]):
            s -= 1
        compound.add(s)
        compound.update(_ends_at(fold, h, _HYPHEN_WORD_FORMS))
    # COUNT_WORDS: a number word, not preceded by \w (the lookbehind or the qualifier's space)
    words = set()
    for w in _WORD_NUMBERS:
        i = fold.find(w)
        while i >= 0:
            if i == 0 or not _is_word_char(body[i - 1]):
                words.update(_qualified(body, fold, i))
            i = fold.find(w, i + 1)
    # _WORD_SCALE: a number word, whitespace, then a scale word
    scaled = set()
    for sc in _BIG_SCALES:
        i = fold.find(sc)
        while i >= 0:
            j = _space_start(body, i)
            if j < i:
                for w in _ends_at(fold, j, _SCALE_WORD_NUMBERS):
                    scaled.update(_qualified(body, fold, w))
            i = fold.find(sc, i + 1)
    return {"money_sym": sorted(money), "number": sorted(number), "compound": sorted(compound),
            "words": sorted(words), "scaled": sorted(scaled)}


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


# Letters that case-insensitive matching takes for ASCII ones but str.lower() does not turn
# into them ("ſix", "FİVE", the Kelvin sign): the words the regexes matched, as table keys.
_ODD_LETTERS = str.maketrans({"\u017f": "s", "\u0130": "I", "\u0131": "i", "\u212a": "K"})


def _key(word: str) -> str:
    return word.translate(_ODD_LETTERS).lower()


def _number(text: str) -> float | None:
    try:
        value = float(text.replace(",", ""))
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _is_year(num: str) -> bool:
    if not (len(num) == 4 and num.isdecimal()):  # fullmatch \d{4}: \d is what isdecimal accepts
        return False
    value = int(num)
    return 1000 <= value <= 2199


def _date_context(body: str, start: int, end: int) -> bool:
    before = body[max(0, start - 12):start].lower()
    after = body[end:end + 12].lower()
    if _MONTH_BEFORE.search(before):
        return True
    if _MONTH_AFTER.match(after):
        return True
    if _DIGIT_DASH_AFTER.match(after) or _DIGIT_DASH_BEFORE.search(before):
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
    appeal: dict[int, bool] = {}  # sentence start -> is it a donation appeal
    where = _match_starts(body, units.fold) if units.fold is not None else None

    def scan(rx: re.Pattern[str], key: str) -> Iterator[re.Match[str]]:
        # where is None: the body did not fold (units.fold_case), every position is tried
        return rx.finditer(body) if where is None else finditer_at(rx, body, where[key])

    def overlaps(s: int, e: int) -> bool:
        k = bisect.bisect_left(starts, e)  # spans [0, k) start before e
        return k > 0 and ends[k - 1] > s

    def add(s: int, e: int, value: float | None, unit: str, qual: str | None) -> None:
        if value is None or not math.isfinite(value) or overlaps(s, e):
            return
        sent = units.sentence_at(s)
        if sent:
            if sent.start not in appeal:
                appeal[sent.start] = bool(_APPEAL.search(body[sent.start:sent.end]))
            if appeal[sent.start]:
                return  # a donation or subscription line that survived cleaning
        if _GROUP_OF.search(body[max(0, s - 10):s]):
            return  # "Group of 20": part of a name
        if body[s:e].count('"') % 2 == 1 and body[e:e + 1] == '"':
            e += 1  # 14 "dialogue partners": keep the closing mark with its opening one
        ss, se = (sent.start, sent.end) if sent else (s, e)
        k = bisect.bisect_left(starts, s)
        starts.insert(k, s)
        ends.insert(k, e)
        found.append(StatFact(s, e, body[s:e], value, unit, qual.lower() if qual else None, ss, se))

    for m in scan(MONEY_SYM, "money_sym"):
        num = _number(m.group("num"))
        if num is None or (_is_year(m.group("num")) and not m.group("sym")):
            continue
        scale = _SCALES.get((m.group("scale") or "").lower(), 1.0)
        unit = _CURRENCY_SYMBOLS.get(m.group("sym").strip().lower().rstrip("."), "USD")
        add(m.start(), m.end(), num * scale, unit, m.group("qual"))
    for m in scan(MONEY_WORD, "number"):
        num = _number(m.group("num"))
        scale = _SCALES.get((m.group("scale") or "").lower(), 1.0)
        add(m.start(), m.end(), None if num is None else num * scale,
            _CURRENCY_WORDS[_key(m.group("cur"))], m.group("qual"))
    for m in scan(PERCENT, "number"):
        add(m.start(), m.end(), _number(m.group("num")), "percent", m.group("qual"))
    for m in scan(COMPOUND, "compound"):
        word = _key(m.group("word"))
        value = float(word) if word.isdigit() else float(_HYPHEN_WORDS[word])
        if m.group("noun").lower() == "strong" and not m.group("head"):
            continue
        end = m.end() if m.group("head") else m.end("noun")
        add(m.start(), end, value, "count", None)
    for m in scan(COUNT_DIGITS, "number"):
        num_text = m.group("num")
        s = m.start()
        if _is_year(num_text) or _date_context(body, m.start("num"), m.end("num")):
            continue
        # "aged 70", "No. 10", "Article 5", page numbers
        if _LABEL_BEFORE.search(body[max(0, s - 14):m.start("num")]):
            continue
        head = _head_noun(body, m.end())
        if head is None:
            continue
        noun, end = head
        value = _number(num_text)
        if value is None:
            continue
        if m.group("scale2"):
            value *= _SCALES[_key(m.group("scale2").strip())]
        add(s, end, value, "people" if noun in _PEOPLE_NOUNS else "count", m.group("qual"))
    for m in scan(_WORD_SCALE, "scaled"):
        head = _head_noun(body, m.end())
        if head is None:
            continue
        noun, end = head
        value = float(_HYPHEN_WORDS[_key(m.group("word"))]) * _SCALES[_key(m.group("scale"))]
        add(m.start(), end, value, "people" if noun in _PEOPLE_NOUNS else "count", m.group("qual"))
    for m in scan(COUNT_WORDS, "words"):
        head = _head_noun(body, m.end())
        if head is None:
            continue
        noun, end = head
        value = float(_WORD_NUMBERS[_key(m.group("word"))])
        # a leading determiner belongs to the mention: "the five Central Asian states"
        s = m.start()
        det = _DETERMINER_BEFORE.search(body[max(0, s - 10):s])
        if det and not m.group("qual") and _SPACES.fullmatch(body[m.end("word"):end - len(noun)]) \
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
        if _DIGIT.search(word):
            return None
        end = m.start(1) + len(word)
        if word[0].islower() and _plural(lw):
            closing = body[end:end + 1]
            return lw, end + (1 if closing in "\"'" and body[m.start():m.start(1)].strip() else 0)
        pos = m.end() if not _CLAUSE_END.search(m.group(0)) else -1
        if pos < 0:
            return None
    return None
