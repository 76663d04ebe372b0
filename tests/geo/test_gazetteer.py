"""Arabic place names to GeoNames places, without a database."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from newsroom.geo import gazetteer

EXPECTED = Path(__file__).resolve().parents[2] / "docs" / "geo_expected_places.tsv"


def _ids(name: str) -> set[int]:
    return {c.geonames_id for c in gazetteer.candidates(name)}


def test_it_finds_cities_countries_and_continents_by_arabic_name():
    assert 98182 in _ids("بغداد")  # Baghdad
    assert _ids("العراق") == _ids("عراق") == {99237}  # the article ال does not matter
    assert 6255148 in _ids("أوروبا")
    iraq = gazetteer.lookup("IQ")
    assert (iraq.kind, iraq.name, iraq.country_code) == ("country", "Iraq", "IQ")
    assert 29 < iraq.latitude < 37 and 38 < iraq.longitude < 49


def test_it_strips_a_generic_word_before_the_name():
    assert _ids("مدينة الموصل") == _ids("الموصل") != set()


def test_a_unique_name_is_linked():
    decision = gazetteer.decide(gazetteer.candidates("أربيل"))
    assert decision.candidate.name == "Erbil"


def test_a_country_wins_over_cities_of_its_name():
    # كاميرون alone: the country, unless the name is someone's (below).
    decision = gazetteer.decide(gazetteer.candidates("الكاميرون"))
    assert decision.candidate.country_code == "CM"
    assert decision.candidate.kind == "country"


def test_the_other_places_decide_between_two_cities():
    tripoli = gazetteer.candidates("طرابلس")
    assert {c.country_code for c in tripoli} >= {"LB", "LY"}
    assert gazetteer.decide(tripoli, context={"LB": 5, "SY": 2}).candidate.country_code == "LB"
    assert gazetteer.decide(tripoli, context={"LY": 3, "TN": 1}).candidate.country_code == "LY"


def test_without_evidence_close_cities_stay_unlinked():
    a = gazetteer.Candidate(1, "city", "A", "AA", 0, 0, 100_000, "P.PPL")
    b = gazetteer.Candidate(2, "city", "B", "BB", 0, 0, 90_000, "P.PPL")
    assert gazetteer.decide([a, b]).candidate is None
    assert gazetteer.decide([a, b], context={"BB": 1}).candidate is b


def test_a_small_town_far_from_the_other_places_is_not_linked():
    town = gazetteer.Candidate(1, "city", "Florida", "UY", 0, 0, 33_000, "P.PPL")
    assert gazetteer.decide([town]).candidate is town  # nothing says otherwise
    assert gazetteer.decide([town], context={"US": 30, "MX": 2}).candidate is None
    assert gazetteer.decide([town], context={"UY": 3, "AR": 4}).candidate is town


def test_a_name_mostly_seen_ending_a_persons_name_is_not_a_place():
    found = gazetteer.candidates("كاميرون")
    assert found  # the country has this name …
    decision = gazetteer.decide(found, person_share=0.8)  # … but ديفيد كاميرون is meant
    assert decision.candidate is None
    assert decision.reason == "also a person's name"


def test_washington_is_the_capital():
    assert gazetteer.decide(gazetteer.candidates("واشنطن")).candidate.geonames_id == 4140963


def _expected_rows():
    with EXPECTED.open(encoding="utf-8") as f:
        return [row for row in csv.DictReader(f, delimiter="\t") if not row["name"].startswith("#")]


def _linked_as(name: str) -> str:
    found = gazetteer.decide(gazetteer.candidates(name)).candidate
    if found is None:
        return "-"
    return found.country_code if found.kind == "country" else str(found.geonames_id)


def test_the_checked_list_of_frequent_places_links_as_expected():
    """The hand-checked list of the place entities named in 20 or more articles of the 2018
    corpus, each name linked alone (no archive to give context): at least 90 % of the real
    places link to the right place or country, and at least 90 % of all the names are decided
    right (linked right, or left unlinked where no single place is right)."""
    rows = _expected_rows()
    assert len(rows) >= 300
    places = [r for r in rows if r["note"] in {"city", "country", "continent", "region"}]
    right_places = [r for r in places if _linked_as(r["name"]) == r["expected"]]
    right_all = [r for r in rows if _linked_as(r["name"]) == r["expected"]]
    wrong = [(r["name"], r["expected"], _linked_as(r["name"])) for r in rows if r not in right_all]
    assert len(right_places) / len(places) >= 0.9, wrong
    assert len(right_all) / len(rows) >= 0.9, wrong


@pytest.mark.parametrize("name", ["إيران", "الولايات المتحدة", "أمريكا", "السعودية", "سوريا"])
def test_everyday_country_names_link_to_their_country(name):
    assert gazetteer.decide(gazetteer.candidates(name)).candidate.kind == "country"


def test_a_region_links_to_its_country_and_wins_over_a_small_foreign_town():
    decision = gazetteer.decide(gazetteer.candidates("فلوريدا"))
    assert decision.candidate.country_code == "US" and decision.candidate.region
    assert decision.reason == gazetteer.REGION_REASON
    # A city of the name in the same country is the place itself.
    assert gazetteer.decide(gazetteer.candidates("دير الزور")).candidate.kind == "city"
