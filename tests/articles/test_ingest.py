from __future__ import annotations

import pytest

from newsroom.articles import ingest
from newsroom.articles.ingest import ArticleDraft, Outcome, ingest_article
from newsroom.articles.models import Article
from newsroom.entities.models import Entity, Mention

pytestmark = pytest.mark.django_db


def test_it_stores_and_annotates_the_seed_article(seed_article):
    assert seed_article.status == Article.Status.ANNOTATED
    assert seed_article.annotator_version
    assert seed_article.source.name == "أرشيف نيوزروم"
    names = set(
        Entity.objects.filter(mentions__article=seed_article).values_list("name", flat=True)
    )
    assert {"بغداد", "العراق", "الولايات المتحدة", "الكويت"} <= names


def test_it_reports_a_duplicate_of_the_same_text_with_other_diacritics(make_article):
    first = make_article(title="زيارة إلى بغداد", body="وصل الوفد إلى بغداد صباح اليوم.")
    again = make_article(title="زيارةٌ إلى بغدادَ", body="وصـــل الوفد إلى  بغداد صباح اليوم.\r\n")
    assert first.outcome is Outcome.STORED
    assert again.outcome is Outcome.DUPLICATE
    assert again.article == first.article
    assert Article.objects.count() == 1


@pytest.mark.parametrize(
    ("title", "body", "reason"),
    [
        ("", "نص", "العنوان فارغ"),
        ("   \n ", "نص", "العنوان فارغ"),
        ("عنوان", "  \n\n ", "نص المقال فارغ"),
        ("عنوان", "ب" * 200_001, "أطول من الحد"),
    ],
)
def test_it_refuses_invalid_drafts_with_a_reason(title, body, reason):
    result = ingest_article(ArticleDraft(title=title, body=body, label="عنصر"))
    assert result.outcome is Outcome.REFUSED
    assert reason in result.reason
    assert result.label == "عنصر"
    assert not Article.objects.exists()


def test_it_refuses_a_url_that_is_not_http(make_article):
    result = make_article(url="javascript:alert(1)")
    assert result.outcome is Outcome.REFUSED
    assert "الرابط" in result.reason


def test_it_cleans_control_characters_and_line_endings(make_article):
    article = make_article(title="عنوان\x00 المقال", body="سطر أول\r\n\r\nسطر\x07 ثان").article
    assert article.title == "عنوان المقال"
    assert article.body == "سطر أول\nسطر ثان"


def test_a_recogniser_error_keeps_the_article_marked_failed(make_article):
    def broken(text):
        raise RuntimeError("model exploded")

    result = ingest_article(ArticleDraft(title="عنوان", body="بغداد والكويت"), annotator=broken)
    assert result.outcome is Outcome.STORED
    result.article.refresh_from_db()
    assert result.article.status == Article.Status.FAILED
    assert "model exploded" in result.article.annotation_error
    assert not Mention.objects.exists()


def test_a_failure_half_way_through_linking_leaves_no_mentions(monkeypatch):
    real_link = ingest.link_articles

    def link_then_fail(items, **kwargs):
        real_link(items, **kwargs)
        assert Mention.objects.filter(article__in=[a for a, _ in items]).exists()
        raise RuntimeError("database went away")

    monkeypatch.setattr(ingest, "link_articles", link_then_fail)
    result = ingest_article(ArticleDraft(title="عنوان", body="زار الوفد بغداد ثم الكويت."))
    assert result.article.status == Article.Status.FAILED
    assert not Mention.objects.exists()
    assert not Entity.objects.filter(mentions__isnull=False).exists()


def test_a_storage_failure_stores_nothing(monkeypatch):
    def fail(*args, **kwargs):
        raise RuntimeError("disk full")

    # after the row and its mentions are written, before the transaction ends
    monkeypatch.setattr(ingest, "_after_commit", fail)
    with pytest.raises(RuntimeError):
        ingest_article(ArticleDraft(title="عنوان", body="زار الوفد بغداد."))
    assert not Article.objects.exists()


def test_clean_text_drops_bidi_controls_and_invisible_characters():
    dirty = (
        "\u202bزار\u202c الوفد\u200f بغداد\u200b\u2066(UN)\u2069 \ufeffو\u00adالكويت\u061c"
        "\u2028سطر\u00a0\u2003ثان"
    )
    assert ingest.clean_text(dirty) == "زار الوفد بغداد(UN) والكويت\nسطر ثان"


def test_clean_text_keeps_joiners_and_normalises_to_nfc():
    # ZWNJ/ZWJ change how Arabic-script letters join; alef + combining maddah composes to آ.
    assert ingest.clean_text("می\u200cخواهم") == "می\u200cخواهم"
    assert ingest.clean_text("ا\u0653لاف") == "آلاف"


def test_mention_offsets_index_the_stored_text_after_invisible_characters_are_dropped():
    body = "\u200fوصل\u200b الوفد إلى \u202bبغداد\u202c ثم إلى الكويت\u200e."
    article = ingest_article(ArticleDraft(title="زيارة", body=body)).article
    assert article.body == "وصل الوفد إلى بغداد ثم إلى الكويت."
    mentions = Mention.objects.filter(article=article, field="body")
    assert {article.body[m.start : m.end] for m in mentions} >= {"بغداد", "الكويت"}
