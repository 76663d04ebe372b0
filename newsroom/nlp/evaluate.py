"""Gazetteer development check: scores on held-out ANERcorp sentences, plus throughput.

    python -m newsroom.nlp.evaluate --anercorp /work/shared/ner/anercorp/train.txt

The held-out part is the last --holdout of the sentences (the same split build_gazetteer leaves
out), scored with a given gazetteer artefact (default: the shipped one). The project's evaluation
of whatever backend the app uses is ``manage.py evaluate_ner``; both share conll.py.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from .backends import Span
from .conll import (
    Counts,
    Mismatch,
    Sentence,
    evaluate,
    read_conll,
    report,
    scores,
    sentence_text,
    split_holdout,
)
from .gazetteer import GAZETTEER_PATH, Gazetteer, load_gazetteer
from .recognizer import find_matches
from .text import tokenize


def _annotator(gaz: Gazetteer):
    def annotate(text: str) -> list[Span]:
        return [
            Span(m.start, m.end, m.kind, text[m.start : m.end], m.key)
            for m in find_matches(text, gaz)
        ]

    return annotate


def score(
    sents: list[Sentence], gaz: Gazetteer, show_errors: int = 0
) -> dict[str, dict[str, float]]:
    """Per kind and for "ALL": precision, recall, f1, pred, gold, tp."""
    mismatches: list[Mismatch] = []
    counts: Counts = evaluate(sents, _annotator(gaz), mismatches=mismatches)
    for m in mismatches[:show_errors]:
        print("FP", m.spurious, "\nFN", m.missed)
    return {
        ("ALL" if s.kind == "micro" else s.kind): {
            "precision": s.precision,
            "recall": s.recall,
            "f1": s.f1,
            "pred": s.predicted,
            "gold": s.gold,
            "tp": s.correct,
        }
        for s in scores(counts)
    }


def throughput(text: str, gaz: Gazetteer, repeat: int = 3) -> tuple[int, float]:
    """(tokens, tokens per second) annotating text, best of `repeat` runs."""
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
    mismatches: list[Mismatch] = []
    counts = evaluate(held, _annotator(gaz), mismatches=mismatches)
    for m in mismatches[: args.errors]:
        print("FP", m.spurious, "\nFN", m.missed)
    print("held-out ANERcorp:", *report(counts), sep="\n")
    text = (
        Path(args.text).read_text(encoding="utf-8")
        if args.text
        else "\n".join(sentence_text(s)[0] for s in held)
    )
    n, tps = throughput(text, gaz)
    print(f"gazetteer load: {load:.2f} s; throughput: {tps:,.0f} tokens/s over {n} tokens")


if __name__ == "__main__":
    main()
