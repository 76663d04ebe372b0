from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from newsroom.entities.models import Entity
from newsroom.nlp.resolve import name_key
from newsroom.reader import charts

pytestmark = pytest.mark.django_db


def _entity(name: str, kind: str) -> Entity:
    return Entity.objects.get(kind=kind, key=name_key(kind, name))


def test_the_entity_page_shows_aliases_timeline_and_co_mentions(client, demo):
    baghdad = _entity("بغداد", "LOC")
    response = client.get(baghdad.get_absolute_url())
    html = response.content.decode()
    assert "<svg" in html and "<rect" in html
    co_actors = response.context["co_actors"]
    co_places = response.context["co_places"]
    assert co_actors and all(e.kind in ("PERS", "ORG") for e in co_actors)
    assert co_places and all(e.kind == "LOC" for e in co_places)
    assert baghdad not in co_places
    shared = [e.shared for e in co_places]
    assert shared == sorted(shared, reverse=True)
    iraq = _entity("العراق", "LOC")
    assert reverse("reader:pair", args=[baghdad.pk, iraq.pk]) in html


def test_the_entity_page_is_paginated_for_htmx_and_without_javascript(client, demo, settings):
    settings.ARTICLES_PER_PAGE = 3
    iraq = _entity("العراق", "LOC")
    assert iraq.article_count > 6
    first = client.get(iraq.get_absolute_url()).content.decode()
    assert 'hx-get="?page=2"' in first and 'href="?page=2"' in first
    fragment = client.get(iraq.get_absolute_url(), {"page": 2}, headers={"HX-Request": "true"})
    body = fragment.content.decode()
    assert "<html" not in body
    assert body.count("<h3>") == 3
    assert 'hx-get="?page=3"' in body
    full = client.get(iraq.get_absolute_url(), {"page": 2}).content.decode()
    assert "<html" in full and full.count("<h3>") == 3


def test_the_pair_view_quotes_the_sentences_where_both_meet(client, demo):
    soleimani = _entity("قاسم سليماني", "PERS")
    baghdad = _entity("بغداد", "LOC")
    response = client.get(reverse("reader:pair", args=[soleimani.pk, baghdad.pk]))
    assert response.status_code == 200
    items = response.context["items"]
    assert items
    both = 0
    for item in items:
        for quote in item.quotes:
            linked = {seg.mention.entity_id for seg in quote if seg.mention}
            both += linked >= {soleimani.pk, baghdad.pk}
    assert both >= 1


def test_the_preview_card_has_kind_count_co_mentions_and_headlines(client, demo):
    kuwait = _entity("الكويت", "LOC")
    response = client.get(reverse("reader:entity_preview", args=[kuwait.pk]))
    html = response.content.decode()
    assert "<html" not in html
    assert "مكان" in html
    assert str(kuwait.article_count) in html
    assert len(response.context["latest"]) == 3
    assert response.context["co_mentions"]


def test_the_article_page_lists_related_articles_and_preview_hooks(client, demo):
    seed = next(r.article for r in demo if r.label == "article-00.txt")
    response = client.get(seed.get_absolute_url())
    html = response.content.decode()
    related = response.context["related"]
    assert related and all(a.pk != seed.pk for a in related)
    assert [a.shared for a in related] == sorted((a.shared for a in related), reverse=True)
    assert 'data-preview="/entities/' in html
    assert 'id="entity-preview"' in html


@pytest.mark.parametrize(
    ("url", "kinds"),
    [("reader:actors", {"PERS", "ORG"}), ("reader:places", {"LOC"})],
)
def test_the_index_pages_list_their_kinds_sorted(client, demo, url, kinds):
    by_count = client.get(reverse(url)).context["page"].object_list
    assert {e.kind for e in by_count} == kinds
    counts = [e.article_count for e in by_count]
    assert counts == sorted(counts, reverse=True)
    by_name = client.get(reverse(url), {"sort": "name"}).context["page"].object_list
    names = [e.name for e in by_name]
    assert names == sorted(names)


@pytest.mark.parametrize("query", ["كويت", "الكويت", "الكُوَيت", "والكويت"])
def test_the_place_filter_matches_spelling_variants(client, demo, query):
    found = client.get(reverse("reader:places"), {"q": query}).context["page"].object_list
    assert _entity("الكويت", "LOC") in list(found)


def test_the_actor_filter_matches_hamza_variants(client, demo):
    found = client.get(reverse("reader:actors"), {"q": "اسماعيل"}).context["page"].object_list
    assert _entity("إسماعيل غاني", "PERS") in list(found)


@pytest.mark.parametrize("query", ["العراق", "عراق", "بالعراق", "والعراق", "العِراق"])
def test_search_ignores_clitics_and_diacritics(client, make_article, query):
    target = make_article(title="خبر", body="وصلت بعثة دولية بالعراق أمس.").article
    make_article(title="خبر آخر", body="لا شيء هنا عن ذلك البلد.")
    hits = client.get(reverse("reader:search"), {"q": query}).context["hits"]
    assert [hit.article for hit in hits] == [target]
    marked = [seg.text for seg in hits[0].snippet if seg.match]
    assert marked == ["بالعراق"]


def test_search_matches_hamza_and_alef_forms(client, make_article):
    target = make_article(title="طهران", body="قالت إيران إنها سترد.").article
    hits = client.get(reverse("reader:search"), {"q": "ايران"}).context["hits"]
    assert [hit.article for hit in hits] == [target]


def test_search_ranks_title_matches_first_and_filters(client, make_article):
    body_only = make_article(
        title="أخبار اليوم",
        body="زار الوزير الكويت.",
        source="أ",
        published_at=datetime(2020, 1, 2, tzinfo=UTC),
    ).article
    in_title = make_article(
        title="الكويت ترحب",
        body="رحبت الحكومة بالزيارة.",
        source="ب",
        published_at=datetime(2020, 3, 1, tzinfo=UTC),
    ).article
    url = reverse("reader:search")
    hits = client.get(url, {"q": "الكويت"}).context["hits"]
    assert [h.article for h in hits] == [in_title, body_only]
    by_source = client.get(url, {"q": "الكويت", "source": body_only.source_id}).context["hits"]
    assert [h.article for h in by_source] == [body_only]
    by_date = client.get(url, {"q": "الكويت", "from": "2020-02-01"}).context["hits"]
    assert [h.article for h in by_date] == [in_title]
    kuwait = _entity("الكويت", "LOC")
    response = client.get(url, {"q": "الكويت"})
    assert kuwait in response.context["suggestions"]
    by_entity = client.get(url, {"q": "الكويت", "entity": kuwait.pk}).context["hits"]
    assert {h.article for h in by_entity} == {in_title, body_only}


def test_every_page_has_the_search_box_and_a_title(client, demo):
    iraq = _entity("العراق", "LOC")
    seed = next(r.article for r in demo if r.label == "article-00.txt")
    for url in [
        reverse("reader:article_list"),
        seed.get_absolute_url(),
        iraq.get_absolute_url(),
        reverse("reader:actors"),
        reverse("reader:places"),
        reverse("reader:search") + "?q=بغداد",
    ]:
        html = client.get(url).content.decode()
        assert 'role="search"' in html, url
        assert re.search(r"<title>[^<]+ · نيوزروم</title>", html), url


def test_the_timeline_fills_gaps_and_runs_right_to_left():
    day = datetime(2020, 1, 1).date()
    chart = charts.timeline({day: 2, day + timedelta(days=3): 4}, step="day", width=400)
    assert [bar.count for bar in chart.bars] == [2, 0, 0, 4]
    assert chart.bars[0].x > chart.bars[-1].x
    assert chart.bars[-1].height > chart.bars[0].height > 0
    assert charts.timeline({}, step="day") is None


def test_page_queries_do_not_grow_with_items(client, demo, django_assert_max_num_queries, settings):
    iraq = _entity("العراق", "LOC")
    settings.ARTICLES_PER_PAGE = 2
    with django_assert_max_num_queries(14):
        client.get(iraq.get_absolute_url())
    settings.ARTICLES_PER_PAGE = 12
    with django_assert_max_num_queries(14):
        client.get(iraq.get_absolute_url())
    seed = next(r.article for r in demo if r.label == "article-00.txt")
    with django_assert_max_num_queries(8):
        client.get(seed.get_absolute_url())


def test_pages_of_a_merged_entity_redirect_to_the_survivor(client, demo, django_user_model):
    from newsroom.entities.curation import merge_entities

    editor = django_user_model.objects.create_user("editor", is_staff=True)
    airport = _entity("مطار بغداد", "LOC")
    survivor = _entity("مطار بغداد الدولي", "LOC")
    iraq = _entity("العراق", "LOC")
    old = airport.pk
    merge_entities(survivor=survivor, others=[airport], user=editor)
    for name, args, expected in [
        ("reader:entity", [old], [survivor.pk]),
        ("reader:entity_preview", [old], [survivor.pk]),
        ("reader:pair", [old, iraq.pk], [survivor.pk, iraq.pk]),
    ]:
        response = client.get(reverse(name, args=args), {"page": 1})
        assert response.status_code == 301
        assert response["Location"] == reverse(name, args=expected) + "?page=1"
    assert client.get(reverse("reader:entity", args=[999999])).status_code == 404
