"""Bulk import: drafts annotated in worker processes while this process stores them in batches.

Annotation is CPU work without the database (``ingest.prepare``), so it runs on every core;
storing (``ingest.store``) takes a batch per transaction with a fixed number of queries. Results
come back in input order. A batch is whole or absent: a failure in the middle of one rolls it
back, and running the same import again stores the rest and counts the others as duplicates.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import signal
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from itertools import islice

from newsroom import nlp
from newsroom.articles.ingest import (
    ArticleDraft,
    IngestResult,
    Prepared,
    prepare_all,
    store,
)

Item = ArticleDraft | IngestResult  # an IngestResult (a refusal while parsing) passes through

# Articles per transaction, and per call of the recogniser (the tagger batches their sentences).
BATCH_SIZE = 128


def default_jobs() -> int:
    """Annotating processes: one per core this process may use."""
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1)


def ingest_stream(
    items: Iterable[Item], *, jobs: int = 1, batch_size: int = BATCH_SIZE
) -> Iterator[IngestResult]:
    """Ingest drafts in batches of ``batch_size``; with ``jobs`` > 1 a pool of processes
    annotates the next batches while this one stores. Yields one result per item, in order."""
    chunks = _chunks(items, batch_size)
    if jobs <= 1:
        for chunk in chunks:
            yield from _store(chunk, prepare_all(_drafts(chunk)))
        return
    # Forked workers never touch the database: they inherit this process's connections but do
    # not use or close them (a pool worker leaves through os._exit).
    nlp.check_backend()  # a backend that cannot run fails here, not in every worker
    # The recogniser's model is loaded here once, and the workers share its memory.
    nlp.annotate("تحميل")
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(jobs, mp_context=context, initializer=_start_worker) as pool:
        pending: deque[tuple[list[Item], Future[list[Prepared]]]] = deque()
        try:
            for chunk in chunks:
                pending.append((chunk, pool.submit(prepare_all, _drafts(chunk))))
                if len(pending) > 2 * jobs:
                    chunk, future = pending.popleft()
                    yield from _store(chunk, future.result())
            while pending:
                chunk, future = pending.popleft()
                yield from _store(chunk, future.result())
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)
            raise


def _chunks(items: Iterable[Item], size: int) -> Iterator[list[Item]]:
    it = iter(items)
    while chunk := list(islice(it, max(1, size))):
        yield chunk


def _drafts(chunk: list[Item]) -> list[ArticleDraft]:
    return [item for item in chunk if isinstance(item, ArticleDraft)]


def _store(chunk: list[Item], prepared: list[Prepared]) -> Iterator[IngestResult]:
    stored = iter(store(prepared))
    for item in chunk:
        yield item if isinstance(item, IngestResult) else next(stored)


def _start_worker() -> None:
    # Ctrl-C reaches the whole process group: the importing process handles it for everyone.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # What the worker inherited (Django, the recogniser's model and caches) lives as long as it
    # does: out of the collector's way, the full collections that the many small objects of
    # tagging trigger no longer walk it (annotating took about 15 % less time).
    gc.freeze()
