"""Entity names follow usage: an entity the pipeline created is named after the way the news
writes it most, not after the mention that happened to create it.

Resolution names a new entity with the surface of its first mention. When that mention was
cut wrongly by the recogniser (``محمد صلاح يسير``: "Salah walks …") or spelt the rarer way
(``دونالد ترمب`` where most write ``دونالد ترامب``), every later mention of the name is
still resolved to it, rightly, but the page, the autocomplete and the trending list show
the odd name. After each ingest, analysis or reprocessing run (for the entities the run
touched; all of them after a reprocess), an entity with no
knowledge-base record and no operator rename takes its most frequent written form when that
form is used at least ``MARGIN`` times as often as the current name (and ``FEWEST`` times)
and is either another spelling of the same words (``words_close``: ترمب / ترامب) or, for a
person (two words at least, not a role: ``رئيس الوزراء`` is not a name) or a place, the
current name with words cut off its end (``محمد صلاح يسير`` → ``محمد صلاح``, ``بنسلفانيا
الأمريكية`` → ``بنسلفانيا``), or, for a person, off its start when what is cut off is a
title or the name of a place or an organisation (a run-on span: ``القيصر كاظم الساهر`` →
``كاظم الساهر``, ``كوريا الشمالية كيم يونغ أون`` → ``كيم يونغ أون``; never a first name, and
not after ``بن``, ``أبو``, ``عبد``: ``عبدالعزيز آل سعود`` is another man than ``عبد الله بن
عبدالعزيز آل سعود``). Organisations only change spelling: ``البنك المركزي
الأوروبي`` must not become ``البنك المركزي``. An organisation or a place loses a head noun
of its type where the rest is written at least as often, begins without the article and is
no other entity's name (``منظمة غرينبيس`` → ``غرينبيس``: :func:`_head_left`). A name that
begins with ``لل`` (the preposition glued to the article: ``للحزب الديمقراطي``,
``للمالكي``) loses the preposition whatever the usage, and joins the entity that bears the bare name if one does; so does a
country's name (any name of ``name_groups``) with و or ف glued on (``وتنزانيا``). The old
name stays an alias, so old links and searches still find the entity.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from functools import cache

from sqlalchemy import text

from marsad.arabic.normalise import normalise, normalise_name
from marsad.arabic.tokenise import default_counts
from marsad.entities import name_groups, roles
from marsad.entities.fuzzy import fold
from marsad.entities.resolve import ARTICLE_SHARE, display_form, words_close
from marsad.store import edits as sql
from marsad.store import rollups
from marsad.store.database import Store, slugify

MARGIN = 2  # the new name is written at least this many times as often as the current one
FEWEST = 3  # and at least this many times
CONJUNCTIONS = "وف"  # glued to a name's first word by a span (وتيسير الجاسم)
# a name goes on after these, and a part of a name does not begin with them (the second
# word of a compound name: فتح الله, نور الدين)
NASAB = frozenset({"بن", "بنت", "ابن", "ابو", "ام", "ال", "عبد", "ولد", "الله", "الدين"})


_USAGE = (
    "SELECT e.id, e.name, e.type, m.surface, COUNT(*) FROM mentions m "
    "JOIN entities e ON e.id = m.entity_id "
    "WHERE e.kb_id IS NULL AND e.merged_into IS NULL {} "
    "GROUP BY e.id, e.name, e.type, m.surface"
)


def usage_names(store: Store, entity_ids: Iterable[int] | None = None) -> dict[int, str]:
    """Entity id → the name usage gives it, for the entities whose name should change:
    among ``entity_ids`` (those a run touched), or all. (Whether the old name is another
    spelling of the new one or a wrong cut of it: ``respelt``.)"""
    renamed = {e for e, fields in sql.edited_fields(store).items() if "name" in fields}
    with store.engine.connect() as conn:
        if entity_ids is None:
            rows = conn.exec_driver_sql(_USAGE.format("")).all()
        else:
            ids = sorted(set(entity_ids))
            rows = []
            for k in range(0, len(ids), 500):
                marks = ", ".join(str(int(i)) for i in ids[k : k + 500])
                rows += conn.exec_driver_sql(_USAGE.format(f"AND e.id IN ({marks})")).all()
    forms: dict[int, Counter[str]] = defaultdict(Counter)  # entity → normalised form → uses
    spellings: dict[tuple[int, str], Counter[str]] = defaultdict(Counter)
    current: dict[int, tuple[str, str]] = {}  # entity → (name, type)
    for eid, name, etype, surface, n in rows:
        if eid in renamed or roles.cut_through_marks(surface):
            continue  # شبكة "سي بي إس: a span cut through a quote names nothing
        norm = normalise_name(surface)
        forms[eid][norm] += n
        spellings[eid, norm][display_form(surface)] += n
        current[eid] = (name, etype)
    run_on, taken = _run_on(store), _taken(store)
    out = {}
    for eid, used in forms.items():
        name, etype = current[eid]
        name_norm = normalise_name(name)
        if _glued_lil(name_norm):  # للحزب الديمقراطي: no name begins with the preposition
            out[eid] = _without_lil(name.strip())
            continue
        if _glued_group(name_norm):  # وتنزانيا: a country's name with و, in a list
            out[eid] = name.strip()[1:]
            continue
        bare = _head_left(name_norm, etype, used, lambda n, e=eid: taken(n, e))
        if bare:  # منظمة غرينبيس → غرينبيس
            out[eid] = _most_written(spellings[eid, bare])
            continue
        same = _same_name(name_norm, used)
        if same != name_norm:  # the most used of its other spellings or group names
            out[eid] = _most_written(spellings[eid, same])
            continue
        candidates = [
            (n, f)
            for f, n in used.items()
            if f != name_norm
            and (
                _may_name(f, name_norm, etype, run_on)
                or (_whole_of(f, name_norm, etype) and not taken(f, eid))
            )
        ]
        n, best = max(candidates) if candidates else (0, "")
        written = spellings.get((eid, name_norm))
        margin = 1 if _titled(best, name_norm, etype) else MARGIN
        if n >= FEWEST and n >= margin * used.get(name_norm, 0):
            out[eid] = spellings[eid, best].most_common(1)[0][0]
        elif written and _most_written(written) != name:  # جدّه → جدة, as written most
            out[eid] = _most_written(written)
        elif display_form(name) != name:  # سيرغي #لافروف: the same name, without the mark
            out[eid] = display_form(name)
    return out


def _run_on(store: Store) -> Callable[[str], bool]:
    """Whether words that begin a person's name are another thing run on to it: a title
    (``القيصر``, ``اللواء``) or the name of a place or an organisation in ``FEWEST``
    articles or more (``كوريا الشمالية``, ``ويكيليكس``), never a first name (``سلفا``
    of سلفا كير ميارديت, ``فتح`` of فتح الله غولن)."""
    q = text(
        "SELECT 1 FROM aliases a JOIN entities e ON e.id = a.entity_id "
        "JOIN entity_totals t ON t.entity_id = e.id WHERE a.norm = :n "
        "AND e.merged_into IS NULL AND e.type != 'PERSON' AND t.articles >= :f LIMIT 1"
    )

    @cache
    def run_on(lead: str) -> bool:
        if " " not in lead and roles.is_role_word(lead):
            return True
        with store.engine.connect() as conn:
            return conn.execute(q, {"n": lead, "f": FEWEST}).first() is not None

    return run_on


def _taken(store: Store) -> Callable[[str, int], bool]:
    """Whether a live entity other than the given one bears a name (normalised)."""
    q = text(
        "SELECT 1 FROM aliases a JOIN entities e ON e.id = a.entity_id "
        "WHERE a.norm = :n AND e.merged_into IS NULL AND e.id != :e LIMIT 1"
    )

    def taken(norm: str, eid: int) -> bool:
        with store.engine.connect() as conn:
            return conn.execute(q, {"n": norm, "e": eid}).first() is not None

    return taken


def _without_lil(name: str) -> str:
    """للحزب الديمقراطي → الحزب الديمقراطي; للجنة الدولية → اللجنة الدولية (the noun's own ل
    is written once with the article's: the news corpus writes اللجنة, not الجنة, here)."""
    counts = default_counts()
    first, _, rest = name.partition(" ")
    short, kept = "ال" + first[2:], "ال" + first[1:]
    if counts[normalise(kept)] > counts[normalise(short)]:
        return f"{kept} {rest}".strip()
    return f"{short} {rest}".strip()


def _glued_lil(norm: str) -> bool:
    """للحزب, للمالكي: ل + the article, glued to a name by the recogniser's span, where the
    news corpus writes the word with the article at least as often as without (not للجنة,
    ل + لجنة; not للا, the Moroccan title), or an adjective with the article follows it
    (للجنة الدولية للصليب الأحمر: the adjective says the noun had it)."""
    words = norm.split()
    first = words[0] if words else ""
    if not first.startswith("لل") or len(first) <= 4 or first == "للا":
        return False
    if len(words) > 1 and roles.is_nisba(words[1]):
        return True  # للجنة الدولية: the adjective's article says the noun had it (not
        # للجنة الانتخابات, ل + لجنة: a noun after a noun without the article)
    counts = default_counts()  # للجنة, للواء: ل + لجنة, لواء (no article to give back)
    return counts["ال" + first[2:]] >= max(counts["ل" + first[2:]], 1)


def _glued_group(norm: str) -> bool:
    """وتنزانيا, وقرغيزستان: و or ف glued to a name of ``name_groups`` (a country's, an
    international body's), which no other name is (seed 29's وتنزانيا was in 9 articles,
    تنزانيا in 2: too many to join it by counts)."""
    groups = name_groups.groups()
    return norm[:1] in "وف" and norm not in groups and norm[1:] in groups


def _same_name(name: str, used: Counter[str]) -> str:
    """Among the written forms that name the same thing as ``name`` in every way of writing
    it — another spelling of its words (ترمب / ترامب) or a name of its group (السعودية /
    المملكة العربية السعودية) — the one used most (ties: Unicode order), whatever the
    entity was first named: the name does not depend on which article came first."""
    group = name_groups.groups().get(name)
    members = name_groups.member_norms()[group[0]] if group else frozenset()
    folded = fold(name)
    same = [
        (n, f)
        for f, n in used.items()
        if f == name or f in members or words_close(fold(f), folded) or _article_pair(f, name)
    ]
    shown = [nf for nf in same if nf[1] not in name_groups.nicknames()]  # not الديوك
    if not shown:
        return name
    return min(shown, key=lambda nf: (-nf[0], nf[1]))[1]


def _article_pair(a: str, b: str) -> bool:
    """One word with and without the article, where the news corpus writes it with the
    article at least as often (غارديان / الغارديان; not جنين / الجنين, the fetus)."""
    bare = a[2:] if a == "ال" + b else b[2:] if b == "ال" + a else None
    return bare is not None and roles.article_share(bare) >= ARTICLE_SHARE


def _most_written(spellings: Counter[str]) -> str:
    """The way of writing one name used most (ties: the first in Unicode order, so that
    the order articles came in does not decide)."""
    return min(spellings.items(), key=lambda kv: (-kv[1], kv[0]))[0]


def _may_name(form: str, name: str, etype: str, run_on: Callable[[str], bool]) -> bool:
    """Whether a written form may replace the entity's name (both normalised)."""
    words, named = form.split(), name.split()
    if words_close(fold(form), fold(name)):
        return True  # another spelling of the same words
    if _unglued(words, named):
        return True  # وتيسير الجاسم → تيسير الجاسم: a conjunction the first span took in
    if etype == "ORGANIZATION" or len(words) >= len(named):
        return False
    if etype == "PERSON" and len(words) >= 2 and named[-len(words) :] == words:
        lead = named[: -len(words)]  # القيصر كاظم الساهر → كاظم الساهر
        return lead[-1] not in NASAB and words[0] not in NASAB and run_on(" ".join(lead))
    if named[: len(words)] != words:
        return False
    if etype == "PERSON":
        return len(words) >= 2 and words[0] not in roles.heads()
    return not form.startswith("لل")


def _titled(form: str, name: str, etype: str) -> bool:
    """A person's name with a title or an adjective of origin before it, as written
    (``التشيلي كارلوس فيلانويفا``, seed 41: 4 uses, ``كارلوس فيلانويفا`` 5): the name
    without it takes over as soon as it is written as often, not twice as often (not after
    another name run on: ``عباس مصطفى كامل`` is a man's whole name)."""
    words, named = form.split(), name.split()
    if etype != "PERSON" or not 2 <= len(words) < len(named) or named[-len(words) :] != words:
        return False
    lead = named[: -len(words)]
    return len(lead) == 1 and lead[0] not in NASAB and roles.is_role_word(lead[0])


def _whole_of(form: str, name: str, etype: str) -> bool:
    """Whether a written form is the whole of a place's or an organisation's name cut at its
    end (بريتيش → بريتيش كولومبيا: seed 33, a page named بريتيش where 5 of its 7 articles
    wrote the province's whole name): the name and words after it, not adjectives of origin
    (حزب الله اللبناني describes حزب الله)."""
    words, named = form.split(), name.split()
    return (
        etype != "PERSON"
        and len(words) > len(named)
        and words[: len(named)] == named
        and not all(map(roles.is_nisba, words[len(named) :]))
    )


def _head_left(name: str, etype: str, used: Counter[str], taken: Callable[[str], bool]) -> str:
    """The name without its head noun (منظمة غرينبيس → غرينبيس), when it is written at least
    as often as the name (seed 29's page was named منظمة غرينبيس where 2 of its 3 articles
    wrote غرينبيس), does not begin with the article (منظمة العفو is not العفو, "pardon"),
    and is no other entity's (نادي روما stays beside the city روما); else ''."""
    rest = name.partition(" ")[2]
    if not rest or rest.startswith("ال") or rest not in name_groups.head_pairs(name, etype):
        return ""
    return rest if used.get(rest, 0) >= max(used.get(name, 0), 1) and not taken(rest) else ""


def _unglued(words: list[str], named: list[str]) -> bool:
    """``words`` are the name's ``named`` without و or ف glued to the first."""
    first = named[0] if named else ""
    return (
        len(words) == len(named)
        and words[1:] == named[1:]
        and first[:1] in CONJUNCTIONS
        and first[1:] == words[0]
        and len(words[0]) >= 3
    )


def respelt(old: str, new: str) -> bool:
    """Whether ``new`` is another spelling of the same words as ``old`` (ترمب / ترامب), not
    ``old`` with words cut off (محمد صلاح يسير → محمد صلاح)."""
    a, b = normalise(old), normalise(new)
    return a == b or words_close(fold(a), fold(b))


def rename_by_usage(store: Store, entity_ids: Iterable[int] | None = None) -> int:
    """Rename the entities (among ``entity_ids``, or all) whose written form has moved away
    from their name; returns how many. The slug follows the name. An old spelling stays an
    alias; an old name with wrong words (محمد صلاح يسير) is dropped, and its slug redirects
    to the entity (``slug_redirects``), so old links still resolve. When another entity of
    the same type already bears the new name (a wrong span had split one person in two),
    the smaller is merged into the larger instead: one name, one page."""
    names = usage_names(store, entity_ids)
    with store.batch():  # one transaction, not one per write (1,675 renames on the ANT corpus)
        for eid, name in names.items():
            _rename(store, eid, name)
    return len(names)


def _rename(store: Store, eid: int, name: str) -> None:
    old = store.get_entity(eid)
    if old is None or old["id"] != eid:  # merged into another meanwhile
        return
    if respelt(old["name"], name):
        store.add_aliases(eid, [old["name"]])
    else:
        sql.remove_alias(store, eid, normalise(old["name"]))
        sql.add_redirect(store, old["slug"], eid)
    other = _bearer(store, normalise(name), old["type"], eid)
    if other is not None:
        source, target = sorted((eid, other), key=lambda e: _articles(store, e))
        sql.merge(store, source, target)
        if target != eid:
            return
    store.update_entity(eid, name=name)
    store.add_aliases(eid, [name])
    sql.set_slug(store, eid, slugify(name))


def _bearer(store: Store, norm: str, etype: str, besides: int) -> int | None:
    """The entity (of ``etype``, not merged, not ``besides``) with the alias ``norm``."""
    with store.engine.connect() as conn:
        row = conn.execute(
            text(
                "SELECT e.id FROM aliases a JOIN entities e ON e.id = a.entity_id "
                "LEFT JOIN entity_totals t ON t.entity_id = e.id WHERE a.norm = :n "
                "AND e.type = :t AND e.merged_into IS NULL AND e.id != :e "
                "ORDER BY coalesce(t.articles, 0) DESC"
            ),
            {"n": norm, "t": etype, "e": besides},
        ).first()
    return row[0] if row else None


def _articles(store: Store, entity_id: int) -> int:
    with store.engine.connect() as conn:
        return rollups.entity_totals(conn, [entity_id]).get(entity_id, 0)
