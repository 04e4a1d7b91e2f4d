"""Train the CRF recogniser on ANERcorp's train split and write the model bundle.

    python -m marsad.ner.train --data /work/shared/data/ner/anercorp \
        --out src/marsad/ner/data/model.crfsuite

Writes ``model.crfsuite``, ``model.json`` (feature settings, dev scores) and, when
gazetteer features are on, ``model.gazetteer.tsv`` (per-word flags derived from
ANERGazet). The last 10% of train.txt is the dev set; test.txt is never read here.
With ``--full`` the shipped model is retrained on all of train.txt after the dev run.
"""

from __future__ import annotations

import argparse
import json
import shutil
import time
from pathlib import Path

import pycrfsuite

from marsad.arabic.tokenise import default_counts, make_token
from marsad.config import shared_data_dir
from marsad.ner.clusters import CLUSTERS_PATH
from marsad.ner.conll import Sentence, read_conll, split_dev
from marsad.ner.crf import DOCUMENT_SENTENCES, CrfRecogniser, meta_path
from marsad.ner.features import FeatureConfig, document_memory, sentence_features
from marsad.ner.lexicon import (
    Lexical,
    gazetteer_flags,
    read_clusters,
    read_embeddings,
    read_flags,
    triggers,
    write_flags,
)
from marsad.ner.scoring import Scores, score

DEFAULT_PARAMS = {"c1": 0.05, "c2": 0.1, "max_iterations": 200}


def build_lexical(
    cfg: FeatureConfig, gazetteer_dir: Path | None, clusters: Path = CLUSTERS_PATH
) -> Lexical:
    lex = Lexical(triggers=triggers() if cfg.triggers else {})
    if cfg.clusters:
        lex.clusters = read_clusters(clusters)
    if cfg.autogaz:
        lex.autogaz = read_flags(clusters.with_name("autogaz.tsv"))
    if cfg.embeddings:
        lex.embeddings, lex.vocab_index = read_embeddings(
            clusters.with_name("embeddings.bin"), clusters
        )
    if cfg.gazetteer:
        lex.gazetteer = gazetteer_flags(
            gazetteer_dir or shared_data_dir() / "gazetteers" / "anergazet"
        )
    return lex


def featurise(sentences: list[Sentence], lex: Lexical, cfg: FeatureConfig) -> list[list[list[str]]]:
    counts = default_counts()
    out = []
    for k in range(0, len(sentences), DOCUMENT_SENTENCES):
        doc = [
            [make_token(w, 0, counts) for w, _ in s] for s in sentences[k : k + DOCUMENT_SENTENCES]
        ]
        memory = document_memory(doc, lex) if cfg.document else None
        out += [sentence_features(tokens, lex, cfg, counts, memory) for tokens in doc]
    return out


def fit(
    sentences: list[Sentence], lex: Lexical, cfg: FeatureConfig, out: Path, params: dict
) -> float:
    t0 = time.time()
    trainer = pycrfsuite.Trainer(verbose=False)
    for xseq, s in zip(featurise(sentences, lex, cfg), sentences, strict=True):
        trainer.append(xseq, [t for _, t in s])
    trainer.set_params({**params, "feature.possible_transitions": True})
    out.parent.mkdir(parents=True, exist_ok=True)
    trainer.train(str(out))
    return time.time() - t0


def evaluate(rec: CrfRecogniser, sentences: list[Sentence], overlap: bool = False) -> Scores:
    gold = [[t for _, t in s] for s in sentences]
    pred = rec.tag_corpus([[w for w, _ in s] for s in sentences])
    return score(gold, pred, overlap=overlap)


def write_bundle(
    out: Path, lex: Lexical, cfg: FeatureConfig, info: dict, clusters: Path = CLUSTERS_PATH
) -> None:
    meta = {"features": cfg.as_dict(), **info}
    if cfg.clusters:
        meta["clusters_file"] = CLUSTERS_PATH.name
        if clusters.resolve() != (out.parent / meta["clusters_file"]).resolve():
            shutil.copyfile(clusters, out.parent / meta["clusters_file"])
    if cfg.autogaz:
        meta["autogaz_file"] = "autogaz.tsv"
        src = clusters.with_name("autogaz.tsv")
        if src.resolve() != (out.parent / "autogaz.tsv").resolve():
            shutil.copyfile(src, out.parent / "autogaz.tsv")
    if cfg.embeddings:
        meta["embeddings_file"] = "embeddings.bin"
        src = clusters.with_name("embeddings.bin")
        if src.resolve() != (out.parent / "embeddings.bin").resolve():
            shutil.copyfile(src, out.parent / "embeddings.bin")
    if cfg.gazetteer:
        meta["gazetteer_file"] = out.stem + ".gazetteer.tsv"
        write_flags(lex.gazetteer, out.parent / meta["gazetteer_file"])
    meta_path(out).write_text(
        json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )


def train(
    data: Path,
    out: Path,
    cfg: FeatureConfig,
    params: dict | None = None,
    full: bool = False,
    gazetteer_dir: Path | None = None,
    clusters: Path = CLUSTERS_PATH,
) -> Scores:
    """Train on train minus dev, report dev scores; with ``full`` retrain on all of train."""
    params = {**DEFAULT_PARAMS, **(params or {})}
    sentences = read_conll(data / "train.txt")
    train_part, dev = split_dev(sentences)
    lex = build_lexical(cfg, gazetteer_dir, clusters)
    secs = fit(train_part, lex, cfg, out, params)
    info = {"params": params, "train_sentences": len(train_part), "dev_sentences": len(dev)}
    write_bundle(out, lex, cfg, info, clusters)
    dev_scores = evaluate(CrfRecogniser.load(out), dev)
    print(f"dev ({len(dev)} sentences, trained in {secs:.0f}s):\n{dev_scores.table()}")
    info["dev_micro_f1"] = round(dev_scores.prf()[2], 4)
    info["dev_f1"] = {t: round(dev_scores.prf(t)[2], 4) for t in dev_scores.types}
    if full:
        secs = fit(sentences, lex, cfg, out, params)
        info["trained_on"] = "all of train.txt (dev scores are from the train-minus-dev model)"
        print(f"retrained on all {len(sentences)} train sentences in {secs:.0f}s")
    else:
        info["trained_on"] = "train.txt minus the last 10% (dev)"
    write_bundle(out, lex, cfg, info, clusters)
    return dev_scores


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Train the marsad CRF NER model.")
    parser.add_argument("--data", type=Path, default=shared_data_dir() / "ner" / "anercorp")
    parser.add_argument(
        "--out", type=Path, default=Path(__file__).parent / "data" / "model.crfsuite"
    )
    parser.add_argument("--gazetteer", type=Path, default=None, help="ANERGazet directory")
    parser.add_argument("--clusters", type=Path, default=CLUSTERS_PATH, help="word clusters file")
    parser.add_argument("--no-clusters", action="store_true")
    parser.add_argument("--no-gazetteer", action="store_true")
    parser.add_argument("--no-triggers", action="store_true")
    parser.add_argument("--no-document", action="store_true")
    parser.add_argument("--morph", action="store_true")
    parser.add_argument("--embeddings", action="store_true")
    parser.add_argument("--no-autogaz", action="store_true")
    parser.add_argument("--window", type=int, default=2)
    parser.add_argument("--c1", type=float, default=DEFAULT_PARAMS["c1"])
    parser.add_argument("--c2", type=float, default=DEFAULT_PARAMS["c2"])
    parser.add_argument("--max-iterations", type=int, default=DEFAULT_PARAMS["max_iterations"])
    parser.add_argument("--full", action="store_true", help="retrain on all of train after dev")
    args = parser.parse_args(argv)
    cfg = FeatureConfig(
        clusters=not args.no_clusters,
        gazetteer=not args.no_gazetteer,
        triggers=not args.no_triggers,
        document=not args.no_document,
        morph=args.morph,
        embeddings=args.embeddings,
        autogaz=not args.no_autogaz,
        window=args.window,
    )
    params = {"c1": args.c1, "c2": args.c2, "max_iterations": args.max_iterations}
    train(
        args.data,
        args.out,
        cfg,
        params,
        full=args.full,
        gazetteer_dir=args.gazetteer,
        clusters=args.clusters,
    )


if __name__ == "__main__":
    main()
