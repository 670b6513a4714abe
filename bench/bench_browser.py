"""What the user meets: the dashboard timed end to end in Chromium (Playwright), printing figures (no assertions).

Run from the repository root: ``python bench/bench_browser.py [--moves 10] [--loads 3] [--url URL] [--json]``.
Starts ``streamlit run app.py`` on a free localhost port (or benches ``--url``), warms the server with one page
load, then measures at 1366×900 (``--phone``: 390×844):

- first chart paint: in a fresh browser context, milliseconds from navigation start until the index chart
  (key ``index_chart``) has its ``index`` trace in ``_fullData`` and a drawn SVG trace or WebGL canvas;
- slider → chart: key presses on the focused ``w_sanctions`` slider, in two series of ``--moves`` each: "fresh"
  (ArrowRight: every value new) and "alternate" (ArrowRight / ArrowLeft: each value was seen two reruns ago, so
  Streamlit's message cache answers for the large elements); milliseconds from the keydown until the plotted index
  values change (a checksum of the y values), and until the script is idle again;
- bytes the server sends per slider rerun: websocket frames received between the key press and idle.

Times are read in the page (``performance.now()`` in a requestAnimationFrame loop), so Playwright's round trips are
not counted. Playwright drives Debian's Chromium (``/usr/bin/chromium`` or ``$TENSION_CHROMIUM``); it never
downloads a browser. See docs/bench.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from importlib import metadata
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.browser_support import (  # noqa: E402  (after the path is set)
    IDLE,
    INDEX_CHECKSUM_JS,
    launch,
    missing,
    streamlit_server,
    weight_slider,
)

SLIDER = "sanctions"  # the weight slider that is moved (key w_sanctions)
LAPTOP = (1366, 900)
PHONE = (390, 844)
TIMEOUT_MS = 120_000  # generous: the machine may be shared
PATTERNS = {
    "fresh": "every value new (ArrowRight)",
    "alternate": "ArrowRight/ArrowLeft alternately (values seen 2 reruns ago: Streamlit's message cache)",
}
LOAD_FIGURES = ("fcp_ms", "frame_ms", "chart_ms", "last_ms", "idle_ms", "bytes", "frames", "http_bytes")
MOVE_FIGURES = ("send_ms", "frame_ms", "last_ms", "chart_ms", "idle_ms", "bytes", "frames")

# Installed before any page script: counts what the page's websockets receive (frames, bytes) and notes the first
# frame sent, the first and the last frame received (``firstSend`` and ``firstFrame`` are reset at a key press).
# The counting sits in the page, so it lines up exactly with the page's own timeline; Playwright's framereceived
# events are a cross-check (they reach Python late on a loaded machine).
WS_COUNTER_JS = """(() => {
  const Native = window.WebSocket;
  const ws = window.__tensionWs = {frames: 0, bytes: 0, firstSend: null, firstFrame: null, lastFrame: null};
  class Counted extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener("message", event => {
        const data = event.data;
        ws.frames += 1;
        ws.bytes += typeof data === "string" ? new TextEncoder().encode(data).length : (data.byteLength ?? data.size);
        ws.lastFrame = performance.now();
        if (ws.firstFrame === null) ws.firstFrame = ws.lastFrame;
      });
    }
    send(data) {
      if (ws.firstSend === null) ws.firstSend = performance.now();
      return super.send(data);
    }
  }
  window.WebSocket = Counted;
})();"""

# Installed before any page script: records when the index chart is first drawn and when the script is then idle.
FIRST_PAINT_JS = f"""(() => {{
  const checksum = {INDEX_CHECKSUM_JS};
  const out = window.__tensionLoad = {{chart: null, idle: null, first: null, last: null, bytes: null, frames: null}};
  const tick = () => {{
    if (out.chart === null && checksum() !== null) out.chart = performance.now();
    if (out.chart !== null && out.idle === null && document.querySelector("{IDLE}")) {{
      out.idle = performance.now();
      out.first = window.__tensionWs.firstFrame;
      out.last = window.__tensionWs.lastFrame;
      out.bytes = window.__tensionWs.bytes;
      out.frames = window.__tensionWs.frames;
    }}
    if (out.idle === null) requestAnimationFrame(tick);
  }};
  requestAnimationFrame(tick);
}})();"""

# Armed just before a key press: records the keydown, the first frame sent and received after it, the first
# animation frame with new index values on the chart, then idle with the websocket bytes and frames received since.
ARM_MOVE_JS = f"""() => {{
  const checksum = {INDEX_CHECKSUM_JS};
  const ws = window.__tensionWs;
  const out = window.__tensionMove = {{before: checksum(), key: null, send: null, frame: null, last: null,
                                      chart: null, idle: null, bytes: null, frames: null}};
  document.addEventListener("keydown", () => {{
    if (out.key !== null) return;
    out.key = performance.now();
    ws.firstSend = ws.firstFrame = null;
    out.bytes = -ws.bytes;
    out.frames = -ws.frames;
  }}, {{capture: true, once: true}});
  const tick = () => {{
    if (out.key !== null && out.chart === null) {{
      const now = checksum();
      if (now !== null && now !== out.before) out.chart = performance.now();
    }}
    if (out.chart !== null && out.idle === null && document.querySelector("{IDLE}")) {{
      out.idle = performance.now();
      out.send = ws.firstSend;
      out.frame = ws.firstFrame;
      out.last = ws.lastFrame;
      out.bytes += ws.bytes;
      out.frames += ws.frames;
    }}
    if (out.idle === null) requestAnimationFrame(tick);
  }};
  requestAnimationFrame(tick);
  return out.before;
}}"""


def machine() -> dict[str, Any]:
    """CPU count, CPU model, RAM and software versions of this machine."""
    model = "unknown"
    ram = None
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                ram = round(int(line.split()[1]) / 2**20, 1)
                break
    except OSError:
        pass
    import streamlit

    return {"nproc": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
            "cpu_model": model, "ram_gib": ram, "load_avg": [round(x, 2) for x in os.getloadavg()],
            "python": platform.python_version(), "streamlit": streamlit.__version__,
            "playwright": metadata.version("playwright")}


def new_context(browser: Any, size: tuple[int, int], phone: bool) -> Any:
    """A fresh browser context (no cache, no cookies) at ``size`` with the websocket counter installed; touch and a
    mobile viewport with ``phone``."""
    context = browser.new_context(viewport={"width": size[0], "height": size[1]}, is_mobile=phone, has_touch=phone)
    context.add_init_script(WS_COUNTER_JS)
    return context


def open_app(page: Any, url: str) -> None:
    """Load the app and wait until the index chart is drawn and the script is idle."""
    page.goto(url, wait_until="domcontentloaded", timeout=TIMEOUT_MS)
    page.wait_for_function(INDEX_CHECKSUM_JS, timeout=TIMEOUT_MS)
    page.wait_for_selector(IDLE, timeout=TIMEOUT_MS)


def first_paint(browser: Any, url: str, size: tuple[int, int], phone: bool) -> dict[str, float | None]:
    """One load in a fresh context: ms from navigation start to first contentful paint, the first websocket frame
    received, the index chart drawn with its data, the last frame received and the script idle; websocket bytes and
    frames received until idle; HTTP bytes transferred and the largest file (name, bytes as sent, loaded at)."""
    context = new_context(browser, size, phone)
    try:
        context.add_init_script(FIRST_PAINT_JS)
        page = context.new_page()
        page.goto(url, wait_until="domcontentloaded", timeout=TIMEOUT_MS)
        page.wait_for_function("() => window.__tensionLoad && window.__tensionLoad.idle !== null",
                               timeout=TIMEOUT_MS)
        return page.evaluate("""() => {
          const fcp = performance.getEntriesByName("first-contentful-paint")[0];
          const load = window.__tensionLoad;
          const files = performance.getEntriesByType("resource").concat(performance.getEntriesByType("navigation"));
          const big = files.reduce((a, b) => (b.encodedBodySize > a.encodedBodySize ? b : a));
          return {fcp_ms: fcp ? fcp.startTime : null, frame_ms: load.first, chart_ms: load.chart,
                  last_ms: load.last, idle_ms: load.idle, bytes: load.bytes, frames: load.frames,
                  http_bytes: files.reduce((sum, f) => sum + f.transferSize, 0),
                  largest: {name: big.name.split("/").pop(), bytes: big.encodedBodySize, end_ms: big.responseEnd}};
        }""")
    finally:
        context.close()


class FrameCounter:
    """Counts the websocket frames (and their bytes) a page receives, through Playwright's framereceived events."""

    def __init__(self) -> None:
        self.frames = 0
        self.bytes = 0

    def attach(self, page: Any) -> None:
        """Count every websocket the page opens from now on (attach before the page is loaded)."""
        page.on("websocket", lambda ws: ws.on("framereceived", self._received))

    def _received(self, payload: bytes | str) -> None:
        self.frames += 1
        self.bytes += len(payload.encode() if isinstance(payload, str) else payload)


def open_sidebar(page: Any) -> None:
    """Expand the sidebar when it starts collapsed (narrow screens), so its sliders can take focus."""
    if not page.locator("[data-testid='stSidebar'][data-collapsed='true']").count():
        return
    page.locator("[data-testid='stExpandSidebarButton']").first.click()
    page.wait_for_selector("[data-testid='stSidebar'][data-collapsed='false']", timeout=TIMEOUT_MS)
    page.wait_for_timeout(500)  # the slide-in animation


def slider_keys(value: float, low: float, high: float, step: float, moves: int, pattern: str) -> list[str]:
    """The key presses of one series from ``value``. ``fresh``: ArrowRight, turning back at a bound (every value
    new); ``alternate``: ArrowRight and ArrowLeft in turn. Either starts with ArrowLeft at the top."""
    direction = -1 if value + step > high + 1e-9 else 1
    keys = []
    for _ in range(moves):
        if not low - 1e-9 <= value + direction * step <= high + 1e-9:
            direction = -direction
        keys.append("ArrowRight" if direction > 0 else "ArrowLeft")
        value += direction * step
        if pattern == "alternate":
            direction = -direction
    return keys


def slider_moves(page: Any, moves: int, pattern: str, type_id: str = SLIDER) -> list[dict[str, Any]]:
    """``moves`` key presses on the weight slider (see slider_keys). Per move, ms from the keydown to the rerun
    request sent, the first and last frame received, new index values drawn and idle; bytes and frames received."""
    open_sidebar(page)
    slider = weight_slider(page, type_id)
    slider.focus()
    value, low, high, step = slider.evaluate(
        "e => ['value', 'min', 'max', 'step'].map(a => Number(e[a] ?? e.getAttribute('aria-' + a)))")
    results = []
    for key in slider_keys(value, low, high, step, moves, pattern):
        page.wait_for_selector(IDLE, timeout=TIMEOUT_MS)
        page.wait_for_timeout(300)  # a pause between moves, as a user's
        page.evaluate(ARM_MOVE_JS)
        slider.press(key)
        page.wait_for_function("() => window.__tensionMove.idle !== null", timeout=TIMEOUT_MS)
        t = page.evaluate("() => window.__tensionMove")
        since = {name: None if t[name] is None else t[name] - t["key"]
                 for name in ("send", "frame", "last", "chart", "idle")}
        results.append({"key": key, **{f"{name}_ms": v for name, v in since.items()},
                        "bytes": t["bytes"], "frames": t["frames"]})
    return results


def cross_check(page: Any, counter: FrameCounter) -> dict[str, int]:
    """Websocket totals of the page as counted in the page and by Playwright, once Playwright has caught up."""
    inside = page.evaluate("() => ({frames: window.__tensionWs.frames, bytes: window.__tensionWs.bytes})")
    for _ in range(120):
        if counter.frames >= inside["frames"]:
            break
        page.wait_for_timeout(250)  # Playwright's events are delivered while it waits
    return {"page_frames": inside["frames"], "page_bytes": inside["bytes"],
            "playwright_frames": counter.frames, "playwright_bytes": counter.bytes}


def summary(values: list[float | None]) -> dict[str, float]:
    """Median and max of the values that are not None (none → an empty dict)."""
    found = [v for v in values if v is not None]
    return {"median": statistics.median(found), "max": max(found)} if found else {}


def upload(page: Any, path: Path) -> float:
    """Upload an events CSV through the sidebar and wait until the chart shows it; returns the seconds it took."""
    before = page.evaluate(INDEX_CHECKSUM_JS)
    open_sidebar(page)
    start = time.perf_counter()
    page.locator(".st-key-upload input[type=file]").set_input_files(str(path))
    page.wait_for_function(f"() => {{ const c = ({INDEX_CHECKSUM_JS})(); return c !== null && c !== {before!r}; }}",
                           timeout=TIMEOUT_MS)
    page.wait_for_selector(IDLE, timeout=TIMEOUT_MS)
    return time.perf_counter() - start


def run(url: str, *, moves: int, loads: int, size: tuple[int, int], phone: bool, patterns: list[str],
        screenshot: Path | None, events: Path | None = None, type_id: str = SLIDER) -> dict[str, Any]:
    """Warm the server, then time ``loads`` first paints in fresh contexts and ``moves`` slider moves per pattern."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = launch(pw)
        try:
            warm = new_context(browser, size, phone)
            open_app(warm.new_page(), url)  # the server's caches are filled; not timed
            warm.close()
            paints = [first_paint(browser, url, size, phone) for _ in range(loads)]
            context = new_context(browser, size, phone)
            page = context.new_page()
            counter = FrameCounter()
            counter.attach(page)
            open_app(page, url)
            uploaded = upload(page, events) if events else None
            if screenshot:
                screenshot.parent.mkdir(parents=True, exist_ok=True)
                page.wait_for_timeout(500)
                page.screenshot(path=screenshot)
            series = {pattern: slider_moves(page, moves, pattern, type_id) for pattern in patterns}
            check = cross_check(page, counter)
            version = browser.version
        finally:
            browser.close()
    return {
        "chromium": version, "viewport": list(size), "phone": phone,
        "upload": {"file": str(events), "seconds": uploaded} if events else None,
        "first_paint": {"runs": paints, **{key: summary([p[key] for p in paints])
                                           for key in LOAD_FIGURES}},
        "slider": {pattern: {"slider": f"w_{type_id}", "runs": rows,
                             **{key: summary([r[key] for r in rows]) for key in MOVE_FIGURES}}
                   for pattern, rows in series.items()},
        "websocket_cross_check": check,
    }


def report(result: dict[str, Any]) -> str:
    """The human-readable figures."""
    m = result["machine"]
    fp, check = result["first_paint"], result["websocket_cross_check"]
    w, h = result["viewport"]

    def ms(s: dict[str, float]) -> str:
        return f"median {s['median']:6.0f} ms, max {s['max']:6.0f} ms" if s else "not reached"

    def kb(s: dict[str, float], frames: dict[str, float]) -> str:
        return f"median {s['median'] / 1000:8,.1f} kB ({frames['median']:.0f} frames), max {s['max'] / 1000:,.1f} kB"

    per_load = ", ".join(f"{p['chart_ms']:.0f}" for p in fp["runs"])
    big = fp["runs"][-1]["largest"]
    lines = [
        f"tension browser benchmark · {result['when']}",
        f"machine: {m['nproc']} CPUs ({m['cpu_model']}), {m['ram_gib']} GiB RAM, load average "
        f"{' '.join(map(str, m['load_avg']))} at start",
        f"software: Chromium {result['chromium']}, Streamlit {m['streamlit']}, Playwright {m['playwright']}, "
        f"Python {m['python']}",
        f"app: {result['url']} ({'given' if result['given_url'] else 'started here'}); viewport {w}×{h}"
        f"{' (phone)' if result['phone'] else ''}",
        *([f"uploaded {result['upload']['file']}: chart shows it {result['upload']['seconds']:.1f} s after the "
           "file is set; the slider series below run on it"] if result.get("upload") else []),
        "",
        f"first chart paint, fresh browser context, warm server ({len(fp['runs'])} loads, from navigation start):",
        f"  first contentful paint          {ms(fp['fcp_ms'])}",
        f"  first frame received            {ms(fp['frame_ms'])}",
        f"  index chart drawn with data     {ms(fp['chart_ms'])}",
        f"  last frame received             {ms(fp['last_ms'])}",
        f"  script idle                     {ms(fp['idle_ms'])}",
        f"  per load (chart drawn, ms)      {per_load}",
        f"  websocket received until idle   {kb(fp['bytes'], fp['frames'])}",
        f"  HTTP transferred (no cache)     median {fp['http_bytes']['median'] / 1000:8,.1f} kB; largest file "
        f"{big['name']} ({big['bytes'] / 1000:,.1f} kB as sent, loaded at {big['end_ms']:.0f} ms)",
    ]
    for pattern, sl in result["slider"].items():
        per_move = ", ".join(f"{r['chart_ms']:.0f}" for r in sl["runs"])
        lines += [
            "",
            f"slider → chart, {PATTERNS[pattern]} ({sl['slider']}, {len(sl['runs'])} moves, from keydown):",
            f"  rerun request sent              {ms(sl['send_ms'])}",
            f"  first frame received            {ms(sl['frame_ms'])}",
            f"  chart shows the new values      {ms(sl['chart_ms'])}",
            f"  last frame received             {ms(sl['last_ms'])}",
            f"  script idle                     {ms(sl['idle_ms'])}",
            f"  per move (chart, ms)            {per_move}",
            f"  received per rerun              {kb(sl['bytes'], sl['frames'])}",
        ]
    lines += [
        "",
        f"websocket totals of the slider page: {check['page_frames']} frames, {check['page_bytes']:,} B counted in "
        f"the page; {check['playwright_frames']} frames, {check['playwright_bytes']:,} B seen by Playwright",
    ]
    return "\n".join(lines)


@contextmanager
def app_url(url: str | None, port: int | None) -> Iterator[str]:
    """``url`` as given, or a ``streamlit run app.py`` started here for the duration."""
    with nullcontext(url) if url else streamlit_server(port) as found:
        yield found


def main(argv: list[str] | None = None) -> int:
    """Parse the options, run the benchmark, print the figures (text or JSON)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--moves", type=int, default=10,
                        help="slider key presses to time per series (default 10, at least 1)")
    parser.add_argument("--loads", type=int, default=3, help="fresh-context page loads to time (default 3)")
    parser.add_argument("--port", type=int, help="port for the app started here (default: a free one)")
    parser.add_argument("--url", help="bench an already running app at this URL instead of starting one")
    parser.add_argument("--width", type=int, help=f"viewport width (default {LAPTOP[0]}, {PHONE[0]} with --phone)")
    parser.add_argument("--height", type=int, help=f"viewport height (default {LAPTOP[1]}, {PHONE[1]} with --phone)")
    parser.add_argument("--phone", action="store_true", help="a phone: 390×844, touch, mobile viewport")
    parser.add_argument("--screenshot", type=Path, metavar="PATH", help="save a screenshot after the page has loaded")
    parser.add_argument("--pattern", choices=["both", *PATTERNS], default="both",
                        help="slider series: fresh (each move to a new value), alternate (back and forth), or both")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--upload", type=Path, metavar="CSV",
                        help="upload this events CSV in the sidebar first; the slider series then run on it")
    parser.add_argument("--slider", default=SLIDER, metavar="TYPE",
                        help=f"the event type whose weight slider is moved (default {SLIDER}; pick one the data has)")
    args = parser.parse_args(argv)
    if args.moves < 1 or args.loads < 1:
        parser.error("--moves and --loads must be at least 1")
    if args.url and args.port:
        parser.error("--port starts an app here; it cannot be combined with --url")
    reason = missing()
    if reason:
        print(f"cannot run the browser benchmark: {reason}", file=sys.stderr)
        return 2
    default = PHONE if args.phone else LAPTOP
    size = (args.width or default[0], args.height or default[1])
    info = machine()
    with app_url(args.url, args.port) as url:
        patterns = list(PATTERNS) if args.pattern == "both" else [args.pattern]
        result = run(url, moves=args.moves, loads=args.loads, size=size, phone=args.phone, patterns=patterns,
                     screenshot=args.screenshot, events=args.upload, type_id=args.slider)
    result = {"when": dt.datetime.now().isoformat(timespec="seconds"), "url": url, "given_url": bool(args.url),
              "machine": info, **result}
    print(json.dumps(result, indent=2) if args.json else report(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
