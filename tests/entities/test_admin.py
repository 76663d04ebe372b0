from __future__ import annotations

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from newsroom.articles.models import Article
from newsroom.entities.models import Alias, CurationLog, Entity, ReannotationRun
from newsroom.nlp import entity_key
from tests.entities.conftest import KUBAISI, QUBAISI, entity

pytestmark = pytest.mark.django_db

SUGGESTIONS = "admin:entities_entity_suggestions"
CHANGELIST = "admin:entities_entity_changelist"


@pytest.fixture
def two_spellings(make_article):
    make_article(title="أ", body=f"زار {KUBAISI} بغداد والتقى مسؤولين في العراق.")
    make_article(title="ب", body=f"زار {QUBAISI} بغداد والتقى مسؤولين في العراق.")
    return entity(KUBAISI, "PERS"), entity(QUBAISI, "PERS")


def test_curation_pages_are_for_staff_only(client, django_user_model, two_spellings):
    kubaisi, qubaisi = two_spellings
    alias = qubaisi.aliases.get()
    urls = [
        reverse(SUGGESTIONS),
        reverse("admin:entities_entity_split", args=[qubaisi.pk, alias.pk]),
        reverse("admin:entities_reannotationrun_changelist"),
    ]
    for url in urls:
        assert client.get(url).status_code == 302  # to the login page
    client.force_login(django_user_model.objects.create_user("reader", password="x"))
    for url in urls:
        assert client.get(url).status_code == 302
    client.force_login(django_user_model.objects.create_user("s", password="x", is_staff=True))
    assert client.get(reverse(SUGGESTIONS)).status_code == 403
    response = client.post(reverse(SUGGESTIONS), {"survivor": kubaisi.pk, "other": qubaisi.pk})
    assert response.status_code == 403
    assert Entity.objects.filter(pk=qubaisi.pk).exists()


def test_a_staff_member_with_the_change_permission_may_curate(client, django_user_model):
    user = django_user_model.objects.create_user("s", password="x", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="change_entity"))
    client.force_login(user)
    assert client.get(reverse(SUGGESTIONS)).status_code == 200


def test_the_suggestion_page_lists_pairs_and_merges_with_one_click(curator_client, two_spellings):
    kubaisi, qubaisi = two_spellings
    html = curator_client.get(reverse(SUGGESTIONS)).content.decode()
    assert KUBAISI in html and QUBAISI in html and "تهجئتان متقاربتان" in html
    assert "csrfmiddlewaretoken" in html

    response = curator_client.post(
        reverse(SUGGESTIONS) + "?kind=PERS",
        {"survivor": kubaisi.pk, "other": qubaisi.pk, "decision": "merge"},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse(SUGGESTIONS) + "?kind=PERS"
    assert not Entity.objects.filter(pk=qubaisi.pk).exists()
    assert CurationLog.objects.get().action == "merge"
    assert curator_client.get(response["Location"]).context["suggestions"] == []


def test_a_pair_can_be_marked_distinct(curator_client, two_spellings):
    kubaisi, qubaisi = two_spellings
    assert len(curator_client.get(reverse(SUGGESTIONS)).context["suggestions"]) == 1
    curator_client.post(
        reverse(SUGGESTIONS), {"survivor": kubaisi.pk, "other": qubaisi.pk, "decision": "distinct"}
    )
    assert Entity.objects.filter(pk=qubaisi.pk).exists()
    assert curator_client.get(reverse(SUGGESTIONS)).context["suggestions"] == []


def test_the_one_click_merge_needs_the_csrf_token(editor, two_spellings):
    kubaisi, qubaisi = two_spellings
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    response = client.post(reverse(SUGGESTIONS), {"survivor": kubaisi.pk, "other": qubaisi.pk})
    assert response.status_code == 403
    assert Entity.objects.filter(pk=qubaisi.pk).exists()


def test_the_merge_action_asks_which_entity_stays(curator_client, two_spellings):
    kubaisi, qubaisi = two_spellings
    data = {"action": "merge_selected", ACTION_CHECKBOX_NAME: [kubaisi.pk, qubaisi.pk]}
    response = curator_client.post(reverse(CHANGELIST), data)
    assert response.status_code == 200
    assert 'name="survivor"' in response.content.decode()
    assert Entity.objects.filter(pk=qubaisi.pk).exists()

    response = curator_client.post(
        reverse(CHANGELIST), {**data, "confirm": "yes", "survivor": qubaisi.pk}
    )

    assert response.status_code == 302
    assert not Entity.objects.filter(pk=kubaisi.pk).exists()
    qubaisi.refresh_from_db()
    assert qubaisi.article_count == 2


def test_the_reject_action_confirms_then_rejects(curator_client, two_spellings):
    kubaisi, _ = two_spellings
    data = {"action": "reject_selected", ACTION_CHECKBOX_NAME: [kubaisi.pk]}
    assert curator_client.post(reverse(CHANGELIST), data).status_code == 200
    assert Entity.objects.filter(pk=kubaisi.pk).exists()
    curator_client.post(reverse(CHANGELIST), {**data, "confirm": "yes"})
    assert not Entity.objects.filter(pk=kubaisi.pk).exists()
    assert CurationLog.objects.get().action == "reject"


def _change_form(entity: Entity, **changes) -> dict:
    aliases = list(entity.aliases.all())
    data = {
        "name": entity.name,
        "kind": entity.kind,
        "aliases-TOTAL_FORMS": len(aliases),
        "aliases-INITIAL_FORMS": len(aliases),
        "aliases-MIN_NUM_FORMS": 0,
        "aliases-MAX_NUM_FORMS": 1000,
    }
    for i, alias in enumerate(aliases):
        data |= {f"aliases-{i}-id": alias.pk, f"aliases-{i}-entity": entity.pk}
    return data | changes


def test_rename_and_change_of_kind_through_the_change_form_are_audited(
    curator_client, make_article
):
    make_article(title="أ", body="قال البيت الأبيض إن الرئيس سيرد.")
    house = entity("البيت الأبيض", "ORG")
    url = reverse("admin:entities_entity_change", args=[house.pk])
    response = curator_client.post(
        url, _change_form(house, name="البيت الأبيض الأمريكي", kind="LOC")
    )
    assert response.status_code == 302
    house.refresh_from_db()
    assert (house.name, house.kind, house.key) == ("البيت الأبيض الأمريكي", "LOC", "بيت الابيض")
    assert set(CurationLog.objects.values_list("action", flat=True)) == {"rename", "kind"}


def test_the_change_form_explains_a_kind_collision(curator_client, make_article):
    make_article(title="أ", body="وصل الوفد إلى الكويت.")
    kuwait = entity("الكويت", "LOC")
    Entity.objects.create(kind="ORG", key=kuwait.key, name="الكويت")
    url = reverse("admin:entities_entity_change", args=[kuwait.pk])
    response = curator_client.post(url, _change_form(kuwait, kind="ORG"))
    assert response.status_code == 200
    assert "ادمج الكيانين" in response.content.decode()
    kuwait.refresh_from_db()
    assert kuwait.kind == "LOC"


def test_split_from_the_change_form(curator_client, make_article):
    make_article(title="أ", body="قُتل قاسم سليماني في بغداد. وكان سليماني قائدًا.")
    person = entity("قاسم سليماني", "PERS")
    alias = person.aliases.get(text="سليماني")
    page = curator_client.get(reverse("admin:entities_entity_change", args=[person.pk]))
    split_url = reverse("admin:entities_entity_split", args=[person.pk, alias.pk])
    assert split_url in page.content.decode()
    assert "سليماني" in curator_client.get(split_url).content.decode()

    response = curator_client.post(split_url, {"name": "حسن سليماني"})

    new = Entity.objects.get(kind="PERS", key=entity_key("سليماني"))
    assert new.name == "حسن سليماني"
    assert response["Location"] == reverse("admin:entities_entity_change", args=[new.pk])
    assert CurationLog.objects.get().action == "split"


def test_the_alias_action_splits_selected_aliases(curator_client, make_article):
    make_article(title="أ", body="قُتل قاسم سليماني في بغداد. وكان سليماني قائدًا.")
    alias = Alias.objects.get(text="سليماني")
    curator_client.post(
        reverse("admin:entities_alias_changelist"),
        {"action": "split_selected", ACTION_CHECKBOX_NAME: [alias.pk]},
    )
    assert Entity.objects.filter(kind="PERS", key=entity_key("سليماني")).exists()


def test_the_audit_log_is_listed_and_read_only(curator_client, two_spellings):
    kubaisi, qubaisi = two_spellings
    curator_client.post(reverse(SUGGESTIONS), {"survivor": kubaisi.pk, "other": qubaisi.pk})
    html = curator_client.get(reverse("admin:entities_curationlog_changelist")).content.decode()
    assert f"دمج {QUBAISI} في {KUBAISI}" in html
    assert "curator" in html
    assert curator_client.get(reverse("admin:entities_curationlog_add")).status_code == 403
    log = CurationLog.objects.get()
    url = reverse("admin:entities_curationlog_change", args=[log.pk])
    assert curator_client.get(url).status_code == 200
    curator_client.post(url, {"summary": "x"})
    log.refresh_from_db()
    assert log.summary.startswith("دمج")
    assert reverse("admin:entities_curationlog_delete", args=[log.pk])
    assert (
        curator_client.post(
            reverse("admin:entities_curationlog_delete", args=[log.pk]), {"post": "yes"}
        ).status_code
        == 403
    )


def test_reannotation_is_started_and_followed_in_the_admin(curator_client, make_article):
    make_article(title="أ", body="زار الوفد بغداد.")
    page = curator_client.get(reverse("admin:entities_reannotationrun_changelist"))
    assert reverse("admin:entities_reannotationrun_start") in page.content.decode()

    curator_client.post(reverse("admin:entities_reannotationrun_start"), {"scope": "all"})

    run = ReannotationRun.objects.get()
    assert (run.scope, run.total, run.status) == ("all", 1, "queued")
    html = curator_client.get(reverse("admin:entities_reannotationrun_changelist")).content.decode()
    assert "<progress" in html and 'http-equiv="refresh"' in html
    assert curator_client.get(reverse("admin:entities_reannotationrun_start")).status_code == 405


def test_the_article_list_has_a_reannotate_action(curator_client, make_article):
    article = make_article(title="أ", body="زار الوفد بغداد.").article
    curator_client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "reannotate_selected", ACTION_CHECKBOX_NAME: [article.pk]},
    )
    run = ReannotationRun.objects.get()
    assert (run.scope, run.article_ids, run.total) == ("selected", [article.pk], 1)
    assert Article.objects.count() == 1


def test_the_admin_index_and_entity_list_link_to_the_curation_pages(curator_client):
    index = curator_client.get(reverse("admin:index")).content.decode()
    assert reverse(SUGGESTIONS) in index
    assert reverse("admin:entities_reannotationrun_changelist") in index
    assert reverse(SUGGESTIONS) in curator_client.get(reverse(CHANGELIST)).content.decode()
