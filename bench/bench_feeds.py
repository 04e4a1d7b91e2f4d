"""Feed parsing speed, the cost of the entity check, and fetcher overhead on localhost.

Run: PYTHONPATH=src python bench/bench_feeds.py
"""

from __future__ import annotations

import contextlib
import gzip
import threading
import time
import tracemalloc
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from marsad.sources.feeds import _refuse_entities, parse_feed
from marsad.sources.fetch import BodyTooLarge, Fetcher

TITLES = [
    "وزير الخارجية الروسي سيرغي لافروف يصل إلى دمشق في زيارة رسمية",
    "الأمين العام للأمم المتحدة يدعو إلى وقف فوري لإطلاق النار",
    "ولي العهد السعودي يستقبل الرئيس الفرنسي في الرياض",
]
BODY = "قال مصدر دبلوماسي إن المحادثات تناولت الأوضاع الإقليمية والتعاون الثنائي. " * 6


def make_feed(n: int) -> bytes:
    items = "".join(
        f"<item><title>{TITLES[i % 3]} ({i})</title>"
        f"<link>https://news.example/ar/{i}</link><guid>n-{i}</guid>"
        f"<description><![CDATA[<p>{BODY}</p>]]></description>"
        f"<pubDate>Thu, 14 Mar 2024 10:{i % 60:02d}:00 +0300</pubDate></item>"
        for i in range(n)
    )
    xml = f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>أخبار</title><link>https://news.example/</link>{items}</channel></rss>'
    return xml.encode()


def bench_parse() -> None:
    data = make_feed(50)
    runs = 100
    parse_feed(data)
    t = time.perf_counter()
    for _ in range(runs):
        feed = parse_feed(data)
    dt = time.perf_counter() - t
    assert len(feed.items) == 50
    t = time.perf_counter()
    for _ in range(runs):
        _refuse_entities(data, None)
    check = time.perf_counter() - t
    print(f"parse_feed, 50-item RSS 2.0 ({len(data) // 1024} KB): {dt / runs * 1000:.1f} ms/feed,")
    print(
        f"  {runs * 50 / dt:.0f} items/s; of which entity check {check / runs * 1000:.2f} ms/feed"
    )
    laughs = Path("tests/data/feeds/billion_laughs.xml").read_bytes()
    t = time.perf_counter()
    with contextlib.suppress(Exception):
        parse_feed(laughs)
    print(f"billion-laughs feed refused in {(time.perf_counter() - t) * 1000:.2f} ms")


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # else headers and body in two writes cost 40 ms
    page = ("<html><body>" + BODY * 40 + "</body></html>").encode()
    bomb = gzip.compress(b"\0" * (256 * 1024 * 1024), compresslevel=9)

    def do_GET(self) -> None:  # noqa: N802
        if self.path == "/robots.txt":
            body, extra = b"User-agent: *\nDisallow: /private/\n", {}
        elif self.path == "/bomb":
            body, extra = self.bomb, {"Content-Encoding": "gzip"}
        else:
            body, extra = self.page, {"Content-Type": "text/html; charset=utf-8"}
        self.send_response(200)
        for k, v in extra.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass

    def handle(self) -> None:
        with contextlib.suppress(ConnectionResetError):
            super().handle()


def bench_fetch() -> None:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True).start()
    base = f"http://127.0.0.1:{httpd.server_port}"
    with Fetcher(delay=0, allow_private_hosts="127.0.0.1", trust_env=False) as fetcher:
        fetcher.fetch(base + "/warm")
        n = 300
        t = time.perf_counter()
        for i in range(n):
            fetcher.fetch(f"{base}/page/{i}")
        dt = time.perf_counter() - t
        print(
            f"Fetcher on localhost, delay=0, {len(Handler.page) // 1024} KB page: "
            f"{dt / n * 1000:.2f} ms/request ({n / dt:.0f} requests/s)"
        )
        tracemalloc.start()
        t = time.perf_counter()
        with contextlib.suppress(BodyTooLarge):
            fetcher.fetch(base + "/bomb")
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(
            f"gzip bomb ({len(Handler.bomb) // 1024} KB -> 256 MB) refused in "
            f"{(time.perf_counter() - t) * 1000:.0f} ms, peak Python memory {peak / 2**20:.1f} MB"
        )
    httpd.shutdown()


if __name__ == "__main__":
    bench_parse()
    bench_fetch()
