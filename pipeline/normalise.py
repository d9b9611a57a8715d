"""Normalise per-article rows into warehouse tables (polars).

- people: one row per person across articles; "Putin" merges into "Vladimir Putin" when
  the surname (or, for names like "Xi Jinping", the family name) is unique among full names;
  the country is the most frequent one stated for the person;
- syndication: articles sharing long passages form a story; a near-copy of an earlier
  article gets ``duplicate_of`` so source counts can be honest;
- summits: mentions of the same organisation in the same place (and compatible year) are
  one summit; an unnamed "summit in Dushanbe" takes the name of the summit its story's other
  copies name there (or of the only named summit in that city); the date comes from
  whichever article pins it.
"""
from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from datetime import date
from typing import Any, Iterable

import numpy as np
import polars as pl

from pipeline import reference
from pipeline.extract.people import fold
from pipeline.extract.summits import summit_name
from pipeline.process import ArticleRows


def _id(prefix: str, *parts: Any) -> str:
    """A stable id: the prefix and 16 hex digits of the SHA-1 of the parts joined by "|" (quotes and
    statistics get theirs the same way, from article id and offset, in sql/quotes.sql and
    sql/statistics.sql)."""
    raw = "|".join("" if p is None else str(p) for p in parts)
    return f"{prefix}_" + hashlib.sha1(raw.encode("utf-8")).hexdigest()[:16]


def _smallest_joined(n: int, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """For each of the nodes 0..n-1, the smallest node that the edges (a[i], b[i]) join it to,
    directly or not (connected components, labelled by their smallest node). Each round gives
    both ends of every edge the smaller of their labels, then follows labels to their own
    labels until none moves; rounds stop when no label changes."""
    low = np.arange(n)
    while True:
        new = low.copy()
        joined = np.minimum(low[a], low[b])
        np.minimum.at(new, a, joined)
        np.minimum.at(new, b, joined)
        while not np.array_equal(hop := new[new], new):
            new = hop
        if np.array_equal(new, low):
            return low
        low = new


# ---------------------------------------------------------------- syndication
def syndication(articles: list[dict[str, Any]],
                packed: dict[str, bytes]) -> tuple[dict[str, str], dict[str, str | None]]:
    """(story_id by article, duplicate_of by article) of ``articles`` (article_id, source_path,
    published_date, is_aggregator), from ``packed``: each article's sampled passages, as the
    extraction cache holds them (:func:`pipeline.process.shingle_bytes`).

    Articles are ordered earliest published first (then longest, then by path). Every
    sampled 8-word passage (shingle; about one in four, chosen by hash so that copies keep
    the same ones: :func:`pipeline.process.shingle_bytes`) belongs to the first article that
    has it. An article joins the story of every earlier article that owns at least two of
    its sampled passages (a shared run of roughly 15 words or more), and is a duplicate when
    at least 60% of its sampled passages appeared earlier in non-aggregator pages:
    ``duplicate_of`` is the earlier page that owns most of them. Linear in the number of
    passages (one polars group-by and join), so it scales to a large corpus."""
    sizes = {aid: len(raw) // 4 for aid, raw in packed.items()}
    order = sorted(articles, key=lambda a: (a["published_date"] or date.max, -sizes.get(a["article_id"], 0),
                                            a["source_path"]))
    ids = [a["article_id"] for a in order]
    blobs = [packed.get(aid) or b"" for aid in ids]  # each article's passages, then the next's
    counts = [len(b) // 4 for b in blobs]
    frame = pl.DataFrame({  # (article rank r, passage s, whether r is an aggregator page)
        "r": np.repeat(np.arange(len(ids), dtype=np.int32), counts),
        "s": np.frombuffer(b"".join(blobs), dtype="<u4"),
        "a": np.repeat(np.array([a["is_aggregator"] for a in order], dtype=bool), counts),
    })
    # Every passage's first owner, and its first owner among non-aggregator pages, in one
    # group-by. (r, o, n): article r has n passages that o owns first. The two counts are
    # collected one after the other on the streaming engine (about 100 MB at 100k articles):
    # collected together (collect_all) they took 250 MB more, for no time saved.
    owners = frame.lazy().group_by("s").agg(pl.col("r").min().alias("o"),
                                            pl.col("r").filter(~pl.col("a")).min().alias("p"))
    joined = frame.lazy().join(owners, on="s")
    earlier = (joined.filter(pl.col("o") < pl.col("r")).group_by(["r", "o"]).agg(pl.len().alias("n"))
               .filter(pl.col("n") >= 2).collect(engine="streaming"))
    shared = (joined.filter(~pl.col("a") & (pl.col("p") < pl.col("r"))).group_by(["r", "p"])
              .agg(pl.len().alias("n")).rename({"p": "o"}).collect(engine="streaming"))

    # stories: articles joined by those shares, each named after its smallest article id
    by_id = sorted(range(len(ids)), key=ids.__getitem__)
    place = np.empty(len(ids), dtype=np.int64)
    place[by_id] = np.arange(len(ids))
    low = _smallest_joined(len(ids), place[earlier["r"].to_numpy()], place[earlier["o"].to_numpy()])
    dup: dict[str, str | None] = {a["article_id"]: None for a in articles}
    best = (shared.sort(["r", "n", "o"], descending=[False, True, False])
            .group_by("r", maintain_order=True).agg(pl.col("o").first(), pl.col("n").sum().alias("seen")))
    for r, o, seen in best.iter_rows():
        total = sizes.get(ids[r], 0)
        if total and seen / total >= 0.6:
            dup[ids[r]] = ids[o]
    story = {ids[r]: "st_" + ids[by_id[low[place[r]]]][2:] for r in range(len(ids))}
    return story, dup


# ---------------------------------------------------------------- people
def _people(rows: list[ArticleRows]) -> tuple[pl.DataFrame, dict[tuple[str, int], str]]:
    local = [p for r in rows for p in r.people]
    # (a corpus names the same people again and again: each distinct name is folded once)
    folded = {name: fold(name) for name in {p["name"] for p in local}}
    full = {f for f in folded.values() if len(f.split()) >= 2}
    ends: dict[str, set[str]] = defaultdict(set)
    for name in full:
        toks = name.split()
        ends[toks[-1]].add(name)
        ends[toks[0]].add(name)
    # Longer full names absorb shorter ones ("recep tayyip erdogan" absorbs "tayyip erdogan").
    canonical: dict[str, str] = {}
    ends_of: dict[tuple[str, ...], str] = {}  # leading/trailing word runs of canonical names
    for name in sorted(full, key=lambda n: (-len(n.split()), n)):
        toks = tuple(name.split())
        target = ends_of.get(toks)
        canonical[name] = target or name
        if target is None:
            for k in range(2, len(toks)):
                ends_of.setdefault(toks[-k:], name)
                ends_of.setdefault(toks[:k], name)
    for name in set(folded.values()) - full:
        cands = {canonical[n] for n in ends.get(name, ())}
        canonical[name] = cands.pop() if len(cands) == 1 else name

    by_key: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for p in local:
        by_key[canonical[folded[p["name"]]]].append(p)
    out, mapping = [], {}
    for key, group in by_key.items():
        names = Counter(p["name"] for p in group)
        name = max(names, key=lambda n: (len(n.split()), names[n], n))
        countries = Counter(p["country_code"] for p in group if p["country_code"])
        roles = Counter(p["role"] for p in group if p["role"])
        level_rank = {"head_of_state": 0, "head_of_government": 1, "org_head": 2, "minister": 3,
                      "leader": 4, "official": 5}
        levels = sorted((p["level"] for p in group if p["level"]), key=lambda lv: level_rank.get(lv, 9))
        aliases = sorted({a for p in group for a in p["aliases"]} | set(names) - {name})
        pid = _id("p", key)
        out.append({
            "person_id": pid, "name": name,
            "country_code": countries.most_common(1)[0][0] if countries else None,
            "role": roles.most_common(1)[0][0] if roles else None,
            "level": levels[0] if levels else None,
            "aliases": [a for a in aliases if a != name],
            "article_ids": sorted({p["article_id"] for p in group}),
        })
        for p in group:
            mapping[(p["article_id"], p["local_id"])] = pid
    schema = {"person_id": pl.Utf8, "name": pl.Utf8, "country_code": pl.Utf8, "role": pl.Utf8,
              "level": pl.Utf8, "aliases": pl.List(pl.Utf8), "article_ids": pl.List(pl.Utf8)}
    return pl.DataFrame(out, schema=schema).sort("person_id"), mapping


# ---------------------------------------------------------------- summits
def _name_bilateral(rows: list[ArticleRows], country_of: dict[tuple[str, int], str | None]) -> None:
    """An unnamed summit whose attending leaders represent exactly two countries is those two
    countries' own summit ("United States-China"). Countries come from the merged people, so
    "President Donald Trump" has one even when this article does not say it."""
    for r in rows:
        for s in r.summits:
            if s["organization"] is not None or not s["is_main"]:
                continue
            countries = []
            for a in r.attendees:
                c = country_of.get((a["article_id"], a["person_local_id"]))
                if c and c not in countries:
                    countries.append(c)
            if len(countries) == 2:
                s["organization"] = "-".join(reference.short_country_name(c) for c in countries)


def _summits(rows: list[ArticleRows], story: dict[str, str],
             country_of: dict[tuple[str, int], str | None]) -> tuple[pl.DataFrame, dict[tuple[str, int], str]]:
    _name_bilateral(rows, country_of)
    mentions = [s for r in rows for s in r.summits]
    # Unnamed summits take the organisation of a same-city summit in the same story,
    # else of the only named summit in that city.
    named_by_city: dict[str, set[str]] = defaultdict(set)
    named_by_story_city: dict[tuple[str, str], set[str]] = defaultdict(set)
    for s in mentions:
        if s["organization"] and s["city"]:
            named_by_city[s["city"]].add(s["organization"])
            named_by_story_city[(story[s["article_id"]], s["city"])].add(s["organization"])
    for s in mentions:
        if s["organization"] is None and s["city"]:
            cands = named_by_story_city.get((story[s["article_id"]], s["city"])) or named_by_city.get(s["city"], set())
            if len(cands) == 1:
                s["organization"] = next(iter(cands))
    # Group by organisation + place; split a group by year when its dated members disagree.
    groups: dict[tuple[Any, Any], list[dict[str, Any]]] = defaultdict(list)
    for s in mentions:
        place = s["city"] or s["country_code"]
        key = (s["organization"], place) if (s["organization"] or place) else (None, s["article_id"])
        groups[key].append(s)
    out, mapping = [], {}
    for (org, place), group in groups.items():
        years = sorted({_year(s) for s in group if _year(s)})
        buckets: dict[int | None, list[dict[str, Any]]] = defaultdict(list)
        for s in group:
            y = _year(s)
            buckets[y if y else (years[0] if len(years) == 1 else None)].append(s)
        for year, members in buckets.items():
            starts = [s["start_date"] for s in members if s["start_date"]]
            ends = [s["end_date"] or s["start_date"] for s in members if s["start_date"]]
            city = Counter(s["city"] for s in members if s["city"]).most_common(1)
            country = Counter(s["country_code"] for s in members if s["country_code"]).most_common(1)
            edition = Counter(s["edition"] for s in members if s["edition"]).most_common(1)
            sid = _id("s", org, place, year)
            city_name = city[0][0] if city else None
            out.append({
                "summit_id": sid, "organization": org,
                "name": summit_name(edition[0][0] if edition else None, org, city_name, year),
                "edition": edition[0][0] if edition else None, "city": city_name,
                "country_code": country[0][0] if country else None,
                "start_date": min(starts) if starts else None, "end_date": max(ends) if ends else None,
                "year": year, "article_ids": sorted({s["article_id"] for s in members}),
            })
            for s in members:
                mapping[(s["article_id"], s["local_id"])] = sid
    schema = {"summit_id": pl.Utf8, "organization": pl.Utf8, "name": pl.Utf8, "edition": pl.Utf8,
              "city": pl.Utf8, "country_code": pl.Utf8, "start_date": pl.Date, "end_date": pl.Date,
              "year": pl.Int32, "article_ids": pl.List(pl.Utf8)}
    return pl.DataFrame(out, schema=schema).sort("summit_id"), mapping


def _year(s: dict[str, Any]) -> int | None:
    if s["start_date"]:
        return s["start_date"].year
    return s["year"]


# ---------------------------------------------------------------- all tables
def normalise(rows: Iterable[ArticleRows],
              syndicated: tuple[dict[str, str], dict[str, str | None]]) -> dict[str, pl.DataFrame]:
    """Warehouse tables from per-article rows (people, summits, attendees, meetings), and the
    maps from each article's local summit and person ids to the global ones (``keys.summits``,
    ``keys.people``), with which the warehouse gives the cached quotes and statistics their
    ids (:data:`pipeline.warehouse.BUILT_FROM_CACHE`). ``syndicated`` is the articles'
    :func:`syndication`, worked out beside the decoding of their rows; the articles carry no
    bodies (the warehouse joins them from its cache)."""
    rows = sorted(rows, key=lambda r: r.article["source_path"])
    articles = [dict(r.article) for r in rows]
    story, dup = syndicated
    for a in articles:
        a["story_id"] = story[a["article_id"]]
        a["duplicate_of"] = dup[a["article_id"]]
    people, pmap = _people(rows)
    country_by_person = dict(zip(people["person_id"].to_list(), people["country_code"].to_list()))
    country_of = {key: country_by_person.get(pid) for key, pid in pmap.items()}
    summits, smap = _summits(rows, story, country_of)

    def sid(article_id: str, local: int | None) -> str | None:
        return None if local is None else smap.get((article_id, local))

    persons = {r["person_id"]: r for r in people.iter_rows(named=True)}
    att: dict[tuple[str, str], set[str]] = defaultdict(set)
    for r in rows:
        for a in r.attendees:
            s = sid(a["article_id"], a["summit_local_id"])
            p = pmap.get((a["article_id"], a["person_local_id"]))
            if s and p:
                att[(s, p)].add(a["article_id"])
    attendees = pl.DataFrame([
        {"summit_id": s, "person_id": p, "name": persons[p]["name"], "country_code": persons[p]["country_code"],
         "role": persons[p]["role"], "article_ids": sorted(ids)}
        for (s, p), ids in sorted(att.items())
    ], schema={"summit_id": pl.Utf8, "person_id": pl.Utf8, "name": pl.Utf8, "country_code": pl.Utf8,
               "role": pl.Utf8, "article_ids": pl.List(pl.Utf8)})

    meet: dict[tuple[str | None, str, str], set[str]] = defaultdict(set)
    for r in rows:
        for m in r.meetings:
            a = pmap.get((m["article_id"], m["a_local_id"]))
            b = pmap.get((m["article_id"], m["b_local_id"]))
            if not a or not b or a == b:
                continue
            a, b = sorted((a, b))
            meet[(sid(m["article_id"], m["summit_local_id"]), a, b)].add(m["article_id"])
    meetings = pl.DataFrame([
        {"meeting_id": _id("m", s, a, b), "summit_id": s, "person_a_id": a, "person_a": persons[a]["name"],
         "person_b_id": b, "person_b": persons[b]["name"], "article_ids": sorted(ids)}
        for (s, a, b), ids in sorted(meet.items(), key=lambda kv: (kv[0][0] or "", kv[0][1], kv[0][2]))
    ], schema={"meeting_id": pl.Utf8, "summit_id": pl.Utf8, "person_a_id": pl.Utf8, "person_a": pl.Utf8,
               "person_b_id": pl.Utf8, "person_b": pl.Utf8, "article_ids": pl.List(pl.Utf8)})

    # local ids to global ones, for the quotes and statistics (sql/quotes.sql, sql/statistics.sql)
    summit_keys = pl.DataFrame(
        [{"article_id": a, "summit_local_id": k, "summit_id": v} for (a, k), v in smap.items()],
        schema={"article_id": pl.Utf8, "summit_local_id": pl.Int64, "summit_id": pl.Utf8})
    person_keys = pl.DataFrame(
        [{"article_id": a, "person_local_id": k, "speaker_person_id": v, "person_name": persons[v]["name"]}
         for (a, k), v in pmap.items()],
        schema={"article_id": pl.Utf8, "person_local_id": pl.Int64, "speaker_person_id": pl.Utf8,
                "person_name": pl.Utf8})
    article_schema = {
        "article_id": pl.Utf8, "source_path": pl.Utf8, "sha256": pl.Utf8, "format": pl.Utf8,
        "encoding": pl.Utf8, "size_bytes": pl.Int64, "outlet": pl.Utf8, "title": pl.Utf8,
        "published_date": pl.Date, "date_method": pl.Utf8, "byline": pl.Utf8, "language": pl.Utf8,
        "dateline": pl.Utf8, "wire": pl.Utf8, "is_aggregator": pl.Boolean,
        "story_id": pl.Utf8, "duplicate_of": pl.Utf8,
    }
    articles_df = pl.DataFrame(articles, schema=article_schema)
    return {
        "articles": articles_df,
        "summits": summits,
        "people": people.drop("article_ids"),
        "attendees": attendees,
        "meetings": meetings,
        "keys.summits": summit_keys,
        "keys.people": person_keys,
    }
