"""Tests for the plain-text dump cleaner (pipeline.clean.text) and its metadata helpers."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from benchsubset import subset_sh4

from pipeline.clean import meta
from pipeline.clean.page import CleanedPage
from pipeline.clean.text import clean_text_dump

SEEDS = Path(__file__).resolve().parents[1] / "seeds" / "documents"

ARTICLE = [
    "ANYTOWN — The regional council of Northland met on Monday to agree a new budget for roads and schools, officials said.",
    "The agreement follows months of talks between the five member districts, which had disagreed over how to share the costs.",
    '"We have found a fair way forward for everyone," the council chairwoman told reporters after the meeting ended.',
    "Critics said the plan would leave rural districts with less money than before, and promised to challenge it in court.",
    "The budget takes effect in January.",
]


def page(*blocks: str) -> str:
    return "\n\n".join(blocks)


# ---------------------------------------------------------------- body rules
def test_returns_cleaned_page_and_keeps_article():
    result = clean_text_dump(page("Home", "World", "Council agrees budget for roads", *ARTICLE))
    assert isinstance(result, CleanedPage)
    assert result.paragraphs == ARTICLE
    assert result.title == "Council agrees budget for roads"


def test_short_sentence_paragraph_is_kept():
    result = clean_text_dump(page("Council agrees budget", *ARTICLE))
    assert "The budget takes effect in January." in result.paragraphs


def test_donation_appeal_block_dropped_entirely():
    appeal = [
        "A Message from The Daily Example:",
        "Dear readers,",
        'We are facing unprecedented challenges. The authorities call our work "a threat to public order and to the state".',
        "We, the journalists of The Daily Example, refuse to be silenced. But to continue our work, we need your help.",
        "Your support, no matter how small, makes a world of difference. Please support us monthly.",
        "Thank you for standing with us.",
        "Once", "Monthly", "Continue", "Remind me later.",
    ]
    result = clean_text_dump(page("Council agrees budget for roads", *ARTICLE, *appeal))
    assert result.paragraphs == ARTICLE
    assert "threat to public order" not in result.body
    assert result.outlet == "The Daily Example"


def test_small_favor_appeal_dropped():
    appeal = [
        "… we have a small favor to ask.",
        "As you may have heard, our newsroom has been branded a \"foreign agent\" by the government of the day.",
        "Your support, no matter how small, makes a world of difference. Thank you.",
    ]
    result = clean_text_dump(page("Council agrees budget for roads", *ARTICLE, *appeal, "Continue", "Read more"))
    assert result.paragraphs == ARTICLE


def test_newsletter_box_dropped():
    box = [
        "Sign up for our free weekly newsletter",
        "Our weekly newsletter contains a hand-picked selection of news, features and analysis. You will receive it in your mailbox every Friday.",
        "Subscribers agree to the Privacy Policy",
    ]
    result = clean_text_dump(page("Council agrees budget for roads", *ARTICLE, *box))
    assert result.paragraphs == ARTICLE


def test_cookie_notice_and_menus_dropped():
    chrome = [
        "We use cookies to improve your experience on our website. By continuing to browse you agree to our use of cookies.",
        "Accept all", "Follow Us :", "Text Size:", "Add as a preferred source on Google", "scorecardresearch",
    ]
    result = clean_text_dump(page(*chrome, "Council agrees budget for roads", *ARTICLE))
    assert result.paragraphs == ARTICLE


def test_caption_and_photo_credit_not_body():
    caption = "The council chairwoman speaks to reporters in Anytown on March 3, 2021. (Photo by Jane Roe)"
    result = clean_text_dump(page("News / Politics", "Council agrees budget for roads", caption, "Pool / TASS", *ARTICLE))
    assert result.paragraphs == ARTICLE
    assert "Photo by" not in result.body
    assert result.published_date is None  # the date sits in a caption
    assert result.title == "Council agrees budget for roads"


def test_reporting_credit_and_disclaimer_dropped():
    tail = [
        "(Reporting by Jane Roe; editing by John Doe)",
        "Disclaimer: This report is auto generated from the Reuters news service. Example Daily holds no responsibility for its content.",
        "Tags", "LEAVE A REPLY", "Please enter your comment!",
    ]
    result = clean_text_dump(page("Council agrees budget for roads", *ARTICLE, *tail))
    assert result.paragraphs == ARTICLE
    assert result.outlet == "Example Daily"
    assert result.wire == "Reuters"


def test_comment_thread_after_article_dropped():
    comments = [
        "3 Comments",
        "roadfan says:",
        "November 19, 2019 at 6:34 am",
        "This is the worst budget I have ever seen, and I have seen a lot of budgets in my long life.",
    ]
    result = clean_text_dump(page("Council agrees budget for roads", *ARTICLE, *comments))
    assert result.paragraphs == ARTICLE


def test_body_is_normalised():
    result = clean_text_dump(page("Council agrees budget", "The council\u00a0said it was \u201cvery pleased\u201d with the result of the long vote on Monday."))
    assert result.body == 'The council said it was "very pleased" with the result of the long vote on Monday.'


def test_non_english_body_kept():
    german = [
        "Der Gemeinderat hat am Montag einen neuen Haushalt für Straßen und Schulen beschlossen, teilten Beamte mit.",
        "Die Einigung folgt auf monatelange Gespräche zwischen den fünf Bezirken, die über die Kostenteilung gestritten hatten.",
        "Kritiker sagten, der Plan lasse ländliche Bezirke mit weniger Geld zurück als zuvor.",
    ]
    result = clean_text_dump(page("Startseite", "Gemeinderat beschließt Haushalt", *german))
    assert result.paragraphs == german


# ---------------------------------------------------------------- aggregator
def test_aggregator_page():
    dump = "\n".join([
        "Published • loading... • Updated",
        "Council agrees budget for roads and schools",
        "The council agreed a budget after months of talks between the five member districts of the region.",
        "- Critics said rural districts would lose money under the plan agreed on Monday.",
        "Insights by Example AI",
        "4 Articles",
        "·London, United Kingdom",
        "Read Full ArticleCouncil strikes budget deal",
        "The regional council struck a deal on Monday on a new budget for roads and schools, officials said.",
        "·New York, United States",
        "Read Full ArticleBudget agreed after long talks",
        "Coverage Details",
        "Total News Sources4",
        "Leaning Left2Leaning Right1Center1Last UpdatedBias Distribution50% Left",
        "50% Left",
        "L 50%",
    ])
    result = clean_text_dump(dump)
    assert result.is_aggregator
    assert result.title == "Council agrees budget for roads and schools"
    assert "Council strikes budget deal" in result.paragraphs
    assert "Read Full Article" not in result.body
    assert "%" not in result.body
    assert "·" not in result.body
    assert "Insights by" not in result.body
    assert result.published_date is None


# ---------------------------------------------------------------- metadata
def test_date_line_vs_updated_stamp():
    result = clean_text_dump(page("Thursday, October 9, 2025", "Council agrees budget for roads", *ARTICLE))
    assert result.published_date == date(2025, 10, 9)
    assert result.date_method == "header-line"
    result = clean_text_dump(page("Updated October 9, 2025", "Council agrees budget for roads", *ARTICLE))
    assert result.published_date is None
    result = clean_text_dump(page("Published 12 March 2019", "Council agrees budget for roads", *ARTICLE))
    assert result.published_date == date(2019, 3, 12)


def test_future_date_ignored():
    assert meta.header_date_line("Thursday, October 9, 2999") is None
    assert meta.parse_date("on 12 March 2019") == date(2019, 3, 12)
    assert meta.header_date_line("Published • loading... • Updated") is None


def test_dateline():
    assert clean_text_dump(page("Budget", *ARTICLE)).dateline == "ANYTOWN"
    assert meta.find_dateline("MOSCOW (Reuters) -President Vladimir Putin said ...") == "MOSCOW"
    assert meta.find_dateline("DUSHANBE — President Vladimir Putin said ...") == "DUSHANBE"
    assert meta.find_dateline("President Vladimir Putin said on Friday ...") is None


def test_wire_from_dateline_not_outlet():
    first = "LONDON (Reuters) - The regional council of Northland met on Monday to agree a new budget for roads, officials said."
    result = clean_text_dump(page("Support Example Daily!", "Council agrees budget", first, *ARTICLE[1:]))
    assert result.wire == "Reuters"
    assert result.outlet == "Example Daily"
    assert result.dateline == "LONDON"


def test_outlet_candidates():
    names = dict(meta.outlet_candidates([
        "Press TV's website can also be accessed at the following alternate addresses:",
        "© 2024 Example Herald. All rights reserved.",
        "Subscribe to our channels on YouTube",
        "Support Our Journalism",
    ]))
    assert "Press TV" in names and "Example Herald" in names
    assert not any(n.lower().startswith("our") for n in names)


@settings(max_examples=150, deadline=None, database=None)
@given(st.lists(st.sampled_from([
    "© 2024 Example Herald. All rights reserved.", "Follow us", "SUBSCRIBE TO THE HERALD",
    "About Us", "Kontakt \u00fcber uns", "Écrivez-nous: support@example.org", "Ünterstützen Sie uns",
    "İstanbul NOTE", "Council agrees budget", "words and more words", "a\nsupport line", "",
    "Copyright Ṫhe Daily", "x" * 450 + " website",
]), max_size=12))
def test_hint_scan_keeps_every_line_a_per_line_test_keeps(lines):
    naive = [i for i, line in enumerate(lines)
             if not line.isascii() or any(h in line.lower() for h in meta._HINTS)]
    assert meta._hinted_lines(lines) == naive


def test_outlet_none_without_clue():
    assert clean_text_dump(page("Council agrees budget for roads", *ARTICLE)).outlet is None


def test_deterministic():
    text = page("Council agrees budget for roads", *ARTICLE)
    assert clean_text_dump(text) == clean_text_dump(text)


def test_empty_input():
    result = clean_text_dump("")
    assert result.body == "" and result.title is None


# ---------------------------------------------------------------- seeds
SEED_EXPECT = {
    "000_0c69bad0314fd33e.txt": dict(
        title="Putin Seeks Support in Asia as New EU Sanctions Hit Russia", outlet="The Moscow Times",
        date=None, agg=False, first="DUSHANBE — President Vladimir Putin", last="The SCO groups China,", n=7,
        dateline="DUSHANBE", wire=None),
    "001_b9100d17f3cfaab5.txt": dict(
        title="Putin urges Central Asian states to step up trade with Russia", outlet=None,
        date=None, agg=True, first="Putin called for enhanced trade", last=None, n=None, dateline=None, wire=None),
    "002_7d9800583c3c9883.txt": dict(
        title="Putin, Xi Hail 'Great Power' Ties at Talks Defying West", outlet="The Moscow Times",
        date=None, agg=False, first="Russian President Vladimir Putin and Chinese leader",
        last="Security was tight in Samarkand", n=None, dateline=None, wire=None),
    "003_ace282494598c007.txt": dict(
        title="Putin urges Central Asian states to step up trade with Russia", outlet="ThePrint",
        date=date(2025, 10, 9), agg=False, first="MOSCOW (Reuters) -President", last="It said the leaders agreed",
        n=9, dateline="MOSCOW", wire="Reuters"),
    "004_c8b71dc69254530b.txt": dict(
        title="Putin, Xi meet at Central Asian summit in show of deepening cooperation", outlet="Press TV",
        date=None, agg=False, first="In their second meeting this year",
        last="Belarus, a close ally of Russia, is set to formally join the SCO on Thursday.", n=18,
        dateline=None, wire=None),
}


@pytest.mark.parametrize("name", sorted(SEED_EXPECT))
def test_seed_pages(name):
    exp = SEED_EXPECT[name]
    result = clean_text_dump((SEEDS / name).read_text(encoding="utf-8"))
    paras = result.paragraphs
    assert result.title == exp["title"]
    assert result.outlet == exp["outlet"]
    assert result.published_date == exp["date"]
    assert result.is_aggregator is exp["agg"]
    assert result.wire == exp["wire"]
    assert result.dateline == exp["dateline"]
    assert paras[0].startswith(exp["first"])
    if exp["last"]:
        assert paras[-1].startswith(exp["last"])
    if exp["n"]:
        assert len(paras) == exp["n"]
    chrome = ("newsletter", "Dear readers", "support us", "small favor", "Pool / TASS", "(Photo by",
              "Read more", "Read Full Article", "Insights by", "%", "Tags", "Reporting by", "Disclaimer",
              "alternate addresses", "SHARE THIS")
    for bit in chrome:
        assert bit not in result.body, bit
    assert "\u2019" not in result.body and "\u201c" not in result.body


def test_seed_002_drops_subheading_or_keeps_it_cleanly():
    result = clean_text_dump((SEEDS / "002_7d9800583c3c9883.txt").read_text(encoding="utf-8"))
    assert "Xi told Putin at the talks." in result.body
    assert "we have a small favor" not in result.body


def test_seed_001_snippets_kept():
    result = clean_text_dump((SEEDS / "001_b9100d17f3cfaab5.txt").read_text(encoding="utf-8"))
    assert "Putin pushes Central Asia to boost trade as sanctions bite" in result.paragraphs
    assert any(p.startswith("- On Thursday, President Vladimir Putin attended") for p in result.paragraphs)
    assert not any("New York, United States" in p for p in result.paragraphs)


def test_inline_related_box_does_not_end_article():
    box = ["Related", "Council row over school funding deepens", "Roads plan delayed again"]
    text = page("Council agrees budget for roads", *ARTICLE[:3], *box, *ARTICLE[3:], "Read more", "Most Popular",
                "Another story entirely about something else, with a long teaser sentence here.")
    result = clean_text_dump(text)
    assert result.paragraphs == ARTICLE


def test_teaser_repeated_on_page_dropped():
    teaser = "Mayor resigns after long row over the city budget and the new roads plan, officials confirmed on Friday."
    text = page(teaser, "Council agrees budget for roads", *ARTICLE, "Latest News", teaser)
    assert teaser not in clean_text_dump(text).paragraphs


# ---------------------------------------------------------------- headline / date robustness
def test_title_skips_masthead_read_time_and_byline():
    dump = "\n".join([
        "THE WEEKLY HARBOUR GAZETTE",
        "Your town's paper since 1901",
        "News Sport Business Culture Podcasts Events Shop",
        "News > Local > Council",
        "",
        "Council agrees budget for roads after long talks",
        "3 March 2021 · Local News · 6 min read",
        "By Jane Roe",
        "4 min read · 12 comments",
        "Reading time: 4 min",
        "",
        *ARTICLE,
        "© 2021 The Weekly Harbour Gazette",
    ])
    result = clean_text_dump(dump)
    assert result.title == "Council agrees budget for roads after long talks"
    assert result.published_date == date(2021, 3, 3)


def test_title_not_menu_or_caps_kicker():
    dump = "\n".join([
        "Politics Economy World Culture Science Opinion Video",
        "Harbour council agrees deal on new roads plan",
        "EXCLUSIVE REPORT FROM THE HARBOUR",
        "Estimated reading time 5 minutes",
        *ARTICLE,
    ])
    assert clean_text_dump(dump).title == "Harbour council agrees deal on new roads plan"


@pytest.mark.parametrize("line,expected", [
    ("June 10, 2018 | by Staff Correspondent | 5 comments", date(2018, 6, 10)),
    ("Posted on June 10, 2018 by jdoe", date(2018, 6, 10)),
    ("June 10, 2018 | 09:14", date(2018, 6, 10)),
    ("25/06/2018", date(2018, 6, 25)),
    ("06/25/2018", date(2018, 6, 25)),
    ("10/06/2018", None),  # June 10 or October 6: ambiguous, not taken
    ("Date (dd/mm/yyyy): 10/06/2018", date(2018, 6, 10)),
    ("Date (mm/dd/yyyy): 10/06/2018", date(2018, 10, 6)),
    ("Published 3 March 2021 · Updated 5 March 2021", date(2021, 3, 3)),
    ("Updated 5 March 2021", None),
    ("Last modified: 5 March 2021", None),
    ("roadfan says: November 19, 2019", None),
    ("Photo: the mayor on 3 March 2021", None),
])
def test_header_date_line_formats(line, expected):
    assert meta.header_date_line(line) == expected


def test_date_with_comment_count_found():
    dump = page("Council agrees budget for roads after long talks",
                "June 10, 2018 | by Staff Correspondent | 5 comments", "Reading time: 4 min", *ARTICLE)
    result = clean_text_dump(dump)
    assert result.published_date == date(2018, 6, 10)
    assert result.title == "Council agrees budget for roads after long talks"


def test_future_and_caption_dates_not_published():
    future = date.today().replace(year=date.today().year + 3)
    dump = page(f"{future.day} {future.strftime('%B')} {future.year}",
                "Council agrees budget for roads after long talks",
                "The mayor in Anytown on 3 March 2021. (Photo by Jane Roe)", *ARTICLE)
    result = clean_text_dump(dump)
    assert result.published_date is None


def test_comment_timestamp_not_published_date():
    dump = page("Council agrees budget for roads after long talks", "roadfan says:", "November 19, 2019 at 6:34 am",
                *ARTICLE)
    assert clean_text_dump(dump).published_date is None


def test_outlet_never_wire():
    assert meta._clean_name("Reuters") is None
    assert meta._clean_name("The Associated Press") is None
    assert meta._clean_name("AFP") is None
    dump = page("Council agrees budget for roads after long talks - Reuters",
                "Council agrees budget for roads after long talks", *ARTICLE, "© 2021 Reuters")
    assert clean_text_dump(dump).outlet is None


# ---------------------------------------------------------------- general rules (issue 3)
def test_title_anchor_beats_teaser_block():
    # a block of teasers (headline glued to summary, lines packed without blank lines) outweighs
    # a short article; the article is the run right below the repeat of the page's <title>
    teasers = [
        f"Harbour Story Number {k} Gets A Long Headline Here The summary of harbour story number {k} runs on "
        f"for a while, telling readers about the ferry, the pier and the weather on the coast this week."
        for k in range(8)
    ]
    text = "\n".join(["Council agrees budget for roads - The Daily Example", "", "Latest Headlines", *teasers, "",
                      "Council agrees budget for roads", "", page(*ARTICLE)])
    assert clean_text_dump(text).paragraphs == ARTICLE


def test_title_anchor_ignores_subheading_inside_article():
    # a sub-heading repeating the title's words after real paragraphs does not move the start
    text = page("Budget Deal For Roads | The Daily Example", "Council agrees budget", *ARTICLE[:3],
                "BUDGET DEAL FOR ROADS", *ARTICLE[3:])
    result = clean_text_dump(text)
    assert result.paragraphs[0] == ARTICLE[0] and result.paragraphs[-1] == ARTICLE[-1]


def test_packed_teasers_weigh_less_than_paragraphs():
    # teaser lines packed without blank lines count half in the search for the article run
    teasers = "\n".join(
        f"Teaser headline {k} for another story on the site Another summary sentence that goes on about "
        f"something else entirely, at some length, to look like prose." for k in range(5))
    menu = "\n".join(["Home", "World", "Business", "Sport", "Culture", "Travel", "Weather", "Podcasts", "Video",
                      "Opinion", "Science", "Health", "Money", "Cars", "Games"] * 2)
    text = page("Latest", teasers, menu, *ARTICLE)
    assert clean_text_dump(text).paragraphs == ARTICLE


@pytest.mark.parametrize("caption", [
    "3 of 12 The council chairwoman speaks to reporters in Anytown after the long vote on Monday evening.",
    "Image caption The council chairwoman speaks to reporters after the vote",
    "The council chairwoman speaks to reporters after the vote. Jane Roe / AP file",
    "In this March 3, 2021, file photo, the council chairwoman speaks to reporters in Anytown.",
    "A model of the new bridge shown at the town hall. Credit: Anytown Council",
])
def test_caption_shapes_dropped(caption):
    result = clean_text_dump(page("Council agrees budget for roads", *ARTICLE[:2], caption, *ARTICLE[2:]))
    assert result.paragraphs == ARTICLE


def test_list_between_paragraphs_kept():
    items = ["Fix the bridge on Mill Road", "Repave the high street", "Build two new crossings near schools"]
    text = page("Council agrees budget for roads", ARTICLE[0], "The plan has three parts:", "\n".join(items),
                *ARTICLE[1:])
    assert clean_text_dump(text).paragraphs == [ARTICLE[0], "The plan has three parts:", *items, *ARTICLE[1:]]


def test_list_gap_with_chrome_not_filled():
    box = "\n".join(["Share this", "Facebook", "Twitter", "Email"])
    text = page("Council agrees budget for roads", *ARTICLE[:2], box, *ARTICLE[2:])
    assert clean_text_dump(text).paragraphs == ARTICLE


def test_trailing_list_after_lead_in_kept():
    rows = ["June 9 – Anytown, Town Hall", "June 12 – Northville, Market Square", "June 20 – Eastport, Harbour Hall"]
    text = page("Council agrees budget for roads", *ARTICLE, "The council will hold public meetings:",
                "\n".join(rows), "Most Popular", "Mayor resigns after long row over the city budget")
    result = clean_text_dump(text)
    assert result.paragraphs[-3:] == rows
    assert "Mayor resigns" not in result.body


def test_numeric_table_kept_archive_counters_not():
    table = ["Pos. District Votes Share", "1 Northland 5040 41%", "2 Eastport 3035 25%", "3 Westfield 2033 17%",
             "4 Southbay 2027 17%"]
    archive = ["March (12)", "February (9)", "January (15)", "December (7)", "November (11)"]
    text = page("Council agrees budget for roads", *ARTICLE, "\n".join(table), "Archive", "\n".join(archive))
    result = clean_text_dump(text)
    assert all(row in result.paragraphs for row in table)
    assert not any(a in result.body for a in archive)


def test_stamp_lines_not_list_items():
    text = page("Council agrees budget for roads", *ARTICLE[:2], "20 Nov 2019 08:00 GMT", "191119052250266",
                *ARTICLE[2:])
    assert clean_text_dump(text).paragraphs == ARTICLE


@pytest.mark.parametrize("line", [
    "Sometimes people ask me why the council chose this road and not another one […]",
    "Mayor resigns after long row over the city budget and the new roads plan, officials..",
    "[Related: Mayor resigns after long row over the city budget]",
    '<script type="text/javascript" src="https://player.example/embed.js"></script>',
    "Want more stories like this?",
    "Join our free newsletter for the best of the week.",
    "Get breaking news alerts. The news and stories that matter, delivered weekday mornings.",
    "Facebook Twitter Email LinkedIn",
    "Advert",
    "Like this story? Share it with a friend!",
    "Also on example.org Mayor resigns after long row over the city budget",
    "Utilizziamo i cookie per essere sicuri che tu possa avere la migliore esperienza sul nostro sito.",
    "Example Gadget and Example Phone are registered trademarks of Example Inc. in the United States.",
    "The contents of this site are for informational purposes only and do not replace professional advice.",
    "Tags Council Budget Roads Anytown",
    "road budget 2021, council budget, anytown roads, northland council, school funding",
])
def test_boilerplate_line_dropped(line):
    result = clean_text_dump(page("Council agrees budget for roads", *ARTICLE[:3], line, *ARTICLE[3:]))
    assert result.paragraphs == ARTICLE


def test_author_box_ends_article():
    bio = ("Jane Roe has covered local government for the paper since 2009 and before that reported on "
           "schools and courts for a regional radio station.")
    for heading in ("About Jane Roe", "Über Jane Roe", "About the author"):
        result = clean_text_dump(page("Council agrees budget for roads", *ARTICLE, heading, bio))
        assert result.paragraphs == ARTICLE, heading


@pytest.mark.parametrize("form", [
    "Lascia un commento Annulla risposta",
    "Deixe um comentário",
    "You must be logged in to post a comment.",
])
def test_comment_form_ends_article(form):
    after = "This is a reader's long opinion about the budget, which goes on for quite a while and adds nothing."
    result = clean_text_dump(page("Council agrees budget for roads", *ARTICLE, form, after))
    assert result.paragraphs == ARTICLE


def test_tags_heading_ends_article():
    sidebar = "Read the latest from our columnists, who write every week about the towns of the region and more."
    result = clean_text_dump(page("Council agrees budget for roads", *ARTICLE, "Tags", "roads, budget", sidebar))
    assert result.paragraphs == ARTICLE


def test_isolated_short_steps_after_dense_run_kept():
    # a recipe-like article: paragraphs, then steps as short blank-separated lines between prose lines
    steps = ["Step one", "Mix the flour with water", "Step two", "Knead the dough for ten minutes"]
    tail = "Bake the loaf for forty minutes at a high heat, then leave it to cool on a rack before slicing."
    text = page("Simple bread", *ARTICLE[:4], *steps, tail, "Most Popular", "Other story headline goes here")
    result = clean_text_dump(text)
    assert result.paragraphs[-1] == tail
    assert "Mix the flour with water" in result.paragraphs


def test_non_english_page_not_dropped_wholesale():
    portuguese = [
        "O conselho regional aprovou na segunda-feira um novo orçamento para estradas e escolas, disseram autoridades.",
        "O acordo segue meses de negociações entre os cinco distritos, que discordavam sobre a divisão dos custos.",
        "Críticos disseram que o plano deixaria os distritos rurais com menos dinheiro do que antes.",
    ]
    text = page("Início", "Notícias", "Conselho aprova orçamento", *portuguese, "Deixe um comentário",
                "Comentários com textos ofensivos não serão aprovados pelo moderador do site.")
    assert clean_text_dump(text).paragraphs == portuguese


# ---------------------------------------------------------------- aggregator widgets (structural)
def test_aggregator_other_layout_ends_at_widgets():
    # a different aggregator layout: no phrase of the seed's layout, only its structure
    dump = "\n".join([
        "Council agrees budget for roads and schools",
        "The council agreed a budget after months of talks between the five member districts of the region.",
        "Summary by Example Bot",
        "12 sources",
        "Read Full ArticleCouncil strikes budget deal",
        "The regional council struck a deal on Monday on a new budget for roads and schools, officials said.",
        "Read Full ArticleBudget agreed after long talks",
        "The five districts ended months of argument over the budget on Monday, the council said in a statement.",
        "How outlets covered it",
        "Sources12Left4Right5Center3",
        "42% Right, 33% Left",
        "R 42%",
        "A reader's long opinion that is not part of any card and should never be in the body of the page.",
    ])
    result = clean_text_dump(dump)
    assert result.is_aggregator
    assert "Council strikes budget deal" in result.paragraphs
    assert "Budget agreed after long talks" in result.paragraphs
    assert "%" not in result.body and "Summary by" not in result.body and "sources" not in result.body
    assert "reader's long opinion" not in result.body


@pytest.mark.parametrize("line,widget", [
    ("Total Sources9", True),
    ("Left2Right3Center3Last Updated", True),
    ("38% Center", True),
    ("L 25%", True),
    ("- 38% of the sources are Center, 37% of the sources lean Right", True),
    ("12 sources", True),
    ("Inflation rose to 5% in March, the statistics office said on Friday, after a year of rises.", False),
    ("Council strikes budget deal", False),
])
def test_widget_line_shapes(line, widget):
    from pipeline.clean.text import _classify, _widget_line
    assert _widget_line(_classify(line)) is widget


# ---------------------------------------------------------------- quality on the benchmark (not timed)
def test_quality_on_benchmark_subset_text_dumps():
    """sh4 F1 >= 0.95 on a fixed subset of at least 40 benchmark pages (a quality test, not timed)."""
    s, n = subset_sh4("text", lambda page: clean_text_dump(page).body)
    assert n >= 40
    assert s["F1"] >= 0.95, f"sh4 F1 {s['F1']:.3f} (P {s['P']:.3f}, R {s['R']:.3f}) on {n} pages"
