"""Arabic date understanding (SPEC §5): the shared table plus span and zone behaviour."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from marsad.extract.dates import DateMatch, _lexicon, find_dates, parse_date

TABLE = Path(__file__).resolve().parent.parent / "data" / "dates_table.tsv"


def _table() -> list[tuple[str, datetime | None, str, str]]:
    rows = []
    for line in TABLE.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        text, ref, expected, family = line.split("\t")
        reference = None if ref == "-" else datetime.fromisoformat(ref)
        rows.append((text, reference, expected, family))
    return rows


ROWS = _table()


def test_table_is_large_and_covers_every_family() -> None:
    families = {row[3].split("-")[0] for row in ROWS}
    assert len(ROWS) >= 100
    assert {"levant", "east", "maghreb", "paired", "digits", "numeric", "time"} <= families
    assert {"weekday", "relative", "day", "hijri", "negative", "invalid"} <= families
    for must in ("الاثنين 3 تشرين الأول 2016", "25 مايو/أيار 2015", "الأربعاء 25 شباط 2015"):
        assert must in {row[0] for row in ROWS}
    assert "٢٠١٧ ١١ ٢٥" in {row[0] for row in ROWS}


@pytest.mark.parametrize(
    ("text", "reference", "expected"),
    [row[:3] for row in ROWS],
    ids=[f"{i:03d}-{row[3]}" for i, row in enumerate(ROWS)],
)
def test_parse_date_gives_the_expected_date(
    text: str, reference: datetime | None, expected: str
) -> None:
    got = parse_date(text, reference)
    if expected == "NONE":
        assert got is None
        return
    assert got is not None
    assert got.tzinfo is not None
    if "T" in expected:
        assert got.replace(tzinfo=None) == datetime.fromisoformat(expected)
    else:
        assert got.date().isoformat() == expected


def test_spans_point_into_the_original_text() -> None:
    text = "وقال لافروف، الاثنين 3 تشرين الأول 2016، إن الاجتماع سيعقد في الـ٢٢ من الشهر الجاري."
    found = find_dates(text, datetime(2016, 10, 3))
    assert [m.text for m in found] == ["الاثنين 3 تشرين الأول 2016", "الـ٢٢ من الشهر الجاري"]
    for m in found:
        assert text[m.start : m.end] == m.text
    assert [m.relative for m in found] == [False, True]


def test_spans_survive_diacritics_and_tatweel() -> None:
    text = "سيصلُ الوفدُ غداً الأربعاءَ إلى جنيف"
    (m,) = find_dates(text, datetime(2018, 3, 13))
    assert m.text == "غداً الأربعاءَ"
    assert m.value.date().isoformat() == "2018-03-14"


def test_dates_are_returned_in_order_of_appearance() -> None:
    text = "بين 5 أيار 2015 و25 مايو/أيار 2015 ثم أمس"
    found = find_dates(text, datetime(2018, 3, 14))
    assert [m.value.date().isoformat() for m in found] == ["2015-05-05", "2015-05-25", "2018-03-13"]
    assert [m.start for m in found] == sorted(m.start for m in found)


def test_value_takes_the_reference_zone_or_utc() -> None:
    beirut = timezone(timedelta(hours=3))
    aware = parse_date("الأربعاء 25 شباط 2015", datetime(2015, 2, 26, 9, tzinfo=beirut))
    naive = parse_date("الأربعاء 25 شباط 2015")
    assert aware == datetime(2015, 2, 25, tzinfo=beirut)
    assert naive == datetime(2015, 2, 25, tzinfo=UTC)


def test_gmt_time_is_utc_and_marked_as_timed() -> None:
    beirut = timezone(timedelta(hours=3))
    (m,) = find_dates("12 سبتمبر 2018 - 14:05 بتوقيت غرينتش", datetime(2018, 9, 12, tzinfo=beirut))
    assert m.has_time
    assert m.value == datetime(2018, 9, 12, 14, 5, tzinfo=UTC)


def test_hijri_with_gregorian_equivalent_is_one_match_valued_gregorian() -> None:
    (m,) = find_dates("الأحد 14 رمضان 1439 هـ الموافق 27 مايو 2018")
    assert isinstance(m, DateMatch)
    assert m.start == 0
    assert m.value.date().isoformat() == "2018-05-27"


def test_yearless_date_prefers_the_year_whose_weekday_agrees() -> None:
    # 3 October was a Monday in 2016 but a Tuesday in 2017; the reference sits between.
    got = parse_date("الاثنين 3 تشرين الأول", datetime(2017, 4, 10))
    assert got is not None and got.date().isoformat() == "2016-10-03"


def test_impossible_dates_are_skipped_not_raised() -> None:
    assert find_dates("31 شباط 2015 و30/02/2016 و31 من الشهر الجاري", datetime(2018, 2, 1)) == []


def test_lexicons_name_every_month_and_weekday() -> None:
    lx = _lexicon()
    assert set(lx.months.values()) == set(range(1, 13))
    assert set(lx.hijri_months[k][0] for k in lx.hijri_months) == set(range(1, 13))
    assert set(lx.weekdays.values()) == set(range(7))
    assert set(lx.ordinals.values()) == set(range(1, 32))


def test_empty_text_has_no_dates() -> None:
    assert find_dates("") == []
    assert parse_date("لا تاريخ هنا", datetime(2018, 1, 1)) is None
