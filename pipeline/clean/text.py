"""Cleaner for plain-text page dumps ("select all, copy" of a news page).

The dump is the article plus every piece of page chrome as lines.  The cleaner

1. normalises and classifies every line (prose / sentence / chrome / caption / ...),
   using the dump's block structure too: a paragraph stands between blank lines, while
   teaser and link lists come packed (those prose lines weigh half), and a packed run of
   number-bearing rows is a table or dated list (content),
2. finds the main article region as the maximum-sum run of line scores (prose lines
   score their length, chrome and menu lines a penalty), preferring a run that starts
   right below a repeat of the page's <title> headline (the on-page <h1>),
3. cuts the region at the first strong end-of-article marker ("Read more",
   "LEAVE A REPLY", an author box, "Tags", a donation appeal opener, a newsletter box ...),
4. keeps the body-like lines in the region, dropping captions, credits, disclaimers,
   menus and blocks dense in support/subscription phrasing, and adds back the list
   items / short steps lying between body lines and a list right after the last one,
5. reads title, outlet, date, wire, dateline and language from the lines around it.

Aggregator pages (one story, several outlets' copies with "Read Full Article" links)
get their own, simpler region rule; their cards end at the first rating / leaning /
source-count widget line, recognised by shape (only percentages, a label glued to a
number, several percentages in a few words).

Only general signals are used: nothing keys on a particular outlet.
"""
from __future__ import annotations

import collections
import functools
import re
import string
from dataclasses import dataclass

from pipeline.clean import meta
from pipeline.clean.page import CleanedPage
from pipeline.textnorm import MAX_DUMP_CHARS, join_paragraphs, normalise_text

__all__ = ["clean_text_dump"]


class _Caseless:
    """A case-insensitive pattern that runs faster on ASCII text (most lines).

    On ASCII text, IGNORECASE matching is exactly case-sensitive matching of ``text.lower()``
    against the pattern with its letters lower-cased: there str.lower() maps only A-Z to
    a-z, keeps every offset and changes nothing that \\w, \\s, \\d, \\b or a character class
    sees; and the case-sensitive scan is two to three times faster.  Other text goes to the
    IGNORECASE pattern.  Only whether the pattern occurs and how often are offered (the
    matched text would be lower-cased).

    *needs*, when given, are lower-case strings one of which every match holds: an ASCII
    text holding none of them is not scanned at all."""

    def __init__(self, pattern: str, needs: tuple[str, ...] = ()) -> None:
        # The equivalence also needs: no inline flags, and no non-ASCII character in the
        # pattern that matches an ASCII letter case-insensitively (the Kelvin sign, the long
        # s, the dotless i), neither as a literal nor as the end of a range.
        assert not re.search(r"\(\?[aiLmsux-]", pattern)
        assert not re.search(r"[^\x00-\x7f]-|-[^\x00-\x7f]", pattern)
        assert not any(re.fullmatch(re.escape(c), chr(a), re.I)
                       for c in set(pattern) if not c.isascii() for a in range(128))
        self._ci = re.compile(pattern, re.I)
        lowered = re.sub(r"\\.|[A-Z]+", lambda m: m.group() if m.group()[0] == "\\" else m.group().lower(), pattern)
        self._lower = re.compile(lowered)
        self._needs = needs

    def found(self, text: str) -> bool:
        if text.isascii():
            low = text.lower()
            if self._needs and not any(k in low for k in self._needs):
                return False
            return self._lower.search(low) is not None
        return self._ci.search(text) is not None

    def count(self, text: str) -> int:
        if text.isascii():
            return len(self._lower.findall(text.lower()))
        return len(self._ci.findall(text))


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
    r"advertisement|advertising|advert|adverts|sponsored(?:\s+content)?|ad|ads|promoted|partner\s+content|"
    r"anzeige|werbung|publicidade|publicidad|publicité|pubblicità|реклама|don'?t\s+miss|must\s+read|"
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
    r"scorecardresearch|google\s+analytics|chartbeat|comscore|doubleclick|outbrain|taboola|"
    r"posted\s+in\b.*|filed\s+(?:in|to)\b.*|©.*|copyright\b.*|print\s+this(?:\s+(?:article|page|story))?|"
    r"tweet\s+on\s+twitter|share\s+on\s+\w+|copy\s+link\b.*|link\s+copied.*|follow\s+the\s+topics\b.*|"
    r"(?:about|über|sobre|à\s+propos\s+de|acerca\s+de|informazioni\s+su|об\s+авторе)\s+(?:the\s+author|[A-ZÀ-Ý][\w.'-]+(?:\s+[A-ZÀ-Ý][\w.'-]+){0,3})|"
    r"explore\s+further|breaking\s+news\s+(?:emails?|alerts?)|our\s+sources|"
    r"view\s+author\s+archive|get\s+author\s+rss\s+feed|email\s+the\s+author|follow\s+on\s+\w+|"
    r"(?:(?:facebook|twitter|linkedin|whatsapp|pinterest|reddit|tumblr|instagram|youtube|telegram|flipboard|"
    r"messenger|vk|email|e-mail|print|sms|copy\s+link)\s*[,|/·•]?\s*){1,12}"
    r")\s*[:.!>»]*\s*$",
    re.I,
)

# Line openings that mark a line as chrome.
_CHROME_START = re.compile(
    r"\s*(?:disclaimer\s*:|\(?\s*(?:reporting|additional\s+reporting|writing|editing|compiled)\s+by\b.{0,200}$|"
    r"©|\(c\)\s|copyright\s*©?\s*\d{4}|citation\s*:|related\s*:|also\s+on\s+\S+\.[a-z]{2,}\b|"
    r"\(?\s*(?:leggi\s+anche|leia\s+tamb[ée]m|lee\s+tambi[ée]n|lire\s+aussi|lesen\s+sie\s+auch|read\s+also|also\s+read|see\s+also)\b|"
    r"want\s+more\s+[\w ]{1,30}\?|see\s+more\s*:|tags?\s*:?\s+\S.{0,150}$|next\s+up\b.{0,60}$|"
    r"(?:view|join|read)\s+the\s+(?:discussion|conversation|comments)\b|"
    r"(?:researched|edited|reported|written|produced|photographed|fact-checked|reviewed)\s+by\s*:)",
    re.I,
)
# Phrases that mark a line as chrome wherever it appears on the line.
_CHROME_PHRASE = _Caseless(
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
    r"read\s+full\s+article|upgrade\s+to\s+(?:premium|pro|plus)\b|"
    r"please\s+(?:enter|turn\s+off|disable|enable)\s+(?:your\s+)?(?:comment|name|email|ad\s*blocker|javascript)|"
    r"we\s+have\s+a\s+small\s+favou?r\s+to\s+ask\b|dear\s+readers?\b|"
    r"can\s+also\s+be\s+accessed\s+at\b|alternate\s+addresses\b|"
    r"this\s+(?:article|story|content)\s+(?:is|was)\s+(?:only\s+)?available\s+to\s+subscribers|"
    r"already\s+(?:a\s+subscriber|have\s+an\s+account)\b|create\s+(?:a\s+)?free\s+account\b|"
    r"join\s+(?:the|our)\b.{0,40}\bnewsletter|(?:news|stories)\s+(?:that\s+matters?\s*,?\s+)?delivered\s+(?:to\s+your\s+inbox|(?:every\s+)?(?:daily|weekly|weekday)|each)|"
    r"meet\s+your\s+inbox|every\s+(?:day|week|morning)\s+we\s+send\b|"
    r"share\s+(?:it|this(?:\s+\w+)?)\s+with\s+(?:a\s+)?friends?\b|tell\s+us\s+what\s+you\s+think\b|"
    r"requires\s+javascript\b|(?:enable|turn\s+on)\s+javascript\b|"
    r"(?:are|is\s+a|are\s+both)\s+(?:registered\s+)?trademarks?\s+of\b|for\s+informational\s+purposes\s+only\b|"
    r"not\s+intended\s+to\s+(?:diagnose|replace\s+the\s+advice)|"
    r"this\s+(?:document|material|article)\s+is\s+subject\s+to\s+copyright|"
    r"cookies?\b.{0,80}\b(?:sit[eo]|sitio|website|navega\w*|brows\w*|esperienza|experiencia|expérience|experience|consent\w*)\b|"
    r"\b(?:logged\s+in|log\s+in|sign\s+in|connesso|conectado|connecté|angemeldet)\s+(?:to|per|para|pour|um)\s+\w+\s+(?:a|un|um|una|einen)\s+(?:comment|commento|comentário|comentario|commentaire|kommentar)"
    r")"
)

# A line after which the article is over, for sure (checked once body text was seen).
_HARD_END = re.compile(
    r"^(?:leave\s+a\s+(?:reply|comment)|post\s+a\s+comment|add\s+a\s+comment|dear\s+readers?,?|"
    r".{0,4}we\s+have\s+a\s+small\s+favou?r\s+to\s+ask\.?|a\s+(?:message|note|word)\s+from\s+.{2,50}|"
    r"please\s+enter\s+your\s+(?:comment|name).*|support\s+(?:our|independent|quality)\s+journalism|"
    r"sign\s+up\s+for\b.*newsletter.*|tags?|filed\s+under|"
    r"(?:lascia|deixe|deja|laisser|hinterlasse|оставьте)\s+(?:un|uma|um|una|einen|votre)?\s*(?:commento|comentário|comentario|commentaire|kommentar|комментарий).*|"
    r"you\s+must\s+(?:be\s+logged\s+in|log\s+in)\s+to\s+post\s+a\s+comment"
    r")\s*[:.!>»]*\s*$",
    re.I,
)
# The heading of an author box ("About the author", "About Jane Roe", "Über Jane Roe"): the
# article is over.  Case-sensitive: a name is capitalised.
_AUTHOR_BOX = re.compile(
    r"^(?:[Aa]bout|ABOUT|Über|Sobre|SOBRE|À propos de|Acerca de|Informazioni su|Об авторе)\s+"
    r"(?:the\s+author|THE\s+AUTHOR|[A-ZÀ-ÝА-Я][\w.'-]+(?:\s+[A-ZÀ-ÝА-Я][\w.'-]+){0,2})\s*:?$"
)
# A line that usually ends the article (a penalty in the region search).
_END_MARKER = re.compile(
    r"^(?:"
    r"read\s+more|more\s+(?:from|on|in|stories)\b.*|most\s+(?:popular|read|viewed|shared|commented|emailed)|"
    r"related(?:\s+(?:articles?|stories|posts|news|content|coverage|topics|links|reading))?|"
    r"tags?|topics|filed\s+under|share\s+this(?:\s+(?:article|story|post|page))?|"
    r"leave\s+a\s+(?:reply|comment)|post\s+a\s+comment|comments?(?:\s*\(\d+\))?|\d+\s+comments?|"
    r"sign\s+up\s+for\b.*newsletter.*|subscribe\s+to\s+(?:our|the)\b.*newsletter.*|"
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

# A newsletter / subscription box: an end-of-article signal like "Related".
_BOX_PHRASE = re.compile(
    r"\b(?:sign\s+up|subscribe|join)\b.{0,40}\b(?:newsletters?|mailing\s+list|alerts)\b|"
    r"\bnewsletters?\b.{0,40}\b(?:sign\s+up|subscribe)\b",
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
_APPEAL_WORDS = _Caseless(
    r"\b(?:support(?:ing)?\s+(?:us|our|independent|open|quality)|your\s+support|donat\w+|contribut(?:e|ion|ions)\b|"
    r"subscri(?:be|bed|ption|ber)s?|activation\s+link|journalism|journalists|reader(?:s)?\s+like\s+you|we\s+need\s+your\s+help|"
    r"thank\s+you(?:\s+for)?|make\s+a\s+(?:gift|donation)|paywall|membership|become\s+a\s+(?:member|supporter|patron)|"
    r"monthly|one-time|every\s+contribution|no\s+matter\s+how\s+small|independent\s+(?:media|news|journalism|reporting)|"
    r"sign\s+up|newsletter|inbox|mailbox|unsubscribe|privacy\s+policy|click\s+here|make\s+a\s+difference|"
    r"at\s+no\s+cost\s+to\s+you|readers\s+everywhere|rely\s+on\s+\w+(?:\s\w+)?\s+reporting|"
    r"support\s+(?:it|them|this|\w+\s+and\s+make))\b"
)
_WE_YOU = re.compile(r"\b(?:we|our|us)\b.*\b(?:you|your)\b|\b(?:you|your)\b.*\b(?:we|our|us)\b", re.I)

# Photo captions and credits.
_CAPTION = _Caseless(
    r"(?:"
    r"\((?:photo|image|picture|file\s+photo|pictured)\b[^)]{0,80}\)\s*$|"
    r"\((?:AP|AFP|Reuters|EPA|Getty)\s+Photo[^)]*\)\s*$|"
    r"\b(?:photo|image|picture|photograph|illustration)\s*(?:credit)?\s*(?::|by\b|courtesy\b)|"
    r"^(?:credit|image\s+credit|photo\s+credit|source)\s*[:.]|\bcredit\.\.\.|"
    r"\b(?:getty\s+images|shutterstock|istock(?:photo)?|AP\s+Photo|AFP\s+via\s+Getty|via\s+Reuters|"
    r"REUTERS/[A-Z]|Sputnik/|/\s*TASS\b|/\s*AFP\b|/\s*AP\b|/\s*EPA\b|/\s*Reuters\b|Kremlin\.ru|"
    r"file\s+photo|pool\s+photo)\b|"
    r"^\s*(?:image|photo)\s+\d+\s+of\s+\d*|^\s*(?:image|photo|picture|video)\s+(?:caption|copyright|source)\b|"
    r"\b(?:slideshow|gallery)\b.{0,20}\d+\s*/\s*\d+|"
    r"\s/\s*(?:AP|AFP|TASS|EPA|Reuters|Getty(?:\s+Images)?|Bloomberg|Xinhua|dpa)(?:\s+(?:file|photo|images?|via\s+\S+))?\s*\)?$|"
    r"\bcredits?\s*:\s*[^.:]{1,60}$|©\s*[\w .'&-]{1,40}/\s*[\w .'&-]{1,40}$|"
    r"^(?:in\s+this|an?|this)\s+(?:[\w.,]+\s+){0,6}(?:file\s+)?(?:photo|image|picture|illustration|artist'?s\s+(?:concept|impression|rendering))\b"
    r")",
    # each alternative above holds one of these: "(" (the bracketed credits), "/" (agency
    # slashes, "Sputnik/", slideshow counters, "© A / B"), a picture word (photo[graph],
    # image, picture[d], illustration, video, artist), credit, source, or an agency name
    # (getty, shutterstock, istock, reuters, kremlin.ru)
    needs=("(", "/", "photo", "image", "picture", "illustration", "video", "artist", "credit", "source",
           "getty", "shutterstock", "istock", "reuters", "kremlin.ru"),
)
# a slideshow counter opening a caption ("3 of 12 The mayor speaks ...")
_SLIDE_COUNTER = re.compile(r"^\d{1,3}\s+of\s+\d{1,3}\s+\S")
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
# a short credit line "Summary by Example AI", "Powered by Example": one word, "by", a name
_CREDIT_LINE = re.compile(r"^[\w-]+\s+by\s+[A-Z][\w.&'-]*(?:\s+[A-Z][\w.&'-]*){0,3}$")


def _widget_line(ln: _Line) -> bool:
    return meta.widget_line(ln.text, ln.words)


def _agg_signal(ln: _Line) -> bool:
    return ln.words <= 40 and (bool(_READ_FULL_PREFIX.match(ln.text)) or _widget_line(ln))
_READ_FULL_PREFIX = re.compile(r"^read\s+full\s+article\s*", re.I)

_SENT_END = re.compile(r"[.!?…。！？;]['\"”’»)\]]*$|[.!?…。！？]['\"”’»)\]]*\s*\[?\d*\]?$")
_WORDS = re.compile(r"[^\W_]+", re.U)
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
_LOWER_START = re.compile(r"^[a-z]")
# a whole line in brackets opening with a promo word ("[Related: ...]", "[Watch: ...]"), or a line
# of leftover markup ("<script src=...>")
_BRACKETED = re.compile(
    r"^\[\s*(?:related|read\s+(?:more|also|next)|see\s+also|also\s+(?:read|see)|more|watch|listen|video|photos?|"
    r"gallery|advertisement|sponsored)\b[^\[\]]{0,150}\]$|^</?(?:script|iframe|div|span|img|a|p|style|noscript)\b|"
    r"^\[/?[a-z_]{2,}(?:\s+\w+=[^\]]*)?\]",
    re.I,
)
# a teaser cut short by the page: "... the number of players […]", "설리, 무엇이 이 스물다섯 청춘의.."
_TRUNCATED = re.compile(r"(?:\[\s*(?:…|\.\.\.)\s*\]|[^.\s]\.\.)$")
_URLISH = re.compile(r"^(?:https?://|www\.)\S+$|^\S+\.(?:com|org|net|co\.uk|ru|in|io)(?:/\S*)?$", re.I)
@dataclass(slots=True)
class _Line:
    text: str
    words: int
    kind: str  # prose | sentence | short | chrome | caption | empty
    score: float
    appeal: int


def _word_count(text: str) -> int:
    cjk = 0 if text.isascii() else len(_CJK.findall(text))
    if cjk:
        return len(text.split()) + cjk // 2
    return len(_WORDS.findall(text))


def _tag_list(text: str) -> bool:
    """A keyword / tag line: >= 5 comma-separated items of at most four words, no sentence."""
    if text.count(",") < 4 or _SENT_END.search(text):
        return False
    items = [x for x in text.split(",") if x.strip()]
    return len(items) >= 5 and all(len(x.split()) <= 4 for x in items)


@functools.lru_cache(maxsize=1 << 16)
def _classify(text: str) -> _Line:
    """The line's kind and score (a pure function of the text: cached across pages, as
    sites repeat their menus and footers on every page; callers never mutate a _Line)."""
    if not text:
        return _Line(text, 0, "empty", 0.0, 0)
    stripped = _BULLET.sub("", text, count=1) if len(text) < 400 else text
    words = _word_count(text)
    appeal = _APPEAL_WORDS.count(text)
    if (_CHROME_LINE.match(stripped) or _CHROME_START.match(text) or _CHROME_PHRASE.found(text) or _URLISH.match(stripped) or _BRACKETED.match(text)
            or text.endswith(("]", "..")) and _TRUNCATED.search(text) or _tag_list(text)):
        kind = "chrome"
    elif (words < 40 and _CAPTION.found(text)) or (words <= 8 and _SHORT_CREDIT.match(text)) or _SLIDE_COUNTER.match(text):
        kind = "caption"
    elif _LOCATION.match(text) or meta.PERCENT_ONLY.match(text) or meta.N_ARTICLES.match(stripped):
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
    if kind != "prose" and words <= 60 and (_END_MARKER.match(stripped) or _COMMENT_META.match(stripped)
                                            or kind == "chrome" and words <= 30 and _BOX_PHRASE.search(text)):
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


def _max_run(lines: list[_Line], lo: int = 0, hi: int | None = None) -> tuple[int, int, float]:
    """Indices [a, b) and mass of the maximum-sum contiguous run of line scores in [lo, hi)."""
    best, best_a, best_b = 0.0, lo, lo
    cur, cur_a = 0.0, lo
    for i in range(lo, len(lines) if hi is None else hi):
        if cur <= 0:
            cur, cur_a = 0.0, i
        cur += lines[i].score
        if cur > best:
            best, best_a, best_b = cur, cur_a, i + 1
    return best_a, best_b, best


def _isolated(lines: list[_Line], i: int) -> bool:
    """A line standing alone between blank lines (a <p> paragraph in the rendering)."""
    return (i == 0 or lines[i - 1].kind == "empty") and (i + 1 >= len(lines) or lines[i + 1].kind == "empty")


def _weigh_packed_prose(lines: list[_Line], nonempty: list[int]) -> None:
    """Block structure: a dump renders paragraphs as lines between blank lines, while teaser
    lists, link lists and footers come as runs of lines with no blank between them.  A
    prose line packed among other lines weighs less in the region search."""
    for i in nonempty:
        ln = lines[i]
        if ln.kind == "prose" and not _isolated(lines, i):
            lines[i] = _Line(ln.text, ln.words, ln.kind, ln.score * _PACKED_WEIGHT, ln.appeal)


def _mark_tables(lines: list[_Line], nonempty: list[int]) -> None:
    """A packed run (no blank lines) of >= _TABLE_ROWS short lines that nearly all carry
    numbers is a table or a dated list (standings, tour dates, prices): content, scored
    like a little prose instead of like a menu."""
    run: list[int] = []
    for i in nonempty + [-1]:
        if i >= 0 and (not run or i == run[-1] + 1) and lines[i].kind in ("short", "sentence", "repeat"):
            run.append(i)
            continue
        if len(run) >= _TABLE_ROWS:
            rows = [j for j in run if lines[j].words >= 3 and _DIGIT.search(_COUNT_SUFFIX.sub("", lines[j].text))
                    and not _stamp(lines[j])]
            if len(rows) >= 0.8 * len(run):
                for j in run:
                    ln = lines[j]
                    lines[j] = _Line(ln.text, ln.words, "row", 0.5 * ln.words, ln.appeal)
        run = [i] if i >= 0 and lines[i].kind in ("short", "sentence", "repeat") else []


_TABLE_ROWS = 4
# "Politics (113)": an archive / category counter, not a number in a table row
_COUNT_SUFFIX = re.compile(r"\(\d+\)\s*$")
_PACKED_WEIGHT = 0.5
def _run_from(lines: list[_Line], lo: int, hi_start: int) -> tuple[int, int, float]:
    """The best run [a, b) that starts in [lo, hi_start) and does not cross a stretch
    whose running sum falls to zero (Kadane's scan, restarted only inside the window)."""
    best, best_a, best_b = 0.0, lo, lo
    cur, cur_a = 0.0, lo
    for i in range(lo, len(lines)):
        if cur <= 0:
            if i >= hi_start:
                break
            cur, cur_a = 0.0, i
        cur += lines[i].score
        if cur > best:
            best, best_a, best_b = cur, cur_a, i + 1
    return best_a, best_b, best


_TITLE_PARTS = re.compile(r"\s+(?:[-|–—:·»]+|::)\s+")


def _title_keys(first: str) -> tuple[set[str], list[set[str]]]:
    """The rendered <title> (the dump's first line) as exact strings and word sets:
    the whole line and each part of it split at " | ", " - ", " – " ... separators."""
    parts = [first] + [p for p in _TITLE_PARTS.split(first) if len(p.split()) >= 3]
    exact = {p.lower() for p in parts}
    return exact, [{w.lower() for w in _WORDS.findall(p)} for p in parts]


def _title_anchors(lines: list[_Line], nonempty: list[int]) -> list[int]:
    """Lines after the first that repeat the page's <title> headline (the on-page <h1>):
    the article usually starts right below one of them."""
    if len(nonempty) < 3:
        return []
    exact, wsets = _title_keys(lines[nonempty[0]].text)
    wsets = [t for t in wsets if len(t) >= 3]
    # a line holds a part's words only if it holds the part's longest word
    probes = [max(t, key=len) for t in wsets]
    out = []
    for i in nonempty[1:]:
        ln = lines[i]
        if ln.words < 3 or ln.words > 40 or ln.kind in ("prose", "repeat") and _SENT_END.search(ln.text):
            continue
        low = ln.text.lower()
        if low in exact:
            out.append(i)
            continue
        if not wsets:
            continue
        if low.isascii():
            # lower() maps only A-Z here, so the words of the lower-cased line are its words
            # lower-cased, and a word of the line occurs in the lower-cased line
            if not any(w in low for w in probes):
                continue
            ws = set(_WORDS.findall(low))
        else:
            ws = {w.lower() for w in _WORDS.findall(ln.text)}
        if any(len(t) <= len(ws) <= len(t) + 3 and t <= ws for t in wsets):
            out.append(i)
    return out


def _main_region(lines: list[_Line], nonempty: list[int]) -> tuple[int, int]:
    """The article region: the densest run of prose on the page, unless a run starting just
    below a repeat of the page's headline carries a fair share of that mass (teaser
    blocks and sidebars can outweigh a short article, but they do not follow its <h1>)."""
    a, b, mass = _max_run(lines)
    if mass <= 0:
        return a, b
    best = None
    pos = {i: k for k, i in enumerate(nonempty)}
    for t in _title_anchors(lines, nonempty)[:_MAX_ANCHORS]:  # each costs a scan of the page
        if a < t < b and sum(lines[i].words for i in range(a, t)
                             if lines[i].kind == "prose" and _isolated(lines, i)) >= _ANCHOR_PROSE_BEFORE:
            continue  # paragraphs above it: a sub-heading inside the article, not its headline
        k = pos[t]
        window_end = nonempty[min(len(nonempty) - 1, k + _ANCHOR_LINES)] + 1
        a2, b2, m2 = _run_from(lines, t + 1, window_end)
        if m2 < _ANCHOR_SHARE * mass or m2 < _ANCHOR_MIN:
            continue
        if best is None or m2 > best[2]:
            best = (a2, b2, m2)
    if best is not None and not best[0] <= a < best[1]:
        return best[0], best[1]
    return a, b


_ANCHOR_LINES = 8
_MAX_ANCHORS = 12
_ANCHOR_SHARE = 0.25
_ANCHOR_MIN = 40.0
_ANCHOR_PROSE_BEFORE = 60


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
        # beyond the densest run, a gap of bare list items / short steps (no chrome, end
        # marker, caption or byline) does not separate two parts of the article
        clean = bool(gap) and all(lines[j].kind in ("short", "sentence", "repeat", "row") and _isolated(lines, j)
                                  for j in range(prev + 1, cur) if lines[j].kind != "empty")
        if (ends and len(gap) >= 2) or (outside and gap and not clean):
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


_DIGIT = re.compile(r"\d")
_LIST_GAP_MAX = 60


def _nav_item(ln: _Line) -> bool:
    """A bare navigation / link label: one to three capitalised words, no digit, no full stop."""
    t = ln.text
    return ln.words <= 3 and not _DIGIT.search(t) and not _SENT_END.search(t) and not _LOWER_START.match(t)


_NUMBER_ONLY = re.compile(r"^[\W\d_]+$")


def _stamp(ln: _Line) -> bool:
    """A bare date / time stamp or a number: page furniture, not a list item."""
    t = ln.text
    if _NUMBER_ONLY.match(t):
        return True
    if ln.words <= 8:
        d = meta.date_in_line(t)
        if d is not None:
            lo, hi = d[1]
            rest = [w for w in _WORDS.findall(t[:lo] + " " + t[hi:]) if not w.isdigit()]
            return len(rest) <= 2 and "@" not in t
    return False


def _list_item(ln: _Line) -> bool:
    return ln.kind in ("short", "sentence", "repeat") and not _nav_item(ln) and not _stamp(ln)


def _fill_gaps(kept: list[int], lines: list[_Line]) -> list[int]:
    """Block structure inside the article: the lines between two body lines (a list, a
    table, a run of short steps) belong to it when the gap holds no page chrome, end
    marker or byline; captions in the gap are skipped."""
    out: list[int] = []
    for prev, cur in zip(kept, kept[1:]):
        out.append(prev)
        gap = [j for j in range(prev + 1, cur) if lines[j].kind != "empty"]
        if not gap or len(gap) > _LIST_GAP_MAX:
            continue
        if any(lines[j].kind in ("chrome", "end", "byline") for j in gap):
            continue
        items = [j for j in gap if lines[j].kind != "caption"]
        if items and all(_list_item(lines[j]) or lines[j].kind in ("short", "sentence") and _isolated(lines, j)
                         and not _stamp(lines[j]) for j in items):
            out.extend(items)
    out.append(kept[-1])
    return out


def _trailing_list(kept: list[int], lines: list[_Line]) -> list[int]:
    """A list or table right after the last body line ("Tour dates:" and its rows): a
    packed run (no blank lines) of >= 3 item lines, introduced by a line ending in ':'
    or mostly carrying numbers (dates, scores, quantities)."""
    n = len(lines)
    j = kept[-1] + 1
    while j < n and lines[j].kind == "empty":
        j += 1
    lead_in = lines[kept[-1]].text.endswith(":")
    head: list[int] = []
    if j < n and lines[j].kind in ("short", "sentence") and j + 1 < n:
        nxt = j + 1
        while nxt < n and lines[nxt].kind == "empty":
            nxt += 1
        if lines[j].text.endswith(":") or _heading_like(lines[j]):
            lead_in = lead_in or lines[j].text.endswith(":")
            head, j = [j], nxt
    items: list[int] = []
    while j < n and _list_item(lines[j]):
        items.append(j)
        j += 1
        if j < n and lines[j].kind == "empty":
            break
    if len(items) < 3:
        return []
    digits = sum(1 for i in items if _DIGIT.search(lines[i].text))
    if lead_in or digits >= 0.6 * len(items):
        return head + items
    return []


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
@dataclass(slots=True)
class _Analysis:
    norm: list[str]
    lines: list[_Line]
    nonempty: list[int]
    is_agg: bool
    body_idx: list[int]
    body_texts: list[str]
    start: int


def _analyse(text: str) -> _Analysis:
    """Classify the dump's lines and choose the body lines (indices into ``lines``)."""
    # the whole text at once (NFC, quotes, spaces; runs of blank lines become one): the
    # same lines as normalise_line on each, without a call per line
    norm = normalise_text((text or "")[:MAX_DUMP_CHARS]).split("\n")
    classified = {t: _classify(t) for t in dict.fromkeys(norm)}  # each distinct line once
    lines = [classified[t] for t in norm]
    nonempty = [i for i, t in enumerate(norm) if t]  # (only an empty line is of kind "empty")
    # a prose line printed twice on the page is a teaser (headline + summary), not the story
    prose = [i for i in nonempty if lines[i].kind == "prose"]
    counts = collections.Counter(lines[i].text for i in prose)
    if _REPEAT_PENALTY:
        for i in prose:
            ln = lines[i]
            if counts[ln.text] > 1:
                lines[i] = _Line(ln.text, ln.words, "repeat", -0.3 * ln.words, ln.appeal)
    _weigh_packed_prose(lines, nonempty)
    _mark_tables(lines, nonempty)

    read_full = sum(1 for i in nonempty if _READ_FULL_PREFIX.match(lines[i].text))
    agg_hits = sum(1 for i in nonempty if _agg_signal(lines[i])) if read_full else 0
    is_agg = read_full >= 1 and agg_hits >= 3 or read_full >= 3

    if is_agg:
        body_idx, body_texts, start = _aggregator_body(lines, nonempty)
    else:
        body_idx, body_texts, start = _article_body(lines, nonempty)
    return _Analysis(norm, lines, nonempty, is_agg, body_idx, body_texts, start)


def clean_text_dump(text: str) -> CleanedPage:
    """Clean a plain-text page dump into a :class:`CleanedPage`."""
    an = _analyse(text)
    norm, lines, nonempty, is_agg = an.norm, an.lines, an.nonempty, an.is_agg
    body_idx, body_texts, start = an.body_idx, an.body_texts, an.start
    notes: list[str] = ["aggregator"] if is_agg else []
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
    return ln.kind in ("prose", "sentence", "row")


def _article_body(lines: list[_Line], nonempty: list[int]) -> tuple[list[int], list[str], int]:
    if not nonempty:
        return [], [], 0
    a, b = _main_region(lines, nonempty)
    if b <= a:
        return [], [], len(lines)
    kept: list[int] = []
    seen_words = 0
    stop = len(lines) if _EXTEND else b
    for i in range(a, stop):
        ln = lines[i]
        if ln.kind == "empty":
            continue
        if seen_words >= 25 and ln.words <= 60:
            stripped = _BULLET.sub("", ln.text, count=1)
            if _HARD_END.match(stripped) or _AUTHOR_BOX.match(stripped):
                break
        if _keep(ln):
            kept.append(i)
            seen_words += ln.words
    kept = _best_segment(kept, lines, b)
    if _FILL_SHORT and len(kept) >= 2:
        kept = _fill_short(kept, lines)
    if len(kept) >= 2:
        kept = _fill_gaps(kept, lines)
    if kept:
        kept = kept + _trailing_list(kept, lines)
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
        if ln.kind == "end" or _widget_line(ln) and not meta.N_ARTICLES.match(t):
            break  # a related-stories list or the source / leaning widgets: the cards are over
        if _CREDIT_LINE.match(t):
            continue
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
# a title does not open with these, nor end with ':' (tested apart: a line holds no newline)
_TITLE_BAD = re.compile(r"^(?:by\s|photo|image|credit|updated|published|posted|share|advertisement)", re.I)


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


_ASCII_UPPER = string.ascii_uppercase.encode()
_ASCII_LOWER = string.ascii_lowercase.encode()


def _all_caps(t: str) -> bool:
    """Most letters upper case: a masthead, kicker or section label ("THE CONTINENTAL REVIEW")."""
    if t.isascii():  # the letters are A-Z and a-z: counted by deleting them from the bytes
        b = t.encode()
        upper = len(b) - len(b.translate(None, _ASCII_UPPER))
        lower = len(b) - len(b.translate(None, _ASCII_LOWER))
        if upper + lower < 6:
            return False
    else:
        letters = _LETTERS.findall(t)
        if len(letters) < 6:
            return False
        # (no single character is both upper and lower case)
        upper = sum(map(str.isupper, letters))
        lower = sum(map(str.islower, letters))
    return upper >= 0.8 * (upper + lower) > 0


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
    if t.endswith(":") or _TITLE_BAD.match(t) or _URLISH.match(t) or meta.header_date_line(t):
        return False
    if _BREADCRUMB.search(t):
        return False
    # (a read time always holds a digit)
    if _DIGIT.search(t) and _READ_TIME.search(t) or _FURNITURE.match(t) or _all_caps(t):
        return False
    if ln.words <= 12 and meta.date_in_line(t):  # "21 July 2020 · Brussels Briefing · 7 min read"
        return False
    return True


def _headline_shaped(ln: _Line, title_ok: bool) -> bool:
    """The usual headline (*title_ok* is _title_ok(ln)): 4-25 words, no terminal full stop,
    not a menu run."""
    t = ln.text
    if not title_ok or not 4 <= ln.words <= 25:
        return False
    if re.search(r"(?<!\.\.)[.;,:]$", t) or _LOWER_START.match(t):
        return False
    return not _menu_like(t)


_CHROME_SOURCE = re.compile(r"^\W*(?:©|\(c\)|copyright\b|all\s+rights\s+reserved)", re.I)


def _find_title(lines: list[_Line], nonempty: list[int], start: int, body_idx: list[int]) -> str | None:
    body_set = set(body_idx)
    header = [i for i in nonempty if i < start]
    title_ok: dict[int, bool] = {}  # _title_ok of header lines, each computed once

    def ok(i: int) -> bool:
        r = title_ok.get(i)
        if r is None:
            r = title_ok[i] = _title_ok(lines[i])
        return r

    # strong: a header line repeated as the tail of a breadcrumb / head of a <title> line
    # ("© 2020 The Continental Review" names the outlet, not a title), longer by 1-120 chars
    others: meta.LineIndex | None = None
    for i in reversed(header):
        if not ok(i):
            continue
        if others is None:
            others = meta.LineIndex([t for t in (lines[j].text for j in nonempty[:400]) if not _CHROME_SOURCE.match(t)])
        t = lines[i].text
        low = t.lower()  # not empty: a title has words
        n = len(t)
        texts = others.texts
        if any(n < len(texts[k]) <= n + 120 for k in others.ending_with(low)):
            return t
        if any(n < len(texts[k]) <= n + 120 and meta.outlet_from_title_suffix(texts[k], t)
               for k in others.starting_with(low)):
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
                if i == nonempty[0] or not ok(i):
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
        if i not in body_set and _headline_shaped(ln, ok(i)):
            return ln.text
    # nearest acceptable headline-like line before the body
    for i in reversed(header[-25:]):
        ln = lines[i]
        if ok(i) and i not in body_set and (ln.kind == "short" or not _SENT_END.search(ln.text) or ln.words <= 20):
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
        d = meta.header_date_line(t)
        # not a comment's time stamp, which follows the commenter line ("roadfan says:")
        if d and not (k and _COMMENTER.match(lines[header[k - 1]].text)):
            return d
    return None


def _find_byline(lines: list[_Line], nonempty: list[int], start: int) -> str | None:
    header = [i for i in nonempty if i < start][-12:]
    for i in reversed(header):
        if lines[i].kind == "byline":
            return re.sub(r"^(?:by|written\s+by)\s+", "", lines[i].text, flags=re.I)
    return None
