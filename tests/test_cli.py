import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

from tension.cli import build_parser, main

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
    ("talks = 'high'", "must be a number"), ("tariff = -3", "unknown event type 'tariff'"), ("[[", "not valid TOML"),
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
