"""Hostile inputs: nothing lost, nothing broken.

A folder of hostile files is built in a temporary folder (``tests/hostile.py``) and checked at
two levels:

* unit: ``pipeline.ingest.read_document`` gives each file the outcome below, and for every
  document ``pipeline.process.process_document`` does not raise, every quote and statistic
  offset slices the stored body to the stored text, statistic values are finite and dates
  are real dates;
* end to end: one run of the public CLI (``summit-etl run``) over the whole folder exits 0,
  and every input file is in exactly one of ``documents`` / ``rejected_documents``.

Rules the outcomes rest on (``pipeline/ingest.py``, ``pipeline/textnorm.py``):

* only regular files inside the input root are read, and only ``.html .htm .xhtml .txt``
  (any case); a symlink leading out of the root is never followed, a pipe, socket, device
  or folder is never opened; a file is opened once and read once (at most MAX_BYTES + 1);
* MAX_BYTES = 64 MB, on disk and after gzip decompression (which stops at the limit);
* the HTML cleaner parses at most MAX_CLEAN_CHARS = 4,000,000 characters of markup (after
  scripts, styles and attributes are stripped), the text cleaner reads at most
  MAX_DUMP_CHARS = 1,000,000 characters, and a body keeps at most MAX_BODY_CHARS = 200,000
  characters (cut at a paragraph, or a space);
* control characters never reach a body (NUL dropped, the others become spaces), nor do
  zero-width and bidi marks; a file name that is not valid UTF-8 is stored with \\xNN escapes.

Outcome table (kind -> outcome; "rejected: reason"):

| kind | outcome |
|---|---|
| good HTML article | document: a normal summit article: quotes and statistics |
| good text dump | document: a normal page dump |
| empty file | rejected: empty (0 bytes) |
| whitespace only | rejected: empty (spaces, tabs, CR/LF only) |
| BOM only | rejected: empty (a UTF-8 byte-order mark and nothing else) |
| BOM then whitespace | rejected: empty (nothing visible after decoding) |
| PNG named .html | rejected: not a text page (recognised by its magic bytes) |
| PDF named .txt | rejected: not a text page (recognised by its magic bytes) |
| ELF executable named .html | rejected: not a text page (recognised by its magic bytes) |
| Windows executable named .txt | rejected: not a text page (MZ header with binary bytes) |
| text starting with MZ | document: not mistaken for an executable |
| SQLite database named .html | rejected: undecodable (mostly NUL bytes: binary) |
| random bytes named .txt | rejected: undecodable (no encoding fits) |
| JSON named .html | rejected: not a text page (a JSON document, not a page) |
| NUL bytes inside text | document: NULs dropped from the text |
| control characters | document: C0/C1 controls become spaces |
| invalid UTF-8 | document: decoded by the best-guess encoding |
| cp1251 Russian page | document: detected as cp1251, Cyrillic intact |
| latin-1 French page | document: detected as windows-1252, accents intact |
| UTF-16 with BOM | document: decoded by its byte-order mark |
| UTF-16 without BOM | document: recognised by NULs in every other byte |
| UTF-32 with BOM | document: decoded by its byte-order mark (not as UTF-16) |
| mixed encodings in one file | document: decoded by the best guess, ASCII text intact |
| UTF-8-encoded surrogates | document: invalid UTF-8; nothing unstorable in the body |
| zero-width and RTL characters | document: zero-width and bidi controls removed |
| Windows line endings | document: CR/LF read as line breaks |
| gzip-compressed HTML named .html | document: decompressed, then read as HTML |
| truncated gzip | rejected: corrupt gzip (the stream ends early) |
| gzip magic then garbage | rejected: corrupt gzip (not deflate data) |
| gzip of nothing | rejected: empty (decompresses to 0 bytes) |
| gzip bomb | rejected: too large (inflation stops at MAX_BYTES + 1 byte) |
| 50 MB page | document: under MAX_BYTES (64 MB): processed; the cleaner parses at most MAX_CLEAN_CHARS and keeps at most MAX_BODY_CHARS of body |
| a single 5 MB line | document: the body is capped at MAX_BODY_CHARS |
| extremely long word | document: a 2 MB word does not stall the cleaner |
| tags nested 100,000 deep | document: parsed; the article inside is kept |
| unclosed tags | document: the parser closes them |
| unclosed comment | document: text before the comment is kept, after it is not |
| only <script> | document: no text: a document with an empty body |
| only a <frameset> | document: no text: a document with an empty body |
| RSS feed named .html | document: parsed as markup; item text becomes the body |
| .txt that is HTML | document: sniffed as HTML (doctype) |
| .html that is plain text | document: no markup at all: read as a text dump |
| unbalanced quote marks | document: offsets still slice the body |
| thousands of quote marks | document: no quadratic blow-up |
| numbers like 1e309 and lone $ | document: every statistic value is finite |
| impossible dates | document: no invented dates; every date stored is real |
| file name with spaces | document: kept as written |
| file name with a newline | document: kept as written (the newline too) |
| non-ASCII file name | document: kept as written |
| file name not valid UTF-8 | document: source_path writes the bad bytes as \\xNN escapes |
| upper-case extension | document: extensions match case-insensitively |
| hidden file | document: dot files are inputs too |
| deeply nested folder | document: sub-folders are walked |
| directory named x.html | document: the folder is not a file (not listed); the file inside it is read |
| other extensions | not an input: README.md, data.csv, no extension: not listed, not counted |
| named pipe (FIFO) named .html | rejected: not a regular file (never opened (reading would block the run)) |
| UNIX socket named .html | rejected: not a regular file (never opened) |
| symlink outside the input root | rejected: symlink outside input (not followed; the target is never opened) |
| relative symlink climbing out | rejected: symlink outside input (../.. resolved, not followed) |
| symlink to /dev/zero | rejected: symlink outside input (not followed (would never end)) |
| symlinked folder leading out | not an input: symlinked folders are not walked |
| symlink inside the root | document: followed: same content as its target |
| dangling symlink | rejected: broken symlink (the target does not exist) |
| symlink loop | rejected: broken symlink (links pointing at each other) |
| unreadable file (chmod 000) | rejected: unreadable (permission denied); skipped when the tests run as root, where the same outcome is simulated (a denied open) |
| file changing while it is read | a consistent document (sha256 and text of the same bytes) or rejected: too large (grew past MAX_BYTES); never a crash |
| file replaced between listing and reading | gone: rejected: unreadable; now a symlink out: rejected: symlink outside input; now a pipe: rejected: not a regular file |
| missing input folder / folder with no input file | exit code 2 and one message on stderr |

The same table is in ``docs/hostile-inputs.md``.
"""
from __future__ import annotations

import builtins
import hashlib
import os
import threading
import time
import warnings
from pathlib import Path

import duckdb
import pytest

from pipeline import ingest
from pipeline.ingest import Document, Rejection, iter_inputs, read_document, relative, scan_files
from pipeline.process import process_document
from pipeline.textnorm import MAX_BODY_CHARS
from hostile import (GOOD_HTML, GOOD_TEXT, SENTINEL, Kind, build_corpus, check_rows, kinds,
                     restore_permissions)

KINDS = kinds()
BY_NAME = {k.name: k for k in KINDS}
DOCS = Path(__file__).resolve().parent.parent / "docs" / "hostile-inputs.md"
TIMINGS: dict[str, float] = {}

pytestmark = pytest.mark.filterwarnings("ignore::bs4.XMLParsedAsHTMLWarning")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    base = tmp_path_factory.mktemp("hostile")
    root = base / "in"
    t0 = time.perf_counter()
    built = build_corpus(root, base / "outside")
    TIMINGS["build corpus"] = time.perf_counter() - t0
    yield root, {k.name: k for k in built}
    restore_permissions(root)


# ---------------------------------------------------------------- shared checks
def check_kind_document(kind: Kind, doc: Document) -> str:
    if kind.fmt:
        assert doc.format == kind.fmt
    if kind.encoding:
        assert doc.encoding.startswith(kind.encoding), doc.encoding
    t0 = time.perf_counter()
    rows = process_document(doc)
    TIMINGS[kind.name] = TIMINGS.get(kind.name, 0.0) + time.perf_counter() - t0
    body = check_rows(rows, doc)
    for s in kind.body_has:
        assert s in body, (kind.name, s)
    for s in kind.body_lacks:
        assert s not in body, (kind.name, s)
    return body


# ---------------------------------------------------------------- unit level: every kind
@pytest.mark.parametrize("name", [k.name for k in KINDS])
def test_kind_outcome(corpus, name):
    root, built = corpus
    kind = built[name]
    if kind.skip:
        pytest.skip(kind.skip)
    listed = {rel for rel, _ in scan_files(root)}
    for rel in kind.paths:
        path = root / rel
        t0 = time.perf_counter()
        result = read_document(root, path)
        TIMINGS[kind.name] = TIMINGS.get(kind.name, 0.0) + time.perf_counter() - t0
        assert result.source_path == relative(root, path)
        assert result.source_path in listed  # scan lists it
        if kind.outcome == "rejected":
            assert isinstance(result, Rejection), (rel, result)
            assert result.reason == kind.reason, (rel, result.reason, result.detail)
            assert result.detail and result.detail.strip()
        else:
            assert kind.outcome == "document"
            assert isinstance(result, Document), (rel, result)
            body = check_kind_document(kind, result)
            if kind.name == "50 MB page":  # processed, not hanging: read + clean + extract
                assert 50 * 1024 * 1024 <= path.stat().st_size <= ingest.MAX_BYTES
                assert MAX_BODY_CHARS - 1000 < len(body) <= MAX_BODY_CHARS
                assert TIMINGS[kind.name] < 60


def test_not_inputs_are_not_listed(corpus):
    root, _ = corpus
    listed = {rel for rel, _ in scan_files(root)}
    for name in ("README.md", "data.csv", "noext", "x.html", "linked-dir/secret.html"):
        assert name not in listed
    assert "x.html/inside.txt" in listed
    # the string-built listing the planner uses: the same files, names and order as Paths give
    pairs = scan_files(root)
    assert [rel for rel, _ in pairs] == [relative(root, Path(full)) for _, full in pairs]
    assert [Path(full) for _, full in pairs] == sorted(iter_inputs(root))
    # asked directly, a folder or a path through an outward symlink is still refused
    assert read_document(root, root / "x.html").reason == "not a regular file"
    assert read_document(root, root / "linked-dir" / "secret.html").reason == "symlink outside input"


def test_symlink_targets_outside_are_never_opened(corpus, monkeypatch):
    root, _ = corpus
    outside = (root.parent / "outside").resolve()
    opened: list[str] = []
    real_os_open, real_open = os.open, builtins.open

    def spy_os_open(path, *a, **kw):
        opened.append(os.path.realpath(path))
        return real_os_open(path, *a, **kw)

    def spy_open(file, *a, **kw):
        if isinstance(file, (str, bytes, os.PathLike)):
            opened.append(os.path.realpath(file))
        return real_open(file, *a, **kw)

    monkeypatch.setattr(os, "open", spy_os_open)
    monkeypatch.setattr(builtins, "open", spy_open)
    for rel in ("escape.html", "climb.txt", "zero.html", "linked-dir/secret.html"):
        assert read_document(root, root / rel).reason == "symlink outside input"
    assert not [p for p in opened if p.startswith(str(outside)) or p == "/dev/zero"], opened


def _finishes(fn, seconds: float):
    out: list = []
    t = threading.Thread(target=lambda: out.append(fn()), daemon=True)
    t.start()
    t.join(seconds)
    assert not t.is_alive(), "blocked"
    return out[0]


def test_a_fifo_never_blocks(tmp_path):
    root = tmp_path / "in"
    root.mkdir()
    os.mkfifo(root / "pipe.html")
    result = _finishes(lambda: read_document(root, root / "pipe.html"), 10)
    assert result.reason == "not a regular file" and "pipe" in result.detail


def test_prefetch_opens_only_regular_files_and_never_blocks(tmp_path, monkeypatch):
    """The read-ahead hint a worker gives for its batch opens each non-empty regular file once
    (without following links) and nothing else: a pipe, a link, a folder, an empty or a missing
    file is left to read_document, which then says what it says without the hint."""
    root = tmp_path / "in"
    root.mkdir()
    (root / "page.html").write_text(GOOD_HTML)
    (root / "empty.txt").write_text("")
    os.mkfifo(root / "pipe.html")
    (root / "link.html").symlink_to(root / "page.html")
    (root / "folder.html").mkdir()
    names = ["page.html", "empty.txt", "pipe.html", "link.html", "folder.html", "missing.html"]
    paths = [root / n for n in names]
    before = [(r.reason, r.detail) if isinstance(r, Rejection) else r.sha256
              for r in (read_document(root, p) for p in paths)]
    opened = []
    real_open = os.open

    def recording(path, flags, *a, **kw):
        opened.append((Path(path).name, flags))
        return real_open(path, flags, *a, **kw)

    monkeypatch.setattr(os, "open", recording)
    _finishes(lambda: ingest.prefetch(paths), 10)
    assert [name for name, _ in opened] == ["page.html"]
    assert opened[0][1] & os.O_NOFOLLOW and opened[0][1] & os.O_NONBLOCK
    monkeypatch.setattr(os, "open", real_open)
    after = [(r.reason, r.detail) if isinstance(r, Rejection) else r.sha256
             for r in (read_document(root, p) for p in paths)]
    assert after == before
    assert isinstance(before[0], str) and before[2][0] == "not a regular file"


def test_unreadable_file_simulated_works_as_root(tmp_path, monkeypatch):
    """Root reads chmod-000 files, so the denied open is simulated (the same OSError path)."""
    root = tmp_path / "in"
    root.mkdir()
    (root / "locked.html").write_text(GOOD_HTML)
    real = os.open

    def denied(path, *a, **kw):
        if str(path).endswith("locked.html"):
            raise PermissionError(13, "Permission denied", str(path))
        return real(path, *a, **kw)

    monkeypatch.setattr(os, "open", denied)
    result = read_document(root, root / "locked.html")
    assert isinstance(result, Rejection)
    assert result.reason == "unreadable" and "Permission denied" in result.detail


@pytest.mark.skipif(os.geteuid() == 0, reason="running as root: chmod 000 does not stop root reading")
def test_unreadable_file_chmod_000(tmp_path):
    root = tmp_path / "in"
    root.mkdir()
    path = root / "locked.html"
    path.write_text(GOOD_HTML)
    path.chmod(0)
    try:
        result = read_document(root, path)
        assert result.reason == "unreadable"
    finally:
        path.chmod(0o644)


# ---------------------------------------------------------------- files changing while read
def _on_fstat(monkeypatch, action):
    """Run ``action`` right after the file is opened (between the stat and the read)."""
    real = os.fstat

    def fstat(fd):
        action()
        return real(fd)

    monkeypatch.setattr(os, "fstat", fstat)


def test_file_growing_past_the_limit_while_read_is_rejected(tmp_path, monkeypatch):
    root = tmp_path / "in"
    root.mkdir()
    path = root / "growing.txt"
    path.write_text(GOOD_TEXT)
    monkeypatch.setattr(ingest, "MAX_BYTES", 2000)
    _on_fstat(monkeypatch, lambda: path.open("a").write(GOOD_TEXT * 10))
    result = read_document(root, path)
    assert isinstance(result, Rejection)
    assert result.reason == "too large" and "while it was read" in result.detail


@pytest.mark.parametrize("change", ["grows", "shrinks"])
def test_file_changing_between_stat_and_read_gives_a_consistent_document(tmp_path, monkeypatch, change):
    root = tmp_path / "in"
    root.mkdir()
    path = root / "changing.txt"
    path.write_text(GOOD_TEXT)
    if change == "grows":
        _on_fstat(monkeypatch, lambda: path.open("a").write("\n\nA late paragraph was added to the page here.\n"))
    else:
        _on_fstat(monkeypatch, lambda: os.truncate(path, 400))
    result = read_document(root, path)
    monkeypatch.undo()
    data = path.read_bytes()
    assert isinstance(result, Document)
    assert result.size == len(data) and result.sha256 == hashlib.sha256(data).hexdigest()
    assert result.text == data.decode("utf-8")
    check_rows(process_document(result), result)


def test_file_appended_to_by_a_thread_while_read(tmp_path):
    """A real race: every result is a document whose fingerprint is of the bytes it decoded."""
    root = tmp_path / "in"
    root.mkdir()
    path = root / "live.txt"
    path.write_text(GOOD_TEXT)
    stop = threading.Event()

    def writer():
        with path.open("a") as fh:
            while not stop.is_set():
                fh.write("Another line of a live blog about the summit in Astana.\n")
                fh.flush()

    t = threading.Thread(target=writer, daemon=True)
    t.start()
    try:
        results = [read_document(root, path) for _ in range(25)]
    finally:
        stop.set()
        t.join()
    data = path.read_bytes()
    for r in results:
        assert isinstance(r, Document)
        assert r.sha256 == hashlib.sha256(data[:r.size]).hexdigest()
        assert r.text == data[:r.size].decode("utf-8")


@pytest.mark.parametrize("swap", ["deleted", "symlink out", "fifo"])
def test_file_replaced_between_listing_and_reading(tmp_path, monkeypatch, swap):
    root = tmp_path / "in"
    root.mkdir()
    outside = tmp_path / "secret.html"
    outside.write_text(SENTINEL)
    path = root / "swapped.html"
    path.write_text(GOOD_HTML)
    listed = [Path(full) for _, full in scan_files(root)]
    assert listed == [path]
    path.unlink()
    if swap == "symlink out":
        path.symlink_to(outside)
    elif swap == "fifo":
        os.mkfifo(path)
        real_stat = os.stat
        reg = real_stat(outside)
        # the stat still sees the old regular file; the open then finds the pipe
        monkeypatch.setattr(os, "stat", lambda p, *a, **kw: reg if str(p) == str(path) else real_stat(p, *a, **kw))
    result = _finishes(lambda: read_document(root, path), 10)
    assert isinstance(result, Rejection)
    expected = {"deleted": "unreadable", "symlink out": "symlink outside input", "fifo": "not a regular file"}
    assert result.reason == expected[swap], result


# ---------------------------------------------------------------- end to end, through the CLI
@pytest.fixture(scope="module")
def e2e(corpus, tmp_path_factory):
    from pipeline.cli import main

    root, built = corpus
    out = tmp_path_factory.mktemp("hostile-run")
    growing = root / "growing.txt"
    growing.write_text(GOOD_TEXT)
    stop = threading.Event()

    def writer():  # a file appended to while the run reads it
        with growing.open("a") as fh:
            while not stop.is_set():
                fh.write("A live update from Astana.\n")
                fh.flush()
                time.sleep(0.002)

    t = threading.Thread(target=writer, daemon=True)
    with pytest.MonkeyPatch.context() as mp, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        mp.setenv("DAGSTER_HOME", str(out / "dagster_home"))
        (out / "dagster_home").mkdir()
        mp.setenv("SUMMIT_ETL_WORKERS", "1")
        t.start()
        t0 = time.perf_counter()
        try:
            code = main(["run", "--input", str(root), "--warehouse", str(out / "wh.duckdb"),
                         "--exports", str(out / "exports")])
        finally:
            stop.set()
            t.join()
        TIMINGS["end-to-end CLI run"] = time.perf_counter() - t0
    seen = sorted(rel for rel, _ in scan_files(root))
    yield code, out / "wh.duckdb", seen, built


def _con(path: Path):
    return duckdb.connect(str(path), read_only=True)


def test_e2e_run_exits_0(e2e):
    code, warehouse, seen, _ = e2e
    assert code == 0
    assert warehouse.exists()


def test_e2e_every_file_is_in_exactly_one_table(e2e):
    code, warehouse, seen, _ = e2e
    con = _con(warehouse)
    try:
        docs = [r[0] for r in con.execute("SELECT source_path FROM documents").fetchall()]
        rejected = [r[0] for r in con.execute("SELECT source_path FROM rejected_documents").fetchall()]
    finally:
        con.close()
    assert len(docs) == len(set(docs)) and len(rejected) == len(set(rejected))
    assert not set(docs) & set(rejected)
    assert len(docs) + len(rejected) == len(seen)
    assert set(docs) | set(rejected) == set(seen)


def test_e2e_outcomes_match_the_table(e2e):
    code, warehouse, seen, built = e2e
    con = _con(warehouse)
    try:
        docs = dict(con.execute("SELECT source_path, format FROM documents").fetchall())
        rejected = {p: (r, d) for p, r, d in con.execute(
            "SELECT source_path, reason, detail FROM rejected_documents").fetchall()}
    finally:
        con.close()
    for kind in built.values():
        if kind.skip or not kind.e2e:
            continue
        for rel in kind.paths:
            rel = ingest._printable(rel)
            if kind.outcome == "document":
                assert rel in docs, (kind.name, rel, rejected.get(rel))
                if kind.fmt:
                    assert docs[rel] == kind.fmt
            elif kind.outcome == "rejected":
                assert rejected.get(rel, (None,))[0] == kind.reason, (kind.name, rel, rejected.get(rel))
    assert "growing.txt" in docs or rejected.get("growing.txt", ("",))[0] == "too large"
    for path, (reason, detail) in rejected.items():
        assert reason and reason.strip() and reason == reason.strip() and "\n" not in reason, path
        assert detail and detail.strip(), path


def test_e2e_offsets_values_and_dates(e2e):
    code, warehouse, seen, built = e2e
    con = _con(warehouse)
    try:
        q = con.execute("""
            SELECT count(*) FILTER (WHERE substr(a.body_text, q.char_start + 1, q.char_end - q.char_start) <> q.text),
                   count(*)
            FROM quotes q JOIN articles a USING (article_id)""").fetchone()
        s = con.execute("""
            SELECT count(*) FILTER (WHERE substr(a.body_text, s.char_start + 1, s.char_end - s.char_start) <> s.text),
                   count(*) FILTER (WHERE NOT isfinite(s.value) OR s.value IS NULL), count(*)
            FROM statistics s JOIN articles a USING (article_id)""").fetchone()
        bad_dates = con.execute("""
            SELECT count(*) FROM summits WHERE start_date > end_date
               OR year(start_date) NOT BETWEEN 1900 AND 2100""").fetchone()[0]
        leaked = con.execute("SELECT count(*) FROM articles WHERE body_text LIKE ? OR title LIKE ?",
                             [f"%{SENTINEL}%", f"%{SENTINEL}%"]).fetchone()[0]
        good = con.execute("""
            SELECT (SELECT count(*) FROM quotes JOIN articles USING (article_id) WHERE source_path = 'good.html'),
                   (SELECT count(*) FROM statistics JOIN articles USING (article_id) WHERE source_path = 'good.html')
            """).fetchone()
        longest = con.execute("SELECT max(length(body_text)) FROM articles").fetchone()[0]
    finally:
        con.close()
    assert q[0] == 0 and q[1] > 0
    assert s[0] == 0 and s[1] == 0 and s[2] > 0
    assert bad_dates == 0
    assert leaked == 0
    assert good[0] >= 1 and good[1] >= 1
    assert longest <= MAX_BODY_CHARS


# ---------------------------------------------------------------- input folder errors
@pytest.mark.parametrize("case", ["missing", "empty", "no input files"])
def test_bad_input_folder_exits_2_with_one_message(tmp_path, capsys, monkeypatch, case):
    from pipeline.cli import main

    folder = tmp_path / "input"
    if case != "missing":
        folder.mkdir()
    if case == "no input files":
        (folder / "README.md").write_text("notes")
        (folder / "sub.html").mkdir()
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster_home"))
    code = main(["run", "--input", str(folder), "--warehouse", str(tmp_path / "wh.duckdb"),
                 "--exports", str(tmp_path / "exports")])
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if line.strip()]
    assert code == 2
    assert len(lines) == 1, err
    assert str(folder) in lines[0]
    assert not (tmp_path / "wh.duckdb").exists()


# ---------------------------------------------------------------- the documented table
def test_every_kind_is_documented():
    text = DOCS.read_text(encoding="utf-8")
    doc = __doc__ or ""
    for kind in KINDS:
        row = f"| {kind.name} |"
        assert row in text, kind.name
        assert row in doc, kind.name


def test_print_timings(corpus):
    """Not a check: the timings of this module, shown with ``pytest -s`` (or -rA)."""
    for name, seconds in sorted(TIMINGS.items(), key=lambda kv: -kv[1])[:12]:
        print(f"{seconds:7.2f} s  {name}")
