"""Benchmark the import: a corpus through the real ingest path, articles per second end to end.

A benchmark, not a test. It reads a gzipped JSON-lines corpus where it lies, ingests it with
the same code as ``import_articles`` (validation, duplicate check, the configured recogniser in
``--jobs`` processes, linking, batches of ``--batch-size`` per transaction) into an empty
database of its own, and prints the rate and the size of the database.

    EMBEDDED_DB_NAME=newsroom_bench .venv/bin/python manage.py migrate
    EMBEDDED_DB_NAME=newsroom_bench .venv/bin/python manage.py benchmark_import \\
        --corpus ../shared/corpus/ant-multisource-2018.jsonl.gz
"""

from __future__ import annotations

import os
import statistics
import time
from collections import Counter
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from newsroom import nlp
from newsroom.articles.bulk import BATCH_SIZE, default_jobs, ingest_stream
from newsroom.articles.corpus import count_records, read_corpus
from newsroom.articles.ingest import Outcome
from newsroom.articles.models import Article, Source
from newsroom.benchmarks import benchmark_database, corpus_file
from newsroom.entities.models import Alias, ArticleEntity, Entity, Mention

TARGET_RATE = 100.0  # articles per second, end to end


def database_size() -> tuple[int, list[tuple[str, int, int]]]:
    """Bytes of the whole database, and (table, table bytes, index bytes) of the largest."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_database_size(current_database())")
        total = cursor.fetchone()[0]
        cursor.execute(
            "SELECT c.relname, pg_table_size(c.oid), pg_indexes_size(c.oid)"
            " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE c.relkind = 'r' AND n.nspname = current_schema()"
            " ORDER BY pg_total_relation_size(c.oid) DESC LIMIT 6"
        )
        return total, list(cursor.fetchall())


def mib(n: int) -> str:
    return f"{n / 2**20:,.1f} MiB"


class Command(BaseCommand):
    help = (
        "Import a corpus (gzipped JSON lines) through the ingest path into an empty database "
        "and print articles/second end to end and the database size. "
        "Run it on a database of its own: EMBEDDED_DB_NAME=newsroom_bench."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--corpus", type=Path, required=True, help="gzipped JSON lines")
        parser.add_argument("--articles", type=int, help="import only the first N (default all)")
        parser.add_argument(
            "--jobs", type=int, default=default_jobs(), help="annotating processes (default: cores)"
        )
        parser.add_argument(
            "--batch-size", type=int, default=BATCH_SIZE, help="articles per transaction"
        )
        parser.add_argument(
            "--flush",
            action="store_true",
            help="empty the database's articles, entities and sources first",
        )

    def handle(self, *args, **options) -> None:
        name = benchmark_database("benchmark_import")
        corpus = corpus_file(options["corpus"])
        if options["flush"]:
            self._flush()
        elif Article.objects.exists():
            raise CommandError(
                f"Database '{name}' already holds articles: the benchmark needs an empty one "
                "(add --flush to empty it)."
            )

        total = count_records(corpus, options["articles"])
        jobs, batch = max(1, options["jobs"]), max(1, options["batch_size"])
        backend = nlp.check_backend()
        self.stdout.write(
            f"database: {name}; recogniser: {backend.name} ({backend.version}); "
            f"{jobs} annotating process(es), {batch} articles per transaction; "
            f"{os.cpu_count()} CPUs, load average " + ", ".join(f"{x:.1f}" for x in os.getloadavg())
        )
        self.stdout.write(f"importing {total} articles from {corpus.name} …")
        counts: Counter[Outcome] = Counter()
        rates: list[float] = []
        started = last = time.perf_counter()
        last_done = 0
        results = ingest_stream(
            read_corpus(corpus, options["articles"]), jobs=jobs, batch_size=batch
        )
        for done, result in enumerate(results, 1):
            counts[result.outcome] += 1
            now = time.perf_counter()
            if now - last >= 10:
                rates.append((done - last_done) / (now - last))
                last, last_done = now, done
                self.stdout.write(f"  {done}/{total}: {rates[-1]:.1f} articles/s lately")
        elapsed = time.perf_counter() - started
        done = sum(counts.values())
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # fresh planner statistics after a bulk import

        rate = done / elapsed if elapsed else 0.0
        self.stdout.write(
            f"stored {counts[Outcome.STORED]}, duplicates {counts[Outcome.DUPLICATE]}, "
            f"refused {counts[Outcome.REFUSED]}, annotation failed "
            f"{Article.objects.filter(status=Article.Status.FAILED).count()}"
        )
        self.stdout.write(
            f"database holds {Article.objects.count()} articles, {Entity.objects.count()} "
            f"entities, {Alias.objects.count()} aliases, {Mention.objects.count()} mentions, "
            f"{ArticleEntity.objects.count()} appearances"
        )
        total_bytes, tables = database_size()
        self.stdout.write(f"database size {mib(total_bytes)}; largest tables (data + indexes):")
        for table, data, indexes in tables:
            self.stdout.write(f"  {table:<28} {mib(data):>12} + {mib(indexes):>12}")
        if rates:
            self.stdout.write(
                f"rate per 10-second interval: median {statistics.median(rates):.1f}, "
                f"min {min(rates):.1f}, max {max(rates):.1f} articles/s"
            )
        verdict = "target met" if rate >= TARGET_RATE else "below target"
        self.stdout.write(
            f"{done} articles in {elapsed:.1f} s: {rate:.1f} articles/s end to end "
            f"(target {TARGET_RATE:.0f}: {verdict})"
        )

    def _flush(self) -> None:
        tables = [
            m._meta.db_table for m in (Mention, ArticleEntity, Alias, Entity, Article, Source)
        ]
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
