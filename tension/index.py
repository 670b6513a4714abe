"""The daily cooperation–confrontation index.

Method (see README): each event is worth ``v = weight[type] × salience + tone_weight × tone(statement)``; a day's
shock is the sum of its events' values; the stock ``raw_d = 2^(−1/h) · raw_{d−1} + shock_d`` remembers shocks with
half-life ``h`` days; the index is ``10 · tanh(raw / scale)``, bounded in (−10, +10), with six named levels.

Everything is linear in the weights, so events are aggregated once per (day, type) (``aggregate``), the memory is
applied once per half-life (``decay_daily``) and a new set of weights only costs a small matrix product (``weigh``).

Every entry point checks its input first: event frames with ``tension.events.check_events``, daily tables with
``check_daily``; bad input raises ``EventDataError`` naming the column, so NaN never reaches the index.
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import polars as pl

from tension.events import (
    EARLIEST_DATE,
    LATEST_DATE,
    MAX_PROBLEMS,
    EventDataError,
    Problem,
    RowCheck,
    as_frame,
    check_events_coded,
    date_checks,
    date_series,
    finite_check,
    flag_rows,
    number_series,
)
from tension.taxonomy import resolve_weights, type_ids
from tension.tone import rules as tone_module
from tension.tone.scorers import ToneScorer

DEFAULT_HALF_LIFE = 180.0
PULSE_HALF_LIFE = 14.0
DEFAULT_TONE_WEIGHT = 3.0
DEFAULT_SCALE = 500.0
INDEX_BOUND = 10.0

#: Six named bands (lower bound inclusive), after the Tsinghua China–foreign relations index, widened to ±10.
LEVELS: tuple[tuple[float, float, str], ...] = (
    (-10.0, -6.0, "confrontation"),
    (-6.0, -3.0, "tense"),
    (-3.0, 0.0, "discord"),
    (0.0, 3.0, "normal"),
    (3.0, 6.0, "good"),
    (6.0, 10.0, "friendly"),
)
#: The name an ``EventDataError`` gives a daily table that did not come from a file.
DAILY_NAME = "<daily table>"


def level_of(value: float) -> str:
    """The named level of one index value (bands are closed below, open above; +10 is 'friendly')."""
    for low, high, name in LEVELS:
        if low <= value < high:
            return name
    return LEVELS[-1][2] if value >= LEVELS[-1][1] else LEVELS[0][2]


def levels(index: pl.Series) -> pl.Series:
    """The named level of each index value."""
    names = pl.Series("level", [name for _, _, name in LEVELS], dtype=pl.String)
    cuts = np.array([low for low, _, _ in LEVELS[1:]])
    return names.gather(np.searchsorted(cuts, index.to_numpy(), side="right"))


def bounded(raw: np.ndarray | float, scale: float = DEFAULT_SCALE) -> np.ndarray | float:
    """Map the stock ``raw`` onto (−10, +10): ``10 · tanh(raw / scale)``, monotone and odd."""
    if not scale > 0:
        raise ValueError(f"scale must be positive, got {scale!r}")
    return INDEX_BOUND * np.tanh(np.asarray(raw, dtype=float) / scale)


def decay_factor(half_life: float) -> float:
    """The day-to-day memory ``2^(−1/h)``: 0 for no memory (h = 0), 1 for no decay (h = ∞)."""
    if half_life < 0 or math.isnan(half_life):
        raise ValueError(f"half_life must be ≥ 0 days (or math.inf), got {half_life!r}")
    if half_life == 0:
        return 0.0
    if math.isinf(half_life):
        return 1.0
    return 2.0 ** (-1.0 / half_life)


def decay(shocks: np.ndarray, half_life: float) -> np.ndarray:
    """Apply ``y_d = a · y_{d−1} + x_d`` down the rows of ``shocks`` (days × series), with ``a = 2^(−1/h)``."""
    x = np.asarray(shocks, dtype=float)
    a = decay_factor(half_life)
    if a == 0.0:
        return x.copy()
    if a == 1.0:
        return np.cumsum(x, axis=0)
    # Blocked closed form: within a block y_{s+j} = a^j (a·y_{s−1} + Σ_{k≤j} x_{s+k} a^{−k}); blocks are short
    # enough that a^{−k} stays far from overflow, so the result matches the recursion to rounding error.
    block = max(1, int(250.0 / -math.log10(a)))
    out = np.empty_like(x)
    carry = np.zeros(x.shape[1:], dtype=float)
    for s in range(0, len(x), block):
        chunk = x[s:s + block]
        j = np.arange(len(chunk), dtype=float).reshape((-1,) + (1,) * (x.ndim - 1))
        grow = a ** j
        out[s:s + block] = grow * (a * carry + np.cumsum(chunk / grow, axis=0))
        carry = out[s + len(chunk) - 1]
    return out


def with_tone(events: pl.DataFrame, tone: ToneScorer | None = None) -> pl.DataFrame:
    """``events`` (checked by ``check_events``) with a ``tone`` column: a given tone is kept, a missing one is
    scored from ``statement`` (each distinct non-blank statement once), else 0."""
    return _with_tone_coded(events, tone)[0]


def _with_tone_coded(events: pl.DataFrame, tone: ToneScorer | None) -> tuple[pl.DataFrame, pl.Series]:
    events, codes = check_events_coded(events)
    scorer = tone or tone_module.score_many
    given = (events["tone"] if "tone" in events.columns
             else pl.repeat(None, events.height, dtype=pl.Float64, eager=True).alias("tone"))
    if "statement" in events.columns and given.null_count():
        statements = events["statement"]
        wanted = statements.filter(given.is_null() & statements.str.strip_chars().str.len_chars().gt(0)).unique()
        if wanted.len():
            scores = pl.Series(scorer(wanted.to_list()), dtype=pl.Float64)
            given = given.fill_null(statements.replace_strict(wanted, scores, default=0.0, return_dtype=pl.Float64))
    return events.with_columns(given.fill_null(0.0).alias("tone")), codes


def _sal(type_id: str) -> str:
    return f"s_{type_id}"


def aggregate(events: pl.DataFrame, *, tone: ToneScorer | None = None) -> pl.DataFrame:
    """One row per calendar day from the first to the last event: ``date, n_events, n_statements, tone_sum``
    and ``s_<type>``, the sum of salience of that day's events of each type (``events`` as ``with_tone`` takes)."""
    ev, codes = _with_tone_coded(events, tone)
    if ev.height == 0:
        raise ValueError("no events to aggregate")
    ids = type_ids()
    first = ev["date"].min()
    epoch_days = ev["date"].cast(pl.Int32).to_numpy()
    day = (epoch_days - epoch_days.min()).astype(np.int64)
    kind = codes.to_numpy().astype(np.int64)
    n_days = int(day.max()) + 1
    salience = np.bincount(day * len(ids) + kind, weights=ev["salience"].to_numpy(),
                           minlength=n_days * len(ids)).reshape(n_days, len(ids))
    has_statement = (ev["statement"].is_not_null().to_numpy() if "statement" in ev.columns
                     else np.zeros(ev.height, dtype=bool))
    columns = {
        "date": pl.date_range(first, ev["date"].max(), "1d", eager=True),
        "n_events": np.bincount(day, minlength=n_days).astype(np.int64),
        "n_statements": np.bincount(day, weights=has_statement, minlength=n_days).astype(np.int64),
        "tone_sum": np.bincount(day, weights=ev["tone"].to_numpy(), minlength=n_days),
    }
    columns.update({_sal(t): salience[:, i] for i, t in enumerate(ids)})
    return pl.DataFrame(columns)


def daily_columns() -> list[str]:
    """The columns of a daily table, in order: ``date, n_events, n_statements, tone_sum, s_<type>...``."""
    return ["date", "n_events", "n_statements", "tone_sum", *(_sal(t) for t in type_ids())]


def _is_daily(frame: pl.DataFrame) -> bool:
    return _sal(type_ids()[0]) in frame.columns and "type" not in frame.columns


def check_daily(daily: pl.DataFrame | pl.LazyFrame | object, name: str = DAILY_NAME) -> pl.DataFrame:
    """A daily table (``daily_columns``; a polars or pandas frame) checked, sorted by date, with every missing day
    between its first and last day filled as a day without events (zero shock); other columns are dropped.

    Refused with EventDataError naming the column: a missing column, a wrong dtype, a null, NaN or infinity, a
    negative count or salience sum, a date outside the supported range, a date that appears twice.
    """
    frame = as_frame(daily)
    names = daily_columns()
    missing = [c for c in names if c not in frame.columns]
    if missing:
        raise EventDataError(name, [Problem(None, c, None, "required column of a daily table is missing")
                                    for c in missing])
    if frame.height == 0:
        raise EventDataError(name, [Problem(None, None, None, "the daily table has no rows")])
    problems: list[Problem] = []
    fixed: list[pl.Series] = []
    dates = date_series(frame, problems)
    if dates is not None:
        fixed.append(dates)
    for col in names[1:3]:
        if frame[col].dtype.is_integer():
            fixed.append(frame[col].cast(pl.Int64))
        else:
            problems.append(Problem(None, col, None, f"has dtype {frame[col].dtype}, expected an integer count"))
    fixed += [v for v in (number_series(frame, col, problems) for col in names[3:]) if v is not None]
    table = frame.with_columns(fixed).select(names)
    if problems or not _plainly_valid(table):
        problems += flag_rows(table, _daily_checks(table))
    if problems:
        raise EventDataError(name, problems[:MAX_PROBLEMS], total=len(problems))
    if not table["date"].is_sorted():
        table = table.sort("date")
    first, last = table["date"][0], table["date"][-1]
    if (last - first).days + 1 == table.height:
        return table
    days = pl.DataFrame({"date": pl.date_range(first, last, "1d", eager=True)})
    return days.join(table, on="date", how="left").fill_null(0)


def _daily_checks(table: pl.DataFrame) -> list[RowCheck]:
    """The value checks of a daily table, for the columns whose dtype is right."""
    schema = table.schema
    checks: list[RowCheck] = []
    if schema["date"] == pl.Date:
        checks += [*date_checks(), ("date", pl.col("date").is_duplicated() & pl.col("date").is_not_null(),
                                    "appears more than once (a daily table has one row per day)")]
    for col in daily_columns()[1:]:
        if col in ("n_events", "n_statements") and not schema[col].is_integer():
            continue
        if col not in ("n_events", "n_statements") and schema[col] != pl.Float64:
            continue
        checks.append((col, pl.col(col).is_null(), "must not be null"))
        if schema[col] == pl.Float64:
            checks.append(finite_check(col))
        if col != "tone_sum":
            checks.append((col, pl.col(col) < 0, "must not be negative" + ("" if col.startswith("n_") else
                                                                            " (a sum of saliences)")))
    return checks


def _plainly_valid(table: pl.DataFrame) -> bool:
    """A quick test (numpy, one pass) that a daily table with the right dtypes passes every value check."""
    if any(table[c].dtype != dtype for c, dtype in (("date", pl.Date), ("n_events", pl.Int64),
                                                     ("n_statements", pl.Int64))):
        return False
    dates = table["date"]
    if dates.null_count() or dates.min() < EARLIEST_DATE or dates.max() > LATEST_DATE or dates.is_duplicated().any():
        return False
    counts = table.select("n_events", "n_statements").to_numpy()  # a null becomes NaN: fails >= 0
    sums = table.select(daily_columns()[4:]).to_numpy()
    tone_sum = table["tone_sum"].to_numpy()
    return bool((counts >= 0).all() and (sums >= 0).all() and np.isfinite(sums).all() and np.isfinite(tone_sum).all())


def _pad(daily: pl.DataFrame, start: dt.date | None, end: dt.date | None) -> pl.DataFrame:
    first, last = daily["date"].min(), daily["date"].max()
    lo = min(first, start) if start else first
    hi = max(last, end) if end else last
    if (lo, hi) == (first, last):
        return daily
    days = pl.DataFrame({"date": pl.date_range(lo, hi, "1d", eager=True)})
    return days.join(daily, on="date", how="left").fill_null(0)


def decay_daily(daily: pl.DataFrame, half_life: float = DEFAULT_HALF_LIFE) -> pl.DataFrame:
    """The daily table (checked by ``check_daily``, gaps filled) with ``d_<type>`` and ``d_tone``: each salience and
    tone series passed through the memory."""
    daily = check_daily(daily)
    cols = [_sal(t) for t in type_ids()] + ["tone_sum"]
    decayed = decay(daily.select(cols).to_numpy(), half_life)
    names = [f"d_{t}" for t in type_ids()] + ["d_tone"]
    return daily.with_columns(pl.Series(n, decayed[:, i]) for i, n in enumerate(names))


def weigh(decayed: pl.DataFrame, weights: dict[str, float] | None = None, *,
          tone_weight: float = DEFAULT_TONE_WEIGHT, scale: float = DEFAULT_SCALE) -> pl.DataFrame:
    """The index from a ``decay_daily`` table: ``date, n_events, shock, raw, index, level, contrib_*``."""
    if not math.isfinite(tone_weight):
        raise ValueError(f"tone_weight must be a finite number, got {tone_weight!r}")
    if not (math.isfinite(scale) and scale > 0):
        raise ValueError(f"scale must be a positive finite number, got {scale!r}")
    w = resolve_weights(weights)
    ids = type_ids()
    vec = np.array([w[t] for t in ids] + [float(tone_weight)])
    shocks = decayed.select([_sal(t) for t in ids] + ["tone_sum"]).to_numpy() @ vec
    contrib = decayed.select([f"d_{t}" for t in ids] + ["d_tone"]).to_numpy() * vec + 0.0  # no -0.0
    raw = contrib.sum(axis=1)
    index = bounded(raw, scale)
    n_statements = decayed["n_statements"].to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        tone_mean = np.where(n_statements > 0, decayed["tone_sum"].to_numpy() / n_statements, np.nan)
    columns = {"date": decayed["date"], "n_events": decayed["n_events"], "shock": shocks, "raw": raw,
               "index": index, "level": levels(pl.Series(index))}
    columns.update({f"contrib_{t}": contrib[:, i] for i, t in enumerate(ids)})
    columns.update({"contrib_tone": contrib[:, -1], "n_statements": n_statements, "tone_mean": tone_mean})
    return pl.DataFrame(columns).with_columns(pl.col("tone_mean").fill_nan(None))


def compute_index(events: pl.DataFrame, weights: dict[str, float] | None = None, *,
                  half_life: float = DEFAULT_HALF_LIFE, tone_weight: float = DEFAULT_TONE_WEIGHT,
                  scale: float = DEFAULT_SCALE, start: dt.date | None = None, end: dt.date | None = None,
                  tone: ToneScorer | None = None) -> pl.DataFrame:
    """The daily index, one row per calendar day from the first to the last event (or ``start``..``end``).

    ``events`` is an event frame (see ``check_events``) or its ``aggregate`` (see ``check_daily``; missing days are
    days without events), as a polars DataFrame or LazyFrame or a pandas DataFrame. Events before ``start`` still
    feed the stock; days after the last event decay (give ``end``). A ``start`` after the last day without ``end``,
    or an ``end`` before the first day without ``start``, leaves nothing to show and raises ValueError, as does
    ``start`` after ``end``. ``contrib_*`` columns split ``raw`` exactly by type and tone.
    """
    for label, day in (("start", start), ("end", end)):
        if day is not None and not EARLIEST_DATE <= day <= LATEST_DATE:
            raise ValueError(f"{label} {day} is outside the supported range {EARLIEST_DATE} to {LATEST_DATE}")
    if start and end and start > end:
        raise ValueError(f"start {start} is after end {end}")
    frame = as_frame(events)
    daily = check_daily(frame) if _is_daily(frame) else aggregate(frame, tone=tone)
    first, last = daily["date"][0], daily["date"][-1]
    if start and not end and start > last:
        raise ValueError(f"start {start} is after the last day of the data ({last}); give an end date as well to "
                         "follow the memory past the last event")
    if end and not start and end < first:
        raise ValueError(f"end {end} is before the first day of the data ({first}); give a start date as well")
    out = weigh(decay_daily(_pad(daily, start, end), half_life), weights, tone_weight=tone_weight, scale=scale)
    if start:
        out = out.filter(pl.col("date") >= start)
    if end:
        out = out.filter(pl.col("date") <= end)
    return out


def score_events(events: pl.DataFrame, weights: dict[str, float] | None = None, *,
                 tone_weight: float = DEFAULT_TONE_WEIGHT, tone: ToneScorer | None = None) -> pl.DataFrame:
    """``events`` with ``tone``, ``weight`` and ``value = weight × salience + tone_weight × tone``."""
    w = resolve_weights(weights)
    scored = with_tone(events, tone)
    return scored.with_columns(
        weight=pl.col("type").replace_strict(w, return_dtype=pl.Float64),
    ).with_columns(value=pl.col("weight") * pl.col("salience") + float(tone_weight) * pl.col("tone"))


def drivers(scored: pl.DataFrame, day: dt.date, *, half_life: float = DEFAULT_HALF_LIFE) -> pl.DataFrame:
    """The events behind ``raw`` on ``day``: each scored event on or before it with its decayed
    ``contribution = value · 2^(−age/h)``, largest magnitude first; the contributions sum to that day's raw."""
    a = decay_factor(half_life)
    past = scored.filter(pl.col("date") <= day).with_columns(
        age_days=(pl.lit(day) - pl.col("date")).dt.total_days())
    if a == 0.0:
        past = past.filter(pl.col("age_days") == 0).with_columns(memory=pl.lit(1.0))
    else:
        past = past.with_columns(memory=pl.lit(a) ** pl.col("age_days"))
    return past.with_columns(contribution=pl.col("value") * pl.col("memory")).sort(
        pl.col("contribution").abs(), descending=True)
