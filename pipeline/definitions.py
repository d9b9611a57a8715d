"""The single Dagster ``Definitions`` of summit-etl (the UI, the CLI and the tests load it)."""
from __future__ import annotations

import dagster as dg

from pipeline.asset_checks import WAREHOUSE_CHECKS
from pipeline.assets import ALL_ASSETS, ALL_CHECKS, SummitSettings
from pipeline.sensors import build_input_sensor, build_nightly_schedule
from pipeline.settings import Settings

JOB_NAME = "summit_etl_job"
SCHEDULE_NAME = "nightly_summit_etl"


def build_definitions(settings: Settings | None = None) -> dg.Definitions:
    settings = settings or Settings.from_env()
    job = dg.define_asset_job(JOB_NAME, selection=dg.AssetSelection.all(),
                              executor_def=dg.in_process_executor,
                              description="Ingest, clean, extract, normalise and publish the warehouse, "
                                          "then check it.")
    return dg.Definitions(
        assets=ALL_ASSETS,
        asset_checks=[*ALL_CHECKS, *WAREHOUSE_CHECKS],
        jobs=[job],
        schedules=[build_nightly_schedule(job, SCHEDULE_NAME)],
        sensors=[build_input_sensor(JOB_NAME)],
        resources={
            "settings": SummitSettings(
                input_dir=str(settings.input_dir),
                warehouse_path=str(settings.warehouse_path),
                exports_dir=str(settings.exports_dir),
            ),
            # Steps hand each other small handles (plans, lists of staged Parquet files), kept
            # in the run's memory: runs never share intermediate state through DAGSTER_HOME.
            "io_manager": dg.mem_io_manager,
        },
        executor=dg.in_process_executor,
    )


defs = build_definitions()
