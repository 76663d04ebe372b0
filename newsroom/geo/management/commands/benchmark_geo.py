"""Median server time of the map pages (news map, an article's, an entity's) and the GeoJSON API."""

from __future__ import annotations

import statistics
import time

from django.core.cache import cache
from django.core.management.base import BaseCommand
from django.test import Client
from django.urls import reverse

from newsroom.entities.models import ArticleEntity, Entity
from newsroom.geo.models import EntityPlace


class Command(BaseCommand):
    help = "Time the map pages in-process (Django test client) and print their medians."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--runs", type=int, default=20)

    def handle(self, *args, runs: int, **options) -> None:
        client = Client(HTTP_HOST="127.0.0.1")
        place = (
            Entity.objects.filter(geo_link__place__isnull=False).order_by("-article_count").first()
        )
        actor = Entity.objects.filter(kind=Entity.Kind.PERS).order_by("-article_count").first()
        article_ids = list(
            ArticleEntity.objects.filter(
                entity_id__in=EntityPlace.objects.filter(place__isnull=False).values("entity_id")
            )
            .order_by("-article_id")
            .values_list("article_id", flat=True)[: runs * 5 : 5]
        )
        pages = {
            "news map (last 30 days)": [reverse("geo:news_map")] * runs,
            "news map, one actor": [f"{reverse('geo:news_map')}?actor={actor.pk}"] * runs,
            "article page with map": [reverse("reader:article", args=[a]) for a in article_ids],
            "place entity page with map": [reverse("reader:entity", args=[place.pk])] * runs,
            "actor entity page with map": [reverse("reader:entity", args=[actor.pk])] * runs,
            "places.geojson (period)": [reverse("geo:places_geojson")] * runs,
        }
        for label, urls in pages.items():
            cache.clear()
            client.get(urls[0])  # the first request fills caches, as a reader's would
            times = []
            for url in urls:
                started = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200, (url, response.status_code)
            cold = []
            for url in urls[:5]:
                cache.clear()
                started = time.perf_counter()
                client.get(url)
                cold.append((time.perf_counter() - started) * 1000)
            self.stdout.write(
                f"{label}: median {statistics.median(times):.1f} ms over {len(times)} requests; "
                f"with caches cleared median {statistics.median(cold):.1f} ms"
            )
