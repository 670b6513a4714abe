import math
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from tension.cli import main
from tension.tone import rules as tone
from tension.tone.evaluation import (
    EvalDataError,
    auc,
    balanced_accuracy,
    classes,
    cohen_kappa,
    evaluate,
    load,
    load_ratings,
    load_statements,
    pearson,
)

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "vader_tweets_sample.txt"
STATEMENTS = ROOT / "data" / "statements" / "statements.csv"

# The seed article's quotes (issue 3) with the sign a diplomat gives them, and plain VADER 3.3.2's compound.
SEED = [
    ("It surely is not the right way to seek dialogue and cooperation while putting the others on the sanctions list.",
     -1, 0.4404),
    ("resolutely safeguard its own interests", -1, 0.5574),
    ("any move to politicize and weaponize tech issues will destabilize the global industrial and supply chains and "
     "no one will benefit from it", -1, 0.2023),
    ("pouring oil on the flames", -1, 0.0),
    ("candid, substantive and constructive discussions", 1, 0.0),
    ("So at this time, I think it's especially necessary to maintain high-level communication to avoid confrontation",
     1, -0.5423),
]


def compound(total: float) -> float:
    """VADER's normalisation of a valence sum, worked by hand: x / sqrt(x² + 15)."""
    return round(total / math.sqrt(total * total + 15), 4)


@pytest.mark.parametrize(("text", "sign", "plain"), SEED)
def test_seed_quotes_get_the_diplomats_sign(text, sign, plain):
    assert tone.score(text, lexicon="vader") == pytest.approx(plain, abs=1e-4)
    assert math.copysign(1, tone.score(text)) == sign
    assert abs(tone.score(text)) >= 0.05


def test_default_lexicon_is_diplomatic():
    text = "China firmly opposes the sanctions."
    assert tone.DEFAULT_LEXICON == "diplomatic"
    assert tone.score(text) == tone.score(text, lexicon="diplomatic") < -0.05
    assert tone.score(text, lexicon="vader") == 0.0


@pytest.mark.parametrize(("text", "phrase", "valence"), [
    ("They are playing with fire.", "playing with fire", -3.0),
    ("This is pouring oil on the flames.", "pouring oil on the flames", -2.8),
    ("Taiwan is China's internal affairs.", "internal affairs", -1.5),
    ("China has lodged stern representations with the US.", "lodged stern representations", -2.8),
    ("The US should abandon its Cold-War mentality.", "Cold-War mentality", -2.5),
    ("They play a zero-sum game.", "zero-sum", -1.8),
    ("We pursue win-win cooperation.", "win-win", 2.5),
    ("Relations rest on mutual respect.", "mutual respect", 2.2),
    ("The two sides agreed to maintain communication.", "maintain communication", 1.5),
    ("China's position rests on the one-China principle.", "one-China principle", -0.8),
])
def test_phrase_rules_become_one_term(text, phrase, valence):
    assert (phrase, valence) in tone.explain(text)


def test_phrase_valence_worked_by_hand():
    # one placeholder of valence −3.0 and nothing else: compound = −3 / sqrt(9 + 15)
    assert tone.score("playing with fire") == compound(-3.0) == -0.6124
    # "win-win" (+2.5) and "cooperation" (+1.8): 4.3 / sqrt(4.3² + 15)
    assert tone.score("win-win cooperation") == compound(4.3)


def test_phrases_neutralise_their_words():
    # "return to the right track" says the relationship is off track (a mild reproach); "United States" and
    # "Communist Party" are names, not sentiment; "no conflict, no confrontation" is one cooperative formula
    assert tone.explain("Return to the right track.") == [("Return to the right track", -0.8)]
    assert tone.explain("No conflict, no confrontation.") == [("No conflict, no confrontation", 2.0)]
    assert tone.score("The United States met the Communist Party.") == 0.0
    assert tone.score("The United States met the Communist Party.", lexicon="vader") > 0.5
    assert tone.score("I have no information to share with you on this.") == 0.0
    # the US "one China policy" is a policy name (reassurance), the PRC's "one-China principle" is invoked in protests
    # ("committed" is VADER's +1.1, at the generic-positive weight 0.7)
    assert tone.explain("The US remains committed to its one China policy.") == [("committed", 0.77)]


def test_negation_still_works():
    assert tone.score("China opposes the move.") < -0.05
    # "not" three words back flips with VADER's factor −0.74: −2.0 × −0.74 = 1.48
    assert tone.explain("China does not oppose the move.") == [("oppose", 1.48)]
    assert tone.score("China does not oppose the move.") == compound(1.48)
    assert tone.explain("Beijing is not playing with fire.") == [("playing with fire", 2.22)]
    assert tone.score("We do not seek conflict with China.") > 0.05


@pytest.mark.parametrize("text", [
    "We urge the US to return to win-win cooperation and mutual respect.",
    "The U.S. should stop its actions and pursue dialogue and friendship.",
    "It is not the right way to seek dialogue and cooperation.",
    "The US should pursue peace and dialogue rather than exerting pressure.",
    "China hopes the US will correct its mistakes and return to cooperation.",
])
def test_rebuke_pattern_turns_cooperative_words_into_a_demand(text):
    hits = dict(tone.explain(text))
    assert tone.score(text) < -0.05
    assert all(v < 0 for v in hits.values()), hits


def test_rebuke_span_ends_with_its_clause_not_at_us_abbreviation():
    text = "We urge the U.S. side to pursue win-win cooperation. We welcome friendship."
    hits = dict(tone.explain(text))
    assert "win-win" not in hits and "cooperation" not in hits  # inside the demand, past "U.S."
    # the next sentence is untouched (VADER's +2.0 and +1.9, at the generic-positive weight 0.7)
    assert hits["welcome"] == 1.4 and hits["friendship"] == 1.33
    assert hits["urge the U.S. side to"] == -1.5


def test_cooperative_sentence_without_a_demand_stays_positive():
    assert tone.score("We hope to return to win-win cooperation and mutual respect.") > 0.5


def test_explain_orders_strongest_first_and_shows_phrases():
    hits = tone.explain("China firmly opposes the groundless smears and will take necessary measures.")
    assert [v for _, v in hits] == sorted((v for _, v in hits), key=abs, reverse=True)
    assert ("necessary measures", -2.0) in hits and ("groundless", -2.0) in hits
    assert tone.explain("") == [] and tone.explain(None) == []


WORDS = ["China", "the", "US", "not", "never", "very", "but", "oppose", "sanctions", "dialogue", "cooperation",
         "win-win", "playing", "with", "fire", "urge", "to", "should", "stop", "great", "bad", "peace", ".", "!",
         "mutual", "respect", "interference", "in", "internal", "affairs", "rather", "than", "exerting", "pressure"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(WORDS), min_size=1, max_size=25))
def test_explain_accounts_for_the_direction_of_the_score(words):
    text = " ".join(words)
    s = tone.score(text)
    total = sum(v for _, v in tone.explain(text))
    assert -1.0 <= s <= 1.0
    if s > 0:
        assert total > 0
    elif s < 0:
        assert total < 0
    else:
        assert abs(total) < 1e-9


def test_plain_vader_is_exactly_vadersentiment():
    reference = SentimentIntensityAnalyzer()
    for text in load_ratings(FIXTURE)["text"]:
        assert tone.score(text, lexicon="vader") == reference.polarity_scores(text)["compound"], text


def test_general_text_correlation_does_not_regress():
    frame = load_ratings(FIXTURE)
    plain, diplomatic = evaluate(frame, "vader"), evaluate(frame, "diplomatic")
    assert frame.height == 300
    assert plain.pearson == pytest.approx(0.845, abs=0.001)  # plain VADER on this fixture
    assert diplomatic.pearson >= plain.pearson - 0.01


def test_analyzers_are_built_once_and_kept_apart():
    assert tone.model("diplomatic") is tone.model("diplomatic")
    assert tone.analyzer("vader") is tone.analyzer("vader")
    assert "oppose" in tone.analyzer("diplomatic").lexicon
    assert "oppose" not in tone.analyzer("vader").lexicon
    assert tone.analyzer("vader").lexicon["strength"] == 2.2  # untouched by the diplomatic override (0.0)
    assert tone.analyzer("diplomatic").lexicon["strength"] == 0.0


def test_unknown_lexicon():
    with pytest.raises(ValueError, match="unknown lexicon 'nope'"):
        tone.score("x", lexicon="nope")
    with pytest.raises(ValueError, match="unknown lexicon"):
        tone.model("nope")


def test_score_many_dedupes_and_handles_missing():
    texts = ["We oppose sanctions.", None, "We oppose sanctions.", "", "win-win cooperation"]
    out = tone.score_many(texts)
    assert out.name == "tone" and out.len() == 5
    assert out.to_list() == [tone.score(texts[0]), 0.0, tone.score(texts[0]), 0.0, compound(4.3)]
    assert tone.score_many(texts, lexicon="vader")[0] == tone.score(texts[0], lexicon="vader")


def test_empty_text_scores_zero():
    assert tone.score(None) == 0.0 and tone.score("   ") == 0.0


def test_lexicon_files_are_consistent():
    groups = tone.groups()
    assert all(len(r) > 20 for r in groups.values())
    terms = tone.diplomatic_terms()
    assert len(terms) > 100 and {g for _, g in terms.values()} <= set(groups)
    rules = tone.phrase_rules()
    assert {r.group for r in rules} <= set(groups) and {r.scope for r in rules} <= set(tone.SCOPES)
    assert len({r.token for r in rules}) == len(rules)
    for r in rules:
        assert r.token not in SentimentIntensityAnalyzer().lexicon and re.fullmatch(r"[a-z0-9]+", r.token)


def test_bad_lexicon_table_names_file_line_and_column():
    with pytest.raises(tone.LexiconError, match=r"x\.tsv, line 2: expected the header term<TAB>valence"):
        tone.parse_table("# comment\nword\tvalence\n", "x.tsv", ("term", "valence"))
    with pytest.raises(tone.LexiconError, match=r"x\.tsv, line 3: expected 2 tab-separated columns"):
        tone.parse_table("term\tvalence\n\nfoo\n", "x.tsv", ("term", "valence"))
    with pytest.raises(tone.LexiconError, match=r"x\.tsv, line 4, column 'valence': expected a number in \[-4, 4\]"):
        tone._valence("x.tsv", 4, "9")


def test_metrics_worked_by_hand():
    labels = np.array([1, 1, 0, 0, -1, -1])
    predicted = np.array([1, 0, 0, 0, -1, 1])
    assert balanced_accuracy(labels, predicted) == pytest.approx((0.5 + 1 + 0.5) / 3)
    assert classes(np.array([0.05, 0.049, -0.05, -0.2])).tolist() == [1, 0, -1, -1]
    # positives 0.9 and 0.2, negatives 0.5 and 0.1: 3 of 4 pairs ordered correctly
    assert auc(np.array([0.9, 0.2, 0.5, 0.1]), np.array([True, True, False, False])) == 0.75
    assert auc(np.array([0.3, 0.3]), np.array([True, False])) == 0.5
    assert pearson(np.array([1.0, 2.0, 3.0]), np.array([2.0, 4.0, 6.0])) == pytest.approx(1.0)
    assert math.isnan(pearson(np.array([1.0, 1.0]), np.array([1.0, 2.0])))
    # kappa: 4 of 6 agree (0.667); rates first 1/3 each, second (1/6, 2/3, 1/6) -> chance 1/3; (2/3 - 1/3) / (2/3)
    first, second = np.array([1, 1, 0, 0, -1, -1]), np.array([1, 0, 0, 0, -1, 0])
    assert cohen_kappa(first, second) == pytest.approx(0.5)
    assert cohen_kappa(first, first) == 1.0


def test_load_statements_reports_bad_rows(tmp_path):
    path = tmp_path / "s.csv"
    path.write_text('id,text,label,split\na,"We oppose it.",-1,tune\nb,,2,test\n', encoding="utf-8")
    with pytest.raises(EvalDataError) as exc:
        load_statements(path)
    message = str(exc.value)
    assert "s.csv, row 3, column 'label': expected -1, 0 or 1, got '2'" in message
    assert "row 3, column 'split'" in message and "row 3, column 'text'" in message


def test_tone_eval_command(tmp_path, capsys):
    path = tmp_path / "s.csv"
    path.write_text("id,text,label,split\na,We firmly oppose the sanctions.,-1,tune\nb,win-win cooperation,1,tune\n"
                    "c,I have no information to share.,0,heldout\nd,We welcome mutual respect.,1,heldout\n",
                    encoding="utf-8")
    assert main(["tone-eval", str(path), str(FIXTURE)]) == 0
    out = capsys.readouterr().out
    lines = [line.split() for line in out.splitlines()]
    assert ["s.csv", "tune", "diplomatic", "2", "1.000", "1.000", "-"] in lines
    assert ["s.csv", "tune", "vader", "2", "0.000", "0.500", "-"] in lines
    assert any(row[:3] == ["s.csv", "heldout", "diplomatic"] for row in lines)
    assert any(row[:4] == ["vader_tweets_sample.txt", "all", "vader", "300"] and row[-1] == "0.845" for row in lines)
    assert main(["tone-eval", "--split", "heldout", str(path)]) == 0
    assert "tune" not in capsys.readouterr().out


def test_tone_eval_bad_file_exit_2(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("id,text,label\na,hello,maybe\n", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "tension", "tone-eval", str(path)], capture_output=True, text=True,
                          cwd=ROOT)
    assert proc.returncode == 2
    assert "bad.csv, row 2, column 'label'" in proc.stderr and "Traceback" not in proc.stderr


@pytest.mark.skipif(not STATEMENTS.exists(), reason="data/statements/statements.csv (the labelled statements, "
                                                      "branch tone-data) is not merged into this tree yet")
def test_statements_set_diplomatic_beats_plain_vader():
    frame = load(STATEMENTS)
    assert frame.height >= 200 and set(frame["split"].unique()) == {"tune", "heldout"}
    for split in ("tune", "heldout"):
        part = frame.filter(frame["split"] == split)
        plain, diplomatic = evaluate(part, "vader"), evaluate(part, "diplomatic")
        assert diplomatic.balanced_accuracy > plain.balanced_accuracy
        assert diplomatic.auc > plain.auc


def test_first_letter_dispatch_finds_what_one_big_regex_finds():
    rules = tone.phrase_rules()
    alternatives = "|".join(f"(?P<r{i}>{tone._compile(r.pattern)})" for i, r in enumerate(rules))
    naive = re.compile(rf"(?<![\w\-])(?:{alternatives})(?![\w\-])", re.IGNORECASE)
    texts = [*load_ratings(FIXTURE)["text"], *(text for text, _, _ in SEED),
             "We urge the U.S. side to remove all the tariffs, lift sanctions and maintain communication.",
             "All necessary measures; the so-called 'de-risking' is economic coercion. No one should underestimate it."]
    for text in texts:
        expected = [(x.span(), x.lastgroup) for x in naive.finditer(text)]
        assert [(x.span(), x.lastgroup) for x in tone._matches(tone.model().matchers, text)] == expected, text


def test_first_chars_of_patterns():
    assert tone._first_chars("(lodg|made) stern") == {"l", "m"}
    assert tone._first_chars("(all |the )?(necessary|firm) measures") == {"a", "t", "n", "f"}
    assert tone._first_chars("well,") == {"w"}
    assert tone._first_chars(r"\S+ x") is None
    assert tone._first_chars("(a|(?:b))") is None  # non-capturing groups are not analysed: try it everywhere


def test_typographic_quotes_and_glued_phrases():
    assert tone.explain("“Playing with fire”, he said.") == [("Playing with fire", -3.0)]
    # two phrases in one whitespace token: neither scores (VADER sees one unknown token), and explain stays aligned
    assert tone.explain("zero-sum/win-win, then mutual respect") == [("mutual respect", 2.2)]


def test_scores_are_remembered_across_calls():
    text = "A statement scored twice: we oppose unilateral sanctions."
    first = tone.score(text)
    hits = tone._cached_score.cache_info().hits
    assert tone.score_many([text])[0] == first and tone._cached_score.cache_info().hits == hits + 1


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_any_text_scores_in_range_without_error(text):
    for lexicon in tone.LEXICONS:
        assert -1.0 <= tone.score(text, lexicon=lexicon) <= 1.0
        assert isinstance(tone.explain(text, lexicon=lexicon), list)


@pytest.mark.parametrize("text", ["Catch utf-8 emoji such as 💘 and 💋 and 😁", "I💘you", "💘💋 great", " 😁x😁 ",
                                  "no emoji at all :)"])
def test_plain_vader_reads_emojis_like_vadersentiment(text):
    assert tone.score(text, lexicon="vader") == SentimentIntensityAnalyzer().polarity_scores(text)["compound"]


def test_rebuke_span_stops_at_but():
    # the demand ends at "but"; VADER's own "but" rule then halves what precedes it and weighs what follows × 1.5
    hits = dict(tone.explain("We urge the US to stop its actions, but we welcome cooperation."))
    # ("welcome" is VADER's +2.0 at the generic-positive weight 0.7; "cooperation" is the diplomatic +1.8, unweighted)
    assert hits == {"welcome": 2.1, "cooperation": 2.7, "urge the US to": -0.75, "stop": -0.6}


def test_long_texts_are_scored_but_not_remembered():
    text = "We oppose sanctions. " * 200
    assert len(text) > tone.CACHE_MAX_CHARS
    size = tone._cached_score.cache_info().currsize
    assert tone.score(text) < -0.9 and tone._cached_score.cache_info().currsize == size


def test_topic_cue_zeroes_the_subjects_it_lists_both_ways():
    # "exchanged views on" lists subjects: "communication" (+) and "threats" (−) both count 0 to the clause's end
    text = "The two sides exchanged views on channels of communication and threats to peace."
    assert tone.explain(text) == [] and tone.score(text) == 0.0
    # the list ends where a new past-tense verb joins (", and agreed ..."): what follows keeps its valence
    hits = dict(tone.explain("They discussed a range of issues of mutual interest, and agreed to expand cooperation."))
    assert "mutual interest" not in hits and hits["cooperation"] == 1.8
    # words before the cue are untouched: "constructive" qualifies the discussion itself
    assert tone.score("They held a constructive discussion on a range of issues.") > 0.05


@pytest.mark.parametrize(("text", "sign"), [
    ("The two sides are maintaining communication regarding the visit.", 0),
    ("Please stay tuned.", 0),
    ("I don't have anything to share. We'll share details when we have them.", 0),
    ("I'd like to stress that this is a routine arrangement.", 0),
    ("Make no mistake: we will act to protect our country.", -1),
    ("We must press China to change its practices and embrace fair competition.", -1),
    ("A cordial handshake is not a substitute for substantial dialogue.", -1),
    ("China firmly opposes escalating the trade war and stands ready for calm negotiations.", 1),
    # third pass: names, negators, demands addressed to the other side, agenda, idioms
    ("The Secretary of War spoke with the Minister of National Defense.", 0),
    ("Such remarks are hardly conducive to mutual trust.", -1),
    ("The move is contrary to the consensus of the two leaders.", -1),
    ("Washington should respect the facts and return to dialogue.", -1),
    ("China and the United States should work together on climate change.", 1),
    ("If Washington is serious about cooperation it should lift the sanctions first.", -1),
    ("A trade war would lead to disastrous consequences for both economies.", 1),
    ("We have no desire for conflict with China.", 1),
    ("The ministers will discuss trade and the importance of a stable relationship.", 0),
    ("I'll let the Commerce Department speak to that.", 0),
    ("We will not bend the knee to Beijing.", -1),
    ("Beijing is at best an unreliable partner that breaks its promises.", -1),
    # fourth pass
    ("The Secretary met the United States-China Business Council.", 0),
    ("China does not want a trade war, but it does not fear one.", -1),
    ("Taiwan is China's internal affair that brooks no foreign interference.", -1),
    ("The two sides discussed the importance of the climate crisis.", 0),
])
def test_general_formulas_get_their_sign(text, sign):
    s = tone.score(text)
    assert (s >= 0.05) - (s <= -0.05) == sign, tone.explain(text)


def test_neutralised_terms_are_not_lifted_by_boosters():
    # "no comment" is a 0-valence procedural phrase; VADER would add the booster "so" (0.293 × 0.9) to it
    assert tone.explain("It is not about that, so I have no comment.") == []
    assert tone.score("It is not about that, so I have no comment.") == 0.0


def test_negators_vader_lacks_flip_the_next_words():
    # "hardly" is VADER's dampener; the diplomatic model rewrites it to "not", so VADER's negation flips "good"
    assert tone.score("These are hardly good manners.", lexicon="vader") > 0.05
    assert tone.score("These are hardly good manners.") < -0.05
    assert tone.explain("This is by no means helpful.") == [("helpful", round(1.8 * 0.7 * -0.74, 4))]  # VADER +1.8


def test_generic_positive_words_count_less_than_diplomatic_ones():
    # VADER's own "great" (+3.1) is weighted; the diplomatic "constructive" (+2.0) keeps its valence
    assert dict(tone.explain("A great meeting."))["great"] == round(3.1 * tone.GENERIC_POSITIVE_WEIGHT, 4)
    assert dict(tone.explain("A constructive meeting.")) == {"constructive": 2.0}
    # negative words are not weighted
    assert dict(tone.explain("A terrible meeting.")) == dict(tone.explain("A terrible meeting.", lexicon="vader"))


def test_negate_rule_must_have_valence_zero(monkeypatch):
    text = "pattern\tvalence\tscope\tgroup\nhardly\t-1.0\tnegate\tnegation\n"
    real = tone._rows

    def rows(name, columns):
        if name == "phrases.tsv":
            return tone.parse_table(text, "tension/tone/lexicon/phrases.tsv", columns)
        return real(name, columns)

    monkeypatch.setattr(tone, "_rows", rows)
    tone.phrase_rules.cache_clear()
    try:
        with pytest.raises(tone.LexiconError, match=r"phrases.tsv, line 2, column 'valence': a negate rule"):
            tone.phrase_rules()
    finally:
        tone.phrase_rules.cache_clear()
