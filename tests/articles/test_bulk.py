"""Storing many articles at once: the same result as one at a time, whole batches or nothing."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from newsroom import nlp
from newsroom.articles import ingest
from newsroom.articles.bulk import ingest_stream
from newsroom.articles.ingest import ArticleDraft, IngestResult, Outcome, ingest_many
from newsroom.articles.models import Article
from newsroom.entities.models import ArticleEntity, Entity, Mention

pytestmark = pytest.mark.django_db

PLACES = ["بغداد", "الكويت", "طهران", "أربيل", "البصرة", "دمشق", "عمّان", "بيروت"]


def drafts(n: int, offset: int = 0) -> list[ArticleDraft]:
    out = []
    for k in range(offset, offset + n):
        a, b = PLACES[k % len(PLACES)], PLACES[(k + 3) % len(PLACES)]
        out.append(
            ArticleDraft(
                title=f"نشرة رقم {k} من {a}",
                body=f"وصل وفد من {b} إلى {a} في الزيارة رقم {k}.\nوقال قاسم سليماني إن سليماني "
                f"التقى مسؤولين في العراق والولايات المتحدة.",
                source=f"مصدر {k % 3}",
                label=f"item {k}",
            )
        )
    return out


def snapshot():
    """Every mention as (article title, entity kind and key, alias, offsets, sentence)."""
    return sorted(
        Mention.objects.values_list(
            "article__title",
            "entity__kind",
            "entity__key",
            "alias__text",
            "field",
            "start",
            "end",
            "sentence_start",
            "sentence_end",
        )
    )


def counts():
    return sorted(Entity.objects.values_list("kind", "key", "article_count"))


def test_many_at_once_store_what_one_at_a_time_stores(django_db_blocker):
    batch = drafts(12)
    results = ingest_many(batch)
    assert [r.outcome for r in results] == [Outcome.STORED] * 12
    assert [r.label for r in results] == [d.label for d in batch]
    assert [r.article.title for r in results] == [d.title for d in batch]
    together, together_counts = snapshot(), counts()
    appearances = ArticleEntity.objects.count()
    assert together and appearances

    Article.objects.all().delete()
    Entity.objects.all().delete()
    for draft in batch:
        assert ingest.ingest_article(draft).outcome is Outcome.STORED
    assert snapshot() == together
    assert counts() == together_counts
    assert ArticleEntity.objects.count() == appearances
    # article counts agree with the appearances table
    for entity in Entity.objects.all():
        assert entity.article_count == ArticleEntity.objects.filter(entity=entity).count()


def test_a_batch_costs_a_fixed_number_of_queries():
    ingest_many(drafts(2))  # sources and most entities exist from here on
    with CaptureQueriesContext(connection) as small:
        ingest_many(drafts(4, offset=100))
    with CaptureQueriesContext(connection) as large:
        ingest_many(drafts(40, offset=200))
    assert len(large) == len(small)


def test_duplicates_refusals_and_a_recogniser_failure_in_one_batch():
    stored_before = ingest.ingest_article(drafts(1)[0]).article
    batch = [
        drafts(1)[0],  # stored before
        *drafts(2, offset=1),
        ArticleDraft(title="", body="نص", label="no title"),
        drafts(1, offset=1)[0],  # twice in this batch
        ArticleDraft(title="تقرير يكسر المعلّم", body="زار الوفد بغداد.", label="breaks"),
    ]

    def annotate(text):
        if "يكسر" in text:
            raise RuntimeError("model exploded")
        return nlp.annotate(text)

    results = ingest_many(batch, annotator=annotate)
    outcomes = [r.outcome for r in results]
    assert outcomes == [
        Outcome.DUPLICATE,
        Outcome.STORED,
        Outcome.STORED,
        Outcome.REFUSED,
        Outcome.DUPLICATE,
        Outcome.STORED,
    ]
    assert results[0].article == stored_before
    assert results[4].article == results[1].article
    assert results[3].reason == "العنوان فارغ."
    broken = results[5].article
    broken.refresh_from_db()
    assert broken.status == Article.Status.FAILED
    assert "model exploded" in broken.annotation_error
    assert not Mention.objects.filter(article=broken).exists()
    assert Mention.objects.filter(article=results[1].article).exists()
    assert Article.objects.count() == 4


def test_a_batch_that_fails_to_link_is_stored_article_by_article(monkeypatch):
    real = ingest.link_articles

    def fail_for_a_batch(items, **kwargs):
        if len(items) > 1:
            raise ValueError("a value the database refuses")
        return real(items, **kwargs)

    monkeypatch.setattr(ingest, "link_articles", fail_for_a_batch)
    results = ingest_many(drafts(5))
    assert [r.outcome for r in results] == [Outcome.STORED] * 5
    assert Article.objects.count() == 5
    assert Article.objects.filter(status=Article.Status.ANNOTATED).count() == 5
    assert Mention.objects.values("article").distinct().count() == 5


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_stream_keeps_the_order_and_passes_refusals_through(jobs):
    refused = IngestResult(Outcome.REFUSED, "bad.bin", reason="نوع الملف غير مدعوم")
    items = [*drafts(5), refused, *drafts(6, offset=5), drafts(1)[0]]
    results = list(ingest_stream(items, jobs=jobs, batch_size=4))
    assert [r.label for r in results] == [
        *(f"item {k}" for k in range(5)),
        "bad.bin",
        *(f"item {k}" for k in range(5, 11)),
        "item 0",
    ]
    assert [r.outcome for r in results].count(Outcome.STORED) == 11
    assert results[5] is refused
    assert results[-1].outcome is Outcome.DUPLICATE
    assert results[-1].article == results[0].article
    assert Article.objects.count() == 11
    assert Mention.objects.values("article").distinct().count() == 11
