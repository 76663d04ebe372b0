"""Entity-level precision / recall / F1 of the recogniser on a CoNLL file (conlleval rules)."""

from __future__ import annotations

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from newsroom.nlp import backends
from newsroom.nlp.conll import Mismatch, dev_split, evaluate, read_conll, report


class Command(BaseCommand):
    help = (
        "Score the recogniser on a CoNLL file (TOKEN TAG per line, blank line between sentences): "
        "each sentence's tokens are joined with single spaces and annotated as an article is; a "
        "token overlapped by a span takes its kind; chunks are compared as conlleval does. The "
        "last line is `micro-F1 NN.NN`."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "file", type=Path, help="CoNLL file, e.g. shared/ner/anercorp/train.txt"
        )
        parser.add_argument(
            "--backend",
            choices=backends.BACKEND_NAMES,
            help="recogniser backend (default: the one NER_BACKEND selects, builtin if unset)",
        )
        parser.add_argument("--errors", type=int, default=0, help="print N mismatched sentences")
        parser.add_argument(
            "--dev",
            action="store_true",
            help="score only the development split of the file: sentence i when i %% 10 == 9 "
            "(the sentences the shipped tagger was not trained on, if FILE is ANERcorp train)",
        )

    def handle(self, *args, **options) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"no such file: {path}")
        name = options["backend"] or backends.configured_name()
        try:
            backend = backends.create(name)
        except backends.BackendUnavailable as exc:
            raise CommandError(str(exc)) from exc
        sents = read_conll(path)
        if options["dev"]:
            sents = dev_split(sents)[1]
        if not sents:
            raise CommandError(f"no sentences in {path}")
        part = " (dev split: i % 10 == 9)" if options["dev"] else ""
        self.stderr.write(f"{len(sents)} sentences from {path}{part}; backend {backend.version}")

        every = max(1, len(sents) // 10)

        def progress(n: int) -> None:
            if n % every == 0 and n < len(sents):
                self.stderr.write(f"  {n}/{len(sents)} sentences")

        mismatches: list[Mismatch] = []
        t0 = time.perf_counter()
        counts = evaluate(sents, backend.annotate, mismatches=mismatches, progress=progress)
        elapsed = time.perf_counter() - t0
        for m in mismatches[: options["errors"]]:
            self.stdout.write(f"missed {m.missed}  spurious {m.spurious}")
        self.stderr.write(f"annotated in {elapsed:.1f} s")
        lines = report(counts)
        lines.insert(0, f"{path.name}{part}: backend {backend.version}")
        self.stdout.write("\n".join(lines))
