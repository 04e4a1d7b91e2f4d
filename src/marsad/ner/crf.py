"""The shipped statistical recogniser: a linear-chain CRF (python-crfsuite) over
clitic-analysed tokens with affix, shape, trigger-word, gazetteer and word-cluster features."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pycrfsuite

from marsad.arabic.tokenise import Token, WordCounts, default_counts, make_token, tokenise
from marsad.errors import MarsadError
from marsad.models import EntityType, Mention
from marsad.ner.features import FeatureConfig, document_memory, sentence_features
from marsad.ner.lexicon import Lexical, read_clusters, read_embeddings, read_flags, triggers
from marsad.ner.linear import DocumentScorer, LinearChain, model_attributes
from marsad.ner.propagate import propagate
from marsad.ner.rules import (
    apply_org_phrases,
    complete_names,
    drop_titles,
    span_start,
    split_persons,
    trim_edges,
)
from marsad.ner.scoring import spans

DEFAULT_MODEL = Path(__file__).resolve().parent / "data" / "model.crfsuite"
PRODUCT_TYPES = {
    "PERS": EntityType.PERSON,
    "ORG": EntityType.ORGANIZATION,
    "LOC": EntityType.LOCATION,
}  # MISC is learnt and evaluated but never reported as a mention
_SENTENCE_END = frozenset(".!?؟\n")
DOCUMENT_SENTENCES = 15  # corpus files have no document breaks: chunks of this many sentences


def meta_path(model: Path) -> Path:
    return model.with_suffix(".json")


class DocumentTagger:
    """What any tagger of whole documents (``tag_document``) shares: corpus tagging for
    scoring and ``recognise`` for the product."""

    _counts: WordCounts

    def tag_document(self, sentences: list[list[Token]]) -> list[list[str]]:
        raise NotImplementedError

    def tag_corpus(self, sentences: list[list[str]]) -> list[list[str]]:
        """BIO tags for pre-split sentences in corpus order (documents = chunks of 15)."""
        out: list[list[str]] = []
        for k in range(0, len(sentences), DOCUMENT_SENTENCES):
            chunk = sentences[k : k + DOCUMENT_SENTENCES]
            out += self.tag_document([[make_token(w, 0, self._counts) for w in s] for s in chunk])
        return out

    def recognise(self, text: str) -> list[Mention]:
        """Mentions in ``text`` (one document); MISC spans are not reported."""
        sentences = split_sentences(text, tokenise(text, self._counts))
        return product_mentions(text, sentences, self.tag_document(sentences))


class CrfRecogniser(DocumentTagger):
    """Finds PERSON, ORGANIZATION and LOCATION mentions; offsets are into the given text."""

    def __init__(
        self, tagger: pycrfsuite.Tagger, lex: Lexical, cfg: FeatureConfig, counts: WordCounts
    ):
        self._tagger = tagger
        self._lex = lex
        self._cfg = cfg
        self._counts = counts
        self._known: frozenset[str] | None = None  # model attributes (see model_attributes)
        self._chain: LinearChain | None = None  # the model in numpy (see marsad.ner.linear)
        self._scorer: DocumentScorer | None = None
        self.propagate = True  # document-level label propagation (see marsad.ner.propagate)

    @classmethod
    def load(cls, path: Path | str | None = None) -> CrfRecogniser:
        """Load a model written by ``marsad.ner.train`` (default: the one in the package)."""
        model = Path(path) if path is not None else DEFAULT_MODEL
        meta_file = meta_path(model)
        if not model.exists() or not meta_file.exists():
            raise MarsadError(
                f"NER model not found at {model} (or its {meta_file.name}); "
                "rebuild it with `marsad ner train`"
            )
        meta = json.loads(meta_file.read_text(encoding="utf-8"))
        cfg = FeatureConfig(**meta["features"])
        lex = Lexical(triggers=triggers() if cfg.triggers else {})
        if cfg.clusters:
            lex.clusters = read_clusters(model.parent / meta["clusters_file"])
        if cfg.autogaz:
            lex.autogaz = read_flags(model.parent / meta["autogaz_file"])
        if cfg.embeddings:
            lex.embeddings, lex.vocab_index = read_embeddings(
                model.parent / meta["embeddings_file"], model.parent / meta["clusters_file"]
            )
        if cfg.gazetteer:
            lex.gazetteer = read_flags(model.parent / meta["gazetteer_file"])
        tagger = pycrfsuite.Tagger()
        tagger.open(str(model))
        rec = cls(tagger, lex, cfg, default_counts())
        rec.propagate = meta.get("propagate", True)
        chain = None if cfg.embeddings else LinearChain.read(model)
        if chain is not None:
            rec._chain, rec._scorer = chain, DocumentScorer(chain, lex, cfg, rec._counts)
            rec._known = frozenset(chain.attribute_ids)  # read once, with the weights
        else:
            rec._known = model_attributes(model)
        return rec

    def tag_document(self, sentences: list[list[Token]]) -> list[list[str]]:
        """BIO tags (ANERcorp types, MISC included) for each sentence of one document."""
        lex, cfg, counts, known = self._lex, self._cfg, self._counts, self._known
        memory = document_memory(sentences, lex) if cfg.document else None
        if self._chain is not None and self._scorer is not None:
            tags = self._chain.viterbi(self._scorer.emissions(sentences, memory))
        else:  # real-valued features (embeddings) or a model file we cannot read: crfsuite
            tag = self._tagger.tag
            tags = [
                tag(sentence_features(tokens, lex, cfg, counts, memory, known)) if tokens else []
                for tokens in sentences
            ]
        if self.propagate:
            tags = propagate(sentences, tags, self._counts, self._lex.triggers)
        return tags


def split_sentences(text: str, tokens: list[Token]) -> list[list[Token]]:
    """Sentences of one document: after . ! ? ؟ and at line breaks (the last may be empty)."""
    sentences: list[list[Token]] = [[]]
    for i, tok in enumerate(tokens):
        sentences[-1].append(tok)
        nxt = tokens[i + 1] if i + 1 < len(tokens) else None
        if tok.text in _SENTENCE_END or (nxt and "\n" in text[tok.end : nxt.start]):
            sentences.append([])
    return sentences


def product_mentions(
    text: str, sentences: list[list[Token]], tags: list[list[str]]
) -> list[Mention]:
    """What ``recognise`` reports of tagged sentences: PERSON, ORGANIZATION and LOCATION
    spans (ministries and the like completed, edge words trimmed by ``rules``), clitics
    left out."""
    mentions = []
    for sentence, sentence_tags in zip(sentences, tags, strict=True):
        tags_here = apply_org_phrases(sentence, sentence_tags)
        tags_here = trim_edges(sentence, split_persons(sentence, tags_here))
        for a, b, etype in spans(drop_titles(sentence, complete_names(sentence, tags_here))):
            if etype in PRODUCT_TYPES:
                start, end = span_start(sentence, a, b), sentence[b - 1].end
                mentions.append(Mention(start, end, text[start:end], PRODUCT_TYPES[etype]))
    return mentions


def timed_load(path: Path | str | None = None) -> tuple[CrfRecogniser, float]:
    t0 = time.perf_counter()
    rec = CrfRecogniser.load(path)
    return rec, time.perf_counter() - t0
