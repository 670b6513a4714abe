"""Analysis commands: ``alerts`` (the days when relations moved sharply)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tension.analysis.alerts import (
    DEFAULT_H,
    DEFAULT_K,
    DEFAULT_SPAN,
    alerts,
    alerts_per_year,
)
from tension.cli.common import finite_float, half_life_arg, positive_float, read_weights, write_output
from tension.cli.inputs import load_scoring_input
from tension.export import export_csv
from tension.index import DEFAULT_HALF_LIFE, DEFAULT_TONE_WEIGHT


def _non_negative(text: str) -> float:
    """A finite number ≥ 0."""
    value = finite_float(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected a finite number ≥ 0, got {text!r}")
    return value


def _span(text: str) -> float:
    """A span of at least one day."""
    value = finite_float(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a number of days ≥ 1, got {text!r}")
    return value


def _alerts(args: argparse.Namespace) -> int:
    weights = read_weights(args.weights) if args.weights else None
    data = load_scoring_input(args.events)
    found = alerts(data, weights, tone_weight=args.tone_weight, half_life=args.half_life, span=args.span, k=args.k,
                   h=args.h)
    write_output(export_csv(found), args.out)
    per_year = ", ".join(f"{row['year']}: {row['total']}" for row in alerts_per_year(found).iter_rows(named=True))
    print(f"{found.height} alert{'' if found.height == 1 else 's'}"
          f"{f' ({per_year})' if per_year else ''}", file=sys.stderr)
    return 0


def add_alerts(sub: argparse._SubParsersAction) -> None:
    """Register ``alerts``."""
    p = sub.add_parser("alerts", help="list the days when relations moved sharply",
                       description="Find the days when relations moved sharply: each day's shock is standardised "
                                   "against an EWMA of the past days' level and spread, and a two-sided CUSUM flags "
                                   "runs beyond its threshold (docs/alerts.md). Writes one CSV row per alert: date, "
                                   "direction, size, z, start, shock, index, d_index_7d, n_events, events.")
    p.add_argument("events", type=Path, help="events CSV (or a daily table / aggregate_sql result, as score reads)")
    p.add_argument("--out", type=Path, help="output CSV (default: standard output)")
    p.add_argument("--weights", type=Path, help="TOML file of 'type = weight' lines overriding the defaults")
    p.add_argument("--half-life", type=half_life_arg, default=DEFAULT_HALF_LIFE,
                   help=f"memory of the index in days, for the index columns (default {DEFAULT_HALF_LIFE:g})")
    p.add_argument("--tone-weight", type=finite_float, default=DEFAULT_TONE_WEIGHT,
                   help=f"weight of a statement's tone in [-1, 1] (default {DEFAULT_TONE_WEIGHT:g})")
    p.add_argument("--span", type=_span, default=DEFAULT_SPAN,
                   help=f"EWMA span in days of the baseline level and spread (default {DEFAULT_SPAN:g})")
    p.add_argument("--k", type=_non_negative, default=DEFAULT_K,
                   help=f"CUSUM allowance in spreads per day (default {DEFAULT_K:g})")
    p.add_argument("--h", type=positive_float, default=DEFAULT_H,
                   help=f"CUSUM threshold in spreads (default {DEFAULT_H:g})")
    p.set_defaults(func=_alerts)
