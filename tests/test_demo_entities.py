"""The demo ingest runs the trained recogniser: the seed article is stored with its version and
its nine acceptance entities, each mention without surrounding space or an attached proclitic."""

from __future__ import annotations

import pytest

from newsroom import nlp
from newsroom.entities.models import Mention
from newsroom.nlp.resolve import name_key
from tests.conftest import SEED_ENTITIES

pytestmark = pytest.mark.django_db


def test_the_seed_article_is_annotated_by_the_trained_recogniser(demo):
    seed = next(r.article for r in demo if r.label == "article-00.txt")
    assert nlp.ANNOTATOR_VERSION == "bilstm-crf-4.5"
    assert seed.annotator_version == nlp.ANNOTATOR_VERSION
    mentions = Mention.objects.filter(article=seed).select_related("entity")
    found = {(m.entity.kind, m.entity.key) for m in mentions}
    for name, kind in SEED_ENTITIES.items():
        assert (kind, name_key(kind, name)) in found, name
    for m in mentions:
        text = seed.title if m.field == Mention.Field.TITLE else seed.body
        name = text[m.start : m.end]
        assert name and name.strip() == name
        assert not name.startswith(("وطهران", "بطهران", "لإيران", "بإيران", "وواشنطن"))


def test_the_demo_spellings_of_the_quds_force_commander_are_one_entity(demo):
    from newsroom.entities.models import Entity

    ghani = Entity.objects.get(kind="PERS", key=name_key("PERS", "إسماعيل غاني"))
    spellings = set(ghani.aliases.values_list("text", flat=True))
    assert {"إسماعيل غاني", "إسماعيل قاآني", "غني", "قاآني"} <= spellings
    assert not Entity.objects.filter(kind="PERS", name__in=["غني", "قاآني", "غاني"]).exists()
