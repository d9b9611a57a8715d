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
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from functools import cache

from pipeline import reference
from pipeline.extract.dates import DateMention, find_dates
from pipeline.extract.units import UPPER, Units

_SUMMIT_WORD = re.compile(
    r"\b(?:summit|summits|summitry|leaders'?\s+meeting|heads?[\s-]+of[\s-]+(?:state|government)(?:\s+and\s+government)?\s+"
    r"(?:meeting|council|conference|gathering)|leaders'?\s+(?:gathering|conference)|European Council meeting)\b", re.I)
_ORDINALS = ("first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|"
             "thirteenth|fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|nineteenth|twentieth|"
             r"\d{1,2}(?:st|nd|rd|th)")
_EDITION = re.compile(rf"\b(?P<ed>{_ORDINALS})\s+(?:annual\s+)?$", re.I)
_PAIR = re.compile(rf"\b(?P<a>[{UPPER}][\w.]+(?:\s+[{UPPER}][\w.]+)?)\s*[-\u2013]\s*(?P<b>[{UPPER}][\w.]+(?:\s+[{UPPER}][\w.]+)?)\s+summit\b")
_CITY_AFTER_IN = re.compile(
    rf"\b(?:in|at|to|from|of)\s+(?:the\s+)?(?:(?:[\w\-]+\s+){{0,4}}?(?:capital|city|port|resort|town)(?:\s+of)?\s+)?"
    rf"(?P<city>[{UPPER}][\w'\-]+(?:[\s\-][{UPPER}][\w'\-]+){{0,2}})")
_CAPITAL_CITY = re.compile(rf"\b(?:capital|city)\s+(?:of\s+)?(?P<city>[{UPPER}][\w'\-]+(?:\s+[{UPPER}][\w'\-]+)?)")


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
    name: str | None = None

    @property
    def weight(self) -> int:
        return len(self.mentions)


@cache
def _org_regex() -> re.Pattern[str]:
    aliases = [a for a, _ in reference.organization_aliases()]
    alt = "|".join(re.escape(a).replace(r"\ ", r"\s+").replace(r"\-", r"[\-\u2013]") for a in aliases)
    return re.compile(rf"(?<![\w\-])(?:{alt})(?![\w\-])")


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
                cand = " ".join(words[:size]).rstrip(".,'s")
                code = reference.city_country(cand)
                if code and not reference.country_code(cand):
                    found.append((cand, code))
                    break
    # "Astana, Kazakhstan": the country after a comma confirms the city
    return found


def _countries_in(sentence: str) -> list[str]:
    out = []
    for m in re.finditer(rf"\b(?:in|to)\s+(?:(?:ex-Soviet|neighbouring|neighboring|host|southern|northern|"
                         rf"eastern|western|central)\s+)?(?P<c>[{UPPER}][\w'\-]+(?:\s+[{UPPER}][\w'\-]+)?)", sentence):
        code = reference.country_code(m.group("c"))
        if code:
            out.append(code)
    return out


def find_summits(units: Units, published: date | None) -> list[SummitMention]:
    body = units.body
    by_org: dict[str | None, SummitMention] = {}
    for sent in units.sentences:
        text = body[sent.start:sent.end]
        words = list(_SUMMIT_WORD.finditer(text))
        if not words:
            continue
        orgs = _orgs_in(text, sent.start)
        pairs = list(_PAIR.finditer(text))
        for w in words:
            ws, we = sent.start + w.start(), sent.start + w.end()
            # the organisation closest to the summit word, within ~8 words
            best, best_gap = None, 10 ** 9
            for s, e, canon in orgs:
                gap = ws - e if e <= ws else s - we
                if 0 <= gap <= 60 and gap < best_gap:
                    between = body[min(e, we):max(s, ws)]
                    if re.search(r"[.;]", between):
                        continue
                    best, best_gap = (s, e, canon), gap
            org = best[2] if best else None
            span_start = min(best[0], ws) if best else ws
            if org is None:
                for p in pairs:
                    ps, pe = sent.start + p.start(), sent.start + p.end()
                    if ps <= ws < pe + 1:
                        a, b = p.group("a"), p.group("b")
                        if reference.country_code(a) or reference.country_code(b) or \
                                reference.organization(a) or reference.organization(b):
                            org = reference.organization(f"{a}-{b}") or f"{_short(a)}-{_short(b)}"
                            span_start = ps
            mention = by_org.setdefault(org, SummitMention(org))
            mention.mentions.append((span_start, we))
            if (sent.start, sent.end) not in mention.sentences:
                mention.sentences.append((sent.start, sent.end))
            ed = _EDITION.search(body[max(0, span_start - 30):span_start])
            if ed and not mention.edition:
                mention.edition = ed.group("ed").lower()
    # Mentions of an organisation alone in a sentence with a summit word already assigned:
    # an unnamed "summit" in an article that names one organisation's summit is that summit.
    named = [k for k in by_org if k]
    if None in by_org and len(named) == 1:
        anon = by_org.pop(None)
        target = by_org[named[0]]
        target.mentions.extend(anon.mentions)
        target.sentences.extend(s for s in anon.sentences if s not in target.sentences)
    for mention in by_org.values():
        _place_and_date(units, mention, published)
    return sorted(by_org.values(), key=lambda m: (-m.weight, m.mentions[0][0]))


def _short(name: str) -> str:
    return name.strip()


def _place_and_date(units: Units, mention: SummitMention, published: date | None) -> None:
    body = units.body
    cities: Counter[tuple[str, str]] = Counter()
    countries: Counter[str] = Counter()
    dates: list[DateMention] = []
    for s, e in sorted(mention.sentences):
        text = body[s:e]
        for c in _city_in(text):
            cities[c] += 1
        for c in _countries_in(text):
            countries[c] += 1
        dates.extend(find_dates(text, published, s))
    if cities:
        # prefer a city whose country the text also names as the host
        ranked = sorted(cities.items(), key=lambda kv: (-(kv[0][1] in countries), -kv[1]))
        (mention.city, mention.country), _ = ranked[0]
    elif countries:
        mention.country = countries.most_common(1)[0][0]
    if not dates and units.paragraphs:
        lead = units.paragraphs[0]
        dates = find_dates(body[lead.start:lead.end], published, lead.start)
    exact = [d for d in dates if d.first]
    if exact:
        d = exact[0]
        mention.start_date, mention.end_date, mention.year = d.first, d.last, d.first.year
    else:
        years = [d.year for d in dates if d.year and d.kind in ("explicit", "month-year")]
        if years:
            mention.year = years[0]
    name_bits = [mention.edition, mention.organization, "summit"]
    mention.name = " ".join(b for b in name_bits if b) + (f" in {mention.city}" if mention.city else "")
    if mention.name and mention.edition:
        mention.name = mention.name[0].upper() + mention.name[1:]
