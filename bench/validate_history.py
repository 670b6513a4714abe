"""Does the default index tell the known history? Prints the checks and correlations with external series.

Run: python bench/validate_history.py [--events data/events.csv] [--shared ../shared/data]
- the known-history checks of tension.validation on the default index;
- the half-years ranked from lowest;
- Pearson r of monthly mean index with the GDELT China–US daily edge series (gzemo, 2018-01..2024-02, summed
  Goldstein per day, monthly mean) and with the Geopolitical Risk country shares for China and the US
  (Caldara–Iacoviello, monthly), where those files are present.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import tension  # noqa: E402
from tension.validation import check_history, half_year_means, monthly_means  # noqa: E402


def correlate(ours: pl.DataFrame, theirs: pl.DataFrame, column: str) -> tuple[float, int]:
    """Pearson r and the number of months both series cover."""
    both = ours.join(theirs, on="month", how="inner").drop_nulls()
    return float(both.select(pl.corr("index", column)).item()), both.height


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=Path, default=ROOT / "data" / "events.csv")
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--half-life", type=float, default=tension.DEFAULT_HALF_LIFE)
    parser.add_argument("--scale", type=float, default=tension.DEFAULT_SCALE)
    args = parser.parse_args()

    events = tension.load_events(args.events)
    index = tension.compute_index(events, half_life=args.half_life, scale=args.scale)
    print(f"{events.height} events, {index['date'].min()} .. {index['date'].max()}; "
          f"half-life {args.half_life:g} d, scale {args.scale:g}")
    with pl.Config(tbl_rows=40, tbl_width_chars=140, fmt_str_lengths=60):
        print(check_history(index))
        years = index.group_by(year=pl.col("date").dt.year()).agg(mean=pl.col("index").mean(),
                                                                  events=pl.col("n_events").sum()).sort("year")
        print(years)
        print(half_year_means(index.filter(pl.col("date") < pl.date(2025, 1, 1))).head(5))

    ours = monthly_means(index)
    gdelt = args.shared / "gdelt" / "gzemo-gdelt-graph-data__daily_CHN_USA_edge_2018-2024.csv"
    if gdelt.exists():
        edge = pl.read_csv(gdelt, try_parse_dates=True).select("date", "CHN_USA_edge")
        r, n = correlate(ours, monthly_means(edge, "CHN_USA_edge"), "CHN_USA_edge")
        print(f"monthly mean index vs GDELT CHN-USA edge (gzemo): r = {r:+.3f} over {n} months")
        level = ours.join(monthly_means(edge, "CHN_USA_edge"), on="month").with_columns(
            pl.col("index").diff().alias("d_index"), pl.col("CHN_USA_edge").diff().alias("d_edge")).drop_nulls()
        print(f"  month-on-month changes: r = {level.select(pl.corr('d_index', 'd_edge')).item():+.3f}")
    gpr = args.shared / "gpr" / "MahmoudHzn-Egypt-FIP__data_gpr_export__GPR_CHN_USA_TWN_HKG_subset.csv"
    if gpr.exists():
        shares = pl.read_csv(gpr, infer_schema_length=0).with_columns(
            month=pl.col("month").str.to_date("%Y-%m"),
            GPRC_CHN=pl.col("GPRC_CHN").cast(pl.Float64, strict=False),
            GPRC_USA=pl.col("GPRC_USA").cast(pl.Float64, strict=False))
        for col in ("GPRC_CHN", "GPRC_USA"):
            r, n = correlate(ours, shares.select("month", col), col)
            print(f"monthly mean index vs GPR country share {col}: r = {r:+.3f} over {n} months")


if __name__ == "__main__":
    main()
