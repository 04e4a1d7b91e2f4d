"""Tables of the marsad database (SQLAlchemy Core: SQLite by default, PostgreSQL for scale)."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

meta = Table(
    "meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

sources = Table(
    "sources",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("slug", String(200), nullable=False, unique=True),
    Column("name", Text, nullable=False),
    Column("url", Text),
    Column("country", Text),
)

articles = Table(
    "articles",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("content_hash", String(40), nullable=False, unique=True),
    Column("story_id", Integer, index=True),  # near-duplicates share a story (its first article)
    Column("source_id", Integer, ForeignKey("sources.id"), nullable=False),
    Column("url", Text),
    Column("title", Text, nullable=False),
    Column("text", Text, nullable=False),
    Column("published", DateTime(timezone=True)),  # UTC; NULL when unknown
    Column("day", String(10)),  # publication day (YYYY-MM-DD) in the configured time zone
    Column("place", Text),
    Column("agency", Text),
    Column("author", Text),
    Column("ingested_at", DateTime(timezone=True), nullable=False),
    Index("ix_articles_day", "day"),
    Index("ix_articles_source_day", "source_id", "day"),
    Index("ix_articles_url", "url"),
)

# Every source that carried an article (agency copy republished verbatim is stored once).
article_sources = Table(
    "article_sources",
    metadata,
    Column("article_id", Integer, ForeignKey("articles.id"), primary_key=True),
    Column("source_id", Integer, ForeignKey("sources.id"), primary_key=True),
    Column("url", Text),
    Column("published", DateTime(timezone=True)),  # when this source published it (UTC)
)

entities = Table(
    "entities",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("slug", String(300), nullable=False, unique=True),
    Column("kb_id", String(200), unique=True),  # id in the operator's knowledge base
    Column("name", Text, nullable=False),
    Column("type", String(16), nullable=False),
    Column("description", Text),
    Column("description_source", Text),
    Column("description_url", Text),
    Column("wikidata", String(32)),
    Column("merged_into", Integer),  # an operator merged this entity into another (redirect)
)

aliases = Table(
    "aliases",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("entity_id", Integer, ForeignKey("entities.id"), nullable=False),
    Column("alias", Text, nullable=False),
    Column("norm", Text, nullable=False),
    UniqueConstraint("entity_id", "norm"),
    Index("ix_aliases_norm", "norm"),
)

mentions = Table(
    "mentions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("article_id", Integer, ForeignKey("articles.id"), nullable=False, index=True),
    # found by entity through (entity_id, type) and (entity_id, surface) (migrations 18, 23;
    # its own index went in 27: one index fewer to update when a merge moves its mentions)
    Column("entity_id", Integer, ForeignKey("entities.id"), nullable=False),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("surface", Text, nullable=False),
    Column("type", String(16)),  # the recogniser's type (votes on the entity's); NULL: a role
    # mention, or a name found again (entities/confirmed.py)
)

# The words beside a span of an article's text that mentions took (store/span_words.py):
# the last word of the 40 characters before it and the first of the 40 after, with what
# stands between, as the cut-name passes read them. An article's text never changes, so
# neither do they: kept by span the first time a pass reads it (migration 28).
span_words = Table(
    "span_words",
    metadata,
    Column("article_id", Integer, nullable=False),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("before_word", Text),  # NULL: no word the passes would take
    Column("after_word", Text),
    PrimaryKeyConstraint("article_id", "start", "end"),
    sqlite_with_rowid=False,
)

# Who said what (SPEC §7, marsad.entities.quotes): the words and the speaker's mention
# (article_id, speaker_start); entity_id follows that mention through merges and splits.
quotes = Table(
    "quotes",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("article_id", Integer, ForeignKey("articles.id"), nullable=False, index=True),
    Column("entity_id", Integer, ForeignKey("entities.id"), nullable=False),
    Column("speaker_start", Integer, nullable=False),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("text", Text, nullable=False),
    Column("day", String(10)),
    Index("ix_quotes_entity_day", "entity_id", "day", "article_id"),
    Index("ix_quotes_day", "day", "article_id"),
)

# One row per (entity, article): what every count on the pages counts.
article_entities = Table(
    "article_entities",
    metadata,
    Column("entity_id", Integer, ForeignKey("entities.id"), primary_key=True),
    Column("article_id", Integer, ForeignKey("articles.id"), primary_key=True),
    Column("day", String(10)),
    Column("source_id", Integer, nullable=False),
    Column("mentions", Integer, nullable=False),
    Column("first_start", Integer, nullable=False),
    Column("first_end", Integer, nullable=False),
    Index("ix_article_entities_entity_day", "entity_id", "day"),
    Index("ix_article_entities_article", "article_id"),
)

feeds = Table(
    "feeds",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("url", Text, nullable=False, unique=True),
    Column("name", Text),
    Column("country", Text),
    Column("source_id", Integer, ForeignKey("sources.id")),
    Column("etag", Text),
    Column("last_modified", Text),
    Column("last_success", DateTime(timezone=True)),
    Column("last_error", Text),
    Column("last_error_at", DateTime(timezone=True)),
    Column("error_count", Integer, nullable=False, default=0),
    # a crawler's claim (store/shared.py), then "not due before" (PostgreSQL only)
    Column("lease_until", DateTime(timezone=True)),
)

# URLs the crawler fetched (or refused), so pages that gave no article are not refetched.
fetched_urls = Table(
    "fetched_urls",
    metadata,
    Column("url", Text, primary_key=True),
    Column("feed_id", Integer, index=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("status", Text, nullable=False),  # "stored 2", "no article: …", "error: …"
    Column("done", Boolean, nullable=False, default=False),  # True: never fetch again
    Column("attempts", Integer, nullable=False, default=1),  # failed tries (3 → give up)
)

# MinHash signatures of stored articles for near-duplicate (story) grouping.
article_signatures = Table(
    "article_signatures",
    metadata,
    Column("article_id", Integer, ForeignKey("articles.id"), primary_key=True),
    Column("day", String(10)),
    Column("signature", LargeBinary, nullable=False),  # uint32 hash values, little-endian
    Index("ix_article_signatures_day", "day"),
)

# Articles stored with their analysis deferred (``marsad ingest --defer-analysis``): no
# mentions or quotes yet; ``marsad analyse`` recognises their names and removes the row.
pending_analysis = Table(
    "pending_analysis",
    metadata,
    Column("article_id", Integer, ForeignKey("articles.id"), primary_key=True),
    # the analyse worker that claimed it, until when (PostgreSQL only: store/shared.py)
    Column("claimed_by", Text),
    Column("lease_until", DateTime(timezone=True)),
)

# Entities named by analyses the global pass has not seen yet (PostgreSQL only: a worker
# killed before its pass leaves them to the next one; store/shared.py).
unsettled_entities = Table(
    "unsettled_entities",
    metadata,
    Column("entity_id", Integer, primary_key=True),
)

# Keys of each entity's own name (entities.neighbours), so that an incremental global pass
# finds the names related to what a round touched by index instead of reading every entity:
# the normalised name, without spaces, its spelling skeleton; ``name`` is the name they were
# made from (a row whose name differs from the entity's is stale and made again).
# Names the news confirmed (entities/confirmed.py): every article is searched for them, and
# where the recogniser missed one, the entity gets an untyped mention ("found again").
confirmed_names = Table(
    "confirmed_names",
    metadata,
    Column("norm", Text, primary_key=True),
    Column("entity_id", Integer, nullable=False, index=True),
)

entity_keys = Table(
    "entity_keys",
    metadata,
    Column("entity_id", Integer, primary_key=True),
    Column("name", Text, nullable=False),
    Column("norm", Text, nullable=False),
    Column("letters", Text, nullable=False),
    Column("skeleton", Text, nullable=False),
    Index("ix_entity_keys_norm", "norm"),
    Index("ix_entity_keys_letters", "letters"),
    Index("ix_entity_keys_skeleton", "skeleton"),
)

# Skeletons of the surnames and short names a person's full name ends with (the global
# pass's short forms: بوتين → فلاديمير بوتين), kept for every entity (its type may change).
name_part_keys = Table(
    "name_part_keys",
    metadata,
    Column("skeleton", Text, primary_key=True),
    Column("entity_id", Integer, primary_key=True),
    Index("ix_name_part_keys_entity", "entity_id"),
)

# The keys the resolver finds known names by (store/alias_keys.py), one row per distinct
# normalised alias: its first word, transliteration fold, spelling skeleton, place fold and
# that fold's consonants, and the fold's first letter and word count (the fuzzy bucket).
# Read through ``aliases`` (a norm no alias has any more finds nothing); made in Python
# (entities/known_names.py) for the norms triggers queue in ``alias_keys_todo``.
alias_keys = Table(
    "alias_keys",
    metadata,
    Column("norm", Text, primary_key=True),
    Column("first", Text, nullable=False),
    Column("fold", Text, nullable=False),
    Column("skeleton", Text, nullable=False),
    Column("place", Text, nullable=False),
    Column("place_letters", Text, nullable=False),
    Column("initial", Text, nullable=False),
    Column("words", Integer, nullable=False),
    Index("ix_alias_keys_first", "first"),
    Index("ix_alias_keys_fold", "fold"),
    Index("ix_alias_keys_skeleton", "skeleton"),
    Index("ix_alias_keys_place", "place"),
    Index("ix_alias_keys_place_letters", "place_letters"),
    Index("ix_alias_keys_bucket", "initial", "words"),
)

# Every word of every normalised alias (the resolver's "is this word part of a name").
alias_words = Table(
    "alias_words",
    metadata,
    Column("word", Text, primary_key=True),
    Column("norm", Text, primary_key=True),
)

# The first names and surnames a normalised alias may stand for alone, folded (``first``:
# a first name), with the surname's skeleton; made for every word the name may start at
# after a title (which words are a title is decided when read).
alias_parts = Table(
    "alias_parts",
    metadata,
    Column("fold", Text, primary_key=True),
    Column("norm", Text, primary_key=True),
    Column("first", Boolean, primary_key=True),
    Column("skeleton", Text, primary_key=True),
    Index("ix_alias_parts_skeleton", "skeleton"),
)

# Normalised aliases without keys yet (filled by triggers on ``aliases``). No unique key: on
# PostgreSQL a trigger inserting a norm another transaction has just queued would wait for
# that transaction (a bulk load, the global pass) to end.
alias_keys_todo = Table(
    "alias_keys_todo",
    metadata,
    Column("norm", Text, nullable=False),
    Index("ix_alias_keys_todo_norm", "norm"),
)

# Copies are looked up by URL when the crawler asks whether a page is already stored.
ix_article_sources_url = Index("ix_article_sources_url", article_sources.c.url)

# Roles an entity held, with dates (ISO days; NULL = open): "وزير الخارجية الروسي" from 2004-03-09.
entity_roles = Table(
    "entity_roles",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("entity_id", Integer, ForeignKey("entities.id"), nullable=False, index=True),
    Column("role", Text, nullable=False),
    Column("start", String(10)),
    Column("end", String(10)),
)

# Aliases an operator removed from an entity: a knowledge-base reload does not add them back.
alias_blocks = Table(
    "alias_blocks",
    metadata,
    Column("entity_id", Integer, primary_key=True),
    Column("norm", Text, primary_key=True),
)

# Operator decisions (merge, rename, alias, describe) in order: they survive re-processing.
edits = Table(
    "edits",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("action", String(32), nullable=False),
    Column("payload", Text, nullable=False),  # JSON
)

# ---- pre-aggregated counts (store/rollups.py keeps them in step with every new article) ----
# Articles per entity per day; ``stories`` counts distinct stories (near-duplicates once).
entity_days = Table(
    "entity_days",
    metadata,
    Column("entity_id", Integer, primary_key=True),
    Column("day", String(10), primary_key=True),
    Column("articles", Integer, nullable=False),
    Column("stories", Integer, nullable=False),
    Index("ix_entity_days_day", "day"),
)

# Old slugs of entities renamed after usage with a wrong old name dropped (marsad.entities.
# naming: "محمد صلاح يسير" is no alias of محمد صلاح, but its old link still leads there).
slug_redirects = Table(
    "slug_redirects",
    metadata,
    Column("slug", String(300), primary_key=True),
    Column("entity_id", Integer, nullable=False),
)

# Articles ever (with a day) per entity: the sum of its entity_days, kept for ranking
# (autocomplete: the most covered entities first among thousands of names).
entity_totals = Table(
    "entity_totals",
    metadata,
    Column("entity_id", Integer, primary_key=True),
    Column("articles", Integer, nullable=False),
)

# Articles per entity per source per day (top sources, a source's entities).
entity_source_days = Table(
    "entity_source_days",
    metadata,
    Column("entity_id", Integer, primary_key=True),
    Column("source_id", Integer, primary_key=True),
    Column("day", String(10), primary_key=True),
    Column("articles", Integer, nullable=False),
    Index("ix_entity_source_days_source", "source_id", "day"),
)

# Articles naming both entities per day, stored in both directions (most related). Keyed
# (entity, day, other) and, in SQLite, stored in that order (WITHOUT ROWID, migration 27):
# the table is its own covering index for an entity's days, one B-tree per pair row.
pair_days = Table(
    "pair_days",
    metadata,
    Column("entity_id", Integer, nullable=False),
    Column("other_id", Integer, nullable=False),
    Column("day", String(10), nullable=False),
    Column("articles", Integer, nullable=False),
    PrimaryKeyConstraint("entity_id", "day", "other_id"),
    sqlite_with_rowid=False,
)

# All articles (and distinct stories) per day, overall and per source.
day_totals = Table(
    "day_totals",
    metadata,
    Column("source_id", Integer, primary_key=True),  # 0 = every source
    Column("day", String(10), primary_key=True),
    Column("articles", Integer, nullable=False),
    Column("stories", Integer, nullable=False),
)

# What `marsad kb enrich` found for an entity on Wikipedia / Wikidata (entities.enrich):
# "matched" (applied: description, Wikidata id, aliases, image credit), "none" (looked up,
# nothing fit: asked again after a while), "rejected" (the operator undid a wrong match:
# never looked up again).
enrichments = Table(
    "enrichments",
    metadata,
    Column("entity_id", Integer, primary_key=True),
    Column("status", String(16), nullable=False),
    Column("reason", Text),  # why nothing fit ("ambiguous: Q1, Q2", "not found")
    Column("wikidata", String(32)),
    Column("title", Text),  # the Wikipedia article
    Column("url", Text),
    Column("summary", Text),
    Column("licence", Text),
    Column("licence_url", Text),
    Column("aliases", Text),  # JSON list of the aliases it added (removed again on undo)
    Column("image_file", Text),  # Wikimedia Commons file name, its author and licence
    Column("image_page", Text),
    Column("image_artist", Text),
    Column("image_licence", Text),
    Column("image_licence_url", Text),
    Column("looked_up_at", DateTime(timezone=True), nullable=False),
)

# Answers of the public APIs by URL (entities.enrich): a rerun asks nothing twice.
api_cache = Table(
    "api_cache",
    metadata,
    Column("url", Text, primary_key=True),
    Column("status", Integer, nullable=False),
    Column("body", Text, nullable=False),
    Column("fetched_at", DateTime(timezone=True), nullable=False),
)

# ---- alerts (marsad.alerts): saved searches and what each has delivered ----------------
# A watchlist: entities (any of them) and/or search words (all of them), optionally one
# source; ``cursor`` is the last article id it has been matched against.
watchlists = Table(
    "watchlists",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", Text, nullable=False, unique=True),
    Column("query", Text, nullable=False, default=""),
    Column("entity_ids", Text, nullable=False, default="[]"),  # JSON list of entity ids
    Column("source_id", Integer),
    Column("webhook_url", Text),
    Column("webhook_secret", Text),
    Column("email_to", Text),
    Column("feed_token", String(64), nullable=False, unique=True),
    Column("cursor", Integer, nullable=False, default=0),
    Column("created_at", DateTime(timezone=True), nullable=False),
    # a process delivering this watchlist's alerts holds it until then (one sender at a time)
    Column("lease_until", DateTime(timezone=True)),
)

# Every article matched to a watchlist, once (the primary key): the Atom feed lists these;
# ``*_sent_at`` NULL = that channel still owes it (retried on every round until sent).
watchlist_articles = Table(
    "watchlist_articles",
    metadata,
    Column("watchlist_id", Integer, primary_key=True),
    Column("article_id", Integer, primary_key=True),
    Column("matched_at", DateTime(timezone=True), nullable=False),
    Column("webhook_sent_at", DateTime(timezone=True)),
    Column("email_sent_at", DateTime(timezone=True)),
    Column("failures", Integer, nullable=False, default=0),  # failed delivery attempts
    Column("last_error", Text),
)
