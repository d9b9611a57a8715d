"""``summit-etl run``: materialise every asset in-process through Dagster and summarise."""
from __future__ import annotations

import argparse
import contextlib
import gc
import logging
import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from pipeline.settings import PROJECT_ROOT, Settings

if TYPE_CHECKING:
    from pipeline.stages import Plan

# Telemetry off; one run at a time (the schedule and the sensor may both fire: runs queue up
# instead of racing for the warehouse); one step at a time in the DuckDB writer pool.
_DAGSTER_YAML = """telemetry:
  enabled: false
concurrency:
  runs:
    max_concurrent_runs: 1
  pools:
    default_limit: 1
"""


def ensure_dagster_home() -> Path:
    """DAGSTER_HOME defaults to the git-ignored .dagster_home/ with telemetry off."""
    home = Path(os.environ.setdefault("DAGSTER_HOME", str(PROJECT_ROOT / ".dagster_home")))
    home.mkdir(parents=True, exist_ok=True)
    cfg = home / "dagster.yaml"
    if not cfg.exists():
        cfg.write_text(_DAGSTER_YAML)
    os.environ.setdefault("DAGSTER_DISABLE_TELEMETRY", "1")
    return home


def run(settings: Settings, record: bool = False, force: bool = False, owns_process: bool = False) -> int:
    """One run of the job. By default on an ephemeral Dagster instance (the run's events stay in
    memory: the warehouse, its etl.runs log and the exports are the record); ``record=True``
    writes the run into DAGSTER_HOME, where the UI shows it next to scheduled runs.

    Before Dagster starts, the run's plan is looked at (:func:`pipeline.stages.look_ahead`, the
    same plan the ingest asset makes, and hands it over to it): when nothing changed no run is
    started (``force`` starts one anyway), and when many files are to be read the run takes
    the writer lock and the worker processes start cleaning and extracting them while Dagster
    loads (:func:`pipeline.stages.head_start`; the clean and extract assets collect the results).

    ``owns_process`` (the console script, :func:`entry`): the objects built before the job
    starts live until the process ends, so they are moved out of the garbage collector's way."""
    ensure_dagster_home()
    from pipeline import workers

    # The first worker starts before anything else is imported, so that it is ready about
    # 0.4 s sooner if the plan has many files to read; a run that needs none stops it at once.
    if workers.pool_size() > 1:
        workers.start_workers(start=1)
    try:
        return _plan_and_run(settings, record, force, owns_process)
    finally:  # whatever happened: no worker, head start folder or writer lock outlives the run
        workers.stop_workers()
        from pipeline import stages
        from pipeline.warehouse import release_writer_lock

        stages.end_head_start()
        release_writer_lock(settings.warehouse_path)


def _plan_and_run(settings: Settings, record: bool, force: bool, owns_process: bool) -> int:
    from pipeline import stages, workers
    from pipeline.ingest import InputFolderError, check_input

    try:
        check_input(settings.input_dir)
    except InputFolderError as exc:
        print(f"summit-etl: {exc}", file=sys.stderr)
        return 2
    started = time.perf_counter()
    try:
        ahead = stages.look_ahead(settings.input_dir, settings.warehouse_path)
    except Exception:  # the run itself will say what is wrong, in its own words
        ahead = None
    head = (ahead is not None and stages.workers_for(len(ahead.pending)) > 1
            and _lock(settings.warehouse_path) and stages.head_start(ahead, settings.warehouse_path))
    if not head:
        workers.stop_workers()  # the worker started ahead is not needed (it had no job: it is not waited for)
    if ahead is not None and not force and stages.nothing_to_do(ahead, settings.exports_dir):
        _summarise(settings, ahead, time.perf_counter() - started, started_run=False)
        return 0
    with stages.handing_over(ahead, settings.warehouse_path) if ahead else contextlib.nullcontext():
        return _run_job(settings, record, started, owns_process)


def _lock(warehouse: Path) -> bool:
    """Take the warehouse's writer lock for this run now (the ingest asset takes it again, as a
    no-op); False when another run holds it, which the run itself then reports."""
    from pipeline.warehouse import WarehouseBusy, acquire_writer_lock

    try:
        acquire_writer_lock(warehouse)
    except WarehouseBusy:
        return False
    return True


def _run_job(settings: Settings, record: bool, started: float, owns_process: bool = False) -> int:
    import dagster as dg

    from pipeline.definitions import JOB_NAME, build_definitions

    defs = build_definitions(settings)
    job = defs.resolve_job_def(JOB_NAME)
    if owns_process:
        # Dagster's modules and the definitions (a few hundred thousand objects) are never
        # garbage; frozen, every full collection of the run skips them (~0.35 s of a small run).
        gc.freeze()
    with (dg.DagsterInstance.get() if record else dg.DagsterInstance.ephemeral()) as instance:
        result = job.execute_in_process(
            instance=instance, raise_on_error=False,
            run_config={"loggers": {"console": {"config": {"log_level": "WARNING"}}}})
    if not result.success:
        for event in result.all_events:
            if event.is_failure:
                print(event.message, file=sys.stderr)
        print("summit-etl: run failed", file=sys.stderr)
        return 1
    _summarise(settings, result.output_for_node("ingested_files"), time.perf_counter() - started)
    return 0


def _summarise(settings: Settings, plan: "Plan", seconds: float, started_run: bool = True) -> None:
    """What the run did (or found nothing to do), and the warehouse's row counts."""
    import duckdb

    from pipeline.warehouse import TABLE_ORDER, count_rows

    con = duckdb.connect(str(settings.warehouse_path), read_only=True)
    try:
        print(f"warehouse: {settings.warehouse_path}")
        if not started_run:
            print(f"  {plan.files_seen} files, none new, changed or deleted since the last run: "
                  "no run started (--force runs it anyway)")
        elif plan.nothing_changed:
            print(f"  {plan.files_seen} files, none new, changed or deleted: warehouse left as it was")
        else:
            print(f"  {plan.files_seen} files seen: {len(plan.pending)} read, {len(plan.reused)} reused unchanged, "
                  f"{len(plan.retired)} deleted since the last run")
        for table in TABLE_ORDER:
            n = count_rows(con, table)
            print(f"  {table:<20} {n:>7} rows")
        rejected = con.execute("SELECT source_path, reason FROM rejected_documents ORDER BY source_path").fetchall()
        for path, reason in rejected[:20]:
            print(f"  rejected: {path}: {reason}")
        if len(rejected) > 20:
            print(f"  … and {len(rejected) - 20} more rejected (see the rejected_documents table)")
    finally:
        con.close()
    print(f"exports: {settings.exports_dir}")
    print(f"done in {seconds:.1f} s")


def add_analyst_commands(sub) -> None:
    """``export`` and ``query``: the analyst's ways to the warehouse (see pipeline/analyst.py)."""
    p_export = sub.add_parser("export", help="write every table and analyst view to Parquet or CSV files")
    p_export.add_argument("--format", choices=("parquet", "csv"), default="parquet")
    p_export.add_argument("--out", help="output folder (default: $SUMMIT_ETL_EXPORTS or data/exports)")
    p_export.add_argument("--warehouse", help="DuckDB file (default: $SUMMIT_ETL_WAREHOUSE or data/warehouse.duckdb)")
    p_query = sub.add_parser("query", help="run read-only SQL against the Parquet exports and print the result")
    p_query.add_argument("sql", nargs="?", help="the SQL (SELECT, WITH, FROM, PIVOT, DESCRIBE, SHOW, SUMMARIZE, EXPLAIN)")
    p_query.add_argument("--file", help="read the SQL from a file instead, e.g. sql/queries/summit_timeline.sql")
    p_query.add_argument("--exports", help="exports folder (default: $SUMMIT_ETL_EXPORTS or data/exports)")
    p_query.add_argument("--max-rows", type=int, default=10_000, help="rows to print at most (default 10000)")
    p_query.add_argument("--max-width", type=int, help="table width in characters (default: the terminal's)")
    p_query.add_argument("--max-col-width", type=int, help="column width in characters at most")


def export_command(args: argparse.Namespace) -> int:
    from pipeline.analyst import AnalystError, export

    settings = Settings.from_env().with_overrides(None, args.warehouse, args.out)
    try:
        written = export(settings.warehouse_path, settings.exports_dir, args.format)
    except AnalystError as exc:
        print(f"summit-etl: {exc}", file=sys.stderr)
        return 2
    print(f"exports: {settings.exports_dir}")
    for path in written:
        print(f"  {path.name}")
    return 0


def query_command(args: argparse.Namespace) -> int:
    import duckdb

    from pipeline.analyst import AnalystError, print_result, query_exports

    if (args.sql is None) == (args.file is None):
        print("summit-etl: give the SQL as an argument or with --file (exactly one of them)", file=sys.stderr)
        return 2
    if args.file is not None:
        try:
            sql = Path(args.file).read_text(encoding="utf-8")
        except OSError as exc:
            print(f"summit-etl: cannot read {args.file}: {exc.strerror}", file=sys.stderr)
            return 2
    else:
        sql = args.sql
    exports = Path(args.exports) if args.exports else Settings.from_env().exports_dir
    try:
        con, results = query_exports(sql, exports)
    except AnalystError as exc:
        print(f"summit-etl: {exc}", file=sys.stderr)
        return 2
    try:
        for result in results:
            print_result(result, max_rows=args.max_rows, max_width=args.max_width,
                         max_col_width=args.max_col_width)
    except duckdb.Error as exc:
        print(f"summit-etl: query failed: {exc}", file=sys.stderr)
        return 2
    finally:
        con.close()
    return 0


ANALYST_COMMANDS = {"export": export_command, "query": query_command}


def main(argv: list[str] | None = None, owns_process: bool = False) -> int:
    parser = argparse.ArgumentParser(prog="summit-etl", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p_run = sub.add_parser("run", help="run the whole pipeline once, in-process")
    p_run.add_argument("--input", help="input folder (default: $SUMMIT_ETL_INPUT or seeds/documents)")
    p_run.add_argument("--warehouse", help="DuckDB file (default: $SUMMIT_ETL_WAREHOUSE or data/warehouse.duckdb)")
    p_run.add_argument("--exports", help="Parquet exports folder (default: $SUMMIT_ETL_EXPORTS or data/exports)")
    p_run.add_argument("--record", action="store_true",
                       help="record the run in DAGSTER_HOME so the UI lists it (slower: every event is "
                            "committed to Dagster's SQLite storage)")
    p_run.add_argument("--force", action="store_true",
                       help="start a run even when no input file changed since the last one")
    p_dev = sub.add_parser("dev", help="open the Dagster UI on 127.0.0.1 (offline, telemetry off)")
    p_dev.add_argument("--port", default="3000")
    add_analyst_commands(sub)
    args = parser.parse_args(argv)
    if args.command in ANALYST_COMMANDS:
        return ANALYST_COMMANDS[args.command](args)
    if args.command == "dev":
        ensure_dagster_home()
        import subprocess

        return subprocess.call(["dagster", "dev", "-w", str(PROJECT_ROOT / "workspace.yaml"),
                                "-h", "127.0.0.1", "-p", args.port], cwd=PROJECT_ROOT)
    if args.command == "run":
        settings = Settings.from_env().with_overrides(args.input, args.warehouse, args.exports)
        return run(settings, record=args.record, force=args.force, owns_process=owns_process)
    return 2


def entry() -> NoReturn:
    """The ``summit-etl`` console script and ``python -m pipeline``: :func:`main`, then leave
    without tearing the heap down. Every file, connection and worker is closed by then; what
    is left is Python's last collection over every Dagster object (0.4-0.7 s, a tenth of a
    small incremental run), which the process gains nothing from."""
    try:
        code = main(owns_process=True)
    except SystemExit as exc:  # argparse's usage errors and --help
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
        if isinstance(exc.code, str):
            print(exc.code, file=sys.stderr)
    except KeyboardInterrupt:
        print("summit-etl: interrupted", file=sys.stderr)
        code = 130
    except BaseException:  # a bug: its traceback, as Python would print it
        import traceback

        traceback.print_exc()
        code = 1
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe (| head) or stream
            stream.flush()
    os._exit(code)


if __name__ == "__main__":
    entry()
