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
    if not entities:
        return "", []
    best = entities[0]
    words = best.name.split()
    asked = len(latin.words(query))
    # "Soleimani" names a person by the surname: search the Arabic surname (سليماني), which
    # also finds the articles that name him by it alone.
    if best.kind == Entity.Kind.PERS and 0 < asked < len(words):
        return " ".join(words[-asked:]), entities
    return best.name, entities
