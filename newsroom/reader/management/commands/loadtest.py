"""Load test: gunicorn serving this database, hit from a second process on loopback.

A benchmark, not a test. It starts gunicorn (DEBUG off, WhiteNoise, the production recipe) on a
free loopback port against the current database, builds a URL mix of article, entity and search
pages from what the database holds, runs ``python -m newsroom.loadgen`` with the requested
concurrency, bounded in requests and seconds, and prints throughput and p50 / p99 latency.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.urls import reverse

from newsroom.articles.models import Article
from newsroom.database import database_url, free_port
from newsroom.entities.models import Entity

SEARCHES = ["الرئيس", "العراق", "الاقتصاد", "كرة القدم", "الانتخابات", "النفط", "روسيا", "بغداد"]


class Command(BaseCommand):
    help = "Serve this database with gunicorn and load it from a second process (loopback only)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--clients", type=int, default=16)
        parser.add_argument("--requests", type=int, default=3000)
        parser.add_argument("--seconds", type=float, default=120.0)
        parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) * 2 + 1)

    def handle(self, *args, **options) -> None:
        urls = self._paths()
        if not urls:
            raise CommandError("the database holds no articles: import some first")
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        root = Path(settings.BASE_DIR)
        with tempfile.TemporaryDirectory() as tmp:
            env = {
                **os.environ,
                "DEBUG": "0",
                "SECRET_KEY": os.environ.get("SECRET_KEY") or "loadtest-" + "k" * 50,
                "ALLOWED_HOSTS": "127.0.0.1",
                "SECURE_SSL_REDIRECT": "0",
                "DATABASE_URL": database_url(connection.settings_dict),
                "STATIC_ROOT": str(Path(tmp) / "static"),
                "CONN_MAX_AGE": "60",
            }
            subprocess.run(
                [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
                cwd=root,
                env=env,
                check=True,
            )
            server = subprocess.Popen(
                [
                    *(sys.executable, "-m", "gunicorn", "newsroom.wsgi"),
                    *("-b", f"127.0.0.1:{port}", "-w", str(options["workers"])),
                    *("--log-level", "warning"),
                ],
                cwd=root,
                env=env,
            )
            try:
                self._wait(base + urls[0])
                url_file = Path(tmp) / "urls.txt"
                url_file.write_text("\n".join(base + u for u in urls), encoding="utf-8")
                self.stdout.write(
                    f"{len(urls)} URLs (articles, entity pages, searches); gunicorn with "
                    f"{options['workers']} workers; {options['clients']} clients; at most "
                    f"{options['requests']} requests or {options['seconds']:.0f} s"
                )
                run = subprocess.run(
                    [
                        *(sys.executable, "-m", "newsroom.loadgen", str(url_file)),
                        *("--clients", str(options["clients"])),
                        *("--requests", str(options["requests"])),
                        *("--seconds", str(options["seconds"])),
                    ],
                    cwd=root,
                    capture_output=True,
                    text=True,
                    check=True,
                )
            finally:
                server.terminate()
                server.wait(timeout=60)
        result = json.loads(run.stdout.strip().splitlines()[-1])
        load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
        self.stdout.write(
            f"requests {result['requests']}, errors {result['errors']}, "
            f"{result['seconds']} s, load average {load}"
        )
        for error in result["first_errors"]:
            self.stdout.write(f"  error: {error}")
        self.stdout.write(
            f"throughput {result['throughput']} req/s, p50 {result['p50_ms']} ms, "
            f"p99 {result['p99_ms']} ms at {result['clients']} concurrent clients"
        )

    def _paths(self) -> list[str]:
        articles = Article.objects.order_by("?").values_list("pk", flat=True)[:300]
        entities = Entity.objects.filter(article_count__gt=0).order_by("-article_count")
        top = entities.values_list("pk", flat=True)[:100]
        paths = [reverse("reader:article", args=[pk]) for pk in articles]
        paths += [reverse("reader:entity", args=[pk]) for pk in top]
        paths += [reverse("reader:search") + "?q=" + quote(q) for q in SEARCHES]
        # Interleave so every client sees the whole mix.
        return [paths[i] for i in sorted(range(len(paths)), key=lambda i: (i * 7919) % len(paths))]

    def _wait(self, url: str) -> None:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(url, timeout=5).read()
                return
            except OSError:
                if time.monotonic() > deadline:
                    raise CommandError("gunicorn did not answer within 60 s") from None
                time.sleep(0.3)
