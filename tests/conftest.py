"""Shared test helpers: small event frames built in code."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from tension.events import parse_events


def make_events(rows: list[tuple[str, str, float]], statements: dict[int, str] | None = None) -> pl.DataFrame:
    """An event frame from (date, type, salience) rows; ``statements`` maps row number to quoted text."""
    statements = statements or {}
    return pl.DataFrame({
        "id": [f"e{i}" for i in range(len(rows))],
        "date": [dt.date.fromisoformat(d) for d, _, _ in rows],
        "type": [t for _, t, _ in rows],
        "actor": ["USA"] * len(rows),
        "target": ["CHN"] * len(rows),
        "summary": ["s"] * len(rows),
        "statement": [statements.get(i) for i in range(len(rows))],
        "source": ["test"] * len(rows),
        "salience": [float(s) for _, _, s in rows],
    }, schema_overrides={"statement": pl.String})


@pytest.fixture
def tiny() -> pl.DataFrame:
    """Talks on day 1, nothing on day 2, sanctions on day 3 (no statements)."""
    return parse_events("date,type,actor,target,summary,source\n"
                        "2023-01-01,talks,USA,CHN,a,x\n"
                        "2023-01-03,sanctions,USA,CHN,b,x\n")
