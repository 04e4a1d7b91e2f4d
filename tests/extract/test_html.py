"""Page metadata: title, source, canonical URL, author and the date priority of SPEC §5."""

from datetime import UTC, datetime

from marsad.extract.html import clean_title, date_from_url, extract_articles, source_from
from marsad.models import Source

BODY = (
    "<p>بحث وزير الخارجية الروسي سيرغي لافروف مع نظيره الأمريكي في اتصال هاتفي الأزمة في سورية.</p>"
    "<p>وأكد الجانبان أهمية مواصلة العمل في إطار مسار أستانا ومحادثات جنيف.</p>"
)


def page(head: str = "", body: str = BODY) -> bytes:
    return f"<html><head><meta charset='utf-8'>{head}</head><body><article>{body}</article></body></html>".encode()


def test_og_title_wins_and_loses_the_site_suffix():
    head = (
        "<title>عنوان الصفحة - سانا</title><meta property='og:site_name' content='سانا'>"
        "<meta property='og:title' content='لافروف يبحث الأزمة السورية - سانا'>"
    )
    [article] = extract_articles(page(head))
    assert article.title == "لافروف يبحث الأزمة السورية"


def test_h1_then_title_are_used_when_there_is_no_og_title():
    [article] = extract_articles(page("<title>موقع :: الخبر الأهم اليوم في المنطقة</title>"))
    assert article.title == "الخبر الأهم اليوم في المنطقة"
    [article] = extract_articles(page("<title>x</title>", "<h1>عنوان من الرأس</h1>" + BODY))
    assert article.title == "عنوان من الرأس"


def test_clean_title_keeps_titles_without_separators():
    assert clean_title("لافروف: الحل سياسي", None) == "لافروف: الحل سياسي"
    assert clean_title("الخبر | RT Arabic", "RT Arabic") == "الخبر"


def test_source_is_derived_from_the_url_host_and_site_name():
    head = "<meta property='og:site_name' content='الوكالة العربية السورية للأنباء'>"
    [article] = extract_articles(page(head), url="https://www.sana.sy/?p=1")
    assert article.source == Source(
        slug="sana.sy", name="الوكالة العربية السورية للأنباء", url="https://www.sana.sy"
    )
    assert source_from(None).slug == "unknown"


def test_a_given_source_is_kept():
    source = Source(slug="rt", name="RT Arabic")
    [article] = extract_articles(page(), url="https://arabic.rt.com/x", source=source)
    assert article.source is source


def test_canonical_url_replaces_the_fetched_one():
    head = "<link rel='canonical' href='/news/42'>"
    [article] = extract_articles(page(head), url="https://example.com/news/42?utm=x")
    assert article.url == "https://example.com/news/42"


def test_metadata_date_beats_the_url_date_and_the_text():
    head = "<meta property='article:published_time' content='2017-11-25T10:30:00+03:00'>"
    body = "<p class='date'>الأربعاء 1 شباط 2017</p>" + BODY
    [article] = extract_articles(page(head, body), url="https://x.example/2016/01/02/a")
    assert article.published.isoformat() == "2017-11-25T10:30:00+03:00"


def test_json_ld_date_and_author_are_read():
    head = (
        '<script type="application/ld+json">{"@type": "NewsArticle", "datePublished": '
        '"2018-03-04T05:06:07Z", "author": {"@type": "Person", "name": "ريم خوري"}}</script>'
    )
    [article] = extract_articles(page(head))
    assert article.published == datetime(2018, 3, 4, 5, 6, 7, tzinfo=UTC)
    assert article.author == "ريم خوري"


def test_url_date_beats_the_text_date():
    body = "<p class='date'>الأربعاء 1 شباط 2017</p>" + BODY
    [article] = extract_articles(page("", body), url="https://x.example/2016/01/02/a")
    assert article.published == datetime(2016, 1, 2, tzinfo=UTC)


def test_text_date_is_used_when_nothing_else_has_one():
    body = "<span class='date'>الأربعاء 25 شباط 2015</span>" + BODY
    [article] = extract_articles(page("", body), url="https://x.example/news.php?id=3")
    assert article.published == datetime(2015, 2, 25, tzinfo=UTC)


def test_no_date_anywhere_stays_unknown():
    [article] = extract_articles(page(), url="https://x.example/news.php?id=3")
    assert article.published is None


def test_date_from_url_forms():
    assert date_from_url("https://a.example/2018/05/25/x.html") == datetime(2018, 5, 25, tzinfo=UTC)
    assert date_from_url("https://a.example/news/20180525-x") == datetime(2018, 5, 25, tzinfo=UTC)
    assert date_from_url("https://a.example/news/2018/13/45/x") is None
    assert date_from_url("https://a.example/p/123456") is None


def test_single_article_with_related_teasers_is_not_split():
    teasers = "".join(
        f"<article><h3><a href='/r{k}'>خبر مرتبط رقم {k}</a></h3><p>مقتطف قصير</p></article>"
        for k in range(4)
    )
    html = page("<title>خبر</title>", BODY + "</article><aside>" + teasers + "</aside><article>")
    assert len(extract_articles(html)) == 1


def test_unmarked_listing_of_full_articles_is_split():
    long_body = BODY * 2
    items = "".join(
        f"<article><h2><a href='/n/{k}'>العنوان رقم {k}</a></h2>{long_body}</article>"
        for k in range(3)
    )
    html = f"<html><head><title>أخبار</title></head><body>{items}</body></html>".encode()
    articles = extract_articles(html, url="https://x.example/")
    assert [a.url for a in articles] == [f"https://x.example/n/{k}" for k in range(3)]


def test_marked_archive_of_div_items_is_split():
    items = "".join(
        f"<div class='post'><h2><a href='/p/{k}'>عنوان الخبر {k}</a></h2>"
        f"<p>موسكو| قال لافروف في تصريح جديد رقم {k} إن المحادثات مستمرة مع الجانب الأمريكي.</p></div>"
        for k in range(3)
    )
    html = (
        "<html><head><title>أرشيف الوسم : لافروف</title></head>"
        f"<body><h1>أرشيف الوسم : لافروف</h1>{items}</body></html>"
    ).encode()
    articles = extract_articles(html, url="https://x.example/tag/lavrov")
    assert [a.title for a in articles] == [f"عنوان الخبر {k}" for k in range(3)]
    assert all(a.place == "موسكو" and a.text.startswith("قال لافروف") for a in articles)
    assert all(a.published is None for a in articles)


def test_a_date_opening_the_text_dates_the_article_but_a_later_event_date_does_not():
    opening = "<p>الأحد 25 شباط 2018 - أعلنت وزارة الصحة اليوم حملة جديدة للتلقيح في المدارس.</p>"
    [article] = extract_articles(page("", opening + BODY), url="https://x.example/n?id=1")
    assert article.published == datetime(2018, 2, 25, tzinfo=UTC)
    event = (
        "<p>أعلنت وزارة الصحة اليوم أن حملة التلقيح الجديدة ستبدأ في المدارس يوم 25 شباط 2018 "
        "وتستمر أسبوعين.</p>"
    )
    [article] = extract_articles(page("", event + BODY), url="https://x.example/n?id=1")
    assert article.published is None


def test_bidi_marks_do_not_reach_titles_or_text():
    head = "<meta property='og:title' content='\u200f\u202bلافروف يبحث الأزمة السورية'>"
    [article] = extract_articles(page(head, "<h1>\u200fلافروف يبحث الأزمة السورية</h1>" + BODY))
    assert article.title == "لافروف يبحث الأزمة السورية"
    assert article.text.startswith("بحث وزير الخارجية")


def test_a_headline_that_mentions_an_archive_does_not_make_a_listing():
    teasers = "".join(
        f"<article><h3><a href='/r{k}'>خبر مرتبط رقم {k}</a></h3>"
        "<p>مقتطف من خبر مرتبط يتحدث عن تطورات الأوضاع في المنطقة خلال الأيام الماضية.</p></article>"
        for k in range(3)
    )
    html = page(
        "<title>أرشيف الدولة يكشف وثائق جديدة - موقع</title>",
        "<h1>أرشيف الدولة يكشف وثائق جديدة</h1>" + BODY + "</article>" + teasers + "<article>",
    )
    [article] = extract_articles(html)
    assert article.title == "أرشيف الدولة يكشف وثائق جديدة"


def test_search_results_page_is_a_listing():
    items = "".join(
        f"<article><h2><a href='/n/{k}'>العنوان رقم {k}</a></h2>{BODY}</article>" for k in range(2)
    )
    html = (
        "<html><head><title>نتائج البحث عن لافروف</title></head>"
        f"<body><main>{items}</main></body></html>"
    ).encode()
    assert len(extract_articles(html)) == 2


def test_htmldate_is_the_last_resort_for_markup_only_it_reads():
    body = "<abbr class='published' title='2018-03-04T10:00:00'>قبل ساعات</abbr>" + BODY
    [article] = extract_articles(page("", body), url="https://x.example/n?id=1")
    assert article.published is not None
    assert article.published.date().isoformat() == "2018-03-04"
