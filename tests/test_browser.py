"""The real page in a real browser: Playwright drives Debian's Chromium against ``streamlit run app.py``.

Skips with a reason when Playwright or Chromium is missing, unless TENSION_REQUIRE_BROWSER=1 (set by .ci/run),
in which case it fails. A full-page screenshot is written to artifacts/ (git-ignored).
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "artifacts"
CHROMIUM = os.environ.get("TENSION_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"
REQUIRED = os.environ.get("TENSION_REQUIRE_BROWSER") == "1"


def _missing() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the Python package 'playwright' is not installed (pip install -r requirements-dev.txt)"
    if not Path(CHROMIUM).exists():
        return f"no Chromium at {CHROMIUM} (apt-get install -y chromium, or set TENSION_CHROMIUM)"
    return None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    """``streamlit run app.py`` on a free localhost port, stopped at the end of the module."""
    reason = _missing()
    if reason:
        if REQUIRED:
            pytest.fail(f"browser test required (TENSION_REQUIRE_BROWSER=1) but {reason}")
        pytest.skip(reason)
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as resp:
                    if resp.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                out = proc.stdout.read().decode(errors="replace") if proc.poll() is not None else ""
                pytest.fail(f"streamlit did not start on {url}: {out[-2000:]}")
            time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if proc.stdout:
            proc.stdout.close()


@pytest.fixture(scope="module")
def page(server: str):
    """A Chromium page at laptop size with the app loaded and idle."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM,
                                     args=["--no-sandbox", "--disable-background-networking"])
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


def test_clicking_an_event_selects_the_drivers_day(page):
    marker = page.locator(".js-plotly-plot").first.locator(".cartesianlayer .subplot.xy .scatterlayer path.point").first
    marker.scroll_into_view_if_needed()
    box = marker.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_function("() => location.search.includes('day=')", timeout=30_000)
    _idle(page)
    day = re.search(r"day=(\d{4}-\d{2}-\d{2})", page.url).group(1)
    assert page.get_by_text(f"Largest contributions on {day}").first.is_visible()


def test_csv_download_arrives(page, tmp_path):
    page.get_by_role("tab", name="Downloads").click()
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
