import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

from tension.cli import build_parser, main
from tension.taxonomy import default_weights, type_ids

ROOT = Path(__file__).resolve().parent.parent
GOOD = "date,type,actor,target,summary,source\n2023-01-01,talks,USA,CHN,a,x\n2023-01-03,sanctions,USA,CHN,b,x\n"


def test_score_happy_path(tmp_path):
    src = tmp_path / "ev.csv"
    src.write_text(GOOD)
    out = tmp_path / "index.csv"
    weights = tmp_path / "w.toml"
    weights.write_text("[weights]\ntalks = 2\nsanctions = -1\n")
    assert main(["score", str(src), "--out", str(out), "--weights", str(weights), "--half-life", "inf",
                 "--tone-weight", "0"]) == 0
    index = pl.read_csv(out)
    assert index["raw"].to_list() == [2.0, 2.0, 1.0]
    assert {"date", "n_events", "shock", "raw", "index", "level", "contrib_talks", "contrib_tone"} <= set(index.columns)


def test_score_start_end(tmp_path):
    src = tmp_path / "ev.csv"
    src.write_text(GOOD)
    out = tmp_path / "i.csv"
    assert main(["score", str(src), "--out", str(out), "--start", "2023-01-02", "--end", "2023-01-05"]) == 0
    assert pl.read_csv(out)["date"].to_list() == ["2023-01-02", "2023-01-03", "2023-01-04", "2023-01-05"]


def test_bad_input_exit_2_no_traceback(tmp_path):
    src = tmp_path / "bad.csv"
    src.write_text("date,type,actor,target,summary,source\n2023-02-30,talks,USA,CHN,a,x\n")
    proc = subprocess.run([sys.executable, "-m", "tension", "score", str(src)], capture_output=True, text=True,
                          cwd=ROOT)
    assert proc.returncode == 2
    assert "bad.csv, line 2, column 'date'" in proc.stderr
    assert "Traceback" not in proc.stderr


@pytest.mark.parametrize(("content", "message"), [
    ("talks = 'high'", "must be a finite number"), ("tariff = -3", "unknown event type 'tariff'"),
    ("[[", "not valid TOML"), ("talks = nan", "must be a finite number"),
    ("weights = 5", "'weights' must be a table"), ("talks = 1\n[weights]\nthreat = -2", "not both"),
])
def test_bad_weights_file(tmp_path, capsys, content, message):
    src = tmp_path / "ev.csv"
    src.write_text(GOOD)
    w = tmp_path / "w.toml"
    w.write_text(content)
    assert main(["score", str(src), "--weights", str(w)]) == 2
    assert message in capsys.readouterr().err


def test_missing_file_exit_2(capsys):
    assert main(["score", "/nonexistent/events.csv"]) == 2
    assert "error:" in capsys.readouterr().err


def test_bad_half_life_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["score", "x.csv", "--half-life", "-3"])
    assert exc.value.code == 2
    assert "expected days" in capsys.readouterr().err


def test_every_command_has_help_and_is_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    sub = next(a for a in build_parser()._actions if a.dest == "command")
    for name, parser in sub.choices.items():
        assert parser.description, name
        assert f"python -m tension {name}" in readme, f"README does not document '{name}'"


def test_score_daily_table_counts_events_not_days(tmp_path, capsys):
    from tension import aggregate, load_events
    src = tmp_path / "ev.csv"
    src.write_text(GOOD)
    daily = tmp_path / "daily.csv"
    aggregate(load_events(src)).write_csv(daily)
    assert main(["score", str(daily), "--out", str(tmp_path / "i.csv")]) == 0
    assert capsys.readouterr().err.startswith("2 events, 3 days;")


def test_score_with_the_learned_tone_scorer(tmp_path):
    from tension.tone import learned as tone_learned
    from tension.tone import rules as tone
    text = "We urge the US to stop its wrong actions."
    src = tmp_path / "ev.csv"
    src.write_text(f'date,type,actor,target,summary,source,statement\n2023-01-01,statement,CHN,USA,a,x,"{text}"\n')
    out = {}
    for scorer in ("diplomatic", "learned"):
        path = tmp_path / f"{scorer}.csv"
        assert main(["score", str(src), "--out", str(path), "--tone-weight", "1", "--tone-scorer", scorer]) == 0
        out[scorer] = pl.read_csv(path)["contrib_tone"][0]
    assert out["diplomatic"] == pytest.approx(tone.score(text))
    assert out["learned"] == pytest.approx(tone_learned.score(text))


@pytest.mark.parametrize(("option", "value", "expected"), [
    ("--tone-weight", "nan", "expected a finite number"), ("--tone-weight", "inf", "expected a finite number"),
    ("--tone-weight", "1_0", "expected a finite number"), ("--scale", "nan", "greater than 0"),
    ("--scale", "inf", "greater than 0"), ("--scale", "0", "greater than 0"), ("--scale", "-5", "greater than 0"),
    ("--half-life", "nan", "expected days"), ("--half-life", "1_0", "expected days"),
    ("--end", "9999-12-31", "outside the supported range"), ("--start", "20230101", "YYYY-MM-DD"),
])
def test_non_finite_numbers_and_bad_dates_are_usage_errors(tmp_path, capsys, option, value, expected):
    src = tmp_path / "ev.csv"
    src.write_text(GOOD)
    with pytest.raises(SystemExit) as exc:
        main(["score", str(src), option, value])
    assert exc.value.code == 2
    assert expected in capsys.readouterr().err


def test_start_after_the_last_event_is_a_clear_error(tmp_path, capsys):
    src = tmp_path / "ev.csv"
    src.write_text(GOOD)
    assert main(["score", str(src), "--start", "2024-01-01"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: start 2024-01-01 is after the last day of the data (2023-01-03)")
    assert "Traceback" not in err
    out = tmp_path / "i.csv"
    assert main(["score", str(src), "--start", "2024-01-01", "--end", "2024-01-03", "--out", str(out)]) == 0
    assert pl.read_csv(out)["n_events"].to_list() == [0, 0, 0]


def test_extract_refuses_a_publication_date_outside_the_range(tmp_path, capsys):
    article = tmp_path / "a.txt"
    article.write_text("The talks will be held tomorrow, the ministry said.\n")
    with pytest.raises(SystemExit) as exc:
        main(["extract", str(article), "--published", "9999-12-31"])
    assert exc.value.code == 2
    assert "outside the supported range 1900-01-01 to 2100-12-31" in capsys.readouterr().err


DAILY_HEADER = "date,n_events,n_statements,tone_sum," + ",".join(f"s_{t}" for t in type_ids())
ZEROS = ",0" * (len(type_ids()) - 1)


def test_score_daily_table_with_a_gap_scores_the_missing_days_as_empty(tmp_path, capsys):
    daily = tmp_path / "daily.csv"
    talks = type_ids().index("talks")
    row = ["0"] * len(type_ids())
    row[talks] = "1.0"
    daily.write_text(f"{DAILY_HEADER}\n2023-01-01,1,0,0.0,{','.join(row)}\n2023-01-04,1,0,0.0,{','.join(row)}\n")
    out = tmp_path / "i.csv"
    assert main(["score", str(daily), "--out", str(out), "--half-life", "inf", "--tone-weight", "0"]) == 0
    index = pl.read_csv(out)
    assert index["date"].to_list() == ["2023-01-01", "2023-01-02", "2023-01-03", "2023-01-04"]
    w = default_weights()["talks"]
    assert index["raw"].to_list() == pytest.approx([w, w, w, 2 * w])
    assert "daily.csv: 2 missing days between the first and last day scored as days without events" in \
        capsys.readouterr().err


@pytest.mark.parametrize(("rows", "expected"), [
    (["2023-01-01,1,0,0.0,1" + ZEROS, "2023-01-01,1,0,0.0,1" + ZEROS],
     "daily.csv, line 3, column 'date': '2023-01-01': duplicates the date on line 2"),
    (["2023-01-01,1,0,,1" + ZEROS], "daily.csv, line 2, column 'tone_sum': '': is not a finite number"),
    (["2023-01-01,1,0,nan,1" + ZEROS], "daily.csv, line 2, column 'tone_sum': 'nan': is not a finite number"),
    (["2023-01-01,1.5,0,0,1" + ZEROS], "daily.csv, line 2, column 'n_events': '1.5': is not a whole number"),
    (["2023-01-01,1,0,0,-1" + ZEROS], "column 's_" + type_ids()[0] + "': '-1': must not be negative"),
    (["2200-01-01,1,0,0,1" + ZEROS], "line 2, column 'date': '2200-01-01': is outside the supported range"),
])
def test_score_refuses_bad_daily_tables_with_line_and_column(tmp_path, capsys, rows, expected):
    daily = tmp_path / "daily.csv"
    daily.write_text(DAILY_HEADER + "\n" + "\n".join(rows) + "\n")
    assert main(["score", str(daily)]) == 2
    assert expected in capsys.readouterr().err


def test_score_refuses_a_huge_first_line_without_reading_it_whole(tmp_path, capsys):
    from tension.sources.feeds import MAX_LINE_BYTES

    path = tmp_path / "huge.csv"
    path.write_bytes(b"a" * (MAX_LINE_BYTES + 10) + b"\n")
    assert main(["score", str(path)]) == 2
    err = capsys.readouterr().err
    assert "huge.csv, line 1: longer than" in err and err.count("\n") == 1
