"""Does pretraining on our unlabelled Arabic news make a tagger that beats the CRF on dev?

A BERT-style encoder (pure torch) is pretrained with masked-language modelling on the ANT
news corpus (the only unlabelled Arabic text we have, 8.1 M words), then fine-tuned for
NER on ANERcorp train minus dev (the CRF's dev split: the last 10 % of train.txt) and scored
on dev with marsad's CoNLL scorer. The same encoder fine-tuned from random weights is the
control. Test is scored once per run, for the epoch chosen on dev, for information only.

    PYTHONPATH=src python experiments/pretrain_ner/run.py --news NEWS.jsonl.gz \
        --anercorp DIR --out OUT [--minutes 4.5] [--layers 8 --hidden 512 --heads 8]

Needs torch and tokenizers (training only; nothing here ships). Meant for a GPU: on a CPU
use a tiny configuration (``--layers 2 --hidden 64 --articles 300 --minutes 0.2``) to
check that it runs.
"""

from __future__ import annotations

import argparse
import gzip
import json
import math
import random
import time
from pathlib import Path

import torch
from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, trainers
from torch import nn
from torch.nn import functional as F

from marsad.arabic.normalise import normalise
from marsad.ner.conll import read_conll, split_dev
from marsad.ner.scoring import score

LABELS = ["O", "B-PERS", "I-PERS", "B-LOC", "I-LOC", "B-ORG", "I-ORG", "B-MISC", "I-MISC"]
SPECIAL = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
PAD, UNK, CLS, SEP, MASK = range(5)


def word_form(word: str) -> str:
    """What the encoder reads for one word: marsad's normalised form (the word itself when
    normalising leaves nothing, e.g. punctuation)."""
    return normalise(word) or word


def read_news(path: Path, limit: int) -> list[str]:
    texts = []
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            text = f"{row.get('title') or ''}\n{row.get('text') or ''}"
            texts.append(" ".join(word_form(w) for w in text.split()))
            if len(texts) >= limit:
                break
    return texts


def train_tokenizer(texts: list[str], vocab: int) -> Tokenizer:
    tok = Tokenizer(models.WordPiece(unk_token="[UNK]"))
    tok.normalizer = normalizers.NFC()
    tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    trainer = trainers.WordPieceTrainer(vocab_size=vocab, special_tokens=SPECIAL)
    tok.train_from_iterator(texts, trainer)
    return tok


def pretraining_blocks(tok: Tokenizer, texts: list[str], seq: int) -> torch.Tensor:
    """All articles' token ids, concatenated and cut into [CLS] … [SEP] blocks."""
    ids: list[int] = []
    for enc in tok.encode_batch(texts):
        ids += enc.ids + [SEP]
    body = seq - 2
    n = len(ids) // body
    blocks = torch.tensor(ids[: n * body]).view(n, body)
    return torch.cat([torch.full((n, 1), CLS), blocks, torch.full((n, 1), SEP)], dim=1)


class Encoder(nn.Module):
    def __init__(self, vocab: int, seq: int, layers: int, hidden: int, heads: int) -> None:
        super().__init__()
        self.word = nn.Embedding(vocab, hidden, padding_idx=PAD)
        self.position = nn.Embedding(seq, hidden)
        self.norm = nn.LayerNorm(hidden)
        self.drop = nn.Dropout(0.1)
        layer = nn.TransformerEncoderLayer(
            hidden, heads, 4 * hidden, 0.1, activation="gelu", batch_first=True, norm_first=True
        )
        self.layers = nn.TransformerEncoder(layer, layers, enable_nested_tensor=False)
        self.final = nn.LayerNorm(hidden)
        for embedding in (self.word, self.position):  # BERT's scale (tied to the MLM output)
            nn.init.normal_(embedding.weight, std=0.02)

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        positions = torch.arange(ids.shape[1], device=ids.device)
        x = self.drop(self.norm(self.word(ids) + self.position(positions)))
        return self.final(self.layers(x, src_key_padding_mask=ids == PAD))


def mask_tokens(ids: torch.Tensor, vocab: int) -> tuple[torch.Tensor, torch.Tensor]:
    """BERT's masking: 15 % of the tokens are predicted; of those 80 % [MASK], 10 % random."""
    labels = ids.clone()
    chosen = (torch.rand(ids.shape, device=ids.device) < 0.15) & (ids >= len(SPECIAL))
    labels[~chosen] = -100
    ids = ids.clone()
    roll = torch.rand(ids.shape, device=ids.device)
    ids[chosen & (roll < 0.8)] = MASK
    swap = chosen & (roll >= 0.8) & (roll < 0.9)
    ids[swap] = torch.randint(len(SPECIAL), vocab, ids.shape, device=ids.device)[swap]
    return ids, labels


def schedule(step: int, total: int, warmup: int) -> float:
    if step < warmup:
        return step / max(1, warmup)
    return max(0.0, (total - step) / max(1, total - warmup))


def pretrain(encoder: Encoder, blocks: torch.Tensor, args: argparse.Namespace, log) -> None:
    device = args.device
    vocab = encoder.word.num_embeddings
    head = nn.Linear(encoder.word.embedding_dim, vocab).to(device)
    head.weight = encoder.word.weight  # tied
    params = list(encoder.parameters()) + [head.bias]
    opt = torch.optim.AdamW(params, lr=args.lr, weight_decay=0.01, betas=(0.9, 0.98))
    blocks = blocks.to(device)
    budget, started = args.minutes * 60, time.monotonic()
    step, total, losses = 0, None, []
    mark = (0, 0.0)
    encoder.train()
    while True:
        batch = blocks[torch.randint(len(blocks), (args.batch,), device=device)]
        ids, labels = mask_tokens(batch, vocab)
        with torch.autocast(device.split(":")[0], dtype=torch.bfloat16, enabled=args.bf16):
            hidden = encoder(ids)
            chosen = labels != -100
            logits = head(hidden[chosen])
        loss = F.cross_entropy(logits.float(), labels[chosen])
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        if total is not None:
            for g in opt.param_groups:
                g["lr"] = args.lr * schedule(step, total, total // 20)
        opt.step()
        step += 1
        losses.append(loss.item())
        if step in (20, 200):  # the steps the budget allows, at the speed so far (the
            spent = time.monotonic() - started  # first steps are slower: estimated twice)
            if step == 20:
                mark = (step, spent)
            rate = (spent - mark[1]) / (step - mark[0]) if step > 20 else spent / step
            total = max(step + 20, int(step + (budget - spent) / rate))
            log(f"pretraining: {rate * 1000:.0f} ms/step → {total} steps")
        if total is not None and step % max(1, total // 10) == 0:
            log(f"  step {step}/{total} loss {sum(losses[-50:]) / len(losses[-50:]):.3f}")
        if total is not None and step >= total:
            break
    tokens = step * args.batch * blocks.shape[1]
    log(
        f"pretraining done: {step} steps, {tokens / 1e6:.0f} M tokens, "
        f"{tokens / (len(blocks) * blocks.shape[1]):.1f} epochs, {time.monotonic() - started:.0f} s"
    )


def encode_sentences(tok: Tokenizer, sentences: list, seq: int) -> list[tuple[list, list, int]]:
    """(subword ids, label per subword: the word's on its first piece, -100 elsewhere, number
    of words) per sentence, cut into pieces that fit the encoder."""
    out = []
    for sentence in sentences:
        ids, labels, words = [CLS], [-100], 0
        for word, tag in sentence:
            pieces = tok.encode(word_form(word), add_special_tokens=False).ids or [UNK]
            if len(ids) + len(pieces) > seq - 1:
                out.append((ids + [SEP], labels + [-100], words))
                ids, labels, words = [CLS], [-100], 0
            ids += pieces
            labels += [LABELS.index(tag) if tag in LABELS else 0] + [-100] * (len(pieces) - 1)
            words += 1
        out.append((ids + [SEP], labels + [-100], words))
    return out


def padded(items: list, device: str) -> tuple[torch.Tensor, torch.Tensor]:
    width = max(len(i[0]) for i in items)
    ids = torch.full((len(items), width), PAD)
    labels = torch.full((len(items), width), -100)
    for row, (i, lab, _) in enumerate(items):
        ids[row, : len(i)] = torch.tensor(i)
        labels[row, : len(lab)] = torch.tensor(lab)
    return ids.to(device), labels.to(device)


def predict(encoder: Encoder, head: nn.Linear, data: list, args) -> list[str]:
    encoder.eval()
    tags: list[str] = []
    with torch.no_grad():
        for start in range(0, len(data), 64):
            items = data[start : start + 64]
            ids, labels = padded(items, args.device)
            logits = head(encoder(ids).float())
            for row in range(len(items)):
                keep = labels[row] != -100
                tags += [LABELS[k] for k in logits[row][keep].argmax(-1).tolist()]
    return tags


def regroup(flat: list[str], sentences: list) -> list[list[str]]:
    out, at = [], 0
    for sentence in sentences:
        out.append(flat[at : at + len(sentence)])
        at += len(sentence)
    return out


def fine_tune(encoder: Encoder, tok: Tokenizer, splits: dict, args, log, name: str) -> dict:
    device = args.device
    head = nn.Linear(encoder.word.embedding_dim, len(LABELS)).to(device)
    train = encode_sentences(tok, splits["train"], args.seq)
    evals = {k: encode_sentences(tok, splits[k], args.seq) for k in ("dev", "test")}
    params = list(encoder.parameters()) + list(head.parameters())
    opt = torch.optim.AdamW(params, lr=args.ft_lr, weight_decay=0.01)
    steps_per_epoch = math.ceil(len(train) / 32)
    total, step = args.ft_epochs * steps_per_epoch, 0
    best = {"dev": -1.0}
    for epoch in range(1, args.ft_epochs + 1):
        encoder.train()
        random.shuffle(train)
        for start in range(0, len(train), 32):
            ids, labels = padded(train[start : start + 32], device)
            for g in opt.param_groups:
                g["lr"] = args.ft_lr * schedule(step, total, total // 10)
            with torch.autocast(device.split(":")[0], dtype=torch.bfloat16, enabled=args.bf16):
                logits = head(encoder(ids))
            loss = F.cross_entropy(logits.float().view(-1, len(LABELS)), labels.view(-1))
            opt.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            opt.step()
            step += 1
        found = {}
        for split in ("dev", "test"):
            gold = [[t for _, t in s] for s in splits[split]]
            pred = regroup(predict(encoder, head, evals[split], args), splits[split])
            found[split] = score(gold, pred)
        f1 = found["dev"].prf()[2]
        log(f"  {name} epoch {epoch}: dev micro-F1 {f1:.3f}")
        if f1 > best["dev"]:
            per_type = {t: round(found["dev"].prf(t)[2], 3) for t in found["dev"].types}
            best = {
                "dev": round(f1, 3),
                "epoch": epoch,
                "dev_types": per_type,
                "test": round(found["test"].prf()[2], 3),
            }
    log(f"{name}: best dev {best['dev']} (epoch {best['epoch']}), test there {best['test']}")
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--news", type=Path, required=True)
    parser.add_argument("--anercorp", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--articles", type=int, default=10**9)
    parser.add_argument("--vocab", type=int, default=16000)
    parser.add_argument("--seq", type=int, default=128)
    parser.add_argument("--layers", type=int, default=8)
    parser.add_argument("--hidden", type=int, default=512)
    parser.add_argument("--heads", type=int, default=8)
    parser.add_argument("--batch", type=int, default=256)
    parser.add_argument("--lr", type=float, default=5e-4)
    parser.add_argument("--minutes", type=float, default=4.5, help="pretraining time budget")
    parser.add_argument("--ft-epochs", type=int, default=8)
    parser.add_argument("--ft-lr", type=float, default=1e-4)
    parser.add_argument("--no-control", action="store_true", help="skip the random-init run")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    args.device = "cuda" if torch.cuda.is_available() else "cpu"
    args.bf16 = args.device == "cuda"
    random.seed(args.seed)
    torch.manual_seed(args.seed)
    args.out.mkdir(parents=True, exist_ok=True)
    lines: list[str] = []

    def log(message: str) -> None:  # kept as it goes: a run cut short keeps its log
        print(message, flush=True)
        lines.append(message)
        (args.out / "log.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")

    t0 = time.monotonic()
    texts = read_news(args.news, args.articles)
    tok = train_tokenizer(texts, args.vocab)
    blocks = pretraining_blocks(tok, texts, args.seq)
    log(
        f"{len(texts)} articles, {blocks.numel() / 1e6:.1f} M subword tokens, vocabulary "
        f"{tok.get_vocab_size()}, {time.monotonic() - t0:.0f} s to prepare; device {args.device}"
    )
    train, dev = split_dev(read_conll(args.anercorp / "train.txt"))
    splits = {"train": train, "dev": dev, "test": read_conll(args.anercorp / "test.txt")}

    def new_encoder() -> Encoder:
        shape = (tok.get_vocab_size(), args.seq, args.layers, args.hidden, args.heads)
        return Encoder(*shape).to(args.device)

    results = {
        "settings": {k: v for k, v in vars(args).items() if k not in {"news", "anercorp", "out"}}
    }
    encoder = new_encoder()
    log(f"encoder: {sum(p.numel() for p in encoder.parameters()) / 1e6:.1f} M parameters")
    pretrain(encoder, blocks, args, log)
    results["pretrained"] = fine_tune(encoder, tok, splits, args, log, "pretrained")
    (args.out / "results.json").write_text(json.dumps(results, indent=1), encoding="utf-8")
    if not args.no_control:
        results["random_init"] = fine_tune(new_encoder(), tok, splits, args, log, "random init")
    results["seconds"] = round(time.monotonic() - t0)
    (args.out / "results.json").write_text(json.dumps(results, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
