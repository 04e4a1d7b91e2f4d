"""Experiment: mention replacement (Dai & Adel 2020) — more names in the same contexts.

Each training document (15 sentences) gets ``--copies`` copies in which every entity span is
replaced by a span of the same type drawn at random from the training sentences (its own
tokens, clitics included), the same replacement for the same name throughout the document
(and its last word for the surname alone). The model then sees each context with names it did
not memorise, so it has to lean on the context, cluster and affix features that carry to
unseen names. The copies go after the originals, 15 sentences to a document as for the
originals. Scored on dev (the last 10% of train.txt) against the same training without
copies; test is never read.

    MARSAD_SHARED_DATA=/work/shared/data python experiments/augment/run.py \
        [--copies 1] [--types LOC,ORG,MISC] [--independent]
"""

from __future__ import annotations

import argparse
import random
import tempfile
from pathlib import Path

from marsad.config import shared_data_dir
from marsad.ner.conll import Sentence, read_conll, split_dev
from marsad.ner.crf import DOCUMENT_SENTENCES, CrfRecogniser
from marsad.ner.features import FeatureConfig
from marsad.ner.scoring import spans
from marsad.ner.train import DEFAULT_PARAMS, build_lexical, evaluate, fit, write_bundle

CFG = FeatureConfig()


def chunks(sentences: list[Sentence]) -> list[list[Sentence]]:
    return [
        sentences[k : k + DOCUMENT_SENTENCES] for k in range(0, len(sentences), DOCUMENT_SENTENCES)
    ]


def entity_pool(sentences: list[Sentence]) -> dict[str, list[list[str]]]:
    pool: dict[str, list[list[str]]] = {}
    for s in sentences:
        for a, b, etype in spans([t for _, t in s]):
            pool.setdefault(etype, []).append([w for w, _ in s[a:b]])
    return pool


def replaced(
    s: Sentence,
    pool: dict[str, list[list[str]]],
    rng: random.Random,
    chosen: dict,
    independent: bool = False,
) -> Sentence:
    """``s`` with its names replaced; ``chosen`` keeps a document's choices, so a name
    repeated in the document gets the same replacement, and a surname alone the last word
    of its full name's replacement (``independent``: every mention drawn anew)."""
    out: Sentence = []
    found = {a: (b, etype) for a, b, etype in spans([t for _, t in s])}
    i = 0
    while i < len(s):
        if i not in found or found[i][1] not in pool:
            out.append(s[i])
            i += 1
            continue
        b, etype = found[i]
        key = (etype, tuple(w for w, _ in s[i:b]))
        if key not in chosen or independent:
            chosen[key] = rng.choice(pool[etype])
            if len(key[1]) > 1 and len(chosen[key]) > 1:
                chosen.setdefault((etype, key[1][-1:]), chosen[key][-1:])
        words = chosen[key]
        out += [(w, ("B-" if k == 0 else "I-") + etype) for k, w in enumerate(words)]
        i = b
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=shared_data_dir() / "ner" / "anercorp")
    parser.add_argument("--copies", type=int, default=1)
    parser.add_argument("--types", default="PERS,ORG,LOC,MISC", help="types replaced")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--independent", action="store_true", help="each mention replaced at random anew"
    )
    args = parser.parse_args()
    train_part, dev = split_dev(read_conll(args.data / "train.txt"))
    pool = entity_pool(train_part)
    keep = set(args.types.split(","))
    pool = {t: v for t, v in pool.items() if t in keep}
    rng = random.Random(args.seed)
    extra = []
    for _ in range(args.copies):
        for doc in chunks(train_part):
            chosen: dict = {}
            extra += [replaced(s, pool, rng, chosen, args.independent) for s in doc]
    print(f"{len(train_part)} sentences + {len(extra)} copies with replaced names")
    lex = build_lexical(CFG, None)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "model.crfsuite"
        secs = fit(train_part + extra, lex, CFG, out, DEFAULT_PARAMS)
        write_bundle(out, lex, CFG, {})
        scores = evaluate(CrfRecogniser.load(out), dev)
    print(f"dev with copies (trained in {secs:.0f}s):\n{scores.table()}")


if __name__ == "__main__":
    main()
