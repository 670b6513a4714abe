"""GDELT event exports → tension event frames, and the same import as one SQL query for BigQuery, Spark or DuckDB.

Layouts, detected per file (``detect_layout``): GDELT 1.0 daily exports (tab-separated, no header, 57 fields before
April 2013 and 58 after, both accepted line by line), GDELT 2.0 15-minute exports (61 fields), either plain or
zipped as GDELT publishes them, and BigQuery CSV exports (comma-separated with a header row naming the columns).
Files are scanned lazily by polars with an explicit all-text schema, so CAMEO codes keep their leading zeros and a
file larger than memory streams; only the dyad's rows and the malformed lines are collected.

Dyad: an actor's country is ``ActorNCountryCode``, or the first three letters of ``ActorNCode`` when the country code
is empty (GDELT actor codes start with the country's ISO3 code when they have one). A row belongs to the dyad when
(Actor1, Actor2) is (A, B) or (B, A). CAMEO codes map to event types through ``tension.taxonomy.cameo_table()``;
see docs/feeds.md for the normalisation of salience and the tone column.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence
from pathlib import Path

import polars as pl

from tension.events import EARLIEST_DATE, LATEST_DATE
from tension.sources.feeds import (
    BLOCK_BYTES,
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
    line_blocks,
    non_utf8_report,
    nonblank,
    normalised_salience,
    replace_controls,
    unpacked,
)
from tension.taxonomy import cameo_table, type_ids


def _actor(n: int) -> list[str]:
    return [f"Actor{n}{f}" for f in ("Code", "Name", "CountryCode", "KnownGroupCode", "EthnicCode", "Religion1Code",
                                     "Religion2Code", "Type1Code", "Type2Code", "Type3Code")]


def _geo(prefix: str, adm2: bool) -> list[str]:
    fields = ["Type", "FullName", "CountryCode", "ADM1Code"] + (["ADM2Code"] if adm2 else []) + ["Lat", "Long",
                                                                                                 "FeatureID"]
    return [f"{prefix}_{f}" for f in fields]


def _columns(adm2: bool) -> tuple[str, ...]:
    return tuple(["GLOBALEVENTID", "SQLDATE", "MonthYear", "Year", "FractionDate", *_actor(1), *_actor(2),
                  "IsRootEvent", "EventCode", "EventBaseCode", "EventRootCode", "QuadClass", "GoldsteinScale",
                  "NumMentions", "NumSources", "NumArticles", "AvgTone",
                  *_geo("Actor1Geo", adm2), *_geo("Actor2Geo", adm2), *_geo("ActionGeo", adm2),
                  "DATEADDED", "SOURCEURL"])


#: GDELT 1.0 daily export columns (58; files before April 2013 stop after DATEADDED, 57 fields).
GDELT1_COLUMNS = _columns(adm2=False)
#: GDELT 2.0 export columns (61): the three geo blocks gain an ADM2Code.
GDELT2_COLUMNS = _columns(adm2=True)
#: Columns a BigQuery CSV export must have (SOURCEURL and EventRootCode are used when present).
BIGQUERY_REQUIRED = ("GLOBALEVENTID", "SQLDATE", "Actor1Code", "Actor1Name", "Actor1CountryCode", "Actor2Code",
                     "Actor2Name", "Actor2CountryCode", "EventCode", "GoldsteinScale", "NumMentions", "NumSources",
                     "NumArticles", "AvgTone")
LAYOUTS = {"gdelt1": "GDELT 1.0 export", "gdelt2": "GDELT 2.0 export", "bigquery": "GDELT BigQuery export"}
#: Extra columns every imported event keeps (GDELT's own names).
EXTRA_COLUMNS = ("GLOBALEVENTID", "EventCode", "GoldsteinScale", "NumMentions", "NumSources", "NumArticles",
                 "AvgTone", "SOURCEURL")
#: An event's tone is AvgTone / TONE_SCALE clipped to [−1, 1], times its salience (docs/feeds.md).
TONE_SCALE = 10.0
_EXTRA = "_extra_field"
_SNIFF_LINES = 20


def detect_layout(path: Path, name: str | None = None, *, max_line_bytes: int = FeedLimits.max_line_bytes
                  ) -> tuple[str, list[str], str]:
    """The layout of one (unzipped) file — ``gdelt1``, ``gdelt2`` or ``bigquery`` — its columns and separator."""
    label = name or path.name
    lines = [line for line in first_lines(path, label, _SNIFF_LINES, max_line_bytes) if line.strip()]
    if not lines:
        raise FeedError(f"{label}: the file is empty (no lines to import)")
    first = lines[0].decode("utf-8", errors="replace").lstrip("\ufeff")
    if first.upper().startswith("GLOBALEVENTID"):
        sep = "\t" if "\t" in first else ","
        header = next(csv.reader(io.StringIO(first), delimiter=sep))
        missing = [c for c in BIGQUERY_REQUIRED if c not in header]
        if missing:
            raise FeedError(f"{label}, line 1: the header lacks GDELT column(s) {', '.join(missing)}")
        return "bigquery", header, sep
    fields = [line.count(b"\t") + 1 for line in lines]
    counts = sorted(set(fields))
    v1, v2 = sum(n in (57, 58) for n in fields), sum(n == 61 for n in fields)
    if v1 or v2:  # the layout of most of the first lines; a malformed line among them is reported later
        return ("gdelt1", list(GDELT1_COLUMNS), "\t") if v1 > v2 else ("gdelt2", list(GDELT2_COLUMNS), "\t")
    raise FeedError(f"{label}: not a GDELT export: the first lines have {', '.join(map(str, counts))} "
                    "tab-separated fields; expected 57 or 58 (GDELT 1.0), 61 (GDELT 2.0), or a header row starting "
                    "with GLOBALEVENTID (BigQuery CSV export)")


def _scan(source: Path | bytes, layout: str, header: list[str], sep: str, first_line: int = 1) -> pl.LazyFrame:
    """All-text lazy scan of a file (or a block of its lines starting at ``first_line``), with a ``line`` column."""
    names = [*header, _EXTRA]
    bigquery = layout == "bigquery"
    lf = pl.scan_csv(source, has_header=False, skip_lines=1 if bigquery else 0,
                     separator=sep, quote_char='"' if bigquery else None,
                     schema=dict.fromkeys(names, pl.String), missing_columns="insert", extra_columns="ignore",
                     truncate_ragged_lines=True, encoding="utf8-lossy", raise_if_empty=False)
    return lf.with_row_index("line", offset=first_line + 1 if bigquery else first_line)


def _col(header: list[str], name: str) -> pl.Expr:
    return pl.col(name) if name in header else pl.lit(None, dtype=pl.String)


def _canonical(lf: pl.LazyFrame, layout: str, header: list[str]) -> pl.LazyFrame:
    """The columns the import uses, under their GDELT names, still as text (BigQuery float forms repaired)."""
    cols = {c: _col(header, c) for c in (*BIGQUERY_REQUIRED, "EventRootCode", "SOURCEURL", "DATEADDED")}
    if layout == "bigquery":
        # A BigQuery export that went through a float column ("42.0", "719898364.0") lost the CAMEO code's
        # leading zero: the root code then has one digit, and the code gets its "0" back.
        for c in ("GLOBALEVENTID", "SQLDATE", "EventCode", "EventRootCode", "NumMentions", "NumSources",
                  "NumArticles"):
            cols[c] = cols[c].str.strip_chars().str.replace(r"^(\d+)\.0*$", "${1}")
        root = cols["EventRootCode"]
        cols["EventCode"] = (pl.when(root.str.len_chars() == 1).then(pl.lit("0") + cols["EventCode"])
                             .otherwise(cols["EventCode"]))
    return lf.select("line", *(e.alias(c) for c, e in cols.items()), pl.col(_EXTRA))


def _checks(layout: str) -> list[tuple[pl.Expr, pl.Expr]]:
    """(condition that a line is wrong, description of the problem), in the order they are reported."""
    def val(c: str) -> pl.Expr:
        return pl.col(c).fill_null("(empty)")

    def bad(c: str, pattern: str) -> pl.Expr:
        return pl.col(c).is_null() | ~pl.col(c).str.contains(pattern)

    def not_number(c: str, required: bool) -> pl.Expr:
        wrong = ~pl.col(c).str.contains(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
        return (pl.col(c).is_null() | wrong) if required else (pl.col(c).is_not_null() & wrong)

    n_fields = {"gdelt1": "57 or 58", "gdelt2": "61"}.get(layout, "the header's")
    out = [(pl.col(_EXTRA).is_not_null(), pl.lit(f"more than {n_fields} fields"))]
    if layout != "bigquery":
        fewer = 57 if layout == "gdelt1" else 61
        stamp = r"^\d{8}$" if layout == "gdelt1" else r"^\d{14}$"
        out += [(pl.col("DATEADDED").is_null(), pl.lit(f"fewer than {fewer} fields")),
                (bad("DATEADDED", stamp),
                 pl.format("DATEADDED {} is not a " + ("YYYYMMDD" if layout == "gdelt1" else "YYYYMMDDhhmmss")
                           + " time stamp (fields out of place)", val("DATEADDED")))]
    date = pl.col("SQLDATE").str.to_date("%Y%m%d", strict=False)
    # Whole numbers have at most 18 digits: they are read as 64-bit integers.
    for cond, message, column in [
        (bad("GLOBALEVENTID", r"^\d{1,18}$"), "GLOBALEVENTID {} is not a whole number (1 to 18 digits)",
         "GLOBALEVENTID"),
        (bad("SQLDATE", r"^\d{8}$") | date.is_null(), "SQLDATE {} is not a date YYYYMMDD", "SQLDATE"),
        (~date.is_between(EARLIEST_DATE, LATEST_DATE).fill_null(False),
         f"SQLDATE {{}} is outside the range of event dates, {EARLIEST_DATE:%Y%m%d} to {LATEST_DATE:%Y%m%d}",
         "SQLDATE"),
        (bad("EventCode", r"^\d{2,4}$"), "EventCode {} is not a CAMEO code (2 to 4 digits)", "EventCode"),
        (bad("NumMentions", r"^0*[1-9]\d{0,17}$"), "NumMentions {} is not a positive whole number (at most 18 "
         "digits)", "NumMentions"),
        (bad("NumSources", r"^\d{1,18}$"), "NumSources {} is not a whole number (1 to 18 digits)", "NumSources"),
        (bad("NumArticles", r"^\d{1,18}$"), "NumArticles {} is not a whole number (1 to 18 digits)",
         "NumArticles"),
        (not_number("AvgTone", True), "AvgTone {} is not a number", "AvgTone"),
        (not_number("GoldsteinScale", False), "GoldsteinScale {} is not a number", "GoldsteinScale"),
    ]:
        out.append((cond, pl.format(message, val(column))))
    return out


def _problem(checks: list[tuple[pl.Expr, pl.Expr]]) -> pl.Expr:
    """The first problem of a line (evaluated on the malformed lines only: formatting costs)."""
    expr = pl.when(checks[0][0]).then(checks[0][1])
    for cond, message in checks[1:]:
        expr = expr.when(cond).then(message)
    return expr.otherwise(pl.lit(None, dtype=pl.String)).alias("problem")


def _country(n: int) -> pl.Expr:
    cc = pl.col(f"Actor{n}CountryCode")
    return pl.when(cc.is_not_null()).then(cc).otherwise(pl.col(f"Actor{n}Code").str.slice(0, 3))


def scan_gdelt(source: Path | bytes, layout: str, header: list[str], sep: str,
               dyad: Sequence[str] | str = DEFAULT_DYAD, first_line: int = 1
               ) -> tuple[pl.LazyFrame, pl.LazyFrame, pl.LazyFrame]:
    """Three lazy queries over a file or a block of its lines (layout from ``detect_layout``): its malformed lines
    (line, problem), its good dyad rows (typed) and its row count."""
    dyad = check_dyad(dyad)
    checks = _checks(layout)
    base = _canonical(_scan(source, layout, header, sep, first_line), layout, header).with_columns(
        malformed=pl.any_horizontal(cond for cond, _ in checks))
    bad = base.filter(pl.col("malformed")).select("line", _problem(checks))
    rows = base.filter(~pl.col("malformed") & dyad_expr(_country(1), _country(2), dyad)).select(
        pl.col("line").cast(pl.Int64),
        pl.col("GLOBALEVENTID").cast(pl.Int64),
        pl.col("SQLDATE").str.to_date("%Y%m%d").alias("date"),
        _country(1).alias("country1"), pl.col("Actor1Name"),
        _country(2).alias("country2"), pl.col("Actor2Name"),
        pl.col("EventCode"),
        pl.col("GoldsteinScale").cast(pl.Float64),
        pl.col("NumMentions").cast(pl.Int64), pl.col("NumSources").cast(pl.Int64),
        pl.col("NumArticles").cast(pl.Int64),
        pl.col("AvgTone").cast(pl.Float64),
        pl.col("SOURCEURL"),
    )
    count = base.select(pl.len().alias("rows"))
    return bad.with_columns(pl.col("line").cast(pl.Int64)), rows, count


def _read_one(path: Path, name: str, dyad: tuple[str, str], block_bytes: int = BLOCK_BYTES, *,
              summary: FeedSummary | None = None, limits: FeedLimits | None = None
              ) -> tuple[pl.DataFrame, pl.DataFrame, int, str]:
    limits = limits or FeedLimits()
    repaired = summary.repaired if summary is not None else []
    layout, header, sep = detect_layout(path, name, max_line_bytes=limits.max_line_bytes)
    # Raw exports have no quoting, so a newline always ends a record: they are read in blocks of lines (constant
    # memory). A BigQuery CSV may quote newlines inside fields; it is scanned whole (such exports are small).
    if layout == "bigquery":
        sources: Iterable[Path | bytes] = [path]
        repaired.extend(non_utf8_report(path, name, max_line_bytes=limits.max_line_bytes))
    else:
        sources = line_blocks(path, block_bytes, name=name, max_line_bytes=limits.max_line_bytes)
    bads, kept, n = [], [], 0
    for source in sources:
        if isinstance(source, bytes):  # a block's rows are its lines, blank ones included
            repaired.extend(non_utf8_report(source, name, n + 1))
        queries = scan_gdelt(source, layout, header, sep, dyad, n + 1)
        try:
            bad_df, rows_df, count_df = pl.collect_all(list(queries))  # one block: the scan is shared
        except (pl.exceptions.PolarsError, OSError) as exc:
            raise FeedError(f"{name}: cannot be read as a {LAYOUTS[layout]} ({exc})") from None
        bads.append(bad_df)
        # Copy the kept text out of the block: polars string views would otherwise keep every block alive.
        kept.append(rows_df.with_columns(pl.col(pl.String) + ""))
        n += int(count_df["rows"][0])
    if n == 0:
        raise FeedError(f"{name}: the file is empty (no lines to import)")
    bad_df, rows_df = pl.concat(bads), pl.concat(kept)
    if bad_df.height == n:
        first = bad_df.row(0)
        raise FeedError(f"{name}: no line parses as a {LAYOUTS[layout]} ({n:,} malformed lines; line {first[0]}: "
                        f"{first[1]})")
    rows_df = rows_df.with_columns(feed_file=pl.lit(name), layout=pl.lit(layout))
    return rows_df, bad_df, n, layout


def _who(n: int, template: str) -> pl.Expr:
    """Actor ``n`` as ``template`` filled with (country, name), or the country alone when the name is empty."""
    name, country = pl.col(f"Actor{n}Name"), pl.col(f"country{n}")
    args = (country, name) if template.startswith("{country}") else (name, country)
    return pl.when(name.is_not_null()).then(pl.format(template.replace("{country}", "{}").replace("{name}", "{}"),
                                                      *args)).otherwise(country)


def _summary_expr() -> pl.Expr:
    """``CHINA (CHN) → WASHINGTON (USA): Make pessimistic comment (CAMEO 012)``."""
    return pl.format("{} → {}: {} (CAMEO {})", _who(1, "{name} ({country})"), _who(2, "{name} ({country})"),
                     pl.col("description"), pl.col("EventCode"))


def events_from_rows(rows: pl.DataFrame, summary: FeedSummary, *, normalisation: str = DEFAULT_NORMALISATION,
                     tone: bool = True, drop_duplicates: bool = False) -> pl.DataFrame:
    """The event frame from collected GDELT dyad rows (as ``scan_gdelt`` returns them); fills ``summary``."""
    table = cameo_table().select(pl.col("cameo_code").alias("EventCode"), "description", "type")
    rows = rows.join(table, on="EventCode", how="left", maintain_order="left")
    unmapped = rows.filter(pl.col("type").is_null())
    summary.unmapped = dict(unmapped.group_by("EventCode").len().sort("EventCode").iter_rows())
    rows = rows.filter(pl.col("type").is_not_null()).with_columns(id=pl.col("GLOBALEVENTID").cast(pl.String))
    summary.duplicates = duplicated_ids(rows["id"])
    if drop_duplicates and summary.duplicates:
        before = rows.height
        rows = rows.unique(subset="id", keep="first", maintain_order=True)
        summary.duplicates_removed = before - rows.height
    rows = rows.with_columns(salience=normalised_salience(rows, normalisation, "NumMentions"))
    source = pl.when(nonblank(pl.col("SOURCEURL"))).then(pl.col("SOURCEURL")).otherwise(
        pl.format("{} {}", pl.col("layout").replace_strict(LAYOUTS, return_dtype=pl.String), pl.col("feed_file")))
    out = rows.select(
        "id", "date", "type", _who(1, "{country}: {name}").alias("actor"), _who(2, "{country}: {name}").alias("target"),
        _summary_expr().alias("summary"),
        pl.lit(None, dtype=pl.String).alias("statement"), source.alias("source"), "salience",
        # Without tone every event gets a neutral tone of 0 (not an empty cell): a statement event needs a tone or
        # quoted words to load, and 0 scores exactly as no tone would.
        (((pl.col("AvgTone") / TONE_SCALE).clip(-1.0, 1.0) * pl.col("salience")) if tone else pl.lit(0.0)
         ).alias("tone"),
        *EXTRA_COLUMNS, pl.col("feed_file"), pl.col("line").cast(pl.Int64).alias("feed_line"),
    )
    summary.events = out.height
    return replace_controls(out, summary)


def read_gdelt(paths: Iterable[str | Path], *, dyad: Sequence[str] | str = DEFAULT_DYAD,
               normalisation: str = DEFAULT_NORMALISATION, tone: bool = True,
               drop_duplicates: bool = False, block_bytes: int = BLOCK_BYTES, limits: FeedLimits | None = None
               ) -> tuple[pl.DataFrame, FeedSummary]:
    """Import GDELT files (1.0, 2.0, BigQuery CSV; plain or zipped) as one event frame of the dyad, with a summary.

    Raises FeedError for a file that is empty, of unknown layout, or where no line parses, and for an archive that
    is damaged or past ``limits`` (``FeedLimits``: unpacked size, compression ratio, entries, line length).
    """
    pair = check_dyad(dyad)
    check_normalisation(normalisation)
    summary = FeedSummary()
    frames = []
    for given in paths:
        path = Path(given)
        with unpacked(path, limits) as parts:
            for part, name in parts:
                rows, bad, n, _ = _read_one(part, name, pair, block_bytes, summary=summary, limits=limits)
                summary.files.append(name)
                summary.rows_read += n
                summary.dyad_rows += rows.height
                summary.malformed.extend((name, int(line), msg) for line, msg in bad.iter_rows())
                frames.append(rows)
    if not frames:
        raise FeedError("no GDELT files given")
    rows = pl.concat(frames, how="vertical")
    events = events_from_rows(rows, summary, normalisation=normalisation, tone=tone,
                              drop_duplicates=drop_duplicates)
    return events, summary


# --- the same import as one SQL query -------------------------------------------------------------------------

#: Columns of the aggregated output of ``aggregate_sql`` (one row per day, type; unmapped codes on their own rows).
AGGREGATE_COLUMNS = ("day", "type", "unmapped_code", "n_events", "mentions", "tone_sum", "tone_mentions",
                     "goldstein_sum")
BIGQUERY_TABLE = "`gdelt-bq.gdeltv2.events`"


def _sql_string(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def aggregate_sql(dyad: Sequence[str] | str = DEFAULT_DYAD, start: dt.date | None = None, end: dt.date | None = None,
                  *, dialect: str = "bigquery", table: str | None = None) -> str:
    """One SQL query doing the import's dyad filter, CAMEO mapping and per-(day, type) aggregation on a GDELT events
    table (default: GDELT's public BigQuery table); ``dialect`` is any sqlglot dialect (bigquery, spark, duckdb).

    Output columns: ``AGGREGATE_COLUMNS``; ``day`` is SQLDATE (YYYYMMDD as an integer); rows whose code is not in
    the CAMEO table have a null ``type`` and their code in ``unmapped_code``. ``daily_from_aggregate`` turns the
    result into the daily table ``compute_index`` takes.
    """
    import sqlglot

    a, b = check_dyad(dyad)
    source = table or (BIGQUERY_TABLE if dialect == "bigquery" else "events")
    placeholder = "gdelt_events_source_table"
    cameo = ",\n    ".join(f"({_sql_string(code)}, {_sql_string(t)})"
                           for code, t in cameo_table().select("cameo_code", "type").iter_rows())
    where = []
    if start:
        where.append(f"CAST(SQLDATE AS BIGINT) >= {start:%Y%m%d}")
    if end:
        where.append(f"CAST(SQLDATE AS BIGINT) <= {end:%Y%m%d}")
    c1 = "COALESCE(NULLIF(Actor1CountryCode, ''), SUBSTRING(Actor1Code, 1, 3))"
    c2 = "COALESCE(NULLIF(Actor2CountryCode, ''), SUBSTRING(Actor2Code, 1, 3))"
    where.append(f"(({c1} = '{a}' AND {c2} = '{b}') OR ({c1} = '{b}' AND {c2} = '{a}'))")
    # Written in DuckDB's dialect (VALUES lists, LEAST/GREATEST) and transpiled by sqlglot.
    sql = f"""
WITH cameo AS (
  SELECT * FROM (VALUES
    {cameo}
  ) AS cameo_map(cameo_code, type)
),
dyad AS (
  SELECT CAST(SQLDATE AS BIGINT) AS day, CAST(EventCode AS VARCHAR) AS code,
         CAST(NumMentions AS BIGINT) AS mentions, CAST(GoldsteinScale AS DOUBLE) AS goldstein,
         LEAST(GREATEST(CAST(AvgTone AS DOUBLE) / {TONE_SCALE!r}, -1.0), 1.0) AS tone
  FROM {placeholder}
  WHERE {" AND ".join(where)}
)
SELECT dyad.day AS day, cameo.type AS type,
       CASE WHEN cameo.type IS NULL THEN dyad.code END AS unmapped_code,
       COUNT(*) AS n_events, SUM(dyad.mentions) AS mentions, SUM(dyad.tone) AS tone_sum,
       SUM(dyad.mentions * dyad.tone) AS tone_mentions, SUM(dyad.goldstein) AS goldstein_sum
FROM dyad LEFT JOIN cameo ON dyad.code = cameo.cameo_code
GROUP BY 1, 2, 3
ORDER BY 1, 2, 3
"""
    out = sql.strip() if dialect == "duckdb" else sqlglot.transpile(sql, read="duckdb", write=dialect, pretty=True)[0]
    return out.replace(placeholder, source)


def is_aggregate(frame: pl.DataFrame) -> bool:
    """True when ``frame`` has the columns of ``aggregate_sql``'s output."""
    return set(AGGREGATE_COLUMNS) <= set(frame.columns)


def daily_from_aggregate(frame: pl.DataFrame, normalisation: str = DEFAULT_NORMALISATION, *,
                         tone: bool = True) -> pl.DataFrame:
    """The daily table of ``tension.aggregate`` (date, n_events, n_statements, tone_sum, s_<type>) from the output
    of ``aggregate_sql``, normalised as ``read_gdelt`` would; unmapped rows are left out (see ``unmapped_codes``)."""
    check_normalisation(normalisation)
    missing = [c for c in AGGREGATE_COLUMNS if c not in frame.columns]
    if missing:
        raise ValueError(f"not an aggregate_sql output: missing column(s) {', '.join(missing)}")
    agg = frame.filter(pl.col("type").is_not_null()).select(
        pl.col("day").cast(pl.Int64).cast(pl.String).str.to_date("%Y%m%d").alias("date"),
        pl.col("type").cast(pl.String), pl.col("n_events").cast(pl.Int64), pl.col("mentions").cast(pl.Float64),
        pl.col("tone_sum").cast(pl.Float64), pl.col("tone_mentions").cast(pl.Float64))
    unknown = sorted(set(agg["type"]) - set(type_ids()))
    if unknown:
        raise ValueError(f"aggregate has unknown event type(s) {', '.join(unknown)}")
    if agg.height == 0:
        raise ValueError("the aggregate has no mapped events to score")
    agg = agg.group_by("date", "type").agg(pl.col("n_events", "mentions", "tone_sum", "tone_mentions").sum())
    n = pl.col("n_events").cast(pl.Float64)
    day_mentions = pl.col("mentions").sum().over("date")
    if normalisation == "raw":
        sal, tone_part = n, pl.col("tone_sum")
    elif normalisation == "log":
        sal, tone_part = n.log1p(), pl.col("tone_sum") * n.log1p() / n
    else:
        sal, tone_part = pl.col("mentions") / day_mentions, pl.col("tone_mentions") / day_mentions
    agg = agg.with_columns(sal=sal, tone_part=tone_part if tone else pl.lit(0.0))
    per_day = agg.group_by("date").agg(n_events=pl.col("n_events").sum(), tone_sum=pl.col("tone_part").sum())
    wide = agg.pivot(on="type", index="date", values="sal", aggregate_function="sum")
    days = pl.DataFrame({"date": pl.date_range(agg["date"].min(), agg["date"].max(), "1d", eager=True)})
    out = days.join(per_day, on="date", how="left").join(wide, on="date", how="left")
    return out.select(
        "date", pl.col("n_events").fill_null(0).cast(pl.Int64), pl.lit(0, dtype=pl.Int64).alias("n_statements"),
        pl.col("tone_sum").fill_null(0.0),
        *((pl.col(t).fill_null(0.0) if t in out.columns else pl.lit(0.0)).alias(f"s_{t}") for t in type_ids()),
    )


def unmapped_codes(frame: pl.DataFrame) -> dict[str, int]:
    """The CAMEO codes of an ``aggregate_sql`` output that the CAMEO table does not map, with their event counts."""
    rows = frame.filter(pl.col("type").is_null())
    return {str(k): int(v) for k, v in rows.group_by("unmapped_code").agg(pl.col("n_events").sum()).sort(
        "unmapped_code").iter_rows()}

