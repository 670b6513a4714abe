"""Tone evaluation: plain VADER vs the diplomatic scorer on the labelled statements and VADER's four corpora.

Usage: python bench/tone_eval.py [STATEMENTS.csv ...] [--vader-dir DIR] [--split tune|heldout|fresh|...|all]
Defaults: every labelled set in data/statements (statements, fresh, fresh2, fresh3) and ../shared/data/vader
(VADER's ICWSM-2014 ground truth). Prints
balanced accuracy (±0.05) and AUC (+1 vs −1) per part of the statements, per-class recall, and Pearson r and AUC
(rating > 0 vs < 0) on each VADER corpus.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from tension.tone.evaluation import SCORERS, SPLITS, classes, load, parts, report, score_with  # noqa: E402

CORPORA = ("tweets", "nytEditorialSnippets", "movieReviewSnippets", "amazonReviewSnippets")


def recalls(path: Path, split: str) -> str:
    """Per-class recall of each lexicon on each part of a statements file."""
    rows = []
    for part, sub in parts(load(path), split).items():
        labels = sub["label"].to_numpy()
        for lexicon in SCORERS:
            predicted = classes(score_with(sub["text"], lexicon))
            cells = [f"{c:+d}: {np.mean(predicted[labels == c] == c):.2f} of {int((labels == c).sum())}"
                     for c in (-1, 0, 1) if (labels == c).any()]
            rows.append(f"  {part:<8} {lexicon:<11} recall  " + "   ".join(cells))
    return "\n".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("statements", type=Path, nargs="*",
                        default=[ROOT / "data" / "statements" / f"{n}.csv" for n in ("statements", *SPLITS[2:])])
    parser.add_argument("--vader-dir", type=Path, default=ROOT.parent / "shared" / "data" / "vader")
    parser.add_argument("--split", choices=(*SPLITS, "all"), default="all")
    args = parser.parse_args()
    for path in args.statements:
        if path.exists():
            print(report(load(path), path.name, args.split))
            print(recalls(path, args.split))
        else:
            print(f"{path}: not found, statements skipped")
    for corpus in CORPORA:
        matches = sorted(args.vader_dir.glob(f"*{corpus}_GroundTruth.txt"))
        if matches:
            print(report(load(matches[0]), corpus).split("\n", 1)[1])
        else:
            print(f"{args.vader_dir}: no {corpus} ground truth, skipped")


if __name__ == "__main__":
    main()
