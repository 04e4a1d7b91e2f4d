"""Score marsad's Arabic date understanding against plain dateparser on the shared table.

    PYTHONPATH=src python bench/dates.py [tests/data/dates_table.tsv] [--corpus PATH] [--articles N]

Accuracy = exact date match (and clock time where the table gives one); for NONE rows a
system is right only when it returns nothing. Speed is expressions per second over the
table, and, when the ANT news corpus is available, articles per second through find_dates.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import time
import warnings
from collections import defaultdict
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from marsad.config import shared_data_dir
from marsad.extract.dates import find_dates, parse_date

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_TABLE = ROOT / "tests" / "data" / "dates_table.tsv"
SHARED = shared_data_dir()

Row = tuple[str, datetime | None, str, str]


def read_table(path: Path) -> list[Row]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            text, ref, expected, family = line.split("\t")
            rows.append(
                (text, None if ref == "-" else datetime.fromisoformat(ref), expected, family)
            )
    return rows


def correct(got: datetime | None, expected: str) -> bool:
    if expected == "NONE":
        return got is None
    if got is None:
        return False
    if "T" in expected:
        return got.replace(tzinfo=None, second=0) == datetime.fromisoformat(expected)
    return got.date().isoformat() == expected


def ours(text: str, ref: datetime | None) -> datetime | None:
    return parse_date(text, ref)


def dateparser_parse(text: str, ref: datetime | None) -> datetime | None:
    import dateparser

    settings = {"RELATIVE_BASE": ref} if ref else {}
    return dateparser.parse(text, languages=["ar"], settings=settings)


def dateparser_search(text: str, ref: datetime | None) -> datetime | None:
    from dateparser.search import search_dates

    settings = {"RELATIVE_BASE": ref} if ref else {}
    found = search_dates(text, languages=["ar"], settings=settings)
    return found[0][1] if found else None


def score(name: str, fn: Callable[[str, datetime | None], datetime | None], rows: list[Row]):
    by_family: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    ok = 0
    failures = []
    start = time.perf_counter()
    for text, ref, expected, family in rows:
        try:
            got = fn(text, ref)
        except Exception as exc:  # dateparser raises on some inputs; count as wrong
            got = exc  # type: ignore[assignment]
        good = not isinstance(got, Exception) and correct(got, expected)
        ok += good
        fam = family.split("-")[0]
        by_family[fam][0] += good
        by_family[fam][1] += 1
        if not good:
            failures.append((text, expected, got))
    elapsed = time.perf_counter() - start
    print(
        f"{name:28s} {ok:4d}/{len(rows)} = {ok / len(rows):6.1%}   {len(rows) / elapsed:9.0f} expr/s"
    )
    return by_family, failures


def corpus_speed(path: Path, limit: int) -> None:
    texts = []
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            item = json.loads(line)
            texts.append((item.get("title") or "") + "\n" + (item.get("text") or ""))
            if len(texts) >= limit:
                break
    ref = datetime(2018, 6, 1)
    chars = sum(map(len, texts))
    start = time.perf_counter()
    n = sum(len(find_dates(t, ref)) for t in texts)
    elapsed = time.perf_counter() - start
    print(
        f"find_dates on {len(texts)} ANT articles ({chars / 1e6:.1f} M chars): "
        f"{len(texts) / elapsed:.0f} articles/s, {chars / elapsed / 1e6:.2f} M chars/s, {n} dates"
    )


def _sentences(path: Path):
    toks: list[str] = []
    tags: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if not parts:
            if toks:
                yield toks, tags
            toks, tags = [], []
            continue
        toks.append(parts[0])
        tags.append(parts[1] if len(parts) > 1 else "O")
    if toks:
        yield toks, tags


def wojood_detection(folder: Path) -> None:
    """Held-out check of detection (not resolution) on Wojood's DATE spans: precision = our
    matches inside a gold DATE span; recall over the gold spans that name a day (a day number
    with a month name, or d/m/y digits), which is what find_dates is meant to find."""
    from marsad.extract.dates import _alt, _fold, _lexicon

    lx = _lexicon()
    months = re.compile(rf"(?<!\w)[وفبل]?(?:{_alt(lx.months)}|{_alt(lx.hijri_months)})(?!\w)")
    day = re.compile(r"(?<!\d)\d{1,2}(?!\d)")
    numeric = re.compile(r"\d{1,2}\s?[/.\-]\s?\d{1,2}\s?[/.\-]\s?\d{2,4}")
    ref = datetime(2020, 1, 1)  # Wojood has no publication dates; detection only
    inside = total = gold = found = 0
    for split in ("train", "val", "test"):
        path = folder / f"{split}.txt"
        if not path.exists():
            continue
        for toks, tags in _sentences(path):
            text, spans, cur = "", [], None
            for tok, tag in zip(toks, tags, strict=True):
                s = len(text)
                text += tok + " "
                if tag == "B-DATE":
                    cur = [s, s + len(tok)]
                    spans.append(cur)
                elif tag == "I-DATE" and cur:
                    cur[1] = s + len(tok)
                else:
                    cur = None
            matches = find_dates(text, ref)
            total += len(matches)
            inside += sum(any(m.start < e and s < m.end for s, e in spans) for m in matches)
            for s, e in spans:
                f = _fold(text[s:e])[0]
                if (months.search(f) and day.search(f)) or numeric.search(f):
                    gold += 1
                    found += any(m.start < e and s < m.end for m in matches)
    print(
        f"Wojood sample (held out): {inside}/{total} of our matches inside a gold DATE span "
        f"(precision {inside / max(total, 1):.3f}); {found}/{gold} day-level gold DATE spans "
        f"found (recall {found / max(gold, 1):.3f})"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("table", nargs="?", type=Path, default=DEFAULT_TABLE)
    ap.add_argument(
        "--corpus", type=Path, default=SHARED / "news" / "ant-multisource-v2.1.jsonl.gz"
    )
    ap.add_argument("--wojood", type=Path, default=SHARED / "ner" / "wojood-sample")
    ap.add_argument("--articles", type=int, default=2000)
    ap.add_argument("--repeat", type=int, default=20, help="passes over the table for our speed")
    ap.add_argument("--failures", action="store_true", help="list the rows each system gets wrong")
    args = ap.parse_args()
    rows = read_table(args.table)
    print(f"{len(rows)} expressions from {args.table}")
    warnings.filterwarnings("ignore")
    results = {}
    parse_date("الاثنين 3 تشرين الأول 2016")  # compile the grammar outside the timing
    results["marsad parse_date"] = score("marsad parse_date", ours, rows)
    start = time.perf_counter()
    for _ in range(args.repeat):
        for text, ref, _expected, _family in rows:
            parse_date(text, ref)
    rate = args.repeat * len(rows) / (time.perf_counter() - start)
    print(f"{'marsad parse_date (warm)':28s} {rate:20.0f} expr/s over {args.repeat} passes")
    results["dateparser.parse"] = score("dateparser.parse", dateparser_parse, rows)
    results["dateparser search_dates"] = score("dateparser search_dates", dateparser_search, rows)
    families = sorted({f for r in results.values() for f in r[0]})
    print("\nper family (right/total):")
    print(f"{'family':12s}" + "".join(f"{n[:24]:>26s}" for n in results))
    for fam in families:
        cells = "".join(f"{f'{r[0][fam][0]}/{r[0][fam][1]}':>26s}" for r in results.values())
        print(f"{fam:12s}{cells}")
    if args.failures:
        for name, (_fams, failures) in results.items():
            print(f"\n{name} wrong on {len(failures)}:")
            for text, expected, got in failures:
                print(f"  {text!r}: expected {expected}, got {got}")
    if args.wojood.exists():
        print()
        wojood_detection(args.wojood)
    if args.corpus.exists():
        print()
        corpus_speed(args.corpus, args.articles)
    else:
        print(f"\n(corpus speed skipped: {args.corpus} not found; set MARSAD_SHARED_DATA)")


if __name__ == "__main__":
    main()
