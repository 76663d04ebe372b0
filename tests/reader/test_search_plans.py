"""Both plans of a search (GIN index, or date index walked newest first) find the same
articles in the same order."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.postgres.search import SearchQuery

from newsroom.articles.models import Article
from newsroom.nlp.search import search_keys
from newsroom.reader import selectors

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("limit", [3, 50])
def test_both_plans_give_the_newest_matches(make_article, monkeypatch, limit):
    start = datetime(2021, 5, 1, tzinfo=UTC)
    for n in range(12):
        place = "بغداد" if n % 3 else "الكويت"
        make_article(
            title=f"نشرة {n}",
            body=f"وصل الوفد إلى {place} في اليوم {n}.",
            published_at=None if n == 5 else start + timedelta(days=n % 7, hours=n),
        )
    tsquery = SearchQuery(" ".join(search_keys("ببغداد")), config="arabic", search_type="plain")
    matches = Article.objects.filter(search_vector=tsquery)
    expected = list(
        Article.objects.filter(body__contains="بغداد")
        .order_by("-placed_at", "-id")
        .values_list("pk", flat=True)
    )
    # The undated article is placed by when it was received: today, newer than the others.
    assert Article.objects.get(pk=expected[0]).published_at is None
    monkeypatch.setattr(selectors, "BITMAP_MAX_MATCHES", 10**9)
    by_index = selectors._newest_matches(matches, limit)
    monkeypatch.setattr(selectors, "BITMAP_MAX_MATCHES", -1)
    by_walk = selectors._newest_matches(matches, limit)
    assert by_index == by_walk == expected[:limit]
    assert len(expected) == 8
