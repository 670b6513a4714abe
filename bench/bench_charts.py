"""Size and build time of the dashboard's Plotly figures, optionally their drawing time in Chromium.

Run from the repository root: ``python bench/bench_charts.py [--browser]``. Prints figures (no assertions) for three
working sets: the bundled record, 200,000 synthetic events over five years, and 100 events spread over 1900–2100
(73,000 days). Targets: the index figure ≤ 250 kB and the contributions figure ≤ 150 kB on the bundled record, the
index figure ≤ 1 MB with 200k events and ≤ 2 MB over 73k days. ``--browser`` also draws each figure in headless
Chromium (Playwright, Plotly's bundled plotly.js) and prints the time of a first draw and of a redraw with new
weights (``Plotly.react``, what a slider move does), each until two animation frames have passed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import plotly.graph_objects as go
import polars as pl

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import tension  # noqa: E402
from tension import charts  # noqa: E402

REDRAW_WEIGHTS = {"sanctions": -3.0, "talks": 6.0}


def synthetic(n: int, start: dt.date, days: int, seed: int = 1) -> pl.DataFrame:
    """``n`` events of random types and saliences over ``days`` days from ``start`` (no statements)."""
    rng = np.random.default_rng(seed)
    return pl.DataFrame({
        "id": [f"syn-{i}" for i in range(n)], "offset": np.sort(rng.integers(0, days, n)),
        "type": rng.choice(tension.type_ids(), n), "actor": "USA", "target": "CHN",
        "summary": [f"Synthetic event {i}." for i in range(n)],
        "statement": pl.Series([None] * n, dtype=pl.String), "source": "synthetic",
        "salience": rng.choice([0.7, 1.0, 1.5], n),
    }).with_columns(date=pl.lit(start) + pl.duration(days=pl.col("offset"))).drop("offset")


def builders(events: pl.DataFrame, weights: dict[str, float] | None = None) -> dict[str, Callable[[], go.Figure]]:
    """The four dashboard figures of one working set as the app draws them (full range, default view)."""
    index = tension.compute_index(events, weights)
    scored = tension.score_events(events, weights)
    last = index["date"][-1]
    why = tension.drivers(scored, last).filter(pl.col("contribution") != 0)
    return {
        "index": lambda: charts.index_figure(index, scored, day=last, landmarks=5),
        "contributions": lambda: charts.contributions_figure(index, weights),
        "tone": lambda: charts.tone_figure(index),
        "drivers": lambda: charts.drivers_figure(why),
    }


def timed(build: Callable[[], go.Figure], repeat: int = 3) -> tuple[go.Figure, float]:
    """The figure and the median seconds to build it."""
    times, fig = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        fig = build()
        times.append(time.perf_counter() - start)
    return fig, statistics.median(times)


_DRAW = """async ([fig, next]) => {
  const frames = () => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
  const div = document.getElementById('plot');
  Plotly.purge(div);
  let t = performance.now();
  await Plotly.newPlot(div, fig.data, fig.layout, {displaylogo: false});
  await frames();
  const first = performance.now() - t;
  t = performance.now();
  await Plotly.react(div, next.data, next.layout, {displaylogo: false});
  await frames();
  return [first, performance.now() - t, div.querySelectorAll('path.point').length];
}"""


def browser_times(pairs: list[tuple[str, go.Figure, go.Figure]]) -> None:
    """Print first-draw and redraw times in headless Chromium for (label, figure, figure with new weights)."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        print("  (browser timing skipped: playwright is not installed)")
        return
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    plotly_js = Path(go.__file__).parent.parent / "package_data" / "plotly.min.js"
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1366, "height": 900})
        page.set_content("<html><body style='margin:0'><div id='plot' style='width:1300px'></div></body></html>")
        page.add_script_tag(path=str(plotly_js))
        for label, fig, nxt in pairs:
            args = [json.loads(fig.to_json()), json.loads(nxt.to_json())]
            runs = [page.evaluate(_DRAW, args) for _ in range(3)]
            first = statistics.median(r[0] for r in runs)
            redraw = statistics.median(r[1] for r in runs)
            print(f"  {label:32s} first draw {first:7.0f} ms   redraw {redraw:7.0f} ms   "
                  f"SVG points {runs[-1][2]:,}")
        browser.close()


def bench(label: str, events: pl.DataFrame, browser: bool) -> None:
    """Print size and build time of each figure for one working set (and browser times if asked)."""
    print(f"{label} ({events.height:,} events, {events['date'].min()} to {events['date'].max()}):")
    pairs = []
    redraw = builders(events, REDRAW_WEIGHTS)
    for name, build in builders(events).items():
        fig, seconds = timed(build)
        print(f"  {name:14s} {charts.figure_bytes(fig) / 1000:9.1f} kB   built in {seconds * 1000:7.1f} ms   "
              f"{len(fig.data)} traces, {sum(len(t.y) if t.y is not None else 0 for t in fig.data):,} points")
        pairs.append((f"{name}", fig, redraw[name]()))
    if browser:
        browser_times(pairs)


def main() -> None:
    """Benchmark the three working sets."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--browser", action="store_true", help="also time drawing in headless Chromium")
    args = parser.parse_args()
    bench("bundled record", tension.load_events(ROOT / "data" / "events.csv"), args.browser)
    bench("200k synthetic events", synthetic(200_000, dt.date(2020, 1, 1), 5 * 365), args.browser)
    bench("100 events over 1900-2100", synthetic(100, dt.date(1900, 1, 1), 73_049), args.browser)


if __name__ == "__main__":
    main()
