"""Compare tension's daily series from machine-coded feeds with external daily China–US series.

The ICEWS trade-war sample (2018-08-29..2018-10-31, every day) is imported with each normalisation and scored
with the default weights (no memory, so each day's value is its shock); the result is correlated with gzemo's
daily GDELT 2.0 China–US "edge" score (Goldstein plus small source, article and tone terms, summed per day) over
the days both have, as daily values and as 7-day means. As a reference, the same is done for the plain sum of the
CAMEO Goldstein values of the ICEWS events (what the external score is closest to), and for the GDELT BigQuery
fixture's days. The external files are not part of the project (GPL-3.0); give their paths.

    python bench/compare_feeds.py [--gzemo PATH] [--icews PATH] [--actors PATH]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import tension  # noqa: E402
from tension.sources.gdelt import daily_from_aggregate  # noqa: E402
from tension.sources.icews import read_actors, read_icews  # noqa: E402
from tension.taxonomy import cameo_table  # noqa: E402

SHARED = ROOT.parent / "shared" / "data"
FIX = ROOT / "tests" / "fixtures"


def daily_value(events: pl.DataFrame) -> pl.DataFrame:
    """date, value: the day's shock under the default weights, with no memory."""
    index = tension.compute_index(events, half_life=0)
    return index.select("date", pl.col("shock").alias("value"))


def goldstein_sum(events: pl.DataFrame, code_column: str) -> pl.DataFrame:
    """date, value: the sum of the CAMEO Goldstein values of the day's events."""
    table = cameo_table().select(pl.col("cameo_code").alias(code_column), "goldstein")
    return events.join(table, on=code_column).group_by("date").agg(value=pl.col("goldstein").sum())


def correlations(ours: pl.DataFrame, theirs: pl.DataFrame) -> tuple[int, float, float, float]:
    """Days in common, Pearson and Spearman r of daily values, Pearson r of 7-day means (over all days)."""
    days = pl.DataFrame({"date": pl.date_range(ours["date"].min(), ours["date"].max(), "1d", eager=True)})
    both = days.join(ours, on="date", how="left").fill_null(0.0).join(theirs, on="date", how="left", suffix="_ext")
    both = both.with_columns(ours7=pl.col("value").rolling_mean(7), theirs7=pl.col("value_ext").rolling_mean(7))
    paired = both.drop_nulls(["value_ext"])
    pearson = paired.select(pl.corr("value", "value_ext")).item()
    spearman = paired.select(pl.corr("value", "value_ext", method="spearman")).item()
    weekly = both.drop_nulls(["ours7", "theirs7"]).select(pl.corr("ours7", "theirs7")).item()
    return paired.height, pearson, spearman, weekly


def row(label: str, stats: tuple[int, float, float, float]) -> str:
    """One line of the table (n/a where a correlation is undefined, e.g. fewer than 3 days)."""
    n, *rs = stats
    cells = ["n/a" if r is None or r != r else f"{r:.3f}" for r in rs]
    return f"{label:58} {n:5d} {cells[0]:>8} {cells[1]:>9} {cells[2]:>8}"


def main() -> None:
    """Print the correlation table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gzemo", type=Path,
                        default=SHARED / "gdelt" / "gzemo-gdelt-graph-data__daily_CHN_USA_edge_2018-2024.csv")
    parser.add_argument("--icews", type=Path, default=FIX / "icews18_chn_usa.tsv")
    parser.add_argument("--actors", type=Path, default=FIX / "icews_actors.csv")
    parser.add_argument("--aggregate", type=Path, help="a gdelt-sql result CSV (e.g. BigQuery, 2018-2024) to "
                                                       "correlate as well")
    args = parser.parse_args()
    gzemo = pl.read_csv(args.gzemo, columns=["date", "CHN_USA_edge"], try_parse_dates=True).select(
        pl.col("date").cast(pl.Date), pl.col("CHN_USA_edge").alias("value"))
    actors = read_actors(args.actors)
    print(f"external: gzemo CHN_USA_edge, {gzemo.height:,} days {gzemo['date'].min()}..{gzemo['date'].max()}")
    print(f"{'series':58} {'days':>5} {'pearson':>8} {'spearman':>9} {'7-day r':>8}")
    for normalisation in ("log", "mentions", "raw"):
        events, _ = read_icews([args.icews], actors=actors, normalisation=normalisation)
        print(row(f"ICEWS sample, tension shock, {normalisation}", correlations(daily_value(events), gzemo)))
    events, _ = read_icews([args.icews], actors=actors, normalisation="raw")
    print(row("ICEWS sample, Goldstein sum (reference)", correlations(goldstein_sum(events, "cameo_code"), gzemo)))
    if args.aggregate:
        frame = pl.read_csv(args.aggregate, schema_overrides={"type": pl.String, "unmapped_code": pl.String})
        for normalisation in ("log", "mentions", "raw"):
            daily = daily_from_aggregate(frame, normalisation)
            print(row(f"GDELT gdelt-sql result, tension shock, {normalisation}",
                      correlations(daily_value(daily), gzemo)))

if __name__ == "__main__":
    main()
