"""The event schema: loading and validating event CSV files (and hand-made event frames) into polars frames.

Every problem is reported with file, line, column and value (``EventDataError``); nothing is silently dropped,
deduplicated or coerced. The documented defaults: an empty ``salience`` cell means 1.0; an empty ``tone`` cell
(an optional column, for machine-coded feeds that carry their own tone) means "score the statement". Numbers are
plain decimals (``PLAIN_NUMBER``); a cell (or header name) starting with ``'`` loses exactly that one apostrophe,
which undoes the escaping of ``tension.export``.

The csv module's field size limit is process-wide; importing this module raises it (never lowers it) to
``FIELD_SIZE_LIMIT`` once, so that long statements load; nothing changes it per call.
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import io
import math
import re
from collections.abc import Callable
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
_DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
#: A number as a cell may write it: plain decimal notation, optionally with an exponent; no digit separators
#: (``1_5``), no ``nan``/``inf``, no non-ASCII digits (all of which ``float()`` accepts).
PLAIN_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
#: Salience is a positive number up to this bound (the bundled record uses 0.7 to 2.0).
MAX_SALIENCE = 10.0
#: A cell can start with an apostrophe only where one of these occurs (or at the start of the text).
_ESCAPE_MARKS = (",'", "\n'", "\r'", "\"'")
#: The largest CSV field (in characters) that loads: far above any real statement, and above the dashboard's
#: upload limit, while still bounding what one field may hold. Set once, process-wide, at import.
FIELD_SIZE_LIMIT = 16 * 1024 * 1024
if csv.field_size_limit() < FIELD_SIZE_LIMIT:
    csv.field_size_limit(FIELD_SIZE_LIMIT)


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


def plain_number(text: str) -> float | None:
    """``text`` as a finite float if it is a plain decimal number (``PLAIN_NUMBER``, surrounding spaces allowed),
    else None; ``1_5``, ``nan``, ``inf``, ``0x10`` and ``1e999`` (overflow) are not numbers here."""
    text = text.strip()
    if not PLAIN_NUMBER.fullmatch(text):
        return None
    value = float(text)
    return value if math.isfinite(value) else None


def unescape(cell: str) -> str:
    """Undo ``tension.export``'s escaping: a cell starting with ``'`` loses exactly one leading ``'``."""
    return cell[1:] if cell.startswith("'") else cell


def _unescaped(cells: list[str]) -> list[str]:
    """``cells`` with ``unescape`` applied (the same list when no cell starts with an apostrophe)."""
    if not any(c.startswith("'") for c in cells):
        return cells
    return [c[1:] if c.startswith("'") else c for c in cells]


def check_date(text: str) -> tuple[dt.date | None, str | None]:
    """The date in ``text`` (YYYY-MM-DD, within ``EARLIEST_DATE``..``LATEST_DATE``), or None and what is wrong."""
    if not _DATE_RE.fullmatch(text):
        return None, "is not a date in the form YYYY-MM-DD"
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        return None, "is not a real calendar date (expected YYYY-MM-DD)"
    if not EARLIEST_DATE <= day <= LATEST_DATE:
        return None, f"is outside the supported range {EARLIEST_DATE} to {LATEST_DATE}"
    return day, None


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


def _validate(columns: dict[str, list[str]], lines: list[int]) -> tuple[list[Problem], list, list, list]:
    problems: list[Problem] = []
    known = set(type_ids())
    dates: list[dt.date | None] = []
    saliences: list[float] = []
    tones: list[float | None] = []
    seen_dates: dict[str, tuple[dt.date | None, str | None]] = {}  # a file repeats its dates: check each once
    for i, line in enumerate(lines):
        raw = columns["date"][i]
        day, wrong = seen_dates.get(raw) or seen_dates.setdefault(raw, check_date(raw))
        if wrong:
            problems.append(Problem(line, "date", raw, wrong))
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
        tone = None
        if tone_text:
            tone = plain_number(tone_text)
            if tone is None or not -1.0 <= tone <= 1.0:
                problems.append(Problem(line, "tone", tone_text, "is not a number between -1 and 1 (plain "
                                        "decimal notation such as -0.4 or 0.25)"))
        tones.append(tone)
        text = columns["salience"][i].strip()
        weight = 1.0
        if text:
            value = plain_number(text)
            if value is None:
                problems.append(Problem(line, "salience", text, "is not a number (expected a plain decimal "
                                        f"number such as 0.7, 1.0 or 1.5, greater than 0 and at most "
                                        f"{MAX_SALIENCE:g})"))
            elif not 0 < value <= MAX_SALIENCE:
                problems.append(Problem(line, "salience", text, f"must be a positive number, at most "
                                        f"{MAX_SALIENCE:g}"))
            else:
                weight = value
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
    return problems, dates, saliences, tones


def parse_events(text: str, name: str = "<text>") -> pl.DataFrame:
    """Validate CSV text in the event schema and return the event frame (see ``load_events``)."""
    header, records, lines = read_records(text, name)
    header = [unescape(col) for col in header]
    _check_header(header, name)
    if not records:
        raise EventDataError(name, [Problem(None, None, None, "the file has a header but no event rows")])
    # Unescaping looks at every cell only when the text may hold an escaped one (a ' after a separator).
    escaped = text.startswith(("'", "\"'")) or any(mark in text for mark in _ESCAPE_MARKS)
    columns = {col: [r[j] for r in records] for j, col in enumerate(header)}
    if escaped:
        columns = {col: _unescaped(cells) for col, cells in columns.items()}
    for col in ("statement", "salience"):
        columns.setdefault(col, [""] * len(records))
    problems, dates, saliences, tones = _validate(columns, lines)
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
        data["tone"] = pl.Series(tones, dtype=pl.Float64)
    for col in header:
        if col not in data:
            data[col] = pl.Series(columns[col], dtype=pl.String)
    return pl.DataFrame(data)


def load_events(source: str | Path | BinaryIO | bytes, *, name: str | None = None,
                max_bytes: int | None = None) -> pl.DataFrame:
    """Load and validate an events CSV from a path, bytes or a binary file-like object.

    Columns ``date, type, actor, target, summary, source`` are required; ``id, statement, salience, tone``
    optional; extra columns are kept as text. One leading ``'`` of a cell or header name is removed (the escaping
    of ``tension.export``). Raises EventDataError listing every problem with its line and column.
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


#: The name an ``EventDataError`` gives an event frame that did not come from a file.
FRAME_NAME = "<events frame>"
_NUMERIC = (pl.Float32, pl.Float64, pl.Int8, pl.Int16, pl.Int32, pl.Int64, pl.UInt8, pl.UInt16, pl.UInt32,
            pl.UInt64)
#: A check of frame values: the column to show, an expression true on bad rows, and the message (or a function
#: from the first bad value to the message).
RowCheck = tuple[str, pl.Expr | pl.Series, str | Callable[[str | None], str]]


def as_frame(data: pl.DataFrame | pl.LazyFrame | object) -> pl.DataFrame:
    """A polars DataFrame from a polars DataFrame, a LazyFrame (collected) or a pandas DataFrame (converted with
    ``pl.from_pandas``); anything else raises TypeError."""
    if isinstance(data, pl.DataFrame):
        return data
    if isinstance(data, pl.LazyFrame):
        return data.collect()
    kind = type(data)
    if kind.__name__ == "DataFrame" and kind.__module__.split(".")[0] == "pandas":
        return pl.from_pandas(data)
    raise TypeError(f"expected a polars DataFrame or LazyFrame, or a pandas DataFrame; got {kind.__name__}")


def flag_rows(frame: pl.DataFrame, checks: list[RowCheck]) -> list[Problem]:
    """One problem per check that is true on some row of ``frame`` (all checks in one pass): how many rows, the
    first row index and its value."""
    if not checks or frame.height == 0:
        return []
    bad = [(pl.lit(expr) if isinstance(expr, pl.Series) else expr).fill_null(False) for _, expr, _ in checks]
    counts = frame.select(b.sum().alias(str(i)) for i, b in enumerate(bad)).row(0)
    problems = []
    for (column, _, message), b, count in zip(checks, bad, counts):
        if count:
            first = frame.select(b.arg_true().first()).item()
            value = frame[column][first]
            shown = None if value is None else str(value)
            text = message if isinstance(message, str) else message(shown)
            problems.append(Problem(None, column, shown, f"{text} ({count:,} row{'s' if count != 1 else ''}, the "
                                    f"first at row index {first})"))
    return problems


def date_series(frame: pl.DataFrame, problems: list[Problem]) -> pl.Series | None:
    """``frame['date']`` as a Date series (a pandas-style Datetime at midnight is accepted as its date); a wrong
    dtype adds a problem and gives None. ``date_checks`` checks the values."""
    dates = frame["date"]
    if isinstance(dates.dtype, pl.Datetime):
        if dates.dtype.time_zone is None and bool((dates.dt.truncate("1d") == dates).fill_null(True).all()):
            return dates.dt.date()
        problems.append(Problem(None, "date", None, f"has dtype {dates.dtype}, expected Date (a datetime is "
                                "accepted only without time zone and at midnight)"))
        return None
    if dates.dtype != pl.Date:
        problems.append(Problem(None, "date", None, f"has dtype {dates.dtype}, expected Date (parse text with "
                                "pl.col('date').str.to_date())"))
        return None
    return dates


def date_checks() -> list[RowCheck]:
    """Checks of a Date column ``date``: no null, within ``EARLIEST_DATE``..``LATEST_DATE``."""
    date = pl.col("date")
    return [("date", date.is_null(), "must not be null"),
            ("date", (date < EARLIEST_DATE) | (date > LATEST_DATE),
             f"is outside the supported range {EARLIEST_DATE} to {LATEST_DATE}")]


def number_series(frame: pl.DataFrame, column: str, problems: list[Problem]) -> pl.Series | None:
    """``frame[column]`` as Float64 if its dtype is a number (not Boolean); any other dtype adds a problem and
    gives None. ``finite_check`` checks the values."""
    values = frame[column]
    if values.dtype not in _NUMERIC:
        problems.append(Problem(None, column, None, f"has dtype {values.dtype}, expected a number (Float64)"))
        return None
    return values.cast(pl.Float64)


def finite_check(column: str) -> RowCheck:
    """A check that the Float64 ``column`` holds no NaN or infinity."""
    return column, pl.col(column).is_nan() | pl.col(column).is_infinite(), "must be a finite number"


def check_events(events: pl.DataFrame | pl.LazyFrame | object, name: str = FRAME_NAME) -> pl.DataFrame:
    """``events`` checked for the index engine, with ``date`` as Date, ``type`` as String and ``salience`` as
    Float64 (1.0 when the column is absent); any problem raises EventDataError naming ``name`` and the column.

    A polars DataFrame, LazyFrame (collected) or pandas DataFrame (converted) is accepted. Only ``date`` and
    ``type`` are required; ``salience`` (0 < s ≤ ``MAX_SALIENCE``), ``tone`` (in [−1, 1], null = score the
    statement) and ``statement`` (text, null = none) are optional; nulls elsewhere, NaN and infinity are refused.
    """
    return check_events_coded(events, name)[0]


def check_events_coded(events: pl.DataFrame | pl.LazyFrame | object,
                       name: str = FRAME_NAME) -> tuple[pl.DataFrame, pl.Series]:
    """``check_events`` and each event's type as its position in ``type_ids()`` (UInt, from one pass over the
    type column, for aggregation)."""
    frame = as_frame(events)
    problems = [Problem(None, col, None, "required column is missing (an event frame needs date and type; "
                        "salience, statement and tone are optional)") for col in ("date", "type")
                if col not in frame.columns]
    if problems:
        raise EventDataError(name, problems)
    fixed: list[pl.Series] = []
    checks: list[RowCheck] = []
    dates = date_series(frame, problems)
    if dates is not None:
        fixed.append(dates)
        checks += date_checks()
    kinds = frame["type"]
    if isinstance(kinds.dtype, (pl.Categorical, pl.Enum)):
        kinds = kinds.cast(pl.String)
    codes = pl.Series("type_code", [], dtype=pl.UInt32)
    if kinds.dtype != pl.String:
        problems.append(Problem(None, "type", None, f"has dtype {kinds.dtype}, expected String (an event type id)"))
    else:
        fixed.append(kinds)
        codes = kinds.cast(pl.Enum(type_ids()), strict=False).to_physical().alias("type_code")
        kind = pl.col("type")
        checks += [("type", kind.is_null(), "must not be null"),
                   ("type", codes.is_null() & kinds.is_not_null(),
                    lambda value: "is not a known event type" + _suggest_type(value or ""))]
    if "salience" in frame.columns:
        salience = number_series(frame, "salience", problems)
        if salience is not None:
            fixed.append(salience)
            sal = pl.col("salience")
            checks += [finite_check("salience"),
                       ("salience", sal.is_null(), "must not be null (write 1.0 for the default salience)"),
                       ("salience", (sal <= 0) | (sal > MAX_SALIENCE),
                        f"must be a positive number, at most {MAX_SALIENCE:g}")]
    else:
        fixed.append(pl.repeat(1.0, frame.height, dtype=pl.Float64, eager=True).alias("salience"))
    if "tone" in frame.columns:
        tone = number_series(frame, "tone", problems)
        if tone is not None:
            fixed.append(tone)
            checks += [finite_check("tone"),
                       ("tone", pl.col("tone").abs() > 1.0, "must lie between -1 and 1 (null means: score the "
                        "statement)")]
    if "statement" in frame.columns:
        statement = frame["statement"]
        if statement.dtype == pl.Null:
            fixed.append(statement.cast(pl.String))
        elif statement.dtype != pl.String:
            problems.append(Problem(None, "statement", None, f"has dtype {statement.dtype}, expected String "
                                    "(the quoted words, null for none)"))
    frame = frame.with_columns(fixed)
    problems += flag_rows(frame, checks)
    if problems:
        raise EventDataError(name, problems[:MAX_PROBLEMS], total=len(problems))
    return frame, codes
