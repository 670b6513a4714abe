import datetime as dt
import math
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from tension.analysis.change import MEMORY, REST
from tension.analysis.compare import PeriodComparison, PeriodSummary, compare_periods, scenario_difference
from tension.events import load_events
from tension.index import compute_index, level_of, score_events
from tests.conftest import make_events

DATA = Path(__file__).resolve().parent.parent / "data" / "events.csv"
D0, D1, D2, D3 = (dt.date(2023, 1, d) for d in (1, 2, 3, 4))


@pytest.fixture
def two() -> pl.DataFrame:
    """Talks (default weight +4, salience 1) on day 0 and an accusation (−2, salience 1) on day 2; no statements."""
    return make_events([("2023-01-01", "talks", 1.0), ("2023-01-03", "accusation", 1.0)])


@pytest.fixture(scope="module")
def bundled() -> tuple[pl.DataFrame, pl.DataFrame]:
    events = load_events(DATA)
    return compute_index(events), score_events(events)


def _compare(events: pl.DataFrame, half_life: float, a, b, **kwargs) -> PeriodComparison:
    index = compute_index(events, half_life=half_life, scale=10.0, end=D3, **kwargs)
    return compare_periods(index, score_events(events), a, b, half_life=half_life)


def _shares(summary: PeriodSummary) -> dict[str, float]:
    return dict(zip(summary.events["type"], summary.events["contribution"]))


def test_two_periods_by_hand_half_life_one_day(two):
    # h = 1 day, a = 0.5: raw is 4, 2, −1, −0.5 on days 0..3.
    # Period b = days 1..3 (N = 3): mean raw = (2 − 1 − 0.5) / 3 = 1/6, which splits into
    #   the stock carried in, raw_1 − shock_1 = 2, times (1 + 0.5 + 0.25) / 3:   7/6
    #   the accusation of day 2 (1 day before the end), −2 · (1 + 0.5) / 3:      −1
    # Period a = day 0 alone: mean raw 4, all from the talks (nothing carried in).
    c = _compare(two, 1.0, (D0, D0), (D1, D3))
    assert (c.a.start, c.a.end, c.a.days, c.b.start, c.b.end, c.b.days) == (D0, D0, 1, D1, D3, 3)
    assert c.a.mean_raw == pytest.approx(4.0)
    assert _shares(c.a) == pytest.approx({"talks": 4.0, MEMORY: 0.0})
    assert c.b.mean_raw == pytest.approx(1 / 6)
    assert _shares(c.b) == pytest.approx({MEMORY: 7 / 6, "accusation": -1.0})
    assert c.b.events["type"].to_list() == [MEMORY, "accusation"]          # ranked by |share|
    assert c.b.events["summary"][0] == "the stock carried into 2023-01-02 (raw 2.0)"
    assert c.b.events["value"].to_list() == pytest.approx([2.0, -2.0])

    mean_b = (10 * math.tanh(0.2) + 10 * math.tanh(-0.1) + 10 * math.tanh(-0.05)) / 3  # ≈ 0.4797
    assert c.a.mean_index == pytest.approx(10 * math.tanh(0.4))
    assert c.b.mean_index == pytest.approx(mean_b)
    assert (c.a.level, c.b.level) == ("good", "normal")  # 3.80 and 0.48
    assert c.d_mean_index == pytest.approx(mean_b - 10 * math.tanh(0.4))
    assert (c.a.n_events, c.b.n_events) == (1, 1)

    assert c.b.by_type.columns == ["type", "label", "count", "value_sum", "contribution"]
    assert c.b.by_type.rows() == [("accusation", "Accusation", 1, -2.0, pytest.approx(-1.0))]
    assert c.by_type.columns == ["type", "label", "count_a", "count_b", "value_a", "value_b", "contribution_a",
                                 "contribution_b"]
    assert c.by_type.rows() == [("talks", "Talks", 1, 0, 4.0, 0.0, 4.0, 0.0),
                                ("accusation", "Accusation", 0, 1, 0.0, -2.0, 0.0, pytest.approx(-1.0))]


def test_no_decay_and_no_memory_by_hand(two):
    # h = ∞: raw 4, 4, 2, 2 (mean 3 over days 0..3); talks count on all 4 days (4 · 4/4), the accusation on 2
    # (−2 · 2/4). h = 0: raw 4, 0, −2, 0 (mean 0.5): each event counts on its own day only (4/4, −2/4).
    c = _compare(two, math.inf, (D0, D3), (D0, D3))
    assert c.a.mean_raw == pytest.approx(3.0)
    assert _shares(c.a) == pytest.approx({"talks": 4.0, "accusation": -1.0, MEMORY: 0.0})
    c = _compare(two, 0.0, (D0, D3), (D1, D1))
    assert c.a.mean_raw == pytest.approx(0.5)
    assert _shares(c.a) == pytest.approx({"talks": 1.0, "accusation": -0.5, MEMORY: 0.0})
    assert c.b.mean_raw == 0.0 and c.b.n_events == 0 and c.b.by_type.height == 0
    assert c.b.events["type"].to_list() == [MEMORY]


def test_stock_carried_in_from_before_the_index_start(two):
    # An index that starts on day 1 still carries the talks of day 0: raw_1 − shock_1 = 2 is the carried stock.
    c = _compare(two, 1.0, (D1, D3), (D1, D1), start=D1)
    assert _shares(c.a) == pytest.approx({MEMORY: 7 / 6, "accusation": -1.0})
    assert _shares(c.b) == pytest.approx({MEMORY: 2.0})


def test_long_memory_is_accurate():
    # h = 10⁹ days: a is 1 − 7e-10, where (1 − a^(k+1)) / (1 − a) written plainly loses 7 digits and the shares
    # would miss the mean stock by ~1e-7 (refused); the decay over a year is ~2.5e-7, hence rel=1e-6 below.
    events = make_events([("2023-01-01", "talks", 1.0), ("2023-03-01", "sanctions", 1.0)])
    index = compute_index(events, half_life=1e9, end=dt.date(2023, 12, 31))
    c = compare_periods(index, score_events(events), (dt.date(2023, 1, 1), dt.date(2023, 12, 31)),
                        (dt.date(2023, 6, 1), dt.date(2023, 6, 30)), half_life=1e9)
    assert c.a.mean_raw == pytest.approx((4 * 365 - 7 * 306) / 365, rel=1e-6)
    assert _shares(c.a)["sanctions"] == pytest.approx(-7 * 306 / 365, rel=1e-6)
    assert _shares(c.b) == pytest.approx({MEMORY: -3.0}, rel=1e-6)
    assert c.b.mean_raw == pytest.approx(_shares(c.b)[MEMORY], rel=1e-12)


def test_2019_against_2023_on_the_bundled_record(bundled):
    index, scored = bundled
    y19 = (dt.date(2019, 1, 1), dt.date(2019, 12, 31))
    y23 = (dt.date(2023, 1, 1), dt.date(2023, 12, 31))
    c = compare_periods(index, scored, y19, y23, half_life=180.0, top=5)
    for summary, (start, end) in ((c.a, y19), (c.b, y23)):
        rows = index.filter(pl.col("date").is_between(start, end))
        assert summary.days == rows.height == 365
        assert summary.mean_index == pytest.approx(float(rows["index"].mean()), abs=1e-12)
        assert summary.mean_raw == pytest.approx(float(rows["raw"].mean()), abs=1e-12)
        assert summary.level == level_of(summary.mean_index)
        assert summary.n_events == scored.filter(pl.col("date").is_between(start, end)).height
        assert summary.by_type["count"].sum() == summary.n_events
        assert summary.events.height == summary.n_events + 1
        assert summary.drivers.height == 6 and summary.drivers["type"][-1] == REST
        assert summary.drivers["contribution"].sum() == pytest.approx(summary.mean_raw, abs=1e-9)
        sizes = summary.events["contribution"].abs().to_list()
        assert sizes == sorted(sizes, reverse=True)
    # On the bundled record 2019 is "tense" (−3.49) and 2023 "tense" too (−5.81). History of these figures: −3.99 and
    # −4.48 before issue 15; −5.22 and −6.14 after its first round of added protests and statements (scale 300);
    # after the second round, which brought every year to 2025's density, the default scale went to 500 (README).
    # The stock carried into each year is the largest part.
    assert (c.a.level, c.b.level) == ("tense", "tense")
    assert c.a.mean_index == pytest.approx(-3.49, abs=0.01) and c.b.mean_index == pytest.approx(-5.81, abs=0.01)
    assert c.a.drivers["type"][0] == MEMORY and c.b.drivers["type"][0] == MEMORY
    assert c.by_type.filter(pl.col("type") == "tariffs").row(0)[2:4] == (9, 0)
    assert c.d_mean_index == pytest.approx(c.b.mean_index - c.a.mean_index)


def test_top_zero_is_one_rest_row(two):
    index = compute_index(two, half_life=1.0, scale=10.0, end=D3)
    c = compare_periods(index, score_events(two), (D0, D3), (D0, D3), half_life=1.0, top=0)
    assert c.a.drivers.rows() == [(None, REST, "the other 2 events and the carried-in stock", None,
                                   pytest.approx(c.a.mean_raw))]


def test_a_mismatched_half_life_or_weights_is_caught(two):
    index = compute_index(two, half_life=1.0, scale=10.0, end=D3)
    with pytest.raises(ValueError, match="do not reproduce the index over period a"):
        compare_periods(index, score_events(two), (D0, D3), (D0, D3), half_life=2.0)
    with pytest.raises(ValueError, match="do not reproduce the index over period a"):
        compare_periods(index, score_events(two, {"talks": 1.0}), (D0, D3), (D0, D3), half_life=1.0)


@pytest.mark.parametrize(("a", "b", "error", "message"), [
    ((D2, D1), (D0, D0), ValueError, "period a starts on 2023-01-03, after its end 2023-01-02"),
    ((D0, D0), (D1, dt.date(2023, 1, 9)), ValueError, "period b .* needs one index row for each of its 8 days"),
    ((D0,), (D0, D0), TypeError, "period a must be a \\(start, end\\) pair"),
    ((D0, D0), (dt.datetime(2023, 1, 1), D1), TypeError, "period b must be a \\(start, end\\) pair of datetime.date"),
])
def test_bad_periods_are_refused(two, a, b, error, message):
    index = compute_index(two, half_life=1.0, end=D3)
    with pytest.raises(error, match=message):
        compare_periods(index, score_events(two), a, b, half_life=1.0)


def test_missing_columns_and_bad_top_are_refused(two):
    index = compute_index(two, half_life=1.0, end=D3)
    with pytest.raises(ValueError, match="the index frame lacks the columns shock"):
        compare_periods(index.drop("shock"), score_events(two), (D0, D0), (D1, D1), half_life=1.0)
    with pytest.raises(ValueError, match="the scored events lack the columns value"):
        compare_periods(index, two, (D0, D0), (D1, D1), half_life=1.0)
    with pytest.raises(ValueError, match="top must be a whole number ≥ 0"):
        compare_periods(index, score_events(two), (D0, D0), (D1, D1), half_life=1.0, top=-1)


# --- scenarios --------------------------------------------------------------------------------------------------------

def test_scenario_difference_by_hand(two):
    # Default weights against talks at 8, h = 1: raw 4, 2, −1, −0.5 against 8, 4, 2 − 2 = 0, 0.
    base = compute_index(two, half_life=1.0, scale=10.0, end=D3)
    other = compute_index(two, {"talks": 8.0}, half_life=1.0, scale=10.0, end=D3)
    diff = scenario_difference(base, other)
    assert diff.columns == ["date", "index_a", "index_b", "diff"]
    assert diff["date"].to_list() == [D0, D1, D2, D3]
    raw_a, raw_b = np.array([4.0, 2.0, -1.0, -0.5]), np.array([8.0, 4.0, 0.0, 0.0])
    assert diff["index_a"].to_numpy() == pytest.approx(10 * np.tanh(raw_a / 10))
    assert diff["index_b"].to_numpy() == pytest.approx(10 * np.tanh(raw_b / 10))
    assert diff["diff"].to_numpy() == pytest.approx(10 * np.tanh(raw_b / 10) - 10 * np.tanh(raw_a / 10))
    assert (scenario_difference(base, base)["diff"] == 0.0).all()


def test_scenario_difference_needs_the_same_days(two):
    base = compute_index(two, half_life=1.0, end=D3)
    with pytest.raises(ValueError, match="index_a has 4 rows, index_b 3"):
        scenario_difference(base, base.head(3))
    shifted = base.with_columns(pl.col("date") + pl.duration(days=1))
    with pytest.raises(ValueError, match="row 0 is 2023-01-01 in index_a but 2023-01-02 in index_b"):
        scenario_difference(base, shifted)
    with pytest.raises(ValueError, match="index_b lacks the columns index"):
        scenario_difference(base, base.drop("index"))
