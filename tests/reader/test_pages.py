from __future__ import annotations

import re

import pytest
from django.urls import reverse

from newsroom.articles.ingest import Outcome
from newsroom.articles.models import Article
from newsroom.entities.models import Entity, Mention
from newsroom.nlp.resolve import name_key
from tests.conftest import SEED_ENTITIES

pytestmark = pytest.mark.django_db


def _seed(demo) -> Article:
    return next(r.article for r in demo if r.label == "article-00.txt")


def test_the_demo_loads_once(demo):
    assert len(demo) >= 13
    assert all(r.outcome is Outcome.STORED for r in demo)
    from newsroom.articles.management.commands.load_demo import load_demo

    assert all(r.outcome is Outcome.DUPLICATE for r in load_demo())


@pytest.mark.parametrize("name", ["reader:article_list"])
def test_the_article_list_is_rtl_and_newest_first(client, demo, name):
    response = client.get(reverse(name))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="ar" dir="rtl">' in html
    titles = [a.title for a in Article.objects.newest_first()[:3]]
    positions = [html.index(t) for t in titles]
    assert positions == sorted(positions)


def test_the_article_list_paginates(client, demo, settings):
    settings.ARTICLES_PER_PAGE = 5
    response = client.get(reverse("reader:article_list"), {"page": 2})
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 5
    assert 'rel="next"' in response.content.decode()


def test_the_seed_article_highlights_its_actors_and_places(client, demo):
    seed = _seed(demo)
    response = client.get(seed.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert 'dir="rtl"' in html
    links = re.findall(r'<a class="ent ent-(\w+)" href="(/entities/\d+/)"[^>]*>([^<]+)</a>', html)
    for name, kind in SEED_ENTITIES.items():
        entity = Entity.objects.get(kind=kind, key=name_key(kind, name))
        hits = [link for link in links if link[1] == entity.get_absolute_url()]
        assert hits, f"{name} is not highlighted"
        assert all(css == kind.lower() for css, _, _ in hits)


def test_each_seed_entity_page_lists_every_demo_article_mentioning_it(client, demo):
    for name, kind in SEED_ENTITIES.items():
        entity = Entity.objects.get(kind=kind, key=name_key(kind, name))
        article_ids = set(Mention.objects.filter(entity=entity).values_list("article", flat=True))
        assert len(article_ids) >= 2, f"{name} links no other demo article"
        response = client.get(entity.get_absolute_url())
        assert response.status_code == 200
        html = response.content.decode()
        assert 'dir="rtl"' in html
        for article in Article.objects.filter(pk__in=article_ids):
            assert article.get_absolute_url() in html, f"{name}: {article.title} missing"
        assert entity.article_count == len(article_ids)


def test_the_entity_page_quotes_the_sentence_with_the_mention_highlighted(client, demo):
    kuwait = Entity.objects.get(kind="LOC", key=name_key("LOC", "الكويت"))
    html = client.get(kuwait.get_absolute_url()).content.decode()
    quotes = re.findall(r'<blockquote class="quote">(.*?)</blockquote>', html, re.S)
    assert quotes
    assert all(f'href="{kuwait.get_absolute_url()}"' in q for q in quotes)


def test_missing_pages_are_404(client, db):
    assert client.get(reverse("reader:article", args=[999999])).status_code == 404
    assert client.get(reverse("reader:entity", args=[999999])).status_code == 404


def test_article_text_is_escaped(client, make_article):
    article = make_article(
        title="<script>alert(1)</script> بغداد", body="<b>نص</b> عن بغداد"
    ).article
    html = client.get(article.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html
