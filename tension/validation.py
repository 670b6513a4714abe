"""Checks of an index against China–US history that people who follow the relationship recognise.

Each check compares the mean index over two windows (or two years, or ranks a half-year); ``check_history`` runs
them all on a daily index and says which hold, so any weighting can be tested against the known record.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

import polars as pl

D = dt.date


@dataclass(frozen=True)
class Change:
    """The mean index over ``after`` should be ``direction`` (above/below) the mean over ``before``."""

    name: str
    before: tuple[dt.date, dt.date]
    after: tuple[dt.date, dt.date]
    direction: Literal["rise", "fall"]


#: Known turns of the relationship, each with windows either side of the event (inclusive dates).
KNOWN_CHANGES: tuple[Change, ...] = (
    Change("2019 below 2017 (trade war)", (D(2017, 1, 1), D(2017, 12, 31)), (D(2019, 1, 1), D(2019, 12, 31)), "fall"),
    Change("falls across August 2022 (Pelosi in Taiwan)", (D(2022, 7, 15), D(2022, 7, 31)),
           (D(2022, 8, 6), D(2022, 8, 20)), "fall"),
    Change("rises across the Bali summit (14 Nov 2022)", (D(2022, 11, 7), D(2022, 11, 13)),
           (D(2022, 11, 14), D(2022, 11, 20)), "rise"),
    Change("falls across the balloon (Feb 2023)", (D(2023, 1, 25), D(2023, 2, 1)),
           (D(2023, 2, 4), D(2023, 2, 11)), "fall"),
    Change("rises across Blinken's visit (18-19 June 2023)", (D(2023, 6, 10), D(2023, 6, 17)),
           (D(2023, 6, 19), D(2023, 6, 26)), "rise"),
    Change("rises across the Woodside summit (15 Nov 2023)", (D(2023, 11, 8), D(2023, 11, 14)),
           (D(2023, 11, 15), D(2023, 11, 22)), "rise"),
)


def _mean(index: pl.DataFrame, window: tuple[dt.date, dt.date]) -> float | None:
    part = index.filter(pl.col("date").is_between(*window))
    return None if part.height == 0 else float(part["index"].mean())


def check_history(index: pl.DataFrame) -> pl.DataFrame:
    """Each known change with the mean index before and after and whether it holds (null when out of range)."""
    rows = []
    for c in KNOWN_CHANGES:
        before, after = _mean(index, c.before), _mean(index, c.after)
        ok = None if before is None or after is None else (after > before if c.direction == "rise"
                                                           else after < before)
        rows.append({"check": c.name, "before": before, "after": after, "holds": ok})
    return pl.DataFrame(rows, schema={"check": pl.String, "before": pl.Float64, "after": pl.Float64,
                                      "holds": pl.Boolean})


def half_year_means(index: pl.DataFrame) -> pl.DataFrame:
    """Mean index per half-year (``period`` like ``2020H2``), lowest first."""
    return (index.with_columns(period=pl.col("date").dt.year().cast(pl.String) + "H"
                               + pl.when(pl.col("date").dt.month() <= 6).then(pl.lit("1")).otherwise(pl.lit("2")))
            .group_by("period").agg(mean=pl.col("index").mean(), days=pl.len()).sort("mean"))


def monthly_means(index: pl.DataFrame, column: str = "index") -> pl.DataFrame:
    """Mean of ``column`` per calendar month (``month`` = first day of the month)."""
    return (index.group_by(month=pl.col("date").dt.truncate("1mo")).agg(pl.col(column).mean()).sort("month"))
