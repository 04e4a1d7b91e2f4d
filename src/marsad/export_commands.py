"""CLI for exports: ``marsad export articles|quotes|mentions|related|timeline KEY`` and
``marsad export search QUERY [--source --from --to --entity]``, CSV or JSONL, all rows.

Thin glue over :mod:`marsad.exports`: the bytes written are those of the web routes.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, BinaryIO

import typer

from marsad import exports
from marsad.config import load_settings
from marsad.errors import InputError
from marsad.store.database import Store

export_app = typer.Typer(
    help="Take a list out whole: CSV or JSONL, every row, streamed.", no_args_is_help=True
)

Key = Annotated[str, typer.Argument(help="Entity id, slug or any alias")]
Format = Annotated[str, typer.Option("--format", "-f", help="csv or jsonl")]
Out = Annotated[
    Path | None, typer.Option("--out", "-o", help="File to write (default: standard output)")
]
TYPES = {"people": "PERSON", "organisations": "ORGANIZATION", "places": "LOCATION"}


def _write(build: Callable[[Store], exports.Export], fmt: str, out: Path | None) -> None:
    if fmt not in exports.FORMATS:
        raise InputError(f"--format must be one of: {', '.join(exports.FORMATS)} (not {fmt!r})")
    settings = load_settings()
    store = Store(settings.database_url)
    export = build(store)  # looked up before the file is opened: a wrong key leaves none
    fh: BinaryIO = open(out, "wb") if out else sys.stdout.buffer  # noqa: SIM115
    try:
        for chunk in exports.chunks(export, fmt):
            fh.write(chunk)
    finally:
        if out:
            fh.close()
        else:
            fh.flush()
        store.close()


@export_app.command("articles")
def articles(key: Key, fmt: Format = "csv", out: Out = None) -> None:
    """Every article naming the entity, newest first, with its first mention."""
    _write(lambda store: exports.entity_articles(store, key), fmt, out)


@export_app.command("quotes")
def quotes(key: Key, fmt: Format = "csv", out: Out = None) -> None:
    """Everything the entity said, newest first."""
    _write(lambda store: exports.entity_quotes(store, key), fmt, out)


@export_app.command("mentions")
def mentions(key: Key, fmt: Format = "csv", out: Out = None) -> None:
    """Every mention of the entity (article, name as written, offsets, type)."""
    _write(lambda store: exports.entity_mentions(store, key), fmt, out)


@export_app.command("related")
def related(
    key: Key,
    fmt: Format = "csv",
    out: Out = None,
    type_: Annotated[
        str | None, typer.Option("--type", help="people, organisations or places")
    ] = None,
) -> None:
    """Every entity related to this one over the window, best first."""
    if type_ is not None and type_ not in TYPES:
        raise InputError("--type must be one of: people, organisations, places")
    types = {TYPES[type_]} if type_ else None
    _write(lambda store: exports.entity_related(store, load_settings(), key, types), fmt, out)


@export_app.command("timeline")
def timeline(key: Key, fmt: Format = "csv", out: Out = None) -> None:
    """Articles and stories per day over the window."""
    _write(lambda store: exports.entity_timeline(store, load_settings(), key), fmt, out)


@export_app.command("search")
def search(
    query: Annotated[str, typer.Argument(help="Words to search for (as on /search)")],
    fmt: Format = "csv",
    out: Out = None,
    source: Annotated[str | None, typer.Option(help="Source slug")] = None,
    date_from: Annotated[str | None, typer.Option("--from", help="YYYY-MM-DD")] = None,
    date_to: Annotated[str | None, typer.Option("--to", help="YYYY-MM-DD")] = None,
    entity: Annotated[str | None, typer.Option(help="Entity id, slug or alias")] = None,
) -> None:
    """Every article the search finds, most recently stored first (no cap)."""
    _write(lambda store: exports.search(store, query, source, date_from, date_to, entity), fmt, out)
