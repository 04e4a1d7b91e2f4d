"""A local stand-in for the Wikimedia APIs that `marsad kb enrich` asks, on 127.0.0.1.

It answers in the documented formats:

* Wikipedia REST ``GET /api/rest_v1/page/summary/{title}`` — ``type`` "standard" or
  "disambiguation", ``title``, ``extract``, ``wikibase_item``, ``content_urls``,
  ``originalimage``; 404 with the HyperSwitch ``not_found`` problem for a missing page;
* Wikidata ``GET /w/api.php?action=wbsearchentities`` (``{"search": [{"id", "label",
  "match": …}], "success": 1}``) and ``action=wbgetentities`` (``{"entities": {QID:
  {"labels", "aliases", "descriptions", "claims", "sitelinks"}}}``, ``"missing": ""`` for
  an unknown id), with ``formatversion=2``;
* Commons ``GET /commons/api.php?action=query&prop=imageinfo&iiprop=extmetadata``
  (``{"query": {"pages": [{"title", "imageinfo": [{"descriptionurl", "extmetadata"}]}]}}``).

Test hooks: ``rate_limited`` (URL substrings answered once with 429 + ``Retry-After: 1``),
``slow`` (substrings answered after ``slow_seconds``). Every request is recorded with its
User-Agent; ``max_in_flight`` is the most requests it ever served at once (slow ones,
which the client abandons at its timeout, left out).
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit


def label(value: str) -> dict[str, str]:
    return {"language": "ar", "value": value}


def item(
    qid: str,
    name: str,
    cls: str,
    *,
    aliases: tuple[str, ...] = (),
    description: str | None = None,
    article: str | None = None,
    image: str | None = None,
) -> dict[str, Any]:
    """A Wikidata item as wbgetentities gives it (Arabic only, as asked)."""
    claims: dict[str, Any] = {
        "P31": [
            {
                "mainsnak": {
                    "snaktype": "value",
                    "property": "P31",
                    "datavalue": {
                        "value": {"entity-type": "item", "numeric-id": int(cls[1:]), "id": cls},
                        "type": "wikibase-entityid",
                    },
                },
                "type": "statement",
                "rank": "normal",
            }
        ]
    }
    if image:
        claims["P18"] = [
            {
                "mainsnak": {
                    "snaktype": "value",
                    "property": "P18",
                    "datavalue": {"value": image, "type": "string"},
                },
                "type": "statement",
                "rank": "normal",
            }
        ]
    out: dict[str, Any] = {
        "type": "item",
        "id": qid,
        "labels": {"ar": label(name)},
        "aliases": {"ar": [label(a) for a in aliases]},
        "descriptions": {"ar": label(description)} if description else {},
        "claims": claims,
        "sitelinks": {},
    }
    if article:
        out["sitelinks"]["arwiki"] = {
            "site": "arwiki",
            "title": article,
            "badges": [],
            "url": f"https://ar.wikipedia.org/wiki/{article.replace(' ', '_')}",
        }
    return out


def summary(
    title: str, extract: str, qid: str | None, kind: str = "standard", image: str | None = None
) -> dict[str, Any]:
    """A REST page summary."""
    page = title.replace(" ", "_")
    out: dict[str, Any] = {
        "type": kind,
        "title": page,
        "displaytitle": f'<span class="mw-page-title-main">{title}</span>',
        "namespace": {"id": 0, "text": ""},
        "titles": {"canonical": page, "normalized": title, "display": title},
        "pageid": 1000 + len(title),
        "lang": "ar",
        "dir": "rtl",
        "content_urls": {
            "desktop": {"page": f"https://ar.wikipedia.org/wiki/{page}"},
            "mobile": {"page": f"https://ar.m.wikipedia.org/wiki/{page}"},
        },
        "extract": extract,
        "extract_html": f"<p>{extract}</p>",
    }
    if qid:
        out["wikibase_item"] = qid
    if image:
        src = f"https://upload.wikimedia.org/wikipedia/commons/a/ab/{image.replace(' ', '_')}"
        out["originalimage"] = {"source": src, "width": 800, "height": 1000}
    return out


class WikimediaServer:
    def __init__(self) -> None:
        self.summaries: dict[str, dict[str, Any]] = {}
        self.searches: dict[str, list[str]] = {}
        self.items: dict[str, dict[str, Any]] = {}
        self.files: dict[str, dict[str, str]] = {}
        self.rate_limited: set[str] = set()
        self.slow: set[str] = set()
        self.slow_seconds = 1.5
        self.requests: list[tuple[str, str]] = []  # (decoded path + query, User-Agent)
        self.max_in_flight = 0
        self._in_flight = 0
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802
                path = unquote(self.path)
                # a slow answer is given up by the client (its timeout): not counted as open
                self._open = not any(key in path for key in server.slow)
                with server._lock:
                    server._in_flight += self._open
                    server.max_in_flight = max(server.max_in_flight, server._in_flight)
                    server.requests.append((path, self.headers.get("User-Agent", "")))
                try:
                    server.answer(self)
                finally:
                    self._close()

            def end_headers(self) -> None:
                # closed before the body goes: once the client has the whole answer it may
                # ask again before this thread runs on, which is no second request at once
                self._close()
                super().end_headers()

            def _close(self) -> None:
                with server._lock:
                    server._in_flight -= self._open
                    self._open = False

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def asked(self, text: str) -> int:
        """How many requests contained ``text`` (in the decoded path and query)."""
        return sum(1 for path, _ in self.requests if text in path)

    # -- answers ---------------------------------------------------------------------------
    def answer(self, h: BaseHTTPRequestHandler) -> None:
        path = unquote(h.path)
        for key in list(self.rate_limited):
            if key in path:
                self.rate_limited.discard(key)  # once
                return self.send(h, 429, {"error": "too many requests"}, {"Retry-After": "1"})
        if any(key in path for key in self.slow):
            time.sleep(self.slow_seconds)
        url = urlsplit(h.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        if url.path.startswith("/api/rest_v1/page/summary/"):
            title = unquote(url.path.rsplit("/", 1)[1]).replace("_", " ")
            if title in self.summaries:
                return self.send(h, 200, self.summaries[title])
            return self.send(
                h,
                404,
                {
                    "type": "https://mediawiki.org/wiki/HyperSwitch/errors/not_found",
                    "title": "Not found.",
                    "method": "get",
                    "detail": "Page or revision not found.",
                    "uri": f"/ar.wikipedia.org/v1/page/summary/{title}",
                },
            )
        if url.path == "/w/api.php" and query.get("action") == "wbsearchentities":
            hits = [
                {
                    "id": q,
                    "title": q,
                    "pageid": int(q[1:]),
                    "concepturi": f"http://www.wikidata.org/entity/{q}",
                    "label": self.items[q]["labels"]["ar"]["value"],
                    "match": {"type": "label", "language": "ar", "text": query["search"]},
                }
                for q in self.searches.get(query.get("search", ""), [])
            ]
            return self.send(
                h,
                200,
                {"searchinfo": {"search": query.get("search")}, "search": hits, "success": 1},
            )
        if url.path == "/w/api.php" and query.get("action") == "wbgetentities":
            ids = query.get("ids", "").split("|")
            found = {q: self.items.get(q, {"id": q, "missing": ""}) for q in ids}
            return self.send(h, 200, {"entities": found, "success": 1})
        if url.path == "/commons/api.php" and query.get("action") == "query":
            title = query.get("titles", "")
            name = title.removeprefix("File:")
            if name not in self.files:
                page = {"ns": 6, "title": title, "missing": True, "known": False}
            else:
                meta = self.files[name]
                page = {
                    "ns": 6,
                    "title": title,
                    "imagerepository": "local",
                    "imageinfo": [
                        {
                            "url": f"https://upload.wikimedia.org/wikipedia/commons/a/ab/{name}",
                            "descriptionurl": f"https://commons.wikimedia.org/wiki/File:{name.replace(' ', '_')}",
                            "extmetadata": {
                                "Artist": {"value": meta["artist"], "source": "commons-desc-page"},
                                "LicenseShortName": {
                                    "value": meta["licence"],
                                    "source": "commons-desc-page",
                                },
                                "LicenseUrl": {
                                    "value": meta["licence_url"],
                                    "source": "commons-desc-page",
                                },
                            },
                        }
                    ],
                }
            return self.send(h, 200, {"batchcomplete": True, "query": {"pages": [page]}})
        return self.send(h, 404, {"error": "no such endpoint"})

    @staticmethod
    def send(
        h: BaseHTTPRequestHandler, status: int, body: Any, headers: dict[str, str] | None = None
    ) -> None:
        data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        try:
            h.send_response(status)
            h.send_header("Content-Type", "application/json; charset=utf-8")
            h.send_header("Content-Length", str(len(data)))
            for k, v in (headers or {}).items():
                h.send_header(k, v)
            h.end_headers()
            h.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (a timeout)
            pass
