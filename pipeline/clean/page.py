"""The cleaned page: the one shape every cleaner (HTML or text dump) returns."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class CleanedPage:
    """A page reduced to its article body plus the metadata the page states.

    ``body`` is normalised text (see :func:`pipeline.textnorm.normalise_text`) whose
    paragraphs are separated by a blank line; every character offset stored in the
    warehouse points into it.
    """

    body: str
    title: str | None = None
    outlet: str | None = None
    published_date: date | None = None
    date_method: str | None = None  # e.g. "json-ld", "meta", "time-tag", "header-line"
    byline: str | None = None
    language: str | None = None
    dateline: str | None = None  # e.g. "DUSHANBE" from "DUSHANBE — President ..."
    is_aggregator: bool = False
    wire: str | None = None  # the agency a syndicated story credits ("Reuters")
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def paragraphs(self) -> list[str]:
        return [p for p in self.body.split("\n\n") if p.strip()]
