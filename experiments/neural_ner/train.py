"""Train the neural tagger with torch (training only) and export it for numpy tagging.

    python experiments/neural_ner/vectors.py --news NEWS --out /tmp/vec
    python experiments/neural_ner/silver.py --model DEV_CRF --news NEWS --out /tmp/silver-dev.jsonl.gz
    python experiments/neural_ner/train.py --vectors /tmp/vec --out /tmp/neural/neural.npz \
        [--silver /tmp/silver-dev.jsonl.gz --silver-tokens 150000] [--full --full-silver F]

``--vectors`` names a folder with ``vectors.npy`` and ``vectors.txt``. The last 10% of
train.txt is the dev set (as for the CRF); with ``--full`` the exported model is retrained
on all of train.txt with the same settings and number of epochs (``--full-silver``: silver
data tagged by a CRF trained on all of train.txt). Run with ``OMP_NUM_THREADS=1``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch
from decode import viterbi
from inputs import (
    LABELS,
    MAX_CHARS,
    SentenceInputs,
    Vocabularies,
    build_vocabularies,
    encode_sentence,
    own_features,
)
from torch import nn

from marsad.arabic.tokenise import Token, default_counts, make_token
from marsad.config import shared_data_dir
from marsad.ner.conll import Sentence, read_conll, split_dev
from marsad.ner.crf import DOCUMENT_SENTENCES
from marsad.ner.lexicon import Lexical, gazetteer_flags, read_clusters, read_flags, triggers
from marsad.ner.propagate import propagate
from marsad.ner.scoring import Scores, score

HERE = Path(__file__).resolve().parent.parent / "data"


@dataclass
class Settings:
    encoder: str = "cnn"  # "cnn" (dilated convolutions) or "lstm"
    hidden: int = 200
    layers: int = 3
    feat_dim: int = 100
    char_dim: int = 30
    char_filters: int = 50
    dropout: float = 0.5
    epochs: int = 30
    lr: float = 1e-3
    batch_tokens: int = 1000
    silver_tokens: int = 0  # silver (CRF-tagged news) tokens mixed into each epoch
    decay: bool = False  # learning rate falls linearly to 5% of ``lr`` over the epochs
    freeze_words: bool = False
    seed: int = 1


class Tagger(nn.Module):
    def __init__(self, s: Settings, vectors: np.ndarray, n_chars: int, n_feats: int) -> None:
        super().__init__()
        n_words, dim = vectors.shape[0] + 2, vectors.shape[1]
        self.s = s
        self.word = nn.Embedding(n_words, dim, padding_idx=0)
        with torch.no_grad():
            self.word.weight.zero_()
            self.word.weight[2:] = torch.from_numpy(vectors)
        self.word.weight.requires_grad = not s.freeze_words
        self.char = nn.Embedding(n_chars, s.char_dim, padding_idx=0)
        self.char_conv = nn.Conv1d(s.char_dim, s.char_filters, 3, padding=1)
        self.feat = nn.EmbeddingBag(n_feats, s.feat_dim, mode="sum", padding_idx=0)
        in_dim = dim + s.char_filters + s.feat_dim
        self.drop = nn.Dropout(s.dropout)
        if s.encoder == "lstm":
            self.lstm = nn.LSTM(in_dim, s.hidden, batch_first=True, bidirectional=True)
            out_dim = 2 * s.hidden
        else:
            self.proj = nn.Linear(in_dim, s.hidden)
            self.convs = nn.ModuleList(
                nn.Conv1d(s.hidden, s.hidden, 3, dilation=d, padding=d) for d in _dilations(s)
            )
            out_dim = s.hidden
        self.out = nn.Linear(out_dim, len(LABELS))
        self.transitions = nn.Parameter(torch.zeros(len(LABELS), len(LABELS)))
        self.start = nn.Parameter(torch.zeros(len(LABELS)))
        self.end = nn.Parameter(torch.zeros(len(LABELS)))

    def emissions(self, batch: dict[str, torch.Tensor]) -> torch.Tensor:
        words, chars, mask = batch["words"], batch["chars"], batch["mask"]
        b, t = words.shape
        c = self.char(chars.view(b * t, MAX_CHARS)).transpose(1, 2)
        c = torch.relu(self.char_conv(c)).max(dim=2).values.view(b, t, -1)
        f = self.feat(batch["feat_ids"], batch["feat_offsets"]).view(b, t, -1)
        x = self.drop(torch.cat([self.word(words), c, f], dim=2))
        m = mask.unsqueeze(2).float()
        if self.s.encoder == "lstm":
            lengths = mask.sum(1).cpu()
            packed = nn.utils.rnn.pack_padded_sequence(
                x, lengths, batch_first=True, enforce_sorted=False
            )
            h, _ = self.lstm(packed)
            h, _ = nn.utils.rnn.pad_packed_sequence(h, batch_first=True, total_length=t)
        else:
            h = torch.relu(self.proj(x)) * m
            for conv in self.convs:
                h = (h + torch.relu(conv(self.drop(h).transpose(1, 2)).transpose(1, 2))) * m
        return self.out(self.drop(h))

    def nll(self, em: torch.Tensor, tags: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        b, t, _ = em.shape
        mf = mask.float()
        gold = self.start[tags[:, 0]] + (em.gather(2, tags.unsqueeze(2)).squeeze(2) * mf).sum(1)
        gold = gold + (self.transitions[tags[:, :-1], tags[:, 1:]] * mf[:, 1:]).sum(1)
        last = tags.gather(1, (mask.sum(1) - 1).unsqueeze(1)).squeeze(1)
        gold = gold + self.end[last]
        alpha = self.start + em[:, 0]
        for i in range(1, t):
            nxt = torch.logsumexp(alpha.unsqueeze(2) + self.transitions + em[:, i].unsqueeze(1), 1)
            alpha = torch.where(mask[:, i].unsqueeze(1), nxt, alpha)
        log_z = torch.logsumexp(alpha + self.end, 1)
        return (log_z - gold).sum()


def _dilations(s: Settings) -> list[int]:
    return [1, 2, 4, 1, 2, 4][: s.layers]


def documents_of(sentences: list[Sentence]) -> list[list[list[Token]]]:
    counts = default_counts()
    return [
        [[make_token(w, 0, counts) for w, _ in s] for s in sentences[k : k + DOCUMENT_SENTENCES]]
        for k in range(0, len(sentences), DOCUMENT_SENTENCES)
    ]


def batchify(items: list[tuple[SentenceInputs, list[int]]]) -> dict[str, torch.Tensor]:
    b, t = len(items), max(len(x.words) for x, _ in items)
    words = np.zeros((b, t), dtype=np.int64)
    chars = np.zeros((b, t, MAX_CHARS), dtype=np.int64)
    tags = np.zeros((b, t), dtype=np.int64)
    mask = np.zeros((b, t), dtype=bool)
    ids, offsets = [], []
    pos = 0
    for i, (x, y) in enumerate(items):
        n = len(x.words)
        words[i, :n], chars[i, :n], tags[i, :n], mask[i, :n] = x.words, x.chars, y, True
        for j in range(t):
            offsets.append(pos)
            if j < n:
                ids.append(x.features[j])
                pos += len(x.features[j])
    return {
        "words": torch.from_numpy(words),
        "chars": torch.from_numpy(chars),
        "tags": torch.from_numpy(tags),
        "mask": torch.from_numpy(mask),
        "feat_ids": torch.from_numpy(np.concatenate(ids) if ids else np.zeros(0, np.int64)),
        "feat_offsets": torch.tensor(offsets, dtype=torch.int64),
    }


def make_batches(data: list, max_tokens: int, rng: random.Random) -> list[list]:
    order = sorted(range(len(data)), key=lambda i: len(data[i][1]) + rng.random() * 4)
    batches, cur, longest = [], [], 0
    for i in order:
        n = len(data[i][1])
        if cur and max(longest, n) * (len(cur) + 1) > max_tokens:
            batches.append(cur)
            cur, longest = [], 0
        cur.append(data[i])
        longest = max(longest, n)
    if cur:
        batches.append(cur)
    rng.shuffle(batches)
    return batches


def encode_all(
    docs: list[list[list[Token]]], feats: list, sentences: list[Sentence], vocab: Vocabularies
) -> list[tuple[SentenceInputs, list[int]]]:
    label = {t: i for i, t in enumerate(LABELS)}
    flat = [
        (tok, f) for d, df in zip(docs, feats, strict=True) for tok, f in zip(d, df, strict=True)
    ]
    return [
        (encode_sentence(toks, f, vocab), [label.get(t, 0) for _, t in s])
        for (toks, f), s in zip(flat, sentences, strict=True)
    ]


def predict(model: Tagger, data: list, docs: list[list[list[Token]]], lex: Lexical) -> list:
    """Tags per sentence after Viterbi and document-level propagation (as the CRF)."""
    model.eval()
    params = [p.detach().numpy() for p in (model.transitions, model.start, model.end)]
    tags: list[list[str]] = []
    with torch.no_grad():
        for k in range(0, len(data), 64):
            chunk = data[k : k + 64]
            em = model.emissions(batchify(chunk)).numpy()
            for i, (x, _) in enumerate(chunk):
                tags.append([LABELS[j] for j in viterbi(em[i, : len(x.words)], *params)])
    model.train()
    out, pos = [], 0
    counts = default_counts()
    for doc in docs:
        out += propagate(doc, tags[pos : pos + len(doc)], counts, lex.triggers)
        pos += len(doc)
    return out


def silver_sample(silver: list, n_tokens: int, rng: random.Random) -> list:
    """Random silver sentences adding up to about ``n_tokens`` tokens."""
    out, total = [], 0
    while silver and total < n_tokens:
        item = silver[rng.randrange(len(silver))]
        out.append(item)
        total += len(item[1])
    return out


def fit(
    s: Settings,
    train: list,
    vectors: np.ndarray,
    vocab: Vocabularies,
    dev: tuple[list, list, list[Sentence], Lexical] | None = None,
    silver: list | None = None,
) -> Tagger:
    torch.manual_seed(s.seed)
    rng = random.Random(s.seed)
    model = Tagger(s, vectors, len(vocab.chars), len(vocab.features))
    opt = torch.optim.Adam([p for p in model.parameters() if p.requires_grad], lr=s.lr)
    t0 = time.time()
    for epoch in range(1, s.epochs + 1):
        total = 0.0
        if s.decay:
            for group in opt.param_groups:
                group["lr"] = s.lr * (1 - 0.95 * (epoch - 1) / max(1, s.epochs - 1))
        epoch_data = train + silver_sample(silver or [], s.silver_tokens, rng)
        for batch_items in make_batches(epoch_data, s.batch_tokens, rng):
            batch = batchify(batch_items)
            loss = model.nll(model.emissions(batch), batch["tags"], batch["mask"])
            opt.zero_grad()
            (loss / len(batch_items)).backward()
            nn.utils.clip_grad_norm_(model.parameters(), 5.0)
            opt.step()
            total += loss.item()
        msg = f"epoch {epoch} loss {total:.0f} ({time.time() - t0:.0f}s)"
        if dev is not None and (epoch % 5 == 0 or epoch == s.epochs):
            data, docs, sents, lex = dev
            scores = evaluate_tags(sents, predict(model, data, docs, lex))
            msg += f" dev micro-F1 {scores.prf()[2]:.4f}"
        print(msg, flush=True)
    return model


def evaluate_tags(sentences: list[Sentence], pred: list[list[str]]) -> Scores:
    return score([[t for _, t in s] for s in sentences], pred)


def build_lexical(gazetteer_dir: Path | None) -> Lexical:
    return Lexical(
        triggers=triggers(),
        clusters=read_clusters(HERE / "clusters.tsv"),
        autogaz=read_flags(HERE / "autogaz.tsv"),
        gazetteer=gazetteer_flags(gazetteer_dir or shared_data_dir() / "gazetteers" / "anergazet"),
    )


def compact(a: np.ndarray) -> np.ndarray:
    """Large tables (word and feature embeddings) as float16, the rest as float32."""
    return a.astype(np.float16 if a.size > 1_000_000 else np.float32)


def export(model: Tagger, vocab: Vocabularies, s: Settings, out: Path, info: dict) -> None:
    """Weights in an .npz, vocabularies and settings in a .json beside it."""
    arrays = {k: compact(v.detach().numpy()) for k, v in model.state_dict().items()}
    out.parent.mkdir(parents=True, exist_ok=True)
    np.savez(out, **arrays)
    meta = {"settings": asdict(s), "labels": list(LABELS), **info, **vocab.as_lists()}
    out.with_suffix(".json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")


def load_vectors(directory: Path) -> tuple[np.ndarray, list[str]]:
    vectors = np.load(directory / "vectors.npy").astype(np.float32)
    words = (directory / "vectors.txt").read_text(encoding="utf-8").split("\n")[: len(vectors)]
    return vectors, words


def silver_part(path: Path, lex: Lexical) -> tuple[list, list, list[Sentence]]:
    """(documents, features, sentences) of a silver file (one document per article)."""
    from silver import read_silver

    counts = default_counts()
    docs, feats, sentences = [], [], []
    for article in read_silver(path):
        doc = [[make_token(w, 0, counts) for w, _ in s] for s in article]
        docs.append(doc)
        feats.append(own_features(doc, lex, counts))
        sentences += article
    return docs, feats, sentences


def vocabularies(gold: tuple, silver: tuple | None, vector_words: list[str]) -> Vocabularies:
    docs, feats = gold[0], gold[1]
    if silver:
        docs, feats = docs + silver[0], feats + silver[1]
    return build_vocabularies(docs, feats, vector_words)


def run(args: argparse.Namespace, s: Settings) -> None:
    sentences = read_conll(args.data / "train.txt")
    train_part, dev = split_dev(sentences)
    lex = build_lexical(args.gazetteer)
    counts = default_counts()
    vectors, vector_words = load_vectors(args.vectors)
    scale = args.vector_scale
    parts = {}
    for name, sents in (("train", train_part), ("dev", dev), ("all", sentences)):
        docs = documents_of(sents)
        parts[name] = (docs, [own_features(d, lex, counts) for d in docs], sents)
    silver = silver_part(args.silver, lex) if args.silver else None
    vocab = vocabularies(parts["train"], silver, vector_words)
    train_data = encode_all(*parts["train"], vocab)
    dev_data = encode_all(*parts["dev"], vocab)
    silver_data = encode_all(*silver, vocab) if silver else None
    t0 = time.time()
    dev_set = (dev_data, parts["dev"][0], dev, lex)
    model = fit(s, train_data, vectors * scale, vocab, dev_set, silver_data)
    secs = time.time() - t0
    scores = evaluate_tags(dev, predict(model, dev_data, parts["dev"][0], lex))
    print(f"dev ({len(dev)} sentences, trained in {secs:.0f}s):\n{scores.table()}", flush=True)
    info = {
        "dev_micro_f1": round(scores.prf()[2], 4),
        "dev_f1": {t: round(scores.prf(t)[2], 4) for t in scores.types},
        "train_seconds": round(secs),
        "trained_on": "train.txt minus the last 10% (dev)",
    }
    if args.full:
        silver = silver_part(args.full_silver, lex) if args.full_silver else None
        vocab = vocabularies(parts["all"], silver, vector_words)
        silver_data = encode_all(*silver, vocab) if silver else None
        model = fit(s, encode_all(*parts["all"], vocab), vectors * scale, vocab, None, silver_data)
        info["trained_on"] = "all of train.txt (dev scores are from the train-minus-dev model)"
    if args.out:
        export(model, vocab, s, args.out, {**info, "vector_scale": scale})


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    torch.set_num_threads(1)
    parser = argparse.ArgumentParser(description="Train the marsad neural NER tagger.")
    parser.add_argument("--data", type=Path, default=shared_data_dir() / "ner" / "anercorp")
    parser.add_argument("--vectors", type=Path, required=True, help="vectors.npy/.txt folder")
    parser.add_argument("--vector-scale", type=float, default=1.0)
    parser.add_argument("--gazetteer", type=Path, default=None, help="ANERGazet directory")
    parser.add_argument("--out", type=Path, default=None, help="exported .npz (and .json)")
    parser.add_argument("--full", action="store_true", help="retrain on all of train after dev")
    parser.add_argument("--silver", type=Path, default=None, help="silver file for the dev run")
    parser.add_argument(
        "--full-silver", type=Path, default=None, help="silver file for the --full run"
    )
    for field, default in asdict(Settings()).items():
        flag = "--" + field.replace("_", "-")
        if isinstance(default, bool):
            parser.add_argument(flag, action="store_true")
        else:
            parser.add_argument(flag, type=type(default), default=default)
    args = parser.parse_args(argv)
    s = Settings(**{k: getattr(args, k) for k in asdict(Settings())})
    print(s, flush=True)
    run(args, s)


if __name__ == "__main__":
    main()
