"""Benchmark how the reader pages grow with the archive: the imported corpus repeated in time.

A benchmark, not a test. Start from a database holding an imported corpus (``benchmark_import``
or ``benchmark_reader``). The command times the article page, the entity page of the most-named
entity (pages 1 and 2) and a search; then adds a copy of every article with its mentions and
appearances, dated one corpus span earlier each time (the archive grows into the past), and
times them again, until ``--copies`` copies exist. Copies are made in SQL (the annotation is
the original's), so a million mentions take minutes, not hours; their content hash starts with
``copy``. ``--drop`` removes them again.

    EMBEDDED_DB_NAME=newsroom_bench .venv/bin/python manage.py benchmark_scale --copies 3
"""

from __future__ import annotations

import os
import time

from django.conf import settings
from django.core.cache import cache
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.test import Client
from django.test.utils import override_settings

from newsroom.articles.models import Article
from newsroom.benchmarks import benchmark_database
from newsroom.entities import linking
from newsroom.entities.models import ArticleEntity, Entity, Mention
from newsroom.reader.management.commands.benchmark_reader import (
    Measurement,
    Target,
    measure,
    typical_busy_article,
)

COPY = "copy"  # content hash prefix of the synthetic copies

# Copied column by column; the rest (id, dates, hash) is computed.
ARTICLE_COLUMNS = (
    "title",
    "body",
    "source_id",
    "url",
    "status",
    "annotator_version",
    "annotation_error",
    "created_at",
    "search_title",
    "search_body",
)
MENTION_COLUMNS = linking.MENTION_COLUMNS[1:]  # all but article_id

# The indexes that keep the timed pages flat as the archive grows, by page.
INDEXES = {
    "article": ["articles_article_pkey", "mention_unique_position", "appearance_article_idx"],
    "entity": ["appearance_newest_idx", "mention_entity_article_idx"],
    "search": ["article_search_idx", "article_newest_idx"],
}


def q(name: str) -> str:
    return connection.ops.quote_name(name)


class Command(BaseCommand):
    help = (
        "Time the article, entity and search pages as the imported corpus is repeated with "
        "shifted dates (--copies N). Run it on the benchmark's database."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--copies", type=int, default=3, help="copies to reach (default 3)")
        parser.add_argument("--repeat", type=int, default=30, help="timed requests per page")
        parser.add_argument("--warmup", type=int, default=3, help="untimed requests first")
        parser.add_argument("--query", default="الرئيس", help="the common word to search for")
        parser.add_argument("--drop", action="store_true", help="remove the copies and stop")

    def handle(self, *args, **options) -> None:
        name = benchmark_database("benchmark_scale")
        originals = Article.objects.exclude(content_hash__startswith=COPY)
        if options["drop"]:
            self._drop()
            return
        if not originals.exists():
            raise CommandError(
                "No articles: import a corpus first (manage.py benchmark_import --corpus …)."
            )
        base = originals.order_by("-pk").values_list("pk", flat=True)[0]
        # Copy c of article n is article n + c * stride: ids stay apart, whatever the copies.
        stride = 10 ** len(str(base))
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT max(published_at) - min(published_at) + interval '1 day'"
                f" FROM {Article._meta.db_table} WHERE id <= %s",
                [base],
            )
            span = cursor.fetchone()[0]
        load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
        self.stdout.write(
            f"database: {name}; originals: {originals.count()} articles; copies dated "
            f"{span.days} days apart; {options['repeat']} timed requests per page; "
            f"{os.cpu_count()} CPUs, load average {load}"
        )
        targets = self._targets(options["query"])
        header = (
            f"{'copies':>6} {'articles':>9} {'mentions':>10}  "
            f"{'article':>13} {'entity p1':>13} {'entity p2':>13} {'search':>13}"
            "   (median/p99 ms, queries)"
        )
        self.stdout.write(header)
        self.stdout.write("-" * len(header))
        rows: list[list[Measurement]] = []
        with override_settings(DEBUG=False, ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"]):
            for copies in range(options["copies"] + 1):
                if copies and not self._has_copy(copies):
                    started = time.perf_counter()
                    self._make_copy(copies, base, stride, span)
                    took = time.perf_counter() - started
                    self.stderr.write(f"copy {copies} made in {took:.0f} s")
                row = self._measure(targets, options)
                rows.append(row)
                self.stdout.write(
                    f"{copies:>6} {Article.objects.count():>9} {Mention.objects.count():>10}  "
                    + " ".join(f"{m.median_ms:>5.1f}/{m.p99_ms:>5.1f} {m.queries:>2}" for m in row)
                )
        first, last = rows[0], rows[-1]
        self.stdout.write(
            "growth of the median, last / first: "
            + ", ".join(
                f"{a.label} {b.median_ms / a.median_ms:.2f}x"
                for a, b in zip(first, last, strict=True)
            )
        )
        self._indexes()

    # --- copies -----------------------------------------------------------------------------

    def _has_copy(self, copy: int) -> bool:
        return Article.objects.filter(content_hash__startswith=f"{COPY}{copy}:").exists()

    @transaction.atomic
    def _make_copy(self, copy: int, base: int, stride: int, span) -> None:
        article = Article._meta.db_table
        mention = Mention._meta.db_table
        appearance = ArticleEntity._meta.db_table
        offset = copy * stride
        shift = span * copy
        cols = ", ".join(q(c) for c in ARTICLE_COLUMNS)
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {article} (id, published_at, content_hash, {cols})"
                f" SELECT id + %s, published_at - %s, %s || left(content_hash, 56), {cols}"
                f" FROM {article} WHERE id <= %s",
                [offset, shift, f"{COPY}{copy}:", base],
            )
            cols = ", ".join(q(c) for c in MENTION_COLUMNS)
            cursor.execute(
                f"INSERT INTO {mention} (article_id, {cols})"
                f" SELECT article_id + %s, {cols} FROM {mention} WHERE article_id <= %s",
                [offset, base],
            )
            cursor.execute(
                f"INSERT INTO {appearance} (article_id, entity_id, placed_at, mentions)"
                f" SELECT article_id + %s, entity_id, placed_at - %s, mentions"
                f" FROM {appearance} WHERE article_id <= %s",
                [offset, shift, base],
            )
            self._recount(cursor)
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{article}', 'id'),"
                f" (SELECT max(id) FROM {article}))"
            )
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {article}, {mention}, {appearance}")

    def _recount(self, cursor) -> None:
        entity = Entity._meta.db_table
        appearance = ArticleEntity._meta.db_table
        cursor.execute(
            f"UPDATE {entity} e SET article_count = n.count FROM"
            f" (SELECT entity_id, count(*) FROM {appearance} GROUP BY entity_id) n"
            f" WHERE n.entity_id = e.id AND e.article_count <> n.count"
        )

    @transaction.atomic
    def _drop(self) -> None:
        copies = Article.objects.filter(content_hash__startswith=COPY)
        ids = list(copies.values_list("pk", flat=True))
        ArticleEntity.objects.filter(article_id__in=ids).delete()
        Mention.objects.filter(article_id__in=ids).delete()
        deleted = copies._raw_delete(copies.db)
        with connection.cursor() as cursor:
            self._recount(cursor)
        self.stdout.write(f"removed {deleted} copied articles")

    # --- measuring --------------------------------------------------------------------------

    def _targets(self, query: str) -> list[Target]:
        """The same pages at every size: an article with many mentions (the 90th percentile),
        the most-named entity, a common word."""
        busy = typical_busy_article()
        entity = Entity.objects.order_by("-article_count", "pk").first()
        assert busy is not None and entity is not None
        self.stdout.write(
            f"article #{busy[0].pk} ({busy[1]} mentions); entity #{entity.pk} {entity.name}; "
            f"search q={query}"
        )
        return [
            Target("article", "reader:article", (busy[0].pk,)),
            Target("entity p1", "reader:entity", (entity.pk,)),
            Target("entity p2", "reader:entity", (entity.pk,), {"page": "2"}),
            Target("search", "reader:search", query={"q": query}),
        ]

    def _measure(self, targets: list[Target], options) -> list[Measurement]:
        cache.clear()
        client = Client()
        return [
            measure(client, t.label, t.url(), repeat=options["repeat"], warmup=options["warmup"])
            for t in targets
        ]

    def _indexes(self) -> None:
        self.stdout.write("indexes behind the timed pages (size now):")
        with connection.cursor() as cursor:
            for page, indexes in INDEXES.items():
                for index in indexes:
                    cursor.execute(
                        "SELECT pg_size_pretty(pg_relation_size(%s::regclass)),"
                        " pg_get_indexdef(%s::regclass)",
                        [index, index],
                    )
                    size, definition = cursor.fetchone()
                    self.stdout.write(f"  {page:<7} {size:>8}  {definition}")
