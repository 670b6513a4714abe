"""Benchmark of the weight uncertainty band; prints figures, asserts nothing.

Run: python bench/bench_uncertainty.py [--draws 1000] [--repeat 15] [--long-days 73000]
Prints the time of ``weight_band`` (1,000 draws by default, the target is ≤ 100 ms) over the bundled record's days,
of ``sensitivity`` for one day, and of the band over a long synthetic span (processed in blocks of days).
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tension.analysis.uncertainty import plausible_ranges, sensitivity, weight_band
from tension.events import load_events
from tension.index import aggregate, daily_columns, decay_daily

ROOT = Path(__file__).resolve().parent.parent


def timed(run, repeat: int) -> tuple[float, float]:
    """Median and least wall time of ``run()`` in milliseconds over ``repeat`` runs (after one warm-up run)."""
    run()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000.0)
    return statistics.median(times), min(times)


def long_daily(days: int, seed: int = 1) -> pl.DataFrame:
    """A synthetic daily table of ``days`` days with a few events a week."""
    rng = np.random.default_rng(seed)
    names = daily_columns()
    columns: dict[str, object] = {
        "date": pl.date_range(dt.date(1900, 1, 1), dt.date(1900, 1, 1) + dt.timedelta(days=days - 1), "1d",
                              eager=True),
        "n_events": rng.poisson(0.5, days).astype(np.int64),
        "n_statements": np.zeros(days, dtype=np.int64),
        "tone_sum": rng.normal(0.0, 0.2, days),
    }
    columns.update({c: rng.exponential(0.05, days) for c in names[4:]})
    return pl.DataFrame(columns)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--long-days", type=int, default=73000)
    args = parser.parse_args(argv)

    decayed = decay_daily(aggregate(load_events(ROOT / "data" / "events.csv")), 180.0)
    ranges = plausible_ranges()
    median, least = timed(lambda: weight_band(decayed, ranges, draws=args.draws), args.repeat)
    print(f"weight_band, bundled record ({decayed.height:,} days × {args.draws:,} draws): "
          f"median {median:.1f} ms, least {least:.1f} ms (target ≤ 100 ms)")
    day = decayed["date"][-1]
    median, least = timed(lambda: sensitivity(decayed, day), args.repeat)
    print(f"sensitivity, one day: median {median:.2f} ms, least {least:.2f} ms")

    if args.long_days:
        long = decay_daily(long_daily(args.long_days), 180.0)
        median, least = timed(lambda: weight_band(long, ranges, draws=args.draws), max(1, args.repeat // 5))
        print(f"weight_band, synthetic span ({long.height:,} days × {args.draws:,} draws, in blocks of days): "
              f"median {median:.0f} ms, least {least:.0f} ms")


if __name__ == "__main__":
    main()
