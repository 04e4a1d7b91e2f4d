"""Charset detection that trusts bytes over declarations, and mojibake repair (SPEC §2)."""

import pytest

from marsad.extract.encoding import decode_bytes, repair_mojibake
from marsad.extract.html import extract_articles

TEXT = "قال الرئيس السوري في دمشق إن المحادثات مع الوفد الروسي كانت مثمرة وبناءة"


def page(charset: str) -> str:
    return (
        f'<html><head><meta http-equiv="Content-Type" content="text/html; charset={charset}">'
        f"<title>خبر</title></head><body><p>{TEXT}</p></body></html>"
    )


@pytest.mark.parametrize("lie", ["utf-8", "iso-8859-1", "windows-1252", "iso-8859-6"])
def test_cp1256_bytes_decode_whatever_the_meta_charset_claims(lie):
    data = page(lie).encode("cp1256")
    assert TEXT in decode_bytes(data)
    assert TEXT in decode_bytes(data, declared=lie)


@pytest.mark.parametrize("lie", ["windows-1256", "iso-8859-1", "utf-8"])
def test_iso_8859_6_bytes_decode_whatever_the_declarations_claim(lie):
    data = page(lie).encode("iso-8859-6")
    assert TEXT in decode_bytes(data, declared=lie)


def test_utf8_wins_over_a_header_that_says_cp1256():
    assert TEXT in decode_bytes(page("windows-1256").encode("utf-8"), declared="windows-1256")


def test_mojibake_of_cp1256_shown_as_latin1_is_repaired():
    assert repair_mojibake("ÇáÑÆíÓ") == "الرئيس"
    baked = TEXT.encode("cp1256").decode("latin-1")
    assert repair_mojibake(baked) == TEXT


def test_mojibake_of_utf8_shown_as_latin1_or_cp1256_is_repaired():
    assert repair_mojibake(TEXT.encode("utf-8").decode("latin-1")) == TEXT
    assert repair_mojibake(TEXT.encode("utf-8").decode("cp1256")) == TEXT


def test_genuine_accents_and_arabic_are_left_alone():
    mixed = "شركة Société Générale الفرنسية — café"
    assert repair_mojibake(mixed) == mixed
    assert repair_mojibake(TEXT) == TEXT
    assert repair_mojibake("طالب عربي في ظل الطقس") == "طالب عربي في ظل الطقس"


def test_extracted_article_from_mojibake_page_is_arabic():
    baked = TEXT.encode("cp1256").decode("latin-1")
    html = f"<html><head><meta charset='utf-8'></head><body><h1>{baked[:20]}</h1><p>{baked}</p></body></html>"
    [article] = extract_articles(html.encode("utf-8"))
    assert article.text == TEXT
    assert "Ç" not in article.title


def test_latin_page_is_not_forced_into_an_arabic_code_page():
    data = "<meta charset='windows-1252'><p>Société Générale à Paris, été</p>".encode("cp1252")
    assert "Société Générale à Paris" in decode_bytes(data)


def test_utf8_bom_is_honoured():
    assert decode_bytes(b"\xef\xbb\xbf" + TEXT.encode()) == TEXT


def test_utf8_page_cut_in_the_middle_of_a_letter_stays_utf8():
    data = page("utf-8").encode("utf-8")
    cut = data[: data.index(TEXT.encode()) + 10]  # half of the 5th letter (ل)
    assert decode_bytes(cut).endswith(TEXT[:5])
