"""Import GDELT or ICEWS files as the dashboard's events (widgets and layout only; the work is in tension.sources)."""

from __future__ import annotations

import datetime as dt
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import polars as pl
import streamlit as st

from tension import compute_index, export_csv, load_events
from tension.dashboard import files_digest, md_escape
from tension.sources.feeds import NORMALISATIONS, FeedError, FeedLimits, FeedSummary, saved
from tension.sources.fetch import DEFAULT_BASE_URL, FetchError, FetchSettings, client
from tension.sources.gdelt import daily_from_aggregate, is_aggregate, read_gdelt
from tension.sources.icews import read_icews
from tension.sources.store import MANIFEST, default_store, last_day, plan_update, run_update

MAX_UPLOAD_MB = 200
#: The bundled record: a first update starts on its last day.
RECORD = Path(__file__).resolve().parent.parent / "data" / "events.csv"
#: At most one update from the page in this time (GDELT publishes a file every 15 minutes).
UPDATE_EVERY = dt.timedelta(minutes=15)
#: A shared server unpacks less than the command line: 512 MiB of archive content at most (GDELT zips are ~5-10:1).
PAGE_LIMITS = FeedLimits(max_bytes=512 * 2**20)
T = TypeVar("T")
NORMALISATION_HELP = {
    "log": "log — each (day, type) sums to log(1 + n): a busy day counts, but does not swamp a hand-coded record",
    "mentions": "mentions — each day sums to 1, shared by mention counts: the mention-weighted mean event",
    "raw": "raw — every machine-coded event counts 1 (hundreds a day)",
}


def memoised(name: str, key: tuple, compute: Callable[[], T]) -> T:
    """``compute()``, kept in this session's state under ``name`` for the last ``key`` only: one visitor's files are
    never served to another visitor (no st.cache_data), and each session holds at most one result per step."""
    last = st.session_state.get(name)
    if last is not None and last[0] == key:
        return last[1]
    value = compute()
    st.session_state[name] = (key, value)
    return value


def run_import(kind: str, files: tuple[tuple[str, bytes], ...], dyad: str, normalisation: str, dedupe: bool
               ) -> tuple[pl.DataFrame, FeedSummary]:
    """The event frame and import summary of uploaded GDELT or ICEWS files (once per set of files and settings)."""
    def compute() -> tuple[pl.DataFrame, FeedSummary]:
        with st.spinner("Importing…"), saved(files) as paths:
            reader = read_gdelt if kind == "GDELT" else read_icews
            return reader(paths, dyad=dyad, normalisation=normalisation, drop_duplicates=dedupe, limits=PAGE_LIMITS)
    return memoised("feed_import", (kind, files_digest(files), dyad, normalisation, dedupe), compute)


def read_aggregate(content: bytes, normalisation: str) -> pl.DataFrame | None:
    """The daily table of an uploaded gdelt-sql result, or None when the file is not one."""
    def compute() -> pl.DataFrame | None:
        try:
            frame = pl.read_csv(content, schema_overrides={"type": pl.String, "unmapped_code": pl.String})
        except pl.exceptions.PolarsError:
            return None
        return daily_from_aggregate(frame, normalisation) if is_aggregate(frame) else None
    return memoised("feed_aggregate", (files_digest([("", content)]), normalisation), compute)


@st.cache_data(show_spinner=False)
def record_end() -> dt.date:
    """The bundled record's last day (shared cache: the bundled record only)."""
    return load_events(RECORD)["date"].max()


@st.cache_resource
def update_guard() -> dict[str, object]:
    """One lock for the whole server (one GDELT update at a time) and the time the last one ended."""
    return {"lock": threading.Lock(), "ended": None}


def store_section() -> None:
    """The local GDELT store (filled by update-gdelt): where it is, how fresh, and an 'Update from GDELT' action."""
    folder = default_store()
    last = last_day(folder) if (folder / MANIFEST).exists() else None
    with st.expander("Keep the GDELT store current (`python -m tension update-gdelt`)", expanded=False):
        manifest = folder / MANIFEST
        updated = (dt.datetime.fromtimestamp(manifest.stat().st_mtime, dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
                   if manifest.exists() else "never")
        st.text(f"Store: {folder}\nLast updated: {updated}; newest export in it: {last or 'none'}")
        first = st.date_input("Fetch from", last or record_end(), min_value=dt.date(2015, 2, 19),
                              max_value=dt.date.today(), format="YYYY-MM-DD", key="store_from",
                              help="GDELT 2.0 starts on 2015-02-19; each day is about 96 files of 5–10 MB.")
        if st.button("Update from GDELT", key="store_update"):
            update_store(folder, first)


def update_store(folder: Path, first: dt.date) -> None:
    """Run one update with a progress bar (one at a time per server, at most every 15 minutes: GDELT's own pace)."""
    guard = update_guard()
    ended = guard["ended"]
    if isinstance(ended, dt.datetime) and dt.datetime.now(dt.UTC) - ended < UPDATE_EVERY:
        st.info(f"The store was updated less than {UPDATE_EVERY.seconds // 60} minutes ago; GDELT publishes every "
                "15 minutes.")
        return
    lock = guard["lock"]
    if not lock.acquire(blocking=False):
        st.info("Another update is running; try again when it has finished.")
        return
    try:
        settings = FetchSettings(base_url=os.environ.get("TENSION_GDELT_BASE_URL", DEFAULT_BASE_URL))
        bar = st.progress(0.0, text="Reading GDELT's file lists…")
        with client(settings) as http:
            plan = plan_update(http, folder, first, dt.datetime.now(dt.UTC).date(), settings)
            total = max(plan.bytes, 1)
            got = [0]

            def progress(n: int) -> None:
                got[0] += n
                bar.progress(min(got[0] / total, 1.0), text=f"{got[0] / 1e6:,.1f} of {plan.bytes / 1e6:,.1f} MB")

            report = run_update(http, folder, plan, settings, progress=progress)
        bar.progress(1.0, text="Done")
        (st.warning if report.failed else st.success)(md_escape(report.line()))
    except (FetchError, ValueError, OSError) as exc:
        st.error(md_escape(f"The update stopped: {exc}"))
    finally:
        guard["ended"] = dt.datetime.now(dt.UTC)
        lock.release()


st.set_page_config(page_title="tension · import GDELT or ICEWS", layout="wide")
st.title("Import GDELT or ICEWS")
st.caption("Machine-coded events of one country pair, scored with the same weights and sliders as the record. "
           "GDELT: 1.0 / 2.0 exports or BigQuery CSV exports, plain or zipped, or the CSV result of "
           "`python -m tension gdelt-sql`. ICEWS: Dataverse event files or the date/source/relation/target form.")

store_section()
kind = st.radio("Feed", ["GDELT", "ICEWS"], horizontal=True, key="feed_kind")
uploads = st.file_uploader(f"{kind} files (up to {MAX_UPLOAD_MB} MB in all)", accept_multiple_files=True,
                           max_upload_size=MAX_UPLOAD_MB,
                           type=["csv", "tsv", "tab", "txt", "zip"], key="feed_files")
left, right = st.columns(2)
dyad = left.text_input("Country pair (ISO3 codes, both directions)", "CHN,USA", key="feed_dyad")
normalisation = right.selectbox("Normalisation of salience", NORMALISATIONS, key="feed_normalisation",
                                format_func=NORMALISATION_HELP.get)
dedupe = st.checkbox("Remove repeated event ids (keeping the first of each; the count is shown)", key="feed_dedupe",
                     help="GDELT files that overlap in time repeat events; an events file needs unique ids.")

if not uploads:
    st.info("Upload one or more files to see what they hold.")
    st.stop()
total = sum(u.size for u in uploads)
if total > MAX_UPLOAD_MB * 1_000_000:
    st.error(f"The files hold {total / 1e6:,.0f} MB, over the {MAX_UPLOAD_MB} MB limit of this page; "
             "use `python -m tension import-gdelt` for larger imports.")
    st.stop()
files = tuple((u.name, u.getvalue()) for u in uploads)

try:
    daily = read_aggregate(files[0][1], normalisation) if kind == "GDELT" and len(files) == 1 else None
except ValueError as exc:  # a gdelt-sql result with unknown types or no mapped events; the text comes from the file
    st.error(md_escape(f"{files[0][0]}: {exc}"))
    st.stop()
if daily is not None:
    st.subheader("A gdelt-sql result: daily table")
    st.write(f"{daily.height:,} days, {int(daily['n_events'].sum()):,} events.")
    index = compute_index(daily)
    st.line_chart(index.select("date", "index"), x="date", y="index")
    st.download_button("Download the daily table (CSV)", export_csv(daily), "daily.csv", "text/csv",
                       key="feed_daily_download")
    st.stop()

try:
    events, summary = run_import(kind, files, dyad, normalisation, dedupe)
except (FeedError, ValueError) as exc:  # the message quotes file names and content: shown literally
    st.error(md_escape(str(exc)))
    st.stop()

cols = st.columns(4)
cols[0].metric("Rows read", f"{summary.rows_read:,}")
cols[1].metric("Dyad rows", f"{summary.dyad_rows:,}")
cols[2].metric("Unmapped codes", f"{sum(summary.unmapped.values()):,}")
cols[3].metric("Malformed lines", f"{len(summary.malformed):,}")
st.text(summary.line())
if summary.malformed:
    with st.expander(f"Malformed lines ({len(summary.malformed):,})"):
        st.dataframe(pl.DataFrame(summary.malformed, schema=["file", "line", "problem"], orient="row"),
                     hide_index=True)
if summary.repaired:
    with st.expander(f"Lines imported with repairs ({len(summary.repaired):,})"):
        st.dataframe(pl.DataFrame(summary.repaired, schema=["file", "line", "repair"], orient="row"),
                     hide_index=True)
if summary.unmapped:
    with st.expander("Unmapped CAMEO codes"):
        st.dataframe(pl.DataFrame(list(summary.unmapped.items()), schema=["code", "rows"], orient="row"),
                     hide_index=True)
if summary.unresolved_actors:
    with st.expander("Actors of unknown country"):
        st.dataframe(pl.DataFrame(list(summary.unresolved_actors.items()), schema=["actor", "rows"], orient="row"),
                     hide_index=True)

if events.height == 0:
    st.warning(f"No {md_escape(dyad)} events in these files: nothing to use.")
    st.stop()
repeated = sum(summary.duplicates.values()) if not dedupe else 0
if repeated:
    st.warning(f"{len(summary.duplicates):,} event ids occur more than once ({repeated:,} rows). An events file "
               "needs unique ids: tick 'Remove repeated event ids' above to keep the first of each, or fix the files.")
st.dataframe(events.select("date", "type", "actor", "target", "summary", "salience").head(500), hide_index=True,
             column_config={"date": st.column_config.DateColumn("date", format="YYYY-MM-DD")})
st.download_button("Download the events (CSV)", export_csv(events), "events.csv", "text/csv",
                   key="feed_events_download", disabled=bool(repeated))
if st.button("Use these events", type="primary", key="feed_use", disabled=bool(repeated)):
    names = ", ".join(name for name, _ in files)
    st.session_state["tension_events"] = events
    st.session_state["tension_events_label"] = f"{kind} import ({normalisation}): {names}"
    st.success(f"The dashboard now uses these {events.height:,} events; open the main page.")
