#!/usr/bin/env bash
# Install tension's development dependencies into ./.venv and run the linter and the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -r requirements-dev.txt
.venv/bin/python -m ruff check .
exec .venv/bin/python -m pytest "$@"
