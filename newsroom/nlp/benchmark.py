"""Throughput of the built-in recogniser against a BERT-base token classifier on the same text.

Both count the same word tokens (the project's tokenizer, punctuation included) so the ratio is
fair. The BERT side is transformers' BertForTokenClassification with the bert-base shape (12
layers, hidden 768, 12 heads, intermediate 3072, CAMeLBERT's vocabulary of 30,000, 9 labels) and
random weights, in eval mode under no_grad: its cost depends only on sequence length, not on
the weights or the ids. Its wordpieces come from a stand-in tokenizer that cuts every word into
pieces of a few characters; the words of one article are packed into sequences of at most 512
wordpieces ([CLS] and [SEP] included), one sequence per forward pass, without padding.
"""

from __future__ import annotations

import gzip
import json
import math
import statistics
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .text import tokenize

MAX_WORDPIECES = 512
BERT_BASE = {
    "vocab_size": 30_000,
    "hidden_size": 768,
    "num_hidden_layers": 12,
    "num_attention_heads": 12,
    "intermediate_size": 3072,
    "max_position_embeddings": 512,
}
NUM_LABELS = 9


def read_articles(path: Path, limit: int) -> list[str]:
    """Titles and bodies of the first `limit` articles of a JSON-lines file (gzip or plain)."""
    opener = gzip.open if path.suffix == ".gz" else open
    texts: list[str] = []
    with opener(path, "rt", encoding="utf-8") as fh:
        for n, line in enumerate(fh):
            if n >= limit:
                break
            if line.strip():
                item = json.loads(line)
                texts += [t for t in (item.get("title"), item.get("body")) if t]
    return texts


def word_tokens(text: str) -> list[str]:
    """The tokens the built-in recogniser works on (what both throughputs count)."""
    return [t.text for t in tokenize(text)]


def stand_in_pieces(word: str, chars_per_piece: int) -> int:
    """Wordpieces assumed for one word: one per `chars_per_piece` characters, at least one."""
    return max(1, math.ceil(len(word) / chars_per_piece))


@dataclass(frozen=True)
class Packed:
    words: int  # word tokens it covers
    pieces: int  # wordpieces including [CLS] and [SEP]


def pack(texts: Iterable[str], chars_per_piece: int, max_len: int = MAX_WORDPIECES) -> list[Packed]:
    """Each text's words packed into sequences of at most max_len wordpieces."""
    room = max_len - 2
    out: list[Packed] = []
    for text in texts:
        words = pieces = 0
        for w in word_tokens(text):
            n = min(stand_in_pieces(w, chars_per_piece), room)
            if pieces + n > room:
                out.append(Packed(words, pieces + 2))
                words = pieces = 0
            words += 1
            pieces += n
        if words:
            out.append(Packed(words, pieces + 2))
    return out


def time_runs(run: Callable[[], Any], repeat: int) -> list[float]:
    """Wall-clock seconds of `repeat` calls of run."""
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        run()
        times.append(time.perf_counter() - t0)
    return times


def median_rate(tokens: int, times: Sequence[float]) -> float:
    """Tokens per second at the median time."""
    return tokens / statistics.median(times)


def bert_base(**overrides: int) -> Any:
    """A randomly initialised BERT-base token classifier in eval mode (imports torch)."""
    import torch
    from transformers import BertConfig, BertForTokenClassification

    torch.manual_seed(0)
    config = BertConfig(**{**BERT_BASE, **overrides}, num_labels=NUM_LABELS)
    return BertForTokenClassification(config).eval()


def bert_runner(model: Any, seqs: Sequence[Packed]) -> Callable[[], None]:
    """A function running one forward pass per sequence (random ids, no padding)."""
    import torch

    gen = torch.Generator().manual_seed(0)
    vocab = model.config.vocab_size
    inputs = [torch.randint(5, vocab, (1, s.pieces), generator=gen) for s in seqs]

    def run() -> None:
        with torch.no_grad():
            for ids in inputs:
                model(input_ids=ids, attention_mask=torch.ones_like(ids))

    return run


def evenly_spaced(items: Sequence[Packed], k: int) -> list[Packed]:
    """k items spread evenly over the sequence (all of them when k >= len)."""
    n = len(items)
    if k >= n:
        return list(items)
    return [items[(2 * i + 1) * n // (2 * k)] for i in range(k)]
