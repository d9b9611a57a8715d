"""The whole Dagster graph, materialised on the embedded seed pages into a DuckDB file."""
from __future__ import annotations

import shutil
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from pipeline.assets import ALL_ASSETS, ALL_CHECKS, SummitSettings
from pipeline.settings import PROJECT_ROOT

SEEDS = PROJECT_ROOT / "seeds" / "documents"
FIXTURES = PROJECT_ROOT / "tests" / "fixtures" / "articles"

CONTRACT = {
    "articles": {"article_id": "VARCHAR", "source_path": "VARCHAR", "outlet": "VARCHAR", "title": "VARCHAR",
                 "published_date": "DATE", "body_text": "VARCHAR", "is_aggregator": "BOOLEAN",
                 "duplicate_of": "VARCHAR"},
    "summits": {"summit_id": "VARCHAR", "organization": "VARCHAR", "name": "VARCHAR", "edition": "VARCHAR",
                "city": "VARCHAR", "country_code": "VARCHAR", "start_date": "DATE", "end_date": "DATE",
                "year": "INTEGER", "article_ids": "VARCHAR[]"},
    "people": {"person_id": "VARCHAR", "name": "VARCHAR", "country_code": "VARCHAR", "role": "VARCHAR",
               "aliases": "VARCHAR[]"},
    "attendees": {"summit_id": "VARCHAR", "person_id": "VARCHAR", "name": "VARCHAR", "country_code": "VARCHAR",
                  "role": "VARCHAR", "article_ids": "VARCHAR[]"},
    "meetings": {"summit_id": "VARCHAR", "person_a_id": "VARCHAR", "person_a": "VARCHAR",
                 "person_b_id": "VARCHAR", "person_b": "VARCHAR", "article_ids": "VARCHAR[]"},
    "quotes": {"quote_id": "VARCHAR", "article_id": "VARCHAR", "summit_id": "VARCHAR",
               "speaker_person_id": "VARCHAR", "speaker": "VARCHAR", "text": "VARCHAR", "char_start": "INTEGER",
               "char_end": "INTEGER", "cue": "VARCHAR"},
    "statistics": {"statistic_id": "VARCHAR", "article_id": "VARCHAR", "summit_id": "VARCHAR", "value": "DOUBLE",
                   "unit": "VARCHAR", "text": "VARCHAR", "qualifier": "VARCHAR", "context": "VARCHAR",
                   "char_start": "INTEGER", "char_end": "INTEGER"},
    "rejected_documents": {"source_path": "VARCHAR", "sha256": "VARCHAR", "reason": "VARCHAR",
                           "detail": "VARCHAR"},
}


def build(input_dir: Path, tmp_path: Path) -> Path:
    warehouse = tmp_path / "warehouse.duckdb"
    result = dg.materialize(
        [*ALL_ASSETS, *ALL_CHECKS],
        resources={"settings": SummitSettings(input_dir=str(input_dir), warehouse_path=str(warehouse),
                                              exports_dir=str(tmp_path / "exports"))},
    )
    assert result.success
    return warehouse


@pytest.fixture(scope="module")
def seeds_warehouse(tmp_path_factory) -> Path:
    return build(SEEDS, tmp_path_factory.mktemp("seeds"))


@pytest.fixture()
def con(seeds_warehouse):
    connection = duckdb.connect(str(seeds_warehouse), read_only=True)
    yield connection
    connection.close()


def rows(con, sql, params=()):
    return con.execute(sql, params).fetchall()


def test_table_contract(con):
    for table, columns in CONTRACT.items():
        got = dict(rows(con, "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = ?",
                        [table]))
        for column, dtype in columns.items():
            assert got.get(column) == dtype, (table, column, got.get(column))


def test_every_seed_is_an_article(con):
    paths = {r[0] for r in rows(con, "SELECT source_path FROM articles")}
    assert paths == {p.name for p in SEEDS.iterdir()}
    assert rows(con, "SELECT count(*) FROM rejected_documents") == [(0,)]


def test_sco_summit_in_astana_with_putin_xi_erdogan(con):
    summit = rows(con, "SELECT summit_id, country_code FROM summits WHERE organization = 'SCO' AND city = 'Astana'")
    assert len(summit) == 1 and summit[0][1] == "KAZ"
    names = {r[0] for r in rows(con, "SELECT name FROM attendees WHERE summit_id = ?", [summit[0][0]])}
    assert {"Vladimir Putin", "Xi Jinping", "Recep Tayyip Erdogan"} <= names


def test_unipolar_quote_attributed_to_putin(con):
    got = rows(con, "SELECT q.speaker, p.country_code FROM quotes q JOIN people p ON p.person_id = q.speaker_person_id "
                    "WHERE q.text LIKE 'Attempts to create a unipolar world%'")
    assert got == [("Vladimir Putin", "RUS")]


def test_over_45_billion_is_45e9_usd_with_qualifier(con):
    got = rows(con, "SELECT value, unit, qualifier FROM statistics WHERE text = 'over $45 billion'")
    assert got == [(45e9, "USD", "over")]


def test_offsets_slice_body_to_text(con):
    for table in ("quotes", "statistics"):
        bad = rows(con, f"SELECT count(*) FROM {table} t JOIN articles a USING (article_id) "
                        "WHERE substr(a.body_text, t.char_start + 1, t.char_end - t.char_start) <> t.text")
        assert bad == [(0,)], table


def test_one_person_row_per_person_with_country(con):
    putin = rows(con, "SELECT country_code, aliases FROM people WHERE name = 'Vladimir Putin'")
    assert len(putin) == 1
    assert putin[0][0] == "RUS" and "Putin" in putin[0][1]


def test_same_summit_from_two_outlets_is_one_row_dated_by_either(con):
    got = rows(con, "SELECT city, start_date, len(article_ids) FROM summits WHERE organization = 'Russia-Central Asia'")
    assert len(got) == 1
    city, start, n_articles = got[0]
    assert city == "Dushanbe" and str(start) == "2025-10-09" and n_articles == 2


def test_page_chrome_yields_nothing(con):
    # donation appeals hold quoted phrases ("foreign agent") and sums ("$2"): none may surface
    assert rows(con, "SELECT count(*) FROM quotes WHERE text ILIKE '%discredits the decisions%'") == [(0,)]
    assert rows(con, "SELECT count(*) FROM statistics WHERE value = 2 AND unit = 'USD'") == [(0,)]
    assert rows(con, "SELECT count(*) FROM statistics WHERE unit = 'percent'") == [(0,)]


def test_aggregator_and_outlets(con):
    got = dict(rows(con, "SELECT right(source_path, 28), is_aggregator FROM articles"))
    assert sum(got.values()) == 1
    outlets = {r[0] for r in rows(con, "SELECT outlet FROM articles WHERE outlet IS NOT NULL")}
    assert {"The Moscow Times", "ThePrint", "Press TV"} <= outlets


def test_rerun_gives_identical_ids(seeds_warehouse, tmp_path):
    again = build(SEEDS, tmp_path)
    first, second = duckdb.connect(str(seeds_warehouse), read_only=True), duckdb.connect(str(again), read_only=True)
    try:
        for table, key in (("articles", "article_id"), ("summits", "summit_id"), ("people", "person_id"),
                           ("quotes", "quote_id"), ("statistics", "statistic_id")):
            q = f"SELECT {key} FROM {table} ORDER BY {key}"
            assert first.execute(q).fetchall() == second.execute(q).fetchall(), table
    finally:
        first.close()
        second.close()


def test_bad_files_are_rejected_not_fatal(tmp_path):
    inp = tmp_path / "in"
    inp.mkdir()
    shutil.copy(SEEDS / sorted(p.name for p in SEEDS.iterdir())[0], inp / "good.txt")
    (inp / "empty.html").write_bytes(b"")
    (inp / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    (inp / "sub dir").mkdir()
    (inp / "sub dir" / "latin1 page.txt").write_bytes("Le président a déclaré « nous sommes prêts ».".encode("latin-1"))
    warehouse = build(inp, tmp_path)
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        rejected = dict(con.execute("SELECT source_path, reason FROM rejected_documents").fetchall())
        assert rejected == {"empty.html": "empty", "image.txt": "not a text page"}
        docs = dict(con.execute("SELECT source_path, encoding FROM documents").fetchall())
        assert set(docs) == {"good.txt", "sub dir/latin1 page.txt"}
        assert docs["sub dir/latin1 page.txt"] != "utf-8"
    finally:
        con.close()


@pytest.mark.skipif(not FIXTURES.is_dir(), reason="fixture articles missing")
def test_fixture_articles_summits_and_quotes(tmp_path):
    """Varied self-written pages: other summits, eras, outlets, HTML and text."""
    con = duckdb.connect(str(build(FIXTURES, tmp_path)), read_only=True)
    try:
        orgs = {r[0] for r in con.execute("SELECT organization FROM summits").fetchall()}
        assert {"G7", "G8", "G20", "EU", "NATO", "ASEAN", "BRICS", "SCO", "APEC", "AU"} <= orgs
        no_summit = con.execute(
            "SELECT count(*) FROM quotes q JOIN articles a USING (article_id) "
            "WHERE a.source_path LIKE 'germany_scholz%' AND q.summit_id IS NULL").fetchall()[0][0]
        assert no_summit > 0  # what leaders said away from summits is kept, with no summit
        g20 = con.execute("SELECT len(article_ids) FROM summits WHERE organization = 'G20' AND city = 'New Delhi'"
                          ).fetchall()
        assert g20 == [(2,)]  # one wire story on two sites: one summit
    finally:
        con.close()


@pytest.mark.skipif(not FIXTURES.is_dir(), reason="fixture articles missing")
def test_worker_processes_give_the_same_rows(tmp_path):
    """Cleaning and extraction in two spawned worker processes give exactly the rows of one."""
    import pyarrow.parquet as pq

    from pipeline import stages
    from pipeline import workers as pools

    def staged(workers: int) -> list[dict]:
        plan = stages.plan_run(FIXTURES, tmp_path / f"w{workers}", stages.PreviousRun(None))
        cleaned = stages.clean_stage(plan, workers=workers)
        if workers > 1:  # one pool, warmed before the clean stage, serves both stages
            assert pools._POOL is pool
        extracted = stages.extract_stage(cleaned.batches, workers=workers)
        assert pools._POOL is None  # shut down once extraction is over
        rows = [r for f in extracted.batches for r in pq.read_table(f).to_pylist()]
        return sorted(rows, key=lambda r: (r["sha256"], r["format"]))

    stages.BATCH_SIZE, saved = 3, stages.BATCH_SIZE  # several batches, so both workers get some
    try:
        one = staged(1)
        pool = stages.start_workers(2)
        two = staged(2)
    finally:
        stages.BATCH_SIZE = saved
        stages.stop_workers()
    assert len(one) == len(list(FIXTURES.iterdir())) and one == two


def test_a_dead_worker_fails_its_stage_and_the_next_stage_gets_new_workers():
    import os
    import signal
    import time
    from concurrent.futures.process import BrokenProcessPool

    from pipeline import stages, workers

    pool = stages.start_workers(2)
    try:
        assert sorted(stages.run_batches(pow, [(2, 3), (3, 2)], workers=2)) == [8, 9]
        victim = next(iter(pool._executor._processes.values()))
        os.kill(victim.pid, signal.SIGKILL)
        victim.join(10)
        for _ in range(100):  # the executor notices a dead worker on its own thread
            if pool._executor._broken:
                break
            time.sleep(0.05)
        with pytest.raises(BrokenProcessPool):
            list(stages.run_batches(pow, [(2, 5), (5, 2), (4, 4)], workers=2))
        assert workers._POOL is None
        assert sorted(stages.run_batches(pow, [(2, 5), (5, 2)], workers=2)) == [25, 32]
        assert workers._POOL is not pool
    finally:
        stages.stop_workers()


def test_held_jobs_reach_the_workers_one_at_a_time_until_the_pool_is_released():
    """The head start's pool (stages.WorkerPool.submit_all with at_a_time): a job waits in
    this process while another is in the workers; one cancelled there never runs; after
    release() every job left goes at once; closing the pool leaves no future pending."""
    import time
    from concurrent.futures import wait

    from pipeline import stages

    pool = stages.WorkerPool(2, start=0)
    try:
        futures = pool.submit_all(time.sleep, [(0.2,)] * 4, {}, at_a_time=1)
        assert futures[3].cancel()  # still waiting here: cancelled, never handed over
        deadline = time.monotonic() + 60
        while not futures[1].done():
            assert sum(f.running() for f in futures) <= 1  # handed over and not finished
            assert time.monotonic() < deadline
            time.sleep(0.005)
        assert futures[0].done() and not futures[2].done()
        pool.release()
        assert futures[2].result(timeout=60) is None
        assert [f.result() for f in futures[:3]] == [None, None, None] and futures[3].cancelled()
    finally:
        pool.close()

    pool = stages.WorkerPool(2, start=0)
    futures = pool.submit_all(time.sleep, [(0.2,)] * 3, {}, at_a_time=1)
    pool.close()  # with jobs held and one in a worker
    done, pending = wait(futures, timeout=60)
    assert not pending and any(f.cancelled() for f in futures)



def test_a_pool_started_ahead_keeps_held_jobs_to_its_started_worker():
    """summit-etl run starts one worker before it plans (WorkerPool(2, start=1)); the head
    start's first held job waits until that worker is ready, so no second process starts
    while the jobs go one at a time (the executor starts one for a job that finds no worker idle)."""
    import time

    from pipeline import workers

    pool = workers.WorkerPool(2, start=1)
    try:
        futures = pool.submit_all(time.sleep, [(0.05,)] * 3, {}, at_a_time=1)
        assert [f.result(timeout=60) for f in futures] == [None, None, None]
        assert len(pool._executor._processes) == 1
    finally:
        pool.close()


def test_closing_a_pool_that_never_had_a_job_terminates_its_workers():
    """A worker started ahead of a run that needs none is terminated, not waited for while it
    starts; the workers of a pool that had jobs leave on their own once the pool shuts down."""
    import signal
    import time

    from pipeline import workers

    idle = workers.WorkerPool(2, start=1)
    processes = list(idle._executor._processes.values())
    idle.close()
    assert len(processes) == 1 and processes[0].exitcode == -signal.SIGTERM

    used = workers.WorkerPool(2, start=1)
    assert used.submit_all(time.sleep, [(0.01,)], {})[0].result(timeout=60) is None
    processes = list(used._executor._processes.values())
    used.close()
    assert processes and all(p.exitcode == 0 for p in processes)


def test_the_head_start_hands_its_held_jobs_to_every_worker_only_when_they_are_many(monkeypatch):
    """When the run collects the head start, the jobs still held go to every worker (a new
    process starts for them) only if they hold PARALLEL_FROM files or more; fewer are left to
    the worker already at it, which finishes them before a new one would have started."""
    from concurrent.futures import Future
    from datetime import date

    from pipeline import stages

    class Pool:
        released = 0

        def release(self):
            self.released += 1

    def future(state: str) -> Future:
        fut = Future()
        if state != "held":
            fut.set_running_or_notify_cancel()
        if state == "done":
            fut.set_result((stages.CleanBatchResult(), {}))
        return fut

    monkeypatch.setattr(stages, "PARALLEL_FROM", 10)
    for states, files, released in ((["done", "running", "held"], [5, 5, 9], 0),
                                    (["done", "held", "held"], [5, 5, 5], 1),
                                    (["done", "done", "done"], [50, 50, 50], 0)):
        head = stages.HeadStart(None, Path("."), date.today(), [future(s) for s in states], Pool(), files)
        assert stages.held_files(head) == sum(n for n, s in zip(files, states) if s == "held")
        next(stages._collect(head))  # the first batch is done in each case
        assert head.pool.released == released

def test_batches_leave_no_worker_idle():
    from pipeline import stages

    def sizes(n, workers):
        batches = stages.batches_for(list(range(n)), workers)
        assert [x for b in batches for x in b] == list(range(n))  # every item once, in order
        return [len(b) for b in batches]

    assert sizes(100, 2) == [50, 50]  # 1% new files of 10k: two batches, not one
    assert sizes(101, 2) == [51, 50]
    assert sizes(5, 1) == [5]
    assert sizes(450, 1) == [200, 200, 50]
    big = sizes(10_000, 2)
    assert big[0] == stages.BATCH_SIZE and big == sorted(big, reverse=True)  # smaller towards the end
    assert big[-1] < stages.BATCH_SIZE // 4 and sum(big[-6:]) < 2 * stages.BATCH_SIZE
    assert len(big) < 10_000 / stages.BATCH_SIZE + 10


def test_the_warm_up_pages_walk_every_extractor():
    """A fresh worker cleans and extracts two small pages before its first batch (its first pages
    cost about twice the later ones); both forms must reach every extractor, or the warm-up
    warms less than it claims."""
    from pipeline import stages
    from pipeline.process import clean_record, extract_record

    assert sorted(fmt for fmt, _ in stages._WARM_UP_PAGES) == ["html", "text"]
    for doc in stages.warm_up_documents():
        page = clean_record(doc)
        assert page["language"] == "en" and page["body_text"].startswith("OSAKA (Reuters)")
        assert "Copyright" not in page["body_text"] and "Home |" not in page["body_text"]
        rows = extract_record(page, None)
        assert [p["name"] for p in rows.people] == ["Marc Exemple", "Eva Muster"]
        assert [q["speaker"] for q in rows.quotes] == ["Marc Exemple"]
        assert [s["text"] for s in rows.statistics] == ["4.5 percent", "$70 billion"]
        assert [(s["organization"], s["city"]) for s in rows.summits] == [("G20", "Osaka")]
        assert len(rows.meetings) == 1


def test_the_collector_is_paused_only_while_normalising():
    """Normalisation runs with the cyclic garbage collector off, and leaves it as it found it,
    also when the stage fails."""
    import gc

    from pipeline import stages

    assert gc.isenabled()
    with stages.collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(RuntimeError), stages.collector_paused():
        raise RuntimeError("a failing stage")
    assert gc.isenabled()
    gc.disable()
    try:
        with stages.collector_paused():
            pass
        assert not gc.isenabled()  # a caller that had it off keeps it off
    finally:
        gc.enable()


@pytest.mark.skipif(not FIXTURES.is_dir(), reason="fixture articles missing")
def test_extractions_are_staged_beside_their_batches_whatever_the_folders_are_called(tmp_path):
    """A batch's extraction goes beside its cleaned file, also when a folder above it has
    "clean-" in its name (a warehouse kept in /data/clean-room/)."""
    import pyarrow.parquet as pq

    from pipeline import stages

    staging = tmp_path / "clean-room" / "staging"
    plan = stages.plan_run(FIXTURES, staging, stages.PreviousRun(None))
    cleaned = stages.clean_stage(plan, workers=1)
    extracted = stages.extract_stage(cleaned.batches, workers=1)
    assert extracted.batches and all(Path(f).parent == staging for f in extracted.batches)
    assert sum(pq.ParquetFile(f).metadata.num_rows for f in extracted.batches) == extracted.extracted > 0
