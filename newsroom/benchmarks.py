"""What every benchmark command checks first: its own, migrated database and its corpus."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from django.core.management.base import CommandError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from newsroom.articles.bulk import default_jobs, ingest_stream
from newsroom.articles.ingest import ArticleDraft
from newsroom.articles.models import Article

DEMO_DATABASE = "newsroom"


def benchmark_database(command: str, *, allow_demo: bool = False) -> str:
    """The name of the current database, refused when it is the demo's or not migrated."""
    name = connection.settings_dict["NAME"]
    if name == DEMO_DATABASE and not allow_demo:
        raise CommandError(
            f"This would put the corpus into the '{name}' database with the demo. Run:\n"
            "  EMBEDDED_DB_NAME=newsroom_bench .venv/bin/python manage.py migrate\n"
            f"  EMBEDDED_DB_NAME=newsroom_bench .venv/bin/python manage.py {command} …"
        )
    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        raise CommandError(f"Database '{name}' is not migrated: run manage.py migrate first.")
    return name


def corpus_file(path: Path) -> Path:
    if not path.is_file():
        raise CommandError(f"No corpus at {path}")
    return path


SKIPPED = "already imported"


def import_corpus(drafts: Iterator[ArticleDraft], *, jobs: int | None = None) -> Iterator[str]:
    """Ingest the drafts not imported yet (by URL), annotating in ``jobs`` processes (default:
    every core); yield what happened to each."""
    known = set(Article.objects.exclude(url="").values_list("url", flat=True))
    skipped = 0

    def new() -> Iterator[ArticleDraft]:
        nonlocal skipped
        for draft in drafts:
            if draft.url and draft.url in known:
                skipped += 1
                continue
            known.add(draft.url)
            yield draft

    for result in ingest_stream(new(), jobs=jobs or default_jobs()):
        while skipped:
            skipped -= 1
            yield SKIPPED
        yield result.outcome.value
    yield from [SKIPPED] * skipped
