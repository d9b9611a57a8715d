"""Incremental, idempotent and crash-safe runs, on copies of the seed and fixture pages.

Each run is the real Dagster graph materialised into a DuckDB file; the crash tests run the
pipeline in a child process and SIGKILL it at chosen points of a run.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from pipeline.assets import ALL_ASSETS, ALL_CHECKS, SummitSettings
from pipeline.settings import PROJECT_ROOT
from pipeline.warehouse import TABLE_ORDER

SEEDS = PROJECT_ROOT / "seeds" / "documents"
FIXTURES = PROJECT_ROOT / "tests" / "fixtures" / "articles"
KEYS = {"articles": "article_id", "summits": "summit_id", "people": "person_id", "quotes": "quote_id",
        "statistics": "statistic_id", "meetings": "meeting_id", "documents": "source_path",
        "rejected_documents": "source_path", "attendees": "summit_id, person_id"}


def run(input_dir: Path, warehouse: Path) -> None:
    result = dg.materialize(
        [*ALL_ASSETS, *ALL_CHECKS],
        resources={"settings": SummitSettings(input_dir=str(input_dir), warehouse_path=str(warehouse),
                                              exports_dir=str(warehouse.parent / "exports"))},
    )
    assert result.success


def snapshot(warehouse: Path) -> dict[str, list[tuple]]:
    """Every public table's rows (minus run timestamps), in key order."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        out = {}
        for table in TABLE_ORDER:
            cols = [c for (c,) in con.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = ? AND table_schema = 'main' "
                "ORDER BY ordinal_position", [table]).fetchall() if c != "seen_at"]
            out[table] = con.execute(f"SELECT {', '.join(cols)} FROM {table} ORDER BY {KEYS[table]}, 1").fetchall()
        return out
    finally:
        con.close()


def last_run(warehouse: Path) -> dict:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        cur = con.execute("SELECT * FROM etl.runs ORDER BY finished_at DESC LIMIT 1")
        names = [d[0] for d in cur.description]
        return dict(zip(names, cur.fetchall()[0]))
    finally:
        con.close()


def corpus(tmp_path: Path) -> Path:
    inp = tmp_path / "in"
    shutil.copytree(SEEDS, inp)
    for name in sorted(p.name for p in FIXTURES.iterdir())[:4]:
        shutil.copy(FIXTURES / name, inp / name)
    (inp / "empty.html").write_bytes(b"")
    return inp


@pytest.fixture(scope="module")
def first(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("incr")
    inp = corpus(tmp)
    warehouse = tmp / "wh" / "warehouse.duckdb"
    run(inp, warehouse)
    return inp, warehouse, snapshot(warehouse)


def fresh_copy(first, tmp_path):
    inp, warehouse, snap = first
    new_inp, new_wh = tmp_path / "in", tmp_path / "wh" / "warehouse.duckdb"
    shutil.copytree(inp, new_inp)
    new_wh.parent.mkdir()
    shutil.copy(warehouse, new_wh)
    # copying resets mtimes: make the copy's state match the copied files again
    run(new_inp, new_wh)
    return new_inp, new_wh, snap


def test_unchanged_rerun_changes_nothing_and_parses_nothing(first, tmp_path):
    inp, warehouse, snap = fresh_copy(first, tmp_path)
    before = warehouse.stat()
    run(inp, warehouse)
    assert snapshot(warehouse) == snap
    after = warehouse.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)  # not even rewritten


def test_cli_starts_no_run_when_nothing_changed(first, tmp_path, capsys, monkeypatch):
    """``summit-etl run`` looks at the plan before Dagster starts: nothing changed and every
    export there means no run (the warehouse file is not even opened for writing); a missing
    export, a new file or ``--force`` means a run."""
    from pipeline import cli

    inp, warehouse, snap = fresh_copy(first, tmp_path)
    exports = warehouse.parent / "exports"
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster_home"))
    args = ["run", "--input", str(inp), "--warehouse", str(warehouse), "--exports", str(exports)]
    before = warehouse.stat()
    capsys.readouterr()

    assert cli.main(args) == 0
    out = capsys.readouterr().out
    assert "none new, changed or deleted since the last run: no run started" in out
    assert f"quotes {len(snap['quotes']):>7} rows".split() == [l for l in out.splitlines() if "quotes" in l][0].split()
    after = warehouse.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)

    assert cli.main([*args, "--force"]) == 0
    assert "warehouse left as it was" in capsys.readouterr().out
    assert snapshot(warehouse) == snap

    (exports / "quotes.parquet").unlink()
    assert cli.main(args) == 0
    assert "warehouse left as it was" in capsys.readouterr().out and (exports / "quotes.parquet").exists()

    extra = sorted(p.name for p in FIXTURES.iterdir())[6]
    shutil.copy(FIXTURES / extra, inp / extra)
    assert cli.main(args) == 0
    assert "1 read" in capsys.readouterr().out
    assert len(snapshot(warehouse)["documents"]) == len(snap["documents"]) + 1


def test_the_console_script_reports_and_exits_with_the_runs_code(first, tmp_path):
    """``python -m pipeline`` (what ``summit-etl`` runs) leaves through ``os._exit`` after a
    frozen heap: its summary still reaches the pipe whole, the exit code is the run's, a usage
    error is 2, and nothing is printed about objects left at exit."""
    inp, warehouse, snap = fresh_copy(first, tmp_path)
    extra = sorted(p.name for p in FIXTURES.iterdir())[6]
    shutil.copy(FIXTURES / extra, inp / extra)
    env = {**os.environ, "DAGSTER_HOME": str(tmp_path / "dagster_home")}
    cmd = [sys.executable, "-m", "pipeline", "run", "--input", str(inp), "--warehouse", str(warehouse),
           "--exports", str(warehouse.parent / "exports")]
    proc = subprocess.run(cmd, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "1 read" in proc.stdout and proc.stdout.rstrip().splitlines()[-1].startswith("done in")
    assert "leaked" not in proc.stderr and "Traceback" not in proc.stderr
    assert len(snapshot(warehouse)["documents"]) == len(snap["documents"]) + 1

    missing = subprocess.run([*cmd[:4], "--input", str(tmp_path / "no-such-folder"), *cmd[6:]],
                             cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert missing.returncode == 2 and "no-such-folder" in missing.stderr
    usage = subprocess.run([sys.executable, "-m", "pipeline", "nonsense"], cwd=PROJECT_ROOT, env=env,
                           capture_output=True, text=True, timeout=300)
    assert usage.returncode == 2 and "invalid choice" in usage.stderr


def test_the_run_takes_the_cli_plan_only_while_the_warehouse_it_read_is_published(first, tmp_path):
    """The CLI hands its look-ahead plan to the run it starts (the ingest asset does not scan
    and read the warehouse a second time), but only for the same folder and the same published
    warehouse file, and only once; after a publish the plan is made again, and it is right."""
    from pipeline import stages

    inp, warehouse, snap = fresh_copy(first, tmp_path)
    extra = sorted(p.name for p in FIXTURES.iterdir())[6]
    shutil.copy(FIXTURES / extra, inp / extra)
    ahead = stages.look_ahead(inp, warehouse)
    assert ahead.pending == [extra] and ahead.previous.mark == stages.file_mark(warehouse)

    with stages.handing_over(ahead, warehouse):
        taken = stages.plan_for_run(inp, warehouse, tmp_path / "staging-1")
        again = stages.plan_for_run(inp, warehouse, tmp_path / "staging-2")
    assert taken.pending is ahead.pending and taken.staging == str(tmp_path / "staging-1")
    assert again.pending == [extra] and again.pending is not ahead.pending  # taken once, then made anew

    with stages.handing_over(ahead, warehouse):
        other = stages.plan_for_run(FIXTURES, warehouse, tmp_path / "staging-3")
    assert other.pending is not ahead.pending and other.files_seen == len(list(FIXTURES.iterdir()))

    run(inp, warehouse)  # publishes a new warehouse file: the look-ahead is out of date
    with stages.handing_over(ahead, warehouse):
        fresh = stages.plan_for_run(inp, warehouse, tmp_path / "staging-4")
    assert fresh.pending == [] and fresh.nothing_changed
    assert len(snapshot(warehouse)["documents"]) == len(snap["documents"]) + 1


def test_cli_run_reads_the_warehouse_record_once(first, tmp_path, monkeypatch):
    """``summit-etl run`` with a new file: the look-ahead reads the published warehouse's record
    and the run it starts takes that plan, so the record is read once, and the new file lands."""
    from pipeline import cli
    from pipeline import warehouse as wh

    inp, warehouse, snap = fresh_copy(first, tmp_path)
    extra = sorted(p.name for p in FIXTURES.iterdir())[6]
    shutil.copy(FIXTURES / extra, inp / extra)
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster_home"))
    reads = []
    real = wh.read_previous
    monkeypatch.setattr(wh, "read_previous", lambda path: reads.append(path) or real(path))
    assert cli.main(["run", "--input", str(inp), "--warehouse", str(warehouse),
                     "--exports", str(warehouse.parent / "exports")]) == 0
    assert len(reads) == 1
    assert len(snapshot(warehouse)["documents"]) == len(snap["documents"]) + 1


def test_cli_head_start_cleans_and_extracts_before_dagster_with_the_same_tables(tmp_path, monkeypatch):
    """``summit-etl run`` with many files to read starts cleaning and extracting them in the
    workers before Dagster loads (stages.head_start); the clean and extract assets collect
    that work instead of submitting their own, and the warehouse is the one a run without a
    head start builds. Nothing is left in the staging folder."""
    from pipeline import cli, stages, workers

    inp = tmp_path / "in"
    shutil.copytree(SEEDS, inp)
    for path in FIXTURES.iterdir():
        shutil.copy(path, inp / path.name)
    (inp / "empty.html").write_bytes(b"")  # rejected, in a head start as in a run
    monkeypatch.setattr(stages, "PARALLEL_FROM", 2)  # the pool for a small corpus
    monkeypatch.setattr(stages, "BATCH_SIZE", 4)  # several batches on each worker
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster_home"))
    submitted = []
    real = stages.run_batches
    monkeypatch.setattr(stages, "run_batches", lambda fn, *a, **k: submitted.append(fn.__name__) or real(fn, *a, **k))

    started_ahead = []  # the pool running when the head start begins: the one cli.run started before planning
    real_head_start = stages.head_start

    def head_start(plan, warehouse):
        started_ahead.append(workers._POOL)
        assert real_head_start(plan, warehouse) and stages._HEAD_START.pool is started_ahead[0]
        return True

    monkeypatch.setattr(stages, "head_start", head_start)

    with_head = tmp_path / "a" / "warehouse.duckdb"
    assert cli.main(["run", "--input", str(inp), "--warehouse", str(with_head),
                     "--exports", str(with_head.parent / "exports")]) == 0
    assert len(started_ahead) == 1 and started_ahead[0] is not None
    assert submitted == []  # both stages took the head start's results
    assert stages._HEAD_START is None and workers._POOL is None
    assert not any(stages.staging_base(with_head).iterdir())

    without = tmp_path / "b" / "warehouse.duckdb"
    run(inp, without)
    assert submitted == ["clean_batch", "extract_batch"]
    assert snapshot(with_head) == snapshot(without)
    assert len(snapshot(with_head)["rejected_documents"]) == 1


def test_a_head_start_is_abandoned_when_the_warehouse_changed_since_the_look_ahead(first, tmp_path, monkeypatch):
    """A head start belongs to the look-ahead's plan: when the published warehouse changed in
    between, the run makes its plan again in its own staging folder, and the head start's
    folder is removed once the workers have stopped."""
    from pipeline import stages

    inp, warehouse, _ = fresh_copy(first, tmp_path)
    for path in sorted(FIXTURES.iterdir())[4:]:
        shutil.copy(path, inp / path.name)
    monkeypatch.setattr(stages, "PARALLEL_FROM", 2)
    ahead = stages.look_ahead(inp, warehouse)
    try:
        assert stages.head_start(ahead, warehouse)
        head = stages._HEAD_START
        with stages.handing_over(ahead, warehouse):
            taken = stages.plan_for_run(inp, warehouse, tmp_path / "staging-1")
        assert taken.staging == str(head.staging) and not (tmp_path / "staging-1").exists()
        assert stages._head_start_for(taken) is head

        assert stages.head_start(ahead, warehouse)
        head = stages._HEAD_START
        os.utime(warehouse, ns=(1, 1))  # as if another run had published since the look-ahead
        with stages.handing_over(ahead, warehouse):
            fresh = stages.plan_for_run(inp, warehouse, tmp_path / "staging-2")
        assert fresh.staging == str(tmp_path / "staging-2") and fresh.pending == ahead.pending
        assert head.abandoned and stages._head_start_for(fresh) is None
    finally:
        stages.stop_workers()
        stages.end_head_start()
    assert not head.staging.exists() and stages._HEAD_START is None


def test_nightly_schedule_skips_a_night_when_nothing_changed(first, tmp_path):
    from pipeline.definitions import JOB_NAME, SCHEDULE_NAME, build_definitions
    from pipeline.settings import Settings

    inp, warehouse, snap = fresh_copy(first, tmp_path)
    exports = warehouse.parent / "exports"
    schedule = build_definitions(Settings(inp, warehouse, exports)).resolve_schedule_def(SCHEDULE_NAME)
    settings = SummitSettings(input_dir=str(inp), warehouse_path=str(warehouse), exports_dir=str(exports))

    def tick():
        with dg.build_schedule_context(resources={"settings": settings}) as context:
            return schedule.evaluate_tick(context)

    quiet = tick()
    assert not quiet.run_requests and "no change in" in quiet.skip_message
    (inp / sorted(p.name for p in inp.iterdir())[0]).unlink()
    busy = tick()
    assert [r.tags["summit_etl/retired"] for r in busy.run_requests] == ["1"]
    assert busy.run_requests[0].job_name in (None, JOB_NAME)
    missing = SummitSettings(input_dir=str(tmp_path / "missing"), warehouse_path=str(warehouse),
                             exports_dir=str(exports))
    with dg.build_schedule_context(resources={"settings": missing}) as context:
        assert "does not exist" in schedule.evaluate_tick(context).skip_message


def test_touched_file_is_reused_by_content_hash(first, tmp_path):
    inp, warehouse, snap = fresh_copy(first, tmp_path)
    for path in inp.iterdir():
        os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))
    run(inp, warehouse)
    info = last_run(warehouse)
    assert info["parsed"] == 0 and info["reused"] == len(snap["documents"])
    assert snapshot(warehouse) == snap


def test_cache_of_an_older_layout_is_parsed_again(first, tmp_path):
    """A warehouse whose extraction cache has other columns (written by an older release) is
    not reused: every file is parsed again, into the same tables and the current layout."""
    inp, warehouse, snap = fresh_copy(first, tmp_path)
    con = duckdb.connect(str(warehouse))
    try:
        con.execute("ALTER TABLE etl.extracted DROP COLUMN statistics")
    finally:
        con.close()
    for path in inp.iterdir():  # not reusable by file state either: only by content
        os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))
    run(inp, warehouse)
    info = last_run(warehouse)
    assert info["parsed"] == len(snap["documents"]) and info["reused"] == 0
    assert snapshot(warehouse) == snap
    before = warehouse.stat()
    run(inp, warehouse)  # and the state it wrote is current: the next run changes nothing
    assert (warehouse.stat().st_ino, warehouse.stat().st_mtime_ns) == (before.st_ino, before.st_mtime_ns)


def test_a_table_built_by_other_sql_is_rebuilt_not_kept(first, tmp_path):
    """A run starts from a copy of the published warehouse and keeps the articles in place only
    while sql/articles.sql is the file that built them: articles of another shape (an older
    release's) are rebuilt, and a table no release makes any more is dropped."""
    inp, warehouse, snap = fresh_copy(first, tmp_path)
    con = duckdb.connect(str(warehouse))
    try:
        con.execute("ALTER TABLE articles ADD COLUMN retired_column INTEGER")
        con.execute("UPDATE etl.layout SET sql_sha1 = 'an older digest' WHERE table_name = 'articles'")
        con.execute("CREATE TABLE leftover AS SELECT 1 AS x")
    finally:
        con.close()
    extra = sorted(p.name for p in FIXTURES.iterdir())[5]
    shutil.copy(FIXTURES / extra, inp / extra)
    run(inp, warehouse)
    assert last_run(warehouse)["parsed"] == 1
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        columns = {c for (c,) in con.execute(
            "SELECT column_name FROM duckdb_columns() WHERE table_name = 'articles'").fetchall()}
        tables = {t for (t,) in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
        digest = con.execute("SELECT sql_sha1 FROM etl.layout WHERE table_name = 'articles'").fetchall()[0][0]
    finally:
        con.close()
    assert "retired_column" not in columns and "body_text" in columns
    assert "leftover" not in tables and {"articles", "quotes", "extracted", "layout"} <= tables
    assert digest == hashlib.sha1((PROJECT_ROOT / "sql" / "articles.sql").read_bytes()).hexdigest()
    got = snapshot(warehouse)
    assert {r[0] for r in got["articles"]} == {r[0] for r in snap["articles"]} | {
        r[5] for r in got["documents"] if r[0] == extra}


def test_identical_new_files_each_get_the_rows_once(first, tmp_path):
    """Two byte-identical new files are cleaned once each in the same run (both are staged);
    each article gets its quotes and statistics exactly once, like a reused copy of them."""
    inp, warehouse, snap = fresh_copy(first, tmp_path)
    extra = sorted(p for p in FIXTURES.iterdir())[5]
    for name in ("copy-a", "copy-b"):
        shutil.copy(extra, inp / (name + extra.suffix))
    run(inp, warehouse)
    assert last_run(warehouse)["parsed"] == 2
    source = inp / ("copy-c" + extra.suffix)
    shutil.copy(extra, source)  # a third copy, reused from the cache the first two wrote
    run(inp, warehouse)
    assert last_run(warehouse)["parsed"] == 0
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        counts = dict(con.execute(
            "SELECT d.source_path, (SELECT count(*) FROM quotes q WHERE q.article_id = d.article_id) "
            "+ (SELECT count(*) FROM statistics s WHERE s.article_id = d.article_id) "
            "FROM documents d WHERE d.sha256 = (SELECT sha256 FROM documents WHERE source_path = ?)",
            [source.name]).fetchall())
        ids = con.execute("SELECT count(*) = count(DISTINCT quote_id) FROM quotes").fetchall()[0][0]
        cache = con.execute("SELECT count(*), count(DISTINCT (sha256, format)) FROM etl.extracted").fetchall()[0]
    finally:
        con.close()
    assert set(counts) == {f"copy-{c}{extra.suffix}" for c in "abc"}
    assert counts[source.name] > 0 and len(set(counts.values())) == 1
    assert ids
    assert cache[0] == cache[1]  # the two copies staged in one run were cached once


def test_new_file_is_processed_alone(first, tmp_path):
    inp, warehouse, snap = fresh_copy(first, tmp_path)
    extra = sorted(p.name for p in FIXTURES.iterdir())[5]
    shutil.copy(FIXTURES / extra, inp / extra)
    run(inp, warehouse)
    info = last_run(warehouse)
    assert info["parsed"] == 1 and info["reused"] == len(snap["documents"])
    got = snapshot(warehouse)
    assert {r[0] for r in got["documents"]} == {r[0] for r in snap["documents"]} | {extra}
    # the old articles keep their ids and their quotes
    old_quotes = {r[0] for r in snap["quotes"]}
    assert old_quotes <= {r[0] for r in got["quotes"]}


def test_changed_file_replaces_its_rows(first, tmp_path):
    inp, warehouse, snap = fresh_copy(first, tmp_path)
    victim = sorted(p for p in inp.iterdir() if p.suffix == ".txt" and p.stat().st_size > 0)[0]
    text = victim.read_text(encoding="utf-8")
    victim.write_text(text + '\n\nThe host said: "We have agreed on a new fund for the region."\n', encoding="utf-8")
    run(inp, warehouse)
    info = last_run(warehouse)
    assert info["parsed"] == 1
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        sha = con.execute("SELECT sha256 FROM documents WHERE source_path = ?", [victim.name]).fetchall()
        assert sha == [(hashlib.sha256(victim.read_bytes()).hexdigest(),)]
        assert con.execute("SELECT count(*) FROM articles WHERE source_path = ?", [victim.name]).fetchall() == [(1,)]
        # the cache holds only current contents
        n_cache = con.execute("SELECT count(*) FROM etl.extracted").fetchall()[0][0]
        assert n_cache == con.execute("SELECT count(DISTINCT (sha256, format)) FROM documents").fetchall()[0][0]
    finally:
        con.close()


def test_quotes_and_statistics_updated_in_place_equal_a_build_from_scratch(first, tmp_path):
    """Quotes and statistics are updated in place (rows that left deleted, changed ones
    updated, new ones appended): after a run where a quote keeps its offset but not its
    words, another file is deleted and a new one arrives, every table equals a build from
    scratch of the same folder."""
    inp, warehouse, snap = fresh_copy(first, tmp_path)
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        quote_id, path, text = con.execute(
            "SELECT q.quote_id, d.source_path, q.text FROM quotes q JOIN documents d USING (article_id) "
            "WHERE d.source_path LIKE '%.txt' AND length(q.text) > 20 ORDER BY q.quote_id LIMIT 1").fetchall()[0]
        gone = con.execute("SELECT source_path FROM documents d WHERE source_path <> ? AND EXISTS "
                           "(SELECT 1 FROM statistics s WHERE s.article_id = d.article_id) ORDER BY 1 LIMIT 1",
                           [path]).fetchall()[0][0]
    finally:
        con.close()
    page = inp / path
    body = page.read_text(encoding="utf-8")
    assert text in body
    at = next(i for i, c in enumerate(text) if i > 5 and c in "aeiou")
    edited = text[:at] + ("o" if text[at] != "o" else "a") + text[at + 1:]  # same offsets, one letter else
    page.write_text(body.replace(text, edited, 1), encoding="utf-8")
    (inp / gone).unlink()
    extra = sorted(p.name for p in FIXTURES.iterdir())[8]
    shutil.copy(FIXTURES / extra, inp / extra)
    run(inp, warehouse)
    got = snapshot(warehouse)
    assert (quote_id, edited) in {(r[0], r[5]) for r in got["quotes"]}  # updated, same id
    assert gone not in {r[0] for r in got["documents"]} and extra in {r[0] for r in got["documents"]}
    clean = tmp_path / "clean" / "warehouse.duckdb"
    run(inp, clean)
    assert got == snapshot(clean)


# Two page dumps of our own: an unnamed summit in Osaka, then a page that names it.
UNNAMED_SUMMIT_PAGE = """Example Daily News

Home | World | Business

Leaders arrive for the summit in Osaka

June 27, 2019

OSAKA, June 27 - Leaders began arriving on Thursday for the summit in Osaka, where trade is expected to top the agenda for two days of talks.

"We will not accept a new round of tariffs on our exporters," Prime Minister Shinzo Abe told reporters at the airport.

Officials said trade between the attending economies reached $2.5 trillion last year, up 4 percent from the year before.

The talks open on Friday morning with a session on the world economy.

Copyright Example Daily News
"""
NAMING_PAGE = """Example Evening Post

Home | World | Politics

G20 leaders open their summit in Osaka

June 28, 2019

OSAKA, June 28 - The G20 summit in Osaka opened on Friday with leaders of the world's largest economies calling for calm in a trade dispute that has shaken markets.

"Open markets are the foundation of our prosperity," President Cyril Ramaphosa said in his opening remarks.

The group accounts for about 85 percent of world output, officials said.

Talks continue on Saturday.

Copyright Example Evening Post
"""


def test_kept_quotes_and_statistics_follow_a_summit_that_a_new_page_names(tmp_path):
    """An unchanged page's quotes and statistics keep their rows, but their summit id follows
    normalisation: once a new page names the unnamed "summit in Osaka" as the G20's, the old
    page's rows point at the G20 summit, as in a build from scratch."""
    inp = tmp_path / "in"
    inp.mkdir()
    (inp / "arrivals.txt").write_text(UNNAMED_SUMMIT_PAGE, encoding="utf-8")
    warehouse = tmp_path / "wh" / "warehouse.duckdb"
    run(inp, warehouse)

    def rows_of(path: Path, page: str) -> set[tuple]:
        con = duckdb.connect(str(path), read_only=True)
        try:
            return set(con.execute(
                "SELECT 'quote', q.quote_id, s.organization FROM quotes q JOIN documents d USING (article_id) "
                "LEFT JOIN summits s USING (summit_id) WHERE d.source_path = ? UNION ALL "
                "SELECT 'statistic', n.statistic_id, s.organization FROM statistics n JOIN documents d USING (article_id) "
                "LEFT JOIN summits s USING (summit_id) WHERE d.source_path = ?", [page, page]).fetchall())
        finally:
            con.close()

    before = rows_of(warehouse, "arrivals.txt")
    assert {kind for kind, _, _ in before} == {"quote", "statistic"} and {o for _, _, o in before} == {None}
    (inp / "opening.txt").write_text(NAMING_PAGE, encoding="utf-8")
    run(inp, warehouse)
    assert last_run(warehouse)["parsed"] == 1
    after = rows_of(warehouse, "arrivals.txt")
    assert {(k, i) for k, i, _ in after} == {(k, i) for k, i, _ in before}  # the same rows
    assert {o for _, _, o in after} == {"G20"}  # now at the named summit
    clean = tmp_path / "clean" / "warehouse.duckdb"
    run(inp, clean)
    assert snapshot(warehouse) == snapshot(clean)


# Two more page dumps of our own: a quote by a president named by his surname only, then a page
# that gives his full name.
SURNAME_PAGE = """Example Morning Star

Home | World | Africa

Trade ministers meet in Pretoria

March 3, 2021

PRETORIA, March 3 - Trade ministers from the region met in Pretoria on Wednesday to prepare a customs agreement.

"We must lower the barriers between our markets," President Ramaphosa told the ministers at the opening session.

Officials said regional trade grew 6 percent last year.

Copyright Example Morning Star
"""
FULL_NAME_PAGE = """Example Weekly

Home | World | Politics

Customs agreement signed in Pretoria

March 5, 2021

PRETORIA, March 5 - South African President Cyril Ramaphosa signed the regional customs agreement on Friday.

"This agreement will open our markets to each other," Ramaphosa said at the signing ceremony.

Copyright Example Weekly
"""


def test_kept_quotes_follow_a_speaker_that_a_new_page_names_in_full(tmp_path):
    """An unchanged page's quotes keep their rows, but their speaker follows normalisation: once
    a new page gives the full name of a president the old page names by surname only, the old
    page's quote is by the full name's person, as in a build from scratch."""
    inp = tmp_path / "in"
    inp.mkdir()
    (inp / "ministers.txt").write_text(SURNAME_PAGE, encoding="utf-8")
    warehouse = tmp_path / "wh" / "warehouse.duckdb"
    run(inp, warehouse)

    def speakers(path: Path) -> dict[str, tuple]:
        con = duckdb.connect(str(path), read_only=True)
        try:
            return {r[0]: r[1:] for r in con.execute(
                "SELECT q.quote_id, q.speaker, q.speaker_person_id FROM quotes q JOIN documents d USING (article_id) "
                "WHERE d.source_path = 'ministers.txt'").fetchall()}
        finally:
            con.close()

    before = speakers(warehouse)
    assert [s for s, _ in before.values()] == ["Ramaphosa"]
    (inp / "signing.txt").write_text(FULL_NAME_PAGE, encoding="utf-8")
    run(inp, warehouse)
    assert last_run(warehouse)["parsed"] == 1
    after = speakers(warehouse)
    assert after.keys() == before.keys()  # the same row
    assert [s for s, _ in after.values()] == ["Cyril Ramaphosa"]
    assert list(after.values())[0][1] != list(before.values())[0][1]  # another person id
    clean = tmp_path / "clean" / "warehouse.duckdb"
    run(inp, clean)
    assert snapshot(warehouse) == snapshot(clean)


def test_deleted_file_rows_are_retired(first, tmp_path):
    inp, warehouse, snap = fresh_copy(first, tmp_path)
    con = duckdb.connect(str(warehouse), read_only=True)
    victim, aid = con.execute("SELECT source_path, article_id FROM articles ORDER BY source_path LIMIT 1").fetchall()[0]
    con.close()
    (inp / victim).unlink()
    run(inp, warehouse)
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        for table in ("articles", "quotes", "statistics", "documents"):
            assert con.execute(f"SELECT count(*) FROM {table} WHERE article_id = ?", [aid]).fetchall() == [(0,)]
        assert con.execute("SELECT source_path, article_id FROM etl.retired").fetchall() == [(victim, aid)]
        for (ids,) in con.execute("SELECT article_ids FROM summits").fetchall():
            assert aid not in ids
    finally:
        con.close()
    assert last_run(warehouse)["retired"] == 1


def test_reader_holding_a_connection_does_not_break_a_run(first, tmp_path):
    inp, warehouse, snap = fresh_copy(first, tmp_path)
    reader = duckdb.connect(str(warehouse), read_only=True)
    try:
        before = reader.execute("SELECT count(*) FROM articles").fetchall()
        extra = sorted(p.name for p in FIXTURES.iterdir())[6]
        shutil.copy(FIXTURES / extra, inp / extra)
        run(inp, warehouse)  # publishes a new file; the reader keeps its snapshot
        assert reader.execute("SELECT count(*) FROM articles").fetchall() == before
    finally:
        reader.close()
    assert len(snapshot(warehouse)["articles"]) == before[0][0] + 1


def test_a_table_that_fails_beside_the_others_publishes_nothing(first, tmp_path, monkeypatch):
    """The quotes and statistics are built on a thread of their own beside the other tables: an
    error there fails the run as an error in any table does, the published warehouse stays as it
    was, and no half-built file is left."""
    import pipeline.warehouse as wh

    inp, warehouse, snap = fresh_copy(first, tmp_path)
    extra = sorted(p.name for p in FIXTURES.iterdir())[6]
    shutil.copy(FIXTURES / extra, inp / extra)
    real = wh._build_from_cache

    def build(con, table, keys):
        if table == "statistics":
            con.execute("SELECT error('statistics could not be built')").fetchall()
        return real(con, table, keys)

    monkeypatch.setattr(wh, "_build_from_cache", build)
    result = dg.materialize(
        [*ALL_ASSETS, *ALL_CHECKS], raise_on_error=False,
        resources={"settings": SummitSettings(input_dir=str(inp), warehouse_path=str(warehouse),
                                              exports_dir=str(warehouse.parent / "exports"))})
    assert not result.success
    failure = next(e for e in result.all_events if e.is_step_failure)
    assert failure.step_key == "warehouse_tables"
    assert "statistics could not be built" in str(failure.event_specific_data.error)
    assert snapshot(warehouse) == snap
    assert not list(warehouse.parent.glob(".*.building-*"))
    monkeypatch.setattr(wh, "_build_from_cache", real)
    run(inp, warehouse)  # the next run publishes the new page
    assert extra in {r[0] for r in snapshot(warehouse)["documents"]}


# ---------------------------------------------------------------- SIGKILL at chosen points
_KILLER = textwrap.dedent("""
    import os, signal, sys
    point = sys.argv[1]
    def die(*a, **k):
        os.kill(os.getpid(), signal.SIGKILL)
    import pipeline.stages as st, pipeline.warehouse as wh
    if point == "after-clean":
        st.extract_stage = die
    elif point == "mid-build":
        real = wh.load_table
        def load_table(con, table, frame):
            if table == "meetings":  # half the tables built
                die()
            return real(con, table, frame)
        wh.load_table = load_table
    elif point == "before-publish":
        real_replace = os.replace
        def replace(src, dst):
            if str(src).endswith(tuple("0123456789")) and ".building-" in str(src):
                die()
            return real_replace(src, dst)
        wh.os.replace = replace
    elif point == "during-export":
        wh.export_parquet = die
    from pipeline.cli import main
    sys.exit(main(["run", "--input", sys.argv[2], "--warehouse", sys.argv[3], "--exports", sys.argv[4]]))
""")


@pytest.mark.parametrize("point", ["after-clean", "mid-build", "before-publish", "during-export"])
def test_sigkill_leaves_the_previous_warehouse_and_the_next_run_is_correct(first, tmp_path, point):
    inp, warehouse, snap = fresh_copy(first, tmp_path)
    extra = sorted(p.name for p in FIXTURES.iterdir())[7]
    shutil.copy(FIXTURES / extra, inp / extra)
    env = {**os.environ, "DAGSTER_HOME": str(tmp_path / "dagster_home"), "DAGSTER_DISABLE_TELEMETRY": "1"}
    (tmp_path / "dagster_home").mkdir()
    proc = subprocess.run([sys.executable, "-c", _KILLER, point, str(inp), str(warehouse), str(tmp_path / "exp")],
                          env=env, cwd=PROJECT_ROOT, capture_output=True, timeout=300)
    assert proc.returncode == -signal.SIGKILL, proc.stderr.decode()[-2000:]
    if point == "during-export":
        # killed after publishing: the reader sees the complete new run
        assert extra in {r[0] for r in snapshot(warehouse)["documents"]}
    else:
        assert snapshot(warehouse) == snap  # the previous warehouse, intact and readable
    run(inp, warehouse)  # the next run completes and is right
    got = snapshot(warehouse)
    assert {r[0] for r in got["documents"]} == {r[0] for r in snap["documents"]} | {extra}
    assert not list(warehouse.parent.glob(".*.building-*"))
    clean = tmp_path / "clean" / "warehouse.duckdb"
    run(inp, clean)
    assert snapshot(clean) == got  # same tables as a build from scratch


def test_two_batches_separately_equal_both_together(tmp_path):
    """The seam for running on many machines: a batch's extraction depends on its files only,
    so two batches processed in separate runs give the same tables as one run over both."""
    names = sorted(p.name for p in FIXTURES.iterdir())
    half_a, half_b = names[::2], names[1::2]
    inp = tmp_path / "in"
    inp.mkdir()
    for name in half_a:
        shutil.copy2(FIXTURES / name, inp / name)
    separately = tmp_path / "sep" / "warehouse.duckdb"
    run(inp, separately)
    for name in half_b:
        shutil.copy2(FIXTURES / name, inp / name)
    run(inp, separately)
    assert last_run(separately)["parsed"] == len(half_b)
    together = tmp_path / "tog" / "warehouse.duckdb"
    run(inp, together)
    assert snapshot(separately) == snapshot(together)


def test_extract_batch_is_a_pure_function_of_its_pages(tmp_path):
    import pyarrow.parquet as pq

    from pipeline import stages

    rels = sorted(p.name for p in FIXTURES.iterdir())[:6]
    both = stages.clean_batch(str(FIXTURES), rels, str(tmp_path / "clean-both.parquet"), frozenset())
    one = stages.clean_batch(str(FIXTURES), rels[:3], str(tmp_path / "clean-one.parquet"), frozenset())
    two = stages.clean_batch(str(FIXTURES), rels[3:], str(tmp_path / "clean-two.parquet"), frozenset())
    assert both.cleaned == one.cleaned + two.cleaned == len(rels)
    for name in ("both", "one", "two"):
        stages.extract_batch(str(tmp_path / f"clean-{name}.parquet"), str(tmp_path / f"extract-{name}.parquet"), None)
    rows = lambda n: pq.read_table(tmp_path / f"extract-{n}.parquet").to_pylist()  # noqa: E731
    assert rows("both") == rows("one") + rows("two")


def test_a_second_writer_stops_at_once_and_changes_nothing(first, tmp_path):
    from pipeline import warehouse as wh

    inp, warehouse, snap = fresh_copy(first, tmp_path)
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time; from pipeline.warehouse import acquire_writer_lock as a; "
                               "a(sys.argv[1]); print('held', flush=True); time.sleep(60)", str(warehouse)],
        cwd=PROJECT_ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(wh.WarehouseBusy, match="another summit-etl run"):
            wh.acquire_writer_lock(warehouse)
        shutil.copy(FIXTURES / sorted(p.name for p in FIXTURES.iterdir())[8], inp / "new.txt")
        result = dg.materialize(
            [*ALL_ASSETS, *ALL_CHECKS], raise_on_error=False,
            resources={"settings": SummitSettings(input_dir=str(inp), warehouse_path=str(warehouse),
                                                  exports_dir=str(tmp_path / "exports"))})
        assert not result.success
        assert snapshot(warehouse) == snap
    finally:
        holder.kill()
        holder.wait()
    wh.acquire_writer_lock(warehouse)  # free again once the holder is gone
    wh.release_writer_lock(warehouse)
