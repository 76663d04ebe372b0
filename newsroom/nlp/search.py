"""Search keys: the form of each word that the full-text index and queries share.

A word's key is its normalised spelling (``normalize_letters``) with attached proclitics taken
off: و ف ب ل ك and the article ال, repeatedly, while at least three letters remain. The same
function runs over article text and over queries, so العراق, والعراق, بالعراق and للعراق all meet
at عراق, and ايران meets إيران. Stripping a letter that belongs to the word (بغداد → غداد) is
harmless because both sides strip it alike.
"""

from __future__ import annotations

from functools import lru_cache

import regex

from .text import norm_token, tokenize

_WORD_RE = regex.compile(r"[^\s\p{P}\p{S}]+")

_CLITICS = frozenset("وفبلك")
_MIN_STEM = 3


@lru_cache(maxsize=200_000)
def search_key(norm_word: str) -> str:
    """Proclitic-free key of one normalised word."""
    word = norm_word.lower()
    while True:
        if word.startswith("ال") and len(word) - 2 >= _MIN_STEM:
            word = word[2:]
        elif word[:1] in _CLITICS and len(word) - 1 >= _MIN_STEM:
            word = word[1:]
        else:
            return word


@lru_cache(maxsize=200_000)
def word_key(word: str) -> str:
    """Key of one word as written ("" for a word that normalises to nothing)."""
    norm = norm_token(word)
    return search_key(norm) if norm else ""


def search_keys(text: str) -> list[str]:
    """Keys of the words of ``text`` in order (punctuation dropped): the word tokens of
    ``tokenize``, read without building tokens (this runs over every stored article)."""
    return [key for m in _WORD_RE.finditer(text) if (key := word_key(m.group()))]


def search_text(text: str) -> str:
    """The text as the search index sees it: its word keys joined by spaces."""
    return " ".join(search_keys(text))


def match_positions(
    text: str, keys: set[str], start: int = 0, end: int | None = None
) -> list[tuple[int, int]]:
    """(start, end) offsets of the words of ``text[start:end]`` whose key is one of ``keys``."""
    return [
        (token.start, token.end)
        for token in tokenize(text, start, end)
        if token.is_word and search_key(token.norm) in keys
    ]


def first_match(text: str, keys: set[str]) -> tuple[int, int] | None:
    """Offsets of the first word of ``text`` whose key is one of ``keys``, reading no further."""
    for match in _WORD_RE.finditer(text):
        key = word_key(match.group())
        if key and key in keys:
            return match.span()
    return None
