"""``marsad alerts …``: saved searches and their deliveries from the command line."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from marsad.alerts import watchlists
from marsad.config import Settings, load_settings
from marsad.store.database import Store

alerts_app = typer.Typer(
    help="Watchlists (saved searches) and their alerts: Atom feed, webhook, e-mail digest.",
    no_args_is_help=True,
)


def _store() -> Store:
    return Store(load_settings().database_url)


@alerts_app.command("add")
def add(
    name: Annotated[str, typer.Argument(help="A name for the watchlist")],
    entity: Annotated[
        list[str] | None,
        typer.Option("--entity", "-e", help="An entity (id, slug or alias); repeat for more"),
    ] = None,
    query: Annotated[str, typer.Option("--query", "-q", help="Search words (all must occur)")] = "",
    source: Annotated[
        str | None, typer.Option(help="Only articles from this source (slug)")
    ] = None,
    webhook: Annotated[str | None, typer.Option(help="URL to POST new articles to (JSON)")] = None,
    secret: Annotated[
        str | None, typer.Option(help="Shared secret the POSTs are signed with (default: new)")
    ] = None,
    email: Annotated[str | None, typer.Option(help="Address of the e-mail digest")] = None,
) -> None:
    """Save a watchlist: articles stored from now on that name one of the entities and
    contain every search word are delivered after each ingest, analysis and crawl round."""
    made = watchlists.create(
        _store(),
        name,
        entities=entity or [],
        query=query,
        source=source,
        webhook_url=webhook,
        webhook_secret=secret,
        email_to=email,
    )
    settings = load_settings()
    typer.echo(f"watchlist {made.name} (id {made.id}) saved")
    typer.echo(f"  page: {settings.alerts.site_url}{made.feed}")
    typer.echo(f"  Atom: {settings.alerts.site_url}{made.feed}/feed.atom")
    if made.webhook_url:
        typer.echo(f"  webhook secret (X-Marsad-Signature): {made.webhook_secret}")


@alerts_app.command("list")
def list_(
    as_json: Annotated[bool, typer.Option("--json", help="Print the JSON")] = False,
) -> None:
    """Every watchlist with what it matched and delivered, and its last delivery error."""
    rows = watchlists.all_watchlists(_store())
    if as_json:
        typer.echo(json.dumps([r.model_dump() for r in rows], ensure_ascii=False, indent=2))
        return
    if not rows:
        typer.echo("no watchlists yet: `marsad alerts add NAME --entity … --query …`")
    for r in rows:
        what = "، ".join(e.name for e in r.entities)
        typer.echo(
            f"{r.id} {r.name}: {what}{' + ' if what and r.query else ''}{r.query}"
            f"{f' [{r.source}]' if r.source else ''} — {r.matched} matched"
            + (f", {r.webhook_sent} by webhook" if r.webhook_url else "")
            + (f", {r.email_sent} by e-mail to {r.email_to}" if r.email_to else "")
        )
        typer.echo(f"   /{r.feed}/feed.atom")
        if r.last_error:
            typer.echo(f"   last error ({r.failures} failures): {r.last_error}")


@alerts_app.command("remove")
def remove(key: Annotated[str, typer.Argument(help="Watchlist id or name")]) -> None:
    """Delete a watchlist and what it delivered."""
    typer.echo(f"removed {watchlists.remove(_store(), key)['removed']}")


@alerts_app.command("run")
def run() -> None:
    """Match and deliver now (also done after every ingest, analysis and crawl round)."""
    from marsad.alerts.delivery import run_alerts

    settings = load_settings()
    report = run_alerts(Store(settings.database_url), settings)
    typer.echo(report.summary())
    for line in report.errors:
        typer.echo(f"  error: {line}", err=True)
    if report.errors:
        raise typer.Exit(1)


def after_round(store: Store, settings: Settings) -> None:
    """What ingest, analyse and every crawl round run last: an alerts round, told on
    stderr when there are watchlists. A failed delivery does not fail the command: it
    stays owed and is retried by the next round (``marsad alerts list`` shows the error)."""
    from marsad.alerts.delivery import run_alerts

    report = run_alerts(store, settings)
    if report.watchlists:
        typer.echo(report.summary(), err=True)
        for line in report.errors:
            typer.echo(f"  alert error: {line}", err=True)
