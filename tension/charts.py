"""Plotly figure builders for the dashboard: polars frames in, ``go.Figure`` out (no streamlit here).

Colours: cooperation in cool hues (blues, teals, greens), confrontation in warm ones (golds, oranges, reds, browns,
magentas), tone in purple, neutral in grey. Figures stay light in the browser whatever the input: numbers travel as
typed arrays (float32), evenly spaced days as ``x0``/``dx`` instead of one date string each, long lines are thinned to
the minimum and maximum of each bucket (spikes survive), and beyond ``MAX_MARKERS`` events the markers are
aggregated. Downloads keep the daily values; only the drawing is thinned.
"""

from __future__ import annotations

import datetime as dt
import html
import math
import textwrap

import numpy as np
import plotly.graph_objects as go
import polars as pl

from tension.analysis import at_bound
from tension.index import INDEX_BOUND, LEVELS
from tension.taxonomy import TYPES, resolve_weights

COOPERATION = "#0072B2"
CONFRONTATION = "#D55E00"
NEUTRAL = "#8C8C8C"
TONE = "#6A3D9A"
INDEX_LINE = "#1A1A1A"
PULSE_LINE = "#009E73"
COMPARE_LINE = "#6A3D9A"
DAY_LINE = "#444444"
#: The nowcast past the record: dashed, in a colour no other line uses, with a light band.
NOWCAST_LINE = "#7B3294"
NOWCAST_FILL = "rgba(123, 50, 148, 0.15)"
#: Fill of the weight uncertainty band (the index line's grey, light).
BAND_FILL = "rgba(26, 26, 26, 0.14)"
#: Band colour of each level, from confrontation (vermillion) to friendly (blue).
LEVEL_COLOURS = {
    "confrontation": "#D55E00",
    "tense": "#E69F00",
    "discord": "#F0C27A",
    "normal": "#A6CEE3",
    "good": "#56B4E9",
    "friendly": "#0072B2",
}
BAND_OPACITY = 0.16
#: One colour per event type, chosen to stay apart in lightness as well as hue.
_TYPE_COLOURS = {
    "talks": "#1F4E9C", "visit": "#5AAEE8", "phone_call": "#17A3A3", "agreement": "#1B7F3B",
    "cooperation": "#8BD17C", "statement": NEUTRAL, "accusation": "#F2C12E", "threat": "#E69F00",
    "cancellation": "#FDAE6B", "suspension": "#F46D43", "sanctions": "#D7191C", "export_controls": "#A50026",
    "tariffs": "#8C510A", "expulsion": "#C08A3E", "military_activity": "#5C1A0B", "incident": "#F768A1",
    "sovereignty_dispute": "#AE017E",
}
GROUP_TITLES = {"cooperative": "Cooperative", "neutral": "Neutral", "confrontational": "Confrontational",
                "tone": "Tone"}

#: Beyond this many events in view, markers are aggregated per (day, sign), or per longer buckets if needed.
MAX_MARKERS = 3000
#: Lines with more points than this are drawn as the minimum and maximum of each bucket of days.
MAX_POINTS = 5000
#: Points of the index overview drawn in the range slider.
OVERVIEW_POINTS = 1000
#: The contributions chart switches from daily to weekly values beyond this many days in view.
WEEKLY_AFTER_DAYS = 731
#: At most this many points per contribution series (the step grows in whole weeks beyond it).
MAX_CONTRIB_POINTS = 600
#: The tone bars are merged into buckets of days beyond this many days with statements.
MAX_BARS = 2000
#: A day is "at the bound" when |index| ≥ this; the note shows when at least BOUND_SHARE of the days are.
BOUND_LEVEL = 9.5
BOUND_SHARE = 0.25
LANDMARK_CHARS = 28
#: Characters of an event's summary in its marker's hover label (the whole summary is in the drivers table): at most
#: HOVER_CHARS, fewer for a working set of more than 1,375 events so that all labels together stay within HOVER_BUDGET
#: characters (the labels are most of what a slider move sends to the browser), never fewer than HOVER_MIN.
HOVER_CHARS = 80
HOVER_BUDGET = 110_000
HOVER_MIN = 30
#: The plot width assumed when stacking landmark labels so that neighbours do not overlap.
LANDMARK_WIDTH_PX = 1100
_DAY_MS = 86_400_000
_DATE = "%Y-%m-%d"
#: Tick labels by zoom level, all ISO-style: days, months, years.
_TICKFORMATS = [{"dtickrange": [None, 15 * _DAY_MS], "value": _DATE},
                {"dtickrange": ["M1", "M6"], "value": "%Y-%m"}, {"dtickrange": ["M12", None], "value": "%Y"}]


def chart_config(filename: str = "tension-chart") -> dict[str, object]:
    """A fresh Plotly config for ``st.plotly_chart(config=...)``: toolbar always shown, no logo, a PNG download
    (2× scale, named ``filename``) and only the buttons that fit a phone."""
    return {
        "displaylogo": False,
        "displayModeBar": True,
        "responsive": True,
        "toImageButtonOptions": {"format": "png", "filename": filename, "scale": 2},
        "modeBarButtons": [["toImage"], ["zoom2d", "pan2d", "resetScale2d"]],
    }


#: The default config (copy it before changing anything: ``dict(CHART_CONFIG)``).
CHART_CONFIG = chart_config()


def type_colours() -> dict[str, str]:
    """A distinct colour per event type: cool hues for cooperative types, warm for confrontational, grey for
    neutral."""
    return {t.id: _TYPE_COLOURS[t.id] for t in TYPES}


def figure_bytes(fig: go.Figure) -> int:
    """The size of ``fig`` as sent to the browser: the length of its JSON."""
    return len(fig.to_json())


def safe_text(text: str | None, width: int = 70) -> str:
    """User text for Plotly hover labels: HTML-escaped (no tags from data), wrapped with <br>."""
    if not text:
        return ""
    return "<br>".join(textwrap.wrap(html.escape(text, quote=False), width)) or ""


def cut_words(text: str | None, limit: int) -> str:
    """The first words of ``text`` in at most ``limit`` characters, with … when cut (plain text, not escaped)."""
    words = (text or "").split()
    if len(" ".join(words)) <= limit:
        return " ".join(words)
    out = ""
    for word in words:
        candidate = f"{out} {word}" if out else word
        if len(candidate) > limit - 1:
            break
        out = candidate
    if not out and words:
        out = words[0][:limit - 1]
    return out.rstrip(",;:.&-–— ") + "…"


def hover_chars(n_events: int) -> int:
    """Characters of each summary shown in the markers' hover labels for ``n_events`` events (see HOVER_BUDGET)."""
    return max(HOVER_MIN, min(HOVER_CHARS, HOVER_BUDGET // max(n_events, 1)))


def hover_summaries(summary: pl.Series) -> pl.Series:
    """Each summary as its event marker's hover shows it (the first ``hover_chars(len(summary))`` characters, escaped
    and wrapped), as a ``hover`` column; it does not depend on the weights, so a dashboard can compute it once per
    working set and pass it to ``index_figure`` with the scored events."""
    limit = hover_chars(summary.len())
    return pl.Series("hover", [safe_text(cut_words(s, limit)) for s in summary.to_list()], dtype=pl.String)


def short_label(text: str | None, limit: int = LANDMARK_CHARS) -> str:
    """The first words of ``text`` in at most ``limit`` characters (… when cut), HTML-escaped for a label."""
    return html.escape(cut_words(text, limit), quote=False)


def pinned_share(index: pl.DataFrame, level: float = BOUND_LEVEL) -> float:
    """The share of days whose |index| exceeds ``level`` (``tension.analysis.at_bound``; 0 for an empty frame)."""
    return at_bound(index["index"], level) if index.height else 0.0


def _is_daily(dates: pl.Series) -> bool:
    """True when ``dates`` are consecutive days (so ``x0``/``dx`` can stand in for the dates)."""
    return dates.len() < 2 or bool((dates.diff().drop_nulls().dt.total_days() == 1).all())


def _f32(values: pl.Series | np.ndarray) -> np.ndarray:
    """Floats as float32 (half the bytes in the JSON; nulls become NaN, drawn as gaps)."""
    if isinstance(values, pl.Series):
        values = values.cast(pl.Float64).fill_null(float("nan")).to_numpy()
    return np.asarray(values, dtype=np.float32)


def _iso(dates: pl.Series) -> list[str]:
    """Dates as YYYY-MM-DD text (what a click on a point reports back)."""
    return dates.dt.strftime(_DATE).to_list()


def extremes(values: np.ndarray, max_points: int = MAX_POINTS) -> np.ndarray:
    """Row positions that keep the minimum and maximum of each of ``max_points // 2`` equal buckets (all rows when
    there are at most ``max_points``), in order: a thinned line that keeps every spike."""
    n = len(values)
    if n <= max_points:
        return np.arange(n)
    width = -(-n // max(1, max_points // 2))
    v = np.asarray(values, dtype=float)
    pad = (-n) % width
    grid = np.concatenate([v, np.full(pad, np.nan)]).reshape(-1, width)
    starts = np.arange(0, n, width)
    low = np.argmin(np.where(np.isnan(grid), np.inf, grid), axis=1) + starts
    high = np.argmax(np.where(np.isnan(grid), -np.inf, grid), axis=1) + starts
    return np.unique(np.concatenate([low, high]))


def _line_x(dates: pl.Series, keep: np.ndarray, step_days: int = 1) -> dict[str, object]:
    """The x of a line over ``dates[keep]``: ``x0``/``dx`` when evenly spaced days, else ISO date strings."""
    if len(keep) == dates.len() and step_days == 1 and _is_daily(dates) and dates.len():
        return {"x0": dates[0].isoformat(), "dx": _DAY_MS}
    return {"x": _iso(dates.gather(keep))}


def _line(frame: pl.DataFrame, column: str, max_points: int, custom: str | None = None,
          **trace: object) -> go.Scatter:
    """A line of ``frame[column]`` over ``frame['date']``, thinned to ``max_points`` (min and max per bucket);
    ``custom`` names a numeric column carried as customdata for the hover."""
    y = frame[column].cast(pl.Float64).to_numpy()
    keep = extremes(y, max_points)
    if custom is not None:
        trace["customdata"] = _f32(frame[custom].cast(pl.Float64).to_numpy()[keep])
    return go.Scatter(**_line_x(frame["date"], keep), y=_f32(y[keep]), mode="lines", **trace)


def _layout(title: str, y_title: str, height: int, *, x_title: str | None = None, xaxis: dict | None = None,
            yaxis: dict | None = None, legend: dict | None = None, margin: dict | None = None,
            **extra: object) -> dict:
    """One layout dict (a figure is built in a single call: Plotly's update_* calls are slow). The title sits
    below the toolbar and the legend at the bottom, so neither overlaps the other on a phone."""
    grid = {"showgrid": True, "gridcolor": "#EEEEEE", "automargin": True}
    return {
        "title": {"text": title, "x": 0, "xref": "container", "xanchor": "left", "y": 1, "yref": "container",
                  "yanchor": "top", "pad": {"t": 30, "l": 8}, "font": {"size": 15}},
        "height": height, "margin": {"l": 50, "r": 12, "t": 62, "b": 10, **(margin or {})}, "hovermode": "closest",
        "plot_bgcolor": "white",
        "legend": {"orientation": "h", "x": 0, "xanchor": "left", "y": 0, "yref": "container", "yanchor": "bottom",
                   "font": {"size": 11}, **(legend or {})},
        "xaxis": {**grid, "title": {"text": x_title or ""}, **(xaxis or {})},
        "yaxis": {**grid, "title": {"text": y_title}, "zeroline": True, "zerolinecolor": "#BBBBBB", **(yaxis or {})},
        **extra,
    }


def _date_axis(**extra: object) -> dict:
    """A date x axis: hover dates as YYYY-MM-DD, ticks as YYYY, YYYY-MM or YYYY-MM-DD by zoom."""
    return {"type": "date", "hoverformat": _DATE, "tickformatstops": _TICKFORMATS, **extra}


def _key(name: str, colour: str, rank: int) -> go.Scatter:
    """A legend-only entry (no data) naming a marker colour."""
    return go.Scatter(x=[None], y=[None], mode="markers", name=name, legendrank=rank, xaxis="x2", hoverinfo="skip",
                      marker={"color": colour, "size": 8})


def _event_markers(marks: pl.DataFrame, max_markers: int) -> list[go.Scatter]:
    """The scored events on the index line (``marks``: date, type, summary, value, y, optional hover) as one marker
    trace coloured by sign, aggregated per (bucket of days, sign) beyond ``max_markers``; then legend-only keys for
    the colours.

    A click selects the hovered marker. Plotly hovers the marker whose centre is nearest, but every marker of at
    most 6 px counts as distance 0 under the cursor and the last one in the trace wins: so markers stay ≤ 6 px and
    are ordered by |value|, and a click on overlapping markers picks the largest event (drawn on top)."""
    signs = marks["value"].sign()
    keys = [_key(name, colour, rank) for sign, name, colour, rank in
            ((1, "cooperative", COOPERATION, 3), (-1, "confrontational", CONFRONTATION, 4), (0, "worth 0", NEUTRAL, 5))
            if (signs == sign).any()]
    common = {"mode": "markers", "xaxis": "x2", "showlegend": False, "name": "events"}
    colour = {"cmin": -1, "cmax": 1, "colorscale": [[0, CONFRONTATION], [0.5, NEUTRAL], [1, COOPERATION]],
              "line": {"color": "white", "width": 0.3}, "opacity": 0.9}
    # A click selects one marker; the others keep their look (the chosen day gets its own line via ``day``).
    common |= {"selected": {"marker": {"size": 10}}, "unselected": {"marker": {"opacity": 0.9}}}
    if marks.height <= max_markers:
        part = marks.with_columns(size=pl.col("value").abs()).sort("size", maintain_order=True)
        size = (4 + (part["size"] / 4).clip(0, 2)).round().cast(pl.UInt8).to_numpy()
        trace = go.Scatter(
            x=_iso(part["date"]), y=_f32(part["y"]), **common,
            marker={"color": part["value"].sign().cast(pl.Int8).to_numpy(), "size": size, **colour},
            customdata=[list(row) for row in zip(part["type"].to_list(),
                                                 (part["hover"] if "hover" in part.columns
                                                  else hover_summaries(part["summary"])).to_list(),
                                                 part["value"].round(2).to_list())],
            hovertemplate="<b>%{x|%Y-%m-%d} · %{customdata[0]}</b><br>%{customdata[1]}<br>"
                          "contribution on the day: %{customdata[2]:+.2f} raw points<br>"
                          "index on the day: %{y:.2f}<extra></extra>")
        return [trace, *keys]
    first = marks["date"].min()
    span = (marks["date"].max() - first).days + 1
    width = 1
    while 2 * -(-span // width) > max_markers:  # at most two groups (signs) per bucket
        width *= 2
    grouped = (marks.with_columns(bucket=(pl.col("date") - first).dt.total_days() // width,
                                  sign=pl.col("value").sign())
               .sort(pl.col("value").abs(), descending=True)
               .group_by("bucket", "sign", maintain_order=True)
               .agg(pl.col("date").first(), pl.col("y").first(), n=pl.len(), total=pl.col("value").sum())
               .sort(pl.col("total").abs(), maintain_order=True))
    where = "%{x|%Y-%m-%d}" if width == 1 else f"{width}-day bucket, largest on %{{x|%Y-%m-%d}}"
    size = (4 + (grouped["total"].abs() / 20).clip(0, 2)).round().cast(pl.UInt8).to_numpy()
    trace = go.Scatter(
        x=_iso(grouped["date"]), y=_f32(grouped["y"]), **common,
        marker={"color": grouped["sign"].cast(pl.Int8).to_numpy(), "size": size, **colour},
        customdata=np.column_stack([grouped["n"].to_numpy(), grouped["total"].to_numpy()]).astype(np.float32),
        hovertemplate=f"<b>{where}</b><br>%{{customdata[0]:,.0f}} events, summed value %{{customdata[1]:+.1f}} "
                      "raw points<br>index on the day: %{y:.2f}<extra></extra>")
    return [trace, *keys]


def _landmarks(marks: pl.DataFrame, n: int, height: int, width_px: int = LANDMARK_WIDTH_PX) -> list[dict]:
    """Short text labels for the ``n`` events of largest |value|, above the line when the index is ≤ 0 and below
    otherwise; each label takes the shortest leader line whose box misses the labels already placed (in pixels of
    a plot assumed ``width_px`` wide and ``height`` − 180 high)."""
    if n <= 0 or marks.height == 0:
        return []
    lo = marks["date"].min()
    per_day = width_px / max(1, (marks["date"].max() - lo).days)
    per_unit = max(100, height - 180) / (2 * INDEX_BOUND)
    top = marks.with_columns(size=pl.col("value").abs()).top_k(n, by="size").sort("size", descending=True)
    boxes: list[tuple[float, float, float, float]] = []
    out = []
    for row in top.iter_rows(named=True):
        text = short_label(row["summary"])
        above = row["y"] <= 0
        x = (row["date"] - lo).days * per_day
        y = (INDEX_BOUND - row["y"]) * per_unit  # pixels down from the top of the plot
        half = 3.1 * len(html.unescape(text)) + 4
        for reach in range(24, 240, 16):
            top_px = y - reach - 14 if above else y + reach
            box = (x - half, x + half, top_px, top_px + 14)
            if not any(box[0] < b[1] and b[0] < box[1] and box[2] < b[3] and b[2] < box[3] for b in boxes):
                break
        boxes.append(box)
        out.append({"x": row["date"].isoformat(), "y": row["y"], "xref": "x", "yref": "y", "text": text,
                    "showarrow": True, "arrowhead": 0, "arrowwidth": 0.8, "arrowcolor": "#777777", "ax": 0,
                    "ay": -reach if above else reach, "font": {"size": 10, "color": "#222222"},
                    "bgcolor": "rgba(255,255,255,0.85)", "borderpad": 1})
    return out


def _overview(index: pl.DataFrame, points: int = OVERVIEW_POINTS) -> go.Scatter:
    """The index line for the range slider: every k-th day (at most ``points``), thin and grey, no hover (it also
    lies under the real line in the plot)."""
    step = max(1, math.ceil(index.height / points))
    keep = np.arange(0, index.height, step)
    x = ({"x0": index["date"][0].isoformat(), "dx": step * _DAY_MS} if _is_daily(index["date"])
         else {"x": _iso(index["date"].gather(keep))})
    return go.Scatter(**x, y=_f32(index["index"].to_numpy()[keep]), mode="lines", name="index (overview)",
                      showlegend=False, hoverinfo="skip", line={"color": "#9A9A9A", "width": 1})


def _alert_markers(alerts: pl.DataFrame) -> list[go.Scatter]:
    """Triangles above (cooperative) or below (confrontational) the index on alert days; not click targets."""
    out = []
    for direction, symbol, colour, offset in (("cooperative", "triangle-up", COOPERATION, 0.9),
                                              ("confrontational", "triangle-down", CONFRONTATION, -0.9)):
        part = alerts.filter(pl.col("direction") == direction)
        if part.height:
            out.append(go.Scatter(x=_iso(part["date"]), y=_f32(part["y"].to_numpy() + offset), mode="markers",
                                  name=f"alert: {direction}", legendrank=6, xaxis="x2",
                                  marker={"symbol": symbol, "size": 8, "color": colour,
                                          "line": {"color": "#1A1A1A", "width": 1}},
                                  hovertemplate=f"%{{x|%Y-%m-%d}} · {direction} alert<extra></extra>"))
    return out


def index_figure(index: pl.DataFrame, events: pl.DataFrame | None = None, pulse: pl.DataFrame | None = None,
                 *, title: str = "China–US relations index", height: int = 460, day: dt.date | None = None,
                 landmarks: int = 0, bound_note: bool = True, compare: pl.DataFrame | None = None,
                 compare_name: str = "comparison", max_markers: int = MAX_MARKERS,
                 max_points: int = MAX_POINTS, band: pl.DataFrame | None = None,
                 alerts: pl.DataFrame | None = None, nowcast: pl.DataFrame | None = None) -> go.Figure:
    """The daily index (a line, the only trace in the range slider) over the six level bands, with clickable event
    markers; optional ``pulse`` and ``compare`` lines (date, index), a ``day`` marker, ``landmarks`` labels, a
    ``band`` (date, index_low, index_high: the weight uncertainty band), ``alerts`` (date, direction) markers and a
    ``nowcast`` after the record (date, index, index_low, index_high: dashed, in its own colour, never joined).
    A ``hover`` column in ``events`` (``hover_summaries``) is used as given instead of being rebuilt."""
    # Lines first, markers on top: the markers are the click targets (the lines take no clicks, and the index
    # line no hover either, since it passes through every marker); the markers' hover shows their day's index.
    traces = []
    if band is not None and band.height:
        traces += [_line(band, "index_low", max_points, name="5–95 % over plausible weights", legendrank=5,
                         xaxis="x2", line={"width": 0}, showlegend=False, hoverinfo="skip"),
                   _line(band, "index_high", max_points, name="5–95 % over plausible weights", legendrank=5,
                         xaxis="x2", line={"width": 0}, fill="tonexty", fillcolor=BAND_FILL, hoverinfo="skip")]
    traces.append(_line(index, "index", max_points, name="index", legendrank=1, xaxis="x2",
                        line={"color": INDEX_LINE, "width": 1.6}, hoverinfo="skip"))
    for frame, name, colour in ((pulse, "pulse", PULSE_LINE), (compare, compare_name, COMPARE_LINE)):
        if frame is not None and frame.height:
            traces.append(_line(frame, "index", max_points, name=name, legendrank=2, xaxis="x2",
                                line={"color": colour, "width": 1.3, "dash": "dot"},
                                hovertemplate=f"{html.escape(name)} %{{y:.2f}}<extra></extra>"))
    marks = None
    if events is not None and events.height:
        given = ["hover"] if "hover" in events.columns else []
        marks = events.select("date", "type", "summary", "value", *given).join(
            index.select("date", y=pl.col("index")), on="date", how="inner")
        traces += _event_markers(marks, max_markers)
    if nowcast is not None and nowcast.height:
        name = "GDELT nowcast (machine-coded)"
        traces += [_line(nowcast, "index_low", max_points, name=name, xaxis="x2", line={"width": 0},
                         showlegend=False, hoverinfo="skip"),
                   _line(nowcast, "index_high", max_points, name=name, xaxis="x2", line={"width": 0}, fill="tonexty",
                         fillcolor=NOWCAST_FILL, showlegend=False, hoverinfo="skip"),
                   _line(nowcast, "index", max_points, name=name, legendrank=2, xaxis="x2",
                         line={"color": NOWCAST_LINE, "width": 1.6, "dash": "dash"},
                         hovertemplate="%{x|%Y-%m-%d} · nowcast %{y:.2f}<extra></extra>")]
    if alerts is not None and alerts.height:
        traces += _alert_markers(alerts.join(index.select("date", y=pl.col("index")), on="date", how="inner"))
    if index.height:
        traces.append(_overview(index))
    shapes = [{"type": "rect", "xref": "paper", "x0": 0, "x1": 1, "yref": "y", "y0": low, "y1": high,
               "fillcolor": LEVEL_COLOURS[name], "opacity": BAND_OPACITY, "line": {"width": 0}, "layer": "below"}
              for low, high, name in LEVELS]
    notes = [{"xref": "paper", "x": 1, "xanchor": "right", "yref": "y", "y": (low + high) / 2, "text": name,
              "showarrow": False, "font": {"size": 10, "color": "#555555"}} for low, high, name in LEVELS]
    if day is not None and index.height and index["date"].min() <= day <= index["date"].max():
        shapes.append({"type": "line", "xref": "x", "x0": day.isoformat(), "x1": day.isoformat(), "yref": "paper",
                       "y0": 0, "y1": 1, "line": {"color": DAY_LINE, "width": 1.2, "dash": "dash"}})
        notes.append({"xref": "x", "x": day.isoformat(), "xanchor": "left", "yref": "paper", "y": 1,
                      "yanchor": "top", "text": day.isoformat(), "showarrow": False,
                      "font": {"size": 10, "color": DAY_LINE}, "bgcolor": "rgba(255,255,255,0.8)"})
    if marks is not None:
        notes += _landmarks(marks, landmarks, height)
    if bound_note and pinned_share(index) >= BOUND_SHARE:
        notes.append({"xref": "paper", "x": 0.01, "xanchor": "left", "yref": "paper", "y": 0.02, "yanchor": "bottom",
                      "text": f"index at the bound (|index| > {BOUND_LEVEL:g} on {pinned_share(index):.0%} of days): "
                              "lower the half-life or raise the scale", "showarrow": False,
                      "font": {"size": 11, "color": "#7A2E00"}, "bgcolor": "#FFF4D6", "bordercolor": "#E69F00"})
    # Plotly draws every trace of x in its range slider: the markers and lines live on x2 (overlaying x, same
    # range) and x holds only a light overview of the index.
    layout = _layout(title, "index (−10 … +10)", height, shapes=shapes, annotations=notes, hovermode="closest",
                     legend={"itemclick": False, "itemdoubleclick": False},  # a key only
                     xaxis=_date_axis(rangeslider={"visible": True, "thickness": 0.07}),
                     xaxis2=_date_axis(overlaying="x", matches="x", visible=False),
                     yaxis={"range": [-INDEX_BOUND, INDEX_BOUND], "dtick": 2, "fixedrange": True})
    return go.Figure(data=traces, layout=layout)


def _contribution_rows(index: pl.DataFrame) -> tuple[np.ndarray, int]:
    """Row positions drawn in the contributions chart and their step in days: every day up to
    ``WEEKLY_AFTER_DAYS``, else every 7th (or 7·k-th) day counted back from the last day in view."""
    n = index.height
    if n <= WEEKLY_AFTER_DAYS or not _is_daily(index["date"]):
        return np.arange(n), 1
    step = 7 * max(1, math.ceil(n / (7 * MAX_CONTRIB_POINTS)))
    return np.arange(n - 1, -1, -step)[::-1], step


def contributions_figure(index: pl.DataFrame, weights: dict[str, float] | None = None, *,
                         title: str = "Contributions by event type", height: int = 560) -> go.Figure:
    """Each type's share of ``raw`` over time, stacked (positive weights above zero, negative below), with ``raw``
    as a line; tone is split into positive and negative parts so stacks never cross zero. Beyond two years in view
    the values are those at the end of each week (contributions are a stock); daily values stay in downloads."""
    w = resolve_weights(weights)
    colours = type_colours()
    rows, step = _contribution_rows(index)
    view = index[rows] if len(rows) < index.height else index
    x = _line_x(view["date"], np.arange(view.height), step) if step == 1 else {
        "x0": view["date"][0].isoformat(), "dx": step * _DAY_MS}
    series: list[tuple[str, pl.Series, str, str, str]] = []
    for t in TYPES:
        if index[f"contrib_{t.id}"].abs().max() == 0:
            continue
        series.append((t.label, view[f"contrib_{t.id}"], colours[t.id], "up" if w[t.id] >= 0 else "down", t.group))
    tone = view["contrib_tone"]
    if index["contrib_tone"].max() > 0:
        series.append(("tone (positive)", tone.clip(lower_bound=0), TONE, "up", "tone"))
    if index["contrib_tone"].min() < 0:
        series.append(("tone (negative)", tone.clip(upper_bound=0), "#B49AD6", "down", "tone"))
    traces = [go.Scatter(**x, y=_f32(col), name=label, stackgroup=stack, mode="lines",
                         line={"width": 0.4, "color": colour}, fillcolor=colour, legendgroup=group,
                         legendgrouptitle={"text": GROUP_TITLES[group]},
                         hovertemplate=f"{html.escape(label)}: %{{y:+.1f}}<extra></extra>")
              for label, col, colour, stack, group in series]
    # The sum is drawn last (on top of the stacks) and listed first.
    traces.append(go.Scatter(**x, y=_f32(view["raw"]), name="raw (sum)", mode="lines", legendrank=1,
                             line={"color": INDEX_LINE, "width": 1.5}, hovertemplate="raw: %{y:+.1f}<extra></extra>"))
    when = _DATE if step == 1 else f"{_DATE} (value at the end of {'the week' if step == 7 else f'{step} days'})"
    if step > 1:
        title = f"{title} · {'weekly' if step == 7 else f'every {step} days'}"
    # A vertical legend on the right lists every type with its group title (it fits at the default height).
    layout = _layout(title, "contribution (raw points)", height, hovermode="x unified",
                     xaxis=_date_axis(hoverformat=when), margin={"r": 8},
                     legend={"orientation": "v", "x": 1.01, "xanchor": "left", "y": 1, "yref": "paper",
                             "yanchor": "top", "font": {"size": 10}, "grouptitlefont": {"size": 11},
                             "tracegroupgap": 2, "traceorder": "grouped", "groupclick": "toggleitem"})
    return go.Figure(data=traces, layout=layout)


def rolling_tone(index: pl.DataFrame, window: int = 90) -> pl.DataFrame:
    """``date, tone``: the mean tone of all statements in the ``window`` days up to each day (null without any)."""
    total = (pl.col("tone_mean").fill_null(0.0) * pl.col("n_statements")).rolling_sum(window, min_samples=1)
    count = pl.col("n_statements").rolling_sum(window, min_samples=1)
    return index.select("date", tone=pl.when(count > 0).then(total / count))


def _tone_bars(days: pl.DataFrame, max_bars: int) -> tuple[pl.DataFrame, int]:
    """``date, tone, n`` per day with statements, or per bucket of days (statement-weighted mean) when there are
    more than ``max_bars`` such days; with the bucket width in days."""
    frame = days.select("date", tone=pl.col("tone_mean"), n=pl.col("n_statements"))
    if frame.height <= max_bars:
        return frame, 1
    first = frame["date"].min()
    span = (frame["date"].max() - first).days + 1
    width = -(-span // max_bars)
    bucket = (pl.col("date") - first).dt.total_days() // width
    merged = (frame.group_by(bucket.alias("bucket")).agg(
        pl.col("date").min(), tone=(pl.col("tone") * pl.col("n")).sum() / pl.col("n").sum(), n=pl.col("n").sum())
        .sort("date").drop("bucket"))
    return merged, width


def tone_figure(index: pl.DataFrame, *, title: str = "Tone of official statements", height: int = 320,
                window: int = 90, max_bars: int = MAX_BARS, max_points: int = MAX_POINTS) -> go.Figure:
    """The mean tone of each day's quoted statements (bars coloured by sign; merged into buckets of days beyond
    ``max_bars``) and its ``window``-day mean over all statements (a line)."""
    days = index.filter(pl.col("n_statements") > 0)
    traces, notes = [], []
    if days.height:
        bars, width = _tone_bars(days, max_bars)
        where = "%{x|%Y-%m-%d}" if width == 1 else f"{width} days from %{{x|%Y-%m-%d}}"
        tone = _f32(bars["tone"])
        span = (index["date"].max() - index["date"].min()).days + 1
        traces.append(go.Bar(x=_iso(bars["date"]), y=tone, name="mean tone",
                             width=max(width, span // 500) * _DAY_MS,  # at least ~2 px wide when drawn
                             marker={"color": tone, "cmin": -1, "cmax": 1, "showscale": False,
                                     "colorscale": [[0, CONFRONTATION], [0.5, CONFRONTATION], [0.5, COOPERATION],
                                                    [1, COOPERATION]], "line": {"width": 0}},
                             customdata=bars["n"].cast(pl.Float32).to_numpy(),
                             hovertemplate=f"{where}<br>tone %{{y:+.2f}} over %{{customdata:,.0f}} statement(s)"
                                           "<extra></extra>"))
        trend = rolling_tone(index, window)
        traces.append(_line(trend, "tone", max_points, name=f"{window}-day mean", line={"color": TONE, "width": 2},
                            hovertemplate=f"%{{x|%Y-%m-%d}}<br>{window}-day mean %{{y:+.2f}}<extra></extra>"))
    else:
        notes.append({"text": "no quoted statements in this range", "showarrow": False, "x": 0.5, "y": 0.5,
                      "xref": "paper", "yref": "paper"})
    layout = _layout(title, "tone (−1 hostile … +1 warm)", height, yaxis={"range": [-1.05, 1.05]},
                     xaxis=_date_axis(), annotations=notes, bargap=0)
    return go.Figure(data=traces, layout=layout)


def drivers_figure(drivers: pl.DataFrame, *, top: int = 12, title: str = "Drivers of the selected day",
                   height: int = 360) -> go.Figure:
    """The ``top`` largest decayed contributions of a ``tension.drivers`` frame as horizontal bars, labelled
    ``YYYY-MM-DD type``."""
    rows = drivers.head(top).reverse()
    labels = [f"{d:%Y-%m-%d} {t}" for d, t in zip(rows["date"].to_list(), rows["type"].to_list())]
    values = rows["contribution"].to_list()
    bar = go.Bar(x=values, y=list(range(len(values))), orientation="h",
                 marker={"color": [COOPERATION if v >= 0 else CONFRONTATION for v in values]},
                 customdata=list(zip(labels, [safe_text(s) for s in rows["summary"].to_list()])),
                 hovertemplate="%{customdata[0]}<br>%{customdata[1]}<br>contribution %{x:+.2f}<extra></extra>")
    layout = _layout(title, "", height, x_title="raw points", showlegend=False,
                     yaxis={"tickvals": list(range(len(values))), "ticktext": labels, "zeroline": False},
                     xaxis={"zeroline": True, "zerolinecolor": "#BBBBBB"})
    return go.Figure(data=[bar], layout=layout)
