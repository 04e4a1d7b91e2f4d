"""The marsad command line: thin glue over the pipeline, the store and the page data."""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from marsad import pages
from marsad.alerts.commands import after_round, alerts_app
from marsad.config import Settings, load_settings
from marsad.entities import commands as entity_commands
from marsad.errors import MarsadError
from marsad.export_commands import export_app
from marsad.ner.commands import ner_app
from marsad.sources import commands as sources_commands
from marsad.spark import commands as spark_commands
from marsad.store.database import Store

app = typer.Typer(help="مرصد — Arabic news monitoring.", no_args_is_help=True, add_completion=False)
kb_app = typer.Typer(help="The knowledge base of entities.", no_args_is_help=True)
app.add_typer(kb_app, name="kb")
entity_commands.register_kb(kb_app)  # kb import-wikidata, kb import-wikipedia
app.add_typer(sources_commands.feeds_app, name="feeds")
app.add_typer(sources_commands.sources_app, name="sources")
app.command("crawl")(sources_commands.crawl)
app.add_typer(ner_app, name="ner", help="Train, evaluate and run the NER model.")
app.command("spark-ingest")(spark_commands.spark_ingest)  # marsad.spark: archives on Spark
app.command("load")(spark_commands.load)
app.add_typer(export_app, name="export")  # every list as CSV / JSONL (exports.py)
app.add_typer(alerts_app, name="alerts")


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import PackageNotFoundError, version

        try:
            typer.echo(f"marsad {version('marsad')}")
        except PackageNotFoundError:
            typer.echo("marsad (not installed: version unknown)")
        raise typer.Exit()


@app.callback()
def _main(
    show_version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True,
                     help="Print marsad's version and exit"),
    ] = False,
) -> None:  # fmt: skip
    """مرصد — Arabic news monitoring."""


def _open() -> tuple[Settings, Store]:
    settings = load_settings()
    return settings, Store(settings.database_url)


def _echo_json(data: object) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2))


@app.command()
def ingest(
    paths: Annotated[
        list[Path],
        typer.Argument(
            help="Files or folders (.txt .html .htm .jsonl .jsonl.gz .csv .warc .warc.gz); '-' reads JSONL from stdin"
        ),
    ],
    source: Annotated[
        str | None, typer.Option(help="Source name for files that do not say")
    ] = None,
    workers: Annotated[
        int,
        typer.Option(
            min=1,
            help="Processes that extract pages and recognise names (e.g. one per core); "
            "this one resolves and stores in input order",
        ),
    ] = 1,
    defer_analysis: Annotated[
        bool,
        typer.Option(
            "--defer-analysis",
            help="Store the articles without finding their entities (about twice as fast); "
            "`marsad analyse` adds them later",
        ),
    ] = False,
) -> None:
    """Ingest articles from files and folders. Exit status: 0 all read, 1 some input or
    record failed (each listed on stderr; the rest is stored), 2 usage error."""
    from marsad.ingest import ingest_paths

    settings, store = _open()
    try:
        report = ingest_paths(
            store,
            settings,
            paths,
            source_name=source,
            progress=lambda msg: typer.echo(msg, err=True),
            workers=workers,
            defer_analysis=defer_analysis,
        )
    except KeyboardInterrupt:
        typer.echo(
            "interrupted: the articles stored so far are kept (all but the last few dozen); "
            "run the same command again to go on — what is stored is skipped as duplicates",
            err=True,
        )
        raise SystemExit(130) from None
    typer.echo(
        f"new {report.new}, duplicates {report.duplicates}, empty {report.empty}, "
        f"errors {len(report.errors)}, warnings {len(report.warnings)}"
    )
    _list_problems("error", report.errors)
    _list_problems("warning", report.warnings)
    if defer_analysis and report.new:
        typer.echo(f"{store.pending_count()} articles wait for analysis: run `marsad analyse`")
    after_round(store, settings)  # alerts: match and deliver the new articles
    if report.errors:
        raise typer.Exit(1)


def _list_problems(kind: str, lines: list[str], shown: int = 20) -> None:
    for line in lines[:shown]:
        typer.echo(f"  {kind}: {line}", err=True)
    if len(lines) > shown:
        typer.echo(f"  … {len(lines) - shown} more {kind}s (each logged above)", err=True)


@app.command()
def serve(
    host: str = "127.0.0.1",
    port: int = 8000,
    workers: Annotated[int, typer.Option(min=1, help="Server processes (one per core)")] = 1,
) -> None:
    """Serve the pages of an existing database (--port when 8000 is taken)."""
    from marsad.web.server import check_port

    check_port(host, port)
    settings, store = _open()  # opens (and migrates) the database before any worker starts
    _serve(settings, store, host, port, workers)


def _serve(settings: Settings, store: Store, host: str, port: int, workers: int = 1) -> None:
    import uvicorn

    from marsad.web.app import create_app
    from marsad.web.server import HTTP_PROTOCOL

    typer.echo(f"serving {settings.database_url} at http://{host}:{port}", err=True)
    options = {"host": host, "port": port, "log_level": "warning", "http": HTTP_PROTOCOL}
    if workers > 1:
        app_path = "marsad.web.app:app_from_environment"
        uvicorn.run(app_path, factory=True, workers=workers, **options)  # type: ignore[arg-type]
    else:
        uvicorn.run(create_app(store, settings), **options)  # type: ignore[arg-type]


@app.command()
def demo(
    articles: Annotated[int, typer.Option(help="How many sample articles to generate")] = 800,
    serve_pages: Annotated[
        bool, typer.Option("--serve/--no-serve", help="Serve the site afterwards")
    ] = True,
    port: Annotated[int, typer.Option(help="Port to serve on (when 8000 is taken)")] = 8000,
    data_dir: Annotated[
        Path | None,
        typer.Option(
            help="Folder of the demo's database (default: the demo/ folder inside marsad's "
            "data folder, never your own database)"
        ),
    ] = None,
) -> None:
    """Build a database of invented sample articles in its own folder and serve it at
    http://127.0.0.1:8000. Your database (MARSAD_DATABASE_URL) is left untouched."""
    from dataclasses import replace

    from marsad.entities.kb import load_kb
    from marsad.generate.corpus import kb_records
    from marsad.ingest import generated_articles
    from marsad.pipeline import Pipeline
    from marsad.web.server import check_port

    if serve_pages:
        check_port("127.0.0.1", port, "demo")
    settings = load_settings()
    folder = (data_dir or settings.data_dir / "demo").expanduser()
    folder.mkdir(parents=True, exist_ok=True)
    settings = replace(settings, data_dir=folder, database_url=f"sqlite:///{folder / 'marsad.db'}")
    store = Store(settings.database_url)
    load_kb(store, kb_records())
    with store.batch():  # one transaction for the whole sample
        report = Pipeline(store, settings).ingest(generated_articles(articles))
    stats = store.stats()
    typer.echo(
        f"sample ingested: {report.new} new, {report.duplicates} duplicates; {stats['articles']} articles, {stats['entities']} entities in {settings.database_url}",
        err=True,
    )
    if serve_pages:
        _serve(settings, store, "127.0.0.1", port)


@app.command()
def generate(
    articles: Annotated[int, typer.Option(help="Number of articles")] = 1000,
    out: Annotated[Path, typer.Option(help="JSONL file to write ('-' for stdout)")] = Path("-"),
    seed: int = 7,
    end: Annotated[str | None, typer.Option(help="Last day (YYYY-MM-DD), default today")] = None,
    days: int = 42,
) -> None:
    """Write a deterministic sample corpus as JSONL (for demos and benchmarks at any size)."""
    from marsad.generate.corpus import generate as gen
    from marsad.generate.corpus import sources

    srcs = sources()
    fh = sys.stdout if str(out) == "-" else out.open("w", encoding="utf-8")
    try:
        for a in gen(articles, seed=seed, end=date.fromisoformat(end) if end else None, days=days):
            rec = a.to_json() | {
                "source_name": srcs[a.source]["name"],
                "source_url": srcs[a.source]["url"],
            }
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    finally:
        if fh is not sys.stdout:
            fh.close()


@app.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def entity(
    ctx: typer.Context,
    name: Annotated[
        str, typer.Argument(help="Id, slug or any alias; or merge|split|rename|alias|describe")
    ],
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the JSON of /api/entity/NAME")
    ] = False,
) -> None:
    """Print an entity's profile, or correct it: `marsad entity merge A B`, `split`, `rename`,
    `alias add|remove`, `describe`, `edits` (see docs/entities.md)."""
    if name in entity_commands.EDIT_VERBS:
        entity_commands.run_edit([name, *ctx.args])
        return
    if ctx.args:
        raise typer.BadParameter(f"unexpected arguments: {' '.join(ctx.args)}")
    settings, store = _open()
    data = pages.entity_page(store, settings, name)
    if as_json:
        _echo_json(data.model_dump(mode="json"))
        return
    typer.echo(
        f"{data.name} ({data.type.arabic}) — {data.article_count} خبرا بين {data.window_start} و{data.window_end}"
    )
    if data.aliases:
        typer.echo("الأسماء الأخرى: " + "، ".join(data.aliases))
    if data.description:
        typer.echo(f"{data.description} [{data.description_source or ''}]")
    typer.echo("\nعدد الأخبار كل يوم:")
    top = max((p.count for p in data.timeline), default=0) or 1
    for p in data.timeline:
        typer.echo(f"  {p.day}  {'█' * round(30 * p.count / top):<30} {p.count}")
    typer.echo("\nالأكثر ارتباطا:")
    for r in data.related:
        typer.echo(f"  {r.name} ({r.shared} خبرا مشتركا، ارتباط {r.strength}، G²={r.score:.1f})")
    typer.echo("\nأعلى المصادر:")
    for s in data.sources:
        typer.echo(f"  {s.name}: {s.articles}")
    if data.quotes:
        typer.echo(f"\nماذا قال {data.name}؟")
        for q in data.quotes:
            also = "، ".join(dict.fromkeys(c.source for c in q.copies))
            typer.echo(
                f"  {q.day or '—'} «{q.text}» ({q.source}{'؛ ونقلته ' + also if also else ''})"
            )
    from marsad.web.extras import counted_text

    typer.echo("\nآخر الأخبار:")
    for a in data.articles[:10]:
        more = f" (و{counted_text(a.other_sources, 'مصدر آخر')})" if a.other_sources else ""
        typer.echo(f"  {a.published.date() if a.published else '—'} {a.source}: {a.title}{more}")


@app.command()
def stats() -> None:
    """Print counts of what the database holds."""
    settings, store = _open()
    typer.echo(f"database: {settings.database_url}")
    for key, value in store.stats().items():
        typer.echo(f"{key}: {value}")


Force = Annotated[bool, typer.Option("--force", help="Overwrite what is there")]


@app.command()
def backup(
    path: Annotated[Path, typer.Argument(help="File to write the copy to")], force: Force = False
) -> None:
    """Copy the whole database to PATH, safely while it is in use (SQLite: online backup
    API; PostgreSQL: pg_dump -Fc)."""
    from marsad.store.backup import backup as run_backup

    settings = load_settings()
    report = run_backup(settings.database_url, path, force=force)
    held = "" if report.articles is None else f", {report.articles} articles"
    typer.echo(f"backup written to {report.path} ({report.bytes} bytes{held})")


@app.command()
def restore(
    path: Annotated[Path, typer.Argument(help="A file written by `marsad backup`")],
    force: Force = False,
) -> None:
    """Replace the database by the backup PATH (a database with articles only with --force)."""
    from marsad.store.backup import restore as run_restore

    settings = load_settings()
    report = run_restore(settings.database_url, path, force=force)
    held = "" if report.articles is None else f": {report.articles} articles"
    typer.echo(f"restored {settings.database_url} from {report.path}{held}")


# Options of the passes over stored articles (reprocess, analyse).
Batch = Annotated[int, typer.Option(min=1, help="Articles per transaction")]
NameWorkers = Annotated[
    int, typer.Option(min=1, help="Processes that recognise names (e.g. one per core)")
]


def _stored_pass(run: Callable[..., int], batch: int, workers: int) -> int:
    """Run a pass over stored articles, telling its progress on stderr; how many it did."""
    return run(batch, progress=lambda n: typer.echo(f"{n} articles…", err=True), workers=workers)


@app.command()
def reprocess(batch: Batch = 200, workers: NameWorkers = 1) -> None:
    """Recognise and resolve every stored article again (after kb load, a new model or
    edits): mentions, quotes and every count are replaced; article texts are kept."""
    from marsad.pipeline import Pipeline

    settings, store = _open()
    done = _stored_pass(Pipeline(store, settings).reprocess, batch, workers)
    typer.echo(f"{done} articles re-processed")


@app.command()
def analyse(batch: Batch = 200, workers: NameWorkers = 1) -> None:
    """Find the entities of the articles ingested with --defer-analysis (mentions, quotes,
    counts), oldest first; stopping is safe, running it again goes on. On PostgreSQL any
    number of these processes, on any machines, share the waiting articles (docs/deploy.md)."""
    from marsad.pipeline import Pipeline

    settings, store = _open()
    done = _stored_pass(Pipeline(store, settings).analyse_pending, batch, workers)
    typer.echo(f"{done} articles analysed")
    after_round(store, settings)


@app.command()
def quotes() -> None:
    """Find who said what in every stored article again (quotes on the entity pages)."""
    from marsad.entities.quotes import refill

    _, store = _open()
    typer.echo(f"{refill(store)} quotes stored")


@kb_app.command("load")
def kb_load(path: Annotated[Path, typer.Argument(help="JSONL file of entities")]) -> None:
    """Load or update entities (names, aliases, descriptions) from a JSONL file."""
    from marsad.entities.kb import load_kb, read_kb

    _, store = _open()
    report = load_kb(store, read_kb(path))
    typer.echo(f"created {report.created}, updated {report.updated}")


def main() -> None:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        app()
    except MarsadError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise SystemExit(1) from None


if __name__ == "__main__":
    main()
