"""The ingest pipeline: article → clean → dedupe → recognise → resolve → quotes → store.

Two halves: :func:`prepare` needs no database writes (cleaning, normalising, hashing,
recognising names, the story signature) and can run in worker processes
(``marsad ingest --workers``); :meth:`Pipeline.commit` resolves, groups and stores in
input order, in one process, so the result is the same however many workers prepared it.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from marsad.arabic.normalise import normalise
from marsad.config import Settings
from marsad.entities import name_groups
from marsad.entities.consolidate import settle
from marsad.entities.quotes import Quote, find_quotes
from marsad.entities.resolve import Resolver
from marsad.extract.boilerplate import strip_boilerplate
from marsad.extract.dateline import split_byline, split_dateline
from marsad.extract.dedup import Signature
from marsad.models import Article, Mention, content_of
from marsad.ner import load_default
from marsad.ner.base import Recogniser
from marsad.ner.combined import CombinedRecogniser
from marsad.ner.gazetteer import GazetteerRecogniser
from marsad.ner.homographs import no_name
from marsad.ner.landmarks import Landmarks
from marsad.sources.names import is_own_name
from marsad.store import edits as sql_edits
from marsad.store import rollups, shared
from marsad.store.database import Store, StoredMention
from marsad.store.edits import replace_mentions
from marsad.store.stories import StoryGrouper, sign
from marsad.workers import results_in_order

log = logging.getLogger(__name__)


def article_content(article: Article) -> str:
    """The text that mention offsets point into (:func:`marsad.models.content_of`)."""
    return content_of(article.title, article.text)


def content_hash(title: str, text: str) -> str:
    """Identity of an article's content (its ``normalise``d title and text): identical
    copies from any source share it."""
    return hashlib.sha1((title + "\n" + text).encode("utf-8")).hexdigest()


def clean_article(article: Article) -> Article:
    """Drop boilerplate paragraphs; move the dateline ("موسكو سانا", "دمشق - سانا") and a
    closing source line ("المصدر: تاس") into ``place``/``agency``; a dateline in the
    ``author`` field ("مدريد - فرانس برس", JSONL dumps) fills them too, leaving the writer."""
    paragraphs = [p.strip() for p in article.text.splitlines() if p.strip()]
    paragraphs = strip_boilerplate(paragraphs)
    found_place, found_agency, text = split_dateline("\n".join(paragraphs))
    by_place = by_agency = None
    author = article.author
    if author:
        slug = article.source.slug
        by_place, by_agency, author = split_byline(author, lambda part: is_own_name(slug, part))
    return replace(
        article,
        title=" ".join(article.title.split()),
        text=text,
        place=article.place or by_place or found_place,
        agency=article.agency or by_agency or found_agency,
        author=author,
        cleaned=True,
    )


@dataclass
class Prepared:
    """An article made ready to store: everything that needs no database writes."""

    article: Article  # cleaned
    title: str  # normalised title and text (search columns, hash, signature)
    body: str
    digest: str
    names: list[Mention] | None  # recognised names; None when the hash was already stored
    signature: Signature | None = None
    stored_as: int | None = None  # the stored article with this hash, when prepared
    deferred: bool = False  # stored without analysis: ``marsad analyse`` recognises later


def prepare(
    article: Article, recogniser: Recogniser | None, stored: Callable[[str], int | None]
) -> Prepared | None:
    """Clean, normalise, hash and, unless ``stored(digest)`` finds the article already,
    recognise its names and sign it for story grouping; None for an empty article.
    Without a ``recogniser`` the article's analysis is deferred (stored pending analysis)."""
    if not article.cleaned:
        article = clean_article(article)
    if not article.text.strip() and not article.title.strip():
        return None
    title, body = normalise(article.title), normalise(article.text)  # once, used thrice
    digest = content_hash(title, body)
    deferred = recogniser is None
    if (existing := stored(digest)) is not None:
        return Prepared(article, title, body, digest, None, stored_as=existing, deferred=deferred)
    names = [] if recogniser is None else recogniser.recognise(article_content(article))
    return Prepared(article, title, body, digest, names, sign(body), deferred=deferred)


def recognise_rows(
    tools: tuple[Recogniser, Store], rows: list[dict]
) -> list[tuple[int, str | None, str, list[Mention]]]:
    """(id, day, content, names) of stored articles (a ``reprocess`` task)."""
    recogniser = tools[0]
    out = []
    for row in rows:
        content = content_of(row["title"], row["text"])
        out.append((row["id"], row["day"], content, recogniser.recognise(content)))
    return out


@dataclass
class IngestReport:
    new: int = 0
    duplicates: int = 0  # identical content already stored (another source is recorded)
    empty: int = 0
    errors: list[str] = field(default_factory=list)  # inputs and records that were skipped
    warnings: list[str] = field(default_factory=list)  # records stored without a bad field

    def merge(self, other: IngestReport) -> None:
        self.new += other.new
        self.duplicates += other.duplicates
        self.empty += other.empty
        self.errors.extend(other.errors)
        self.warnings.extend(other.warnings)


def default_recogniser(store: Store, settings: Settings) -> Recogniser:
    """The knowledge base's and the operator's names (clitic-aware) first, then the shipped
    statistical model, then the names of countries and organisations (entities.name_groups)
    where neither found a name or the model's span is inside one of them. Names the model
    found before are not looked for: what an article yields does not depend on what was
    ingested before it (entities.consolidate decides across articles).

    ``MARSAD_NER=gazetteer`` uses the knowledge base's names only.
    """
    return recogniser_of(sql_edits.recogniser_names(store), settings)


def recogniser_of(names: list[tuple[str, str]], settings: Settings) -> Recogniser:
    """:func:`default_recogniser` for the given (normalised alias, type) names, without a
    database (e.g. in a Spark executor: ``marsad spark-ingest``)."""
    gazetteer = GazetteerRecogniser(names)
    if settings.ner == "gazetteer":
        return gazetteer
    groups = GazetteerRecogniser(name_groups.recogniser_names())  # where the model saw none
    countries = [n for n, (key, _) in name_groups.groups().items() if name_groups.territory(key)]
    return CombinedRecogniser(
        [gazetteer, load_default(), groups],
        unless=no_name,
        wider=[groups],
        widen=Landmarks(countries).widen,
    )


class Pipeline:
    """Stores articles with their resolved entity mentions; re-ingesting is idempotent.

    With ``defer_analysis`` articles are stored without recognising their names (extracted,
    deduplicated, grouped into stories, searchable) and :meth:`analyse_pending` adds the
    mentions and quotes later: a large import is stored at extraction speed, then analysed.
    """

    def __init__(
        self,
        store: Store,
        settings: Settings,
        recogniser: Recogniser | None = None,
        *,
        defer_analysis: bool = False,
    ) -> None:
        self.store = store
        self.settings = settings
        self._recogniser = recogniser
        self.defer_analysis = defer_analysis
        self.resolver = Resolver(store)
        self.stories = StoryGrouper(store)  # near-duplicates share a story (SPEC §6)
        self.touched: set[int] = set()  # entities named by what this pipeline analysed

    @property
    def recogniser(self) -> Recogniser:
        """Built on first use: with ``--workers`` the workers recognise, this process never."""
        if self._recogniser is None:
            self._recogniser = default_recogniser(self.store, self.settings)
        return self._recogniser

    def ingest(
        self, articles: Iterable[Article], report: IngestReport | None = None
    ) -> IngestReport:
        report = report if report is not None else IngestReport()
        for article in articles:
            self.ingest_one(article, report)
        return report

    def analyse(
        self, content: str, day: str | None, names: list[Mention] | None = None
    ) -> tuple[list[StoredMention], list[Quote]]:
        """Resolve (and recognise, unless ``names`` are given) the names of one article's
        content, and find its quotes."""
        if names is None:
            names = self.recogniser.recognise(content)
        mentions = self.resolver.resolve(names, text=content, day=day)
        self.touched.update(m.entity_id for m in mentions)
        types = self.resolver.types  # every entity it knows, kept as it creates new ones
        return mentions, find_quotes(content, mentions, types)

    def _recognised(
        self, rows_after: Callable[[int, int], list[dict]], batch: int, workers: int
    ) -> Iterator[list[tuple[int, str | None, str, list[Mention]]]]:
        """Stored articles from ``rows_after(last id, limit)``, a batch at a time, with their
        names recognised (in ``workers`` processes when more than one: marsad.workers)."""

        def batches() -> Iterator[tuple[Callable, list[dict]]]:
            last = 0
            while rows := rows_after(last, batch):
                yield recognise_rows, rows
                last = rows[-1]["id"]

        local = lambda: (self.recogniser, self.store)  # noqa: E731 - built only if used here
        yield from results_in_order(batches(), self.settings, workers, local)

    def reprocess(
        self, batch: int = 200, progress: Callable[[int], None] | None = None, workers: int = 1
    ) -> int:
        """Recognise and resolve every stored article again with the current knowledge base,
        model and operator edits (e.g. after ``kb load`` or a new model); returns how many.
        Mentions, quotes, per-article counts and rollups are replaced; texts are untouched.
        Articles pending analysis are analysed with the rest.
        With ``workers`` > 1, names are recognised in that many processes (marsad.workers)."""
        done = 0
        with self.store.batch() as commit:  # a batch's new entities and mentions together
            for found in self._recognised(self.store.articles_after, batch, workers):
                replace_mentions(
                    self.store,
                    [
                        (article_id, day, *self.analyse(content, day, names))
                        for article_id, day, content, names in found
                    ],
                )
                commit()
                done += len(found)
                if progress:
                    progress(done)
        with self.store.engine.begin() as conn:
            rollups.rebuild(conn)
        settle(self.store)
        return done

    def analyse_pending(
        self, batch: int = 200, progress: Callable[[int], None] | None = None, workers: int = 1
    ) -> int:
        """Recognise, resolve and count the articles stored with their analysis deferred, in
        the order they were stored (as if analysed at ingest); returns how many. Safe to
        stop and run again: each batch is committed with its articles taken off the list.
        On PostgreSQL any number of processes run it at once: each claims batches with a
        lease and commits article by article (store/shared.py)."""
        done = 0
        rows_after = self.store.pending_after
        if not self.store.is_sqlite:  # many workers share the list (store/shared.py)
            rows_after = lambda _last, n: shared.claim_pending(self.store.direct_engine, n)  # noqa: E731
        with self.store.batch() as commit:
            for found in self._recognised(rows_after, batch, workers):
                for article_id, day, content, names in found:
                    self.store.add_analysis(article_id, *self.analyse(content, day, names))
                    if not self.store.is_sqlite:
                        commit()  # one article at a time: its locks are held briefly
                commit()
                done += len(found)
                if progress:
                    progress(done)
        settle(self.store, self.touched)
        return done

    def ingest_one(self, article: Article, report: IngestReport) -> int | None:
        recogniser = None if self.defer_analysis else self.recogniser
        prepared = prepare(article, recogniser, self.store.article_by_hash)
        return self.commit(prepared, report, just_prepared=True)

    def _day(self, moment: datetime) -> str:
        """The day (YYYY-MM-DD) of ``moment`` in the configured time zone."""
        return moment.astimezone(self.settings.tz).date().isoformat()

    def commit(
        self, prepared: Prepared | None, report: IngestReport, just_prepared: bool = False
    ) -> int | None:
        """Store a prepared article (or record another source's copy of a stored one).
        Unless it was ``just_prepared`` (nothing stored since its hash was looked up), the
        hash is looked up again: an earlier article of the same batch may have been it."""
        if prepared is None:
            report.empty += 1
            return None
        article = prepared.article
        if just_prepared:
            existing = prepared.stored_as
        else:
            existing = self.store.article_by_hash(prepared.digest)
        if existing is not None:
            self.store.add_source_copy(
                existing, self.store.source_id(article.source), article.url, article.published
            )
            if article.published:  # the stored copy may have had no date: this one gives it
                self.store.date_found(existing, article.published, self._day(article.published))
            report.duplicates += 1
            return existing
        content = article_content(article)
        # an article whose date cannot be found is counted on the day it is first seen
        # (``published`` stays NULL: pages mark it; a date found later replaces it)
        day = self._day(article.published or datetime.now(UTC))
        if prepared.deferred:
            mentions, quotes = [], []
        else:
            mentions, quotes = self.analyse(content, day, prepared.names)
        sig = prepared.signature
        if prepared.names is None:  # prepared as a copy of an article stored since then
            sig = sign(prepared.body)
        story_id = self.stories.story_of(sig)
        article_id = self.store.add_article(
            article,
            content_hash=prepared.digest,
            day=day,
            mentions=mentions,
            search_title=prepared.title,
            search_body=prepared.body,
            story_id=story_id,
            quotes=quotes,
            signature=sig.to_bytes() if sig is not None else None,
            analysed=not prepared.deferred,
        )
        if article_id is None:  # another process stored it meanwhile (PostgreSQL)
            existing = self.store.article_by_hash(prepared.digest)
            assert existing is not None
            self.store.add_source_copy(
                existing, self.store.source_id(article.source), article.url, article.published
            )
            report.duplicates += 1
            return existing
        self.stories.remember(article_id, story_id or article_id, sig)
        report.new += 1
        return article_id
