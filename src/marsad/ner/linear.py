"""A trained crfsuite CRF read into numpy, tagging whole documents without crfsuite.

crfsuite scores an item as the sum of its attributes' weights per label, and a sentence by
adding label-transition weights (no start/end weights), then decodes with Viterbi. The
model is linear, so what one token contributes — its own features, and the prefixed copies
it gives the words up to ``window`` places before and after it — is a fixed vector per label
for a given word: computed once, kept as rows of a matrix, and a document's emission
scores are a few gathers and sums over it. The tags equal crfsuite's (see tests).
"""

from __future__ import annotations

import struct
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np

from marsad.arabic.tokenise import Token, WordCounts
from marsad.ner.features import FeatureConfig, features_of
from marsad.ner.lexicon import Lexical

_FEATURE_SIZE = 20  # type, source, destination (uint32 each), weight (float64)
_CACHE_WORDS = 100_000  # words whose vectors are kept (5 rows of 10 floats each at window 2)


def _cqdb_strings(data: bytes, offset: int, count: int) -> list[str] | None:
    """The strings of a CQDB chunk in id order (crfsuite's label and attribute names)."""
    if data[offset : offset + 4] != b"CQDB":
        return None
    n_refs, refs_at = struct.unpack_from("<II", data, offset + 16)
    strings = []
    for ref in struct.unpack_from(f"<{n_refs}I", data, offset + refs_at):
        if ref:
            size = struct.unpack_from("<I", data, offset + ref + 4)[0]
            start = offset + ref + 8
            strings.append(data[start : start + size - 1].decode("utf-8"))
    return strings if len(strings) == count else None


def _is_model(data: bytes) -> bool:
    return len(data) >= 48 and data[:4] == b"lCRF" and data[8:12] == b"FOMC"


def model_attributes(model: Path) -> frozenset[str] | None:
    """Every attribute (feature string) a crfsuite CRF1d model file has weights for; None
    when the file is not in that format. crfsuite drops the attributes it does not know
    when tagging, so leaving them out of the items beforehand gives the same tags for less
    conversion work."""
    data = model.read_bytes()
    if not _is_model(data):
        return None
    n_attrs, at_attrs = struct.unpack_from("<I8xI", data, 24)
    attributes = _cqdb_strings(data, at_attrs, n_attrs)
    return frozenset(attributes) if attributes is not None else None


class LinearChain:
    """Labels, attribute ids, state weights (attributes × labels) and transitions."""

    def __init__(
        self,
        labels: list[str],
        attributes: list[str],
        state: np.ndarray,
        transitions: np.ndarray,
    ) -> None:
        self.labels = labels
        self.attribute_ids = {a: i for i, a in enumerate(attributes)}
        self.state = state
        self.transitions = transitions

    @classmethod
    def read(cls, path: Path) -> LinearChain | None:
        """Parse a crfsuite CRF1d model file; None when it is not in that format."""
        data = path.read_bytes()
        if not _is_model(data):
            return None
        n_labels, n_attrs, at_feats, at_labels, at_attrs = struct.unpack_from("<5I", data, 20)
        labels = _cqdb_strings(data, at_labels, n_labels)
        attributes = _cqdb_strings(data, at_attrs, n_attrs)
        if labels is None or attributes is None or data[at_feats : at_feats + 4] != b"FEAT":
            return None
        n_feats = struct.unpack_from("<I", data, at_feats + 8)[0]  # the header's count is 0
        records = np.frombuffer(
            data,
            dtype=np.dtype([("kind", "<u4"), ("src", "<u4"), ("dst", "<u4"), ("w", "<f8")]),
            count=n_feats,
            offset=at_feats + 12,
        )
        state = np.zeros((n_attrs, n_labels))
        transitions = np.zeros((n_labels, n_labels))
        kinds = records["kind"]
        on_attrs = records[kinds == 0]
        state[on_attrs["src"], on_attrs["dst"]] = on_attrs["w"]
        on_labels = records[kinds == 1]
        transitions[on_labels["src"], on_labels["dst"]] = on_labels["w"]
        return cls(labels, attributes, state, transitions)

    def viterbi(self, emissions: Sequence[np.ndarray]) -> list[list[str]]:
        """Best label sequence of each sentence (its emission scores: tokens × labels),
        decoded together: one step per position of the longest sentence."""
        lengths = [len(e) for e in emissions]
        if not any(lengths):
            return [[] for _ in emissions]
        n_sentences, n_labels = len(emissions), len(self.labels)
        longest = max(lengths)
        padded = np.zeros((longest, n_sentences, n_labels))
        for s, e in enumerate(emissions):
            padded[: len(e), s] = e
        # Each step's numpy calls cost more than their arithmetic (a handful of sentences
        # × 9 labels), so a step is three calls into preallocated arrays: candidates laid
        # out sentence × current × previous, argmax over the last axis, and the maxima
        # taken at those argmaxes by a flat index (faster than a second reduction).
        candidates = np.empty((n_sentences, n_labels, n_labels))
        flat = candidates.reshape(-1)
        rows = np.arange(n_sentences * n_labels) * n_labels
        into = self.transitions.T  # current × previous
        back = np.empty((longest, n_sentences, n_labels), dtype=np.intp)
        history = padded  # overwritten in place: the best score ending in each label
        for t in range(1, longest):
            np.add(history[t - 1][:, None, :], into, out=candidates)
            best = back[t]
            candidates.argmax(axis=2, out=best)
            history[t] += flat.take(rows + best.reshape(-1)).reshape(n_sentences, n_labels)
        out = []
        for s, n in enumerate(lengths):
            if not n:
                out.append([])
                continue
            path = [int(history[n - 1, s].argmax())]
            for t in range(n - 1, 0, -1):
                path.append(int(back[t, s, path[-1]]))
            out.append([self.labels[k] for k in reversed(path)])
        return out


class DocumentScorer:
    """Emission scores of a document's tokens under one model and feature configuration."""

    def __init__(self, chain: LinearChain, lex: Lexical, cfg: FeatureConfig, counts: WordCounts):
        self.chain, self.lex, self.cfg, self.counts = chain, lex, cfg, counts
        self.width = 1 + 2 * cfg.window  # rows per word: own, then minus and plus copies
        # word pair "a|b" → ids of its "bg-=" (seen by b) and "bg+=" (seen by a) attributes
        self._pairs: dict[str, tuple[int | None, int | None]] = {}
        for attribute, k in chain.attribute_ids.items():
            if attribute.startswith(("bg-=", "bg+=")):
                minus, plus = self._pairs.get(attribute[4:], (None, None))
                self._pairs[attribute[4:]] = (k, plus) if attribute[2] == "-" else (minus, k)
        # a neighbour feature f → (row offsets, ids) of the "-d"/"+d" prefixed copies of it
        # that the model has (so which distances see which features is the model's to say:
        # the proclitics, "p=…", only exist at distance 1)
        copies: dict[str, tuple[list[int], list[int]]] = {}
        w = cfg.window
        slots = [(f"-{d}", d) for d in range(1, w + 1)] + [
            (f"+{d}", w + d) for d in range(1, w + 1)
        ]
        for attribute, k in chain.attribute_ids.items():
            for prefix, slot in slots:
                rest = attribute[len(prefix) :]
                if not attribute.startswith(prefix) or rest[:1].isdigit():
                    continue
                offsets, ids = copies.setdefault(rest, ([], []))
                offsets.append(slot)
                ids.append(k)
        self._copies = copies
        self._bias = chain.attribute_ids.get("b")
        self._rows = np.zeros((4096, len(chain.labels)))
        self._words: dict[tuple[str, str], int] = {}
        self._pending_rows: list[int] = []  # (row, attribute id) pairs not yet summed
        self._pending_ids: list[int] = []
        self._reset()

    def _reset(self) -> None:
        self._words.clear()
        self._rows[:] = 0.0
        self._size = 0
        w = self.cfg.window
        self._edge = self._reserve()  # what stands beyond a sentence's ends
        for d in range(1, w + 1):
            self._add(self._edge + d, (f"-{d}=BOUND",))
            self._add(self._edge + w + d, (f"+{d}=BOUND",))
        self._flush()

    def _reserve(self) -> int:
        """The first of ``width`` new rows for one word (own, "-d" copies, "+d" copies)."""
        if self._size + self.width > len(self._rows):
            grown = np.zeros((2 * len(self._rows), self._rows.shape[1]))
            grown[: self._size] = self._rows[: self._size]
            self._rows = grown
        base = self._size
        self._size += self.width
        return base

    def _add(self, row: int, attributes: Iterable[str]) -> None:
        ids = self.chain.attribute_ids
        found = [k for a in attributes if (k := ids.get(a)) is not None]
        self._pending_rows += [row] * len(found)
        self._pending_ids += found

    def _word_rows(self, tok: Token) -> int:
        """Rows of a word not seen before; their sums are added by ``_flush``."""
        own, side = features_of(tok, self.lex, self.cfg, self.counts)
        base = self._reserve()
        self._add(base, own)
        rows, pending, copies = self._pending_rows, self._pending_ids, self._copies
        if self._bias is not None:
            rows.append(base)
            pending.append(self._bias)
        side.append("p=" + tok.prefix)
        for f in side:
            found = copies.get(f)
            if found:
                rows += [base + slot for slot in found[0]]
                pending += found[1]
        return base

    def _flush(self) -> None:
        """Add the pending attribute weights to their rows: all rows of the words added since
        the last flush, so one ``bincount`` over that block (2–3× faster than np.add.at)."""
        if not self._pending_ids:
            return
        rows = np.asarray(self._pending_rows, dtype=np.intp)
        weights = self.chain.state[np.asarray(self._pending_ids, dtype=np.intp)]
        first, n_labels = int(rows.min()), weights.shape[1]
        cells = (rows - first)[:, None] * n_labels + np.arange(n_labels)
        block = (self._size - first) * n_labels
        sums = np.bincount(cells.ravel(), weights=weights.ravel(), minlength=block)
        self._rows[first : self._size] += sums.reshape(-1, n_labels)
        self._pending_rows.clear()
        self._pending_ids.clear()

    def emissions(
        self, sentences: list[list[Token]], memory: dict[str, frozenset[str]] | None
    ) -> list[np.ndarray]:
        """One (tokens × labels) array per sentence: exactly what crfsuite sums for the items
        of ``marsad.ner.features.sentence_features``."""
        if len(self._words) > _CACHE_WORDS:
            self._reset()
        w, edge, words, pairs = self.cfg.window, self._edge, self._words, self._pairs
        bases: list[int] = []
        at: list[int] = []  # position of each token in ``bases``
        extra_at: list[int] = []  # (token, attribute) pairs outside the per-word rows
        extra_ids: list[int] = []
        ids = self.chain.attribute_ids
        memory_ids: dict[str, list[int]] = {}
        for tokens in sentences:
            bases += [edge] * w
            first = len(at)
            previous = None
            for i, tok in enumerate(tokens):
                at.append(len(bases))
                base = words.get((tok.text, tok.prefix))
                if base is None:
                    base = words[(tok.text, tok.prefix)] = self._word_rows(tok)
                bases.append(base)
                if memory and (seen := memory.get(tok.name_norm)):
                    found = memory_ids.get(tok.name_norm)
                    if found is None:
                        found = [k for f in seen if (k := ids.get("dm" + f)) is not None]
                        memory_ids[tok.name_norm] = found
                    extra_at += [first + i] * len(found)
                    extra_ids += found
                if previous is not None and (pair := pairs.get(previous + "|" + tok.norm)):
                    if pair[0] is not None:
                        extra_at.append(first + i)
                        extra_ids.append(pair[0])
                    if pair[1] is not None:
                        extra_at.append(first + i - 1)
                        extra_ids.append(pair[1])
                previous = tok.norm
        bases += [edge] * w
        self._flush()
        if not at:
            return [np.zeros((0, len(self.chain.labels))) for _ in sentences]
        rows, index, where = self._rows, np.asarray(bases), np.asarray(at)
        scores = rows[index[where]]
        for d in range(1, w + 1):
            scores += rows[index[where - d] + d]  # the word d places before gives its "-d" row
            scores += rows[index[where + d] + w + d]  # and the one after its "+d" row
        if extra_ids:
            np.add.at(scores, extra_at, self.chain.state[extra_ids])
        out, start = [], 0
        for tokens in sentences:
            out.append(scores[start : start + len(tokens)])
            start += len(tokens)
        return out
