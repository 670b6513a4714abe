"""What every command shares: the usage error, argument types and writing output."""

from __future__ import annotations

import argparse
import datetime as dt
import math
import sys
import tomllib
from pathlib import Path

from tension.events import check_date, plain_number
from tension.taxonomy import type_ids


class UsageError(Exception):
    """A problem with the command's arguments or input that is reported without a traceback."""


def finite_float(text: str) -> float:
    """A finite number in plain decimal notation (no nan, inf, digit separators)."""
    value = plain_number(text)
    if value is None:
        raise argparse.ArgumentTypeError(f"expected a finite number such as 2 or -0.5, got {text!r}")
    return value


def positive_float(text: str) -> float:
    """A finite number greater than 0, in plain decimal notation."""
    value = plain_number(text)
    if value is None or value <= 0:
        raise argparse.ArgumentTypeError(f"expected a finite number greater than 0, got {text!r}")
    return value


def half_life_arg(text: str) -> float:
    """A half-life in days: a non-negative number, or 'inf' / 'none' for no decay."""
    if text.strip().lower() in {"inf", "infinity", "none"}:
        return math.inf
    value = plain_number(text)
    if value is None or value < 0:
        raise argparse.ArgumentTypeError(f"expected days (a number ≥ 0) or 'inf', got {text!r}")
    return value


def date_arg(text: str) -> dt.date:
    """An ISO date YYYY-MM-DD within the supported range (``EARLIEST_DATE``..``LATEST_DATE``)."""
    day, wrong = check_date(text.strip())
    if day is None:
        raise argparse.ArgumentTypeError(f"{text!r} {wrong}")
    return day


def write_output(data: bytes, out: Path | None) -> None:
    """Write ``data`` to ``out``, or to standard output when ``out`` is None."""
    if out is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        out.write_bytes(data)


def read_weights(path: Path) -> dict[str, float]:
    """Weights from a TOML file: ``type = weight`` lines, at the top level or under ``[weights]``."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: cannot read weights file ({exc})") from None
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"{path}: not valid TOML ({exc})") from None
    table = data.get("weights", data)
    if not isinstance(table, dict):
        raise UsageError(f"{path}: 'weights' must be a table ([weights] followed by 'type = weight' lines), "
                         f"got {table!r}")
    if table is not data and len(data) > 1:
        others = ", ".join(repr(k) for k in data if k != "weights")
        raise UsageError(f"{path}: give the weights either at the top level or under [weights], not both "
                         f"(found {others} outside [weights])")
    out = {}
    for key, value in table.items():
        if key not in type_ids():
            raise UsageError(f"{path}: unknown event type {key!r}; known types: {', '.join(type_ids())}")
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise UsageError(f"{path}: weight for {key!r} must be a finite number, got {value!r}")
        out[key] = float(value)
    return out
