"""The command ``update-gdelt``: bring the local GDELT store up to date from GDELT's own file lists.

A progress bar (files, bytes, ETA) and one summary line go to stderr. Exit status 0 when every listed file was
stored, 1 when some failed (they are named, and retried by the next run), 2 for bad arguments or unreadable lists.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from tqdm import tqdm

from tension.cli.common import UsageError, date_arg, positive_float, write_output
from tension.events import load_events
from tension.export import export_csv
from tension.sources.feeds import DEFAULT_NORMALISATION, NORMALISATIONS, check_dyad
from tension.sources.fetch import DEFAULT_BASE_URL, FetchError, FetchSettings, client
from tension.sources.store import default_store, last_day, load_store, plan_update, run_update

#: The bundled hand-coded record; an empty store starts at its last day.
RECORD = Path(__file__).resolve().parents[2] / "data" / "events.csv"


def _base_url(text: str) -> str:
    if not text.startswith(("http://", "https://")):
        raise argparse.ArgumentTypeError(f"expected an http:// or https:// URL, got {text!r}")
    return text


def _attempts(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 20:
        raise argparse.ArgumentTypeError(f"expected a whole number of attempts from 1 to 20, got {text!r}")
    return int(text)


def _start(args: argparse.Namespace) -> dt.date:
    """--start, else the last day in the store, else the bundled record's last day."""
    if args.start:
        return args.start
    day = last_day(args.store)
    if day is not None:
        return day
    if RECORD.exists():
        return load_events(RECORD)["date"].max()
    raise UsageError("the store is empty and the bundled record is not here: give --start")


def _update_gdelt(args: argparse.Namespace) -> int:
    dyad = check_dyad(args.dyad)
    start = _start(args)
    end = args.end or dt.datetime.now(dt.UTC).date()
    settings = FetchSettings(base_url=args.base_url, attempts=args.attempts, timeout=args.timeout)
    with client(settings) as http:
        try:
            plan = plan_update(http, args.store, start, end, settings, dyad=dyad, refresh_list=args.refresh_list)
        except FetchError as exc:
            raise UsageError(f"cannot read GDELT's file lists: {exc}") from None
        with tqdm(total=plan.bytes, unit="B", unit_scale=True, unit_divisor=1024, desc="update-gdelt",
                  disable=args.no_progress, file=sys.stderr) as bar:
            bar.set_postfix_str(f"files 0/{len(plan.files)}")
            report = run_update(http, args.store, plan, settings, dyad=dyad, keep_downloads=args.keep_downloads,
                                progress=bar.update,
                                on_file=lambda done, total: bar.set_postfix_str(f"files {done}/{total}"))
    print(report.line(), file=sys.stderr)
    if args.out is not None:
        events = load_store(args.store, normalisation=args.normalisation)
        write_output(export_csv(events), args.out)
        print(f"{events.height:,} events written to {args.out} (normalisation {args.normalisation})",
              file=sys.stderr)
    return 1 if report.failed else 0


def add_update_gdelt(sub: argparse._SubParsersAction) -> None:
    """Register ``update-gdelt``."""
    p = sub.add_parser("update-gdelt", help="fetch new GDELT 2.0 exports into the local store",
                       description="Download GDELT 2.0 event exports for a range of days from GDELT's file lists "
                                   "(masterfilelist.txt, lastupdate.txt), check each file's size and MD5, and add "
                                   "the country pair's events to a local store (Parquet by day; GLOBALEVENTID is "
                                   "the key, so a second run adds nothing twice). Days without any export are "
                                   "reported as gaps. Exit 1 when some files failed (retried on the next run).")
    p.add_argument("--store", type=Path, default=default_store(),
                   help=f"store folder (default $TENSION_GDELT_STORE, else {default_store()})")
    p.add_argument("--start", type=date_arg, help="first day, YYYY-MM-DD (default: the store's last day, or the "
                                                  "bundled record's last day for an empty store)")
    p.add_argument("--end", type=date_arg, help="last day, YYYY-MM-DD (default: today, UTC)")
    p.add_argument("--dyad", default="CHN,USA", help="two ISO3 country codes, both directions (default CHN,USA)")
    p.add_argument("--base-url", type=_base_url, default=DEFAULT_BASE_URL,
                   help=f"where the lists and exports are (default {DEFAULT_BASE_URL}; a mirror)")
    p.add_argument("--attempts", type=_attempts, default=FetchSettings.attempts,
                   help=f"tries per file, with exponential backoff (default {FetchSettings.attempts})")
    p.add_argument("--timeout", type=positive_float, default=FetchSettings.timeout,
                   help=f"seconds to wait to connect or for data (default {FetchSettings.timeout:g})")
    p.add_argument("--keep-downloads", action="store_true", help="keep the checked .zip files in STORE/downloads")
    p.add_argument("--refresh-list", action="store_true",
                   help="download masterfilelist.txt whole instead of its new tail")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.add_argument("--out", type=Path, help="also write the store's events as an events CSV")
    p.add_argument("--normalisation", choices=NORMALISATIONS, default=DEFAULT_NORMALISATION,
                   help=f"salience of the events written by --out (default {DEFAULT_NORMALISATION})")
    p.set_defaults(func=_update_gdelt)
