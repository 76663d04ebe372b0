"""A word-level language model read by the tagger (torch, CPU): two LSTMs over the tagger's
frozen word vectors, one reading left to right and predicting the next word, one right to left
predicting the word before, trained on unlabelled news.

The tagger reads both LSTMs' states at every token (``lm_states``): what the news around a word
says about it (قال … إن, وزير … السعودي), learnt from millions of sentences instead of the
few thousand tagged ones. The model is stored as ``lm.npz`` (the LSTMs' weights; the output
layers are needed for training only) and ``lm.json`` (sizes and the vocabulary it was trained
on, which must be the tagger's).
"""

from __future__ import annotations

import hashlib
import json
import random
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

LM_OUTPUT_WORDS = 30_000  # the words the softmax predicts; the rarer ones are <unk>
LM_CUTOFFS = [2_000, 8_000]


def vocabulary_id(words: Sequence[str]) -> str:
    """A short fingerprint of a vocabulary: an LM reads the ids of the one it was trained on."""
    return hashlib.sha256("\n".join(words).encode("utf-8")).hexdigest()[:16]


def _network(torch, nn, emb: np.ndarray, hidden: int, dropout: float):
    n_out = min(LM_OUTPUT_WORDS, emb.shape[0])
    cutoffs = [c for c in LM_CUTOFFS if c < n_out] or [max(1, n_out // 2)]

    class LanguageModel(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.emb = nn.Embedding.from_pretrained(torch.from_numpy(emb), freeze=True)
            self.drop = nn.Dropout(dropout)
            self.f = nn.LSTM(emb.shape[1], hidden, batch_first=True)
            self.b = nn.LSTM(emb.shape[1], hidden, batch_first=True)
            # the most frequent words each get a row, the rarer ones share smaller clusters
            self.sf = nn.AdaptiveLogSoftmaxWithLoss(hidden, n_out, cutoffs=cutoffs, div_value=4.0)
            self.sb = nn.AdaptiveLogSoftmaxWithLoss(hidden, n_out, cutoffs=cutoffs, div_value=4.0)

        def losses(self, ids, lens):
            T = ids.shape[1]
            x = self.drop(self.emb(ids))
            hf, hb = run_both(torch, self.f, self.b, x, lens)
            tgt = torch.where(ids < n_out, ids, torch.ones_like(ids))
            mask = torch.arange(T)[None, :] < lens[:, None]
            m = mask[:, 1:]
            # the forward state at t predicts t + 1, the backward one at t + 1 predicts t
            lf = self.sf(self.drop(hf[:, :-1][m]), tgt[:, 1:][m]).loss
            lb = self.sb(self.drop(hb[:, 1:][m]), tgt[:, :-1][m]).loss
            return lf, lb

    return LanguageModel()


def run_both(torch, f, b, x, lens):
    """States of the forward LSTM ``f`` and of the backward one ``b`` (run over each sequence
    reversed within its length, then put back in order): [B, T, H] each."""
    T = x.shape[1]
    idx = (lens[:, None] - 1 - torch.arange(T)[None, :]).clamp(min=0)
    hf, _ = f(x)
    xr = x.gather(1, idx[:, :, None].expand(-1, -1, x.shape[2]))
    hbr, _ = b(xr)
    hb = hbr.gather(1, idx[:, :, None].expand(-1, -1, hbr.shape[2]))
    return hf, hb


def train_lm(
    out: Path,
    sentences: Sequence[Sequence[int]],
    words: Sequence[str],
    emb: np.ndarray,
    *,
    hidden: int = 256,
    epochs: float = 1.0,
    batch: int = 64,
    lr: float = 2e-3,
    dropout: float = 0.2,
    seed: int = 1,
    threads: int = 2,
    log: Callable[[str], None] = print,
) -> dict:
    """Train on sentences of word ids (the tagger's vocabulary ``words``, vectors ``emb``) and
    write lm.npz and lm.json to ``out``; returns the held-out perplexities."""
    import torch
    import torch.nn as nn

    torch.set_num_threads(threads)
    torch.manual_seed(seed)
    rng = random.Random(seed)
    model = _network(torch, nn, emb.astype(np.float32), hidden, dropout)
    params = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.Adam(params, lr=lr)
    order = sorted(range(len(sentences)), key=lambda i: len(sentences[i]))
    batches = [order[k : k + batch] for k in range(0, len(order), batch)]
    held = batches[::200]  # one batch in 200 measures the perplexity, never trained on
    train = [b for i, b in enumerate(batches) if i % 200]

    def tensors(b):
        T = max(len(sentences[i]) for i in b)
        W = torch.zeros(len(b), T, dtype=torch.long)
        for r, i in enumerate(b):
            W[r, : len(sentences[i])] = torch.tensor(sentences[i])
        return W, torch.tensor([len(sentences[i]) for i in b])

    steps = int(len(train) * epochs)
    t0, seen, step = time.perf_counter(), 0, 0
    while step < steps:
        rng.shuffle(train)
        for b in train[: steps - step]:
            model.train()
            W, lens = tensors(b)
            lf, lb = model.losses(W, lens)
            opt.zero_grad()
            (lf + lb).backward()
            nn.utils.clip_grad_norm_(params, 1.0)
            opt.step()
            seen += int(lens.sum())
            step += 1
            if step % 500 == 0:
                rate = seen / (time.perf_counter() - t0)
                losses = f"{lf.item():.3f} / {lb.item():.3f}"
                log(f"step {step}/{steps}: {rate:,.0f} tokens/s, loss {losses}")
    model.eval()
    with torch.no_grad():
        pairs = [model.losses(*tensors(b)) for b in held]
    summary = {
        "perplexity_forward": round(float(np.exp(np.mean([a.item() for a, _ in pairs]))), 1),
        "perplexity_backward": round(float(np.exp(np.mean([b.item() for _, b in pairs]))), 1),
        "tokens_seen": seen,
        "hidden": hidden,
        "epochs": epochs,
        "seed": seed,
    }
    export_lm(model.state_dict(), words, summary, out)
    return summary


def export_lm(state: dict, words: Sequence[str], summary: dict, out: Path) -> None:
    from .tagger import save_npz

    out.mkdir(parents=True, exist_ok=True)
    sd = {k: v.detach().numpy() for k, v in state.items()}
    arrays = {}
    for d in "fb":
        arrays[f"{d}_wih"] = sd[f"{d}.weight_ih_l0"]
        arrays[f"{d}_whh"] = sd[f"{d}.weight_hh_l0"]
        arrays[f"{d}_b"] = sd[f"{d}.bias_ih_l0"] + sd[f"{d}.bias_hh_l0"]
    save_npz(out / "lm.npz", arrays)
    meta = {"hidden": int(sd["f.weight_hh_l0"].shape[1]), "vocabulary": vocabulary_id(words)}
    (out / "lm.json").write_text(
        json.dumps({**meta, "training": summary}, indent=1) + "\n", encoding="utf-8"
    )


def load_lm(torch, directory: Path, words: Sequence[str], vectors: np.ndarray) -> dict:
    """The LM of ``directory`` as two torch LSTMs over the tagger's word vectors (``vectors``,
    rows in the order of ``words``), for training a tagger that reads it (``lm_states``);
    ValueError if it was trained on another vocabulary."""
    import torch.nn as nn

    meta = json.loads((directory / "lm.json").read_text(encoding="utf-8"))
    if meta["vocabulary"] != vocabulary_id(words):
        raise ValueError(f"{directory}: the language model was trained on another vocabulary")
    H = meta["hidden"]
    lstms = {}
    with np.load(directory / "lm.npz") as z:
        for d in "fb":
            lstm = nn.LSTM(z[f"{d}_wih"].shape[1], H, batch_first=True)
            lstm.weight_ih_l0.data.copy_(torch.from_numpy(z[f"{d}_wih"]))
            lstm.weight_hh_l0.data.copy_(torch.from_numpy(z[f"{d}_whh"]))
            lstm.bias_ih_l0.data.copy_(torch.from_numpy(z[f"{d}_b"]))
            lstm.bias_hh_l0.data.zero_()
            lstm.requires_grad_(False)
            lstms[d] = lstm.eval()
    emb = nn.Embedding.from_pretrained(torch.from_numpy(vectors.astype(np.float32)))
    return {"f": lstms["f"], "b": lstms["b"], "dim": 2 * H, "emb": emb}


def lm_states(torch, lm: dict, W, lens):
    """[B, T, 2H] forward and backward LM states of padded word ids W (zero past each end)."""
    with torch.no_grad():
        x = lm["emb"](W)
        hf, hb = run_both(torch, lm["f"], lm["b"], x, lens)
        mask = (torch.arange(W.shape[1])[None, :] < lens[:, None]).unsqueeze(2)
        return torch.cat([hf, hb], 2) * mask


def lm_sentences(
    words: Sequence[str],
    news: Sequence[Path],
    *,
    skip: frozenset[int] = frozenset(),
    tagged: Sequence[Sequence[str]] = (),
    max_len: int = 60,
) -> list[list[int]]:
    """Sentences of word ids for training the LM: every sentence of the JSON-lines corpora
    ``news`` (the first one's articles on the lines in ``skip`` left out: those annotated for
    evaluation) and the token lists ``tagged`` (the tagger's training sentences), cut to
    ``max_len`` tokens; sentences of fewer than three tokens are left out."""
    from ..tagger.features import UNKNOWN_WORD, norm_word
    from .data import news_sentences

    index = {w: i for i, w in enumerate(words)}

    def ids(toks: Sequence[str]) -> list[int]:
        return [index.get(norm_word(t), UNKNOWN_WORD) for t in toks[:max_len]]

    out = []
    for n, path in enumerate(news):
        for toks in news_sentences(path, skip=skip if n == 0 else frozenset()):
            out.append(ids(toks))
    out.extend(ids(toks) for toks in tagged)
    return [s for s in out if len(s) >= 3]
