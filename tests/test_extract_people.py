"""Unit tests for pipeline.extract.people: names, titles, countries, mentions, descriptions."""
from __future__ import annotations

import pytest

from pipeline.extract.people import find_people, resolve_description, resolve_pronoun
from pipeline.extract.units import Units
from pipeline.textnorm import normalise_text


def people_of(text: str):
    body = normalise_text(text)
    people, descriptions = find_people(body)
    for p in people:
        for s, e in p.mentions:
            assert body[s:e] in p.name.split() + [p.name], (body[s:e], p.name)
    return body, people, descriptions


def only(text: str):
    body, people, _ = people_of(text)
    assert len(people) == 1, [p.name for p in people]
    return people[0]


@pytest.mark.parametrize("text, name, role, level, country", [
    ("Russian President Vladimir Putin arrived in Tehran late on Monday.",
     "Vladimir Putin", "President", "head_of_state", "RUS"),
    ("Chinese leader Xi Jinping toured a port in the south.",
     "Xi Jinping", "Leader", "leader", "CHN"),
    ("President Alexander Lukashenko of Belarus flew to Sochi for the talks.",
     "Alexander Lukashenko", "President", "head_of_state", "BLR"),
    ("Pakistani Prime Minister Shehbaz Sharif said the corridor would be finished soon.",
     "Shehbaz Sharif", "Prime Minister", "head_of_government", "PAK"),
    ("Emmanuel Macron, the French president, told reporters the bloc was united.",
     "Emmanuel Macron", "President", "head_of_state", "FRA"),
    ("Prime Minister Narendra Modi of India landed in Durban on Tuesday.",
     "Narendra Modi", "Prime Minister", "head_of_government", "IND"),
    ("Chinese Foreign Minister Wang Yi flew to Jakarta ahead of the meeting.",
     "Wang Yi", "Foreign Minister", "minister", "CHN"),
    ("UN Secretary-General Antonio Guterres addressed the session.",
     "Antonio Guterres", "Secretary-General", "org_head", None),
    ("European Commission President Ursula von der Leyen said Europe would respond.",
     "Ursula von der Leyen", "Commission President", "org_head", None),
    ("Saudi Crown Prince Mohammed bin Salman hosted the gathering in Jeddah.",
     "Mohammed bin Salman", "Crown Prince", "leader", "SAU"),
    ("South Korean President Yoon Suk Yeol arrived at the venue.",
     "Yoon Suk Yeol", "President", "head_of_state", "KOR"),
    ("Angela Merkel, the German chancellor, arrived at the venue.",
     "Angela Merkel", "Chancellor", "head_of_government", "DEU"),
    ("Japan's Prime Minister Shinzo Abe, the host, welcomed his guests.",
     "Shinzo Abe", "Prime Minister", "head_of_government", "JPN"),
])
def test_titled_name(text, name, role, level, country):
    p = only(text)
    assert (p.name, p.role, p.level, p.country) == (name, role, level, country)
    assert p.former is False


def test_counterpart_gives_country_but_no_role():
    _, people, _ = people_of(
        "Russian President Vladimir Putin held talks with his Turkish counterpart Recep Tayyip Erdogan.")
    erdogan = next(p for p in people if p.name == "Recep Tayyip Erdogan")
    assert erdogan.country == "TUR"
    assert erdogan.role is None
    assert erdogan.level == "leader"


def test_possessive_country_without_title():
    p = only("Brazil's Luiz Inacio Lula da Silva said the meeting had been a success.")
    assert p.name == "Luiz Inacio Lula da Silva"
    assert p.country == "BRA"
    assert p.role is None


def test_bare_full_name_as_speaker_is_a_person():
    p = only("Olaf Scholz said he would travel to the meeting next month.")
    assert p.name == "Olaf Scholz"
    assert p.role is None and p.level is None and p.country is None


@pytest.mark.parametrize("text, name", [
    ("Former President Jacques Chirac said the war had been a grave mistake.", "Jacques Chirac"),
    ("Ex-president Dmitry Medvedev wrote a long post about the West.", "Dmitry Medvedev"),
    ("The late Chinese leader Deng Xiaoping visited Shenzhen in 1992.", "Deng Xiaoping"),
])
def test_former_leaders_flagged(text, name):
    p = only(text)
    assert p.name == name
    assert p.former is True


def test_later_surname_mentions_attach_to_person():
    body, people, _ = people_of(
        "German Chancellor Helmut Kohl met French President Francois Mitterrand in Verdun. "
        "Kohl and Mitterrand held hands at the ossuary.")
    kohl, mitterrand = people
    assert [body[s:e] for s, e in kohl.mentions] == ["Helmut Kohl", "Kohl"]
    assert [body[s:e] for s, e in mitterrand.mentions] == ["Francois Mitterrand", "Mitterrand"]
    assert kohl.mentions[1][0] > mitterrand.mentions[0][0]


def test_single_name_before_full_name_is_collected():
    body, people, _ = people_of(
        "Putin smiled for the cameras. Russian President Vladimir Putin then left the hall.")
    (p,) = people
    assert [body[s:e] for s, e in p.mentions] == ["Putin", "Vladimir Putin"]


@pytest.mark.parametrize("text", [
    "The talks took place in Hong Kong and Kuala Lumpur before the Belt and Road Forum.",
    "Leaders met at the White House and later visited Tiananmen Square.",
    "The Shanghai Cooperation Organization and the European Union issued statements.",
    "Reuters reported that Xinhua News Agency had confirmed the visit.",
])
def test_places_and_organisations_are_not_people(text):
    _, people, _ = people_of(text)
    assert people == []


def test_descriptions_found_and_resolved():
    body, people, descs = people_of(
        "Chinese President Xi Jinping arrived in Moscow. The Chinese president was greeted by "
        "Russian President Vladimir Putin.")
    (d,) = descs
    assert body[d.start:d.end] == "The Chinese president"
    assert (d.country, d.level) == ("CHN", "head_of_state")
    assert people[resolve_description(people, d, d.start)].name == "Xi Jinping"


def test_description_with_unknown_country_resolves_to_nobody():
    _, people, descs = people_of(
        "Russian President Vladimir Putin spoke first. The Kenyan president spoke next.")
    (d,) = descs
    assert d.country == "KEN"
    assert resolve_description(people, d, d.start) is None


def test_pronoun_resolves_to_subject_of_previous_sentence():
    body = normalise_text(
        "Indonesian President Joko Widodo greeted Malaysian Prime Minister Anwar Ibrahim. He then left.")
    people, _ = find_people(body)
    units = Units.of(body)
    pos = body.index("He then")
    assert people[resolve_pronoun(people, pos, sentences=units.sentences)].name == "Joko Widodo"
