"""The one write path for articles: validate, dedupe, store, annotate and link."""

from __future__ import annotations

import enum
import hashlib
import logging
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import partial

from django.conf import settings
from django.db import IntegrityError, InterfaceError, OperationalError, transaction
from django.utils.translation import ngettext

from newsroom import nlp
from newsroom.articles.models import Article, Source
from newsroom.entities.linking import link_article, link_articles
from newsroom.nlp.search import search_text

logger = logging.getLogger(__name__)

Annotator = Callable[[str], list[nlp.Span]]

# What clean_text removes: C0/C1 controls (except tab and newline), lone surrogates, and invisible
# format characters that only steer display: bidi marks, embeddings, overrides and isolates (the
# page sets the direction; a stray override can reorder or disguise what a reader sees), zero-width
# space, word joiner and invisible operators, soft hyphen, BOMs inside the text. Zero-width joiner
# and non-joiner stay: they change how Arabic-script letters join (Persian names, abbreviations),
# and the annotator ignores them when matching. Mention offsets index the stored, cleaned text.
_CONTROL_RE = re.compile(
    "[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff"
    "\u00ad\u061c\u180e\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]"
)
_LINE_BREAK_RE = re.compile("\r\n?|[\x0b\x0c\x85\u2028\u2029]")
# Every other kind of space (tab, no-break, thin, ideographic…) becomes one plain space.
_BLANKS_RE = re.compile(r"[^\S\n]+")
_SPACES_RE = re.compile(r"[ \t\u00a0]+")


@dataclass(frozen=True, slots=True)
class ArticleDraft:
    """An article as an entry point parsed it, before validation."""

    title: str
    body: str
    source: str = ""
    published_at: datetime | None = None
    url: str = ""
    label: str = ""  # where it came from (file name, row), for the per-item report


class Outcome(enum.StrEnum):
    STORED = "stored"
    DUPLICATE = "duplicate"
    REFUSED = "refused"


@dataclass(frozen=True, slots=True)
class IngestResult:
    outcome: Outcome
    label: str
    article: Article | None = None
    reason: str = ""


class RefusedError(ValueError):
    """The draft cannot be stored; the message says why, in the reader's language."""


def clean_text(text: str) -> str:
    """Normalise one field: line breaks, invisible characters, spaces, NFC; drop blank lines."""
    text = _LINE_BREAK_RE.sub("\n", text)
    text = unicodedata.normalize("NFC", _CONTROL_RE.sub("", text))
    lines = (_BLANKS_RE.sub(" ", line).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def content_hash(title: str, body: str) -> str:
    """Hash of the normalised text, so re-encoded or re-diacritised copies count as duplicates."""
    canonical = nlp.normalize_letters(f"{title}\n{body}")
    canonical = _SPACES_RE.sub(" ", canonical).strip()
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def validate(draft: ArticleDraft) -> ArticleDraft:
    title = " ".join(clean_text(draft.title).split())
    body = clean_text(draft.body)
    if not title:
        raise RefusedError("العنوان فارغ.")
    if not body:
        raise RefusedError("نص المقال فارغ.")
    if len(title) > (limit := Article._meta.get_field("title").max_length):
        raise RefusedError(
            ngettext("العنوان أطول من حرف واحد.", "العنوان أطول من %(n)s حرف.", limit)
            % {"n": limit}
        )
    if len(body) > (limit := settings.MAX_ARTICLE_CHARS):
        raise RefusedError(
            ngettext(
                "نص المقال أطول من الحد المسموح (حرف واحد).",
                "نص المقال أطول من الحد المسموح (%(n)s حرف).",
                limit,
            )
            % {"n": limit}
        )
    url = draft.url.strip()
    if url and not re.match(r"^https?://\S+$", url):
        raise RefusedError("الرابط غير صالح: يجب أن يبدأ بـ http:// أو https://.")
    return ArticleDraft(
        title=title,
        body=body,
        source=" ".join(draft.source.split())[:200],
        published_at=draft.published_at,
        url=url,
        label=draft.label,
    )


@dataclass(frozen=True, slots=True)
class Prepared:
    """A validated draft with everything computed that needs no database: what workers of a
    bulk import send back to the process that stores."""

    draft: ArticleDraft
    label: str
    digest: str = ""
    search_title: str = ""
    search_body: str = ""
    spans: dict[str, list[nlp.Span]] | None = None  # None: the recogniser failed
    error: str = ""  # the recogniser's error, or why the draft is refused
    refused: bool = False


def prepare(draft: ArticleDraft, annotator: Annotator | None = None) -> Prepared:
    """Validate, hash and annotate one draft (CPU only: no database, safe in a worker process)."""
    label = _label(draft)
    try:
        draft = validate(draft)
    except RefusedError as exc:
        return Prepared(draft, label, error=str(exc), refused=True)
    spans, error = None, ""
    try:
        annotate = annotator or nlp.annotate
        spans = {"title": annotate(draft.title), "body": annotate(draft.body)}
    except Exception as exc:  # noqa: BLE001 - any recogniser fault must not lose the article
        logger.exception("annotation failed for %s", label)
        error = error_text(exc)
    return _prepared(draft, label, spans, error)


def _label(draft: ArticleDraft) -> str:
    """What the per-item report calls a draft: where it came from, else its title's start."""
    return draft.label or draft.title.strip()[:80]


def _prepared(draft: ArticleDraft, label: str, spans, error: str) -> Prepared:
    return Prepared(
        draft,
        label,
        digest=content_hash(draft.title, draft.body),
        search_title=search_text(draft.title),
        search_body=search_text(draft.body),
        spans=spans,
        error=error,
    )


def prepare_all(
    drafts: Sequence[ArticleDraft], annotator: Annotator | None = None
) -> list[Prepared]:
    """prepare() of many drafts. With the configured recogniser their texts are annotated in
    one call (faster: the tagger batches sentences across articles); if that call fails, each
    draft is annotated on its own, so only the one that breaks the recogniser fails."""
    if annotator is not None:
        return [prepare(draft, annotator) for draft in drafts]
    out: list[Prepared | None] = [None] * len(drafts)
    valid: list[tuple[int, str, ArticleDraft]] = []
    for i, draft in enumerate(drafts):
        label = _label(draft)
        try:
            valid.append((i, label, validate(draft)))
        except RefusedError as exc:
            out[i] = Prepared(draft, label, error=str(exc), refused=True)
    try:
        spans = nlp.annotate_many([t for _, _, d in valid for t in (d.title, d.body)])
    except Exception:  # noqa: BLE001 - retried one by one to find the article at fault
        logger.warning("annotating %d articles at once failed: one by one", len(valid))
        for i, _, draft in valid:
            out[i] = prepare(draft)
    else:
        for k, (i, label, draft) in enumerate(valid):
            title, body = spans[2 * k], spans[2 * k + 1]
            out[i] = _prepared(draft, label, {"title": title, "body": body}, "")
    return out  # type: ignore[return-value]


def ingest_article(draft: ArticleDraft, *, annotator: Annotator | None = None) -> IngestResult:
    """Store one article with its entity mentions, atomically, and say what happened."""
    return store([prepare(draft, annotator)])[0]


def ingest_many(
    drafts: Sequence[ArticleDraft], *, annotator: Annotator | None = None
) -> list[IngestResult]:
    """Store many articles (one transaction, a fixed number of queries); results in order."""
    return store(prepare_all(drafts, annotator))


def store(items: Sequence[Prepared]) -> list[IngestResult]:
    """Store prepared drafts that are not stored yet, in one transaction, and say per item what
    happened. If the batch fails for a reason of its own (a concurrent import of the same text,
    a value the database refuses), each item is stored on its own instead, so one bad item
    costs only itself; a lost database connection is raised."""
    results: list[IngestResult | None] = [None] * len(items)
    new: dict[str, int] = {}  # digest → index of the first item with it
    for i, item in enumerate(items):
        if item.refused:
            results[i] = IngestResult(Outcome.REFUSED, item.label, reason=item.error)
        elif item.digest not in new:
            new[item.digest] = i
    existing = {a.content_hash: a for a in Article.objects.filter(content_hash__in=list(new))}
    fresh = [i for digest, i in new.items() if digest not in existing]
    stored = None
    if len(fresh) > 1:
        try:
            stored = _store_together([items[i] for i in fresh])
        except (OperationalError, InterfaceError):
            raise
        except Exception:  # noqa: BLE001 - retried item by item below
            logger.warning("a batch of %d articles failed: storing one by one", len(fresh))
    if stored is None:
        stored = [_store_alone(items[i]) for i in fresh]
    for i, article in zip(fresh, stored, strict=True):
        if isinstance(article, Article):
            existing[items[i].digest] = article
            results[i] = IngestResult(Outcome.STORED, items[i].label, article=article)
        else:
            existing[items[i].digest] = article.article
            results[i] = article
    for i, item in enumerate(items):
        if results[i] is None:
            results[i] = IngestResult(Outcome.DUPLICATE, item.label, article=existing[item.digest])
    return results  # type: ignore[return-value]


def _store_together(items: Sequence[Prepared]) -> list[Article]:
    with transaction.atomic():
        articles = _insert(items)
        link_articles(
            [(a, p.spans) for a, p in zip(articles, items, strict=True) if p.spans is not None],
            fresh=True,
        )
        _after_commit(articles)
    return articles


def _store_alone(item: Prepared) -> Article | IngestResult:
    """One article; a duplicate stored meanwhile by someone else comes back as IngestResult."""
    try:
        with transaction.atomic():
            (article,) = _insert([item])
            if item.spans is not None:
                try:
                    with transaction.atomic():
                        link_articles([(article, item.spans)], fresh=True)
                except Exception as exc:  # noqa: BLE001 - kept, marked failed, retried later
                    logger.exception("linking failed for article %s", article.pk)
                    _mark_failed(article, exc)
                    article.save(update_fields=["status", "annotation_error", "annotator_version"])
            _after_commit([article])
    except IntegrityError:
        # A concurrent ingest stored the same text between our check and our insert.
        existing = Article.objects.filter(content_hash=item.digest).first()
        if existing is None:
            raise
        return IngestResult(Outcome.DUPLICATE, item.label, article=existing)
    return article


def error_text(exc: Exception) -> str:
    """An exception as one stored line: its type and message, at most 2,000 characters."""
    return f"{type(exc).__name__}: {exc}"[:2000]


def _mark_failed(article: Article, exc: Exception) -> None:
    """Stored without mentions: status failed, the error kept for the admin, no version."""
    article.status = Article.Status.FAILED
    article.annotation_error = error_text(exc)
    article.annotator_version = ""


def _after_commit(articles: Sequence[Article]) -> None:
    for article in articles:
        if article.status == Article.Status.FAILED:
            # Stored without mentions; a worker tries the recogniser again later.
            transaction.on_commit(partial(_schedule_retry, article.pk))


def _schedule_retry(article_id: int) -> None:
    from newsroom.articles.tasks import schedule_annotation_retry

    schedule_annotation_retry(article_id)


def _insert(items: Sequence[Prepared]) -> list[Article]:
    names = sorted({p.draft.source for p in items if p.draft.source})
    sources = {}
    if names:
        Source.objects.bulk_create([Source(name=n) for n in names], ignore_conflicts=True)
        sources = {s.name: s for s in Source.objects.filter(name__in=names)}
    version = nlp.ANNOTATOR_VERSION
    articles = [
        Article(
            title=p.draft.title,
            body=p.draft.body,
            source=sources.get(p.draft.source),
            published_at=p.draft.published_at,
            url=p.draft.url,
            content_hash=p.digest,
            search_title=p.search_title,
            search_body=p.search_body,
            status=Article.Status.ANNOTATED if p.spans is not None else Article.Status.FAILED,
            annotator_version=version if p.spans is not None else "",
            annotation_error=p.error,
        )
        for p in items
    ]
    return Article.objects.bulk_create(articles)


def annotate_article(article: Article, *, annotator: Annotator) -> None:
    """Recognise entities in the title and body and store them; a recogniser error marks the
    article as failed instead of losing it."""
    try:
        with transaction.atomic():
            spans = {"title": annotator(article.title), "body": annotator(article.body)}
            link_article(article, spans)
    except Exception as exc:  # noqa: BLE001 - any recogniser fault must not lose the article
        logger.exception("annotation failed for article %s", article.pk)
        _mark_failed(article, exc)
    else:
        article.status = Article.Status.ANNOTATED
        article.annotation_error = ""
        article.annotator_version = nlp.ANNOTATOR_VERSION
    article.save(update_fields=["status", "annotation_error", "annotator_version"])
