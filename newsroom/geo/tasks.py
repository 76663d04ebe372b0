"""Background linking of places and Latin names, queued when articles came in through the
admin (an upload finished) or were annotated again (a re-annotation run finished)."""

from __future__ import annotations

from django_tasks import task

from newsroom.geo import services


@task()
def link_new_places() -> dict[str, int]:
    """Link the place entities without a link and name the persons without a Latin name."""
    report = services.link_new_entities()
    return {"linked": report.linked, "unlinked": report.unlinked, "named": report.named}


def schedule_linking() -> None:
    link_new_places.enqueue()
