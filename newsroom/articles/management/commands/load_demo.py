"""Load the bundled demo articles through the normal ingest path (idempotent)."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from django.core.management.base import BaseCommand

from newsroom.articles.formats import parse_txt
from newsroom.articles.ingest import Outcome, ingest_article
from newsroom.entities.recall import recall_archive
from newsroom.entities.resolution import resolve_archive

DEMO_DIR = Path(__file__).resolve().parents[2] / "demo"


def load_demo(directory: Path = DEMO_DIR, report: dict | None = None):
    """Ingest each demo article, yielding its result; then, as after every import, settle what
    the archive says about names and link places and Latin names (their counts go to
    ``report["geo"]``)."""
    manifest = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
    stored = False
    for item in manifest:
        draft = parse_txt(
            item["file"],
            (directory / item["file"]).read_bytes(),
            source=item.get("source", ""),
            published_at=datetime.fromisoformat(item["published"])
            if item.get("published")
            else None,
            url=item.get("url", ""),
        )
        result = ingest_article(draft)
        stored |= result.outcome is Outcome.STORED
        yield result
    if stored:
        resolve_archive()
        recall_archive()
    from newsroom.geo.services import link_new_entities

    geo = link_new_entities()
    if report is not None:
        report["geo"] = geo


class Command(BaseCommand):
    help = "Load the demo articles (the seed story and articles written for the demo)."

    def handle(self, *args, **options) -> None:
        counts = dict.fromkeys(Outcome, 0)
        report: dict = {}
        for result in load_demo(report=report):
            counts[result.outcome] += 1
            if result.outcome is Outcome.REFUSED:
                self.stderr.write(f"{result.label}: {result.reason}")
        geo = report["geo"]
        self.stdout.write(
            f"stored {counts[Outcome.STORED]}, duplicates {counts[Outcome.DUPLICATE]}, "
            f"refused {counts[Outcome.REFUSED]}; places linked {geo.linked}, "
            f"persons named {geo.named}"
        )
