"""The Arabic catalogue: every counted message in its six Arabic forms, compiled and current."""

from __future__ import annotations

import re

import pytest
from django.template import Context, Template
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import ngettext

from newsroom import catalogue

PO = catalogue.LOCALE_DIR / "ar" / "LC_MESSAGES" / "django.po"
COUNTS = (0, 1, 2, 3, 11, 100)


def test_the_compiled_catalogue_is_current():
    # A fresh clone shows the right forms with or without `make install` recompiling.
    assert PO.with_suffix(".mo").read_bytes() == catalogue.compiled(PO)


def test_the_catalogue_declares_the_arabic_plural_rule():
    assert catalogue.read_catalogue(PO).plural_forms == catalogue.ARABIC_PLURAL_FORMS


def test_every_counted_message_has_its_six_forms():
    entries = {
        (m.id[0], m.id[1]): m.string
        for m in catalogue.read_catalogue(PO)
        if isinstance(m.id, tuple)
    }
    found = catalogue.counted_messages()
    assert len(found) >= 20  # templates and Python alike
    for (one, many), where in found.items():
        forms = entries.get((one, many))
        assert forms is not None, f"{where}: no catalogue entry for {one!r}"
        assert len(forms) == 6 and all(forms), f"{where}: {one!r} lacks forms"
        # Forms 3-5 (3-10, 11-99, 100+) show the number; a placeholder never goes missing.
        for form in forms[3:]:
            assert "%(n)s" in form, f"{where}: {form!r}"
        names = set(re.findall(r"%\((\w+)\)s", many)) - {"n"}
        for form in forms:
            assert names <= set(re.findall(r"%\((\w+)\)s", form)), f"{where}: {form!r}"


# (singular, plural) as the source has them -> the forms for COUNTS
EXPECTED = {
    ("مقال واحد", "%(n)s مقالات"): [
        "لا مقالات",
        "مقال واحد",
        "مقالان",
        "3 مقالات",
        "11 مقالًا",
        "100 مقال",
    ],
    ("كيان مشترك", "%(n)s كيانات مشتركة"): [
        "لا كيانات مشتركة",
        "كيان مشترك واحد",
        "كيانان مشتركان",
        "3 كيانات مشتركة",
        "11 كيانًا مشتركًا",
        "100 كيان مشترك",
    ],
    ("نتيجة واحدة", "%(n)s نتائج"): [
        "لا نتائج",
        "نتيجة واحدة",
        "نتيجتان",
        "3 نتائج",
        "11 نتيجة",
        "100 نتيجة",
    ],
    ("مرة واحدة", "%(n)s مرات"): ["ولا مرة", "مرة واحدة", "مرتان", "3 مرات", "11 مرة", "100 مرة"],
    ("العنوان أطول من حرف واحد.", "العنوان أطول من %(n)s حرف."): [
        "العنوان ليس فارغًا.",
        "العنوان أطول من حرف واحد.",
        "العنوان أطول من حرفين.",
        "العنوان أطول من 3 أحرف.",
        "العنوان أطول من 11 حرفًا.",
        "العنوان أطول من 100 حرف.",
    ],
}


@pytest.mark.parametrize("message", list(EXPECTED), ids=lambda m: m[0])
def test_python_counts_take_the_arabic_form_of_their_number(message):
    with translation.override("ar"):
        got = [ngettext(*message, n) % {"n": n} for n in COUNTS]
    assert got == EXPECTED[message]


def test_a_count_past_100_takes_the_form_of_its_last_two_digits():
    with translation.override("ar"):
        forms = [ngettext("مقال واحد", "%(n)s مقالات", n) % {"n": n} for n in (101, 103, 111)]
    assert forms == ["101 مقال", "103 مقالات", "111 مقالًا"]


@pytest.mark.parametrize(
    ("template", "forms"),
    [
        (
            "{% blocktranslate count n=n %}مقال مشترك{% plural %}{{ n }} مقالات مشتركة"
            "{% endblocktranslate %}",
            [
                "لا مقالات مشتركة",
                "مقال مشترك واحد",
                "مقالان مشتركان",
                "3 مقالات مشتركة",
                "11 مقالًا مشتركًا",
                "100 مقال مشترك",
            ],
        ),
        (
            "{% blocktranslate count n=n %}كيان واحد{% plural %}{{ n }} كيانات"
            "{% endblocktranslate %}",
            ["لا كيانات", "كيان واحد", "كيانان", "3 كيانات", "11 كيانًا", "100 كيان"],
        ),
        (
            "{% blocktranslate count n=n %}مقال واحد يذكرهما معًا{% plural %}{{ n }} مقالات "
            "تذكرهما معًا{% endblocktranslate %}",
            [
                "لا مقالات تذكرهما معًا",
                "مقال واحد يذكرهما معًا",
                "مقالان يذكرانهما معًا",
                "3 مقالات تذكرهما معًا",
                "11 مقالًا يذكرهما معًا",
                "100 مقال يذكرهما معًا",
            ],
        ),
    ],
)
def test_template_counts_take_the_arabic_form_of_their_number(template, forms):
    compiled = Template("{% load i18n %}" + template)
    with translation.override("ar"):
        assert [compiled.render(Context({"n": n})) for n in COUNTS] == forms


ARABIC_INDIC = re.compile("[\u0660-\u0669\u06f0-\u06f9]")


@pytest.mark.django_db
def test_numbers_and_dates_are_written_in_western_digits(demo):
    client = Client()
    article = demo[0].article
    entity = article.mentions.first().entity
    pages = [
        reverse("reader:article_list"),
        article.get_absolute_url(),
        entity.get_absolute_url(),
        reverse("reader:search") + "?q=العراق",
    ]
    for url in pages:
        html = client.get(url).content.decode()
        assert not ARABIC_INDIC.search(html), url
        assert re.search(r"\d+ (يناير|فبراير|مارس|أبريل|مايو|يونيو) 2020", html), url
    actors = client.get(reverse("reader:actors")).content.decode()
    assert not ARABIC_INDIC.search(actors)
    assert re.search(r"\d+ (مقالات|مقالًا|مقال)<", actors)
