"""Experiment: a second CRF stacked on the shipped one (Krishnan & Manning 2006 style).

Stage 1 is the shipped feature set. Its predictions on the training part come from
5-fold cross-validation (by 15-sentence documents), on dev from the model trained on the
whole training part. Stage 2 adds, for each token, the stage-1 label of the token and its
neighbours and the entity types stage 1 gave the same word anywhere in the document.
Scored on dev (the last 10% of train.txt) against stage 1 alone; test is never read.

    MARSAD_SHARED_DATA=/work/shared/data python experiments/stacking/run.py [--folds 5]
"""

from __future__ import annotations

import argparse
import tempfile
from collections import Counter
from multiprocessing import Pool
from pathlib import Path

import pycrfsuite

from marsad.arabic.tokenise import default_counts, make_token
from marsad.config import shared_data_dir
from marsad.ner.conll import Sentence, read_conll, split_dev
from marsad.ner.crf import DOCUMENT_SENTENCES, CrfRecogniser
from marsad.ner.features import FeatureConfig, document_memory, sentence_features
from marsad.ner.propagate import propagate
from marsad.ner.scoring import score
from marsad.ner.train import DEFAULT_PARAMS, build_lexical, fit, write_bundle

CFG = FeatureConfig()


def chunks(sentences: list[Sentence]) -> list[list[Sentence]]:
    return [
        sentences[k : k + DOCUMENT_SENTENCES] for k in range(0, len(sentences), DOCUMENT_SENTENCES)
    ]


def stage_one(job: tuple[list[Sentence], list[Sentence], str]) -> list[list[str]]:
    """Train stage 1 on ``train``, return its tags (with propagation) for ``held``."""
    train, held, folder = job
    out = Path(folder) / "model.crfsuite"
    lex = build_lexical(CFG, None)
    fit(train, lex, CFG, out, DEFAULT_PARAMS)
    write_bundle(out, lex, CFG, {})
    rec = CrfRecogniser.load(out)
    return rec.tag_corpus([[w for w, _ in s] for s in held])


def stacked_features(sentences: list[Sentence], first: list[list[str]], lex) -> list:
    counts = default_counts()
    out = []
    for k in range(0, len(sentences), DOCUMENT_SENTENCES):
        doc = [
            [make_token(w, 0, counts) for w, _ in s] for s in sentences[k : k + DOCUMENT_SENTENCES]
        ]
        tags = first[k : k + DOCUMENT_SENTENCES]
        memory = document_memory(doc, lex)
        seen: dict[str, Counter] = {}
        for toks, sent_tags in zip(doc, tags, strict=True):
            for tok, tag in zip(toks, sent_tags, strict=True):
                if tag != "O":
                    seen.setdefault(tok.name_norm, Counter())[tag[2:]] += 1
        for toks, sent_tags in zip(doc, tags, strict=True):
            items = sentence_features(toks, lex, CFG, counts, memory)
            for i, (tok, feats) in enumerate(zip(toks, items, strict=True)):
                feats.append("s1=" + sent_tags[i])
                feats.append("s1-1=" + (sent_tags[i - 1] if i else "BOS"))
                feats.append("s1+1=" + (sent_tags[i + 1] if i + 1 < len(toks) else "EOS"))
                types = seen.get(tok.name_norm)
                if types:
                    feats += ["dt=" + t for t in types]
                    feats.append("dtm=" + types.most_common(1)[0][0])
            out.append(items)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--folds", type=int, default=5)
    args = parser.parse_args()
    data = shared_data_dir() / "ner" / "anercorp"
    train_part, dev = split_dev(read_conll(data / "train.txt"))
    docs = chunks(train_part)
    with tempfile.TemporaryDirectory() as tmp:
        jobs = []
        for f in range(args.folds):
            held = [s for i, d in enumerate(docs) if i % args.folds == f for s in d]
            rest = [s for i, d in enumerate(docs) if i % args.folds != f for s in d]
            (Path(tmp) / str(f)).mkdir()
            jobs.append((rest, held, str(Path(tmp) / str(f))))
        (Path(tmp) / "all").mkdir()
        jobs.append((train_part, dev, str(Path(tmp) / "all")))
        with Pool(2) as pool:
            results = pool.map(stage_one, jobs)
        first_train: list[list[str] | None] = [None] * len(train_part)
        index = {id(s): n for n, s in enumerate(train_part)}
        for (_, held, _), tags in zip(jobs[:-1], results[:-1], strict=True):
            for s, t in zip(held, tags, strict=True):
                first_train[index[id(s)]] = t
        first_dev = results[-1]
        gold = [[t for _, t in s] for s in dev]
        print(f"stage 1 on dev:\n{score(gold, first_dev).table()}")

        lex = build_lexical(CFG, None)
        trainer = pycrfsuite.Trainer(verbose=False)
        feats = stacked_features(train_part, first_train, lex)  # type: ignore[arg-type]
        for xseq, s in zip(feats, train_part, strict=True):
            trainer.append(xseq, [t for _, t in s])
        trainer.set_params({**DEFAULT_PARAMS, "feature.possible_transitions": True})
        model = Path(tmp) / "stage2.crfsuite"
        trainer.train(str(model))
        tagger = pycrfsuite.Tagger()
        tagger.open(str(model))
        counts = default_counts()
        predicted = []
        dev_feats = stacked_features(dev, first_dev, lex)
        for k in range(0, len(dev), DOCUMENT_SENTENCES):
            doc = [
                [make_token(w, 0, counts) for w, _ in s] for s in dev[k : k + DOCUMENT_SENTENCES]
            ]
            tags = [tagger.tag(x) for x in dev_feats[k : k + DOCUMENT_SENTENCES]]
            predicted += propagate(doc, tags, counts, lex.triggers)
        print(f"stage 2 (stacked) on dev:\n{score(gold, predicted).table()}")


if __name__ == "__main__":
    main()
