"""Read-only JSON API: articles with their mentions, entities with their aliases and articles.

Every list is paginated the same way ({"count", "page", "pages", "next", "previous",
"results"}) and every view runs a fixed number of SQL queries, whatever the page size.
Offsets (``start``, ``end``) count Unicode code points, as Python slices do.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.paginator import EmptyPage, Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, JsonResponse
from django.utils import timezone

from newsroom.articles.models import Article
from newsroom.entities.models import Entity, Mention
from newsroom.geo.api import geo_fields
from newsroom.geo.selectors import with_geo
from newsroom.reader.selectors import articles_mentioning

PAGE_SIZE = 20
MAX_PAGE_SIZE = 100

# What an article summary reads; the text and the search columns stay in the database.
SUMMARY_FIELDS = ("title", "published_at", "placed_at", "url", "source__name")

View = Callable[..., JsonResponse]


class ApiError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def _json(data: Any, status: int = 200) -> JsonResponse:
    # ensure_ascii=False keeps Arabic readable in the response instead of \u escapes.
    return JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})


def _error(status: int, message: str) -> JsonResponse:
    return _json({"error": message, "status": status}, status=status)


def api_view(view: View) -> View:
    """Answer GET only, and turn ApiError into a JSON error response."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
        if request.method != "GET":
            response = _error(405, "الطريقة غير مسموحة: هذه الواجهة للقراءة فقط (GET).")
            response["Allow"] = "GET"
            return response
        try:
            return view(request, *args, **kwargs)
        except ApiError as exc:
            return _error(exc.status, exc.message)

    return wrapper


def _positive_int(request: HttpRequest, name: str, default: int) -> int:
    raw = request.GET.get(name, "")
    if raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value < 1:
        raise ApiError(400, f"المعامل {name} يجب أن يكون عدداً صحيحاً موجباً.")
    return value


def _page_url(request: HttpRequest, number: int) -> str:
    query = request.GET.copy()
    query["page"] = str(number)
    return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")


def _paginate(
    request: HttpRequest, queryset: QuerySet, serialize: Callable[[Any], dict]
) -> dict[str, Any]:
    """One page of ``queryset`` as the API's pagination envelope (two queries: count, page)."""
    size = min(_positive_int(request, "page_size", PAGE_SIZE), MAX_PAGE_SIZE)
    number = _positive_int(request, "page", 1)
    paginator = Paginator(queryset, size)
    try:
        page: Page = paginator.page(number)
    except EmptyPage:
        raise ApiError(404, f"الصفحة {number} غير موجودة.") from None
    return {
        "count": paginator.count,
        "page": page.number,
        "pages": paginator.num_pages,
        "next": _page_url(request, page.next_page_number()) if page.has_next() else None,
        "previous": (
            _page_url(request, page.previous_page_number()) if page.has_previous() else None
        ),
        "results": [serialize(item) for item in page.object_list],
    }


def _article_summary(request: HttpRequest, article: Article) -> dict[str, Any]:
    published = article.published_at
    return {
        "id": article.pk,
        "title": article.title,
        "source": article.source.name if article.source else None,
        "published_at": timezone.localtime(published).isoformat() if published else None,
        # The date the lists go by: published_at, or when an undated article was received.
        "placed_at": timezone.localtime(article.placed_at).isoformat(),
        "url": article.url or None,
        "html_url": request.build_absolute_uri(article.get_absolute_url()),
    }


def _entity_summary(request: HttpRequest, entity: Entity) -> dict[str, Any]:
    return {
        "id": entity.pk,
        "name": entity.name,
        "kind": entity.kind,
        "article_count": entity.article_count,
        "html_url": request.build_absolute_uri(entity.get_absolute_url()),
        **geo_fields(entity),
    }


def _mention(article: Article, mention: Mention) -> dict[str, Any]:
    text = article.title if mention.field == Mention.Field.TITLE else article.body
    return {
        "field": mention.field,
        "start": mention.start,
        "end": mention.end,
        "text": text[mention.start : mention.end],
        "entity": {
            "id": mention.entity_id,
            "name": mention.entity.name,
            "kind": mention.entity.kind,
        },
    }


def _get_or_404(queryset: QuerySet, pk: int, message: str) -> Any:
    obj = queryset.filter(pk=pk).first()
    if obj is None:
        raise ApiError(404, message)
    return obj


@api_view
def article_list(request: HttpRequest) -> JsonResponse:
    articles = Article.objects.newest_first().select_related("source").only(*SUMMARY_FIELDS)
    return _json(_paginate(request, articles, lambda a: _article_summary(request, a)))


@api_view
def article_detail(request: HttpRequest, pk: int) -> JsonResponse:
    articles = Article.objects.select_related("source").only(*SUMMARY_FIELDS, "body")
    article = _get_or_404(articles, pk, "المقال غير موجود.")
    mentions = article.mentions.select_related("entity").order_by("field", "start")
    # Title mentions first, then the body's, each in reading order ("body" < "title" in SQL).
    ordered = sorted(mentions, key=lambda m: (m.field != Mention.Field.TITLE, m.start))
    return _json(
        {
            **_article_summary(request, article),
            "body": article.body,
            "mentions": [_mention(article, m) for m in ordered],
        }
    )


@api_view
def entity_list(request: HttpRequest) -> JsonResponse:
    entities = with_geo(Entity.objects.order_by("-article_count", "name", "pk"))
    kind = request.GET.get("kind", "")
    if kind:
        kind = kind.upper()
        if kind not in Entity.Kind.values:
            allowed = "|".join(Entity.Kind.values)
            raise ApiError(400, f"قيمة kind غير معروفة؛ القيم المسموحة: {allowed}.")
        entities = entities.filter(kind=kind)
    return _json(_paginate(request, entities, lambda e: _entity_summary(request, e)))


@api_view
def entity_detail(request: HttpRequest, pk: int) -> JsonResponse:
    entity = _get_or_404(with_geo(Entity.objects.all()), pk, "الكيان غير موجود.")
    aliases = list(entity.aliases.order_by("text").values_list("text", flat=True))
    articles = articles_mentioning([entity.pk]).only(*SUMMARY_FIELDS)
    return _json(
        {
            **_entity_summary(request, entity),
            "aliases": aliases,
            "articles": _paginate(request, articles, lambda a: _article_summary(request, a)),
        }
    )


@api_view
def not_found(request: HttpRequest) -> JsonResponse:
    """Unknown addresses under /api/ answer in JSON too."""
    raise ApiError(404, "لا يوجد شيء بهذا العنوان في الواجهة البرمجية.")
