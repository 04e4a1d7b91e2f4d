"""Articles ever per source (``source_totals``, store/source_totals.py): what the search
page's source menu shows, equal to the sum of ``day_totals`` after ingest and rebuilds."""

from __future__ import annotations

from sqlalchemy import text

from marsad.store import listing, rollups, source_totals


def sums(conn) -> tuple[dict, dict]:  # noqa: ANN001
    kept = dict(conn.execute(text("SELECT source_id, articles FROM source_totals")).all())
    days = "SELECT source_id, sum(articles) FROM day_totals GROUP BY source_id"
    return kept, dict(conn.execute(text(days)).all())


def test_the_source_menu_is_the_sum_of_every_day(small):
    store, _ = small
    with store.engine.begin() as conn:
        kept, summed = sums(conn)
        assert kept == summed and kept[0] == 8  # source 0: every source
        menu = listing.source_counts(conn, "0000-00-00", "9999-99-99", whole=True)
        assert menu == listing.source_counts(conn, "0000-00-00", "9999-99-99")
        assert [r["name"] for r in menu][:1] and menu[0]["articles"] >= menu[-1]["articles"]
        rollups.rebuild(conn)  # deletes and inserts every day: the triggers follow
        assert sums(conn)[0] == summed
        rollups.recount_day_totals(conn, ["2026-03-10"])
        assert sums(conn)[0] == summed
        conn.execute(text("DROP TABLE source_totals"))
        source_totals.create(conn)  # a database from before the table
        assert sums(conn)[0] == summed
