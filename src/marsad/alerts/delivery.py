"""An alerts round: match new articles to every watchlist, then deliver what is owed.

Runs after every ingest, analysis and crawl round (and ``marsad alerts run``):

1. **match** — each watchlist reads the articles stored since its cursor (up to the last
   article whose entities are known: one waiting for ``marsad analyse`` holds the line),
   records the ones that match (once: the primary key) and moves its cursor, in one
   transaction;
2. **deliver** — each channel sends the matches it has not sent, oldest first: the
   webhook as JSON POSTs of up to ``BATCH`` articles, signed with HMAC-SHA256 of the body
   (``X-Marsad-Signature: sha256=<hex>``), retried with exponential back-off; the e-mail
   digest as one message per watchlist and round through the configured SMTP server.
   A match is marked sent only after the receiver accepted it (2xx; SMTP accepted the
   message): a failure leaves it owed and the next round sends it again (at least once).
   Only a crash between the receiver's acceptance and our commit can send it twice; each
   webhook POST carries a stable ``X-Marsad-Delivery`` id for the receiver to drop it.
   One process at a time delivers a watchlist (a lease in the database, ``LEASE``).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import smtplib
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import formataddr, make_msgid
from typing import Any

import httpx

from marsad import pages
from marsad.alerts.watchlists import current_entity_ids
from marsad.arabic.normalise import normalise
from marsad.config import AlertSettings, Settings
from marsad.store import alerts as sql
from marsad.store.database import Store

log = logging.getLogger(__name__)

BATCH = 100  # articles per webhook POST and per e-mail digest
MATCH_SPAN = 20_000  # article ids read per matching statement (bounded memory)
USER_AGENT = "marsad-alerts/0.1"
# how long a round may deliver one batch before another process may take over (a crashed
# round's lease runs out); each batch sent renews it
LEASE = timedelta(minutes=15)


@dataclass
class WatchlistReport:
    name: str
    matched: int = 0
    webhook_sent: int = 0
    email_sent: int = 0
    errors: list[str] = field(default_factory=list)
    busy: bool = False  # another process was delivering this watchlist's alerts


@dataclass
class AlertsReport:
    watchlists: list[WatchlistReport] = field(default_factory=list)

    @property
    def errors(self) -> list[str]:
        return [f"{w.name}: {e}" for w in self.watchlists for e in w.errors]

    def summary(self) -> str:
        matched = sum(w.matched for w in self.watchlists)
        hooks = sum(w.webhook_sent for w in self.watchlists)
        mails = sum(w.email_sent for w in self.watchlists)
        return (
            f"alerts: {len(self.watchlists)} watchlists, {matched} new matches, "
            f"{hooks} sent by webhook, {mails} by e-mail, {len(self.errors)} errors"
        )


class DeliveryError(Exception):
    """One delivery failed (after its retries); the matches stay owed."""


def run_alerts(
    store: Store, settings: Settings, *, sleep: Callable[[float], None] = time.sleep
) -> AlertsReport:
    """One alerts round (match, then deliver); nothing to do costs one query."""
    report = AlertsReport()
    with store.engine.connect() as conn:
        rows = sql.watchlists(conn)
    for row in rows:
        one = WatchlistReport(row["name"])
        report.watchlists.append(one)
        one.matched = match(store, row)
        if row["entity_ids"] and not current_entity_ids(store, row["entity_ids"]):
            one.errors.append("its entities no longer exist: it matches nothing (remove it)")
        if not (row["webhook_url"] or row["email_to"]):
            continue
        with store.engine.begin() as conn:
            now = datetime.now(UTC)
            one.busy = not sql.take_lease(conn, row["id"], now, now + LEASE)
        if one.busy:  # another round (a crawl beside an ingest) is sending them
            continue
        try:
            if row["webhook_url"]:
                one.webhook_sent = _deliver(store, row, "webhook", settings, one, sleep)
            if row["email_to"]:
                one.email_sent = _deliver(store, row, "email", settings, one, sleep)
        finally:
            with store.engine.begin() as conn:
                sql.extend_lease(conn, row["id"], None)
    return report


def match(store: Store, row: dict[str, Any]) -> int:
    """Record the watchlist's new matches and move its cursor; how many were new."""
    entity_ids = current_entity_ids(store, row["entity_ids"])
    gone = bool(row["entity_ids"]) and not entity_ids  # never widen to "every article"
    query_norm = normalise(row["query"])
    found = 0
    with store.engine.begin() as conn:
        upto = sql.analysed_upto(conn)
        ids: list[int] = []
        if not gone:
            for lo, hi in sql.chunks(row["cursor"], upto, MATCH_SPAN):
                ids += sql.matching_ids(
                    conn,
                    after=lo,
                    upto=hi,
                    query_norm=query_norm,
                    entity_ids=entity_ids,
                    source_id=row["source_id"],
                )
        if upto > row["cursor"]:
            found = sql.record_matches(conn, row["id"], ids, upto, datetime.now(UTC))
    return found


def _deliver(
    store: Store,
    row: dict[str, Any],
    channel: str,
    settings: Settings,
    report: WatchlistReport,
    sleep: Callable[[float], None],
) -> int:
    """Send what the channel owes, ``BATCH`` articles at a time; how many were sent."""
    sent = 0
    while True:
        with store.engine.connect() as conn:
            owed = sql.undelivered(conn, row["id"], channel, BATCH)
        if not owed:
            return sent
        ids = [r["id"] for r in owed]
        items = [_item(r, settings.alerts.site_url) for r in owed]
        try:
            if channel == "webhook":
                post_webhook(row, items, settings.alerts, sleep)
            else:
                send_digest(row, items, settings.alerts)
        except DeliveryError as exc:
            report.errors.append(f"{channel}: {exc}")
            log.warning("watchlist %s: %s delivery failed: %s", row["name"], channel, exc)
            with store.engine.begin() as conn:
                sql.mark_failed(conn, row["id"], ids, f"{channel}: {exc}")
            return sent
        with store.engine.begin() as conn:
            sql.mark_sent(conn, row["id"], channel, ids, datetime.now(UTC))
            sql.extend_lease(conn, row["id"], datetime.now(UTC) + LEASE)
        sent += len(ids)


def _item(row: dict[str, Any], site_url: str) -> dict[str, Any]:
    article = pages._article_item(row)
    return {
        "id": article.id,
        "title": article.title,
        "url": article.url,
        "link": f"{site_url}article/{article.id}",
        "source": article.source,
        "source_slug": article.source_slug,
        "published": article.published.isoformat() if article.published else None,
        "day": article.day.isoformat() if article.day else None,
        "snippet": article.snippet,
    }


# ---- webhook -----------------------------------------------------------------------------
def signature(secret: str, body: bytes) -> str:
    """``sha256=<hex>``: HMAC-SHA256 of the exact body bytes with the shared secret."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def post_webhook(
    row: dict[str, Any],
    items: list[dict[str, Any]],
    config: AlertSettings,
    sleep: Callable[[float], None] = time.sleep,
) -> None:
    """POST the articles as JSON; a 2xx answer is success. Connection errors, timeouts,
    408, 429 and 5xx are retried (``webhook_tries`` in all, waiting ``webhook_backoff`` ×
    1, 2, 4… seconds, or the server's Retry-After up to a minute); other answers fail now."""
    delivery = f"{row['id']}-{items[0]['id']}-{items[-1]['id']}"
    body = json.dumps(
        {
            "watchlist": {"id": row["id"], "name": row["name"]},
            "delivery": delivery,
            "articles": items,
        },
        ensure_ascii=False,
    ).encode()
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": USER_AGENT,
        "X-Marsad-Delivery": delivery,
        "X-Marsad-Signature": signature(row["webhook_secret"] or "", body),
    }
    problem = ""
    with httpx.Client(timeout=config.timeout, follow_redirects=False) as client:
        for attempt in range(config.webhook_tries):
            wait = config.webhook_backoff * 2**attempt
            try:
                resp = client.post(row["webhook_url"], content=body, headers=headers)
            except httpx.HTTPError as exc:
                problem = f"{row['webhook_url']}: {type(exc).__name__}: {exc}"
            else:
                if 200 <= resp.status_code < 300:
                    return
                problem = f"{row['webhook_url']} answered HTTP {resp.status_code}"
                if resp.status_code not in (408, 429) and resp.status_code < 500:
                    raise DeliveryError(problem + " (not retried: fix the receiver or the URL)")
                wait = max(wait, _retry_after(resp.headers.get("retry-after")))
            if attempt + 1 < config.webhook_tries:
                sleep(min(wait, 60.0))
    raise DeliveryError(f"{problem} (after {config.webhook_tries} tries; retried next round)")


def _retry_after(value: str | None) -> float:
    try:
        return float(value) if value else 0.0
    except ValueError:
        return 0.0


# ---- e-mail digest -----------------------------------------------------------------------
def digest(row: dict[str, Any], items: list[dict[str, Any]], config: AlertSettings) -> EmailMessage:
    """The digest: plain text, Arabic, one block per article with its links."""
    msg = EmailMessage()
    msg["Subject"] = (
        f"مرصد: {len(items)} {'خبر جديد' if len(items) == 1 else 'أخبار جديدة'} — {row['name']}"
    )
    msg["From"] = formataddr(("مرصد", config.smtp_from))
    msg["To"] = row["email_to"]
    msg["Message-ID"] = make_msgid(domain=config.smtp_from.rpartition("@")[2] or None)
    msg["X-Marsad-Delivery"] = f"{row['id']}-{items[0]['id']}-{items[-1]['id']}"
    lines = [f"أخبار جديدة في قائمة المتابعة «{row['name']}»:", ""]
    for item in items:
        lines.append(f"• {item['title']} — {item['source']} ({item['day'] or 'تاريخ غير معروف'})")
        lines.append(f"  {item['snippet']}")
        lines.append(f"  {item['url'] or item['link']}")
        lines.append("")
    lines.append(f"الصفحة والخلاصة (Atom): {config.site_url}alerts/{row['feed_token']}")
    msg.set_content("\n".join(lines))
    return msg


def send_digest(row: dict[str, Any], items: list[dict[str, Any]], config: AlertSettings) -> None:
    if not config.smtp_host:
        raise DeliveryError("no SMTP server: set MARSAD_SMTP_HOST (and _PORT, _USER, _PASSWORD)")
    msg = digest(row, items, config)
    try:
        if config.smtp_tls == "ssl":
            server: smtplib.SMTP = smtplib.SMTP_SSL(
                config.smtp_host,
                config.smtp_port,
                timeout=config.timeout,
                context=ssl.create_default_context(),
            )
        else:
            server = smtplib.SMTP(config.smtp_host, config.smtp_port, timeout=config.timeout)
        with server:
            if config.smtp_tls == "starttls":
                server.starttls(context=ssl.create_default_context())
            if config.smtp_user:
                server.login(config.smtp_user, config.smtp_password or "")
            server.send_message(msg)
    except (OSError, smtplib.SMTPException) as exc:
        where = f"{config.smtp_host}:{config.smtp_port}"
        raise DeliveryError(f"SMTP {where}: {type(exc).__name__}: {exc}") from exc
