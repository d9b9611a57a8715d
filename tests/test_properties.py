"""Property-based tests: arbitrary text, markup and bytes never break the pipeline's steps.

For arbitrary text (quotes, digits, currency signs, any Unicode) and arbitrary HTML built from
a small grammar of tags, attributes and text:

* ``clean_html`` and ``clean_text_dump`` return a page without raising (and without hiding an
  internal error), whose body holds no control character;
* ``extract_article`` and ``process_document`` do not raise; every quote and statistic offset
  slices the body to the stored text; every statistic value is finite; every date is a real
  date (start <= end);
* ``pipeline.ingest.decode`` (and ``read_document``) accept any bytes, and decoded text is
  always storable (valid UTF-8);
* gzip decompression honours its size limit; the body cap holds;
* the syndication shingles computed all at once equal their one-run-at-a-time definition;
* the syndication's stories (vectorised) are the connected components of the shared-passage
  edges, each labelled by its smallest member, as a graph search finds them;
* a first-letter lookahead before a case-insensitive alternation changes none of its matches.
* the attribute pruning before the parse passes over only the tags it would give back as they are.

The profile is bounded (``max_examples`` 60 or 120 per test, no deadline, no example database) so
the file runs in well under a minute.
"""
from __future__ import annotations

import gzip
import math
import re
import tempfile
import zlib
from datetime import date
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from hostile import check_rows
from pipeline import ingest
from pipeline.clean.html import clean_html
from pipeline.clean.text import clean_text_dump
from pipeline.extract.article import extract_article
from pipeline.ingest import Document, decode, read_document
from pipeline.process import _HASH_BASE, SHINGLE_SAMPLE, process_document, shingle_bytes, shingles
from pipeline.textnorm import join_paragraphs

pytestmark = pytest.mark.filterwarnings("ignore::bs4.XMLParsedAsHTMLWarning",
                                        "ignore::bs4.MarkupResemblesLocatorWarning")

PROFILE = settings(max_examples=120, deadline=None, database=None,
                   suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                          HealthCheck.filter_too_much])
SMALL = settings(PROFILE, max_examples=60)

# ---------------------------------------------------------------- strategies
TOKENS = [
    "Vladimir Putin", "Putin", "Xi Jinping", "Xi", "President", "Prime Minister Narendra Modi", "Chinese",
    "Russian", "said", "told", "added", "he said.", "she said,", "summit", "SCO", "G20", "BRICS",
    "Shanghai Cooperation Organization", "in", "Astana", "Dushanbe", "on", "Thursday", "February", "30,",
    "31", "April", "2024", "2023-13-45", "1e309", "$", "$1e309", "US$", "€", "£", "¥", "₹", "percent", "%",
    "per cent", "billion", "million", "bn", "people", "troops", "leaders", "more than", "nearly",
    "five", "two dozen", "nine-member", '"', "'", "“", "”", "„", "«", "»", "‘", "’", ",", ".", ":", ";",
    "—", "-", "(", ")", "\n", "\n\n", "the", "a", "met", "talks", "sidelines", "hosted", "did not attend",
    "9" * 30, "0", "1,000", "12.5", "3.", "99999999999999999999999", "tomorrow", "yesterday", "last year",
    "\u200b", "\u202e", "\x00", "\x1b", "\ufeff", "\r\n", "\t",
]
NUMBERS = st.from_regex(r"\A[$€£]?-?\d{1,25}(?:[.,]\d{1,4})?(?:e[+-]?\d{1,4})?\s?(?:%|bn|billion|people)?\Z",
                        fullmatch=True)
WORDS = st.one_of(st.sampled_from(TOKENS), NUMBERS, st.text(max_size=6))
TEXT = st.one_of(
    st.lists(WORDS, max_size=120).map(" ".join),
    st.lists(WORDS, max_size=60).map("".join),
    st.text(max_size=300),
    st.text(alphabet=st.sampled_from(list("\"'“”«»‘’ $€%0123456789.,e\n Putinsaid")), max_size=300),
)

TAGS = ["p", "div", "span", "article", "main", "section", "h1", "h2", "ul", "li", "a", "b", "i", "em",
        "script", "style", "nav", "aside", "footer", "header", "form", "table", "tr", "td", "blockquote",
        "time", "br", "img", "meta", "title", "head", "body", "html", "frameset", "noscript", "svg",
        "template", "figcaption", "pre", "button"]
ATTR_NAMES = ["class", "id", "role", "style", "hidden", "href", "datetime", "itemprop", "aria-hidden", "lang",
              "property", "content", "name", "type"]
ATTR_VALUES = ["article", "content", "story-body", "comment", "share", "display:none", "true", "2024-02-30",
               "2024-07-04T10:00:00Z", "0000-00-00", "9999-12-31", "byline", 'x"y', "related", "",
               "application/ld+json", "article:published_time", "og:site_name", "https://a.example/x",
               "<", ">", "&amp;", "'"]


def _attr(pair: tuple[str, str, int]) -> str:
    name, value, style = pair
    if style == 0:
        return f' {name}="{value}"'
    if style == 1:
        return f" {name}='{value}'"
    if style == 2:
        return f" {name}={value}"
    return f" {name}"


@st.composite
def _element(draw, children):
    tag = draw(st.sampled_from(TAGS))
    attrs = "".join(_attr(a) for a in draw(st.lists(
        st.tuples(st.sampled_from(ATTR_NAMES), st.sampled_from(ATTR_VALUES), st.integers(0, 3)), max_size=3)))
    inner = "".join(draw(st.lists(children, max_size=5)))
    ending = draw(st.sampled_from(["close", "close", "close", "open", "self", "comment"]))
    if ending == "close":
        return f"<{tag}{attrs}>{inner}</{tag}>"
    if ending == "open":
        return f"<{tag}{attrs}>{inner}"
    if ending == "self":
        return f"<{tag}{attrs}/>{inner}"
    return f"<!-- {inner} -->" if draw(st.booleans()) else f"<!-- {inner}"


LEAF = st.one_of(TEXT, st.sampled_from(["&amp;", "&#0;", "&#x110000;", "&nbsp;", "&bogus;", "<", ">", "]]>",
                                        "<![CDATA[x]]>", "<?php x ?>", "<!DOCTYPE html>"]))
HTML = st.recursive(LEAF, _element, max_leaves=40).map(
    lambda s: s if "<html" in s else f"<html><head><title>T</title></head><body>{s}</body></html>")
DATES = st.one_of(st.none(), st.dates(), st.sampled_from([date.min, date.max, date(1, 1, 7), date(9999, 12, 25)]),
                  st.dates(min_value=date(1990, 1, 1), max_value=date(2030, 12, 31)))


# ---------------------------------------------------------------- checks
def check_facts(body: str, facts) -> None:
    for q in facts.quotes:
        assert 0 <= q.start <= q.end <= len(body)
        assert body[q.start:q.end] == q.text
    for s in facts.statistics:
        assert 0 <= s.start <= s.end <= len(body)
        assert body[s.start:s.end] == s.text
        assert isinstance(s.value, float) and math.isfinite(s.value), s
    for m in facts.summits:
        for d in (m.start_date, m.end_date):
            assert d is None or isinstance(d, date)
        if m.start_date and m.end_date:
            assert m.start_date <= m.end_date
    for p in facts.people:
        for s, e in p.mentions:
            assert 0 <= s <= e <= len(body)
    for i in facts.attendees:
        assert 0 <= i < len(facts.people)


def check_page(page) -> None:
    assert isinstance(page.body, str)
    page.body.encode("utf-8")
    assert not any(c < " " and c != "\n" for c in page.body)
    assert not any(n.startswith("error") for n in page.notes), page.notes  # no swallowed crash
    if page.published_date is not None:
        assert isinstance(page.published_date, date) and 1900 <= page.published_date.year <= date.today().year


# ---------------------------------------------------------------- cleaners
@PROFILE
@given(HTML)
def test_clean_html_never_raises(html):
    check_page(clean_html(html))


@SMALL
@given(TEXT)
def test_clean_html_on_plain_text(text):
    check_page(clean_html(text))


@PROFILE
@given(st.lists(TEXT, max_size=12).map("\n".join))
def test_clean_text_dump_never_raises(text):
    check_page(clean_text_dump(text))


# ---------------------------------------------------------------- extraction
@PROFILE
@given(st.lists(TEXT, max_size=8), DATES)
def test_extract_article_offsets_values_dates(paragraphs, published):
    body = join_paragraphs(paragraphs)  # bodies are always normalised by a cleaner
    check_facts(body, extract_article(body, published))


@SMALL
@given(TEXT, DATES)
def test_extract_article_on_raw_text(text, published):
    check_facts(text, extract_article(text, published))


EDGE_TEXT = st.lists(st.sampled_from(["opens", "was held", "tomorrow", "yesterday", "next", "last", "Monday",
                                      "Friday and Saturday", "today", "next year", "last year", "June 26", "31 April",
                                      "will be held", "Putin said", "."]),
                     min_size=1, max_size=10).map(lambda words: "The SCO summit in Astana " + " ".join(words))
EDGE_DATES = st.one_of(st.sampled_from([date.min, date.max, date(1, 1, 7), date(9999, 12, 25)]), st.dates())


@SMALL
@given(EDGE_TEXT, EDGE_DATES)
def test_relative_dates_at_the_edges_of_the_calendar(text, published):
    """Relative dates ("tomorrow", "last Monday") against any publication date, even year 1 or 9999."""
    check_facts(text, extract_article(text, published))


@SMALL
@given(st.sampled_from(["html", "text"]), st.one_of(HTML, st.lists(TEXT, max_size=10).map("\n\n".join)))
def test_process_document_never_raises(fmt, text):
    doc = Document("p/x." + ("html" if fmt == "html" else "txt"), "0" * 64, len(text), "utf-8", fmt, text)
    check_rows(process_document(doc, today=date(2026, 1, 1)), doc)


# ---------------------------------------------------------------- ingest
BOMS = [b"", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff", b"\x1f\x8b"]
RAW = st.one_of(
    st.binary(max_size=3000),
    st.builds(lambda bom, b: bom + b, st.sampled_from(BOMS), st.binary(max_size=2000)),
    st.builds(lambda t, enc: t.encode(enc, "replace"), TEXT,
              st.sampled_from(["utf-8", "utf-16-le", "utf-16", "utf-32", "cp1251", "cp1252", "koi8_r", "gb18030"])),
    st.builds(lambda t, b, pos: (lambda e: e[:pos] + b + e[pos:])(t.encode()), TEXT, st.binary(max_size=8),
              st.integers(0, 400)),
)


@PROFILE
@given(RAW)
def test_decode_never_raises(raw):
    text, encoding = decode(raw)
    assert isinstance(encoding, str) and encoding
    if text is not None:
        assert isinstance(text, str)
        text.encode("utf-8")  # storable


@SMALL
@given(RAW, st.sampled_from(["x.html", "x.txt", "X.HTM"]))
def test_read_document_never_raises(raw, name):
    with tempfile.TemporaryDirectory() as d:
        root = Path(d)
        (root / name).write_bytes(raw)
        result = read_document(root, root / name)
        assert result.source_path == name
        if isinstance(result, Document):
            result.text.encode("utf-8")
            assert result.format in ("html", "text")
            check_rows(process_document(result, today=date(2026, 1, 1)), result)
        else:
            assert result.reason and result.detail


@SMALL
@given(st.binary(max_size=5000), st.integers(0, 6000))
def test_gunzip_respects_its_limit(data, limit):
    packed = gzip.compress(data, mtime=0)
    if len(data) <= limit:
        assert ingest.gunzip(packed, limit) == data
        assert ingest.gunzip(packed + gzip.compress(data[:10]), limit + 10) == data + data[:10]
    else:
        with pytest.raises(ingest._TooLarge):
            ingest.gunzip(packed, limit)


@SMALL
@given(st.binary(max_size=300), st.integers(0, 400))
def test_gunzip_on_garbage_raises_only_known_errors(tail, cut):
    for raw in (b"\x1f\x8b" + tail, gzip.compress(tail, mtime=0)[:cut]):
        try:
            ingest.gunzip(raw, 10_000)
        except (EOFError, OSError, zlib.error, ingest._TooLarge):
            pass


@SMALL
@given(st.lists(TEXT, max_size=10), st.integers(0, 500))
def test_body_cap(paragraphs, limit):
    body = join_paragraphs(paragraphs, limit=limit)
    assert len(body) <= limit
    full = join_paragraphs(paragraphs, limit=10**9)
    if len(full) <= limit:
        assert body == full
    else:
        assert full.startswith(body.rsplit("\n\n", 1)[0])


# ---------------------------------------------------------------- syndication shingles
_M64 = (1 << 64) - 1


def _shingle_by_definition(text: str, n: int = 8) -> list[int]:
    """One run at a time: the polynomial over the run's UTF-8 bytes, then splitmix64's finaliser."""
    words = re.findall(r"\w+", text.lower())
    out = []
    for i in range(len(words) - n + 1):
        h = 0
        for byte in " ".join(words[i:i + n]).encode():
            h = (h * _HASH_BASE + byte) & _M64
        h ^= h >> 30
        h = (h * 0xBF58476D1CE4E5B9) & _M64
        h ^= h >> 27
        h = (h * 0x94D049BB133111EB) & _M64
        h ^= h >> 31
        out.append(h >> 32)
    return out


@PROFILE
@given(st.lists(TEXT, max_size=12).map(" ".join))
def test_shingles_are_the_hash_of_every_run(text):
    expected = _shingle_by_definition(text)
    assert shingles(text).tolist() == expected
    assert np.frombuffer(shingle_bytes(text), dtype="<u4").tolist() == sorted({h for h in expected if h % SHINGLE_SAMPLE == 0})


def test_a_passage_hashes_alike_wherever_it_stands():
    passage = "Leaders agreed to meet again in Brasília next spring, officials said"
    alone = shingles(passage)
    assert len(alone) == 4  # 11 words: four runs of eight
    assert shingles("Earlier — " + passage.upper() + " on Friday.")[1:5].tolist() == alone.tolist()
    assert shingles("seven words are not enough here ok").size == 0


# ---------------------------------------------------------------- syndication stories
def _components_by_search(n: int, edges: list[tuple[int, int]]) -> list[int]:
    """Each node's smallest reachable node, by a plain graph search from every node."""
    near: list[set[int]] = [set() for _ in range(n)]
    for a, b in edges:
        near[a].add(b)
        near[b].add(a)
    out = []
    for start in range(n):
        seen, todo = {start}, [start]
        while todo:
            for nxt in near[todo.pop()] - seen:
                seen.add(nxt)
                todo.append(nxt)
        out.append(min(seen))
    return out


@PROFILE
@given(st.integers(1, 40).flatmap(lambda n: st.tuples(
    st.just(n), st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=3 * n))))
@example((6, [(5, 4), (4, 3), (3, 2), (2, 1), (1, 0)]))  # a chain, smallest node last reached
def test_stories_are_the_components_of_the_shared_passages(graph):
    from pipeline.normalise import _smallest_joined

    n, edges = graph
    a = np.array([e[0] for e in edges], dtype=np.int64)
    b = np.array([e[1] for e in edges], dtype=np.int64)
    assert _smallest_joined(n, a, b).tolist() == _components_by_search(n, edges)


# ---------------------------------------------------------------- first-letter lookaheads
def _lookahead_patterns():
    from pipeline.clean import html as H
    from pipeline.clean import meta
    from pipeline.extract import meetings, people, quotes, statistics
    return [H._STRIP_RE, H._PRESTRIP_RE, H._EMPTY_INLINE_RE, H._BLANK_INLINE_RE, H._EMPTY_BLOCK_RE,
            meetings._MEET, quotes._VERB, statistics._APPEAL, people._PLACE_BEFORE, meta._OUTLET_HINT]


_LOOKAHEAD_WORDS = ["script", "style", "svg", "noscript", "template", "!--", "-->", "nav", "aside", "img",
                    "textarea", "col", "span", "i", "a", "b", "em", "font", "div", "p", "li", "section",
                    "figure", "met", "meets", "sat down", "hosted", "held", "talks", "with", "shook hands",
                    "said", "told reporters", "emphasized", "spoke of", "called on", "donations", "support us",
                    "a month to support", "subscribe", "in", "inside", "the", "of", "©", "(c)", "copyright",
                    "journalists", "about", "x"]
_LOOKAHEAD_TOKENS = st.one_of(
    st.sampled_from(_LOOKAHEAD_WORDS).flatmap(
        lambda w: st.sampled_from([w, w.upper(), w.capitalize(), w.replace("s", "\u017f"), w.replace("i", "\u0130"),
                                   w.replace("i", "\u0131"), w.replace("k", "\u212a")])),
    st.sampled_from(["<", ">", "</", " ", "  ", "\n", "=", '"', "'", "-", "class='x'", "İ", "ſ", "K"]))


@PROFILE
@given(st.lists(_LOOKAHEAD_TOKENS, max_size=40).map("".join))
def test_first_letter_lookaheads_change_no_match(text):
    """Each pattern finds what it finds without its first-letter lookahead (pipeline.textnorm.
    first_letters), in any case, with the characters re.I folds specially (İ, ı, ſ, Kelvin K)."""
    for rx in _lookahead_patterns():
        plain = re.compile(re.sub(r"\(\?=\[[^\]]*\]\)", "", rx.pattern, count=1), rx.flags)
        assert plain.pattern != rx.pattern
        assert [m.group(0) for m in rx.finditer(text)] == [m.group(0) for m in plain.finditer(text)], rx.pattern[:40]


# ---------------------------------------------------------------- attribute pruning
_ATTR_NAMES = ["class", "id", "role", "itemprop", "style", "datetime", "aria-hidden", "hidden", "href", "data-id",
               "width", "onclick", "title", "classic", "idx", "rel"]
_ATTR_VALUES = ['"x"', '"a b"', "'y'", "z", '"a>b"', "'<'", '"open', "'half", '""', '"hidden"', "-1"]
_ATTR_TOKENS = st.one_of(
    st.sampled_from(_ATTR_NAMES).flatmap(
        lambda n: st.sampled_from([n, n.upper(), n.capitalize(), n.replace("s", "\u017f"), n.replace("i", "\u0130"),
                                   n.replace("k", "\u212a")])),
    st.sampled_from(_ATTR_VALUES),
    st.sampled_from(["<", ">", "</", "/>", "<p", "<div", "<a", "<span", "<h2", "<x-y", " ", "  ", "\t", "\n",
                     "=", " = ", "/", "text", "İ", "ſ"]))


@PROFILE
@given(st.lists(_ATTR_TOKENS, max_size=40).map("".join))
@example('<div class="a>b">text</div><p class=\'a>b\'>')  # a ">" inside quotes ends the tag
@example("<p class='<'>x<p class='a' id=\"b<\">")
@example('<div class="x" hidden>a<div hidden/>b<div hidden>c<div hidden="hidden">')
@example('<div CLASS="x" Id=y>a<h2 claſs="x">b<a class="x"\n>')
def test_attribute_pruning_skips_only_tags_it_would_give_back_unchanged(text):
    """_TAG_ATTRS_RE passes over the tags whose attributes _keep_attrs keeps as they are; the
    pruned page is the one pruning every tag with attributes gives."""
    from pipeline.clean import html as H
    every_tag = re.compile(r"<([a-zA-Z][\w:-]*)\s([^<>]*)>")
    assert H._TAG_ATTRS_RE.sub(H._keep_attrs, text) == every_tag.sub(H._keep_attrs, text)


def test_attribute_pruning_calls_no_function_for_tags_it_keeps_as_they_are():
    from pipeline.clean import html as H
    for sample in ('<div class="x">', '<p id=a class=\'b\' hidden>', '<time datetime="2024-01-02">'):
        assert H._TAG_ATTRS_RE.search(sample) is None  # given back unchanged: never a Python call
    for sample in ('<div  class="x">', '<div\nclass="x">', '<a href="/x" class="y">', '<div class="x" >'):
        assert H._TAG_ATTRS_RE.search(sample) is not None
