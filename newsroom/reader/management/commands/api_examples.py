"""Regenerate the examples of docs/api.md from the API as this database serves it."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.test import Client

from newsroom.reader import api_examples


class Command(BaseCommand):
    help = (
        "Rewrite the JSON examples of docs/api.md by calling the API (run it on the demo "
        "database that `make run` loads); --check only says whether the file is current."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--check", action="store_true", help="change nothing; fail if stale")

    def handle(self, *args, **options) -> None:
        text = api_examples.DOC.read_text(encoding="utf-8")
        fresh = api_examples.render(text, api_examples.client_getter(Client()))
        if fresh == text:
            self.stdout.write(f"{api_examples.DOC.name} is current")
        elif options["check"]:
            raise CommandError(f"{api_examples.DOC.name} is stale: run manage.py api_examples")
        else:
            api_examples.DOC.write_text(fresh, encoding="utf-8")
            self.stdout.write(f"rewrote the examples of {api_examples.DOC.name}")
