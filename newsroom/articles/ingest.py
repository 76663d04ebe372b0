"""The one write path for articles: validate, dedupe, store, annotate and link."""

from __future__ import annotations

import enum
import hashlib
import logging
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import partial

from django.conf import settings
from django.db import IntegrityError, transaction

from newsroom import nlp
from newsroom.articles.models import Article, Source
from newsroom.entities.linking import link_article
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
    if len(title) > Article._meta.get_field("title").max_length:
        raise RefusedError("العنوان أطول من 500 حرف.")
    if len(body) > settings.MAX_ARTICLE_CHARS:
        raise RefusedError(f"نص المقال أطول من الحد المسموح ({settings.MAX_ARTICLE_CHARS} حرف).")
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


def ingest_article(draft: ArticleDraft, *, annotator: Annotator | None = None) -> IngestResult:
    """Store one article with its entity mentions, atomically, and say what happened."""
    label = draft.label or draft.title.strip()[:80]
    try:
        draft = validate(draft)
    except RefusedError as exc:
        return IngestResult(Outcome.REFUSED, label, reason=str(exc))

    digest = content_hash(draft.title, draft.body)
    existing = Article.objects.filter(content_hash=digest).first()
    if existing is not None:
        return IngestResult(Outcome.DUPLICATE, label, article=existing)

    try:
        with transaction.atomic():
            article = _store(draft, digest)
            annotate_article(article, annotator=annotator or nlp.annotate)
            if article.status == Article.Status.FAILED:
                # Stored without mentions; a worker tries the recogniser again later.
                transaction.on_commit(partial(_schedule_retry, article.pk))
    except IntegrityError:
        # A concurrent ingest stored the same text between our check and our insert.
        existing = Article.objects.filter(content_hash=digest).first()
        if existing is None:
            raise
        return IngestResult(Outcome.DUPLICATE, label, article=existing)
    return IngestResult(Outcome.STORED, label, article=article)


def _schedule_retry(article_id: int) -> None:
    from newsroom.articles.tasks import schedule_annotation_retry

    schedule_annotation_retry(article_id)


def _store(draft: ArticleDraft, digest: str) -> Article:
    source = None
    if draft.source:
        source, _ = Source.objects.get_or_create(name=draft.source)
    return Article.objects.create(
        title=draft.title,
        body=draft.body,
        source=source,
        published_at=draft.published_at,
        url=draft.url,
        content_hash=digest,
        search_title=search_text(draft.title),
        search_body=search_text(draft.body),
    )


def annotate_article(article: Article, *, annotator: Annotator) -> None:
    """Recognise entities in the title and body and store them; a recogniser error marks the
    article as failed instead of losing it."""
    try:
        with transaction.atomic():
            spans = {"title": annotator(article.title), "body": annotator(article.body)}
            link_article(article, spans)
    except Exception as exc:  # noqa: BLE001 - any recogniser fault must not lose the article
        logger.exception("annotation failed for article %s", article.pk)
        article.status = Article.Status.FAILED
        article.annotation_error = f"{type(exc).__name__}: {exc}"[:2000]
        article.annotator_version = ""
    else:
        article.status = Article.Status.ANNOTATED
        article.annotation_error = ""
        article.annotator_version = nlp.ANNOTATOR_VERSION
    article.save(update_fields=["status", "annotation_error", "annotator_version"])
