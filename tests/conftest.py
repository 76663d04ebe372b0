from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from newsroom.articles.ingest import ArticleDraft, IngestResult, ingest_article

ROOT = Path(__file__).resolve().parent.parent
DEMO_DIR = ROOT / "newsroom" / "articles" / "demo"
SEED_PATH = DEMO_DIR / "article-00.txt"

# The seed story's entities that a reader must see highlighted (the product's acceptance list);
# the demo ingest must find every one of them.
SEED_ENTITIES = {
    "بغداد": "LOC",
    "العراق": "LOC",
    "طهران": "LOC",
    "إيران": "LOC",
    "الولايات المتحدة": "LOC",
    "الكويت": "LOC",
    "كتائب حزب الله": "ORG",
    "قاسم سليماني": "PERS",
    "إسماعيل غاني": "PERS",
}

_counter = itertools.count(1)


@pytest.fixture
def seed_text() -> str:
    return SEED_PATH.read_text(encoding="utf-8")


@pytest.fixture
def make_article():
    """Ingest an article through the real write path; keyword overrides change the draft."""

    def make(**overrides) -> IngestResult:
        n = next(_counter)
        fields = {"title": f"مقال تجريبي رقم {n}", "body": f"نص المقال التجريبي رقم {n}."}
        fields.update(overrides)
        return ingest_article(ArticleDraft(**fields))

    return make


@pytest.fixture
def seed_article(make_article, seed_text):
    title, _, body = seed_text.partition("\n")
    return make_article(title=title, body=body, source="أرشيف نيوزروم").article


@pytest.fixture
def demo(db):
    from newsroom.articles.management.commands.load_demo import load_demo

    return list(load_demo())


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Cached page aggregates must not leak from one test's data into another's."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
