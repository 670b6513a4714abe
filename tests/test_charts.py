import math

import numpy as np
import polars as pl
import pytest

from tension import LEVELS, TYPES, charts, compute_index, drivers, score_events
from tests.conftest import make_events


@pytest.fixture
def sample() -> tuple[pl.DataFrame, pl.DataFrame]:
    """Talks (+4) Jan 1, sanctions (−7) Jan 3, a warm statement Jan 4 (2023), no decay."""
    events = make_events([("2023-01-01", "talks", 1.0), ("2023-01-03", "sanctions", 1.0),
                          ("2023-01-04", "statement", 1.0)],
                         statements={2: "We warmly welcome this great progress."})
    events = events.with_columns(summary=pl.Series(["<b>talks</b> held", "sanctions & more", "a statement"]))
    return compute_index(events, half_life=math.inf), score_events(events)


def names(fig) -> list[str]:
    return [t.name for t in fig.data]


def test_index_figure_bands_line_markers(sample):
    index, scored = sample
    fig = charts.index_figure(index, scored)
    bands = [(s.y0, s.y1) for s in fig.layout.shapes]
    assert bands == [(lo, hi) for lo, hi, _ in LEVELS]
    assert [s.fillcolor for s in fig.layout.shapes] == [charts.LEVEL_COLOURS[n] for _, _, n in LEVELS]
    assert [a.text for a in fig.layout.annotations] == [n for _, _, n in LEVELS]
    assert names(fig) == ["cooperative event", "confrontational event", "index"]  # lines drawn on top
    assert [t.legendrank for t in fig.data] == [3, 4, 1]
    line = fig.data[2]
    assert list(line.y) == pytest.approx(index["index"].to_list())
    assert fig.layout.xaxis.rangeslider.visible is True
    assert tuple(fig.layout.yaxis.range) == (-10, 10)
    assert fig.layout.title.text and fig.layout.yaxis.title.text.startswith("index")


def test_markers_carry_contributions_and_escaped_text(sample):
    index, scored = sample
    fig = charts.index_figure(index, scored)
    coop, conf = fig.data[0], fig.data[1]
    # customdata = (type, summary, value); value is the event's contribution to raw on its day
    assert [c[0] for c in coop.customdata] == ["talks", "statement"]
    assert coop.customdata[0][2] == 4.0
    assert coop.customdata[1][2] == pytest.approx(3 * scored["tone"][2]) and coop.customdata[1][2] > 0
    assert conf.customdata[0][0] == "sanctions" and conf.customdata[0][2] == -7.0
    assert coop.customdata[0][1] == "&lt;b&gt;talks&lt;/b&gt; held"  # user text never becomes markup
    assert conf.customdata[0][1] == "sanctions &amp; more"
    assert "contribution" in coop.hovertemplate and "customdata[2]" in coop.hovertemplate
    # markers sit on the index line on their day
    assert list(conf.y) == pytest.approx([index.filter(pl.col("date") == scored["date"][1])["index"][0]])
    assert coop.marker.color == charts.COOPERATION and conf.marker.color == charts.CONFRONTATION


def test_index_figure_pulse_and_no_events(sample):
    index, _ = sample
    fig = charts.index_figure(index, None, pulse=index.select("date", "index"))
    assert names(fig) == ["index", "pulse (short memory)"]


def test_contributions_stack_to_raw(sample):
    index, _ = sample
    fig = charts.contributions_figure(index)
    assert names(fig) == ["Talks", "Sanctions", "tone (positive)", "raw (sum)"]
    groups = {t.name: t.stackgroup for t in fig.data}
    assert groups["Talks"] == "up" and groups["Sanctions"] == "down" and groups["tone (positive)"] == "up"
    stacked = np.sum([np.asarray(t.y) for t in fig.data[:-1]], axis=0)
    assert stacked == pytest.approx(index["raw"].to_numpy())
    assert list(fig.data[-1].y) == pytest.approx([4.0, 4.0, -3.0, -3.0 + 3 * index["tone_mean"][3]])
    assert "raw points" in fig.layout.yaxis.title.text


def test_contributions_respect_weight_sign(sample):
    index, _ = sample
    fig = charts.contributions_figure(index, {"sanctions": 2.0})
    assert {t.name: t.stackgroup for t in fig.data}["Sanctions"] == "up"


def test_tone_figure(sample):
    index, _ = sample
    fig = charts.tone_figure(index)
    assert names(fig) == ["mean tone", "90-day mean"]
    assert list(fig.data[0].y) == pytest.approx([index["tone_mean"][3]])
    assert fig.data[0].marker.color == (charts.COOPERATION,)
    assert np.isnan(np.asarray(fig.data[1].y[:3], dtype=float)).all()  # no statement yet: no mean
    assert fig.data[1].y[3] == pytest.approx(index["tone_mean"][3])
    empty = charts.tone_figure(index.head(3))
    assert len(empty.data) == 0 and "no quoted statements" in empty.layout.annotations[0].text


def test_rolling_tone_by_hand():
    events = make_events([("2023-01-01", "statement", 1.0), ("2023-01-01", "statement", 1.0),
                          ("2023-01-03", "statement", 1.0), ("2023-01-06", "talks", 1.0)],
                         statements={0: "a", 1: "b", 2: "c"}).with_columns(tone=pl.Series([0.6, 0.0, -0.3, 0.0]))
    trend = charts.rolling_tone(compute_index(events), window=3)["tone"].to_list()
    # window of 3 days: day1 (0.6+0)/2, day2 same, day3 (0.6+0-0.3)/3, day4 -0.3/1, day5 -0.3/1, day6 none
    assert trend[:5] == pytest.approx([0.3, 0.3, 0.1, -0.3, -0.3])
    assert trend[5] is None


def test_drivers_figure_largest_on_top():
    events = make_events([("2023-01-01", "talks", 1.0), ("2023-01-02", "sanctions", 1.0),
                          ("2023-01-03", "phone_call", 1.0)])
    why = drivers(score_events(events), events["date"][-1], half_life=math.inf)
    fig = charts.drivers_figure(why, top=2)
    assert list(fig.data[0].x) == [4.0, -7.0]  # reversed so the largest is drawn at the top
    assert list(fig.layout.yaxis.ticktext) == ["2023-01-01 talks", "2023-01-02 sanctions"]


def test_type_colours_cover_types_by_group():
    colours = charts.type_colours()
    assert set(colours) == {t.id for t in TYPES}
    coop = {colours[t.id] for t in TYPES if t.group == "cooperative"}
    conf = {colours[t.id] for t in TYPES if t.group == "confrontational"}
    assert not coop & conf
    assert len(conf) == sum(t.group == "confrontational" for t in TYPES)


def test_safe_text_wraps_and_escapes():
    assert charts.safe_text(None) == ""
    text = charts.safe_text("<script>" + " word" * 30, width=40)
    assert "<script>" not in text and "&lt;script&gt;" in text and text.count("<br>") >= 3
