"""The command line: ``python -m tension COMMAND ...``; a thin layer over the library.

Each command is registered by an ``add_*`` function below; bad input prints one message per problem on stderr
and exits with status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import sys
import tomllib
from collections.abc import Callable, Sequence
from pathlib import Path

from tension.cli_feeds import add_gdelt_sql, add_import_gdelt, add_import_icews, load_scoring_input
from tension.cli_text import add_extract, add_timeline
from tension.cli_tone import add_tone_eval, add_tone_train
from tension.events import EventDataError
from tension.export import export_csv
from tension.index import DEFAULT_HALF_LIFE, DEFAULT_SCALE, DEFAULT_TONE_WEIGHT, compute_index
from tension.taxonomy import type_ids
from tension.tone_scorers import scorer


class UsageError(Exception):
    """A problem with the command's arguments or input that is reported without a traceback."""


def half_life_arg(text: str) -> float:
    """A half-life in days: a non-negative number, or 'inf' / 'none' for no decay."""
    if text.strip().lower() in {"inf", "infinity", "none"}:
        return math.inf
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected days (a number ≥ 0) or 'inf', got {text!r}") from None
    if value < 0 or math.isnan(value):
        raise argparse.ArgumentTypeError(f"expected days (a number ≥ 0) or 'inf', got {text!r}")
    return value


def date_arg(text: str) -> dt.date:
    """An ISO date YYYY-MM-DD."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date YYYY-MM-DD, got {text!r}") from None


def read_weights(path: Path) -> dict[str, float]:
    """Weights from a TOML file: ``type = weight`` lines, at the top level or under ``[weights]``."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: cannot read weights file ({exc})") from None
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"{path}: not valid TOML ({exc})") from None
    table = data.get("weights", data)
    out = {}
    for key, value in table.items():
        if key not in type_ids():
            raise UsageError(f"{path}: unknown event type {key!r}; known types: {', '.join(type_ids())}")
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise UsageError(f"{path}: weight for {key!r} must be a number, got {value!r}")
        out[key] = float(value)
    return out


def write_output(data: bytes, out: Path | None) -> None:
    """Write ``data`` to ``out``, or to standard output when ``out`` is None."""
    if out is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        out.write_bytes(data)


def _score(args: argparse.Namespace) -> int:
    weights = read_weights(args.weights) if args.weights else None
    events = load_scoring_input(args.events)
    index = compute_index(events, weights, half_life=args.half_life, tone_weight=args.tone_weight,
                          scale=args.scale, start=args.start, end=args.end, tone=scorer(args.tone_scorer))
    write_output(export_csv(index), args.out)
    last = index.row(-1, named=True)
    n_events = int(events["n_events"].sum()) if "n_events" in events.columns else events.height  # a daily table
    print(f"{n_events} events, {index.height} days; index on {last['date']}: {last['index']:+.2f} "
          f"({last['level']})", file=sys.stderr)
    return 0


def add_score(sub: argparse._SubParsersAction) -> None:
    """Register ``score``."""
    p = sub.add_parser("score", help="compute the daily index from an events CSV",
                       description="Compute the daily cooperation–confrontation index from an events CSV and "
                                   "write it as CSV (date, n_events, shock, raw, index, level, contrib_*).")
    p.add_argument("events", type=Path, help="events CSV (columns date,type,actor,target,summary,source; "
                                             "optional id,statement,salience)")
    p.add_argument("--out", type=Path, help="output CSV (default: standard output)")
    p.add_argument("--weights", type=Path, help="TOML file of 'type = weight' lines overriding the defaults")
    p.add_argument("--half-life", type=half_life_arg, default=DEFAULT_HALF_LIFE,
                   help=f"memory in days; 0 = no memory, 'inf' = no decay (default {DEFAULT_HALF_LIFE:g})")
    p.add_argument("--tone-weight", type=float, default=DEFAULT_TONE_WEIGHT,
                   help=f"weight of a statement's tone in [-1, 1] (default {DEFAULT_TONE_WEIGHT:g})")
    p.add_argument("--tone-scorer", choices=("diplomatic", "learned"), default="diplomatic",
                   help="how statements without a given tone are scored: the diplomatic lexicon and rules "
                        "(default) or the model learned from labelled statements (docs/tone.md)")
    p.add_argument("--scale", type=float, default=DEFAULT_SCALE,
                   help=f"raw value that maps to index 7.6 (10·tanh(1)) (default {DEFAULT_SCALE:g})")
    p.add_argument("--start", type=date_arg, help="first day of the output, YYYY-MM-DD")
    p.add_argument("--end", type=date_arg, help="last day of the output, YYYY-MM-DD")
    p.set_defaults(func=_score)


#: Every command's registration function; a new command adds one line here.
COMMANDS: tuple[Callable[[argparse._SubParsersAction], None], ...] = (
    add_score, add_extract, add_timeline, add_import_gdelt, add_import_icews, add_gdelt_sql, add_tone_eval,
    add_tone_train,
)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every command registered."""
    parser = argparse.ArgumentParser(prog="python -m tension",
                                     description="tension: a daily cooperation–confrontation index of two "
                                                 "governments' events and statements.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for add in COMMANDS:
        add(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (2 for bad input)."""
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except EventDataError as exc:
        print(f"error: {exc}", file=sys.stderr)
    except (UsageError, ValueError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
    return 2
