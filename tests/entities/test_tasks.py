from __future__ import annotations

import pytest
from django_tasks_db.models import DBTaskResult

from newsroom import nlp
from newsroom.articles.models import Article
from newsroom.entities import curation
from newsroom.entities.models import CurationLog, Entity, ReannotationRun
from newsroom.entities.tasks import reannotate, start_reannotation
from newsroom.nlp import Span, entity_key
from newsroom.nlp.resolve import name_key
from tests.entities.conftest import KUBAISI, QUBAISI, entity, entity_state, linked_mentions

pytestmark = pytest.mark.django_db


def _curate(make_article, editor) -> dict[str, Entity]:
    """A merge, a split, a rejection, a rename and a change of kind on the demo articles and two
    more that name one person under two spellings."""
    make_article(title="خبر أول", body=f"زار {KUBAISI} بغداد والتقى مسؤولين في العراق.")
    make_article(title="خبر ثان", body=f"زار {QUBAISI} بغداد. وقال القبيسي إن الزيارة ناجحة.")
    kubaisi = curation.merge_entities(
        survivor=entity(KUBAISI, "PERS"), others=[entity(QUBAISI, "PERS")], user=editor
    )
    airport = curation.merge_entities(
        survivor=entity("مطار بغداد الدولي", "LOC"),
        others=[entity("مطار بغداد", "LOC")],
        user=editor,
    )
    qubaisi = curation.split_alias(alias=kubaisi.aliases.get(text="القبيسي"), user=editor)
    curation.reject_entity(entity=entity("باتريوت", "MISC"), user=editor)
    curation.rename_entity(entity=kubaisi, name=QUBAISI, user=editor)
    house = curation.change_kind(entity=entity("البيت الأبيض", "ORG"), kind="LOC", user=editor)
    return {"kubaisi": kubaisi, "airport": airport, "qubaisi": qubaisi, "house": house}


def test_curation_decisions_survive_reannotation_of_all_articles(
    demo, make_article, editor, immediate_tasks
):
    curated = _curate(make_article, editor)
    mentions, entities = linked_mentions(), entity_state()
    total = Article.objects.count()
    assert total == len(demo) + 2

    run = start_reannotation(scope=ReannotationRun.Scope.ALL, user=editor)

    assert (run.status, run.done, run.total, run.failed) == ("finished", total, total, 0)
    assert linked_mentions() == mentions
    assert entity_state() == entities
    assert not Entity.objects.filter(key=entity_key("باتريوت"))
    assert not Entity.objects.filter(kind="PERS", key=name_key("PERS", QUBAISI)).exists()
    assert not Entity.objects.filter(kind="LOC", key=name_key("LOC", "مطار بغداد")).exists()
    assert not Entity.objects.filter(kind="ORG", key=name_key("ORG", "البيت الأبيض")).exists()
    assert Entity.objects.get(pk=curated["kubaisi"].pk).name == QUBAISI
    assert curated["qubaisi"].mentions.exists()
    log = CurationLog.objects.filter(action="reannotate").get()
    assert (log.user, log.details["total"]) == (editor, total)


def test_reannotation_with_a_new_recogniser_applies_the_curation_rules(
    demo, make_article, editor, immediate_tasks, monkeypatch
):
    curated = _curate(make_article, editor)
    real = nlp.annotate

    def recogniser(text: str) -> list[Span]:
        # The new recogniser tags the rejected name as an organisation and the place as before
        # its change of kind.
        out = []
        for span in real(text):
            if span.text == "باتريوت":
                span = Span(span.start, span.end, "ORG", span.text, span.norm)
            out.append(span)
        return out

    monkeypatch.setattr(nlp, "annotate", recogniser)
    start_reannotation(scope=ReannotationRun.Scope.ALL, user=editor)

    assert not Entity.objects.filter(key=entity_key("باتريوت")).exists()
    house = Entity.objects.get(pk=curated["house"].pk)
    assert house.kind == "LOC" and house.article_count == 1
    assert curated["qubaisi"].mentions.exists()


def test_reannotating_selected_articles_records_progress(make_article, editor):
    articles = [make_article(title=f"خبر {i}", body="زار الوفد بغداد.").article for i in range(3)]
    make_article(title="غير محدد", body="زار الوفد طهران.")
    chosen = [a.pk for a in articles[:2]]

    run = start_reannotation(scope=ReannotationRun.Scope.SELECTED, user=editor, article_ids=chosen)

    assert (run.status, run.total, run.done) == ("queued", 2, 0)
    task = DBTaskResult.objects.get(pk=run.task_id)
    assert task.args_kwargs == {"args": [run.pk], "kwargs": {}}
    assert reannotate.call(run.pk) == {"done": 2, "failed": 0}
    run.refresh_from_db()
    assert (run.status, run.done, run.percent) == ("finished", 2, 100)
    assert run.started_at and run.finished_at


def test_only_outdated_articles_are_reannotated_on_request(make_article, editor):
    current = make_article(title="أ", body="زار الوفد بغداد.").article
    old = make_article(title="ب", body="زار الوفد طهران.").article
    Article.objects.filter(pk=old.pk).update(annotator_version="gazetteer-0")
    run = start_reannotation(scope=ReannotationRun.Scope.OUTDATED, user=editor)
    assert run.total == 1
    reannotate.call(run.pk)
    old.refresh_from_db()
    assert old.annotator_version == nlp.ANNOTATOR_VERSION
    assert current.pk != old.pk


def test_a_failing_article_is_counted_and_the_run_goes_on(make_article, editor, monkeypatch):
    for i in range(2):
        make_article(title=f"خبر {i}", body="زار الوفد بغداد.")

    def broken(text: str) -> list[Span]:
        raise RuntimeError("model missing")

    monkeypatch.setattr(nlp, "annotate", broken)
    run = start_reannotation(scope=ReannotationRun.Scope.ALL, user=editor)
    assert reannotate.call(run.pk) == {"done": 2, "failed": 2}
    assert set(Article.objects.values_list("status", flat=True)) == {"failed"}
