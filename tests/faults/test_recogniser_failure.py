"""The recogniser raising on one article: that article is stored as failed and retried by a
worker, while the other articles go on."""

from __future__ import annotations

import pytest
from django_tasks_db.models import DBTaskResult

from newsroom.articles.ingest import ArticleDraft, Outcome, ingest_article
from newsroom.articles.models import Article
from newsroom.articles.tasks import retry_annotation
from newsroom.entities.models import Mention
from newsroom.nlp import annotate

pytestmark = pytest.mark.django_db


def _flaky(text: str):
    if "الموصل" in text:
        raise RuntimeError("recogniser crashed")
    return annotate(text)


def test_a_failing_article_is_stored_failed_retried_and_the_others_go_on(
    django_capture_on_commit_callbacks,
):
    drafts = [
        ArticleDraft(title=f"نشرة {n}", body=f"وصل وفد إلى {place} في الزيارة {n}.")
        for n, place in enumerate(["بغداد", "الموصل", "الكويت"])
    ]
    with django_capture_on_commit_callbacks(execute=True):
        results = [ingest_article(draft, annotator=_flaky) for draft in drafts]
    assert [r.outcome for r in results] == [Outcome.STORED] * 3
    ok1, failed, ok2 = (Article.objects.get(pk=r.article.pk) for r in results)
    assert (
        failed.status == Article.Status.FAILED and "recogniser crashed" in failed.annotation_error
    )
    assert not Mention.objects.filter(article=failed).exists()
    assert ok1.status == ok2.status == Article.Status.ANNOTATED
    assert Mention.objects.filter(article=ok2).exists()

    queued = DBTaskResult.objects.filter(task_path__endswith="retry_annotation")
    assert queued.count() == 1
    assert queued.get().args_kwargs["args"] == [failed.pk, 1]
    assert queued.get().run_after is not None  # later, not at once

    # The worker's retry, with the recogniser working again.
    assert retry_annotation.call(failed.pk, 1) == Article.Status.ANNOTATED
    failed.refresh_from_db()
    assert failed.status == Article.Status.ANNOTATED and failed.annotation_error == ""
    assert Mention.objects.filter(article=failed, alias__text="الموصل").exists()
    assert retry_annotation.call(failed.pk, 1) == "nothing to do"
