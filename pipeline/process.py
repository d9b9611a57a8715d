"""One document in, plain rows out: clean, then extract (no Dagster, no DuckDB).

The rows are per-article and local (people are named, not yet given global ids); the
normalisation step (:mod:`pipeline.normalise`) merges them across articles.
"""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

from pipeline.clean.page import CleanedPage
from pipeline.extract.article import ArticleFacts, extract_article
from pipeline.ingest import Document


def clean_document(doc: Document) -> CleanedPage:
    if doc.format == "html":
        from pipeline.clean.html import clean_html

        return clean_html(doc.text)
    from pipeline.clean.text import clean_text_dump

    return clean_text_dump(doc.text)


def article_id_for(source_path: str) -> str:
    """Stable across runs: derived from the file's place under the input root."""
    return "a_" + hashlib.sha1(source_path.encode("utf-8")).hexdigest()[:16]


@dataclass
class ArticleRows:
    article: dict[str, Any]
    people: list[dict[str, Any]] = field(default_factory=list)
    summits: list[dict[str, Any]] = field(default_factory=list)
    attendees: list[dict[str, Any]] = field(default_factory=list)
    meetings: list[dict[str, Any]] = field(default_factory=list)
    quotes: list[dict[str, Any]] = field(default_factory=list)
    statistics: list[dict[str, Any]] = field(default_factory=list)


def _surface_forms(body: str, mentions: list[tuple[int, int]]) -> list[str]:
    seen: list[str] = []
    for s, e in mentions:
        form = body[s:e]
        if form not in seen:
            seen.append(form)
    return seen


def clean_record(doc: Document) -> dict[str, Any]:
    """The clean step of one document: its file facts plus the cleaned page, as one flat row."""
    page = clean_document(doc)
    return {
        "source_path": doc.source_path, "sha256": doc.sha256, "format": doc.format,
        "encoding": doc.encoding, "size_bytes": doc.size, "outlet": page.outlet, "title": page.title,
        "published_date": page.published_date, "date_method": page.date_method, "byline": page.byline,
        "language": page.language, "dateline": page.dateline, "wire": page.wire,
        "is_aggregator": bool(page.is_aggregator), "body_text": page.body,
    }


def extract_record(page: dict[str, Any], today: date | None = None) -> ArticleRows:
    """The extract step: a cleaned page (a :func:`clean_record` row) to per-article rows."""
    published = page["published_date"]
    if published is not None and today is not None and published > today:
        published = None
    body = page["body_text"]
    facts: ArticleFacts = extract_article(body, published)
    aid = article_id_for(page["source_path"])
    article = {
        "article_id": aid, "source_path": page["source_path"], "sha256": page["sha256"],
        "format": page["format"], "encoding": page["encoding"], "size_bytes": page["size_bytes"],
        "outlet": page["outlet"], "title": page["title"], "published_date": published,
        "date_method": page["date_method"] if published else None, "byline": page["byline"],
        "language": page["language"], "dateline": page["dateline"], "wire": page["wire"],
        "is_aggregator": bool(page["is_aggregator"]), "body_text": body,
    }
    rows = ArticleRows(article)
    for i, p in enumerate(facts.people):
        rows.people.append({
            "article_id": aid, "local_id": i, "name": p.name, "role": p.role, "level": p.level,
            "country_code": p.country, "former": p.former, "aliases": _surface_forms(body, p.mentions),
        })
    for k, s in enumerate(facts.summits):
        rows.summits.append({
            "article_id": aid, "local_id": k, "organization": s.organization,
            "edition": s.edition, "city": s.city, "country_code": s.country, "start_date": s.start_date,
            "end_date": s.end_date, "year": s.year, "weight": s.weight, "is_main": k == 0,
        })
    main = 0 if facts.summits else None
    for i in facts.attendees:
        rows.attendees.append({"article_id": aid, "summit_local_id": main, "person_local_id": i})
    for m in facts.meetings:
        rows.meetings.append({"article_id": aid, "summit_local_id": main, "a_local_id": m.a,
                              "b_local_id": m.b, "char_start": m.start, "char_end": m.end})
    for q in facts.quotes:
        rows.quotes.append({
            "article_id": aid, "summit_local_id": main, "person_local_id": q.person,
            "speaker": q.speaker, "text": q.text, "char_start": q.start, "char_end": q.end, "cue": q.cue,
        })
    for s in facts.statistics:
        rows.statistics.append({
            "article_id": aid, "summit_local_id": main, "value": s.value, "unit": s.unit, "text": s.text,
            "qualifier": s.qualifier, "context": body[s.sentence_start:s.sentence_end],
            "char_start": s.start, "char_end": s.end,
        })
    return rows


def process_document(doc: Document, today: date | None = None) -> ArticleRows:
    """Clean and extract one document (both steps, in this process)."""
    return extract_record(clean_record(doc), today)


# ---------------------------------------------------------------- cached form of the rows
# People, summits, attendees and meetings are few and are merged across articles in Python:
# they are cached as compact JSON. Quotes and statistics are most of the rows and all of their
# text; they are cached as Arrow lists (see pipeline.stages.EXTRACTED_SCHEMA) that DuckDB
# binds to articles without them ever becoming Python objects again.
_SUB_TABLES = ("people", "summits", "attendees", "meetings")
_DATE_FIELDS = {"summits": ("start_date", "end_date")}


def rows_to_json(rows: ArticleRows) -> str:
    """The people, summits, attendees and meetings of an article as compact JSON for the cache;
    the article id is dropped so a cached extraction can be rebound to any path."""
    out = {}
    for name in _SUB_TABLES:
        out[name] = [{k: (v.isoformat() if isinstance(v, date) else v) for k, v in r.items() if k != "article_id"}
                     for r in getattr(rows, name)]
    return json.dumps(out, separators=(",", ":"), ensure_ascii=False)


def rows_from_json(article: dict[str, Any], payload: str) -> ArticleRows:
    """Inverse of :func:`rows_to_json`, bound to ``article`` (whose id the rows take); the
    quotes and statistics stay empty (they are bound in DuckDB)."""
    data = json.loads(payload)
    aid = article["article_id"]
    rows = ArticleRows(article)
    for name in _SUB_TABLES:
        dates = _DATE_FIELDS.get(name, ())
        target = getattr(rows, name)
        for r in data.get(name, ()):
            r["article_id"] = aid
            for f in dates:
                if r.get(f):
                    r[f] = date.fromisoformat(r[f])
            target.append(r)
    return rows


def _fingerprint() -> str:
    """Changes whenever the code or reference data that turn bytes into rows change, so
    cached extractions are reused only when they would come out the same."""
    root = Path(__file__).resolve().parent
    h = hashlib.sha1()
    files = sorted([*root.glob("clean/*.py"), *root.glob("extract/*.py"), root / "process.py",
                    root / "textnorm.py", root / "reference.py", root / "ingest.py",
                    *(root.parent / "seeds" / "reference").glob("*.csv")])
    for f in files:
        if f.exists():
            h.update(f.name.encode())
            h.update(f.read_bytes())
    return h.hexdigest()[:16]


EXTRACTOR_VERSION = _fingerprint()


_WORD_RE = re.compile(r"\w+")
_HASH_BASE = 0x100000001B3  # odd, so invertible modulo 2**64
_HASH_BASE_INV = pow(_HASH_BASE, -1, 1 << 64)
_powers: tuple[np.ndarray, np.ndarray] = (np.ones(1, np.uint64), np.ones(1, np.uint64))


def _hash_powers(n: int) -> tuple[np.ndarray, np.ndarray]:
    """``(B**j, B**-j)`` modulo 2**64 for j < n (at least), grown on demand and kept."""
    global _powers
    if len(_powers[0]) < n:
        size = max(n, 2 * len(_powers[0]), 1 << 16)
        up = np.full(size, _HASH_BASE, np.uint64)
        down = np.full(size, _HASH_BASE_INV, np.uint64)
        up[0] = down[0] = 1
        _powers = (np.cumprod(up), np.cumprod(down))  # uint64 products wrap modulo 2**64
    return _powers


def shingles(text: str, n: int = 8) -> np.ndarray:
    """A 32-bit hash of every run of ``n`` consecutive words of the lower-cased text (as uint32;
    repeats included).

    The words, joined by single spaces, are UTF-8 bytes; a run's hash is the polynomial
    ``sum(byte_j * B**(end-1-j))`` modulo 2**64 over its bytes, so equal runs hash alike
    wherever they stand, mixed (the splitmix64 finaliser) to its top 32 bits. With the prefix
    sums ``G[k] = sum(byte_j * B**-j, j < k)`` every run's polynomial is ``B**(e-1) * (G[e] -
    G[s])``: all runs at once, in a few array operations instead of a Python call per run."""
    words = _WORD_RE.findall(text.lower())
    m = len(words) - n + 1
    if m <= 0:
        return np.empty(0, np.uint32)
    raw = np.frombuffer(" ".join(words).encode(), np.uint8)
    up, down = _hash_powers(len(raw) + 1)
    prefix = np.zeros(len(raw) + 1, np.uint64)
    np.cumsum(raw.astype(np.uint64) * down[:len(raw)], out=prefix[1:])
    # word k starts after the k-th space; run i spans the bytes from word i's start to the
    # space after word i+n-1 (or the end)
    starts = np.concatenate(([0], np.flatnonzero(raw == 0x20) + 1))
    ends = np.append(starts[n:] - 1, len(raw))  # m of them
    h = up[ends - 1] * (prefix[ends] - prefix[starts[:m]])
    h ^= h >> np.uint64(30)
    h *= np.uint64(0xBF58476D1CE4E5B9)
    h ^= h >> np.uint64(27)
    h *= np.uint64(0x94D049BB133111EB)
    h ^= h >> np.uint64(31)
    return (h >> np.uint64(32)).astype(np.uint32)


SHINGLE_SAMPLE = 4  # keep the passages whose hash is 0 mod 4


def shingle_bytes(text: str) -> bytes:
    """A sample of the body's 8-word shingles, sorted and distinct, as packed little-endian
    uint32 (for the cache and syndication). The sample is by hash value (about one passage in
    four), so two copies of a text keep the same passages; it cuts syndication's memory and
    cache size 4x at 100k articles while near-copies still share dozens of sampled passages."""
    h = shingles(text)
    return np.unique(h[h % SHINGLE_SAMPLE == 0]).astype("<u4").tobytes()


