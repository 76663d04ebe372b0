"""The built-in recogniser's core: the trained tagger's tags turned into entity spans.

Per article: the text is cut into sentences (``sentence_bounds``) and tokens (the project's
tokenizer; punctuation is split off as in the training data), every sentence is tagged in one
batched call, and each chunk of tags (cut as conlleval does) becomes a span. Then:

* **Proclitics** (و ف ب ل ك and combinations) stay out of a span when there is evidence that the
  first token carries one (see :func:`proclitic`): the rest starts with the article ال, or is a
  known name while the whole token is not, or is far more frequent in the news corpus than the
  whole token. So والعراق → العراق, لبغداد → بغداد, للعراق → لعراق (key of العراق), while
  لبنان, بغداد, فرنسا and واشنطن stay whole.
* **Hand-written names** (``data/core_names.tsv``) take precedence where they apply: a listed
  name the tagger missed or cut differently is added with its listed kind, an ``O`` phrase is
  never tagged. A tagged span that strictly contains a listed name is kept (a longer name).
* **Nationality adjectives** (الإيرانية, عراقيين, الأمريكية) are not entities, as in ANERcorp: a
  one-word span whose word is a nisba of a known place and not itself a known name is dropped.
* **Tanween** (حراكاً، دبلوماسياً) marks an indefinite common word: a span with a word carrying it
  is dropped (ANERcorp tags 557 of its 559 such words O; the tagger's normalisation removes the
  mark, so it cannot see it).
* **Organisations named by a head noun** (وزارة الصحة، هيئة الأمر بالمعروف، نادي الهلال،
  الجمعية الوطنية الفرنسية): ANERcorp leaves most of them O, news readers want them. A head
  noun of ``ORG_HEAD_SPANS`` followed by definite words (ال، لل، وال) or by a tagged name right
  after it becomes one ORG span covering them (see :func:`org_spans`); a tagged span inside it
  gives way.

Spans are sorted, non-overlapping and never cross a sentence.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Sequence
from functools import cache, lru_cache
from pathlib import Path
from typing import NamedTuple

import regex

from ..cleanup import TITLES, is_head_word, is_ordinary_word
from ..conll import chunks
from ..gazetteer import CORE_PATH, Gazetteer, default_gazetteer, load_gazetteer
from ..knowledge import is_given_name, is_name_unit, is_surname, known_entities, place_keys
from ..recognizer import PARTICLES, STOP, _longest_name
from ..resolve import compound_words
from ..text import (
    ARTICLE,
    INVISIBLE_CHARS,
    Token,
    clitic_analyses,
    entity_key,
    sentence_bounds,
    source_offset,
    tokenize,
    tokenize_norm,
)
from .features import norm_word_cached as norm_word
from .features import strip_variants as _strip_variants
from .model import Tagger, default_tagger

# The rules ask for the same words' proclitic readings many times an article.
strip_variants = lru_cache(maxsize=200_000)(_strip_variants)
_clitic_analyses = lru_cache(maxsize=200_000)(clitic_analyses)

KINDS = frozenset({"PERS", "ORG", "LOC", "MISC"})
# A proclitic is taken off on frequency evidence alone when the rest of the token is at least
# this many times more frequent (by rank in the embedding vocabulary) than the whole token.
FREQUENCY_RATIO = 5
# A preposition (ب ل ك) needs stronger evidence than a conjunction (و ف): names that begin with
# its letter are common (بليغ, لبيد, كمال), and ب + a noun is rarer in a name's place than و.
PREPOSITION_RATIO = 12


class Found(NamedTuple):
    start: int
    end: int
    kind: str
    key: str


# --- model input ------------------------------------------------------------------------------
_PRESENTATION_RE = regex.compile("[\ufb50-\ufdff\ufe70-\ufefe]")
_MODEL_FOLD = str.maketrans(
    {"\u06a9": "\u0643", "\u06cc": "\u064a", **dict.fromkeys(INVISIBLE_CHARS)}
)


@lru_cache(maxsize=200_000)
def model_token(text: str) -> str:
    """A token as the tagger reads it: invisible marks dropped, presentation forms and Persian
    letters folded (the tagger's own normalisation does the rest)."""
    if _PRESENTATION_RE.search(text):
        text = unicodedata.normalize("NFKC", text)
    return text.translate(_MODEL_FOLD) or text


# --- evidence ---------------------------------------------------------------------------------


@cache
def core_names() -> Gazetteer:
    """The hand-written names (data/core_names.tsv and the well-known names table), as a
    gazetteer."""
    names = load_gazetteer(path=None, core=CORE_PATH)
    # A one-word spelling that is mostly an ordinary word in the corpora (فتح، القاعدة، غني)
    # still links to its entity when the tagger finds it, but is not marked wherever it stands.
    common = default_gazetteer().common
    for entity in known_entities():
        for spelling in entity.spellings:
            tokens = tokenize_norm(spelling)
            if len(tokens) == 1 and tokens[0] in common:
                continue
            # عبد الله is also written عبدالله: both forms are listed
            joined = tuple(compound_words(tokens))
            for form in {tokens, joined}:
                if form and names.lookup(form) is None:
                    names.add(entity.kind, form)
    return names


def _rank(tagger: Tagger, word: str) -> float:
    """Frequency rank of a word in the tagger's vocabulary (smaller: more frequent; the
    vocabulary's size for a word it lacks)."""
    i = tagger.vocab.get(norm_word(word))
    return len(tagger.vocab) if i is None or i < 2 else i


def is_frequent(tagger: Tagger, word: str) -> bool:
    """A word among the PROPAGATE_MIN_RANK most frequent of the news (الأمن، الاتحاد)."""
    return _rank(tagger, word) < PROPAGATE_MIN_RANK


def _in_vocab(tagger: Tagger, word: str) -> bool:
    return tagger.vocab.get(norm_word(word), 0) >= 2


def _known(tagger: Tagger, names: Gazetteer, norm: str, source: str) -> bool:
    """A one-word name in the hand-written list or the tagger's gazetteer (O never counts)."""
    kind = names.single.get(norm)
    if kind is not None:
        return kind != "O"
    return (norm_word(source),) in tagger.gazetteer


def proclitic(tok: Token, tagger: Tagger, names: Gazetteer) -> tuple[int, str]:
    """(normalised characters to strip, normalised form) of the first token of a span.

    A hand-written name or given name stays whole (لبنان, بغداد, بشار). One letter comes off
    before a hand-written name, given name or name particle (ولبنان, بطهران, ومحمد, وأبو). A
    token in the tagger's gazetteer then stays whole (كندا, فادي, فالكون). Otherwise, taking the
    fewest letters off: the rest starts with the article (والعراق, للعراق → العراق; not when
    only the whole token is a corpus word: فالنتاين), or is a hand-written name. Failing that,
    the rest must be FREQUENCY_RATIO (after و ف; PREPOSITION_RATIO after ب ل ك) times more
    frequent than the whole token in the news corpus, one letter only and no function word
    (وجورج, لمانشستر; not كاريكا, فويس, بليغ). The tagger's gazetteer is too noisy (it lists
    يل and وست) to vouch for a rest by itself.
    """
    analyses = clitic_analyses(tok.norm)
    if len(analyses) == 1 or names.single.get(tok.norm, "O") != "O" or tok.norm in names.first:
        return 0, tok.norm
    readings = []
    for form, n in sorted(analyses[1:], key=lambda a: a[1]):
        rest = tok.text[source_offset(tok.text, n) :]
        if form != tok.norm[n:]:
            rest = "ا" + rest  # ل + ال written لل: the elided alef is back in the form
        readings.append((n, form, rest))
    for n, form, _ in readings:
        if n == 1 and (
            names.single.get(form, "O") != "O"
            or form in names.first
            or (form in PARTICLES and len(form) >= 3)
        ):
            return n, form
    if (norm_word(tok.text),) in tagger.gazetteer:
        return 0, tok.norm
    whole_in_vocab = _in_vocab(tagger, tok.text)
    for n, form, rest in readings:
        if form.startswith(ARTICLE) and len(form) >= 4:
            # لليستر: ل + ليستر, unless the article reading is the more frequent one (للعراق)
            plain = [r for m, f, r in readings if m == n and f != form]
            if plain and _rank(tagger, plain[0]) < _rank(tagger, rest):
                continue
            if _in_vocab(tagger, rest) or not whole_in_vocab:
                return n, form
        elif names.single.get(form, "O") != "O":
            return n, form
    whole = _rank(tagger, tok.text)
    for n, form, rest in readings:
        if n > 1 or form in STOP or len(form) < 3:
            continue
        rank = _rank(tagger, rest)
        if form[0] in "وف" and _rank(tagger, rest[1:]) < rank:
            continue  # the rest looks conjoined itself (لوريال is no ل + وريال)
        ratio = FREQUENCY_RATIO if tok.norm[0] in "وف" else PREPOSITION_RATIO
        if rank * ratio < whole:
            return n, form
        if (
            tok.norm[0] == "و"
            and not whole_in_vocab
            and len(form) >= 4
            and (norm_word(rest),) in tagger.gazetteer
        ):
            # a rare name after و that the news never wrote with it (وجيرالد); not after ب ل ك ف,
            # which begin foreign names as often (لبرون جيمس، كاماتشو، بلايا ديل كارمن)
            return n, form
    return 0, tok.norm


# --- nationality adjectives -------------------------------------------------------------------
_NISBA_RE = regex.compile("(?:يه|يون|يين|يان|يتان|يتين|ي)$")
_TANWEEN_RE = regex.compile("[\u064b-\u064d]")


def is_nationality(tok: Token, tagger: Tagger, names: Gazetteer) -> bool:
    """A nisba adjective of a known place (الإيرانية, عراقيين) that is not itself a name."""
    norm = tok.norm
    if _known(tagger, names, norm, tok.text):
        return False
    for form, _ in clitic_analyses(norm):
        if _known(tagger, names, form, form):
            return False
        base = form[2:] if form.startswith(ARTICLE) and len(form) >= 5 else form
        m = _NISBA_RE.search(base)
        if m is None or m.start() < 3:
            continue
        stem = base[: m.start()]
        for place in (stem, ARTICLE + stem, stem + "ا", stem + "يا", stem + "ه"):
            if names.single.get(place) == "LOC" or "LOC" in tagger.gazetteer.get((place,), ()):
                return True
    return False


# --- organisations named by a head noun ------------------------------------------------------
# Head nouns of ORG spans (bare, normalised as norm_word). Fewer than the tagger's ORG_HEADS
# bit: heads whose definite phrase is mostly a description (الحكومة العراقية، الجيش اللبناني،
# المركز الثالث) and descriptor words that stay outside the name (صحيفة، قناة، نادي) are left
# to the tagger.
ORG_HEAD_SPANS = frozenset(
    [
        "وزارة",
        "هيئة",
        "جامعة",
        "شركة",
        "مجلس",
        "حزب",
        "حركة",
        "جماعة",
        "منظمة",
        "وكالة",
        "مؤسسة",
        "بنك",
        "مصرف",
        "اتحاد",
        "جمعية",
        "معهد",
        "لجنة",
        "محكمة",
        "مفوضية",
        "مديرية",
        "سلطة",
        "صندوق",
        "جبهة",
        "تحالف",
        "تنظيم",
        "كتائب",
        "فيلق",
        "رابطة",
        "نقابة",
        "غرفة",
        "بورصة",
        "مستشفي",
        "اكاديمية",
        "كلية",
        "ديوان",
        "مرصد",
        "مكتب",
        "برلمان",
    ]
)
# Heads whose phrase is as often an office as a body (مكتب الرئيس، مكتب الإحصاء): a name only
# with two definite words after them (مكتب التحقيقات الفيدرالي، مكتب المفتش العام), as a head
# with the article needs.
TWO_WORD_HEADS = frozenset(["مكتب"])
# Definite words that end the name rather than continue it: time, relative pronouns, ordinals,
# and the participles and adjectives that describe an organisation after its name.
_ORG_STOP = frozenset(
    [
        "اليوم",
        "الماضي",
        "الماضية",
        "الجاري",
        "الجارية",
        "الحالي",
        "الحالية",
        "المقبل",
        "المقبلة",
        "الذي",
        "التي",
        "الذين",
        "اللذين",
        "اللتين",
        "الاول",
        "الاولي",
        "الثاني",
        "الثانية",
        "الاخير",
        "الاخيرة",
        "الان",
        "السابق",
        "السابقة",
        "الحاكم",
        "الجديد",
        "الجديدة",
        "المذكور",
        "المذكورة",
        "الصادرة",
        "الصادر",
        "البالغ",
        "البالغة",
        "الرائدة",
        "الرائد",
        "الاسبوعية",
        "الاسبوعي",
        "الشهرية",
        "السنوية",
        "المعنية",
        "المعني",
        "المختصة",
        "المختص",
        "المسؤولة",
        "المسؤول",
        "العاملة",
        "العامل",
        "الكبري",
        "الكبير",
        "الكبيرة",
        "المعروفة",
        "المعروف",
        "المعارضة",
        "المعارض",
        "الحاكمة",
        "المحلية",
        "المحلي",
        "المقربة",
        "المقرب",
        "المختلفة",
        *("المنعقد", "المنعقدة", "المتمثل", "المتمثلة"),
        "للفترة",
        "للعام",
        "للمرة",
        "للسنة",
        "الاسبوع",
        "الشهر",
        "العام",
        "الادارة",
        "الرسمية",
        "الرسمي",
        *("الاحد", "الاثنين", "الثلاثاء", "الاربعاء", "الخميس", "الجمعة", "السبت"),
    ]
)
MAX_ORG_TOKENS = 7
# The span rules below, each switchable (to measure what it adds: docs/recogniser.md).
ORG_RULE = True
EVENT_RULE = True
CLUB_RULE = True


def _definite(word: str) -> bool:
    w = norm_word(word)
    return (
        (w.startswith("ال") and len(w) > 3 and w not in _ORG_STOP)
        or (w.startswith("لل") and len(w) > 3)
        or (w.startswith("وال") and len(w) > 4 and w[1:] not in _ORG_STOP)
    )


def _head(tok: Token) -> bool:
    """Whether a token is an organisation head noun, with or without ال and a proclitic."""
    return tok.is_word and any(v in ORG_HEAD_SPANS for v in strip_variants(norm_word(tok.text)))


# Heads of bodies that a definite head and one such adjective name (not شركة: الشركة الأوروبية
# is a description).
BODY_HEADS = frozenset(
    ["مفوضية", "لجنة", "منظمة", "اتحاد", "مجلس", "محكمة", "بنك", "مصرف", "هيئة", "جمعية", "برلمان"]
    + ["رابطة", "وكالة", "صندوق", "جامعة", "تحالف"]
)
# Adjectives that make a definite head alone a name: a body of more than one country
# (المفوضية الأوروبية، اللجنة الدولية، الاتحاد الأفريقي، اللجنة الأولمبية), not one country's
# (الشركة الأمريكية), normalised as norm_word.
WIDER_THAN_A_COUNTRY = frozenset(
    norm_word(w)
    for w in [
        *("الدولي", "الدولية", "العالمي", "العالمية", "الأممي", "الأممية", "الأوروبي"),
        *("الأوروبية", "الأفريقي", "الأفريقية", "الإفريقي", "الإفريقية", "الآسيوي"),
        *("الآسيوية", "الخليجي", "الخليجية", "الأولمبي", "الأولمبية"),
        # a country's own body, named without the country (الجمعية الوطنية، المجلس الوطني)
        *("الوطني", "الوطنية"),
    ]
)


# Heads that with the article and one country's adjective name that country's body: its army,
# air force, parliament and airline (الجيش الإسرائيلي، سلاح الجو العراقي، البرلمان الإيراني،
# الخطوط الجوية القطرية), an actor
# of the news, unlike a description (الحكومة العراقية، الشركة الأمريكية). Words normalised as
# norm_word; a proclitic may stand on the first.
NATIONAL_BODY_HEADS = (
    ("الجيش",),
    ("البرلمان",),
    ("سلاح", "الجو"),
    # a country's airline (الخطوط الجوية القطرية، الخطوط الكويتية)
    ("الخطوط", "الجوية"),
    ("الخطوط",),
)


# Words that read as a nisba and are none (التي; الجوية after الخطوط is the airline's "air").
_NOT_NATIONAL = frozenset({"التي", "الجوية"}) | _ORG_STOP


def _national_body(toks: Sequence[Token], i: int, tagged: Sequence[bool], tagger, names) -> int:
    """The number of words of such a head and a country's adjective at toks[i], untagged
    (والجيش السوري، للجيش اليمني; سلاح الجو الإسرائيلي), or 0."""
    if not toks[i].is_word:
        return 0
    first = strip_variants(norm_word(toks[i].text))
    for head in NATIONAL_BODY_HEADS:
        k = i + len(head)  # the adjective
        if (
            head[0] in first
            and k < len(toks)
            and all(norm_word(toks[i + m].text) == head[m] for m in range(1, len(head)))
            and not any(tagged[i : k + 1])
            and toks[k].is_word
            and norm_word(toks[k].text).startswith("ال")
            and norm_word(toks[k].text) not in _NOT_NATIONAL
            and is_nationality(toks[k], tagger, names)
        ):
            return k + 1 - i
    return 0


# Heads of a city's or a region's own body before the place's name (أمانة جدة، شرطة دبي، بلدية
# الخبر، أمانة منطقة الرياض), and the place words that may stand between them. Normalised as
# norm_word, without the article; a proclitic may stand on the head.
CITY_BODY_HEADS = frozenset({"امانة", "شرطة", "بلدية"})
CITY_BODY_PLACE_WORDS = frozenset({"منطقة", "محافظة", "مدينة", "العاصمة"})


def _city_body(toks: Sequence[Token], i: int, tagged: Sequence[bool], starts) -> int:
    """The number of words of a city's body at toks[i]: such a head, untagged, then a known
    place the tagger found (after منطقة or محافظة at most), or 0."""
    if (
        not toks[i].is_word
        or tagged[i]
        or CITY_BODY_HEADS.isdisjoint(strip_variants(norm_word(toks[i].text)))
    ):
        return 0
    k = i + 1
    if k < len(toks) and not tagged[k] and norm_word(toks[k].text) in CITY_BODY_PLACE_WORDS:
        k += 1
    m = starts.get(k)
    if m is None or m.kind != "LOC" or m.j - m.i > 2:
        return 0
    place = " ".join(t.text for t in toks[m.i : m.j])
    return m.j - i if entity_key(place) in place_keys() else 0


# A body named after its place (بورصة دبي للذهب والسلع، سوق الكويت للأوراق المالية، مصرف أبوظبي
# الإسلامي، هيئة متاحف قطر، شركة نفط البحرين، غرفة تجارة وصناعة دبي): a head without the
# article, at most two common words, a known place, then an adjective of bodies and/or a field
# with لل. The heads are ORG_HEAD_SPANS and these (normalised as norm_word); the adjectives are
# the ones such names take, not a country's (مصرف قطر المركزي; not شركة قطر الأمريكية).
PLACE_BODY_HEADS = frozenset({"مركز", "سوق"})  # with a field or an adjective only
# Heads that are as often a verbal noun (تنظيم مهرجان ريو، حركة التجارة، تنظيم حفل التخرج), as
# norm_word and as Token.norm spell them.
_VERBAL_HEAD_SPANS = frozenset({"تنظيم", "حركة", "تحالف"})
_VERBAL_HEADS = frozenset(h.replace("ة", "ه") for h in _VERBAL_HEAD_SPANS)
# They are left out of bodies named after their place.
_PLACE_BODY_ALL_HEADS = (ORG_HEAD_SPANS - _VERBAL_HEAD_SPANS) | PLACE_BODY_HEADS
PLACE_BODY_ADJECTIVES = frozenset(
    norm_word(w)
    for w in (
        *("الوطني", "الوطنية", "الدولي", "الدولية", "المركزي", "الإسلامي", "الإسلامية"),
        *("الأهلي", "الأهلية", "التجاري", "التجارية", "العقاري", "المتحد", "الأول"),
        *("العالمي", "العالمية"),
    )
)
MAX_PLACE_BODY_MIDDLE = 2
_PRONOUN_END_RE = regex.compile("(?:ها|هم|هما|نا|كم)$")


def _bare_head(tok: Token, heads: frozenset[str]) -> bool:
    """Whether a token is one of ``heads`` without the article (a proclitic may stand on it)."""
    if not tok.is_word:
        return False
    w = norm_word(tok.text)
    if any(w[k:].startswith(("ال", "لل")) for k in range(3)):
        return False
    return not heads.isdisjoint(strip_variants(w))


def _place_body(toks: Sequence[Token], i: int, tagged: Sequence[bool], starts) -> int:
    """The number of words of a body named after its place at toks[i] (see PLACE_BODY_HEADS),
    or 0. The tagger may have marked the place alone, or the head and the place as one ORG
    (بنك الكويت | الوطني); the adjective or the field after them it left out makes the name."""
    n = len(toks)
    if not _bare_head(toks[i], _PLACE_BODY_ALL_HEADS):
        return 0
    own = starts.get(i)
    if own is not None:
        # the tagger's ORG of the head and a known place, and nothing after it
        if own.kind != "ORG" or own.j - own.i > 3 or own.j - own.i < 2:
            return 0
        if not _known_place(toks[own.i + 1 : own.j]) or _listed_org(toks[own.i : own.j]):
            return 0  # مجلس الأمن is a name of its own, whatever place الأمن may be
        k, middle = own.j, 0
    else:
        if tagged[i]:
            return 0
        k = i + 1
        common_head = _bare_head(toks[i], PLACE_BODY_HEADS)
        while (
            not common_head
            and k < n
            and k - i - 1 < MAX_PLACE_BODY_MIDDLE
            and not tagged[k]
            and toks[k].is_word
            and _middle_word(toks[k], first=k == i + 1)
        ):
            k += 1
        middle = k - i - 1
        m = starts.get(k)
        if m is not None and m.kind == "ORG" and not middle and not m.strip:
            # the tagger's ORG of the place and the field, without the head (مؤسسة | قطر
            # للتربية والعلوم)
            fielded = any(
                m.i + p < m.j
                and norm_word(toks[m.i + p].text).startswith("لل")
                and _known_place(toks[m.i : m.i + p])
                for p in (1, 2)
            )
            return m.j - i if fielded else 0
        if m is None or m.kind != "LOC" or m.strip or m.j - m.i > 2:
            return 0
        if not _known_place(toks[m.i : m.j]):
            return 0
        k = m.j
    end = k
    while (
        end < n
        and end < k + 2
        and not tagged[end]
        and norm_word(toks[end].text) in PLACE_BODY_ADJECTIVES
    ):
        end += 1
    if not middle and end < n and not tagged[end] and _opens_field(toks[end]):
        end = _field_end(toks, end, tagged, starts, limit=i + MAX_ORG_TOKENS)
    if end == k and not middle:
        return 0  # a head and a place alone: left to the tagger (جامعة القاهرة، حكومة كوبا)
    return end - i


# Adverbs of place that may stand between a head and a place without naming a body
# (أعلى محكمة داخل مصر).
_NOT_MIDDLE = frozenset(
    {"داخل", "خارج", "قرب", "بجوار", "حول", "لدي", "عند", "تابعه", "تابع", "اداره"}
    | {"تحت", "فوق", "امام", "خلف", "بين", "ضمن", "مثل", "غير", "دون", "عبر", "نحو"}
)
# Participles that follow a body's name to say what it does (مركز دبي للاقتصاد الإسلامي الرامية
# إلى): they end the name, as _ORG_STOP's do.
_FIELD_STOP = frozenset(
    norm_word(w)
    for w in ("الرامية", "الرامي", "الهادفة", "الهادف", "الواقعة", "الواقع", "التابعة", "التابع")
)
_NISBA_END_RE = regex.compile("(?:ي|ية|يين|يون)$")


def _opens_field(tok: Token) -> bool:
    """Whether a word is the لل word that opens a body's field (للذهب; not للعام، للمرة)."""
    w = norm_word(tok.text)
    return tok.is_word and w.startswith("لل") and w not in _ORG_STOP


def _field_end(toks: Sequence[Token], k: int, tagged: Sequence[bool], starts, limit: int) -> int:
    """The end of a body's field that starts with the لل word at toks[k]: its adjectives (the
    nisba المالية، المدني; a participle المتعددة، المسال) or a second field with وال and its
    nisba adjectives (للذهب والسلع، للتربية والعلوم), and no further: a definite noun after
    them is the verb's object (وقدم مركز دبي للسلع المتعددة الدعم). The second field may be
    a name of one word the tagger found on its own (للتربية و|العلوم)."""
    end, second = k + 1, False
    while end < len(toks) and end < limit and toks[end].is_word:
        w = norm_word(toks[end].text)
        if tagged[end]:
            m = starts.get(end)
            alone = m is not None and m.j == end + 1 and end == k + 1
            if not (alone and w.startswith("وال")):
                break
        bare = w[1:] if w.startswith("وال") else w
        if bare in _ORG_STOP or bare in _FIELD_STOP or is_head_word(bare):
            break
        if w.startswith("وال") and end == k + 1 and w[1:] not in TITLES:
            second = True
        elif not (
            w.startswith("ال")
            and len(w) > 3
            and (_NISBA_END_RE.search(w) or (w.startswith("الم") and not second))
        ):
            break
        end += 1
    return end


@cache
def _listed_org_keys() -> frozenset[str]:
    return frozenset(
        entity_key(s) for e in known_entities() if e.kind == "ORG" for s in e.spellings
    )


def _listed_org(toks: Sequence[Token]) -> bool:
    """Whether tokens (a proclitic on the first aside) are an organisation of the table."""
    first = strip_variants(norm_word(toks[0].text))
    rest = " ".join(t.text for t in toks[1:])
    return any(entity_key(f"{f} {rest}") in _listed_org_keys() for f in first)


def _preposition_first(tok: Token) -> bool:
    """Whether a word reads as ب ل ك ف and a more frequent word (بقطاع، بمدينة; not بحوث)."""
    w = tok.norm
    if w[0] not in "بلكف" or len(w) < 4:
        return False
    tagger = default_tagger()
    rest = tok.text[1:]
    return is_ordinary_word(w[1:]) or (
        _in_vocab(tagger, rest) and _rank(tagger, rest) < _rank(tagger, tok.text)
    )


def _named_after_person(toks: Sequence[Token], i: int, tagged: Sequence[bool], starts) -> int:
    """The number of words of a body named after a person at toks[i], or 0: a head without the
    article, the person's name the tagger found, and a field with لل (مركز سلطان بن زايد للثقافة
    والإعلام، مؤسسة محمد بن راشد للمعرفة; not رئيس | محمد بن زايد | للشؤون, no head)."""
    if tagged[i] or not _bare_head(toks[i], _CONSTRUCT_HEADS | PLACE_BODY_HEADS):
        return 0
    m = starts.get(i + 1)
    if m is None or m.kind != "PERS" or m.strip or m.j - m.i < 2 or m.j >= len(toks):
        return 0
    if tagged[m.j] or not _opens_field(toks[m.j]):
        return 0
    return _field_end(toks, m.j, tagged, starts, limit=m.j + MAX_ORG_TOKENS) - i


def _known_place(toks: Sequence[Token]) -> bool:
    """Whether tokens are a known place's name and not an ordinary word (الأمن is a village
    somewhere: مجلس الأمن is no body named after it)."""
    place = " ".join(t.text for t in toks)
    return entity_key(place) in place_keys() and not (
        len(toks) == 1 and is_ordinary_word(toks[0].norm)
    )


def _middle_word(tok: Token, first: bool, adjective: bool = True) -> bool:
    """A common word between a body's head and its place (متاحف، نفط، مطارات، تجارة وصناعة):
    no article, no attached pronoun, no function word, title or name; و only on the second."""
    w = tok.norm
    if not first and w.startswith("و"):
        w = w[1:]
    return (
        len(w) >= 3
        and not w.startswith(("ال", "لل"))
        and not _preposition_first(tok)  # بمدينة، بقطاع
        # an adjective (محكمة يونانية; not in construct: حماية), an adverb (طلبا)
        and not (adjective and w.endswith("يه"))
        and not w.endswith("ا")
        and not (w[0] == "ي" or (w[0] == "ت" and len(w) <= 4))  # a verb: يملك، تمنع، تدير
        and not is_head_word(w)
        and not _bare_head(tok, _PLACE_BODY_ALL_HEADS)  # مجلس إدارة مركز دبي: a board
        and w not in STOP
        and w not in _NOT_MIDDLE
        and w not in TITLES
        and not _PRONOUN_END_RE.search(w)
        and is_ordinary_word(w)
    )


# Heads that take a verbal noun or a plural in construct before the definite words of their
# name (هيئة تنظيم الاتصالات، جمعية حماية المستهلك، وزارة شؤون البلديات، محكمة جنايات القاهرة).
# Not the verbal nouns, nor مكتب, بورصة and سلطة (بورصة أسماء المرشحين، سلطة اتخاذ القرار).
_CONSTRUCT_HEADS = ORG_HEAD_SPANS - _VERBAL_HEAD_SPANS - {"مكتب", "بورصة", "سلطة"}
# Heads without the article as Token.norm spells them (وزاره، هيئه، حزب …).
_BARE_HEAD_NORMS = frozenset(h.replace("ة", "ه") for h in ORG_HEAD_SPANS)


def _construct_word(toks: Sequence[Token], i: int, tagged: Sequence[bool]) -> int:
    """1 where a head without the article at toks[i] is followed by a common word in construct
    and then a definite word (untagged, no head), else 0."""
    k = i + 1
    if (
        k + 1 < len(toks)
        and not tagged[k]
        and not tagged[k + 1]
        and toks[k].is_word
        and toks[k + 1].is_word
        and _bare_head(toks[i], _CONSTRUCT_HEADS)
        and (
            toks[k].norm in _VERBAL_HEADS
            or (
                _middle_word(toks[k], first=True, adjective=False)
                and not toks[k].norm.endswith("ي")  # مستشفى مصري
            )
        )
        and _definite(toks[k + 1].text)
        and not norm_word(toks[k + 1].text).startswith(("لل", "وال"))
        and not _head(toks[k + 1])
    ):
        return 1
    return 0


# A general body's name: a head with the article, an adjective of the kind, then ل and a verbal
# noun in construct with definite words (الهيئة العامة لرعاية الشباب، المفوضية العليا لشؤون
# اللاجئين، المؤسسة العامة لتحلية المياه المالحة، الرئاسة العامة لشؤون المسجد الحرام). The
# heads are ORG_HEAD_SPANS and these; normalised as norm_word.
GENERAL_BODY_HEADS = frozenset({"رئاسة", "ادارة", "مصلحة", "امانة"})
GENERAL_BODY_ADJECTIVES = frozenset({"العامة", "العليا", "الوطنية", "الدائمة"})


def _general_body(toks: Sequence[Token], i: int, tagged: Sequence[bool], starts) -> int:
    """The number of words of such a name at toks[i], or 0. Definite names the tagger found
    after the verbal noun are part of it (لرعاية | الشباب، لشؤون | المسجد الحرام)."""
    n = len(toks)
    if i + 3 >= n or tagged[i] or tagged[i + 1] or tagged[i + 2] or not toks[i + 2].is_word:
        return 0
    heads = ORG_HEAD_SPANS | GENERAL_BODY_HEADS
    if not any(
        v.startswith("ال") and v[2:] in heads for v in strip_variants(norm_word(toks[i].text))
    ):
        return 0
    if norm_word(toks[i + 1].text) not in GENERAL_BODY_ADJECTIVES:
        return 0
    if toks[i].norm.endswith("الجمعيه") or _listed_org(toks[i : i + 2]):
        return 0  # الجمعية العامة لإصدار القرارات: the assembly's purpose, not its name
    field = toks[i + 2].norm
    if not (
        field.startswith("ل")
        and not field.startswith("لل")
        and len(field) >= 5
        and (
            field[1:] in ("شؤون", "شئون")
            or field[1:] in _VERBAL_HEADS
            or (is_ordinary_word(field[1:]) and not field.endswith("ا"))
        )
    ):
        return 0
    end = i + 3
    while end < n and end - i < MAX_ORG_TOKENS + 1 and toks[end].is_word:
        if tagged[end]:
            m = starts.get(end)
            if m is None or not all(_definite(t.text) for t in toks[m.i : m.j]):
                break
            end = m.j
            continue
        w = norm_word(toks[end].text)
        if not _definite(toks[end].text) or _head(toks[end]) or w.startswith("لل"):
            break  # اللجنة العليا لحماية المستهلك | للبت في الشكاوى: the office's work
        end += 1
    return end - i if end > i + 3 else 0


def _head_strip(tok: Token) -> tuple[int, str]:
    """(characters to strip, form) of a token that is a head without the article after a
    proclitic (بأمانة → أمانة، لبورصة → بورصة), as _Span wants them."""
    heads = _PLACE_BODY_ALL_HEADS | CITY_BODY_HEADS
    w = norm_word(tok.text)
    bare = max((v for v in strip_variants(w) if v in heads), key=len, default=w)
    n = len(w) - len(bare)
    return n, tok.norm[n:]


def _two_fields(toks: Sequence[Token], i: int, j: int) -> bool:
    """A head (without the article: the caller checks) and the two fields it names, joined by
    و (وزارة التربية والتعليم، وزارة الشباب والرياضة، هيئة الغذاء والدواء): one name. Not where
    the second is a head itself (وزارة الدفاع والجيش: two bodies) or a title (وزارة الخارجية
    والسفير)."""
    return (
        j == i + 3
        and not _head(toks[j - 1])
        and not is_head_word(toks[j - 1].norm[1:])
        and toks[j - 1].norm[1:] not in TITLES
    )


def org_spans(toks: Sequence[Token], model: Sequence[_Span], tagger, names) -> list[_Span]:
    """ORG spans of a head noun and the definite words after it (ال، لل، وال) where the tagger
    found nothing: a head with the article needs two definite words after it (الجمعية الوطنية
    الفرنسية; not الشركة الأمريكية), one without it one; a coordinated definite word (وال) may
    not end the span, but in a head's two fields (وزارة التربية والتعليم). A tagged span over
    any of these words leaves them to the tagger (حركة حماس، حزب الله اللبناني)."""
    tagged = [False] * len(toks)
    starts = {m.i: m for m in model}
    for m in model:
        for k in range(m.i, m.j):
            tagged[k] = True
    out = []
    n = len(toks)
    i = 0
    while i < n:
        if size := _general_body(toks, i, tagged, starts):
            strip, form = proclitic(toks[i], tagger, names)
            out.append(_Span(i, i + size, "ORG", strip, form))
            i += size
            continue
        if size := (
            _place_body(toks, i, tagged, starts)
            or _city_body(toks, i, tagged, starts)
            or _named_after_person(toks, i, tagged, starts)
        ):
            # the proclitic is whatever stands before the head (لبورصة دبي، بأمانة جدة)
            out.append(_Span(i, i + size, "ORG", *_head_strip(toks[i])))
            i += size
            continue
        if size := _national_body(toks, i, tagged, tagger, names):
            strip, form = proclitic(toks[i], tagger, names)
            out.append(_Span(i, i + size, "ORG", strip, form))
            i += size
            continue
        m = starts.get(i + 1)
        if (
            not tagged[i]
            and m is not None
            and m.kind == "ORG"
            and not m.strip
            and (
                m.form in _VERBAL_HEADS
                or (
                    all(t.text.startswith("ال") for t in toks[m.i : m.j])  # not ألفابيت
                    # a listed body keeps its own name (مفوضية | الاتحاد الأوروبي)
                    and not _listed_org(toks[m.i : m.j])
                )
            )
            and _bare_head(toks[i], _CONSTRUCT_HEADS)
        ):
            # هيئة | تنظيم الاتصالات، مؤسسة | البترول الكويتية: the tagger's name of a verbal
            # noun or of definite words is the body's field
            strip, form = proclitic(toks[i], tagger, names)
            out.append(_Span(i, m.j, "ORG", strip, form))
            i = m.j
            continue
        if tagged[i] or not _head(toks[i]):
            i += 1
            continue
        j = i + 1
        construct = _construct_word(toks, i, tagged)
        j += construct
        coordinated = False
        while j < n and j - i < MAX_ORG_TOKENS and toks[j].is_word and not tagged[j]:
            w = norm_word(toks[j].text)
            if not _definite(toks[j].text) or _head(toks[j]):
                break
            if w.startswith("لل") and (coordinated or j == i + 1):
                # وكيل وزارة الزراعة والثروة السمكية للثروة السمكية: the field after a body's
                # two fields is the office's; الوزارة للإجابة: a head with the article takes
                # no field
                break
            coordinated = coordinated or w.startswith("وال")
            j += 1
        if j < n and tagged[j]:
            m = starts.get(j)
            if (
                j > i + 1
                and m is not None
                and m.kind == "LOC"
                and m.j == j + 1
                and m.form[:2] == "ال"
            ):
                j += 1  # وزارة الصحة السعودية: the country's adjective ends the name
            elif (
                j > i + 2
                and m is not None
                and m.kind == "PERS"
                and norm_word(toks[j - 1].text) in TITLES
            ):
                j -= 1  # وزارة الداخلية اللواء منصور التركي: a title and a person follow it
            else:
                i = j  # the definite words run into a tagged name: left to the tagger
                continue
        # the head's readings with the article, the article off (المفوضية → مفوضية)
        variants = strip_variants(norm_word(toks[i].text))
        definite = {v[2:] for v in variants if v.startswith("ال")}
        while (
            j > i + 1
            and norm_word(toks[j - 1].text).startswith("وال")
            and (bool(definite) or not _two_fields(toks, i, j))
        ):
            j -= 1
        two_words = not TWO_WORD_HEADS.isdisjoint(variants)
        if (
            two_words
            and j > i + 1
            and (toks[i + 1].norm in TITLES or norm_word(toks[i + 1].text).startswith("وال"))
        ):
            i += 1  # مكتب الرئيس الأمريكي: a person's office; سطح المكتب والأجهزة: a desk
            continue
        has_article = two_words or bool(definite & ORG_HEAD_SPANS)
        # a verbal noun and one definite word is an activity (حركة التوظيف، تنظيم الاستثمار);
        # its names of one word (حركة حماس، تنظيم القاعدة) are the table's or the tagger's
        verbal = not _VERBAL_HEAD_SPANS.isdisjoint(variants)
        wide = (
            j == i + 2
            and norm_word(toks[i + 1].text) in WIDER_THAN_A_COUNTRY
            and bool(definite & BODY_HEADS)
        )
        if j - i - 1 - construct >= (2 if (has_article or verbal) and not wide else 1):
            strip, form = proclitic(toks[i], tagger, names)
            out.append(_Span(i, j, "ORG", strip, form))
            i = j
        else:
            i += 1
    return out


def with_orgs(spans: list[_Span], orgs: list[_Span]) -> list[_Span]:
    """The spans with organisation spans laid over them: a span inside one gives way, one that
    overlaps it otherwise wins."""
    out = list(spans)
    for o in orgs:
        over = [m for m in out if m.i < o.j and o.i < m.j]
        if any(not (o.i <= m.i and m.j <= o.j) for m in over):
            continue
        out = [m for m in out if m not in over]
        out.append(o)
    return sorted(out)


# --- named events: cups, leagues, tournaments ----------------------------------------------
# Heads of event names (bare, normalised) and the words that may follow them inside the name
# although they carry no article (دوري أبطال أوروبا، كأس ملك إسبانيا، كأس خادم الحرمين).
EVENT_HEADS = frozenset({"كاس", "دوري", "مونديال", "اولمبياد", "بطولة"})
_EVENT_INNER = frozenset({"ابطال", "ملك", "خادم", "امير", "ولي"})
_EVENT_ALONE = frozenset({"مونديال", "المونديال"})
# The only words with لل that continue an event's name (كأس العالم للأندية; not للموسم).
_EVENT_FOR = frozenset({"للمحترفين", "للاندية", "للشباب", "للسيدات", "للناشئين", "للرجال"})
MAX_EVENT_TOKENS = 6


def _event_head(tok: Token) -> str | None:
    if not tok.is_word:
        return None
    for v in strip_variants(norm_word(tok.text)):
        bare = v[2:] if v.startswith("ال") else v
        if bare in EVENT_HEADS:
            return bare
    return None


def event_spans(toks: Sequence[Token], model: Sequence[_Span], tagger, names) -> list[_Span]:
    """MISC spans of a cup, league or tournament: its head (كأس، دوري، بطولة، أولمبياد،
    مونديال) and what names it after it: definite words (with لل only those of _EVENT_FOR), a
    few inner words (أبطال، ملك) and a place or name the tagger found (كأس ألمانيا، أولمبياد
    لندن), taken whole. بطولة before كأس stays out (بطولة كأس الملك → كأس الملك); الكأس and
    البطولة name nothing; المونديال alone is an event."""
    starts = {m.i: m for m in model}
    out = []
    n = len(toks)
    i = 0
    while i < n:
        head = _event_head(toks[i])
        if head is None:
            i += 1
            continue
        if head == "بطولة" and i + 1 < n and _event_head(toks[i + 1]) == "كاس":
            i += 1
            continue
        if head in ("كاس", "بطولة") and any(
            v.startswith("ال") and v[2:] == head for v in strip_variants(norm_word(toks[i].text))
        ):
            i += 1  # الكأس، البطولة: the cup, the tournament, named before
            continue
        j = i + 1
        while j < n and j - i < MAX_EVENT_TOKENS and toks[j].is_word:
            m = starts.get(j)
            if m is not None and m.kind in ("LOC", "ORG", "PERS"):
                if m.j - i > MAX_EVENT_TOKENS:
                    break
                j = m.j
                continue
            w = norm_word(toks[j].text)
            definite = _definite(toks[j].text) and (not w.startswith("لل") or w in _EVENT_FOR)
            if w in _EVENT_INNER or (definite and not _event_head(toks[j])):
                j += 1
                continue
            break
        while j > i + 1 and norm_word(toks[j - 1].text) in _EVENT_INNER:
            j -= 1
        if j > i + 1 or norm_word(toks[i].text) in _EVENT_ALONE or head == "مونديال":
            strip, form = proclitic(toks[i], tagger, names)
            out.append(_Span(i, j, "MISC", strip, form))
            i = j
        else:
            i += 1
    return out


def with_events(spans: list[_Span], events: list[_Span]) -> list[_Span]:
    """The spans with event spans laid over them: every span they overlap gives way."""
    out = list(spans)
    for e in events:
        out = [m for m in out if not (m.i < e.j and e.i < m.j)]
        out.append(e)
    return sorted(out)


# --- football clubs in sports sentences ------------------------------------------------------
CLUBS_PATH = Path(__file__).resolve().parent.parent / "data" / "clubs.txt"
# Words that make a sentence one about sport (bare, normalised as norm_word).
SPORTS_CUES = frozenset(
    [
        "مباراة",
        "مباراته",
        "مباراتها",
        "المباراة",
        "مباريات",
        "دوري",
        "الدوري",
        "كاس",
        "ملعب",
        "الملعب",
        "مدرب",
        "المدرب",
        "تعادل",
        "لاعب",
        "اللاعب",
        "لاعبي",
        "ديربي",
        "الكلاسيكو",
        "الشوط",
        "ركلة",
        "ركلات",
        "المونديال",
        "الهداف",
        "هداف",
        "المتصدر",
        "الصدارة",
        "الجولة",
    ]
)


@lru_cache(maxsize=200_000)
def _among(word: str, words: frozenset[str]) -> bool:
    """Whether a word, with or without a proclitic, is one of `words` (normalised)."""
    return any(v in words for v in strip_variants(norm_word(word)))


def about_sport(toks: Sequence[Token]) -> bool:
    """Whether a sentence has a football cue word (with or without a proclitic)."""
    return any(_among(t.text, SPORTS_CUES) for t in toks if t.is_word)


@cache
def clubs() -> dict[tuple[str, ...], str]:
    """Clubs (ORG) and stadiums (LOC) of data/clubs.txt: words normalised as norm_word → kind."""
    out = {}
    for line in CLUBS_PATH.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        kind, _, name = line.rpartition("\t")
        out[tuple(norm_word(w) for w in name.split())] = kind or "ORG"
    return out


# A club whose name is a frequent word (الاتحاد، الوحدة، الفتح) needs more than an article about
# football: a football cue word in its own sentence, or this many club names in it (a table).
CLUB_LIST_MIN = 3


@cache
def frequent_word_clubs() -> frozenset[str]:
    """The one-word clubs named by a frequent word with the article (الهلال، النصر، الاتحاد),
    normalised as norm_word: clubs only in articles about football (club_spans)."""
    tagger = default_tagger()
    return frozenset(
        name[0]
        for name in clubs()
        if len(name) == 1 and name[0].startswith("ال") and is_frequent(tagger, name[0])
    )


@cache
def _club_firsts() -> frozenset[str]:
    return frozenset(name[0] for name in clubs())


def club_spans(
    toks: Sequence[Token], tagger, names, sport: bool | None = None, cue: bool | None = None
) -> list[_Span]:
    """Spans of the clubs and stadiums of data/clubs.txt (the first word with or without a
    proclitic: والفيصلي، لبرشلونة), longest first, in an article about football (`sport`; by
    default: in a sentence with a football cue word); none elsewhere (النصر، الاتحاد are common
    words, روما a city). A one-word name that is a frequent word needs a cue word in its own
    sentence or CLUB_LIST_MIN clubs in it, and is no club when a definite adjective follows it
    (الوحدة الوطنية)."""
    if cue is None:
        cue = about_sport(toks)
    if not (cue if sport is None else sport):
        return []
    known = clubs()
    longest = max(map(len, known))
    firsts = _club_firsts()
    norms = [norm_word(t.text) if t.is_word else "" for t in toks]
    found = []
    i = 0
    while i < len(toks):
        hit = None
        if norms[i] and _among(toks[i].text, firsts):
            for v in strip_variants(norms[i]):
                for j in range(min(len(toks), i + longest), i, -1):
                    kind = known.get((v, *norms[i + 1 : j]))
                    if kind is not None and (hit is None or j > hit[0]):
                        hit = (j, kind, v)
                        break
        if hit is None:
            i += 1
            continue
        j, kind, word = hit
        common = j == i + 1 and is_frequent(tagger, word)
        if (
            common
            and j < len(toks)
            and _definite(toks[j].text)
            and not any((v,) in known for v in strip_variants(norms[j]))
        ):
            i += 1
            continue  # الوحدة الوطنية: a common word with its adjective
        found.append((i, j, kind, common))
        i = j
    listing = len(found) >= CLUB_LIST_MIN
    out = []
    for i, j, kind, common in found:
        if common and not (cue or listing):
            continue
        strip, form = proclitic(toks[i], tagger, names)
        out.append(_Span(i, j, kind, strip, form))
    return out


# --- places named after a descriptor ---------------------------------------------------------
# Words that name what kind of place the next word is (bare, normalised as norm_word); they stay
# outside the name, as the annotation conventions want (مدينة إدلب → إدلب).
PLACE_DESCRIPTORS = frozenset(
    ["مدينة", "محافظة", "بلدة", "قرية", "ولاية", "اقليم", "منطقة", "مخيم", "ريف", "جزيرة", "عاصمة"]
)
PLACE_RULE = True


def _is_place(tok: Token, tagger: Tagger, names: Gazetteer) -> bool:
    """A word known as a place: a hand-written or table name, or a GeoNames / CLDR place name
    or one of the tagger's gazetteer that is no ordinary word (not mostly one, and not a
    frequent word with the article: الأمن)."""
    if names.single.get(tok.norm) == "LOC":
        return True
    norm = norm_word(tok.text)
    if norm in default_gazetteer().common or (
        _definite(tok.text) and is_frequent(tagger, tok.text)
    ):
        return False
    return entity_key(tok.text) in place_keys() or "LOC" in tagger.gazetteer.get((norm,), ())


def place_spans(toks: Sequence[Token], spans: Sequence[_Span], tagger, names) -> list[_Span]:
    """LOC spans of known places right after a place descriptor where the tagger found nothing
    (محافظة إدلب، ريف حلب; with or without a proclitic on the descriptor: بمدينة)."""
    covered = {k for s in spans for k in range(s.i, s.j)}
    out = []
    for i in range(len(toks) - 1):
        tok, nxt = toks[i], toks[i + 1]
        if not (tok.is_word and nxt.is_word) or i + 1 in covered:
            continue
        if not _among(tok.text, PLACE_DESCRIPTORS):
            continue
        if _is_place(nxt, tagger, names):
            out.append(_Span(i + 1, i + 2, "LOC", 0, nxt.norm))
    return out


# --- spans ------------------------------------------------------------------------------------


class _Span(NamedTuple):
    i: int  # first token
    j: int  # end token (exclusive)
    kind: str
    strip: int  # normalised characters of token i left out
    form: str  # normalised form of token i without them


def _model_spans(toks: Sequence[Token], tags: Sequence[str], tagger, names) -> list[_Span]:
    out = []
    for i, j, kind in chunks(tags):
        while i < j and not toks[i].is_word:
            i += 1
        while j > i and not toks[j - 1].is_word:
            j -= 1
        if i >= j or kind not in KINDS:
            continue
        if any(_TANWEEN_RE.search(t.text) for t in toks[i:j]):
            continue
        if j - i == 1 and kind != "PERS" and is_nationality(toks[i], tagger, names):
            continue
        strip, form = proclitic(toks[i], tagger, names)
        if kind == "ORG" and j - i >= 2 and _named_before_nisba(toks, i, j, form, tagger, names):
            j -= 1
        out.append(_Span(i, j, kind, strip, form))
    return out


def _named_before_nisba(toks: Sequence[Token], i: int, j: int, form: str, tagger, names) -> bool:
    """Whether an organisation's span ends in a nationality adjective after a name of its own
    (حزب الله اللبناني, بنفيكا البرتغالي): the adjective describes the name and stays out of it,
    unlike after a common word, where it makes the name (الجيش العراقي)."""
    if not is_nationality(toks[j - 1], tagger, names):
        return False
    rest = (form, *(t.norm for t in toks[i + 1 : j - 1]))
    listed = names.lookup(rest)
    if listed is not None:
        return listed != "O"
    return len(rest) == 1 and not is_frequent(tagger, toks[i].text)


def _core_spans(toks: Sequence[Token], names: Gazetteer) -> list[_Span]:
    """Longest hand-written names, left to right (O phrases included, to block)."""
    out = []
    i, n = 0, len(toks)
    while i < n:
        g = _longest_name(toks, i, names) if toks[i].is_word else None
        if g is None:
            i += 1
            continue
        j, strip, kind, forms = g
        out.append(_Span(i, j, kind, strip, forms[0]))
        i = j
    return out


def merge(model: list[_Span], listed: list[_Span]) -> list[_Span]:
    """The tagger's spans with the hand-written names laid over them (see the module doc)."""
    spans = list(model)
    for c in listed:
        over = [m for m in spans if m.i < c.j and c.i < m.j]
        if any(m.i <= c.i and c.j <= m.j and (m.i, m.j) != (c.i, c.j) for m in over):
            continue  # a longer tagged name contains the listed one (or the blocked phrase)
        spans = [m for m in spans if m not in over]
        if c.kind != "O":
            spans.append(c)
    return sorted(spans)


def sentence_spans(
    toks: Sequence[Token],
    tags: Sequence[str],
    tagger: Tagger,
    names: Gazetteer,
    sport: bool | None = None,
    cue: bool | None = None,
) -> list[_Span]:
    spans = merge(_model_spans(toks, tags, tagger, names), _core_spans(toks, names))
    if ORG_RULE:
        spans = with_orgs(spans, org_spans(toks, spans, tagger, names))
    if EVENT_RULE:
        spans = with_events(spans, event_spans(toks, spans, tagger, names))
    if CLUB_RULE:
        spans = with_clubs(spans, club_spans(toks, tagger, names, sport, cue))
    if PLACE_RULE:
        spans = sorted([*spans, *place_spans(toks, spans, tagger, names)])
    if SURNAME_RULE:
        spans = with_family_names(with_surnames(toks, spans, tagger, names), names)
    if HYPHEN_RULE:
        spans = with_hyphenated_parts(toks, spans)
    if SURNAME_RULE:
        spans = with_byline(toks, spans, tagger)
    return with_places_in_two_words(toks, spans)


def with_byline(toks: Sequence[Token], spans: list[_Span], tagger: Tagger) -> list[_Span]:
    """A line of two to four words and nothing else, with one person's span in it, is a byline:
    the whole line is the author's name (عادل | خزام، هدى | سعيد سيف، نائل | صلاح). Words before
    the span must be given names; words after it name units or rare words no list calls
    ordinary and no verb or participle begins like (a family name: خزام; not ميسي يتألق)."""
    if len(spans) != 1 or spans[0].kind != "PERS" or not 2 <= len(toks) <= 4:
        return spans
    s = spans[0]
    for k, tok in enumerate(toks):
        if s.i <= k < s.j:
            continue
        norm = tok.norm
        if not tok.is_word or not regex.fullmatch(r"\p{Arabic}+", tok.text) or len(norm) < 3:
            return spans
        if norm in STOP or norm in TITLES or is_ordinary_word(norm):
            return spans
        if norm.startswith(("بال", "لل", "وال", "فال", "كال")):
            return spans  # بالتوفيق: a proclitic and the article
        if is_given_name(norm) if k < s.i else is_name_unit(norm):
            continue
        if k < s.i or norm[0] == "و":
            return spans  # صلاح وبوغبا وأوزيل: names joined by و
        if norm[0] in "يتنام" or _rank(tagger, tok.text) < UNKNOWN_SURNAME_MIN_RANK:
            return spans  # a verb (يتألق) or a participle (متفاءل)
    if s.i == 0:
        return [s._replace(j=len(toks))]  # the span's proclitic stays out
    return [s._replace(i=0, j=len(toks), strip=0, form=toks[0].norm)]


def with_places_in_two_words(toks: Sequence[Token], spans: list[_Span]) -> list[_Span]:
    """Two words that, written as one word, are a known place (بيونغ يانغ / بيونغيانغ) are
    that place wherever the tagger marked them and nothing around them, whatever it read them
    as: two short foreign words read as a person's name, or as a proclitic and a place and
    then a person (ب + يونغ، يانغ). Not where the first word is a known given name."""
    out: list[_Span] = []
    k = 0
    while k < len(spans):
        s = spans[k]
        i = s.i
        # the spans that cover exactly toks[i] and toks[i + 1]: one, or one on each
        if s.j == i + 2:
            covered = 1
        elif s.j == i + 1 and k + 1 < len(spans) and spans[k + 1].j == i + 2:
            covered = 2
        else:
            covered = 0
        if (
            covered
            and toks[i].is_word
            and toks[i + 1].is_word
            and entity_key(toks[i].text + toks[i + 1].text) in place_keys()
            and not is_given_name(toks[i].norm)
        ):
            out.append(_Span(i, i + 2, "LOC", 0, toks[i].norm))
            k += covered
            continue
        out.append(s)
        k += 1
    return out


# --- a name's hyphenated last part -----------------------------------------------------------
HYPHEN_RULE = True
HYPHENS = frozenset("-‐‑–")
# The part after the hyphen of a transliterated given name (كيم جونغ-أون، مون جاي-إن) is short.
MAX_HYPHENATED_PART = 4


def with_hyphenated_parts(toks: Sequence[Token], spans: list[_Span]) -> list[_Span]:
    """A person's name of two words or more takes the short word after a hyphen (كيم جونغ-أون,
    مون جاي-إن, كيم جونغ - أون): the tagger, which reads the hyphen as punctuation, ends the
    name before it. The word has no article and is no title; unless the hyphen touches both
    words, it has three letters at most and is no ordinary word (ترامب -في, جيمسون - ناقد)."""
    taken = {k for s in spans for k in range(s.i, s.j)}
    # the tagger may have marked the part alone (كيم جونغ | أون): it joins the name
    alone = {s.i: s for s in spans if s.kind == "PERS" and s.j == s.i + 1}
    joined = set()
    out = []
    for s in spans:
        if s in joined:
            continue
        k = s.j
        if (
            s.kind == "PERS"
            and s.j - s.i >= 2
            and k + 1 < len(toks)
            and (k + 1 not in taken or k + 1 in alone)
        ):
            dash, word = toks[k], toks[k + 1]
            touching = dash.start == toks[k - 1].end and word.start == dash.end
            if (
                dash.text in HYPHENS
                and word.is_word
                and 2 <= len(word.norm) <= MAX_HYPHENATED_PART
                and regex.fullmatch(r"\p{Arabic}+", word.text)
                and not word.norm.startswith(ARTICLE)
                and word.norm not in TITLES
                and (touching or (len(word.norm) <= 3 and not is_ordinary_word(word.norm)))
            ):
                s = s._replace(j=k + 2)
                if k + 1 in alone:
                    joined.add(alone[k + 1])
        out.append(s)
    return [s for s in out if s not in joined]


# --- a given name's surname ------------------------------------------------------------------
SURNAME_RULE = True
# The word after a lone given name is its surname only when it is rarer than this (rank in the
# embedding vocabulary): صالح جمعة, but not محمد اليوم.
SURNAME_MIN_RANK = 3000
# A family name no name table knows (العسومي، المعجل) must be rarer still: المطعم is 10,861th.
UNKNOWN_SURNAME_MIN_RANK = 30000


def _surname_after(tok: Token, tagger: Tagger, names: Gazetteer) -> bool:
    """Whether a word can be the surname of the given name before it: a surname more often
    than a given name in the name table (جمعة, شمص; not قادر), rarer in the news than
    ``SURNAME_MIN_RANK``, and not a title, a head noun, a listed word or a nationality
    adjective. A rare word that no table knows is not enough: after a name it is as often a
    verb or a noun with a clitic (صلاح يتمرن, سعيد بلقائكم) as a surname."""
    text, norm = tok.text, tok.norm
    if not tok.is_word or len(norm) < 3 or not regex.fullmatch(r"\p{Arabic}+", text):
        return False
    if norm in TITLES or is_head_word(norm) or names.single.get(norm) is not None:
        return False
    if _rank(tagger, text) < SURNAME_MIN_RANK or is_nationality(tok, tagger, names):
        return False
    # a rare word with the article that is no ordinary word is a family name (محمد العسومي،
    # ناصر البهدير): with the article it is no verb; the news' common words are more frequent
    # (مالك المطعم، إكرام البنت), and plurals and feminine adjectives are no family names
    # (ريما الفيديوهات، حسين الأيدولوجية، صالح التقليديين)
    return is_surname(norm) or (
        norm.startswith(ARTICLE)
        and len(norm) >= 5
        and _rank(tagger, text) >= UNKNOWN_SURNAME_MIN_RANK
        and not norm.endswith(("ات", "يه", "ين", "ون"))
        and not is_ordinary_word(norm)
        and not is_ordinary_word(norm[2:])
        and entity_key(norm) not in place_keys()
    )


def with_surnames(toks: Sequence[Token], spans: list[_Span], tagger, names) -> list[_Span]:
    """A person's span of one given name (إيمان, صالح) takes the word right after it when that
    word can be its surname (إيمان مطلق, see _surname_after): the tagger, which learnt surnames
    from ANERcorp's names, often ends a name after its first word."""
    taken = {k for s in spans for k in range(s.i, s.j)}
    out = []
    for s in spans:
        k = s.j
        if (
            s.kind == "PERS"
            and s.j - s.i == 1
            and k < len(toks)
            and k not in taken
            and is_given_name(s.form)
            and _surname_after(toks[k], tagger, names)
        ):
            s = s._replace(j=k + 1)
        out.append(s)
    return out


def with_family_names(spans: list[_Span], names: Gazetteer) -> list[_Span]:
    """A person's one-word span that no list knows, right before a listed person's one-word
    name, is that family's member (ميلانيا ترامب، إيفانكا ترامب): the tagger marks the given
    name, the list the surname, and the two become one name. Two listed names side by side stay
    two people (أبلغ ترامب ماكرون)."""
    out: list[_Span] = []
    for s in spans:
        last = out[-1] if out else None
        if (
            last is not None
            and last.j == s.i
            and last.kind == s.kind == "PERS"
            and last.j - last.i == 1
            and s.j - s.i == 1
            and names.single.get(last.form) is None
            and names.single.get(s.form) == "PERS"
        ):
            out[-1] = last._replace(j=s.j)
            continue
        out.append(s)
    return out


def with_clubs(spans: list[_Span], found: list[_Span]) -> list[_Span]:
    """Club spans where no span is, or over spans inside them or of one token (ليغانيس PERS,
    باير ليفركوزن PERS), or over a span made of clubs only (الاتحاد والأهلي)."""
    out = []
    for m in spans:
        inside = [c for c in found if m.i <= c.i and c.j <= m.j]
        if len(inside) < 2 or sum(c.j - c.i for c in inside) != m.j - m.i:
            out.append(m)
    for c in found:
        over = [m for m in out if m.i < c.j and c.i < m.j]
        if all(m.j - m.i == 1 or (c.i <= m.i and m.j <= c.j) for m in over):
            out = [m for m in out if m not in over]
            out.append(c)
    return sorted(out)


def _found(text: str, toks: Sequence[Token], s: _Span) -> Found | None:
    first, last = toks[s.i], toks[s.j - 1]
    start = first.start + source_offset(first.text, s.strip)
    end = last.end - (len(last.text) - len(last.text.rstrip(INVISIBLE_CHARS)))
    key = entity_key(" ".join([s.form, *(t.norm for t in toks[s.i + 1 : s.j])]))
    if start >= end or not key:
        return None
    return Found(start, end, s.kind, key)


def tagger_core(text: str, tagger: Tagger | None = None) -> list[Found]:
    """Entities of a text (a whole article: its sentences are tagged in batches)."""
    return tagger_core_many([text], tagger)[0]


def tagger_core_many(texts: Sequence[str], tagger: Tagger | None = None) -> list[list[Found]]:
    """Entities of many texts, their sentences tagged together: sentences of like length from
    many articles share a batch, which halves the tagger's time next to one text at a time.
    Each text is then read as a whole (see :func:`document_spans`)."""
    tagger = tagger or default_tagger()
    names = core_names()
    sents = [
        (n, toks)
        for n, text in enumerate(texts)
        for s, e in sentence_bounds(text)
        if (toks := tokenize(text, s, e))
    ]
    tags = tagger.tag_many([[model_token(t.text) for t in toks] for _, toks in sents])
    docs: list[list[tuple[Sequence[Token], Sequence[str]]]] = [[] for _ in texts]
    for (n, toks), tg in zip(sents, tags, strict=True):
        docs[n].append((toks, tg))
    out: list[list[Found]] = [[] for _ in texts]
    for n, doc in enumerate(docs):
        for toks, spans in document_spans(doc, tagger, names):
            for s in spans:
                f = _found(texts[n], toks, s)
                if f is not None:
                    out[n].append(f)
    return out


# --- the article as a whole -------------------------------------------------------------------
DOCUMENT_RULE = True
# A one-word name is looked for elsewhere in its article only when it is rarer than this
# (rank in the embedding vocabulary): frequent words are names in one place and words in another.
PROPAGATE_MIN_RANK = 3000


def _form(toks: Sequence[Token], s: _Span) -> tuple[str, ...]:
    return (s.form, *(t.norm for t in toks[s.i + 1 : s.j]))


def document_spans(
    doc: Sequence[tuple[Sequence[Token], Sequence[str]]], tagger: Tagger, names: Gazetteer
) -> list[tuple[Sequence[Token], list[_Span]]]:
    """Spans of an article's sentences (tokens, tags), read as one text:

    * an article with a football cue word in any sentence is about football, so its clubs are
      clubs in every sentence (a table of results names no match);
    * one name is one kind in an article: where its spans disagree (بنفيكا ORG twice, LOC
      once), the kind most of them have wins;
    * a name found once is the same name at its other occurrences in the article, with or
      without a proclitic (البنك التجاري … للبنك التجاري), and so is a person's family name
      used alone (جلال طالباني … طالباني), unless it is a frequent word or another span
      already covers it.
    """
    if not DOCUMENT_RULE:
        return [(toks, sentence_spans(toks, tg, tagger, names)) for toks, tg in doc]
    cues = [about_sport(toks) for toks, _ in doc]
    sport = any(cues)
    found = [
        (toks, sentence_spans(toks, tg, tagger, names, sport, cue))
        for (toks, tg), cue in zip(doc, cues, strict=True)
    ]
    votes: dict[tuple[str, ...], Counter[str]] = {}
    for toks, spans in found:
        for s in spans:
            votes.setdefault(_form(toks, s), Counter())[s.kind] += 1
    kinds: dict[tuple[str, ...], str] = {}
    for form, counts in votes.items():
        (kind, top), *rest = counts.most_common()
        if not rest or top > rest[0][1]:
            kinds[form] = kind
    for form in _named_companies(found, names):
        kinds[form] = "ORG"
    for form, kind in list(kinds.items()):
        if kind == "PERS" and (surname := _surname(form)) is not None:
            kinds.setdefault(surname, "PERS")
        elif kind == "ORG" and (rest := _without_head(form)) is not None:
            kinds.setdefault(rest, "ORG")
    by_first: dict[str, list[tuple[str, ...]]] = {}
    for form, kind in kinds.items():
        if _worth_propagating(form, kind, tagger, names):
            by_first.setdefault(form[0], []).append(form)
    out = []
    for toks, spans in found:
        spans = [s._replace(kind=kinds[f]) if (f := _form(toks, s)) in kinds else s for s in spans]
        out.append((toks, _propagated(toks, spans, kinds, by_first) if by_first else spans))
    return out


def _without_head(form: tuple[str, ...]) -> tuple[str, ...] | None:
    """The name of a body inside an organisation's name after its head (حزب الجبهة الوطنية →
    الجبهة الوطنية; مفوضية الاتحاد الأفريقي → الاتحاد الأفريقي), which the article may use
    alone: definite words, two at least, the first a head itself (not الداخلية of وزارة
    الداخلية, nor الرقابة الشرعية of هيئة الرقابة الشرعية)."""
    if len(form) < 3 or form[0] not in _BARE_HEAD_NORMS:
        return None
    rest = form[1:]
    if rest[0][2:] not in _BARE_HEAD_NORMS:
        return None
    return rest if all(w.startswith(ARTICLE) and len(w) > 3 for w in rest) else None


_COMPANY_WORDS = frozenset({"شركه", "لشركه", "بشركه", "وشركه", "شركتي", "شركتا"})


def _named_companies(found, names: Gazetteer) -> set[tuple[str, ...]]:
    """One-word names the article writes right after شركة (شركة جلينكور): companies wherever
    the article names them, whatever kind the tagger gave them (جلينكور PERS, إكستراتا LOC);
    not a listed name or a known place (شركة قطر للبترول names a company after the country)."""
    surnames = {
        (toks[s.j - 1].norm,)
        for toks, spans in found
        for s in spans
        if s.kind == "PERS" and s.j - s.i > 1
    }
    out = set()
    for toks, spans in found:
        for s in spans:
            if (
                s.j == s.i + 1
                and s.i > 0
                and toks[s.i - 1].norm in _COMPANY_WORDS
                and names.single.get(s.form) is None
                and entity_key(s.form) not in place_keys()
                and _form(toks, s) not in surnames  # ميت رومني … شركة رومني: the person's
            ):
                out.add(_form(toks, s))
    return out


# Last words that make a compound with the word before them (جمال الدين، عبد الله).
_COMPOUND_ENDS = frozenset({"الدين", "الله", "الرحمن", "الرحيم"})


def _surname(form: tuple[str, ...]) -> tuple[str, ...] | None:
    """The family name at the end of a person's full name (إياد جمال الدين → جمال الدين,
    جلال طالباني → طالباني), which the article may use alone; None for a name of one word or
    one ending in a patronymic chain (… بن راشد آل مكتوم keeps its own)."""
    if len(form) < 2:
        return None
    n = 2 if form[-1] in _COMPOUND_ENDS and len(form) >= 3 else 1
    tail = form[-n:]
    if form[-n - 1] in PARTICLES or any(w in PARTICLES for w in tail):
        return None
    return tail


def _worth_propagating(form: tuple[str, ...], kind: str, tagger: Tagger, names: Gazetteer) -> bool:
    """Whether a name is looked for elsewhere in its article: a name of several words, or of
    one that is no frequent word, or a known name or place of its kind."""
    if len(form) > 1:
        return True
    word = form[0]
    if len(word) < 3 or word in STOP or word in PARTICLES or word in default_gazetteer().common:
        return False
    if names.single.get(word, "O") != "O" or not is_frequent(tagger, word):
        return True
    return kind == "LOC" and not _definite(word) and entity_key(word) in place_keys()


def _propagated(
    toks: Sequence[Token],
    spans: list[_Span],
    kinds: dict[tuple[str, ...], str],
    by_first: dict[str, list[tuple[str, ...]]],
) -> list[_Span]:
    """The sentence's spans plus the article's names (`by_first`: by first word) at uncovered
    tokens, longest first."""
    covered = [False] * len(toks)
    for s in spans:
        covered[s.i : s.j] = [True] * (s.j - s.i)
    added = []
    i = 0
    while i < len(toks):
        tok = toks[i]
        hit = None
        if tok.is_word and not covered[i]:
            for first, n in _clitic_analyses(tok.norm):
                for form in by_first.get(first, ()):
                    j = i + len(form)
                    if (
                        j <= len(toks)
                        and not any(covered[i:j])
                        and all(toks[i + k].norm == w for k, w in enumerate(form[1:], 1))
                        and (hit is None or j > hit.j)
                    ):
                        hit = _Span(i, j, kinds[form], n, first)
        if hit is None:
            i += 1
            continue
        added.append(hit)
        i = hit.j
    return sorted([*spans, *added]) if added else spans
