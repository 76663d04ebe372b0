"""The archive's recall pass (newsroom.entities.recall): names the recogniser marks often and
consistently become mentions where it missed them."""

from __future__ import annotations

import pytest
from django.urls import reverse

from newsroom import nlp
from newsroom.entities.curation import reject_entity
from newsroom.entities.linking import link_article
from newsroom.entities.models import ArticleEntity, Entity, LinkRule, Mention, ReannotationRun
from newsroom.entities.recall import RECALL_MIN_ARTICLES, is_recallable_word, recall_archive
from newsroom.entities.tasks import start_reannotation
from newsroom.nlp import Span, entity_key
from tests.entities.conftest import entity, linked_article, linked_mentions

pytestmark = pytest.mark.django_db

# Where the recogniser missed the name: with a proclitic (و), in the second sentence.
MISSED = "وصل الوفد إلى الحديدة أمس. ثم زار الوفد وصعدة مساء الجمعة."


def _marked(make_article, count: int, name: str = "صعدة", kind: str = "LOC", first: int = 0):
    """``count`` articles in which the recogniser marked ``name``."""
    return [
        linked_article(
            make_article, f"قصفت الطائرات مواقع في {name} صباح اليوم رقم {n}.", (name, kind)
        )
        for n in range(first, first + count)
    ]


def _state() -> tuple[set, set, set]:
    return (
        linked_mentions(),
        set(ArticleEntity.objects.values_list("article_id", "entity_id", "mentions")),
        set(Entity.objects.values_list("pk", "article_count")),
    )


def test_a_name_marked_often_is_added_where_the_recogniser_missed_it(make_article):
    _marked(make_article, RECALL_MIN_ARTICLES)
    missed = linked_article(make_article, MISSED)
    assert not missed.mentions.exists()

    summary = recall_archive()

    assert (summary.mentions, summary.articles) == (1, 1)
    mention = missed.mentions.get()
    # the proclitic stays outside the mention
    assert missed.body[mention.start : mention.end] == "صعدة"
    assert mention.start == missed.body.index("وصعدة") + 1
    assert mention.field == "body" and mention.recalled and mention.handle == ""
    sentence = next(b for b in nlp.sentence_bounds(missed.body) if b[0] <= mention.start < b[1])
    assert (mention.sentence_start, mention.sentence_end) == sentence
    assert missed.body[mention.sentence_start :].startswith("ثم زار")
    saada = entity("صعدة", "LOC")
    assert mention.entity == saada and mention.alias.text == "صعدة"
    assert ArticleEntity.objects.get(article=missed, entity=saada).mentions == 1
    saada.refresh_from_db()
    assert saada.article_count == RECALL_MIN_ARTICLES + 1


def test_a_second_run_adds_nothing_and_reannotation_gives_the_same(make_article):
    _marked(make_article, RECALL_MIN_ARTICLES)
    missed = linked_article(make_article, MISSED)
    assert recall_archive().mentions == 1
    after = _state()

    assert recall_archive().mentions == 0
    assert _state() == after

    # Re-annotating rebuilds the article's mentions from the recogniser's spans alone ...
    link_article(missed, {"title": [], "body": []})
    assert not missed.mentions.exists()
    assert entity("صعدة", "LOC").article_count == RECALL_MIN_ARTICLES
    # ... and the pass gives the recalled one back, counts and all.
    assert recall_archive().mentions == 1
    assert _state() == after


def test_a_name_marked_in_too_few_articles_is_not_added(make_article):
    _marked(make_article, RECALL_MIN_ARTICLES - 1)
    missed = linked_article(make_article, MISSED)
    assert recall_archive().mentions == 0
    assert not missed.mentions.exists()


def test_a_name_left_unmarked_in_most_articles_is_not_added(make_article):
    _marked(make_article, RECALL_MIN_ARTICLES, name="زورقان")
    for n in range(RECALL_MIN_ARTICLES + 1):
        linked_article(make_article, f"زار الوفد زورقان في الصباح رقم {n}.")
    assert recall_archive().mentions == 0
    assert not Mention.objects.filter(recalled=True).exists()


@pytest.mark.parametrize(
    ("name", "recalled"),
    [
        ("صائب عريقات", True),  # a person's full name ending in a surname
        ("محمد صالح", False),  # two given names: many people
    ],
)
def test_a_full_name_is_recalled_where_marked_in_a_quarter_of_its_articles(
    make_article, name, recalled
):
    _marked(make_article, RECALL_MIN_ARTICLES, name=name, kind="PERS")
    for n in range(2 * RECALL_MIN_ARTICLES):
        linked_article(make_article, f"وقال {name} للصحفيين في اليوم رقم {n} إن الوضع صعب.")
    summary = recall_archive()
    assert (summary.mentions > 0) is recalled
    assert (summary.mentions == 2 * RECALL_MIN_ARTICLES) is recalled


@pytest.mark.parametrize(
    ("full", "name", "recalled"),
    [
        ("دييغو مارادونا", "مارادونا", True),  # a foreign surname no table knows
        ("خوان اليساري", "اليساري", False),  # with the article: an adjective as often
        ("أحمد سلمان", "سلمان", False),  # a given name: many people
    ],
)
def test_a_foreign_surname_is_recalled_where_marked_in_a_quarter_of_its_articles(
    make_article, full, name, recalled
):
    for n in range(RECALL_MIN_ARTICLES):
        linked_article(
            make_article,
            f"قال {full} في المؤتمر رقم {n} إن الفريق جاهز. وأضاف {name} أن المباراة صعبة.",
            (full, "PERS"),
            (name, "PERS"),
        )
    for n in range(2 * RECALL_MIN_ARTICLES):
        linked_article(make_article, f"وقال {name} للصحفيين في اليوم رقم {n} إن الوضع صعب.")
    assert (recall_archive().mentions == 2 * RECALL_MIN_ARTICLES) is recalled


@pytest.mark.parametrize(
    ("name", "recalled"),
    [
        ("الرقة", True),  # a place GeoNames knows
        ("زورقان", False),  # a name no table knows: recalled where marked in half its articles
    ],
)
def test_a_known_place_is_recalled_where_marked_in_a_quarter_of_its_articles(
    make_article, name, recalled
):
    _marked(make_article, RECALL_MIN_ARTICLES, name=name)
    for n in range(2 * RECALL_MIN_ARTICLES):
        linked_article(make_article, f"وعاد السكان إلى {name} في اليوم رقم {n} بعد المعارك.")
    assert (recall_archive().mentions == 2 * RECALL_MIN_ARTICLES) is recalled


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("سلمان", "LOC"),  # a given name
        ("دبلوماسي", "ORG"),  # an ordinary word
    ],
)
def test_a_given_name_or_an_ordinary_word_is_never_added(make_article, name, kind):
    _marked(make_article, RECALL_MIN_ARTICLES + 2, name, kind)
    missed = linked_article(make_article, f"وصل الوفد أمس. ثم قال {name} إن الاجتماع انتهى.")
    assert recall_archive().mentions == 0
    assert not missed.mentions.exists()


@pytest.mark.parametrize(
    "word",
    [
        "الله",
        "الدولار",
        "ريال",
        "الإيرانية",
        "الرئيس",
        "خالد",
        "الخميس",
        "دبلوماسي",
        "دبلوماسيا",
        "أميركيا",
        "بريف",
        "أب",
        # clubs named by a common word: clubs only in an article about football
        "النصر",
        "الهلال",
        "الاتحاد",
    ],
)
def test_words_that_are_never_recalled(word):
    assert not is_recallable_word(nlp.normalize_letters(word))


@pytest.mark.parametrize("word", ["صعدة", "القرم", "طالبان", "سوريا", "عفرين", "بنفيكا"])
def test_names_that_may_be_recalled(word):
    assert is_recallable_word(nlp.normalize_letters(word))


def test_a_name_an_editor_rejected_is_not_added(make_article, editor):
    _marked(make_article, RECALL_MIN_ARTICLES)
    missed = linked_article(make_article, MISSED)
    reject_entity(entity=entity("صعدة", "LOC"), user=editor)
    assert recall_archive().mentions == 0
    assert not missed.mentions.exists()


def test_a_rejection_rule_keeps_a_marked_name_out(make_article):
    _marked(make_article, RECALL_MIN_ARTICLES)
    missed = linked_article(make_article, MISSED)
    LinkRule.objects.create(match=LinkRule.Match.NAME, kind="", key=entity_key("صعدة"))
    assert recall_archive().mentions == 0
    assert not missed.mentions.exists()


def test_a_link_rule_decides_the_entity(make_article):
    _marked(make_article, RECALL_MIN_ARTICLES)
    missed = linked_article(make_article, MISSED)
    province = Entity.objects.create(kind="LOC", key="محافظه صعده", name="محافظة صعدة")
    LinkRule.objects.create(
        match=LinkRule.Match.NAME, kind="LOC", key=entity_key("صعدة"), entity=province
    )
    recall_archive()
    assert missed.mentions.get().entity == province
    province.refresh_from_db()
    assert province.article_count == 1


def test_a_longer_name_marked_there_wins(make_article):
    _marked(make_article, RECALL_MIN_ARTICLES)
    body = "فاز نادي شباب صعدة أمس. ثم زار الوفد وصعدة مساء."
    article = linked_article(make_article, body, ("نادي شباب صعدة", "ORG"))
    recall_archive()
    spans = sorted(article.mentions.values_list("start", "end", "recalled"))
    club = body.index("نادي")
    added = body.index("وصعدة") + 1
    assert spans == [(club, club + len("نادي شباب صعدة"), False), (added, added + 4, True)]


def test_a_name_already_marked_in_the_article_keeps_its_entity_there(make_article):
    """A name the article itself linked (as another entity) is recalled as that entity there."""
    _marked(make_article, RECALL_MIN_ARTICLES)
    body = "قصفت الطائرات صعدة أمس. ثم زار الوفد صعدة مساء."
    article = make_article(title="خبر", body=body).article
    other = Entity.objects.create(kind="LOC", key="صعده القديمه", name="صعدة القديمة")
    start = body.index("صعدة")
    link_article(article, {"title": [], "body": [Span(start, start + 4, "LOC", "صعدة", "صعده")]})
    article.mentions.update(entity=other)
    recall_archive()
    assert set(article.mentions.values_list("entity_id", flat=True)) == {other.pk}
    assert article.mentions.filter(recalled=True).count() == 1


def test_the_background_resolve_run_recalls_too(make_article, editor, immediate_tasks):
    _marked(make_article, RECALL_MIN_ARTICLES)
    missed = linked_article(make_article, MISSED)
    run = start_reannotation(scope=ReannotationRun.Scope.RESOLVE, user=editor)
    run.refresh_from_db()
    assert run.status == ReannotationRun.Status.FINISHED
    assert missed.mentions.get().recalled


def test_a_common_noun_written_with_the_article_elsewhere_is_not_added(make_article):
    # هاون (a mortar) marked as a place: the archive also writes الهاون, so it is a noun
    _marked(make_article, RECALL_MIN_ARTICLES, "هاون", "LOC")
    for n in range(2):
        linked_article(make_article, f"سقطت قذيفة الهاون قرب السوق رقم {n}.")
    missed = linked_article(make_article, "وصل الوفد أمس. ثم سقطت قذيفة هاون مساء الجمعة.")
    assert recall_archive().mentions == 0
    assert not missed.mentions.exists()


def test_a_frequent_word_is_not_added_unless_a_known_place(make_article, monkeypatch):
    from newsroom.entities import recall

    name = "زنكلوف"  # no known place nor listed name
    _marked(make_article, RECALL_MIN_ARTICLES, name, "LOC")
    missed = linked_article(make_article, f"وصل الوفد أمس. ثم زار الوفد {name} مساء الجمعة.")
    # in every article of this small archive: a frequent word at these thresholds
    monkeypatch.setattr(recall, "FREQUENT_MIN_ARTICLES", RECALL_MIN_ARTICLES)
    monkeypatch.setattr(recall, "FREQUENT_SHARE", 0.5)
    assert recall_archive().mentions == 0
    monkeypatch.undo()
    assert recall_archive().mentions == 1
    assert missed.mentions.get().entity == entity(name, "LOC")


def test_a_place_marked_with_its_head_is_found_without_it(make_article):
    # شبه جزيرة القرم marked, never القرم alone: القرم names the place too
    for n in range(RECALL_MIN_ARTICLES):
        linked_article(
            make_article,
            f"ضمت روسيا شبه جزيرة القرم في العام رقم {n}.",
            ("شبه جزيرة القرم", "LOC"),
        )
    missed = linked_article(make_article, "وصل الوفد إلى القرم أمس.")
    assert recall_archive().mentions == 1
    mention = missed.mentions.get()
    assert missed.body[mention.start : mention.end] == "القرم"
    assert mention.entity == entity("شبه جزيرة القرم", "LOC")


def _named_in_full(make_article, title: str, full: str, count: int, first: int = 0) -> None:
    for n in range(first, first + count):
        linked_article(make_article, f"قال {title} {full} إن الزيارة مهمة رقم {n}.", (full, "PERS"))


def test_a_titled_given_name_is_recalled_as_the_person_the_archive_links_it_to(make_article):
    _named_in_full(make_article, "الملك", "سلمان بن عبدالعزيز", RECALL_MIN_ARTICLES)
    missed = linked_article(make_article, "استقبل الملك سلمان الوفد. ثم التقى بالملك سلمان وزير.")
    centre = linked_article(make_article, "افتتح مركز الملك سلمان للإغاثة فرعا جديدا.")
    summary = recall_archive()
    assert summary.mentions == 2
    king = entity("سلمان بن عبدالعزيز", "PERS")
    mentions = list(missed.mentions.order_by("start"))
    assert [missed.body[m.start : m.end] for m in mentions] == ["سلمان", "سلمان"]
    assert {m.entity for m in mentions} == {king} and all(m.recalled for m in mentions)
    assert not centre.mentions.exists()  # a body named after the king is not the king
    assert recall_archive().mentions == 0


def test_a_titled_given_name_shared_by_two_people_is_left_alone(make_article):
    _named_in_full(make_article, "الأمير", "محمد بن سلمان", RECALL_MIN_ARTICLES)
    _named_in_full(make_article, "الأمير", "محمد بن نايف", RECALL_MIN_ARTICLES, first=10)
    missed = linked_article(make_article, "استقبل الأمير محمد الوفد.")
    assert recall_archive().mentions == 0
    assert not missed.mentions.exists()


def test_editors_can_list_the_mentions_the_recall_pass_added(admin_client, make_article):
    _marked(make_article, RECALL_MIN_ARTICLES)
    missed = linked_article(make_article, MISSED)
    recall_archive()
    url = reverse("admin:entities_mention_changelist")
    page = admin_client.get(url, {"recalled__exact": "1"})
    assert page.status_code == 200
    assert list(page.context["cl"].result_list) == [missed.mentions.get()]
    everything = admin_client.get(url)
    assert everything.context["cl"].result_count == RECALL_MIN_ARTICLES + 1


def test_an_honorific_alone_is_recalled_as_the_person_the_archive_names_after_it(make_article):
    _named_in_full(
        make_article, "خادم الحرمين الشريفين الملك", "سلمان بن عبدالعزيز", RECALL_MIN_ARTICLES
    )
    alone = linked_article(make_article, "وأكد خادم الحرمين الشريفين أن المملكة ماضية في الإصلاح.")
    assert recall_archive().mentions == 1
    mention = alone.mentions.get()
    assert alone.body[mention.start : mention.end] == "خادم الحرمين الشريفين"
    assert mention.entity == entity("سلمان بن عبدالعزيز", "PERS") and mention.recalled


def test_an_honorific_the_archive_gives_two_people_is_left_alone(make_article):
    _named_in_full(make_article, "خادم الحرمين الشريفين الملك", "سلمان بن عبدالعزيز", 3)
    _named_in_full(make_article, "خادم الحرمين الشريفين الملك", "عبدالله بن عبدالعزيز", 3, first=3)
    alone = linked_article(make_article, "وأكد خادم الحرمين الشريفين أن المملكة ماضية في الإصلاح.")
    assert recall_archive().mentions == 0
    assert not alone.mentions.exists()
