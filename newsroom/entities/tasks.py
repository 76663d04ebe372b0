"""Re-annotate articles in the background after the recogniser or the curation rules change.

``start_reannotation`` records a ``ReannotationRun`` and enqueues ``reannotate`` (django-tasks,
run by ``manage.py db_worker``); the task annotates the articles one by one through the same
``annotate_article`` as ingestion, so curation decisions (``LinkRule``) apply, and counts its
progress on the run for the admin to show.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from django.contrib import admin, messages
from django.db import transaction
from django.db.models import F, Max, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import ngettext
from django_tasks import task

from newsroom import nlp
from newsroom.articles.ingest import annotate_article, error_text
from newsroom.articles.models import Article
from newsroom.entities.curation import log_action
from newsroom.entities.models import CurationLog, Entity, ReannotationRun
from newsroom.entities.recall import recall_archive
from newsroom.entities.resolution import resolve_archive

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser
    from django.http import HttpRequest

logger = logging.getLogger(__name__)

BATCH_SIZE = 50  # articles read per query; progress is saved after each batch


def start_reannotation(
    *,
    scope: str,
    user: AbstractBaseUser | None,
    article_ids: Sequence[int] | None = None,
) -> ReannotationRun:
    """Record a run over all, outdated or the given articles and queue it for a worker."""
    if scope == ReannotationRun.Scope.RESOLVE:
        run = ReannotationRun(scope=scope)
    elif scope == ReannotationRun.Scope.SELECTED:
        ids = sorted(set(article_ids or ()))
        run = ReannotationRun(scope=scope, article_ids=ids)
    elif scope in (ReannotationRun.Scope.ALL, ReannotationRun.Scope.OUTDATED):
        run = ReannotationRun(
            scope=scope, max_article_id=Article.objects.aggregate(m=Max("pk"))["m"] or 0
        )
    else:
        raise ValueError(f"unknown scope {scope!r}")
    run.created_by = user if user is not None and user.is_authenticated else None
    run.total = (
        Entity.objects.count() + 1
        if scope == ReannotationRun.Scope.RESOLVE
        else _articles(run).count()
    )
    with transaction.atomic():
        run.save()
        log_action(
            run.created_by,
            CurationLog.Action.REANNOTATE,
            (
                str(run.get_scope_display())
                if scope == ReannotationRun.Scope.RESOLVE
                else ngettext(
                    "إعادة تعليم مقال واحد (%(scope)s)",
                    "إعادة تعليم %(n)s مقالات (%(scope)s)",
                    run.total,
                )
                % {"n": run.total, "scope": run.get_scope_display()}
            ),
            {"run": run.pk, "scope": scope, "total": run.total},
        )
        # The database backend stores the task in this transaction: no run without its task.
        result = reannotate.enqueue(run.pk)
        ReannotationRun.objects.filter(pk=run.pk).update(task_id=str(result.id))
    run.refresh_from_db()
    return run


@task()
def reannotate(run_id: int) -> dict[str, int]:
    """Annotate the articles of run ``run_id`` again, saving progress as it goes."""
    run = ReannotationRun.objects.get(pk=run_id)
    if run.status == ReannotationRun.Status.FINISHED:
        return {"done": run.done, "failed": run.failed}
    runs = ReannotationRun.objects.filter(pk=run_id)
    runs.update(status=ReannotationRun.Status.RUNNING, started_at=timezone.now(), done=0, failed=0)
    done = failed = 0
    if run.scope == ReannotationRun.Scope.RESOLVE:
        return _resolve(run, runs)
    try:
        for batch in _batches(run):
            for article in batch:
                annotate_article(article, annotator=nlp.annotate)
                failed += article.status == Article.Status.FAILED
            done += len(batch)
            runs.update(done=done, failed=failed)
    except Exception as exc:
        logger.exception("re-annotation run %s stopped", run_id)
        runs.update(
            status=ReannotationRun.Status.FAILED,
            finished_at=timezone.now(),
            error=error_text(exc),
        )
        raise
    # What the archive says about names may have changed with the new annotations; the
    # re-annotated articles lost the names recalled in them, which the recall pass gives back.
    resolve_archive()
    recall_archive()
    # Articles deleted meanwhile are not counted; the run still ends at 100 %.
    runs.update(status=ReannotationRun.Status.FINISHED, finished_at=timezone.now(), total=F("done"))
    from newsroom.geo.tasks import schedule_linking

    schedule_linking()
    return {"done": done, "failed": failed}


def _resolve(run: ReannotationRun, runs: QuerySet[ReannotationRun]) -> dict[str, int]:
    """The archive's entities resolved again (``resolution.resolve_archive``), with progress."""

    def progress(done: int, total: int) -> None:
        runs.update(done=done, total=total)

    try:
        summary = resolve_archive(progress=progress)
        recall_archive()
    except Exception as exc:
        logger.exception("resolution run %s stopped", run.pk)
        runs.update(
            status=ReannotationRun.Status.FAILED, finished_at=timezone.now(), error=error_text(exc)
        )
        raise
    runs.update(status=ReannotationRun.Status.FINISHED, finished_at=timezone.now(), done=F("total"))
    return {"done": summary.entities, "failed": 0, "merged": summary.merged}


def _articles(run: ReannotationRun) -> QuerySet[Article]:
    if run.scope == ReannotationRun.Scope.SELECTED:
        return Article.objects.filter(pk__in=run.article_ids or [])
    articles = Article.objects.filter(pk__lte=run.max_article_id or 0)
    if run.scope == ReannotationRun.Scope.OUTDATED:
        # Failed articles have no annotator version, so they are retried too.
        articles = articles.exclude(annotator_version=nlp.ANNOTATOR_VERSION)
    return articles


def _batches(run: ReannotationRun) -> Iterator[list[Article]]:
    """The run's articles in id order, a batch at a time (keyset paging, no long query)."""
    articles = _articles(run).order_by("pk")
    last = 0
    while batch := list(articles.filter(pk__gt=last)[:BATCH_SIZE]):
        yield batch
        last = batch[-1].pk


@admin.action(description="إعادة تعليم المقالات المحددة في الخلفية", permissions=["change"])
def reannotate_selected(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset) -> None:
    """Admin action for the article list."""
    run = start_reannotation(
        scope=ReannotationRun.Scope.SELECTED,
        user=request.user,
        article_ids=list(queryset.values_list("pk", flat=True)),
    )
    modeladmin.message_user(
        request,
        format_html(
            '{}؛ <a href="{}">تابع التقدّم</a>.',
            ngettext(
                "بدأت إعادة تعليم مقال واحد في الخلفية",
                "بدأت إعادة تعليم %(n)s مقالات في الخلفية",
                run.total,
            )
            % {"n": run.total},
            reverse("admin:entities_reannotationrun_changelist"),
        ),
        messages.SUCCESS,
    )
