"""What every command shares: the usage error, argument types and writing output."""

from __future__ import annotations

import argparse
import datetime as dt
import math
import sys
from pathlib import Path


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


def write_output(data: bytes, out: Path | None) -> None:
    """Write ``data`` to ``out``, or to standard output when ``out`` is None."""
    if out is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        out.write_bytes(data)
