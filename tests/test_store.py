"""The local GDELT store and update-gdelt, end to end against a loopback GDELT server (never the internet)."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

import tension
from tension.cli.common import UsageError
from tension.cli.update import add_update_gdelt
from tension.events import load_events
from tension.sources.fetch import client
from tension.sources.gdelt import read_gdelt
from tension.sources.store import (
    MANIFEST,
    last_day,
    load_store,
    plan_update,
    read_manifest,
    run_update,
    stored_ids,
)
from tests.gdelt_server import EXPORTS, STORE_FIX, GdeltServer, gdelt_site, serving
from tests.test_fetch import settings_for

START, END = dt.date(2018, 3, 26), dt.date(2018, 3, 28)
ZIPS = [name + ".zip" for name in EXPORTS]
#: The fixture exports hold 11 dyad events; 741917416 is in the first and again in the third: 10 distinct ids.
EVENT_IDS = 10
COMPARED = ["id", "date", "type", "actor", "target", "summary", "statement", "salience", "tone", "GLOBALEVENTID",
            "EventCode", "GoldsteinScale", "NumMentions", "NumSources", "NumArticles", "AvgTone", "SOURCEURL"]


@pytest.fixture
def server():
    with serving() as s:
        yield s


def update(server: GdeltServer, store: Path, start: dt.date = START, end: dt.date = END, **kwargs):
    settings = settings_for(server)
    with client(settings) as http:
        plan = plan_update(http, store, start, end, settings)
        return run_update(http, store, plan, settings, **kwargs)


def test_update_happy_path(server, tmp_path):
    gdelt_site(server)
    store = tmp_path / "store"
    got = []
    report = update(server, store, progress=got.append)
    assert report.fetched == ZIPS and report.failed == []
    assert (report.rows, report.dyad_rows, report.events, report.left_out) == (35, 11, EVENT_IDS, 1)
    assert report.plan.gaps == [dt.date(2018, 3, 28)]  # the newest file is on the 29th: the 28th had none
    assert len(report.plan.missing) == 96 * 2 - 3 and report.plan.end == END
    assert sum(got) == report.bytes == sum(len(server.files[f"/gdeltv2/{z}"]) for z in ZIPS)
    line = report.line()
    assert "3 export(s) listed, 3 fetched" in line and "10 events added, 1 ids already stored left out" in line
    assert "1 day(s) without any export (2018-03-28)" in line and "189 15-minute export(s) missing" in line
    # the store: day partitions named after the exports, the manifest, no download left behind
    days = sorted(p.name for p in (store / "events").iterdir())
    assert days == ["day=2018-03-25", "day=2018-03-26", "day=2018-03-27"]
    assert sorted(p.name for p in (store / "events" / "day=2018-03-26").iterdir()) == [
        "20180326044500.parquet", "20180326050000.parquet"]
    assert list((store / "downloads").iterdir()) == []
    manifest = read_manifest(store)
    assert manifest["name"].to_list() == ZIPS and manifest["events"].to_list() == [5, 3, 2]
    assert manifest["repeated"].to_list() == [0, 0, 1] and set(manifest["dyad"]) == {"CHN,USA"}
    assert last_day(store) == dt.date(2018, 3, 27)
    assert len(stored_ids(store)) == EVENT_IDS


@pytest.mark.parametrize("normalisation", ["log", "mentions", "raw"])
def test_store_events_equal_a_direct_import(server, tmp_path, normalisation):
    gdelt_site(server)
    update(server, tmp_path)
    stored = load_store(tmp_path, normalisation=normalisation)
    direct, _ = read_gdelt([STORE_FIX / n for n in EXPORTS], normalisation=normalisation, drop_duplicates=True)
    direct = direct.sort("date", "GLOBALEVENTID")
    assert stored.height == EVENT_IDS
    assert_frame_equal(stored.select(COMPARED), direct.select(COMPARED), check_exact=False, rel_tol=1e-12)
    assert_frame_equal(tension.compute_index(stored), tension.compute_index(direct), check_exact=False)
    some = load_store(tmp_path, start=dt.date(2018, 3, 27), end=dt.date(2018, 3, 27), normalisation=normalisation)
    assert some["id"].to_list() == ["741919417", "741919419"]


def test_running_twice_adds_nothing_twice(server, tmp_path):
    gdelt_site(server)
    update(server, tmp_path)
    before = load_store(tmp_path)
    server.requests.clear()
    again = update(server, tmp_path)
    assert again.fetched == [] and again.plan.done == 3 and again.events == 0
    assert not any(p.endswith(".zip") for p, _ in server.requests)
    assert_frame_equal(load_store(tmp_path), before)
    assert read_manifest(tmp_path).height == 3
    # the master list was only asked for its new tail
    assert server.paths("masterfilelist.txt")[-1].startswith("bytes=")


def test_md5_mismatch_rejects_the_file_and_appends_nothing(server, tmp_path):
    bad = ZIPS[1]
    gdelt_site(server, bad_md5=bad)
    report = update(server, tmp_path)
    assert report.fetched == [ZIPS[0], ZIPS[2]] and [n for n, _ in report.failed] == [bad]
    assert "MD5" in report.failed[0][1] and "file rejected" in report.line()
    assert bad not in read_manifest(tmp_path)["name"].to_list()
    assert not any(i.startswith("7419184") or i == "741919354" for i in stored_ids(tmp_path))
    assert not (tmp_path / "downloads" / bad).exists() and not (tmp_path / "downloads" / (bad + ".part")).exists()
    # once the list is right, the next run fetches it (and only it)
    gdelt_site(server)
    server.requests.clear()
    (tmp_path / "masterfilelist.txt").unlink()
    again = update(server, tmp_path)
    assert again.fetched == [bad] and again.events == 3 and len(stored_ids(tmp_path)) == EVENT_IDS


def test_file_missing_on_the_server_is_reported_and_retried_next_run(server, tmp_path):
    gdelt_site(server)
    missing = ZIPS[2]
    server.script[f"/gdeltv2/{missing}"] = [404] * 3
    report = update(server, tmp_path)
    assert [n for n, _ in report.failed] == [missing] and "HTTP 404" in report.failed[0][1]
    assert "failed (retried on the next run)" in report.line()
    again = update(server, tmp_path)
    assert again.fetched == [missing] and again.failed == [] and len(stored_ids(tmp_path)) == EVENT_IDS


def test_interrupted_run_is_resumed(server, tmp_path):
    gdelt_site(server)
    first = len(server.files[f"/gdeltv2/{ZIPS[0]}"])
    received = []

    def interrupt_in_second_file(n: int) -> None:
        received.append(n)
        if sum(received) > first:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        update(server, tmp_path, progress=interrupt_in_second_file)
    assert read_manifest(tmp_path)["name"].to_list() == [ZIPS[0]]
    part = tmp_path / "downloads" / (ZIPS[1] + ".part")
    assert part.exists() and not (tmp_path / "downloads" / ZIPS[1]).exists()
    # the zip came in one chunk; cut the part as an interruption in the middle of the transfer would leave it
    have = part.stat().st_size // 2
    part.write_bytes(part.read_bytes()[:have])
    assert sorted(p.name for p in (tmp_path / "events").rglob("*.parquet")) == ["20180326044500.parquet"]
    report = update(server, tmp_path)
    assert report.fetched == ZIPS[1:] and report.plan.done == 1
    assert server.paths(ZIPS[1])[-1] == f"bytes={have}-" and len(server.paths(ZIPS[0])) == 1
    assert len(stored_ids(tmp_path)) == EVENT_IDS and not part.exists()


def test_store_of_another_dyad_is_refused(server, tmp_path):
    gdelt_site(server)
    update(server, tmp_path)
    settings = settings_for(server)
    with client(settings) as http, pytest.raises(ValueError, match="holds the dyad CHN,USA, not USA,RUS"):
        plan_update(http, tmp_path, START, END, settings, dyad="USA,RUS")


def test_days_after_the_newest_file_are_not_gaps(server, tmp_path):
    gdelt_site(server)
    report = update(server, tmp_path, start=dt.date(2018, 3, 27), end=dt.date(2018, 4, 30))
    assert report.plan.end == dt.date(2018, 3, 29) and report.plan.gaps == [dt.date(2018, 3, 28)]
    assert report.fetched == [ZIPS[2], "20180329000000.export.CSV.zip"]


def test_empty_store_cannot_be_loaded(tmp_path):
    with pytest.raises(ValueError, match="has no events from"):
        load_store(tmp_path)
    assert last_day(tmp_path) is None and read_manifest(tmp_path).height == 0


# --- the command ------------------------------------------------------------------------------------------------

def run_cli(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    add_update_gdelt(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["update-gdelt", *argv])
    return args.func(args)


def test_cli_update_and_export(server, tmp_path, capsys):
    gdelt_site(server)
    out = tmp_path / "events.csv"
    argv = ["--store", str(tmp_path / "s"), "--start", "2018-03-26", "--end", "2018-03-28", "--base-url",
            server.base_url, "--no-progress", "--out", str(out)]
    assert run_cli(argv) == 0
    err = capsys.readouterr().err
    assert "3 fetched" in err and "10 events added" in err and "(2018-03-28)" in err
    events = load_events(out)
    assert events.height == EVENT_IDS and (tmp_path / "s" / MANIFEST).exists()
    # the defaults: from the store's last day to today, capped at the newest file (the 29th, a copy of the 27th's)
    assert run_cli(argv[:2] + argv[6:]) == 0
    err = capsys.readouterr().err
    assert "GDELT 2018-03-27..2018-03-29: 2 export(s) listed, 1 fetched" in err and "1 already in the store" in err
    assert "0 events added, 3 ids already stored left out" in err and f"10 events written to {out}" in err


def test_cli_failed_files_exit_1_and_progress_bar(server, tmp_path, capsys):
    gdelt_site(server)
    server.script[f"/gdeltv2/{ZIPS[0]}"] = [500] * 4
    argv = ["--store", str(tmp_path), "--start", "2018-03-26", "--end", "2018-03-26", "--base-url", server.base_url,
            "--attempts", "4"]
    assert run_cli(argv) == 1
    err = capsys.readouterr().err
    assert "update-gdelt" in err and "files 2/2" in err and "B/s" in err  # the bar: files, bytes, rate
    assert "HTTP 500" in err and "1 failed" in err


def test_cli_unreachable_lists_are_a_usage_error(tmp_path):
    wanted = r"cannot read GDELT's file lists: lastupdate\.txt: HTTP 404"
    with serving() as empty, pytest.raises(UsageError, match=wanted):
        run_cli(["--store", str(tmp_path), "--start", "2018-03-26", "--base-url", empty.base_url, "--attempts", "1"])


def test_cli_refuses_a_base_url_that_is_not_http(tmp_path, capsys):
    with pytest.raises(SystemExit):
        run_cli(["--store", str(tmp_path), "--base-url", "ftp://example/"])
    assert "expected an http:// or https:// URL" in capsys.readouterr().err


def test_manifest_is_a_readable_csv(server, tmp_path):
    gdelt_site(server)
    update(server, tmp_path)
    frame = pl.read_csv(tmp_path / MANIFEST)
    assert frame.columns[:4] == ["name", "size", "md5", "dyad"] and frame.height == 3
