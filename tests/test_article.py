"""Article coding: rules, gazetteer, quotes and the seed article's gold list.

Sentences in the unit tests are made up for the tests (not quoted from any article). The seed-article test reads
the article from the shared data folder (not redistributed here) and is skipped where it is absent.
"""

import datetime as dt
import os
from pathlib import Path

import polars as pl
import pytest

from tension.sources.article import (
    evaluate,
    events_from_text,
    find_mentions,
    load_gazetteer,
    load_rules,
    split_sentences,
)

FIXTURES = Path(__file__).parent / "fixtures" / "articles"
SHARED = Path(os.environ.get("TENSION_SHARED", Path(__file__).resolve().parents[2] / "shared"))
SEED = SHARED / "seed" / "000_a9c27a608b917622.txt"
FRIDAY = dt.date(2023, 6, 16)


def types(text: str, published: dt.date = FRIDAY) -> list[str]:
    return events_from_text(text, published)["type"].to_list()


@pytest.mark.parametrize(("sentence", "kind"), [
    ("On Monday, Washington called off the talks.", "cancellation"),
    ("On Monday, Beijing declined a meeting with Austin.", "cancellation"),
    ("On Monday, Blinken held talks with Wang Yi.", "talks"),
    ("On Monday, Qin Gang spoke by phone with Blinken.", "phone_call"),
    ("On Monday, the Treasury imposed sanctions on three Chinese firms.", "sanctions"),
    ("On Monday, the U.S. moved to curb the export of chips to China.", "export_controls"),
    ("On Monday, the PLA began military exercises near Taiwan.", "military_activity"),
    ("On Monday, China announced the suspension of cooperation with the U.S. on climate.", "suspension"),
    ("On Monday, a US senator visited Taiwan.", "sovereignty_dispute"),
    ("On Monday, Raimondo visited Beijing.", "visit"),
    ("On Monday, the U.S. raised tariffs on Chinese goods.", "tariffs"),
])
def test_each_documented_pattern(sentence, kind):
    assert types(sentence) == [kind]


def test_visit_to_taiwan_is_sovereignty_not_visit():
    assert types("On Monday, the speaker met with the Taiwan leader and then visited Taiwan.") == \
        ["sovereignty_dispute"]


def test_tariffs_as_a_topic_are_not_an_event():
    assert types("On Monday, the spokesperson answered questions on tariffs.") == []


def test_future_plan_without_a_date_is_not_coded_but_dated_plan_is():
    assert types("Blinken will meet senior officials.") == []
    assert types("Blinken will visit Beijing on Sunday.") == ["visit"]


def test_row_columns_and_precision():
    frame = events_from_text("In May, Wang Wentao held talks with Raimondo.", FRIDAY, source="test")
    row = frame.row(0, named=True)
    assert (row["date"], row["date_precision"], row["type"]) == (dt.date(2023, 5, 1), "month", "talks")
    assert row["actor"] == "CHN: Ministry of Commerce (Wang Wentao)"
    assert row["target"] == "USA: Department of Commerce (Gina Raimondo)"
    assert row["sentence"] == "In May, Wang Wentao held talks with Raimondo."
    assert row["id"] == "art-001" and row["source"] == "test"
    assert frame.columns[:9] == ["id", "date", "type", "actor", "target", "summary", "statement", "source",
                                 "salience"]


def test_undated_sentence_takes_publication_date_and_says_so():
    row = events_from_text("Beijing condemned the sanctions list.", FRIDAY).row(0, named=True)
    assert row["date"] == FRIDAY and row["date_text"].startswith("(publication date")


def test_continuation_carries_the_previous_date():
    frame = events_from_text("Pelosi visited Taiwan last August. China then held military exercises.", FRIDAY)
    assert frame.select("type", "date").rows() == [("sovereignty_dispute", dt.date(2022, 8, 1)),
                                                   ("military_activity", dt.date(2022, 8, 1))]


def test_duplicates_merge_into_the_most_precise_and_keep_a_trace():
    text = "In May, Sullivan held talks with Wang Yi.\nSullivan and Wang Yi hold talks in Vienna, May 10, 2023."
    frame = events_from_text(text, FRIDAY)
    assert frame.select("date", "date_precision", "sentence_no", "also_in").rows() == \
        [(dt.date(2023, 5, 10), "day", 2, "1")]


def test_quote_speaker_before_and_after_the_verb():
    frame = events_from_text('"We object to this," Wang Wenbin said on Friday. '
                             'On Friday, Blinken said that "we welcome the talks."', FRIDAY)
    statements = frame.filter(pl.col("type") == "statement")
    assert statements.select("speaker", "statement").rows() == [
        ("CHN: Foreign Ministry (Wang Wenbin)", "We object to this"),
        ("USA: State Department (Antony Blinken)", "we welcome the talks")]
    assert statements["target"].to_list() == ["USA", "CHN"]
    assert statements["tone"][1] > 0


def test_expert_quotes_are_not_statements():
    assert types('"Dialogue is good," said Jin Canrong, a professor, on Friday.') == []


def test_words_inside_quotes_do_not_trigger_rules():
    assert "sanctions" not in types('On Friday, Xie Feng said, "stop putting others on the sanctions list."')


def test_sentence_splitting_keeps_initialisms():
    sentences = [s.text for s in split_sentences("The U.S. House voted. Then Washington D.C. paused.\nA caption /CFP")]
    assert sentences == ["The U.S. House voted.", "Then Washington D.C. paused.", "A caption"]


def test_a_quoted_passage_of_several_sentences_stays_with_its_speaker():
    text = '"We object. The sanctions are wrong," Mao Ning said on Friday. Next sentence.'
    assert [s.text for s in split_sentences(text)] == [
        '"We object. The sanctions are wrong," Mao Ning said on Friday.', "Next sentence."]
    frame = events_from_text(text, FRIDAY)
    assert frame.select("type", "speaker", "statement").rows() == [
        ("statement", "CHN: Foreign Ministry (Mao Ning)", "We object. The sanctions are wrong")]


def test_gazetteer_prefers_the_longest_alias():
    mentions = find_mentions("Chinese Foreign Ministry spokesperson Wang Wenbin spoke.", load_gazetteer())
    assert [m.text for m in mentions] == ["Chinese Foreign Ministry", "Wang Wenbin"]


def test_bad_rules_file_names_line_and_column(tmp_path):
    bad = tmp_path / "rules.tsv"
    bad.write_text("type\tpattern\texclude\tnote\ntalkz\tmet\t\tx\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"line 2, column 'type': 'talkz'"):
        load_rules(bad)
    bad.write_text("type\tpattern\texclude\tnote\ntalks\t(unclosed\t\tx\n", encoding="utf-8")
    with pytest.raises(ValueError, match="line 2: not a valid regular expression"):
        load_rules(bad)


def test_evaluate_scores_type_and_period():
    gold = pl.DataFrame({"date": [dt.date(2023, 2, 1), dt.date(2023, 5, 10)], "date_precision": ["month", "day"],
                         "type": ["cancellation", "talks"]})
    found = pl.DataFrame({"date": [dt.date(2023, 2, 3), dt.date(2023, 5, 1), dt.date(2023, 5, 10)],
                          "date_precision": ["day", "month", "day"], "type": ["cancellation", "talks", "talks"]})
    # Feb 3 (day) is inside the gold February: right. May (month) is coarser than the gold May 10: wrong.
    assert evaluate(found, gold) == {"gold": 2, "found": 3, "matched": 2, "recall": 1.0, "precision": 2 / 3}


@pytest.fixture(scope="module")
def seed() -> pl.DataFrame:
    if not SEED.exists():
        pytest.skip(f"seed article not found at {SEED} (set TENSION_SHARED)")
    return events_from_text(SEED.read_text(encoding="utf-8"), FRIDAY, source="CGTN, 2023-06-16 (seed article)")


def test_seed_recall_and_precision(seed):
    gold = pl.read_csv(FIXTURES / "seed_gold.csv", try_parse_dates=True)
    scores = evaluate(seed, gold)
    assert gold.height == 21
    assert scores["recall"] >= 0.8
    assert scores["precision"] >= 0.75
    assert scores == {"gold": 21, "found": 25, "matched": 21, "recall": 1.0, "precision": 0.84}


def test_seed_quotes_and_speakers(seed):
    statements = dict(seed.filter(pl.col("type") == "statement").select("speaker", "statement").rows())
    assert statements["CHN: Foreign Ministry (Wang Wenbin)"] == "resolutely safeguard its own interests"
    assert statements["CHN: Foreign Ministry (Qin Gang)"] == "clear"
    assert statements["CHN: delegation"].startswith("made several false accusations … put up a posture")
    assert statements["CHN: Embassy in the US (Xie Feng)"].startswith("It surely is not the right way")
    assert not any("Jin" in s or "Gerson" in s or "Yuan" in s for s in statements)  # experts are not officials


def test_seed_unambiguous_negative_quote_has_negative_tone(seed):
    tone = dict(seed.filter(pl.col("type") == "statement").select("speaker", "tone").rows())
    assert tone["CHN: delegation"] < 0


def test_seed_reproach_by_xie_feng_is_negative(seed):
    tone = dict(seed.filter(pl.col("type") == "statement").select("speaker", "tone").rows())
    assert tone["CHN: Embassy in the US (Xie Feng)"] < 0


def test_cli_extract_writes_loadable_candidates(tmp_path, capsys):
    from tension.cli import main
    from tension.events import load_events

    article = tmp_path / "a.txt"
    article.write_text("On Wednesday, Qin Gang spoke by phone with Blinken.\n"
                       '"We object," Wang Wenbin said on Friday.\n', encoding="utf-8")
    out = tmp_path / "ev.csv"
    assert main(["extract", str(article), "--published", "2023-06-16", "--out", str(out)]) == 0
    events = load_events(out)
    assert events.select("date", "type").rows() == [(dt.date(2023, 6, 14), "phone_call"),
                                                     (dt.date(2023, 6, 16), "statement")]
    assert "2 candidate events" in capsys.readouterr().err


def test_cli_extract_bad_input(tmp_path, capsys):
    from tension.cli import main

    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\xff\xfe text")
    assert main(["extract", str(bad), "--published", "2023-06-16"]) == 2
    assert "is not UTF-8 text" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["extract", str(bad), "--published", "16/06/2023"])
