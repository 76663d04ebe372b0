"""Editors set, change and clear an entity's place and correct Latin names in the admin."""

from __future__ import annotations

import pytest
from django.urls import reverse

from newsroom import nlp
from newsroom.entities.models import CurationLog, Entity
from newsroom.geo import services
from newsroom.geo.models import EntityPlace, LatinName

pytestmark = pytest.mark.django_db


def _entity(kind: str, name: str) -> Entity:
    return Entity.objects.create(kind=kind, name=name, key=nlp.entity_key(name), article_count=3)


def test_an_editor_links_a_place_in_the_admin_and_it_is_audited(admin_client, admin_user):
    place = _entity("LOC", "طرابلس")
    response = admin_client.post(
        reverse("admin:geo_entityplace_add"), {"entity": place.pk, "reference": "LB"}
    )
    assert response.status_code == 302
    link = EntityPlace.objects.get(entity=place)
    assert (link.source, link.place.country_code, link.place.kind) == ("editor", "LB", "country")
    log = CurationLog.objects.get(action="place")
    assert log.user == admin_user and log.entity == place

    response = admin_client.post(
        reverse("admin:geo_entityplace_change", args=[place.pk]), {"reference": ""}
    )
    assert response.status_code == 302
    assert EntityPlace.objects.get(entity=place).place is None
    assert CurationLog.objects.filter(action="place").count() == 2


def test_an_editor_corrects_a_latin_name_in_the_admin(admin_client):
    person = _entity("PERS", "زيدون قرطبوني")
    services.name_people()
    assert LatinName.objects.get(entity=person).guess
    response = admin_client.post(
        reverse("admin:geo_latinname_change", args=[person.pk]), {"name": "Zaydoun Qurtubuni"}
    )
    assert response.status_code == 302
    row = LatinName.objects.get(entity=person)
    assert (row.name, row.guess, row.source) == ("Zaydoun Qurtubuni", False, "editor")
