"""Downloading GDELT files: the lists, checks against them, retries, resuming; all from a loopback server."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator

import pytest

from tension.sources.fetch import (
    FetchError,
    FetchSettings,
    ListedFile,
    client,
    download,
    in_days,
    latest_file,
    missing_slots,
    parse_file_list,
    update_master_list,
)
from tests.gdelt_server import NEWEST, GdeltServer, gdelt_site, serving


@pytest.fixture
def server() -> Iterator[GdeltServer]:
    with serving() as s:
        yield s


def settings_for(server: GdeltServer, attempts: int = 3) -> FetchSettings:
    return FetchSettings(base_url=server.base_url, attempts=attempts, backoff=0.0, timeout=10.0)


def entry_for(server: GdeltServer, name: str, body: bytes, md5: str | None = None) -> ListedFile:
    url = server.add(name, body)
    stamp = dt.datetime.strptime(name[:14], "%Y%m%d%H%M%S")
    return ListedFile(len(body), md5 or hashlib.md5(body).hexdigest(), url, name, stamp)


BODY = bytes(range(256)) * 400  # 102,400 bytes: several chunks
NAME = "20180326044500.export.CSV.zip"


# --- the lists ----------------------------------------------------------------------------------------------------

def test_parse_file_list_known_lines():
    lines = [
        "150383 297a16b493de7cf6ca809a7cc31d0b93 http://data.gdeltproject.org/gdeltv2/20150218230000.export.CSV.zip",
        "318084 bb27f78ba45f69a17ea6ed7755e9f8ff http://data.gdeltproject.org/gdeltv2/20150218230000.mentions.CSV.zip",
        "",
        "12 NOTANMD5 http://x/20150218231500.export.CSV.zip",
        "http://x/20150218233000.export.CSV.zip",
        "1x 297a16b493de7cf6ca809a7cc31d0b93 http://x/20150218234500.export.CSV.zip",
        "5 297a16b493de7cf6ca809a7cc31d0b93 http://x/2015021823.export.CSV.zip",
        "7 297A16B493DE7CF6CA809A7CC31D0B93 http://x/20150219000000.export.CSV.zip",
    ]
    files, problems = parse_file_list(lines, "masterfilelist.txt")
    assert [(f.name, f.size, f.md5) for f in files] == [
        ("20150218230000.export.CSV.zip", 150383, "297a16b493de7cf6ca809a7cc31d0b93"),
        ("20150219000000.export.CSV.zip", 7, "297a16b493de7cf6ca809a7cc31d0b93")]
    assert files[0].stamp == dt.datetime(2015, 2, 18, 23) and files[0].day == dt.date(2015, 2, 18)
    assert problems == [(4, "MD5 'NOTANMD5' is not 32 hexadecimal digits"),
                        (5, "1 fields; expected 'SIZE MD5 URL'"),
                        (6, "size '1x' is not a whole number of bytes"),
                        (7, "'2015021823.export.CSV.zip' is not named YYYYMMDDhhmmss.export.CSV.zip")]


def _listed(stamp: str) -> ListedFile:
    return ListedFile(1, "0" * 32, f"http://x/{stamp}.export.CSV.zip", f"{stamp}.export.CSV.zip",
                      dt.datetime.strptime(stamp, "%Y%m%d%H%M%S"))


def test_missing_slots_and_gaps_hand_checked():
    files = [_listed("20180326000000"), _listed("20180326001500"), _listed("20180328000000")]
    gaps, slots = missing_slots(files, dt.date(2018, 3, 26), dt.date(2018, 3, 28), dt.datetime(2018, 3, 28, 0, 30))
    # 26th: 96 slots, 2 listed; 27th: none listed (a gap); 28th: up to 00:30 only, 00:00 listed
    assert gaps == [dt.date(2018, 3, 27)]
    assert len(slots) == 94 + 2 and slots[0] == dt.datetime(2018, 3, 26, 0, 30)
    assert slots[-2:] == [dt.datetime(2018, 3, 28, 0, 15), dt.datetime(2018, 3, 28, 0, 30)]
    # a day not yet published is not a gap
    assert missing_slots(files, dt.date(2018, 3, 29), dt.date(2018, 3, 30), dt.datetime(2018, 3, 28, 0, 30)) == (
        [], [])
    assert [f.name[:14] for f in in_days(files + files, dt.date(2018, 3, 26), dt.date(2018, 3, 27))] == [
        "20180326000000", "20180326001500"]


def test_latest_file_and_master_list_tail(server, tmp_path):
    gdelt_site(server)
    settings = settings_for(server)
    cache = tmp_path / "masterfilelist.txt"
    with client(settings) as http:
        assert latest_file(http, settings).name == NEWEST + ".zip"
        full = server.files["/gdeltv2/masterfilelist.txt"]
        assert update_master_list(http, cache, settings) == len(full) and cache.read_bytes() == full
        # nothing new: a Range from the end gets 416, the copy is kept
        assert update_master_list(http, cache, settings) == 0 and cache.read_bytes() == full
        more = b"10 " + b"a" * 32 + b" http://x/20180330000000.export.CSV.zip\n"
        server.add("masterfilelist.txt", full + more)
        assert update_master_list(http, cache, settings) == len(more) and cache.read_bytes() == full + more
    ranges = server.paths("masterfilelist.txt")
    assert ranges == [None, f"bytes={len(full)}-", f"bytes={len(full)}-"]
    assert not (tmp_path / "masterfilelist.txt.part").exists()


def test_master_list_unreachable_is_a_fetch_error(server, tmp_path):
    settings = settings_for(server, attempts=2)
    with client(settings) as http, pytest.raises(FetchError, match=r"masterfilelist.txt: HTTP 404.*2 attempt"):
        update_master_list(http, tmp_path / "m.txt", settings)


# --- one download -------------------------------------------------------------------------------------------------

def test_download_happy_path(server, tmp_path):
    settings = settings_for(server)
    entry = entry_for(server, NAME, BODY)
    got = []
    with client(settings) as http:
        path = download(http, entry, tmp_path / "dl", settings, got.append)
    assert path == tmp_path / "dl" / NAME and path.read_bytes() == BODY
    assert sum(got) == len(BODY) and list((tmp_path / "dl").iterdir()) == [path]
    # already there and checked: not downloaded again
    with client(settings) as http:
        download(http, entry, tmp_path / "dl", settings)
    assert server.paths(NAME) == [None]


def test_md5_mismatch_is_rejected_not_retried(server, tmp_path):
    settings = settings_for(server)
    entry = entry_for(server, NAME, BODY, md5="0" * 32)
    with client(settings) as http, pytest.raises(FetchError, match=rf"{NAME}: MD5 [0-9a-f]{{32}} does not match the "
                                                                   rf"list's 0{{32}}; file rejected"):
        download(http, entry, tmp_path, settings)
    assert list(tmp_path.iterdir()) == [] and len(server.paths(NAME)) == 1


def test_larger_file_than_listed_is_rejected(server, tmp_path):
    settings = settings_for(server)
    entry = entry_for(server, NAME, BODY)
    server.add(NAME, BODY + b"extra")
    with client(settings) as http, pytest.raises(FetchError, match="102,405 bytes received, the list says 102,400"):
        download(http, entry, tmp_path, settings)
    assert list(tmp_path.iterdir()) == []


def test_truncated_download_is_resumed_with_a_range(server, tmp_path):
    settings = settings_for(server)
    entry = entry_for(server, NAME, BODY)
    server.script[f"/gdeltv2/{NAME}"] = ["truncate"]
    with client(settings) as http:
        path = download(http, entry, tmp_path, settings)
    assert path.read_bytes() == BODY
    assert server.paths(NAME) == [None, f"bytes={len(BODY) // 2}-"]


@pytest.mark.parametrize("status", [404, 500, 503])
def test_transient_errors_are_retried(server, tmp_path, status):
    settings = settings_for(server, attempts=3)
    entry = entry_for(server, NAME, BODY)
    server.script[f"/gdeltv2/{NAME}"] = [status, status]
    with client(settings) as http:
        assert download(http, entry, tmp_path, settings).read_bytes() == BODY
    assert len(server.paths(NAME)) == 3


@pytest.mark.parametrize("status", [404, 500])
def test_persistent_errors_fail_after_the_attempts(server, tmp_path, status):
    settings = settings_for(server, attempts=3)
    entry = entry_for(server, NAME, BODY)
    server.script[f"/gdeltv2/{NAME}"] = [status] * 5
    with client(settings) as http, pytest.raises(FetchError, match=rf"{NAME}: HTTP {status} .*after 3 attempt"):
        download(http, entry, tmp_path, settings)
    assert len(server.paths(NAME)) == 3 and not (tmp_path / NAME).exists()


def test_forbidden_is_not_retried(server, tmp_path):
    settings = settings_for(server, attempts=3)
    entry = entry_for(server, NAME, BODY)
    server.script[f"/gdeltv2/{NAME}"] = [403]
    with client(settings) as http, pytest.raises(FetchError, match="HTTP 403"):
        download(http, entry, tmp_path, settings)
    assert len(server.paths(NAME)) == 1


def test_interrupted_download_resumes_from_the_part(server, tmp_path):
    settings = settings_for(server)
    entry = entry_for(server, NAME, BODY)

    def interrupt(n: int) -> None:
        raise KeyboardInterrupt

    with client(settings) as http, pytest.raises(KeyboardInterrupt):
        download(http, entry, tmp_path, settings, interrupt)
    part = tmp_path / (NAME + ".part")
    assert part.exists() and 0 < part.stat().st_size < len(BODY) and not (tmp_path / NAME).exists()
    have = part.stat().st_size
    with client(settings) as http:
        assert download(http, entry, tmp_path, settings).read_bytes() == BODY
    assert server.paths(NAME) == [None, f"bytes={have}-"] and not part.exists()


def test_server_ignoring_range_gets_a_fresh_download(server, tmp_path):
    settings = settings_for(server)
    entry = entry_for(server, NAME, BODY)
    (tmp_path / (NAME + ".part")).write_bytes(BODY[:1000])
    server.script[f"/gdeltv2/{NAME}"] = ["no-range"]
    with client(settings) as http:
        assert download(http, entry, tmp_path, settings).read_bytes() == BODY
    assert server.paths(NAME) == ["bytes=1000-"]


def test_stale_part_past_the_end_starts_over(server, tmp_path):
    settings = settings_for(server)
    entry = entry_for(server, NAME, BODY)
    (tmp_path / (NAME + ".part")).write_bytes(b"x" * (len(BODY) + 10))
    with client(settings) as http:
        assert download(http, entry, tmp_path, settings).read_bytes() == BODY
    assert server.paths(NAME) == [None]
