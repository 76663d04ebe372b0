"""Read a news corpus in JSON lines (gzip), one article per line, as drafts for ingest.

Fields: title, body, source, published (ISO 8601 with a time zone), url, as in
../shared/corpus. Benchmarks read the corpus where it lies; nothing of it is copied.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from newsroom.articles.ingest import ArticleDraft


def _parse_date(value: object) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


def read_corpus(path: Path, limit: int | None = None) -> Iterator[ArticleDraft]:
    """The first ``limit`` records of a gzipped JSON-lines corpus, as drafts."""
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        count = 0
        for number, line in enumerate(lines, 1):
            if limit is not None and count >= limit:
                return
            if not line.strip():
                continue
            record = json.loads(line)
            count += 1
            yield ArticleDraft(
                title=record.get("title") or "",
                body=record.get("body") or "",
                source=record.get("source") or "",
                published_at=_parse_date(record.get("published")),
                url=record.get("url") or "",
                label=record.get("url") or f"{path.name}:{number}",
            )


def count_records(path: Path, limit: int | None = None) -> int:
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        total = sum(1 for line in lines if line.strip())
    return total if limit is None else min(total, limit)
