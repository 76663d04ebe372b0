"""Link recognised spans to canonical entities and store them as mentions."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from django.db import connection

from newsroom import nlp
from newsroom.entities.models import Alias, ArticleEntity, Entity, LinkRule, Mention

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
            # The last word keyed on its own drops its ال, as the lone surname's key did:
            # الكاظمي alone joins مصطفى الكاظمي.
            candidates = [
                (j, full) for j, full in full_names if nlp.entity_key(full.split(" ")[-1]) == key
            ]
            before = [full for j, full in candidates if j < i]
            after = [full for j, full in candidates if j > i]
            if before:
                key = before[-1]
            elif after:
                key = after[0]
        linked.append(Linked(field, span, span.kind, key))
    return linked


def link_article(article, spans_by_field: Mapping[str, Sequence[nlp.Span]]) -> int:
    """Replace the article's mentions with those of ``spans_by_field`` (title and body spans).

    Curation decisions (``LinkRule``) come first; names they do not cover link by their key.
    Returns the number of mentions stored.
    """
    return link_articles([(article, spans_by_field)])


def link_articles(
    items: Sequence[tuple[object, Mapping[str, Sequence[nlp.Span]]]], *, fresh: bool = False
) -> int:
    """link_article for many articles at once, with a fixed number of queries; returns the
    number of mentions stored.

    ``fresh``: the articles were just created, so they have no mentions to replace.
    """
    lock_entities(exclusive=False)
    before: dict[int, set[int]] = {article.pk: set() for article, _ in items}
    if not fresh:
        appearances = ArticleEntity.objects.filter(article__in=list(before))
        for article_id, entity_id in appearances.values_list("article_id", "entity_id"):
            before[article_id].add(entity_id)
        Mention.objects.filter(article__in=list(before)).delete()
        appearances.delete()
    flat = [(article, item) for article, spans in items for item in resolve_in_document(spans)]
    decided = curated_targets([item for _, item in flat])
    # A rejected name (None) is dropped; a name without a decision (no entry) links by its key.
    kept = [
        (article, item, decided.get(i))
        for i, (article, item) in enumerate(flat)
        if decided.get(i, -1) is not None
    ]
    entities = _entities_for([item for _, item, target in kept if not target])
    targets = [target or entities[item.kind, item.key] for _, item, target in kept]
    aliases = _aliases_for(
        [(pk, item.span.text) for pk, (_, item, _) in zip(targets, kept, strict=True)]
    )
    bounds: dict[tuple[int, str], list[tuple[int, int]]] = {}
    mentions = []
    per_entity: dict[int, Counter[int]] = {article.pk: Counter() for article, _ in items}
    for entity_id, (article, item, _) in zip(targets, kept, strict=True):
        field_bounds = bounds.get((article.pk, item.field))
        if field_bounds is None:
            text = getattr(article, item.field)
            field_bounds = bounds[article.pk, item.field] = nlp.sentence_bounds(text)
        mentions.append(
            (
                article.pk,
                entity_id,
                aliases[entity_id, item.span.text],
                item.field,
                item.span.start,
                item.span.end,
                *_sentence_of(field_bounds, item.span.start),
            )
        )
        per_entity[article.pk][entity_id] += 1
    insert_rows(Mention, MENTION_COLUMNS, mentions)
    insert_rows(
        ArticleEntity,
        APPEARANCE_COLUMNS,
        [
            (article.pk, pk, article.published_at or article.created_at, count)
            for article, _ in items
            for pk, count in per_entity[article.pk].items()
        ],
    )
    shift: Counter[int] = Counter()
    for article, _ in items:
        now, was = set(per_entity[article.pk]), before[article.pk]
        shift.update(now - was)
        shift.subtract(was - now)
    _shift_counts(shift)
    return len(mentions)


MENTION_COLUMNS = (
    "article_id",
    "entity_id",
    "alias_id",
    "field",
    "start",
    "end",
    "sentence_start",
    "sentence_end",
)
APPEARANCE_COLUMNS = ("article_id", "entity_id", "placed_at", "mentions")


def insert_rows(model, columns: Sequence[str], rows: Sequence[tuple]) -> None:
    """Insert rows (tuples in the order of ``columns``) with COPY, without model instances (the
    many mentions of a batch of articles: bulk_create would build an object per row)."""
    if not rows:
        return
    meta, quote = model._meta, connection.ops.quote_name
    names = ", ".join(quote(meta.get_field(c).column) for c in columns)
    statement = f"COPY {quote(meta.db_table)} ({names}) FROM STDIN"
    with (
        connection.cursor() as cursor,
        connection.wrap_database_errors,
        cursor.copy(statement) as copy,
    ):
        for row in rows:
            copy.write_row(row)


def _shift_counts(shift: Mapping[int, int]) -> None:
    """Add to each entity's article count the articles it gained (or lost, when negative)."""
    changed = sorted(pk for pk, delta in shift.items() if delta)
    if not changed:
        return
    # Rows locked in one order, so that two writers never wait on each other crosswise.
    list(Entity.objects.filter(pk__in=changed).order_by("pk").select_for_update().values("pk"))
    table = Entity._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} e SET article_count = greatest(e.article_count + d.delta, 0)"
            f" FROM unnest(%s::bigint[], %s::int[]) AS d(id, delta) WHERE e.id = d.id",
            [changed, [shift[pk] for pk in changed]],
        )


def curated_targets(linked: Sequence[Linked]) -> dict[int, int | None]:
    """Entity id that curation chose for each item (by index), in one query; None: rejected.

    A rule on the span's own spelling (an alias split off) wins over one on the key it links by
    (a merge, a change of kind, a rejection); a rule for its kind wins over one for every kind.
    Items without a rule are left out and link by their key.
    """
    if not linked:
        return {}
    spellings = [nlp.entity_key(item.span.text) for item in linked]
    rules = {
        (rule.match, rule.kind, rule.key): rule.entity_id
        for rule in LinkRule.objects.filter(key__in={*spellings, *(i.key for i in linked)})
    }
    if not rules:
        return {}
    out: dict[int, int | None] = {}
    for i, item in enumerate(linked):
        for rule_key in (
            (LinkRule.Match.SPELLING, item.kind, spellings[i]),
            (LinkRule.Match.SPELLING, "", spellings[i]),
            (LinkRule.Match.NAME, item.kind, item.key),
            (LinkRule.Match.NAME, "", item.key),
        ):
            if rule_key in rules:
                out[i] = rules[rule_key]
                break
    return out


def _entities_for(linked: Sequence[Linked]) -> dict[tuple[str, str], int]:
    """Entity id of each (kind, key), created where missing."""
    if not linked:
        return {}
    # Name a new entity after its first spelling that is the whole name, not a clipped form.
    names: dict[tuple[str, str], str] = {}
    for item in linked:
        if nlp.entity_key(item.span.text) == item.key:
            names.setdefault((item.kind, item.key), item.span.text)
    for item in linked:
        names.setdefault((item.kind, item.key), item.span.text)
    rows = [(kind, key, name) for (kind, key), name in sorted(names.items())]
    table = connection.ops.quote_name(Entity._meta.db_table)
    wanted = "SELECT w->>0 AS kind, w->>1 AS key, w->>2 AS name FROM json_array_elements(%s) w"
    found = _found_or_created(
        f"WITH wanted AS ({wanted}), added AS ("
        f" INSERT INTO {table} (kind, key, name, article_count, created_at)"
        f" SELECT kind, key, name, 0, now() FROM wanted"
        f" ON CONFLICT (kind, key) DO NOTHING RETURNING id, kind, key)"
        f" SELECT id, kind, key FROM added UNION ALL"
        f" SELECT e.id, e.kind, e.key FROM {table} e JOIN wanted USING (kind, key)",
        f"SELECT e.id, e.kind, e.key FROM {table} e JOIN ({wanted}) wanted USING (kind, key)",
        rows,
    )
    return {(kind, key): pk for pk, kind, key in found}


def _aliases_for(wanted_pairs: Iterable[tuple[int, str]]) -> dict[tuple[int, str], int]:
    """Alias id of each (entity id, spelling), created where missing."""
    rows = [(pk, text, nlp.entity_key(text)) for pk, text in sorted(set(wanted_pairs))]
    if not rows:
        return {}
    table = connection.ops.quote_name(Alias._meta.db_table)
    wanted = (
        "SELECT (w->>0)::bigint AS entity_id, w->>1 AS text, w->>2 AS key"
        " FROM json_array_elements(%s) w"
    )
    found = _found_or_created(
        f"WITH wanted AS ({wanted}), added AS ("
        f" INSERT INTO {table} (entity_id, text, key) SELECT entity_id, text, key FROM wanted"
        f" ON CONFLICT (entity_id, text) DO NOTHING RETURNING id, entity_id, text)"
        f" SELECT id, entity_id, text FROM added UNION ALL"
        f" SELECT a.id, a.entity_id, a.text FROM {table} a JOIN wanted USING (entity_id, text)",
        f"SELECT a.id, a.entity_id, a.text FROM {table} a"
        f" JOIN ({wanted}) wanted USING (entity_id, text)",
        rows,
    )
    return {(entity_id, text): pk for pk, entity_id, text in found}


def _found_or_created(upsert: str, select: str, rows: Sequence[tuple]) -> list[tuple]:
    """Run ``upsert``: one statement that inserts the missing ``rows`` and returns one row for
    each of them, new or old. The rows go over as one JSON document, far cheaper to send than
    a model instance or an array element per value.

    A row that another transaction inserted after the statement began is skipped by the insert
    and unseen by its select; then ``select`` (the same rows, looked up) runs after it."""
    document = json.dumps(rows, ensure_ascii=False)
    with connection.cursor() as cursor:
        cursor.execute(upsert, [document])
        found = cursor.fetchall()
        if len(found) < len(rows):
            cursor.execute(select, [document])
            found = cursor.fetchall()
    return found


def _sentence_of(bounds: Sequence[tuple[int, int]], offset: int) -> tuple[int, int]:
    for start, end in bounds:
        if start <= offset < end:
            return start, end
    return offset, offset


def refresh_placed_at(article_ids: Iterable[int]) -> int:
    """Copy the articles' placed_at into their appearances again (after their date was edited);
    how many appearances changed."""
    ids = sorted(set(article_ids))
    if not ids:
        return 0
    appearance = ArticleEntity._meta.db_table
    article = ArticleEntity._meta.get_field("article").related_model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {appearance} x SET placed_at = a.placed_at FROM {article} a"
            f" WHERE a.id = x.article_id AND a.id = ANY(%s) AND x.placed_at <> a.placed_at",
            [ids],
        )
        return cursor.rowcount


def refresh_article_counts(entity_ids: Iterable[int]) -> None:
    """Rebuild these entities' appearances from their mentions and recount their articles (after
    curation moved or removed mentions wholesale)."""
    ids = sorted(set(entity_ids))
    if not ids:
        return
    appearance = ArticleEntity._meta.db_table
    mention = Mention._meta.db_table
    article = Mention._meta.get_field("article").related_model._meta.db_table
    entity = Entity._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {appearance} WHERE entity_id = ANY(%s)", [ids])
        cursor.execute(
            f"INSERT INTO {appearance} (article_id, entity_id, placed_at, mentions)"
            f" SELECT m.article_id, m.entity_id, a.placed_at, count(*)"
            f" FROM {mention} m JOIN {article} a ON a.id = m.article_id"
            f" WHERE m.entity_id = ANY(%s) GROUP BY m.article_id, m.entity_id, a.placed_at",
            [ids],
        )
        cursor.execute(
            f"UPDATE {entity} e SET article_count ="
            f" (SELECT count(*) FROM {appearance} x WHERE x.entity_id = e.id)"
            f" WHERE e.id = ANY(%s)",
            [ids],
        )


# Curation and linking exclude each other: a merge must not interleave with an article being
# linked to one of the merged entities. Linkings share the lock; a curation takes it alone.
_ENTITIES_LOCK = 0x6E65_7773_726F  # arbitrary, constant


def lock_entities(*, exclusive: bool) -> None:
    """Take the curation lock until the end of the current transaction."""
    function = "pg_advisory_xact_lock" if exclusive else "pg_advisory_xact_lock_shared"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {function}(%s)", [_ENTITIES_LOCK])
