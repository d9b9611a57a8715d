"""HTML page -> :class:`CleanedPage`: the article body plus the metadata the page states.

The cleaner uses general signals only (no per-site rules):

1. Metadata (JSON-LD, ``<meta>``, ``<title>``, ``<html lang>``) is read with regular
   expressions from the raw page, then ``<script>``, ``<style>``, ``<svg>``,
   ``<noscript>``, ``<template>`` and HTML comments are stripped before parsing, so
   they never become Python objects (the parse dominates the run time).
2. BeautifulSoup (lxml backend; the soup is built by a lean tree builder that gives the
   stock builder's tree at half the cost) parses the rest. One recursive pass drops
   non-content tags (nav, aside, footer, iframe, small forms, ...), hidden elements
   and elements whose class/id/role name boilerplate (comments, sharing, related
   articles, newsletter boxes, captions, bylines, ...), and computes every element's
   text and link-text lengths bottom-up, once.
3. A readability-style content score (text length, commas, link density,
   class/id hints) picks the best container and the siblings that score well.
4. The chosen container is emitted block by block (p, h2-h6, li, blockquote,
   pre, ...), link-dense blocks and short boilerplate lines are left out, and the
   paragraphs are normalised with :func:`pipeline.textnorm.join_paragraphs`.

:func:`clean_html` is deterministic and never raises: garbage in, empty body out.
"""
from __future__ import annotations

import functools
import gc
import html as _htmllib
import json
import re
import sys
from dataclasses import replace

from bs4 import BeautifulSoup, NavigableString, Tag
from bs4.builder._lxml import LXMLTreeBuilder
from bs4.element import Comment, Doctype, ProcessingInstruction, CData, Declaration

from pipeline.clean import meta as page_meta
from pipeline.clean.meta import parse_date
from pipeline.clean.page import CleanedPage
from pipeline.textnorm import MAX_CLEAN_CHARS, alternation, first_letters, join_paragraphs, normalise_line

__all__ = ["clean_html", "extract_body"]

# --------------------------------------------------------------------------- regexes

def _until_close(name: str) -> str:
    r"""The element content up to its first ``</name\s*>`` (that closing tag follows).

    The lazy ``.*?</name\s*>`` unrolled: the ``[^<]*`` runs stop only at a ``<`` that
    opens the closing tag, so the content ends at the first closing tag, exactly as with
    the lazy form (which fails exactly when this does), but the closing tag is tried at
    each ``<`` instead of at every character. *name* may be a backreference (``\1``).
    """
    return r"[^<]*(?:<(?!/" + name + r"\s*>)[^<]*)*"


_JSONLD_RE = re.compile(
    r"<script\b[^>]*type\s*=\s*[\"']?application/ld\+json[\"']?[^>]*>("
    + _until_close("script") + r")</script\s*>",
    re.S | re.I)
_STRIPPED = ("script", "style", "svg", "noscript", "template")  # with their content, and comments
_STRIP_RE = re.compile(
    "<" + first_letters((*_STRIPPED, "!--"))
    + "(?:" + "|".join(rf"{t}\b" + _until_close(t) + rf"</{t}\s*>" for t in _STRIPPED)
    + r"|!--.*?-->)",
    re.S | re.I)
_HEAD_RE = re.compile(r"<head\b" + _until_close("head") + r"</head\s*>", re.S | re.I)
# Elements that are dropped anyway, removed before parsing (same-name nesting is rare).
_PRESTRIP_PAIRED = ("nav", "aside", "footer", "iframe", "select", "button", "figcaption", "picture",
                    "video", "audio", "map", "object", "textarea")
_PRESTRIP_VOID = ("img", "input", "link", "meta", "source", "wbr", "col")
_PRESTRIP_RE = re.compile(
    "<" + first_letters((*_PRESTRIP_PAIRED, *_PRESTRIP_VOID))
    + "(?:(" + "|".join(_PRESTRIP_PAIRED) + r")\b" + _until_close(r"\1") + r"</\1\s*>"
    + "|(?:" + "|".join(_PRESTRIP_VOID) + r")\b[^>]*>)", re.S | re.I)
# Empty elements: a fifth of a typical page's tags. A block one still separates paragraphs
# (it becomes <br>), an inline one disappears.
_INLINE = ("span", "i", "a", "b", "em", "strong", "u", "small", "font")
_BLOCK = ("div", "p", "li", "ul", "ol", "section", "figure")
_INLINE_OPEN = "<" + alternation(_INLINE, capture=True) + r"\b[^<>]*>"
_BLOCK_OPEN = "<" + alternation(_BLOCK, capture=True) + r"\b[^<>]*>"
_EMPTY_INLINE_RE = re.compile(_INLINE_OPEN + r"</\1\s*>", re.I)
_BLANK_INLINE_RE = re.compile(_INLINE_OPEN + r"\s+</\1\s*>", re.I)
_EMPTY_BLOCK_RE = re.compile(_BLOCK_OPEN + r"\s*</\1\s*>", re.I)
# Whitespace between a block-level tag and the next tag is no text (a block boundary splits
# the text anyway): dropping it spares the parse one whitespace node per line of markup.
# (The names are grouped by first letter, which the regex parser factors out: fewer
# branches to try at each tag.)
_BLOCK_GAP_RE = re.compile(
    r"(</?(?:(?:div|dl|dt|dd)|p|li|ul|ol|section|article|main|(?:header|h[1-6]|hr|html)"
    r"|(?:footer|figure|form|fieldset)|(?:table|thead|tbody|tfoot|tr|td|th)|(?:blockquote|br|body))"
    r"\b[^<>]*>)\s+(?=<)", re.I)
# Only the attributes the cleaner reads survive into the parse (shortens it a lot). One such
# attribute as written in a tag, where a value holds no "<" or ">" and "hidden" ends at a space,
# a "/", the tag's ">" or the end of the attribute text _keep_attrs is given:
_KEPT_ATTR = (r"""(?:(?:class|id|role|itemprop|style|datetime|aria-hidden)\s*=\s*"""
              r"""(?:"[^"<>]*"|'[^'<>]*'|[^\s<>"']+)|hidden(?=[\s/>]|$))""")
_KEEP_ATTR_RE = re.compile(r"\s(" + _KEPT_ATTR + ")", re.I)
# A tag with attributes, except one that _keep_attrs would give back as it is (its attributes
# all kept ones, each after one space: most tags of a page, ``<div class="x">``), which the
# lookahead passes over without a Python call. (The value classes exclude "<" and ">", so the
# lookahead cannot run past the tag's ">". tests/test_properties.py checks the rewrite against
# the plain pattern's.)
_TAG_ATTRS_RE = re.compile(r"<([a-zA-Z][\w:-]*)(?!(?i: " + _KEPT_ATTR + r")+>)\s([^<>]*)>")


def _keep_attrs(m: re.Match) -> str:
    kept = _KEEP_ATTR_RE.findall(" " + m.group(2))  # one group: the attribute without its space
    if not kept:
        return "<" + m.group(1) + ">"
    return "<" + m.group(1) + " " + " ".join(kept) + ">"


_META_RE = re.compile(r"<meta\b([^>]*)>", re.I)
_HEAD_END_RE = re.compile(r"</head", re.I)
_BODY_META_RE = re.compile(r"<meta\b([^>]*\bitemprop\b[^>]*)>", re.I)
_ATTR_RE = re.compile(r"""([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+))""")
_TITLE_RE = re.compile(r"<title\b[^>]*>(.*?)</title\s*>", re.S | re.I)
_HTML_TAG_RE = re.compile(r"<html\b([^>]*)>", re.I)
# Elements that are never article text.
_DROP_TAGS = frozenset({
    "script", "style", "noscript", "svg", "iframe", "nav", "aside", "footer",
    "button", "select", "option", "input", "textarea", "label", "object", "embed",
    "canvas", "video", "audio", "map", "dialog", "menu", "figcaption", "template",
    "head", "title", "meta", "link", "base", "picture", "source", "track",
})
# Dropped only when they hold little text (sites wrap whole pages in <form>/<header>).
_DROP_IF_SMALL = frozenset({"form", "header"})

_BLOCK_TAGS = frozenset({
    "p", "div", "section", "article", "main", "blockquote", "pre", "ul", "ol", "li",
    "dl", "dt", "dd", "table", "tr", "td", "th", "tbody", "thead", "tfoot", "caption",
    "h1", "h2", "h3", "h4", "h5", "h6", "figure", "address", "center", "hr", "br",
    "header", "form", "fieldset", "details", "summary", "body", "html",
})
# Boilerplate names in class/id/role (matched on the lower-cased string). Only whether it
# matches is used, so the words are grouped by first letter (or by a leading \b): the regex
# parser factors each group's common start out, and the engine tries 20 branches at each
# position instead of 114 (several times faster; every element name is tested).
_NEG_STRONG = re.compile(
    r"(?:comment|cookie|consent|caption|credit|copyright|call-?to-?action|carousel)"
    r"|(?:disqus|dfp|dateline-?meta|disclaimer)"
    r"|(?:share|sharing|social|subscri|sidebar|sponsor|signup|sign-up|skip-?link|screen-?reader"
    r"|sr-only|see-?also|story-?meta|site-?header|slideshow)"
    r"|(?:related|recommend|read-?more|readmore|rating|register)"
    r"|(?:newsletter|navbar|next-?(article|story|post)|notification)"
    r"|(?:promo|popup|paywall|pagination|pager|print-?only|prev-?(article|post)|poll\b"
    r"|publish(ed)?-?date|post-?meta|player)"
    r"|(?:advert|adslot|also-?read|about-?the-?author|author-?(box|info|bio)|article-?meta"
    r"|affiliate)"
    r"|(?:\bads?\b|\bad[-_]|\bauthor|\btags?\b|\bmenu|\bnav|\bhidden\b|\bvote|\bbio\b|\bdate\b"
    r"|\bmeta\b|\bfooter|\bheader|\blegal|\bicon|\blogo|\bjump|\bshop|\bcta\b|\btools\b|\bbadge"
    r"|\blabel\b|\bflag\b|\balert|\btips?\b|\bvideo)"
    r"|[-_]ads?\b"
    r"|(?:gpt-|gdpr|gallery)"
    r"|(?:breadcrumb|byline|banner)"
    r"|(?:tag-?list|taglist|taboola|toolbar|trending|timestamp|tip-?box)"
    r"|(?:keywords|kicker)"
    r"|widget"
    r"|(?:modal|masthead|meter|most-?(read|popular|viewed)|more-?(stories|news|from))"
    r"|(?:overlay|outbrain|offscreen)"
    r"|visually-?hidden"
    r"|(?:further-?reading|follow)"
    r"|(?:entry-?meta|eyebrow|email-?(signup|form))"
    r"|login")
_NOT_PUB_TIME = re.compile(r"comment|disqus|repl(?:y|ies)|respon|discussion|caption|credit|related"
                           r"|recommend|most-?(?:read|popular|viewed)|trending|more-?(?:stories|news)"
                           r"|sidebar|widget|teaser|next-?(?:article|story|post)")
_POS = re.compile(
    r"article|\bbody|content|entry|main|post|story|text|blog|hentry|prose|paragraph"
    r"|rich-?text|\bcopy\b|detail")
# WordPress & co. put taxonomy classes on the article wrapper itself.
_TAXONOMY_CLASS = re.compile(
    r"^(?:tag|category|categories|status|format|type|author|comments?|post-?format|has"
    r"|section|topic|template|page-?template|single|layout)[-_]")
_POS_WEIGHT = re.compile(r"article|\bbody|content|entry|main|post|story|text|hentry|prose"
                         r"|rich-?text")
_NEG_WEIGHT = re.compile(r"comment|share|social|related|sidebar|footer|header|menu|nav"
                         r"|promo|advert|widget|meta|byline|caption|recommend|teaser|card"
                         r"|list|feed|rail|module|aside|links")
# Dates inside these belong to something else than the article (comments, captions, teasers).
_FOREIGN_DATES = re.compile(r"comment|caption|related|recommend|sidebar|promo|more|trending"
                            r"|popular|widget|footer|teaser|card|list|feed|rail|gallery|video")
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_WS = re.compile(r"\s+")
_WORD = re.compile(r"\w")

_BOILER_LINE = re.compile(
    r"^(?:advertisement|advertisements?|advert|adverts|anzeige|werbung|publicidade|publicidad"
    r"|publicité|pubblicità|реклама|sponsored|ad|continue reading|read more|read next"
    r"|related|related (?:articles?|stories|news|content|coverage|posts?|links)"
    r"|share(?: this)?(?: (?:article|story|post|page))?|share on \w+|tweet|email|print"
    r"|comments?|\d+ comments?|leave a (?:comment|reply)|subscribe(?: now)?|sign up"
    r"|follow us(?: on \w+)?|click here.*|photo|image|video|watch|listen|skip to .*"
    r"|more (?:on|from|about) .{0,60}|see also|you may also like|recommended"
    r"|(?:also )?read also|most (?:read|popular|viewed)|trending|loading\.*|tags?:?.*"
    r"|(?:this|the) story (?:continues|is continued) below.*|story continues below.*"
    r"|article continues below.*|scroll (?:down|to continue).*)$", re.I)


# --------------------------------------------------------------------------- helpers

def _attrs(s: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for m in _ATTR_RE.finditer(s):
        k = m.group(1).lower()
        if k not in out:
            v = m.group(2) if m.group(2) is not None else (
                m.group(3) if m.group(3) is not None else m.group(4))
            out[k] = _htmllib.unescape(v or "").strip()
    return out


def _clean_inline(s: str) -> str:
    return normalise_line(_htmllib.unescape(re.sub(r"<[^>]+>", " ", s or "")))


_UPDATED = re.compile(r"updat|modif|edited|revis|last[- ]?changed|aktualisiert|actualiz"
                      r"|mis à jour|mise à jour|aggiornat", re.I)


# --------------------------------------------------------------------------- JSON-LD

_ARTICLE_TYPES = re.compile(r"article|posting|report|blog|webpage|creativework", re.I)


def _jsonld_objects(raw_html: str) -> list[dict]:
    objs: list[dict] = []
    for m in _JSONLD_RE.finditer(raw_html):
        txt = m.group(1).strip()
        if txt.startswith("<!--"):
            txt = txt[4:]
        if txt.endswith("-->"):
            txt = txt[:-3]
        try:
            data = json.loads(txt)
        except Exception:
            try:
                data = json.loads(re.sub(r"[\x00-\x1f]", " ", txt))
            except Exception:
                continue
        stack = [data]
        while stack:
            x = stack.pop()
            if isinstance(x, list):
                stack.extend(reversed(x))
            elif isinstance(x, dict):
                objs.append(x)
                g = x.get("@graph")
                if isinstance(g, (list, dict)):
                    stack.append(g)
                me = x.get("mainEntity")
                if isinstance(me, dict):
                    stack.append(me)
    return objs


def _ld_type(o: dict) -> str:
    t = o.get("@type")
    if isinstance(t, list):
        return " ".join(str(x) for x in t)
    return str(t or "")


def _names(v) -> list[str]:
    out: list[str] = []
    if isinstance(v, str):
        out.append(v)
    elif isinstance(v, dict):
        n = v.get("name")
        if isinstance(n, str):
            out.append(n)
        elif isinstance(n, list):
            out.extend(x for x in n if isinstance(x, str))
    elif isinstance(v, list):
        for x in v:
            out.extend(_names(x))
    return [normalise_line(x) for x in out if x and x.strip()]


# --------------------------------------------------------------------------- metadata

class _Meta:
    __slots__ = ("props", "ld", "title_tag", "lang")

    def __init__(self, raw: str) -> None:
        m_head = _HEAD_END_RE.search(raw)
        head_end = m_head.start() if m_head else -1
        scope = raw if head_end < 0 else raw[: head_end + 7]
        props: dict[str, list[str]] = {}
        for m in _META_RE.finditer(scope if head_end >= 0 else raw[:400000]):
            a = _attrs(m.group(1))
            key = a.get("property") or a.get("name") or a.get("itemprop") or a.get("http-equiv")
            if key and "content" in a:
                props.setdefault(key.lower().strip(), []).append(a["content"])
        # itemprop metas may also sit in the body
        if head_end >= 0:
            for m in _BODY_META_RE.finditer(raw, head_end):
                a = _attrs(m.group(1))
                key = a.get("itemprop") or a.get("property")
                if key and "content" in a:
                    props.setdefault(key.lower().strip(), []).append(a["content"])
        self.props = props
        self.ld = _jsonld_objects(raw)
        t = _TITLE_RE.search(scope)
        self.title_tag = _clean_inline(t.group(1)) if t else None
        m = _HTML_TAG_RE.search(raw)
        self.lang = None
        if m:
            a = _attrs(m.group(1))
            self.lang = a.get("lang") or a.get("xml:lang")

    def get(self, *keys: str) -> str | None:
        for k in keys:
            for v in self.props.get(k, ()):
                v = normalise_line(v)
                if v:
                    return v
        return None


def _split_title(t: str) -> tuple[str, str | None]:
    """'Headline | Site' -> ('Headline', 'Site')."""
    for sep in (" | ", " - ", " – ", " — ", " :: ", " · ", " • "):
        if sep in t:
            head, _, tail = t.rpartition(sep)
            if head and tail and len(tail) <= 40 and len(tail) < len(head):
                return head.strip(), tail.strip()
    return t, None


def _lang_norm(v: str | None) -> str | None:
    if not v:
        return None
    v = v.strip().replace("_", "-").split(",")[0].strip()
    m = re.match(r"^([A-Za-z]{2,3})(?:-|$)", v)
    return m.group(1).lower() if m else None


# --------------------------------------------------------------------------- tree pass

def _is_hidden(tag: Tag) -> bool:
    a = tag.attrs
    if "hidden" in a:
        return True
    if a.get("aria-hidden") == "true":
        return True
    st = a.get("style")
    return bool(st) and bool(_HIDDEN_STYLE.search(st))


def _name_string(tag: Tag) -> str:
    a = tag.attrs
    cls = a.get("class")
    if isinstance(cls, list):
        cls = " ".join(cls)
    return _names_of(cls or "", a.get("id") or "", a.get("role") or "", a.get("itemprop") or "")


@functools.lru_cache(maxsize=4096)
def _names_of(cls: str, idv: str, role: str, itemprop: str) -> str:
    """class (less taxonomy classes), id, role and itemprop as one lower-case string
    (cached: pages repeat the same class lists many times)."""
    cls_s = " ".join(c for c in cls.split() if not _TAXONOMY_CLASS.match(c.lower())) if cls else ""
    return f"{cls_s} {idv} {role} {itemprop}".lower().replace("_", "-")


def _time_is_update(t: Tag, parent: Tag) -> bool:
    """Is this <time> an "Updated"/"Modified" stamp (by its names or the words before it)?"""
    ctx = _name_string(t) + " " + _name_string(parent)
    prev = t.previous_sibling
    if isinstance(prev, NavigableString):
        ctx += " " + str(prev)[-40:]
    elif isinstance(prev, Tag):
        ctx += " " + prev.get_text(" ", strip=True)[-40:]
    return bool(_UPDATED.search(ctx))


class _Extractor:
    """One post-order pass over the tree: drops boilerplate, measures text bottom-up.

    ``stats[id(tag)]`` = [text_len, link_len, commas, inline_len, prose_len] where
    ``inline_len`` is the text not inside a block-level child and ``prose_len`` sums
    the inline text of the low-link-density paragraphs (>= 80 chars) in the subtree.
    """

    def __init__(self) -> None:
        self.stats: dict[int, list] = {}
        self.dropped: set[int] = set()
        self.byline_texts: list[str] = []
        self.time_tags: list[tuple[str, str, bool]] = []  # (datetime attr, text, updated?)
        self.paras: list[Tag] = []
        self.candidates: list[tuple] = []
        self._neg_names: dict[str, str | bool] = {}

    def walk(self, tag: Tag, in_link: bool = False) -> list:
        # text straight in the element or in its inline children, and in its block children
        inline_len = inline_link = inline_commas = inline_prose = 0
        block_len = block_link = block_commas = 0
        prose = 0
        lead = None  # does the element's first text sit inside a link?
        is_link = in_link or tag.name == "a"
        for child in tag.contents:
            if type(child) is NavigableString:
                s = child.strip()
                if s:
                    if lead is None:
                        lead = is_link
                    n = len(s)
                    inline_len += n
                    inline_commas += s.count(",") if s.isascii() else (
                        s.count(",") + s.count("\u060c") + s.count("\uff0c") + s.count("\u3001"))
                    if is_link:
                        inline_link += n
            elif isinstance(child, Tag):
                cname = child.name
                if cname in _DROP_TAGS:
                    self.dropped.add(id(child))
                    continue
                if cname == "time":
                    self.time_tags.append((child.get("datetime") or "",
                                           child.get_text(" ", strip=True)[:80],
                                           _time_is_update(child, tag)))
                attrs = child.attrs
                neg = False
                if attrs:
                    if _is_hidden(child):
                        self.dropped.add(id(child))
                        continue
                    if cname not in ("article", "main", "body", "html"):
                        neg = self._boilerplate_name(child)
                if not neg and cname in _DROP_IF_SMALL:
                    neg = " "
                mark = len(self.paras)
                tmark = len(self.time_tags)
                if child.contents:
                    st = self.walk(child, is_link)
                else:  # what walk() gives an empty element
                    st = self.stats[id(child)] = [0, 0, 0, 0, 0, 0, 0, False]
                if neg:
                    # an "Updated" stamp, or a time inside comments / captions / teaser lists:
                    # never the article's publication date
                    if neg != " " and len(self.time_tags) > tmark and (
                            _UPDATED.search(neg) or _NOT_PUB_TIME.search(neg)):
                        for k in range(tmark, len(self.time_tags)):
                            d, t, _ = self.time_tags[k]
                            self.time_tags[k] = (d, t, True)
                    self.candidates.append((child, neg, st, mark, len(self.paras),
                                            tmark, len(self.time_tags)))
                if st[0]:  # (no text: no links, commas or prose either)
                    if lead is None:
                        lead = st[7]
                    prose += st[4]
                    if cname in _BLOCK_TAGS:
                        block_len += st[0]
                        block_link += st[1]
                        block_commas += st[2]
                    else:
                        inline_prose += st[4]
                        inline_len += st[0]
                        inline_link += st[1]
                        inline_commas += st[2]
        if inline_len >= 25 and tag.name in _BLOCK_TAGS and tag.name not in ("body", "html"):
            self.paras.append(tag)
            if inline_len >= 80 and inline_link < 0.3 * inline_len:
                prose += inline_len - inline_prose
        st = [inline_len + block_len, inline_link + block_link, inline_commas + block_commas,
              inline_len, prose, inline_link, inline_commas, bool(lead)]
        self.stats[id(tag)] = st
        return st

    def _boilerplate_name(self, tag: Tag) -> str | bool:
        """The element's names if they name boilerplate, else False (memoised per page:
        a page repeats its class lists many times)."""
        ns = _name_string(tag)
        neg = self._neg_names.get(ns)
        if neg is None:
            neg = self._neg_names[ns] = ns if ns.strip() and _NEG_STRONG.search(ns) else False
        return neg

    def decide(self, root: Tag) -> None:
        """Drop the boilerplate-named elements, unless one holds most of the page's prose."""
        total = self.stats[id(root)][4]
        stats = self.stats
        dropped = self.dropped
        drop_paras: list[tuple[int, int]] = []
        drop_times: list[tuple[int, int]] = []
        for child, ns, st, p0, p1, t0, t1 in reversed(self.candidates):  # outer first
            anc = child.parent
            inside = False
            while anc is not None:
                if id(anc) in dropped:
                    inside = True
                    break
                anc = anc.parent
            if inside:
                continue
            prose = st[4]
            if ns == " ":  # <header>/<form> without a boilerplate name
                keep = prose >= 400 or (prose and prose >= 0.5 * total)
            elif ("comment" in ns or "disqus" in ns) and not _POS.search(ns):
                keep = False
            else:
                keep = prose >= 0.5 * total and prose > 0
            if keep:
                continue
            dropped.add(id(child))
            drop_paras.append((p0, p1))
            if ns != " ":
                if "byline" in ns or "author" in ns:
                    txt = child.get_text(" ", strip=True)
                    if txt and len(txt) < 200:
                        self.byline_texts.append(txt)
                if _FOREIGN_DATES.search(ns):
                    drop_times.append((t0, t1))
            # take its text out of every ancestor
            d0, d1, d2, d4 = st[0], st[1], st[2], st[4]
            parent = child.parent
            inline = child.name not in _BLOCK_TAGS
            while parent is not None:
                pst = stats.get(id(parent))
                if pst is None:
                    break
                pst[0] -= d0
                pst[1] -= d1
                pst[2] -= d2
                pst[4] -= d4
                if inline:
                    pst[3] -= d0
                    pst[5] -= d1
                    pst[6] -= d2
                    inline = parent.name not in _BLOCK_TAGS
                parent = parent.parent
        if drop_paras:
            bad = set()
            for p0, p1 in drop_paras:
                bad.update(range(p0, p1))
            self.paras = [p for k, p in enumerate(self.paras) if k not in bad]
        if drop_times:
            bad = set()
            for t0, t1 in drop_times:
                bad.update(range(t0, t1))
            self.time_tags = [t for k, t in enumerate(self.time_tags) if k not in bad]


def _weight(tag: Tag) -> float:
    ns = _name_string(tag)
    if not ns.strip():
        return 0.0
    w = 0.0
    if _POS_WEIGHT.search(ns):
        w += 25
    if _NEG_WEIGHT.search(ns):
        w -= 25
    return w


def _gain(st: list) -> float:
    text, link, prose = st[0], st[1], st[4]
    return prose - 0.3 * max(0, text - prose - link) - 1.0 * link


def _choose(ex: _Extractor, body: Tag) -> list[Tag]:
    stats = ex.stats
    scores: dict[int, float] = {}
    nodes: dict[int, Tag] = {}
    for p in ex.paras:
        st = stats[id(p)]
        tl = st[3]
        if tl < 25:
            continue
        ld = st[5] / tl
        if ld > 0.5:
            continue
        s = 1 + st[6] + min(tl / 100.0, 3.0)
        if p.name in ("div", "section", "article", "main", "td"):
            pid = id(p)
            if pid not in scores:
                nodes[pid] = p
                scores[pid] = _weight(p) + 5
            scores[pid] += s
        parent = p.parent
        level = 0
        while parent is not None and isinstance(parent, Tag) and level < 3:
            pid = id(parent)
            if pid not in scores:
                nodes[pid] = parent
                scores[pid] = _weight(parent) + (5 if parent.name in ("div", "article", "main", "section") else 0)
            scores[pid] += s / (1, 2, 6)[level]
            if parent.name in ("body", "html"):
                break
            parent = parent.parent
            level += 1
    if not scores:
        return [body]
    best = None
    best_score = -1e9
    for pid, sc in scores.items():
        st = stats.get(pid)
        if not st or not st[0]:
            continue
        final = sc * (1 - st[1] / st[0])
        scores[pid] = final
        if final > best_score:
            best_score, best = final, nodes[pid]
    if best is None:
        return [body]
    # Climb while the parent adds more prose than boilerplate.
    top = best
    while True:
        parent = top.parent
        if parent is None or not isinstance(parent, Tag) or parent.name in ("body", "html", "[document]"):
            break
        if _gain(stats[id(parent)]) >= _gain(stats[id(top)]):
            top = parent
        else:
            break
    # siblings that score well
    out: list[Tag] = []
    parent = top.parent
    if parent is None or not isinstance(parent, Tag):
        return [top]
    thresh = max(10.0, best_score * 0.2)
    for sib in parent.children:
        if not isinstance(sib, Tag) or id(sib) in ex.dropped:
            continue
        if sib is top:
            out.append(sib)
            continue
        st = stats.get(id(sib))
        if not st or not st[0]:
            continue
        ld = st[1] / st[0]
        sc = scores.get(id(sib))
        if _NEG_STRONG.search(_name_string(sib)):
            continue
        if sc is not None and sc >= thresh and ld < 0.3:
            out.append(sib)
        elif sib.name == "p" and ld < 0.25 and st[0] > 80:
            out.append(sib)
    return out


class _Emitter:
    def __init__(self, ex: _Extractor) -> None:
        self.ex = ex
        self.paras: list[str] = []
        self.buf: list[str] = []

    def flush(self) -> None:
        if self.buf:
            s = "".join(self.buf)
            self.buf = []
            s = _WS.sub(" ", s).strip()
            if s:
                self.paras.append(s)

    def emit(self, tag: Tag, top: bool = False) -> None:
        stats = self.ex.stats
        dropped = self.ex.dropped
        name = tag.name
        block = name in _BLOCK_TAGS
        if block:
            self.flush()
        if not top:
            st = stats.get(id(tag))
            if st is not None and name in ("ul", "ol", "div", "section", "table", "dl", "li",
                                           "p", "h2", "h3", "h4", "h5", "h6", "header"):
                tl, ll = st[0], st[1]
                if tl and ll / tl > (0.5 if name in ("p", "li", "div", "ul", "ol") else 0.35) \
                        and not (name == "div" and tl > 1000 and ll / tl < 0.6):
                    return
        if name == "h1":
            return
        if not top and name in ("div", "article", "section"):
            st = stats.get(id(tag))
            # a teaser card: a linked headline plus a short blurb
            if st is not None and st[7] and st[1] >= 15 and st[0] < 400 and st[1] >= 0.1 * st[0]:
                return
        if name == "br":
            self.flush()
            return
        for child in tag.contents:
            if type(child) is NavigableString:
                self.buf.append(str(child))
            elif isinstance(child, Tag):
                if id(child) in dropped:
                    continue
                self.emit(child)
            elif isinstance(child, (Comment, Doctype, ProcessingInstruction, CData, Declaration)):
                continue
        if block:
            self.flush()


_PROMO_LINE = re.compile(
    r"^(?:have a (?:news )?tip\b|got a (?:news )?tip\b|sign up (?:for|to)\b|subscribe (?:to|for|now)\b"
    r"|get (?:the|our) .{0,60}(?:newsletter|inbox)|follow (?:us|@|her|him|me)\b|click here\b"
    r"|download (?:our|the) app|reading time|tempo de leitura|lesezeit|temps de lecture"
    r"|\d+ min(?:ute)?s? read\b|all rights reserved|copyright ©|© ?\d{4})", re.I)


def _filter_paragraphs(paras: list[str]) -> list[str]:
    out: list[str] = []
    for p in paras:
        if len(p) < 120 and _BOILER_LINE.match(p.strip(" :.!-|»›>·•")):
            continue
        if len(p) < 260 and _PROMO_LINE.match(p):
            continue
        out.append(p)
    # trailing short junk (e.g. "Photo: ...", copyright lines)
    while len(out) > 1 and len(out[-1]) < 40 and not re.search(r"[.!?\"')]$", out[-1]):
        out.pop()
    while out and len(out[0]) < 25 and not re.search(r"[.!?:\"')]$", out[0]) \
            and len(out) > 1:
        out.pop(0)
    return out


# --------------------------------------------------------------------------- dateline

def _dateline(body: str) -> tuple[str | None, str | None]:
    """(dateline city, wire) of the body's first paragraph, by the rules shared with dumps."""
    first = body.split("\n\n", 1)[0][:200]
    return page_meta.find_dateline(first), page_meta.find_wire([first], [])


# --------------------------------------------------------------------------- aggregators
# A news aggregator lists several outlets' copies of one story: a "Read full article" /
# "Read more at <outlet>" link per copy, source counts ("12 sources", "4 Articles") and a
# bias / coverage box.  Detected on the raw markup (hrefs and <aside>s are gone after parsing).

_A_RE = re.compile(r"<a\b([^>]{0,2000})>(.{0,600}?)</a\s*>", re.S | re.I)
_HREF_RE = re.compile(r"""\bhref\s*=\s*["']?\s*(?:https?:)?//(?:www\.)?([^/"'\s>:?#]+)""", re.I)
_ANY_TAG_RE = re.compile(r"<[^>]*>")
_AGG_LINK = re.compile(
    r"^\W*(?:read\s+(?:the\s+)?full\s+(?:article|story|report|coverage)(?:\s+(?:at|on|from|via)\s+.{1,60})?"
    r"|read\s+(?:more|it|the\s+(?:full\s+)?(?:story|article|report))\s+(?:at|on|from|via)\s+\S.{0,60}"
    r"|(?:full\s+(?:story|article|coverage)|continue\s+reading|view\s+(?:the\s+)?(?:full\s+)?(?:story|article))"
    r"\s+(?:at|on|from)\s+\S.{0,60}"
    r"|(?:go|visit)\s+to\s+(?:the\s+)?(?:source|original)(?:\s+(?:article|story))?"
    r"|(?:view|read)\s+(?:the\s+)?original(?:\s+(?:article|story))?)\W*$",
    re.I)
# one key per kind of signal, so a repeated box counts once
_AGG_TEXT = [
    ("count", re.compile(r"^\W*\d{1,4}\s+(?:news\s+)?(?:sources|articles|outlets|stories)"
                         r"(?:\s+(?:covering|cover|on|reporting|about)\b.{0,60})?\W*$", re.I)),
    ("total", re.compile(r"^\W*total\s+(?:news\s+)?sources\b", re.I)),
    ("coverage", re.compile(r"^\W*(?:see\s+)?how\s+(?:\d+\s+)?(?:sources|outlets)"
                            r"\s+(?:are\s+)?cover(?:ing|ed)?\b.{0,60}\W*$", re.I)),
    ("lean", re.compile(r"^\W*(?:leaning\s+(?:left|right)\b.{0,40}|(?:left|right|cent(?:er|re))\s*:?\s*\d{1,3}\s*%"
                        r"|\d{1,3}\s*%\s+(?:left|right|cent(?:er|re))\b.{0,20})\W*$", re.I)),
]
# A newline and the blank run after it: one line per stretch of text. (The spaces before
# the newline stay at the end of the line, where .strip() drops them and the anchored
# _AGG_TEXT_HINT cannot reach them before a word character. With the literal newline first
# the engine tries only at newlines, and a long run of spaces is not rescanned from each
# of its positions, as with \s*\n\s*, which made the scan quadratic in the run.)
_TEXT_LINES_RE = re.compile(r"\n\s*")
# every _AGG_TEXT signal line opens with one of these (after spaces / punctuation)
_AGG_TEXT_HINT = re.compile(r"^[^\w\n]*(?:\d|total|see|how|leaning|left|right|cent)", re.I | re.M)
# every _AGG_LINK text holds one of these (in lower case): a cheap test before normalising
# a link text
_AGG_LINK_WORDS = re.compile("read|full|continu|view|visit|go|original")


def _aggregator_signals(raw: str) -> tuple[int, int, int]:
    """(read-links, distinct hosts they point to, kinds of source-count / bias-box signals)."""
    links, hosts = 0, set()
    for m in _A_RE.finditer(raw):
        inner = m.group(2)
        if not _AGG_LINK_WORDS.search(inner.lower()):
            continue
        txt = normalise_line(_htmllib.unescape(_ANY_TAG_RE.sub(" ", inner)))
        if len(txt) > 90 or not _AGG_LINK.match(txt):
            continue
        links += 1
        h = _HREF_RE.search(m.group(1))
        if h:
            hosts.add(h.group(1).lower())
    # one text line per line (collapsing the blank runs first keeps the scan below fast)
    text = _TEXT_LINES_RE.sub("\n", _htmllib.unescape(_ANY_TAG_RE.sub("\n", raw)))
    kinds: set[str] = set()
    for m in _AGG_TEXT_HINT.finditer(text):  # only lines that can open an _AGG_TEXT signal
        end = text.find("\n", m.start())
        line = text[m.start(): end if end >= 0 else len(text)].strip()
        if not line or len(line) > 120:
            continue
        keys = [key for key, rx in _AGG_TEXT if rx.match(line)]
        if not keys and page_meta.widget_line(line):
            keys = ["meter"]  # a rating / leaning meter recognised by its shape
        kinds.update(keys)
    return links, len(hosts), len(kinds)


def _is_aggregator(raw: str) -> bool:
    links, hosts, kinds = _aggregator_signals(raw)
    return ((links >= 3 and hosts >= 2) or (links >= 2 and kinds >= 1)
            or (links >= 1 and kinds >= 2) or kinds >= 3)


# --------------------------------------------------------------------------- soup building
# BeautifulSoup's stock lxml builder passes every parser event through general code
# (namespace bookkeeping, two attribute-dict copies, builder queries and tag-stack
# counters per tag): most of the parse time.  _LeanBuilder takes the very same lxml
# events and appends the very same Tag / NavigableString objects, with the same fields
# and links, directly.  An event it does not reproduce (namespaces, an end event that
# does not close the innermost tag) makes it give up, and the stock builder parses the
# page; and it is only used once a sample page gave identical trees both ways.

class _GiveUp(Exception):
    """An event the lean builder does not reproduce: let the stock builder parse."""


class _LeanBuilder(LXMLTreeBuilder):
    """The stock lxml HTML builder with direct tree building (same soup, less overhead).

    Mirrors ``BeautifulSoup.handle_starttag`` / ``endData`` / ``object_was_parsed`` /
    ``popTag`` and ``Tag.__init__`` for a builder made with
    ``multi_valued_attributes=None``; the parse is fed in document order, so the linkage
    fix-up of ``object_was_parsed`` never has anything to do.
    """

    def feed(self, markup) -> None:
        soup = self.soup
        self._stack: list[Tag] = [soup]
        self._last = soup._most_recent_element
        self._buf: list[str] = []
        self._n_pre = 0  # open whitespace-preserving tags (<pre>, <textarea>)
        self._containers: list[Tag] = []  # open tags whose strings get their own class
        self._protos: dict[str, dict] = {}
        super().feed(markup)

    def _proto(self, name: str) -> dict:
        """The fields ``Tag.__init__`` gives every <name> tag from this builder."""
        proto = self._protos[name] = {
            "parser_class": type(self.soup), "name": name, "namespace": None,
            "_namespaces": self.active_namespace_prefixes[-1], "prefix": None,
            "sourceline": None, "sourcepos": None,
            "attribute_value_list_class": self.attribute_value_list_class,
            "known_xml": self.is_xml, "next_element": None, "next_sibling": None,
            "hidden": False, "can_be_empty_element": self.can_be_empty_element(name),
            "cdata_list_attributes": self.cdata_list_attributes,
            "preserve_whitespace_tags": self.preserve_whitespace_tags,
            "interesting_string_types": Tag.MAIN_CONTENT_STRING_TYPES,
        }
        return proto

    def _append(self, node, fields: dict) -> None:
        parent = self._stack[-1]
        fields["parent"] = parent
        prev = self._last
        fields["previous_element"] = prev
        if prev is not None:
            prev.next_element = node
        siblings = parent.contents
        if siblings:
            fields["previous_sibling"] = sib = siblings[-1]
            sib.next_sibling = node
        else:
            fields["previous_sibling"] = None
        siblings.append(node)
        self._last = node

    def _flush(self, cls: type | None = None) -> None:
        buf = self._buf
        data = buf[0] if len(buf) == 1 else "".join(buf)
        self._buf = []
        if not self._n_pre and not data.strip(self.soup.ASCII_SPACES):
            data = "\n" if "\n" in data else " "
        if cls is None:
            cls = NavigableString
            if self._containers:
                cls = self.string_containers.get(self._containers[-1].name, cls)
        node = str.__new__(cls, data)  # what NavigableString.__new__ does, less its setup()
        fields = node.__dict__
        fields["hidden"] = False
        fields["next_element"] = fields["next_sibling"] = None
        self._append(node, fields)

    def start(self, name, attrib, nsmap=None) -> None:
        if nsmap or name.startswith("{"):
            raise _GiveUp(name)
        if self._buf:
            self._flush()
        tag = Tag.__new__(Tag)
        fields = tag.__dict__
        fields.update(self._protos.get(name) or self._proto(name))
        # (lxml passes a dict, or an empty read-only mapping that is slow to copy)
        attrs = fields["attrs"] = self.attribute_dict_class(attrib if attrib else ())
        for k in attrs:
            if k.startswith("{"):
                raise _GiveUp(k)
        fields["contents"] = []
        if name in self.string_containers:
            fields["interesting_string_types"] = {self.string_containers[name]}
            self._containers.append(tag)
        if name in self.preserve_whitespace_tags:
            self._n_pre += 1
        self.set_up_substitutions(tag)
        self._append(tag, fields)
        self._stack.append(tag)

    def end(self, name) -> None:
        if self._buf:
            self._flush()
        stack = self._stack
        tag = stack[-1]
        if len(stack) == 1 or tag.name != name:
            raise _GiveUp(name)
        stack.pop()
        if self._containers and self._containers[-1] is tag:
            self._containers.pop()
        if name in self.preserve_whitespace_tags:
            self._n_pre -= 1

    def data(self, content) -> None:
        self._buf.append(content)

    def _string(self, text: str, cls: type) -> None:
        if self._buf:
            self._flush()
        self._buf.append(text)
        self._flush(cls)

    def comment(self, text) -> None:
        self._string(text, Comment)

    def doctype(self, name, pubid, system) -> None:
        self._string(Doctype._string_for_name_and_ids(name, pubid, system), Doctype)

    def pi(self, target, data) -> None:
        self._string(target + " " + data, self.processing_instruction_class)

    def close(self) -> None:
        if self._buf:
            self._flush()
        self.soup._most_recent_element = self._last
        super().close()


def _soup(markup: str, lean: bool = True) -> BeautifulSoup:
    if lean and _lean_builder_ok():
        try:
            return BeautifulSoup(markup, builder=_LeanBuilder(multi_valued_attributes=None))
        except Exception:  # _GiveUp, or anything unforeseen: the stock builder decides
            pass
    return BeautifulSoup(markup, "lxml", multi_valued_attributes=None)


_LINKS = ("parent", "previous_element", "next_element", "previous_sibling", "next_sibling")


def _same_tree(a: BeautifulSoup, b: BeautifulSoup) -> bool:
    """Same nodes in the same order, with equal fields and the same links (by position)."""
    def nodes(root: Tag) -> list:
        out, todo = [], [root]
        while todo:
            node = todo.pop()
            out.append(node)
            if isinstance(node, Tag):
                todo.extend(reversed(node.contents))
        return out
    na, nb = nodes(a), nodes(b)
    if len(na) != len(nb):
        return False
    pos_a = {id(x): i for i, x in enumerate(na)}
    pos_b = {id(x): i for i, x in enumerate(nb)}
    for x, y in zip(na[1:], nb[1:]):
        fx, fy = vars(x), vars(y)
        if type(x) is not type(y) or (isinstance(x, str) and x != y) or fx.keys() != fy.keys():
            return False
        for k, vx in fx.items():
            vy = fy[k]
            if k in _LINKS:
                same = pos_a.get(id(vx)) == pos_b.get(id(vy)) and (vx is None) == (vy is None)
            elif k == "contents":
                same = [pos_a[id(c)] for c in vx] == [pos_b[id(c)] for c in vy]
            else:
                same = type(vx) is type(vy) and vx == vy
            if not same:
                return False
    return True


_SAMPLE_PAGE = (
    "<!DOCTYPE html><html lang=en><head><meta charset=utf-8><title>T</title>"
    "<style>p {}</style></head><body class='a b' id=x><!-- c --><?php echo 1 ?>\n"
    "<div data-x='1'><p>One, <b>two</b> &amp; <a href='/x'>three</a></p>  \n <br>"
    "<pre>  \n </pre><textarea> </textarea><ruby>k<rp>(</rp><rt>r</rt></ruby>"
    "<table><tr><td>cell<td>cell</table><ul><li>a<li>b</ul><p>open<div>x</p></div>"
    "<script>var a = '<p>';</script><template><i>t</i></template><svg><path d=M0/></svg>"
    "</span>tail &nbsp; <time datetime='2024-01-02'>Jan 2</time></body></html>")


@functools.lru_cache(maxsize=None)
def _lean_builder_ok() -> bool:
    """Does the lean builder give the stock builder's tree (checked once, on a sample)?"""
    try:
        return _same_tree(_soup(_SAMPLE_PAGE, lean=False),
                          BeautifulSoup(_SAMPLE_PAGE, builder=_LeanBuilder(multi_valued_attributes=None)))
    except Exception:
        return False


# --------------------------------------------------------------------------- main API

def _parse(raw: str, stripped: str | None = None) -> BeautifulSoup:
    """Parse *raw* (or its already script/style-stripped form *stripped*)."""
    if stripped is None:
        stripped = _STRIP_RE.sub(" ", raw)
    stripped = _HEAD_RE.sub(" ", stripped, count=1)
    stripped = _PRESTRIP_RE.sub(" ", stripped)
    # (attributes first: the scans below then run over a much shorter string)
    stripped = _TAG_ATTRS_RE.sub(_keep_attrs, stripped)
    for _ in range(2):  # empty elements (icons, spacers, ad slots) hold no text: never parse them
        stripped = _EMPTY_INLINE_RE.sub("", stripped)
        stripped = _BLANK_INLINE_RE.sub(" ", stripped)
        stripped = _EMPTY_BLOCK_RE.sub("<br>", stripped)
    stripped = _BLOCK_GAP_RE.sub(lambda m: m[1], stripped)  # (a callable is quicker than r"\1")
    return _soup(stripped[:MAX_CLEAN_CHARS])  # size cap


def extract_body(html: str) -> str:
    """Only the article body (for benchmarks)."""
    return clean_html(html).body


def clean_html(html: str) -> CleanedPage:
    """Reduce an HTML page to its article body and the metadata it states. Never raises."""
    # The soup is a web of reference cycles that lives and dies within this call. With the
    # cyclic garbage collector paused meanwhile, it is freed by the next young-generation
    # collection, instead of being traced by every collection its building triggers (and
    # promoted to the older generations, whose collections trace the whole heap).
    paused = gc.isenabled()
    if paused:
        gc.disable()
    try:
        return _clean_html_or_empty(html)
    finally:
        if paused:
            gc.enable()


def _clean_html_or_empty(html: str) -> CleanedPage:
    try:
        return _clean_html(html)
    except RecursionError:
        old = sys.getrecursionlimit()
        try:
            sys.setrecursionlimit(max(old, 20000, min(html.count("<"), 200_000) + 1000))  # depth <= tags
            return _clean_html(html)
        except Exception:
            return CleanedPage(body="", notes=("error",))
        finally:
            sys.setrecursionlimit(old)
    except Exception as exc:  # garbage in: empty body out
        return CleanedPage(body="", notes=(f"error: {type(exc).__name__}",))


def _clean_html(raw: str) -> CleanedPage:
    if not isinstance(raw, str):
        if isinstance(raw, bytes):
            raw = raw.decode("utf-8", "replace")
        else:
            return CleanedPage(body="")
    raw = raw.replace("\x00", "")
    if "<" not in raw:
        return CleanedPage(body="", notes=("not html",))
    meta = _Meta(raw)
    no_script = _STRIP_RE.sub(" ", raw)
    soup = _parse(raw, no_script)
    body_tag = soup.body or soup
    ex = _Extractor()
    ex.walk(body_tag)
    ex.decide(body_tag)
    chosen = _choose(ex, body_tag)
    em = _Emitter(ex)
    for node in chosen:
        em.emit(node, top=True)
    em.flush()
    paras = _filter_paragraphs(em.paras)
    body = join_paragraphs(paras)
    if not _WORD.search(body):
        body = ""
    page = _with_metadata(body, meta, ex, soup)
    if _is_aggregator(no_script):
        page = replace(page, is_aggregator=True, notes=page.notes + ("aggregator",))
    return page


def _with_metadata(body: str, meta: _Meta, ex: _Extractor, soup: BeautifulSoup) -> CleanedPage:
    notes: list[str] = []
    article_ld = [o for o in meta.ld if _ARTICLE_TYPES.search(_ld_type(o))
                  and not re.search(r"breadcrumb|website|organization|person|video|image",
                                    _ld_type(o), re.I)]
    any_ld = article_ld or meta.ld

    # title
    title = None
    for o in article_ld:
        h = o.get("headline") or o.get("name")
        if isinstance(h, str) and h.strip():
            title = normalise_line(_htmllib.unescape(h))
            break
    og_title = meta.get("og:title", "twitter:title")
    site_from_title = None
    if meta.title_tag:
        _, site_from_title = _split_title(meta.title_tag)
    if og_title and not title:
        title = og_title
    if not title:
        h1 = soup.find("h1")
        if h1 is not None:
            t = normalise_line(h1.get_text(" ", strip=True))
            title = t or None
    if not title and meta.title_tag:
        title = _split_title(meta.title_tag)[0]
    if title:
        t2, suffix = _split_title(title)
        if suffix and site_from_title and suffix == site_from_title:
            title = t2

    # outlet: the first stated publisher name that is not a wire agency (a syndicated
    # story's agency goes to ``wire``)
    cands: list[str | None] = [meta.get("og:site_name")]
    for o in any_ld:
        n = _names(o.get("publisher"))
        if n:
            cands.append(n[0])
            break
    cands += [meta.get("application-name", "apple-mobile-web-app-title"), site_from_title]
    outlet, wire_outlet = None, None
    for c in cands:
        if not c:
            continue
        if page_meta.wire_name(c):
            wire_outlet = wire_outlet or c
            continue
        outlet = c
        break

    # published date
    pub_date, method = None, None
    for o in article_ld + [o for o in meta.ld if o not in article_ld]:
        d = parse_date(o.get("datePublished") if isinstance(o.get("datePublished"), str) else None)
        if d is None:
            d = parse_date(o.get("dateCreated") if isinstance(o.get("dateCreated"), str) else None)
        if d:
            pub_date, method = d, "json-ld"
            break
    if pub_date is None:
        for k in ("article:published_time", "og:published_time", "datepublished",
                  "article.published", "publishdate", "publish-date", "pubdate",
                  "publication_date", "dc.date.issued", "dcterms.issued", "dc.date",
                  "dcterms.created", "sailthru.date", "parsely-pub-date", "date",
                  "article:published", "published_time", "original-publish-date",
                  "cxenseparse:recs:publishtime", "dc.date.created", "og:article:published_time"):
            for v in meta.props.get(k, ()):
                d = parse_date(v)
                if d:
                    pub_date, method = d, "meta"
                    break
            if pub_date:
                break
    if pub_date is None:
        for dt, txt, updated in ex.time_tags:
            if updated:
                continue
            d = parse_date(dt) or parse_date(txt)
            if d:
                pub_date, method = d, "time-tag"
                break
    if pub_date is None:
        for txt in ex.byline_texts:
            if _UPDATED.search(txt) and not re.search(r"publish|posted", txt, re.I):
                continue
            d = parse_date(txt)
            if d:
                pub_date, method = d, "byline-text"
                break

    # byline
    byline = None
    for o in article_ld:
        n = _names(o.get("author"))
        n = [x for x in n if not x.startswith("http")]
        if n:
            byline = ", ".join(dict.fromkeys(n))
            break
    if not byline:
        v = meta.get("author", "article:author", "parsely-author", "sailthru.author",
                     "byl", "dc.creator", "twitter:creator")
        if v and not v.startswith("http") and not v.startswith("@"):
            byline = v
    if not byline:
        for t in ex.byline_texts:
            t = normalise_line(t)
            t = re.sub(r"^(?:by|written by|von|par|por|di)\s+", "", t, flags=re.I)
            t = re.split(r"\s[|·•]\s|\s{2,}|(?:,\s*)?(?:updated|published|posted)\b", t,
                         flags=re.I)[0].strip(" ,|")
            if 2 < len(t) < 80 and not parse_date(t):
                byline = t
                break

    if byline:
        byline = re.sub(r"^(?:by|written by|von|par|por|di)\s+", "", byline, flags=re.I).strip() or None

    # language
    lang = _lang_norm(meta.lang) or _lang_norm(meta.get("content-language", "og:locale",
                                                         "language", "dc.language"))
    if not lang:
        for o in article_ld:
            v = o.get("inLanguage")
            if isinstance(v, str):
                lang = _lang_norm(v)
                if lang:
                    break
    if not lang and body:
        lang = page_meta.detect_language(body)

    dateline, wire = _dateline(body) if body else (None, None)
    if wire is None and wire_outlet:
        wire = page_meta.wire_name(wire_outlet)
    if not body:
        notes.append("empty body")

    return CleanedPage(body=body, title=title or None, outlet=outlet or None,
                       published_date=pub_date, date_method=method, byline=byline,
                       language=lang, dateline=dateline, is_aggregator=False, wire=wire,
                       notes=tuple(notes))
