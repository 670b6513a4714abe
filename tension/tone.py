"""Tone of official statements: VADER's compound score in [−1, 1].

Each analyzer is built once per lexicon configuration and never mutated afterwards.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

import polars as pl
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

LEXICONS = ("vader",)


@lru_cache(maxsize=len(LEXICONS))
def analyzer(lexicon: str = "vader") -> SentimentIntensityAnalyzer:
    """The shared analyzer for ``lexicon`` (built on first use); do not mutate it."""
    if lexicon not in LEXICONS:
        raise ValueError(f"unknown lexicon {lexicon!r}; known: {', '.join(LEXICONS)}")
    return SentimentIntensityAnalyzer()


def score(text: str | None, *, lexicon: str = "vader") -> float:
    """The tone of ``text`` in [−1, 1]; 0.0 for empty or missing text."""
    if text is None or not text.strip():
        return 0.0
    return float(analyzer(lexicon).polarity_scores(text)["compound"])


def explain(text: str | None, *, lexicon: str = "vader") -> list[tuple[str, float]]:
    """The words of ``text`` found in the lexicon with their valence (−4..+4), strongest first."""
    if text is None or not text.strip():
        return []
    lex = analyzer(lexicon).lexicon
    words = [w.strip(".,;:!?\"'()[]").lower() for w in text.split()]
    hits = [(w, float(lex[w])) for w in words if w in lex]
    return sorted(hits, key=lambda item: -abs(item[1]))


def score_many(texts: Iterable[str | None], *, lexicon: str = "vader") -> pl.Series:
    """Tone of each text (0.0 where missing), scoring each distinct text once."""
    texts = list(texts)
    cache = {t: score(t, lexicon=lexicon) for t in set(texts) if t is not None}
    return pl.Series("tone", [cache.get(t, 0.0) if t is not None else 0.0 for t in texts], dtype=pl.Float64)
