from __future__ import annotations

import pytest

from newsroom.entities.linking import link_article
from newsroom.entities.models import Entity, Mention
from newsroom.nlp import Span, entity_key
from newsroom.nlp.cleanup import clean_spans
from newsroom.nlp.resolve import name_key

# One person written two ways (ك / ق) that linking keeps apart, neither spelling being in the
# table of well-known names: the pair that editors merge, split or mark distinct in these tests.
KUBAISI, QUBAISI = "وليد الكبيسي", "وليد القبيسي"


@pytest.fixture
def editor(django_user_model):
    return django_user_model.objects.create_superuser("curator", password="x")


@pytest.fixture
def curator_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def immediate_tasks(settings):
    """Run enqueued tasks at once, in the test's transaction."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def entity(name: str, kind: str) -> Entity:
    return Entity.objects.get(kind=kind, key=name_key(kind, name))


def linked_article(make_article, body: str, *names: tuple[str, str], clean: bool = False):
    """An article whose body names ``names`` (text, kind) and nothing else, linked from
    hand-made spans as if the recogniser had marked exactly those (cleaned as every recogniser's
    are when ``clean``)."""
    article = make_article(title="خبر", body=body).article
    spans, at = [], 0
    for text, kind in names:
        start = body.index(text, at)
        at = start + len(text)
        spans.append(Span(start, at, kind, text, entity_key(text)))
    link_article(article, {"title": [], "body": clean_spans(body, spans) if clean else spans})
    return article


def linked_mentions() -> set[tuple[int, str, int, int, int]]:
    """Every stored mention as (article, field, start, end, entity)."""
    return set(Mention.objects.values_list("article_id", "field", "start", "end", "entity_id"))


def entity_state() -> set[tuple[int, str, str, str, int]]:
    return set(
        Entity.objects.filter(article_count__gt=0).values_list(
            "pk", "kind", "key", "name", "article_count"
        )
    )
