"""Bilateral meetings: two named leaders who met, meet, or held talks.

Per sentence: find a meeting verb ("met", "would also meet", "held talks with", "set to hold
talks Friday with", "convened", "sat down with", "hosted", "received"); the people named
before it in the same clause are the subjects, those after it (up to a clause boundary:
", who", ", while", ";", a speech verb) are the objects. Subjects are paired with each
object; two subjects joined by "and" with no object met each other ("Putin and Xi met").
Descriptions ("The Chinese leader also met ...") resolve through the article's people.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.extract import people as P
from pipeline.extract.units import Units
from pipeline.textnorm import first_letters

# every alternative of _MEET begins with one of these words, whatever the case: a sentence
# without any of them (most sentences) holds no match and is not scanned (and _MEET is tried
# only where one of their first letters starts a word)
_MEET_LEAD_WORDS = ("met", "meet", "convened", "sat", "host", "received", "welcomed", "held", "hold", "had", "have",
                    "wrapped", "concluded", "began", "started", "opened", "continued", "talks", "shook")
_MEET_LEADS = re.compile("|".join(_MEET_LEAD_WORDS))  # searched for in the case-folded body
_MEET = re.compile(
    r"\b" + first_letters(_MEET_LEAD_WORDS)
    + r"(?:met|meets|meet|meeting|convened|sat\s+down|hosted|hosts|received|welcomed|"
    r"(?:held|hold|holds|holding|had|have)\s+(?:[\w\-]+\s+){0,4}?(?:talks|meeting|meetings|discussions|conversation|"
    r"exchange|a\s+summit|one-on-one|tete-a-tete|bilateral)|"
    r"(?:wrapped\s+up|concluded|began|started|opened|continued)\s+(?:[\w\-]+\s+){0,4}?(?:talks|meetings?|discussions)|"
    r"talks\s+with|talks\s+between|meeting\s+(?:with|between)|shook\s+hands)\b", re.I)
_BOUNDARY = re.compile(r",\s*(?:who|which|where|while|whose)\b|;|\s(?:but|because|although|after|before|amid|"
                       r"said|says|told|adding|saying)\s|:", re.I)
_NEGATION = re.compile(r"\b(?:not|never|no longer|declined to|refused to|won't|will not|did not|didn't)\s+(?:\w+\s+)?$", re.I)


@dataclass(frozen=True)
class MeetingFact:
    a: int
    b: int
    start: int
    end: int


def _descr_people(people: list[P.Person], descs: list[P.Description], start: int, end: int) -> list[tuple[int, int, int]]:
    out = []
    for d in descs:
        if start <= d.start and d.end <= end:
            i = P.resolve_description(people, d, d.start)
            if i is not None:
                out.append((d.start, d.end, i))
    return out


def extract_meetings(units: Units, people: list[P.Person], descs: list[P.Description]) -> list[MeetingFact]:
    body = units.body
    facts: list[MeetingFact] = []
    seen: set[frozenset[int]] = set()

    def add(a: int, b: int, s: int, e: int) -> None:
        if a == b:
            return
        key = frozenset((a, b))
        if key in seen:
            return
        seen.add(key)
        facts.append(MeetingFact(min(a, b), max(a, b), s, e))

    fold = units.fold  # None: no prefilter
    for sent in units.sentences:
        if fold is not None and not _MEET_LEADS.search(fold, sent.start, sent.end):
            continue
        text = body[sent.start:sent.end]
        for v in _MEET.finditer(text):
            vs, ve = sent.start + v.start(), sent.start + v.end()
            if _NEGATION.search(body[max(sent.start, vs - 30):vs]):
                continue
            # inside a quotation? skip
            if any(q.start <= vs < q.end for q in units.quotes):
                continue
            clause_start = sent.start
            relative = False
            for b in _BOUNDARY.finditer(body, sent.start, vs):
                clause_start = b.end()
                relative = bool(re.match(r",\s*who\b", b.group(0), re.I))
            clause_end = sent.end
            b = _BOUNDARY.search(body, ve, sent.end)
            if b:
                clause_end = b.start()
            ments = P.mentions_in(people, clause_start, clause_end) + _descr_people(people, descs, clause_start, clause_end)
            ments.sort()
            # possessives ("Xi's first trip") are not actors
            ments = [m for m in ments if body[m[1]:m[1] + 2] != "'s"
                     or re.match(r"'s\s+(?:\w+\s+){0,2}(?:meeting|talks|summit)\s+with\b", body[m[1]:m[1] + 40])]
            subj = [m for m in ments if m[1] <= vs]
            obj = [m for m in ments if m[0] >= ve]
            if not subj and re.match(r"\s*(?:He|She)\s+(?:\w+\s+)?$", body[clause_start:vs]):
                i = P.resolve_pronoun(people, clause_start, sentences=units.sentences)
                if i is not None:
                    subj = [(clause_start, clause_start + 2, i)]
            if relative and not subj:
                # "Rutte, who met Michel on Saturday, said ...": the antecedent met them
                ante = [m for m in P.mentions_in(people, sent.start, clause_start) if m[1] <= clause_start]
                ante = [m for m in ante if re.fullmatch(r"[\s,]*(?:who\s*)?", body[m[1]:clause_start])]
                subj = ante[-1:]
            noun = v.group(0).lower()
            if noun.startswith(("talks with", "meeting with")) and not obj:
                continue
            if noun.startswith(("talks between", "meeting between")):
                if len(obj) >= 2:
                    add(obj[0][2], obj[1][2], sent.start, sent.end)
                continue
            if subj and obj:
                # the subject is the last person named before the verb, and any joined to it by "and"
                subjects = [subj[-1]]
                for m in reversed(subj[:-1]):
                    between = body[m[1]:subjects[0][0]]
                    if re.fullmatch(r"\s*(?:and|,)\s*(?:his|her|their)?\s*(?:\w+\s+)?(?:counterpart\s+)?", between):
                        subjects.insert(0, m)
                    else:
                        break
                for s_ in subjects:
                    for o in obj:
                        add(s_[2], o[2], sent.start, sent.end)
            elif len(subj) >= 2 and not obj:
                last, prev = subj[-1], subj[-2]
                between = body[prev[1]:last[0]]
                if re.search(r"\band\b", between) and len(between) < 60:
                    add(prev[2], last[2], sent.start, sent.end)
    return facts
