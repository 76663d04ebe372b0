"""Read queries behind the reader pages. Each runs a fixed number of SQL statements."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db.models import Count, F, Max, Min, Q, QuerySet
from django.db.models.functions import TruncDay, TruncWeek

from newsroom import nlp
from newsroom.articles.models import Article
from newsroom.entities.models import Alias, Entity, Mention
from newsroom.nlp.search import match_positions, search_keys
from newsroom.nlp.text import clitic_analyses
from newsroom.reader.highlight import Mark, Segment, segments


def articles_mentioning(entity_ids: Sequence[int]) -> QuerySet[Article]:
    """Articles that mention every one of ``entity_ids``, newest first."""
    articles = Article.objects.all()
    for pk in entity_ids:
        articles = articles.filter(pk__in=Mention.objects.filter(entity_id=pk).values("article_id"))
    return articles.newest_first().select_related("source")


@dataclass
class ArticleQuotes:
    article: Article
    quotes: list[list[Segment]] = field(default_factory=list)


def quotes_for(
    articles: Iterable[Article], entity_ids: Sequence[int], *, together: bool = False
) -> list[ArticleQuotes]:
    """For each article, the sentences mentioning the entities, their mentions highlighted.

    With ``together``, sentences where all the entities meet come first; others follow only when
    an article has no such sentence.
    """
    articles = list(articles)
    mentions = Mention.objects.filter(
        article__in=articles, entity_id__in=entity_ids
    ).select_related("entity")
    by_sentence: dict[int, dict[tuple[str, int, int], list[Mention]]] = defaultdict(dict)
    for mention in mentions.order_by("article_id", "field", "start"):
        key = (mention.field, mention.sentence_start, mention.sentence_end)
        by_sentence[mention.article_id].setdefault(key, []).append(mention)
    out = []
    wanted = set(entity_ids)
    for article in articles:
        sentences = by_sentence[article.pk]
        if together:
            meeting = {k: v for k, v in sentences.items() if {m.entity_id for m in v} >= wanted}
            sentences = meeting or sentences
        quotes = []
        for (field_name, start, end), in_sentence in sentences.items():
            text = article.title if field_name == Mention.Field.TITLE else article.body
            quotes.append(segments(text, start, end, in_sentence))
        out.append(ArticleQuotes(article, quotes))
    return out


def co_mentioned(entity: Entity, *, kinds: Sequence[str], limit: int = 10) -> list[Entity]:
    """Entities of ``kinds`` mentioned in the most articles together with ``entity``."""
    shared = (
        Mention.objects.filter(
            article_id__in=Mention.objects.filter(entity=entity).values("article_id"),
            entity__kind__in=kinds,
        )
        .exclude(entity=entity)
        .values("entity_id")
        .annotate(n=Count("article_id", distinct=True))
        .order_by("-n", "entity_id")[:limit]
    )
    counts = {row["entity_id"]: row["n"] for row in shared}
    entities = Entity.objects.in_bulk(list(counts))
    out = []
    for pk, n in counts.items():
        other = entities[pk]
        other.shared = n
        out.append(other)
    return out


def mention_timeline(entity_ids: Sequence[int]) -> tuple[dict[date, int], str]:
    """Articles per day (or per week when they span more than 90 days) mentioning the entities."""
    articles = articles_mentioning(entity_ids).filter(published_at__isnull=False).order_by()
    span = articles.aggregate(first=Min("published_at"), last=Max("published_at"))
    if span["first"] is None:
        return {}, "day"
    step = "week" if (span["last"] - span["first"]).days > 90 else "day"
    trunc = TruncWeek if step == "week" else TruncDay
    rows = (
        articles.annotate(period=trunc("published_at"))
        .values("period")
        .annotate(n=Count("id"))
        .order_by("period")
    )
    return {row["period"].date(): row["n"] for row in rows}, step


def related_articles(article: Article, *, limit: int = 5) -> list[Article]:
    """Articles sharing the most entities with ``article`` (rarer shared entities first)."""
    entity_ids = Mention.objects.filter(article=article).values("entity_id")
    rows = (
        Mention.objects.filter(entity_id__in=entity_ids)
        .exclude(article=article)
        .values("article_id")
        .annotate(n=Count("entity_id", distinct=True))
        .order_by("-n", "-article_id")[:limit]
    )
    shared = {row["article_id"]: row["n"] for row in rows}
    found = Article.objects.select_related("source").in_bulk(list(shared))
    out = []
    for pk, n in shared.items():
        found[pk].shared = n
        out.append(found[pk])
    return out


def entities_named(query: str, *, kinds: Sequence[str]) -> QuerySet[Entity]:
    """Entities of ``kinds`` whose name or a spelling of it matches ``query`` in any spelling."""
    entities = Entity.objects.filter(kind__in=kinds)
    key = nlp.entity_key(query)
    if not key:
        return entities
    # Every key, with and without the article, so الكويت finds كويت and vice versa; plus
    # trigram similarity for near spellings (غاني / غني).
    keys = {key, *search_keys(query)}
    condition = Q()
    for k in keys:
        condition |= Q(key__contains=k) | Q(aliases__key__contains=k)
    condition |= Q(key__trigram_similar=key)
    return entities.filter(condition).distinct()


def entity_suggestions(query: str, *, limit: int = 3) -> list[Entity]:
    """Entities named by the whole query (an attached clitic allowed), most-mentioned first."""
    keys = _name_keys(query)
    if not keys:
        return []
    ids = Alias.objects.filter(key__in=keys).values("entity_id")
    return list(
        Entity.objects.filter(Q(key__in=keys) | Q(pk__in=ids)).order_by("-article_count")[:limit]
    )


def _name_keys(query: str) -> set[str]:
    """Linking keys the query may stand for: as typed, and with a proclitic off its first word
    (والكويت → الكويت, لإيران → إيران)."""
    words = nlp.normalize_letters(query).split()
    if not words:
        return set()
    keys = {nlp.entity_key(" ".join(words))}
    for form, removed in clitic_analyses(words[0]):
        if removed:
            keys.add(nlp.entity_key(" ".join([form, *words[1:]])))
    return keys - {""}


@dataclass
class SearchHit:
    article: Article
    snippet: list[Segment]


def search_articles(
    query: str,
    *,
    source_id: int | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    entity_id: int | None = None,
) -> QuerySet[Article]:
    keys = search_keys(query)
    if not keys:
        return Article.objects.none()
    tsquery = SearchQuery(" ".join(keys), config="arabic", search_type="plain")
    articles = Article.objects.filter(search_vector=tsquery)
    if source_id:
        articles = articles.filter(source_id=source_id)
    if date_from:
        articles = articles.filter(published_at__date__gte=date_from)
    if date_to:
        articles = articles.filter(published_at__date__lte=date_to)
    if entity_id:
        articles = articles.filter(
            pk__in=Mention.objects.filter(entity_id=entity_id).values("article_id")
        )
    return (
        articles.annotate(rank=SearchRank(F("search_vector"), tsquery))
        .select_related("source")
        .defer("search_title", "search_body")
        .order_by("-rank", F("published_at").desc(nulls_last=True), "-id")
    )


def snippets(articles: Iterable[Article], query: str, *, width: int = 240) -> list[SearchHit]:
    """For each article, the sentence with the most query words, the words marked."""
    keys = set(search_keys(query))
    hits = []
    for article in articles:
        matches = match_positions(article.body, keys)
        best: tuple[int, int] = (0, min(len(article.body), width))
        if matches:
            per_sentence: dict[tuple[int, int], int] = defaultdict(int)
            bounds = nlp.sentence_bounds(article.body)
            for start, _ in matches:
                per_sentence[_sentence(bounds, start)] += 1
            best = max(per_sentence, key=lambda b: (per_sentence[b], -b[0]))
        start, end = best
        if end - start > width * 2:
            first = next((s for s, _ in matches if start <= s < end), start)
            start = max(start, first - width // 2)
            end = min(end, start + width * 2)
        marks = [Mark(s, e) for s, e in matches if start <= s and e <= end]
        hits.append(SearchHit(article, segments(article.body, start, end, marks)))
    return hits


def _sentence(bounds: Sequence[tuple[int, int]], offset: int) -> tuple[int, int]:
    for start, end in bounds:
        if start <= offset < end:
            return start, end
    return offset, offset
