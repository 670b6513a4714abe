"""Two-fold cross-validation of lexicon changes on the labelled statements.

Usage: python bench/tone_cv.py [STATEMENTS.csv] [--base GIT-REF]
The rows are split into halves A and B, balanced by label (alternating within each label in file order). The
lexicon rows added or changed since ``--base`` (default: the commit before this pass) are the candidate changes.
For each direction (tune on A, report B; tune on B, report A) the candidates are selected greedily, in file order,
on the tuning half only (kept when they do not lower bal.acc + AUC there, "lenient", or only when they raise it,
"strict"), and the other half is scored with the baseline lexicon, with every candidate, and with each selection.
Then each candidate's own effect: rows of each half whose class it corrects / breaks (all others kept).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import polars as pl  # noqa: E402

from tension.tone import rules as tone  # noqa: E402
from tension.tone.evaluation import classes, load  # noqa: E402

FILES = ("diplomatic.tsv", "phrases.tsv", "groups.tsv")
BASE = "015da41"


def halves(frame: pl.DataFrame) -> pl.Series:
    """'A' or 'B' per row: alternating within each label, in file order."""
    rank = pl.int_range(pl.len()).over("label")
    return frame.select(pl.when(rank % 2 == 0).then(pl.lit("A")).otherwise(pl.lit("B")).alias("half"))["half"]


def figures(texts: list[str], labels: np.ndarray) -> tuple[float, float]:
    """Balanced accuracy (±0.05) over the classes present and AUC of +1 vs −1 for the current lexicon files."""
    scores = tone.score_many(texts).to_numpy()
    predicted = classes(scores)
    bal = float(np.mean([np.mean(predicted[labels == c] == c) for c in (-1, 0, 1) if (labels == c).any()]))
    pos, neg = scores[labels == 1], scores[labels == -1]
    auc = float(np.mean((pos[:, None] > neg[None, :]) + 0.5 * (pos[:, None] == neg[None, :])))
    return bal, auc


def use(tables: dict[str, list[str]]) -> None:
    """Make the tone module read ``tables`` (file name -> lines) instead of its lexicon files."""
    def rows(name: str, columns: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
        return tone.parse_table("\n".join(tables[name]), f"tension/tone/lexicon/{name}", columns)

    tone._rows = rows  # type: ignore[assignment]  # a benchmark-only override of the loader
    for cached in (tone.groups, tone.diplomatic_terms, tone.phrase_rules, tone.model, tone._cached_score):
        cached.cache_clear()


def tables_without(current: dict[str, list[str]], dropped: set[tuple[str, str]]) -> dict[str, list[str]]:
    """The current tables with the ``dropped`` (file, line) rows left out."""
    return {name: [line for line in lines if (name, line) not in dropped] for name, lines in current.items()}


def select(current: dict[str, list[str]], candidates: list[tuple[str, str]],
           objective: Callable[[], float], strict: bool) -> set[tuple[str, str]]:
    """The candidates kept by greedy selection on ``objective`` (evaluated on the tuning half)."""
    dropped = set(candidates)
    use(tables_without(current, dropped))
    best = objective()
    for cand in candidates:
        use(tables_without(current, dropped - {cand}))
        value = objective()
        if value > best or (not strict and value >= best):
            dropped.discard(cand)
            best = value
    return set(candidates) - dropped


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("statements", type=Path, nargs="?", default=ROOT / "data" / "statements" / "statements.csv")
    parser.add_argument("--base", default=BASE)
    args = parser.parse_args()
    frame = load(args.statements)
    frame = frame.with_columns(halves(frame))
    current = {n: (ROOT / "tension" / "tone" / "lexicon" / n).read_text(encoding="utf-8").splitlines() for n in FILES}
    base = {n: subprocess.run(["git", "show", f"{args.base}:tension/tone/lexicon/{n}"], cwd=ROOT, check=True,
                              capture_output=True, text=True).stdout.splitlines() for n in FILES}
    candidates = [(n, line) for n in FILES if n != "groups.tsv" for line in current[n]
                  if line.strip() and not line.startswith("#") and line not in set(base[n])]
    print(f"{len(candidates)} lexicon rows added or changed since {args.base}; halves A/B of "
          f"{frame.height} statements")
    print(f"{'tune':<5} {'report':<7} {'lexicon':<30} {'kept':>5} {'bal.acc':>8} {'AUC':>6}")
    for tune_half, report_half in (("A", "B"), ("B", "A")):
        t = frame.filter(pl.col("half") == tune_half)
        r = frame.filter(pl.col("half") == report_half)
        t_texts, t_labels = t["text"].to_list(), t["label"].to_numpy()
        r_texts, r_labels = r["text"].to_list(), r["label"].to_numpy()

        def objective(t_texts: list[str] = t_texts, t_labels: np.ndarray = t_labels) -> float:
            return sum(figures(t_texts, t_labels))

        rows = [("baseline (all candidates out)", set(candidates)), ("all candidates", set())]
        for strict in (False, True):
            kept = select(current, candidates, objective, strict)
            rows.append((f"selected on {tune_half}, {'strict' if strict else 'lenient'}", set(candidates) - kept))
        for label, dropped in rows:
            use(tables_without(current, dropped))
            bal, auc = figures(r_texts, r_labels)
            print(f"{tune_half:<5} {report_half:<7} {label:<30} {len(candidates) - len(dropped):>5} "
                  f"{bal:>8.3f} {auc:>6.3f}")
    print("\neffect of each candidate (all others kept): rows corrected / broken in half A, half B")
    texts, labels, half = frame["text"].to_list(), frame["label"].to_numpy(), frame["half"].to_numpy()
    use(current)
    right = classes(tone.score_many(texts).to_numpy()) == labels
    for cand in candidates:
        use(tables_without(current, {cand}))
        without = classes(tone.score_many(texts).to_numpy()) == labels
        cells = [f"{int((right & ~without & (half == h)).sum())}/{int((~right & without & (half == h)).sum())}"
                 for h in ("A", "B")]
        print(f"  A {cells[0]:>5}  B {cells[1]:>5}  {cand[0]:<15} {cand[1].split(chr(9))[0][:80]}")
    use(current)


if __name__ == "__main__":
    main()
