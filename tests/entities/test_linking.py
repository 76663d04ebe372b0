from __future__ import annotations

import pytest

from newsroom.entities.linking import resolve_in_document
from newsroom.entities.models import Alias, Entity, Mention
from newsroom.nlp import Span, entity_key
from tests.entities.conftest import entity

pytestmark = pytest.mark.django_db


def _span(text: str, kind: str, start: int = 0) -> Span:
    return Span(start, start + len(text), kind, text, entity_key(text))


def test_hamza_and_alef_variants_link_to_one_entity(make_article):
    make_article(title="خبر أول", body="أعلنت إيران اليوم موقفها.")
    make_article(title="خبر ثان", body="أعلنت ايران اليوم موقفها من جديد.")
    iran = Entity.objects.get(kind="LOC", key=entity_key("إيران"))
    assert set(iran.aliases.values_list("text", flat=True)) == {"إيران", "ايران"}
    assert iran.article_count == 2


def test_an_attached_clitic_is_not_part_of_the_entity(make_article):
    article = make_article(title="خبر", body="وصل الوفد إلى بغداد والعراق كله يترقب.").article
    texts = {m.alias.text for m in Mention.objects.filter(article=article)}
    assert "العراق" in texts
    assert "والعراق" not in texts


def test_a_surname_alone_joins_the_full_name_before_it():
    title = [_span("قاسم سليماني", "PERS")]
    body = [_span("سليماني", "PERS", 10), _span("بلاسخارت", "PERS", 30)]
    linked = resolve_in_document({"title": title, "body": body})
    assert [item.key for item in linked] == [
        entity_key("قاسم سليماني"),
        entity_key("قاسم سليماني"),
        entity_key("بلاسخارت"),
    ]
    # a one-word name the article does not explain is left to the archive
    assert [item.pending for item in linked] == [False, False, True]


def test_a_name_without_its_middle_name_joins_the_full_one_in_its_article():
    body = [_span("أحمد عبيد بن دغر", "PERS"), _span("أحمد بن دغر", "PERS", 40)]
    linked = resolve_in_document({"title": [], "body": body})
    assert {item.key for item in linked} == {entity_key("أحمد عبيد بن دغر")}
    assert linked[1].handle == entity_key("أحمد بن دغر")
    # two people sharing a first name and a surname, one of them with a father's name
    body = [_span("محمد بن عبدالله بن سلمان", "PERS"), _span("محمد بن سلمان", "PERS", 40)]
    assert len({item.key for item in resolve_in_document({"body": body})}) == 2
    # a father's name left out where the short name has none
    body = [_span("عادل بن أحمد الجبير", "PERS"), _span("عادل الجبير", "PERS", 40)]
    assert len({item.key for item in resolve_in_document({"body": body})}) == 1
    # two people sharing a surname, named together
    body = [_span("سيرغي ويوليا سكريبال", "PERS"), _span("سيرغي سكريبال", "PERS", 40)]
    assert len({item.key for item in resolve_in_document({"body": body})}) == 2


def test_one_name_has_one_kind_in_an_article():
    body = [_span("أرسنال", "ORG"), _span("أرسنال", "PERS", 20), _span("أرسنال", "ORG", 40)]
    assert {item.kind for item in resolve_in_document({"body": body})} == {"ORG"}
    # on a tie, a one-word name is not a person's
    body = [_span("أرسنال", "PERS"), _span("أرسنال", "ORG", 20)]
    assert {item.kind for item in resolve_in_document({"body": body})} == {"ORG"}
    # a surname marked a place beside the person's full name is the person
    body = [_span("سيرغي سكريبال", "PERS"), _span("سكريبال", "LOC", 30)]
    assert [(i.kind, i.key) for i in resolve_in_document({"body": body})] == [
        ("PERS", entity_key("سيرغي سكريبال"))
    ] * 2
    # a known place stays a place beside a person named after it
    body = [_span("علي جدة", "PERS"), _span("جدة", "LOC", 30)]
    assert [i.kind for i in resolve_in_document({"body": body})] == ["PERS", "LOC"]


def test_a_first_name_no_table_knows_joins_the_full_name_of_its_article():
    body = [_span("ميلانيا ترامب", "PERS"), _span("ميلانيا", "LOC", 30)]
    assert [(i.kind, i.key) for i in resolve_in_document({"body": body})] == [
        ("PERS", entity_key("ميلانيا ترامب"))
    ] * 2
    # a place that begins a person's name stays a place
    body = [_span("جورجيا ميلوني", "PERS"), _span("جورجيا", "LOC", 30)]
    assert [i.kind for i in resolve_in_document({"body": body})] == ["PERS", "LOC"]
    # without the full name it is left to the archive
    linked = resolve_in_document({"body": [_span("ميلانيا", "PERS")]})
    assert [(i.key, i.pending) for i in linked] == [(entity_key("ميلانيا"), True)]


def test_a_short_organisation_name_joins_the_one_longer_name_it_begins_or_ends():
    body = [_span("أتلتيكو مدريد", "ORG"), _span("أتلتيكو", "ORG", 30)]
    linked = resolve_in_document({"body": body})
    assert {item.key for item in linked} == {linked[0].key}
    body = [_span("باريس سان جرمان", "ORG"), _span("سان جرمان", "ORG", 30)]
    linked = resolve_in_document({"body": body})
    assert linked[1].key == linked[0].key and linked[1].handle == entity_key("سان جرمان")
    # a name cut before its last word, but not one beginning with a head
    body = [_span("منظمة حظر الأسلحة الكيميائية", "ORG"), _span("منظمة حظر الأسلحة", "ORG", 40)]
    assert len({item.key for item in resolve_in_document({"body": body})}) == 1
    body = [_span("الجيش السوري الحر", "ORG"), _span("الجيش السوري", "ORG", 40)]
    assert len({item.key for item in resolve_in_document({"body": body})}) == 2
    # a listed name keeps its own page
    body = [_span("الأمم المتحدة للطفولة", "ORG"), _span("الأمم المتحدة", "ORG", 30)]
    assert len({item.key for item in resolve_in_document({"body": body})}) == 2


def test_a_surname_joins_in_the_database_too(make_article):
    article = make_article(
        title="ذكرى مقتل قاسم سليماني",
        body="قُتل قاسم سليماني في بغداد. وكان سليماني قائدًا لفيلق القدس.",
    ).article
    person = Entity.objects.get(kind="PERS", key=entity_key("قاسم سليماني"))
    assert person.name == "قاسم سليماني"
    assert {"قاسم سليماني", "سليماني"} <= set(person.aliases.values_list("text", flat=True))
    assert not Entity.objects.filter(kind="PERS", key=entity_key("سليماني")).exists()
    assert person.mentions.filter(article=article).count() >= 3


def test_every_mention_is_the_text_of_one_of_its_entity_aliases(seed_article):
    mentions = Mention.objects.filter(article=seed_article).select_related("alias", "entity")
    assert mentions.count() > 20
    for m in mentions:
        text = seed_article.title if m.field == "title" else seed_article.body
        assert text[m.start : m.end] == m.alias.text
        assert m.alias.entity_id == m.entity_id
        sentence = text[m.sentence_start : m.sentence_end]
        assert m.alias.text in sentence


def test_reingesting_an_alias_does_not_duplicate_it(make_article):
    make_article(title="أ", body="زار بغداد.")
    make_article(title="ب", body="عاد من بغداد.")
    assert Alias.objects.filter(text="بغداد").count() == 1


def test_curation_rules_are_read_in_one_query_per_article(django_assert_num_queries):
    from newsroom.entities.linking import Linked, curated_targets

    spans = [_span(name, "PERS", 20 * i) for i, name in enumerate(["غاني", "قاآني", "ترامب"] * 5)]
    linked = [Linked("body", span, span.kind, span.norm) for span in spans]
    with django_assert_num_queries(1):
        assert curated_targets(linked) == {}


def test_a_spelling_rule_wins_over_a_name_rule_and_a_kind_rule_over_any_kind(make_article):
    from newsroom.entities.linking import Linked, curated_targets
    from newsroom.entities.models import LinkRule

    make_article(title="أ", body="زار وليد الكبيسي ومارك إسبر بغداد.")
    kubaisi, esper = (entity(n, "PERS") for n in ("وليد الكبيسي", "مارك إسبر"))
    LinkRule.objects.create(match="name", kind="", key=entity_key("الكبيسي"), entity=None)
    LinkRule.objects.create(match="spelling", kind="", key=entity_key("الكبيسي"), entity=kubaisi)
    LinkRule.objects.create(match="name", kind="", key=entity_key("إسبر"), entity=None)
    LinkRule.objects.create(match="name", kind="PERS", key=entity_key("إسبر"), entity=esper)
    LinkRule.objects.create(match="name", kind="LOC", key=entity_key("بغداد"), entity=None)
    spans = [_span("الكبيسي", "PERS"), _span("إسبر", "PERS", 10), _span("بغداد", "LOC", 20)]
    linked = [Linked("body", span, span.kind, span.norm) for span in spans]
    assert curated_targets(linked) == {0: kubaisi.pk, 1: esper.pk, 2: None}


def test_relinking_recounts_entities_that_lost_their_mentions(make_article):
    from newsroom.entities.linking import link_article

    article = make_article(title="أ", body="زار الوفد بغداد.").article
    baghdad = Entity.objects.get(key=entity_key("بغداد"))
    assert baghdad.article_count == 1
    link_article(article, {"title": [], "body": []})
    baghdad.refresh_from_db()
    assert baghdad.article_count == 0


def test_a_surname_with_the_article_joins_the_full_name():
    body = [_span("مصطفى الكاظمي", "PERS"), _span("الكاظمي", "PERS", 30)]
    linked = resolve_in_document({"body": body})
    assert [item.key for item in linked] == [entity_key("مصطفى الكاظمي")] * 2


def test_appearances_and_article_counts_follow_the_mentions(demo, django_user_model):
    from django.db.models import Count

    from newsroom.articles.ingest import annotate_article
    from newsroom.articles.models import Article
    from newsroom.entities.curation import merge_entities
    from newsroom.entities.models import ArticleEntity
    from newsroom.nlp import annotate

    def consistent():
        derived = {
            (row["article_id"], row["entity_id"], row["n"])
            for row in Mention.objects.values("article_id", "entity_id").annotate(n=Count("id"))
        }
        stored = set(ArticleEntity.objects.values_list("article_id", "entity_id", "mentions"))
        assert stored == derived
        for stored_entity in Entity.objects.all():
            assert stored_entity.article_count == stored_entity.appearances.count(), (
                stored_entity.name
            )

    consistent()
    editor = django_user_model.objects.create_user("editor", is_staff=True)
    airport = entity("مطار بغداد الدولي", "LOC")
    merge_entities(survivor=airport, others=[entity("مطار بغداد", "LOC")], user=editor)
    consistent()
    for article in Article.objects.all()[:5]:
        annotate_article(article, annotator=lambda text: [])
    consistent()
    for article in Article.objects.all()[:5]:
        annotate_article(article, annotator=annotate)
    consistent()


def test_a_newspaper_and_the_city_named_like_it_are_two_entities(make_article):
    article = make_article(
        title="أمطار على العاصمة",
        body="هطلت أمطار غزيرة على الرياض أمس. وقال مدير الدفاع المدني لـ«الرياض» إن الفرق جاهزة.",
    ).article
    kinds = {
        (m.entity.kind, m.entity.name)
        for m in Mention.objects.filter(article=article).select_related("entity")
        if "رياض" in m.entity.key
    }
    assert kinds == {("LOC", "الرياض"), ("ORG", "صحيفة الرياض")}
