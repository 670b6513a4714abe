"""The bundled record in data/: it loads, every event is sourced, and the default index tells the known history."""

from pathlib import Path

import polars as pl
import pytest

from tension import compute_index, load_events
from tension.taxonomy import type_ids
from tension.validation import check_history, half_year_means

DATA = Path(__file__).resolve().parent.parent / "data" / "events.csv"


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
    assert quoted.height / events.height >= 0.15
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
