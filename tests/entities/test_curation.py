from __future__ import annotations

import pytest
from django.urls import reverse

from newsroom.entities import curation
from newsroom.entities.models import Alias, CurationLog, Entity, LinkRule, Mention
from newsroom.nlp import entity_key
from newsroom.nlp.resolve import name_key
from tests.entities.conftest import KUBAISI, QUBAISI, entity

pytestmark = pytest.mark.django_db


def _html(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_merge_moves_aliases_and_mentions_and_redirects_the_old_page(client, make_article, editor):
    make_article(title="خبر أول", body=f"زار {KUBAISI} بغداد والتقى مسؤولين في العراق.")
    make_article(title="خبر ثان", body=f"التقى {KUBAISI} وزير الخارجية.")
    visit = make_article(
        title="خبر ثالث", body=f"زار {QUBAISI} بغداد. وقال القبيسي إن الزيارة ناجحة."
    ).article
    kubaisi, qubaisi = entity(KUBAISI, "PERS"), entity(QUBAISI, "PERS")
    assert kubaisi != qubaisi
    old_url, qubaisi_articles = qubaisi.get_absolute_url(), qubaisi.article_count

    survivor = curation.merge_entities(survivor=kubaisi, others=[qubaisi], user=editor)

    assert not Entity.objects.filter(pk=qubaisi.pk).exists()
    assert {KUBAISI, QUBAISI, "القبيسي"} <= set(survivor.aliases.values_list("text", flat=True))
    assert survivor.article_count == kubaisi.article_count + qubaisi_articles == 3
    assert not Mention.objects.filter(entity_id=qubaisi.pk).exists()

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
    assert log.details["merged"][0]["name"] == QUBAISI
    assert log.details["username"] == "curator"


def test_a_merged_name_in_a_new_article_links_to_the_survivor(make_article, editor):
    make_article(title="خبر", body=f"التقى {KUBAISI} وزير الخارجية.")
    make_article(title="خبر آخر", body=f"وصل {QUBAISI} إلى بغداد.")
    kubaisi, qubaisi = entity(KUBAISI, "PERS"), entity(QUBAISI, "PERS")
    curation.merge_entities(survivor=kubaisi, others=[qubaisi], user=editor)

    article = make_article(title="ثالث", body=f"قال {QUBAISI} إن الزيارة ناجحة.").article

    assert {m.entity_id for m in article.mentions.filter(alias__text=QUBAISI)} == {kubaisi.pk}
    assert not Entity.objects.filter(key=name_key("PERS", QUBAISI)).exists()
    kubaisi.refresh_from_db()
    assert kubaisi.article_count == 3


def test_an_entity_merged_twice_redirects_to_the_last_survivor(client, make_article, editor):
    names = (KUBAISI, QUBAISI, "وليد القبيصي")
    for title, name in zip("أبج", names, strict=True):
        make_article(title=title, body=f"زار {name} بغداد.")
    first, second, third = (entity(n, "PERS") for n in names)
    curation.merge_entities(survivor=second, others=[third], user=editor)
    curation.merge_entities(survivor=first, others=[second], user=editor)
    for old in (second, third):
        response = client.get(reverse("reader:entity", args=[old.pk]))
        assert response.status_code == 301
        assert response["Location"] == first.get_absolute_url()
    assert curation.redirect_target(third.pk) == first
    assert curation.redirect_target(first.pk) is None


def test_merging_needs_another_entity(make_article, editor):
    make_article(title="أ", body=f"زار {KUBAISI} بغداد.")
    kubaisi = entity(KUBAISI, "PERS")
    with pytest.raises(curation.CurationError):
        curation.merge_entities(survivor=kubaisi, others=[kubaisi], user=editor)
    assert not CurationLog.objects.exists()


def test_an_alias_both_entities_had_is_kept_once(make_article, editor):
    make_article(title="أ", body=f"زار {KUBAISI} بغداد.")
    make_article(title="ب", body=f"زار {QUBAISI} بغداد.")
    kubaisi, qubaisi = entity(KUBAISI, "PERS"), entity(QUBAISI, "PERS")
    Alias.objects.create(entity=qubaisi, text=KUBAISI, key=entity_key(KUBAISI))
    curation.merge_entities(survivor=kubaisi, others=[qubaisi], user=editor)
    assert kubaisi.aliases.filter(text=KUBAISI).count() == 1


def test_rename_changes_the_pages_and_keeps_the_entity_found_by_its_key(
    client, make_article, editor
):
    first = make_article(title="أ", body=f"زار {KUBAISI} بغداد.").article
    kubaisi = entity(KUBAISI, "PERS")
    curation.rename_entity(entity=kubaisi, name="  وليد   القبيسي ", user=editor)

    kubaisi.refresh_from_db()
    assert kubaisi.name == QUBAISI
    assert QUBAISI in _html(client, kubaisi.get_absolute_url())
    second = make_article(title="ب", body=f"عاد {KUBAISI} إلى طهران.").article
    assert second.mentions.filter(entity=kubaisi).exists()
    assert first.mentions.filter(entity=kubaisi).exists()
    assert kubaisi.key == name_key("PERS", KUBAISI)
    log = CurationLog.objects.get()
    assert (log.action, log.details["old"], log.details["new"]) == ("rename", KUBAISI, QUBAISI)


def test_an_empty_name_is_refused(make_article, editor):
    make_article(title="أ", body=f"زار {KUBAISI} بغداد.")
    with pytest.raises(curation.CurationError):
        curation.rename_entity(entity=entity(KUBAISI, "PERS"), name="  ", user=editor)


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


def test_split_makes_a_spelling_an_entity_of_its_own(client, make_article, editor):
    make_article(title="أ", body=f"زار {KUBAISI} بغداد.")
    visit = make_article(
        title="ب", body=f"زار {QUBAISI} بغداد. وقال القبيسي إن الزيارة ناجحة."
    ).article
    survivor = curation.merge_entities(
        survivor=entity(KUBAISI, "PERS"), others=[entity(QUBAISI, "PERS")], user=editor
    )
    alone = survivor.aliases.get(text="القبيسي")
    moved = Mention.objects.filter(alias=alone).count()
    assert moved

    new = curation.split_alias(alias=alone, user=editor)

    assert (new.kind, new.name, new.key) == ("PERS", "القبيسي", entity_key("القبيسي"))
    assert set(new.aliases.values_list("text", flat=True)) == {"القبيسي"}
    assert new.mentions.count() == moved
    assert new.article_count == 1
    survivor.refresh_from_db()
    assert not survivor.aliases.filter(text="القبيسي").exists()
    assert survivor.mentions.filter(article=visit).exists()  # still named in full there
    html = _html(client, visit.get_absolute_url())
    assert f'href="{new.get_absolute_url()}"' in html
    assert f'href="{survivor.get_absolute_url()}"' in html
    assert visit.get_absolute_url() in _html(client, new.get_absolute_url())
    log = CurationLog.objects.filter(action="split").get()
    assert log.entity == new
    assert log.details["from"]["id"] == survivor.pk


def test_split_takes_the_spelling_from_every_entity_into_an_existing_one(make_article, editor):
    # A short name in brackets after a full name joins it; written alone, it names an entity of
    # its own.
    make_article(title="أ", body="قالت منظمة أمنستي إن السجناء بحاجة إلى محامين.")
    make_article(title="ب", body="أعلنت منظمة العفو الدولية (أمنستي) أن السجناء بحاجة إلى محامين.")
    alone, full = entity("منظمة أمنستي", "ORG"), entity("منظمة العفو الدولية", "ORG")
    joined = full.aliases.get(text="أمنستي")

    target = curation.split_alias(alias=joined, user=editor)

    assert target == alone
    assert not full.aliases.filter(text="أمنستي").exists()
    assert full.mentions.exists()
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


def _two_spellings(make_article) -> tuple[Entity, Entity]:
    make_article(title="أ", body=f"زار {KUBAISI} بغداد.")
    make_article(title="ب", body=f"زار {QUBAISI} بغداد.")
    return entity(KUBAISI, "PERS"), entity(QUBAISI, "PERS")


def test_rejecting_a_survivor_removes_the_redirects_to_it(client, make_article, editor):
    kubaisi, qubaisi = _two_spellings(make_article)
    curation.merge_entities(survivor=kubaisi, others=[qubaisi], user=editor)
    curation.reject_entity(entity=kubaisi, user=editor)
    assert client.get(reverse("reader:entity", args=[qubaisi.pk])).status_code == 404
    article = make_article(title="ج", body=f"زار {QUBAISI} طهران.").article
    assert article.mentions.filter(alias__text="طهران").exists()
    assert not article.mentions.filter(entity__kind="PERS").exists()


def test_a_stale_entity_is_refused(make_article, editor):
    kubaisi, qubaisi = _two_spellings(make_article)
    curation.merge_entities(survivor=kubaisi, others=[qubaisi], user=editor)
    with pytest.raises(curation.CurationError, match="لم يعد موجودًا"):
        curation.rename_entity(entity=qubaisi, name="القبيسي", user=editor)


def test_mark_distinct_is_recorded_once(make_article, editor):
    kubaisi, qubaisi = _two_spellings(make_article)
    curation.mark_distinct(first=qubaisi, second=kubaisi, user=editor)
    curation.mark_distinct(first=kubaisi, second=qubaisi, user=editor)
    assert CurationLog.objects.filter(action="distinct").count() == 1
