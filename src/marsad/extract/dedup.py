"""Near-duplicates → stories (SPEC §6): MinHash signatures of word shingles, an LSH index.

Agencies' copy is republished with small edits: a new title, a dropped or added
sentence, another dateline. Exact copies are caught by the content hash in the pipeline;
this module groups the *near* copies. Each article body is normalised
(:func:`marsad.arabic.normalise.normalise`), cut into overlapping 3-word shingles and
summarised by a MinHash signature of ``NUM_PERM`` 32-bit values (our own universal
hashing, so stored signatures never change with a library upgrade). Candidates come from
LSH banding — datasketch's choice of bands for Jaccard ≥ ``LSH_THRESHOLD`` — over compact
numpy arrays (:class:`StoryIndex`); a candidate is
the same story when the estimated Jaccard similarity is ≥ ``JACCARD`` (0.7), or when one
text is nearly contained in the other (a shortened copy: containment ≥ ``CONTAINMENT``
with Jaccard ≥ ``LSH_THRESHOLD``).

Signatures are stored (``article_signatures``) so the index survives restarts; it is
loaded lazily, on the first article, restricted to the last ``days`` days of the
database (and at most ``max_articles``) so a large database starts fast.
"""

from __future__ import annotations

import logging
import re
import zlib
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from marsad.arabic.normalise import normalise

log = logging.getLogger(__name__)

NUM_PERM = 128
SHINGLE_WORDS = 3
JACCARD = 0.7  # same story at or above this estimated Jaccard similarity of shingle sets
CONTAINMENT = 0.85  # ... or when this share of the shorter text's shingles is in the other
LSH_THRESHOLD = 0.5  # candidates: LSH banding tuned for this Jaccard; and the floor for containment
MIN_SHINGLES = 8  # texts shorter than this (≈ 10 words) are not grouped: too little evidence
_MERSENNE = np.uint64((1 << 61) - 1)
_MAX32 = np.uint64(0xFFFFFFFF)
_WORD = re.compile(r"\w+")
_rng = np.random.RandomState(20240315)
_A = _rng.randint(1, 1 << 32, size=NUM_PERM, dtype=np.uint64)
_B = _rng.randint(0, 1 << 32, size=NUM_PERM, dtype=np.uint64)


@dataclass(frozen=True, slots=True)
class Signature:
    """The MinHash of one text and how many distinct shingles it had."""

    values: np.ndarray  # uint32, NUM_PERM values
    shingles: int

    def to_bytes(self) -> bytes:
        """Stored form: shingle count (uint32) then the values, little-endian."""
        head = np.array([self.shingles], dtype="<u4").tobytes()
        return head + self.values.astype("<u4").tobytes()

    @classmethod
    def from_bytes(cls, data: bytes) -> Signature:
        arr = np.frombuffer(data, dtype="<u4")
        return cls(values=arr[1:].astype(np.uint32), shingles=int(arr[0]))

    def jaccard(self, other: Signature) -> float:
        return float(np.count_nonzero(self.values == other.values)) / len(self.values)

    def containment(self, other: Signature, jaccard: float | None = None) -> float:
        """Estimated share of the smaller set's shingles found in the other set."""
        j = self.jaccard(other) if jaccard is None else jaccard
        smaller = min(self.shingles, other.shingles)
        if smaller == 0:
            return 0.0
        return min(1.0, j * (self.shingles + other.shingles) / (1.0 + j) / smaller)


def shingles(text: str, size: int = SHINGLE_WORDS, *, normalised: bool = False) -> set[str]:
    """Overlapping ``size``-word shingles of the normalised text (``normalised``: it is)."""
    words = _WORD.findall(text if normalised else normalise(text))
    if len(words) <= size:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i : i + size]) for i in range(len(words) - size + 1)}


def signature(text: str, *, normalised: bool = False) -> Signature | None:
    """The MinHash signature of a text, or None when it is too short to compare."""
    grams = shingles(text, normalised=normalised)
    if len(grams) < MIN_SHINGLES:
        return None
    hashes = np.fromiter(
        (zlib.crc32(g.encode("utf-8")) for g in grams), dtype=np.uint64, count=len(grams)
    )
    # universal hashing (a·h + b) mod p, one row per permutation, minimum per row
    permuted = (np.outer(_A, hashes) + _B[:, None]) % _MERSENNE & _MAX32
    return Signature(values=permuted.min(axis=1).astype(np.uint32), shingles=len(grams))


def same_story(a: Signature, b: Signature) -> bool:
    """Whether two signatures are close enough to be one story."""
    j = a.jaccard(b)
    return j >= JACCARD or (j >= LSH_THRESHOLD and a.containment(b, j) >= CONTAINMENT)


# LSH banding for Jaccard ≥ LSH_THRESHOLD with NUM_PERM values: what datasketch's
# MinHashLSH picks (its _optimal_param; a test checks they agree). A constant because
# importing datasketch.lsh (scipy) costs ~2 s at every start.
BANDS, ROWS = 25, 5


def lsh_params(threshold: float = LSH_THRESHOLD, num_perm: int = NUM_PERM) -> tuple[int, int]:
    """(bands, rows per band) minimising false positives + false negatives at
    ``threshold`` (equal weights), the search datasketch's ``_optimal_param`` does."""
    grid = np.linspace(0.0, 1.0, 201)
    best, best_err = (1, num_perm), float("inf")
    for b in range(1, num_perm + 1):
        for r in range(1, num_perm // b + 1):
            p = 1 - (1 - grid**r) ** b
            err = float(np.where(grid < threshold, p, 1 - p).mean())
            if err < best_err:
                best, best_err = (b, r), err
    return best


class StoryIndex:
    """LSH banding over the stored signatures, in numpy arrays.

    The banding is datasketch's MinHashLSH's for Jaccard ≥ ``LSH_THRESHOLD`` (25 bands of
    5 values for 128 permutations), but the buckets are sorted numpy arrays searched with
    ``searchsorted`` instead of one Python set per bucket: datasketch's in-memory
    MinHashLSH took 11.8 s and 450 MB to load 50,000 signatures, this about 1 s and
    ~1 KB per article. New articles go to a small dict-based buffer merged
    into the arrays every ``MERGE_EVERY`` additions.
    """

    MERGE_EVERY = 4096

    def __init__(self) -> None:
        self.bands, self.rows = BANDS, ROWS
        self._ids = np.zeros(0, dtype=np.int64)
        self._stories = np.zeros(0, dtype=np.int64)
        self._sigs = np.zeros((0, NUM_PERM), dtype=np.uint32)
        self._sizes = np.zeros(0, dtype=np.uint32)
        self._sorted = np.zeros((self.bands, 0), dtype=np.uint64)  # band hashes, sorted
        self._order = np.zeros((self.bands, 0), dtype=np.int64)  # row of each sorted hash
        self._known: set[int] = set()
        self._buffer: list[tuple[int, int, Signature]] = []
        self._buffer_buckets: dict[tuple[int, int], list[int]] = {}

    def __len__(self) -> int:
        return len(self._known)

    def band_hashes(self, values: np.ndarray) -> np.ndarray:
        """One 64-bit hash per band for each signature row (``values``: (n, NUM_PERM))."""
        values = np.atleast_2d(values)[:, : self.bands * self.rows].astype(np.uint64)
        values = values.reshape(-1, self.bands, self.rows)
        h = np.full(values.shape[:2], 0xCBF29CE484222325, dtype=np.uint64)
        with np.errstate(over="ignore"):
            for j in range(self.rows):  # FNV-1a-style fold of each band's values
                h = (h ^ values[:, :, j]) * np.uint64(0x100000001B3)
        return h

    def add(self, article_id: int, story_id: int, sig: Signature) -> None:
        if article_id in self._known:
            return
        self._known.add(article_id)
        at = len(self._buffer)
        self._buffer.append((article_id, story_id, sig))
        for k, h in enumerate(self.band_hashes(sig.values)[0]):
            self._buffer_buckets.setdefault((k, int(h)), []).append(at)
        if len(self._buffer) >= self.MERGE_EVERY:
            self._merge()

    def add_many(self, items: list[tuple[int, int, Signature]]) -> None:
        """Add many signatures at once (loading): one merge, no buffer."""
        fresh = [(a, st, sig) for a, st, sig in items if a not in self._known]
        self._known.update(a for a, _, _ in fresh)
        self._buffer.extend(fresh)
        self._merge()

    def add_stored(self, ids: list[int], stories: list[int], blobs: list[bytes]) -> None:
        """Add stored signatures (:meth:`Signature.to_bytes` blobs) in one go."""
        keep = [i for i, a in enumerate(ids) if a not in self._known]
        if not keep:
            return
        self._merge()
        raw = np.frombuffer(b"".join(blobs[i] for i in keep), dtype="<u4")
        raw = raw.reshape(len(keep), NUM_PERM + 1)
        self._known.update(ids[i] for i in keep)
        self._ids = np.concatenate([self._ids, np.array([ids[i] for i in keep], dtype=np.int64)])
        self._stories = np.concatenate(
            [self._stories, np.array([stories[i] for i in keep], dtype=np.int64)]
        )
        self._sizes = np.concatenate([self._sizes, raw[:, 0].astype(np.uint32)])
        self._sigs = np.concatenate([self._sigs, raw[:, 1:].astype(np.uint32)])
        self._resort()

    def _merge(self) -> None:
        if not self._buffer:
            return
        ids = np.array([a for a, _, _ in self._buffer], dtype=np.int64)
        stories = np.array([st for _, st, _ in self._buffer], dtype=np.int64)
        sigs = np.stack([sig.values for _, _, sig in self._buffer]).astype(np.uint32)
        sizes = np.array([sig.shingles for _, _, sig in self._buffer], dtype=np.uint32)
        self._ids = np.concatenate([self._ids, ids])
        self._stories = np.concatenate([self._stories, stories])
        self._sigs = np.concatenate([self._sigs, sigs])
        self._sizes = np.concatenate([self._sizes, sizes])
        self._buffer.clear()
        self._buffer_buckets.clear()
        self._resort()

    def _resort(self) -> None:
        hashes = self.band_hashes(self._sigs).T  # (bands, n)
        self._order = np.argsort(hashes, axis=1, kind="stable")
        self._sorted = np.take_along_axis(hashes, self._order, axis=1)

    def match(self, sig: Signature) -> tuple[int, float] | None:
        """(story id, Jaccard) of the closest stored near-duplicate, or None."""
        hashes = self.band_hashes(sig.values)[0]
        rows: set[int] = set()
        if self._sorted.shape[1]:
            for k in range(self.bands):
                lo, hi = (
                    np.searchsorted(self._sorted[k], hashes[k], side="left"),
                    np.searchsorted(self._sorted[k], hashes[k], side="right"),
                )
                if hi > lo:
                    rows.update(self._order[k, lo:hi].tolist())
        best: tuple[float, int, int] | None = None  # (jaccard, -article id, story)
        if rows:
            idx = np.fromiter(rows, dtype=np.int64, count=len(rows))
            jaccard = (self._sigs[idx] == sig.values).mean(axis=1)
            for i, j in zip(idx.tolist(), jaccard.tolist(), strict=True):
                other = Signature(self._sigs[i], int(self._sizes[i]))
                if same_story(sig, other):
                    key = (j, -int(self._ids[i]), int(self._stories[i]))
                    best = key if best is None or key[:2] > best[:2] else best
        buffered: set[int] = set()
        for k, h in enumerate(hashes.tolist()):
            buffered.update(self._buffer_buckets.get((k, h), ()))
        for at in buffered:
            article_id, story_id, other = self._buffer[at]
            if same_story(sig, other):
                key = (sig.jaccard(other), -article_id, story_id)
                best = key if best is None or key[:2] > best[:2] else best
        return (best[2], best[0]) if best else None


def window_start(newest_day: str | None, days: int) -> str | None:
    """The first day of the last ``days`` days up to ``newest_day`` (ISO), or None."""
    if not newest_day:
        return None
    try:
        return (date.fromisoformat(newest_day) - timedelta(days=days - 1)).isoformat()
    except ValueError:
        return None
