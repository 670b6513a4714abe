"""Alerts: the days when relations moved sharply, found by a two-sided CUSUM on standardised daily shocks.

Each day's shock is standardised against the days before it only (no look-ahead)::

    z_d = (shock_d − m_{d−1}) / max(s_{d−1}, floor · σ_{d−1})

``m`` is an exponentially weighted (EWMA) level of the past shocks and ``s`` the root of the EWMA of their squared
deviations from it (one-day-ahead errors), with span ``span`` (weights ``(1 − α)^age``, ``α = 2 / (span + 1)``,
normalised like pandas' ``adjust=True`` so the first days are plain averages); ``σ`` is the same root mean square over
all earlier days, so a long quiet stretch cannot shrink the spread to nothing. A day moves the level by at most
``clip`` spreads (a winsorised, Huber-type update): most days have no events, and one extreme day should not drag
the level for months. The two-sided CUSUM accumulates the standardised shocks beyond an allowance ``k``::

    S⁺_d = max(0, S⁺_{d−1} + z_d − k)        cooperative side
    S⁻_d = max(0, S⁻_{d−1} − z_d − k)        confrontational side

and a day where a side exceeds ``h`` is an alert; that side restarts from 0. Defaults and their rationale, with the
alerts per year and the known moves caught for neighbouring settings: docs/alerts.md.
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import polars as pl

from tension.index import DEFAULT_HALF_LIFE, DEFAULT_SCALE, DEFAULT_TONE_WEIGHT, compute_index, score_events

#: EWMA span in days of the level and spread the shocks are standardised against: the past year.
DEFAULT_SPAN = 365.0
#: CUSUM allowance (in spreads) subtracted each day, and the decision threshold (see docs/alerts.md).
DEFAULT_K = 0.25
DEFAULT_H = 5.0
#: The spread used is at least this share of the root mean square deviation over all earlier days (1: never
#: quieter than the whole past).
DEFAULT_FLOOR = 1.0
#: A day moves the level by at most this many spreads.
DEFAULT_CLIP = 0.25
#: No alerts during the first days: the baseline needs some history.
DEFAULT_WARMUP = 30
#: The largest |z| reported; it binds only when the past is (nearly) constant, e.g. a flat synthetic series.
Z_MAX = 100.0
#: The index change reported runs from the day before the alert to this many days after it.
AFTER_DAYS = 7
#: Events listed per alert: the largest of its run (from the run's first day, or this many days before the alert day
#: when the run is shorter).
TOP_EVENTS = 3
EVENT_DAYS = 2
SUMMARY_CHARS = 90

CONFRONTATIONAL = "confrontational"
COOPERATIVE = "cooperative"

_ALERT_SCHEMA = {"date": pl.Date, "direction": pl.String, "size": pl.Float64, "z": pl.Float64,
                 "start": pl.Date, "shock": pl.Float64, "index": pl.Float64, f"d_index_{AFTER_DAYS}d": pl.Float64,
                 "n_events": pl.Int64, "events": pl.String}


def _check_settings(span: float, k: float, h: float, floor: float, clip: float, warmup: int) -> None:
    checks = (("span", span, span >= 1, "a number of days ≥ 1"), ("k", k, k >= 0, "a number ≥ 0"),
              ("h", h, h > 0, "a number > 0"), ("floor", floor, floor >= 0, "a number ≥ 0"),
              ("clip", clip, clip > 0, "a number > 0"))
    for name, value, ok, expected in checks:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or not ok:
            raise ValueError(f"{name} must be {expected}, got {value!r}")
    if isinstance(warmup, bool) or not isinstance(warmup, int) or warmup < 1:
        raise ValueError(f"warmup must be a whole number of days ≥ 1, got {warmup!r}")


def standardise(shock: np.ndarray, *, span: float = DEFAULT_SPAN, floor: float = DEFAULT_FLOOR,
                clip: float = DEFAULT_CLIP, warmup: int = DEFAULT_WARMUP) -> np.ndarray:
    """``z_d``: each day's shock against the EWMA level and spread of the days before it (0 in the warmup)."""
    _check_settings(span, DEFAULT_K, DEFAULT_H, floor, clip, warmup)
    x = np.asarray(shock, dtype=float)
    keep = 1.0 - 2.0 / (span + 1.0)
    z = np.zeros(x.size)
    if x.size == 0:
        return z
    weight, level, square = 1.0, x[0], 0.0     # EWMA (adjusted): total weight, level, mean squared deviation
    square_all = 0.0                           # the mean squared deviation over all earlier days, for the floor
    for d in range(1, x.size):
        spread = max(math.sqrt(square), floor * math.sqrt(square_all))
        dev = x[d] - level
        if dev != 0.0 and d >= warmup:
            z[d] = max(-Z_MAX, min(Z_MAX, dev / spread)) if spread > 0 else math.copysign(Z_MAX, dev)
        weight = keep * weight + 1.0
        square += (dev * dev - square) / weight
        square_all += (dev * dev - square_all) / d
        level += (max(-clip * spread, min(clip * spread, dev)) if spread > 0 else dev) / weight
    return z


def cusum(z: np.ndarray, *, k: float = DEFAULT_K, h: float = DEFAULT_H) -> tuple[np.ndarray, np.ndarray]:
    """The two-sided CUSUM of ``z``: ``(S⁺, S⁻)`` each day before any reset; a side above ``h`` restarts from 0."""
    _check_settings(DEFAULT_SPAN, k, h, DEFAULT_FLOOR, DEFAULT_CLIP, DEFAULT_WARMUP)
    up, down = np.zeros(len(z)), np.zeros(len(z))
    s_up = s_down = 0.0
    for d, value in enumerate(np.asarray(z, dtype=float)):
        s_up, s_down = max(0.0, s_up + value - k), max(0.0, s_down - value - k)
        up[d], down[d] = s_up, s_down
        if s_up > h:
            s_up = 0.0
        if s_down > h:
            s_down = 0.0
    return up, down


def _daily(data: pl.DataFrame, weights: dict[str, float] | None, tone_weight: float, half_life: float,
           scale: float) -> pl.DataFrame:
    """The daily frame to monitor: ``data`` itself when it has ``shock``, else the index computed from it."""
    frame = data.collect() if isinstance(data, pl.LazyFrame) else data
    if not isinstance(frame, pl.DataFrame):
        frame = pl.from_pandas(frame)
    if "shock" not in frame.columns:
        return compute_index(frame, weights, half_life=half_life, tone_weight=tone_weight, scale=scale)
    for column in ("date", "shock"):
        if column not in frame.columns:
            raise ValueError(f"the daily frame lacks the column {column!r}; pass the output of compute_index or "
                             "weigh, or an event frame")
        if frame[column].null_count():
            raise ValueError(f"the daily frame's column {column!r} has {frame[column].null_count()} missing values")
    if frame.schema["date"] != pl.Date:
        raise ValueError(f"the daily frame's column 'date' has dtype {frame.schema['date']}, expected Date")
    if not frame.schema["shock"].is_numeric():
        raise ValueError(f"the daily frame's column 'shock' has dtype {frame.schema['shock']}, expected numbers")
    shock = frame["shock"].cast(pl.Float64).to_numpy()
    if not np.isfinite(shock).all():
        first = int(np.flatnonzero(~np.isfinite(shock))[0])
        raise ValueError(f"the daily frame's column 'shock' is not finite on {frame['date'][first]}")
    steps = frame["date"].diff().dt.total_days().drop_nulls()
    if (steps != 1).any():
        where = int(np.flatnonzero((steps != 1).to_numpy())[0]) + 1
        raise ValueError(f"the daily frame must have one row per calendar day in date order; row {where} "
                         f"({frame['date'][where]}) follows {frame['date'][where - 1]}")
    return frame


def monitor(data: pl.DataFrame, weights: dict[str, float] | None = None, *,
            tone_weight: float = DEFAULT_TONE_WEIGHT, half_life: float = DEFAULT_HALF_LIFE,
            scale: float = DEFAULT_SCALE, span: float = DEFAULT_SPAN, k: float = DEFAULT_K, h: float = DEFAULT_H,
            floor: float = DEFAULT_FLOOR, clip: float = DEFAULT_CLIP,
            warmup: int = DEFAULT_WARMUP) -> pl.DataFrame:
    """Every day's ``date, shock, z, cusum_up, cusum_down, alert`` (alert: the direction, or null), as ``alerts``."""
    _check_settings(span, k, h, floor, clip, warmup)
    daily = _daily(data, weights, tone_weight, half_life, scale)
    z = standardise(daily["shock"].cast(pl.Float64).to_numpy(), span=span, floor=floor, clip=clip, warmup=warmup)
    up, down = cusum(z, k=k, h=h)
    alert = np.where(up > h, COOPERATIVE, np.where(down > h, CONFRONTATIONAL, None))
    return pl.DataFrame({"date": daily["date"], "shock": daily["shock"].cast(pl.Float64), "z": z,
                         "cusum_up": up, "cusum_down": down, "alert": pl.Series(alert.tolist(), dtype=pl.String)})


def _run_start(path: np.ndarray, day: int, h: float) -> int:
    """The first day of the run of positive CUSUM values that ends at ``day`` (a value above ``h`` was reset)."""
    before = path[:day]
    zeros = np.flatnonzero((before <= 0.0) | (before > h))
    return int(zeros[-1]) + 1 if zeros.size else 0


def _event_text(scored: pl.DataFrame, first: dt.date, day: dt.date, sign: float) -> tuple[int, str]:
    """The number of events from ``first`` to ``day``, and the ``TOP_EVENTS`` of them that pushed most in the
    alert's direction (``sign``), as "YYYY-MM-DD type: summary" joined by " | "."""
    window = scored.filter(pl.col("date").is_between(first, day))
    top = window.sort(pl.col("value") * -sign, maintain_order=True).head(TOP_EVENTS)
    parts = []
    for row in top.iter_rows(named=True):
        summary = " ".join(str(row["summary"] or "").split())
        if len(summary) > SUMMARY_CHARS:
            summary = summary[:SUMMARY_CHARS - 1].rstrip() + "…"
        parts.append(f"{row['date'].isoformat()} {row['type']}: {summary}")
    return window.height, " | ".join(parts)


def alerts(data: pl.DataFrame, weights: dict[str, float] | None = None, *,
           tone_weight: float = DEFAULT_TONE_WEIGHT, half_life: float = DEFAULT_HALF_LIFE,
           scale: float = DEFAULT_SCALE, span: float = DEFAULT_SPAN, k: float = DEFAULT_K, h: float = DEFAULT_H,
           floor: float = DEFAULT_FLOOR, clip: float = DEFAULT_CLIP, warmup: int = DEFAULT_WARMUP,
           scored: pl.DataFrame | None = None) -> pl.DataFrame:
    """The alert days of an event frame (the index is computed with ``weights``) or of a daily ``compute_index`` frame.

    One row per alert: ``date, direction, size`` (the CUSUM on the day, > ``h``), ``z``, ``start`` (the first day of
    the CUSUM run), ``shock``, ``index``, ``d_index_7d``, ``n_events`` and ``events`` (the count, and the top 3 in the
    alert's direction, of the events of the run: from its first day, or from 2 days before the alert when the run is
    shorter). Events come from ``scored`` (``score_events``) for a daily frame; without it ``events`` is null.
    """
    frame = data.collect() if isinstance(data, pl.LazyFrame) else data
    if not isinstance(frame, pl.DataFrame):
        frame = pl.from_pandas(frame)
    if scored is None and "shock" not in frame.columns and "type" in frame.columns:
        scored = score_events(frame, weights, tone_weight=tone_weight)
    if scored is not None:
        missing = [c for c in ("date", "type", "summary", "value") if c not in scored.columns]
        if missing:
            raise ValueError(f"the scored events lack the columns {', '.join(missing)}; pass the output of "
                             "score_events")
    daily = _daily(frame, weights, tone_weight, half_life, scale)
    days = monitor(daily, span=span, k=k, h=h, floor=floor, clip=clip, warmup=warmup)
    up, down = days["cusum_up"].to_numpy(), days["cusum_down"].to_numpy()
    index = daily["index"].cast(pl.Float64).to_numpy() if "index" in daily.columns else None
    columns: dict[str, list] = {c: [] for c in _ALERT_SCHEMA}
    for d in np.flatnonzero(days["alert"].is_not_null().to_numpy()):
        d = int(d)
        cooperative = up[d] > h
        path = up if cooperative else down
        day = days["date"][d]
        columns["date"].append(day)
        columns["direction"].append(COOPERATIVE if cooperative else CONFRONTATIONAL)
        columns["size"].append(float(path[d]))
        columns["z"].append(float(days["z"][d]))
        start = _run_start(path, d, h)
        columns["start"].append(days["date"][start])
        columns["shock"].append(float(days["shock"][d]))
        columns["index"].append(None if index is None else float(index[d]))
        after = d + AFTER_DAYS
        columns[f"d_index_{AFTER_DAYS}d"].append(
            None if index is None or after >= len(index) else float(index[after] - index[max(d - 1, 0)]))
        first = min(start, max(0, d - EVENT_DAYS))  # the run, and at least the two days before the alert
        if scored is not None:
            n, text = _event_text(scored, days["date"][first], day, 1.0 if cooperative else -1.0)
        else:
            n = int(daily["n_events"][first:d + 1].sum()) if "n_events" in daily.columns else None
            text = None
        columns["n_events"].append(n)
        columns["events"].append(text)
    return pl.DataFrame(columns, schema=_ALERT_SCHEMA)


def alert_days(found: pl.DataFrame) -> pl.DataFrame:
    """``date, direction`` of the alerts returned by ``alerts``, for chart markers."""
    return found.select("date", "direction")


def alerts_per_year(found: pl.DataFrame) -> pl.DataFrame:
    """The number of alerts per calendar year and direction: ``year, confrontational, cooperative, total``."""
    counts = found.group_by(pl.col("date").dt.year().alias("year")).agg(
        (pl.col("direction") == CONFRONTATIONAL).sum().cast(pl.Int64).alias(CONFRONTATIONAL),
        (pl.col("direction") == COOPERATIVE).sum().cast(pl.Int64).alias(COOPERATIVE))
    return counts.with_columns(total=pl.col(CONFRONTATIONAL) + pl.col(COOPERATIVE)).sort("year")
