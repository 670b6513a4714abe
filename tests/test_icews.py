"""ICEWS import: the Dataverse layout and the text-relation form, countries, CAMEO texts, problems, the CLI."""

from __future__ import annotations

import math
import re
import zipfile
from pathlib import Path

import polars as pl
import pytest

import tension
from tension.cli import main
from tension.events import load_events
from tension.export import export_csv
from tension.sources.feeds import FeedError
from tension.sources.icews import code_for_text, entity_country, iso3, read_actors, read_icews

FIX = Path(__file__).resolve().parent / "fixtures"
ICEWS18 = FIX / "icews18_chn_usa.tsv"
ICEWS0515 = FIX / "icews05-15_chn_usa.tsv"
ACTORS = FIX / "icews_actors.csv"

DATAVERSE_HEADER = ("Event ID\tEvent Date\tSource Name\tSource Sectors\tSource Country\tEvent Text\tCAMEO Code\t"
                    "Intensity\tTarget Name\tTarget Sectors\tTarget Country\tStory ID\tSentence Number\tPublisher")
DATAVERSE_ROWS = [
    "101\t2018-09-18\tChina\t\tChina\tThreaten\t130\t-4.4\tUnited States\t\tUnited States\t9\t1\tXinhua",
    "102\t2018-09-18\tDonald Trump\tExecutive\tUnited States\tMake a visit\t42\t1.9\tChina\t\tChina\t9\t2\tAP",
    "103\t2018-09-19\tRussia\t\tRussian Federation\tConsult\t040\t1.0\tUnited States\t\tUnited States\t9\t3\tTASS",
    "104\t2018-09-3x\tChina\t\tChina\tAccuse\t112\t-2.0\tUnited States\t\tUnited States\t9\t4\tXinhua",
    "105\t2018-09-19\tWang Yi\tGovernment\tChina\tAppeal for economic cooperation\t211\tstrong\tUnited States\t\t"
    "United States\t9\t5\tXinhua",
    "106\t2018-09-20\tChina\t\tChina\tImpose embargo, boycott, or sanctions\t163\t-8.0\tUnited States\t\t"
    "United States\t9\t6\tXinhua",
]


def dataverse_file(tmp_path: Path, rows: list[str] = DATAVERSE_ROWS, name: str = "events.2018.tab") -> Path:
    path = tmp_path / name
    path.write_text("\n".join([DATAVERSE_HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def test_text_form_with_actor_table():
    events, summary = read_icews([ICEWS18], actors=read_actors(ACTORS))
    assert (summary.rows_read, summary.dyad_rows, events.height) == (719, 719, 719)
    assert summary.unresolved_actors == {} and summary.unmapped == {} and summary.malformed == []
    first = events.row(0, named=True)
    assert (first["date"].isoformat(), first["type"], first["actor"], first["target"]) == (
        "2018-08-29", "statement", "USA: Donald Trump", "CHN: China")
    assert first["cameo_code"] == "010" and first["tone"] == 0.0 and first["statement"] is None
    assert events["date"].min().isoformat() == "2018-08-29" and events["date"].max().isoformat() == "2018-10-31"


def test_text_form_without_actor_table_counts_unknown_actors():
    events, summary = read_icews([ICEWS18])
    assert summary.dyad_rows == events.height == 409
    assert summary.unresolved_actors["Donald Trump"] == 120
    assert sum(summary.unresolved_actors.values()) == 366
    assert "366 rows with an actor of unknown country" in summary.line()


def test_text_form_with_side_columns():
    events, summary = read_icews([ICEWS0515])
    assert (summary.rows_read, events.height) == (943, 943)
    assert events.row(0, named=True)["target"] == "USA: Envoy (United States)"


@pytest.mark.parametrize(("text", "code"), [
    ("Host a visit", "043"), ("Make a visit", "042"), ("Accuse", "112"), ("Criticize or denounce", "111"),
    ("Make statement", "010"), ("Sign formal agreement", "057"), ("Impose embargo, boycott, or sanctions", "163"),
    ("Make an appeal or request", "020"), ("Threaten with military force", "138"),
    ("Express intent to engage in diplomatic cooperation (such as policy support)", "032"),
    ("Appeal for diplomatic cooperation (such as policy support)", "022"), ("Engage in negotiation", "046"),
    ("Not a CAMEO text", None),
])
def test_code_for_text(text, code):
    assert code_for_text(text) == code


@pytest.mark.parametrize(("entity", "country"), [
    ("China", "CHN"), ("United States", "USA"), ("Lawmaker (United States)", "USA"),
    ("Foreign Affairs (China)", "CHN"), ("Donald Trump", None), ("Russian Federation", "RUS"),
])
def test_entity_country(entity, country):
    assert entity_country(entity, {}) == country
    assert entity_country("Donald Trump", {"Donald Trump": "USA"}) == "USA"
    assert iso3("USA") == "USA"


def test_dataverse_layout(tmp_path):
    events, summary = read_icews([dataverse_file(tmp_path)])
    assert summary.rows_read == 6
    assert [(line, msg) for _, line, msg in summary.malformed] == [
        (5, "date 2018-09-3x is not YYYY-MM-DD"), (6, "Intensity strong is not a number")]
    assert summary.dyad_rows == 3  # the Russia row is outside the dyad
    assert events["id"].to_list() == ["101", "102", "106"]
    assert events["cameo_code"].to_list() == ["130", "042", "163"]  # "42" got its leading zero back
    assert events["type"].to_list() == ["threat", "visit", "sanctions"]
    assert events["actor"].to_list() == ["CHN: China", "USA: Donald Trump", "CHN: China"]
    assert events["intensity"].to_list() == [-4.4, 1.9, -8.0]
    # log normalisation: one event per (day, type)
    assert events["salience"].to_list() == pytest.approx([math.log(2)] * 3)


def test_dataverse_zipped_and_mentions(tmp_path):
    plain = dataverse_file(tmp_path)
    archive = tmp_path / "events.2018.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.write(plain, "events.2018.tab")
    events, summary = read_icews([archive], normalisation="mentions")
    assert summary.files == ["events.2018.zip:events.2018.tab"]
    # no mention counts in ICEWS: a day's events share 1 equally (two on 2018-09-18)
    assert events["salience"].to_list() == [0.5, 0.5, 1.0]


def test_duplicates(tmp_path):
    events, summary = read_icews([dataverse_file(tmp_path, name="a.tab"), dataverse_file(tmp_path, name="b.tab")],
                                 drop_duplicates=True)
    assert summary.duplicates == {"101": 2, "102": 2, "106": 2} and summary.duplicates_removed == 3
    assert events.height == 3


def test_unmapped_relation_is_counted(tmp_path):
    path = tmp_path / "rel.tsv"
    path.write_text("date\tsource\trelation\ttarget\n2018-09-01\tChina\tPraise or endorse\tUnited States\n"
                    "2018-09-01\tChina\tSing a song\tUnited States\n", encoding="utf-8")
    events, summary = read_icews([path])
    assert events.height == 1 and summary.unmapped == {"? Sing a song": 1}


def test_empty_and_unparseable_files(tmp_path):
    empty = tmp_path / "empty.tab"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(FeedError, match=r"empty\.tab: the file is empty"):
        read_icews([empty])
    header_only = dataverse_file(tmp_path, rows=[], name="header.tab")
    with pytest.raises(FeedError, match="has a header but no events"):
        read_icews([header_only])
    bad = dataverse_file(tmp_path, rows=[DATAVERSE_ROWS[3]], name="bad.tab")
    with pytest.raises(FeedError, match=r"bad.tab: no line parses as an ICEWS event \(1 malformed lines; line 2"):
        read_icews([bad])
    other = tmp_path / "other.csv"
    other.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(FeedError, match="not an ICEWS file"):
        read_icews([other])


def test_read_actors_rejects_bad_rows(tmp_path):
    path = tmp_path / "actors.csv"
    path.write_text("name,country\nDonald Trump,United States\n", encoding="utf-8")
    with pytest.raises(FeedError, match="line 2: expected a name and an ISO3 code"):
        read_actors(path)


def test_icews_events_feed_compute_index():
    events, _ = read_icews([ICEWS18], actors=read_actors(ACTORS))
    index = tension.compute_index(events, half_life=0)
    assert index.height == 64 and index["n_events"].sum() == 719


def test_cli_import_icews(tmp_path, capsys):
    out = tmp_path / "ev.csv"
    assert main(["import-icews", str(ICEWS18), "--actors", str(ACTORS), "--out", str(out)]) == 0
    assert "719 rows read from 1 file(s); 719 dyad rows; 719 events imported" in capsys.readouterr().err
    assert main(["score", str(out), "--out", str(tmp_path / "i.csv")]) == 0
    assert pl.read_csv(tmp_path / "i.csv")["n_events"].sum() == 719


def test_cli_import_icews_exit_2(tmp_path, capsys):
    empty = tmp_path / "empty.tab"
    empty.write_text("", encoding="utf-8")
    assert main(["import-icews", str(empty)]) == 2
    assert "error: empty.tab: the file is empty" in capsys.readouterr().err


def test_extra_fields_are_reported(tmp_path):
    rows = [DATAVERSE_ROWS[0] + "\tsurplus", DATAVERSE_ROWS[1]]
    events, summary = read_icews([dataverse_file(tmp_path, rows=rows)])
    assert [(line, msg) for _, line, msg in summary.malformed] == [(2, "more than 14 fields")]
    assert events["id"].to_list() == ["102"]


# --- hostile input (issue 11): each hostile file is built in its test ----------------------------------------

def test_actors_with_a_stray_quote_is_an_error_naming_the_line(tmp_path, capsys):
    actors = tmp_path / "actors.csv"
    actors.write_text('name,country\nXi Jinping,CHN\n"Donald Trump,USA\nJoe Biden,USA\n', encoding="utf-8")
    with pytest.raises(FeedError, match=r"actors\.csv, line 3: not valid CSV \(unexpected end of data\)"):
        read_actors(actors)
    assert main(["import-icews", str(ICEWS18), "--actors", str(actors)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: actors.csv, line 3: not valid CSV") and err.count("\n") == 1
    actors.write_text('name,country\n"Xi" Jinping,CHN\n', encoding="utf-8")
    with pytest.raises(FeedError, match=r"actors\.csv, line 2: not valid CSV \(',' expected after '\"'\)"):
        read_actors(actors)


@pytest.mark.parametrize(("content", "message"), [
    (b"name,country\nXi Jinping,CHN\nXi Jinping,USA\n", "line 3: 'Xi Jinping' is CHN on line 2, here USA"),
    (b"name,country\nBogot\xe1,COL\n", "line 2: byte 18 is not UTF-8"),
    (b"name,country\nXi Jinping,CHN,extra\n", "line 2: expected a name and an ISO3 code like USA (2 fields"),
    (b"who,where\n", "line 1: expected the header 'name,country'"),
    (b"", "the file is empty"),
])
def test_actors_problems(tmp_path, content, message):
    actors = tmp_path / "actors.csv"
    actors.write_bytes(content)
    with pytest.raises(FeedError, match=re.escape(message)):
        read_actors(actors)


def test_actors_quoted_names_and_blank_lines(tmp_path):
    actors = tmp_path / "actors.csv"
    actors.write_text('\ufeffname,country\n\n"Xi, Jinping",CHN\n Joe Biden , USA\n', encoding="utf-8")
    assert read_actors(actors) == {"Xi, Jinping": "CHN", "Joe Biden": "USA"}


def hostile_dataverse(tmp_path: Path) -> Path:
    rows = [
        DATAVERSE_ROWS[0].replace("\tChina\t\tChina\t", "\tCh\x00ina\t\tChina\t", 1),  # 2: NUL in a name
        DATAVERSE_ROWS[2].replace("2018-09-19", "0001-01-01"),  # 3: before 1900-01-01
        DATAVERSE_ROWS[5].replace("2018-09-20", "2101-01-01"),  # 4: after 2100-12-31
        "  \t" + DATAVERSE_ROWS[1].split("\t", 1)[1],  # 5: a blank Event ID
    ]
    path = dataverse_file(tmp_path, rows=rows, name="hostile.tab")
    path.write_bytes(path.read_bytes().replace(b"\tAP\n", b"\tA\xffP\n"))  # 5: a byte not UTF-8
    return path


def test_hostile_rows_are_reported_and_never_written(tmp_path):
    events, summary = read_icews([hostile_dataverse(tmp_path)])
    assert summary.malformed == [
        ("hostile.tab", 3, "date 0001-01-01 is outside the range of event dates, 1900-01-01 to 2100-12-31"),
        ("hostile.tab", 4, "date 2101-01-01 is outside the range of event dates, 1900-01-01 to 2100-12-31")]
    assert summary.repaired == [
        ("hostile.tab", 2, "control character U+0000 in actor, summary replaced by spaces"),
        ("hostile.tab", 5, "1 byte not UTF-8, replaced by U+FFFD")]
    assert events["id"].to_list() == ["101", "hostile.tab:5"]
    assert events["actor"][0] == "CHN: Ch ina"


def test_icews_imports_load_with_load_events(tmp_path):
    for paths, actors in (([ICEWS18], read_actors(ACTORS)), ([ICEWS0515], None), ([ICEWS18, ICEWS0515], None),
                          ([hostile_dataverse(tmp_path)], None)):
        events, _ = read_icews(paths, actors=actors)
        assert load_events(export_csv(events), name=paths[0].name).height == events.height > 0


def test_long_header_line_is_an_error(tmp_path, capsys):
    path = tmp_path / "long.tab"
    path.write_bytes(b"Event ID\t" + b"x" * (2 << 20) + b"\n")
    assert main(["import-icews", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: long.tab, line 1: longer than 1,048,576 bytes") and err.count("\n") == 1


def test_cli_zip_bomb_exit_2(tmp_path, capsys):
    bomb = tmp_path / "events.2018.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("events.2018.tab", DATAVERSE_HEADER.encode() + b"\n" + b"\0" * (50 << 20))
    assert main(["import-icews", str(bomb)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: events.2018.zip:events.2018.tab: unpacks to more than 200 times")
    assert err.count("\n") == 1
