"""Paragraphs, quotation spans and sentences of a cleaned body, all as character offsets.

Sentences never split inside a quotation, so a quote of several sentences and its
attribution ("...," Putin said.) stay in one unit.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property

UPPER = "".join(chr(c) for c in range(0x41, 0x250) if chr(c).isupper())
LOWER = "".join(chr(c) for c in range(0x61, 0x250) if chr(c).islower())

# Abbreviations after which a full stop does not end a sentence.
_ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "st", "gen", "lt", "col", "sgt", "capt", "cmdr", "adm", "sen", "rep",
    "gov", "pres", "prof", "rev", "hon", "jr", "sr", "no", "nos", "vs", "etc", "inc", "ltd", "co",
    "corp", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    "u.s", "u.k", "u.n", "e.u", "d.c", "e.g", "i.e", "a.m", "p.m", "approx", "est", "fig", "mt",
}


def fold_case(text: str) -> str | None:
    """``text`` lower-cased so that literals written in lower case (ASCII or currency signs)
    can be looked for with str.find, ``in`` or endswith as re.I would match them: for every
    such character x, ``fold[i] == x`` exactly when ``text[i]`` matches x under re.I. Besides
    the capitals, re.I matches "i" with "İ" and "ı", "s" with "ſ" and "k" with the Kelvin sign
    (which lower() maps to "k"); "İ" is also the one character that lower() turns into two.
    None should lower-casing change the length all the same: callers then try every position."""
    fold = text.replace("\u0130", "I").lower().replace("\u0131", "i").replace("\u017f", "s")
    return fold if len(fold) == len(text) else None


def finditer_at(rx: re.Pattern[str], text: str, starts: Iterable[int],
                endpos: int | None = None) -> Iterator[re.Match[str]]:
    """What ``rx.finditer(text, pos, endpos)`` yields, trying ``rx`` only at ``starts``:
    ascending positions, none before ``pos``, among which is every position where a match can
    begin. For patterns that cannot match the empty string. finditer yields the leftmost match
    at or after the end of the previous one, and ``rx.match`` at a position sees the text
    before it (lookbehinds, \\b, ^) as a search reaching that position does."""
    endpos = len(text) if endpos is None else endpos
    after = 0
    for s in starts:
        if s >= after:
            m = rx.match(text, s, endpos)
            if m:
                yield m
                after = m.end()


@dataclass(frozen=True)
class Span:
    start: int
    end: int


@dataclass(frozen=True)
class Quote:
    """A quotation: ``start``/``end`` bound the words inside the marks."""

    open_mark: int  # offset of the opening mark
    close_mark: int  # offset of the closing mark, or the paragraph end when left open
    start: int
    end: int
    paragraph: int
    closed: bool


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    paragraph: int


def paragraph_spans(body: str) -> list[Span]:
    spans, pos = [], 0
    for part in body.split("\n\n"):
        if part.strip():
            lead = len(part) - len(part.lstrip())
            spans.append(Span(pos + lead, pos + len(part.rstrip())))
        pos += len(part) + 2
    return spans


def _is_opening(text: str, i: int) -> bool:
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    if before.isspace() or before in "([{-\u2014\u2013/:;,":
        return not after.isspace()
    return False


def _is_closing(text: str, i: int) -> bool:
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    return not before.isspace() and (after.isspace() or not after.isalnum())


_SINGLE = re.compile(r"(?:^|(?<=[\s(\[\u2014\-]))'(?=[^\W_])(?P<inner>[^'\n]*?(?:'[^\W_][^'\n]*?)*?[,.!?;])'(?=\s|$)")


def _positions(text: str, char: str, start: int, end: int) -> list[int]:
    """Every offset of ``char`` in text[start:end]."""
    out, i = [], text.find(char, start, end)
    while i >= 0:
        out.append(i)
        i = text.find(char, i + 1, end)
    return out


def quote_spans(body: str, paragraphs: list[Span] | None = None) -> list[Quote]:
    """Pair the quotation marks paragraph by paragraph: straight double quotes (the body is
    normalised), and single quotes when they clearly delimit speech (British style:
    'We cannot wait,' she said) - the closing mark follows punctuation, so apostrophes
    ("Russia's", "countries'") never close a quote."""
    doubles = _double_spans(body, paragraphs)
    singles: list[Quote] = []
    for pi, para in enumerate(paragraphs if paragraphs is not None else paragraph_spans(body)):
        marks = _positions(body, "'", para.start, para.end)  # a match begins at its opening mark
        for m in finditer_at(_SINGLE, body, marks, para.end):
            o, c = m.start(), m.end() - 1
            if any(q.open_mark <= o <= q.close_mark or q.open_mark <= c <= q.close_mark for q in doubles):
                continue
            singles.append(_make(body, para, pi, o - para.start, c - para.start, closed=True))
    return sorted(doubles + singles, key=lambda q: q.open_mark)


def _double_spans(body: str, paragraphs: list[Span] | None = None) -> list[Quote]:
    quotes: list[Quote] = []
    for pi, para in enumerate(paragraphs if paragraphs is not None else paragraph_spans(body)):
        text = body[para.start:para.end]
        marks = [m.start() for m in re.finditer('"', text)]
        if not marks:
            continue
        i = 0
        while i < len(marks):
            o = marks[i]
            if not _is_opening(text, o) and i + 1 < len(marks):
                # A stray closing mark (e.g. after a dropped line): skip it.
                if _is_closing(text, o) and not _is_closing(text, marks[i + 1]):
                    i += 1
                    continue
            if i + 1 < len(marks):
                c = marks[i + 1]
                quotes.append(_make(body, para, pi, o, c, closed=True))
                i += 2
            else:
                # Unclosed: a quotation continued in the next paragraph, or a stray mark.
                if _is_opening(text, o):
                    quotes.append(_make(body, para, pi, o, len(text), closed=False))
                i += 1
    return quotes


def _make(body: str, para: Span, pi: int, o: int, c: int, closed: bool) -> Quote:
    start, end = para.start + o + 1, para.start + c
    while start < end and body[start].isspace():
        start += 1
    while end > start and body[end - 1].isspace():
        end -= 1
    return Quote(para.start + o, para.start + c, start, end, pi, closed)


_BOUNDARY = re.compile(r'[.!?]+["\')\]]*\s+(?=["\'(\[]?[' + UPPER + r'0-9])')


def sentence_spans(body: str, paragraphs: list[Span] | None = None,
                   quotes: list[Quote] | None = None) -> list[Sentence]:
    paragraphs = paragraphs if paragraphs is not None else paragraph_spans(body)
    quotes = quotes if quotes is not None else quote_spans(body, paragraphs)
    inside = sorted((q.open_mark, q.close_mark) for q in quotes)
    out: list[Sentence] = []
    qi = 0
    for pi, para in enumerate(paragraphs):
        start = para.start
        for m in _BOUNDARY.finditer(body, para.start, para.end):
            cut = m.end()
            dot = m.start()
            while qi < len(inside) and inside[qi][1] < dot:
                qi += 1
            end_punct = m.start() + len(m.group(0).rstrip())
            if any(a < dot < b and end_punct <= b for a, b in inside[qi:qi + 3]):
                continue  # inside a quotation (a quote that ends the sentence still ends it)
            word = _last_word(body, start, dot)
            if word:
                w = word.lower().rstrip(".")
                if w in _ABBREVIATIONS or (len(w) == 1 and w.isalpha()):
                    continue
            out.append(Sentence(start, m.start() + len(m.group(0).rstrip()), pi))
            start = cut
        if start < para.end:
            out.append(Sentence(start, para.end, pi))
    return out


def _last_word(body: str, start: int, end: int) -> str:
    r"""What ``re.search(r"([\w.]+)$", body[start:end])`` captures ("" for no match), found by
    walking back from the end instead of trying every position of the text: "$" is the end,
    or the place before a final newline, and the capture is the whole run of \w (what
    str.isalnum accepts, and "_") and "." that ends there."""
    if end > start and body[end - 1] == "\n":
        end -= 1
    i = end
    while i > start and (body[i - 1].isalnum() or body[i - 1] in "._"):
        i -= 1
    return body[i:end]


def sentence_at(sentences: list[Sentence], pos: int) -> Sentence | None:
    lo, hi = 0, len(sentences) - 1
    while lo <= hi:
        mid = (lo + hi) // 2
        s = sentences[mid]
        if pos < s.start:
            hi = mid - 1
        elif pos >= s.end:
            lo = mid + 1
        else:
            return s
    return None


@dataclass
class Units:
    body: str
    paragraphs: list[Span]
    quotes: list[Quote]
    sentences: list[Sentence]

    @cached_property
    def fold(self) -> str | None:
        """:func:`fold_case` of the body."""
        return fold_case(self.body)

    @classmethod
    def of(cls, body: str) -> "Units":
        paragraphs = paragraph_spans(body)
        quotes = quote_spans(body, paragraphs)
        return cls(body, paragraphs, quotes, sentence_spans(body, paragraphs, quotes))

    def sentence_at(self, pos: int) -> Sentence | None:
        return sentence_at(self.sentences, pos)
