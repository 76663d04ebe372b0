"""Real server processes for tests: gunicorn with the production settings, and task workers.

Both run as subprocesses of the test against the test database (``DATABASE_URL`` built from
``connection.settings_dict``), so the test must use ``django_db(transaction=True)``: only
committed rows are visible to them.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.db import connection

from newsroom.database import database_url, free_port

ROOT = Path(__file__).resolve().parent.parent


def subprocess_env(**overrides: str) -> dict[str, str]:
    """This process's environment, pointed at the test database."""
    return {**os.environ, "DATABASE_URL": database_url(connection.settings_dict), **overrides}


def production_env(static_root: Path, **overrides: str) -> dict[str, str]:
    """The production recipe of docs/deploy.md (DEBUG off), on loopback without TLS."""
    return subprocess_env(
        DEBUG="0",
        SECRET_KEY="production-smoke-test-" + "k" * 40,
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="0",
        STATIC_ROOT=str(static_root),
        **overrides,
    )


def manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """``manage.py ARGS`` in a child process with ``env``; its output is captured as text."""
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def collectstatic(env: dict[str, str]) -> None:
    done = manage(env, "collectstatic", "--noinput")
    assert done.returncode == 0, done.stdout + done.stderr


def stop(process: subprocess.Popen, timeout: float = 30) -> None:
    """Stop a child politely, then for sure (also one that was paused with SIGSTOP)."""
    if process.poll() is None:
        process.send_signal(signal.SIGCONT)
        process.terminate()
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=timeout)


@contextmanager
def gunicorn(env: dict[str, str], log_path: Path, *, ready_path: str = "/") -> Iterator[str]:
    """Serve `env`'s settings with gunicorn on a free loopback port; yield the base URL once
    `ready_path` answers. The server's log is printed at the end (shown when a test fails)."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with log_path.open("w") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "newsroom.wsgi", "-b", f"127.0.0.1:{port}"]
            + ["-w", "2"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    urllib.request.urlopen(base + ready_path, timeout=5).read()
                    break
                except urllib.error.HTTPError:
                    raise
                except OSError:  # not listening yet
                    if time.monotonic() > deadline or server.poll() is not None:
                        raise
                    time.sleep(0.3)
            yield base
        finally:
            stop(server)
            print(log_path.read_text())


def start_db_worker(env: dict[str, str], worker_id: str, log_path: Path) -> subprocess.Popen:
    """`manage.py db_worker` as run in production (no autoreload), polling every 0.2 s, with a
    fixed worker id (recorded in each task result it runs) and its log in `log_path`."""
    with log_path.open("w") as log:  # the child keeps its own copy of the descriptor
        return subprocess.Popen(
            [sys.executable, "manage.py", "db_worker", "--no-reload", "--no-startup-delay"]
            + ["--interval", "0.2", "--worker-id", worker_id, "-v", "1"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
