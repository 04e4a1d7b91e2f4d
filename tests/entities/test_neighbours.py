"""An incremental global pass reads what a round touched and the names related to it, by
index (marsad.entities.neighbours, issue 18), and decides exactly as the pass over every
entity would."""

from __future__ import annotations

from marsad.entities import consolidate as C
from marsad.entities import neighbours
from marsad.models import Article
from marsad.pipeline import Pipeline
from marsad.store import edits as sql
from marsad.store import name_keys
from marsad.store.database import Store

from .test_consolidate import LOC, ORG, PERSON, SOURCE, START, Tagger, entity_of, ingest

SHORT = [
    *[(f"التقى فلاديمير بوتين نظيره في اللقاء رقم {k}.", {"فلاديمير بوتين": PERSON}) for k in range(4)],
    *[(f"قال دونالد ترامب في المؤتمر رقم {k} كلاما.", {"دونالد ترامب": PERSON}) for k in range(4)],
    *[(f"وصل الوزير إلى الرياض في الزيارة رقم {k}.", {"الرياض": LOC}) for k in range(4)],
    *[(f"زار عبد الفتاح السيسي المدينة للمرة {k}.", {"عبد الفتاح السيسي": PERSON}) for k in range(3)],
    *[(f"أعلنت السعودية في البيان رقم {k} موقفها.", {"السعودية": LOC}) for k in range(3)],
    *[(f"فاز تشيلسي في المباراة رقم {k}.", {"تشيلسي": ORG}) for k in range(3)],
    *[(f"قاد بشار الأسد الاجتماع رقم {k}.", {"بشار الأسد": PERSON}) for k in range(3)],
    *[(f"قاد ماهر الأسد الفرقة رقم {k}.", {"ماهر الأسد": PERSON}) for k in range(2)],
    *[(f"ألقى عمر حسن البشير الخطاب رقم {k}.", {"عمر حسن البشير": PERSON}) for k in range(2)],
]  # fmt: skip
# names that have nothing to do with the round's: an incremental pass never reads them
OTHERS = [
    (f"زار {name} المعرض في اليوم رقم {k}.", {name: PERSON})
    for k, name in enumerate(["محمد صلاح", "ليونيل ميسي", "كريستيانو رونالدو", "أنغيلا ميركل"])
]
FULL = [
    ("قال بوتين إن روسيا مستعدة للحوار.", {"بوتين": PERSON}),
    ("قال ترمب إن الاتفاق سيئ.", {"ترمب": ORG}),
    ("وصل الوفد للرياض أمس في زيارة رسمية.", {"للرياض": LOC}),
    ("استقبل عبدالفتاح السيسي الوفد.", {"عبدالفتاح السيسي": PERSON}),
    ("وقعت المملكة العربية السعودية الاتفاق.", {"المملكة العربية السعودية": LOC}),
    ("خسر تشلسي المباراة أمس.", {"تشلسي": ORG}),
    ("وقال الأسد في الخطاب كلاما.", {"الأسد": PERSON}),
    ("وصل عمر البشير إلى الخرطوم.", {"عمر البشير": PERSON}),  # finds his long name by its key
]


def _round(store: Store, settings) -> set[int]:
    """A settled database where the short names came first, then a round (not yet
    settled) with the full names: the entities it touched."""
    ingest(store, settings, [SHORT + OTHERS])
    pipeline = Pipeline(store, settings)
    for text, names in FULL:
        pipeline._recogniser = Tagger(names)
        pipeline.ingest([Article(title=text[:20], text=text, source=SOURCE, published=START)])
    return set(pipeline.touched)


def _whole(store: Store, touched: set[int]) -> dict[int, int]:
    operator = sql.operator_entities(store)
    ents: dict[int, C._Entity] = {}
    C._add(ents, sql.live_entities(store), operator)
    aliases = [(norm, eid) for norm, eid, _ in store.alias_table()]
    return C._targets(ents, aliases, touched)


def test_an_incremental_round_decides_as_the_pass_over_every_entity(settings):
    store = Store(settings.database_url)
    touched = _round(store, settings)
    whole = _whole(store, touched)
    neighbours.refresh(store)
    ents: dict[int, C._Entity] = {}
    near = C._near(store, ents, touched, sql.operator_entities(store))
    assert C._targets(ents, near, touched) == whole
    named = {ents[s].norm: ents[t].norm for s, t in whole.items()}
    # the spacing rule; a name without its middle names
    assert named == {"عبدالفتاح السيسي": "عبد الفتاح السيسي", "عمر البشير": "عمر حسن البشير"}
    read = {e.norm for e in ents.values()}
    assert {"فلاديمير بوتين", "الرياض", "تشيلسي", "ترمب"} <= read
    # it read the round's names and their neighbours, not the unrelated ones
    assert not {"محمد صلاح", "ليونيل ميسي", "انغيلا ميركل", "ماهر الاسد"} & read
    # every key read at once (a round touching thousands): the same neighbours, the same reads
    at_once: dict[int, C._Entity] = {}
    every = name_keys.every_key(store)
    assert C._near(store, at_once, touched, sql.operator_entities(store), {}, every) == near
    assert at_once.keys() == ents.keys()


def test_an_incremental_settle_leaves_the_database_as_a_whole_one(settings, tmp_path):
    from marsad_testing import make_settings

    results = []
    for name in ("round", "whole"):
        other = make_settings(tmp_path / name)
        store = Store(other.database_url)
        touched = _round(store, other)
        C.settle(store, touched if name == "round" else None)
        results.append(
            sorted((e, n, t) for e, n, t, _, _ in sql.live_entities(store)),
        )
    assert results[0] == results[1]


def test_a_renamed_entity_is_found_by_its_new_name_only(settings):
    store = Store(settings.database_url)
    ingest(store, settings, [FULL])
    neighbours.refresh(store)
    assert neighbours.refresh(store) == 0  # nothing new since
    eid = entity_of(store, "تشيلسي")["id"]
    store.update_entity(eid, name="نادي تشيلسي")
    assert neighbours.refresh(store) == 1
    assert eid in name_keys.entities_with(store, letters=["ناديتشيلسي"])
    assert eid not in name_keys.entities_with(store, letters=["تشيلسي"])
    assert eid in name_keys.entities_with(store, part_skeletons=[neighbours.keys("تشيلسي")[2]])
    every = name_keys.every_key(store)  # answers from every key read at once: the same
    for keys in (
        {"letters": ["ناديتشيلسي", "تشيلسي", "عبدالفتاحالسيسي", "لاأحد"]},
        {"norms": ["نادي تشيلسي", "تشيلسي", "بوتين"], "skeletons": [neighbours.keys("الأسد")[2]]},
        {"part_skeletons": [neighbours.keys("تشيلسي")[2], neighbours.keys("بوتين")[2]]},
    ):
        assert name_keys.entities_with(store, every=every, **keys) == name_keys.entities_with(
            store, **keys
        ), keys
