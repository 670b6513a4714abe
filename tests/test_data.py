"""The bundled record in data/: it loads, every event is sourced, and the default index tells the known history."""

import re
from pathlib import Path

import polars as pl
import pytest

from tension import compute_index, load_events
from tension.taxonomy import type_ids
from tension.validation import check_history, half_year_means

DATA = Path(__file__).resolve().parent.parent / "data" / "events.csv"
CODEBOOK = DATA.parent / "README.md"
STATUSES = {"official", "news", "tracker", "unverified"}
HAS_URL = pl.col("url").fill_null("").str.strip_chars() != ""
TRACKER_REF = r"US-China Relation Tracker \(calvincj/us-china-relation-tracker\), \d{4}-\d{2}-\d{2}"


def listed_pages() -> set[str]:
    """The dated list and timeline pages the codebook allows to source events more than a week apart."""
    text = CODEBOOK.read_text(encoding="utf-8").split("### Dated list and timeline pages", 1)[1]
    section = text.split("\n#", 1)[0]
    return set(re.findall(r"^- <(https?://[^>]+)>", section, flags=re.MULTILINE))


@pytest.fixture(scope="module")
def events() -> pl.DataFrame:
    return load_events(DATA)


@pytest.fixture(scope="module")
def index(events) -> pl.DataFrame:
    return compute_index(events)


def test_bundled_record_loads_with_unique_ids_and_sources(events):
    assert events["id"].n_unique() == events.height
    assert events.filter(pl.col("source").str.strip_chars() == "").height == 0
    assert set(events["type"]) == set(type_ids())          # every type is used


def test_dense_enough_every_year(events):
    per_year = dict(events.group_by(pl.col("date").dt.year()).len().iter_rows())
    assert events.height >= 600
    for year in range(2017, 2025):
        assert per_year.get(year, 0) >= 50, year
    assert str(events["date"].max()) >= "2026-06-01"


def test_quotes_have_speakers_and_are_common_enough(events):
    quoted = events.filter(pl.col("statement").is_not_null())
    # 0.10, not 0.15: quotes that could not be checked verbatim in a stored copy were removed (issue 15)
    assert quoted.height / events.height >= 0.10
    assert quoted.filter(pl.col("speaker").str.strip_chars() == "").height == 0
    assert events.filter(pl.col("statement").is_null() & (pl.col("speaker").str.strip_chars() != "")).height == 0


def test_record_is_sorted_by_date(events):
    assert events["date"].is_sorted()


@pytest.mark.parametrize(("day", "kind"), [
    ("2018-07-06", "tariffs"), ("2018-09-20", "sanctions"), ("2022-08-02", "sovereignty_dispute"),
    ("2022-08-04", "military_activity"), ("2022-08-05", "suspension"), ("2022-10-07", "export_controls"),
    ("2023-02-02", "incident"), ("2023-02-03", "cancellation"), ("2023-04-05", "sovereignty_dispute"),
    ("2023-05-10", "talks"), ("2023-05-11", "talks"), ("2023-05-25", "talks"), ("2023-05-26", "talks"),
    ("2023-05-29", "cancellation"), ("2023-06-14", "phone_call"), ("2023-06-18", "visit"), ("2023-06-19", "talks"),
])
def test_seed_article_events_present_with_real_dates(events, day, kind):
    assert events.filter((pl.col("date").cast(pl.String) == day) & (pl.col("type") == kind)).height >= 1


def test_default_index_tells_the_known_history(index):
    result = check_history(index)
    failing = result.filter(~pl.col("holds"))
    assert failing.height == 0, failing


def test_second_half_of_2020_is_among_the_lowest_half_years(index):
    halves = half_year_means(index.filter(pl.col("date") < pl.date(2025, 1, 1)))
    assert "2020H2" in halves["period"].head(3).to_list()


def test_default_index_is_not_pinned_at_the_bound(index):
    assert index["index"].abs().max() < 9.5


def test_source_status_is_valid_and_backed(events):
    assert set(events["source_status"]) <= STATUSES
    checked = events.filter(pl.col("source_status").is_in(["official", "news"]))
    assert checked.filter(~HAS_URL).height == 0, "official/news rows need the URL that was read"
    tracker = events.filter(pl.col("source_status") == "tracker")
    assert tracker.height > 0
    assert tracker.filter(~pl.col("source").str.contains(TRACKER_REF)).height == 0, "tracker rows cite the day"
    unverified = events.filter(pl.col("source_status") == "unverified")
    assert unverified.filter(pl.col("source").str.contains('"')).height == 0, "no quoted headline that was not seen"


def test_a_url_sources_events_within_a_week_unless_it_is_a_listed_page(events):
    allowed = listed_pages()
    assert allowed, "the codebook names its dated list pages"
    spans = (events.filter(HAS_URL)
             .group_by("url").agg((pl.col("date").max() - pl.col("date").min()).dt.total_days().alias("days")))
    too_wide = spans.filter((pl.col("days") > 7) & ~pl.col("url").is_in(sorted(allowed)))
    assert too_wide.height == 0, too_wide
    used = set(events.filter(HAS_URL)["url"])
    assert allowed <= used, "every listed page is in use"


def test_every_quote_has_a_url_or_a_tracker_reference(events):
    quoted = events.filter(pl.col("statement").is_not_null())
    bare = quoted.filter(~HAS_URL & ~pl.col("source").str.contains(TRACKER_REF))
    assert bare.height == 0, bare.select("id", "statement", "source")


def test_one_row_per_meeting_day(events):
    meetings = events.filter(pl.col("type").is_in(["talks", "visit", "phone_call"]))
    repeated = meetings.group_by("date", "type", "actor", "target").len().filter(pl.col("len") > 1)
    assert repeated.height == 0, repeated


def test_balloon_rows_follow_the_codebook(events):
    balloon = events.filter(pl.col("summary").str.contains("(?i)balloon"))
    assert balloon.height >= 3
    assert balloon.filter(pl.col("type") == "military_activity").height == 0   # the balloon is an `incident`
    assert balloon.filter(pl.col("summary").str.contains("shot down"))["type"].to_list() == ["incident"]
