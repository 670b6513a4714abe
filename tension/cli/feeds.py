"""Commands for machine-coded feeds: ``import-gdelt``, ``import-icews`` and ``gdelt-sql``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import polars as pl

from tension.cli.common import UsageError, date_arg, write_output
from tension.cli.inputs import is_aggregate_file, polars_errors_named, read_aggregate
from tension.export import export_csv
from tension.sources.feeds import DEFAULT_NORMALISATION, NORMALISATIONS, FeedSummary, check_dyad
from tension.sources.gdelt import aggregate_sql, read_gdelt
from tension.sources.icews import read_actors, read_icews


def _report(summary: FeedSummary) -> None:
    print(summary.line(), file=sys.stderr)


def _write(frame: pl.DataFrame, out: Path | None) -> None:
    write_output(export_csv(frame), out)


def _import_gdelt(args: argparse.Namespace) -> int:
    dyad = check_dyad(args.dyad)
    aggregates = [p for p in args.files if is_aggregate_file(p)]
    if aggregates:
        if len(aggregates) != len(args.files):
            raise UsageError("give either GDELT export files or aggregate_sql results, not both")
        frames = []
        for p in aggregates:
            with polars_errors_named(p):
                frames.append(read_aggregate(p, args.normalisation))
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
