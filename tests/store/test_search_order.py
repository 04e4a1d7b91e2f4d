"""Search result order with filters: newest published first, undated last; past the
count cap, most recently stored first."""

from __future__ import annotations

from datetime import UTC, datetime

from marsad.arabic.normalise import normalise
from marsad.models import Article, Source
from marsad.store import listing
from marsad.store.database import Store
from marsad.store.listing import SearchFilters

SANA = Source(slug="sana", name="سانا")
RT = Source(slug="rt", name="RT Arabic")


def _add(store: Store, n: int, source: Source, day: int | None) -> int:
    title = f"لافروف يلتقي نظيره التركي في أنقرة رقم {n}"
    text = f"قال وزير الخارجية الروسي سيرغي لافروف في المؤتمر {n} إن المحادثات بناءة."
    published = datetime(2026, 3, day, 9, tzinfo=UTC) if day else None
    return store.add_article(
        Article(title=title, text=text, source=source, published=published),
        content_hash=f"h{n}",
        day=published.date().isoformat() if published else None,
        mentions=[],
        search_title=normalise(title),
        search_body=normalise(text),
    )


def _search(store: Store, filters: SearchFilters, limit: int = 20) -> tuple[int, list[int]]:
    with store.engine.connect() as conn:
        total, _cap, rows = listing.search(conn, normalise("لافروف"), filters, limit, 0)
    return total, [r["id"] for r in rows]


def test_filtered_search_is_newest_published_first_with_undated_last(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'm.db'}")
    # stored out of date order: ids do not follow publication days
    late, undated, early, other = (
        _add(store, 1, SANA, 20),
        _add(store, 2, SANA, None),
        _add(store, 3, SANA, 5),
        _add(store, 4, RT, 25),
    )
    total, ids = _search(store, SearchFilters(source_id=store.source_id(SANA)))
    assert total == 3 and ids == [late, early, undated] and other not in ids
    total, ids = _search(store, SearchFilters(start="2026-03-01", end="2026-03-21"))
    assert total == 2 and ids == [late, early]


def test_filtered_search_past_the_cap_lists_the_most_recently_stored(tmp_path, monkeypatch):
    store = Store(f"sqlite:///{tmp_path / 'm.db'}")
    monkeypatch.setattr(listing, "FILTERED_COUNT_CAP", 3)
    ids = [_add(store, n, SANA, 28 - n) for n in range(5)]  # later stored, earlier published
    total, found = _search(store, SearchFilters(source_id=store.source_id(SANA)), limit=2)
    assert total == 4  # cap + 1: shown as "more than 3"
    assert found == [ids[4], ids[3]]
