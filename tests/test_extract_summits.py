"""Unit tests for pipeline.extract.summits and pipeline.extract.dates."""
from __future__ import annotations

from datetime import date

import pytest

from pipeline.extract.dates import find_dates
from pipeline.extract.summits import find_summits
from pipeline.extract.units import Units
from pipeline.textnorm import normalise_text


def summits_of(text: str, published: date | None = None):
    body = normalise_text(text)
    found = find_summits(Units.of(body), published)
    for s in found:
        for a, b in s.mentions:
            assert 0 <= a < b <= len(body)
    return body, found


def main_summit(text: str, published: date | None = None):
    _, found = summits_of(text, published)
    assert found
    return found[0]


# ------------------------------------------------------------------ summits
@pytest.mark.parametrize("text, published, org, edition, city, country, start, end", [
    ("The 15th BRICS summit opened in Johannesburg on August 22, 2023.", None,
     "BRICS", "15th", "Johannesburg", "ZAF", date(2023, 8, 22), date(2023, 8, 22)),
    ("Japanese Prime Minister Fumio Kishida hosted the G7 summit in Hiroshima on May 19-21, 2023.", None,
     "G7", None, "Hiroshima", "JPN", date(2023, 5, 19), date(2023, 5, 21)),
    ("NATO leaders meet in Vilnius on 11-12 July 2023 for the alliance's annual summit.", None,
     "NATO", None, "Vilnius", "LTU", date(2023, 7, 11), date(2023, 7, 12)),
    ("ASEAN leaders held their 43rd summit in Jakarta on 5-7 September 2023.", None,
     "ASEAN", "43rd", "Jakarta", "IDN", date(2023, 9, 5), date(2023, 9, 7)),
    ("EU leaders met in Brussels for a European Council meeting on 26-27 June 2019.", None,
     "EU", None, "Brussels", "BEL", date(2019, 6, 26), date(2019, 6, 27)),
    ("The summit of the Shanghai Cooperation Organisation in Qingdao began on June 9, 2018.", None,
     "SCO", None, "Qingdao", "CHN", date(2018, 6, 9), date(2018, 6, 9)),
    ("The African Union summit in Addis Ababa opened on February 17.", date(2024, 2, 20),
     "AU", None, "Addis Ababa", "ETH", date(2024, 2, 17), date(2024, 2, 17)),
])
def test_named_summit_place_and_date(text, published, org, edition, city, country, start, end):
    s = main_summit(text, published)
    assert (s.organization, s.edition, s.city, s.country) == (org, edition, city, country)
    assert (s.start_date, s.end_date, s.year) == (start, end, start.year)


def test_g8_summit_date():
    s = main_summit("The G8 summit at Gleneagles in Scotland began on July 6, 2005.")
    assert (s.organization, s.start_date, s.end_date, s.year) == ("G8", date(2005, 7, 6), date(2005, 7, 6), 2005)


def test_summit_name_is_built_from_edition_org_and_city():
    assert main_summit("The 15th BRICS summit opened in Johannesburg on August 22, 2023.").name == \
        "15th BRICS summit in Johannesburg"
    assert main_summit("The G20 summit in New Delhi ended on Sunday.", date(2023, 9, 11)).name == \
        "G20 summit in New Delhi"


def test_org_named_away_from_summit_word():
    s = main_summit("Leaders of the Shanghai Cooperation Organization gathered in Astana, Kazakhstan, "
                    "on Thursday for a two-day summit.", date(2024, 7, 5))
    assert (s.organization, s.city, s.country) == ("SCO", "Astana", "KAZ")
    assert s.start_date == date(2024, 7, 4)  # the Thursday before a Friday publication


def test_pair_summit_with_edition_and_month_year():
    s = main_summit("The first Russia-Africa summit was held in Sochi in October 2019.")
    assert (s.organization, s.edition, s.city, s.country) == ("Russia-Africa", "first", "Sochi", "RUS")
    assert s.start_date is None and s.year == 2019
    assert s.name == "First Russia-Africa summit in Sochi"


def test_month_year_without_day_sets_only_year():
    s = main_summit("APEC leaders gathered in San Francisco for the APEC summit in November 2023.")
    assert (s.organization, s.city, s.country) == ("APEC", "San Francisco", "USA")
    assert (s.start_date, s.year) == (None, 2023)


def test_unnamed_summit():
    body, found = summits_of("Putin told a summit in Dushanbe that the region faced new threats.")
    (s,) = found
    assert s.organization is None
    assert (s.city, s.country) == ("Dushanbe", "TJK")
    assert [body[a:b] for a, b in s.mentions] == ["summit"]


def test_multiword_city():
    s = main_summit("Xi will attend the G20 summit in Rio de Janeiro next week, the ministry said.")
    assert (s.organization, s.city, s.country) == ("G20", "Rio de Janeiro", "BRA")


@pytest.mark.parametrize("text, published, start", [
    # past weekday: the summit sentence's day, not another one in the article
    ("The SCO summit in Samarkand opened on Thursday. Putin arrived on Wednesday.", date(2022, 9, 16),
     date(2022, 9, 15)),
    # future weekday: "will open" looks forward from a Saturday
    ("The BRICS summit in Kazan will open on Tuesday.", date(2024, 10, 19), date(2024, 10, 22)),
    # "ended on Sunday" in a Monday paper
    ("The G20 summit in New Delhi ended on Sunday.", date(2023, 9, 11), date(2023, 9, 10)),
    # a day-month range without year takes the publication year
    ("The G7 summit will be held in Apulia, Italy, on June 13-15.", date(2024, 6, 1), date(2024, 6, 13)),
])
def test_summit_dates_resolved_against_publication(text, published, start):
    assert main_summit(text, published).start_date == start


def test_summits_ranked_by_weight():
    _, found = summits_of("The NATO summit in Madrid opened on Tuesday. The NATO summit drew protests. "
                          "An EU summit follows next month.", date(2022, 6, 29))
    assert [s.organization for s in found] == ["NATO", "EU"]
    assert found[0].weight == 2


def test_no_summit_without_summit_word():
    _, found = summits_of("The foreign ministers of NATO met in Bucharest to discuss air defence.")
    assert found == []


# -------------------------------------------------------------------- dates
def dates_of(text: str, published: date | None = None):
    found = find_dates(text, published)
    return [(text[d.start:d.end], d.first, d.last, d.year, d.kind) for d in found]


@pytest.mark.parametrize("text, published, span, first, last", [
    ("The meeting ran June 26-28 in Madrid.", date(2022, 6, 30), "June 26-28", date(2022, 6, 26), date(2022, 6, 28)),
    ("They met on 3-4 July 2024 in Astana.", None, "3-4 July 2024", date(2024, 7, 3), date(2024, 7, 4)),
    ("It opened July 3, 2024.", None, "July 3, 2024", date(2024, 7, 3), date(2024, 7, 3)),
    ("It opened on 2024-07-03.", None, "2024-07-03", date(2024, 7, 3), date(2024, 7, 3)),
    ("Talks ran from 9 to 11 November 1989 in the city.", None, "9 to 11 November 1989",
     date(1989, 11, 9), date(1989, 11, 11)),
    ("The leaders met on Nov. 15 and 16 in Bali.", date(2022, 11, 17), "Nov. 15 and 16",
     date(2022, 11, 15), date(2022, 11, 16)),
])
def test_explicit_dates_and_ranges(text, published, span, first, last):
    ((got_span, got_first, got_last, year, kind),) = dates_of(text, published)
    assert (got_span, got_first, got_last, year, kind) == (span, first, last, first.year, "explicit")


@pytest.mark.parametrize("text, published, span, first, last, kind", [
    ("Talks were held on Friday.", date(2024, 7, 3), "on Friday", date(2024, 6, 28), date(2024, 6, 28), "weekday"),
    ("The talks on Monday went well.", date(2024, 7, 1), "on Monday", date(2024, 7, 1), date(2024, 7, 1), "weekday"),
    ("He flew home last Monday.", date(2024, 7, 1), "last Monday", date(2024, 6, 24), date(2024, 6, 24), "weekday"),
    ("They will meet next Monday.", date(2024, 7, 3), "next Monday", date(2024, 7, 8), date(2024, 7, 8), "weekday"),
    ("The summit is expected to open on Thursday.", date(2024, 7, 1), "on Thursday",
     date(2024, 7, 4), date(2024, 7, 4), "weekday"),
    ("Leaders met on Monday and Tuesday.", date(2024, 7, 3), "on Monday and Tuesday",
     date(2024, 7, 1), date(2024, 7, 2), "weekday"),
    ("Talks were held yesterday.", date(2024, 7, 3), "yesterday", date(2024, 7, 2), date(2024, 7, 2), "relative"),
    ("Talks will resume tomorrow.", date(2024, 7, 3), "tomorrow", date(2024, 7, 4), date(2024, 7, 4), "relative"),
])
def test_relative_dates(text, published, span, first, last, kind):
    ((got_span, got_first, got_last, year, got_kind),) = dates_of(text, published)
    assert (got_span, got_first, got_last, got_kind) == (span, first, last, kind)


def test_relative_years():
    assert dates_of("He visited last year and will return next year.", date(2024, 7, 3)) == [
        ("last year", None, None, 2023, "relative"), ("next year", None, None, 2025, "relative")]


def test_relative_dates_need_a_publication_date():
    assert dates_of("Talks were held on Friday and will resume tomorrow.", None) == []


def test_month_year_only():
    assert dates_of("It will be held in late June 2025.") == [("in late June 2025", None, None, 2025, "month-year")]


def test_day_month_without_year_in_early_year_article_is_last_year():
    ((span, first, _, _, _),) = dates_of("The meeting was held on June 26.", date(2025, 1, 10))
    assert (span, first) == ("June 26", date(2024, 6, 26))


def test_impossible_day_is_not_a_date():
    assert dates_of("It was dated 30 February 2024.") == [("February 2024", None, None, 2024, "month-year")]


def test_date_offsets_are_shifted():
    text = "Leaders met on 3-4 July 2024."
    (d,) = find_dates(text, None, offset=100)
    assert (d.start - 100, d.end - 100) == (text.index("3-4"), len(text) - 1)
