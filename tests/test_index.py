import datetime as dt
import itertools
import math

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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
