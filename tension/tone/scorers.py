"""The tone scorers by name: plain VADER, the diplomatic lexicon and rules (the default), and the learned model."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import partial

import polars as pl

from tension.tone import learned as tone_learned
from tension.tone import rules as tone

#: A tone scorer: statements (None for none) in, a Float64 series of tones in [−1, 1] out.
ToneScorer = Callable[[Iterable[str | None]], pl.Series]

#: Every scorer, in report order.
SCORERS = ("vader", "diplomatic", "learned")


def scorer(name: str) -> ToneScorer:
    """The ``score_many`` of the scorer called ``name`` (one of ``SCORERS``), for ``tension.with_tone``."""
    if name == "learned":
        return tone_learned.score_many
    if name == tone.DEFAULT_LEXICON:
        return tone.score_many
    if name in tone.LEXICONS:
        return partial(tone.score_many, lexicon=name)
    raise ValueError(f"unknown tone scorer {name!r}; known: {', '.join(SCORERS)}")
