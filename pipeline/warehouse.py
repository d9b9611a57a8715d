"""The DuckDB warehouse: tables built from ``sql/`` by one writer, published atomically.

A run builds every table into a new file beside the published one (a fresh file, or a copy
of the published one whose extraction cache it reuses) and then renames it over the old
file (``os.replace`` is atomic on POSIX). Readers holding a connection to
the old file keep their snapshot; they never block or see a half-built warehouse, and a
crash mid-build leaves the previous warehouse untouched.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import threading
from collections.abc import Callable, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator

import duckdb
import polars as pl
import pyarrow as pa

from pipeline.settings import PROJECT_ROOT

if TYPE_CHECKING:
    from concurrent.futures import Future

    from pipeline.stages import PreviousRun

SQL_DIR = PROJECT_ROOT / "sql"
TABLE_ORDER = ("documents", "rejected_documents", "articles", "people", "summits", "attendees",
               "meetings", "quotes", "statistics")


ETL_TABLES = ("etl.files", "etl.retired", "etl.runs")
# The most numerous rows, built by the warehouse straight from its extraction cache (after the
# documents table) with the run's local-to-global id maps, the key tables below: bound, staged
# and loaded through Parquet instead, they were written three times (0.5 s of a 10k-page run).
BUILT_FROM_CACHE = ("quotes", "statistics")
KEY_TABLES = ("keys.summits", "keys.people", "keys.reread")
# Tables a run updates in place when it starts from a copy of the previous warehouse (their SQL
# deletes, updates and inserts rows instead of rebuilding them), as long as the SQL file that
# built them is unchanged: the articles, whose bodies cost most of a rebuild to write, and the
# quotes and statistics (0.45 s to rewrite at 10k pages; a run that adds 1% writes 1% of them).
# (The cache, etl.extracted, is always kept: whether it can be reused is the extractor version's
# and its columns' business, see read_previous.)
KEPT_IN_PLACE = ("articles", "quotes", "statistics")
UNORDERED = ("articles",)  # tables whose row order means nothing (their SQL says so)
# The writer shares the machine with the run's Python state: DuckDB gets a bounded buffer pool
# and spills to disk beyond it, so a large build stays within the run's memory target.
WRITER_CONFIG = {"memory_limit": os.environ.get("SUMMIT_ETL_DUCKDB_MEMORY", "512MB")}


def sql_for(table: str) -> str:
    """The SQL file that builds ``table`` ("etl.files" lives in sql/etl/files.sql)."""
    return (SQL_DIR / (table.replace(".", "/") + ".sql")).read_text(encoding="utf-8")


def sql_digests() -> pa.Table:
    """The SHA-1 of the SQL file that builds each table (etl.layout)."""
    names = sorted({*TABLE_ORDER, *ETL_TABLES, "etl.extracted", "etl.layout"})
    return pa.table({"table_name": names,
                     "sql_sha1": [hashlib.sha1(sql_for(t).encode("utf-8")).hexdigest() for t in names]})


@contextmanager
def building(path: Path, start_from: str | Path | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection to a new warehouse file that replaces ``path`` when the block succeeds: an
    empty file, or a byte copy of the warehouse ``start_from`` (the published file is only read)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.building-{os.getpid()}")
    for stale in path.parent.glob(f".{path.name}.building-*"):  # left by a killed run (one writer at a time)
        stale.unlink(missing_ok=True)
    if start_from is not None:
        shutil.copyfile(start_from, tmp)
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
    with _frames(con, {table.split(".")[-1] + "_frame": frame}):
        con.execute(sql_for(table)).fetchall()
    return count_rows(con, table)


@contextmanager
def _frames(con: duckdb.DuckDBPyConnection, frames: dict[str, Any]) -> Iterator[None]:
    """Each frame of ``frames`` (as :func:`load_table` takes them) visible to SQL under its
    name while the block lasts."""
    attached = []
    try:
        for name, frame in frames.items():
            _attach(con, name, frame)
            attached.append((name, frame))
        yield
    finally:
        for name, frame in attached:
            _detach(con, name, frame)


def _attach(con: duckdb.DuckDBPyConnection, name: str, frame: Any) -> None:
    if isinstance(frame, (str, Path)):
        con.read_parquet(str(frame)).create_view(name, replace=True)
    else:
        con.register(name, frame.to_arrow() if isinstance(frame, pl.DataFrame) else frame)


def _detach(con: duckdb.DuckDBPyConnection, name: str, frame: Any) -> None:
    if isinstance(frame, (str, Path)):
        con.execute(f'DROP VIEW IF EXISTS "{name}"')  # the name is ours, never input
    else:
        con.unregister(name)


def _view_staged_extracted(con: duckdb.DuckDBPyConnection, staged: list[str]) -> None:
    """This run's staged extractions (the files of ``staged`` that exist) as ``staged_extracted``,
    with the file and row each came from (``filename``, ``file_row_number``: which copy of a
    content the SQL keeps)."""
    from pipeline.stages import EXTRACTED_SCHEMA

    files = [str(f) for f in staged if Path(f).exists()]
    if files:
        con.read_parquet(files, filename=True, file_row_number=True).create_view("staged_extracted")
    else:
        empty = EXTRACTED_SCHEMA.empty_table()
        con.register("staged_extracted", empty.append_column("filename", pa.array([], pa.string()))
                     .append_column("file_row_number", pa.array([], pa.int64())))


def count_rows(con: duckdb.DuckDBPyConnection, table: str) -> int:
    quoted = ".".join(f'"{part}"' for part in table.split("."))  # table names are ours, never input
    return con.execute(f"SELECT count(*) FROM {quoted}").fetchall()[0][0]


def export_paths(out_dir: Path, fmt: str = "parquet") -> list[Path]:
    """Where the export of every table goes (``<table>.<fmt>``), in TABLE_ORDER."""
    return [Path(out_dir) / f"{table}.{fmt}" for table in TABLE_ORDER]


def export_parquet(warehouse: Path, out_dir: Path, fmt: str = "parquet") -> list[Path]:
    """Write every table of the published warehouse to ``out_dir`` (Parquet zstd or CSV)."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)

    def write(con: duckdb.DuckDBPyConnection, job: tuple[str, Path]) -> Path:
        table, target = job
        tmp = target.with_name(f".{target.name}.tmp")
        # the articles are stored unordered: keeping their stored order would buffer 100k
        # bodies (beyond the memory limit once the table has been updated in place)
        con.execute("SET preserve_insertion_order = ?", [table not in UNORDERED])
        rel = con.table(table)
        if fmt == "parquet":  # (row groups of 8k rows: 100k article bodies fit the memory limit)
            rel.write_parquet(str(tmp), compression="zstd", row_group_size=8192)
        else:
            rel.write_csv(str(tmp))
        os.replace(tmp, target)
        return target

    # One at a time: Parquet's ordered writer buffers within the reader's memory limit, and two
    # exports side by side ran out of it at 100k pages (the checks, which can spill, run side by side).
    return map_published(warehouse, write, list(zip(TABLE_ORDER, export_paths(out_dir, fmt))), threads=1)


def map_published(path: str | Path, fn: Callable[[duckdb.DuckDBPyConnection, Any], Any], items: Sequence[Any],
                  threads: int | None = None) -> list[Any]:
    """``fn(connection, item)`` for every item (results in the items' order), ``threads`` at a
    time (default: one per core), each thread on its own connection to one reader of the
    published warehouse (:func:`open_published`: one buffer pool, one memory limit).

    DuckDB runs a query on as many cores as its table has row groups (of 122,880 rows): over a
    10k-page warehouse, each check keeps one core busy, and the two offsets checks take most of
    the checks' time. Side by side, both cores work (0.49 to 0.31 s for those two checks).
    DuckDB releases the GIL while a query runs. The queries share the reader's memory limit:
    give ``threads=1`` to work that cannot spill to disk."""
    from concurrent.futures import ThreadPoolExecutor

    threads = max(1, min(threads or os.cpu_count() or 1, len(items)))
    con = open_published(path)
    local, opened, lock = threading.local(), [], threading.Lock()

    def run(item: Any) -> Any:
        cur = getattr(local, "con", None)
        if cur is None:
            with lock:
                cur = local.con = con.cursor()
                opened.append(cur)
            cur.execute("USE published")
        return fn(cur, item)

    try:
        if threads == 1:
            return [fn(con, item) for item in items]
        with ThreadPoolExecutor(threads, thread_name_prefix="summit-etl-published") as pool:
            return list(pool.map(run, items))
    finally:
        for cur in opened:
            cur.close()
        con.close()


# ---------------------------------------------------------------- exports written while the checks run
# The exports are written into a folder of their own while the checks read the warehouse (both
# are reads of the published file, on two cores), and moved into place only once the checks have
# passed: write, audit, publish. At 10k pages the checks and the exports took 0.37-0.45 s and
# 0.33 s one after the other, 0.57-0.60 s side by side.
STAMP = "FROM"  # in the staged folder, once every export is written: the warehouse file they were read from


def staged_exports_dir(out_dir: Path) -> Path:
    """Where the exports wait for the checks (a hidden folder inside the exports folder, which
    analysts' globs over ``*.parquet`` do not enter)."""
    return Path(out_dir) / ".staged"


def _stamp_of(warehouse: Path) -> str:
    from pipeline.stages import file_mark

    return repr(file_mark(Path(warehouse)))


def exports_stale(warehouse: Path, out_dir: Path) -> bool:
    """Whether some export is missing or older than the published warehouse file (a run that
    changed nothing leaves both as they are, and has nothing to export)."""
    try:
        built = os.stat(warehouse).st_mtime_ns
        return any(os.stat(p).st_mtime_ns < built for p in export_paths(out_dir))
    except FileNotFoundError:
        return True


def stage_exports(warehouse: Path, out_dir: Path) -> Path:
    """Write every table's export into :func:`staged_exports_dir` and then stamp the folder
    with the warehouse file they were read from (a folder without the stamp is incomplete)."""
    staged = staged_exports_dir(out_dir)
    shutil.rmtree(staged, ignore_errors=True)
    stamp = _stamp_of(warehouse)
    export_parquet(warehouse, staged)
    (staged / STAMP).write_text(stamp, encoding="utf-8")
    return staged


# The staged exports being written, by exports folder (_staging_key): (thread, the error it met, if any).
_STAGING: dict[str, tuple[threading.Thread, list[BaseException]]] = {}


def _staging_key(out_dir: Path) -> str:
    return str(Path(out_dir).resolve())


def start_staging_exports(warehouse: Path, out_dir: Path) -> None:
    """:func:`stage_exports` on a thread of its own from now on. The run starts it as soon as
    it has published the warehouse, so the exports are written while Dagster records the
    tables and starts the checks, and then beside the checks (:func:`exports_staged_beside`
    takes it over). Whoever next publishes or discards the staged folder waits for it."""
    _finish_staging(out_dir)  # never two writers of one staged folder
    failed: list[BaseException] = []

    def work() -> None:
        try:
            stage_exports(warehouse, out_dir)
        except BaseException as exc:  # reported by the exports step, which tries again
            failed.append(exc)

    thread = threading.Thread(target=work, name="summit-etl-exports", daemon=True)
    _STAGING[_staging_key(out_dir)] = (thread, failed)
    thread.start()


def _finish_staging(out_dir: Path) -> list[BaseException]:
    """Wait for the exports being staged into ``out_dir``, if any; the errors they met."""
    running = _STAGING.pop(_staging_key(out_dir), None)
    if running is None:
        return []
    running[0].join()
    return running[1]


@contextmanager
def exports_staged_beside(warehouse: Path, out_dir: Path) -> Iterator[None]:
    """The exports staged on a thread of their own while the block runs (started now unless
    :func:`start_staging_exports` started them already; the block's queries and the exports
    each run on their own reader, within its own memory limit). A failed export leaves no
    staged folder, and the exports step then writes them itself; a block that raises
    discards them too."""
    if _staging_key(out_dir) not in _STAGING:
        start_staging_exports(warehouse, out_dir)
    finished = False
    try:
        yield
        finished = True
    finally:
        if _finish_staging(out_dir) or not finished:
            discard_staged_exports(out_dir)


def publish_staged_exports(warehouse: Path, out_dir: Path) -> list[Path] | None:
    """Move the staged exports into place if they are complete and were read from the
    warehouse file published now; None (and the staged folder removed) otherwise."""
    _finish_staging(out_dir)
    staged = staged_exports_dir(out_dir)
    try:
        stamp = (staged / STAMP).read_text(encoding="utf-8")
    except OSError:
        stamp = None
    if stamp != _stamp_of(warehouse):
        discard_staged_exports(out_dir)
        return None
    written = []
    for source, target in zip(export_paths(staged), export_paths(out_dir)):
        os.replace(source, target)
        written.append(target)
    discard_staged_exports(out_dir)
    return written


def discard_staged_exports(out_dir: Path) -> None:
    _finish_staging(out_dir)
    shutil.rmtree(staged_exports_dir(out_dir), ignore_errors=True)


def exports_current(out_dir: Path) -> bool:
    """Whether ``out_dir`` holds a Parquet export of every table (a run that changed nothing
    leaves them as they are; a missing one is written again)."""
    return all(p.exists() for p in export_paths(out_dir))


def _reader(published: str | Path | None) -> duckdb.DuckDBPyConnection:
    """A private in-memory DuckDB with the writer's configuration (its memory limit) and the
    published warehouse, if given, attached read-only as ``published``.

    A read-only connection to the file itself would share its database instance with any
    other read-only connection of this process (an analyst's, in a notebook) and so keep
    DuckDB's default limit of 80% of RAM, under which a query over 100k cached pages buffers
    gigabytes; settings made here are this connection's own."""
    con = duckdb.connect(config=WRITER_CONFIG)
    if published:
        try:
            con.execute("ATTACH ? AS published (READ_ONLY)", [str(published)])
        except BaseException:
            con.close()
            raise
    return con


def open_published(path: str | Path) -> duckdb.DuckDBPyConnection:
    """The published warehouse, read-only, as the default catalog of a :func:`_reader` (within
    the writer's memory limit): for the checks and the exports. A plain read-only connection
    had no limit: the checks alone took 0.7 to 1.2 GB at 100k pages, 0.6 GB this way."""
    con = _reader(path)
    try:
        con.execute("USE published")
    except BaseException:
        con.close()
        raise
    return con


# ---------------------------------------------------------------- incremental runs
def read_previous(path: Path) -> "PreviousRun":
    """The last published run's file states and cached extractions (empty when there is none).

    Opened read-only: an analyst's read-only connection does not block it. If the file
    cannot be opened (locked by a writer, damaged, from an older layout) the run simply
    starts afresh and says why."""
    from pipeline.process import EXTRACTOR_VERSION
    from pipeline.stages import EXTRACTED_SCHEMA, FileState, PreviousRun, file_mark

    path = Path(path)
    mark = file_mark(path)  # before reading: a publish after this changes it
    if mark is None:
        return PreviousRun(None)
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as exc:
        return PreviousRun(None, note=f"previous warehouse not readable ({exc}); full rebuild")
    try:
        files = {r[0]: FileState(*r) for r in con.execute(
            "SELECT source_path, file_size, mtime_ns, sha256, format, status, reason, detail FROM etl.files"
        ).fetchall()}
        layout = [r[0] for r in con.execute(
            "SELECT column_name FROM duckdb_columns() WHERE schema_name = 'etl' AND table_name = 'extracted' "
            "ORDER BY column_index").fetchall()]
        cached = frozenset(con.execute(
            "SELECT sha256, format FROM etl.extracted WHERE extractor_version = ?", [EXTRACTOR_VERSION]).fetchall()
        ) if layout == EXTRACTED_SCHEMA.names else frozenset()
        retired = con.sql("SELECT * FROM etl.retired").to_arrow_table().to_pylist()
        runs = con.sql("SELECT * FROM etl.runs").to_arrow_table().to_pylist()
    except duckdb.Error as exc:
        return PreviousRun(None, note=f"previous warehouse has no run state ({type(exc).__name__}); full rebuild")
    finally:
        con.close()
    return PreviousRun(str(path), files, cached, retired=retired, runs=runs, mark=mark)


def bind_cache(previous: str | None, documents: pa.Table,
               staged: list[str]) -> tuple[pa.Table, Iterator[dict[str, Any]]]:
    """Bind every document of ``documents`` (source_path, article_id, sha256, format) to the
    cached extraction of its content: this run's staged one, else the previous warehouse's
    (``sql/staging/bound.sql``; ``previous`` is :attr:`pipeline.stages.PreviousRun.cache`).

    Two reads of the bound rows (one per document found; one whose extraction failed is not
    in the cache): first what syndication needs of every article (:data:`SYNDICATION_FACTS`,
    an Arrow table: about 9 MB at 10k pages), then the rest, without bodies, quotes or
    shingles, streamed as dicts. The quotes and statistics never become Python objects: the
    warehouse builds them from its cache (:data:`BUILT_FROM_CACHE`)."""
    from pipeline.process import EXTRACTOR_VERSION
    from pipeline.stages import EXTRACTED_SCHEMA

    con = _reader(previous)
    try:
        con.register("documents_frame", documents)
        _view_staged_extracted(con, staged)
        if previous:
            con.sql("SELECT * FROM published.etl.extracted WHERE extractor_version = ?",
                    params=[EXTRACTOR_VERSION]).create_view("previous_extracted")
        else:
            con.register("previous_extracted", EXTRACTED_SCHEMA.empty_table())
        con.execute(sql_for("staging.bound")).fetchall()
        facts = con.sql(f"SELECT {', '.join(SYNDICATION_FACTS)} FROM bound").to_arrow_table()
    except BaseException:
        con.close()
        raise

    def rows() -> Iterator[dict[str, Any]]:
        try:
            for batch in con.sql("SELECT * EXCLUDE (quotes, statistics, shingles) FROM bound").to_arrow_reader(2048):
                yield from batch.to_pylist()
        finally:
            con.close()

    return facts, rows()


# What normalise.syndication reads of each bound article (bind_cache)
SYNDICATION_FACTS = ("article_id", "source_path", "published_date", "is_aggregator", "shingles")


def publish_run(path: Path, tables: dict[str, Any], extracted_batches: list[str],
                previous: str | None) -> dict[str, int]:
    """Build the whole warehouse into a new file and publish it atomically.

    ``tables`` holds every public table and the etl state tables (frames, Arrow tables or
    staged Parquet paths). ``previous`` is a warehouse whose extraction cache is of this
    extractor version (:attr:`pipeline.stages.PreviousRun.cache`), or None. With one, the new
    file starts as a byte copy of it, so the cache rows still in use are kept as they are
    (DuckDB neither decompresses nor rewrites them) and only this run's staged rows are added;
    the articles are updated in place the same way (:data:`KEPT_IN_PLACE`); everything else is
    replaced. Once the documents are in, the quotes and statistics are built beside the other
    tables (:func:`_beside`), in the writer's one memory limit."""
    counts: dict[str, int] = {}
    with building(path, start_from=previous) as con:
        current = sql_digests()
        if previous:
            _prune_copy(con, current)
        with _frames(con, {"documents_frame": tables["documents"]}):
            _view_staged_extracted(con, extracted_batches)
            try:
                con.execute(sql_for("etl.extracted")).fetchall()
            finally:
                con.execute("DROP VIEW IF EXISTS staged_extracted")  # a view or a registered empty table
        counts["etl.extracted"] = count_rows(con, "etl.extracted")
        counts["documents"] = load_table(con, "documents", tables["documents"])  # the cache's index
        keys = {k: tables[k] for k in KEY_TABLES}
        with _beside(con, lambda side: {t: _build_from_cache(side, t, keys) for t in BUILT_FROM_CACHE}) as cached:
            for table in (*TABLE_ORDER, *ETL_TABLES):
                if table not in (*BUILT_FROM_CACHE, *counts):
                    counts[table] = load_table(con, table, tables[table])
        counts.update(cached.result())
        load_table(con, "etl.layout", current)
        from pipeline.analyst import create_views

        create_views(con)
    return counts


@contextmanager
def _beside(con: duckdb.DuckDBPyConnection, work: Callable[[duckdb.DuckDBPyConnection], Any]) -> Iterator[Future]:
    """``work(cursor)`` on a thread of its own, on its own cursor of ``con``'s database, while
    the block runs; the future holds its result once the block is over (the thread is always
    waited for). DuckDB releases the GIL while it runs a query, and each statement commits on
    its own, so tables that do not read each other are built side by side: at 10k pages the
    quotes and statistics (0.17 s, one core: their cache fits one row group) beside the other
    tables (0.13 s)."""
    from concurrent.futures import ThreadPoolExecutor

    side = con.cursor()
    try:
        with ThreadPoolExecutor(1, thread_name_prefix="summit-etl-writer") as pool:
            done = pool.submit(work, side)
            yield done
    finally:
        side.close()


def _build_from_cache(con: duckdb.DuckDBPyConnection, table: str, keys: dict[str, Any]) -> int:
    """Bring ``table`` (quotes or statistics) up to date with its SQL file, which unnests the
    cached extraction of every document and gives each row its global summit and speaker ids
    from the run's key tables (``keys.summits`` as ``keys_summits_frame``, and so on). In a
    table kept from the last run (:data:`KEPT_IN_PLACE`) only the rows of the articles read
    this run (``keys.reread``) are written again; a new table gets them all."""
    from pipeline.process import EXTRACTOR_VERSION

    exists = con.execute("SELECT count(*) FROM duckdb_tables() WHERE database_name = current_database() "
                         "AND schema_name = 'main' AND table_name = ?", [table]).fetchall()[0][0]
    con.execute("SET VARIABLE extractor_version = ?", [EXTRACTOR_VERSION])
    con.execute("SET VARIABLE table_is_new = ?", [not exists])
    with _frames(con, {name.replace(".", "_") + "_frame": frame for name, frame in keys.items()}):
        con.execute(sql_for(table)).fetchall()
    return count_rows(con, table)


def _prune_copy(con: duckdb.DuckDBPyConnection, current: pa.Table) -> None:
    """In a copy of a published warehouse, drop every view and table except the cache and the
    tables kept in place whose SQL file is the one that built them (etl.layout), so nothing an
    older release made (a table since renamed or reshaped) outlives a run."""
    has_layout = con.execute("SELECT count(*) FROM duckdb_tables() WHERE database_name = current_database() "
                             "AND schema_name = 'etl' AND table_name = 'layout'").fetchall()[0][0]
    built = dict(con.execute("SELECT table_name, sql_sha1 FROM etl.layout").fetchall()) if has_layout else {}
    now = dict(zip(current["table_name"].to_pylist(), current["sql_sha1"].to_pylist()))
    keep = {("etl", "extracted")} | {("main", t) for t in KEPT_IN_PLACE if built.get(t) == now[t]}
    views = con.execute("SELECT schema_name, view_name FROM duckdb_views() WHERE NOT internal "
                        "AND database_name = current_database()").fetchall()
    tables = con.execute("SELECT schema_name, table_name FROM duckdb_tables() "
                         "WHERE database_name = current_database()").fetchall()
    for kind, found in (("VIEW", views), ("TABLE", tables)):
        for schema, name in found:
            if (schema, name) not in keep:  # names read from the catalog, quoted
                con.execute(f'DROP {kind} IF EXISTS "{schema}"."{name.replace(chr(34), chr(34) * 2)}"')


def previews(path: str | Path, tables: Sequence[str], rows: int = 5) -> dict[str, pl.DataFrame]:
    """The first ``rows`` rows of each of ``tables`` in the published warehouse (for the UI)."""
    con = open_published(path)
    try:
        return {t: con.sql(f'SELECT * FROM "{t}" LIMIT {int(rows)}').pl() for t in tables}  # our names
    finally:
        con.close()


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
