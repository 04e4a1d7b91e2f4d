"""Read token-per-line NER files (ANERcorp, Wojood) as sentences of (token, tag) pairs."""

from __future__ import annotations

from pathlib import Path

from marsad.errors import InputError

Sentence = list[tuple[str, str]]

# Wojood's nested 21 types → the ANERcorp types we evaluate on (outer tag only).
WOJOOD_TYPES = {"PERS": "PERS", "ORG": "ORG", "GPE": "LOC", "LOC": "LOC", "FAC": "LOC"}


def read_conll(path: Path, type_map: dict[str, str] | None = None) -> list[Sentence]:
    """Sentences from a ``token TAG [TAG…]`` file; blank lines end sentences.

    With ``type_map``, only the first (outer) tag is kept and its type mapped; types
    missing from the map become ``O``.
    """
    if not Path(path).exists():
        raise InputError(f"NER data file not found: {path}")
    sentences: list[Sentence] = []
    current: Sentence = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            parts = line.split()
            if not parts:
                if current:
                    sentences.append(current)
                    current = []
                continue
            token, tag = parts[0], parts[1] if len(parts) > 1 else "O"
            if type_map is not None and tag != "O":
                bio, _, etype = tag.partition("-")
                tag = f"{bio}-{type_map[etype]}" if etype in type_map else "O"
            current.append((token, tag))
    if current:
        sentences.append(current)
    return sentences


def split_dev(sentences: list[Sentence], fraction: float = 0.1) -> tuple[list, list]:
    """Train/dev split: the last ``fraction`` of the sentences (in order) is the dev set."""
    cut = int(len(sentences) * (1 - fraction))
    return sentences[:cut], sentences[cut:]
