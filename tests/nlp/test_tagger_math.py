"""The tagger's arithmetic against plain references: its BiLSTM (both directions in one loop,
gates reordered, sigmoid through tanh, per-token input products computed once) against the
shipped weights as training wrote them, and its Viterbi against every possible path."""

from __future__ import annotations

import itertools

import numpy as np

from newsroom.nlp.tagger import DEFAULT_DIR, default_tagger
from newsroom.nlp.tagger.features import gaz_features
from newsroom.nlp.tagger.model import viterbi


def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


def _reference_lstm(X, wih, whh, b):
    """One direction over X [T, D], torch's formulation (gates i, f, g, o), in float64."""
    H = whh.shape[1]
    h, c, out = np.zeros(H), np.zeros(H), []
    for x in X:
        z = wih @ x + whh @ h + b
        i, f, g, o = _sigmoid(z[:H]), _sigmoid(z[H : 2 * H]), np.tanh(z[2 * H : 3 * H]), z[3 * H :]
        c = f * c + i * g
        h = _sigmoid(o) * np.tanh(c)
        out.append(h)
    return np.array(out)


def test_bilstm_matches_the_trained_weights_in_torch_form():
    tagger = default_tagger()
    sents = [
        ["قال", "دونالد", "ترامب", "إن", "الولايات", "المتحدة", "لن", "تنسحب", "من", "العراق"],
        ["وأعلنت", "كتائب", "حزب", "الله", "مسؤوليتها", "."],
        ["زار", "إسماعيل", "غاني", "بغداد"],
    ]
    rows, ids = tagger._input_rows(sents)
    lens = np.array([len(s) for s in sents], dtype=np.int64)
    hidden = tagger._bilstm(tagger._padded_inputs(sents, rows, ids), lens)
    # every network of the ensemble (one file each) against its own slice of the states
    files = ["weights.npz", *tagger.config.get("members", ())]
    H, Dw = tagger.hidden, tagger.wemb.shape[1]
    for m, name in enumerate(files):
        with np.load(DEFAULT_DIR / name) as z:
            w = {k: z[k].astype(np.float64) for k in z.files}
        Dc = w["conv0_w"].shape[0]
        for b, sent in enumerate(sents):
            own = tagger._token_vectors(sent)
            own = np.concatenate([own[:, :Dw], own[:, Dw + m * Dc : Dw + (m + 1) * Dc]], axis=1)
            bits = np.zeros((len(sent), tagger.n_gaz))
            for i, fs in enumerate(gaz_features(sent, tagger.gazetteer)):
                bits[i, [f for f in fs if f < tagger.n_gaz]] = 1
            X = np.concatenate([own, bits], axis=1)
            fwd = _reference_lstm(X, w["l0f_wih"], w["l0f_whh"], w["l0f_b"])
            bwd = _reference_lstm(X[::-1], w["l0b_wih"], w["l0b_whh"], w["l0b_b"])[::-1]
            expected = np.concatenate([fwd, bwd], axis=1)
            got = hidden[b, : len(sent), m * 2 * H : (m + 1) * 2 * H]
            assert np.abs(got - expected).max() < 1e-4
            assert not hidden[b, len(sent) :].any()  # padding stays zero


def test_viterbi_finds_the_best_path_of_every_length():
    rng = np.random.default_rng(7)
    B, T, K = 6, 5, 3
    em = rng.normal(size=(B, T, K)).astype(np.float32)
    trans = rng.normal(size=(K, K)).astype(np.float32)
    trans[0, 2] = -1e4  # a forbidden move, as the CRF marks invalid BIO moves
    start, end = rng.normal(size=K).astype(np.float32), rng.normal(size=K).astype(np.float32)
    lens = np.array([5, 4, 3, 2, 1, 5], dtype=np.int64)
    paths = viterbi(em, lens, start, trans, end)
    for b, n in enumerate(lens):

        def score(path, b=b, n=n):
            s = start[path[0]] + end[path[-1]] + sum(em[b, t, path[t]] for t in range(n))
            return s + sum(trans[path[t - 1], path[t]] for t in range(1, n))

        best = max(itertools.product(range(K), repeat=int(n)), key=score)
        assert tuple(paths[b, :n]) == best
        assert not paths[b, n:].any()
