"""Summit mentions: which organisation met, which edition, where and when.

A summit is reported when a summit word ("summit", "leaders' meeting", "heads of state
meeting") stands near an organisation name ("a summit of the Shanghai Cooperation
Organization", "the 15th BRICS summit", "the second Russia-Central Asia summit"), or on
its own ("He told a summit in Dushanbe"), in which case the organisation is unknown and
later consolidation may name it. The host city comes from locative phrases in the
sentences that talk about the summit ("in the Tajik capital Dushanbe", "in the ancient
Silk Road city of Samarkand", "in Astana, Kazakhstan"); the date from date expressions in
those sentences or, failing that, in the lead paragraph.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from functools import cache

from pipeline import reference
from pipeline.clean.meta import find_dateline
from pipeline.extract.dates import DateMention, find_dates
from pipeline.extract.units import UPPER, Units

_SUMMIT_WORD = re.compile(
    r"\b(?:summit|summits|summitry|leaders'?\s+meeting|heads?[\s-]+of[\s-]+(?:state|government)(?:\s+and\s+government)?\s+"
    r"(?:meeting|council|conference|gathering)|leaders'?\s+(?:gathering|conference)|European Council meeting)\b", re.I)
# every alternative of _SUMMIT_WORD begins with one of these, whatever the case: a sentence
# without any of them holds no match and is not scanned
_SUMMIT_LEADS = re.compile("summit|leaders|head|european council meeting")  # searched for in the case-folded body
_ORDINALS = ("first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|"
             "thirteenth|fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|nineteenth|twentieth|"
             r"\d{1,2}(?:st|nd|rd|th)")
_EDITION = re.compile(rf"\b(?P<ed>{_ORDINALS})\s+(?:annual\s+)?$", re.I)
_PAIR = re.compile(rf"\b(?P<a>[{UPPER}][\w.]+(?:\s+[{UPPER}][\w.]+)?)\s*[-\u2013]\s*(?P<b>[{UPPER}][\w.]+(?:\s+[{UPPER}][\w.]+)?)\s+summit\b")
_CITY_AFTER_IN = re.compile(
    rf"\b(?:in|at|to|from|of)\s+(?:the\s+)?(?:(?:[\w\-]+\s+){{0,4}}?(?:capital|city|port|resort|town)(?:\s+of)?\s+)?"
    rf"(?P<city>(?:The\s+)?[{UPPER}][\w'\-]+(?:(?:[\s\-]|\s(?:de|da|do|del|el|al|es|la|sur|am|upon)\s)[{UPPER}][\w'\-]+){{0,2}})")
_CAPITAL_CITY = re.compile(rf"\b(?:capital|city)\s+(?:of\s+)?(?P<city>[{UPPER}][\w'\-]+(?:\s+[{UPPER}][\w'\-]+)?)")


def summit_name(edition: str | None, organization: str | None, city: str | None,
                year: int | None = None) -> str:
    """"15th BRICS summit in Johannesburg (2023)"; "Summit in Dushanbe" when unnamed."""
    text = " ".join(b for b in [edition, organization, "summit"] if b)
    text += f" in {city}" if city else ""
    text += f" ({year})" if year else ""
    return text[0].upper() + text[1:] if (edition or not organization) else text


@dataclass
class SummitMention:
    organization: str | None
    edition: str | None = None
    city: str | None = None
    country: str | None = None
    start_date: date | None = None
    end_date: date | None = None
    year: int | None = None
    mentions: list[tuple[int, int]] = field(default_factory=list)
    sentences: list[tuple[int, int]] = field(default_factory=list)
    strong_sentences: list[tuple[int, int]] = field(default_factory=list)

    @property
    def name(self) -> str:
        return summit_name(self.edition, self.organization, self.city)

    @property
    def weight(self) -> int:
        return len(self.mentions)


def _alias_regex(alias: str) -> str:
    return re.escape(alias).replace(r"\ ", r"\s+").replace(r"\-", r"[\-\u2013]")


@cache
def _org_regex() -> re.Pattern[str]:
    """Any alias, not inside a word: the matches of "(?<![\\w\\-])(?:alias|alias|...)(?![\\w\\-])".

    Written as one branch per first character ("N(?<![\\w\\-]N)(?:orth\\s+Atlantic...|ATO|ato|AM)"),
    each alias keeping its place among those that share the character, so that the pattern
    begins with a literal character in every branch: the engine then skips to the characters
    that can start an alias instead of trying the alternation at every position. Only the
    branch of the character at hand can match, so the order of the attempts is unchanged; the
    lookbehind, moved after the first character, still tests the character before it."""
    aliases = [a for a, _ in reference.organization_aliases()]
    if not all(a[:1].isalnum() for a in aliases):  # a first character re.escape or _alias_regex would change
        return re.compile(rf"(?<![\w\-])(?:{'|'.join(map(_alias_regex, aliases))})(?![\w\-])")
    branches: dict[str, list[str]] = {}
    for a in aliases:
        branches.setdefault(a[0], []).append(_alias_regex(a[1:]))
    alt = "|".join(rf"{c}(?<![\w\-]{c})(?:{'|'.join(rest)})" for c, rest in branches.items())
    return re.compile(rf"(?:{alt})(?![\w\-])")


def _orgs_in(text: str, offset: int) -> list[tuple[int, int, str]]:
    out = []
    for m in _org_regex().finditer(text):
        canon = reference.organization(m.group(0))
        if canon:
            out.append((offset + m.start(), offset + m.end(), canon))
    return out


def _city_in(sentence: str) -> list[tuple[str, str]]:
    """(city, iso3) for every city named in a locative phrase of the sentence."""
    found = []
    for rx in (_CITY_AFTER_IN, _CAPITAL_CITY):
        for m in rx.finditer(sentence):
            words = m.group("city").split()
            for size in range(len(words), 0, -1):
                cand = re.sub(r"(?:'s|[.,'])+$", "", " ".join(words[:size]))
                code = reference.city_country(cand)
                if code and not reference.country_code(cand):
                    found.append((cand, code))
                    break
    # "Astana, Kazakhstan": the country after a comma confirms the city
    return found


def _countries_in(sentence: str) -> list[str]:
    out = []
    # "in Kazakhstan", "in ex-Soviet Uzbekistan", "to neighbouring Laos": one lower-case modifier at most
    for m in re.finditer(rf"\b(?:in|to)\s+(?:[a-z][\w\-]*\s+)?(?P<c>[{UPPER}][\w'\-]+(?:\s+[{UPPER}][\w'\-]+)?)", sentence):
        code = reference.country_code(m.group("c"))
        if code:
            out.append(code)
    return out


_LEADERS_OF = re.compile(r"\b(?:leaders?|heads?\s+of\s+(?:state|government)|presidents?|prime\s+ministers?)\s+of\s+(?:the\s+)?$", re.I)
_ORG_MEETING = re.compile(r"^\s*(?:'s\s+)?(?:leaders'?\s+|heads\s+of\s+state\s+)?(?:meeting|gathering|conference|talks)\b", re.I)
_LEADERS_MET = re.compile(r"\b(?:met|meet|meeting|gathered|convened|announced|agreed|unveiled|signed|held\s+talks)\b", re.I)
_ADJACENT_GAP = re.compile(r"^[\s,]*(?:(?:'s|of|the|annual|leaders'?|heads?|of|state|government|and|first|second|third|"
                           r"\d+(?:st|nd|rd|th)|\w+(?:st|nd|rd|th)|extraordinary|emergency|special|informal|virtual|"
                           r"two-day|three-day|one-day|\w+-day)[\s,]+)*$", re.I)


def find_summits(units: Units, published: date | None) -> list[SummitMention]:
    """Summit mentions grouped by organisation (None for an unnamed summit)."""
    body = units.body
    orgs_all = _orgs_in(body, 0)
    # how much the article is "about" each organisation's leaders
    topic: Counter[str] = Counter()
    for s, e, canon in orgs_all:
        if _LEADERS_OF.search(body[max(0, s - 40):s]) or re.match(r"\s*(?:'s\s+)?leaders\b", body[e:e + 12]):
            topic[canon] += 2
        if units.paragraphs and s < units.paragraphs[min(1, len(units.paragraphs) - 1)].end:
            topic[canon] += 1
    # the organisations inside each sentence: the matches do not overlap, so both their starts
    # and their ends are sorted and those inside a sentence form one run
    org_starts, org_ends = [o[0] for o in orgs_all], [o[1] for o in orgs_all]
    orgs_of = [orgs_all[bisect_left(org_starts, sent.start):bisect_right(org_ends, sent.end)]
               for sent in units.sentences]
    fold = units.fold  # None: no prefilter
    strong: list[tuple[int, int, str, int]] = []  # (start, end, org, sentence index)
    weak: list[tuple[int, int, int, list[tuple[int, int, str]]]] = []
    for k, sent in enumerate(units.sentences):
        text = body[sent.start:sent.end]
        orgs = orgs_of[k]
        words = []
        if fold is None or _SUMMIT_LEADS.search(fold, sent.start, sent.end):
            words = [(sent.start + w.start(), sent.start + w.end()) for w in _SUMMIT_WORD.finditer(text)]
        # "the Group of Eight meeting", "an ASEAN leaders' gathering"
        for s, e, canon in orgs:
            if _ORG_MEETING.match(body[e:e + 30]) and not re.search(r"ministers?", body[e:e + 30], re.I):
                m = _ORG_MEETING.match(body[e:e + 30])
                words.append((e, e + m.end()))
            if canon in {"EAS"} or re.search(r"summit", body[s:e], re.I):
                strong.append((s, e, canon, k))  # the name itself says summit ("East Asia Summit")
        for ws, we in words:
            adjacent = None
            # "the EU-China summit", "the second Russia-Central Asia summit": the pair names it
            for p in _PAIR.finditer(text):
                ps, pe = sent.start + p.start(), sent.start + p.end()
                if ps <= ws < pe + 1:
                    a_, b_ = p.group("a"), p.group("b")
                    if reference.country_code(a_) or reference.country_code(b_) or \
                            reference.organization(a_) or reference.organization(b_):
                        canon = reference.organization(f"{a_}-{b_}") or f"{a_.strip()}-{b_.strip()}"
                        adjacent = (ps, ws, canon)
            if adjacent is None:
                # "the 24th summit between the bloc and China"
                bt = _BETWEEN.match(body, we)
                if bt:
                    parts = [_party(bt.group(g), topic) for g in ("a", "b")]
                    if all(parts):
                        adjacent = (ws, bt.end(), "-".join(parts))
            if adjacent is None:
                for s, e, canon in orgs:
                    gap = body[e:ws] if e <= ws else body[we:s]
                    if (e <= ws and len(gap) <= 40 and _ADJACENT_GAP.match(gap)) or \
                            (s >= we and len(gap) <= 12 and re.fullmatch(r"\s*(?:of|of\s+the|for)\s*", gap)):
                        adjacent = (s, e, canon)
                        break
            if adjacent:
                strong.append((min(adjacent[0], ws), max(adjacent[1], we), adjacent[2], k))
            else:
                weak.append((ws, we, k, orgs))
    if not strong and not weak:
        # no summit word: "the leaders of the AUKUS partnership announced ..." is still a
        # leaders' meeting of that organisation
        for k, sent in enumerate(units.sentences):
            if not orgs_of[k]:
                continue
            text = body[sent.start:sent.end]
            if not _LEADERS_MET.search(text):
                continue
            for s, e, canon in orgs_of[k]:
                if _LEADERS_OF.search(body[max(0, s - 40):s]) or re.match(r"\s*(?:'s\s+)?leaders\b", body[e:e + 12]):
                    strong.append((s, e, canon, k))
    by_org: dict[str | None, SummitMention] = {}

    def add(org: str | None, start: int, end: int, k: int, strong_: bool = False) -> None:
        sent = units.sentences[k]
        mention = by_org.setdefault(org, SummitMention(org))
        if strong_ and (sent.start, sent.end) not in mention.strong_sentences:
            mention.strong_sentences.append((sent.start, sent.end))
        mention.mentions.append((start, end))
        if (sent.start, sent.end) not in mention.sentences:
            mention.sentences.append((sent.start, sent.end))
        ed = _EDITION.search(body[max(0, start - 30):start]) or _EDITION.search(body[max(0, end - 40):end].split(" summit")[0] + " ")
        if ed and not mention.edition:
            mention.edition = ed.group("ed").lower()

    for s, e, org, k in strong:
        add(org, s, e, k, strong_=True)
    strong_orgs = Counter(o for _, _, o, _ in strong)
    for ws, we, k, orgs in weak:
        in_sentence = [o[2] for o in orgs]
        if strong_orgs:
            target = next((o for o in in_sentence if o in strong_orgs), None) or strong_orgs.most_common(1)[0][0]
        else:
            score: Counter[str] = Counter(topic)
            for o in in_sentence:
                score[o] += 1
            target = score.most_common(1)[0][0] if score else None
        add(target, ws, we, k)
    for mention in by_org.values():
        _place_and_date(units, mention, published, orgs_all)
    return sorted(by_org.values(), key=lambda m: (-m.weight, m.mentions[0][0]))


_BETWEEN = re.compile(rf"\s+between\s+(?:the\s+)?(?P<a>[\w\-]+(?:\s+[{UPPER}][\w\-]+)*)\s+and\s+(?:the\s+)?"
                      rf"(?P<b>[{UPPER}][\w\-]+(?:\s+[{UPPER}][\w\-]+)*)")


def _party(text: str, topic: Counter[str]) -> str | None:
    """A side of a two-party summit: an organisation, a country, or "the bloc" (the article's
    organisation)."""
    if text.lower() in {"bloc", "alliance", "group", "union", "grouping", "organisation", "organization"}:
        return topic.most_common(1)[0][0] if topic else None
    org = reference.organization(text)
    if org:
        return org
    code = reference.country_code(text)
    return reference.short_country_name(code) if code else None


_START_VERB = re.compile(r"\b(?:open\w*|began|begin\w*|start\w*|kicked\s+off|convene\w*|got\s+under\s+way|"
                         r"gathered|arriv\w*|held|hosted|hosting)\b", re.I)


def _mask(text: str, spans: list[tuple[int, int]], offset: int) -> str:
    chars = list(text)
    for s, e in spans:
        for i in range(max(0, s - offset), min(len(chars), e - offset)):
            chars[i] = " "
    return "".join(chars)


def _place_and_date(units: Units, mention: SummitMention, published: date | None,
                    orgs_all: list[tuple[int, int, str]] | None = None) -> None:
    body = units.body
    org_spans = [(s, e) for s, e, _ in (orgs_all or [])]
    cities: Counter[tuple[str, str]] = Counter()
    countries: Counter[str] = Counter()
    dates: list[tuple[int, int, DateMention]] = []  # (score, order, date)
    in_summit: list[DateMention] = []  # every date expression of the summit's own sentences
    summit_sents = sorted(mention.sentences)
    lead = [(p.start, p.end) for p in units.paragraphs[:2]]
    strong_sents = set(mention.strong_sentences) if mention.strong_sentences else set(summit_sents)
    groups = [(3, [x for x in summit_sents if x in strong_sents]),
              (1, [x for x in summit_sents if x not in strong_sents]), (1, lead)]
    for gi, (weight, spans) in enumerate(groups):
        for s, e in spans:
            text = _mask(body[s:e], org_spans, s)
            for c in _city_in(text):
                cities[c] += weight
            for m in re.finditer(r"\b(?:summit|gathering|meeting)\s+(?:\w+\s+){0,3}?in\s+(?:the\s+)?"
                                 rf"(?P<c>[{UPPER}][\w'\-]+(?:\s+(?:de\s+|da\s+|do\s+)?[{UPPER}][\w'\-]+)?)", text, re.I):
                code = reference.city_country(m.group("c"))
                if code and not reference.country_code(m.group("c")):
                    cities[(m.group("c"), code)] += 2 if weight == 3 else 1
            for m in re.finditer(r"\b(?:the\s+)?(?P<dem>[{UPPER}][\w\-]+)\s+capital\b(?!\s+[{UPPER}])".replace("{UPPER}", UPPER), text):
                code = reference.country_code(m.group("dem"))
                cap = reference.capital_of(code) if code else None
                if cap:
                    cities[(cap, code)] += weight
            for c in _countries_in(text):
                countries[c] += weight
            if gi == 2 and (s, e) in summit_sents:
                continue
            for d in find_dates(body[s:e], published, s):
                if gi < 2:
                    in_summit.append(d)
                if not d.first:
                    continue
                window = body[max(s, d.start - 100):min(e, d.end + 100)]
                score = 3 if _START_VERB.search(window) else 1
                if d.last and d.last != d.first:
                    score = max(score, 2)
                if gi == 2:
                    score -= 1
                if published and d.first > published:
                    score -= 2
                dates.append((score, d.start, d))
    for para in units.paragraphs[:3]:  # an "Updated ..." line may precede the dateline
        dateline = find_dateline(body[para.start:para.start + 200])
        if dateline:
            name = dateline.title()
            code = reference.city_country(name)
            if code:
                cities[(name, code)] += 3.5  # the reporter's own dateline breaks ties
            break
    if cities:
        ranked = sorted(cities.items(), key=lambda kv: (-kv[1] - 2 * (kv[0][1] in countries), ))
        (mention.city, mention.country), _ = ranked[0]
    elif countries:
        mention.country = countries.most_common(1)[0][0]
    if dates:
        best = sorted(dates, key=lambda t: (-t[0], t[1]))[0][2]
        mention.start_date, mention.end_date, mention.year = best.first, best.last, best.first.year
    else:
        years = [d.year for d in in_summit if d.year and d.kind in ("explicit", "month-year")]
        if years:
            mention.year = years[0]
