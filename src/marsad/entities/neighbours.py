"""What an incremental global pass needs to read: the entities a round touched, the names
related to them, and the evidence their decisions look at — found by index (issue 18).

The global pass (:mod:`.consolidate`) decides for an entity from names of other entities:
the same name glued to a clitic or without it, written without spaces, with or without the
article, spelt otherwise (same skeleton), the names of its group, a person whose full name
ends with it. Reading every entity and building those indexes over all of them cost a
round 10 CPU-s at 100k articles whatever it touched. Here each of those names is turned
into keys (an alias's normalised form, the name without spaces, the spelling skeleton of
the name and of its word endings, a long name's shorter names: ``store.name_keys``) and the entities bearing them are
read through indexes, in two steps: from the touched entities to the entities they may
join or be joined by (the pass's ``_related``), and from those to every entity their rules
compare them with. The keys asked for are a superset of what the rules read, and every
entity bearing an asked key is read, so the indexes the pass builds over this part of the
database answer each lookup it makes as the indexes over all entities would: the
decisions are the same.

A rule added to the pass that looks names up by another key must ask for it here too.
"""

from __future__ import annotations

from collections.abc import Iterable

from marsad.arabic.normalise import PROCLITICS, normalise_name
from marsad.entities import name_groups
from marsad.entities.fuzzy import skeleton
from marsad.store import name_keys as sql

GLUED = tuple(c for c in PROCLITICS if c != "ال")


SHORTER = "<"  # a part key that is a shorter name's letters, not a word ending's skeleton


def keys(name: str) -> tuple[str, str, str, list[str]]:
    """(norm, letters, skeleton, skeletons of the word endings and the shorter names of a
    person's long name: :func:`shorter`) of an entity's name."""
    norm = normalise_name(name)
    words = norm.split()
    parts = [skeleton(" ".join(words[-n:])) for n in range(1, len(words))]
    return norm, norm.replace(" ", ""), skeleton(norm), parts + shorter(norm)


def shorter(norm: str) -> list[str]:
    """The part keys of the shorter names a long name is also written as (عمر حسن البشير:
    عمر البشير's, :func:`.name_groups.shorter_names`): a short name finds its long ones by
    them, and a long one the other long ones of its short names."""
    return [SHORTER + base.replace(" ", "") for base, _ in name_groups.shorter_names(norm)]


def refresh(store: object) -> int:
    """Make the keys of the entities created or renamed since the last pass; how many."""
    rows = [(eid, name, *keys(name)) for eid, name in sql.stale(store)]  # type: ignore[arg-type]
    if rows:
        sql.write(store, rows)  # type: ignore[arg-type]
    return len(rows)


class Keys:
    """The keys to look up, gathered from names."""

    def __init__(self) -> None:
        self.norms: set[str] = set()
        self.letters: set[str] = set()
        self.skeletons: set[str] = set()
        self.parts: set[str] = set()

    def add_group(self, norm: str) -> None:
        group = name_groups.groups().get(norm)
        if group is not None:
            self.norms |= group_names(group[0])

    def related(self, norm: str, etype: str) -> None:
        """What ``_related`` looks up for a touched entity named ``norm``, of type ``etype``."""
        first, _, rest = norm.partition(" ")
        names = {norm, *(f"{g} {rest}".strip() for g in _glued(first))}
        if not rest:
            names.add(norm[2:] if norm.startswith("ال") else "ال" + norm)
        words = norm.split()
        names |= {" ".join(words[-k:]) for k in range(1, len(words))}  # a person's surnames
        names |= name_groups.head_pairs(norm, etype)  # منظمة غرينبيس / غرينبيس
        self.norms |= names
        self.skeletons |= {skeleton(n) for n in names}
        self.letters.add(norm.replace(" ", ""))
        self.add_shorter(norm)
        self.add_group(norm)

    def add_shorter(self, norm: str) -> None:
        """A long name's shorter names, the long names of each and of ``norm`` itself."""
        keys = shorter(norm)
        self.letters |= {k.removeprefix(SHORTER) for k in keys}
        self.parts |= {*keys, SHORTER + norm.replace(" ", "")}

    def evidence(self, norm: str, etype: str) -> None:
        """What the rules read to decide for an entity named ``norm``, of type ``etype``: its
        group, the name without spaces, without a clitic, with the article, spelt otherwise,
        after a head noun or without it (a place الصدر that bears مدينة الصدر is no
        مقتدى الصدر's surname), the persons whose name ends with it."""
        first, _, rest = norm.partition(" ")
        names = {norm, "ال" + norm, "ذا " + norm}  # ذا تايمز: an organisation's own name
        names |= name_groups.head_pairs(norm, etype)
        for clitic in GLUED:
            if first.startswith(clitic):
                bare = first[len(clitic) :]
                names |= {f"{bare} {rest}".strip(), f"ال{bare} {rest}".strip()}
        self.norms |= names
        self.letters.add(norm.replace(" ", ""))
        self.add_shorter(norm)
        self.skeletons.add(skeleton(norm))
        self.parts.add(skeleton(norm))
        self.add_group(norm)

    def found(
        self,
        store: object,
        known: dict[tuple[str, str], set[int]] | None = None,
        aliases: dict[str, list[tuple[str, int]]] | None = None,
        every: dict[tuple[str, str], set[int]] | None = None,
    ) -> set[int]:
        """The entities bearing these keys (``known``, ``aliases``, ``every``: as
        ``store.name_keys.entities_with``)."""
        return sql.entities_with(
            store,  # type: ignore[arg-type]
            norms=self.norms,
            letters=self.letters,
            skeletons=self.skeletons,
            part_skeletons=self.parts,
            known=known,
            aliases=aliases,
            every=every,
        )


def _glued(word: str) -> Iterable[str]:
    for c in GLUED:
        if c.endswith(("ال", "لل")):
            if word.startswith("ال"):
                yield c + word[2:]
        else:
            yield c + word


def group_names(key: str) -> set[str]:
    """The normalised names of a group (``name_groups``), by its key."""
    return _members()[key]


def _members() -> dict[str, set[str]]:
    global _MEMBERS
    if _MEMBERS is None:
        out: dict[str, set[str]] = {}
        for norm, (key, _) in name_groups.groups().items():
            out.setdefault(key, set()).add(norm)
        _MEMBERS = out
    return _MEMBERS


_MEMBERS: dict[str, set[str]] | None = None
