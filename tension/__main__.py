"""``python -m tension``: the command line (see ``tension.cli``)."""

import sys

from tension.cli import main

sys.exit(main())
