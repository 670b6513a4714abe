"""The ``tone-eval`` command: compare plain VADER with the diplomatic scorer on a labelled or rated file."""

from __future__ import annotations

import argparse
from pathlib import Path

from tension.tone_eval import SPLITS, load, report


def _tone_eval(args: argparse.Namespace) -> int:
    for path in args.files:
        print(report(load(path), path.name, args.split))
    return 0


def add_tone_eval(sub: argparse._SubParsersAction) -> None:
    """Register ``tone-eval``."""
    p = sub.add_parser("tone-eval", help="compare plain VADER and the diplomatic tone scorer on labelled text",
                       description="Print balanced accuracy (thresholds ±0.05) and AUC (+1 vs −1) on a statements "
                                   "CSV (id,text,label[,split]), or Pearson r and AUC on VADER-format ratings "
                                   "(id<TAB>rating<TAB>text), for plain VADER and the diplomatic lexicon.")
    p.add_argument("files", type=Path, nargs="+", metavar="FILE", help="statements CSV or VADER ground-truth file")
    p.add_argument("--split", choices=(*SPLITS, "all"), default="all",
                   help="report only this part of a statements file (default: each part and all)")
    p.set_defaults(func=_tone_eval)
