"""Ingest: find every input file, fingerprint it, decode it, or say why it cannot be used.

Every regular file under the input root ends up either as a :class:`Document` or as a
:class:`Rejection` with a reason a person understands; nothing is dropped silently.
"""
from __future__ import annotations

import gzip
import hashlib
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from charset_normalizer import from_bytes

SUPPORTED = {".html": "html", ".htm": "html", ".xhtml": "html", ".txt": "text"}
MAX_BYTES = 64 * 1024 * 1024
_BINARY_MAGIC = {
    b"%PDF": "a PDF document", b"\x89PNG": "a PNG image", b"\x7fELF": "an ELF executable",
    b"GIF8": "a GIF image", b"\xff\xd8\xff": "a JPEG image", b"PK\x03\x04": "a ZIP archive",
    b"MZ": "a Windows executable",
}


class InputFolderError(Exception):
    """The input folder is missing or holds no file at all."""


@dataclass(frozen=True)
class Document:
    source_path: str  # relative to the input root, with "/" separators
    sha256: str
    size: int
    encoding: str
    format: str  # "html" or "text"
    text: str


@dataclass(frozen=True)
class Rejection:
    source_path: str
    sha256: str | None
    reason: str
    detail: str
    seen_at: datetime


def iter_inputs(root: Path) -> Iterator[Path]:
    """Every file under ``root`` with a supported extension, lazily; symlinks are listed too
    (they are rejected later if they leave the root)."""
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames.sort()
        for name in sorted(filenames):
            path = Path(dirpath) / name
            if path.suffix.lower() in SUPPORTED:
                yield path


def check_input(root: Path) -> None:
    """Raise :class:`InputFolderError` for a missing folder or one with no input file
    (stops at the first file found)."""
    root = Path(root)
    if not root.is_dir():
        raise InputFolderError(f"input folder {root} does not exist or is not a folder")
    if next(iter_inputs(root), None) is None:
        raise InputFolderError(f"input folder {root} holds no .html, .htm or .txt file")


def scan(root: Path) -> list[Path]:
    """Every input file under ``root``, sorted; a clear error when there is none."""
    check_input(root)
    return sorted(iter_inputs(Path(root)))


def relative(root: Path, path: Path) -> str:
    return path.relative_to(root).as_posix()


def read_document(root: Path, path: Path) -> Document | Rejection:
    rel = relative(root, path)
    now = datetime.now(timezone.utc)
    try:
        if path.is_symlink():
            target = path.resolve()
            if not target.is_relative_to(Path(root).resolve()):
                return Rejection(rel, None, "symlink outside input", f"points to {target}; not followed", now)
        size = path.stat().st_size
        if size > MAX_BYTES:
            return Rejection(rel, None, "too large", f"{size} bytes is over the {MAX_BYTES} byte limit", now)
        raw = path.read_bytes()
    except OSError as exc:
        return Rejection(rel, None, "unreadable", f"{type(exc).__name__}: {exc.strerror or exc}", now)
    digest = hashlib.sha256(raw).hexdigest()
    if raw[:2] == b"\x1f\x8b":
        try:
            raw = gzip.decompress(raw)[:MAX_BYTES]
        except (OSError, EOFError) as exc:
            return Rejection(rel, digest, "corrupt gzip", str(exc), now)
    if not raw.strip():
        return Rejection(rel, digest, "empty", "the file has no content" if not raw else "whitespace only", now)
    for magic, what in _BINARY_MAGIC.items():
        if raw.startswith(magic):
            return Rejection(rel, digest, "not a text page", f"the file is {what}, not HTML or text", now)
    text, encoding = decode(raw)
    if text is None:
        return Rejection(rel, digest, "undecodable", "no text encoding fits the bytes (binary data?)", now)
    fmt = SUPPORTED[path.suffix.lower()]
    head = text[:2048].lstrip().lower()
    if fmt == "text" and (head.startswith("<!doctype html") or head.startswith("<html")):
        fmt = "html"
    if not text.strip():
        return Rejection(rel, digest, "empty", "no visible characters after decoding", now)
    return Document(rel, digest, len(raw), encoding, fmt, text)


def decode(raw: bytes) -> tuple[str | None, str]:
    """Bytes -> text: BOMs first, then strict UTF-8, then charset-normalizer's best guess."""
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16", errors="replace"), "utf-16"
    nul_share = raw.count(0) / max(1, len(raw))
    if nul_share > 0.1:
        return None, "binary"
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    best = from_bytes(raw[:200_000]).best()
    if best is None:
        return None, "unknown"
    encoding = best.encoding
    return raw.decode(encoding, errors="replace"), encoding
