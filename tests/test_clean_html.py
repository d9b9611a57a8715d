"""Rules of the HTML cleaner, each on a small hand-written page, plus one quality check."""
from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from benchsubset import subset_sh4

from pipeline.clean.html import clean_html
from pipeline.clean.page import CleanedPage

P1 = ("The leaders of both countries met in the capital on Tuesday for a summit that "
      "lasted several hours, and they signed three agreements on trade and energy.")
P2 = ("Officials said the talks focused on border security, water sharing and transit, "
      "while observers noted that the tone was warmer than at the previous meeting.")
P3 = ("A joint statement promised another round of talks next spring, although neither "
      "side gave a date, and ministers will meet before then to prepare the agenda.")


def page(body: str, head: str = "", lang: str = "en") -> str:
    return (f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">{head}</head>'
            f"<body>{body}</body></html>")


def article(extra_inside: str = "", extra_outside: str = "") -> str:
    return page(f"""
      <div class="site-wrap">
        <article class="story">
          <h1>Leaders meet at summit</h1>
          <p>{P1}</p><p>{P2}</p>{extra_inside}<p>{P3}</p>
        </article>
        {extra_outside}
      </div>""")


def test_returns_cleaned_page_with_paragraphs():
    out = clean_html(article())
    assert isinstance(out, CleanedPage)
    assert out.paragraphs == [P1, P2, P3]
    assert out.body == "\n\n".join([P1, P2, P3])


def test_navigation_dropped():
    nav = ('<nav><ul><li><a href="/">Home</a></li><li><a href="/world">World news '
           'and politics today</a></li></ul></nav>')
    out = clean_html(page(nav + article().split("<body>")[1].split("</body>")[0]))
    assert "Home" not in out.body and "World news" not in out.body
    assert P1 in out.body


def test_comments_dropped():
    comments = ('<div id="comments" class="comments-area"><h3>12 comments</h3>'
                '<div class="comment"><p>I completely disagree with this summit coverage, '
                'the leaders achieved nothing of substance and everyone knows it.</p></div>'
                '<div class="comment"><p>Another long comment by a reader who thinks the '
                'agreements on trade and energy were signed far too hastily.</p></div></div>')
    out = clean_html(article(extra_outside=comments))
    assert "disagree" not in out.body and "hastily" not in out.body
    assert out.paragraphs == [P1, P2, P3]


def test_related_list_dropped():
    related = ('<div class="related-articles"><h3>Related</h3><ul>'
               '<li><a href="/a">Ministers prepare the agenda for the spring talks</a></li>'
               '<li><a href="/b">Trade deal signed after long negotiations end</a></li>'
               '</ul></div>')
    out = clean_html(article(extra_inside=related))
    assert "Ministers prepare" not in out.body and "Related" not in out.body
    assert out.paragraphs == [P1, P2, P3]


def test_caption_dropped():
    fig = ('<figure><img src="x.jpg"><figcaption>The two leaders shake hands in front of '
           'the palace. Photo: Agency</figcaption></figure>'
           '<div class="image-caption">Delegations arrive at the airport on Monday.</div>')
    out = clean_html(article(extra_inside=fig))
    assert "shake hands" not in out.body and "Delegations arrive" not in out.body
    assert out.paragraphs == [P1, P2, P3]


def test_byline_out_of_body_and_in_metadata():
    by = '<div class="byline">By Jane Roe and John Doe</div>'
    out = clean_html(article(extra_inside=by))
    assert "Jane Roe" not in out.body
    assert out.byline and "Jane Roe" in out.byline


def test_jsonld_date_preferred_over_updated_stamp():
    ld = json.dumps({"@context": "https://schema.org", "@type": "NewsArticle",
                     "headline": "Leaders meet at summit",
                     "datePublished": "2024-03-05T09:00:00+01:00",
                     "dateModified": "2024-03-09T10:00:00+01:00",
                     "author": [{"@type": "Person", "name": "Jane Roe"}],
                     "publisher": {"@type": "Organization", "name": "The Daily Planet"}})
    head = (f'<script type="application/ld+json">{ld}</script>'
            '<meta property="article:modified_time" content="2024-03-09T10:00:00Z">')
    body = ('<div class="updated">Updated <time datetime="2024-03-09">March 9, 2024</time></div>'
            + article().split("<body>")[1].split("</body>")[0])
    out = clean_html(page(body, head=head))
    assert out.published_date == date(2024, 3, 5)
    assert out.date_method == "json-ld"
    assert out.title == "Leaders meet at summit"
    assert out.outlet == "The Daily Planet"
    assert out.byline == "Jane Roe"


def test_updated_time_tag_not_taken_as_publication_date():
    body = ('<div class="meta"><span class="updated">Updated '
            '<time datetime="2024-03-09">March 9</time></span></div>'
            + article().split("<body>")[1].split("</body>")[0])
    out = clean_html(page(body))
    assert out.published_date != date(2024, 3, 9)


def test_meta_date_and_title_suffix():
    head = ('<title>Leaders meet at summit | The Daily Planet</title>'
            '<meta property="article:published_time" content="2023-11-20T08:00:00Z">')
    out = clean_html(page(article().split("<body>")[1].split("</body>")[0], head=head))
    assert out.published_date == date(2023, 11, 20) and out.date_method == "meta"
    assert out.outlet == "The Daily Planet"


def test_future_date_rejected():
    future = (date.today() + timedelta(days=400)).isoformat()
    ld = json.dumps({"@type": "NewsArticle", "datePublished": future})
    head = (f'<script type="application/ld+json">{ld}</script>'
            f'<meta property="article:published_time" content="{future}">')
    out = clean_html(page(article().split("<body>")[1].split("</body>")[0], head=head))
    assert out.published_date is None or out.published_date <= date.today()


def test_time_tag_date():
    body = ('<article><header><h1>Summit</h1><time datetime="2022-06-01T10:00">June 1</time>'
            f'</header><p>{P1}</p><p>{P2}</p></article>')
    out = clean_html(page(body))
    assert out.published_date == date(2022, 6, 1) and out.date_method == "time-tag"


def test_non_english_body_kept():
    fr = ["Les dirigeants des deux pays se sont réunis mardi dans la capitale pour un sommet "
          "qui a duré plusieurs heures, et ils ont signé trois accords sur le commerce.",
          "Selon les responsables, les discussions ont porté sur la sécurité des frontières, "
          "le partage de l'eau et le transit, dans un climat plus chaleureux qu'auparavant."]
    body = f'<div class="contenu"><h1>Sommet</h1><p>{fr[0]}</p><p>{fr[1]}</p></div>'
    out = clean_html(page(body, lang="fr-FR"))
    assert out.paragraphs == fr
    assert out.language == "fr"


def test_dateline_and_wire():
    p = ("WASHINGTON (AP) — The president met his counterpart on Tuesday at a summit that "
         "lasted several hours, officials said, and both sides called it productive.")
    out = clean_html(page(f"<article><p>{p}</p><p>{P2}</p></article>"))
    assert out.dateline == "WASHINGTON"
    assert out.wire == "AP"


def test_quotes_and_whitespace_normalised():
    p = ("\u201cWe agreed\u201d,   said the  minister,\n who added that the summit\u2019s "
         "outcome was better than anyone had expected before the talks began.")
    out = clean_html(page(f"<article><p>{p}</p><p>{P2}</p></article>"))
    assert out.paragraphs[0].startswith('"We agreed", said the minister, who added that the summit\'s')


@pytest.mark.parametrize("garbage", [
    "", "   ", "plain text, no markup", "<<<>>>", "<html><body></body></html>",
    "\x00\x01\x02<div", "<p>" * 5000, "<div>" * 3000 + "text", b"<p>bytes</p>", None, 42,
], ids=["empty", "spaces", "no-markup", "brackets", "empty-body", "control-chars",
        "5000-p", "deep-divs", "bytes", "none", "int"])
def test_garbage_returns_empty_body_without_raising(garbage):
    out = clean_html(garbage)  # type: ignore[arg-type]
    assert isinstance(out, CleanedPage)
    assert isinstance(out.body, str)
    if garbage in ("", "   ", "plain text, no markup", "<<<>>>", "<html><body></body></html>", None, 42):
        assert out.body == ""


def test_deterministic():
    html = article(extra_outside='<aside><p>Sidebar text that should never appear.</p></aside>')
    assert clean_html(html) == clean_html(html)


# --------------------------------------------------------------------------- quality

def test_quality_on_benchmark_subset():
    """sh4 F1 >= 0.95 on a fixed subset of at least 40 benchmark pages (a quality test, not timed)."""
    s, n = subset_sh4("html", lambda page: clean_html(page).body)
    assert n >= 40
    assert s["F1"] >= 0.95, f"sh4 F1 {s['F1']:.3f} (P {s['P']:.3f}, R {s['R']:.3f}) on {n} pages"


# --------------------------------------------------------------------------- aggregators & metadata guards

def _copy(outlet: str, host: str, link_text: str = "Read Full Article") -> str:
    return (f'<div class="card"><span>{outlet}</span><h3>Leaders meet at summit in the capital</h3>'
            f'<p>{P2}</p><a href="https://{host}/story/1">{link_text}</a></div>')


def test_aggregator_read_full_article_links():
    body = (f"<article><h1>Leaders meet at summit</h1><p>{P1}</p>"
            + _copy("Daily One", "one.example") + _copy("Evening Two", "two.example")
            + _copy("Morning Three", "three.example") + "</article>")
    out = clean_html(page(body))
    assert out.is_aggregator


def test_aggregator_source_count_and_bias_box():
    body = (f"<main><h1>Leaders meet at summit</h1><p>{P1}</p><div>12 sources</div>"
            + _copy("Daily One", "one.example", "Read more at Daily One")
            + '<aside><h4>Bias Distribution</h4><div>Left 40%</div></aside></main>')
    assert clean_html(page(body)).is_aggregator


def test_normal_article_not_aggregator():
    related = ('<div class="related"><a href="https://x.example/a">Read more</a>'
               '<a href="https://x.example/b">Read more</a><a href="https://x.example/c">Read more</a></div>')
    assert not clean_html(article(extra_outside=related)).is_aggregator
    one = '<p><a href="https://wire.example/s">Read the full story at Example Wire</a></p>'
    assert not clean_html(article(extra_inside=one)).is_aggregator


def test_outlet_is_publisher_not_wire():
    head = ('<meta property="og:site_name" content="Reuters">'
            '<title>Leaders meet at summit | The Daily Planet</title>')
    out = clean_html(page(article().split("<body>")[1].split("</body>")[0], head=head))
    assert out.outlet == "The Daily Planet"
    assert out.wire == "Reuters"


def test_comment_time_tag_not_publication_date():
    comments = ('<div class="comments"><div class="comment"><time datetime="2021-05-02">May 2</time>'
                '<p>A reader comment that goes on for quite a while about the summit coverage.</p></div></div>')
    out = clean_html(article(extra_outside=comments))
    assert out.published_date is None


def _html_pages():
    from pathlib import Path

    root = Path(__file__).resolve().parent
    pages = [*(root / "fixtures" / "articles").glob("*.htm*"), *(root / "heldout" / "articles").glob("*.htm*"),
             *(root.parent / "seeds" / "documents").glob("*.htm*")]
    return sorted(pages)


@pytest.mark.parametrize("page", _html_pages(), ids=lambda p: p.name)
def test_lean_tree_builder_builds_the_stock_builders_soup(page):
    # the fast builder mirrors BeautifulSoup's own tree building; on every real page it must
    # give the very tree the stock lxml builder gives (same nodes, fields and links)
    from bs4 import BeautifulSoup

    from pipeline.clean.html import _LeanBuilder, _same_tree, _soup

    markup = page.read_text(encoding="utf-8", errors="replace")
    lean = BeautifulSoup(markup, builder=_LeanBuilder(multi_valued_attributes=None))
    assert _same_tree(_soup(markup, lean=False), lean)
