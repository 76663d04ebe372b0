"""Resolution keys (newsroom.nlp.resolve): which spellings name one actor or place."""

from __future__ import annotations

import pytest

from newsroom.nlp.knowledge import is_given_name, known_entities
from newsroom.nlp.resolve import name_key


@pytest.mark.parametrize(
    ("kind", "a", "b"),
    [
        ("PERS", "عبد ربه منصور هادي", "عبدربه منصور هادي"),
        ("PERS", "عبد الفتاح السيسي", "عبدالفتاح السيسي"),
        ("PERS", "محمد بن نايف بن عبدالعزيز آل سعود", "محمد بن نايف"),
        ("PERS", "سلمان بن عبد العزيز آل سعود", "سلمان بن عبدالعزيز"),
        ("PERS", "عادل بن أحمد الجبير", "عادل الجبير"),  # a father's name before the family's
        ("PERS", "إسماعيل غاني", "إسماعيل قاآني"),
        ("PERS", "غني", "إسماعيل قاآني"),
        ("PERS", "أوباما", "باراك أوباما"),
        ("ORG", "الحوثيون", "الحوثيين"),
        ("ORG", "جماعة الحوثي", "الحوثيين"),
        ("ORG", "تنظيم داعش", "داعش"),
        ("ORG", "منظمة أوبك", "أوبك"),
        ("ORG", "مجلس الأمن الدولي", "مجلس الأمن"),
        ("ORG", "مجلس التعاون لدول الخليج العربية", "مجلس التعاون الخليجي"),
        ("ORG", "الاتحاد الدولي لكرة القدم", "فيفا"),
        ("ORG", "الإخوان المسلمون", "الإخوان المسلمين"),
        ("ORG", "بنفيكا البرتغالي", "بنفيكا"),  # a country's adjective after a name
        ("ORG", "الترجي التونسي", "الترجي"),
        ("ORG", "نادي الزمالك المصري", "الزمالك"),
        ("ORG", "حزب الله اللبناني", "حزب الله"),
        ("ORG", "تسلا للسيارات", "تسلا"),  # what a company of one word makes
        ("ORG", "سامسونغ للإلكترونيات", "سامسونغ"),
        ("ORG", "الهيئة العامة للرياضة", "هيئة الرياضة"),  # "general" left out
        ("ORG", "المؤسسة العامة للتأمينات الاجتماعية", "مؤسسة التأمينات الاجتماعية"),
        ("LOC", "إقليم كردستان", "كردستان"),  # a head before a name
        ("LOC", "شبه جزيرة القرم", "القرم"),
        ("LOC", "أمريكا", "الولايات المتحدة"),
        ("LOC", "أميركا", "الولايات المتحدة الأمريكية"),
        ("LOC", "المملكة العربية السعودية", "السعودية"),
        ("LOC", "مدينة جدة", "جدة"),
        ("LOC", "أبو ظبي", "أبوظبي"),
    ],
)
def test_spellings_of_one_entity_share_a_key(kind, a, b):
    assert name_key(kind, a) == name_key(kind, b)


@pytest.mark.parametrize(
    ("kind", "a", "b"),
    [
        ("PERS", "محمد بن سلمان", "سلمان بن عبدالعزيز"),
        ("PERS", "خالد بن سلمان", "محمد بن سلمان"),
        ("PERS", "محمد بن نايف", "محمد بن سلمان"),
        ("PERS", "سلمان", "سلمان بن عبدالعزيز"),
        ("PERS", "محمد بن سلمان الفرج", "محمد بن سلمان"),
        ("ORG", "حزب الله", "حزب الدعوة"),
        ("LOC", "جدة", "مكة"),
        # the adjective names another organisation of another country
        ("ORG", "الجيش اللبناني", "الجيش"),
        ("ORG", "الجيش اللبناني", "الجيش السوري"),
        ("ORG", "الأهلي المصري", "الأهلي"),
        ("ORG", "وزارة الصحة السعودية", "وزارة الصحة"),
        ("ORG", "حزب العمال الكردستاني", "حزب العمال"),
        ("ORG", "الاتحاد السعودي", "الاتحاد"),
        ("ORG", "النيابة العامة", "النيابة"),
        ("ORG", "الجمعية العامة للأمم المتحدة", "الأمم المتحدة"),
        ("ORG", "الاتحاد للطيران", "الاتحاد"),  # an ordinary word with what it does
        ("ORG", "المؤسسة للتنمية", "المؤسسة"),
        # a head before an ordinary word or an adjective stays
        ("LOC", "شبه جزيرة العرب", "العرب"),
        ("LOC", "إقليم الشمال", "الشمال"),
    ],
)
def test_different_entities_keep_different_keys(kind, a, b):
    assert name_key(kind, a) != name_key(kind, b)


def test_the_table_lists_each_spelling_once_per_kind():
    seen: dict[tuple[str, str], str] = {}
    for entity in known_entities():
        for spelling in entity.spellings:
            key = (entity.kind, name_key(entity.kind, spelling))
            assert seen.setdefault(key, entity.name) == entity.name, spelling


def test_given_names_come_from_the_shipped_name_list():
    assert is_given_name("محمد") and is_given_name("خالد")
    assert not is_given_name("ترامب") and not is_given_name("السيسي")
