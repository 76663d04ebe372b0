from __future__ import annotations

from collections import defaultdict
from datetime import date

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from newsroom import nlp
from newsroom.articles.models import Article, Source
from newsroom.entities.curation import redirect_target
from newsroom.entities.models import Entity, Mention
from newsroom.geo import search as geo_search
from newsroom.reader import selectors
from newsroom.reader.highlight import paragraphs, segments

ACTORS = (Entity.Kind.PERS, Entity.Kind.ORG)
PLACES = (Entity.Kind.LOC,)


def _entity_or_404(pk: int) -> Entity:
    """The entity, or the one it was merged into (the caller redirects), or 404."""
    entity = Entity.objects.filter(pk=pk).first() or redirect_target(pk)
    if entity is None:
        raise Http404("no such entity")
    return entity


def _moved(name: str, request: HttpRequest, *args: int) -> HttpResponse:
    query = request.META.get("QUERY_STRING", "")
    return HttpResponsePermanentRedirect(reverse(name, args=args) + (f"?{query}" if query else ""))


def _page(request: HttpRequest, items, per_page: int | None = None) -> Page:
    return Paginator(items, per_page or settings.ARTICLES_PER_PAGE).get_page(
        request.GET.get("page")
    )


@require_GET
def article_list(request: HttpRequest) -> HttpResponse:
    page = _page(request, Article.objects.newest_first().select_related("source"))
    return render(request, "reader/article_list.html", {"page": page})


@require_GET
def article_detail(request: HttpRequest, pk: int) -> HttpResponse:
    article = get_object_or_404(Article.objects.select_related("source"), pk=pk)
    mentions = list(article.mentions.select_related("entity").order_by("field", "start"))
    by_field: dict[str, list[Mention]] = defaultdict(list)
    counts: dict[int, int] = defaultdict(int)
    entities: dict[int, Entity] = {}
    for mention in mentions:
        by_field[mention.field].append(mention)
        counts[mention.entity_id] += 1
        entities[mention.entity_id] = mention.entity
    in_article = sorted(entities.values(), key=lambda e: (-counts[e.pk], e.name))
    for entity in in_article:
        entity.n = counts[entity.pk]
    return render(
        request,
        "reader/article_detail.html",
        {
            "article": article,
            "title_segments": segments(
                article.title, 0, len(article.title), by_field[Mention.Field.TITLE]
            ),
            "body_paragraphs": paragraphs(article.body, by_field[Mention.Field.BODY]),
            "actors": [e for e in in_article if e.kind in ACTORS],
            "places": [e for e in in_article if e.kind in PLACES],
            "related": selectors.related_articles(article, in_article),
        },
    )


@require_GET
@vary_on_headers("HX-Request")
def entity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    entity = _entity_or_404(pk)
    if entity.pk != pk:
        return _moved("reader:entity", request, entity.pk)
    page = selectors.article_page(
        [entity.pk],
        request.GET.get("page"),
        per_page=settings.ARTICLES_PER_PAGE,
        count=entity.article_count,
    )
    context = {
        "entity": entity,
        "page": page,
        "items": selectors.quotes_for(page.object_list, [entity.pk]),
    }
    if request.htmx:
        # "More articles": only the next items and the next "more" link.
        return render(request, "reader/partials/article_quotes.html", context)
    timeline, timeline_key = selectors.timeline_chart([entity])
    co_actors = selectors.co_mentioned(entity, kinds=ACTORS)
    co_places = selectors.co_mentioned(entity, kinds=PLACES)
    context.update(
        aliases=[a for a in entity.aliases.order_by("text") if not _clipped(a.text, entity.key)],
        timeline=timeline,
        co_actors=co_actors,
        co_places=co_places,
        # The rendered timeline and co-mention lists are cached under what they show.
        timeline_key=timeline_key,
        aside_key=selectors.digest(
            [(e.pk, e.name, e.kind, e.shared) for e in co_actors + co_places]
        ),
    )
    return render(request, "reader/entity_detail.html", context)


def _clipped(alias: str, key: str) -> bool:
    """An alias cut from ل + ال (للعراق → لعراق): a highlight, not a spelling worth listing."""
    return alias.startswith("ل") and nlp.entity_key("ا" + alias) == key != nlp.entity_key(alias)


@require_GET
@vary_on_headers("HX-Request")
def pair_detail(request: HttpRequest, pk: int, other: int) -> HttpResponse:
    first, second = _entity_or_404(pk), _entity_or_404(other)
    if (first.pk, second.pk) != (pk, other):
        return _moved("reader:pair", request, first.pk, second.pk)
    page = selectors.article_page(
        [first.pk, second.pk],
        request.GET.get("page"),
        per_page=settings.ARTICLES_PER_PAGE,
        count=selectors.articles_together([first, second]),
    )
    context = {
        "first": first,
        "second": second,
        "page": page,
        "items": selectors.quotes_for(page.object_list, [first.pk, second.pk], together=True),
    }
    if request.htmx:
        return render(request, "reader/partials/article_quotes.html", context)
    context["timeline"], context["timeline_key"] = selectors.timeline_chart([first, second])
    return render(request, "reader/pair_detail.html", context)


@require_GET
def entity_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """The small card shown when a highlight is hovered or focused."""
    entity = _entity_or_404(pk)
    if entity.pk != pk:
        return _moved("reader:entity_preview", request, entity.pk)
    kinds = ACTORS if entity.kind in PLACES else PLACES
    return render(
        request,
        "reader/partials/entity_preview.html",
        {
            "entity": entity,
            "co_mentions": selectors.co_mentioned(entity, kinds=(*ACTORS, *PLACES), limit=4),
            "kinds": kinds,
            "latest": selectors.articles_mentioning([entity.pk])[:3],
        },
    )


def _entity_index(request: HttpRequest, kinds, heading: str) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:100]
    sort = request.GET.get("sort", "count")
    entities = (
        selectors.entities_named(query, kinds=kinds)
        if query
        else Entity.objects.filter(kind__in=kinds)
    )
    order = ("name", "pk") if sort == "name" else ("-article_count", "name", "pk")
    entities = entities.filter(article_count__gt=0).order_by(*order)
    page = _page(request, entities, per_page=60)
    template = (
        "reader/partials/entity_index_items.html" if request.htmx else "reader/entity_index.html"
    )
    return render(
        request,
        template,
        {"page": page, "query": query, "sort": sort, "heading": heading},
    )


@require_GET
@vary_on_headers("HX-Request")
def actor_index(request: HttpRequest) -> HttpResponse:
    return _entity_index(request, ACTORS, _("الفاعلون"))


@require_GET
@vary_on_headers("HX-Request")
def place_index(request: HttpRequest) -> HttpResponse:
    return _entity_index(request, PLACES, _("الأماكن"))


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


@require_GET
@vary_on_headers("HX-Request")
def search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:200]
    filters = {
        "source_id": _int(request.GET.get("source")),
        "date_from": _date(request.GET.get("from")),
        "date_to": _date(request.GET.get("to")),
        "entity_id": _int(request.GET.get("entity")),
    }
    # A query in Latin letters (Soleimani, Baghdad) searches the Arabic name it matches.
    arabic, latin_matches = geo_search.arabic_query(query)
    text = arabic or query
    results, total = (
        selectors.search_articles(text, **filters) if query else (Article.objects.none(), 0)
    )
    page = selectors.KnownCountPaginator(results, settings.ARTICLES_PER_PAGE, count=total).get_page(
        request.GET.get("page")
    )
    context = {
        "query": query,
        "filters": filters,
        "page": page,
        "hits": selectors.snippets(page.object_list, text),
        "suggestions": latin_matches or (selectors.entity_suggestions(query) if query else []),
        "searched_as": arabic,
        "capped": page.paginator.count >= selectors.SEARCH_CANDIDATES,
        "sources": Source.objects.order_by("name"),
        "filter_entity": Entity.objects.filter(pk=filters["entity_id"]).first()
        if filters["entity_id"]
        else None,
    }
    template = "reader/partials/search_results.html" if request.htmx else "reader/search.html"
    return render(request, template, context)
