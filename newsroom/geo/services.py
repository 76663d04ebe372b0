"""Writes of the geo app: link place entities to GeoNames places, give people Latin names, and the
editors' overrides of both (audited in the curation log)."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import connection, transaction
from django.db.models import Q

from newsroom.entities.models import CurationLog, Entity
from newsroom.geo import gazetteer, latin
from newsroom.geo.models import EditorChoice, EntityPlace, LatinName, Place

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

    User = AbstractBaseUser | None

# Co-mentioned places read for the archive context of one place entity.
CONTEXT_PLACES = 40


class GeoError(ValueError):
    """An editor's request cannot be carried out; the message says why, in Arabic."""


@dataclass
class LinkReport:
    linked: int = 0
    unlinked: int = 0
    kept: int = 0
    named: int = 0


def place_for(candidate: gazetteer.Candidate) -> Place:
    place, _ = Place.objects.update_or_create(
        geonames_id=candidate.geonames_id,
        defaults={
            "kind": candidate.kind,
            "name": candidate.name,
            "name_ar": candidate.name_ar,
            "country_code": candidate.country_code,
            "latitude": candidate.latitude,
            "longitude": candidate.longitude,
            "population": candidate.population,
            "feature": candidate.feature,
        },
    )
    return place


def _person_shares(entities: list[Entity]) -> dict[int, float]:
    """Per place entity: the share of its articles that also name a person ending in its name."""
    if not entities:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT p.id, COUNT(DISTINCT pa.article_id)
            FROM entities_entity p
            JOIN entities_articleentity pa ON pa.entity_id = p.id
            JOIN entities_articleentity qa ON qa.article_id = pa.article_id
            JOIN entities_entity q ON q.id = qa.entity_id AND q.kind = 'PERS'
            WHERE p.id = ANY(%s) AND q.key LIKE '%%_ ' || p.key
            GROUP BY p.id
            """,
            [[e.pk for e in entities]],
        )
        found = dict(cursor.fetchall())
    return {e.pk: found.get(e.pk, 0) / max(e.article_count, 1) for e in entities}


def _archive_context(entity_ids: list[int], codes: dict[int, str]) -> dict[int, Counter]:
    """Per entity: countries of the linked places named in its articles, weighted by articles."""
    if not entity_ids:
        return {}
    context: dict[int, Counter] = defaultdict(Counter)
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT entity_id, other_id, shared FROM (
              SELECT a.entity_id, b.entity_id AS other_id, COUNT(*) AS shared,
                     ROW_NUMBER() OVER (PARTITION BY a.entity_id ORDER BY COUNT(*) DESC) AS rank
              FROM entities_articleentity a
              JOIN entities_articleentity b ON b.article_id = a.article_id
                   AND b.entity_id <> a.entity_id
              JOIN geo_entityplace l ON l.entity_id = b.entity_id AND l.place_id IS NOT NULL
              WHERE a.entity_id = ANY(%s)
              GROUP BY a.entity_id, b.entity_id
            ) ranked WHERE rank <= %s
            """,
            [entity_ids, CONTEXT_PLACES],
        )
        for entity_id, other_id, shared in cursor.fetchall():
            code = codes.get(other_id)
            if code:
                context[entity_id][code] += shared
    return context


def _linked_codes() -> dict[int, str]:
    return dict(
        EntityPlace.objects.filter(place__isnull=False).values_list(
            "entity_id", "place__country_code"
        )
    )


def link_places(*, entities: Iterable[Entity] | None = None, relink: bool = False) -> LinkReport:
    """Link place entities to GeoNames places; an editor's choice is kept, and restored by key.

    Names with one reading are linked first, so that the places they put on the map are the
    context that decides the ambiguous ones.
    """
    report = LinkReport()
    queryset = Entity.objects.filter(kind=Entity.Kind.LOC, article_count__gt=0)
    if entities is not None:
        queryset = queryset.filter(pk__in=[e.pk for e in entities])
    if not relink:
        queryset = queryset.filter(geo_link__isnull=True)
    todo = list(queryset.exclude(geo_link__source=EntityPlace.Source.EDITOR))
    report.kept += _restore_editor_choices(todo)
    by_editor = set(
        EntityPlace.objects.filter(entity__in=todo, source=EntityPlace.Source.EDITOR).values_list(
            "entity_id", flat=True
        )
    )
    todo = [e for e in todo if e.pk not in by_editor]
    shares = _person_shares(todo)
    found = {e.pk: gazetteer.candidates(e.name) for e in todo}
    # Countries, continents and names of one large city do not need the context; cities of a
    # shared name and small towns do.
    settled = {
        e.pk
        for e in todo
        if not found[e.pk]
        or any(c.kind != gazetteer.CITY for c in found[e.pk])
        or (len(found[e.pk]) == 1 and found[e.pk][0].population >= gazetteer.SMALL_CITY)
    }
    first = [e for e in todo if e.pk in settled]
    second = [e for e in todo if e.pk not in settled]
    for batch, with_context in ((first, False), (second, True)):
        context = _archive_context([e.pk for e in batch], _linked_codes()) if with_context else {}
        with transaction.atomic():
            for entity in batch:
                decision = gazetteer.decide(
                    found[entity.pk],
                    context=context.get(entity.pk),
                    person_share=shares.get(entity.pk, 0.0),
                )
                place = place_for(decision.candidate) if decision.candidate else None
                EntityPlace.objects.update_or_create(
                    entity=entity,
                    defaults={
                        "place": place,
                        "source": EntityPlace.Source.AUTO,
                        "entity_kind": entity.kind,
                        "entity_key": entity.key,
                        "confidence": decision.confidence,
                        "reason": decision.reason,
                    },
                )
                if place:
                    report.linked += 1
                    if not decision.candidate.region:
                        _name_place(entity, decision.candidate)
                else:
                    report.unlinked += 1
    return report


def _restore_editor_choices(entities: list[Entity]) -> int:
    """Entities recreated under a key an editor decided before get the editor's choice back."""
    keys = {(e.kind, e.key): e for e in entities}
    if not keys:
        return 0
    condition = Q()
    for kind, key in keys:
        condition |= Q(entity_kind=kind, entity_key=key)
    restored = 0
    for choice in EditorChoice.objects.filter(condition).select_related("place"):
        entity = keys[(choice.entity_kind, choice.entity_key)]
        if choice.set_place:
            EntityPlace.objects.update_or_create(
                entity=entity,
                defaults={
                    "place": choice.place,
                    "source": EntityPlace.Source.EDITOR,
                    "entity_kind": entity.kind,
                    "entity_key": entity.key,
                    "confidence": 1.0,
                    "reason": "editor",
                },
            )
            restored += 1
        if choice.latin_name:
            _store_latin(
                entity,
                choice.latin_name,
                LatinName.Source.EDITOR,
                latin.search_keys([choice.latin_name]),
            )
    return restored


def _name_place(entity: Entity, candidate: gazetteer.Candidate) -> None:
    current = LatinName.objects.filter(entity=entity).first()
    if current and current.source == LatinName.Source.EDITOR:
        return
    _store_latin(
        entity,
        candidate.name,
        LatinName.Source.GEONAMES,
        latin.search_keys([candidate.name, *candidate.alternates]),
    )


def _store_latin(entity: Entity, name: str, source: str, keys) -> LatinName:
    """Set the entity's Latin name, not a guess, from ``source``, with its search keys."""
    row, _ = LatinName.objects.update_or_create(
        entity=entity,
        defaults={
            "name": name,
            "guess": False,
            "source": source,
            "entity_kind": entity.kind,
            "entity_key": entity.key,
            "keys": keys,
        },
    )
    return row


def name_people(
    *, entities: Iterable[Entity] | None = None, min_articles: int = 1, batch_size: int = 200
) -> int:
    """Give persons without one a Latin name: Wikidata's, else a transliteration (a guess)."""
    queryset = Entity.objects.filter(
        kind=Entity.Kind.PERS, article_count__gte=min_articles, latin__isnull=True
    ).order_by("-article_count", "pk")
    if entities is not None:
        queryset = queryset.filter(pk__in=[e.pk for e in entities])
    people = list(queryset)
    _restore_editor_choices(people)
    have = set(LatinName.objects.filter(entity__in=people).values_list("entity_id", flat=True))
    people = [p for p in people if p.pk not in have]
    named = 0
    for start in range(0, len(people), batch_size):
        batch = people[start : start + batch_size]
        spellings = latin.romanize([e.name for e in batch])
        rows = [
            LatinName(
                entity=entity,
                name=spelling.name[:300],
                guess=spelling.guess,
                source=spelling.source,
                entity_kind=entity.kind,
                entity_key=entity.key,
                keys=latin.search_keys(spelling.variants),
            )
            for entity, spelling in zip(batch, spellings, strict=True)
            if spelling is not None
        ]
        LatinName.objects.bulk_create(rows, ignore_conflicts=True)
        named += len(rows)
    return named


def link_new_entities() -> LinkReport:
    """What imports and the demo run after storing articles: link and name what has no link yet."""
    report = link_places()
    report.named = name_people()
    return report


# Editors' overrides ---------------------------------------------------------------------------


def set_place(*, entity: Entity, reference: str, user: User) -> EntityPlace:
    """An editor links ``entity`` to a GeoNames id or ISO country code, or (empty) to no place."""
    reference = (reference or "").strip()
    candidate = None
    if reference:
        candidate = gazetteer.lookup(reference)
        if candidate is None:
            raise GeoError(
                f"لا يوجد مكان بالمعرّف أو الرمز «{reference}» في بيانات GeoNames المرفقة."
            )
    if entity.kind != Entity.Kind.LOC and candidate is not None:
        raise GeoError("لا يُربط بمكان على الخريطة إلا كيان من نوع «مكان».")
    with transaction.atomic():
        before = EntityPlace.objects.filter(entity=entity).select_related("place").first()
        place = place_for(candidate) if candidate else None
        link, _ = EntityPlace.objects.update_or_create(
            entity=entity,
            defaults={
                "place": place,
                "source": EntityPlace.Source.EDITOR,
                "entity_kind": entity.kind,
                "entity_key": entity.key,
                "confidence": 1.0,
                "reason": "editor",
                "updated_by": user if user is not None and user.is_authenticated else None,
            },
        )
        EditorChoice.objects.update_or_create(
            entity_kind=entity.kind,
            entity_key=entity.key,
            defaults={"set_place": True, "place": place},
        )
        if candidate:
            _name_place(entity, candidate)
        old = before.place if before else None
        summary = (
            f"ربط {entity.name} بـ {place.name} ({place.geonames_id})"
            if place
            else f"إلغاء ربط {entity.name} بمكان على الخريطة"
        )
        _log(
            user,
            CurationLog.Action.PLACE,
            entity,
            summary,
            {
                "before": old.geonames_id if old else None,
                "before_source": before.source if before else None,
                "after": place.geonames_id if place else None,
            },
        )
    return link


def set_latin_name(*, entity: Entity, name: str, user: User) -> LatinName:
    """An editor corrects the Latin spelling of an entity; it is no longer a guess."""
    name = " ".join((name or "").split())
    if not name or not latin.is_latin_query(name):
        raise GeoError("اكتب الاسم بحروف لاتينية.")
    with transaction.atomic():
        before = LatinName.objects.filter(entity=entity).first()
        keys = latin.search_keys([name, *(_variants(before) if before else [])])
        row = _store_latin(entity, name[:300], LatinName.Source.EDITOR, keys)
        EditorChoice.objects.update_or_create(
            entity_kind=entity.kind, entity_key=entity.key, defaults={"latin_name": name[:300]}
        )
        _log(
            user,
            CurationLog.Action.LATIN,
            entity,
            f"الاسم اللاتيني لـ {entity.name}: {name}",
            {"before": before.name if before else None, "after": name},
        )
    return row


def _variants(row: LatinName) -> list[str]:
    # The exact words stored (=word) keep earlier spellings findable after a correction.
    return [key[1:] for key in row.keys if key.startswith("=")]


def _log(user: User, action: str, entity: Entity, summary: str, details: dict[str, Any]) -> None:
    if user is not None and not user.is_authenticated:
        user = None
    if user is not None:
        details = {**details, "username": user.get_username()}
    CurationLog.objects.create(
        user=user,
        action=action,
        entity=entity,
        summary=summary[: CurationLog._meta.get_field("summary").max_length],
        details=details,
    )
