"""Benchmark: import a generated GDELT 2.0 export of N rows (default 1M, ~0.5 GB) with tension.sources.gdelt.

Prints rows/s, the peak heap memory of the importing process, and the ratio of the import time to the time it takes
to read the same bytes (and to polars parsing every column); the file is imported twice over as well, to show that
memory does not grow with the file.
The generated files go to a temporary folder (default /tmp) and are deleted afterwards.

    python bench/bench_gdelt.py [--rows 1000000] [--dir /tmp]
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
import polars as pl

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tension.sources.gdelt import GDELT2_COLUMNS  # noqa: E402
from tension.taxonomy import cameo_table  # noqa: E402

COUNTRIES = np.array(["USA", "CHN", "GBR", "RUS", "IND", "FRA", "DEU", "JPN", "", "PAK", "ISR", "IRN"])


def generate(path: Path, rows: int, seed: int = 7) -> None:
    """Write a GDELT 2.0 export of ``rows`` random but well-formed rows (tab-separated, no header)."""
    rng = np.random.default_rng(seed)
    codes = cameo_table().filter(pl.col("cameo_code").str.len_chars() >= 3)["cameo_code"].to_numpy()
    chunk = 250_000
    with path.open("wb") as fh:
        for start in range(0, rows, chunk):
            n = min(chunk, rows - start)
            c1 = COUNTRIES[rng.integers(0, len(COUNTRIES), n)]
            c2 = COUNTRIES[rng.integers(0, len(COUNTRIES), n)]
            code = codes[rng.integers(0, len(codes), n)]
            day = (20180101 + rng.integers(0, 28, n)).astype(str)
            data = {c: np.full(n, "", dtype=object) for c in GDELT2_COLUMNS}
            data.update({
                "GLOBALEVENTID": (700_000_000 + start + np.arange(n)).astype(str),
                "SQLDATE": day, "MonthYear": np.full(n, "201801"), "Year": np.full(n, "2018"),
                "FractionDate": np.full(n, "2018.0137"),
                "Actor1Code": np.char.add(c1.astype(str), "GOV"), "Actor1Name": np.full(n, "GOVERNMENT"),
                "Actor1CountryCode": c1, "Actor2Code": c2, "Actor2Name": np.full(n, "COUNTRY NAME"),
                "Actor2CountryCode": c2, "IsRootEvent": np.full(n, "1"), "EventCode": code,
                "EventBaseCode": np.array([c[:3] for c in code]), "EventRootCode": np.array([c[:2] for c in code]),
                "QuadClass": np.full(n, "1"), "GoldsteinScale": np.round(rng.uniform(-10, 10, n), 1).astype(str),
                "NumMentions": rng.integers(1, 30, n).astype(str), "NumSources": np.full(n, "1"),
                "NumArticles": rng.integers(1, 30, n).astype(str),
                "AvgTone": np.round(rng.normal(-2, 3, n), 6).astype(str),
                "Actor1Geo_Type": np.full(n, "4"), "Actor1Geo_FullName": np.full(n, "Washington, District of "
                                                                                   "Columbia, United States"),
                "Actor1Geo_CountryCode": np.full(n, "US"), "Actor1Geo_ADM1Code": np.full(n, "USDC"),
                "Actor1Geo_ADM2Code": np.full(n, "531871"), "ActionGeo_ADM2Code": np.full(n, "13001"),
                "Actor1Geo_Lat": np.full(n, "38.8951"), "Actor1Geo_Long": np.full(n, "-77.0364"),
                "Actor1Geo_FeatureID": np.full(n, "531871"),
                "Actor2Geo_Type": np.full(n, "4"), "Actor2Geo_FullName": np.full(n, "Beijing, Beijing, China"),
                "Actor2Geo_CountryCode": np.full(n, "CH"), "Actor2Geo_ADM1Code": np.full(n, "CH22"),
                "Actor2Geo_ADM2Code": np.full(n, "13001"),
                "Actor2Geo_Lat": np.full(n, "39.9289"), "Actor2Geo_Long": np.full(n, "116.388"),
                "Actor2Geo_FeatureID": np.full(n, "-1898541"),
                "ActionGeo_Type": np.full(n, "4"), "ActionGeo_FullName": np.full(n, "Beijing, Beijing, China"),
                "ActionGeo_CountryCode": np.full(n, "CH"), "ActionGeo_ADM1Code": np.full(n, "CH22"),
                "ActionGeo_Lat": np.full(n, "39.9289"), "ActionGeo_Long": np.full(n, "116.388"),
                "ActionGeo_FeatureID": np.full(n, "-1898541"),
                "DATEADDED": np.char.add(day, "044500"),
                "SOURCEURL": np.char.add("https://www.example-news-site.com/world/asia-pacific/2018/01/04/officials-meet-to-discuss-trade-story-",
                                         rng.integers(0, 10**9, n).astype(str)),
            })
            frame = pl.DataFrame({c: pl.Series(c, data[c], dtype=pl.String) for c in GDELT2_COLUMNS})
            fh.write(frame.write_csv(separator="\t", include_header=False, quote_style="never").encode())


def _status(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


class PeakMemory:
    """Samples this process's anonymous resident memory (heap, not the page cache of the file read) every 5 ms."""

    def __init__(self) -> None:
        self.peak_kb = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak_kb = max(self.peak_kb, _status("RssAnon"))
            time.sleep(0.005)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak_kb = max(self.peak_kb, _status("RssAnon"))


def measure(mode: str, path: str) -> dict:
    """Run one measurement in this (fresh) process: ``import``, ``parse`` (polars, all columns) or ``read`` (bytes)."""
    from tension.sources.gdelt import read_gdelt

    with PeakMemory() as memory:
        start = time.perf_counter()
        if mode == "read":
            with open(path, "rb") as fh:
                while fh.read(1 << 22):
                    pass
            result = {}
        elif mode == "parse":
            frame = pl.read_csv(path, has_header=False, separator="\t", quote_char=None, infer_schema=False)
            result = {"rows": frame.height}
        else:
            events, summary = read_gdelt([path])
            result = {"rows": summary.rows_read, "dyad": summary.dyad_rows, "events": events.height}
        result["seconds"] = time.perf_counter() - start
    result["peak_mb"] = memory.peak_kb / 1024
    result["hwm_mb"] = _status("VmHWM") / 1024
    return result


def child(mode: str, path: Path) -> dict:
    """``measure`` in a child process, so that each peak memory figure is its own."""
    out = subprocess.run([sys.executable, __file__, "--measure", mode, str(path)], capture_output=True, text=True,
                         check=True, cwd=ROOT)
    return json.loads(out.stdout)


def main() -> None:
    """Generate, measure, print, delete."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--dir", default="/tmp")
    parser.add_argument("--measure", nargs=2, metavar=("MODE", "FILE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(*args.measure)))
        return
    with tempfile.TemporaryDirectory(dir=args.dir, prefix="tension-bench-") as tmp:
        big, double = Path(tmp) / "big.export.CSV", Path(tmp) / "double.export.CSV"
        t0 = time.perf_counter()
        generate(big, args.rows)
        with double.open("wb") as dst:
            for _ in range(2):
                with big.open("rb") as src:
                    shutil.copyfileobj(src, dst, 1 << 24)
        size = big.stat().st_size
        print(f"generated {args.rows:,} GDELT 2.0 rows, {size / 1e6:,.0f} MB, in {time.perf_counter() - t0:.1f} s")
        child("read", big)  # warm the page cache once so that every timing reads from memory
        read = child("read", big)
        parse = child("parse", big)
        run = child("import", big)
        twice = child("import", double)
        rate = run["rows"] / run["seconds"]
        print(f"read the bytes:        {read['seconds']:.2f} s ({size / 1e6 / read['seconds']:,.0f} MB/s)")
        print(f"polars, all 61 columns as text: {parse['seconds']:.2f} s, peak {parse['peak_mb']:,.0f} MB")
        print(f"import {run['rows']:,} rows: {run['seconds']:.2f} s = {rate:,.0f} rows/s "
              f"({size / 1e6 / run['seconds']:,.0f} MB/s); {run['dyad']:,} CHN-USA rows, {run['events']:,} events")
        print(f"import {twice['rows']:,} rows (the file twice): {twice['seconds']:.2f} s = "
              f"{twice['rows'] / twice['seconds']:,.0f} rows/s")
        print(f"ratio import / read the bytes: {run['seconds'] / read['seconds']:.1f}x; "
              f"import / polars parsing all columns: {run['seconds'] / parse['seconds']:.2f}x")
        print(f"peak heap memory (RssAnon): import {run['peak_mb']:,.0f} MB for {size / 1e6:,.0f} MB, "
              f"{twice['peak_mb']:,.0f} MB for {2 * size / 1e6:,.0f} MB; reading the bytes {read['peak_mb']:,.0f} MB; "
              f"polars parse {parse['peak_mb']:,.0f} MB")
        print(f"(peak resident incl. the memory-mapped file pages, VmHWM: import {run['hwm_mb']:,.0f} MB, "
              f"twice {twice['hwm_mb']:,.0f} MB)")

if __name__ == "__main__":
    main()
