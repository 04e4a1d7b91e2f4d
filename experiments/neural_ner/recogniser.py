"""The neural tagger at run time, numpy only: exported weights (``train.py`` here)
→ per-token label scores → CRF Viterbi → document-level propagation, like the CRF.

Per-token work that does not depend on context (word vector, character CNN, the bag of the
token's static features and the first projection) is cached by token text, so repeated
news words cost one dictionary look-up before the convolutions.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np
from decode import viterbi_batch
from inputs import MAX_CHARS, UNK, Vocabularies, char_form, own_features, word_row

import marsad.ner as ner_package
from marsad.arabic.tokenise import Token, WordCounts, default_counts
from marsad.errors import MarsadError
from marsad.ner.crf import DocumentTagger
from marsad.ner.features import document_memory
from marsad.ner.lexicon import Lexical, read_clusters, read_flags, triggers
from marsad.ner.propagate import propagate

DATA_DIR = Path(ner_package.__file__).resolve().parent / "data"  # the CRF bundle it reads
DEFAULT_MODEL = DATA_DIR / "neural.npz"
_CACHE_LIMIT = 200_000


class Weights:
    """The exported arrays, float32, under the torch parameter names."""

    def __init__(self, arrays: dict[str, np.ndarray], meta: dict) -> None:
        s = meta["settings"]
        if s["encoder"] != "cnn":
            raise MarsadError(f"numpy tagging supports the cnn encoder only, not {s['encoder']}")
        self.dilations = [1, 2, 4, 1, 2, 4][: s["layers"]]
        self.word = arrays["word.weight"]
        self.char = arrays["char.weight"]
        k = arrays["char_conv.weight"]  # (filters, char_dim, 3)
        self.char_conv = np.concatenate([k[:, :, j].T for j in range(3)], axis=0)
        self.char_bias = arrays["char_conv.bias"]
        self.feat = arrays["feat.weight"]
        proj = arrays["proj.weight"].T  # (word + char + feat, hidden)
        dw, dc = self.word.shape[1], self.char_conv.shape[1]
        self.proj_word, self.proj_char = proj[:dw], proj[dw : dw + dc]
        self.proj_feat = proj[dw + dc :]
        self.proj_bias = arrays["proj.bias"]
        # the word and feature tables pre-multiplied by their part of the first projection
        self.word_proj = self.word @ self.proj_word
        self.feat_proj = self.feat @ self.proj_feat
        self.convs = []
        for i in range(len(self.dilations)):
            k = arrays[f"convs.{i}.weight"]  # (out, in, 3)
            # (in, 3 × out): the taps for h[t - d], h[t], h[t + d] side by side
            taps = np.concatenate([k[:, :, j].T for j in range(3)], axis=1)
            self.convs.append((np.ascontiguousarray(taps), arrays[f"convs.{i}.bias"]))
        self.out = arrays["out.weight"].T
        self.out_bias = arrays["out.bias"]
        self.crf = (arrays["transitions"], arrays["start"], arrays["end"])


def read_weights(path: Path) -> tuple[Weights, dict]:
    meta = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    with np.load(path) as npz:
        arrays = {k: npz[k].astype(np.float32) for k in npz.files}
    return Weights(arrays, meta), meta


class NeuralRecogniser(DocumentTagger):
    """Finds PERSON, ORGANIZATION and LOCATION mentions; offsets are into the given text."""

    def __init__(self, w: Weights, meta: dict, lex: Lexical, counts: WordCounts) -> None:
        self._w = w
        self._vocab = Vocabularies.from_lists({k: meta[k] for k in ("words", "chars", "features")})
        self._labels: list[str] = meta["labels"]
        self._lex = lex
        self._counts = counts
        self._known = frozenset(self._vocab.features)
        self._static: dict[str, np.ndarray] = {}
        self.propagate = True

    @classmethod
    def load(cls, path: Path | str | None = None) -> NeuralRecogniser:
        model = Path(path) if path is not None else DEFAULT_MODEL
        if not model.exists() or not model.with_suffix(".json").exists():
            raise MarsadError(
                f"neural NER model not found at {model} (or its .json); "
                "rebuild it with `python experiments/neural_ner/train.py`"
            )
        w, meta = read_weights(model)
        lex = Lexical(
            triggers=triggers(),
            clusters=read_clusters(DATA_DIR / "clusters.tsv"),
            autogaz=read_flags(DATA_DIR / "autogaz.tsv"),
            gazetteer=read_flags(DATA_DIR / "model.gazetteer.tsv"),
        )
        return cls(w, meta, lex, default_counts())

    def _char_vectors(self, tokens: list[Token]) -> np.ndarray:
        """Character-CNN outputs (max over positions) for several tokens at once."""
        w, chars = self._w, self._vocab.chars
        ids = np.zeros((len(tokens), MAX_CHARS + 2), dtype=np.int64)
        for i, tok in enumerate(tokens):
            form = char_form(tok)
            ids[i, 1 : 1 + len(form)] = [chars.get(c, UNK) for c in form]
        x = w.char[ids]  # row 0 (padding) is zero
        windows = np.concatenate([x[:, :-2], x[:, 1:-1], x[:, 2:]], axis=2)
        return np.maximum(windows @ w.char_conv + w.char_bias, 0).max(axis=1)

    def _static_vectors(self, tokens: list[Token]) -> np.ndarray:
        """The first layer's input from everything but the document memory, projected."""
        w, fid, words = self._w, self._vocab.features, self._vocab.words
        rows, offsets = [], []
        for tok in tokens:
            feats = own_features([[tok]], self._lex, self._counts, self._known, memory=False)
            offsets.append(len(rows))
            rows.extend(fid[f] for f in feats[0][0])
        rows.append(0)  # padding row (zero): keeps reduceat in range for a last empty bag
        bags = np.add.reduceat(w.feat_proj[rows], offsets, axis=0)
        bags[np.diff([*offsets, len(rows) - 1]) == 0] = 0.0
        word_rows = [word_row(tok, words) for tok in tokens]
        return (
            w.word_proj[word_rows] + self._char_vectors(tokens) @ w.proj_char + bags + w.proj_bias
        )

    def _memory_vectors(self, document: list[list[Token]]) -> dict[str, np.ndarray]:
        """Name form → projected bag of its document-memory features (see features.py)."""
        w, fid = self._w, self._vocab.features
        out = {}
        for name, seen in document_memory(document, self._lex).items():
            rows = [fid[f] for f in ("dm" + f for f in seen) if f in fid]
            if rows:
                out[name] = w.feat_proj[rows].sum(axis=0)
        return out

    def emissions(self, document: list[list[Token]]) -> list[np.ndarray]:
        """Per-sentence (tokens × labels) scores for one document."""
        w, cache = self._w, self._static
        memory = self._memory_vectors(document)
        gap = max(w.dilations)
        rows: list[np.ndarray] = []
        keep: list[int] = []
        starts = []
        new = {t.text: t for s in document for t in s if t.text not in cache}
        if new:
            vectors = self._static_vectors(list(new.values()))
            fresh = dict(zip(new, vectors, strict=True))
            if len(cache) < _CACHE_LIMIT:
                cache.update(fresh)
        else:
            fresh = {}
        pos = gap
        for tokens in document:
            starts.append(pos)
            for tok in tokens:
                vec = cache.get(tok.text)
                if vec is None:
                    vec = fresh[tok.text]
                dm = memory.get(tok.name_norm)
                rows.append(vec if dm is None else vec + dm)
            keep.extend(range(pos, pos + len(tokens)))
            pos += len(tokens) + gap
        h = np.zeros((pos, w.proj_bias.shape[0]), dtype=np.float32)
        mask = np.zeros((pos, 1), dtype=np.float32)
        if rows:
            h[keep] = np.maximum(np.stack(rows), 0)
            mask[keep] = 1.0
        width = h.shape[1]
        for d, (taps, bias) in zip(w.dilations, w.convs, strict=True):
            z = h @ taps
            conv = z[:, width : 2 * width] + bias
            conv[d:] += z[:-d, :width]
            conv[:-d] += z[d:, 2 * width :]
            h = (h + np.maximum(conv, 0)) * mask
        scores = h @ w.out + w.out_bias
        return [scores[a : a + len(s)] for a, s in zip(starts, document, strict=True)]

    def tag_document(self, sentences: list[list[Token]]) -> list[list[str]]:
        """BIO tags (ANERcorp types, MISC included) for each sentence of one document."""
        labels, crf = self._labels, self._w.crf
        best = viterbi_batch(self.emissions(sentences), *crf)
        tags = [[labels[j] for j in path] for path in best]
        if self.propagate:
            tags = propagate(sentences, tags, self._counts, self._lex.triggers)
        return tags


def timed_load(path: Path | str | None = None) -> tuple[NeuralRecogniser, float]:
    t0 = time.perf_counter()
    rec = NeuralRecogniser.load(path)
    return rec, time.perf_counter() - t0
