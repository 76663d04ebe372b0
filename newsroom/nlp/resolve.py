"""Resolution keys: one key for the spellings of one real-world actor or place.

``entity_key`` folds what normalisation folds (diacritics, hamza and alef forms, ى/ي, ة/ه, the
article of the first word). ``resolution_key`` goes further, from the name's structure and the
shipped table of well-known names (``knowledge.known_entities``):

* compounds written with or without a space are one word: عبد الله / عبدالله, أبو ظبي / أبوظبي;
* a person's patronymic chain is cut after the father's name: محمد بن نايف بن عبد العزيز آل سعود
  and محمد بن نايف are one person; a father's name before a family name comes off (عادل بن
  أحمد الجبير → عادل الجبير) (two people share given name and father's name too rarely to
  matter in news; محمد بن سلمان and سلمان بن عبد العزيز stay two);
* an organisation's descriptor heads come off (تنظيم داعش، جماعة الحوثي، حركة حماس، منظمة أوبك،
  وكالة أنباء سبوتنيك، صحيفة نيويورك تايمز → داعش، الحوثي، حماس، أوبك، سبوتنيك، نيويورك تايمز)
  and so do the plural endings of its words (الحوثيون / الحوثيين → الحوثي) and what a
  company named by one word makes (تسلا للسيارات → تسلا); a place's (مدينة جدة، محافظة جدة،
  دولة قطر → جدة، قطر);
* the well-known names table maps every listed spelling to its entity (أمريكا / أميركا /
  الولايات المتحدة الأمريكية → الولايات المتحدة; المملكة العربية السعودية → السعودية).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache, lru_cache

from .knowledge import known_entities
from .text import ARTICLE, entity_key

COMPOUND_HEADS = frozenset({"عبد", "ابو"})
PATRONYMIC = frozenset({"بن", "ابن", "بنت"})
ORG_HEADS = frozenset(
    {"تنظيم", "جماعه", "حركه", "منظمه", "ميليشيا", "ميليشيات", "مليشيا", "مليشيات", "نادي", "فريق"}
    | {"وكاله", "انباء", "صحيفه", "جريده", "مجله", "قناه", "شبكه", "موقع", "شركه"}
)
# "General" after a body's head before what it is for (الهيئة العامة للرياضة، المؤسسة العامة
# للتأمينات الاجتماعية), which the news leaves out (هيئة الرياضة). Normalised.
GENERAL = "العامه"
LOC_HEADS = frozenset(
    {"مدينه", "محافظه", "منطقه", "دوله", "مملكه", "سلطنه", "ولايه", "اماره", "بلده", "قريه"}
)
# Heads that come off a place's name only before a name (إقليم كردستان، شبه جزيرة القرم), not
# before an adjective or an ordinary word (شبه جزيرة العرب، إقليم الشمال).
NAME_LOC_HEADS = (("شبه", "جزيره"), ("جزيره",), ("اقليم",))


def _drop_article(words: list[str]) -> list[str]:
    if words and words[0].startswith(ARTICLE) and len(words[0]) >= 4 and words[0] != "الله":
        words[0] = words[0][2:]
    return words


def compound_words(words: Sequence[str]) -> list[str]:
    """Words with عبد / أبو joined to the word after them (عبد الله → عبدالله)."""
    out: list[str] = []
    i = 0
    while i < len(words):
        if words[i] in COMPOUND_HEADS and i + 1 < len(words):
            out.append(words[i] + words[i + 1])
            i += 2
        else:
            out.append(words[i])
            i += 1
    return out


def _org_word(word: str) -> str:
    """A word of an organisation's name without the sound plural ending (الحوثيين → الحوثي)."""
    if len(word) >= 5 and (word.endswith("يون") or word.endswith("يين")):
        return word[:-2]
    if len(word) >= 7 and word.startswith(ARTICLE) and word[-2:] in ("ون", "ين"):
        return word[:-2]
    return word


@lru_cache(maxsize=200_000)
def structural_key(kind: str, key: str) -> str:
    """The key after the structural rules (compounds, patronymics, descriptor heads, plurals)."""
    words = compound_words(key.split())
    if kind == "PERS":
        for i, word in enumerate(words):
            if i >= 1 and word in PATRONYMIC and i + 1 < len(words):
                if len(words) == i + 3 and words[i + 2] not in PATRONYMIC and words[i + 2] != "ال":
                    # a father's name before a family name (عادل بن أحمد الجبير): the name
                    # and the family name, as the news writes it (عادل الجبير)
                    words = [*words[:i], words[i + 2]]
                    break
                words = words[: i + 2]
                if words[i] == "ابن":
                    words[i] = "بن"
                break
    elif kind in ("ORG", "MISC"):
        if (
            len(words) >= 3
            and words[1] == GENERAL
            and words[2].startswith("لل")
            and len(words[2]) > 4
        ):
            # الهيئة العامة للرياضة: هيئة الرياضة, the name the news shortens it to
            words = [words[0], ARTICLE + words[2][2:], *words[3:]]
        while len(words) >= 2 and words[0] in ORG_HEADS:
            words = _drop_article(words[1:])
        if _national_adjective_of_a_name(words):
            words = words[:-1]  # بنفيكا البرتغالي, حزب الله اللبناني
        elif (
            len(words) == 2
            and words[1].startswith("لل")
            and len(words[1]) > 4
            and is_proper_org_word(words[0])
        ):
            words = words[:1]  # تسلا للسيارات: the company and what it makes
        words = [_org_word(w) for w in words]
        words = _drop_article(words)
    elif kind == "LOC" and len(words) >= 2 and words[0] in LOC_HEADS:
        words = _drop_article(words[1:])
    elif kind == "LOC":
        for head in NAME_LOC_HEADS:
            rest = words[len(head) :]
            if tuple(words[: len(head)]) == head and rest and _is_proper(rest[0]):
                words = _drop_article(rest)
                break
    return " ".join(words)


def _is_proper(word: str) -> bool:
    """A word that is no ordinary word nor a nationality adjective (كردستان، القرم; not
    العرب، الشمال، العربيه)."""
    from .cleanup import is_nisba_of_place

    return not _is_ordinary(word) and not is_nisba_of_place(word)


def _is_ordinary(word: str) -> bool:
    """An ordinary word, with or without the article (keys drop the first word's)."""
    from .cleanup import is_ordinary_word

    bare = word[2:] if word.startswith(ARTICLE) else word
    return is_ordinary_word(bare) or is_ordinary_word(ARTICLE + bare)


def _national_adjective_of_a_name(words: Sequence[str]) -> bool:
    """An organisation's name ending in the adjective of a country after a name that is no
    ordinary phrase nor a head (بنفيكا البرتغالي، الترجي التونسي، أرامكو السعودية; not الجيش
    اللبناني، الأهلي المصري، وزارة الصحة السعودية: those words name other organisations of
    other countries)."""
    from .cleanup import is_head_word, is_nisba_of_place

    if len(words) < 2 or not words[-1].startswith(ARTICLE) or not is_nisba_of_place(words[-1]):
        return False
    rest = words[:-1]
    if is_head_word(rest[0]):
        return False
    return any(not _is_ordinary(w) for w in rest) and not any(is_nisba_of_place(w) for w in rest)


@cache
def known_keys() -> dict[tuple[str, str], tuple[str, str]]:
    """(kind, structural key of a listed spelling) → (structural key of the entity, its name)."""
    out: dict[tuple[str, str], tuple[str, str]] = {}
    for entity in known_entities():
        target = structural_key(entity.kind, entity_key(entity.name))
        for spelling in entity.spellings:
            out[entity.kind, structural_key(entity.kind, entity_key(spelling))] = (
                target,
                entity.name,
            )
    return out


def resolution_key(kind: str, key: str) -> str:
    """One key for every spelling of one actor or place (``key`` is an ``entity_key``)."""
    key = structural_key(kind, key)
    known = known_keys().get((kind, key))
    return known[0] if known else key


@cache
def _known_any() -> frozenset[str]:
    return frozenset(key for _, key in known_keys())


def known_keys_any(key: str) -> bool:
    """Whether the key is a listed spelling's, of any kind."""
    return key in _known_any() or structural_key("ORG", key) in _known_any()


def is_proper_org_word(word: str) -> bool:
    """A word of an organisation's name that may stand for it: no head, no ordinary word, no
    nationality adjective (أتلتيكو، جرمان; not وزاره، الاتحاد، الخارجيه)."""
    from .cleanup import is_head_word

    bare = word[2:] if word.startswith(ARTICLE) else word
    if is_head_word(word) or bare in ORG_HEADS:
        return False
    return _is_proper(word)


def known_name(kind: str, key: str) -> str | None:
    """The table's name for the entity of this resolution key, if it is a listed one."""
    known = known_keys().get((kind, key))
    return known[1] if known else None


def name_key(kind: str, name: str) -> str:
    """The resolution key of a name as written."""
    return resolution_key(kind, entity_key(name))
