"""What ``score`` reads, told apart by the header: an events CSV, an ``aggregate_sql`` result or a daily table."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import polars as pl

from tension.events import load_events
from tension.sources.feeds import DEFAULT_NORMALISATION
from tension.sources.gdelt import AGGREGATE_COLUMNS, daily_from_aggregate, unmapped_codes
from tension.taxonomy import type_ids


def header(path: Path) -> list[str]:
    with path.open("rb") as fh:
        first = fh.readline().decode("utf-8", errors="replace").lstrip("\ufeff").strip()
    return [c.strip().strip('"') for c in first.split(",")]


def is_aggregate_file(path: Path) -> bool:
    return path.is_file() and set(AGGREGATE_COLUMNS) <= set(header(path))


def _read_daily(path: Path) -> pl.DataFrame:
    names = ["date", "n_events", "n_statements", "tone_sum", *(f"s_{t}" for t in type_ids())]
    frame = pl.read_csv(path, columns=names, schema_overrides={"date": pl.Date, "n_events": pl.Int64,
                                                               "n_statements": pl.Int64})
    return frame.with_columns(pl.col(names[3:]).cast(pl.Float64))


def read_aggregate(path: Path, normalisation: str = DEFAULT_NORMALISATION) -> pl.DataFrame:
    frame = pl.read_csv(path, schema_overrides={"type": pl.String, "unmapped_code": pl.String})
    unmapped = unmapped_codes(frame)
    if unmapped:
        codes = ", ".join(f"{c} ×{n}" for c, n in unmapped.items())
        print(f"{path.name}: {sum(unmapped.values()):,} events with unmapped CAMEO codes left out ({codes})",
              file=sys.stderr)
    return daily_from_aggregate(frame, normalisation)


@contextmanager
def polars_errors_named(path: Path) -> Iterator[None]:
    """Re-raise a polars error while reading ``path`` as a ValueError naming the file (exit status 2)."""
    try:
        yield
    except pl.exceptions.PolarsError as exc:
        raise ValueError(f"{path.name}: cannot be read ({exc})") from None


def load_scoring_input(path: Path) -> pl.DataFrame:
    """What ``score`` reads, told apart by the header: an events CSV (including those written by import-gdelt and
    import-icews, whose ``tone`` column stands in for quoted words), an ``aggregate_sql`` result (normalised with
    ``log``) or a daily table (``date, n_events, n_statements, tone_sum, s_<type>``)."""
    columns = set(header(path)) if path.is_file() else set()
    with polars_errors_named(path):
        if set(AGGREGATE_COLUMNS) <= columns:
            return read_aggregate(path)
        if f"s_{type_ids()[0]}" in columns and "type" not in columns:
            return _read_daily(path)
    return load_events(path)
