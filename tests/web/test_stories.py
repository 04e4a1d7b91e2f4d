"""One item per story in the lists, quotes once with their sources, and the story page
(HTML and JSON), on hand-written articles: one story told by four sources (a verbatim
copy among them), two rewrites with the same headline on the same day, one lone article."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from marsad import pages
from marsad.analytics.stories import headline_changes, headline_key
from marsad.entities.kb import load_kb, read_kb
from marsad.ingest import ingest_paths
from marsad.store.database import Store
from marsad.story_page import story_page
from marsad.web.app import create_app
from marsad_testing import DATA, fresh_postgres_database, make_settings

ANKARA = "لافروف يصل إلى أنقرة لبحث الأزمة السورية"


@pytest.fixture(scope="module")
def told(tmp_path_factory):
    settings = make_settings(tmp_path_factory.mktemp("stories"))
    store = Store(settings.database_url)
    load_kb(store, read_kb(DATA / "kb_small.jsonl"))
    report = ingest_paths(store, settings, [DATA / "articles_stories.jsonl"])
    assert (report.new, report.duplicates) == (6, 1)  # الوطن's copy is stored once
    yield store, settings
    store.close()


@pytest.fixture(scope="module")
def client(told):
    return TestClient(create_app(*told))


def test_headline_key_drops_badges_and_folds_spellings():
    assert headline_key("بالفيديو.. " + ANKARA) == headline_key(ANKARA)
    assert headline_key("كيري يلتقي لافروف في جنيف (تحديث)") == headline_key(
        "كيري يلتقي لافروف في جنيف"
    )
    assert headline_key("سيرجي لافروف في سورية") == headline_key("سيرغي لافروف في سوريا")
    assert headline_key("لافروف في أنقرة") != headline_key("لافروف في موسكو")


def test_headline_changes_mark_added_and_removed_words():
    changes = headline_changes(ANKARA, "وزير الخارجية الروسي في أنقرة لبحث الأزمة السورية")
    assert ("removed", "لافروف يصل إلى") in changes
    assert ("added", "وزير الخارجية الروسي في") in changes
    assert ("same", "أنقرة لبحث الأزمة السورية") in changes


def test_entity_news_shows_each_story_once_and_counts_every_article(told):
    store, settings = told
    data = pages.entity_page(store, settings, "لافروف")
    assert data.article_count == data.total_articles == 6  # counts unchanged
    titles = [a.title for a in data.articles]
    assert titles == [
        "لافروف يستقبل وزير الخارجية المصري في موسكو",
        "كيري يلتقي لافروف في جنيف (تحديث)",  # the rewrite with the same headline joins it
        "وزير الخارجية الروسي في أنقرة لبحث الأزمة السورية",  # newest of its story
    ]
    ankara = data.articles[2]
    assert ankara.other_sources == 3
    assert [(o.source, o.verbatim) for o in ankara.others] == [
        ("سانا", False),
        ("RT Arabic", False),
        ("الوطن", True),
    ]
    geneva = data.articles[1]
    assert [o.source for o in geneva.others] == ["سانا"] and geneva.other_sources == 1
    every = pages.entity_page(store, settings, "لافروف", repeats=True)
    assert len(every.articles) == 6 and every.article_count == 6


def test_a_quote_carried_by_three_articles_is_shown_once_with_its_sources(told):
    store, settings = told
    said = pages.entity_page(store, settings, "لافروف").quotes
    texts = [q.text for q in said]
    assert len(texts) == len(set(texts))
    solution = next(q for q in said if q.text.startswith("الحل السياسي هو الطريق الوحيد"))
    assert solution.source == "الأناضول"  # the newest copy leads
    assert sorted(c.source for c in solution.copies) == ["RT Arabic", "سانا"]
    page = pages.quotes_page(store, "لافروف")
    assert [q.text for q in page.quotes].count(solution.text) == 1
    assert page.total == sum(1 + len(q.copies) for q in page.quotes) > len(page.quotes)


def test_story_page_names_the_first_publisher_the_lags_and_headline_differences(client):
    data = client.get("/api/story/3").json()  # any article of the story opens it
    assert data["id"] == 1 and data["title"] == ANKARA
    assert data["first"]["source"] == "سانا"
    lags = [(a["source"], a["lag_minutes"], a["verbatim"]) for a in data["articles"]]
    assert lags == [
        ("سانا", 0, False),
        ("RT Arabic", 45, False),
        ("الأناضول", 140, False),
        ("الوطن", 180, True),  # the verbatim copy, at the time الوطن published it
    ]
    assert data["span_minutes"] == 180
    heads = {h["title"]: h for h in data["headlines"]}
    assert heads[ANKARA]["sources"] == ["سانا", "الوطن"] and heads[ANKARA]["changes"] == []
    video = heads["بالفيديو.. " + ANKARA]["changes"]
    assert video[0] == {"text": "بالفيديو..", "change": "added"}
    assert {s["slug"] for s in data["sources"]} == {"sana", "rt", "aa", "watan"}


def test_story_page_html_lists_every_source_first_first(client):
    html = client.get("/story/1").text
    assert "نشرها أولا" in html and "بعد 45 دقيقة" in html and "بعد ساعتين و20 دقيقة" in html
    assert "بعد 3 ساعات" in html and "(النص نفسه)" in html
    assert '<ins title="ليست في العنوان الأول">بالفيديو..</ins>' in html
    assert html.index("سانا") < html.index("الأناضول")


def test_same_headline_rewrites_make_one_story_page(client):
    data = client.get("/api/story/5").json()
    assert [a["source"] for a in data["articles"]] == ["سانا", "RT Arabic"]
    assert data["articles"][1]["lag_minutes"] == 390


def test_lists_open_the_other_sources_and_link_the_story(client):
    html = client.get("/entity/لافروف").text
    assert html.count('<details class="story-others">') == 2
    assert "و<bdi>3</bdi> مصادر أخرى" in html and "ومصدر آخر" in html
    assert 'href="/story/1"' in html and 'href="/story/5"' in html
    assert "كل الأخبار (مع المكرر)" in html
    every = client.get("/entity/لافروف", params={"repeats": "true"}).text
    assert every.count('<details class="story-others">') == 0
    assert every.count('<li>\n    <h3><a href="/article/') == 6
    home = client.get("/api/home").json()
    assert [a["title"] for a in home["latest"]][1:] == [
        "كيري يلتقي لافروف في جنيف (تحديث)",
        "وزير الخارجية الروسي في أنقرة لبحث الأزمة السورية",
    ]
    assert "نقلته أيضا" in html  # the quote's other sources
    article = client.get("/article/2").text
    assert 'href="/story/1"' in article


def test_unknown_story_is_a_clear_404(client):
    assert client.get("/api/story/999").status_code == 404
    assert "لا توجد قصة" in client.get("/story/999").text


@pytest.mark.postgres
def test_stories_and_the_story_page_on_postgres(pg_url, tmp_path):
    store = Store(fresh_postgres_database(pg_url))
    settings = make_settings(tmp_path)
    load_kb(store, read_kb(DATA / "kb_small.jsonl"))
    ingest_paths(store, settings, [DATA / "articles_stories.jsonl"])
    data = pages.entity_page(store, settings, "لافروف")
    assert [len(a.others) for a in data.articles] == [0, 1, 3]
    story = story_page(store, data.articles[2].id)
    assert [(a.source, a.lag_minutes) for a in story.articles] == [
        ("سانا", 0),
        ("RT Arabic", 45),
        ("الأناضول", 140),
        ("الوطن", 180),
    ]
    said = pages.entity_page(store, settings, "لافروف").quotes
    assert len({q.text for q in said}) == len(said) == 2
    store.close()


def test_across_all_pages_a_story_is_shown_once_and_every_article_is_reachable(sample):
    store, settings = sample
    first = pages.entity_page(store, settings, "لافروف")
    shown, reachable, clusters = [], set(), []
    for n in range(1, first.pages + 1):
        for item in pages.entity_page(store, settings, "لافروف", page=n).articles:
            shown.append(item.id)
            clusters.append(item.story_id)
            reachable |= {item.id} | {o.id for o in item.others}
    every = {
        a.id
        for n in range(1, first.pages + 1)
        for a in pages.entity_page(store, settings, "لافروف", page=n, repeats=True).articles
    }
    assert len(every) == first.total_articles  # counts unchanged
    assert len(shown) == len(set(shown)) < len(every)  # fewer items than articles
    assert len(clusters) == len(set(clusters))  # a near-duplicate cluster leads once
    assert every <= reachable  # the others open every article not shown as an item
