"""Downloading GDELT 2.0 event exports: the file lists, and each file checked against them.

GDELT publishes one events export every 15 minutes (``YYYYMMDDhhmmss.export.CSV.zip``) and two lists beside them:
``masterfilelist.txt`` (every file since February 2015, one ``SIZE MD5 URL`` line each, appended to as files are
published) and ``lastupdate.txt`` (the three files of the latest 15 minutes). Both are read from a configurable base
URL (``DEFAULT_BASE_URL``, a mirror, or a test server).

A download goes to ``NAME.part`` in the target folder, is resumed with an HTTP Range request after an interruption
(the part is kept; a server that ignores the Range gets a fresh download), and is moved into place with
``os.replace`` only once its size and MD5 match the list: the folder never holds a half-written file under its
final name. Transport errors, truncated bodies and HTTP 404/408/429/5xx are retried with exponential backoff, a
bounded number of times (``FetchSettings``); an MD5 or size mismatch is not retried: the file is rejected.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
from tenacity import Retrying, retry_if_exception_type, stop_after_attempt, wait_exponential

#: GDELT 2.0's own folder; ``masterfilelist.txt``, ``lastupdate.txt`` and the exports are under it.
DEFAULT_BASE_URL = "http://data.gdeltproject.org/gdeltv2/"
MASTER_LIST = "masterfilelist.txt"
LAST_UPDATE = "lastupdate.txt"
#: GDELT 2.0 publishes one export every 15 minutes: 96 a day.
SLOT = dt.timedelta(minutes=15)
#: HTTP statuses worth another try: not found yet (a file listed before it is served, a mirror behind), timeouts,
#: rate limits and server errors.
RETRY_STATUSES = frozenset({404, 408, 425, 429, 500, 502, 503, 504})
_EXPORT = re.compile(r"^(\d{14})\.export\.CSV\.zip$")
_MD5 = re.compile(r"^[0-9a-f]{32}$")

Progress = Callable[[int], object]


class FetchError(Exception):
    """A file list that cannot be read, or a download that failed for good; the message names the file and why."""


class _Retry(Exception):
    """A download attempt that may succeed if tried again (the message says what went wrong)."""


@dataclass(frozen=True)
class FetchSettings:
    """Where to download from and how hard to try: ``attempts`` per file, ``backoff`` seconds before the first retry
    (doubling, at most ``max_wait``), ``timeout`` seconds per connect or read."""

    base_url: str = DEFAULT_BASE_URL
    attempts: int = 4
    backoff: float = 1.0
    max_wait: float = 60.0
    timeout: float = 30.0

    def url(self, name: str) -> str:
        """The URL of ``name`` under the base URL."""
        return self.base_url.rstrip("/") + "/" + name


@dataclass(frozen=True)
class ListedFile:
    """One export named by a GDELT file list: its size in bytes, MD5 (hex), URL and the time stamp of its name."""

    size: int
    md5: str
    url: str
    name: str
    stamp: dt.datetime

    @property
    def day(self) -> dt.date:
        """The day the file was published (its time stamp's date, UTC)."""
        return self.stamp.date()


def client(settings: FetchSettings) -> httpx.Client:
    """An HTTP client with the settings' timeouts, following redirects, asking for bytes as stored."""
    return httpx.Client(timeout=httpx.Timeout(settings.timeout), follow_redirects=True,
                        headers={"Accept-Encoding": "identity", "User-Agent": "tension-update-gdelt"})


def parse_file_list(lines: Iterable[str], name: str, first_line: int = 1
                    ) -> tuple[list[ListedFile], list[tuple[int, str]]]:
    """The events exports named by a GDELT file list (``SIZE MD5 URL`` lines), and its malformed lines as
    (line number, problem). Lines of other files (mentions, gkg) are not exports and are passed over."""
    files, problems = [], []
    for n, raw in enumerate(lines, start=first_line):
        line = raw.strip()
        if not line:
            continue
        parts = line.split()
        if len(parts) != 3:
            problems.append((n, f"{len(parts)} fields; expected 'SIZE MD5 URL'"))
            continue
        size, md5, url = parts
        base = url.rsplit("/", 1)[-1]
        if not base.endswith(".export.CSV.zip"):
            continue
        match = _EXPORT.match(base)
        stamp = _stamp(match.group(1)) if match else None
        if not size.isdigit():
            problems.append((n, f"size {size!r} is not a whole number of bytes"))
        elif not _MD5.match(md5.lower()):
            problems.append((n, f"MD5 {md5!r} is not 32 hexadecimal digits"))
        elif stamp is None:
            problems.append((n, f"{base!r} is not named YYYYMMDDhhmmss.export.CSV.zip"))
        else:
            files.append(ListedFile(int(size), md5.lower(), url, base, stamp))
    return files, problems


def _stamp(digits: str) -> dt.datetime | None:
    try:
        return dt.datetime.strptime(digits, "%Y%m%d%H%M%S")
    except ValueError:
        return None


def in_days(files: Iterable[ListedFile], start: dt.date, end: dt.date) -> list[ListedFile]:
    """The files published from ``start`` to ``end`` (both included), by time stamp, each name once."""
    chosen = {f.name: f for f in files if start <= f.day <= end}
    return sorted(chosen.values(), key=lambda f: f.stamp)


def missing_slots(files: Iterable[ListedFile], start: dt.date, end: dt.date, latest: dt.datetime
                  ) -> tuple[list[dt.date], list[dt.datetime]]:
    """What the list lacks from ``start`` to ``end``, up to ``latest`` (the newest file published): the days with no
    export at all, and the 15-minute slots without an export on the other days."""
    have = {f.stamp for f in files}
    slot = dt.datetime.combine(start, dt.time())
    last = min(dt.datetime.combine(end, dt.time(23, 45)), latest)
    by_day: dict[dt.date, list[dt.datetime]] = {}
    while slot <= last:
        if slot not in have:
            by_day.setdefault(slot.date(), []).append(slot)
        slot += SLOT
    full_day = dt.timedelta(days=1) // SLOT
    gaps, slots = [], []
    for day, missing in sorted(by_day.items()):
        # A day is a gap when every slot of it up to ``latest`` is missing.
        day_slots = min(full_day, (last - dt.datetime.combine(day, dt.time())) // SLOT + 1)
        if len(missing) == day_slots:
            gaps.append(day)
        else:
            slots.extend(missing)
    return gaps, slots


def _retrying(settings: FetchSettings) -> Retrying:
    return Retrying(stop=stop_after_attempt(max(1, settings.attempts)), reraise=True,
                    wait=wait_exponential(multiplier=settings.backoff, max=settings.max_wait),
                    retry=retry_if_exception_type((_Retry, httpx.TransportError)))


def _status_error(response: httpx.Response, name: str) -> Exception:
    status = response.status_code
    message = f"{name}: HTTP {status} {response.reason_phrase}".rstrip()
    return _Retry(message) if status in RETRY_STATUSES else FetchError(message)


def _attempts(settings: FetchSettings, name: str) -> Iterator:
    """The attempts of ``_retrying``; the last failure becomes a FetchError naming ``name`` and the tries made."""
    try:
        yield from _retrying(settings)
    except _Retry as exc:
        raise FetchError(f"{exc} (after {settings.attempts} attempt(s))") from None
    except httpx.TransportError as exc:
        raise FetchError(f"{name}: {type(exc).__name__}: {exc or 'connection failed'} "
                         f"(after {settings.attempts} attempt(s))") from None


def fetch_text(http: httpx.Client, name: str, settings: FetchSettings) -> str:
    """A small text file under the base URL (``lastupdate.txt``), with retries."""
    for attempt in _attempts(settings, name):
        with attempt:
            response = http.get(settings.url(name))
            if response.status_code != 200:
                raise _status_error(response, name)
            return response.text
    raise AssertionError("unreachable")  # pragma: no cover


def latest_file(http: httpx.Client, settings: FetchSettings) -> ListedFile:
    """The newest export, from ``lastupdate.txt``."""
    files, problems = parse_file_list(fetch_text(http, LAST_UPDATE, settings).splitlines(), LAST_UPDATE)
    if problems:
        n, what = problems[0]
        raise FetchError(f"{LAST_UPDATE} line {n}: {what}")
    if not files:
        raise FetchError(f"{LAST_UPDATE}: names no events export (expected a line ending in .export.CSV.zip)")
    return max(files, key=lambda f: f.stamp)


def update_master_list(http: httpx.Client, cache: Path, settings: FetchSettings, *, refresh: bool = False) -> int:
    """Bring the local copy of ``masterfilelist.txt`` up to date and return how many bytes were added.

    The list only grows, so only its new tail is asked for (an HTTP Range from the copy's size); a server that
    sends the whole list instead, or ``refresh=True``, replaces the copy. The new bytes go to ``cache.part`` first.
    """
    have = cache.stat().st_size if cache.exists() and not refresh else 0
    part = cache.with_name(cache.name + ".part")
    for attempt in _attempts(settings, MASTER_LIST):
        with attempt:
            headers = {"Range": f"bytes={have}-"} if have else {}
            with http.stream("GET", settings.url(MASTER_LIST), headers=headers) as response:
                if response.status_code == 416 and have:
                    return 0  # nothing new
                if response.status_code not in (200, 206):
                    raise _status_error(response, MASTER_LIST)
                tail = response.status_code == 206
                with part.open("wb") as fh:
                    for chunk in response.iter_bytes():
                        fh.write(chunk)
    added = part.stat().st_size
    if tail and added:
        with part.open("rb") as fh:
            data = fh.read()
        if not data.endswith(b"\n"):
            part.unlink()
            raise FetchError(f"{MASTER_LIST}: the new part of the list does not end with a whole line; "
                             "try again with --refresh-list")
        with cache.open("ab") as fh:
            fh.write(data)
        part.unlink()
    elif tail:
        part.unlink()
    else:
        os.replace(part, cache)
    return added


def file_md5(path: Path) -> str:
    """The MD5 of a file, hex."""
    digest = hashlib.md5(usedforsecurity=False)
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _fetch_part(http: httpx.Client, entry: ListedFile, part: Path, progress: Progress | None) -> None:
    """One attempt: continue (or start) ``part``; a short body is a _Retry, the part kept for the next attempt."""
    have = part.stat().st_size if part.exists() else 0
    if have > entry.size:
        part.unlink()
        have = 0
    if have == entry.size:
        return
    headers = {"Range": f"bytes={have}-"} if have else {}
    with http.stream("GET", entry.url, headers=headers) as response:
        status = response.status_code
        if status == 416:
            part.unlink(missing_ok=True)
            raise _Retry(f"{entry.name}: the server refused to resume at byte {have:,} (HTTP 416); starting over")
        if status not in (200, 206):
            raise _status_error(response, entry.name)
        resume = status == 206 and have > 0
        if resume and not response.headers.get("Content-Range", "").startswith(f"bytes {have}-"):
            part.unlink(missing_ok=True)
            raise _Retry(f"{entry.name}: the server resumed at the wrong byte "
                         f"({response.headers.get('Content-Range')!r}, expected {have}); starting over")
        with part.open("ab" if resume else "wb") as fh:
            for chunk in response.iter_bytes():  # as they arrive: a broken connection keeps what came
                fh.write(chunk)
                if progress is not None:
                    progress(len(chunk))
                if fh.tell() > entry.size:
                    break
    got = part.stat().st_size
    if got < entry.size:
        raise _Retry(f"{entry.name}: truncated download, {got:,} of {entry.size:,} bytes")


def download(http: httpx.Client, entry: ListedFile, folder: Path, settings: FetchSettings,
             progress: Progress | None = None) -> Path:
    """Download one listed file into ``folder`` (resuming ``NAME.part``), check its size and MD5 against the list,
    and move it into place; returns its path. FetchError (the part removed on a mismatch) when it cannot be had."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / entry.name
    if target.exists() and target.stat().st_size == entry.size and file_md5(target) == entry.md5:
        return target
    part = folder / (entry.name + ".part")
    for attempt in _attempts(settings, entry.name):
        with attempt:
            _fetch_part(http, entry, part, progress)
    size = part.stat().st_size
    if size != entry.size:
        part.unlink()
        raise FetchError(f"{entry.name}: {size:,} bytes received, the list says {entry.size:,}; file rejected")
    md5 = file_md5(part)
    if md5 != entry.md5:
        part.unlink()
        raise FetchError(f"{entry.name}: MD5 {md5} does not match the list's {entry.md5}; file rejected")
    os.replace(part, target)
    return target
