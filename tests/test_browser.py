"""The real page in a real browser: Playwright drives Debian's Chromium against ``streamlit run app.py``.

Skips with a reason when Playwright or Chromium is missing, unless TENSION_REQUIRE_BROWSER=1 (set by .ci/run),
in which case it fails. A full-page screenshot is written to artifacts/ (git-ignored).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import ExitStack

import pytest

from tests.browser_support import (
    IDLE,
    INDEX_CHECKSUM_JS,
    ROOT,
    index_checksum,
    launch,
    missing,
    streamlit_server,
    weight_slider,
)

ARTIFACTS = ROOT / "artifacts"
REQUIRED = os.environ.get("TENSION_REQUIRE_BROWSER") == "1"


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    """``streamlit run app.py`` on a free localhost port, stopped at the end of the module."""
    reason = missing()
    if reason:
        if REQUIRED:
            pytest.fail(f"browser test required (TENSION_REQUIRE_BROWSER=1) but {reason}")
        pytest.skip(reason)
    with ExitStack() as stack:
        try:
            url = stack.enter_context(streamlit_server())
        except RuntimeError as exc:  # it did not start: its output is in the message
            pytest.fail(str(exc))
        yield url


@pytest.fixture(scope="module")
def page(server: str):
    """A Chromium page at laptop size with the app loaded and idle."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = launch(pw)
        context = browser.new_context(viewport={"width": 1366, "height": 768}, accept_downloads=True)
        pg = context.new_page()
        pg.goto(server, wait_until="domcontentloaded")
        pg.wait_for_selector(IDLE, timeout=60_000)
        pg.wait_for_selector(".js-plotly-plot", timeout=60_000)
        yield pg
        browser.close()


def _idle(pg) -> None:
    pg.wait_for_timeout(300)
    pg.wait_for_selector(IDLE, timeout=30_000)


def _headline(pg) -> str:
    box = pg.locator("[data-testid='stMetric']").filter(has_text="Index on").first
    return box.locator("[data-testid='stMetricValue']").inner_text()


def test_page_renders_the_chart(page):
    assert page.locator(".js-plotly-plot").first.is_visible()
    assert page.locator(".js-plotly-plot .scatterlayer .trace").count() >= 1
    assert page.get_by_text("China–US relations index, daily").first.is_visible()
    assert re.fullmatch(r"[+-]\d+\.\d\d", _headline(page))
    ARTIFACTS.mkdir(exist_ok=True)
    page.wait_for_timeout(500)
    page.screenshot(path=ARTIFACTS / "dashboard-laptop.png")  # the first screen at 1366×768


def test_keyboard_slider_changes_the_headline(page):
    before = _headline(page)
    slider = page.locator(".st-key-w_sanctions input[type='range']")
    slider.focus()
    slider.press("End")  # to +10
    page.wait_for_function(
        "before => { const m = [...document.querySelectorAll(\"[data-testid='stMetric']\")]"
        ".find(e => e.innerText.includes('Index on'));"
        " return m && !m.innerText.includes(before); }", arg=before, timeout=30_000)
    _idle(page)
    assert float(_headline(page)) > float(before)
    assert "w_sanctions=10" in page.url  # the setting is in the link


def _index_y(pg) -> list[float]:
    """The plotted y values of the index chart's "index" trace."""
    return pg.evaluate("() => Array.from(document.querySelector('.st-key-index_chart .js-plotly-plot')"
                       "._fullData.find(t => t.name === 'index').y, Number)")


def test_weight_slider_key_redraws_the_index_chart(page):
    _idle(page)
    before, values = index_checksum(page), _index_y(page)
    assert before is not None  # the index trace is drawn
    slider = weight_slider(page, "sanctions")
    weight = float(slider.input_value())
    down = weight > float(slider.get_attribute("min"))
    slider.focus()
    slider.press("ArrowLeft" if down else "ArrowRight")  # one step (0.1) of the sanctions weight
    changed = f"before => {{ const now = ({INDEX_CHECKSUM_JS})(); return now !== null && now !== before; }}"
    page.wait_for_function(changed, arg=before, timeout=60_000)
    _idle(page)
    after = _index_y(page)
    assert float(slider.input_value()) == pytest.approx(weight - 0.1 if down else weight + 0.1)
    assert len(after) == len(values)
    # The index is monotone in each weight: a lower sanctions weight lowers no day and some day strictly.
    diffs = [a - b for a, b in zip(after, values)]
    if down:
        assert max(diffs) <= 1e-12 and min(diffs) < 0
    else:
        assert min(diffs) >= -1e-12 and max(diffs) > 0
    assert page.locator(".st-key-index_chart .js-plotly-plot .scatterlayer .trace").count() >= 1


def test_clicking_an_event_selects_the_drivers_day(page):
    marker = page.locator(".js-plotly-plot").first.locator(".cartesianlayer .subplot.xy .scatterlayer path.point").first
    marker.scroll_into_view_if_needed()
    box = marker.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_function("() => location.search.includes('day=')", timeout=30_000)
    _idle(page)
    day = re.search(r"day=(\d{4}-\d{2}-\d{2})", page.url).group(1)
    # The drivers section's day picker (key "day") shows the clicked day, whatever its display format.
    shown = page.locator(".st-key-day input").first.input_value()
    assert re.sub(r"\D", "", shown) == day.replace("-", "")


# JavaScript: the screen centre of the event marker drawn for one day (its calcdata x is that day's UTC midnight).
MARKER_AT_JS = """(iso) => {
  const t = Date.parse(iso + "T00:00:00Z");
  for (const el of document.querySelectorAll(".st-key-index_chart .scatterlayer .trace path.point")) {
    const d = el.__data__;
    if (d && Math.abs(d.x - t) < 1) { const r = el.getBoundingClientRect();
      return {x: r.x + r.width / 2, y: r.y + r.height / 2, opacity: getComputedStyle(el).opacity}; }
  }
  return null;
}"""


def test_the_balloon_marker_selects_its_day_and_markers_stay_visible(page, server):
    """A click on the 2023-02-04 balloon marker selects that day (not a neighbour a pixel away); no marker is left
    faded; two clicks set the change window, and the change panel shows it."""
    # Default weights: an earlier test raised the sanctions weight, which makes the 2023-02-16 sanctions marker
    # (2.5 px away) the largest under the cursor, and a click picks the largest of overlapping markers.
    page.goto(server, wait_until="domcontentloaded")
    page.wait_for_selector(".js-plotly-plot", timeout=60_000)
    _idle(page)
    page.locator(".st-key-index_chart").scroll_into_view_if_needed()
    balloon = page.evaluate(MARKER_AT_JS, "2023-02-04")
    assert balloon is not None, "no event marker drawn for 2023-02-04"
    page.mouse.move(balloon["x"], balloon["y"])
    page.mouse.click(balloon["x"], balloon["y"])
    page.wait_for_function("() => location.search.includes('day=2023-02-04')", timeout=30_000)
    _idle(page)
    shown = page.locator(".st-key-day input").first.input_value()
    assert re.sub(r"\D", "", shown) == "20230204"
    page.wait_for_function(MARKER_AT_JS.replace("(iso) =>", "() => ((iso) =>") + ")('2023-02-04')", timeout=30_000)
    after = page.evaluate(MARKER_AT_JS, "2023-02-04")
    others = page.evaluate("""() => [...document.querySelectorAll(
        ".st-key-index_chart .scatterlayer .trace path.point")].map(el => Number(getComputedStyle(el).opacity))""")
    assert min(others) >= 0.5, "markers left faded after a click"
    pelosi = page.evaluate(MARKER_AT_JS, "2022-08-02")
    assert pelosi is not None and after is not None
    page.mouse.move(pelosi["x"], pelosi["y"])
    page.mouse.click(pelosi["x"], pelosi["y"])
    # Pelosi's visit and China's answers (drills, sanctions, suspensions) lie a few days and less than a pixel
    # apart at this zoom: a click there picks the largest of the overlapping markers, which may be a day or two later.
    page.wait_for_function("() => /day=2022-08-0[2-6]/.test(location.search)", timeout=30_000)
    picked = re.search(r"day=(2022-08-0[2-6])", page.url).group(1)
    _idle(page)
    heading = page.get_by_role("heading", name="What moved it")
    assert heading.count() >= 1
    page.get_by_text(f"Index {picked} → 2023-02-04").first.wait_for(timeout=30_000)


def test_csv_download_arrives(page, tmp_path):
    page.get_by_role("tab", name="Settings and downloads").click()
    button = page.get_by_role("button", name="Daily index with contributions (CSV)")
    with page.expect_download(timeout=30_000) as info:
        button.click()
    download = info.value
    assert re.fullmatch(r"tension-index-\d{4}-\d{2}-\d{2}-[0-9a-f]{8}\.csv", download.suggested_filename)
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    header = target.read_text(encoding="utf-8").splitlines()[0]
    assert header.startswith("date,n_events,shock,raw,index,level,contrib_talks")


def test_full_page_screenshot(page):
    height = page.evaluate(
        "Math.max(...['stMain', 'stSidebarContent'].map(id => {"
        " const e = document.querySelector(`[data-testid='${id}']`); return e ? e.scrollHeight : 0; }))")
    page.set_viewport_size({"width": 1366, "height": max(768, min(int(height), 10_000))})
    _idle(page)
    page.screenshot(path=ARTIFACTS / "dashboard-full.png", full_page=True)
    assert (ARTIFACTS / "dashboard-full.png").stat().st_size > 10_000
