"""ICEWS event files → tension event frames.

Two layouts, detected from the header row:

- ``dataverse``: the Harvard Dataverse event files (tab-separated; ``Event ID, Event Date, Source Name, Source
  Sectors, Source Country, Event Text, CAMEO Code, Intensity, Target Name, Target Sectors, Target Country, …``),
  plain or zipped. Countries are names ("United States"), turned into ISO3 codes with pycountry.
- ``text``: the text-relation form used by knowledge-graph data sets (``date, source, relation, target``; optional
  ``source_side, target_side`` ISO3 columns). ``relation`` is the CAMEO event text; it is matched to a code through
  the descriptions of ``tension.taxonomy.cameo_table()`` (case, punctuation and ", not specified below" ignored),
  plus ``ICEWS_WORDING`` for the few ICEWS names worded differently from GDELT's CAMEO file. An entity's country is
  its side column, else the entity itself when it is a country, else the country in brackets ("Lawmaker (United
  States)"), else the caller's ``actors`` table (e.g. ``{"Donald Trump": "USA"}``); rows whose actor country stays
  unknown are counted in the summary, never silently dropped.

ICEWS has no mention counts or tone: the ``mentions`` normalisation gives each of a day's events an equal share, and
the ``tone`` column is 0.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from pathlib import Path

import polars as pl

from tension.events import EARLIEST_DATE, LATEST_DATE
from tension.sources.feeds import (
    DEFAULT_DYAD,
    DEFAULT_NORMALISATION,
    FeedError,
    FeedLimits,
    FeedSummary,
    check_dyad,
    check_normalisation,
    duplicated_ids,
    dyad_expr,
    first_lines,
    non_utf8_report,
    nonblank,
    normalised_salience,
    printable,
    replace_controls,
    unpacked,
)
from tension.taxonomy import cameo_table

DATAVERSE_REQUIRED = ("Event Date", "Source Name", "Source Country", "CAMEO Code", "Target Name", "Target Country")
TEXT_REQUIRED = ("date", "source", "relation", "target")
#: ICEWS event texts whose wording differs from the descriptions in GDELT's CAMEO file (CAMEO 1.1b3 names).
ICEWS_WORDING = {
    "make an appeal or request": "020",
    "express intent to engage in diplomatic cooperation such as policy support": "032",
    "demand material cooperation": "101",
    "demand diplomatic cooperation such as policy support": "102",
    "threaten with military force": "138",
}
_BRACKETED = re.compile(r"\(([^()]+)\)\s*$")


def _norm(text: str) -> str:
    text = text.lower().replace(", not specified below", "").replace("not specified below", "")
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


@lru_cache(maxsize=1)
def _codes_by_text() -> dict[str, str]:
    """CAMEO event text (normalised) → code; for a root and its ``x0`` code sharing a text, the 3-digit code."""
    out: dict[str, str] = {}
    for code, desc in cameo_table().select("cameo_code", "description").iter_rows():
        key = _norm(desc)
        if key not in out or len(code) == 3:
            out[key] = code
    out.update(ICEWS_WORDING)
    return out


def code_for_text(text: str) -> str | None:
    """The CAMEO code of an ICEWS event text (e.g. "Host a visit" → "043"), or None."""
    return _codes_by_text().get(_norm(text))


@lru_cache(maxsize=4096)
def iso3(name: str) -> str | None:
    """The ISO3 code of a country name or code ("United States" → "USA"), or None."""
    import pycountry

    text = name.strip()
    if len(text) == 3 and text.isupper() and text.isalpha():
        return text
    try:
        return pycountry.countries.lookup(text).alpha_3
    except LookupError:
        return None


def entity_country(entity: str | None, actors: Mapping[str, str]) -> str | None:
    """The country of an ICEWS entity: a country itself, the bracketed country of a sector, or ``actors``."""
    if not entity:
        return None
    if entity in actors:
        return actors[entity]
    found = iso3(entity)
    if found:
        return found
    match = _BRACKETED.search(entity)
    return iso3(match.group(1)) if match else None


def read_actors(path: str | Path) -> dict[str, str]:
    """An actors table from a UTF-8 CSV with columns ``name, country`` (ISO3), e.g. ``Donald Trump,USA``.

    Raises FeedError naming the file and line for text that is not UTF-8 or not CSV (a stray quote), a row without
    a name or an ISO3 code, or a name given two different countries."""
    label = printable(Path(path).name)
    data = Path(path).read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        bad_line = data.count(b"\n", 0, exc.start) + 1
        raise FeedError(f"{label}, line {bad_line}: byte {exc.start} is not UTF-8; "
                        "expected a UTF-8 CSV of 'name,country' rows") from None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    header: list[str] | None = None
    out: dict[str, str] = {}
    first: dict[str, int] = {}
    line = end = 0
    try:
        for row in reader:
            line, end = end + 1, reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            if header is None:
                header = [cell.strip() for cell in row]
                if not {"name", "country"} <= set(header):
                    raise FeedError(f"{label}, line {line}: expected the header 'name,country', got "
                                    f"{','.join(header)!r}")
                continue
            cells = dict(zip(header, row)) if len(row) == len(header) else {}
            name, code = cells.get("name", "").strip(), cells.get("country", "").strip()
            if not name or len(code) != 3 or not code.isascii() or not code.isalpha() or not code.isupper():
                raise FeedError(f"{label}, line {line}: expected a name and an ISO3 code like USA "
                                f"({len(header)} fields as in the header), got {row!r}")
            if out.get(name, code) != code:
                raise FeedError(f"{label}, line {line}: {name!r} is {out[name]} on line {first[name]}, here {code}; "
                                "expected one country per name")
            out[name] = code
            first.setdefault(name, line)
    except csv.Error as exc:
        raise FeedError(f"{label}, line {end + 1}: not valid CSV ({exc}); a quote must open and close a whole "
                        "field, as in \"Xi, Jinping\",CHN") from None
    if header is None:
        raise FeedError(f"{label}: the file is empty; expected a header 'name,country' and rows like "
                        "Donald Trump,USA")
    return out


def _repair_code(code: str, known: set[str]) -> str:
    """A CAMEO code that lost its leading zero in a numeric column ("42" → "042", "211" → "0211")."""
    if code in known or not code.isdigit():
        return code
    fixed = "0" + code
    return fixed if fixed in known else code


def detect_layout(path: Path, name: str, *, max_line_bytes: int = FeedLimits.max_line_bytes
                  ) -> tuple[str, list[str], str]:
    """``dataverse`` or ``text``, the header's columns and the separator, from the first line of a file."""
    lines = first_lines(path, name, 1, max_line_bytes)
    first = lines[0].decode("utf-8", errors="replace").lstrip("\ufeff") if lines else ""
    if not first.strip():
        raise FeedError(f"{name}: the file is empty (no header row)")
    sep = "\t" if "\t" in first else ","
    header = next(csv.reader(io.StringIO(first), delimiter=sep))
    if "CAMEO Code" in header:
        missing = [c for c in DATAVERSE_REQUIRED if c not in header]
        layout = "dataverse"
    elif "relation" in header:
        missing = [c for c in TEXT_REQUIRED if c not in header]
        layout = "text"
    else:
        raise FeedError(f"{name}, line 1: not an ICEWS file: expected a header with 'CAMEO Code' (Dataverse "
                        "layout) or 'date, source, relation, target' (text-relation form)")
    if missing:
        raise FeedError(f"{name}, line 1: the header lacks column(s) {', '.join(missing)}")
    return layout, header, sep


def _read_one(path: Path, name: str, dyad: tuple[str, str], actors: Mapping[str, str], summary: FeedSummary,
              limits: FeedLimits) -> pl.DataFrame:
    layout, header, sep = detect_layout(path, name, max_line_bytes=limits.max_line_bytes)
    summary.repaired.extend(non_utf8_report(path, name, max_line_bytes=limits.max_line_bytes))
    try:
        frame = pl.read_csv(path, has_header=False, skip_lines=1, separator=sep, quote_char=None,
                            schema=dict.fromkeys([*header, "_extra_field"], pl.String), encoding="utf8-lossy",
                            truncate_ragged_lines=True, missing_columns="insert", extra_columns="ignore",
                            raise_if_empty=False).with_row_index("line", offset=2)
    except pl.exceptions.PolarsError as exc:
        raise FeedError(f"{name}: cannot be read as an ICEWS file ({exc})") from None
    if layout == "dataverse":
        cols = {"date": "Event Date", "source": "Source Name", "target": "Target Name", "code": "CAMEO Code",
                "country1": "Source Country", "country2": "Target Country"}
    else:
        cols = {"date": "date", "source": "source", "target": "target", "code": "relation"}
    event_id = pl.col("Event ID").str.strip_chars() if "Event ID" in header else pl.lit(None, pl.String)
    rows = frame.select("line", *(pl.col(v).str.strip_chars().alias(k) for k, v in cols.items()),
                        pl.when(nonblank(event_id)).then(event_id).alias("event_id"),
                        (pl.col("Intensity") if "Intensity" in header else pl.lit(None, pl.String)).alias("intensity"),
                        (pl.col("Event Text") if "Event Text" in header else pl.col(cols["code"])).alias("text"),
                        *(pl.col(c).alias(c) for c in ("source_side", "target_side") if c in header),
                        pl.col("_extra_field").alias("extra"))
    if rows.height == 0:
        raise FeedError(f"{name}: the file has a header but no events")
    known = set(cameo_table()["cameo_code"])
    values = set(rows["code"].drop_nulls())
    if layout == "dataverse":
        mapping = {c: _repair_code(c, known) for c in values}
    else:
        mapping = {t: code_for_text(t) or f"? {t}" for t in values}
    rows = rows.with_columns(code=pl.col("code").replace_strict(mapping, default=None, return_dtype=pl.String))
    date = pl.col("date").str.to_date("%Y-%m-%d", strict=False)
    problem = (pl.when(pl.col("extra").is_not_null()).then(pl.lit(f"more than {len(header)} fields"))
               .when(pl.col("date").is_null() | date.is_null())
               .then(pl.format("date {} is not YYYY-MM-DD", pl.col("date").fill_null("(empty)")))
               .when(~date.is_between(EARLIEST_DATE, LATEST_DATE))
               .then(pl.format(f"date {{}} is outside the range of event dates, {EARLIEST_DATE} to {LATEST_DATE}",
                               pl.col("date")))
               .when(pl.col("source").is_null()).then(pl.lit("source is empty"))
               .when(pl.col("target").is_null()).then(pl.lit("target is empty"))
               .when(pl.col("code").is_null()).then(pl.lit("CAMEO code / relation is empty"))
               .when(pl.col("intensity").is_not_null()
                     & pl.col("intensity").cast(pl.Float64, strict=False).is_null())
               .then(pl.format("Intensity {} is not a number", pl.col("intensity")))
               .otherwise(pl.lit(None, pl.String)))
    rows = rows.with_columns(problem=problem)
    bad = rows.filter(pl.col("problem").is_not_null())
    summary.malformed.extend((name, int(line), msg) for line, msg in bad.select("line", "problem").iter_rows())
    summary.rows_read += rows.height
    summary.files.append(name)
    if bad.height == rows.height:
        raise FeedError(f"{name}: no line parses as an ICEWS event ({bad.height:,} malformed lines; line "
                        f"{bad['line'][0]}: {bad['problem'][0]})")
    rows = rows.filter(pl.col("problem").is_null()).with_columns(date=date)
    if layout == "dataverse":
        countries = {n: iso3(n) for n in set(rows["country1"].drop_nulls()) | set(rows["country2"].drop_nulls())}
        rows = rows.with_columns(pl.col("country1", "country2").replace_strict(countries, default=None,
                                                                               return_dtype=pl.String))
    else:
        for n, side in ((1, "source"), (2, "target")):
            found = {e: entity_country(e, actors) for e in set(rows[side])}
            resolved = pl.col(side).replace_strict(found, default=None, return_dtype=pl.String)
            if f"{side}_side" in rows.columns:
                resolved = pl.coalesce(pl.col(f"{side}_side"), resolved)
            rows = rows.with_columns(resolved.alias(f"country{n}"))
    for side, n in (("source", 1), ("target", 2)):
        for entity, count in rows.filter(pl.col(f"country{n}").is_null()).group_by(side).len().iter_rows():
            summary.unresolved_actors[entity] = summary.unresolved_actors.get(entity, 0) + count
    kept = rows.filter(dyad_expr(pl.col("country1"), pl.col("country2"), dyad))
    summary.dyad_rows += kept.height
    return kept.with_columns(feed_file=pl.lit(name), layout=pl.lit(layout))


def read_icews(paths: Iterable[str | Path], *, dyad: Sequence[str] | str = DEFAULT_DYAD,
               normalisation: str = DEFAULT_NORMALISATION, actors: Mapping[str, str] | None = None,
               drop_duplicates: bool = False, limits: FeedLimits | None = None) -> tuple[pl.DataFrame, FeedSummary]:
    """Import ICEWS files (Dataverse layout or text-relation form; plain or zipped) as one event frame of the
    dyad, with a summary. ``actors`` maps entity names (people) to ISO3 codes for the text form; ``limits``
    bounds what archives may unpack to (``FeedLimits``)."""
    pair = check_dyad(dyad)
    check_normalisation(normalisation)
    summary = FeedSummary()
    frames = []
    for given in paths:
        with unpacked(Path(given), limits) as parts:
            frames.extend(_read_one(part, name, pair, actors or {}, summary, limits or FeedLimits())
                          for part, name in parts)
    if not frames:
        raise FeedError("no ICEWS files given")
    rows = pl.concat(frames, how="diagonal")
    table = cameo_table().select(pl.col("cameo_code").alias("code"), "description", "type")
    rows = rows.join(table, on="code", how="left", maintain_order="left")
    unmapped = rows.filter(pl.col("type").is_null())
    summary.unmapped = dict(unmapped.group_by("code").len().sort("code").iter_rows())
    rows = rows.filter(pl.col("type").is_not_null()).with_columns(
        id=pl.coalesce(pl.col("event_id"), pl.format("{}:{}", pl.col("feed_file"), pl.col("line"))))
    summary.duplicates = duplicated_ids(rows["id"])
    if drop_duplicates and summary.duplicates:
        before = rows.height
        rows = rows.unique(subset="id", keep="first", maintain_order=True)
        summary.duplicates_removed = before - rows.height
    rows = rows.with_columns(salience=normalised_salience(rows, normalisation))
    events = rows.select(
        "id", "date", "type",
        pl.format("{}: {}", pl.col("country1"), pl.col("source")).alias("actor"),
        pl.format("{}: {}", pl.col("country2"), pl.col("target")).alias("target"),
        pl.format("{} → {}: {} (CAMEO {})", pl.col("source"), pl.col("target"), pl.col("text"),
                  pl.col("code")).alias("summary"),
        pl.lit(None, dtype=pl.String).alias("statement"),
        pl.format("ICEWS {}", pl.col("feed_file")).alias("source"),
        "salience", pl.lit(0.0).alias("tone"),
        pl.col("code").alias("cameo_code"), pl.col("text").alias("event_text"),
        pl.col("intensity").cast(pl.Float64).alias("intensity"),
        "feed_file", pl.col("line").cast(pl.Int64).alias("feed_line"),
    )
    summary.events = events.height
    return replace_controls(events, summary), summary
