"""CLI for sources: ``marsad sources list|name``, ``marsad feeds add|list|remove`` and
``marsad crawl [--every 10m]``.

Thin glue: the work is in :mod:`marsad.store.feeds`, :mod:`marsad.sources.crawl` and
:mod:`marsad.sources.ingest_feed`.
"""

from __future__ import annotations

import signal
import threading
from datetime import UTC, datetime
from typing import Annotated

import typer

from marsad.config import Settings, load_settings
from marsad.sources.crawl import CrawlReport, FeedBackoff, crawl_forever, parse_duration
from marsad.store.database import Store
from marsad.store.feeds import FeedStore

sources_app = typer.Typer(
    help="The sources articles come from, and their readable names.", no_args_is_help=True
)


@sources_app.command("list")
def sources_list() -> None:
    """Every source: slug, name, articles and the days they span."""
    _, store, _ = _open()
    for row in store.list_sources():
        span = f"{row['first_day']} – {row['last_day']}" if row["first_day"] else "بلا تاريخ"
        typer.echo(f"{row['slug']}\t{row['name']}\t{row['articles']}\t{span}")


@sources_app.command("name")
def sources_name(
    slug: Annotated[str, typer.Argument(help="The source's slug (`marsad sources list`)")],
    name: Annotated[str, typer.Argument(help="The name to show, e.g. العربية")],
) -> None:
    """Give a source a readable name (e.g. `marsad sources name alarabia العربية`)."""
    from marsad.sources.names import set_source_name

    _, store, _ = _open()
    result = set_source_name(store, slug, name)
    typer.echo(f"{result['source']}: {result['old']} → {result['name']}")


feeds_app = typer.Typer(help="The RSS/Atom feeds that `marsad crawl` polls.", no_args_is_help=True)


def _open() -> tuple[Settings, Store, FeedStore]:
    settings = load_settings()
    store = Store(settings.database_url)
    return settings, store, FeedStore(store)


def _when(value: datetime | None) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC") if value else "never"


@feeds_app.command("add")
def feeds_add(
    url: Annotated[str, typer.Argument(help="The feed's http(s) URL")],
    name: Annotated[
        str | None, typer.Option(help="Source name for its articles (default: the site)")
    ] = None,
    country: Annotated[str | None, typer.Option(help="The source's country")] = None,
) -> None:
    """Add a feed (or update the name and country of one already added).

    A feed on an internal address (loopback, private network…) is refused unless
    MARSAD_ALLOW_PRIVATE_HOSTS names it.
    """
    from marsad.sources.addresses import AddressPolicy
    from marsad.sources.fetch import check_address, check_url

    settings, _, feeds = _open()
    check_address(check_url(url), AddressPolicy.from_entries(settings.allow_private_hosts))
    feed, created = feeds.add_feed(url, name=name, country=country)
    typer.echo(f"{'added' if created else 'updated'} feed {feed.id}: {feed.name} <{feed.url}>")


@feeds_app.command("list")
def feeds_list() -> None:
    """Every feed with its status: last success, last error, errors in a row, pages."""
    _, _, feeds = _open()
    statuses = feeds.feed_statuses()
    if not statuses:
        typer.echo("no feeds yet: `marsad feeds add URL --name NAME`")
        return
    for f in statuses:
        country = f" ({f.country})" if f.country else ""
        typer.echo(f"{f.id}  {f.name}{country}  {f.url}")
        typer.echo(
            f"    last success: {_when(f.last_success)}; errors in a row: {f.error_count}; "
            f"pages: {f.pages_done} done, {f.page_errors} without article or failed"
        )
        if f.last_error:
            typer.echo(f"    last error ({_when(f.last_error_at)}): {f.last_error}")


@feeds_app.command("remove")
def feeds_remove(url: Annotated[str, typer.Argument(help="The feed's URL as listed")]) -> None:
    """Stop polling a feed (its articles stay in the database)."""
    _, _, feeds = _open()
    feeds.remove_feed(url)
    typer.echo(f"removed feed {url}")


def _print_report(report: CrawlReport, verbose: bool) -> None:
    typer.echo(f"{report.started.astimezone(UTC):%Y-%m-%d %H:%M:%S} UTC  {report.summary()}")
    for f in report.feeds:
        if f.error:
            typer.echo(f"  feed {f.name}: {f.error}", err=True)
        if verbose or len(f.item_errors) <= 5:
            for url, reason in f.item_errors:
                typer.echo(f"  page {url}: {reason}", err=True)
        else:
            typer.echo(f"  feed {f.name}: {len(f.item_errors)} page errors", err=True)


def crawl(
    every: Annotated[
        str | None,
        typer.Option(help="Repeat every interval (30s, 10m, 1h, 1h30m) until Ctrl-C"),
    ] = None,
    delay: Annotated[float, typer.Option(help="Seconds between two requests to a site")] = 1.0,
    max_items: Annotated[int, typer.Option(help="Items read per feed and round")] = 100,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="List every page error")] = False,
    defer_analysis: Annotated[
        bool,
        typer.Option(
            "--defer-analysis",
            help="Store the articles without finding their entities: `marsad analyse` "
            "processes (on any machine, with PostgreSQL) add them",
        ),
    ] = False,
) -> None:
    """Poll every feed once (or on a schedule) and store the articles of new items."""
    from marsad.alerts.commands import after_round
    from marsad.sources.fetch import Fetcher
    from marsad.sources.ingest_feed import FeedIngester, record_failures, run_round

    settings, store, feeds = _open()
    if not feeds.list_feeds():
        typer.echo("no feeds yet: `marsad feeds add URL --name NAME`", err=True)
        raise typer.Exit(1)
    ingester = FeedIngester(store, settings, feeds, defer_analysis=defer_analysis)
    with Fetcher(delay=delay, allow_private_hosts=settings.allow_private_hosts) as fetcher:
        if every is None:
            report = run_round(feeds, fetcher, ingester, max_items_per_feed=max_items)
            _print_report(report, verbose)
            ingester.refresh()  # the global pass over what this round named
            _enrich_after_round(store, settings)
            after_round(store, settings)  # alerts (marsad.alerts)
            return
        interval = parse_duration(every)
        stop = threading.Event()

        def on_signal(signum: int, _frame: object) -> None:
            if stop.is_set():  # a second Ctrl-C: stop now
                raise KeyboardInterrupt
            typer.echo("stopping after the current page… (Ctrl-C again to quit now)", err=True)
            stop.set()

        previous = signal.signal(signal.SIGINT, on_signal)
        previous_term = signal.signal(signal.SIGTERM, on_signal)

        def on_report(report: CrawlReport) -> None:
            record_failures(feeds, report)
            _print_report(report, verbose)
            _enrich_after_round(store, settings)
            after_round(store, settings)
            ingester.refresh()

        typer.echo(f"crawling every {interval}; Ctrl-C stops", err=True)
        try:
            rounds = crawl_forever(
                feeds,
                fetcher,
                ingester,
                every=interval,
                stop_event=stop,
                on_report=on_report,
                max_items_per_feed=max_items,
                backoff=FeedBackoff(),
            )
        except KeyboardInterrupt:
            rounds = -1
        finally:
            signal.signal(signal.SIGINT, previous)
            signal.signal(signal.SIGTERM, previous_term)
        typer.echo(f"stopped after {rounds} rounds" if rounds >= 0 else "stopped", err=True)


def _enrich_after_round(store: Store, settings: Settings) -> None:
    """MARSAD_ENRICH=on: describe a few more entities from Wikipedia (entities.enrich)."""
    from marsad.entities.enrich import after_round as enrich_after_round

    done = enrich_after_round(store, settings)
    if done is not None and done.looked_up:
        typer.echo(
            f"enrich: looked up {done.looked_up}, matched {done.matched}, failed {done.failed}",
            err=True,
        )
