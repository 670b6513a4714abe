"""GDELT import: layouts, dyad counts, CAMEO mapping, normalisation, problems, the SQL path, the CLI."""

from __future__ import annotations

import csv
import math
import zipfile
from pathlib import Path

import duckdb
import polars as pl
import pytest
import sqlglot
from hypothesis import given
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

import tension
from tension.cli import main
from tension.events import load_events
from tension.export import export_csv
from tension.sources.feeds import FeedError, FeedLimits, normalised_salience
from tension.sources.gdelt import (
    GDELT1_COLUMNS,
    GDELT2_COLUMNS,
    aggregate_sql,
    daily_from_aggregate,
    detect_layout,
    read_gdelt,
    unmapped_codes,
)
from tension.taxonomy import cameo_table

FIX = Path(__file__).resolve().parent / "fixtures"
GDELT2 = FIX / "gdelt2_20180326044500.export.CSV"
GDELT1 = FIX / "gdelt1_sample_events.tsv"
BIGQUERY = FIX / "gdelt_bigquery_chn_usa.csv"


def lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def write(tmp_path: Path, name: str, rows: list[str]) -> Path:
    path = tmp_path / name
    path.write_text("".join(r + "\n" for r in rows), encoding="utf-8")
    return path


@pytest.mark.parametrize(("path", "layout", "rows", "dyad"), [
    (GDELT2, "gdelt2", 1540, 5), (GDELT1, "gdelt1", 710, 3), (BIGQUERY, "bigquery", 155, 155),
])
def test_fixture_counts(path, layout, rows, dyad):
    assert detect_layout(path)[0] == layout
    events, summary = read_gdelt([path])
    assert (summary.rows_read, summary.dyad_rows, events.height) == (rows, dyad, dyad)
    assert summary.malformed == [] and summary.unmapped == {} and summary.duplicates == {}
    assert set(events["type"]) <= set(tension.type_ids())


def test_both_gdelt1_layouts_are_read():
    counts = {len(line.split("\t")) for line in lines(GDELT1)}
    assert counts == {57, 58}
    events, _ = read_gdelt([GDELT1])
    # the 1982 event comes from a 57-field line (no SOURCEURL): its source names the file instead
    old = events.filter(pl.col("date") == pl.date(1982, 1, 2)).row(0, named=True)
    assert old["id"] == "1553669" and old["SOURCEURL"] is None
    assert old["source"] == "GDELT 1.0 export gdelt1_sample_events.tsv"
    assert sorted(events["id"]) == ["1553669", "564111714", "564464392"]


def test_gdelt2_rows_hand_checked():
    events, _ = read_gdelt([GDELT2])
    assert events["feed_line"].to_list() == [395, 396, 397, 398, 1333]
    assert events["EventCode"].to_list() == ["012", "012", "035", "035", "112"]
    assert events["type"].to_list() == ["statement", "statement", "cooperation", "cooperation", "accusation"]
    first = events.row(0, named=True)
    assert first["id"] == "741917416" and first["GLOBALEVENTID"] == 741917416
    assert first["date"].isoformat() == "2018-03-26"
    assert first["actor"] == "CHN: CHINA" and first["target"] == "USA: WASHINGTON"
    assert first["summary"] == "CHINA (CHN) → WASHINGTON (USA): Make pessimistic comment (CAMEO 012)"
    assert first["statement"] is None and first["source"].startswith("http")
    last = events.row(-1, named=True)
    assert last["actor"] == "USA: WASHINGTON" and last["target"] == "CHN: CHINA" and last["NumMentions"] == 2


def test_bigquery_float_codes_get_their_leading_zero():
    events, _ = read_gdelt([BIGQUERY])
    row = events.filter(pl.col("id") == "719898364").row(0, named=True)
    assert (row["EventCode"], row["type"], row["GoldsteinScale"]) == ("042", "visit", 1.9)
    assert row["date"].isoformat() == "2018-01-05"


@pytest.mark.parametrize(("code", "type_id", "goldstein"), [
    ("012", "statement", -0.4), ("0211", "statement", 3.4), ("035", "cooperation", 7.0), ("042", "visit", 1.9),
    ("043", "visit", 2.8), ("057", "agreement", 8.0), ("1041", "accusation", -5.0), ("112", "accusation", -2.0),
    ("138", "threat", -7.0), ("163", "sanctions", -8.0), ("174", "expulsion", -5.0),
    ("150", "military_activity", -7.2), ("190", "incident", -10.0),
])
def test_cameo_spot_checks_against_goldstein_table(code, type_id, goldstein):
    # Goldstein values from GDELT's CAMEO.goldsteinscale.txt, read by hand
    row = cameo_table().filter(pl.col("cameo_code") == code).row(0, named=True)
    assert (row["type"], row["goldstein"]) == (type_id, goldstein)


def test_imported_goldstein_matches_the_cameo_table():
    events, _ = read_gdelt([GDELT2, GDELT1, BIGQUERY])
    joined = events.join(cameo_table(), left_on="EventCode", right_on="cameo_code")
    assert joined.height == events.height == 163
    assert (joined["GoldsteinScale"] == joined["goldstein"]).all()
    assert (joined["type"] == joined["type_right"]).all()


def test_zipped_input(tmp_path):
    archive = tmp_path / "20180326044500.export.CSV.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.write(GDELT2, "20180326044500.export.CSV")
    events, summary = read_gdelt([archive])
    assert events.height == 5 and summary.rows_read == 1540
    assert summary.files == ["20180326044500.export.CSV.zip:20180326044500.export.CSV"]


def test_malformed_lines_are_reported_with_line_numbers(tmp_path):
    good = lines(GDELT2)
    bad_date = good[394].split("\t")
    bad_date[1] = "20181340"
    bad_code = good[395].split("\t")
    bad_code[26] = "X12"
    rows = [good[0], "\t".join(bad_date), "", good[396], "\t".join(good[397].split("\t")[:40]),
            good[398] + "\textra", "\t".join(bad_code), good[1332]]
    events, summary = read_gdelt([write(tmp_path, "broken.CSV", rows)])
    assert summary.rows_read == 8
    assert [(line, message) for _, line, message in summary.malformed] == [
        (2, "SQLDATE 20181340 is not a date YYYYMMDD"),
        (3, "fewer than 61 fields"),
        (5, "fewer than 61 fields"),
        (6, "more than 61 fields"),
        (7, "EventCode X12 is not a CAMEO code (2 to 4 digits)"),
    ]
    assert events["feed_line"].to_list() == [4, 8]
    assert "5 malformed lines (broken.CSV line 2: SQLDATE 20181340" in summary.line()


def test_empty_file_is_an_error(tmp_path):
    with pytest.raises(FeedError, match=r"empty\.CSV: the file is empty"):
        read_gdelt([write(tmp_path, "empty.CSV", [])])


def test_file_where_no_line_parses_is_an_error(tmp_path):
    junk = "\t".join(["x"] * 61)
    with pytest.raises(FeedError, match=r"junk\.CSV: no line parses as a GDELT 2\.0 export \(2 malformed lines; "
                                        r"line 1: DATEADDED x"):
        read_gdelt([write(tmp_path, "junk.CSV", [junk, junk])])


def test_unknown_layout(tmp_path):
    with pytest.raises(FeedError, match="10 tab-separated fields; expected 57 or 58"):
        read_gdelt([write(tmp_path, "other.tsv", ["\t".join("abcdefghij")])])


def test_no_dyad_rows_is_not_an_error():
    events, summary = read_gdelt([GDELT2], dyad="CHN,BRA")
    assert events.height == 0 and summary.rows_read == 1540
    assert list(events.columns[:9]) == ["id", "date", "type", "actor", "target", "summary", "statement", "source",
                                        "salience"]


def test_unmapped_codes_are_counted_not_silently_dropped(tmp_path):
    good = lines(GDELT2)
    odd = good[396].split("\t")
    odd[26] = "099"
    path = write(tmp_path, "odd.CSV", [good[394], good[395], "\t".join(odd), good[397], good[1332]])
    events, summary = read_gdelt([path])
    assert summary.dyad_rows == 5 and events.height == 4 and summary.unmapped == {"099": 1}
    assert "1 dyad rows with unmapped CAMEO codes (099 ×1)" in summary.line()


def test_duplicates_reported_and_optionally_removed():
    events, summary = read_gdelt([GDELT2, GDELT2])
    assert events.height == 10 and len(summary.duplicates) == 5 and summary.duplicates_removed == 0
    events, summary = read_gdelt([GDELT2, GDELT2], drop_duplicates=True)
    assert events.height == 5 and summary.duplicates_removed == 5
    assert "5 duplicated ids (5 extra rows, 5 removed)" in summary.line()


def _oracle_dyad_count(path: Path, a: str, b: str) -> int:
    """The dyad rule written independently with the csv module: country code, else the Code prefix."""
    n = 0
    with path.open(encoding="utf-8") as fh:
        for row in csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE):
            c1, c2 = row[7] or row[5][:3], row[17] or row[15][:3]
            n += {c1, c2} == {a, b}
    return n


@pytest.mark.parametrize("dyad", [("USA", "GBR"), ("CHN", "USA"), ("USA", "RUS"), ("IND", "PAK")])
def test_any_dyad_matches_an_independent_count(dyad):
    _, summary = read_gdelt([GDELT2], dyad=dyad)
    assert summary.dyad_rows == _oracle_dyad_count(GDELT2, *dyad)


def test_code_prefix_decides_when_country_code_is_empty(tmp_path):
    row = lines(GDELT2)[394].split("\t")
    row[7], row[5] = "", "CHNGOV"  # Actor1CountryCode empty, Actor1Code starts with CHN
    row[16] = ""  # no Actor2Name: the target is the country alone
    events, _ = read_gdelt([write(tmp_path, "prefix.CSV", ["\t".join(row)])])
    assert events["actor"].to_list() == ["CHN: CHINA"] and events["target"].to_list() == ["USA"]
    assert events["summary"].to_list() == ["CHINA (CHN) → USA: Make pessimistic comment (CAMEO 012)"]


def test_bad_dyad_and_normalisation():
    with pytest.raises(ValueError, match="two different ISO3"):
        read_gdelt([GDELT2], dyad="CHN")
    with pytest.raises(ValueError, match="normalisation must be one of"):
        read_gdelt([GDELT2], normalisation="sqrt")


def test_normalisations_hand_checked():
    log, _ = read_gdelt([GDELT2], normalisation="log")
    # statement ×2, cooperation ×2, accusation ×1 on 2018-03-26
    assert log["salience"].to_list() == pytest.approx([math.log(3) / 2] * 4 + [math.log(2)])
    assert log["tone"][0] == pytest.approx(-1.33689839572193 / 10 * math.log(3) / 2)
    mentions, _ = read_gdelt([GDELT2], normalisation="mentions")
    assert mentions["salience"].to_list() == pytest.approx([1 / 6] * 4 + [2 / 6])
    raw, _ = read_gdelt([GDELT2], normalisation="raw")
    assert raw["salience"].to_list() == [1.0] * 5 and raw["tone"][0] == pytest.approx(-0.133689839572193)
    no_tone, _ = read_gdelt([GDELT2], tone=False)
    assert no_tone["tone"].to_list() == [0.0] * 5  # neutral, so that statement events load


def test_normalised_events_feed_compute_index():
    events, _ = read_gdelt([GDELT2, GDELT1, BIGQUERY])
    index = tension.compute_index(events, half_life=0, tone_weight=0)
    day = index.filter(pl.col("date") == pl.date(2018, 3, 26)).row(0, named=True)
    weights = tension.default_weights()
    expected = math.log(3) * (weights["statement"] + weights["cooperation"]) + math.log(2) * weights["accusation"]
    assert day["shock"] == pytest.approx(expected)


# --- the SQL path -----------------------------------------------------------------------------------------------

def _duckdb_aggregate(paths_and_columns: list[tuple[Path, tuple[str, ...]]], **kwargs) -> pl.DataFrame:
    con = duckdb.connect()
    selects = []
    for path, columns in paths_and_columns:
        spec = "{" + ", ".join(f"'{c}': 'VARCHAR'" for c in columns) + "}"
        selects.append(f"SELECT {', '.join(GDELT1_COLUMNS[:-2])}, DATEADDED, SOURCEURL FROM read_csv('{path}', "
                       f"delim='\t', header=false, quote='', escape='', null_padding=true, auto_detect=false, "
                       f"strict_mode=false, columns={spec})")
    con.execute("CREATE TABLE events AS " + " UNION ALL ".join(selects))
    cur = con.execute(aggregate_sql(dialect="duckdb", **kwargs))
    return pl.DataFrame(cur.fetchall(), schema=[d[0] for d in cur.description], orient="row")


@pytest.mark.parametrize("normalisation", ["log", "mentions", "raw"])
def test_sql_path_equals_polars_path(normalisation):
    agg = _duckdb_aggregate([(GDELT2, GDELT2_COLUMNS), (GDELT1, GDELT1_COLUMNS)])
    assert agg["n_events"].sum() == 8 and unmapped_codes(agg) == {}
    events, _ = read_gdelt([GDELT2, GDELT1], normalisation=normalisation)
    polars_daily = tension.aggregate(events)
    sql_daily = daily_from_aggregate(agg, normalisation)
    assert_frame_equal(polars_daily.select("date", "n_events", "n_statements"),
                       sql_daily.select("date", "n_events", "n_statements"))
    assert_frame_equal(polars_daily, sql_daily, check_exact=False, rel_tol=1e-12, abs_tol=1e-12)
    assert_frame_equal(tension.compute_index(polars_daily), tension.compute_index(events), check_exact=False)


def test_sql_path_reports_unmapped_codes_and_dates(tmp_path):
    good = lines(GDELT2)
    odd = good[396].split("\t")
    odd[26] = "099"
    path = write(tmp_path, "odd.CSV", [good[394], "\t".join(odd), good[1332]])
    agg = _duckdb_aggregate([(path, GDELT2_COLUMNS)])
    assert unmapped_codes(agg) == {"099": 1}
    assert daily_from_aggregate(agg)["n_events"].to_list() == [2]
    import datetime as dt
    assert _duckdb_aggregate([(GDELT1, GDELT1_COLUMNS)], start=dt.date(2016, 1, 1))["n_events"].sum() == 2


@pytest.mark.parametrize("dialect", ["bigquery", "spark", "duckdb"])
def test_sql_dialects_parse(dialect):
    sql = aggregate_sql(("CHN", "USA"), None, None, dialect=dialect)
    assert sqlglot.parse_one(sql.replace("`gdelt-bq.gdeltv2.events`", "t"), read=dialect) is not None
    if dialect == "bigquery":
        assert "FROM `gdelt-bq.gdeltv2.events`" in sql and "UNNEST" in sql


def test_score_accepts_aggregate_csv(tmp_path, capsys):
    agg = _duckdb_aggregate([(GDELT2, GDELT2_COLUMNS), (GDELT1, GDELT1_COLUMNS)])
    agg_csv = tmp_path / "agg.csv"
    agg.write_csv(agg_csv)
    assert main(["score", str(agg_csv), "--out", str(tmp_path / "i1.csv")]) == 0
    events_csv = tmp_path / "events.csv"
    assert main(["import-gdelt", str(GDELT2), str(GDELT1), "--out", str(events_csv)]) == 0
    assert main(["score", str(events_csv), "--out", str(tmp_path / "i2.csv")]) == 0
    i1, i2 = pl.read_csv(tmp_path / "i1.csv"), pl.read_csv(tmp_path / "i2.csv")
    assert_frame_equal(i1, i2, check_exact=False, rel_tol=1e-9, abs_tol=1e-9)
    daily_csv = tmp_path / "daily.csv"
    assert main(["import-gdelt", str(agg_csv), "--normalisation", "mentions", "--out", str(daily_csv)]) == 0
    assert main(["score", str(daily_csv), "--out", str(tmp_path / "i3.csv")]) == 0
    assert pl.read_csv(tmp_path / "i3.csv")["n_events"].sum() == 8


# --- the command line -----------------------------------------------------------------------------------------

def test_cli_import_gdelt(tmp_path, capsys):
    out = tmp_path / "ev.csv"
    assert main(["import-gdelt", str(GDELT2), "--out", str(out), "--normalisation", "raw"]) == 0
    err = capsys.readouterr().err
    assert "1,540 rows read from 1 file(s); 5 dyad rows; 5 events imported; 0 dyad rows with unmapped" in err
    assert "0 malformed lines" in err
    written = pl.read_csv(out, infer_schema=False)
    assert written.height == 5 and written["salience"].to_list() == ["1.0"] * 5
    assert written["EventCode"].to_list() == ["012", "012", "035", "035", "112"]


def test_cli_exit_2_on_empty_file(tmp_path, capsys):
    empty = write(tmp_path, "empty.CSV", [])
    assert main(["import-gdelt", str(empty), "--out", str(tmp_path / "x.csv")]) == 2
    assert "empty.CSV: the file is empty" in capsys.readouterr().err


def test_cli_gdelt_sql(capsys):
    assert main(["gdelt-sql", "--dialect", "spark", "--start", "2018-01-01", "--dyad", "USA,RUS"]) == 0
    out = capsys.readouterr().out
    assert "CAST(SQLDATE AS BIGINT) >= 20180101" in out and "'RUS'" in out and "FROM events" in out


def test_layout_of_most_first_lines_wins(tmp_path):
    rows = lines(GDELT1)[:5]
    path = write(tmp_path, "v1.tsv", ["\t".join(["x"] * 61), *rows])
    assert detect_layout(path)[0] == "gdelt1"
    _, summary = read_gdelt([path])
    assert summary.malformed[0][1:] == (1, "more than 57 or 58 fields")


@pytest.mark.parametrize("block_bytes", [1, 997, 40_000])
def test_blocks_of_lines_give_the_same_result(tmp_path, block_bytes):
    good = lines(GDELT2)
    path = write(tmp_path, "mixed.CSV", [*good[380:400], "bad line", "", *good[1320:1340]])
    whole, s_whole = read_gdelt([path])
    blocks, s_blocks = read_gdelt([path], block_bytes=block_bytes)
    assert_frame_equal(whole, blocks)
    assert s_blocks.rows_read == s_whole.rows_read == 42
    assert s_blocks.malformed == s_whole.malformed == [("mixed.CSV", 21, "fewer than 61 fields"),
                                                       ("mixed.CSV", 22, "fewer than 61 fields")]
    assert blocks["feed_line"].to_list() == [15, 16, 17, 18, 35]


@given(st.lists(st.tuples(st.integers(0, 3), st.sampled_from(["talks", "threat", "statement"]),
                          st.integers(1, 500)), min_size=1, max_size=60))
def test_normalisation_totals(rows):
    frame = pl.DataFrame(rows, schema={"day": pl.Int64, "type": pl.String, "m": pl.Int64}, orient="row").select(
        pl.date(2020, 1, 1).dt.offset_by(pl.format("{}d", "day")).alias("date"), "type", "m")
    log = frame.with_columns(s=normalised_salience(frame, "log", "m"))
    per_type = log.group_by("date", "type").agg(pl.col("s").sum(), n=pl.len())
    assert all(math.isclose(s, math.log1p(n)) for s, n in per_type.select("s", "n").iter_rows())
    mentions = frame.with_columns(s=normalised_salience(frame, "mentions", "m"))
    assert all(math.isclose(s, 1.0) for s in mentions.group_by("date").agg(pl.col("s").sum())["s"])
    assert (mentions["s"] > 0).all() and (log["s"] > 0).all()
    assert normalised_salience(frame, "raw").to_list() == [1.0] * frame.height


def test_broken_zip_is_an_error(tmp_path, capsys):
    broken = tmp_path / "broken.zip"
    broken.write_bytes(b"PK\x03\x04" + b"\x00" * 40)
    assert main(["import-gdelt", str(broken)]) == 2
    assert "broken.zip: not a readable zip archive" in capsys.readouterr().err
    empty = tmp_path / "empty.zip"
    zipfile.ZipFile(empty, "w").close()
    with pytest.raises(FeedError, match=r"empty\.zip: the zip archive is empty"):
        read_gdelt([empty])


def test_bad_aggregate_csv_is_exit_2(tmp_path, capsys):
    agg = tmp_path / "agg.csv"
    agg.write_text("day,type,unmapped_code,n_events,mentions,tone_sum,tone_mentions,goldstein_sum\n"
                   "yesterday,talks,,1,1,0,0,0\n", encoding="utf-8")
    assert main(["score", str(agg)]) == 2
    assert "agg.csv: cannot be read" in capsys.readouterr().err
    assert main(["import-gdelt", str(agg)]) == 2


# --- hostile input (issue 11): each hostile file is built in its test ----------------------------------------

def gdelt2_dyad_lines() -> list[bytes]:
    """The five CHN-USA lines of the GDELT 2.0 fixture, as bytes (lines 395-398 and 1333)."""
    raw = GDELT2.read_bytes().split(b"\n")
    return [raw[n - 1] for n in (395, 396, 397, 398, 1333)]


def edited(line: bytes, column: str, value: bytes) -> bytes:
    fields = line.split(b"\t")
    fields[GDELT2_COLUMNS.index(column)] = value
    return b"\t".join(fields)


def hostile_gdelt(tmp_path: Path) -> Path:
    good = gdelt2_dyad_lines()
    path = tmp_path / "hostile.export.CSV"
    path.write_bytes(b"\n".join([
        edited(good[0], "Actor1Name", b"CHI\x00NA"),  # 1: NUL in a text field
        edited(good[1], "SQLDATE", b"00000101"),  # 2: a date before 1900-01-01
        edited(good[2], "Actor2Name", b"UNITED \xff\xfeSTATES"),  # 3: two bytes not UTF-8
        edited(good[3], "SOURCEURL", b"http://example.com/\x1b[31mred"),  # 4: an escape sequence
        edited(good[4], "SOURCEURL", b" "),  # 5: a blank URL
        edited(good[0], "SQLDATE", b"21010101"),  # 6: a date after 2100-12-31
        edited(good[1], "GLOBALEVENTID", b"9" * 30),  # 7: an id too long for a 64-bit integer
    ]) + b"\n")
    return path


def test_hostile_lines_are_reported_and_never_written(tmp_path):
    events, summary = read_gdelt([hostile_gdelt(tmp_path)])
    name = "hostile.export.CSV"
    assert summary.malformed == [
        (name, 2, "SQLDATE 00000101 is outside the range of event dates, 19000101 to 21001231"),
        (name, 6, "SQLDATE 21010101 is outside the range of event dates, 19000101 to 21001231"),
        (name, 7, f"GLOBALEVENTID {'9' * 30} is not a whole number (1 to 18 digits)")]
    assert summary.repaired == [
        (name, 1, "control character U+0000 in actor, summary replaced by spaces"),
        (name, 3, "2 bytes not UTF-8, replaced by U+FFFD"),
        (name, 4, "control character U+001B in source, SOURCEURL replaced by spaces")]
    assert events["feed_line"].to_list() == [1, 3, 4, 5]
    assert events["actor"][0] == "CHN: CHI NA" and events["target"][1] == "USA: UNITED \ufffd\ufffdSTATES"
    assert events["source"].to_list()[2:] == ["http://example.com/ [31mred", f"GDELT 2.0 export {name}"]
    line = summary.line()
    assert "3 malformed lines (hostile.export.CSV line 2: SQLDATE 00000101 is outside" in line
    assert "3 lines imported with repairs (hostile.export.CSV line 1: control character U+0000" in line


def test_non_utf8_bytes_in_a_bigquery_export_are_reported(tmp_path):
    rows = BIGQUERY.read_bytes().split(b"\n")
    path = tmp_path / "bq.csv"
    path.write_bytes(b"\n".join([rows[0], rows[1].replace(b"CHINA", b"CHIN\xc1", 1), *rows[2:5]]) + b"\n")
    _, summary = read_gdelt([path])
    assert summary.repaired == [("bq.csv", 2, "1 byte not UTF-8, replaced by U+FFFD")] and summary.malformed == []


def test_long_first_line_is_an_error_naming_file_and_line(tmp_path):
    path = tmp_path / "long.CSV"
    path.write_bytes(b"\t".join([b"x" * 600_000] * 3) + b"\n")
    with pytest.raises(FeedError, match=r"long\.CSV, line 1: longer than 1,048,576 bytes"):
        read_gdelt([path])


def test_zip_bomb_is_refused(tmp_path):
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("20180326044500.export.CSV", b"\0" * (50 << 20))
    with pytest.raises(FeedError, match=r"bomb\.zip:20180326044500\.export\.CSV: unpacks to more than 200 times"):
        read_gdelt([bomb])


def test_smaller_limits_by_keyword(tmp_path):
    archive = tmp_path / "gdelt.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.write(GDELT2, GDELT2.name)
    assert read_gdelt([archive])[1].events == 5
    with pytest.raises(FeedError, match=r"gdelt\.zip: unpacks to more than 100,000 bytes"):
        read_gdelt([archive], limits=FeedLimits(max_bytes=100_000))
    with pytest.raises(FeedError, match=r"gdelt\.zip:gdelt2_\S+\.CSV, line 1: longer than 100 bytes"):
        read_gdelt([archive], limits=FeedLimits(max_line_bytes=100))


@pytest.mark.parametrize("tone", [True, False])
def test_imports_load_with_load_events(tmp_path, tone):
    for paths in ([GDELT2], [GDELT1], [BIGQUERY], [hostile_gdelt(tmp_path)]):
        events, _ = read_gdelt(paths, tone=tone)
        loaded = load_events(export_csv(events), name=paths[0].name)
        assert loaded.height == events.height > 0


def hostile_zip(kind: str, tmp_path: Path) -> Path:
    """A zip bomb, a zip with the encrypted flag set, or one whose deflated data is corrupt."""
    path = tmp_path / f"{kind}.zip"
    data = b"\0" * (50 << 20) if kind == "bomb" else GDELT2.read_bytes()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("export.CSV", data)
    raw = bytearray(path.read_bytes())
    if kind == "encrypted":
        raw[6] |= 0x1
        raw[raw.rfind(b"PK\x01\x02") + 8] |= 0x1
    elif kind == "corrupt":
        for i in range(100, 400):
            raw[i] ^= 0xFF
    path.write_bytes(bytes(raw))
    return path


@pytest.mark.parametrize(("kind", "message"), [
    ("bomb", "error: bomb.zip:export.CSV: unpacks to more than 200 times its compressed size"),
    ("encrypted", "error: encrypted.zip:export.CSV: the member is encrypted (password-protected)"),
    ("corrupt", "error: corrupt.zip:export.CSV: a damaged or unsupported zip member (zlib.error"),
])
def test_cli_hostile_zips_exit_2_with_one_line(tmp_path, capsys, kind, message):
    out = tmp_path / "events.csv"
    assert main(["import-gdelt", str(hostile_zip(kind, tmp_path)), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(message) and err.count("\n") == 1 and "Traceback" not in err
    assert not out.exists()


def test_cli_hostile_lines_write_a_file_that_score_reads(tmp_path, capsys):
    out = tmp_path / "events.csv"
    assert main(["import-gdelt", str(hostile_gdelt(tmp_path)), "--no-tone", "--out", str(out)]) == 0
    assert "3 malformed lines" in capsys.readouterr().err
    assert main(["score", str(out), "--out", str(tmp_path / "index.csv")]) == 0


def test_cli_refuses_to_write_duplicated_ids(tmp_path, capsys):
    out = tmp_path / "events.csv"
    assert main(["import-gdelt", str(GDELT2), str(GDELT2), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: 5 event ids occur more than once (741917416 ×2,") and err.count("\n") == 1
    assert not out.exists()
    assert main(["import-gdelt", str(GDELT2), str(GDELT2), "--drop-duplicates", "--out", str(out)]) == 0
    assert main(["score", str(out), "--out", str(tmp_path / "index.csv")]) == 0


def test_cli_unforeseen_reader_errors_are_one_line(tmp_path, capsys, monkeypatch):
    import zlib

    import tension.cli.feeds as cli_feeds

    def broken(*args, **kwargs):
        raise zlib.error("Error -3 while decompressing data:\ninvalid distance")

    monkeypatch.setattr(cli_feeds, "read_gdelt", broken)
    assert main(["import-gdelt", str(GDELT2)]) == 2
    err = capsys.readouterr().err
    assert err == (f"error: {GDELT2.name}: cannot be imported (zlib.error: Error -3 while decompressing data: invalid "
                   "distance)\n")
