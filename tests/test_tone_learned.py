import subprocess
import sys
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from tension.tone import learned as tone_learned
from tension.tone import rules as tone
from tension.tone.learned import NEUTRAL_BAND

ROOT = Path(__file__).resolve().parent.parent
STATEMENTS = ROOT / "data" / "statements"
#: The labelled sets the shipped model is trained on (every labelled set so far; the next blind set is kept out).
TRAINED_ON = ("statements.csv", "fresh.csv", "fresh2.csv", "fresh3.csv", "fresh4.csv")

TOY = [
    ("We oppose the sanctions and will retaliate.", -1), ("They oppose our companies and retaliate again.", -1),
    ("We oppose this decision firmly.", -1), ("The ministers will meet on Tuesday in Geneva.", 0),
    ("The meeting will be on Tuesday in London.", 0), ("The schedule for Tuesday will be released.", 0),
    ("We welcome the talks and praise the cooperation.", 1), ("Both sides welcome cooperation and praise progress.", 1),
    ("We welcome this progress.", 1),
]


@pytest.fixture(scope="module")
def toy():
    return tone_learned.train([t for t, _ in TOY], [y for _, y in TOY], steps=400)


def test_terms_are_words_and_neighbouring_pairs():
    assert tone_learned.terms("The U.S. side’s move, a-b") == [
        "the", "side", "move", "the side", "side move"]


def test_trained_model_learns_the_words_of_each_class(toy):
    assert tone_learned.score("They oppose it and retaliate.", toy) <= -NEUTRAL_BAND
    assert tone_learned.score("We welcome the progress.", toy) >= NEUTRAL_BAND
    assert abs(tone_learned.score("The meeting is on Tuesday.", toy)) < NEUTRAL_BAND
    # "oppose" pushes towards −1 more than anything pushes it up
    assert dict(tone_learned.explain("We oppose it.", toy))["oppose"] < 0


def test_score_is_in_the_neutral_band_exactly_when_neutral_is_most_likely(toy):
    for text in ["oppose", "welcome", "Tuesday", "We oppose and welcome it on Tuesday.", "Nothing known here."]:
        p = tone_learned.probabilities(text, toy)
        s = tone_learned.score(text, toy)
        if p[1] >= p.max():
            assert abs(s) < NEUTRAL_BAND
        else:
            assert abs(s) >= NEUTRAL_BAND and np.sign(s) == np.sign(p[2] - p[0])


def test_explain_accounts_for_the_sign_of_the_score(toy):
    for text, _ in [*TOY, ("They welcome the sanctions.", 0)]:
        total = sum(v for _, v in tone_learned.explain(text, toy))
        s = tone_learned.score(text, toy)
        assert np.sign(round(total, 6)) == np.sign(s) or s == 0.0


def test_table_round_trip_keeps_predictions(toy):
    back = tone_learned.from_table(tone_learned.to_table(toy))
    for text, _ in TOY:
        assert tone_learned.probabilities(text, back) == pytest.approx(tone_learned.probabilities(text, toy), abs=1e-4)


def test_bad_weights_file_names_line_and_column(toy):
    lines = tone_learned.to_table(toy).splitlines()
    lines[4] = lines[4].rsplit("\t", 1)[0] + "\tabc"
    with pytest.raises(tone.LexiconError, match=r"learned.tsv, line 5, column 'w_pos': expected a number, got 'abc'"):
        tone_learned.from_table("\n".join(lines))
    without = "\n".join(line for line in tone_learned.to_table(toy).splitlines() if not line.startswith("(baseline)"))
    with pytest.raises(tone.LexiconError, match=r"expected a row '\(baseline\)'"):
        tone_learned.from_table(without)


def test_training_rejects_bad_labels():
    with pytest.raises(ValueError, match="one label in"):
        tone_learned.train(["a b", "c d"], [1, 2])


def test_score_many_dedupes_and_handles_missing():
    out = tone_learned.score_many(["China opposes this.", None, "China opposes this.", ""])
    assert out.name == "tone" and out.dtype == pl.Float64
    assert out[0] == out[2] <= -NEUTRAL_BAND and out[1] == 0.0 and out[3] == 0.0


@pytest.mark.parametrize("text, sign", [
    ("China firmly opposes this and will take countermeasures.", -1),
    ("We urge the US to return to win-win cooperation.", -1),
    ("I have no information to share.", 0),
    ("The two sides had candid and constructive talks and agreed to keep communicating.", 1),
])
def test_shipped_model_reads_stock_formulas(text, sign):
    s = tone_learned.score(text)
    assert (s >= NEUTRAL_BAND) - (s <= -NEUTRAL_BAND) == sign, tone_learned.explain(text)[:5]


@pytest.mark.skipif(not all((STATEMENTS / n).exists() for n in TRAINED_ON), reason="labelled statements not present")
def test_shipped_weights_are_reproduced_by_training_on_the_labelled_sets():
    frame = pl.concat([pl.read_csv(STATEMENTS / n) for n in TRAINED_ON])
    model = tone_learned.train(frame["text"].to_list(), frame["label"].to_list())
    shipped = tone_learned.shipped()
    assert model.vocabulary == shipped.vocabulary
    assert np.allclose(model.weights, shipped.weights, atol=1e-4)
    assert np.allclose(model.intercept, shipped.intercept, atol=1e-4)
    assert np.allclose(model.rule_weights, shipped.rule_weights, atol=1e-4)


def test_tone_train_command_writes_a_loadable_model(tmp_path):
    data = tmp_path / "toy.csv"
    pl.DataFrame({"id": [f"t{i}" for i in range(len(TOY))], "text": [t for t, _ in TOY],
                  "label": [y for _, y in TOY]}).write_csv(data)
    out = tmp_path / "learned.tsv"
    proc = subprocess.run([sys.executable, "-m", "tension", "tone-train", str(data), "--out", str(out)],
                          capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    assert "learned from 9 statements (-1: 3, +0: 3, +1: 3)" in proc.stderr
    model = tone_learned.from_table(out.read_text(encoding="utf-8"))
    assert tone_learned.score("We oppose it.", model) <= -NEUTRAL_BAND


def test_tone_train_bad_file_exit_2(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("id,text,label\na,hello,maybe\n", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "tension", "tone-train", str(path), "--out", str(tmp_path / "o")],
                          capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 2 and "bad.csv, row 2, column 'label'" in proc.stderr
    assert not (tmp_path / "o").exists()

