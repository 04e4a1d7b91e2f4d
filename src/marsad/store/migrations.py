"""Versioned migrations: each step runs once, in order, recorded in ``meta.schema_version``."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Connection, inspect, select, text

from marsad.store import schema


def _create_tables(conn: Connection) -> None:
    schema.metadata.create_all(conn)


def _create_search_index(conn: Connection) -> None:
    if conn.dialect.name == "sqlite":
        # Normalised copies of title and body; rowid is the article id.
        conn.execute(
            text("CREATE VIRTUAL TABLE IF NOT EXISTS articles_fts USING fts5(title, body)")
        )
    else:
        conn.execute(
            text(
                "CREATE TABLE IF NOT EXISTS article_search "
                "(article_id integer PRIMARY KEY REFERENCES articles(id), doc tsvector NOT NULL)"
            )
        )
        conn.execute(
            text("CREATE INDEX IF NOT EXISTS ix_article_search ON article_search USING gin (doc)")
        )


def _create_crawl_and_story_tables(conn: Connection) -> None:
    """3: URLs the crawler fetched; MinHash signatures for stories; copies by URL."""
    schema.fetched_urls.create(conn, checkfirst=True)
    schema.article_signatures.create(conn, checkfirst=True)
    schema.ix_article_sources_url.create(conn, checkfirst=True)


def _create_rollups(conn: Connection) -> None:
    """4: pre-aggregated daily counts per entity, source and entity pair (store/rollups.py)."""
    from marsad.store import rollups

    for table in (
        schema.entity_days,
        schema.entity_source_days,
        schema.pair_days,
        schema.day_totals,
        schema.entity_totals,  # (11) rebuild fills it too
    ):
        table.create(conn, checkfirst=True)
    rollups.rebuild(conn)


def _entity_resolution(conn: Connection) -> None:
    """5: dated roles, operator alias blocks, merge redirects (entities.merged_into)."""
    schema.entity_roles.create(conn, checkfirst=True)
    schema.alias_blocks.create(conn, checkfirst=True)
    columns = {c["name"] for c in inspect(conn).get_columns("entities")}
    if "merged_into" not in columns:
        conn.execute(text("ALTER TABLE entities ADD COLUMN merged_into INTEGER"))


def _entity_news_index(conn: Connection) -> None:
    """6: entity news lists newest day first without sorting (web: store/listing.py)."""
    conn.execute(
        text(
            "CREATE INDEX IF NOT EXISTS ix_article_entities_entity_day_article "
            "ON article_entities (entity_id, day, article_id)"
        )
    )


def _article_meta_index(conn: Connection) -> None:
    """7: (id, day, source_id) for search filters and date order: a hit's day and source
    are read from this narrow index, not from the article row with its whole text."""
    conn.execute(
        text("CREATE INDEX IF NOT EXISTS ix_articles_meta ON articles (id, day, source_id)")
    )


def _quotes(conn: Connection) -> None:
    """8: quotes (who said what, SPEC §7); ``marsad quotes`` fills them for stored articles."""
    schema.quotes.create(conn, checkfirst=True)


def _quotes_by_day(conn: Connection) -> None:
    """9: the newest quotes of all speakers (home page) without sorting the table."""
    conn.execute(text("CREATE INDEX IF NOT EXISTS ix_quotes_day ON quotes (day, article_id)"))


def _pending_analysis(conn: Connection) -> None:
    """10: articles stored with their analysis deferred (``marsad ingest --defer-analysis``)."""
    schema.pending_analysis.create(conn, checkfirst=True)


def _entity_totals(conn: Connection) -> None:
    """11: articles ever per entity (``entity_totals``), filled from ``entity_days``."""
    from marsad.store import rollups

    schema.entity_totals.create(conn, checkfirst=True)
    conn.execute(text("DELETE FROM entity_totals"))
    rollups.fill_totals(conn)


def _slug_redirects(conn: Connection) -> None:
    """12: old slugs of entities renamed after usage (``slug_redirects``)."""
    schema.slug_redirects.create(conn, checkfirst=True)


def _mention_types(conn: Connection) -> None:
    """13: the recogniser's type of each mention (``mentions.type``): an entity's type is
    decided by all its mentions (entities.consolidate), not by the one that created it."""
    columns = {c["name"] for c in inspect(conn).get_columns("mentions")}
    if "type" not in columns:
        conn.execute(text("ALTER TABLE mentions ADD COLUMN type VARCHAR(16)"))


def _watchlists(conn: Connection) -> None:
    """14: alerts: saved searches (``watchlists``) and what each matched and delivered."""
    schema.watchlists.create(conn, checkfirst=True)
    schema.watchlist_articles.create(conn, checkfirst=True)


def _copy_times(conn: Connection) -> None:
    """15: when each source published its verbatim copy (``article_sources.published``),
    for the story page's "who published first"; copies stored before stay unknown."""
    columns = {c["name"] for c in inspect(conn).get_columns("article_sources")}
    if "published" not in columns:
        kind = "TIMESTAMP WITH TIME ZONE" if conn.dialect.name == "postgresql" else "DATETIME"
        conn.execute(text(f"ALTER TABLE article_sources ADD COLUMN published {kind}"))


def _enrichments(conn: Connection) -> None:
    """16: what `marsad kb enrich` found per entity, and the public APIs' cached answers."""
    schema.enrichments.create(conn, checkfirst=True)
    schema.api_cache.create(conn, checkfirst=True)


def _shared_work(conn: Connection) -> None:
    """17: many processes on one PostgreSQL (store/shared.py): leases on waiting articles
    and feeds, entities waiting for the global pass, change notices for page caches."""
    for table, column in (("pending_analysis", "claimed_by"), ("pending_analysis", "lease_until"),
                          ("feeds", "lease_until")):  # fmt: skip
        if column not in {c["name"] for c in inspect(conn).get_columns(table)}:
            kind = "TEXT" if column == "claimed_by" else "TIMESTAMP WITH TIME ZONE"
            if conn.dialect.name == "sqlite":
                kind = "TEXT" if column == "claimed_by" else "DATETIME"
            conn.execute(text(f"ALTER TABLE {table} ADD COLUMN {column} {kind}"))
    schema.unsettled_entities.create(conn, checkfirst=True)
    if conn.dialect.name == "postgresql":
        from marsad.store import shared

        shared.create_change_notices(conn)


def _mention_type_index(conn: Connection) -> None:
    """18: the recogniser's types of an entity's mentions counted from the index alone (the
    global pass votes on every touched entity's type: a big entity has hundreds of
    thousands of mentions, and reading their rows cost ten times more)."""
    conn.execute(
        text("CREATE INDEX IF NOT EXISTS ix_mentions_entity_type ON mentions (entity_id, type)")
    )


def _undated_on_first_seen(conn: Connection) -> None:
    """19: articles without a publication date are counted on the day they were first seen
    (``ingested_at``, its UTC day here; new ones get the day in the configured time zone):
    fill their ``day`` where it is missing, then recount the rollups that left them out."""
    from marsad.store import rollups

    first_seen = (
        "substr(ingested_at, 1, 10)"
        if conn.dialect.name == "sqlite"
        else "to_char(ingested_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')"
    )
    filled = conn.execute(
        text(f"UPDATE articles SET day = {first_seen} WHERE day IS NULL AND published IS NULL")
    ).rowcount
    if not filled:
        return
    for table in ("article_entities", "quotes", "article_signatures"):
        conn.execute(
            text(
                f"UPDATE {table} SET day = (SELECT a.day FROM articles a "
                f"WHERE a.id = {table}.article_id) WHERE day IS NULL"
            )
        )
    rollups.rebuild(conn)


def _period_count_indexes(conn: Connection) -> None:
    """20: long periods read fast: month sums of the daily rollups kept by triggers
    (store/months.py, SQLite), and covering indexes (entity, day, …, count) so the days
    around the whole months read index pages only."""
    from marsad.store import months

    for name, table, columns in (
        ("ix_pair_days_cover", "pair_days", "entity_id, day, other_id, articles"),
        ("ix_entity_days_cover", "entity_days", "entity_id, day, articles, stories"),
        (
            "ix_entity_source_days_cover",
            "entity_source_days",
            "entity_id, day, source_id, articles",
        ),
    ):
        conn.execute(text(f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({columns})"))
    months.create(conn)


def _autocomplete_and_trending(conn: Connection) -> None:
    """21: autocomplete, search and the home page at a million articles: the word starts of
    every alias in order of coverage (``alias_starts``, kept by triggers:
    store/word_starts.py, SQLite), articles ever per source for the search page's source
    menu (``source_totals``, store/source_totals.py, SQLite), and the entities of a few
    days with their counts from the index alone (trending sums the last days first, then
    only the candidates' earlier days)."""
    from marsad.store import source_totals, word_starts

    conn.execute(
        text(
            "CREATE INDEX IF NOT EXISTS ix_entity_days_day_cover "
            "ON entity_days (day, entity_id, articles)"
        )
    )
    word_starts.create(conn)
    source_totals.create(conn)


def _entity_name_keys(conn: Connection) -> None:
    """22: keys of each entity's name (``entity_keys``, ``name_part_keys``) for the
    incremental global pass; empty here, filled by the first pass (entities.neighbours)."""
    schema.entity_keys.create(conn, checkfirst=True)
    schema.name_part_keys.create(conn, checkfirst=True)


def _mention_surface_index(conn: Connection) -> None:
    """23: how each entity is written, counted from an index alone (names follow usage:
    entities.naming reads every mention of each entity a round touched, and the big ones
    have hundreds of thousands: 0.77 → 0.06 CPU-s for a round's 169 at 100k)."""
    conn.execute(
        text(
            "CREATE INDEX IF NOT EXISTS ix_mentions_entity_surface ON mentions (entity_id, surface)"
        )
    )


def _window_totals(conn: Connection) -> None:
    """24: the home page at a million articles: the default period's articles per entity
    (its last three days and the days before) and per source, kept by triggers on the
    daily rollups (``window_bounds``, ``window_entities``, ``window_sources``:
    store/window_totals.py, SQLite), so trending and the source list read a few hundred
    rows instead of summing ~15,000 entity-days and ~6,000 source-days a request."""
    from marsad.store import window_totals

    window_totals.create(conn)


def _alias_keys(conn: Connection) -> None:
    """25: the keys the resolver finds known names by, read by key instead of every alias
    at the start of each run (``alias_keys``, ``alias_words``, ``alias_parts``, kept by
    triggers: store/alias_keys.py); the aliases already there are made keys of on the
    resolver's next load."""
    from marsad.store import alias_keys

    alias_keys.create(conn)


def _confirmed_names(conn: Connection) -> None:
    """26: the names the news confirmed (entities.confirmed); empty here, filled by the next
    global pass, which then looks for them in every article (no rules recorded yet)."""
    schema.confirmed_names.create(conn, checkfirst=True)


def _pair_days_clustered(conn: Connection) -> None:
    """27: a merge at a million articles (issue 18). SQLite: ``pair_days`` stored in the
    order of the key (entity, day, other) with its count (WITHOUT ROWID), so the table is
    the covering index the pages read (an entity's days: ``ix_pair_days_cover``, dropped)
    and a pair row is one B-tree entry instead of four (table, primary key, ``(entity_id,
    day)``, cover): a merge writes each of the source's pair rows' mirrors once. Rewrites
    every pair row once, read in that order from the cover index (1 M articles, 78 M rows:
    206 s). Both: the indexes that begin another index go, ``pair_days (entity_id, day)``
    (the cover index on PostgreSQL) and ``mentions (entity_id)`` (``(entity_id, type)``,
    ``(entity_id, surface)``: a merge moving a big entity's mentions updated three). Same
    rows either way."""
    for name in ("ix_pair_days_entity_day", "ix_mentions_entity_id"):
        conn.execute(text(f"DROP INDEX IF EXISTS {name}"))
    if conn.dialect.name != "sqlite":
        return
    table = conn.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'pair_days'"
    ).scalar()
    if "WITHOUT ROWID" not in (table or "").upper():
        kept = (
            conn.exec_driver_sql(  # its triggers (store/months.py), any other index
                "SELECT sql FROM sqlite_master WHERE tbl_name = 'pair_days' AND sql IS NOT NULL "
                "AND type IN ('index', 'trigger') AND name != 'ix_pair_days_cover' ORDER BY type, name"
            )
            .scalars()
            .all()
        )
        conn.exec_driver_sql(
            "CREATE TABLE pair_days_clustered (entity_id INTEGER NOT NULL, other_id INTEGER "
            "NOT NULL, day VARCHAR(10) NOT NULL, articles INTEGER NOT NULL, "
            "PRIMARY KEY (entity_id, day, other_id)) WITHOUT ROWID"
        )
        conn.exec_driver_sql(
            "INSERT INTO pair_days_clustered (entity_id, other_id, day, articles) "
            "SELECT entity_id, other_id, day, articles FROM pair_days "
            "ORDER BY entity_id, day, other_id"
        )
        conn.exec_driver_sql("DROP TABLE pair_days")
        conn.exec_driver_sql("ALTER TABLE pair_days_clustered RENAME TO pair_days")
        for sql in kept:
            conn.exec_driver_sql(sql)
    conn.execute(text("DROP INDEX IF EXISTS ix_pair_days_cover"))  # the table itself now


def _span_words(conn: Connection) -> None:
    """28: the words beside the spans mentions take, kept by span as the cut-name passes
    first read them (``span_words``: store/span_words.py); empty here, filled as read."""
    from marsad.store import span_words

    span_words.create(conn)


def _mention_cover_index(conn: Connection) -> None:
    """29: an entity's mentions read from one index alone (``(entity_id, surface, type,
    article_id, start, end)`` in place of ``(entity_id, surface)``, migration 23): what a
    round of the global pass reads of the entities it touched — their mentions' spans (the
    cut-name passes), the articles each way of writing them was recognised in (confirmed
    names) — without a row of the table each (0.5 → 0.25 CPU-s a round at 100k)."""
    conn.execute(text("DROP INDEX IF EXISTS ix_mentions_entity_surface"))
    conn.execute(
        text(
            "CREATE INDEX IF NOT EXISTS ix_mentions_entity_cover "
            'ON mentions (entity_id, surface, type, article_id, start, "end")'
        )
    )


def _month_recount_triggers(conn: Connection) -> None:
    """30: a daily rollup row counted again in place (the global pass adds 400k deltas on
    the whole ANT corpus) changes its month in one statement, not three
    (``months.create_triggers``)."""
    from marsad.store import months

    months.one_statement_recount(conn)


def _shorter_name_keys(conn: Connection) -> None:
    """31: the name keys gain a long name's shorter names (عمر البشير's for عمر حسن
    البشير: entities.neighbours.shorter): made again by the next pass."""
    conn.execute(schema.name_part_keys.delete())
    conn.execute(schema.entity_keys.delete())


MIGRATIONS: list[Callable[[Connection], None]] = [
    _create_tables,
    _create_search_index,
    _create_crawl_and_story_tables,
    _create_rollups,
    _entity_resolution,
    _entity_news_index,
    _article_meta_index,
    _quotes,
    _quotes_by_day,
    _pending_analysis,
    _entity_totals,
    _slug_redirects,
    _mention_types,
    _watchlists,
    _copy_times,
    _enrichments,
    _shared_work,
    _mention_type_index,
    _undated_on_first_seen,
    _period_count_indexes,
    _autocomplete_and_trending,
    _entity_name_keys,
    _mention_surface_index,
    _window_totals,
    _alias_keys,
    _confirmed_names,
    _pair_days_clustered,
    _span_words,
    _mention_cover_index,
    _month_recount_triggers,
    _shorter_name_keys,
]


def current_version(conn: Connection) -> int:
    if not conn.dialect.has_table(conn, "meta"):
        return 0
    row = conn.execute(
        select(schema.meta.c.value).where(schema.meta.c.key == "schema_version")
    ).first()
    return int(row[0]) if row else 0


def migrate(conn: Connection) -> int:
    """Bring the schema up to date; return the version reached."""
    version = current_version(conn)
    for number, step in enumerate(MIGRATIONS, start=1):
        if number <= version:
            continue
        step(conn)
        conn.execute(schema.meta.delete().where(schema.meta.c.key == "schema_version"))
        conn.execute(schema.meta.insert().values(key="schema_version", value=str(number)))
    return len(MIGRATIONS)
