from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import datetime, timedelta

import pytest
from django.urls import reverse

from newsroom.articles.models import Article
from newsroom.entities.models import Entity
from newsroom.nlp.resolve import name_key

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def _entity(name: str, kind: str) -> Entity:
    return Entity.objects.get(kind=kind, key=name_key(kind, name))


def _feed(client, entity: Entity) -> ET.Element:
    response = client.get(reverse("reader:entity_feed", args=[entity.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    return ET.fromstring(response.content)


def test_the_feed_is_an_arabic_atom_feed_of_the_entity(client, demo):
    kuwait = _entity("الكويت", "LOC")
    feed = _feed(client, kuwait)
    assert feed.tag == f"{ATOM}feed"
    assert feed.get(XML_LANG) == "ar"
    assert "الكويت" in feed.findtext(f"{ATOM}title")
    links = {link.get("rel"): link.get("href") for link in feed.findall(f"{ATOM}link")}
    assert links["alternate"] == f"http://testserver{kuwait.get_absolute_url()}"
    assert links["self"] == f"http://testserver/entities/{kuwait.pk}/feed/"


def test_entries_are_the_articles_mentioning_it_newest_first(client, demo):
    soleimani = _entity("قاسم سليماني", "PERS")
    entries = _feed(client, soleimani).findall(f"{ATOM}entry")
    expected = list(Article.objects.mentioning(soleimani).newest_first())
    assert len(entries) == len(expected) == soleimani.article_count
    for entry, article in zip(entries, expected, strict=True):
        assert entry.findtext(f"{ATOM}title") == article.title
        link = entry.find(f"{ATOM}link").get("href")
        assert link == f"http://testserver{article.get_absolute_url()}"
        published = datetime.fromisoformat(entry.findtext(f"{ATOM}published"))
        assert published == article.published_at
        assert entry.findtext(f"{ATOM}updated")
        assert entry.findtext(f"{ATOM}author/{ATOM}name") == article.source.name


def test_each_entry_quotes_the_sentences_that_mention_it(client, make_article):
    article = make_article(
        title="زيارة إلى بغداد",
        body="جملة أولى لا ذكر فيها لأحد.\nوصل الوفد إلى بغداد صباحاً. ثم غادر.\n"
        "وفي بغداد اجتماع آخر.",
    ).article
    baghdad = _entity("بغداد", "LOC")
    entry = _feed(client, baghdad).find(f"{ATOM}entry")
    summary = entry.find(f"{ATOM}summary")
    assert summary.get("type") == "html"
    html = summary.text
    assert html.count("<mark>بغداد</mark>") == 3
    assert html.index("زيارة إلى") < html.index("وصل الوفد") < html.index("وفي ")
    assert "جملة أولى" not in html
    assert "ثم غادر" not in html
    assert article.title in entry.findtext(f"{ATOM}title")


def test_article_text_is_escaped_in_the_summary(client, make_article):
    make_article(title="خبر", body="<b>عاجل</b> من بغداد & ما حولها.")
    summary = _feed(client, _entity("بغداد", "LOC")).find(f"{ATOM}entry/{ATOM}summary").text
    assert "<b>" not in summary
    assert "&lt;b&gt;عاجل&lt;/b&gt;" in summary
    assert "&amp; ما حولها" in summary


def test_the_feed_holds_the_50_newest_in_a_fixed_number_of_queries(
    client, make_article, django_assert_max_num_queries
):
    start = datetime.fromisoformat("2022-05-01T08:00:00+03:00")
    for i in range(55):
        make_article(body=f"خبر رقم {i} من طهران.", published_at=start + timedelta(hours=i))
    tehran = _entity("طهران", "LOC")
    with django_assert_max_num_queries(3):
        entries = _feed(client, tehran).findall(f"{ATOM}entry")
    assert len(entries) == 50
    published = [datetime.fromisoformat(e.findtext(f"{ATOM}published")) for e in entries]
    assert published[0] == start + timedelta(hours=54)
    assert published == sorted(published, reverse=True)


def test_a_missing_entity_has_no_feed(client, db):
    assert client.get(reverse("reader:entity_feed", args=[999999])).status_code == 404
