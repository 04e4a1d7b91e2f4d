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
    morph: bool = False  # longer affixes and the article ratio (proper nouns rarely take ال)
    embeddings: bool = False  # real-valued word-vector features (needs the embeddings file)
    autogaz: bool = True  # name words induced from tagged unlabelled news (marsad.ner.autogaz)

    def as_dict(self) -> dict[str, object]:
        keys = (
            "clusters",
            "gazetteer",
            "triggers",
            "window",
            "document",
            "morph",
            "embeddings",
            "autogaz",
        )
        return {k: getattr(self, k) for k in keys}


def _context_flags(tok: Token, lex: Lexical) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """What ``tok`` says about its neighbours: (flags seen before a word, flags after it)."""
    cached = lex.context_cache.get(tok.text)
    if cached is None:
        nf = tok.name_norm
        flags = ["t=" + k for k in lex.triggers.get(tok.norm) or lex.triggers.get(nf) or ""]
        flags += [
            "g=" + f for f in (lex.gazetteer.get(nf) or lex.gazetteer.get(tok.stem) or "").split()
        ]
        cached = (tuple("P" + f for f in flags), tuple("N" + f for f in flags))
        if len(lex.context_cache) < 200_000:
            lex.context_cache[tok.text] = cached
    return cached


def document_memory(document: list[list[Token]], lex: Lexical) -> dict[str, frozenset[str]]:
    """For each name-like word of a document, the contexts it appears in anywhere in it:
    after a title (``t=P``), before a known name part (``Ng=PERS``)... so that a surname
    alone (لافروف) inherits what its full-name occurrence (سيرغي لافروف) showed."""
    memory: dict[str, set[str]] = {}
    triggers = lex.triggers
    cached = lex.context_cache
    for sentence in document:
        last = len(sentence) - 1
        for i, tok in enumerate(sentence):
            stem = tok.stem
            if len(stem) < 3 or not stem[0].isalpha() or tok.norm in triggers:
                continue
            flags = memory.setdefault(tok.name_norm, set())
            if i:
                near = sentence[i - 1]
                before = (cached.get(near.text) or _context_flags(near, lex))[0]
                if before:
                    flags.update(before)
            if i < last:
                near = sentence[i + 1]
                after = (cached.get(near.text) or _context_flags(near, lex))[1]
                if after:
                    flags.update(after)
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


def features_of(
    tok: Token, lex: Lexical, cfg: FeatureConfig, counts: WordCounts
) -> tuple[list[str], list[str]]:
    """(features of the token itself, short features its neighbours see, unprefixed)."""
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
        if cfg.morph:
            ratio = math.log2((counts["ال" + stem] + 1) / (counts[stem] + 1))
            own.append("alr=" + str(max(-4, min(4, round(ratio)))))
            if len(stem) >= 5:
                own += ["s4=" + stem[:4], "e4=" + stem[-4:]]
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
    if cfg.autogaz:
        etype = lex.autogaz.get(nf) or lex.autogaz.get(stem)
        if etype:
            own.append("a=" + etype)
            side.append("a=" + etype)
    if cfg.gazetteer:
        flags = lex.gazetteer.get(nf) or lex.gazetteer.get(stem) or lex.gazetteer.get(norm)
        if flags:
            for f in flags.split():
                own.append("g=" + f)
                side.append("g=" + f)
    return own, side


_CACHE_LIMIT = 200_000
# What one token contributes to a sentence: ("b" + its own features, and for each distance
# d = 1..window the (-d, +d) prefixed features it gives the word d places after / before it).
# Tuples of strings only, so that the garbage collector stops tracking the (large) cache.
_Entry = tuple[tuple[str, ...], tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]]


def token_entry(
    tok: Token,
    lex: Lexical,
    cfg: FeatureConfig,
    counts: WordCounts,
    known: frozenset[str] | None = None,
) -> _Entry:
    """A token's own features ("b" first) and, for d = 1..window, the (-d, +d) prefixed
    features it gives the word d places after / before it."""
    own, side = features_of(tok, lex, cfg, counts)
    ctx = []
    for d in range(1, cfg.window + 1):
        before, after = f"-{d}", f"+{d}"  # seen by the word d places after / before it
        minus = [before + f for f in side]
        plus = [after + f for f in side]
        if d == 1:
            minus.append(before + "p=" + tok.prefix)
            plus.append(after + "p=" + tok.prefix)
        ctx.append((minus, plus))
    own = ["b", *own]
    if known is not None:
        own = [f for f in own if f in known]
        ctx = [([f for f in m if f in known], [f for f in p if f in known]) for m, p in ctx]
    return tuple(own), tuple((tuple(m), tuple(p)) for m, p in ctx)


def sentence_features(
    tokens: list[Token],
    lex: Lexical,
    cfg: FeatureConfig,
    counts: WordCounts | None = None,
    memory: dict[str, frozenset[str]] | None = None,
    known: frozenset[str] | None = None,
) -> list[list[str]]:
    """The CRF items of one sentence. With ``known`` (the attributes a trained model has,
    see ``marsad.ner.crf.model_attributes``) the others are left out: crfsuite ignores an
    attribute it does not know, so the tags and scores are the same, only cheaper."""
    counts = counts if counts is not None else default_counts()
    # Per-token features are static given the surface and its proclitics (news repeats
    # words): cached with their neighbour-prefixed copies, so a sentence is list joins.
    cache = lex.feature_cache
    window = cfg.window
    entries: list[_Entry] = []
    for t in tokens:
        key = (t.text, t.prefix, window, known is not None)
        entry = cache.get(key)
        if entry is None:
            entry = token_entry(t, lex, cfg, counts, known)
            if len(cache) < _CACHE_LIMIT:
                cache[key] = entry
        entries.append(entry)
    n = len(tokens)
    norms = [t.norm for t in tokens]
    pairs = [norms[i] + "|" + norms[i + 1] for i in range(n - 1)]
    bounds = [([f"-{d}=BOUND"], [f"+{d}=BOUND"]) for d in range(1, window + 1)]
    if known is not None:
        bounds = [[[b for b in side if b in known] for side in pair] for pair in bounds]
    out = []
    for i in range(n):
        feats = list(entries[i][0])
        for d in range(window):
            j = i - d - 1
            feats += entries[j][1][d][0] if j >= 0 else bounds[d][0]
            j = i + d + 1
            feats += entries[j][1][d][1] if j < n else bounds[d][1]
        if memory:
            seen = memory.get(tokens[i].name_norm)
            if seen:
                dm = ["dm" + f for f in seen]
                feats += dm if known is None else [f for f in dm if f in known]
        if i > 0:
            bigram = "bg-=" + pairs[i - 1]
            if known is None or bigram in known:
                feats.append(bigram)
        if i + 1 < n:
            bigram = "bg+=" + pairs[i]
            if known is None or bigram in known:
                feats.append(bigram)
        out.append(feats)
    if cfg.embeddings and lex.embeddings is not None:
        return [_with_vector(f, t, lex) for f, t in zip(out, tokens, strict=True)]
    return out


def _with_vector(feats: list[str], tok: Token, lex: Lexical) -> dict[str, float]:
    item = dict.fromkeys(feats, 1.0)
    row = lex.vocab_index.get(name_form(tok))
    if row is None:
        row = lex.vocab_index.get(tok.norm)
    if row is not None:
        item.update(zip(_EMB_NAMES, lex.embeddings[row].tolist(), strict=False))
    return item


_EMB_NAMES = [f"e{k}" for k in range(512)]
