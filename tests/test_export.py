import io

import polars as pl
import pytest

from tension.export import export_csv


@pytest.mark.parametrize("cell", ["=HYPERLINK(\"http://x\")", "+1+2", "-2+3", "@SUM(A1)", "\tx", "\rx"])
def test_formula_cells_neutralised(cell):
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
