import datetime as dt
import io
import math

import polars as pl
import pytest

from tension import DEFAULT_HALF_LIFE, PULSE_HALF_LIFE, compute_index, export_csv, score_events, type_ids
from tension import dashboard as dash
from tension.events import Problem
from tests.conftest import make_events

D = dt.date.fromisoformat


@pytest.fixture
def two() -> tuple[pl.DataFrame, pl.DataFrame]:
    """Talks (+4) on Jan 1 and sanctions (−7) on Jan 3 2023, no decay, scale 60: raw 4, 4, −3."""
    events = make_events([("2023-01-01", "talks", 1.0), ("2023-01-03", "sanctions", 1.0)])
    return compute_index(events, half_life=math.inf, scale=60.0), score_events(events)


def test_frame_key_changes_with_content():
    a = make_events([("2023-01-01", "talks", 1.0)])
    assert dash.frame_key(a) == dash.frame_key(a.clone())
    assert dash.frame_key(a) != dash.frame_key(a.with_columns(salience=pl.lit(2.0)))
    assert dash.frame_key(a) != dash.frame_key(pl.concat([a, a]))
    assert dash.frame_key(a) != dash.frame_key(a.with_columns(summary=pl.lit("other")))


def test_half_life_options_hold_the_defaults_and_end_with_no_decay():
    opts = dash.half_life_options()
    assert opts == sorted(opts)
    assert DEFAULT_HALF_LIFE in opts and PULSE_HALF_LIFE in opts
    assert math.isinf(opts[-1]) and opts[0] == 0.0
    assert len(set(dash.format_half_life(o) for o in opts)) == len(opts)


@pytest.mark.parametrize(("days", "text"), [(0.0, "no memory"), (14.0, "14 days"), (365.0, "365 days"),
                                            (math.inf, "no decay")])
def test_format_half_life(days, text):
    assert dash.format_half_life(days) == text


def test_headline_by_hand(two):
    index, scored = two
    h = dash.headline(index, scored)
    assert h.date == D("2023-01-03")
    assert h.index == pytest.approx(10 * math.tanh(-3 / 60))  # −0.49958...
    assert h.level == "discord"
    assert h.change_30d is None  # no day 30 days before
    assert h.n_events == 2
    assert h.most_confrontational["type"] == "sanctions" and h.most_confrontational["value"] == -7.0
    assert h.most_cooperative["type"] == "talks" and h.most_cooperative["value"] == 4.0


def test_headline_range_and_30_day_change():
    events = make_events([("2023-01-01", "talks", 1.0), ("2023-01-31", "sanctions", 1.0)])
    index, scored = compute_index(events, half_life=math.inf, scale=60.0), score_events(events)
    h = dash.headline(index, scored)
    assert h.change_30d == pytest.approx(10 * math.tanh(-3 / 60) - 10 * math.tanh(4 / 60))
    late = dash.headline(index, scored, start=D("2023-01-02"))
    assert late.n_events == 1 and late.most_cooperative is None
    early = dash.headline(index, scored, end=D("2023-01-10"))
    assert early.date == D("2023-01-10") and early.index == pytest.approx(10 * math.tanh(4 / 60))
    assert early.most_confrontational is None
    with pytest.raises(ValueError, match="no days"):
        dash.headline(index, scored, start=D("2024-01-01"))


def test_filter_events():
    events = make_events([("2023-01-01", "talks", 1.0), ("2023-01-02", "sanctions", 1.0),
                          ("2023-01-03", "tariffs", 1.0)], statements={2: "Unfair (and) wrong"})
    events = events.with_columns(actor=pl.Series(["USA: State Department", "CHN: MOFCOM", "USA"]))
    scored = score_events(events)
    assert dash.filter_events(scored)["date"].to_list() == [D("2023-01-03"), D("2023-01-02"), D("2023-01-01")]
    assert dash.filter_events(scored, types=["talks", "tariffs"])["type"].to_list() == ["tariffs", "talks"]
    assert dash.filter_events(scored, actors=["USA"])["type"].to_list() == ["tariffs", "talks"]
    assert dash.filter_events(scored, actors=["CHN: MOFCOM"])["type"].to_list() == ["sanctions"]
    assert dash.filter_events(scored, text="UNFAIR (AND")["type"].to_list() == ["tariffs"]  # literal, any case
    assert dash.filter_events(scored, text="nothing like this").height == 0
    assert dash.filter_events(scored, start=D("2023-01-02"), end=D("2023-01-02"))["type"].to_list() == ["sanctions"]


def test_problems_frame_keeps_every_problem_in_order():
    problems = [Problem(2, "date", "2021-13-01", "bad date"), Problem(None, None, None, "empty file"),
                Problem(3, "type", "sanction", "unknown type")]
    table = dash.problems_frame(problems)
    assert table.columns == ["line", "column", "value", "message"]
    assert table.rows() == [(2, "date", "2021-13-01", "bad date"), (None, None, None, "empty file"),
                            (3, "type", "sanction", "unknown type")]
    assert dash.problems_frame([]).height == 0


def test_actor_choices_countries_first():
    events = make_events([("2023-01-01", "talks", 1.0)] * 3).with_columns(
        actor=pl.Series(["USA: State Department", "CHN", "USA"]))
    assert dash.actor_choices(events) == ["CHN", "USA", "USA: State Department"]


def test_events_table_order_and_empty_urls():
    events = score_events(make_events([("2023-01-01", "talks", 1.0), ("2023-01-02", "visit", 1.0)])).with_columns(
        url=pl.Series(["", "https://example.org/a"]), speaker=pl.Series(["", ""]))
    table = dash.events_table(events)
    assert table.columns[:3] == ["date", "type", "value"]
    assert table["url"].to_list() == [None, "https://example.org/a"]


def test_settings_round_trip_through_csv():
    values = dash.settings({"talks": 2.5}, tone_weight=1.0, half_life=math.inf, scale=60.0,
                           start=D("2020-01-01"), end=D("2021-12-31"), source="=cmd|x")
    assert values["w_talks"] == 2.5 and values["w_sanctions"] == -7.0
    assert {f"w_{t}" for t in type_ids()} <= set(values)
    assert values["half_life_days"] == "inf"
    back = pl.read_csv(io.BytesIO(export_csv(dash.settings_frame(values))))
    assert back.columns == ["setting", "value"]
    table = dict(zip(back["setting"].to_list(), back["value"].to_list()))
    assert table["w_talks"] == "2.5" and table["end"] == "2021-12-31"
    assert table["source"] == "'=cmd|x"  # formula neutralised by export_csv


def test_file_names_pair_data_and_settings():
    a = dash.settings({}, tone_weight=3.0, half_life=365.0, scale=60.0, start=None, end=D("2023-06-19"), source="x")
    b = {**a, "w_talks": 5.0}
    key = dash.settings_key(a)
    assert dash.file_name("index", a) == f"tension-index-2023-06-19-{key}.csv"
    assert dash.file_name("settings", a) == f"tension-settings-2023-06-19-{key}.csv"
    assert dash.settings_key(b) != key and len(key) == 8


@pytest.mark.parametrize(("points", "expected"), [
    ([{"x": "2023-01-05"}], D("2023-01-05")),
    ([{"x": "2023-01-05 12:00"}], D("2023-01-05")),
    ([{"y": 1}, {"x": "2023-01-07"}], D("2023-01-07")),
    ([{"x": "2019-01-01"}], D("2023-01-01")),   # clamped to the range
    ([{"x": "not a date"}], None),
    ([], None),
])
def test_selected_day(points, expected):
    assert dash.selected_day(points, D("2023-01-01"), D("2023-12-31")) == expected


def test_md_escape_makes_markdown_literal():
    text = "**bold** [link](http://x) <b>tag</b> `code`\nnext"
    out = dash.md_escape(text)
    assert "\n" not in out
    for i, c in enumerate(out):
        if c in "*[]()<>`":
            assert out[i - 1] == "\\"


def test_method_markdown_uses_library_defaults():
    text = dash.method_markdown()
    assert f"{DEFAULT_HALF_LIFE:g} days" in text and "tanh" in text and "confrontation" in text


def test_tone_scorers_and_their_explanations():
    from tension.tone import learned as tone_learned
    from tension.tone import rules as tone
    with pytest.raises(ValueError, match="unknown tone scorer 'vaderish'"):
        dash.explain_tone("Hello.", "vaderish")
    text = "China firmly opposes the sanctions."
    value, terms = dash.explain_tone(text, "diplomatic")
    assert value == tone.score(text) and terms.columns == ["term", "valence"]
    assert terms.rows() == tone.explain(text)
    value, terms = dash.explain_tone(text, "learned")
    assert value == tone_learned.score(text) and terms.columns == ["term", "contribution"]
    assert dash.settings({}, tone_weight=3.0, half_life=180.0, scale=300.0, start=None, end=None, source="x",
                         tone_scorer="learned")["tone_scorer"] == "learned"
