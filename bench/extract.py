"""Per-field accuracy of marsad's extract_articles vs raw trafilatura on the test pages.

    PYTHONPATH=src python bench/extract.py [--pages tests/data/pages] [--verbose]

Pages and expected values come from tests/data/pages (make_pages.py). Fields:
  count    the page yields the expected number of articles (tag archives: several; none: 0)
  title    exact headline (site name removed)
  body     the expected body start appears within the text's first 120 extra characters
           (a headline or dateline before it is tolerated)
  clean    no boilerplate phrase of the page leaked into the text
  date     publication date (calendar day in the value's own zone; unknown must stay None)
  place    dateline place;  agency   agency (dateline, source line or mid-text attribution)
  author   byline
Trafilatura runs with ``bare_extraction(with_metadata=True)`` (its own title, date, author)
on the same bytes decoded the way a caller would without marsad (charset-normalizer via
trafilatura); it has no notion of place/agency or of multi-article pages.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import re
import sys
import tempfile
from collections import Counter, defaultdict
from pathlib import Path

import trafilatura

from marsad.extract.html import extract_articles

FIELDS = ("count", "title", "body", "clean", "date", "place", "agency", "author")


_BIDI = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]")


def _norm(text: str | None) -> str:
    return " ".join(_BIDI.sub("", text or "").split())


def score_article(got: dict | None, want: dict, absent: list[str]) -> dict[str, bool | None]:
    """Field → correct? for one expected article (None: the extractor has no such field)."""
    if got is None:
        return {f: False for f in FIELDS if f != "count"}
    text = _norm(got.get("text"))
    published = got.get("published")
    day = published.date().isoformat() if published is not None else None
    out: dict[str, bool | None] = {
        "title": _norm(got.get("title")) == _norm(want["title"]),
        "body": _norm(want["text_start"]) in text[: len(want["text_start"]) + 120],
        "clean": not any(phrase in text for phrase in absent),
        "date": day == want["published"],
        "author": _norm(got.get("author")) == _norm(want.get("author")),
    }
    for field in ("place", "agency"):
        out[field] = (got.get(field) == want[field]) if field in got else None
    return out


def ours(path: Path, page: dict) -> list[dict]:
    articles = extract_articles(
        path.read_bytes(), url=page["url"], declared_encoding=page["declared_encoding"]
    )
    return [
        {
            "title": a.title,
            "text": a.text,
            "published": a.published,
            "place": a.place,
            "agency": a.agency,
            "author": a.author,
        }
        for a in articles
    ]


def raw_trafilatura(path: Path, page: dict) -> list[dict]:
    from marsad.extract.html import parse_iso

    doc = trafilatura.bare_extraction(
        path.read_bytes(), url=page["url"], with_metadata=True, include_comments=False
    )
    if doc is None:
        return []
    data = doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)
    if not _norm(data.get("text")):
        return []
    return [
        {
            "title": data.get("title"),
            "text": data.get("text"),
            "published": parse_iso(data.get("date")),
            "author": data.get("author"),
        }
    ]


raw_trafilatura.fields = ("count", "title", "body", "clean", "date", "author")  # type: ignore[attr-defined]


def evaluate(pages_dir: Path, extractor, verbose: bool = False) -> dict[str, list[int]]:
    manifest = json.loads((pages_dir / "expected.json").read_text(encoding="utf-8"))["pages"]
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for page in manifest:
        got = extractor(pages_dir / page["file"], page)
        wanted = page["articles"]
        ok = len(got) == len(wanted)
        totals["count"][0] += ok
        totals["count"][1] += 1
        if verbose and not ok:
            print(f"  {page['file']}: count {len(got)} != {len(wanted)}")
        for k, want in enumerate(wanted):
            scores = score_article(got[k] if k < len(got) else None, want, page["absent"])
            for field, correct in scores.items():
                if correct is None or field not in getattr(extractor, "fields", FIELDS):
                    continue
                totals[field][0] += bool(correct)
                totals[field][1] += 1
                if verbose and not correct:
                    value = (
                        (got[k].get(field) if k < len(got) else None) if field != "clean" else ""
                    )
                    if field == "body" and k < len(got):
                        value = _norm(got[k]["text"])[:60]
                    print(f"  {page['file']}[{k}] {field}: got {value!r} want {want.get(field)!r}")
    return totals


def write_ant_pages(directory: Path, count: int) -> None:
    """Render ``count`` pages of every family around real ANT articles (held-out text)."""
    root = Path(__file__).resolve().parent.parent
    sys.path.insert(0, str(root / "tests" / "data" / "pages"))
    sys.path.insert(0, str(root / "bench"))
    from make_pages import FAMILIES, render_family, write_page

    from ingest_html import load_stories

    stories, origin = load_stories(None, 5000)
    if "ANT" not in origin:
        raise SystemExit(f"--ant needs the shared data: {origin}")
    rng = random.Random(11)
    stories = rng.sample(stories, len(stories))
    manifest = []
    for k in range(count):
        name = list(FAMILIES)[k % len(FAMILIES)]
        story = stories[k]
        if name.startswith("legacy"):  # keep texts the legacy code pages can encode
            story = {
                "title": story["title"].encode("iso-8859-6", "ignore").decode("iso-8859-6"),
                "paragraphs": [
                    p.encode("iso-8859-6", "ignore").decode("iso-8859-6")
                    for p in story["paragraphs"]
                ],
            }
        rendered = render_family(name, story, k, pad_kb=rng.randint(10, 40))
        manifest.append(write_page(directory, f"{name}-{k:04d}", name, rendered))
    (directory / "expected.json").write_text(
        json.dumps({"pages": manifest}, ensure_ascii=False), encoding="utf-8"
    )


def survey_datelines(sample: int = 20) -> None:
    """split_dateline over every ANT article text: how often each outcome, and a random
    sample of detections with context, for a person to check."""
    root = Path(__file__).resolve().parent.parent
    sys.path.insert(0, str(root / "bench"))
    from ingest_html import shared_data
    from marsad.extract.dateline import split_dateline

    corpus = shared_data() / "news" / "ant-multisource-v2.1.jsonl.gz"
    if not corpus.exists():
        raise SystemExit(f"--datelines needs {corpus}")
    total, places, agencies, kept = 0, Counter(), Counter(), []
    with gzip.open(corpus, "rt", encoding="utf-8") as handle:
        for line in handle:
            text = json.loads(line)["text"].strip()
            total += 1
            place, agency, rest = split_dateline(text)
            if place:
                places[place] += 1
            if agency:
                agencies[agency] += 1
            if place or agency:
                kept.append((place, agency, text[:90].replace("\n", " / ")))
    print(f"{total} ANT texts; a place in {sum(places.values())}, an agency in "
          f"{sum(agencies.values())}")  # fmt: skip
    print("places:", places.most_common(8))
    print("agencies:", agencies.most_common(12))
    for row in random.Random(5).sample(kept, min(sample, len(kept))):
        print("  ", row)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=Path, default=Path("tests/data/pages"))
    parser.add_argument(
        "--ant", type=int, default=0, help="instead: N pages built around real ANT articles"
    )
    parser.add_argument("--verbose", action="store_true")
    parser.add_argument(
        "--datelines", action="store_true", help="instead: survey split_dateline on ANT texts"
    )
    args = parser.parse_args(argv)
    if args.datelines:
        survey_datelines()
        return 0
    if args.ant:
        tmp = tempfile.TemporaryDirectory()
        args.pages = Path(tmp.name)
        write_ant_pages(args.pages, args.ant)
    results = {}
    for name, extractor in (("marsad", ours), ("trafilatura", raw_trafilatura)):
        if args.verbose:
            print(f"{name}:")
        results[name] = evaluate(args.pages, extractor, args.verbose)
    n_pages = len(json.loads((args.pages / "expected.json").read_text())["pages"])
    print(f"{n_pages} pages in {args.pages}")
    print(f"{'field':8} {'marsad':>14} {'trafilatura':>14}")
    for field in FIELDS:
        cells = []
        for name in ("marsad", "trafilatura"):
            right, total = results[name].get(field, [0, 0])
            cells.append(f"{right}/{total} {100 * right / total:5.1f}%" if total else "n/a")
        print(f"{field:8} {cells[0]:>14} {cells[1]:>14}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
