"""CLI of entity resolution: ``marsad kb import-wikidata|import-wikipedia`` and the operator
edits ``marsad entity merge|split|rename|alias|describe|edits`` (``marsad entity NAME``
without a verb still prints the profile)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import click
import typer

from marsad.config import load_settings
from marsad.store.database import Store

EDIT_VERBS = frozenset({"merge", "split", "rename", "alias", "describe", "edits"})

edit_app = typer.Typer(
    help="Operator corrections (logged; they survive re-processing).",
    no_args_is_help=True,
    add_completion=False,
)
alias_app = typer.Typer(help="Add or remove a name of an entity.", no_args_is_help=True)
edit_app.add_typer(alias_app, name="alias")


def _store() -> Store:
    return Store(load_settings().database_url)


def _print(result: Any) -> None:
    typer.echo(json.dumps(result, ensure_ascii=False, default=str))


@edit_app.command("merge")
def merge_cmd(
    source: Annotated[str, typer.Argument(help="The entity that disappears (id, slug, alias)")],
    target: Annotated[str, typer.Argument(help="The entity that keeps everything")],
) -> None:
    """Merge SOURCE into TARGET: its articles, mentions and names move; its URL redirects."""
    from marsad.entities.edits import merge

    _print(merge(_store(), source, target))


@edit_app.command("split")
def split_cmd(
    entity: Annotated[str, typer.Argument(help="The entity to split")],
    name: Annotated[
        str | None,
        typer.Argument(help="A merged entity to bring back, or the new entity's name"),
    ] = None,
    alias: Annotated[
        list[str] | None, typer.Option("--alias", help="A name to move (repeatable)")
    ] = None,
    type_: Annotated[str | None, typer.Option("--type", help="Type of the new entity")] = None,
) -> None:
    """Move names (and the mentions written with them) to a new entity, or undo a merge."""
    from marsad.entities.edits import split

    _print(split(_store(), entity, alias or [], name=name, type_=type_))


@edit_app.command("rename")
def rename_cmd(entity: str, new_name: str) -> None:
    """Give the entity a new display name (the old one stays an alias)."""
    from marsad.entities.edits import rename

    _print(rename(_store(), entity, new_name))


@alias_app.command("add")
def alias_add_cmd(entity: str, alias: str) -> None:
    from marsad.entities.edits import alias_add

    _print(alias_add(_store(), entity, alias))


@alias_app.command("remove")
def alias_remove_cmd(entity: str, alias: str) -> None:
    from marsad.entities.edits import alias_remove

    _print(alias_remove(_store(), entity, alias))


@edit_app.command("describe")
def describe_cmd(
    entity: str,
    description: str,
    source: Annotated[str | None, typer.Option(help="Attribution, e.g. ويكيبيديا")] = None,
    url: Annotated[str | None, typer.Option(help="Link for the attribution")] = None,
) -> None:
    """Set the description shown on the entity page."""
    from marsad.entities.edits import describe

    _print(describe(_store(), entity, description, source=source, url=url))


@edit_app.command("edits")
def edits_cmd(limit: int = 20) -> None:
    """The latest operator edits, newest first."""
    from marsad.store.edits import edits_log

    for row in edits_log(_store(), limit):
        _print(row)


def run_edit(args: list[str]) -> None:
    """Run ``marsad entity VERB …`` (called by the ``entity`` command)."""
    try:
        edit_app(args=args, prog_name="marsad entity", standalone_mode=False)
    except click.exceptions.Exit as exc:
        if exc.exit_code:
            raise SystemExit(exc.exit_code) from None
    except click.ClickException as exc:
        exc.show()
        raise SystemExit(exc.exit_code) from None
    except click.Abort:
        raise SystemExit(1) from None


def import_wikidata_cmd(
    dump: Annotated[Path, typer.Argument(help="Wikidata JSON dump (.json.gz or .json)")],
) -> None:
    """Import people, organisations and places (Arabic names, roles) from a Wikidata dump."""
    from marsad.entities.wikidata import import_wikidata

    r = import_wikidata(_store(), dump)
    typer.echo(
        f"read {r.read}, kept {r.kept} (created {r.created}, updated {r.updated}), "
        f"roles {r.roles}, bad lines {r.bad_lines}"
    )


def import_wikipedia_cmd(
    dump: Annotated[Path, typer.Argument(help="arwiki-…-abstract.xml.gz")],
) -> None:
    """Describe known entities with the Arabic Wikipedia abstracts of their articles."""
    from marsad.entities.wikipedia import import_wikipedia

    r = import_wikipedia(_store(), dump)
    typer.echo(f"read {r.read}, described {r.described}, unmatched {r.unmatched}")


def enrich_cmd(
    min_articles: Annotated[
        int | None,
        typer.Option(help="Articles an entity needs (default MARSAD_ENRICH_MIN_ARTICLES)"),
    ] = None,
    limit: Annotated[
        int, typer.Option(help="Entities looked up in this run, most covered first")
    ] = 100,
    entity: Annotated[
        str | None,
        typer.Option(help="Look up this entity alone (id, slug, alias), whatever its articles"),
    ] = None,
    undo: Annotated[
        str | None,
        typer.Option(help="Take back the match of this entity (id, slug, alias); never again"),
    ] = None,
) -> None:
    """Describe entities without a description from Arabic Wikipedia / Wikidata (public APIs,
    one request at a time, cached); see docs/entities.md#descriptions-from-wikipedia."""
    from marsad.entities.enrich import enrich
    from marsad.entities.enrich import undo as undo_match

    store = _store()
    if undo is not None:
        _print(undo_match(store, undo))
        return
    r = enrich(
        store,
        load_settings(),
        min_articles=min_articles,
        limit=limit,
        entity=entity,
        progress=lambda line: typer.echo(line, err=True),
    )
    typer.echo(
        f"looked up {r.looked_up}: matched {r.matched}, ambiguous {r.ambiguous}, "
        f"not found {r.not_found}, failed {r.failed} ({r.requests} requests)"
    )
    for problem in r.problems:
        typer.echo(f"  failed: {problem}", err=True)
    if r.failed:
        raise typer.Exit(1)


def register_kb(kb_app: typer.Typer) -> None:
    """Add the importers to ``marsad kb``."""
    kb_app.command("import-wikidata")(import_wikidata_cmd)
    kb_app.command("import-wikipedia")(import_wikipedia_cmd)
    kb_app.command("enrich")(enrich_cmd)
