"""Automation: a sensor on the input folder (launch the job when input files are added,
changed or removed) and the nightly schedule (which skips a night when nothing changed).

The folder's state is every input file's ``relative path -> (size, mtime_ns)`` (the same files
the ingest asset reads: ``.html``, ``.htm``, ``.xhtml``, ``.txt``, recursively). The cursor keeps
that whole state so the next tick can say what changed; a removal launches a run too, so the
rebuilt warehouse retires the rows of files that are gone.

Cursor format (JSON, compact even for 100k files)::

    {"v": 1, "hash": "<sha256 of the canonical state>", "n": <files>, "seq": <runs requested>,
     "state": "<base64 of zlib-compressed JSON [[path, size, mtime_ns], ...] sorted by path>"}

A tick compares the folder's state hash with the cursor's; when they match it skips without
decompressing anything. Run keys are ``<state hash prefix>-<seq>``: re-evaluating a tick whose
cursor update was lost asks for the same key, which Dagster launches only once, while a folder
that returns to an earlier state (a file added, then removed) still gets a new run.

The sensor is STOPPED by default: turning it on is a choice (UI → Automation, or
``dagster sensor start summit_input_sensor``), so opening the UI, or the end-to-end test, never
launches a run on its own that would race another run writing the same warehouse.
"""
from __future__ import annotations

import base64
import hashlib
import json
import os
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import dagster as dg

from pipeline import stages
from pipeline.assets import SummitSettings
from pipeline.ingest import InputFolderError, iter_inputs

SENSOR_NAME = "summit_input_sensor"
MIN_INTERVAL_SECONDS = 30
CURSOR_VERSION = 1

FileState = tuple[int, int]              # (size in bytes, mtime in ns)
FolderState = dict[str, FileState]       # relative posix path -> FileState


@dataclass(frozen=True)
class Diff:
    added: list[str]
    changed: list[str]
    removed: list[str]

    def __bool__(self) -> bool:
        return bool(self.added or self.changed or self.removed)

    def summary(self, limit: int = 5) -> str:
        parts = []
        for label, paths in (("added", self.added), ("changed", self.changed), ("removed", self.removed)):
            if paths:
                shown = ", ".join(_printable(p) for p in paths[:limit]) + (f", … (+{len(paths) - limit})" if len(paths) > limit else "")
                parts.append(f"{len(paths)} {label}: {shown}")
        return "; ".join(parts) or "no change"


def _printable(path: str) -> str:
    """A file name fit for a log line (undecodable bytes shown as escapes)."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def scan_state(root: Path) -> FolderState:
    """Every input file under ``root`` with its size and modification time (``stat`` follows
    symlinks; a broken one is recorded as ``(-1, -1)`` so its repair counts as a change)."""
    root = Path(root)
    state: FolderState = {}
    for path in iter_inputs(root):
        try:
            st = path.stat()
            entry = (st.st_size, st.st_mtime_ns)
        except OSError:
            entry = (-1, -1)
        state[path.relative_to(root).as_posix()] = entry
    return state


def diff_state(old: Mapping[str, FileState], new: Mapping[str, FileState]) -> Diff:
    """What changed between two folder states (each list sorted)."""
    added = sorted(p for p in new if p not in old)
    removed = sorted(p for p in old if p not in new)
    changed = sorted(p for p in new if p in old and tuple(old[p]) != tuple(new[p]))
    return Diff(added, changed, removed)


def _canonical(state: Mapping[str, FileState]) -> bytes:
    rows = [[path, int(size), int(mtime)] for path, (size, mtime) in sorted(state.items())]
    # ASCII escapes keep undecodable file names (surrogate escapes) representable
    return json.dumps(rows, separators=(",", ":")).encode("ascii")


def state_hash(state: Mapping[str, FileState]) -> str:
    return hashlib.sha256(_canonical(state)).hexdigest()


@dataclass(frozen=True)
class Cursor:
    hash: str
    seq: int
    state: FolderState

    def serialize(self) -> str:
        packed = base64.b64encode(zlib.compress(_canonical(self.state), 6)).decode("ascii")
        return json.dumps({"v": CURSOR_VERSION, "hash": self.hash, "n": len(self.state), "seq": self.seq,
                           "state": packed}, separators=(",", ":"))

    @classmethod
    def parse(cls, text: str | None) -> Cursor | None:
        """The cursor, or None for a missing or unreadable one (the next tick then starts over)."""
        if not text:
            return None
        try:
            doc = json.loads(text)
            if doc.get("v") != CURSOR_VERSION:
                return None
            rows = json.loads(zlib.decompress(base64.b64decode(doc["state"])))
            state = {path: (int(size), int(mtime)) for path, size, mtime in rows}
            return cls(hash=str(doc["hash"]), seq=int(doc.get("seq", 0)), state=state)
        except (ValueError, KeyError, TypeError, zlib.error):
            return None


def evaluate(root: Path, cursor_text: str | None, job_name: str) -> tuple[dg.RunRequest | None, str | None, str]:
    """One tick as plain data: ``(run request or None, new cursor or None, message)``."""
    root = Path(root)
    if not root.is_dir():
        return None, None, f"input folder {root} does not exist"
    new = scan_state(root)
    new_hash = state_hash(new)
    previous = Cursor.parse(cursor_text)
    if previous is not None and previous.hash == new_hash:
        return None, None, f"no change in {root} ({len(new)} files)"
    if not new and (previous is None or not previous.state):
        return None, None, f"input folder {root} holds no input file"
    diff = diff_state(previous.state if previous else {}, new)
    seq = (previous.seq if previous else 0) + 1
    request = dg.RunRequest(
        run_key=f"{new_hash[:20]}-{seq}",
        job_name=job_name,
        tags={"summit_etl/trigger": "input_sensor", "summit_etl/files": str(len(new)),
              "summit_etl/added": str(len(diff.added)), "summit_etl/changed": str(len(diff.changed)),
              "summit_etl/removed": str(len(diff.removed))},
    )
    message = diff.summary() if previous else f"first look at {root}: {len(new)} files"
    return request, Cursor(new_hash, seq, new).serialize(), message


def build_input_sensor(job_name: str) -> dg.SensorDefinition:
    """The sensor on ``settings.input_dir`` that launches ``job_name``."""

    @dg.sensor(
        name=SENSOR_NAME,
        job_name=job_name,
        minimum_interval_seconds=MIN_INTERVAL_SECONDS,
        default_status=dg.DefaultSensorStatus.STOPPED,
        description="Launches the job when input files are added, changed or removed "
                    "(state: path -> size, mtime). Stopped by default; start it in the UI.",
    )
    def summit_input_sensor(context: dg.SensorEvaluationContext, settings: SummitSettings):
        request, cursor, message = evaluate(Path(settings.input_dir), context.cursor, job_name)
        context.log.info(message)
        if request is None:
            return dg.SkipReason(message)
        return dg.SensorResult(run_requests=[request], cursor=cursor)

    return summit_input_sensor


def build_nightly_schedule(job: dg.UnresolvedAssetJobDefinition, name: str,
                           cron: str = "0 2 * * *") -> dg.ScheduleDefinition:
    """The nightly run of ``job``. A night when no input file was added, changed or deleted
    since the published warehouse was built (and its exports are all there) is skipped with
    that reason, instead of launching a run that would leave everything as it is."""

    @dg.schedule(name=name, job=job, cron_schedule=cron,
                 description="Every night at 02:00: the whole job, unless no input file changed "
                             "since the last run (the tick is then skipped, with the reason).")
    def nightly(context: dg.ScheduleEvaluationContext, settings: SummitSettings):
        try:
            plan = stages.look_ahead(Path(settings.input_dir), Path(settings.warehouse_path))
        except InputFolderError as exc:
            return dg.SkipReason(str(exc))
        if stages.nothing_to_do(plan, Path(settings.exports_dir)):
            return dg.SkipReason(f"no change in {settings.input_dir} ({plan.files_seen} files) since the "
                                 "last run: the warehouse and its exports are current")
        return dg.RunRequest(tags={"summit_etl/trigger": "nightly", "summit_etl/to_read": str(len(plan.pending)),
                                   "summit_etl/retired": str(len(plan.retired))})

    return nightly
