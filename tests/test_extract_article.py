"""Unit tests for pipeline.extract.article: the combined facts, attendees and absences."""
from __future__ import annotations

from datetime import date

import pytest

from pipeline.extract.article import extract_article
from pipeline.textnorm import normalise_text


def facts_of(text: str, published: date | None = None):
    body = normalise_text(text)
    facts = extract_article(body, published)
    for q in facts.quotes:
        assert body[q.start:q.end] == q.text
    for s in facts.statistics:
        assert body[s.start:s.end] == s.text
    for p in facts.people:
        for a, b in p.mentions:
            assert body[a:b] in p.name.split() + [p.name]
    return body, facts


def attendees(text: str, published: date | None = None) -> list[str]:
    _, facts = facts_of(text, published)
    return [facts.people[i].name for i in facts.attendees]


ARTICLE = (
    "SAMARKAND, Uzbekistan \u2014 Leaders of the Shanghai Cooperation Organization gathered in the ancient "
    "Silk Road city of Samarkand on Thursday for a two-day summit of the nine-member bloc.\n\n"
    "Chinese President Xi Jinping, on his first trip abroad in more than two years, met Russian President "
    "Vladimir Putin on the sidelines. Trade between the two countries rose 30 per cent to over $140 billion.\n\n"
    "\u201cWe highly value the balanced position of our Chinese friends,\u201d Putin told Xi.\n\n"
    "Indian Prime Minister Narendra Modi also met Putin. \u201cToday's era is not an era of war,\u201d Modi said.\n\n"
    "Turkmen President Serdar Berdimuhamedov skipped the summit and was represented by a deputy."
)


def test_full_article():
    body, f = facts_of(ARTICLE, date(2022, 9, 16))
    s = f.main_summit
    assert (s.organization, s.city, s.country, s.start_date) == ("SCO", "Samarkand", "UZB", date(2022, 9, 15))
    names = [p.name for p in f.people]
    assert names == ["Xi Jinping", "Vladimir Putin", "Narendra Modi", "Serdar Berdimuhamedov"]
    assert [(q.speaker, q.cue) for q in f.quotes] == [("Vladimir Putin", "told"), ("Narendra Modi", "said")]
    assert [(st.text, st.value, st.unit, st.qualifier) for st in f.statistics] == [
        ("nine-member bloc", 9.0, "count", None),
        ("30 per cent", 30.0, "percent", None),
        ("over $140 billion", 140e9, "USD", "over"),
    ]
    met = {(names[m.a], names[m.b]) for m in f.meetings}
    assert met == {("Xi Jinping", "Vladimir Putin"), ("Vladimir Putin", "Narendra Modi")}
    for m in f.meetings:
        assert m.start < m.end and body[m.start:m.end].strip()
    assert [names[i] for i in f.attendees] == ["Xi Jinping", "Vladimir Putin", "Narendra Modi"]


def test_no_summit_no_attendees():
    _, f = facts_of("Russian President Vladimir Putin met Chinese leader Xi Jinping in Beijing on Tuesday.",
                    date(2024, 5, 17))
    assert f.summits == [] and f.main_summit is None
    assert f.attendees == []
    assert len(f.meetings) == 1


def test_empty_body():
    _, f = facts_of("")
    assert (f.people, f.summits, f.quotes, f.statistics, f.meetings, f.attendees) == ([], [], [], [], [], [])


@pytest.mark.parametrize("text, present", [
    # skipped + represented by: the absent leader out, the stand-in in
    ("Leaders gathered in New Delhi for the G20 summit. Chinese President Xi Jinping skipped the summit and "
     "was represented by Premier Li Qiang. Indian Prime Minister Narendra Modi hosted the meeting.",
     ["Li Qiang", "Narendra Modi"]),
    ("The BRICS summit opened in Johannesburg. Russian President Vladimir Putin joined by video link. "
     "South African President Cyril Ramaphosa welcomed the guests.", ["Cyril Ramaphosa"]),
    ("The ASEAN summit opened in Jakarta. US President Joe Biden did not attend. "
     "Indonesian President Joko Widodo opened the gathering.", ["Joko Widodo"]),
    ("The NATO summit opened in Madrid. Turkish President Recep Tayyip Erdogan stayed at home. "
     "Spanish Prime Minister Pedro Sanchez hosted.", ["Pedro Sanchez"]),
    ("The EU summit in Brussels opened. Hungarian Prime Minister Viktor Orban boycotted the session. "
     "Polish Prime Minister Donald Tusk arrived early.", ["Donald Tusk"]),
    ("The G20 summit opened in Bali. Russian President Vladimir Putin stayed away from the event.", []),
    ("The APEC summit opened in Lima. Mexican President Andres Manuel Lopez Obrador declined to attend. "
     "Chinese President Xi Jinping arrived on Thursday.", ["Xi Jinping"]),
])
def test_absence(text, present):
    assert attendees(text) == present


def test_absence_cue_is_tied_to_the_right_person():
    # the cue follows Xi, so Modi in the same sentence is not made absent
    assert attendees("The BRICS summit opened in Johannesburg. Indian Prime Minister Narendra Modi arrived, "
                     "while Chinese President Xi Jinping did not attend.") == ["Narendra Modi"]


def test_not_absent_when_negated():
    assert attendees("The summit opened in Astana. Turkish President Recep Tayyip Erdogan attended, "
                     "instead of skipping the summit as expected.") == ["Recep Tayyip Erdogan"]


def test_leaders_named_in_summit_report_attend():
    assert attendees("The G7 summit opened in Hiroshima. Ukrainian President Volodymyr Zelensky flew in. "
                     "Japanese Prime Minister Fumio Kishida greeted him.") == ["Volodymyr Zelensky", "Fumio Kishida"]


def test_minister_needs_text_placing_them():
    # the foreign minister who arrived with the delegation attends; the one speaking at home does not
    assert attendees("The BRICS summit opened in Kazan. Chinese Foreign Minister Wang Yi arrived with the "
                     "delegation. Russian Foreign Minister Sergei Lavrov said in Moscow that talks were useful.") \
        == ["Wang Yi"]


def test_spokesman_is_not_attendee():
    assert attendees("The African Union summit opened in Addis Ababa. Kenyan President William Ruto attended. "
                     "Chinese Foreign Ministry spokesman Wang Wenbin said in Beijing the talks were useful.") \
        == ["William Ruto"]


def test_former_leader_is_not_attendee():
    assert attendees("The SCO summit opened in Samarkand. Former Kyrgyz President Almazbek Atambayev was "
                     "not mentioned. Kyrgyz President Sadyr Japarov attended.") == ["Sadyr Japarov"]


def test_pronoun_subject_of_summit_sentence():
    _, f = facts_of("The APEC summit opened in Lima. Chinese President Xi Jinping arrived on Thursday. "
                    "He told the summit that protectionism would fail.")
    assert [f.people[i].name for i in f.attendees] == ["Xi Jinping"]
    assert f.main_summit.organization == "APEC"


def test_org_head_attends():
    assert attendees("The NATO summit opened in Vilnius. NATO Secretary General Jens Stoltenberg "
                     "welcomed the leaders.") == ["Jens Stoltenberg"]
