"""Imported once by the worker pool's fork server (see ``pipeline.stages._pool_context``).

Importing this module loads what every cleaning and extraction worker needs on its first page
(the code, the reference tables, the compiled rules, the language model: about 1 s of CPU) by
running both steps on two small made-up pages. Workers forked from the server start with all
of it loaded, so neither pool of a run pays for it again in every worker.
"""
from __future__ import annotations

from datetime import date

from pipeline.ingest import Document
from pipeline.process import clean_record, extract_record

_HTML = (
    "<!DOCTYPE html><html lang='en'><head><title>Leaders meet in Lisbon | Example Wire</title>"
    "<meta property='og:site_name' content='Example Wire'>"
    "<meta property='article:published_time' content='2021-05-07T10:00:00Z'></head><body>"
    "<nav><a href='/'>Home</a></nav><article><h1>Leaders meet in Lisbon</h1>"
    "<p>LISBON, May 7 (Example Wire) - Portuguese Prime Minister Ana Costa met French President "
    "Paul Martin on the sidelines of the EU summit in Lisbon on Friday.</p>"
    "<p>\"We agreed to work together,\" Costa told reporters, adding that trade grew 12% to "
    "$4.5 billion last year and that 27 leaders attended.</p></article></body></html>"
)
_TEXT = (
    "Example Wire\nHome | World | Politics\n\nLeaders meet in Lisbon\nMay 7, 2021\n\n"
    "LISBON (Example Wire) - Portuguese Prime Minister Ana Costa met French President Paul Martin "
    "on the sidelines of the EU summit in Lisbon on Friday.\n\n\"We agreed to work together,\" "
    "Costa told reporters, adding that trade grew 12% to $4.5 billion last year.\n\n"
    "Share this article\nCopyright 2021 Example Wire\n"
)


def warm() -> None:
    """Clean and extract the two pages; never raises (a worker loads what is missing itself)."""
    for fmt, text in (("html", _HTML), ("text", _TEXT)):
        doc = Document(f"warm.{fmt}", "0" * 64, len(text), "utf-8", fmt, text)
        try:
            extract_record(clean_record(doc), date(2021, 5, 8))
        except Exception:  # noqa: BLE001 - a warm-up must not stop the fork server
            pass


warm()
