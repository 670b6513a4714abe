import colorsys
import datetime as dt
import itertools
import math
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from tension import LEVELS, TYPES, charts, compute_index, drivers, load_events, score_events, type_ids
from tests.conftest import make_events

ROOT = Path(__file__).resolve().parent.parent
BALLOON = dt.date(2023, 2, 4)


@pytest.fixture
def sample() -> tuple[pl.DataFrame, pl.DataFrame]:
    """Talks (+4) Jan 1, sanctions (−7) Jan 3, a warm statement Jan 4 (2023), no decay."""
    events = make_events([("2023-01-01", "talks", 1.0), ("2023-01-03", "sanctions", 1.0),
                          ("2023-01-04", "statement", 1.0)],
                         statements={2: "We warmly welcome this great progress."})
    events = events.with_columns(summary=pl.Series(["<b>talks</b> held", "sanctions & more", "a statement"]))
    return compute_index(events, half_life=math.inf), score_events(events)


@pytest.fixture(scope="module")
def bundled() -> tuple[pl.DataFrame, pl.DataFrame]:
    """The bundled record's index and scored events at the default settings."""
    events = load_events(ROOT / "data" / "events.csv")
    return compute_index(events), score_events(events)


def synthetic(n: int, start: dt.date, days: int, seed: int = 7) -> pl.DataFrame:
    """``n`` events of random types over ``days`` days from ``start`` (no statements)."""
    rng = np.random.default_rng(seed)
    offsets = np.sort(rng.integers(0, days, n))
    return pl.DataFrame({
        "id": [f"s{i}" for i in range(n)], "offset": offsets,
        "type": rng.choice(type_ids(), n), "actor": "USA", "target": "CHN",
        "summary": [f"Synthetic event {i}" for i in range(n)], "statement": pl.Series([None] * n, dtype=pl.String),
        "source": "test", "salience": 1.0,
    }).with_columns(date=pl.lit(start) + pl.duration(days=pl.col("offset"))).drop("offset")


def names(fig) -> list[str]:
    return [t.name for t in fig.data]


def trace(fig, name: str):
    return next(t for t in fig.data if t.name == name)


def test_index_figure_bands_line_markers(sample):
    index, scored = sample
    fig = charts.index_figure(index, scored)
    bands = [(s.y0, s.y1) for s in fig.layout.shapes]
    assert bands == [(lo, hi) for lo, hi, _ in LEVELS]
    assert [s.fillcolor for s in fig.layout.shapes] == [charts.LEVEL_COLOURS[n] for _, _, n in LEVELS]
    assert [a.text for a in fig.layout.annotations] == [n for _, _, n in LEVELS]
    # the line first, the markers on top of it, legend-only keys for the marker colours, the slider overview
    assert names(fig) == ["index", "events", "cooperative", "confrontational", "index (overview)"]
    line = fig.data[0]
    assert line.mode == "lines" and line.marker.size is None  # no invisible markers
    assert list(line.y) == pytest.approx(index["index"].to_list())
    assert line.x is None and line.x0 == "2023-01-01" and line.dx == 86_400_000  # daily: no date strings
    assert fig.layout.xaxis.rangeslider.visible is True
    assert tuple(fig.layout.yaxis.range) == (-10, 10)
    assert fig.layout.title.text and fig.layout.yaxis.title.text.startswith("index")
    assert fig.layout.xaxis.hoverformat == "%Y-%m-%d" and fig.layout.xaxis2.hoverformat == "%Y-%m-%d"


def test_range_slider_carries_only_the_index(sample):
    index, scored = sample
    fig = charts.index_figure(index, scored, pulse=index.select("date", "index"),
                              compare=index.select("date", pl.col("index") / 2))
    # Plotly draws every trace of x in x's range slider: only the overview lives there
    on_x = [t.name for t in fig.data if t.xaxis in (None, "x")]
    assert on_x == ["index (overview)"]
    assert fig.layout.xaxis2.overlaying == "x" and fig.layout.xaxis2.matches == "x"
    overview = trace(fig, "index (overview)")
    assert overview.hoverinfo == "skip" and overview.showlegend is False


def test_markers_carry_contributions_and_escaped_text(sample):
    index, scored = sample
    fig = charts.index_figure(index, scored)
    events = trace(fig, "events")
    # customdata = (type, summary, value), ordered by |value| so the largest event wins a click on overlaps
    kinds = [c[0] for c in events.customdata]
    values = [c[2] for c in events.customdata]
    assert kinds[-1] == "sanctions" and values[-1] == -7.0
    assert sorted(kinds) == ["sanctions", "statement", "talks"]
    assert [abs(v) for v in values] == sorted(abs(v) for v in values)
    assert values[kinds.index("talks")] == 4.0
    tone = values[kinds.index("statement")]
    assert tone == pytest.approx(3 * scored["tone"][2], abs=0.005) and tone > 0
    summaries = dict(zip(kinds, (c[1] for c in events.customdata)))
    assert summaries["talks"] == "&lt;b&gt;talks&lt;/b&gt; held"  # user text never becomes markup
    assert summaries["sanctions"] == "sanctions &amp; more"
    assert "contribution" in events.hovertemplate and "customdata[2]" in events.hovertemplate
    # markers sit on the index line on their day and are coloured by sign
    day_index = dict(zip(index["date"].to_list(), index["index"].to_list()))
    assert list(events.y) == pytest.approx([day_index[dt.date.fromisoformat(x)] for x in events.x], abs=1e-5)
    assert list(events.marker.color) == [int(math.copysign(1, v)) for v in values]
    assert trace(fig, "cooperative").marker.color == charts.COOPERATION
    assert trace(fig, "confrontational").marker.color == charts.CONFRONTATION


def test_markers_are_small_enough_for_exact_clicks(bundled):
    """Plotly's hover distance is 0 inside any marker ≤ 6 px and the last of equals wins: so a click on the
    balloon marker (the largest event among its neighbours) selects 2023-02-04."""
    index, scored = bundled
    fig = charts.index_figure(index, scored)
    events = trace(fig, "events")
    assert max(events.marker.size) <= 6 and events.mode == "markers"
    near = [i for i, x in enumerate(events.x) if abs((dt.date.fromisoformat(x) - BALLOON).days) <= 3]
    assert events.x[max(near)] == BALLOON.isoformat()
    assert all(x[:4].isdigit() and len(x) == 10 for x in events.x)  # a click reports YYYY-MM-DD


def test_index_figure_pulse_and_no_events(sample):
    index, _ = sample
    fig = charts.index_figure(index, None, pulse=index.select("date", "index"))
    assert names(fig) == ["index", "pulse", "index (overview)"]


def test_compare_line(sample):
    index, _ = sample
    fig = charts.index_figure(index, compare=index.select("date", pl.col("index") - 1), compare_name="scenario B")
    line = trace(fig, "scenario B")
    assert list(line.y) == pytest.approx((index["index"] - 1).to_list(), abs=1e-5)
    assert line.xaxis == "x2" and "scenario B" in line.hovertemplate


def test_day_line_and_landmarks(bundled):
    index, scored = bundled
    fig = charts.index_figure(index, scored, day=BALLOON, landmarks=5)
    day_lines = [s for s in fig.layout.shapes if s.type == "line"]
    assert len(day_lines) == 1 and day_lines[0].x0 == day_lines[0].x1 == "2023-02-04"
    labels = [a for a in fig.layout.annotations if a.showarrow]
    assert len(labels) == 5
    biggest = scored.with_columns(a=pl.col("value").abs()).top_k(5, by="a")["date"].cast(pl.String).to_list()
    assert sorted(a.x for a in labels) == sorted(biggest)
    assert all(len(a.text) <= charts.LANDMARK_CHARS for a in labels)
    assert len({(a.x, a.ay) for a in labels}) == 5
    none = charts.index_figure(index, scored, day=dt.date(1990, 1, 1))  # outside the view: no line
    assert not [s for s in none.layout.shapes if s.type == "line"]


@pytest.mark.parametrize(("text", "label"), [
    ("Pelosi visit to Taipei", "Pelosi visit to Taipei"),
    ("exactly twenty-eight chars!!", "exactly twenty-eight chars!!"),
    ("On Biden's order a US F-22 shot down the Chinese balloon", "On Biden's order a US F-22…"),
    ("<script>alert(1)</script> & more", "&lt;script&gt;alert(1)&lt;/script&gt;…"),
    ("Supercalifragilisticexpialidocious-and-more words", "Supercalifragilisticexpiali…"),
    (None, ""),
])
def test_short_label(text, label):
    assert charts.short_label(text) == label
    assert len(charts.html.unescape(charts.short_label(text))) <= charts.LANDMARK_CHARS


def test_bound_note_only_when_pinned(sample):
    index, scored = sample
    assert "at the bound" not in " ".join(a.text for a in charts.index_figure(index, scored).layout.annotations)
    pinned = index.with_columns(index=pl.Series([9.9, 9.7, -9.8, 1.0]))
    assert charts.pinned_share(pinned) == 0.75
    notes = [a.text for a in charts.index_figure(pinned, scored).layout.annotations]
    assert any("lower the half-life or raise the scale" in t for t in notes)
    assert not any("at the bound" in t for t in charts.index_figure(pinned, bound_note=False).layout.annotations)


def test_markers_aggregate_beyond_the_limit():
    events = synthetic(5_000, dt.date(2020, 1, 1), 400)
    index, scored = compute_index(events), score_events(events)
    fig = charts.index_figure(index, scored, max_markers=600)
    grouped = trace(fig, "events")
    assert len(grouped.x) <= 600
    counts, totals = np.asarray(grouped.customdata, dtype=float).T
    assert counts.sum() == scored.height  # every event is counted once
    assert totals.sum() == pytest.approx(scored["value"].sum(), rel=1e-4)
    assert "events, summed value" in grouped.hovertemplate and "customdata[1]" in grouped.hovertemplate
    assert max(grouped.marker.size) <= 6


def test_extremes_keep_spikes():
    values = np.sin(np.arange(73_000) / 500.0)
    values[12_345] = 9.0
    values[54_321] = -9.0
    keep = charts.extremes(values, 5_000)
    assert len(keep) <= 5_000 and list(keep) == sorted(set(keep))
    assert 12_345 in keep and 54_321 in keep
    assert values[keep].max() == 9.0 and values[keep].min() == -9.0
    assert list(charts.extremes(values[:100], 5_000)) == list(range(100))


def test_long_span_line_is_thinned():
    events = synthetic(100, dt.date(1900, 1, 1), 73_000)
    index = compute_index(events)
    fig = charts.index_figure(index, score_events(events))
    line = trace(fig, "index")
    assert len(line.y) <= charts.MAX_POINTS and len(line.x) == len(line.y)
    assert min(line.y) == pytest.approx(index["index"].min(), abs=1e-5)
    assert max(line.y) == pytest.approx(index["index"].max(), abs=1e-5)
    assert len(trace(fig, "index (overview)").y) <= charts.OVERVIEW_POINTS
    assert charts.figure_bytes(fig) <= 2_000_000


def test_payload_bounds_bundled(bundled):
    index, scored = bundled
    # 241 kB for the 2,098 events of December 2026 (hover summaries cut to hover_chars(2098) = 52 characters; 323 kB
    # with the fixed 80 characters); the browser target is at most 300 kB sent per slider rerun, this figure and
    # the rest of the page together (bench/bench_browser.py: 298 kB per rerun with 61 characters).
    assert charts.figure_bytes(charts.index_figure(index, scored)) <= 300_000
    assert charts.figure_bytes(charts.contributions_figure(index)) <= 150_000
    assert charts.figure_bytes(charts.tone_figure(index)) <= 100_000


def test_payload_bound_200k_events():
    events = synthetic(200_000, dt.date(2019, 1, 1), 5 * 365)
    index, scored = compute_index(events), score_events(events)
    fig = charts.index_figure(index, scored)
    assert charts.figure_bytes(fig) <= 1_000_000
    assert len(trace(fig, "events").x) <= charts.MAX_MARKERS
    assert charts.figure_bytes(charts.contributions_figure(index)) <= 150_000


def test_figure_bytes_is_the_json_length(sample):
    fig = charts.index_figure(*sample)
    assert charts.figure_bytes(fig) == len(fig.to_json())


def test_contributions_stack_to_raw(sample):
    index, _ = sample
    fig = charts.contributions_figure(index)
    assert names(fig) == ["Talks", "Sanctions", "tone (positive)", "raw (sum)"]
    groups = {t.name: t.stackgroup for t in fig.data}
    assert groups["Talks"] == "up" and groups["Sanctions"] == "down" and groups["tone (positive)"] == "up"
    stacked = np.sum([np.asarray(t.y) for t in fig.data[:-1]], axis=0)
    assert stacked == pytest.approx(index["raw"].to_numpy(), abs=1e-4)
    assert list(fig.data[-1].y) == pytest.approx([4.0, 4.0, -3.0, -3.0 + 3 * index["tone_mean"][3]], abs=1e-5)
    assert "raw points" in fig.layout.yaxis.title.text


def test_contributions_respect_weight_sign(sample):
    index, _ = sample
    fig = charts.contributions_figure(index, {"sanctions": 2.0})
    assert {t.name: t.stackgroup for t in fig.data}["Sanctions"] == "up"


def test_contributions_weekly_for_long_spans(bundled):
    index, _ = bundled
    fig = charts.contributions_figure(index)
    raw = fig.data[-1]
    assert raw.name == "raw (sum)" and raw.dx == 7 * 86_400_000
    # the value at the end of each week, counted back from the last day in view
    sampled = index["raw"].to_numpy()[::-1][::7][::-1]
    assert len(raw.y) == len(sampled) and list(raw.y) == pytest.approx(sampled, rel=1e-5, abs=1e-3)
    assert dt.date.fromisoformat(raw.x0) + dt.timedelta(days=7 * (len(raw.y) - 1)) == index["date"][-1]
    stacked = np.sum([np.asarray(t.y, dtype=float) for t in fig.data[:-1]], axis=0)
    assert stacked == pytest.approx(sampled, rel=1e-4, abs=1e-2)
    assert "weekly" in fig.layout.title.text and "end of the week" in fig.layout.xaxis.hoverformat
    short = charts.contributions_figure(index.tail(300))
    assert short.data[-1].dx == 86_400_000 and len(short.data[-1].y) == 300


def test_contributions_legend_lists_every_trace_in_groups(bundled):
    index, _ = bundled
    fig = charts.contributions_figure(index)
    assert all(t.showlegend is not False and t.name for t in fig.data)
    titles = {t.legendgroup: t.legendgrouptitle.text for t in fig.data if t.legendgroup}
    assert titles == {"cooperative": "Cooperative", "confrontational": "Confrontational", "tone": "Tone"}
    drawn = {t.name for t in fig.data}
    expected = {t.label for t in TYPES if index[f"contrib_{t.id}"].abs().max() > 0}
    assert expected <= drawn and len(expected) >= 15  # only types with a contribution, all of them listed
    assert fig.layout.legend.orientation == "v"


def lab(colour: str) -> tuple[float, float, float]:
    """CIE L*a*b* (D65) of a #RRGGBB colour."""
    def linear(c: float) -> float:
        return ((c + 0.055) / 1.055) ** 2.4 if c > 0.04045 else c / 12.92

    r, g, b = (linear(int(colour[i:i + 2], 16) / 255) for i in (1, 3, 5))
    x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047
    y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883

    def f(v: float) -> float:
        return v ** (1 / 3) if v > 0.008856 else 7.787 * v + 16 / 116

    return 116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))


def hue(colour: str) -> float:
    return 360 * colorsys.rgb_to_hls(*(int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)))[0]


def test_type_colours_distinct_and_by_group():
    colours = charts.type_colours()
    assert set(colours) == {t.id for t in TYPES} and len(colours) == 17
    assert len(set(colours.values())) == 17
    every = [*colours.values(), charts.TONE]
    closest = min(math.dist(lab(a), lab(b)) for a, b in itertools.combinations(every, 2))
    assert closest >= 12  # CIE76 ΔE: clearly distinguishable side by side
    for t in TYPES:
        h = hue(colours[t.id])
        if t.group == "cooperative":
            assert 90 <= h <= 230, t.id  # greens, teals, blues
        elif t.group == "confrontational":
            assert h >= 310 or h <= 50, t.id  # magentas, reds, oranges, browns, golds
        else:
            assert colours[t.id] == charts.NEUTRAL
    assert 260 <= hue(charts.TONE) <= 290  # purple, apart from both


def test_chart_config():
    config = charts.chart_config("tension-index")
    assert config["displaylogo"] is False and config["displayModeBar"] is True
    assert config["toImageButtonOptions"] == {"format": "png", "filename": "tension-index", "scale": 2}
    assert "toImage" in itertools.chain.from_iterable(config["modeBarButtons"])
    assert charts.CHART_CONFIG["toImageButtonOptions"]["filename"] == "tension-chart"
    assert config is not charts.chart_config("tension-index")


def test_tone_figure(sample):
    index, _ = sample
    fig = charts.tone_figure(index)
    assert names(fig) == ["mean tone", "90-day mean"]
    bars = fig.data[0]
    assert list(bars.y) == pytest.approx([index["tone_mean"][3]], abs=1e-6)
    assert list(bars.x) == ["2023-01-04"]
    # colour by sign through a two-step colour scale (numbers, not one colour string per bar)
    assert list(bars.marker.color) == pytest.approx(list(bars.y)) and bars.marker.cmin == -1
    assert bars.marker.colorscale[0][1] == charts.CONFRONTATION and bars.marker.colorscale[-1][1] == charts.COOPERATION
    trend = fig.data[1]
    assert np.isnan(np.asarray(trend.y[:3], dtype=float)).all()  # no statement yet: no mean
    assert trend.y[3] == pytest.approx(index["tone_mean"][3], abs=1e-6)
    empty = charts.tone_figure(index.head(3))
    assert len(empty.data) == 0 and "no quoted statements" in empty.layout.annotations[0].text


def test_tone_bars_merge_beyond_the_limit(bundled):
    index, _ = bundled
    days = index.filter(pl.col("n_statements") > 0)
    fig = charts.tone_figure(index, max_bars=50)
    bars = fig.data[0]
    assert len(bars.x) <= 50
    assert sum(bars.customdata) == days["n_statements"].sum()  # every statement counted once
    mean = (days["tone_mean"] * days["n_statements"]).sum() / days["n_statements"].sum()
    weighted = float(np.dot(bars.y, bars.customdata) / np.sum(bars.customdata))
    assert weighted == pytest.approx(mean, abs=1e-4)
    assert "days from" in bars.hovertemplate


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


def test_cut_words_keeps_whole_words_and_marks_the_cut():
    assert charts.cut_words("a b c", 10) == "a b c"
    assert charts.cut_words("  spaced   out  ", 20) == "spaced out"
    cut = charts.cut_words("The Treasury sanctioned four officials, over Hong Kong", 30)
    assert cut == "The Treasury sanctioned four…"
    assert charts.cut_words("Supercalifragilistic", 6) == "Super…"
    assert charts.cut_words(None, 5) == ""
    assert charts.short_label("<b> & more words here", 12) == "&lt;b&gt; &amp; more…"


def test_event_hover_shows_the_first_words_of_long_summaries():
    events = make_events([("2023-01-01", "talks", 1.0)]).with_columns(summary=pl.lit("word " * 60))
    fig = charts.index_figure(compute_index(events), score_events(events))
    shown = trace(fig, "events").customdata[0][1]
    assert shown.endswith("…") and len(shown.replace("<br>", "")) <= charts.HOVER_CHARS


def test_a_given_hover_column_is_used_and_equals_the_one_built(bundled):
    index, scored = bundled
    built = charts.index_figure(index, scored)
    hover = charts.hover_summaries(scored["summary"])
    assert hover.name == "hover" and hover.len() == scored.height
    given = charts.index_figure(index, scored.with_columns(hover))
    assert trace(given, "events").customdata == trace(built, "events").customdata   # same text, not rebuilt
    marked = charts.index_figure(index, scored.with_columns(pl.lit("H").alias("hover")))
    assert {row[1] for row in trace(marked, "events").customdata} == {"H"}          # the given column is what shows


def test_safe_text_wraps_and_escapes():
    assert charts.safe_text(None) == ""
    text = charts.safe_text("<script>" + " word" * 30, width=40)
    assert "<script>" not in text and "&lt;script&gt;" in text and text.count("<br>") >= 3


def test_band_is_drawn_between_its_bounds_and_alerts_sit_on_their_side(sample):
    index, events = sample
    band = index.select("date", index_low=pl.col("index") - 1.0, index_high=pl.col("index") + 1.0)
    day = index["date"][len(index) // 2]
    alerts = pl.DataFrame({"date": [day, index["date"][0]], "direction": ["cooperative", "confrontational"]})
    fig = charts.index_figure(index, events, band=band, alerts=alerts)
    low, high = (t for t in fig.data if t.name == "5–95 % over plausible weights")
    assert high.fill == "tonexty" and not low.showlegend
    assert np.allclose(np.asarray(high.y, dtype=float) - np.asarray(low.y, dtype=float), 2.0, atol=1e-5)
    up, down = trace(fig, "alert: cooperative"), trace(fig, "alert: confrontational")
    at_day = index.filter(pl.col("date") == day)["index"][0]
    assert up.marker.symbol == "triangle-up" and float(up.y[0]) > at_day
    assert down.marker.symbol == "triangle-down" and float(down.y[0]) < index["index"][0]
    assert {t.xaxis for t in fig.data if t.name != "index (overview)"} == {"x2"}  # not in the range slider
    plain = charts.index_figure(index, events)
    assert not any(str(t.name).startswith(("alert", "5–95")) for t in plain.data)


def test_nowcast_is_dashed_after_the_record_and_never_joined(sample):
    index, events = sample
    last = index["date"][-1]
    days = pl.date_range(last + dt.timedelta(days=1), last + dt.timedelta(days=5), "1d", eager=True)
    nc = pl.DataFrame({"date": days, "index": [1.0] * 5, "index_low": [0.5] * 5, "index_high": [1.5] * 5})
    fig = charts.index_figure(index, events, nowcast=nc)
    lines = [t for t in fig.data if t.name == "GDELT nowcast (machine-coded)"]
    assert len(lines) == 3 and lines[-1].line.dash == "dash" and lines[1].fill == "tonexty"
    assert str(lines[-1].x0)[:10] == (last + dt.timedelta(days=1)).isoformat()  # starts after the record
    line = trace(fig, "index")
    assert str(line.x0)[:10] == index["date"][0].isoformat() and len(line.y) == index.height  # the record unchanged


def test_hover_labels_shorten_as_the_working_set_grows():
    assert charts.hover_chars(1) == charts.hover_chars(1375) == charts.HOVER_CHARS == 80
    assert charts.hover_chars(2098) == 52                     # the bundled record of December 2026
    assert charts.hover_chars(10**6) == charts.HOVER_MIN      # never below a readable minimum
    summaries = pl.Series("summary", ["word " * 40] * 2098)
    assert max(len(h.replace("<br>", "")) for h in charts.hover_summaries(summaries)) <= 52
