"""The bundled record in data/ loads cleanly and every event is sourced."""

from pathlib import Path

import polars as pl

from tension import compute_index, load_events
from tension.taxonomy import type_ids

DATA = Path(__file__).resolve().parent.parent / "data" / "events.csv"


def test_bundled_record_loads_with_unique_ids_and_sources():
    ev = load_events(DATA)
    assert ev.height > 0
    assert ev["id"].n_unique() == ev.height
    assert ev.filter(pl.col("source").str.strip_chars() == "").height == 0
    assert set(ev["type"]) <= set(type_ids())


def test_quotes_have_speakers():
    ev = load_events(DATA)
    quoted = ev.filter(pl.col("statement").is_not_null())
    assert quoted.filter(pl.col("speaker").str.strip_chars() == "").height == 0


def test_seed_article_events_present():
    ev = load_events(DATA)
    dated = {(str(d), t) for d, t in ev.select("date", "type").iter_rows()}
    for day, kind in [("2023-02-03", "cancellation"), ("2023-05-10", "talks"), ("2023-06-14", "phone_call"),
                      ("2022-08-02", "sovereignty_dispute"), ("2018-09-20", "sanctions"), ("2023-06-18", "visit")]:
        assert (day, kind) in dated


def test_default_index_runs_on_bundled_record():
    out = compute_index(load_events(DATA))
    assert out["index"].abs().max() < 10
