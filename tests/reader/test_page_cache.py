"""Cached pieces of the reader pages (timelines, co-mention lists, related articles) never show
what is no longer true: they are cached under what they show."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from newsroom.entities.curation import rename_entity
from newsroom.entities.models import Entity

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_articles(make_article):
    first = make_article(
        title="وفد في بغداد",
        body="وصل وفد من الكويت إلى بغداد اليوم.",
        published_at=datetime(2020, 1, 5, 9, tzinfo=UTC),
    ).article
    second = make_article(
        title="محادثات في بغداد",
        body="بحث مسؤولون من الكويت في بغداد ملف الحدود.",
        published_at=datetime(2020, 1, 6, 9, tzinfo=UTC),
    ).article
    return first, second


def test_a_renamed_co_mention_shows_its_new_name(client, two_articles):
    baghdad = Entity.objects.get(name="بغداد")
    kuwait = Entity.objects.get(name="الكويت")
    url = reverse("reader:entity", args=[baghdad.pk])
    assert "الكويت" in client.get(url).content.decode()
    editor = get_user_model().objects.create_user("curator", is_staff=True)
    rename_entity(entity=kuwait, name="دولة الكويت", user=editor)
    assert "دولة الكويت" in client.get(url).content.decode()


def test_a_new_article_appears_on_the_timeline_and_among_related(
    client, two_articles, make_article
):
    first, _ = two_articles
    baghdad = Entity.objects.get(name="بغداد")
    url = reverse("reader:entity", args=[baghdad.pk])
    # a bar of the timeline is titled with its day and count
    assert not _bar(client.get(url).content.decode(), "9")
    article_url = reverse("reader:article", args=[first.pk])
    client.get(article_url)
    third = make_article(
        title="زيارة ثالثة إلى بغداد",
        body="عاد وفد الكويت إلى بغداد لاستكمال المحادثات.",
        published_at=datetime(2020, 1, 9, 9, tzinfo=UTC),
    ).article
    page = client.get(url).content.decode()
    assert _bar(page, "9") and _bar(page, "5")
    assert third.title in client.get(article_url).content.decode()


def _bar(page: str, day: str) -> bool:
    timeline = page.partition('<figure class="timeline">')[2].partition("</figure>")[0]
    return f"<title>{day} يناير 2020: مقال واحد</title>" in timeline
