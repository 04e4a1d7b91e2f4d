"""Smoke test of the first working extract_articles (the full suite lives beside it)."""

from marsad.extract.html import extract_articles

PAGE = """<html lang="ar"><head><meta charset="utf-8">
<title>لافروف يبحث الأزمة السورية - وكالة سانا</title>
<meta property="og:title" content="لافروف يبحث الأزمة السورية">
<meta property="og:site_name" content="وكالة سانا">
<meta property="article:published_time" content="2017-11-25T10:30:00+03:00">
<link rel="canonical" href="https://sana.sy/?p=12345"></head>
<body><article><h1>لافروف يبحث الأزمة السورية</h1><p>موسكو-سانا</p>
<p>بحث وزير الخارجية الروسي سيرغي لافروف مع نظيره الأمريكي في اتصال هاتفي اليوم الأزمة في سورية.</p>
<p>تابعوا آخر الأخبار عبر تطبيق تيلغرام</p></article></body></html>"""


def test_article_page_gives_title_text_date_place_and_agency():
    [article] = extract_articles(PAGE.encode())
    assert article.title == "لافروف يبحث الأزمة السورية"
    assert article.text.startswith("بحث وزير الخارجية الروسي")
    assert "تيلغرام" not in article.text
    assert article.published.isoformat() == "2017-11-25T10:30:00+03:00"
    assert (article.place, article.agency) == ("موسكو", "سانا")
    assert article.source.slug == "sana.sy"
    assert article.url == "https://sana.sy/?p=12345"
