"""Gazetteer + rules entity recogniser (the part a trained model will replace).

Per sentence, left to right, the longest gazetteer name starting at each token wins; the first
token may carry proclitics (و ف ب ل ك and combinations), which stay outside the span. A given
name from the person list followed by one or two name-like words also makes a person.
"""

from __future__ import annotations

from typing import NamedTuple

import regex

from .gazetteer import END, Gazetteer
from .text import (
    INVISIBLE_CHARS,
    Token,
    clitic_analyses,
    entity_key,
    letter_count,
    sentence_bounds,
    source_offset,
    tokenize,
)


class Match(NamedTuple):
    start: int
    end: int
    kind: str
    key: str
    via: tuple  # ("G", name tokens) for a gazetteer name, ("F", given name) for the person rule


def _wordset(words: str) -> frozenset[str]:
    return frozenset(words.split())


# Function words and other words that never continue a person's name (normalised spelling).
STOP = _wordset(
    """
    في من الي علي عن مع ان او ام ثم بل لا لم لن ما هل قد لقد كان كانت يكون تكون هو هي هم هن
    انه انها انهم هذا هذه ذلك تلك هؤلاء الذي التي الذين اللذين اللتين بين بعد قبل عند عندما
    حتي منذ خلال حول ضد دون غير سوي كل بعض جميع عبر نحو لدي لدى اي ايضا يوم امس اليوم غدا
    الثلاثاء الاربعاء الخميس الجمعه السبت الاحد الاثنين وقال قال قالت وقالت يقول تقول اكد اعلن
    الرئيس رئيس وزير الوزير الشيخ السيد الامير الملك الجنرال اللواء العميد العقيد الدكتور
    قائد زعيم نائب مساعد مستشار المتحدث متحدث باسم اسم وكاله صحيفه مصدر مصادر بحسب وفق وفقا
    و ف ب ل ك
    """
)
# Words that join parts of an Arabic name and need a following name word: بن سلمان، آل سعود.
PARTICLES = frozenset({"بن", "ابن", "بنت", "ابو", "ابي", "ام", "ال", "عبد"})
_ARABIC_RE = regex.compile(r"\p{Arabic}")
MAX_PERSON_TOKENS = 4


def find_matches(text: str, gaz: Gazetteer) -> list[Match]:
    """All entity matches of text, sorted and non-overlapping, none crossing a sentence."""
    out: list[Match] = []
    for s, e in sentence_bounds(text):
        toks = tokenize(text, s, e)
        if toks:
            _scan(toks, gaz, out)
    return out


def _scan(toks: list[Token], gaz: Gazetteer, out: list[Match]) -> None:
    n = len(toks)
    i = 0
    while i < n:
        if not toks[i].is_word:
            i += 1
            continue
        g = _longest_name(toks, i, gaz)
        p = _person_rule(toks, i, gaz)
        if p is not None and (g is None or p[0] > g[0]):
            j, strip, forms = p
            kind = "PERS"
            via: tuple = ("F", forms[0])
        elif g is not None:
            j, strip, kind, forms = g
            via = ("G", forms)
        else:
            i += 1
            continue
        if kind == "PERS" and j - i < MAX_PERSON_TOKENS:
            k = _extend_person(toks, j, i + MAX_PERSON_TOKENS, gaz)
            if k > j:
                forms = (*forms, *(t.norm for t in toks[j:k]))
                j = k
        if kind != "O":
            # boundaries skip proclitics and invisible marks (a bidi mark glued to a word)
            start = toks[i].start + source_offset(toks[i].text, strip)
            last = toks[j - 1]
            end = last.end - (len(last.text) - len(last.text.rstrip(INVISIBLE_CHARS)))
            out.append(Match(start, end, kind, entity_key(" ".join(forms)), via))
        i = j


def _longest_name(toks: list[Token], i: int, gaz: Gazetteer):
    """Longest gazetteer name starting at token i: (end index, chars stripped, kind, tokens)."""
    if not gaz.may_start(toks[i].norm):
        return None
    n = len(toks)
    best = None
    single = gaz.single
    trie = gaz.trie
    maqsura = "ى" in toks[i].text
    for form, strip in clitic_analyses(toks[i].norm):
        if maqsura and form == "علي":  # the preposition على, not the name علي
            continue
        kind = single.get(form)
        node = trie.get(form)
        if kind is None and node is None:
            continue
        j = i + 1
        last = None if kind is None else (j, kind)
        while node is not None and j < n:
            node = node.get(toks[j].norm)
            if node is None:
                break
            j += 1
            if END in node:
                last = (j, node[END])
        if last is not None and (best is None or last[0] > best[0]):
            forms = (form, *(t.norm for t in toks[i + 1 : last[0]]))
            best = (last[0], strip, last[1], forms)
    return best


def _person_rule(toks: list[Token], i: int, gaz: Gazetteer):
    """Given name + one or two name words: (end index, chars stripped, tokens) or None."""
    tok = toks[i]
    maqsura = "ى" in tok.text  # the preposition على is no name علي
    reading = next(
        (
            (form, strip)
            for form, strip in clitic_analyses(tok.norm)
            if form in gaz.first and not (maqsura and form == "علي")
        ),
        None,
    )
    if reading is None:
        return None
    form, strip = reading
    n = len(toks)
    j = i + 1
    units = 0
    if form in PARTICLES:  # عبد الباقي، أبو مهدي: the particle needs its word
        if j >= n or not _particle_word(toks, j, gaz):
            return None
        j += 1
    while units < 2 and j < n:
        strong = units > 0  # a third word must be known from person names
        if toks[j].norm in PARTICLES and j + 1 < n and _particle_word(toks, j + 1, gaz):
            j += 2
        elif toks[j].norm not in PARTICLES and _name_word(toks, j, gaz, strong):
            j += 1
        else:
            break
        units += 1
    if units == 0 and form not in PARTICLES:
        return None
    return j, strip, (form, *(t.norm for t in toks[i + 1 : j]))


def _particle_word(toks: list[Token], j: int, gaz: Gazetteer) -> bool:
    """The word after بن / أبو / عبد / آل: any Arabic word but a function word (the word may be
    an ordinary one: عبد الباقي)."""
    tok = toks[j]
    w = tok.norm
    if not tok.is_word or w in STOP or w in PARTICLES or w.startswith("و"):
        return False
    if letter_count(w) < 2 or not _ARABIC_RE.search(w) or any(ch.isdigit() for ch in w):
        return False
    g = _longest_name(toks, j, gaz)
    return g is None or g[2] in ("PERS", "O")


def _extend_person(toks: list[Token], j: int, limit: int, gaz: Gazetteer) -> int:
    """Extend a person's name ending before token j over following known name words
    (سانتياغو + كاسياس); returns the new end index."""
    n = min(len(toks), limit)
    while j < n:
        if toks[j].norm in PARTICLES and j + 1 < n and _particle_word(toks, j + 1, gaz):
            j += 2
        elif _known_name_word(toks, j, gaz):
            j += 1
        else:
            break
    return j


def _known_name_word(toks: list[Token], j: int, gaz: Gazetteer) -> bool:
    tok = toks[j]
    w = tok.norm
    if not tok.is_word or w in STOP or w in gaz.common:
        return False
    if not (w in gaz.nametok or w in gaz.first or gaz.single.get(w) == "PERS"):
        return False
    if _conjoined_name(w, gaz):
        return False
    g = _longest_name(toks, j, gaz)
    return g is None or g[2] in ("PERS", "O")


def _conjoined_name(w: str, gaz: Gazetteer) -> bool:
    """و + a name word (وأبو، ومحمد): the start of another name, not part of this one. A word
    listed as a given name itself (وليام، وليد) is no conjunction."""
    if not w.startswith("و") or w in gaz.first:
        return False
    rest = w[1:]
    return rest in PARTICLES or rest in gaz.first or rest in gaz.nametok or rest in gaz.single


def _name_word(toks: list[Token], j: int, gaz: Gazetteer, strong: bool) -> bool:
    """Can token j continue a person's name? strong: only words known from person names."""
    tok = toks[j]
    w = tok.norm
    if not tok.is_word or w in STOP or w in gaz.common or letter_count(w) < 2:
        return False
    if _conjoined_name(w, gaz) or any(ch.isdigit() for ch in w) or not _ARABIC_RE.search(w):
        return False
    if w not in gaz.nametok and w not in gaz.first:
        if strong or w.startswith("و"):
            return False
        # an unknown word that is a proclitic + an ordinary word (بسياسيين، وزعيم) is no name
        for form, _ in clitic_analyses(w)[1:]:
            if form in gaz.common or form in STOP:
                return False
    g = _longest_name(toks, j, gaz)
    return g is None or g[2] in ("PERS", "O")
