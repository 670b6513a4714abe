"""UI-independent helpers for the dashboard: data keys, headline numbers, event filters, settings and file names.

Nothing here imports streamlit; ``app.py`` lays out widgets and calls these functions.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import re
import string
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable, Iterator
from dataclasses import dataclass
from types import MappingProxyType

import polars as pl

from tension.events import EventDataError, Problem, decode_text, plain_number, read_records
from tension.index import (
    DEFAULT_HALF_LIFE,
    DEFAULT_SCALE,
    DEFAULT_TONE_WEIGHT,
    LEVELS,
    PULSE_HALF_LIFE,
    level_of,
)
from tension.taxonomy import resolve_weights, type_ids
from tension.tone import learned as tone_learned
from tension.tone import rules as tone

#: Half-life choices (days) offered by the dashboard; the library default and the pulse are always included.
HALF_LIFE_STEPS = (0.0, 7.0, 14.0, 30.0, 60.0, 90.0, 180.0, 365.0, 730.0, 1095.0, 1825.0, 3650.0)
#: Columns of the events table, in display order (those present in the frame are shown).
EVENT_COLUMNS = ("date", "type", "value", "actor", "target", "summary", "statement", "speaker", "tone",
                 "salience", "source", "url", "id")


def _cell_bytes(series: pl.Series) -> Iterator[bytes]:
    """``series`` as byte strings that depend only on its values: its null mask (one byte per row), then its values
    with nulls filled (text as byte lengths then the bytes). Arrow buffers will not do: the bytes under a null and a
    validity bitmap's padding are undefined, so equal columns can differ there."""
    yield series.is_null().to_numpy().tobytes()
    dtype = series.dtype
    if dtype == pl.Null:
        return
    if isinstance(dtype, (pl.Categorical, pl.Enum)):
        values = series.cast(pl.String)
    elif dtype == pl.Boolean:
        values = series.cast(pl.UInt8)
    elif (dtype.is_numeric() and not isinstance(dtype, pl.Decimal)) or dtype.is_temporal():
        values = series.to_physical()
    elif dtype == pl.Binary:
        values = series.bin.encode("hex")
    elif dtype == pl.String:
        values = series
    else:  # nested, decimal, object: rare in event frames; Python's repr of each value is exact
        values = pl.Series([repr(v) for v in series.to_list()], dtype=pl.String)
    if values.dtype == pl.String:
        values = values.fill_null("")
        yield values.str.len_bytes().to_numpy().tobytes()
        yield values.str.join("").item().encode()
    else:
        yield values.fill_null(0).to_numpy().tobytes()


def frame_digest(frame: pl.DataFrame) -> str:
    """A BLAKE2b digest of an event frame's schema and every cell in row order: a different cell (null included),
    dtype, column name, column order or row order gives a different digest; equal frames give equal digests."""
    digest = hashlib.blake2b(digest_size=32)
    digest.update(json.dumps([[name, str(dtype)] for name, dtype in frame.schema.items()]).encode())
    for series in frame.iter_columns():
        for part in _cell_bytes(series):
            digest.update(len(part).to_bytes(8, "big"))
            digest.update(part)
    return digest.hexdigest()


def files_digest(files: Iterable[tuple[str, bytes]]) -> str:
    """A BLAKE2b digest of named files (names and bytes, in order, each length-prefixed so no two lists collide)."""
    digest = hashlib.blake2b(digest_size=32)
    for name, content in files:
        for part in (name.encode(), content):
            digest.update(len(part).to_bytes(8, "big"))
            digest.update(part)
    return digest.hexdigest()


class Memo:
    """Frames derived from one session's own working set, within a byte budget (``estimated_size``; the least
    recently used go first, and a frame larger than the whole budget is returned but not kept).

    An instance lives in one visitor's ``st.session_state``: nothing in it is ever served to another visitor.
    """

    def __init__(self, budget: int) -> None:
        self.budget = budget
        self._frames: OrderedDict[Hashable, pl.DataFrame] = OrderedDict()

    def get(self, key: Hashable, compute: Callable[[], pl.DataFrame]) -> pl.DataFrame:
        """The frame memoised under ``key``, computed by ``compute()`` on a miss."""
        if key in self._frames:
            self._frames.move_to_end(key)
            return self._frames[key]
        frame = compute()
        self._frames[key] = frame
        while self._frames and self.size() > self.budget:
            self._frames.popitem(last=False)
        return frame

    def size(self) -> int:
        """Bytes held (the sum of the frames' estimated sizes; buffers shared between frames count twice)."""
        return sum(frame.estimated_size() for frame in self._frames.values())

    def keys(self) -> list[Hashable]:
        """The keys held, least recently used first."""
        return list(self._frames)


def half_life_options() -> list[float]:
    """Half-life slider stops in days, ascending, ending with ``math.inf`` (no decay)."""
    return [*sorted({*HALF_LIFE_STEPS, DEFAULT_HALF_LIFE, PULSE_HALF_LIFE}), math.inf]


def format_half_life(days: float) -> str:
    """A half-life as slider text: 'no memory', '14 days', '365 days', 'no decay'."""
    if math.isinf(days):
        return "no decay"
    if days == 0:
        return "no memory"
    return f"{days:g} days"


@dataclass(frozen=True)
class Headline:
    """The numbers at the top of the page for a date range."""

    date: dt.date
    index: float
    level: str
    change_30d: float | None
    n_events: int
    most_confrontational: dict | None
    most_cooperative: dict | None


def in_range(frame: pl.DataFrame, start: dt.date | None, end: dt.date | None) -> pl.DataFrame:
    """Rows of ``frame`` whose ``date`` lies in [start, end] (either bound may be None)."""
    out = frame
    if start is not None:
        out = out.filter(pl.col("date") >= start)
    if end is not None:
        out = out.filter(pl.col("date") <= end)
    return out


def headline(index: pl.DataFrame, scored: pl.DataFrame, start: dt.date | None = None,
             end: dt.date | None = None) -> Headline:
    """Latest index in range with its level, its change over 30 days, and the extreme events in range."""
    rows = in_range(index, start, end)
    if rows.height == 0:
        raise ValueError("no days of the index in the selected range")
    last = rows.row(-1, named=True)
    before = index.filter(pl.col("date") == last["date"] - dt.timedelta(days=30))
    change = float(last["index"] - before["index"][0]) if before.height else None
    events = in_range(scored, start, end)
    low = events.sort("value").row(0, named=True) if events.height else None
    high = events.sort("value", descending=True).row(0, named=True) if events.height else None
    return Headline(date=last["date"], index=float(last["index"]), level=level_of(float(last["index"])),
                    change_30d=change, n_events=events.height,
                    most_confrontational=low if low and low["value"] < 0 else None,
                    most_cooperative=high if high and high["value"] > 0 else None)


def event_label(event: dict) -> str:
    """An event as short text: 'YYYY-MM-DD type (value): summary'."""
    return f"{event['date']} {event['type']} ({event['value']:+.1f}): {event['summary']}"


def actor_country(actor: str) -> str:
    """The country part of an actor ('USA: State Department' → 'USA')."""
    return actor.split(":", 1)[0].strip()


def filter_events(scored: pl.DataFrame, *, types: list[str] | None = None, actors: list[str] | None = None,
                  text: str = "", start: dt.date | None = None, end: dt.date | None = None) -> pl.DataFrame:
    """Events in range matching any of ``types``, any of ``actors`` (exact actor or its country) and ``text``
    (case-insensitive, literal, in summary, statement, actor, target or source); newest first."""
    out = in_range(scored, start, end)
    if types:
        out = out.filter(pl.col("type").is_in(types))
    if actors:
        out = out.filter(pl.col("actor").is_in(actors)
                         | pl.col("actor").str.split(":").list.first().str.strip_chars().is_in(actors))
    needle = text.strip().lower()
    if needle:
        cols = [c for c in ("summary", "statement", "actor", "target", "source") if c in out.columns]
        hit = pl.lit(False)
        for c in cols:
            hit = hit | pl.col(c).fill_null("").str.to_lowercase().str.contains(needle, literal=True)
        out = out.filter(hit)
    return out.sort("date", descending=True)


def problems_frame(problems: list[Problem]) -> pl.DataFrame:
    """Problems of an event file as a table: line, column, value, message (one row each, in order)."""
    return pl.DataFrame([(p.line, p.column, p.value, p.message) for p in problems], orient="row",
                        schema={"line": pl.Int64, "column": pl.String, "value": pl.String, "message": pl.String})


def events_table(events: pl.DataFrame) -> pl.DataFrame:
    """The columns of ``events`` shown in the events table, in display order; a ``url`` becomes a link only when it
    is an http(s) address (an empty one, ``javascript:`` or any other scheme becomes null)."""
    out = events.select([c for c in EVENT_COLUMNS if c in events.columns])
    if "url" in out.columns:
        web = pl.col("url").str.contains(r"^(?i)https?://[^\s]+$")
        out = out.with_columns(url=pl.when(web).then(pl.col("url")))
    return out


def actor_choices(events: pl.DataFrame) -> list[str]:
    """Countries and actors of ``events``, countries first, each sorted."""
    actors = sorted(set(events["actor"].to_list()))
    countries = sorted({actor_country(a) for a in actors})
    return countries + [a for a in actors if a not in countries]


#: The tone scorers a user can choose for statements: name -> label (the first is the default; the label is what
#: the URL carries).
TONE_SCORERS = {"diplomatic": "Diplomatic rules", "learned": "Learned model"}


def explain_tone(text: str, name: str) -> tuple[float, pl.DataFrame]:
    """The tone of ``text`` by the scorer ``name`` and the terms behind it: ``term`` and ``valence`` (VADER's −4..+4
    scale, after the rules) for the diplomatic scorer, ``term`` and ``contribution`` (to logit(+1) − logit(−1)) for
    the learned model."""
    if name not in TONE_SCORERS:
        raise ValueError(f"unknown tone scorer {name!r}; known: {', '.join(TONE_SCORERS)}")
    module, column = (tone_learned, "contribution") if name == "learned" else (tone, "valence")
    terms = module.explain(text)
    return module.score(text), pl.DataFrame(terms, schema={"term": pl.String, column: pl.Float64}, orient="row")


def settings(weights: dict[str, float], *, tone_weight: float, half_life: float, scale: float,
             start: dt.date | None, end: dt.date | None, source: str,
             tone_scorer: str = "diplomatic") -> dict[str, object]:
    """The settings that produce an index, as a flat JSON-ready dict (weights as ``w_<type>``)."""
    w = resolve_weights(weights)
    return {
        "source": source,
        "half_life_days": "inf" if math.isinf(half_life) else half_life,
        "tone_weight": float(tone_weight),
        "tone_scorer": tone_scorer,
        "scale": float(scale),
        "start": start.isoformat() if start else "",
        "end": end.isoformat() if end else "",
        **{f"w_{t}": w[t] for t in type_ids()},
    }


def settings_key(values: dict[str, object]) -> str:
    """A short stable hash of settings, used in download file names to pair data and settings files."""
    return hashlib.sha1(json.dumps(values, sort_keys=True, default=str).encode()).hexdigest()[:8]


def settings_frame(values: dict[str, object]) -> pl.DataFrame:
    """Settings as a one-row table, one column per setting: numbers are numbers (half-life ``inf`` for no decay), so
    the CSV reads back with weights as floats; ``parse_settings`` restores a view from it."""
    return pl.DataFrame({k: [float(v) if k == "half_life_days" and v == "inf" else v] for k, v in values.items()})


#: What a settings file may hold: setting -> what a valid value is (for messages).
SETTING_NAMES = ("source", "half_life_days", "tone_weight", "tone_scorer", "scale", "start", "end")


def parse_settings(data: bytes, name: str = "<settings>", *, max_weight: float = 10.0,
                   max_tone_weight: float = 10.0) -> dict[str, object]:
    """The widget values of a settings CSV written by the dashboard (one header row, one row of values; the older
    two-column ``setting,value`` form is read too): keys ``half_life``, ``tone_weight``, ``tone_scorer``, ``scale``,
    ``dates`` (start, end or None) and ``w_<type>``. Every bad cell raises EventDataError naming its column."""
    text = decode_text(data, name)
    header, records, _ = read_records(text, name)
    if header == ["setting", "value"]:
        cells = {r[0].strip(): r[1] for r in records}
    elif len(records) == 1:
        cells = dict(zip(header, records[0]))
    else:
        raise EventDataError(name, [Problem(None, None, None, "expected one header row and one row of values (a "
                                            "settings file downloaded from the dashboard)")])
    cells = {k.lstrip("'"): v[1:] if v.startswith("'") else v for k, v in cells.items()}  # export's formula guard
    known = {*SETTING_NAMES, *(f"w_{t}" for t in type_ids())}
    problems = [Problem(None, k, None, "is not a setting of the dashboard") for k in cells if k not in known]
    out: dict[str, object] = {}

    def number(column: str, low: float, high: float, *, allow_inf: bool = False) -> float | None:
        raw = cells[column].strip()
        value = math.inf if allow_inf and raw.lower() == "inf" else plain_number(raw)
        if value is None or not (low <= value <= high) or (math.isinf(value) and not allow_inf):
            problems.append(Problem(2, column, raw, f"is not a number from {low:g} to {high:g}"
                                    + (" or inf" if allow_inf else "")))
            return None
        return value

    for t in type_ids():
        if f"w_{t}" in cells and (w := number(f"w_{t}", -max_weight, max_weight)) is not None:
            out[f"w_{t}"] = w
    if "tone_weight" in cells and (w := number("tone_weight", 0.0, max_tone_weight)) is not None:
        out["tone_weight"] = w
    if "scale" in cells and (v := number("scale", 1e-9, 1e12)) is not None:
        out["scale"] = v
    if "half_life_days" in cells and (h := number("half_life_days", 0.0, math.inf, allow_inf=True)) is not None:
        if h in half_life_options():
            out["half_life"] = h
        else:
            problems.append(Problem(2, "half_life_days", cells["half_life_days"], "is not one of the half-life "
                                    f"options ({', '.join(format_half_life(o) for o in half_life_options())})"))
    if "tone_scorer" in cells:
        if cells["tone_scorer"] in TONE_SCORERS:
            out["tone_scorer"] = cells["tone_scorer"]
        else:
            problems.append(Problem(2, "tone_scorer", cells["tone_scorer"], f"is not one of {', '.join(TONE_SCORERS)}"))
    bounds = []
    for column in ("start", "end"):
        raw = cells.get(column, "").strip()
        try:
            bounds.append(dt.date.fromisoformat(raw) if raw else None)
        except ValueError:
            problems.append(Problem(2, column, raw, "is not a date YYYY-MM-DD"))
            bounds.append(None)
    if bounds[0] and bounds[1] and bounds[0] > bounds[1]:
        problems.append(Problem(2, "end", cells["end"], "is before start"))
    out["dates"] = tuple(bounds)
    if problems:
        raise EventDataError(name, problems)
    return out


def file_name(kind: str, values: dict[str, object]) -> str:
    """Download file name for ``kind`` ('index', 'events', 'settings'): tension-<kind>-<end>-<settings key>.csv."""
    end = values.get("end") or "all"
    return f"tension-{kind}-{end}-{settings_key(values)}.csv"


def selected_day(points: list[dict], lo: dt.date, hi: dt.date) -> dt.date | None:
    """The day of the first clicked chart point (its x value, an ISO date or datetime text), within [lo, hi]."""
    for point in points:
        x = point.get("x")
        if x is None:
            continue
        try:
            day = dt.date.fromisoformat(str(x)[:10])
        except ValueError:
            continue
        return min(max(day, lo), hi)
    return None


#: Every line break CommonMark or Python knows (``\r\n`` first so it becomes one space).
_LINE_BREAKS = re.compile(r"\r\n|[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]")
#: Word joiner (U+2060, invisible, neither space nor punctuation): breaks patterns matched in text after escapes.
WORD_JOINER = "\u2060"
#: Each ASCII punctuation character backslash-escaped; a word joiner after ``:`` (emoji shortcodes ``:smile:``,
#: ``:material/...:``, ``http://`` autolinks) and ``@`` (e-mail autolinks).
_MD_ESCAPES = MappingProxyType({c: "\\" + c for c in string.punctuation}
                               | {c: "\\" + c + WORD_JOINER for c in ":@"})
#: ``www.`` starts an autolink only after a space, punctuation or the start of the text: a word joiner goes first.
_WWW = re.compile(r"(?i)www\.")


def md_escape(text: str) -> str:
    """User or file text made literal in any Streamlit markdown (body, caption, alert, label, help): line breaks
    become spaces, every ASCII punctuation character is backslash-escaped, and invisible word joiners break the
    patterns Streamlit's markdown rewrites in text after escapes are resolved.

    This covers links, images, headings, emphasis, code, HTML tags, ``&entities;``, ``$math$``, ``:red[...]``
    directives and tables (by the escapes), and emoji shortcodes (``:smile:``) and bare ``www.``/``http://``/e-mail
    autolinks (by the word joiners after ``:`` and ``@`` and before ``www.``).
    """
    text = _WWW.sub(lambda m: WORD_JOINER + m.group(0), _LINE_BREAKS.sub(" ", text))
    return "".join(_MD_ESCAPES.get(c, c) for c in text)


def method_markdown() -> str:
    """The 'How the index works' text, with the library's current defaults filled in."""
    return (
        "Each event *e* is worth **v(e) = weight[type] × salience + tone_weight × tone(statement)** "
        "(tone in −1..+1, 0 without a quoted statement).\n\n"
        "```\n"
        "shock_d = Σ v(e) over the events of day d\n"
        "raw_d   = 2^(−1/h) × raw_(d−1) + shock_d        h = half-life in days\n"
        "index_d = 10 × tanh(raw_d / scale)\n"
        "```\n\n"
        f"Defaults: half-life **{format_half_life(DEFAULT_HALF_LIFE)}** (the index is a stock that remembers), "
        f"pulse half-life **{format_half_life(PULSE_HALF_LIFE)}**, tone weight **{DEFAULT_TONE_WEIGHT:g}**, "
        f"scale **{DEFAULT_SCALE:g}** (raw = scale maps to 10·tanh(1) ≈ 7.6). "
        "Levels: " + ", ".join(f"**{n}** [{lo:g}, {hi:g})" for lo, hi, n in LEVELS) + ".\n\n"
        "Contributions by type split *raw* exactly, and the drivers of a day are the individual events with "
        "their decayed contributions value × 2^(−age/h): they add up to that day's raw value. "
        "Weights are on a −10..+10 scale grounded in Goldstein (CAMEO) and PLOVER scores; see the README."
    )


def levels_help() -> str:
    """The six level bands as one line of text."""
    return "Levels: " + ", ".join(f"{n} [{lo:g}, {hi:g})" for lo, hi, n in LEVELS)


def signed(value: float, digits: int = 2) -> str:
    """``value`` with a sign and ``digits`` decimals; a value that rounds to zero is '0.00', never '−0.00'."""
    text = f"{round(value, digits) + 0.0:+.{digits}f}"
    return text[1:] if float(text) == 0 else text


def freshness(last: dt.date, today: dt.date) -> str:
    """How fresh the data is: 'record ends 2026-06-22, 163 days before today (2026-12-02)'."""
    days = (today - last).days
    if days <= 0:
        return f"record ends {last.isoformat()} (today or later)"
    return f"record ends {last.isoformat()}, {days:,} day{'s' if days != 1 else ''} before today ({today.isoformat()})"


def delimiter_hint(data: bytes) -> str | None:
    """A hint when a CSV's first line looks semicolon- or tab-delimited (no comma, but ';' or a tab), else None."""
    first = data[:65536].split(b"\n", 1)[0]
    if b"," in first:
        return None
    for byte, name in ((b";", "semicolons"), (b"\t", "tabs")):
        if first.count(byte) >= 3:
            return (f"The header is separated by {name}, not commas. Save the file as comma-separated CSV (in a "
                    "spreadsheet: 'CSV UTF-8 (comma delimited)') and upload it again.")
    return None


def template_csv() -> bytes:
    """A small events CSV in the upload schema to fill in: two events of the founding article (CGTN's preview of
    Blinken's Beijing visit; Friday 2023-06-16 is the spokesperson's remark, Sunday 2023-06-18 the visit's start)."""
    source = "CGTN, preview of Blinken's Beijing visit, June 2023"
    rows = pl.DataFrame({
        "id": ["example-1", "example-2"],
        "date": ["2023-06-16", "2023-06-18"],
        "type": ["statement", "visit"],
        "actor": ["CHN: Foreign Ministry spokesperson", "USA: Secretary of State"],
        "target": ["USA", "CHN"],
        "summary": ["Wang Wenbin: China will set out its position and concerns during Blinken's visit",
                    "Blinken visits Beijing, a visit called off in February after the balloon"],
        "statement": ["resolutely safeguard its own interests", ""],
        "salience": [1.0, 1.0],
        "source": [source, source],
    })
    return rows.write_csv().encode("utf-8")


#: Words a reader gains nothing from on their own; a learned-model term made only of these is folded into 'other'.
_FUNCTION_WORDS = frozenset(
    "a an and are as at be been by for from has have in is it its of on or our that the their this to us was we "
    "were will with".split())


def readable_terms(terms: pl.DataFrame) -> pl.DataFrame:
    """The tone box's term table for readers: terms made only of function words ('its', 'the us') and the learned
    model's constant are summed into labelled rows, so the table still adds up to the same total."""
    column = terms.columns[1]
    if column != "contribution":
        return terms
    def kind(term: str) -> str:
        if term == tone_learned.INTERCEPT:
            return "baseline (the model's constant: the class balance of its training statements)"
        if term == tone_learned.RULES:
            return "diplomatic rules (the rule scorer's reading, used as one input)"
        return "other: common words (its, the, us, …)" if set(term.split()) <= _FUNCTION_WORDS else term
    labelled = terms.with_columns(pl.col("term").map_elements(kind, return_dtype=pl.String))
    out = labelled.group_by("term", maintain_order=True).agg(pl.col(column).sum())
    return out.sort(pl.col(column).abs(), descending=True)


def ranked_rows(rows: pl.DataFrame) -> pl.DataFrame:
    """Events ranked by contribution as display text for a wrapping table: contribution (signed, 2 decimals), date
    (YYYY-MM-DD, blank for a summary line), type and summary, every text made literal with ``md_escape``."""
    def text(column: str) -> list[str]:
        return [md_escape(str(v)) if v is not None else "" for v in rows[column].to_list()]
    return pl.DataFrame({
        "contribution": [signed(v) for v in rows["contribution"].to_list()],
        "date": [d.isoformat() if d is not None else "" for d in rows["date"].to_list()],
        "type": text("type"),
        "summary": text("summary"),
    })


def encode_scenario(weights: dict[str, float], *, tone_weight: float, half_life: float, scale: float,
                    scorer: str) -> str:
    """Settings as one URL-safe text: 'tone weight;half-life;scale;scorer;w1,w2,…' (weights in ``type_ids`` order)."""
    w = resolve_weights(weights)
    life = "inf" if math.isinf(half_life) else f"{half_life:g}"
    return f"{tone_weight:g};{life};{scale:g};{scorer};" + ",".join(f"{w[t]:g}" for t in type_ids())


@dataclass(frozen=True)
class Scenario:
    """A pinned set of settings (scenario A of a comparison)."""

    weights: dict[str, float]
    tone_weight: float
    half_life: float
    scale: float
    scorer: str


def parse_scenario(text: str) -> Scenario:
    """The ``Scenario`` of an ``encode_scenario`` text; ValueError saying what is wrong otherwise."""
    parts = text.split(";")
    if len(parts) != 5:
        raise ValueError("expected 'tone weight;half-life;scale;scorer;weights'")
    tone_text, life_text, scale_text, scorer, weight_text = parts
    values = weight_text.split(",")
    if len(values) != len(type_ids()):
        raise ValueError(f"expected {len(type_ids())} weights, got {len(values)}")
    def number(raw: str, what: str, low: float, high: float) -> float:
        value = plain_number(raw)
        if value is None or not low <= value <= high:
            raise ValueError(f"{what} {raw!r} is not a number from {low:g} to {high:g}")
        return value
    weights = {t: number(v, f"weight of {t}", -10.0, 10.0) for t, v in zip(type_ids(), values)}
    half_life = math.inf if life_text == "inf" else number(life_text, "half-life", 0.0, math.inf)
    if half_life not in half_life_options():
        raise ValueError(f"half-life {life_text!r} is not one of the dashboard's options")
    if scorer not in TONE_SCORERS:
        raise ValueError(f"tone scorer {scorer!r} is not one of {', '.join(TONE_SCORERS)}")
    return Scenario(weights, number(tone_text, "tone weight", 0.0, 10.0), half_life,
                    number(scale_text, "scale", 1.0, 1e6), scorer)


def default_periods(lo: dt.date, hi: dt.date) -> tuple[tuple[dt.date, dt.date], tuple[dt.date, dt.date]]:
    """Two periods to compare: 2019 and 2023 when the data spans both, else its first and second half."""
    a, b = (dt.date(2019, 1, 1), dt.date(2019, 12, 31)), (dt.date(2023, 1, 1), dt.date(2023, 12, 31))
    if lo <= a[0] and b[1] <= hi:
        return a, b
    mid = lo + (hi - lo) // 2
    return (lo, mid), (min(mid + dt.timedelta(days=1), hi), hi)
