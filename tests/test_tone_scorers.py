import polars as pl
import pytest

from tension.tone import learned as tone_learned
from tension.tone import rules as tone
from tension.tone.scorers import SCORERS, scorer


def test_scorers_by_name():
    text = pl.Series(["China firmly opposes the sanctions."])
    assert scorer("diplomatic") is tone.score_many and scorer("learned") is tone_learned.score_many
    assert scorer("vader")(text)[0] == tone.score(text[0], lexicon="vader")
    assert set(SCORERS) == {*tone.LEXICONS, "learned"}
    with pytest.raises(ValueError, match="unknown tone scorer 'x'"):
        scorer("x")
