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
from typing import Iterator

import duckdb
import polars as pl

from pipeline.settings import PROJECT_ROOT

SQL_DIR = PROJECT_ROOT / "sql"
TABLE_ORDER = ("documents", "rejected_documents", "articles", "people", "summits", "attendees",
               "meetings", "quotes", "statistics")


def sql_for(table: str) -> str:
    return (SQL_DIR / f"{table}.sql").read_text(encoding="utf-8")


@contextmanager
def building(path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection to a new warehouse file that replaces ``path`` when the block succeeds."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.building-{os.getpid()}")
    for stale in (tmp, tmp.with_name(tmp.name + ".wal")):
        stale.unlink(missing_ok=True)
    con = duckdb.connect(str(tmp))
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


def load_table(con: duckdb.DuckDBPyConnection, table: str, frame: pl.DataFrame) -> int:
    """Create ``table`` from its SQL file, reading the rows from ``frame`` (an Arrow view)."""
    con.register(f"{table}_frame", frame.to_arrow())
    try:
        con.execute(sql_for(table)).fetchall()
    finally:
        con.unregister(f"{table}_frame")
    return con.execute(f'SELECT count(*) FROM "{table}"').fetchall()[0][0]  # table names are ours


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
        for table in TABLE_ORDER:
            target = out_dir / f"{table}.{fmt}"
            tmp = target.with_name(f".{target.name}.tmp")
            rel = con.table(table)
            if fmt == "parquet":
                rel.write_parquet(str(tmp), compression="zstd")
            else:
                rel.write_csv(str(tmp))
            os.replace(tmp, target)
            written.append(target)
    finally:
        con.close()
    return written
