"""Dagster assets: a thin layer over the plain modules (ingest, process, normalise, warehouse)."""

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import dagster as dg
import polars as pl

from pipeline import ingest as ingest_mod
from pipeline import stages
from pipeline import warehouse as wh


class SummitSettings(dg.ConfigurableResource):
    """Where the run reads pages and writes the warehouse (resolved from the environment)."""

    input_dir: str
    warehouse_path: str
    exports_dir: str


@dg.asset(group_name="ingest", kinds={"python"},
          description="Every .html/.htm/.txt file under the input folder, compared with the last run's "
                      "state: which files are new or changed and must be read, which are reused by size "
                      "and mtime, which were deleted (their rows are retired).")
def ingested_files(context: dg.AssetExecutionContext, settings: SummitSettings) -> stages.Plan:
    warehouse = Path(settings.warehouse_path)
    wh.acquire_writer_lock(warehouse)  # held until the exports are written (or the process ends)
    plan = stages.plan_for_run(Path(settings.input_dir), warehouse,
                               stages.new_staging_dir(warehouse, context.run.run_id))
    previous = plan.previous
    if previous.note:
        context.log.warning(previous.note)
    context.add_output_metadata({
        "files_seen": plan.files_seen, "to_read": len(plan.pending), "reused_unchanged": len(plan.reused),
        "rejected_unchanged": len(plan.rejected_again), "retired": len(plan.retired),
        "nothing_changed": plan.nothing_changed,
        "previous_warehouse": previous.note or (previous.warehouse or "none (first run)"),
    })
    return plan


@dg.asset(group_name="clean", kinds={"python", "beautifulsoup"},
          description="New and changed files read in worker processes, fingerprinted (sha256) and decoded; "
                      "content already extracted is reused by hash, the rest cleaned (page chrome dropped, "
                      "metadata read) into staged Parquet batches. Unusable files are rejected with a reason.")
def cleaned_pages(context: dg.AssetExecutionContext, ingested_files: stages.Plan) -> stages.CleanResult:
    result = stages.clean_stage(ingested_files)
    context.add_output_metadata({
        "cleaned": len(result.read), "reused_by_hash": len(result.reused), "rejected": len(result.rejected),
        "batches": len(result.batches),
        "rejected_reasons": dg.MetadataValue.md(_reasons(result.rejected)),
    })
    return result


@dg.asset(group_name="extract", kinds={"python"},
          description="People, summits, attendees, meetings, quotes and statistics extracted from each "
                      "cleaned page, with character offsets into its body (worker processes, one staged "
                      "Parquet batch per clean batch).")
def extracted_articles(context: dg.AssetExecutionContext, cleaned_pages: stages.CleanResult) -> stages.ExtractResult:
    result = stages.extract_stage(cleaned_pages.batches, today=date.today())
    context.add_output_metadata({
        "articles": result.extracted, "quotes": result.quotes, "statistics": result.statistics,
        "failed": len(result.rejected), "failures": dg.MetadataValue.md(_reasons(result.rejected)),
    })
    return result


@dataclass
class NormalisedTables:
    """Where the run's tables were staged (Parquet), and how many rows each has."""

    staging: str
    paths: dict[str, str]
    counts: dict[str, int]
    files_seen: int
    extracted_batches: list[str]
    previous: str | None  # the warehouse whose cached extractions are reused (PreviousRun.cache)
    nothing_changed: bool


@dg.asset(group_name="normalise", kinds={"polars"},
          description="Per-article rows merged across all current documents (cached and new): canonical "
                      "people, ISO countries, consolidated summits, syndication marks, and each article's "
                      "local-to-global summit and person ids for its cached quotes and statistics; staged "
                      "as Parquet.")
def normalised_tables(context: dg.AssetExecutionContext, ingested_files: stages.Plan,
                      cleaned_pages: stages.CleanResult, extracted_articles: stages.ExtractResult) -> NormalisedTables:
    plan = ingested_files
    if plan.nothing_changed:
        context.add_output_metadata({"nothing_changed": True})
        return NormalisedTables(plan.staging, {}, {}, plan.files_seen, [], plan.previous.warehouse, True)
    tables = stages.normalise_stage(plan, cleaned_pages, extracted_articles, context.run.run_id)
    paths, counts = stages.stage_tables(tables, Path(plan.staging))
    context.add_output_metadata({**counts, "accounted_for": counts["documents"] + counts["rejected_documents"],
                                 "files_seen": plan.files_seen})
    return NormalisedTables(plan.staging, paths, counts, plan.files_seen, extracted_articles.batches,
                            plan.previous.cache, False)


WAREHOUSE_SPECS = [
    dg.AssetSpec(table, group_name="warehouse", kinds={"duckdb"}, deps=["normalised_tables"],
                 description=wh.sql_for(table).splitlines()[0].lstrip("- ").strip())
    for table in wh.TABLE_ORDER
]


@dg.multi_asset(specs=WAREHOUSE_SPECS, pool="duckdb_writer",
                description="Every warehouse table built from sql/ into a new DuckDB file by one "
                            "writer, then published atomically (readers keep their snapshot).")
def warehouse_tables(context: dg.AssetExecutionContext, settings: SummitSettings,
                     normalised_tables: NormalisedTables):
    path = Path(settings.warehouse_path)
    staged = normalised_tables
    if staged.nothing_changed:
        counts = wh.table_counts(path)
    else:
        counts = wh.publish_run(path, dict(staged.paths),
                                staged.extracted_batches, staged.previous)
        # the exports of the new file are written from now on, into a folder of their own, and
        # moved into place once the checks pass (warehouse_checks, parquet_exports)
        wh.start_staging_exports(path, Path(settings.exports_dir))
    shown = {} if staged.nothing_changed else wh.previews(path, wh.TABLE_ORDER)
    for table in wh.TABLE_ORDER:
        meta = {"rows": counts.get(table, 0), "warehouse": str(path), "changed": not staged.nothing_changed}
        if table in shown:
            frame = shown[table]
            meta["preview"] = dg.MetadataValue.md(
                _markdown(frame.drop([c for c in ("body_text", "context") if c in frame.columns])))
        yield dg.MaterializeResult(asset_key=table, metadata=meta)
    stages.remove_staging(Path(staged.staging))


@dg.asset(group_name="exports", kinds={"parquet"}, deps=[dg.AssetKey(t) for t in wh.TABLE_ORDER],
          description="Every table of the published warehouse as Parquet (zstd) for notebooks, written "
                      "from the moment it was published, while the checks ran, and moved into place once "
                      "they passed; analysts read these "
                      "(or open the warehouse read-only) and never block a run.")
def parquet_exports(context: dg.AssetExecutionContext, settings: SummitSettings,
                    normalised_tables: NormalisedTables) -> None:
    out = Path(settings.exports_dir)
    warehouse = Path(settings.warehouse_path)
    try:
        if normalised_tables.nothing_changed and wh.exports_current(out):
            written = wh.export_paths(out)  # the warehouse was not rewritten
        else:  # written while the checks ran (warehouse_checks), or now
            written = wh.publish_staged_exports(warehouse, out) or wh.export_parquet(warehouse, out)
    finally:
        wh.release_writer_lock(Path(settings.warehouse_path))
    context.add_output_metadata({"folder": str(out), "files": len(written),
                                 "bytes": sum(p.stat().st_size for p in written)})


def _reasons(rejected: list[ingest_mod.Rejection], limit: int = 50) -> str:
    lines = [f"- `{r.source_path}`: {r.reason} ({r.detail})" for r in rejected[:limit]]
    if len(rejected) > limit:
        lines.append(f"- … and {len(rejected) - limit} more")
    return "\n".join(lines) or "none"


def _markdown(frame: pl.DataFrame) -> str:
    if frame.is_empty():
        return "_empty_"
    cols = frame.columns
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for row in frame.iter_rows():
        lines.append("| " + " | ".join(str(v).replace("|", "\\|")[:60] for v in row) + " |")
    return "\n".join(lines)


@dg.asset_check(asset="ingested_files", blocking=True,
                description="Every file seen has a planned outcome: read, reused or rejected again.")
def every_file_planned(ingested_files: stages.Plan) -> dg.AssetCheckResult:
    plan = ingested_files
    total = len(plan.pending) + len(plan.reused) + len(plan.rejected_again)
    return dg.AssetCheckResult(passed=total == plan.files_seen,
                               metadata={"files_seen": plan.files_seen, "planned": total})


@dg.asset_check(asset="normalised_tables", blocking=True,
                description="documents + rejected_documents = files seen: nothing was lost on the way.")
def every_file_accounted_for(normalised_tables: NormalisedTables) -> dg.AssetCheckResult:
    t = normalised_tables
    if t.nothing_changed:
        return dg.AssetCheckResult(passed=True, metadata={"files_seen": t.files_seen, "note": "nothing changed"})
    total = t.counts["documents"] + t.counts["rejected_documents"]
    return dg.AssetCheckResult(passed=total == t.files_seen,
                               metadata={"files_seen": t.files_seen, "accounted": total})


ALL_ASSETS = [ingested_files, cleaned_pages, extracted_articles, normalised_tables, warehouse_tables, parquet_exports]
ALL_CHECKS = [every_file_planned, every_file_accounted_for]
