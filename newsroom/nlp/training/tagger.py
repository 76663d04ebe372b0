"""Training of the BiLSTM-CRF tagger (torch, one CPU thread, fixed seeds) and export of the
numpy artefacts that ``newsroom.nlp.tagger.model.Tagger`` loads.

Network, per token: frozen word embedding (fastText) + char CNN (max-pooled) + 13 gazetteer
bits (features.N_GAZ) → dropout → BiLSTM → dropout → linear → CRF with invalid BIO transitions
masked. Adam, batches of length-bucketed sentences, gradient clipping. With a held-out part,
the weights of the best epoch are exported (early stop after `patience` epochs without a gain);
without one (``full``), those of the last epoch.

The development data is the held-out tail of ANERcorp (whole articles, never trained on) and,
when given, hand-annotated recent news (``dev_sents``): the epoch is chosen on the mean of the
tail's micro-F1 and the news' PERS+ORG+LOC micro-F1, so that it is chosen for news the tagger has
never seen rather than for ANERcorp's own articles alone.
"""

from __future__ import annotations

import json
import random
import shutil
import time
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from ..conll import CORE_KINDS, Counts, micro, scores
from ..tagger.features import (
    MAX_CHARS,
    N_GAZ,
    TAGS,
    char_ids,
    gaz_features,
    name_starts,
    norm_char,
    norm_word,
)
from .data import (
    Tagged,
    anercorp_split,
    fix_bio,
    load_name_lists,
    read_tagged,
    write_name_lists,
)
from .lm import lm_states, load_lm


@dataclass
class Settings:
    epochs: int = 25
    patience: int = 5
    max_vocab: int = 100_000
    hidden: int = 128
    char_dim: int = 32
    char_filters: int = 48
    char_width: int = 3
    dropout: float = 0.5
    lr: float = 2e-3
    batch: int = 16
    seed: int = 1
    full: bool = False  # train on all sentences (no held-out part) for `epochs` epochs
    augment: int = 0  # copies of each ANERcorp sentence with its names replaced (0: none)
    lm: str = ""  # directory of a word-level language model whose states the tagger reads


def viterbi(em: np.ndarray, trans: np.ndarray, start: np.ndarray, end: np.ndarray) -> list[int]:
    T, K = em.shape
    score = start + em[0]
    back = np.zeros((T, K), dtype=np.int64)
    for t in range(1, T):
        s = score[:, None] + trans
        back[t] = s.argmax(0)
        score = s.max(0) + em[t]
    best = [int((score + end).argmax())]
    for t in range(T - 1, 0, -1):
        best.append(int(back[t, best[-1]]))
    return best[::-1]


def _network(torch, nn, emb: np.ndarray, n_chars: int, st: Settings, lm_dim: int = 0):
    """The torch module (built here so that importing this file needs no torch)."""

    class Network(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.wemb = nn.Embedding(emb.shape[0], emb.shape[1], padding_idx=0)
            self.wemb.weight.data.copy_(torch.from_numpy(emb))
            self.wemb.weight.requires_grad = False
            self.cemb = nn.Embedding(n_chars, st.char_dim, padding_idx=0)
            k = st.char_width
            self.convs = nn.ModuleList([nn.Conv1d(st.char_dim, st.char_filters, k, padding=k // 2)])
            din = emb.shape[1] + st.char_filters + N_GAZ + lm_dim
            self.drop = nn.Dropout(st.dropout)
            self.lstm = nn.LSTM(din, st.hidden, batch_first=True, bidirectional=True)
            self.out = nn.Linear(2 * st.hidden, len(TAGS))
            K = len(TAGS)
            self.trans = nn.Parameter(torch.zeros(K, K))  # trans[i, j]: score of i → j
            self.start = nn.Parameter(torch.zeros(K))
            self.end = nn.Parameter(torch.zeros(K))
            bad = torch.zeros(K, K)
            for i, ti in enumerate(TAGS):
                for j, tj in enumerate(TAGS):
                    if tj.startswith("I-") and not (ti != "O" and ti[2:] == tj[2:]):
                        bad[i, j] = -1e4
            self.register_buffer("bad", bad)
            self.register_buffer("sbad", torch.tensor([-1e4 if t[0] == "I" else 0.0 for t in TAGS]))

        def emissions(self, words, chars, gaz, lengths, lmf=None):
            B, T, L = chars.shape
            x = [self.wemb(words)]
            c = self.cemb(chars.view(B * T, L)).transpose(1, 2)  # [BT, D, L]
            cf = [torch.relu(conv(c)[:, :, :L]).max(dim=2).values for conv in self.convs]
            x.append(torch.cat(cf, 1).view(B, T, -1))
            x.append(gaz)
            if lmf is not None:
                x.append(lmf)
            x = self.drop(torch.cat(x, 2))
            packed = nn.utils.rnn.pack_padded_sequence(
                x, lengths.cpu(), batch_first=True, enforce_sorted=False
            )
            h, _ = self.lstm(packed)
            h, _ = nn.utils.rnn.pad_packed_sequence(h, batch_first=True, total_length=T)
            return self.out(self.drop(h))

        def crf_nll(self, em, tags, mask):
            trans = self.trans + self.bad
            start = self.start + self.sbad
            B, T, K = em.shape
            score = start[tags[:, 0]] + em[:, 0].gather(1, tags[:, :1]).squeeze(1)
            for t in range(1, T):
                m = mask[:, t]
                s = trans[tags[:, t - 1], tags[:, t]] + em[:, t].gather(1, tags[:, t : t + 1])[:, 0]
                score = score + s * m
            last = tags.gather(1, (mask.sum(1).long() - 1).unsqueeze(1)).squeeze(1)
            score = score + self.end[last]
            alpha = start.unsqueeze(0) + em[:, 0]
            for t in range(1, T):
                nxt = torch.logsumexp(alpha.unsqueeze(2) + trans.unsqueeze(0), dim=1) + em[:, t]
                m = mask[:, t].unsqueeze(1)
                alpha = nxt * m + alpha * (1 - m)
            logz = torch.logsumexp(alpha + self.end.unsqueeze(0), dim=1)
            return (logz - score).sum()

        def decode(self, em, lengths):
            trans = (self.trans + self.bad).detach().numpy()
            start = (self.start + self.sbad).detach().numpy()
            end = self.end.detach().numpy()
            em = em.detach().numpy()
            return [viterbi(em[b, : lengths[b]], trans, start, end) for b in range(em.shape[0])]

    return Network()


Encoded = tuple[list[int], list[list[int]], list[list[int]], list[int]]


def encode(sents: Sequence[Tagged], vocab: dict, chars: dict, gaz: dict) -> list[Encoded]:
    data = []
    starts = name_starts(gaz)
    for toks, tags in sents:
        w = [vocab.get(norm_word(t), 1) for t in toks]
        c = [char_ids(t, chars) for t in toks]
        g = gaz_features(toks, gaz, starts=starts)
        y = [TAGS.index(x) if x in TAGS else 0 for x in fix_bio(tags)]
        data.append((w, c, g, y))
    return data


def batchify(torch, items: Sequence[Encoded], lm: dict | None = None):
    B = len(items)
    T = max(len(x[0]) for x in items)
    W = torch.zeros(B, T, dtype=torch.long)
    C = torch.zeros(B, T, MAX_CHARS, dtype=torch.long)
    G = torch.zeros(B, T, N_GAZ)
    Y = torch.zeros(B, T, dtype=torch.long)
    M = torch.zeros(B, T)
    for b, (w, c, g, y) in enumerate(items):
        n = len(w)
        W[b, :n] = torch.tensor(w)
        C[b, :n] = torch.tensor(c)
        for t, fs in enumerate(g):
            for f in fs:
                G[b, t, f] = 1.0
        Y[b, :n] = torch.tensor(y)
        M[b, :n] = 1
    lens = torch.tensor([len(x[0]) for x in items])
    if lm is None:
        return W, C, G, Y, M, lens
    return W, C, G, Y, M, lens, lm_states(torch, lm, W, lens)


def predict(
    torch, model, data: Sequence[Encoded], bs: int = 64, lm: dict | None = None
) -> list[list[str]]:
    model.eval()
    out: list[list[str]] = [[] for _ in data]
    order = sorted(range(len(data)), key=lambda i: len(data[i][0]))
    with torch.no_grad():
        for k in range(0, len(order), bs):
            idx = order[k : k + bs]
            W, C, G, _Y, _M, lens, *lmf = batchify(torch, [data[i] for i in idx], lm)
            em = model.emissions(W, C, G, lens, *lmf)
            for i, p in zip(idx, model.decode(em, lens.tolist()), strict=True):
                out[i] = [TAGS[x] for x in p]
    return out


def load_embeddings(
    emb_dir: Path, train_words: set[str], max_vocab: int, log: Callable[[str], None]
) -> tuple[list[str], np.ndarray]:
    """The vocabulary (<pad>, <unk>, the corpus' top words by frequency, then the training words
    it lacks, alphabetically) and its vectors, scaled to a standard deviation of 1/4."""
    with open(emb_dir / "vocab.tsv", encoding="utf-8") as fh:
        corpus_words = [line.rstrip("\n").split("\t")[0] for line in fh]
    vecs = np.load(emb_dir / "vectors.npy")
    index = {w: i for i, w in enumerate(corpus_words)}
    keep = corpus_words[:max_vocab]
    kept = set(keep)
    extra = [w for w in sorted(train_words) if w not in kept]
    ft = None
    if (emb_dir / "fasttext.model").exists():
        from gensim.models import FastText

        ft = FastText.load(str(emb_dir / "fasttext.model"))
    words = ["<pad>", "<unk>", *keep, *extra]
    D = vecs.shape[1]
    E = np.zeros((len(words), D), dtype=np.float32)
    rs = np.random.RandomState(0)
    n_ft = 0
    for i, w in enumerate(words[2:], 2):
        if w in index:
            E[i] = vecs[index[w]]
        elif ft is not None:
            E[i] = ft.wv[w]
            n_ft += 1
        else:
            E[i] = rs.normal(0, 0.1, D)
    E[2:] /= (E[2:].std() + 1e-8) * 4
    log(
        f"vocabulary {len(words):,} (top {len(keep):,} of the corpus + {len(extra):,} training "
        f"words, {n_ft:,} of them from fastText sub-words)"
    )
    return words, E


def dev_score(gold: Sequence[Sequence[str]], pred: Sequence[Sequence[str]]) -> Counts:
    counts = Counts()
    for g, p in zip(gold, pred, strict=True):
        counts.add(g, p)
    return counts


def train_tagger(
    out: Path,
    anercorp: str | Path,
    embeddings: Path,
    anergazet: str | Path | None,
    anetac: str | Path | None,
    st: Settings,
    *,
    extra_train: Sequence[Tagged] = (),
    extra_names: dict[tuple[str, ...], set[str]] | None = None,
    dev_sents: Sequence[Tagged] = (),
    limit: int | None = None,
    log: Callable[[str], None] = print,
) -> dict:
    """Train and write the artefacts to `out`; returns a summary (best epoch, scores).

    `extra_train`: more tagged sentences trained on beside ANERcorp's first part;
    `extra_names`: more names for the gazetteer features (merged with ANERGazet / ANETAC);
    `dev_sents`: hand-annotated news scored at every epoch (never trained on)."""
    import torch
    import torch.nn as nn

    torch.set_num_threads(1)
    random.seed(st.seed)
    np.random.seed(st.seed)
    torch.manual_seed(st.seed)
    torch.use_deterministic_algorithms(True)
    out.mkdir(parents=True, exist_ok=True)

    if st.full:
        train, dev = read_tagged(anercorp)[:limit], []
    else:
        train, dev = anercorp_split(anercorp, limit)
    n_anercorp = len(train)
    train = [*train, *extra_train]
    train_words = {norm_word(t) for toks, _ in train for t in toks}
    words, E = load_embeddings(embeddings, train_words, st.max_vocab, log)
    gaz = load_name_lists(anergazet, anetac)
    known = set(words)
    for key, kinds in (extra_names or {}).items():
        # a name of several words is kept when the news corpus knows all its words: the
        # packaged lists hold many names never written in Arabic news
        if len(key) == 1 or all(w in known for w in key):
            gaz.setdefault(key, set()).update(kinds)
    write_name_lists(gaz, out / "gazetteer.tsv")
    if st.augment:
        train += _replaced(train[:n_anercorp], gaz, known, st)
    vocab = {w: i for i, w in enumerate(words)}
    alphabet = sorted({c for toks, _ in train for t in toks for c in norm_char(t)})
    chars = {c: i + 3 for i, c in enumerate(alphabet)}
    tr = encode(train, vocab, chars, gaz)
    dv = encode(dev, vocab, chars, gaz)
    news = encode(dev_sents, vocab, chars, gaz)
    log(
        f"train {len(tr):,} sentences ({n_anercorp:,} of ANERcorp), held out {len(dv):,}, "
        f"news dev {len(news):,}, {len(chars)} characters, {len(gaz):,} gazetteer names"
    )
    lm = load_lm(torch, Path(st.lm), words, E) if st.lm else None
    model = _network(torch, nn, E, len(chars) + 3, st, 0 if lm is None else lm["dim"])
    params = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.Adam(params, lr=st.lr)
    rng = random.Random(st.seed)
    summary: dict = {"best_epoch": None, "heldout_micro_f1": None}
    best, bad = -1.0, 0
    for ep in range(1, st.epochs + 1):
        t0 = time.perf_counter()
        model.train()
        items = list(tr)
        rng.shuffle(items)  # length-bucketed batches in a shuffled order
        size = st.batch * 20
        pools = [
            sorted(items[i : i + size], key=lambda x: len(x[0])) for i in range(0, len(items), size)
        ]
        batches = [p[i : i + st.batch] for p in pools for i in range(0, len(p), st.batch)]
        rng.shuffle(batches)
        total = 0.0
        for bt in batches:
            W, C, G, Y, M, lens, *lmf = batchify(torch, bt, lm)
            loss = model.crf_nll(model.emissions(W, C, G, lens, *lmf), Y, M) / len(bt)
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(params, 5.0)
            opt.step()
            total += loss.item() * len(bt)
        msg = f"epoch {ep} loss {total / len(items):.3f} time {time.perf_counter() - t0:.0f}s"
        if dv:
            counts = dev_score([tags for _, tags in dev], predict(torch, model, dv, lm=lm))
            rows = scores(counts)
            f1 = held = 100 * rows[-1].f1
            msg += f" held-out F1 {held:.2f}"
            news_f1 = None
            if news:
                nc = dev_score(
                    [fix_bio(tags) for _, tags in dev_sents], predict(torch, model, news, lm=lm)
                )
                news_f1 = 100 * micro(nc, CORE_KINDS).f1
                f1 = (held + news_f1) / 2
                msg += (
                    f" news dev PERS+ORG+LOC F1 {news_f1:.2f} (all {100 * scores(nc)[-1].f1:.2f})"
                )
            if f1 > best:
                best, bad = f1, 0
                summary = {
                    "best_epoch": ep,
                    "heldout_micro_f1": round(held, 2),
                    "heldout_f1_by_kind": {r.kind: round(100 * r.f1, 2) for r in rows[:-1]},
                    "news_dev_core_f1": None if news_f1 is None else round(news_f1, 2),
                }
                export(model, words, chars, st, summary, out)
                msg += " *"
            else:
                bad += 1
        log(msg)
        if dv and bad >= st.patience:
            break
    if not dv:
        summary = {"best_epoch": st.epochs, "heldout_micro_f1": None}
        export(model, words, chars, st, summary, out)
    return summary


def _replaced(
    train: Sequence[Tagged], gaz: dict[tuple[str, ...], set[str]], known: set[str], st: Settings
) -> list[Tagged]:
    """ANERcorp's sentences again, their names replaced: each kind's pool holds the names of the
    training sentences and as many names of the gazetteer of that kind alone whose words the
    embeddings know (so the new names are read, not <unk>)."""
    from .data import mentions, replace_mentions

    rng = random.Random(st.seed)
    pools = mentions(train)
    for kind in ("PERS", "ORG", "LOC"):
        listed = sorted(k for k, kinds in gaz.items() if kinds == {kind} and set(k) <= known)
        n = min(len(listed), len(pools.get(kind, ())))
        pools[kind] = [*pools.get(kind, ()), *rng.sample(listed, n)]
    return replace_mentions(train, pools, st.augment, st.seed, frozenset(known))


def export(model, words: list[str], chars: dict, st: Settings, summary: dict, out: Path) -> None:
    sd = {k: v.detach().numpy() for k, v in model.state_dict().items()}
    arrays = {
        "wemb": sd["wemb.weight"].astype(np.float16),
        "cemb": sd["cemb.weight"].astype(np.float32),
        "out_w": sd["out.weight"],
        "out_b": sd["out.bias"],
        "trans": sd["trans"] + sd["bad"],
        "start": sd["start"] + sd["sbad"],
        "end": sd["end"],
        "conv0_w": sd["convs.0.weight"],
        "conv0_b": sd["convs.0.bias"],
    }
    for d, suffix in (("f", ""), ("b", "_reverse")):
        arrays[f"l0{d}_wih"] = sd[f"lstm.weight_ih_l0{suffix}"]
        arrays[f"l0{d}_whh"] = sd[f"lstm.weight_hh_l0{suffix}"]
        arrays[f"l0{d}_b"] = sd[f"lstm.bias_ih_l0{suffix}"] + sd[f"lstm.bias_hh_l0{suffix}"]
    save_npz(out / "weights.npz", arrays)
    (out / "words.txt").write_text("\n".join(words), encoding="utf-8")
    config = {
        "tags": list(TAGS),
        "chars": "".join(sorted(chars, key=chars.get)),
        "maxc": MAX_CHARS,
        "char_widths": [st.char_width],
        "layers": 1,
        "hidden": st.hidden,
        "encoder": "lstm",
        "gaz": True,
        "n_gaz": N_GAZ,
        "training": {**asdict(st), **summary},
    }
    if st.lm:
        # the language model travels with the tagger that reads it
        for name in ("lm.npz", "lm.json"):
            shutil.copyfile(Path(st.lm) / name, out / name)
        meta = json.loads((out / "lm.json").read_text(encoding="utf-8"))
        config["lm_dim"] = 2 * meta["hidden"]
    (out / "config.json").write_text(
        json.dumps(config, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )


# What must agree for networks to be averaged: they read the same token features.
_SHARED = (
    "tags",
    "chars",
    "maxc",
    "char_widths",
    "layers",
    "hidden",
    "encoder",
    "gaz",
    "n_gaz",
    "lm_dim",
)


def join_members(out: Path, others: Sequence[Path]) -> list[str]:
    """Make the tagger in ``out`` an ensemble with the networks in ``others``: each was trained
    on the same word vectors, characters and gazetteer (else ValueError). Their weights but the
    word vectors go to ``weights-N.npz`` beside the first network's, listed in config.json's
    ``members``; inference averages the members' emissions and transitions."""
    config = json.loads((out / "config.json").read_text(encoding="utf-8"))
    names: list[str] = []
    with np.load(out / "weights.npz") as z:
        wemb = z["wemb"]
        for n, other in enumerate(others, 2):
            cfg = json.loads((other / "config.json").read_text(encoding="utf-8"))
            differ = [k for k in _SHARED if cfg.get(k) != config.get(k)]
            for artefact in (
                "words.txt",
                "gazetteer.tsv",
                *(("lm.npz",) if cfg.get("lm_dim") else ()),
            ):
                if (other / artefact).read_bytes() != (out / artefact).read_bytes():
                    differ.append(artefact)
            with np.load(other / "weights.npz") as w:
                if not np.array_equal(w["wemb"], wemb):
                    differ.append("word vectors")
                arrays = {k: w[k] for k in w.files if k != "wemb"}
            if differ:
                raise ValueError(f"{other}: not the same inputs as {out}: {', '.join(differ)}")
            name = f"weights-{n}.npz"
            save_npz(out / name, arrays)
            names.append(name)
            config.setdefault("trained_members", []).append(cfg.get("training", {}))
    config["members"] = names
    (out / "config.json").write_text(
        json.dumps(config, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    return names


def save_npz(path: Path, arrays: dict[str, np.ndarray]) -> None:
    """np.savez without timestamps: the same arrays always give the same bytes."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as zf:
        for name, arr in arrays.items():
            info = zipfile.ZipInfo(name + ".npy", date_time=(1980, 1, 1, 0, 0, 0))
            with zf.open(info, "w", force_zip64=True) as fh:
                np.lib.format.write_array(fh, np.asanyarray(arr), allow_pickle=False)
