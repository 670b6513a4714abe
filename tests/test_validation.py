import datetime as dt

import polars as pl
import pytest

from tension.validation import KNOWN_CHANGES, check_history, half_year_means, monthly_means


def _index(fn) -> pl.DataFrame:
    days = pl.date_range(dt.date(2017, 1, 1), dt.date(2024, 12, 31), "1d", eager=True)
    return pl.DataFrame({"date": days, "index": [fn(d) for d in days]})


def test_all_checks_hold_for_an_index_shaped_like_the_history():
    def shape(d: dt.date) -> float:
        value = 2.0 if d.year == 2017 else -3.0
        for c in KNOWN_CHANGES[1:]:
            if c.after[0] <= d <= c.after[1]:
                value += 1.0 if c.direction == "rise" else -1.0
        return value
    result = check_history(_index(shape))
    assert result["holds"].to_list() == [True] * len(KNOWN_CHANGES)


def test_a_flat_index_fails_every_check():
    result = check_history(_index(lambda d: 0.0))
    assert result["holds"].to_list() == [False] * len(KNOWN_CHANGES)


def test_out_of_range_windows_are_null_not_false():
    short = _index(lambda d: 1.0).filter(pl.col("date") < dt.date(2018, 1, 1))
    assert check_history(short)["holds"].null_count() == len(KNOWN_CHANGES)


def test_half_years_and_months():
    idx = _index(lambda d: -5.0 if (d.year, d.month) >= (2020, 7) and d.year == 2020 else 1.0)
    halves = half_year_means(idx)
    assert halves["period"][0] == "2020H2" and halves["mean"][0] == -5.0
    months = monthly_means(idx)
    assert months.height == 96
    assert months.filter(pl.col("month") == dt.date(2020, 7, 1))["index"][0] == pytest.approx(-5.0)
