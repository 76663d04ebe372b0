import pytest
from newsroom.entities.models import Entity, Mention

pytestmark = pytest.mark.django_db


def test_probe(make_article):
    for body in [
        "سافر الوفد للعراق أمس.",
        "أعلنت قوات حرس إقليم كردستان (البيشمركة) أنها جاهزة.",
        "قال نوري المالكي إن الحكومة جاهزة.",
        "وصل الوفد للكويت أمس.",
    ]:
        a = make_article(title="خبر", body=body).article
        for m in Mention.objects.filter(article=a).select_related("entity", "alias"):
            print("M", repr(body[m.start:m.end]), "->", m.entity.kind, m.entity.key, "|", m.entity.name)
