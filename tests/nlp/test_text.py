"""Normalisation, linking keys, tokenisation and sentence bounds (no Django, no database)."""

from __future__ import annotations

from camel_tools.tokenizers.word import simple_word_tokenize

from newsroom.nlp import entity_key, normalize_letters, sentence_bounds
from newsroom.nlp.text import _PRESENTATION_RE, _fold_steps, clitic_analyses, tokenize


def test_normalize_letters_folds_spelling_variants():
    assert normalize_letters("أإآٱا") == "ااااا"
    assert normalize_letters("مصطفى") == "مصطفي"
    assert normalize_letters("مدينة") == "مدينه"
    assert normalize_letters("قَاسِمٌ") == "قاسم"
    assert normalize_letters("ســلـيـمـانـي") == "سليماني"
    assert normalize_letters("\u200fإيران\u200e") == "ايران"
    # spaces and punctuation are left alone
    assert normalize_letters("بغداد، طهران") == "بغداد، طهران"


def test_normalize_letters_agrees_with_its_steps_on_every_character():
    # normalize_letters runs its steps as one deletion and a few replacements (text._fold_table)
    every = [chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000]
    plain = "".join(ch for ch in every if not _PRESENTATION_RE.match(ch))
    assert normalize_letters(plain) == _fold_steps(plain)
    assert "".join(normalize_letters(ch) for ch in every[:0x700]) == _fold_steps(
        "".join(every[:0x700])
    )
    assert normalize_letters("ﻹيران") == "لايران"  # presentation forms are folded first


def test_entity_key_links_spellings():
    assert entity_key("إيران") == entity_key("ايران") == "ايران"
    assert entity_key("قاسم سليماني") == entity_key("قَاسِم سُلَيْمـانـي") == "قاسم سليماني"
    assert entity_key("العراق") == entity_key("عراق") == entity_key("العِراق") == "عراق"
    assert entity_key("مكة المكرمة") == entity_key("مكه المكرمه")  # ta marbuta
    assert entity_key("مصطفى الكاظمي") == entity_key("مصطفي الكاظمي")  # alef maqsura
    assert entity_key("أمريكا") == entity_key("امريكا")
    assert entity_key("  الولايات   المتحدة ") == "ولايات المتحده"


def test_entity_key_article_rules():
    assert entity_key("حزب الله") == "حزب الله"  # only the first word loses its article
    assert entity_key("الله") == "الله"
    assert entity_key("الري") == "ري"  # two letters remain
    assert entity_key("الم") == "الم"  # one letter would remain
    assert entity_key("كوفيد-19") == "كوفيد 19"  # punctuation dropped
    assert entity_key("“داعش”") == "داعش"


def test_tokens_match_camel_tools_and_offsets():
    text = "قال: «مرحباً» — العراق، 3.5% (تجربة) \u200fإيران\u200f 😀 والـعـراق"
    toks = tokenize(text)
    assert [t.text for t in toks] == simple_word_tokenize(text)
    for t in toks:
        assert text[t.start : t.end] == t.text
        assert t.norm == normalize_letters(t.text)


def test_clitic_analyses():
    assert ("العراق", 1) in clitic_analyses("والعراق")
    assert ("العراق", 1) in clitic_analyses("للعراق")  # ل + ال written لل
    assert ("العراق", 2) in clitic_analyses("وبالعراق")
    assert clitic_analyses("بغداد")[0] == ("بغداد", 0)


def _check_cover(text: str) -> list[tuple[int, int]]:
    bounds = sentence_bounds(text)
    assert bounds[0][0] == 0
    assert bounds[-1][1] == len(text)
    for (_, e), (s, _) in zip(bounds, bounds[1:], strict=False):
        assert e == s
    return bounds


def test_sentence_bounds_split_and_cover():
    text = "قال إن النمو بلغ 3.5 في المئة. هل يستمر؟ نعم!\nسطر جديد… وآخر"
    pieces = [text[s:e] for s, e in _check_cover(text)]
    assert pieces == [
        "قال إن النمو بلغ 3.5 في المئة. ",
        "هل يستمر؟ ",
        "نعم!\n",
        "سطر جديد… ",
        "وآخر",
    ]


def test_sentence_bounds_quotes_abbreviations_and_edges():
    text = "وقال “هذا يكفي.” ثم غادر. التقى د. محمد بالوفد"
    pieces = [text[s:e] for s, e in _check_cover(text)]
    assert pieces == ["وقال “هذا يكفي.” ", "ثم غادر. ", "التقى د. محمد بالوفد"]
    assert sentence_bounds("") == []
    assert sentence_bounds("جملة واحدة") == [(0, 10)]
    assert _check_cover("\n\nأولى.\n\nثانية\n") == [(0, 9), (9, 15)]
