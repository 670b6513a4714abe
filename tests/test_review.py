"""Review of coded candidates: background and already-recorded events start unticked, undated ones cannot be added,
and the index change is read on the days the added events touch.

Unit rows are made up for the tests. The founding-article tests read the article from the shared data folder (not
redistributed here) and are skipped where it is absent.
"""

import datetime as dt
import os
from pathlib import Path

import polars as pl
import pytest

import tension
from tension.events import EventDataError
from tension.sources.article import events_from_text
from tension.sources.review import find_in_record, index_change, review_candidates, review_label, touched_dates
from tension.sources.timeline import accepted_from_review, add_to_working

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("TENSION_SHARED", ROOT.parent / "shared"))
SEED = SHARED / "seed" / "000_a9c27a608b917622.txt"
FRIDAY = dt.date(2023, 6, 16)

WORKING = pl.DataFrame({
    "id": ["w-1", "w-2", "w-3"],
    "date": [dt.date(2022, 8, 5), dt.date(2023, 6, 14), dt.date(2023, 6, 16)],
    "type": ["suspension", "phone_call", "statement"],
    "actor": ["CHN: Foreign Ministry", "CHN: Foreign Ministry (Qin Gang)", "CHN: Foreign Ministry (Wang Wenbin)"],
    "target": ["USA", "USA: State Department (Antony Blinken)", "USA"],
    "speaker": [None, None, "Wang Wenbin, spokesperson"],
})


def row(**kw) -> dict:
    base = {"date": FRIDAY, "date_precision": "day", "type": "talks", "actor": "USA", "target": "CHN"}
    return {**base, **kw}


@pytest.mark.parametrize(("candidate", "tick", "label"), [
    (row(), True, ""),
    (row(date=dt.date(2023, 6, 6)), True, ""),  # 10 days before publication: still the article's own news
    (row(date=dt.date(2023, 6, 5)), False, "background"),
    (row(date=dt.date(2023, 6, 1), date_precision="month"), False, "background"),
    (row(date=dt.date(2018, 1, 1), date_precision="year"), False, "background"),
    (row(date=None, date_precision="none"), False, "undated: give a date"),
    (row(type=None), False, "untyped: choose a type"),
    # the same call seen from the other side, one day off (time zones): already recorded
    (row(type="phone_call", date=dt.date(2023, 6, 15)), False, "already in the record (w-2)"),
    (row(type="phone_call", date=dt.date(2023, 6, 12)), True, ""),  # two days off: another call
    (row(type="suspension", actor="CHN", target="USA", date=dt.date(2022, 8, 1), date_precision="month"), False,
     "background; already in the record (w-1)"),
    # the wrong direction is a different event
    (row(type="suspension", date=dt.date(2022, 8, 1), date_precision="month"), False, "background"),
    # statements: same speaker only
    (row(type="statement", actor="CHN: Foreign Ministry (Wang Wenbin)", target="USA"), False,
     "already in the record (w-3)"),
    (row(type="statement", actor="CHN: Foreign Ministry (Mao Ning)", target="USA"), True, ""),
])
def test_review_label(candidate, tick, label):
    assert review_label(candidate, WORKING, FRIDAY) == (tick, label)


def test_timeline_rows_have_no_background_check():
    assert review_label(row(date=dt.date(2018, 1, 1), date_precision="year"), WORKING, None) == (True, "")


def test_review_candidates_leads_with_accept_and_review():
    frame = pl.DataFrame([row(), row(date=None, date_precision="none")], schema_overrides={"date": pl.Date})
    out = review_candidates(frame, WORKING, FRIDAY)
    assert out.columns[:2] == ["accept", "review"]
    assert out["accept"].to_list() == [True, False]


def test_undated_rows_cannot_be_added_until_dated():
    frame = events_from_text("On Friday, Beijing condemned the visit. Beijing also sanctioned U.S. firms.", FRIDAY)
    table = review_candidates(frame, WORKING.head(0), FRIDAY)
    assert table["accept"].to_list() == [True, False]
    ticked = table.with_columns(pl.lit(True).alias("accept"))
    with pytest.raises(EventDataError, match="date"):
        accepted_from_review(ticked)
    dated = ticked.with_columns(pl.col("date").fill_null(FRIDAY))
    assert accepted_from_review(dated).height == 2


def test_index_change_is_read_on_the_touched_dates():
    working = tension.load_events(ROOT / "data" / "events.csv")
    added = events_from_text("On Wednesday, China imposed sanctions on U.S. defense firms.", FRIDAY)
    accepted = accepted_from_review(review_candidates(added, working, FRIDAY))
    combined = add_to_working(working, accepted)
    days = touched_dates(accepted)
    assert days == [dt.date(2023, 6, 14)]
    change = index_change(working, combined, days)
    assert change.columns == ["date", "before", "after", "change", "level_before", "level_after"]
    assert change["change"][0] < -0.05  # a sanctions event moves the index down on its day (−0.08 at scale 500)
    last = index_change(working, combined, [working["date"].max()])
    assert abs(last["change"][0]) < abs(change["change"][0])  # far less visible on the record's last day


@pytest.fixture(scope="module")
def seed_review() -> tuple[pl.DataFrame, pl.DataFrame]:
    if not SEED.exists():
        pytest.skip(f"seed article not found at {SEED} (set TENSION_SHARED)")
    working = tension.load_events(ROOT / "data" / "events.csv")
    found = events_from_text(SEED.read_text(encoding="utf-8"), FRIDAY, source="CGTN, 2023-06-16 (seed article)")
    return review_candidates(found, working, FRIDAY), working


def test_seed_background_candidates_are_flagged_and_unticked(seed_review):
    table, _ = seed_review
    background = table.filter(pl.col("review").str.contains("background"))
    assert background.height == 17
    assert not background["accept"].any()
    pelosi = table.filter(pl.col("date") == dt.date(2022, 8, 1))
    assert pelosi.height == 5 and pelosi["review"].str.starts_with("background; already in the record").all()
    for day in (dt.date(2023, 2, 1), dt.date(2018, 1, 1)):
        assert table.filter(pl.col("date") == day)["review"].str.starts_with("background").all()


def test_seed_countermeasures_are_china_on_the_us(seed_review):
    table, _ = seed_review
    after_pelosi = table.filter((pl.col("date") == dt.date(2022, 8, 1)) & (pl.col("type") != "sovereignty_dispute"))
    assert set(after_pelosi["actor"].str.slice(0, 3)) == {"CHN"}
    assert set(after_pelosi["target"].str.slice(0, 3)) == {"USA"}


def test_seed_undated_mentions_cannot_be_ticked_by_default(seed_review):
    table, _ = seed_review
    undated = table.filter(pl.col("date").is_null())
    assert undated.height == 3 and (undated["review"] == "undated: give a date").all()
    assert not undated["accept"].any()


def test_adding_the_seed_with_default_ticks_adds_nothing_the_record_holds(seed_review):
    table, working = seed_review
    accepted = accepted_from_review(table)
    assert accepted.height == table["accept"].sum() >= 1
    combined = add_to_working(working, accepted)
    assert combined.height == working.height + accepted.height
    # independent check, wider than the review's: no added event has a bundled event of the same type and
    # countries within three days
    for event in accepted.iter_rows(named=True):
        near = working.filter((pl.col("type") == event["type"])
                              & pl.col("date").is_between(event["date"] - dt.timedelta(days=3),
                                                          event["date"] + dt.timedelta(days=3))
                              & (pl.col("actor").str.slice(0, 3) == event["actor"][:3])
                              & (pl.col("target").str.slice(0, 3) == event["target"][:3]))
        if event["type"] == "statement":
            near = near.filter(pl.col("actor") == event["actor"])
        assert near.height == 0, (event, near)
    assert find_in_record(accepted.row(0, named=True), combined) is not None  # once added, it is recorded
