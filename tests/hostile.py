"""A corpus of hostile input files, built on demand in a temporary folder.

Every kind is one (or a few) files under the input root plus the outcome the pipeline must
give it; ``tests/test_hostile.py`` checks the outcomes and ``docs/hostile-inputs.md`` lists
them. All article text here is self-written for the tests.
"""
from __future__ import annotations

import gzip
import math
import os
import random
import socket
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

# ---------------------------------------------------------------- self-written article text
LEAD = ("ASTANA — President Vladimir Putin and Chinese President Xi Jinping met on the sidelines of the "
        "Shanghai Cooperation Organization summit in Astana on Thursday, the Kremlin said.")
QUOTE = ('"Our relations are at their best in history, and we will keep working together," '
         "Putin told Xi at the start of the talks.")
STAT = ("Trade between the two countries grew by 26 percent to more than $240 billion last year, "
        "and 140 people from both delegations attended the dinner.")
CLOSE = ("The leaders of Kazakhstan, Kyrgyzstan, Tajikistan and Uzbekistan also attended the two-day "
         "gathering, which adopted a joint declaration on security and trade.")
ARTICLE = [LEAD, QUOTE, STAT, CLOSE]
SENTINEL = "OUTSIDE-SECRET-7f3a9c"  # text of files outside the root: must never be read


def html_page(paragraphs: list[str], title: str = "Putin and Xi meet at SCO summit in Astana",
              extra_head: str = "") -> str:
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>{title} - The Steppe Herald</title>{extra_head}"
            "<meta property=\"og:site_name\" content=\"The Steppe Herald\">"
            "<meta property=\"article:published_time\" content=\"2024-07-04T10:00:00Z\"></head>"
            "<body><nav><a href=\"/\">Home</a> <a href=\"/world\">World</a></nav>"
            f"<article><h1>{title}</h1>\n{body}\n</article>"
            "<footer>© 2024 The Steppe Herald</footer></body></html>")


def text_dump(paragraphs: list[str], title: str = "Putin and Xi meet at SCO summit in Astana") -> str:
    return "\n\n".join(["The Steppe Herald", "Home | World | Politics", title, "July 4, 2024",
                        *paragraphs, "Read more", "© 2024 The Steppe Herald"]) + "\n"


GOOD_HTML = html_page(ARTICLE)
GOOD_TEXT = text_dump(ARTICLE)


@dataclass
class Kind:
    """One kind of hostile input and the outcome it must have."""

    name: str
    paths: list[str]  # relative paths of the input files this kind creates (may be empty)
    outcome: str  # "document", "rejected", or "not an input" (never listed as a file)
    reason: str | None = None  # the rejection reason, for outcome "rejected"
    doc: str = ""  # the outcome, in words, for the outcome table
    body_has: tuple[str, ...] = ()  # strings the cleaned body must contain
    body_lacks: tuple[str, ...] = ()  # strings it must not contain
    fmt: str | None = None  # the expected detected format
    encoding: str | None = None  # the expected encoding (prefix match)
    build: Callable[[Path, Path], None] | None = field(default=None, repr=False)
    e2e: bool = True  # part of the end-to-end folder
    skip: str | None = None  # why this kind cannot be built here


def _write(rel: str | bytes, data: bytes | str) -> Callable[[Path, Path], None]:
    def build(root: Path, outside: Path) -> None:
        path = Path(os.fsdecode(os.path.join(os.fsencode(root), os.fsencode(rel))))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return build


def _many(*builders: Callable[[Path, Path], None]) -> Callable[[Path, Path], None]:
    def build(root: Path, outside: Path) -> None:
        for b in builders:
            b(root, outside)
    return build


def _symlink(rel: str, target: Callable[[Path, Path], str]) -> Callable[[Path, Path], None]:
    def build(root: Path, outside: Path) -> None:
        os.symlink(target(root, outside), root / rel)
    return build


def _fifo(rel: str) -> Callable[[Path, Path], None]:
    def build(root: Path, outside: Path) -> None:
        os.mkfifo(root / rel)
    return build


def _socket(rel: str) -> Callable[[Path, Path], None]:
    def build(root: Path, outside: Path) -> None:
        path = root / rel
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            try:
                sock.bind(str(path))
            except OSError:  # the path is too long for a socket address: bind from its folder
                cwd = os.getcwd()
                os.chdir(path.parent)
                try:
                    sock.bind(path.name)
                finally:
                    os.chdir(cwd)
        finally:
            sock.close()  # the socket file stays
    return build


def _unreadable(rel: str) -> Callable[[Path, Path], None]:
    def build(root: Path, outside: Path) -> None:
        path = root / rel
        path.write_text(GOOD_HTML)
        path.chmod(0)
    return build


def _gzip_bomb(root: Path, outside: Path) -> None:
    """~70 KB on disk that inflates to 65 MB + 1 byte of spaces (over MAX_BYTES)."""
    from pipeline.ingest import MAX_BYTES

    block = b" " * (1 << 20)
    left = MAX_BYTES + 1
    with (root / "bomb.html").open("wb") as fh, gzip.GzipFile(filename="", mode="wb", fileobj=fh, mtime=0) as comp:
        while left > 0:
            comp.write(block[:left])
            left -= len(block)


def big_html(size: int) -> str:
    """An HTML article of ``size`` characters of distinct paragraphs (a 50 MB page)."""
    parts = [html_page([LEAD, QUOTE]).split("</article>")[0]]
    total, i = len(parts[0]), 0
    while total < size:
        p = (f"<p>Item {i}: the delegations discussed {i % 97} percent tariffs on {i % 400 + 3} goods and "
             f"a fund of ${i % 89 + 1} billion, \"with care for item {i},\" Putin said.</p>\n")
        parts.append(p)
        total += len(p)
        i += 1
    parts.append("</article></body></html>")
    return "".join(parts)


def _huge(size: int) -> Callable[[Path, Path], None]:
    def build(root: Path, outside: Path) -> None:
        (root / "huge-50mb.html").write_text(big_html(size), encoding="utf-8")
    return build


def _random_bytes(n: int, seed: int) -> bytes:
    rnd = random.Random(seed)
    return bytes(rnd.getrandbits(8) for _ in range(n))


def _gzip(data: bytes) -> bytes:
    return gzip.compress(data, mtime=0)


RU = ("Президент России Владимир Путин и председатель КНР Си Цзиньпин встретились в Астане на полях "
      "саммита Шанхайской организации сотрудничества. Товарооборот вырос на 26 процентов.")
FR = ("Le président français a déclaré à Genève que les dirigeants étaient « prêts à coopérer », "
      "et que les échanges avaient progressé de 12 pour cent l'année dernière.")
FR2 = ("Selon le ministère, la délégation a été reçue à l'Élysée où les discussions ont porté sur la sécurité "
       "énergétique, le commerce et l'aide à l'Ukraine, a-t-il ajouté.")


def kinds(size_50mb: int = 50 * 1024 * 1024) -> list[Kind]:
    """Every hostile kind (a fresh list; the builders write into a given root)."""
    bad_name = b"bad-\xff\xfe-name.txt"
    ks = [
        Kind("good HTML article", ["good.html"], "document", doc="a normal summit article: quotes and statistics",
             body_has=("Shanghai Cooperation Organization", "$240 billion"), fmt="html", build=_write("good.html", GOOD_HTML)),
        Kind("good text dump", ["good-dump.txt"], "document", doc="a normal page dump",
             body_has=("Putin told Xi",), fmt="text", build=_write("good-dump.txt", GOOD_TEXT)),
        # -------------------------------------------------------------- empty and binary
        Kind("empty file", ["empty.html"], "rejected", "empty", "0 bytes", build=_write("empty.html", b"")),
        Kind("whitespace only", ["whitespace.txt"], "rejected", "empty", "spaces, tabs, CR/LF only",
             build=_write("whitespace.txt", b" \t\r\n \n\n\t ")),
        Kind("BOM only", ["bom-only.txt"], "rejected", "empty", "a UTF-8 byte-order mark and nothing else",
             build=_write("bom-only.txt", b"\xef\xbb\xbf")),
        Kind("BOM then whitespace", ["bom-space.html"], "rejected", "empty", "nothing visible after decoding",
             build=_write("bom-space.html", b"\xef\xbb\xbf \r\n\t \xe2\x80\x8b")),
        Kind("PNG named .html", ["image.html"], "rejected", "not a text page", "recognised by its magic bytes",
             build=_write("image.html", b"\x89PNG\r\n\x1a\n" + _random_bytes(2048, 1))),
        Kind("PDF named .txt", ["report.txt"], "rejected", "not a text page", "recognised by its magic bytes",
             build=_write("report.txt", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >>\nendobj\n" + _random_bytes(1024, 2))),
        Kind("ELF executable named .html", ["program.html"], "rejected", "not a text page", "recognised by its magic bytes",
             build=_write("program.html", b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8 + _random_bytes(4096, 3))),
        Kind("Windows executable named .txt", ["setup.txt"], "rejected", "not a text page", "MZ header with binary bytes",
             build=_write("setup.txt", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + _random_bytes(1024, 6))),
        Kind("text starting with MZ", ["mz.txt"], "document", doc="not mistaken for an executable", body_has=("Putin told Xi",),
             build=_write("mz.txt", "MZ Daily\n\n" + GOOD_TEXT)),
        Kind("SQLite database named .html", ["db.html"], "rejected", "undecodable", "mostly NUL bytes: binary",
             build=_write("db.html", b"SQLite format 3\x00" + b"\x00" * 4000 + _random_bytes(200, 4))),
        Kind("random bytes named .txt", ["noise.txt"], "rejected", "undecodable", "no encoding fits",
             build=_write("noise.txt", _random_bytes(4096, 1))),
        Kind("JSON named .html", ["api.html"], "rejected", "not a text page", "a JSON document, not a page",
             build=_write("api.html", '{"title": "Summit", "body": "' + LEAD + '", "tags": [1, 2, 3]}')),
        # -------------------------------------------------------------- encodings and odd characters
        Kind("NUL bytes inside text", ["nul.txt"], "document", doc="NULs dropped from the text",
             body_has=("Putin told Xi",), body_lacks=("\x00",),
             build=_write("nul.txt", GOOD_TEXT.replace("Putin told", "Put\x00in told").replace("Astana", "Ast\x00ana").encode())),
        Kind("control characters", ["control.txt"], "document", doc="C0/C1 controls become spaces",
             body_has=("Putin told Xi",), body_lacks=("\x1b", "\x07", "\x7f", "\x85", "\x0c"),
             build=_write("control.txt", GOOD_TEXT.replace("Astana on", "Astana\x07\x1b[31m on\x7f").replace("two-day", "two-\x85day\x0c"))),
        Kind("invalid UTF-8", ["invalid-utf8.txt"], "document", doc="decoded by the best-guess encoding",
             body_has=("Shanghai Cooperation Organization",),
             build=_write("invalid-utf8.txt", GOOD_TEXT.encode().replace(b"Astana on", b"Astana\xff\xfe\xc3 on"))),
        Kind("cp1251 Russian page", ["russian-cp1251.html"], "document", doc="detected as cp1251, Cyrillic intact",
             body_has=("Владимир Путин",), encoding="cp1251",
             build=_write("russian-cp1251.html", html_page([RU, RU.replace("Астане", "Москве")], title="Саммит ШОС в Астане").replace(
                 'charset="utf-8"', 'charset="windows-1251"').encode("cp1251"))),
        Kind("latin-1 French page", ["french-latin1.txt"], "document", doc="detected as windows-1252, accents intact",
             encoding="cp1252", body_has=("président", "à Genève"), build=_write("french-latin1.txt", ("Le Courrier\n\n" + FR + "\n\n" + FR2 + "\n").encode("latin-1"))),
        Kind("UTF-16 with BOM", ["utf16-bom.html"], "document", doc="decoded by its byte-order mark", encoding="utf-16",
             body_has=("Putin told Xi",), build=_write("utf16-bom.html", GOOD_HTML.encode("utf-16"))),
        Kind("UTF-16 without BOM", ["utf16-nobom.txt"], "document", doc="recognised by NULs in every other byte",
             encoding="utf-16-le", body_has=("Putin told Xi",), build=_write("utf16-nobom.txt", GOOD_TEXT.encode("utf-16-le"))),
        Kind("UTF-32 with BOM", ["utf32.txt"], "document", doc="decoded by its byte-order mark (not as UTF-16)",
             encoding="utf-32", body_has=("Putin told Xi",), build=_write("utf32.txt", GOOD_TEXT.encode("utf-32"))),
        Kind("mixed encodings in one file", ["mixed.txt"], "document", doc="decoded by the best guess, ASCII text intact",
             body_has=("Shanghai Cooperation Organization",),
             build=_write("mixed.txt", GOOD_TEXT.encode() + "\n\n".join([FR, RU]).encode("cp1252", "replace")
                          + RU.encode("koi8_r") + "\n".encode())),
        Kind("UTF-8-encoded surrogates", ["surrogates.txt"], "document", doc="invalid UTF-8; nothing unstorable in the body",
             body_has=("Putin told Xi",), build=_write("surrogates.txt", GOOD_TEXT.encode().replace(b"Astana on", b"Astana \xed\xa0\xbd\xed\xb8\x80 on"))),
        Kind("zero-width and RTL characters", ["zero-width.txt"], "document", doc="zero-width and bidi controls removed",
             body_has=("Vladimir Putin", "Shanghai Cooperation Organization", "עברית"),
             body_lacks=("\u200b", "\u200d", "\u202e", "\u200e", "\u2066"),
             build=_write("zero-width.txt", text_dump([
                 LEAD.replace("Vladimir Putin", "Vla\u200bdimir Pu\u200dtin").replace("Shanghai", "\u202eShanghai\u202c")
                 .replace("Astana", "\u200eAstana\u2066\u2069"), QUOTE,
                 "Local papers printed the news in \u05e2\u05d1\u05e8\u05d9\u05ea and in \u0627\u0644\u0639\u0631\u0628\u064a\u0629 "
                 "on the same page, \u202bright to left\u202c, the agency said.", STAT, CLOSE]))),
        Kind("Windows line endings", ["crlf.txt"], "document", doc="CR/LF read as line breaks", body_has=("Putin told Xi",),
             body_lacks=("\r",), build=_write("crlf.txt", GOOD_TEXT.replace("\n", "\r\n"))),
        # -------------------------------------------------------------- compression
        Kind("gzip-compressed HTML named .html", ["compressed.html"], "document", doc="decompressed, then read as HTML",
             body_has=("Putin told Xi",), fmt="html", build=_write("compressed.html", _gzip(GOOD_HTML.encode()))),
        Kind("truncated gzip", ["truncated-gzip.html"], "rejected", "corrupt gzip", "the stream ends early",
             build=_write("truncated-gzip.html", _gzip(GOOD_HTML.encode() * 20)[:300])),
        Kind("gzip magic then garbage", ["garbage-gzip.txt"], "rejected", "corrupt gzip", "not deflate data",
             build=_write("garbage-gzip.txt", b"\x1f\x8b\x08\x00" + _random_bytes(500, 5))),
        Kind("gzip of nothing", ["empty-gzip.html"], "rejected", "empty", "decompresses to 0 bytes",
             build=_write("empty-gzip.html", _gzip(b""))),
        Kind("gzip bomb", ["bomb.html"], "rejected", "too large", "inflation stops at MAX_BYTES + 1 byte",
             build=_gzip_bomb),
        # -------------------------------------------------------------- size and structure
        Kind("50 MB page", ["huge-50mb.html"], "document",
             doc="under MAX_BYTES (64 MB): processed; the cleaner parses at most MAX_CLEAN_CHARS and keeps at most "
                 "MAX_BODY_CHARS of body", body_has=("Putin told Xi",), build=_huge(size_50mb)),
        Kind("a single 5 MB line", ["one-line.txt"], "document", doc="the body is capped at MAX_BODY_CHARS",
             body_has=("Putin told Xi",), build=_write("one-line.txt", "Headline of a page\n" + " ".join(ARTICLE) * (5_000_000 // 600))),
        Kind("extremely long word", ["long-word.txt"], "document", doc="a 2 MB word does not stall the cleaner",
             body_has=("Putin told Xi",), build=_write("long-word.txt", GOOD_TEXT + "x" * 2_000_000 + "\n\n" + STAT + "\n")),
        Kind("tags nested 100,000 deep", ["deep.html"], "document", doc="parsed; the article inside is kept",
             body_has=("Putin told Xi",),
             build=_write("deep.html", "<html><body>" + "<div>" * 100_000 + "".join(f"<p>{p}</p>" for p in ARTICLE)
                          + "</div>" * 100_000 + "</body></html>")),
        Kind("unclosed tags", ["unclosed.html"], "document", doc="the parser closes them", body_has=("Putin told Xi",),
             build=_write("unclosed.html", "<html><body><div><article><p>" + "<p>".join(ARTICLE) + "<span><i><table><tr><td>trailing")),
        Kind("unclosed comment", ["unclosed-comment.html"], "document", doc="text before the comment is kept, after it is not",
             body_has=("Putin told Xi",), body_lacks=("never shown",),
             build=_write("unclosed-comment.html", GOOD_HTML.replace("</article>", "<!-- opened <p>never shown</p></article>"))),
        Kind("only <script>", ["script-only.html"], "document", doc="no text: a document with an empty body",
             body_lacks=("var",), build=_write("script-only.html", "<html><script>var x = '<p>not text</p>';" + "x+=1;" * 500 + "</script></html>")),
        Kind("only a <frameset>", ["frameset.html"], "document", doc="no text: a document with an empty body",
             build=_write("frameset.html", '<html><head><title>Frames</title></head><frameset cols="50%,50%">'
                          '<frame src="a.html"><frame src="b.html"></frameset></html>')),
        Kind("RSS feed named .html", ["feed.html"], "document", doc="parsed as markup; item text becomes the body",
             body_has=("Shanghai Cooperation Organization",),
             build=_write("feed.html", '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Feed</title>'
                          + "".join(f"<item><title>Item</title><description>{p}</description></item>" for p in ARTICLE)
                          + "</channel></rss>")),
        Kind(".txt that is HTML", ["really-html.txt"], "document", doc="sniffed as HTML (doctype)", fmt="html",
             body_has=("Putin told Xi",), body_lacks=("<p>", "og:site_name"), build=_write("really-html.txt", GOOD_HTML)),
        Kind(".html that is plain text", ["really-text.html"], "document", doc="no markup at all: read as a text dump",
             fmt="text", body_has=("Putin told Xi",), build=_write("really-text.html", GOOD_TEXT)),
        # -------------------------------------------------------------- text that trips extractors
        Kind("unbalanced quote marks", ["unbalanced-quotes.txt"], "document", doc="offsets still slice the body",
             build=_write("unbalanced-quotes.txt", text_dump([LEAD, '"We will not stop, Putin said.', 'He added: "Never.',
                                                              "“Curly open only, and ‘single too.", "Closing only\" and ” here."]))),
        Kind("thousands of quote marks", ["many-quotes.txt"], "document", doc="no quadratic blow-up",
             build=_write("many-quotes.txt", text_dump([LEAD, '"' * 5000, '"a ' * 3000 + "Putin said.",
                                                        "'x, " * 3000, "“”" * 2000]))),
        Kind("numbers like 1e309 and lone $", ["numbers.txt"], "document", doc="every statistic value is finite",
             build=_write("numbers.txt", text_dump([LEAD, "The fund was 1e309 dollars, and $ alone, and $1e309, and 1e309%.",
                                                    f"They counted {'9' * 400} people and ${'9' * 400} billion.",
                                                    f"Growth of {'9' * 320} percent and 1.7976931348623157e308 euros.",
                                                    "Also $-5 and $ 0.000 and 0.5e-400 percent and NaN percent and inf people."]))),
        Kind("impossible dates", ["bad-dates.txt"], "document", doc="no invented dates; every date stored is real",
             build=_write("bad-dates.txt", "The Herald\n\nPutin and Xi meet in Astana\n\nFebruary 30, 2024\n\n"
                          "ASTANA — The Shanghai Cooperation Organization summit held on February 30, 2024 and 31 April 2023, "
                          "or 2024-13-45, or 0000-00-00, drew President Vladimir Putin, who spoke on June 31.\n\n" + QUOTE + "\n")),
        # -------------------------------------------------------------- names and places
        Kind("file name with spaces", ["name with  spaces.html"], "document", doc="kept as written",
             build=_write("name with  spaces.html", GOOD_HTML)),
        Kind("file name with a newline", ["new\nline.txt"], "document", doc="kept as written (the newline too)",
             build=_write("new\nline.txt", GOOD_TEXT)),
        Kind("non-ASCII file name", ["саммит 峰会 ✓.html"], "document", doc="kept as written",
             build=_write("саммит 峰会 ✓.html", GOOD_HTML)),
        Kind("file name not valid UTF-8", [os.fsdecode(bad_name)], "document",
             doc="source_path writes the bad bytes as \\xNN escapes", build=_write(bad_name, GOOD_TEXT)),
        Kind("upper-case extension", ["UPPER.HTM"], "document", doc="extensions match case-insensitively",
             build=_write("UPPER.HTM", GOOD_HTML)),
        Kind("hidden file", [".hidden.html"], "document", doc="dot files are inputs too", build=_write(".hidden.html", GOOD_HTML)),
        Kind("deeply nested folder", ["a/b/c/d/deep-folder.txt"], "document", doc="sub-folders are walked",
             build=_write("a/b/c/d/deep-folder.txt", GOOD_TEXT)),
        Kind("directory named x.html", ["x.html/inside.txt"], "document",
             doc="the folder is not a file (not listed); the file inside it is read",
             build=_write("x.html/inside.txt", GOOD_TEXT)),
        Kind("other extensions", [], "not an input", doc="README.md, data.csv, no extension: not listed, not counted",
             build=_many(_write("README.md", "# notes"), _write("data.csv", "a,b\n1,2\n"), _write("noext", GOOD_TEXT))),
        # -------------------------------------------------------------- special files
        Kind("named pipe (FIFO) named .html", ["pipe.html"], "rejected", "not a regular file",
             "never opened (reading would block the run)", build=_fifo("pipe.html")),
        Kind("UNIX socket named .html", ["socket.html"], "rejected", "not a regular file", "never opened",
             build=_socket("socket.html")),
        Kind("symlink outside the input root", ["escape.html"], "rejected", "symlink outside input",
             "not followed; the target is never opened",
             build=_symlink("escape.html", lambda root, outside: str(outside / "secret.html"))),
        Kind("relative symlink climbing out", ["climb.txt"], "rejected", "symlink outside input", "../.. resolved, not followed",
             build=_symlink("climb.txt", lambda root, outside: os.path.relpath(outside / "secret.html", root))),
        Kind("symlink to /dev/zero", ["zero.html"], "rejected", "symlink outside input", "not followed (would never end)",
             build=_symlink("zero.html", lambda root, outside: "/dev/zero")),
        Kind("symlinked folder leading out", [], "not an input", doc="symlinked folders are not walked",
             build=_symlink("linked-dir", lambda root, outside: str(outside))),
        Kind("symlink inside the root", ["alias.html"], "document", doc="followed: same content as its target",
             body_has=("Putin told Xi",), build=_symlink("alias.html", lambda root, outside: "good.html")),
        Kind("dangling symlink", ["dangling.html"], "rejected", "broken symlink", "the target does not exist",
             build=_symlink("dangling.html", lambda root, outside: "does-not-exist.html")),
        Kind("symlink loop", ["loop1.html", "loop2.html"], "rejected", "broken symlink", "links pointing at each other",
             build=_many(_symlink("loop1.html", lambda root, outside: "loop2.html"),
                         _symlink("loop2.html", lambda root, outside: "loop1.html"))),
        Kind("unreadable file (chmod 000)", ["no-permission.html"], "rejected", "unreadable", "permission denied",
             build=_unreadable("no-permission.html"),
             skip="running as root: chmod 000 does not stop root reading" if os.geteuid() == 0 else None),
    ]
    return ks


def build_corpus(root: Path, outside: Path, size_50mb: int = 50 * 1024 * 1024) -> list[Kind]:
    """Write every kind that can be built here into ``root`` (and its targets into ``outside``)."""
    root.mkdir(parents=True, exist_ok=True)
    outside.mkdir(parents=True, exist_ok=True)
    (outside / "secret.html").write_text(html_page([SENTINEL + " " + LEAD]))
    out = []
    for k in kinds(size_50mb):
        if k.skip:
            out.append(k)
            continue
        k.build(root, outside)
        out.append(k)
    return out


def check_rows(rows, doc) -> str:
    """The invariants every processed document (``process_document`` rows) keeps; returns the body."""
    from pipeline.textnorm import MAX_BODY_CHARS

    art = rows.article
    body = art["body_text"]
    assert isinstance(body, str)
    assert len(body) <= MAX_BODY_CHARS
    body.encode("utf-8")  # storable: no lone surrogates
    assert not any(c < " " and c != "\n" for c in body), "control character in body"
    assert art["source_path"] == doc.source_path
    for q in rows.quotes:
        assert 0 <= q["char_start"] <= q["char_end"] <= len(body)
        assert body[q["char_start"]:q["char_end"]] == q["text"], q
    for s in rows.statistics:
        assert 0 <= s["char_start"] <= s["char_end"] <= len(body)
        assert body[s["char_start"]:s["char_end"]] == s["text"], s
        assert isinstance(s["value"], float) and math.isfinite(s["value"]), s
    for m in rows.meetings:
        assert 0 <= m["char_start"] <= m["char_end"] <= len(body)
    assert art["published_date"] is None or isinstance(art["published_date"], date)
    for s in rows.summits:
        for key in ("start_date", "end_date"):
            assert s[key] is None or isinstance(s[key], date), s
        if s["start_date"] and s["end_date"]:
            assert s["start_date"] <= s["end_date"], s
        assert s["year"] is None or 1 <= s["year"] <= 9999
    return body


def restore_permissions(root: Path) -> None:
    """Make chmod-000 files removable again (pytest cleans its temporary folders)."""
    for dirpath, _, files in os.walk(root):
        for name in files:
            path = Path(dirpath) / name
            try:
                if not path.is_symlink() and stat.S_ISREG(path.stat().st_mode):
                    path.chmod(0o644)
            except OSError:
                pass
