"""Token features of the tagger, shared by training and inference (pure Python).

The forms here must stay exactly as the shipped model was trained with them: changing one means
retraining (``manage.py train_ner``).

* :func:`norm_char` — the spelling the character CNN sees: alef forms and alef maqsura unified,
  Arabic-Indic digits to ASCII, diacritics, tatweel and bidi / zero-width marks removed (ta
  marbuta is kept, unlike ``text.normalize_letters``).
* :func:`norm_word` — the spelling the word embeddings are keyed by: ``norm_char``, digits to 0,
  Latin lower-cased.
* :func:`gaz_features` — thirteen bits per token: begin / inside of the longest multi-token
  gazetteer name (PERS, LOC, ORG); a one-token hit after proclitic stripping (PERS, LOC, ORG, a
  given name, a family-name unit); the word is an organisation's head noun (وزارة، هيئة، نادي)
  or a title or role that goes before a person's name (الملك، وزير، الشيخ).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from functools import lru_cache

TAGS = ("O", "B-PERS", "I-PERS", "B-ORG", "I-ORG", "B-LOC", "I-LOC", "B-MISC", "I-MISC")
MAX_CHARS = 20  # characters per token seen by the char CNN, boundary marks included
PAD, BOUNDARY, UNKNOWN_CHAR = 0, 1, 2  # char ids; real characters start at 3
PAD_WORD, UNKNOWN_WORD = 0, 1  # word ids; real words start at 2

_DIACRITICS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
_FOLD = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ى": "ي",
        **{chr(0x0660 + d): str(d) for d in range(10)},
        **dict.fromkeys("\u200f\u200e\u200b\u200c\u200d", ""),
    }
)
_DIGIT = re.compile("[0-9]")


def norm_char(token: str) -> str:
    """Spelling seen by the character CNN (the token itself if nothing would remain)."""
    t = _DIACRITICS.sub("", token.translate(_FOLD))
    return t or token


def norm_word(token: str) -> str:
    """Spelling the word embeddings are keyed by: norm_char, digits → 0, Latin lower case."""
    return _DIGIT.sub("0", norm_char(token)).lower()


def char_ids(token: str, chars: Mapping[str, int]) -> list[int]:
    """Character ids of a token between boundary marks, padded to MAX_CHARS; a long token keeps
    its first and last (MAX_CHARS - 2) // 2 characters."""
    t = norm_char(token)
    half = (MAX_CHARS - 2) // 2
    if len(t) > MAX_CHARS - 2:
        t = t[:half] + t[-half:]
    ids = [BOUNDARY, *(chars.get(c, UNKNOWN_CHAR) for c in t), BOUNDARY]
    return ids + [PAD] * (MAX_CHARS - len(ids))


# --- gazetteer features -----------------------------------------------------------------------
GAZ_KINDS = ("PERS", "LOC", "ORG")
# One-token bits: a name list kind → its feature index. GIVEN / SURNAME are units of people's
# names (a given name, a family-name part) rather than whole names.
SINGLE_BITS = {"PERS": 6, "LOC": 7, "ORG": 8, "GIVEN": 9, "SURNAME": 10}
ORG_HEAD_BIT, TITLE_BIT = 11, 12
N_GAZ = 13
# Head nouns that open an organisation's name (وزارة الصحة، نادي الهلال), by their bare form.
ORG_HEADS = frozenset(
    [
        "وزارة",
        "هيئة",
        "جامعة",
        "شركة",
        "نادي",
        "مجلس",
        "حزب",
        "حركة",
        "جماعة",
        "منظمة",
        "وكالة",
        "صحيفة",
        "قناة",
        "مؤسسة",
        "بنك",
        "مصرف",
        "اتحاد",
        "جمعية",
        "مركز",
        "معهد",
        "لجنة",
        "محكمة",
        "مفوضية",
        "دائرة",
        "مديرية",
        "ادارة",
        "سلطة",
        "صندوق",
        "جبهة",
        "تحالف",
        "تنظيم",
        "كتائب",
        "كتيبة",
        "لواء",
        "فيلق",
        "قوات",
        "جيش",
        "مكتب",
        "امانة",
        "رابطة",
        "نقابة",
        "غرفة",
        "مجموعة",
        "بورصة",
        "مستشفى",
        "اكاديمية",
        "كلية",
        "مدرسة",
        "برلمان",
        "حكومة",
        "ديوان",
        "مصلحة",
        "مجمع",
        "منتدى",
        "مرصد",
    ]
)
# Titles and roles that stand before a name and are not part of it (الملك سلمان، وزير الخارجية).
TITLES = frozenset(
    [
        "ملك",
        "امير",
        "ولي",
        "سمو",
        "الامير",
        "الملك",
        "رئيس",
        "الرئيس",
        "وزير",
        "الوزير",
        "شيخ",
        "الشيخ",
        "دكتور",
        "الدكتور",
        "د",
        "سيد",
        "السيد",
        "السيدة",
        "الرئيسة",
        "نائب",
        "سفير",
        "السفير",
        "جنرال",
        "الجنرال",
        "عقيد",
        "العقيد",
        "لواء",
        "اللواء",
        "العميد",
        "عميد",
        "الفريق",
        "المشير",
        "الرائد",
        "النقيب",
        "المتحدث",
        "الناطق",
        "مستشار",
        "المستشار",
        "الامين",
        "امين",
        "المدير",
        "مدير",
        "المبعوث",
        "مبعوث",
        "القاضي",
        "قاضي",
        "الامام",
        "الحاج",
        "البابا",
        "الاب",
        "المطران",
        "الكاردينال",
        "سلطان",
        "السلطان",
        "الشيخة",
        "الاميرة",
        "المهندس",
        "النائب",
        "العاهل",
        "خادم",
        "حضرة",
        "صاحب",
        "فخامة",
        "معالي",
    ]
)

PREFIXES = (
    "وبال",
    "وكال",
    "ولل",
    "وال",
    "بال",
    "كال",
    "فال",
    "لل",
    "ال",
    "وب",
    "ول",
    "وك",
    "فب",
    "و",
    "ب",
    "ل",
    "ف",
    "ك",
)

Gazetteer = Mapping[tuple[str, ...], "frozenset[str] | set[str]"]


@lru_cache(maxsize=50_000)
def strip_variants(word: str) -> tuple[str, ...]:
    """A normalised word and its forms with a proclitic (and the article) stripped; after a
    prefix ending in ال the form with ال put back is included too."""
    out = [word]
    for p in PREFIXES:
        if word.startswith(p) and len(word) - len(p) >= 2:
            rest = word[len(p) :]
            out.append(rest)
            if p.endswith("ال") or p == "لل":
                out.append("ال" + rest)
    return tuple(out)


# The gazetteer bits and the span rules ask for the same words' spellings many times an article.
norm_word_cached = lru_cache(maxsize=200_000)(norm_word)


def name_starts(gaz: Gazetteer) -> dict[str, int]:
    """First word of every multi-word name → the length of the longest such name."""
    starts: dict[str, int] = {}
    for key in gaz:
        if len(key) > 1 and starts.get(key[0], 0) < len(key):
            starts[key[0]] = len(key)
    return starts


def single_gaz(token: str, gaz: Gazetteer) -> tuple[int, ...]:
    """Feature indexes of one token that depend on the token alone: SINGLE_BITS of the kinds
    of the one-word names it is (or is after a proclitic is stripped), ORG_HEAD_BIT and
    TITLE_BIT (the tagger caches them with its other per-token features)."""
    found = set()
    for v in strip_variants(norm_word_cached(token)):
        for kind in gaz.get((v,), ()):
            bit = SINGLE_BITS.get(kind)
            if bit is not None:
                found.add(bit)
        if v in ORG_HEADS:
            found.add(ORG_HEAD_BIT)
        if v in TITLES:
            found.add(TITLE_BIT)
    return tuple(sorted(found))


def multi_gaz(
    tokens: Sequence[str],
    gaz: Gazetteer,
    max_len: int = 6,
    starts: Mapping[str, int] | None = None,
) -> list[tuple[int, int, tuple[int, ...]]]:
    """(first token, length, begin features) of the longest name of two or more tokens starting
    at each token (its first token may carry a proclitic), scanned left to right without overlap.
    The begin feature of kind GAZ_KINDS[k] is 2k, and 2k + 1 marks the name's other tokens.
    `starts` (name_starts of gaz) only saves time: the result is the same without it."""
    if starts is None:
        starts = name_starts(gaz)
    n = len(tokens)
    words: list[str] | None = None
    out = []
    i = 0
    while i < n:
        firsts = [v for v in strip_variants(norm_word_cached(tokens[i])) if v in starts]
        best = None
        if firsts:
            if words is None:
                words = [norm_word_cached(t) for t in tokens]
            longest = min(max_len, n - i, max(starts[v] for v in firsts))
            for length in range(longest, 1, -1):
                rest = tuple(words[i + 1 : i + length])
                for v in firsts:
                    kinds = gaz.get((v, *rest))
                    if kinds is not None:
                        bits = tuple(2 * GAZ_KINDS.index(k) for k in kinds if k in GAZ_KINDS)
                        if bits:
                            best = (i, length, bits)
                            break
                if best:
                    break
        if best:
            out.append(best)
            i += best[1]
        else:
            i += 1
    return out


def gaz_features(
    tokens: Sequence[str],
    gaz: Gazetteer,
    max_len: int = 6,
    starts: Mapping[str, int] | None = None,
) -> list[list[int]]:
    """Active feature indexes (0 .. N_GAZ - 1) per token.

    Index 2k / 2k + 1: first / other token of a name of kind GAZ_KINDS[k] found by multi_gaz;
    indexes 6 and up: single_gaz.
    """
    feats = [set(single_gaz(t, gaz)) for t in tokens]
    for i, length, begins in multi_gaz(tokens, gaz, max_len, starts):
        for f in begins:
            feats[i].add(f)
            for j in range(i + 1, i + length):
                feats[j].add(f + 1)
    return [sorted(f) for f in feats]
