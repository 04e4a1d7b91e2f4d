"""The entities two settled databases of one corpus disagree on (issue #15: what a rule of the
global pass changes on the whole corpus, every entity, not a sample).

    MARSAD_SHARED_DATA=/work/shared/data PYTHONPATH=src python bench/global_pass.py --work DIR --runs 1
    cp DIR/marsad.db before.db            # then again with the new code:
    PYTHONPATH=src python bench/entity_diff.py before.db DIR/marsad.db

Both databases come from the same held-back ingest (entity ids agree). Prints, biggest
first, each entity whose name, type, article count or merge target differs, as
``id (name, type, articles, merged into) -> (…)``, then how many.
"""

from __future__ import annotations

import argparse
import sqlite3

_ENTITIES = (
    "SELECT e.id, e.name, e.type, coalesce(t.articles, 0), e.merged_into FROM entities e "
    "LEFT JOIN entity_totals t ON t.entity_id = e.id"
)

Row = tuple[str, str, int, int | None]


def entities(path: str) -> dict[int, Row]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return {
            eid: (name, etype, n, into) for eid, name, etype, n, into in conn.execute(_ENTITIES)
        }
    finally:
        conn.close()


def differences(
    before: dict[int, Row], after: dict[int, Row]
) -> list[tuple[int, Row | None, Row | None]]:
    """(id, before, after) of the entities that differ, the most articles (either side) first."""
    changed = [(e, before.get(e), after.get(e)) for e in before.keys() | after.keys()]
    changed = [c for c in changed if c[1] != c[2]]
    return sorted(changed, key=lambda c: (-max(r[2] if r else 0 for r in c[1:]), c[0]))


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("before")
    ap.add_argument("after")
    args = ap.parse_args()
    found = differences(entities(args.before), entities(args.after))
    for eid, old, new in found:
        print(eid, old, "->", new)
    print(f"{len(found)} entities differ")


if __name__ == "__main__":
    main()
