"""From news text to candidate events: sentences, rule-based event types, actors, dates and toned quotes.

``events_from_text(text, published)`` returns an event frame of *candidates* for review: the event columns plus
``date_precision`` (day / month / year; ``date`` is the first day of the period; ``none`` with ``date`` empty for a
mention whose sentence gives no date), ``date_text`` (the words that dated it), ``sentence``, ``sentence_no``,
``trigger`` (the words that typed it), ``speaker`` and ``tone`` (for statements) and ``also_in`` (sentences of
merged duplicates). The rules and the gazetteer are data files
(tension/data/event_patterns.tsv, gazetteer.tsv); docs/text.md documents every step.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import polars as pl

from tension.sources import article_rules as extra
from tension.sources.dates import (
    DateMention,
    Offset,
    clause_is_future,
    find_dates,
    find_offsets,
    month_number,
    same_period,
)
from tension.taxonomy import TYPES, type_ids
from tension.tone import rules as tone_module

TOPIC = "topic"  # the patterns file's marker for topic cues (not an event type)
#: Types where the two parties are interchangeable ("A met B" is "B met A") when merging duplicates.
SYMMETRIC = frozenset({"talks", "phone_call", "agreement", "cooperation"})
PRECISION_RANK = {"day": 0, "month": 1, "year": 2, "none": 3}
UNDATED = "(no date in the sentence: give one in review)"
SPEECH_VERBS = re.compile(r"\b(?:said|says|say|saying|added|adding|told|tells|stated|stating|stressed|noted|warned|"
                          r"urged|responded|declared|remarked|asserted|insisted|wrote|posted|tweeted|according to|"
                          r"described|describing|explained|emphasized|emphasised)\b")
#: "The two sides ..." continues the story's own news: it carries a day of the article's window, nothing older.
SIDES_CUE = re.compile(r"^\s*(?:The two sides|Both sides)\b")
CARRY_CUES = re.compile(r"^\s*(?:He|She|They|It|This|That|These|In addition|Additionally)\b|\b(?:then|the move|"
                        r"in response|in retaliation|responded|retaliated|also (?:announced|imposed|said|added))\b")
#: "He said that China will ...": the words of the speaker of the sentence before, not of the event it dated.
PRONOUN_SPEECH = re.compile(r"^\s*(?:He|She)\s+(?:also\s+)?(?:said|added|stressed|noted|told|warned|urged)\b")
CARRIED = "(carried from an earlier sentence"
#: Verbs that open a reported clause ("X said (that) Y did Z"): its subject is Y, not X.
REPORTING = re.compile(r"\b(?:said|says|say|saying|told|tells|stated|stressed|noted|warned|insisted|declared|"
                       r"asserted|announced that|added that|according to)\b")
PRONOUN_SUBJECT = re.compile(r"^\s*(?:He|She)\b")
_ABBREVIATIONS = {"mr", "mrs", "ms", "dr", "gen", "sen", "rep", "gov", "lt", "col", "adm", "st", "jr", "sr", "no",
                  "jan", "feb", "aug", "sept", "sep", "oct", "nov", "dec", "vs", "etc", "prof", "corp", "inc", "co"}
_BOUNDARY = re.compile(r"[.!?][\"”’']?\s+(?=[\"“‘A-Z0-9])")
_QUOTE_MARK = re.compile(r"[\"“”]")
_CREDIT = re.compile(r"\s+/\s?[A-Z][\w .'&-]*$")  # a photo credit ending a caption: ". /Xinhua"
_QUOTE = re.compile(r"[\"“][^\"“”]+[\"”]")  # straight or curly marks, also mixed pairs as in real copy
OUTPUT_COLUMNS = ("id", "date", "type", "actor", "target", "summary", "statement", "source", "salience",
                  "date_precision", "date_text", "speaker", "tone", "trigger", "sentence_no", "sentence", "also_in")


@dataclass(frozen=True)
class Rule:
    """One event-detection rule from the patterns file."""

    type: str
    pattern: re.Pattern[str]
    exclude: re.Pattern[str] | None
    note: str
    line: int
    swap: bool = False  # host verbs ("Trump greeted Xi"): the object is the actor (article_rules.py)


@dataclass(frozen=True)
class Entry:
    """One gazetteer entry: an alias and the actor it stands for."""

    alias: str
    actor: str
    kind: str
    salience: float


@dataclass(frozen=True)
class Span:
    """A located piece of a sentence: a rule match or a gazetteer mention."""

    start: int
    end: int
    text: str
    rule: Rule | None = None
    entry: Entry | None = None


@dataclass(frozen=True)
class Sentence:
    """A sentence with its 1-based number in the text."""

    number: int
    text: str


def _data_path(name: str) -> Path:
    return Path(str(resources.files("tension") / "data" / name))


def _read_tsv(path: Path) -> list[tuple[int, dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = [(i, line) for i, line in enumerate(handle, start=1) if line.strip() and not line.startswith("#")]
    if not rows:
        raise ValueError(f"{path}: no header row")
    header = rows[0][1].rstrip("\n").split("\t")
    out = []
    for number, line in rows[1:]:
        cells = next(csv.reader([line.rstrip("\n")], delimiter="\t", quoting=csv.QUOTE_NONE))
        if len(cells) > len(header):
            raise ValueError(f"{path}, line {number}: {len(cells)} fields, expected at most {len(header)}")
        out.append((number, dict(zip(header, cells + [""] * (len(header) - len(cells))))))
    return out


@lru_cache(maxsize=4)
def load_rules(path: Path | None = None) -> tuple[Rule, ...]:
    """The event-detection rules, in priority order (default: the packaged event_patterns.tsv)."""
    path = path or _data_path("event_patterns.tsv")
    known = set(type_ids())
    rules = []
    for number, row in _read_tsv(path):
        if row["type"] not in known and row["type"] != TOPIC:
            raise ValueError(f"{path}, line {number}, column 'type': {row['type']!r} is not a known event type")
        try:
            pattern = re.compile(row["pattern"], re.IGNORECASE)
            exclude = re.compile(row["exclude"], re.IGNORECASE) if row["exclude"] else None
        except re.error as exc:
            raise ValueError(f"{path}, line {number}: not a valid regular expression ({exc})") from None
        rules.append(Rule(row["type"], pattern, exclude, row["note"], number))
    return tuple(rules)


@lru_cache(maxsize=4)
def load_gazetteer(path: Path | None = None) -> tuple[Entry, ...]:
    """The gazetteer of officials, institutions and country names, longest alias first."""
    path = path or _data_path("gazetteer.tsv")
    entries = []
    for number, row in _read_tsv(path):
        if row["kind"] not in {"person", "institution", "country", "expert", "third"}:
            raise ValueError(f"{path}, line {number}, column 'kind': {row['kind']!r} is not person, institution, "
                             "country, expert or third")
        try:
            salience = float(row["salience"])
        except ValueError:
            raise ValueError(f"{path}, line {number}, column 'salience': {row['salience']!r} is not a number") from None
        entries.append(Entry(row["alias"], row["actor"], row["kind"], salience))
    return tuple(sorted(entries, key=lambda e: -len(e.alias)))


#: Extra article rules that take priority over the packaged ones (they must beat e.g. "retaliat... tariffs").
_BEFORE_TYPES = frozenset({"threat", "sanctions", "expulsion"})


@lru_cache(maxsize=1)
def article_rules() -> tuple[Rule, ...]:
    """The article coder's rules: the packaged rules plus ``article_rules.EXTRA_RULES`` (threats, counter-sanctions
    and consulate orders first, the other extras after the packaged rules)."""
    made = [Rule(kind, re.compile(pattern, re.IGNORECASE), None, note, -i, swap)
            for i, (kind, pattern, note, swap) in enumerate(extra.EXTRA_RULES, start=1)]
    return (tuple(r for r in made if r.type in _BEFORE_TYPES) + load_rules()
            + tuple(r for r in made if r.type not in _BEFORE_TYPES))


@lru_cache(maxsize=1)
def article_gazetteer() -> tuple[Entry, ...]:
    """The packaged gazetteer plus ``article_rules.EXTRA_GAZETTEER``, longest alias first."""
    known = {e.alias for e in load_gazetteer()}
    added = [Entry(*row) for row in extra.EXTRA_GAZETTEER if row[0] not in known]
    return tuple(sorted((*load_gazetteer(), *added), key=lambda e: -len(e.alias)))


def split_sentences(text: str) -> list[Sentence]:
    """Split text into sentences: each line is a paragraph; a period ends a sentence unless it ends an initialism
    (U.S., D.C.) or a listed abbreviation, or falls inside a quotation (when the paragraph's quotation marks pair
    up), so a quoted passage of several sentences stays with its attribution. A photo credit ending a line
    (" /CFP") is removed."""
    out: list[Sentence] = []
    for line in text.splitlines():
        paragraph = _CREDIT.sub("", line)
        balanced = len(_QUOTE_MARK.findall(paragraph)) % 2 == 0
        start = 0
        for m in _BOUNDARY.finditer(paragraph):
            before = paragraph[start:m.start() + 1].split()
            last = before[-1].rstrip(".").lower() if before else ""
            if re.search(r"(?:\b[A-Z]\.){2,}$", paragraph[:m.start() + 1]) or last in _ABBREVIATIONS:
                continue
            if balanced and len(_QUOTE_MARK.findall(paragraph, 0, m.end())) % 2 == 1:
                continue
            piece = paragraph[start:m.end()].strip()
            if piece:
                out.append(Sentence(len(out) + 1, piece))
            start = m.end()
        piece = paragraph[start:].strip()
        if piece:
            out.append(Sentence(len(out) + 1, piece))
    return out


_SINGLE_QUOTE = re.compile(r"(?<![\w'‘’])['‘](?=[A-Za-z0-9$])(?:[^'‘’]|(?<=\w)['’](?=\w))*?(?<=[^\s'‘’])['’]"
                           r"(?![\w'‘’])")


def quote_spans(sentence: str) -> list[tuple[int, int]]:
    """Start and end of every quotation (marks included) in ``sentence``; single quotation marks count when the
    sentence has no double ones (wire copy reprinted with 'single quotes')."""
    spans = [(m.start(), m.end()) for m in _QUOTE.finditer(sentence)]
    if not spans and not _QUOTE_MARK.search(sentence):
        spans = [(m.start(), m.end()) for m in _SINGLE_QUOTE.finditer(sentence)]
    return spans


def _inside(pos: int, spans: list[tuple[int, int]]) -> bool:
    return any(s <= pos < e for s, e in spans)


def find_mentions(sentence: str, gazetteer: tuple[Entry, ...]) -> list[Span]:
    """Gazetteer mentions outside quotations, longest alias first, never overlapping, in order of position.
    Institutions match in any case ("the foreign ministry"); names and countries only as written ("US", not "us")."""
    quotes = quote_spans(sentence)
    taken: list[Span] = []
    for entry in gazetteer:
        flags = re.IGNORECASE if entry.kind == "institution" else 0
        for m in re.finditer(r"(?<![\w.])" + re.escape(entry.alias) + r"(?![\w])", sentence, flags):
            if _inside(m.start(), quotes) or any(m.start() < t.end and t.start < m.end() for t in taken):
                continue
            taken.append(Span(m.start(), m.end(), m.group(0), entry=entry))
    return sorted(taken, key=lambda s: s.start)


SCARE_WORDS = 3  # a quotation of at most this many words is a scare quote: part of the reporter's sentence


def _unmarked(sentence: str, scare: list[tuple[int, int]]) -> tuple[str, list[int]]:
    """``sentence`` without the quotation marks of its scare quotes, and each kept character's position in it."""
    marks = {p for a, b in scare for p in (a, b - 1)}
    keep = [i for i in range(len(sentence)) if i not in marks]
    return "".join(sentence[i] for i in keep), [*keep, len(sentence)]


def detect(sentence: str, rules: tuple[Rule, ...]) -> list[Span]:
    """Rule matches outside quotations (a scare quote of up to three words, as in lodged “stern representations”,
    is read as the reporter's own words, marks ignored) and not after a topic cue ("questions on ..."); of
    overlapping matches, the earlier rule's wins."""
    spans = quote_spans(sentence)
    quotes = [(a, b) for a, b in spans if len(sentence[a:b].split()) > SCARE_WORDS]
    text, where = _unmarked(sentence, [q for q in spans if q not in quotes])
    cues = [where[m.start()] for r in rules if r.type == TOPIC for m in r.pattern.finditer(text)]
    kept: list[Span] = []
    for rule in rules:
        if rule.type == TOPIC:
            continue
        if rule.exclude is not None and rule.exclude.search(sentence):
            continue
        for m in rule.pattern.finditer(text):
            start, end = where[m.start()], where[m.end() - 1] + 1
            if _inside(start, quotes) or any(start < k.end and k.start < end for k in kept):
                continue
            if any(c <= start for c in cues):
                continue
            kept.append(Span(start, end, sentence[start:end], rule=rule))
    return sorted(kept, key=lambda s: s.start)


def _gap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(b[0] - a[1], a[0] - b[1], 0)


_PREPOSITION = re.compile(r"\b(?:against|on|upon|with|to|from|of|for|toward|towards|at|between|over|about|by|into|"
                          r"amid|after|before|than|like|in|including|and|or)\s+(?:the\s+|a\s+|an\s+)?$",
                          re.IGNORECASE)
_PASSIVE_BY = re.compile(r"^[^,;:]{0,80}\bby\s+(?:the\s+)?$", re.IGNORECASE)
_FOREIGN = frozenset({"expert", "third"})
_MODIFIED = re.compile(r"\b(?:U\.S\.|US|American|Chinese|China's|U\.S\.'s)\s+(?:[a-z-]+\s+){1,2}$")
_SPEAKS = re.compile(r"\s*(?:spokes(?:person|man|woman)\s+)?(?:[A-Z][\w.'-]+\s+){0,3}(?:said|says|told|stated|noted|"
                     r"announced|added|stressed|warned)\b")  # the mention is a speaker, not an object
_OTHER_PARTICIPLE = re.compile(r"\s[a-z]+(?:ed|en|wn)\s+by\s+(?:the\s+)?$")


def _acting(mentions: list[Span]) -> list[Span]:
    """Mentions that can act or be targeted: officials, institutions and the two countries (not experts or third
    countries)."""
    return [m for m in mentions if m.entry is not None and m.entry.kind not in _FOREIGN]


def clause_subject(sentence: str, span: tuple[int, int], mentions: list[Span]) -> Span | None:
    """The grammatical subject of the clause that holds the trigger at ``span``: the first acting mention of that
    clause before the trigger that does not follow a preposition ("sanctions *against* the U.S.") and is not part of
    a compound ("China-U.S. trade war"). The clause starts
    at the sentence, after the last speech verb before the trigger ("X said *Y did Z*") or after a semicolon; None
    when no such mention precedes the trigger."""
    start = max([v.end() for v in REPORTING.finditer(sentence, 0, span[0])] +
                [m.end() for m in re.finditer(";", sentence[:span[0]])], default=0)
    for conj in extra.SUBORDINATE.finditer(sentence, start, span[0]):  # "... after *the United States* ordered"
        first = next((m for m in _acting(mentions) if conj.end() <= m.start <= conj.end() + 4 and m.end <= span[0]),
                     None)
        if first is not None and re.match(r"\s+(?:has |had |have )?[a-z]+ed\b", sentence[first.end:]):
            return first
    for m in _acting(mentions):
        if m.start < start or m.end > span[0]:
            continue
        if _PREPOSITION.search(sentence[max(0, m.start - 30):m.start]):
            continue
        if sentence[m.end:m.end + 1] in {"-", "–"} or sentence[max(0, m.start - 1):m.start] in {"-", "–"}:
            continue  # "China-U.S. trade war": a compound modifier, not a subject
        return m
    return None


def passive_agent(sentence: str, span: tuple[int, int], mentions: list[Span]) -> Span | None:
    """The agent of a passive trigger: an acting mention right after 'by' within 80 characters after the trigger and
    in its clause ("sanctions were imposed on Chinese officials by the Treasury"), else None."""
    own_verb = re.search(r"[a-z]ed\b", sentence[span[0]:span[1]])  # "sailed near islands" has a verb of its own
    for m in _acting(mentions):
        between = sentence[span[1]:m.start]
        if m.start < span[1] or not _PASSIVE_BY.match(between):
            continue
        other = _OTHER_PARTICIPLE.search(between)  # "islands claimed by China": a participle of its own
        if other is None or not (between[:other.start()].strip() or own_verb):
            return m
    return None


def choose_parties(span: tuple[int, int], mentions: list[Span], sentence: str | None = None
                   ) -> tuple[Entry | None, Entry | None]:
    """Actor and target of the event whose trigger is ``span``.

    The object is the first person (else institution, else country) mentioned inside the trigger or within 40
    characters after it. With the sentence given, grammar comes first: the agent of a passive ("by the Treasury")
    acts, else the subject of the trigger's clause acts when it is of the other country than the object (see
    ``clause_subject``). Otherwise the actor is the nearest mention before the trigger from the other country than
    the object (a country name upgraded to the nearest official of that country before it), else the first mention
    after. The target is the object, else the nearest mention of the other country (officials preferred), else the
    other side of the dyad. Experts and third countries never act or are targeted.
    """
    parties = _acting(mentions)
    inside = [m for m in parties if m.start >= span[0] and m.end <= span[1]]
    near = inside or [m for m in parties if m.end > span[0] and m.start <= span[1] + 40
                      and (sentence is None or not _SPEAKS.match(sentence, m.end))]  # ", the ministry said"
    rank = {"person": 0, "institution": 1, "country": 2}
    obj = min(near, key=lambda m: (rank[m.entry.kind], m.start)).entry if near and near[0].entry else None
    before = [m for m in parties if m.end <= span[0] and m.entry is not None
              and (obj is None or m.entry.actor[:3] != obj.actor[:3])]
    actor: Entry | None = None
    grammar = None
    if sentence is not None:
        grammar = passive_agent(sentence, span, mentions) or clause_subject(sentence, span, mentions)
        if grammar is not None and grammar.entry is not None and grammar.end <= span[0] and \
                extra.PASSIVE_PATIENT.match(sentence[grammar.end:]):
            patient = grammar.entry  # "China was notified ... that it must close the consulate": China is the target
            other = {"USA": "CHN", "CHN": "USA"}.get(patient.actor[:3])
            if other is not None:
                return Entry(other, other, "country", 1.0), patient
        if grammar is not None and grammar.entry is not None and obj is not None and \
                grammar.entry.actor[:3] == obj.actor[:3]:
            if grammar.start >= span[1]:  # passive agent of the object's own country: the object is not a target
                obj = None
            else:
                grammar = None
    head = _MODIFIED.search(sentence[:span[0]]) if sentence is not None and \
        re.match(r"[a-z]+ing\b", sentence[span[0]:span[1]]) else None
    if head is not None:  # "US warships passing through ...": the participle's noun acts, not the clause subject
        grammar = next((m for m in parties if m.start == head.start()), grammar)
    if grammar is not None and grammar.entry is not None:
        actor = grammar.entry
        if actor.kind == "country":
            same = [m for m in parties if m.entry is not None and m.entry.kind != "country"
                    and m.end <= span[0] and m.entry.actor[:3] == actor.actor[:3]]
            actor = same[-1].entry if same else actor
    elif before:
        actor = before[-1].entry
        if actor is not None and actor.kind == "country":
            same = [m for m in before if m.entry is not None and m.entry.kind != "country"
                    and m.entry.actor[:3] == actor.actor[:3]]
            actor = same[-1].entry if same else actor
    else:
        after = [m for m in parties if m.end > span[0] and m.entry is not None
                 and (obj is None or m.entry.actor[:3] != obj.actor[:3])
                 and (sentence is None or not REPORTING.search(sentence, span[1], m.start))]
        actor = after[0].entry if after else None
    if actor is None:
        return None, None
    if obj is not None and obj.actor[:3] != actor.actor[:3]:
        return actor, obj
    others = [m for m in parties if m.entry is not None and m.entry.actor[:3] != actor.actor[:3]]
    officials = [m for m in others if m.entry is not None and m.entry.kind != "country"]
    pool = officials or others
    if pool:
        return actor, min(pool, key=lambda m: _gap(span, (m.start, m.end))).entry
    other = {"USA": "CHN", "CHN": "USA"}.get(actor.actor[:3])
    return actor, (Entry(other, other, "country", 1.0) if other else None)


_TOPIC_OF = re.compile(r"\b(?:over|about|regarding|concerning|on)\b", re.IGNORECASE)


def involves_both_sides(span: tuple[int, int], mentions: list[Span], actor: Entry | None,
                        sentence: str | None = None) -> bool:
    """False when the event is aimed at a third country (its object, the first mention within 40 characters after
    the trigger, is one) or the sentence names a third country and nothing of the other side than the actor."""
    near = [m for m in mentions if m.entry is not None and m.entry.kind != "expert"
            and m.end > span[0] and m.start <= span[1] + 40]
    if near and near[0].entry is not None and near[0].entry.kind == "third" and (
            sentence is None or not _TOPIC_OF.search(sentence[span[1]:near[0].start])):
        return False
    thirds = [m for m in mentions if m.entry is not None and m.entry.kind == "third"]
    if not thirds or actor is None:
        return True
    return any(m.entry.actor[:3] != actor.actor[:3] for m in _acting(mentions) if m.entry is not None)


def nearest_date(span: tuple[int, int], dates: list[DateMention]) -> DateMention | None:
    """The date expression closest to ``span`` (ties go to the earlier one)."""
    return min(dates, key=lambda d: _gap(span, (d.start, d.end))) if dates else None


@dataclass(frozen=True)
class Quote:
    """Quoted words in a sentence with the speech verb and speaker they are attributed to."""

    text: str
    speaker: Entry | None
    start: int


_PRONOUN_BEFORE = re.compile(r"(?:^|[,;])[\s\"“”‘’']*(?:he|she)\b[^,;]*$", re.IGNORECASE)


def find_quotes(sentence: str, mentions: list[Span], previous_person: Entry | None) -> Quote | None:
    """The quotations of a sentence joined by ' … ', attributed to the person or institution nearest before the
    speech verb (else after it; 'He'/'She' fall back to the last person named); None without quote or verb."""
    quotes = quote_spans(sentence)
    if not quotes:
        return None
    verbs = [m for m in SPEECH_VERBS.finditer(sentence) if not _inside(m.start(), quotes)]
    if not verbs:
        return None
    verb = min(verbs, key=lambda v: _gap((v.start(), v.end()), quotes[0]))
    people = [m for m in mentions if m.entry is not None and m.entry.kind not in {"country", "third"}]
    before = [m for m in people if m.end <= verb.start()]
    after = [m for m in people if m.start >= verb.end()]
    speaker: Entry | None = None
    if before and extra.UNKNOWN_SPEAKER.search(sentence[before[-1].end:verb.start()]):
        before = after = []  # "... one senior Chinese regulator said": a speaker the gazetteer does not know
    if before:
        speaker = before[-1].entry
    elif (PRONOUN_SUBJECT.match(sentence) or _PRONOUN_BEFORE.search(sentence[:verb.start()])) and \
            previous_person is not None:
        speaker = previous_person  # "..., he described the action as ..." after a sentence naming Wang Wenbin
    elif after:
        speaker = after[0].entry
    words = [sentence[s + 1:e - 1].strip().rstrip(",.;:").strip() for s, e in quotes]
    return Quote(" … ".join(w for w in words if w), speaker, quotes[0][0])


def _label(kind: str) -> str:
    return next(t.label for t in TYPES if t.id == kind)


def _summary(kind: str, actor: str | None, target: str | None, trigger: str) -> str:
    return f"{_label(kind)}: {actor or '?'} → {target or '?'} (machine-coded from the words '{trigger}')"


def _compatible(a: dict, b: dict) -> bool:
    if a["type"] != b["type"] or a["type"] == "statement":
        return False
    def agree(x: str | None, y: str | None) -> bool:  # a bare country agrees with any party of that country
        return x is None or y is None or x == y or (x[:3] == y[:3] and (len(x) == 3 or len(y) == 3)) or \
            (x.startswith(y) and "(" not in y) or (y.startswith(x) and "(" not in x)  # institution ~ its official

    straight = agree(a["actor"], b["actor"]) and agree(a["target"], b["target"])
    swapped = a["type"] in SYMMETRIC and agree(a["actor"], b["target"]) and agree(a["target"], b["actor"])
    if not (straight or swapped):
        return False
    if a["date"] is None or b["date"] is None:  # an undated mention (a headline) of the news the text dates
        dated = a if a["date"] is not None else b
        return dated["date"] is None or dated["date_precision"] == "day"
    if (a.get("_reported") or b.get("_reported")) and a["date_precision"] == b["date_precision"] == "day":
        late, early = (a, b) if a.get("_reported") else (b, a)
        if 0 <= (late["date"] - early["date"]).days <= 3:
            return True  # "the call ..., the White House said on Friday" and "Thursday's call": one call
    coarse = a if PRECISION_RANK[a["date_precision"]] >= PRECISION_RANK[b["date_precision"]] else b
    fine = b if coarse is a else a
    return same_period(fine["date"], coarse["date"], coarse["date_precision"])


def merge_duplicates(rows: list[dict]) -> list[dict]:
    """Merge rows of the same type, compatible parties and overlapping periods into the most precise one; the
    merged rows' sentence numbers are listed in ``also_in`` (never dropped without a trace)."""
    out: list[dict] = []
    for row in rows:
        match = next((i for i, kept in enumerate(out) if _compatible(kept, row)), None)
        if match is None:
            out.append(dict(row))
            continue
        kept = out[match]
        finer = row if PRECISION_RANK[row["date_precision"]] < PRECISION_RANK[kept["date_precision"]] else kept
        if kept.get("_reported") and not row.get("_reported") and row["date"] is not None:
            finer = row  # the event's own day beats the day it was reported
        other = kept if finer is row else row
        merged = dict(finer)
        for col in ("actor", "target"):
            merged[col] = merged[col] or other[col]
        numbers = [other["sentence_no"], *(kept["also_in"] or "").split(";"), *(row["also_in"] or "").split(";")]
        others = {str(n) for n in numbers if str(n) and str(n) != str(merged["sentence_no"])}
        merged["also_in"] = ";".join(sorted(others, key=int))
        merged["_back"] = max(kept.get("_back") or 0, row.get("_back") or 0)
        merged["_days"] = merged.get("_days") or kept.get("_days") or row.get("_days") or []
        merged["_reported"] = bool(kept.get("_reported") and row.get("_reported"))
        out[match] = merged
    return out


def _shift(anchor: tuple[dt.date | None, str, str], offset: Offset, sign: int) -> tuple[dt.date | None, str, str]:
    day, precision, words = anchor
    if day is None or precision != "day":
        return anchor
    return day + dt.timedelta(days=sign * offset.days), "day", f"('{offset.text}' counted from {words})"


def date_of(span: tuple[int, int], dates: list[DateMention], offset: Offset | None,
            carry: tuple[dt.date, str, str] | None) -> tuple[dt.date | None, str, str]:
    """``(date, precision, date_text)`` of the trigger at ``span``: the nearest date expression of its sentence;
    with a relative phrase, "X two days after Y" dates X and Y from whichever side is dated (or from ``carry`` for
    X), "Two days later, X" shifts ``carry``; else ``carry`` (the caller passes it only for a continuing sentence);
    else undated (``date`` None, precision ``none``)."""
    carried = (carry[0], carry[1], f"(carried from an earlier sentence: '{carry[2]}')") if carry else None
    def own(mentions: list[DateMention]) -> tuple[dt.date | None, str, str] | None:
        m = nearest_date(span, mentions)
        return (m.date, m.precision, m.text) if m is not None else None

    if offset is not None and offset.joins:
        first = [d for d in dates if d.end <= offset.start]
        second = [d for d in dates if d.start >= offset.end]
        if span[0] < offset.start:
            found = own(first)
            if found is None and second:
                found = _shift(own(second) or carried, offset, +1)  # type: ignore[arg-type]
            found = found or carried
        else:
            found = own(second)
            anchor = own(first) or carried
            if found is None and anchor is not None:
                found = _shift(anchor, offset, -1)
        if found is not None:
            return found
    elif offset is not None and not dates and carried is not None:
        return _shift(carried, offset, +1)
    found = own(dates) or carried
    return found if found is not None else (None, "none", UNDATED)


_CLAUSE_MARK = re.compile(r"[,;:—–()\"“”]")
DISCOURSE = "(no date in the sentence: dated by the story's date '{}' (inferred; check in review))"
HEADLINED = "(no date in the headline: dated by the story's date '{}' (inferred; check in review))"
HEADLINE = 3  # sentences before any date, up to this number, are the headline and its deck
FOLLOWED = "(no date in the sentence: dated by the same speaker's next words, '{}' (inferred; check in review))"
WINDOW_DAYS = 10  # the article's own window, as in tension.sources.review


def _clause(sentence: str, start: int, end: int) -> str:
    """The clause (between commas, dashes, colons and quote marks) holding ``sentence[start:end]``."""
    left = max((m.end() for m in _CLAUSE_MARK.finditer(sentence, 0, start)), default=0)
    right = next((m.start() for m in _CLAUSE_MARK.finditer(sentence, end)), len(sentence))
    return sentence[left:right]


def extra_future(sentence: str, start: int, end: int) -> bool:
    """Whether the clause at ``start:end`` speaks of a plan in words the dates module does not read as future
    ("a joint statement would be released on Monday", "details due Monday", "is welcome to visit")."""
    return bool(extra.EXTRA_FUTURE.search(_clause(sentence, start, end)))


def dateline(sentence: str, published: dt.date) -> dt.date | None:
    """The day of a wire dateline opening ``sentence`` ("BEIJING, Dec. 31 (Xinhua) —"), the latest such day on or
    before publication; None without a dateline."""
    m = extra.DATELINE.match(sentence)
    if m is None:
        return None
    try:
        month = month_number(m["month"])
        year = int(m["year"]) if m["year"] else published.year
        day = dt.date(year, month, int(m["day"]))
    except ValueError:
        return None
    if not m["year"] and day > published:
        day = dt.date(year - 1, month, int(m["day"]))
    return day


def _in_window(day: dt.date | None, precision: str, published: dt.date) -> bool:
    return day is not None and precision == "day" and \
        published - dt.timedelta(days=WINDOW_DAYS) <= day <= published


_AFTER = re.compile(r"\bafter\s+(?:the\s+)?(?=[A-Z])")


def _after_between(sentence: str, date_end: int, trigger_start: int) -> bool:
    """Whether "after <Name>" opens a clause between a day and a trigger ("China said on Tuesday it would take
    countermeasures after the United States imposed sanctions"): that day dates the main clause, not the cause."""
    return date_end <= trigger_start and bool(_AFTER.search(sentence, date_end, trigger_start))


def _clause_left(sentence: str, start: int) -> str:
    """The text of the trigger's clause (commas, semicolons, colons) before ``start``."""
    left = max((m.end() for m in re.finditer(r"[,;:]", sentence[:start])), default=0)
    return sentence[left:start]


def part_months(sentence: str, published: dt.date, dates: list[DateMention]) -> list[DateMention]:
    """Month mentions with "early", "mid" or "late" ("in mid-November") that the dates module does not read, at
    month precision: the latest such month up to publication unless a year is given (the next one in a plan)."""
    out = []
    for m in extra.PART_MONTH.finditer(sentence):
        if any(d.start < m.end() and m.start() < d.end for d in dates):
            continue
        month = month_number(m["month"])
        if m["year"]:
            year = int(m["year"])
        elif clause_is_future(sentence, m.start(), m.end()) or extra_future(sentence, m.start(), m.end()):
            year = published.year + (1 if month < published.month else 0)
        else:
            year = published.year - (1 if month > published.month else 0)
        out.append(DateMention(m.start(), m.end(), m.group(0), dt.date(year, month, 1), "month"))
    return out


def short_names(sentence: str, mentions: list[Span], named: dict[str, Entry]) -> list[Span]:
    """Mentions of a person by one part of a full name given earlier in the text ("Mao said" after "Mao Ning",
    "Kritenbrink" after "Daniel Kritenbrink"), where that part is not already a mention or a common word."""
    parts: dict[str, Entry] = {}
    for alias, entry in named.items():
        words = alias.split()
        for word in (words[0], words[-1]) if len(words) > 1 else ():
            if word not in extra.NOT_SHORT_NAMES and len(word) > 1:
                parts[word] = entry
    out = []
    for word, entry in parts.items():
        for m in re.finditer(r"(?<![\w.])" + re.escape(word) + r"(?![\w-])", sentence):
            if any(m.start() < t.end and t.start < m.end() for t in [*mentions, *out]):
                continue
            if _inside(m.start(), quote_spans(sentence)):
                continue
            out.append(Span(m.start(), m.end(), m.group(0), entry=entry))
    return out


def attributed(sentence: str, span: tuple[int, int], day: dt.date | None, dates: list[DateMention]) -> bool:
    """Whether the date used for the trigger at ``span`` sits in a trailing attribution (", the White House said on
    Friday"): then it is the day of the report, and the event may be a day or two older."""
    if day is None:
        return False
    for d in dates:
        if d.date != day or d.start < span[1]:
            continue
        verb = next((v for v in REPORTING.finditer(sentence, span[1], d.start)), None)
        if verb is not None and "," in sentence[span[1]:verb.start()]:
            return True
    return False


def range_days(sentence: str, span: tuple[int, int], dates: list[DateMention]) -> list[dt.date]:
    """The days of a two-day expression in ``sentence`` ("on Sunday and Monday", "May 10–11", "from Dec. 11 to
    12"), in order; empty when there is none. Only expressions whose first day was found as a date count."""
    for m in extra.WEEKDAY_RANGE.finditer(sentence):
        days = [d.date for d in dates if d.precision == "day" and d.end > m.start() and d.start < m.end()]
        if len(days) >= 2:
            return sorted(set(days))
    for m in extra.DAY_RANGE.finditer(sentence):
        first = next((d for d in dates if d.precision == "day" and d.start <= m.start() + 3 and d.end > m.start()),
                     None)
        last = int(m["last"])
        if first is not None and first.date.day < last <= first.date.day + 6:
            try:
                return [first.date + dt.timedelta(days=i) for i in range(last - first.date.day + 1)]
            except OverflowError:
                return []
    return []


def events_from_text(text: str, published: dt.date, *, source: str | None = None, id_prefix: str = "art",
                     rules: tuple[Rule, ...] | None = None, gazetteer: tuple[Entry, ...] | None = None
                     ) -> pl.DataFrame:
    """Candidate events and toned quoted statements found in a news text published on ``published``."""
    rules = rules if rules is not None else article_rules()
    gazetteer = gazetteer if gazetteer is not None else article_gazetteer()
    source = source or f"news article published {published.isoformat()}"
    rows: list[dict] = []
    carry: tuple[dt.date, str, str] | None = None
    last_person: Entry | None = None
    named: dict[str, Entry] = {}  # persons named so far, for "Mao said" after "Mao Ning"
    story_from_event = False  # the story's date came from a sentence that codes an event (or a dateline)
    story: tuple[dt.date, str] | None = None  # the story's date: a dateline, else the lead's latest day in window
    context: tuple[dt.date | None, bool, set[str]] = (None, True, set())  # last dated sentence: day, current?, people
    for sentence in split_sentences(text):
        s = sentence.text
        dates = find_dates(s, published)
        wire = dateline(s, published)
        head = extra.DATELINE.match(s).end() if wire is not None else 0  # type: ignore[union-attr]
        if wire is not None:
            story = (wire, s[:extra.DATELINE.match(s).end() - 1].strip())  # type: ignore[union-attr]
            story_from_event = True
            if not any(d.date == wire for d in dates):
                dates = [DateMention(0, 0, story[1], wire, "day"), *dates]
        fixed = []
        for d in dates:  # "details due Monday": a weekday in a plan clause is the coming one
            if d.precision == "day" and d.date < published and extra_future(s, d.start, d.end) and \
                    re.search(r"day\b", d.text):
                d = DateMention(d.start, d.end, d.text, d.date + dt.timedelta(days=7), d.precision)
            fixed.append(d)
        dates = fixed
        dates = sorted(dates + part_months(s, published, dates), key=lambda d: d.start)
        mentions = find_mentions(s, gazetteer)
        mentions = sorted(mentions + short_names(s, mentions, named), key=lambda m: m.start)
        named.update({m.entry.alias: m.entry for m in mentions if m.entry is not None and m.entry.kind == "person"})
        found: list[tuple[str, tuple[int, int], str, Entry | None, Entry | None, Quote | None]] = []
        for span in detect(s, rules):
            plan = clause_is_future(s, span.start, span.end) or extra_future(s, span.start, span.end)
            undo = extra.UNDOING.search(_clause_left(s, span.start))
            if span.rule is not None and span.rule.type in extra.PUNITIVE and undo is not None and \
                    not extra.NEGATED.search(_clause_left(s, span.start)[:undo.start()]):
                continue  # "lift a series of previously imposed tariffs and export restrictions": cooperation
            negated = extra.NEGATED.search(_clause_left(s, span.start))
            if span.rule is not None and span.rule.type not in {"cancellation", "suspension"} and negated and \
                    not extra.UNDOING.search(negated.group(0)):  # "has not lifted sanctions": they stand
                continue  # "ended without a joint statement", "did not hold talks": nothing happened
            own = [d for d in dates if (plan or not extra_future(s, d.start, d.end)) and not (plan and d.start < head)]
            plan = plan and span.rule.type != "threat"  # a threat is a promise: future by nature
            if plan and not own:
                continue  # an announced plan with no date of its own (a dateline is not one): not an event
            if plan and (not own or nearest_date((span.start, span.end), own).precision != "day"):  # type: ignore[union-attr]
                continue  # "meet ... in early April", "visit China ... this year": a plan, not an event
            actor, target = choose_parties((span.start, span.end), mentions, s)
            if not involves_both_sides((span.start, span.end), mentions, actor, s):
                continue  # a US–Philippines call is not a China–US event (docs/text.md)
            assert span.rule is not None
            if span.rule.swap and actor is not None and target is not None:
                actor, target = target, actor
            elif span.rule.swap and actor is None:  # "China “firmly opposes” ...": the named party acts
                named_in = [m.entry for m in _acting(mentions) if span.start <= m.start and m.end <= span.end]
                other = {"USA": "CHN", "CHN": "USA"}.get(named_in[0].actor[:3]) if named_in and named_in[0] else None
                if other is not None:
                    actor, target = named_in[0], Entry(other, other, "country", 1.0)
            found.append((span.rule.type, (span.start, span.end), span.text, actor, target, None))
        quote = find_quotes(s, mentions, last_person)
        if quote is not None and quote.speaker is not None and quote.speaker.kind != "expert" and quote.text:
            other = {"USA": "CHN", "CHN": "USA"}.get(quote.speaker.actor[:3])
            target = Entry(other, other, "country", 1.0) if other else None
            found.append(("statement", (quote.start, quote.start + 1), "quoted words", quote.speaker, target, quote))
        offsets = find_offsets(s)
        for kind, span, trigger, actor, target, q in found:
            nested = [other for _, other, *_ in found if other != span]  # "the January 17 call": that call's date
            usable = [d for d in dates if not any(o[0] <= d.start and d.end <= o[1] for o in nested)]
            usable = [d for d in usable if not (d.precision == "day" and _after_between(s, d.end, span[0]))]
            usable = [d for d in usable if not extra_future(s, d.start, d.end) or (kind != "statement" and (
                      clause_is_future(s, span[0], span[1]) or extra_future(s, span[0], span[1])))]
            continues = offsets or CARRY_CUES.search(s) or (
                SIDES_CUE.search(s) and carry is not None and _in_window(carry[0], carry[1], published))
            day, precision, how = date_of(span, usable, offsets[0] if offsets else None,
                                          carry if carry is not None and continues else None)
            days = range_days(s, span, dates) if kind in {"talks", "agreement"} and precision == "day" else []
            if kind == "agreement":  # an agreement of a two-day round is reached at its close
                day, days = (days[-1] if day in days else day), []
            back = extra.DAYS_OF.search(s) if kind == "talks" else None
            rows.append({
                "date": day, "type": kind, "actor": actor.actor if actor else None,
                "target": target.actor if target else None,
                "summary": _summary(kind, actor.actor if actor else None, target.actor if target else None, trigger),
                "statement": q.text if q else None, "source": source,
                "salience": actor.salience if actor and actor.kind != "country" else 1.0,
                "date_precision": precision, "date_text": how, "speaker": q.speaker.actor if q and q.speaker else None,
                "tone": tone_module.score(q.text) if q else None, "trigger": trigger,
                "sentence_no": sentence.number, "sentence": s, "also_in": None,
                "_days": days if day in days else [],
                "_back": {"two": 2, "three": 3, "2": 2, "3": 3}[back["n"].lower()] if back else 0,
                "_context": context, "_story": story,
                "_spoken": kind == "statement" or (kind in SPOKEN and actor is not None
                                                   and actor.kind in {"person", "institution"}),
                "_reported": attributed(s, span, day, dates), "_dateless": not dates,
            })
        if dates:
            dated = [nearest_date(span, dates) for _, span, *_ in found]
            latest = dated[-1] if dated and dated[-1] is not None else dates[-1]
            carry = (latest.date, latest.precision, latest.text)
            spread = range_days(s, (0, 0), dates)
            if spread and latest.date in spread:  # after "May 10–11" the next sentence speaks of the close
                carry = (spread[-1], "day", f"the last day of '{latest.text}'")
            current = [d for d in dates if d.precision == "day" and (d.date > published
                                                                     or _in_window(d.date, d.precision, published))]
            people = {m.entry.actor for m in mentions if m.entry is not None and m.entry.kind == "person"}
            past = [d.date for d in current if d.date <= published]
            if found:  # a sentence that codes events sets the context ("this year's report" in passing does not)
                context = (max(past) if past else None, bool(current), people)
            if past and (story is None or (not story_from_event and (found or SPEECH_VERBS.search(s)))):
                lead = max((d for d in dates if d.date in past), key=lambda d: d.date)
                story, story_from_event = (lead.date, lead.text), bool(found or SPEECH_VERBS.search(s))
        persons = [m.entry for m in mentions if m.entry is not None and m.entry.kind in {"person", "expert"}]
        last_person = persons[0] if persons else last_person
    rows = merge_duplicates(rows)
    rows = merge_duplicates(expand_days(quoted_day(discourse_dates(rows, story))))
    rows = merge_statements(rows)
    return candidates_frame([{k: v for k, v in r.items() if not k.startswith("_")} for r in rows], id_prefix)


#: Verbal acts: when a named official does them in a sentence with no date, the story's date is inferred.
SPOKEN = frozenset({"statement", "accusation", "threat"})
FOLLOW = 2  # an undated remark takes the day of the same speaker's dated words up to this many sentences later


def discourse_dates(rows: list[dict], story: tuple[dt.date, str] | None) -> list[dict]:
    """Date the undated remarks that belong to the story's own news; ``date_text`` says each day was inferred.

    - "He said that China will ..." after a sentence dated by an older event: the story's date, not that event's;
    - a remark whose speaker's dated words follow within ``FOLLOW`` sentences ("Hua said China had lodged ...".
      "“...,” she told a briefing on Wednesday."): that day;
    - quotes of officials (and protests or threats by a named official) whose last dated sentence before them was
      about the article's own days (or that come before any date, as a headline): the day of that sentence when the
      speaker was named in it, else the story's date (the dateline, else the lead's latest day);
    - events in a dateless headline (its first ``HEADLINE`` sentences) with both parties known: the story's date.

    Rows after a background passage ("in 2018", "last August") stay undated."""
    out = []
    for row in rows:
        row = dict(row)
        context = row.get("_context") or (None, True, set())
        current, people = context[1], context[2]
        who = row["speaker"] or row["actor"]
        told = row.get("_story") or story
        later = None
        if row["date"] is None and row.get("_spoken"):
            later = next((r for r in rows if r.get("_spoken") and 0 < r["sentence_no"] - row["sentence_no"] <= FOLLOW
                          and (r["speaker"] or r["actor"]) == who
                          and r["date"] is not None and r["date_precision"] == "day"), None)
        if row["date"] is not None and row["type"] in SPOKEN and told is not None and \
                str(row["date_text"]).startswith(CARRIED) and PRONOUN_SPEECH.match(row["sentence"]) and \
                row["date"] < told[0]:
            row["date"], row["date_precision"], row["date_text"] = told[0], "day", DISCOURSE.format(told[1])
        elif later is not None:
            row["date"], row["date_precision"] = later["date"], "day"
            row["date_text"] = FOLLOWED.format(later["date_text"])
        elif row["date"] is None and row.get("_spoken") and current and told is not None:
            if context[0] is not None and who in people:
                row["date"], words = context[0], f"the day of the sentence before naming {who}"
            else:
                row["date"], words = told
            row["date_precision"], row["date_text"] = "day", DISCOURSE.format(words)
        elif row["date"] is None and context[0] is None and current and not people and told is not None and \
                row["sentence_no"] <= HEADLINE and row.get("_dateless") and \
                row["actor"] is not None and row["target"] is not None:  # a headline states the story's news
            row["date"], row["date_precision"], row["date_text"] = told[0], "day", HEADLINED.format(told[1])
        out.append(row)
    return out


def quoted_day(rows: list[dict]) -> list[dict]:
    """Undated protests and threats take the day of a dated quote in the same sentence (Zhao said China “firmly
    opposes and strongly condemns” ...: the protest is made in the words quoted)."""
    out = []
    for row in rows:
        quote = None
        if row["date"] is None and row["type"] in SPOKEN:
            quote = next((r for r in rows if r["type"] == "statement" and r["sentence_no"] == row["sentence_no"]
                          and r["date"] is not None), None)
        if quote is not None:
            row = {**row, "date": quote["date"], "date_precision": quote["date_precision"],
                   "date_text": f"{quote['date_text']} (the day of the quote in the same sentence)"}
        out.append(row)
    return out


def expand_days(rows: list[dict]) -> list[dict]:
    """One talks row per day of a two-day expression ("on Sunday and Monday", "May 10–11", "two days of talks"
    ending on the row's day): the row is copied for each other day (codebook: one talks row per meeting day)."""
    out = []
    for row in rows:
        out.append(row)
        days = list(row.get("_days") or [])
        if not days and row.get("_back") and row["date"] is not None and row["date_precision"] == "day":
            days = [row["date"] - dt.timedelta(days=i) for i in range(row["_back"] - 1, -1, -1)]
        for day in days:
            if day != row["date"]:
                out.append({**row, "date": day, "date_text": f"{row['date_text']} (one row per day of the range)",
                            "_days": [], "_back": 0})
    return out


def merge_statements(rows: list[dict]) -> list[dict]:
    """One statement per speaker and day (as the gold files count them): quotes of the same speaker dated the same
    day are joined with ' … ' into the first row; the others' sentence numbers go to ``also_in``."""
    out: list[dict] = []
    for row in rows:
        same = next((kept for kept in out if row["type"] == "statement" and kept["type"] == "statement"
                     and row["date"] is not None and kept["date"] == row["date"]
                     and kept["date_precision"] == row["date_precision"] and kept["speaker"] == row["speaker"]
                     and row["speaker"] is not None), None)
        if same is None:
            out.append(dict(row))
            continue
        same["statement"] = f"{same['statement']} … {row['statement']}"
        same["tone"] = tone_module.score(same["statement"])
        numbers = {n for n in (same["also_in"] or "").split(";") if n} | {str(row["sentence_no"])}
        same["also_in"] = ";".join(sorted(numbers, key=int))
    return out


def candidates_frame(rows: list[dict], id_prefix: str) -> pl.DataFrame:
    """The candidate rows as a frame with the standard columns first (ids ``<prefix>-001``, ...)."""
    schema = {"id": pl.String, "date": pl.Date, "type": pl.String, "actor": pl.String, "target": pl.String,
              "summary": pl.String, "statement": pl.String, "source": pl.String, "salience": pl.Float64,
              "date_precision": pl.String, "date_text": pl.String, "speaker": pl.String, "tone": pl.Float64,
              "trigger": pl.String, "sentence_no": pl.Int64, "sentence": pl.String, "also_in": pl.String}
    data = [{**row, "id": f"{id_prefix}-{i:03d}"} for i, row in enumerate(rows, start=1)]
    return pl.DataFrame(data, schema=schema) if data else pl.DataFrame(schema=schema)


def _side(party: str | None) -> str | None:
    return party[:3] if party else None


def matches(candidate: dict, gold: dict, *, direction: bool = False) -> bool:
    """Whether a candidate row matches a gold row: same type, its date inside the gold period at the gold's
    precision and stated no more coarsely; with ``direction``, also the same actor and target countries (either
    order for talks, calls, agreements and cooperation). A candidate without a date matches nothing."""
    if candidate["date"] is None or candidate["type"] != gold["type"]:
        return False
    precision = candidate["date_precision"] or "day"
    if PRECISION_RANK[precision] > PRECISION_RANK[gold["date_precision"]] or \
            not same_period(candidate["date"], gold["date"], gold["date_precision"]):
        return False
    if not direction:
        return True
    pair = (_side(candidate.get("actor")), _side(candidate.get("target")))
    wanted = (_side(gold.get("actor")), _side(gold.get("target")))
    return pair == wanted or (gold["type"] in SYMMETRIC and pair == wanted[::-1])


def evaluate(candidates: pl.DataFrame, gold: pl.DataFrame, *, direction: bool = False) -> dict[str, float | int]:
    """Recall and precision of ``candidates`` against ``gold`` (columns date, date_precision, type; with
    ``direction`` also actor and target): see ``matches``. Each gold event matches at most one candidate (greedy, in
    candidate order); every candidate counts, undated ones included."""
    free = list(gold.iter_rows(named=True))
    hits = 0
    for row in candidates.iter_rows(named=True):
        for i, wanted in enumerate(free):
            if matches(row, wanted, direction=direction):
                del free[i]
                hits += 1
                break
    return {"gold": gold.height, "found": candidates.height, "matched": hits,
            "recall": hits / gold.height if gold.height else 0.0,
            "precision": hits / candidates.height if candidates.height else 0.0}
