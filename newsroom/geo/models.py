from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.utils.translation import gettext_lazy as _


class Place(models.Model):
    """A GeoNames place (city, country or continent) that at least one entity links to."""

    class Kind(models.TextChoices):
        COUNTRY = "country", _("دولة")
        CITY = "city", _("مدينة")
        CONTINENT = "continent", _("قارة")

    geonames_id = models.PositiveBigIntegerField(_("معرّف GeoNames"), unique=True)
    kind = models.CharField(_("النوع"), max_length=9, choices=Kind.choices)
    name = models.CharField(_("الاسم اللاتيني"), max_length=200)
    name_ar = models.CharField(_("الاسم العربي"), max_length=200, blank=True)
    country_code = models.CharField(_("رمز الدولة (ISO 3166)"), max_length=2, blank=True)
    latitude = models.FloatField(_("خط العرض"))
    longitude = models.FloatField(_("خط الطول"))
    population = models.PositiveBigIntegerField(_("السكان"), default=0)
    feature = models.CharField(_("نوع المعلم في GeoNames"), max_length=10)

    class Meta:
        verbose_name = _("مكان جغرافي")
        verbose_name_plural = _("الأماكن الجغرافية")
        ordering = ["name"]

    def __str__(self) -> str:
        where = f", {self.country_code}" if self.country_code and self.kind != "country" else ""
        return f"{self.name}{where} ({self.geonames_id})"


class EntityPlace(models.Model):
    """Where a place entity is on the map: the linker's choice, or an editor's.

    An editor's choice (``source=editor``) is never overwritten by the linker; an editor may
    also say the entity is no place on the map (``place`` empty). The entity's kind and key are
    kept so the choice comes back if re-annotation recreates the entity under the same key.
    """

    class Source(models.TextChoices):
        AUTO = "auto", _("تلقائي")
        EDITOR = "editor", _("محرر")

    entity = models.OneToOneField(
        "entities.Entity",
        verbose_name=_("الكيان"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="geo_link",
    )
    place = models.ForeignKey(
        Place,
        verbose_name=_("المكان"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="entity_links",
    )
    source = models.CharField(_("المصدر"), max_length=6, choices=Source.choices)
    entity_kind = models.CharField(max_length=4)
    entity_key = models.CharField(max_length=300, db_index=True)
    confidence = models.FloatField(_("الثقة"), default=0.0)
    reason = models.CharField(_("السبب"), max_length=100, blank=True)
    updated_at = models.DateTimeField(_("عُدِّل في"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("عدَّله"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("ربط كيان بمكان")
        verbose_name_plural = _("روابط الكيانات بالأماكن")

    def __str__(self) -> str:
        return f"{self.entity_id} → {self.place or '—'}"


class EditorChoice(models.Model):
    """What editors decided for the entity of a kind and key: kept apart from the entity, so
    that re-annotation which recreates the entity under the same key gets the decision back."""

    entity_kind = models.CharField(max_length=4)
    entity_key = models.CharField(max_length=300)
    set_place = models.BooleanField(default=False)
    place = models.ForeignKey(Place, on_delete=models.PROTECT, null=True, blank=True)
    latin_name = models.CharField(max_length=300, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("قرار محرر")
        verbose_name_plural = _("قرارات المحررين")
        constraints = [
            models.UniqueConstraint(
                fields=["entity_kind", "entity_key"], name="editorchoice_unique_entity"
            )
        ]

    def __str__(self) -> str:
        return f"{self.entity_kind}:{self.entity_key}"


class LatinName(models.Model):
    """How an entity is spelled in Latin script, and the keys Latin-script search matches."""

    class Source(models.TextChoices):
        WIKIDATA = "wikidata", _("ويكي بيانات")
        TRANSLITERATION = "translit", _("نقحرة آلية")
        GEONAMES = "geonames", _("GeoNames")
        EDITOR = "editor", _("محرر")

    entity = models.OneToOneField(
        "entities.Entity",
        verbose_name=_("الكيان"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="latin",
    )
    name = models.CharField(_("الاسم اللاتيني"), max_length=300)
    guess = models.BooleanField(_("تخمين"), default=False)
    source = models.CharField(_("المصدر"), max_length=8, choices=Source.choices)
    entity_kind = models.CharField(max_length=4)
    entity_key = models.CharField(max_length=300, db_index=True)
    # Spelling skeletons of every Latin word known for the entity (see geo.latin.skeleton).
    keys = ArrayField(models.CharField(max_length=60), default=list, blank=True)
    updated_at = models.DateTimeField(_("عُدِّل في"), auto_now=True)

    class Meta:
        verbose_name = _("اسم لاتيني")
        verbose_name_plural = _("الأسماء اللاتينية")
        indexes = [GinIndex(fields=["keys"], name="latinname_keys_gin")]

    def __str__(self) -> str:
        return self.name
