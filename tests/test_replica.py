"""Reads go to a read replica and writes to the primary, on two PostgreSQL servers.

The primary is a scratch database on the test database's server (embedded PostgreSQL by
default); the replica stands in on the machine's PostgreSQL service (127.0.0.1:5432). Real
streaming replication is the operator's job (docs/deploy.md): here the replica's copy is written
by hand, which shows exactly where each query goes.
"""

from __future__ import annotations

import os
import socket

import psycopg
import pytest
from django.db import connection

from newsroom.database import database_url
from tests.processes import manage

REPLICA_SERVER = "postgres://postgres@127.0.0.1:5432/postgres"


def _service_up() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 5432), timeout=1):
            pass
        with psycopg.connect(REPLICA_SERVER, connect_timeout=3):
            return True
    except OSError:
        return False
    except psycopg.Error:
        return False


def _server_url(db: str) -> str:
    """Database `db` on the test database's server."""
    return database_url(connection.settings_dict, db)


def _recreate(admin_url: str, name: str) -> None:
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def _manage(env: dict[str, str], *args: str) -> str:
    run = manage(env, *args)
    assert run.returncode == 0, run.stdout + run.stderr
    return run.stdout


SCRIPT = """
from django.db import connections
from django.test import Client
from newsroom.articles.ingest import ArticleDraft, ingest_article
from newsroom.articles.models import Article

stored = ingest_article(ArticleDraft(title="خبر على الخادم الرئيسي", body="وصل الوفد إلى بغداد."))
assert stored.outcome == "stored", stored
assert Article.objects.using("default").filter(title="خبر على الخادم الرئيسي").exists()
client = Client(SERVER_NAME="localhost")
response = client.get("/")
assert response.status_code == 200, response.status_code
html = response.content.decode()
print("primary-visible" if "خبر على الخادم الرئيسي" in html else "primary-hidden")
with connections["replica"].cursor() as cursor:
    cursor.execute(
        "INSERT INTO articles_article (title, body, url, content_hash, status, annotator_version,"
        " annotation_error, created_at, search_title, search_body)"
        " VALUES (%s, %s, '', 'x', 'annotated', '', '', now(), '', '')",
        ["خبر منسوخ إلى النسخة", "نص"],
    )
response = client.get("/")
assert response.status_code == 200, response.status_code
html = response.content.decode()
print("replica-visible" if "خبر منسوخ إلى النسخة" in html else "replica-hidden")
"""


@pytest.mark.django_db
def test_reader_pages_read_from_the_replica_and_ingest_writes_to_the_primary():
    if not _service_up():
        pytest.skip("no PostgreSQL service on 127.0.0.1:5432 to stand in for the replica")
    primary_db, replica_db = "newsroom_router_primary", "newsroom_router_replica"
    _recreate(_server_url("postgres"), primary_db)
    _recreate(REPLICA_SERVER, replica_db)
    primary = _server_url(primary_db)
    replica = REPLICA_SERVER.rsplit("/", 1)[0] + "/" + replica_db
    base = {k: v for k, v in os.environ.items() if k != "DATABASE_REPLICA_URL"}
    try:
        _manage({**base, "DATABASE_URL": primary}, "migrate", "--noinput")
        _manage({**base, "DATABASE_URL": replica}, "migrate", "--noinput")
        both = {**base, "DATABASE_URL": primary, "DATABASE_REPLICA_URL": replica}
        out = _manage(both, "shell", "-c", SCRIPT).split()
        assert "primary-hidden" in out  # the page read the replica, which has not caught up
        assert "replica-visible" in out, " ".join(out)  # and shows what the replica holds
    finally:
        for admin, name in [(_server_url("postgres"), primary_db), (REPLICA_SERVER, replica_db)]:
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
