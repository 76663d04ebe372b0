from __future__ import annotations

import gzip
import json
import shutil

import pytest
from django.core.management import CommandError, call_command

from newsroom.articles.models import Article
from tests.articles.conftest import FIXTURES

pytestmark = pytest.mark.django_db


def run(*args: str) -> tuple[str, str]:
    from io import StringIO

    out, err = StringIO(), StringIO()
    call_command("import_articles", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_it_imports_files_folders_jsonl_gz_and_zip_and_ends_with_a_summary(tmp_path):
    folder = tmp_path / "batch"
    (folder / "deeper").mkdir(parents=True)
    shutil.copy(FIXTURES / "article.txt", folder / "deeper" / "a.txt")
    shutil.copy(FIXTURES / "article-cp1256.txt", folder / "b.txt")
    (folder / ".hidden.txt").write_text("عنوان مخفي\nلا يُستورد.", encoding="utf-8")
    out, err = run(
        str(folder),
        str(FIXTURES / "articles.jsonl"),
        str(FIXTURES / "feed.jsonl.gz"),
        str(FIXTURES / "archive.zip"),
        "--source",
        "أرشيف",
    )
    lines = out.strip().splitlines()
    # folder: 2 stored; jsonl: 2 stored, 2 refused; gz: 2 stored; zip: cp1256 duplicate of
    # b.txt, md stored, jsonl:1 duplicate, jsonl:2 and png refused.
    assert lines[-1] == "stored 7, duplicates 2, refused 4"
    assert "refused articles.jsonl:3: JSON غير صالح" in err
    assert "refused archive.zip/photo.png: نوع الملف غير مدعوم" in err
    # the archive passes after the import, their figures beside the places linked
    assert "places linked " in err and "; archive recall: " in err
    assert not Article.objects.filter(title="عنوان مخفي").exists()
    assert Article.objects.get(title__startswith="افتتاح محطة").source.name == "أرشيف"
    assert Article.objects.get(title__startswith="سباق").source.name == "أرشيف"
    # A record's own source wins over --source.
    assert Article.objects.get(title__startswith="انطلاق موسم").source.name == "وكالة الحقول"


def test_importing_again_finds_only_duplicates():
    run(str(FIXTURES / "articles.json"))
    out, _ = run(str(FIXTURES / "articles.json"))
    assert out.strip() == "stored 0, duplicates 2, refused 0"


def test_a_large_jsonl_gz_is_streamed(tmp_path):
    path = tmp_path / "feed.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as feed:
        for n in range(60):
            record = {"title": f"خبر رقم {n}", "body": f"نص الخبر رقم {n} عن البصرة."}
            feed.write(json.dumps(record, ensure_ascii=False) + "\n")
    out, _ = run(str(path))
    assert out.strip() == "stored 60, duplicates 0, refused 0"


def test_the_progress_bar_counts_every_item(tmp_path):
    out, err = run(str(FIXTURES / "articles.csv"), "--progress")
    assert "3/3" in err and "100%" in err
    assert "refused articles.csv:3: نص المقال فارغ" in err
    assert out.strip().splitlines()[-1] == "stored 2, duplicates 0, refused 1"


def test_no_progress_bar_when_not_on_a_terminal():
    _, err = run(str(FIXTURES / "article.txt"))
    assert "%" not in err


def test_a_missing_path_is_an_error_before_anything_is_imported(tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        run(str(FIXTURES / "article.txt"), str(tmp_path / "missing.jsonl"))
    assert not Article.objects.exists()


def test_an_interrupted_import_keeps_what_it_stored_and_says_how_far_it_got(monkeypatch):
    from newsroom.articles import bulk

    real, calls = bulk.prepare_all, []

    def prepare_all(drafts):
        calls.append(drafts)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real(drafts)

    monkeypatch.setattr(bulk, "prepare_all", prepare_all)
    with pytest.raises(CommandError, match="stored 1, duplicates 0, refused 0") as error:
        run(str(FIXTURES / "articles.json"), "--jobs", "1", "--batch-size", "1")
    assert error.value.returncode == 130
    assert Article.objects.count() == 1
