"""Numpy inference of the BiLSTM-CRF tagger that ``manage.py train_ner`` exports.

Artefacts (one directory, default ``newsroom/nlp/data/tagger``):

* ``config.json`` — tags, the character alphabet, sizes;
* ``weights.npz`` — word embeddings (float16, frozen fastText vectors), char embeddings and CNN,
  the LSTM of each direction, the output layer, CRF transitions (invalid BIO moves at -1e4);
* ``words.txt`` — the vocabulary, one normalised word a line, in the order of the embedding rows:
  ``<pad>``, ``<unk>``, then the embedding corpus' words by descending frequency, then the few
  training words that corpus lacks;
* ``gazetteer.tsv`` — ``KINDS<TAB>normalised name`` for the gazetteer features.

Per token: word vector + char-CNN (max-pooled) + 9 gazetteer bits → BiLSTM → linear → CRF
(Viterbi). Sentences are tagged in length-sorted batches; numpy only, no torch.
"""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from .features import (
    MAX_CHARS,
    N_GAZ,
    UNKNOWN_WORD,
    char_ids,
    gaz_features,
    name_starts,
    norm_word,
)

DEFAULT_DIR = Path(__file__).resolve().parent.parent / "data" / "tagger"
ARTEFACTS = ("config.json", "weights.npz", "words.txt", "gazetteer.tsv")
_CACHE_ROWS = 50_000  # token strings whose context-free features are kept (30 MB)


class Tagger:
    """The trained tagger: ``tag_many(sentences)`` → BIO tags per sentence."""

    def __init__(self, directory: Path | str = DEFAULT_DIR) -> None:
        d = Path(directory)
        cfg = json.loads((d / "config.json").read_text(encoding="utf-8"))
        if cfg.get("encoder", "lstm") != "lstm" or cfg.get("layers", 1) != 1:
            raise ValueError(f"{d}: only a one-layer BiLSTM tagger is supported")
        self.config = cfg
        self.tags: list[str] = cfg["tags"]
        self.chars = {c: i + 3 for i, c in enumerate(cfg["chars"])}
        words = (d / "words.txt").read_text(encoding="utf-8").split("\n")
        self.vocab = {w: i for i, w in enumerate(words)}
        self.gazetteer = read_gazetteer(d / "gazetteer.tsv") if cfg.get("gaz") else {}
        self.name_starts = name_starts(self.gazetteer)
        with np.load(d / "weights.npz") as z:
            self._set_weights(z, cfg)
        # context-free features of recent token strings: rows of one fixed matrix (no growth,
        # no fragmentation), emptied when full
        self._rows: np.ndarray | None = None
        self._row_of: dict[str, int] = {}
        self._lock = threading.Lock()
        self.one_blas_thread = _one_blas_thread()

    def _set_weights(self, z, cfg: dict) -> None:
        f32 = np.float32
        self.wemb = z["wemb"]  # float16 [V, D]; rows are converted when looked up
        self.cemb = z["cemb"].astype(f32)
        self.convs = []
        for i, k in enumerate(cfg["char_widths"]):
            w = z[f"conv{i}_w"].astype(f32)  # torch Conv1d [filters, char dim, k]
            # im2col layout: a window [k, char dim] flattened → [k * char dim, filters]
            flat = np.ascontiguousarray(w.transpose(2, 1, 0).reshape(-1, w.shape[0]))
            self.convs.append((k, flat, z[f"conv{i}_b"].astype(f32)))
        H = self.hidden = cfg["hidden"]
        # torch's gate order i, f, g, o → i, f, o, g, so the three sigmoid gates are contiguous;
        # sigmoid(x) = 0.5 + 0.5 tanh(x / 2): the 1/2 is folded into their rows
        perm = np.r_[0:H, H : 2 * H, 3 * H : 4 * H, 2 * H : 3 * H]
        scale = np.r_[np.full(3 * H, 0.5), np.ones(H)].astype(f32)
        inputs, recurrent = [], []
        for d in "fb":
            wih, whh, b = z[f"l0{d}_wih"][perm], z[f"l0{d}_whh"][perm], z[f"l0{d}_b"][perm]
            inputs.append((np.ascontiguousarray(wih.T.astype(f32)) * scale, b.astype(f32) * scale))
            recurrent.append(np.ascontiguousarray(whh.T.astype(f32)) * scale)
        self.lstm_in = inputs  # per direction: ([D, 4H], [4H])
        self.lstm_rec = np.stack(recurrent, 0)  # [2, H, 4H]
        self.out_w = np.ascontiguousarray(z["out_w"].T.astype(f32))
        self.out_b = z["out_b"].astype(f32)
        self.trans = z["trans"].astype(f32)  # [from, to]
        self.start = z["start"].astype(f32)
        self.end = z["end"].astype(f32)

    # --- features -----------------------------------------------------------------------------

    def word_id(self, token: str) -> int:
        return self.vocab.get(norm_word(token), UNKNOWN_WORD)

    def _token_vectors(self, toks: Sequence[str]) -> np.ndarray:
        """Word embedding + char-CNN features of distinct token strings (no context)."""
        n = len(toks)
        wid = np.fromiter((self.word_id(t) for t in toks), dtype=np.int64, count=n)
        parts = [self.wemb[wid].astype(np.float32)]
        C = np.array([char_ids(t, self.chars) for t in toks], dtype=np.int64)  # [n, L]
        ce = self.cemb[C]  # [n, L, Dc]
        L = MAX_CHARS
        for k, w, b in self.convs:
            p = k // 2
            pad = np.zeros((n, L + 2 * p, ce.shape[2]), dtype=np.float32)
            pad[:, p : p + L] = ce
            win = np.lib.stride_tricks.sliding_window_view(pad, k, axis=1)[:, :L]  # [n,L,Dc,k]
            win = win.transpose(0, 1, 3, 2).reshape(n * L, -1)
            h = (win @ w + b).reshape(n, L, -1)
            parts.append(np.maximum(h, 0).max(axis=1))
        return np.concatenate(parts, axis=1)

    def _padded_features(self, sents: Sequence[Sequence[str]]) -> np.ndarray:
        """Features of non-empty sentences, left-aligned and zero-padded: [B, T, D]. The
        context-free part of all their tokens is looked up in one go."""
        lens = [len(s) for s in sents]
        own = self._own_features([t for s in sents for t in s])
        d = own.shape[1]
        X = np.zeros((len(sents), max(lens), d + (N_GAZ if self.gazetteer else 0)), np.float32)
        rows = np.repeat(np.arange(len(sents)), lens)
        cols = np.concatenate([np.arange(n) for n in lens])
        X[rows, cols, :d] = own
        if self.gazetteer:
            for b, sent in enumerate(sents):
                for i, fs in enumerate(gaz_features(sent, self.gazetteer, starts=self.name_starts)):
                    for f in fs:
                        X[b, i, d + f] = 1.0
        return X

    def _own_features(self, tokens: Sequence[str]) -> np.ndarray:
        """Word vector + char-CNN of each token, from the cache of recent token strings."""
        with self._lock:
            row_of = self._row_of
            missing = list(dict.fromkeys(t for t in tokens if t not in row_of))
            if len(missing) > _CACHE_ROWS // 2:  # a huge text: no caching
                X = self._token_vectors(tokens)
            else:
                if self._rows is None:
                    dim = self.wemb.shape[1] + sum(w.shape[1] for _, w, _ in self.convs)
                    self._rows = np.empty((_CACHE_ROWS, dim), dtype=np.float32)
                if len(row_of) + len(missing) > _CACHE_ROWS:
                    row_of.clear()
                    missing = list(dict.fromkeys(tokens))
                if missing:
                    first = len(row_of)
                    self._rows[first : first + len(missing)] = self._token_vectors(missing)
                    row_of.update(zip(missing, range(first, first + len(missing)), strict=True))
                X = self._rows[[row_of[t] for t in tokens]]
        return X

    # --- network ------------------------------------------------------------------------------

    def _bilstm(self, X: np.ndarray, lens: np.ndarray) -> np.ndarray:
        """X: [B, T, D], sentences left-aligned and zero-padded → [B, T, 2H].

        Both directions run in one time loop, the backward one over each sentence reversed in
        place. Sentences are taken longest first, so those still running at step t are the first
        k(t) rows and padding costs nothing. One tanh call covers all four gates (see
        _set_weights)."""
        order = np.argsort(-lens, kind="stable")
        X, lens = X[order], lens[order]
        B, T, _ = X.shape
        H = self.hidden
        ar = np.arange(T)
        rev = np.where(ar[None, :] < lens[:, None], lens[:, None] - 1 - ar[None, :], ar[None, :])
        bidx = np.arange(B)[:, None]
        (wf, bf), (wb, bb) = self.lstm_in
        xs = np.empty((T, 2, B, wf.shape[1]), dtype=np.float32)  # time first, for the loop
        xs[:, 0] = (X @ wf + bf).transpose(1, 0, 2)
        xs[:, 1] = (X[bidx, rev] @ wb + bb).transpose(1, 0, 2)
        running = (lens[None, :] > ar[:, None]).sum(1)  # k(t), never increasing
        U = self.lstm_rec
        h = np.zeros((2, B, H), dtype=np.float32)
        c = np.zeros((2, B, H), dtype=np.float32)
        hs = np.zeros((T, 2, B, H), dtype=np.float32)
        for t in range(T):
            k = running[t]
            g = np.tanh(xs[t, :, :k] + h[:, :k] @ U)  # [2, k, 4H]
            s = g[..., : 3 * H] * 0.5 + 0.5
            ck = s[..., H : 2 * H] * c[:, :k] + s[..., :H] * g[..., 3 * H :]
            hk = s[..., 2 * H :] * np.tanh(ck)
            c[:, :k] = ck
            h[:, :k] = hk
            hs[t, :, :k] = hk
        hs = hs.transpose(1, 2, 0, 3)  # [2, B, T, H]
        out = np.empty((B, T, 2 * H), dtype=np.float32)
        out[order] = np.concatenate([hs[0], hs[1][bidx, rev]], axis=2)
        return out

    def _viterbi(self, em: np.ndarray, lens: np.ndarray) -> np.ndarray:
        B, T, K = em.shape
        score = self.start[None] + em[:, 0]
        back = np.zeros((T, B, K), dtype=np.int64)
        ragged = lens.min() != T
        same = np.broadcast_to(np.arange(K), (B, K))
        trans = self.trans[None]
        for t in range(1, T):
            s = score[:, :, None] + trans  # [B, from, to]
            arg = s.argmax(1)
            new = s.max(1) + em[:, t]
            if ragged:
                live = (t < lens)[:, None]
                score = np.where(live, new, score)
                back[t] = np.where(live, arg, same)
            else:
                score, back[t] = new, arg
        best = (score + self.end[None]).argmax(1)
        path = np.empty((B, T), dtype=np.int64)
        path[:, T - 1] = best
        rows = np.arange(B)
        for t in range(T - 1, 0, -1):
            best = back[t, rows, best]
            path[:, t - 1] = best
        return path

    def tag_batch(self, sents: Sequence[Sequence[str]]) -> list[list[str]]:
        """BIO tags of each sentence (a list of token strings), all in one padded batch."""
        out: list[list[str]] = [[] for _ in sents]
        idx = [i for i, s in enumerate(sents) if s]
        if not idx:
            return out
        X = self._padded_features([sents[i] for i in idx])
        lens = np.array([len(sents[i]) for i in idx])
        em = self._bilstm(X, lens) @ self.out_w + self.out_b
        paths = self._viterbi(em, lens)
        for b, i in enumerate(idx):
            out[i] = [self.tags[k] for k in paths[b, : lens[b]]]
        return out

    def tag_many(self, sents: Sequence[Sequence[str]], batch: int = 32) -> list[list[str]]:
        """Tags of many sentences, in length-sorted batches (the same tags as one at a time)."""
        order = sorted(range(len(sents)), key=lambda i: len(sents[i]))
        out: list[list[str]] = [[] for _ in sents]
        with self.one_blas_thread():
            for k in range(0, len(order), batch):
                ids = order[k : k + batch]
                for i, tags in zip(ids, self.tag_batch([sents[i] for i in ids]), strict=True):
                    out[i] = tags
        return out

    def tag(self, tokens: Sequence[str]) -> list[str]:
        return self.tag_many([tokens])[0]


def _one_blas_thread() -> Callable[[], contextlib.AbstractContextManager]:
    """A context that keeps numpy's BLAS to one thread while tagging. The matrices are small:
    a second BLAS thread gains little, and on a busy machine its spinning made tagging up to
    seven times slower (measured on the 2-core development VM). No-op without threadpoolctl."""
    try:
        from threadpoolctl import ThreadpoolController
    except ImportError:
        return contextlib.nullcontext
    controller = ThreadpoolController()
    return lambda: controller.limit(limits=1, user_api="blas")


def read_gazetteer(path: Path) -> dict[tuple[str, ...], frozenset[str]]:
    """``KINDS<TAB>name`` lines → {name tokens: kinds}; equal kind sets share one object."""
    kinds: dict[str, frozenset[str]] = {}
    out: dict[tuple[str, ...], frozenset[str]] = {}
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            k, _, name = line.rstrip("\n").partition("\t")
            ks = kinds.get(k)
            if ks is None:
                ks = kinds[k] = frozenset(k.split(","))
            out[tuple(name.split(" "))] = ks
    return out


_default: Tagger | None = None
_default_lock = threading.Lock()


def default_tagger() -> Tagger:
    """The shipped tagger, loaded from the package's data/tagger on first use."""
    global _default
    if _default is None:
        with _default_lock:
            if _default is None:
                _default = Tagger(DEFAULT_DIR)
    return _default
