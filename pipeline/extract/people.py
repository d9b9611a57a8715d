"""People in an article: who is named, with which title and for which country.

Rules, in order of strength:
1. a title next to a name ("Russian President Vladimir Putin", "Chinese leader Xi Jinping",
   "President Alexander Lukashenko of Belarus", "his Turkish counterpart Recep Tayyip Erdogan",
   "Emmanuel Macron, the French president,");
2. later mentions of a known person by full name or by one of its ends ("Putin", "Xi");
3. a bare full name acting as a speaker ("Vladimir Putin said", "said Olaf Scholz");
4. descriptions ("the Russian president", "the Chinese leader") and pronouns resolve to
   people found by 1-3 (see :func:`resolve_description` and :func:`resolve_pronoun`).
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache, lru_cache

from pipeline import reference
from pipeline.clean.meta import wire_name
from pipeline.extract.units import LOWER, UPPER
from pipeline.textnorm import alternation

_PARTICLES = {"bin", "ibn", "al", "el", "de", "da", "dos", "das", "du", "van", "von", "der", "den",
              "la", "le", "di", "del", "ben", "abu", "y", "zu"}
# "Xi", "NATO", "J.D.", "J." (the capital is factored out of the alternatives so that a search
# skips quickly to the next capital letter)
_NAME_WORD = (rf"[{UPPER}](?:[{LOWER}{UPPER}'\-]*[{LOWER}]|[{UPPER}]+(?![{LOWER}])|"
              rf"\.(?:[{UPPER}]\.)+|\.)")
# a run of name words; no word character, apostrophe or hyphen may come before it (see _name_runs)
_SEQ = re.compile(
    rf"{_NAME_WORD}(?:'s)?(?:[^\S\n]+(?:(?:{'|'.join(sorted(_PARTICLES))})[^\S\n\-]*[ \-]){{0,2}}{_NAME_WORD}(?:'s)?)*"
)
_NOT_BEFORE_RUN = re.compile(r"[\w'\-]")
_NOT_BEFORE_MENTION = re.compile(r"[\w\-]")


def _finditer_not_after(rx: re.Pattern[str], text: str, before: re.Pattern[str]) -> Iterator[re.Match[str]]:
    """What ``finditer`` gives for ``rx`` preceded by the lookbehind "not ``before``" (one
    character), for an ``rx`` that never matches the empty string. Checked here rather than in
    the pattern, where the lookbehind would keep the engine from skipping ahead to the
    characters that can start ``rx``."""
    pos = 0
    while m := rx.search(text, pos):
        start = m.start()
        if start and before.match(text, start - 1):
            pos = start + 1  # no match here; a later start may still be one
            continue
        yield m
        pos = m.end()


def _name_runs(body: str) -> Iterator[re.Match[str]]:
    """Capitalised runs ("Russian President Vladimir Putin") that do not continue a word."""
    return _finditer_not_after(_SEQ, body, _NOT_BEFORE_RUN)


# Words that never start or make up a person's name.
_NOT_NAME = {
    "the", "a", "an", "in", "on", "at", "for", "with", "by", "of", "and", "but", "as", "after", "before",
    "during", "since", "while", "when", "if", "it", "its", "this", "that", "these", "those", "there",
    "he", "she", "they", "we", "i", "you", "his", "her", "their", "our", "my", "both", "all", "other",
    "some", "many", "most", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january",
    "february", "march", "april", "may", "june", "july", "august", "september", "october",
    "november", "december", "summit", "house", "white", "kremlin", "state", "department", "ministry",
    "party", "games", "war", "road", "strait", "sea", "ocean", "union", "council", "organization",
    "organisation", "bank", "fund", "nations", "news", "agency", "times", "post", "press", "tv",
    "initiative", "forum", "group", "alliance", "bloc", "treaty", "pact", "congress", "senate", "parliament",
    "government", "army", "navy", "force", "forces", "city", "square", "palace", "hall", "centre",
    "center", "university", "institute", "committee", "commission", "office", "embassy", "media",
    "company", "corp", "inc", "ltd", "minister", "ministers", "leaders", "republic", "kingdom",
    "federation", "east", "west", "north", "south", "central", "asia", "europe", "africa", "america",
    "americas", "gulf", "pacific", "atlantic", "middle", "far", "street", "avenue", "airport",
    "cooperation", "economic", "summit's", "world", "global", "international", "national",
"communist", "democratic", "socialist", "islamic", "day", "year",
}


_NOT_ASCII_ALNUM = re.compile(r"[^0-9a-zA-Z]+")


def fold(text: str) -> str:
    if not text.isascii():  # ASCII text has no decomposition and no combining marks
        text = unicodedata.normalize("NFKD", text)
        text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(_NOT_ASCII_ALNUM.sub(" ", text).lower().split())


@lru_cache(maxsize=4096)  # pure; the same few names are compared again and again
def _name_tokens(name: str) -> tuple[str, ...]:
    return tuple(fold(name).split())


def _same_person(mine: tuple[str, ...], other: tuple[str, ...]) -> bool:
    """Same person if the shorter name is a whole-word end of the longer one."""
    if not mine or not other:
        return False
    if mine == other:
        return True
    short, long_ = (other, mine) if len(other) < len(mine) else (mine, other)
    if len(short) == len(long_):
        return False
    return long_[-len(short):] == short or long_[:len(short)] == short


@dataclass
class Person:
    name: str
    role: str | None = None
    level: str | None = None
    country: str | None = None
    mentions: list[tuple[int, int]] = field(default_factory=list)
    former: bool = False

    @property
    def tokens(self) -> list[str]:
        return fold(self.name).split()

    def matches(self, name: str) -> bool:
        """Same person if the shorter name is a whole-word end of the longer one."""
        return _same_person(_name_tokens(self.name), _name_tokens(name))


@dataclass
class Description:
    """A mention like "the Russian president" at [start, end)."""

    start: int
    end: int
    country: str | None
    role: str | None
    level: str | None


@cache
def _title_regex() -> re.Pattern[str]:
    titles = sorted(reference.title_patterns(), key=len, reverse=True)
    alt = "|".join(_flexible(t) for t in titles)
    return re.compile(rf"(?i:\b(?:{alt}))$")


@cache
def _title_end_regex() -> re.Pattern[str]:
    """The last part of some title at the end of a word.

    A match of :func:`_title_regex` at the end of a text ending in a whitespace-free word
    ends with the last part of a title (parts are split at spaces and hyphens, so hold
    neither), matched with the same case rules inside that word: searching the word for
    those last parts alone is a cheap necessary test."""
    lasts = {re.split(r"[\s\-]+", t)[-1] for t in reference.title_patterns()}
    alt = "|".join(re.escape(part) for part in sorted(lasts, key=len, reverse=True))
    return re.compile(rf"(?i:{alt})\Z")


def _flexible(title: str) -> str:
    """A title as a regex where spaces and hyphens are interchangeable ("Vice-President")."""
    return r"[\s\-]+".join(re.escape(part) for part in re.split(r"[\s\-]+", title))


@cache
def _title_alt() -> str:
    titles = sorted(reference.title_patterns(), key=len, reverse=True)
    return "|".join(_flexible(t) for t in titles)


@cache
def _left_title() -> re.Pattern[str]:
    """A title (and what qualifies it) that ends right before a name."""
    return re.compile(
        rf"(?P<qual>(?:[\w.'\-]+\s+){{0,4}}?)\b(?P<title>(?i:{_title_alt()}))\s*,?\s*$"
    )


@cache
def _title_last_words() -> frozenset[str]:
    return frozenset(re.split(r"[\s\-]+", t.strip())[-1].casefold() for t in reference.title_patterns() if t.strip())


def _may_end_with_title(left: str) -> bool:
    """Cheap test before the end-anchored title regexes (which try every start position)."""
    tail = left.rstrip(" ,\t\n")
    if not tail or tail[-1].isspace() or tail[-1] == "-":
        return False  # its last part after spaces and hyphens is empty
    last = tail.rsplit(None, 1)[-1].rsplit("-", 1)[-1]
    return last.casefold() in _title_last_words()


@cache
def _left_title_of() -> re.Pattern[str]:
    """"the president of the United Arab Emirates, " right before a name."""
    return re.compile(rf"\b(?P<title>(?i:{_title_alt()}))\s+of\s+(?:the\s+)?(?P<of>[{UPPER}][\w'\-]+(?:\s+[{UPPER}][\w'\-]+){{0,3}}),\s*$")


@cache
def _right_title() -> re.Pattern[str]:
    """", the French president," / " of Belarus" after a name."""
    return re.compile(
        rf"^(?:,\s+(?:the|a|an)\s+(?P<qual>(?:(?:[\w'\-]+|[{UPPER}]\.(?:[{UPPER}]\.)+)\s+){{0,3}}?)(?P<title>(?i:{_title_alt()}))\b"
        rf"(?:\s+of\s+(?P<of2>[{UPPER}][\w.'\-]+(?:\s+[{UPPER}][\w.'\-]+)*))?"
        rf"|\s+of\s+(?P<of>(?:the\s+)?[{UPPER}][\w.'\-]+(?:\s+[{UPPER}][\w.'\-]+)*))"
    )


_DESCRIPTION_MODIFIERS = ("new", "outgoing", "former", "then", "visiting", "host", "strongman", "veteran", "embattled")
_DESCRIPTION_HEAD = r"\b(?:[Tt]he|[Hh]is|[Hh]er|[Tt]heir)\s+"


@cache
def _description_regex() -> re.Pattern[str]:
    demonyms = sorted(reference.demonyms(), key=len, reverse=True)
    dem = "|".join(re.escape(d) for d in demonyms)
    acr = "|".join(re.escape(a) for a in sorted(reference.country_acronyms(), key=len, reverse=True))
    return re.compile(
        rf"{_DESCRIPTION_HEAD}(?:(?P<dem>(?i:{dem})|{acr})\s+)?(?:(?:{'|'.join(_DESCRIPTION_MODIFIERS)})\s+)?"
        rf"(?P<title>(?i:{_title_alt()}))\b"
    )


# Every description match starts with a determiner and a whitespace character: this finds
# those places (a superset) with a search that skips ahead to the letters T, t, H and h.
_DESCRIPTION_START = re.compile(r"[TtHh](?:(?<=[Tt])he\s|(?<=[Hh])is\s|(?<=[Hh])er\s|(?<=[Tt])heir\s)")
_DESCRIPTION_HEAD_WORD = re.compile(rf"{_DESCRIPTION_HEAD}(\S+)")


def _ascii_key(literal: str) -> str | None:
    """The lowercased ASCII text that ``literal`` matches case-insensitively, or None when it
    matches no ASCII text. Raises ValueError when that is not one text (never seen)."""
    out = []
    for ch in literal:
        if ch.isascii():
            out.append(ch.lower())
            continue
        # a few non-ASCII letters match an ASCII one under re.I ("\u212a" Kelvin sign and "k")
        hits = {chr(a).lower() for a in range(128) if re.fullmatch(f"(?i:{re.escape(ch)})", chr(a))}
        if not hits:
            return None
        if len(hits) > 1:
            raise ValueError(literal)
        out.append(hits.pop())
    return "".join(out)


@cache
def _description_words() -> tuple[frozenset[str], frozenset[str], tuple[int, ...]] | None:
    """What the word after the determiner of a description match can be, for ASCII words,
    lowercased: the first word of a demonym, acronym or modifier (each is followed by
    whitespace), else it starts with the first part of a title (parts are separated by
    spaces or hyphens, and a title ends at a word boundary). None when unsure."""
    firsts = [*reference.demonyms(), *reference.country_acronyms(), *_DESCRIPTION_MODIFIERS]
    title_starts = [re.split(r"[\s\-]+", t)[0] for t in reference.title_patterns()]
    if not all(w and not w[0].isspace() for w in firsts) or not all(title_starts):
        return None  # an empty or space-led alternative: no word to test
    try:
        words = {_ascii_key(w.split()[0]) for w in firsts} - {None}
        starts = {_ascii_key(t) for t in title_starts} - {None}
    except ValueError:
        return None
    return frozenset(words), frozenset(starts), tuple(sorted({len(t) for t in starts}))


def _descriptions(body: str) -> Iterator[re.Match[str]]:
    """The matches of :func:`_description_regex` in ``body``, as ``finditer`` gives them.

    Its long case-insensitive alternatives are tried only after a determiner whose next word
    can begin a description (see :func:`_description_words`); words with non-ASCII letters
    always are."""
    rx, allowed = _description_regex(), _description_words()
    if allowed is None:
        yield from rx.finditer(body)
        return
    words, title_starts, lengths = allowed
    shortest = lengths[0] if lengths else 0
    title_heads = {t[:shortest] for t in title_starts}
    pos = 0
    while start := _DESCRIPTION_START.search(body, pos):
        at = start.start()
        pos = at + 1
        # the determiner, its spaces, and the word after them (no alternative starts with a space)
        head = _DESCRIPTION_HEAD_WORD.match(body, at)
        if head is None:
            continue
        word = head.group(1)
        if word.isascii():
            low = word.lower()
            if low not in words and (low[:shortest] not in title_heads
                                     or not any(low[:n] in title_starts for n in lengths)):
                continue
        m = rx.match(body, at)
        if m:
            yield m
            pos = m.end()


def _country_in(words: str) -> str | None:
    """A country named by demonym, name or possessive among a few qualifying words."""
    tokens = re.findall(r"[\w.'\-]+", words)
    # Try longest spans first so "South Korean" beats "Korean".
    for size in (3, 2, 1):
        for i in range(len(tokens) - size, -1, -1):
            phrase = " ".join(tokens[i:i + size])
            phrase = re.sub(r"'s$|'$", "", phrase)
            code = reference.country_code(phrase)
            if code:
                return code
    return None


_NOT_NAME_START = {"the", "former", "then", "new", "acting"}


def _peel(words: list[str], left: str = "") -> tuple[list[str], str | None, str | None]:
    """Split a capitalised run into (name words, title, country).

    The name is what follows the rightmost title in the run ("European Commission President
    Ursula von der Leyen" -> "Ursula von der Leyen"); a title may start in the text just
    before the run ("Secretary of" + "State Rex Tillerson"). Without a title, leading
    countries, demonyms and "The" are dropped ("Spain's Pedro Sanchez").
    """
    if len(words) == 1:  # most runs: no title in it or begun before it, no country to drop
        return ([] if words[0].lower() in _NOT_NAME_START else list(words)), None, None
    title = country = None
    cut = 0
    for end in range(len(words) - 1, 0, -1):
        hit = None
        # (words hold no whitespace: "'s" can only end the last one, and it is the last
        # part of every phrase tried for this end)
        if not reference.may_end_role(words[end - 1].removesuffix("'s")):
            continue
        for size in (4, 3, 2, 1):
            start = end - size
            if start < 0:
                continue
            phrase = " ".join(words[start:end]).removesuffix("'s")
            if reference.role(phrase):
                hit = phrase
                break
        if hit:
            title, cut = hit, end
            break
    if title is None:
        # a title that began before the run: "Secretary of" | "State Rex Tillerson"
        for size in range(min(3, len(words) - 1), 0, -1):
            if _title_end_regex().search(words[size - 1]):
                text = (left.rstrip() + " " + " ".join(words[:size])).strip()
                m = _title_regex().search(text)
                if m and m.end() == len(text):
                    title, cut = m.group(0), size
                    break
    qualifier = words[:cut] if title else []
    if title:
        q = [w for w in qualifier if not reference.role(w.removesuffix("'s"))]
        country = _country_in(" ".join(q)) if q else None
        name = words[cut:]
    else:
        name = list(words)
        while name:
            bare = name[0].removesuffix("'s")
            two = " ".join(name[:2]).removesuffix("'s") if len(name) > 1 else None
            if len(name) > 2 and reference.country_code(two):
                country, name = country or reference.country_code(two), name[2:]
            elif len(name) > 1 and reference.country_code(bare):
                country, name = country or reference.country_code(bare), name[1:]
            elif name[0].lower() in _NOT_NAME_START:
                name = name[1:]
            else:
                break
    return name, title, country


# A valid name is name-shaped and not another kind of name. find_people tests the two parts
# apart: the cheap shape first, the reference look-ups only for runs that could be kept.
def _name_shaped(words: list[str]) -> bool:
    """One to five words, none of them a word that no person's name holds (_NOT_NAME)."""
    if not words or len(words) > 5:
        return False
    for w in words:
        if w.lower().rstrip(".") in _NOT_NAME:
            return False
    return True


def _not_other_name(words: list[str]) -> bool:
    """Not a news agency, country, organisation or (a lone word) city (reference look-ups)."""
    if wire_name(" ".join(words)):
        return False  # a news agency ("Xinhua"), not a person
    for w in words:
        if reference.country_code(w) or reference.organization(w):
            return False
    if len(words) == 1 and reference.is_city(words[0]):
        return False
    return True


_SPEECH_OR_MEET = re.compile(
    r"^\s*(?:,\s*)?(?:also\s+|later\s+|then\s+|has\s+|had\s+|have\s+)?(?:said|says|told|tells|added|adds|stressed|"
    r"noted|declared|insisted|warned|urged|wrote|met|meets|will meet|would meet|arrived|attended|"
    r"announced|called|hailed|praised|welcomed|hosted|visited|held|spoke|argued|replied|described|"
    r"criticised|criticized|signed|pledged|promised|vowed|stated|explained|acknowledged|admitted|"
    r"agreed|rejected|dismissed|accused|defended|joined|left|flew|travelled|traveled|addressed|"
    r"opened|chaired|thanked|congratulated|invited|received|sat|shook|telephoned|phoned|"
    r"is|was|will|would|has|had|who)\b"
)
_HEAD_OF = re.compile(r",\s+(?:the\s+)?(?:head|chief|chair\w*|president|secretary[\s\-]general|director[\s\-]general)\s+"
                      r"of\s+(?:the\s+)?(?P<org>[A-Z][\w\-]+(?:\s+[A-Z][\w\-]+){0,4})", re.I)
_PLACE_WORDS = ("at", "in", "from", "to", "of", "on", "near", "inside", "outside", "into", "the")
_PLACE_BEFORE = re.compile(r"\b" + alternation(_PLACE_WORDS) + r"\s+(?:the\s+)?(?:[\w\-]+\s+){0,2}$", re.I)
_APPOSITIVE = re.compile(r",\s+(?:the\s+|a\s+)?[^,;.\"]{1,60},")
_SAID_BEFORE = re.compile(r"\b(?:said|says|according to|told by)\s*$")


_WORD = re.compile(r"\S+")
_CLAUSE_BREAK = re.compile(r'[.;:!?"()]\s')
_FORMER = re.compile(r"\b(?:former|ex-|late)\s*(?:[\w.'\-]+\s+){0,4}$", re.I)


def _word_start(text: str, k: int) -> int:
    """Where the k-th whitespace-separated word of ``text`` starts."""
    if k == 0 and text[:1] and not text[0].isspace():
        return 0
    for i, w in enumerate(_WORD.finditer(text)):
        if i == k:
            return w.start()
    raise IndexError(k)


def _former(left: str) -> bool:
    """"former", "ex-" or "late" (and up to four words) right before a name."""
    # A match holds "former", "ex-" or "late" in any case; under re.I these letters match
    # only their ASCII upper and lower forms, so it is then in the lowercased text.
    low = left.lower()
    if "former" not in low and "ex-" not in low and "late" not in low:
        return False
    return bool(_FORMER.search(left))


def find_people(body: str) -> tuple[list[Person], list[Description]]:
    people: list[Person] = []

    def register(name_words: list[str], start: int, end: int, title: str | None,
                 country: str | None, former: bool = False) -> None:
        name = " ".join(w.removesuffix("'s") for w in name_words)
        role = reference.role(title) if title else None
        if role and role[0].lower() == "counterpart":
            role = (None, role[1])
        for p in people:
            if p.matches(name):
                if len(name.split()) > len(p.name.split()):
                    p.name = name
                if role and (not p.role or (p.level == "leader" and role[1] != "leader")):
                    p.role, p.level = role
                p.country = p.country or country
                p.mentions.append((start, end))
                return
        people.append(Person(name, role[0] if role else None, role[1] if role else None,
                             country, [(start, end)], former))

    runs = list(_name_runs(body))
    weak: list[tuple[list[str], int, int]] = []
    # Pass 1: titled names.
    for m in runs:
        words = m.group(0).split()
        left_raw = body[max(0, m.start() - 40):m.start()]
        name_words, title, country = _peel(words, left_raw)
        if not _name_shaped(name_words):
            continue
        # (_not_other_name, the look-ups, waits until the run could be kept: most runs are
        # a lone capitalised word that no title marks, which is never kept)
        offset = m.start() + _word_start(m.group(0), len(words) - len(name_words))
        possessive_country = country is not None and title is None
        end = m.end()
        if body[end - 2:end] == "'s":
            end -= 2
        left = body[max(0, offset - 90):offset]
        if title is None and len(name_words) == 1 and not body.startswith(",", end) \
                and not left.rstrip().endswith(",") and not _may_end_with_title(left):
            # A lone name word is kept only with a title found below, and none can be: a title
            # on the right starts with a comma; one on the left ends the clause before the name,
            # a suffix of ``left`` that starts after a whitespace character, so both tests on
            # the left (a trailing comma, the last word a title's last word) hold for ``left``
            # whenever they hold for that clause.
            continue
        left = _CLAUSE_BREAK.split(left)[-1]
        right = body[end:end + 80]
        if not title:
            lo = _left_title_of().search(left) if left.rstrip().endswith(",") and " of " in left else None
            if lo:
                title = lo.group("title")
                country = country or reference.country_code(lo.group("of"))
        if not title:
            lt = _left_title().search(left) if _may_end_with_title(left) else None
            if lt:
                title = lt.group("title")
                country = country or _country_in(lt.group("qual"))
        rt = _right_title().match(right)
        if rt:
            if rt.group("title") and not title:
                title = rt.group("title")
                country = country or _country_in(rt.group("qual") or "")
            of = rt.group("of") or rt.group("of2")
            if of and (title or rt.group("title")):
                country = country or reference.country_code(re.sub(r"^the\s+", "", of))
        if not title and len(name_words) < 2:
            continue  # kept by none of the branches below, valid name or not
        if not _not_other_name(name_words):
            continue
        if title:
            register(name_words, offset, end, title, country, _former(left))
        elif possessive_country and len(name_words) >= 2:
            register(name_words, offset, end, None, country, _former(left))
        elif len(name_words) >= 2:
            weak.append((name_words, offset, end))
    # Pass 2: bare full names that act as speakers or meet someone.
    for words, start, end in weak:
        name = " ".join(w.removesuffix("'s") for w in words)
        if any(p.matches(name) for p in people):
            continue
        if reference.city_country(name) or reference.organization(name):
            continue  # "Rio de Janeiro hosted ...": a place
        if _PLACE_BEFORE.search(body[max(0, start - 40):start]):
            continue  # "in the 13th-century Palazzo Ducale": a place, not a speaker
        after = body[end:end + 120]
        appositive = _APPOSITIVE.match(after)
        if _SPEECH_OR_MEET.match(after[:40]) or _SAID_BEFORE.search(body[max(0, start - 20):start]) or \
                (appositive and _SPEECH_OR_MEET.match(after[appositive.end():appositive.end() + 40])):
            register(words, start, end, None, None)
            head = _HEAD_OF.match(after)
            if head and reference.organization(head.group("org")):
                people[-1].role = people[-1].role or f"Head of the {head.group('org')}"
                people[-1].level = people[-1].level or "org_head"
    # Pass 3: every mention of a known person (full name or one end of it).
    known = {}
    for i, p in enumerate(people):
        toks = p.name.split()
        keys = {p.name}
        if len(toks) >= 2:
            # any part of the name: "Putin", "Xi" of "Xi Jinping", "Lula" of "Luiz Inacio Lula da Silva"
            keys.update(t.rstrip(".") for t in toks if len(t.rstrip(".")) >= 2)
        for k in keys:
            if k.lower() in _NOT_NAME or k.lower() in _PARTICLES or len(k) < 2:
                continue
            known.setdefault(k, set()).add(i)
    if known:
        for start, end, key in _mentions(body, sorted(known, key=len, reverse=True)):
            owners = known[key]
            if len(owners) != 1:
                # first-name collisions: prefer the person whose surname it is
                owners = {i for i in owners if people[i].name.split()[-1] == key} or owners
                if len(owners) != 1:
                    continue
            p = people[next(iter(owners))]
            span = (start, end)
            if not any(s <= span[0] < e for s, e in p.mentions):
                p.mentions.append(span)
    for p in people:
        p.mentions.sort()
    descriptions = []
    for m in _descriptions(body):
        role = reference.role(m.group("title"))
        if not role or role[1] not in {"head_of_state", "head_of_government", "leader", "minister",
                                         "org_head"}:
            continue
        country = reference.country_code(m.group("dem")) if m.group("dem") else None
        descriptions.append(Description(m.start(), m.end(), country, role[0], role[1]))
    return people, descriptions


def _mentions(body: str, keys: list[str]) -> list[tuple[int, int, str]]:
    r"""(start, end, key) of what ``_finditer_not_after`` yields for the pattern
    ``(?:k1|k2|...)(?![\w\-])`` of the literal ``keys`` (in that order) and the "not before"
    class ``[\w\-]``, found with str.find instead of compiling a pattern for every body.

    The search gives the leftmost position where some key matches, with the first key in
    order that matches there (a literal not followed by a word character or hyphen); a
    position preceded by one of those is passed over, and the next search starts after the
    mention yielded: so does the walk over the sorted positions below."""
    first: dict[int, str] = {}  # position -> first key (in order) that matches there
    for key in keys:
        i = body.find(key)
        while i >= 0:
            if i not in first and not _NOT_BEFORE_MENTION.match(body, i + len(key)):
                first[i] = key
            i = body.find(key, i + 1)
    out: list[tuple[int, int, str]] = []
    pos = 0
    for i in sorted(first):
        if i < pos or (i and _NOT_BEFORE_MENTION.match(body, i - 1)):
            continue
        key = first[i]
        out.append((i, i + len(key), key))
        pos = i + len(key)
    return out


def mentions_in(people: list[Person], start: int, end: int) -> list[tuple[int, int, int]]:
    """(start, end, person index) of every mention inside [start, end), in text order."""
    found = [(s, e, i) for i, p in enumerate(people) for s, e in p.mentions if start <= s and e <= end]
    return sorted(found)


def resolve_description(people: list[Person], d: Description, before: int) -> int | None:
    """The person a description names: same country (and compatible role), else unique role."""
    def fits(p: Person) -> bool:
        if d.level in {"head_of_state", "head_of_government"} and p.level not in {None, d.level, "leader"}:
            return False
        return True

    cands = [i for i, p in enumerate(people) if d.country and p.country == d.country and fits(p)]
    if not cands and d.country:
        return None
    if not cands:
        cands = [i for i, p in enumerate(people) if p.role and d.role and p.role == d.role]
    if len(cands) == 1:
        return cands[0]
    if cands:
        # the one mentioned most recently before the description
        best = max(cands, key=lambda i: max((s for s, _ in people[i].mentions if s < before), default=-1))
        return best
    return None


def resolve_pronoun(people: list[Person], before: int, floor: int = 0,
                    sentences: list | None = None) -> int | None:
    """The person a he/she refers to.

    With sentence spans: the first person named in the same sentence before the pronoun,
    else the subject (first non-possessive person mention) of the nearest earlier sentence
    naming someone. Without: the latest person mention before ``before``."""
    if sentences:
        ordered = sorted((s, e, i) for i, p in enumerate(people) for s, e in p.mentions)
        idx = [k for k, sent in enumerate(sentences) if sent.start <= before]
        for k in reversed(idx):
            sent = sentences[k]
            limit = min(before, sent.end)
            cands = [(s, e, i) for s, e, i in ordered if sent.start <= s and e <= limit]
            if k == idx[-1]:
                cands = [c for c in cands if c[1] <= before]
            for s, e, i in cands:
                return i
            if sent.start < floor:
                break
        return None
    best, best_pos = None, -1
    for i, p in enumerate(people):
        for s, _ in p.mentions:
            if floor <= s < before and s > best_pos:
                best, best_pos = i, s
    return best
