from __future__ import annotations

from collections import defaultdict

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from newsroom.articles.models import Article
from newsroom.entities.models import Entity, Mention
from newsroom.reader.highlight import paragraphs, segments


@require_GET
def article_list(request: HttpRequest) -> HttpResponse:
    articles = Article.objects.newest_first().select_related("source")
    page = Paginator(articles, settings.ARTICLES_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "reader/article_list.html", {"page": page})


@require_GET
def article_detail(request: HttpRequest, pk: int) -> HttpResponse:
    article = get_object_or_404(Article.objects.select_related("source"), pk=pk)
    mentions = list(article.mentions.select_related("entity").order_by("field", "start"))
    by_field: dict[str, list[Mention]] = defaultdict(list)
    for mention in mentions:
        by_field[mention.field].append(mention)
    in_article = (
        Entity.objects.filter(mentions__article=article)
        .annotate(n=Count("mentions"))
        .order_by("-n", "name")
    )
    return render(
        request,
        "reader/article_detail.html",
        {
            "article": article,
            "title_segments": segments(
                article.title, 0, len(article.title), by_field[Mention.Field.TITLE]
            ),
            "body_paragraphs": paragraphs(article.body, by_field[Mention.Field.BODY]),
            "actors": [e for e in in_article if e.is_actor],
            "places": [e for e in in_article if e.kind == Entity.Kind.LOC],
        },
    )


@require_GET
def entity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    entity = get_object_or_404(Entity, pk=pk)
    articles = Article.objects.mentioning(entity).newest_first().select_related("source")
    page = Paginator(articles, settings.ARTICLES_PER_PAGE).get_page(request.GET.get("page"))
    mentions = Mention.objects.filter(entity=entity, article__in=list(page.object_list)).order_by(
        "article", "field", "start"
    )
    grouped: dict[int, dict[tuple[str, int, int], list[Mention]]] = defaultdict(dict)
    for mention in mentions:
        sentence = (mention.field, mention.sentence_start, mention.sentence_end)
        grouped[mention.article_id].setdefault(sentence, []).append(mention)
    items = []
    for article in page.object_list:
        quotes = []
        for (field, start, end), in_sentence in grouped[article.pk].items():
            text = article.title if field == Mention.Field.TITLE else article.body
            quotes.append(segments(text, start, end, in_sentence))
        items.append({"article": article, "quotes": quotes})
    return render(
        request,
        "reader/entity_detail.html",
        {
            "entity": entity,
            "aliases": entity.aliases.order_by("text"),
            "page": page,
            "items": items,
        },
    )
