"""`marsad alerts …` and the alerts round after `marsad ingest`, as a user runs them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from marsad.alerts.delivery import signature
from marsad.config import load_settings
from marsad.entities.kb import load_kb, read_kb
from marsad.ingest import ingest_paths
from marsad.store.database import Store
from marsad_testing import DATA

LINES = (DATA / "articles_small.jsonl").read_text(encoding="utf-8").splitlines()


def make_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MARSAD_")}
    return env | {
        "MARSAD_DATA_DIR": str(tmp_path / "data"),
        "MARSAD_WEBHOOK_BACKOFF": "0",
        "MARSAD_NER": "gazetteer",
    }


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "marsad.cli", *args]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)


def test_ingest_delivers_to_a_watchlist_made_on_the_command_line(tmp_path, receiver):
    env = make_env(tmp_path)
    first, later = tmp_path / "first.jsonl", tmp_path / "later.jsonl"
    first.write_text("\n".join(LINES[:3]) + "\n", encoding="utf-8")
    later.write_text("\n".join(LINES[3:]) + "\n", encoding="utf-8")
    settings = load_settings(env)  # the news before the watchlist, stored in this process
    store = Store(settings.database_url)
    load_kb(store, read_kb(DATA / "kb_small.jsonl"))
    assert ingest_paths(store, settings, [first]).new == 3
    store.close()

    made = run(["alerts", "add", "لافروف", "-e", "لافروف", "--webhook", receiver.url], env)
    assert made.returncode == 0, made.stderr
    assert "webhook secret" in made.stdout and "/feed.atom" in made.stdout
    secret = made.stdout.split("(X-Marsad-Signature): ")[1].split()[0]

    ingested = run(["ingest", str(later)], env)
    assert ingested.returncode == 0, ingested.stderr
    assert "alerts: 1 watchlists, 2 new matches, 2 sent by webhook" in ingested.stderr
    [(headers, body)] = receiver.posts
    assert headers["X-Marsad-Signature"] == signature(secret, body)
    assert {a["title"] for a in json.loads(body)["articles"]} == {
        "اتصال هاتفي بين لافروف وكيري",
        "لافروف: موسكو منفتحة على الحوار",
    }

    listed = json.loads(run(["alerts", "list", "--json"], env).stdout)
    assert (listed[0]["matched"], listed[0]["webhook_sent"]) == (2, 2)
    assert run(["alerts", "remove", "لافروف"], env).stdout.strip() == "removed لافروف"
    missing = run(["alerts", "remove", "لافروف"], env)
    assert missing.returncode == 1 and "no watchlist" in missing.stderr


RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>وكالة الاختبار</title><link>{base}/</link>
<description>أخبار</description>
<item><title>لافروف يستقبل نظيره السوري في موسكو</title><link>{base}/news/1.html</link>
<pubDate>Thu, 14 Mar 2024 07:00:00 GMT</pubDate><description>استقبل لافروف نظيره.</description></item>
</channel></rss>"""
PAGE = """<!doctype html><html lang="ar" dir="rtl"><head><meta charset="utf-8">
<title>لافروف يستقبل نظيره السوري في موسكو</title></head><body><article>
<h1>لافروف يستقبل نظيره السوري في موسكو</h1>
<p>موسكو| استقبل وزير الخارجية الروسي سيرغي لافروف اليوم في موسكو نظيره السوري وبحث معه
التحضيرات لجولة جديدة من المحادثات.</p>
<p>وقال لافروف في مؤتمر صحفي مشترك إن بلاده تدعم الحل السياسي على أساس القرار 2254.</p>
</article></body></html>"""


def test_each_crawl_round_delivers_to_the_watchlists(tmp_path, receiver):
    from typer.testing import CliRunner

    from marsad.cli import app

    env = make_env(tmp_path) | {"MARSAD_ALLOW_PRIVATE_HOSTS": "127.0.0.1"}
    settings = load_settings(env)
    store = Store(settings.database_url)
    load_kb(store, read_kb(DATA / "kb_small.jsonl"))
    store.close()
    receiver.pages["/news/rss.xml"] = (
        "application/rss+xml",
        RSS.format(base=receiver.base).encode(),
    )
    receiver.pages["/news/1.html"] = ("text/html; charset=utf-8", PAGE.encode())

    def cli(*args: str) -> str:
        result = CliRunner().invoke(app, list(args), env=env, catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return result.output

    cli("feeds", "add", receiver.base + "/news/rss.xml", "--name", "وكالة الاختبار")
    cli("alerts", "add", "لافروف", "-e", "لافروف", "--webhook", receiver.url)
    out = cli("crawl", "--delay", "0")
    assert "alerts: 1 watchlists, 1 new matches, 1 sent by webhook" in out
    [accepted] = receiver.accepted()
    assert [a["title"] for a in accepted["articles"]] == ["لافروف يستقبل نظيره السوري في موسكو"]
    assert "0 new matches" in cli("crawl", "--delay", "0")  # the same feed again: nothing new
    assert len(receiver.accepted()) == 1
