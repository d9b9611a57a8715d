"""Text normalisation shared by both cleaners: whitespace and quotation marks.

Every later character offset points into text that went through
:func:`normalise_text`, so this is the one place that decides what the body looks like.
"""
from __future__ import annotations

import re
import unicodedata

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

_SPACES = re.compile(r"[^\S\n]+")  # any whitespace except newline
_MANY_NEWLINES = re.compile(r"\n{3,}")


def normalise_line(text: str) -> str:
    """One line: NFC, quote marks unified, every space-like run -> one space, trimmed."""
    text = unicodedata.normalize("NFC", text).translate(_TRANSLATE)
    text = text.replace("\r", " ").replace("\n", " ")
    return _SPACES.sub(" ", text).strip()


def normalise_text(text: str) -> str:
    """Whole text: lines normalised, paragraphs separated by exactly one blank line."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = text.translate(_TRANSLATE)
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return _MANY_NEWLINES.sub("\n\n", "\n".join(lines)).strip()


def join_paragraphs(paragraphs: list[str]) -> str:
    """Paragraphs -> body text with one blank line between them (empty ones dropped)."""
    cleaned = [normalise_line(p) for p in paragraphs]
    return "\n\n".join(p for p in cleaned if p)
