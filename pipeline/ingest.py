"""Ingest: find every input file, fingerprint it, decode it, or say why it cannot be used.

Every regular file under the input root ends up either as a :class:`Document` or as a
:class:`Rejection` with a reason a person understands; nothing is dropped silently.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import stat
import zlib
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


def scan_files(root: Path) -> list[tuple[str, str]]:
    """(:func:`relative` path, path on disk) of every input file under ``root``, sorted by path
    components (as Paths sort); a clear error when there is none. Strings throughout:
    listing 10k files takes 0.05 s, against 0.3 s through Path objects."""
    check_input(root)
    base = os.fspath(root)
    found = []
    for dirpath, dirnames, filenames in os.walk(base, followlinks=False):
        reldir = os.path.relpath(dirpath, base)
        prefix = "" if reldir == os.curdir else reldir.replace(os.sep, "/") + "/"
        for name in filenames:
            if os.path.splitext(name)[1].lower() in SUPPORTED:
                found.append((prefix + name, os.path.join(dirpath, name)))
    found.sort(key=lambda f: f[0].split("/"))
    return [(_printable(rel), full) for rel, full in found]


def relative(root: Path, path: Path) -> str:
    """``path`` relative to ``root`` with "/" separators, as storable text: the bytes of a
    name that is not valid UTF-8 are written as \\xNN escapes (:func:`on_disk` reverses it)."""
    return _printable(path.relative_to(root).as_posix())


_ESCAPED_BYTE = re.compile(rb"\\x([89a-f][0-9a-f])")


def on_disk(path: Path) -> Path:
    """The file a path given in :func:`relative`'s escaped form names (``path`` itself when it
    exists or holds no escape)."""
    if "\\x" not in str(path) or os.path.lexists(path):
        return path
    raw = _ESCAPED_BYTE.sub(lambda m: bytes([int(m.group(1), 16)]), os.fsencode(path))
    return Path(os.fsdecode(raw))


_WILLNEED = getattr(os, "POSIX_FADV_WILLNEED", None)


def prefetch(paths: list[Path]) -> None:
    """Ask the kernel to start reading ``paths`` (regular files only, links not followed) into
    its page cache, without waiting: a worker then finds each file in memory when it comes to
    it, instead of waiting on the disk once per file. Where the platform has no
    ``posix_fadvise`` this does nothing; a path that cannot be opened is left to
    :func:`read_document`, which says why."""
    if _WILLNEED is None:
        return
    flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    for path in paths:
        try:
            st = os.lstat(path)
            if not stat.S_ISREG(st.st_mode) or not st.st_size:  # (a FIFO or device is never opened)
                continue
            fd = os.open(path, flags)
        except OSError:
            continue
        try:
            os.posix_fadvise(fd, 0, 0, _WILLNEED)
        except OSError:
            pass
        finally:
            os.close(fd)


def read_document(root: Path, path: Path) -> Document | Rejection:
    """One input file -> a :class:`Document`, or a :class:`Rejection` saying why not. Never raises.

    Only regular files inside ``root`` are read: a symlink (or a path through one) that leads
    out of the root is never followed, and a named pipe, socket, device or directory is never
    opened for reading (a pipe would block the run). The file is opened once and read once,
    at most ``MAX_BYTES`` + 1 bytes, so a file that changes while it is read gives either the
    bytes that were read (fingerprinted and decoded together) or a "too large" rejection.
    """
    path = on_disk(Path(path))
    rel = relative(root, path)
    now = datetime.now(timezone.utc)
    try:
        real = path
        if path.is_symlink() or not _inside(root, path):
            real = Path(os.path.realpath(path))
            if not _inside(root, real):
                return Rejection(rel, None, "symlink outside input",
                                 f"points to {_printable(str(real))} outside the input folder; not followed", now)
            if not os.path.lexists(real) or os.path.islink(real):
                return Rejection(rel, None, "broken symlink",
                                 "the link's target does not exist (or the links form a loop)", now)
        st = os.stat(real)
        if not stat.S_ISREG(st.st_mode):
            return Rejection(rel, None, "not a regular file", f"the path is {_file_kind(st.st_mode)}", now)
        if st.st_size > MAX_BYTES:
            return Rejection(rel, None, "too large", f"{st.st_size} bytes is over the {MAX_BYTES} byte limit", now)
        fd = os.open(real, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
        with os.fdopen(fd, "rb") as fh:
            fst = os.fstat(fh.fileno())
            if not stat.S_ISREG(fst.st_mode):  # swapped for something else since the stat
                return Rejection(rel, None, "not a regular file", f"the path is {_file_kind(fst.st_mode)}", now)
            raw = fh.read(MAX_BYTES + 1)
    except OSError as exc:
        return Rejection(rel, None, "unreadable", f"{type(exc).__name__}: {exc.strerror or exc}", now)
    digest = hashlib.sha256(raw).hexdigest()
    if len(raw) > MAX_BYTES:
        return Rejection(rel, digest, "too large", f"the file grew past the {MAX_BYTES} byte limit while it was read", now)
    if raw[:2] == b"\x1f\x8b":
        try:
            raw = gunzip(raw, MAX_BYTES)
        except _TooLarge:
            return Rejection(rel, digest, "too large", f"it decompresses to more than the {MAX_BYTES} byte limit", now)
        except (OSError, EOFError, zlib.error) as exc:
            return Rejection(rel, digest, "corrupt gzip", f"{type(exc).__name__}: {exc}", now)
        if not raw:
            return Rejection(rel, digest, "empty", "the compressed file holds no content", now)
    if not raw.strip():
        return Rejection(rel, digest, "empty", "the file has no content" if not raw else "whitespace only", now)
    for magic, what in _BINARY_MAGIC.items():
        if raw.startswith(magic) and (magic != b"MZ" or b"\x00" in raw[:64]):  # "MZ" alone may be text
            return Rejection(rel, digest, "not a text page", f"the file is {what}, not HTML or text", now)
    text, encoding = decode(raw)
    if text is None:
        return Rejection(rel, digest, "undecodable", "no text encoding fits the bytes (binary data?)", now)
    if not _visible(text):
        return Rejection(rel, digest, "empty", "no visible characters after decoding", now)
    if _is_json(text):
        return Rejection(rel, digest, "not a text page", "the file is JSON data, not HTML or text", now)
    fmt = SUPPORTED[path.suffix.lower()]
    head = text[:2048].lstrip().lower()
    if fmt == "text" and (head.startswith("<!doctype html") or head.startswith("<html")):
        fmt = "html"
    elif fmt == "html" and not _TAG.search(text, 0, 1_000_000):
        fmt = "text"  # a text dump saved as .html: no markup to clean, read it as lines
    return Document(rel, digest, len(raw), encoding, fmt, text)


_TAG = re.compile(r"<(?:!--|(?:[a-zA-Z][\w:-]*|!doctype|\?xml)[\s/>])", re.I)


def _visible(text: str) -> bool:
    """Does the text hold a character that shows (not whitespace, a control, a zero-width or
    bidi mark, a byte-order mark)?"""
    return any(c.isprintable() and not c.isspace() for c in text.strip())


def _is_json(text: str) -> bool:
    """A JSON object or array (an API response saved under a page's name)."""
    head = text.lstrip()[:1]
    if head not in ("{", "["):
        return False
    try:
        return isinstance(json.loads(text), (dict, list))
    except ValueError:
        return False


def _inside(root: Path, path: Path) -> bool:
    """Is ``path``, with every symlink resolved, inside ``root`` (also resolved)?"""
    return Path(os.path.realpath(path)).is_relative_to(os.path.realpath(root))


def _file_kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO); not opened, reading it would block"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def _printable(name: str) -> str:
    """A file name as valid UTF-8 text: undecodable bytes written as \\xNN escapes."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


class _TooLarge(Exception):
    pass


def gunzip(raw: bytes, limit: int) -> bytes:
    """Decompress every gzip member of ``raw``, stopping (``_TooLarge``) as soon as the output
    passes ``limit`` bytes, so a small "gzip bomb" is never inflated in full. Raises
    ``EOFError`` for a truncated stream and ``zlib.error``/``OSError`` for corrupt data."""
    out: list[bytes] = []
    total = 0
    data = raw
    while True:
        d = zlib.decompressobj(wbits=31)
        chunk = d.decompress(data, limit + 1 - total)
        while True:
            out.append(chunk)
            total += len(chunk)
            if total > limit:
                raise _TooLarge
            if d.eof or not d.unconsumed_tail:
                break
            chunk = d.decompress(d.unconsumed_tail, limit + 1 - total)
        if not d.eof:
            tail = d.flush()
            total += len(tail)
            if total > limit:
                raise _TooLarge
            raise EOFError("the compressed data ends before the end-of-stream marker (truncated)")
        data = d.unused_data
        if not data.strip(b"\x00"):  # end, or the zero padding some tools append
            return b"".join(out)
        if data[:2] != b"\x1f\x8b":
            raise OSError("trailing garbage after the compressed data")


def decode(raw: bytes) -> tuple[str | None, str]:
    """Bytes -> (text, encoding), or (None, why) for binary data. Never raises.

    BOMs first (UTF-8, UTF-32, UTF-16), then UTF-16 without a BOM (many NULs, every other
    byte), binary (many NULs otherwise), strict UTF-8, UTF-8 with a few stray bytes, and
    last charset-normalizer's best guess (ties go to the most common code page)."""
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if raw.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):  # before UTF-16: same first bytes
        return raw.decode("utf-32", errors="replace"), "utf-32"
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16", errors="replace"), "utf-16"
    nul_share = raw.count(0) / max(1, len(raw))
    if nul_share > 0.1:
        return _utf16_without_bom(raw)
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    mostly = _mostly_utf8(raw)
    if mostly is not None:
        return mostly, "utf-8 (invalid bytes replaced)"
    results = from_bytes(raw[:200_000])
    best = results.best()
    if best is None:
        return None, "unknown"
    encoding = best.encoding
    # equally good guesses (short texts tie often): the code page the web uses most wins, so
    # French in windows-1252 is not read as Polish windows-1250 ("à" -> "ŕ") or as Urdu
    tied = {e for m in results if (m.chaos, m.coherence) == (best.chaos, best.coherence)
            for e in (m.encoding, *m.could_be_from_charset)}
    encoding = next((e for e in _COMMON_ENCODINGS if e in tied), encoding)
    return raw.decode(encoding, errors="replace"), encoding


_COMMON_ENCODINGS = ("cp1252", "cp1251", "cp1250", "iso8859_15", "latin_1", "koi8_r", "cp1253", "cp1254",
                     "cp1256", "cp1257", "iso8859_2", "gb18030", "big5", "shift_jis", "euc_kr")


def _mostly_utf8(raw: bytes) -> str | None:
    """UTF-8 text with a few stray bytes (a truncated character, a pasted Latin-1 word): the
    valid UTF-8 is kept and each bad byte becomes U+FFFD, rather than re-reading the whole
    file in a single-byte code page (which garbles every valid non-ASCII character)."""
    text = raw.decode("utf-8", errors="replace")
    replaced = text.count("\ufffd")
    bad = replaced - raw.count(b"\xef\xbf\xbd")  # U+FFFD written in the file is not a bad byte
    multibyte = len(text) - len(text.encode("ascii", "ignore")) - replaced  # valid non-ASCII characters
    # bad bytes are rare and valid multi-byte characters not much rarer (in text of a
    # single-byte code page, valid UTF-8 sequences occur only by chance)
    if multibyte and 4 * multibyte >= bad and bad <= max(8, 0.002 * len(text)):
        return text
    return None


def _utf16_without_bom(raw: bytes) -> tuple[str | None, str]:
    """Many NUL bytes: UTF-16 text without a byte-order mark (NULs in every other byte, and
    the bytes decode to printable text), else binary data."""
    half = len(raw) // 2
    if half < 8 or len(raw) % 2:
        return None, "binary"
    even, odd = raw[0::2].count(0), raw[1::2].count(0)
    for encoding, nuls, other in (("utf-16-le", odd, even), ("utf-16-be", even, odd)):
        if nuls >= 0.3 * half and other <= 0.02 * half:
            try:
                text = raw.decode(encoding)
            except UnicodeDecodeError:
                continue
            bad = sum(1 for c in text if c < " " and c not in "\t\n\r\f")
            if bad <= 0.01 * len(text):
                return text, encoding
    return None, "binary"
