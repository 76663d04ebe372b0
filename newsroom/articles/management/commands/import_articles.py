"""Import articles from files and folders through the normal ingest path."""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, OutputWrapper
from django.db import DatabaseError
from tqdm import tqdm

from newsroom.articles.bulk import BATCH_SIZE, default_jobs, ingest_stream
from newsroom.articles.formats import SUPPORTED_SUFFIXES, Limits, iter_paths
from newsroom.articles.ingest import Outcome
from newsroom.entities.recall import recall_archive
from newsroom.entities.resolution import resolve_archive


class _Unterminated:
    """A file for tqdm over a management command's output (which would end every write)."""

    def __init__(self, out: OutputWrapper) -> None:
        self._out = out

    def write(self, text: str) -> None:
        self._out.write(text, ending="")

    def flush(self) -> None:
        self._out.flush()

    def isatty(self) -> bool:
        return self._out.isatty()


class Command(BaseCommand):
    help = (
        "Import articles from files and folders (recursively): "
        + " ".join(SUPPORTED_SUFFIXES)
        + " (.jsonl.gz too). Ends with 'stored N, duplicates D, refused R'."
    )

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("paths", nargs="+", type=Path, metavar="PATH")
        parser.add_argument("--source", default="", help="source for articles that name none")
        parser.add_argument(
            "--progress",
            action=argparse.BooleanOptionalAction,
            default=None,
            help="show a progress bar on stderr (default: when stderr is a terminal)",
        )
        parser.add_argument(
            "--jobs",
            type=int,
            default=default_jobs(),
            help="processes that annotate while one stores (default: one per core)",
        )
        parser.add_argument(
            "--batch-size",
            type=int,
            default=BATCH_SIZE,
            help=f"articles stored per transaction (default {BATCH_SIZE})",
        )
        parser.add_argument(
            "--max-archive-bytes",
            type=int,
            default=max(settings.MAX_ARCHIVE_BYTES, 2 * 1024**3),
            help="most that one .zip or .gz may expand to (default 2 GiB)",
        )
        parser.add_argument(
            "--max-archive-entries",
            type=int,
            default=max(settings.MAX_ARCHIVE_ENTRIES, 100_000),
            help="most files in one .zip (default 100000)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        paths: list[Path] = options["paths"]
        missing = [str(path) for path in paths if not path.exists()]
        if missing:
            raise CommandError("no such file or folder: " + ", ".join(missing))
        limits = Limits(
            file_bytes=settings.MAX_UPLOAD_BYTES,
            archive_bytes=options["max_archive_bytes"],
            archive_entries=options["max_archive_entries"],
        )
        metadata = {"source": options["source"]}
        show = options["progress"]
        if show is None:
            show = self.stderr.isatty() and options["verbosity"] > 0
        # Counting first (parsing without storing, cheap next to annotating) gives the bar
        # its end and an estimate of the time left.
        total = (
            sum(1 for _ in iter_paths(paths, limits=limits, metadata=metadata)) if show else None
        )
        counts: Counter[Outcome] = Counter()
        try:
            self._import(paths, limits, metadata, show, total, counts, options)
        except KeyboardInterrupt:
            self.stderr.write("interrupted: what was stored stays stored")
            raise CommandError(self._summary(counts), returncode=130) from None
        except DatabaseError as exc:
            # Each batch of articles is stored in its own transaction: the ones counted are
            # whole, the batch in flight was rolled back, and running the same command again
            # skips the stored ones as duplicates.
            self.stderr.write(
                f"database failure: {str(exc).strip()}\n"
                "what was stored stays stored; run the same command again to import the rest"
            )
            raise CommandError(self._summary(counts), returncode=1) from None
        if counts[Outcome.STORED]:
            # What the new articles say about names across the archive (one-word names,
            # abbreviations, names the recogniser missed in some articles): settled once for
            # the whole import; then places and Latin names.
            resolve_archive()
            recall = recall_archive()
            from newsroom.geo.services import link_new_entities

            geo = link_new_entities()
            # On stderr, with the progress: stdout stays the one-line summary.
            self.stderr.write(
                f"places linked {geo.linked}, persons named {geo.named}; {recall.describe()}"
            )
        self.stdout.write(self._summary(counts))

    @staticmethod
    def _summary(counts: Counter[Outcome]) -> str:
        return (
            f"stored {counts[Outcome.STORED]}, duplicates {counts[Outcome.DUPLICATE]}, "
            f"refused {counts[Outcome.REFUSED]}"
        )

    def _import(
        self,
        paths: list[Path],
        limits: Limits,
        metadata: dict[str, Any],
        show: bool,
        total: int | None,
        counts: Counter[Outcome],
        options: dict[str, Any],
    ) -> None:
        with tqdm(
            total=total,
            unit=" items",
            file=_Unterminated(self.stderr),
            disable=not show,
            dynamic_ncols=True,
            mininterval=0.5,
        ) as bar:
            results = ingest_stream(
                iter_paths(paths, limits=limits, metadata=metadata),
                jobs=options["jobs"],
                batch_size=options["batch_size"],
            )
            for result in results:
                counts[result.outcome] += 1
                if result.outcome is Outcome.REFUSED:
                    message = f"refused {result.label}: {result.reason}"
                    if show:
                        bar.write(message, file=_Unterminated(self.stderr))
                    else:
                        self.stderr.write(message)
                bar.update(1)
                bar.set_postfix(
                    stored=counts[Outcome.STORED],
                    duplicates=counts[Outcome.DUPLICATE],
                    refused=counts[Outcome.REFUSED],
                    refresh=False,
                )
