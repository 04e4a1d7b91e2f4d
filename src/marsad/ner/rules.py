"""Product conventions applied on top of the CRF's ANERcorp-style tags at recognise() time.

ANERcorp never tags ministries (``وزارة الخارجية`` is O in all 33 training occurrences);
marsad reports them as organisations. A head from ``lexicons/ner_org_phrase_heads.txt``
followed by definite words (``الخارجية الروسية``) becomes one ORG span, unless the CRF
already tagged any of those tokens.
"""

from __future__ import annotations

from functools import lru_cache

from marsad.arabic.tokenise import Token
from marsad.ner.lexicon import LEXICON_DIR, name_form, read_word_list

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
