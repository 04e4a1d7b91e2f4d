"""Watchlists match the news stored after them: once each, across restarts, and only
when the article's entities are known."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from marsad.alerts import watchlists
from marsad.alerts.delivery import run_alerts
from marsad.errors import InputError, NotFound
from marsad.pipeline import Pipeline
from marsad.store.database import Store


def matched_titles(store: Store, name: str) -> list[str]:
    row = watchlists.find(store, name)
    data = watchlists.watchlist_page(store, row["feed_token"])
    return sorted(a.title for a in data.articles)


def test_entity_query_and_source_watchlists_match_only_news_stored_after_them(news):
    watchlists.create(news.store, "لافروف", entities=["سيرجي لافروف"])  # any alias
    watchlists.create(news.store, "موسكو", query="موسكو")
    watchlists.create(news.store, "أنقرة في سانا", query="أنقرة", source="sana")
    watchlists.create(news.store, "كيري في جنيف", entities=["كيري"], query="جنيف")
    news.ingest_rest()
    report = run_alerts(news.store, news.settings)
    assert [w.matched for w in report.watchlists] == [2, 1, 1, 1]
    # articles 0–2 were stored before: "موسكو تستضيف…" (line 1) is not news for them
    assert matched_titles(news.store, "لافروف") == [
        "اتصال هاتفي بين لافروف وكيري",
        "لافروف: موسكو منفتحة على الحوار",
    ]
    # "بموسكو" in the text: the clitic forms of the search page
    assert matched_titles(news.store, "موسكو") == ["لافروف: موسكو منفتحة على الحوار"]
    # أنقرة is in two new articles; only SANA's is kept
    assert matched_titles(news.store, "أنقرة في سانا") == ["أردوغان يستقبل وفدا في أنقرة"]
    assert matched_titles(news.store, "كيري في جنيف") == ["اتصال هاتفي بين لافروف وكيري"]


def test_an_article_is_matched_once_even_when_read_again_after_a_restart(news):
    watchlists.create(news.store, "لافروف", entities=["لافروف"])
    with news.store.engine.connect() as conn:
        start = conn.execute(text("SELECT cursor FROM watchlists")).scalar()
    news.ingest_rest()
    assert run_alerts(news.store, news.settings).watchlists[0].matched == 2
    assert run_alerts(news.store, news.settings).watchlists[0].matched == 0

    news.store.close()
    again = Store(news.settings.database_url)  # a restart: the state is in the database
    with again.engine.begin() as conn:  # as if the cursor had been lost: read them again…
        conn.execute(text("UPDATE watchlists SET cursor = :c"), {"c": start})
    assert run_alerts(again, news.settings).watchlists[0].matched == 0  # …none is new
    with again.engine.connect() as conn:
        rows = conn.execute(text("SELECT article_id FROM watchlist_articles")).all()
    assert len(rows) == 2
    assert watchlists.all_watchlists(again)[0].matched == 2
    again.close()


def test_articles_waiting_for_analysis_are_matched_once_analysed(news):
    watchlists.create(news.store, "لافروف", entities=["لافروف"])
    news.ingest_rest(defer_analysis=True)
    assert run_alerts(news.store, news.settings).watchlists[0].matched == 0
    assert matched_titles(news.store, "لافروف") == []
    Pipeline(news.store, news.settings).analyse_pending()
    assert run_alerts(news.store, news.settings).watchlists[0].matched == 2
    assert matched_titles(news.store, "لافروف") == [
        "اتصال هاتفي بين لافروف وكيري",
        "لافروف: موسكو منفتحة على الحوار",
    ]


def test_a_watched_entity_merged_away_is_followed_to_where_its_articles_went(news):
    from marsad.entities import edits

    watchlists.create(news.store, "كيري", entities=["جون كيري"])
    edits.merge(news.store, "جون كيري", "سيرغي لافروف")  # an operator's (odd) merge
    news.ingest_rest()
    assert run_alerts(news.store, news.settings).watchlists[0].matched == 2
    assert [e.name for e in watchlists.all_watchlists(news.store)[0].entities] == ["سيرغي لافروف"]


def test_watchlists_refuse_what_cannot_work(news):
    with pytest.raises(InputError, match="needs entities"):
        watchlists.create(news.store, "فارغة")
    with pytest.raises(NotFound):
        watchlists.create(news.store, "مجهول", entities=["شخص لا وجود له أبدا"])
    with pytest.raises(NotFound, match="no source"):
        watchlists.create(news.store, "مصدر", query="سوريا", source="no-such-source")
    with pytest.raises(InputError, match="http"):
        watchlists.create(news.store, "رابط", query="سوريا", webhook_url="file:///etc/passwd")
    with pytest.raises(InputError, match="e-mail"):
        watchlists.create(news.store, "بريد", query="سوريا", email_to="a@b.c\r\nBcc: x@y.z")
    watchlists.create(news.store, "سوريا", query="سوريا")
    with pytest.raises(InputError, match="exists"):
        watchlists.create(news.store, "سوريا", query="دمشق")
    assert watchlists.remove(news.store, "سوريا") == {"removed": "سوريا"}
    with pytest.raises(NotFound):
        watchlists.find(news.store, "سوريا")


@pytest.mark.postgres
def test_watchlists_match_and_deliver_once_on_postgres(pg_url, tmp_path, receiver):
    from marsad.entities.kb import load_kb, read_kb
    from marsad.ingest import ingest_paths
    from marsad_testing import DATA, fresh_postgres_database, make_settings

    settings = make_settings(tmp_path)
    store = Store(fresh_postgres_database(pg_url))
    load_kb(store, read_kb(DATA / "kb_small.jsonl"))
    lines = (DATA / "articles_small.jsonl").read_text(encoding="utf-8").splitlines()
    first, later = tmp_path / "first.jsonl", tmp_path / "later.jsonl"
    first.write_text("\n".join(lines[:3]) + "\n", encoding="utf-8")
    later.write_text("\n".join(lines[3:]) + "\n", encoding="utf-8")
    ingest_paths(store, settings, [first])
    watchlists.create(store, "لافروف", entities=["لافروف"], webhook_url=receiver.url)
    watchlists.create(store, "موسكو", query="موسكو")
    ingest_paths(store, settings, [later])
    report = run_alerts(store, settings)
    assert [w.matched for w in report.watchlists] == [2, 1]
    assert report.watchlists[0].webhook_sent == 2 and report.errors == []
    assert matched_titles(store, "موسكو") == ["لافروف: موسكو منفتحة على الحوار"]
    with store.engine.begin() as conn:
        conn.execute(text("UPDATE watchlists SET cursor = 0"))
    assert [w.matched for w in run_alerts(store, settings).watchlists] == [2, 1]  # 0–2 now
    assert [w.matched for w in run_alerts(store, settings).watchlists] == [0, 0]
    sent = [a["id"] for body in receiver.accepted() for a in body["articles"]]
    assert len(sent) == len(set(sent)) == 4  # the first round's two, then 0–2's two: once each
    store.close()
