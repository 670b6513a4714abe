"""Shared by tests/test_browser.py and bench/bench_browser.py: start ``streamlit run app.py``, launch Chromium.

Playwright drives Debian's Chromium (``/usr/bin/chromium`` or ``$TENSION_CHROMIUM``); it never downloads a browser.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("TENSION_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking"]
IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"
INDEX_CHART = ".st-key-index_chart .js-plotly-plot"

# JavaScript: a checksum of the plotted y values of the index chart's "index" trace, or null while it is not drawn
# (no chart div, no trace named "index", or no drawn SVG trace / WebGL canvas yet). Plotly decodes base64 typed
# arrays into _fullData, so the checksum reads the values the user sees.
INDEX_CHECKSUM_JS = """() => {
  const gd = document.querySelector(".st-key-index_chart .js-plotly-plot");
  if (!gd || !gd._fullData) return null;
  const trace = gd._fullData.find(t => t.name === "index");
  if (!trace || !trace.y || !trace.y.length) return null;
  if (!gd.querySelector(".scatterlayer .trace, canvas.gl-canvas-context, .gl-container canvas")) return null;
  let sum = 0;
  for (let i = 0; i < trace.y.length; i++) sum += (i % 97 + 1) * Number(trace.y[i]);
  return trace.y.length + ":" + sum.toFixed(6);
}"""


def missing() -> str | None:
    """Why the browser cannot run here (no Playwright package, no Chromium), or None when it can."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the Python package 'playwright' is not installed (pip install -r requirements-dev.txt)"
    if not Path(CHROMIUM).exists():
        return f"no Chromium at {CHROMIUM} (apt-get install -y chromium, or set TENSION_CHROMIUM)"
    return None


def free_port() -> int:
    """A TCP port that is free on localhost right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def streamlit_server(port: int | None = None, *, timeout: float = 90.0) -> Iterator[str]:
    """``streamlit run app.py`` (headless) on ``port`` (a free one by default); yields its URL, stops it on exit.
    Raises RuntimeError with the server's output when it does not answer its health check within ``timeout``."""
    port = port or free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.fileWatcherType", "none", "--browser.gatherUsageStats", "false"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while not healthy(url):
            if proc.poll() is not None or time.monotonic() > deadline:
                out = proc.stdout.read().decode(errors="replace") if proc.poll() is not None and proc.stdout else ""
                raise RuntimeError(f"streamlit did not start on {url}: {out[-2000:]}")
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


def healthy(url: str) -> bool:
    """True when the Streamlit server at ``url`` answers its health check."""
    try:
        with urllib.request.urlopen(f"{url.rstrip('/')}/_stcore/health", timeout=2) as resp:
            return resp.status == 200
    except OSError:
        return False


def launch(pw: Any) -> Any:
    """Debian's Chromium, headless, through a started ``sync_playwright()`` instance (never a downloaded browser)."""
    return pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def index_checksum(page: Any) -> str | None:
    """The checksum of the index chart's plotted index values (see INDEX_CHECKSUM_JS), None while not drawn."""
    return page.evaluate(INDEX_CHECKSUM_JS)


def weight_slider(page: Any, type_id: str) -> Any:
    """The keyboard-focusable control of the weight slider ``w_<type_id>`` in the sidebar."""
    box = page.locator(f"[data-testid='stSidebar'] .st-key-w_{type_id}")
    return box.locator("input[type='range'], [role='slider']").first
