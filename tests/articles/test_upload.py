from __future__ import annotations

import io
import json
import zipfile
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from newsroom.articles.models import Article, UploadBatch
from newsroom.articles.tasks import process_upload_batch
from tests.articles.conftest import FIXTURES, fixture_upload

pytestmark = pytest.mark.django_db


def report(response) -> dict[str, tuple[str, str]]:
    """label → (status, reason) for every line of the report on the page."""
    return {item.label: (item.status, item.reason) for item in response.context["items"]}


def jsonl(n: int) -> SimpleUploadedFile:
    lines = [
        json.dumps({"title": f"خبر رقم {i}", "body": f"نص الخبر رقم {i}."}, ensure_ascii=False)
        for i in range(1, n + 1)
    ]
    return SimpleUploadedFile("feed.jsonl", "\n".join(lines).encode())


def test_anonymous_users_are_sent_to_the_login_page(client):
    response = client.get(reverse("upload"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_non_staff_users_are_sent_to_the_login_page(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("reader", password="x"))
    assert client.get(reverse("upload")).status_code == 302
    batch = UploadBatch.objects.create(total=0)
    assert client.get(batch.get_absolute_url()).status_code == 302


def test_the_admin_index_links_to_the_upload_page(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("boss", password="x"))
    html = client.get(reverse("admin:index")).content.decode()
    assert reverse("upload") in html


def test_a_pasted_article_is_stored_and_reported(editor_client, editor):
    response = editor_client.post(
        reverse("upload"),
        {"title": "زيارة إلى الكويت", "body": "وصل وزير الخارجية إلى الكويت.", "source": "وكالة"},
        follow=True,
    )
    batch = UploadBatch.objects.get()
    assert response.redirect_chain == [(batch.get_absolute_url(), 302)]
    article = Article.objects.get()
    assert article.source.name == "وكالة"
    assert batch.created_by == editor
    html = response.content.decode()
    assert article.get_absolute_url() in html
    assert "حُفظ 1، مكرر 0، مرفوض 0" in html
    assert 'value="وكالة"' in html  # the next upload's form keeps the source


def test_files_get_one_report_line_each(editor_client):
    files = [
        SimpleUploadedFile("one.txt", "عنوان أول\nنص عن بغداد.".encode()),
        SimpleUploadedFile("bom.txt", "\ufeffعنوان ثان\nنص عن طهران.".encode()),
        SimpleUploadedFile("again.txt", "عنوان أول\nنص عن بغداد.".encode()),
        SimpleUploadedFile("latin1.txt", "caf\xe9\nbody".encode("latin-1")),
        SimpleUploadedFile("empty.txt", "عنوان فقط\n".encode()),
        SimpleUploadedFile("image.png", b"\x89PNG"),
    ]
    response = editor_client.post(reverse("upload"), {"files": files}, follow=True)
    lines = report(response)
    assert [lines[n][0] for n in ["one.txt", "bom.txt", "again.txt"]] == [
        "stored",
        "stored",
        "duplicate",
    ]
    assert "UTF-8" in lines["latin1.txt"][1]
    assert "فارغ" in lines["empty.txt"][1]
    assert "غير مدعوم" in lines["image.png"][1]
    assert set(Article.objects.values_list("title", flat=True)) == {"عنوان أول", "عنوان ثان"}
    html = response.content.decode()
    assert "حُفظ 2، مكرر 1، مرفوض 3" in html
    first = Article.objects.get(title="عنوان أول")
    assert html.count(f'href="{first.get_absolute_url()}"') == 2  # stored, and the duplicate


def test_every_fixture_format_and_encoding_through_the_upload_page(editor_client, settings):
    settings.UPLOAD_INLINE_ITEMS = 100
    # The archive goes last: it repeats two fixtures, which must show as duplicates.
    names = sorted(
        (p.name for p in FIXTURES.iterdir() if p.suffix != ".py"),
        key=lambda n: (n.endswith(".zip"), n),
    )
    response = editor_client.post(
        reverse("upload"), {"files": [fixture_upload(n) for n in names]}, follow=True
    )
    lines = report(response)
    stored = {label for label, (status, _) in lines.items() if status == "stored"}
    assert {
        "article.txt",
        "article-bom.txt",
        "article-utf16.txt",
        "article-cp1256.txt",
        "article-iso8859-6.txt",
        "article.md",
        "article.html",
        "article-cp1256.html",
        "articles.json#1",
        "articles.csv:2",
        "articles.jsonl:1",
    } <= stored
    # The archive repeats fixtures uploaded beside it, and the .gz repeats the .json.
    assert lines["archive.zip/news/article-cp1256.txt"][0] == "duplicate"
    assert lines["feed.jsonl.gz:1"][0] == "duplicate"
    refused = {label: reason for label, (status, reason) in lines.items() if status == "refused"}
    assert set(refused) == {
        "articles.csv:3",  # empty body
        "articles.jsonl:2",  # empty title
        "articles.jsonl:3",  # not JSON
        "archive.zip/articles.jsonl:2",
        "archive.zip/photo.png",
    }
    assert "نص المقال فارغ" in refused["articles.csv:3"]
    assert "العنوان فارغ" in refused["articles.jsonl:2"]
    cp1256 = Article.objects.get(title="مهرجان للكتاب في أربيل يستقبل زواره")
    assert "فعاليات مهرجان الكتاب" in cp1256.body


def test_an_empty_form_says_what_is_missing(editor_client):
    response = editor_client.post(reverse("upload"), {})
    assert "الصق مقالًا" in response.content.decode()
    assert not UploadBatch.objects.exists()


def test_the_upload_needs_a_csrf_token(django_user_model):
    from django.test import Client

    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(django_user_model.objects.create_user("e", password="x", is_staff=True))
    response = csrf_client.post(reverse("upload"), {"title": "t", "body": "b"})
    assert response.status_code == 403


def test_a_file_over_the_size_limit_is_refused_unread(editor_client, settings):
    settings.MAX_UPLOAD_BYTES = 1024
    big = SimpleUploadedFile("big.txt", ("عنوان\n" + "ن" * 1000).encode())
    response = editor_client.post(reverse("upload"), {"files": [big]}, follow=True)
    assert "أكبر من الحد المسموح (1 ك.ب)" in report(response)["big.txt"][1]


def test_a_zip_bomb_upload_is_refused(editor_client):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("huge.jsonl", b" " * (60 * 1024 * 1024))
    bomb = SimpleUploadedFile("bomb.zip", buffer.getvalue())
    assert bomb.size < 100_000
    response = editor_client.post(reverse("upload"), {"files": [bomb]}, follow=True)
    assert "لم يُفتح" in report(response)["bomb.zip"][1]


def test_an_upload_with_too_many_items_stops_with_one_line(editor_client, settings):
    settings.MAX_UPLOAD_ITEMS = 3
    settings.UPLOAD_INLINE_ITEMS = 10
    response = editor_client.post(reverse("upload"), {"files": [jsonl(5)]}, follow=True)
    lines = report(response)
    assert len(lines) == 4 and Article.objects.count() == 3
    assert "3 عناصر على الأكثر" in lines["(بقية الرفع)"][1]


def test_a_large_upload_runs_in_the_background_with_a_progress_bar(editor_client, settings):
    settings.UPLOAD_INLINE_ITEMS = 2
    response = editor_client.post(reverse("upload"), {"files": [jsonl(5)]}, follow=True)
    batch = UploadBatch.objects.get()
    assert batch.background and batch.finished_at is None
    assert not Article.objects.exists()  # queued for the worker
    html = response.content.decode()
    url = batch.get_absolute_url()
    assert '<progress id="upload-progress" max="5" value="0">' in html
    assert f'href="{url}" hx-get="{url}" hx-trigger="every 2s"' in html
    assert '<meta http-equiv="refresh" content="3">' in html  # without JavaScript
    assert "htmx" in html

    process_upload_batch.call(batch.pk)  # what the worker does
    fragment = editor_client.get(url, headers={"HX-Request": "true"})
    text = fragment.content.decode()
    assert "<html" not in text and "hx-get" not in text  # the report replaces the poller
    assert "حُفظ 5، مكرر 0، مرفوض 0" in text
    assert fragment["Vary"] == "HX-Request, Cookie" or "HX-Request" in fragment["Vary"]
    page = editor_client.get(url).content.decode()
    assert "refresh" not in page


def test_the_progress_fragment_counts_items_as_they_are_done(editor_client, settings):
    settings.UPLOAD_INLINE_ITEMS = 0
    editor_client.post(reverse("upload"), {"files": [jsonl(4)]})
    batch = UploadBatch.objects.get()
    item = batch.items.get(position=1)
    item.status = "stored"
    item.save()
    text = editor_client.get(batch.get_absolute_url(), headers={"HX-Request": "true"})
    assert 'max="4" value="1"' in text.content.decode()
    assert "عولج 1 من 4 (25٪)" in text.content.decode()


def test_a_stalled_background_upload_says_to_start_the_worker(editor_client, settings):
    settings.UPLOAD_INLINE_ITEMS = 0
    editor_client.post(reverse("upload"), {"files": [jsonl(2)]})
    batch = UploadBatch.objects.get()
    UploadBatch.objects.update(progressed_at=timezone.now() - timedelta(minutes=5))
    html = editor_client.get(batch.get_absolute_url()).content.decode()
    assert "manage.py db_worker" in html


def test_with_the_immediate_backend_a_large_upload_is_done_before_the_redirect(
    editor_client, settings, immediate_tasks
):
    settings.UPLOAD_INLINE_ITEMS = 1
    response = editor_client.post(reverse("upload"), {"files": [jsonl(3)]}, follow=True)
    assert UploadBatch.objects.get().background
    assert "حُفظ 3، مكرر 0، مرفوض 0" in response.content.decode()


def test_the_upload_page_lists_recent_uploads(editor_client):
    editor_client.post(reverse("upload"), {"title": "عنوان", "body": "نص"})
    batch = UploadBatch.objects.get()
    html = editor_client.get(reverse("upload")).content.decode()
    assert batch.get_absolute_url() in html


def test_an_unknown_batch_is_404(editor_client):
    assert editor_client.get(reverse("upload_batch", args=[999])).status_code == 404
