"""Names that are one entity: countries and international organisations (issue #15).

``data/name_groups.tsv`` is built by this module from two sources and shipped:

* the Arabic names of the world's countries in CLDR (through Babel, at build time only);
* ``data/name_groups_written.tsv``, our own list: short and official names
  (السعودية / المملكة العربية السعودية), acronyms and their spelt-out names (الناتو / حلف
  شمال الأطلسي, الفيفا / الاتحاد الدولي لكرة القدم), movements (الحوثيون / جماعة الحوثي).

Rebuild after editing the written list::

    python -m marsad.entities.name_groups

Groups only join names that are in them: two entities whose names are in one group are one
entity (entities.consolidate), and the group gives its type.

A name is also one with itself written after a head noun of its type
(``lexicons/name_heads.tsv``): منظمة غرينبيس / غرينبيس, مدينة حمص / حمص (:func:`head_pairs`).
"""

from __future__ import annotations

import argparse
from functools import lru_cache
from pathlib import Path

from marsad.arabic.normalise import normalise
from marsad.entities import given_names
from marsad.ner.lexicon import LEXICON_DIR, read_word_kinds

DATA = Path(__file__).resolve().parent / "data"
BUILT = DATA / "name_groups.tsv"
WRITTEN = DATA / "name_groups_written.tsv"
# CLDR territories that are not countries, or whose Arabic name is another place's too
_SKIP = {"ZZ", "XA", "XB", "EU", "EZ", "UN", "QO", "OM", "AC", "CP", "DG", "EA", "IC", "TA"}


def _groups_in(path: Path, marks: bool = False) -> list[tuple[str, str, list[str], list[str]]]:
    """(key, type, names, names to look for in text) of each line; ``marks``: a nickname
    keeps its ``~``."""
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        key, etype, names, *look = line.split("\t")
        split = [
            [n.strip() if marks else n.strip().lstrip("~") for n in field.split("|") if n.strip()]
            for field in [names, *look]
        ]
        out.append((key, etype, split[0], split[1] if look else split[0]))
    return out


@lru_cache(maxsize=1)
def nicknames() -> frozenset[str]:
    """Normalised names written ``~name``: a group's alias, never its display name (الديوك
    is منتخب فرنسا's nickname, however often the sports news writes it)."""
    return frozenset(
        normalise(n[1:])
        for _, _, names, _ in _groups_in(BUILT, marks=True)
        for n in names
        if n.startswith("~")
    )


@lru_cache(maxsize=1)
def groups() -> dict[str, tuple[str, str]]:
    """Normalised name → (group key, entity type)."""
    out: dict[str, tuple[str, str]] = {}
    for key, etype, names, _ in _groups_in(BUILT):
        for name in names:
            out.setdefault(normalise(name), (key, etype))
    return out


def territory(key: str) -> bool:
    """Whether a group's key is a country's or a territory's (CLDR's two letters: ``CN``;
    not ``AU-NSW``, a state we list, nor ``NATO``)."""
    return len(key) == 2 and key.isalpha() and key.isupper()


@lru_cache(maxsize=1)
def members() -> dict[str, list[str]]:
    """Group key → its names as written."""
    return {key: names for key, _, names, _ in _groups_in(BUILT)}


@lru_cache(maxsize=1)
def member_norms() -> dict[str, frozenset[str]]:
    """Group key → its names, normalised (looked up at every mention of a group's name)."""
    return {key: frozenset(normalise(n) for n in names) for key, names in members().items()}


@lru_cache(maxsize=1)
def name_heads() -> dict[str, str]:
    """Normalised head noun → the type of the names written with or without it, naming the
    same thing either way (``lexicons/name_heads.tsv``)."""
    return read_word_kinds(LEXICON_DIR / "name_heads.tsv")


# parties and movements take common nouns for names, which the news gives other things too:
# حزب الوطن is not the newspaper الوطن, حزب الوحدة not the club الوحدة
COMMON_NAMED = frozenset({"حزب", "حركه", "جماعه", "تنظيم"})
TEAM, TEAM_KINDS = "فريق", ("نادي", "منتخب")  # a team: a club or a country's team


@lru_cache(maxsize=100_000)
def head_pairs(norm: str, etype: str) -> frozenset[str]:
    """The names ``norm`` (of type ``etype``) is with a head noun of that type left out or
    written: غرينبيس for منظمة غرينبيس; منظمة غرينبيس, شركة غرينبيس … for غرينبيس. Not a
    country's name after a place's head (مدينة الكويت is Kuwait City), nor a name of one word
    with the article after a party's head (حزب الوطن). A team (``فريق``) is the club or the
    national team of the name (seed 41: ``فريق روما`` is ``نادي روما``, ``فريق البرتغال``
    ``منتخب البرتغال``; not the other way: ``نادي مصر`` of نادي مصر المقاصة is no team of
    Egypt's)."""
    heads = name_heads()
    first, _, rest = norm.partition(" ")
    teams: frozenset[str] = frozenset()
    if rest and etype == "ORGANIZATION" and first == TEAM:
        teams = frozenset(f"{h} {rest}" for h in TEAM_KINDS)
    if rest and heads.get(first) == etype:
        return teams | frozenset({rest} if _may_drop(first, rest) else ())
    found = (f"{h} {norm}" for h, t in heads.items() if t == etype and _may_drop(h, norm))
    return teams | frozenset(found)


INITIALS = frozenset(
    ("جيه", "جي", "دبليو", "اتش", "اف", "اس", "بي", "سي", "دي", "كيه", "ار", "تي", "اي")
)  # Latin letters as Arabic writes them (إتش, آر normalised): a middle name's initial


def _initials(words: list[str]) -> tuple[tuple[str, ...], list[str]]:
    """(the initials between a name's first and last word, the words without them)."""
    if len(words) < 3 or INITIALS & {words[0], words[-1]}:
        return (), words
    initials = tuple(w for w in words[1:-1] if w in INITIALS)
    return initials, [words[0], *(w for w in words[1:-1] if w not in INITIALS), words[-1]]


def lineage_marks(norm: str, base: str) -> tuple[tuple[str, ...], str, str]:
    """What a person's long name ``norm`` says beyond one of its :func:`lineage_bases`
    ``base``: (its initials, its lineage's names without بن and spaces, its family)."""
    initials, words = _initials(norm.split())
    rest = words[len(base.split()) :]
    family = rest[-1] if len(rest) >= 2 and rest[-2] == "ال" else ""
    lineage = "".join(w for w in (rest[:-2] if family else rest) if w != "بن")
    return initials, lineage, family


def one_lineage(a: tuple[tuple[str, ...], str, str], b: tuple[tuple[str, ...], str, str]) -> bool:
    """Whether two long names' :func:`lineage_marks` may name one person: the same initials
    (or one without), one lineage the beginning of the other, the same family (or one
    without) — محمد بن سلمان بن عبدالعزيز and محمد بن سلمان آل سعود, not محمد بن راشد آل
    مكتوم and محمد بن راشد آل خليفة, nor جورج دبليو بوش and جورج إتش دبليو بوش."""
    (ia, la, fa), (ib, lb, fb) = a, b
    return (
        (not ia or not ib or ia == ib)
        and (la.startswith(lb) or lb.startswith(la))
        and (not fa or not fb or fa == fb)
    )


@lru_cache(maxsize=200_000)
def shorter_names(norm: str) -> tuple[tuple[str, tuple[tuple[str, ...], str, str]], ...]:
    """(short name, :func:`lineage_marks`) of each shorter name a person's long name is also
    written as, longest first: its :func:`lineage_bases`, then its first and last names
    without the middle ones (:func:`middle_base`). Kept: a round's pass asks for the names
    it read in each of its rounds (``consolidate._targets`` and ``_lineages``)."""
    out = [(base, lineage_marks(norm, base)) for base in lineage_bases(norm)]
    if (found := middle_base(norm)) is not None:
        out.append(found)
    return tuple(out)


_GIVEN_ENDS = frozenset(("الدين", "الله"))  # علاء الدين, نصر الله: the end of a first name


def middle_base(norm: str) -> tuple[str, tuple[tuple[str, ...], str, str]] | None:
    """A person's long name without its middle names, and (its initials, its middle names
    without بن and spaces, "") — عمر حسن البشير → عمر البشير, جمال بن أحمد خاشقجي → جمال
    خاشقجي, خوان أنطونيو بيتزي → خوان بيتزي — unless many people may bear the short name
    (محمد أحمد علي is no محمد علي: :func:`.given_names.many_bear`). None when the middle is
    only بن (أحمد بن سالم: his father is سالم), the last word ends a first name (علاء ولي
    الدين) or a lineage, family or first name ends the name (… بن سلمان, … آل ثاني,
    … عبد الله)."""
    initials, words = _initials(norm.split())
    if len(words) < 3 or words[-1] in _GIVEN_ENDS or words[-2] in ("بن", "ابن", "ال", "عبد", "ابو"):
        return None
    first = given_names.first_name(words).split()
    last = words[-2:] if words[-2] in given_names.CONNECTORS else words[-1:]  # فان دايك
    middle = words[len(first) : len(words) - len(last)]
    if all(w in given_names.CONNECTORS for w in middle) or given_names.many_bear(
        " ".join(first), last[-1]
    ):
        return None
    lineage = "".join(w for w in middle if w not in ("بن", "ابن"))
    return " ".join(first + last), (initials, lineage, "")


def lineage_bases(norm: str) -> list[str]:
    """The shorter names a person's long name is also written as, longest first: without
    the initials inside it (دونالد جيه ترامب → دونالد ترامب), then its family (آل نهيان)
    and then its lineage (بن عبدالعزيز) left off the end, so long as a name with بن inside
    is left (محمد بن زايد آل نهيان → محمد بن زايد, محمد بن سلمان بن عبدالعزيز → محمد بن
    سلمان; سلمان بن عبد العزيز is no سلمان)."""
    out = []
    initials, words = _initials(norm.split())
    if initials:
        out.append(" ".join(words))
    if len(words) >= 5 and words[-2] == "ال":  # آل, normalised
        words = words[:-2]
        out.append(" ".join(words))
    while "بن" in words[2:]:
        words = words[: len(words) - 1 - words[::-1].index("بن")]
        if len(words) < 3 or "بن" not in words[1:-1]:
            break
        out.append(" ".join(words))
    return out


def _may_drop(head: str, name: str) -> bool:
    if name_heads()[head] == "LOCATION" and name in groups():
        return False
    return not (head in COMMON_NAMED and " " not in name and name.startswith("ال"))


def recogniser_names() -> list[tuple[str, str]]:
    """(name, type) the recogniser looks for where no other found a name: every name of
    two words or more and the single words of our list (الحوثيين, الناتو), not CLDR's
    single words (مالي is also "financial")."""
    return [(n, etype) for _, etype, _, look in _groups_in(BUILT) for n in look]


def build(written: Path = WRITTEN, out: Path = BUILT) -> int:
    """Write ``out`` from CLDR's Arabic country names and our written groups; returns how
    many groups."""
    from babel import Locale  # a build-time dependency only

    merged: dict[str, tuple[str, list[str]]] = {}
    for code, name in sorted(Locale("ar").territories.items()):
        if len(code) == 2 and code.isalpha() and code not in _SKIP:
            merged[code] = ("LOCATION", [name])
    ours: set[str] = set()
    for key, etype, names, _ in _groups_in(written, marks=True):
        _, known = merged.get(key, (etype, []))
        merged[key] = (etype, known + [n for n in names if n not in known])
        ours.update(n for n in names if " " not in n)
    lines = [
        "# Built by `python -m marsad.entities.name_groups` from CLDR's Arabic territory names",
        "# (Babel) and name_groups_written.tsv. Do not edit: edit the written list and rebuild.",
        "# KEY<TAB>TYPE<TAB>names<TAB>names the recogniser looks for (not CLDR's single words)",
    ]
    for key, (etype, names) in merged.items():
        look = [n.lstrip("~") for n in names if " " in n or n in ours]
        lines.append(f"{key}\t{etype}\t{'|'.join(names)}\t{'|'.join(look)}")
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(merged)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=Path, default=BUILT)
    args = ap.parse_args()
    print(f"{build(out=args.out)} groups written to {args.out}")


if __name__ == "__main__":
    main()
