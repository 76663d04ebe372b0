"""Link recognised spans to canonical entities and store them as mentions."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce

from newsroom import nlp
from newsroom.entities.models import Alias, Entity, Mention

# Fields in reading order: a name in the title counts as "before" one in the body.
FIELD_ORDER = ("title", "body")


@dataclass(frozen=True, slots=True)
class Linked:
    field: str
    span: nlp.Span
    kind: str
    key: str


def resolve_in_document(spans_by_field: Mapping[str, Sequence[nlp.Span]]) -> list[Linked]:
    """Give every span the (kind, key) of the entity it names within one article.

    A person named by one word (سليماني) joins a longer name of that article ending in the same
    word (قاسم سليماني): the nearest one before it, else the first one after it.
    """
    ordered = [(field, span) for field in FIELD_ORDER for span in spans_by_field.get(field, ())]
    full_names = [
        (i, span.norm)
        for i, (_, span) in enumerate(ordered)
        if span.kind == "PERS" and " " in span.norm
    ]
    linked = []
    for i, (field, span) in enumerate(ordered):
        key = span.norm
        if span.kind == "PERS" and " " not in key:
            candidates = [(j, full) for j, full in full_names if full.split(" ")[-1] == key]
            before = [full for j, full in candidates if j < i]
            after = [full for j, full in candidates if j > i]
            if before:
                key = before[-1]
            elif after:
                key = after[0]
        linked.append(Linked(field, span, span.kind, key))
    return linked


def link_article(article, spans_by_field: Mapping[str, Sequence[nlp.Span]]) -> list[Mention]:
    """Replace the article's mentions with those of ``spans_by_field`` (title and body spans)."""
    Mention.objects.filter(article=article).delete()
    linked = resolve_in_document(spans_by_field)
    if not linked:
        return []

    entities = _entities_for(linked)
    aliases = _aliases_for(linked, entities)
    texts = {"title": article.title, "body": article.body}
    bounds = {field: nlp.sentence_bounds(text) for field, text in texts.items()}
    mentions = []
    for item in linked:
        entity = entities[item.kind, item.key]
        sentence = _sentence_of(bounds[item.field], item.span.start)
        mentions.append(
            Mention(
                article=article,
                entity=entity,
                alias=aliases[entity.pk, item.span.text],
                field=item.field,
                start=item.span.start,
                end=item.span.end,
                sentence_start=sentence[0],
                sentence_end=sentence[1],
            )
        )
    Mention.objects.bulk_create(mentions)
    refresh_article_counts(entity.pk for entity in entities.values())
    return mentions


def _entities_for(linked: Sequence[Linked]) -> dict[tuple[str, str], Entity]:
    # Name a new entity after its first spelling that is the whole name, not a clipped form.
    names: dict[tuple[str, str], str] = {}
    for item in linked:
        if nlp.entity_key(item.span.text) == item.key:
            names.setdefault((item.kind, item.key), item.span.text)
    for item in linked:
        names.setdefault((item.kind, item.key), item.span.text)
    Entity.objects.bulk_create(
        [Entity(kind=kind, key=key, name=name) for (kind, key), name in names.items()],
        ignore_conflicts=True,
    )
    found = Entity.objects.filter(key__in={key for _, key in names}, kind__in={k for k, _ in names})
    return {(e.kind, e.key): e for e in found if (e.kind, e.key) in names}


def _aliases_for(
    linked: Sequence[Linked], entities: Mapping[tuple[str, str], Entity]
) -> dict[tuple[int, str], Alias]:
    wanted = {(entities[item.kind, item.key].pk, item.span.text) for item in linked}
    Alias.objects.bulk_create(
        [Alias(entity_id=pk, text=text, key=nlp.entity_key(text)) for pk, text in wanted],
        ignore_conflicts=True,
    )
    found = Alias.objects.filter(
        entity_id__in={pk for pk, _ in wanted}, text__in={text for _, text in wanted}
    )
    return {(a.entity_id, a.text): a for a in found}


def _sentence_of(bounds: Sequence[tuple[int, int]], offset: int) -> tuple[int, int]:
    for start, end in bounds:
        if start <= offset < end:
            return start, end
    return offset, offset


def refresh_article_counts(entity_ids: Iterable[int]) -> None:
    """Recount, in one statement, how many articles mention each of these entities."""
    ids = list(entity_ids)
    counts = (
        Mention.objects.filter(entity=OuterRef("pk"))
        .order_by()
        .values("entity")
        .annotate(n=Count("article", distinct=True))
        .values("n")
    )
    Entity.objects.filter(pk__in=ids).update(article_count=Coalesce(Subquery(counts), 0))
