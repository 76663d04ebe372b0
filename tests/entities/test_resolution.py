"""Resolution across the archive (newsroom.entities.resolution and linking's archive lookups)."""

from __future__ import annotations

import pytest

from newsroom.entities import curation
from newsroom.entities.linking import link_article
from newsroom.entities.models import (
    CurationLog,
    DistinctPair,
    Entity,
    LinkRule,
    MergedEntity,
    ReannotationRun,
)
from newsroom.entities.resolution import resolve_archive
from newsroom.entities.tasks import start_reannotation
from newsroom.nlp import Span, entity_key
from newsroom.nlp.resolve import name_key
from tests.entities.conftest import entity, linked_article

pytestmark = pytest.mark.django_db


def test_a_surname_alone_means_whom_the_archive_says(make_article):
    for n in range(3):
        linked_article(
            make_article,
            f"وصل هادي العامري إلى الموصل {n}. وقال العامري إن الوضع هادئ.",
            ("هادي العامري", "PERS"),
            ("العامري", "PERS"),
        )
    alone = linked_article(make_article, "صرح العامري للصحفيين مساء أمس.", ("العامري", "PERS"))
    amiri = entity("هادي العامري", "PERS")
    assert alone.mentions.get().entity == amiri
    assert amiri.article_count == 4
    assert not Entity.objects.filter(kind="PERS", key="العامري").exists()


def test_a_name_nobody_can_place_is_not_an_entity(make_article):
    article = linked_article(make_article, "قال رأيك إن الأمر محسوم.", ("رأيك", "PERS"))
    assert not article.mentions.exists()


def test_a_bare_given_name_joins_the_full_name_or_stays_plain_text(make_article):
    joined = linked_article(
        make_article,
        "استقبل سلمان بن عبدالعزيز الوفد، وقال سلمان إن الزيارة مهمة.",
        ("سلمان بن عبدالعزيز", "PERS"),
        ("سلمان", "PERS"),
    )
    king = entity("سلمان بن عبدالعزيز", "PERS")
    assert {m.entity for m in joined.mentions.all()} == {king}
    plain = linked_article(make_article, "قال خالد إن الاجتماع انتهى.", ("خالد", "PERS"))
    assert not plain.mentions.exists()


def test_a_fathers_name_never_joins_the_son(make_article):
    article = linked_article(
        make_article,
        "التقى محمد بن سلمان الوفد. وكان سلمان بن عبدالعزيز حاضرًا، وأثنى سلمان على الوفد.",
        ("محمد بن سلمان", "PERS"),
        ("سلمان بن عبدالعزيز", "PERS"),
        ("سلمان", "PERS"),
    )
    last = article.mentions.order_by("start").last()
    assert last.entity == entity("سلمان بن عبدالعزيز", "PERS")
    assert entity("محمد بن سلمان", "PERS") != entity("سلمان بن عبدالعزيز", "PERS")


@pytest.mark.parametrize(
    ("text", "name", "short", "entities"),
    [
        ("أعلنت هيئة تنظيم الاتصالات (هتا) قرارًا جديدًا.", "هيئة تنظيم الاتصالات", "هتا", 1),
        # Latin letters spelt out in Arabic words
        (
            "قال مكتب التحقيقات الفيدرالي (إف بي آي) إنه فتح تحقيقا.",
            "مكتب التحقيقات الفيدرالي",
            "إف بي آي",
            1,
        ),
        # two names in brackets are not letters spelt out
        (
            "وقع الاتحاد الأوروبي (المفوضية الأوروبية) الاتفاق.",
            "الاتحاد الأوروبي",
            "المفوضية الأوروبية",
            2,
        ),
    ],
)
def test_an_abbreviation_in_brackets_names_the_same_entity(
    make_article, text, name, short, entities
):
    article = linked_article(make_article, text, (name, "ORG"), (short, "ORG"))
    assert article.mentions.values("entity").distinct().count() == entities


def _old_entity(make_article, name: str, key: str, kind: str = "PERS") -> Entity:
    """An entity as an older version stored it: under a key that resolution now changes."""
    article = linked_article(make_article, f"وصل {name} أمس.", (name, kind))
    old = article.mentions.get().entity
    Entity.objects.filter(pk=old.pk).update(key=key)
    old.refresh_from_db()
    return old


def test_resolving_the_archive_merges_old_keys_redirects_and_is_idempotent(client, make_article):
    old = _old_entity(make_article, "محمد بن نايف بن عبدالعزيز", "محمد بن نايف بن عبدالعزيز")
    linked_article(make_article, "التقى محمد بن نايف الوفد.", ("محمد بن نايف", "PERS"))
    survivor = entity("محمد بن نايف", "PERS")
    assert old.pk != survivor.pk

    summary = resolve_archive()

    assert summary.merged == 1
    assert not Entity.objects.filter(pk=old.pk).exists()
    survivor.refresh_from_db()
    assert survivor.article_count == 2
    assert MergedEntity.objects.get(old_id=old.pk).survivor == survivor
    response = client.get(old.get_absolute_url())
    assert (response.status_code, response["Location"]) == (301, survivor.get_absolute_url())
    rule = LinkRule.objects.get(key=old.key)
    assert (rule.entity, rule.automatic) == (survivor, True)
    assert CurationLog.objects.filter(action=CurationLog.Action.RESOLVE).count() == 1

    again = resolve_archive()
    assert again.merged == 0 and again.rekeyed == 0


def test_an_editors_not_the_same_and_split_survive_resolution(make_article, editor):
    old = _old_entity(make_article, "عبد الكريم خلف", "عبد الكريم خلف")
    linked_article(make_article, "صرح عبدالكريم خلف للصحفيين.", ("عبدالكريم خلف", "PERS"))
    other = entity("عبدالكريم خلف", "PERS")
    curation.mark_distinct(first=old, second=other, user=editor)

    assert resolve_archive().merged == 0
    assert Entity.objects.filter(pk=old.pk).exists()
    assert DistinctPair.objects.count() == 1


def test_resolution_runs_in_the_background_with_progress(make_article, immediate_tasks, editor):
    _old_entity(make_article, "علي عبد الله صالح", "علي عبد الله صالح")
    linked_article(make_article, "قال علي عبدالله صالح إن…", ("علي عبدالله صالح", "PERS"))
    run = start_reannotation(scope=ReannotationRun.Scope.RESOLVE, user=editor)
    run.refresh_from_db()
    assert run.status == ReannotationRun.Status.FINISHED
    assert run.percent == 100
    assert Entity.objects.filter(kind="PERS").count() == 1


def _cleaned_article(make_article, body: str, *names: tuple[str, str]):
    """Like _article, with the spans cleaned as every recogniser's are (titles come off)."""
    return linked_article(make_article, body, *names, clean=True)


def test_a_titled_given_name_means_whom_the_archive_says(make_article):
    for n in range(3):
        _cleaned_article(
            make_article,
            f"استقبل سلمان بن عبدالعزيز الوفد {n}. وقال الملك سلمان إن الزيارة مهمة.",
            ("سلمان بن عبدالعزيز", "PERS"),
            ("الملك سلمان", "PERS"),
        )
    alone = _cleaned_article(
        make_article, "وجّه الملك سلمان بصرف المساعدات.", ("الملك سلمان", "PERS")
    )
    mention = alone.mentions.get()
    assert alone.body[mention.start : mention.end] == "سلمان"
    assert mention.entity == entity("سلمان بن عبدالعزيز", "PERS")
    # a prince of the same given name is someone else
    prince = _cleaned_article(
        make_article, "قال الأمير سلمان إن الاجتماع انتهى.", ("الأمير سلمان", "PERS")
    )
    assert all(
        m.entity.key != name_key("PERS", "سلمان بن عبدالعزيز") for m in prince.mentions.all()
    )


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("فلاديمير بوتين", "فلاديمير بوتن", True),
        ("دونالد ترامب", "دونالد ترمب", True),
        ("هونغ كونغ", "هونج كونج", True),  # foreign g: غ or ج
        ("يورغن كلوب", "يورجن كلوب", True),
        ("سيرخيو راموس", "سيرجيو راموس", True),  # Spanish j: خ or ج
        ("ستيفن منوتشين", "ستيفن منوشين", True),  # ch: تش or ش
        ("مون جيه إن", "مون جاي إن", True),  # a short syllable in يه or ي
        ("مولود تشاوش أوغلو", "مولود جاويش أوغلو", True),  # Turkish ç: تش or ج
        ("أنطونيو غوتيريش", "أنطونيو غوتيريس", True),  # Portuguese s: ش or س
        ("شيرين عبادي", "سيرين عبادي", False),  # both Arabic names
        ("محمد حسن", "محمد حسين", False),
        ("سعد الحريري", "سعيد الحريري", False),
        ("عمر البشير", "عمار البشير", False),
    ],
)
def test_spellings_of_a_foreign_name_are_one_but_two_arabic_names_are_two(a, b, same):
    from newsroom.entities.resolution import spelling_variants

    assert spelling_variants(entity_key(a), entity_key(b)) is same


def test_a_french_e_is_one_spelling_in_a_persons_name_only():
    from newsroom.entities.resolution import spelling_variants

    def alike(a: str, b: str, person: bool) -> bool:
        return spelling_variants(entity_key(a), entity_key(b), person=person)

    assert alike("ساديو مانيه", "ساديو ماني", True)  # French é: يه or ي
    assert not alike("سميه الخالدي", "سمي الخالدي", True)  # سمية: an Arabic name
    # an organisation's adjectives are two words (الكيماوية is no الكيماوي)
    assert not alike("منظمة حظر الأسلحة الكيماوية", "منظمة حظر الأسلحة الكيماوي", False)


def test_resolution_merges_spellings_of_one_foreign_name(make_article):
    linked_article(make_article, "قال فلاديمير بوتين إن…", ("فلاديمير بوتين", "PERS"))
    linked_article(make_article, "قال فلاديمير بوتن إن…", ("فلاديمير بوتن", "PERS"))
    linked_article(make_article, "قال محمد حسن إن…", ("محمد حسن", "PERS"))
    linked_article(make_article, "قال محمد حسين إن…", ("محمد حسين", "PERS"))
    assert resolve_archive().merged == 1
    assert entity("فلاديمير بوتين", "PERS").article_count == 2
    assert entity("محمد حسن", "PERS") != entity("محمد حسين", "PERS")


def test_a_ministry_without_its_country_adjective_is_the_one_the_archive_says(make_article):
    for n in range(3):
        linked_article(
            make_article,
            f"أعلنت وزارة الصحة السعودية {n} حالات جديدة، وقالت وزارة الصحة إن الوضع مستقر.",
            ("وزارة الصحة السعودية", "ORG"),
            ("وزارة الصحة", "ORG"),
        )
    linked_article(make_article, "قالت وزارة الصحة إن اللقاح متوفر.", ("وزارة الصحة", "ORG"))
    resolve_archive()
    assert Entity.objects.filter(kind="ORG").count() == 1
    assert Entity.objects.get(kind="ORG").article_count == 4


def test_an_entity_first_seen_after_li_is_named_with_its_article(make_article):
    body = "انضم للتحالف الدولي أمس."
    article = make_article(title="خبر", body=body).article
    start = body.index("لتحالف")
    span = Span(start, start + len("لتحالف الدولي"), "ORG", "لتحالف الدولي", "تحالف الدولي")
    link_article(article, {"title": [], "body": [span]})
    assert article.mentions.get().entity.name == "التحالف الدولي"


# Generic rules checked on the list of entities absent from the table (docs/resolution.md) ----


def _short_name_alone_after(make_article, text: str, full: str, short: str, kind: str, alone: str):
    """Three articles naming ``full`` and then ``short`` (marked ``kind``) in ``text`` (its
    ``{n}`` numbered), one naming ``short`` alone in ``alone``; the archive resolved. The lone
    article."""
    for n in range(3):
        linked_article(make_article, text.format(n=n), (full, "PERS"), (short, kind))
    article = linked_article(make_article, alone, (short, kind))
    resolve_archive()
    return article


def test_a_name_with_its_middle_name_left_out_is_the_same_person(make_article):
    alone = _short_name_alone_after(
        make_article,
        "قال أحمد عبيد بن دغر إن الحكومة مستعدة {n}. وأضاف أحمد بن دغر أن الحوار مستمر.",
        "أحمد عبيد بن دغر",
        "أحمد بن دغر",
        "PERS",
        "وصل أحمد بن دغر إلى عدن.",
    )
    full = entity("أحمد عبيد بن دغر", "PERS")
    assert alone.mentions.get().entity == full
    assert full.article_count == 4


def test_a_patronymic_chain_is_never_a_name_with_middle_names_left_out(make_article):
    article = linked_article(
        make_article,
        "التقى محمد بن عبدالله بن سلمان الوفد، ثم وصل محمد بن سلمان.",
        ("محمد بن عبدالله بن سلمان", "PERS"),
        ("محمد بن سلمان", "PERS"),
    )
    assert len({m.entity_id for m in article.mentions.all()}) == 2


def test_a_surname_marked_a_place_is_the_person_the_archive_names(make_article):
    alone = _short_name_alone_after(
        make_article,
        "تعرض سيرغي سكريبال للتسميم {n}. وقالت الشرطة إن سكريبال في المستشفى.",
        "سيرغي سكريبال",
        "سكريبال",
        "LOC",
        "تحسنت حالة سكريبال اليوم.",
    )
    person = entity("سيرغي سكريبال", "PERS")
    assert alone.mentions.get().entity == person
    assert person.article_count == 4
    # a known place keeps its page, whoever bears its name
    linked_article(
        make_article, "وصل علي جدة إلى المدينة. وقال جدة إن", ("علي جدة", "PERS"), ("جدة", "LOC")
    )
    assert Entity.objects.filter(kind="LOC", key=name_key("LOC", "جدة")).exists()


def test_a_first_name_marked_a_place_is_the_person_the_archive_names(make_article):
    alone = _short_name_alone_after(
        make_article,
        "حضرت ميلانيا ترامب الحفل {n}. وقالت ميلانيا إنها سعيدة.",
        "ميلانيا ترامب",
        "ميلانيا",
        "LOC",
        "زارت ميلانيا المستشفى.",
    )
    person = entity("ميلانيا ترامب", "PERS")
    assert alone.mentions.get().entity == person
    assert person.article_count == 4
    # a known given name alone is nobody's across articles (سلمان: سلمان العودة and others)
    alone = _short_name_alone_after(
        make_article,
        "قال سلمان العودة {n} إن. وأضاف سلمان أن",
        "سلمان العودة",
        "سلمان",
        "LOC",
        "زار سلمان المدينة.",
    )
    assert entity("سلمان العودة", "PERS").article_count == 3
    assert all(m.entity != entity("سلمان العودة", "PERS") for m in alone.mentions.all())


def test_one_name_marked_with_two_kinds_is_one_page_but_an_ordinary_word_stays_two(make_article):
    for n in range(3):
        linked_article(make_article, f"فاز أرسنال {n} على ضيفه.", ("أرسنال", "ORG"))
    once = linked_article(make_article, "قال أرسنال إن اللاعب مصاب.", ("أرسنال", "PERS"))
    for n in range(3):
        linked_article(make_article, f"بثت الجزيرة {n} التقرير.", ("الجزيرة", "ORG"))
    region = linked_article(make_article, "قصفت الطائرات الجزيرة السورية.", ("الجزيرة", "LOC"))
    resolve_archive()
    assert once.mentions.get().entity == entity("أرسنال", "ORG")
    assert region.mentions.get().entity.kind == "LOC"


def test_a_short_given_name_and_the_full_one_are_one_person_on_the_archives_evidence(
    make_article,
):
    for first in ("جيمس", "جيم"):
        for n in range(3):
            linked_article(
                make_article,
                f"قال {first} ماتيس إن الجيش مستعد {n}. وأضاف ماتيس أن",
                (f"{first} ماتيس", "PERS"),
                ("ماتيس", "PERS"),
            )
    resolve_archive()
    assert Entity.objects.filter(kind="PERS", key__endswith="ماتيس").count() == 1


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("جيم ماتيس", "جيمس ماتيس", True),
        ("مايك بومبيو", "مايكل بومبيو", True),
        ("حسن نصرالله", "حسين نصرالله", False),  # two Arabic names, not a short form
        ("دونالد ترامب", "ايفانكا ترامب", False),  # two people sharing a surname
        ("جيم ماتيس", "جيمس كومي", False),
        ("عمر البشير", "عمران البشير", False),  # more than a short form
    ],
)
def test_a_short_given_name_is_only_the_start_of_the_other(a, b, same):
    from newsroom.entities.resolution import short_given_name

    assert short_given_name(entity_key(a), entity_key(b)) is same


def test_an_organisation_s_short_name_in_its_article_is_the_longer_one(make_article):
    for n in range(3):
        linked_article(
            make_article,
            f"فاز باريس سان جرمان {n}. وقال مدرب سان جرمان إن",
            ("باريس سان جرمان", "ORG"),
            ("سان جرمان", "ORG"),
        )
    alone = linked_article(make_article, "تعاقد سان جرمان مع لاعب.", ("سان جرمان", "ORG"))
    resolve_archive()
    club = entity("باريس سان جرمان", "ORG")
    assert alone.mentions.get().entity == club
    # a head alone stays itself (الاتحاد: a club, or the union of another name)
    article = linked_article(
        make_article,
        "قال الاتحاد الأوروبي إن الاتحاد فاز.",
        ("الاتحاد الأوروبي", "ORG"),
        ("الاتحاد", "ORG"),
    )
    assert len({m.entity_id for m in article.mentions.all()}) == 2
    # two longer names it could shorten: neither
    article = linked_article(
        make_article,
        "التقى ليستر سيتي ومانشستر سيتي، وخسر سيتي.",
        ("ليستر سيتي", "ORG"),
        ("مانشستر سيتي", "ORG"),
        ("سيتي", "ORG"),
    )
    assert len({m.entity_id for m in article.mentions.all()}) == 3


def test_a_name_of_its_own_is_not_merged_into_a_longer_one_named_beside_it_now_and_then(
    make_article,
):
    for n in range(3):
        article = linked_article(
            make_article,
            f"فاز مجموعة أتلتيكو {n} بجائزة، وقال أتلتيكو إن",
            ("مجموعة أتلتيكو", "ORG"),
            ("أتلتيكو", "ORG"),
        )
        assert len({m.entity_id for m in article.mentions.all()}) == 1  # joined there
    for n in range(8):
        linked_article(make_article, f"فاز أتلتيكو {n} على ضيفه.", ("أتلتيكو", "ORG"))
    resolve_archive()
    club, bank = entity("أتلتيكو", "ORG"), entity("مجموعة أتلتيكو", "ORG")
    assert club != bank and club.article_count == 8 and bank.article_count == 3


def test_a_name_in_two_words_and_in_one_is_one_page(make_article):
    linked_article(make_article, "وصل الوفد إلى بيونغ يانغ.", ("بيونغ يانغ", "PERS"))
    linked_article(make_article, "وصل الوفد إلى بيونغيانغ أمس.", ("بيونغيانغ", "LOC"))
    linked_article(make_article, "وصل الوفد إلى بيونغيانغ اليوم.", ("بيونغيانغ", "LOC"))
    resolve_archive()
    assert Entity.objects.get(key__startswith="بيونغ").article_count == 3  # taken for a person once


def test_a_rare_family_name_with_and_without_a_middle_name_is_one_person(make_article):
    linked_article(make_article, "قال أحمد عبيد بن دغر إن…", ("أحمد عبيد بن دغر", "PERS"))
    linked_article(make_article, "قال أحمد عبيد بن دغر أمس إن…", ("أحمد عبيد بن دغر", "PERS"))
    linked_article(make_article, "وصل أحمد بن دغر إلى عدن.", ("أحمد بن دغر", "PERS"))
    # a family name that is a common name unit: many people
    linked_article(make_article, "قال محمد علي إن…", ("محمد علي", "PERS"))
    linked_article(make_article, "قال محمد أحمد علي إن…", ("محمد أحمد علي", "PERS"))
    resolve_archive()
    assert entity("أحمد عبيد بن دغر", "PERS").article_count == 3
    assert entity("محمد علي", "PERS") != entity("محمد أحمد علي", "PERS")


def test_a_name_with_a_proclitic_left_on_joins_the_page_without_it(make_article):
    for n in range(6):
        linked_article(make_article, f"سجل كيليان مبابي هدفا {n}.", ("كيليان مبابي", "PERS"))
        linked_article(make_article, f"قال سام راضي {n} إن", ("سام راضي", "PERS"))
        linked_article(make_article, f"قالت جنة العلاقات {n} إن", ("جنة العلاقات", "ORG"))
    linked_article(make_article, "ونيمار وكيليان مبابي.", ("وكيليان مبابي", "PERS"))
    # a name or a word as it stands keeps its page: بسام is a name, لجنة a head noun
    linked_article(make_article, "قال بسام راضي إن", ("بسام راضي", "PERS"))
    linked_article(make_article, "قالت لجنة العلاقات إن", ("لجنة العلاقات", "ORG"))
    resolve_archive()
    assert entity("كيليان مبابي", "PERS").article_count == 7
    assert entity("بسام راضي", "PERS") != entity("سام راضي", "PERS")
    assert entity("لجنة العلاقات", "ORG") != entity("جنة العلاقات", "ORG")


def test_a_proclitic_variant_needs_a_page_at_least_as_large(make_article):
    for n in range(5):
        linked_article(make_article, f"فاز فيورنتينا {n}.", ("فيورنتينا", "ORG"))
    for n in range(6):
        linked_article(make_article, f"خسر لفيورنتينا {n}.", ("لفيورنتينا", "ORG"))
    resolve_archive()
    assert entity("لفيورنتينا", "ORG") != entity("فيورنتينا", "ORG")  # 5 articles against 6
    linked_article(make_article, "فاز فيورنتينا مجددا.", ("فيورنتينا", "ORG"))
    resolve_archive()
    assert entity("فيورنتينا", "ORG").article_count == 12


def test_a_name_cut_a_word_short_joins_the_name_the_text_goes_on_with(make_article):
    full = linked_article(make_article, "استقبل الرئيس مون جاي إن الوفد.", ("مون جاي إن", "PERS"))
    for n in range(3):
        linked_article(make_article, f"قال مون جاي إن بلاده مستعدة {n}.", ("مون جاي", "PERS"))
    cut = entity("مون جاي", "PERS")
    # a name the text goes on with now and then only (كأس العالم للأندية) keeps its page
    linked_article(make_article, "تنطلق كأس العالم للأندية غدا.", ("كأس العالم للأندية", "MISC"))
    for after in ("بروسيا", "المقبلة", "في الصيف"):
        linked_article(
            make_article, f"ستقام كأس العالم {after} بمشاركة المنتخبات.", ("كأس العالم", "MISC")
        )
    cup = entity("كأس العالم", "MISC")

    resolve_archive()

    survivor = full.mentions.get().entity
    assert survivor.name == "مون جاي إن"
    assert survivor.article_count == 4
    assert MergedEntity.objects.filter(old_id=cut.pk, survivor=survivor).exists()
    assert Entity.objects.filter(pk=cup.pk).exists()
    assert entity("كأس العالم للأندية", "MISC") != cup


def test_a_name_cut_short_in_another_spelling_joins_the_longer_name(make_article):
    full = linked_article(make_article, "استقبل الرئيس مون جاي إن الوفد.", ("مون جاي إن", "PERS"))
    cut = [
        linked_article(make_article, f"قال مون جيه إن بلاده مستعدة {n}.", ("مون جيه", "PERS"))
        for n in range(3)
    ]
    # the same spelling, but the text goes on with other words: a name of its own
    other = [
        linked_article(make_article, f"وصل كيم جيه {after} أمس.", ("كيم جيه", "PERS"))
        for after in ("الأب", "الابن", "الحفيد")
    ]
    resolve_archive()
    survivor = full.mentions.get().entity
    assert {a.mentions.get().entity for a in cut} == {survivor}
    assert survivor.article_count == 4
    assert {a.mentions.get().entity for a in other} != {survivor}


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("تشيلسي", "تشلسي", True),
        ("سامسونغ", "سامسونج", True),
        ("كتالونيا", "كاتالونيا", True),
        ("نيويورك", "النرويج", False),  # one skeleton, two places
        ("باردو", "بوردو", False),  # a vowel letter swapped, not added
        ("المكسيك", "مكسيكو", False),  # a last vowel makes another name
    ],
)
def test_one_word_spellings_of_a_foreign_place_or_body(a, b, same):
    from newsroom.entities.resolution import one_letter_apart

    assert one_letter_apart(entity_key(a), entity_key(b)) is same


def test_one_word_spelling_variants_merge_across_the_archive(make_article):
    for n in range(3):
        linked_article(make_article, f"فاز تشيلسي على ضيفه {n}.", ("تشيلسي", "ORG"))
    other = linked_article(make_article, "خسر تشلسي أمس.", ("تشلسي", "ORG"))
    resolve_archive()
    assert other.mentions.get().entity == entity("تشيلسي", "ORG")


@pytest.mark.parametrize("renamed", [False, True])
def test_a_key_holder_takes_the_name_of_the_larger_page_that_joins_it(
    make_article, editor, renamed
):
    for n in range(3):
        linked_article(
            make_article,
            f"أعلنت الهيئة العامة للرياضة {n} القرار.",
            ("الهيئة العامة للرياضة", "ORG"),
        )
    old = entity("الهيئة العامة للرياضة", "ORG")
    Entity.objects.filter(pk=old.pk).update(key="هيئه العامه للرياضه")  # an older key
    short = linked_article(make_article, "قالت هيئة الرياضة إن", ("هيئة الرياضة", "ORG"))
    holder = short.mentions.get().entity
    assert holder.pk != old.pk
    if renamed:
        curation.rename_entity(entity=holder, name="هيئة الرياضة السعودية", user=editor)

    resolve_archive()

    holder.refresh_from_db()
    assert not Entity.objects.filter(pk=old.pk).exists()
    assert holder.article_count == 4
    assert holder.name == ("هيئة الرياضة السعودية" if renamed else "الهيئة العامة للرياضة")


def test_an_abbreviation_joins_the_name_it_stood_for_with_its_longer_forms(make_article):
    def bracketed(name: str, n: int) -> None:
        linked_article(
            make_article, f"قال {name} (إف بي آي) إن {n}.", (name, "ORG"), ("إف بي آي", "ORG")
        )

    for n in range(3):
        bracketed("مكتب التحقيقات الفيدرالي", n)
    bracketed("مكتب التحقيقات الفيدرالي الأمريكي", 3)
    bracketed("مكتب التحقيقات الاتحادي", 4)
    alone = linked_article(make_article, "اعتقل إف بي آي رجلا.", ("إف بي آي", "ORG"))
    assert alone.mentions.get().entity != entity("مكتب التحقيقات الفيدرالي", "ORG")

    resolve_archive()

    # 4 of the 5 articles that explained it named the bureau or a longer form of its name
    assert alone.mentions.get().entity == entity("مكتب التحقيقات الفيدرالي", "ORG")
