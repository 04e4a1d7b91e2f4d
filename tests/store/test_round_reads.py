"""A round of the global pass reads what it touched by key (issue 18): the persons whose
names begin or end with a word, found through the resolver's name keys and their queue,
are those a read of every person's name finds for that word."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from marsad.entities import known_names
from marsad.models import Entity, EntityType
from marsad.store import confirmed
from marsad.store import fragments as sql
from marsad.store.database import Store

PERSONS = [
    ["محمد بن سلمان", "بن سلمان"],
    ["محمد عباس"],
    ["محمود عباس", "أبو مازن"],
    ["عباس عراقجي"],
    ["جون كيري"],
    ["جون ماكين"],
    ["كيري"],  # one word: no first or last word of a longer name
]
LATER = [["جون بولتون"], ["سلمان رشدي"]]  # made after the keys: only in their queue
WORDS = ["محمد", "عباس", "جون", "كيري", "سلمان", "مازن", "بولتون", "رشدي", "ترمب"]


def _person(store: Store, names: list[str], etype: EntityType = EntityType.PERSON) -> int:
    return store.create_entity(Entity(names[0], etype, names[1:]))


def test_person_words_by_key_are_those_of_every_name(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'm.db'}")
    for names in PERSONS:
        _person(store, names)
    _person(store, ["جون لويس"], EntityType.ORGANIZATION)  # not a person
    assert known_names.fill(store)  # the keys of what is stored so far
    for names in LATER:
        _person(store, names)
    with store.engine.connect() as conn:
        first, last = sql.person_name_words(conn)
        by_key = sql.person_name_words(conn, WORDS)
        one = sql.person_name_words(conn, ["جون"])
    for word in WORDS:
        assert by_key[0].get(word, set()) == first.get(word, set()), word
        assert by_key[1].get(word, set()) == last.get(word, set()), word
    assert len(first["جون"]) == 3 and len(last["عباس"]) == 2 and len(last["سلمان"]) == 1
    assert one[0]["جون"] == first["جون"]
    store.close()


def _every_name_word(store: Store, fewest: int) -> set[str]:
    """The words of every name of two words or more of a live entity in ``fewest`` articles
    or more, read from every alias (as the pass read them before issue 18)."""
    with store.engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT a.norm FROM aliases a JOIN entities e ON e.id = a.entity_id "
                "JOIN entity_totals t ON t.entity_id = e.id "
                "WHERE e.merged_into IS NULL AND t.articles >= :n AND a.norm LIKE '% %'"
            ),
            {"n": fewest},
        )
        return {w for (norm,) in rows for w in norm.split()}


@pytest.mark.parametrize("by_key", [2000, 2])  # past that many words: every name at once
def test_name_words_by_key_are_those_of_every_name_as_of_when_asked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, by_key: int
) -> None:
    monkeypatch.setattr(sql, "_BY_KEY", by_key)
    store = Store(f"sqlite:///{tmp_path / 'm.db'}")
    ids = [_person(store, names) for names in PERSONS]
    ids.append(_person(store, ["مانشستر يونايتد"], EntityType.ORGANIZATION))
    assert known_names.fill(store)
    ids.append(_person(store, ["بيونغ يانغ"], EntityType.LOCATION))  # in the keys' queue only
    small = ids[1]  # محمد عباس: in fewer articles than asked for
    with store.engine.begin() as conn:
        conn.execute(
            text("INSERT INTO entity_totals (entity_id, articles) VALUES (:e, :n)"),
            [{"e": e, "n": 1 if e == small else 5} for e in ids],
        )
    every = _every_name_word(store, 3)
    assert "يانغ" in every and "يونايتد" in every and "محمد" in every
    with store.engine.begin() as conn:
        words = sql.name_words(conn, 3)
        asked = {w for names in PERSONS + [["مانشستر يونايتد", "بيونغ يانغ"]] for n in names
                 for w in n.split()} | {"ترمب", ""}  # fmt: skip
        for word in sorted(asked):
            assert (word in words) == (word in every), word
        # a name made while the pass asks is not among the words (as a read made before)
        conn.execute(
            text("INSERT INTO aliases (entity_id, alias, norm) VALUES (:e, 'ترمب دونالد', :n)"),
            {"e": ids[0], "n": "ترمب دونالد"},
        )
        assert "دونالد" not in words and "ترمب" not in words
    assert "دونالد" in _every_name_word(store, 3)
    store.close()


@pytest.mark.parametrize("by_key", [2000, 2])
def test_person_first_words_by_key_are_those_of_every_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, by_key: int
) -> None:
    monkeypatch.setattr(confirmed, "BY_KEY", by_key)
    store = Store(f"sqlite:///{tmp_path / 'm.db'}")
    ids = [_person(store, names) for names in PERSONS]
    ids.append(_person(store, ["جون لويس"], EntityType.ORGANIZATION))
    assert known_names.fill(store)
    ids += [_person(store, names) for names in LATER]  # in the keys' queue only
    with store.engine.begin() as conn:
        conn.execute(
            text("INSERT INTO entity_totals (entity_id, articles) VALUES (:e, :n)"),
            [{"e": e, "n": 1 if e == ids[1] else 3} for e in ids],  # محمد عباس: 1 article
        )
        every = {
            norm.split()[0]
            for (norm,) in conn.execute(
                text(
                    "SELECT a.norm FROM aliases a JOIN entities e ON e.id = a.entity_id "
                    "JOIN entity_totals t ON t.entity_id = e.id WHERE e.type = 'PERSON' "
                    "AND e.merged_into IS NULL AND t.articles >= 2 AND a.norm LIKE '% %'"
                )
            )
        }
        words = confirmed.person_first_words(conn, 2)
        for word in WORDS + ["ابو", "بن", "محمود", "عراقجي", "لويس"]:
            assert (word in words) == (word in every), word
    assert {"جون", "سلمان", "محمد", "ابو"} <= every and "لويس" not in every
    store.close()
