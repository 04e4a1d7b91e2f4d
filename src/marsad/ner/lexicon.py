"""Lexical resources behind the NER features: trigger words, word clusters, gazetteer flags."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from marsad.arabic.normalise import normalise
from marsad.arabic.tokenise import Token

LEXICON_DIR = Path(__file__).resolve().parent.parent / "arabic" / "lexicons"
DATA_DIR = Path(__file__).resolve().parent / "data"
TRIGGER_FILES = {
    "P": "ner_person_triggers.txt",
    "O": "ner_org_heads.txt",
    "L": "ner_location_triggers.txt",
}
GAZETTEER_FILES = {"PERS": "pers.txt", "LOC": "loc.txt", "ORG": "org.txt"}


def read_word_kinds(path: Path) -> dict[str, str]:
    """A ``word<TAB>kind`` lexicon file: normalised word → kind (comments and blanks aside)."""
    table = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            word, kind = line.split("\t")
            table[normalise(word)] = kind.strip()
    return table


def read_word_list(path: Path) -> list[str]:
    """Non-empty, non-comment lines of a lexicon file, normalised."""
    out = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            line = line.strip()
            if line and not line.startswith("#"):
                out.append(normalise(line))
    return out


@lru_cache(maxsize=1)
def triggers() -> dict[str, str]:
    """Normalised trigger word → the kinds it triggers ("P", "O", "L", e.g. "OL")."""
    table: dict[str, str] = {}
    for kind, name in TRIGGER_FILES.items():
        for entry in read_word_list(LEXICON_DIR / name):
            for word in entry.split():
                if kind not in table.get(word, ""):
                    table[word] = table.get(word, "") + kind
    return table


def read_clusters(path: Path) -> dict[str, tuple[str, ...]]:
    table: dict[str, tuple[str, ...]] = {}
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if not line.startswith("#"):
                word, *ids = line.rstrip("\n").split("\t")
                table[word] = tuple(ids)
    return table


def gazetteer_flags(gazetteer_dir: Path) -> dict[str, str]:
    """Word-level flags derived from ANERGazet: word → e.g. "PERS LOC1" (LOC1 = whole entry).

    Only these derived per-word flags are stored with a trained model, never the lists.
    """
    flags: dict[str, set[str]] = {}
    for etype, name in GAZETTEER_FILES.items():
        for entry in read_word_list(gazetteer_dir / name):
            if entry.startswith("="):
                continue
            words = entry.split()
            for i, word in enumerate(words):
                flags.setdefault(word, set()).add(etype if len(words) > 1 else etype + "1")
                if len(words) > 1:
                    flags[word].add(f"{etype}{'B' if i == 0 else 'I'}")
    return {w: " ".join(sorted(f)) for w, f in flags.items()}


def write_flags(flags: dict[str, str], path: Path) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("# word<TAB>gazetteer flags derived from ANERGazet by marsad.ner.train\n")
        for word in sorted(flags):
            fh.write(f"{word}\t{flags[word]}\n")


def read_flags(path: Path) -> dict[str, str]:
    table: dict[str, str] = {}
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if not line.startswith("#"):
                word, _, value = line.rstrip("\n").partition("\t")
                table[word] = value
    return table


def name_form(token: Token) -> str:
    """The normalised token without و ف ب ل ك but with its article: بالاردن → الاردن."""
    return token.name_norm


@dataclass
class Lexical:
    """Everything the feature extractor looks words up in."""

    clusters: dict[str, tuple[str, ...]] = field(default_factory=dict)
    gazetteer: dict[str, str] = field(default_factory=dict)
    triggers: dict[str, str] = field(default_factory=dict)
    autogaz: dict[str, str] = field(default_factory=dict)
    embeddings: Any = None  # numpy array, one row per word of vocab_index
    vocab_index: dict[str, int] = field(default_factory=dict)
    # token text → (flags it gives the word after it, flags it gives the word before it)
    context_cache: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = field(default_factory=dict)
    # token (surface, proclitics) → its local features; filled by marsad.ner.features
    # (token text, prefix, window, filtered) → the token's features and its neighbours' copies
    feature_cache: dict[tuple[str, str, int, bool], tuple[tuple[str, ...], ...]] = field(
        default_factory=dict
    )


def read_embeddings(
    path: Path, clusters_path: Path, scale: float = 5.0
) -> tuple[Any, dict[str, int]]:
    """Word vectors (float16 .npy written by marsad.ner.clusters, rows in clusters-file order)."""
    import numpy as np

    vectors = np.load(path).astype("float32") * scale
    words = list(read_clusters(clusters_path))
    return vectors, {w: i for i, w in enumerate(words)}
