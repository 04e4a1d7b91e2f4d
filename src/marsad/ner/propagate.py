"""Document-level label propagation after tagging (one sense per document).

A name the CRF recognised once in a document is often missed elsewhere in it, typically
a surname alone (سيرغي لافروف … لافروف) or a name after a weak context. After tagging,
every untagged occurrence of a recognised name (same normalised token sequence, clitics
aside) gets that name's type, and the last word of a recognised multi-word person name
is tagged PERSON when it appears alone. Single words that are common outside names (judged
from corpus counts with and without the article) and trigger words are never propagated.
"""

from __future__ import annotations

from marsad.arabic.tokenise import Token, WordCounts
from marsad.ner.scoring import spans


def _name_like(tok: Token, counts: WordCounts, triggers: dict[str, str]) -> bool:
    stem = tok.stem
    if len(stem) < 3 or not stem[0].isalpha() or tok.norm in triggers or stem in triggers:
        return False
    # Common nouns and adjectives occur both with and without the article; names mostly
    # in one form only (كلينتون never with it, الليكود always with it).
    if tok.prefix.endswith("ال") or tok.prefix.endswith("لل"):
        return counts[stem] <= max(2, counts["ال" + stem] // 4)
    if stem.endswith("ا") and counts["ال" + stem[:-1]] > counts[stem]:
        return False  # indefinite accusative of a common noun: برنامجا
    return counts["ال" + stem] <= max(2, counts[stem] // 4)


def propagate(
    document: list[list[Token]],
    tags: list[list[str]],
    counts: WordCounts,
    triggers: dict[str, str],
    surnames: bool = True,
) -> list[list[str]]:
    known: dict[tuple[str, ...], str] = {}
    for sentence, sent_tags in zip(document, tags, strict=True):
        for a, b, etype in spans(sent_tags):
            known.setdefault(tuple(t.name_norm for t in sentence[a:b]), etype)
            if surnames and etype == "PERS" and b - a >= 2:
                known.setdefault((sentence[b - 1].name_norm,), "PERS")
    if not known:
        return tags
    by_first: dict[str, list[tuple[str, ...]]] = {}
    for key in sorted(known, key=len, reverse=True):  # longest match first
        by_first.setdefault(key[0], []).append(key)
    out = []
    for sentence, sent_tags in zip(document, tags, strict=True):
        new = list(sent_tags)
        norms = [t.name_norm for t in sentence]
        i = 0
        while i < len(sentence):
            if new[i] != "O" or norms[i] not in by_first:
                i += 1
                continue
            for key in by_first[norms[i]]:
                n = len(key)
                if tuple(norms[i : i + n]) != key or any(t != "O" for t in new[i : i + n]):
                    continue
                if i + n < len(new) and new[i + n].startswith("I-"):
                    continue
                if n > 1 or _name_like(sentence[i], counts, triggers):
                    etype = known[key]
                    new[i : i + n] = [f"B-{etype}"] + [f"I-{etype}"] * (n - 1)
                    i += n - 1
                    break
            i += 1
        out.append(new)
    return out
