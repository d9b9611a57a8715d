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
# who can be placed at a summit: leaders, and ministers / heads of organisations when the
# text puts them there (a spokesman briefing at home is not an attendee)
ATTENDEE_LEVELS = LEADER_LEVELS | {"minister", "org_head", "official"}
_ABSENT = re.compile(
    r"\b(?:skip\w*\s+(?:the\s+|this\s+year'?s\s+|a\s+|its\s+)?(?:[\w\-]+\s+){0,2}?(?:summit|meeting|gathering|talks|session)|"
    r"did\s+not\s+attend|didn't\s+attend|not\s+attend\w*|won't\s+attend|will\s+not\s+attend|"
    r"stay(?:ed|ing|s)?\s+(?:away|home|at\s+home)|absent|absence|boycott\w*|not\s+invited|barred|excluded|"
    r"declined\s+to\s+(?:attend|come|travel)|pulled\s+out|did\s+not\s+(?:travel|come|go)|didn't\s+(?:travel|come|go)|"
    r"not\s+travel\w*|(?:was|were|is|are)\s+represented\s+by|"
    r"not\s+at\s+the\s+(?:summit|meeting|talks)|not\s+present|by\s+video|via\s+video|video\s+link|virtually)", re.I)
_ATTEND = re.compile(
    r"\b(?:attend|attends|attended|attending|arrived|arrives|took part|take part|taking part|joined|joins|"
    r"gathered|gather|hosted|hosts|hosting|addressed|address|told (?:a|the) summit|met|meet|talks|"
    r"sidelines|participat\w+|were to attend|was to attend|opened|chaired|summit|welcomed)\b", re.I)
_NOT_ABSENT = re.compile(r"\b(?:change\s+from|instead\s+of|rather\s+than|no\s+longer|despite)\b", re.I)


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
    attendees = _attendees(units, people, meetings) if summits else []
    return ArticleFacts(people, summits, quotes, stats, meetings, attendees)


def _attendees(units: Units, people: list[P.Person], meetings: list[MeetingFact]) -> list[int]:
    """Who the article places at its summit: every leader (head of state or government,
    organisation head) it names, unless the text says they stayed away or were represented;
    ministers only when they met someone or the text places them there."""
    body = units.body
    met = {m.a for m in meetings} | {m.b for m in meetings}
    out = []
    absent = _absentees(units, people)
    for i, p in enumerate(people):
        if p.former or p.level not in ATTENDEE_LEVELS or i in absent:
            continue
        if p.level in LEADER_LEVELS or p.level == "org_head":
            # a leader named in a report of the summit is there unless the text says otherwise
            out.append(i)
            continue
        placed = _PLACED if p.level == "minister" else _PLACED_STRONG
        if i in met or any(placed.search(body[sent.start:sent.end])
                           for s, _ in p.mentions if (sent := units.sentence_at(s))):
            out.append(i)  # a minister or official needs the text to place them there
    # "He told a summit in Dushanbe": a pronoun subject of an attendance sentence
    for sent in units.sentences:
        text = body[sent.start:sent.end]
        if re.match(r"(?:He|She)\b", text) and _ATTEND.search(text):
            i = P.resolve_pronoun(people, sent.start, sentences=units.sentences)
            if i is not None and i not in out and not people[i].former and people[i].level in LEADER_LEVELS:
                out.append(i)
    return sorted(i for i in out if i not in absent)


_PLACED_STRONG = re.compile(
    r"\b(?:attend\w*|arrived|took\s+part|represent\w*|lea?d\w*\s+(?:the|his|her|its)\s+(?:[\w\-]+\s+){0,2}delegation|"
    r"on\s+behalf|accompan\w+|travell?ed\s+with|sat\s+(?:around|at)\s+the\s+same\s+table)\b", re.I)
_PLACED = re.compile(r"\b(?:attend\w*|arrived|took\s+part|joined|represent\w*|lea?d\w*\s+(?:the|his|her|its)\s+(?:[\w\-]+\s+){0,2}delegation|"
                     r"in\s+(?:his|her)\s+place|on\s+behalf|at\s+the\s+summit|summit|sidelines|addressed|read\s+out|"
                     r"delivered|accompan\w+|travell?ed\s+with|alongside)\b", re.I)


def _absentees(units: Units, people: list[P.Person]) -> set[int]:
    """People the text says stayed away ("Xi skipped the summit", "Putin joined by video link")."""
    body = units.body
    out = set()
    for i, p in enumerate(people):
        for s, e in p.mentions:
            sent = units.sentence_at(s)
            if not sent:
                continue
            # the absence cue must be in this person's clause: after the name, before another name
            nxt = min((ms for j, q in enumerate(people) if j != i for ms, _ in q.mentions if e < ms < sent.end),
                      default=sent.end)
            clause = body[e:nxt]
            cue = _ABSENT.search(clause)
            if cue and not _NOT_ABSENT.search(clause[:cue.start()]):
                out.add(i)
                break
    return out
