"""Commands for machine-coded feeds: ``import-gdelt``, ``import-icews`` and ``gdelt-sql``; and the input reader
that lets ``score`` take an aggregated GDELT query result or a daily table as well as an events CSV."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import polars as pl

from tension.events import load_events
from tension.export import export_csv
from tension.sources.feeds import (
    DEFAULT_NORMALISATION,
    NORMALISATIONS,
    FeedSummary,
    check_dyad,
)
from tension.sources.gdelt import AGGREGATE_COLUMNS, aggregate_sql, daily_from_aggregate, read_gdelt, unmapped_codes
from tension.sources.icews import read_actors, read_icews
from tension.taxonomy import type_ids


def _header(path: Path) -> list[str]:
    with path.open("rb") as fh:
        first = fh.readline().decode("utf-8", errors="replace").lstrip("\ufeff").strip()
    return [c.strip().strip('"') for c in first.split(",")]


def _is_aggregate_file(path: Path) -> bool:
    return path.is_file() and set(AGGREGATE_COLUMNS) <= set(_header(path))


def _read_daily(path: Path) -> pl.DataFrame:
    names = ["date", "n_events", "n_statements", "tone_sum", *(f"s_{t}" for t in type_ids())]
    frame = pl.read_csv(path, columns=names, schema_overrides={"date": pl.Date, "n_events": pl.Int64,
                                                               "n_statements": pl.Int64})
    return frame.with_columns(pl.col(names[3:]).cast(pl.Float64))


def _read_aggregate(path: Path, normalisation: str = DEFAULT_NORMALISATION) -> pl.DataFrame:
    frame = pl.read_csv(path, schema_overrides={"type": pl.String, "unmapped_code": pl.String})
    unmapped = unmapped_codes(frame)
    if unmapped:
        codes = ", ".join(f"{c} ×{n}" for c, n in unmapped.items())
        print(f"{path.name}: {sum(unmapped.values()):,} events with unmapped CAMEO codes left out ({codes})",
              file=sys.stderr)
    return daily_from_aggregate(frame, normalisation)


@contextmanager
def _polars_errors_named(path: Path) -> Iterator[None]:
    """Re-raise a polars error while reading ``path`` as a ValueError naming the file (exit status 2)."""
    try:
        yield
    except pl.exceptions.PolarsError as exc:
        raise ValueError(f"{path.name}: cannot be read ({exc})") from None


def load_scoring_input(path: Path) -> pl.DataFrame:
    """What ``score`` reads, told apart by the header: an events CSV (including those written by import-gdelt and
    import-icews, whose ``tone`` column stands in for quoted words), an ``aggregate_sql`` result (normalised with
    ``log``) or a daily table (``date, n_events, n_statements, tone_sum, s_<type>``)."""
    header = set(_header(path)) if path.is_file() else set()
    with _polars_errors_named(path):
        if set(AGGREGATE_COLUMNS) <= header:
            return _read_aggregate(path)
        if f"s_{type_ids()[0]}" in header and "type" not in header:
            return _read_daily(path)
    return load_events(path)


def _report(summary: FeedSummary) -> None:
    print(summary.line(), file=sys.stderr)


def _write(frame: pl.DataFrame, out: Path | None) -> None:
    from tension.cli import write_output  # tension.cli imports this module to register its commands

    write_output(export_csv(frame), out)


def _import_gdelt(args: argparse.Namespace) -> int:
    dyad = check_dyad(args.dyad)
    aggregates = [p for p in args.files if _is_aggregate_file(p)]
    if aggregates:
        from tension.cli import UsageError

        if len(aggregates) != len(args.files):
            raise UsageError("give either GDELT export files or aggregate_sql results, not both")
        frames = []
        for p in aggregates:
            with _polars_errors_named(p):
                frames.append(_read_aggregate(p, args.normalisation))
        daily = pl.concat(frames)
        if daily["date"].is_duplicated().any():
            raise UsageError("the aggregate files overlap: a day appears in more than one")
        _write(daily.sort("date"), args.out)
        print(f"{daily.height:,} days, {int(daily['n_events'].sum()):,} events from {len(aggregates)} aggregate "
              f"file(s), normalisation {args.normalisation}", file=sys.stderr)
        return 0
    events, summary = read_gdelt(args.files, dyad=dyad, normalisation=args.normalisation, tone=not args.no_tone,
                                 drop_duplicates=args.drop_duplicates)
    _write(events, args.out)
    _report(summary)
    return 0


def _import_icews(args: argparse.Namespace) -> int:
    actors = read_actors(args.actors) if args.actors else None
    events, summary = read_icews(args.files, dyad=check_dyad(args.dyad), normalisation=args.normalisation,
                                 actors=actors, drop_duplicates=args.drop_duplicates)
    _write(events, args.out)
    _report(summary)
    return 0


def _gdelt_sql(args: argparse.Namespace) -> int:
    from tension.cli import write_output

    sql = aggregate_sql(check_dyad(args.dyad), args.start, args.end, dialect=args.dialect, table=args.table)
    write_output((sql + "\n").encode("utf-8"), args.out)
    return 0


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--out", type=Path, help="output CSV (default: standard output)")
    p.add_argument("--dyad", default="CHN,USA", help="two ISO3 country codes, both directions (default CHN,USA)")
    p.add_argument("--normalisation", choices=NORMALISATIONS, default=DEFAULT_NORMALISATION,
                   help="salience of machine-coded events: log = each (day, type) sums to log1p(n), "
                        "mentions = each day sums to 1 shared by mentions, raw = 1 per event "
                        f"(default {DEFAULT_NORMALISATION})")
    p.add_argument("--drop-duplicates", action="store_true",
                   help="remove repeated event ids (keeping the first); without it they are only reported")


def add_import_gdelt(sub: argparse._SubParsersAction) -> None:
    """Register ``import-gdelt``."""
    p = sub.add_parser("import-gdelt", help="import GDELT exports as an events CSV",
                       description="Import GDELT 1.0 / 2.0 exports or BigQuery CSV exports (plain or zipped) as an "
                                   "events CSV of one country pair, or turn gdelt-sql results into a daily table "
                                   "that 'score' takes. A summary line goes to stderr; a file where no line parses "
                                   "is an error (exit 2).")
    p.add_argument("files", type=Path, nargs="+", metavar="FILE", help="GDELT export files (.CSV, .zip) or "
                                                                        "gdelt-sql result CSVs")
    _common(p)
    p.add_argument("--no-tone", action="store_true", help="leave out the tone column built from AvgTone")
    p.set_defaults(func=_import_gdelt)


def add_import_icews(sub: argparse._SubParsersAction) -> None:
    """Register ``import-icews``."""
    p = sub.add_parser("import-icews", help="import ICEWS event files as an events CSV",
                       description="Import ICEWS event files (Harvard Dataverse layout or the date/source/relation/"
                                   "target text form; plain or zipped) as an events CSV of one country pair. A "
                                   "summary line goes to stderr; a file where no line parses is an error (exit 2).")
    p.add_argument("files", type=Path, nargs="+", metavar="FILE", help="ICEWS files (.tab, .tsv, .csv, .zip)")
    _common(p)
    p.add_argument("--actors", type=Path, help="CSV of 'name,country' rows giving the ISO3 country of people named "
                                               "as actors in the text form (e.g. Donald Trump,USA)")
    p.set_defaults(func=_import_icews)


def add_gdelt_sql(sub: argparse._SubParsersAction) -> None:
    """Register ``gdelt-sql``."""
    from tension.cli import date_arg

    p = sub.add_parser("gdelt-sql", help="print the SQL that aggregates a GDELT events table",
                       description="Print one SQL query that filters a GDELT events table to a country pair, maps "
                                   "CAMEO codes to event types and aggregates per (day, type), for BigQuery "
                                   "(gdelt-bq.gdeltv2.events), Spark or DuckDB. Save its result as CSV and give it "
                                   "to 'score' or 'import-gdelt'.")
    p.add_argument("--dyad", default="CHN,USA", help="two ISO3 country codes (default CHN,USA)")
    p.add_argument("--start", type=date_arg, help="first day, YYYY-MM-DD")
    p.add_argument("--end", type=date_arg, help="last day, YYYY-MM-DD")
    p.add_argument("--dialect", default="bigquery", choices=("bigquery", "spark", "duckdb"),
                   help="SQL dialect (default bigquery)")
    p.add_argument("--table", help="table name (default `gdelt-bq.gdeltv2.events` for BigQuery, else 'events')")
    p.add_argument("--out", type=Path, help="output file (default: standard output)")
    p.set_defaults(func=_gdelt_sql)
