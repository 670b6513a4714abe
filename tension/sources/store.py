"""The local store of GDELT events: one dyad's events from GDELT 2.0 exports, kept current by ``update-gdelt``.

Layout of the store folder (``default_store()``; see docs/feeds.md):

- ``events/day=YYYY-MM-DD/<stamp>.parquet``: the events of one export file dated that day (SQLDATE), in the events
  schema of ``read_gdelt``, imported with ``raw`` salience (1 per event; the normalisation is applied when the
  store is read, over all the events of a day, by ``load_store``);
- ``manifest.csv``: one row per export file done (name, size, MD5, dyad, rows read, dyad rows, events added, ids
  already stored, malformed lines, unmapped codes, when), written whole and replaced atomically after each file;
- ``masterfilelist.txt``: the local copy of GDELT's list (only its new tail is downloaded);
- ``downloads/``: exports being downloaded (``NAME.part``, resumed) or kept (``--keep-downloads``).

GLOBALEVENTID is the key: an event id already stored from another file is left out and counted, so running an
update twice adds nothing twice. A file is recorded in the manifest only after its events are written, and its
partition files are named after it and replaced whole, so an interrupted update is completed by running it again.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import polars as pl

from tension.sources.feeds import (
    DEFAULT_DYAD,
    DEFAULT_NORMALISATION,
    FeedError,
    check_dyad,
    check_normalisation,
    normalised_salience,
)
from tension.sources.fetch import (
    MASTER_LIST,
    FetchError,
    FetchSettings,
    ListedFile,
    Progress,
    download,
    in_days,
    latest_file,
    missing_slots,
    parse_file_list,
    update_master_list,
)
from tension.sources.gdelt import TONE_SCALE, read_gdelt

MANIFEST = "manifest.csv"
EVENTS_DIR = "events"
DOWNLOADS_DIR = "downloads"
#: Columns of ``manifest.csv``.
MANIFEST_SCHEMA = {"name": pl.String, "size": pl.Int64, "md5": pl.String, "dyad": pl.String, "rows": pl.Int64,
                   "dyad_rows": pl.Int64, "events": pl.Int64, "repeated": pl.Int64, "malformed": pl.Int64,
                   "unmapped": pl.Int64, "added": pl.String}
#: Problems of one kind shown in a summary line (all are in the report's lists).
SHOWN = 5


def default_store() -> Path:
    """The store folder: ``$TENSION_GDELT_STORE``, else ``$XDG_DATA_HOME/tension/gdelt``, else
    ``~/.local/share/tension/gdelt``."""
    if os.environ.get("TENSION_GDELT_STORE"):
        return Path(os.environ["TENSION_GDELT_STORE"]).expanduser()
    data = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data) / "tension" / "gdelt"


def _replace_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``path`` and move it into place."""
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def read_manifest(folder: Path) -> pl.DataFrame:
    """The files done in a store (``MANIFEST_SCHEMA``); empty when the store is new."""
    path = folder / MANIFEST
    if not path.exists():
        return pl.DataFrame(schema=MANIFEST_SCHEMA)
    try:
        frame = pl.read_csv(path, schema=MANIFEST_SCHEMA)
    except pl.exceptions.PolarsError as exc:
        raise ValueError(f"{path}: not a store manifest with columns {', '.join(MANIFEST_SCHEMA)} ({exc})") from None
    return frame


def _write_manifest(folder: Path, frame: pl.DataFrame) -> None:
    _replace_bytes(folder / MANIFEST, frame.sort("name").write_csv().encode("utf-8"))


def last_day(folder: Path) -> dt.date | None:
    """The day of the newest export file in the store (from its name), or None for an empty store."""
    names = read_manifest(folder)["name"]
    if names.is_empty():
        return None
    return dt.datetime.strptime(names.max()[:8], "%Y%m%d").date()


def _partitions(folder: Path, start: dt.date | None = None, end: dt.date | None = None) -> list[Path]:
    """The Parquet files of the days from ``start`` to ``end`` (both included; None: no bound)."""
    out = []
    root = folder / EVENTS_DIR
    if not root.is_dir():
        return out
    for day_dir in sorted(root.glob("day=*")):
        day = dt.date.fromisoformat(day_dir.name[4:])
        if (start is None or day >= start) and (end is None or day <= end):
            out.extend(sorted(day_dir.glob("*.parquet")))
    return out


def stored_ids(folder: Path) -> dict[str, str]:
    """Every event id in the store, with the export (time stamp) it came from."""
    files = _partitions(folder)
    if not files:
        return {}
    frame = pl.scan_parquet(files, include_file_paths="path").select("id", "path").collect()
    stems = frame["path"].str.extract(r"([^/\\]+)\.parquet$")
    return dict(zip(frame["id"].to_list(), stems.to_list()))


def append_events(folder: Path, events: pl.DataFrame, stamp: str, known: dict[str, str]) -> tuple[int, int]:
    """Write one export's events (its time stamp ``stamp``) into the day partitions, leaving out ids already in
    ``known`` from another export and repeats within the file; returns (events added, ids left out).
    ``known`` is updated. Each partition file is written beside its place and moved there whole."""
    others = [i for i, s in known.items() if s != stamp]
    fresh = events.unique(subset="id", keep="first", maintain_order=True).filter(~pl.col("id").is_in(others))
    left_out = events.height - fresh.height
    for (day,), part in fresh.group_by("date", maintain_order=True):
        day_dir = folder / EVENTS_DIR / f"day={day.isoformat()}"
        day_dir.mkdir(parents=True, exist_ok=True)
        target = day_dir / f"{stamp}.parquet"
        tmp = day_dir / f".{stamp}.parquet.tmp"
        part.write_parquet(tmp)
        os.replace(tmp, target)
    known.update(dict.fromkeys(fresh["id"].to_list(), stamp))
    return fresh.height, left_out


def load_store(folder: Path, *, start: dt.date | None = None, end: dt.date | None = None,
               normalisation: str = DEFAULT_NORMALISATION, tone: bool = True) -> pl.DataFrame:
    """The stored events from ``start`` to ``end`` (event dates, both included), normalised as ``read_gdelt``
    does over the events read together; ValueError when there are none."""
    check_normalisation(normalisation)
    files = _partitions(folder, start, end)
    if not files:
        span = f"{start or 'the beginning'} to {end or 'the end'}"
        raise ValueError(f"{folder}: the GDELT store has no events from {span} (run update-gdelt first)")
    events = pl.read_parquet(files).sort("date", "GLOBALEVENTID")
    salience = normalised_salience(events, normalisation, "NumMentions")
    events = events.with_columns(salience=salience)
    tone_expr = (pl.col("AvgTone") / TONE_SCALE).clip(-1.0, 1.0) * pl.col("salience") if tone else pl.lit(0.0)
    return events.with_columns(tone=tone_expr)


@dataclass
class UpdatePlan:
    """What an update will do: the days asked for (capped at the newest file published), the files to fetch, how
    many listed files the store already has, and what the list lacks."""

    start: dt.date
    end: dt.date
    latest: dt.datetime
    files: list[ListedFile]
    done: int
    gaps: list[dt.date]
    missing: list[dt.datetime]
    list_problems: list[tuple[int, str]]

    @property
    def bytes(self) -> int:
        """Bytes to download."""
        return sum(f.size for f in self.files)


@dataclass
class UpdateReport:
    """What an update did; ``line()`` is the summary line."""

    plan: UpdatePlan
    fetched: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    bytes: int = 0
    rows: int = 0
    dyad_rows: int = 0
    events: int = 0
    left_out: int = 0
    malformed: int = 0
    unmapped: int = 0

    def line(self) -> str:
        """One line: the days, files fetched, skipped and failed, events added, ids left out, gaps."""
        p = self.plan
        parts = [f"GDELT {p.start}..{p.end}: {len(p.files) + p.done:,} export(s) listed, {len(self.fetched):,} "
                 f"fetched ({self.bytes / 1e6:,.1f} MB), {p.done:,} already in the store, {len(self.failed):,} failed",
                 f"{self.rows:,} rows read, {self.dyad_rows:,} dyad rows, {self.events:,} events added, "
                 f"{self.left_out:,} ids already stored left out, {self.unmapped:,} unmapped, "
                 f"{self.malformed:,} malformed lines"]
        if self.failed:
            shown = "; ".join(why for _, why in self.failed[:SHOWN])
            parts.append(f"failed (retried on the next run): {shown}"
                         + (f"; … {len(self.failed) - SHOWN} more" if len(self.failed) > SHOWN else ""))
        parts.append(f"{len(p.gaps):,} day(s) without any export" +
                     (f" ({', '.join(map(str, p.gaps[:SHOWN]))}{', …' if len(p.gaps) > SHOWN else ''})"
                      if p.gaps else ""))
        if p.missing:
            shown = ", ".join(f"{s:%Y%m%d%H%M%S}" for s in p.missing[:SHOWN])
            parts.append(f"{len(p.missing):,} 15-minute export(s) missing from the list ({shown}"
                         + (", …)" if len(p.missing) > SHOWN else ")"))
        if p.list_problems:
            shown = "; ".join(f"line {n}: {m}" for n, m in p.list_problems[:SHOWN])
            parts.append(f"{len(p.list_problems):,} malformed line(s) in {MASTER_LIST} ({shown})")
        return "; ".join(parts)


def plan_update(http: httpx.Client, folder: Path, start: dt.date, end: dt.date, settings: FetchSettings, *,
                dyad: tuple[str, str] | str = DEFAULT_DYAD, refresh_list: bool = False) -> UpdatePlan:
    """Read GDELT's lists (the newest file, the master list's new tail) and decide what to fetch for the days from
    ``start`` to ``end``; ValueError when the store holds another dyad or the days are reversed."""
    if start > end:
        raise ValueError(f"the first day {start} is after the last day {end}")
    _check_store_dyad(folder, check_dyad(dyad))
    folder.mkdir(parents=True, exist_ok=True)
    newest = latest_file(http, settings)
    cache = folder / MASTER_LIST
    update_master_list(http, cache, settings, refresh=refresh_list)
    with cache.open(encoding="utf-8", errors="replace") as fh:
        listed, problems = parse_file_list(fh, MASTER_LIST)
    listed.append(newest)  # the list may lag lastupdate.txt by one file
    end = min(end, newest.day)
    chosen = in_days(listed, start, end) if start <= end else []
    gaps, missing = missing_slots(chosen, start, end, newest.stamp) if start <= end else ([], [])
    done = set(read_manifest(folder)["name"].to_list())
    todo = [f for f in chosen if f.name not in done]
    return UpdatePlan(start, end, newest.stamp, todo, len(chosen) - len(todo), gaps, missing, problems)


def _check_store_dyad(folder: Path, dyad: tuple[str, str]) -> None:
    dyads = set(read_manifest(folder)["dyad"].to_list())
    wanted = ",".join(dyad)
    if dyads and dyads != {wanted}:
        raise ValueError(f"{folder} holds the dyad {', '.join(sorted(dyads))}, not {wanted}: use another --store")


def run_update(http: httpx.Client, folder: Path, plan: UpdatePlan, settings: FetchSettings, *,
               dyad: tuple[str, str] | str = DEFAULT_DYAD, keep_downloads: bool = False,
               progress: Progress | None = None, on_file: Callable[[int, int], object] | None = None
               ) -> UpdateReport:
    """Fetch, check, import and store the plan's files one by one; a file that fails is reported and left for the
    next run, the others go on. ``progress`` gets bytes received, ``on_file`` (files done, files in all)."""
    pair = check_dyad(dyad)
    report = UpdateReport(plan)
    downloads = folder / DOWNLOADS_DIR
    known = stored_ids(folder)
    manifest = read_manifest(folder)
    for i, entry in enumerate(plan.files):
        try:
            path = download(http, entry, downloads, settings, progress)
        except FetchError as exc:
            report.failed.append((entry.name, str(exc)))
            continue
        finally:
            if on_file is not None:
                on_file(i + 1, len(plan.files))
        try:
            events, summary = read_gdelt([path], dyad=pair, normalisation="raw")
        except FeedError as exc:
            report.failed.append((entry.name, f"{entry.name}: cannot be imported ({exc})"))
            continue
        stamp = entry.name.split(".", 1)[0]
        added, left_out = append_events(folder, events, stamp, known)
        row = {"name": entry.name, "size": entry.size, "md5": entry.md5, "dyad": ",".join(pair),
               "rows": summary.rows_read, "dyad_rows": summary.dyad_rows, "events": added, "repeated": left_out,
               "malformed": len(summary.malformed), "unmapped": sum(summary.unmapped.values()),
               "added": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")}
        manifest = pl.concat([manifest.filter(pl.col("name") != entry.name),
                              pl.DataFrame([row], schema=MANIFEST_SCHEMA)])
        _write_manifest(folder, manifest)
        if not keep_downloads:
            path.unlink()
        report.fetched.append(entry.name)
        report.bytes += entry.size
        report.rows += summary.rows_read
        report.dyad_rows += summary.dyad_rows
        report.events += added
        report.left_out += left_out
        report.malformed += len(summary.malformed)
        report.unmapped += sum(summary.unmapped.values())
    return report
