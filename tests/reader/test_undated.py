"""An article without a date is listed by when it was received, everywhere articles are
listed, and says so; the lists stay index-backed."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

import pytest
from django.db import connection
from django.urls import reverse

from newsroom.articles.models import Article
from newsroom.entities.models import ArticleEntity, Entity
from newsroom.reader import selectors

pytestmark = pytest.mark.django_db


@pytest.fixture
def undated_upload(client, django_user_model, demo):
    """The demo (dated 2020), then an undated article pasted on the upload page."""
    client.force_login(django_user_model.objects.create_user("e", password="x", is_staff=True))
    client.post(
        reverse("upload"),
        {"title": "وصل للتو", "body": "وصل وفد من الكويت إلى بغداد صباح اليوم."},
    )
    client.logout()
    return Article.objects.get(title="وصل للتو")


def test_an_undated_upload_comes_first_on_the_home_page(client, undated_upload):
    assert undated_upload.published_at is None
    assert undated_upload.placed_at == undated_upload.created_at
    html = client.get(reverse("reader:article_list")).content.decode()
    first = html.partition('<ol class="article-list">')[2].partition("</li>")[0]
    assert undated_upload.title in first
    assert "بلا تاريخ نشر؛ وصل في" in first
    # the date it is placed by, in Western digits
    assert re.search(r"<time datetime=\"\d{4}-\d\d-\d\dT[^\"]+\">\d+ \w+ \d{4}</time>", first)


def test_no_meta_line_ends_with_a_dangling_separator(client, undated_upload):
    for url in (reverse("reader:article_list"), undated_upload.get_absolute_url()):
        html = client.get(url).content.decode()
        for meta in re.findall(r'<p class="meta">(.*?)</p>', html, re.S):
            assert not meta.strip().endswith("·") and not meta.strip().startswith("·"), meta


def test_entity_pages_feeds_and_the_api_place_it_by_its_arrival(client, undated_upload):
    kuwait = Entity.objects.get(name="الكويت")
    appearance = ArticleEntity.objects.get(entity=kuwait, article=undated_upload)
    assert appearance.placed_at == undated_upload.created_at
    page = client.get(kuwait.get_absolute_url()).content.decode()
    first = page.partition('<ol class="mention-list" id="articles">')[2].partition("</li>")[0]
    assert undated_upload.title in first and "بلا تاريخ نشر" in first
    baghdad = Entity.objects.get(name="بغداد")
    pair = client.get(reverse("reader:pair", args=[kuwait.pk, baghdad.pk])).content.decode()
    assert undated_upload.title in pair.partition('id="articles">')[2].partition("</li>")[0]

    feed = client.get(reverse("reader:entity_feed", args=[kuwait.pk])).content.decode()
    entry = feed.partition("<entry>")[2].partition("</entry>")[0]
    assert undated_upload.title in entry and "<updated>" in entry

    data = json.loads(client.get(reverse("reader:api_articles")).content)
    newest = data["results"][0]
    assert newest["id"] == undated_upload.pk and newest["published_at"] is None
    assert datetime.fromisoformat(newest["placed_at"]) == undated_upload.created_at
    data = json.loads(client.get(reverse("reader:api_entity", args=[kuwait.pk])).content)
    assert data["articles"]["results"][0]["id"] == undated_upload.pk


def test_a_dated_article_keeps_its_place_by_date(make_article):
    old = make_article(published_at=datetime(2019, 1, 1, tzinfo=UTC)).article
    new = make_article(published_at=datetime(2021, 1, 1, tzinfo=UTC)).article
    assert list(Article.objects.newest_first()) == [new, old]
    assert Article.objects.get(pk=old.pk).placed_at == old.published_at


def _plan(queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        # Tiny test tables: make the planner show which index can give the order at all.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


def test_the_newest_first_lists_are_read_from_their_indexes(undated_upload):
    home = Article.objects.newest_first().values("pk")[:20]
    assert "article_newest_idx" in _plan(home)
    kuwait = Entity.objects.get(name="الكويت")
    entity = selectors._appearances([kuwait.pk]).order_by("-placed_at", "-article_id")
    assert "appearance_newest_idx" in _plan(entity.values("article_id")[:20])


def test_dating_an_undated_article_in_the_admin_moves_it_on_entity_pages(
    client, django_user_model, undated_upload
):
    client.force_login(django_user_model.objects.create_superuser("boss", password="x"))
    response = client.post(
        reverse("admin:articles_article_change", args=[undated_upload.pk]),
        {
            "title": undated_upload.title,
            "body": undated_upload.body,
            "published_at_0": "2019-06-01",
            "published_at_1": "10:00",
            "url": "",
        },
    )
    assert response.status_code == 302
    article = Article.objects.get(pk=undated_upload.pk)
    assert article.placed_at == article.published_at
    placed = set(ArticleEntity.objects.filter(article=article).values_list("placed_at", flat=True))
    assert placed == {article.published_at}
    kuwait = Entity.objects.get(name="الكويت")
    page = client.get(kuwait.get_absolute_url()).content.decode()
    first = page.partition('<ol class="mention-list" id="articles">')[2].partition("</li>")[0]
    assert undated_upload.title not in first
