"""The import and scale benchmarks run end to end on a tiny corpus (their figures are not
checked: they are benchmarks; what they print and what they leave in the database is)."""

from __future__ import annotations

import gzip
import json
import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from newsroom import nlp
from newsroom.articles.models import Article
from newsroom.entities.models import ArticleEntity, Entity, Mention

pytestmark = pytest.mark.django_db

PLACES = ["بغداد", "الكويت", "طهران", "أربيل", "دمشق", "بيروت"]


@pytest.fixture
def corpus(tmp_path):
    path = tmp_path / "corpus.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as out:
        for n in range(12):
            a, b = PLACES[n % 6], PLACES[(n + 2) % 6]
            record = {
                "title": f"نشرة رقم {n} من {a}",
                "body": f"وصل وفد من {b} إلى {a}.\nوقال قاسم سليماني إن العراق والولايات "
                f"المتحدة تفاوضتا في الجولة {n}.",
                "source": "نشرة",
                "published": f"2020-03-{1 + n:02d}T09:00:00+03:00",
                "url": f"https://example.org/{n}",
            }
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path


def run(name: str, *args: str) -> str:
    out = StringIO()
    call_command(name, *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_annotate_many_is_annotate_of_each(seed_text):
    texts = [seed_text, "", "زار الوفد بغداد ثم الكويت.", seed_text[:200]]
    assert nlp.annotate_many(texts) == [nlp.annotate(t) for t in texts]


# --flush truncates, which PostgreSQL refuses inside a test's transaction with pending checks.
@pytest.mark.django_db(transaction=True)
def test_benchmark_import_prints_the_rate_and_the_database_size(corpus):
    out = run("benchmark_import", "--corpus", str(corpus), "--jobs", "1", "--batch-size", "5")
    assert "stored 12, duplicates 0, refused 0, annotation failed 0" in out
    assert re.search(r"database size [\d,.]+ MiB", out)
    assert re.search(r"^12 articles in [\d.]+ s: [\d.]+ articles/s end to end", out, re.M)
    assert Article.objects.count() == 12
    assert Mention.objects.filter(entity__name="بغداد").exists()
    with pytest.raises(CommandError, match="already holds articles"):
        run("benchmark_import", "--corpus", str(corpus))
    out = run("benchmark_import", "--corpus", str(corpus), "--flush", "--articles", "4")
    assert "stored 4," in out
    assert Article.objects.count() == 4


def test_benchmark_scale_repeats_the_corpus_and_drop_removes_it(corpus):
    run("benchmark_import", "--corpus", str(corpus), "--jobs", "1")
    articles, mentions = Article.objects.count(), Mention.objects.count()
    counts = dict(Entity.objects.values_list("pk", "article_count"))
    out = run("benchmark_scale", "--copies", "2", "--repeat", "2", "--warmup", "0")
    rows = [line.split() for line in out.splitlines() if re.match(r"^\s+\d+\s+\d+\s+\d+", line)]
    assert [row[:3] for row in rows] == [
        [str(c), str(articles * (c + 1)), str(mentions * (c + 1))] for c in range(3)
    ]
    assert "growth of the median" in out and "appearance_newest_idx" in out
    # every copy is whole: mentions, appearances, counts and dates a corpus span apart
    assert Article.objects.count() == 3 * articles
    assert (
        ArticleEntity.objects.count()
        == 3 * ArticleEntity.objects.exclude(article__content_hash__startswith="copy").count()
    )
    for pk, n in counts.items():
        assert Entity.objects.get(pk=pk).article_count == 3 * n
    original = Article.objects.exclude(content_hash__startswith="copy").get(
        url="https://example.org/0"
    )
    copy = Article.objects.get(url="https://example.org/0", content_hash__startswith="copy1:")
    assert (original.published_at - copy.published_at).days == 12  # the corpus spans 12 days
    assert copy.title == original.title
    assert list(copy.mentions.values_list("entity", "start")) == list(
        original.mentions.values_list("entity", "start")
    )
    # the copies are searchable like the originals
    assert (
        Article.objects.filter(search_vector="بغداد").count()
        == 3
        * Article.objects.filter(search_vector="بغداد")
        .exclude(content_hash__startswith="copy")
        .count()
    )

    out = run("benchmark_scale", "--drop")
    assert f"removed {2 * articles} copied articles" in out
    assert Article.objects.count() == articles and Mention.objects.count() == mentions
    assert dict(Entity.objects.values_list("pk", "article_count")) == counts
