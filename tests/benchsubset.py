"""The fixed benchmark subset both cleaner quality tests score (every 4th page by sorted id).

Scoring is the benchmark's own ``evaluate.py``, imported from the data folder, not copied.
"""
from __future__ import annotations

import gzip
import importlib.util
import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def bench_dir() -> Path | None:
    env = os.environ.get("SUMMIT_ETL_BENCH_DIR")
    for cand in ([Path(env)] if env else []) + [REPO.parent / "shared" / "bench" / "extraction"]:
        if (cand / "ground-truth.json").exists() and (cand / "evaluate.py").exists():
            return cand
    return None


def subset_sh4(form: str, clean: Callable[[str], str]) -> tuple[dict[str, float], int]:
    """(sh4 P/R/F1 summary, number of pages) of ``clean`` on the subset in ``form`` ("html"/"text")."""
    data = bench_dir()
    if data is None:
        pytest.skip("extraction benchmark not found (../shared/bench/extraction next to the repo, "
                    "or set SUMMIT_ETL_BENCH_DIR)")
    spec = importlib.util.spec_from_file_location("bench_evaluate", data / "evaluate.py")
    ev = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(ev)
    truth = json.loads((data / "ground-truth.json").read_text(encoding="utf8"))
    ids = sorted(truth)[::4]  # fixed in advance: every 4th page by sorted id (46 pages)
    suffix = ".html.gz" if form == "html" else ".txt.gz"
    rows = []
    for i in ids:
        with gzip.open(data / form / f"{i}{suffix}", "rt", encoding="utf8") as f:
            pred = clean(f.read())
        rows.append({"sh4": ev.page_scores(truth[i]["articleBody"], pred, ev.NGRAMS["sh4"])})
    return ev.summarize(rows, "sh4"), len(ids)
