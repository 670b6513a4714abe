"""The command line: ``python -m tension COMMAND ...``; a thin layer over the library.

One module per command family (``score``, ``feeds``, ``update``, ``text``, ``tone``, ``analysis``), shared helpers in
``common``; each command is registered by an ``add_*`` function. Bad input prints one message per problem on stderr
and exits with status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from tension.cli.analysis import add_alerts
from tension.cli.common import UsageError
from tension.cli.feeds import add_gdelt_sql, add_import_gdelt, add_import_icews
from tension.cli.score import add_score
from tension.cli.text import add_extract, add_timeline
from tension.cli.tone import add_tone_eval, add_tone_train
from tension.cli.update import add_update_gdelt
from tension.events import EventDataError

#: Every command's registration function; a new command adds one line here.
COMMANDS: tuple[Callable[[argparse._SubParsersAction], None], ...] = (
    add_score, add_extract, add_timeline, add_import_gdelt, add_import_icews, add_gdelt_sql, add_tone_eval,
    add_tone_train, add_update_gdelt, add_alerts,
)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every command registered."""
    parser = argparse.ArgumentParser(prog="python -m tension",
                                     description="tension: a daily cooperation–confrontation index of two "
                                                 "governments' events and statements.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for add in COMMANDS:
        add(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (2 for bad input)."""
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except EventDataError as exc:
        print(f"error: {exc}", file=sys.stderr)
    except (UsageError, ValueError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
    return 2
