"""The input-folder sensor: launches on added, changed and removed files, skips otherwise."""
from __future__ import annotations

import json
import os
import time
from pathlib import Path

import dagster as dg
import pytest

from pipeline.assets import SummitSettings
from pipeline.definitions import JOB_NAME, SCHEDULE_NAME, build_definitions
from pipeline.sensors import (
    MIN_INTERVAL_SECONDS,
    SENSOR_NAME,
    Cursor,
    build_input_sensor,
    diff_state,
    scan_state,
    state_hash,
)
from pipeline.settings import Settings


def test_diff_state():
    old = {"a.txt": (1, 10), "b.txt": (2, 20), "c.txt": (3, 30)}
    new = {"a.txt": (1, 10), "b.txt": (2, 21), "d/e.html": (4, 40)}
    diff = diff_state(old, new)
    assert (diff.added, diff.changed, diff.removed) == (["d/e.html"], ["b.txt"], ["c.txt"])
    assert diff and not diff_state(new, dict(new))
    assert diff.summary() == "1 added: d/e.html; 1 changed: b.txt; 1 removed: c.txt"
    assert "\\xff" in diff_state({}, {"odd-\udcff.txt": (1, 1)}).summary()
    assert diff_state({}, new).added == sorted(new)
    assert diff_state(old, {}).removed == sorted(old)
    # a size change alone, or an mtime change alone, is a change
    assert diff_state({"a": (1, 1)}, {"a": (2, 1)}).changed == ["a"]
    assert diff_state({"a": (1, 1)}, {"a": (1, 2)}).changed == ["a"]


def test_cursor_round_trips_and_bad_cursors_start_over():
    state = {"x/a.txt": (12, 1_700_000_000_123_456_789), "b.html": (0, 5), "ü.htm": (-1, -1),
             "bad-\udcff-name.txt": (3, 4)}   # an undecodable file name, as os.listdir gives it
    cursor = Cursor(state_hash(state), 7, state)
    text = cursor.serialize()
    assert Cursor.parse(text) == cursor
    assert json.loads(text)["hash"] == state_hash(state) and json.loads(text)["n"] == 4
    assert state_hash(dict(reversed(list(state.items())))) == state_hash(state)   # order-free
    for bad in (None, "", "not json", "{}", '{"v": 99}', '{"v": 1, "hash": "h", "state": "!!"}'):
        assert Cursor.parse(bad) is None


def test_cursor_stays_compact_for_100k_files():
    state = {f"2025/{i % 12:02d}/outlet-{i % 97}/page-{i:06d}.html": (20_000 + i % 5000, 1_760_000_000_000_000_000 + i * 1_000_003)
             for i in range(100_000)}
    started = time.perf_counter()
    text = Cursor(state_hash(state), 1, state).serialize()
    parsed = Cursor.parse(text)
    elapsed = time.perf_counter() - started
    assert parsed is not None and parsed.state == state
    raw = len(json.dumps(state))
    assert len(text) < raw / 3, (len(text), raw)
    assert elapsed < 10


@pytest.fixture()
def folder(tmp_path) -> Path:
    root = tmp_path / "in"
    (root / "sub").mkdir(parents=True)
    (root / "a.txt").write_text("first page")
    (root / "sub" / "b.html").write_text("<p>second page</p>")
    (root / "notes.pdf").write_text("not an input file")     # ignored, like ingest ignores it
    with open(os.path.join(os.fsencode(root), b"odd-\xff.txt"), "wb") as fh:   # an undecodable name
        fh.write(b"third page")
    return root


def tick(sensor: dg.SensorDefinition, root: Path, cursor: str | None):
    context = dg.build_sensor_context(cursor=cursor, resources={"settings": SummitSettings(
        input_dir=str(root), warehouse_path=str(root.parent / "wh.duckdb"), exports_dir=str(root.parent / "ex"))})
    return sensor(context)


def requested(result) -> dg.RunRequest:
    assert isinstance(result, dg.SensorResult), result
    assert len(result.run_requests) == 1 and result.cursor
    request = result.run_requests[0]
    assert request.job_name == JOB_NAME and request.run_key
    return request


def bump(path: Path, text: str) -> None:
    """Rewrite ``path`` and move its mtime on, so the change shows even on coarse clocks."""
    before = path.stat().st_mtime_ns if path.exists() else 0
    path.write_text(text)
    os.utime(path, ns=(before + 2_000_000_000, before + 2_000_000_000))


def test_sensor_ticks(folder):
    sensor = build_input_sensor(JOB_NAME)
    assert scan_state(folder).keys() == {"a.txt", "sub/b.html", "odd-\udcff.txt"}

    first = tick(sensor, folder, None)
    req = requested(first)
    assert req.tags["summit_etl/files"] == "3" and req.tags["summit_etl/added"] == "3"
    cursor = first.cursor
    assert Cursor.parse(cursor).state == scan_state(folder)

    # the same tick evaluated again (e.g. its cursor update was lost) asks for the same run key
    assert requested(tick(sensor, folder, None)).run_key == req.run_key

    unchanged = tick(sensor, folder, cursor)
    assert isinstance(unchanged, dg.SkipReason)
    (folder / "ignored.csv").write_text("x")
    assert isinstance(tick(sensor, folder, cursor), dg.SkipReason)

    keys = {req.run_key}
    (folder / "sub" / "c.htm").write_text("<p>third</p>")
    added = tick(sensor, folder, cursor)
    r = requested(added)
    assert (r.tags["summit_etl/added"], r.tags["summit_etl/changed"], r.tags["summit_etl/removed"]) == ("1", "0", "0")
    keys.add(r.run_key)
    cursor = added.cursor
    assert isinstance(tick(sensor, folder, cursor), dg.SkipReason)

    bump(folder / "a.txt", "first page, corrected")
    changed = tick(sensor, folder, cursor)
    r = requested(changed)
    assert (r.tags["summit_etl/added"], r.tags["summit_etl/changed"], r.tags["summit_etl/removed"]) == ("0", "1", "0")
    keys.add(r.run_key)
    cursor = changed.cursor

    state_before_removal = Cursor.parse(cursor)
    (folder / "sub" / "c.htm").unlink()
    removed = tick(sensor, folder, cursor)
    r = requested(removed)
    assert (r.tags["summit_etl/added"], r.tags["summit_etl/changed"], r.tags["summit_etl/removed"]) == ("0", "0", "1")
    keys.add(r.run_key)
    cursor = removed.cursor
    assert isinstance(tick(sensor, folder, cursor), dg.SkipReason)

    # back to a state seen before: still a new run (the warehouse holds the removal's result)
    (folder / "sub" / "c.htm").write_text("<p>third</p>")
    os.utime(folder / "sub" / "c.htm", ns=(state_before_removal.state["sub/c.htm"][1],) * 2)
    assert scan_state(folder) == state_before_removal.state
    back = tick(sensor, folder, cursor)
    r = requested(back)
    assert r.run_key not in keys
    keys.add(r.run_key)
    assert len(keys) == 5

    # every file removed: one run to retire every row, then quiet
    for path in (folder / "a.txt", folder / "sub" / "b.html", folder / "sub" / "c.htm"):
        path.unlink()
    os.unlink(os.path.join(os.fsencode(folder), b"odd-\xff.txt"))
    emptied = tick(sensor, folder, back.cursor)
    assert requested(emptied).tags["summit_etl/removed"] == "4"
    assert isinstance(tick(sensor, folder, emptied.cursor), dg.SkipReason)


def test_sensor_skips_missing_or_empty_folder(tmp_path):
    sensor = build_input_sensor(JOB_NAME)
    assert isinstance(tick(sensor, tmp_path / "missing", None), dg.SkipReason)
    empty = tmp_path / "empty"
    empty.mkdir()
    assert isinstance(tick(sensor, empty, None), dg.SkipReason)


def test_definitions_wire_sensor_schedule_and_checks(tmp_path):
    defs = build_definitions(Settings(tmp_path / "in", tmp_path / "wh.duckdb", tmp_path / "ex"))
    sensor = defs.resolve_sensor_def(SENSOR_NAME)
    assert sensor.job_name == JOB_NAME
    assert sensor.minimum_interval_seconds == MIN_INTERVAL_SECONDS
    assert sensor.default_status == dg.DefaultSensorStatus.STOPPED
    schedule = defs.resolve_schedule_def(SCHEDULE_NAME)
    assert schedule.cron_schedule == "0 2 * * *" and schedule.job_name == JOB_NAME
    job = defs.resolve_job_def(JOB_NAME)
    check_names = {key.name for key in job.asset_layer.asset_graph.asset_check_keys}
    assert {"quotes_offsets_match_body", "attendees_references_valid", "summits_start_not_after_reports"} <= check_names
