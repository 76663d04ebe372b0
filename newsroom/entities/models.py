from __future__ import annotations

from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class Entity(models.Model):
    class Kind(models.TextChoices):
        PERS = "PERS", _("شخص")
        ORG = "ORG", _("منظمة")
        LOC = "LOC", _("مكان")
        MISC = "MISC", _("أخرى")

    ACTOR_KINDS = (Kind.PERS, Kind.ORG)

    kind = models.CharField(_("النوع"), max_length=4, choices=Kind.choices)
    name = models.CharField(_("الاسم"), max_length=300)
    key = models.CharField(_("المفتاح الموحَّد"), max_length=300)
    article_count = models.PositiveIntegerField(_("عدد المقالات"), default=0)
    created_at = models.DateTimeField(_("أُضيف في"), auto_now_add=True)

    class Meta:
        verbose_name = _("كيان")
        verbose_name_plural = _("الكيانات")
        constraints = [
            models.UniqueConstraint(fields=["kind", "key"], name="entity_unique_kind_key"),
        ]
        indexes = [
            models.Index(fields=["kind", "-article_count"], name="entity_kind_count_idx"),
            GinIndex(OpClass("key", name="gin_trgm_ops"), name="entity_key_trgm_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("reader:entity", args=[self.pk])

    @property
    def is_actor(self) -> bool:
        return self.kind in self.ACTOR_KINDS


class Alias(models.Model):
    entity = models.ForeignKey(
        Entity, verbose_name=_("الكيان"), on_delete=models.CASCADE, related_name="aliases"
    )
    text = models.CharField(_("النص"), max_length=300)
    key = models.CharField(_("المفتاح الموحَّد"), max_length=300, db_index=True)

    class Meta:
        verbose_name = _("اسم بديل")
        verbose_name_plural = _("الأسماء البديلة")
        ordering = ["text"]
        constraints = [
            models.UniqueConstraint(fields=["entity", "text"], name="alias_unique_entity_text"),
        ]
        indexes = [GinIndex(OpClass("key", name="gin_trgm_ops"), name="alias_key_trgm_idx")]

    def __str__(self) -> str:
        return self.text


class Mention(models.Model):
    class Field(models.TextChoices):
        TITLE = "title", _("العنوان")
        BODY = "body", _("النص")

    article = models.ForeignKey(
        "articles.Article",
        verbose_name=_("المقال"),
        on_delete=models.CASCADE,
        related_name="mentions",
    )
    entity = models.ForeignKey(
        Entity, verbose_name=_("الكيان"), on_delete=models.CASCADE, related_name="mentions"
    )
    alias = models.ForeignKey(
        Alias, verbose_name=_("الاسم البديل"), on_delete=models.PROTECT, related_name="mentions"
    )
    field = models.CharField(_("الحقل"), max_length=5, choices=Field.choices)
    start = models.PositiveIntegerField(_("البداية"))
    end = models.PositiveIntegerField(_("النهاية"))
    # The sentence around the mention, as offsets into the same field, so pages can quote it
    # without re-splitting the text.
    sentence_start = models.PositiveIntegerField(_("بداية الجملة"))
    sentence_end = models.PositiveIntegerField(_("نهاية الجملة"))

    class Meta:
        verbose_name = _("إشارة")
        verbose_name_plural = _("الإشارات")
        ordering = ["article", "field", "start"]
        indexes = [
            models.Index(fields=["entity", "article"], name="mention_entity_article_idx"),
            models.Index(fields=["article", "field", "start"], name="mention_article_pos_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")), name="mention_nonempty"
            ),
            models.UniqueConstraint(
                fields=["article", "field", "start"], name="mention_unique_position"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.alias.text} @ {self.field}[{self.start}:{self.end}]"
