"""Benchmark the reader pages on a real corpus: server time and SQL queries per page.

A benchmark, not a test: it imports a corpus (JSON lines, gzip) through the normal ingest path
into the current database, then times the pages with Django's test client, which runs the whole
request (middleware, view, queries, template) in process, without a network or a web server.
Run it against a database of its own (EMBEDDED_DB_NAME=newsroom_bench) so the demo stays as it is.
"""

from __future__ import annotations

import os
import statistics
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, reset_queries
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import NoReverseMatch, reverse

from newsroom.articles.corpus import count_records, read_corpus
from newsroom.articles.ingest import Outcome
from newsroom.articles.models import Article
from newsroom.benchmarks import (
    DEMO_DATABASE,
    SKIPPED,
    benchmark_database,
    corpus_file,
    import_corpus,
)
from newsroom.entities.models import Entity, Mention

TARGET_MEDIAN_MS = 50.0
TARGET_P99_MS = 150.0


# Measurement ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Measurement:
    label: str
    url: str
    median_ms: float
    p99_ms: float
    queries: int
    status: int

    @property
    def on_target(self) -> bool:
        return self.median_ms <= TARGET_MEDIAN_MS and self.p99_ms <= TARGET_P99_MS


def percentile(values: list[float], pct: int) -> float:
    if len(values) < 2:
        return max(values)
    return statistics.quantiles(values, n=100, method="inclusive")[pct - 1]


def measure(client: Client, label: str, url: str, *, repeat: int, warmup: int) -> Measurement:
    """Time ``repeat`` requests of ``url`` after ``warmup`` untimed ones; count one's queries."""
    for _ in range(warmup):
        client.get(url)
    reset_queries()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    # Count now: the next request clears the connection's query log that the context reads.
    query_count = len(queries)
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
    return Measurement(
        label=label,
        url=url,
        median_ms=statistics.median(timings),
        p99_ms=percentile(timings, 99),
        queries=query_count,
        status=response.status_code,
    )


def typical_busy_article() -> tuple[Article, int] | None:
    """An article with many mentions, but not an outlier: the 90th percentile by count."""
    per_article = (
        Mention.objects.order_by()
        .values("article")
        .annotate(n=Count("id"))
        .order_by("-n", "article")
    )
    total = per_article.count()
    if not total:
        return None
    row = per_article[total // 10]
    return Article.objects.get(pk=row["article"]), row["n"]


def top_pair(candidates: int = 100) -> tuple[Entity, Entity, int] | None:
    """The two entities named together in the most articles, among the most-named ones."""
    top = list(
        Entity.objects.filter(article_count__gt=0)
        .order_by("-article_count", "pk")
        .values_list("pk", flat=True)[:candidates]
    )
    table = Mention._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH named AS (
                SELECT DISTINCT article_id, entity_id FROM {table} WHERE entity_id = ANY(%s)
            )
            SELECT a.entity_id, b.entity_id, COUNT(*) AS together
            FROM named a JOIN named b ON a.article_id = b.article_id AND a.entity_id < b.entity_id
            GROUP BY 1, 2 ORDER BY together DESC, 1, 2 LIMIT 1
            """,
            [top],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    entities = Entity.objects.in_bulk(row[:2])
    first, second = sorted(entities.values(), key=lambda e: (-e.article_count, e.pk))
    return first, second, row[2]


@dataclass(frozen=True, slots=True)
class Target:
    label: str
    name: str  # URL name, reversed only when timed: some pages may not exist yet
    args: tuple[int, ...] = ()
    query: dict[str, str] = field(default_factory=dict)

    def url(self) -> str:
        url = reverse(self.name, args=self.args)
        return f"{url}?{urlencode(self.query)}" if self.query else url


def benchmark_targets(query: str) -> tuple[list[Target], list[str]]:
    """The pages to time, and what was picked for each."""
    notes: list[str] = []
    targets: list[Target] = []
    busy = typical_busy_article()
    if busy:
        article, mentions = busy
        notes.append(f"article #{article.pk}: {mentions} mentions, {len(article.body)} characters")
        targets.append(Target("article", "reader:article", (article.pk,)))
    entity = Entity.objects.order_by("-article_count", "pk").first()
    if entity:
        notes.append(
            f"entity #{entity.pk} {entity.name} ({entity.kind}): {entity.article_count} articles"
        )
        targets.append(Target("entity, page 1", "reader:entity", (entity.pk,)))
        targets.append(Target("entity, page 2", "reader:entity", (entity.pk,), {"page": "2"}))
    pair = top_pair()
    if pair:
        a, b, together = pair
        notes.append(f"pair #{a.pk} {a.name} + #{b.pk} {b.name}: {together} articles together")
        targets.append(Target("pair", "reader:pair", (a.pk, b.pk)))
    notes.append(f"search: q={query}")
    targets.append(Target("search", "reader:search", query={"q": query}))
    # The API and the feed too, for their query counts.
    if busy:
        targets.append(Target("api: article", "reader:api_article", (busy[0].pk,)))
    if entity:
        targets.append(Target("api: entity", "reader:api_entity", (entity.pk,)))
        targets.append(Target("entity feed", "reader:entity_feed", (entity.pk,)))
    return targets, notes


# Command --------------------------------------------------------------------------------------


class Command(BaseCommand):
    help = (
        "Import a corpus (JSON lines, gzip) through ingest_article and time the reader pages. "
        "Run it on its own database: EMBEDDED_DB_NAME=newsroom_bench."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--corpus", type=Path, required=True, help="gzipped JSON lines")
        parser.add_argument("--articles", type=int, help="import only the first N (default all)")
        parser.add_argument("--repeat", type=int, default=50, help="timed requests per page")
        parser.add_argument("--warmup", type=int, default=5, help="untimed requests first")
        parser.add_argument("--query", default="الرئيس", help="the common word to search for")
        parser.add_argument(
            "--allow-demo-database",
            action="store_true",
            help=f"run even on the '{DEMO_DATABASE}' database, adding the corpus to the demo",
        )

    def handle(self, *args, **options) -> None:
        name = benchmark_database("benchmark_reader", allow_demo=options["allow_demo_database"])
        if options["repeat"] < 1 or options["warmup"] < 0:
            raise CommandError("--repeat must be at least 1 and --warmup at least 0.")
        corpus = corpus_file(options["corpus"])

        self.stdout.write(f"database: {name}")
        # DEBUG off: no per-query logging overhead in the import or the timings.
        with override_settings(DEBUG=False, ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"]):
            self._import(corpus, options["articles"])
            self._measure(options["repeat"], options["warmup"], options["query"])

    def _import(self, corpus: Path, limit: int | None) -> None:
        total = count_records(corpus, limit)
        self.stdout.write(f"importing {total} articles from {corpus.name} …")
        counts: Counter[str] = Counter()
        started = last = time.monotonic()
        for done, outcome in enumerate(import_corpus(read_corpus(corpus, limit)), 1):
            counts[outcome] += 1
            now = time.monotonic()
            if now - last >= 10 or done == total:
                last = now
                rate = (done - counts[SKIPPED]) / (now - started)
                speed = (
                    f"  ({rate:.1f} articles/s, {(total - done) / rate / 60:.0f} min left)"
                    if rate
                    else ""
                )
                self.stdout.write(
                    f"  {done}/{total}  stored {counts[Outcome.STORED.value]}, "
                    f"already imported {counts[SKIPPED]}, "
                    f"duplicates {counts[Outcome.DUPLICATE.value]}, "
                    f"refused {counts[Outcome.REFUSED.value]}{speed}"
                )
        if counts[Outcome.STORED.value]:
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")  # fresh planner statistics after a bulk import
        self.stdout.write(
            f"database holds {Article.objects.count()} articles, {Entity.objects.count()} "
            f"entities, {Mention.objects.count()} mentions"
        )

    def _measure(self, repeat: int, warmup: int, query: str) -> None:
        targets, notes = benchmark_targets(query)
        for note in notes:
            self.stdout.write(f"  {note}")
        client = Client()
        results: list[Measurement] = []
        load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
        self.stdout.write(
            f"\ntiming {repeat} requests per page after {warmup} warm-up requests "
            f"({os.cpu_count()} CPUs, load average {load}: a busy machine slows every figure)"
        )
        header = (
            f"{'page':<16} {'median ms':>10} {'p99 ms':>9} {'queries':>8} {'status':>7}  target"
        )
        self.stdout.write(header)
        self.stdout.write("-" * len(header))
        for target in targets:
            try:
                url = target.url()
            except NoReverseMatch as exc:
                self.stdout.write(f"{target.label:<16} skipped: no such URL yet ({exc})")
                continue
            result = measure(client, target.label, url, repeat=repeat, warmup=warmup)
            results.append(result)
            verdict = "ok" if result.on_target and result.status == 200 else "MISSED"
            self.stdout.write(
                f"{result.label:<16} {result.median_ms:>10.1f} {result.p99_ms:>9.1f} "
                f"{result.queries:>8} {result.status:>7}  {verdict}"
            )
        self.stdout.write(
            f"targets: median ≤ {TARGET_MEDIAN_MS:.0f} ms, p99 ≤ {TARGET_P99_MS:.0f} ms "
            "(server time in process: middleware, view, SQL, template; no network)"
        )
        by_label = {r.label: r for r in results}
        first, second = by_label.get("entity, page 1"), by_label.get("entity, page 2")
        if first and second:
            grows = "grows" if second.queries > first.queries else "does not grow"
            self.stdout.write(
                f"entity page queries: page 1 {first.queries}, page 2 {second.queries} "
                f"(the query count {grows} with the items shown)"
            )
        missed = [r.label for r in results if not r.on_target or r.status != 200]
        self.stdout.write(
            f"{len(results)} pages timed, {len(results) - len(missed)} on target"
            + (f"; missed: {', '.join(missed)}" if missed else "")
        )
