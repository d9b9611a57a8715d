"""Dagster assets: a thin layer over the plain modules (ingest, process, normalise, warehouse)."""

from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path

import dagster as dg
import polars as pl

from pipeline import ingest as ingest_mod
from pipeline import warehouse as wh
from pipeline.normalise import normalise
from pipeline.process import ArticleRows, Failure, article_id_for, process_all


class SummitSettings(dg.ConfigurableResource):
    """Where the run reads pages and writes the warehouse (resolved from the environment)."""

    input_dir: str
    warehouse_path: str
    exports_dir: str


@dataclass
class IngestResult:
    documents: list[ingest_mod.Document]
    rejected: list[ingest_mod.Rejection]
    files_seen: int


@dg.asset(group_name="ingest", kinds={"python"},
          description="Every .html/.htm/.txt file under the input folder, fingerprinted and decoded; "
                      "files that cannot be used are kept with a reason.")
def ingested_files(context: dg.AssetExecutionContext, settings: SummitSettings) -> IngestResult:
    root = Path(settings.input_dir)
    paths = ingest_mod.scan(root)
    docs, rejected = [], []
    for path in paths:
        result = ingest_mod.read_document(root, path)
        (docs if isinstance(result, ingest_mod.Document) else rejected).append(result)
    context.add_output_metadata({
        "files_seen": len(paths), "documents": len(docs), "rejected": len(rejected),
        "rejected_reasons": dg.MetadataValue.md(
            "\n".join(f"- `{r.source_path}`: {r.reason} ({r.detail})" for r in rejected) or "none"),
    })
    return IngestResult(docs, rejected, len(paths))


@dataclass
class ProcessResult:
    rows: list[ArticleRows]
    rejected: list[ingest_mod.Rejection]


@dg.asset(group_name="extract", kinds={"python", "beautifulsoup"},
          description="Each document cleaned (page chrome dropped, metadata read) and its people, "
                      "summits, quotes, statistics and meetings extracted with offsets into the body.")
def extracted_articles(context: dg.AssetExecutionContext, ingested_files: IngestResult) -> ProcessResult:
    rows, rejected = [], list(ingested_files.rejected)
    for result in process_all(ingested_files.documents, today=date.today()):
        if isinstance(result, Failure):
            rejected.append(ingest_mod.Rejection(result.source_path, result.sha256, "processing failed",
                                                 result.detail, datetime.now(timezone.utc)))
        else:
            rows.append(result)
    context.add_output_metadata({
        "articles": len(rows), "quotes": sum(len(r.quotes) for r in rows),
        "statistics": sum(len(r.statistics) for r in rows), "failed": len(rejected) - len(ingested_files.rejected),
    })
    return ProcessResult(rows, rejected)


@dg.asset(group_name="normalise", kinds={"polars"},
          description="Per-article rows merged across articles: canonical people, ISO countries, "
                      "consolidated summits, syndication marks.")
def normalised_tables(context: dg.AssetExecutionContext, extracted_articles: ProcessResult,
                      ingested_files: IngestResult) -> dict[str, pl.DataFrame]:
    tables = normalise(extracted_articles.rows)
    ok = {r.article["source_path"] for r in extracted_articles.rows}
    tables["documents"] = pl.DataFrame(
        [{"source_path": d.source_path, "sha256": d.sha256, "size_bytes": d.size, "encoding": d.encoding,
          "format": d.format, "article_id": article_id_for(d.source_path)}
         for d in ingested_files.documents if d.source_path in ok],
        schema={"source_path": pl.Utf8, "sha256": pl.Utf8, "size_bytes": pl.Int64, "encoding": pl.Utf8,
                "format": pl.Utf8, "article_id": pl.Utf8})
    tables["rejected_documents"] = pl.DataFrame(
        [{"source_path": r.source_path, "sha256": r.sha256, "reason": r.reason, "detail": r.detail,
          "seen_at": r.seen_at} for r in extracted_articles.rejected],
        schema={"source_path": pl.Utf8, "sha256": pl.Utf8, "reason": pl.Utf8, "detail": pl.Utf8,
                "seen_at": pl.Datetime("us", "UTC")})
    context.add_output_metadata({name: len(df) for name, df in tables.items()})
    return tables


WAREHOUSE_SPECS = [
    dg.AssetSpec(table, group_name="warehouse", kinds={"duckdb"}, deps=["normalised_tables"],
                 description=wh.sql_for(table).splitlines()[0].lstrip("- ").strip())
    for table in wh.TABLE_ORDER
]


@dg.multi_asset(specs=WAREHOUSE_SPECS, pool="duckdb_writer",
                description="Every warehouse table built from sql/ into a new DuckDB file by one "
                            "writer, then published atomically; Parquet exports follow.")
def warehouse_tables(context: dg.AssetExecutionContext, settings: SummitSettings,
                     normalised_tables: dict[str, pl.DataFrame]):
    path = Path(settings.warehouse_path)
    counts = wh.publish(normalised_tables, path)
    wh.export_parquet(path, Path(settings.exports_dir))
    for table in wh.TABLE_ORDER:
        frame = normalised_tables[table]
        preview = frame.drop([c for c in ("body_text", "context") if c in frame.columns]).head(5)
        yield dg.MaterializeResult(
            asset_key=table,
            metadata={"rows": counts[table], "warehouse": str(path),
                      "preview": dg.MetadataValue.md(_markdown(preview))},
        )


def _markdown(frame: pl.DataFrame) -> str:
    if frame.is_empty():
        return "_empty_"
    cols = frame.columns
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for row in frame.iter_rows():
        lines.append("| " + " | ".join(str(v).replace("|", "\\|")[:60] for v in row) + " |")
    return "\n".join(lines)


@dg.asset_check(asset="ingested_files", blocking=True,
                description="Every file seen is either a document or a rejection.")
def every_file_accounted_for(ingested_files: IngestResult) -> dg.AssetCheckResult:
    total = len(ingested_files.documents) + len(ingested_files.rejected)
    return dg.AssetCheckResult(passed=total == ingested_files.files_seen,
                               metadata={"files_seen": ingested_files.files_seen, "accounted": total})


ALL_ASSETS = [ingested_files, extracted_articles, normalised_tables, warehouse_tables]
ALL_CHECKS = [every_file_accounted_for]
