"""Hand-kept timelines to candidate events: one event per dated line, typed by the article rules.

Accepted forms: ``2023-06-18 — text``, ``June 18, 2023: text``, ``18 June 2023 - text``, ``June 2023: text``
(month precision), ``2023: text`` (year precision), or CSV with a ``date`` column and a text column (``text``,
``event``, ``description``, ``summary`` or ``title``). A line that matches no rule is kept with ``type`` null as an
*untyped candidate*: it must be typed by a reviewer before it can enter the index (``accepted_events`` refuses it).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import polars as pl

from tension.events import EventDataError, Problem
from tension.sources.article import (
    OUTPUT_COLUMNS,
    Entry,
    Rule,
    candidates_frame,
    choose_parties,
    detect,
    find_mentions,
    find_quotes,
    load_gazetteer,
    load_rules,
)
from tension.sources.dates import month_number
from tension.taxonomy import type_ids
from tension.tone.rules import score as tone_score

TEXT_COLUMNS = ("text", "event", "description", "summary", "title")
_SEP = r"\s*(?:[—–:|]|-{1,2}|,)?\s+"
_MON = r"(?P<mon>January|February|March|April|May|June|July|August|September|October|November|December|Jan\.?|" \
       r"Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept?\.?|Oct\.?|Nov\.?|Dec\.?)"
LINE_FORMATS = (
    ("day", re.compile(r"^(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})" + _SEP + r"(?P<text>\S.*)$")),
    ("day", re.compile(r"^" + _MON + r"\s+(?P<d>\d{1,2}),?\s+(?P<y>\d{4})" + _SEP + r"(?P<text>\S.*)$")),
    ("day", re.compile(r"^(?P<d>\d{1,2})\s+" + _MON + r",?\s+(?P<y>\d{4})" + _SEP + r"(?P<text>\S.*)$")),
    ("month", re.compile(r"^(?P<y>\d{4})-(?P<m>\d{1,2})" + _SEP + r"(?P<text>\S.*)$")),
    ("month", re.compile(r"^" + _MON + r",?\s+(?P<y>\d{4})" + _SEP + r"(?P<text>\S.*)$")),
    ("year", re.compile(r"^(?P<y>\d{4})" + _SEP + r"(?P<text>\S.*)$")),
)


def parse_line(line: str) -> tuple[dt.date, str, str] | None:
    """``(date, precision, text)`` of a dated timeline line, or None when it does not start with a date."""
    for precision, rx in LINE_FORMATS:
        m = rx.match(line.strip())
        if not m:
            continue
        g = m.groupdict()
        month = int(g["m"]) if g.get("m") else month_number(g["mon"]) if g.get("mon") else 1
        try:
            return dt.date(int(g["y"]), month, int(g["d"]) if g.get("d") else 1), precision, g["text"].strip()
        except ValueError:
            return None
    return None


def read_timeline(text: str, name: str = "<timeline>") -> list[tuple[int, dt.date, str, str]]:
    """``(line number, date, precision, text)`` for each entry of a timeline (CSV or dated lines).

    Raises EventDataError listing every non-empty line that has no date (nothing is skipped silently);
    lines starting with '#' are comments.
    """
    lines = text.splitlines()
    first = next((ln for ln in lines if ln.strip() and not ln.startswith("#")), "")
    header = [c.strip().lower() for c in next(csv.reader([first]))] if first else []
    if "date" in header and any(c in header for c in TEXT_COLUMNS):
        return _read_csv(text, header, name)
    entries, problems = [], []
    for number, line in enumerate(lines, start=1):
        if not line.strip() or line.startswith("#"):
            continue
        parsed = parse_line(line)
        if parsed is None:
            problems.append(Problem(number, None, line.strip()[:60],
                                    "does not start with a date (expected e.g. '2023-06-18 — text', "
                                    "'June 18, 2023: text', 'June 2023: text')"))
        else:
            entries.append((number, *parsed))
    if problems:
        raise EventDataError(name, problems[:50], total=len(problems))
    if not entries:
        raise EventDataError(name, [Problem(None, None, None, "no dated lines found")])
    return entries


def _read_csv(text: str, header: list[str], name: str) -> list[tuple[int, dt.date, str, str]]:
    column = next(c for c in TEXT_COLUMNS if c in header)
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff"), newline=""))
    reader.fieldnames = [f.strip().lower() for f in reader.fieldnames or []]
    entries, problems = [], []
    previous = 1
    for row in reader:
        number, previous = previous + 1, reader.line_num
        raw = (row.get("date") or "").strip()
        parsed = parse_line(f"{raw} x")
        body = (row.get(column) or "").strip()
        if parsed is None:
            problems.append(Problem(number, "date", raw, "is not a date (expected YYYY-MM-DD, YYYY-MM or YYYY)"))
        elif not body:
            problems.append(Problem(number, column, "", "is empty (expected the event text)"))
        else:
            entries.append((number, parsed[0], parsed[1], body))
    if problems:
        raise EventDataError(name, problems[:50], total=len(problems))
    if not entries:
        raise EventDataError(name, [Problem(None, None, None, "the file has a header but no rows")])
    return entries


def type_line(text: str, rules: tuple[Rule, ...]) -> tuple[str | None, tuple[int, int], str | None]:
    """The type of one timeline line: the rule match that comes first in the line (ties: the earlier rule)."""
    spans = detect(text, rules)
    if not spans:
        return None, (0, 0), None
    first = spans[0]
    assert first.rule is not None
    return first.rule.type, (first.start, first.end), first.text


def events_from_timeline(text: str, *, name: str = "<timeline>", source: str | None = None, id_prefix: str = "tl",
                         rules: tuple[Rule, ...] | None = None, gazetteer: tuple[Entry, ...] | None = None
                         ) -> pl.DataFrame:
    """One candidate event per timeline entry (columns as ``events_from_text``; ``sentence_no`` is the line);
    untyped entries have ``type`` null and must be reviewed."""
    rules = rules if rules is not None else load_rules()
    gazetteer = gazetteer if gazetteer is not None else load_gazetteer()
    source = source or f"timeline {name}"
    rows = []
    for number, day, precision, body in read_timeline(text, name):
        mentions = find_mentions(body, gazetteer)
        kind, span, trigger = type_line(body, rules)
        quote = None
        if kind is None:
            quote = find_quotes(body, mentions, None)
            if quote is not None and quote.speaker is not None and quote.speaker.kind != "expert" and quote.text:
                kind, span, trigger = "statement", (quote.start, quote.start + 1), "quoted words"
            else:
                quote = None
        actor, target = choose_parties(span, mentions)
        if quote is not None and quote.speaker is not None:
            actor = quote.speaker
        rows.append({
            "date": day, "type": kind, "actor": actor.actor if actor else None,
            "target": target.actor if target else None,
            "summary": (f"{kind}: {actor.actor if actor else '?'} → {target.actor if target else '?'} "
                        f"(machine-coded from the words '{trigger}')") if kind else
                       "UNTYPED candidate: no rule matched; review and choose a type",
            "statement": quote.text if quote else None, "source": source,
            "salience": actor.salience if actor and actor.kind != "country" else 1.0,
            "date_precision": precision, "date_text": "(timeline date)",
            "speaker": quote.speaker.actor if quote and quote.speaker else None,
            "tone": tone_score(quote.text) if quote else None, "trigger": trigger, "sentence_no": number,
            "sentence": body, "also_in": None,
        })
    return candidates_frame(rows, id_prefix)


def accepted_events(candidates: pl.DataFrame) -> pl.DataFrame:
    """Candidate rows ready for the index: the event columns plus date_precision, sentence and speaker.

    Raises EventDataError naming every row that is untyped, has an unknown type, a missing actor, target or
    date, or is a statement without quoted words; nothing is dropped silently. The ``tone`` column is left out
    so that the index scores statements the same way as the rest of the working set.
    """
    known = set(type_ids())
    problems = []
    for i, row in enumerate(candidates.iter_rows(named=True), start=1):
        label = row.get("id") or f"row {i}"
        kind = row.get("type")
        if kind is None or not str(kind).strip():
            problems.append(Problem(i, "type", label, "is untyped: review it and choose a type, or leave it out"))
        elif kind not in known:
            problems.append(Problem(i, "type", kind, f"is not a known event type ({label})"))
        for col in ("date", "actor", "target", "summary", "source"):
            value = row.get(col)
            if value is None or (isinstance(value, str) and not value.strip()):
                problems.append(Problem(i, col, label, "is empty: fill it in before adding the event"))
        if kind == "statement" and not (row.get("statement") or "").strip():
            problems.append(Problem(i, "statement", label, "a statement event needs the quoted words"))
        salience = row.get("salience")
        if salience is None or not salience > 0:
            problems.append(Problem(i, "salience", label, "must be a positive number"))
    if problems:
        raise EventDataError("candidate events", problems[:50], total=len(problems))
    keep = [c for c in (*OUTPUT_COLUMNS[:9], "date_precision", "speaker", "sentence") if c in candidates.columns]
    return candidates.select(keep).with_columns(pl.col("date").cast(pl.Date), pl.col("salience").cast(pl.Float64))


def accepted_from_review(reviewed: pl.DataFrame) -> pl.DataFrame:
    """The ticked rows of a review table, checked and ready for the index (see ``accepted_events``)."""
    if "accept" not in reviewed.columns:
        raise ValueError("the review table has no 'accept' column")
    ticked = reviewed.filter(pl.col("accept").fill_null(False)).drop("accept")
    if ticked.height == 0:
        raise ValueError("no rows are ticked in the 'accept' column")
    return accepted_events(ticked)


def add_to_working(working: pl.DataFrame, accepted: pl.DataFrame) -> pl.DataFrame:
    """``working`` with ``accepted`` appended (columns aligned by name); the new rows get ids ``importN-001``, ...
    with N the first number not yet used in ``working``, so repeated imports never collide."""
    used = set(working["id"].to_list()) if "id" in working.columns else set()
    n = 1
    while any(i.startswith(f"import{n}-") for i in used if i):
        n += 1
    fresh = accepted.with_columns(pl.Series("id", [f"import{n}-{i:03d}" for i in range(1, accepted.height + 1)],
                                            dtype=pl.String))
    return pl.concat([working, fresh], how="diagonal_relaxed")
