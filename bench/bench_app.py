"""Server-side timing of the dashboard with Streamlit's AppTest: cold start and warm reruns after a slider move.

Run from the repository root: ``python bench/bench_app.py``. Prints figures (no assertions). Targets: a warm rerun
after a weight slider move ≤ 300 ms and a cold start ≤ 3 s with the bundled record. AppTest times include its
own polling and element-tree parsing, so they are an upper bound on the script's time.
"""

from __future__ import annotations

import datetime as dt
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import polars as pl
import streamlit as st
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
APP = ROOT / "app.py"


def synthetic_events(n: int, start: dt.date, end: dt.date, seed: int = 1) -> pl.DataFrame:
    """``n`` random events of every type between ``start`` and ``end`` (a fifth with a statement)."""
    from tension import type_ids

    rng = np.random.default_rng(seed)
    days = (end - start).days
    types = rng.choice(type_ids(), n)
    said = rng.random(n) < 0.2
    words = ["We firmly oppose this provocation.", "Both sides agreed to deepen cooperation.",
             "This is a serious violation of our sovereignty.", "The talks were candid and constructive."]
    statements = [words[i % 4] if said[i] or types[i] == "statement" else None for i in range(n)]
    return pl.DataFrame({
        "id": [f"syn-{i:05d}" for i in range(n)],
        "date": [start + dt.timedelta(days=int(d)) for d in rng.integers(0, days + 1, n)],
        "type": types, "actor": rng.choice(["USA: State Department", "CHN: Foreign Ministry"], n),
        "target": rng.choice(["CHN", "USA"], n), "summary": [f"Synthetic event {i}." for i in range(n)],
        "statement": pl.Series(statements, dtype=pl.String), "source": ["synthetic"] * n,
        "salience": rng.choice([0.7, 1.0, 1.5], n),
    }).sort("date")


def timed(at: AppTest) -> float:
    """Seconds for one ``at.run()``; raises on an app exception."""
    t = time.perf_counter()
    at.run()
    elapsed = time.perf_counter() - t
    if at.exception:
        raise RuntimeError(at.exception[0].value)
    return elapsed


def bench(label: str, events: pl.DataFrame | None = None, moves: int = 15) -> None:
    """Print cold-start, warm slider-move and half-life-change timings for one working set."""
    st.cache_data.clear()
    at = AppTest.from_file(str(APP), default_timeout=120)
    if events is not None:
        at.session_state["tension_events"] = events
        at.session_state["tension_events_label"] = label
    cold = timed(at)
    timed(at)  # settle
    warm = []
    for i in range(moves):
        at.slider(key="w_sanctions").set_value(round(-9.0 + 0.5 * (i % 10), 1))
        warm.append(timed(at))
    half = []
    for value in (30.0, 90.0, 180.0, 730.0):
        at.select_slider(key="half_life").set_value(value)
        half.append(timed(at))
    n = at.session_state["tension_events"].height if events is not None else None
    print(f"{label}{f' ({n:,} events)' if n else ''}:")
    print(f"  cold start (empty cache)            {cold * 1000:7.0f} ms")
    print(f"  warm rerun after a weight slider    median {statistics.median(warm) * 1000:5.0f} ms, "
          f"max {max(warm) * 1000:5.0f} ms over {moves}")
    print(f"  rerun after a new half-life (miss)  median {statistics.median(half) * 1000:5.0f} ms")


def main() -> None:
    """Cold start in a fresh process (imports included), then the bundled record and a synthetic record."""
    st.cache_data.clear()
    at = AppTest.from_file(str(APP), default_timeout=120)
    print(f"first run in this process (imports of tension, plotly, polars included): {timed(at) * 1000:.0f} ms")
    bench("bundled record (data/events.csv)")
    bench("synthetic record 2017–2026", synthetic_events(1000, dt.date(2017, 1, 1), dt.date(2026, 11, 1)))
    bench("synthetic record 2000–2026", synthetic_events(10_000, dt.date(2000, 1, 1), dt.date(2026, 11, 1)),
          moves=5)


if __name__ == "__main__":
    main()
