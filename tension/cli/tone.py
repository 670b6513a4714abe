"""The ``tone-eval`` and ``tone-train`` commands: compare the tone scorers; train the learned model."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import polars as pl

from tension.tone import learned as tone_learned
from tension.tone.evaluation import SPLITS, load, load_statements, report


def _tone_eval(args: argparse.Namespace) -> int:
    for path in args.files:
        print(report(load(path), path.name, args.split))
    return 0


def add_tone_eval(sub: argparse._SubParsersAction) -> None:
    """Register ``tone-eval``."""
    p = sub.add_parser("tone-eval", help="compare the tone scorers (plain VADER, diplomatic, learned) on labelled text",
                       description="Print balanced accuracy (thresholds ±0.05) and AUC (+1 vs −1) on a statements "
                                   "CSV (id,text,label[,split]), or Pearson r and AUC on VADER-format ratings "
                                   "(id<TAB>rating<TAB>text), for plain VADER, the diplomatic lexicon and rules, "
                                   "and the learned model.")
    p.add_argument("files", type=Path, nargs="+", metavar="FILE", help="statements CSV or VADER ground-truth file")
    p.add_argument("--split", choices=(*SPLITS, "all"), default="all",
                   help="report only this part of a statements file (default: each part and all)")
    p.set_defaults(func=_tone_eval)


def _tone_train(args: argparse.Namespace) -> int:
    frame = pl.concat([load_statements(path) for path in args.files])
    model = tone_learned.train(frame["text"].to_list(), frame["label"].to_list())
    args.out.write_text(tone_learned.to_table(model), encoding="utf-8")
    counts = frame["label"].value_counts().sort("label")
    print(f"{args.out}: {len(model.vocabulary)} terms learned from {frame.height} statements "
          f"({', '.join(f'{c:+d}: {n}' for c, n in counts.iter_rows())})", file=sys.stderr)
    return 0


def add_tone_train(sub: argparse._SubParsersAction) -> None:
    """Register ``tone-train``."""
    p = sub.add_parser("tone-train", help="train the learned tone model on labelled statements",
                       description="Fit the learned tone model (tension.tone_learned: logistic regression over words, "
                                   "word pairs and the diplomatic score) on statements CSVs (id,text,label[,split]) "
                                   "and write its weights file.")
    p.add_argument("files", type=Path, nargs="+", metavar="FILE", help="labelled statements CSV")
    p.add_argument("--out", type=Path, required=True, help="weights file to write (the shipped one is "
                                                           "tension/tone/lexicon/learned.tsv)")
    p.set_defaults(func=_tone_train)
