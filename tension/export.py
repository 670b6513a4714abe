"""CSV export that opens safely in a spreadsheet (OWASP CSV-injection guidance) and loads back unchanged.

The escaping, undone by ``tension.events.load_events``: a text cell or a header name that starts with a formula
character (``FORMULA_STARTS``) or with an apostrophe gets one ``'`` in front; on load, a cell or header name that
starts with ``'`` loses exactly one. Numbers, dates and other non-text columns are written as they are.
"""

from __future__ import annotations

import polars as pl

#: A text cell starting with one of these is read as a formula by spreadsheets.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: Text starting with one of these gets one apostrophe in front (the apostrophe itself, so the escape can be undone).
ESCAPED_STARTS = (*FORMULA_STARTS, "'")
_PATTERN = "^[" + "".join({"\t": "\\t", "\r": "\\r", "-": "\\-", "+": "\\+"}.get(c, c) for c in ESCAPED_STARTS) + "]"


def escape(text: str) -> str:
    """``text`` with one ``'`` in front if it starts with a formula character or an apostrophe."""
    return "'" + text if text.startswith(ESCAPED_STARTS) else text


def _is_text(dtype: pl.DataType) -> bool:
    return dtype == pl.String or isinstance(dtype, (pl.Categorical, pl.Enum))


def neutralise(frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` with every text cell (String, Categorical, Enum) and column name escaped (see ``escape``); other
    columns unchanged."""
    text = frame.with_columns(pl.col(n).cast(pl.String) for n, dtype in frame.schema.items() if _is_text(dtype))
    escaped = text.with_columns(
        pl.when(pl.col(n).str.contains(_PATTERN)).then("'" + pl.col(n)).otherwise(pl.col(n)).alias(n)
        for n, dtype in frame.schema.items() if _is_text(dtype)
    )
    return escaped.rename({n: escape(n) for n in frame.columns if escape(n) != n})


def export_csv(frame: pl.DataFrame, *, decimals: int | None = None) -> bytes:
    """``frame`` as UTF-8 CSV bytes with a header, formula-like text and names escaped and numbers left as numbers;
    ``decimals`` rounds float columns (e.g. 9: −4.199999999999999 is written −4.2), None keeps every digit."""
    if decimals is not None:
        frame = frame.with_columns(pl.col(pl.Float32, pl.Float64).round(decimals))
    return neutralise(frame).write_csv().encode("utf-8")
