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
    clause_subject,
    evaluate,
    events_from_text,
    find_mentions,
    load_gazetteer,
    load_rules,
    matches,
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


def test_undated_sentence_gets_no_date_and_says_so():
    row = events_from_text("Beijing condemned the sanctions list.", FRIDAY).row(0, named=True)
    assert row["date"] is None and row["date_precision"] == "none"
    assert row["date_text"].startswith("(no date in the sentence")


def test_undated_headline_merges_into_the_dated_news_but_not_into_background():
    text = ("China imposes tariffs on U.S. goods\nOn Friday, China imposed tariffs on U.S. goods.\n"
            "In 2019, China imposed tariffs on U.S. farm goods.\nChina has also accused the U.S. of bullying.\n"
            "Last August, China accused the U.S. of provocation.")
    frame = events_from_text(text, FRIDAY)
    assert frame.select("date", "type", "also_in").rows() == [
        (FRIDAY, "tariffs", "1"), (dt.date(2019, 1, 1), "tariffs", None), (None, "accusation", None),
        (dt.date(2022, 8, 1), "accusation", None)]


@pytest.mark.parametrize(("sentence", "actor", "target"), [
    # the subject acts, the object is the target, whatever is nearest to the trigger
    ("On Friday, China took countermeasures, including sanctions against U.S. firms and suspensions of "
     "cooperation in areas like climate change.", "CHN", "USA"),
    ("On Friday, Beijing retaliated against Washington with tariffs.", "CHN", "USA"),
    ("On Friday, sanctions were imposed on Chinese officials by the Treasury.", "USA", "CHN"),
    ("On Friday, the Chinese foreign ministry said the U.S. imposed sanctions on Chinese firms.", "USA", "CHN"),
])
def test_actor_direction_from_grammatical_roles(sentence, actor, target):
    frame = events_from_text(sentence, FRIDAY).filter(pl.col("type") != "statement")
    assert {(a[:3], t[:3]) for a, t in frame.select("actor", "target").rows()} == {(actor, target)}


def test_clause_subject_skips_prepositions_and_compounds():
    sentence = "Since the China-U.S. trade war erupted, sanctions against Beijing followed."
    mentions = find_mentions(sentence, load_gazetteer())
    assert clause_subject(sentence, (sentence.index("sanctions"), sentence.index("sanctions") + 9), mentions) is None


@pytest.mark.parametrize("sentence", [
    "On Monday, Blinken spoke by phone with the Philippines' foreign minister.",
    "On Monday, the U.S. imposed sanctions on Russian banks.",
    "On Monday, Wang Yi held talks with Japanese officials in Tokyo.",
])
def test_events_aimed_at_a_third_country_are_not_china_us_events(sentence):
    assert types(sentence) == []


def test_both_sides_named_keeps_the_event_despite_a_third_country():
    assert types("On Monday, the U.S. moved to curb the export of chips to China, with Japan and the "
                 "Netherlands.") == ["export_controls"]


def test_relative_dates_are_resolved():
    text = ("China retaliated with tariffs on U.S. goods April 11. China levied the tariff two days after "
            "Trump raised tariffs on Chinese goods.\nOn Monday, the U.S. added Chinese firms to the entity list. "
            "Two days later, China imposed sanctions on U.S. firms.")
    frame = events_from_text(text, dt.date(2025, 4, 12)).sort("date", "type")
    assert frame.select("date", "type", "actor").with_columns(pl.col("actor").str.slice(0, 3)).rows() == [
        (dt.date(2025, 4, 7), "sanctions", "USA"), (dt.date(2025, 4, 9), "sanctions", "CHN"),
        (dt.date(2025, 4, 9), "tariffs", "USA"), (dt.date(2025, 4, 11), "tariffs", "CHN")]
    assert "two days after" in frame.filter(pl.col("actor").str.starts_with("USA") &
                                            (pl.col("type") == "tariffs"))["date_text"][0]


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


def test_evaluate_with_direction_and_undated_candidates():
    gold = pl.DataFrame({"date": [dt.date(2023, 5, 10)] * 2, "date_precision": ["day"] * 2,
                         "type": ["talks", "sanctions"], "actor": ["USA", "CHN"], "target": ["CHN", "USA"]})
    found = pl.DataFrame({"date": [dt.date(2023, 5, 10), dt.date(2023, 5, 10), None],
                          "date_precision": ["day", "day", "none"], "type": ["talks", "sanctions", "sanctions"],
                          "actor": ["CHN: Wang Yi", "USA: Treasury", "CHN"], "target": ["USA", "CHN", "USA"]})
    # talks match in either order; the sanctions go the wrong way; an undated candidate matches nothing
    assert evaluate(found, gold)["matched"] == 2
    assert evaluate(found, gold, direction=True) == {"gold": 2, "found": 3, "matched": 1, "recall": 0.5,
                                                     "precision": 1 / 3}
    assert not matches({"date": None, "date_precision": "none", "type": "sanctions"}, gold.row(1, named=True))


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
    assert scores == {"gold": 21, "found": 24, "matched": 21, "recall": 1.0, "precision": 0.875}
    assert evaluate(seed, gold, direction=True)["matched"] == 21  # actor and target countries right too


def test_seed_countermeasures_are_china_on_the_us(seed):
    after_pelosi = seed.filter(pl.col("date") == dt.date(2022, 8, 1))
    assert after_pelosi.filter(pl.col("type") == "suspension").select("actor", "target").rows() == [("CHN", "USA")]
    assert set(after_pelosi.filter(pl.col("type") != "sovereignty_dispute")["actor"].str.slice(0, 3)) == {"CHN"}


def test_seed_undated_mentions_have_no_day(seed):
    undated = seed.filter(pl.col("date").is_null())
    assert undated.height == 3 and set(undated["date_precision"]) == {"none"}
    assert "traded accusations" in undated["sentence"][-1]


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
