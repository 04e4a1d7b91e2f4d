"""CoNLL exact-span scoring (seqeval-equivalent for BIO) plus confusions and overlap scores."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

Span = tuple[int, int, str]  # start token, end token (exclusive), type


def spans(tags: list[str]) -> list[Span]:
    """Entity spans from BIO tags, CoNLL-style: a stray I- starts a new entity."""
    out: list[Span] = []
    start, etype = -1, ""
    for i, tag in enumerate([*tags, "O"]):
        if tag == "O":  # most tags: nothing to read
            if start >= 0:
                out.append((start, i, etype))
                start = -1
            continue
        bio, _, t = tag.partition("-")
        if start >= 0 and (bio in ("O", "B") or t != etype):
            out.append((start, i, etype))
            start = -1
        if bio == "B" or (bio == "I" and start < 0):
            start, etype = i, t
    return out


@dataclass
class Scores:
    tp: Counter = field(default_factory=Counter)
    fp: Counter = field(default_factory=Counter)
    fn: Counter = field(default_factory=Counter)
    confusions: Counter = field(default_factory=Counter)  # (gold type, predicted type) on same span

    def prf(self, etype: str | None = None) -> tuple[float, float, float]:
        if etype is None:
            tp, fp, fn = sum(self.tp.values()), sum(self.fp.values()), sum(self.fn.values())
        else:
            tp, fp, fn = self.tp[etype], self.fp[etype], self.fn[etype]
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        return p, r, 2 * p * r / (p + r) if p + r else 0.0

    @property
    def types(self) -> list[str]:
        return sorted(set(self.tp) | set(self.fp) | set(self.fn))

    def table(self) -> str:
        lines = [f"{'type':<8}{'P':>8}{'R':>8}{'F1':>8}{'gold':>7}"]
        for t in [*self.types, None]:
            p, r, f = self.prf(t)
            gold = self.tp[t] + self.fn[t] if t else sum(self.tp.values()) + sum(self.fn.values())
            lines.append(f"{t or 'micro':<8}{p:8.3f}{r:8.3f}{f:8.3f}{gold:7d}")
        return "\n".join(lines)


def score(gold: list[list[str]], pred: list[list[str]], overlap: bool = False) -> Scores:
    """Exact-span scores; with ``overlap``, a predicted span of the right type matches a gold
    span when they share a token (each gold span matched at most once)."""
    s = Scores()
    for g_tags, p_tags in zip(gold, pred, strict=True):
        g, p = spans(g_tags), spans(p_tags)
        if overlap:
            used: set[Span] = set()
            for ps in p:
                hit = next(
                    (
                        gs
                        for gs in g
                        if gs not in used and gs[2] == ps[2] and gs[0] < ps[1] and ps[0] < gs[1]
                    ),
                    None,
                )
                if hit:
                    used.add(hit)
                    s.tp[ps[2]] += 1
                else:
                    s.fp[ps[2]] += 1
            for gs in g:
                if gs not in used:
                    s.fn[gs[2]] += 1
            continue
        gset, pset = set(g), set(p)
        for sp in pset & gset:
            s.tp[sp[2]] += 1
        for sp in pset - gset:
            s.fp[sp[2]] += 1
        for sp in gset - pset:
            s.fn[sp[2]] += 1
        by_pos = {(a, b): t for a, b, t in p}
        for a, b, t in g:
            if (a, b) in by_pos and by_pos[(a, b)] != t:
                s.confusions[(t, by_pos[(a, b)])] += 1
    return s
