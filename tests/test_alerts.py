import argparse
import datetime as dt
from pathlib import Path

import numpy as np
import polars as pl
import pytest

import tension
from tension.analysis.alerts import (
    CONFRONTATIONAL,
    COOPERATIVE,
    DEFAULT_H,
    DEFAULT_K,
    alert_days,
    alerts,
    alerts_per_year,
    cusum,
    monitor,
    standardise,
)
from tension.cli.analysis import add_alerts
from tension.cli.common import UsageError
from tests.conftest import make_events

DATA = Path(__file__).resolve().parent.parent / "data" / "events.csv"
D0 = dt.date(2023, 1, 1)


def _frame(shock: np.ndarray) -> pl.DataFrame:
    """A daily frame (date, shock) from ``D0``, one row per day."""
    return pl.DataFrame({"date": pl.date_range(D0, D0 + dt.timedelta(days=len(shock) - 1), "1d", eager=True),
                         "shock": np.asarray(shock, dtype=float)})


def _noise(n: int, seed: int = 7) -> np.ndarray:
    return np.random.default_rng(seed).normal(0.0, 1.0, n)


# --- the standardisation and the CUSUM by hand --------------------------------------------------------------------

def test_z_uses_only_past_days_by_hand():
    # span 1 → α = 1: the level is the previous day's value (clip large) and the EWMA mean square is the previous
    # day's squared deviation; the floor uses the mean square over all earlier days.
    # Day 1: level 0, no spread yet → z capped at Z_MAX = 100. Day 2: level 2, spread √4 = 2, deviation 0 → z = 0.
    # Day 3: level 2, EWMA spread 0, floor 0.5 · √((4 + 0) / 2) = 0.5·√2 → z = 3 / (0.5·√2) = 4.243.
    z = standardise(np.array([0.0, 2.0, 2.0, 5.0]), span=1, floor=0.5, clip=1e9, warmup=1)
    assert z[0] == 0.0 and z[1] == 100.0
    assert z[2] == 0.0
    assert z[3] == pytest.approx(3.0 / (0.5 * np.sqrt(2.0)))


def test_cusum_by_hand():
    # k = 0.5, h = 2: S⁺ = 0.5, 2.0, 3.5 (> 2: alert, restart) → 0 then 1.5; S⁻ never grows.
    up, down = cusum(np.array([1.0, 2.0, 2.0, 2.0]), k=0.5, h=2.0)
    assert up.tolist() == [0.5, 2.0, 3.5, 1.5]
    assert down.tolist() == [0.0, 0.0, 0.0, 0.0]
    up, down = cusum(np.array([-3.0, 1.0, -2.0]), k=0.5, h=10.0)
    assert down.tolist() == [2.5, 1.0, 2.5]


def test_no_alerts_on_a_constant_series():
    for value in (0.0, -3.0, 7.5):
        found = alerts(_frame(np.full(400, value)))
        assert found.height == 0
    days = monitor(_frame(np.full(400, -3.0)))
    assert (days["z"] == 0.0).all() and days["alert"].null_count() == 400


# --- synthetic steps ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("sign, direction", [(-1.0, CONFRONTATIONAL), (1.0, COOPERATIVE)])
def test_a_large_step_is_alerted_on_its_day(sign, direction):
    # The defaults are sensitive (about 6 alerts a year on pure noise, docs/alerts.md), so earlier alerts may occur;
    # the step itself must be alerted on its day and in its direction (the CUSUM run may have begun a few noisy
    # days earlier).
    step = D0 + dt.timedelta(days=300)
    shock = _noise(500)
    shock[300:] += sign * 8.0
    found = alerts(_frame(shock)).filter(pl.col("date") >= step)
    first = found.row(0, named=True)
    assert (first["date"], first["direction"]) == (step, direction)
    assert step - dt.timedelta(days=10) <= first["start"] <= step
    assert first["size"] > DEFAULT_H
    assert first["z"] * sign > DEFAULT_H + DEFAULT_K            # one day's z alone crossed the threshold


def test_a_moderate_step_is_found_within_days_and_dated_back_to_its_start():
    # A sustained shift of 2 standard deviations with a conservative setting (k = 0.5, h = 8: no alert on the 300
    # days of noise before it). z ≈ −2 a day at first, so S⁻ grows by about 1.5 a day and crosses 8 on the
    # sixth day; the run it belongs to starts within a few days of the step.
    step = D0 + dt.timedelta(days=300)
    shock = _noise(400, seed=3)
    shock[300:] -= 2.0
    found = alerts(_frame(shock), k=0.5, h=8.0)
    first = found.row(0, named=True)
    assert first["direction"] == CONFRONTATIONAL
    assert step + dt.timedelta(days=3) <= first["date"] <= step + dt.timedelta(days=8)
    assert abs((first["start"] - step).days) <= 3
    assert found.filter(pl.col("date") < step).height == 0


def test_a_single_huge_day_is_one_alert_not_a_run():
    shock = _noise(400, seed=11)
    shock[300] = -60.0
    found = alerts(_frame(shock), k=0.5, h=8.0)
    assert found["date"].to_list() == [D0 + dt.timedelta(days=300)]
    assert found["direction"].to_list() == [CONFRONTATIONAL]
    assert found["index"].to_list() == [None]       # a frame without an index column: no index columns
    assert found["events"].to_list() == [None]


def test_no_look_ahead_appending_days_does_not_change_past_alerts():
    events = tension.load_events(DATA)
    index = tension.compute_index(events)
    cut = dt.date(2023, 1, 1)
    past = index.filter(pl.col("date") <= cut)
    detection = ["date", "direction", "size", "z", "start", "shock"]
    full = alerts(index).filter(pl.col("date") <= cut).select(detection)
    assert full.height > 10
    assert alerts(past).select(detection).equals(full)
    days_full, days_past = monitor(index).filter(pl.col("date") <= cut), monitor(past)
    assert np.array_equal(days_full["z"].to_numpy(), days_past["z"].to_numpy())


def test_scale_invariant_in_the_weights():
    # Multiplying every weight and the tone weight by 10 multiplies every shock by 10: the same alerts.
    events = tension.load_events(DATA).filter(pl.col("date") < dt.date(2020, 1, 1))
    weights = {t: 10 * w for t, w in tension.default_weights().items()}
    plain = alerts(events)
    scaled = alerts(events, weights, tone_weight=30.0)
    assert scaled["date"].equals(plain["date"]) and scaled["direction"].equals(plain["direction"])
    assert scaled["size"].to_list() == pytest.approx(plain["size"].to_list(), rel=1e-9)


# --- events and index columns -------------------------------------------------------------------------------------

def test_events_of_an_alert_are_listed_in_its_direction():
    rows = [("2023-01-01", "accusation", 1.0)]
    rows += [(str(D0 + dt.timedelta(days=d)), "accusation", 1.0) for d in range(3, 200, 3)]
    rows += [("2023-07-19", "talks", 1.0), ("2023-07-20", "sanctions", 2.0), ("2023-07-20", "tariffs", 1.5),
             ("2023-07-21", "expulsion", 1.5), ("2023-07-21", "threat", 1.0), ("2023-08-31", "talks", 1.0)]
    events = make_events(rows).with_columns(
        summary=pl.Series([f"event {i}" for i in range(len(rows))]))
    found = alerts(events, half_life=30)
    alert = found.filter(pl.col("date") == dt.date(2023, 7, 20)).row(0, named=True)
    assert alert["direction"] == CONFRONTATIONAL
    assert alert["n_events"] == 4       # 07-18 .. 07-20: an accusation on 07-18 (day 198), talks, sanctions, tariffs
    n = len(rows)
    assert alert["events"] == (f"2023-07-20 sanctions: event {n - 5} | 2023-07-20 tariffs: event {n - 4} | "
                               f"2023-07-18 accusation: event {n - 7}")   # the talks of 07-19 pushed the other way
    index = dict(tension.compute_index(events, half_life=30).select("date", "index").iter_rows())
    assert alert["d_index_7d"] == pytest.approx(index[dt.date(2023, 7, 27)] - index[dt.date(2023, 7, 19)])
    assert alert["index"] == pytest.approx(index[dt.date(2023, 7, 20)])


def test_events_of_a_run_are_listed_from_its_first_day():
    # Accusations every third day set the spread; a sanctions listing on 07-12 alerts on its own day; then an
    # accusation a day from 07-13 builds a run that alerts on 07-17. Its events are those of the run (07-13 .. 07-17,
    # five), not only of the last three days, so a late alert still shows what started it.
    rows = [(str(D0 + dt.timedelta(days=d)), "accusation", 1.0) for d in range(0, 190, 3)]
    rows += [("2023-07-12", "sanctions", 1.0)]
    rows += [(str(dt.date(2023, 7, 13) + dt.timedelta(days=i)), "accusation", 1.0) for i in range(8)]
    events = make_events(rows).with_columns(summary=pl.Series([f"event {i}" for i in range(len(rows))]))
    found = alerts(events, half_life=30)
    assert found["date"].to_list()[:2] == [dt.date(2023, 7, 12), dt.date(2023, 7, 17)]
    run = found.row(1, named=True)
    assert run["start"] == dt.date(2023, 7, 13) and run["n_events"] == 5
    assert run["events"].startswith("2023-07-13 accusation: event 65 | 2023-07-14 accusation: event 66")


def test_index_change_runs_from_the_day_before_to_seven_days_after_and_is_null_near_the_end():
    shock = _noise(400, seed=11)
    shock[300] = shock[397] = -60.0
    frame = _frame(shock).with_columns(index=pl.Series(np.arange(400.0) ** 2))
    found = alerts(frame, k=0.5, h=8.0)
    assert found["date"].to_list() == [D0 + dt.timedelta(days=300), D0 + dt.timedelta(days=397)]
    assert found["index"].to_list() == [300.0 ** 2, 397.0 ** 2]
    assert found["d_index_7d"].to_list() == [307.0 ** 2 - 299.0 ** 2, None]


def test_daily_frame_with_scored_events_gives_the_same_alerts():
    events = tension.load_events(DATA).filter(pl.col("date") < dt.date(2019, 1, 1))
    direct = alerts(events)
    via_index = alerts(tension.compute_index(events), scored=tension.score_events(events))
    assert via_index.equals(direct)
    without = alerts(tension.compute_index(events))
    assert without["events"].null_count() == without.height
    assert without["n_events"].to_list() == direct["n_events"].to_list()


@pytest.mark.parametrize("frame, message", [
    (pl.DataFrame({"date": [D0, D0 + dt.timedelta(days=2)], "shock": [1.0, 2.0]}), "one row per calendar day"),
    (pl.DataFrame({"date": [D0, D0 + dt.timedelta(days=1)], "shock": [1.0, None]}), "missing values"),
    (pl.DataFrame({"date": [D0, D0 + dt.timedelta(days=1)], "shock": [1.0, float("nan")]}), "not finite"),
    (pl.DataFrame({"date": ["2023-01-01"], "shock": [1.0]}), "expected Date"),
])
def test_bad_daily_frames_are_refused(frame, message):
    with pytest.raises(ValueError, match=message):
        alerts(frame)


@pytest.mark.parametrize("setting, value", [("span", 0.5), ("k", -1.0), ("h", 0.0), ("floor", float("nan")),
                                            ("clip", 0.0), ("warmup", 0)])
def test_bad_settings_are_refused(setting, value):
    with pytest.raises(ValueError, match=setting):
        alerts(_frame(np.zeros(10)), **{setting: value})


def test_alert_days_and_per_year():
    found = alerts(tension.load_events(DATA))
    marks = alert_days(found)
    assert marks.columns == ["date", "direction"] and marks.height == found.height
    years = alerts_per_year(found)
    assert years.columns == ["year", CONFRONTATIONAL, COOPERATIVE, "total"]
    assert int(years["total"].sum()) == found.height


# --- the bundled record -------------------------------------------------------------------------------------------

#: Known sharp moves (first day, last day, direction): the defaults must alert within ±3 days of each (the balloon,
#: alerted late since issue 15, has its own test below).
KNOWN_MOVES = {
    "Houston consulate order": ("2020-07-21", "2020-07-22", CONFRONTATIONAL),
    "Pelosi's visit and China's countermeasures": ("2022-08-02", "2022-08-05", CONFRONTATIONAL),
    "the April 2025 tariff escalation": ("2025-04-02", "2025-04-11", CONFRONTATIONAL),
    "the Woodside summit": ("2023-11-15", "2023-11-15", COOPERATIVE),
    "the Busan meeting": ("2025-10-30", "2025-10-30", COOPERATIVE),
}


@pytest.fixture(scope="module")
def bundled() -> pl.DataFrame:
    return alerts(tension.load_events(DATA))


def test_bundled_record_balloon_run_is_alerted_late(bundled):
    # Since issue 15 made 2017–2024 denser (more small shocks, a wider spread), the run of the balloon (2–9 February
    # 2023) crosses the threshold only on 2023-02-09, five days after the shoot-down; h = 4.5 or floor = 0.5 would catch
    # it in time at the price of more alerts on noise (docs/alerts.md). The run starts within the window and its
    # events include the shoot-down.
    shot_down = dt.date(2023, 2, 4)
    run = bundled.filter((pl.col("start") <= shot_down + dt.timedelta(days=3)) & (pl.col("date") >= shot_down)
                         & (pl.col("date") <= shot_down + dt.timedelta(days=7))
                         & (pl.col("direction") == CONFRONTATIONAL))
    assert run.height == 1
    assert run["start"][0] >= shot_down - dt.timedelta(days=3)
    assert "2023-02-04 incident" in run["events"][0]


@pytest.mark.parametrize("move", list(KNOWN_MOVES))
def test_bundled_record_known_moves_are_alerted(bundled, move):
    first, last, direction = KNOWN_MOVES[move]
    lo = dt.date.fromisoformat(first) - dt.timedelta(days=3)
    hi = dt.date.fromisoformat(last) + dt.timedelta(days=3)
    near = bundled.filter(pl.col("date").is_between(lo, hi) & (pl.col("direction") == direction))
    assert near.height >= 1, f"no {direction} alert between {lo} and {hi} for {move}"


def test_bundled_record_a_handful_of_alerts_a_year(bundled):
    years = alerts_per_year(bundled).filter(pl.col("year").is_between(2017, 2025))   # the full years
    assert years.height == 9
    assert years["total"].min() >= 3                         # it does find things every year
    assert years["total"].max() <= 20                        # ... but not dozens (2020, the most eventful year: 18)
    assert years["total"].mean() <= 11                       # 10.2 a year on average (8.0 before issue 15's
    #                                                          additions, 9.1 after the first round)
    assert bundled.filter(pl.col("date").dt.year() == 2020, pl.col("direction") == COOPERATIVE).height == 0


def test_bundled_record_alert_rows_are_explained(bundled):
    assert bundled["events"].null_count() == 0
    assert (bundled["n_events"] >= 1).all()
    assert (bundled["size"] > DEFAULT_H).all()
    assert (bundled["start"] <= bundled["date"]).all()
    confrontational = bundled.filter(pl.col("direction") == CONFRONTATIONAL)
    assert (confrontational["shock"] < 0).all() and (confrontational["z"] < 0).all()
    shot_down = dt.date(2023, 2, 4)      # the run that holds the shoot-down (it may be confirmed a day later)
    balloon = bundled.filter((pl.col("start") <= shot_down) & (pl.col("date") >= shot_down)).row(0, named=True)
    assert balloon["events"].startswith("2023-02-04 incident: On Biden's order a US F-22 shot down")
    assert balloon["d_index_7d"] < 0


# --- the command --------------------------------------------------------------------------------------------------

def _run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="tension")
    add_alerts(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return args.func(args)


def test_cli_writes_the_alerts_and_a_summary(tmp_path, capsys):
    out = tmp_path / "alerts.csv"
    assert _run(["alerts", str(DATA), "--out", str(out)]) == 0
    written = pl.read_csv(out, try_parse_dates=True)
    expected = alerts(tension.load_events(DATA))
    assert written["date"].to_list() == expected["date"].to_list()
    assert written.columns == expected.columns
    err = capsys.readouterr().err
    assert err.startswith(f"{expected.height} alerts (2017: ")
    assert "2020: 18" in err


def test_cli_options_reach_the_library(tmp_path, capsys):
    weights = tmp_path / "w.toml"
    weights.write_text("sanctions = -9\n", encoding="utf-8")
    assert _run(["alerts", str(DATA), "--weights", str(weights), "--span", "90", "--k", "0.5", "--h", "8",
                 "--half-life", "30", "--tone-weight", "2"]) == 0
    stdout = capsys.readouterr().out
    expected = alerts(tension.load_events(DATA), {"sanctions": -9}, span=90, k=0.5, h=8, half_life=30,
                      tone_weight=2)
    assert stdout.count("\n") == expected.height + 1


@pytest.mark.parametrize("option, value", [("--span", "0"), ("--k", "-1"), ("--h", "0"), ("--h", "nan")])
def test_cli_bad_settings_are_usage_errors(option, value, capsys):
    with pytest.raises(SystemExit) as exc:
        _run(["alerts", str(DATA), option, value])
    assert exc.value.code == 2
    assert option in capsys.readouterr().err


def test_cli_bad_weights_file_is_a_usage_error(tmp_path):
    weights = tmp_path / "w.toml"
    weights.write_text("nonsense = 1\n", encoding="utf-8")
    with pytest.raises(UsageError, match="unknown event type"):
        _run(["alerts", str(DATA), "--weights", str(weights)])
