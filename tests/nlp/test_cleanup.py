"""Spans as a reader wants them (newsroom.nlp.cleanup), on hand-made sentences."""

from __future__ import annotations

import pytest

from newsroom.nlp.backends import Span
from newsroom.nlp.cleanup import clean_spans
from newsroom.nlp.text import entity_key


def _clean(text: str, name: str, kind: str) -> list[tuple[str, str]]:
    start = text.index(name)
    span = Span(start, start + len(name), kind, name, entity_key(name))
    return [(s.text, s.kind) for s in clean_spans(text, [span])]


@pytest.mark.parametrize(
    ("text", "name", "expected"),
    [
        (
            "استقبل الملك سلمان بن عبدالعزيز الوفد.",
            "الملك سلمان بن عبدالعزيز",
            "سلمان بن عبدالعزيز",
        ),
        ("وصل الأمير محمد بن نايف إلى جدة.", "الأمير محمد بن نايف", "محمد بن نايف"),
        ("التقى خالد الفيصل أمير منطقة مكة.", "خالد الفيصل أمير", "خالد الفيصل"),
        (
            "حضر سلمان بن عبدالعزيز وسمو ولي العهد.",
            "سلمان بن عبدالعزيز وسمو ولي",
            "سلمان بن عبدالعزيز",
        ),
        ("قال الرئيس السوري بشار الأسد إن…", "الرئيس السوري بشار الأسد", "بشار الأسد"),
        ("قال آية الله علي خامنئي إن…", "آية الله علي خامنئي", "علي خامنئي"),
        ("أعلن أبو بكر البغدادي البيان.", "أبو بكر البغدادي", "أبو بكر البغدادي"),
        # a title word that is a given name (سلطان) before بن stays
        ("وأوضح الأمير سلطان بن سلمان أن…", "الأمير سلطان بن سلمان", "سلطان بن سلمان"),
        ("قال السلطان قابوس بن سعيد إن…", "السلطان قابوس بن سعيد", "قابوس بن سعيد"),
    ],
)
def test_titles_and_roles_come_off_a_persons_name(text, name, expected):
    assert _clean(text, name, "PERS") == [(expected, "PERS")]


@pytest.mark.parametrize(
    ("text", "name", "kind", "expected"),
    [
        ("وصلت الطائرة بجدة صباحًا.", "بجدة", "LOC", "جدة"),
        ("أشاد لتنظيم داعش بيانًا.", "لتنظيم داعش", "ORG", "تنظيم داعش"),
        ("وصلت الشحنة لبنان أمس.", "لبنان", "LOC", "لبنان"),
        ("زار الوفد بغداد أمس.", "بغداد", "LOC", "بغداد"),
        ("نقلت وكالة الأنباء الخبر.", "وكالة الأنباء", "ORG", "وكالة الأنباء"),
    ],
)
def test_a_proclitic_comes_off_only_before_a_known_name(text, name, kind, expected):
    assert _clean(text, name, kind) == [(expected, kind)]


def test_countries_before_an_organisation_stay_outside_its_name():
    text = "تشكل دول مجلس التعاون الخليجي حالة فريدة."
    name = "دول مجلس التعاون الخليجي"
    assert _clean(text, name, "ORG") == [("مجلس التعاون الخليجي", "ORG")]


def test_a_blessing_after_a_name_is_no_part_of_it():
    text = "وكان الراحل الشيخ زايد رحمه الله قد أسس الدولة."
    assert _clean(text, "زايد رحمه الله", "PERS") == [("زايد", "PERS")]
    assert _clean("“رحمه الله” وترحم عليه", "رحمه الله", "PERS") == []
    text = "أسس الملك عبدالعزيز طيب الله ثراه الدولة."
    assert _clean(text, "عبدالعزيز طيب الله", "PERS") == [("عبدالعزيز", "PERS")]
    # names with الله stay whole (نصر الله)
    assert _clean("وقال حسن نصر الله إن", "حسن نصر الله", "PERS") == [("حسن نصر الله", "PERS")]
    # رحمة الله with ة may be a name (رحمة الله نبيل)
    text = "وقال رئيس المخابرات رحمة الله نبيل إن"
    assert _clean(text, "رحمة الله نبيل", "PERS") == [("رحمة الله نبيل", "PERS")]


def test_traffic_and_trade_are_no_movements():
    for name in ("حركة النقل الجوي", "حركة الملاحة الجوية", "لحركة التجارة الخارجية"):
        assert _clean(f"وتوقفت {name} أمس.", name, "ORG") == [], name
    name = "حركة المقاومة الإسلامية"
    assert _clean(f"وقالت {name} إن", name, "ORG") == [(name, "ORG")]


def test_coordinated_names_are_split():
    text = "التقى كيري ولافروف في جنيف."
    assert _clean(text, "كيري ولافروف", "PERS") == [("كيري", "PERS"), ("لافروف", "PERS")]


def test_coordinated_organisations_are_split_before_a_head_noun():
    text = "رحبت المنظمة الدولية والاتحاد الأفريقي بالاتفاق."
    name = "المنظمة الدولية والاتحاد الأفريقي"
    assert _clean(text, name, "ORG") == [("المنظمة الدولية", "ORG"), ("الاتحاد الأفريقي", "ORG")]
    for name in (
        "حزب العدالة والتنمية",
        "هيئة الأمر بالمعروف والنهي عن المنكر",
        # a body's two fields after لل, though العلوم is also a place's name
        "مؤسسة قطر للتربية والعلوم",
        "منظمة الأمم المتحدة للتربية والعلوم والثقافة",
    ):
        assert _clean(f"قال {name} إن…", name, "ORG") == [(name, "ORG")]


def test_two_organisations_of_one_bare_word_each_are_split():
    for name, parts in (
        ("غوغل ومايكروسوفت", ["غوغل", "مايكروسوفت"]),
        ("أبل وسامسونغ", ["أبل", "سامسونغ"]),
    ):
        assert _clean(f"قالت {name} إن…", name, "ORG") == [(p, "ORG") for p in parts]
    # a second word that begins with و, or a person's name, is not split this way
    for name, kind in (("ديزني وورلد", "ORG"), ("كريم وحيد", "PERS")):
        assert _clean(f"قال {name} إن…", name, kind) == [(name, kind)]


def test_staff_after_a_military_rank_comes_off_a_name():
    text = "قال العميد ركن أحمد عسيري إن…"
    assert _clean(text, "ركن أحمد عسيري", "PERS") == [("أحمد عسيري", "PERS")]
    text = "حضر ركن الدين محمد الحفل."
    assert _clean(text, "ركن الدين محمد", "PERS") == [("ركن الدين محمد", "PERS")]


def test_a_given_name_with_waw_is_not_split():
    text = "قال محمد وليد إن الاجتماع مهم."
    assert _clean(text, "محمد وليد", "PERS") == [("محمد وليد", "PERS")]


@pytest.mark.parametrize(
    ("text", "name", "kind"),
    [
        ("قال الحمد الله على السلامة.", "الله", "MISC"),
        ("بلغ سعر الدولار ثلاثة ريالات.", "الدولار", "MISC"),
        ("ارتفع الريال السعودي.", "الريال السعودي", "MISC"),
        ("انتقد المسؤولون الإيرانية السياسة.", "الإيرانية", "ORG"),
        ("اعتنق الإسلام منذ سنوات.", "الإسلام", "MISC"),
    ],
)
def test_god_religions_currencies_and_nationality_adjectives_are_never_marked(text, name, kind):
    assert _clean(text, name, kind) == []


def test_descriptor_words_stay_outside_names():
    text = "فاز نادي الهلال أمس."
    assert _clean(text, "نادي الهلال", "ORG") == [("الهلال", "ORG")]


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("قال نوري المالكي إن…", "نوري المالكي"),
        ("غنى هاني شاكر أمس.", "هاني شاكر"),
        ("أعلن تركي آل الشيخ القرار.", "تركي آل الشيخ"),
    ],
)
def test_a_given_name_that_looks_like_an_adjective_stays(text, name):
    assert _clean(text, name, "PERS") == [(name, "PERS")]


def test_a_span_cut_inside_a_word_loses_no_second_proclitic():
    text = "سافر الوفد للعراق أمس."
    start = text.index("لعراق")
    span = Span(start, start + 5, "LOC", "لعراق", "العراق")
    assert [(s.text, s.norm) for s in clean_spans(text, [span])] == [("لعراق", "العراق")]


def test_listed_names_side_by_side_are_split():
    text = "تتنافس فيسبوك جوجل على الإعلانات."
    assert _clean(text, "فيسبوك جوجل", "PERS") == [("فيسبوك", "ORG"), ("جوجل", "ORG")]


def test_a_listed_name_that_is_an_ordinary_word_is_not_marked_everywhere():
    from newsroom.nlp import annotate

    text = "فتح المحققون ملف القضية، وقالت الشرطة إن القاعدة تنطبق على الجميع."
    assert [s.text for s in annotate(text)] == []


def test_an_ordinary_word_spelling_is_marked_only_beside_its_full_name():
    from newsroom.nlp import annotate

    text = "زار إسماعيل غاني بغداد بعد اغتيال لسلف غني."
    assert ("غني", "PERS") in [(s.text, s.kind) for s in annotate(text)]
    assert [s.text for s in annotate("هذا البلد غني بالثروات الطبيعية.")] == []


def test_an_organisation_named_after_a_person_is_one_name():
    from newsroom.nlp.backends import Span

    text = "حضر طلاب جامعة الملك عبدالعزيز بجدة الحفل."
    org, person = "جامعة الملك", "عبدالعزيز بجدة"
    spans = [
        Span(text.index(org), text.index(org) + len(org), "ORG", org, entity_key(org)),
        Span(text.index(person), text.index(person) + len(person), "PERS", person, "x"),
    ]
    assert [(s.text, s.kind) for s in clean_spans(text, spans)] == [
        ("جامعة الملك عبدالعزيز", "ORG"),
        ("جدة", "LOC"),
    ]


def test_a_name_ending_like_a_place_after_a_preposition_stays_whole():
    assert _clean("قال أبو بكر البغدادي إن…", "أبو بكر", "PERS") == [("أبو بكر", "PERS")]
    assert _clean("قال الرئيس بشار الأسد إن…", "بشار الأسد", "PERS") == [("بشار الأسد", "PERS")]


@pytest.mark.parametrize(
    ("text", "name", "expected"),
    [
        ("قال محامي برونسون إن القضية سياسية.", "محامي برونسون", "برونسون"),
        ("وأكد إنجاز لويس سواريز ذلك.", "إنجاز لويس سواريز", "لويس سواريز"),
        ("التقى أفيغدور ليبرمان الخميس الوفد.", "أفيغدور ليبرمان الخميس", "أفيغدور ليبرمان"),
        ("وصف جيمس ماتيس المسماة الخطة.", "جيمس ماتيس المسماة", "جيمس ماتيس"),
        # names that are ordinary words too stay whole
        ("قال الملك عبد الله الثاني إن…", "عبد الله الثاني", "عبد الله الثاني"),
        ("كتب سلمان العودة مقالا.", "سلمان العودة", "سلمان العودة"),
        ("قال بشار الأسد إن…", "بشار الأسد", "بشار الأسد"),
        ("قال جورج بوش الابن إن…", "جورج بوش الابن", "جورج بوش الابن"),
        # the word after عبد or أبو is the second half of a compound name
        ("ويشارك أشرف عبد الباقي في العمل.", "أشرف عبد الباقي", "أشرف عبد الباقي"),
        ("قال حجاج عبد العظيم إن…", "حجاج عبد العظيم", "حجاج عبد العظيم"),
    ],
)
def test_ordinary_words_and_times_come_off_a_persons_name(text, name, expected):
    assert _clean(text, name, "PERS") == [(expected, "PERS")]


@pytest.mark.parametrize(
    ("text", "name", "expected"),
    [
        ("وصل الوفد إلى بيونغ يانغ أمس.", "بيونغ يانغ", "بيونغ يانغ"),  # not ب + يونغ
        ("قصفت الطائرات وحمص.", "وحمص", "حمص"),  # a place of three letters
        ("وصل ببيروت الشرقية.", "ببيروت الشرقية", "بيروت الشرقية"),
    ],
)
def test_a_proclitic_comes_off_a_place_only_where_the_name_is_known(text, name, expected):
    assert _clean(text, name, "LOC") == [(expected, "LOC")]


def test_a_country_between_an_organisation_s_head_and_an_adjective_is_an_organisation():
    text = "هاجموا مواقع تابعة لقوات سوريا الديمقراطية المدعومة أمريكيا."
    assert _clean(text, "سوريا", "LOC") == [("قوات سوريا الديمقراطية", "ORG")]
    # the country's forces, the country alone
    assert _clean("قالت قوات سوريا إن الهجوم فشل.", "سوريا", "LOC") == [("سوريا", "LOC")]
    assert _clean("وصلت قوات سوريا التي انسحبت.", "سوريا", "LOC") == [("سوريا", "LOC")]
    assert _clean("قوات سوريا الإيرانية", "سوريا", "LOC") == [("سوريا", "LOC")]
    assert _clean("قصفت قوات روسيا المدينة.", "روسيا", "LOC") == [("روسيا", "LOC")]
    assert _clean("أعلن جيش سوريا الحر البيان.", "سوريا", "LOC") == [("جيش سوريا الحر", "ORG")]


@pytest.mark.parametrize(
    ("text", "name", "kind", "expected"),
    [
        (
            "قالت منظمة العفو الدولية الخميس إن",
            "منظمة العفو الدولية الخميس",
            "ORG",
            "منظمة العفو الدولية",
        ),
        ("وصل الوفد إلى دير الزور أمس.", "دير الزور أمس", "LOC", "دير الزور"),
        # اليوم and months end names
        ("ذكرت قناة روسيا اليوم أن", "روسيا اليوم", "ORG", "روسيا اليوم"),
        ("قالت حركة 20 فبراير إن", "حركة 20 فبراير", "ORG", "حركة 20 فبراير"),
    ],
)
def test_a_day_comes_off_the_end_of_an_organisation_or_a_place(text, name, kind, expected):
    assert _clean(text, name, kind) == [(expected, kind)]


def _spans(text: str, *marked: tuple[str, str]) -> list[tuple[str, str, str]]:
    spans = []
    for name, kind in marked:
        start = text.index(name)
        spans.append(Span(start, start + len(name), kind, name, entity_key(name)))
    return [(s.text, s.kind, s.norm) for s in clean_spans(text, spans)]


@pytest.mark.parametrize(
    ("text", "marked", "paper"),
    [
        ("وقال مدير الشرطة لـ«الرياض» إن الحادث وقع أمس.", [("الرياض", "LOC")], "الرياض"),
        ('نقلت صحيفة "الوطن" السورية عن مصدر عسكري.', [], "الوطن"),
        ("وأوضح في تصريح لـ «المدينة» أن المشروع سينتهي.", [], "المدينة"),
        ('نقلا عن "الشرق الأوسط" السعودية', [("الشرق الأوسط", "LOC")], "الشرق الأوسط"),
        ("بغداد: « الشرق الأوسط » هددت الحكومة بالانسحاب.", [], "الشرق الأوسط"),
        ("وكتب في جريدة الرياض مقالا عن الاقتصاد.", [("الرياض", "LOC")], "الرياض"),
        ("نقلت «سبق» عن مصادرها أن الصيانة بدأت.", [], "سبق"),
    ],
)
def test_a_newspaper_named_like_a_place_or_a_word_is_an_organisation(text, marked, paper):
    assert (paper, "ORG", entity_key("صحيفة " + paper)) in _spans(text, *marked)
    assert not [s for s in _spans(text, *marked) if s[1] == "LOC"]


def test_two_newspapers_and_their_nationality():
    text = 'وذكرت صحيفتا "عكاظ" و"الرياض" السعوديتان أن المحكمة أصدرت حكمها.'
    spans = _spans(text, ("عكاظ", "ORG"), ("الرياض", "LOC"), ("السعوديتان", "LOC"))
    assert [(name, kind) for name, kind, _ in spans] == [("عكاظ", "ORG"), ("الرياض", "ORG")]


@pytest.mark.parametrize(
    "text",
    [
        'وصل الوفد إلى "الرياض" أمس.',  # quoted, but no newspaper's cue
        'وقال "إن الوضع في الرياض هادئ" ثم غادر.',
        "وقال إنه عاد إلى الرياض أمس.",
    ],
)
def test_a_place_in_quotes_without_a_press_cue_stays_a_place(text):
    assert [s[:2] for s in _spans(text, ("الرياض", "LOC"))] == [("الرياض", "LOC")]


def test_any_short_name_in_quotes_after_a_press_word_is_an_organisation():
    text = 'وبحسب الموقع الإلكتروني لصحيفة "ماركا" المدريدية بيعت كل التذاكر.'
    assert [s[:2] for s in _spans(text, ("ماركا", "PERS"))] == [("ماركا", "ORG")]


@pytest.mark.parametrize(
    ("name", "expected"),
    [("مكة المكرمة", "مكة"), ("بمكة المكرمة", "مكة"), ("النجف الأشرف", "النجف")],
)
def test_a_holy_city_s_epithet_stays_outside_its_name(name, expected):
    text = f"وصل الحجاج إلى {name} أمس."
    assert _clean(text, name, "LOC") == [(expected, "LOC")]


def test_an_epithet_that_is_part_of_a_name_stays():
    text = "صلى المصلون في الحرم الشريف أمس."
    assert _clean(text, "الحرم الشريف", "LOC") == [("الحرم الشريف", "LOC")]


@pytest.mark.parametrize(
    ("name", "expected"),
    [("لدوري أبطال أفريقيا", "دوري أبطال أفريقيا"), ("بكأس العالم للأندية", "كأس العالم للأندية")],
)
def test_a_proclitic_comes_off_an_event_s_name(name, expected):
    text = f"تأهل الفريق {name} بعد فوزه."
    assert _clean(text, name, "MISC") == [(expected, "MISC")]


def test_a_one_word_organisation_before_a_second_one_s_head_is_split():
    text = "شارك ممثلون عن سابك والبنك الأهلي التجاري."
    assert _clean(text, "سابك والبنك الأهلي التجاري", "ORG") == [
        ("سابك", "ORG"),
        ("البنك الأهلي التجاري", "ORG"),
    ]
    text = "فاز مرشح حزب العدالة والتنمية."
    assert _clean(text, "حزب العدالة والتنمية", "ORG") == [("حزب العدالة والتنمية", "ORG")]


def test_an_institution_named_after_a_king_keeps_its_head():
    text = "وأعلنت مدينة الملك عبدالعزيز للعلوم والتقنية إطلاق قمر."
    name = "مدينة الملك عبدالعزيز للعلوم والتقنية"
    assert _clean(text, name, "ORG") == [(name, "ORG")]


@pytest.mark.parametrize("before", ["مع الملك", "بالملك"])
def test_a_given_name_after_a_title_outside_its_span_is_keyed_with_the_title(before):
    text = f"يجتمع الرئيس {before} سلمان في الرياض."
    assert _spans(text, ("سلمان", "PERS")) == [("سلمان", "PERS", entity_key("الملك سلمان"))]
    # without a title before it, a given name keeps its own key, and so does a family name
    text = "وقال سلمان إن الأمر انتهى."
    assert _spans(text, ("سلمان", "PERS")) == [("سلمان", "PERS", entity_key("سلمان"))]
    text = "وقال الرئيس الأسد إن الحرب انتهت."
    assert _spans(text, ("الأسد", "PERS")) == [("الأسد", "PERS", entity_key("الأسد"))]
