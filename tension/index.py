"""The daily cooperation–confrontation index.

Method (see README): each event is worth ``v = weight[type] × salience + tone_weight × tone(statement)``; a day's
shock is the sum of its events' values; the stock ``raw_d = 2^(−1/h) · raw_{d−1} + shock_d`` remembers shocks with
half-life ``h`` days; the index is ``10 · tanh(raw / scale)``, bounded in (−10, +10), with six named levels.

Everything is linear in the weights, so events are aggregated once per (day, type) (``aggregate``), the memory is
applied once per half-life (``decay_daily``) and a new set of weights only costs a small matrix product (``weigh``).
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import polars as pl

from tension.taxonomy import resolve_weights, type_ids
from tension.tone import rules as tone_module
from tension.tone.scorers import ToneScorer

DEFAULT_HALF_LIFE = 180.0
PULSE_HALF_LIFE = 14.0
DEFAULT_TONE_WEIGHT = 3.0
DEFAULT_SCALE = 300.0
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
    """``events`` with a ``tone`` column: a given tone is kept, a missing one is scored from ``statement``, else 0."""
    scorer = tone or tone_module.score_many
    has_text = "statement" in events.columns
    if "tone" not in events.columns:
        statements = events["statement"] if has_text else [None] * events.height
        return events.with_columns(scorer(statements).alias("tone"))
    given = events["tone"].cast(pl.Float64)
    if not has_text or given.null_count() == 0:
        return events.with_columns(given.fill_null(0.0).alias("tone"))
    missing = given.is_null() & events["statement"].is_not_null()
    scored = scorer(events.filter(missing)["statement"]).to_list()
    fill = iter(scored)
    values = [next(fill) if m else (g if g is not None else 0.0) for g, m in zip(given.to_list(), missing.to_list())]
    return events.with_columns(pl.Series("tone", values, dtype=pl.Float64))


def _sal(type_id: str) -> str:
    return f"s_{type_id}"


def aggregate(events: pl.DataFrame, *, tone: ToneScorer | None = None) -> pl.DataFrame:
    """One row per calendar day from the first to the last event: ``date, n_events, n_statements, tone_sum``
    and ``s_<type>``, the sum of salience of that day's events of each type."""
    if events.height == 0:
        raise ValueError("no events to aggregate")
    ev = with_tone(events, tone)
    ids = type_ids()
    first = ev["date"].min()
    day = (ev["date"] - first).dt.total_days().to_numpy()
    kind = ev["type"].replace_strict({t: i for i, t in enumerate(ids)}, return_dtype=pl.Int64).to_numpy()
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


def _is_daily(frame: pl.DataFrame) -> bool:
    return _sal(type_ids()[0]) in frame.columns and "type" not in frame.columns


def _pad(daily: pl.DataFrame, start: dt.date | None, end: dt.date | None) -> pl.DataFrame:
    first, last = daily["date"].min(), daily["date"].max()
    lo = min(first, start) if start else first
    hi = max(last, end) if end else last
    if (lo, hi) == (first, last):
        return daily
    days = pl.DataFrame({"date": pl.date_range(lo, hi, "1d", eager=True)})
    return days.join(daily, on="date", how="left").fill_null(0)


def decay_daily(daily: pl.DataFrame, half_life: float = DEFAULT_HALF_LIFE) -> pl.DataFrame:
    """The daily table with ``d_<type>`` and ``d_tone``: each salience and tone series passed through the memory."""
    cols = [_sal(t) for t in type_ids()] + ["tone_sum"]
    decayed = decay(daily.select(cols).to_numpy(), half_life)
    names = [f"d_{t}" for t in type_ids()] + ["d_tone"]
    return daily.with_columns(pl.Series(n, decayed[:, i]) for i, n in enumerate(names))


def weigh(decayed: pl.DataFrame, weights: dict[str, float] | None = None, *,
          tone_weight: float = DEFAULT_TONE_WEIGHT, scale: float = DEFAULT_SCALE) -> pl.DataFrame:
    """The index from a ``decay_daily`` table: ``date, n_events, shock, raw, index, level, contrib_*``."""
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

    ``events`` is an event frame or its ``aggregate``. Events before ``start`` still feed the stock; days after
    the last event decay. ``contrib_*`` columns split ``raw`` exactly by type and tone.
    """
    if start and end and start > end:
        raise ValueError(f"start {start} is after end {end}")
    daily = events if _is_daily(events) else aggregate(events, tone=tone)
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
