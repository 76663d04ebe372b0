"""Span-level precision / recall / F1 on held-out ANERcorp sentences, plus throughput.

    python -m newsroom.nlp.evaluate --anercorp /work/shared/ner/anercorp/train.txt

The held-out part is the last --holdout of the sentences (the same split build_gazetteer leaves
out). Each sentence's tokens are joined with single spaces and annotated; a token overlapped by
a span takes its kind, and spans are compared as conlleval does (exact boundaries and kind).
"""

from __future__ import annotations

import argparse
import time
from collections import Counter
from pathlib import Path

from .corpus import predicted_tags, read_conll, sentence_text, spans_of, split_holdout
from .gazetteer import GAZETTEER_PATH, Gazetteer, load_gazetteer
from .recognizer import find_matches


def score(sents, gaz: Gazetteer, show_errors: int = 0) -> dict[str, dict[str, float]]:
    tp: Counter[str] = Counter()
    n_pred: Counter[str] = Counter()
    n_gold: Counter[str] = Counter()
    errors = []
    for sent in sents:
        text, offs = sentence_text(sent)
        matches = find_matches(text, gaz)
        pred = set(spans_of(predicted_tags(matches, offs)))
        gold = set(spans_of([tag for _, tag in sent]))
        for _, _, k in pred:
            n_pred[k] += 1
        for _, _, k in gold:
            n_gold[k] += 1
        for _, _, k in pred & gold:
            tp[k] += 1
        if show_errors and pred != gold:
            toks = [t for t, _ in sent]
            fp = [(" ".join(toks[s:e]), k) for s, e, k in sorted(pred - gold)]
            fn = [(" ".join(toks[s:e]), k) for s, e, k in sorted(gold - pred)]
            errors.append((fp, fn))
    out = {}
    for k in sorted(set(n_gold) | set(n_pred)) + ["ALL"]:
        t = sum(tp.values()) if k == "ALL" else tp[k]
        p = sum(n_pred.values()) if k == "ALL" else n_pred[k]
        g = sum(n_gold.values()) if k == "ALL" else n_gold[k]
        prec = t / p if p else 0.0
        rec = t / g if g else 0.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        out[k] = {"precision": prec, "recall": rec, "f1": f1, "pred": p, "gold": g, "tp": t}
    if show_errors:
        for fp, fn in errors[:show_errors]:
            print("FP", fp, "\nFN", fn)
    return out


def throughput(text: str, gaz: Gazetteer, repeat: int = 3) -> tuple[int, float]:
    """(tokens, tokens per second) annotating text, best of `repeat` runs."""
    from .text import tokenize

    n_tokens = len(tokenize(text))
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        find_matches(text, gaz)
        best = min(best, time.perf_counter() - t0)
    return n_tokens, n_tokens / best


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--anercorp", required=True, help="ANERcorp train.txt (CoNLL)")
    ap.add_argument("--holdout", type=float, default=0.1)
    ap.add_argument("--errors", type=int, default=0, help="print errors of N sentences")
    ap.add_argument("--gazetteer", default=str(GAZETTEER_PATH), help="built artefact to use")
    ap.add_argument("--text", help="a text file to measure throughput on (default: held-out)")
    args = ap.parse_args(argv)

    t0 = time.perf_counter()
    gaz = load_gazetteer(args.gazetteer)
    load = time.perf_counter() - t0
    _, held = split_holdout(read_conll(args.anercorp), args.holdout)
    res = score(held, gaz, args.errors)
    print(f"held-out ANERcorp: {len(held)} sentences, {sum(len(s) for s in held)} tokens")
    print(f"{'kind':5} {'prec':>6} {'rec':>6} {'f1':>6} {'pred':>5} {'gold':>5}")
    for k, r in res.items():
        print(
            f"{k:5} {r['precision']:6.3f} {r['recall']:6.3f} {r['f1']:6.3f}"
            f" {r['pred']:5d} {r['gold']:5d}"
        )
    text = (
        Path(args.text).read_text(encoding="utf-8")
        if args.text
        else "\n".join(sentence_text(s)[0] for s in held)
    )
    n, tps = throughput(text, gaz)
    print(f"gazetteer load: {load:.2f} s; throughput: {tps:,.0f} tokens/s over {n} tokens")


if __name__ == "__main__":
    main()
