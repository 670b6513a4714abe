import datetime as dt
import io
import math
import re
import string
import unicodedata
from pathlib import Path

import polars as pl
import pytest

from tension import (
    DEFAULT_HALF_LIFE,
    PULSE_HALF_LIFE,
    compute_index,
    export_csv,
    load_events,
    score_events,
    type_ids,
)
from tension import dashboard as dash
from tension.events import EventDataError, Problem
from tests.conftest import make_events

ROOT = Path(__file__).resolve().parent.parent

D = dt.date.fromisoformat


@pytest.fixture
def two() -> tuple[pl.DataFrame, pl.DataFrame]:
    """Talks (+4) on Jan 1 and sanctions (−7) on Jan 3 2023, no decay, scale 60: raw 4, 4, −3."""
    events = make_events([("2023-01-01", "talks", 1.0), ("2023-01-03", "sanctions", 1.0)])
    return compute_index(events, half_life=math.inf, scale=60.0), score_events(events)


def old_frame_key_sum(frame: pl.DataFrame) -> int:
    """The row-hash sum the old ``frame_key`` was built from (wrapping 64-bit: the same for any row order)."""
    return int(frame.hash_rows(seed=7).sum())


@pytest.fixture
def three() -> pl.DataFrame:
    return make_events([("2023-01-01", "talks", 1.0), ("2023-01-02", "sanctions", 1.5), ("2023-01-03", "visit", 1.0)],
                       statements={1: "We oppose this."})


def test_frame_digest_is_a_blake2b_of_the_content(three):
    digest = dash.frame_digest(three)
    assert len(digest) == 64 and int(digest, 16) >= 0  # 256-bit hex
    assert dash.frame_digest(three.clone()) == digest
    assert dash.frame_digest(pl.concat([three[:1], three[1:]], rechunk=False)) == digest  # chunking does not matter
    assert dash.frame_digest(pl.DataFrame(three.to_dict())) == digest
    # a null made by masking keeps the old text under it in Arrow; the digest sees only the null
    text = "a summary longer than twelve bytes"  # stored out of line in Arrow string views
    masked = three.with_columns(summary=pl.when(pl.col("type") == "talks").then(pl.lit(text)))
    rebuilt = three.with_columns(summary=pl.Series([text, None, None], dtype=pl.String))
    assert masked.equals(rebuilt) and dash.frame_digest(masked) == dash.frame_digest(rebuilt)
    assert dash.frame_digest(rebuilt) != digest


@pytest.mark.parametrize("column", ["id", "date", "type", "actor", "target", "summary", "statement", "source",
                                    "salience"])
def test_frame_digest_changes_with_any_single_cell(three, column):
    row = 1
    old = three[column][row]
    new = {pl.Date: D("2024-02-29"), pl.Float64: 0.7}.get(three.schema[column], "changed")
    assert new != old
    changed = three.with_columns(three[column].scatter(row, new))
    assert dash.frame_digest(changed) != dash.frame_digest(three)


def test_frame_digest_changes_with_a_swap_reordering_and_the_schema(three):
    base = dash.frame_digest(three)
    swapped = three.with_columns(summary=pl.Series(["x", "y", "s"]), source=pl.Series(["test"] * 3))
    swapped_back = swapped.with_columns(summary=pl.Series(["y", "x", "s"]))  # two cells swap between rows
    assert dash.frame_digest(swapped) != dash.frame_digest(swapped_back)
    reordered = three.reverse()
    assert dash.frame_digest(reordered) != base  # row order gives the ids their order
    assert dash.frame_digest(three.select(reversed(three.columns))) != base
    assert dash.frame_digest(three.with_columns(pl.col("salience").cast(pl.Float32))) != base
    assert dash.frame_digest(three.rename({"source": "origin"})) != base
    assert dash.frame_digest(pl.concat([three, three])) != base
    assert dash.frame_digest(three.head(0)) != dash.frame_digest(three.head(0).drop("id"))


def test_frames_colliding_under_the_old_key_get_different_digests(three):
    # The old key was a wrapping sum of row hashes: any permutation of the rows (one multiset) collided.
    for permuted in (three.reverse(), three[[1, 0, 2]], three[[2, 0, 1]]):
        assert old_frame_key_sum(permuted) == old_frame_key_sum(three)
        assert dash.frame_digest(permuted) != dash.frame_digest(three)
    # the same multiset of rows in another order, at any size
    doubled = pl.concat([three, three[[1, 0, 2]]])
    assert old_frame_key_sum(doubled) == old_frame_key_sum(pl.concat([three[[1, 0, 2]], three]))
    assert dash.frame_digest(doubled) != dash.frame_digest(pl.concat([three[[1, 0, 2]], three]))


def test_files_digest():
    a = dash.files_digest([("a.csv", b"x,y\n")])
    assert a == dash.files_digest((("a.csv", b"x,y\n"),)) and len(a) == 64
    assert a != dash.files_digest([("b.csv", b"x,y\n")])
    assert a != dash.files_digest([("a.csv", b"x,z\n")])
    assert dash.files_digest([("ab", b"c")]) != dash.files_digest([("a", b"bc")])  # length-prefixed parts
    assert dash.files_digest([("a", b"1"), ("b", b"2")]) != dash.files_digest([("b", b"2"), ("a", b"1")])


def test_memo_keeps_within_its_byte_budget_least_recently_used_first():
    frames = {k: pl.DataFrame({"x": [float(i) for i in range(1000)]}) for k in "abcd"}  # 8,000 bytes each
    size = frames["a"].estimated_size()
    memo = dash.Memo(budget=3 * size)
    calls = []

    def compute(k):
        calls.append(k)
        return frames[k]

    for k in "abc":
        assert memo.get(k, lambda k=k: compute(k)) is frames[k]
    assert memo.get("a", lambda: compute("never")) is frames["a"] and calls == ["a", "b", "c"]  # a hit
    memo.get("d", lambda: compute("d"))
    assert memo.keys() == ["c", "a", "d"] and memo.size() == 3 * size  # b was the least recently used
    big = pl.DataFrame({"x": [0.0] * 4000})
    assert memo.get("big", lambda: big) is big  # larger than the whole budget: returned, not kept
    assert "big" not in memo.keys() and memo.size() <= memo.budget


def test_half_life_options_hold_the_defaults_and_end_with_no_decay():
    opts = dash.half_life_options()
    assert opts == sorted(opts)
    assert DEFAULT_HALF_LIFE in opts and PULSE_HALF_LIFE in opts
    assert math.isinf(opts[-1]) and opts[0] == 0.0
    assert len(set(dash.format_half_life(o) for o in opts)) == len(opts)


@pytest.mark.parametrize(("days", "text"), [(0.0, "no memory"), (14.0, "14 days"), (365.0, "365 days"),
                                            (math.inf, "no decay")])
def test_format_half_life(days, text):
    assert dash.format_half_life(days) == text


def test_headline_by_hand(two):
    index, scored = two
    h = dash.headline(index, scored)
    assert h.date == D("2023-01-03")
    assert h.index == pytest.approx(10 * math.tanh(-3 / 60))  # −0.49958...
    assert h.level == "discord"
    assert h.change_30d is None  # no day 30 days before
    assert h.n_events == 2
    assert h.most_confrontational["type"] == "sanctions" and h.most_confrontational["value"] == -7.0
    assert h.most_cooperative["type"] == "talks" and h.most_cooperative["value"] == 4.0


def test_headline_range_and_30_day_change():
    events = make_events([("2023-01-01", "talks", 1.0), ("2023-01-31", "sanctions", 1.0)])
    index, scored = compute_index(events, half_life=math.inf, scale=60.0), score_events(events)
    h = dash.headline(index, scored)
    assert h.change_30d == pytest.approx(10 * math.tanh(-3 / 60) - 10 * math.tanh(4 / 60))
    late = dash.headline(index, scored, start=D("2023-01-02"))
    assert late.n_events == 1 and late.most_cooperative is None
    early = dash.headline(index, scored, end=D("2023-01-10"))
    assert early.date == D("2023-01-10") and early.index == pytest.approx(10 * math.tanh(4 / 60))
    assert early.most_confrontational is None
    with pytest.raises(ValueError, match="no days"):
        dash.headline(index, scored, start=D("2024-01-01"))


def test_filter_events():
    events = make_events([("2023-01-01", "talks", 1.0), ("2023-01-02", "sanctions", 1.0),
                          ("2023-01-03", "tariffs", 1.0)], statements={2: "Unfair (and) wrong"})
    events = events.with_columns(actor=pl.Series(["USA: State Department", "CHN: MOFCOM", "USA"]))
    scored = score_events(events)
    assert dash.filter_events(scored)["date"].to_list() == [D("2023-01-03"), D("2023-01-02"), D("2023-01-01")]
    assert dash.filter_events(scored, types=["talks", "tariffs"])["type"].to_list() == ["tariffs", "talks"]
    assert dash.filter_events(scored, actors=["USA"])["type"].to_list() == ["tariffs", "talks"]
    assert dash.filter_events(scored, actors=["CHN: MOFCOM"])["type"].to_list() == ["sanctions"]
    assert dash.filter_events(scored, text="UNFAIR (AND")["type"].to_list() == ["tariffs"]  # literal, any case
    assert dash.filter_events(scored, text="nothing like this").height == 0
    assert dash.filter_events(scored, start=D("2023-01-02"), end=D("2023-01-02"))["type"].to_list() == ["sanctions"]


def test_problems_frame_keeps_every_problem_in_order():
    problems = [Problem(2, "date", "2021-13-01", "bad date"), Problem(None, None, None, "empty file"),
                Problem(3, "type", "sanction", "unknown type")]
    table = dash.problems_frame(problems)
    assert table.columns == ["line", "column", "value", "message"]
    assert table.rows() == [(2, "date", "2021-13-01", "bad date"), (None, None, None, "empty file"),
                            (3, "type", "sanction", "unknown type")]
    assert dash.problems_frame([]).height == 0


def test_actor_choices_countries_first():
    events = make_events([("2023-01-01", "talks", 1.0)] * 3).with_columns(
        actor=pl.Series(["USA: State Department", "CHN", "USA"]))
    assert dash.actor_choices(events) == ["CHN", "USA", "USA: State Department"]


def test_events_table_order_and_empty_urls():
    events = score_events(make_events([("2023-01-01", "talks", 1.0), ("2023-01-02", "visit", 1.0)])).with_columns(
        url=pl.Series(["", "https://example.org/a"]), speaker=pl.Series(["", ""]))
    table = dash.events_table(events)
    assert table.columns[:3] == ["date", "type", "value"]
    assert table["url"].to_list() == [None, "https://example.org/a"]


def test_settings_csv_has_numbers_as_numbers_and_restores_the_view():
    values = dash.settings({"talks": 2.5, "sanctions": -4.2}, tone_weight=1.0, half_life=math.inf, scale=60.0,
                           start=D("2020-01-01"), end=D("2021-12-31"), source="=cmd|x", tone_scorer="learned")
    assert values["w_talks"] == 2.5 and values["w_accusation"] == -2.0
    data = export_csv(dash.settings_frame(values))
    back = pl.read_csv(io.BytesIO(data))
    assert back.height == 1 and {f"w_{t}" for t in type_ids()} <= set(back.columns)
    assert all(back.schema[f"w_{t}"] == pl.Float64 for t in type_ids())  # numbers are never prefixed
    assert back["w_sanctions"][0] == -4.2 and back["half_life_days"][0] == math.inf
    assert back["source"][0] == "'=cmd|x"  # text that a spreadsheet would execute is neutralised
    restored = dash.parse_settings(data, "s.csv")
    assert restored["w_talks"] == 2.5 and restored["w_sanctions"] == -4.2 and restored["half_life"] == math.inf
    assert restored["tone_weight"] == 1.0 and restored["scale"] == 60.0 and restored["tone_scorer"] == "learned"
    assert restored["dates"] == (D("2020-01-01"), D("2021-12-31"))


def test_settings_in_the_older_two_column_form_are_read():
    data = b"setting,value\nw_talks,3.5\nhalf_life_days,14.0\nstart,\nend,\n"
    assert dash.parse_settings(data) == {"w_talks": 3.5, "half_life": 14.0, "dates": (None, None)}


@pytest.mark.parametrize(("cells", "column", "message"), [
    ("w_talks=11", "w_talks", "from -10 to 10"), ("w_talks=1_5", "w_talks", "is not a number"),
    ("w_talks=nan", "w_talks", "is not a number"), ("tone_weight=-1", "tone_weight", "from 0 to 10"),
    ("half_life_days=31", "half_life_days", "half-life options"), ("tone_scorer=vader", "tone_scorer", "one of"),
    ("start=2021-13-01", "start", "YYYY-MM-DD"), ("start=2022-01-01;end=2021-01-01", "end", "before start"),
    ("scale=0", "scale", "is not a number from"), ("bogus=1", "bogus", "not a setting"),
])
def test_bad_settings_name_the_column(cells, column, message):
    pairs = [c.split("=") for c in cells.split(";")]
    data = (",".join(k for k, _ in pairs) + "\n" + ",".join(v for _, v in pairs) + "\n").encode()
    with pytest.raises(EventDataError) as info:
        dash.parse_settings(data, "bad.csv")
    assert any(p.column == column and message in p.message for p in info.value.problems), info.value.problems


def test_settings_file_with_several_rows_is_refused():
    with pytest.raises(EventDataError, match="one header row and one row of values"):
        dash.parse_settings(b"w_talks\n1\n2\n", "two.csv")


@pytest.mark.parametrize(("value", "digits", "text"), [
    (-0.001, 2, "0.00"), (-0.004999, 2, "0.00"), (0.0, 2, "0.00"), (-0.0, 1, "0.0"), (1.176, 2, "+1.18"),
    (-4.199999999999999, 2, "-4.20"), (-152.4, 1, "-152.4"),
])
def test_signed_never_shows_minus_zero(value, digits, text):
    assert dash.signed(value, digits) == text


def test_freshness():
    assert dash.freshness(D("2026-06-10"), D("2026-12-02")) == ("record ends 2026-06-10, 175 days before today "
                                                               "(2026-12-02)")
    assert dash.freshness(D("2026-12-01"), D("2026-12-02")).endswith("1 day before today (2026-12-02)")
    assert dash.freshness(D("2026-12-02"), D("2026-12-02")) == "record ends 2026-12-02 (today or later)"


@pytest.mark.parametrize(("data", "hint"), [
    (b"date;type;actor;target;summary;source\n", "semicolons"), (b"date\ttype\tactor\ttarget\n", "tabs"),
    (b"date,type;actor,target\n", None), (b"date\n", None),
])
def test_delimiter_hint(data, hint):
    got = dash.delimiter_hint(data)
    assert (got is None) if hint is None else (hint in got)


def test_template_loads_and_its_quote_is_in_the_founding_article():
    events = load_events(dash.template_csv(), name="template.csv")
    assert events.height == 2 and set(events["type"]) <= set(type_ids())
    quote = events["statement"].drop_nulls()[0]
    seed = ROOT.parent / "shared" / "seed" / "000_a9c27a608b917622.txt"
    if seed.exists():
        assert quote in seed.read_text(encoding="utf-8")


def test_readable_terms_fold_function_words_and_keep_the_total():
    terms = pl.DataFrame({"term": ["(diplomatic rules)", "its", "(baseline)", "the us", "win win", "urge"],
                          "contribution": [-2.0, -0.5, -0.4, -0.3, 0.6, -0.2]})
    out = dash.readable_terms(terms)
    assert out["contribution"].sum() == pytest.approx(terms["contribution"].sum())
    assert not {"its", "the us", "(baseline)", "(diplomatic rules)"} & set(out["term"])
    folded = out.filter(pl.col("term").str.starts_with("other: common words"))["contribution"][0]
    assert folded == pytest.approx(-0.8)
    assert out["term"][0].startswith("diplomatic rules") and "win win" in out["term"].to_list()
    valence = pl.DataFrame({"term": ["its"], "valence": [1.0]})
    assert dash.readable_terms(valence).equals(valence)  # the rule scorer's terms are words already


def test_file_names_pair_data_and_settings():
    a = dash.settings({}, tone_weight=3.0, half_life=365.0, scale=60.0, start=None, end=D("2023-06-19"), source="x")
    b = {**a, "w_talks": 5.0}
    key = dash.settings_key(a)
    assert dash.file_name("index", a) == f"tension-index-2023-06-19-{key}.csv"
    assert dash.file_name("settings", a) == f"tension-settings-2023-06-19-{key}.csv"
    assert dash.settings_key(b) != key and len(key) == 8


@pytest.mark.parametrize(("points", "expected"), [
    ([{"x": "2023-01-05"}], D("2023-01-05")),
    ([{"x": "2023-01-05 12:00"}], D("2023-01-05")),
    ([{"y": 1}, {"x": "2023-01-07"}], D("2023-01-07")),
    ([{"x": "2019-01-01"}], D("2023-01-01")),   # clamped to the range
    ([{"x": "not a date"}], None),
    ([], None),
])
def test_selected_day(points, expected):
    assert dash.selected_day(points, D("2023-01-01"), D("2023-12-31")) == expected


PUNCT = re.escape(string.punctuation)
#: Literal markdown: each ASCII punctuation character backslash-escaped, no line break of any kind.
LITERAL = re.compile(rf"(?:\\[{PUNCT}]|[^{PUNCT}\r\n\v\f\x1c-\x1e\x85\u2028\u2029])*")
#: What Streamlit's markdown rewrites in a text node after escapes are resolved (from its frontend bundle):
#: remark-emoji shortcodes and the GFM autolink literals (www. or http(s)://, e-mail), the latter only after the start,
#: a space or a Unicode punctuation or symbol character.
EMOJI = re.compile(r":\+1:|:-1:|:[\w-]+:", re.ASCII)
AUTOLINKS = (re.compile(r"(?:https?://|www(?=\.))", re.IGNORECASE), re.compile(r"[-.\w+]+@[-\w]+(?:\.[-\w]+)+"))


def rewritten(text: str) -> bool:
    """True when Streamlit's markdown would turn part of the text node ``text`` into an emoji or a link."""
    def starts(i: int) -> bool:
        return i == 0 or text[i - 1].isspace() or unicodedata.category(text[i - 1])[0] in "PS"
    return bool(EMOJI.search(text)) or any(starts(i) for p in AUTOLINKS for i in range(len(text)) if p.match(text, i))


def text_node(markdown: str) -> str:
    """The text Streamlit's markdown sees after resolving backslash escapes (word joiners kept)."""
    return re.sub(r"\\(.)", r"\1", markdown)


def plain(markdown: str) -> str:
    """What a reader sees of escaped markdown: the escapes resolved, word joiners removed."""
    return text_node(markdown).replace(dash.WORD_JOINER, "")


@pytest.mark.parametrize(("text", "seen"), [
    ("line\rnext", "line next"),
    ("a summary\r===", "a summary ==="),  # would be a setext heading
    ("a\r\nb\nc\u2028d\x85e", "a b c d e"),
    ("&lt;b&gt; &amp; &#91;", None),  # entities stay as typed
    ("[x](http://evil.example/a)", None),
    ("![x](http://evil.example/pixel.png)", None),
    ("# heading", None),
    ("=== setext", None),
    (":red[coloured] :blue-background[x] :material/home:", None),
    ("$x^2$ and $$y$$", None),
    ("<img src=x onerror=alert(1)> <b>bold</b>", None),
    ("`code` ```fence```", None),
    (":smile: :+1: :-1:", None),
    ("**bold** _it_ ~~gone~~ | a | b |", None),
    ("www.example.com WWW.x.org http://x.y https://z.w a@b.co (www.q.com)", None),  # autolink literals
    ("1. item", None),
    ("trailing backslash \\", None),
    ("plain text, no markup; 中文 café", None),
])
def test_md_escape_makes_markdown_literal(text, seen):
    out = dash.md_escape(text)
    assert LITERAL.fullmatch(out), out
    assert not rewritten(text_node(out)), out
    assert plain(out) == (text if seen is None else seen)


def test_text_patterns_do_match_unescaped_text():  # the check above can fail
    for text in (":smile:", "see www.example.com", "http://x.y", "mail a@b.co"):
        assert rewritten(text), text


def test_method_markdown_uses_library_defaults():
    text = dash.method_markdown()
    assert f"{DEFAULT_HALF_LIFE:g} days" in text and "tanh" in text and "confrontation" in text


def test_tone_scorers_and_their_explanations():
    from tension.tone import learned as tone_learned
    from tension.tone import rules as tone
    with pytest.raises(ValueError, match="unknown tone scorer 'vaderish'"):
        dash.explain_tone("Hello.", "vaderish")
    text = "China firmly opposes the sanctions."
    value, terms = dash.explain_tone(text, "diplomatic")
    assert value == tone.score(text) and terms.columns == ["term", "valence"]
    assert terms.rows() == tone.explain(text)
    value, terms = dash.explain_tone(text, "learned")
    assert value == tone_learned.score(text) and terms.columns == ["term", "contribution"]
    assert dash.settings({}, tone_weight=3.0, half_life=180.0, scale=300.0, start=None, end=None, source="x",
                         tone_scorer="learned")["tone_scorer"] == "learned"


@pytest.mark.parametrize("url", ["javascript:alert(1)", " javascript:alert(1)", "JaVaScRiPt:x", "data:text/html,x",
                                 "vbscript:x", "//evil.example/x", "http://a b", "", "   "])
def test_events_table_links_only_web_addresses(url):
    events = pl.DataFrame({"date": [dt.date(2023, 1, 1)], "type": ["talks"], "url": [url]})
    assert dash.events_table(events)["url"].to_list() == [None]


@pytest.mark.parametrize("url", ["https://www.state.gov/x", "HTTP://example.org/a?b=c"])
def test_events_table_keeps_web_addresses(url):
    events = pl.DataFrame({"date": [dt.date(2023, 1, 1)], "type": ["talks"], "url": [url]})
    assert dash.events_table(events)["url"].to_list() == [url]
