"""Date expressions resolved against a publication date (values worked out by hand on a 2023 calendar)."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tension.sources.dates import find_dates, find_offsets, month_number, same_period, shift_months

FRIDAY = dt.date(2023, 6, 16)  # the seed article's publication day, a Friday


def one(sentence: str, published: dt.date = FRIDAY) -> tuple[str, dt.date, str]:
    found = find_dates(sentence, published)
    assert len(found) == 1, found
    return found[0].text, found[0].date, found[0].precision


@pytest.mark.parametrize(("sentence", "day", "precision"), [
    ("The spokesperson said on Friday that talks would go on.", dt.date(2023, 6, 16), "day"),
    ("On Wednesday, the minister spoke by phone.", dt.date(2023, 6, 14), "day"),
    ("He held talks on Saturday.", dt.date(2023, 6, 10), "day"),
    ("The secretary will visit on Sunday.", dt.date(2023, 6, 18), "day"),
    ("Earlier this month, officials visited.", dt.date(2023, 6, 1), "month"),
    ("In May, the two sides met.", dt.date(2023, 5, 1), "month"),
    ("The rules will take effect in July.", dt.date(2023, 7, 1), "month"),
    ("The trip was called off in February.", dt.date(2023, 2, 1), "month"),
    ("The speaker visited last August.", dt.date(2022, 8, 1), "month"),
    ("The trade war erupted five years ago.", dt.date(2018, 1, 1), "year"),
    ("Sanctions were put in place in 2018.", dt.date(2018, 1, 1), "year"),
    ("They hold talks in Vienna, Austria, May 10, 2023.", dt.date(2023, 5, 10), "day"),
    ("Signed on 5 March 2021 in Beijing.", dt.date(2021, 3, 5), "day"),
    ("Reported 2024-02-29 by wire.", dt.date(2024, 2, 29), "day"),
    ("The deal of January 2020 held.", dt.date(2020, 1, 1), "month"),
    ("Last month, tariffs rose.", dt.date(2023, 5, 1), "month"),
    ("Three months ago the call took place.", dt.date(2023, 3, 1), "month"),
    ("Yesterday the ministry protested.", dt.date(2023, 6, 15), "day"),
])
def test_expressions(sentence, day, precision):
    assert one(sentence)[1:] == (day, precision)


def test_sunday_and_monday_are_two_future_days():
    found = find_dates("Blinken will visit Beijing on Sunday and Monday.", FRIDAY)
    assert [(d.text, d.date) for d in found] == [("on Sunday", dt.date(2023, 6, 18)), ("Monday", dt.date(2023, 6, 19))]


def test_tense_is_read_per_clause():
    sentence = "He will visit on Sunday, a visit that had been called off in February."
    assert [d.date for d in find_dates(sentence, FRIDAY)] == [dt.date(2023, 6, 18), dt.date(2023, 2, 1)]


def test_modal_may_is_not_a_month():
    assert find_dates("Officials may meet again, and it may rain.", FRIDAY) == []


def test_invalid_calendar_date_is_not_resolved():
    assert find_dates("Dated February 30, 2023 in the caption.", FRIDAY) == []


def test_month_in_publication_month_is_this_year_but_last_june_is_a_year_back():
    assert one("In June, they met.")[1] == dt.date(2023, 6, 1)
    assert one("Last June, they met.")[1] == dt.date(2022, 6, 1)


def test_helpers():
    assert month_number("Sept.") == 9
    assert shift_months(dt.date(2023, 1, 31), -1) == dt.date(2022, 12, 1)
    assert same_period(dt.date(2023, 2, 3), dt.date(2023, 2, 1), "month")
    assert not same_period(dt.date(2023, 2, 3), dt.date(2023, 2, 1), "day")
    with pytest.raises(ValueError, match="not a month"):
        month_number("Smarch")


@given(st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2090, 12, 31)),
       st.sampled_from(["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]))
def test_past_weekday_is_within_the_last_week_and_has_that_name(published, weekday):
    found = find_dates(f"The ministry said on {weekday} that it objected.", published)
    assert len(found) == 1
    delta = (published - found[0].date).days
    assert 0 <= delta <= 6
    assert found[0].date.strftime("%A") == weekday


@pytest.mark.parametrize(("sentence", "days", "joins"), [
    ("China levied the tariff two days after Trump raised his", 2, True),
    ("The sanctions came a week before the summit", -7, True),
    ("Two days later, Beijing retaliated", 2, False),
    ("Three days earlier, the ministry had warned", -3, False),
    ("The next day, the ministry responded", 1, False),
    ("It responded the day after the vote", 1, True),
])
def test_relative_offsets(sentence, days, joins):
    (offset,) = find_offsets(sentence)
    assert (offset.days, offset.joins) == (days, joins)
    assert sentence[offset.start:offset.end] == offset.text


def test_no_offset_in_plain_text():
    assert find_offsets("Two officials met after the summit for days.") == []
