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
from tension.taxonomy import TYPES
from tension.tone import scorers

DATA = Path(__file__).parent / "data" / "events.csv"
BUNDLED_LABEL = "Bundled China–US record (data/events.csv)"
GROUPS = (("cooperative", "Cooperative"), ("neutral", "Neutral"), ("confrontational", "Confrontational"))
URL = "query-params"
TABS = ("Contributions by type", "Statement tone", "Events", "Tone of a statement", "Downloads")


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
        st.session_state["upload_problems"] = (exc.name, dash.problems_frame(exc.problems), exc.total)
        return
    st.session_state.pop("upload_problems", None)
    st.session_state["tension_events"] = events
    st.session_state["tension_events_label"] = f"Uploaded file {upload.name}"
    show_all(events)


def show_all(events: pl.DataFrame) -> None:
    """Set the date range and the drivers day to the whole span of ``events`` (widgets follow explicit values)."""
    lo, hi = events["date"].min(), events["date"].max()
    st.session_state.update(dates=(lo, hi), day=hi)


def use_bundled() -> None:
    """Forget the uploaded or imported working set and go back to the bundled record."""
    for key in ("tension_events", "tension_events_label", "upload_problems", "tension_memo", "tension_digest"):
        st.session_state.pop(key, None)
    show_all(bundled_events())


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
                            f_types=[], f_actors=[], f_text="")


def pick_day(lo: dt.date, hi: dt.date) -> None:
    """A click on the index chart selects that day for the drivers view."""
    day = dash.selected_day(st.session_state["index_chart"]["selection"]["points"], lo, hi)
    if day is not None:
        st.session_state["day"] = day


def sidebar(events: pl.DataFrame, label: str) -> tuple[dict[str, float], float, str, float, bool, tuple]:
    """Data source, presets and every setting (all bound to the URL); returns the chosen settings."""
    lo, hi = events["date"].min(), events["date"].max()
    bar = st.sidebar
    bar.header("Data")
    bar.caption(f"Active: {dash.md_escape(label)}")
    bar.file_uploader(f"Upload an events CSV (max {upload_limit() // 2**20} MB)", type=["csv"], key="upload",
                      on_change=on_upload, help="Columns: date, type, actor, target, summary, source; optional "
                      "id, statement, salience and any extra columns. See README 'Event files'.")
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
            bar.warning(st.session_state.pop("url_notice"))
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
    bar.header("Weights")
    bar.selectbox("Apply a preset", list(tension.presets()), index=None, key="preset", on_change=apply_preset,
                  placeholder="Default, Goldstein/CAMEO, PLOVER, …", help="Moves every weight slider to the preset.")
    bar.button("Reset all settings", key="reset", on_click=reset, args=(lo, hi), type="primary", width="stretch")
    defaults = tension.default_weights()
    weights = {}
    for group, title in GROUPS:
        bar.subheader(title)
        for t in (t for t in TYPES if t.group == group):
            weights[t.id] = bar.slider(t.label, -10.0, 10.0, defaults[t.id], 0.1, key=f"w_{t.id}",
                                       help=t.definition, bind=URL)
    return weights, tone_weight, scorer, half_life, pulse, dates


def headline(h: dash.Headline) -> None:
    """The metrics row: latest index in range, its level, the 30-day change and the events in range."""
    cols = st.columns([1, 1.5, 1, 1])
    cols[0].metric(f"Index on {h.date}", f"{h.index:+.2f}", border=True,
                   help="Bounded −10 (confrontation) … +10 (friendly); see 'How the index works'.")
    cols[1].metric("Level", h.level, border=True, help=dash.levels_help())
    cols[2].metric("Change over 30 days", "n/a" if h.change_30d is None else f"{round(h.change_30d, 2) + 0.0:+.2f}",
                   border=True, help="Index on this day minus the index 30 days earlier.")
    cols[3].metric("Events in range", f"{h.n_events:,}", border=True)


def extremes(h: dash.Headline) -> None:
    """The most confrontational and the most cooperative event in range, with their summaries."""
    cols = st.columns(2)
    for col, title, event in ((cols[0], "Most confrontational event in range", h.most_confrontational),
                              (cols[1], "Most cooperative event in range", h.most_cooperative)):
        col.metric(title, f"{event['value']:+.1f} · {event['type']}" if event else "none", border=True)
        if event:
            col.caption(dash.md_escape(f"{event['date']}: {event['summary']}"))


def drivers_section(index: pl.DataFrame, scored: pl.DataFrame, half_life: float, lo: dt.date, hi: dt.date) -> None:
    """The events behind one day's value, with their decayed contributions and the check that they add up."""
    st.subheader("Why is the index where it is? Drivers of one day")
    if "day" in st.session_state and not lo <= st.session_state["day"] <= hi:
        st.session_state["day"] = hi
    day = st.date_input("Day (or click an event marker on the chart)", hi, min_value=lo, max_value=hi, key="day",
                        bind=URL)
    why = tension.drivers(scored, day, half_life=half_life).filter(pl.col("contribution") != 0)
    row = index.filter(pl.col("date") == day).row(0, named=True)
    cols = st.columns(4)
    cols[0].metric(f"Index ({row['level']})", f"{row['index']:+.2f}")
    cols[1].metric("Raw value", f"{row['raw']:+.3f}")
    cols[2].metric("Sum of contributions", f"{why['contribution'].sum():+.3f}")
    cols[3].metric("Events contributing", f"{why.height:,}",
                   help="Events on or before the day with a non-zero contribution (value × memory); events worth "
                   "exactly 0 (e.g. a neutral statement) add nothing and are not listed.")
    if why.height:
        left, right = st.columns([3, 2])
        left.dataframe(why.select("date", "type", "summary", "value", "age_days", "memory", "contribution"),
                       hide_index=True, height=min(360, 38 + 35 * why.height), column_config={
                           "date": st.column_config.DateColumn(format="YYYY-MM-DD"),
                           "summary": st.column_config.TextColumn(width="large"),
                           **{c: st.column_config.NumberColumn(format="%+.3f") for c in ("value", "contribution")}})
        right.plotly_chart(charts.drivers_figure(why, title=f"Largest contributions on {day}",
                                                 height=150 + 20 * min(why.height, 12)), key="drivers")


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


def upload_problems() -> None:
    """Every problem of a rejected upload with its line, column and value."""
    name, problems, total = st.session_state["upload_problems"]
    listed = "" if total == problems.height else f" (the first {problems.height} are listed)"
    st.error(f"{dash.md_escape(name)} was not loaded: {total} problem(s){listed}. Nothing was dropped; fix the "
             "file and upload it again. The working set is unchanged.")
    st.dataframe(problems, hide_index=True, key="problems")


def tone_box() -> None:
    """Paste a statement and see its tone by each scorer and the words behind it."""
    text = st.text_area("Paste an official statement", key="tone_text", height=120)
    if text and text.strip():
        for col, (name, title) in zip(st.columns(len(dash.TONE_SCORERS)), dash.TONE_SCORERS.items()):
            value, terms = dash.explain_tone(text, name)
            col.metric(f"Tone: {title}", f"{value:+.3f}", help="−1 hostile … +1 warm; ±0.05 and inside is neutral")
            col.dataframe(terms, hide_index=True, key=f"tone_terms_{name}")


def downloads(view: pl.DataFrame, scored: pl.DataFrame, values: dict[str, object]) -> None:
    """CSV downloads of the daily index and the scored events, with the settings that produced them."""
    cols = st.columns(3)
    cols[0].download_button("Daily index with contributions (CSV)", lambda: tension.export_csv(view),
                            dash.file_name("index", values), "text/csv", key="dl_index", on_click="ignore")
    cols[1].download_button("Scored events (CSV)", lambda: tension.export_csv(scored),
                            dash.file_name("events", values), "text/csv", key="dl_events", on_click="ignore")
    cols[2].download_button("Settings (CSV)", lambda: tension.export_csv(dash.settings_frame(values)),
                            dash.file_name("settings", values), "text/csv", key="dl_settings", on_click="ignore")
    st.caption("The three files share the settings key in their names, so data and settings stay paired.")


def main() -> None:
    """Lay out the page."""
    st.set_page_config(page_title="tension · China–US relations index", layout="wide")
    own = st.session_state.get("tension_events")  # an upload or an import of this session, or None
    label = st.session_state.get("tension_events_label", "Imported events") if own is not None else BUNDLED_LABEL
    events = bundled_events() if own is None else own
    digest = "bundled" if own is None else digest_of(own)
    if st.session_state.get("tension_view_key", digest) != digest:
        show_all(events)  # a new working set (upload or another page): show all of it
    st.session_state["tension_view_key"] = digest
    weights, tone_weight, scorer, half_life, pulse, (start, end) = sidebar(events, label)
    events = toned(own, digest, scorer)
    index = tension.weigh(decayed(own, digest, scorer, half_life), weights, tone_weight=tone_weight)
    scored = tension.score_events(events, weights, tone_weight=tone_weight)
    view = dash.in_range(index, start, end)
    st.title("tension · China–US relations index")
    st.info(f"**Data source:** {dash.md_escape(label)} · {events.height:,} events, {events['date'].min()} to "
            f"{events['date'].max()}")
    st.expander("How the index works").markdown(dash.method_markdown())
    if "upload_problems" in st.session_state:
        upload_problems()
    h = dash.headline(index, scored, start, end)
    headline(h)
    pulse_line = None
    if pulse:
        short = tension.weigh(decayed(own, digest, scorer, tension.PULSE_HALF_LIFE), weights, tone_weight=tone_weight)
        pulse_line = dash.in_range(short, start, end)
    fig = charts.index_figure(view, dash.in_range(scored, start, end), pulse_line,
                              title=f"China–US relations index, daily (half-life {dash.format_half_life(half_life)})")
    st.plotly_chart(fig, key="index_chart", on_select=partial(pick_day, start, end), selection_mode="points",
                    config={"displaylogo": False})
    extremes(h)
    drivers_section(index, scored, half_life, start, end)
    # Only the open tab is built (its name is in the URL as ?tab=...).
    charts_tab, tone_tab, events_tab, box_tab, downloads_tab = st.tabs(TABS, key="tab", bind=URL)
    if charts_tab.open:
        charts_tab.plotly_chart(charts.contributions_figure(view, weights), key="contrib_chart")
    if tone_tab.open:
        tone_tab.plotly_chart(charts.tone_figure(view), key="tone_chart")
    if events_tab.open:
        with events_tab:
            events_section(scored, start, end)
    if box_tab.open:
        with box_tab:
            tone_box()
    if downloads_tab.open:
        values = dash.settings(weights, tone_weight=tone_weight, half_life=half_life, scale=tension.DEFAULT_SCALE,
                               start=start, end=end, source=label, tone_scorer=scorer)
        with downloads_tab:
            downloads(view, dash.in_range(scored, start, end), values)


main()
