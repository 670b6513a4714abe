"""AppTest runs of the dashboard (app.py): widgets by key, no exceptions, settings, uploads and the tone box."""

import datetime as dt
import json
import math
import re
from pathlib import Path

import polars as pl
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

import tension
from tension import dashboard as dash

APP = Path(__file__).resolve().parent.parent / "app.py"
GOOD = (b"date,type,actor,target,summary,source\n"
        b"2021-03-18,talks,USA: State Department,CHN,Anchorage talks open.,test\n"
        b"2021-03-22,sanctions,USA: Treasury,CHN,Officials sanctioned.,test\n")
ONE = b"date,type,actor,target,summary,source\n2020-05-05,visit,USA,CHN,A visit.,test\n"
BAD = (b"date,type,actor,target,summary,source\n"
       b"2021-13-01,talks,USA,CHN,Bad month.,test\n"
       b"2021-03-22,sanction,USA,CHN,Unknown type.,test\n")


@pytest.fixture
def app() -> AppTest:
    """A fresh AppTest with an empty data cache (the cache lives for the whole process)."""
    st.cache_data.clear()
    return AppTest.from_file(APP, default_timeout=60)


def trace_names(at: AppTest, chart: int = 0) -> list[str]:
    """Names of the traces of the ``chart``-th Plotly chart on the page (from its JSON spec)."""
    return [t.get("name") for t in json.loads(at.get("plotly_chart")[chart].proto.spec)["data"]]


def metric(at: AppTest, label_start: str) -> str:
    return next(m.value for m in at.metric if m.label.startswith(label_start))


def plain(markdown: str) -> str:
    """What a reader sees of markdown made literal by ``dash.md_escape``."""
    return re.sub(r"\\(.)", r"\1", markdown).replace(dash.WORD_JOINER, "")


def source(at: AppTest) -> str:
    """The data-source banner as plain text (markdown escapes removed)."""
    return plain(at.info[0].value)


def table(at: AppTest, first_column: str):
    """The first st.dataframe whose first column is ``first_column`` (AppTest dataframes carry no key)."""
    return next(d.value for d in at.dataframe if list(d.value.columns)[:1] == [first_column])


def test_default_run(app):
    at = app.run()
    assert not at.exception
    events = tension.load_events(APP.parent / "data" / "events.csv")
    assert f"{events.height:,} events" in source(at)
    assert "Bundled" in source(at)
    assert metric(at, "Level") in {name for _, _, name in tension.LEVELS}
    assert metric(at, "Events in range") == f"{events.height:,}"
    assert at.slider(key="w_sanctions").value == tension.default_weights()["sanctions"]
    assert at.slider(key="tone_weight").value == tension.DEFAULT_TONE_WEIGHT
    assert at.select_slider(key="half_life").value == tension.DEFAULT_HALF_LIFE
    assert "index" in trace_names(at) and not any(str(n).startswith("pulse") for n in trace_names(at))
    assert [t.label for t in at.tabs] == ["How the index works", "Alerts", "Contributions by type", "Statement tone",
                                          "Events", "Compare periods", "Tone of a statement", "Settings and downloads"]
    assert len(at.get("plotly_chart")) == 1  # only the index: the default tab is text, closed tabs are not built
    assert [b.key for b in at.get("download_button")] == ["dl_template"]  # the sidebar's; the tab is closed


def test_tabs_open_from_state_and_url(app):
    at = app.run()
    at.session_state["tab"] = "Settings and downloads"
    at.run()
    assert not at.exception
    assert {b.key for b in at.get("download_button")} == {"dl_index", "dl_events", "dl_settings", "dl_template"}
    fresh = AppTest.from_file(APP, default_timeout=60)
    fresh.query_params["tab"] = "Statement tone"
    fresh.run()
    assert not fresh.exception
    assert "mean tone" in trace_names(fresh, 1) or "no quoted statements" in fresh.get("plotly_chart")[1].proto.spec


def test_drivers_add_up_to_raw(app):
    at = app.run()
    assert metric(at, "Raw value") == metric(at, "Sum of contributions")
    first = tension.load_events(APP.parent / "data" / "events.csv")["date"].min()
    at.date_input(key="day").set_value(first).run()
    assert not at.exception
    assert metric(at, "Raw value") == metric(at, "Sum of contributions")


def test_sanctions_weight_moves_the_headline(app):
    events = tension.load_events(APP.parent / "data" / "events.csv")
    assert "sanctions" in events["type"].to_list()  # precondition of this test
    at = app.run()
    before = metric(at, "Index on")
    at.slider(key="w_sanctions").set_value(10.0).run()
    assert not at.exception
    assert float(metric(at, "Index on")) > float(before)


def test_presets_and_reset(app):
    at = app.run()
    plover = tension.presets()["PLOVER"]
    at.selectbox(key="preset").set_value("PLOVER").run()
    assert not at.exception
    assert at.slider(key="w_incident").value == plover["incident"]
    assert at.slider(key="w_cancellation").value == plover["cancellation"]
    at.selectbox(key="preset").set_value("Equal magnitudes").run()
    assert at.selectbox(key="preset").value is None
    assert at.slider(key="w_talks").value == 5.0 and at.slider(key="w_sanctions").value == -5.0
    at.slider(key="tone_weight").set_value(0.5).run()
    at.select_slider(key="half_life").set_value(math.inf).run()
    at.button(key="reset").click().run()
    assert not at.exception
    defaults = tension.default_weights()
    assert all(at.slider(key=f"w_{t}").value == defaults[t] for t in tension.type_ids())
    assert at.slider(key="tone_weight").value == tension.DEFAULT_TONE_WEIGHT
    assert at.select_slider(key="half_life").value == tension.DEFAULT_HALF_LIFE


def test_query_params_reproduce_the_view(app):
    app.query_params.update({"w_talks": "2.5", "w_sanctions": "-9", "tone_weight": "1.5",
                             "half_life": "30 days", "dates": ["2019-01-01", "2022-12-31"], "pulse": "true"})
    at = app.run()
    assert not at.exception
    assert at.slider(key="w_talks").value == 2.5
    assert at.slider(key="w_sanctions").value == -9.0
    assert at.slider(key="tone_weight").value == 1.5
    assert at.select_slider(key="half_life").value == 30.0
    assert [d.isoformat() for d in at.slider(key="dates").value] == ["2019-01-01", "2022-12-31"]
    assert at.toggle(key="pulse").value is True
    assert any(str(n).startswith("pulse") for n in trace_names(at))  # "pulse", whatever follows
    assert metric(at, "Index on").startswith(("+", "-")) and "2022-12-31" in next(
        m.label for m in at.metric if m.label.startswith("Index on"))


def test_invalid_query_params_are_ignored(app):
    app.query_params.update({"dates": ["2010-01-01", "2030-01-01"], "w_talks": "99", "half_life": "bogus",
                             "day": "1999-01-01", "f_types": ["nonsense", "talks"], "tab": "Events"})
    at = app.run()
    assert not at.exception
    events = tension.load_events(APP.parent / "data" / "events.csv")
    assert at.slider(key="dates").value == (events["date"].min(), events["date"].max())
    assert at.slider(key="w_talks").value == tension.default_weights()["talks"]
    assert at.select_slider(key="half_life").value == tension.DEFAULT_HALF_LIFE
    assert at.date_input(key="day").value == events["date"].max()
    assert at.multiselect(key="f_types").value == ["talks"]


def test_good_upload_becomes_the_working_set_and_back(app):
    at = app.run()
    at.file_uploader(key="upload").set_value(("mine.csv", GOOD, "text/csv")).run()
    assert not at.exception
    assert "Uploaded file mine.csv" in source(at) and "2 events" in source(at)
    assert isinstance(at.session_state["tension_events"], pl.DataFrame)
    assert metric(at, "Events in range") == "2"
    at.button(key="use_bundled").click().run()
    assert not at.exception
    assert "Bundled" in source(at)
    assert "tension_events" not in at.session_state


def test_bad_upload_lists_every_problem(app):
    at = app.run()
    at.file_uploader(key="upload").set_value(("bad.csv", BAD, "text/csv")).run()
    assert not at.exception
    assert "bad.csv was not loaded: 2 problem" in plain(at.error[0].value)
    problems = table(at, "line")
    assert list(problems.columns) == ["line", "column", "value", "message"]
    assert problems["line"].tolist() == [2, 3]
    assert problems["column"].tolist() == ["date", "type"]
    assert problems["value"].tolist() == ["2021-13-01", "sanction"]
    assert "Bundled" in source(at)  # the working set is unchanged


def test_many_problems_say_how_many_are_listed(app):
    rows = b"".join(b"2021-03-%02d,nonsense,USA,CHN,x,test\n" % (1 + i % 28) for i in range(60))
    at = app.run()
    at.file_uploader(key="upload").set_value(("many.csv", BAD.split(b"\n")[0] + b"\n" + rows, "text/csv")).run()
    assert not at.exception
    shown = table(at, "line").shape[0]
    assert f"60 problem(s) (the first {shown} are listed)" in plain(at.error[0].value)


def test_oversize_upload_is_refused(app):
    at = app.run()
    limit = int(st.get_option("server.maxUploadSize")) * 1024 * 1024
    big = GOOD + b"#" * (limit + 1 - len(GOOD))
    at.file_uploader(key="upload").set_value(("big.csv", big, "text/csv")).run()
    assert not at.exception
    assert "over the limit" in table(at, "line")["message"][0]
    assert "Bundled" in source(at)


def test_one_day_upload_with_markup_in_text(app):
    one = (b"date,type,actor,target,summary,source,tone\n"
           b"2021-03-18,talks,USA,CHN,<script>alert(1)</script> [x](javascript:alert(1)),test,0.5\n")
    at = app.run()
    at.file_uploader(key="upload").set_value(("one.csv", one, "text/csv")).run()
    assert not at.exception
    assert metric(at, "Events in range") == "1"
    raw = tension.default_weights()["talks"] * 1.0 + tension.DEFAULT_TONE_WEIGHT * 0.5  # the file's own tone
    assert metric(at, "Index on") == fitted(raw)  # an upload's scale is fitted to its data
    at.select_slider(key="half_life").set_value(0.0).run()
    assert not at.exception
    assert metric(at, "Raw value") == metric(at, "Sum of contributions") == f"{raw:+.1f}"


def test_imported_working_set_contract(app):
    events = tension.load_events(GOOD, name="gdelt.csv")
    app.session_state["tension_events"] = events
    app.session_state["tension_events_label"] = "GDELT import"
    at = app.run()
    assert not at.exception
    assert "GDELT import" in source(at) and "2 events" in source(at)


def test_a_new_working_set_from_another_page_shows_all_of_it(app):
    at = app.run()
    bundled = tension.load_events(APP.parent / "data" / "events.csv")
    at.slider(key="dates").set_value((bundled["date"].min(), bundled["date"].min() + dt.timedelta(days=400))).run()
    # spans the old sub-range, so only the change of working set (not the range check) can reset the view
    wide = tension.load_events(GOOD.replace(b"2021-03-18", b"2010-03-18").replace(b"2021-03-22", b"2030-03-22"))
    assert wide["date"].min() < bundled["date"].min() and wide["date"].max() > bundled["date"].max()
    at.session_state["tension_events"] = wide  # what an import page does
    at.session_state["tension_events_label"] = "wide import"
    at.run()
    assert not at.exception
    assert at.slider(key="dates").value == (wide["date"].min(), wide["date"].max())
    assert at.date_input(key="day").value == wide["date"].max()


def test_tone_box(app):
    app.session_state["tab"] = "Tone of a statement"
    at = app.run()
    text = "We firmly oppose this provocation and will take resolute countermeasures."
    at.text_area(key="tone_text").set_value(text).run()
    assert not at.exception
    assert metric(at, "Tone") == f"{tension.tone.score(text):+.3f}"
    terms = table(at, "term")
    assert list(terms.columns) == ["term", "valence"]
    assert [tuple(r) for r in terms.itertuples(index=False)] == [(t, v) for t, v in tension.tone.explain(text)]


def test_event_filters(app):
    app.query_params["tab"] = "Events"
    at = app.run()
    at.multiselect(key="f_types").set_value(["sanctions"]).run()
    assert not at.exception
    events = tension.load_events(APP.parent / "data" / "events.csv")
    n = events.filter(pl.col("type") == "sanctions").height
    assert any(c.value == f"{n:,} events" for c in at.caption)


def test_tone_scorer_choice_rescores_statements_and_resets(app):
    events = tension.load_events(APP.parent / "data" / "events.csv")
    at = app.run()
    assert at.radio(key="tone_scorer").value == "diplomatic"
    at.radio(key="tone_scorer").set_value("learned").run()
    assert not at.exception
    learned = tension.compute_index(events, tone=tension.tone_learned.score_many)
    assert metric(at, "Index on") == f"{learned['index'][-1]:+.2f}"
    assert metric(at, "Index on") != f"{tension.compute_index(events)['index'][-1]:+.2f}"  # the choice matters
    at.button(key="reset").click().run()
    assert at.radio(key="tone_scorer").value == "diplomatic"


def test_tone_scorer_from_the_url(app):
    app.query_params["tone_scorer"] = "Learned model"  # bound widgets carry their label in the URL
    at = app.run()
    assert not at.exception and at.radio(key="tone_scorer").value == "learned"


def test_tone_box_shows_both_scorers(app):
    app.session_state["tab"] = "Tone of a statement"
    at = app.run()
    text = "We urge the US to return to win-win cooperation."
    at.text_area(key="tone_text").set_value(text).run()
    assert not at.exception
    assert metric(at, "Tone: Learned") == f"{tension.tone_learned.score(text):+.3f}"
    learned = next(d.value for d in at.dataframe if list(d.value.columns) == ["term", "contribution"])
    _, terms = dash.explain_tone(text, "learned")
    expected = dash.readable_terms(terms)
    assert [tuple(r) for r in learned.itertuples(index=False)] == list(expected.iter_rows())
    assert not {"its", "the us", "(baseline)"} & set(learned["term"])  # folded into labelled rows
    assert learned["contribution"].sum() == pytest.approx(terms["contribution"].sum())


def fitted(raw: float) -> str:
    """The headline of a one-day upload whose raw value is ``raw``: its scale is fitted to its data."""
    return f"{10 * math.tanh(raw / tension.data_scale([raw])):+.2f}"


def bundled_headline() -> tuple[str, str]:
    """The 'Index on' and 'Events in range' metrics of the bundled record at the default settings, from the library."""
    events = tension.load_events(APP.parent / "data" / "events.csv")
    return f"{tension.compute_index(events)['index'][-1]:+.2f}", f"{events.height:,}"


def test_an_upload_is_never_served_to_another_session(app, monkeypatch):
    # The worst case of a forged cache key: every frame gets the same digest. Sessions must still see only their own
    # events, because nothing a visitor uploads goes into a cache shared between sessions.
    monkeypatch.setattr(dash, "frame_digest", lambda frame: "0" * 64)
    at = app.run()
    at.file_uploader(key="upload").set_value(("mine.csv", GOOD, "text/csv")).run()
    assert not at.exception and metric(at, "Events in range") == "2"
    assert isinstance(at.session_state["tension_memo"], dash.Memo) and at.session_state["tension_memo"].keys()
    second = AppTest.from_file(APP, default_timeout=60).run()  # a new visitor; the process-wide cache is kept
    assert not second.exception
    assert (metric(second, "Index on"), metric(second, "Events in range")) == bundled_headline()
    assert "Bundled" in source(second)
    third = AppTest.from_file(APP, default_timeout=60).run()  # another visitor with another file
    third.file_uploader(key="upload").set_value(("other.csv", ONE, "text/csv")).run()
    assert not third.exception
    assert metric(third, "Events in range") == "1"
    visit = tension.default_weights()["visit"]
    assert metric(third, "Index on") == fitted(visit)
    at.run()  # and the first visitor still sees their own two events
    assert metric(at, "Events in range") == "2"


def test_a_session_memo_is_reused_and_dropped_with_the_upload(app):
    at = app.run()
    at.file_uploader(key="upload").set_value(("mine.csv", GOOD, "text/csv")).run()
    digest = dash.frame_digest(at.session_state["tension_events"])
    memo = at.session_state["tension_memo"]
    assert {key[0] for key in memo.keys()} == {digest} and memo.size() <= memo.budget
    at.select_slider(key="half_life").set_value(30.0).run()
    assert (digest, "diplomatic", "decayed", 30.0) in at.session_state["tension_memo"].keys()
    at.button(key="use_bundled").click().run()
    assert not at.exception
    assert "tension_memo" not in at.session_state and "tension_digest" not in at.session_state


HOSTILE = ("x\r=== ![img](http://evil.example/p.png) [link](http://evil.example) :red[red] $m$ &lt;b&gt; :smile: "
           "<img src=x onerror=alert(1)> `code` **bold** # h")


def test_markup_in_uploaded_text_and_file_names_is_shown_literally(app):
    name = "![n](http://evil.example/n.png) :red[n]\r===.csv"
    content = (b"date,type,actor,target,summary,source\n"
               b'2021-03-18,sanctions,USA,CHN,"' + HOSTILE.encode() + b'",test\n')
    at = app.run()
    at.file_uploader(key="upload").set_value((name, content, "text/csv")).run()
    assert not at.exception
    label = f"Uploaded file {name}"
    assert at.info[0].value.startswith(f"**Data source:** {dash.md_escape(label)} · 1 events")
    assert f"Active: {dash.md_escape(label)}" in [c.value for c in at.sidebar.caption]
    shown = dash.md_escape(f"2021-03-18: {HOSTILE}")
    assert shown in [c.value for c in at.caption]  # the most confrontational event's summary
    assert plain(shown) == "2021-03-18: " + HOSTILE.replace("\r", " ")
    bad = AppTest.from_file(APP, default_timeout=60).run()
    bad.file_uploader(key="upload").set_value((name, BAD, "text/csv")).run()
    assert not bad.exception
    assert bad.error[0].value.startswith(f"{dash.md_escape(name)} was not loaded: 2 problem(s)")


def assert_default_view(at: AppTest) -> None:
    """Every bound widget at its default (the bundled record's full span, the library's settings)."""
    events = tension.load_events(APP.parent / "data" / "events.csv")
    lo, hi = events["date"].min(), events["date"].max()
    assert at.slider(key="dates").value == (lo, hi)
    assert at.date_input(key="day").value == hi
    assert at.radio(key="tone_scorer").value == "diplomatic"
    assert at.select_slider(key="half_life").value == tension.DEFAULT_HALF_LIFE
    assert at.slider(key="tone_weight").value == tension.DEFAULT_TONE_WEIGHT
    assert all(at.slider(key=f"w_{t}").value == w for t, w in tension.default_weights().items())
    assert at.toggle(key="pulse").value is False
    assert (metric(at, "Index on"), metric(at, "Events in range")) == bundled_headline()


@pytest.mark.parametrize("params", [
    {"dates": ["2022-01-01", "2019-01-01"]},  # reversed
    {"dates": ["2010-01-01", "2030-01-01"]},  # outside the data's span
    {"dates": ["yesterday", "today"]},
    {"dates": "2019-01-01"},  # one value for a range
    {"dates": ["2019-01-01", "2020-01-01", "2021-01-01"]},
    {"day": "1999-01-01"},
    {"day": "2100-01-01"},
    {"day": "not a date"},
    {"tone_scorer": "vader"},
    {"tone_scorer": "<img src=x>"},
    {"half_life": "31 days"},
    {"half_life": "-1"},
    {"half_life": "bogus"},
    {"tone_weight": "-0.5"},
    {"tone_weight": "1e308"},
    {"tone_weight": "nan"},
    {"tone_weight": "abc"},
    {"w_talks": "99"},
    {"w_talks": "-10.5"},
    {"w_talks": "inf"},
    {"w_sanctions": "[x](http://evil.example)"},
    {"pulse": "maybe"},
    {"tab": "No such tab"},
    {"tab": "**Events**"},
], ids=lambda p: "&".join(f"{k}={v}" for k, v in p.items()))
def test_bad_url_values_fall_back_to_the_defaults(app, params):
    app.query_params.update(params)
    at = app.run()
    assert not at.exception
    assert_default_view(at)
    assert at.session_state["tab"] == "How the index works"
    if params.get("dates") != ["2022-01-01", "2019-01-01"]:  # Streamlit corrects the link (not after st.rerun)
        assert not [k for k in params if k in at.query_params]


def test_a_reversed_date_range_says_it_was_ignored(app):
    app.query_params["dates"] = ["2022-01-01", "2019-01-01"]
    at = app.run()
    assert not at.exception
    assert [plain(w.value) for w in at.sidebar.warning] == [
        "The link's date range runs backwards (2022-01-01 to 2019-01-01); showing the whole span."]
    at.run()
    assert not at.sidebar.warning  # said once


@pytest.mark.parametrize("params", [{"f_types": ["nonsense"]}, {"f_actors": ["<img src=x>", "Atlantis"]},
                                    {"f_types": ["sanctions", "sanctions", "bogus"]}])
def test_bad_event_filters_in_the_url_are_dropped(app, params):
    app.query_params.update({"tab": "Events", **params})
    at = app.run()
    assert not at.exception
    key = next(iter(params))
    assert at.multiselect(key=key).value == (["sanctions"] if "sanctions" in params[key] else [])


BUNDLED = APP.parent / "data" / "events.csv"


def test_change_panel_defaults_to_the_headline_30_days_and_adds_up(app):
    at = app.run()
    assert not at.exception
    events = tension.load_events(BUNDLED)
    index = tension.compute_index(events)
    end = index["date"][-1]
    start = end - dt.timedelta(days=30)
    c = tension.change(index, tension.score_events(events), start, end, half_life=tension.DEFAULT_HALF_LIFE)
    assert metric(at, f"Index {start} → {end}") == dash.signed(c.d_index) == metric(at, "Change over 30 days")
    assert metric(at, "Raw change") == dash.signed(c.d_raw, 1)
    assert any("What moved it" in h.value for h in at.subheader)
    ranked = at.table[0].value  # the change table comes first: the top 20 and a line for the rest
    assert list(ranked.columns) == ["contribution", "date", "type", "summary"]
    assert len(ranked) == c.top(20).height
    assert ranked["contribution"].iloc[0] == dash.signed(c.events["contribution"][0])
    wide = (dt.date(2025, 1, 1), end)  # a window with many events: the top 20 and a line for the rest
    at.session_state["chg_dates"] = wide  # as two clicks on the chart set it
    at.run()
    c = tension.change(index, tension.score_events(events), *wide, half_life=tension.DEFAULT_HALF_LIFE)
    assert metric(at, f"Index {wide[0]} → {end}") == dash.signed(c.d_index)
    ranked = at.table[0].value
    assert len(ranked) == 21 and ranked["type"].iloc[-1] == "rest"
    at.toggle(key="chg_all").set_value(True).run()
    assert not at.exception
    full = next(d.value for d in at.dataframe if "contribution" in d.value.columns)
    assert len(full) == c.events.height and full["contribution"].sum() == pytest.approx(c.d_raw)


def test_pick_day_selects_the_clicked_marker_and_pairs_two_clicks(app, monkeypatch):
    """The chart's on_select callback, called as Streamlit calls it after a click on an event marker."""
    import importlib.util

    at = app.run()
    spec = importlib.util.spec_from_file_location("app_under_test", APP)
    module = importlib.util.module_from_spec(spec)
    state: dict = {}
    monkeypatch.setattr(st, "session_state", state)
    monkeypatch.setattr(st, "navigation", lambda pages: type("P", (), {"run": lambda self: None})())
    monkeypatch.setattr(st, "set_page_config", lambda **kw: None)
    spec.loader.exec_module(module)
    lo, hi = dt.date(2017, 1, 11), dt.date(2026, 6, 10)
    state["index_chart"] = {"selection": {"points": [{"x": "2023-02-04", "y": -5.8, "curve_number": 1}]}}
    module.pick_day(lo, hi)
    assert state["day"] == dt.date(2023, 2, 4) and "chg_dates" not in state
    state["index_chart"] = {"selection": {"points": [{"x": "2022-08-02 00:00", "y": -7.0}]}}
    module.pick_day(lo, hi)
    assert state["day"] == dt.date(2022, 8, 2) and state["chg_dates"] == (dt.date(2022, 8, 2), dt.date(2023, 2, 4))
    assert not at.exception


SIX = (b"date,type,actor,target,summary,source\n"
       b"2024-01-02,talks,USA,CHN,a,t\n2024-01-05,visit,CHN,USA,b,t\n2024-02-01,accusation,CHN,USA,c,t\n"
       b"2024-02-10,sanctions,USA,CHN,d,t\n2024-03-01,phone_call,USA,CHN,e,t\n2024-03-20,agreement,USA,CHN,f,t\n")


def test_a_small_upload_gets_a_scale_fitted_to_its_data(app):
    at = app.run()
    at.file_uploader(key="upload").set_value(("six.csv", SIX, "text/csv")).run()
    assert not at.exception
    assert at.toggle(key="scale_auto").value is True
    events = tension.load_events(SIX)
    raw = tension.compute_index(events)["raw"]
    scale = tension.data_scale(raw)
    assert f"Fitted scale: {scale:g}" in [c.value for c in at.sidebar.caption]
    expected = tension.compute_index(events, scale=scale)["index"][-1]
    assert metric(at, "Index on") == dash.signed(expected) and abs(expected) > 0.5  # not a flat line at 0.00
    at.toggle(key="scale_auto").set_value(False).run()  # the number box takes over at the fitted value
    assert not at.exception and at.number_input(key="scale").value == scale
    assert metric(at, "Index on") == dash.signed(expected)
    at.number_input(key="scale").set_value(1000.0).run()
    assert metric(at, "Index on") == dash.signed(tension.compute_index(events, scale=1000.0)["index"][-1])
    at.button(key="use_bundled").click().run()
    assert at.toggle(key="scale_auto").value is False  # the bundled record keeps its calibrated scale


def test_no_decay_says_the_index_sits_at_the_bound(app):
    at = app.run()
    at.select_slider(key="half_life").set_value(math.inf).run()
    assert not at.exception
    assert "at the bound" in at.get("plotly_chart")[0].proto.spec


def test_settings_download_then_upload_restores_the_view(app):
    at = app.run()
    at.slider(key="w_sanctions").set_value(-3.3).run()
    at.slider(key="tone_weight").set_value(1.5).run()
    at.select_slider(key="half_life").set_value(365.0).run()
    at.radio(key="tone_scorer").set_value("learned").run()
    at.slider(key="dates").set_value((dt.date(2019, 1, 1), dt.date(2023, 6, 30))).run()
    assert not at.exception
    headline = (metric(at, "Index on"), metric(at, "Change over 30 days"), metric(at, "Events in range"))
    weights = {t: at.slider(key=f"w_{t}").value for t in tension.type_ids()}
    values = dash.settings(weights, tone_weight=1.5, half_life=365.0, scale=tension.DEFAULT_SCALE,
                           start=dt.date(2019, 1, 1), end=dt.date(2023, 6, 30), source="x", tone_scorer="learned")
    data = tension.export_csv(dash.settings_frame(values), decimals=9)  # what the Settings download sends
    assert pl.read_csv(data).schema["w_sanctions"] == pl.Float64
    fresh = AppTest.from_file(APP, default_timeout=60).run()
    fresh.file_uploader(key="settings_upload").set_value(("tension-settings.csv", data, "text/csv")).run()
    assert not fresh.exception
    assert fresh.slider(key="w_sanctions").value == -3.3 and fresh.slider(key="tone_weight").value == 1.5
    assert fresh.select_slider(key="half_life").value == 365.0 and fresh.radio(key="tone_scorer").value == "learned"
    assert fresh.slider(key="dates").value == (dt.date(2019, 1, 1), dt.date(2023, 6, 30))
    assert (metric(fresh, "Index on"), metric(fresh, "Change over 30 days"), metric(fresh, "Events in range")) \
        == headline
    assert any("Settings restored" in s.value for s in fresh.success)


def test_a_bad_settings_file_changes_nothing_and_lists_its_problems(app):
    at = app.run()
    bad = b"w_talks,half_life_days,tone_scorer\n99,31,vader\n"
    at.file_uploader(key="settings_upload").set_value(("s.csv", bad, "text/csv")).run()
    assert not at.exception
    assert at.slider(key="w_talks").value == tension.default_weights()["talks"]
    assert "was not applied" in at.error[0].value
    problems = next(d.value for d in at.dataframe if "message" in d.value.columns)
    assert set(problems["column"]) == {"w_talks", "half_life_days", "tone_scorer"}


def test_a_semicolon_upload_gets_a_delimiter_hint(app):
    at = app.run()
    data = b"date;type;actor;target;summary;source\n2021-03-18;talks;USA;CHN;x;t\n"
    at.file_uploader(key="upload").set_value(("semi.csv", data, "text/csv")).run()
    assert not at.exception
    assert any("separated by semicolons" in w.value for w in at.warning)


def test_freshness_and_the_page_menu(app):
    at = app.run()
    assert "record ends 2026-06-22" in source(at) and "before today" in source(at)


PUNCT = re.escape("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
LITERAL = re.compile(rf"(?:\\:{dash.WORD_JOINER}|\\[{PUNCT}]|[^{PUNCT}\r\n])*")


def shown_literally(markdown: str) -> bool:
    """True when ``markdown`` is all literal text (every markdown character escaped, no line break)."""
    return LITERAL.fullmatch(markdown) is not None


def chart_traces(at: AppTest) -> dict[str, dict]:
    """The index chart's traces by name."""
    return {t.get("name"): t for t in json.loads(at.get("plotly_chart")[0].proto.spec)["data"]}


def test_alerts_toggle_marks_the_chart_and_the_tab_lists_them(app):
    at = app.run()
    assert not any(str(n).startswith("alert") for n in chart_traces(at))
    at.toggle(key="alerts").set_value(True).run()
    assert not at.exception
    traces = chart_traces(at)
    assert {"alert: cooperative", "alert: confrontational"} <= set(traces)
    events = tension.load_events(BUNDLED)
    found = tension.alerts(tension.compute_index(events), scored=tension.score_events(events))
    n_marked = sum(len(t["x"]) for name, t in traces.items() if str(name).startswith("alert"))
    assert n_marked == found.height
    at.session_state["tab"] = "Alerts"
    at.run()
    listed = next(d.value for d in at.dataframe if "direction" in d.value.columns)
    assert len(listed) == found.height
    balloon = listed[listed["events"].str.startswith("2023-02-04 incident")]        # the balloon's run
    assert len(balloon) == 1 and balloon["run from"].iloc[0] == "2023-02-02"


def test_band_toggle_draws_the_band_and_adds_it_to_the_download(app):
    at = app.run()
    at.toggle(key="band").set_value(True).run()
    assert not at.exception
    traces = chart_traces(at)
    assert "5–95 % over plausible weights" in traces
    assert any("5–95 %" in c.value for c in at.caption)
    at.expander[-1]  # the sensitivity expander exists
    sens = next(d.value for d in at.dataframe if "index per unit" in str(d.value.columns.tolist())
                or "d_index_per_unit" in d.value.columns)
    assert len(sens) > 5


def test_sensitivity_table_matches_the_library(app):
    at = app.run()
    events = tension.load_events(BUNDLED)
    daily = tension.decay_daily(tension.aggregate(events))
    day = events["date"].max()
    expected = tension.sensitivity(daily, day).filter(pl.col("d_raw_per_unit") != 0)
    shown = next(d.value for d in at.dataframe if "d_index_per_unit" in d.value.columns)
    assert list(shown["label"]) == expected["label"].to_list()
    assert shown["d_index_per_unit"].to_list() == pytest.approx(expected["d_index_per_unit"].to_list())


def test_pinned_scenario_survives_the_url_and_compares(app):
    at = app.run()
    at.button(key="pin_a").click().run()
    assert not at.exception
    pinned = at.session_state["scenario_a"]
    assert at.query_params["scenario_a"] == [pinned] or at.query_params["scenario_a"] == pinned
    at.slider(key="w_sanctions").set_value(-2.0).run()
    assert not at.exception
    assert "scenario A" in chart_traces(at)
    a, b = metric(at, "A on"), metric(at, "B on")
    assert a == bundled_headline()[0] and b == metric(at, "Index on") and a != b
    assert metric(at, "B − A") == dash.signed(float(b) - float(a)) or abs(
        float(metric(at, "B − A")) - (float(b) - float(a))) <= 0.011
    fresh = AppTest.from_file(APP, default_timeout=60)
    fresh.query_params["scenario_a"] = pinned  # the link carries A
    fresh.run()
    assert not fresh.exception and "scenario A" in chart_traces(fresh)
    assert metric(fresh, "A on") == a
    fresh.button(key="clear_a").click().run()
    assert "scenario A" not in chart_traces(fresh) and "scenario_a" not in fresh.query_params


HOSTILE_SCENARIO = "3;180;300;![x](http://evil.example/p.png):red[x];" + ",".join(["1"] * 17)


@pytest.mark.parametrize("text", ["3;31;300;diplomatic;1,2", HOSTILE_SCENARIO])
def test_a_bad_scenario_in_the_link_is_ignored_with_a_notice(app, text):
    app.query_params["scenario_a"] = text
    at = app.run()
    assert not at.exception
    assert "scenario A" not in chart_traces(at)
    notices = [w.value for w in at.warning if "scenario A was ignored" in plain(w.value)]
    assert notices and all(shown_literally(n) for n in notices)


def test_compare_periods_tab(app):
    app.query_params["tab"] = "Compare periods"
    at = app.run()
    assert not at.exception
    events = tension.load_events(BUNDLED)
    a, b = (dt.date(2019, 1, 1), dt.date(2019, 12, 31)), (dt.date(2023, 1, 1), dt.date(2023, 12, 31))
    c = tension.compare_periods(tension.compute_index(events), tension.score_events(events), a, b,
                                half_life=tension.DEFAULT_HALF_LIFE)
    assert metric(at, "Mean index, A") == dash.signed(c.a.mean_index)
    assert metric(at, "Mean index, B") == dash.signed(c.b.mean_index)
    assert len(at.table) >= 2  # the top drivers of each period


def synthetic_store(folder: Path, start: dt.date, end: dt.date) -> None:
    """A GDELT store (the layout update-gdelt writes) with machine-coded events every day from ``start`` to ``end``,
    built from the rows of a real GDELT 2.0 export with new ids and dates: confrontational in the first half,
    cooperative in the second, so the feature moves."""
    from tension.sources.gdelt import read_gdelt
    from tension.sources.store import MANIFEST, MANIFEST_SCHEMA, append_events

    template, _ = read_gdelt([APP.parent / "tests" / "fixtures" / "gdelt2_20180326044500.export.CSV"],
                             normalisation="raw")
    days = pl.date_range(start, end, "1d", eager=True)
    half = len(days) // 2
    rows = []
    for i, day in enumerate(days):
        kind = "sanctions" if i < half else "talks"
        rows.append(template.head(1).with_columns(date=pl.lit(day), type=pl.lit(kind), id=pl.lit(f"g{i}"),
                                                  GLOBALEVENTID=pl.lit(10_000 + i, dtype=pl.Int64)))
    append_events(folder, pl.concat(rows), "20990101000000", {})
    pl.DataFrame([{"name": "synthetic.export.CSV.zip", "size": 1, "md5": "0" * 32, "dyad": "CHN,USA", "rows": 1,
                   "dyad_rows": 1, "events": len(rows), "repeated": 0, "malformed": 0, "unmapped": 0,
                   "added": "2026-12-02T00:00:00Z"}], schema=MANIFEST_SCHEMA).write_csv(folder / MANIFEST)


def test_nowcast_is_drawn_after_the_record_and_labelled(app, tmp_path, monkeypatch):
    folder = tmp_path / "store"
    synthetic_store(folder, dt.date(2025, 6, 1), dt.date(2026, 8, 31))
    monkeypatch.setenv("TENSION_GDELT_STORE", str(folder))
    app.query_params["nowcast"] = "true"
    at = app.run()
    assert not at.exception
    traces = chart_traces(at)
    assert "GDELT nowcast (machine-coded)" in traces
    assert metric(at, "Index on") == bundled_headline()[0]  # the record's headline is untouched
    assert metric(at, "Nowcast on 2026-08-31 (GDELT, machine-coded)")
    assert any("not part of the record" in c.value for c in at.caption)
    line = traces["GDELT nowcast (machine-coded)"]
    assert str(line["x0"])[:10] == "2026-06-23"


def test_nowcast_without_a_store_says_how_to_get_one(app, tmp_path, monkeypatch):
    monkeypatch.setenv("TENSION_GDELT_STORE", str(tmp_path / "none"))
    app.query_params["nowcast"] = "true"
    at = app.run()
    assert not at.exception
    assert "GDELT nowcast (machine-coded)" not in chart_traces(at)
    assert any("update\\-gdelt" in i.value or "update-gdelt" in i.value for i in at.info)
