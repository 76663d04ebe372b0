"""Archive-level recall: a name the recogniser marks often and consistently becomes a mention
wherever else the archive's articles write it and the recogniser left it unmarked.

The recogniser marks a name in some articles and misses it in others (صعدة، القرم، المفوضية
الأوروبية); inside one article linking already carries a name found once to its other
occurrences, and :func:`recall_archive` does the same across articles, after
``resolution.resolve_archive``:

1. **Lexicon.** The spellings (aliases) of persons, organisations and places that the
   recogniser marked in at least ``RECALL_MIN_ARTICLES`` articles, mostly as one entity
   (``RECALL_ENTITY_SHARE`` of those articles), and in at least ``RECALL_MIN_SHARE`` of the
   stored articles that contain the name's words as a whole-word sequence (a person's full
   name ending in a surname, جواد ظريف, in ``PERSON_MIN_SHARE``). One scan of the
   archive counts both (a place or organisation marked inside a longer name of the same entity,
   القرم in شبه جزيرة القرم, counts as marked). A one-word name is never an ordinary word, a
   given name, a title or head, God, a religion or currency, a nationality adjective or its
   adverb, a common noun that the archive writes with the article too (روس / الروس), nor a word
   of many articles (``FREQUENT_SHARE``) unless it is a known place or listed name. Names an
   editor rejected are never added, and link rules decide the entity as they do in linking.
2. **Matching.** Whole words on the normalised letters (hamza and alef forms, ى/ي, ة/ه,
   diacritics), a proclitic allowed on the first word (و ف ب ل ك and their combinations, لل
   for ل + ال), the mention covering the name without it. A match never overlaps a stored
   mention (a longer name marked there wins), nor crosses punctuation; the longer of two
   overlapping matches wins. A person's one-word name next to another name (إيفانكا ترامب) is
   someone else's name and is left alone.
   An honorific that stands for one person (خادم الحرمين الشريفين) is recalled alone as the
   person the archive names right after it, when it names one (HONORIFICS).
3. **Storage.** Mentions (flagged ``recalled``), aliases, appearances and article counts, one
   transaction per batch of articles. The recogniser's evidence excludes recalled mentions, so a
   second run adds nothing, and re-annotating an article then running the pass gives the same.
"""

from __future__ import annotations

import time
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from functools import lru_cache
from itertools import accumulate

import regex
from django.db import connection, transaction

from newsroom import nlp
from newsroom.articles.models import Article
from newsroom.entities.linking import (
    APPEARANCE_COLUMNS,
    MENTION_COLUMNS,
    Linked,
    _aliases_for,
    _sentence_of,
    _shift_counts,
    curated_targets,
    insert_rows,
    is_listed,
    lock_entities,
)
from newsroom.entities.models import Alias, ArticleEntity, Entity, Mention
from newsroom.nlp import resolve
from newsroom.nlp.cleanup import (
    END_TITLES,
    HEADS,
    NEVER,
    TIME_WORDS,
    TITLES,
    is_nationality,
    is_nisba_of_place,
    is_ordinary_word,
)
from newsroom.nlp.knowledge import is_given_name, is_name_unit, place_keys
from newsroom.nlp.text import ARTICLE, clitic_analyses, norm_token, source_offset

# A name is recalled when the recogniser marked it in at least this many articles (by itself, or
# for an organisation or place inside a longer name of the same entity) …
RECALL_MIN_ARTICLES = 5
# … and in at least this share of the articles that contain its words.
RECALL_MIN_SHARE = 0.5
# A person's full name ending in a surname (see _full_person_name) is seldom anything else: it is
# recalled when marked in this share of the articles that contain it.
PERSON_MIN_SHARE = 0.25
# So is a known place (GeoNames, CLDR, the table) that is no ordinary word: الرقة, marked in 23 of
# the 48 articles that write it.
PLACE_MIN_SHARE = 0.25
# Words that make a given name of the next one (عبد الله، أبو زيد).
GIVEN_NAME_PARTICLES = frozenset({"عبد", "ابو", "ام", "بنت", "ابن"})
# A name marked by itself in fewer articles is not even looked for (the rest of its marks may
# be inside a longer name of the same entity: القرم in شبه جزيرة القرم).
CANDIDATE_MIN_ARTICLES = 2
# The entity that holds at least this share of the name's marked articles is the one it names;
# a name split between entities (الأسد: several persons) is not recalled.
RECALL_ENTITY_SHARE = 0.8
# A one-word name found in this share of all articles or more (and in this many at least) is a
# frequent word, unless it is a known place or a listed name.
FREQUENT_SHARE = 0.05
FREQUENT_MIN_ARTICLES = 50
# Persons, organisations and places; MISC (events, laws, products, languages) is the kind the
# recogniser marks least consistently and whose names are most often ordinary phrases.
RECALL_KINDS = ("PERS", "ORG", "LOC")
MIN_LETTERS = 3  # a one-word name has at least this many letters
# A one-word name without the article (روس، حجة) that the archive writes with it in more than
# this share of as many articles is a common noun.
ARTICLE_SHARE = 0.25

READ_BATCH = 1000  # articles read per query
WRITE_BATCH = 500  # articles written per transaction

Progress = Callable[[int, int], None]
Name = tuple[str, ...]  # a name's normalised words

_WORD_RE = regex.compile(r"[^\s\p{P}\p{S}]+")
_SEPARATOR_RE = regex.compile(r"([\s\p{P}\p{S}]+)")
_TITLE_WORDS = TITLES | END_TITLES
# Titles that with a given name name one person in the archive's news (الملك سلمان، الأمير
# محمد، الشيخ محمد): the given name is recalled as the person the archive's articles that
# name them in full link it to. Normalised; a proclitic may stand before them.
_TITLED = "\x00"  # first word of a titled name's Name, which no word of a text is
RANK_TITLES = frozenset({"الملك", "الامير", "الشيخ", "السلطان", "العاهل"})
# Words after which a titled name names a place, a body or a prize (مدينة الملك سلمان، مركز
# الملك سلمان، كأس الملك سلمان): no recalled person there. Normalised.
_NAMED_AFTER_HEADS = HEADS | frozenset(
    nlp.normalize_letters(w)
    for w in (
        *("مركز", "مستشفى", "شارع", "جائزة", "ستاد", "ملعب", "مطار", "مسجد", "قاعدة", "مجمع"),
        *("برنامج", "مشروع", "طريق", "حي", "معهد", "كلية", "مدرسة", "قصر", "جسر", "برج"),
        *("حديقة", "كأس", "مؤسسة", "صندوق", "جامعة", "مدينة"),
    )
)
_TITLED_RE = regex.compile(
    r"(?<![^\s\p{P}\p{S}])[وفبل]?(" + "|".join(sorted(RANK_TITLES)) + r")\s+([^\s\p{P}\p{S}]+)"
)
# Honorifics that stand for one person in the archive's news without a name (خادم الحرمين
# الشريفين: the King of Saudi Arabia). Where a name follows within NAME_AFTER_HONORIFIC
# characters with no word but a title between (… الملك سلمان بن عبدالعزيز), the entity it links
# to counts as evidence; where
# none does, the honorific alone is recalled as the person the evidence names, when it names
# one in RECALL_MIN_ARTICLES articles and RECALL_ENTITY_SHARE of them (an archive that spans
# two reigns names two, and nothing is recalled). Normalised.
HONORIFICS = ("خادم الحرمين الشريفين",)
NAME_AFTER_HONORIFIC = 12
_HONORIFIC_RE = regex.compile(
    r"(?<![^\s\p{P}\p{S}])[وفبل]?(" + "|".join(HONORIFICS) + r")(?![^\s\p{P}\p{S}])"
)


@dataclass
class RecallSummary:
    names: int = 0  # names of the lexicon
    mentions: int = 0  # mentions added
    articles: int = 0  # articles that gained one
    seconds: float = 0.0

    def describe(self) -> str:
        return (
            f"archive recall: {self.mentions} mentions in {self.articles} articles"
            f" from {self.names} names in {self.seconds:.1f} s"
        )


@dataclass(frozen=True, slots=True)
class _Candidate:
    entity_id: int
    kind: str
    text: str  # a spelling it was marked with


@dataclass(frozen=True, slots=True)
class _Found:
    name: Name
    field: str
    start: int
    end: int
    sentence: tuple[int, int]
    text: str
    entity_id: int | None  # the entity the article itself marked this name as, if any


# Stands in the candidates for a one-word name written with the article, only counted.
_WITH_ARTICLE = _Candidate(0, "", "")


def recall_archive(*, progress: Progress | None = None) -> RecallSummary:
    """Add the mentions the recogniser missed of names the archive marks consistently (module
    doc); idempotent."""
    started = time.monotonic()
    summary = RecallSummary()
    candidates = _candidates()
    total_articles = Article.objects.count()
    if not candidates or not total_articles:
        summary.seconds = time.monotonic() - started
        return summary
    occurs, marked, found, placed = _scan(candidates, total_articles, progress)
    lexicon = _lexicon(candidates, occurs, marked, total_articles)
    summary.names = len(lexicon)
    additions = {
        pk: kept
        for pk, items in found.items()
        if (kept := [item for item in items if item.name in lexicon or item.name[0] == _TITLED])
    }
    ids = sorted(additions)
    for start in range(0, len(ids), WRITE_BATCH):
        chunk = {pk: additions[pk] for pk in ids[start : start + WRITE_BATCH]}
        added, articles = _store(chunk, lexicon, placed)
        summary.mentions += added
        summary.articles += articles
    summary.seconds = time.monotonic() - started
    return summary


def _scan(
    candidates: dict[Name, _Candidate], total_articles: int, progress: Progress | None = None
) -> tuple[Counter[Name], Counter[Name], dict[int, list[_Found]], dict[int, datetime]]:
    """One pass over the archive: for each candidate, the articles that contain it and those
    that mark it; for each article, the unmarked occurrences (and when it is placed)."""
    matcher = _Matcher(candidates)
    titled: dict[Name, Counter[int]] = defaultdict(Counter)  # whom each titled name named
    occurs: Counter[Name] = Counter()
    marked: Counter[Name] = Counter()
    found: dict[int, list[_Found]] = {}
    placed: dict[int, datetime] = {}
    done = 0
    for articles, mentions in _batches():
        for pk, title, body, placed_at in articles:
            spans = mentions.get(pk, ())
            own = _marked_names(spans, {"title": title, "body": body}, candidates)
            seen = set(own)
            misses = []
            titled_misses: list[_Found] = []
            counted: set[Name] = set()
            for field, text in (("title", title), ("body", body)):
                folded = nlp.normalize_letters(text).casefold()
                # mentions never overlap: ordered by start, only the last one starting before
                # a match's end can overlap it
                taken = [span[1:] for span in spans if span[0] == field]
                titled_misses += _titled(field, text, folded, taken, titled, counted)
                starts = [span[0] for span in taken]
                for name, start, end in matcher.matches(text, folded):
                    seen.add(name)
                    k = bisect_left(starts, end) - 1
                    if k < 0 or taken[k][1] <= start:
                        misses.append((name, field, start, end, text))
                        continue
                    a, b, entity_id, recalled = taken[k]
                    candidate = candidates[name]
                    if (
                        a <= start
                        and end <= b
                        and not recalled
                        and entity_id == candidate.entity_id
                        and candidate.kind != "PERS"
                    ):
                        # part of a longer name of the same entity (شبه جزيرة القرم): marked
                        own.setdefault(name, entity_id)
            occurs.update(seen)
            marked.update(own.keys())
            if misses or titled_misses:
                items = _non_overlapping(misses, own)
                items += [
                    t
                    for t in titled_misses
                    if not any(
                        i.field == t.field and i.start < t.end and t.start < i.end for i in items
                    )
                ]
                found[pk] = items
                placed[pk] = placed_at
        done += len(articles)
        if progress:
            progress(done, total_articles)
    _settle_titled(titled, found)
    return occurs, marked, found, placed


def _titled(
    field: str,
    text: str,
    folded: str,
    taken: Sequence[tuple[int, int, int, bool]],
    titled: dict[Name, Counter[int]],
    counted: set[Name],
) -> list[_Found]:
    """The titled given names (الملك سلمان) and honorifics (خادم الحرمين الشريفين, see
    HONORIFICS) of one field of an article, ``folded`` its normalised text and ``taken`` its
    mentions (start, end, entity, recalled): where a mention of the recogniser names the person
    (starts at the given name, or just after the honorific), the entity it links to is counted
    into ``titled``, once an article (``counted``: the article's names counted so far); where
    no mention covers it, it is returned as a miss (its entity left to _settle_titled)."""
    if len(folded) != len(text):
        return []  # marks deleted inside words: offsets would not be the text's
    out: list[_Found] = []
    bounds: list[tuple[int, int]] | None = None
    for name, start, end, named, covered in (
        *_titled_given_names(folded, taken),
        *_honorifics(folded, taken),
    ):
        if named is not None:
            if name not in counted:
                titled[name][named] += 1
                counted.add(name)
        elif not covered:
            bounds = bounds or nlp.sentence_bounds(text)
            out.append(
                _Found(name, field, start, end, _sentence_of(bounds, start), text[start:end], 0)
            )
    return out


# (name, start, end, the entity a recogniser's mention names there or None, whether a mention
# covers it) of each titled name or honorific of a folded text.
_TitledMatch = tuple[Name, int, int, int | None, bool]


def _titled_given_names(
    folded: str, taken: Sequence[tuple[int, int, int, bool]]
) -> Iterator[_TitledMatch]:
    for match in _TITLED_RE.finditer(folded):
        given = match.group(2)
        if not is_given_name(given) or _after_a_head(folded, match.start()):
            continue
        start, end = match.span(2)
        over = [span for span in taken if span[0] < end and start < span[1]]
        named = next((span[2] for span in over if span[0] == start and not span[3]), None)
        yield (_TITLED, match.group(1), given), start, end, named, bool(over)


def _honorifics(folded: str, taken: Sequence[tuple[int, int, int, bool]]) -> Iterator[_TitledMatch]:
    for match in _HONORIFIC_RE.finditer(folded):
        start, end = match.span(1)
        if any(span[0] < end and start < span[1] for span in taken):
            continue
        after = [
            span
            for span in taken
            if end <= span[0] <= end + NAME_AFTER_HONORIFIC
            and not span[3]
            and all(w in RANK_TITLES for w in _WORD_RE.findall(folded[end : span[0]]))
        ]
        yield (_TITLED, match.group(1)), start, end, min(after)[2] if after else None, False


def _after_a_head(folded: str, at: int) -> bool:
    """Whether the word before offset ``at`` of a folded text is a head that a titled name
    completes (مدينة الملك سلمان)."""
    before = _WORD_RE.findall(folded[max(0, at - 40) : at])
    if not before or folded[at - 1 : at] != " ":
        return False
    word = before[-1]
    return word in _NAMED_AFTER_HEADS or (word[:1] in "وفبل" and word[1:] in _NAMED_AFTER_HEADS)


def _settle_titled(titled: dict[Name, Counter[int]], found: dict[int, list[_Found]]) -> None:
    """Give each missed titled name the person the archive links it to, where it links it
    to one person in at least RECALL_MIN_ARTICLES articles and RECALL_ENTITY_SHARE of them;
    drop the others."""
    whom: dict[Name, int] = {}
    for name, counts in titled.items():
        total = sum(counts.values())
        ((entity_id, count),) = counts.most_common(1)
        if count >= RECALL_MIN_ARTICLES and count >= RECALL_ENTITY_SHARE * total:
            whom[name] = entity_id
    persons = set(
        Entity.objects.filter(pk__in=set(whom.values()), kind="PERS").values_list("pk", flat=True)
    )
    for pk, items in list(found.items()):
        kept = [
            item if item.entity_id != 0 else replace(item, entity_id=whom[item.name])
            for item in items
            if item.entity_id != 0 or whom.get(item.name) in persons
        ]
        if kept:
            found[pk] = kept
        else:
            del found[pk]


def _candidates() -> dict[Name, _Candidate]:
    """Names the recogniser marked in enough articles as mostly one entity of a recalled kind,
    that may be recalled (one-word names: see ``is_recallable_word``), with that entity."""
    mention, alias, entity = (m._meta.db_table for m in (Mention, Alias, Entity))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT a.text, e.id, e.kind, count(DISTINCT m.article_id) FROM {mention} m"
            f" JOIN {alias} a ON a.id = m.alias_id JOIN {entity} e ON e.id = m.entity_id"
            f" WHERE NOT m.recalled AND e.kind = ANY(%s) GROUP BY a.text, e.id, e.kind",
            [list(RECALL_KINDS)],
        )
        rows = cursor.fetchall()
    by_name: dict[Name, Counter[tuple[int, str]]] = defaultdict(Counter)
    spelling: dict[tuple[Name, int], tuple[int, str]] = {}
    for text, pk, kind, count in rows:
        name = name_of(text)
        if not name:
            continue
        forms = [(name, text)]
        rest = _without_place_head(name) if kind == "LOC" else ()
        if rest:
            # شبه جزيرة القرم marked: القرم is a name of the place too, and marked there
            forms.append((rest, " ".join(text.split()[len(name) - len(rest) :])))
        for form, spelled in forms:
            by_name[form][pk, kind] += count
            best = spelling.get((form, pk))
            if best is None or count > best[0]:
                spelling[form, pk] = (count, spelled)
    for name in [n for n in by_name if _with_alef(n) in by_name]:
        by_name[_with_alef(name)].update(by_name.pop(name))
    chosen: dict[Name, _Candidate] = {}
    for name, counts in by_name.items():
        total = sum(counts.values())
        if total < CANDIDATE_MIN_ARTICLES:
            continue
        (pk, kind), count = max(counts.items(), key=lambda kv: (kv[1], -kv[0][0]))
        if kind == "PERS" and total < RECALL_MIN_ARTICLES:
            continue  # a person's name counts only where it is marked by itself
        if count < RECALL_ENTITY_SHARE * total:
            continue
        if len(name) == 1 and not is_recallable_word(name[0]):
            continue
        chosen[name] = _Candidate(pk, kind, spelling.get((name, pk), (0, " ".join(name)))[1])
    chosen = _with_link_rules(chosen)
    # A one-word name without the article is looked for with it too (روس / الروس, حجة /
    # الحجة): a common noun takes the article, a proper name seldom (see _lexicon).
    for name in list(chosen):
        if len(name) == 1 and not name[0].startswith(ARTICLE):
            chosen.setdefault(_articled(name), _WITH_ARTICLE)
    return chosen


_PLACE_HEADS = (*resolve.NAME_LOC_HEADS, *((head,) for head in sorted(resolve.LOC_HEADS)))


def _without_place_head(name: Name) -> Name:
    """A place's name without the head that says what kind of place it is (شبه جزيرة القرم →
    القرم، إقليم كردستان → كردستان، ولاية تكساس → تكساس); () when it has none."""
    for head in _PLACE_HEADS:
        if len(name) > len(head) and name[: len(head)] == head:
            return name[len(head) :]
    return ()


def _articled(name: Name) -> Name:
    return (ARTICLE + name[0],)


@lru_cache(maxsize=1)
def _clubs_of_common_words() -> frozenset[str]:
    """Keys of the recogniser's clubs named by a frequent word (الهلال، النصر، الاتحاد)."""
    from newsroom.nlp.tagger.core import frequent_word_clubs

    return frozenset(nlp.entity_key(word) for word in frequent_word_clubs())


def is_recallable_word(word: str) -> bool:
    """Whether a one-word name (normalised) may be recalled: no ordinary word, given name,
    title or head, day or month, God, religion, currency, nationality adjective or its adverb,
    nor an ordinary word with a proclitic, and long enough; a known place or listed name may."""
    bare = word[2:] if word.startswith(ARTICLE) and len(word) > 4 else word
    if (
        len(bare) < MIN_LETTERS
        or is_ordinary_word(word)
        or is_given_name(word)
        or word in _TITLE_WORDS
        or word in HEADS
        or bare in HEADS
        or word in NEVER
        or word in TIME_WORDS
        or is_nationality(word)
    ):
        return False
    if nlp.entity_key(word) in _clubs_of_common_words():
        return False  # النصر، الهلال: a club only in an article about football
    if is_listed(nlp.entity_key(word)):
        return True
    # An adverb of an adjective (دبلوماسيا، أميركيا), or an ordinary word with a proclitic
    # (بريف: ب + ريف).
    adjective = word[:-1]
    if word.endswith("يا") and (is_ordinary_word(adjective) or is_nisba_of_place(adjective)):
        return False
    return not any(
        n and len(form) >= MIN_LETTERS and is_ordinary_word(form)
        for form, n in clitic_analyses(word)
    )


def _with_link_rules(chosen: dict[Name, _Candidate]) -> dict[Name, _Candidate]:
    """The candidates with editors' and resolution's link rules applied as linking applies
    them: a rejected name is left out, a name a rule sends elsewhere links there."""
    names = list(chosen)
    items = []
    for name in names:
        candidate = chosen[name]
        key = nlp.entity_key(candidate.text)
        span = nlp.Span(0, len(candidate.text), candidate.kind, candidate.text, key)
        items.append(
            Linked("body", span, candidate.kind, resolve.resolution_key(candidate.kind, key), key)
        )
    decided = curated_targets(items)
    if not decided:
        return chosen
    targets = {pk for pk in decided.values() if pk is not None}
    kinds = dict(Entity.objects.filter(pk__in=targets).values_list("pk", "kind"))
    out = {}
    for i, name in enumerate(names):
        if i not in decided:
            out[name] = chosen[name]
        elif (target := decided[i]) is not None and target in kinds:
            out[name] = _Candidate(target, kinds[target], chosen[name].text)
    return out


@lru_cache(maxsize=200_000)
def name_of(text: str) -> Name:
    """A name's normalised, case-folded words."""
    return tuple(_WORD_RE.findall(nlp.normalize_letters(text).casefold()))


class _Matcher:
    """Finds candidate names in a text: whole words, a proclitic allowed on the first word."""

    def __init__(self, candidates: dict[Name, _Candidate]) -> None:
        # A person's one-word name beside another name is another person's (_beside_a_name).
        self._persons = {n for n, c in candidates.items() if c.kind == "PERS" and len(n) == 1}
        self._index: dict[str, list[Name]] = defaultdict(list)
        for name in candidates:
            self._index[name[0]].append(name)
        for entries in self._index.values():
            entries.sort(key=len, reverse=True)
        self._begun = lru_cache(maxsize=300_000)(self._begun_by)
        self._seen: set[str] = set()
        self._starters: set[str] = set()

    def _starters_among(self, words: set[str]) -> set[str]:
        """The words that may begin a name (remembered: most words of a text were seen)."""
        if len(self._seen) > 1_000_000:
            self._seen.clear()
            self._starters.clear()
        for word in words - self._seen:
            self._seen.add(word)
            if self._begun(word):
                self._starters.add(word)
        return words & self._starters

    def _begun_by(self, word: str) -> tuple[tuple[int, Name], ...]:
        """(proclitic letters, name) of each name the word may begin. A proclitic is read only
        where the whole word is neither a name's first word nor an ordinary or known word
        (بحماس "with zeal" is no ب + حماس)."""
        out = [(0, name) for name in self._index.get(word, ())]
        if not out and not is_ordinary_word(word) and not is_name_unit(word):
            for form, n in clitic_analyses(word)[1:]:
                out.extend((n, name) for name in self._index.get(form, ()))
        return tuple(out)

    def matches(self, text: str, folded: str) -> Iterator[tuple[Name, int, int]]:
        """(name, start, end) of each candidate's occurrence, its proclitic left out; ``folded``
        is the text's normalised letters, case-folded."""
        if len(folded) == len(text):
            # the usual case, nothing deleted: offsets into the folded text are the text's
            parts = _SEPARATOR_RE.split(folded)
            norms = parts[0::2]
        else:
            # marks deleted inside words: the words are the same, the offsets the text's
            parts = _SEPARATOR_RE.split(text)
            norms = _SEPARATOR_RE.split(folded)[0::2]
            if len(norms) != len(parts) // 2 + 1:  # a word of marks only, deleted whole
                norms = [norm_token(w).casefold() for w in parts[0::2]]
        starters = self._starters_among(set(norms))
        if not starters:
            return
        begun = self._begun
        # parts alternate words and what separates them: word k is parts[2k], at offsets[2k]
        offsets = list(accumulate(map(len, parts), initial=0))
        count = len(norms)
        for i in [i for i, w in enumerate(norms) if w in starters]:
            for n, name in begun(norms[i]):
                end = i + len(name)
                if end > count or tuple(norms[i + 1 : end]) != name[1:]:
                    continue
                # whole words of one phrase: nothing but spaces between them
                if not all(parts[2 * k + 1].isspace() for k in range(i, end - 1)):
                    continue
                if name in self._persons and _beside_a_name(parts, norms, i):
                    continue
                start = offsets[2 * i]
                if n:
                    start += source_offset(text[start : offsets[2 * i + 1]], n)
                yield name, start, offsets[2 * end - 1]


def _beside_a_name(parts: Sequence[str], norms: Sequence[str], i: int) -> bool:
    """Whether the word ``i`` stands right next to a name unit (إيفانكا ترامب، ترامب جونيور):
    then it is part of a longer name, maybe another person's. Titles do not count."""
    before = i > 0 and parts[2 * i - 1].isspace() and _is_name_word(norms[i - 1])
    after = i + 1 < len(norms) and parts[2 * i + 1].isspace() and _is_name_word(norms[i + 1])
    return before or after


@lru_cache(maxsize=100_000)
def _is_name_word(word: str) -> bool:
    return word not in _TITLE_WORDS and (is_name_unit(word) or is_given_name(word))


def _with_alef(name: Name) -> Name:
    """A name the recogniser cut after the ل of لل (لقرم from للقرم), with its alef back."""
    if name and name[0].startswith("ل") and len(name[0]) >= 3:
        return ("ا" + name[0], *name[1:])
    return ()


def _marked_names(
    spans: Sequence[tuple[str, int, int, int, bool]],
    texts: dict[str, str],
    candidates: dict[Name, _Candidate],
) -> dict[Name, int]:
    """The candidate names the recogniser marked in one article, each with the entity it
    linked them to there."""
    out: dict[Name, int] = {}
    for field, start, end, entity_id, recalled in spans:
        if recalled:
            continue
        name = name_of(texts[field][start:end])
        if name in candidates:
            out.setdefault(name, entity_id)
        elif (full := _with_alef(name)) in candidates:
            out.setdefault(full, entity_id)  # لقرم cut from للقرم: القرم
    return out


def _non_overlapping(
    misses: list[tuple[Name, str, int, int, str]], own: dict[Name, int]
) -> list[_Found]:
    """The longer of overlapping matches (earlier on a tie), with their sentences."""
    ordered = sorted(misses, key=lambda m: (m[1], -(m[3] - m[2]), m[2]))
    kept: list[tuple[Name, str, int, int, str]] = []
    for miss in ordered:
        _, field, start, end, _ = miss
        if not any(f == field and s < end and start < e for _, f, s, e, _ in kept):
            kept.append(miss)
    bounds: dict[str, list[tuple[int, int]]] = {}
    out = []
    for name, field, start, end, text in sorted(kept, key=lambda m: (m[1] != "title", m[2])):
        if field not in bounds:
            bounds[field] = nlp.sentence_bounds(text)
        sentence = _sentence_of(bounds[field], start)
        out.append(_Found(name, field, start, end, sentence, text[start:end], own.get(name)))
    return out


def _batches() -> Iterator[
    tuple[list[tuple[int, str, str, datetime]], dict[int, list[tuple[str, int, int, int, bool]]]]
]:
    """The archive's articles in id order, a batch at a time, with their mentions."""
    last = 0
    while True:
        articles = list(
            Article.objects.filter(pk__gt=last)
            .order_by("pk")
            .values_list("pk", "title", "body", "placed_at")[:READ_BATCH]
        )
        if not articles:
            return
        first, last = articles[0][0], articles[-1][0]
        mentions: dict[int, list[tuple[str, int, int, int, bool]]] = defaultdict(list)
        rows = (
            Mention.objects.filter(article_id__gte=first, article_id__lte=last)
            .order_by("article_id", "field", "start")
            .values_list("article_id", "field", "start", "end", "entity_id", "recalled")
        )
        for article_id, *rest in rows:
            mentions[article_id].append(tuple(rest))
        yield articles, mentions


def _lexicon(
    candidates: dict[Name, _Candidate],
    occurs: Counter[Name],
    marked: Counter[Name],
    total_articles: int,
) -> dict[Name, _Candidate]:
    """The candidates marked in enough articles and in a large enough share of those that
    contain them."""
    out = {}
    for name, candidate in candidates.items():
        if candidate is _WITH_ARTICLE:
            continue
        count, seen = marked[name], occurs[name]
        if _full_person_name(name, candidate) or _foreign_surname(name, candidate):
            share = PERSON_MIN_SHARE
        elif _known_place(name, candidate):
            share = PLACE_MIN_SHARE
        else:
            share = RECALL_MIN_SHARE
        if count < RECALL_MIN_ARTICLES or count < share * seen:
            continue
        if len(name) == 1 and occurs[_articled(name)] > ARTICLE_SHARE * seen:
            continue  # a common noun (الروس، الحجة), or an adjective
        if (
            len(name) == 1
            and seen >= max(FREQUENT_SHARE * total_articles, FREQUENT_MIN_ARTICLES)
            and not is_listed(nlp.entity_key(name[0]))
        ):
            continue
        out[name] = candidate
    return out


def _known_place(name: Name, candidate: _Candidate) -> bool:
    """A place's name that GeoNames, CLDR or the table knows as a place (الرقة); a one-word
    candidate is no ordinary word already (``is_recallable_word``, in ``_candidates``)."""
    return candidate.kind == "LOC" and nlp.entity_key(" ".join(name)) in place_keys()


def _foreign_surname(name: Name, candidate: _Candidate) -> bool:
    """A person's one-word name that no table knows as a name unit, of four letters or more and
    without the article (مارادونا، بوفون، سكريبال; not اليساري, an adjective)."""
    word = name[0]
    return (
        candidate.kind == "PERS"
        and len(name) == 1
        and len(word) >= 4
        and not word.startswith(ARTICLE)
        and not is_name_unit(word)
    )


def _full_person_name(name: Name, candidate: _Candidate) -> bool:
    """A person's name of two words or more that ends in a surname (جواد ظريف, صائب عريقات, بن
    لادن): no ordinary word first, and a last word of three letters or more that is no given
    name nor the second half of one (عبد الله, أبو زيد), so that two given names (محمد علي)
    or a phrase (الحمد الله) are not such a name."""
    return (
        candidate.kind == "PERS"
        and len(name) >= 2
        and not is_ordinary_word(name[0])
        and len(name[-1]) >= MIN_LETTERS
        and not is_given_name(name[-1])
        and name[-2] not in GIVEN_NAME_PARTICLES
        and name[-1] != "الدين"  # عز الدين, نور الدين: given names
    )


def _store(
    found: dict[int, list[_Found]],
    lexicon: dict[Name, _Candidate],
    placed: dict[int, datetime],
) -> tuple[int, int]:
    """Store one batch's recalled mentions in one transaction, checked again against the
    mentions stored now; (mentions added, articles that gained one)."""
    with transaction.atomic():
        lock_entities(exclusive=False)
        existing = set(Article.objects.filter(pk__in=list(found)).values_list("pk", flat=True))
        taken: dict[tuple[int, str], list[tuple[int, int]]] = defaultdict(list)
        for article_id, field, start, end in Mention.objects.filter(
            article_id__in=list(existing)
        ).values_list("article_id", "field", "start", "end"):
            taken[article_id, field].append((start, end))
        rows = []
        for pk in sorted(existing):
            for item in found[pk]:
                if any(a < item.end and item.start < b for a, b in taken[pk, item.field]):
                    continue
                rows.append((pk, item.entity_id or lexicon[item.name].entity_id, item))
        if not rows:
            return 0, 0
        alive = set(
            Entity.objects.filter(pk__in={e for _, e, _ in rows}).values_list("pk", flat=True)
        )
        rows = [row for row in rows if row[1] in alive]
        aliases = _aliases_for([(entity_id, item.text) for _, entity_id, item in rows])
        insert_rows(
            Mention,
            (*MENTION_COLUMNS, "recalled"),
            [
                (
                    pk,
                    entity_id,
                    aliases[entity_id, item.text],
                    item.field,
                    item.start,
                    item.end,
                    *item.sentence,
                    "",
                    True,
                )
                for pk, entity_id, item in rows
            ],
        )
        per_pair = Counter((pk, entity_id) for pk, entity_id, _ in rows)
        _add_appearances(per_pair, placed)
        return len(rows), len({pk for pk, _, _ in rows})


def _add_appearances(per_pair: Counter[tuple[int, int]], placed: dict[int, datetime]) -> None:
    """Count the new mentions into the appearances, adding the missing ones, and the articles
    an entity gained into its article count."""
    table = connection.ops.quote_name(ArticleEntity._meta.db_table)
    pairs = sorted(per_pair)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({', '.join(APPEARANCE_COLUMNS)})"
            f" SELECT * FROM unnest(%s::bigint[], %s::bigint[], %s::timestamptz[], %s::int[])"
            f" ON CONFLICT (entity_id, article_id)"
            f" DO UPDATE SET mentions = {table}.mentions + EXCLUDED.mentions"
            f" RETURNING entity_id, xmax = 0",
            [
                [a for a, _ in pairs],
                [e for _, e in pairs],
                [placed[a] for a, _ in pairs],
                [per_pair[p] for p in pairs],
            ],
        )
        gained = Counter(pk for pk, inserted in cursor.fetchall() if inserted)
    _shift_counts(gained)


__all__ = ["RecallSummary", "recall_archive", "is_recallable_word", "name_of"]
