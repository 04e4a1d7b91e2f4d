"""Every number a page shows, written down, to compare two versions of the code on one database.

    PYTHONPATH=/work/main/src python bench/page_dump.py --db DB --out before.jsonl
    PYTHONPATH=src python bench/page_dump.py --db DB --out after.jsonl
    cmp before.jsonl after.jsonl

Writes one JSON line per URL (the page data of ``marsad.pages``, no HTTP, no cache) for the
search, autocomplete and home URLs of ``bench/scale_pages.py``, plus autocomplete of every
1-, 2- and 3-letter prefix of the names of 300 entities drawn at random and of the 300
biggest, with و/ب/ال clitics, and the home page over 7, 90 and 365 days.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sqlite3
from pathlib import Path

from marsad import pages
from marsad.analytics.window import Period
from marsad.config import load_settings
from marsad.store.database import Store
from page_queries import call
from scale_pages import scenario_urls


def prefixes(db: Path, seed: int = 21) -> list[str]:
    rng = random.Random(seed)
    con = sqlite3.connect(db)
    names = [r[0] for r in con.execute("SELECT name FROM entities ORDER BY id")]
    big = [
        r[0]
        for r in con.execute(
            "SELECT e.name FROM entity_totals t JOIN entities e ON e.id = t.entity_id "
            "ORDER BY t.articles DESC, e.id LIMIT 300"
        )
    ]
    con.close()
    typed: list[str] = []
    for name in rng.sample(names, min(300, len(names))) + big:
        words = name.split()
        for word in (words[0], words[-1]):
            typed += [word[:k] for k in (1, 2, 3, 4, 6)]
        typed += ["و" + words[-1][:3], "ب" + name[:5], "وال" + words[-1][:3], name, name + " ا"]
    return list(dict.fromkeys(t for t in typed if t.strip()))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", type=Path, required=True)
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args()
    os.environ.setdefault("MARSAD_DATABASE_URL", f"sqlite:///{args.db}")
    settings = load_settings()
    store = Store(f"sqlite:///{args.db}")
    urls = scenario_urls(args.db)
    with args.out.open("w") as out:
        for url in urls["search"] + urls["autocomplete"]:
            data = call(store, settings, url)
            out.write(json.dumps([url, data], ensure_ascii=False, default=str) + "\n")
        for typed in prefixes(args.db):
            rows = pages.autocomplete(store, typed)
            out.write(json.dumps([typed, rows], ensure_ascii=False) + "\n")
        menu = [dict(r) for r in pages.source_choices(store)]  # the search page's source menu
        out.write(json.dumps(["source menu", menu], ensure_ascii=False) + "\n")
        for days in (None, "7", "90", "365"):
            home = pages.home_page(store, settings, Period(preset=days) if days else None)
            out.write(
                json.dumps([f"home {days}", home.model_dump(mode="json")], ensure_ascii=False)
                + "\n"
            )
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
