"""Background work of the articles app, run by the task worker (`manage.py db_worker`)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from newsroom.articles import batches


@task()
def process_upload_batch(batch_id: int) -> bool:
    """Ingest a share of an upload's pending items; the next share is already queued."""
    backend = process_upload_batch.get_backend()
    # A backend that cannot queue later runs (the immediate one, in tests) does it all now.
    budget = settings.UPLOAD_TASK_SECONDS if backend.supports_defer else None
    finished = batches.process_batch(batch_id, time_budget=budget)
    if finished:
        from newsroom.geo.tasks import schedule_linking

        schedule_linking()
    return finished


ANNOTATION_RETRIES = 3
ANNOTATION_RETRY_SECONDS = 60


def schedule_annotation_retry(article_id: int, attempt: int = 1) -> None:
    """Queue another try at annotating a failed article, backing off 1, 2, 4… minutes."""
    delay = timedelta(seconds=ANNOTATION_RETRY_SECONDS * 2 ** (attempt - 1))
    task = retry_annotation
    if task.get_backend().supports_defer:
        task = task.using(run_after=timezone.now() + delay)
    task.enqueue(article_id, attempt)


@task()
def retry_annotation(article_id: int, attempt: int = 1) -> str:
    """Annotate an article whose annotation failed; try again later while it keeps failing."""
    from newsroom import nlp
    from newsroom.articles.ingest import annotate_article
    from newsroom.articles.models import Article

    article = Article.objects.filter(pk=article_id, status=Article.Status.FAILED).first()
    if article is None:
        return "nothing to do"  # deleted, or annotated again meanwhile
    with transaction.atomic():
        annotate_article(article, annotator=nlp.annotate)
    if article.status == Article.Status.FAILED and attempt < ANNOTATION_RETRIES:
        schedule_annotation_retry(article_id, attempt + 1)
    return article.status
