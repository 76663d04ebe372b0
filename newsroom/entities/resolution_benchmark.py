"""How well stored entities resolve real-world actors and places across a corpus.

A list of real-world entities (a clusters file) gives each one its surface forms: the names the
corpus really uses for it, unambiguous ones only. Its articles are the stored articles whose title
or body contains one of those forms as whole words, compared on normalised text with attached
proclitics allowed (و ف ب ل ك and their combinations, and لل for ل + ال). Its best page is the
stored entity whose articles are most nearly its articles: the highest overlap
|page ∩ its articles| / |page ∪ its articles|, so that the page of a country its people are
always named with (روسيا for بوتين) does not pass for theirs. Then:

- coverage = |page ∩ its articles| / |its articles|: how much of it a reader finds on one page;
- purity = |page ∩ its articles| / |page's articles|: how much of the page is about it.

A perfect resolution has both at 1.0 for every real-world entity. Splits lower coverage,
over-merging lowers purity.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TypeVar

import regex
from django.db import connection

from newsroom.articles.models import Article
from newsroom.entities.models import Alias, ArticleEntity, Entity
from newsroom.nlp.text import clitic_analyses, normalize_letters

KINDS = ("PERS", "ORG", "LOC", "MISC")
# An entity sharing at least this share of a real-world entity's articles, under a name that
# contains one of its forms, counts as one of the pieces it is split into.
SPLIT_SHARE = 0.05
PURITY_FLOOR = 0.75

_WORD_RE = regex.compile(r"[^\s\p{P}\p{S}]+")


class ClustersError(ValueError):
    """The clusters file cannot be read."""


# The list of real-world entities ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Cluster:
    """One real-world entity: its display name, kind, every surface form that names it, and
    longer names that contain a form but name something else (``فيلق القدس`` for القدس)."""

    name: str
    kind: str
    forms: tuple[str, ...]
    excluded: tuple[str, ...] = ()


def read_clusters(path: Path) -> list[Cluster]:
    """The real-world entities of a clusters file (TSV, or JSON when the name ends in .json).

    TSV: one entity per line, ``kind<TAB>name<TAB>form | form | …`` and optionally a fourth
    column of excluded names, ``<TAB>name | …``; a line starting with ``#`` is a comment; blank
    lines are skipped. JSON: a list of ``{"kind", "name", "forms", "excluded"}`` objects
    (``excluded`` optional). The name is matched as a form too.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ClustersError(f"cannot read {path}: {exc}") from exc
    if path.suffix == ".json":
        try:
            rows = [
                (r["kind"], r["name"], list(r.get("forms", [])), list(r.get("excluded", [])))
                for r in json.loads(text)
            ]
        except (ValueError, KeyError, TypeError) as exc:
            raise ClustersError(f"{path}: expected a list of {{kind, name, forms}}: {exc}") from exc
    else:
        rows = list(_tsv_rows(path, text))
    clusters = [
        _cluster(kind, name, forms, excluded, where=f"{path}: {name}")
        for kind, name, forms, excluded in rows
    ]
    if not clusters:
        raise ClustersError(f"{path}: no entities")
    names = [c.name for c in clusters]
    if duplicate := next((n for n in names if names.count(n) > 1), None):
        raise ClustersError(f"{path}: {duplicate} is listed twice")
    return clusters


def _tsv_rows(path: Path, text: str) -> Iterator[tuple[str, str, list[str], list[str]]]:
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        cells = line.rstrip("\n").split("\t")
        if len(cells) not in (3, 4):
            raise ClustersError(
                f"{path}:{number}: expected kind, name, forms (and excluded names) "
                "separated by tabs"
            )
        kind, name, forms, *excluded = cells
        yield kind, name, forms.split("|"), excluded[0].split("|") if excluded else []


def _cluster(
    kind: str, name: str, forms: Iterable[str], excluded: Iterable[str], *, where: str
) -> Cluster:
    kind, name = kind.strip().upper(), name.strip()
    if kind not in KINDS:
        raise ClustersError(f"{where}: kind {kind!r} is not one of {', '.join(KINDS)}")
    if not name_words(name):
        raise ClustersError(f"{where}: empty name")
    unique = dict.fromkeys(f.strip() for f in (name, *forms) if name_words(f))
    return Cluster(
        name=name,
        kind=kind,
        forms=tuple(unique),
        excluded=tuple(dict.fromkeys(f.strip() for f in excluded if name_words(f))),
    )


# Matching forms in text ---------------------------------------------------------------------


def name_words(text: str) -> list[str]:
    """Normalised, case-folded words of a text, punctuation dropped."""
    return _WORD_RE.findall(normalize_letters(text).casefold())


class FormMatcher:
    """Finds which clusters a text names, by their forms as whole words.

    The first word of a form may carry proclitics in the text (وب, لل …, as ``clitic_analyses``
    reads them); the following words must be exactly the form's. A form found inside one of the
    cluster's excluded names does not count.
    """

    def __init__(self, clusters: list[Cluster]) -> None:
        # first word -> [(the other words, cluster index, excluded name?)]
        self._index: dict[str, list[tuple[tuple[str, ...], int, bool]]] = {}
        for number, cluster in enumerate(clusters):
            for names, excluded in ((cluster.forms, False), (cluster.excluded, True)):
                for form in names:
                    first, *rest = name_words(form)
                    self._index.setdefault(first, []).append((tuple(rest), number, excluded))
        # The forms a word of the text may begin, through each of its readings (cached: words
        # repeat, and most begin none).
        self._entries = lru_cache(maxsize=500_000)(self._begun_by)

    def _begun_by(self, word: str) -> tuple[tuple[tuple[str, ...], int, bool], ...]:
        return tuple(
            entry for reading, _ in clitic_analyses(word) for entry in self._index.get(reading, ())
        )

    def clusters_in(self, text: str) -> set[int]:
        """Indexes of the clusters one of whose forms the text contains."""
        words = name_words(text)
        entries = self._entries
        found: list[tuple[int, int, int]] = []  # (cluster, first word, word after)
        excluded: list[tuple[int, int, int]] = []
        for i, word in enumerate(words):
            for rest, number, exclusion in entries(word):
                end = i + 1 + len(rest)
                if tuple(words[i + 1 : end]) == rest:
                    (excluded if exclusion else found).append((number, i, end))
        return {
            number
            for number, start, end in found
            if not any(n == number and s <= start and end <= e for n, s, e in excluded)
        }


def cluster_articles(
    clusters: list[Cluster], articles: Iterable[tuple[int, str, str]]
) -> list[set[int]]:
    """For each cluster, the ids of the (id, title, body) articles that name it."""
    matcher = FormMatcher(clusters)
    found: list[set[int]] = [set() for _ in clusters]
    for pk, title, body in articles:
        # apart: a name does not run on from the end of the title into the body
        for number in matcher.clusters_in(title) | matcher.clusters_in(body):
            found[number].add(pk)
    return found


# Pages ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Page:
    """A stored entity's page as seen from one real-world entity."""

    entity_id: int
    name: str
    kind: str
    shared: int  # articles of the real-world entity the page lists
    size: int  # articles the page lists

    def coverage(self, articles: int) -> float:
        return self.shared / articles if articles else 0.0

    def overlap(self, articles: int) -> float:
        """|page ∩ articles| / |page ∪ articles| (Jaccard): 1.0 when they are the same."""
        union = self.size + articles - self.shared
        return self.shared / union if union else 0.0

    @property
    def purity(self) -> float:
        return self.shared / self.size if self.size else 0.0


@dataclass(frozen=True, slots=True)
class Result:
    cluster: Cluster
    articles: int
    pages: list[Page]  # best first
    split: int
    widest: Page | None = None  # the page listing most of its articles, whatever else it lists
    # its articles listing some entity named (or aliased) with one of its forms: the most that
    # merging the stored entities alone could put on one page
    found: int = 0

    @property
    def best(self) -> Page | None:
        return self.pages[0] if self.pages else None

    @property
    def coverage(self) -> float:
        return self.best.coverage(self.articles) if self.best else 0.0

    @property
    def found_share(self) -> float:
        return self.found / self.articles if self.articles else 0.0


def pages_sharing(article_ids: set[int], minimum: int) -> list[Page]:
    """The entities listing at least ``minimum`` of the articles, best first: the highest
    overlap with them, then the most of them, then the smaller page, then the older entity."""
    appearances = ArticleEntity._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT entity_id, COUNT(*) FROM {appearances} WHERE article_id = ANY(%s)"
            " GROUP BY entity_id HAVING COUNT(*) >= %s",
            [sorted(article_ids), max(1, minimum)],
        )
        shared = dict(cursor.fetchall())
        if not shared:
            return []
        cursor.execute(
            f"SELECT entity_id, COUNT(*) FROM {appearances} WHERE entity_id = ANY(%s)"
            " GROUP BY entity_id",
            [list(shared)],
        )
        sizes = dict(cursor.fetchall())
    entities = Entity.objects.in_bulk(list(shared))
    pages = [
        Page(pk, entities[pk].name, entities[pk].kind, n, sizes[pk])
        for pk, n in shared.items()
        if pk in entities
    ]
    return best_first(pages, len(article_ids))


def best_first(pages: list[Page], articles: int) -> list[Page]:
    """Pages by overlap with a real-world entity's ``articles``, then by articles shared, then
    the smaller page, then the older entity."""
    return sorted(pages, key=lambda p: (-p.overlap(articles), -p.shared, p.size, p.entity_id))


def widest(pages: list[Page]) -> Page | None:
    """The page listing most of the articles, whatever else it lists."""
    return min(pages, key=lambda p: (-p.shared, p.size, p.entity_id), default=None)


def measure_cluster(
    cluster: Cluster, article_ids: set[int], naming: set[int] | frozenset[int] = frozenset()
) -> Result:
    """A real-world entity's pages among the entities listing its articles; ``naming`` are
    the entities whose name or an alias contains one of its forms."""
    if not article_ids:
        return Result(cluster, 0, [], 0)
    # Only pages holding 5 % of the articles are fetched (a page holding fewer overlaps less
    # than 0.05); when none does, the pages holding any.
    pages = pages_sharing(article_ids, math.ceil(SPLIT_SHARE * len(article_ids)))
    if not pages:
        pages = pages_sharing(article_ids, 1)[:3]
    matcher = FormMatcher([cluster])
    split = sum(
        1
        for page in pages
        if page.shared >= SPLIT_SHARE * len(article_ids) and matcher.clusters_in(page.name)
    )
    return Result(
        cluster,
        len(article_ids),
        pages,
        split,
        widest(pages),
        articles_listing(naming, article_ids),
    )


def articles_listing(entity_ids: set[int], article_ids: set[int]) -> int:
    """How many of the articles list at least one of the entities."""
    if not entity_ids:
        return 0
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COUNT(DISTINCT article_id) FROM {ArticleEntity._meta.db_table}"
            " WHERE entity_id = ANY(%s) AND article_id = ANY(%s)",
            [sorted(entity_ids), sorted(article_ids)],
        )
        return cursor.fetchone()[0]


def entities_naming(clusters: list[Cluster]) -> list[set[int]]:
    """For each cluster, the stored entities whose name or one of whose aliases contains one of
    its forms (as in article text: whole words, proclitics allowed, excluded names not)."""
    matcher = FormMatcher(clusters)
    found: list[set[int]] = [set() for _ in clusters]
    names = Entity.objects.values_list("pk", "name").iterator(chunk_size=5000)
    aliases = Alias.objects.values_list("entity_id", "text").iterator(chunk_size=5000)
    for rows in (names, aliases):
        for pk, name in rows:
            for number in matcher.clusters_in(name):
                found[number].add(pk)
    return found


def stored_articles(chunk: int = 2000) -> Iterator[tuple[int, str, str]]:
    yield from Article.objects.order_by("pk").values_list("pk", "title", "body").iterator(chunk)


def measure(clusters: list[Cluster]) -> list[Result]:
    """Each cluster's articles among the stored ones, and its pages."""
    found = cluster_articles(clusters, stored_articles())
    naming = entities_naming(clusters)
    return [
        measure_cluster(c, ids, named)
        for c, ids, named in zip(clusters, found, naming, strict=True)
    ]


@dataclass(frozen=True, slots=True)
class Summary:
    measured: int  # real-world entities with at least one article
    listed: int
    mean_coverage: float
    mean_purity: float
    impure: int  # best pages below PURITY_FLOOR
    mean_widest: float  # mean coverage of the pages listing most of each one's articles
    mean_found: float  # mean share of its articles listing an entity named with its forms


def summarise(results: list[Result]) -> Summary:
    """Means over the real-world entities the corpus names (the others cannot be measured)."""
    named = [r for r in results if r.articles]
    paged = [r for r in named if r.best]
    return Summary(
        measured=len(named),
        listed=len(results),
        mean_coverage=sum(r.coverage for r in named) / len(named) if named else 0.0,
        mean_purity=sum(r.best.purity for r in paged) / len(paged) if paged else 0.0,
        impure=sum(1 for r in paged if r.best.purity < PURITY_FLOOR),
        mean_widest=sum(r.widest.coverage(r.articles) for r in paged if r.widest) / len(named)
        if named
        else 0.0,
        mean_found=sum(r.found_share for r in named) / len(named) if named else 0.0,
    )


# A list is split in two halves by position: odd entries (1st, 3rd, …) are the development
# half, whose per-entity results may guide work on the rules, even entries the report half,
# read only in aggregate (docs/resolution.md).
HALVES = ("dev", "report")
_T = TypeVar("_T")


def half(entries: list[_T], which: str) -> list[_T]:
    """The entries of one half of a list: ``dev`` the odd ones, ``report`` the even ones."""
    if which not in HALVES:
        raise ValueError(f"half must be one of {', '.join(HALVES)}, not {which!r}")
    return entries[HALVES.index(which) :: 2]


def half_lines(results: list[Result]) -> Iterator[str]:
    """One summary line per half of the list (results in the list's order)."""
    for which in HALVES:
        s = summarise(half(results, which))
        yield (
            f"{which} half ({s.measured} entities): mean coverage {s.mean_coverage:.3f}; "
            f"mean purity {s.mean_purity:.3f}; best pages with purity < {PURITY_FLOOR}: "
            f"{s.impure}; found {s.mean_found:.3f}"
        )


def report_lines(
    results: list[Result], *, verbose: bool = False, halves: bool = False, entities: bool = True
) -> Iterator[str]:
    """The printed report: one line per real-world entity (unless ``entities`` is false), the
    summary, the summary of each half of the list (``halves``), and last the mean coverage as
    ``resolution coverage 0.NNN``."""
    if entities:
        yield (
            f"{'entity':<30} {'kind':<4} {'articles':>8} {'coverage':>8} {'purity':>7} "
            f"{'split':>5} {'found':>6}  best page"
        )
    for r in results if entities else ():
        head = f"{r.cluster.name:<30} {r.cluster.kind:<4} {r.articles:>8}"
        if not r.articles:
            yield f"{head}  not named in the corpus"
            continue
        best = r.best
        if best is None:
            yield (
                f"{head} {0:>8.3f} {'-':>7} {0:>5} {r.found_share:>6.3f}  "
                "no page lists any of its articles"
            )
            continue
        yield (
            f"{head} {r.coverage:>8.3f} {best.purity:>7.3f} {r.split:>5} {r.found_share:>6.3f}  "
            f"#{best.entity_id} {best.name} ({best.kind}, {best.size} articles)"
        )
        if verbose:
            for page in r.pages[:3]:
                yield (
                    f"{'':<36}#{page.entity_id} {page.name} ({page.kind}): coverage "
                    f"{page.coverage(r.articles):.3f}, purity {page.purity:.3f}, "
                    f"{page.shared}/{page.size} articles, overlap {page.overlap(r.articles):.3f}"
                )
    s = summarise(results)
    yield (
        "articles listing an entity named with one of its forms (about the most that merging "
        f"stored entities alone can reach): mean {s.mean_found:.3f}"
    )
    yield (
        f"pages listing most of each one's articles, whatever else they list (a country's page "
        f"for its leaders): mean coverage {s.mean_widest:.3f}"
    )
    yield (
        f"{s.measured} of {s.listed} real-world entities named in the corpus; "
        f"mean purity {s.mean_purity:.3f}; best pages with purity < {PURITY_FLOOR}: {s.impure}"
    )
    if halves:
        yield from half_lines(results)
    yield f"resolution coverage {s.mean_coverage:.3f}"
