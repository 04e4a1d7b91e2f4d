"""What the ANT corpus's author fields and source slugs give: place, agency and writer.

    PYTHONPATH=src python bench/bylines.py [path/to/ant-multisource-v2.1.jsonl.gz]

Reads every record's ``src`` and ``author`` through the ingest code (the source table of
``arabic/lexicons/sources.tsv`` and ``marsad.extract.dateline.split_byline``, as
``pipeline.clean_article`` calls it) and prints, per source, its readable name, the
non-empty author fields, how many gave a place, an agency, a writer, and a few examples.
"""

from __future__ import annotations

import gzip
import json
import sys
from collections import Counter, defaultdict
from functools import partial
from pathlib import Path

from marsad.config import shared_data_dir
from marsad.extract.dateline import split_byline
from marsad.sources.names import is_own_name, readable_name


def main() -> int:
    default = shared_data_dir() / "news" / "ant-multisource-v2.1.jsonl.gz"
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else default
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    examples: dict[str, list[str]] = defaultdict(list)
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            record = json.loads(line)
            slug, author = record["src"], (record.get("author") or "").strip()
            tally = counts[slug]
            tally["records"] += 1
            if not author:
                continue
            place, agency, writer = split_byline(author, partial(is_own_name, slug))
            tally["authors"] += 1
            tally["place"] += place is not None
            tally["agency"] += agency is not None
            tally["place or agency"] += place is not None or agency is not None
            tally["writer"] += writer is not None
            shown = examples[slug]
            if (
                (place or agency)
                and len(shown) < 3
                and not any(e.startswith(author) for e in shown)
            ):
                shown.append(f"{author} → {place} | {agency} | {writer}")
    total: Counter[str] = Counter()
    print("slug\tname\trecords\tauthor fields\tplace\tagency\tplace or agency\twriter")
    for slug, tally in sorted(counts.items(), key=lambda kv: -kv[1]["records"]):
        total.update(tally)
        print(f"{slug}\t{readable_name(slug)}\t{tally['records']}\t{tally['authors']}\t"
              f"{tally['place']}\t{tally['agency']}\t{tally['place or agency']}\t{tally['writer']}")  # fmt: skip
        for example in examples[slug]:
            print(f"    {example}")
    print(f"all\t\t{total['records']}\t{total['authors']}\t{total['place']}\t{total['agency']}\t"
          f"{total['place or agency']}\t{total['writer']}")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
