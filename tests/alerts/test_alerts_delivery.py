"""Delivery to real receivers on 127.0.0.1: a webhook (HTTP server) and e-mail (aiosmtpd).
At least once, never the same article twice to one watchlist, across restarts."""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import replace

from sqlalchemy import text

from marsad.alerts import watchlists
from marsad.alerts.delivery import run_alerts
from marsad.config import AlertSettings
from marsad.store.database import Store

LAVROV_NEWS = ["اتصال هاتفي بين لافروف وكيري", "لافروف: موسكو منفتحة على الحوار"]


def test_webhook_posts_new_articles_signed_with_the_shared_secret(news, receiver):
    made = watchlists.create(
        news.store, "لافروف", entities=["لافروف"], webhook_url=receiver.url, webhook_secret="س-سر"
    )
    assert made.webhook_secret == "س-سر"
    news.ingest_rest()
    report = run_alerts(news.store, news.settings, sleep=lambda s: None)
    assert report.watchlists[0].webhook_sent == 2 and report.errors == []
    [(headers, body)] = receiver.posts
    expected = hmac.new("س-سر".encode(), body, hashlib.sha256).hexdigest()
    assert headers["X-Marsad-Signature"] == f"sha256={expected}"
    assert headers["Content-Type"].startswith("application/json")
    payload = json.loads(body)
    assert payload["watchlist"]["name"] == "لافروف"
    assert sorted(a["title"] for a in payload["articles"]) == LAVROV_NEWS
    assert payload["delivery"] == headers["X-Marsad-Delivery"]
    assert all(a["link"].startswith("http://127.0.0.1:8000/article/") for a in payload["articles"])
    # the next round has nothing new: nothing is posted again
    assert run_alerts(news.store, news.settings).watchlists[0].webhook_sent == 0
    assert len(receiver.posts) == 1


def test_webhook_failures_are_retried_with_back_off_then_in_the_next_round(news, receiver):
    watchlists.create(news.store, "لافروف", entities=["لافروف"], webhook_url=receiver.url)
    news.ingest_rest()
    waits: list[float] = []
    receiver.statuses = [503, 502]  # two failures, then accepted: within one round
    report = run_alerts(news.store, news.settings, sleep=waits.append)
    assert report.watchlists[0].webhook_sent == 2
    assert waits == [0.5, 1.0]  # backoff × 1, 2
    assert [h["status"] for h, _ in receiver.posts] == ["503", "502", "200"]
    assert len(receiver.accepted()) == 1


def test_an_undelivered_article_survives_a_restart_and_is_delivered_once(news, receiver):
    watchlists.create(news.store, "لافروف", entities=["لافروف"], webhook_url=receiver.url)
    news.ingest_rest()
    receiver.statuses = [500, 500, 500]  # every try of the round fails
    report = run_alerts(news.store, news.settings, sleep=lambda s: None)
    assert report.watchlists[0].webhook_sent == 0
    assert "HTTP 500" in report.errors[0] and "retried next round" in report.errors[0]
    listed = watchlists.all_watchlists(news.store)[0]
    assert (listed.matched, listed.webhook_sent, listed.failures) == (2, 0, 1)
    assert "HTTP 500" in (listed.last_error or "")

    news.store.close()
    again = Store(news.settings.database_url)  # restart; the receiver works again
    report = run_alerts(again, news.settings, sleep=lambda s: None)
    assert report.watchlists[0].webhook_sent == 2 and report.errors == []
    run_alerts(again, news.settings, sleep=lambda s: None)
    [accepted] = receiver.accepted()
    assert sorted(a["title"] for a in accepted["articles"]) == LAVROV_NEWS
    assert watchlists.all_watchlists(again)[0].last_error is None
    again.close()


def test_a_refused_webhook_is_not_retried_in_the_round(news, receiver):
    watchlists.create(news.store, "لافروف", entities=["لافروف"], webhook_url=receiver.url)
    news.ingest_rest()
    receiver.statuses = [404]
    report = run_alerts(news.store, news.settings, sleep=lambda s: None)
    assert len(receiver.posts) == 1 and "not retried" in report.errors[0]


def test_email_digest_goes_through_the_smtp_server_once(news, smtp):
    settings = replace(
        news.settings,
        alerts=AlertSettings(smtp_host="127.0.0.1", smtp_port=smtp.port, smtp_from="m@marsad.test"),
    )
    made = watchlists.create(
        news.store, "أخبار لافروف", entities=["لافروف"], email_to="u@example.org"
    )
    news.ingest_rest()
    report = run_alerts(news.store, settings)
    assert report.watchlists[0].email_sent == 2 and report.errors == []
    [msg] = smtp.messages
    assert smtp.recipients == [["u@example.org"]]
    assert "أخبار لافروف" in msg["Subject"] and "2" in msg["Subject"]
    body = msg.get_content()
    for title in LAVROV_NEWS:
        assert title in body
    assert "أردوغان" not in body
    assert f"alerts/{made.feed_token}" in body
    run_alerts(news.store, settings)
    assert len(smtp.messages) == 1  # nothing new, nothing sent


def test_email_waits_for_a_reachable_smtp_server(news, smtp):
    watchlists.create(news.store, "لافروف", entities=["لافروف"], email_to="u@example.org")
    news.ingest_rest()
    report = run_alerts(news.store, news.settings)  # no SMTP server configured
    assert "MARSAD_SMTP_HOST" in report.errors[0]
    down = replace(news.settings, alerts=AlertSettings(smtp_host="127.0.0.1", smtp_port=1))
    assert "SMTP 127.0.0.1:1" in run_alerts(news.store, down).errors[0]
    assert smtp.messages == []
    up = replace(news.settings, alerts=AlertSettings(smtp_host="127.0.0.1", smtp_port=smtp.port))
    assert run_alerts(news.store, up).watchlists[0].email_sent == 2
    assert len(smtp.messages) == 1


def test_one_process_at_a_time_delivers_a_watchlist(news, receiver):
    from datetime import UTC, datetime, timedelta

    from marsad.store import alerts as sql

    watchlists.create(news.store, "لافروف", entities=["لافروف"], webhook_url=receiver.url)
    news.ingest_rest()
    now = datetime.now(UTC)
    with news.store.engine.begin() as conn:  # another round (a crawl) is sending it
        assert sql.take_lease(conn, 1, now, now + timedelta(minutes=15))
        assert not sql.take_lease(conn, 1, now, now + timedelta(minutes=15))
    report = run_alerts(news.store, news.settings)
    assert report.watchlists[0].busy and report.watchlists[0].matched == 2
    assert receiver.posts == []  # matched, but left to the one that holds it
    with news.store.engine.begin() as conn:  # that process crashed: its lease runs out
        conn.execute(text("UPDATE watchlists SET lease_until = :t"), {"t": now - timedelta(1)})
    assert run_alerts(news.store, news.settings).watchlists[0].webhook_sent == 2
    assert len(receiver.accepted()) == 1
    with news.store.engine.connect() as conn:  # and it gave the lease back
        assert conn.execute(text("SELECT lease_until FROM watchlists")).scalar() is None


def test_alert_settings_are_read_and_checked(tmp_path):
    import pytest

    from marsad.config import load_settings
    from marsad.errors import ConfigError

    base = {"MARSAD_DATA_DIR": str(tmp_path)}
    read = load_settings(
        base
        | {
            "MARSAD_SMTP_HOST": "mail.example.org",
            "MARSAD_SMTP_TLS": "ssl",
            "MARSAD_SITE_URL": "https://marsad.example.org",
            "MARSAD_WEBHOOK_TRIES": "2",
        }
    ).alerts
    assert (read.smtp_host, read.smtp_port, read.webhook_tries) == ("mail.example.org", 465, 2)
    assert read.site_url == "https://marsad.example.org/"
    assert load_settings(base).alerts.smtp_host is None
    for bad in (
        {"MARSAD_SMTP_TLS": "tls1.3"},
        {"MARSAD_SITE_URL": "marsad.example.org"},
        {"MARSAD_WEBHOOK_TRIES": "0"},
        {"MARSAD_SMTP_PORT": "twenty-five"},
    ):
        with pytest.raises(ConfigError, match="MARSAD_"):
            load_settings(base | bad)
