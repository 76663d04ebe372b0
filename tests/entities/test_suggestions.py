from __future__ import annotations

import time

import pytest

from newsroom.entities import curation
from newsroom.entities.models import Entity
from newsroom.entities.suggestions import candidate_pairs, merge_suggestions, name_match, skeleton
from newsroom.nlp import entity_key
from tests.entities.conftest import KUBAISI, QUBAISI, entity


def _e(name: str, kind: str = "PERS", pk: int = 0) -> Entity:
    return Entity(pk=pk or None, kind=kind, key=entity_key(name), name=name)


@pytest.mark.parametrize(
    ("a", "b"),
    [("غاني", "غني"), ("غاني", "قاآني"), ("غني", "قاآني"), ("إسماعيل غاني", "إسماعيل قاآني")],
)
def test_transliteration_variants_look_alike(a, b):
    match = name_match(_e(a), _e(b))
    assert match is not None and match.similarity >= 0.8


def test_the_skeletons_of_the_variants_are_one():
    assert skeleton("غاني") == skeleton("غني") == skeleton("قااني")


def test_a_name_with_and_without_the_article_is_the_same_name():
    match = name_match(_e("حزب الدعوة", "ORG"), _e("حزب دعوة", "ORG"))
    assert match is not None and match.similarity == 1.0
    assert "ال" in match.reason


def test_a_surname_alone_matches_the_full_name_of_a_person_only():
    match = name_match(_e("الكاظمي"), _e("مصطفى الكاظمي"))
    assert match is not None and "العائلة" in match.reason
    assert name_match(_e("الكاظمي", "LOC"), _e("مصطفى الكاظمي", "LOC")) is None


@pytest.mark.parametrize(("a", "b"), [("إيران", "طهران"), ("قاسم سليماني", "حسن سليماني")])
def test_different_names_do_not_match(a, b):
    assert name_match(_e(a), _e(b)) is None


def test_candidate_pairs_stay_fast_on_thousands_of_entities():
    letters = "بتجحدرزسشصطعفقلمنهكغ"
    names = {
        letters[i % 20] + letters[(i // 20) % 20] + "ا" + letters[(i // 400) % 20] + "ي"
        for i in range(3000)
    }
    entities = [_e(name, pk=i + 1) for i, name in enumerate(sorted(names))]
    started = time.monotonic()
    pairs = candidate_pairs(entities)
    assert time.monotonic() - started < 5
    assert all(a.pk != b.pk for a, b, _ in pairs)


def _variant_spellings(make_article) -> None:
    """A person under two spellings (three articles and one) and a town under two (one each),
    each time with بغداد."""
    make_article(title="أ", body=f"زار {KUBAISI} بغداد والتقى مسؤولين في العراق.")
    make_article(title="ب", body=f"التقى {KUBAISI} وزير الخارجية في بغداد.")
    make_article(title="ج", body=f"عاد {KUBAISI} إلى بغداد من طهران.")
    make_article(title="د", body=f"وصل {QUBAISI} إلى بغداد.")
    make_article(title="هـ", body="وصل الوفد إلى مدينة سنجار قادما من بغداد.")
    make_article(title="و", body="وصل الوفد إلى مدينة سينجار قادما من بغداد.")


@pytest.mark.django_db
def test_variant_spellings_are_suggested_with_their_evidence(make_article):
    _variant_spellings(make_article)
    suggestions = merge_suggestions()
    pairs = {(s.survivor.name, s.other.name): s for s in suggestions}
    assert ("سنجار", "سينجار") in pairs or ("سينجار", "سنجار") in pairs
    assert (KUBAISI, QUBAISI) in pairs
    person = pairs[KUBAISI, QUBAISI]
    assert person.shared_comentions > 0
    assert "بغداد" in {e.name for e in person.examples}
    assert person.survivor.article_count == 3 and person.other.article_count == 1
    assert all(s.survivor.kind == s.other.kind for s in suggestions)
    assert [s.score for s in suggestions] == sorted((s.score for s in suggestions), reverse=True)


@pytest.mark.django_db
def test_the_demo_variant_spellings_are_one_entity_and_need_no_merge(demo):
    # The table of well-known names links every spelling of these to one entity, so the demo
    # leaves no pair for an editor to merge.
    usa = entity("الولايات المتحدة", "LOC")
    assert entity("أمريكا", "LOC") == usa == entity("أميركا", "LOC")
    assert {"أمريكا", "أميركا"} <= set(usa.aliases.values_list("text", flat=True))
    qaani = entity("إسماعيل قاآني", "PERS")
    assert entity("إسماعيل غاني", "PERS") == qaani
    assert {"إسماعيل غاني", "إسماعيل قاآني"} <= set(qaani.aliases.values_list("text", flat=True))
    assert merge_suggestions() == []


@pytest.mark.django_db
def test_pairs_marked_distinct_or_merged_are_no_longer_suggested(make_article, django_user_model):
    _variant_spellings(make_article)
    user = django_user_model.objects.create_user("c")
    assert merge_suggestions(kind="LOC")
    curation.mark_distinct(first=entity("سنجار", "LOC"), second=entity("سينجار", "LOC"), user=user)
    names = {(s.survivor.name, s.other.name) for s in merge_suggestions()}
    assert names == {(KUBAISI, QUBAISI)}
    assert merge_suggestions(kind="LOC") == []
    curation.merge_entities(
        survivor=entity(KUBAISI, "PERS"), others=[entity(QUBAISI, "PERS")], user=user
    )
    assert merge_suggestions() == []
