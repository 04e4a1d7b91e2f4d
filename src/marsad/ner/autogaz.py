"""Induce a name list from unlabelled news with a trained model (self-training features).

    python -m marsad.ner.autogaz --model /tmp/dev-model/model.crfsuite \
        --news /work/shared/data/news/ant-multisource-v2.1.jsonl.gz

Tags the news text, and keeps each word that the model tagged as part of a name in most
of its occurrences (at least ``min_count`` times), with its majority type. The CRF then
uses "this word is usually a PERS/ORG/LOC/MISC word in news" as a feature, which helps
with names that ANERcorp never shows. Build it with a model trained without the dev
set, so that dev scores stay honest.
"""

from __future__ import annotations

import argparse
import gzip
import json
from collections import Counter, defaultdict
from pathlib import Path

from marsad.arabic.tokenise import tokenise
from marsad.ner.crf import CrfRecogniser
from marsad.ner.scoring import spans

AUTOGAZ_PATH = Path(__file__).resolve().parent / "data" / "autogaz.tsv"
_END = frozenset(".!?؟")


def induce(rec: CrfRecogniser, news: Path, max_words: int, min_count: int = 3) -> dict[str, str]:
    seen: Counter[str] = Counter()
    tagged: dict[str, Counter[str]] = defaultdict(Counter)
    n_words = 0
    with gzip.open(news, "rt", encoding="utf-8") as fh:
        for line in fh:
            doc = json.loads(line)
            sentences: list[list] = [[]]
            for tok in tokenise(doc.get("title", "") + "\n" + doc.get("text", "")):
                sentences[-1].append(tok)
                if tok.text in _END:
                    sentences.append([])
            for sentence, tags in zip(sentences, rec.tag_document(sentences), strict=True):
                for tok in sentence:
                    seen[tok.name_norm] += 1
                for a, b, etype in spans(tags):
                    for tok in sentence[a:b]:
                        tagged[tok.name_norm][etype] += 1
                n_words += len(sentence)
            if n_words >= max_words:
                break
    out = {}
    for word, types in tagged.items():
        etype, n = types.most_common(1)[0]
        if n >= min_count and n >= 0.5 * seen[word] and len(word) >= 2:
            out[word] = etype
    print(f"tagged {n_words:,} tokens; {len(out):,} name words")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, required=True)
    parser.add_argument("--news", type=Path, required=True)
    parser.add_argument("--max-words", type=int, default=2_000_000)
    parser.add_argument("--out", type=Path, default=AUTOGAZ_PATH)
    args = parser.parse_args()
    rec = CrfRecogniser.load(args.model)
    table = induce(rec, args.news, args.max_words)
    with open(args.out, "w", encoding="utf-8") as fh:
        fh.write("# word<TAB>majority type when tagged in ANT news (marsad.ner.autogaz)\n")
        for word in sorted(table):
            fh.write(f"{word}\t{table[word]}\n")


if __name__ == "__main__":
    main()
