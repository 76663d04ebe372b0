"""The admin in Arabic: no English on its index, one articles section, the upload form's
date and files explained in Arabic."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse
from django.utils import timezone

pytestmark = pytest.mark.django_db

# Latin words that are names, not interface text: the user's name and file formats.
ALLOWED_LATIN = {"editor", "boss", "HTML", "JSON", "CSV", "zip"}


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.words: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        for name, value in attrs:
            if name in ("title", "aria-label", "placeholder", "alt") and value:
                self.words.append(value)

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.words.append(data)


def visible_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join(parser.words)


@pytest.fixture
def boss(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("boss", password="x"))
    return client


def test_the_admin_index_has_no_english(boss):
    html = boss.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    latin = set(re.findall(r"[A-Za-z]{2,}", visible_text(html))) - ALLOWED_LATIN
    assert not latin, latin
    assert "مهام الخلفية" in html and "نتائج المهام" in html


def test_the_admin_index_has_one_articles_section(boss):
    html = boss.get(reverse("admin:index")).content.decode()
    captions = [c.strip() for c in re.findall(r"<caption>(.*?)</caption>", html, re.S)]
    sections = [re.sub(r"<[^>]+>", "", c).strip() for c in captions]
    assert sections.count("المقالات") == 1, sections
    assert reverse("upload") in html


def test_the_upload_form_explains_its_date_and_files_in_arabic(boss):
    html = boss.get(reverse("upload")).content.decode()
    field = re.search(r'<input[^>]*name="published_at"[^>]*>', html)[0]
    # a text field with the expected format shown in Arabic, not the browser's date picker
    assert 'type="text"' in field and 'dir="ltr"' in field
    assert "سنة-شهر-يوم" in html and "2026-11-30 14:30" in html
    assert "اختر ملفات…" in html and "لم يُختر ملف" in html
    assert '<bdi class="code" dir="ltr">ISO-8859-6</bdi>' in html
    assert 'src="/static/articles/upload.js"' in html


@pytest.mark.parametrize("value", ["2020-03-31", "2020-03-31 14:30", "2020-03-31T14:30"])
def test_the_upload_form_reads_the_date_it_asks_for(boss, value):
    from newsroom.articles.models import Article

    boss.post(reverse("upload"), {"title": "خبر", "body": "نص الخبر.", "published_at": value})
    published = timezone.localtime(Article.objects.get().published_at)
    assert (published.year, published.month, published.day) == (2020, 3, 31)


def test_a_date_in_another_format_is_refused_in_arabic(boss):
    response = boss.post(
        reverse("upload"), {"title": "خبر", "body": "نص.", "published_at": "31/03/2020"}
    )
    assert "اكتب التاريخ بالصيغة سنة-شهر-يوم" in response.content.decode()


def test_every_page_names_its_icon_and_favicon_ico_leads_to_it(client, boss):
    icon = "/static/img/favicon.svg"
    assert finders.find("img/favicon.svg")
    for url in (reverse("reader:article_list"), reverse("admin:index")):
        assert (
            f'<link rel="icon" href="{icon}" type="image/svg+xml">'
            in boss.get(url).content.decode()
        )
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"] == icon
