#!/usr/bin/env python3
"""Scale benchmark: the whole pipeline as users run it, against trafilatura's extract-only.

    python benchmarks/bench_pipeline.py --n 10000 [--corpus DIR] [--keep] [--json PATH]
        [--skip-trafilatura | --trafilatura-sample K] [--seed 0] [--workdir DIR] [--snapshot] [--strict]

In one run:

1. builds (or reuses) a corpus of N files with ``make_corpus.py`` (real pages, each copy varied);
2. full run: ``summit-etl run --input CORPUS --warehouse W --exports E`` as a subprocess with a
   fresh warehouse; wall time, and peak RSS of the whole process tree (the CLI and its worker
   processes; /proc polled every 0.2 s, RSS summed over the tree);
3. trafilatura extract-only in this process over the same files (read + ``trafilatura.extract(
   text, favor_precision=True, include_comments=False)``; .txt files fed as they are), or over
   a deterministic sample of K files with docs/s extrapolated (labelled ``sampled``);
4. no-change re-run (same corpus, same warehouse) and a re-run after adding 1% new files;
5. after every run: documents + rejected_documents = files in the corpus.

Targets (issue 5): pipeline docs/s >= 2x trafilatura's, peak RSS <= 2 GB, no-change re-run
<= 5% of the full run, 1%-new re-run <= 10%. Prints a table and writes it as JSON (--json).
Exit status is 1 when a run fails or a row count is off (and with --strict, when a target is
missed).
"""
from __future__ import annotations

import argparse
import compileall
import json
import math
import os
import platform
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
import make_corpus

SUFFIXES = {".html", ".htm", ".xhtml", ".txt"}  # what the pipeline ingests
TARGETS = {"ratio": 2.0, "peak_rss_mb": 2048.0, "rerun_pct": 5.0, "new1_pct": 10.0}


# ---------------------------------------------------------------- process-tree memory
def _children_map() -> dict[int, list[int]]:
    kids: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as f:
                stat = f.read()
        except OSError:
            continue
        # pid (comm) state ppid ... ; comm may hold spaces or parentheses
        ppid = int(stat[stat.rindex(b")") + 2:].split(b" ", 2)[1])
        kids.setdefault(ppid, []).append(int(entry.name))
    return kids


def _tree(root: int) -> list[int]:
    kids = _children_map()
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo.extend(kids.get(pid, ()))
    return out


def _mem_kb(pid: int) -> tuple[int, int]:
    """(VmRSS, VmHWM) in kB; zeros for a process that is gone."""
    rss = hwm = 0
    try:
        with open(f"/proc/{pid}/status", "rb") as f:
            for line in f:
                if line.startswith(b"VmRSS:"):
                    rss = int(line.split()[1])
                elif line.startswith(b"VmHWM:"):
                    hwm = int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return rss, hwm


class TreeSampler(threading.Thread):
    """Polls the process tree under ``pid``: peak of the summed RSS, largest single-process
    high-water mark, most processes at once, and a timeline (seconds, tree RSS MB, main
    process RSS MB, processes) that shows in which phase memory grows (worker processes
    alive = clean/extract; the main process alone = plan, normalise, warehouse)."""

    def __init__(self, pid: int, interval: float = 0.2):
        super().__init__(daemon=True)
        self.pid, self.interval = pid, interval
        self.peak_kb = self.max_hwm_kb = self.max_procs = self.samples = 0
        self.timeline: list[tuple[float, float, float, int]] = []
        self._halt = threading.Event()
        self._t0 = time.perf_counter()
        self.available = os.path.isdir("/proc/self")

    def sample(self) -> None:
        pids = _tree(self.pid)
        total = main = 0
        for pid in pids:
            rss, hwm = _mem_kb(pid)
            total += rss
            if pid == self.pid:
                main = rss
            self.max_hwm_kb = max(self.max_hwm_kb, hwm)
        self.peak_kb = max(self.peak_kb, total)
        self.max_procs = max(self.max_procs, len(pids))
        self.samples += 1
        self.timeline.append((round(time.perf_counter() - self._t0, 1), round(total / 1024), round(main / 1024),
                              len(pids)))

    def run(self) -> None:
        if not self.available:
            return
        while not self._halt.is_set():
            self.sample()
            self._halt.wait(self.interval)

    def stop(self) -> None:
        self._halt.set()
        self.join()

    def summary(self, points: int = 300) -> dict:
        """The timeline thinned to at most ``points`` samples (keeping the peak), plus the
        main process's peak while workers ran and after."""
        tl = self.timeline
        step = max(1, len(tl) // points)
        keep = set(range(0, len(tl), step))
        if tl:
            keep.add(max(range(len(tl)), key=lambda i: tl[i][1]))
            keep.add(len(tl) - 1)
        workers = [p for p in tl if p[3] > 2]
        return {"columns": ["s", "tree_rss_mb", "main_rss_mb", "processes"],
                "points": [tl[i] for i in sorted(keep)],
                "main_peak_mb_while_workers": max((p[2] for p in workers), default=None),
                "main_peak_mb_after_workers": max((p[2] for p in tl if workers and p[0] > workers[-1][0]),
                                                  default=None),
                "workers_from_to_s": [workers[0][0], workers[-1][0]] if workers else None}


# ---------------------------------------------------------------- pipeline runs
def pipeline_cmd() -> list[str]:
    exe = Path(sys.executable).parent / "summit-etl"
    if exe.exists():
        return [str(exe)]
    found = shutil.which("summit-etl")
    return [found] if found else [sys.executable, "-m", "pipeline"]


def snapshot_code(dest: Path) -> Path:
    """A frozen copy of the code and the files it reads (pipeline/, sql/, seeds/), so that edits
    to the work tree during a long benchmark neither change the code under test nor (through
    the extractor fingerprint) invalidate the re-runs' cache."""
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in ("pipeline", "sql", "seeds"):
        if (REPO / name).is_dir():
            shutil.copytree(REPO / name, dest / name, ignore=ignore)
    for name in ("pyproject.toml", "workspace.yaml"):
        if (REPO / name).exists():
            shutil.copy2(REPO / name, dest / name)
    # Byte-compiled once, as an installed package is: with PYTHONDONTWRITEBYTECODE set (as it is
    # on some CI and container images) every process of every run would compile the whole
    # package again (~0.4 s in the main process, and again in each worker).
    compileall.compile_dir(str(dest / "pipeline"), quiet=1)
    return dest


def run_pipeline(label: str, corpus: Path, warehouse: Path, exports: Path, logdir: Path,
                 env: dict[str, str], code: Path | None = None) -> dict:
    """``summit-etl run`` (or, for a snapshot, ``python -m pipeline run`` from the snapshot, which
    is the same entry point) as a subprocess; wall time and the process tree's memory."""
    base = [sys.executable, "-m", "pipeline"] if code else pipeline_cmd()
    cmd = [*base, "run", "--input", str(corpus), "--warehouse", str(warehouse), "--exports", str(exports)]
    out_path, err_path = logdir / f"{label}.stdout", logdir / f"{label}.stderr"
    print(f"[{label}] {' '.join(cmd)}", flush=True)
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, env=env, cwd=code or REPO)
        sampler = TreeSampler(proc.pid)
        sampler.start()
        rc = proc.wait()
        wall = time.perf_counter() - t0
        sampler.stop()
    stdout = out_path.read_text(errors="replace")
    inner = re.search(r"done in ([\d.]+) s", stdout)
    res = {"label": label, "rc": rc, "wall_s": round(wall, 3),
           "inner_s": float(inner.group(1)) if inner else None,
           "peak_rss_mb": round(sampler.peak_kb / 1024, 1) if sampler.available else None,
           "max_process_hwm_mb": round(sampler.max_hwm_kb / 1024, 1) if sampler.available else None,
           "max_processes": sampler.max_procs, "rss_samples": sampler.samples, "memory": sampler.summary(),
           "stdout": str(out_path), "stderr": str(err_path)}
    if not sampler.available:  # no /proc: the largest single child, as a floor
        import resource

        res["max_process_hwm_mb"] = round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1)
    msg = f"[{label}] rc={rc} wall {wall:.1f} s"
    if res["peak_rss_mb"] is not None:
        mem = res["memory"]
        msg += f", peak RSS (tree) {res['peak_rss_mb']:.0f} MB over {sampler.max_procs} processes"
        if mem["workers_from_to_s"]:
            msg += (f"; main process peak {mem['main_peak_mb_while_workers']} MB while workers ran "
                    f"({mem['workers_from_to_s'][0]:.0f}-{mem['workers_from_to_s'][1]:.0f} s), "
                    f"{mem['main_peak_mb_after_workers']} MB after")
    print(msg, flush=True)
    if rc != 0:
        tail = err_path.read_text(errors="replace")[-3000:]
        print(f"[{label}] FAILED; stderr tail:\n{tail}", file=sys.stderr, flush=True)
    return res


def count_rows(warehouse: Path) -> dict:
    import duckdb

    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return {t: con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0]
                for t in ("documents", "rejected_documents", "articles")}
    finally:
        con.close()


def input_files(corpus: Path) -> list[Path]:
    out = []
    for dirpath, dirnames, filenames in os.walk(corpus):
        dirnames.sort()
        out.extend(Path(dirpath) / f for f in sorted(filenames) if Path(f).suffix.lower() in SUFFIXES)
    return out


def check_counts(label: str, warehouse: Path, files: int) -> dict:
    rows = count_rows(warehouse)
    ok = rows["documents"] + rows["rejected_documents"] == files
    print(f"[{label}] documents {rows['documents']} + rejected {rows['rejected_documents']} "
          f"= {rows['documents'] + rows['rejected_documents']} vs {files} files: {'ok' if ok else 'MISMATCH'}"
          f"; articles {rows['articles']}", flush=True)
    return {**rows, "files": files, "ok": ok}


# ---------------------------------------------------------------- trafilatura
def time_trafilatura(files: list[Path], sample: int | None, seed: int) -> dict:
    import trafilatura

    chosen = files
    if sample and sample < len(files):
        chosen = sorted(random.Random(f"traf-{seed}").sample(files, sample))
    # one untimed warm-up call (imports, lazy tables), on a file outside the timed loop's order
    trafilatura.extract(chosen[0].read_text(encoding="utf-8", errors="replace"),
                        favor_precision=True, include_comments=False)
    print(f"[trafilatura] extract-only on {len(chosen)} of {len(files)} files, one process", flush=True)
    per_form = {"html": [0, 0.0], "text": [0, 0.0]}
    empty = 0
    t_all = time.perf_counter()
    for i, path in enumerate(chosen, 1):
        t0 = time.perf_counter()
        text = path.read_text(encoding="utf-8", errors="replace")
        out = trafilatura.extract(text, favor_precision=True, include_comments=False)
        dt = time.perf_counter() - t0
        form = "text" if path.suffix.lower() == ".txt" else "html"
        per_form[form][0] += 1
        per_form[form][1] += dt
        empty += not out
        if i % 1000 == 0:
            print(f"[trafilatura] {i}/{len(chosen)} ({i / (time.perf_counter() - t_all):.1f} docs/s)", flush=True)
    total = time.perf_counter() - t_all
    n = len(chosen)
    return {"docs": n, "of": len(files), "sampled": n < len(files), "seconds": round(total, 3),
            "docs_per_s": round(n / total, 2), "ms_per_doc": round(1000 * total / n, 2),
            "estimated_full_s": round(total * len(files) / n, 1), "empty_outputs": empty,
            "by_form": {k: {"docs": c, "ms_per_doc": round(1000 * s / c, 2) if c else None}
                        for k, (c, s) in per_form.items()}}


# ---------------------------------------------------------------- report
def _git() -> dict:
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, check=False,
                              text=True, timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "--no-optional-locks", "status", "--porcelain", "--untracked-files=no"], cwd=REPO,
                               capture_output=True, text=True, timeout=10, check=False).stdout.strip()
        return {"commit": head, "dirty": bool(dirty)}
    except (OSError, subprocess.SubprocessError):
        return {}


def table(res: dict) -> str:
    rows: list[tuple[str, str, str, str]] = []

    def ok(flag: bool | None) -> str:
        return "" if flag is None else ("ok" if flag else "MISSED")

    n = res["files"]
    full = res.get("full")
    if full and full["rc"] != 0:
        rows.append(("pipeline full run", (f"FAILED (exit {full['rc']}) after {full['wall_s']:.1f} s; "
                     f"see {full['stderr']}"), "", ok(False)))
        full = None
    if full:
        docs_s = res["pipeline_docs_per_s"]
        rows.append(("pipeline full run", (f"{full['wall_s']:.1f} s  {docs_s:.1f} docs/s  "
                     f"{1000 * full['wall_s'] / n:.1f} ms/doc"), "", ""))
        if full.get("inner_s") is not None:
            rows.append(("  of which start-up (wall - 'done in')", f"{full['wall_s'] - full['inner_s']:.1f} s", "", ""))
        if full.get("peak_rss_mb") is not None:
            rows.append(("pipeline peak RSS (process tree)",
                         (f"{full['peak_rss_mb']:.0f} MB ({full['max_processes']} procs; "
                         f"largest one {full['max_process_hwm_mb']:.0f} MB)"),
                         f"<= {TARGETS['peak_rss_mb']:.0f} MB", ok(full["peak_rss_mb"] <= TARGETS["peak_rss_mb"])))
    traf = res.get("trafilatura")
    if traf:
        label = "trafilatura extract-only" + (f" [sampled {traf['docs']}/{traf['of']}]" if traf["sampled"] else "")
        rows.append((label, f"{traf['docs_per_s']:.1f} docs/s  {traf['ms_per_doc']:.1f} ms/doc"
                     + (f"  (~{traf['estimated_full_s']:.0f} s for all)" if traf["sampled"] else
                        f"  ({traf['seconds']:.0f} s)"), "", ""))
        bf = traf["by_form"]
        rows.append(("  by form (ms/doc)", ", ".join(f"{k} {v['ms_per_doc']:.1f} ({v['docs']} docs)"
                                                    for k, v in bf.items() if v["docs"])
                     + f"; {traf['empty_outputs']} empty outputs", "", ""))
        if res.get("ratio") is not None:
            rows.append(("ratio pipeline/trafilatura docs/s", f"{res['ratio']:.2f}x",
                         f">= {TARGETS['ratio']:.1f}x", ok(res["ratio"] >= TARGETS["ratio"])))
    for key, name, target in (("rerun", "no-change re-run", "rerun_pct"), ("new1", "re-run, 1% new files", "new1_pct")):
        r = res.get(key)
        if r:
            extra = f" (+{res['new_files']} files)" if key == "new1" else ""
            if r["rc"] != 0:
                rows.append((name + extra, f"FAILED (exit {r['rc']}) after {r['wall_s']:.1f} s; see {r['stderr']}",
                             f"<= {TARGETS[target]:.0f}%", ok(False)))
                continue
            rows.append((name + extra, f"{r['wall_s']:.1f} s = {r['pct_of_full']:.1f}% of full",
                         f"<= {TARGETS[target]:.0f}%", ok(r["pct_of_full"] <= TARGETS[target])))
            if r.get("peak_rss_mb") is not None:
                rows.append(("  its peak RSS (process tree)", f"{r['peak_rss_mb']:.0f} MB",
                             f"<= {TARGETS['peak_rss_mb']:.0f} MB", ok(r["peak_rss_mb"] <= TARGETS["peak_rss_mb"])))
    for key in ("full", "rerun", "new1"):
        c = res.get("counts", {}).get(key)
        if c:
            rows.append((f"rows after {key}", (f"{c['documents']} docs + {c['rejected_documents']} rejected "
                         f"= {c['files']} files"), "equal", ok(c["ok"])))
    w = [max(len(r[i]) for r in rows) for i in range(4)] if rows else [0] * 4
    head = f"summit-etl scale benchmark: N={n} files ({res['corpus_mb']:.0f} MB), {res['env']['cpus']} cores"
    lines = [head, "-" * len(head)]
    for r in rows:
        lines.append(f"{r[0]:<{w[0]}}  {r[1]:<{w[1]}}  {r[2]:<{w[2]}}  {r[3]}".rstrip())
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, required=True, help="files in the corpus")
    ap.add_argument("--corpus", type=Path, help="corpus folder (made or reused; kept). Default: WORKDIR/corpus-N-sSEED")
    ap.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "summit-etl-bench",
                    help="where the warehouse, exports, logs (and default corpus) go")
    ap.add_argument("--keep", action="store_true",
                    help="keep the warehouse, logs, default corpus and the 1%% new files")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--data", type=Path, default=None, help="extraction benchmark folder")
    ap.add_argument("--seeds", type=Path, default=None, help="example pages folder")
    ap.add_argument("--json", type=Path, help="write the results here as JSON")
    g = ap.add_mutually_exclusive_group()
    g.add_argument("--skip-trafilatura", action="store_true")
    g.add_argument("--trafilatura-sample", type=int, metavar="K",
                   help="time trafilatura on a deterministic sample of K files and extrapolate")
    ap.add_argument("--new-fraction", type=float, default=0.01, help="share of new files for the last re-run")
    ap.add_argument("--dagster-home", type=Path,
                    help="DAGSTER_HOME for the runs (default: as for users: $DAGSTER_HOME or .dagster_home/)")
    ap.add_argument("--snapshot", action="store_true",
                    help="run a frozen copy of pipeline/, sql/ and seeds/ (for a tree others are editing)")
    ap.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    args = ap.parse_args(argv)

    workdir = args.workdir.resolve()
    own_corpus = args.corpus is None
    corpus_dir = (args.corpus or workdir / f"corpus-{args.n}-s{args.seed}").resolve()
    rundir = workdir / f"run-{args.n}-s{args.seed}"
    if rundir.exists():
        shutil.rmtree(rundir)
    logs = rundir / "logs"
    logs.mkdir(parents=True)
    warehouse, exports = rundir / "warehouse.duckdb", rundir / "exports"
    env = dict(os.environ)
    if args.dagster_home:
        args.dagster_home.mkdir(parents=True, exist_ok=True)
        env["DAGSTER_HOME"] = str(args.dagster_home.resolve())
    code = None
    if args.snapshot:
        code = snapshot_code(rundir / "code")
        env.setdefault("DAGSTER_HOME", str(REPO / ".dagster_home"))  # the home users' runs get

    data = args.data or make_corpus._default("bench", "extraction")
    seeds = args.seeds or make_corpus._default("seeds")
    t0 = time.perf_counter()
    corpus = make_corpus.Corpus(corpus_dir, args.seed, data, seeds)
    corpus.ensure(args.n, log=lambda m: print(f"[corpus] {m}", flush=True))
    corpus_s = time.perf_counter() - t0
    files = input_files(corpus_dir)
    corpus_mb = sum(p.stat().st_size for p in files) / 1e6
    n = len(files)

    res: dict = {
        "files": n, "corpus": str(corpus_dir), "corpus_mb": round(corpus_mb, 1), "corpus_prepare_s": round(corpus_s, 1),
        "seed": args.seed, "targets": TARGETS, "counts": {},
        "env": {"cpus": os.cpu_count(), "python": platform.python_version(),
                "SUMMIT_ETL_WORKERS": os.environ.get("SUMMIT_ETL_WORKERS"), "snapshot": bool(args.snapshot),
                "started": time.strftime("%Y-%m-%dT%H:%M:%S%z"), **_git()},
    }
    failed = False
    try:
        full = run_pipeline("full", corpus_dir, warehouse, exports, logs, env, code)
        res["full"] = full
        if full["rc"] != 0:
            failed = True
            return 1
        res["pipeline_docs_per_s"] = round(n / full["wall_s"], 2)
        res["pipeline_ms_per_doc"] = round(1000 * full["wall_s"] / n, 2)
        res["counts"]["full"] = check_counts("full", warehouse, n)

        if not args.skip_trafilatura:
            res["trafilatura"] = time_trafilatura(files, args.trafilatura_sample, args.seed)
            res["ratio"] = round(res["pipeline_docs_per_s"] / res["trafilatura"]["docs_per_s"], 3)
            print(f"[trafilatura] {res['trafilatura']['docs_per_s']} docs/s; ratio {res['ratio']:.2f}", flush=True)

        rerun = run_pipeline("rerun", corpus_dir, warehouse, exports, logs, env, code)
        res["rerun"] = {**rerun, "pct_of_full": round(100 * rerun["wall_s"] / full["wall_s"], 2)}
        if rerun["rc"] != 0:
            failed = True
            return 1
        res["counts"]["rerun"] = check_counts("rerun", warehouse, n)

        new = max(1, math.ceil(args.new_fraction * args.n))
        corpus.add(args.n, new, log=lambda m: print(f"[corpus] {m}", flush=True))
        res["new_files"] = new
        new1 = run_pipeline("new1", corpus_dir, warehouse, exports, logs, env, code)
        res["new1"] = {**new1, "pct_of_full": round(100 * new1["wall_s"] / full["wall_s"], 2)}
        if new1["rc"] != 0:
            failed = True
            return 1
        res["counts"]["new1"] = check_counts("new1", warehouse, len(input_files(corpus_dir)))
    finally:
        if "full" in res:
            text = table(res)
            print("\n" + text)
            res["table"] = text
        res["failed"] = failed
        if args.json:
            args.json.parent.mkdir(parents=True, exist_ok=True)
            args.json.write_text(json.dumps(res, indent=1, default=str))
            print(f"results: {args.json}")
        if args.keep:
            print(f"kept: corpus {corpus_dir} ({len(input_files(corpus_dir))} files), run folder {rundir}")
        else:
            if not failed:
                shutil.rmtree(rundir, ignore_errors=True)
            else:
                print(f"logs kept in {logs}")
            if own_corpus:
                shutil.rmtree(corpus_dir, ignore_errors=True)
            else:  # a given corpus is kept as it was given: drop the new files
                corpus.ensure(args.n, log=lambda m: print(f"[corpus] {m}", flush=True))
    counts_ok = all(c["ok"] for c in res["counts"].values())
    missed = [k for k, v in _target_checks(res).items() if v is False]
    if missed:
        print("targets missed: " + ", ".join(missed))
    if not counts_ok:
        return 1
    return 1 if (args.strict and missed) else 0


def _target_checks(res: dict) -> dict[str, bool | None]:
    full = res.get("full") or {}
    return {
        "ratio": None if res.get("ratio") is None else res["ratio"] >= TARGETS["ratio"],
        "peak_rss": None if full.get("peak_rss_mb") is None else all(
            (res.get(k) or {}).get("peak_rss_mb", 0) <= TARGETS["peak_rss_mb"] for k in ("full", "rerun", "new1")),
        "rerun": None if "rerun" not in res else (res["rerun"]["rc"] == 0
                                                   and res["rerun"]["pct_of_full"] <= TARGETS["rerun_pct"]),
        "new1": None if "new1" not in res else (res["new1"]["rc"] == 0
                                                 and res["new1"]["pct_of_full"] <= TARGETS["new1_pct"]),
    }


if __name__ == "__main__":
    sys.exit(main())
