"""AppTest runs of the import page: code pasted text, review, add the accepted events, see the index move."""

import datetime as dt
from pathlib import Path

import polars as pl
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

PAGE = Path(__file__).resolve().parent.parent / "pages" / "1_Import_article_or_timeline.py"
# Made-up text for the tests, not quoted from an article (published Friday 2023-06-16, the founding article's date).
ARTICLE = ("On Wednesday, Qin Gang spoke by phone with Blinken.\n"  # the bundled record holds this call (2023-0043)
           "In May, Wang Wentao held talks with Raimondo.\n"  # background: dated only to a month
           '"<b>We object</b> to this," Mao Ning said on Friday.\n'
           "On Thursday, China imposed sanctions on U.S. defense firms.\n"
           "China has also accused Washington of hypocrisy.\n")  # undated
TIMELINE = "2023-07-20 — Blinken arrives in Beijing\n2023-07-21: The ministry publishes a white paper\n"


@pytest.fixture
def page() -> AppTest:
    st.cache_data.clear()
    at = AppTest.from_file(str(PAGE), default_timeout=60)
    at.run()
    assert not at.exception
    return at


def test_page_loads_with_the_bundled_record(page):
    assert "bundled record" in page.text[-1].value
    assert page.button(key="text_code") is not None


def test_article_needs_a_publication_date(page):
    page.text_area(key="text_input").set_value(ARTICLE)
    page.button(key="text_code").click().run()
    assert not page.exception
    assert "publication date" in page.error[0].value


def test_code_review_and_add_an_article(page):
    page.text_area(key="text_input").set_value(ARTICLE)
    page.date_input(key="text_published").set_value(dt.date(2023, 6, 16))
    page.text_input(key="text_source").set_value("test article")
    page.button(key="text_code").click().run()
    assert not page.exception
    candidates = page.session_state["text_candidates"]
    assert candidates["type"].to_list() == ["phone_call", "talks", "statement", "sanctions", "accusation"]
    assert candidates["accept"].to_list() == [False, False, True, True, False]
    assert candidates["review"].to_list() == ["already in the record (2023-0043)",
                                              "background; already in the record (2023-0030)", "", "",
                                              "undated: give a date"]
    assert "1 background" in page.info[0].value and "1 undated" in page.info[0].value
    before = page.session_state["tension_events"] if "tension_events" in page.session_state else None
    assert before is None
    page.button(key="text_add").click().run()
    assert not page.exception
    working = page.session_state["tension_events"]
    bundled = pl.read_csv(PAGE.parent.parent / "data" / "events.csv", infer_schema=False)
    assert working.height == bundled.height + 2
    added = working.filter(pl.col("id").str.starts_with("import1-"))
    assert added["source"].to_list() == ["test article"] * 2
    assert "2 imported events" in page.session_state["tension_events_label"]
    # before/after is read on the days the added events touch, not on the record's last day
    labels = [m.label for m in page.metric]
    assert any(label.startswith("Index before (2023-06-1") for label in labels)
    assert any(label.startswith("Index after (2023-06-1") for label in labels)
    assert page.dataframe[-1].value["date"].astype(str).tolist() == ["2023-06-15", "2023-06-16"]
    # the quoted words are stored as text, never rendered as HTML
    assert "<b>We object</b> to this" in working["statement"].to_list()
    assert not any("<b>" in m.value for m in page.markdown)


def test_recoding_after_an_import_flags_the_imported_events(page):
    page.text_area(key="text_input").set_value(ARTICLE)
    page.date_input(key="text_published").set_value(dt.date(2023, 6, 16))
    page.button(key="text_code").click().run()
    page.button(key="text_add").click().run()
    page.button(key="text_code").click().run()
    assert not page.exception
    candidates = page.session_state["text_candidates"]
    assert not candidates["accept"].any()
    assert candidates["review"][3].startswith("already in the record (import1-")


def test_untyped_timeline_rows_are_flagged_and_refused_when_ticked(page):
    page.radio(key="text_kind").set_value("Timeline (one dated line per event, or CSV)")
    page.run()
    page.text_area(key="text_input").set_value(TIMELINE)
    page.button(key="text_code").click().run()
    assert not page.exception
    candidates = page.session_state["text_candidates"]
    assert candidates["type"].to_list() == ["visit", None]
    assert candidates["accept"].to_list() == [True, False]
    assert candidates["review"].to_list() == ["", "untyped: choose a type"]
    assert "matched no rule" in page.warning[0].value
    page.button(key="text_add").click().run()
    assert not page.exception
    assert page.session_state["tension_events"].height > 1


def test_undated_timeline_line_is_an_error(page):
    page.radio(key="text_kind").set_value("Timeline (one dated line per event, or CSV)")
    page.run()
    page.text_area(key="text_input").set_value("no date on this line\n")
    page.button(key="text_code").click().run()
    assert not page.exception
    assert page.error[0].value == "The timeline could not be read: 1 problem(s)."
    problems = page.dataframe[0].value
    assert list(problems.columns) == ["line", "column", "value", "message"]
    assert problems["line"].tolist() == [1]


def test_markup_in_timeline_problems_is_shown_as_a_table_never_as_markdown(page):
    hostile = "![x](http://evil.example/p.png) :red[r] &lt;b&gt; :smile:"  # kept whole (60 characters)
    page.radio(key="text_kind").set_value("Timeline (one dated line per event, or CSV)")
    page.run()
    page.text_area(key="text_input").set_value(f"{hostile}\r===\n2023-06-18 — Blinken arrives in Beijing\n")
    page.button(key="text_code").click().run()
    assert not page.exception
    assert page.error[0].value == "The timeline could not be read: 2 problem(s)."  # \r ends a line
    problems = page.dataframe[0].value
    assert any(hostile in str(v) for v in problems["value"].tolist() + problems["message"].tolist())
    rendered = [e.value for kind in ("markdown", "caption", "error", "warning", "info", "success", "code")
                for e in page.get(kind)]
    assert not any("evil.example" in text or ":red[" in text for text in rendered)
