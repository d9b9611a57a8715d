"""Unit tests for pipeline.extract.statistics: money, percentages and counts, and what is not a statistic."""
from __future__ import annotations

import pytest

from pipeline.extract.statistics import extract_statistics
from pipeline.extract.units import Units
from pipeline.textnorm import normalise_text


def stats_of(text: str):
    body = normalise_text(text)
    found = extract_statistics(Units.of(body))
    for s in found:
        assert body[s.start:s.end] == s.text
        assert s.sentence_start <= s.start < s.end <= s.sentence_end
    return found


def one_stat(text: str):
    found = stats_of(text)
    assert len(found) == 1, [s.text for s in found]
    return found[0]


@pytest.mark.parametrize("text, span, value, unit, qualifier", [
    ("The two countries signed deals worth $45 billion during the visit.", "$45 billion", 45e9, "USD", None),
    ("Bilateral trade reached over $45 billion last year.", "over $45 billion", 45e9, "USD", "over"),
    ("The EU pledged \u20ac2.5bn for reconstruction of the port.", "\u20ac2.5bn", 2.5e9, "EUR", None),
    ("London pledged \u00a3100 million in humanitarian aid.", "\u00a3100 million", 1e8, "GBP", None),
    ("India and Russia aim for trade of $100bn by 2030.", "$100bn", 1e11, "USD", None),
    ("The G7 leaders pledged US$600 billion for infrastructure.", "US$600 billion", 6e11, "USD", None),
    ("Tokyo offered \u00a51 trillion in loans to the region.", "\u00a51 trillion", 1e12, "JPY", None),
    ("The fund holds almost $10 billion in reserves.", "almost $10 billion", 1e10, "USD", "almost"),
    ("Beijing offered 50 billion yuan in credit lines.", "50 billion yuan", 5e10, "CNY", None),
    ("The pipeline cost 2.3 trillion roubles to build.", "2.3 trillion roubles", 2.3e12, "RUB", None),
    ("The new bank has capital of 100 billion US dollars.", "100 billion US dollars", 1e11, "USD", None),
])
def test_money(text, span, value, unit, qualifier):
    s = one_stat(text)
    assert (s.text, s.unit, s.qualifier) == (span, unit, qualifier)
    assert s.value == pytest.approx(value)


@pytest.mark.parametrize("text, span, value, qualifier", [
    ("Growth slowed to 3.2 per cent in the third quarter.", "3.2 per cent", 3.2, None),
    ("Turnout was 40% in the capital.", "40%", 40.0, None),
    ("The BRICS nations account for 40 percent of the world's population.", "40 percent", 40.0, None),
    ("Unemployment fell by 0.5 percentage points over the period.", "0.5 percentage points", 0.5, None),
    ("Exports to the bloc rose by about 12 per cent.", "about 12 per cent", 12.0, "about"),
    ("About 12 per cent of the exports went to China.", "About 12 per cent", 12.0, "about"),
])
def test_percentages(text, span, value, qualifier):
    s = one_stat(text)
    assert (s.text, s.unit, s.qualifier) == (span, "percent", qualifier)
    assert s.value == pytest.approx(value)


def test_money_and_percent_in_one_sentence_in_text_order():
    found = stats_of("Bilateral trade rose 25 percent to 240 billion dollars in the first half.")
    assert [(s.text, s.value, s.unit) for s in found] == [
        ("25 percent", 25.0, "percent"), ("240 billion dollars", 240e9, "USD")]


@pytest.mark.parametrize("text, span, value, unit", [
    ("The leaders of the five Central Asian states gathered in Astana.", "the five Central Asian states", 5, "count"),
    ("The nine-member bloc admitted Belarus as a full member.", "nine-member bloc", 9, "count"),
    ("The grouping has 14 dialogue partners across the region.", "14 dialogue partners", 14, "count"),
    ("Police said more than 140 people were detained near the venue.", "more than 140 people", 140, "people"),
    ("The 27-nation bloc agreed on the package.", "27-nation bloc", 27, "count"),
    ("A 20-point plan was tabled by the hosts.", "20-point plan", 20, "count"),
    ("Ten Southeast Asian nations sent delegations.", "Ten Southeast Asian nations", 10, "count"),
    ("The treaty now has 193 signatories.", "193 signatories", 193, "count"),
    ("Organisers said nearly 3,000 delegates attended the congress.", "nearly 3,000 delegates", 3000, "people"),
    ("Officials said about 1.5 million tourists came for the games.", "about 1.5 million tourists", 1.5e6, "people"),
    ("Leaders of the 27 EU member states met in Brussels.", "27 EU member states", 27, "count"),
    ("The deal includes 12 Rafale fighter jets.", "12 Rafale fighter jets", 12, "count"),
    ("Nearly two dozen countries signed the statement.", "Nearly two dozen countries", 24, "count"),
    ("India's population is about 1.4 billion people.", "about 1.4 billion people", 1.4e9, "people"),
])
def test_counts(text, span, value, unit):
    s = one_stat(text)
    assert (s.text, s.unit) == (span, unit)
    assert s.value == pytest.approx(value)


def test_qualifier_on_count():
    s = one_stat("Officials said at least 30 people were killed in the attack.")
    assert (s.text, s.value, s.unit, s.qualifier) == ("at least 30 people", 30.0, "people", "at least")


def test_several_counts_in_one_sentence():
    found = stats_of("The bloc has nine members and three observer states.")
    assert [(s.text, s.value) for s in found] == [("nine members", 9.0), ("three observer states", 3.0)]


def test_count_after_year_comma():
    found = stats_of("In 1945, 51 countries founded the United Nations.")
    assert [(s.text, s.value) for s in found] == [("51 countries", 51.0)]


@pytest.mark.parametrize("text", [
    "The summit was held in 2019 in the same city.",
    "The summit opened on July 4 in Astana.",
    "They met again on 3 July 2024 in the capital.",
    "It was the 15th summit of the group.",
    "Xi made his first trip abroad since 2020 and his 40th meeting with Putin.",
    "The 71-year-old leader arrived late.",
    "Putin, 71, arrived on Tuesday.",
    "He is 71 years old.",
    "He was first elected two years ago.",
    "Relations spanning eight decades were celebrated.",
    "He has been in power for 24 years.",
    "He spent three days in Beijing.",
    "The talks lasted five hours.",
    "The summit will last two days.",
    "The three-day summit opened on Monday.",
    "The two leaders shook hands.",
    "Millions of workers depend on the pipeline.",
    "The G20 summit ended without a statement.",
    "The COVID-19 pandemic disrupted trade.",
    "F-16 jets flew over the venue.",
    "It was signed at 10:30 local time.",
    "Chapter 7 of the charter was cited.",
    "Sixty years after the treaty was signed, ties remain close.",
    "Trade grew by a third.",
])
def test_not_statistics(text):
    assert stats_of(text) == []


def test_number_words_with_letters_that_match_ascii_case_insensitively():
    # "ſ" (long s) and "İ" match s/i under re.I but str.lower() keeps them apart: these used
    # to raise KeyError (and reject the document) instead of giving the counts
    facts = extract_statistics(Units.of("FİVE countries joined and ſix nations left the bloc."))
    assert [(f.text, f.value, f.unit) for f in facts] == [("FİVE countries", 5.0, "count"),
                                                           ("ſix nations", 6.0, "count")]
