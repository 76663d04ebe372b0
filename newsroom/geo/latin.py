"""Latin spellings of Arabic names, and the spelling skeletons that Latin-script search matches.

Pure Python (no Django). Person names come from ``arabic-name-romanizer``: the Wikidata labels
of its CC0 name index when the whole name is there, its transliteration otherwise (a guess).
"""

from __future__ import annotations

import re
import sqlite3
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache

_WORD_RE = re.compile(r"[^\W\d_]+")
_ARABIC_RE = re.compile(r"[\u0600-\u06ff]")
_SOUNDS = str.maketrans({"q": "k", "c": "k", "j": "g", "z": "s", "x": "ks", "v": "f", "p": "b"})
_SILENT = re.compile(r"[aeiouyhw']")
_DOUBLE = re.compile(r"(.)\1+")
# Words that are articles or particles in romanised names, not names.
_PARTICLES = {
    "al",
    "el",
    "bin",
    "ibn",
    "ben",
    "abu",
    "bou",
    "abou",
    "ad",
    "as",
    "ash",
    "an",
    "ar",
    "at",
    "az",
    "of",
    "de",
    "la",
    "le",
}
SEARCH_VARIANTS = 5


@dataclass(frozen=True)
class Spelling:
    name: str
    guess: bool
    source: str  # "wikidata" or "translit"
    variants: tuple[str, ...] = ()


def is_latin_query(text: str) -> bool:
    return not _ARABIC_RE.search(text) and any(ch.isalpha() and ch.isascii() for ch in text)


def _fold(word: str) -> str:
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(ch for ch in decomposed if ch.isascii() and ch.isalpha())


def skeleton(word: str) -> str:
    """A spelling-insensitive key of one Latin word: Soleimani, Suleimani and Sulaimani → slmn.

    Vowels, h, w and y go (Arabic short vowels are unwritten and long ones are romanised in many
    ways); q/k/c, j/g, z/s and doubled letters are folded."""
    folded = _fold(word).translate(_SOUNDS)
    return _DOUBLE.sub(r"\1", _SILENT.sub("", folded))


def words(text: str) -> list[str]:
    return [w for w in (_fold(m.group()) for m in _WORD_RE.finditer(text)) if w]


def search_keys(names: Iterable[str]) -> list[str]:
    """Keys stored for an entity: each word's skeleton and the word itself (marked with =)."""
    keys: dict[str, None] = {}
    for name in names:
        for word in words(name):
            if word in _PARTICLES:
                continue
            keys.setdefault("=" + word[:59], None)
            if len(sk := skeleton(word)) >= 2:
                keys.setdefault(sk[:60], None)
    return list(keys)


def query_keys(query: str) -> tuple[list[str], list[str]]:
    """What a Latin query must match (skeletons) and what ranks a match higher (exact words)."""
    required, exact = [], []
    for word in words(query):
        if word in _PARTICLES:
            continue
        exact.append("=" + word[:59])
        sk = skeleton(word)
        required.append(sk if len(sk) >= 2 else "=" + word[:59])
    return required, exact


@cache
def _romanizer():
    from arabic_name_romanizer import Transliterator

    return Transliterator()


@cache
def _wikidata() -> tuple[sqlite3.Connection, object]:
    from arabic_name_romanizer.api import default_resources_dir
    from arabic_name_romanizer.normalize import full_key

    path = default_resources_dir() / "names.sqlite3"
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
    return connection, full_key


def wikidata_names(name: str) -> list[str]:
    """Latin labels of Wikidata people with exactly this Arabic name, most common first."""
    connection, full_key = _wikidata()
    rows = connection.execute(
        "SELECT latin, SUM(count) AS n FROM full_names WHERE arabic_key = ? AND source = 'wikidata'"
        " GROUP BY latin ORDER BY n DESC, latin LIMIT ?",
        (full_key(name), SEARCH_VARIANTS),
    ).fetchall()
    return [latin for latin, _n in rows]


def romanize(names: Sequence[str]) -> list[Spelling | None]:
    """A Latin spelling of each person's name (None where there is none), with a few variants
    for search."""
    romanizer = _romanizer()
    guessed = romanizer.transliterate_many(list(names), top_k=SEARCH_VARIANTS)
    spellings = []
    for name, candidates in zip(names, guessed, strict=True):
        variants = tuple(c.text for c in candidates if c.text)
        known = wikidata_names(name)
        if known:
            spellings.append(Spelling(known[0], False, "wikidata", tuple(known) + variants))
        elif variants:
            spellings.append(Spelling(variants[0], True, "translit", variants))
        else:
            spellings.append(None)
    return spellings
