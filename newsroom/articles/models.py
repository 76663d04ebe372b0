from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import models
from django.db.models import F
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class Source(models.Model):
    name = models.CharField(_("الاسم"), max_length=200, unique=True)
    url = models.URLField(_("الرابط"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("مصدر")
        verbose_name_plural = _("المصادر")

    def __str__(self) -> str:
        return self.name


class ArticleQuerySet(models.QuerySet["Article"]):
    def newest_first(self) -> ArticleQuerySet:
        """Newest first by placed_at: an undated article where it was received."""
        return self.order_by("-placed_at", "-id")

    def mentioning(self, entity) -> ArticleQuerySet:
        return self.filter(mentions__entity=entity).distinct()


class Article(models.Model):
    class Status(models.TextChoices):
        ANNOTATED = "annotated", _("مُعلَّم")
        FAILED = "failed", _("فشل التعليم")

    title = models.CharField(_("العنوان"), max_length=500)
    body = models.TextField(_("النص"))
    source = models.ForeignKey(
        Source,
        verbose_name=_("المصدر"),
        on_delete=models.PROTECT,
        related_name="articles",
        null=True,
        blank=True,
    )
    published_at = models.DateTimeField(_("تاريخ النشر"), null=True, blank=True)
    url = models.URLField(_("الرابط"), max_length=1000, blank=True)
    content_hash = models.CharField(_("بصمة المحتوى"), max_length=64, unique=True, editable=False)
    status = models.CharField(
        _("الحالة"), max_length=16, choices=Status.choices, default=Status.ANNOTATED
    )
    annotator_version = models.CharField(_("إصدار المعلِّم"), max_length=64, blank=True)
    annotation_error = models.TextField(_("خطأ التعليم"), blank=True)
    created_at = models.DateTimeField(_("أُضيف في"), auto_now_add=True)
    # Where the article stands in every newest-first list: its publication date or, for an
    # article without one, when it was received (so a fresh undated upload comes first).
    placed_at = models.GeneratedField(
        expression=Coalesce("published_at", "created_at"),
        output_field=models.DateTimeField(_("تاريخ الترتيب")),
        db_persist=True,
    )
    # The title and body as the search index sees them (newsroom.nlp.search.search_text):
    # normalised spelling, clitics off. PostgreSQL's arabic configuration stems them further.
    search_title = models.TextField(editable=False, default="")
    search_body = models.TextField(editable=False, default="")
    search_vector = models.GeneratedField(
        expression=SearchVector("search_title", weight="A", config="arabic")
        + SearchVector("search_body", weight="B", config="arabic"),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    objects = ArticleQuerySet.as_manager()

    class Meta:
        verbose_name = _("مقال")
        verbose_name_plural = _("المقالات")
        indexes = [
            models.Index(F("placed_at").desc(), F("id").desc(), name="article_newest_idx"),
            GinIndex(fields=["search_vector"], name="article_search_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("reader:article", args=[self.pk])


class UploadBatch(models.Model):
    """One upload from the admin page; its items are ingested one by one, resumably."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("رفعه"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("رُفع في"), auto_now_add=True)
    # The form's default source, offered again for the next upload.
    source = models.CharField(_("المصدر"), max_length=200, blank=True)
    total = models.PositiveIntegerField(_("عدد العناصر"), default=0)
    background = models.BooleanField(_("في الخلفية"), default=False)
    progressed_at = models.DateTimeField(_("آخر تقدّم"), null=True, blank=True)
    finished_at = models.DateTimeField(_("انتهى في"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("عملية رفع")
        verbose_name_plural = _("عمليات الرفع")

    def __str__(self) -> str:
        return f"رفع رقم {self.pk} ({self.total})"

    def get_absolute_url(self) -> str:
        return reverse("upload_batch", args=[self.pk])


class UploadItem(models.Model):
    """One article of an upload: the parsed draft until it is ingested, then what happened."""

    class Status(models.TextChoices):
        PENDING = "pending", _("بانتظار المعالجة")
        PROCESSING = "processing", _("قيد المعالجة")
        STORED = "stored", _("حُفظ")
        DUPLICATE = "duplicate", _("مكرر")
        REFUSED = "refused", _("مرفوض")

    UNFINISHED = (Status.PENDING, Status.PROCESSING)

    batch = models.ForeignKey(UploadBatch, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveIntegerField()
    label = models.CharField(_("العنصر"), max_length=500)
    # title, body, source, published_at (ISO 8601), url; emptied once the item is ingested.
    draft = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        _("الحالة"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    article = models.ForeignKey(
        Article, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reason = models.TextField(_("السبب"), blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    # Set by the processor that claimed the item; another one may take it over only if the
    # claimer's transaction is gone (its row lock is released when its connection dies).
    claim = models.CharField(max_length=32, blank=True)

    class Meta:
        ordering = ["batch", "position"]
        verbose_name = _("عنصر رفع")
        verbose_name_plural = _("عناصر الرفع")
        constraints = [
            models.UniqueConstraint(fields=["batch", "position"], name="upload_item_position_uniq")
        ]
        indexes = [
            models.Index(fields=["batch", "status", "position"], name="upload_item_status_idx")
        ]

    def __str__(self) -> str:
        return self.label
