import datetime as dt
import math
import random
from pathlib import Path

import polars as pl
import pytest

import tension
from tension.analysis import Change, change
from tension.analysis.change import MEMORY, REST
from tension.index import compute_index, score_events
from tests.conftest import make_events

DATA = Path(__file__).resolve().parent.parent / "data" / "events.csv"
D0, D1, D2, D3 = (dt.date(2023, 1, d) for d in (1, 2, 3, 4))


@pytest.fixture
def two() -> pl.DataFrame:
    """Talks (default weight +4, salience 1) on day 0 and an accusation (−2, salience 1) on day 2; no statements."""
    return make_events([("2023-01-01", "talks", 1.0), ("2023-01-03", "accusation", 1.0)])


def _index(events: pl.DataFrame, half_life: float) -> pl.DataFrame:
    return compute_index(events, half_life=half_life, scale=10.0, end=D3)


def test_two_events_half_life_one_day_by_hand(two):
    # h = 1 day, so a = 0.5. raw: day0 = 4, day1 = 2, day2 = 0.5·2 − 2 = −1, day3 = −0.5.
    # Day 1 → day 3: Δraw = −0.5 − 2 = −2.5, which splits into
    #   the accusation of day 2, decayed one day:      −2 · 0.5            = −1.0
    #   the fading of the stock of day 1 (raw 2):       2 · (0.5² − 1)      = −1.5
    # and by type: talks 0.5 − 2 = −1.5, accusation −1 − 0 = −1.0.
    c = change(_index(two, 1.0), score_events(two), D1, D3, half_life=1.0)
    assert isinstance(c, Change)
    assert (c.start, c.end) == (D1, D3)
    assert (c.raw_start, c.raw_end, c.d_raw) == pytest.approx((2.0, -0.5, -2.5), abs=1e-12)
    assert c.index_start == pytest.approx(10 * math.tanh(0.2), abs=1e-12)      # 1.97375320...
    assert c.index_end == pytest.approx(10 * math.tanh(-0.05), abs=1e-12)      # −0.49958353...
    assert c.d_index == pytest.approx(10 * math.tanh(-0.05) - 10 * math.tanh(0.2), abs=1e-12)

    assert c.events["type"].to_list() == [MEMORY, "accusation"]
    assert c.events["contribution"].to_list() == pytest.approx([-1.5, -1.0], abs=1e-12)
    assert c.events["value"].to_list() == pytest.approx([2.0, -2.0])
    assert c.events["age_days"].to_list() == [2, 1]
    assert c.events["date"].to_list() == [D1, D2]
    assert c.events["summary"][0] == "fading of the stock of 2023-01-02 (raw 2.0)"

    assert c.by_type["part"].to_list() == ["talks", "accusation"]
    assert c.by_type["label"].to_list() == ["Talks", "Accusation"]
    assert c.by_type["d_raw"].to_list() == pytest.approx([-1.5, -1.0], abs=1e-12)


def test_no_memory_only_the_end_day_counts(two):
    # h = 0: raw is the day's shock. Day 0 → day 2: raw 4 → −2; the accusation of day 2 gives −2, memory −4.
    c = change(_index(two, 0.0), score_events(two), D0, D2, half_life=0.0)
    assert c.d_raw == pytest.approx(-6.0)
    assert dict(zip(c.events["type"], c.events["contribution"])) == pytest.approx({MEMORY: -4.0, "accusation": -2.0})
    # Day 0 → day 3: the accusation is a day old and forgotten, so it is not listed at all.
    c = change(_index(two, 0.0), score_events(two), D0, D3, half_life=0.0)
    assert c.events["type"].to_list() == [MEMORY]
    assert c.events["contribution"].to_list() == pytest.approx([-4.0])
    assert c.d_raw == pytest.approx(-4.0)


def test_no_decay_memory_is_zero(two):
    # h = ∞: a running sum. Day 0 → day 3: raw 4 → 2; the accusation gives −2 in full and the stock does not fade.
    c = change(_index(two, math.inf), score_events(two), D0, D3, half_life=math.inf)
    assert c.d_raw == pytest.approx(-2.0)
    assert c.events["type"].to_list() == ["accusation", MEMORY]
    assert c.events["contribution"].to_list() == pytest.approx([-2.0, 0.0])
    assert c.by_type["part"].to_list() == ["accusation"]  # talks did not move: its zero part is dropped


def test_tone_is_its_own_part():
    events = make_events([("2023-01-01", "statement", 1.0), ("2023-01-03", "statement", 1.0)],
                         {0: "We firmly oppose this.", 1: "We welcome this constructive step."})
    index = compute_index(events, half_life=14.0)
    scored = score_events(events)
    c = change(index, scored, D0, D2, half_life=14.0)
    assert c.by_type["part"].to_list() == ["tone"]
    assert c.by_type["label"].to_list() == ["Tone of statements"]
    assert c.by_type["d_raw"][0] == pytest.approx(c.d_raw)
    assert c.d_raw > 0  # a warm statement after a cold one


def test_equal_dates_give_zero_change(two):
    c = change(_index(two, 1.0), score_events(two), D2, D2, half_life=1.0)
    assert (c.d_raw, c.d_index) == (0.0, 0.0)
    assert c.by_type.height == 0
    assert c.events["type"].to_list() == [MEMORY]
    assert c.events["contribution"].to_list() == [0.0]


def test_top_adds_a_rest_line_that_keeps_the_sum(two):
    c = change(_index(two, 1.0), score_events(two), D1, D3, half_life=1.0)
    top1 = c.top(1)
    assert top1["type"].to_list() == [MEMORY, REST]
    assert top1["summary"][1] == "the other 1 event"
    assert top1["contribution"].to_list() == pytest.approx([-1.5, -1.0])
    top0 = c.top(0)
    assert top0["summary"].to_list() == ["the other 1 event and the fading of the stock"]
    assert top0["contribution"][0] == pytest.approx(c.d_raw)
    assert c.top(2).equals(c.events) and c.top(50).equals(c.events)
    with pytest.raises(ValueError, match="n must be"):
        c.top(-1)


@pytest.mark.parametrize(("start", "end", "match"), [
    (dt.date(2022, 12, 31), D2, "start date 2022-12-31 is not in the index"),
    (D0, dt.date(2023, 1, 9), "end date 2023-01-09 is not in the index"),
    (D3, D1, "start 2023-01-04 is after end 2023-01-02"),
])
def test_bad_dates(two, start, end, match):
    with pytest.raises(ValueError, match=match):
        change(_index(two, 1.0), score_events(two), start, end, half_life=1.0)


def test_bad_inputs(two):
    index, scored = _index(two, 1.0), score_events(two)
    with pytest.raises(TypeError, match=r"start must be a datetime\.date"):
        change(index, scored, "2023-01-02", D3, half_life=1.0)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="appears 2 times"):
        change(pl.concat([index, index]), scored, D1, D3, half_life=1.0)
    with pytest.raises(ValueError, match="index frame lacks the columns contrib_tone"):
        change(index.drop("contrib_tone"), scored, D1, D3, half_life=1.0)
    with pytest.raises(ValueError, match="scored events lack the columns value"):
        change(index, two, D1, D3, half_life=1.0)
    with pytest.raises(ValueError, match="half_life must be"):
        change(index, scored, D1, D3, half_life=-1.0)


def test_mismatched_half_life_or_weights_is_caught(two):
    index = _index(two, 1.0)
    with pytest.raises(ValueError, match="do not reproduce the index"):
        change(index, score_events(two), D1, D3, half_life=2.0)
    with pytest.raises(ValueError, match="do not reproduce the index"):
        change(index, score_events(two, {"accusation": -3.0}), D1, D3, half_life=1.0)


@pytest.fixture(scope="module")
def record() -> pl.DataFrame:
    return tension.load_events(DATA)


@pytest.mark.parametrize("half_life", [0.0, 14.0, 180.0, math.inf])
def test_bundled_record_parts_sum_exactly(record, half_life):
    index = compute_index(record, half_life=half_life)
    scored = score_events(record)
    days = index["date"].to_list()
    rng = random.Random(12)
    pairs = [tuple(sorted(rng.sample(days, 2))) for _ in range(4)] + [(days[0], days[-1]), (days[-31], days[-1])]
    for start, end in pairs:
        c = change(index, scored, start, end, half_life=half_life)
        raw = dict(zip(index["date"], index["raw"]))
        assert c.d_raw == pytest.approx(raw[end] - raw[start], abs=1e-12)
        assert c.events["contribution"].sum() == pytest.approx(c.d_raw, abs=1e-9)
        assert c.by_type["d_raw"].sum() == pytest.approx(c.d_raw, abs=1e-9)
        assert c.events.filter(pl.col("type") == MEMORY).height == 1
        assert c.top(20)["contribution"].sum() == pytest.approx(c.d_raw, abs=1e-9)
        magnitude = c.events["contribution"].abs().to_list()
        assert magnitude == sorted(magnitude, reverse=True)
        in_window = scored.filter((pl.col("date") > start) & (pl.col("date") <= end))
        if half_life == 0.0:
            in_window = in_window.filter(pl.col("date") == end)
        assert c.events.height == in_window.height + 1  # every event of the window, none dropped, plus memory
