from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from newsroom.geo import services
from newsroom.geo.models import EntityPlace, LatinName, Place


class EntityPlaceForm(forms.ModelForm):
    reference = forms.CharField(
        label=_("معرّف GeoNames أو رمز الدولة"),
        required=False,
        help_text=_(
            "مثل 98182 لبغداد أو IQ للعراق؛ اتركه فارغًا ليُعلَّم الكيان بأنه ليس مكانًا على الخريطة."
        ),
    )

    class Meta:
        model = EntityPlace
        fields = ["entity"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.place_id:
            self.fields["reference"].initial = str(self.instance.place.geonames_id)


@admin.register(EntityPlace)
class EntityPlaceAdmin(admin.ModelAdmin):
    form = EntityPlaceForm
    list_display = ["entity", "place", "source", "reason", "updated_at"]
    list_filter = ["source", "place__kind"]
    search_fields = ["entity__name", "place__name", "entity_key"]
    raw_id_fields = ["entity"]
    list_select_related = ["entity", "place"]

    def get_readonly_fields(self, request, obj=None):
        return ["entity"] if obj else []

    def save_model(self, request, obj, form, change) -> None:
        # Through the service: the choice is marked as the editor's and written to the audit log.
        try:
            services.set_place(
                entity=form.cleaned_data.get("entity") or obj.entity,
                reference=form.cleaned_data["reference"],
                user=request.user,
            )
        except services.GeoError as exc:
            self.message_user(request, str(exc), messages.ERROR)

    def delete_model(self, request, obj) -> None:
        services.set_place(entity=obj.entity, reference="", user=request.user)


class LatinNameForm(forms.ModelForm):
    class Meta:
        model = LatinName
        fields = ["entity", "name"]


@admin.register(LatinName)
class LatinNameAdmin(admin.ModelAdmin):
    form = LatinNameForm
    list_display = ["entity", "name", "guess", "source", "updated_at"]
    list_filter = ["guess", "source", "entity_kind"]
    search_fields = ["entity__name", "name"]
    raw_id_fields = ["entity"]
    list_select_related = ["entity"]

    def get_readonly_fields(self, request, obj=None):
        return ["entity"] if obj else []

    def save_model(self, request, obj, form, change) -> None:
        try:
            services.set_latin_name(
                entity=form.cleaned_data.get("entity") or obj.entity,
                name=form.cleaned_data["name"],
                user=request.user,
            )
        except services.GeoError as exc:
            self.message_user(request, str(exc), messages.ERROR)


@admin.register(Place)
class PlaceAdmin(admin.ModelAdmin):
    list_display = ["name", "name_ar", "kind", "country_code", "population", "geonames_id"]
    list_filter = ["kind"]
    search_fields = ["name", "name_ar", "=geonames_id", "=country_code"]
