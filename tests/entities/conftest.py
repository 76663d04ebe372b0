from __future__ import annotations

import pytest

from newsroom.entities.models import Entity, Mention
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


def linked_mentions() -> set[tuple[int, str, int, int, int]]:
    """Every stored mention as (article, field, start, end, entity)."""
    return set(Mention.objects.values_list("article_id", "field", "start", "end", "entity_id"))


def entity_state() -> set[tuple[int, str, str, str, int]]:
    return set(
        Entity.objects.filter(article_count__gt=0).values_list(
            "pk", "kind", "key", "name", "article_count"
        )
    )
