"""Commands for machine-coded feeds: ``import-gdelt``, ``import-icews`` and ``gdelt-sql``.

Every failure of an import (a file, archive or line that cannot be read) is one line on stderr and exit status 2;
an output that ``score`` would reject (duplicated ids) is not written.
"""

from __future__ import annotations

import argparse
import lzma
import sys
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import polars as pl

from tension.cli.common import UsageError, date_arg, write_output
from tension.cli.inputs import is_aggregate_file, polars_errors_named, read_aggregate
from tension.export import export_csv
from tension.sources.feeds import (
    DEFAULT_NORMALISATION,
    MAX_LINE_BYTES,
    NORMALISATIONS,
    SHOWN_PROBLEMS,
    FeedSummary,
    check_dyad,
    error_kind,
    one_line,
)
from tension.sources.gdelt import aggregate_sql, read_gdelt
from tension.sources.icews import read_actors, read_icews


@contextmanager
def _no_traceback(files: list[Path]) -> Iterator[None]:
    """A last guard: an error the importers did not turn into a FeedError becomes one line naming the files."""
    try:
        yield
    except (pl.exceptions.PolarsError, RuntimeError, zlib.error, lzma.LZMAError, EOFError) as exc:
        names = ", ".join(p.name for p in files)
        raise UsageError(one_line(f"{names}: cannot be imported ({error_kind(exc)}: {exc})")) from None


def _is_aggregate(path: Path) -> bool:
    """A gdelt-sql result CSV; only a bounded first line is read (a huge or binary file is not one)."""
    with path.open("rb") as fh:
        if len(fh.readline(MAX_LINE_BYTES + 1)) > MAX_LINE_BYTES:
            return False
    return is_aggregate_file(path)


def _check_duplicates(summary: FeedSummary, dropped: bool) -> None:
    """Refuse to write events with repeated ids: ``score`` rejects them."""
    if summary.duplicates and not dropped:
        ids = ", ".join(f"{i} ×{n}" for i, n in sorted(summary.duplicates.items())[:SHOWN_PROBLEMS])
        raise UsageError(f"{len(summary.duplicates):,} event ids occur more than once ({ids}), and an events file "
                         "needs unique ids: give --drop-duplicates to keep the first of each (is a file given twice?)")


def _report(summary: FeedSummary) -> None:
    print(summary.line(), file=sys.stderr)


def _write(frame: pl.DataFrame, out: Path | None) -> None:
    write_output(export_csv(frame), out)


def _import_gdelt(args: argparse.Namespace) -> int:
    dyad = check_dyad(args.dyad)
    aggregates = [p for p in args.files if p.is_file() and _is_aggregate(p)]
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
    with _no_traceback(args.files):
        events, summary = read_gdelt(args.files, dyad=dyad, normalisation=args.normalisation,
                                     tone=not args.no_tone, drop_duplicates=args.drop_duplicates)
    _check_duplicates(summary, args.drop_duplicates)
    _write(events, args.out)
    _report(summary)
    return 0


def _import_icews(args: argparse.Namespace) -> int:
    actors = read_actors(args.actors) if args.actors else None
    with _no_traceback(args.files):
        events, summary = read_icews(args.files, dyad=check_dyad(args.dyad), normalisation=args.normalisation,
                                     actors=actors, drop_duplicates=args.drop_duplicates)
    _check_duplicates(summary, args.drop_duplicates)
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
                   help="remove repeated event ids (keeping the first); without it an import with repeated ids is "
                        "refused, as an events file needs unique ids")


def add_import_gdelt(sub: argparse._SubParsersAction) -> None:
    """Register ``import-gdelt``."""
    p = sub.add_parser("import-gdelt", help="import GDELT exports as an events CSV",
                       description="Import GDELT 1.0 / 2.0 exports or BigQuery CSV exports (plain or zipped) as an "
                                   "events CSV of one country pair, or turn gdelt-sql results into a daily table "
                                   "that 'score' takes. A summary line goes to stderr; a file where no line parses, "
                                   "or a zip that is damaged, encrypted, nested or unpacks to more than 2 GiB or "
                                   "200 times its size, is an error (exit 2).")
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
                                   "summary line goes to stderr; a file where no line parses, or a zip that is "
                                   "damaged, encrypted, nested or past the size limits, is an error (exit 2).")
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
