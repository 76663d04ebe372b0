"""Link place entities to GeoNames places and give people Latin names (what has none yet)."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from newsroom.geo import services


class Command(BaseCommand):
    help = (
        "Link place entities without a link to GeoNames places or countries, and give persons "
        "without one a Latin name. Editors' choices are kept."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--relink", action="store_true", help="decide again every place the linker decided"
        )
        parser.add_argument(
            "--min-articles",
            type=int,
            default=1,
            help="name persons named in at least this many articles (default 1)",
        )

    def handle(self, *args, relink: bool, min_articles: int, **options) -> None:
        started = time.monotonic()
        report = services.link_places(relink=relink)
        named = services.name_people(min_articles=min_articles)
        self.stdout.write(
            f"places linked {report.linked}, left unlinked {report.unlinked}, editors' choices "
            f"restored {report.kept}; persons named {named} in {time.monotonic() - started:.1f} s"
        )
