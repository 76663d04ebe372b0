"""Tokens per second of the built-in recogniser and of a BERT-base comparison, same text."""

from __future__ import annotations

import math
import statistics
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from newsroom.nlp import benchmark as bench
from newsroom.nlp.backends import BUILTIN

DEFAULT_CORPUS = Path(settings.BASE_DIR).parent / "shared/corpus/ant-multisource-2018.jsonl.gz"


class Command(BaseCommand):
    help = (
        "Throughput (word tokens per second, medians over --repeat runs, one CPU thread) of the "
        "built-in recogniser and of a randomly initialised BERT-base token classifier on the "
        "same articles; the last line is `speedup NN.Nx`. The corpus is read where it lies."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--articles", type=int, default=200, help="first N articles (200)")
        parser.add_argument(
            "--corpus",
            type=Path,
            default=DEFAULT_CORPUS,
            help=f"JSON lines (gzip) with title and body (default {DEFAULT_CORPUS})",
        )
        parser.add_argument("--repeat", type=int, default=3, help="timed runs of each (3)")
        parser.add_argument(
            "--chars-per-piece",
            type=int,
            default=4,
            help="stand-in tokenizer: one BERT wordpiece per N characters of a word (4)",
        )
        parser.add_argument(
            "--bert-seconds",
            type=float,
            default=15.0,
            help="time budget of one BERT run: the run covers an evenly spaced sample of the "
            "sequences that fits it (0: all sequences)",
        )

    def handle(self, *args, **options) -> None:
        corpus: Path = options["corpus"]
        if not corpus.is_file():
            raise CommandError(f"no corpus at {corpus}: give its path with --corpus")
        repeat = options["repeat"]
        if options["articles"] < 1 or repeat < 1 or options["chars_per_piece"] < 1:
            raise CommandError("--articles, --repeat and --chars-per-piece must be at least 1")

        texts = bench.read_articles(corpus, options["articles"])
        n_tokens = sum(len(bench.word_tokens(t)) for t in texts)
        if not n_tokens:
            raise CommandError(f"no text in the first {options['articles']} records of {corpus}")
        out = self.stdout.write
        out(
            f"text: {options['articles']} articles from {corpus.name} ({len(texts)} titles and "
            f"bodies), {n_tokens:,} word tokens (the project's tokenizer, punctuation included)"
        )

        import torch  # only now: a second or more to import

        torch.set_num_threads(1)
        blas = one_blas_thread()
        out(
            "threads: one CPU thread for both (torch.set_num_threads(1); the built-in "
            f"recogniser is Python and numpy, {blas})"
        )

        # -- built-in: every text, as the app annotates title and body; warm-up run untimed
        self.stderr.write("built-in recogniser: warm-up (loads the model) …")

        def builtin_run() -> None:
            for t in texts:
                BUILTIN.annotate(t)

        builtin_run()
        self.stderr.write(f"built-in recogniser: {repeat} timed runs …")
        times = bench.time_runs(builtin_run, repeat)
        builtin_rate = bench.median_rate(n_tokens, times)
        out(
            f"built-in recogniser ({BUILTIN.version}): {builtin_rate:,.0f} tokens/s "
            f"(median of {repeat} runs over all {n_tokens:,} tokens: "
            f"{statistics.median(times):.2f} s)"
        )

        # -- BERT-base on the same text
        self.stderr.write("BERT-base: building the model (random weights) …")
        model = bench.bert_base()
        cfg = model.config
        seqs = bench.pack(texts, options["chars_per_piece"])
        pieces = sum(s.pieces - 2 for s in seqs)
        out(
            f"BERT-base comparison: BertForTokenClassification, {cfg.num_hidden_layers} layers, "
            f"hidden {cfg.hidden_size}, {cfg.num_attention_heads} heads, vocab "
            f"{cfg.vocab_size:,}, {cfg.num_labels} labels; random weights, eval mode, no_grad"
        )
        out(
            f"  stand-in wordpieces: each word cut into {options['chars_per_piece']}-character "
            f"pieces = {pieces / n_tokens:.2f} pieces per word; {len(seqs)} sequences of at most "
            f"{bench.MAX_WORDPIECES} wordpieces (mean {pieces / len(seqs) + 2:.0f} with [CLS] "
            "and [SEP]), one forward pass each, no padding"
        )
        sample = self._bert_sample(model, seqs, options["bert_seconds"])
        sample_tokens = sum(s.words for s in sample)
        if len(sample) < len(seqs):
            out(
                f"  timed on {len(sample)} of {len(seqs)} sequences, evenly spaced "
                f"({sample_tokens:,} tokens), to fit --bert-seconds {options['bert_seconds']:g}"
            )
        self.stderr.write(f"BERT-base: {repeat} timed runs …")
        times = bench.time_runs(bench.bert_runner(model, sample), repeat)
        bert_rate = bench.median_rate(sample_tokens, times)
        out(
            f"BERT-base: {bert_rate:,.1f} tokens/s (median of {repeat} runs over "
            f"{sample_tokens:,} tokens: {statistics.median(times):.2f} s)"
        )
        out(f"speedup {builtin_rate / bert_rate:.1f}x")

    def _bert_sample(self, model, seqs: list[bench.Packed], budget: float) -> list[bench.Packed]:
        """An evenly spaced sample of the sequences whose run should take about `budget` s,
        after one untimed warm-up pass on the longest sequence (which also calibrates)."""
        longest = max(seqs, key=lambda s: s.pieces)
        self.stderr.write("BERT-base: warm-up pass …")
        t0 = time.perf_counter()
        bench.bert_runner(model, [longest])()
        per_piece = (time.perf_counter() - t0) / longest.pieces
        if budget <= 0:
            return seqs
        mean_pieces = sum(s.pieces for s in seqs) / len(seqs)
        k = max(1, math.floor(budget / (per_piece * mean_pieces)))
        return bench.evenly_spaced(seqs, k)


def one_blas_thread() -> str:
    """Limit numpy's BLAS to one thread for the rest of the process; says how it went."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return "BLAS threads not limited: threadpoolctl is not installed"
    threadpool_limits(1)
    return "its BLAS limited to one thread with threadpoolctl"
