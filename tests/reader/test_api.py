from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from newsroom.articles.models import Article
from newsroom.entities.models import Entity, Mention
from newsroom.nlp.resolve import name_key

pytestmark = pytest.mark.django_db

ARTICLE_KEYS = {"id", "title", "source", "published_at", "placed_at", "url", "html_url"}
# Geo fields (Latin name, GeoNames place): null until places are linked (tests/geo covers them).
GEO_KEYS = {"latin_name", "latin_name_is_guess", "geonames_id", "country", "latitude", "longitude"}
ENTITY_KEYS = {"id", "name", "kind", "article_count", "html_url"} | GEO_KEYS
PAGE_KEYS = {"count", "page", "pages", "next", "previous", "results"}


def _get(client, url: str, **params) -> tuple[int, dict]:
    response = client.get(url, params)
    assert response["Content-Type"].startswith("application/json")
    return response.status_code, json.loads(response.content)


def _entity(name: str, kind: str) -> Entity:
    return Entity.objects.get(kind=kind, key=name_key(kind, name))


@pytest.fixture
def baghdad_articles(make_article):
    """Thirty dated articles that all mention بغداد and طهران."""
    start = datetime.fromisoformat("2021-01-01T09:00:00+03:00")
    results = [
        make_article(
            body=f"وصل الوفد رقم {i} إلى بغداد قادماً من طهران.\nوعاد بعد يومين.",
            published_at=start + timedelta(days=i),
            source="وكالة الاختبار",
        )
        for i in range(30)
    ]
    return [r.article for r in results]


def test_the_article_list_is_newest_first_and_paginated(client, demo):
    status, data = _get(client, reverse("reader:api_articles"), page_size=5)
    assert status == 200
    assert set(data) == PAGE_KEYS
    assert data["count"] == Article.objects.count()
    assert data["page"] == 1
    assert data["pages"] == -(-data["count"] // 5)
    assert data["previous"] is None
    assert data["next"] == "http://testserver/api/articles/?page_size=5&page=2"
    newest = list(Article.objects.newest_first().values_list("pk", flat=True)[:5])
    assert [item["id"] for item in data["results"]] == newest
    first = data["results"][0]
    assert set(first) == ARTICLE_KEYS
    article = Article.objects.get(pk=first["id"])
    assert first["title"] == article.title
    assert first["source"] == article.source.name
    assert datetime.fromisoformat(first["published_at"]) == article.published_at
    assert first["url"] == article.url
    assert first["html_url"] == f"http://testserver{article.get_absolute_url()}"


def test_following_next_walks_every_article_once(client, demo):
    seen = []
    url = reverse("reader:api_articles") + "?page_size=4"
    while url:
        status, data = _get(client, url)
        assert status == 200
        seen += [item["id"] for item in data["results"]]
        url = data["next"]
    assert seen == list(Article.objects.newest_first().values_list("pk", flat=True))
    previous = data["page"] - 1
    assert data["previous"] == f"http://testserver/api/articles/?page_size=4&page={previous}"


def test_page_size_defaults_to_20_and_is_capped_at_100(client, baghdad_articles):
    _, data = _get(client, reverse("reader:api_articles"))
    assert len(data["results"]) == 20
    _, data = _get(client, reverse("reader:api_entities"), page_size=1000)
    assert data["pages"] == 1
    for i in range(120):
        Entity.objects.create(kind="MISC", name=f"كيان {i}", key=f"k{i}")
    _, data = _get(client, reverse("reader:api_entities"), page_size=1000)
    assert len(data["results"]) == 100
    assert data["pages"] == 2


def test_the_article_detail_has_its_body_and_mentions_with_offsets(client, seed_article):
    status, data = _get(client, reverse("reader:api_article", args=[seed_article.pk]))
    assert status == 200
    assert set(data) == ARTICLE_KEYS | {"body", "mentions"}
    assert data["body"] == seed_article.body
    assert len(data["mentions"]) == seed_article.mentions.count() > 5
    texts = {"title": seed_article.title, "body": seed_article.body}
    for mention in data["mentions"]:
        assert set(mention) == {"field", "start", "end", "text", "entity"}
        assert texts[mention["field"]][mention["start"] : mention["end"]] == mention["text"]
        entity = Entity.objects.get(pk=mention["entity"]["id"])
        assert mention["entity"] == {"id": entity.pk, "name": entity.name, "kind": entity.kind}
    # Reading order: the title's mentions, then the body's by position.
    order = [(m["field"] != "title", m["start"]) for m in data["mentions"]]
    assert order == sorted(order)
    names = {m["entity"]["name"] for m in data["mentions"]}
    assert {"قاسم سليماني", "بغداد"} <= names


def test_arabic_is_not_escaped(client, seed_article):
    response = client.get(reverse("reader:api_article", args=[seed_article.pk]))
    assert "قاسم سليماني".encode() in response.content
    assert b"\\u06" not in response.content


def test_entities_are_sorted_by_article_count_and_filtered_by_kind(client, demo):
    _, data = _get(client, reverse("reader:api_entities"), page_size=100)
    counts = [item["article_count"] for item in data["results"]]
    assert counts == sorted(counts, reverse=True)
    assert data["count"] == Entity.objects.count()
    assert set(data["results"][0]) == ENTITY_KEYS

    _, people = _get(client, reverse("reader:api_entities"), kind="PERS", page_size=100)
    assert people["count"] == Entity.objects.filter(kind="PERS").count() > 0
    assert {item["kind"] for item in people["results"]} == {"PERS"}
    soleimani = _entity("قاسم سليماني", "PERS")
    item = next(i for i in people["results"] if i["id"] == soleimani.pk)
    assert {k: v for k, v in item.items() if k not in GEO_KEYS} == {
        "id": soleimani.pk,
        "name": "قاسم سليماني",
        "kind": "PERS",
        "article_count": soleimani.article_count,
        "html_url": f"http://testserver{soleimani.get_absolute_url()}",
    }
    # the demo links places and names people in Latin script; a person has no place
    assert item["latin_name"] and isinstance(item["latin_name_is_guess"], bool)
    assert item["geonames_id"] is None and item["latitude"] is None
    _, lower = _get(client, reverse("reader:api_entities"), kind="pers", page_size=100)
    assert lower == people


def test_the_entity_detail_has_aliases_and_its_articles(client, demo):
    soleimani = _entity("قاسم سليماني", "PERS")
    url = reverse("reader:api_entity", args=[soleimani.pk])
    status, data = _get(client, url, page_size=2)
    assert status == 200
    assert set(data) == ENTITY_KEYS | {"aliases"} | {"articles"}
    assert {"سليماني", "قاسم سليماني"} <= set(data["aliases"])
    articles = data["articles"]
    assert set(articles) == PAGE_KEYS
    assert articles["count"] == soleimani.article_count
    assert articles["next"] == f"http://testserver{url}?page_size=2&page=2"
    expected = list(
        Article.objects.mentioning(soleimani).newest_first().values_list("pk", flat=True)
    )
    _, everything = _get(client, url, page_size=100)
    assert [a["id"] for a in everything["articles"]["results"]] == expected
    assert set(everything["articles"]["results"][0]) == ARTICLE_KEYS


@pytest.mark.parametrize(
    ("name", "args"),
    [("reader:api_article", [999999]), ("reader:api_entity", [999999])],
)
def test_missing_objects_are_json_404s(client, db, name, args):
    status, data = _get(client, reverse(name, args=args))
    assert status == 404
    assert data["status"] == 404
    assert data["error"]


def test_unknown_api_addresses_and_pages_are_json_404s(client, demo):
    status, _ = _get(client, "/api/nothing-here/")
    assert status == 404
    status, _ = _get(client, reverse("reader:api_articles"), page=999)
    assert status == 404
    # A missing trailing slash still redirects to the endpoint.
    assert client.get("/api/articles").status_code == 301


@pytest.mark.parametrize(
    "params", [{"page": "abc"}, {"page": "0"}, {"page_size": "-3"}, {"kind": "PERSON"}]
)
def test_bad_parameters_are_json_400s(client, db, params):
    url = reverse("reader:api_entities" if "kind" in params else "reader:api_articles")
    status, data = _get(client, url, **params)
    assert status == 400
    assert data["error"]


def test_the_api_is_read_only(client, demo):
    response = client.post(reverse("reader:api_articles"))
    assert response.status_code == 405
    assert response["Allow"] == "GET"
    assert json.loads(response.content)["status"] == 405


def _query_count(client, url: str, **params) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, params).status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    ("name", "needs_entity", "limit"),
    [
        ("reader:api_articles", False, 2),
        ("reader:api_entities", False, 2),
        ("reader:api_entity", True, 4),
    ],
)
def test_lists_run_a_fixed_number_of_queries(
    client, demo, baghdad_articles, django_assert_max_num_queries, name, needs_entity, limit
):
    args = [_entity("بغداد", "LOC").pk] if needs_entity else []
    url = reverse(name, args=args)
    with django_assert_max_num_queries(limit):
        _, data = _get(client, url, page_size=100)
    assert len(data["results"] if "results" in data else data["articles"]["results"]) > 2
    assert _query_count(client, url, page_size=1) == _query_count(client, url, page_size=100)


def test_the_article_detail_runs_a_fixed_number_of_queries(
    client, seed_article, django_assert_max_num_queries
):
    assert Mention.objects.filter(article=seed_article).count() > 10
    with django_assert_max_num_queries(2):
        client.get(reverse("reader:api_article", args=[seed_article.pk]))
