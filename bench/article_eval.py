"""Score the article coder on a set of gold-labelled articles whose texts are kept outside the repository.

    python bench/article_eval.py [--gold tests/fixtures/articles/unseen_gold.csv]
                                 [--sources tests/fixtures/articles/unseen_sources.csv] [--texts /work/articles]

The texts are read from ``--texts`` as ``<article>.txt`` (not redistributed: see the sources file for where each
came from). Prints recall and precision per article and overall, twice: type + date window, and type + date window
+ direction (actor and target countries; either order for talks, calls, agreements, cooperation); then the
unmatched gold events and candidates so the kinds of misses can be read. Exits 2 when the texts are absent.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tension.sources.article import evaluate, events_from_text, matches

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "tests" / "fixtures" / "articles" / "unseen_gold.csv"
SOURCES = ROOT / "tests" / "fixtures" / "articles" / "unseen_sources.csv"


def read_gold(path: Path) -> pl.DataFrame:
    """The gold file with dates parsed (columns article, published, date, date_precision, type, actor, target)."""
    return pl.read_csv(path, infer_schema=False).with_columns(pl.col("published", "date").str.to_date())


def leftovers(found: pl.DataFrame, gold: pl.DataFrame) -> tuple[list[dict], list[dict]]:
    """Gold events and candidates left unmatched by the greedy type + date + direction matching."""
    free = list(gold.iter_rows(named=True))
    extra = []
    for row in found.iter_rows(named=True):
        hit = next((i for i, g in enumerate(free) if matches(row, g, direction=True)), None)
        if hit is None:
            extra.append(row)
        else:
            del free[hit]
    return free, extra


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--gold", type=Path, default=GOLD)
    parser.add_argument("--sources", type=Path, default=SOURCES)
    parser.add_argument("--texts", type=Path, default=Path("/work/articles"))
    parser.add_argument("--details", action="store_true", help="list unmatched gold events and candidates")
    args = parser.parse_args(argv)
    if not args.texts.is_dir():
        print(f"article texts not found in {args.texts}: they are not redistributed with the repository "
              f"(see {args.sources} for where each came from); skipping", file=sys.stderr)
        return 2
    gold = read_gold(args.gold)
    sources = pl.read_csv(args.sources, infer_schema=False)
    missing = [a for a in sources["article"] if not (args.texts / f"{a}.txt").exists()]
    if missing:
        print(f"{len(missing)} article text(s) missing in {args.texts}: {', '.join(missing)}; skipping",
              file=sys.stderr)
        return 2
    totals = {"gold": 0, "found": 0, "typed": 0, "directed": 0}
    print(f"{'article':34} {'gold':>4} {'found':>5} {'type+date':>12} {'+direction':>12}")
    notes = []
    for article, published in sources.select("article", "published").iter_rows():
        text = (args.texts / f"{article}.txt").read_text(encoding="utf-8")
        its = gold.filter(pl.col("article") == article)
        found = events_from_text(text, pl.Series([published]).str.to_date()[0], source=article)
        loose, strict = evaluate(found, its), evaluate(found, its, direction=True)
        totals["gold"] += its.height
        totals["found"] += found.height
        totals["typed"] += int(loose["matched"])
        totals["directed"] += int(strict["matched"])
        print(f"{article:34} {its.height:4d} {found.height:5d} {loose['recall']:5.0%}/{loose['precision']:<5.0%} "
              f"{strict['recall']:5.0%}/{strict['precision']:<5.0%}")
        missed, extra = leftovers(found, its)
        notes += [f"  MISSED {article}: {g['date']} {g['date_precision']} {g['type']} {g['actor']}→{g['target']} "
                  f"({g['note']})" for g in missed]
        notes += [f"  EXTRA  {article}: {r['date']} {r['date_precision']} {r['type']} {r['actor']}→{r['target']} "
                  f"['{r['trigger']}', {r['date_text']}]" for r in extra]
    g, f = totals["gold"], totals["found"]
    print(f"{'overall':34} {g:4d} {f:5d} {totals['typed'] / g:5.0%}/{totals['typed'] / max(f, 1):<5.0%} "
          f"{totals['directed'] / g:5.0%}/{totals['directed'] / max(f, 1):<5.0%}")
    print("(recall/precision; matched: type+date "
          f"{totals['typed']}, +direction {totals['directed']})")
    if args.details:
        print("\n".join(notes))
    return 0


if __name__ == "__main__":
    sys.exit(main())
