"""Link recognised spans to canonical entities and store them as mentions."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from django.db import connection

from newsroom import nlp
from newsroom.entities.models import Alias, ArticleEntity, Entity, LinkRule, Mention
from newsroom.nlp import resolve
from newsroom.nlp.cleanup import is_head_word, is_nisba_of_place, is_titled_key
from newsroom.nlp.knowledge import is_given_name, is_name_unit, place_keys

# Fields in reading order: a name in the title counts as "before" one in the body.
FIELD_ORDER = ("title", "body")


@dataclass(frozen=True, slots=True)
class Linked:
    field: str
    span: nlp.Span
    kind: str
    key: str  # the resolution key the name links by
    doc_key: str = ""  # the key before resolution (curation rules made on older keys match it)
    pending: bool = False  # a short name of a person the article does not explain (see below)
    handle: str = ""  # the short name's own key, when the article explained it (Mention.handle)


def resolve_in_document(
    spans_by_field: Mapping[str, Sequence[nlp.Span]], texts: Mapping[str, str] | None = None
) -> list[Linked]:
    """Give every span the (kind, key) of the entity it names within one article.

    Keys are resolution keys (``nlp.resolve``: spelling, spacing, patronymic chains, descriptor
    heads, the table of well-known names). Then, inside the article:

    * one name has one kind (the kind most of its spans have; a one-word name that is the
      surname of a person named in full is that person's);
    * a person's name of several words joins a longer one with the same first and last words
      (أحمد بن دغر: أحمد عبيد بن دغر), an organisation's the one longer name it begins or ends
      (أتلتيكو: أتلتيكو مدريد);
    * an organisation's name without the country adjective it had elsewhere in the article
      (وزارة الصحة, وزارة الصحة السعودية) names the same organisation;
    * a one-word name in brackets right after an organisation's or event's longer name is its
      abbreviation and names the same entity (تنظيم الدولة الإسلامية (داعش));
    * a person named by one word joins a longer name of the article: a surname (سليماني) the
      name ending in it (قاسم سليماني; never a father's name: سلمان is not محمد بن سلمان), a given
      name (سلمان), bare or with its title (الملك سلمان), the name starting with it; the nearest
      one before it, else the first after;
    * a bare given name that joins nothing is not a name of its own and is dropped; a surname
      or a titled given name that joins nothing is ``pending``: linking asks the archive whom
      it means.

    A short name the article explained keeps its own key as the mention's ``handle``: the
    archive's evidence for articles that use it alone.
    """
    ordered = [(field, span) for field in FIELD_ORDER for span in spans_by_field.get(field, ())]
    ordered = _one_kind_per_name(ordered)
    keys = [resolve.resolution_key(span.kind, span.norm) for _, span in ordered]
    full_names = [
        (i, keys[i].split(" "))
        for i, (_, span) in enumerate(ordered)
        if span.kind == "PERS" and " " in keys[i] and not is_titled_key(keys[i])
    ]
    last_words = {words[-1] for _, words in full_names}
    # An organisation named with its country's adjective (وزارة الصحة السعودية) once: the
    # same name without it (وزارة الصحة) is the same organisation in that article.
    national = {
        (span.kind, keys[i].rsplit(" ", 1)[0]): keys[i]
        for i, (_, span) in enumerate(ordered)
        if span.kind in ("ORG", "MISC")
        and keys[i].count(" ") >= 2
        and is_nisba_of_place(keys[i].rsplit(" ", 1)[1])
    }
    linked = []
    for i, (field, span) in enumerate(ordered):
        kind, key, pending, handle = span.kind, keys[i], False, ""
        before = _bracketed_after(ordered, i, texts)
        if before is not None:
            kind, key, handle = ordered[before][1].kind, keys[before], key
        elif (kind, key) in national:
            key, handle = national[kind, key], key
        elif kind in ("ORG", "MISC") and (longer := _longer_name(ordered, keys, i)) is not None:
            key, handle = keys[longer], key
        elif kind == "PERS" and " " in key and not is_short_name(key):
            # أحمد بن دغر in an article that names أحمد عبيد بن دغر: the same person
            found = [j for j, words in full_names if j != i and explains(key, " ".join(words))]
            if found:
                earlier = [j for j in found if j < i]
                key, handle = keys[earlier[-1] if earlier else found[0]], key
        elif kind == "PERS" and (" " not in key or is_titled_key(key) or _is_patronym(key)):
            titled = is_titled_key(key)
            name = key.split(" ")[-1] if titled else key
            by_first = [j for j, words in full_names if words[0] == name and j != i]
            # a first name no table knows (ميلانيا) is one where the article names the person
            # in full with it, and ends no name there
            given = titled or is_given_name(name) or bool(by_first) and name not in last_words
            by_last = [j for j, words in full_names if explains(key, " ".join(words))]
            found = (by_first or ([] if titled else by_last)) if given else by_last
            if found:
                earlier = [j for j in found if j < i]
                key, handle = keys[earlier[-1] if earlier else found[0]], key
            elif given and not titled:
                continue
            else:
                pending = True
        linked.append(Linked(field, span, kind, key, span.norm, pending, handle))
    return linked


def explains(short: str, full: str) -> bool:
    """Whether the person keyed ``full`` can be the one a short name (key ``short``) stands
    for: a surname is its last name, never its father's (سلمان is not محمد بن سلمان); a first
    name that no table knows as a name unit the first of two (ميلانيا ترامب); a titled
    given name (الملك سلمان) its first; a name of several words the same name with middle
    names left out (أحمد بن دغر: أحمد عبيد بن دغر; never a patronymic chain cut: محمد بن
    سلمان is not محمد بن عبدالله بن سلمان, nor سيرغي سكريبال سيرغي ويوليا سكريبال)."""
    words = full.split(" ")
    if len(words) < 2:
        return False
    if is_titled_key(short):
        return words[0] == short.split(" ")[1]
    if _is_patronym(short):  # بن سلمان: محمد بن سلمان
        return len(words) >= 3 and words[-2:] == short.split(" ")
    if " " in short:
        parts = short.split(" ")
        tail = len(parts) - 1
        dropped = words[1:-tail]
        return (
            len(words) > len(parts)
            and words[0] == parts[0]
            and words[-tail:] == parts[1:]
            and words[-tail - 1] not in resolve.PATRONYMIC
            # a chain of fathers is cut only where the short name has none (عادل الجبير:
            # عادل بن أحمد الجبير)
            and not (
                any(w in resolve.PATRONYMIC for w in parts)
                and any(w in resolve.PATRONYMIC for w in dropped)
            )
            # nor is another person named beside him (سيرغي ويوليا سكريبال)
            and not any(w.startswith("و") and not is_name_unit(w) for w in dropped)
        )
    if len(words) == 2 and words[0] == short and not is_name_unit(short):
        return True  # a first name no table knows (ميلانيا: ميلانيا ترامب)
    return nlp.entity_key(words[-1]) == short and words[-2] not in resolve.PATRONYMIC


def _one_kind_per_name(
    ordered: list[tuple[str, nlp.Span]],
) -> list[tuple[str, nlp.Span]]:
    """One name, one kind in an article: spans of one spelling marked with several kinds take
    the kind most of them have (the first one's on a tie: أرسنال ORG three times, PERS once),
    and a one-word name that is the surname of a person the article names in full is that
    person's (سكريبال beside سيرغي سكريبال), unless it is a listed name; so is one that is the
    first name of such a person (ميلانيا beside ميلانيا ترامب), unless it is a place too."""
    kinds: dict[str, list[str]] = {}
    for _, span in ordered:
        kinds.setdefault(span.norm, []).append(span.kind)
    pairs = [
        span.norm.split(" ")
        for _, span in ordered
        if span.kind == "PERS" and span.norm.count(" ") == 1 and not is_titled_key(span.norm)
    ]
    surnames = {words[-1] for words in pairs}
    firsts = {words[0] for words in pairs} - surnames
    wanted: dict[str, str] = {}
    for norm, seen in kinds.items():
        if (
            " " not in norm
            and "PERS" not in seen
            and (norm in surnames or norm in firsts and norm not in place_keys())
            and not is_listed(norm)
        ):
            wanted[norm] = "PERS"
        elif len(set(seen)) > 1:
            # on a tie a one-word name is rather not a person's (one word names nobody)
            order = sorted(dict.fromkeys(seen), key=lambda k: " " not in norm and k == "PERS")
            wanted[norm] = max(order, key=seen.count)
    if not wanted:
        return ordered
    return [
        (field, span if wanted.get(span.norm, span.kind) == span.kind else _with_kind(span, wanted))
        for field, span in ordered
    ]


def _with_kind(span: nlp.Span, wanted: Mapping[str, str]) -> nlp.Span:
    return nlp.Span(span.start, span.end, wanted[span.norm], span.text, span.norm)


def is_listed(key: str) -> bool:
    """A known place's or a listed name's key."""
    return key in place_keys() or resolve.known_keys_any(key)


def is_head(word: str) -> bool:
    """An organisation's or place's head word, with or without the article (الجيش، وزارة)."""
    bare = word[2:] if word.startswith("ال") else word
    return is_head_word(word) or bare in resolve.ORG_HEADS


def _longer_name(
    ordered: Sequence[tuple[str, nlp.Span]], keys: Sequence[str], i: int
) -> int | None:
    """Index of the one longer organisation's name of the article that span ``i`` shortens:
    its first or last words (أتلتيكو: أتلتيكو مدريد; سان جرمان: باريس سان جرمان) when it has a
    word that is no ordinary word nor a head (not الاتحاد), or all of it but its last word when
    it has two words or more and does not begin with a head (منظمة حظر الأسلحة; not الجيش
    السوري). Never a listed name or place."""
    kind, key = ordered[i][1].kind, keys[i]
    words = key.split(" ")
    if is_listed(key):
        return None
    n = len(words)
    proper = any(resolve.is_proper_org_word(w) for w in words)
    # A name of ordinary words cut before its last one (منظمة حظر الأسلحة: منظمة حظر الأسلحة
    # الكيميائية), unless it begins with a head (الجيش السوري is not الجيش السوري الحر).
    cut = n >= 2 and not is_head(words[0])
    if not (proper or cut):
        return None
    found = {
        keys[j]: j
        for j, (_, span) in enumerate(ordered)
        if span.kind == kind
        and keys[j] != key
        and (
            (
                proper
                and keys[j].count(" ") >= n
                and (keys[j].split(" ")[:n] == words or keys[j].split(" ")[-n:] == words)
            )
            or (cut and keys[j].count(" ") == n and keys[j].split(" ")[:n] == words)
        )
    }
    if len(found) != 1:
        return None
    return next(iter(found.values()))


def _is_patronym(key: str) -> bool:
    """A person named by a father's name alone (بن سلمان)."""
    words = key.split(" ")
    return len(words) == 2 and words[0] in resolve.PATRONYMIC


def is_short_name(key: str) -> bool:
    """A person's name that stands for a longer one: one word, a titled given name, بن X."""
    return " " not in key or is_titled_key(key) or _is_patronym(key)


def _bracketed_after(
    ordered: Sequence[tuple[str, nlp.Span]], i: int, texts: Mapping[str, str] | None
) -> int | None:
    """Index of the name that span ``i`` abbreviates: ``<name> (<span>)`` in one field, an
    organisation or event of two words or more, then one word of the same kind in brackets, or
    Latin letters spelt out as short Arabic words (إف بي آي)."""
    if texts is None or i == 0 or ordered[i - 1][0] != ordered[i][0]:
        return None
    text = texts.get(ordered[i][0], "")
    prev, span = ordered[i - 1][1], ordered[i][1]
    if (
        prev.kind == span.kind
        and span.kind in ("ORG", "MISC")
        and " " in prev.norm
        and (" " not in span.norm or _spelt_letters(span.norm))
        and text[prev.end : span.start].strip() == "("
        and text[span.end : span.end + 1] == ")"
    ):
        return i - 1
    return None


# An abbreviation of Latin letters spelt out in Arabic (إف بي آي، سي آي إيه): a few short words.
SPELT_LETTERS_MAX_WORDS = 4
SPELT_LETTER_MAX_LENGTH = 3


def _spelt_letters(norm: str) -> bool:
    words = norm.split(" ")
    return len(words) <= SPELT_LETTERS_MAX_WORDS and all(
        len(w) <= SPELT_LETTER_MAX_LENGTH for w in words
    )


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
    flat = [
        (article, item)
        for article, spans in items
        for item in resolve_in_document(spans, {f: getattr(article, f) for f in FIELD_ORDER})
    ]
    decided = curated_targets([item for _, item in flat])
    flat = _resolve_pending(flat, decided)
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
                item.handle,
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
    "handle",
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
        for rule in LinkRule.objects.filter(
            key__in={*spellings, *(i.key for i in linked), *(i.doc_key for i in linked)}
        )
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
            (LinkRule.Match.NAME, item.kind, item.doc_key),
            (LinkRule.Match.NAME, "", item.doc_key),
        ):
            if rule_key in rules:
                out[i] = rules[rule_key]
                break
    return out


# A short name of a person means the person whose full name it joined in other articles when
# at least this many of those articles, and this share of them, explained it as that person.
ARCHIVE_MIN_MENTIONS = 3
ARCHIVE_MIN_SHARE = 0.8


def _resolve_pending(flat: list, decided: Mapping[int, int | None]) -> list:
    """Items whose short name the archive explains get its full name's key. The others keep
    their own key if they are a known surname or a titled given name (the archive may explain
    them later: ``resolution.resolve_archive``), and are dropped otherwise (a common word the
    tagger took for a name). Names with a curation rule are left to it."""
    pending = {item.key for i, (_, item) in enumerate(flat) if item.pending and i not in decided}
    meant = archive_meanings(pending, kind="PERS") if pending else {}
    unplaced = {
        key for key in pending - set(meant) if not (is_titled_key(key) or is_name_unit(key))
    }
    elsewhere = _other_kinds(unplaced, kind="PERS")
    out = []
    for i, (article, item) in enumerate(flat):
        if item.pending and i not in decided:
            key = meant.get(item.key)
            if key is None and item.key in elsewhere:
                # أرسنال taken for a person once: the organisation the archive knows
                item = Linked(item.field, item.span, elsewhere[item.key], item.key, item.doc_key)
            elif key is None and not (is_titled_key(item.key) or is_name_unit(item.key)):
                continue
            else:
                item = Linked(item.field, item.span, item.kind, key or item.key, item.doc_key)
        out.append((article, item))
    return out


def _other_kinds(keys: Iterable[str], *, kind: str) -> dict[str, str]:
    """For each key, the kind of the largest entity of another kind stored under it."""
    keys = sorted(set(keys))
    if not keys:
        return {}
    rows = (
        Entity.objects.filter(key__in=keys, article_count__gt=0)
        .exclude(kind=kind)
        .order_by("key", "-article_count", "pk")
        .values_list("key", "kind")
    )
    out: dict[str, str] = {}
    for key, other in rows:
        out.setdefault(key, other)
    return out


def archive_meanings(keys: Iterable[str], *, kind: str) -> dict[str, str]:
    """For one-word names (keys), the key of the one entity of ``kind`` whose longer name they
    stood for in the archive's articles, where the evidence is strong enough."""
    counts = handle_evidence(keys, kind=kind)
    out = {}
    for key, by_entity in counts.items():
        best = dominant(by_entity)
        if best is not None:
            out[key] = best[1]
    return out


def handle_evidence(keys: Iterable[str], *, kind: str) -> dict[str, dict[tuple[int, str], int]]:
    """For each short name (by key): the articles in which it was explained as each entity of
    ``kind`` (by (id, key)), from the mentions' handles."""
    keys = sorted(set(keys))
    if not keys:
        return {}
    entity, mention = (m._meta.db_table for m in (Entity, Mention))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT m.handle, e.id, e.key, count(DISTINCT m.article_id) FROM {mention} m"
            f" JOIN {entity} e ON e.id = m.entity_id"
            f" WHERE m.handle = ANY(%s) AND e.kind = %s AND e.key <> m.handle"
            f" GROUP BY m.handle, e.id, e.key",
            [keys, kind],
        )
        rows = cursor.fetchall()
    out: dict[str, dict[tuple[int, str], int]] = {}
    for key, pk, entity_key, count in rows:
        if kind == "PERS" and not explains(key, entity_key):
            continue
        out.setdefault(key, {})[pk, entity_key] = count
    return out


def dominant(by_entity: Mapping[tuple[int, str], int]) -> tuple[int, str] | None:
    """The (id, key) holding enough of the evidence by itself, or None."""
    if not by_entity:
        return None
    best, count = max(by_entity.items(), key=lambda kv: (kv[1], -kv[0][0]))
    if count >= ARCHIVE_MIN_MENTIONS and count >= ARCHIVE_MIN_SHARE * sum(by_entity.values()):
        return best
    return None


def _entities_for(linked: Sequence[Linked]) -> dict[tuple[str, str], int]:
    """Entity id of each (kind, key), created where missing."""
    if not linked:
        return {}
    # Name a new entity after its first spelling that is the whole name, not a clipped form.
    names: dict[tuple[str, str], str] = {}
    for item in linked:
        if known := resolve.known_name(item.kind, item.key):
            names.setdefault((item.kind, item.key), known)
    for item in linked:
        if nlp.entity_key(item.span.text) == item.key:
            names.setdefault((item.kind, item.key), item.span.text)
    for item in linked:
        names.setdefault((item.kind, item.key), _display_name(item))
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


def _display_name(item: Linked) -> str:
    """A name for a new entity from a span that is not its whole name: the article's alef back
    where the recogniser cut ل + ال (لتحالف الدولي → التحالف الدولي)."""
    text = item.span.text
    if text.startswith("ل") and nlp.entity_key("ا" + text) == nlp.entity_key(item.span.norm):
        return "ا" + text
    return text


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
