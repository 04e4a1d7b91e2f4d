"""Score a neural model bundle on the dev split (last 10% of train.txt) or on test.txt.

    python experiments/neural_ner/evaluate.py --model MODEL.npz [--split dev|test]

Use a model trained without the dev set (``train`` without ``--full``) for ``dev``.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from recogniser import DEFAULT_MODEL, timed_load

from marsad.config import shared_data_dir
from marsad.ner.conll import read_conll, split_dev
from marsad.ner.evaluate import confusion_table
from marsad.ner.scoring import score


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=shared_data_dir() / "ner" / "anercorp")
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL)
    parser.add_argument("--split", choices=("dev", "test"), default="dev")
    args = parser.parse_args(argv)
    if args.split == "dev":
        sentences = split_dev(read_conll(args.data / "train.txt"))[1]
    else:
        sentences = read_conll(args.data / "test.txt")
    rec, secs = timed_load(args.model)
    gold = [[t for _, t in s] for s in sentences]
    scores = score(gold, rec.tag_corpus([[w for w, _ in s] for s in sentences]))
    print(f"{args.split} ({len(sentences)} sentences), model loaded in {secs:.2f}s:")
    print(scores.table())
    print(confusion_table(scores))


if __name__ == "__main__":
    main()
