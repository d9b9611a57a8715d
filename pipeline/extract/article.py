"""Everything extracted from one cleaned article, with offsets into its body."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from pipeline.extract import people as P
from pipeline.extract.meetings import MeetingFact, extract_meetings
from pipeline.extract.quotes import QuoteFact, extract_quotes
from pipeline.extract.statistics import StatFact, extract_statistics
from pipeline.extract.summits import SummitMention, find_summits
from pipeline.extract.units import Units

LEADER_LEVELS = {"head_of_state", "head_of_government", "leader"}
_ATTEND = re.compile(
    r"\b(?:attend|attends|attended|attending|arrived|arrives|took part|take part|taking part|joined|joins|"
    r"gathered|gather|hosted|hosts|hosting|addressed|address|told (?:a|the) summit|met|meet|talks|"
    r"sidelines|participat\w+|were to attend|was to attend|opened|chaired|summit|welcomed)\b", re.I)


@dataclass
class ArticleFacts:
    people: list[P.Person]
    summits: list[SummitMention]
    quotes: list[QuoteFact]
    statistics: list[StatFact]
    meetings: list[MeetingFact]
    attendees: list[int] = field(default_factory=list)  # indexes into people, for summits[0]

    @property
    def main_summit(self) -> SummitMention | None:
        return self.summits[0] if self.summits else None


def extract_article(body: str, published: date | None = None) -> ArticleFacts:
    units = Units.of(body)
    people, descriptions = P.find_people(body)
    summits = find_summits(units, published)
    quotes = extract_quotes(units, people, descriptions)
    stats = extract_statistics(units)
    meetings = extract_meetings(units, people, descriptions)
    attendees = _attendees(units, people, quotes, meetings) if summits else []
    return ArticleFacts(people, summits, quotes, stats, meetings, attendees)


def _attendees(units: Units, people: list[P.Person], quotes: list[QuoteFact],
               meetings: list[MeetingFact]) -> list[int]:
    """Leaders the article places at its summit: they met someone there, spoke there,
    or are named in a sentence about attending, meeting or the summit itself."""
    body = units.body
    met = {m.a for m in meetings} | {m.b for m in meetings}
    spoke = {q.person for q in quotes if q.person is not None}
    out = []
    for i, p in enumerate(people):
        if p.former or p.level not in LEADER_LEVELS:
            continue
        present = i in met or i in spoke
        if not present:
            for s, _ in p.mentions:
                sent = units.sentence_at(s)
                if sent and _ATTEND.search(body[sent.start:sent.end]):
                    present = True
                    break
        if present:
            out.append(i)
    # "He told a summit in Dushanbe": a pronoun subject of an attendance sentence
    for sent in units.sentences:
        text = body[sent.start:sent.end]
        if re.match(r"(?:He|She)\b", text) and _ATTEND.search(text):
            i = P.resolve_pronoun(people, sent.start, sentences=units.sentences)
            if i is not None and i not in out and not people[i].former and people[i].level in LEADER_LEVELS:
                out.append(i)
    return sorted(out)
