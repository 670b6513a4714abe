import datetime as dt
import io

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from tension.events import COLUMNS, load_events
from tension.export import escape, export_csv
from tension.taxonomy import type_ids


@pytest.mark.parametrize("cell", ["=HYPERLINK(\"http://x\")", "+1+2", "-2+3", "@SUM(A1)", "\tx", "\rx", "'x"])
def test_formula_cells_and_apostrophes_escaped(cell):
    out = export_csv(pl.DataFrame({"summary": [cell]}))
    back = pl.read_csv(io.BytesIO(out))
    assert back["summary"][0] == "'" + cell


def test_numbers_and_plain_text_untouched():
    frame = pl.DataFrame({"raw": [-3.5, 2.0], "n": [-1, 4], "summary": ["talks in Vienna", "a-b"]})
    out = export_csv(frame).decode("utf-8")
    assert out.splitlines() == ["raw,n,summary", "-3.5,-1,talks in Vienna", "2.0,4,a-b"]


def test_utf8_and_nulls():
    out = export_csv(pl.DataFrame({"s": ["王毅", None]}))
    assert out.decode("utf-8").splitlines() == ["s", "王毅", ""]


def test_header_names_escaped_like_cells():
    out = export_csv(pl.DataFrame({"=cmd|' /C calc'!A0": [1], "'quoted": ["a"], "@x": pl.Series(["-1"],
                                                                                                 dtype=pl.Categorical)}))
    assert out.decode("utf-8").splitlines() == ["'=cmd|' /C calc'!A0,''quoted,'@x", "1,a,'-1"]


def test_escape_is_one_apostrophe_and_only_when_needed():
    assert [escape(t) for t in ("=1", "'", "''a", "a=1", "", " -1")] == ["'=1", "''", "'''a", "a=1", "", " -1"]


# Text a cell can hold and get back: no NUL (refused as binary) and no surrogates (not UTF-8).
TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=12)
TRICKY = st.sampled_from(["=", "+", "-", "@", "\t", "\r", "'", "''", "\n", '"', "\r\n", ",", " ", "王", "\ufeff"])
CELL = st.lists(st.one_of(TEXT, TRICKY), max_size=4).map("".join)
# Required text columns must not be blank; a statement is null or has non-blank words (blank loads as null).
FILLED = CELL.filter(lambda s: s.strip() != "")
STATEMENT = st.one_of(st.none(), FILLED)
# Extra column names: loading strips header names, so a name round-trips when it equals its stripped self and is
# not one of the standard columns.
NAME = CELL.filter(lambda s: s and s == s.strip() and s not in (*COLUMNS, "tone"))


@st.composite
def event_frames(draw):
    n = draw(st.integers(1, 4))
    names = draw(st.lists(NAME, max_size=2, unique=True))
    frame = pl.DataFrame({
        "id": [f"{draw(CELL)}#{i}" for i in range(n)],
        "date": [dt.date(2023, 1, 1) + dt.timedelta(days=draw(st.integers(0, 400))) for _ in range(n)],
        "type": [draw(st.sampled_from(type_ids())) for _ in range(n)],
        "actor": [draw(FILLED) for _ in range(n)],
        "target": [draw(FILLED) for _ in range(n)],
        "summary": [draw(FILLED) for _ in range(n)],
        "statement": [draw(STATEMENT) for _ in range(n)],
        "source": [draw(FILLED) for _ in range(n)],
        "salience": [draw(st.sampled_from([0.7, 1.0, 1.5, 2.0, 10.0, 1e-300])) for _ in range(n)],
    } | {name: [draw(CELL) for _ in range(n)] for name in names},
        schema_overrides={"statement": pl.String})
    if draw(st.booleans()):
        tone = st.one_of(st.none(), st.floats(-1.0, 1.0, allow_subnormal=True))
        frame = frame.with_columns(pl.Series("tone", [draw(tone) for _ in range(n)], dtype=pl.Float64))
        frame = frame.select(*COLUMNS, "tone", *names)
    # A statement event needs words; give those rows a statement.
    return frame.with_columns(pl.when((pl.col("type") == "statement") & pl.col("statement").is_null())
                              .then(pl.lit("'=We oppose it.")).otherwise(pl.col("statement")).alias("statement"))


@settings(max_examples=300, deadline=None)
@given(event_frames())
def test_export_then_load_gives_the_same_frame(frame):
    back = load_events(export_csv(frame), name="roundtrip.csv")
    assert_frame_equal(back, frame)


def test_decimals_round_float_noise_only_when_asked():
    frame = pl.DataFrame({"w": [-4.199999999999999, 0.1 + 0.2], "n": [1, 2], "s": ["-4.2", "x"]})
    assert export_csv(frame, decimals=9).decode().splitlines() == ["w,n,s", "-4.2,1,'-4.2", "0.3,2,x"]
    assert export_csv(frame).decode().splitlines()[1].startswith("-4.199999999999999,")
