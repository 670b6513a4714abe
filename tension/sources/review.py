"""Review of coded candidates before they enter the working event set: what to tick, and why not.

``review_candidates(candidates, working, published)`` returns the candidates with a leading ``accept`` tick and a
``review`` label. A candidate starts unticked when it is

- **undated**: no date in its sentence (``date`` is empty, ``date_precision`` is ``none``); it cannot be added
  until a reviewer gives it a date;
- **background**: outside the article's own window, i.e. dated only to a month or a year, or more than
  ``window_days`` (10) days before publication: a past event the article recalls, likely already recorded elsewhere
  with a better date;
- **already in the record**: the working set holds an event of the same type and dyad (actor and target countries;
  either order for talks, calls, agreements and cooperation; for statements the same speaker) whose date lies in
  the candidate's period (its day ±1 for day precision: time zones; its month or year otherwise); the label names
  the event's id;
- **untyped** (timelines): no rule matched.

``index_change(before, after, dates)`` gives the index of both event sets on the days the added events touch, so
the effect of an import is shown where it happens rather than on the last day of the record.
"""

from __future__ import annotations

import datetime as dt
import re

import polars as pl

from tension.index import compute_index
from tension.sources.article import SYMMETRIC

WINDOW_DAYS = 10
DAY_SLACK = 1  # a day-precision match allows ±1 day: the two capitals are 12–13 hours apart


def _side(party: object) -> str | None:
    return str(party)[:3] if party else None


def _in_window(day: dt.date | None, precision: str | None, published: dt.date, window_days: int) -> bool:
    if day is None or precision != "day":
        return False
    return day >= published - dt.timedelta(days=window_days)


def _person(party: str) -> str:
    """The person in an actor string ("CHN: Foreign Ministry (Wang Wenbin)" → "Wang Wenbin"), else the whole."""
    inner = re.search(r"\(([^()]+)\)\s*$", party)
    return inner.group(1) if inner else party.split(":", 1)[-1].strip()


def _same_speaker(candidate: dict, event: dict) -> bool:
    """For statements: the same person (named in the event's actor or speaker), or the same actor string."""
    actor = str(candidate.get("actor") or "")
    if not actor or len(actor) == 3:
        return True
    name = _person(actor)
    return name in str(event.get("actor") or "") or name in str(event.get("speaker") or "")


def find_in_record(row: dict, working: pl.DataFrame) -> str | None:
    """The id of the first working event with the candidate's type and dyad whose date lies in the candidate's
    period (day ±1, month or year), or None; statements must also share the speaker (several officials speak on
    one day)."""
    if row.get("date") is None or not row.get("type") or working.height == 0:
        return None
    pair = (_side(row.get("actor")), _side(row.get("target")))
    precision = row.get("date_precision") or "day"
    day: dt.date = row["date"]
    if precision == "day":
        lo, hi = day - dt.timedelta(days=DAY_SLACK), day + dt.timedelta(days=DAY_SLACK)
    elif precision == "month":
        lo = day.replace(day=1)
        hi = (lo + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    else:
        lo, hi = dt.date(day.year, 1, 1), dt.date(day.year, 12, 31)
    near = working.filter((pl.col("type") == row["type"]) & pl.col("date").is_between(lo, hi))
    for event in near.iter_rows(named=True):
        other = (_side(event["actor"]), _side(event["target"]))
        if None in pair or other == pair or (row["type"] in SYMMETRIC and other == pair[::-1]):
            if row["type"] == "statement" and not _same_speaker(row, event):
                continue
            return str(event["id"])
    return None


def review_label(row: dict, working: pl.DataFrame, published: dt.date | None,
                 window_days: int = WINDOW_DAYS) -> tuple[bool, str]:
    """``(tick, label)`` for one candidate: ticked only when typed, dated, inside the article's window and not
    already in the working set; the label says every reason it is not (empty when ticked)."""
    reasons = []
    if not row.get("type"):
        reasons.append("untyped: choose a type")
    if row.get("date") is None:
        reasons.append("undated: give a date")
    elif published is not None and not _in_window(row["date"], row.get("date_precision"), published, window_days):
        reasons.append("background")
    found = find_in_record(row, working)
    if found is not None:
        reasons.append(f"already in the record ({found})")
    return not reasons, "; ".join(reasons)


def review_candidates(candidates: pl.DataFrame, working: pl.DataFrame, published: dt.date | None = None, *,
                      window_days: int = WINDOW_DAYS) -> pl.DataFrame:
    """``candidates`` with leading ``accept`` (bool) and ``review`` (why unticked) columns. ``published`` is the
    article's date (None for timelines: no background check, every line is the timeline's own event)."""
    pairs = [review_label(row, working, published, window_days) for row in candidates.iter_rows(named=True)]
    return candidates.select(
        pl.Series("accept", [p[0] for p in pairs], dtype=pl.Boolean),
        pl.Series("review", [p[1] for p in pairs], dtype=pl.String),
        pl.all())


def touched_dates(accepted: pl.DataFrame) -> list[dt.date]:
    """The distinct dates of the accepted events, in order."""
    return sorted({d for d in accepted["date"].to_list() if d is not None})


def index_change(before: pl.DataFrame, after: pl.DataFrame, dates: list[dt.date]) -> pl.DataFrame:
    """The index of ``before`` and ``after`` on each of ``dates`` (columns date, before, after, change, level_before,
    level_after); a date outside an index's span reads as null."""
    def on(events: pl.DataFrame) -> pl.DataFrame:
        return compute_index(events).select("date", "index", "level")

    wanted = pl.DataFrame({"date": dates}, schema={"date": pl.Date})
    b = on(before).rename({"index": "before", "level": "level_before"})
    a = on(after).rename({"index": "after", "level": "level_after"})
    out = wanted.join(b, on="date", how="left").join(a, on="date", how="left")
    return out.with_columns((pl.col("after") - pl.col("before")).alias("change")).select(
        "date", "before", "after", "change", "level_before", "level_after")
