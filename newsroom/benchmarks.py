"""What every benchmark command checks first: its own, migrated database and its corpus."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import CommandError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

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
