#!/usr/bin/env bash
# Install tension into ./.venv (once) and open the dashboard on the bundled China–US record.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -r requirements.txt
exec .venv/bin/streamlit run app.py "$@"
