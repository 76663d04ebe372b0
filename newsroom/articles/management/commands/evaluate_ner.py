"""Entity-level precision / recall / F1 of the recogniser on CoNLL files (conlleval rules)."""

from __future__ import annotations

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from newsroom.nlp import backends
from newsroom.nlp.conll import (
    Mismatch,
    drop_first,
    evaluate,
    read_conll,
    repeated_first_token,
    report,
    split_holdout,
)

# Sentences of context on each side: articles are annotated whole, and the recogniser reads a
# name's other occurrences and the article's subject (see tagger/core.py).
CONTEXT = 10


class Command(BaseCommand):
    help = (
        "Score the recogniser on CoNLL files (TOKEN TAG per line, blank line between sentences): "
        "each sentence's tokens are joined with single spaces and annotated as an article is; a "
        "token overlapped by a span takes its kind; chunks are compared as conlleval does. Per "
        "file: a table per kind, the micro-F1 over PERS+ORG+LOC, and `micro-F1 NN.NN` (all "
        "kinds) as its last line. The development figures are "
        "`evaluate_ner --holdout shared/ner/anercorp/train.txt shared/ner/dev/ant-2018-dev.conll`."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "files",
            nargs="+",
            type=Path,
            metavar="FILE",
            help="CoNLL files, each scored on its own, e.g. shared/ner/dev/ant-2018-dev.conll",
        )
        parser.add_argument(
            "--backend",
            choices=backends.BACKEND_NAMES,
            help="recogniser backend (default: the one NER_BACKEND selects, builtin if unset)",
        )
        parser.add_argument("--errors", type=int, default=0, help="print N mismatched sentences")
        parser.add_argument(
            "--context",
            type=int,
            default=CONTEXT,
            metavar="N",
            help="annotate each sentence with the N sentences before and after it, one per line, "
            "as in an article (a CoNLL file keeps no article boundaries); only its own spans are "
            f"scored; 0: each sentence alone (default {CONTEXT})",
        )
        parser.add_argument(
            "--holdout",
            action="store_true",
            help="score only the held-out tail of the FIRST file: its last 10 %% of sentences "
            "by position, whole articles (give ANERcorp train.txt: the built-in tagger was "
            "trained on the rest and never on these); the other files are scored whole",
        )

        parser.add_argument(
            "--drop-repeated-first",
            action="store_true",
            help="where one token opens most sentences of a file (a copying defect: the "
            "ANERcorp test split as published repeats the corpus's first token), score the "
            "sentences without it; without this option such a file is scored as given, with a "
            "note",
        )

    def handle(self, *args, **options) -> None:
        paths: list[Path] = options["files"]
        for path in paths:
            if not path.is_file():
                raise CommandError(f"no such file: {path}")
        name = options["backend"] or backends.configured_name()
        try:
            backend = backends.create(name)
        except backends.BackendUnavailable as exc:
            raise CommandError(str(exc)) from exc
        blocks = []
        for n, path in enumerate(paths):
            sents = read_conll(path)
            part = ""
            if options["holdout"] and n == 0:
                train, sents = split_holdout(sents)
                part = f" (held-out tail: sentences {len(train) + 1}-{len(train) + len(sents)})"
            if not sents:
                raise CommandError(f"no sentences in {path}")
            note = ""
            if (rep := repeated_first_token(sents)) is not None:
                tags = ", ".join(f"{t} {c}" for t, c in rep.tags.most_common())
                note = (
                    f"note: {rep.sentences} of {len(sents)} sentences open with the same token "
                    f"{rep.token!r} (gold tags there: {tags}); "
                )
                if options["drop_repeated_first"]:
                    sents = drop_first(sents, rep.token)
                    note += "scored without it (--drop-repeated-first)"
                else:
                    note += "scored as given; --drop-repeated-first scores them without it"
            block = self._score(path, part, sents, backend, options["errors"], options["context"])
            blocks.append(f"{note}\n{block}" if note else block)
        self.stdout.write("\n\n".join(blocks))

    def _score(self, path: Path, part: str, sents, backend, errors: int, context: int) -> str:
        self.stderr.write(f"{len(sents)} sentences from {path}{part}; backend {backend.version}")
        every = max(1, len(sents) // 10)

        def progress(n: int) -> None:
            if n % every == 0 and n < len(sents):
                self.stderr.write(f"  {n}/{len(sents)} sentences")

        mismatches: list[Mismatch] = []
        t0 = time.perf_counter()
        counts = evaluate(
            sents, backend.annotate, context=context, mismatches=mismatches, progress=progress
        )
        self.stderr.write(f"annotated in {time.perf_counter() - t0:.1f} s")
        lines = [f"{path.name}{part}: backend {backend.version}"]
        for m in mismatches[:errors]:
            lines.append(f"missed {m.missed}  spurious {m.spurious}")
        return "\n".join(lines + report(counts))
