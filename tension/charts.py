"""Plotly figure builders for the dashboard: polars frames in, ``go.Figure`` out (no streamlit here).

One colour-blind-safe palette (Okabe–Ito based) is used throughout: cooperation in blues, confrontation in
oranges and vermillion, tone in reddish purple.
"""

from __future__ import annotations

import html
import textwrap

import plotly.graph_objects as go
import polars as pl

from tension.index import LEVELS
from tension.taxonomy import TYPES, resolve_weights

COOPERATION = "#0072B2"
CONFRONTATION = "#D55E00"
NEUTRAL = "#7F7F7F"
TONE = "#CC79A7"
INDEX_LINE = "#1A1A1A"
PULSE_LINE = "#009E73"
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
_COOP_SHADES = ("#08306B", "#0072B2", "#56B4E9", "#4A6FA5", "#9ECAE1")
_CONF_SHADES = ("#D55E00", "#E69F00", "#8C2D04", "#F0C27A", "#B35806", "#FDB863", "#7F3B08", "#E08214",
                "#A50F15", "#FEE0B6", "#CC4C02")


def type_colours() -> dict[str, str]:
    """A colour per event type: blues for cooperative types, oranges/reds for confrontational, grey for neutral."""
    coop = iter(_COOP_SHADES)
    conf = iter(_CONF_SHADES)
    out = {}
    for t in TYPES:
        if t.group == "cooperative":
            out[t.id] = next(coop, COOPERATION)
        elif t.group == "confrontational":
            out[t.id] = next(conf, CONFRONTATION)
        else:
            out[t.id] = NEUTRAL
    return out


def safe_text(text: str | None, width: int = 70) -> str:
    """User text for Plotly hover labels: HTML-escaped (no tags from data), wrapped with <br>."""
    if not text:
        return ""
    return "<br>".join(textwrap.wrap(html.escape(text, quote=False), width)) or ""


def _layout(title: str, y_title: str, height: int, *, x_title: str = "date", xaxis: dict | None = None,
            yaxis: dict | None = None, **extra: object) -> dict:
    """One layout dict (a figure is built in a single call: Plotly's update_* calls are slow)."""
    grid = {"showgrid": True, "gridcolor": "#EEEEEE"}
    return {
        "title": {"text": title, "x": 0, "xanchor": "left"}, "height": height,
        "margin": {"l": 60, "r": 20, "t": 80, "b": 40}, "hovermode": "closest", "plot_bgcolor": "white",
        "legend": {"orientation": "h", "y": 1.0, "yanchor": "bottom", "x": 1, "xanchor": "right"},
        "xaxis": {**grid, "title": {"text": x_title}, **(xaxis or {})},
        "yaxis": {**grid, "title": {"text": y_title}, "zeroline": True, "zerolinecolor": "#BBBBBB", **(yaxis or {})},
        **extra,
    }


def index_figure(index: pl.DataFrame, events: pl.DataFrame | None = None, pulse: pl.DataFrame | None = None,
                 *, title: str = "China–US relations index", height: int = 460) -> go.Figure:
    """The daily index with the six level bands shaded, event markers (hover: date, type, summary, value) and a
    range slider; ``pulse`` (date, index) adds the short-memory line; ``events`` is a scored event frame."""
    traces = []
    if events is not None and events.height:
        marks = events.join(index.select("date", "index"), on="date", how="inner")
        for rank, positive, name, colour in ((3, True, "cooperative event", COOPERATION),
                                             (4, False, "confrontational event", CONFRONTATION)):
            part = marks.filter((pl.col("value") > 0) == positive)
            if part.height == 0:
                continue
            traces.append(go.Scatter(
                x=part["date"].to_numpy(), y=part["index"].to_numpy(), mode="markers", name=name, legendrank=rank,
                marker={"color": colour, "size": (3 + 0.8 * part["value"].abs().clip(0, 12)).to_numpy(),
                        "line": {"color": "white", "width": 0.3}, "opacity": 0.6},
                customdata=list(zip(part["type"].to_list(), [safe_text(s) for s in part["summary"].to_list()],
                                    part["value"].to_list())),
                hovertemplate="<b>%{x|%Y-%m-%d} · %{customdata[0]}</b><br>%{customdata[1]}<br>"
                              "contribution on the day: %{customdata[2]:+.2f} raw points<extra></extra>"))
    # The lines are drawn after the markers so they stay visible on a dense record.
    traces.append(go.Scatter(
        x=index["date"].to_numpy(), y=index["index"].to_numpy(), mode="lines+markers", name="index", legendrank=1,
        line={"color": INDEX_LINE, "width": 2}, marker={"size": 4, "opacity": 0},  # invisible, clickable
        text=index["level"].to_numpy(), customdata=index["raw"].to_numpy(),
        hovertemplate="index %{y:.2f} (%{text}), raw %{customdata:.1f}<extra></extra>"))
    if pulse is not None and pulse.height:
        traces.append(go.Scatter(
            x=pulse["date"].to_numpy(), y=pulse["index"].to_numpy(), mode="lines", name="pulse (short memory)",
            legendrank=2, line={"color": PULSE_LINE, "width": 1.2, "dash": "dot"},
            hovertemplate="pulse %{y:.2f}<extra></extra>"))
    bands = [{"type": "rect", "xref": "paper", "x0": 0, "x1": 1, "yref": "y", "y0": low, "y1": high,
              "fillcolor": LEVEL_COLOURS[name], "opacity": BAND_OPACITY, "line": {"width": 0}, "layer": "below"}
             for low, high, name in LEVELS]
    names = [{"xref": "paper", "x": 1, "xanchor": "right", "yref": "y", "y": (low + high) / 2, "text": name,
              "showarrow": False, "font": {"size": 10, "color": "#555555"}} for low, high, name in LEVELS]
    # One hover label per day (the index and that day's events); a click anywhere picks the day.
    layout = _layout(title, "index (−10 … +10)", height, shapes=bands, annotations=names, hovermode="x unified",
                     xaxis={"rangeslider": {"visible": True, "thickness": 0.08}, "hoverformat": "%Y-%m-%d"},
                     yaxis={"range": [-10, 10], "dtick": 2})
    return go.Figure(data=traces, layout=layout)


def contributions_figure(index: pl.DataFrame, weights: dict[str, float] | None = None, *,
                         title: str = "What drives the index: contributions by event type",
                         height: int = 400) -> go.Figure:
    """Each type's share of ``raw`` over time, stacked (cooperative above zero, confrontational below), with
    ``raw`` as a line; tone is split into its positive and negative parts so stacks never cross zero."""
    w = resolve_weights(weights)
    colours = type_colours()
    dates = index["date"].to_numpy()
    series: list[tuple[str, pl.Series, str, str]] = []
    for t in TYPES:
        col = index[f"contrib_{t.id}"]
        if col.abs().max() == 0:
            continue
        series.append((t.label, col, colours[t.id], "up" if w[t.id] >= 0 else "down"))
    tone = index["contrib_tone"]
    if tone.clip(lower_bound=0).max() > 0:
        series.append(("tone (positive)", tone.clip(lower_bound=0), TONE, "up"))
    if tone.clip(upper_bound=0).min() < 0:
        series.append(("tone (negative)", tone.clip(upper_bound=0), TONE, "down"))
    traces = [go.Scatter(x=dates, y=col.to_numpy(), name=label, stackgroup=group, mode="lines",
                         line={"width": 0.5, "color": colour}, fillcolor=colour,
                         hovertemplate=f"{html.escape(label)}: %{{y:+.1f}}<extra></extra>")
              for label, col, colour, group in series]
    traces.append(go.Scatter(x=dates, y=index["raw"].to_numpy(), name="raw (sum)", mode="lines",
                             line={"color": INDEX_LINE, "width": 1.5}, hovertemplate="raw: %{y:+.1f}<extra></extra>"))
    layout = _layout(title, "contribution to raw (raw points)", height, hovermode="x unified",
                     legend={"orientation": "v", "x": 1.02, "xanchor": "left", "y": 1, "yanchor": "top",
                             "font": {"size": 10}},
                     margin={"l": 60, "r": 150, "t": 60, "b": 40})
    return go.Figure(data=traces, layout=layout)


def rolling_tone(index: pl.DataFrame, window: int = 90) -> pl.DataFrame:
    """``date, tone``: the mean tone of all statements in the ``window`` days up to each day (null without any)."""
    total = (pl.col("tone_mean").fill_null(0.0) * pl.col("n_statements")).rolling_sum(window, min_samples=1)
    count = pl.col("n_statements").rolling_sum(window, min_samples=1)
    return index.select("date", tone=pl.when(count > 0).then(total / count))


def tone_figure(index: pl.DataFrame, *, title: str = "Tone of official statements", height: int = 300,
                window: int = 90) -> go.Figure:
    """The mean tone of each day's quoted statements (tone −1..+1, bars coloured by sign) and its ``window``-day
    mean over all statements (line)."""
    days = index.filter(pl.col("n_statements") > 0)
    traces, notes = [], []
    if days.height:
        trend = rolling_tone(index, window)
        traces.append(go.Scatter(x=trend["date"].to_numpy(), y=trend["tone"].to_numpy(), mode="lines",
                                 name=f"{window}-day mean", line={"color": TONE, "width": 2},
                                 hovertemplate=f"%{{x|%Y-%m-%d}}<br>{window}-day mean %{{y:+.2f}}<extra></extra>"))
        tone = days["tone_mean"]
        traces.append(go.Bar(x=days["date"].to_numpy(), y=tone.to_numpy(), name="mean tone",
                             marker={"color": [COOPERATION if v >= 0 else CONFRONTATION for v in tone.to_list()]},
                             customdata=days["n_statements"].to_numpy(),
                             hovertemplate="%{x|%Y-%m-%d}<br>tone %{y:+.2f} over %{customdata} statement(s)"
                                           "<extra></extra>"))
        traces.reverse()  # bars first, the mean line on top
    else:
        notes.append({"text": "no quoted statements in this range", "showarrow": False, "x": 0.5, "y": 0.5,
                      "xref": "paper", "yref": "paper"})
    layout = _layout(title, "tone (−1 hostile … +1 warm)", height, yaxis={"range": [-1.05, 1.05]}, annotations=notes)
    return go.Figure(data=traces, layout=layout)


def drivers_figure(drivers: pl.DataFrame, *, top: int = 12, title: str = "Drivers of the selected day",
                   height: int = 360) -> go.Figure:
    """The ``top`` largest decayed contributions of a ``tension.drivers`` frame as horizontal bars."""
    rows = drivers.head(top).reverse()
    labels = [f"{d} {t}" for d, t in zip(rows["date"].to_list(), rows["type"].to_list())]
    values = rows["contribution"].to_list()
    bar = go.Bar(x=values, y=list(range(len(values))), orientation="h",
                 marker={"color": [COOPERATION if v >= 0 else CONFRONTATION for v in values]},
                 customdata=list(zip(labels, [safe_text(s) for s in rows["summary"].to_list()])),
                 hovertemplate="%{customdata[0]}<br>%{customdata[1]}<br>contribution %{x:+.2f}<extra></extra>")
    layout = _layout(title, "", height, x_title="contribution (raw points)",
                     yaxis={"tickvals": list(range(len(values))), "ticktext": labels})
    return go.Figure(data=[bar], layout=layout)
