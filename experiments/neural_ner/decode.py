"""Linear-chain CRF decoding in numpy: Viterbi tags and per-token label marginals."""

from __future__ import annotations

import numpy as np


def viterbi(
    emissions: np.ndarray, transitions: np.ndarray, start: np.ndarray, end: np.ndarray
) -> list[int]:
    """Best label sequence for one sentence; ``emissions`` is (n, labels)."""
    n = len(emissions)
    if n == 0:
        return []
    score = start + emissions[0]
    back = np.zeros((n, len(start)), dtype=np.int64)
    for t in range(1, n):
        cand = score[:, None] + transitions
        back[t] = cand.argmax(axis=0)
        score = cand.max(axis=0) + emissions[t]
    best = [int((score + end).argmax())]
    for t in range(n - 1, 0, -1):
        best.append(int(back[t, best[-1]]))
    return best[::-1]


def _logsumexp(x: np.ndarray, axis: int) -> np.ndarray:
    m = x.max(axis=axis, keepdims=True)
    return (m + np.log(np.exp(x - m).sum(axis=axis, keepdims=True))).squeeze(axis)


def marginals(
    emissions: np.ndarray, transitions: np.ndarray, start: np.ndarray, end: np.ndarray
) -> np.ndarray:
    """P(label at token i) for one sentence (forward-backward), shape (n, labels)."""
    n, k = emissions.shape
    alpha = np.zeros((n, k))
    beta = np.zeros((n, k))
    alpha[0] = start + emissions[0]
    for t in range(1, n):
        alpha[t] = _logsumexp(alpha[t - 1][:, None] + transitions, 0) + emissions[t]
    beta[-1] = end
    for t in range(n - 2, -1, -1):
        beta[t] = _logsumexp(transitions + (emissions[t + 1] + beta[t + 1])[None, :], 1)
    log_z = _logsumexp(alpha[-1] + end, 0)
    return np.exp(alpha + beta - log_z)


def viterbi_batch(
    emissions: list[np.ndarray], transitions: np.ndarray, start: np.ndarray, end: np.ndarray
) -> list[list[int]]:
    """``viterbi`` for several sentences at once (one numpy step per position)."""
    lengths = [len(e) for e in emissions]
    b, t_max = len(emissions), max(lengths, default=0)
    if t_max == 0:
        return [[] for _ in emissions]
    k = len(start)
    em = np.zeros((b, t_max, k), dtype=np.float64)
    for i, e in enumerate(emissions):
        em[i, : len(e)] = e
    lens = np.array(lengths)
    score = start + em[:, 0]
    back = np.zeros((b, t_max, k), dtype=np.int64)
    for t in range(1, t_max):
        cand = score[:, :, None] + transitions
        back[:, t] = cand.argmax(axis=1)
        new = cand.max(axis=1) + em[:, t]
        score = np.where((t < lens)[:, None], new, score)
    best = np.zeros((b, t_max), dtype=np.int64)
    best[np.arange(b), np.maximum(lens - 1, 0)] = (score + end).argmax(axis=1)
    for t in range(t_max - 1, 0, -1):
        inside = t < lens
        prev = back[np.arange(b), t, best[:, t]]
        best[:, t - 1] = np.where(inside, prev, best[:, t - 1])
    return [best[i, :n].tolist() for i, n in enumerate(lengths)]
