"""Text normalisation shared by both cleaners: whitespace and quotation marks.

Every later character offset points into text that went through
:func:`normalise_text`, so this is the one place that decides what the body looks like.
(:func:`first_letters` and :func:`alternation`, which speed up the case-insensitive scans of
cleaning and extraction alike, live here too, below the modules that use them.)
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence

# Double quotation marks of many typographic traditions -> '"'.
_DOUBLE_QUOTES = "\u201c\u201d\u201e\u201f\u00ab\u00bb\u2033\u301d\u301e\uff02"
# Single quotation marks / apostrophes -> "'".
_SINGLE_QUOTES = "\u2018\u2019\u201a\u201b\u2032\u02bc\u2039\u203a"
_TRANSLATE = {ord(c): '"' for c in _DOUBLE_QUOTES}
_TRANSLATE.update({ord(c): "'" for c in _SINGLE_QUOTES})
# Hyphen look-alikes that are not dashes (non-breaking hyphen, hyphen, figure dash).
_TRANSLATE.update({0x2011: "-", 0x2010: "-", 0x2012: "-", 0x00AD: None})
# Zero-width and bidi control characters carry no text.
for _cp in (0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x200E, 0x200F,
            0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069):
    _TRANSLATE[_cp] = None
# Control characters are not text: NUL is dropped (as the HTML cleaner does), the other C0
# controls (but tab, newline, carriage return), DEL and the C1 controls become a space, and a
# lone surrogate (not encodable, so not storable) becomes U+FFFD.
_TRANSLATE[0x00] = None
for _cp in (*range(0x01, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), *range(0x7F, 0xA0)):
    _TRANSLATE[_cp] = " "
_TRANSLATE.update({_cp: "\ufffd" for _cp in range(0xD800, 0xE000)})


def _char_class(codepoints) -> str:
    """A regex character class of the given code points, as ranges of consecutive ones."""
    cps = sorted(codepoints)
    parts, lo = [], 0
    while lo < len(cps):
        hi = lo
        while hi + 1 < len(cps) and cps[hi + 1] == cps[hi] + 1:
            hi += 1
        parts.append("\\U%08x" % cps[lo] + ("-\\U%08x" % cps[hi] if hi > lo else ""))
        lo = hi + 1
    return "[" + "".join(parts) + "]"


# str.translate looks every character of a non-ASCII text up in the table (slow on a long
# page); instead the characters to translate that occur are found with one regex scan and
# each is replaced with str.replace.  No replacement is itself a key of the table, so
# replacing one character after another gives exactly the str.translate result.
_TRANSLATED = re.compile(_char_class(_TRANSLATE))
_REPLACEMENT = {chr(cp): rep or "" for cp, rep in _TRANSLATE.items()}
assert not any(r in _REPLACEMENT for r in _REPLACEMENT.values() if r)


def _translate(text: str) -> str:
    """``text.translate(_TRANSLATE)``, faster."""
    for c in set(_TRANSLATED.findall(text)):
        text = text.replace(c, _REPLACEMENT[c])
    return text


# The longest body kept (characters; a long feature is ~100,000). Beyond it a page is not a
# news article (a log, a data dump, a book), and extraction time grows faster than linearly.
MAX_BODY_CHARS = 200_000
# The most a cleaner reads of a page (characters): HTML markup once scripts, styles and
# attributes are stripped; a text dump's lines. Parsing is linear but slow (a 50 MB page took
# 40 s as HTML, 2 min as a dump); no news page holds its article beyond this.
MAX_CLEAN_CHARS = 4_000_000
MAX_DUMP_CHARS = 1_000_000

# A run of whitespace (newlines aside) that is not already one plain space: the runs that
# become " ".  (A lone " " is left alone rather than replaced by itself, which is costly.)
_SPACES = re.compile(r" [^\S\n]+|[^\S\n ][^\S\n]*")
_MANY_NEWLINES = re.compile(r"\n\n\n+")  # (spelt so that the scan looks for "\n\n\n")


def normalise_line(text: str) -> str:
    """One line: NFC, quote marks unified, every space-like run -> one space, trimmed."""
    text = _translate(unicodedata.normalize("NFC", text))
    text = text.replace("\r", " ").replace("\n", " ")
    return _SPACES.sub(" ", text).strip()


def normalise_text(text: str) -> str:
    """Whole text: lines normalised, paragraphs separated by exactly one blank line."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = _translate(text)
    # every line's space runs collapsed and its ends trimmed, on the whole text at once: the
    # runs (never across a newline) made one space, then the space on either side of each
    # newline dropped (the first line's head and the last line's tail go with the final strip)
    text = _SPACES.sub(" ", text).replace(" \n", "\n").replace("\n ", "\n")
    return _MANY_NEWLINES.sub("\n\n", text).strip()


def join_paragraphs(paragraphs: list[str], limit: int = MAX_BODY_CHARS) -> str:
    """Paragraphs -> body text with one blank line between them (empty ones dropped).

    The body stops at ``limit`` characters: the paragraphs after it are left out, and a
    paragraph that crosses it is cut at the last space before it."""
    out: list[str] = []
    size = 0
    for p in paragraphs:
        p = normalise_line(p)
        if not p:
            continue
        room = limit - size - (2 if out else 0)
        if len(p) > room:
            cut = p.rfind(" ", 0, room + 1) if room > 0 else -1
            p = p[:cut if cut > 0 else max(room, 0)].rstrip()
            if p:
                out.append(p)
            break
        out.append(p)
        size += len(p) + (2 if len(out) > 1 else 0)
    return "\n\n".join(out)


def first_letters(words: Iterable[str]) -> str:
    """A lookahead for the first letters of ``words``, to put before their alternation in a
    pattern compiled with re.I (the letters then match in either case, as the words do).
    Under re.I the regex engine cannot rule an alternative out by its first letter: it tries
    every word in turn at each position. The lookahead rules most positions out with one set
    test, which makes such scans about twice as fast, with the same matches. Each word must
    begin with a literal character (not an escape, a class or a group), which it matches."""
    return "(?=[" + "".join(sorted({re.escape(w[0].lower()) for w in words})) + "])"


def alternation(words: Sequence[str], capture: bool = False) -> str:
    """``words`` (regex fragments) as one group of alternatives, capturing when ``capture``,
    behind their :func:`first_letters` lookahead: the lookahead and the alternatives come from
    the one list, so they cannot drift apart."""
    return first_letters(words) + ("(" if capture else "(?:") + "|".join(words) + ")"
