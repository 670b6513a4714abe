import dataclasses
import datetime as dt
import math

import numpy as np
import polars as pl
import pytest

from tension.analysis.nowcast import (
    MIN_OVERLAP_DAYS,
    SOURCE,
    after_record,
    calibrate,
    evaluate_calibration,
    machine_series,
    nowcast,
)
from tests.conftest import make_events

D0 = dt.date(2018, 1, 1)


def _days(n: int, start: dt.date = D0) -> pl.Series:
    return pl.date_range(start, start + dt.timedelta(days=n - 1), "1d", eager=True)


def _synthetic(n: int, *, a: float = -3.0, b: float = 0.004, noise: float = 0.5, seed: int = 1
               ) -> tuple[pl.DataFrame, pl.DataFrame]:
    """A machine series x (a slow random walk) and a curated index a + b·x + iid normal noise, on ``n`` days."""
    rng = np.random.default_rng(seed)
    x = np.cumsum(rng.normal(0.0, 20.0, n))
    index = a + b * x + rng.normal(0.0, noise, n)
    dates = _days(n)
    return pl.DataFrame({"date": dates, "index": index}), pl.DataFrame({"date": dates, "x": x})


# --- the machine feature ------------------------------------------------------------------------------------------

def test_machine_series_decayed_mean_by_hand():
    # half-life 1 day: memory 0.5. Scores 2 (day 0), 4 (day 1): x = 2, (0.5·2 + 4) / (0.5 + 1) = 10/3.
    frame = pl.DataFrame({"date": _days(2), "score": [2.0, 4.0]})
    out = machine_series(frame, half_life=1.0)
    assert out.columns == ["date", "x", "observed"]
    assert out["x"].to_list() == pytest.approx([2.0, 10.0 / 3.0])


def test_machine_series_leaves_a_missing_day_out_of_the_mean_and_marks_it():
    # Day 1 missing: x = 2 on day 1 (only day 0 in the mean), (0.25·2 + 4) / (0.25 + 1) = 3.6 on day 2.
    frame = pl.DataFrame({"date": [D0, D0 + dt.timedelta(days=2)], "score": [2.0, 4.0]})
    out = machine_series(frame, half_life=1.0)
    assert out["date"].to_list() == _days(3).to_list()
    assert out["x"].to_list() == pytest.approx([2.0, 2.0, 3.6])
    assert out["observed"].to_list() == [True, False, True]


def test_machine_series_from_events_scores_each_day_and_counts_empty_days_as_zero():
    # talks (+4) on day 0, nothing on day 1, sanctions (−7) on day 2; half-life 1:
    # x = 4, (0.5·4 + 0) / 1.5, (0.25·4 + 0.5·0 − 7) / 1.75.
    events = make_events([("2023-01-01", "talks", 1.0), ("2023-01-03", "sanctions", 1.0)])
    out = machine_series(events, half_life=1.0)
    assert out["x"].to_list() == pytest.approx([4.0, 2.0 / 1.5, -6.0 / 1.75])
    assert out["observed"].all()
    heavier = machine_series(events, half_life=1.0, weights={"talks": 8.0})
    assert heavier["x"][0] == pytest.approx(8.0)


@pytest.mark.parametrize(("frame", "message"), [
    (pl.DataFrame({"date": [D0, D0 + dt.timedelta(days=1)], "score": [1.0, math.nan]}), "row 1 (2018-01-02): nan"),
    (pl.DataFrame({"date": [D0, D0 + dt.timedelta(days=1)], "score": [1.0, None]}), "row 1 (2018-01-02): empty"),
    (pl.DataFrame({"date": [D0, D0], "score": [1.0, 2.0]}), "appear more than once (2018-01-01)"),
    (pl.DataFrame({"date": [D0], "value": [1.0]}), "no 'score' column"),
    (pl.DataFrame({"date": ["2018-01-01"], "score": [1.0]}), "expected a date"),
])
def test_machine_series_refuses_bad_input_naming_it(frame, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        machine_series(frame, half_life=10.0)


def test_machine_series_needs_a_memory():
    with pytest.raises(ValueError, match="half_life must be > 0"):
        machine_series(pl.DataFrame({"date": [D0], "score": [1.0]}), half_life=0.0)


# --- calibration --------------------------------------------------------------------------------------------------

def test_calibration_recovers_a_known_linear_relation():
    curated, machine = _synthetic(1500, a=-3.0, b=0.004, noise=0.5)
    cal = calibrate(curated, machine, fit=(D0, D0 + dt.timedelta(days=999)))
    assert cal.n_days == 1000
    assert cal.fit_start == D0 and cal.fit_end == D0 + dt.timedelta(days=999)
    assert cal.slope == pytest.approx(0.004, rel=0.02)
    assert cal.intercept == pytest.approx(-3.0, abs=0.1)
    assert cal.rmse == pytest.approx(0.5, rel=0.06)
    assert cal.r > 0.9
    assert abs(cal.rho) < 0.1  # iid noise: residuals barely autocorrelated
    # Without an intercept the fitted line goes through 0.
    through_zero = calibrate(curated.with_columns(pl.col("index") + 3.0), machine,
                             fit=(D0, D0 + dt.timedelta(days=999)), intercept=False)
    assert through_zero.intercept == 0.0
    assert through_zero.slope == pytest.approx(0.004, rel=0.02)


def test_calibration_of_an_exact_relation_is_exact():
    dates = _days(100)
    x = np.linspace(-50.0, 50.0, 100)
    cal = calibrate(pl.DataFrame({"date": dates, "index": 1.0 + 0.05 * x}), pl.DataFrame({"date": dates, "x": x}),
                    fit=(D0, D0 + dt.timedelta(days=99)))
    assert cal.slope == pytest.approx(0.05)
    assert cal.intercept == pytest.approx(1.0)
    assert cal.rmse == pytest.approx(0.0, abs=1e-12)
    assert cal.r == pytest.approx(1.0)


def test_band_covers_about_the_nominal_share_of_held_out_days():
    curated, machine = _synthetic(4000, noise=0.5, seed=3)
    fit = (D0, D0 + dt.timedelta(days=1999))
    test = (D0 + dt.timedelta(days=2000), D0 + dt.timedelta(days=3999))
    for level in (0.8, 0.9):
        res = evaluate_calibration(curated, machine, fit, test, level=level)
        assert res["test_days"] == 2000
        assert res["coverage"] == pytest.approx(level, abs=0.03)
        assert res["mae"] == pytest.approx(0.5 * math.sqrt(2 / math.pi), rel=0.1)  # E|N(0, σ)| = σ·√(2/π)
        assert res["r"] > 0.9
        assert abs(res["bias"]) < 0.05


def test_band_of_a_calibration_is_its_residual_quantiles():
    curated, machine = _synthetic(500, seed=5)
    cal = calibrate(curated, machine, fit=(D0, D0 + dt.timedelta(days=499)))
    low, high = cal.band(0.9)
    res = np.array(cal.residuals)
    assert np.mean(res < low) == pytest.approx(0.05, abs=0.005)
    assert np.mean(res > high) == pytest.approx(0.05, abs=0.005)
    with pytest.raises(ValueError, match="level must be a share"):
        cal.band(1.0)


@pytest.mark.parametrize("days", [0, 10, MIN_OVERLAP_DAYS - 1])
def test_too_short_an_overlap_is_a_clear_error(days):
    curated, machine = _synthetic(300)
    start = D0 + dt.timedelta(days=200)
    machine = machine.filter(pl.col("date") < start + dt.timedelta(days=days))
    with pytest.raises(ValueError, match=rf"has {days} days with both .* at least {MIN_OVERLAP_DAYS} are needed"):
        calibrate(curated, machine, fit=(start, start + dt.timedelta(days=99)))


def test_calibration_refuses_a_constant_series_and_a_reversed_window():
    dates = _days(100)
    curated = pl.DataFrame({"date": dates, "index": np.linspace(-1, 1, 100)})
    with pytest.raises(ValueError, match="constant"):
        calibrate(curated, pl.DataFrame({"date": dates, "x": [3.0] * 100}), fit=(D0, dates[-1]))
    with pytest.raises(ValueError, match="starts on 2018-04-10, after its end 2018-01-01"):
        calibrate(curated, pl.DataFrame({"date": dates, "x": np.arange(100.0)}), fit=(dates[-1], D0))


def test_evaluation_needs_the_test_part_after_the_fit_part():
    curated, machine = _synthetic(400)
    with pytest.raises(ValueError, match="must start after the fit window ends"):
        evaluate_calibration(curated, machine, (D0, D0 + dt.timedelta(days=200)),
                             (D0 + dt.timedelta(days=200), D0 + dt.timedelta(days=399)))


# --- the nowcast --------------------------------------------------------------------------------------------------

def test_nowcast_starts_the_day_after_the_curated_record_and_never_overlaps_it():
    curated, machine = _synthetic(400)
    after = D0 + dt.timedelta(days=299)
    cal = calibrate(curated.filter(pl.col("date") <= after), machine, fit=(D0, after))
    out = nowcast(cal, machine, after=after)
    assert out.columns == ["date", "index", "index_low", "index_high", "source"]
    assert out["date"][0] == after + dt.timedelta(days=1)
    assert out["date"].to_list() == _days(100, after + dt.timedelta(days=1)).to_list()
    assert out["source"].unique().to_list() == [SOURCE]
    low, high = cal.band(0.9)
    x = machine.filter(pl.col("date") > after)["x"].to_numpy()
    assert out["index"].to_numpy() == pytest.approx(cal.intercept + cal.slope * x)
    assert (out["index_high"] - out["index"]).to_numpy() == pytest.approx(np.full(100, high))
    assert (out["index_low"] - out["index"]).to_numpy() == pytest.approx(np.full(100, low))


def test_nowcast_stays_within_the_index_bounds():
    dates = _days(100)
    x = np.linspace(0.0, 10.0, 100)
    cal = calibrate(pl.DataFrame({"date": dates, "index": x - 5.0}), pl.DataFrame({"date": dates, "x": x}),
                    fit=(D0, dates[-1]))
    far = pl.DataFrame({"date": _days(3, dates[-1] + dt.timedelta(days=1)), "x": [20.0, 30.0, -30.0]})
    out = nowcast(cal, far, after=dates[-1])
    assert out["index"].to_list() == pytest.approx([10.0, 10.0, -10.0])


def test_anchored_nowcast_carries_the_last_residual_and_widens_its_band():
    curated, machine = _synthetic(600, seed=9)
    after = D0 + dt.timedelta(days=499)
    cal = calibrate(curated, machine, fit=(D0, after))
    cal = dataclasses.replace(cal, rho=0.9)  # a known residual memory
    x_after = machine.filter(pl.col("date") == after)["x"][0]
    anchor = cal.intercept + cal.slope * x_after + 2.0  # the curated value sits 2 points above the line
    out = nowcast(cal, machine, after=after, anchor=anchor)
    x = machine.filter(pl.col("date") > after)["x"].to_numpy()
    h = np.arange(1, 101)
    assert out["index"].to_numpy() == pytest.approx(cal.intercept + cal.slope * x + 2.0 * 0.9 ** h)
    width = (out["index_high"] - out["index_low"]).to_numpy()
    low, high = cal.band(0.9)
    assert width == pytest.approx((high - low) * np.sqrt(1 - 0.9 ** (2 * h)))
    assert np.all(np.diff(width) > 0)


def test_nowcast_refuses_what_it_cannot_draw():
    curated, machine = _synthetic(200)
    cal = calibrate(curated, machine, fit=(D0, D0 + dt.timedelta(days=199)))
    last = D0 + dt.timedelta(days=199)
    with pytest.raises(ValueError, match=r"no day after 2018-07-19 .* nothing to nowcast"):
        nowcast(cal, machine, after=last)
    with pytest.raises(ValueError, match="no value on 2017-12-01"):
        nowcast(cal, machine, after=dt.date(2017, 12, 1), anchor=-3.0)
    with pytest.raises(ValueError, match="anchor must be a finite"):
        nowcast(cal, machine, after=D0, anchor=math.nan)
    with pytest.raises(ValueError, match="level must be a share"):
        nowcast(cal, machine, after=D0, level=90)


def test_after_record_fits_the_whole_overlap_and_starts_at_the_last_curated_value():
    curated, machine = _synthetic(400)
    record = curated.head(300)
    out, cal = after_record(record, machine.tail(350))  # the machine series starts later than the record
    assert (cal.fit_start, cal.fit_end) == (D0 + dt.timedelta(days=50), D0 + dt.timedelta(days=299))
    assert out["date"][0] == D0 + dt.timedelta(days=300) and out.height == 100
    explicit = nowcast(calibrate(record, machine, fit=(cal.fit_start, cal.fit_end)), machine,
                       after=record["date"][-1], anchor=float(record["index"][-1]))
    assert out.equals(explicit)
