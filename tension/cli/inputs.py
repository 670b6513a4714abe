"""What ``score`` reads, told apart by the header: an events CSV, an ``aggregate_sql`` result or a daily table."""

from __future__ import annotations

import datetime as dt
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import polars as pl

from tension.events import (
    MAX_PROBLEMS,
    EventDataError,
    Problem,
    check_date,
    decode_text,
    load_events,
    plain_number,
    read_records,
    unescape,
)
from tension.index import daily_columns
from tension.sources.feeds import DEFAULT_NORMALISATION, MAX_LINE_BYTES
from tension.sources.gdelt import AGGREGATE_COLUMNS, daily_from_aggregate, unmapped_codes
from tension.taxonomy import type_ids

_COUNT = re.compile(r"[0-9]{1,18}")  # fits Int64


def header(path: Path) -> list[str]:
    """The column names of a CSV's first line, read at most ``MAX_LINE_BYTES`` (a longer first line is an error)."""
    with path.open("rb") as fh:
        line = fh.readline(MAX_LINE_BYTES + 1)
    if len(line) > MAX_LINE_BYTES:
        raise ValueError(f"{path.name}, line 1: longer than {MAX_LINE_BYTES:,} bytes (expected a CSV header)")
    first = line.decode("utf-8", errors="replace").lstrip("\ufeff").strip()
    return [c.strip().strip('"') for c in first.split(",")]


def is_aggregate_file(path: Path) -> bool:
    return path.is_file() and set(AGGREGATE_COLUMNS) <= set(header(path))


def read_daily(path: Path) -> pl.DataFrame:
    """A daily table CSV (``date, n_events, n_statements, tone_sum, s_<type>``; other columns ignored), every cell
    checked: a date in the supported range and not repeated, whole-number counts, plain finite decimals, salience
    sums ≥ 0. Problems raise EventDataError with line and column; missing days are filled later (``check_daily``)."""
    name = path.name
    header, records, lines = read_records(decode_text(path.read_bytes(), name), name)
    header = [unescape(h) for h in header]
    names = daily_columns()
    problems = [Problem(1, c, None, "required column of a daily table is missing") for c in names if c not in header]
    problems += [Problem(1, c, None, "column appears twice in the header") for c in names if header.count(c) > 1]
    if problems:
        raise EventDataError(name, problems)
    if not records:
        raise EventDataError(name, [Problem(None, None, None, "the file has a header but no rows")])
    where = {c: header.index(c) for c in names}
    columns: dict[str, list] = {c: [] for c in names}
    seen: dict[dt.date, int] = {}
    for record, line in zip(records, lines):
        cells = {c: unescape(record[where[c]]).strip() for c in names}
        day, wrong = check_date(cells["date"])
        if wrong:
            problems.append(Problem(line, "date", cells["date"], wrong))
        elif day in seen:
            problems.append(Problem(line, "date", cells["date"], f"duplicates the date on line {seen[day]} (a daily "
                                    "table has one row per day)"))
        else:
            seen[day] = line
        columns["date"].append(day)
        for c in names[1:3]:
            ok = _COUNT.fullmatch(cells[c]) is not None
            if not ok:
                problems.append(Problem(line, c, cells[c], "is not a whole number ≥ 0"))
            columns[c].append(int(cells[c]) if ok else 0)
        for c in names[3:]:
            value = plain_number(cells[c])
            if value is None:
                problems.append(Problem(line, c, cells[c], "is not a finite number in plain decimal notation"))
            elif value < 0 and c != "tone_sum":
                problems.append(Problem(line, c, cells[c], "must not be negative (a sum of saliences)"))
            columns[c].append(0.0 if value is None else value)
    if problems:
        raise EventDataError(name, problems[:MAX_PROBLEMS], total=len(problems))
    types = {"date": pl.Date, "n_events": pl.Int64, "n_statements": pl.Int64}
    return pl.DataFrame({c: pl.Series(c, v, dtype=types.get(c, pl.Float64)) for c, v in columns.items()})


def read_aggregate(path: Path, normalisation: str = DEFAULT_NORMALISATION) -> pl.DataFrame:
    frame = pl.read_csv(path, schema_overrides={"type": pl.String, "unmapped_code": pl.String})
    unmapped = unmapped_codes(frame)
    if unmapped:
        codes = ", ".join(f"{c} ×{n}" for c, n in unmapped.items())
        print(f"{path.name}: {sum(unmapped.values()):,} events with unmapped CAMEO codes left out ({codes})",
              file=sys.stderr)
    return daily_from_aggregate(frame, normalisation)


@contextmanager
def polars_errors_named(path: Path) -> Iterator[None]:
    """Re-raise a polars error while reading ``path`` as a ValueError naming the file (exit status 2)."""
    try:
        yield
    except pl.exceptions.PolarsError as exc:
        raise ValueError(f"{path.name}: cannot be read ({exc})") from None


def load_scoring_input(path: Path) -> pl.DataFrame:
    """What ``score`` reads, told apart by the header: an events CSV (including those written by import-gdelt and
    import-icews, whose ``tone`` column stands in for quoted words), an ``aggregate_sql`` result (normalised with
    ``log``) or a daily table (``date, n_events, n_statements, tone_sum, s_<type>``)."""
    columns = set(header(path)) if path.is_file() else set()
    with polars_errors_named(path):
        if set(AGGREGATE_COLUMNS) <= columns:
            return read_aggregate(path)
        if f"s_{type_ids()[0]}" in columns and "type" not in columns:
            return read_daily(path)
    return load_events(path)
