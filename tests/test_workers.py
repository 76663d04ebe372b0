"""Several task workers on one queue (docs/deploy.md, "Task workers").

Two real `manage.py db_worker` processes share background uploads, and every uploaded item is
stored exactly once. Which worker gets which task is up to the race between them, so "both did
some of the work" is made certain rather than hoped for: worker A runs alone until it has stored
items; then it is paused (SIGSTOP, as a worker busy with a long item would be) and worker B
starts, so the items of the uploads queued after the pause can only be B's; then A goes on, and
both finish what is left, A's half-done run included.
"""

from __future__ import annotations

import signal
import subprocess
import threading
import time
from collections.abc import Callable

import pytest
from django.db import connection
from django_tasks_db.models import DBTaskResult

from newsroom.articles import batches
from newsroom.articles.batches import start_batch
from newsroom.articles.ingest import ArticleDraft
from newsroom.articles.models import Article, UploadBatch, UploadItem
from tests.processes import start_db_worker, stop, subprocess_env

TASK_PATH = "newsroom.articles.tasks.process_upload_batch"
TIMEOUT = 180  # seconds for each phase; the whole upload takes seconds on an idle machine
FINISHED = [UploadItem.Status.STORED, UploadItem.Status.DUPLICATE, UploadItem.Status.REFUSED]

_numbers = iter(range(1, 1_000_000))


def drafts(n: int) -> list[ArticleDraft]:
    """Texts that are all different and name no one: no two articles share an entity row or a
    content hash, so a paused worker's open transaction holds no lock that another worker's
    ingest would wait for (the same entity's article count, the same text's unique hash)."""
    numbers = [next(_numbers) for _ in range(n)]
    return [
        ArticleDraft(
            title=f"ملاحظة قصيرة رقم {i}",
            body=f"هذا نص تجريبي قصير رقم {i} لا يذكر أحدا، كتب للتجربة فقط.",
            label=f"item-{i}",
        )
        for i in numbers
    ]


def upload(items: int) -> UploadBatch:
    """A background upload: queued for the workers (inline_limit=0), nothing done here."""
    batch = start_batch(drafts(items), inline_limit=0)
    assert batch.background and batch.finished_at is None
    return batch


def finished_items(uploads: list[UploadBatch]) -> int:
    return UploadItem.objects.filter(batch__in=uploads, status__in=FINISHED).count()


def wait_until(condition: Callable[[], bool], what: str, workers: list[subprocess.Popen]) -> None:
    deadline = time.monotonic() + TIMEOUT
    while not condition():
        for worker in workers:
            assert worker.poll() is None, f"a worker exited ({worker.returncode}) before {what}"
        assert time.monotonic() < deadline, f"not within {TIMEOUT} s: {what}"
        time.sleep(0.1)


@pytest.fixture
def db_worker(transactional_db, tmp_path):
    """Start `manage.py db_worker` processes on the test database; all are stopped (and their
    logs printed) at the end, before the test database is emptied.

    A run of an upload works for about UPLOAD_TASK_SECONDS (here 1) and queues the next run
    first, so the two workers also share the items of one upload."""
    env = subprocess_env(UPLOAD_TASK_SECONDS="1")
    started: list[tuple[str, subprocess.Popen]] = []

    def start(worker_id: str) -> subprocess.Popen:
        process = start_db_worker(env, worker_id, tmp_path / f"{worker_id}.log")
        started.append((worker_id, process))
        return process

    yield start
    for _, process in started:
        stop(process)
    for worker_id, _ in started:
        print(f"--- {worker_id}\n" + (tmp_path / f"{worker_id}.log").read_text())


def test_two_workers_share_the_uploads_and_store_every_item_exactly_once(db_worker):
    # Phase 1: A alone; whatever is stored now, A stored.
    a = db_worker("worker-a")
    first = [upload(30)]
    wait_until(lambda: finished_items(first) > 0, "worker A stores an item", [a])

    # Phase 2: A paused (whatever it holds stays locked), B started; the items of uploads
    # queued now can only be stored by B, and a stuck worker must not hold B up.
    a.send_signal(signal.SIGSTOP)
    try:
        b = db_worker("worker-b")
        second = [upload(20), upload(20)]
        wait_until(lambda: finished_items(second) > 0, "worker B stores an item", [b])
    finally:
        a.send_signal(signal.SIGCONT)

    # Phase 3: both work until every upload is finished.
    ids = [batch.pk for batch in first + second]
    wait_until(
        lambda: not UploadBatch.objects.filter(pk__in=ids, finished_at__isnull=True).exists(),
        "every upload is finished",
        [a, b],
    )
    stop(a)
    stop(b)

    # Exactly once: each item stored (an item ingested twice would end "duplicate"), each with an
    # article of its own, no article more or fewer than items, and every draft consumed.
    items = UploadItem.objects.filter(batch_id__in=ids)
    assert items.count() == 70
    assert set(items.values_list("status", flat=True)) == {UploadItem.Status.STORED}
    article_ids = list(items.values_list("article_id", flat=True))
    assert None not in article_ids and len(set(article_ids)) == 70
    assert Article.objects.count() == 70
    assert set(Article.objects.values_list("title", flat=True)) == {
        "ملاحظة قصيرة رقم " + label.removeprefix("item-")
        for label in items.values_list("label", flat=True)
    }
    assert not items.exclude(draft={}).exists()

    # Both workers ran upload tasks, none failed; each task result names the worker that ran it.
    runs = DBTaskResult.objects.filter(task_path=TASK_PATH)
    assert not runs.filter(status="FAILED").exists()
    ran = runs.filter(status="SUCCESSFUL").values_list("worker_ids", flat=True)
    assert {worker for ids in ran for worker in ids} == {"worker-a", "worker-b"}


@pytest.mark.django_db(transaction=True)
def test_a_second_processor_stores_the_next_item_while_the_first_is_still_ingesting(
    monkeypatch,
):
    """Two processors of one upload (two workers' runs overlapping): while the first is still
    ingesting item 1, the second claims item 2 and stores it."""
    batch = start_batch(drafts(2), inline_limit=0)
    first_label = batch.items.get(position=1).label
    inside, release = threading.Event(), threading.Event()
    real = batches.ingest_article

    def ingest(draft, **kwargs):
        if draft.label == first_label:
            inside.set()
            release.wait(30)
        return real(draft, **kwargs)

    monkeypatch.setattr(batches, "ingest_article", ingest)

    def first_processor():
        try:
            item = batches._claim_next(batch.pk)
            batches._process(item)
        finally:
            connection.close()

    thread = threading.Thread(target=first_processor)
    thread.start()
    try:
        assert inside.wait(30)
        second = batches._claim_next(batch.pk)
        assert second.position == 2  # item 1 is locked by the first processor
        batches._process(second)
        second.refresh_from_db()
    finally:
        release.set()
        thread.join()
    assert second.status == UploadItem.Status.STORED and second.article_id is not None
    assert batch.items.get(position=1).status == UploadItem.Status.STORED
