"""Reads of the geo app: the places to draw for an article, an entity, a period of the news."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from difflib import SequenceMatcher

from django.core.cache import cache
from django.db import connection
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from newsroom.articles.models import Article
from newsroom.entities.models import Entity
from newsroom.geo import latin
from newsroom.geo.maps import MapPoint
from newsroom.geo.models import EntityPlace, LatinName

NEWS_MAP_DAYS = 30
NEWS_MAP_PLACES = 150
CACHE_SECONDS = 600


def _point(link: EntityPlace, name: str, count: int) -> MapPoint:
    place = link.place
    return MapPoint(
        name=name,
        latin=place.name,
        latitude=place.latitude,
        longitude=place.longitude,
        count=count,
        url=reverse("reader:entity", args=[link.entity_id]),
        country_code=place.country_code,
        kind=place.kind,
        geonames_id=place.geonames_id,
    )


def _merge(points: list[MapPoint]) -> list[MapPoint]:
    """One point per place: of its spellings (العراق, عراق) the most-read one's count is kept."""
    best: dict[int, MapPoint] = {}
    for point in points:
        if point.geonames_id not in best or point.count > best[point.geonames_id].count:
            best[point.geonames_id] = point
    return sorted(best.values(), key=lambda p: (-p.count, p.name))


def links_for(entity_ids) -> dict[int, EntityPlace]:
    return {
        link.entity_id: link
        for link in EntityPlace.objects.filter(
            entity_id__in=list(entity_ids), place__isnull=False
        ).select_related("place")
    }


def article_places(article: Article) -> list[MapPoint]:
    """The article's linked places, sized by how often the article names them."""
    rows = list(
        article.appearances.filter(entity__kind=Entity.Kind.LOC).values_list(
            "entity_id", "entity__name", "mentions"
        )
    )
    links = links_for(entity_id for entity_id, _, _ in rows)
    return _merge(
        [_point(links[e], name, n) for e, name, n in rows if e in links],
    )


def entity_places(entity: Entity, co_places: list[Entity]) -> list[MapPoint]:
    """Places named with ``entity`` (``co_places`` carry ``shared`` article counts), and the
    entity itself when it is a place."""
    counts = {other.pk: (other.name, other.shared) for other in co_places}
    if entity.kind == Entity.Kind.LOC:
        counts[entity.pk] = (entity.name, entity.article_count)
    links = links_for(counts)
    return _merge([_point(links[pk], *counts[pk]) for pk in counts if pk in links])


@dataclass(frozen=True)
class Period:
    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def latest_date() -> date:
    latest = _archive_state()[0]
    return timezone.localdate(latest) if latest else timezone.localdate()


def _archive_state() -> tuple:
    """Newest article date, highest article id, last place-link change: one query."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (SELECT MAX(placed_at) FROM articles_article),"
            " (SELECT MAX(id) FROM articles_article),"
            " (SELECT MAX(updated_at) FROM geo_entityplace)"
        )
        return cursor.fetchone()


def period(start: date | None, end: date | None) -> Period:
    """The period asked for; by default the archive's last NEWS_MAP_DAYS days."""
    end = end or latest_date()
    start = start or end - timedelta(days=NEWS_MAP_DAYS - 1)
    if start > end:
        start, end = end, start
    return Period(start, end)


def _bounds(span: Period) -> tuple[datetime, datetime]:
    zone = timezone.get_current_timezone()
    return (
        datetime.combine(span.start, time.min, tzinfo=zone),
        datetime.combine(span.end + timedelta(days=1), time.min, tzinfo=zone),
    )


def news_places(
    span: Period, *, actor: Entity | None = None, version: str | None = None
) -> list[MapPoint]:
    """Places in the articles of a period (of one actor's articles, if given), by articles.

    Cached under the state of the archive (``archive_version``), which changes with every new
    article or place link."""
    version = version or archive_version()
    key = f"geo-news:{span.start}:{span.end}:{actor.pk if actor else ''}:{version}"
    points = cache.get(key)
    if points is None:
        rows = _news_place_rows(span, actor)
        links = links_for(entity_id for _, entity_id, _ in rows)
        names = dict(Entity.objects.filter(pk__in=list(links)).values_list("pk", "name"))
        points = [_point(links[e], names[e], n) for _, e, n in rows if e in links and e in names]
        cache.set(key, points, CACHE_SECONDS)
    return points


def archive_version() -> str:
    """Changes whenever articles or place links change, so cached maps follow them."""
    _latest, article, link = _archive_state()
    return f"{article}:{link.timestamp() if link else ''}"


def _news_place_rows(span: Period, actor: Entity | None) -> list[tuple[int, int, int]]:
    start, end = _bounds(span)
    actor_filter = ""
    params: list = [start, end]
    if actor:
        actor_filter = (
            " AND ae.article_id IN (SELECT article_id FROM entities_articleentity"
            " WHERE entity_id = %s AND placed_at >= %s AND placed_at < %s)"
        )
        params += [actor.pk, start, end]
    params.append(NEWS_MAP_PLACES)
    with connection.cursor() as cursor:
        # mode(): the spelling of a place named in most of its articles is the one linked to.
        cursor.execute(
            f"""
            SELECT l.place_id, mode() WITHIN GROUP (ORDER BY ae.entity_id),
                   COUNT(DISTINCT ae.article_id) AS n
            FROM entities_articleentity ae
            JOIN geo_entityplace l ON l.entity_id = ae.entity_id AND l.place_id IS NOT NULL
            WHERE ae.placed_at >= %s AND ae.placed_at < %s {actor_filter}
            GROUP BY l.place_id
            ORDER BY n DESC, l.place_id
            LIMIT %s
            """,
            params,
        )
        return [tuple(row) for row in cursor.fetchall()]


def actors_in(span: Period, limit: int = 40, version: str | None = None) -> list[tuple[int, str]]:
    """The most-named actors of the period, for the map's filter."""
    start, end = _bounds(span)
    key = f"geo-actors:{span.start}:{span.end}:{version or archive_version()}"
    rows = cache.get(key)
    if rows is None:
        with connection.cursor() as cursor:
            cursor.execute(
                """
                SELECT e.id, e.name FROM entities_articleentity ae
                JOIN entities_entity e ON e.id = ae.entity_id AND e.kind IN ('PERS', 'ORG')
                WHERE ae.placed_at >= %s AND ae.placed_at < %s
                GROUP BY e.id, e.name ORDER BY COUNT(*) DESC, e.id LIMIT %s
                """,
                [start, end, limit],
            )
            rows = [tuple(row) for row in cursor.fetchall()]
        cache.set(key, rows, CACHE_SECONDS)
    return rows


def _closeness(word: str, other: str) -> float:
    """How alike two Latin spellings are; a different last letter counts against them, as
    Arabic endings change the word (Suleimani, a man; Suleimania, a city)."""
    ratio = SequenceMatcher(None, word, other).ratio()
    return ratio if word[-1:] == other[-1:] else ratio * 0.9


def entities_for_latin(query: str, *, limit: int = 5) -> list[Entity]:
    """Entities whose Latin names match a Latin-script query (any romanisation of the words).

    The spelling skeletons find candidates (Suleimani and Salman share one); the closest
    spelling of each query word among a candidate's Latin words, plus a little for how often
    it is named, orders them."""
    required, _exact = latin.query_keys(query)
    if not required:
        return []
    rows = list(
        LatinName.objects.filter(keys__contains=required, entity__article_count__gt=0)
        .select_related("entity")
        .order_by("-entity__article_count")[:50]
    )
    asked = latin.words(query)

    def score(row: LatinName) -> float:
        known = [key[1:] for key in row.keys if key.startswith("=")]
        closest = [max((_closeness(word, other) for other in known), default=0.0) for word in asked]
        return sum(closest) / len(closest) + 0.2 * math.log10(row.entity.article_count + 1)

    rows.sort(key=lambda row: (-score(row), row.entity.pk))
    return [row.entity for row in rows[:limit]]


def with_geo(entities: QuerySet[Entity]) -> QuerySet[Entity]:
    """Entities with their Latin name and place read in the same query (for the API)."""
    return entities.select_related("latin", "geo_link__place")
