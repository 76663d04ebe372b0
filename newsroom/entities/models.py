from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import models
from django.db.models import F
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
    # alias_unique_entity_text leads with the entity: no index of its own.
    entity = models.ForeignKey(
        Entity,
        verbose_name=_("الكيان"),
        on_delete=models.CASCADE,
        related_name="aliases",
        db_index=False,
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

    # No index of their own: mention_unique_position leads with article and
    # mention_entity_article_idx with entity (every index costs each of the many inserts).
    article = models.ForeignKey(
        "articles.Article",
        verbose_name=_("المقال"),
        on_delete=models.CASCADE,
        related_name="mentions",
        db_index=False,
    )
    entity = models.ForeignKey(
        Entity,
        verbose_name=_("الكيان"),
        on_delete=models.CASCADE,
        related_name="mentions",
        db_index=False,
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
    # For a short name the article itself explained (a surname, a titled given name such as
    # الملك سلمان, an abbreviation in brackets): its key. The archive's record of whom such a
    # name means; empty for the other mentions.
    handle = models.CharField(_("الاسم المختصر"), max_length=300, blank=True, default="")
    # Added by the archive's recall pass (``recall.recall_archive``): a name the recogniser
    # missed here but marked consistently elsewhere. Not counted as the recogniser's evidence.
    recalled = models.BooleanField(_("من الأرشيف"), default=False, db_default=False)

    class Meta:
        verbose_name = _("إشارة")
        verbose_name_plural = _("الإشارات")
        ordering = ["article", "field", "start"]
        # (article, field, start) is indexed by mention_unique_position below.
        indexes = [
            models.Index(fields=["entity", "article"], name="mention_entity_article_idx"),
            models.Index(
                fields=["handle", "entity"],
                name="mention_handle_idx",
                condition=~models.Q(handle=""),
            ),
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


class ArticleEntity(models.Model):
    """One row per entity per article that mentions it, with the article's placed_at (its
    date, or when it was received) copied in.

    Derived from ``Mention`` (linking and curation keep it in step). It lets an entity's
    articles be read newest first straight from an index, and keeps co-mention counts free of
    ``COUNT(DISTINCT …)`` over every mention.
    """

    # Indexed by appearance_article_idx and appearance_unique (entity first), not twice.
    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="appearances", db_index=False
    )
    entity = models.ForeignKey(
        Entity, on_delete=models.CASCADE, related_name="appearances", db_index=False
    )
    placed_at = models.DateTimeField()
    mentions = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("ظهور في مقال")
        verbose_name_plural = _("الظهور في المقالات")
        constraints = [
            models.UniqueConstraint(fields=["entity", "article"], name="appearance_unique"),
        ]
        indexes = [
            models.Index(
                F("entity"),
                F("placed_at").desc(),
                F("article").desc(),
                name="appearance_newest_idx",
            ),
            models.Index(fields=["article"], name="appearance_article_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.entity_id} @ {self.article_id}"


class LinkRule(models.Model):
    """A curation decision that linking consults before it links a name by its key.

    ``name`` rules match the key a span links by (after a surname joined a full name of the same
    article); ``spelling`` rules match the span's own spelling and win over ``name`` rules. An
    empty kind matches every kind; no entity means the name is rejected.
    """

    class Match(models.TextChoices):
        NAME = "name", _("الاسم")
        SPELLING = "spelling", _("التهجئة")

    match = models.CharField(_("يطابق"), max_length=8, choices=Match.choices)
    kind = models.CharField(
        _("النوع"),
        max_length=4,
        choices=Entity.Kind.choices,
        blank=True,
        help_text=_("فارغ: كل الأنواع"),
    )
    key = models.CharField(_("المفتاح الموحَّد"), max_length=300, db_index=True)
    entity = models.ForeignKey(
        Entity,
        verbose_name=_("الكيان"),
        on_delete=models.CASCADE,
        related_name="link_rules",
        null=True,
        blank=True,
        help_text=_("فارغ: الاسم مرفوض ولا يُعلَّم"),
    )
    # Made by the archive's resolution, not by an editor: a later resolution may revise it.
    automatic = models.BooleanField(_("تلقائية"), default=False)
    created_at = models.DateTimeField(_("أُضيفت في"), auto_now_add=True)
    updated_at = models.DateTimeField(_("عُدِّلت في"), auto_now=True)

    class Meta:
        verbose_name = _("قاعدة ربط")
        verbose_name_plural = _("قواعد الربط")
        ordering = ["key", "match", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["match", "kind", "key"], name="linkrule_unique_match"),
        ]

    def __str__(self) -> str:
        target = self.entity.name if self.entity_id else _("مرفوض")
        return f"{self.key} → {target}"

    @property
    def is_rejection(self) -> bool:
        return self.entity_id is None


class MergedEntity(models.Model):
    """An entity merged away; its pages redirect to the survivor."""

    old_id = models.PositiveBigIntegerField(_("المعرّف القديم"), primary_key=True)
    name = models.CharField(_("الاسم القديم"), max_length=300)
    survivor = models.ForeignKey(
        Entity, verbose_name=_("دُمج في"), on_delete=models.CASCADE, related_name="merged_away"
    )
    merged_at = models.DateTimeField(_("دُمج في تاريخ"), auto_now_add=True)

    class Meta:
        verbose_name = _("كيان مدموج")
        verbose_name_plural = _("الكيانات المدموجة")
        ordering = ["-merged_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.old_id}) → {self.survivor_id}"


class DistinctPair(models.Model):
    """Two entities a curator said are not the same, so they are no longer suggested for merging."""

    first = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("كيانان مختلفان")
        verbose_name_plural = _("كيانات مختلفة")
        constraints = [
            models.UniqueConstraint(fields=["first", "second"], name="distinctpair_unique"),
            models.CheckConstraint(
                condition=models.Q(first__lt=models.F("second")), name="distinctpair_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.first_id} ≠ {self.second_id}"


class CurationLog(models.Model):
    """Who changed which entity how, and when (the audit log of curation)."""

    class Action(models.TextChoices):
        MERGE = "merge", _("دمج")
        RENAME = "rename", _("إعادة تسمية")
        CHANGE_KIND = "kind", _("تغيير النوع")
        SPLIT = "split", _("فصل اسم بديل")
        REJECT = "reject", _("رفض")
        DISTINCT = "distinct", _("ليسا كيانًا واحدًا")
        REANNOTATE = "reannotate", _("إعادة التعليم")
        RESOLVE = "resolve", _("دمج تلقائي")
        PLACE = "place", _("ربط بمكان على الخريطة")
        LATIN = "latin", _("تصحيح الاسم اللاتيني")

    created_at = models.DateTimeField(_("الوقت"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("المستخدم"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    action = models.CharField(_("الإجراء"), max_length=10, choices=Action.choices)
    entity = models.ForeignKey(
        Entity,
        verbose_name=_("الكيان"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="curation_log",
    )
    summary = models.CharField(_("الوصف"), max_length=500)
    details = models.JSONField(_("التفاصيل"), default=dict, blank=True)

    class Meta:
        verbose_name = _("سجل تدقيق")
        verbose_name_plural = _("سجل التدقيق")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.summary


class ReannotationRun(models.Model):
    """One background re-annotation of articles, with its progress."""

    class Scope(models.TextChoices):
        ALL = "all", _("كل المقالات")
        OUTDATED = "outdated", _("المقالات ذات التعليم القديم أو الفاشل")
        SELECTED = "selected", _("مقالات محددة")
        RESOLVE = "resolve", _("إعادة ربط الكيانات في الأرشيف")

    class Status(models.TextChoices):
        QUEUED = "queued", _("في الانتظار")
        RUNNING = "running", _("قيد التنفيذ")
        FINISHED = "finished", _("انتهى")
        FAILED = "failed", _("توقف بخطأ")

    created_at = models.DateTimeField(_("طُلب في"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("طلبه"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    scope = models.CharField(_("النطاق"), max_length=8, choices=Scope.choices)
    # Selected articles, or for the other scopes the highest article id when the run was asked
    # for, so articles uploaded meanwhile (annotated by the current rules anyway) are left out.
    article_ids = models.JSONField(_("المقالات"), null=True, blank=True)
    max_article_id = models.PositiveBigIntegerField(null=True, blank=True)
    total = models.PositiveIntegerField(_("المجموع"), default=0)
    done = models.PositiveIntegerField(_("أُنجز"), default=0)
    failed = models.PositiveIntegerField(_("فشل تعليمها"), default=0)
    status = models.CharField(
        _("الحالة"), max_length=8, choices=Status.choices, default=Status.QUEUED
    )
    task_id = models.CharField(_("معرّف المهمة"), max_length=64, blank=True)
    started_at = models.DateTimeField(_("بدأ في"), null=True, blank=True)
    finished_at = models.DateTimeField(_("انتهى في"), null=True, blank=True)
    error = models.TextField(_("الخطأ"), blank=True)

    class Meta:
        verbose_name = _("إعادة تعليم")
        verbose_name_plural = _("عمليات إعادة التعليم")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_scope_display()} ({self.done}/{self.total})"

    @property
    def percent(self) -> int:
        return 100 if not self.total else min(100, self.done * 100 // self.total)

    @property
    def is_active(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)
