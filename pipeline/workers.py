"""The worker processes that clean and extract pages, shared by the stages of a run.

Importing this module loads none of the cleaning, extraction or warehouse code (a worker
imports it when it starts), so ``summit-etl run`` starts its first worker before it imports
anything else: the worker's start-up (about 0.4 s: a new interpreter, the cleaning and
extraction code, the language model) then overlaps the run's own imports and planning
instead of following them.
"""
from __future__ import annotations

import os
import sys
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from typing import Any


def pool_size() -> int:
    """Worker processes of a pool: ``SUMMIT_ETL_WORKERS``, else one per core."""
    return int(os.environ.get("SUMMIT_ETL_WORKERS", "0") or 0) or (os.cpu_count() or 1)


def _start_worker() -> None:
    """A worker's initializer: warm up (:func:`pipeline.stages.warm_up`, which imports the
    cleaning and extraction code), and leave at once when the pool shuts down."""
    import atexit

    from pipeline.stages import warm_up

    warm_up()
    atexit.register(_leave_at_once)


def _leave_at_once() -> None:
    """A worker's last act: its results are sent and multiprocessing has run its finalizers,
    so it leaves without the interpreter's teardown of every module (about 0.1 s, which the
    run would wait for before normalising)."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:
            pass
    os._exit(0)


class WorkerPool:
    """Spawned worker processes shared by the clean and extract stages of a run.

    The workers warm up (:func:`_start_worker`) as soon as they start, by default when the pool
    is made, so a caller that knows early that there is work (``summit-etl run`` does, before
    Dagster starts) overlaps that cost with its own. Spawned, not forked: a worker never
    inherits the parent's DuckDB connections, threads or locks.

    ``start`` (default: every worker) processes start now; the others when jobs need them.
    Jobs submitted with ``at_a_time`` go to the workers that many at a time until
    :meth:`release`, then all at once (the head start leaves a core to the process loading
    Dagster); a process started now counts as one of them until it is ready, since the
    executor starts another process for a job that finds none of its workers idle."""

    def __init__(self, workers: int, start: int | None = None):
        import multiprocessing
        import threading
        from concurrent.futures import ProcessPoolExecutor

        self.workers = workers
        self._executor = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                                             initializer=_start_worker)
        self._released = threading.Event()
        self._wake = threading.Event()  # a held job finished, or the pool was released or closed
        self._closed = False
        self._given_work = False  # a job was handed to the executor
        self._feeders: list[Any] = []
        # spawned executors start a process per submitted task, up to the limit
        self._ready = [self._executor.submit(int) for _ in range(workers if start is None else start)]
        for fut in self._ready:
            fut.add_done_callback(lambda _: self._wake.set())

    def submit_all(self, fn: Callable[..., Any], jobs: list[tuple[Any, ...]],
                   shared: dict[str, Any], at_a_time: int | None = None) -> list[Future]:
        """``fn(*job)`` for every job; ``shared`` reaches each worker once, through a file
        (removed when the last job is over), instead of being pickled with every job.

        Without ``at_a_time`` every job is submitted now. With it, a thread of this process
        hands the jobs over that many at a time until :meth:`release`; the futures returned
        stand for every job from the start (a job cancelled before it was handed over never
        runs)."""
        import pickle
        import tempfile
        import threading

        fd, path = tempfile.mkstemp(prefix="summit-etl-shared-", suffix=".pickle")
        with os.fdopen(fd, "wb") as f:
            pickle.dump(shared, f, protocol=pickle.HIGHEST_PROTOCOL)
        futures = [Future() for _ in jobs]
        left, lock = [len(futures)], threading.Lock()

        def over(_: Future) -> None:  # also called for a cancelled job
            with lock:
                left[0] -= 1
                last = left[0] == 0
            if last:
                Path(path).unlink(missing_ok=True)

        if not futures:
            Path(path).unlink(missing_ok=True)
        for fut in futures:
            fut.add_done_callback(over)

        def hand_over(i: int) -> Future | None:
            mine = futures[i]
            if not mine.set_running_or_notify_cancel():  # cancelled while it waited here
                return None
            self._given_work = True
            try:
                sent = self._executor.submit(_with_shared, path, fn, jobs[i])
            except BaseException as exc:  # the pool was shut down or broke meanwhile
                mine.set_exception(exc)
                return None
            sent.add_done_callback(lambda done: _relay(done, mine, self._wake))
            return sent

        if at_a_time is None or at_a_time >= len(jobs) or self._released.is_set():
            for i in range(len(jobs)):
                hand_over(i)
        else:
            feeder = threading.Thread(target=self._feed, args=(hand_over, futures, at_a_time),
                                      name="summit-etl-feeder", daemon=True)
            self._feeders.append(feeder)
            feeder.start()
        return futures

    def _feed(self, hand_over: Callable[[int], Future | None], futures: list[Future], at_a_time: int) -> None:
        """Hand ``futures``' jobs over, ``at_a_time`` in the workers until released. (The
        executor counts a worker idle only just after it sets the job's result, so a job handed
        over in that instant may start a new process early: only the timing changes.)"""
        in_workers: list[Future] = list(self._ready)  # a process still starting counts as busy
        for i in range(len(futures)):
            while not (self._released.is_set() or self._closed):
                in_workers = [f for f in in_workers if not f.done()]
                if len(in_workers) < at_a_time:
                    break
                self._wake.wait(0.1)  # the state is checked again after every wake-up
                self._wake.clear()
            if self._closed:
                for fut in futures[i:]:
                    fut.cancel()
                    fut.set_running_or_notify_cancel()  # what wait() and as_completed() see
                return
            sent = hand_over(i)
            if sent is not None:
                in_workers.append(sent)

    def release(self) -> None:
        """Hand every held job over now."""
        self._released.set()
        self._wake.set()

    def close(self) -> None:
        """Shut the pool down once its workers have left. A pool that was never given a job
        does not wait for its processes to finish starting: they are terminated (a worker
        still starting holds nothing)."""
        self._closed = True
        self._wake.set()
        for feeder in self._feeders:
            feeder.join()
        if not self._given_work:
            terminate = getattr(self._executor, "terminate_workers", None)  # Python 3.14+
            if terminate is not None:
                terminate()
            else:
                for process in list(getattr(self._executor, "_processes", {}).values()):
                    process.terminate()
        self._executor.shutdown(wait=True, cancel_futures=True)


def _relay(done: Future, mine: Future, wake: Any) -> None:
    """What a job handed to the executor came to, onto the future that stands for it."""
    if done.cancelled():
        from concurrent.futures import CancelledError

        mine.set_exception(CancelledError())
    elif (exc := done.exception()) is not None:
        mine.set_exception(exc)
    else:
        mine.set_result(done.result())
    wake.set()


_POOL: WorkerPool | None = None  # the process's pool, kept from the clean stage to the end of extraction


def start_workers(workers: int | None = None, start: int | None = None) -> WorkerPool:
    """The process's worker pool, made now if there is none of that size, with ``start``
    (default: all) of its processes started (and warming up) at once."""
    global _POOL
    workers = workers or pool_size()
    if _POOL is not None and _POOL.workers != workers:
        stop_workers()
    if _POOL is None:
        _POOL = WorkerPool(workers, start)
    return _POOL


def stop_workers() -> None:
    """Shut the worker pool down (their memory is given back before normalisation)."""
    global _POOL
    pool, _POOL = _POOL, None
    if pool is not None:
        pool.close()


_SHARED: dict[str, Any] = {}  # read-only data every batch of a stage needs, sent once per process
_SHARED_FROM: str | None = None  # in a worker: the file _SHARED was loaded from


def share(values: dict[str, Any]) -> None:
    """Install ``values`` as this process's shared data (what :func:`shared_value` reads)."""
    _SHARED.clear()
    _SHARED.update(values)


def shared_value(key: str, default: Any = None) -> Any:
    """A value of the shared data the current stage sent to this process."""
    return _SHARED.get(key, default)


def _with_shared(path: str, fn: Callable[..., Any], job: tuple[Any, ...]) -> Any:
    global _SHARED_FROM
    if _SHARED_FROM != path:
        import pickle

        with open(path, "rb") as f:
            share(pickle.load(f))
        _SHARED_FROM = path
    return fn(*job)
