"""Benchmark entity resolution: for real-world entities, how much of each one page lists.

A benchmark, not a test. It imports a corpus (JSON lines, gzip) through the normal ingest path
into a database of its own, skipping articles already there, so a second run reuses them. Then,
for each real-world entity of a clusters file (see docs/resolution.md), it finds the articles
naming it and the stored entity whose page lists most of them, and prints that page's coverage
and purity. The last line is the mean coverage.

    EMBEDDED_DB_NAME=newsroom_bench .venv/bin/python manage.py migrate
    EMBEDDED_DB_NAME=newsroom_bench .venv/bin/python manage.py benchmark_resolution \\
        --corpus ../shared/corpus/ant-multisource-2018.jsonl.gz \\
        --clusters docs/resolution-clusters.tsv
"""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from newsroom.articles.bulk import default_jobs
from newsroom.articles.corpus import count_records, read_corpus
from newsroom.articles.ingest import Outcome
from newsroom.articles.models import Article
from newsroom.benchmarks import SKIPPED, benchmark_database, corpus_file, import_corpus
from newsroom.entities import resolution_benchmark as rb
from newsroom.entities.models import Entity
from newsroom.entities.recall import recall_archive
from newsroom.entities.resolution import resolve_archive


class Command(BaseCommand):
    help = (
        "Import a corpus (gzipped JSON lines) into a database of its own, then print for each "
        "real-world entity of a clusters file the coverage and purity of its best entity page; "
        "the last line is the mean coverage. Run it with EMBEDDED_DB_NAME=newsroom_bench."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--corpus", type=Path, required=True, help="gzipped JSON lines")
        parser.add_argument(
            "--clusters", type=Path, required=True, help="real-world entities and their forms"
        )
        parser.add_argument("--articles", type=int, help="import only the first N (default all)")
        parser.add_argument(
            "--jobs", type=int, default=default_jobs(), help="annotating processes (default: cores)"
        )
        parser.add_argument(
            "--reuse",
            action="store_true",
            help="measure the articles already in the database without importing",
        )
        parser.add_argument(
            "--verbose", action="store_true", help="show the three best pages of each entity"
        )
        parser.add_argument(
            "--only",
            choices=rb.HALVES,
            help="measure one half of the list: dev (odd entries) or report (even entries)",
        )
        parser.add_argument(
            "--halves",
            action="store_true",
            help="also print the summary of each half (dev: odd entries, report: even entries)",
        )
        parser.add_argument(
            "--summary",
            action="store_true",
            help="print the summaries only, no line per entity (for a report half)",
        )

    def handle(self, *args, **options) -> None:
        name = benchmark_database("benchmark_resolution")
        try:
            clusters = rb.read_clusters(options["clusters"])
        except rb.ClustersError as exc:
            raise CommandError(str(exc)) from exc
        if options["only"]:
            clusters = rb.half(clusters, options["only"])
        self.stdout.write(f"database: {name}; {len(clusters)} real-world entities")
        if options["reuse"]:
            if not Article.objects.exists():
                raise CommandError(f"Database '{name}' holds no articles to reuse.")
        else:
            self._import(corpus_file(options["corpus"]), options["articles"], options["jobs"])

        started = time.monotonic()
        # What the archive says about short names, as after every import (idempotent).
        summary = resolve_archive()
        self.stdout.write(
            f"archive resolution: {summary.rekeyed} entities re-keyed, {summary.merged} merged"
            f" in {time.monotonic() - started:.1f} s"
        )
        # Then the names the recogniser missed in some articles, as after every import.
        self.stdout.write(recall_archive().describe())
        started = time.monotonic()
        results = rb.measure(clusters)
        self.stdout.write(
            f"measured {Article.objects.count()} articles, {Entity.objects.count()} entities "
            f"in {time.monotonic() - started:.1f} s"
        )
        lines = rb.report_lines(
            results,
            verbose=options["verbose"],
            halves=options["halves"],
            entities=not options["summary"],
        )
        for line in lines:
            self.stdout.write(line)

    def _import(self, corpus: Path, limit: int | None, jobs: int) -> None:
        total = count_records(corpus, limit)
        self.stdout.write(f"importing {total} articles from {corpus.name} …")
        counts: Counter[str] = Counter()
        started = last = time.monotonic()
        for done, outcome in enumerate(import_corpus(read_corpus(corpus, limit), jobs=jobs), 1):
            counts[outcome] += 1
            now = time.monotonic()
            if now - last >= 10 or done == total:
                last = now
                self.stdout.write(
                    f"  {done}/{total}  stored {counts[Outcome.STORED.value]}, "
                    f"already imported {counts[SKIPPED]}, "
                    f"duplicates {counts[Outcome.DUPLICATE.value]}, "
                    f"refused {counts[Outcome.REFUSED.value]}; {now - started:.0f} s"
                )
        if counts[Outcome.STORED.value]:
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")  # fresh planner statistics after a bulk import
