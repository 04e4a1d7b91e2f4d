"""A real HTTP server on 127.0.0.1 serving fixture feeds and misbehaving pages."""

from __future__ import annotations

import functools
import gzip
import hashlib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

FEEDS = Path(__file__).resolve().parent.parent / "data" / "feeds"
LAST_MODIFIED = "Fri, 15 Mar 2024 12:00:00 GMT"
ROBOTS = b"User-agent: *\nDisallow: /private/\n"
# The server runs on 127.0.0.1, an internal address the crawler refuses unless it is
# allowed (MARSAD_ALLOW_PRIVATE_HOSTS): fetchers of these tests opt in with this list.
LOCAL = ("127.0.0.1", "localhost")

ARTICLE_HTML = """<!doctype html><html lang="ar" dir="rtl"><head><meta charset="utf-8">
<title>{title}</title></head><body><article><h1>{title}</h1>
<p>موسكو| قال وزير الخارجية الروسي سيرغي لافروف إن بلاده مستعدة للحوار.</p>
</article></body></html>"""

Route = Callable[["Handler"], None]


@dataclass
class Hit:
    path: str
    headers: dict[str, str]


@dataclass
class LocalServer:
    """Routes by exact path; every request is recorded in ``hits``."""

    httpd: ThreadingHTTPServer
    routes: dict[str, Route] = field(default_factory=dict)
    hits: list[Hit] = field(default_factory=list)
    counters: dict[str, int] = field(default_factory=dict)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_port}"

    def url(self, path: str) -> str:
        return self.base + path

    def route(self, path: str) -> Callable[[Route], Route]:
        def register(fn: Route) -> Route:
            self.routes[path] = fn
            return fn

        return register

    def count(self, path: str) -> int:
        return sum(1 for hit in self.hits if hit.path == path)


class Handler(BaseHTTPRequestHandler):
    server_version = "marsad-test"
    protocol_version = "HTTP/1.0"

    @property
    def app(self) -> LocalServer:
        return self.server.app  # type: ignore[attr-defined]

    def do_GET(self) -> None:  # noqa: N802 - http.server API
        self.app.hits.append(Hit(self.path, {k.lower(): v for k, v in self.headers.items()}))
        route = self.app.routes.get(self.path.split("?")[0])
        try:
            if route is None:
                send(self, 404, "غير موجود".encode())
            else:
                route(self)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up on purpose (size caps, timeouts)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


def send(
    handler: BaseHTTPRequestHandler,
    status: int,
    body: bytes = b"",
    headers: dict[str, str] | None = None,
    length: bool = True,
) -> None:
    handler.send_response(status)
    for name, value in (headers or {}).items():
        handler.send_header(name, value)
    if length:
        handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


def serve_file(name: str, *, etag: bool = True, last_modified: bool = True) -> Route:
    """A static feed honouring If-None-Match / If-Modified-Since."""
    body = (FEEDS / name).read_bytes()
    tag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'

    def route(h: Handler) -> None:
        if etag and h.headers.get("If-None-Match") == tag:
            send(h, 304, headers={"ETag": tag})
            return
        if last_modified and h.headers.get("If-Modified-Since") == LAST_MODIFIED:
            send(h, 304)
            return
        headers = {"Content-Type": "application/rss+xml; charset=utf-8"}
        if name.endswith("cp1256.xml"):
            headers["Content-Type"] = "application/rss+xml; charset=windows-1256"
        if etag:
            headers["ETag"] = tag
        if last_modified:
            headers["Last-Modified"] = LAST_MODIFIED
        send(h, 200, body, headers)

    return route


@functools.cache
def _huge() -> bytes:
    return b"x" * (6 * 1024 * 1024)


@functools.cache
def _bomb() -> bytes:
    """About 64 KB on the wire, 64 MB once decompressed."""
    return gzip.compress(b"\0" * (64 * 1024 * 1024), compresslevel=9)


def default_routes(app: LocalServer) -> None:
    r = app.routes
    r["/robots.txt"] = lambda h: send(h, 200, ROBOTS, {"Content-Type": "text/plain"})
    for feed in FEEDS.iterdir():
        r[f"/feeds/{feed.name}"] = serve_file(feed.name)
    r["/lm-only/rss20.xml"] = serve_file("rss20.xml", etag=False)
    r["/page"] = lambda h: send(
        h, 200, ARTICLE_HTML.format(title="لافروف في دمشق").encode(), {"Content-Type": "text/html"}
    )
    r["/page-cp1256"] = lambda h: send(
        h,
        200,
        "<p>دمشق سانا</p>".encode("cp1256"),
        {"Content-Type": 'text/html; charset="windows-1256"'},
    )
    r["/private/secret"] = lambda h: send(h, 200, b"secret")
    r["/loop/a"] = lambda h: send(h, 302, headers={"Location": "/loop/b"})
    r["/loop/b"] = lambda h: send(h, 302, headers={"Location": app.url("/loop/a")})
    for i in range(10):
        target = f"/chain/{i + 1}" if i < 9 else "/page"
        r[f"/chain/{i}"] = lambda h, t=target: send(h, 301, headers={"Location": t})
    r["/to-file"] = lambda h: send(h, 302, headers={"Location": "file:///etc/passwd"})

    def flaky(h: Handler) -> None:
        app.counters["flaky"] = app.counters.get("flaky", 0) + 1
        if app.counters["flaky"] == 1:
            send(h, 500, "خطأ داخلي".encode())
        else:
            send(h, 200, "تمت المحاولة الثانية".encode(), {"Content-Type": "text/plain"})

    r["/flaky"] = flaky
    r["/always500"] = lambda h: send(h, 503, b"down")
    r["/missing"] = lambda h: send(h, 404, b"nope")

    def slow(h: Handler) -> None:
        time.sleep(1.5)
        send(h, 200, b"late")

    r["/slow"] = slow

    lock = threading.Lock()

    def busy(h: Handler) -> None:
        with lock:
            app.counters["active"] = app.counters.get("active", 0) + 1
            app.counters["max_active"] = max(
                app.counters.get("max_active", 0), app.counters["active"]
            )
        time.sleep(0.1)
        with lock:
            app.counters["active"] -= 1
        send(h, 200, b"ok")

    r["/busy"] = busy
    big = _huge()
    r["/huge"] = lambda h: send(h, 200, big, {"Content-Type": "text/html"})
    r["/huge-no-length"] = lambda h: send(h, 200, big, {"Content-Type": "text/html"}, length=False)
    bomb = _bomb()
    r["/gzip-bomb"] = lambda h: send(h, 200, bomb, {"Content-Encoding": "gzip"})
    small = ARTICLE_HTML.format(title="صفحة مضغوطة").encode()
    r["/gzip-ok"] = lambda h: send(
        h, 200, gzip.compress(small), {"Content-Encoding": "gzip", "Content-Type": "text/html"}
    )


def start_server() -> LocalServer:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    app = LocalServer(httpd)
    httpd.app = app  # type: ignore[attr-defined]
    default_routes(app)
    threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True).start()
    return app


def stop_server(app: LocalServer) -> None:
    app.httpd.shutdown()
    app.httpd.server_close()
