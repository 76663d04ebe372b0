"""Atom feed per entity: the newest articles that mention it, quoting the sentences that do."""

from __future__ import annotations

from datetime import datetime

from django.contrib.syndication.views import Feed
from django.db.models import Prefetch
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape

from newsroom.articles.models import Article
from newsroom.entities.models import Entity, Mention
from newsroom.reader.highlight import segments
from newsroom.reader.selectors import articles_mentioning

FEED_ITEMS = 50


def quote_html(article: Article, mentions: list[Mention]) -> str:
    """The sentences holding ``mentions`` as escaped HTML paragraphs, the names in <mark>."""
    sentences: dict[tuple[str, int, int], list[Mention]] = {}
    # Title sentences first, then the body's, each in reading order.
    for mention in sorted(mentions, key=lambda m: (m.field != Mention.Field.TITLE, m.start)):
        key = (mention.field, mention.sentence_start, mention.sentence_end)
        sentences.setdefault(key, []).append(mention)
    paragraphs = []
    for (field, start, end), in_sentence in sentences.items():
        text = article.title if field == Mention.Field.TITLE else article.body
        html = "".join(
            f"<mark>{escape(seg.text)}</mark>" if seg.mention else escape(seg.text)
            for seg in segments(text, start, end, in_sentence)
        )
        paragraphs.append(f"<p>{html.strip()}</p>")
    return "\n".join(paragraphs)


class EntityFeed(Feed):
    feed_type = Atom1Feed
    language = "ar"

    def get_object(self, request: HttpRequest, pk: int) -> Entity:
        return get_object_or_404(Entity, pk=pk)

    def title(self, entity: Entity) -> str:
        return f"نيوزروم: {entity.name} ({entity.get_kind_display()})"

    def subtitle(self, entity: Entity) -> str:
        return f"أحدث المقالات التي تذكر {entity.name}، مع الجمل التي ورد فيها."

    def link(self, entity: Entity) -> str:
        return entity.get_absolute_url()

    def feed_url(self, entity: Entity) -> str:
        return reverse("reader:entity_feed", args=[entity.pk])

    def items(self, entity: Entity) -> list[Article]:
        # Three queries in all: the entity, the articles, and their mentions of it.
        positions = ("article_id", "field", "start", "end", "sentence_start", "sentence_end")
        mentions = Prefetch(
            "mentions",
            queryset=Mention.objects.filter(entity=entity).only(*positions),
            to_attr="entity_mentions",
        )
        articles = articles_mentioning([entity.pk]).only(
            "title", "body", "published_at", "placed_at", "source__name"
        )
        return list(articles.prefetch_related(mentions)[:FEED_ITEMS])

    def item_title(self, article: Article) -> str:
        # Atom titles are plain text: the feed writer escapes them, so no escaping here.
        return article.title

    def item_description(self, article: Article) -> str:
        return quote_html(article, article.entity_mentions)

    def item_link(self, article: Article) -> str:
        return article.get_absolute_url()

    def item_pubdate(self, article: Article) -> datetime | None:
        return article.published_at

    def item_updateddate(self, article: Article) -> datetime:
        # Atom requires <updated> on every entry; an undated article counts from its receipt.
        return article.placed_at

    def item_author_name(self, article: Article) -> str | None:
        return article.source.name if article.source else None


entity_feed = EntityFeed()
