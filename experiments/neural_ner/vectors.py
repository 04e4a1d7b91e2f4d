"""Word vectors for the neural tagger from the ANT news corpus (numpy only).

    python experiments/neural_ner/vectors.py --news .../ant-multisource-v2.1.jsonl.gz --out DIR

The same recipe as the word clusters (``marsad.ner.clusters``): a PPMI matrix of the most
frequent words × their left/right neighbours (±1 and ±2 separately), reduced by randomized
SVD, rows normalised to unit length. Writes ``DIR/vectors.npy`` (float16) and
``DIR/vectors.txt`` (one word per line, row order). About one minute on one core.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

from marsad.ner.clusters import word_vectors


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--news", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True, help="output folder")
    parser.add_argument("--words", type=int, default=40000)
    parser.add_argument("--rank", type=int, default=100)
    args = parser.parse_args(argv)
    t0 = time.time()
    _, vocab, emb = word_vectors(args.news, args.words, rank=args.rank)
    args.out.mkdir(parents=True, exist_ok=True)
    np.save(args.out / "vectors.npy", emb.astype(np.float16))
    (args.out / "vectors.txt").write_text("\n".join(vocab) + "\n", encoding="utf-8")
    print(f"{len(vocab):,} word vectors of {emb.shape[1]} dims in {time.time() - t0:.0f}s")


if __name__ == "__main__":
    main()
