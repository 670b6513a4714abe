"""Tone of official statements in [−1, 1]: the diplomatic rules over VADER (``rules``, the default, re-exported
here so ``tension.tone.score`` keeps working), the learned model (``learned``), the scorers by name (``scorers``)
and their evaluation on labelled statements (``evaluation``). The lexicon data lives in ``lexicon/``.

A leaf of the library: nothing here imports the engine (``tension.index``) or the sources.
"""

from tension.tone.rules import (
    CACHE_MAX_CHARS,
    CACHE_SIZE,
    DEFAULT_LEXICON,
    GENERIC_POSITIVE_WEIGHT,
    LEXICONS,
    SCOPES,
    LexiconError,
    PhraseRule,
    ToneModel,
    analyzer,
    diplomatic_terms,
    explain,
    groups,
    model,
    parse_table,
    phrase_rules,
    score,
    score_many,
    straighten,
)

__all__ = [
    "CACHE_MAX_CHARS", "CACHE_SIZE", "DEFAULT_LEXICON", "GENERIC_POSITIVE_WEIGHT", "LEXICONS", "SCOPES",
    "LexiconError", "PhraseRule", "ToneModel", "analyzer", "diplomatic_terms", "explain", "groups", "model",
    "parse_table", "phrase_rules", "score", "score_many", "straighten",
]
