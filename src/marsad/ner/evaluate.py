"""Score a trained recogniser on ANERcorp's test split and on a second corpus (Wojood)."""

from __future__ import annotations

from pathlib import Path

from marsad.ner.conll import WOJOOD_TYPES, read_conll
from marsad.ner.crf import CrfRecogniser
from marsad.ner.scoring import Scores, score


def score_file(
    rec: CrfRecogniser, path: Path, type_map: dict[str, str] | None = None
) -> tuple[Scores, Scores]:
    """(exact-span scores, head-word-overlap scores) of ``rec`` on a gold file."""
    sentences = read_conll(path, type_map)
    gold = [[t for _, t in s] for s in sentences]
    pred = rec.tag_corpus([[w for w, _ in s] for s in sentences])
    return score(gold, pred), score(gold, pred, overlap=True)


def score_wojood(rec: CrfRecogniser, path: Path) -> tuple[Scores, Scores]:
    """Wojood mapped to ANERcorp types (GPE/LOC/FAC→LOC, outer tag only); MISC predictions
    are dropped since Wojood has no MISC type."""
    sentences = read_conll(path, WOJOOD_TYPES)
    gold = [[t for _, t in s] for s in sentences]
    pred = [
        [t if not t.endswith("MISC") else "O" for t in tags]
        for tags in rec.tag_corpus([[w for w, _ in s] for s in sentences])
    ]
    return score(gold, pred), score(gold, pred, overlap=True)


def confusion_table(s: Scores) -> str:
    if not s.confusions:
        return "no type confusions on exactly matching spans"
    lines = ["gold → predicted (same span, wrong type)"]
    for (g, p), n in s.confusions.most_common():
        lines.append(f"  {g:<5} → {p:<5} {n}")
    return "\n".join(lines)
