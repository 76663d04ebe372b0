"""Spans as a reader wants them, whatever recogniser found them.

Applied to every backend's spans (``backends``) before they are linked:

* **Titles and roles** are not part of a person's name: الملك، الأمير، ولي العهد، سمو، الرئيس،
  وزير، الشيخ، الدكتور … come off either end (الأمير محمد بن نايف → محمد بن نايف; خالد الفيصل
  أمير → خالد الفيصل; سلمان وسمو ولي → سلمان), and so does a nationality adjective before the
  name (الرئيس السوري بشار الأسد → بشار الأسد).
* **Descriptor words** that the annotation conventions leave outside names (فريق، نادي، صحيفة،
  مدينة، دولة) come off the front of a longer name.
* **Proclitics** (و ف ب ل ك and their combinations) come off the first word when the rest is a
  known place, a listed name, a given name or a descriptor head, and the whole word is not a
  name itself (بجدة → جدة, لتنظيم داعش → تنظيم داعش; لبنان and بغداد stay whole).
* **Coordinated names** are split: كيري ولافروف → كيري + لافروف, when the word after و is a known
  name and the word with و is not (وليد stays); so are listed names written side by side
  (فيسبوك جوجل → فيسبوك + جوجل).
* **Names after a person**: an organisation or place whose name ends in a title and goes on
  with a person's name is one name (جامعة الملك عبدالعزيز); a place after ب or ل at the end of
  a person's name is a place of its own (عبدالعزيز بجدة → عبدالعزيز + جدة).
* **Never marked**: God, religions, currencies (الله، الإسلام، الدولار، ريال …), and one-word
  nationality adjectives of known places (الإيرانية، السعوديين).
* **Ordinary words** come off a person's name: before it (محامي برونسون → برونسون), and after it
  with the article, or a day or month (أفيغدور ليبرمان الخميس → أفيغدور ليبرمان); a day comes
  off an organisation's or a place's name too (منظمة العفو الدولية الخميس).
* **Organisations named after a country**: a country's name between a head and an adjective is
  the organisation's (لقوات سوريا الديمقراطية → قوات سوريا الديمقراطية).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache, lru_cache

import regex

from .knowledge import is_given_name, is_name_unit, known_entities, place_keys
from .text import (
    ARTICLE,
    Token,
    clitic_analyses,
    entity_key,
    normalize_letters,
    source_offset,
    tokenize,
)


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Normalised spellings (normalize_letters: no hamza on alef, ه for ة, ي for ى).
TITLES = _words(
    """
    الملك ملك العاهل عاهل الامير امير الاميره اميره سمو السمو صاحب الملكي ولي العهد
    الرئيس رئيس الرئيسه رئيسه الوزير وزير الوزيره وزيره نائب النائب الشيخ شيخ الشيخه شيخه
    الدكتور دكتور الدكتوره د السيد السيده الجنرال جنرال اللواء لواء العميد العقيد المقدم الرائد
    النقيب المشير الفريق المستشار القاضي الامام الحاج المرشد القائد قائد الزعيم زعيم السفير
    سفير المبعوث مبعوث المتحدث الناطق الاستاذ الاستاذه البروفيسور المهندس الكابتن المدرب مدرب
    اللاعب لاعب النجم الفنان الفنانه الكاتب الصحفي الاعلامي الداعيه المفتي سماحه فضيله معالي
    سعاده فخامه دوله خادم الحرمين الشريفين الحاكم حاكم المحافظ محافظ السلطان سلطان السناتور
    السيناتور عضو الامين العام مساعد المساعد وكيل
    سلف شقيق شقيقه نجل نجله زوجه ارمله حفيد حفيده والد والده
    """
)
# Titles that are only ever titles (the others can end a name: سلطان، الحاج، شيخ are names too),
# relations (شقيق، نجل …) and a patronymic particle left without its name.
END_TITLES = _words(
    """
    الملك ملك العاهل عاهل الامير امير سمو السمو صاحب الملكي ولي العهد الرئيس رئيس الوزير
    وزير نائب الشيخ الدكتور السيد السيده الجنرال اللواء العميد العقيد المشير المستشار المبعوث
    المتحدث الناطق سماحه فضيله معالي سعاده فخامه خادم الحرمين الشريفين الحاكم المحافظ محافظ
    شقيق شقيقه نجل نجله زوجه ارمله حفيد حفيده والد والده سلف بن ابن بنت
    """
)
# Words that join the next word into a name (آل الشيخ is a family, not a title).
NAME_PARTICLES = _words("ال بن ابن بنت ابو ام عبد")
PATRONYMIC_WORDS = _words("بن ابن بنت")
# "Staff", after a military rank (العميد الركن، اللواء ركن): a title, but in ركن الدين.
STAFF = _words("ركن الركن")
# Two-word titles whose words are not titles one by one.
TITLE_PHRASES = {("ايه", "الله"), ("اية", "الله"), ("حجه", "الاسلام"), ("رئيس", "الوزراء")}
DESCRIPTORS = _words("فريق نادي صحيفه جريده مدينه دوله دول")
# Heads that may follow a proclitic: لتنظيم داعش, بوزارة الصحة, لوكالة الأنباء.
HEADS = _words(
    """
    تنظيم جماعه حركه منظمه ميليشيا ميليشيات مليشيا مليشيات وزاره هيئه جامعه شركه نادي مجلس حزب
    وكاله صحيفه قناه مدينه محافظه منطقه دوله مملكه سلطنه جمهوريه ولايه مطار ميناء جبهه اتحاد
    الاتحاد المجلس الجيش جيش قوات سلاح البنك بنك المنتخب منتخب
    """
)
NEVER = _words(
    """
    الله اللهم الاله الرب الاسلام اسلام المسيحيه مسيحيه اليهوديه يهوديه البوذيه الهندوسيه
    الاسلاميه المسيحي الاسلامي الشيعه السنه الشيعي السني
    دولار الدولار دولارا دولارات دولارين ريال الريال ريالا ريالات يورو اليورو جنيه الجنيه جنيها
    جنيهات دينار الدينار دينارا دنانير درهم الدرهم درهما دراهم ليره الليره ليرات روبل الروبل
    الين يوان اليوان استرليني الاسترليني فرنك روبيه تومان التومان
    """
)
_NISBA_RE = regex.compile("(?:يه|يون|يين|يان|يتان|يتين|ي)$")
# Words after a name that say when, not who (أفيغدور ليبرمان الخميس).
TIME_WORDS = _words(
    """
    السبت الاحد الاثنين الثلاثاء الاربعاء الخميس الجمعه امس اليوم غدا الان صباح مساء
    يناير فبراير مارس ابريل مايو يونيو يوليو اغسطس سبتمبر اكتوبر نوفمبر ديسمبر
    """
)
# Days that come off the end of an organisation's or a place's name (not اليوم or a month,
# which end names: روسيا اليوم, ثورة 25 يناير).
DAY_WORDS = _words("السبت الاحد الاثنين الثلاثاء الاربعاء الخميس الجمعه امس غدا")
# Words that end a person's name although they are ordinary words too (عبد الله الثاني، جورج
# بوش الابن).
NAME_ENDINGS = _words(
    """
    الاول الثاني الثالث الرابع الخامس السادس السابع الثامن التاسع العاشر الابن الاب الاكبر
    الاصغر الكبير الصغير جونيور
    """
)
# Heads of an organisation that may be named after a country (قوات سوريا الديمقراطية، جيش
# لبنان الجنوبي): the recogniser often marks the country alone.
STATE_ORG_HEADS = _words(
    """
    قوات جيش حزب جبهه حركه تحالف ائتلاف تيار كتائب لواء مجلس اتحاد منظمه هيئه جماعه
    """
)
# Words with ال that cannot be an organisation's adjective after a country's name.
NOT_ADJECTIVES = _words("الذي التي الذين اللذين اللتين اللذان اللتان اللاتي") | TIME_WORDS
# Adjectives of organisations' names that are not nisba-shaped (جيش سوريا الحر).
NAME_ADJECTIVES = _words("الحر الحره الجديد الجديده الموحد الموحده الكبير الكبري")


@cache
def _known_spellings() -> frozenset[str]:
    return frozenset(entity_key(s) for e in known_entities() for s in e.spellings)


def is_known_name(norm: str) -> bool:
    """A listed spelling, a place, or a given name / surname (normalised, one or more words)."""
    key = entity_key(norm)
    return key in _known_spellings() or key in place_keys() or is_name_unit(norm)


@lru_cache(maxsize=100_000)
def is_nationality(norm: str) -> bool:
    """A nisba adjective of a known place (الإيرانية, السعوديين, الأمريكي), not itself a name:
    a place whose own name ends like an adjective and derives from no other place
    (الإسكندرية، اللاذقية، إشبيلية، سيراليون) is the place."""
    return (
        entity_key(norm) not in _known_spellings()
        and is_nisba_of_place(norm)
        and not _own_place_name(norm)
        and not _club_named_like_a_town(norm)
    )


def _club_named_like_a_town(norm: str) -> bool:
    """One of the recogniser's one-word clubs (marked only in articles about football) named
    like the adjective of a town, not of a country: القادسية, not the adjective of Cádiz; but
    المصري, الأفريقي stay adjectives (اللاعب المصري)."""
    if entity_key(norm) not in _one_word_clubs():
        return False
    return _named_like_a_town(_without_article(norm), "ORG")


@cache
def _one_word_clubs() -> frozenset[str]:
    from .tagger.core import clubs  # the tagger's module imports this one

    return frozenset(entity_key(name[0]) for name, kind in clubs().items() if len(name) == 1)


def _named_like_a_town(norm: str, kind: str) -> bool:
    """An organisation or place of one word without the article that reads as the adjective
    of a town, not of a country (سيتي, إيني, ميدي): a name, which the adjective of a town
    without the article seldom is; مصري, كوري are adjectives whatever the recogniser says."""
    if kind not in ("ORG", "LOC") or norm.startswith(ARTICLE):
        return False
    m = _NISBA_RE.search(norm)
    if m is None:
        return False
    stem = norm[: m.start()]
    return not any(p in _country_keys() for p in (*_places_of_stem(stem), stem + "يه"))


@cache
def _country_keys() -> frozenset[str]:
    """Keys of the Arabic names of countries and regions (CLDR, through Babel) and of their
    words (السعودية in المملكة العربية السعودية), and the listed places' spellings (أمريكا)."""
    from babel import Locale

    names = [*Locale("ar").territories.values()]
    names += [s for e in known_entities() if e.kind == "LOC" for s in e.spellings]
    keys = {entity_key(name) for name in names}
    keys |= {entity_key(word) for name in names for word in name.split() if len(word) >= 4}
    return frozenset(keys)


def _own_place_name(norm: str) -> bool:
    """Whether a word that reads as an adjective of a place is a place's own name only: a known
    place as written, and no place its stem names (الإسكندرية: no اسكندر; not المصرية: مصر)."""
    base = _without_article(norm)
    m = _NISBA_RE.search(base)
    if m is None or base not in place_keys():
        return False
    return not any(p in place_keys() for p in _places_of_stem(base[: m.start()]))


@lru_cache(maxsize=100_000)
def is_nisba_of_place(norm: str) -> bool:
    """A word formed as the adjective of a known place (السعودية, الإيرانية, العراقيين), whether
    or not it is also a name itself (السعودية is the country too)."""
    base = _without_article(norm)
    m = _NISBA_RE.search(base)
    if m is None or m.start() < 3:
        return False
    places = place_keys()
    return any(p in places for p in (base, *_places_of_stem(base[: m.start()])))


def _without_article(norm: str) -> str:
    """An adjective without its article (الإيرانية → إيرانية; short words kept whole)."""
    return norm[2:] if norm.startswith(ARTICLE) and len(norm) >= 5 else norm


def _places_of_stem(stem: str) -> tuple[str, ...]:
    """The names of the place an adjective's stem may come from (مصر، سوريا، أمريكا، تركيا)."""
    return (stem, stem + "ا", stem + "يا", stem + "ه", stem + "ان")


# Heads of organisations' names that, with the article and alone, are the body the text spoke
# of, not a name (أشاد بالمعهد، قالت الوزارة): ANERcorp tags every such word O. Not الاتحاد (a
# club's name, the European Union's short one). Normalised.
BODY_WORDS = _words(
    """
    وزاره هيئه جامعه شركه مجلس حزب حركه جماعه منظمه وكاله مؤسسه بنك مصرف جمعيه معهد لجنه
    محكمه مفوضيه مديريه سلطه صندوق جبهه تحالف تنظيم رابطه نقابه غرفه بورصه مستشفي اكاديميه
    كليه ديوان مرصد مكتب برلمان مركز
    """
)


# What حركة is the movement of when it is no movement's name: traffic, travel, trade (حركة النقل
# الجوي، حركة الرحلات الجوية، حركة التجارة الخارجية). Normalised.
ACTIVITIES = _words(
    """
    المرور السير النقل الملاحه الطيران الرحلات السفر التجاره البيع الشراء التداول التداولات
    الاسواق الاسعار النزوح الهجره البناء الاعمار الاستيراد التصدير الاستثمار الاستثمارات التنقل
    العبور الشحن البضائع الركاب المسافرين الحجوزات التوظيف الانفاق السياحه الزوار السفن
    الاموال الاسهم البورصه الاقتصاد
    """
)


_MOVEMENT = frozenset({"حركه", "الحركه"})


def _activity(head: Token, word: Token) -> bool:
    """Whether حركة (with or without the article, a proclitic allowed) and the word after it
    are an activity (حركة النقل الجوي), not a movement (حركة المقاومة الإسلامية)."""
    return word.norm in ACTIVITIES and _reads_as(head.norm, _MOVEMENT)


# Verbs of the formulas said after a name (رحمه الله، حفظه الله، رضي الله عنه، صلى الله عليه
# وسلم، طيب الله ثراه), with their pronouns; normalised; never a name's first part (نصر الله،
# فتح الله، جار الله are names). رحمة الله with ة stays a possible name (رحمة الله نبيل).
BLESSINGS = _words(
    """
    رحمه رحمها رحمهم رحمهما يرحمه يرحمها يرحمهم حفظه حفظها حفظهم يحفظه يحفظها يحفظهم رعاه
    رعاها رعاهم يرعاه ايده ايدها ايدهم يؤيده وفقه وفقها وفقهم يوفقه رضي رضى صلي سبحان بسم
    اطال تغمده تغمدها تقبله تقبلها شاء طيب غفر اسكنه اسكنها قدس عافاه شفاه حماه حماها
    """
)


def _blessing(word: Token, god: Token) -> bool:
    """Whether two words are a formula's verb and الله (a proclitic allowed on the verb)."""
    return god.norm == "الله" and not word.text.endswith("ة") and _reads_as(word.norm, BLESSINGS)


def _definite_head_alone(tok: Token) -> bool:
    """A word that is such a head with the article, a proclitic allowed, and no known name."""
    if is_known_name(tok.norm):
        return False
    return any(
        form.startswith(ARTICLE) and form[2:] in BODY_WORDS and not is_known_name(form)
        for form, _ in clitic_analyses(tok.norm)
    )


def _bare(tok: Token) -> str:
    """The token's normalised form without a proclitic و ف ب ل ك (وسمو → سمو, للرئيس → الرئيس)."""
    for form, n in clitic_analyses(tok.norm):
        if n and (form in TITLES or form in HEADS or form in NEVER):
            return form
    return tok.norm


@lru_cache(maxsize=100_000)
def _strip_proclitic(norm: str, whole: str = "") -> tuple[int, str]:
    """(characters to strip, rest) for a first word that carries a proclitic before a known name.
    ``whole``: the name the word begins, when it has more words; a name known as written keeps
    its first letter (بيونغ يانغ is a place, يونغ another)."""
    analyses = clitic_analyses(norm)
    if (
        len(analyses) == 1
        or norm in HEADS
        or norm in _event_heads()
        or is_known_name(norm)
        or is_given_name(norm)
    ):
        return 0, norm
    if whole and (entity_key(whole) in place_keys() or entity_key(whole) in _known_spellings()):
        return 0, norm
    # A place's name as a first word: the rest of a longer name must be its adjectives
    # (ببيروت الشرقية), else the place is another one (بيونغ يانغ: not ب + يونغ).
    place_ok = all(w.startswith(ARTICLE) for w in whole.split(" ")[1:])
    for form, n in analyses[1:]:
        key = entity_key(form)
        if (
            form in HEADS
            or (whole and form in _event_heads())
            or key in _known_spellings()
            or (place_ok and len(form) >= 4 and key in place_keys())
            # a place of three letters (وحمص), when the whole word is no ordinary word
            or (place_ok and len(form) == 3 and key in place_keys() and norm not in _common())
            # a given name after one proclitic (ومحمد), when the whole word is no ordinary word
            # (لجنة is no ل + جنة) or the name it begins is listed (لبي بي سي)
            or (
                n == 1
                and is_given_name(form)
                and (norm not in _common() or _listed_start(form, whole))
            )
        ):
            return n, form
    return 0, norm


@cache
def _event_heads() -> frozenset[str]:
    """The recogniser's heads of events' names, which a proclitic may precede too (لدوري أبطال
    أفريقيا، بكأس العالم), normalised."""
    from .tagger.core import EVENT_HEADS  # the tagger's module imports this one

    return frozenset(normalize_letters(head) for head in EVENT_HEADS)


def _listed_start(form: str, whole: str) -> bool:
    """Whether ``form`` and the next words of ``whole`` (a name's normalised words, its first
    word before ``form``) begin with a listed name of two words or more (بي بي سي)."""
    rest = whole.split(" ")[1:]
    return any(
        entity_key(" ".join([form, *rest[:k]])) in _known_spellings()
        for k in range(1, len(rest) + 1)
    )


def is_ordinary_word(norm: str) -> bool:
    """A normalised word of the gazetteer's list of ordinary words (الجيش، الأهلي، العرب)."""
    return norm in _common()


@cache
def _common() -> frozenset[str]:
    """Ordinary words of the corpora (the gazetteer's list), normalised."""
    from .gazetteer import default_gazetteer

    return frozenset(default_gazetteer().common)


def _is_ordinary(tok: Token) -> bool:
    """A word that is no part of a person's name: an ordinary word of four letters or more that
    is neither a name unit, a title, a particle nor a listed name (محامي، إنجاز، المسماة; not
    جون، الأسد، أبو)."""
    norm = tok.norm
    if norm in NAME_PARTICLES or norm in NAME_ENDINGS or norm in TITLES:
        return False
    if is_name_unit(norm) or is_given_name(norm) or entity_key(norm) in _known_spellings():
        return False
    # Short words of the list are often foreign given names too (ليل، ريد، كوك).
    return len(norm) >= 4 and norm in _common()


@cache
def _known_kinds() -> dict[str, str]:
    """Kind of each one-word spelling of the well-known names table."""
    return {
        entity_key(s): e.kind for e in known_entities() for s in e.spellings if " " not in s.strip()
    }


def _juxtaposed(toks: Sequence[Token]) -> list[tuple[int, int, str]] | None:
    """Names written side by side without و (فيسبوك جوجل): every word a listed one-word name of
    its own and the whole no name. Their ranges with their listed kinds, or None."""
    if entity_key(" ".join(t.norm for t in toks)) in _known_spellings():
        return None
    kinds = [_known_kinds().get(entity_key(t.norm)) for t in toks]
    if None in kinds:
        return None
    return [(k, k + 1, kind) for k, kind in enumerate(kinds)]


def _split_coordination(toks: Sequence[Token], kind: str = "") -> list[tuple[int, int]]:
    """Token ranges of the names joined by و inside one span (one range when there is none):
    before a known or given name, and in an organisation's span before the head noun of a
    second one (المنظمة الدولية والاتحاد الأفريقي، سابك والبنك الأهلي; not حزب العدالة
    والتنمية)."""
    parts, start = [], 0
    for k in range(1, len(toks)):
        norm = toks[k].norm
        if len(norm) < 4 or norm[0] != "و" or is_known_name(norm) or is_given_name(norm):
            continue
        rest = norm[1:]
        if kind == "ORG" and toks[k - 1].norm.startswith("لل") and rest.startswith(ARTICLE):
            continue  # a body's two fields (مؤسسة قطر للتربية والعلوم: العلوم is also a place)
        # a first name of two words or more, or of one that is no head nor ordinary word
        # (سابك والبنك الأهلي التجاري)
        first_name = k - start >= 2 or not (
            is_head_word(toks[start].norm) or _is_ordinary(toks[start])
        )
        head = kind == "ORG" and first_name and k + 1 < len(toks) and is_head_word(rest)
        if head or is_known_name(rest) or is_given_name(rest) or _two_brands(toks, k, kind):
            parts.append((start, k))
            start = k
    parts.append((start, len(toks)))
    return parts


def _two_brands(toks: Sequence[Token], k: int, kind: str) -> bool:
    """An organisation's span of two bare words joined by و is two organisations (غوغل
    ومايكروسوفت، أبل وسامسونغ): a name of one organisation in two such words is rare, and one
    whose second word begins with و (هيومن رايتس ووتش، ديزني وورلد) is not split."""
    if kind != "ORG" or len(toks) != 2 or k != 1:
        return False
    first, rest = toks[0].norm, toks[1].norm[1:]
    return (
        len(first) >= 3
        and len(rest) >= 3
        and not first.startswith(ARTICLE)
        and not rest.startswith((ARTICLE, "و"))
        and entity_key(" ".join(t.norm for t in toks)) not in _known_spellings()
    )


def is_head_word(norm: str) -> bool:
    """An organisation's or place's head noun (HEADS), with or without the article (الاتحاد،
    وزاره، الوزاره)."""
    bare = norm[2:] if norm.startswith(ARTICLE) else norm
    return bare in HEADS or ARTICLE + bare in HEADS


def clean_spans(text: str, spans: Sequence) -> list:
    """The spans of ``text`` cleaned as the module doc says (same Span type, new offsets)."""
    from .backends import Span  # the backends module imports this one

    out = []
    for span in spans:
        toks = [t for t in tokenize(text, span.start, span.end) if t.is_word]
        if not toks:
            continue
        pieces, coordinated = [(0, len(toks), span.kind)], False
        if len(toks) > 1:
            side_by_side = _juxtaposed(toks)
            if side_by_side:
                pieces = side_by_side
            else:
                pieces = [(a, b, span.kind) for a, b in _split_coordination(toks, span.kind)]
                coordinated = True
            a, b, kind = pieces[-1]
            if kind == "PERS" and b - a >= 2 and _is_place_after_preposition(toks[b - 1].norm):
                # عبدالعزيز بجدة: the place the person is in is not part of the name
                pieces[-1:] = [(a, b - 1, kind), (b - 1, b, "LOC")]
        for a, b, kind in pieces:
            # A recogniser that cut a span inside a word (للعراق → لعراق) took its proclitic off
            # already: another one does not come off.
            inside = a == 0 and span.start > 0 and text[span.start - 1].isalpha()
            club = b - a == 1 and _club_not_currency(text, toks[a], kind)
            piece = _clean_piece(toks[a:b], kind, strip_proclitic=not inside, club=club)
            if piece is None:
                continue
            start, end, title = piece
            if a > 0 and coordinated:  # the و of a coordinated name stays outside it
                start = max(start, toks[a].start + 1)
            name = text[start:end]
            key = _key(span, start, end, name)
            if title:
                key = titled_key(title, key)
            if key:
                out.append(Span(start, end, kind, name, key))
    out = _titled_from_before(text, out, Span)
    out = _without_epithets(_organisations_named_after_places(text, out, Span), Span)
    out = _with_known_short_forms(text, _named_after(text, out, Span), Span)
    return _newspapers(text, out, Span)


_TITLE_BEFORE_RE = regex.compile(r"(\p{L}+)[ \t]+$")


def _titled_from_before(text: str, spans: list, span_type) -> list:
    """A given name alone whose title the recogniser left outside its span (الملك سلمان،
    بالملك سلمان, marked سلمان) is keyed with its title, as when the span holds it: linking
    then joins it to the article's full name or asks the archive whom the title means. Not a
    name with the article (الرئيس الأسد: a family name)."""
    out = []
    for span in spans:
        if (
            span.kind == "PERS"
            and " " not in span.norm
            and not normalize_letters(span.text).startswith(ARTICLE)  # الرئيس الأسد: a surname
            and is_given_name(span.norm)
        ):
            before = _TITLE_BEFORE_RE.search(text, max(0, span.start - 30), span.start)
            if before:
                word = tokenize(before.group(1))
                title = _bare(word[0]) if len(word) == 1 else ""
                if title in TITLES:
                    span = span_type(
                        span.start, span.end, span.kind, span.text, titled_key(title, span.norm)
                    )
        out.append(span)
    return out


# Epithets of holy cities, outside the name as titles are outside a person's (مكة المكرمة،
# مشهد المقدسة، النجف الأشرف، القدس الشريف → مكة، مشهد، النجف، القدس). Normalised.
PLACE_EPITHETS = _words("المكرمه المقدسه الاشرف الشريف")


def _without_epithets(spans: list, span_type) -> list:
    """A place's span ending in an epithet after a known place's name ends before it."""
    out = []
    for span in spans:
        words = span.text.split()
        if (
            span.kind == "LOC"
            and len(words) == 2
            and normalize_letters(words[1]) in PLACE_EPITHETS
            and any(
                entity_key(form) in place_keys()
                for form, _ in clitic_analyses(normalize_letters(words[0]))
            )
        ):
            name = words[0]  # a span starts with its first word
            key = span.norm.split(" ")[0] if span.norm.count(" ") == 1 else entity_key(name)
            out.append(span_type(span.start, span.start + len(name), "LOC", name, key))
            continue
        out.append(span)
    return out


# --- newspapers -------------------------------------------------------------------------------

# Words that name a newspaper before its name (صحيفة "الوطن"، لصحيفة القبس، صحيفتا "عكاظ").
PRESS_WORDS = _words("صحيفه جريده مجله يوميه صحيفتا صحيفتي جريدتا جريدتي")
# What a newspaper does as a source, before its quoted name (نقلت «سبق»، بحسب "الرياض").
REPORTING = _words(
    "نقلت ذكرت قالت افادت اوردت كشفت نشرت علمت اكدت اشارت اضافت انفردت رصدت بحسب حسب وفق وفقا"
)
_QUOTE_RE = regex.compile(r"[«»\"“”]")
_PRESS_RE = regex.compile(r"(?<!\p{L})\p{L}{0,2}(?:صحيف|جريد|مجل|يومي)(?:ة|ه|تا|تي)(?!\p{L})")
_LETTERS_RE = regex.compile(r"\p{L}+")
_WORD_AFTER_QUOTE_RE = regex.compile(r"\s*(\p{L}+)")
# The newspaper's nationality after its name, in the feminine or the dual (السعودية، اللندنية،
# السعوديتان).
_DUAL_RE = regex.compile("(?:تان|تين)$")


@cache
def newspaper_names() -> dict[tuple[str, ...], str]:
    """Newspapers named like a place or an ordinary word (الرياض، المدينة، الوطن، اليوم): the
    table's organisations whose name begins with صحيفة, as normalised words of the name after
    it → the key of its mentions (the name with صحيفة, which keeps a newspaper and the city
    named like it apart inside an article)."""
    out = {}
    for entity in known_entities():
        if entity.kind == "ORG" and entity.name.startswith("صحيفة "):
            key = entity_key(entity.name)
            for spelling in entity.spellings:
                words = tuple(normalize_letters(spelling).split()[1:])
                out[words] = key
    return out


def _reads_as(word: str, words: frozenset[str]) -> bool:
    """Whether a word, or the word without a proclitic, is one of ``words`` (normalised)."""
    return any(form in words for form, _ in clitic_analyses(normalize_letters(word)))


def _adjective_of_a_paper(word: str) -> bool:
    """السعودية, اللندنية, السعوديتان: a place's adjective, as a newspaper's nationality."""
    norm = normalize_letters(word)
    if _DUAL_RE.search(norm):
        norm = norm[:-3] + "ه"
    return norm.startswith(ARTICLE) and is_nisba_of_place(norm)


def _newspapers(text: str, spans: list, span_type) -> list:
    """A newspaper named as a source is an organisation, not the place or word its name is
    (لـ«الرياض»، صحيفة "الوطن" السورية، نقلا عن "الشرق الأوسط"، نقلت «سبق»، صحيفتا "عكاظ"
    و"الرياض" السعوديتان). A name of ``newspaper_names`` is one in quotes after a press word,
    ل, نقلا عن, a verb of reporting or a dateline (بغداد: «الشرق الأوسط»), or before the paper's
    nationality, and right after a press word without quotes (جريدة الرياض); any short name in
    quotes right after a press word is one (صحيفة "ماركا"). The nationality after it is no
    place (the span on السعودية goes)."""
    has_quote = _QUOTE_RE.search(text) is not None
    if not has_quote and _PRESS_RE.search(text) is None:
        return spans
    papers = newspaper_names()
    found: list[tuple[int, int, str, tuple[int, int] | None]] = []
    if has_quote:
        marks = [m.start() for m in _QUOTE_RE.finditer(text)]
        for i, j in zip(marks, marks[1:], strict=False):
            inner = text[i + 1 : j]
            words = _LETTERS_RE.findall(inner)
            if not words or len(words) > 4 or len(inner) > 40 or "\n" in inner:
                continue
            name = tuple(normalize_letters(w) for w in words)
            before = text[max(0, i - 30) : i].replace("ـ", "").split()
            last = before[-1] if before else ""
            after = _WORD_AFTER_QUOTE_RE.match(text, j + 1)
            adjective = after is not None and _adjective_of_a_paper(after.group(1))
            press = bool(last) and _reads_as(last, PRESS_WORDS)
            cue = (
                press
                or adjective
                # a dateline: بغداد: «الشرق الأوسط»، جدة - «عكاظ»
                or (bool(last) and last[-1] in ":-–")
                or normalize_letters(last) == "ل"
                or (bool(last) and _reads_as(last, REPORTING))
                # نقلا عن (tanween folded away)
                or [normalize_letters(w) for w in before[-2:]] == ["نقلا", "عن"]
            )
            if not cue or not (name in papers or press):
                continue
            start = i + 1 + (len(inner) - len(inner.lstrip()))
            end = j - (len(inner) - len(inner.rstrip()))
            key = papers.get(name) or entity_key(text[start:end])
            found.append((start, end, key, after.span(1) if adjective and after else None))
    for m in _PRESS_RE.finditer(text):
        if not _reads_as(m.group(), PRESS_WORDS):
            continue
        following = list(_LETTERS_RE.finditer(text, m.end(), min(len(text), m.end() + 60)))[:3]
        for n in range(len(following), 0, -1):
            words = following[:n]
            gaps = [text[a.end() : b.start()] for a, b in zip([m, *words], words, strict=False)]
            name = tuple(normalize_letters(w.group()) for w in words)
            if name in papers and all(not g.strip() for g in gaps):
                found.append((words[0].start(), words[-1].end(), papers[name], None))
                break
    if not found:
        return spans
    out = list(spans)
    for start, end, key, adjective in found:
        out = [s for s in out if s.end <= start or s.start >= end]
        if adjective is not None:
            out = [
                s
                for s in out
                if s.kind != "LOC" or s.end <= adjective[0] or s.start >= adjective[1]
            ]
        out.append(span_type(start, end, "ORG", text[start:end], key))
    return sorted(out, key=lambda s: s.start)


# A currency that is also a club's short name (الريال: Real Madrid): where the recogniser marks
# it an organisation it is the club, unless a number or a count word stands before it (مليون
# ريال، 40 ألف ريال).
CLUB_CURRENCIES = _words("ريال الريال")
_COUNT_BEFORE_RE = regex.compile(
    r"(?:\d|(?<!\p{L})(?:الف|الاف|مليون|ملايين|مليار|مليارات|مئه|مائه|مئات|عشرات))\s*$"
)


def _club_not_currency(text: str, tok: Token, kind: str) -> bool:
    if kind != "ORG" or (_bare(tok) not in CLUB_CURRENCIES and tok.norm not in CLUB_CURRENCIES):
        return False
    before = normalize_letters(text[max(0, tok.start - 20) : tok.start])
    return not _COUNT_BEFORE_RE.search(before)


def _is_place_after_preposition(norm: str) -> bool:
    """بجدة, بالرياض: a known place with ب or ل on it, the word itself no name."""
    if is_name_unit(norm) or is_given_name(norm) or entity_key(norm) in _known_spellings():
        return False
    return any(
        n and form[0] != "و" and entity_key(form) in place_keys() and len(form) >= 3
        for form, n in clitic_analyses(norm)
        if norm[0] in "بل"
    )


_WORD_BEFORE_RE = regex.compile(r"(\p{L}+) $")
_WORD_AFTER_RE = regex.compile(r" (\p{L}+)")


def _organisations_named_after_places(text: str, spans: list, span_type) -> list:
    """A country's name between an organisation's head and an adjective is an organisation's
    name (قوات سوريا الديمقراطية، لقوات سوريا الديمقراطية): the recogniser often marks the
    country alone. Not without the adjective (قوات سوريا: the country's forces), nor before a
    noun (قصفت قوات روسيا المدينة: the country's forces and what they shelled)."""
    out: list = []
    for k, span in enumerate(spans):
        if span.kind == "LOC" and " " not in span.text:
            before = _WORD_BEFORE_RE.search(text, max(0, span.start - 40), span.start)
            after = _WORD_AFTER_RE.match(text, span.end)
            taken_before = out[-1].end if out else 0
            taken_after = spans[k + 1].start if k + 1 < len(spans) else len(text)
            if before and after and before.start() >= taken_before and after.end() <= taken_after:
                head = next(
                    (
                        n
                        for form, n in clitic_analyses(normalize_letters(before.group(1)))
                        if form in STATE_ORG_HEADS
                    ),
                    None,
                )
                adjective = normalize_letters(after.group(1))
                if (
                    head is not None
                    and adjective.startswith(ARTICLE)
                    and len(adjective) >= 4
                    and adjective not in NOT_ADJECTIVES
                    # an adjective, not the object of a verb (قصفت قوات روسيا المدينة)
                    and (adjective.endswith(("ي", "يه")) or adjective in NAME_ADJECTIVES)
                    and not is_nisba_of_place(adjective)
                    and entity_key(span.text) in place_keys()
                ):
                    start = before.start() + source_offset(before.group(1), head)
                    name = text[start : after.end()]
                    out.append(span_type(start, after.end(), "ORG", name, entity_key(name)))
                    continue
        out.append(span)
    return out


# The title in a name of an organisation or a place named after a person (جامعة الملك عبدالعزيز،
# مستشفى الملك فيصل، مدينة الأمير سلطان).
NAMED_AFTER_TITLES = _words("الملك الامير الاميره الشيخ السلطان الامام")


def _named_after(text: str, spans: list, span_type) -> list:
    """An organisation or place whose name ends in a title, followed at once by a person's name,
    is one name: جامعة الملك + عبدالعزيز → جامعة الملك عبدالعزيز."""
    out: list = []
    for span in spans:
        prev = out[-1] if out else None
        if (
            prev is not None
            and span.kind == "PERS"
            and prev.kind in ("ORG", "LOC", "MISC")
            and " " in prev.text
            and normalize_letters(prev.text.split()[-1]) in NAMED_AFTER_TITLES
            and not text[prev.end : span.start].strip()
        ):
            name = text[prev.start : span.end]
            out[-1] = span_type(prev.start, span.end, prev.kind, name, entity_key(name))
            continue
        out.append(span)
    return out


@cache
def _ordinary_spellings() -> dict[str, tuple[str, str]]:
    """One-word spellings of the well-known names table that are mostly ordinary words in the
    corpora (غني "rich", فتح "opened"): normalised form → (kind, the entity's key)."""
    from .gazetteer import default_gazetteer
    from .resolve import name_key

    common = default_gazetteer().common
    out = {}
    for entity in known_entities():
        target = name_key(entity.kind, entity.name)
        for spelling in entity.spellings:
            words = spelling.split()
            if len(words) == 1 and normalize_letters(words[0]) in common:
                out[normalize_letters(words[0])] = (entity.kind, target)
    return out


def _with_known_short_forms(text: str, spans: list, span_type) -> list:
    """``spans`` and the table's ordinary-word spellings of the entities they name: غني is
    marked in a text that names إسماعيل غاني, never elsewhere (the recogniser does not mark it
    by itself, being an ordinary word)."""
    from .resolve import resolution_key

    short = _ordinary_spellings()
    present = {(s.kind, resolution_key(s.kind, s.norm)) for s in spans}
    if not present & set(short.values()):
        return spans
    taken = [(s.start, s.end) for s in spans]
    added = []
    for tok in tokenize(text):
        for form, n in clitic_analyses(tok.norm):
            if short.get(form) in present:
                start = tok.start + source_offset(tok.text, n)
                if not any(a < tok.end and start < b for a, b in taken):
                    added.append(
                        span_type(start, tok.end, short[form][0], text[start : tok.end], form)
                    )
                break
    return sorted([*spans, *added], key=lambda s: s.start) if added else spans


def _key(span, start: int, end: int, name: str) -> str:
    """The key of a cleaned span: the recogniser's own where the span kept its start (it knows
    an elided alef: للحرس → لحرس, keyed الحرس)."""
    if (start, end) == (span.start, span.end):
        return span.norm
    key = entity_key(name)
    if start == span.start and span.norm and key:
        first = span.norm.split(" ")[0]
        return " ".join([first, *key.split(" ")[1:]])
    return key


def titled_key(title: str, key: str) -> str:
    """The key of a given name known only with its title (الملك سلمان): linking joins it to the
    article's full name starting with that name, or asks the archive whom the title means."""
    return entity_key(f"{title} {key}")


def is_titled_key(key: str) -> bool:
    words = key.split(" ")
    return len(words) == 2 and (words[0] in TITLES or ARTICLE + words[0] in TITLES)


def _clean_piece(
    toks: list[Token], kind: str, *, strip_proclitic: bool = True, club: bool = False
) -> tuple[int, int, str] | None:
    """(start, end, title) of the cleaned name; the title that stood before a lone given name."""
    i, j = 0, len(toks)
    title = ""
    if kind == "PERS":
        while i < j:
            pair = (_bare(toks[i]), toks[i + 1].norm) if i + 1 < j else None
            if pair in TITLE_PHRASES:
                i += 2
            elif _bare(toks[i]) in TITLES and not (
                # a title word without the article right before بن is a given name (الأمير
                # سلطان بن سلمان): no title stands right before بن
                i + 1 < j
                and toks[i + 1].norm in PATRONYMIC_WORDS
                and not toks[i].norm.startswith(ARTICLE)
            ):
                title = _bare(toks[i])
                i += 1
            elif _bare(toks[i]) in STAFF and i + 1 < j and toks[i + 1].norm != "الدين":
                i += 1  # العميد ركن أحمد عسيري; ركن الدين is a given name
            elif (
                j - i > 1
                and toks[i].norm.startswith(ARTICLE)
                and is_nationality(toks[i].norm)
                and not is_given_name(toks[i].norm)
            ):
                i += 1  # السوري in الرئيس السوري بشار الأسد (never نوري, تركي: given names)
            else:
                break
        # Ordinary words before the name (محامي برونسون، تسميم سكريبال، إنجاز لويس سواريز).
        while j - i > 1 and _is_ordinary(toks[i]):
            i += 1
        # Only titles, times and ordinary words with ال come off the end: nisba surnames
        # (البغدادي، المصري) and name units are names.
        while j > i:
            last = toks[j - 1]
            if j - 2 >= i and toks[j - 2].norm in NAME_PARTICLES:
                break  # آل الشيخ, أبو الأمير, عبد الباقي: the word after a particle is a name
            if _bare(last) not in END_TITLES and not (
                j - i > 1
                and (
                    last.norm in TIME_WORDS
                    or (last.norm.startswith(ARTICLE) and _is_ordinary(last))
                )
            ):
                break
            j -= 1
    else:
        if (
            j - i > 1
            and toks[i].norm in DESCRIPTORS
            # an institution named after a king or prince (مدينة الملك عبدالعزيز للعلوم والتقنية)
            and not (kind == "ORG" and toks[i + 1].norm in NAMED_AFTER_TITLES)
        ):
            i += 1
        # a day after an organisation's or place's name says when (منظمة العفو الدولية الخميس)
        while kind in ("ORG", "LOC") and j - i > 1 and toks[j - 1].norm in DAY_WORDS:
            j -= 1
    if i >= j:
        return None
    # رحمه الله، حفظه الله، صلى الله عليه وسلم: a formula, no name; the name before it stays
    formula = next((k for k in range(i, j - 1) if _blessing(toks[k], toks[k + 1])), None)
    if formula is not None:
        if formula == i:
            return None
        j = formula
    if j - i == 1 and (
        (_bare(toks[i]) in NEVER and not club)
        or (is_nationality(toks[i].norm) and not _named_like_a_town(toks[i].norm, kind))
    ):
        return None
    if _bare(toks[i]) in NEVER and kind == "MISC":
        return None  # الدولار الأمريكي, الريال السعودي
    if kind == "ORG" and j - i == 1 and _definite_head_alone(toks[i]):
        return None
    if kind == "ORG" and j - i > 1 and _activity(toks[i], toks[i + 1]):
        return None
    first = toks[i]
    whole = " ".join(t.norm for t in toks[i:j]) if j - i > 1 else ""
    strip, _ = _strip_proclitic(first.norm, whole) if strip_proclitic else (0, first.norm)
    start = first.start + source_offset(first.text, strip) if strip else first.start
    if not (j - i == 1 and title and is_given_name(toks[i].norm)):
        title = ""
    return start, toks[j - 1].end, title
