"""Product conventions applied on top of the CRF's ANERcorp-style tags at recognise() time.

ANERcorp never tags ministries (``وزارة الخارجية`` is O in all 33 training occurrences);
marsad reports them as organisations. A head from ``lexicons/ner_org_phrase_heads.txt``
followed by definite words (``الخارجية الروسية``) becomes one ORG span, unless the CRF
already tagged any of those tokens.

A span's edges lose words that never begin or end a name (``ner_not_name_edges.txt``:
``برئاسة دونالد ترامب`` → ``دونالد ترامب``) and a last word in the accusative with tanween,
an adverb (``محمد صلاح مغرداً`` → ``محمد صلاح``); a person span is cut before a word that
carries و ف ب ل ك (``دونالد ترامب لمايك بومبيو`` → two people, ``ترامب ومون`` → two):
one such span would otherwise become an entity that later mentions of the name are
resolved to.
"""

from __future__ import annotations

import re
from functools import lru_cache

from marsad.arabic.tokenise import Token
from marsad.ner.lexicon import LEXICON_DIR, name_form, read_word_list
from marsad.ner.scoring import spans

MAX_PHRASE = 4  # definite words after the head


@lru_cache(maxsize=1)
def org_phrase_heads() -> frozenset[str]:
    return frozenset(read_word_list(LEXICON_DIR / "ner_org_phrase_heads.txt"))


def _definite(tok: Token) -> bool:
    return tok.prefix in ("ال", "لل") and len(tok.stem) >= 2


def apply_org_phrases(sentence: list[Token], tags: list[str]) -> list[str]:
    heads = org_phrase_heads()
    out = list(tags)
    for i, tok in enumerate(sentence):
        if out[i] != "O" or name_form(tok) not in heads:
            continue
        j = i + 1
        while (
            j < len(sentence) and j - i <= MAX_PHRASE and out[j] == "O" and _definite(sentence[j])
        ):
            j += 1
        if j > i + 1:
            out[i:j] = ["B-ORG"] + ["I-ORG"] * (j - i - 1)
    return out


_MARKS = re.compile("[\u0640\u064b-\u0652]")  # tatweel and harakat (tanween included)


@lru_cache(maxsize=1)
def not_name_edges() -> frozenset[str]:
    lines = (LEXICON_DIR / "ner_not_name_edges.txt").read_text(encoding="utf-8").splitlines()
    return frozenset(w.strip() for w in lines if w.strip() and not w.startswith("#"))


def _not_first(tok: Token) -> bool:
    """A word that never begins a name, or a mark (``#`` of a hashtag)."""
    word = _MARKS.sub("", tok.text)
    return word in not_name_edges() or not any(ch.isalnum() for ch in word)


_SPELT_ENDS = frozenset({"إن", "أن", "ان"})  # سي إن إن، تي في إن، مون جاي إن end with them


def _not_last(tok: Token) -> bool:
    if tok.text.endswith(("اً", "ًا", "ً")):
        return True
    return _not_first(tok) and _MARKS.sub("", tok.text) not in _SPELT_ENDS


def _letters(tok: Token) -> int:
    return len(_MARKS.sub("", tok.text))


def trim_edges(sentence: list[Token], tags: list[str]) -> list[str]:
    """Tags with the edge words of each span set to O (a span of nothing else disappears).
    An edge word next to a letter name stays: ``سي إن إن``, ``إن بي سي`` are spelt out."""
    out = list(tags)
    for a, b, etype in spans(tags):
        while a < b and _not_first(sentence[a]) and (a + 1 == b or _letters(sentence[a + 1]) > 2):
            out[a] = "O"
            a += 1
        while (
            b > a and _not_last(sentence[b - 1]) and (b - 1 == a or _letters(sentence[b - 2]) > 2)
        ):
            out[b - 1] = "O"
            b -= 1
        if a < b:
            out[a] = "B-" + etype
    return out


def split_persons(sentence: list[Token], tags: list[str]) -> list[str]:
    """Tags with a person span cut before each of its words that carries a proclitic other
    than the article: names join no و/ل inside them, lists of names do."""
    out = list(tags)
    for a, b, etype in spans(tags):
        if etype != "PERS":
            continue
        for i in range(a + 1, b):
            prefix = sentence[i].prefix
            if prefix and not prefix.endswith("لل") and prefix.removesuffix("ال"):
                out[i] = "B-PERS"
    return out
