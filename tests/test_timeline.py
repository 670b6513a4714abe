"""Timelines: dated lines and CSV to one candidate per line; untyped lines kept; the accept step refuses them.

Timeline lines in the unit tests are made up for the tests. The tracker tests read the real tracker from the
shared data folder (not redistributed: its licence is unstated) and are skipped where it is absent; the gold
labels in tests/fixtures/articles/ are our own.
"""

import datetime as dt
import functools
import os
from pathlib import Path

import polars as pl
import pytest

from tension.events import EventDataError
from tension.index import compute_index
from tension.sources.timeline import accepted_events, events_from_timeline, parse_line, read_timeline

FIXTURES = Path(__file__).parent / "fixtures" / "articles"
SHARED = Path(os.environ.get("TENSION_SHARED", Path(__file__).resolve().parents[2] / "shared"))
TRACKER = SHARED / "data" / "timeline" / "calvincj-us-china-relation-tracker__TrumpII_2025-2026_event_summaries.csv"

LINES = """# made-up timeline for the tests
2023-06-18 — Blinken arrives in Beijing for talks
June 19, 2023: Blinken held talks with Wang Yi in Beijing
19 June 2023 - Xi Jinping met Blinken
2023-07 — the Commerce Department adds firms to the entity list
2024: The ministry publishes a white paper
"""


@pytest.mark.parametrize(("line", "expected"), [
    ("2023-06-18 — Blinken arrives", (dt.date(2023, 6, 18), "day", "Blinken arrives")),
    ("2023-06-18: Blinken arrives", (dt.date(2023, 6, 18), "day", "Blinken arrives")),
    ("June 18, 2023: Blinken arrives", (dt.date(2023, 6, 18), "day", "Blinken arrives")),
    ("Sept. 3, 2023 - a call", (dt.date(2023, 9, 3), "day", "a call")),
    ("June 2023: talks", (dt.date(2023, 6, 1), "month", "talks")),
    ("2023-06 talks", (dt.date(2023, 6, 1), "month", "talks")),
    ("2018 – trade war", (dt.date(2018, 1, 1), "year", "trade war")),
    ("Blinken arrives on 2023-06-18", None),
    ("2023-02-30 — no such day", None),
])
def test_parse_line(line, expected):
    assert parse_line(line) == expected


def test_one_candidate_per_line_with_types_and_precision():
    frame = events_from_timeline(LINES, name="t.txt")
    assert frame.select("date", "date_precision", "type", "sentence_no").rows() == [
        (dt.date(2023, 6, 18), "day", "visit", 2),
        (dt.date(2023, 6, 19), "day", "talks", 3),
        (dt.date(2023, 6, 19), "day", "talks", 4),
        (dt.date(2023, 7, 1), "month", "sanctions", 5),  # entity-list additions are sanctions (schema)
        (dt.date(2024, 1, 1), "year", None, 6),
    ]
    untyped = frame.row(4, named=True)
    assert untyped["summary"].startswith("UNTYPED") and untyped["sentence"] == "The ministry publishes a white paper"
    assert frame["source"][0] == "timeline t.txt"


def test_csv_timeline_with_date_and_text():
    text = 'date,text\n2023-06-14,"Qin Gang spoke by phone with Blinken"\n2023-06-15,A line nothing matches\n'
    frame = events_from_timeline(text)
    assert frame["type"].to_list() == ["phone_call", None]
    assert frame["sentence_no"].to_list() == [2, 3]


def test_undated_lines_are_errors_not_skipped():
    with pytest.raises(EventDataError) as info:
        read_timeline("2023-06-18 — fine\nno date here\n\nalso none\n", "t.txt")
    assert [p.line for p in info.value.problems] == [2, 4]
    assert "does not start with a date" in str(info.value)


def test_bad_csv_date_names_line_and_column():
    with pytest.raises(EventDataError, match=r"line 3, column 'date'"):
        read_timeline("date,text\n2023-06-18,ok\nyesterday,bad\n", "t.csv")


def test_accept_refuses_untyped_rows_with_a_clear_message():
    frame = events_from_timeline(LINES)
    with pytest.raises(EventDataError) as info:
        accepted_events(frame)
    assert "tl-005" in str(info.value) and "untyped" in str(info.value)


def test_accepted_rows_feed_the_index():
    frame = events_from_timeline(LINES).filter(pl.col("type").is_not_null())
    events = accepted_events(frame)
    assert "tone" not in events.columns
    assert events.columns[:9] == ["id", "date", "type", "actor", "target", "summary", "statement", "source",
                                  "salience"]
    index = compute_index(events)
    assert index["date"][0] == dt.date(2023, 6, 18)


def test_accept_refuses_missing_actor_and_unknown_type():
    frame = events_from_timeline(LINES).filter(pl.col("type").is_not_null()).head(2)
    frame = frame.with_columns(pl.Series("type", ["visit", "talkz"]), pl.Series("actor", [None, "USA"]))
    with pytest.raises(EventDataError) as info:
        accepted_events(frame)
    message = str(info.value)
    assert "column 'actor'" in message and "'talkz'" in message


@functools.lru_cache(maxsize=1)
def _tracker() -> pl.DataFrame:
    return events_from_timeline(TRACKER.read_text(encoding="utf-8"), name="tracker")


def _score(gold_file: str) -> tuple[int, int, int]:
    if not TRACKER.exists():
        pytest.skip(f"tracker not found at {TRACKER}")
    found = _tracker()
    gold = pl.read_csv(FIXTURES / gold_file, schema_overrides={"type": pl.String})
    joined = gold.join(found.select(pl.col("sentence_no").alias("line"), pl.col("date").alias("found_date"),
                                    pl.col("type").alias("found")), on="line")
    assert joined.height == gold.height
    assert (joined["found_date"] == joined["date"].str.to_date()).all()
    right = joined.filter(pl.col("type") == pl.col("found")).height
    return right, int(joined["type"].is_not_null().sum()), int(joined["found"].is_not_null().sum())


def test_tracker_development_sample():
    """40 random tracker lines (seed 7), labelled by hand; the rules were then tuned on their errors."""
    right, gold, found = _score("tracker_gold.csv")
    assert (right, gold, found) == (14, 16, 14)


def test_tracker_heldout_sample():
    """40 other random lines (seed 2026), labelled before the rules were run on them (2 of 4 right, 9 typed);
    the later article fixes changed the figures to 2 of 4 right with 8 typed."""
    right, gold, found = _score("tracker_gold_heldout.csv")
    assert (right, gold, found) == (2, 4, 8)


def test_tracker_final_heldout_sample():
    """40 more random lines (seed 99), labelled after all rule changes and never tuned on: the honest figure (2 of 6
    right; 3 of 6 since a law's name alone, without a verb of signing or passing, is no longer an event)."""
    assert _score("tracker_gold_final.csv") == (3, 6, 8)


def test_cli_timeline(tmp_path, capsys):
    from tension.cli import main

    src = tmp_path / "t.txt"
    src.write_text(LINES, encoding="utf-8")
    out = tmp_path / "ev.csv"
    assert main(["timeline", str(src), "--out", str(out)]) == 0
    frame = pl.read_csv(out)
    assert frame.height == 5 and frame["type"].null_count() == 1
    assert "1 untyped" in capsys.readouterr().err
    src.write_text("no date\n", encoding="utf-8")
    assert main(["timeline", str(src)]) == 2
    assert "line 1" in capsys.readouterr().err
