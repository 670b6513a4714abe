"""How well a machine-coded daily series, calibrated onto the curated index, nowcasts it: candidate methods compared.

The machine series is gzemo's daily GDELT 2.0 China–US "edge" score (2018-01-01..2024-02-23, GPL-3.0: read from
``../shared/data/gdelt/``, never copied into this repository; the script says so and stops when it is absent). The
curated index is ``data/events.csv`` with the default settings. Every method is fitted on 2018-01..2021-12 and
tested on 2022-01..2024-02, the later part of the overlap:

- ``stock``: index ≈ a + b·x, x the edge *summed* with the index's own 180-day memory (missing days as 0);
- ``level hl=H``: index ≈ a + b·x, x the decayed *mean* of the edge with memory H days (H chosen on the fit part);
  also without an intercept, anchored on the curated value the day before the test part, and on the raw stock
  (raw ≈ a + b·x, then 10·tanh(raw / scale));
- ``changes``: the H-day change of the index ≈ b · the H-day change of x (no intercept), nowcast from the last
  curated value: index_T + b·(x_t − x_T); its band from the fit part's errors at each horizon.

Then nowcasts from origins every 7 days of the test part, at horizons of 1, 7, 30, 90 and 180 days: mean absolute
error and the share inside the 90 % band, for the anchored level method, the same unanchored, and ``changes``.

    python bench/nowcast_eval.py [--shared ../shared/data] [--level 0.9]
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

import numpy as np
import polars as pl

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import tension  # noqa: E402
from tension.analysis.nowcast import (  # noqa: E402
    Calibration,
    calibrate,
    evaluate_calibration,
    machine_series,
    nowcast,
)
from tension.index import DEFAULT_HALF_LIFE, DEFAULT_SCALE, bounded, decay  # noqa: E402

EDGE = "gdelt/gzemo-gdelt-graph-data__daily_CHN_USA_edge_2018-2024.csv"
FIT = (dt.date(2018, 1, 1), dt.date(2021, 12, 31))
TEST = (dt.date(2022, 1, 1), dt.date(2024, 2, 23))
HALF_LIVES = (7.0, 14.0, 30.0, 60.0, 90.0, 180.0)
HORIZONS = (1, 7, 30, 90, 180)
ORIGIN_STEP = 7


def _metrics(y: np.ndarray, p: np.ndarray, low: np.ndarray, high: np.ndarray) -> str:
    err = y - p
    return (f"r {np.corrcoef(p, y)[0, 1]:+.2f}  MAE {np.mean(np.abs(err)):.2f}  RMSE {np.sqrt(np.mean(err ** 2)):.2f}"
            f"  bias {np.mean(err):+.2f}  in band {np.mean((y >= low) & (y <= high)):.0%}")


def _row(name: str, res: dict) -> None:
    print(f"{name:<34} fit r {res['fit_r']:+.2f} RMSE {res['fit_rmse']:.2f} | test ({res['test_days']} d): "
          f"r {res['r']:+.2f}  MAE {res['mae']:.2f}  RMSE {res['rmse']:.2f}  bias {res['bias']:+.2f}  "
          f"in band {res['coverage']:.0%}")


def _window(frame: pl.DataFrame, span: tuple[dt.date, dt.date]) -> pl.DataFrame:
    return frame.filter(pl.col("date").is_between(*span))


def stock_method(index: pl.DataFrame, edge: pl.DataFrame, level: float) -> None:
    """index ≈ a + b·(the edge summed with the index's 180-day memory), missing days counted as 0."""
    days = pl.DataFrame({"date": pl.date_range(edge["date"][0], edge["date"][-1], "1d", eager=True)})
    full = days.join(edge, on="date", how="left")
    x = decay(full["score"].fill_null(0.0).to_numpy()[:, None], DEFAULT_HALF_LIFE)[:, 0]
    machine = pl.DataFrame({"date": full["date"], "x": x})
    _row(f"stock (sum, hl {DEFAULT_HALF_LIFE:g})", evaluate_calibration(index, machine, FIT, TEST, level=level))


def raw_method(index: pl.DataFrame, machine: pl.DataFrame, level: float, hl: float) -> None:
    """raw ≈ a + b·x fitted like the index, then 10·tanh(raw / scale); band from the raw residuals."""
    cal = calibrate(index.select("date", pl.col("raw").alias("index")), machine, fit=FIT)
    low, high = cal.band(level)
    test = _window(index, TEST).join(machine, on="date")
    centre = cal.intercept + cal.slope * test["x"].to_numpy()
    y = test["index"].to_numpy()
    p = bounded(centre, DEFAULT_SCALE)
    print(f"{f'level on raw, tanh (hl {hl:g})':<34} fit r {cal.r:+.2f} (raw)     | test ({test.height} d): "
          + _metrics(y, p, bounded(centre + low, DEFAULT_SCALE), bounded(centre + high, DEFAULT_SCALE)))


def changes_fit(index: pl.DataFrame, machine: pl.DataFrame, step: int) -> float:
    """b in (index_{t+step} − index_t) ≈ b · (x_{t+step} − x_t), no intercept, over the fit part."""
    both = _window(index, FIT).select("date", "index").join(machine, on="date").sort("date")
    y, x = both["index"].to_numpy(), both["x"].to_numpy()
    dy, dx = y[step:] - y[:-step], x[step:] - x[:-step]
    return float(dx @ dy / (dx @ dx))


def changes_errors(index: pl.DataFrame, machine: pl.DataFrame, slope: float, span: tuple[dt.date, dt.date],
                   horizon: int, origins: int = 1) -> np.ndarray:
    """Errors of index_T + slope·(x_{T+h} − x_T) at horizon h from origins every ``origins`` days in ``span``."""
    both = index.select("date", "index").join(machine, on="date").sort("date")
    both = both.filter(pl.col("date").is_between(span[0] - dt.timedelta(days=1), span[1]))
    y, x = both["index"].to_numpy(), both["x"].to_numpy()
    t = np.arange(0, len(y) - horizon, origins)
    return y[t + horizon] - (y[t] + slope * (x[t + horizon] - x[t]))


def changes_method(index: pl.DataFrame, machine: pl.DataFrame, level: float, step: int) -> float:
    """Fit on changes, nowcast the whole test part from the day before it, band from fit-part errors by horizon."""
    slope = changes_fit(index, machine, step)
    test = _window(index, TEST).select("date", "index").join(machine, on="date").sort("date")
    origin = index.filter(pl.col("date") == TEST[0] - dt.timedelta(days=1)).join(machine, on="date")
    y0, x0 = origin["index"][0], origin["x"][0]
    y, x = test["index"].to_numpy(), test["x"].to_numpy()
    p = y0 + slope * (x - x0)
    horizon = np.array([(d - origin["date"][0]).days for d in test["date"]])
    q = (1 - level) / 2
    bands = {h: np.quantile(changes_errors(index, machine, slope, FIT, h), [q, 1 - q]) for h in np.unique(horizon)}
    low = p + np.array([bands[h][0] for h in horizon])
    high = p + np.array([bands[h][1] for h in horizon])
    print(f"{f'changes ({step}-day, no intercept)':<34} slope {slope:.4f}        | test ({len(y)} d): "
          + _metrics(y, p, low, high))
    return slope


def persistence_errors(index: pl.DataFrame, origins: list[dt.date], horizon: int) -> tuple[np.ndarray, np.ndarray]:
    """Baselines without the machine series: the last curated value kept flat, and the curated stock left to fade
    with its own memory (no new events: raw_T · 2^(−h/180) through tanh)."""
    by_day = dict(zip(index["date"].to_list(), zip(index["index"].to_list(), index["raw"].to_list())))
    flat, fade = [], []
    for origin in origins:
        actual = by_day[origin + dt.timedelta(days=horizon)][0]
        last, raw = by_day[origin]
        flat.append(actual - last)
        fade.append(actual - float(bounded(raw * 2.0 ** (-horizon / DEFAULT_HALF_LIFE), DEFAULT_SCALE)))
    return np.array(flat), np.array(fade)


def rolling(cal: Calibration, index: pl.DataFrame, machine: pl.DataFrame, span: tuple[dt.date, dt.date],
            horizon: int, level: float, anchored: bool = True) -> tuple[list[dt.date], np.ndarray, np.ndarray]:
    """Nowcasts from origins every 7 days of ``span`` (the day before it included), ``horizon`` days ahead: the
    origins, the errors (curated − nowcast) and whether the curated value was inside the band."""
    curated = dict(zip(index["date"].to_list(), index["index"].to_list()))
    origins = pl.date_range(span[0] - dt.timedelta(days=1), span[1] - dt.timedelta(days=horizon),
                            f"{ORIGIN_STEP}d", eager=True).to_list()
    err, inside = [], []
    for origin in origins:
        target = origin + dt.timedelta(days=horizon)
        window = machine.filter(pl.col("date") <= target)
        row = nowcast(cal, window, after=origin, level=level,
                      anchor=curated[origin] if anchored else None).row(-1, named=True)
        err.append(curated[target] - row["index"])
        inside.append(row["index_low"] <= curated[target] <= row["index_high"])
    return origins, np.array(err), np.array(inside)


def choose_half_life(index: pl.DataFrame, edge: pl.DataFrame, level: float) -> float:
    """The memory with the smallest mean absolute error of anchored nowcasts 30, 90 and 180 days ahead, from origins
    inside the fit part (after one memory of warm-up): chosen without looking at the test part."""
    print(f"\nanchored nowcasts inside the fit part (origins every {ORIGIN_STEP} days), MAE / share in band:")
    score = {}
    for hl in HALF_LIVES:
        machine = machine_series(edge, half_life=hl)
        cal = calibrate(index, machine, fit=FIT)
        span = (FIT[0] + dt.timedelta(days=int(hl) + 1), FIT[1])
        cells, maes = [], []
        for h in HORIZONS:
            _, err, inside = rolling(cal, index, machine, span, h, level)
            cells.append(f"h {h:>3}: {np.mean(np.abs(err)):.2f} / {np.mean(inside):.0%}")
            if h >= 30:
                maes.append(np.mean(np.abs(err)))
        score[hl] = float(np.mean(maes))
        print(f"  hl {hl:>3g} (rho {cal.rho:.4f})  " + "  ".join(cells) + f"  | mean MAE 30-180 d {score[hl]:.2f}")
    best = min(score, key=score.get)
    print(f"chosen half-life: {best:g} days")
    return best


def by_horizon(index: pl.DataFrame, machine: pl.DataFrame, level: float, changes_slope: float) -> None:
    """Nowcasts from origins every 7 days of the test part: MAE and band coverage at each horizon, with baselines."""
    cal = calibrate(index, machine, fit=FIT)
    q = (1 - level) / 2
    print(f"\nnowcasts from origins every {ORIGIN_STEP} days of {TEST[0]}..{TEST[1]} (fit on {FIT[0]}..{FIT[1]}, "
          f"rho = {cal.rho:.4f}, residual half-life {np.log(0.5) / np.log(cal.rho):.0f} d), MAE and share in band:")
    print(f"{'horizon':>8} {'origins':>8} | {'anchored':>15} | {'unanchored':>15} | {'changes':>15} | "
          f"{'flat MAE':>9} {'fade MAE':>9}")
    for h in HORIZONS:
        origins, err_a, in_a = rolling(cal, index, machine, TEST, h, level)
        _, err_u, in_u = rolling(cal, index, machine, TEST, h, level, anchored=False)
        flat, fade = persistence_errors(index, origins, h)
        err_c = changes_errors(index, machine, changes_slope, TEST, h, ORIGIN_STEP)
        lo, hi = np.quantile(changes_errors(index, machine, changes_slope, FIT, h), [q, 1 - q])
        cells = [f"{np.mean(np.abs(e)):>8.2f} {np.mean(i):>6.0%}"
                 for e, i in ((err_a, in_a), (err_u, in_u), (err_c, (err_c >= lo) & (err_c <= hi)))]
        print(f"{h:>8} {len(origins):>8} | " + " | ".join(cells)
              + f" | {np.mean(np.abs(flat)):>9.2f} {np.mean(np.abs(fade)):>9.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "data",
                        help="folder holding gdelt/ (default ../shared/data)")
    parser.add_argument("--level", type=float, default=0.9, help="nominal band share (default 0.9)")
    args = parser.parse_args()
    path = args.shared / EDGE
    if not path.exists():
        print(f"skipped: {path} is absent (GPL-3.0, not shipped; see docs/nowcast.md)")
        return
    edge = pl.read_csv(path, try_parse_dates=True).select("date", pl.col("CHN_USA_edge").alias("score"))
    index = tension.compute_index(tension.load_events(ROOT / "data" / "events.csv"))
    print(f"curated index {index['date'][0]}..{index['date'][-1]} (default settings); machine: gzemo CHN-USA edge "
          f"{edge['date'][0]}..{edge['date'][-1]}, {edge.height} days; fit {FIT[0]}..{FIT[1]}, test "
          f"{TEST[0]}..{TEST[1]}, band {args.level:.0%}\n")

    stock_method(index, edge, args.level)
    fits = {}
    for hl in HALF_LIVES:
        machine = machine_series(edge, half_life=hl)
        fits[hl] = evaluate_calibration(index, machine, FIT, TEST, level=args.level)
        _row(f"level, decayed mean hl {hl:g}", fits[hl])
    hl = choose_half_life(index, edge, args.level)
    print()
    machine = machine_series(edge, half_life=hl)
    _row(f"level hl {hl:g}, no intercept", evaluate_calibration(index, machine, FIT, TEST, level=args.level,
                                                                intercept=False))
    _row(f"level hl {hl:g}, anchored", evaluate_calibration(index, machine, FIT, TEST, level=args.level,
                                                            anchored=True))
    raw_method(index, machine, args.level, hl)
    slope = changes_method(index, machine, args.level, 30)
    by_horizon(index, machine, args.level, slope)


if __name__ == "__main__":
    main()
