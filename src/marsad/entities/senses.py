"""A city and the football club named after it: one name, two pages (issue #15, metonymy;
part of the global pass of :mod:`.consolidate`).

``بوردو``, ``ليون``, ``نيس``, ``بريشيا`` name a city and its club, and the recogniser gives
both the one name: the page of the city then lists the club's transfers and scores (seed
28: 11 of بوردو's 16 articles were the Girondins). The text says which it means beside the
name: a word before it (``لاعب بوردو``, ``مدينة بوردو``: ``lexicons/sense_cues.tsv``) or
an adjective of origin after it, masculine for the club (``بوردو الفرنسي``: نادي is
masculine) and feminine for the city (``بوردو الفرنسية``: مدينة is feminine).

A one-word place name (or an organisation's without the article; never a country's, whose
teams are national ones) whose mentions say "club" in ``FEWEST`` articles or more:

* if they say "city" in ``FEWEST`` articles too, the name is two things: the mentions of the
  club's articles go to the club — the organisation of two words that ends with the name
  and is in ``FEWEST`` articles (``أولمبيك ليون``; not when two clubs end with it, as
  ``مانشستر`` ends ``مانشستر يونايتد`` and ``مانشستر سيتي``), or ``نادي`` and the name, as
  Arabic Wikipedia titles clubs, made if no entity bears it — and the city keeps the rest.
  A mention's own words decide it; one without them follows the others of its article, and
  in an article with none, the article's other entities where they say it clearly: those of
  the club's articles (players, other clubs) or of the city's; else it stays;
* if not, and the place's mentions say "club" in a quarter of its articles at least, the
  entity is the club and becomes an organisation (``دورتموند``, ``بيتيس``).

The club's own mentions of the bare name are read again with the city's each time, so what
a round moved follows the evidence of the next (the result does not depend on the order the
articles came in). A place's bare mentions after the one-word name of another club, written
before it in ``FEWEST`` articles (``أياكس [أمستردام] الهولندي``), say neither: they are that
club's name written in full, which :mod:`.fragments` gives to it; those that ``نادي`` and
the name holds from a round before that club was known go back to the place first.
Entities from the knowledge base or edited by an operator are never changed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache

from sqlalchemy import Connection

from marsad.arabic.normalise import normalise_name, strip_clitics
from marsad.entities import name_groups
from marsad.entities import roles as R
from marsad.entities.fragments import (
    MOST_ARTICLES,  # names in more articles are not looked at (they are right)
    SINGLE_CLITICS,
    club_written_before,
    joinable,
    type_heads,
    word_after,
    word_before,
)
from marsad.models import Entity, EntityType
from marsad.ner.lexicon import LEXICON_DIR, read_word_kinds
from marsad.ner.rules import org_heads
from marsad.store import edits
from marsad.store import fragments as sql
from marsad.store.database import Store

FEWEST = 3  # articles that say "club", and "city", at least
LEAN = 0.3  # an article's other entities say club or city by this much (shares of articles,
SMOOTH = 5  # each side's counted as if it had this many more articles: a few say little)
CLUB_SHARE = 0.25  # a place whose articles say "club" this often, and never "city", is one
CLUB, PLACE = "CLUB", "PLACE"
ANOTHER = "ANOTHER"  # another club's name written before the place's: أياكس [أمستردام]
CLUB_HEAD = "نادي"


@cache
def cues() -> dict[str, str]:
    """Normalised word before a name → CLUB or PLACE (``lexicons/sense_cues.tsv``)."""
    return read_word_kinds(LEXICON_DIR / "sense_cues.tsv")


def sense(before: str | None, after: str | None, place: bool = True) -> str | None:
    """What the words beside a mention say it is: CLUB, PLACE or nothing. ``place``: the
    name is a place's, whose feminine adjective says "city" (an organisation's is a
    newspaper's or a company's: صحيفة, شركة)."""
    if before is not None:
        table = cues()
        for cut in range(min(3, len(before))):  # لنادي, بمدينة, وبمدينة: clitics read off
            if cut and before[cut - 1] not in SINGLE_CLITICS:
                break
            if before[cut:] in table:
                return table[before[cut:]]
    if after is not None and after in R.place_nisbas():
        if not after.endswith("ه"):
            return CLUB  # بوردو الفرنسي
        return PLACE if place else None  # بوردو الفرنسية
    return None


@dataclass
class _Mention:
    id: int
    article: int
    sense: str | None
    on_club: bool  # the club's already (a bare name a round moved, or its whole name)
    bare: bool  # the name itself, clitics aside: movable
    entity: int
    lead: str | None  # the word before a bare mention
    cue: str | None  # what the words beside it say (``sense``, unless another club's name)


@dataclass
class _Name:
    id: int
    norm: str
    name: str
    type: str
    articles: int
    club: int | None = None  # the club's entity, where it has one
    mentions: list[_Mention] = field(default_factory=list)

    def said(self, what: str) -> set[int]:
        return {m.article for m in self.mentions if m.sense == what}


def split_clubs(store: Store, entity_ids: Iterable[int] | None = None) -> set[int]:
    """Tell the club from the city in the mentions of the names among ``entity_ids`` (or
    all); returns the entities that changed."""
    operator = edits.operator_entities(store)
    names = _candidates(store, entity_ids, operator)
    if not names:
        return set()
    decided: dict[int, tuple[str, list[int], list[int]]] = {}  # → (what, to club, to city)
    with store.engine.begin() as conn:
        changed = _give_back(conn, names, operator)
        _read(conn, names, {eid: eid for eid in names})
        names = {e: n for e, n in names.items() if len(n.said(CLUB)) >= FEWEST}
        having = sql.names_with_words(conn, {n.norm for n in names.values()})
        for name in names.values():
            name.club = _club_of(conn, name, having[name.norm], operator)
        names = {e: n for e, n in names.items() if n.club != _AMBIGUOUS}
        _read(conn, names, {n.club: e for e, n in names.items() if n.club is not None})
        for eid, name in sorted(names.items()):
            decision = _decide(conn, name)
            if decision is not None:
                decided[eid] = decision
    for eid in sorted(decided):
        name = names[eid]
        if name.club is None and decided[eid][0] == _SPLIT:  # نادي بوردو, made once
            made = Entity(name=f"{CLUB_HEAD} {name.name}", type=EntityType.ORGANIZATION)
            name.club = store.create_entity(made)
    with store.engine.begin() as conn:
        changes = sql.Changes()
        for eid, (what, to_club, to_city) in sorted(decided.items()):
            name = names[eid]
            if name.club is None:  # the place is the club: خيتافي
                sql.set_type(conn, eid, "ORGANIZATION")
                changed.add(eid)
                continue
            sql.move_mentions(conn, changes, eid, name.club, to_club)
            sql.move_mentions(conn, changes, name.club, eid, to_city)
            sql.set_type(conn, name.club, "ORGANIZATION")  # its mentions vote so from now on
            if what == _SPLIT:
                sql.set_type(conn, eid, "LOCATION")
            changed |= {eid, name.club}
        changes.apply(conn)
    return changed


_AMBIGUOUS = -1  # two clubs end with the name (مانشستر)
_SPLIT, _ALL_CLUB = "split", "club"  # two things; the place is the club


def _candidates(
    store: Store, entity_ids: Iterable[int] | None, operator: set[int]
) -> dict[int, _Name]:
    """One-word places (and organisations) named without the article — not a country's
    name, nor a region's (``الخليج العربي``, ``الجولان السوري``: masculine) — from the
    pipeline, in ``FEWEST`` to ``MOST_ARTICLES`` articles."""
    wanted = None if entity_ids is None else set(entity_ids)
    groups = name_groups.groups()
    out = {}
    for eid, name, etype, kb, n in edits.live_entities(store, wanted):
        norm = normalise_name(name).strip()
        if (
            " " not in norm
            and not norm.startswith("ال")
            and etype in ("LOCATION", "ORGANIZATION")
            and not kb
            and eid not in operator
            and FEWEST <= n <= MOST_ARTICLES
            and norm not in groups  # countries: their teams are national ones
        ):
            out[eid] = _Name(eid, norm, name, etype, n)
    return out


def _give_back(conn: Connection, names: dict[int, _Name], operator: set[int]) -> set[int]:
    """The mentions that ``نادي`` and a place's name (made by an earlier round, when Ajax was
    not known yet) holds of another club's name written in full (``أياكس [أمستردام]``) go
    back to the place, where :mod:`.fragments` gives them to that club; returns who changed."""
    wanted = {normalise_name(f"{CLUB_HEAD} {n.name}").strip(): e for e, n in names.items()}
    made = sql.entities_named(conn, wanted, "ORGANIZATION")
    whose = {club: wanted[norm] for norm, club in made.items() if club not in operator}
    _read(conn, names, whose)
    changes = sql.Changes()
    for club, eid in whose.items():
        back = [m.id for m in names[eid].mentions if m.sense == ANOTHER and m.entity == club]
        sql.move_mentions(conn, changes, club, eid, back)
    for name in names.values():
        name.mentions = []
    if changes.articles:
        changes.apply(conn)
    return changes.entities


def _club_of(conn: Connection, name: _Name, having: list[str], operator: set[int]) -> int | None:
    """The club named after the place, among ``having`` (the names with its name's word):
    the organisation of two words that ends with its name, not a body's (``بلدية ليون``)
    nor a national team's, whose own mentions say "club" in ``FEWEST`` articles
    (``أولمبيك ليون``; not ``بترول أبوظبي``), or ``نادي`` and the name (made by an earlier
    round) where none is; :data:`_AMBIGUOUS` where two are (``ريال مدريد``, ``أتلتيكو
    مدريد``) or an organisation's name begins with the place's (``مانشستر يونايتد``,
    ``مانشستر سيتي``: the bare name is either; ``كييفو فيرونا`` beside ``هيلاس فيرونا``,
    typed a place: a name of two words that ends with the place's and begins with no word
    of places, ``شمال``, ``مدينة``, may be a second club)."""
    heads = (org_heads() | type_heads().keys()) - {CLUB_HEAD}
    clubs: list[int] = []
    mistyped = 0  # names like a club's the recogniser typed otherwise
    ours = None
    for norm in having:
        words = norm.split()
        if len(words) != 2 or name.norm not in words or words[0] in heads:
            continue
        if words[0] == name.norm and R.is_nisba(words[1]):
            continue  # بوردو الفرنسي: the club described, whichever it is
        club = sql.entity_named(conn, norm, besides=name.id, fewest=1, etype="ORGANIZATION")
        if club is None and words[1] == name.norm and cues().get(words[0]) != PLACE:
            other = sql.entity_named(conn, norm, besides=name.id, fewest=FEWEST)
            mistyped += other is not None  # هيلاس فيرونا, typed a place: maybe a second club
        if club is None or club in operator:
            continue
        if words[0] == CLUB_HEAD:
            ours = club
        elif sql.article_totals(conn, [club]).get(club, 0) < FEWEST:
            continue
        elif words[0] == name.norm:
            return _AMBIGUOUS
        elif _a_club(conn, club):
            clubs.append(club)
    if len(clubs) + (mistyped if clubs else 0) > 1:
        return _AMBIGUOUS
    return clubs[0] if clubs else ours


def _a_club(conn: Connection, entity_id: int) -> bool:
    """Whether the words beside the organisation's mentions say "club" in ``FEWEST`` of its
    articles."""
    said = set()
    for _, start, end, _, article, _, left, right in sql.mention_contexts(conn, [entity_id]):
        before, after = word_before(left, start), word_after(right, end)
        if sense(before and before[0], after and after[0], place=False) == CLUB:
            said.add(article)
    return len(said) >= FEWEST


def _read(conn: Connection, names: dict[int, _Name], whose: dict[int, int]) -> None:
    """The mentions of the entities of ``whose`` (entity → the place's), with what the words
    beside them say, added to the place's: its own, or its club's."""
    for eid, start, end, surface, article, mid, left, right in sql.mention_contexts(
        conn, sorted(whose)
    ):
        name = names[whose[eid]]
        on_club = eid != name.id
        bare = name.norm in strip_clitics(normalise_name(surface).strip(), {name.norm})
        lead = None
        if bare:
            before, after = word_before(left, start), word_after(right, end)
            said = sense(before and before[0], after and after[0], name.type == "LOCATION")
            lead = before and before[0]
        else:  # another spelling on the place's page; the club's whole name on its own
            said = None if not on_club else CLUB
        name.mentions.append(_Mention(mid, article, said, on_club, bare, eid, lead, said))
    for eid in sorted(set(whose.values())):
        _another_club(conn, names[eid])


def _another_club(conn: Connection, name: _Name) -> None:
    """A place's bare mentions after the name of a club of one word, in ``FEWEST`` articles,
    are that club's name written in full (``أياكس [أمستردام]``, :mod:`.fragments` gives them
    to Ajax): they say neither club nor city here (not ``برشلونة [روما]``, a match twice)."""
    if name.type != "LOCATION" or not any(m.cue == CLUB or m.on_club for m in name.mentions):
        return
    leads: dict[str, set[int]] = {}
    for m in name.mentions:
        if m.lead is not None and joinable(m.lead):
            leads.setdefault(m.lead, set()).add(m.article)
    others = {
        word
        for word, articles in leads.items()
        if len(articles) >= FEWEST and club_written_before(conn, name.id, name.norm, word)
    }
    for m in name.mentions:
        m.sense = ANOTHER if m.lead in others else m.cue


def _decide(conn: Connection, name: _Name) -> tuple[str, list[int], list[int]] | None:
    """(:data:`_SPLIT` or :data:`_ALL_CLUB`, mentions that go to the club, mentions that come
    back to the place), or None."""
    club, city = name.said(CLUB), name.said(PLACE)
    if len(club) < FEWEST:
        return None
    if len(city) < FEWEST:  # no city: the place is the club
        if name.type != "LOCATION" or len(club) < CLUB_SHARE * name.articles:
            return None
        return _ALL_CLUB, [m.id for m in name.mentions if not m.on_club and m.sense != ANOTHER], []
    only_club, only_city = club - city, city - club
    lean = _leaning(conn, name, only_club, only_city)
    to_club, to_city = [], []
    for m in name.mentions:
        said = m.sense
        if said is None:
            said = CLUB if m.article in only_club else PLACE if m.article in only_city else None
        if said is None and m.article not in club | city:
            said = lean.get(m.article)
        if said == CLUB and not m.on_club:
            to_club.append(m.id)
        elif said in (PLACE, ANOTHER) and m.on_club and m.bare:
            to_city.append(m.id)
    return _SPLIT, to_club, to_city


def _leaning(conn: Connection, name: _Name, club: set[int], city: set[int]) -> dict[int, str]:
    """Article without a word to say → CLUB or PLACE, where its other entities say it
    clearly (``LEAN``): do they stand in the club's articles (players, other clubs) more
    than in the city's? The rest stay where they are."""
    articles = {m.article for m in name.mentions}
    named = sql.article_entity_sets(conn, articles)
    own = {name.id, name.club}
    sides: dict[str, Counter[int]] = {CLUB: Counter(), PLACE: Counter()}
    for side, arts in ((CLUB, club), (PLACE, city)):
        for a in arts:
            sides[side].update(named.get(a, set()) - own)
    out = {}
    for a in articles - club - city:
        others = named.get(a, set()) - own
        score = sum(
            sides[CLUB][x] / (len(club) + SMOOTH) - sides[PLACE][x] / (len(city) + SMOOTH)
            for x in others
        )
        if abs(score) >= LEAN:
            out[a] = CLUB if score > 0 else PLACE
    return out
