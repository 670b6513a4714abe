"""The GDELT / ICEWS import page, driven with Streamlit's AppTest."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from tension import dashboard as dash

ROOT = Path(__file__).resolve().parent.parent
PAGE = str(ROOT / "pages" / "2_Import_GDELT_or_ICEWS.py")
FIX = ROOT / "tests" / "fixtures"


@pytest.fixture
def app() -> AppTest:
    st.cache_data.clear()
    at = AppTest.from_file(PAGE, default_timeout=30)
    at.run()
    assert not at.exception
    return at


PUNCT = re.escape("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
LITERAL = re.compile(rf"(?:\\:{dash.WORD_JOINER}|\\[{PUNCT}]|[^{PUNCT}\r\n])*")
HOSTILE = "![n](x.png) :red[n] $m$ &lt;b&gt; :smile:\r===.CSV"


def plain(markdown: str) -> str:
    """What a reader sees of markdown made literal by ``dash.md_escape``."""
    return re.sub(r"\\(.)", r"\1", markdown).replace(dash.WORD_JOINER, "")


def shown_literally(markdown: str) -> bool:
    """True when ``markdown`` is all literal text (every markdown character escaped, no line break)."""
    return LITERAL.fullmatch(markdown) is not None


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_page_without_files(app):
    assert app.title[0].value == "Import GDELT or ICEWS"
    assert "Upload one or more files" in app.info[0].value
    assert "tension_events" not in app.session_state


def test_gdelt_upload_and_use(app):
    content = (FIX / "gdelt2_20180326044500.export.CSV").read_bytes()
    app.file_uploader(key="feed_files").upload("20180326044500.export.CSV", content)
    app.run()
    assert not app.exception
    assert metrics(app) == {"Rows read": "1,540", "Dyad rows": "5", "Unmapped codes": "0", "Malformed lines": "0"}
    app.selectbox(key="feed_normalisation").set_value("raw").run()
    app.button(key="feed_use").click().run()
    assert not app.exception
    events = app.session_state["tension_events"]
    assert events.height == 5 and events["salience"].to_list() == [1.0] * 5
    assert app.session_state["tension_events_label"] == "GDELT import (raw): 20180326044500.export.CSV"


def test_malformed_lines_are_shown(app):
    good = (FIX / "gdelt2_20180326044500.export.CSV").read_text(encoding="utf-8").splitlines()
    content = "\n".join([good[394], "broken line", good[1332]]).encode()
    app.file_uploader(key="feed_files").upload("broken.CSV", content)
    app.run()
    assert not app.exception
    assert metrics(app)["Malformed lines"] == "1"
    assert any("broken.CSV line 2: fewer than 61 fields" in t.value for t in app.text)


def test_empty_file_shows_an_error(app):
    app.file_uploader(key="feed_files").upload("empty.CSV", b"")
    app.run()
    assert not app.exception
    assert "empty.CSV: the file is empty" in plain(app.error[0].value)
    assert "tension_events" not in app.session_state


def test_icews_upload(app):
    app.radio(key="feed_kind").set_value("ICEWS").run()
    content = (FIX / "icews05-15_chn_usa.tsv").read_bytes()
    app.file_uploader(key="feed_files").upload("icews05-15_chn_usa.tsv", content)
    app.run()
    assert not app.exception
    assert metrics(app)["Dyad rows"] == "943"
    app.button(key="feed_use").click().run()
    assert app.session_state["tension_events"].height == 943


def test_no_dyad_events_cannot_be_used(app):
    content = (FIX / "gdelt2_20180326044500.export.CSV").read_bytes()
    app.text_input(key="feed_dyad").set_value("CHN,BRA").run()
    app.file_uploader(key="feed_files").upload("x.CSV", content)
    app.run()
    assert not app.exception
    assert "No CHN,BRA events" in plain(app.warning[0].value)
    assert not [b for b in app.button if b.key == "feed_use"]


def test_aggregate_upload_shows_daily_table(app):
    content = (b"day,type,unmapped_code,n_events,mentions,tone_sum,tone_mentions,goldstein_sum\n"
               b"20180326,statement,,2,2,-0.2,-0.2,-0.8\n20180327,accusation,,1,2,-0.1,-0.2,-2.0\n")
    app.file_uploader(key="feed_files").upload("agg.csv", content)
    app.run()
    assert not app.exception
    assert app.subheader[0].value == "A gdelt-sql result: daily table"
    assert "2 days, 3 events." in app.markdown[-1].value


def test_markup_in_a_file_name_is_shown_literally(app):
    app.file_uploader(key="feed_files").upload(HOSTILE, b"")
    app.run()
    assert not app.exception
    error = app.error[0].value
    assert shown_literally(error)
    assert plain(error).startswith("![n](x.png) :red[n] $m$ &lt;b&gt; :smile:")
    assert "the file is empty" in plain(error)


def test_markup_in_a_zip_member_name_and_its_content_is_shown_literally(app):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[x](http://evil.example) `m`.csv", "<img src=x> **not** a GDELT file\t:red[x]\n")
    app.file_uploader(key="feed_files").upload("feed.zip", buffer.getvalue())
    app.run()
    assert not app.exception
    error = app.error[0].value
    assert shown_literally(error) and "[x](http://evil.example) `m`.csv" in plain(error)


def test_markup_in_the_country_pair_is_shown_literally(app):
    app.text_input(key="feed_dyad").set_value("[x](http://evil.example),:red[USA]").run()
    app.file_uploader(key="feed_files").upload("x.CSV", (FIX / "gdelt2_20180326044500.export.CSV").read_bytes())
    app.run()
    assert not app.exception
    assert shown_literally(app.error[0].value) and "[x](http://evil.example)" in plain(app.error[0].value)


def test_a_bad_gdelt_sql_result_is_an_error_not_a_crash(app):
    content = (b"day,type,unmapped_code,n_events,mentions,tone_sum,tone_mentions,goldstein_sum\n"
               b"20180326,![x](http://evil.example/p.png),,2,2,-0.2,-0.2,-0.8\n")
    app.file_uploader(key="feed_files").upload("agg.csv", content)
    app.run()
    assert not app.exception
    error = app.error[0].value
    assert shown_literally(error) and plain(error).startswith("agg.csv: ")
    assert "![x](http://evil.example/p.png)" in plain(error)


def test_imports_are_never_shared_between_sessions(monkeypatch):
    # Worst case of a forged key: every upload gets the same digest. Each session still sees its own files.
    monkeypatch.setattr(dash, "files_digest", lambda files: "0" * 64)
    good = (FIX / "gdelt2_20180326044500.export.CSV").read_bytes()
    first = AppTest.from_file(PAGE, default_timeout=30).run()
    first.file_uploader(key="feed_files").upload("a.CSV", good)
    first.run()
    assert metrics(first)["Dyad rows"] == "5" and metrics(first)["Malformed lines"] == "0"
    lines = good.decode().splitlines()
    second = AppTest.from_file(PAGE, default_timeout=30).run()
    second.file_uploader(key="feed_files").upload("a.CSV", "\n".join([lines[394], "broken line"]).encode())
    second.run()
    assert not second.exception
    assert metrics(second)["Malformed lines"] == "1"


def test_repeated_ids_block_use_until_removed(app):
    """Two copies of one export repeat every event id: the page says so and offers only the explicit removal."""
    content = (FIX / "gdelt2_20180326044500.export.CSV").read_bytes()
    uploader = app.file_uploader(key="feed_files")
    uploader.upload("a.export.CSV", content)
    uploader.upload("b.export.CSV", content)
    app.run()
    assert not app.exception
    assert any("occur more than once" in w.value for w in app.warning)
    assert app.button(key="feed_use").disabled
    app.checkbox(key="feed_dedupe").check().run()
    assert not app.exception
    assert not any("occur more than once" in w.value for w in app.warning)
    assert not app.button(key="feed_use").disabled
    app.button(key="feed_use").click().run()
    assert app.session_state["tension_events"].height == 5


def test_update_from_gdelt_fills_the_store_from_a_mirror(tmp_path, monkeypatch):
    """The page's 'Update from GDELT' action against a loopback mirror: progress, then a summary line; twice in a
    row is refused (GDELT's 15-minute pace), and the store holds the dyad's events once."""
    from tension.sources.store import load_store, read_manifest
    from tests.gdelt_server import EXPORTS, NEWEST, gdelt_site, serving

    with serving() as server:
        gdelt_site(server)
        monkeypatch.setenv("TENSION_GDELT_BASE_URL", server.base_url)
        monkeypatch.setenv("TENSION_GDELT_STORE", str(tmp_path / "store"))
        st.cache_resource.clear()
        at = AppTest.from_file(PAGE, default_timeout=60).run()
        assert not at.exception
        assert "Last updated: never" in at.text[0].value
        at.date_input(key="store_from").set_value(dt.date(2018, 3, 26)).run()
        at.button(key="store_update").click().run()
        assert not at.exception
        done = [s.value for s in at.success]
        assert done and "4 fetched" in plain(done[0]) and "events added" in plain(done[0])
        # the three exports and the newest file (a copy of the last export: its ids are left out, not doubled)
        assert set(read_manifest(tmp_path / "store")["name"]) == {f"{e}.zip" for e in [*EXPORTS, NEWEST]}
        stored = load_store(tmp_path / "store")
        assert stored.height > 0 and stored["id"].is_unique().all()
        at.button(key="store_update").click().run()
        assert any("less than 15 minutes ago" in i.value for i in at.info)
    st.cache_resource.clear()
