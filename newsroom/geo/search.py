"""Latin-script search: a query in Latin letters becomes the Arabic name of what it names."""

from __future__ import annotations

from newsroom.entities.models import Entity
from newsroom.geo import latin, selectors


def arabic_query(query: str) -> tuple[str, list[Entity]]:
    """For a Latin query (Soleimani, Baghdad): the Arabic name to search for and the entities it
    matched, most-mentioned first. Any other query: ("", [])."""
    if not latin.is_latin_query(query):
        return "", []
    entities = selectors.entities_for_latin(query)
    return (entities[0].name if entities else ""), entities
