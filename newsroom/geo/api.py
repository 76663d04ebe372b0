"""The geo fields every entity carries in the JSON API."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ObjectDoesNotExist

from newsroom.entities.models import Entity


def geo_fields(entity: Entity) -> dict[str, Any]:
    """Latin name (and whether it is a guess), GeoNames id, country and coordinates, or nulls.

    Reads what ``selectors.with_geo`` selected with the entity: no query of its own."""
    try:
        latin = entity.latin
    except ObjectDoesNotExist:
        latin = None
    try:
        place = entity.geo_link.place
    except ObjectDoesNotExist:
        place = None
    return {
        "latin_name": latin.name if latin else None,
        "latin_name_is_guess": latin.guess if latin else None,
        "geonames_id": place.geonames_id if place else None,
        "country": place.country_code or None if place else None,
        "latitude": place.latitude if place else None,
        "longitude": place.longitude if place else None,
    }
