from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from newsroom.articles.models import Article

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_client(client, django_user_model):
    user = django_user_model.objects.create_user("editor", password="x", is_staff=True)
    client.force_login(user)
    return client


def test_anonymous_users_are_sent_to_the_login_page(client):
    response = client.get(reverse("upload"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_non_staff_users_are_sent_to_the_login_page(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("reader", password="x"))
    response = client.get(reverse("upload"))
    assert response.status_code == 302


def test_the_admin_index_links_to_the_upload_page(editor_client, django_user_model):
    admin = django_user_model.objects.create_superuser("boss", password="x")
    editor_client.force_login(admin)
    html = editor_client.get(reverse("admin:index")).content.decode()
    assert reverse("upload") in html


def test_a_pasted_article_is_stored(editor_client):
    response = editor_client.post(
        reverse("upload"),
        {"title": "زيارة إلى الكويت", "body": "وصل وزير الخارجية إلى الكويت.", "source": "وكالة"},
    )
    assert response.status_code == 200
    article = Article.objects.get()
    assert article.source.name == "وكالة"
    html = response.content.decode()
    assert article.get_absolute_url() in html
    assert "حُفظ 1، مكرر 0، مرفوض 0" in html


def test_files_get_one_report_line_each(editor_client):
    files = [
        SimpleUploadedFile("one.txt", "عنوان أول\nنص عن بغداد.".encode()),
        SimpleUploadedFile("bom.txt", "\ufeffعنوان ثان\nنص عن طهران.".encode()),
        SimpleUploadedFile("again.txt", "عنوان أول\nنص عن بغداد.".encode()),
        SimpleUploadedFile("latin1.txt", "caf\xe9\nbody".encode("latin-1")),
        SimpleUploadedFile("empty.txt", "عنوان فقط\n".encode()),
        SimpleUploadedFile("image.png", b"\x89PNG"),
    ]
    response = editor_client.post(reverse("upload"), {"files": files})
    assert response.status_code == 200
    results = {r.label: r for r in response.context["results"]}
    assert [results[n].outcome for n in ["one.txt", "bom.txt", "again.txt"]] == [
        "stored",
        "stored",
        "duplicate",
    ]
    assert "UTF-8" in results["latin1.txt"].reason
    assert "فارغ" in results["empty.txt"].reason
    assert "غير مدعوم" in results["image.png"].reason
    assert set(Article.objects.values_list("title", flat=True)) == {"عنوان أول", "عنوان ثان"}
    assert "حُفظ 2، مكرر 1، مرفوض 3" in response.content.decode()


def test_an_empty_form_says_what_is_missing(editor_client):
    response = editor_client.post(reverse("upload"), {})
    assert "الصق مقالًا" in response.content.decode()
    assert not Article.objects.exists()


def test_the_upload_needs_a_csrf_token(django_user_model):
    from django.test import Client

    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(django_user_model.objects.create_user("e", password="x", is_staff=True))
    response = csrf_client.post(reverse("upload"), {"title": "t", "body": "b"})
    assert response.status_code == 403
