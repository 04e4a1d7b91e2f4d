"""`marsad kb enrich` against a local stand-in for Wikipedia, Wikidata and Commons."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys

import pytest
from fastapi.testclient import TestClient

from marsad.config import load_settings
from marsad.entities import enrich
from marsad.entities.kb import load_kb
from marsad.errors import InputError
from marsad.ingest import ingest_paths
from marsad.sources.fetch import Fetcher
from marsad.store import enrichment as stored
from marsad.store.database import Store
from marsad.web.app import create_app

from .wikimedia_server import WikimediaServer, item, summary

KB = [
    {"id": "t:lavrov", "type": "PERSON", "name": "سيرغي لافروف", "aliases": ["لافروف"]},
    {"id": "t:kerry", "type": "PERSON", "name": "جون كيري", "aliases": ["كيري"]},
    {"id": "t:hariri", "type": "PERSON", "name": "سعد الحريري"},
    {"id": "t:tripoli", "type": "LOCATION", "name": "طرابلس"},
    {"id": "t:ban", "type": "PERSON", "name": "بان كي مون"},
    {"id": "t:fake", "type": "ORGANIZATION", "name": "حزب الوهم"},
    {"id": "t:erdogan", "type": "PERSON", "name": "رجب طيب أردوغان"},
]
LAVROV_TEXT = "سيرغي فيكتوروفيتش لافروف دبلوماسي وسياسي روسي، وزير خارجية روسيا منذ عام 2004."


def _articles() -> list[dict[str, str]]:
    out = []
    for n, rec in enumerate(KB):
        for k in range(1 if rec["id"] == "t:erdogan" else 3):
            out.append(
                {
                    "title": f"تقرير رقم {n}{k} عن الأحداث",
                    "text": f"ذكر التقرير {rec['name']} في سياق الأحداث الجارية، العدد {n}{k}.",
                    "source": "sana",
                    "source_name": "سانا",
                    "published": f"2026-03-{10 + k:02d}T10:00:00+02:00",
                }
            )
    return out


def _wikimedia() -> WikimediaServer:
    w = WikimediaServer()
    w.items["Q80115"] = item(
        "Q80115",
        "سيرغي لافروف",
        "Q5",
        aliases=("سيرجي لافروف", "سيرغي فيكتوروفيتش لافروف"),
        description="دبلوماسي روسي",
        article="سيرغي لافروف",
        image="Sergey Lavrov 2019.jpg",
    )
    w.summaries["سيرغي لافروف"] = summary("سيرغي لافروف", LAVROV_TEXT, "Q80115")
    w.files["Sergey Lavrov 2019.jpg"] = {
        "artist": '<a href="//commons.wikimedia.org/wiki/User:Kremlin">Kremlin.ru</a>',
        "licence": "CC BY 4.0",
        "licence_url": "https://creativecommons.org/licenses/by/4.0",
    }
    w.items["Q22316"] = item("Q22316", "جون كيري", "Q5", aliases=("كيري",), article="جون كيري")
    w.summaries["جون كيري"] = summary("جون كيري", "جون فوربس كيري سياسي أمريكي.", "Q22316")
    w.rate_limited.add("summary/جون_كيري")  # the first answer is 429 Retry-After: 1
    # a disambiguation page, and two people of that name on Wikidata: ambiguous
    w.summaries["سعد الحريري"] = summary(
        "سعد الحريري", "قد يشير سعد الحريري إلى:", "Q6000", kind="disambiguation"
    )
    w.items["Q6001"] = item("Q6001", "سعد الحريري", "Q5", description="سياسي لبناني")
    w.items["Q6002"] = item("Q6002", "سعد الحريري", "Q5", description="لاعب كرة قدم")
    w.searches["سعد الحريري"] = ["Q6001", "Q6002"]
    # a disambiguation page, and one item of the right type (a city) among the hits
    w.summaries["طرابلس"] = summary("طرابلس", "طرابلس قد تشير إلى:", "Q7000", kind="disambiguation")
    w.items["Q7001"] = item("Q7001", "طرابلس", "Q5", description="شخصية خيالية")
    w.items["Q3579"] = item(
        "Q3579", "طرابلس", "Q5119", aliases=("طرابلس الغرب",), article="طرابلس (ليبيا)"
    )
    w.summaries["طرابلس (ليبيا)"] = summary(
        "طرابلس (ليبيا)", "طرابلس عاصمة ليبيا وأكبر مدنها.", "Q3579"
    )
    w.searches["طرابلس"] = ["Q7001", "Q3579"]
    # too slow at first (timeouts), found once the server answers in time
    w.items["Q1253"] = item("Q1253", "بان كي مون", "Q5", description="دبلوماسي كوري جنوبي")
    w.searches["بان كي مون"] = ["Q1253"]
    w.slow.add("بان_كي_مون")
    w.slow_seconds = 4  # well past the client's timeout, even on a loaded machine
    w.summaries["رجب طيب أردوغان"] = summary("رجب طيب أردوغان", "رئيس تركيا.", "Q39259")
    w.items["Q39259"] = item("Q39259", "رجب طيب أردوغان", "Q5", article="رجب طيب أردوغان")
    return w


@pytest.fixture
def world(tmp_path):
    server = _wikimedia()
    env = {
        "MARSAD_DATA_DIR": str(tmp_path),
        "MARSAD_DATABASE_URL": f"sqlite:///{tmp_path / 'marsad.db'}",
        "MARSAD_NER": "gazetteer",
        "MARSAD_WIKIPEDIA_URL": server.base,
        "MARSAD_WIKIDATA_API": f"{server.base}/w/api.php",
        "MARSAD_COMMONS_API": f"{server.base}/commons/api.php",
        "MARSAD_ENRICH_MIN_ARTICLES": "2",
        "MARSAD_ENRICH_DELAY": "0",
        "MARSAD_ADMIN_TOKEN": "test-admin-token",
    }
    settings = load_settings(env)
    store = Store(settings.database_url)
    load_kb(store, KB)
    news = tmp_path / "news.jsonl"
    news.write_text("\n".join(json.dumps(a, ensure_ascii=False) for a in _articles()), "utf-8")
    ingest_paths(store, settings, [news])
    yield store, settings, server, env
    store.close()
    server.close()


def _client(store, settings, server) -> enrich.WikiClient:
    fetcher = Fetcher(
        user_agent=settings.enrich_user_agent,
        delay=0,
        timeout=1.5,  # a normal answer on a busy 2-core machine takes well under this
        total_timeout=3,
        retries=1,
        backoff=0.05,
        respect_robots=False,
        allow_private_hosts=("127.0.0.1",),
    )
    return enrich.WikiClient(store, settings, fetcher)


def test_enrich_describes_entities_politely_and_an_undone_match_stays_undone(world):
    store, settings, server, env = world
    # the crawler's address guard applies: an API on 127.0.0.1 needs the allow setting
    with pytest.raises(InputError, match="MARSAD_ALLOW_PRIVATE_HOSTS"):
        enrich.enrich(store, settings)
    assert server.requests == []
    assert enrich.after_round(store, settings) is None  # MARSAD_ENRICH is off by default
    assert server.requests == []

    report = enrich.enrich(store, settings, client=_client(store, settings, server))
    assert (report.looked_up, report.matched, report.ambiguous) == (6, 3, 1)
    assert (report.not_found, report.failed) == (1, 1)
    assert "بان كي مون" in report.problems[0] and "too slow" in report.problems[0]
    assert server.max_in_flight == 1  # one request at a time
    assert {ua for _, ua in server.requests} == {settings.enrich_user_agent}
    assert server.asked("أردوغان") == 0  # one article: under the threshold

    lavrov = store.get_entity("لافروف")
    assert lavrov["description"] == LAVROV_TEXT and lavrov["description_source"] == "ويكيبيديا"
    assert lavrov["description_url"] == "https://ar.wikipedia.org/wiki/سيرغي_لافروف"
    assert lavrov["wikidata"] == "Q80115"
    assert "سيرغي فيكتوروفيتش لافروف" in lavrov["aliases"]
    found = stored.get(store, lavrov["id"])
    assert (found["image_artist"], found["image_licence"]) == ("Kremlin.ru", "CC BY 4.0")
    assert found["licence"] == "CC BY-SA 4.0"
    # rate limited once (429 + Retry-After), then answered: two requests, described
    assert server.asked("summary/جون_كيري") == 2
    assert store.get_entity("كيري")["description"] == "جون فوربس كيري سياسي أمريكي."
    # a disambiguation page: the one item of the right type is taken, its article describes
    tripoli = store.get_entity("طرابلس")
    assert tripoli["wikidata"] == "Q3579" and tripoli["description"].startswith("طرابلس عاصمة")
    # two people of that name: nothing stored, and why is recorded
    hariri = store.get_entity("سعد الحريري")
    assert hariri["description"] is None and hariri["wikidata"] is None
    assert stored.get(store, hariri["id"])["reason"] == "ambiguous: Q6001, Q6002"
    assert store.get_entity("حزب الوهم")["description"] is None
    assert store.get_entity("بان كي مون")["description"] is None

    # the page opens with the summary, its source and licence, and the image's credit
    web = TestClient(create_app(store, settings))
    page = web.get("/entity/لافروف").text
    assert (
        LAVROV_TEXT in page
        and "CC BY-SA 4.0" in page
        and "creativecommons.org/licenses/by-sa" in page
    )
    assert "Kremlin.ru" in page and "Sergey Lavrov 2019.jpg" in page and "Q80115" in page
    assert web.get("/api/entity/لافروف").json()["enrichment"]["wikidata"] == "Q80115"

    # the next round (after a crawl, MARSAD_ENRICH=on) asks only what failed: the rest is
    # matched, recorded as not found, or cached
    server.slow.clear()
    before = len(server.requests)
    again = enrich.after_round(
        store, dataclasses.replace(settings, enrich=True, allow_private_hosts=("127.0.0.1",))
    )
    assert again is not None and (again.looked_up, again.matched) == (1, 1)
    new = [path for path, _ in server.requests[before:]]
    assert new and all("بان" in p or "Q1253" in p for p in new), new
    assert store.get_entity("بان كي مون")["description"] == "دبلوماسي كوري جنوبي"

    # a wrong match undone by the operator (CLI) stays undone
    run_env = dict(os.environ, **env, MARSAD_ALLOW_PRIVATE_HOSTS="127.0.0.1")
    undo = subprocess.run(
        [sys.executable, "-m", "marsad.cli", "kb", "enrich", "--undo", "طرابلس"],
        env=run_env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert undo.returncode == 0, undo.stderr
    assert json.loads(undo.stdout)["aliases_removed"] == ["طرابلس الغرب"]
    tripoli = store.get_entity("طرابلس")
    assert tripoli["description"] is None and tripoli["wikidata"] is None
    assert "طرابلس الغرب" not in tripoli["aliases"]
    # … and over the admin API
    answer = web.delete(
        "/api/admin/entity/كيري/enrichment",
        headers={"Authorization": f"Bearer {settings.admin_token}"},
    )
    assert answer.status_code == 200 and answer.json()["wikidata"] == "Q22316"
    assert store.get_entity("كيري")["description"] is None
    assert "CC BY-SA" not in web.get("/entity/كيري").text

    before = len(server.requests)
    rerun = subprocess.run(
        [sys.executable, "-m", "marsad.cli", "kb", "enrich"],
        env=run_env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert rerun.returncode == 0, rerun.stderr
    assert "looked up 0" in rerun.stdout  # rejected, matched or recently not found
    assert len(server.requests) == before
    load_kb(store, KB)  # a KB reload does not bring the removed alias back either
    assert store.get_entity("طرابلس")["description"] is None
    assert "طرابلس الغرب" not in store.get_entity("طرابلس")["aliases"]


def test_the_operator_asks_for_one_entity_over_the_admin_api(world):
    store, settings, server, _ = world
    settings = dataclasses.replace(settings, allow_private_hosts=("127.0.0.1",))
    web = TestClient(create_app(store, settings))
    ask = {"entity": "رجب طيب أردوغان"}  # one article: under the threshold, asked for by name
    assert web.post("/api/admin/enrich", json=ask).status_code == 401
    auth = {"Authorization": f"Bearer {settings.admin_token}"}
    done = web.post("/api/admin/enrich", json=ask, headers=auth)
    assert done.status_code == 200, done.text
    assert (done.json()["looked_up"], done.json()["matched"]) == (1, 1)
    assert server.asked("لافروف") == 0 and server.asked("أردوغان") >= 1  # that one only
    erdogan = store.get_entity("رجب طيب أردوغان")
    assert erdogan["wikidata"] == "Q39259" and erdogan["description"] == "رئيس تركيا."
    assert "رئيس تركيا." in web.get(f"/entity/{erdogan['slug']}").text
    # asked twice for an ambiguous name: the second time every answer comes from the cache
    first = web.post("/api/admin/enrich", json={"entity": "سعد الحريري"}, headers=auth).json()
    assert (first["ambiguous"], first["requests"]) == (1, 3)  # summary, search, items
    again = web.post("/api/admin/enrich", json={"entity": "سعد الحريري"}, headers=auth).json()
    assert (again["looked_up"], again["ambiguous"], again["requests"]) == (1, 1, 0)
    missing = web.post("/api/admin/enrich", json={"entity": "لا-أحد"}, headers=auth)
    assert missing.status_code == 404


@pytest.mark.postgres
def test_enrich_and_undo_on_postgres(pg_url, tmp_path):
    pytest.importorskip("psycopg", reason="psycopg is not installed (pip install -e '.[dev]')")
    from marsad_testing import fresh_postgres_database

    server = _wikimedia()
    server.slow.clear()
    try:
        settings = load_settings(
            {
                "MARSAD_DATA_DIR": str(tmp_path),
                "MARSAD_DATABASE_URL": fresh_postgres_database(pg_url),
                "MARSAD_NER": "gazetteer",
                "MARSAD_WIKIPEDIA_URL": server.base,
                "MARSAD_WIKIDATA_API": f"{server.base}/w/api.php",
                "MARSAD_COMMONS_API": f"{server.base}/commons/api.php",
                "MARSAD_ENRICH_MIN_ARTICLES": "2",
            }
        )
        store = Store(settings.database_url)
        load_kb(store, KB)
        news = tmp_path / "news.jsonl"
        news.write_text("\n".join(json.dumps(a, ensure_ascii=False) for a in _articles()), "utf-8")
        ingest_paths(store, settings, [news])
        report = enrich.enrich(store, settings, client=_client(store, settings, server))
        assert (report.looked_up, report.matched, report.failed) == (6, 4, 0)
        assert store.get_entity("لافروف")["description"] == LAVROV_TEXT
        enrich.undo(store, "لافروف")
        assert store.get_entity("لافروف")["description"] is None
        asked = len(server.requests)
        assert (
            enrich.enrich(store, settings, client=_client(store, settings, server)).looked_up == 0
        )
        assert len(server.requests) == asked
        store.close()
    finally:
        server.close()
