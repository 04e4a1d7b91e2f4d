"""Word counts and distributional word clusters from unlabelled Arabic news (numpy only).

Run once to (re)build two data files shipped in the package::

    python -m marsad.ner.clusters --news /work/shared/data/news/ant-multisource-v2.1.jsonl.gz

* ``marsad/arabic/lexicons/wordfreq.tsv``: normalised word → corpus count (the
  tokeniser uses it to decide whether a leading و/ب/ل… is a clitic or part of a name);
* ``marsad/ner/data/clusters.tsv``: normalised word → cluster ids at several
  granularities (k-means over an SVD of a PPMI word–context matrix with separate
  left/right contexts, i.e. a cheap, syntax-aware stand-in for Brown clusters).
"""

from __future__ import annotations

import argparse
import gzip
import json
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from marsad.arabic.normalise import normalise

HERE = Path(__file__).resolve().parent
WORDFREQ_PATH = HERE.parent / "arabic" / "lexicons" / "wordfreq.tsv"
CLUSTERS_PATH = HERE / "data" / "clusters.tsv"
GRANULARITIES = (64, 256, 1024, 32, 128, 512, 2048)


def read_news(path: Path) -> Iterator[list[str]]:
    """Normalised word lists, one per title/paragraph of the JSONL news corpus."""
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            doc = json.loads(line)
            for part in [doc.get("title") or "", *(doc.get("text") or "").split("\n")]:
                words = normalise(part).split()
                if words:
                    yield words


def _randomized_svd(m: np.ndarray, rank: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    y = m @ rng.standard_normal((m.shape[1], rank + 20), dtype=np.float32)
    for _ in range(2):
        y, _ = np.linalg.qr(y)
        y = m @ (m.T @ y)
    q, _ = np.linalg.qr(y)
    u_b, s, _ = np.linalg.svd(q.T @ m, full_matrices=False)
    return (q @ u_b)[:, :rank], s[:rank]


def kmeans(x: np.ndarray, k: int, iterations: int = 20, seed: int = 0) -> np.ndarray:
    """Spherical k-means (rows of ``x`` are unit vectors); returns a cluster id per row."""
    rng = np.random.default_rng(seed)
    centres = x[rng.choice(len(x), size=k, replace=False)].copy()
    labels = np.zeros(len(x), dtype=np.int64)
    for _ in range(iterations):
        labels = np.argmax(x @ centres.T, axis=1)
        sums = np.zeros_like(centres)
        np.add.at(sums, labels, x)
        norms = np.linalg.norm(sums, axis=1, keepdims=True)
        empty = norms[:, 0] == 0
        sums[empty] = x[rng.choice(len(x), size=int(empty.sum()), replace=False)]
        norms[empty] = 1.0
        centres = sums / norms
    return labels


def cooccurrences(ids: np.ndarray, n_words: int, n_near: int, n_far: int) -> np.ndarray:
    """Counts of (word, neighbour at -1, +1, -2, +2) over a corpus of word ids (-1 = none):
    the ``n_near`` most frequent words as ±1 contexts, the ``n_far`` most frequent as ±2."""
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
    """Positive pointwise mutual information, context counts smoothed by the power 0.75."""
    total = cooc.sum()
    row = cooc.sum(axis=1, keepdims=True) + 1e-9
    col = cooc.sum(axis=0, keepdims=True) ** 0.75
    col /= col.sum()
    with np.errstate(divide="ignore"):
        pmi = np.log(cooc / total + 1e-30) - np.log(row / total) - np.log(col + 1e-30)
    return np.maximum(pmi, 0).astype(np.float32)


def word_vectors(
    news: Path, n_words: int = 40000, n_near: int = 2000, n_far: int = 800, rank: int = 100
) -> tuple[Counter[str], list[str], np.ndarray]:
    """(word counts, the ``n_words`` most frequent words, their unit-length vectors)."""
    t0 = time.time()
    sentences = list(read_news(news))
    counts: Counter[str] = Counter()
    for words in sentences:
        counts.update(words)
    print(f"read {sum(counts.values()):,} words, {len(counts):,} types in {time.time() - t0:.0f}s")
    vocab = [w for w, _ in counts.most_common(n_words)]
    index = {w: i for i, w in enumerate(vocab)}
    ids = np.fromiter(
        (index.get(w, -1) for words in sentences for w in [*words, "\n"]), dtype=np.int64
    )  # "\n" is never in the vocabulary: a boundary between paragraphs
    u, s = _randomized_svd(ppmi(cooccurrences(ids, n_words, n_near, n_far)), rank)
    emb = u * np.sqrt(s)
    emb /= np.linalg.norm(emb, axis=1, keepdims=True) + 1e-9
    print(f"vectors in {time.time() - t0:.0f}s")
    return counts, vocab, emb


def build(
    news: Path,
    n_words: int = 40000,
    n_near: int = 2000,
    n_far: int = 800,
    rank: int = 100,
    min_count: int = 5,
) -> tuple[Counter[str], dict[str, tuple[int, ...]], np.ndarray]:
    t0 = time.time()
    counts, vocab, emb = word_vectors(news, n_words, n_near, n_far, rank)
    labels = [kmeans(emb.astype(np.float32), k, seed=k) for k in GRANULARITIES]
    print(f"k-means in {time.time() - t0:.0f}s")
    clusters = {w: tuple(int(lab[i]) for lab in labels) for i, w in enumerate(vocab)}
    return Counter({w: c for w, c in counts.items() if c >= min_count}), clusters, emb


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--news", type=Path, required=True)
    parser.add_argument("--wordfreq-out", type=Path, default=WORDFREQ_PATH)
    parser.add_argument("--clusters-out", type=Path, default=CLUSTERS_PATH)
    parser.add_argument(
        "--embeddings-out",
        type=Path,
        default=None,
        help="also save the word vectors (float16 .npy, rows in clusters-file order)",
    )
    parser.add_argument("--words", type=int, default=40000, help="most frequent words clustered")
    args = parser.parse_args()
    counts, clusters, emb = build(args.news, n_words=args.words)
    if args.embeddings_out is not None:
        with open(args.embeddings_out, "wb") as fh:
            np.save(fh, emb.astype(np.float16))
    args.wordfreq_out.parent.mkdir(parents=True, exist_ok=True)
    with open(args.wordfreq_out, "w", encoding="utf-8") as fh:
        fh.write(
            "# normalised word<TAB>count in the ANT news corpus v2.1 (built by marsad.ner.clusters)\n"
        )
        for w, c in counts.most_common():
            fh.write(f"{w}\t{c}\n")
    args.clusters_out.parent.mkdir(parents=True, exist_ok=True)
    with open(args.clusters_out, "w", encoding="utf-8") as fh:
        fh.write(f"# normalised word<TAB>cluster ids for k={','.join(map(str, GRANULARITIES))}\n")
        for w, ids in clusters.items():
            fh.write(w + "\t" + "\t".join(map(str, ids)) + "\n")
    print(f"wrote {len(counts):,} counts and {len(clusters):,} clustered words")


if __name__ == "__main__":
    main()
