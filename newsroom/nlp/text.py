"""Text utilities: letter normalisation, linking keys, tokenisation, sentence bounds, clitics.

Everything here works on the ORIGINAL text and reports code-point offsets into it; normalised
forms are only ever used for comparison.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from typing import NamedTuple

import regex
from camel_tools.utils.charsets import AR_DIAC_CHARSET
from camel_tools.utils.dediac import dediac_ar
from camel_tools.utils.normalize import (
    normalize_alef_ar,
    normalize_alef_maksura_ar,
    normalize_teh_marbuta_ar,
)

# Characters dropped by normalisation besides camel-tools' diacritics: tatweel, other Arabic
# combining marks (Quranic annotation signs, maddah/hamza above/below), and invisible format
# characters (bidi marks and isolates, zero-width joiners/spaces, BOM).
_MARK_RANGES = ((0x0610, 0x061A), (0x064B, 0x065F), (0x0670, 0x0670), (0x06D6, 0x06DC))
_MARK_RANGES += ((0x06DF, 0x06E8), (0x06EA, 0x06ED), (0x0640, 0x0640))
_INVISIBLE_RANGES = ((0x061C, 0x061C), (0x200B, 0x200F), (0x202A, 0x202E), (0x2060, 0x2069))
_INVISIBLE_RANGES += ((0xFEFF, 0xFEFF),)


def _chars(ranges: tuple[tuple[int, int], ...]) -> str:
    return "".join(chr(c) for lo, hi in ranges for c in range(lo, hi + 1))


INVISIBLE_CHARS = _chars(_INVISIBLE_RANGES)
_REMOVABLE_CHARS = frozenset(_chars(_MARK_RANGES) + INVISIBLE_CHARS)
_REMOVE_RE = regex.compile("[" + regex.escape("".join(sorted(_REMOVABLE_CHARS))) + "]")
# Arabic presentation forms (mostly from PDFs) are folded with NFKC before anything else.
_PRESENTATION_RE = regex.compile("[\ufb50-\ufdff\ufe70-\ufefe]")
# Persian keheh / farsi yeh, common in web Arabic, to their Arabic letters.
_EXTRA_MAP = str.maketrans({"\u06a9": "\u0643", "\u06cc": "\u064a"})

# A token is a run of anything but whitespace, punctuation and symbols, or one punctuation /
# symbol character; this is the split made by camel-tools' simple_word_tokenize.
_TOKEN_RE = regex.compile(r"[^\s\p{P}\p{S}]+|[\p{P}\p{S}]")
_PUNCT_RE = regex.compile(r"[\p{P}\p{S}]+")
_LETTER_RE = regex.compile(r"\p{L}")

ARTICLE = "\u0627\u0644"  # ال


def normalize_letters(text: str) -> str:
    """Fold spelling variation that does not change a word, for search and linking.

    Removes diacritics, tatweel and invisible format marks, unifies alef forms (أ إ آ ٱ → ا),
    alef maqsura (ى → ي) and ta marbuta (ة → ه). Letters, spaces and punctuation otherwise stay.
    """
    if _PRESENTATION_RE.search(text):
        text = unicodedata.normalize("NFKC", text)
    text = _FOLD_DELETE_RE.sub("", text)
    for a, b in _FOLD_REPLACE:
        if a in text:
            text = text.replace(a, b)
    return text


def _fold_steps(text: str) -> str:
    """normalize_letters after the NFKC step, as its steps are defined: camel-tools' removal of
    diacritics and its alef, alef maqsura and ta marbuta normalisations, the removal of the other
    marks, and the Persian letters."""
    text = dediac_ar(text)
    text = _REMOVE_RE.sub("", text)
    text = normalize_alef_ar(text)
    text = normalize_alef_maksura_ar(text)
    text = normalize_teh_marbuta_ar(text)
    return text.translate(_EXTRA_MAP)


def _fold_table() -> tuple[regex.Pattern, tuple[tuple[str, str], ...]]:
    """Each step of _fold_steps deletes or replaces single characters, so together they are one
    deletion and a few replacements, found by running the steps over each character they touch.
    That is about eight times faster on an article than the steps one after another.
    (tests/nlp/test_text.py checks the two agree on every character.)"""
    touched = _REMOVABLE_CHARS | AR_DIAC_CHARSET | set("\u0622\u0623\u0625\u0671\u0649\u0629")
    touched |= {chr(c) for c in _EXTRA_MAP}
    images = {ch: _fold_steps(ch) for ch in sorted(touched)}
    deleted = "".join(ch for ch, image in images.items() if not image)
    replaced = tuple((ch, image) for ch, image in images.items() if image and image != ch)
    # one pass each is enough: no replacement makes a character that is deleted or replaced
    assert all(len(b) == 1 and b not in images for _, b in replaced)
    return regex.compile("[" + regex.escape(deleted) + "]"), replaced


_FOLD_DELETE_RE, _FOLD_REPLACE = _fold_table()


@lru_cache(maxsize=65_536)
def entity_key(name: str) -> str:
    """Linking key: spellings of one name that differ only in normalisation share it.

    normalize_letters, case folding (for Latin script), punctuation dropped, whitespace collapsed,
    and the article ال dropped from the first word when at least two letters remain (so العراق
    and عراق share a key, while حزب الله keeps its الله). The word الله itself is kept whole.
    """
    words = _PUNCT_RE.sub(" ", normalize_letters(name).casefold()).split()
    if words:
        first = words[0]
        if first.startswith(ARTICLE) and len(first) >= 4 and first != "الله":
            words[0] = first[2:]
    return " ".join(words)


@lru_cache(maxsize=200_000)
def norm_token(token: str) -> str:
    """Normalised form of one token (cached: tokens repeat a lot)."""
    return normalize_letters(token)


def letter_count(s: str) -> int:
    return len(_LETTER_RE.findall(s))


class Token(NamedTuple):
    start: int
    end: int
    text: str
    norm: str
    is_word: bool


def tokenize(text: str, start: int = 0, end: int | None = None) -> list[Token]:
    """Tokens of text[start:end] with offsets into text. Tokens that normalise to nothing
    (a lone tatweel or bidi mark) are dropped."""
    out: list[Token] = []
    info = _token_info
    for m in _TOKEN_RE.finditer(text, start, len(text) if end is None else end):
        s = m.group()
        n, is_word = info(s)
        if n:
            begin = m.start()
            # tuple.__new__ skips the Python-level Token.__new__ (this runs for every token)
            out.append(_tuple_new(Token, (begin, begin + len(s), s, n, is_word)))
    return out


_tuple_new = tuple.__new__


@lru_cache(maxsize=200_000)
def _token_info(s: str) -> tuple[str, bool]:
    """(normalised form, is a word) of a token's text: tokens repeat a lot."""
    return norm_token(s), len(s) > 1 or not _PUNCT_RE.match(s)


def tokenize_norm(name: str) -> tuple[str, ...]:
    """Normalised token sequence of a name, as the matcher sees it."""
    return tuple(t.norm for t in tokenize(name))


def source_offset(token_text: str, k: int) -> int:
    """Offset inside token_text of the character that becomes normalised character k.

    Normalisation only deletes characters (except the rare NFKC case, approximated here), so
    this skips k kept characters and any deleted ones after them.
    """
    kept = 0
    for i, ch in enumerate(token_text):
        if ch in _REMOVABLE_CHARS:
            continue
        if kept == k:
            return i
        kept += 1
    return len(token_text)


# --- proclitics -----------------------------------------------------------------------------
# Conjunctions و ف, prepositions ب ل ك, and their combinations. ل + ال is written لل.
PROCLITICS = ("وب", "ول", "وك", "فب", "فل", "فك", "و", "ف", "ب", "ل", "ك")


@lru_cache(maxsize=200_000)
def clitic_analyses(norm: str) -> tuple[tuple[str, int], ...]:
    """Readings of a normalised token: itself, then with a proclitic removed.

    Each reading is (form, n) where n normalised characters of the token were removed. For
    ل + ال written لل the form gets its elided alef back: للعراق → (العراق, 1).
    """
    out = [(norm, 0)]
    for p in PROCLITICS:
        if norm.startswith(p) and len(norm) - len(p) >= 2:
            rest = norm[len(p) :]
            out.append((rest, len(p)))
            if p[-1] == "ل" and rest.startswith("ل") and len(rest) >= 3:
                out.append(("ا" + rest, len(p)))
    return tuple(out)


# --- sentences ------------------------------------------------------------------------------
_TERMINATOR_RE = regex.compile(r"[.!?؟…]+|\n+")
_CLOSERS = "\"'”’»›)]}"


def sentence_bounds(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence; the pieces are contiguous and cover the whole text.

    A sentence ends after a run of . ! ? ؟ … (plus closing quotes/brackets) or at a newline;
    trailing whitespace belongs to the sentence it follows. A full stop between digits (3.5) or
    after a lone letter (abbreviations such as د. or U.S.) does not end a sentence.
    """
    n = len(text)
    cuts: list[int] = []
    for m in _TERMINATOR_RE.finditer(text):
        s, e = m.span()
        if text[s] == ".":
            if m.group() == "." and s > 0 and e < n and text[s - 1].isdigit() and text[e].isdigit():
                continue
            if (
                m.group() == "."
                and s >= 1
                and text[s - 1].isalpha()
                and (s == 1 or not (text[s - 2].isalpha() or _is_mark(text[s - 2])))
            ):
                continue
        if text[s] != "\n":
            while e < n and text[e] in _CLOSERS:
                e += 1
        while e < n and text[e].isspace():
            e += 1
        if not cuts or e > cuts[-1]:
            cuts.append(e)
    pieces: list[tuple[int, int]] = []
    prev = 0
    for c in [*cuts, n]:
        if c > prev:
            pieces.append((prev, c))
            prev = c
    # Whitespace-only pieces join the sentence before them (or after them, at the very start).
    bounds: list[tuple[int, int]] = []
    for s, e in pieces:
        if bounds and (not text[s:e].strip() or not text[bounds[-1][0] : bounds[-1][1]].strip()):
            bounds[-1] = (bounds[-1][0], e)
        else:
            bounds.append((s, e))
    return bounds


def _is_mark(ch: str) -> bool:
    return ch in _REMOVABLE_CHARS or unicodedata.category(ch) == "Mn"
