"""Places are linked in the background after a re-annotation, and editors' choices survive it."""

from __future__ import annotations

import pytest

from newsroom.entities.models import Entity, ReannotationRun
from newsroom.entities.tasks import start_reannotation
from newsroom.geo import services
from newsroom.geo.models import EntityPlace, LatinName

pytestmark = pytest.mark.django_db


@pytest.fixture
def immediate_tasks(settings):
    """Run queued tasks at once, in the test's transaction."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def test_a_reannotation_links_places_and_keeps_the_editors_choice(seed_article, immediate_tasks):
    baghdad = Entity.objects.get(kind="LOC", name="بغداد")
    assert not EntityPlace.objects.filter(entity=baghdad).exists()
    services.set_place(entity=baghdad, reference="IQ", user=None)  # an editor's (odd) choice

    run = start_reannotation(scope=ReannotationRun.Scope.ALL, user=None)
    run.refresh_from_db()
    assert run.status == ReannotationRun.Status.FINISHED

    # The task queued at the end of the run (run at once by the test backend) linked the rest.
    tehran = Entity.objects.get(kind="LOC", name="طهران")
    assert EntityPlace.objects.get(entity=tehran).place.name == "Tehran"
    assert LatinName.objects.filter(entity__name="قاسم سليماني").exists()
    link = EntityPlace.objects.get(entity__kind="LOC", entity__key=baghdad.key)
    assert (link.source, link.place.country_code, link.place.kind) == ("editor", "IQ", "country")
