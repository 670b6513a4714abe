"""The event schema: loading and validating event CSV files into polars frames.

Every problem is reported with file, line, column and value (``EventDataError``); nothing is silently dropped,
deduplicated or coerced. The documented defaults: an empty ``salience`` cell means 1.0; an empty ``tone`` cell
(an optional column, for machine-coded feeds that carry their own tone) means "score the statement".
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import io
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import polars as pl

from tension.taxonomy import type_ids

REQUIRED = ("date", "type", "actor", "target", "summary", "source")
OPTIONAL = ("id", "statement", "salience", "tone")
#: Columns of a loaded event frame, in order; extra columns of the file follow them.
COLUMNS = ("id", "date", "type", "actor", "target", "summary", "statement", "source", "salience")
MAX_PROBLEMS = 50
#: Event dates must lie in this range (checked at load, documented in the README): the dashboard's date widgets
#: and charts cannot show dates far outside it, and every day of a span costs a row of the daily table.
EARLIEST_DATE = dt.date(1900, 1, 1)
LATEST_DATE = dt.date(2100, 12, 31)
_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input file, located by line (1-based, the header is line 1) and column."""

    line: int | None
    column: str | None
    value: str | None
    message: str

    def describe(self, name: str) -> str:
        """The problem as one sentence that names the file, line, column and value."""
        where = name
        if self.line is not None:
            where += f", line {self.line}"
        if self.column is not None:
            where += f", column '{self.column}'"
        shown = "" if self.value is None else f" {_show(self.value)}:"
        return f"{where}:{shown} {self.message}"


class EventDataError(ValueError):
    """Invalid event data; ``problems`` lists every problem found (up to ``MAX_PROBLEMS`` described)."""

    def __init__(self, name: str, problems: list[Problem], total: int | None = None):
        self.name = name
        self.problems = problems
        self.total = len(problems) if total is None else total
        lines = [p.describe(name) for p in problems[:MAX_PROBLEMS]]
        if self.total > len(lines):
            lines.append(f"... and {self.total - len(lines)} more problems")
        head = f"{name}: {self.total} problem{'s' if self.total != 1 else ''} found"
        super().__init__(head + "\n" + "\n".join(lines))


def _show(value: str) -> str:
    return repr(value if len(value) <= 60 else value[:57] + "...")


def _read_source(source: str | Path | BinaryIO | bytes, name: str | None) -> tuple[bytes, str]:
    if isinstance(source, bytes):
        return source, name or "<bytes>"
    if isinstance(source, (str, Path)):
        path = Path(source)
        return path.read_bytes(), name or path.name
    data = source.read()
    if isinstance(data, str):
        data = data.encode("utf-8")
    return data, name or getattr(source, "name", None) or "<upload>"


def decode_text(data: bytes, name: str) -> str:
    """UTF-8 (BOM optional) bytes as text; binary or non-UTF-8 bytes raise EventDataError with their line."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    nul = data.find(b"\x00")
    if nul >= 0:
        line = data.count(b"\n", 0, nul) + 1
        raise EventDataError(name, [Problem(line, None, None,
                                            f"byte {nul} is a NUL byte: this is binary data, not CSV text")])
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise EventDataError(name, [Problem(line, None, None,
                             f"byte {exc.start} is not UTF-8 text (expected a UTF-8 CSV file)")]) from None


def read_records(text: str, name: str) -> tuple[list[str], list[list[str]], list[int]]:
    """Parse CSV text into header, records and each record's first line number; ragged rows are errors."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    records: list[list[str]] = []
    lines: list[int] = []
    problems: list[Problem] = []
    header: list[str] | None = None
    previous = 0
    try:
        for row in reader:
            start = previous + 1
            previous = reader.line_num
            if header is None:
                if not row or all(not c.strip() for c in row):
                    continue
                header = [c.strip() for c in row]
                continue
            if not row:
                continue
            if len(row) != len(header):
                problems.append(Problem(start, None, None,
                                        f"has {len(row)} fields, expected {len(header)} as in the header"))
                continue
            records.append(row)
            lines.append(start)
    except csv.Error as exc:
        problems.append(Problem(reader.line_num, None, None, f"is not valid CSV ({exc})"))
    if header is None:
        raise EventDataError(name, [Problem(None, None, None, "the file is empty (expected a CSV header "
                                            f"with the columns {', '.join(REQUIRED)})")])
    if problems:
        raise EventDataError(name, problems)
    return header, records, lines


def _check_header(header: list[str], name: str) -> None:
    problems = []
    seen = set()
    for col in header:
        if col in seen:
            problems.append(Problem(1, col, None, "column appears twice in the header"))
        seen.add(col)
    for col in REQUIRED:
        if col not in seen:
            close = difflib.get_close_matches(col, [h for h in header if h], n=1, cutoff=0.6)
            close = close or [h for h in header if h.lower() == col]
            hint = f" (found {close[0]!r}: did you mean {col!r}?)" if close else ""
            problems.append(Problem(1, col, None, f"required column is missing{hint}; "
                                    f"the header must have {', '.join(REQUIRED)}"))
    if problems:
        raise EventDataError(name, problems)


def _suggest_type(value: str) -> str:
    known = type_ids()
    lowered = value.strip().lower().replace(" ", "_").replace("-", "_")
    if lowered in known:
        return f"; did you mean {lowered!r}?"
    close = difflib.get_close_matches(lowered, known, n=1, cutoff=0.5)
    return f"; did you mean {close[0]!r}?" if close else f"; known types: {', '.join(known)}"


def _validate(columns: dict[str, list[str]], lines: list[int]) -> tuple[list[Problem], list, list]:
    problems: list[Problem] = []
    known = set(type_ids())
    dates: list[dt.date | None] = []
    saliences: list[float] = []
    for i, line in enumerate(lines):
        raw = columns["date"][i]
        day = None
        if not _DATE_RE.fullmatch(raw):
            problems.append(Problem(line, "date", raw, "is not a date in the form YYYY-MM-DD"))
        else:
            try:
                day = dt.date.fromisoformat(raw)
            except ValueError:
                problems.append(Problem(line, "date", raw, "is not a real calendar date (expected YYYY-MM-DD)"))
        dates.append(day)
        kind = columns["type"][i]
        if kind not in known:
            problems.append(Problem(line, "type", kind, "is not a known event type" + _suggest_type(kind)))
        for col in ("actor", "target", "summary", "source"):
            if not columns[col][i].strip():
                problems.append(Problem(line, col, "", "must not be empty"))
        tone_text = columns["tone"][i].strip() if "tone" in columns else ""
        if kind == "statement" and not columns["statement"][i].strip() and not tone_text:
            problems.append(Problem(line, "statement", "", "a 'statement' event needs the quoted words in the "
                                    "statement column (or, for machine-coded feeds, a value in the tone column)"))
        if tone_text:
            try:
                tone = float(tone_text)
            except ValueError:
                tone = math.nan
            if not -1.0 <= tone <= 1.0:
                problems.append(Problem(line, "tone", tone_text, "is not a number between -1 and 1"))
        text = columns["salience"][i].strip()
        weight = 1.0
        if text:
            try:
                weight = float(text)
            except ValueError:
                problems.append(Problem(line, "salience", text, "is not a number (expected a positive number "
                                        "such as 0.7, 1.0 or 1.5)"))
            else:
                if not math.isfinite(weight) or weight <= 0:
                    problems.append(Problem(line, "salience", text, "must be a positive, finite number"))
        saliences.append(weight)
    if "id" in columns:
        first: dict[str, int] = {}
        for i, line in enumerate(lines):
            ident = columns["id"][i]
            if not ident.strip():
                problems.append(Problem(line, "id", ident, "must not be empty when the file has an id column"))
            elif ident in first:
                problems.append(Problem(line, "id", ident, f"duplicates the id on line {first[ident]}"))
            else:
                first[ident] = line
    return problems, dates, saliences


def parse_events(text: str, name: str = "<text>") -> pl.DataFrame:
    """Validate CSV text in the event schema and return the event frame (see ``load_events``)."""
    header, records, lines = read_records(text, name)
    _check_header(header, name)
    if not records:
        raise EventDataError(name, [Problem(None, None, None, "the file has a header but no event rows")])
    columns = {col: [r[j] for r in records] for j, col in enumerate(header)}
    for col in ("statement", "salience"):
        columns.setdefault(col, [""] * len(records))
    problems, dates, saliences = _validate(columns, lines)
    if problems:
        raise EventDataError(name, problems[:MAX_PROBLEMS], total=len(problems))
    ids = columns["id"] if "id" in header else [f"L{line}" for line in lines]
    data = {
        "id": pl.Series(ids, dtype=pl.String),
        "date": pl.Series(dates, dtype=pl.Date),
        "type": pl.Series(columns["type"], dtype=pl.String),
        "actor": pl.Series(columns["actor"], dtype=pl.String),
        "target": pl.Series(columns["target"], dtype=pl.String),
        "summary": pl.Series(columns["summary"], dtype=pl.String),
        "statement": pl.Series([s if s.strip() else None for s in columns["statement"]], dtype=pl.String),
        "source": pl.Series(columns["source"], dtype=pl.String),
        "salience": pl.Series(saliences, dtype=pl.Float64),
    }
    if "tone" in header:
        data["tone"] = pl.Series([float(t) if t.strip() else None for t in columns["tone"]], dtype=pl.Float64)
    for col in header:
        if col not in data:
            data[col] = pl.Series(columns[col], dtype=pl.String)
    return pl.DataFrame(data)


def load_events(source: str | Path | BinaryIO | bytes, *, name: str | None = None,
                max_bytes: int | None = None) -> pl.DataFrame:
    """Load and validate an events CSV from a path, bytes or a binary file-like object.

    Columns ``date, type, actor, target, summary, source`` are required; ``id, statement, salience`` optional;
    extra columns are kept as text. Raises EventDataError listing every problem with its line and column.
    """
    data, label = _read_source(source, name)
    if max_bytes is not None and len(data) > max_bytes:
        raise EventDataError(label, [Problem(None, None, None, f"the file is {len(data):,} bytes, over the "
                                             f"limit of {max_bytes:,} bytes")])
    return parse_events(decode_text(data, label), label)


def empty_events() -> pl.DataFrame:
    """An event frame with no rows and the standard columns."""
    return pl.DataFrame(schema={"id": pl.String, "date": pl.Date, "type": pl.String, "actor": pl.String,
                                "target": pl.String, "summary": pl.String, "statement": pl.String,
                                "source": pl.String, "salience": pl.Float64})
