"""Tone of official statements in [−1, 1]: VADER, extended for the language of foreign ministries.

The ``"diplomatic"`` lexicon (the default) layers ``tension/tone/lexicon/diplomatic.tsv`` over VADER's own lexicon and
rewrites the phrases of ``tension/tone/lexicon/phrases.tsv`` into single placeholder tokens before VADER tokenises, so
that VADER's negation and booster rules still apply to them. Rebuke cues ("we urge the US to ...") neutralise the
cooperative words of their demand; agenda cues ("exchanged views on") neutralise the subjects they list.
``"vader"`` is plain vaderSentiment, for comparison. Each model is built once per lexicon name and never mutated
afterwards. See docs/tone.md.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import polars as pl
from vaderSentiment.vaderSentiment import BOOSTER_DICT, SentimentIntensityAnalyzer, SentiText, normalize

LEXICONS = ("diplomatic", "vader")
DEFAULT_LEXICON = "diplomatic"
#: Rule scopes of phrases.tsv: a plain phrase; a rebuke whose span runs to the clause's end / from its start (positive
#: words in it count 0); or a topic cue ("exchanged views on", "will discuss") whose span to the clause's end lists
#: subjects, not stances (every word in it counts 0).
#: "negate": the phrase is a negator VADER does not know ("hardly", "by no means") and is rewritten to "not", so
#: VADER's own negation rule flips the word after it.
SCOPES = ("-", "after", "before", "topic", "negate")
#: Distinct (text, lexicon) scores remembered across calls, so the dashboard's reruns do not rescore statements;
#: only texts up to CACHE_MAX_CHARS long are remembered (memory stays under ~CACHE_SIZE × CACHE_MAX_CHARS).
CACHE_SIZE = 65_536
#: In the diplomatic model, VADER's own positive words (those the diplomatic lexicon does not set) count at this share
#: of their valence: official statements are worded politely even when they confront ("definitely", "great", "free",
#: "best", "true"), so generic praise is weak evidence of goodwill toward the other side, while the diplomatic
#: vocabulary of cooperation keeps its full valence. Chosen on the seen statements (docs/tone.md, "Third pass").
GENERIC_POSITIVE_WEIGHT = 0.7
CACHE_MAX_CHARS = 2_000
_PREFIX = "zzdip"
_PLACEHOLDER = _PREFIX + "{}q"
#: A clause ends at . ; ! ? followed by a space or the end (not the dot of "U.S." or "Mr."), at a line break, or
#: at "but" (a demand does not run past a turn in the sentence).
_CLAUSE_END = re.compile(r"(?<!\b[A-Z])(?<!\bM[rs])[.;!?](?=\s|$)|\n|\b[Bb]ut\b")
#: A topic cue's list of subjects also ends where a new past-tense verb joins the sentence (", and agreed ...").
_TOPIC_END = re.compile(r",?\s+and\s+(?=\w+ed\b)")
_WORD_START = re.compile(r"(?<![\w\-])\w")
_TYPOGRAPHY = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "—": " - ", "–": "-", "\u00a0": " "})


class LexiconError(ValueError):
    """A lexicon data file that cannot be used; the message names the file, line, column and what was expected."""


@dataclass(frozen=True)
class PhraseRule:
    """One phrase rule: a whole-word ``pattern`` rewritten to ``token``, whose valence is ``valence``."""

    pattern: str
    valence: float
    scope: str
    group: str
    token: str


@dataclass(frozen=True)
class ToneModel:
    """An analyzer with its (merged) lexicon and compiled phrase rules; built once, never mutated."""

    name: str
    vader: SentimentIntensityAnalyzer
    rules: tuple[PhraseRule, ...]
    matchers: dict[str, re.Pattern[str]] | None
    emoji: re.Pattern[str] | None


def _rows(name: str, columns: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    """The data rows of ``tension/tone/lexicon/<name>`` with their line numbers."""
    text = resources.files("tension.tone").joinpath("lexicon", name).read_text(encoding="utf-8")
    return parse_table(text, f"tension/tone/lexicon/{name}", columns)


def parse_table(text: str, path: str, columns: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    """Rows of a tab-separated lexicon table with a header ``columns`` (``#`` lines are comments), numbered by line."""
    lines = [(n, line) for n, line in enumerate(text.splitlines(), 1) if line.strip() and not line.startswith("#")]
    if not lines or tuple(lines[0][1].split("\t")) != columns:
        line = lines[0][0] if lines else 1
        raise LexiconError(f"{path}, line {line}: expected the header {'<TAB>'.join(columns)}")
    out = []
    for n, line in lines[1:]:
        cells = line.split("\t")
        if len(cells) != len(columns):
            raise LexiconError(f"{path}, line {n}: expected {len(columns)} tab-separated columns "
                               f"({', '.join(columns)}), got {len(cells)}")
        out.append((n, dict(zip(columns, cells))))
    return out


def _valence(path: str, n: int, value: str) -> float:
    """A valence cell: a number in [−4, 4]."""
    try:
        v = float(value)
    except ValueError:
        v = float("nan")
    if not -4.0 <= v <= 4.0:
        raise LexiconError(f"{path}, line {n}, column 'valence': expected a number in [-4, 4], got {value!r}")
    return v


@lru_cache(maxsize=1)
def groups() -> dict[str, str]:
    """Each entry group of the diplomatic lexicon and phrase rules with its rationale (``groups.tsv``)."""
    return {row["group"]: row["rationale"] for _, row in _rows("groups.tsv", ("group", "rationale"))}


def _check_group(path: str, n: int, group: str) -> str:
    if group not in groups():
        raise LexiconError(f"{path}, line {n}, column 'group': expected one of {', '.join(groups())}, got {group!r}")
    return group


@lru_cache(maxsize=1)
def diplomatic_terms() -> dict[str, tuple[float, str]]:
    """The single-word entries of ``diplomatic.tsv``: term -> (valence, group)."""
    path = "tension/tone/lexicon/diplomatic.tsv"
    out: dict[str, tuple[float, str]] = {}
    for n, row in _rows("diplomatic.tsv", ("term", "valence", "group")):
        term = row["term"]
        if not term or term != term.lower() or any(c.isspace() for c in term):
            raise LexiconError(f"{path}, line {n}, column 'term': expected one lower-case word, got {term!r}")
        if term in out:
            raise LexiconError(f"{path}, line {n}, column 'term': {term!r} is listed twice")
        out[term] = (_valence(path, n, row["valence"]), _check_group(path, n, row["group"]))
    return out


def _compile(pattern: str) -> str:
    """A phrase pattern as a regex: spaces match runs of spaces/hyphens; capturing groups become non-capturing."""
    pattern = re.sub(r"\((?!\?)", "(?:", pattern)
    return pattern.replace(" ", r"[\s\-]+")


@lru_cache(maxsize=1)
def phrase_rules() -> tuple[PhraseRule, ...]:
    """The phrase and rebuke rules of ``phrases.tsv``, in file order."""
    path = "tension/tone/lexicon/phrases.tsv"
    out = []
    for i, (n, row) in enumerate(_rows("phrases.tsv", ("pattern", "valence", "scope", "group"))):
        try:
            re.compile(_compile(row["pattern"]))
        except re.error as exc:
            raise LexiconError(f"{path}, line {n}, column 'pattern': not a valid pattern ({exc})") from None
        if row["scope"] not in SCOPES:
            raise LexiconError(f"{path}, line {n}, column 'scope': expected one of {', '.join(SCOPES)}, "
                               f"got {row['scope']!r}")
        if row["scope"] == "negate" and _valence(path, n, row["valence"]) != 0:
            raise LexiconError(f"{path}, line {n}, column 'valence': a negate rule has valence 0, "
                               f"got {row['valence']!r}")
        out.append(PhraseRule(row["pattern"], _valence(path, n, row["valence"]), row["scope"],
                              _check_group(path, n, row["group"]), _PLACEHOLDER.format(i)))
    return tuple(out)


@lru_cache(maxsize=len(LEXICONS))
def model(lexicon: str = DEFAULT_LEXICON) -> ToneModel:
    """The shared model for ``lexicon`` (built on first use); do not mutate it."""
    if lexicon not in LEXICONS:
        raise ValueError(f"unknown lexicon {lexicon!r}; known: {', '.join(LEXICONS)}")
    vader = SentimentIntensityAnalyzer()
    emoji = re.compile("[" + "".join(re.escape(e) for e in vader.emojis if len(e) == 1) + "]")  # VADER reads chars
    if lexicon == "vader":
        return ToneModel(lexicon, vader, (), None, emoji)
    merged = {term: v * GENERIC_POSITIVE_WEIGHT if v > 0 else v for term, v in vader.lexicon.items()}
    for term, (valence, _) in diplomatic_terms().items():
        merged[term] = valence
    rules = phrase_rules()
    for rule in rules:
        merged[rule.token] = rule.valence
    vader.lexicon = merged  # this instance is private to the model being built
    firsts = [_first_chars(r.pattern) for r in rules]
    keys = set().union(*(f for f in firsts if f is not None))
    matchers = {}
    for key in keys:
        alternatives = "|".join(f"(?P<r{i}>{_compile(r.pattern)})" for i, (r, f) in enumerate(zip(rules, firsts))
                                if f is None or key in f)
        # a phrase ends at a word's end; a hyphen may follow only before a capital ("United States-China")
        matchers[key] = re.compile(rf"(?:{alternatives})(?!\w)(?-i:(?!-[a-z0-9]))", re.IGNORECASE)
    return ToneModel(lexicon, vader, rules, matchers, emoji)


def _first_chars(pattern: str) -> set[str] | None:
    """The lower-case characters a phrase pattern can start with (None: it could start with anything)."""
    if not pattern:
        return None
    head = pattern[0]
    if head == "(":
        depth, j = 0, 0
        while j < len(pattern):
            depth += (pattern[j] == "(") - (pattern[j] == ")")
            if depth == 0:
                break
            j += 1
        inner, rest = pattern[1:j], pattern[j + 1:]
        if inner.startswith("?"):
            return None
        alternatives, depth, start = [], 0, 0
        for k, c in enumerate(inner):
            depth += (c == "(") - (c == ")")
            if c == "|" and depth == 0:
                alternatives.append(inner[start:k])
                start = k + 1
        alternatives.append(inner[start:])
        out: set[str] = set()
        for alt in alternatives:
            first = _first_chars(alt)
            if first is None:
                return None
            out |= first
        if rest[:1] in {"?", "*"} or rest.startswith("{0"):
            tail = _first_chars(rest[1:] if rest[:1] in {"?", "*"} else rest[rest.index("}") + 1:])
            return None if tail is None else out | tail
        return out
    if head.isalnum() and pattern[1:2] not in {"?", "*", "{"}:
        return {head.lower()}
    return None


def analyzer(lexicon: str = DEFAULT_LEXICON) -> SentimentIntensityAnalyzer:
    """The shared VADER analyzer of ``lexicon`` (its lexicon includes the diplomatic entries); do not mutate it."""
    return model(lexicon).vader


def straighten(text: str) -> str:
    """``text`` with curly quotes, long dashes and non-breaking spaces replaced by their plain forms."""
    return text.translate(_TYPOGRAPHY)


def _demojize(m: ToneModel, text: str) -> str:
    """``text`` with emojis replaced by their descriptions exactly as VADER's own ``polarity_scores`` does (a space
    before the description unless the text starts there or a space precedes it)."""
    if text.isascii() or m.emoji is None:
        return text

    def describe(e: re.Match[str]) -> str:
        pos = e.start()
        return ("" if pos == 0 or text[pos - 1] == " " else " ") + m.vader.emojis[e.group(0)]

    return m.emoji.sub(describe, text)


def _clause(text: str, start: int, end: int, scope: str) -> tuple[int, int, bool]:
    """The character span of a rebuke's demand or a topic cue's subjects: to the end of the clause after ``end``, or
    from its start; and whether negative words in it are neutralised too (topic cues)."""
    if scope in ("after", "topic"):
        stop = _CLAUSE_END.search(text, end)
        stop_at = stop.start() if stop else len(text)
        if scope == "topic":
            turn = _TOPIC_END.search(text, end, stop_at)
            return end, turn.start() if turn else stop_at, True
        return end, stop_at, False
    begin = 0
    for stop in _CLAUSE_END.finditer(text, 0, start):
        begin = stop.end()
    return begin, start, False


def _matches(matchers: dict[str, re.Pattern[str]], text: str) -> list[re.Match[str]]:
    """Non-overlapping phrase matches, left to right, tried only at word starts (dispatched by first letter)."""
    out = []
    end = 0
    for word in _WORD_START.finditer(text):
        pos = word.start()
        if pos < end:
            continue
        matcher = matchers.get(text[pos].lower())
        match = matcher.match(text, pos) if matcher is not None else None
        if match is not None and match.end() > pos:
            out.append(match)
            end = match.end()
    return out


def _rewrite(m: ToneModel, text: str) -> tuple[str, list[str], list[tuple[int, int, bool]]]:
    """``text`` with phrases replaced by placeholder tokens; their surface text in order; the rebuke and topic spans
    (with whether negative words in them are neutralised too)."""
    if m.matchers is None:
        return text, [], []
    parts: list[str] = []
    surfaces: list[str] = []
    cues: list[tuple[int, int, str]] = []
    pos = length = 0
    for match in _matches(m.matchers, text):
        rule = m.rules[int(match.lastgroup[1:])]  # type: ignore[index]
        if rule.scope == "negate":
            parts += [text[pos:match.start()], "not"]
            length += match.start() - pos + 3
            pos = match.end()
            continue
        parts += [text[pos:match.start()], rule.token]
        length += match.start() - pos
        surfaces.append(" ".join(match.group(0).split()))
        if rule.scope != "-":
            cues.append((length, length + len(rule.token), rule.scope))
        length += len(rule.token)
        pos = match.end()
    if not parts:
        return text, [], []
    parts.append(text[pos:])
    out = "".join(parts)
    return out, surfaces, [_clause(out, a, b, scope) for a, b, scope in cues]


def _analyse(text: str, lexicon: str) -> tuple[list[str], list[str], list[float], float]:
    """VADER's tokens, the surface text of their placeholders in order, each token's valence after VADER's rules
    and the rebukes, and the compound score."""
    m = model(lexicon)
    raw = straighten(text) if m.matchers is not None else text
    rewritten, surfaces, spans = _rewrite(m, _demojize(m, raw).strip())
    senti = SentiText(rewritten)
    words = senti.words_and_emoticons
    sentiments: list[float] = []
    vader = m.vader
    neutral = m.matchers is not None  # diplomatic: a term whose valence is set to 0 stays 0 (boosters cannot lift it)
    for i, item in enumerate(words):
        low = item.lower()
        if (low in BOOSTER_DICT or (low == "kind" and i < len(words) - 1 and words[i + 1].lower() == "of")
                or (neutral and vader.lexicon.get(low) == 0.0)):
            sentiments.append(0.0)
            continue
        sentiments = vader.sentiment_valence(0, senti, item, i, sentiments)
    if spans:
        starts = [t.start() for t in re.finditer(r"\S+", rewritten)]
        for a, b, both in spans:
            for i in range(bisect_left(starts, a), bisect_left(starts, b)):
                sentiments[i] = 0.0 if both else min(sentiments[i], 0.0)
    sentiments = vader._but_check(words, sentiments)
    total = float(sum(sentiments))
    if total:
        emphasis = vader._punctuation_emphasis(rewritten)
        total = total + emphasis if total > 0 else total - emphasis
    return words, surfaces, sentiments, round(normalize(total), 4) if total else 0.0


def _check(lexicon: str) -> None:
    if lexicon not in LEXICONS:
        raise ValueError(f"unknown lexicon {lexicon!r}; known: {', '.join(LEXICONS)}")


def score(text: str | None, *, lexicon: str = DEFAULT_LEXICON) -> float:
    """The tone of ``text`` in [−1, 1] (VADER's compound); 0.0 for empty or missing text."""
    _check(lexicon)
    if text is None or not text.strip():
        return 0.0
    return _cached_score(text, lexicon) if len(text) <= CACHE_MAX_CHARS else _analyse(text, lexicon)[3]


@lru_cache(maxsize=CACHE_SIZE)
def _cached_score(text: str, lexicon: str) -> float:
    """The compound score of a non-empty text (a pure function of its arguments, so safe to share)."""
    return _analyse(text, lexicon)[3]


def explain(text: str | None, *, lexicon: str = DEFAULT_LEXICON) -> list[tuple[str, float]]:
    """The words and phrases that moved the score, with their valence (−4..+4) after negation, boosters and
    rebukes, strongest first; their sum has the sign of ``score(text)``."""
    _check(lexicon)
    if text is None or not text.strip():
        return []
    words, surfaces, sentiments, _ = _analyse(text, lexicon)
    queue = iter(surfaces)  # a token may hold several placeholders ("zero-sum/win-win"): show them all
    terms = [" ".join(next(queue, "") for _ in range(w.count(_PREFIX))) if _PREFIX in w else w.lower()
             for w in words]
    hits = [(t, round(float(s), 4)) for t, s in zip(terms, sentiments) if s]
    return sorted(hits, key=lambda item: -abs(item[1]))


def score_many(texts: Iterable[str | None], *, lexicon: str = DEFAULT_LEXICON) -> pl.Series:
    """Tone of each text (0.0 where missing), scoring each distinct text once (and remembering recent scores)."""
    texts = list(texts)
    cache = {t: score(t, lexicon=lexicon) for t in set(texts) if t is not None}
    return pl.Series("tone", [cache.get(t, 0.0) if t is not None else 0.0 for t in texts], dtype=pl.Float64)
