"""The run's stages as plain, Dagster-free functions: plan, clean, extract, gather.

A run works through a staging folder beside the warehouse, in batches of Parquet files, so
no step holds the corpus in memory: raw bytes never leave the worker process that read them,
and the cleaned pages and extracted rows of a batch go straight from that worker to disk.

Incremental runs: the published warehouse keeps, in its ``etl`` schema, the state of every
file seen (size, mtime, sha256, outcome) and the extraction of every document by content
(sha256 + format + extractor version). A file whose size and mtime are unchanged is not read
again; a file whose bytes hash to an extraction already made is not parsed again; only new
or changed content is cleaned and extracted. Normalisation (people, summits, syndication)
is global, so it always runs over the cached rows of every current document.
"""
from __future__ import annotations

import gc
import os
import shutil
import stat
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from pipeline import ingest
from pipeline.process import (EXTRACTOR_VERSION, ArticleRows, article_id_for, clean_record, extract_record,
                              rows_from_json, rows_to_json, shingle_bytes)
from pipeline.workers import WorkerPool, pool_size, share, shared_value, start_workers, stop_workers

BATCH_SIZE = 200
PARALLEL_FROM = 64  # documents; fewer are processed in this process (a worker takes about 0.4 s to start)


# ---------------------------------------------------------------- schemas of the staged batches
CLEAN_SCHEMA = pa.schema([
    ("source_path", pa.string()), ("sha256", pa.string()), ("format", pa.string()),
    ("encoding", pa.string()), ("size_bytes", pa.int64()), ("outlet", pa.string()), ("title", pa.string()),
    ("published_date", pa.date32()), ("date_method", pa.string()), ("byline", pa.string()),
    ("language", pa.string()), ("dateline", pa.string()), ("wire", pa.string()),
    ("is_aggregator", pa.bool_()), ("body_text", pa.string()),
])
# An article's quotes and statistics as cached: local ids, no article id (bound when gathered;
# converting a row dict to the struct keeps just these fields).
QUOTE_STRUCT = pa.struct([
    ("summit_local_id", pa.int64()), ("person_local_id", pa.int64()), ("speaker", pa.string()),
    ("text", pa.string()), ("char_start", pa.int64()), ("char_end", pa.int64()), ("cue", pa.string()),
])
STATISTIC_STRUCT = pa.struct([
    ("summit_local_id", pa.int64()), ("value", pa.float64()), ("unit", pa.string()), ("text", pa.string()),
    ("qualifier", pa.string()), ("context", pa.string()), ("char_start", pa.int64()), ("char_end", pa.int64()),
])
# One row per distinct content: the cache kept in the warehouse as etl.extracted.
EXTRACTED_SCHEMA = pa.schema([
    ("sha256", pa.string()), ("format", pa.string()), ("extractor_version", pa.string()),
    ("encoding", pa.string()), ("size_bytes", pa.int64()), ("outlet", pa.string()), ("title", pa.string()),
    ("published_date", pa.date32()), ("date_method", pa.string()), ("byline", pa.string()),
    ("language", pa.string()), ("dateline", pa.string()), ("wire", pa.string()),
    ("is_aggregator", pa.bool_()), ("body_text", pa.string()), ("shingles", pa.binary()),
    ("rows", pa.string()), ("quotes", pa.list_(QUOTE_STRUCT)), ("statistics", pa.list_(STATISTIC_STRUCT)),
])
ARTICLE_FIELDS = ("encoding", "size_bytes", "outlet", "title", "published_date", "date_method", "byline",
                  "language", "dateline", "wire", "is_aggregator")
FILES_SCHEMA = pa.schema([
    ("source_path", pa.string()), ("file_size", pa.int64()), ("mtime_ns", pa.int64()), ("sha256", pa.string()),
    ("format", pa.string()), ("status", pa.string()), ("reason", pa.string()), ("detail", pa.string()),
    ("article_id", pa.string()), ("seen_at", pa.timestamp("us", tz="UTC")),
])


@dataclass(frozen=True)
class FileState:
    """What the previous run recorded about one input file."""

    source_path: str
    file_size: int | None
    mtime_ns: int | None
    sha256: str | None
    format: str | None
    status: str  # "document" or "rejected"
    reason: str | None = None
    detail: str | None = None


@dataclass(frozen=True)
class PreviousRun:
    """The published warehouse's memory of the last run (empty for a first run)."""

    warehouse: str | None
    files: dict[str, FileState] = field(default_factory=dict)
    cached: frozenset[tuple[str, str]] = frozenset()  # (sha256, format) extracted by this version
    note: str | None = None  # why the previous warehouse could not be used, if it could not
    retired: list[dict[str, Any]] = field(default_factory=list)  # etl.retired so far
    runs: list[dict[str, Any]] = field(default_factory=list)  # etl.runs so far
    mark: tuple[int, int, int] | None = None  # file_mark of the warehouse, taken before it was read

    @property
    def cache(self) -> str | None:
        """The warehouse whose etl.extracted holds extractions this run can reuse, if any (none
        when the extractor or the cache's layout has changed since)."""
        return self.warehouse if self.cached else None


@dataclass
class Plan:
    root: str
    staging: str
    files_seen: int
    pending: list[str]  # relative paths to read (new, changed, or not safely reusable)
    reused: list[FileState]  # unchanged documents whose extraction is cached
    rejected_again: list[ingest.Rejection]  # unchanged files that were rejected before
    retired: list[FileState]  # files of the previous run that are gone
    previous: PreviousRun

    @property
    def nothing_changed(self) -> bool:
        return (self.previous.warehouse is not None and not self.pending and not self.retired
                and len(self.reused) + len(self.rejected_again) == self.files_seen)


def plan_run(root: Path, staging: Path, previous: PreviousRun) -> Plan:
    """Decide, from file sizes and mtimes alone, which files must be read this run."""
    root = Path(root)
    pending, reused, rejected_again, seen = [], [], [], set()
    now = datetime.now(timezone.utc)
    paths = ingest.scan_files(root)
    for rel, full in paths:
        seen.add(rel)
        old = previous.files.get(rel)
        try:
            st = os.lstat(full)
        except OSError:
            pending.append(rel)
            continue
        same = (old is not None and old.sha256 is not None and not stat.S_ISLNK(st.st_mode)
                and old.file_size == st.st_size and old.mtime_ns == st.st_mtime_ns)
        if same and old.status == "document" and (old.sha256, old.format) in previous.cached:
            reused.append(old)
        elif same and old.status == "rejected" and old.reason:
            rejected_again.append(ingest.Rejection(rel, old.sha256, old.reason, old.detail or "", now))
        else:
            pending.append(rel)
    retired = [f for p, f in sorted(previous.files.items()) if p not in seen]
    return Plan(str(root), str(staging), len(paths), pending, reused, rejected_again, retired, previous)


def file_mark(path: Path) -> tuple[int, int, int] | None:
    """(inode, size, mtime) of a file, or None when there is none. A publish replaces the
    warehouse by renaming a new file over it, so any publish changes the mark."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    return (st.st_ino, st.st_size, st.st_mtime_ns)


def look_ahead(input_dir: Path, warehouse_path: Path, staging: Path | None = None) -> Plan:
    """The plan a run would make now (into ``staging``, by default the staging base, where
    nothing is made by planning), from the published warehouse's record. ``summit-etl run``
    and the nightly schedule look at it before they start a run: when nothing changed there
    is no run, and when many files are to be read the workers can warm up at once."""
    from pipeline import warehouse

    return plan_run(Path(input_dir), staging or staging_base(Path(warehouse_path)),
                    warehouse.read_previous(Path(warehouse_path)))


_HANDED_OVER: tuple[str, Plan] | None = None  # (warehouse path, plan) while a run started by its maker lasts


@contextmanager
def handing_over(plan: Plan, warehouse_path: Path) -> Iterator[None]:
    """While the block lasts, a run in this process for the same input folder and the same
    published warehouse (:func:`plan_for_run`) takes ``plan`` instead of making it again: the
    CLI starts the run a few seconds after its look-ahead read the warehouse and the folder."""
    global _HANDED_OVER
    _HANDED_OVER = (str(Path(warehouse_path)), plan)
    try:
        yield
    finally:
        _HANDED_OVER = None


def plan_for_run(input_dir: Path, warehouse_path: Path, staging: Path) -> Plan:
    """The run's plan (call it holding the writer lock, so the warehouse cannot change after).

    The plan handed over by :func:`handing_over` is taken, once, if it is for this folder and
    the warehouse file it read is still the published one (same :func:`file_mark`, taken
    before reading) and was read without trouble. A file that changed in the seconds since is
    treated as if it had changed just after the scan: the next run sees it. A taken plan with
    a :class:`HeadStart` gets the head start's staging folder (``staging`` is removed). Otherwise
    the plan is made now from the published warehouse, and a head start is abandoned."""
    global _HANDED_OVER
    handed, _HANDED_OVER = _HANDED_OVER, None
    if handed is not None:
        path, plan = handed
        previous = plan.previous
        if (path == str(Path(warehouse_path)) and plan.root == str(Path(input_dir)) and previous.note is None
                and previous.mark == file_mark(Path(warehouse_path))):
            head = _HEAD_START
            if head is not None and head.plan is plan and not head.abandoned:  # it works in the head start's folder
                shutil.rmtree(staging, ignore_errors=True)
                staging = head.staging
            return replace(plan, staging=str(staging))
    abandon_head_start()  # made for a plan this run does not take
    return look_ahead(input_dir, warehouse_path, staging)


def nothing_to_do(plan: Plan, exports_dir: Path) -> bool:
    """No file was added, changed or deleted since the published warehouse was built, and its
    exports are all there: a run would leave everything as it is."""
    from pipeline import warehouse

    return plan.nothing_changed and warehouse.exports_current(exports_dir)


# ---------------------------------------------------------------- worker pool
def workers_for(n_items: int) -> int:
    """Worker processes for ``n_items`` files or pages: one (this process) below PARALLEL_FROM,
    else ``SUMMIT_ETL_WORKERS`` or every core."""
    if n_items < PARALLEL_FROM:
        return 1
    return pool_size()


def batches_for(items: list[Any], workers: int) -> list[list[Any]]:
    """``items`` cut into batches for ``workers`` processes.

    - One process: batches of BATCH_SIZE.
    - Up to BATCH_SIZE items per worker: one equal batch per worker (100 new files on two
      workers go as two batches of 50, not one of 100).
    - More: BATCH_SIZE, then smaller batches towards the end (what is left divided by twice
      the workers, at least a quarter of BATCH_SIZE), so the workers finish together instead
      of one idling through the other's last full batch (10k files: 55 batches, the last
      ones of 150, 113, 85, 63, 50, 50, 45 and 44)."""
    n = len(items)
    if workers <= 1:
        return [items[i:i + BATCH_SIZE] for i in range(0, n, BATCH_SIZE)]
    if n <= workers * BATCH_SIZE:
        size = max(1, -(-n // workers))
        return [items[i:i + size] for i in range(0, n, size)]
    floor = max(1, BATCH_SIZE // 4)
    out, i = [], 0
    while i < n:
        rest = n - i
        size = max(floor, min(BATCH_SIZE, -(-rest // (2 * workers))))
        if rest <= size:
            size = rest
        elif rest < size + floor:  # no crumb at the end: the last two share what is left
            size = -(-rest // 2)
        out.append(items[i:i + size])
        i += size
    return out


# Two small pages of our own (one HTML, one text dump) that walk the cleaning and extraction
# code once in a fresh worker; the names are made up.
_WARM_UP_PAGES = (
    ("html", """<html><head><title>Leaders gather for the G20 summit in Osaka - Example Daily</title>
<meta property="article:published_time" content="2019-06-28T09:30:00Z"></head><body>
<nav><a href="/">Home</a> | <a href="/world">World</a></nav><article><h1>Leaders gather in Osaka</h1>
<p class="byline">By Jane Placeholder</p>
<p>OSAKA (Reuters) - French President Marc Exemple arrived in Osaka on Friday for the G20 summit.</p>
<p>"Trade must stay open," Exemple told reporters, adding that exports rose 4.5 percent to $70 billion.</p>
<p>He held talks with German Chancellor Eva Muster on the sidelines of the summit.</p></article>
<footer>Copyright 2019 Example Daily. All rights reserved.</footer></body></html>"""),
    ("text", """Example Daily
Home | World | Business
Leaders gather in Osaka
By Jane Placeholder
June 28, 2019
OSAKA (Reuters) - French President Marc Exemple arrived in Osaka on Friday for the G20 summit.
"Trade must stay open," Exemple told reporters, adding that exports rose 4.5 percent to $70 billion.
He held talks with German Chancellor Eva Muster on the sidelines of the summit.
Share this article
Copyright 2019 Example Daily. All rights reserved.
"""),
)


def warm_up_documents() -> list[ingest.Document]:
    """The warm-up pages as the documents ingestion would make of them."""
    return [ingest.Document(f"warm-up.{fmt}", "0" * 64, len(text), "utf-8", fmt, text)
            for fmt, text in _WARM_UP_PAGES]


def warm_up() -> None:
    """Load what the first page would otherwise pay for: the cleaning and extraction code, the
    language model and the city tables (about 0.1 s from the cache of :mod:`pipeline.localcache`,
    1.2 s without it), then clean and extract two small pages, which fills the lazily built
    tables and patterns (the first pages of a fresh worker cost about twice the later ones)."""
    try:
        for doc in warm_up_documents():
            extract_record(clean_record(doc), None)
    except Exception:  # a page that needs what failed to load fails alone, with the reason
        pass


def run_batches(fn: Callable[..., Any], jobs: list[tuple[Any, ...]], workers: int,
                shared: dict[str, Any] | None = None) -> Iterator[Any]:
    """``fn(*job)`` for every job, in the worker pool when ``workers`` > 1.

    ``shared`` is installed once in each process (not pickled with every job). Results come
    back as they finish (order does not matter: each batch writes its own file)."""
    if workers <= 1 or len(jobs) <= 1:
        share(shared or {})
        for job in jobs:
            yield fn(*job)
        return
    with _new_pool_if_broken():
        yield from _finished(start_workers(workers).submit_all(fn, jobs, shared or {}))


def _finished(futures: list[Future]) -> Iterator[Any]:
    """The results of jobs submitted to the pool, as they finish."""
    from concurrent.futures import as_completed

    for fut in as_completed(futures):
        yield fut.result()


@contextmanager
def _new_pool_if_broken() -> Iterator[None]:
    """A worker that died (killed, out of memory) breaks the pool: it is shut down, so the next
    stage gets a new one."""
    from concurrent.futures.process import BrokenProcessPool

    try:
        yield
    except BrokenProcessPool:
        stop_workers()
        raise


# ---------------------------------------------------------------- head start
@dataclass
class HeadStart:
    """The cleaning and extraction of a plan's files, started in the worker pool before the run
    that uses them exists: ``summit-etl run`` starts it as soon as its look-ahead knows what
    to read (holding the writer lock), and Dagster loads meanwhile. Each batch is cleaned and
    then extracted by the same worker (:func:`clean_and_extract`) into the head start's own
    staging folder, which the run takes as its staging (:func:`plan_for_run`); the clean
    stage collects the results and the extract stage finds its pages already extracted. A
    run that does not take the plan leaves the work unused (:func:`abandon_head_start`)."""

    plan: Plan
    staging: Path
    today: date
    futures: list[Future]
    pool: WorkerPool
    files: list[int]  # files in each job, as in futures
    extracted: dict[str, "ExtractBatchResult"] | None = None  # by output file, once collected
    abandoned: bool = False


_HEAD_START: HeadStart | None = None


def head_start(plan: Plan, warehouse_path: Path) -> bool:
    """Start cleaning and extracting ``plan``'s pending files now, if they are many enough for
    the worker pool (a few are read in the run's own process); whether it started."""
    global _HEAD_START
    if _HEAD_START is not None:  # one at a time: the last one's jobs stop first
        stop_workers()
        end_head_start()
    workers = workers_for(len(plan.pending))
    if workers <= 1:
        return False
    staging = staging_base(Path(warehouse_path)) / f"head-start-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    today = date.today()
    # batches of half a worker's share: those still held when the run releases them are
    # shared out among the workers then, instead of one waiting for a late worker
    jobs = [(plan.root, rels, out, _extract_file(out), today) for rels, out in _clean_batches(plan, staging, 2 * workers)]
    # Until the run collects it, this process is loading Dagster on one core: the head start
    # keeps to the others (one worker of two; at 1% new files of 10k, 4.98 to 4.54 s a run,
    # medians of eight). The run's release hands the rest of the jobs to every worker. (The
    # pool may be running already: summit-etl run starts its first worker before planning.)
    pool = start_workers(workers, start=0)
    futures = pool.submit_all(clean_and_extract, jobs, {"cached": plan.previous.cached}, at_a_time=workers - 1)
    _HEAD_START = HeadStart(plan, staging, today, futures, pool, [len(job[1]) for job in jobs])
    return True


def abandon_head_start() -> None:
    """The run does not take the head start's plan: its jobs not begun are cancelled (its
    folder stays until :func:`end_head_start`, as a running job may still write there)."""
    head = _HEAD_START
    if head is not None:
        head.abandoned = True
        for fut in head.futures:
            fut.cancel()
        head.pool.release()  # the jobs waiting to be handed over are dropped at once


def end_head_start() -> None:
    """Forget the head start, if any, and remove its folder (a run that took it has removed
    it already, as its staging). Call it once the workers have stopped."""
    global _HEAD_START
    head, _HEAD_START = _HEAD_START, None
    if head is not None:
        for fut in head.futures:
            fut.cancel()
        shutil.rmtree(head.staging, ignore_errors=True)


def _head_start_for(plan: Plan) -> HeadStart | None:
    """The head start made for ``plan``: :func:`plan_for_run` gives a plan taken from the
    look-ahead the head start's staging folder."""
    head = _HEAD_START
    if (head is not None and not head.abandoned and plan.staging == str(head.staging)
            and plan.pending == head.plan.pending):
        return head
    return None


def clean_and_extract(root: str, rels: list[str], clean_out: str, extract_out: str,
                      today: date | None) -> tuple["CleanBatchResult", dict[str, "ExtractBatchResult"]]:
    """One batch of a head start: :func:`clean_batch`, then :func:`extract_batch` of its pages
    ({extract_out: result}, empty when nothing was cleaned)."""
    cleaned = clean_batch(root, rels, clean_out)
    return cleaned, ({extract_out: extract_batch(clean_out, extract_out, today)} if cleaned.cleaned else {})


# ---------------------------------------------------------------- clean
@dataclass
class CleanBatchResult:
    cleaned: int = 0
    reused: list[tuple[str, str, str, str, int, int, int]] = field(default_factory=list)
    # (path, sha256, format, encoding, size_bytes, file_size, mtime_ns) of documents whose content is cached
    read: list[tuple[str, str, str, str, int, int, int]] = field(default_factory=list)  # same, for cleaned ones
    rejected: list[ingest.Rejection] = field(default_factory=list)
    file_facts: dict[str, tuple[int | None, int | None]] = field(default_factory=dict)  # path -> (size, mtime)


def clean_batch(root: str, rels: list[str], out: str,
                cached: frozenset[tuple[str, str]] | None = None) -> CleanBatchResult:
    """Read, fingerprint, decode and clean one batch of files; write the cleaned pages to ``out``.

    Content in ``cached`` (default: the stage's shared set) is fingerprinted, not cleaned."""
    if cached is None:
        cached = shared_value("cached", frozenset())
    res = CleanBatchResult()
    rows = []
    root_path = Path(root)
    paths = [ingest.on_disk(root_path / rel) for rel in rels]  # rel may hold \xNN escapes of an undecodable name
    ingest.prefetch(paths)  # the disk reads them while the pages before them are cleaned
    for rel, path in zip(rels, paths):
        try:
            st = path.lstat()
            res.file_facts[rel] = (st.st_size, st.st_mtime_ns)
        except OSError:
            res.file_facts[rel] = (None, None)
        doc = ingest.read_document(root_path, path)
        if isinstance(doc, ingest.Rejection):
            res.rejected.append(doc)
            continue
        size, mtime = res.file_facts[rel]
        facts = (rel, doc.sha256, doc.format, doc.encoding, doc.size, size, mtime)
        if (doc.sha256, doc.format) in cached:
            res.reused.append(facts)
            continue
        try:
            rows.append(clean_record(doc))
        except Exception as exc:  # one bad file never fails a run
            res.rejected.append(_failed(doc.source_path, doc.sha256, "cleaning failed", exc))
            continue
        res.read.append(facts)
    res.cleaned = len(rows)
    if rows:
        _write(pa.Table.from_pylist(rows, schema=CLEAN_SCHEMA), out)
    return res


def _failed(path: str, sha: str | None, what: str, exc: BaseException) -> ingest.Rejection:
    return ingest.Rejection(path, sha, what, f"{type(exc).__name__}: {exc}"[:500], datetime.now(timezone.utc))


def _write(table: pa.Table, out: str) -> None:
    tmp = out + ".tmp"
    pq.write_table(table, tmp, compression="zstd")
    os.replace(tmp, out)


@dataclass
class CleanResult:
    batches: list[str]  # staged Parquet files of cleaned pages
    reused: list[tuple[str, str, str, str, int, int, int]]
    read: list[tuple[str, str, str, str, int, int, int]]
    rejected: list[ingest.Rejection]
    file_facts: dict[str, tuple[int | None, int | None]]


def clean_stage(plan: Plan, workers: int | None = None) -> CleanResult:
    staging = Path(plan.staging)
    staging.mkdir(parents=True, exist_ok=True)
    out = CleanResult([], [], [], list(plan.rejected_again), {})
    head = _head_start_for(plan)
    if head is not None:
        results = _collect(head)
    else:
        workers = workers or workers_for(len(plan.pending))
        jobs = [(plan.root, rels, out) for rels, out in _clean_batches(plan, staging, workers)]
        results = run_batches(clean_batch, jobs, workers, shared={"cached": plan.previous.cached})
    for res in results:
        out.reused += res.reused
        out.read += res.read
        out.rejected += res.rejected
        out.file_facts.update(res.file_facts)
    out.batches = sorted(str(p) for p in staging.glob("clean-*.parquet"))
    return out


def _clean_batches(plan: Plan, staging: Path, workers: int) -> list[tuple[list[str], str]]:
    """(files, cleaned Parquet file) of every batch of ``plan``'s pending files (the extract
    stage writes beside each: :func:`_extract_file`)."""
    return [(rels, str(staging / f"clean-{i:05d}.parquet"))
            for i, rels in enumerate(batches_for(plan.pending, workers))]


def _extract_file(clean_file: str) -> str:
    """Where the extraction of a cleaned batch goes: ``extract-N`` beside ``clean-N`` (only the
    file's name changes; the folders above may hold "clean-" too)."""
    path = Path(clean_file)
    return str(path.with_name(path.name.replace("clean-", "extract-", 1)))


def held_files(head: HeadStart) -> int:
    """Files in the head start's jobs not yet handed to a worker."""
    return sum(n for n, fut in zip(head.files, head.futures) if not (fut.running() or fut.done()))


def _collect(head: HeadStart) -> Iterator[CleanBatchResult]:
    """The head start's cleaning results as its batches finish; their extractions are kept for
    the extract stage."""
    head.extracted = None
    extracted = {}
    if held_files(head) >= PARALLEL_FROM:  # else the workers at it finish them sooner than a new one starts
        head.pool.release()  # Dagster has loaded: every worker takes the jobs still held
    with _new_pool_if_broken():
        for cleaned, ex in _finished(head.futures):
            extracted.update(ex)
            yield cleaned
    head.extracted = extracted


# ---------------------------------------------------------------- extract
@dataclass
class ExtractBatchResult:
    extracted: int = 0
    quotes: int = 0
    statistics: int = 0
    rejected: list[ingest.Rejection] = field(default_factory=list)


def extract_batch(clean_file: str, out: str, today: date | None) -> ExtractBatchResult:
    """Extract every cleaned page of one staged batch; write one cache row per page to ``out``."""
    res = ExtractBatchResult()
    rows = []
    for page in pq.ParquetFile(clean_file).read().to_pylist():  # (read_table would load pyarrow.dataset)
        try:
            extracted = extract_record(page, today)
        except Exception as exc:  # one bad file never fails a run
            res.rejected.append(_failed(page["source_path"], page["sha256"], "extraction failed", exc))
            continue
        rows.append(cache_row(page, extracted))
        res.quotes += len(extracted.quotes)
        res.statistics += len(extracted.statistics)
    res.extracted = len(rows)
    _write(pa.Table.from_pylist(rows, schema=EXTRACTED_SCHEMA), out)
    return res


def cache_row(page: dict[str, Any], rows: ArticleRows) -> dict[str, Any]:
    article = rows.article
    row = {k: article[k] for k in ARTICLE_FIELDS}
    row.update(sha256=page["sha256"], format=page["format"], extractor_version=EXTRACTOR_VERSION,
               body_text=article["body_text"], shingles=shingle_bytes(article["body_text"]),
               rows=rows_to_json(rows), quotes=rows.quotes, statistics=rows.statistics)
    return row


@dataclass
class ExtractResult:
    batches: list[str]
    extracted: int
    quotes: int
    statistics: int
    rejected: list[ingest.Rejection]


def extract_stage(clean_batches: list[str], today: date | None = None, workers: int | None = None) -> ExtractResult:
    jobs = [(f, _extract_file(f), today) for f in clean_batches]
    total = ExtractResult([j[1] for j in jobs], 0, 0, 0, [])
    head = _HEAD_START
    done = head.extracted if head is not None and head.today == today else None
    try:
        if done is not None and set(done) == set(total.batches):  # the head start extracted them
            results: Iterable[ExtractBatchResult] = done.values()
        else:
            n_pages = sum(pq.ParquetFile(f).metadata.num_rows for f in clean_batches)
            results = run_batches(extract_batch, jobs, workers or workers_for(n_pages))
        for res in results:
            total.extracted += res.extracted
            total.quotes += res.quotes
            total.statistics += res.statistics
            total.rejected += res.rejected
    finally:
        stop_workers()  # the last stage that needs them: normalisation gets their memory
    return total


# ---------------------------------------------------------------- gather for normalisation
@dataclass(frozen=True)
class CurrentDocument:
    source_path: str
    sha256: str
    format: str
    encoding: str
    size_bytes: int
    file_size: int | None
    mtime_ns: int | None


def current_documents(clean: CleanResult, plan: Plan) -> list[CurrentDocument]:
    """Every document of this run (reused by stat, reused by hash, or freshly cleaned)."""
    docs = [CurrentDocument(f.source_path, f.sha256, f.format or "", "", 0, f.file_size, f.mtime_ns)
            for f in plan.reused]
    docs += [CurrentDocument(*facts) for facts in clean.reused + clean.read]
    return sorted(docs, key=lambda d: d.source_path)


@dataclass
class Gathered:
    rows: list[ArticleRows]  # article, people, summits, attendees, meetings (no bodies, quotes or statistics)
    kept: list[CurrentDocument]  # the documents that made it, by path


def gather_rows(docs: list[CurrentDocument], bound: Iterable[dict[str, Any]]) -> Gathered:
    """Turn the documents' bound cache rows (:func:`pipeline.warehouse.bind_cache`: one per
    document found, no body, quotes, statistics or shingles) into per-article rows. A document
    without one (its extraction failed) is left out."""
    by_path = {d.source_path: d for d in docs}
    rows, kept = [], []
    for row in bound:
        d = by_path[row["source_path"]]
        aid = row["article_id"]
        article = {k: row[k] for k in ARTICLE_FIELDS}
        article.update(article_id=aid, source_path=d.source_path, sha256=d.sha256, format=d.format)
        rows.append(rows_from_json(article, row["rows"]))
        kept.append(d if d.encoding else CurrentDocument(d.source_path, d.sha256, d.format, row["encoding"],
                                                         row["size_bytes"], d.file_size, d.mtime_ns))
    return Gathered(rows, sorted(kept, key=lambda d: d.source_path))


def syndication_of(facts: pa.Table) -> tuple[dict[str, str], dict[str, str | None]]:
    """:func:`pipeline.normalise.syndication` of the bound articles' facts
    (:data:`pipeline.warehouse.SYNDICATION_FACTS`)."""
    from pipeline.normalise import syndication

    articles = facts.drop_columns(["shingles"]).to_pylist()
    return syndication(articles, dict(zip(facts["article_id"].to_pylist(), facts["shingles"].to_pylist())))


def stage_tables(tables: dict[str, Any], staging: Path) -> tuple[dict[str, str], dict[str, int]]:
    """Write every table (polars frame) to ``staging`` as Parquet; (paths, row counts)."""
    paths, counts = {}, {}
    for name, frame in tables.items():
        path = Path(staging) / f"table-{name}.parquet"
        frame.write_parquet(path, compression="zstd")
        counts[name] = len(frame)
        paths[name] = str(path)
    return paths, counts


def staging_base(warehouse: Path) -> Path:
    """The folder beside the warehouse that holds each run's staging folder."""
    return Path(warehouse).parent / ".summit-etl-staging"


def new_staging_dir(warehouse: Path, run_id: str) -> Path:
    """A fresh staging folder for this run; leftovers of crashed runs are removed."""
    base = staging_base(warehouse)
    if base.exists():
        keep = {run_id, _HEAD_START.staging.name if _HEAD_START is not None else run_id}
        for old in base.iterdir():
            if old.name not in keep:
                shutil.rmtree(old, ignore_errors=True)
    path = base / run_id
    path.mkdir(parents=True, exist_ok=True)
    return path


def remove_staging(staging: Path) -> None:
    shutil.rmtree(staging, ignore_errors=True)


# ---------------------------------------------------------------- normalise
@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off for the block (as it was, after). Normalisation
    makes hundreds of thousands of small dicts and lists that all live until it ends, none in
    a reference cycle; the collector walked them again and again (0.2 s of 1.2 s at 10k pages,
    327 collections)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def normalise_stage(plan: Plan, clean: CleanResult, extract: ExtractResult, run_id: str) -> dict[str, Any]:
    """Every table of the warehouse, as polars frames, from the cached and new extractions
    (with the garbage collector paused: :func:`collector_paused`)."""
    with collector_paused():
        return _normalise_stage(plan, clean, extract, run_id)


def _normalise_stage(plan: Plan, clean: CleanResult, extract: ExtractResult, run_id: str) -> dict[str, Any]:
    from concurrent.futures import ThreadPoolExecutor

    import polars as pl

    from pipeline import warehouse
    from pipeline.normalise import normalise

    failed = {r.source_path for r in extract.rejected}
    docs = [d for d in current_documents(clean, plan) if d.source_path not in failed]
    article_ids = {d.source_path: article_id_for(d.source_path) for d in docs}
    facts, bound = warehouse.bind_cache(
        plan.previous.cache,
        pa.table({"source_path": [d.source_path for d in docs],
                  "article_id": [article_ids[d.source_path] for d in docs],
                  "sha256": [d.sha256 for d in docs], "format": [d.format for d in docs]}),
        extract.batches)
    # Syndication needs only a few facts of each article: it runs on a thread of its own (its
    # polars queries drop the GIL) while the cached rows are decoded here.
    with ThreadPoolExecutor(1, thread_name_prefix="summit-etl-syndication") as pool:
        syndicated = pool.submit(syndication_of, facts)
        del facts
        gathered = gather_rows(docs, bound)
        tables: dict[str, Any] = normalise(gathered.rows, syndicated.result())
    kept = gathered.kept
    del gathered
    now = datetime.now(timezone.utc)
    rejected = clean.rejected + extract.rejected
    read = {facts[0] for facts in clean.read + clean.reused}  # the files read this run (new or changed)
    tables["keys.reread"] = pl.DataFrame({"article_id": sorted(article_ids[d.source_path] for d in kept
                                                               if d.source_path in read)},
                                         schema={"article_id": pl.Utf8})
    tables["documents"] = pl.DataFrame(
        [{"source_path": d.source_path, "sha256": d.sha256, "size_bytes": d.size_bytes, "encoding": d.encoding,
          "format": d.format, "article_id": article_ids[d.source_path]} for d in kept],
        schema={"source_path": pl.Utf8, "sha256": pl.Utf8, "size_bytes": pl.Int64, "encoding": pl.Utf8,
                "format": pl.Utf8, "article_id": pl.Utf8})
    tables["rejected_documents"] = pl.DataFrame(
        [{"source_path": r.source_path, "sha256": r.sha256, "reason": r.reason, "detail": r.detail,
          "seen_at": r.seen_at} for r in sorted(rejected, key=lambda r: r.source_path)],
        schema={"source_path": pl.Utf8, "sha256": pl.Utf8, "reason": pl.Utf8, "detail": pl.Utf8,
                "seen_at": pl.Datetime("us", "UTC")})
    previous = plan.previous.files
    files = [{"source_path": d.source_path, "file_size": d.file_size, "mtime_ns": d.mtime_ns, "sha256": d.sha256,
              "format": d.format, "status": "document", "reason": None, "detail": None,
              "article_id": article_ids[d.source_path], "seen_at": now} for d in kept]
    for r in rejected:
        size, mtime = clean.file_facts.get(r.source_path, (None, None))
        old = previous.get(r.source_path)
        if size is None and old is not None:
            size, mtime = old.file_size, old.mtime_ns
        files.append({"source_path": r.source_path, "file_size": size, "mtime_ns": mtime, "sha256": r.sha256,
                      "format": None, "status": "rejected", "reason": r.reason, "detail": r.detail,
                      "article_id": None, "seen_at": r.seen_at})
    tables["etl.files"] = pl.DataFrame(files, schema=dict(zip(FILES_SCHEMA.names, [
        pl.Utf8, pl.Int64, pl.Int64, pl.Utf8, pl.Utf8, pl.Utf8, pl.Utf8, pl.Utf8, pl.Utf8, pl.Datetime("us", "UTC")])))
    retired = plan.previous.retired + [
        {"source_path": f.source_path, "sha256": f.sha256,
         "article_id": article_id_for(f.source_path) if f.status == "document" else None, "retired_at": now}
        for f in plan.retired]
    tables["etl.retired"] = pl.DataFrame(retired, schema={
        "source_path": pl.Utf8, "sha256": pl.Utf8, "article_id": pl.Utf8, "retired_at": pl.Datetime("us", "UTC")})
    runs = plan.previous.runs + [{
        "run_id": run_id, "finished_at": now, "files_seen": plan.files_seen, "documents": len(kept),
        "rejected": len(rejected), "parsed": len(clean.read), "reused": len(plan.reused) + len(clean.reused),
        "retired": len(plan.retired), "extractor_version": EXTRACTOR_VERSION}]
    tables["etl.runs"] = pl.DataFrame(runs, schema={
        "run_id": pl.Utf8, "finished_at": pl.Datetime("us", "UTC"), "files_seen": pl.Int64, "documents": pl.Int64,
        "rejected": pl.Int64, "parsed": pl.Int64, "reused": pl.Int64, "retired": pl.Int64,
        "extractor_version": pl.Utf8})
    return tables
