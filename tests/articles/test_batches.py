from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from newsroom.articles import batches
from newsroom.articles.batches import MAX_ATTEMPTS, process_batch, progress, start_batch
from newsroom.articles.ingest import ArticleDraft, Outcome
from newsroom.articles.models import Article, UploadBatch, UploadItem
from newsroom.articles.tasks import process_upload_batch

pytestmark = pytest.mark.django_db

TASK_PATH = "newsroom.articles.tasks.process_upload_batch"


class WorkerKilled(BaseException):
    """Stands for SIGKILL: nothing in the processing code may catch it."""


def drafts(n: int) -> list[ArticleDraft]:
    return [
        ArticleDraft(title=f"خبر رقم {i}", body=f"نص الخبر رقم {i} عن بغداد.", label=f"item-{i}")
        for i in range(1, n + 1)
    ]


def statuses(batch: UploadBatch) -> list[str]:
    return list(batch.items.values_list("status", flat=True))


def kill_on_call(monkeypatch, number: int) -> None:
    """Make the `number`-th ingest die half-way, after the article row was written."""
    real = batches.ingest_article
    calls = {"n": 0}

    def ingest(draft, **kwargs):
        calls["n"] += 1
        result = real(draft, **kwargs)
        if calls["n"] == number:
            raise WorkerKilled
        return result

    monkeypatch.setattr(batches, "ingest_article", ingest)


def test_a_small_batch_is_processed_at_once_with_parse_refusals_kept():
    refusal = batches.IngestResult(Outcome.REFUSED, "bad.txt", reason="ترميز غير مدعوم")
    batch = start_batch([*drafts(2), refusal, drafts(1)[0]], inline_limit=20)
    assert batch.finished_at is not None and not batch.background
    assert statuses(batch) == ["stored", "stored", "refused", "duplicate"]
    items = list(batch.items.all())
    assert items[2].reason == "ترميز غير مدعوم"
    assert items[3].article == items[0].article
    assert all(item.draft == {} for item in items)
    assert progress(batch).done == 4 and progress(batch).percent == 100


def test_an_interrupted_run_leaves_stored_items_stored_and_the_next_run_resumes(monkeypatch):
    batch = start_batch(drafts(5), inline_limit=0)  # queued, not run
    kill_on_call(monkeypatch, 3)
    with pytest.raises(WorkerKilled):
        process_upload_batch.call(batch.pk)

    # Items 1-2 are stored; item 3's article was rolled back with its item; 4-5 wait.
    assert statuses(batch) == ["stored", "stored", "processing", "pending", "pending"]
    assert Article.objects.count() == 2
    assert progress(batch).done == 2 and not progress(batch).finished

    monkeypatch.undo()
    assert process_upload_batch.call(batch.pk) is True  # the worker restarted
    assert statuses(batch) == ["stored"] * 5
    assert Article.objects.count() == 5
    assert batch.items.get(position=3).attempts == 2
    batch.refresh_from_db()
    assert batch.finished_at is not None


def test_running_a_finished_batch_again_changes_nothing():
    batch = start_batch(drafts(2), inline_limit=20)
    before = list(batch.items.values_list("status", "article_id"))
    assert process_batch(batch.pk) is True
    assert list(batch.items.values_list("status", "article_id")) == before
    assert Article.objects.count() == 2


def test_every_run_first_queues_the_next_one():
    batch = start_batch(drafts(3), inline_limit=0)
    queued = DBTaskResult.objects.filter(task_path=TASK_PATH)
    assert queued.count() == 1  # the first run, queued with the batch

    assert process_batch(batch.pk, time_budget=0) is False  # no time: nothing done
    later = queued.exclude(run_after__gte=timezone.now() + timedelta(days=365))
    assert later.count() == 1  # the follow-up, due in about UPLOAD_TASK_SECONDS
    assert statuses(batch) == ["pending"] * 3


def test_an_item_that_keeps_failing_is_refused_after_a_few_attempts(monkeypatch):
    real = batches.ingest_article

    def ingest(draft, **kwargs):
        if draft.label == "item-2":
            raise RuntimeError("annotator out of memory")
        return real(draft, **kwargs)

    monkeypatch.setattr(batches, "ingest_article", ingest)
    batch = start_batch(drafts(3), inline_limit=20)
    item = batch.items.get(position=2)
    assert statuses(batch) == ["stored", "refused", "stored"]
    assert item.attempts == MAX_ATTEMPTS + 1
    assert f"بعد {MAX_ATTEMPTS} محاولات" in item.reason
    assert "annotator out of memory" in item.reason


def test_an_item_whose_processing_keeps_killing_the_worker_is_refused(monkeypatch):
    batch = start_batch(drafts(2), inline_limit=0)
    for _ in range(MAX_ATTEMPTS):
        kill_on_call(monkeypatch, 1)
        with pytest.raises(WorkerKilled):
            process_batch(batch.pk)
        monkeypatch.undo()
    process_batch(batch.pk)
    first, second = batch.items.all()
    assert first.status == "refused" and "توقّف العامل" in first.reason
    assert second.status == "stored"


@pytest.mark.django_db(transaction=True)
def test_an_item_held_by_a_live_processor_is_not_taken_over():
    batch = start_batch(drafts(2), inline_limit=0)
    first = batch.items.get(position=1)
    first.status, first.claim = UploadItem.Status.PROCESSING, "someone-else"
    first.save()
    locked, release = threading.Event(), threading.Event()

    def live_processor():
        with transaction.atomic():
            UploadItem.objects.select_for_update().get(pk=first.pk)
            locked.set()
            release.wait(10)
        connection.close()

    thread = threading.Thread(target=live_processor)
    thread.start()
    try:
        assert locked.wait(10)
        claimed = batches._claim_next(batch.pk)
        assert claimed.position == 2  # the locked item is passed over
    finally:
        release.set()
        thread.join()
    # Once its processor is gone (lock released), the abandoned item can be taken over.
    assert batches._claim_next(batch.pk).position == 1


@pytest.mark.django_db(transaction=True)
def test_the_database_worker_resumes_a_batch_after_a_crash(monkeypatch, settings):
    settings.UPLOAD_TASK_SECONDS = 30
    batch = start_batch(drafts(4), inline_limit=0)
    kill_on_call(monkeypatch, 2)

    def run_worker():
        call_command("db_worker", batch=True, reload=False, startup_delay=False, verbosity=0)

    run_worker()  # the run dies at item 2; the worker records the task as failed
    assert statuses(batch) == ["stored", "processing", "pending", "pending"]
    assert DBTaskResult.objects.filter(task_path=TASK_PATH, status="FAILED").count() == 1

    # The follow-up run queued before the crash is due later; let that time pass.
    monkeypatch.undo()
    follow_up = DBTaskResult.objects.filter(task_path=TASK_PATH, status="READY")
    assert follow_up.count() == 1
    follow_up.update(run_after=timezone.now())
    run_worker()
    assert statuses(batch) == ["stored"] * 4
    assert Article.objects.count() == 4
    batch.refresh_from_db()
    assert batch.finished_at is not None


def test_draft_fields_survive_the_database_round_trip():
    published = timezone.now().replace(microsecond=0)
    draft = ArticleDraft(
        title="عنوان\x00", body="نص", source="وكالة", published_at=published, url="https://x.org"
    )
    data = batches.draft_to_json(draft)
    again = batches.draft_from_json(data, "label")
    assert again.title == "عنوان" and again.published_at == published
    assert (again.source, again.url, again.label) == ("وكالة", "https://x.org", "label")
