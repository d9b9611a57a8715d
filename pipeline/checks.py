"""Data-quality checks on a built warehouse: plain functions over a DuckDB connection.

Each check takes an open connection (read-only is enough) and returns a :class:`Outcome`:
passed or not, a one-line description, how many rows fail and a few of them as examples.
Nothing here knows about Dagster; ``pipeline/asset_checks.py`` wraps :data:`CHECKS` as
``@asset_check``s and the tests call the functions directly.

The rules follow README's table contract:

* keys are unique and not null (``primary_key``);
* every id points at an existing row (``references``); nullable references may be null;
* ``substr(body_text, char_start + 1, char_end - char_start) = text`` for quotes and
  statistics (``offsets``);
* statistic values are finite (``finite_values``);
* dates are plausible (``summit_date_order``, ``no_future_dates``, ``summit_not_after_reports``);
  these are warnings, not errors: a page can announce a summit ahead of time;
* no file is both a document and a rejection (``files_accounted``).
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import duckdb

ERROR = "error"
WARN = "warn"
MAX_EXAMPLES = 5
_MAX_CELL = 80

# The warehouse tables and their keys (the key may span several columns).
KEYS: dict[str, tuple[str, ...]] = {
    "documents": ("source_path",),
    "rejected_documents": ("source_path",),
    "articles": ("article_id",),
    "people": ("person_id",),
    "summits": ("summit_id",),
    "attendees": ("summit_id", "person_id"),
    "meetings": ("meeting_id",),
    "quotes": ("quote_id",),
    "statistics": ("statistic_id",),
}


@dataclass(frozen=True)
class Ref:
    """``table.column`` points at ``target.target_column``; ``nullable`` allows a null.
    ``is_list`` marks a ``VARCHAR[]`` column whose every element must point at a row."""

    column: str
    target: str
    target_column: str
    nullable: bool = False
    is_list: bool = False

    def __str__(self) -> str:
        arrow = "[] -> " if self.is_list else " -> "
        return f"{self.column}{arrow}{self.target}.{self.target_column}" + (" (nullable)" if self.nullable else "")


REFERENCES: dict[str, tuple[Ref, ...]] = {
    "documents": (Ref("article_id", "articles", "article_id"),),
    "articles": (Ref("duplicate_of", "articles", "article_id", nullable=True),
                 Ref("source_path", "documents", "source_path")),
    "summits": (Ref("article_ids", "articles", "article_id", is_list=True),),
    "attendees": (Ref("summit_id", "summits", "summit_id"),
                  Ref("person_id", "people", "person_id"),
                  Ref("article_ids", "articles", "article_id", is_list=True)),
    "meetings": (Ref("summit_id", "summits", "summit_id", nullable=True),
                 Ref("person_a_id", "people", "person_id"),
                 Ref("person_b_id", "people", "person_id"),
                 Ref("article_ids", "articles", "article_id", is_list=True)),
    "quotes": (Ref("article_id", "articles", "article_id"),
               Ref("summit_id", "summits", "summit_id", nullable=True),
               Ref("speaker_person_id", "people", "person_id", nullable=True)),
    "statistics": (Ref("article_id", "articles", "article_id"),
                   Ref("summit_id", "summits", "summit_id", nullable=True)),
}

# Columns shown as examples for offset failures (never the whole body).
_OFFSET_ID = {"quotes": "quote_id", "statistics": "statistic_id"}


@dataclass(frozen=True)
class Outcome:
    """What one check found."""

    passed: bool
    description: str
    failing: int
    examples: list[dict[str, Any]] = field(default_factory=list)

    def examples_markdown(self) -> str:
        """The examples as a markdown table ("_none_" when there are none)."""
        if not self.examples:
            return "_none_"
        cols = list(self.examples[0])
        lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
        for row in self.examples:
            lines.append("| " + " | ".join(_cell(row[c]) for c in cols) + " |")
        return "\n".join(lines)


def _cell(value: Any) -> str:
    text = "NULL" if value is None else str(value)
    text = text.replace("\n", " ").replace("|", "\\|")
    return text if len(text) <= _MAX_CELL else text[: _MAX_CELL - 1] + "…"


def _q(name: str) -> str:
    """Quote an identifier (all identifiers here are this module's constants)."""
    return '"' + name.replace('"', '""') + '"'


def _failing(con: duckdb.DuckDBPyConnection, bad_sql: str, params: Sequence[Any] = ()) -> tuple[int, list[dict]]:
    """Count the rows of ``bad_sql`` and return the first few of them as dicts."""
    n = con.execute(f"SELECT count(*) FROM ({bad_sql}) AS bad", list(params)).fetchall()[0][0]
    if not n:
        return 0, []
    cur = con.execute(f"SELECT * FROM ({bad_sql}) AS bad LIMIT {MAX_EXAMPLES}", list(params))
    rows = cur.fetchall()
    cols = [d[0] for d in cur.description]
    return n, [dict(zip(cols, row)) for row in rows]


def _outcome(n: int, examples: list[dict], ok: str, bad: str) -> Outcome:
    return Outcome(passed=n == 0, description=ok if n == 0 else bad.format(n=n), failing=n, examples=examples)


# --- keys -------------------------------------------------------------------------------------

def primary_key(con: duckdb.DuckDBPyConnection, table: str, columns: Sequence[str] | None = None) -> Outcome:
    """The key columns of ``table`` are never null and no two rows share a key.
    ``failing`` counts the rows with a null key part plus every row of a duplicated key."""
    cols = tuple(columns or KEYS[table])
    key = ", ".join(_q(c) for c in cols)
    any_null = " OR ".join(f"{_q(c)} IS NULL" for c in cols)
    all_set = " AND ".join(f"{_q(c)} IS NOT NULL" for c in cols)
    bad = (f"SELECT {key}, 'null key' AS problem, 1::BIGINT AS row_count FROM {_q(table)} WHERE {any_null} "
           f"UNION ALL "
           f"SELECT {key}, 'duplicate key' AS problem, count(*) AS row_count FROM {_q(table)} WHERE {all_set} "
           f"GROUP BY {key} HAVING count(*) > 1")
    rows = con.execute(f"SELECT coalesce(sum(row_count), 0)::BIGINT FROM ({bad}) AS b").fetchall()[0][0]
    _, examples = _failing(con, bad + f" ORDER BY row_count DESC, {key}")
    label = f"{table} ({', '.join(cols)})"
    return _outcome(rows, examples, f"{label}: every key is set and unique",
                    f"{label}: {{n}} row(s) have a null or duplicated key")


# --- references -------------------------------------------------------------------------------

def _dangling_sql(table: str, ref: Ref) -> str:
    """Rows (as ``id, column, value``) of ``table`` whose ``ref`` points nowhere, or is null when
    it may not be."""
    key = ", ".join(f"t.{_q(c)}" for c in KEYS[table])
    target = f"{_q(ref.target)} AS r"
    if ref.is_list:
        missing = (f"SELECT {key}, '{ref.column}' AS column_name, v.value::VARCHAR AS value "
                   f"FROM {_q(table)} AS t, unnest(t.{_q(ref.column)}) AS v(value) "
                   f"WHERE v.value IS NULL OR NOT EXISTS "
                   f"(SELECT 1 FROM {target} WHERE r.{_q(ref.target_column)} = v.value)")
        if not ref.nullable:
            missing += (f" UNION ALL SELECT {key}, '{ref.column}' AS column_name, NULL AS value "
                        f"FROM {_q(table)} AS t WHERE t.{_q(ref.column)} IS NULL")
        return missing
    null_clause = "" if ref.nullable else f"t.{_q(ref.column)} IS NULL OR "
    return (f"SELECT {key}, '{ref.column}' AS column_name, t.{_q(ref.column)}::VARCHAR AS value "
            f"FROM {_q(table)} AS t WHERE {null_clause}(t.{_q(ref.column)} IS NOT NULL AND NOT EXISTS "
            f"(SELECT 1 FROM {target} WHERE r.{_q(ref.target_column)} = t.{_q(ref.column)}))")


def references(con: duckdb.DuckDBPyConnection, table: str, refs: Sequence[Ref] | None = None) -> Outcome:
    """Every reference of ``table`` (see :data:`REFERENCES`) points at an existing row.
    ``failing`` counts dangling (or forbidden null) references, one per row and column."""
    refs = tuple(refs if refs is not None else REFERENCES[table])
    bad = " UNION ALL ".join(f"({_dangling_sql(table, ref)})" for ref in refs)
    n, examples = _failing(con, bad)
    names = "; ".join(str(r) for r in refs)
    return _outcome(n, examples, f"{table}: every reference resolves ({names})",
                    f"{table}: {{n}} reference(s) point nowhere ({names})")


# --- offsets ----------------------------------------------------------------------------------

def offsets(con: duckdb.DuckDBPyConnection, table: str) -> Outcome:
    """``substr(body_text, char_start + 1, char_end - char_start) = text`` for every quote or
    statistic whose article exists (a missing article is a reference failure, not this one)."""
    ident = _OFFSET_ID[table]
    # each body's length is counted once, not once per row (it walks the whole UTF-8 body)
    bad = (f"SELECT t.{_q(ident)}, t.article_id, t.char_start, t.char_end, t.text, "
           f"substr(a.body_text, t.char_start + 1, t.char_end - t.char_start) AS body_slice "
           f"FROM {_q(table)} AS t JOIN (SELECT article_id, body_text, length(body_text) AS body_length "
           f"FROM articles) AS a USING (article_id) "
           f"WHERE t.char_start IS NULL OR t.char_end IS NULL OR t.text IS NULL "
           f"OR t.char_start < 0 OR t.char_end < t.char_start OR t.char_end > a.body_length "
           f"OR substr(a.body_text, t.char_start + 1, t.char_end - t.char_start) IS DISTINCT FROM t.text")
    n, examples = _failing(con, bad)
    return _outcome(n, examples, f"{table}: every char_start/char_end slices the article body to the text",
                    f"{table}: {{n}} row(s) whose offsets do not slice the body to the text")


# --- values -----------------------------------------------------------------------------------

def finite_values(con: duckdb.DuckDBPyConnection) -> Outcome:
    """Every statistic has a finite value (not null, not NaN, not ±infinity)."""
    bad = ("SELECT statistic_id, article_id, value, unit, text FROM statistics "
           "WHERE value IS NULL OR NOT isfinite(value)")
    n, examples = _failing(con, bad)
    return _outcome(n, examples, "statistics: every value is finite",
                    "statistics: {n} value(s) are null, NaN or infinite")


# --- dates (plausibility: warnings) -----------------------------------------------------------

def summit_date_order(con: duckdb.DuckDBPyConnection) -> Outcome:
    """A summit does not end before it starts."""
    bad = ("SELECT summit_id, name, start_date, end_date FROM summits "
           "WHERE start_date IS NOT NULL AND end_date IS NOT NULL AND start_date > end_date")
    n, examples = _failing(con, bad)
    return _outcome(n, examples, "summits: start_date <= end_date everywhere",
                    "summits: {n} summit(s) end before they start")


def no_future_dates(con: duckdb.DuckDBPyConnection, table: str) -> Outcome:
    """No date lies after today (DuckDB's ``current_date``): summits' start/end dates,
    articles' publication dates."""
    if table == "summits":
        bad = ("SELECT summit_id, name, start_date, end_date, current_date AS today FROM summits "
               "WHERE start_date > current_date OR end_date > current_date")
    elif table == "articles":
        bad = ("SELECT article_id, source_path, published_date, current_date AS today FROM articles "
               "WHERE published_date > current_date")
    else:
        raise ValueError(f"no dates to check in {table!r}")
    n, examples = _failing(con, bad)
    return _outcome(n, examples, f"{table}: no date after today",
                    f"{table}: {{n}} row(s) dated after today")


def summit_not_after_reports(con: duckdb.DuckDBPyConnection) -> Outcome:
    """A summit does not start after the latest publication date of the articles that report it.

    A page may announce a summit in advance, so a failure here is only a warning: it flags
    summits whose every dated report predates them (announced, or a misread date). Summits
    with no dated report are not judged."""
    bad = ("SELECT s.summit_id, s.name, s.start_date, max(a.published_date) AS latest_report "
           "FROM summits AS s, unnest(s.article_ids) AS u(article_id) "
           "JOIN articles AS a ON a.article_id = u.article_id "
           "WHERE s.start_date IS NOT NULL AND a.published_date IS NOT NULL "
           "GROUP BY s.summit_id, s.name, s.start_date "
           "HAVING s.start_date > max(a.published_date)")
    n, examples = _failing(con, bad)
    return _outcome(n, examples, "summits: none starts after its latest dated report",
                    "summits: {n} summit(s) start after every dated article reporting them "
                    "(announced in advance, or a misread date)")


# --- files ------------------------------------------------------------------------------------

def files_accounted(con: duckdb.DuckDBPyConnection) -> Outcome:
    """No input file is both a document and a rejection (documents and rejected_documents
    are disjoint by source_path)."""
    bad = ("SELECT d.source_path, d.article_id, r.reason FROM documents AS d "
           "JOIN rejected_documents AS r USING (source_path)")
    n, examples = _failing(con, bad)
    return _outcome(n, examples, "documents and rejected_documents share no source_path",
                    "{n} file(s) are both a document and a rejection")


# --- the registry -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Check:
    """One check on one table: ``run(con)`` gives its :class:`Outcome`."""

    name: str
    table: str
    run: Callable[[duckdb.DuckDBPyConnection], Outcome]
    description: str
    severity: str = ERROR            # ERROR or WARN
    blocking: bool = True            # whether downstream work should wait and stop on failure
    reads: tuple[str, ...] = ()      # other tables the check reads


def _build_registry() -> list[Check]:
    checks: list[Check] = []
    for table, cols in KEYS.items():
        checks.append(Check(f"{table}_key_unique", table, lambda con, t=table: primary_key(con, t),
                            f"{', '.join(cols)} is set and unique"))
    for table, refs in REFERENCES.items():
        checks.append(Check(f"{table}_references_valid", table, lambda con, t=table: references(con, t),
                            "every reference resolves: " + "; ".join(str(r) for r in refs),
                            reads=tuple(sorted({r.target for r in refs} - {table}))))
    for table in ("quotes", "statistics"):
        checks.append(Check(f"{table}_offsets_match_body", table, lambda con, t=table: offsets(con, t),
                            "substr(body_text, char_start + 1, char_end - char_start) = text",
                            reads=("articles",)))
    checks += [
        Check("statistics_values_finite", "statistics", finite_values, "every value is finite"),
        Check("documents_disjoint_from_rejected", "documents", files_accounted,
              "no file is both a document and a rejection", reads=("rejected_documents",)),
        Check("summits_dates_ordered", "summits", summit_date_order, "start_date <= end_date",
              severity=WARN, blocking=False),
        Check("summits_dates_not_in_future", "summits", lambda con: no_future_dates(con, "summits"),
              "no start or end date after today", severity=WARN, blocking=False),
        Check("articles_published_not_in_future", "articles", lambda con: no_future_dates(con, "articles"),
              "no publication date after today", severity=WARN, blocking=False),
        Check("summits_start_not_after_reports", "summits", summit_not_after_reports,
              "start_date not after the latest publication date of the articles reporting it "
              "(a warning: summits can be announced in advance)",
              severity=WARN, blocking=False, reads=("articles",)),
    ]
    return checks


CHECKS: list[Check] = _build_registry()
CHECKS_BY_NAME: dict[str, Check] = {c.name: c for c in CHECKS}


def run_all(con: duckdb.DuckDBPyConnection) -> dict[str, Outcome]:
    """Every check of :data:`CHECKS` on ``con``, by name."""
    return {check.name: check.run(con) for check in CHECKS}
