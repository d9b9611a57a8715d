"""Dagster asset checks on the published warehouse: thin wrappers over ``pipeline.checks``.

Every entry of :data:`pipeline.checks.CHECKS` becomes an asset check on the asset keyed by its
table's name (``quotes_offsets_match_body`` on ``quotes``, …). They run together in one step
(``@multi_asset_check``) on one read-only reader of ``settings.warehouse_path``, a check per
core at a time (:func:`pipeline.warehouse.map_published`, within the writer's memory limit),
closed as soon as the checks are done: 24 separate check ops cost more in Dagster overhead (≈0.25 s each)
than the queries themselves.

Structural checks (keys, references, offsets, finite values, files accounted for) are blocking
with ERROR severity: a failure fails the step after every result is recorded, and the assets
downstream of the tables (the Parquet exports) are not built. While the whole set runs, the
exports are written beside the checks into a folder of their own (started when the warehouse
was published, :func:`pipeline.warehouse.exports_staged_beside`); the exports step moves them
into place, and a blocking failure discards them. Plausibility checks on dates are non-blocking
warnings. Each result carries the failing count and a few example rows (markdown). The UI can
run any subset of the checks.
"""
import contextlib
from pathlib import Path

import dagster as dg

from pipeline import checks
from pipeline import warehouse as wh
from pipeline.assets import SummitSettings

CHECK_OP_NAME = "warehouse_checks"


def _severity(check: checks.Check) -> dg.AssetCheckSeverity:
    return dg.AssetCheckSeverity.WARN if check.severity == checks.WARN else dg.AssetCheckSeverity.ERROR


def _key(check: checks.Check) -> dg.AssetCheckKey:
    return dg.AssetCheckKey(dg.AssetKey(check.table), check.name)


def result_for(check: checks.Check, outcome: checks.Outcome, warehouse_path: str) -> dg.AssetCheckResult:
    """The Dagster result of one plain check's outcome."""
    return dg.AssetCheckResult(
        asset_key=check.table,
        check_name=check.name,
        passed=outcome.passed,
        severity=_severity(check),
        description=outcome.description,
        metadata={
            "failing": dg.MetadataValue.int(outcome.failing),
            "examples": dg.MetadataValue.md(outcome.examples_markdown()),
            "warehouse": dg.MetadataValue.path(str(warehouse_path)),
        },
    )


SPECS = [
    dg.AssetCheckSpec(
        name=c.name,
        asset=c.table,
        description=c.description,
        blocking=c.blocking,
        metadata={"severity": c.severity, "reads": ", ".join((c.table, *c.reads))},
    )
    for c in checks.CHECKS
]


@dg.multi_asset_check(specs=SPECS, name=CHECK_OP_NAME, can_subset=True,
                      description="Keys, references, offsets, values and dates of the published "
                                  "warehouse (pipeline/checks.py), on one read-only reader, a check per core at a time.")
def warehouse_checks(context: dg.AssetCheckExecutionContext, settings: SummitSettings):
    selected = context.selected_asset_check_keys
    todo = [c for c in checks.CHECKS if _key(c) in selected]
    exports = Path(settings.exports_dir)
    # Write, audit, publish: while every check runs, the exports are written beside them into a
    # folder of their own, which the exports step moves into place (and a failed check discards).
    staging = (len(todo) == len(checks.CHECKS) and wh.exports_stale(Path(settings.warehouse_path), exports))
    with (wh.exports_staged_beside(Path(settings.warehouse_path), exports) if staging
          else contextlib.nullcontext()):
        outcomes = list(zip(todo, wh.map_published(settings.warehouse_path, lambda con, check: check.run(con),
                                                   todo)))
    if any(check.blocking and check.severity == checks.ERROR and not outcome.passed for check, outcome in outcomes):
        wh.discard_staged_exports(exports)  # the exports step will not run
    for check, outcome in outcomes:
        if not outcome.passed:
            context.log.warning(f"{check.name} ({check.severity}): {outcome.description}")
        yield result_for(check, outcome, settings.warehouse_path)


WAREHOUSE_CHECKS: list[dg.AssetChecksDefinition] = [warehouse_checks]
