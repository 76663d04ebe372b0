from __future__ import annotations

from datetime import date

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from newsroom.articles.models import Article
from newsroom.entities.models import Entity
from newsroom.geo import maps, selectors
from newsroom.reader.selectors import search_articles

GEOJSON_ARTICLES = 200


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _actor(value: str | None) -> Entity | None:
    if not value or not value.isdigit():
        return None
    return Entity.objects.filter(pk=int(value), kind__in=Entity.ACTOR_KINDS).first()


@require_GET
def news_map(request: HttpRequest) -> HttpResponse:
    span = selectors.period(_date(request.GET.get("from")), _date(request.GET.get("to")))
    actor = _actor(request.GET.get("actor"))
    version = selectors.archive_version()
    points = selectors.news_places(span, actor=actor, version=version)
    actors = list(selectors.actors_in(span, version=version))
    if actor and all(pk != actor.pk for pk, _ in actors):
        actors.insert(0, (actor.pk, actor.name))
    return render(
        request,
        "geo/news_map.html",
        {"map": maps.draw(points), "period": span, "actor": actor, "actors": actors},
    )


def _query_places(query: str) -> list[maps.MapPoint]:
    """Places of the articles a search finds (a Latin query searches the names it matches)."""
    from newsroom.geo.search import arabic_query

    arabic, _entities = arabic_query(query)
    articles, _total = search_articles(arabic or query)
    ids = list(articles.values_list("pk", flat=True)[:GEOJSON_ARTICLES])
    rows = {}
    for article in Article.objects.filter(pk__in=ids).only("pk"):
        for point in selectors.article_places(article):
            found = rows.get(point.geonames_id)
            if found:
                found.count += 1
            else:
                point.count = 1
                rows[point.geonames_id] = point
    return sorted(rows.values(), key=lambda p: (-p.count, p.name))


@require_GET
def places_geojson(request: HttpRequest) -> JsonResponse:
    """The places of a search (``q``) or of a period of the news, as a GeoJSON FeatureCollection."""
    query = request.GET.get("q", "").strip()[:200]
    span = selectors.period(_date(request.GET.get("from")), _date(request.GET.get("to")))
    if query:
        points = _query_places(query)
    else:
        points = selectors.news_places(span, actor=_actor(request.GET.get("actor")))
    features = [
        {
            "type": "Feature",
            "id": point.geonames_id,
            "geometry": {"type": "Point", "coordinates": [point.longitude, point.latitude]},
            "properties": {
                "name": point.name,
                "latin_name": point.latin,
                "geonames_id": point.geonames_id,
                "country": point.country_code or None,
                "feature": point.kind,
                "articles": point.count,
                "html_url": request.build_absolute_uri(point.url),
            },
        }
        for point in points
    ]
    body = {"type": "FeatureCollection", "features": features}
    if not query:
        body["period"] = {"from": span.start.isoformat(), "to": span.end.isoformat()}
    else:
        body["query"] = query
    response = JsonResponse(body, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/geo+json"
    return response
