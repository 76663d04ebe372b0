"""Linking place entities, editors' overrides and their audit, Latin names."""

from __future__ import annotations

import pytest

from newsroom import nlp
from newsroom.entities.models import ArticleEntity, CurationLog, Entity
from newsroom.geo import services
from newsroom.geo.models import EntityPlace, LatinName

pytestmark = pytest.mark.django_db


@pytest.fixture
def named_in(make_article):
    """named_in(article_count, (kind, name), …): that many articles, each naming every entity."""

    def make(count: int, *entities: tuple[str, str]) -> list[Entity]:
        rows = [
            Entity.objects.get_or_create(
                kind=kind, key=nlp.entity_key(name), defaults={"name": name}
            )[0]
            for kind, name in entities
        ]
        for _ in range(count):
            article = make_article().article
            for entity in rows:
                ArticleEntity.objects.get_or_create(
                    entity=entity, article=article, defaults={"placed_at": article.placed_at}
                )
        for entity in rows:
            entity.article_count = ArticleEntity.objects.filter(entity=entity).count()
            entity.save(update_fields=["article_count"])
        return rows

    return make


def _place(entity: Entity):
    link = EntityPlace.objects.filter(entity=entity).select_related("place").first()
    return link.place if link else None


def test_an_ambiguous_city_is_decided_by_the_places_named_with_it(named_in):
    tripoli, lebanon = named_in(4, ("LOC", "طرابلس"), ("LOC", "لبنان"))
    services.link_places()
    assert _place(lebanon).country_code == "LB"
    assert _place(tripoli).country_code == "LB"  # the smaller Tripoli, because of Lebanon


def test_the_same_name_in_libyan_news_is_the_libyan_capital(named_in):
    tripoli, libya = named_in(4, ("LOC", "طرابلس"), ("LOC", "ليبيا"))
    services.link_places()
    assert _place(tripoli).country_code == "LY"


def test_a_surname_tagged_as_a_place_is_not_cameroon(named_in):
    (cameron,) = named_in(3, ("LOC", "كاميرون"))
    named_in(0, ("PERS", "ديفيد كاميرون"))
    person = Entity.objects.get(kind="PERS")
    for appearance in ArticleEntity.objects.filter(entity=cameron):
        ArticleEntity.objects.create(
            entity=person, article_id=appearance.article_id, placed_at=appearance.placed_at
        )
    services.link_places()
    link = EntityPlace.objects.get(entity=cameron)
    assert link.place is None and link.reason == "also a person's name"


def test_a_person_is_never_linked_to_a_place(named_in):
    (person,) = named_in(2, ("PERS", "الكاميرون"))
    services.link_places()
    assert not EntityPlace.objects.filter(entity=person).exists()
    with pytest.raises(services.GeoError):
        services.set_place(entity=person, reference="CM", user=None)


def test_an_editors_choice_is_logged_and_survives_relinking_and_reannotation(
    named_in, django_user_model
):
    editor = django_user_model.objects.create_user("editor", is_staff=True)
    (place,) = named_in(2, ("LOC", "طرابلس"))
    services.link_places()
    services.set_place(entity=place, reference="2210247", user=editor)  # Tripoli, Libya
    log = CurationLog.objects.get(action=CurationLog.Action.PLACE)
    assert log.user == editor and log.entity == place and log.details["after"] == 2210247

    services.link_places(relink=True)
    link = EntityPlace.objects.get(entity=place)
    assert (link.source, link.place.geonames_id) == ("editor", 2210247)

    # Re-annotation that recreates the entity under the same key gets the choice back.
    key = place.key
    place.delete()
    (again,) = named_in(1, ("LOC", "طرابلس"))
    assert again.key == key
    report = services.link_places()
    assert report.kept == 1
    assert _place(again).geonames_id == 2210247


def test_an_editor_can_say_a_name_is_no_place(named_in):
    (place,) = named_in(2, ("LOC", "بغداد"))
    services.link_places()
    assert _place(place).geonames_id == 98182
    services.set_place(entity=place, reference="", user=None)
    services.link_places(relink=True)
    link = EntityPlace.objects.get(entity=place)
    assert link.place is None and link.source == "editor"
    assert CurationLog.objects.filter(action="place", entity=place).count() == 1


def test_an_unknown_reference_is_refused(named_in):
    (place,) = named_in(1, ("LOC", "بغداد"))
    with pytest.raises(services.GeoError):
        services.set_place(entity=place, reference="ZZ", user=None)


def test_people_get_latin_names_and_editors_correct_them(named_in):
    soleimani, unknown = named_in(2, ("PERS", "قاسم سليماني"), ("PERS", "زيدون قرطبوني"))
    assert services.name_people() == 2
    assert not LatinName.objects.get(entity=soleimani).guess
    guessed = LatinName.objects.get(entity=unknown)
    assert guessed.guess and guessed.source == "translit"
    services.set_latin_name(entity=unknown, name="Zaydoun Qurtubuni", user=None)
    corrected = LatinName.objects.get(entity=unknown)
    assert (corrected.name, corrected.guess, corrected.source) == (
        "Zaydoun Qurtubuni",
        False,
        "editor",
    )
    assert CurationLog.objects.filter(action=CurationLog.Action.LATIN, entity=unknown).exists()
    with pytest.raises(services.GeoError):
        services.set_latin_name(entity=unknown, name="زيدون", user=None)
