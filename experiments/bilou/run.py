"""Experiment: BIOES (BILOU) labels instead of BIO for the CRF (Ratinov & Roth 2009).

The CRF is trained on train minus dev with S- (single-token) and E- (last token) labels
besides B- and I-; its Viterbi output is mapped back to BIO (S→B, E→I) before document
propagation and scoring, so the dev figure compares with the shipped BIO model's. Both
runs (BIO, BIOES) go in parallel, one per process. Test is never read.

    MARSAD_SHARED_DATA=/work/shared/data PYTHONPATH=src python experiments/bilou/run.py
"""

from __future__ import annotations

import argparse
import tempfile
from multiprocessing import Pool
from pathlib import Path

from marsad.config import shared_data_dir
from marsad.ner.conll import Sentence, read_conll, split_dev
from marsad.ner.crf import CrfRecogniser
from marsad.ner.features import FeatureConfig
from marsad.ner.train import DEFAULT_PARAMS, build_lexical, evaluate, fit, write_bundle

CFG = FeatureConfig()


def to_bioes(tags: list[str]) -> list[str]:
    out = []
    for i, tag in enumerate(tags):
        nxt = tags[i + 1] if i + 1 < len(tags) else "O"
        last = tag != "O" and nxt != "I-" + tag[2:]
        if tag.startswith("B-") and last:
            tag = "S-" + tag[2:]
        elif tag.startswith("I-") and last:
            tag = "E-" + tag[2:]
        out.append(tag)
    return out


def to_bio(tags: list[str]) -> list[str]:
    return ["B-" + t[2:] if t[:2] == "S-" else "I-" + t[2:] if t[:2] == "E-" else t for t in tags]


def run_one(job: tuple[str, list[Sentence], list[Sentence], dict, str]) -> str:
    scheme, train_part, dev, params, folder = job
    out = Path(folder) / scheme / "model.crfsuite"
    if scheme == "bioes":
        train_part = [
            list(zip([w for w, _ in s], to_bioes([t for _, t in s]), strict=True))
            for s in train_part
        ]
    lex = build_lexical(CFG, None)
    fit(train_part, lex, CFG, out, params)
    write_bundle(out, lex, CFG, {})
    rec = CrfRecogniser.load(out)
    if scheme == "bioes":
        chain = rec._chain
        decode = chain.viterbi
        chain.viterbi = lambda emissions: [to_bio(t) for t in decode(emissions)]
    s = evaluate(rec, dev)
    types = " ".join(f"{t} {s.prf(t)[2]:.3f}" for t in s.types)
    return f"{scheme} {params}: dev micro-F1 {s.prf()[2]:.4f} ({types})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=shared_data_dir() / "ner" / "anercorp")
    parser.add_argument("--schemes", nargs="+", default=["bio", "bioes"])
    parser.add_argument("--c2", type=float, nargs="+", default=[DEFAULT_PARAMS["c2"]])
    args = parser.parse_args()
    train_part, dev = split_dev(read_conll(args.data / "train.txt"))
    with tempfile.TemporaryDirectory() as folder, Pool(2) as pool:
        jobs = [
            (scheme, train_part, dev, {**DEFAULT_PARAMS, "c2": c2}, f"{folder}/{c2}")
            for scheme in args.schemes
            for c2 in args.c2
        ]
        for line in pool.imap(run_one, jobs):
            print(line, flush=True)


if __name__ == "__main__":
    main()
