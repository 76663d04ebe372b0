from __future__ import annotations

import pytest
from django.urls import reverse

from newsroom.entities import curation
from newsroom.entities.models import Alias, CurationLog, Entity, LinkRule, Mention
from newsroom.nlp import entity_key
from tests.entities.conftest import entity

pytestmark = pytest.mark.django_db


def _article(demo, label: str):
    return next(r.article for r in demo if r.label == label)


def _html(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_merge_moves_aliases_and_mentions_and_redirects_the_old_page(client, demo, editor):
    ghani, qaani = entity("إسماعيل غاني", "PERS"), entity("إسماعيل قاآني", "PERS")
    old_url, qaani_articles = qaani.get_absolute_url(), qaani.article_count
    visit = _article(demo, "article-12.txt")

    survivor = curation.merge_entities(survivor=ghani, others=[qaani], user=editor)

    assert not Entity.objects.filter(pk=qaani.pk).exists()
    assert {"إسماعيل غاني", "إسماعيل قاآني", "قاآني"} <= set(
        survivor.aliases.values_list("text", flat=True)
    )
    assert survivor.article_count == ghani.article_count + qaani_articles
    assert not Mention.objects.filter(entity_id=qaani.pk).exists()

    response = client.get(old_url)
    assert response.status_code == 301
    assert response["Location"] == survivor.get_absolute_url()
    # The article page links its highlights to the survivor, and the survivor lists it.
    html = _html(client, visit.get_absolute_url())
    assert f'href="{survivor.get_absolute_url()}"' in html
    assert f'href="{old_url}"' not in html
    assert visit.get_absolute_url() in _html(client, survivor.get_absolute_url())

    log = CurationLog.objects.get()
    assert (log.action, log.user, log.entity) == ("merge", editor, survivor)
    assert log.details["merged"][0]["name"] == "إسماعيل قاآني"
    assert log.details["username"] == "curator"


def test_a_merged_name_in_a_new_article_links_to_the_survivor(make_article, editor):
    make_article(title="خبر", body="التقى إسماعيل غاني وزير الخارجية.")
    make_article(title="خبر آخر", body="وصل إسماعيل قاآني إلى بغداد.")
    ghani, qaani = entity("إسماعيل غاني", "PERS"), entity("إسماعيل قاآني", "PERS")
    curation.merge_entities(survivor=ghani, others=[qaani], user=editor)

    article = make_article(title="ثالث", body="قال إسماعيل قاآني إن الزيارة ناجحة.").article

    assert {m.entity_id for m in article.mentions.filter(alias__text="إسماعيل قاآني")} == {ghani.pk}
    assert not Entity.objects.filter(key=entity_key("إسماعيل قاآني")).exists()
    ghani.refresh_from_db()
    assert ghani.article_count == 3


def test_an_entity_merged_twice_redirects_to_the_last_survivor(client, make_article, editor):
    make_article(title="أ", body="زار إسماعيل غاني بغداد.")
    make_article(title="ب", body="زار إسماعيل قاآني بغداد.")
    make_article(title="ج", body="زار إسماعيل قآني بغداد.")
    first, second, third = (
        entity(n, "PERS") for n in ("إسماعيل غاني", "إسماعيل قاآني", "إسماعيل قآني")
    )
    curation.merge_entities(survivor=second, others=[third], user=editor)
    curation.merge_entities(survivor=first, others=[second], user=editor)
    for old in (second, third):
        response = client.get(reverse("reader:entity", args=[old.pk]))
        assert response.status_code == 301
        assert response["Location"] == first.get_absolute_url()
    assert curation.redirect_target(third.pk) == first
    assert curation.redirect_target(first.pk) is None


def test_merging_needs_another_entity(make_article, editor):
    make_article(title="أ", body="زار إسماعيل غاني بغداد.")
    ghani = entity("إسماعيل غاني", "PERS")
    with pytest.raises(curation.CurationError):
        curation.merge_entities(survivor=ghani, others=[ghani], user=editor)
    assert not CurationLog.objects.exists()


def test_an_alias_both_entities_had_is_kept_once(make_article, editor):
    make_article(title="أ", body="زار إسماعيل غاني بغداد.")
    make_article(title="ب", body="زار إسماعيل قاآني بغداد.")
    ghani, qaani = entity("إسماعيل غاني", "PERS"), entity("إسماعيل قاآني", "PERS")
    Alias.objects.create(entity=qaani, text="إسماعيل غاني", key=entity_key("إسماعيل غاني"))
    curation.merge_entities(survivor=ghani, others=[qaani], user=editor)
    assert ghani.aliases.filter(text="إسماعيل غاني").count() == 1


def test_rename_changes_the_pages_and_keeps_the_entity_found_by_its_key(
    client, make_article, editor
):
    first = make_article(title="أ", body="زار إسماعيل غاني بغداد.").article
    ghani = entity("إسماعيل غاني", "PERS")
    curation.rename_entity(entity=ghani, name="  إسماعيل   قاآني ", user=editor)

    ghani.refresh_from_db()
    assert ghani.name == "إسماعيل قاآني"
    assert "إسماعيل قاآني" in _html(client, ghani.get_absolute_url())
    second = make_article(title="ب", body="عاد إسماعيل غاني إلى طهران.").article
    assert second.mentions.filter(entity=ghani).exists()
    assert first.mentions.filter(entity=ghani).exists()
    log = CurationLog.objects.get()
    assert (log.action, log.details["old"], log.details["new"]) == (
        "rename",
        "إسماعيل غاني",
        "إسماعيل قاآني",
    )


def test_an_empty_name_is_refused(make_article, editor):
    make_article(title="أ", body="زار إسماعيل غاني بغداد.")
    with pytest.raises(curation.CurationError):
        curation.rename_entity(entity=entity("إسماعيل غاني", "PERS"), name="  ", user=editor)


def test_change_kind_keeps_names_of_the_old_kind_linked(make_article, editor):
    make_article(title="أ", body="قال البيت الأبيض إن الرئيس سيرد.")
    house = entity("البيت الأبيض", "ORG")
    curation.change_kind(entity=house, kind="LOC", user=editor)

    article = make_article(title="ب", body="اجتماع في البيت الأبيض اليوم.").article
    house.refresh_from_db()
    assert house.kind == "LOC"
    assert article.mentions.filter(entity=house).exists()
    assert not Entity.objects.filter(kind="ORG", key=house.key).exists()
    assert house.article_count == 2
    assert CurationLog.objects.get().details == {
        "entity": house.pk,
        "old": "ORG",
        "new": "LOC",
        "username": "curator",
    }


def test_change_kind_refuses_to_collide_with_another_entity(make_article, editor):
    make_article(title="أ", body="وصل الوفد إلى الكويت.")
    kuwait = entity("الكويت", "LOC")
    Entity.objects.create(kind="ORG", key=kuwait.key, name="الكويت")
    with pytest.raises(curation.CurationError, match="ادمج"):
        curation.change_kind(entity=kuwait, kind="ORG", user=editor)


def test_split_makes_a_spelling_an_entity_of_its_own(client, demo, editor):
    ghani, qaani = entity("إسماعيل غاني", "PERS"), entity("إسماعيل قاآني", "PERS")
    survivor = curation.merge_entities(survivor=ghani, others=[qaani], user=editor)
    visit = _article(demo, "article-12.txt")
    alone = survivor.aliases.get(text="قاآني")
    moved = Mention.objects.filter(alias=alone).count()
    assert moved

    new = curation.split_alias(alias=alone, user=editor)

    assert (new.kind, new.name, new.key) == ("PERS", "قاآني", entity_key("قاآني"))
    assert set(new.aliases.values_list("text", flat=True)) == {"قاآني"}
    assert new.mentions.count() == moved
    assert new.article_count == 1
    survivor.refresh_from_db()
    assert not survivor.aliases.filter(text="قاآني").exists()
    assert survivor.mentions.filter(article=visit).exists()  # still named in full there
    html = _html(client, visit.get_absolute_url())
    assert f'href="{new.get_absolute_url()}"' in html
    assert f'href="{survivor.get_absolute_url()}"' in html
    assert visit.get_absolute_url() in _html(client, new.get_absolute_url())
    log = CurationLog.objects.filter(action="split").get()
    assert log.entity == new
    assert log.details["from"]["id"] == survivor.pk


def test_split_takes_the_spelling_from_every_entity_into_an_existing_one(make_article, editor):
    make_article(title="أ", body="قال سليماني إن القوات جاهزة.")
    make_article(title="ب", body="قُتل قاسم سليماني في بغداد. وكان سليماني قائدًا.")
    alone, full = entity("سليماني", "PERS"), entity("قاسم سليماني", "PERS")
    joined = full.aliases.get(text="سليماني")

    target = curation.split_alias(alias=joined, user=editor)

    assert target == alone
    assert not full.aliases.filter(text="سليماني").exists()
    alone.refresh_from_db()
    assert alone.article_count == 2
    assert LinkRule.objects.get(match="spelling").entity == alone


def test_the_entity_own_spelling_cannot_be_split_off(make_article, editor):
    make_article(title="أ", body="أعلنت إيران موقفها.")
    make_article(title="ب", body="أعلنت ايران موقفها ثانية.")
    iran = entity("إيران", "LOC")
    with pytest.raises(curation.CurationError):
        curation.split_alias(alias=iran.aliases.get(text="ايران"), user=editor)


def test_reject_removes_the_entity_its_mentions_and_its_name_for_good(client, demo, editor):
    patriot = entity("باتريوت", "MISC")
    url, articles = (
        patriot.get_absolute_url(),
        list({m.article for m in patriot.mentions.select_related("article")}),
    )
    assert articles

    curation.reject_entity(entity=patriot, user=editor)

    assert client.get(url).status_code == 404
    for article in articles:
        assert f'href="{url}"' not in _html(client, article.get_absolute_url())
    assert not Mention.objects.filter(entity_id=patriot.pk).exists()
    assert not Alias.objects.filter(text="باتريوت").exists()
    log = CurationLog.objects.get()
    assert (log.action, log.entity, log.details["name"]) == ("reject", None, "باتريوت")


def test_a_rejected_name_is_not_annotated_again(make_article, editor):
    make_article(title="أ", body="نشرت القوات منظومة باتريوت في أربيل.")
    curation.reject_entity(entity=entity("باتريوت", "MISC"), user=editor)
    article = make_article(title="ب", body="وصلت بطاريات باتريوت إلى أربيل.").article
    assert not article.mentions.filter(alias__text="باتريوت").exists()
    assert article.mentions.filter(alias__text="أربيل").exists()
    assert not Entity.objects.filter(key=entity_key("باتريوت")).exists()


def test_rejecting_a_survivor_removes_the_redirects_to_it(client, make_article, editor):
    make_article(title="أ", body="زار إسماعيل غاني بغداد.")
    make_article(title="ب", body="زار إسماعيل قاآني بغداد.")
    ghani, qaani = entity("إسماعيل غاني", "PERS"), entity("إسماعيل قاآني", "PERS")
    curation.merge_entities(survivor=ghani, others=[qaani], user=editor)
    curation.reject_entity(entity=ghani, user=editor)
    assert client.get(reverse("reader:entity", args=[qaani.pk])).status_code == 404
    article = make_article(title="ج", body="زار إسماعيل قاآني طهران.").article
    assert not article.mentions.filter(entity__kind="PERS").exists()


def test_a_stale_entity_is_refused(make_article, editor):
    make_article(title="أ", body="زار إسماعيل غاني بغداد.")
    make_article(title="ب", body="زار إسماعيل قاآني بغداد.")
    ghani, qaani = entity("إسماعيل غاني", "PERS"), entity("إسماعيل قاآني", "PERS")
    curation.merge_entities(survivor=ghani, others=[qaani], user=editor)
    with pytest.raises(curation.CurationError, match="لم يعد موجودًا"):
        curation.rename_entity(entity=qaani, name="قاآني", user=editor)


def test_mark_distinct_is_recorded_once(make_article, editor):
    make_article(title="أ", body="زار إسماعيل غاني بغداد.")
    make_article(title="ب", body="زار إسماعيل قاآني بغداد.")
    ghani, qaani = entity("إسماعيل غاني", "PERS"), entity("إسماعيل قاآني", "PERS")
    curation.mark_distinct(first=qaani, second=ghani, user=editor)
    curation.mark_distinct(first=ghani, second=qaani, user=editor)
    assert CurationLog.objects.filter(action="distinct").count() == 1
