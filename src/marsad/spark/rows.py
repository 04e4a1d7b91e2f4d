"""The rows between the Spark job and the loader: one per article read, per empty article,
per error and per warning, each with its place in the input (file number, then order in
the file), so that loading them in that order stores exactly what ``marsad ingest`` of the
same inputs stores.

Pure Python (no Spark, no pyarrow): the job builds these dicts, Spark writes them as
Parquet with :data:`COLUMNS`' types, the loader turns them back into
:class:`marsad.pipeline.Prepared`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from marsad.extract.dedup import Signature
from marsad.models import Article, EntityType, Mention, Source
from marsad.pipeline import Prepared

ARTICLE, EMPTY, ERROR, WARNING, DROPPED = "article", "empty", "error", "warning", "dropped"

# name → Spark SQL type (the job builds its schema from this; the loader checks it)
COLUMNS: dict[str, str] = {
    "file": "int",  # number of the input file, in the order `marsad ingest` reads them
    "seq": "int",  # order in the file (errors and warnings after its articles)
    "kind": "string",  # ARTICLE, EMPTY, ERROR, WARNING, DROPPED (pages the filter left out)
    "message": "string",  # ERROR / WARNING text; DROPPED: how many, as text
    "title": "string",
    "text": "string",
    "source_slug": "string",
    "source_name": "string",
    "source_url": "string",
    "source_country": "string",
    "url": "string",
    "published": "string",  # ISO-8601 with its offset
    "place": "string",
    "agency": "string",
    "author": "string",
    "norm_title": "string",
    "norm_body": "string",
    "digest": "string",
    "first": "boolean",  # the first copy of its content in input order (recognised)
    "names": "array<struct<start:int,end:int,text:string,type:string>>",
    "signature": "binary",
}


def note(file: int, seq: int, kind: str, message: str) -> dict[str, Any]:
    """A row that is not an article: an error, a warning, an empty article, pages dropped."""
    row = dict.fromkeys(COLUMNS)
    row.update(file=file, seq=seq, kind=kind, message=message)
    return row


def article_row(file: int, seq: int, prepared: Prepared) -> dict[str, Any]:
    """The row of a prepared article (``names`` None until it is recognised)."""
    a = prepared.article
    return {
        "file": file,
        "seq": seq,
        "kind": ARTICLE,
        "message": None,
        "title": a.title,
        "text": a.text,
        "source_slug": a.source.slug,
        "source_name": a.source.name,
        "source_url": a.source.url,
        "source_country": a.source.country,
        "url": a.url,
        "published": a.published.isoformat() if a.published else None,
        "place": a.place,
        "agency": a.agency,
        "author": a.author,
        "norm_title": prepared.title,
        "norm_body": prepared.body,
        "digest": prepared.digest,
        "first": None,
        "names": None,
        "signature": prepared.signature.to_bytes() if prepared.signature else None,
    }


def with_names(row: dict[str, Any], names: list[Mention]) -> dict[str, Any]:
    return {**row, "names": [(m.start, m.end, m.text, str(m.type)) for m in names]}


def article_of(row: dict[str, Any]) -> Article:
    source = Source(
        row["source_slug"], row["source_name"], row["source_url"], row["source_country"]
    )
    published = datetime.fromisoformat(row["published"]) if row["published"] else None
    return Article(
        title=row["title"],
        text=row["text"],
        source=source,
        url=row["url"],
        published=published,
        place=row["place"],
        agency=row["agency"],
        author=row["author"],
        cleaned=True,
    )


def prepared_of(row: dict[str, Any]) -> Prepared:
    """The :class:`Prepared` article of an ARTICLE row: a later copy (not ``first``) has no
    names and no signature, and is stored as another source of the first
    (``Pipeline.commit`` finds its hash)."""
    names = None
    if row["first"]:
        names = [_mention(n) for n in row["names"] or []]
    signature = Signature.from_bytes(row["signature"]) if row["signature"] else None
    return Prepared(
        article_of(row),
        row["norm_title"],
        row["norm_body"],
        row["digest"],
        names,
        signature if row["first"] else None,
    )


def _mention(value: Any) -> Mention:
    if isinstance(value, dict):
        return Mention(value["start"], value["end"], value["text"], EntityType(value["type"]))
    start, end, text, kind = value
    return Mention(start, end, text, EntityType(kind))
