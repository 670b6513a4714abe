"""What the analyses need of their inputs: the columns of an index frame and of scored events, checked once."""

from __future__ import annotations

from collections.abc import Iterable

import polars as pl

#: Columns of ``score_events`` output that the analyses read.
SCORED_COLUMNS = ("date", "type", "summary", "value")


def require_columns(index: pl.DataFrame, scored: pl.DataFrame, index_columns: Iterable[str]) -> None:
    """ValueError naming what ``index`` (a weigh/compute_index frame) or ``scored`` (score_events) lacks."""
    missing = [c for c in index_columns if c not in index.columns]
    if missing:
        raise ValueError(f"the index frame lacks the columns {', '.join(missing)}; pass the output of weigh or "
                         "compute_index")
    missing = [c for c in SCORED_COLUMNS if c not in scored.columns]
    if missing:
        raise ValueError(f"the scored events lack the columns {', '.join(missing)}; pass the output of score_events")
