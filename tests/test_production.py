"""The production recipe runs: collectstatic, gunicorn with DEBUG off, WhiteNoise for static."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


def _database_url() -> str:
    s = connection.settings_dict
    host = s["HOST"] or s["OPTIONS"].get("host", "")
    if host.startswith("/"):
        return f"postgres://{s['USER']}@/{s['NAME']}?host={host}"
    password = quote(s["PASSWORD"] or "")
    return f"postgres://{s['USER']}:{password}@{host}:{s['PORT'] or 5432}/{s['NAME']}"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.django_db(transaction=True)
def test_gunicorn_serves_pages_and_static_files_with_debug_off(tmp_path, make_article):
    article = make_article(title="زيارة إلى بغداد", body="وصل الوفد إلى بغداد.").article
    port = _free_port()
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": "production-smoke-test-" + "k" * 40,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": _database_url(),
        "STATIC_ROOT": str(tmp_path / "static"),
    }
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        timeout=300,
    )
    log = (tmp_path / "gunicorn.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "newsroom.wsgi", "-b", f"127.0.0.1:{port}", "-w", "2"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                page = urllib.request.urlopen(base + article.get_absolute_url(), timeout=5)
                break
            except urllib.error.HTTPError:
                raise
            except OSError:  # not listening yet
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.3)
        html = page.read().decode()
        assert page.status == 200
        assert "زيارة إلى بغداد" in html
        assert "script-src 'self'" in page.headers["Content-Security-Policy"]
        css = next(part.split('"')[1] for part in html.split("href=") if ".css" in part)
        assert ".css" in css and css != "/static/css/newsroom.css"  # hashed name
        static = urllib.request.urlopen(base + css, timeout=5)
        assert static.status == 200
        assert "immutable" in static.headers.get("Cache-Control", "")
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
        print((tmp_path / "gunicorn.log").read_text())
