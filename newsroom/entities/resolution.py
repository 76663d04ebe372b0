"""Resolution over the whole archive: one entity per real-world actor or place.

Linking gives each name its resolution key (``nlp.resolve``) and settles what one article says.
What only the archive can say is settled here, by :func:`resolve_archive`, after imports and as
a background run (``ReannotationRun`` with scope *resolve*):

1. **Keys.** Entities stored under older keys get today's resolution key; entities that now share
   a key are merged (محمد بن نايف بن عبد العزيز into محمد بن نايف, أمريكا into الولايات المتحدة).
2. **Archive evidence.** A person's short name, a surname (أوباما) or a titled given name
   (الملك سلمان), that the articles explaining it gave as one person's full name (باراك أوباما)
   in at least ``ARCHIVE_MIN_MENTIONS`` articles and ``ARCHIVE_MIN_SHARE`` of them is merged into
   that person; so is any other name that the articles gave as another entity's abbreviation
   (… (داعش)). A given name alone is
   never merged (محمد is many people), nor a father's name (سلمان is not محمد بن سلمان).

3. **Spellings of one foreign name.** Entities whose names have, word by word, the same
   consonants (weak letters dropped, letters that transliterations swap folded: بوتين / بوتن,
   رينزي / رنزي) and the same last letter are merged when each differing word is unknown as an
   Arabic name on one side at least, so that حسن and حسين, two Arabic names, stay two people.
   Names of one word are left alone, but for persons' surnames unknown as Arabic names and
   places' and organisations' names of five letters or more that differ by one vowel letter
   inside the word at most (تشيلسي / تشلسي, كتالونيا / كاتالونيا; not نيويورك / النرويج).
   ch may be written تش or ش (منوتشين / منوشين).
4. **Other evidence** (docs/resolution.md): a short name's two full names that differ by a given
   name and its short form (جيم / جيمس ماتيس); a rare family name with and without middle names
   (أحمد بن دغر / أحمد عبيد بن دغر); a place or organisation the evidence gives as a person's
   surname (سكريبال); one name stored with several kinds, or in two words and in one
   (بيونغ يانغ / بيونغيانغ); a name whose first word kept a proclitic (وكيليان مبابي, لأرسنال)
   and the much larger page of the same name without it; a name the recogniser cut a word
   short (مون جاي, حزب العدالة) and the name of one word more that the text goes on with after
   most of its mentions (مون جاي إن, حزب العدالة والتنمية).

Editorial decisions stand: an entity an editor split off or marked "not the same" as another is
never merged automatically, rules made by editors are kept, and an automatic merge leaves an
automatic ``LinkRule`` (so new articles link the same way) and a redirect from the old page.
Running it twice changes nothing the second time.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import partial

import regex
from django.db import connection, transaction
from django.utils.translation import ngettext

from newsroom import nlp
from newsroom.articles.models import Article
from newsroom.entities import suggestions
from newsroom.entities.linking import (
    dominant,
    explains,
    handle_evidence,
    is_listed,
    is_short_name,
    lock_entities,
    refresh_article_counts,
)
from newsroom.entities.models import (
    Alias,
    CurationLog,
    DistinctPair,
    Entity,
    LinkRule,
    Mention,
    MergedEntity,
)
from newsroom.nlp import resolve
from newsroom.nlp.cleanup import is_head_word, is_ordinary_word
from newsroom.nlp.knowledge import is_given_name, is_name_unit
from newsroom.nlp.text import clitic_analyses

Progress = Callable[[int, int], None]
MERGE_ROUNDS = 3


@dataclass
class Summary:
    entities: int = 0
    rekeyed: int = 0
    merged: int = 0
    pairs: list[tuple[int, int]] = field(default_factory=list)  # (merged away, survivor)


def resolve_archive(*, progress: Progress | None = None, batch: int = 2000) -> Summary:
    """Re-key every entity and merge what the keys and the archive say is one (see module)."""
    summary = Summary()
    rows = list(Entity.objects.order_by("pk").values_list("pk", "kind", "key", "article_count"))
    summary.entities = len(rows)
    total = len(rows) + 1
    protected = _protected()
    for start in range(0, len(rows), batch):
        _rekey(rows[start : start + batch], protected, summary)
        if progress:
            progress(min(start + batch, len(rows)), total)
    # A merge can make the evidence of another one (a page grown by a merge outweighs a smaller
    # one of another kind): a few rounds, until one merges nothing.
    for _ in range(MERGE_ROUNDS):
        before = summary.merged
        _merge_by_evidence(protected, summary)
        _merge_spelling_variants(protected, summary)
        if summary.merged == before:
            break
    if progress:
        progress(total, total)
    if summary.merged:
        CurationLog.objects.create(
            action=CurationLog.Action.RESOLVE,
            summary=ngettext(
                "دمج تلقائي: كيان واحد في غيره",
                "دمج تلقائي: %(n)s كيانات في غيرها",
                summary.merged,
            )
            % {"n": summary.merged},
            details={"merged": summary.merged, "pairs": summary.pairs[:500]},
        )
    return summary


def _protected() -> set[int]:
    """Entities automatic resolution leaves alone: split off or kept apart by an editor."""
    ids = set(
        LinkRule.objects.filter(match=LinkRule.Match.SPELLING, automatic=False)
        .exclude(entity=None)
        .values_list("entity_id", flat=True)
    )
    for first, second in DistinctPair.objects.values_list("first_id", "second_id"):
        ids.update((first, second))
    return ids


def _rekey(rows: list[tuple[int, str, str, int]], protected: set[int], summary: Summary) -> None:
    """Give the entities of ``rows`` their resolution keys, merging into holders of the key."""
    wanted = {
        pk: (kind, new)
        for pk, kind, key, _ in rows
        if (new := resolve.resolution_key(kind, key)) != key and new
    }
    if not wanted:
        return
    with transaction.atomic():
        lock_entities(exclusive=True)
        holders = {
            (kind, key): pk
            for pk, kind, key in _entities_by_key(set(wanted.values())).values_list(
                "pk", "kind", "key"
            )
        }
        merges: dict[int, int] = {}
        for pk, (kind, new) in wanted.items():
            holder = holders.get((kind, new))
            if holder is None:
                holders[kind, new] = pk
                Entity.objects.filter(pk=pk).update(key=new, **_known_name(kind, new))
                summary.rekeyed += 1
            elif holder != pk and pk not in protected and holder not in protected:
                merges[pk] = holder
        _name_after_the_larger(merges, {pk: count for pk, _, _, count in rows})
        merge_automatically(merges, summary)


def _name_after_the_larger(merges: Mapping[int, int], counts: Mapping[int, int]) -> None:
    """A holder of a key that a larger page joins takes that page's name (هيئة الرياضة, 34
    articles, is named الهيئة العامة للرياضة when that page of 137 joins it), unless an editor
    renamed it or the table names it."""
    joining: dict[int, int] = {}
    for pk, holder in merges.items():
        if holder not in joining or counts.get(pk, 0) > counts.get(joining[holder], 0):
            joining[holder] = pk
    renamed = set(
        CurationLog.objects.filter(
            action=CurationLog.Action.RENAME, entity_id__in=list(joining)
        ).values_list("entity_id", flat=True)
    )
    holders = Entity.objects.filter(pk__in=list(joining)).values_list(
        "pk", "kind", "key", "article_count"
    )
    names = dict(Entity.objects.filter(pk__in=list(joining.values())).values_list("pk", "name"))
    for holder, kind, key, count in holders:
        larger = joining[holder]
        if (
            holder not in renamed
            and not resolve.known_name(kind, key)
            and counts.get(larger, 0) > count
            and names.get(larger)
        ):
            Entity.objects.filter(pk=holder).update(name=names[larger])


def _entities_by_key(wanted: set[tuple[str, str]]):
    by_kind: dict[str, list[str]] = defaultdict(list)
    for kind, key in wanted:
        by_kind[kind].append(key)
    query = Entity.objects.none()
    for kind, keys in by_kind.items():
        query = query | Entity.objects.filter(kind=kind, key__in=keys)
    return query


def _known_name(kind: str, key: str) -> dict[str, str]:
    name = resolve.known_name(kind, key)
    return {"name": name} if name else {}


def _merge_by_evidence(protected: set[int], summary: Summary) -> None:
    """Merge names that the archive's articles explain as another entity's (module doc, 2)."""
    entities = {
        pk: (kind, key, count)
        for pk, kind, key, count in Entity.objects.values_list("pk", "kind", "key", "article_count")
    }
    by_kind: dict[str, dict[str, int]] = defaultdict(dict)
    for pk, (kind, key, _) in entities.items():
        if kind != "PERS" or not (" " not in key and is_given_name(key)):
            by_kind[kind][key] = pk
    merges: dict[int, int] = {}
    # Short names the articles explained that have no page of their own (ماتيس joined جيمس
    # ماتيس in every article naming it) still say which full names are one person.
    handles = set(Mention.objects.exclude(handle="").values_list("handle", flat=True).distinct())
    for kind, keys in by_kind.items():
        asked = set(keys) | handles if kind == "PERS" else keys
        for key, by_entity in handle_evidence(asked, kind=kind).items():
            best = dominant(by_entity)
            if best is None and kind != "PERS":
                best = _dominant_with_longer_forms(key, by_entity)
            if best is None and kind == "PERS":
                best, other = _one_name_twice(by_entity)
                if best is not None and other is not None:
                    _add_merge(merges, protected, other[0], best[0])
            if best is None or key not in keys:
                continue
            pk, target = keys[key], best[0]
            if kind == "PERS" and not is_short_name(key) and entities[pk][2] > entities[target][2]:
                pk, target = target, pk  # دونالد ترامب stays, دونالد جيه ترامب joins it
            elif kind != "PERS":
                # A name of its own in most of its articles is not another's short name (حزب
                # العمال, the British party, beside حزب العمال الكردستاني now and then).
                if 2 * sum(by_entity.values()) < entities[pk][2]:
                    continue
                if entities[pk][2] > entities[target][2]:
                    pk, target = target, pk  # the better-known name of the two stays
            _add_merge(merges, protected, pk, target)
    _merge_spacing_variants(entities, protected, merges)
    _merge_rare_family_names(entities, protected, merges)
    _merge_surnames_of_other_kinds(entities, by_kind, protected, merges)
    _merge_kinds_of_one_name(entities, protected, merges)
    _merge_proclitic_variants(entities, protected, merges)
    _merge_cut_names(entities, protected, merges)
    with transaction.atomic():
        lock_entities(exclusive=True)
        merge_automatically(_settle(merges), summary)


def _dominant_with_longer_forms(
    key: str, by_entity: Mapping[tuple[int, str], int]
) -> tuple[int, str] | None:
    """For an abbreviation (a key sharing no word with the names it stood for): the
    organisation holding enough of its evidence together with the pages whose names only add
    words to its own (إف بي آي: مكتب التحقيقات الفيدرالي in 23 articles, مكتب التحقيقات
    الفيدرالي الأمريكي in 3), or None."""
    ranked = sorted(by_entity.items(), key=lambda kv: (-kv[1], kv[0][0]))
    top = ranked[0][0]
    if set(key.split()) & set(top[1].split()):
        return None

    def longer(name: str) -> bool:
        return name == top[1] or name.startswith(top[1] + " ")

    joined = sum(n for entity, n in ranked if longer(entity[1]))
    rest = {entity: n for entity, n in ranked if not longer(entity[1])}
    return dominant({top: joined, **rest})


def _merge_spacing_variants(
    entities: Mapping[int, tuple[str, str, int]], protected: set[int], merges: dict[int, int]
) -> None:
    """A name of two words and the same written as one (بيونغ يانغ / بيونغيانغ, هونغ كونغ /
    هونغكونغ) are one when the word is six letters or more and no ordinary word (كيماوي is not
    كيم اوي): into the page with most articles, of the same kind or a person's (two unknown
    words look like a person's name)."""
    joined: dict[str, list[tuple[int, int, str, str]]] = defaultdict(list)
    for pk, (kind, key, count) in entities.items():
        word = key.replace(" ", "")
        if key.count(" ") <= 1 and len(word) >= 6 and not is_ordinary_word(word):
            joined[word].append((count, pk, key, kind))
    for members in joined.values():
        if len({" " in key for _, _, key, _ in members}) < 2:
            continue
        members.sort(key=lambda m: (-m[0], m[1]))
        _, target, _, kind = members[0]
        for _, pk, _, other in members[1:]:
            if other == kind or "PERS" in (kind, other):
                _add_merge(merges, protected, pk, target)


def _merge_rare_family_names(
    entities: Mapping[int, tuple[str, str, int]], protected: set[int], merges: dict[int, int]
) -> None:
    """A person's name and the one longer name of the archive with the same first and last
    words around middle names (أحمد بن دغر / أحمد عبيد بن دغر) are one person when the last
    word is no known name unit (a rare family name; محمد علي and محمد أحمد علي are not)."""
    by_ends: dict[tuple[str, str], list[tuple[int, int, str]]] = defaultdict(list)
    for pk, (kind, key, count) in entities.items():
        words = key.split(" ")
        if kind == "PERS" and len(words) >= 2 and not is_name_unit(words[-1]):
            by_ends[words[0], words[-1]].append((count, pk, key))
    for members in by_ends.values():
        if len(members) < 2:
            continue
        for count, pk, key in members:
            longer = [m for m in members if m[1] != pk and explains(key, m[2])]
            if len(longer) == 1 and not any(explains(m[2], key) for m in members):
                other_count, target, _ = longer[0]
                if count > other_count:
                    pk, target = target, pk
                _add_merge(merges, protected, pk, target)


def _add_merge(merges: dict[int, int], protected: set[int], pk: int, target: int) -> None:
    if pk != target and pk not in protected and target not in protected and pk not in merges:
        merges[pk] = target


def _one_name_twice(
    by_entity: Mapping[tuple[int, str], int],
) -> tuple[tuple[int, str] | None, tuple[int, str] | None]:
    """When a short name's evidence is split between two people whose names differ only by a
    given name and its short form (جيمس ماتيس / جيم ماتيس, مايكل / مايك بومبيو): the one with
    more evidence and the other, if the two hold enough of it together; else (None, None)."""
    ranked = sorted(by_entity.items(), key=lambda kv: (-kv[1], kv[0][0]))
    if len(ranked) < 2:
        return None, None
    (first, n1), (second, n2) = ranked[:2]
    if not short_given_name(first[1], second[1]):
        return None, None
    joined = {first: n1 + n2, **dict(ranked[2:])}
    if dominant(joined) is None:
        return None, None
    return first, second


def short_given_name(a: str, b: str) -> bool:
    """Two keys of one person's name written with a given name and its short form: the same
    other words (two or more letters of surname), and one given name the start of the other
    (جيم / جيمس, مايك / مايكل; never two names: حسن / حسين, عمر / عمرو)."""
    wa, wb = a.split(" "), b.split(" ")
    if len(wa) != len(wb) or len(wa) < 2 or wa[1:] != wb[1:] or wa[0] == wb[0]:
        return False
    short, long = sorted((wa[0], wb[0]), key=len)
    return (
        len(short) >= 2
        and long.startswith(short)
        and len(long) - len(short) <= 2
        and not is_given_name(short)  # عمر / عمرو / عمران are names of their own
    )


def _merge_surnames_of_other_kinds(
    entities: Mapping[int, tuple[str, str, int]],
    by_kind: Mapping[str, Mapping[str, int]],
    protected: set[int],
    merges: dict[int, int],
) -> None:
    """A one-word place or organisation that the archive's articles explained as a person's
    surname (سكريبال, marked a place where the article names no one) is that person, when the
    evidence is at least half as large as its own page, and it is no known place or listed
    name."""
    words = {
        key: pk
        for kind, keys in by_kind.items()
        if kind != "PERS"
        for key, pk in keys.items()
        if " " not in key and not is_listed(key) and pk not in merges
    }
    for key, by_entity in handle_evidence(words, kind="PERS").items():
        best = dominant(by_entity)
        pk = words[key]
        if best is not None and 2 * sum(by_entity.values()) >= entities[pk][2]:
            _add_merge(merges, protected, pk, best[0])


# A name stored with several kinds merges into the kind most of its articles have when that
# one has at least this many times the articles of the other.
KIND_MAJORITY = 3


def _merge_kinds_of_one_name(
    entities: Mapping[int, tuple[str, str, int]], protected: set[int], merges: dict[int, int]
) -> None:
    """One name stored with several kinds (أرسنال as an organisation and, in a few articles, a
    person; بيونغيانغ a place and an organisation): the smaller pages merge into the one with
    most articles, when a person is one of them or the name is no ordinary word (الجزيرة the
    channel and the region stay two), and it is no listed name."""
    by_key: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
    for pk, (kind, key, count) in entities.items():
        if pk not in merges:
            by_key[key].append((count, pk, kind))
    for key, members in by_key.items():
        if len(members) < 2 or is_listed(key):
            continue
        members.sort(key=lambda m: (-m[0], m[1]))
        count, target, kind = members[0]
        ordinary = any(is_ordinary_word(w) for w in key.split(" "))
        for other_count, pk, other_kind in members[1:]:
            if count >= KIND_MAJORITY * max(other_count, 1) and (
                "PERS" in (kind, other_kind) or not ordinary
            ):
                _add_merge(merges, protected, pk, target)


# A name written with a proclitic (وكيليان مبابي, لأرسنال) joins the same name without it when
# that page has at least this many times its articles, and at least CLITIC_MIN_ARTICLES: the
# و of وجيرارد بيكيه (10 articles) is a conjunction beside جيرارد بيكيه (25).
CLITIC_MAJORITY = 1
CLITIC_MIN_ARTICLES = 5


def proclitic_readings(key: str) -> list[str]:
    """The keys a key would have without a proclitic on its first word (وكيليان مبابي →
    كيليان مبابي; للأمم → أمم), leaving at least three letters; none when the first word is a
    name, a head noun or an ordinary word as it stands (لجنة, بسام, وليد)."""
    first = key.split(" ")[0]
    if is_name_unit(first) or is_head_word(first) or is_ordinary_word(first) or is_listed(first):
        return []
    tail = key[len(first) :]
    return [
        form + tail
        for form, n in clitic_analyses(first)
        if n and form == first[n:] and len(form) >= 3  # not لل's restored alef
    ]


def _merge_proclitic_variants(
    entities: Mapping[int, tuple[str, str, int]], protected: set[int], merges: dict[int, int]
) -> None:
    """A name whose first word carries a proclitic the recogniser left on (وكيليان مبابي,
    لأرسنال, بكاليفورنيا) joins the page of the same name without it, of the same kind, when
    that page is at least as large (CLITIC_MAJORITY): the archive says which reading is the
    name. A word that is a name or a word as it stands keeps its page (بروسيا is no روسيا
    only when the archive says so; لجنة is not جنة)."""
    by_key = {(kind, key): (count, pk) for pk, (kind, key, count) in entities.items()}
    for pk, (kind, key, count) in entities.items():
        if pk in merges:
            continue
        for rest in proclitic_readings(key):
            target = by_key.get((kind, rest))
            if (
                target is not None
                and target[0] >= CLITIC_MIN_ARTICLES
                and target[0] >= CLITIC_MAJORITY * count
            ):
                _add_merge(merges, protected, pk, target[1])
                break


# A name the recogniser ended a word too early (مون جاي, where the text goes on with إن) joins
# the page of the name with that word when the text goes on with it after at least this share of
# the short name's mentions, and after this many at least.
CUT_MIN_SHARE = 0.6
CUT_MIN_MENTIONS = 3
_FOLLOW_CHARS = 40  # characters read after a mention
CUT_SAMPLE = 300  # mentions read of each short name, the first stored
_NEXT_WORD_RE = regex.compile(r"[\s\-‐‑–]*([^\s\p{P}\p{S}]+)")


def _merge_cut_names(
    entities: Mapping[int, tuple[str, str, int]], protected: set[int], merges: dict[int, int]
) -> None:
    """A name whose page has a longer twin of one more word (مون جاي / مون جاي إن, هونغ /
    هونغ كونغ), or of another spelling of it (مون جيه / مون جاي إن), joins it when the text goes
    on with that word after most of its mentions (CUT_MIN_SHARE): the recogniser cut the name
    there. Where the word after varies (كأس العالم للأندية, دونالد ترامب إيفانكا: joined names),
    the short name is a name of its own."""
    by_key = {(kind, key): pk for pk, (kind, key, _) in entities.items()}
    by_skeleton: dict[tuple, list[tuple[int, str]]] = defaultdict(list)
    for pk, (kind, key, _) in entities.items():
        if " " in key and kind in VARIANT_KINDS:
            by_skeleton[kind, _skeletons(kind, key)].append((pk, key))
    longer: dict[int, dict[str, int]] = defaultdict(dict)  # short name → {next word: longer}
    for pk, (kind, key, _) in entities.items():
        if " " not in key or pk in merges:
            continue
        short, last = key.rsplit(" ", 1)
        targets = [by_key.get((kind, short))]
        if " " in short and kind in VARIANT_KINDS:
            targets += [
                other
                for other, other_key in by_skeleton.get((kind, _skeletons(kind, short)), ())
                if other_key != short and spelling_variants(short, other_key, kind == "PERS")
            ]
        for target in targets:
            if target is not None and target not in merges and target not in protected:
                longer[target][last] = pk
    if not longer:
        return
    mention, article, alias = (m._meta.db_table for m in (Mention, Article, Alias))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT m.entity_id, al.text, substring(CASE WHEN m.field = 'title' THEN a.title"
            f' ELSE a.body END FROM m."end" + 1 FOR %s)'
            f' FROM (SELECT entity_id, article_id, alias_id, field, "end", row_number() OVER'
            f" (PARTITION BY entity_id ORDER BY id) AS n FROM {mention}"
            f" WHERE entity_id = ANY(%s)) m"
            f" JOIN {article} a ON a.id = m.article_id JOIN {alias} al ON al.id = m.alias_id"
            f" WHERE m.n <= %s",
            [_FOLLOW_CHARS, list(longer), CUT_SAMPLE],
        )
        rows = cursor.fetchall()
    words = {pk: entities[pk][1].count(" ") + 1 for pk in longer}
    following: dict[int, Counter[str]] = defaultdict(Counter)
    for pk, text, after in rows:
        if len(text.split()) < words[pk]:
            continue  # a short name that stands for it (مون): what follows says nothing
        match = _NEXT_WORD_RE.match(after or "")
        following[pk][nlp.normalize_letters(match.group(1)) if match else ""] += 1
    for pk, options in longer.items():
        counts = following[pk]
        total = sum(counts.values())
        word, count = max(
            ((w, counts[w]) for w in options), key=lambda wc: (wc[1], wc[0]), default=("", 0)
        )
        if count >= CUT_MIN_MENTIONS and count >= CUT_MIN_SHARE * total:
            _add_merge(merges, protected, pk, options[word])


VARIANT_KINDS = ("PERS", "ORG", "LOC")


def spelling_variants(a: str, b: str, person: bool = False) -> bool:
    """Whether two keys are transliterations of one foreign name (فلاديمير بوتين / فلاديمير بوتن,
    أنغيلا ميركل / أنجيلا ميركل): word by word the same consonant skeleton, and every word that
    differs is unknown as an Arabic name on at least one side (حسن and حسين are two names)."""
    wa, wb = suggestions.words(a), suggestions.words(b)
    if len(wa) != len(wb) or wa == wb:
        return False
    for x, y in zip(wa, wb, strict=True):
        if x == y:
            continue
        if min(len(x), len(y)) < 3 or is_name_unit(x) and is_name_unit(y):
            return False
        x, y = _syllable(x, person), _syllable(y, person)
        if _letter(x[-1]) != _letter(y[-1]) or consonants(x) != consonants(y):
            return False
    return True


def _syllable(word: str, person: bool = False) -> str:
    """A foreign word ending in يه written as in ي: a short syllable (جيه / جاي in مون جيه إن /
    مون جاي إن) and, in a person's name, a French é (مانيه / ماني, بيكيه / بيكي), but for an
    Arabic name (سميه) or an ordinary word. Other words, and the adjectives of other names
    (الكيماويه / الكيماوي), as they are."""
    if not word.endswith("يه"):
        return word
    if len(word) <= 3 or (person and not (is_name_unit(word) or is_ordinary_word(word))):
        return word[:-1]
    return word


# A one-word name of a place or organisation is compared only from this many letters.
FOREIGN_WORD_MIN = 5


def _foreign_word(key: str) -> bool:
    """A one-word key that may be a transliterated name: long enough, no ordinary word, no
    Arabic name unit."""
    word = suggestions.words(key)[0] if key else ""
    return (
        " " not in key
        and len(word) >= FOREIGN_WORD_MIN
        and not is_ordinary_word(key)
        and not is_name_unit(word)
    )


def one_letter_apart(a: str, b: str) -> bool:
    """Whether two one-word keys spell one foreign name (تشيلسي / تشلسي, سامسونغ / سامسونج,
    كتالونيا / كاتالونيا): the same letters once transliterations' swaps are folded, but for
    one vowel letter (ا و ي) more inside one of them. Stricter than a skeleton, which holds
    different places (نيويورك / نرويج, باردو / بوردو)."""
    x, y = (_folded(w) for w in (suggestions.words(a)[0], suggestions.words(b)[0]))
    if x == y:
        return True
    if abs(len(x) - len(y)) != 1:
        return False
    short, long = sorted((x, y), key=len)
    return any(
        long[i] in suggestions.WEAK and long[:i] + long[i + 1 :] == short
        for i in range(1, len(long) - 1)  # a last vowel makes another name (مكسيك / مكسيكو)
    )


def _folded(word: str) -> str:
    return "".join(_letter(c) for c in _with_ch_as_one(word))


def _with_ch_as_one(word: str) -> str:
    """ch written تش or ش (منوتشين / منوشين) as ش after the first letter; a first تش as ج, as
    Turkish ç is written both ways (تشاوش أوغلو / جاويش أوغلو)."""
    if word.startswith("تش") and len(word) > 3:
        return "ج" + word[2:].replace("تش", "ش")
    return word[0] + word[1:].replace("تش", "ش")


# Foreign g is written غ or ج as well as ق or ك (هونغ كونغ / هونج كونج); Spanish j and Russian
# kh خ or ج (سيرخيو / سيرجيو); Portuguese s ش or س (غوتيريش / غوتيريس).
_FOLDED = {
    **suggestions._CLASS_OF,
    "ج": suggestions._CLASS_OF["غ"],
    "خ": suggestions._CLASS_OF["غ"],
    "ش": suggestions._CLASS_OF["س"],
}


def _letter(c: str) -> str:
    return _FOLDED.get(c, c)


def consonants(word: str) -> str:
    """A word's letters without the weak ones after the first, sound classes folded. Stricter
    than the suggestions' skeleton: doubled letters stay two (السناني is not الثاني)."""
    word = _with_ch_as_one(word)
    return word[0] + "".join(_letter(c) for c in word[1:] if c not in suggestions.WEAK)


def _skeletons(kind: str, key: str) -> tuple[str, ...]:
    """The consonant skeletons of a key's words, as spelling variants share them."""
    return tuple(consonants(_syllable(w, kind == "PERS")) for w in suggestions.words(key))


def _merge_spelling_variants(protected: set[int], summary: Summary) -> None:
    """Merge entities whose names are spellings of one transliterated name (module doc, 3)."""
    groups: dict[tuple, list[tuple[int, int, str]]] = defaultdict(list)
    rows = list(
        Entity.objects.filter(kind__in=VARIANT_KINDS, article_count__gt=0).values_list(
            "pk", "kind", "key", "article_count"
        )
    )
    kind_of = {pk: kind for pk, kind, _, _ in rows}
    for pk, kind, key, count in rows:
        # One word is too little to go on, except a person's surname unknown as an Arabic name
        # (كاردشيان), or a foreign place's or organisation's name (see one_letter_apart):
        # جيوش / جيش, فيصل / فيصلي are different words.
        if pk in protected or (
            " " not in key and (kind != "PERS" or is_name_unit(key)) and not _foreign_word(key)
        ):
            continue
        groups[kind, _skeletons(kind, key)].append((count, pk, key))
    merges: dict[int, int] = {}
    for members in groups.values():
        if len(members) < 2:
            continue
        members.sort(key=lambda m: (-m[0], m[1]))
        kept: list[tuple[int, int, str]] = []
        for member in members:
            person = kind_of.get(member[1]) == "PERS"
            alike = partial(spelling_variants, person=person)
            if " " not in member[2] and not person:
                alike = one_letter_apart
            target = next((k for k in kept if alike(k[2], member[2])), None)
            if target is None:
                kept.append(member)
            else:
                merges[member[1]] = target[1]
    with transaction.atomic():
        lock_entities(exclusive=True)
        merge_automatically(merges, summary)


def _settle(merges: Mapping[int, int]) -> dict[int, int]:
    """Each merged entity pointed at its final survivor (chains followed, cycles left out)."""
    out = {}
    for pk, target in merges.items():
        seen = {pk}
        while target in merges and target not in seen:
            seen.add(target)
            target = merges[target]
        if target not in seen:
            out[pk] = target
    return out


def merge_automatically(merges: Mapping[int, int], summary: Summary | None = None) -> None:
    """Merge each entity of ``merges`` into its survivor in a fixed number of statements:
    mentions, aliases and rules move, an automatic rule links the old key to the survivor, the
    old page redirects. Runs inside the caller's transaction."""
    merges = {pk: target for pk, target in merges.items() if pk != target}
    if not merges:
        return
    losers, survivors = list(merges), [merges[pk] for pk in merges]
    old = {
        pk: (kind, key, name)
        for pk, kind, key, name in Entity.objects.filter(pk__in=losers).values_list(
            "pk", "kind", "key", "name"
        )
    }
    merges = {pk: t for pk, t in merges.items() if pk in old}
    if not merges:
        return
    losers, survivors = list(merges), [merges[pk] for pk in merges]
    mention, alias, rule, merged = (
        connection.ops.quote_name(m._meta.db_table)
        for m in (Mention, Alias, LinkRule, MergedEntity)
    )
    pairs = "unnest(%s::bigint[], %s::bigint[]) AS p(loser, survivor)"
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {mention} m SET entity_id = p.survivor FROM {pairs}"
            f" WHERE m.entity_id = p.loser",
            [losers, survivors],
        )
        # One alias per (survivor, spelling): the survivor's own, else the oldest moving one.
        cursor.execute(
            f"CREATE TEMP TABLE resolve_alias ON COMMIT DROP AS"
            f" SELECT a.id, coalesce(p.survivor, a.entity_id) AS target, a.text,"
            f" first_value(a.id) OVER (PARTITION BY coalesce(p.survivor, a.entity_id), a.text"
            f"  ORDER BY (p.survivor IS NULL) DESC, a.id) AS keeper"
            f" FROM {alias} a LEFT JOIN {pairs} ON a.entity_id = p.loser"
            f" WHERE a.entity_id = ANY(%s) OR a.entity_id = ANY(%s)",
            [losers, survivors, losers, survivors],
        )
        cursor.execute(
            f"UPDATE {mention} m SET alias_id = r.keeper FROM resolve_alias r"
            f" WHERE m.alias_id = r.id AND r.id <> r.keeper"
        )
        cursor.execute(
            f"DELETE FROM {alias} a USING resolve_alias r WHERE a.id = r.id AND r.id <> r.keeper"
        )
        cursor.execute(
            f"UPDATE {alias} a SET entity_id = r.target FROM resolve_alias r"
            f" WHERE a.id = r.id AND r.id = r.keeper AND a.entity_id <> r.target"
        )
        cursor.execute("DROP TABLE resolve_alias")
        cursor.execute(
            f"UPDATE {rule} r SET entity_id = p.survivor FROM {pairs} WHERE r.entity_id = p.loser",
            [losers, survivors],
        )
        cursor.execute(
            f"UPDATE {merged} g SET survivor_id = p.survivor FROM {pairs}"
            f" WHERE g.survivor_id = p.loser",
            [losers, survivors],
        )
    LinkRule.objects.bulk_create(
        [
            LinkRule(
                match=LinkRule.Match.NAME,
                kind=old[pk][0],
                key=old[pk][1],
                entity_id=target,
                automatic=True,
            )
            for pk, target in merges.items()
        ],
        ignore_conflicts=True,  # an editor's rule on the same name stays as it is
    )
    MergedEntity.objects.bulk_create(
        [MergedEntity(old_id=pk, name=old[pk][2], survivor_id=t) for pk, t in merges.items()],
        ignore_conflicts=True,
    )
    Entity.objects.filter(pk__in=list(merges)).delete()
    refresh_article_counts(set(merges.values()))
    if summary is not None:
        summary.merged += len(merges)
        summary.pairs.extend(merges.items())
