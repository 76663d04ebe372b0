"""Background work of the articles app, run by the task worker (`manage.py db_worker`)."""

from __future__ import annotations

from django.conf import settings
from django_tasks import task

from newsroom.articles import batches


@task()
def process_upload_batch(batch_id: int) -> bool:
    """Ingest a share of an upload's pending items; the next share is already queued."""
    backend = process_upload_batch.get_backend()
    # A backend that cannot queue later runs (the immediate one, in tests) does it all now.
    budget = settings.UPLOAD_TASK_SECONDS if backend.supports_defer else None
    return batches.process_batch(batch_id, time_budget=budget)
