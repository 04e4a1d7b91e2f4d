"""The byte-level Arabic check that lets `marsad spark-ingest --arabic-only` leave out the
non-Arabic pages of a CC-NEWS WARC before parsing them."""

from __future__ import annotations

from marsad.extract.language import PageFilter, looks_arabic
from marsad_testing import DATA

PERSIAN = (
    "وزیر امور خارجه ایران روز یکشنبه در دیدار با همتای روسی خود درباره پرونده هسته‌ای "
    "گفتگو کرد و گفت که کشورش به مذاکرات ادامه می‌دهد. سخنگوی وزارت خارجه نیز اعلام کرد "
    "که نشست بعدی هفته آینده در ژنو برگزار خواهد شد و چند کشور دیگر هم شرکت می‌کنند. "
)
ENGLISH = (
    "The Russian foreign minister met his American counterpart in Geneva on Sunday to "
    "discuss the political process. "
)


def _page(body: str, encoding: str = "utf-8", head: str = '<meta charset="utf-8">') -> bytes:
    return f"<html><head>{head}<title>t</title></head><body><p>{body}</p></body></html>".encode(
        encoding
    )


def test_arabic_news_pages_are_kept_whatever_their_encoding():
    pages = sorted((DATA / "pages").glob("*-0[0-4].*"))
    articles = [p for p in pages if not p.name.startswith("noarticle")]
    assert len(articles) >= 20
    assert all(looks_arabic(p.read_bytes()) for p in articles)
    # windows-1256 behind a wrong Latin declaration (the test page is built to mislead)
    legacy = (DATA / "pages" / "legacy1256-00.bin").read_bytes()
    assert b"iso-8859-1" in legacy[:600].lower() and looks_arabic(legacy)


def test_english_persian_and_german_pages_are_left_out():
    menu = '<a href="/ar">العربية</a> <a href="/fa">فارسی</a>'  # a language menu
    assert not looks_arabic(_page(menu + ENGLISH * 40))
    assert not looks_arabic(_page(PERSIAN * 5))  # the same script, another language
    german = "Der Außenminister traf am Sonntag seinen Amtskollegen in Genf; die Gespräche über "
    german += "die Lösung würden fortgesetzt, hieß es, für Österreich äußerte sich niemand. "
    assert not looks_arabic(_page(german * 30, "latin-1", '<meta charset="iso-8859-1">'))


def test_a_short_arabic_snippet_is_not_an_arabic_page_but_a_declared_legacy_one_is():
    lavrov = "أكد وزير الخارجية الروسي سيرغي لافروف أن بلاده ستواصل دعم الحل السياسي في سوريا. "
    assert not looks_arabic(_page(lavrov))  # about 60 letters: under the threshold
    assert looks_arabic(_page(lavrov * 5))
    assert looks_arabic(_page(lavrov, "cp1256", ""), declared_encoding="windows-1256")


def test_page_filter_counts_what_it_leaves_out():
    keep = PageFilter()
    assert [keep(_page(b), None) for b in (ENGLISH * 40, PERSIAN * 5)] == [False, False]
    assert keep((DATA / "pages" / "live-00.html").read_bytes(), "utf-8")
    assert keep.dropped == 2
