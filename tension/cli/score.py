"""The ``score`` command: the daily index from an events CSV, an aggregated GDELT result or a daily table."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tension.cli.common import (
    date_arg,
    finite_float,
    half_life_arg,
    positive_float,
    read_weights,
    write_output,
)
from tension.cli.inputs import load_scoring_input
from tension.export import export_csv
from tension.index import DEFAULT_HALF_LIFE, DEFAULT_SCALE, DEFAULT_TONE_WEIGHT, compute_index
from tension.tone.scorers import scorer


def _score(args: argparse.Namespace) -> int:
    weights = read_weights(args.weights) if args.weights else None
    events = load_scoring_input(args.events)
    if "n_events" in events.columns:  # a daily table: say how many missing days count as days without events
        gaps = (events["date"].max() - events["date"].min()).days + 1 - events.height
        if gaps:
            print(f"{args.events.name}: {gaps} missing day{'s' if gaps != 1 else ''} between the first and last "
                  "day scored as days without events", file=sys.stderr)
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
    p.add_argument("--tone-weight", type=finite_float, default=DEFAULT_TONE_WEIGHT,
                   help=f"weight of a statement's tone in [-1, 1] (default {DEFAULT_TONE_WEIGHT:g})")
    p.add_argument("--tone-scorer", choices=("diplomatic", "learned"), default="diplomatic",
                   help="how statements without a given tone are scored: the diplomatic lexicon and rules "
                        "(default) or the model learned from labelled statements (docs/tone.md)")
    p.add_argument("--scale", type=positive_float, default=DEFAULT_SCALE,
                   help=f"raw value that maps to index 7.6 (10·tanh(1)) (default {DEFAULT_SCALE:g})")
    p.add_argument("--start", type=date_arg, help="first day of the output, YYYY-MM-DD (after the last event only "
                                                  "together with --end)")
    p.add_argument("--end", type=date_arg, help="last day of the output, YYYY-MM-DD (days after the last event "
                                                "show the memory decaying)")
    p.set_defaults(func=_score)
