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


# Function words and other words that never continue a person's name (normalised spelling).
STOP = frozenset(
    """
    في من الي علي عن مع ان او ام ثم بل لا لم لن ما هل قد لقد كان كانت يكون تكون هو هي هم هن
    انه انها انهم هذا هذه ذلك تلك هؤلاء الذي التي الذين اللذين اللتين بين بعد قبل عند عندما
    حتي منذ خلال حول ضد دون غير سوي كل بعض جميع عبر نحو لدي لدى اي ايضا يوم امس اليوم غدا
    الثلاثاء الاربعاء الخميس الجمعه السبت الاحد الاثنين وقال قال قالت وقالت يقول تقول اكد اعلن
    الرئيس رئيس وزير الوزير الشيخ السيد الامير الملك الجنرال اللواء العميد العقيد الدكتور
    قائد زعيم نائب مساعد مستشار المتحدث متحدث باسم اسم وكاله صحيفه مصدر مصادر بحسب وفق وفقا
    و ف ب ل ك
    """.split()
)
# Words that join parts of an Arabic name and need a following name word: بن سلمان، آل سعود.
PARTICLES = frozenset({"بن", "ابن", "بنت", "ابو", "ابي", "ام", "ال", "عبد"})
_ARABIC_RE = regex.compile(r"\p{Arabic}")


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
        if kind != "O":
            tok = toks[i]
            start = tok.start + source_offset(tok.text, strip) if strip else tok.start
            out.append(Match(start, toks[j - 1].end, kind, entity_key(" ".join(forms)), via))
        i = j


def _longest_name(toks: list[Token], i: int, gaz: Gazetteer):
    """Longest gazetteer name starting at token i: (end index, chars stripped, kind, tokens)."""
    n = len(toks)
    best = None
    for form, strip in clitic_analyses(toks[i].norm):
        node = gaz.trie.get(form)
        if node is None:
            continue
        j = i + 1
        last = (j, node[END]) if END in node else None
        while j < n:
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
    if tok.norm == "علي" and "ى" in tok.text:  # the preposition على, not the name علي
        return None
    for form, strip in clitic_analyses(tok.norm):
        if form in gaz.first:
            break
    else:
        return None
    n = len(toks)
    j = i + 1
    units = 0
    strong = False
    while units < 2 and j < n:
        if toks[j].norm in PARTICLES and j + 1 < n and _name_word(toks, j + 1, gaz, strong):
            j += 2
        elif toks[j].norm not in PARTICLES and _name_word(toks, j, gaz, strong):
            j += 1
        else:
            break
        units += 1
        # a third word must be a known name word, unless the second one was
        last = toks[j - 1].norm
        strong = last not in gaz.nametok and last not in gaz.first
    if units == 0:
        return None
    return j, strip, (form, *(t.norm for t in toks[i + 1 : j]))


def _name_word(toks: list[Token], j: int, gaz: Gazetteer, strong: bool) -> bool:
    """Can token j continue a person's name? strong: only words known from person names."""
    tok = toks[j]
    w = tok.norm
    if not tok.is_word or w in STOP or w in gaz.common or letter_count(w) < 2:
        return False
    if any(ch.isdigit() for ch in w) or not _ARABIC_RE.search(w):
        return False
    if w not in gaz.nametok and w not in gaz.first:
        if strong or w.startswith("و"):
            return False
        # an unknown word that is a proclitic + an ordinary word (بسياسيين، وزعيم) is no name
        for form, _ in clitic_analyses(w)[1:]:
            if form in gaz.common or form in STOP:
                return False
    g = _longest_name(toks, j, gaz)
    return g is None or g[2] == "PERS"
