"""Alerts fixtures: a database with news before and after a watchlist, and real receivers
on 127.0.0.1 (an HTTP server for webhooks, aiosmtpd for e-mail)."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from marsad.config import AlertSettings, Settings
from marsad.entities.kb import load_kb, read_kb
from marsad.ingest import ingest_paths
from marsad.store.database import Store
from marsad_testing import DATA, make_settings

LINES = (DATA / "articles_small.jsonl").read_text(encoding="utf-8").splitlines()


@dataclass
class News:
    """Articles 0–2 of articles_small are stored before the watchlists, 3–8 after."""

    store: Store
    settings: Settings
    tmp: Path

    def ingest_rest(self, **options: object) -> None:
        path = self.tmp / "later.jsonl"
        path.write_text("\n".join(LINES[3:]) + "\n", encoding="utf-8")
        report = ingest_paths(self.store, self.settings, [path], **options)  # type: ignore[arg-type]
        assert (report.new, report.duplicates) == (5, 1)  # line 4 repeats line 0

    def titles(self, articles: list[dict]) -> list[str]:
        return sorted(a["title"] for a in articles)


@pytest.fixture
def news(tmp_path: Path) -> Iterator[News]:
    settings = replace(
        make_settings(tmp_path),
        admin_token="alerts-admin-1",
        alerts=AlertSettings(webhook_tries=3, webhook_backoff=0.5, timeout=5),
    )
    store = Store(settings.database_url)
    load_kb(store, read_kb(DATA / "kb_small.jsonl"))
    first = tmp_path / "first.jsonl"
    first.write_text("\n".join(LINES[:3]) + "\n", encoding="utf-8")
    assert ingest_paths(store, settings, [first]).new == 3
    yield News(store, settings, tmp_path)
    store.close()


# ---- a webhook receiver ----------------------------------------------------------------
@dataclass
class Receiver:
    """Answers each POST with the next scripted status (then 200) and records it."""

    httpd: ThreadingHTTPServer
    statuses: list[int] = field(default_factory=list)
    pages: dict[str, tuple[str, bytes]] = field(default_factory=dict)  # GET path → page
    posts: list[tuple[dict[str, str], bytes]] = field(default_factory=list)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_port}"

    @property
    def url(self) -> str:
        return self.base + "/hook"

    def accepted(self) -> list[dict]:
        """The bodies (parsed) of the POSTs answered 2xx."""
        return [json.loads(body) for headers, body in self.posts if headers["status"] == "200"]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    rec: Receiver

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            body = self.rfile.read(int(self.headers["Content-Length"]))
            status = rec.statuses.pop(0) if rec.statuses else 200
            rec.posts.append(({**dict(self.headers), "status": str(status)}, body))
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def do_GET(self) -> None:  # noqa: N802
            kind, body = rec.pages.get(self.path, ("text/plain", b""))
            self.send_response(200 if self.path in rec.pages else 404)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    rec = Receiver(httpd)
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield rec
    httpd.shutdown()
    httpd.server_close()


# ---- an SMTP server ----------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Mailbox:
    port: int
    messages: list[EmailMessage] = field(default_factory=list)
    recipients: list[list[str]] = field(default_factory=list)

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:  # noqa: N802
        msg = message_from_bytes(envelope.content, policy=policy.default)  # type: ignore[attr-defined]
        self.messages.append(msg)  # type: ignore[arg-type]
        self.recipients.append(list(envelope.rcpt_tos))  # type: ignore[attr-defined]
        return "250 OK"


@pytest.fixture
def smtp() -> Iterator[Mailbox]:
    from aiosmtpd.controller import Controller

    box = Mailbox(free_port())
    controller = Controller(box, hostname="127.0.0.1", port=box.port)
    controller.start()
    yield box
    controller.stop()
