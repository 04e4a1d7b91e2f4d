"""Page text saved from a browser: the title is found among menu, badge, date, share and
dateline lines with the HTML extractor's lexicons (marsad.sources.text_page). The pages
are shaped like the ones issue #17 saw: a dateline line (موسكو-سانا) or a live badge
(مباشر) on the first line came out as the article's title."""

from __future__ import annotations

from pathlib import Path

from marsad.models import Article
from marsad.pipeline import clean_article
from marsad.sources.files import articles_from_file

BODY = (
    "بحث وزير الخارجية الروسي سيرغي لافروف مع نظيره السوري وليد المعلم الوضع في سوريا.\n"
    "وقال لافروف إن موسكو تدعم الحل السياسي للأزمة."
)


def read(tmp_path: Path, text: str) -> list[Article]:
    path = tmp_path / "page.txt"
    path.write_text(text, encoding="utf-8")
    return [clean_article(a) for a in articles_from_file(path)]


def test_menu_badge_date_share_and_dateline_lines_are_not_the_title(tmp_path):
    [article] = read(
        tmp_path,
        "الرئيسية | سياسة | اقتصاد | رياضة\n"
        "الرئيسية > أخبار > سياسة\n"
        "مباشر\n"
        "لافروف يبحث مع المعلم الوضع في سوريا\n"
        "الأربعاء 25 شباط 2015\n"
        "شارك\n"
        "فيسبوك تويتر واتساب\n"
        "موسكو-سانا\n"
        f"{BODY}\n"
        "اقرأ أيضا\n"
        "كيري يصل إلى جنيف\n"
        "تابعونا على تلغرام\n",
    )
    assert article.title == "لافروف يبحث مع المعلم الوضع في سوريا"
    assert (article.place, article.agency) == ("موسكو", "سانا")
    assert article.published is not None and article.published.date().isoformat() == "2015-02-25"
    assert article.text == BODY  # no menu, share row, teaser or follow prompt left


def test_a_dateline_on_the_first_line_opens_the_text_and_the_title_is_the_first_sentence(
    tmp_path,
):
    [article] = read(tmp_path, f"موسكو-سانا\n{BODY}\n")
    assert article.title == (
        "بحث وزير الخارجية الروسي سيرغي لافروف مع نظيره السوري وليد المعلم الوضع في سوريا."
    )
    assert (article.place, article.agency) == ("موسكو", "سانا")
    assert article.text == BODY


def test_a_badge_before_the_title_on_its_line_is_cut(tmp_path):
    for badge in ("عاجل | ", "مباشر: ", "فيديو - "):
        [article] = read(tmp_path, f"{badge}لافروف يصل إلى دمشق\nدمشق - سانا\n{BODY}\n")
        assert article.title == "لافروف يصل إلى دمشق", badge
        assert (article.place, article.agency) == ("دمشق", "سانا")


def test_a_title_that_only_starts_like_a_badge_is_kept_whole(tmp_path):
    [article] = read(tmp_path, f"تقرير: روسيا تزيد صادرات القمح\n{BODY}\n")
    assert article.title == "روسيا تزيد صادرات القمح"  # "تقرير:" is a label
    [article] = read(tmp_path, f"خاصية جديدة في تطبيق واتساب\n{BODY}\n")
    assert article.title == "خاصية جديدة في تطبيق واتساب"
    [article] = read(tmp_path, f"مباشرة بعد الاجتماع: لافروف يغادر\n{BODY}\n")
    assert article.title == "مباشرة بعد الاجتماع: لافروف يغادر"


def test_a_plain_text_file_keeps_its_first_line_as_title(tmp_path):
    [article] = read(tmp_path, f"لافروف في دمشق\n{BODY}\n")
    assert article.title == "لافروف في دمشق" and article.text == BODY


def test_a_tag_archive_after_a_menu_is_still_split(tmp_path):
    articles = read(
        tmp_path,
        "الرئيسية\nسياسة\nأرشيف الوسم : لافروف\n"
        "لافروف يلتقي المعلم في موسكو\nموسكو|\n"
        "التقى وزير الخارجية الروسي سيرغي لافروف نظيره السوري وليد المعلم اليوم.\n"
        "كيري ولافروف يبحثان الهدنة\nجنيف سانا\n"
        "بحث وزير الخارجية الأمريكي جون كيري مع لافروف الهدنة في سوريا.\n",
    )
    assert [a.title for a in articles] == [
        "لافروف يلتقي المعلم في موسكو",
        "كيري ولافروف يبحثان الهدنة",
    ]


def test_the_html_extractor_cuts_the_same_badge_from_a_page_title():
    from marsad.extract.html import extract_articles

    page = (
        "<html><head><title>عاجل | لافروف يصل إلى دمشق</title></head><body><article>"
        f"<p>{BODY.replace(chr(10), '</p><p>')}</p></article></body></html>"
    )
    [article] = extract_articles(page)
    assert article.title == "لافروف يصل إلى دمشق"
