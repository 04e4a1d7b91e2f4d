"""Names the news confirmed are found again where the recogniser missed them
(marsad.entities.confirmed, the last step of the global pass)."""

from __future__ import annotations

import pytest

from marsad.entities.confirmed import _Keys
from marsad.store import confirmed as confirmed_sql
from marsad.store import rollups
from marsad.store.database import Store
from marsad.store.edits import rebuild_article_entities
from marsad.store.listing import word_forms
from marsad_testing import fresh_postgres_database, make_settings

from .conftest import kept_and_recounted
from .test_consolidate import LOC, ORG, PERSON, entity_of, ingest
from .test_fragments import articles_of

GHOUTA = [
    (f"قصفت الطائرات الغوطة الشرقية في الغارة رقم {k}.", {"الغوطة الشرقية": LOC}) for k in range(5)
]
MISSED = [  # the recogniser saw no name in these
    ("عاد المدنيون إلى الغوطة الشرقية بعد الهدنة.", {}),
    ("قال مسؤول إن الغوطة الشرقية تعاني نقصا في الدواء.", {}),
]


def mentions(store: Store) -> set[tuple[str, str, int, str | None]]:
    """(entity, surface, start, type) of every mention, by article title."""
    with store.engine.connect() as conn:
        rows = conn.exec_driver_sql(
            "SELECT a.title, e.name, m.surface, m.start, m.type FROM mentions m "
            "JOIN entities e ON e.id = m.entity_id JOIN articles a ON a.id = m.article_id"
        ).all()
    return {tuple(r) for r in rows}


def test_a_name_the_news_confirmed_is_found_again_where_the_recogniser_missed_it(settings):
    store = Store(settings.database_url)
    ingest(store, settings, [GHOUTA + MISSED])
    ghouta = entity_of(store, "الغوطة الشرقية")
    assert ghouta["type"] == "LOCATION"
    assert articles_of(store, settings, "الغوطة الشرقية") == 7
    with store.engine.connect() as conn:
        untyped = conn.exec_driver_sql(
            "SELECT count(*) FROM mentions WHERE type IS NULL AND entity_id = ?", (ghouta["id"],)
        ).scalar()
    assert untyped == 4  # title and text of the two articles: they do not vote on its type


def test_a_name_confirmed_later_is_found_in_the_articles_that_came_before(settings, tmp_path):
    at_once = Store(settings.database_url)
    ingest(at_once, settings, [MISSED + GHOUTA])
    later = Store(f"sqlite:///{tmp_path / 'later.db'}")
    ingest(later, settings, [MISSED, GHOUTA[:2], GHOUTA[2:]])
    assert articles_of(later, settings, "الغوطة الشرقية") == 7
    assert mentions(later) == mentions(at_once)


def test_a_name_below_the_bar_is_not_looked_for(settings):
    store = Store(settings.database_url)
    ingest(store, settings, [GHOUTA[:4] + MISSED])  # four articles: not yet confirmed
    assert articles_of(store, settings, "الغوطة الشرقية") == 4


def test_a_one_word_name_is_found_again_only_where_a_word_announces_it(settings):
    store = Store(settings.database_url)
    rows = [(f"قصفت الطائرات مدينة دوما في الغارة رقم {k}.", {"دوما": LOC}) for k in range(5)]
    rows += [
        ("قال المتحدث إن آلاف المدنيين عالقون في دوما منذ أسابيع.", {}),
        ("وكانت الممثلة تؤكد دوما أن الغرفة هي وزارة السينما.", {}),  # دوما: 'always'
    ]
    ingest(store, settings, [rows])
    assert articles_of(store, settings, "دوما") == 6
    surfaces = {(title, start) for title, _, _, start, _ in mentions(store)}
    assert not any(title.startswith("وكانت الممثلة") for title, _ in surfaces)


def test_a_name_that_may_go_on_into_a_longer_one_is_left_alone(settings):
    store = Store(settings.database_url)
    rows = [
        (f"قال محمد علي في المقابلة رقم {k} إنه متفائل.", {"محمد علي": PERSON}) for k in range(5)
    ]
    rows += [("وقال محمد علي جعفري قائد الحرس إن الرد قادم.", {})]  # another man
    rows += [(f"سجل أحمد خليل الهدف رقم {k} للفريق.", {"أحمد خليل": PERSON}) for k in range(5)]
    rows += [(f"قال محمد صلاح في المقابلة رقم {k} كلاما.", {"محمد صلاح": PERSON}) for k in range(2)]
    rows += [("وقال محمد أحمد خليل المحافظ إن الطريق مغلق.", {})]  # محمد: a first name
    rows += [(f"أعلن حزب الشعب في البيان رقم {k} موقفه.", {"حزب الشعب": ORG}) for k in range(5)]
    rows += [("وقال زعيم حزب الشعب الجمهوري إن الانتخابات مزورة.", {})]  # another party
    ingest(store, settings, [rows])
    assert articles_of(store, settings, "محمد علي") == 5
    assert articles_of(store, settings, "أحمد خليل") == 5
    assert articles_of(store, settings, "حزب الشعب") == 5


def test_the_counts_of_names_found_again_equal_a_recount(settings):
    store = Store(settings.database_url)
    others = [
        (f"التقى وفد الأمم المتحدة في الغوطة الشرقية للمرة {k}.", {"الأمم المتحدة": ORG})
        for k in range(3)
    ]
    ingest(store, settings, [GHOUTA + MISSED + others])
    assert articles_of(store, settings, "الغوطة الشرقية") == 10
    kept, recounted = kept_and_recounted(store)
    assert recounted == kept
    assert kept["pair_days"]  # the found mentions made the pairs (and only they)


def test_a_database_from_before_the_pass_is_searched_whole_at_its_next_round(settings):
    """(And one whose names were confirmed by other rules: ``confirmed.RULES``.)"""
    store = Store(settings.database_url)
    ingest(store, settings, [GHOUTA + MISSED])
    with store.engine.begin() as conn:  # as the database was before migration 26
        conn.exec_driver_sql("DELETE FROM mentions WHERE type IS NULL")
        conn.exec_driver_sql("DROP TABLE confirmed_names")
        conn.exec_driver_sql("DELETE FROM meta WHERE key = 'confirmed_names_rules'")
        conn.exec_driver_sql("UPDATE meta SET value = '25' WHERE key = 'schema_version'")
        ids = [r[0] for r in conn.exec_driver_sql("SELECT id FROM articles")]
        rebuild_article_entities(conn, ids)
        rollups.rebuild(conn)
    store.close()
    store = Store(settings.database_url)
    assert articles_of(store, settings, "الغوطة الشرقية") == 5
    ingest(store, settings, [[("وصل الوفد إلى دمشق أمس.", {"دمشق": LOC})]])  # a round
    assert articles_of(store, settings, "الغوطة الشرقية") == 7


def test_a_new_way_of_writing_a_confirmed_name_is_found_in_earlier_articles(settings, tmp_path):
    trump = [
        (f"قال دونالد ترامب في الخطاب رقم {k} إنه متفائل.", {"دونالد ترامب": PERSON})
        for k in range(5)
    ]
    missed = [("وصل دونالد ترمب إلى باريس أمس.", {})]
    later = [
        (f"أعلن دونالد ترمب في التغريدة رقم {k} موقفه.", {"دونالد ترمب": PERSON}) for k in range(2)
    ]
    at_once = Store(settings.database_url)
    ingest(at_once, settings, [trump + missed + later])
    rounds = Store(f"sqlite:///{tmp_path / 'rounds.db'}")
    ingest(rounds, settings, [trump + missed, later])  # the spelling is confirmed in round 2
    assert articles_of(rounds, settings, "دونالد ترامب") == 8
    assert mentions(rounds) == mentions(at_once)


def test_a_name_many_bodies_bear_is_found_again_only_in_its_entitys_news(settings):
    spd = {"الحزب الاشتراكي الديمقراطي": ORG, "ميركل": PERSON}
    rows = [
        (f"وافق الحزب الاشتراكي الديمقراطي على الائتلاف مع ميركل في الاجتماع رقم {k}.", spd)
        for k in range(5)
    ]
    rows += [
        ("قالت ميركل إن الحزب الاشتراكي الديمقراطي شريك موثوق.", {"ميركل": PERSON}),
        ("في رومانيا وصل الحزب الاشتراكي الديمقراطي إلى السلطة.", {"رومانيا": LOC}),
    ]
    store = Store(settings.database_url)
    ingest(store, settings, [rows])
    assert articles_of(store, settings, "الحزب الاشتراكي الديمقراطي") == 6  # not Romania's
    with store.engine.begin() as conn:  # as the older rules left it: found in Romania's news
        conn.exec_driver_sql(
            'INSERT INTO mentions (article_id, entity_id, start, "end", surface, type) '
            "SELECT a.id, e.id, 12, 38, 'الحزب الاشتراكي الديمقراطي', NULL FROM articles a, "
            "entities e WHERE a.text LIKE '%رومانيا%' AND e.name = 'الحزب الاشتراكي الديمقراطي'"
        )
        conn.exec_driver_sql("UPDATE meta SET value = '1' WHERE key = 'confirmed_names_rules'")
        rebuild_article_entities(
            conn, [r[0] for r in conn.exec_driver_sql("SELECT id FROM articles")]
        )
        rollups.rebuild(conn)
    assert articles_of(store, settings, "الحزب الاشتراكي الديمقراطي") == 7
    ingest(store, settings, [[("وصل الوفد إلى برلين أمس.", {"برلين": LOC})]])  # a round
    assert articles_of(store, settings, "الحزب الاشتراكي الديمقراطي") == 6


def test_a_one_word_name_is_not_found_again_with_kaf_glued_on():
    from marsad.entities.confirmed import _finder, fold_in_place

    def finds(norm: str, text: str) -> bool:
        return _finder(norm).search(fold_in_place(text)) is not None

    assert not finds("نيس", "وقع الهجوم في كنيس يهودي")  # a synagogue
    assert finds("نيس", "وصل الفريق إلى ونيس")  # و + نيس
    assert finds("الامم المتحده", "وقالت كالأمم المتحدة")  # a longer name keeps ك


def _keys_of_every_name(names: list[str], words: list[str]) -> set[str]:
    """The names an article's words hold, as the keys of every name found them (issue 18:
    made for all 15,700 names each round before): a one-word name, one of its forms; a
    two-word name, a form of its first word then its second; a longer one, its last two."""
    keys: dict[str, set[str]] = {}
    for norm in names:
        first, *rest = norm.split()
        if len(rest) > 1:
            ends = [" ".join(rest[-2:])]
        else:
            ends = [" ".join((form, *rest)) for form in word_forms(first)]
        for key in ends:
            keys.setdefault(key, set()).add(norm)
    held = set(words) | {f"{a} {b}" for a, b in zip(words, words[1:], strict=False)}
    return {n for key in held & keys.keys() for n in keys[key]}


def test_the_names_an_article_holds_are_those_the_keys_of_every_name_found():
    names = ["حمص", "الليكود", "مارك زوكربرغ", "شبكه سي ان ان", "محمد بن سلمان", "بن سلمان"]
    articles = [
        ["قال", "مارك", "زوكربرغ", "إن", "شبكه", "سي", "ان", "ان", "نقلت", "الخبر"],
        ["وصل", "الوفد", "إلى", "حمص", "ثم", "لمارك", "زوكربرغ", "وبالليكود"],
        ["سي", "ان", "ان", "قالت", "إن", "محمد", "بن", "سلمان", "التقى", "زوكربرغ", "مارك"],
        ["ولي", "العهد", "بن", "سلمان", "والليكود", "وحمصي"],
        ["لا", "اسم", "هنا"],
    ]
    keys = _Keys(names)
    for words in articles:
        held = _keys_of_every_name(names, words)
        folded = f" {' '.join(words)} "
        assert keys.held(words, folded) == held
        assert {n for n in names if keys.written(n, set(words), folded)} == held


PHRASED = [
    ("نقلت شبكة سي إن إن الخبر.", {}),
    ("قالت وشبكة سي إن إن تبث الخبر.", {}),  # a clitic on its first word
    ("قالت شبكة محلية إن سي إن نقلت الخبر.", {}),  # its words, apart
    ("نقلت شبكة الخبر.", {}),
]


def _phrased(store: Store, settings) -> set[str]:
    """The titles of the articles a newly confirmed شبكة سي إن إن is looked for in."""
    ingest(store, settings, [PHRASED])
    with store.engine.connect() as conn:
        found = confirmed_sql.articles_with(conn, "شبكه سي ان ان", entity_id=0)
        return {
            conn.exec_driver_sql(f"SELECT title FROM articles WHERE id = {int(a)}").scalar()
            for a in found
        }


def test_a_newly_confirmed_name_is_looked_for_where_its_words_stand_together(settings):
    store = Store(settings.database_url)
    assert _phrased(store, settings) == {
        "نقلت شبكة سي إن إن الخبر",
        "قالت وشبكة سي إن إن تبث الخبر",
    }
    store.close()


def test_the_words_stand_together_on_postgresql_too(pg_url: str, tmp_path) -> None:
    pytest.importorskip("psycopg", reason="psycopg is not installed (pip install -e '.[dev]')")
    store = Store(fresh_postgres_database(pg_url))
    titles = _phrased(store, make_settings(tmp_path))
    assert titles == {"نقلت شبكة سي إن إن الخبر", "قالت وشبكة سي إن إن تبث الخبر"}
    store.close()


def test_worker_processes_find_what_one_process_finds(settings, tmp_path, monkeypatch):
    """The whole pass's scan shared among forked workers, a few articles at a time: the
    same mentions, in a corpus with names found again, names that may go on, and a name
    many bodies bear (kept only in its entity's news, after the workers read it)."""
    from marsad.entities import confirmed

    spd = {"الحزب الاشتراكي الديمقراطي": ORG, "ميركل": PERSON}
    rows = GHOUTA + MISSED
    rows += [
        (f"وافق الحزب الاشتراكي الديمقراطي مع ميركل في الاجتماع رقم {k}.", spd) for k in range(5)
    ]
    rows += [
        ("قالت ميركل إن الحزب الاشتراكي الديمقراطي في الغوطة الشرقية.", {"ميركل": PERSON}),
        ("في رومانيا وصل الحزب الاشتراكي الديمقراطي إلى السلطة.", {"رومانيا": LOC}),
        ("زار الوفد الغوطة الشرقية زملكا أمس.", {}),  # a rare word after: it may go on
    ]
    one = Store(settings.database_url)
    ingest(one, settings, [rows])
    submitted = []

    class Counted(confirmed.ProcessPoolExecutor):
        def submit(self, *args, **kwargs):
            submitted.append(args[1])
            return super().submit(*args, **kwargs)

    monkeypatch.setattr(confirmed, "ProcessPoolExecutor", Counted)
    monkeypatch.setattr(confirmed, "PARALLEL_ARTICLES", 1)
    monkeypatch.setattr(confirmed, "CHUNK", 2)
    monkeypatch.setattr(confirmed, "_scan_workers", lambda count: 2)
    many = Store(f"sqlite:///{tmp_path / 'many.db'}")
    ingest(many, settings, [rows])
    assert len(submitted) == 8  # 15 articles, two at a time
    assert mentions(many) == mentions(one)
    assert articles_of(many, settings, "الغوطة الشرقية") == 8
    assert articles_of(many, settings, "الحزب الاشتراكي الديمقراطي") == 6  # not Romania's
