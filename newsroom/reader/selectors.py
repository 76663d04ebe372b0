"""Read queries behind the reader pages. Each runs a fixed number of SQL statements."""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db import connections, transaction
from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import TruncDay

from newsroom import nlp
from newsroom.articles.models import Article
from newsroom.entities.models import Alias, ArticleEntity, Entity, Mention
from newsroom.nlp.search import first_match, match_positions, search_keys
from newsroom.nlp.text import clitic_analyses
from newsroom.reader import charts
from newsroom.reader.highlight import Mark, Segment, segments


def _appearances(entity_ids: Sequence[int]) -> QuerySet[ArticleEntity]:
    """Appearances of the first entity in articles that also name all the others."""
    first, *others = entity_ids
    rows = ArticleEntity.objects.filter(entity_id=first)
    for pk in others:
        rows = rows.filter(
            article_id__in=ArticleEntity.objects.filter(entity_id=pk).values("article_id")
        )
    return rows


def articles_mentioning(entity_ids: Sequence[int]) -> QuerySet[Article]:
    """Articles that mention every one of ``entity_ids``, newest first."""
    return (
        Article.objects.filter(pk__in=_appearances(entity_ids).values("article_id"))
        .newest_first()
        .select_related("source")
    )


def article_page(
    entity_ids: Sequence[int], number: str | None, *, per_page: int, count: int | None = None
) -> Page:
    """One page of the articles naming all of ``entity_ids``, newest first, read in index order
    from the appearances table; ``count`` spares counting when it is known."""
    ids = _appearances(entity_ids).order_by("-placed_at", "-article_id")
    paginator = (
        Paginator(ids.values_list("article_id", flat=True), per_page)
        if count is None
        else KnownCountPaginator(ids.values_list("article_id", flat=True), per_page, count=count)
    )
    page = paginator.get_page(number)
    wanted = list(page.object_list)
    found = Article.objects.select_related("source").in_bulk(wanted)
    page.object_list = [found[pk] for pk in wanted if pk in found]
    return page


def articles_together(entities: Sequence[Entity]) -> int:
    """How many articles name all of ``entities`` (cached under their article counts)."""
    return _cached("together", entities, _appearances([e.pk for e in entities]).count)


class KnownCountPaginator(Paginator):
    """A paginator told its count (an entity's stored article count) instead of counting."""

    def __init__(self, items, per_page: int, *, count: int) -> None:
        super().__init__(items, per_page)
        self._known_count = count

    @property
    def count(self) -> int:
        return self._known_count


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


# Aggregates over every article of an entity are the expensive part of its page (the most
# mentioned entity of a 20,000-article corpus appears in thousands). They are cached under a key
# that holds the entities' article counts, so a new article mentioning them computes them anew.
AGGREGATE_TIMEOUT = 6 * 3600


def digest(*parts) -> str:
    """A short key for what ``parts`` hold (their repr)."""
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def _cached(prefix: str, entities: Sequence[Entity], compute):
    key = ",".join(f"{e.pk}-{e.article_count}" for e in entities)
    if len(key) > 180:
        key = digest(key)
    return cache.get_or_set(f"{prefix}:{key}", compute, AGGREGATE_TIMEOUT)


def _co_mention_counts(entity: Entity, per_kind: int = 30) -> list[tuple[int, str, int]]:
    """(entity id, kind, shared articles) of the entities most often in ``entity``'s articles,
    the top ``per_kind`` of each kind."""

    def compute() -> list[tuple[int, str, int]]:
        rows = (
            ArticleEntity.objects.filter(
                article_id__in=ArticleEntity.objects.filter(entity=entity).values("article_id")
            )
            .exclude(entity=entity)
            .values_list("entity_id", "entity__kind")
            .annotate(n=Count("id"))
            .order_by("-n", "entity_id")
        )
        kept: list[tuple[int, str, int]] = []
        per: dict[str, int] = defaultdict(int)
        for pk, kind, n in rows.iterator(chunk_size=2000):
            if per[kind] < per_kind:
                per[kind] += 1
                kept.append((pk, kind, n))
        return kept

    return _cached("co-mentions", [entity], compute)


def co_mentioned(entity: Entity, *, kinds: Sequence[str], limit: int = 10) -> list[Entity]:
    """Entities of ``kinds`` mentioned in the most articles together with ``entity``."""
    top = [(pk, n) for pk, kind, n in _co_mention_counts(entity) if kind in kinds][:limit]
    entities = Entity.objects.in_bulk([pk for pk, _ in top])
    out = []
    for pk, n in top:
        if pk in entities:  # merged or rejected since the counts were cached
            other = entities[pk]
            other.shared = n
            out.append(other)
    return out


def mention_timeline(entities: Sequence[Entity]) -> tuple[dict[date, int], str]:
    """Articles per day (or per week when they span more than 90 days) mentioning all the
    entities; an undated article counts on the day it was received, as it is listed."""

    def compute() -> dict[date, int]:
        rows = (
            _appearances([e.pk for e in entities])
            .order_by()
            .annotate(day=TruncDay("placed_at"))
            .values_list("day")
            .annotate(n=Count("id"))
        )
        return {day.date(): n for day, n in rows}

    days = _cached("timeline", entities, compute)
    if not days or (max(days) - min(days)).days <= 90:
        return days, "day"
    weeks: dict[date, int] = defaultdict(int)
    for day, n in days.items():
        weeks[day - timedelta(days=day.weekday())] += n
    return dict(weeks), "week"


def timeline_chart(entities: Sequence[Entity]) -> tuple[charts.Timeline | None, str]:
    """The timeline chart of mention_timeline, and a digest of what it shows (the key of its
    rendered fragment), built once per change of the entities' article counts: over years of
    weeks, building the bars on every request grew with the archive."""

    def compute() -> tuple[charts.Timeline | None, str]:
        counts, step = mention_timeline(entities)
        return charts.timeline(counts, step=step), digest(sorted(counts.items()), step)

    return _cached("timeline-chart", entities, compute)


def related_articles(
    article: Article, entities: Sequence[Entity] | None = None, *, limit: int = 5
) -> list[Article]:
    """Articles sharing the most entities with ``article`` (rarer shared entities first).

    ``entities``: the article's entities, when the caller has them; the list is then cached
    under their article counts (a new article naming any of them computes it anew)."""

    def compute() -> list[tuple[int, int]]:
        rows = (
            ArticleEntity.objects.filter(
                entity_id__in=ArticleEntity.objects.filter(article=article).values("entity_id")
            )
            .exclude(article=article)
            .values_list("article_id")
            .annotate(n=Count("id"))
            .order_by("-n", "-article_id")[:limit]
        )
        return list(rows)

    if entities is None:
        shared = dict(compute())
    else:
        ordered = sorted(entities, key=lambda e: e.pk)
        shared = dict(_cached(f"related-{article.pk}-{limit}", ordered, compute))
    found = Article.objects.select_related("source").in_bulk(list(shared))
    out = []
    for pk, n in shared.items():
        if pk in found:  # deleted since cached
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
    # Two index lookups in one subquery (an OR across the tables would scan every entity).
    ids = (
        Alias.objects.filter(key__in=keys)
        .order_by()
        .values("entity_id")
        .union(
            Entity.objects.filter(kind__in=Entity.Kind.values, key__in=keys).order_by().values("pk")
        )
    )
    return list(Entity.objects.filter(pk__in=ids).order_by("-article_count")[:limit])


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


SEARCH_CANDIDATES = 200


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
) -> tuple[QuerySet[Article], int]:
    """Matching articles, ranked, and how many there are (at most SEARCH_CANDIDATES)."""
    keys = search_keys(query)
    if not keys:
        return Article.objects.none(), 0
    tsquery = SearchQuery(" ".join(keys), config="arabic", search_type="plain")
    articles = Article.objects.filter(search_vector=tsquery)
    if source_id:
        articles = articles.filter(source_id=source_id)
    if date_from:
        articles = articles.filter(placed_at__date__gte=date_from)
    if date_to:
        articles = articles.filter(placed_at__date__lte=date_to)
    if entity_id:
        articles = articles.filter(
            pk__in=Mention.objects.filter(entity_id=entity_id).values("article_id")
        )
    # Rank only the newest SEARCH_CANDIDATES matches (fetched once, so counting and paging do
    # not repeat the search): ranking reads each match's whole tsvector, and a common word
    # matches thousands of articles. The page says when the cap was reached.
    candidates = _newest_matches(articles, SEARCH_CANDIDATES)
    ranked = (
        Article.objects.filter(pk__in=candidates)
        .annotate(rank=SearchRank(F("search_vector"), tsquery))
        .select_related("source")
        .defer("search_title", "search_body")
        .order_by("-rank", "-placed_at", "-id")
    )
    return ranked, len(candidates)


# Up to this many estimated matches, the matches are read from the full-text index and sorted by
# date; beyond it, the articles are read newest first and checked one by one until enough match.
BITMAP_MAX_MATCHES = 5000


def _newest_matches(articles: QuerySet[Article], limit: int) -> list[int]:
    """Ids of the newest ``limit`` articles of a full-text query.

    PostgreSQL's cost model undercounts the check of a tsvector (read out of TOAST, about 6 µs
    an article): for a word in a few percent of the articles it walks the date index and
    checks thousands of articles (طهران: 22 ms on 20,000 articles), where the GIN index finds
    its few hundred matches in 3 ms. So the planner's own estimate of the matches picks the
    plan: the index walk for a very common word (its matches come soon), the GIN index
    otherwise, with the other plans switched off for this one query."""
    newest = articles.order_by("-placed_at", "-id")
    ids = newest.values_list("pk", flat=True)[:limit]
    alias = articles.db
    sql, params = articles.values("pk").query.sql_with_params()
    connection = connections[alias]
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    if plan[0]["Plan"]["Plan Rows"] > BITMAP_MAX_MATCHES:
        return list(ids)
    with transaction.atomic(using=alias), connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('enable_seqscan', 'off', true),"
            " set_config('enable_indexscan', 'off', true)"
        )
        return list(ids)


def snippets(articles: Iterable[Article], query: str, *, width: int = 240) -> list[SearchHit]:
    """For each article, the first body sentence with a query word, the words marked."""
    keys = set(search_keys(query))
    hits = []
    for article in articles:
        body = article.body
        found = first_match(body, keys)
        if found is None:  # matched in the title only: show the opening
            start, end = 0, min(len(body), width)
        else:
            start, end = _sentence(nlp.sentence_bounds(body), found[0])
            if end - start > width * 2:
                start = max(start, found[0] - width // 2)
                end = min(end, start + width * 2)
        marks = [Mark(s, e) for s, e in match_positions(body, keys, start, end)]
        hits.append(SearchHit(article, segments(body, start, end, marks)))
    return hits


def _sentence(bounds: Sequence[tuple[int, int]], offset: int) -> tuple[int, int]:
    for start, end in bounds:
        if start <= offset < end:
            return start, end
    return offset, offset
