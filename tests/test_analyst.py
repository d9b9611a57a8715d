"""The analyst layer on the seed pages: views, example queries, `summit-etl export` and `query`."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from pipeline import analyst
from pipeline.assets import ALL_ASSETS, ALL_CHECKS, SummitSettings
from pipeline.cli import main
from pipeline.settings import PROJECT_ROOT
from pipeline.warehouse import TABLE_ORDER, export_parquet

SEEDS = PROJECT_ROOT / "seeds" / "documents"
VIEWS = ("attendance_matrix", "quotes_by_speaker", "statistics_by_summit", "summit_timeline",
         "syndication_clusters", "who_met_whom")


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("analyst")
    warehouse, exports = root / "warehouse.duckdb", root / "exports"
    result = dg.materialize(
        [*ALL_ASSETS, *ALL_CHECKS],
        resources={"settings": SummitSettings(input_dir=str(SEEDS), warehouse_path=str(warehouse),
                                              exports_dir=str(exports))},
    )
    assert result.success
    return {"root": root, "warehouse": warehouse, "exports": exports}


@pytest.fixture(scope="module")
def con(built):
    copy = built["root"] / "views.duckdb"  # the views are created on a copy; the build stays as published
    shutil.copy(built["warehouse"], copy)
    connection = duckdb.connect(str(copy))
    assert analyst.create_views(connection) == list(VIEWS)
    yield connection
    connection.close()


def rows(con, sql, params=()):
    return con.execute(sql, params).fetchall()


# ------------------------------------------------------------------------- the SQL files
@pytest.mark.parametrize("folder", [analyst.VIEWS_DIR, analyst.QUERIES_DIR])
def test_sql_files_have_a_name_and_purpose_header(folder):
    files = sorted(folder.glob("*.sql"))
    assert [p.stem for p in files] == list(VIEWS)
    for path in files:
        name, purpose = analyst.describe(path)
        assert name == path.stem and len(purpose) > 20, path
        assert re.match(r"-- \w+: \S", path.read_text(encoding="utf-8").splitlines()[0]), path


def test_view_files_create_or_replace_their_own_view_only():
    for path in analyst.view_files():
        statements = duckdb.extract_statements(path.read_text(encoding="utf-8"))
        assert [s.type for s in statements] == [duckdb.StatementType.CREATE], path
        assert re.search(rf"CREATE OR REPLACE VIEW {path.stem} AS", statements[0].query), path


def test_create_views_is_idempotent_and_ordered(con):
    assert analyst.create_views(con) == list(VIEWS) == analyst.view_names()
    assert analyst.create_views(con, ["who_met_whom"]) == ["who_met_whom"]
    got = {r[0] for r in rows(con, "SELECT view_name FROM duckdb_views() WHERE NOT internal")}
    assert set(VIEWS) <= got


# ------------------------------------------------------------------------------- the views
def test_summit_timeline(con):
    got = rows(con, "SELECT name, timeline_date, sources, independent_sources, attendees FROM summit_timeline")
    assert len(got) == rows(con, "SELECT count(*) FROM summits")[0][0] == 4
    first = got[0]  # the one dated summit comes first, undated ones after it
    assert first[0].startswith("Second Russia-Central Asia summit") and str(first[1]) == "2025-10-09"
    assert first[2] == 2 and first[3] == 2
    assert all(r[1] is None for r in got[1:])
    by_name = {r[0]: r for r in got}
    assert by_name["SCO summit in Samarkand"][4] == 7
    assert by_name["SCO summit in Astana"][4] == 3


def test_attendance_matrix(con):
    people = rows(con, "SELECT count(DISTINCT person_id) FROM attendees")[0][0]
    summits = rows(con, "SELECT count(*) FROM summits")[0][0]
    assert rows(con, "SELECT count(*), count(DISTINCT (person_id, summit_id)) FROM attendance_matrix") == [
        (people * summits, people * summits)]
    samarkand = {r[0] for r in rows(
        con, "SELECT person FROM attendance_matrix WHERE attended AND summit = ?", ["SCO summit in Samarkand"])}
    assert {"Vladimir Putin", "Xi Jinping", "Narendra Modi"} <= samarkand and len(samarkand) == 7
    assert rows(con, "SELECT attended, present FROM attendance_matrix WHERE person = ? AND summit = ?",
                ["Narendra Modi", "SCO summit in Astana"]) == [(False, 0)]
    assert rows(con, "SELECT sum(present) FROM attendance_matrix") == rows(con, "SELECT count(*) FROM attendees")


def test_who_met_whom(con):
    got = rows(con, "SELECT summit, city, sources FROM who_met_whom WHERE pair = ?",
               ["Narendra Modi – Vladimir Putin"])
    assert got == [("SCO summit in Samarkand", "Samarkand", 1)]
    assert rows(con, "SELECT count(*) FROM who_met_whom") == rows(con, "SELECT count(*) FROM meetings")
    assert rows(con, "SELECT count(*) FROM who_met_whom WHERE person_a IS NULL OR person_b IS NULL") == [(0,)]


def test_quotes_by_speaker(con):
    assert rows(con, "SELECT count(*) FROM quotes_by_speaker") == rows(con, "SELECT count(*) FROM quotes")
    assert rows(con, "SELECT count(*) FROM quotes_by_speaker WHERE speaker = ?", ["Vladimir Putin"]) == [(7,)]
    # the summit's name is there exactly when the quote is tied to a summit
    assert rows(con, "SELECT count(*) FROM quotes_by_speaker WHERE (summit IS NULL) <> (summit_id IS NULL)") == [(0,)]
    outlets = {r[0] for r in rows(con, "SELECT DISTINCT outlet FROM quotes_by_speaker WHERE speaker = ?",
                                  ["Xi Jinping"])}
    assert outlets == {"The Moscow Times", "Press TV"}


def test_statistics_by_summit(con):
    assert rows(con, "SELECT sum(statistics) FROM statistics_by_summit") == rows(con, "SELECT count(*) FROM statistics")
    usd = rows(con, "SELECT summit, statistics, max_value, examples FROM statistics_by_summit WHERE unit = 'USD'")
    assert len(usd) == 1
    summit, n, biggest, examples = usd[0]
    assert summit.startswith("Second Russia-Central Asia summit") and n == 2 and biggest == 45e9
    assert "over $45 billion" in examples


def test_syndication_clusters(con):
    assert rows(con, "SELECT sum(articles) FROM syndication_clusters") == rows(con, "SELECT count(*) FROM articles")
    clusters = rows(con, "SELECT articles, independent_sources, outlets, wires, titles FROM syndication_clusters "
                         "WHERE articles > 1")
    assert len(clusters) == 1
    articles, independent, outlets, wires, titles = clusters[0]
    assert articles == 2 and independent == 2 and "ThePrint" in outlets and wires == ["Reuters"]
    assert titles == ["Putin urges Central Asian states to step up trade with Russia"]


# --------------------------------------------------------------------------------- export
@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_export_writes_every_table_and_view(built, tmp_path, fmt, capsys):
    out = tmp_path / fmt
    assert main(["export", "--format", fmt, "--warehouse", str(built["warehouse"]), "--out", str(out)]) == 0
    names = {*TABLE_ORDER, *VIEWS}
    assert {p.name for p in out.iterdir()} == {f"{n}.{fmt}" for n in names}
    reader = duckdb.read_parquet if fmt == "parquet" else duckdb.read_csv
    assert len(reader(str(out / f"who_met_whom.{fmt}")).fetchall()) == 9
    assert f"summit_timeline.{fmt}" in capsys.readouterr().out


def test_export_leaves_a_same_process_readers_memory_limit_as_it_was(built, tmp_path):
    # the export runs within the writer's memory limit on the database instance it shares with
    # any other read-only connection of this process, and gives that connection its default back
    held = duckdb.connect(str(built["warehouse"]), read_only=True)
    try:
        before = held.execute("SELECT current_setting('memory_limit')").fetchone()[0]
        export_parquet(built["warehouse"], tmp_path / "out")
        assert held.execute("SELECT current_setting('memory_limit')").fetchone()[0] == before
        assert held.execute("SELECT count(*) FROM articles").fetchone()[0] == 5
    finally:
        held.close()
    assert len(duckdb.read_parquet(str(tmp_path / "out" / "articles.parquet")).fetchall()) == 5


def test_export_errors_exit_2(tmp_path, capsys):
    assert main(["export", "--warehouse", str(tmp_path / "missing.duckdb"), "--out", str(tmp_path / "x")]) == 2
    assert "no warehouse" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exc:
        main(["export", "--format", "xlsx", "--out", str(tmp_path / "x")])
    assert exc.value.code == 2


# ---------------------------------------------------------------------------------- query
@pytest.fixture(scope="module")
def exports(built, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("exports")
    assert main(["export", "--warehouse", str(built["warehouse"]), "--out", str(out)]) == 0
    return out


def test_query_prints_rows(exports, capsys):
    assert main(["query", "SELECT person_a, person_b, city FROM who_met_whom WHERE person_b = 'Narendra Modi'",
                 "--exports", str(exports)]) == 0
    out = capsys.readouterr().out
    assert "Vladimir Putin" in out and "Narendra Modi" in out and "Samarkand" in out


@pytest.mark.parametrize("path", sorted(analyst.QUERIES_DIR.glob("*.sql")), ids=lambda p: p.stem)
def test_example_queries_run(exports, path, capsys):
    assert main(["query", "--file", str(path), "--exports", str(exports), "--max-width", "300"]) == 0
    out = capsys.readouterr().out
    assert out.count("\n") > 4 and "│" in out


def test_query_builds_views_over_table_only_exports(built, capsys):
    # `summit-etl run` exports the tables only; the views are built over them in memory
    assert not (built["exports"] / "who_met_whom.parquet").exists()
    assert main(["query", "SELECT count(*) AS n FROM attendance_matrix WHERE attended",
                 "--exports", str(built["exports"])]) == 0
    assert "12" in capsys.readouterr().out


def test_query_describe_show_summarize_explain(exports, capsys):
    for sql in ("DESCRIBE summits", "SHOW TABLES", "SUMMARIZE quotes", "EXPLAIN SELECT * FROM summits",
                "FROM summits SELECT name LIMIT 1", "WITH s AS (SELECT 1 AS x) SELECT * FROM s"):
        assert main(["query", sql, "--exports", str(exports)]) == 0, sql
    assert "summit_timeline" in capsys.readouterr().out


@pytest.mark.parametrize("sql", [
    "CREATE TABLE t AS SELECT 1",
    "INSERT INTO summits SELECT * FROM summits",
    "COPY summits TO '{exports}/copied.csv'",
    "COPY (SELECT 1) TO '{exports}/copied.parquet' (FORMAT parquet)",
    "EXPORT DATABASE '{exports}/db'",
    "ATTACH '{exports}/new.duckdb' AS x",
    "SET enable_external_access = true",
    "SELECT 1; DROP VIEW summits",
    "EXPLAIN ANALYZE CREATE TABLE t AS SELECT 1",
    "CREATE TABLE t AS PIVOT summits ON city USING count(*)",
])
def test_query_refuses_writes(exports, sql, capsys):
    before = sorted(p.name for p in exports.iterdir())
    assert main(["query", sql.format(exports=exports), "--exports", str(exports)]) == 2
    assert "refused" in capsys.readouterr().err
    assert sorted(p.name for p in exports.iterdir()) == before


def test_query_cannot_read_outside_the_exports(exports, capsys):
    assert main(["query", f"SELECT * FROM read_text('{PROJECT_ROOT / 'README.md'}')", "--exports", str(exports)]) == 2
    assert "Permission" in capsys.readouterr().err


def test_query_errors_exit_2(exports, tmp_path, capsys):
    assert main(["query", "SELEC 1", "--exports", str(exports)]) == 2
    assert "bad SQL" in capsys.readouterr().err
    assert main(["query", "SELECT * FROM no_such_table", "--exports", str(exports)]) == 2
    assert "query failed" in capsys.readouterr().err
    assert main(["query", "SELECT 1", "--exports", str(tmp_path / "missing")]) == 2
    assert "no exports folder" in capsys.readouterr().err
    (tmp_path / "empty").mkdir()
    assert main(["query", "SELECT 1", "--exports", str(tmp_path / "empty")]) == 2
    assert "no Parquet or CSV exports" in capsys.readouterr().err
    assert main(["query", "--file", str(tmp_path / "missing.sql"), "--exports", str(exports)]) == 2
    assert main(["query", "--exports", str(exports)]) == 2
    assert main(["query", "", "--exports", str(exports)]) == 2


def test_pivot_with_values_from_the_data_is_a_query():
    assert analyst.check_read_only("PIVOT attendance_matrix ON summit_label USING max(present) GROUP BY person")
    assert analyst.check_read_only("SELECT * FROM (PIVOT summits ON city USING count(*))")
    for sql in ("CREATE TABLE t AS PIVOT summits ON city USING count(*)",
                "WITH p AS (PIVOT summits ON city USING count(*)) INSERT INTO t SELECT * FROM p",
                "-- a comment\nEXPLAIN ANALYZE INSERT INTO t VALUES (1)"):
        with pytest.raises(analyst.AnalystError):
            analyst.check_read_only(sql)
