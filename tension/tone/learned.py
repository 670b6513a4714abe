"""A tone model learned from the labelled official statements, on top of the diplomatic scorer.

Multinomial logistic regression (classes −1, 0, +1) over the statement's words and word pairs (tf-idf) plus the
diplomatic scorer's own score as one more feature. Its weights are data (``tension/tone/lexicon/learned.tsv``),
written by ``python -m tension tone-train`` from labelled CSVs; this module trains, saves, loads and applies them.
The score is P(+1) − P(−1), moved into the neutral band (|s| < 0.05) when neutral is the most likely class. See
docs/tone.md.
"""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np
import polars as pl

from tension.tone import rules as tone

#: Classes in the order of the weight columns.
CLASSES = (-1, 0, 1)
#: Columns of the weights file; special rows hold the intercepts and the diplomatic-score feature.
COLUMNS = ("term", "idf", "w_neg", "w_neu", "w_pos")
INTERCEPT = "(baseline)"
RULES = "(diplomatic rules)"
#: Training settings (chosen by cross-validation on the seen statements, docs/tone.md "Learned model").
MIN_DF = 2
RULE_SCALE = 3.0
C = 4.0
STEPS = 1500
#: Scores strictly inside ±NEUTRAL_BAND are neutral (VADER's ±0.05 convention).
NEUTRAL_BAND = 0.05
_TOKEN = re.compile(r"\b\w\w+\b")


@dataclass(frozen=True)
class LearnedModel:
    """Vocabulary with idf, class weights per term (rows) and class (columns), the rule feature's weights and scale,
    and the intercepts; never mutated."""

    vocabulary: dict[str, int]
    idf: np.ndarray
    weights: np.ndarray
    rule_weights: np.ndarray
    rule_scale: float
    intercept: np.ndarray


def terms(text: str) -> list[str]:
    """Lower-case words of two or more characters and each pair of neighbouring words."""
    words = _TOKEN.findall(tone.straighten(text).lower())
    return words + [f"{a} {b}" for a, b in itertools.pairwise(words)]


def _rows(texts: Sequence[str], vocabulary: dict[str, int], idf: np.ndarray) -> np.ndarray:
    """Sublinear tf-idf rows, L2-normalised."""
    out = np.zeros((len(texts), len(vocabulary)))
    for i, text in enumerate(texts):
        for term, n in Counter(terms(text)).items():
            j = vocabulary.get(term)
            if j is not None:
                out[i, j] = (1.0 + math.log(n)) * idf[j]
        norm = np.linalg.norm(out[i])
        if norm:
            out[i] /= norm
    return out


def train(texts: Sequence[str], labels: Sequence[int], *, min_df: int = MIN_DF, rule_scale: float = RULE_SCALE,
          c: float = C, steps: int = STEPS) -> LearnedModel:
    """Fit the model: class-balanced multinomial logistic regression with an L2 penalty 1/c on the weights, by
    full-batch Adam from zero for a fixed number of steps (deterministic)."""
    y = np.searchsorted(CLASSES, np.asarray(labels))
    if len(texts) != len(y) or not np.isin(labels, CLASSES).all():
        raise ValueError("expected one label in (-1, 0, 1) per text")
    df = Counter(t for text in texts for t in set(terms(text)))
    vocab = sorted(t for t, n in df.items() if n >= min_df)
    vocabulary = {t: i for i, t in enumerate(vocab)}
    n = len(texts)
    idf = np.array([math.log((1 + n) / (1 + df[t])) + 1.0 for t in vocab])
    x = np.hstack([_rows(texts, vocabulary, idf), rule_scale * tone.score_many(texts).to_numpy()[:, None]])
    onehot = np.eye(len(CLASSES))[y]
    counts = onehot.sum(axis=0)
    sample = (n / (len(CLASSES) * np.maximum(counts, 1)))[y][:, None]
    w = np.zeros((x.shape[1], len(CLASSES)))
    b = np.zeros(len(CLASSES))
    m = [np.zeros_like(w), np.zeros_like(b)]
    v = [np.zeros_like(w), np.zeros_like(b)]
    rate, beta1, beta2 = 0.05, 0.9, 0.999
    for step in range(1, steps + 1):
        logits = x @ w + b
        p = np.exp(logits - logits.max(axis=1, keepdims=True))
        p /= p.sum(axis=1, keepdims=True)
        err = c * sample * (p - onehot)
        grads = [x.T @ err + w, err.sum(axis=0)]
        for k, (param, g) in enumerate(zip((w, b), grads)):
            m[k] = beta1 * m[k] + (1 - beta1) * g
            v[k] = beta2 * v[k] + (1 - beta2) * g * g
            param -= rate * (m[k] / (1 - beta1 ** step)) / (np.sqrt(v[k] / (1 - beta2 ** step)) + 1e-8)
    return LearnedModel(vocabulary, idf, w[:-1].copy(), w[-1].copy(), rule_scale, b.copy())


def to_table(model: LearnedModel) -> str:
    """The model as the tab-separated weights file (header, intercepts, rule feature, then terms by name)."""
    def row(term: str, idf: float, w: np.ndarray) -> str:
        return "\t".join([term, f"{idf:.6g}", *(f"{x:.6g}" for x in w)])

    lines = ["# Learned tone model (tension/tone_learned.py): written by `python -m tension tone-train`; do not edit.",
             "\t".join(COLUMNS), row(INTERCEPT, 0.0, model.intercept), row(RULES, model.rule_scale, model.rule_weights)]
    lines += [row(t, model.idf[j], model.weights[j]) for t, j in sorted(model.vocabulary.items())]
    return "\n".join(lines) + "\n"


def from_table(text: str, path: str = "tension/tone/lexicon/learned.tsv") -> LearnedModel:
    """Parse a weights file written by ``to_table``; a bad row raises ``tone.LexiconError`` naming line and column."""
    rows = tone.parse_table(text, path, COLUMNS)
    values: dict[str, tuple[float, np.ndarray]] = {}
    for n, row in rows:
        numbers = []
        for column in COLUMNS[1:]:
            try:
                numbers.append(float(row[column]))
            except ValueError:
                raise tone.LexiconError(f"{path}, line {n}, column '{column}': expected a number, "
                                        f"got {row[column]!r}") from None
        values[row["term"]] = (numbers[0], np.array(numbers[1:]))
    for special in (INTERCEPT, RULES):
        if special not in values:
            raise tone.LexiconError(f"{path}: expected a row {special!r}")
    vocab = [t for t in values if t not in (INTERCEPT, RULES)]
    return LearnedModel({t: i for i, t in enumerate(vocab)}, np.array([values[t][0] for t in vocab]),
                        np.array([values[t][1] for t in vocab]).reshape(len(vocab), len(CLASSES)),
                        values[RULES][1], values[RULES][0], values[INTERCEPT][1])


@lru_cache(maxsize=1)
def shipped() -> LearnedModel:
    """The model shipped in ``tension/tone/lexicon/learned.tsv`` (loaded once; do not mutate)."""
    return from_table(resources.files("tension.tone").joinpath("lexicon", "learned.tsv").read_text(encoding="utf-8"))


def _parts(text: str, model: LearnedModel) -> tuple[list[tuple[str, np.ndarray]], np.ndarray]:
    """Each present term's contribution to the class logits (and the rule feature's and the baseline), and the
    logits."""
    counts = Counter(terms(text))
    found = [(t, model.vocabulary[t], (1.0 + math.log(k)) * model.idf[model.vocabulary[t]])
             for t, k in counts.items() if t in model.vocabulary]
    norm = math.sqrt(sum(v * v for _, _, v in found)) or 1.0
    parts = [(t, (v / norm) * model.weights[j]) for t, j, v in found]
    parts.append((RULES, model.rule_scale * tone.score(text) * model.rule_weights))
    parts.append((INTERCEPT, model.intercept))
    return parts, np.sum([p for _, p in parts], axis=0)


def probabilities(text: str, model: LearnedModel | None = None) -> np.ndarray:
    """P(−1), P(0), P(+1) of ``text``."""
    _, logits = _parts(text, model or shipped())
    p = np.exp(logits - logits.max())
    return p / p.sum()


def score_many(texts: Iterable[str | None], model: LearnedModel | None = None) -> pl.Series:
    """Score of each text (0.0 where missing), each distinct text once; a ``ToneScorer`` for ``tension.index``."""
    texts = list(texts)
    use = model or shipped()
    cache = {t: score(t, use) for t in set(texts) if t is not None}
    return pl.Series("tone", [cache.get(t, 0.0) if t is not None else 0.0 for t in texts], dtype=pl.Float64)


def score(text: str | None, model: LearnedModel | None = None) -> float:
    """P(+1) − P(−1) in [−1, 1]; when neutral is the most likely class it is scaled into ±NEUTRAL_BAND (sign and order
    kept), and when a polar class is it is at least NEUTRAL_BAND in size. 0.0 for empty text."""
    if text is None or not text.strip():
        return 0.0
    p_neg, p_neu, p_pos = probabilities(text, model)
    diff = float(p_pos - p_neg)
    if p_neu >= max(p_neg, p_pos):
        return round(diff * (NEUTRAL_BAND - 1e-3), 4)
    return round(math.copysign(max(abs(diff), NEUTRAL_BAND), diff), 4)


def explain(text: str | None, model: LearnedModel | None = None) -> list[tuple[str, float]]:
    """Each term's (and the rule feature's and the baseline's) contribution to logit(+1) − logit(−1), strongest
    first; their sum has the sign of ``score(text)``."""
    if text is None or not text.strip():
        return []
    parts, _ = _parts(text, model or shipped())
    hits = [(t, round(float(p[2] - p[0]), 4)) for t, p in parts]
    return sorted([h for h in hits if h[1]], key=lambda h: -abs(h[1]))
