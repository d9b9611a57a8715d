"""Warehouse checks: all pass on the seeds; each corruption of a copy fails the right check."""
from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from pipeline import checks
from pipeline.asset_checks import WAREHOUSE_CHECKS, warehouse_checks
from pipeline.assets import ALL_ASSETS, ALL_CHECKS, SummitSettings
from pipeline.settings import PROJECT_ROOT

SEEDS = PROJECT_ROOT / "seeds" / "documents"
WARN_CHECKS = {c.name for c in checks.CHECKS if c.severity == checks.WARN}


def _settings(tmp: Path, warehouse: Path | None = None, input_dir: Path = SEEDS) -> SummitSettings:
    return SummitSettings(input_dir=str(input_dir), warehouse_path=str(warehouse or tmp / "warehouse.duckdb"),
                          exports_dir=str(tmp / "exports"))


@pytest.fixture(scope="module")
def seeds_run(tmp_path_factory):
    """The whole graph with every check, on the seeds (the warehouse checks run in the same run)."""
    tmp = tmp_path_factory.mktemp("checks_seeds")
    result = dg.materialize([*ALL_ASSETS, *ALL_CHECKS, *WAREHOUSE_CHECKS], resources={"settings": _settings(tmp)},
                            raise_on_error=False)
    assert result.success
    return tmp / "warehouse.duckdb", result


@pytest.fixture(scope="module")
def seeds_warehouse(seeds_run) -> Path:
    return seeds_run[0]


def test_dagster_run_records_every_warehouse_check_passed(seeds_run):
    _, result = seeds_run
    evaluations = {e.check_name: e for e in result.get_asset_check_evaluations()}
    for check in checks.CHECKS:
        ev = evaluations[check.name]
        assert ev.passed, (check.name, ev.description)
        assert ev.asset_key == dg.AssetKey(check.table)
        assert ev.metadata["failing"].value == 0
        expected = dg.AssetCheckSeverity.WARN if check.name in WARN_CHECKS else dg.AssetCheckSeverity.ERROR
        assert ev.severity == expected


def test_every_table_has_key_and_check_specs_are_wired():
    tables = {"documents", "rejected_documents", "articles", "people", "summits", "attendees", "meetings",
              "quotes", "statistics"}
    assert {c.table for c in checks.CHECKS if c.name.endswith("_key_unique")} == tables
    specs = {(k.asset_key.to_user_string(), k.name): s for k, s in
             ((s.key, s) for s in warehouse_checks.check_specs)}
    assert len(specs) == len(checks.CHECKS)
    for check in checks.CHECKS:
        spec = specs[(check.table, check.name)]
        assert spec.blocking == (check.name not in WARN_CHECKS)


def test_plain_checks_pass_on_seeds(seeds_warehouse):
    con = duckdb.connect(str(seeds_warehouse), read_only=True)
    try:
        outcomes = checks.run_all(con)
    finally:
        con.close()
    assert set(outcomes) == set(checks.CHECKS_BY_NAME)
    failed = {name: o.description for name, o in outcomes.items() if not o.passed}
    assert failed == {}
    assert all(o.failing == 0 and o.examples == [] for o in outcomes.values())


def corrupt(seeds_warehouse: Path, tmp_path: Path, *statements: str) -> dict[str, checks.Outcome]:
    """Apply ``statements`` to a copy of the seeds warehouse; the failing checks by name."""
    copy = tmp_path / "corrupt.duckdb"
    shutil.copy(seeds_warehouse, copy)
    con = duckdb.connect(str(copy))
    try:
        for sql in statements:
            con.execute(sql).fetchall()
        return {name: o for name, o in checks.run_all(con).items() if not o.passed}
    finally:
        con.close()


CORRUPTIONS = {
    "duplicate quote row": (
        ["INSERT INTO quotes SELECT * FROM quotes ORDER BY quote_id LIMIT 1"], {"quotes_key_unique"}),
    "null person id": (
        ["INSERT INTO people (person_id, name) VALUES (NULL, 'Nobody')"], {"people_key_unique"}),
    "duplicate attendee pair": (
        ["INSERT INTO attendees SELECT * FROM attendees ORDER BY summit_id, person_id LIMIT 1"],
        {"attendees_key_unique"}),
    "quote offset off by one": (
        ["UPDATE quotes SET char_end = char_end + 1 WHERE quote_id = (SELECT min(quote_id) FROM quotes)"],
        {"quotes_offsets_match_body"}),
    "statistic offset past the body": (
        [("UPDATE statistics SET char_start = 100000, char_end = 100010 "
          "WHERE statistic_id = (SELECT min(statistic_id) FROM statistics)")],
        {"statistics_offsets_match_body"}),
    "attendee at an unknown summit": (
        [("INSERT INTO attendees SELECT 's_unknown', person_id, name, country_code, role, article_ids "
          "FROM attendees ORDER BY person_id LIMIT 1")], {"attendees_references_valid"}),
    "quote by an unknown speaker": (
        ["UPDATE quotes SET speaker_person_id = 'p_unknown' WHERE quote_id = (SELECT min(quote_id) FROM quotes)"],
        {"quotes_references_valid"}),
    "statistic of an unknown article": (
        ["UPDATE statistics SET article_id = 'a_unknown' WHERE statistic_id = (SELECT min(statistic_id) FROM statistics)"],
        {"statistics_references_valid"}),
    "meeting without a person": (
        ["UPDATE meetings SET person_b_id = NULL WHERE meeting_id = (SELECT min(meeting_id) FROM meetings)"],
        {"meetings_references_valid"}),
    "summit citing an unknown article": (
        [("UPDATE summits SET article_ids = list_append(article_ids, 'a_unknown') "
          "WHERE summit_id = (SELECT min(summit_id) FROM summits)")], {"summits_references_valid"}),
    "duplicate_of pointing nowhere": (
        ["UPDATE articles SET duplicate_of = 'a_gone' WHERE article_id = (SELECT min(article_id) FROM articles)"],
        {"articles_references_valid"}),
    "document without an article": (
        ["UPDATE documents SET article_id = 'a_gone' WHERE source_path = (SELECT min(source_path) FROM documents)"],
        {"documents_references_valid"}),
    "file both document and rejection": (
        ["INSERT INTO rejected_documents (source_path, reason) SELECT min(source_path), 'test' FROM documents"],
        {"documents_disjoint_from_rejected"}),
    "infinite statistic": (
        ["UPDATE statistics SET value = 'inf'::DOUBLE WHERE statistic_id = (SELECT min(statistic_id) FROM statistics)"],
        {"statistics_values_finite"}),
    "NaN statistic": (
        ["UPDATE statistics SET value = 'nan'::DOUBLE WHERE statistic_id = (SELECT max(statistic_id) FROM statistics)"],
        {"statistics_values_finite"}),
    "article published in the future": (
        [("UPDATE articles SET published_date = current_date + 30 "
          "WHERE article_id = (SELECT min(article_id) FROM articles)")], {"articles_published_not_in_future"}),
    "summit in the future": (
        [("UPDATE summits SET start_date = current_date + 30, end_date = current_date + 31 "
          "WHERE start_date IS NOT NULL")],
        # the one dated seed summit is reported on its own day: a future start is also after its reports
        {"summits_dates_not_in_future", "summits_start_not_after_reports"}),
    "summit ends before it starts": (
        ["UPDATE summits SET end_date = start_date - 1 WHERE start_date IS NOT NULL"], {"summits_dates_ordered"}),
    "summit after every dated report (announced in advance)": (
        [("UPDATE summits SET start_date = DATE '2025-10-20', end_date = DATE '2025-10-21' "
          "WHERE start_date IS NOT NULL")], {"summits_start_not_after_reports"}),
}


@pytest.mark.parametrize("case", list(CORRUPTIONS))
def test_corruption_fails_the_right_check(seeds_warehouse, tmp_path, case):
    statements, expected = CORRUPTIONS[case]
    failed = corrupt(seeds_warehouse, tmp_path, *statements)
    assert set(failed) == expected
    for outcome in failed.values():
        assert outcome.failing >= 1 and outcome.examples
        assert outcome.examples_markdown().startswith("|")


def test_checks_side_by_side_find_what_one_connection_finds(seeds_warehouse, tmp_path):
    """The warehouse checks run a check per core on connections of one reader
    (warehouse.map_published); every outcome, in the checks' order, is the one a single
    connection gives, on a warehouse broken in several ways at once."""
    import threading

    from pipeline import warehouse as wh

    statements = [s for case in ("duplicate quote row", "attendee at an unknown summit", "summit ends before it starts")
                  for s in CORRUPTIONS[case][0]]
    one = corrupt(seeds_warehouse, tmp_path, *statements)
    assert len(one) == 3
    threads = set()

    def run(con, check):
        threads.add(threading.current_thread().name)
        return check.run(con)

    for n in (2, 3):
        outcomes = wh.map_published(tmp_path / "corrupt.duckdb", run, checks.CHECKS, threads=n)
        assert {c.name: o for c, o in zip(checks.CHECKS, outcomes) if not o.passed} == one
    assert len(threads) > 1


def test_allowed_nulls_pass(seeds_warehouse, tmp_path):
    """Summit ids of meetings, quotes and statistics and quote speakers may be null; so may dates."""
    failed = corrupt(seeds_warehouse, tmp_path,
                     "UPDATE meetings SET summit_id = NULL", "UPDATE quotes SET summit_id = NULL, speaker_person_id = NULL",
                     "UPDATE statistics SET summit_id = NULL", "UPDATE summits SET start_date = NULL, end_date = NULL",
                     "UPDATE articles SET published_date = NULL")
    assert failed == {}


def test_examples_name_the_bad_rows(seeds_warehouse, tmp_path):
    failed = corrupt(seeds_warehouse, tmp_path, CORRUPTIONS["attendee at an unknown summit"][0][0])
    outcome = failed["attendees_references_valid"]
    assert outcome.failing == 1
    assert outcome.examples[0]["summit_id"] == "s_unknown" and outcome.examples[0]["column_name"] == "summit_id"
    assert "s_unknown" in outcome.examples_markdown()


def test_warning_check_fails_without_failing_the_run(seeds_warehouse, tmp_path):
    """Only the check step, on a copy with a summit dated after its reports: a WARN result, run succeeds."""
    copy = tmp_path / "warn.duckdb"
    shutil.copy(seeds_warehouse, copy)
    con = duckdb.connect(str(copy))
    con.execute("UPDATE summits SET start_date = DATE '2025-10-20', end_date = DATE '2025-10-21' "
                "WHERE start_date IS NOT NULL").fetchall()
    con.close()
    result = dg.materialize([*ALL_ASSETS, *WAREHOUSE_CHECKS], selection=dg.AssetSelection.checks(warehouse_checks),
                            resources={"settings": _settings(tmp_path, copy)}, raise_on_error=False)
    assert result.success
    failed = [e for e in result.get_asset_check_evaluations() if not e.passed]
    assert [(e.check_name, e.severity) for e in failed] == [
        ("summits_start_not_after_reports", dg.AssetCheckSeverity.WARN)]
    assert failed[0].metadata["failing"].value == 1
    assert "2025-10-20" in failed[0].metadata["examples"].value


def test_blocking_check_failure_stops_the_run_before_exports(tmp_path, monkeypatch):
    """A failed ERROR check fails the run after recording every result; the exports are not built."""
    index = next(i for i, c in enumerate(checks.CHECKS) if c.name == "quotes_key_unique")
    broken = dataclasses.replace(checks.CHECKS[index],
                                 run=lambda con: checks.Outcome(False, "forced failure", 3, [{"quote_id": "q_x"}]))
    monkeypatch.setattr(checks, "CHECKS", [*checks.CHECKS[:index], broken, *checks.CHECKS[index + 1:]])
    result = dg.materialize([*ALL_ASSETS, *ALL_CHECKS, *WAREHOUSE_CHECKS], resources={"settings": _settings(tmp_path)},
                            raise_on_error=False)
    assert not result.success
    evaluations = {e.check_name: e for e in result.get_asset_check_evaluations()}
    assert not evaluations["quotes_key_unique"].passed
    assert evaluations["quotes_key_unique"].metadata["failing"].value == 3
    assert all(evaluations[c.name].passed for c in checks.CHECKS if c.name != "quotes_key_unique")
    materialized = {e.asset_key for e in result.get_asset_materialization_events()}
    assert dg.AssetKey("quotes") in materialized
    tables = [dg.AssetKey(c.table) for c in checks.CHECKS]
    downstream = dg.AssetSelection.assets(*tables).downstream(include_self=False).resolve(ALL_ASSETS)
    assert not downstream & materialized
    # the exports written beside the checks were discarded, not published
    assert not list((tmp_path / "exports").rglob("*.parquet"))


def test_exports_written_beside_the_checks_are_moved_into_place_once_they_pass(tmp_path, monkeypatch):
    """While the whole set of checks runs, the exports are written into a staged folder (the
    only export_parquet call of the run); the exports step moves them into place, and each is
    every row of its table in the published warehouse."""
    from pipeline import warehouse as wh

    calls = []
    real = wh.export_parquet
    monkeypatch.setattr(wh, "export_parquet", lambda warehouse, out, *a: calls.append(Path(out)) or real(warehouse, out, *a))
    settings = _settings(tmp_path)
    result = dg.materialize([*ALL_ASSETS, *ALL_CHECKS, *WAREHOUSE_CHECKS], resources={"settings": settings})
    assert result.success
    exports = Path(settings.exports_dir)
    assert calls == [wh.staged_exports_dir(exports)] and not wh.staged_exports_dir(exports).exists()
    con = duckdb.connect(settings.warehouse_path, read_only=True)
    try:
        for table, path in zip(wh.TABLE_ORDER, wh.export_paths(exports)):
            assert sorted(duckdb.read_parquet(str(path)).fetchall()) == sorted(con.table(table).fetchall())
    finally:
        con.close()
    assert not wh.exports_stale(Path(settings.warehouse_path), exports)


def test_staged_exports_of_another_warehouse_file_are_not_published(seeds_warehouse, tmp_path):
    """Exports staged from one warehouse file are moved into place only while that file is the
    published one; else (or when the folder has no stamp: a run killed mid-export) they are
    discarded and the exports folder is left as it was."""
    from pipeline import warehouse as wh

    warehouse, out = tmp_path / "warehouse.duckdb", tmp_path / "exports"
    shutil.copy(seeds_warehouse, warehouse)
    assert wh.exports_stale(warehouse, out)  # none yet
    wh.stage_exports(warehouse, out)
    shutil.copy(seeds_warehouse, tmp_path / "next.duckdb")
    (tmp_path / "next.duckdb").replace(warehouse)  # another run published since
    assert wh.publish_staged_exports(warehouse, out) is None
    assert not wh.staged_exports_dir(out).exists() and not list(out.glob("*.parquet"))

    staged = wh.stage_exports(warehouse, out)
    (staged / wh.STAMP).unlink()  # as if killed before the last export was written
    assert wh.publish_staged_exports(warehouse, out) is None and not staged.exists()

    wh.stage_exports(warehouse, out)
    assert wh.publish_staged_exports(warehouse, out) == wh.export_paths(out)
    assert not wh.exports_stale(warehouse, out)


def test_exports_staged_beside_checks_that_raise_are_discarded(seeds_warehouse, tmp_path):
    """Checks that fail to run (an error, not a failed check) leave no staged exports behind
    for the warehouse file they did not vouch for."""
    from pipeline import warehouse as wh

    out = tmp_path / "exports"
    with pytest.raises(RuntimeError, match="checks broke"):
        with wh.exports_staged_beside(seeds_warehouse, out):
            raise RuntimeError("checks broke")
    assert not wh.staged_exports_dir(out).exists()
    with wh.exports_staged_beside(seeds_warehouse, out):
        pass
    assert wh.publish_staged_exports(seeds_warehouse, out) == wh.export_paths(out)


def test_exports_started_at_publish_are_waited_for_taken_over_and_discarded(seeds_warehouse, tmp_path):
    """The run starts staging the exports as soon as it publishes the warehouse: moving them
    into place waits for all of them, the checks' block takes over the running staging (one
    writer of the folder), and discarding waits for it too, so nothing is written after."""
    from pipeline import warehouse as wh

    out = tmp_path / "exports"
    wh.start_staging_exports(seeds_warehouse, out)
    assert wh.publish_staged_exports(seeds_warehouse, out) == wh.export_paths(out)
    assert not wh.exports_stale(seeds_warehouse, out)

    wh.start_staging_exports(seeds_warehouse, out)
    with wh.exports_staged_beside(seeds_warehouse, out):
        pass
    assert (wh.staged_exports_dir(out) / wh.STAMP).exists()  # written whole, not discarded

    wh.start_staging_exports(seeds_warehouse, out)
    wh.discard_staged_exports(out)
    assert not wh.staged_exports_dir(out).exists()

