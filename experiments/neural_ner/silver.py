"""Silver training data for the neural tagger: ANT news tagged by a trained CRF.

    python experiments/neural_ner/silver.py --model /tmp/dev-model/model.crfsuite \
        --news /work/shared/data/news/ant-multisource-v2.1.jsonl.gz --out silver.jsonl.gz

One JSON line per article: a list of sentences, each a list of [token, tag] pairs (the
CRF's tags after document-level propagation). Use a CRF trained without the dev set when
the neural model's dev score is to stay honest.
"""

from __future__ import annotations

import argparse
import gzip
import json
from collections.abc import Iterator
from pathlib import Path

from marsad.arabic.tokenise import Token, tokenise
from marsad.ner.conll import Sentence
from marsad.ner.crf import CrfRecogniser, split_sentences


def article_sentences(text: str) -> list[list[Token]]:
    """Sentences of one article, split as ``CrfRecogniser.recognise`` splits them."""
    return [s for s in split_sentences(text, tokenise(text)) if s]


def tag_news(
    rec: CrfRecogniser, news: Path, max_words: int, skip_articles: int = 0
) -> Iterator[list[list[list[str]]]]:
    n_words = 0
    with gzip.open(news, "rt", encoding="utf-8") as fh:
        for k, line in enumerate(fh):
            if k < skip_articles:
                continue
            doc = json.loads(line)
            sentences = article_sentences(doc.get("title", "") + "\n" + doc.get("text", ""))
            if not sentences:
                continue
            tags = rec.tag_document(sentences)
            yield [
                [[t.text, tag] for t, tag in zip(s, ts, strict=True)]
                for s, ts in zip(sentences, tags, strict=True)
            ]
            n_words += sum(len(s) for s in sentences)
            if n_words >= max_words:
                break


def read_silver(path: Path) -> Iterator[list[Sentence]]:
    """Articles of a silver file, each a list of sentences of (token, tag) pairs."""
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            yield [[(w, t) for w, t in s] for s in json.loads(line)]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, required=True, help="CRF model (.crfsuite)")
    parser.add_argument("--news", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--max-words", type=int, default=1_000_000)
    parser.add_argument("--skip-articles", type=int, default=5000)
    args = parser.parse_args(argv)
    rec = CrfRecogniser.load(args.model)
    n = 0
    with gzip.open(args.out, "wt", encoding="utf-8") as out:
        for article in tag_news(rec, args.news, args.max_words, args.skip_articles):
            out.write(json.dumps(article, ensure_ascii=False) + "\n")
            n += sum(len(s) for s in article)
    print(f"wrote {n:,} silver tokens to {args.out}")


if __name__ == "__main__":
    main()
