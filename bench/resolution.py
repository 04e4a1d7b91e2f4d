"""Entity resolution: accuracy, B-cubed and speed (docs/bench-entities.md).

    PYTHONPATH=src python bench/resolution.py                 # everything, default sizes
    PYTHONPATH=src python bench/resolution.py --gold          # the hand-built gold set only
    PYTHONPATH=src python bench/resolution.py --generator 2000 --variants
    PYTHONPATH=src python bench/resolution.py --merge 1000000  # re-resolution after a merge

* gold: tests/data/resolution_gold.jsonl (hand-written articles, every mention with its
  entity, KB in tests/data/resolution_gold_kb.jsonl). Gold spans are given to the resolver
  (resolution is measured apart from recognition): mention-to-entity accuracy and B-cubed.
* generator: the sample corpus through the real pipeline (KB gazetteer recogniser).
  Each generated article knows its true entity keys; a stored mention's gold entity is the
  true key whose names contain its surface. Article-level P/R/F1 of (article, entity) and
  mention B-cubed. ``--variants`` loads a KB with canonical names only while the
  recogniser knows every variant, so variants must be resolved by folding, fuzzy matching
  and surname linking.
* overhead: time in Resolver.resolve against the whole ingest.
* merge: a database with N mentions on two entities; time to merge one into the other.
* real: score an existing database (``--real bench/data/resolution_real.jsonl --db DATA_DIR``)
  against a gold set read in real news: same-entity classes (pairwise and B-cubed), look-alike
  pairs kept apart, types, and words that must never be an entity. Read-only.

    PYTHONPATH=src python bench/resolution.py --real bench/data/resolution_real.jsonl \
        --db /tmp/base6k [--split tune|heldout|all] [--list-errors]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, date, datetime
from pathlib import Path

from marsad.arabic.normalise import normalise
from marsad.config import load_settings
from marsad.entities.kb import load_kb, read_kb
from marsad.entities.resolve import Resolver
from marsad.generate.corpus import entities, generate, kb_records, sources
from marsad.models import Article, EntityType, Mention, Source
from marsad.ner.gazetteer import GazetteerRecogniser
from marsad.pipeline import Pipeline
from marsad.store.database import Store

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "tests" / "data" / "resolution_gold.jsonl"
GOLD_KB = ROOT / "tests" / "data" / "resolution_gold_kb.jsonl"
GOLD_SRC = ROOT / "tests" / "data" / "resolution_gold_src.txt"
HELDOUT_SRC = ROOT / "tests" / "data" / "resolution_heldout_src.txt"
_MARK = re.compile(r"\[([^\[\]|]+)\|([^\[\]|]+)\|([POL])\]")
TYPES = {"P": "PERSON", "O": "ORGANIZATION", "L": "LOCATION"}


def build_gold(src: Path = GOLD_SRC) -> list[dict]:
    """Parse the marked-up gold source ("[surface|key|P]") into articles with offsets."""
    articles = []
    blocks = re.split(r"^## ", src.read_text(encoding="utf-8"), flags=re.M)[1:]
    for block in blocks:
        head, *lines = block.strip().splitlines()
        day, source = head.split()
        content, mentions, pos = "", [], 0
        raw = "\n".join(line.strip() for line in lines if line.strip())
        for m in _MARK.finditer(raw):
            content += raw[pos : m.start()]
            start = len(content)
            content += m[1]
            mentions.append(
                {
                    "start": start,
                    "end": len(content),
                    "text": m[1],
                    "type": TYPES[m[3]],
                    "entity": None if m[2] == "-" else m[2],
                }
            )
            pos = m.end()
        content += raw[pos:]
        title, _, text = content.partition("\n")
        articles.append(
            {"day": day, "source": source, "title": title, "text": text, "mentions": mentions}
        )
    return articles


def bcubed(items: list[tuple[str, str]]) -> tuple[float, float, float]:
    """B-cubed precision, recall, F1 of (gold cluster, predicted cluster) items."""
    if not items:
        return 0.0, 0.0, 0.0
    by_gold: dict[str, list[int]] = defaultdict(list)
    by_pred: dict[str, list[int]] = defaultdict(list)
    for i, (g, p) in enumerate(items):
        by_gold[g].append(i)
        by_pred[p].append(i)
    pair: dict[tuple[str, str], int] = defaultdict(int)
    for g, p in items:
        pair[(g, p)] += 1
    precision = sum(pair[(g, p)] / len(by_pred[p]) for g, p in items) / len(items)
    recall = sum(pair[(g, p)] / len(by_gold[g]) for g, p in items) / len(items)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def _store(tmp: Path, name: str) -> tuple[Store, object]:
    settings = load_settings(
        {"MARSAD_DATA_DIR": str(tmp), "MARSAD_DATABASE_URL": f"sqlite:///{tmp / name}"}
    )
    return Store(settings.database_url), settings


# ---- gold set ------------------------------------------------------------------------------
def read_gold(path: Path = GOLD) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def evaluate_gold(
    gold: list[dict] | None = None, kb: Path = GOLD_KB, verbose: bool = False
) -> dict[str, float]:
    """Resolve the gold mentions article by article, in order; score against the gold keys."""
    gold = gold if gold is not None else read_gold()
    with tempfile.TemporaryDirectory() as tmp:
        store, _ = _store(Path(tmp), "gold.db")
        load_kb(store, read_kb(kb))
        resolver = Resolver(store)
        kb_of = {r[0]: r[1] for r in _kb_ids(store)}
        items: list[tuple[str, str]] = []
        correct = total = 0
        pred_of: dict[tuple[int, int], str] = {}
        rows = []
        for n, art in enumerate(gold):
            text = art["title"] + "\n" + art["text"]
            ms = [
                Mention(m["start"], m["end"], text[m["start"] : m["end"]], EntityType(m["type"]))
                for m in art["mentions"]
                if m.get("type")
            ]
            out = resolver.resolve(ms, text=text, day=art.get("day"))
            got = {(o.start, o.end): o.entity_id for o in out}
            _store_fake_article(store, n, art, out)
            for m in art["mentions"]:
                eid = got.get((m["start"], m["end"]))
                pred_of[(n, m["start"])] = (
                    kb_of.get(eid) or f"new:{eid}" if eid is not None else "none"
                )
                rows.append((n, m, pred_of[(n, m["start"])]))
        # auto-created entities are named by the gold key most of their mentions carry
        votes: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for _, m, pred in rows:
            if pred.startswith("new:"):
                votes[pred][m["entity"] or "none"] += 1
        named = {p: max(v, key=v.get) for p, v in votes.items()}
        for n, m, pred in rows:
            gold_key = m["entity"] or "none"
            shown = named.get(pred, pred)
            total += 1
            correct += shown == gold_key
            if verbose and shown != gold_key:
                print(f"  article {n} {m['text']!r}: gold {gold_key} got {shown}", file=sys.stderr)
            if gold_key != "none":
                items.append((gold_key, pred if pred != "none" else f"none:{n}:{m['start']}"))
        store.close()
    p, r, f = bcubed(items)
    return {
        "articles": len(gold),
        "mentions": total,
        "accuracy": correct / total if total else 0.0,
        "bcubed_precision": p,
        "bcubed_recall": r,
        "bcubed_f1": f,
    }


def _kb_ids(store: Store) -> Iterable[tuple[int, str]]:
    from sqlalchemy import select

    from marsad.store import schema as s

    with store.engine.connect() as conn:
        for eid, kb_id in conn.execute(select(s.entities.c.id, s.entities.c.kb_id)):
            if kb_id:
                yield eid, kb_id.split(":", 1)[-1]


def _store_fake_article(store: Store, n: int, art: dict, mentions: list) -> None:
    """Store the article so later articles see co-occurrence evidence, as in real ingest."""
    published = datetime.fromisoformat(art["day"]).replace(tzinfo=UTC) if art.get("day") else None
    source = art.get("source", "gold")
    store.add_article(
        Article(art["title"], art["text"], Source(source, source), published=published),
        content_hash=f"gold-{n}",
        day=art.get("day"),
        mentions=mentions,
        search_title="",
        search_body="",
    )


# ---- generator corpus ------------------------------------------------------------------------
def _names_of(key: str) -> set[str]:
    """Every surface that stands for ``key``: names, aliases, their word suffixes (surnames),
    and its role as a whole (a role in apposition is a mention of its holder)."""
    ent = entities()[key]
    names = {normalise(x) for x in [ent["name"], *ent["aliases"]]}
    for name in list(names):
        words = name.split()
        names.update(" ".join(words[i:]) for i in range(1, len(words)))
    if ent.get("role"):
        names.add(normalise(ent["role"]))
    return names


def _in_text(key: str, norm_text: str) -> bool:
    return any(name in norm_text for name in _names_of(key))


def evaluate_generator(
    n: int, *, variants: bool = False, seed: int = 7, default_recogniser: bool = False
) -> dict[str, float]:
    """``default_recogniser``: the pipeline's own (KB gazetteer + CRF model) instead of a
    gazetteer of every name the generator writes."""
    with tempfile.TemporaryDirectory() as tmp:
        store, settings = _store(Path(tmp), "gen.db")
        records = kb_records()
        if variants:  # the KB knows canonical names only; the recogniser knows every spelling
            records = [dict(r, aliases=[]) for r in records]
        load_kb(store, records)
        recogniser = GazetteerRecogniser(
            (normalise(x), e["type"])
            for e in entities().values()
            for x in [e["name"], *e["aliases"]]
        )
        pipeline = Pipeline(store, settings, recogniser=None if default_recogniser else recogniser)
        spent = [0.0]
        resolve = pipeline.resolver.resolve

        def timed(*a, **k):  # type: ignore[no-untyped-def]
            t = time.perf_counter()
            try:
                return resolve(*a, **k)
            finally:
                spent[0] += time.perf_counter() - t

        pipeline.resolver.resolve = timed  # type: ignore[method-assign]
        from marsad.pipeline import IngestReport

        srcs = sources()
        truth: dict[int, tuple[str, ...]] = {}
        report = IngestReport()
        t0 = time.perf_counter()
        for g in generate(n, seed=seed, end=date(2026, 11, 20)):
            s = srcs[g.source]
            before = report.new
            aid = pipeline.ingest_one(
                Article(g.title, g.text, Source(g.source, s["name"], s["url"]), g.url, g.published),
                report,
            )
            if aid is not None and report.new > before:
                # keep only the keys whose names are in the cleaned text (a slot can sit in
                # a dateline or footer the pipeline strips)
                norm_text = " " + normalise(g.title + " " + g.text) + " "
                truth[aid] = tuple(k for k in g.truth if _in_text(k, norm_text))
        total = time.perf_counter() - t0
        kb_of = dict(_kb_ids(store))
        from sqlalchemy import select

        from marsad.store import schema as sch

        pred: dict[int, list[tuple[int, str]]] = defaultdict(list)
        with store.engine.connect() as conn:
            for aid, eid, surface in conn.execute(
                select(sch.mentions.c.article_id, sch.mentions.c.entity_id, sch.mentions.c.surface)
            ):
                pred[aid].append((eid, surface))
        names = {k: _names_of(k) for k in entities()}
        tp = fp = fn = 0
        items: list[tuple[str, str]] = []
        for aid, keys in truth.items():
            got = {kb_of.get(eid, f"new:{eid}") for eid, _ in pred[aid]}
            tp += len(got & set(keys))
            fp += len(got - set(keys))
            fn += len(set(keys) - got)
            seen = set()
            for i, (eid, surface) in enumerate(pred[aid]):
                norm = normalise(surface)
                owners = [k for k in keys if norm in names[k]]
                gold = owners[0] if len(owners) == 1 else f"spurious:{aid}:{i}"
                items.append((gold, str(eid)))
                seen.add(gold)
            for k in set(keys) - seen:
                items.append((k, f"missed:{aid}:{k}"))
        store.close()
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    bp, br, bf = bcubed(items)
    return {
        "articles": len(truth),
        "article_entity_precision": p,
        "article_entity_recall": r,
        "article_entity_f1": 2 * p * r / (p + r) if p + r else 0.0,
        "bcubed_precision": bp,
        "bcubed_recall": br,
        "bcubed_f1": bf,
        "ingest_s": total,
        "resolve_s": spent[0],
        "resolve_share_of_ingest": spent[0] / total if total else 0.0,
        "overhead_vs_rest": spent[0] / (total - spent[0]) if total > spent[0] else 0.0,
    }


# ---- merge speed ------------------------------------------------------------------------------
def merge_speed(n_mentions: int) -> dict[str, float]:
    """N mentions over N/5 articles on two entities; merge the second into the first."""
    from sqlalchemy import text

    from marsad.entities.edits import merge_entities
    from marsad.models import Entity

    with tempfile.TemporaryDirectory() as tmp:
        store, _ = _store(Path(tmp), "merge.db")
        a = store.create_entity(Entity(name="سيرغي لافروف", type=EntityType.PERSON))
        b = store.create_entity(Entity(name="سيرجي لافروف", type=EntityType.PERSON))
        src = store.source_id(Source("s", "s"))
        per = 5
        n_articles = n_mentions // per
        t0 = time.perf_counter()
        with store.engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO articles (id, content_hash, story_id, source_id, title, text, "
                    "day, ingested_at) VALUES (:i, :h, :i, :s, 'عنوان', 'نص', :d, :t)"
                ),
                [
                    {
                        "i": i,
                        "h": f"h{i}",
                        "s": src,
                        "d": f"2026-11-{1 + i % 28:02d}",
                        "t": "2026-11-20",
                    }
                    for i in range(1, n_articles + 1)
                ],
            )
            conn.execute(
                text(
                    'INSERT INTO mentions (article_id, entity_id, start, "end", surface) '
                    "VALUES (:a, :e, :s, :z, :u)"
                ),
                [
                    {
                        "a": i,
                        "e": b if (i + j) % 2 else a,
                        "s": 10 * j + 7,
                        "z": 10 * j + 13,
                        "u": "لافروف",
                    }
                    for i in range(1, n_articles + 1)
                    for j in range(per)
                ],
            )
            conn.execute(
                text(
                    "INSERT INTO article_entities (entity_id, article_id, day, source_id, "
                    "mentions, first_start, first_end) SELECT entity_id, m.article_id, a.day, "
                    'a.source_id, count(*), min(start), min("end") FROM mentions m '
                    "JOIN articles a ON a.id = m.article_id GROUP BY entity_id, m.article_id"
                )
            )
        build = time.perf_counter() - t0
        t0 = time.perf_counter()
        result = merge_entities(store, b, a)
        spent = time.perf_counter() - t0
        store.close()
    return {"mentions": n_mentions, "moved": result["mentions"], "build_s": build, "merge_s": spent}


# ---- real-news gold set --------------------------------------------------------------------
REAL = ROOT / "bench" / "data" / "resolution_real.jsonl"
SPLITS = ("tune", "heldout")


def read_real(path: Path = REAL, split: str = "tune") -> list[dict]:
    """The gold items of ``split`` ("tune", "heldout" or "all"). The split is checked against
    its rule: the item's index within its kind is 2 mod 3 for held-out items."""
    items, seen = [], defaultdict(int)
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        item = json.loads(line)
        i = seen[item["kind"]]
        seen[item["kind"]] += 1
        if item["split"] != ("heldout" if i % 3 == 2 else "tune"):
            raise SystemExit(f"{path}: {item['kind']} #{i} has split {item['split']!r}")
        if split == "all" or item["split"] == split:
            items.append(item)
    return items


class RealDatabase:
    """What an existing marsad database says about written names, read once, never written."""

    def __init__(self, store: Store) -> None:
        from sqlalchemy import text

        with store.engine.connect() as conn:
            ents = conn.execute(
                text(
                    "SELECT e.id, e.name, e.type, e.merged_into, coalesce(t.articles, 0) "
                    "FROM entities e LEFT JOIN entity_totals t ON t.entity_id = e.id"
                )
            ).all()
            mentions = conn.execute(
                text(
                    "SELECT surface, entity_id, count(*) FROM mentions GROUP BY surface, entity_id"
                )
            ).all()
            aliases = conn.execute(text("SELECT norm, entity_id FROM aliases")).all()
        self.merged = {i: m for i, _, _, m, _ in ents if m}
        self.name = {i: n for i, n, _, _, _ in ents}
        self.type = {i: t for i, _, t, _, _ in ents}
        self.articles = {i: a for i, _, _, _, a in ents}
        self.by_surface: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
        for surface, eid, n in mentions:
            self.by_surface[normalise(surface)][self.top(eid)] += n
        self.by_alias: dict[str, set[int]] = defaultdict(set)
        for norm, eid in aliases:
            self.by_alias[normalise(norm)].add(self.top(eid))
        self.by_name: dict[str, list[int]] = defaultdict(list)
        for i, n, _, m, a in ents:
            if not m and a >= 1:
                self.by_name[normalise(n)].append(i)

    def top(self, eid: int) -> int:
        """Follow merged_into to the entity that stands now."""
        seen = set()
        while eid in self.merged and eid not in seen:
            seen.add(eid)
            eid = self.merged[eid]
        return eid

    def entity_of(self, written: str) -> int | None:
        """The entity holding most mentions of this exact normalised surface; else the
        largest entity with it as an alias; else the same for the name without a glued
        preposition or a leading title, which recognised spans leave out (لمصر → مصر,
        الأمير محمد بن سلمان → محمد بن سلمان); None when the database does not know it."""
        found = self._entity_of(normalise(written))
        if found is not None:
            return found
        from marsad.entities.consolidate import GLUED
        from marsad.entities.roles import leading_role_words

        words = normalise(written).split()
        n = leading_role_words(words)
        if 0 < n < len(words):
            return self._entity_of(" ".join(words[n:]))
        for clitic in GLUED:
            if words and words[0].startswith(clitic) and len(words[0]) - len(clitic) >= 2:
                bare = words[0][len(clitic) :]
                bare = "ال" + bare if clitic.endswith(("ال", "لل")) else bare
                found = self._entity_of(" ".join([bare, *words[1:]]))
                if found is not None:
                    return found
        return None

    def _entity_of(self, norm: str) -> int | None:
        votes = self.by_surface.get(norm)
        if votes:
            return max(votes, key=lambda e: (votes[e], self.articles.get(e, 0)))
        owners = self.by_alias.get(norm)
        if owners:
            return max(owners, key=lambda e: self.articles.get(e, 0))
        return None

    def show(self, eid: int | None) -> str:
        return "missing" if eid is None else f"{self.name[eid]}#{eid}/{self.type[eid]}"


def _ratio(n: int, d: int) -> float:
    return n / d if d else 0.0


def score_real(items: list[dict], db: RealDatabase) -> tuple[dict[str, float], list[str]]:
    """Scores of the database on the gold items, and one line per wrong item."""
    errors: list[str] = []
    gold_class: dict[str, str] = {}
    for n, item in enumerate(i for i in items if i["kind"] == "same"):
        for name in item["names"]:
            gold_class.setdefault(name, f"same:{n}")
    for item in items:
        if item["kind"] == "different":
            for name in (item["a"], item["b"]):
                gold_class.setdefault(name, f"alone:{name}")
    pred = {name: db.entity_of(name) for name in gold_class}
    missing = sorted(n for n, e in pred.items() if e is None)
    # pairs over every gold name: a pair is gold when both share a class, predicted when both
    # are found on one entity
    names = sorted(gold_class)
    gold_pairs = found_pairs = right_pairs = 0
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            same_gold = gold_class[a] == gold_class[b]
            same_pred = pred[a] is not None and pred[a] == pred[b]
            gold_pairs += same_gold
            found_pairs += same_pred
            right_pairs += same_gold and same_pred
    p, r, f = bcubed(
        [(gold_class[n], str(pred[n]) if pred[n] is not None else f"missing:{n}") for n in names]
    )
    for item in items:
        if item["kind"] == "same":
            got = {n: pred[n] for n in item["names"]}
            if len({e for e in got.values()}) > 1:
                parts = "; ".join(f"{n} → {db.show(e)}" for n, e in got.items())
                errors.append(f"same      {parts}")
    kept = apart = 0
    for item in (i for i in items if i["kind"] == "different"):
        a, b = pred[item["a"]], pred[item["b"]]
        apart += 1
        if a is None or a != b:
            kept += 1
        else:
            errors.append(f"different {item['a']} = {item['b']} → {db.show(a)}")
    typed = type_right = type_missing = 0
    for item in (i for i in items if i["kind"] == "type"):
        eid = db.entity_of(item["name"])
        if eid is None:
            type_missing += 1
            errors.append(f"type      {item['name']}: missing (gold {item['type']})")
            continue
        typed += 1
        if db.type[eid] == item["type"]:
            type_right += 1
        else:
            errors.append(f"type      {item['name']} → {db.show(eid)}, gold {item['type']}")
    junk = avoided = 0
    for item in (i for i in items if i["kind"] == "not_entity"):
        junk += 1
        named = db.by_name.get(normalise(item["name"]), [])
        if named:
            shown = ", ".join(f"{db.show(e)} ({db.articles[e]} articles)" for e in named)
            errors.append(f"junk      {item['name']}: {shown}")
        else:
            avoided += 1
    scores = {
        "same_classes": sum(i["kind"] == "same" for i in items),
        "gold_names": len(names),
        "missing_names": len(missing),
        "pair_precision": _ratio(right_pairs, found_pairs),
        "pair_recall": _ratio(right_pairs, gold_pairs),
        "bcubed_precision": p,
        "bcubed_recall": r,
        "bcubed_f1": f,
        "different_pairs": apart,
        "kept_apart": _ratio(kept, apart),
        "type_items": typed + type_missing,
        "type_missing": type_missing,
        "type_accuracy": _ratio(type_right, typed),
        "not_entity_items": junk,
        "junk_avoided": _ratio(avoided, junk),
    }
    errors += [f"missing   {n}" for n in missing]
    return scores, errors


def print_real(path: Path, data_dir: str, split: str, list_errors: bool) -> None:
    settings = load_settings({"MARSAD_DATA_DIR": data_dir})
    store = Store(settings.database_url)
    db = RealDatabase(store)
    store.close()
    splits = SPLITS + ("all",) if split == "all" else (split,)
    table = {s: score_real(read_real(path, s), db) for s in splits}
    print(f"{'':18}" + "".join(f"{s:>10}" for s in splits))
    for key in table[splits[0]][0]:
        cells = []
        for s in splits:
            v = table[s][0][key]
            cells.append(f"{v:>10.3f}" if isinstance(v, float) else f"{v:>10}")
        print(f"{key:18}" + "".join(cells))
    if list_errors:
        for s in splits if split != "all" else SPLITS:
            print(f"\nerrors ({s})")
            for line in table[s][1]:
                print("  " + line)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--gold", action="store_true")
    ap.add_argument(
        "--build-gold", action="store_true", help="rewrite the gold JSONL from its source"
    )
    ap.add_argument("--generator", type=int, default=0)
    ap.add_argument("--variants", action="store_true")
    ap.add_argument("--merge", type=int, default=0)
    ap.add_argument("-v", "--verbose", action="store_true")
    ap.add_argument("--real", type=Path, help="score --db against this real-news gold file")
    ap.add_argument("--db", help="data directory of the database to score (MARSAD_DATA_DIR)")
    ap.add_argument("--split", choices=("tune", "heldout", "all"), default="tune")
    ap.add_argument("--list-errors", action="store_true", help="print the wrong gold items")
    args = ap.parse_args()
    if args.real:
        if not args.db:
            ap.error("--real needs --db DATA_DIR")
        print_real(args.real, args.db, args.split, args.list_errors)
        return
    if args.build_gold:
        gold = build_gold()
        with GOLD.open("w", encoding="utf-8") as fh:
            for art in gold:
                fh.write(json.dumps(art, ensure_ascii=False) + "\n")
        n = sum(len(a["mentions"]) for a in gold)
        print(f"{GOLD}: {len(gold)} articles, {n} mentions")
        return
    everything = not (args.gold or args.generator or args.merge)
    if args.gold or everything:
        print("gold", json.dumps(evaluate_gold(verbose=args.verbose), indent=1))
        heldout = evaluate_gold(build_gold(HELDOUT_SRC), verbose=args.verbose)
        print("held-out gold", json.dumps(heldout, indent=1))
    if args.generator or everything:
        n = args.generator or 2000
        print(f"generator {n}", json.dumps(evaluate_generator(n), indent=1))
        print(
            f"generator {n} default recogniser",
            json.dumps(evaluate_generator(n, default_recogniser=True), indent=1),
        )
        if args.variants or everything:
            print(
                f"generator {n} variants",
                json.dumps(evaluate_generator(n, variants=True), indent=1),
            )
    if args.merge or everything:
        print("merge", json.dumps(merge_speed(args.merge or 1_000_000), indent=1))


if __name__ == "__main__":
    main()
