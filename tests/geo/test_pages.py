"""Maps, Latin search and the geo fields of the API, on the demo articles."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from newsroom.entities.models import Entity
from newsroom.geo import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def linked_demo(demo):
    services.link_new_entities()
    return demo


def _entity(name: str) -> Entity:
    return Entity.objects.get(name=name)


@pytest.mark.parametrize("query", ["Soleimani", "Suleimani", "soleimani"])
def test_a_latin_query_finds_the_person_and_the_articles(client, linked_demo, query):
    response = client.get(reverse("reader:search"), {"q": query})
    html = response.content.decode()
    assert "قاسم سليماني" in html
    # A surname alone searches the Arabic surname: articles naming him by it are found too.
    assert response.context["searched_as"] == "سليماني"
    assert response.context["page"].paginator.count >= 3
    assert _entity("قاسم سليماني") in response.context["suggestions"]


def test_a_full_latin_name_searches_the_full_arabic_name(client, linked_demo):
    response = client.get(reverse("reader:search"), {"q": "Qassem Soleimani"})
    assert response.context["searched_as"] == "قاسم سليماني"


def test_baghdad_in_latin_letters_finds_baghdad(client, linked_demo):
    response = client.get(reverse("reader:search"), {"q": "Baghdad"})
    assert response.context["searched_as"] == "بغداد"
    assert response.context["page"].paginator.count >= 5


def test_an_arabic_query_is_searched_as_before(client, linked_demo):
    response = client.get(reverse("reader:search"), {"q": "بغداد"})
    assert response.context["searched_as"] == ""


def test_the_news_map_draws_every_place_as_a_named_link_and_a_table_row(client, linked_demo):
    response = client.get(reverse("geo:news_map"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "<svg" in html and 'role="group"' in html
    points = re.findall(r'<a href="/entities/(\d+)/" aria-label="([^"]+)">', html)
    rows = re.findall(r'<tr><td><a href="/entities/(\d+)/">', html)
    assert len(points) >= 5 and sorted(p for p, _ in points) == sorted(rows)
    baghdad = _entity("بغداد")
    labels = dict(points)
    assert labels[str(baghdad.pk)].startswith("بغداد: ")
    assert 'direction="rtl"' in html


def test_the_news_map_filters_by_actor(client, linked_demo):
    response = client.get(reverse("geo:news_map"))
    everyone = response.context["map"].points
    # The least-named of the period's actors: some of the period's articles do not name it.
    actor_pk, _name = response.context["actors"][-1]
    only = client.get(reverse("geo:news_map"), {"actor": actor_pk}).context["map"].points
    assert 0 < len(only) <= len(everyone)
    assert sum(p.count for p in only) < sum(p.count for p in everyone)


def test_article_and_entity_pages_show_their_maps_and_latin_names(client, linked_demo):
    article = linked_demo[0].article
    html = client.get(reverse("reader:article", args=[article.pk])).content.decode()
    assert "أماكن المقال على الخريطة" in html and "<svg" in html
    person = _entity("قاسم سليماني")
    html = client.get(reverse("reader:entity", args=[person.pk])).content.decode()
    assert "الأماكن على الخريطة" in html and 'lang="en" dir="ltr"' in html
    place = _entity("بغداد")
    html = client.get(reverse("reader:entity", args=[place.pk])).content.decode()
    assert "GeoNames 98182" in html and "Baghdad" in html


def test_the_api_exposes_latin_name_geonames_id_country_and_coordinates(client, linked_demo):
    place = _entity("بغداد")
    data = client.get(reverse("reader:api_entity", args=[place.pk])).json()
    assert data["latin_name"] == "Baghdad" and data["geonames_id"] == 98182
    assert data["country"] == "IQ" and round(data["latitude"]) == 33
    listed = client.get(reverse("reader:api_entities"), {"kind": "PERS"}).json()["results"]
    assert all("latin_name" in e for e in listed)
    assert any(e["latin_name"] and e["latitude"] is None for e in listed)


def test_places_geojson_of_a_query(client, linked_demo):
    response = client.get(reverse("geo:places_geojson"), {"q": "Soleimani"})
    assert response["Content-Type"] == "application/geo+json"
    data = response.json()
    assert data["type"] == "FeatureCollection" and data["features"]
    baghdad = next(f for f in data["features"] if f["properties"]["geonames_id"] == 98182)
    lon, lat = baghdad["geometry"]["coordinates"]
    assert 44 < lon < 45 and 33 < lat < 34
    assert baghdad["properties"]["country"] == "IQ" and baghdad["properties"]["articles"] >= 1


def test_places_geojson_of_the_period(client, linked_demo):
    data = client.get(reverse("geo:places_geojson")).json()
    assert data["period"]["from"] < data["period"]["to"]
    assert {f["properties"]["latin_name"] for f in data["features"]} >= {"Baghdad", "Iraq"}
