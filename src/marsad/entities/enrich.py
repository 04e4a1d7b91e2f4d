"""``marsad kb enrich``: who an entity is, from Arabic Wikipedia and Wikidata, as an
aggregator's entity page opens with it.

For each entity named by at least ``MARSAD_ENRICH_MIN_ARTICLES`` articles and without a
description (the most covered first), over the sites' public APIs:

1. the Wikipedia page of the entity's name (REST ``/api/rest_v1/page/summary/<title>``);
   a standard page gives its Wikidata item, a disambiguation or missing page none;
2. otherwise (or when that item does not fit) Wikidata's search
   (``action=wbsearchentities``, Arabic labels and aliases), the first five hits;
3. the items themselves (``action=wbgetentities``): an item fits when its P31 class is of
   the entity's type (``data/wikidata_types.tsv``, as ``kb import-wikidata``) and its
   Arabic label or an alias is one of the entity's names (normalised). Exactly one item
   must fit: two are "ambiguous" and nothing is stored;
4. the summary of the item's Arabic Wikipedia article (its sitelink) is the description,
   attributed "ويكيبيديا" with the article's URL and the licence of Wikipedia's text
   (CC BY-SA 4.0); without an article, Wikidata's Arabic description (CC0); the item's
   Arabic aliases become aliases (not a name another entity has); the item's image (P18)
   is credited with its author and licence from Wikimedia Commons (``prop=imageinfo``,
   ``extmetadata``) — the page shows the credit and links to the file, it does not load it.

Politeness: one request at a time, ``MARSAD_ENRICH_DELAY`` seconds apart per site, a
User-Agent that names marsad (``MARSAD_ENRICH_USER_AGENT``), retries with back-off that
honour ``Retry-After`` (429, 5xx), answers cached in the database for 30 days
(``api_cache``), a look-up that found nothing asked again after 30 days only. The address
guard of the crawler applies (an API base on an internal address needs
``MARSAD_ALLOW_PRIVATE_HOSTS``). A wrong match is undone by the operator with
``marsad kb enrich --undo KEY`` (or ``DELETE /api/admin/entity/KEY/enrichment``): the
description, Wikidata id and added aliases go, and the entity is never looked up again.
"""

from __future__ import annotations

import html
import json
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, unquote, urlencode

from marsad.arabic.normalise import normalise
from marsad.config import Settings
from marsad.entities import edits
from marsad.entities.wikidata import SOURCE as WIKIDATA_SOURCE
from marsad.entities.wikidata import record
from marsad.entities.wikipedia import SOURCE as WIKIPEDIA_SOURCE
from marsad.errors import InputError
from marsad.sources.fetch import Fetcher, FetchError, HTTPStatusError, UnsafeURLError
from marsad.store import edits as edits_sql
from marsad.store import enrichment as sql
from marsad.store.database import Row, Store

log = logging.getLogger(__name__)

TEXT_LICENCE = ("CC BY-SA 4.0", "https://creativecommons.org/licenses/by-sa/4.0/")
DATA_LICENCE = ("CC0 1.0", "https://creativecommons.org/publicdomain/zero/1.0/")
CACHE_DAYS = 30  # answers kept; a look-up that found nothing is asked again after this
SEARCH_HITS = 5
MAX_SUMMARY = 600  # characters of the Wikipedia summary kept, cut at a sentence end
PER_ROUND = 10  # entities looked up after one crawl round
_TAGS = re.compile(r"<[^>]+>")


@dataclass
class EnrichReport:
    looked_up: int = 0
    matched: int = 0
    not_found: int = 0
    ambiguous: int = 0
    failed: int = 0
    requests: int = 0
    problems: list[str] = field(default_factory=list)


class WikiClient:
    """GETs JSON from the public APIs: cached in the database, through the polite fetcher."""

    def __init__(self, store: Store, settings: Settings, fetcher: Fetcher | None = None) -> None:
        self.store, self.settings = store, settings
        self.fetcher = fetcher or Fetcher(
            user_agent=settings.enrich_user_agent,
            delay=settings.enrich_delay,
            timeout=settings.enrich_timeout,
            total_timeout=settings.enrich_timeout * 2,
            respect_robots=False,  # API endpoints: their etiquette is the User-Agent and pace
            allow_private_hosts=settings.allow_private_hosts,
        )
        self.requests = 0

    def close(self) -> None:
        self.fetcher.close()

    def get(self, url: str) -> Any | None:
        """The JSON at ``url``; None when the resource does not exist (404)."""
        hit = sql.cached(self.store, url, CACHE_DAYS)
        if hit is None:
            self.requests += 1
            try:
                result = self.fetcher.fetch(url)
                hit = (result.status, result.content.decode("utf-8"))
            except HTTPStatusError as exc:
                if exc.status != 404:
                    raise
                hit = (404, "")
            except UnsafeURLError as exc:  # the API's address itself is refused: stop here
                raise InputError(f"cannot ask {url.split('?')[0]}: {exc.reason}") from exc
            sql.cache(self.store, url, *hit)
        status, body = hit
        if status == 404:
            return None
        try:
            return json.loads(body)
        except json.JSONDecodeError as exc:
            raise FetchError(url, f"the answer is not JSON ({exc.msg})") from exc

    def summary(self, title: str) -> dict[str, Any] | None:
        base = self.settings.wikipedia_url.rstrip("/")
        url = f"{base}/api/rest_v1/page/summary/{quote(title.replace(' ', '_'), safe='')}"
        return self.get(url)

    def _api(self, base: str, **params: str) -> Any:
        query = urlencode({**params, "format": "json", "formatversion": "2"})
        return self.get(f"{base}?{query}") or {}

    def search(self, name: str) -> list[str]:
        """Wikidata item ids whose Arabic label or alias matches ``name`` (best first)."""
        found = self._api(
            self.settings.wikidata_api,
            action="wbsearchentities",
            search=name,
            language="ar",
            uselang="ar",
            type="item",
            limit=str(SEARCH_HITS),
        )
        return [hit["id"] for hit in found.get("search", []) if isinstance(hit, dict)]

    def items(self, ids: list[str]) -> dict[str, dict[str, Any]]:
        """The items (labels, aliases, descriptions, claims, Arabic sitelink); missing left out."""
        found = self._api(
            self.settings.wikidata_api,
            action="wbgetentities",
            ids="|".join(ids),
            props="labels|aliases|descriptions|claims|sitelinks/urls",
            languages="ar",
            sitefilter="arwiki",
        )
        entities = found.get("entities", {})
        return {q: e for q, e in entities.items() if isinstance(e, dict) and "missing" not in e}

    def image_credit(self, file_name: str) -> dict[str, str] | None:
        """Author, licence and file page of a Commons file (``extmetadata``)."""
        found = self._api(
            self.settings.commons_api,
            action="query",
            titles=f"File:{file_name}",
            prop="imageinfo",
            iiprop="url|extmetadata",
            iiextmetadatafilter="Artist|LicenseShortName|LicenseUrl",
        )
        for page in found.get("query", {}).get("pages", []):
            info = (page.get("imageinfo") or [None])[0]
            if page.get("missing") or not info:
                continue
            meta = info.get("extmetadata", {})

            def value(key: str, meta: dict[str, Any] = meta) -> str:
                return _plain(str(meta.get(key, {}).get("value", "")))

            return {
                "image_file": file_name,
                "image_page": info.get("descriptionurl") or "",
                "image_artist": value("Artist"),
                "image_licence": value("LicenseShortName"),
                "image_licence_url": value("LicenseUrl"),
            }
        return None


def enrich(
    store: Store,
    settings: Settings,
    *,
    min_articles: int | None = None,
    limit: int = 100,
    entity: str | None = None,
    client: WikiClient | None = None,
    progress: Callable[[str], None] | None = None,
) -> EnrichReport:
    """Look up descriptions for the most covered entities that have none (see the module);
    ``entity``: that one alone (id, slug or alias), whatever its number of articles."""
    floor = settings.enrich_min_articles if min_articles is None else min_articles
    only = edits.entity_id(store, entity) if entity is not None else None
    report = EnrichReport()
    sql.forget_old_answers(store, CACHE_DAYS)
    own = client is None
    client = client or WikiClient(store, settings)
    try:
        for row in sql.candidates(store, floor, limit, CACHE_DAYS, only=only):
            report.looked_up += 1
            try:
                outcome = look_up(client, row)
            except FetchError as exc:
                report.failed += 1
                report.problems.append(f"{row['name']}: {exc}")
                log.warning("enrich %s: %s", row["name"], exc)
                continue
            if outcome.get("status") == sql.MATCHED:
                apply(store, row, outcome)
                report.matched += 1
            else:
                sql.save(store, row["id"], sql.NONE, reason=outcome["reason"])
                if outcome["reason"].startswith("ambiguous"):
                    report.ambiguous += 1
                else:
                    report.not_found += 1
            if progress:
                progress(f"{row['name']}: {outcome.get('status', outcome.get('reason'))}")
    finally:
        report.requests = client.requests
        if own:
            client.close()
    return report


def look_up(client: WikiClient, entity: Row) -> dict[str, Any]:
    """What the APIs say about one entity: ``{"status": "matched", …}`` or ``{"reason": …}``."""
    names = {normalise(n) for n in entity["aliases"]}
    page = client.summary(entity["name"])
    tried: list[str] = []
    if page and page.get("type") == "standard" and page.get("wikibase_item"):
        tried = [page["wikibase_item"]]
    fits = _fitting(client, tried, entity["type"], names) if tried else []
    if not fits:
        tried = [q for q in client.search(entity["name"]) if q not in tried]
        fits = _fitting(client, tried, entity["type"], names) if tried else []
    if not fits:
        disambiguation = page is not None and page.get("type") == "disambiguation"
        why = "a disambiguation page and no item" if disambiguation else "not found"
        return {"reason": f"{why} of type {entity['type']} named {entity['name']}"}
    if len(fits) > 1:
        return {"reason": "ambiguous: " + ", ".join(q for q, _ in fits)}
    qid, item = fits[0]
    rec = record(item) or {}
    out: dict[str, Any] = {"status": sql.MATCHED, "wikidata": qid}
    out["aliases"] = [rec.get("name", ""), *rec.get("aliases", [])]
    title = item.get("sitelinks", {}).get("arwiki", {}).get("title")
    if title and (page is None or page.get("wikibase_item") != qid):
        page = client.summary(title)
    if page and page.get("type") == "standard" and page.get("wikibase_item") == qid:
        out |= {
            "summary": _short(page.get("extract") or ""),
            "title": page.get("title", title),
            "url": page.get("content_urls", {}).get("desktop", {}).get("page"),
            "source": WIKIPEDIA_SOURCE,
            "licence": TEXT_LICENCE[0],
            "licence_url": TEXT_LICENCE[1],
        }
    elif rec.get("description"):
        out |= {
            "summary": rec["description"],
            "url": rec["description_url"],
            "source": WIKIDATA_SOURCE,
            "licence": DATA_LICENCE[0],
            "licence_url": DATA_LICENCE[1],
        }
    image = _image(item, page)
    if image:
        credit = client.image_credit(image)
        if credit:
            out |= credit
    return out


def _fitting(
    client: WikiClient, ids: list[str], etype: str, names: set[str]
) -> list[tuple[str, dict[str, Any]]]:
    items = client.items(ids)
    fits = []
    for qid in ids:
        rec = record(items[qid]) if qid in items else None
        if rec is None or rec["type"] != etype:
            continue
        if {normalise(n) for n in [rec["name"], *rec["aliases"]]} & names:
            fits.append((qid, items[qid]))
    return fits


def _image(item: dict[str, Any], page: dict[str, Any] | None) -> str | None:
    """The Commons file name of the item's image (P18), else of the page's image."""
    for claim in item.get("claims", {}).get("P18", []):
        value = claim.get("mainsnak", {}).get("datavalue", {}).get("value")
        if isinstance(value, str) and value:
            return value
    source = ((page or {}).get("originalimage") or {}).get("source")
    if source and "/commons/" in source:
        return unquote(source.rsplit("/", 1)[-1]).replace("_", " ")
    return None


def _short(text: str) -> str:
    """The summary's first sentences, at most ``MAX_SUMMARY`` characters."""
    text = " ".join(text.split())
    if len(text) <= MAX_SUMMARY:
        return text
    cut = max(text.rfind(mark, 0, MAX_SUMMARY) for mark in (".", "۔", "!", "؟"))
    return (
        text[: cut + 1] if cut > MAX_SUMMARY // 3 else text[:MAX_SUMMARY].rsplit(" ", 1)[0] + " …"
    )


def _plain(value: str) -> str:
    """Commons metadata is HTML (``<a href=…>Author</a>``): its text only."""
    return " ".join(html.unescape(_TAGS.sub(" ", value)).split())


def apply(store: Store, entity: Row, found: dict[str, Any]) -> None:
    """Store a match: description (when the entity still has none), Wikidata id, aliases."""
    eid = entity["id"]
    current = store.get_entity(eid) or {}
    values: dict[str, Any] = {}
    if found.get("summary") and not current.get("description"):
        values |= {
            "description": found["summary"],
            "description_source": found["source"],
            "description_url": found.get("url"),
        }
    if not current.get("wikidata"):
        values["wikidata"] = found["wikidata"]
    if values:
        store.update_entity(eid, **values)
    blocked = {norm for e, norm in edits_sql.blocked_aliases(store) if e == eid}
    wanted = {normalise(a): a for a in found["aliases"] if a and len(normalise(a)) >= 3}
    owners = sql.owners_of(store, list(wanted))
    added = [
        alias
        for norm, alias in wanted.items()
        if norm not in blocked and not owners.get(norm)  # nobody has it yet, this one neither
    ]
    store.add_aliases(eid, added)
    sql.save(
        store,
        eid,
        sql.MATCHED,
        aliases=added,
        **{k: found.get(k) for k in _STORED if k in found},
    )


_STORED = (
    "wikidata",
    "title",
    "url",
    "summary",
    "licence",
    "licence_url",
    "image_file",
    "image_page",
    "image_artist",
    "image_licence",
    "image_licence_url",
)


def undo(store: Store, key: str) -> dict[str, Any]:
    """Take a wrong match back: the description it wrote, its Wikidata id and the aliases
    it added go, and the entity is never looked up again (``rejected``)."""
    eid = edits.entity_id(store, key)
    found = sql.get(store, eid)
    ent = store.get_entity(eid) or {}
    removed: list[str] = []
    if found and found["status"] == sql.MATCHED:
        values: dict[str, Any] = {}
        if found["summary"] and ent.get("description") == found["summary"]:
            values |= {"description": None, "description_source": None, "description_url": None}
        if found["wikidata"] and ent.get("wikidata") == found["wikidata"]:
            values["wikidata"] = None
        if values:
            store.update_entity(eid, **values)
        for alias in found["aliases"]:
            if edits_sql.remove_alias(store, eid, normalise(alias)):
                removed.append(alias)
        edits_sql.block_aliases(store, eid, [normalise(a) for a in removed])
    wikidata = found["wikidata"] if found else None
    sql.save(store, eid, sql.REJECTED, wikidata=wikidata, reason="undone by the operator")
    result = {"entity": eid, "wikidata": wikidata, "aliases_removed": removed}
    store.log_edit("enrich_undo", result)
    return result


def enrichment_of(store: Store, entity_id: int) -> Row | None:
    """The applied match of an entity (for its page), None when there is none."""
    found = sql.get(store, entity_id)
    return found if found and found["status"] == sql.MATCHED else None


def after_round(store: Store, settings: Settings) -> EnrichReport | None:
    """The optional step after a crawl round (``MARSAD_ENRICH=on``): a few look-ups."""
    if not settings.enrich:
        return None
    try:
        return enrich(store, settings, limit=PER_ROUND)
    except InputError as exc:  # a refused API address: say so, keep crawling
        log.warning("enrich after the crawl round: %s", exc)
        return None
