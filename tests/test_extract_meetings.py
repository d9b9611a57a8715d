"""Unit tests for pipeline.extract.meetings: bilateral meetings between named leaders."""
from __future__ import annotations

import pytest

from pipeline.extract.meetings import extract_meetings
from pipeline.extract.people import find_people
from pipeline.extract.units import Units
from pipeline.textnorm import normalise_text


def pairs(text: str) -> list[tuple[str, str]]:
    body = normalise_text(text)
    units = Units.of(body)
    people, descs = find_people(body)
    out = []
    for m in extract_meetings(units, people, descs):
        assert m.a < m.b
        assert body[m.start:m.end].strip()
        out.append((people[m.a].name.split()[-1], people[m.b].name.split()[-1]))
    return out


@pytest.mark.parametrize("text, expected", [
    ("Russian President Vladimir Putin met Chinese President Xi Jinping in Beijing on Thursday.",
     [("Putin", "Jinping")]),
    ("Chinese President Xi Jinping held talks with Kazakh President Kassym-Jomart Tokayev in Astana.",
     [("Jinping", "Tokayev")]),
    ("Indian Prime Minister Narendra Modi and Chinese President Xi Jinping met on the sidelines of the BRICS summit.",
     [("Modi", "Jinping")]),
    ("Turkish President Recep Tayyip Erdogan hosted Russian President Vladimir Putin in Ankara.",
     [("Erdogan", "Putin")]),
    ("Talks between US President Barack Obama and Russian President Dmitry Medvedev lasted two hours.",
     [("Obama", "Medvedev")]),
    ("Japanese Prime Minister Fumio Kishida received Indian Prime Minister Narendra Modi in Tokyo.",
     [("Kishida", "Modi")]),
    ("Chinese Premier Li Qiang is set to hold talks Friday with Australian Prime Minister Anthony Albanese.",
     [("Qiang", "Albanese")]),
    ("Brazilian President Luiz Inacio Lula da Silva sat down with South African President Cyril Ramaphosa.",
     [("Silva", "Ramaphosa")]),
    ("US President Donald Trump met North Korean leader Kim Jong Un in Singapore in 2018.",
     [("Trump", "Un")]),
    ("German Chancellor Angela Merkel and US President Joe Biden met in Berlin.",
     [("Merkel", "Biden")]),
    ("Chinese Foreign Minister Wang Yi met US Secretary of State Antony Blinken in Bali.",
     [("Yi", "Blinken")]),
    ("Russian President Vladimir Putin, who met Chinese President Xi Jinping last year, praised the ties.",
     [("Putin", "Jinping")]),
])
def test_meeting_pairs(text, expected):
    assert pairs(text) == expected


def test_one_subject_several_objects():
    assert pairs("French President Emmanuel Macron met German Chancellor Olaf Scholz and Italian Prime "
                 "Minister Giorgia Meloni in Rome.") == [("Macron", "Scholz"), ("Macron", "Meloni")]


def test_description_subject_resolves():
    assert pairs("Chinese President Xi Jinping met Russian President Vladimir Putin. The Chinese leader also "
                 "met Mongolian President Ukhnaagiin Khurelsukh.") == [("Jinping", "Putin"), ("Jinping", "Khurelsukh")]


def test_same_pair_reported_once():
    assert pairs("Russian President Vladimir Putin met Chinese President Xi Jinping on Tuesday. "
                 "Putin and Xi met again on Wednesday.") == [("Putin", "Jinping")]


@pytest.mark.parametrize("text", [
    "Russian President Vladimir Putin did not meet US President Joe Biden at the summit.",
    "Russian President Vladimir Putin declined to meet Ukrainian President Volodymyr Zelensky.",
    'Chinese President Xi Jinping said "we met many friends and held talks with them", and US President Joe Biden agreed.',
    "Pakistani Prime Minister Shehbaz Sharif and Indian Prime Minister Narendra Modi attended the summit but did not speak.",
    "Russian President Vladimir Putin spoke to reporters while Chinese President Xi Jinping toured the port.",
])
def test_no_meeting(text):
    assert pairs(text) == []
