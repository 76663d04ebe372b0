"""Pairs of entities that are probably one person, organisation or place, for editors to merge.

Names are compared on their linking keys, word by word with the article ال dropped from every
word, and on consonant skeletons in which letters that transliterations of one sound swap for
each other (ق غ ك گ, س ص ث …) count as one: غاني / غني / قاآني all have the skeleton قن. A single
word that is the last word of a person's full name (كاظمي / مصطفى الكاظمي) is a candidate too.

Candidates come from blocking (entities sharing a skeleton, a skeleton less one letter, or a
surname), so the work stays proportional to the number of entities; the evidence (co-mentioned
entities, shared articles) is read for the best candidates only, in two queries.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import combinations

from newsroom.entities.models import DistinctPair, Entity, Mention
from newsroom.nlp.resolve import PATRONYMIC

ARTICLE = "ال"
# Letters that spell vowels or hamza seats: dropped from skeletons (after the first letter of a
# word) and cheap to insert or delete when comparing spellings.
WEAK = frozenset("اوي" + "ءئؤ" + "ى")
# Letters that transliterations of one sound use interchangeably.
SOUND_CLASSES = ("قغكگ", "سصث", "زذظض", "تط", "جچ", "بپ", "فڤ")
_CLASS_OF = {letter: group[0] for group in SOUND_CLASSES for letter in group}

MIN_NAME_SIMILARITY = 0.8
MAX_ENTITIES = 3000  # the most mentioned entities are considered
MAX_BLOCK = 40  # a larger block is an unspecific skeleton: not worth its pairs
MAX_ARTICLES_PER_ENTITY = 300  # evidence reads at most this many recent articles per entity


@dataclass(frozen=True, slots=True)
class NameMatch:
    similarity: float  # 0..1
    reason: str  # why the names look alike, for the editor


@dataclass
class Suggestion:
    survivor: Entity  # the entity proposed to keep
    other: Entity
    name: NameMatch
    score: float = 0.0
    shared_articles: int = 0
    shared_comentions: int = 0
    context_similarity: float = 0.0  # Jaccard of the sets of co-mentioned entities
    examples: list[Entity] = field(default_factory=list)  # a few shared co-mentioned entities


def words(key: str) -> list[str]:
    """The words of a linking key with the article ال dropped from each."""
    return [
        w[2:] if w.startswith(ARTICLE) and len(w) >= 4 and w != "الله" else w for w in key.split()
    ]


def skeleton(word: str) -> str:
    """Consonant skeleton of one word: first letter kept, weak letters dropped, sound classes
    folded, doubled letters collapsed."""
    out: list[str] = []
    for i, letter in enumerate(word):
        if i and letter in WEAK:
            continue
        letter = _CLASS_OF.get(letter, letter)
        if not out or out[-1] != letter:
            out.append(letter)
    return "".join(out)


@lru_cache(maxsize=100_000)
def _distance(a: str, b: str) -> float:
    """Edit distance where weak letters and swaps within a sound class cost half."""
    # Written for speed (it runs for every candidate pair): costs precomputed, no calls inside.
    a_class, b_class = [_CLASS_OF.get(c, c) for c in a], [_CLASS_OF.get(c, c) for c in b]
    a_cost, b_cost = [_indel(c) for c in a], [_indel(c) for c in b]
    previous = [0.0]
    for cost in b_cost:
        previous.append(previous[-1] + cost)
    for i, ca in enumerate(a):
        cost_a, class_a = a_cost[i], a_class[i]
        current = [previous[0] + cost_a]
        for j, cb in enumerate(b):
            if ca == cb:
                best = previous[j]
            elif class_a == b_class[j] or (cost_a == 0.5 and b_cost[j] == 0.5):
                best = previous[j] + 0.5
            else:
                best = previous[j] + 1.0
            if previous[j + 1] + cost_a < best:
                best = previous[j + 1] + cost_a
            if current[j] + b_cost[j] < best:
                best = current[j] + b_cost[j]
            current.append(best)
        previous = current
    return previous[-1]


def _indel(ch: str) -> float:
    return 0.5 if ch in WEAK else 1.0


def _ratio(a: str, b: str) -> float:
    longest = max(len(a), len(b))
    return 1.0 if not longest else max(0.0, 1.0 - _distance(a, b) / longest)


def _spelling_similarity(a: Sequence[str], b: Sequence[str]) -> float:
    skeletons = _ratio(" ".join(map(skeleton, a)), " ".join(map(skeleton, b)))
    if 0.5 * skeletons + 0.5 < MIN_NAME_SIMILARITY:
        return 0.5 * skeletons  # too far apart whatever the letters: skip the longer comparison
    return 0.5 * _ratio(" ".join(a), " ".join(b)) + 0.5 * skeletons


def name_match(a: Entity, b: Entity) -> NameMatch | None:
    """How alike the names of two entities of one kind are, if they are alike enough."""
    wa, wb = words(a.key), words(b.key)
    if not wa or not wb:
        return None
    if wa == wb:
        return NameMatch(1.0, "الاسم نفسه مع «ال» وبدونها")
    best = None
    similarity = _spelling_similarity(wa, wb)
    if similarity >= MIN_NAME_SIMILARITY:
        best = NameMatch(round(similarity, 3), "تهجئتان متقاربتان لاسم واحد")
    if a.kind == Entity.Kind.PERS and (len(wa) == 1) != (len(wb) == 1):
        single, full = (wa, wb) if len(wa) == 1 else (wb, wa)
        if len(full) >= 2 and full[-2] in PATRONYMIC:
            return best  # the last word is a father's name (محمد بن سلمان is not سلمان)
        surname = 0.9 * _spelling_similarity(single, full[-1:])
        if surname >= MIN_NAME_SIMILARITY and (best is None or surname > best.similarity):
            reason = (
                "اسم العائلة وحده والاسم الكامل"
                if single == full[-1:]
                else "اسم العائلة وحده بتهجئة أخرى والاسم الكامل"
            )
            best = NameMatch(round(surname, 3), reason)
    return best


def _blocks(entity: Entity) -> set[tuple[str, str, str]]:
    ws = words(entity.key)
    if not ws:
        return set()
    whole = "".join(skeleton(w) for w in ws)
    out = {(entity.kind, "whole", whole)}
    if len(whole) >= 4:
        out |= {(entity.kind, "whole", whole[:i] + whole[i + 1 :]) for i in range(len(whole))}
    if entity.kind == Entity.Kind.PERS:
        out.add((entity.kind, "surname", skeleton(ws[-1])))
    return out


def candidate_pairs(entities: Iterable[Entity]) -> list[tuple[Entity, Entity, NameMatch]]:
    """Pairs of entities whose names look alike, most alike first."""
    blocks: dict[tuple[str, str, str], list[Entity]] = defaultdict(list)
    for entity in entities:
        for block in _blocks(entity):
            blocks[block].append(entity)
    seen: set[tuple[int, int]] = set()
    out = []
    for members in blocks.values():
        if len(members) > MAX_BLOCK:
            continue
        for a, b in combinations(members, 2):
            pair = (min(a.pk, b.pk), max(a.pk, b.pk))
            if pair in seen:
                continue
            seen.add(pair)
            match = name_match(a, b)
            if match is not None:
                out.append((a, b, match))
    out.sort(key=lambda t: (-t[2].similarity, -(t[0].article_count + t[1].article_count)))
    return out


def merge_suggestions(*, kind: str | None = None, limit: int = 50) -> list[Suggestion]:
    """The likeliest pairs to merge with their evidence, best first."""
    entities = Entity.objects.filter(article_count__gt=0)
    if kind:
        entities = entities.filter(kind=kind)
    entities = list(entities.order_by("-article_count", "pk")[:MAX_ENTITIES])
    distinct = set(DistinctPair.objects.values_list("first_id", "second_id"))
    pairs = [
        (a, b, m)
        for a, b, m in candidate_pairs(entities)
        if (min(a.pk, b.pk), max(a.pk, b.pk)) not in distinct
    ][: limit * 3]
    suggestions = [_suggestion(a, b, match) for a, b, match in pairs]
    _add_evidence(suggestions)
    suggestions.sort(key=lambda s: (-s.score, s.survivor.pk, s.other.pk))
    return suggestions[:limit]


def _suggestion(a: Entity, b: Entity, match: NameMatch) -> Suggestion:
    """Keep the full name of a person named by surname alone, else the more mentioned entity."""

    def rank(e: Entity) -> tuple:
        return (len(words(e.key)) if e.kind == Entity.Kind.PERS else 0, e.article_count, -e.pk)

    survivor, other = (a, b) if rank(a) >= rank(b) else (b, a)
    return Suggestion(survivor=survivor, other=other, name=match)


def _add_evidence(suggestions: list[Suggestion]) -> None:
    ids = {e.pk for s in suggestions for e in (s.survivor, s.other)}
    if not ids:
        return
    articles_of: dict[int, list[int]] = defaultdict(list)
    rows = (
        Mention.objects.filter(entity_id__in=ids)
        .values_list("entity_id", "article_id")
        .distinct()
        .order_by("entity_id", "-article_id")
    )
    for entity_id, article_id in rows:
        if len(articles_of[entity_id]) < MAX_ARTICLES_PER_ENTITY:
            articles_of[entity_id].append(article_id)
    all_articles = {a for articles in articles_of.values() for a in articles}
    in_article: dict[int, set[int]] = defaultdict(set)
    rows = Mention.objects.filter(article_id__in=all_articles).values_list(
        "article_id", "entity_id"
    )
    for article_id, entity_id in rows.distinct():
        in_article[article_id].add(entity_id)

    def context(pk: int) -> set[int]:
        return {e for a in articles_of[pk] for e in in_article[a]}

    example_ids: set[int] = set()
    for s in suggestions:
        a, b = s.survivor.pk, s.other.pk
        ca, cb = context(a) - {a, b}, context(b) - {a, b}
        shared = ca & cb
        s.shared_articles = len(set(articles_of[a]) & set(articles_of[b]))
        s.shared_comentions = len(shared)
        s.context_similarity = round(len(shared) / len(ca | cb), 3) if ca | cb else 0.0
        s.score = round(0.75 * s.name.similarity + 0.25 * s.context_similarity, 3)
        s.examples = sorted(shared)  # ids for now, entities below
        example_ids |= set(s.examples)
    named = Entity.objects.in_bulk(example_ids)
    for s in suggestions:
        shared = [named[pk] for pk in s.examples if pk in named]
        s.examples = sorted(shared, key=lambda e: (-e.article_count, e.name))[:5]
