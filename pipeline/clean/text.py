"""Cleaner for plain-text page dumps ("select all, copy" of a news page).

The dump is the article plus every piece of page chrome as lines.  The cleaner

1. normalises and classifies every line (prose / sentence / chrome / caption / ...),
2. finds the main article region as the maximum-sum run of line scores (prose lines
   score their length, chrome and menu lines a penalty),
3. cuts the region at the first strong end-of-article marker ("Read more",
   "LEAVE A REPLY", a donation appeal opener, a newsletter box ...),
4. keeps the body-like lines in the region, dropping captions, credits, disclaimers,
   menus and blocks dense in support/subscription phrasing,
5. reads title, outlet, date, wire, dateline and language from the lines around it.

Aggregator pages (one story, several outlets' copies with "Read Full Article" links and
a bias meter) get their own, simpler region rule.

Only general signals are used: nothing keys on a particular outlet.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.clean import meta
from pipeline.clean.page import CleanedPage
from pipeline.textnorm import join_paragraphs, normalise_line

__all__ = ["clean_text_dump"]

# ---------------------------------------------------------------- lexicons
_BULLET = re.compile(r"^(?:[•·▪■►▶●◦*>»-]|\d{1,2}[.)])\s*")

# Whole-line chrome (matched against the bullet-stripped line, case-insensitive).
_CHROME_LINE = re.compile(
    r"^(?:"
    r"read\s+(?:more|next|full\s+(?:article|story)|the\s+full\s+story|also|this\s+next)|continue\s+reading.*|"
    r"most\s+(?:popular|read|viewed|shared|commented|emailed)(?:\s+(?:today|now|stories|articles|this\s+week))?|popular(?:\s+(?:now|stories|posts))?|trending(?:\s+\w+)?|"
    r"related(?:\s+(?:articles?|stories|posts|news|content|coverage|topics|links|video|reading))?|"
    r"tags?|topics?|filed\s+under|categories|category|keywords?|"
    r"share(?:\s+(?:this|the|on|via|article|story|post).*)?|shares?|tweet|pin(?:\s+it)?|email|e-mail|print|"
    r"comments?(?:\s*\(\d+\))?|\d+\s+comments?|no\s+comments?|view\s+comments?|show\s+comments?|"
    r"leave\s+a\s+(?:reply|comment)|post\s+a\s+comment|add\s+(?:a\s+)?comment|cancel\s+reply|"
    r"please\s+enter\s+your\s+(?:comment|name|email).*|"
    r"sign\s+(?:in|up|out)(?:\s+.*)?|log\s*(?:in|out)|register|my\s+account|account|subscribe(?:\s+now|\s+today)?|"
    r"subscribers?\s+agree.*|newsletters?|get\s+(?:the|our)\s+newsletter.*|"
    r"advertisement|advertising|sponsored(?:\s+content)?|ad|ads|promoted|partner\s+content|"
    r"follow\s+us.*|text\s+size:?|font\s+size:?|listen(?:\s+to\s+this\s+article)?.*|"
    r"menu|search|home|homepage|close|open|skip\s+to\s+.*|back\s+to\s+top|top|next|previous|prev|more|less|"
    r"next\s+(?:article|story|post)|previous\s+(?:article|story|post)|load\s+more|show\s+more|see\s+more|view\s+more|"
    r"about\s+us|contact(?:\s+us)?|privacy(?:\s+(?:policy|notice|settings))?|terms(?:\s+(?:of\s+(?:use|service)|and\s+conditions))?|"
    r"cookie\s+(?:policy|settings|preferences)|accept(?:\s+all)?(?:\s+cookies)?|reject(?:\s+all)?|manage\s+(?:cookies|preferences)|"
    r"all\s+rights\s+reserved\.?|site\s+map|sitemap|careers|faq|help|rss|feedback|corrections|"
    r"add\s+as\s+a\s+preferred\s+source\s+on\s+google|"
    r"support\s+(?:our|independent|quality)\s+journalism|support\s+us|donate(?:\s+now)?|contribute|"
    r"once|monthly|annual|annually|yearly|continue|payment\s+methods|paiment\s+methods|"
    r"not\s+ready\s+to\s+support\s+today\??|remind\s+me\s+later\.?|maybe\s+later|no\s+thanks|"
    r"image|photo|video|gallery|caption|enlarge|expand|play|watch|watch\s+now|"
    r"you\s+may\s+also\s+like|you\s+might\s+also\s+like|recommended(?:\s+(?:for\s+you|stories|articles))?|"
    r"more\s+(?:from|on|in|stories|news)\b.*|also\s+read\b.*|see\s+also\b.*|latest(?:\s+(?:news|stories|articles|videos))?|"
    r"editor'?s\s+picks?|top\s+stories|breaking\s+news|live|opinion|analysis|news|world|business|politics|sports?|"
    r"about\s+the\s+author|author|authors|writer|loading\.*|published\s*•.*|updated|"
    r"coverage\s+details|bias\s+distribution|factuality|"
    r"scorecardresearch|google\s+analytics|chartbeat|comscore|doubleclick|outbrain|taboola|"
    r"posted\s+in\b.*|filed\s+(?:in|to)\b.*|©.*|copyright\b.*|print\s+this(?:\s+(?:article|page|story))?|"
    r"tweet\s+on\s+twitter|share\s+on\s+\w+|copy\s+link\b.*|link\s+copied.*|follow\s+the\s+topics\b.*|"
    r"view\s+author\s+archive|get\s+author\s+rss\s+feed|email\s+the\s+author|follow\s+on\s+\w+"
    r")\s*[:.!>»]*\s*$",
    re.I,
)

# Line openings that mark a line as chrome.
_CHROME_START = re.compile(
    r"\s*(?:disclaimer\s*:|\(?\s*(?:reporting|additional\s+reporting|writing|editing|compiled)\s+by\b.{0,200}$|"
    r"©|\(c\)\s|copyright\s*©?\s*\d{4})",
    re.I,
)
# Phrases that mark a line as chrome wherever it appears on the line.
_CHROME_PHRASE = re.compile(
    r"\b(?:"
    r"sign\s+up\s+(?:for|to)\b.{0,40}\bnewsletter|newsletter\b.{0,60}\b(?:inbox|mailbox|sign\s+up|subscribe)|"
    r"subscribe\s+to\s+(?:our|the)\b|our\s+(?:weekly|daily|free)\s+newsletter|"
    r"we\s+use\s+cookies\b|this\s+(?:site|website)\s+uses\s+cookies\b|by\s+(?:continuing|using)\s+(?:to\s+)?(?:browse|use|this\s+site)|"
    r"cookie\s+(?:policy|settings|consent)\b|"
    r"auto[- ]generated\s+from\b|holds\s+no\s+responsibility\b|has\s+not\s+been\s+edited\s+by\b|"
    r"published\s+from\s+a\s+syndicated\s+feed\b|"
    r"all\s+rights\s+reserved\b|"
    r"follow\s+(?:us|\w+(?:\s\w+){0,3})\s+on\s+(?:facebook|twitter|instagram|linkedin|telegram|youtube|x\b)|"
    r"(?:our|the)\s+channels\s+on\s+(?:youtube|telegram|whatsapp)|"
    r"click\s+here\s+to\s+(?:subscribe|sign|read|download|join)|"
    r"download\s+(?:our|the)\s+app\b|get\s+the\s+app\b|"
    r"read\s+full\s+article|insights\s+by\b|total\s+news\s+sources|leaning\s+(?:left|right)|"
    r"upgrade\s+to\s+premium\b|to\s+view\s+factuality\b|"
    r"please\s+(?:enter|turn\s+off|disable|enable)\s+(?:your\s+)?(?:comment|name|email|ad\s*blocker|javascript)|"
    r"we\s+have\s+a\s+small\s+favou?r\s+to\s+ask\b|dear\s+readers?\b|"
    r"can\s+also\s+be\s+accessed\s+at\b|alternate\s+addresses\b|"
    r"this\s+(?:article|story|content)\s+(?:is|was)\s+(?:only\s+)?available\s+to\s+subscribers|"
    r"already\s+(?:a\s+subscriber|have\s+an\s+account)\b|create\s+(?:a\s+)?free\s+account\b"
    r")",
    re.I,
)

# A line after which the article is over, for sure (checked once body text was seen).
_HARD_END = re.compile(
    r"^(?:leave\s+a\s+(?:reply|comment)|post\s+a\s+comment|add\s+a\s+comment|dear\s+readers?,?|"
    r".{0,4}we\s+have\s+a\s+small\s+favou?r\s+to\s+ask\.?|a\s+(?:message|note|word)\s+from\s+.{2,50}|"
    r"please\s+enter\s+your\s+(?:comment|name).*|support\s+(?:our|independent|quality)\s+journalism|"
    r"sign\s+up\s+for\b.*newsletter.*|coverage\s+details|bias\s+distribution"
    r")\s*[:.!>»]*\s*$",
    re.I,
)
# A line that usually ends the article (a penalty in the region search).
_END_MARKER = re.compile(
    r"^(?:"
    r"read\s+more|more\s+(?:from|on|in|stories)\b.*|most\s+(?:popular|read|viewed|shared|commented|emailed)|"
    r"related(?:\s+(?:articles?|stories|posts|news|content|coverage|topics|links|reading))?|"
    r"tags?|topics|filed\s+under|share\s+this(?:\s+(?:article|story|post|page))?|"
    r"leave\s+a\s+(?:reply|comment)|post\s+a\s+comment|comments?(?:\s*\(\d+\))?|\d+\s+comments?|"
    r"sign\s+up\s+for\b.*newsletter.*|subscribe\s+to\s+(?:our|the)\b.*newsletter.*|"
    r"coverage\s+details|bias\s+distribution|"
    r"you\s+may\s+also\s+like|you\s+might\s+also\s+like|recommended(?:\s+(?:for\s+you|stories|articles))?|"
    r"what\s+to\s+read\s+next|read\s+next|up\s+next|trending(?:\s+now)?|popular(?:\s+now)?|"
    r"about\s+the\s+author|dear\s+readers?,?|.{0,4}we\s+have\s+a\s+small\s+favou?r\s+to\s+ask\.?|"
    r"a\s+(?:message|note|word)\s+from\s+.{2,50}|support\s+(?:our|independent|quality)\s+journalism|"
    r"disclaimer\s*:.*|\(?\s*(?:reporting|additional\s+reporting)\s+by\b.*|"
    r"(?:the\s+)?views\s+expressed\b.*|editor'?s\s+note\s*:.*have\s+been\s+edited.*|"
    r"more\s+coverage|latest\s+(?:news|stories|articles)|"
    r"\S.{0,40}'s\s+website\s+can\s+also\s+be\s+accessed.*|"
    # a few other languages: read more / related / comments / you may also like
    r"leia\s+(?:mais|tamb[ée]m)|voc[êe]\s+pode\s+gostar.*|coment[áa]rios?|mat[ée]rias\s+relacionadas|"
    r"lee\s+(?:m[áa]s|tambi[ée]n)|leer\s+m[áa]s|art[íi]culos\s+relacionados|noticias\s+relacionadas|"
    r"lire\s+(?:aussi|la\s+suite|plus)|[àa]\s+lire\s+aussi|articles?\s+similaires|commentaires?|"
    r"weiterlesen|lesen\s+sie\s+(?:auch|mehr)|mehr\s+zum\s+thema|kommentare?|"
    r"leggi\s+(?:anche|di\s+pi[ùu])|articoli\s+correlati|commenti|"
    r"читайте\s+также|читать\s+далее|похожие\s+(?:статьи|новости|записи)|комментарии|"
    r"lees\s+(?:ook|meer)|gerelateerde\s+artikelen|reacties"
    r")\s*[:.!>»]*\s*$",
    re.I,
)

# Comment-thread metadata: a comment section has begun.
_COMMENT_META = re.compile(
    r"^(?:\S+(?:\s\S+){0,3}\s+(?:says|said|wrote|commented)\s*:|\[?\s*\d+\s+(?:comments?|responses?|replies)\s*\]?.*|"
    r"\d+\s+(?:responses?|comments?|replies|thoughts?)\s+(?:to|on)\b.*|top\s+rated\s+comments|reader\s+comments|"
    r"(?:view|show|read|see|load)\s+(?:all\s+)?(?:\d+\s+)?comments.*|join\s+the\s+(?:conversation|discussion)|"
    r"(?:permalink|reply|report|flag)(?:\s+(?:to\s+)?(?:this|comment|abuse))?|\(?view\s+all\)?|rating:\s*\d+\s+votes?|"
    r"(?:\d+|an?|one)\s+(?:seconds?|minutes?|hours?|days?|weeks?|months?|years?)\s+ago(?:\s+at\s+.*)?|"
    r".{0,40}\b(?:at|@)\s+\d{1,2}:\d\d\s*(?:[ap]\.?m\.?)?|"
    r".{0,40}\bcomments?\s+feed\b.*|\d+\s+(?:likes?|votes?|points?)|share\s+your\s+thoughts.*"
    r")\s*$",
    re.I,
)

_COMMENTS_START = re.compile(
    r"^\W*(?:leave\s+a\s+(?:reply|comment)|post\s+a\s+comment|add\s+a\s+comment|comments?(?:\s*\(\d+\))?|"
    r"\d+\s+(?:comments?|responses?|replies|thoughts?)\b.*|top\s+rated\s+comments|reader\s+comments|"
    r"join\s+the\s+(?:conversation|discussion)|\S+(?:\s\S+){0,3}\s+(?:says|wrote|commented)\s*:|.*\bcomments?\s+feed\b.*)\W*$",
    re.I,
)

# Soft lexicon for donation / subscription appeals (density over consecutive lines).
_APPEAL_WORDS = re.compile(
    r"\b(?:support(?:ing)?\s+(?:us|our|independent|open|quality)|your\s+support|donat\w+|contribut(?:e|ion|ions)\b|"
    r"subscri(?:be|ption|ber)s?|journalism|journalists|reader(?:s)?\s+like\s+you|we\s+need\s+your\s+help|"
    r"thank\s+you(?:\s+for)?|make\s+a\s+(?:gift|donation)|paywall|membership|become\s+a\s+(?:member|supporter|patron)|"
    r"monthly|one-time|every\s+contribution|no\s+matter\s+how\s+small|independent\s+(?:media|news|journalism|reporting)|"
    r"sign\s+up|newsletter|inbox|mailbox|unsubscribe|privacy\s+policy|click\s+here|make\s+a\s+difference|"
    r"at\s+no\s+cost\s+to\s+you|readers\s+everywhere|rely\s+on\s+\w+(?:\s\w+)?\s+reporting|"
    r"support\s+(?:it|them|this|\w+\s+and\s+make))\b",
    re.I,
)
_WE_YOU = re.compile(r"\b(?:we|our|us)\b.*\b(?:you|your)\b|\b(?:you|your)\b.*\b(?:we|our|us)\b", re.I)

# Photo captions and credits.
_CAPTION = re.compile(
    r"(?:"
    r"\((?:photo|image|picture|file\s+photo|pictured)\b[^)]{0,80}\)\s*$|"
    r"\((?:AP|AFP|Reuters|EPA|Getty)\s+Photo[^)]*\)\s*$|"
    r"\b(?:photo|image|picture|photograph|illustration)\s*(?:credit)?\s*(?::|by\b|courtesy\b)|"
    r"^(?:credit|image\s+credit|photo\s+credit|source)\s*[:.]|\bcredit\.\.\.|"
    r"\b(?:getty\s+images|shutterstock|istock(?:photo)?|AP\s+Photo|AFP\s+via\s+Getty|via\s+Reuters|"
    r"REUTERS/[A-Z]|Sputnik/|/\s*TASS\b|/\s*AFP\b|/\s*AP\b|/\s*EPA\b|/\s*Reuters\b|Kremlin\.ru|"
    r"file\s+photo|pool\s+photo)\b|"
    r"^\s*(?:image|photo)\s+\d+\s+of\s+\d*|"
    r"\b(?:slideshow|gallery)\b.{0,20}\d+\s*/\s*\d+"
    r")",
    re.I,
)
_SHORT_CREDIT = re.compile(r"^[\w .,'&-]{1,40}\s*/\s*[\w .,'&-]{1,40}$")  # "Pool / TASS"
_BYLINE = re.compile(
    r"^(?:by|written\s+by|words\s+by|story\s+by|von|par|por|di|door|автор)\s+[\w.'-]+(?:\s+[\w.'-]+){0,6}"
    r"(?:\s*(?:,|and|&|\||·|•|-|–)\s*[\w.'@ -]{0,60})?$",
    re.I,
)
_BYLINE_AGENCY = re.compile(
    r"^[A-Z][\w.'-]+(?:\s[A-Z][\w.'-]+){0,3},?\s+(?:The\s+)?(?:Associated\s+Press|Reuters|AFP|AP|Bloomberg|"
    r"[A-Z][\w]+\s+(?:Staff\s+)?(?:Writer|Reporter|Correspondent|Editor|Columnist))$"
)
_BREADCRUMB = re.compile(r"\S\s*(?:/|>|»|›|\|)\s*\S.*(?:/|>|»|›|\|)|^[\w ]{1,30}\s+/\s+[\w ]{1,30}$")
_LOCATION = re.compile(r"^\s*·")
_PERCENT_ONLY = re.compile(r"^[\W\d_]*(?:[A-Z]\s*)?\d+\s*%[\W\d_]*$|^\d+\s*%\s+\w+$")
_N_ARTICLES = re.compile(r"^\d+\s+(?:articles?|sources?|stories)$", re.I)
_AGG_SIGNAL = re.compile(
    r"\bread\s+full\s+article\b|^\d+\s+articles$|\bbias\s+distribution\b|\bleaning\s+(?:left|right)\b|"
    r"\btotal\s+news\s+sources\b|\bcoverage\s+details\b|\binsights\s+by\b",
    re.I,
)
_AGG_END = re.compile(
    r"^(?:coverage\s+details|bias\s+distribution|total\s+news\s+sources.*|leaning\s+(?:left|right).*|factuality|"
    r"similar\s+news\s+topics|related\s+(?:stories|news|topics)|top\s+news\s+stories|"
    r"[LCR]\s+\d+%|\d+%\s+(?:center|left|right).*)$",
    re.I,
)
_READ_FULL_PREFIX = re.compile(r"^read\s+full\s+article\s*", re.I)

_SENT_END = re.compile(r"[.!?…。！？;]['\"”’»)\]]*$|[.!?…。！？]['\"”’»)\]]*\s*\[?\d*\]?$")
_WORDS = re.compile(r"[^\W_]+", re.U)
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
_LOWER_START = re.compile(r"^[a-z]")
_URLISH = re.compile(r"^(?:https?://|www\.)\S+$|^\S+\.(?:com|org|net|co\.uk|ru|in|io)(?:/\S*)?$", re.I)
@dataclass(slots=True)
class _Line:
    text: str
    words: int
    kind: str  # prose | sentence | short | chrome | caption | empty
    score: float
    appeal: int


def _word_count(text: str) -> int:
    cjk = len(_CJK.findall(text))
    if cjk:
        return len(text.split()) + cjk // 2
    return len(_WORDS.findall(text))


def _classify(text: str) -> _Line:
    if not text:
        return _Line(text, 0, "empty", 0.0, 0)
    stripped = _BULLET.sub("", text, count=1) if len(text) < 400 else text
    words = _word_count(text)
    appeal = len(_APPEAL_WORDS.findall(text))
    if _CHROME_LINE.match(stripped) or _CHROME_START.match(text) or _CHROME_PHRASE.search(text) or _URLISH.match(stripped):
        kind = "chrome"
    elif (words < 40 and _CAPTION.search(text)) or (words <= 8 and _SHORT_CREDIT.match(text)):
        kind = "caption"
    elif _LOCATION.match(text) or _PERCENT_ONLY.match(text) or _N_ARTICLES.match(stripped):
        kind = "chrome"
    elif words <= 12 and (_BYLINE.match(stripped) or _BYLINE_AGENCY.match(stripped)):
        kind = "byline"
    else:
        ends = bool(_SENT_END.search(text))
        if (words >= 8 and ends) or words >= 20:
            kind = "prose"
        elif words >= 3 and ends and not _LOWER_START.match(stripped):
            kind = "sentence"
        else:
            kind = "short"
    if kind != "prose" and words <= 60 and (_END_MARKER.match(stripped) or _COMMENT_META.match(stripped)):
        kind = "end"
    if kind == "prose":
        score = float(words)
        if not _SENT_END.search(text):
            score *= 0.5
        if appeal >= 2 and _WE_YOU.search(text):
            score = -float(words) * 0.5
    elif kind == "sentence":
        score = words * 0.5
    elif kind == "short":
        score = -2.0 - 0.3 * words
    elif kind == "empty":
        score = 0.0
    elif kind == "end":
        score = -25.0
    else:
        score = -3.0 - 0.5 * min(words, 30)
    return _Line(text, words, kind, score, appeal)


def _max_run(lines: list[_Line]) -> tuple[int, int]:
    """Indices [a, b) of the maximum-sum contiguous run of line scores."""
    best, best_a, best_b = 0.0, 0, 0
    cur, cur_a = 0.0, 0
    for i, ln in enumerate(lines):
        if cur <= 0:
            cur, cur_a = 0.0, i
        cur += ln.score
        if cur > best:
            best, best_a, best_b = cur, cur_a, i + 1
    return best_a, best_b


_SEG_SHARE = 0.4
_REPEAT_PENALTY = True
_FILL_SHORT = 2
_EXTEND = True
_OUTSIDE_MIN = 20.0
_SEG_MIN = 0.15
_BOX_LINES = 8


def _best_segment(kept: list[int], lines: list[_Line], region_end: int | None = None) -> list[int]:
    """Split kept lines at gaps holding an end-of-article marker ("Related", "Read
    more", a comment count ...) among >= 2 non-body lines; drop everything from a
    comment thread on; keep the first segment with a fair share of the prose and
    re-join neighbours separated only by a small inline box."""
    if len(kept) < 2:
        return kept
    segs: list[list[int]] = [[kept[0]]]
    gaps: list[int] = []  # non-empty lines in the gap before segs[k+1]
    outside_seg: list[bool] = []
    for prev, cur in zip(kept, kept[1:]):
        gap = [lines[j] for j in range(prev + 1, cur) if lines[j].kind != "empty"]
        ends = [g for g in gap if g.kind == "end"]
        outside = region_end is not None and cur >= region_end
        if (ends and len(gap) >= 2) or (outside and gap):
            if any(_COMMENTS_START.match(g.text) for g in ends):
                break  # a comment thread: nothing after it is the article
            segs.append([cur])
            # beyond the densest run only a labelled inline box ("Related" + a few links)
            # may separate two parts of the article
            gaps.append(len(gap) if not outside or len(ends) == 1 else _BOX_LINES + 1)
            outside_seg.append(outside)
        else:
            segs[-1].append(cur)
    if len(segs) == 1:
        return segs[0]
    masses = [sum(lines[i].score for i in seg) for seg in segs]
    top = max(masses)
    if region_end is not None:  # the anchor lies in the densest run; later text may only extend it
        inside = [k for k, seg in enumerate(segs) if seg[0] < region_end] or [0]
        top = max(masses[k] for k in inside)
        anchor = next(k for k in inside if masses[k] >= _SEG_SHARE * top)
    else:
        anchor = next(k for k, m in enumerate(masses) if m >= _SEG_SHARE * top)
    lo = hi = anchor
    while hi + 1 < len(segs) and gaps[hi] <= _BOX_LINES and masses[hi + 1] >= _SEG_MIN * top and (
            not outside_seg[hi] or masses[hi + 1] >= _OUTSIDE_MIN):
        hi += 1
    while lo > 0 and gaps[lo - 1] <= _BOX_LINES and masses[lo - 1] >= _SEG_MIN * top:
        lo -= 1
    return [i for seg in segs[lo:hi + 1] for i in seg]


_YOU = re.compile(r"\b(?:you|your)\b", re.I)


def _heading_like(ln: _Line) -> bool:
    t = ln.text
    return (ln.kind == "short" and 2 <= ln.words <= 15 and not t.endswith(":")
            and not _LOWER_START.match(t) and meta.date_in_line(t) is None)


def _fill_short(kept: list[int], lines: list[_Line]) -> list[int]:
    """Add in-body short lines (sub-headings, list items) lying between kept lines
    when the gap around them holds no chrome."""
    out: list[int] = []
    for prev, cur in zip(kept, kept[1:]):
        out.append(prev)
        gap = [j for j in range(prev + 1, cur) if lines[j].kind != "empty"]
        if gap and len(gap) <= _FILL_SHORT and all(_heading_like(lines[j]) for j in gap):
            out.extend(gap)
    out.append(kept[-1])
    return out


def _is_appeal_line(ln: _Line) -> bool:
    if ln.appeal >= 3 or (ln.appeal >= 2 and _YOU.search(ln.text)):
        return True
    return ln.appeal >= 1 and bool(_WE_YOU.search(ln.text)) and ln.words < 80


def _drop_appeal_blocks(idx: list[int], lines: list[_Line]) -> set[int]:
    """Kept-line indices belonging to runs (>= 2 lines) of appeal-like lines."""
    drop: set[int] = {i for i in idx if lines[i].appeal >= 2 and lines[i].words < 40 and _YOU.search(lines[i].text)}
    run: list[int] = []
    for i in idx + [-1]:
        if i >= 0 and _is_appeal_line(lines[i]):
            run.append(i)
            continue
        if len(run) >= 2:
            drop.update(run)
        run = []
    return drop


# ---------------------------------------------------------------- main entry
def clean_text_dump(text: str) -> CleanedPage:
    """Clean a plain-text page dump into a :class:`CleanedPage`."""
    raw_lines = (text or "").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    norm = [normalise_line(x) for x in raw_lines]
    cache: dict[str, _Line] = {}
    lines = []
    for t in norm:
        ln = cache.get(t)
        if ln is None:
            ln = cache[t] = _classify(t)
        lines.append(ln)
    nonempty = [i for i, ln in enumerate(lines) if ln.kind != "empty"]
    notes: list[str] = []
    # a prose line printed twice on the page is a teaser (headline + summary), not the story
    counts: dict[str, int] = {}
    for i in nonempty:
        if lines[i].kind == "prose":
            counts[lines[i].text] = counts.get(lines[i].text, 0) + 1
    if _REPEAT_PENALTY:
        for i in nonempty:
            ln = lines[i]
            if ln.kind == "prose" and counts[ln.text] > 1:
                lines[i] = _Line(ln.text, ln.words, "repeat", -0.3 * ln.words, ln.appeal)

    agg_hits = sum(1 for i in nonempty if lines[i].words <= 40 and _AGG_SIGNAL.search(lines[i].text))
    read_full = sum(1 for i in nonempty if _READ_FULL_PREFIX.match(lines[i].text))
    is_agg = read_full >= 1 and agg_hits >= 3 or read_full >= 3

    if is_agg:
        body_idx, body_texts, start = _aggregator_body(lines, nonempty)
        notes.append("aggregator")
    else:
        body_idx, body_texts, start = _article_body(lines, nonempty)

    body = join_paragraphs(body_texts)
    paras = [p for p in body.split("\n\n") if p]

    title = _find_title(lines, nonempty, start, body_idx)
    title_line = norm[nonempty[0]] if nonempty else ""
    outlet = _find_outlet(norm, title, title_line)
    pub = _find_date(lines, nonempty, start)
    wire = meta.find_wire(paras, [norm[i] for i in nonempty])
    dateline = meta.find_dateline(paras[0]) if paras and not is_agg else None
    language = meta.detect_language(body[:3000]) if body else None
    byline = _find_byline(lines, nonempty, start)
    return CleanedPage(
        body=body,
        title=title,
        outlet=outlet,
        published_date=pub,
        date_method="header-line" if pub else None,
        byline=byline,
        language=language,
        dateline=dateline,
        is_aggregator=is_agg,
        wire=wire,
        notes=tuple(notes),
    )


def _keep(ln: _Line) -> bool:
    return ln.kind in ("prose", "sentence")


def _article_body(lines: list[_Line], nonempty: list[int]) -> tuple[list[int], list[str], int]:
    if not nonempty:
        return [], [], 0
    a, b = _max_run(lines)
    if b <= a:
        return [], [], len(lines)
    kept: list[int] = []
    seen_words = 0
    stop = len(lines) if _EXTEND else b
    for i in range(a, stop):
        ln = lines[i]
        if ln.kind == "empty":
            continue
        stripped = _BULLET.sub("", ln.text, count=1)
        if seen_words >= 25 and ln.words <= 60 and _HARD_END.match(stripped):
            break
        if _keep(ln):
            kept.append(i)
            seen_words += ln.words
    kept = _best_segment(kept, lines, b)
    if _FILL_SHORT and len(kept) >= 2:
        kept = _fill_short(kept, lines)
    drop = _drop_appeal_blocks(kept, lines)
    kept = [i for i in kept if i not in drop]
    start = kept[0] if kept else a
    return kept, [lines[i].text for i in kept], start


def _aggregator_body(lines: list[_Line], nonempty: list[int]) -> tuple[list[int], list[str], int]:
    # the story starts after the headline: the first prose line of the page
    first = next((i for i in nonempty if lines[i].kind == "prose"), None)
    if first is None:
        return [], [], len(lines)
    kept: list[int] = []
    texts: list[str] = []
    for i in nonempty:
        if i < first:
            continue
        ln = lines[i]
        t = ln.text
        if _AGG_END.match(t) or (ln.words <= 8 and "%" in t and _AGG_SIGNAL.search(t)):
            break
        if _READ_FULL_PREFIX.match(t):
            t = _READ_FULL_PREFIX.sub("", t).strip()
            if not t:
                continue
            kept.append(i)
            texts.append(t)
            continue
        if ln.kind in ("prose", "sentence", "repeat"):
            if t not in texts:
                kept.append(i)
                texts.append(t)
        elif ln.kind == "short" and ln.words >= 4 and not _BREADCRUMB.search(t):
            kept.append(i)  # a snippet title
            texts.append(t)
    return kept, texts, first


# ---------------------------------------------------------------- metadata
_TITLE_SPLIT = re.compile(r"\s+[-|–—·:»]\s+(?=[^-|–—·:»]*$)")
_TITLE_BAD = re.compile(r"^(?:by\s|photo|image|credit|updated|published|posted|share|advertisement)|[:]$", re.I)


# "4 min read", "5 min read · 31 comments", "Reading time: 4 min", "Estimated reading time 3 minutes"
_READ_TIME = re.compile(
    r"\b\d+\s*(?:-\s*)?(?:min|mins|minutes?)\.?\s+(?:read|listen)\b|"
    r"\b(?:reading|read|listening)\s+time\b\s*:?\s*(?:about\s+|approx\.?\s+)?\d+",
    re.I,
)
# page-furniture words: a line of only these (and counts/separators) is not a headline
_FURNITURE = re.compile(
    r"^(?:[\W\d_]|\b(?:min|mins|minutes?|read|reading|time|comments?|views?|shares?|likes?|listen|"
    r"to|this|article|story|by|staff|share|print|email|updated|published|posted|photo|video|audio)\b)*$",
    re.I,
)
_FUNCTION_WORDS = re.compile(
    r"\b(?:a|an|the|of|in|on|at|to|for|with|as|and|or|by|from|after|over|into|amid|against|is|are|was|"
    r"be|but|not|than|up|out|off|its|his|her|their|new|says?|said|will)\b"
)
_LETTERS = re.compile(r"[^\W\d_]")


def _all_caps(t: str) -> bool:
    """Most letters upper case: a masthead, kicker or section label ("THE CONTINENTAL REVIEW")."""
    letters = _LETTERS.findall(t)
    if len(letters) < 6:
        return False
    upper = sum(1 for c in letters if c.isupper())
    return upper >= 0.8 * sum(1 for c in letters if c.isupper() or c.islower()) > 0


def _menu_like(t: str) -> bool:
    """A run of capitalised navigation items ("Politics Economy Brussels Briefing Culture
    Podcasts Events Shop"): many words, all capitalised, no function word in lower case."""
    words = t.split()
    if len(words) < 6:
        return False
    if not all(w[:1].isupper() or not w[:1].isalpha() for w in words):
        return False
    return not _FUNCTION_WORDS.search(t)


def _title_ok(ln: _Line) -> bool:
    if ln.kind in ("empty", "chrome", "caption", "byline", "end"):
        return False
    t = ln.text
    if ln.words < 3 or ln.words > 30 or len(t) > 250:
        return False
    if _TITLE_BAD.search(t) or _URLISH.match(t) or meta.header_date_line(t):
        return False
    if _BREADCRUMB.search(t):
        return False
    if _READ_TIME.search(t) or _FURNITURE.match(t) or _all_caps(t):
        return False
    if meta.date_in_line(t) and ln.words <= 12:  # "21 July 2020 · Brussels Briefing · 7 min read"
        return False
    return True


def _headline_shaped(ln: _Line) -> bool:
    """The usual headline: 4-25 words, no terminal full stop, not a menu run."""
    t = ln.text
    if not _title_ok(ln) or not 4 <= ln.words <= 25:
        return False
    if re.search(r"(?<!\.\.)[.;,:]$", t) or _LOWER_START.match(t):
        return False
    return not _menu_like(t)


_CHROME_SOURCE = re.compile(r"^\W*(?:©|\(c\)|copyright\b|all\s+rights\s+reserved)", re.I)


def _find_title(lines: list[_Line], nonempty: list[int], start: int, body_idx: list[int]) -> str | None:
    body_set = set(body_idx)
    header = [i for i in nonempty if i < start]
    texts = [lines[i].text for i in nonempty[:400]]
    # strong: a header line repeated as the tail of a breadcrumb / head of a <title> line
    for i in reversed(header):
        ln = lines[i]
        if not _title_ok(ln):
            continue
        t = ln.text
        low = t.lower()
        for other in texts:
            if other is t or len(other) <= len(t) or len(other) > len(t) + 120:
                continue
            if _CHROME_SOURCE.match(other):  # "© 2020 The Continental Review": the outlet, not a title
                continue
            ol = other.lower()
            if ol.endswith(low) or (ol.startswith(low) and meta.outlet_from_title_suffix(other, t)):
                return t
    # a header line sharing most words with the rendered <title> (first line, "Headline - Outlet")
    if nonempty:
        first = lines[nonempty[0]].text
        parts = _TITLE_SPLIT.split(first)
        head = parts[0].strip() if len(parts) > 1 else ""
        head_words = {w.lower() for w in _WORDS.findall(head)}
        if len(head_words) >= 3:
            for i in reversed(header):
                ln = lines[i]
                if i == nonempty[0] or not _title_ok(ln):
                    continue
                cand = {w.lower() for w in _WORDS.findall(ln.text)}
                if cand and len(cand & head_words) >= 0.7 * max(len(cand), len(head_words)):
                    return ln.text
            if len(head_words) >= 4 and not _CHROME_LINE.match(head):
                return head
    # nearest headline-shaped line before the body (4-25 words, no full stop, not a
    # masthead / read-time / date / byline / menu line)
    for i in reversed(header[-25:]):
        ln = lines[i]
        if i not in body_set and _headline_shaped(ln):
            return ln.text
    # nearest acceptable headline-like line before the body
    for i in reversed(header[-25:]):
        ln = lines[i]
        if _title_ok(ln) and i not in body_set and (ln.kind == "short" or not _SENT_END.search(ln.text) or ln.words <= 20):
            return ln.text
    # fall back: first line of the dump when it looks like a <title>
    if nonempty:
        first = lines[nonempty[0]]
        if 3 <= first.words <= 30 and first.kind not in ("chrome", "caption"):
            parts = re.split(r"\s+[-|–—]\s+", first.text)
            return parts[0] if len(parts) > 1 else first.text
    return None


def _find_outlet(norm: list[str], title: str | None, first_line: str) -> str | None:
    cands = meta.outlet_candidates([t for t in norm if t])
    if first_line:
        suffix = meta.outlet_from_title_suffix(first_line, title)
        if suffix:
            cands.append((suffix, 8))
    if not cands:
        return None
    tally: dict[str, float] = {}
    for name, score in cands:
        tally[name] = tally.get(name, 0.0) + score
    return max(tally.items(), key=lambda kv: (kv[1], -len(kv[0])))[0]


_COMMENTER = re.compile(r"^\S+(?:\s\S+){0,3}\s+(?:says|said|wrote|commented|replied)\s*:?\s*$|^(?:reply|permalink)$", re.I)


def _find_date(lines: list[_Line], nonempty: list[int], start: int):
    header = [i for i in nonempty if i < start][-30:]
    for k in range(len(header) - 1, -1, -1):
        ln = lines[header[k]]
        t = ln.text
        if len(t) > 90 or ln.kind == "caption":
            continue
        # a comment's time stamp follows the commenter line ("roadfan says:")
        if k and _COMMENTER.match(lines[header[k - 1]].text):
            continue
        d = meta.header_date_line(t)
        if d:
            return d
    return None


def _find_byline(lines: list[_Line], nonempty: list[int], start: int) -> str | None:
    header = [i for i in nonempty if i < start][-12:]
    for i in reversed(header):
        if lines[i].kind == "byline":
            return re.sub(r"^(?:by|written\s+by)\s+", "", lines[i].text, flags=re.I)
    return None
