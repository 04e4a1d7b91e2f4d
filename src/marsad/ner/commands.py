"""`marsad ner …`: train, evaluate and run the recogniser from the command line."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from marsad.config import shared_data_dir

ner_app = typer.Typer(help="Named-entity recognition: train, evaluate, tag.", no_args_is_help=True)


@ner_app.command()
def train(
    data: Path = typer.Option(None, help="directory with ANERcorp train.txt"),
    out: Path = typer.Option(None, help="model file to write (default: the packaged model)"),
    full: bool = typer.Option(True, help="retrain on all of train.txt after the dev run"),
) -> None:
    """Rebuild the CRF model from ANERcorp (dev = last 10% of train; test is never read)."""
    from marsad.ner.crf import DEFAULT_MODEL
    from marsad.ner.features import FeatureConfig
    from marsad.ner.train import train as run_train

    data = data or shared_data_dir() / "ner" / "anercorp"
    run_train(data, out or DEFAULT_MODEL, FeatureConfig(), full=full)


@ner_app.command("eval")
def evaluate(
    data: Path = typer.Option(None, help="directory with ANERcorp test.txt"),
    model: Path = typer.Option(None, help="model file (default: the packaged model)"),
    wojood: Path = typer.Option(None, help="also score this Wojood-format test file"),
) -> None:
    """Per-type P/R/F1 (CoNLL exact span) and type confusions on the test split."""
    from marsad.ner.crf import CrfRecogniser
    from marsad.ner.evaluate import confusion_table, score_file, score_wojood

    rec = CrfRecogniser.load(model)
    data = data or shared_data_dir() / "ner" / "anercorp"
    exact, _ = score_file(rec, data / "test.txt")
    typer.echo(f"ANERcorp test ({data / 'test.txt'}), exact span:\n{exact.table()}")
    typer.echo(confusion_table(exact))
    if wojood is not None:
        w_exact, w_overlap = score_wojood(rec, wojood)
        typer.echo(f"\nWojood ({wojood}), exact span:\n{w_exact.table()}")
        typer.echo(f"Wojood, head-word overlap:\n{w_overlap.table()}")


@ner_app.command()
def tag(model: Path = typer.Option(None, help="model file (default: the packaged model)")) -> None:
    """Tag Arabic text read from stdin; prints one mention per line: start end type text."""
    from marsad.ner.crf import CrfRecogniser

    rec = CrfRecogniser.load(model)
    for m in rec.recognise(sys.stdin.read()):
        typer.echo(f"{m.start}\t{m.end}\t{m.type.value}\t{m.text}")
