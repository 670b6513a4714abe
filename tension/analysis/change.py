"""What moved the index between two dates: the change in the stock split exactly by type and by event.

With ``a = 2^(−1/h)`` the recursion ``raw_d = a · raw_{d−1} + shock_d`` unrolls over the ``N = end − start`` days to
``raw_end = a^N · raw_start + Σ value_e · a^(end − date_e)`` over the events dated in ``(start, end]``, so

    Δraw = raw_end − raw_start = Σ value_e · a^(end − date_e)  +  raw_start · (a^N − 1)

the events of the window, each decayed to ``end``, plus the fading of the stock held on ``start`` ("memory").
The ``contrib_<type>`` columns of the index split ``raw`` by type, so their differences split Δraw by type.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import polars as pl

from tension.analysis.frames import require_columns
from tension.index import decay_factor
from tension.taxonomy import get_type, type_ids

#: The part of ``by_type`` for the tone of statements (the other parts are type ids).
TONE_PART = "tone"
TONE_LABEL = "Tone of statements"
#: The ``type`` of the row for the fading of the earlier stock, and of the ``top`` line summing the others.
MEMORY = "memory"
REST = "rest"

_EVENT_SCHEMA = {"date": pl.Date, "type": pl.String, "summary": pl.String, "value": pl.Float64,
                 "age_days": pl.Int64, "contribution": pl.Float64}


@dataclass(frozen=True)
class Change:
    """The change of the index from ``start`` to ``end``, split by type (``by_type``) and by event (``events``)."""

    start: dt.date
    end: dt.date
    index_start: float
    index_end: float
    d_index: float
    raw_start: float
    raw_end: float
    d_raw: float
    by_type: pl.DataFrame
    events: pl.DataFrame

    def top(self, n: int) -> pl.DataFrame:
        """The ``n`` largest rows of ``events``, then one ``rest`` row summing the others (none if nothing is left)."""
        if n < 0:
            raise ValueError(f"n must be ≥ 0, got {n!r}")
        head, tail = self.events.head(n), self.events.slice(n)
        if tail.height == 0:
            return head
        rest = pl.DataFrame({"date": [None], "type": [REST], "summary": [_rest_summary(tail)],
                             "value": [None], "age_days": [None], "contribution": [float(tail["contribution"].sum())]},
                            schema=_EVENT_SCHEMA)
        return pl.concat([head, rest])


def _rest_summary(tail: pl.DataFrame) -> str:
    n = int((tail["type"] != MEMORY).sum())
    text = f"the other {n} event{'' if n == 1 else 's'}"
    return text + (" and the fading of the stock" if n < tail.height else "")


def _signed(x: float) -> str:
    """``x`` to one decimal with a true minus sign (and no "−0.0")."""
    text = f"{x:.1f}"
    return "0.0" if text == "-0.0" else text.replace("-", "−")


def _row(index: pl.DataFrame, day: dt.date, name: str) -> dict:
    rows = index.filter(pl.col("date") == day)
    if rows.height == 0:
        first, last = index["date"].min(), index["date"].max()
        raise ValueError(f"{name} date {day} is not in the index (it covers {first} to {last})")
    if rows.height > 1:
        raise ValueError(f"{name} date {day} appears {rows.height} times in the index; expected one row per day")
    return rows.row(0, named=True)


def _check_inputs(index: pl.DataFrame, scored: pl.DataFrame, start: dt.date, end: dt.date) -> None:
    for name, day in (("start", start), ("end", end)):
        if not isinstance(day, dt.date) or isinstance(day, dt.datetime):
            raise TypeError(f"{name} must be a datetime.date, got {day!r}")
    if start > end:
        raise ValueError(f"start {start} is after end {end}")
    require_columns(index, scored, ["date", "index", "raw", *(f"contrib_{t}" for t in type_ids()), "contrib_tone"])


def _by_type(first: dict, last: dict) -> pl.DataFrame:
    parts = [*type_ids(), TONE_PART]
    labels = [get_type(t).label for t in type_ids()] + [TONE_LABEL]
    deltas = [float(last[f"contrib_{p}"]) - float(first[f"contrib_{p}"]) for p in parts]
    frame = pl.DataFrame({"part": parts, "label": labels, "d_raw": deltas},
                         schema={"part": pl.String, "label": pl.String, "d_raw": pl.Float64})
    return frame.filter(pl.col("d_raw") != 0.0).sort(pl.col("d_raw").abs(), descending=True, maintain_order=True)


def _events(scored: pl.DataFrame, start: dt.date, end: dt.date, a: float, raw_start: float) -> pl.DataFrame:
    window = scored.filter((pl.col("date") > start) & (pl.col("date") <= end)).with_columns(
        age_days=(pl.lit(end) - pl.col("date")).dt.total_days().cast(pl.Int64))
    if a == 0.0:  # no memory: only the events of the end date count (and 0.0 ** 0 stays out of the question)
        window = window.filter(pl.col("age_days") == 0)
    window = window.with_columns(contribution=pl.col("value").cast(pl.Float64) * pl.lit(a) ** pl.col("age_days"))
    days = (end - start).days
    fading = raw_start * (a ** days - 1.0) + 0.0  # no -0.0
    memory = pl.DataFrame({"date": [start], "type": [MEMORY],
                           "summary": [f"fading of the stock of {start.isoformat()} (raw {_signed(raw_start)})"],
                           "value": [raw_start], "age_days": [days], "contribution": [fading]},
                          schema=_EVENT_SCHEMA)
    rows = window.select(pl.col(c).cast(t) for c, t in _EVENT_SCHEMA.items())
    return pl.concat([rows, memory]).sort(pl.col("contribution").abs(), descending=True, maintain_order=True)


def change(index: pl.DataFrame, scored: pl.DataFrame, start: dt.date, end: dt.date, *,
           half_life: float) -> Change:
    """The change of ``index`` from ``start`` to ``end``, split exactly by type and by the ``scored`` events.

    ``scored`` must be scored (``score_events``) with the weights, tone weight and tone scorer of ``index``, and
    ``half_life`` must be the index's; a mismatch is caught because the parts would not sum to the change.
    """
    _check_inputs(index, scored, start, end)
    a = decay_factor(half_life)
    first, last = _row(index, start, "start"), _row(index, end, "end")
    raw_start, raw_end = float(first["raw"]), float(last["raw"])
    d_raw = raw_end - raw_start
    events = _events(scored, start, end, a, raw_start)
    total = float(events["contribution"].sum())
    size = 1.0 + abs(raw_start) + abs(raw_end) + float(events["contribution"].abs().sum())
    if not math.isclose(total, d_raw, rel_tol=0.0, abs_tol=1e-9 * size):
        raise ValueError(f"the scored events do not reproduce the index from {start} to {end}: events and memory "
                         f"sum to {total:.6g} but raw moved by {d_raw:.6g}; score the events with the weights, "
                         "tone weight and tone scorer of the index, and pass its half-life")
    return Change(start=start, end=end, index_start=float(first["index"]), index_end=float(last["index"]),
                  d_index=float(last["index"]) - float(first["index"]), raw_start=raw_start, raw_end=raw_end,
                  d_raw=d_raw, by_type=_by_type(first, last), events=events)
