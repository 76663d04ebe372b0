"""Numpy inference of the BiLSTM-CRF tagger that ``manage.py train_ner`` exports.

Artefacts (one directory, default ``newsroom/nlp/data/tagger``):

* ``config.json`` — tags, the character alphabet, sizes;
* ``weights.npz`` — word embeddings (float16, frozen fastText vectors), char embeddings and CNN,
  the LSTM of each direction, the output layer, CRF transitions (invalid BIO moves at -1e4);
* ``words.txt`` — the vocabulary, one normalised word a line, in the order of the embedding rows:
  ``<pad>``, ``<unk>``, then the embedding corpus' words by descending frequency, then the few
  training words that corpus lacks;
* ``gazetteer.tsv`` — ``KINDS<TAB>normalised name`` for the gazetteer features;
* ``lm.npz``, ``lm.json`` (when the config names them) — a word-level language model over the
  same word vectors (``training/lm.py``): a forward and a backward LSTM whose states at each
  token the tagger reads beside the token's own features.

Per token: word vector + char-CNN (max-pooled) + gazetteer bits (+ the language model's two
states) → BiLSTM → linear → CRF (Viterbi). Sentences are tagged in length-sorted batches; numpy
only, no torch.
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
    multi_gaz,
    name_starts,
    norm_word,
    single_gaz,
)

DEFAULT_DIR = Path(__file__).resolve().parent.parent / "data" / "tagger"
ARTEFACTS = ("config.json", "weights.npz", "words.txt", "gazetteer.tsv")
_CACHE_ROWS = 50_000  # token strings whose per-token features are kept (31 MB)
# Batches whose per-token input products are computed together (tag_many): fewer than all of a
# long call's, so that their rows (4 KB a distinct token) stay within about 20 MB.
_GROUP_BATCHES = 16


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
        # gazetteer bits the model was trained with: the first n_gaz of features.N_GAZ (models
        # trained before the given-name, head-noun and title bits have 9)
        self.n_gaz = int(cfg.get("n_gaz", 9)) if self.gazetteer else 0
        if self.n_gaz > N_GAZ:
            raise ValueError(f"{d}: {self.n_gaz} gazetteer bits, this code knows {N_GAZ}")
        self.name_starts = name_starts(self.gazetteer)
        with np.load(d / "weights.npz") as z:
            self.wemb = z["wemb"]  # float16 [V, D]; rows are converted when looked up
            members = [self._member(z, cfg)]
        # an ensemble: more networks trained on the same words, characters and gazetteer, in
        # files holding all but the word vectors; their emissions and transitions are averaged
        for name in cfg.get("members", ()):
            with np.load(d / name) as z:
                members.append(self._member(z, cfg))
        self._join(members)
        self.lm = self._language_model(d, cfg, words)
        # per-token features of recent token strings: rows of one fixed matrix (no growth, no
        # fragmentation), emptied when full
        self._rows: np.ndarray | None = None
        self._row_of: dict[str, int] = {}
        self._lock = threading.Lock()
        self.one_blas_thread = _one_blas_thread()

    @staticmethod
    def _lstm_layout(wih, whh, b) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """One direction's torch weights in the layout of _lstm_step: gates i, f, o, g (torch's
        order is i, f, g, o) and the sigmoid gates' rows scaled by 1/2 (sigmoid(x) = 0.5 + 0.5
        tanh(x / 2)): input weights [D, 4H], bias [4H], recurrent weights [H, 4H]."""
        f32 = np.float32
        H = whh.shape[1]
        perm = np.r_[0:H, H : 2 * H, 3 * H : 4 * H, 2 * H : 3 * H]
        scale = np.r_[np.full(3 * H, 0.5), np.ones(H)].astype(f32)
        return (
            wih[perm].T.astype(f32) * scale,
            b[perm].astype(f32) * scale,
            np.ascontiguousarray(whh[perm].T.astype(f32)) * scale,
        )

    @staticmethod
    def _member(z, cfg: dict) -> dict[str, np.ndarray | list]:
        """One network's weights, in the layout inference uses."""
        f32 = np.float32
        convs = []
        for i, k in enumerate(cfg["char_widths"]):
            w = z[f"conv{i}_w"].astype(f32)  # torch Conv1d [filters, char dim, k]
            # im2col layout: a window [k, char dim] flattened → [k * char dim, filters]
            flat = np.ascontiguousarray(w.transpose(2, 1, 0).reshape(-1, w.shape[0]))
            convs.append((k, flat, z[f"conv{i}_b"].astype(f32)))
        inputs, recurrent = [], []
        for d in "fb":
            w, b, u = Tagger._lstm_layout(z[f"l0{d}_wih"], z[f"l0{d}_whh"], z[f"l0{d}_b"])
            inputs.append((w, b))
            recurrent.append(u)
        lstm_w = np.concatenate([w for w, _ in inputs], axis=1)
        lm_dim = int(cfg.get("lm_dim", 0))
        return {
            "cemb": z["cemb"].astype(f32),
            "convs": convs,
            # both directions' input weights side by side: [D, 8H], [8H]; the rows that read
            # the language model's states apart
            "lstm_w": lstm_w[: lstm_w.shape[0] - lm_dim],
            "lstm_w_lm": lstm_w[lstm_w.shape[0] - lm_dim :],
            "lstm_b": np.concatenate([b for _, b in inputs]),
            "lstm_rec": recurrent,  # forward, backward: [H, 4H] each
            "out_w": z["out_w"].T.astype(f32),
            "out_b": z["out_b"].astype(f32),
            "trans": z["trans"].astype(f32),  # [from, to]
            "start": z["start"].astype(f32),
            "end": z["end"].astype(f32),
        }

    def _language_model(self, d: Path, cfg: dict, words: list[str]) -> dict | None:
        """The language model the networks read (lm.npz), in the layout of _lstm_step: both
        directions' input weights side by side [Dw, 8H'], bias, recurrent weights [2, H', 4H']."""
        if not cfg.get("lm_dim"):
            return None
        from ..training.lm import vocabulary_id

        meta = json.loads((d / "lm.json").read_text(encoding="utf-8"))
        if meta["vocabulary"] != vocabulary_id(words):
            raise ValueError(f"{d}: the language model was trained on another vocabulary")
        with np.load(d / "lm.npz") as z:
            parts = [self._lstm_layout(z[f"{x}_wih"], z[f"{x}_whh"], z[f"{x}_b"]) for x in "fb"]
        if 2 * parts[0][2].shape[0] != cfg["lm_dim"]:
            raise ValueError(f"{d}: lm.npz does not match the config's lm_dim")
        return {
            "w": np.concatenate([w for w, _, _ in parts], axis=1),
            "b": np.concatenate([b for _, b, _ in parts]),
            "rec": np.stack([u for _, _, u in parts], 0),
        }

    def _join(self, members: list[dict]) -> None:
        """The networks as one: token features hold the word vector, each member's char-CNN
        features, then the gazetteer bits; the input weights map them to the gates of every
        member's two directions ([D, 8H·M]), the LSTMs run side by side as 2·M directions, and
        the output layer and the CRF average the members'."""
        f32 = np.float32
        M = self.members = len(members)
        self.hidden = members[0]["lstm_rec"][0].shape[0]
        self.cembs = [m["cemb"] for m in members]
        self.convs = [m["convs"] for m in members]
        Dw = self.wemb.shape[1]
        Dc = sum(w.shape[1] for _, w, _ in members[0]["convs"])
        Dg = members[0]["lstm_w"].shape[0] - Dw - Dc
        G = members[0]["lstm_w"].shape[1]  # 8H
        w_all = np.zeros((Dw + M * Dc + Dg, M * G), dtype=f32)
        for i, m in enumerate(members):
            w, cols = m["lstm_w"], slice(i * G, (i + 1) * G)
            w_all[:Dw, cols] = w[:Dw]
            w_all[Dw + i * Dc : Dw + (i + 1) * Dc, cols] = w[Dw : Dw + Dc]
            w_all[Dw + M * Dc :, cols] = w[Dw + Dc :]
        self.lstm_w = w_all
        self.lstm_w_lm = np.concatenate([m["lstm_w_lm"] for m in members], axis=1)
        self.lstm_b = np.concatenate([m["lstm_b"] for m in members])
        self.lstm_rec = np.stack([u for m in members for u in m["lstm_rec"]], 0)  # [2M, H, 4H]
        self.out_w = np.ascontiguousarray(np.concatenate([m["out_w"] for m in members]) / M)
        for name in ("out_b", "trans", "start", "end"):
            setattr(self, name, np.mean([m[name] for m in members], axis=0).astype(f32))

    # --- features -----------------------------------------------------------------------------

    def word_id(self, token: str) -> int:
        return self.vocab.get(norm_word(token), UNKNOWN_WORD)

    def _token_vectors(self, toks: Sequence[str]) -> np.ndarray:
        """Word embedding + char-CNN features of distinct token strings (no context)."""
        n = len(toks)
        wid = np.fromiter((self.word_id(t) for t in toks), dtype=np.int64, count=n)
        parts = [self.wemb[wid].astype(np.float32)]
        C = np.array([char_ids(t, self.chars) for t in toks], dtype=np.int64)  # [n, L]
        L = MAX_CHARS
        for cemb, convs in zip(self.cembs, self.convs, strict=True):
            ce = cemb[C]  # [n, L, Dc]
            for k, w, b in convs:
                p = k // 2
                pad = np.zeros((n, L + 2 * p, ce.shape[2]), dtype=np.float32)
                pad[:, p : p + L] = ce
                win = np.lib.stride_tricks.sliding_window_view(pad, k, axis=1)[:, :L]
                win = win.transpose(0, 1, 3, 2).reshape(n * L, -1)  # [n·L, k·Dc]
                h = (win @ w + b).reshape(n, L, -1)
                parts.append(np.maximum(h, 0).max(axis=1))
        return np.concatenate(parts, axis=1)

    def _token_features(self, toks: Sequence[str]) -> np.ndarray:
        """What the LSTM reads of distinct token strings that depends on the token alone:
        word vector, char-CNN and the one-word gazetteer bits (the other bits 0): [n, D]."""
        own = self._token_vectors(toks)
        if not self.gazetteer:
            return own
        n = self.n_gaz
        bits = np.zeros((len(toks), n), dtype=np.float32)
        for r, t in enumerate(toks):
            for f in single_gaz(t, self.gazetteer):
                if f < n:
                    bits[r, f] = 1.0
        return np.concatenate([own, bits], axis=1)

    def _input_rows(self, sents: Sequence[Sequence[str]]) -> tuple[np.ndarray, list[np.ndarray]]:
        """(rows, ids): the part of the LSTM's input products of both directions that depends
        on the token alone, once per distinct token string of the sentences, after a zero row
        (the padding); and for each sentence the row of each of its tokens."""
        distinct = list(dict.fromkeys(t for s in sents for t in s))
        rows = np.empty((len(distinct) + 1, self.lstm_w.shape[1]), dtype=np.float32)
        rows[0] = 0.0
        np.matmul(self._features(distinct), self.lstm_w, out=rows[1:])
        rows[1:] += self.lstm_b
        row = {t: n for n, t in enumerate(distinct, 1)}
        return rows, [np.fromiter((row[t] for t in s), np.int64, len(s)) for s in sents]

    def _padded_inputs(
        self, sents: Sequence[Sequence[str]], rows: np.ndarray, ids: Sequence[np.ndarray]
    ) -> np.ndarray:
        """The input products of non-empty sentences, left-aligned and zero-padded: [B, T, 8H].
        Their rows (_input_rows), plus the weights of the bits of names of several tokens, which
        depend on the context."""
        B, T = len(sents), max(len(s) for s in sents)
        at = np.zeros((B, T), dtype=np.int64)
        for b, r in enumerate(ids):
            at[b, : len(r)] = r
        xw = np.take(rows, at.reshape(-1), axis=0)
        if self.gazetteer:
            gaz_w = self.lstm_w[-self.n_gaz :]
            for b, sent in enumerate(sents):
                for i, length, begins in multi_gaz(sent, self.gazetteer, starts=self.name_starts):
                    first = b * T + i
                    for f in begins:
                        xw[first] += gaz_w[f]
                        xw[first + 1 : first + length] += gaz_w[f + 1]
        return xw.reshape(B, T, -1)

    def _features(self, distinct: list[str]) -> np.ndarray:
        """_token_features of distinct token strings, from the cache of recent ones."""
        with self._lock:
            row_of = self._row_of
            missing = [t for t in distinct if t not in row_of]
            if len(missing) > _CACHE_ROWS // 2:  # a huge text: no caching
                return self._token_features(distinct)
            if self._rows is None:
                dim = self.lstm_w.shape[0]
                self._rows = np.empty((_CACHE_ROWS, dim), dtype=np.float32)
            if len(row_of) + len(missing) > _CACHE_ROWS:
                row_of.clear()
                missing = distinct
            if missing:
                first = len(row_of)
                self._rows[first : first + len(missing)] = self._token_features(missing)
                row_of.update(zip(missing, range(first, first + len(missing)), strict=True))
            return self._rows[np.fromiter((row_of[t] for t in distinct), np.int64, len(distinct))]

    # --- network ------------------------------------------------------------------------------

    def _lm_states(self, sents: Sequence[Sequence[str]], lens: np.ndarray) -> np.ndarray:
        """The language model's forward and backward states at each token of sentences sorted
        longest first: [B, T, 2H'] (zero past each end)."""
        lm = self.lm
        B, T = len(sents), int(lens[0])
        wid = np.zeros((B, T), dtype=np.int64)
        for b, sent in enumerate(sents):
            wid[b, : len(sent)] = [self.word_id(t) for t in sent]
        xw = self.wemb[wid.reshape(-1)].astype(np.float32) @ lm["w"] + lm["b"]
        return _run_lstms(xw.reshape(B, T, -1), lens, lm["rec"])

    def _bilstm(self, xw: np.ndarray, lens: np.ndarray) -> np.ndarray:
        """xw: [B, T, 8H·M] input products (_padded_inputs) of sentences longest first →
        hidden states [B, T, 2H·M] (each member's forward then backward state).

        Every member's two directions run in one time loop, the backward ones from each
        sentence's end (see _lstm_step): the sentences still running at step t are the first
        k(t) rows, so padding costs nothing."""
        return _run_lstms(xw, lens, self.lstm_rec)

    def tag_many(self, sents: Sequence[Sequence[str]], batch: int = 32) -> list[list[str]]:
        """BIO tags of each sentence (a list of token strings). Sentences of like length run
        through the network in batches (the same tags as one at a time); the per-token work is
        done once per distinct token of a group of batches."""
        out: list[list[str]] = [[] for _ in sents]
        order = sorted((i for i, s in enumerate(sents) if s), key=lambda i: -len(sents[i]))
        if not order:
            return out
        group = batch * _GROUP_BATCHES
        with self.one_blas_thread():
            for g in range(0, len(order), group):
                members = order[g : g + group]
                rows, ids = self._input_rows([sents[i] for i in members])
                for k in range(0, len(members), batch):
                    part = members[k : k + batch]
                    part_sents = [sents[i] for i in part]
                    xw = self._padded_inputs(part_sents, rows, ids[k : k + batch])
                    lens = np.array([len(s) for s in part_sents], dtype=np.int64)
                    if self.lm is not None:
                        xw += self._lm_states(part_sents, lens) @ self.lstm_w_lm
                    em = self._bilstm(xw, lens) @ self.out_w + self.out_b
                    paths = viterbi(em, lens, self.start, self.trans, self.end)
                    for b, i in enumerate(part):
                        out[i] = [self.tags[t] for t in paths[b, : lens[b]]]
        return out

    def tag(self, tokens: Sequence[str]) -> list[str]:
        return self.tag_many([tokens])[0]


def _run_lstms(xw: np.ndarray, lens: np.ndarray, U: np.ndarray) -> np.ndarray:
    """R directions (U: [R, H, 4H] recurrent weights; even ones forward, odd ones backward) over
    input products xw [B, T, 4H·R] of sentences longest first → states [B, T, R·H]."""
    B, T, _ = xw.shape
    R, H = U.shape[0], U.shape[1]
    running = (lens[None, :] > np.arange(T)[:, None]).sum(1)  # k(t), never increasing
    h = np.zeros((R, B, H), dtype=np.float32)
    c = np.zeros((R, B, H), dtype=np.float32)
    z = np.zeros((R, B, 4 * H), dtype=np.float32)
    out = np.zeros((B, T, R * H), dtype=np.float32)
    for t in range(T):
        k = int(running[t])
        if t:
            np.matmul(h[:, :k], U, out=z[:, :k])
        _lstm_step(z, xw, lens, t, c, h, out, k)
    return out


def _lstm_step(z, xw, lens, t: int, c, h, out, k: int) -> None:
    """One time step of every direction for the k sentences still running at step t (the
    first k rows: sentences are sorted longest first).

    z: [R, B, 4H] recurrent products h @ U, R = 2 directions × members (gates i, f, o, g; the
    rows of the sigmoid gates are pre-scaled by 1/2, so sigmoid(x) = 0.5 + 0.5 tanh of them).
    xw: [B, T, 4H·R] input products, each member's forward gates then backward gates. A forward
    direction reads position t, a backward one position lens[b] - 1 - t. c, h: [R, B, H] state,
    updated in place. out: [B, T, H·R], direction by direction, written at the position each
    state belongs to."""
    R, _, H = c.shape
    G = 4 * H
    rows = np.arange(k)
    back = lens[:k] - 1 - t
    ahead, behind = xw[rows, t], xw[rows, back]  # [k, 4H·R]
    x = np.stack([(behind if r % 2 else ahead)[:, r * G : (r + 1) * G] for r in range(R)])
    g = np.tanh(z[:, :k] + x)
    s = g[..., : 3 * H] * 0.5 + 0.5
    cn = s[..., H : 2 * H] * c[:, :k] + s[..., :H] * g[..., 3 * H :]
    hn = s[..., 2 * H :] * np.tanh(cn)
    c[:, :k] = cn
    h[:, :k] = hn
    for r in range(R):
        out[rows, back if r % 2 else t, r * H : (r + 1) * H] = hn[r]


def viterbi(em, lens, start, trans, end) -> np.ndarray:
    """Best tag path of each sentence: em [B, T, K] emissions, trans [from, to], start and end
    [K]; lens, each at least 1. Positions past a sentence's end are 0. A tie goes to the first
    best tag."""
    B, T, K = em.shape
    path = np.zeros((B, T), dtype=np.int64)
    score = start[None] + em[:, 0]
    back = np.zeros((T, B, K), dtype=np.int64)
    same = np.broadcast_to(np.arange(K), (B, K))
    for t in range(1, T):
        s = score[:, :, None] + trans[None]  # [B, from, to]
        live = (t < lens)[:, None]
        score = np.where(live, s.max(1) + em[:, t], score)
        back[t] = np.where(live, s.argmax(1), same)
    best = (score + end[None]).argmax(1)
    rows = np.arange(B)
    for t in range(T - 1, -1, -1):  # past a sentence's end back[t] keeps its best tag
        live = t < lens
        path[live, t] = best[live]
        if t:
            best = back[t, rows, best]
    return path


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

    def kind_set(k: str) -> frozenset[str]:
        ks = kinds.get(k)
        if ks is None:
            ks = kinds[k] = frozenset(k.split(","))
        return ks

    lines = path.read_text(encoding="utf-8").splitlines()
    return {
        tuple(name.split(" ")): kind_set(k)
        for k, _, name in (line.partition("\t") for line in lines)
    }


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
