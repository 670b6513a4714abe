"""Benchmark of the index engine; prints figures, asserts nothing.

Run: python bench/bench_index.py [--sizes 10000,100000,1000000]
Prints the load time of data/events.csv, compute_index end-to-end on synthetic events, the re-weighting time alone
(weigh on 20 years × 17 types), and the same recursion written plainly in pandas, as a ratio.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import tension
from tension.taxonomy import default_weights, type_ids

ROOT = Path(__file__).resolve().parent.parent
HALF_LIFE = 365.0
TONE_WEIGHT = 3.0


def synthetic(n: int, days: int = 7305, seed: int = 1) -> pl.DataFrame:
    """``n`` synthetic events over ``days`` days with a precomputed tone (so VADER is not what is timed)."""
    rng = np.random.default_rng(seed)
    start = dt.date(2005, 1, 1)
    ids = type_ids()
    return pl.DataFrame({
        "id": np.arange(n).astype(str),
        "date": pl.Series((start - dt.date(1970, 1, 1)).days + rng.integers(0, days, n)).cast(pl.Int32)
        .cast(pl.Date),
        "type": rng.choice(ids, n),
        "actor": "USA", "target": "CHN", "summary": "synthetic", "statement": None, "source": "bench",
        "salience": rng.choice([0.7, 1.0, 1.5], n),
        "tone": np.where(rng.random(n) < 0.2, rng.uniform(-1, 1, n), 0.0),
    }, schema_overrides={"statement": pl.String})


def pandas_plain(events: pd.DataFrame, weights: dict[str, float]) -> pd.DataFrame:
    """The same method written plainly in pandas: value per event, sum per day, loop over days."""
    a = 2.0 ** (-1.0 / HALF_LIFE)
    ev = events.copy()
    ev["value"] = ev["type"].map(weights) * ev["salience"] + TONE_WEIGHT * ev["tone"]
    shock = ev.groupby("date")["value"].sum()
    days = pd.date_range(shock.index.min(), shock.index.max(), freq="D")
    shock = shock.reindex(days, fill_value=0.0)
    raw, prev = [], 0.0
    for s in shock.to_numpy():
        prev = a * prev + s
        raw.append(prev)
    return pd.DataFrame({"date": shock.index, "shock": shock.to_numpy(), "raw": raw})


def best_of(fn, repeat: int) -> float:
    """The best wall time of ``repeat`` calls, in seconds."""
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="10000,100000,1000000")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]

    path = ROOT / "data" / "events.csv"
    load = best_of(lambda: tension.load_events(path), 5)
    events = tension.load_events(path)
    print(f"load data/events.csv ({events.height} events): {load * 1e3:.1f} ms")
    cold = best_of(lambda: tension.compute_index(events), 3)
    print(f"compute_index on data/events.csv (tone scored from statements): {cold * 1e3:.1f} ms")

    weights = default_weights()
    for n in sizes:
        ev = synthetic(n)
        pdf = ev.select("date", "type", "salience", "tone").to_pandas()
        pdf["date"] = pd.to_datetime(pdf["date"])
        t_pandas = best_of(lambda pdf=pdf: pandas_plain(pdf, weights), 1 if n >= 1_000_000 else 3)
        theirs = pandas_plain(pdf, weights)["raw"].to_numpy()
        # "tone given": every event carries its tone; "no tone column": the tone of each (all null) statement is
        # looked up, the path a plain events file without statements takes.
        for label, frame, tone_weight in (("tone given", ev, TONE_WEIGHT), ("no tone column", ev.drop("tone"), 0.0)):
            def run(frame=frame, tone_weight=tone_weight):
                return tension.compute_index(frame, half_life=HALF_LIFE, tone_weight=tone_weight)
            t_polars = best_of(run, 3)
            expected = theirs if tone_weight else pandas_plain(pdf.assign(tone=0.0), weights)["raw"].to_numpy()
            same = np.allclose(run()["raw"].to_numpy(), expected, rtol=1e-9, atol=1e-6)
            print(f"compute_index {n:>9,} events, {label:<14}: {t_polars * 1e3:8.1f} ms | pandas plain "
                  f"{t_pandas * 1e3:8.1f} ms | ratio {t_pandas / t_polars:5.1f}x | same raw: {same}")

    daily = tension.aggregate(synthetic(100_000))
    decayed = tension.decay_daily(daily, HALF_LIFE)
    samples = []
    rng = np.random.default_rng(3)
    for _ in range(200):
        w = dict(zip(type_ids(), rng.uniform(-10, 10, len(type_ids()))))
        t0 = time.perf_counter()
        tension.weigh(decayed, w, tone_weight=2.0)
        samples.append(time.perf_counter() - t0)
    print(f"re-weighting alone ({decayed.height} days x {len(type_ids())} types): median "
          f"{statistics.median(samples) * 1e3:.3f} ms, max {max(samples) * 1e3:.3f} ms")
    t_decay = best_of(lambda: tension.decay_daily(daily, 90.0), 20)
    print(f"new half-life (decay_daily, {daily.height} days): {t_decay * 1e3:.3f} ms")


if __name__ == "__main__":
    main()
