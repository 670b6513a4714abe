"""Rebuild data/events.csv from the parts in data/parts/: concatenated, sorted by date then id, validated.

Run: python data/build_events.py   (fails with every problem listed if any part is invalid)
"""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from tension.events import load_events  # noqa: E402

COLUMNS = ["id", "date", "type", "actor", "target", "summary", "statement", "speaker", "source", "url", "source_status",
           "salience"]
#: Values of `source_status` (see data/README.md, "Provenance of each row").
SOURCE_STATUSES = ("official", "news", "tracker", "unverified")


def read_part(path: Path) -> list[dict[str, str]]:
    """The rows of one part file; its header must be exactly COLUMNS."""
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        if reader.fieldnames != COLUMNS:
            raise SystemExit(f"{path}: header {reader.fieldnames} is not {COLUMNS}")
        rows = list(reader)
    bad = [
        f"{path}, line {line}, column source_status: {row['source_status']!r}, expected one of {SOURCE_STATUSES}"
        for line, row in enumerate(rows, start=2)
        if row["source_status"] not in SOURCE_STATUSES
    ]
    if bad:
        raise SystemExit("\n".join(bad))
    return rows


def main() -> None:
    rows = []
    for part in sorted((HERE / "parts").glob("*.csv")):
        load_events(part)  # every part must be valid on its own
        rows.extend(read_part(part))
    rows.sort(key=lambda r: (r["date"], r["id"]))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    text = out.getvalue()
    events = load_events(text.encode("utf-8"), name="events.csv")
    (HERE / "events.csv").write_text(text, encoding="utf-8")
    print(f"data/events.csv: {events.height} events, {events['date'].min()} .. {events['date'].max()}")


if __name__ == "__main__":
    main()
