"""The DuckDB warehouse: tables built from ``sql/`` by one writer, published atomically.

A run builds every table into a fresh file beside the published one and then renames it
over the old file (``os.replace`` is atomic on POSIX). Readers holding a connection to
the old file keep their snapshot; they never block or see a half-built warehouse, and a
crash mid-build leaves the previous warehouse untouched.
"""
from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

import duckdb
import polars as pl
import pyarrow as pa

from pipeline.settings import PROJECT_ROOT

SQL_DIR = PROJECT_ROOT / "sql"
TABLE_ORDER = ("documents", "rejected_documents", "articles", "people", "summits", "attendees",
               "meetings", "quotes", "statistics")


ETL_TABLES = ("etl.files", "etl.retired", "etl.runs")
# The writer shares the machine with the run's Python state: DuckDB gets a bounded buffer pool
# and spills to disk beyond it, so a large build stays within the run's memory target.
WRITER_CONFIG = {"memory_limit": os.environ.get("SUMMIT_ETL_DUCKDB_MEMORY", "512MB")}


def sql_for(table: str) -> str:
    """The SQL file that builds ``table`` ("etl.files" lives in sql/etl/files.sql)."""
    return (SQL_DIR / (table.replace(".", "/") + ".sql")).read_text(encoding="utf-8")


@contextmanager
def building(path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection to a new warehouse file that replaces ``path`` when the block succeeds."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.building-{os.getpid()}")
    for stale in path.parent.glob(f".{path.name}.building-*"):  # left by a killed run (one writer at a time)
        stale.unlink(missing_ok=True)
    con = duckdb.connect(str(tmp), config=WRITER_CONFIG)
    try:
        yield con
        con.execute("CHECKPOINT").fetchall()
    except BaseException:
        con.close()
        tmp.unlink(missing_ok=True)
        tmp.with_name(tmp.name + ".wal").unlink(missing_ok=True)
        raise
    con.close()
    os.replace(tmp, path)
    path.with_name(path.name + ".wal").unlink(missing_ok=True)


def load_table(con: duckdb.DuckDBPyConnection, table: str, frame: Any) -> int:
    """Create ``table`` from its SQL file, reading the rows from ``frame`` (a polars frame, an
    Arrow table, or the path of a staged Parquet file, which DuckDB's own reader streams within
    its memory limit), visible to the SQL as ``<name>_frame``."""
    name = table.split(".")[-1] + "_frame"
    _attach(con, name, frame)
    try:
        con.execute(sql_for(table)).fetchall()
    finally:
        _detach(con, name, frame)
    return count_rows(con, table)


def _attach(con: duckdb.DuckDBPyConnection, name: str, frame: Any) -> None:
    if isinstance(frame, (str, Path, list)):
        files = [str(f) for f in frame] if isinstance(frame, list) else str(frame)
        con.read_parquet(files, union_by_name=True).create_view(name, replace=True)
    else:
        con.register(name, frame.to_arrow() if isinstance(frame, pl.DataFrame) else frame)


def _detach(con: duckdb.DuckDBPyConnection, name: str, frame: Any) -> None:
    if isinstance(frame, (str, Path, list)):
        con.execute(f'DROP VIEW IF EXISTS "{name}"')  # the name is ours, never input
    else:
        con.unregister(name)


def count_rows(con: duckdb.DuckDBPyConnection, table: str) -> int:
    quoted = ".".join(f'"{part}"' for part in table.split("."))  # table names are ours, never input
    return con.execute(f"SELECT count(*) FROM {quoted}").fetchall()[0][0]


def publish(tables: dict[str, pl.DataFrame], path: Path) -> dict[str, int]:
    counts = {}
    with building(path) as con:
        for table in TABLE_ORDER:
            counts[table] = load_table(con, table, tables[table])
    return counts


def export_parquet(warehouse: Path, out_dir: Path, fmt: str = "parquet") -> list[Path]:
    """Write every table of the published warehouse to ``out_dir`` (Parquet zstd or CSV)."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        with _within_writer_memory(con):
            for table in TABLE_ORDER:
                target = out_dir / f"{table}.{fmt}"
                tmp = target.with_name(f".{target.name}.tmp")
                rel = con.table(table)
                if fmt == "parquet":  # (row groups of 8k rows: 100k article bodies fit the memory limit)
                    rel.write_parquet(str(tmp), compression="zstd", row_group_size=8192)
                else:
                    rel.write_csv(str(tmp))
                os.replace(tmp, target)
                written.append(target)
    finally:
        con.close()
    return written


# ---------------------------------------------------------------- incremental runs
def read_previous(path: Path) -> "PreviousRun":
    """The last published run's file states and cached extractions (empty when there is none).

    Opened read-only: an analyst's read-only connection does not block it. If the file
    cannot be opened (locked by a writer, damaged, from an older layout) the run simply
    starts afresh and says why."""
    from pipeline.process import EXTRACTOR_VERSION
    from pipeline.stages import FileState, PreviousRun

    path = Path(path)
    if not path.exists():
        return PreviousRun(None)
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as exc:
        return PreviousRun(None, note=f"previous warehouse not readable ({exc}); full rebuild")
    try:
        files = {r[0]: FileState(*r) for r in con.execute(
            "SELECT source_path, file_size, mtime_ns, sha256, format, status, reason, detail FROM etl.files"
        ).fetchall()}
        cached = frozenset(con.execute(
            "SELECT sha256, format FROM etl.extracted WHERE extractor_version = ?", [EXTRACTOR_VERSION]).fetchall())
        retired = con.sql("SELECT * FROM etl.retired").to_arrow_table().to_pylist()
        runs = con.sql("SELECT * FROM etl.runs").to_arrow_table().to_pylist()
    except duckdb.Error as exc:
        return PreviousRun(None, note=f"previous warehouse has no run state ({type(exc).__name__}); full rebuild")
    finally:
        con.close()
    return PreviousRun(str(path), files, cached, retired=retired, runs=runs)


@contextmanager
def _within_writer_memory(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """Run a read-only connection's queries within the writer's memory limit.

    Read-only connections to the published file keep DuckDB's default configuration (another
    one in this process may share its database instance, and DuckDB refuses a second one
    configured otherwise), so its default limit of 80% of RAM applies: a query over 100k cached
    pages then buffers gigabytes. The limit is set for the queries, then reset to that default."""
    con.execute("SET memory_limit = ?", [WRITER_CONFIG["memory_limit"]])
    try:
        yield
    finally:
        con.execute("RESET memory_limit")


def previous_cache(path: str | None, keys: pa.Table, columns: list[str]) -> Iterator[dict[str, Any]]:
    """Stream the cached extractions of ``keys`` (sha256, format) from the published warehouse."""
    if not path:
        return
    from pipeline.process import EXTRACTOR_VERSION

    con = duckdb.connect(str(path), read_only=True)
    try:
        with _within_writer_memory(con):
            con.register("keys_frame", keys)
            cols = ", ".join(f'e."{c}"' for c in columns)  # column names are ours, never input
            reader = con.sql(
                f"SELECT {cols} FROM etl.extracted e JOIN keys_frame k USING (sha256, format) "
                "WHERE e.extractor_version = ?", params=[EXTRACTOR_VERSION]).to_arrow_reader(2048)
            for batch in reader:
                yield from batch.to_pylist()
    finally:
        con.close()


def publish_run(path: Path, tables: dict[str, Any], extracted_batches: list[str],
                previous: str | None) -> dict[str, int]:
    """Build the whole warehouse into a new file and publish it atomically.

    ``tables`` holds every public table and the etl state tables (frames, Arrow tables or
    staged Parquet paths);
    the extraction cache is the previous warehouse's rows still in use plus this run's
    staged batches."""
    from pipeline.process import EXTRACTOR_VERSION
    from pipeline.stages import EXTRACTED_SCHEMA

    counts: dict[str, int] = {}
    # read-only connections to the published file take the default configuration: a reader in
    # this process may hold one, and DuckDB refuses a second connection configured otherwise
    prev_con = duckdb.connect(str(previous), read_only=True) if previous else None
    prev_file = Path(path).with_name(f".{Path(path).name}.previous-{os.getpid()}.parquet")
    try:
        with building(path) as con:
            _attach(con, "documents_frame", tables["documents"])
            if prev_con is not None:
                # the rows still in use (current contents, this extractor version: the SQL takes
                # them as they are) are copied to a Parquet file first: DuckDB reads that within
                # the writer's memory limit, where an Arrow stream of 100k pages overran it
                prev_con.register("keys_frame", con.sql(
                    "SELECT DISTINCT sha256, format FROM documents_frame").to_arrow_table())
                with _within_writer_memory(prev_con):
                    prev_con.sql(
                        "SELECT e.* FROM etl.extracted e JOIN keys_frame k ON e.sha256 = k.sha256 AND e.format = k.format "
                        "WHERE e.extractor_version = ?", params=[EXTRACTOR_VERSION]).write_parquet(str(prev_file), row_group_size=2048)
                prev: Any = str(prev_file)
            else:
                prev = EXTRACTED_SCHEMA.empty_table()
            staged = [f for f in extracted_batches if Path(f).exists()] or EXTRACTED_SCHEMA.empty_table()
            _attach(con, "previous_extracted", prev)
            _attach(con, "staged_extracted", staged)
            try:
                con.execute(sql_for("etl.extracted")).fetchall()
            finally:
                _detach(con, "staged_extracted", staged)
                _detach(con, "documents_frame", tables["documents"])
                _detach(con, "previous_extracted", prev)
                if prev_con is not None:
                    prev_con.close()
                    prev_con = None
            counts["etl.extracted"] = count_rows(con, "etl.extracted")
            for table in (*TABLE_ORDER, *ETL_TABLES):
                counts[table] = load_table(con, table, tables[table])
            from pipeline.analyst import create_views

            create_views(con)
    finally:
        if prev_con is not None:
            prev_con.close()
        prev_file.unlink(missing_ok=True)
    return counts


def table_counts(path: Path) -> dict[str, int]:
    """Row counts of the published warehouse's tables (read-only)."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        return {table: count_rows(con, table) for table in TABLE_ORDER}
    finally:
        con.close()


# ---------------------------------------------------------------- one writer per warehouse
_HELD: dict[str, Any] = {}


class WarehouseBusy(RuntimeError):
    """Another process is running the pipeline into the same warehouse."""


def acquire_writer_lock(path: Path) -> None:
    """Hold ``<warehouse>.lock`` for the rest of this process's run (idempotent).

    Two runs into one warehouse would delete each other's staging and race to publish; the
    second one stops at once with this error instead. The OS drops the lock if the process
    dies, so a killed run never leaves the warehouse locked."""
    import fcntl

    key = str(Path(path).resolve())
    if key in _HELD:
        return
    lock_path = Path(path).with_name(Path(path).name + ".lock")
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    fh = open(lock_path, "a+")
    try:
        fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        fh.close()
        raise WarehouseBusy(f"another summit-etl run is writing {path}; this run stopped without changing it") from None
    _HELD[key] = fh


def release_writer_lock(path: Path) -> None:
    fh = _HELD.pop(str(Path(path).resolve()), None)
    if fh is not None:
        fh.close()
