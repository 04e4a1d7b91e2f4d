"""The Wikidata and Wikipedia importers on small excerpts written in the dumps' exact formats."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from marsad.config import Settings
from marsad.entities import edits
from marsad.entities.wikidata import import_wikidata, iter_entities
from marsad.entities.wikipedia import import_wikipedia
from marsad.errors import InputError
from marsad.store.database import Store
from marsad.store.edits import role_rows


def _claim(prop: str, qid: str, qualifiers: dict | None = None) -> dict:
    claim = {
        "mainsnak": {
            "snaktype": "value",
            "property": prop,
            "datavalue": {
                "value": {"entity-type": "item", "numeric-id": int(qid[1:]), "id": qid},
                "type": "wikibase-entityid",
            },
            "datatype": "wikibase-item",
        },
        "type": "statement",
        "rank": "normal",
    }
    if qualifiers:
        claim["qualifiers"] = qualifiers
    return claim


def _time(prop: str, stamp: str, precision: int = 11) -> list[dict]:
    return [
        {
            "snaktype": "value",
            "property": prop,
            "datavalue": {
                "value": {
                    "time": stamp,
                    "timezone": 0,
                    "before": 0,
                    "after": 0,
                    "precision": precision,
                    "calendarmodel": "http://www.wikidata.org/entity/Q1985727",
                },
                "type": "time",
            },
            "datatype": "time",
        }
    ]


def _item(qid: str, ar: str | None, p31: str, *, aliases=(), desc=None, claims=None) -> dict:
    item = {
        "type": "item",
        "id": qid,
        "labels": {"en": {"language": "en", "value": qid}},
        "descriptions": {},
        "aliases": {},
        "claims": {"P31": [_claim("P31", p31)], **(claims or {})},
        "sitelinks": {},
    }
    if ar:
        item["labels"]["ar"] = {"language": "ar", "value": ar}
    if aliases:
        item["aliases"]["ar"] = [{"language": "ar", "value": a} for a in aliases]
    if desc:
        item["descriptions"]["ar"] = {"language": "ar", "value": desc}
    return item


WIKIDATA = [
    _item(
        "Q80115",
        "سيرغي لافروف",
        "Q5",
        aliases=["سيرجي لافروف", "لافروف"],
        desc="دبلوماسي روسي",
        claims={
            "P39": [
                _claim("P39", "Q4294919", {"P580": _time("P580", "+2004-03-09T00:00:00Z")}),
                _claim(
                    "P39",
                    "Q999999",  # a position without an Arabic label: dropped
                    {
                        "P580": _time("P580", "+1994-00-00T00:00:00Z", 9),
                        "P582": _time("P582", "+2004-00-00T00:00:00Z", 9),
                    },
                ),
            ]
        },
    ),
    _item("Q4294919", "وزير خارجية روسيا", "Q4164871"),
    _item("Q1520", "الأمم المتحدة", "Q484652", aliases=["الامم المتحدة"], desc="منظمة دولية"),
    _item("Q858", "سوريا", "Q3624078", aliases=["سورية", "الجمهورية العربية السورية"]),
    _item("Q1", "الكون", "Q36906466"),  # not a person, organisation or place
    _item("Q2", None, "Q5"),  # no Arabic label
]


def write_wikidata(path: Path, items: list[dict]) -> Path:
    """The dump format: a JSON array, one entity per line, lines ending with a comma."""
    lines = ["[\n"] + [json.dumps(i, ensure_ascii=False) + ",\n" for i in items[:-1]]
    lines += [json.dumps(items[-1], ensure_ascii=False) + "\n", "]\n"]
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        fh.writelines(lines)
    return path


WIKIPEDIA = """<feed>
<doc>
<title>ويكيبيديا: سيرغي لافروف</title>
<url>https://ar.wikipedia.org/wiki/سيرغي_لافروف</url>
<abstract>سيرغي فيكتوروفيتش لافروف دبلوماسي وسياسي روسي، يشغل منصب وزير الخارجية منذ عام 2004.</abstract>
<links>
<sublink linktype="nav"><anchor>حياته</anchor><link>https://ar.wikipedia.org/wiki/سيرغي_لافروف#حياته</link></sublink>
</links>
</doc>
<doc>
<title>ويكيبيديا: سوريا (دولة)</title>
<url>https://ar.wikipedia.org/wiki/سوريا</url>
<abstract>سوريا دولة عربية تقع في غرب آسيا، عاصمتها دمشق وأكبر مدنها حلب.</abstract>
<links></links>
</doc>
<doc>
<title>ويكيبيديا: مدينة لا نعرفها</title>
<url>https://ar.wikipedia.org/wiki/مدينة</url>
<abstract>مدينة صغيرة لا يذكرها أي خبر في قاعدة المعرفة على الإطلاق.</abstract>
<links></links>
</doc>
<doc>
<title>ويكيبيديا: الأمم المتحدة</title>
<url>https://ar.wikipedia.org/wiki/الأمم_المتحدة</url>
<abstract>| صورة = علم.svg</abstract>
<links></links>
</doc>
</feed>
"""


def write_wikipedia(path: Path, xml: str = WIKIPEDIA) -> Path:
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        fh.write(xml)
    return path


def test_wikidata_dump_lines_stream_one_entity_at_a_time(tmp_path: Path) -> None:
    path = write_wikidata(tmp_path / "dump.json.gz", WIKIDATA)
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        stream = iter_entities(fh)
        assert next(stream)["id"] == "Q80115"  # a generator: nothing else read yet
        assert [e["id"] for e in stream] == [i["id"] for i in WIKIDATA[1:]]


def test_wikidata_import_keeps_arabic_names_types_descriptions_and_dated_roles(
    tmp_path: Path, settings: Settings
) -> None:
    store = Store(settings.database_url)
    report = import_wikidata(store, write_wikidata(tmp_path / "dump.json.gz", WIKIDATA))
    assert (report.read, report.kept, report.created) == (6, 3, 3)
    lavrov = store.get_entity("لافروف")
    assert lavrov["name"] == "سيرغي لافروف" and lavrov["type"] == "PERSON"
    assert lavrov["wikidata"] == "Q80115" and lavrov["description"] == "دبلوماسي روسي"
    assert lavrov["description_source"] == "ويكي بيانات"
    assert store.get_entity("سورية")["type"] == "LOCATION"
    assert store.get_entity("الامم المتحدة")["type"] == "ORGANIZATION"
    assert store.get_entity("الكون") is None
    assert role_rows(store) == [(lavrov["id"], "وزير خارجية روسيا", "2004-03-09", None)]
    again = import_wikidata(store, write_wikidata(tmp_path / "dump.json.gz", WIKIDATA))
    assert (again.created, again.updated) == (0, 3)  # idempotent


def test_wikidata_roles_let_a_bare_role_find_its_holder(tmp_path: Path, settings: Settings) -> None:
    from marsad.entities.resolve import Resolver
    from marsad.models import EntityType, Mention

    store = Store(settings.database_url)
    import_wikidata(store, write_wikidata(tmp_path / "dump.json.gz", WIKIDATA))
    text = "وقال الوزير الروسي إن الحل سياسي."
    out = Resolver(store).resolve([], text=text, day="2016-05-01")
    assert [(o.surface, o.entity_id) for o in out] == [
        ("الوزير الروسي", store.get_entity("لافروف")["id"])
    ]
    _ = (EntityType, Mention)


def test_wikipedia_abstracts_describe_known_entities_with_attribution(
    tmp_path: Path, settings: Settings
) -> None:
    store = Store(settings.database_url)
    import_wikidata(store, write_wikidata(tmp_path / "dump.json.gz", WIKIDATA))
    edits.describe(store, "الأمم المتحدة", "وصف كتبه المشغل.")
    report = import_wikipedia(store, write_wikipedia(tmp_path / "arwiki-latest-abstract.xml.gz"))
    assert (report.read, report.described, report.unmatched) == (4, 2, 1)
    lavrov = store.get_entity("لافروف")
    assert lavrov["description"].startswith("سيرغي فيكتوروفيتش لافروف دبلوماسي")
    assert lavrov["description_source"] == "ويكيبيديا"
    assert lavrov["description_url"] == "https://ar.wikipedia.org/wiki/سيرغي_لافروف"
    assert store.get_entity("سوريا")["description"].startswith("سوريا دولة عربية")
    assert store.get_entity("الأمم المتحدة")["description"] == "وصف كتبه المشغل."
    import_wikidata(store, write_wikidata(tmp_path / "dump.json.gz", WIKIDATA))
    assert store.get_entity("لافروف")["description_source"] == "ويكيبيديا"  # not replaced


def test_importers_report_unreadable_files(tmp_path: Path, settings: Settings) -> None:
    store = Store(settings.database_url)
    bad = tmp_path / "bad.xml.gz"
    bad.write_bytes(b"not gzip at all")
    with pytest.raises(InputError):
        import_wikipedia(store, bad)
    with pytest.raises(InputError):
        import_wikidata(store, tmp_path / "missing.json.gz")


def test_kb_import_commands(
    tmp_path: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    from marsad.cli import app

    monkeypatch.setenv("MARSAD_DATABASE_URL", settings.database_url)
    runner = CliRunner()
    wd = runner.invoke(
        app, ["kb", "import-wikidata", str(write_wikidata(tmp_path / "d.json.gz", WIKIDATA))]
    )
    assert wd.exit_code == 0 and "kept 3" in wd.output, wd.output
    wp = runner.invoke(app, ["kb", "import-wikipedia", str(write_wikipedia(tmp_path / "a.xml.gz"))])
    assert wp.exit_code == 0 and "described 2" in wp.output, wp.output
