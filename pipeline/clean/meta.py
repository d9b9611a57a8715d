"""Metadata helpers shared by the cleaners: dates stated on a line, outlet-name
candidates from page chrome, wire agencies, datelines and language detection.

Everything here is plain regex work compiled once at import time, so it is cheap to
call on every line of a page.
"""
from __future__ import annotations

import bisect
import functools
import itertools
import re
from collections.abc import Iterator
from datetime import date
from typing import Any

from pipeline import localcache
from pipeline.textnorm import first_letters

__all__ = [
    "parse_date",
    "date_in_line",
    "header_date_line",
    "outlet_candidates",
    "outlet_from_title_suffix",
    "find_wire",
    "find_dateline",
    "detect_language",
]

_MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3,
    "april": 4, "apr": 4, "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7,
    "august": 8, "aug": 8, "september": 9, "sep": 9, "sept": 9, "october": 10,
    "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}
_MON = r"(?P<mon>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"

_DATE_PATTERNS = [
    # October 9, 2025 / Oct. 9 2025
    re.compile(rf"\b{_MON}\s+{_DAY},?\s+{_YEAR}\b", re.I),
    # 9 October 2025 / 9th of October, 2025
    re.compile(rf"\b{_DAY}\s+(?:of\s+)?{_MON},?\s+{_YEAR}\b", re.I),
    # 2025-10-09 / 2025/10/09 / 2025-10-09T16:05:00+02:00 (machine-readable metadata)
    re.compile(r"(?<!\d)(?P<year>(?:19|20)\d\d)[-/.](?P<mnum>[01]?\d)[-/.](?P<day>[0-3]?\d)(?!\d)"),
    # 20251009 (compact, as some meta tags write it)
    re.compile(r"^(?P<year>(?:19|20)\d\d)(?P<mnum>[01]\d)(?P<day>[0-3]\d)(?!\d)"),
    # 09.10.2025 (day first, European)
    re.compile(r"\b(?P<day>[0-3]?\d)\.(?P<mnum>[01]?\d)\.(?P<year>(?:19|20)\d\d)\b"),
]

# 10/06/2018, 6-10-2018: day or month first?  Only taken when unambiguous (one part
# > 12, or both equal) or when the page states the convention ("dd/mm/yyyy").
_NUMERIC_DATE = re.compile(r"(?<![\d/.-])(?P<a>[0-3]?\d)(?P<sep>[/-])(?P<b>[0-3]?\d)(?P=sep)(?P<year>(?:19|20)\d\d)(?![\d/-])")
_CONV_DMY = re.compile(r"\b(?:dd|d)[/.-](?:mm|m)[/.-](?:yyyy|yy)\b|\bday[/-]month[/-]year\b", re.I)
_CONV_MDY = re.compile(r"\b(?:mm|m)[/.-](?:dd|d)[/.-](?:yyyy|yy)\b|\bmonth[/-]day[/-]year\b", re.I)


def _numeric_date(m: re.Match, context: str) -> date | None:
    a, b, year = int(m.group("a")), int(m.group("b")), int(m.group("year"))
    if a > 12 >= b:
        day, month = a, b
    elif b > 12 >= a:
        month, day = a, b
    elif a == b:
        day = month = a
    elif _CONV_DMY.search(context) and not _CONV_MDY.search(context):
        day, month = a, b
    elif _CONV_MDY.search(context) and not _CONV_DMY.search(context):
        month, day = a, b
    else:
        return None  # 10/06/2018: June 10 or October 6? Not stated, so not taken.
    try:
        return date(year, month, day)
    except ValueError:
        return None


# A line that is "about" a date only when little else is on it.
_DATE_NOISE = re.compile(
    r"\b(?:updated|modified|edited|last\s+update|revised|photo|image|credit|caption|file|©|copyright|"
    r"(?<!\d\s)(?<!\d)comments?|replied|reply|wrote|posted\s+by\s+\w+\s+on\s+\w+day)\b|©|"
    r"\b(?:says?|said|wrote|commented)\s*:",
    re.I,
)
# a revision stamp: the text *before* it may still state the publication date
# ("Published 3 March 2021 · Updated 5 March 2021")
_REVISION = re.compile(r"^(?:updated|modified|edited|last\s+update|revised)$", re.I)
_PUBLISHED_PREFIX = re.compile(r"^\s*(?:published|posted|first\s+published|date|released|issued)\b", re.I)
_WEEKDAY = re.compile(r"\b(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?\b\.?", re.I)
_TIME = re.compile(r"\b\d{1,2}[:.]\d\d(?:\s*[ap]\.?m\.?)?(?:\s*[A-Z]{2,4})?\b|\b\d{1,2}\s*[ap]\.?m\.?", re.I)
_WORD = re.compile(r"[^\W\d_]{2,}")


def parse_date(text: str | None, today: date | None = None) -> date | None:
    """The first calendar date written in *text* (not after *today*), else None."""
    if not text:
        return None
    found = _first_date(text, today or date.today())
    return found[0] if found else None


# Every date pattern spells its year as a literal "19" or "20" and two digits, so a text
# holding neither has no date and the pattern scans are skipped for it.
def _may_hold_date(text: str) -> bool:
    return "19" in text or "20" in text


assert all("(?:19|20)\\d\\d" in p.pattern for p in (*_DATE_PATTERNS, _NUMERIC_DATE))


def _first_date(text: str, today: date) -> tuple[date, tuple[int, int]] | None:
    if not _may_hold_date(text):
        return None
    for pat in _DATE_PATTERNS:
        for m in pat.finditer(text):
            d = _to_date(m)
            if d is not None and d <= today:
                return d, m.span()
    for m in _NUMERIC_DATE.finditer(text):
        d = _numeric_date(m, text)
        if d is not None and d <= today:
            return d, m.span()
    return None


def _to_date(m: re.Match) -> date | None:
    gd = m.groupdict()
    try:
        year = int(gd["year"])
        month = _MONTHS[gd["mon"].lower().rstrip(".")] if gd.get("mon") else int(gd["mnum"])
        return date(year, month, int(gd["day"]))
    except (ValueError, KeyError, TypeError):
        return None


def date_in_line(line: str) -> tuple[date, tuple[int, int]] | None:
    """(date, span) of the first date in *line*, ignoring future dates."""
    return _first_date(line, date.today())


def header_date_line(line: str, max_len: int = 90) -> date | None:
    """A date if *line* is a standalone date line ("Thursday, October 9, 2025",
    "Published 12 March 2019 10:03", "Reuters November 18, 2019 11:03 PM").

    Rejects "Updated" stamps, captions, copyright lines and lines carrying prose."""
    if len(line) > max_len or not _may_hold_date(line):  # (the revision branch reads a prefix)
        return None
    noise = _DATE_NOISE.search(line)
    if noise:
        # "Published 3 March 2021 · Updated 5 March 2021": the part before the revision stamp
        head = line[:noise.start()].rstrip(" \t|·•,;:-–—(")
        if _REVISION.match(noise.group()) and head and not _DATE_NOISE.search(head):
            return header_date_line(head, max_len)
        return None
    found = date_in_line(line)
    if found is None:
        return None
    d, (a, b) = found
    rest = line[:a] + " " + line[b:]
    rest = _PUBLISHED_PREFIX.sub(" ", rest)
    rest = _WEEKDAY.sub(" ", rest)
    rest = _TIME.sub(" ", rest)
    words = _WORD.findall(rest)
    # allow a short byline / agency / "on" around the date, not a sentence
    if len(words) > 5:
        return None
    return d


# ---------------------------------------------------------------- outlet names
_TOK = r"[A-Z][\w&'-]*(?:\.[\w&'-]+)*"
_NAME = rf"((?:The\s+)?{_TOK}(?:[ \t]+(?:{_TOK}|of|the|and|&|de|du|la|el|al)){{0,5}})"
_OUTLET_PATTERNS: list[tuple[re.Pattern, int]] = [
    (re.compile(rf"\b{_NAME}\s+holds\s+no\s+responsibility"), 10),
    (re.compile(rf"^A\s+(?:Message|Note|Word)\s+from\s+{_NAME}\s*:?\s*$"), 9),
    (re.compile(rf"\bjournalists\s+(?:of|at)\s+{_NAME}"), 9),
    (re.compile(rf"^{_NAME}'s\s+website\b"), 9),
    (re.compile(rf"^Support\s+{_NAME}\s*[!.]?\s*$"), 8),
    (re.compile(rf"^(?:Copyright\s*)?(?:©|\(c\)|Copyright)\s*(?:\d{{4}}\s*(?:[-–]\s*\d{{4}})?\s*,?\s*)?{_NAME}"), 7),
    (re.compile(rf"^Subscribe\s+to\s+{_NAME}\s*[!.]?\s*$"), 6),
    (re.compile(rf"\b(?:By\s+)?supporting\s+{_NAME}\s*,"), 6),
    (re.compile(rf"^Follow\s+{_NAME}\s+on\s+(?:Facebook|Twitter|X|Instagram|LinkedIn|Telegram|YouTube)\b"), 5),
    (re.compile(rf"^(?:Welcome\s+to|About)\s+{_NAME}\s*[!.]?\s*$"), 4),
]
# Words one of the patterns above needs; a line with none of them is skipped. ASCII lines are
# tested with ``in`` on their lower-case form (the same answer: no hint needs a word boundary).
_HINTS = ("responsibility", "message", "note", "word", "journalists", "website", "support", "©", "copyright",
          "(c)", "subscribe", "follow", "welcome", "about")
_OUTLET_HINT = re.compile(first_letters(_HINTS) + "(?:" + "|".join(re.escape(h) for h in _HINTS) + ")", re.I)
# words that are not outlet names although capitalised
_NOT_OUTLET = re.compile(
    r"^(?:Our|Us|We|Your|You|My|This|These|All|Independent|Quality|Free|The\s+(?:Site|Website|Page|"
    r"Newsletter|Author|Authors|Publisher|Editor|Editors|Team|Company|Journalism))\b|^(?:The|Google|Apple|"
    r"Facebook|Twitter|Instagram|YouTube|Telegram|WhatsApp|LinkedIn|Reuters|AP|AFP|Getty|Journalism|"
    r"Premium|Today|News|Newsletter|Newsletters|Us|Me|Home|Menu|Log|Search)$",
    re.I,
)


_CORP_TAIL = re.compile(r"(?:\s+(?:All\s+Rights\s+Reserved|All|Inc|LLC|Ltd|Limited|Pty|PLC|GmbH|Corp|Corporation|Company|Co|Group|Media\s+Group))+\.?$", re.I)


def _clean_name(name: str) -> str | None:
    name = re.sub(r"[\s.,:;!'&-]+$", "", name.strip())
    stripped = re.sub(r"[\s,&]+$", "", _CORP_TAIL.sub("", name))
    if len(stripped) >= 2:
        name = stripped
    if not name or len(name) > 60 or _NOT_OUTLET.search(name):
        return None
    if len(name.split()) > 5:
        return None
    if _WIRE_NAME.match(name):  # the agency a story is syndicated from is not the publisher
        return None
    return name


class LineIndex:
    """Lines lower-cased into one string, each closed by a NUL, so that the lines holding,
    ending or starting with a string are found by a few str.find calls instead of a test of
    every line. (ending_with / starting_with need lines without NUL, as normalised text is.)"""

    def __init__(self, texts: list[str]) -> None:
        self.texts = texts
        lows = [t.lower() for t in texts]
        self.blob = "\0" + "\0".join(lows) + "\0"
        self.starts = list(itertools.accumulate((len(x) + 1 for x in lows), initial=1))

    def _line_at(self, p: int) -> int:
        return bisect.bisect_right(self.starts, p) - 1

    def containing(self, low: str) -> Iterator[int]:
        """Indices of the lines whose lower-cased form holds *low* (non-empty, no NUL), in order."""
        p = self.blob.find(low)
        while p >= 0:
            i = self._line_at(p)
            yield i
            p = self.blob.find(low, self.starts[i + 1])  # on from the next line

    def ending_with(self, low: str) -> Iterator[int]:
        """Indices of the lines whose lower-cased form ends with *low* (non-empty, no NUL)."""
        key = low + "\0"
        p = self.blob.find(key)
        while p >= 0:
            yield self._line_at(p)
            p = self.blob.find(key, p + 1)

    def starting_with(self, low: str) -> Iterator[int]:
        """Indices of the lines whose lower-cased form starts with *low* (no NUL)."""
        key = "\0" + low
        p = self.blob.find(key)
        while p >= 0:
            yield self._line_at(p + 1)
            p = self.blob.find(key, p + 1)


def _hinted_lines(lines: list[str]) -> list[int]:
    """Indexes of the lines that may hold a hint (in order): every line whose lower-cased
    form contains one, and every non-ASCII line: there lower-casing and the
    case-insensitive regex may disagree ("ſ" matches "s" only in the regex), so the caller
    tests it with that regex."""
    index = LineIndex(lines)
    hit = {i for i, line in enumerate(lines) if not line.isascii()}
    for h in _HINTS:
        hit.update(index.containing(h))
    return sorted(hit)


def outlet_candidates(lines: list[str]) -> list[tuple[str, int]]:
    """(name, score) candidates for the page's publisher found in chrome phrasing."""
    out: list[tuple[str, int]] = []
    for i in _hinted_lines(lines):
        line = lines[i]
        if len(line) > 400:
            continue
        if not line.isascii() and not _OUTLET_HINT.search(line):
            continue
        for pat, score in _OUTLET_PATTERNS:
            m = pat.search(line)
            if m:
                name = _clean_name(m.group(1))
                if name:
                    out.append((name, score))
    return out


_TITLE_SEP = re.compile(r"\s+(?:[-|–—·:»]|::)\s+")


def outlet_from_title_suffix(line: str, title: str | None) -> str | None:
    """"Headline - Outlet" / "Headline | Outlet" (a rendered <title>): the suffix."""
    parts = _TITLE_SEP.split(line)
    if len(parts) < 2:
        return None
    suffix = parts[-1].strip()
    head = " ".join(parts[:-1])
    if title and not (title.lower().startswith(head.lower()[:40]) or head.lower().startswith(title.lower()[:40])):
        return None
    if not suffix or len(suffix.split()) > 5 or len(suffix) > 50 or not suffix[0].isupper() and not suffix[0].isdigit():
        if not re.match(r"^[a-z0-9.-]+\.[a-z]{2,}$", suffix or ""):
            return None
    return _clean_name(suffix)


# ---------------------------------------------------------------- wires, datelines
_WIRES = r"Reuters|AP|AFP|Associated\s+Press|Agence\s+France-Presse|Bloomberg|Xinhua|TASS|Interfax|RIA\s+Novosti|dpa|ANI|IANS|PTI|UPI|Kyodo|Yonhap|EFE|ANSA|Anadolu"
_WIRE_NAME = re.compile(rf"^(?:The\s+)?(?:{_WIRES})(?:\s+(?:News|News\s+Agency|Staff|Wire))?$", re.I)
_WIRE_NORMAL = {"associated press": "AP", "agence france-presse": "AFP"}
_WIRE_IN_DATELINE = re.compile(rf"^[^\n]{{0,60}}?\((?P<w>{_WIRES})\)\s*[-–—:]", re.I)
_WIRE_DISCLAIMER = re.compile(
    rf"(?:generated|published|sourced|taken|syndicated)\s+from\s+(?:the\s+)?(?P<w>{_WIRES})(?:\s+news)?\s+(?:service|feed|wire)",
    re.I,
)
_WIRE_CREDIT = re.compile(r"^\(?Reporting\s+by\s+(?P<w>Reuters)\b", re.I)


def wire_name(text: str) -> str | None:
    """The agency a publisher-like name is ("Associated Press" -> "AP"), else None."""
    m = _WIRE_NAME.match(text.strip())
    if not m:
        return None
    core = re.sub(r"^(?:the\s+)|\s+(?:news(?:\s+agency)?|staff|wire)$", "", text.strip(), flags=re.I)
    return _norm_wire(core)


def _norm_wire(w: str) -> str:
    w = re.sub(r"\s+", " ", w.strip())
    return _WIRE_NORMAL.get(w.lower(), w if not w.isupper() or len(w) <= 5 else w)


def find_wire(body_paras: list[str], all_lines: list[str]) -> str | None:
    """The wire agency a syndicated story credits, else None."""
    for p in body_paras[:2]:
        m = _WIRE_IN_DATELINE.match(p)
        if m:
            return _norm_wire(m.group("w"))
    for line in all_lines:
        if len(line) > 400:
            continue
        # the disclaimer needs the word "from": an ASCII line without it cannot match
        may_disclaim = not line.isascii() or "from" in line.lower()
        m = (may_disclaim and _WIRE_DISCLAIMER.search(line)) or _WIRE_CREDIT.match(line)
        if m:
            return _norm_wire(m.group("w"))
    return None


_DATELINE = re.compile(
    r"^(?P<city>[A-Z][A-Z'.-]+(?:[ ][A-Z][A-Z'.-]+){0,3})"            # DUSHANBE / NEW YORK / ST. PETERSBURG
    r"(?:,\s*[A-Z][\w.]*(?:\s[A-Z][\w.]*){0,2})?"                         # , Tajikistan / , Sept. 16
    r"(?:\s*,?\s*\([^)]{1,40}\))?"                                       # (Reuters)
    r"\s*[—–-]{1,2}\s*"
)
_DATELINE_TC = re.compile(  # Title-case city with agency: "Moscow (AP) —"
    rf"^(?P<city>[A-Z][a-z]+(?:[ ][A-Z][a-z]+){{0,2}})(?:,\s*[A-Z][\w.]*(?:\s[A-Z][\w.]*){{0,2}})?\s*\((?:{_WIRES})\)\s*[—–-]{{1,2}}\s*"
)


def find_dateline(first_para: str) -> str | None:
    """City of a dateline opening the body: "DUSHANBE — ...", "MOSCOW (Reuters) - ..."."""
    m = _DATELINE.match(first_para) or _DATELINE_TC.match(first_para)
    if not m:
        return None
    city = m.group("city").strip()
    if len(city) < 3 or city in {"AP", "AFP", "UPDATE", "WATCH", "EXCLUSIVE", "BREAKING", "OPINION", "ANALYSIS"}:
        return None
    return city


# ---------------------------------------------------------------- language
@functools.cache
def _language_identifier() -> Any:
    """py3langid's identifier, or None when py3langid cannot be loaded.

    Its model ships LZMA-compressed: unpacking it takes ~0.45 s in every process (each worker
    of each run). The unpacked identifier, its table already in float32
    (:func:`_with_float32_table`: converting it in every process took longer than the
    conversion saves on a small run), is kept as a pickle (:mod:`pipeline.localcache`, ~120 MB)
    under a key of the model file and py3langid's version, and loads in ~0.15 s."""
    try:
        from importlib.metadata import version

        from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier
    except Exception:  # pragma: no cover - depends on the environment
        return None
    model = MODEL_DIR / MODEL_FILE
    stat = model.stat()
    key = localcache.digest(f"py3langid={version('py3langid')}", str(model), f"{stat.st_size}:{stat.st_mtime_ns}",
                            "table=float32")
    return localcache.load_or_build(
        "langid", key, lambda: _with_float32_table(LanguageIdentifier.from_model_file(MODEL_FILE)), codec="pickle")


def _with_float32_table(identifier: Any) -> Any:
    """The identifier with its class-probability table in float32 instead of float16.

    Each classification multiplies float32 feature weights by the table's rows for the text's
    features: with a float16 table numpy first converts those rows to float32, which took
    more than half of the scoring time. The product is the same, bit for bit (the conversion
    is exact); the table takes about 28 MB more per process."""
    import numpy as np

    table = getattr(identifier, "nb_ptc", None)
    if isinstance(table, np.ndarray) and table.dtype == np.float16:
        identifier.nb_ptc = table.astype(np.float32)
    return identifier


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of *text* via py3langid when installed, else None."""
    if not text or len(text) < 20:
        return None
    identifier = _language_identifier()
    if identifier is None:
        return None
    try:
        lang, _ = identifier.classify(text[:600])
    except Exception:  # pragma: no cover
        return None
    return lang or None


# --------------------------------------------------------------------------- aggregator widgets
# Rating / leaning / source-count widgets of news-aggregator pages, recognised by their shape
# (both cleaners use these, so an aggregator is recognised alike in HTML and in a text dump).
PERCENT_ONLY = re.compile(r"^[\W\d_]*(?:[A-Z]\s*)?\d+\s*%[\W\d_]*$|^\d+\s*%\s+\w+$")
# a source count ("12 sources", "9 Articles")
N_ARTICLES = re.compile(r"^\d+\s+(?:articles?|sources?|stories|outlets|reports)$", re.I)
# a stats widget rendered without spaces between its labels and values ("Total Sources9",
# "Left2Right3Center3"): a word run glued to a number, alone on the line or followed by another label
_GLUED_STAT = re.compile(r"^[^\W\d_][^\W\d_ ]*(?: [^\W\d_]+){0,4}\d+$|[^\W\d_]{2}\d+(?:\.\d+)?%?[A-Z][a-z]")
# two or more percentages in a short line ("38% Center, 37% Right"): a meter, not a sentence
_PERCENTS = re.compile(r"\d\s*%")


def widget_line(text: str, words: int | None = None) -> bool:
    """A widget line by its shape: only percentages, a source count, a label glued to a
    number, or several percentages in a few words ("38% Center, 37% Right")."""
    if PERCENT_ONLY.match(text) or N_ARTICLES.match(text) or _GLUED_STAT.search(text):
        return True
    n = len(text.split()) if words is None else words
    return n <= 16 and len(_PERCENTS.findall(text)) >= 2

