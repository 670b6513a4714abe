"""tension dashboard: the China–US cooperation–confrontation index with weight sliders, drivers and downloads.

Widgets and layout only; every computation is a call into the ``tension`` library. Run: ``streamlit run app.py``.
"""

from __future__ import annotations

import datetime as dt
from functools import partial
from pathlib import Path

import polars as pl
import streamlit as st

import tension
from tension import charts, with_tone
from tension import dashboard as dash
from tension.sources.store import MANIFEST, default_store, load_store
from tension.taxonomy import TYPES
from tension.tone import scorers

HERE = Path(__file__).parent
DATA = HERE / "data" / "events.csv"
BUNDLED_LABEL = "Bundled China–US record (data/events.csv)"
GROUPS = (("cooperative", "Cooperative"), ("neutral", "Neutral"), ("confrontational", "Confrontational"))
URL = "query-params"
TABS = ("How the index works", "Alerts", "Contributions by type", "Statement tone", "Events", "Compare periods",
        "Tone of a statement", "Settings and downloads")
#: Decimals of floats in the downloads (removes float noise such as −4.199999999999999; sums stay within 1e−8).
DECIMALS = 9
#: Rows of the drivers and change tables shown before "show all".
TOP_ROWS = 20


#: Bytes of derived frames one session may keep for its own working set (its dash.Memo; least recently used go first).
MEMO_BYTES = 64 * 2**20


# Shared caches (st.cache_data, one per process) hold ONLY the bundled record and frames derived from it, keyed by
# the tone scorer and half-life, whose widgets accept only their listed options: at most len(TONE_SCORERS) ×
# len(half_life_options()) small frames, bounded by construction. Anything a visitor uploads or imports is computed
# in that visitor's own st.session_state (see ``memo``) and never served to anyone else.


@st.cache_data(show_spinner=False)
def bundled_events() -> pl.DataFrame:
    """The bundled record, loaded and validated once per process."""
    return tension.load_events(DATA)


@st.cache_data(show_spinner=False, max_entries=len(dash.TONE_SCORERS))
def bundled_toned(scorer: str) -> pl.DataFrame:
    """The bundled record with each statement's tone scored, once per scorer."""
    return with_tone(bundled_events(), scorers.scorer(scorer))


@st.cache_data(show_spinner=False, max_entries=len(dash.TONE_SCORERS))
def bundled_daily(scorer: str) -> pl.DataFrame:
    """The (day, type) aggregate of the bundled record, once per scorer."""
    return tension.aggregate(bundled_toned(scorer))


@st.cache_data(show_spinner=False, max_entries=len(dash.TONE_SCORERS) * len(dash.half_life_options()))
def bundled_decayed(scorer: str, half_life: float) -> pl.DataFrame:
    """The bundled aggregate passed through the memory, once per scorer and half-life."""
    if half_life not in dash.half_life_options():
        raise ValueError(f"half-life {half_life!r} is not one of the dashboard's options")
    return tension.decay_daily(bundled_daily(scorer), half_life)


@st.cache_data(show_spinner="Reading the GDELT store…", max_entries=2)
def store_feature(folder: str, stamp: float) -> pl.DataFrame:
    """The nowcast's machine feature from the server's own GDELT store (filled by update-gdelt from GDELT itself, not
    by visitors), once per state of the store (``stamp``: its manifest's modification time)."""
    return tension.analysis.machine_series(load_store(Path(folder)))


def nowcast_after(index: pl.DataFrame) -> tuple[pl.DataFrame | None, str]:
    """The nowcast after the bundled record's last day from the GDELT store, and a line saying what it is (or why
    there is none)."""
    folder = default_store()
    manifest = folder / MANIFEST
    if not manifest.exists():
        return None, ("No GDELT store on this server yet: fill it with python -m tension update-gdelt --start "
                      "YYYY-MM-DD (a year before the record's end gives the calibration its overlap).")
    try:
        line, cal = tension.analysis.after_record(index, store_feature(str(folder), manifest.stat().st_mtime))
    except ValueError as exc:
        return None, f"No nowcast: {exc}"
    after = index["date"].max()
    if line.height == 0:
        return None, f"No nowcast: the GDELT store has no days after {after}; run update-gdelt."
    return line, (f"Dashed: a nowcast from machine-coded GDELT events after the record's last day ({after}), "
                  f"calibrated on {cal.n_days:,} days of overlap ({cal.fit_start} to {cal.fit_end}; r = {cal.r:.2f}, "
                  f"error {cal.rmse:.2f} index points), with its 90 % band. It is not part of the record; see "
                  "docs/nowcast.md.")


def memo() -> dash.Memo:
    """This session's memo of frames derived from its own working set (never shared with another session)."""
    if "tension_memo" not in st.session_state:
        st.session_state["tension_memo"] = dash.Memo(MEMO_BYTES)
    return st.session_state["tension_memo"]


def digest_of(own: pl.DataFrame) -> str:
    """``dash.frame_digest`` of the session's own working set, computed once per frame (pages replace, never edit,
    the frame in ``tension_events``)."""
    held = st.session_state.get("tension_digest")
    if held is None or held[0] is not own:
        held = (own, dash.frame_digest(own))
        st.session_state["tension_digest"] = held
    return held[1]


def toned(own: pl.DataFrame | None, digest: str, scorer: str) -> pl.DataFrame:
    """The working set with each statement's tone scored: the bundled record when ``own`` is None (shared cache),
    else the session's own events (``digest`` = ``dash.frame_digest(own)``, session memo)."""
    if own is None:
        return bundled_toned(scorer)
    return memo().get((digest, scorer, "toned"), lambda: with_tone(own, scorers.scorer(scorer)))


def daily(own: pl.DataFrame | None, digest: str, scorer: str) -> pl.DataFrame:
    """The (day, type) aggregate of the working set (bundled or the session's own, as in ``toned``)."""
    if own is None:
        return bundled_daily(scorer)
    return memo().get((digest, scorer, "daily"), lambda: tension.aggregate(toned(own, digest, scorer)))


def decayed(own: pl.DataFrame | None, digest: str, scorer: str, half_life: float) -> pl.DataFrame:
    """The aggregate passed through the memory of ``half_life`` days (bundled or the session's own, as in ``toned``)."""
    if own is None:
        return bundled_decayed(scorer, half_life)
    return memo().get((digest, scorer, "decayed", half_life),
                      lambda: tension.decay_daily(daily(own, digest, scorer), half_life))


@st.cache_data(show_spinner=False, max_entries=len(dash.TONE_SCORERS))
def bundled_hover(scorer: str) -> pl.Series:
    """The hover text of each bundled event's marker, once per scorer (in the row order of ``bundled_toned``)."""
    return charts.hover_summaries(bundled_toned(scorer)["summary"])


def hover(own: pl.DataFrame | None, digest: str, scorer: str) -> pl.Series | None:
    """The markers' hover text in the row order of ``toned`` (it does not change with the weights, so a slider move
    does not rebuild it); None beyond MAX_MARKERS events, where markers are grouped and show no summaries."""
    if own is None:
        return bundled_hover(scorer)
    if own.height > charts.MAX_MARKERS:
        return None
    return memo().get((digest, scorer, "hover"),
                      lambda: charts.hover_summaries(toned(own, digest, scorer)["summary"]).to_frame())["hover"]


def upload_limit() -> int:
    """The upload limit in bytes (server.maxUploadSize, in megabytes, from .streamlit/config.toml)."""
    return int(st.get_option("server.maxUploadSize")) * 1024 * 1024


def on_upload() -> None:
    """Validate an uploaded events CSV; make it the working set, or keep every problem for display."""
    upload = st.session_state.get("upload")
    if upload is None:
        return
    try:
        events = tension.load_events(upload.getvalue(), name=upload.name, max_bytes=upload_limit())
    except tension.EventDataError as exc:
        hint = dash.delimiter_hint(upload.getvalue())
        st.session_state["upload_problems"] = (exc.name, dash.problems_frame(exc.problems), exc.total, hint)
        return
    st.session_state.pop("upload_problems", None)
    st.session_state["tension_events"] = events
    st.session_state["tension_events_label"] = f"Uploaded file {upload.name}"
    show_all(events)


def show_all(events: pl.DataFrame, *, own: bool = True) -> None:
    """Set the date range and the drivers day to the whole span of ``events`` (widgets follow explicit values); the
    scale is fitted to the data for a visitor's own events and the calibrated default for the bundled record."""
    lo, hi = events["date"].min(), events["date"].max()
    st.session_state.update(dates=(lo, hi), day=hi, scale_auto=own)
    for key in ("chg_dates", "chg_default", "clicks"):
        st.session_state.pop(key, None)


def use_bundled() -> None:
    """Forget the uploaded or imported working set and go back to the bundled record."""
    for key in ("tension_events", "tension_events_label", "upload_problems", "tension_memo", "tension_digest"):
        st.session_state.pop(key, None)
    show_all(bundled_events(), own=False)


def apply_weights(weights: dict[str, float]) -> None:
    """Move every weight slider to ``weights``."""
    for type_id, value in weights.items():
        st.session_state[f"w_{type_id}"] = float(value)


def apply_preset() -> None:
    """Move the weight sliders to the chosen preset, then clear the choice (sliders may move on from it)."""
    name = st.session_state.get("preset")
    if name is not None:
        apply_weights(tension.presets()[name])
        st.session_state["preset"] = None


def reset(lo: dt.date, hi: dt.date) -> None:
    """All settings back to the library defaults and the full date range."""
    apply_weights(tension.default_weights())
    st.session_state.update(tone_weight=tension.DEFAULT_TONE_WEIGHT, half_life=tension.DEFAULT_HALF_LIFE,
                            tone_scorer=next(iter(dash.TONE_SCORERS)), pulse=False, dates=(lo, hi), day=hi,
                            f_types=[], f_actors=[], f_text="", scale=tension.DEFAULT_SCALE, landmarks=True,
                            scale_auto="tension_events" in st.session_state)
    for key in ("chg_dates", "chg_default", "clicks"):
        st.session_state.pop(key, None)


def pick_day(lo: dt.date, hi: dt.date) -> None:
    """A click on an event marker selects that day for the drivers; two clicks on two days set the change window."""
    day = dash.selected_day(st.session_state["index_chart"]["selection"]["points"], lo, hi)
    if day is None:
        return
    st.session_state["day"] = day
    clicks = [*st.session_state.get("clicks", []), day][-2:]
    st.session_state["clicks"] = clicks
    if len(clicks) == 2 and clicks[0] != clicks[1]:
        st.session_state["chg_dates"] = (min(clicks), max(clicks))


def pin_scenario(weights: dict[str, float], tone_weight: float, half_life: float, scorer: str) -> None:
    """Keep the current settings as scenario A (in the session and the URL)."""
    scale = (st.session_state.get("scale_fitted") if st.session_state.get("scale_auto")
             else st.session_state.get("scale")) or tension.DEFAULT_SCALE
    text = dash.encode_scenario(weights, tone_weight=tone_weight, half_life=half_life, scale=float(scale),
                                scorer=scorer)
    st.session_state["scenario_a"] = text
    st.query_params["scenario_a"] = text


def clear_scenario() -> None:
    """Forget scenario A."""
    st.session_state.pop("scenario_a", None)
    st.query_params.pop("scenario_a", None)


def scenario_from_url() -> dash.Scenario | None:
    """Scenario A from the session or the URL (a bad one is dropped with a notice)."""
    text = st.session_state.get("scenario_a") or st.query_params.get("scenario_a")
    if not text:
        return None
    try:
        scenario = dash.parse_scenario(text)
    except ValueError as exc:
        st.session_state["url_notice"] = f"The link's scenario A was ignored: {exc}."
        clear_scenario()
        return None
    st.session_state["scenario_a"] = text
    return scenario


def on_scale_auto() -> None:
    """Leaving 'fit the scale' starts the number box at the fitted value, so the chart does not jump."""
    if not st.session_state.get("scale_auto") and "scale_fitted" in st.session_state:
        st.session_state["scale"] = st.session_state["scale_fitted"]


def on_settings_upload() -> None:
    """Restore a view from a settings CSV downloaded earlier (every bad cell is listed; nothing half-applied)."""
    upload = st.session_state.get("settings_upload")
    if upload is None:
        return
    try:
        values = dash.parse_settings(upload.getvalue(), upload.name)
    except tension.EventDataError as exc:
        st.session_state["settings_problems"] = (exc.name, dash.problems_frame(exc.problems))
        return
    st.session_state.pop("settings_problems", None)
    dates = values.pop("dates")
    lo, hi = st.session_state.get("tension_span", (None, None))
    start, end = dates[0] or lo, dates[1] or hi
    notice = ""
    if lo and hi and not (lo <= start <= end <= hi):
        start, end = max(min(start, hi), lo), max(min(end, hi), lo)
        notice = " Its dates lay outside this data's span and were moved inside it."
    if "scale" in values:
        values["scale_auto"] = False
    st.session_state.update(values, dates=(start, end), day=end)
    st.session_state["settings_notice"] = f"Settings restored from {upload.name}.{notice}"


def sidebar(events: pl.DataFrame, label: str) -> tuple[dict[str, float], float, str, float, bool, tuple]:
    """Data source, presets and every setting (all bound to the URL); returns the chosen settings."""
    lo, hi = events["date"].min(), events["date"].max()
    bar = st.sidebar
    bar.header("Data")
    bar.caption(f"Active: {dash.md_escape(label)}")
    bar.file_uploader(f"Upload an events CSV (max {upload_limit() // 2**20} MB)", type=["csv"], key="upload",
                      on_change=on_upload, help="Columns: date, type, actor, target, summary, source; optional "
                      "id, statement, salience and any extra columns. See README 'Event files'.")
    bar.download_button("Template events CSV", dash.template_csv(), "tension-events-template.csv", "text/csv",
                        key="dl_template", on_click="ignore", icon=":material/download:",
                        help="Two real events of the founding article in the upload schema, to fill in.")
    bar.button("Use the bundled record", key="use_bundled", on_click=use_bundled,
               disabled="tension_events" not in st.session_state)
    bar.header("View")
    if "dates" in st.session_state and not lo <= st.session_state["dates"][0] <= st.session_state["dates"][1] <= hi:
        st.session_state["dates"] = (lo, hi)  # a working set from elsewhere (pages/) with another span
    if lo < hi:
        dates = bar.slider("Date range", lo, hi, (lo, hi), format="YYYY-MM-DD", key="dates", bind=URL)
        if dates[0] > dates[1]:  # only a hand-made link does this: Streamlit checks a URL value's bounds, not order
            st.session_state["url_notice"] = (f"The link's date range runs backwards ({dates[0]} to {dates[1]}); "
                                              "showing the whole span.")
            st.rerun()  # the check above then resets the slider before it is drawn
        if "url_notice" in st.session_state:
            bar.warning(dash.md_escape(st.session_state.pop("url_notice")))
    else:
        dates = (lo, hi)
        bar.caption(f"Date range: {lo} (the events span one day)")
    half_life = bar.select_slider("Half-life (days)", dash.half_life_options(), tension.DEFAULT_HALF_LIFE,
                                  format_func=dash.format_half_life, key="half_life", bind=URL,
                                  help="How long the index remembers an event: after one half-life it counts "
                                  "half. 'no decay' keeps a running sum.")
    tone_weight = bar.slider("Tone weight", 0.0, max(10.0, 2 * tension.DEFAULT_TONE_WEIGHT),
                             tension.DEFAULT_TONE_WEIGHT, 0.1, key="tone_weight", bind=URL,
                             help="Raw points per unit of statement tone (tone is in −1..+1), added to an "
                             "event's weight × salience.")
    scorer = bar.radio("Tone scorer", list(dash.TONE_SCORERS), format_func=dash.TONE_SCORERS.get, key="tone_scorer",
                       bind=URL, help="How a quoted statement's tone is read: the diplomatic lexicon and rules over "
                       "VADER (explainable word by word), or the model learned from 1,020 labelled official statements "
                       "(reads them better on unseen statements, not meant for other text). See docs/tone.md.")
    pulse = bar.toggle(f"Show the pulse ({tension.PULSE_HALF_LIFE:g}-day memory)", key="pulse", bind=URL)
    bar.toggle("Label the largest events", True, key="landmarks", bind=URL,
               help="Short labels on the largest events in view.")
    if "tension_events" not in st.session_state:
        bar.toggle("GDELT nowcast after the record", key="nowcast", bind=URL,
                   help="A dashed line after the record's last day, from the server's local GDELT store, calibrated "
                   "onto the record where both exist (docs/nowcast.md). Never merged into the record.")
    bar.toggle("Mark alerts (sharp moves)", key="alerts", bind=URL,
               help="Days when relations moved sharply: a two-sided CUSUM on the daily shocks standardised against "
               "their past year (docs/alerts.md). The list is in the 'Alerts' tab.")
    bar.toggle("Weight uncertainty band (5–95 %)", key="band", bind=URL,
               help="The index under 1,000 plausible weight sets: each weight drawn within the span of the presets "
               "around your setting, at least ±30 % (docs/uncertainty.md). Also in the index download.")
    bar.toggle("Fit the scale to the data", key="scale_auto", bind=URL, on_change=on_scale_auto,
               help="On: the 99th percentile of |raw| at the default weights maps to ±7.6 (docs/analysis.md); "
               "the default for uploaded and imported events. Off: the number below (300 is calibrated on the "
               "bundled record).")
    bar.number_input("Scale (raw points that map to ±7.6)", 1.0, 1e6, tension.DEFAULT_SCALE, 10.0, key="scale",
                     bind=URL, disabled=bool(st.session_state.get("scale_auto")), format="%g",
                     help="index = 10 × tanh(raw / scale): a larger scale flattens the index.")
    bar.header("Weights")
    bar.selectbox("Apply a preset", list(tension.presets()), index=None, key="preset", on_change=apply_preset,
                  placeholder="Default, Goldstein/CAMEO, PLOVER, …", help="Moves every weight slider to the preset.")
    bar.button("Reset all settings", key="reset", on_click=reset, args=(lo, hi), type="primary", width="stretch")
    defaults = tension.default_weights()
    weights = {}
    for group, title in GROUPS:
        bar.subheader(title)
        for t in (t for t in TYPES if t.group == group):
            weights[t.id] = round(bar.slider(t.label, -10.0, 10.0, defaults[t.id], 0.1, key=f"w_{t.id}",
                                             help=t.definition, bind=URL), 6)
    bar.header("Compare scenarios")
    pinned = st.session_state.get("scenario_a")
    bar.button("Pin these settings as scenario A" if pinned is None else "Pin the current settings as A instead",
               key="pin_a", on_click=pin_scenario, args=(weights, tone_weight, half_life, scorer), width="stretch",
               help="Keep these settings as scenario A; move the sliders (B) and compare both lines. A is in the URL.")
    if pinned is not None:
        bar.button("Clear scenario A", key="clear_a", on_click=clear_scenario, width="stretch")
    bar.header("Restore a view")
    bar.file_uploader("Settings CSV (from 'Settings and downloads')", type=["csv"], key="settings_upload",
                      on_change=on_settings_upload, max_upload_size=1)
    return weights, tone_weight, scorer, half_life, pulse, dates


def headline(h: dash.Headline) -> None:
    """The metrics row: latest index in range, its level, the 30-day change (linked to 'What moved it') and the
    events in range."""
    cols = st.columns([1, 1.5, 1, 1])
    cols[0].metric(f"Index on {h.date}", dash.signed(h.index), border=True,
                   help="Bounded −10 (confrontation) … +10 (friendly); see 'How the index works'.")
    cols[1].metric("Level", h.level, border=True, help=dash.levels_help())
    cols[2].metric("Change over 30 days", "n/a" if h.change_30d is None else dash.signed(h.change_30d), border=True,
                   help="Index on this day minus the index 30 days earlier; 'What moved it' below explains it.")
    cols[2].markdown("[What moved it? ↓](#what-moved-it)")
    cols[3].metric("Events in range", f"{h.n_events:,}", border=True)


def extremes(h: dash.Headline) -> None:
    """The most confrontational and the most cooperative event in range, with their summaries."""
    cols = st.columns(2)
    for col, title, event in ((cols[0], "Most confrontational event in range", h.most_confrontational),
                              (cols[1], "Most cooperative event in range", h.most_cooperative)):
        col.metric(title, f"{event['value']:+.1f} · {event['type']}" if event else "none", border=True)
        if event:
            col.caption(dash.md_escape(f"{event['date']}: {event['summary']}"))


#: Columns of the drivers and change tables: contribution first, then date, type and the summary (wrapped).
RANKED = {
    "contribution": st.column_config.NumberColumn("contribution", format="%+.2f", width=90,
                                                  help="raw points on the end day (value × memory)"),
    "date": st.column_config.DateColumn("date", format="YYYY-MM-DD", width="small"),
    "type": st.column_config.TextColumn("type", width="small"),
    "summary": st.column_config.TextColumn("summary", width="large"),
    "value": st.column_config.NumberColumn("value", format="%+.2f", width="small",
                                           help="weight × salience + tone weight × tone, on its day"),
    "age_days": st.column_config.NumberColumn("age (days)", format="%d", width="small"),
}


def ranked_table(rows: pl.DataFrame, key: str) -> None:
    """Events ranked by contribution, readable at 1366 px: contribution first, then date, type and the summary
    wrapped (a static table); 'show all' lists can be long, so they go in a scrollable grid instead."""
    if rows.height <= TOP_ROWS + 1:
        st.table(dash.ranked_rows(rows), hide_index=True)
        return
    cols = [c for c in RANKED if c in rows.columns]
    st.dataframe(rows.select(cols), hide_index=True, key=key, column_config=RANKED, height=420)


@st.fragment
def change_section(index: pl.DataFrame, scored: pl.DataFrame, half_life: float, lo: dt.date, hi: dt.date,
                   end: dt.date) -> None:
    """What moved the index between two days: Δindex, Δraw split exactly by type, and the events that moved it."""
    st.subheader("What moved it", anchor="what-moved-it")
    default = (max(lo, end - dt.timedelta(days=30)), end)
    held, followed = st.session_state.get("chg_dates"), st.session_state.get("chg_default")
    valid = isinstance(held, tuple) and len(held) == 2 and lo <= held[0] <= held[1] <= hi
    if not valid or held == followed:  # nothing chosen yet (or a half-picked range): follow the headline
        st.session_state["chg_dates"] = default
    st.session_state["chg_default"] = default
    cols = st.columns([2, 1, 3])
    chosen = cols[0].date_input("Between", min_value=lo, max_value=hi, format="YYYY-MM-DD", key="chg_dates")
    pick = chosen if isinstance(chosen, tuple) and len(chosen) == 2 else default
    cols[1].button("Last 30 days", key="chg_reset", disabled=pick == default, on_click=st.session_state.update,
                   kwargs={"chg_dates": default})
    cols[2].caption("Or click two event markers on the chart. The index's change is split exactly: new events at "
                    "their value on the end day, and one line for the fading of the earlier stock ('memory').")
    start, stop = pick
    c = tension.change(index, scored, start, stop, half_life=half_life)
    m = st.columns(4)
    m[0].metric(f"Index {start} → {stop}", dash.signed(c.d_index), help=f"{c.index_start:+.2f} → {c.index_end:+.2f}")
    m[1].metric("Raw change", dash.signed(c.d_raw, 1), help=f"{c.raw_start:+.1f} → {c.raw_end:+.1f} raw points")
    new = c.events.filter(pl.col("type") != "memory")
    m[2].metric("New events in the window", f"{new.height:,}", help=f"their part: {new['contribution'].sum():+.1f}")
    fading = c.events.filter(pl.col("type") == "memory")["contribution"].sum()
    m[3].metric("Fading of the earlier stock", dash.signed(fading, 1), help="raw_start × (memory over the window − 1)")
    left, right = st.columns([1, 2])
    with left:
        st.caption("Raw change by type (sums to the raw change)")
        st.dataframe(c.by_type.select("label", "d_raw"), hide_index=True, key="chg_by_type", column_config={
            "label": st.column_config.TextColumn("type"),
            "d_raw": st.column_config.NumberColumn("raw change", format="%+.2f")})
    with right:
        every = st.toggle("Show all", key="chg_all", help="Every event of the window, not only the largest.")
        ranked_table(c.events if every else c.top(TOP_ROWS), "chg_events")


@st.fragment
def drivers_section(index: pl.DataFrame, scored: pl.DataFrame, half_life: float, lo: dt.date, hi: dt.date,
                    memory: pl.DataFrame, weights: dict[str, float], tone_weight: float, scale: float) -> None:
    """The events behind one day's value, largest contributions first, and the check that they add up."""
    st.subheader("Drivers of one day")
    if "day" in st.session_state and not lo <= st.session_state["day"] <= hi:
        st.session_state["day"] = hi
    cols = st.columns([1, 1, 1, 1, 1])
    day = cols[0].date_input("Day (or click an event marker)", hi, min_value=lo, max_value=hi, key="day",
                             bind=URL, format="YYYY-MM-DD")
    why = tension.drivers(scored, day, half_life=half_life).filter(pl.col("contribution") != 0)
    row = index.filter(pl.col("date") == day).row(0, named=True)
    cols[1].metric(f"Index ({row['level']})", dash.signed(row["index"]))
    cols[2].metric("Raw value", dash.signed(row["raw"], 1))
    cols[3].metric("Sum of contributions", dash.signed(why["contribution"].sum(), 1))
    cols[4].metric("Events contributing", f"{why.height:,}",
                   help="Events on or before the day with a non-zero contribution (value × memory); events worth "
                   "exactly 0 (e.g. a neutral statement) add nothing and are not listed.")
    if why.height:
        every = st.toggle("Show all", key="drivers_all", help="Every contributing event, not only the largest.")
        rows = why if every else why.head(TOP_ROWS)
        if not every and why.height > TOP_ROWS:
            rest = why["contribution"].slice(TOP_ROWS).sum()
            st.caption(f"The {TOP_ROWS} largest of {why.height:,}; the other {why.height - TOP_ROWS:,} add "
                       f"{rest:+.2f}.")
        ranked_table(rows, "drivers_table")
    with st.expander(f"How much the index on {day} moves per unit of each weight"):
        sens = tension.sensitivity(memory, day, weights, tone_weight=tone_weight, scale=scale)
        st.caption("Exact, from the linear structure: raw moves by the decayed salience of that type (or the decayed "
                   "tone for the tone weight) per unit of weight; the index by that times the slope of tanh there.")
        st.dataframe(sens.filter(pl.col("d_raw_per_unit") != 0).select("label", "d_index_per_unit", "d_raw_per_unit"),
                     hide_index=True, key="sensitivity", column_config={
                         "label": st.column_config.TextColumn("weight"),
                         "d_index_per_unit": st.column_config.NumberColumn("index per unit", format="%+.4f"),
                         "d_raw_per_unit": st.column_config.NumberColumn("raw per unit", format="%+.3f")})


@st.fragment
def events_section(scored: pl.DataFrame, start: dt.date, end: dt.date) -> None:
    """The events in range with type, actor and text filters; sources as links."""
    cols = st.columns([2, 2, 2])
    types = cols[0].multiselect("Types", tension.type_ids(), key="f_types", bind=URL)
    actors = cols[1].multiselect("Actors", dash.actor_choices(scored), key="f_actors", bind=URL)
    text = cols[2].text_input("Search summaries, statements, sources", key="f_text", bind=URL)
    shown = dash.events_table(dash.filter_events(scored, types=types, actors=actors, text=text, start=start,
                                                 end=end))
    st.caption(f"{shown.height:,} events")
    st.dataframe(shown, hide_index=True, column_config={
        "date": st.column_config.DateColumn(format="YYYY-MM-DD"),
        "summary": st.column_config.TextColumn(width="large"), "url": st.column_config.LinkColumn("link"),
        "value": st.column_config.NumberColumn(format="%+.2f", help="weight × salience + tone weight × tone"),
        "tone": st.column_config.NumberColumn(format="%+.2f")})


@st.fragment
def periods_section(index: pl.DataFrame, scored: pl.DataFrame, half_life: float, lo: dt.date, hi: dt.date) -> None:
    """Two periods side by side: mean index and level, events by type, and the top drivers of each."""
    defaults = dash.default_periods(lo, hi)
    cols = st.columns(2)
    picked = []
    for col, name, default in zip(cols, ("A", "B"), defaults):
        value = col.date_input(f"Period {name}", default, min_value=lo, max_value=hi, format="YYYY-MM-DD",
                               key=f"period_{name.lower()}")
        picked.append(value if isinstance(value, tuple) and len(value) == 2 else default)
    c = tension.compare_periods(index, scored, picked[0], picked[1], half_life=half_life)
    for col, name, period in zip(cols, ("A", "B"), (c.a, c.b)):
        m = col.columns(3)
        m[0].metric(f"Mean index, {name}", dash.signed(period.mean_index), border=True)
        m[1].metric("Level", period.level, border=True)
        m[2].metric("Events", f"{period.n_events:,}", border=True)
    st.caption(f"B − A: {dash.signed(c.d_mean_index)} index points on average.")
    st.dataframe(c.by_type.drop("type"), hide_index=True, key="periods_by_type", column_config={
        "label": st.column_config.TextColumn("type"),
        "count_a": st.column_config.NumberColumn("events, A", format="%d"),
        "count_b": st.column_config.NumberColumn("events, B", format="%d"),
        "value_a": st.column_config.NumberColumn("sum of values, A", format="%+.1f"),
        "value_b": st.column_config.NumberColumn("sum of values, B", format="%+.1f"),
        "contribution_a": st.column_config.NumberColumn("share of mean raw, A", format="%+.2f"),
        "contribution_b": st.column_config.NumberColumn("share of mean raw, B", format="%+.2f")})
    cols = st.columns(2)
    for col, name, period in zip(cols, ("A", "B"), (c.a, c.b)):
        with col:
            st.caption(f"Top drivers of {name}'s mean raw value ({period.start} to {period.end})")
            ranked_table(period.drivers, f"periods_drivers_{name.lower()}")


def scenario_section(index_a: pl.DataFrame, index_b: pl.DataFrame, start: dt.date, end: dt.date) -> None:
    """Scenario A (pinned) against B (the sliders): both headlines and their difference over the range."""
    st.subheader("Scenario A (pinned) and B (your sliders)")
    diff = tension.scenario_difference(dash.in_range(index_a, start, end), dash.in_range(index_b, start, end))
    last = diff.row(-1, named=True)
    cols = st.columns(3)
    cols[0].metric(f"A on {last['date']}", dash.signed(last["index_a"]), border=True)
    cols[1].metric(f"B on {last['date']}", dash.signed(last["index_b"]), border=True)
    cols[2].metric("B − A", dash.signed(last["diff"]), border=True,
                   help=f"Largest gap in range: {dash.signed(diff['diff'].abs().max())}")
    st.line_chart(diff.select("date", pl.col("diff").alias("B − A")), x="date", y="B − A", height=160)


def alerts_section(found: pl.DataFrame) -> None:
    """The alert days in range, newest first, with their direction, size and the events that drove them."""
    years = "" if found.height == 0 else " · per year: " + ", ".join(
        f"{row['year']}: {row['total']}" for row in tension.analysis.alerts_per_year(found).iter_rows(named=True))
    st.caption(f"{found.height:,} alerts in range{years}. A two-sided CUSUM on the daily shocks standardised against "
               "their past year; pure noise gives about 5 a year, so an alert is a prompt to look (docs/alerts.md).")
    if found.height:
        shown = found.sort("date", descending=True).select(
            pl.col("date").dt.to_string("%Y-%m-%d"), pl.col("start").dt.to_string("%Y-%m-%d").alias("run from"),
            "direction", pl.col("size").round(1), pl.col("d_index_7d").round(2).alias("index change, 7 days"),
            "events")
        st.dataframe(shown, hide_index=True, key="alerts_table", row_height=60, column_config={
            "run from": st.column_config.TextColumn(help="first day of the run of surprising days that crossed the "
                                                         "threshold on the alert day"),
            "events": st.column_config.TextColumn("what drove it", width="large",
                                                  help="the largest events of the run, in the alert's direction")})


def upload_problems() -> None:
    """Every problem of a rejected upload with its line, column and value (and a hint about the delimiter)."""
    name, problems, total, hint = st.session_state["upload_problems"]
    listed = "" if total == problems.height else f" (the first {problems.height} are listed)"
    st.error(f"{dash.md_escape(name)} was not loaded: {total} problem(s){listed}. Nothing was dropped; fix the "
             "file and upload it again. The working set is unchanged.")
    if hint:
        st.warning(hint)
    st.dataframe(problems, hide_index=True, key="problems")


@st.fragment
def tone_box() -> None:
    """Paste a statement and see its tone by each scorer and the words behind it."""
    text = st.text_area("Paste an official statement", key="tone_text", height=120)
    if text and text.strip():
        for col, (name, title) in zip(st.columns(len(dash.TONE_SCORERS)), dash.TONE_SCORERS.items()):
            value, terms = dash.explain_tone(text, name)
            col.metric(f"Tone: {title}", f"{value:+.3f}", help="−1 hostile … +1 warm; ±0.05 and inside is neutral")
            col.dataframe(dash.readable_terms(terms), hide_index=True, key=f"tone_terms_{name}")
        st.caption("Diplomatic rules: each term's valence on VADER's −4..+4 scale after the rules. Learned model: "
                   "each term's pull towards warm (+) or hostile (−), in log-odds; terms made only of common words "
                   "are summed in one row.")


def downloads(view: pl.DataFrame, scored: pl.DataFrame, values: dict[str, object]) -> None:
    """CSV downloads of the daily index and the scored events, with the settings that produced them."""
    cols = st.columns(3)
    cols[0].download_button("Daily index with contributions (CSV)", lambda: tension.export_csv(view, decimals=DECIMALS),
                            dash.file_name("index", values), "text/csv", key="dl_index", on_click="ignore")
    cols[1].download_button("Scored events (CSV)", lambda: tension.export_csv(scored, decimals=DECIMALS),
                            dash.file_name("events", values), "text/csv", key="dl_events", on_click="ignore")
    cols[2].download_button("Settings (CSV)",
                            lambda: tension.export_csv(dash.settings_frame(values), decimals=DECIMALS),
                            dash.file_name("settings", values), "text/csv", key="dl_settings", on_click="ignore")
    st.caption("The three files share the settings key in their names, so data and settings stay paired. Upload a "
               "settings file under 'Restore a view' in the sidebar to get this view back.")


def fitted_scale(decayed_daily: pl.DataFrame) -> float:
    """The data-driven scale of the working set at the default weights and the chosen half-life."""
    raw = tension.weigh(decayed_daily, None)["raw"]
    return tension.data_scale(raw)


def index_page() -> None:
    """The main page: headline, index chart, what moved it, drivers and the tabs."""
    own = st.session_state.get("tension_events")  # an upload or an import of this session, or None
    label = st.session_state.get("tension_events_label", "Imported events") if own is not None else BUNDLED_LABEL
    events = bundled_events() if own is None else own
    digest = "bundled" if own is None else digest_of(own)
    if st.session_state.get("tension_view_key", digest) != digest:
        show_all(events, own=own is not None)  # a new working set (upload or another page): show all of it
    st.session_state["tension_view_key"] = digest
    lo, hi = events["date"].min(), events["date"].max()
    st.session_state["tension_span"] = (lo, hi)
    scenario = scenario_from_url()  # before the sidebar, which offers to clear it
    weights, tone_weight, scorer, half_life, pulse, (start, end) = sidebar(events, label)
    events = toned(own, digest, scorer)
    memory = decayed(own, digest, scorer, half_life)
    if st.session_state.get("scale_auto"):
        scale = st.session_state["scale_fitted"] = fitted_scale(memory)
        st.sidebar.caption(f"Fitted scale: {scale:g}")
    else:
        scale = float(st.session_state.get("scale") or tension.DEFAULT_SCALE)
    index = tension.weigh(memory, weights, tone_weight=tone_weight, scale=scale)
    scored = tension.score_events(events, weights, tone_weight=tone_weight)
    view = dash.in_range(index, start, end)
    st.title("tension · China–US relations index")
    st.info(f"**Data source:** {dash.md_escape(label)} · {events.height:,} events, {lo} to {hi} · "
            f"{dash.freshness(hi, dt.date.today())}")
    for key, show in (("settings_notice", st.success), ("url_notice", st.warning)):
        if key in st.session_state:
            show(dash.md_escape(st.session_state.pop(key)))
    if "settings_problems" in st.session_state:
        name, problems = st.session_state.pop("settings_problems")
        st.error(f"{dash.md_escape(name)} was not applied: nothing changed. Its problems:")
        st.dataframe(problems, hide_index=True, key="settings_problems_table")
    if "upload_problems" in st.session_state:
        upload_problems()
    h = dash.headline(index, scored, start, end)
    headline(h)
    pulse_line = None
    if pulse:
        short = tension.weigh(decayed(own, digest, scorer, tension.PULSE_HALF_LIFE), weights, tone_weight=tone_weight,
                              scale=scale)
        pulse_line = dash.in_range(short, start, end)
    band = None
    if st.session_state.get("band"):
        ranges = tension.plausible_ranges(weights, tone_weight)
        band = tension.weight_band(dash.in_range(memory, start, end), ranges, scale=scale)
    ahead, ahead_note = None, ""
    if own is None and st.session_state.get("nowcast") and end == hi:
        ahead, ahead_note = nowcast_after(index)
    index_a = None
    if scenario is not None:
        index_a = tension.weigh(decayed(own, digest, scenario.scorer, scenario.half_life), scenario.weights,
                                tone_weight=scenario.tone_weight, scale=scenario.scale)
    found = None
    if st.session_state.get("alerts") or st.session_state.get("tab") == "Alerts":
        found = tension.alerts(index, scored=scored, half_life=half_life, tone_weight=tone_weight, scale=scale)
    marks = None if found is None or not st.session_state.get("alerts") else dash.in_range(found, start, end)
    hover_text = hover(own, digest, scorer)
    marked = scored if hover_text is None else scored.with_columns(hover_text)
    fig = charts.index_figure(view, dash.in_range(marked, start, end), pulse_line,
                              title="China–US relations index, daily", day=st.session_state.get("day"),
                              landmarks=6 if st.session_state.get("landmarks", True) else 0, band=band,
                              compare=None if index_a is None else dash.in_range(index_a, start, end),
                              compare_name="scenario A", alerts=marks, nowcast=ahead)
    st.plotly_chart(fig, key="index_chart", on_select=partial(pick_day, start, end), selection_mode="points",
                    config=charts.chart_config("tension-index"))
    st.caption(f"Half-life {dash.format_half_life(half_life)}, scale {scale:g}, tone weight {tone_weight:g}. "
               "Click an event marker to see the drivers of its day; click two to see what moved the index "
               "between them." + (" The grey band: 5–95 % of the index over 1,000 plausible weight sets."
                                  if band is not None else ""))
    if ahead_note:
        (st.caption if ahead is not None else st.info)(dash.md_escape(ahead_note))
    if ahead is not None:
        last = ahead.row(-1, named=True)
        st.metric(f"Nowcast on {last['date']} (GDELT, machine-coded)", dash.signed(last["index"]), border=True,
                  help=f"90 % band {last['index_low']:+.2f} to {last['index_high']:+.2f}. A nowcast, not the record.")
    extremes(h)
    if index_a is not None:
        scenario_section(index_a, index, start, end)
    change_section(index, scored, half_life, lo, hi, h.date)
    drivers_section(index, scored, half_life, start, end, memory, weights, tone_weight, scale)
    # Only the open tab is built (its name is in the URL as ?tab=...); the first is light on purpose.
    (method_tab, alerts_tab, charts_tab, tone_tab, events_tab, periods_tab, box_tab,
     downloads_tab) = st.tabs(TABS, key="tab", bind=URL)
    if method_tab.open:
        method_tab.markdown(dash.method_markdown())
    if alerts_tab.open and found is not None:
        with alerts_tab:
            alerts_section(dash.in_range(found, start, end))
    if charts_tab.open:
        charts_tab.plotly_chart(charts.contributions_figure(view, weights), key="contrib_chart",
                                config=charts.chart_config("tension-contributions"))
    if tone_tab.open:
        tone_tab.plotly_chart(charts.tone_figure(view), key="tone_chart", config=charts.chart_config("tension-tone"))
    if events_tab.open:
        with events_tab:
            events_section(scored, start, end)
    if periods_tab.open:
        with periods_tab:
            periods_section(index, scored, half_life, lo, hi)
    if box_tab.open:
        with box_tab:
            tone_box()
    if downloads_tab.open:
        values = dash.settings(weights, tone_weight=tone_weight, half_life=half_life, scale=scale,
                               start=start, end=end, source=label, tone_scorer=scorer)
        with downloads_tab:
            downloads(view if band is None else view.join(band, on="date", how="left"),
                      dash.in_range(scored, start, end), values)


def main() -> None:
    """The pages, named in the page menu; the index is the default page."""
    st.set_page_config(page_title="tension · China–US relations index", layout="wide")
    pages = [st.Page(index_page, title="China–US index", icon=":material/monitoring:", default=True),
             st.Page(HERE / "pages" / "1_Import_article_or_timeline.py", title="Import an article or timeline",
                     icon=":material/article:"),
             st.Page(HERE / "pages" / "2_Import_GDELT_or_ICEWS.py", title="Import GDELT or ICEWS",
                     icon=":material/dataset:")]
    st.navigation(pages).run()


main()
