"""Near-duplicates → stories (SPEC §6): MinHash signatures of word shingles, an LSH index.

Agencies' copy is republished with small edits: a new title, a dropped or added
sentence, another dateline. Exact copies are caught by the content hash in the pipeline;
this module groups the *near* copies. Each article body is normalised
(:func:`marsad.arabic.normalise.normalise`), cut into overlapping 3-word shingles and
summarised by a MinHash signature of ``NUM_PERM`` 32-bit values. Candidates come from
datasketch's MinHashLSH (banding tuned for Jaccard ≥ ``LSH_THRESHOLD``); a candidate is
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
from datasketch import LeanMinHash, MinHashLSH

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

    def lean(self) -> LeanMinHash:
        return LeanMinHash(seed=1, hashvalues=self.values.astype(np.uint64), scheme="legacy")


def shingles(text: str, size: int = SHINGLE_WORDS) -> set[str]:
    """Overlapping ``size``-word shingles of the normalised text."""
    words = _WORD.findall(normalise(text))
    if len(words) <= size:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i : i + size]) for i in range(len(words) - size + 1)}


def signature(text: str) -> Signature | None:
    """The MinHash signature of a text, or None when it is too short to compare."""
    grams = shingles(text)
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


@dataclass(frozen=True, slots=True)
class StoredSignature:
    article_id: int
    story_id: int
    day: str | None
    signature: Signature


class StoryIndex:
    """In-memory LSH over the stored signatures; ``match`` finds a new article's story."""

    def __init__(self) -> None:
        self.lsh = MinHashLSH(threshold=LSH_THRESHOLD, num_perm=NUM_PERM)
        self.entries: dict[int, tuple[int, Signature]] = {}  # article id → (story, sig)

    def __len__(self) -> int:
        return len(self.entries)

    def add(self, article_id: int, story_id: int, sig: Signature) -> None:
        if article_id in self.entries:
            return
        self.entries[article_id] = (story_id, sig)
        self.lsh.insert(article_id, sig.lean(), check_duplication=False)

    def match(self, sig: Signature) -> tuple[int, float] | None:
        """(story id, Jaccard) of the closest stored near-duplicate, or None."""
        best: tuple[int, float] | None = None
        best_key: tuple[float, int] | None = None
        for article_id in self.lsh.query(sig.lean()):
            story_id, other = self.entries[article_id]
            if not same_story(sig, other):
                continue
            j = sig.jaccard(other)
            key = (j, -article_id)  # the closest; the oldest on ties
            if best_key is None or key > best_key:
                best, best_key = (story_id, j), key
        return best


def window_start(newest_day: str | None, days: int) -> str | None:
    """The first day of the last ``days`` days up to ``newest_day`` (ISO), or None."""
    if not newest_day:
        return None
    try:
        return (date.fromisoformat(newest_day) - timedelta(days=days - 1)).isoformat()
    except ValueError:
        return None
