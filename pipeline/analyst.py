"""The analyst layer: SQL views over the warehouse tables, exports and read-only queries.

* ``sql/views/*.sql`` — one ``CREATE OR REPLACE VIEW`` per file, headed by ``-- name: purpose``;
  :func:`create_views` runs them (in file-name order) on any connection holding the tables.
* :func:`export` writes every table and every view to Parquet or CSV files.
* :func:`query_exports` runs read-only SQL against those files in an in-memory DuckDB that
  cannot write files, reach anything outside the exports folder or change its settings.
"""
from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

import duckdb

from pipeline.warehouse import SQL_DIR, TABLE_ORDER, export_parquet

VIEWS_DIR = SQL_DIR / "views"
QUERIES_DIR = SQL_DIR / "queries"
FORMATS = ("parquet", "csv")

# Statement types an analyst query may be: DESCRIBE, SHOW, SUMMARIZE, VALUES, FROM-first and
# PIVOT queries all parse as SELECT; EXPLAIN is allowed when what it explains is a SELECT.
_READ_ONLY_TYPES = {duckdb.StatementType.SELECT, duckdb.StatementType.EXPLAIN}
_EXPLAIN_PREFIX = re.compile(r"^\s*EXPLAIN\s+(?:ANALY[SZ]E\s+)?(?:\([^)]*\)\s*)?", re.IGNORECASE)
# A PIVOT whose columns come from the data parses as MULTI (DuckDB first creates an enum type
# of the values). It is allowed when the statement is a query: it starts with one of these.
_QUERY_KEYWORDS = {"SELECT", "FROM", "PIVOT", "UNPIVOT", "PIVOT_WIDER", "PIVOT_LONGER"}
_COMMENTS = re.compile(r"--[^\n]*|/\*.*?\*/", re.DOTALL)


class AnalystError(Exception):
    """A problem the user can fix (missing exports, bad or writing SQL); the CLI exits 2."""


# ------------------------------------------------------------------------------- views
def view_files() -> list[Path]:
    """Every view file, in a deterministic (file name) order."""
    return sorted(VIEWS_DIR.glob("*.sql"), key=lambda p: p.name)


def view_names() -> list[str]:
    return [p.stem for p in view_files()]


def describe(path: Path) -> tuple[str, str]:
    """(name, purpose) from a view or query file's ``-- name: purpose`` header line."""
    first = path.read_text(encoding="utf-8").splitlines()[0]
    name, _, purpose = first.removeprefix("--").strip().partition(":")
    return name.strip(), purpose.strip()


def create_views(con: duckdb.DuckDBPyConnection, names: list[str] | None = None) -> list[str]:
    """Create (or replace) the analyst views on ``con``, which must hold the warehouse tables.

    Idempotent; ``names`` limits it to some views. Returns the names created."""
    created = []
    for path in view_files():
        if names is not None and path.stem not in names:
            continue
        con.execute(path.read_text(encoding="utf-8")).fetchall()
        created.append(path.stem)
    return created


# ------------------------------------------------------------------------------ export
def _write(rel: duckdb.DuckDBPyRelation, target: Path, fmt: str) -> Path:
    tmp = target.with_name(f".{target.name}.tmp")
    if fmt == "parquet":
        rel.write_parquet(str(tmp), compression="zstd")
    else:
        rel.write_csv(str(tmp))
    os.replace(tmp, target)
    return target


def export(warehouse: Path, out_dir: Path, fmt: str = "parquet") -> list[Path]:
    """Write every table (``pipeline.warehouse.export_parquet``) and every analyst view of
    ``warehouse`` to ``out_dir`` as ``<name>.<fmt>``. The warehouse is only read: the views are
    built in an in-memory database over the attached file, so an older warehouse without
    views exports them too."""
    warehouse, out_dir = Path(warehouse), Path(out_dir)
    if fmt not in FORMATS:
        raise AnalystError(f"unknown format {fmt!r} (choose from {', '.join(FORMATS)})")
    if not warehouse.is_file():
        raise AnalystError(f"no warehouse at {warehouse} (run `summit-etl run` first)")
    try:
        written = export_parquet(warehouse, out_dir, fmt)
    except duckdb.Error as exc:
        raise AnalystError(f"cannot read the warehouse {warehouse}: {exc}") from exc
    con = duckdb.connect()
    try:
        con.execute("ATTACH ? AS wh (READ_ONLY)", [str(warehouse)])
        for table in TABLE_ORDER:  # our own table names, never input
            con.execute(f'CREATE VIEW main."{table}" AS SELECT * FROM wh.main."{table}"')
        for name in create_views(con):
            written.append(_write(con.table(name), out_dir / f"{name}.{fmt}", fmt))
    finally:
        con.close()
    return written


# ------------------------------------------------------------------------------- query
@dataclass
class QueryResult:
    statement: str
    relation: duckdb.DuckDBPyRelation | None


def _leading_keyword(sql: str) -> str:
    match = re.match(r"[\s(]*([A-Za-z_]+)", _COMMENTS.sub(" ", sql))
    return match.group(1).upper() if match else ""


def check_read_only(sql: str) -> list[str]:
    """The statements of ``sql``, or AnalystError if it is empty, does not parse or writes."""
    try:
        statements = duckdb.extract_statements(sql)
    except duckdb.Error as exc:
        raise AnalystError(f"bad SQL: {exc}") from exc
    if not statements:
        raise AnalystError("no SQL statement given")
    out = []
    for st in statements:
        kind = st.type
        if kind == duckdb.StatementType.EXPLAIN:
            inner = _EXPLAIN_PREFIX.sub("", _COMMENTS.sub(" ", st.query), count=1)
            try:
                inner_types = {s.type for s in duckdb.extract_statements(inner)}
            except duckdb.Error:
                inner_types = {None}
            if inner_types != {duckdb.StatementType.SELECT}:
                raise AnalystError(f"refused: {st.query.strip()[:60]!r} does not explain a read-only query")
        elif kind == duckdb.StatementType.MULTI and _leading_keyword(st.query) in _QUERY_KEYWORDS:
            pass
        elif kind not in _READ_ONLY_TYPES:
            raise AnalystError(f"refused: {st.query.strip()[:60]!r} ({kind.name}) is not a read-only query; only "
                               "queries (SELECT, WITH, FROM, PIVOT, DESCRIBE, SHOW, SUMMARIZE, EXPLAIN) are allowed")
        out.append(st.query)
    return out


def exported_files(exports: Path) -> dict[str, Path]:
    """name -> file for every export in ``exports`` (Parquet preferred over CSV)."""
    found: dict[str, Path] = {}
    for fmt in reversed(FORMATS):
        for path in sorted(Path(exports).glob(f"*.{fmt}")):
            found[path.stem] = path
    return found


def read_only_connection(exports: Path) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with one view per exported file, named after its table or view.

    Missing analyst views are built from the table files. Then file access is limited to the
    exports folder and the configuration locked, so a query cannot reach other files or
    re-enable anything."""
    exports = Path(exports).resolve()
    if not exports.is_dir():
        raise AnalystError(f"no exports folder at {exports} (run `summit-etl run` or `summit-etl export`)")
    files = exported_files(exports)
    if not files:
        raise AnalystError(f"no Parquet or CSV exports in {exports} (run `summit-etl run` or `summit-etl export`)")
    con = duckdb.connect(config={"autoinstall_known_extensions": False, "autoload_known_extensions": False})
    try:
        con.execute("SET allowed_directories = ?", [[str(exports) + os.sep]])
        con.execute("SET enable_external_access = false")
        for name, path in files.items():
            rel = con.read_parquet(str(path)) if path.suffix == ".parquet" else con.read_csv(str(path))
            rel.to_view(name)
        missing = [n for n in view_names() if n not in files]
        if missing and all(t in files for t in TABLE_ORDER):
            create_views(con, missing)
        con.execute("SET lock_configuration = true")
    except duckdb.Error as exc:
        con.close()
        raise AnalystError(f"cannot read the exports in {exports}: {exc}") from exc
    return con


def query_exports(sql: str, exports: Path) -> tuple[duckdb.DuckDBPyConnection, list[QueryResult]]:
    """Run read-only ``sql`` against the exports; the caller closes the connection."""
    statements = check_read_only(sql)
    con = read_only_connection(exports)
    results = []
    try:
        for statement in statements:
            results.append(QueryResult(statement, con.sql(statement)))
    except duckdb.Error as exc:
        con.close()
        raise AnalystError(f"query failed: {exc}") from exc
    return con, results


def print_result(result: QueryResult, out: TextIO | None = None, max_rows: int = 10_000,
                 max_width: int | None = None, max_col_width: int | None = None) -> None:
    out = out or sys.stdout
    rel = result.relation
    if rel is None:
        return
    if rel.columns == ["explain_key", "explain_value"]:
        for _key, value in rel.fetchall():
            print(value, file=out)
        return
    kwargs = {"max_rows": max_rows}
    if max_width:
        kwargs["max_width"] = max_width
    if max_col_width:
        kwargs["max_col_width"] = max_col_width
    if out is sys.stdout:
        rel.show(**kwargs)
    else:
        from contextlib import redirect_stdout

        with redirect_stdout(out):
            rel.show(**kwargs)
