"""Evaluate tone scorers on labelled statements (+1/0/−1) or human-rated text (VADER's ground-truth format).

Statements: CSV with columns ``id, text, label`` (−1, 0, 1) and optionally ``split`` (``tune`` / ``heldout``).
Ratings: VADER's ground truth, ``id<TAB>mean rating −4..+4<TAB>text`` per line, no header.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

from tension.tone.scorers import SCORERS, scorer

#: VADER's conventional thresholds: compound ≥ 0.05 is positive, ≤ −0.05 negative, else neutral.
THRESHOLD = 0.05
SPLITS = ("tune", "heldout", "fresh", "fresh2", "fresh3", "fresh4", "fresh5")


class EvalDataError(ValueError):
    """An evaluation file that cannot be read; the message names file, line, column and what was expected."""


@dataclass(frozen=True)
class Scores:
    """Figures of one scorer on one set of texts (NaN where not defined)."""

    n: int
    balanced_accuracy: float
    auc: float
    pearson: float


def load_statements(path: Path) -> pl.DataFrame:
    """Labelled statements: ``text`` (str), ``label`` (−1/0/1), ``split`` (``all`` when the file has none)."""
    try:
        frame = pl.read_csv(path, infer_schema=False)
    except (OSError, pl.exceptions.PolarsError) as exc:
        raise EvalDataError(f"{path}: cannot read statements CSV ({exc})") from None
    missing = [c for c in ("text", "label") if c not in frame.columns]
    if missing:
        raise EvalDataError(f"{path}, line 1: missing column(s) {', '.join(missing)}; expected id,text,label[,split]")
    if "split" not in frame.columns:
        frame = frame.with_columns(pl.lit("all").alias("split"))
    problems = []
    for i, row in enumerate(frame.select("text", "label", "split").iter_rows(named=True), start=2):
        if row["label"] not in {"-1", "0", "1"}:
            problems.append(f"{path}, row {i}, column 'label': expected -1, 0 or 1, got {row['label']!r}")
        if row["split"] not in {*SPLITS, "all"}:
            problems.append(f"{path}, row {i}, column 'split': expected one of {', '.join(SPLITS)}, "
                            f"got {row['split']!r}")
        if not (row["text"] or "").strip():
            problems.append(f"{path}, row {i}, column 'text': expected a statement, got an empty cell")
    if problems:
        raise EvalDataError("\n".join(problems))
    return frame.select(pl.col("text"), pl.col("label").cast(pl.Int64), pl.col("split"))


def load_ratings(path: Path) -> pl.DataFrame:
    """VADER-format ground truth: ``text`` and ``rating`` (mean human rating, −4..+4)."""
    try:
        content = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise EvalDataError(f"{path}: cannot read ratings file ({exc})") from None
    texts, ratings = [], []
    for n, line in enumerate(content.splitlines(), start=1):
        if not line.strip():
            continue
        cells = line.split("\t", 2)
        if len(cells) != 3:
            raise EvalDataError(f"{path}, line {n}: expected id<TAB>rating<TAB>text")
        try:
            rating = float(cells[1])
        except ValueError:
            rating = math.nan
        if not -4.0 <= rating <= 4.0:
            raise EvalDataError(f"{path}, line {n}, column 2 (rating): expected a number in [-4, 4], got {cells[1]!r}")
        texts.append(cells[2])
        ratings.append(rating)
    return pl.DataFrame({"text": texts, "rating": ratings}, schema={"text": pl.String, "rating": pl.Float64})


def load(path: Path) -> pl.DataFrame:
    """Either format, by content: a CSV header with ``text`` and ``label`` means statements, else ratings."""
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            first = f.readline()
    except OSError as exc:
        raise EvalDataError(f"{path}: cannot read ({exc.strerror})") from None
    if "\t" not in first and "label" in first and "text" in first:
        return load_statements(path)
    return load_ratings(path)


def classes(scores: np.ndarray, threshold: float = THRESHOLD) -> np.ndarray:
    """+1 / 0 / −1 for each score by the ±``threshold`` rule."""
    return np.where(scores >= threshold, 1, np.where(scores <= -threshold, -1, 0))


def balanced_accuracy(labels: np.ndarray, predicted: np.ndarray) -> float:
    """Mean recall over the classes present in ``labels``."""
    recalls = [float(np.mean(predicted[labels == c] == c)) for c in np.unique(labels)]
    return float(np.mean(recalls)) if recalls else math.nan


def auc(scores: np.ndarray, positive: np.ndarray) -> float:
    """Area under the ROC curve of ``scores`` separating ``positive`` (True) from the rest (ties count half)."""
    n_pos, n_neg = int(positive.sum()), int((~positive).sum())
    if not n_pos or not n_neg:
        return math.nan
    ranks = pl.Series(scores).rank("average").to_numpy()
    return float((ranks[positive].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def cohen_kappa(first: np.ndarray, second: np.ndarray) -> float:
    """Cohen's kappa of two annotators' labels of the same items: agreement beyond what their label rates predict."""
    if len(first) == 0:
        return math.nan
    labels = np.union1d(first, second)
    observed = float(np.mean(first == second))
    expected = float(sum(np.mean(first == c) * np.mean(second == c) for c in labels))
    return (observed - expected) / (1 - expected) if expected < 1 else math.nan


def pearson(x: np.ndarray, y: np.ndarray) -> float:
    """Pearson correlation (NaN when either side is constant or there are fewer than 2 values)."""
    if len(x) < 2 or np.std(x) == 0 or np.std(y) == 0:
        return math.nan
    return float(np.corrcoef(x, y)[0, 1])


def score_with(texts: pl.Series, name: str) -> np.ndarray:
    """Tone of each text by one of ``SCORERS``."""
    return scorer(name)(texts).to_numpy()


def evaluate(frame: pl.DataFrame, lexicon: str) -> Scores:
    """Figures of the scorer ``lexicon`` (one of ``SCORERS``) on ``frame`` (statements: balanced accuracy and AUC
    +1 vs −1; ratings: Pearson r and AUC rating > 0 vs < 0)."""
    s = score_with(frame["text"], lexicon)
    if "label" in frame.columns:
        labels = frame["label"].to_numpy()
        polar = labels != 0
        return Scores(frame.height, balanced_accuracy(labels, classes(s)), auc(s[polar], labels[polar] > 0),
                      math.nan)
    rating = frame["rating"].to_numpy()
    polar = rating != 0
    return Scores(frame.height, math.nan, auc(s[polar], rating[polar] > 0), pearson(s, rating))


def parts(frame: pl.DataFrame, split: str = "all") -> dict[str, pl.DataFrame]:
    """The parts of ``frame`` to report: each split present (or only ``split``), and ``all``."""
    if "split" not in frame.columns:
        return {"all": frame}
    if split != "all":
        return {split: frame.filter(pl.col("split") == split)}
    out = {s: frame.filter(pl.col("split") == s) for s in SPLITS if (frame["split"] == s).any()}
    return {**out, "all": frame}


def report(frame: pl.DataFrame, name: str, split: str = "all") -> str:
    """A plain-text table comparing every scorer on each part of ``frame``."""
    rows = [f"{'file':<28} {'part':<8} {'lexicon':<11} {'n':>6} {'bal.acc':>8} {'AUC':>6} {'r':>6}"]
    for part, sub in parts(frame, split).items():
        for lexicon in SCORERS:
            s = evaluate(sub, lexicon)
            rows.append(f"{name[:28]:<28} {part:<8} {lexicon:<11} {s.n:>6} {_fmt(s.balanced_accuracy):>8} "
                        f"{_fmt(s.auc):>6} {_fmt(s.pearson):>6}")
    return "\n".join(rows)


def _fmt(x: float) -> str:
    return "-" if math.isnan(x) else f"{x:.3f}"
