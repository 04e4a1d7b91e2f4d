"""How common a word is as a person's first name in the news (issue #15).

A person's name written with and without its middle names is one person (عمر حسن البشير /
عمر البشير, مصطفى كمال مدبولي / مصطفى مدبولي: :func:`.name_groups.shorter_names`), unless
many people may bear the short name: محمد أحمد علي is no محمد علي, whose first and last
words are both common first names. ``data/given_names.tsv`` holds the share of the persons'
names that begin with each word, counted on a database of the whole news corpus by this
module — shipped, so the decision is the same whatever a database holds yet::

    python -m marsad.entities.given_names DATA_DIR   # a marsad data directory (marsad.db)
"""

from __future__ import annotations

import argparse
import sqlite3
from collections import Counter
from functools import lru_cache
from pathlib import Path

from marsad.arabic.normalise import normalise_name

# Words that join name parts: a name part never ends with them ("عبد" of "عبد الله").
CONNECTORS = frozenset(
    {"عبد", "ابو", "ابن", "بن", "بنت", "ام", "ال", "دي", "دو", "فون", "فان", "لا"}
)
DATA = Path(__file__).resolve().parent / "data" / "given_names.tsv"
FEWEST = 5  # names a word begins, at least, to be listed
# Two names share a short name when (the share of names its first word begins) × (the share
# its last word begins) reaches this: محمد (3.3 %) × علي (0.42 %), أحمد × موسى, خالد × يوسف;
# not طارق (0.29 %) × صالح (0.27 %), whose corpus has one طارق صالح.
SHARED = 1.5e-5


def first_name(words: list[str]) -> str:
    """A name's first name: one word, two after a connector (عبد الله, ابو بكر)."""
    return " ".join(words[:2]) if words[0] in CONNECTORS and len(words) > 2 else words[0]


def many_bear(first: str, last: str) -> bool:
    """May many people be named ``first`` ``last`` (both common first names)?"""
    share = shares()
    return share.get(first, 0.0) * share.get(last, 0.0) >= SHARED


@lru_cache(maxsize=1)
def shares() -> dict[str, float]:
    out = {}
    for line in DATA.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            word, share = line.split("\t")
            out[word] = float(share)
    return out


def build(db: Path, out: Path = DATA) -> int:
    """Write ``out`` from the live persons' names of two words or more in ``db``; returns
    how many words."""
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        names = [r[0] for r in conn.execute(
            "SELECT name FROM entities WHERE type = 'PERSON' AND merged_into IS NULL"
        )]  # fmt: skip
    firsts = Counter(
        first_name(words) for words in (normalise_name(n).split() for n in names) if len(words) > 1
    )
    total = sum(firsts.values())
    lines = [
        f"# Built by `python -m marsad.entities.given_names` from {total} persons' names:",
        "# a word<TAB>the share of the names that begin with it",
    ]
    listed = sorted((w for w, n in firsts.items() if n >= FEWEST), key=lambda w: -firsts[w])
    lines += [f"{w}\t{firsts[w] / total:.6f}" for w in listed]
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(listed)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data_dir", type=Path, help="a marsad data directory (its marsad.db)")
    args = parser.parse_args()
    print(build(args.data_dir / "marsad.db"), "first names written to", DATA)


if __name__ == "__main__":
    main()
