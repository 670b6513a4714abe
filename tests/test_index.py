import datetime as dt
import itertools
import math

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tension.events import EventDataError
from tension.index import (
    LEVELS,
    aggregate,
    bounded,
    compute_index,
    decay,
    decay_factor,
    drivers,
    level_of,
    levels,
    score_events,
)
from tension.taxonomy import type_ids
from tests.conftest import make_events

ONLY = {t: 0.0 for t in type_ids()} | {"talks": 4.0, "sanctions": -7.0}
A5 = 2 ** (-1 / 5)  # 0.8705505632961241


@pytest.mark.parametrize(("half_life", "expected"), [
    (0, [4.0, 0.0, -7.0]),                       # no memory: raw is the day's shock
    (5, [4.0, 4 * A5, 4 * A5 * A5 - 7.0]),       # 4, 3.4822022532, -3.9685668670
    (math.inf, [4.0, 4.0, -3.0]),                # no decay: running sum
])
def test_recursion_known_values(tiny, half_life, expected):
    out = compute_index(tiny, ONLY, half_life=half_life, tone_weight=0)
    assert out["date"].to_list() == [dt.date(2023, 1, d) for d in (1, 2, 3)]
    assert out["shock"].to_list() == [4.0, 0.0, -7.0]
    assert out["raw"].to_list() == pytest.approx(expected, abs=1e-12)


def test_half_life_5_by_hand_digits(tiny):
    out = compute_index(tiny, ONLY, half_life=5, tone_weight=0)
    assert out["raw"][1] == pytest.approx(3.4822022532, abs=1e-9)
    assert out["raw"][2] == pytest.approx(-3.9685668670, abs=1e-9)


def test_half_life_means_half_after_that_many_days():
    ev = make_events([("2020-01-01", "sanctions", 1.0), ("2020-01-31", "statement", 1.0)], {1: "ok"})
    out = compute_index(ev, ONLY, half_life=30, tone_weight=0)
    assert out["raw"][30] == pytest.approx(-3.5)


@pytest.mark.parametrize("half_life", [0.05, 0.3, 2.0, 40.0, 1e6])
def test_blocked_decay_matches_plain_recursion(half_life):
    rng = np.random.default_rng(7)
    x = rng.normal(size=(5000, 3)) * (rng.random((5000, 1)) < 0.1)
    a = decay_factor(half_life)
    expected = np.empty_like(x)
    prev = np.zeros(3)
    for d in range(len(x)):
        prev = a * prev + x[d]
        expected[d] = prev
    np.testing.assert_allclose(decay(x, half_life), expected, rtol=1e-9, atol=1e-12)


def test_negative_half_life_rejected():
    with pytest.raises(ValueError, match="half_life"):
        decay_factor(-1)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 60), st.sampled_from(type_ids()), st.floats(0.1, 2.0)),
                min_size=1, max_size=40),
       st.sampled_from([0, 3, 45, math.inf]))
def test_contributions_sum_to_raw(rows, half_life):
    ev = make_events([(str(dt.date(2021, 1, 1) + dt.timedelta(days=d)), t, s) for d, t, s in rows],
                     {0: "We strongly oppose the sanctions."})
    out = compute_index(ev, half_life=half_life)
    parts = out.select(pl.sum_horizontal(pl.col("^contrib_.*$")))
    np.testing.assert_allclose(parts.to_series().to_numpy(), out["raw"].to_numpy(), atol=1e-9)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 30), st.sampled_from(type_ids())), min_size=1, max_size=25),
       st.lists(st.floats(-10, 10), min_size=17, max_size=17),
       st.lists(st.floats(-10, 10), min_size=17, max_size=17),
       st.floats(-5, 5), st.floats(-5, 5))
def test_raw_is_linear_in_weights(rows, w1, w2, t1, t2):
    ev = make_events([(str(dt.date(2022, 5, 1) + dt.timedelta(days=d)), t, 1.0) for d, t in rows],
                     {0: "China firmly opposes this.", len(rows) - 1: "We welcome the talks."})
    daily = aggregate(ev)
    ids = type_ids()
    r1 = compute_index(daily, dict(zip(ids, w1)), tone_weight=t1, half_life=20)["raw"].to_numpy()
    r2 = compute_index(daily, dict(zip(ids, w2)), tone_weight=t2, half_life=20)["raw"].to_numpy()
    both = compute_index(daily, {k: a + b for k, a, b in zip(ids, w1, w2)}, tone_weight=t1 + t2,
                         half_life=20)["raw"].to_numpy()
    np.testing.assert_allclose(both, r1 + r2, atol=1e-8)


def test_index_bounded_and_monotone():
    raw = np.linspace(-1e4, 1e4, 20001)
    idx = bounded(raw, 60)
    assert np.all(np.abs(idx) <= 10)
    assert np.all(np.diff(idx) >= 0)
    assert bounded(60.0, 60) == pytest.approx(10 * math.tanh(1))
    assert bounded(0.0, 60) == 0


@pytest.mark.parametrize(("value", "name"), [
    (-10.0, "confrontation"), (-6.01, "confrontation"), (-6.0, "tense"), (-3.01, "tense"), (-3.0, "discord"),
    (-0.01, "discord"), (0.0, "normal"), (2.99, "normal"), (3.0, "good"), (5.99, "good"), (6.0, "friendly"),
    (10.0, "friendly"),
])
def test_level_boundaries(value, name):
    assert level_of(value) == name
    assert levels(pl.Series([value]))[0] == name


def test_levels_cover_the_range_without_gaps():
    assert LEVELS[0][0] == -10 and LEVELS[-1][1] == 10
    for (_, high, _), (low, _, _) in itertools.pairwise(LEVELS):
        assert high == low


def test_aggregate_one_row_per_day_with_salience_sums():
    ev = make_events([("2021-03-01", "talks", 1.5), ("2021-03-01", "talks", 0.7), ("2021-03-04", "tariffs", 1.0)],
                     {2: "We oppose tariffs."})
    daily = aggregate(ev)
    assert daily.height == 4
    assert daily["n_events"].to_list() == [2, 0, 0, 1]
    assert daily["s_talks"].to_list() == pytest.approx([2.2, 0, 0, 0])
    assert daily["s_tariffs"].to_list() == [0, 0, 0, 1.0]
    assert daily["n_statements"].to_list() == [0, 0, 0, 1]


def test_aggregate_and_events_give_the_same_index():
    ev = make_events([("2021-03-01", "talks", 1.5), ("2021-03-09", "threat", 1.0)], {1: "Stop this provocation."})
    assert compute_index(ev).equals(compute_index(aggregate(ev)))


def test_start_keeps_memory_of_earlier_events_and_end_extends(tiny):
    out = compute_index(tiny, ONLY, half_life=math.inf, tone_weight=0,
                        start=dt.date(2023, 1, 2), end=dt.date(2023, 1, 10))
    assert out["date"][0] == dt.date(2023, 1, 2) and out["date"][-1] == dt.date(2023, 1, 10)
    assert out["raw"][0] == 4.0          # the talks of Jan 1 are remembered
    assert out["raw"][-1] == -3.0         # no new events, no decay
    assert out["n_events"][-1] == 0


def test_start_before_first_event_pads_with_zero(tiny):
    out = compute_index(tiny, ONLY, start=dt.date(2022, 12, 30), tone_weight=0)
    assert out["raw"][:2].to_list() == [0.0, 0.0]


def test_start_after_end_rejected(tiny):
    with pytest.raises(ValueError, match="after"):
        compute_index(tiny, start=dt.date(2023, 2, 1), end=dt.date(2023, 1, 1))


def test_unknown_weight_key_rejected(tiny):
    with pytest.raises(ValueError, match="unknown event type 'sanction'"):
        compute_index(tiny, {"sanction": -5})


def test_tone_enters_through_tone_weight():
    ev = make_events([("2021-01-01", "statement", 1.0)], {0: "We welcome this excellent, great progress."})
    zero = compute_index(ev, tone_weight=0)
    two = compute_index(ev, tone_weight=2)
    assert zero["raw"][0] == 0
    assert two["raw"][0] > 1.0
    assert two["contrib_tone"][0] == two["raw"][0]


def test_precomputed_tone_column_is_used():
    ev = make_events([("2021-01-01", "statement", 1.0)], {0: "anything"}).with_columns(tone=pl.lit(-0.5))
    assert compute_index(ev, tone_weight=4)["raw"][0] == -2.0


@pytest.mark.parametrize("half_life", [0, 10, math.inf])
def test_drivers_add_up_to_raw(half_life):
    ev = make_events([("2022-08-02", "sovereignty_dispute", 1.5), ("2022-08-04", "military_activity", 1.5),
                      ("2022-08-05", "sanctions", 1.0), ("2022-08-05", "statement", 1.0),
                      ("2022-08-09", "talks", 1.0)], {3: "The US is playing with fire."})
    weights = {"talks": 3.0}
    index = compute_index(ev, weights, half_life=half_life, tone_weight=2.5)
    scored = score_events(ev, weights, tone_weight=2.5)
    for day in index["date"]:
        d = drivers(scored, day, half_life=half_life)
        assert d["contribution"].sum() == pytest.approx(index.filter(pl.col("date") == day)["raw"][0], abs=1e-9)
    last = drivers(scored, dt.date(2022, 8, 5), half_life=half_life)
    assert last["contribution"].abs().to_list() == sorted(last["contribution"].abs().to_list(), reverse=True)


def test_score_events_value_formula():
    ev = make_events([("2021-01-01", "sanctions", 1.5)])
    scored = score_events(ev, {"sanctions": -6.0}, tone_weight=3)
    assert scored["value"][0] == -9.0 and scored["weight"][0] == -6.0


def test_missing_tone_cells_are_scored_from_the_statement():
    ev = make_events([("2021-01-01", "statement", 1.0), ("2021-01-01", "statement", 1.0)],
                     {0: "anything", 1: "We welcome this excellent, great progress."})
    ev = ev.with_columns(tone=pl.Series([-0.5, None], dtype=pl.Float64))
    out = score_events(ev, tone_weight=1)
    assert out["tone"][0] == -0.5
    assert out["tone"][1] > 0.5


# --- hand-made frames: one validator for compute_index, aggregate and score_events ------------------------------

def test_only_date_and_type_are_required():
    ev = pl.DataFrame({"date": [dt.date(2023, 1, 1), dt.date(2023, 1, 2)], "type": ["talks", "sanctions"]})
    out = compute_index(ev, ONLY, half_life=0, tone_weight=3)
    assert out["raw"].to_list() == [4.0, -7.0]  # salience 1.0, tone 0
    assert score_events(ev, ONLY)["value"].to_list() == [4.0, -7.0]
    assert aggregate(ev)["tone_sum"].to_list() == [0.0, 0.0]


BASE = {"date": [dt.date(2023, 1, 1), dt.date(2023, 1, 2)], "type": ["talks", "talks"], "salience": [1.0, 1.0],
        "tone": [0.0, 0.5]}


@pytest.mark.parametrize(("change", "column", "message"), [
    ({"date": ["2023-01-01", "2023-01-02"]}, "date", "has dtype String, expected Date"),
    ({"date": [dt.date(2023, 1, 1), None]}, "date", "must not be null (1 row, the first at row index 1)"),
    ({"date": [dt.date(1899, 12, 31), dt.date(2023, 1, 1)]}, "date", "outside the supported range"),
    ({"type": ["talks", None]}, "type", "must not be null"),
    ({"type": ["talks", "tlaks"]}, "type", "is not a known event type; did you mean 'talks'?"),
    ({"type": [1, 2]}, "type", "has dtype Int64, expected String"),
    ({"salience": ["1.0", "1.0"]}, "salience", "has dtype String, expected a number"),
    ({"salience": [1.0, math.nan]}, "salience", "must be a finite number"),
    ({"salience": [math.inf, 1.0]}, "salience", "must be a finite number"),
    ({"salience": [-1.0, 1.0]}, "salience", "must be a positive number, at most 10"),
    ({"salience": [1e308, 1.0]}, "salience", "must be a positive number, at most 10"),
    ({"salience": [1.0, None]}, "salience", "must not be null"),
    ({"tone": [math.nan, 0.0]}, "tone", "must be a finite number"),
    ({"tone": [0.0, -1.5]}, "tone", "must lie between -1 and 1"),
    ({"tone": [True, False]}, "tone", "has dtype Boolean, expected a number"),
    ({"statement": [1, 2]}, "statement", "has dtype Int64, expected String"),
])
@pytest.mark.parametrize("entry", [compute_index, aggregate, score_events])
def test_bad_frames_refused_naming_the_column(entry, change, column, message):
    frame = pl.DataFrame(BASE | change, strict=False)
    with pytest.raises(EventDataError) as exc:
        entry(frame)
    assert exc.value.name == "<events frame>"
    assert any(p.column == column and message in p.message for p in exc.value.problems), str(exc.value)


def test_missing_required_column_named():
    with pytest.raises(EventDataError, match="<events frame>, column 'type': required column is missing"):
        compute_index(pl.DataFrame({"date": [dt.date(2023, 1, 1)]}))


def test_lazy_and_pandas_frames_give_the_same_index():
    ev = make_events([("2021-03-01", "talks", 1.5), ("2021-03-04", "threat", 1.0)], {1: "Stop this provocation."})
    expected = compute_index(ev)
    assert compute_index(ev.lazy()).equals(expected)
    assert compute_index(ev.to_pandas()).equals(expected)  # pandas datetime64 at midnight is taken as a date
    assert compute_index(aggregate(ev).to_pandas()).equals(expected)


def test_pandas_datetime_with_a_time_of_day_refused():
    import pandas as pd
    frame = pd.DataFrame({"date": pd.to_datetime(["2023-01-01 12:00"]), "type": ["talks"]})
    with pytest.raises(EventDataError, match="expected Date"):
        compute_index(frame)
    with pytest.raises(TypeError, match="got dict"):
        compute_index({"date": [], "type": []})


def test_each_distinct_statement_is_scored_once_and_blank_ones_not_at_all():
    seen = []

    def scorer(texts):
        texts = list(texts)
        seen.extend(texts)
        return pl.Series([0.25] * len(texts), dtype=pl.Float64)

    ev = make_events([("2021-01-01", "statement", 1.0)] * 5 + [("2021-01-02", "talks", 1.0)],
                     {0: "We oppose it.", 1: "We oppose it.", 2: "   ", 3: "Fine."})
    out = aggregate(ev, tone=scorer)
    assert sorted(seen) == ["Fine.", "We oppose it."]
    assert out["tone_sum"].to_list() == [0.75, 0.0]
    assert out["n_statements"].to_list() == [4, 0]  # unchanged: every non-null statement counts


# --- daily tables --------------------------------------------------------------------------------------------

def test_a_gap_in_a_daily_table_is_days_without_events():
    daily = aggregate(make_events([("2023-01-01", "talks", 1.0), ("2023-01-04", "sanctions", 1.0)]))
    gapped = daily.filter(pl.col("n_events") > 0)  # Jan 2 and 3 left out
    assert gapped.height == 2
    expected = compute_index(daily, ONLY, half_life=2, tone_weight=0)
    out = compute_index(gapped.reverse(), ONLY, half_life=2, tone_weight=0)
    assert out["date"].to_list() == [dt.date(2023, 1, d) for d in (1, 2, 3, 4)]
    assert out.equals(expected)
    assert out["raw"][3] == pytest.approx(4 * 2 ** -1.5 - 7.0)


@pytest.mark.parametrize(("change", "column", "message"), [
    (lambda d: pl.concat([d, d[:1]]), "date", "appears more than once"),
    (lambda d: d.with_columns(tone_sum=pl.Series([math.nan, 0.0])), "tone_sum", "must be a finite number"),
    (lambda d: d.with_columns(s_talks=pl.Series([None, 1.0])), "s_talks", "must not be null"),
    (lambda d: d.with_columns(s_talks=pl.Series([-1.0, 1.0])), "s_talks", "must not be negative"),
    (lambda d: d.with_columns(n_events=pl.Series([1.0, 1.0])), "n_events", "expected an integer count"),
    (lambda d: d.drop("s_visit"), "s_visit", "required column of a daily table is missing"),
])
def test_bad_daily_tables_refused(change, column, message):
    daily = aggregate(make_events([("2023-01-01", "talks", 1.0), ("2023-01-02", "talks", 1.0)]))
    with pytest.raises(EventDataError) as exc:
        compute_index(change(daily))
    assert exc.value.name == "<daily table>"
    assert any(p.column == column and message in p.message for p in exc.value.problems), str(exc.value)


def test_start_after_the_last_day_needs_an_end(tiny):
    with pytest.raises(ValueError, match="after the last day of the data"):
        compute_index(tiny, start=dt.date(2024, 1, 1))
    with pytest.raises(ValueError, match="before the first day of the data"):
        compute_index(tiny, end=dt.date(2022, 1, 1))
    out = compute_index(tiny, ONLY, half_life=math.inf, tone_weight=0, start=dt.date(2024, 1, 1),
                        end=dt.date(2024, 1, 2))
    assert out["raw"].to_list() == [-3.0, -3.0]


@pytest.mark.parametrize(("option", "value"), [("tone_weight", math.nan), ("tone_weight", math.inf),
                                               ("scale", math.nan), ("scale", math.inf), ("scale", 0.0)])
def test_non_finite_settings_refused(tiny, option, value):
    with pytest.raises(ValueError, match=option):
        compute_index(tiny, **{option: value})
