"""Upload batches: an upload's items are stored first, then ingested one at a time.

Each item is ingested in its own transaction together with its report line, so an article is
stored exactly when its item says "stored". A processor claims an item (committed: status
`processing`, one more attempt) and then holds a row lock on it while it ingests; if the process
dies, PostgreSQL drops its transaction and the lock, and any later run takes the item over.

Background runs go through the task framework. Every run first queues the next one a little
later, then works for about UPLOAD_TASK_SECONDS: a killed worker thus leaves a queued run behind,
which the restarted worker picks up, and a stopping worker never waits long for a big upload.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import ngettext

from newsroom.articles.ingest import ArticleDraft, IngestResult, Outcome, ingest_article
from newsroom.articles.models import UploadBatch, UploadItem

logger = logging.getLogger(__name__)

Parsed = ArticleDraft | IngestResult
Status = UploadItem.Status

MAX_ATTEMPTS = 3
# A background upload that has not moved for this long is probably waiting for a worker.
STALLED_AFTER = timedelta(minutes=2)


def _storable(text: str) -> str:
    """PostgreSQL text and jsonb hold neither NUL nor lone surrogates (clean_text drops them)."""
    return text.replace("\x00", "").encode("utf-8", "replace").decode("utf-8")


def draft_to_json(draft: ArticleDraft) -> dict[str, Any]:
    return {
        "title": _storable(draft.title),
        "body": _storable(draft.body),
        "source": _storable(draft.source),
        "published_at": draft.published_at.isoformat() if draft.published_at else None,
        "url": _storable(draft.url),
    }


def draft_from_json(data: dict[str, Any], label: str) -> ArticleDraft:
    published = data.get("published_at")
    return ArticleDraft(
        title=data.get("title", ""),
        body=data.get("body", ""),
        source=data.get("source", ""),
        published_at=datetime.fromisoformat(published) if published else None,
        url=data.get("url", ""),
        label=label,
    )


def _item(batch: UploadBatch, position: int, parsed: Parsed) -> UploadItem:
    if isinstance(parsed, ArticleDraft):
        label = parsed.label or parsed.title.strip()[:80] or f"#{position}"
        return UploadItem(
            batch=batch,
            position=position,
            label=_storable(label)[:500],
            draft=draft_to_json(parsed),
        )
    return UploadItem(
        batch=batch,
        position=position,
        label=_storable(parsed.label)[:500],
        status=parsed.outcome.value,
        article=parsed.article,
        reason=_storable(parsed.reason),
    )


def start_batch(
    items: Iterable[Parsed], *, created_by: Any = None, source: str = "", inline_limit: int
) -> UploadBatch:
    """Store an upload's items and ingest them: at once when there are at most `inline_limit`
    articles, else through the task worker."""
    from newsroom.articles.tasks import process_upload_batch

    items = list(items)
    drafts = sum(isinstance(item, ArticleDraft) for item in items)
    background = drafts > inline_limit
    with transaction.atomic():
        batch = UploadBatch.objects.create(
            created_by=created_by if getattr(created_by, "pk", None) else None,
            source=source[:200],
            total=len(items),
            background=background,
            progressed_at=timezone.now(),
        )
        UploadItem.objects.bulk_create(
            (_item(batch, position, item) for position, item in enumerate(items, start=1)),
            batch_size=500,
        )
        if background:
            # Queued in the same transaction (the database backend stores tasks in PostgreSQL),
            # so there is never a batch without a run to process it.
            process_upload_batch.enqueue(batch.pk)
    if not background:
        process_batch(batch.pk)
        batch.refresh_from_db()
    return batch


def _queue_next_run(batch_id: int, delay: float) -> None:
    """Queue a later run now, so that one exists whatever happens to this one."""
    from newsroom.articles.tasks import process_upload_batch

    if process_upload_batch.get_backend().supports_defer:
        run_after = timezone.now() + timedelta(seconds=delay)
        process_upload_batch.using(run_after=run_after).enqueue(batch_id)


def process_batch(batch_id: int, *, time_budget: float | None = None) -> bool:
    """Ingest the batch's pending items, for about `time_budget` seconds (None: until done);
    return whether the batch is finished."""
    batch = UploadBatch.objects.filter(pk=batch_id).only("finished_at").first()
    if batch is None or batch.finished_at is not None:
        return True
    _queue_next_run(batch_id, delay=time_budget or settings.UPLOAD_TASK_SECONDS)
    deadline = None if time_budget is None else time.monotonic() + time_budget
    while deadline is None or time.monotonic() < deadline:
        item = _claim_next(batch_id)
        if item is None:
            break
        _process(item)
        UploadBatch.objects.filter(pk=batch_id).update(progressed_at=timezone.now())
    return _finish_if_done(batch_id)


def _claim_next(batch_id: int) -> UploadItem | None:
    """Claim the first item that is pending, or processing but left by a processor that died
    (a live processor holds the item's row lock, so SKIP LOCKED passes over it)."""
    with transaction.atomic():
        item = (
            UploadItem.objects.filter(batch_id=batch_id, status__in=UploadItem.UNFINISHED)
            .order_by("position")
            .select_for_update(skip_locked=True, of=("self",))
            .first()
        )
        if item is None:
            return None
        item.status = Status.PROCESSING
        item.attempts += 1
        item.claim = uuid.uuid4().hex
        item.save(update_fields=["status", "attempts", "claim"])
    return item


def _process(claimed: UploadItem) -> None:
    try:
        with transaction.atomic():
            item = (
                # of=self: the model's default ordering joins the upload, whose row must not
                # be locked (another processor of the same upload would skip every item)
                UploadItem.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(pk=claimed.pk, claim=claimed.claim, status=Status.PROCESSING)
                .first()
            )
            if item is None:
                return  # another processor took it over in between
            if item.attempts > MAX_ATTEMPTS:
                why = item.reason or "توقّف العامل أثناء معالجته"
                result = IngestResult(
                    Outcome.REFUSED,
                    item.label,
                    reason=ngettext(
                        "تعذّرت معالجته بعد محاولة واحدة (%(why)s).",
                        "تعذّرت معالجته بعد %(n)s محاولات (%(why)s).",
                        MAX_ATTEMPTS,
                    )
                    % {"n": MAX_ATTEMPTS, "why": why},
                )
            else:
                result = ingest_article(draft_from_json(item.draft, item.label))
            item.status = result.outcome.value
            item.article = result.article
            item.reason = _storable(result.reason)
            item.draft = {}
            item.save(update_fields=["status", "article", "reason", "draft"])
    except Exception as exc:
        # Left `processing` with its attempt counted: the next claim retries it, and after
        # MAX_ATTEMPTS it is refused with this error as the reason.
        logger.exception("upload item %s failed", claimed.pk)
        UploadItem.objects.filter(pk=claimed.pk, claim=claimed.claim).update(
            reason=_storable(f"{type(exc).__name__}: {exc}")[:500]
        )


def _finish_if_done(batch_id: int) -> bool:
    if UploadItem.objects.filter(batch_id=batch_id, status__in=UploadItem.UNFINISHED).exists():
        return False
    UploadBatch.objects.filter(pk=batch_id, finished_at__isnull=True).update(
        finished_at=timezone.now()
    )
    return True


@dataclass(frozen=True, slots=True)
class Progress:
    total: int
    stored: int
    duplicate: int
    refused: int
    finished: bool
    stalled: bool

    @property
    def done(self) -> int:
        return self.stored + self.duplicate + self.refused

    @property
    def percent(self) -> int:
        return 100 if not self.total else self.done * 100 // self.total


def progress(batch: UploadBatch) -> Progress:
    rows = batch.items.order_by().values("status").annotate(n=Count("id"))
    counts = {row["status"]: row["n"] for row in rows}
    finished = batch.finished_at is not None
    last = batch.progressed_at or batch.created_at
    return Progress(
        total=batch.total,
        stored=counts.get(Status.STORED, 0),
        duplicate=counts.get(Status.DUPLICATE, 0),
        refused=counts.get(Status.REFUSED, 0),
        finished=finished,
        stalled=not finished and timezone.now() - last > STALLED_AFTER,
    )
