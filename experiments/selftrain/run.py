"""Experiment: self-training — the CRF retrained on ANERcorp plus news it tagged itself.

A CRF trained on train minus dev (the shipped configuration) tags ANT news articles
(``experiments/neural_ner/silver.py``); its sentences that hold at least one name (all
sentences with ``--all-sentences``) are added to the gold training part, up to
``--silver-words`` words, and a new CRF is trained on both and scored on dev (the last 10 %
of train.txt). Test is never read. Several silver sizes run in parallel, one per process.

    MARSAD_SHARED_DATA=/work/shared/data python experiments/selftrain/run.py \
        --model /tmp/crf-dev/model.crfsuite --silver-words 50000 150000
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from multiprocessing import Pool
from pathlib import Path

from marsad.config import shared_data_dir
from marsad.ner.conll import Sentence, read_conll, split_dev
from marsad.ner.crf import CrfRecogniser
from marsad.ner.features import FeatureConfig
from marsad.ner.train import DEFAULT_PARAMS, build_lexical, evaluate, fit, write_bundle

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "neural_ner"))
from silver import tag_news  # noqa: E402

CFG = FeatureConfig()


def silver_sentences(model: Path, news: Path, words: int, all_sentences: bool) -> list[Sentence]:
    """Sentences of news articles tagged by ``model``, in article order, up to ``words``."""
    rec = CrfRecogniser.load(model)
    out: list[Sentence] = []
    n = 0
    for article in tag_news(rec, news, max_words=10**9, skip_articles=5000):
        for sentence in article:
            if all_sentences or any(tag != "O" for _, tag in sentence):
                out.append([(w, t) for w, t in sentence])
                n += len(sentence)
        if n >= words:
            break
    return out


def run_one(job: tuple[list[Sentence], list[Sentence], list[Sentence], str]) -> float:
    gold, silver, dev, folder = job
    out = Path(folder) / "model.crfsuite"
    lex = build_lexical(CFG, None)
    fit(gold + silver, lex, CFG, out, DEFAULT_PARAMS)
    write_bundle(out, lex, CFG, {})
    return evaluate(CrfRecogniser.load(out), dev).prf()[2]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", type=Path, required=True, help="train-minus-dev CRF")
    parser.add_argument("--data", type=Path, default=shared_data_dir() / "ner" / "anercorp")
    parser.add_argument(
        "--news",
        type=Path,
        default=shared_data_dir() / "news" / "ant-multisource-v2.1.jsonl.gz",
    )
    parser.add_argument("--silver-words", type=int, nargs="+", default=[50_000, 150_000])
    parser.add_argument("--all-sentences", action="store_true")
    args = parser.parse_args()
    gold, dev = split_dev(read_conll(args.data / "train.txt"))
    silver = silver_sentences(args.model, args.news, max(args.silver_words), args.all_sentences)
    jobs, sizes = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for k, words in enumerate(args.silver_words):
            part, n = [], 0
            for sentence in silver:
                if n >= words:
                    break
                part.append(sentence)
                n += len(sentence)
            folder = Path(tmp) / str(k)
            folder.mkdir()
            jobs.append((gold, part, dev, str(folder)))
            sizes.append((len(part), n))
        with Pool(len(jobs)) as pool:
            scores = pool.map(run_one, jobs)
    for (sentences, words), f1 in zip(sizes, scores, strict=True):
        print(f"gold + {sentences} silver sentences ({words} words): dev micro-F1 {f1:.4f}")


if __name__ == "__main__":
    main()
