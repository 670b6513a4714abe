"""Agreement between the first annotator's labels and a second annotator's labels of the same statements.

Usage: python bench/tone_agreement.py [SECOND.csv] [FIRST.csv ...]
SECOND has columns id,label,confidence[,note] (default data/statements/second_annotator.csv); FIRST are the
labelled statement files (default: every labelled set in data/statements). Prints, per file and over all: rows,
raw agreement, Cohen's kappa, the second annotator's balanced accuracy against the first, opposite-sign pairs, the
confusion table, and the same figures on the rows the second annotator marked high-confidence.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import polars as pl  # noqa: E402

from tension.tone.evaluation import balanced_accuracy, cohen_kappa  # noqa: E402

STATEMENTS = ROOT / "data" / "statements"


def line(name: str, frame: pl.DataFrame) -> str:
    """One row of figures for ``frame`` (columns label, label2)."""
    first, second = frame["label"].to_numpy(), frame["label2"].to_numpy()
    return (f"{name:<28} {frame.height:>5} {np.mean(first == second):>8.3f} {cohen_kappa(first, second):>7.3f} "
            f"{balanced_accuracy(first, second):>8.3f} {int(np.sum(first * second == -1)):>9}")


def main() -> None:
    args = [Path(a) for a in sys.argv[1:]]
    second_path = args[0] if args else STATEMENTS / "second_annotator.csv"
    first_paths = args[1:] or sorted(STATEMENTS.glob("*.csv"), key=lambda p: (p.stem != "statements", p.stem))
    first_paths = [p for p in first_paths if p.stem != "second_annotator"]
    second = pl.read_csv(second_path).select("id", pl.col("label").alias("label2"), "confidence")
    parts = {p.name: pl.read_csv(p).select("id", "label").join(second, on="id", how="inner") for p in first_paths}
    both = pl.concat(list(parts.values()))
    print(f"second annotator: {second_path.name} ({second.height} rows, "
          f"{second.filter(pl.col('confidence') == 'low').height} marked low-confidence)")
    print(f"{'labels':<28} {'n':>5} {'agree':>8} {'kappa':>7} {'bal.acc':>8} {'opposite':>9}")
    for name, frame in parts.items():
        print(line(name, frame))
    print(line("all", both))
    print(line("all, high-confidence rows", both.filter(pl.col("confidence") == "high")))
    print("\nconfusion (rows: first annotator, columns: second)")
    table = both.group_by("label", "label2").len().pivot(on="label2", index="label", values="len").fill_null(0)
    print(table.select("label", *[c for c in ("-1", "0", "1") if c in table.columns]).sort("label"))


if __name__ == "__main__":
    main()
