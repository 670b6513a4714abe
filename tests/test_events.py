import datetime as dt
import io

import polars as pl
import pytest

from tension.events import EventDataError, load_events, parse_events

HEADER = "date,type,actor,target,summary,source"


def test_minimal_file_loads_with_defaults():
    ev = parse_events(HEADER + "\n2023-06-18,visit,USA,CHN,Blinken arrives,State Dept\n")
    assert ev.columns[:9] == ["id", "date", "type", "actor", "target", "summary", "statement", "source", "salience"]
    assert ev["date"].dtype == pl.Date and str(ev["date"][0]) == "2023-06-18"
    assert ev["salience"][0] == 1.0 and ev["statement"][0] is None and ev["id"][0] == "L2"


def test_bom_crlf_and_quoted_fields(tmp_path):
    text = ("\ufeff" + HEADER + ",statement,salience\r\n"
            '2023-02-03,cancellation,USA,CHN,"Trip, postponed","Reuters, ""quoted""",,0.7\r\n'
            '2023-06-16,statement,CHN,USA,"line one\r\nline two",CGTN,"He said: ""no""\nthen left",1.5\r\n')
    path = tmp_path / "e.csv"
    path.write_bytes(text.encode("utf-8"))
    ev = load_events(path)
    assert ev.height == 2
    assert ev["summary"].to_list() == ["Trip, postponed", "line one\r\nline two"]
    assert ev["source"][0] == 'Reuters, "quoted"'
    assert ev["statement"][1] == 'He said: "no"\nthen left'
    assert ev["salience"].to_list() == [0.7, 1.5]


def test_line_numbers_count_quoted_newlines():
    text = HEADER + '\n2023-01-01,talks,USA,CHN,"a\nb\nc",x\n2023-02-30,talks,USA,CHN,d,x\n'
    with pytest.raises(EventDataError) as exc:
        parse_events(text, "e.csv")
    assert "e.csv, line 5, column 'date': '2023-02-30': is not a real calendar date" in str(exc.value)


def test_extra_columns_kept_as_text():
    ev = parse_events(HEADER + ",url,note\n2023-01-01,talks,USA,CHN,a,x,https://example.org,=1+1\n")
    assert ev["url"][0] == "https://example.org" and ev["note"][0] == "=1+1"


@pytest.mark.parametrize(("value", "message"), [
    ("2023-02-30", "not a real calendar date"),
    ("2023/02/03", "not a date in the form YYYY-MM-DD"),
    ("03-02-2023", "not a date in the form YYYY-MM-DD"),
    ("", "not a date in the form YYYY-MM-DD"),
])
def test_bad_dates(value, message):
    with pytest.raises(EventDataError) as exc:
        parse_events(f"{HEADER}\n{value},talks,USA,CHN,a,x\n", "f.csv")
    assert f"f.csv, line 2, column 'date': {value!r}: is {message}" in str(exc.value)


@pytest.mark.parametrize(("value", "hint"), [
    ("sanction", "did you mean 'sanctions'?"),
    ("Phone Call", "did you mean 'phone_call'?"),
    ("export-controls", "did you mean 'export_controls'?"),
    ("zzzz", "known types: talks, visit"),
])
def test_unknown_type_with_suggestion(value, hint):
    with pytest.raises(EventDataError) as exc:
        parse_events(f"{HEADER}\n2023-01-01,{value},USA,CHN,a,x\n", "f.csv")
    assert f"line 2, column 'type': {value!r}: is not a known event type" in str(exc.value)
    assert hint in str(exc.value)


def test_missing_column_named_with_hint():
    with pytest.raises(EventDataError) as exc:
        parse_events("Date,type,actor,target,summary\n2023-01-01,talks,USA,CHN,a\n", "f.csv")
    msg = str(exc.value)
    assert "column 'date': required column is missing (found 'Date': did you mean 'date'?)" in msg
    assert "column 'source': required column is missing" in msg


@pytest.mark.parametrize("data", [b"", b"\xef\xbb\xbf", b"\n\n  \n"])
def test_empty_file(data):
    with pytest.raises(EventDataError, match="the file is empty"):
        load_events(data, name="empty.csv")


def test_header_without_rows():
    with pytest.raises(EventDataError, match="header but no event rows"):
        parse_events(HEADER + "\n")


def test_binary_garbage():
    with pytest.raises(EventDataError, match=r"garbage.bin, line 1: byte 4 is a NUL byte"):
        load_events(b"\x89PNG\x00\x01\x02", name="garbage.bin")


def test_not_utf8_names_the_line():
    data = (HEADER + "\n2023-01-01,talks,USA,CHN,caf\xe9,x\n").encode("latin-1")
    with pytest.raises(EventDataError, match=r"line 2: byte \d+ is not UTF-8"):
        load_events(data, name="latin.csv")


@pytest.mark.parametrize(("value", "message"), [
    ("high", "is not a number"), ("0", "must be a positive"), ("-1.5", "must be a positive"),
    ("nan", "is not a number"), ("inf", "is not a number"),
    ("1_5", "is not a number"), ("0x10", "is not a number"), ("１", "is not a number"), ("1e999", "is not a number"),
    ("1e308", "must be a positive number, at most 10"), ("10.01", "must be a positive number, at most 10"),
])
def test_bad_salience(value, message):
    with pytest.raises(EventDataError) as exc:
        parse_events(f"{HEADER},salience\n2023-01-01,talks,USA,CHN,a,x,{value}\n", "f.csv")
    assert f"line 2, column 'salience': {value!r}: {message}" in str(exc.value)


def test_every_problem_listed_not_only_the_first():
    text = HEADER + "\n2023-13-01,talks,USA,CHN,a,x\n2023-01-01,tlaks,USA,CHN,a,x\n2023-01-01,talks,,CHN,a,\n"
    with pytest.raises(EventDataError) as exc:
        parse_events(text, "f.csv")
    err = exc.value
    assert err.total == 4
    assert [(p.line, p.column) for p in err.problems] == [(2, "date"), (3, "type"), (4, "actor"), (4, "source")]


def test_problem_list_is_capped():
    text = HEADER + "\n" + "".join(f"2023-01-01,bogus{i},USA,CHN,a,x\n" for i in range(120))
    with pytest.raises(EventDataError) as exc:
        parse_events(text, "f.csv")
    assert exc.value.total == 120
    assert "... and 70 more problems" in str(exc.value)


def test_ragged_row_is_an_error_not_dropped():
    with pytest.raises(EventDataError, match="line 3: has 5 fields, expected 6"):
        parse_events(HEADER + "\n2023-01-01,talks,USA,CHN,a,x\n2023-01-02,talks,USA,CHN,b\n", "f.csv")


def test_duplicate_ids_reported_not_deduplicated():
    text = "id," + HEADER + "\nA,2023-01-01,talks,USA,CHN,a,x\nA,2023-01-02,talks,USA,CHN,a,x\n"
    with pytest.raises(EventDataError, match="line 3, column 'id': 'A': duplicates the id on line 2"):
        parse_events(text, "f.csv")


def test_statement_type_needs_text():
    with pytest.raises(EventDataError, match="column 'statement'"):
        parse_events(HEADER + ",statement\n2023-01-01,statement,CHN,USA,a,x,\n")


def test_file_like_upload_uses_its_name_and_size_limit():
    upload = io.BytesIO((HEADER + "\n2023-01-01,talks,USA,CHN,a,x\n").encode())
    upload.name = "mine.csv"
    assert load_events(upload).height == 1
    upload.seek(0)
    with pytest.raises(EventDataError, match=r"mine\.csv: .*over the limit of 10 bytes"):
        load_events(upload, max_bytes=10)


def test_duplicate_rows_are_kept():
    row = "2023-01-01,talks,USA,CHN,a,x\n"
    assert parse_events(HEADER + "\n" + row + row).height == 2


def test_optional_tone_column_for_machine_coded_statements():
    ev = parse_events(HEADER + ",statement,tone\n2023-01-01,statement,CHN,USA,a,GDELT,,-0.4\n"
                      "2023-01-02,statement,CHN,USA,b,x,We welcome it.,\n")
    assert ev["tone"].to_list() == [-0.4, None]


@pytest.mark.parametrize("value", ["1.5", "loud", "nan"])
def test_bad_tone(value):
    with pytest.raises(EventDataError, match=f"column 'tone': '{value}': is not a number between -1 and 1"):
        parse_events(HEADER + f",tone\n2023-01-01,talks,CHN,USA,a,x,{value}\n", "f.csv")


def test_statement_without_text_or_tone_is_an_error():
    with pytest.raises(EventDataError, match="or, for machine-coded feeds, a value in the tone column"):
        parse_events(HEADER + ",statement,tone\n2023-01-01,statement,CHN,USA,a,x,,\n")


@pytest.mark.parametrize("value", ["1899-12-31", "2101-01-01", "0001-01-01", "9999-12-31"])
def test_dates_outside_the_supported_range(value):
    with pytest.raises(EventDataError) as exc:
        parse_events(HEADER + f"\n2023-01-01,talks,USA,CHN,a,x\n{value},talks,USA,CHN,a,x\n", "f.csv")
    assert f"f.csv, line 3, column 'date': {value!r}: is outside the supported range 1900-01-01 to 2100-12-31" \
        in str(exc.value)


def test_dates_at_the_ends_of_the_range_load():
    ev = parse_events(HEADER + "\n1900-01-01,talks,USA,CHN,a,x\n2100-12-31,talks,USA,CHN,a,x\n")
    assert ev["date"].to_list() == [dt.date(1900, 1, 1), dt.date(2100, 12, 31)]


@pytest.mark.parametrize("value", ["-0_5", "1e308", "-inf", "0.5e1", "٠.٥"])
def test_tone_must_be_a_plain_number_in_range(value):
    with pytest.raises(EventDataError, match=f"line 2, column 'tone': '{value}': is not a number between -1 and 1"):
        parse_events(HEADER + f",tone\n2023-01-01,talks,CHN,USA,a,x,{value}\n", "f.csv")


def test_plain_numbers_with_exponent_and_sign_load():
    ev = parse_events(HEADER + ",salience,tone\n2023-01-01,talks,CHN,USA,a,x,+15e-1,-.25\n"
                      "2023-01-02,talks,CHN,USA,a,x, 1. ,1E0\n")
    assert ev["salience"].to_list() == [1.5, 1.0]
    assert ev["tone"].to_list() == [-0.25, 1.0]


def test_a_one_megabyte_statement_loads():
    words = "We firmly oppose it. " * 50_000  # 1.05 MB in one quoted cell
    ev = parse_events(HEADER + f',statement\n2023-01-01,statement,CHN,USA,a,x,"{words}"\n', "big.csv")
    assert ev["statement"][0] == words


def test_leading_apostrophe_of_exported_cells_and_headers_is_removed_once():
    text = "date,type,actor,target,summary,source,'@note\n'2023-01-01,talks,''USA,CHN,'=1+1,'x,''\n"
    ev = parse_events(text)
    assert ev.row(0, named=True) | {"id": None} == {
        "id": None, "date": dt.date(2023, 1, 1), "type": "talks", "actor": "'USA", "target": "CHN",
        "summary": "=1+1", "statement": None, "source": "x", "salience": 1.0, "@note": "'"}
