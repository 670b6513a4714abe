"""Two periods side by side (mean index, level, events by type, top drivers), and two scenarios day by day.

With ``a = 2^(−1/h)`` the stock on day ``d`` of a period ``[start, end]`` of ``N`` days is
``raw_d = a^(d − start) · c + Σ value_e · a^(d − date_e)`` over the events dated in ``[start, d]``, where
``c = raw_start − shock_start = a · raw_(start − 1)`` is the stock carried in. Averaging over the period's days:

    mean raw = c · G(N − 1) / N  +  Σ value_e · G(end − date_e) / N,        G(k) = Σ_{j=0..k} a^j

one exact term per event of the period (its share of the period's mean stock) and one for the carried-in stock.
``G(k)`` is ``k + 1`` without decay (h = ∞), 1 without memory (h = 0), else ``(1 − a^(k+1)) / (1 − a)``.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import numpy as np
import polars as pl

from tension.analysis.change import MEMORY, REST
from tension.analysis.frames import require_columns
from tension.index import decay_factor, level_of
from tension.taxonomy import get_type, type_ids

_EVENT_SCHEMA = {"date": pl.Date, "type": pl.String, "summary": pl.String, "value": pl.Float64,
                 "contribution": pl.Float64}
_BY_TYPE_SCHEMA = {"type": pl.String, "label": pl.String, "count": pl.Int64, "value_sum": pl.Float64,
                   "contribution": pl.Float64}


@dataclass(frozen=True)
class PeriodSummary:
    """One period ``[start, end]`` (both included): its mean index and level, its events by type, and what made its
    mean stock (``events``: every event of the period and one ``memory`` row for the carried-in stock)."""

    start: dt.date
    end: dt.date
    days: int
    mean_index: float
    level: str
    mean_raw: float
    n_events: int
    by_type: pl.DataFrame
    events: pl.DataFrame
    drivers: pl.DataFrame


@dataclass(frozen=True)
class PeriodComparison:
    """Periods ``a`` and ``b``; ``d_mean_index = b.mean_index − a.mean_index``; ``by_type`` puts their events by
    type side by side (``count_a, count_b, value_a, value_b, contribution_a, contribution_b``)."""

    a: PeriodSummary
    b: PeriodSummary
    d_mean_index: float
    by_type: pl.DataFrame


def _signed(x: float) -> str:
    """``x`` to one decimal with a true minus sign (and no "−0.0")."""
    text = f"{x:.1f}"
    return "0.0" if text == "-0.0" else text.replace("-", "−")


def _geometric(a: float, k: np.ndarray) -> np.ndarray:
    """``G(k) = Σ_{j=0..k} a^j`` for whole ``k ≥ 0``, accurate for ``a`` close to 1."""
    k = np.asarray(k, dtype=float)
    if a == 1.0:
        return k + 1.0
    if a == 0.0:
        return np.ones_like(k)
    log_a = math.log(a)
    return np.expm1((k + 1.0) * log_a) / math.expm1(log_a)


def _check_period(name: str, period: tuple[dt.date, dt.date]) -> tuple[dt.date, dt.date]:
    if not isinstance(period, tuple | list) or len(period) != 2:
        raise TypeError(f"period {name} must be a (start, end) pair of dates, got {period!r}")
    for day in period:
        if not isinstance(day, dt.date) or isinstance(day, dt.datetime):
            raise TypeError(f"period {name} must be a (start, end) pair of datetime.date, got {period!r}")
    start, end = period
    if start > end:
        raise ValueError(f"period {name} starts on {start}, after its end {end}")
    return start, end


def _check_frames(index: pl.DataFrame, scored: pl.DataFrame) -> None:
    require_columns(index, scored, ("date", "index", "raw", "shock"))


def _rows(index: pl.DataFrame, name: str, start: dt.date, end: dt.date) -> pl.DataFrame:
    rows = index.filter((pl.col("date") >= start) & (pl.col("date") <= end)).sort("date")
    days = (end - start).days + 1
    if rows.height != days or rows["date"].n_unique() != days:
        first, last = index["date"].min(), index["date"].max()
        raise ValueError(f"period {name} ({start} to {end}) needs one index row for each of its {days} days; the "
                         f"index has {rows.height} rows there (it covers {first} to {last})")
    return rows


def _by_type(events: pl.DataFrame) -> pl.DataFrame:
    grouped = (events.filter(pl.col("type") != MEMORY)
               .group_by("type").agg(count=pl.len().cast(pl.Int64), value_sum=pl.col("value").sum(),
                                     contribution=pl.col("contribution").sum()))
    found = dict(zip(grouped["type"], grouped.iter_rows(named=True)))
    rows = [found[t] for t in type_ids() if t in found]
    return pl.DataFrame({"type": [r["type"] for r in rows], "label": [get_type(r["type"]).label for r in rows],
                         "count": [r["count"] for r in rows], "value_sum": [r["value_sum"] for r in rows],
                         "contribution": [r["contribution"] for r in rows]}, schema=_BY_TYPE_SCHEMA)


def _top(events: pl.DataFrame, n: int) -> pl.DataFrame:
    head, tail = events.head(n), events.slice(n)
    if tail.height == 0:
        return head
    others = int((tail["type"] != MEMORY).sum())
    summary = f"the other {others} event{'' if others == 1 else 's'}"
    if others < tail.height:
        summary += " and the carried-in stock"
    rest = pl.DataFrame({"date": [None], "type": [REST], "summary": [summary], "value": [None],
                         "contribution": [float(tail["contribution"].sum())]}, schema=_EVENT_SCHEMA)
    return pl.concat([head, rest])


def _summary(index: pl.DataFrame, scored: pl.DataFrame, name: str, period: tuple[dt.date, dt.date], a: float,
             top: int) -> PeriodSummary:
    start, end = _check_period(name, period)
    rows = _rows(index, name, start, end)
    days = rows.height
    carried = float(rows["raw"][0]) - float(rows["shock"][0])
    inside = scored.filter((pl.col("date") >= start) & (pl.col("date") <= end))
    age = inside.select((pl.lit(end) - pl.col("date")).dt.total_days())[:, 0].to_numpy()
    share = _geometric(a, age) / days
    events = inside.select(pl.col(c).cast(t) for c, t in _EVENT_SCHEMA.items() if c != "contribution").with_columns(
        contribution=inside["value"].cast(pl.Float64) * pl.Series(share, dtype=pl.Float64))
    memory_share = float(_geometric(a, np.array([days - 1]))[0]) / days
    memory = pl.DataFrame({"date": [start], "type": [MEMORY], "value": [carried],
                           "summary": [f"the stock carried into {start.isoformat()} (raw {_signed(carried)})"],
                           "contribution": [carried * memory_share + 0.0]}, schema=_EVENT_SCHEMA)
    events = pl.concat([events, memory.select(events.columns)]).sort(pl.col("contribution").abs(), descending=True,
                                                                     maintain_order=True)
    mean_raw = float(rows["raw"].mean())
    total = float(events["contribution"].sum())
    size = 1.0 + float(rows["raw"].abs().max()) + float(events["contribution"].abs().sum())
    if not math.isclose(total, mean_raw, rel_tol=0.0, abs_tol=1e-9 * size):
        raise ValueError(f"the scored events do not reproduce the index over period {name} ({start} to {end}): "
                         f"their shares sum to {total:.6g} but the mean raw is {mean_raw:.6g}; score the events with "
                         "the weights, tone weight and tone scorer of the index, and pass its half-life")
    mean_index = float(rows["index"].mean())
    return PeriodSummary(start=start, end=end, days=days, mean_index=mean_index, level=level_of(mean_index),
                         mean_raw=mean_raw, n_events=inside.height, by_type=_by_type(events), events=events,
                         drivers=_top(events, top))


def _side_by_side(a: pl.DataFrame, b: pl.DataFrame) -> pl.DataFrame:
    types = [t for t in type_ids() if t in set(a["type"]) | set(b["type"])]
    frame = pl.DataFrame({"type": types, "label": [get_type(t).label for t in types]},
                         schema={"type": pl.String, "label": pl.String})
    for suffix, part in (("a", a), ("b", b)):
        frame = frame.join(part.select("type", pl.col("count").alias(f"count_{suffix}"),
                                       pl.col("value_sum").alias(f"value_{suffix}"),
                                       pl.col("contribution").alias(f"contribution_{suffix}")),
                           on="type", how="left", maintain_order="left")
    # A type with no event in one period has a count, value sum and contribution of exactly 0 there.
    return frame.fill_null(0).select("type", "label", "count_a", "count_b", "value_a", "value_b",
                                     "contribution_a", "contribution_b")


def compare_periods(index: pl.DataFrame, scored: pl.DataFrame, a: tuple[dt.date, dt.date],
                    b: tuple[dt.date, dt.date], *, half_life: float, top: int = 10) -> PeriodComparison:
    """Periods ``a`` and ``b`` of ``index`` (each ``(start, end)``, both days included): mean index and level,
    events by type and the ``top`` drivers of each period's mean stock (exact shares, plus a ``rest`` row).

    ``scored`` and ``half_life`` must be those of ``index`` (``score_events`` with its weights and tone weight); a
    mismatch is caught because the shares would not sum to the mean stock.
    """
    if isinstance(top, bool) or not isinstance(top, int) or top < 0:
        raise ValueError(f"top must be a whole number ≥ 0, got {top!r}")
    _check_frames(index, scored)
    memory = decay_factor(half_life)
    first = _summary(index, scored, "a", a, memory, top)
    second = _summary(index, scored, "b", b, memory, top)
    return PeriodComparison(a=first, b=second, d_mean_index=second.mean_index - first.mean_index,
                            by_type=_side_by_side(first.by_type, second.by_type))


def scenario_difference(index_a: pl.DataFrame, index_b: pl.DataFrame) -> pl.DataFrame:
    """Two indices of the same days side by side: ``date, index_a, index_b, diff`` with ``diff = index_b −
    index_a``; the two must cover exactly the same dates in the same order."""
    for name, frame in (("index_a", index_a), ("index_b", index_b)):
        missing = [c for c in ("date", "index") if c not in frame.columns]
        if missing:
            raise ValueError(f"{name} lacks the columns {', '.join(missing)}; pass the output of weigh or "
                             "compute_index")
    dates_a, dates_b = index_a["date"], index_b["date"]
    if dates_a.len() != dates_b.len() or not (dates_a == dates_b).all():
        if dates_a.len() != dates_b.len():
            detail = f"index_a has {dates_a.len()} rows, index_b {dates_b.len()}"
        else:
            row = int(np.flatnonzero(~(dates_a == dates_b).fill_null(False).to_numpy())[0])
            detail = f"row {row} is {dates_a[row]} in index_a but {dates_b[row]} in index_b"
        raise ValueError(f"the two scenarios must cover the same days in the same order: {detail}")
    return pl.DataFrame({"date": dates_a, "index_a": index_a["index"].cast(pl.Float64),
                         "index_b": index_b["index"].cast(pl.Float64)}).with_columns(
        diff=pl.col("index_b") - pl.col("index_a"))
