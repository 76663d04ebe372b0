"""The tagger's inner loops, compiled with numba: the LSTM cell of both directions and Viterbi.

numpy's ``tanh`` is not vectorised on this project's x86 machines (about 4 ns a value, as long as
the recurrent matrix product itself), and each step of the cell in numpy is a dozen passes over
small arrays. Here one pass computes the gates, the new cell state and the hidden state, with a
``tanh`` built from multiplications and one division, which the compiler vectorises.

Compiled code is cached on disk beside this file (``__pycache__``), so only the first process
after an install compiles (a few seconds); :func:`warm_up` does it ahead of time.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

_f = np.float32
# tanh(9) is 1 - 3e-8, which float32 rounds to 1.
_SATURATION = _f(9.0)
_OPTS = {"cache": True, "fastmath": True, "error_model": "numpy", "boundscheck": False}


@njit(inline="always", **_OPTS)
def tanh(v):
    """tanh in float32, within 2e-7 of the exact value (tests/nlp/test_kernels.py).

    tanh(a) = q / (q + 2) with q = exp(2a) - 1. For |a| <= 9, r = 2|a| / 64 <= 0.29: the first
    eight terms of the series of exp(r) - 1 leave an error below 1e-9 of it, and six doublings
    (exp(2x) - 1 = q (q + 2)) give q without the cancellation of computing exp(2a) - 1 directly.
    """
    a = min(abs(v), _SATURATION)
    r = a * _f(2.0 / 64.0)
    q = r * (
        _f(1.0)
        + r
        * (
            _f(1 / 2)
            + r
            * (
                _f(1 / 6)
                + r
                * (
                    _f(1 / 24)
                    + r * (_f(1 / 120) + r * (_f(1 / 720) + r * (_f(1 / 5040) + r * _f(1 / 40320))))
                )
            )
        )
    )
    for _ in range(6):
        q = q * (_f(2.0) + q)
    return math.copysign(q / (q + _f(2.0)), v)


@njit(**_OPTS)
def lstm_step(z, xw, lens, t, c, h, out, k):
    """One time step of both directions for the k sentences still running at step t.

    z: [2, B, 4H] recurrent products h @ U (gates i, f, o, g; the sigmoid gates' rows are
    pre-scaled by 1/2, so sigmoid(x) = 0.5 + 0.5 tanh of them). xw: [B, T, 8H] input products,
    forward gates then backward gates. The forward direction reads position t, the backward one
    position lens[b] - 1 - t. c, h: [2, B, H] state, updated in place. out: [B, T, 2H], the
    forward hidden state then the backward one, written at the position they belong to.
    """
    H = c.shape[2]
    G = 4 * H
    for d in range(2):
        for b in range(k):
            p = t if d == 0 else lens[b] - 1 - t
            zz = z[d, b]
            xx = xw[b, p, d * G : (d + 1) * G]
            cc = c[d, b]
            hh = h[d, b]
            oo = out[b, p, d * H : (d + 1) * H]
            for j in range(H):
                i = _f(0.5) + _f(0.5) * tanh(zz[j] + xx[j])
                f = _f(0.5) + _f(0.5) * tanh(zz[H + j] + xx[H + j])
                o = _f(0.5) + _f(0.5) * tanh(zz[2 * H + j] + xx[2 * H + j])
                g = tanh(zz[3 * H + j] + xx[3 * H + j])
                cn = f * cc[j] + i * g
                hn = o * tanh(cn)
                cc[j] = cn
                hh[j] = hn
                oo[j] = hn


@njit(**_OPTS)
def viterbi(em, lens, start, trans, end):
    """Best tag path of each sentence: em [B, T, K] emissions, trans [from, to]. Positions past
    a sentence's length are left 0."""
    B, T, K = em.shape
    path = np.zeros((B, T), np.int64)
    back = np.zeros((T, K), np.int64)
    score = np.empty(K, np.float32)
    new = np.empty(K, np.float32)
    for b in range(B):
        n = lens[b]
        for k in range(K):
            score[k] = start[k] + em[b, 0, k]
        for t in range(1, n):
            for k in range(K):
                best = 0
                value = score[0] + trans[0, k]
                for j in range(1, K):
                    s = score[j] + trans[j, k]
                    if s > value:
                        best = j
                        value = s
                new[k] = value + em[b, t, k]
                back[t, k] = best
            score[:] = new
        best = 0
        value = score[0] + end[0]
        for k in range(1, K):
            if score[k] + end[k] > value:
                best = k
                value = score[k] + end[k]
        path[b, n - 1] = best
        for t in range(n - 1, 0, -1):
            best = back[t, best]
            path[b, t - 1] = best
    return path


def warm_up() -> None:
    """Compile (or load from the cache) every kernel now rather than on the first article."""
    H, K = 2, 3
    z = np.zeros((2, 1, 4 * H), np.float32)
    state = np.zeros((2, 1, H), np.float32)
    lens = np.ones(1, np.int64)
    lstm_step(
        z,
        np.zeros((1, 1, 8 * H), np.float32),
        lens,
        0,
        state,
        state.copy(),
        np.zeros((1, 1, 2 * H), np.float32),
        1,
    )
    row = np.zeros(K, np.float32)
    viterbi(np.zeros((1, 1, K), np.float32), lens, row, np.zeros((K, K), np.float32), row)
