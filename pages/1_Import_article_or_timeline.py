"""Import an article or a timeline: code it into candidate events, review them, add them and see the index move."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import streamlit as st

import tension
from tension.dashboard import md_escape, problems_frame
from tension.events import EventDataError
from tension.sources.article import events_from_text
from tension.sources.review import index_change, review_candidates, touched_dates
from tension.sources.timeline import accepted_from_review, add_to_working, events_from_timeline

BUNDLED = Path(__file__).resolve().parent.parent / "data" / "events.csv"
EDITABLE = ("accept", "date", "type", "actor", "target", "summary", "statement", "salience")


@st.cache_data
def bundled_events() -> pl.DataFrame:
    """The bundled China–US record (the only frame this page shares between sessions: imports stay in the
    visitor's own st.session_state)."""
    return tension.load_events(BUNDLED)


def working_events() -> tuple[pl.DataFrame, str]:
    """The session's working event set and its label (the bundled record if none yet)."""
    events = st.session_state.get("tension_events")
    if events is None:
        return bundled_events(), "bundled record (data/events.csv)"
    return events, st.session_state.get("tension_events_label", "working event set")


def show_change(before: pl.DataFrame, after: pl.DataFrame, accepted: pl.DataFrame) -> None:
    """The index before and after the import on the days the added events touch (the largest change as metrics,
    every touched day in a table), not on the record's last day where an old event's effect has decayed."""
    change = index_change(before, after, touched_dates(accepted))
    if change.height == 0:
        return
    top = change.sort(pl.col("change").abs(), descending=True, nulls_last=True).row(0, named=True)
    left, right = st.columns(2)
    day = str(top["date"])
    if top["before"] is None:
        left.metric(f"Index before ({day})", "—", help="the working set had no index on this day")
    else:
        left.metric(f"Index before ({day})", f"{top['before']:+.2f}", help=top["level_before"])
    right.metric(f"Index after ({day})", f"{top['after']:+.2f}",
                 delta=None if top["change"] is None else f"{top['change']:+.2f}", help=top["level_after"])
    if change.height > 1:
        st.caption("Index before and after on every day the added events touch:")
        st.dataframe(change, hide_index=True, key="text_change")


def problems(message: str, exc: EventDataError) -> None:
    """An error line (``message``: fixed text, no user text) and every problem as a table, never as markdown."""
    listed = "" if exc.total == len(exc.problems) else f" The first {len(exc.problems)} are listed."
    st.error(message + listed)
    st.dataframe(problems_frame(exc.problems), hide_index=True, key="text_problems")


def as_polars(edited: object) -> pl.DataFrame:
    """The data editor's value as a polars frame with a proper date column."""
    frame = edited if isinstance(edited, pl.DataFrame) else pl.from_pandas(edited)  # type: ignore[arg-type]
    return frame.with_columns(pl.col("date").cast(pl.Date))


st.set_page_config(page_title="tension · import an article or a timeline", layout="wide")
st.title("Import an article or a timeline")
st.caption("Paste a news article or a dated timeline. The rules code it into candidate events; review them, "
           "tick the ones to keep and add them to the working event set. Nothing is added without review. "
           "Background mentions, events already in the working set and undated mentions start unticked.")

kind = st.radio("What are you pasting?", ["News article", "Timeline (one dated line per event, or CSV)"],
                key="text_kind", horizontal=True)
text = st.text_area("Text", key="text_input", height=220, max_chars=200_000,
                    placeholder="2023-06-18 — Blinken arrives in Beijing..." if kind.startswith("Timeline")
                    else "Paste the article's text here")
published = None
if kind == "News article":
    published = st.date_input("Publication date", key="text_published", value=None, format="YYYY-MM-DD")
source = st.text_input("Source (outlet and title)", key="text_source")

if st.button("Code the text", key="text_code", type="primary"):
    st.session_state.pop("text_candidates", None)
    if not text.strip():
        st.error("Paste some text first.")
    elif kind == "News article" and published is None:
        st.error("Choose the article's publication date: relative dates are resolved against it.")
    else:
        try:
            if kind == "News article":
                found = events_from_text(text, published, source=source or None)
            else:
                found = events_from_timeline(text, name="pasted timeline", source=source or None)
        except EventDataError as exc:
            problems(f"The timeline could not be read: {exc.total} problem(s).", exc)
        except ValueError as exc:
            st.error(md_escape(str(exc)))
        else:
            working, _ = working_events()
            st.session_state["text_candidates"] = review_candidates(found, working, published)

candidates = st.session_state.get("text_candidates")
if candidates is not None:
    if candidates.height == 0:
        st.warning("No events were found in the text.")
    else:
        untyped = int(candidates["type"].is_null().sum())
        st.subheader(f"{candidates.height} candidate events")
        if untyped:
            st.warning(f"{untyped} line(s) matched no rule: choose a type for them or leave them unticked.")
        reasons = candidates["review"].fill_null("")
        counts = {label: int(reasons.str.contains(key).sum()) for key, label in (
            ("background", "background (outside the article's own days)"),
            ("already in the record", "already in the working set"),
            ("undated", "undated (give a date before ticking)"))}
        if any(counts.values()):
            st.info("Unticked to protect the record: " + ", ".join(f"{n} {label}" for label, n in counts.items()
                                                                    if n) + ". See the review column.")
        edited = st.data_editor(
            candidates, key="text_editor", hide_index=True, num_rows="fixed",
            disabled=[c for c in candidates.columns if c not in EDITABLE],
            column_config={
                "accept": st.column_config.CheckboxColumn("accept", help="tick to add this event"),
                "type": st.column_config.SelectboxColumn("type", options=list(tension.type_ids())),
                "date": st.column_config.DateColumn("date", format="YYYY-MM-DD"),
                "salience": st.column_config.NumberColumn("salience", min_value=0.1, max_value=2.0, step=0.1),
                "tone": st.column_config.NumberColumn("tone", format="%+.2f"),
                "sentence": st.column_config.TextColumn("sentence", width="large"),
                "review": st.column_config.TextColumn("review", help="why the row starts unticked"),
            })
        if st.button("Add accepted events", key="text_add"):
            working, label = working_events()
            try:
                accepted = accepted_from_review(as_polars(edited))
            except EventDataError as exc:
                problems("Some ticked rows are not ready; fix them or untick them.", exc)
            except ValueError as exc:
                st.error(md_escape(str(exc)))
            else:
                combined = add_to_working(working, accepted)
                st.session_state["tension_events"] = combined
                st.session_state["tension_events_label"] = f"{label} + {accepted.height} imported events"
                st.session_state.pop("text_candidates", None)
                st.success(f"Added {accepted.height} events; the working set now has {combined.height}.")
                show_change(working, combined, accepted)

working, label = working_events()
st.text(f"Working event set: {label}, {working.height} events.")
