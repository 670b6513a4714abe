"""CSV export that opens safely in a spreadsheet (OWASP CSV-injection guidance)."""

from __future__ import annotations

import polars as pl

#: A text cell starting with one of these is read as a formula by spreadsheets.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(frame: pl.DataFrame) -> pl.DataFrame:
    """Prefix text cells that begin with a formula character with a single quote; other columns unchanged."""
    starts = "^[" + "".join({"\t": "\\t", "\r": "\\r", "-": "\\-", "+": "\\+"}.get(c, c) for c in FORMULA_STARTS) + "]"
    return frame.with_columns(
        pl.when(pl.col(name).str.contains(starts)).then("'" + pl.col(name)).otherwise(pl.col(name)).alias(name)
        for name, dtype in frame.schema.items() if dtype == pl.String
    )


def export_csv(frame: pl.DataFrame) -> bytes:
    """``frame`` as UTF-8 CSV bytes with a header, formula-like text neutralised and numbers left as numbers."""
    return neutralise(frame).write_csv().encode("utf-8")
