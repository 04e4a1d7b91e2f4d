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
from collections import Counter
from pathlib import Path

import numpy as np

from marsad.ner.clusters import _randomized_svd, read_news


def cooccurrences(ids: np.ndarray, n_words: int, n_near: int, n_far: int) -> np.ndarray:
    """Counts of (word, neighbour at -1, +1, -2, +2) over a corpus of word ids (-1 = none)."""
    n_cols = 2 * n_near + 2 * n_far
    col_base = {-1: 0, 1: n_near, -2: 2 * n_near, 2: 2 * n_near + n_far}
    cooc = np.zeros((n_words, n_cols), dtype=np.float32)
    for offset, base in col_base.items():
        limit = n_near if abs(offset) == 1 else n_far
        w, c = (ids[:-offset], ids[offset:]) if offset > 0 else (ids[-offset:], ids[:offset])
        keep = (w >= 0) & (c >= 0) & (c < limit)
        uniq, freq = np.unique(w[keep] * n_cols + base + c[keep], return_counts=True)
        cooc.flat[uniq] = freq
    return cooc


def ppmi(cooc: np.ndarray) -> np.ndarray:
    total = cooc.sum()
    row = cooc.sum(axis=1, keepdims=True) + 1e-9
    col = cooc.sum(axis=0, keepdims=True) ** 0.75
    col /= col.sum()
    with np.errstate(divide="ignore"):
        pmi = np.log(cooc / total + 1e-30) - np.log(row / total) - np.log(col + 1e-30)
    return np.maximum(pmi, 0).astype(np.float32)


def word_vectors(
    news: Path, n_words: int = 40000, n_near: int = 2000, n_far: int = 800, rank: int = 100
) -> tuple[list[str], np.ndarray]:
    sentences = list(read_news(news))
    counts: Counter[str] = Counter()
    for words in sentences:
        counts.update(words)
    vocab = [w for w, _ in counts.most_common(n_words)]
    index = {w: i for i, w in enumerate(vocab)}
    ids = np.fromiter(
        (index.get(w, -1) for words in sentences for w in [*words, "\n"]), dtype=np.int64
    )  # "\n" is never in the vocabulary: a boundary between paragraphs
    u, s = _randomized_svd(ppmi(cooccurrences(ids, n_words, n_near, n_far)), rank)
    emb = u * np.sqrt(s)
    emb /= np.linalg.norm(emb, axis=1, keepdims=True) + 1e-9
    return vocab, emb


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--news", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True, help="output folder")
    parser.add_argument("--words", type=int, default=40000)
    parser.add_argument("--rank", type=int, default=100)
    args = parser.parse_args(argv)
    t0 = time.time()
    vocab, emb = word_vectors(args.news, args.words, rank=args.rank)
    args.out.mkdir(parents=True, exist_ok=True)
    np.save(args.out / "vectors.npy", emb.astype(np.float16))
    (args.out / "vectors.txt").write_text("\n".join(vocab) + "\n", encoding="utf-8")
    print(f"{len(vocab):,} word vectors of {emb.shape[1]} dims in {time.time() - t0:.0f}s")


if __name__ == "__main__":
    main()
