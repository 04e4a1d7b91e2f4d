"""Any period on every counting page (issue 17): presets and from/to in the URL and the API,
weeks and months for long periods, the offer of the period where an entity's coverage is,
and undated articles counted on the day they were first seen."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from marsad.config import Settings
from marsad.entities.kb import load_kb, read_kb
from marsad.ingest import ingest_paths
from marsad.store import months, rollups
from marsad.store.database import Store
from marsad.web.app import create_app
from marsad_testing import DATA, make_settings, rollup_snapshot

# Lavrov was busy in the spring of 2025 (and once in January 2024); the archive's newest
# news, in November 2026, is about Erdogan and Kerry: the default period (the 30 days
# before the newest article) holds none of Lavrov.
LAVROV_SPRING = ["2025-04-02", "2025-04-03", "2025-04-03", "2025-04-20", "2025-05-01"]
ARTICLES = (
    [
        (f"لافروف يبحث الأزمة السورية في جنيف {i}", f"بحث سيرغي لافروف في جنيف الأزمة رقم {i}.", d)
        for i, d in enumerate(LAVROV_SPRING)
    ]
    + [("لافروف يزور أنقرة", "وصل سيرغي لافروف إلى أنقرة للقاء أردوغان.", "2024-01-15")]
    + [
        (f"أردوغان يستقبل كيري في أنقرة {i}", f"استقبل أردوغان جون كيري في أنقرة، اللقاء {i}.", d)
        for i, d in enumerate(["2026-11-01", "2026-11-10", "2026-11-18", "2026-11-20"])
    ]
)


def _jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), "utf-8")
    return path


def _article(title: str, body: str, day: str | None, source: str = "sana", n: int = 0) -> dict:
    row = {
        "title": title,
        "text": body,
        "source": source,
        "source_name": {"sana": "سانا", "rt": "RT Arabic"}.get(source, source),
        "url": f"https://{source}.example/{n}",
    }
    if day:
        row["published"] = f"{day}T10:00:00+03:00"
    return row


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> tuple[Store, Settings, TestClient]:
    tmp = tmp_path_factory.mktemp("periods")
    settings = make_settings(tmp)
    store = Store(settings.database_url)
    load_kb(store, read_kb(DATA / "kb_small.jsonl"))
    rows = [_article(t, b, d, n=i) for i, (t, b, d) in enumerate(ARTICLES)]
    ingest_paths(store, settings, [_jsonl(tmp / "archive.jsonl", rows)])
    return store, settings, TestClient(create_app(store, settings))


def _months_match_days(store: Store) -> None:
    """The month tables hold exactly the month sums of the daily tables (triggers)."""
    with store.engine.connect() as conn:
        for month_table, day_table, keys, counted in months.TABLES:
            key = ", ".join(("entity_id", "substr(day, 1, 7)", *keys))
            sums = ", ".join(f"sum({c})" for c in counted)
            expected = conn.execute(
                text(f"SELECT {key}, {sums} FROM {day_table} GROUP BY {key} ORDER BY {key}")
            ).all()
            key = ", ".join(("entity_id", "month", *keys))
            got = conn.execute(
                text(f"SELECT {key}, {', '.join(counted)} FROM {month_table} ORDER BY {key}")
            ).all()
            assert got == expected and got, month_table


def _csv(response) -> list[list[str]]:
    assert response.status_code == 200, response.text
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def _api(client: TestClient, url: str) -> dict:
    r = client.get(url)
    assert r.status_code == 200, r.text
    return r.json()


def test_default_period_holds_nothing_and_offers_where_the_coverage_is(archive):
    _, _, client = archive
    page = _api(client, "/api/entity/لافروف")
    assert page["period"]["preset"] == "30" and page["window_end"] == "2026-11-20"
    assert page["article_count"] == 0 and page["articles"] == [] and page["total_articles"] == 6
    cover = page["coverage"]
    assert (cover["first_day"], cover["last_day"]) == ("2024-01-15", "2025-05-01")
    assert (cover["start"], cover["end"]) == ("2025-04-02", "2025-05-01")  # 30 days
    html = client.get("/entity/لافروف").text
    assert 'id="coverage"' in html and "لا أخبار عن <bdi>سيرغي لافروف</bdi> في هذه الفترة" in html
    assert 'href="?from=2025-04-02&amp;to=2025-05-01"' in html
    offered = _api(client, "/api/entity/لافروف?from=2025-04-02&to=2025-05-01")
    assert offered["article_count"] == 5 and len(offered["articles"]) == 5
    assert offered["coverage"] is None and offered["period"]["preset"] is None
    assert {a["day"] for a in offered["articles"]} == set(LAVROV_SPRING)
    # an entity covered in the default period gets no offer
    assert _api(client, "/api/entity/أردوغان")["coverage"] is None


def test_presets_bucket_long_periods_by_week_and_month(archive):
    _, _, client = archive
    week = _api(client, "/api/entity/لافروف?period=7")
    assert week["period"]["bucket"] == "day" and len(week["timeline"]) == 7
    year = _api(client, "/api/entity/أردوغان?period=365")
    assert year["period"] == {
        "preset": "365",
        "start": "2025-11-21",
        "end": "2026-11-20",
        "bucket": "week",
    }
    starts = [date.fromisoformat(p["day"]) for p in year["timeline"]]
    assert starts[0] == date(2025, 11, 21) and all(d.weekday() == 5 for d in starts[1:])  # Sat
    assert sum(p["count"] for p in year["timeline"]) == year["article_count"] == 4
    everything = _api(client, "/api/entity/لافروف?period=all")
    assert everything["period"]["start"] == "2024-01-15"
    assert everything["period"]["bucket"] == "month"
    months = {p["day"]: p["count"] for p in everything["timeline"]}
    assert months["2025-04-01"] == 4 and months["2025-05-01"] == 1 and months["2024-01-15"] == 1
    assert everything["article_count"] == 6 and len(everything["articles"]) == 6
    html = client.get("/entity/لافروف?period=all").text
    assert "عدد الأخبار كل شهر" in html and "أبريل 2025" in html


def test_period_is_chosen_with_links_and_a_form_without_javascript(archive):
    _, _, client = archive
    html = client.get("/entity/لافروف?type=people&period=90&page=1").text
    picker = html[
        html.index('<nav class="period-picker"') : html.index(
            "</nav>", html.index('class="period-picker"')
        )
    ]
    assert 'href="?type=people&amp;period=365"' in picker  # other parameters kept, page dropped
    assert 'href="?type=people&amp;period=90" aria-current="true"' in picker
    assert '<form method="get"' in picker and 'name="type" value="people"' in picker
    assert 'name="from" value="2026-08-23"' in picker and 'name="to" value="2026-11-20"' in picker
    assert (
        client.get("/api/entity/لافروف?from=٢٠٢٥-٠٤-٠٢&to=٢٠٢٥-٠٥-٠١").json()["article_count"] == 5
    )
    # the pager, the exports and the feed keep the period
    assert "timeline.csv?period=90" in html and "feed.atom?period=90" in html


def test_bad_periods_are_refused_with_a_message(archive):
    _, _, client = archive
    r = client.get("/api/entity/لافروف?period=45")
    assert r.status_code == 400 and "period must be one of 7, 30, 90, 365, all" in r.json()["error"]
    r = client.get("/api/compare?e=لافروف&from=2026-02-01&to=2026-01-01")
    assert r.status_code == 400 and "from must not be after to" in r.json()["error"]
    r = client.get("/entity/لافروف?from=1-2-2026")
    assert r.status_code == 400 and "YYYY-MM-DD" in r.text


def test_compare_home_source_and_quotes_count_over_the_period(archive):
    _, _, client = archive
    both = _api(client, "/api/compare?e=لافروف&e=أردوغان&period=all")
    totals = {s["slug"]: s["total"] for s in both["series"]}
    assert sorted(totals.values()) == [5, 6] and both["period"]["bucket"] == "month"
    for s in both["series"]:
        assert sum(p["count"] for p in s["timeline"]) == s["total"]
    last_month = _api(client, "/api/compare?e=لافروف&e=أردوغان")
    assert sorted(s["total"] for s in last_month["series"]) == [0, 4]

    home = _api(client, "/api/home?from=2025-04-01&to=2025-04-30")
    assert [s["articles"] for s in home["sources"] if s["slug"] == "sana"] == [4]
    assert {a["day"] for a in home["latest"]} <= set(LAVROV_SPRING)
    assert sum(p["count"] for p in home["timeline"]) == 4 and len(home["timeline"]) == 30
    html = client.get("/?period=all").text
    assert 'aria-current="true">كل الأرشيف</a>' in html and "عدد الأخبار كل شهر" in html

    source = _api(client, "/api/source/sana?period=365")
    assert (source["period_articles"], source["total_articles"]) == (4, 10)
    assert len(source["articles"]) == 4
    quotes = _api(client, "/api/entity/لافروف/quotes?period=7")
    assert quotes["period"]["preset"] == "7" and quotes["total"] == 0


def test_sources_page_says_which_period_its_counts_cover(archive):
    _, _, client = archive
    rows = {r["slug"]: r for r in _api(client, "/api/sources?period=all")}
    assert (rows["sana"]["period_articles"], rows["sana"]["articles"]) == (10, 10)
    rows = {r["slug"]: r for r in _api(client, "/api/sources")}
    assert rows["sana"]["period_articles"] == 4  # November 2026
    html = client.get("/sources?from=2025-04-01&to=2025-04-30").text
    assert 'الأخبار في الفترة (<time datetime="2025-04-01">' in html
    assert "<td>4</td><td>10</td>" in html and 'href="/source/sana?from=2025-04-01' in html


def test_long_periods_read_month_sums_equal_to_the_days(archive, monkeypatch):
    store, _, _ = archive
    _months_match_days(store)
    lavrov = store.get_entity("لافروف")["id"]

    def counts(start: str, end: str) -> tuple:
        with store.engine.connect() as conn:
            return (
                rollups.entity_total(conn, lavrov, start, end),
                rollups.cooccurrences(conn, lavrov, start, end),
                rollups.top_sources(conn, lavrov, start, end, 10),
            )

    periods = [("2024-01-10", "2026-11-20"), ("2025-03-15", "2025-06-10")]
    with store.engine.connect() as conn:
        assert all(months.available(conn, a, b) for a, b in periods)
    by_month = [counts(a, b) for a, b in periods]
    monkeypatch.setattr(months, "MONTHLY_FROM", 10_000)  # read the days only
    assert [counts(a, b) for a, b in periods] == by_month
    assert by_month[0][0] == 6 and by_month[1][0] == 5
    assert [r["name"] for r in by_month[1][2]] == ["سانا"]
    shared = {r["name"]: r["shared"] for r in by_month[0][1]}
    assert shared["جنيف"] == 5 and shared["أنقرة"] == 1


def test_exports_and_feeds_take_the_period(archive):
    _, _, client = archive
    rows = _csv(client.get("/entity/لافروف/timeline.csv?period=90"))
    assert rows[0] == ["day", "articles", "stories"] and len(rows) == 1 + 90
    spring = "/entity/لافروف/timeline.csv?from=2025-04-01&to=2025-04-30"
    rows = _csv(client.get(spring))
    assert len(rows) == 31 and sum(int(r[1]) for r in rows[1:]) == 4
    assert len(_csv(client.get("/entity/لافروف/articles.csv"))) == 7  # every row, all time
    related = _csv(client.get("/entity/لافروف/related.csv?period=all"))
    assert {r[2] for r in related[1:]} >= {"جنيف"}
    assert _csv(client.get("/entity/لافروف/related.csv")) == [related[0]]  # none in 30 days
    feed = client.get("/entity/لافروف/feed.atom?period=all").text
    assert feed.count("<entry>") == 6
    assert client.get("/entity/لافروف/feed.atom").text.count("<entry>") == 0
    svg = client.get("/entity/لافروف/chart.svg?period=all").text
    assert "أبريل 2025" in svg


def test_undated_article_counts_on_the_day_first_seen_until_a_date_is_found(tmp_path):
    settings = make_settings(tmp_path)
    store = Store(settings.database_url)
    load_kb(store, read_kb(DATA / "kb_small.jsonl"))
    client = TestClient(create_app(store, settings))
    title, body = "كيري يصل إلى جنيف", "وصل جون كيري إلى جنيف صباح اليوم للقاء سيرغي لافروف."
    before = datetime.now(settings.tz).date()
    ingest_paths(store, settings, [_jsonl(tmp_path / "a.jsonl", [_article(title, body, None)])])
    seen = {before.isoformat(), datetime.now(settings.tz).date().isoformat()}

    page = _api(client, "/api/entity/كيري?period=7")
    assert page["article_count"] == 1 and page["total_articles"] == 1
    [item] = page["articles"]
    assert item["undated"] is True and item["published"] is None and item["day"] in seen
    assert sum(p["count"] for p in page["timeline"]) == 1
    assert [r["slug"] for r in page["related"]] == [] and page["sources"][0]["articles"] == 1
    html = client.get("/entity/كيري?period=7").text
    assert "تاريخ النشر غير معروف" in html
    [_, exported] = _csv(client.get("/entity/كيري/articles.csv"))
    assert exported[1] == item["day"] and exported[2] == ""  # counted day; no publication time

    # another source carries the same article with its date: the date replaces the guess
    copy = _article(title, body, "2026-03-10", source="rt", n=1)
    ingest_paths(store, settings, [_jsonl(tmp_path / "b.jsonl", [copy])])
    dated = _api(client, "/api/entity/كيري?period=all")
    [item] = dated["articles"]
    assert item["undated"] is False and item["day"] == "2026-03-10"
    assert dated["period"]["start"] == "2026-03-10"
    with store.engine.connect() as conn:
        assert rollups.daily_counts(conn, None, "2026-03-10", "2026-03-10") == {"2026-03-10": 1}
        assert all(d == "2026-03-10" for (d,) in conn.execute(text("SELECT day FROM quotes")))
    counted = rollup_snapshot(store)
    with store.engine.begin() as conn:
        rollups.rebuild(conn)
    assert rollup_snapshot(store) == counted  # moved exactly as a full recount would
    _months_match_days(store)
    assert store.date_found(item["id"], datetime(2026, 1, 1), "2026-01-01") is False
    store.close()


def test_migration_counts_old_undated_articles_on_the_day_they_were_stored(tmp_path):
    settings = make_settings(tmp_path)
    store = Store(settings.database_url)
    load_kb(store, read_kb(DATA / "kb_small.jsonl"))
    row = _article("لافروف في موسكو", "قال سيرغي لافروف في موسكو إن الحوار مستمر.", None)
    ingest_paths(store, settings, [_jsonl(tmp_path / "a.jsonl", [row])])
    with store.engine.begin() as conn:  # as a database from before migration 19 left it
        conn.execute(text("UPDATE articles SET day = NULL, ingested_at = '2026-05-04 21:00:00'"))
        conn.execute(text("UPDATE article_entities SET day = NULL"))
        rollups.rebuild(conn)
        conn.execute(text("UPDATE meta SET value = '18' WHERE key = 'schema_version'"))
    store.close()
    store = Store(settings.database_url)
    with store.engine.connect() as conn:
        assert conn.execute(text("SELECT DISTINCT day FROM article_entities")).all() == [
            ("2026-05-04",)
        ]
    assert store.entity_total(store.get_entity("لافروف")["id"], "2026-05-04", "2026-05-04") == 1
    store.close()


def test_an_undated_article_does_not_move_an_old_archive_to_today(tmp_path):
    settings = make_settings(tmp_path)
    store = Store(settings.database_url)
    load_kb(store, read_kb(DATA / "kb_small.jsonl"))
    rows = [
        _article("لافروف في جنيف", "وصل سيرغي لافروف إلى جنيف.", "2025-04-02"),
        _article("كيري في أنقرة", "وصل جون كيري إلى أنقرة.", None, n=1),
    ]
    ingest_paths(store, settings, [_jsonl(tmp_path / "a.jsonl", rows)])
    client = TestClient(create_app(store, settings))
    page = _api(client, "/api/entity/لافروف")
    assert page["window_end"] == "2025-04-02" and page["article_count"] == 1
    everything = _api(client, "/api/entity/كيري?period=all")
    assert everything["article_count"] == 1 and everything["period"]["end"] > "2025-04-02"
    store.close()
