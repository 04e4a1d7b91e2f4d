"""CRF features for one sentence of clitic-analysed tokens (see docs/ner.md)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from marsad.arabic.tokenise import Token, WordCounts, default_counts
from marsad.ner.lexicon import Lexical, name_form


@dataclass(frozen=True)
class FeatureConfig:
    clusters: bool = True
    gazetteer: bool = True
    triggers: bool = True
    window: int = 2
    document: bool = True  # features from the other occurrences of a word in the document

    def as_dict(self) -> dict[str, object]:
        keys = ("clusters", "gazetteer", "triggers", "window", "document")
        return {k: getattr(self, k) for k in keys}


def _context_flags(tok: Token | None, lex: Lexical, side: str) -> list[str]:
    if tok is None:
        return []
    nf = name_form(tok)
    out = [side + "t=" + k for k in lex.triggers.get(tok.norm) or lex.triggers.get(nf) or ""]
    flags = lex.gazetteer.get(nf) or lex.gazetteer.get(tok.stem) or ""
    out += [side + "g=" + f for f in flags.split()]
    return out


def document_memory(document: list[list[Token]], lex: Lexical) -> dict[str, frozenset[str]]:
    """For each name-like word of a document, the contexts it appears in anywhere in it:
    after a title (``t=P``), before a known name part (``Ng=PERS``)... so that a surname
    alone (لافروف) inherits what its full-name occurrence (سيرغي لافروف) showed."""
    memory: dict[str, set[str]] = {}
    for sentence in document:
        for i, tok in enumerate(sentence):
            if len(tok.stem) < 3 or not tok.stem[0].isalpha() or tok.norm in lex.triggers:
                continue
            flags = memory.setdefault(name_form(tok), set())
            flags.update(_context_flags(sentence[i - 1] if i else None, lex, "P"))
            flags.update(
                _context_flags(sentence[i + 1] if i + 1 < len(sentence) else None, lex, "N")
            )
    return {w: frozenset(f) for w, f in memory.items() if f}


def _shape(text: str) -> str:
    if text.isdigit():
        return "D"
    ch = text[0]
    if ch.isascii() and ch.isalpha():
        return "LU" if ch.isupper() else "L"
    if ch.isalpha():
        return "A"
    return "P:" + text


def _local(
    tok: Token, lex: Lexical, cfg: FeatureConfig, counts: WordCounts
) -> tuple[list[str], list[str]]:
    """(features of the token itself, short features its neighbours see)."""
    norm, stem, nf = tok.norm, tok.stem, name_form(tok)
    shape = _shape(tok.text)
    n = counts[nf] or counts[norm]
    freq = str(min(int(math.log2(n + 1)), 16))
    own = [
        "w=" + norm,
        "s=" + stem,
        "p=" + tok.prefix,
        "sh=" + shape,
        "f=" + freq,
        "len=" + str(min(len(stem), 8)),
    ]
    if shape == "A":
        own += [
            "s2=" + stem[:2],
            "s3=" + stem[:3],
            "e1=" + stem[-1:],
            "e2=" + stem[-2:],
            "e3=" + stem[-3:],
        ]
    side = ["w=" + norm, "s=" + stem, "sh=" + shape]
    if cfg.clusters:
        ids = lex.clusters.get(nf) or lex.clusters.get(norm) or lex.clusters.get(stem)
        if ids:
            own += [f"c{i}={c}" for i, c in enumerate(ids)]
            side += [f"c1={ids[1]}", f"c2={ids[2]}"]
        else:
            own.append("c=none")
    if cfg.triggers:
        kinds = lex.triggers.get(norm) or lex.triggers.get(nf) or lex.triggers.get(stem)
        if kinds:
            own += ["t=" + k for k in kinds]
            side += ["t=" + k for k in kinds]
    if cfg.gazetteer:
        flags = lex.gazetteer.get(nf) or lex.gazetteer.get(stem) or lex.gazetteer.get(norm)
        if flags:
            for f in flags.split():
                own.append("g=" + f)
                side.append("g=" + f)
    return own, side


_CACHE_LIMIT = 200_000


def sentence_features(
    tokens: list[Token],
    lex: Lexical,
    cfg: FeatureConfig,
    counts: WordCounts | None = None,
    memory: dict[str, frozenset[str]] | None = None,
) -> list[list[str]]:
    counts = counts if counts is not None else default_counts()
    cache = lex.feature_cache
    local = []
    for t in tokens:
        key = (t.text, t.prefix)
        feats = cache.get(key)
        if feats is None:
            feats = _local(t, lex, cfg, counts)
            if len(cache) < _CACHE_LIMIT:
                cache[key] = feats
        local.append(feats)
    n = len(tokens)
    out = []
    for i in range(n):
        feats = ["b"] + local[i][0]
        for d in range(1, cfg.window + 1):
            for j, tag in ((i - d, f"-{d}"), (i + d, f"+{d}")):
                if 0 <= j < n:
                    feats += [tag + f for f in local[j][1]]
                    if d == 1:
                        feats.append(tag + "p=" + tokens[j].prefix)
                else:
                    feats.append(tag + "=BOUND")
        if memory:
            feats += ["dm" + f for f in memory.get(name_form(tokens[i]), ())]
        if i > 0:
            feats.append("bg-=" + tokens[i - 1].norm + "|" + tokens[i].norm)
        if i + 1 < n:
            feats.append("bg+=" + tokens[i].norm + "|" + tokens[i + 1].norm)
        out.append(feats)
    return out
