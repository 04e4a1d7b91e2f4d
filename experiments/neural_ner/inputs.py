"""Token inputs of the neural tagger (numpy only, shared by training and tagging).

Each token becomes: a row of the pre-trained word-vector table (looked up by its name
form, whole form, then stem), the characters of its normalised form, and a bag of the
CRF's own discrete features for it (word, stem, proclitics, affixes, shape, frequency,
cluster ids, trigger, gazetteer and induced-name flags, document memory; see
``marsad.ner.features``) as ids into a feature vocabulary. Context is left to the network.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np

from marsad.arabic.tokenise import Token, WordCounts
from marsad.ner.features import FeatureConfig, document_memory, sentence_features
from marsad.ner.lexicon import Lexical

LABELS = ("O", "B-PERS", "I-PERS", "B-LOC", "I-LOC", "B-ORG", "I-ORG", "B-MISC", "I-MISC")
FEATURE_CONFIG = FeatureConfig(window=0)  # the token's own features only
MAX_CHARS = 20
PAD, UNK = 0, 1  # reserved ids in the word, character and feature vocabularies


@dataclass
class Vocabularies:
    words: dict[str, int]  # word-vector rows (0 = padding, 1 = unknown)
    chars: dict[str, int]
    features: dict[str, int]

    def as_lists(self) -> dict[str, list[str]]:
        return {k: _ordered(getattr(self, k)) for k in ("words", "chars", "features")}

    @classmethod
    def from_lists(cls, lists: dict[str, list[str]]) -> Vocabularies:
        return cls(**{k: {w: i for i, w in enumerate(v)} for k, v in lists.items()})


def _ordered(index: dict[str, int]) -> list[str]:
    out = [""] * len(index)
    for w, i in index.items():
        out[i] = w
    return out


def own_features(
    document: list[list[Token]],
    lex: Lexical,
    counts: WordCounts,
    known: frozenset[str] | None = None,
    memory: bool = True,
) -> list[list[list[str]]]:
    """The CRF's own (window 0) features of every token of one document, bigrams and the
    bias left out; with ``memory``, the document-memory (``dm``) features too."""
    seen = document_memory(document, lex) if memory else None
    out = []
    for tokens in document:
        feats = sentence_features(tokens, lex, FEATURE_CONFIG, counts, seen, known)
        out.append([[f for f in fs if f != "b" and not f.startswith("bg")] for fs in feats])
    return out


def char_form(tok: Token) -> str:
    return tok.norm[:MAX_CHARS]


def word_row(tok: Token, words: dict[str, int]) -> int:
    return words.get(tok.name_norm) or words.get(tok.norm) or words.get(tok.stem) or UNK


def build_vocabularies(
    documents: list[list[list[Token]]],
    features: list[list[list[list[str]]]],
    vector_words: list[str],
    min_count: int = 2,
) -> Vocabularies:
    """Character and feature vocabularies from the training documents (features seen at
    least ``min_count`` times); word rows follow the pre-trained vector table."""
    chars: Counter[str] = Counter()
    feats: Counter[str] = Counter()
    for doc, doc_feats in zip(documents, features, strict=True):
        for tokens, sent_feats in zip(doc, doc_feats, strict=True):
            for tok, fs in zip(tokens, sent_feats, strict=True):
                chars.update(char_form(tok))
                feats.update(fs)
    char_list = ["<pad>", "<unk>", *sorted(c for c, n in chars.items() if n >= min_count)]
    feat_list = ["<pad>", "<unk>", *sorted(f for f, n in feats.items() if n >= min_count)]
    word_list = ["<pad>", "<unk>", *vector_words]
    return Vocabularies.from_lists({"words": word_list, "chars": char_list, "features": feat_list})


@dataclass
class SentenceInputs:
    words: np.ndarray  # (n,) word-vector rows
    chars: np.ndarray  # (n, MAX_CHARS) character ids, 0-padded
    features: list[np.ndarray]  # per token, the ids of its known features


def encode_sentence(
    tokens: list[Token], feats: list[list[str]], vocab: Vocabularies
) -> SentenceInputs:
    n = len(tokens)
    words = np.fromiter((word_row(t, vocab.words) for t in tokens), dtype=np.int64, count=n)
    chars = np.zeros((n, MAX_CHARS), dtype=np.int64)
    for i, tok in enumerate(tokens):
        ids = [vocab.chars.get(c, UNK) for c in char_form(tok)]
        chars[i, : len(ids)] = ids
    fid = vocab.features
    feat_ids = [np.array([fid[f] for f in fs if f in fid], dtype=np.int64) for fs in feats]
    return SentenceInputs(words, chars, feat_ids)
