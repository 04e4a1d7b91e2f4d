"""Generate marsad's Arabic test pages and their expected values.

    python tests/data/pages/make_pages.py          # rewrites *.html / *.bin and expected.json

Every page is built from our own stories (stories.py) inside templates that mimic real
layouts: SANA-like agency pages, RT-like pages (follow prompts, cookie notice, "المصدر"),
WordPress tag archives, blogs with comment forms, windows-1256 and ISO-8859-6 legacy sites
whose charset declarations lie, a site with mojibake baked in, wire copy with a byline,
live pages with banners, and pages with no article at all.

``render_family(name, story, index, pad_kb)`` is reused by bench/ingest_html.py to build
heavier pages (30–80 KB) around real article text.
"""

from __future__ import annotations

import html
import json
import random
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from stories import STORIES  # noqa: E402

MENU = ["الرئيسية", "سياسة", "اقتصاد", "محليات", "عربي ودولي", "رياضة", "ثقافة", "منوعات",
        "تكنولوجيا", "صحة", "فيديو", "صور", "مقالات", "اتصل بنا"]  # fmt: skip
PLACES = ["موسكو", "دمشق", "بيروت", "القاهرة", "أنقرة", "عمان", "بغداد", "واشنطن"]
MONTHS_LEVANT = ["كانون الثاني", "شباط", "آذار", "نيسان", "أيار", "حزيران", "تموز", "آب",
                 "أيلول", "تشرين الأول", "تشرين الثاني", "كانون الأول"]  # fmt: skip
MONTHS_EG = ["يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو", "يوليو", "أغسطس", "سبتمبر",
             "أكتوبر", "نوفمبر", "ديسمبر"]  # fmt: skip
COMMENTS = [
    "مقال رائع جدا وشكرا على هذه المعلومات المفيدة التي قدمتموها لنا اليوم بأسلوب واضح.",
    "أختلف مع الكاتب في بعض النقاط لكن الموضوع يستحق النقاش والمتابعة في المستقبل القريب.",
    "متى سيتم نشر الجزء الثاني من هذا الموضوع؟ ننتظر المزيد من التفاصيل بفارغ الصبر.",
]


def esc(text: str) -> str:
    return html.escape(text, quote=True)


def para(text: str) -> str:
    return f"<p>{esc(text)}</p>"


def padding(kb: int, seed: int) -> str:
    """Navigation, sidebar teasers, scripts and styles: the weight of real templates."""
    rng = random.Random(seed)
    parts: list[str] = []
    size = 0
    while size < kb * 1024:
        story = rng.choice(STORIES)
        chunk = (
            f'<li class="menu-item"><a href="/news/{rng.randint(1000, 99999)}">'
            f"{esc(story['title'])}</a></li>"
            f'<script>window.dataLayer=window.dataLayer||[];dataLayer.push({{"slot":'
            f'"{rng.randint(1, 10**9)}","sizes":[[300,250],[728,90]]}});</script>'
            f"<style>.w{rng.randint(1, 999)}{{margin:0 auto;padding:4px;color:#333}}</style>"
        )
        parts.append(chunk)
        size += len(chunk.encode())
    return f'<aside class="sidebar widget"><ul>{"".join(parts)}</ul></aside>'


def nav() -> str:
    items = "".join(f'<li><a href="/cat/{i}">{m}</a></li>' for i, m in enumerate(MENU))
    return f'<header><nav class="main-menu"><ul>{items}</ul></nav></header>'


def related(index: int) -> str:
    others = [STORIES[(index + k) % len(STORIES)]["title"] for k in (3, 5, 7)]
    links = "".join(f'<li><a href="/a/{k}">{esc(t)}</a></li>' for k, t in enumerate(others))
    return f'<div class="related-posts"><h3>أخبار ذات صلة</h3><ul>{links}</ul></div>'


def share() -> str:
    return (
        '<div class="share-buttons"><span>شارك</span><a href="#">فيسبوك</a>'
        '<a href="#">تويتر</a><a href="#">واتساب</a><a href="#">تيلغرام</a></div>'
    )


def page(head: str, body: str, lang: str = "ar", body_class: str = "single") -> str:
    return (
        f'<!DOCTYPE html><html lang="{lang}" dir="rtl"><head>{head}</head>'
        f'<body class="{body_class}">{body}</body></html>'
    )


def expected(story: dict, text_start: str, published: str | None, place, agency, author=None,
             title: str | None = None) -> dict:  # fmt: skip
    return {
        "title": title or story["title"],
        "text_start": text_start,
        "published": published,
        "place": place,
        "agency": agency,
        "author": author,
    }


# --------------------------------------------------------------------------- families


def sana(story: dict, i: int, pad_kb: int) -> dict:
    place = PLACES[i % len(PLACES)]
    dateline = [f"{place}-سانا", f"{place} - سانا", f"{place} سانا"][i % 3]
    day = 10 + i % 18
    first = story["paragraphs"][0]
    paras = story["paragraphs"][1:]
    body_paras = para(dateline) + para(first) if i % 2 else para(f"{dateline} {first}")
    body_paras += f"<p>اقرأ أيضا: <a href='/x'>{esc(STORIES[(i + 1) % 12]['title'])}</a></p>"
    body_paras += "".join(para(p) for p in paras)
    body_paras += para("تابعوا آخر الأخبار عبر تطبيق تيلغرام على الهواتف الذكية")
    head = (
        f'<meta charset="utf-8"><title>{esc(story["title"])} - سانا</title>'
        f'<meta property="og:title" content="{esc(story["title"])}">'
        '<meta property="og:site_name" content="الوكالة العربية السورية للأنباء">'
        f'<meta property="article:published_time" content="2017-11-{day}T1{i % 10}:05:00+02:00">'
        f'<link rel="canonical" href="https://sana.sy/?p={600000 + i}">'
    )
    body = (
        f"{nav()}<main><article class='post'><h1 class='entry-title'>{esc(story['title'])}</h1>"
        f"<div class='entry-content'>{body_paras}</div>{share()}</article>{related(i)}</main>"
        f"{padding(pad_kb, i)}<footer><p>جميع الحقوق محفوظة لسانا 2017</p></footer>"
    )
    return {
        "html": page(head, body),
        "url": f"https://sana.sy/?p={600000 + i}",
        "articles": [expected(story, first[:40], f"2017-11-{day}", place, "سانا")],
        "absent": ["اقرأ أيضا", "تيلغرام", "جميع الحقوق", STORIES[(i + 1) % 12]["title"]],
    }


def rt(story: dict, i: int, pad_kb: int) -> dict:
    first, *rest = story["paragraphs"]
    ending = [
        ("المصدر: وكالات", "وكالات"),
        ("المصدر: نوفوستي", "نوفوستي"),
        ("المصدر: تاس", "تاس"),
    ][i % 3]
    body_paras = "".join(para(p) for p in story["paragraphs"]) + para(ending[0])
    agency = ending[1]
    if i % 4 == 3:  # mid-text attribution, no source line
        body_paras = "".join(para(p) for p in story["paragraphs"])
        body_paras += para("ونقلت وكالة نوفوستي عن مصدر دبلوماسي أن الاتصالات ستستمر.")
        agency = "نوفوستي"
    month = 1 + i % 9
    ld = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": story["title"],
        "datePublished": f"2018-0{month}-2{i % 8}T08:1{i % 10}:00Z",
        "publisher": {"@type": "Organization", "name": "RT Arabic"},
    }
    head = (
        f'<meta charset="utf-8"><title>{esc(story["title"])} - RT Arabic</title>'
        f'<meta property="og:title" content="{esc(story["title"])} - RT Arabic">'
        '<meta property="og:site_name" content="RT Arabic">'
        f'<script type="application/ld+json">{json.dumps(ld, ensure_ascii=False)}</script>'
    )
    body = (
        f"{nav()}<div class='article'><h1>{esc(story['title'])}</h1>"
        f"<div class='article__text'>{body_paras}</div>"
        "<div class='follow'><p>تابعوا RT على تيلغرام</p></div>"
        f"{share()}</div>{related(i)}{padding(pad_kb, 100 + i)}"
        "<div class='cookie-notice'><p>هذا الموقع يستخدم ملفات تعريف الارتباط (الكوكيز) "
        "لتحسين تجربتكم. بمتابعة التصفح فإنكم توافقون على ذلك.</p><button>موافق</button></div>"
    )
    url = f"https://arabic.rt.com/world/9{i:05d}-{i}/"
    return {
        "html": page(head, body),
        "url": url,
        "articles": [expected(story, first[:40], f"2018-0{month}-2{i % 8}", None, agency)],
        "absent": ["تابعوا RT", "ملفات تعريف الارتباط", "المصدر:"],
    }


def archive(story: dict, i: int, pad_kb: int) -> dict:
    tag = ["لافروف", "سوريا", "الطاقة", "الاقتصاد", "الثقافة"][i % 5]
    count = 3 + i % 3
    items_html = []
    articles = []
    for k in range(count):
        s = STORIES[(i + k) % len(STORIES)]
        first = s["paragraphs"][0]
        day = 1 + (i * 5 + k) % 27
        url = f"/2018/03/{day:02d}/item-{i}-{k}/"
        kind = k % 3
        if kind == 0:
            date_html = f'<time class="entry-date" datetime="2018-03-{day:02d}T09:00:00+03:00">{day} مارس 2018</time>'
        elif kind == 1:
            date_html = ""  # the item's URL carries the date
        else:
            url = f"/news/item-{i}-{k}/"
            date_html = f'<span class="date">الأربعاء {day} {MONTHS_LEVANT[2]} 2018</span>'
        items_html.append(
            f"<article class='post type-post'><header class='entry-header'>"
            f"<h2 class='entry-title'><a href='{url}'>{esc(s['title'])}</a></h2>"
            f"<div class='entry-meta'>{date_html}</div></header>"
            f"<div class='entry-content'>{para('موسكو| ' + first)}{para(s['paragraphs'][1])}"
            "<p><a class='more-link' href='#'>اقرأ المزيد</a></p></div></article>"
        )
        articles.append(expected(s, first[:40], f"2018-03-{day:02d}", "موسكو", None))
    head = (
        f'<meta charset="utf-8"><title>{tag} | أرشيف الوسم | موقع الخبر اليوم</title>'
        '<meta property="og:site_name" content="الخبر اليوم">'
    )
    body = (
        f"{nav()}<main><h1 class='page-title'>أرشيف الوسم : {tag}</h1>{''.join(items_html)}"
        f"<nav class='pagination'><a href='?page=2'>التالي</a></nav></main>{padding(pad_kb, 200 + i)}"
    )
    return {
        "html": page(head, body, body_class=f"archive tag tag-{i}"),
        "url": f"https://alkhabar-alyawm.example/tag/{i}/",
        "articles": articles,
        "absent": ["اقرأ المزيد", "موسكو|"],
    }


def blog(story: dict, i: int, pad_kb: int) -> dict:
    author = ["سامر الحلبي", "ريم خوري", "أحمد منصور", "ليلى حداد", "خالد العمر"][i % 5]
    comments = "".join(
        f"<li class='comment'><div class='comment-author'>زائر {k}</div><p>{esc(c)}</p></li>"
        for k, c in enumerate(COMMENTS)
    )
    head = (
        f'<meta charset="utf-8"><title>{esc(story["title"])} &#8211; مدونة الرأي</title>'
        f'<meta name="author" content="{author}">'
        f'<meta property="og:title" content="{esc(story["title"])}">'
        '<meta property="og:site_name" content="مدونة الرأي">'
    )
    body = (
        f"{nav()}<div id='content'><article class='post'><h1 class='entry-title'>"
        f"{esc(story['title'])}</h1><div class='entry-meta'>بقلم <a rel='author' href='#'>{author}</a> "
        f"<time class='entry-date published' datetime='2016-0{1 + i % 9}-1{i % 10}T20:00:00+03:00'>"
        "</time></div>"
        f"<div class='entry-content'>{''.join(para(p) for p in story['paragraphs'])}</div>"
        "</article><div id='comments' class='comments-area'><h2 class='comments-title'>3 تعليقات</h2>"
        f"<ol class='comment-list'>{comments}</ol><div id='respond'><h3>اترك تعليقاً</h3>"
        "<form><p class='comment-notes'>لن يتم نشر عنوان بريدك الإلكتروني. الحقول الإلزامية "
        "مشار إليها بـ *</p><textarea></textarea><input type='submit' value='إرسال التعليق'>"
        f"</form></div></div></div>{padding(pad_kb, 300 + i)}"
    )
    return {
        "html": page(head, body),
        "url": f"https://blog-alraey.example/{2016}/0{1 + i % 9}/post-{i}/",
        "articles": [
            expected(
                story,
                story["paragraphs"][0][:40],
                f"2016-0{1 + i % 9}-1{i % 10}",
                None,
                None,
                author,
            )  # fmt: skip
        ],
        "absent": ["اترك تعليقاً", "لن يتم نشر", COMMENTS[0][:30]],
    }


def legacy(story: dict, i: int, pad_kb: int, codec: str = "cp1256") -> dict:
    place = ["بيروت", "القاهرة", "عمان", "بغداد", "الرياض"][i % 5]
    lie = ["iso-8859-1", "utf-8", "windows-1252"][i % 3] if codec == "cp1256" else "windows-1256"
    day = 1 + i % 27
    month = MONTHS_LEVANT[i % 12]
    first, *rest = story["paragraphs"]
    head = (
        f'<meta http-equiv="Content-Type" content="text/html; charset={lie}">'
        f"<title>جريدة الأفق :: {esc(story['title'])}</title>"
    )
    rows = "".join(f"<tr><td class='text'>{esc(p)}<br><br></td></tr>" for p in rest)
    body = (
        "<table width='100%'><tr><td class='menu'>"
        + " | ".join(f"<a href='/s{k}.htm'>{m}</a>" for k, m in enumerate(MENU))
        + "</td></tr></table><table class='main' width='780'>"
        f"<tr><td><font size='5'><b>{esc(story['title'])}</b></font></td></tr>"
        f"<tr><td><span class='date'>الأربعاء {day} {month} 2015</span></td></tr>"
        f"<tr><td class='text'>{esc(place)} - {esc(first)}<br><br></td></tr>{rows}</table>"
        f"{padding(max(pad_kb // 2, 1), 400 + i)}"
    )
    month_no = MONTHS_LEVANT.index(month) + 1
    return {
        "bytes": page(head, body).encode(codec, errors="strict"),
        "url": f"http://alofok-news.example/news.php?id={1000 + i}",
        "declared_encoding": lie,
        "articles": [expected(story, first[:40], f"2015-{month_no:02d}-{day:02d}", place, None)],
        "absent": ["اتصل بنا"],
    }


def mojibake(story: dict, i: int, pad_kb: int) -> dict:
    def bake(text: str) -> str:
        return text.encode("cp1256").decode("latin-1")

    first, *rest = story["paragraphs"]
    head = (
        '<meta charset="utf-8">'
        f"<title>{esc(bake(story['title']))}</title>"
        f'<meta name="date" content="2014-0{1 + i % 9}-0{1 + i % 9}">'
    )
    body = (
        f"{nav()}<div class='story'><h1>{esc(bake(story['title']))}</h1>"
        + "".join(para(bake(p)) for p in story["paragraphs"])
        + f"</div>{padding(pad_kb, 500 + i)}"
    )
    return {
        "html": page(head, body),
        "url": f"http://old-arabic-portal.example/article{i}.html",
        "articles": [expected(story, first[:40], f"2014-0{1 + i % 9}-0{1 + i % 9}", None, None)],
        "absent": ["Ç", "á"],
    }


def wire(story: dict, i: int, pad_kb: int) -> dict:
    place = ["القاهرة", "واشنطن", "لندن", "دبي"][i % 4]
    agency, written = [("رويترز", "رويترز"), ("فرانس برس", "أ ف ب"), ("الأناضول", "الأناضول"),
                       ("د ب أ", "د ب أ")][i % 4]  # fmt: skip
    author = ["إعداد محمد علي", "تحرير سارة يوسف", "نادر ربيع", "هبة الله فؤاد"][i % 4]
    first, *rest = story["paragraphs"]
    head = (
        f'<meta charset="utf-8"><title>{esc(story["title"])} | أخبار العالم</title>'
        f'<meta name="author" content="{author}">'
    )
    body = (
        f"{nav()}<div class='story-body'><h1>{esc(story['title'])}</h1>"
        f"<p class='byline'>{author}</p>"
        f"{para(f'{place} ({written}) - {first}')}"
        + "".join(para(p) for p in rest)
        + f"<p class='tags'>الوسوم: اقتصاد، سياسة</p></div>{padding(pad_kb, 600 + i)}"
    )
    day = 10 + i % 18
    return {
        "html": page(head, body),
        "url": f"https://akhbar-alalam.example/2018/05/{day}/story-{i}.html",
        "articles": [expected(story, first[:40], f"2018-05-{day}", place, agency, author)],
        "absent": ["الوسوم"],
    }


def live(story: dict, i: int, pad_kb: int) -> dict:
    first, *rest = story["paragraphs"]
    head = f'<meta charset="utf-8"><title>{esc(story["title"])} - شبكة الأخبار</title>'
    body = (
        f"{nav()}<div class='breaking'><span>عاجل</span><a href='/live'>مباشر</a></div>"
        f"<div class='content'><h1>{esc(story['title'])}</h1>"
        f"{para('مباشر')}{para(f'برلين (د ب أ) - {first}')}"
        + "".join(para(p) for p in rest)
        + para("تابعونا عبر تطبيق واتس أب لتصلكم آخر الأخبار العاجلة")
        + f"</div>{padding(pad_kb, 700 + i)}"
    )
    return {
        "html": page(head, body),
        "url": f"https://shabaka-news.example/news/{i}",
        "articles": [expected(story, first[:40], None, "برلين", "د ب أ")],
        "absent": ["واتس أب", "مباشر\n", "عاجل"],
    }


def no_article(story: dict, i: int, pad_kb: int) -> dict:
    head = '<meta charset="utf-8"><title>الصفحة الرئيسية - شبكة الأخبار</title>'
    body = nav() + ("" if i % 2 else padding(pad_kb, 800 + i))
    return {"html": page(head, body), "url": "https://shabaka-news.example/", "articles": [],
            "absent": []}  # fmt: skip


FAMILIES = {
    "sana": (sana, 6),
    "rt": (rt, 6),
    "archive": (archive, 5),
    "blog": (blog, 5),
    "legacy1256": (legacy, 5),
    "legacy88596": (lambda s, i, k: legacy(s, i, k, "iso-8859-6"), 2),
    "mojibake": (mojibake, 4),
    "wire": (wire, 4),
    "live": (live, 3),
    "noarticle": (no_article, 2),
}


def render_family(name: str, story: dict, index: int, pad_kb: int = 6) -> dict:
    """One page of a family: {"html" or "bytes", "url", "articles", "absent", ...}."""
    return FAMILIES[name][0](story, index, pad_kb)


def write_page(directory: Path, stem: str, family: str, rendered: dict) -> dict:
    """Write one rendered page (.bin for raw bytes, else .html) and return its manifest entry."""
    if "bytes" in rendered:
        filename = f"{stem}.bin"
        (directory / filename).write_bytes(rendered["bytes"])
    else:
        filename = f"{stem}.html"
        (directory / filename).write_text(rendered["html"], encoding="utf-8")
    return {
        "file": filename,
        "family": family,
        "url": rendered["url"],
        "declared_encoding": rendered.get("declared_encoding"),
        "articles": rendered["articles"],
        "absent": rendered["absent"],
    }


def main() -> None:
    for old in HERE.glob("*.html"):
        old.unlink()
    for old in HERE.glob("*.bin"):
        old.unlink()
    manifest = []
    for name, (_, count) in FAMILIES.items():
        for i in range(count):
            story = STORIES[(i * 5 + len(name)) % len(STORIES)]
            rendered = render_family(name, story, i)
            manifest.append(write_page(HERE, f"{name}-{i:02d}", name, rendered))
    (HERE / "expected.json").write_text(
        json.dumps({"pages": manifest}, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    print(f"{len(manifest)} pages written to {HERE}")


if __name__ == "__main__":
    main()
