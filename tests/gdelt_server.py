"""A GDELT-like HTTP server on 127.0.0.1 for the tests of fetching, the store and the import page's update action:
fixture exports zipped as GDELT zips them, listed in masterfilelist.txt and lastupdate.txt with sizes and MD5s."""

from __future__ import annotations

import hashlib
import io
import threading
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

STORE_FIX = Path(__file__).resolve().parent / "fixtures" / "gdelt_store"
#: The fixture exports (GDELT 2.0 layout), and one more listed as the newest (not in the tests' days).
EXPORTS = ["20180326044500.export.CSV", "20180326050000.export.CSV", "20180327000000.export.CSV"]
NEWEST = "20180329000000.export.CSV"


class GdeltServer:
    """A GDELT-like HTTP server on 127.0.0.1 (ephemeral port) serving files from memory, with Range requests.

    ``script[path]`` lists what the next requests of a path get, in order: an HTTP status (``404``, ``500``),
    ``"truncate"`` (half the body, then the connection is closed) or ``"no-range"`` (the whole file, Range ignored).
    Every request is recorded as (path, Range header)."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}
        self.script: dict[str, list[int | str]] = {}
        self.requests: list[tuple[str, str | None]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_GET(self) -> None:
                server.requests.append((self.path, self.headers.get("Range")))
                todo = server.script.get(self.path)
                action = todo.pop(0) if todo else None
                if isinstance(action, int):
                    self.send_error(action)
                    return
                body = server.files.get(self.path)
                if body is None:
                    self.send_error(404)
                    return
                wanted = self.headers.get("Range")
                if wanted and action != "no-range":
                    first = int(wanted.removeprefix("bytes=").split("-")[0])
                    if first >= len(body):
                        self.send_response(416)
                        self.send_header("Content-Range", f"bytes */{len(body)}")
                        self.send_header("Content-Length", "0")
                        self.end_headers()
                        return
                    self.send_response(206)
                    self.send_header("Content-Range", f"bytes {first}-{len(body) - 1}/{len(body)}")
                    body = body[first:]
                else:
                    self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if action == "truncate":
                    self.wfile.write(body[: len(body) // 2])
                    self.wfile.flush()
                    self.close_connection = True
                    return
                self.wfile.write(body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base_url = f"http://127.0.0.1:{self.httpd.server_address[1]}/gdeltv2/"

    def add(self, name: str, body: bytes) -> str:
        """Serve ``body`` as ``name`` under the base URL; returns its URL."""
        self.files[f"/gdeltv2/{name}"] = body
        return self.base_url + name

    def paths(self, name: str) -> list[str | None]:
        """The Range headers of the requests made for ``name``."""
        return [r for p, r in self.requests if p == f"/gdeltv2/{name}"]


@contextmanager
def serving() -> Iterator[GdeltServer]:
    """A started GdeltServer, shut down afterwards."""
    server = GdeltServer()
    thread = threading.Thread(target=server.httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.httpd.shutdown()
        server.httpd.server_close()
        thread.join()


def zipped(name: str, data: bytes) -> bytes:
    """``data`` as GDELT zips it: one member, ``name`` without ``.zip`` (fixed time stamp: same bytes each time)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(zipfile.ZipInfo(name, date_time=(2018, 3, 26, 0, 0, 0)), data)
    return buf.getvalue()


def list_line(body: bytes, url: str) -> str:
    return f"{len(body)} {hashlib.md5(body).hexdigest()} {url}\n"


def gdelt_site(server: GdeltServer, *, bad_md5: str | None = None) -> dict[str, bytes]:
    """Serve the fixture exports zipped, with GDELT's lists (mentions and gkg lines included, as GDELT lists them);
    ``bad_md5`` names an export whose listed MD5 is wrong. Returns the zips by name."""
    zips = {}
    master = []
    for csv in [*EXPORTS, NEWEST]:
        source = STORE_FIX / (csv if csv != NEWEST else EXPORTS[-1])
        body = zipped(csv, source.read_bytes())
        name = csv + ".zip"
        zips[name] = body
        line = list_line(body, server.add(name, body))
        if name == bad_md5:
            size, _, url = line.split()
            line = f"{size} {'0' * 32} {url}\n"
        stamp = csv[:14]
        other = zipped("x", b"mentions\n")
        master += [line, list_line(other, server.add(f"{stamp}.mentions.CSV.zip", other)),
                   list_line(other, server.add(f"{stamp}.gkg.csv.zip", other))]
    server.add("masterfilelist.txt", "".join(master).encode())
    server.add("lastupdate.txt", "".join(master[-3:]).encode())
    return zips
