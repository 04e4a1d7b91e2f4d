"""The tables of `marsad kb enrich`: what was found per entity, and the APIs' cached answers."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import delete, insert, select

from marsad.store import schema as s
from marsad.store.database import Row, Store
from marsad.store.driver import run

MATCHED, NONE, REJECTED = "matched", "none", "rejected"


def candidates(
    store: Store, min_articles: int, limit: int, retry_days: int, only: int | None = None
) -> list[Row]:
    """Entities named by at least ``min_articles`` articles, without a description, never
    matched or rejected, and not looked up in the last ``retry_days`` days; the most
    covered first, each with its names (``aliases``, the display name first).

    ``only``: that entity alone, whatever its articles and however recently it was looked
    up (the operator asks for it) — still not when it has a description, a match or a
    rejected one."""
    since = datetime.now(UTC) - timedelta(days=retry_days)
    e = s.enrichments
    with store.engine.connect() as conn:
        done = {
            r.entity_id
            for r in conn.execute(select(e.c.entity_id, e.c.status, e.c.looked_up_at))
            if r.status != NONE or (only is None and _aware(r.looked_up_at) > since)
        }
        undescribed = "e.merged_into IS NULL AND (e.description IS NULL OR e.description = '') "
        if only is not None:
            sql = (
                "SELECT e.id, e.name, e.type, coalesce(t.articles, 0) AS articles "
                "FROM entities e LEFT JOIN entity_totals t ON t.entity_id = e.id "
                f"WHERE e.id = :only AND {undescribed}"
            )
            params: dict[str, Any] = {"only": only}
        else:
            sql = (
                "SELECT e.id, e.name, e.type, t.articles FROM entity_totals t "
                f"JOIN entities e ON e.id = t.entity_id WHERE t.articles >= :n AND {undescribed}"
                "ORDER BY t.articles DESC, e.id LIMIT :limit"
            )
            params = {"n": max(min_articles, 1), "limit": limit + len(done)}
        rows = [dict(r._mapping) for r in run(conn, sql, params)]
        rows = [r for r in rows if r["id"] not in done][:limit]
        for row in rows:
            names = run(conn, "SELECT alias FROM aliases WHERE entity_id = :e", {"e": row["id"]})
            row["aliases"] = list(dict.fromkeys([row["name"], *(r[0] for r in names)]))
    return rows


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def get(store: Store, entity_id: int) -> Row | None:
    """What enrichment holds for the entity (any status), or None."""
    e = s.enrichments
    with store.engine.connect() as conn:
        row = conn.execute(select(e).where(e.c.entity_id == entity_id)).first()
    if row is None:
        return None
    out = dict(row._mapping)
    out["aliases"] = json.loads(out["aliases"] or "[]")
    return out


def save(store: Store, entity_id: int, status: str, **values: Any) -> None:
    """Record the outcome of a look-up (replacing an earlier one)."""
    if "aliases" in values:
        values["aliases"] = json.dumps(values["aliases"], ensure_ascii=False)
    e = s.enrichments
    with store.engine.begin() as conn:
        conn.execute(delete(e).where(e.c.entity_id == entity_id))
        conn.execute(
            insert(e).values(
                entity_id=entity_id, status=status, looked_up_at=datetime.now(UTC), **values
            )
        )


def owners_of(store: Store, norms: list[str]) -> dict[str, set[int]]:
    """Which entities already have each normalised name."""
    if not norms:
        return {}
    a = s.aliases
    out: dict[str, set[int]] = {}
    with store.engine.connect() as conn:
        for norm, entity_id in conn.execute(
            select(a.c.norm, a.c.entity_id).where(a.c.norm.in_(norms))
        ):
            out.setdefault(norm, set()).add(entity_id)
    return out


def cached(store: Store, url: str, max_age_days: int) -> tuple[int, str] | None:
    """(status, body) of an answer to ``url`` younger than ``max_age_days``, else None."""
    c = s.api_cache
    since = datetime.now(UTC) - timedelta(days=max_age_days)
    with store.engine.connect() as conn:
        row = conn.execute(
            select(c.c.status, c.c.body).where(c.c.url == url, c.c.fetched_at > since)
        ).first()
    return (row[0], row[1]) if row else None


def cache(store: Store, url: str, status: int, body: str) -> None:
    c = s.api_cache
    with store.engine.begin() as conn:
        conn.execute(delete(c).where(c.c.url == url))
        conn.execute(
            insert(c).values(url=url, status=status, body=body, fetched_at=datetime.now(UTC))
        )


def forget_old_answers(store: Store, max_age_days: int) -> int:
    """Drop cached answers older than ``max_age_days`` (they are not used any more)."""
    c = s.api_cache
    since = datetime.now(UTC) - timedelta(days=max_age_days)
    with store.engine.begin() as conn:
        return conn.execute(delete(c).where(c.c.fetched_at <= since)).rowcount or 0
