from __future__ import annotations

from django import template
from django.utils.safestring import mark_safe
from django.utils.translation import ngettext

from newsroom.entities.models import Entity
from newsroom.geo import gazetteer, maps, selectors
from newsroom.geo.api import geo_fields

register = template.Library()


@register.inclusion_tag("geo/_map.html")
def article_map(article) -> dict:
    """The article's places on a map, with a table of the same data."""
    # Drawn in the sidebar: a small map, with few and large names.
    return {"map": maps.draw(selectors.article_places(article), small=True), "scope": "article"}


@register.inclusion_tag("geo/_map.html")
def entity_map(entity, co_places) -> dict:
    """Places named with an entity, sized by the articles they share with it."""
    return {"map": maps.draw(selectors.entity_places(entity, co_places)), "scope": "entity"}


@register.inclusion_tag("geo/_latin_name.html")
def latin_name(entity) -> dict:
    """The entity's Latin spelling (a guess is marked as one) and, for a place, where it is."""
    found = selectors.with_geo(Entity.objects.filter(pk=entity.pk)).first()
    fields = geo_fields(found) if found else {}
    latin = getattr(found, "latin", None) if fields.get("latin_name") else None
    place = found.geo_link.place if fields.get("geonames_id") else None
    region = place is not None and found.geo_link.reason == gazetteer.REGION_REASON
    return {"latin": latin, "place": place, "region": region, "entity": entity}


def _describe(point: maps.MapPoint) -> str:
    return ngettext("%(name)s: مقال واحد", "%(name)s: %(n)s مقالات", point.count) % {
        "name": point.name,
        "n": point.count,
    }


@register.simple_tag
def map_svg(drawn: maps.Map, labelled_by: str) -> str:
    """The map's inline SVG (built in Python: a template loop over every shape is slow)."""
    return mark_safe(maps.svg(drawn, labelled_by=labelled_by, describe=_describe))
