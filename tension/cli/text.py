"""Command-line commands ``extract`` (a news article) and ``timeline`` (a hand-kept timeline) to candidate events.

Both write CSV through ``export_csv``: the event columns plus date_precision, date_text, speaker, tone, trigger,
sentence_no, sentence and also_in. Candidates are for review; docs/text.md explains every column.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

import polars as pl

from tension.cli.common import date_arg
from tension.export import export_csv
from tension.sources.article import events_from_text
from tension.sources.timeline import events_from_timeline


def published_arg(text: str) -> dt.date:
    """A publication date YYYY-MM-DD within the supported range of event dates, so that resolving "tomorrow" or
    "99 years ago" against it cannot leave the calendar."""
    return date_arg(text)


def read_text(path: Path) -> str:
    """The UTF-8 text of ``path``; a ValueError naming the file if it cannot be read or is not UTF-8 (the CLI
    reports it without a traceback)."""
    try:
        return path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise ValueError(f"{path}: cannot read the file ({exc.strerror or exc})") from None
    except UnicodeDecodeError as exc:
        raise ValueError(f"{path}: byte {exc.start} is not UTF-8 text (expected a UTF-8 text file)") from None


def write_csv(frame: pl.DataFrame, out: Path | None) -> None:
    """Write ``frame`` as safe CSV to ``out``, or to standard output when ``out`` is None."""
    data = export_csv(frame)
    if out is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        out.write_bytes(data)


def _report(frame: pl.DataFrame, what: str) -> None:
    untyped = int(frame["type"].is_null().sum()) if frame.height else 0
    statements = int((frame["type"] == "statement").sum()) if frame.height else 0
    print(f"{frame.height} candidate events from {what} ({statements} quoted statements, {untyped} untyped "
          "lines to review)", file=sys.stderr)


def _extract(args: argparse.Namespace) -> int:
    text = read_text(args.article)
    frame = events_from_text(text, args.published, source=args.source or f"{args.article.name} "
                             f"(published {args.published.isoformat()})")
    write_csv(frame, args.out)
    _report(frame, str(args.article))
    return 0


def _timeline(args: argparse.Namespace) -> int:
    text = read_text(args.timeline)
    frame = events_from_timeline(text, name=str(args.timeline), source=args.source)
    write_csv(frame, args.out)
    _report(frame, str(args.timeline))
    return 0


def add_extract(sub: argparse._SubParsersAction) -> None:
    """Register ``extract``."""
    p = sub.add_parser("extract", help="code a news article into candidate events",
                       description="Code a news article (UTF-8 text) into candidate events with dates resolved "
                                   "against the publication date, and quoted statements with their speaker and "
                                   "tone. The output is for review before it joins an events file.")
    p.add_argument("article", type=Path, help="the article as a UTF-8 text file")
    p.add_argument("--published", type=published_arg, required=True, help="publication date, YYYY-MM-DD")
    p.add_argument("--source", help="the source column (default: file name and publication date)")
    p.add_argument("--out", type=Path, help="output CSV (default: standard output)")
    p.set_defaults(func=_extract)


def add_timeline(sub: argparse._SubParsersAction) -> None:
    """Register ``timeline``."""
    p = sub.add_parser("timeline", help="code a dated timeline into candidate events, one per line",
                       description="Code a timeline into candidate events, one per entry: dated lines "
                                   "('2023-06-18 — text', 'June 18, 2023: text', 'June 2023: text') or a CSV "
                                   "with a date and a text column. Lines no rule types are kept with an empty "
                                   "type, to be reviewed; a line without a date is an error.")
    p.add_argument("timeline", type=Path, help="the timeline: UTF-8 text or CSV")
    p.add_argument("--source", help="the source column (default: 'timeline FILE')")
    p.add_argument("--out", type=Path, help="output CSV (default: standard output)")
    p.set_defaults(func=_timeline)
