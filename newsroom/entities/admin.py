"""Admin for entities: every change goes through the curation services, so it is audited and
survives re-annotation. Aliases, mentions, rules and the audit log are read-only here."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from newsroom.entities import curation
from newsroom.entities.models import (
    Alias,
    CurationLog,
    Entity,
    LinkRule,
    Mention,
    ReannotationRun,
)
from newsroom.entities.suggestions import merge_suggestions
from newsroom.entities.tasks import start_reannotation


class ReadOnlyAdmin(admin.ModelAdmin):
    """Derived or historical rows: viewed here, changed only through the curation services."""

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


def _entity_link(entity: Entity | None, fallback: str = "—") -> str:
    if entity is None:
        return fallback
    url = reverse("admin:entities_entity_change", args=[entity.pk])
    return format_html('<a href="{}">{}</a> ({})', url, entity.name, entity.get_kind_display())


class AliasInline(admin.TabularInline):
    model = Alias
    extra = 0
    can_delete = False
    fields = ["text", "key", "mention_count", "split"]
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[Alias]:
        return super().get_queryset(request).annotate(n=Count("mentions")).order_by("-n", "text")

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    @admin.display(description="الإشارات")
    def mention_count(self, alias: Alias) -> int:
        return alias.n

    @admin.display(description="فصل")
    def split(self, alias: Alias) -> str:
        if alias.key == alias.entity.key:
            return "—"
        url = reverse("admin:entities_entity_split", args=[alias.entity_id, alias.pk])
        return format_html('<a href="{}">فصل في كيان مستقل…</a>', url)


class EntityForm(forms.ModelForm):
    class Meta:
        model = Entity
        fields = ["name", "kind"]

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError("الاسم فارغ.")
        return name

    def clean(self) -> dict:
        data = super().clean()
        kind = data.get("kind")
        if kind and "kind" in self.changed_data:
            problem = curation.kind_conflict(self.instance, kind)
            if problem:
                self.add_error("kind", problem)
        return data


@admin.register(Entity)
class EntityAdmin(admin.ModelAdmin):
    form = EntityForm
    list_display = ["name", "kind", "article_count", "created_at"]
    list_filter = ["kind"]
    search_fields = ["name", "key", "aliases__text"]
    fields = ["name", "kind", "key", "article_count", "created_at", "merged_names", "history"]
    readonly_fields = ["key", "article_count", "created_at", "merged_names", "history"]
    inlines = [AliasInline]
    actions = ["merge_selected", "reject_selected"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # entities come from annotation

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False  # "reject" removes a false entity and keeps it from coming back

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("suggestions/", view(self.suggestions_view), name="entities_entity_suggestions"),
            path(
                "<int:pk>/split/<int:alias_pk>/",
                view(self.split_view),
                name="entities_entity_split",
            ),
            *super().get_urls(),
        ]

    @admin.display(description="كيانات دُمجت فيه")
    def merged_names(self, entity: Entity) -> str:
        merged = entity.merged_away.order_by("name")
        return format_html_join("، ", "{} ({})", merged.values_list("name", "old_id")) or "—"

    @admin.display(description="سجل التدقيق")
    def history(self, entity: Entity) -> str:
        url = reverse("admin:entities_curationlog_changelist") + f"?entity__id__exact={entity.pk}"
        return format_html('<a href="{}">تغييرات هذا الكيان</a>', url)

    def save_model(self, request: HttpRequest, obj: Entity, form, change: bool) -> None:
        stored = Entity.objects.get(pk=obj.pk)
        try:
            if "name" in form.changed_data:
                stored = curation.rename_entity(
                    entity=stored, name=form.cleaned_data["name"], user=request.user
                )
            if "kind" in form.changed_data:
                curation.change_kind(
                    entity=stored, kind=form.cleaned_data["kind"], user=request.user
                )
        except curation.CurationError as exc:
            self.message_user(request, str(exc), messages.ERROR)

    def response_change(self, request: HttpRequest, obj: Entity) -> HttpResponse:
        obj.refresh_from_db()
        return super().response_change(request, obj)

    # --- actions ---------------------------------------------------------------------------

    @admin.action(description="دمج الكيانات المحددة…", permissions=["change"])
    def merge_selected(self, request: HttpRequest, queryset: QuerySet[Entity]):
        entities = list(queryset.order_by("-article_count", "pk"))
        if len(entities) < 2:
            self.message_user(request, "اختر كيانين على الأقل لدمجهما.", messages.WARNING)
            return None
        if request.POST.get("confirm"):
            chosen = request.POST.get("survivor", "")
            survivor = next((e for e in entities if str(e.pk) == chosen), None)
            if survivor is None:
                self.message_user(request, "اختر الكيان الذي يبقى.", messages.ERROR)
            else:
                try:
                    curation.merge_entities(
                        survivor=survivor,
                        others=[e for e in entities if e.pk != survivor.pk],
                        user=request.user,
                    )
                except curation.CurationError as exc:
                    self.message_user(request, str(exc), messages.ERROR)
                else:
                    self.message_user(
                        request,
                        ngettext(
                            "دُمج كيان واحد في %(name)s.",
                            "دُمج %(n)s كيانات في %(name)s.",
                            len(entities) - 1,
                        )
                        % {"n": len(entities) - 1, "name": survivor.name},
                        messages.SUCCESS,
                    )
                return None
        return self._confirm(
            request,
            "admin/entities/merge_confirm.html",
            "دمج الكيانات",
            entities,
            action="merge_selected",
            kinds_differ=len({e.kind for e in entities}) > 1,
        )

    @admin.action(description="رفض الكيانات المحددة (ليست كيانات)…", permissions=["change"])
    def reject_selected(self, request: HttpRequest, queryset: QuerySet[Entity]):
        entities = list(queryset.order_by("name"))
        if request.POST.get("confirm"):
            for entity in entities:
                try:
                    curation.reject_entity(entity=entity, user=request.user)
                except curation.CurationError as exc:
                    self.message_user(request, str(exc), messages.ERROR)
            self.message_user(
                request,
                ngettext(
                    "رُفض كيان واحد ولن يُعلَّم اسمه مجددًا.",
                    "رُفض %(n)s كيانات ولن تُعلَّم أسماؤها مجددًا.",
                    len(entities),
                )
                % {"n": len(entities)},
                messages.SUCCESS,
            )
            return None
        return self._confirm(
            request,
            "admin/entities/reject_confirm.html",
            "رفض كيانات",
            entities,
            action="reject_selected",
        )

    def _confirm(self, request, template, title, entities, **extra) -> TemplateResponse:
        aliases: dict[int, list[str]] = {e.pk: [] for e in entities}
        for entity_id, text in Alias.objects.filter(entity__in=entities).values_list(
            "entity_id", "text"
        ):
            aliases[entity_id].append(text)
        for entity in entities:
            entity.alias_texts = sorted(aliases[entity.pk])
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "opts": self.model._meta,
            "entities": entities,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            **extra,
        }
        return TemplateResponse(request, template, context)

    # --- views -----------------------------------------------------------------------------

    def split_view(self, request: HttpRequest, pk: int, alias_pk: int) -> HttpResponse:
        if not self.has_change_permission(request):
            raise PermissionDenied
        alias = get_object_or_404(Alias.objects.select_related("entity"), pk=alias_pk, entity=pk)
        if request.method == "POST":
            try:
                target = curation.split_alias(
                    alias=alias, name=request.POST.get("name", ""), user=request.user
                )
            except curation.CurationError as exc:
                self.message_user(request, str(exc), messages.ERROR)
                return HttpResponseRedirect(
                    reverse("admin:entities_entity_change", args=[alias.entity_id])
                )
            self.message_user(
                request, f"فُصل «{alias.text}» في الكيان {target.name}.", messages.SUCCESS
            )
            return HttpResponseRedirect(reverse("admin:entities_entity_change", args=[target.pk]))
        same_spelling = Alias.objects.filter(key=alias.key).select_related("entity")
        context = {
            **self.admin_site.each_context(request),
            "title": f"فصل «{alias.text}» عن {alias.entity.name}",
            "opts": self.model._meta,
            "alias": alias,
            "entity": alias.entity,
            "holders": sorted({a.entity for a in same_spelling}, key=lambda e: e.name),
            "mention_count": Mention.objects.filter(alias__key=alias.key).count(),
            "existing": Entity.objects.filter(kind=alias.entity.kind, key=alias.key).first(),
            "same_key": alias.key == alias.entity.key,
        }
        return TemplateResponse(request, "admin/entities/split_confirm.html", context)

    def suggestions_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_change_permission(request):
            raise PermissionDenied
        kind = request.GET.get("kind", "")
        if kind not in Entity.Kind.values:
            kind = ""
        if request.method == "POST":
            return self._suggestion_post(request, kind)
        context = {
            **self.admin_site.each_context(request),
            "title": "اقتراحات الدمج",
            "opts": self.model._meta,
            "suggestions": merge_suggestions(kind=kind or None),
            "kinds": Entity.Kind.choices,
            "kind": kind,
        }
        return TemplateResponse(request, "admin/entities/suggestions.html", context)

    def _suggestion_post(self, request: HttpRequest, kind: str) -> HttpResponse:
        ids = [request.POST.get("survivor", ""), request.POST.get("other", "")]
        if not all(i.isdigit() for i in ids):
            return HttpResponse("طلب غير صالح", status=400)
        found = Entity.objects.in_bulk([int(i) for i in ids])
        first, second = found.get(int(ids[0])), found.get(int(ids[1]))
        back = reverse("admin:entities_entity_suggestions") + (f"?kind={kind}" if kind else "")
        if first is None or second is None:
            self.message_user(request, "أحد الكيانين لم يعد موجودًا.", messages.WARNING)
            return HttpResponseRedirect(back)
        try:
            if request.POST.get("decision") == "distinct":
                curation.mark_distinct(first=first, second=second, user=request.user)
                self.message_user(
                    request, f"لن يُقترح دمج {first.name} و{second.name} مجددًا.", messages.SUCCESS
                )
            else:
                curation.merge_entities(survivor=first, others=[second], user=request.user)
                self.message_user(request, f"دُمج {second.name} في {first.name}.", messages.SUCCESS)
        except curation.CurationError as exc:
            self.message_user(request, str(exc), messages.ERROR)
        return HttpResponseRedirect(back)


@admin.register(Alias)
class AliasAdmin(ReadOnlyAdmin):
    list_display = ["text", "entity_link", "key"]
    search_fields = ["text", "key"]
    list_select_related = ["entity"]
    actions = ["split_selected"]

    def has_curate_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("entities.change_entity")

    @admin.display(description="الكيان", ordering="entity__name")
    def entity_link(self, alias: Alias) -> str:
        return _entity_link(alias.entity)

    @admin.action(description="فصل الأسماء المحددة في كيانات مستقلة", permissions=["curate"])
    def split_selected(self, request: HttpRequest, queryset: QuerySet[Alias]) -> None:
        seen: set[str] = set()
        for alias in queryset.select_related("entity").order_by("pk"):
            if alias.key in seen:
                continue  # split already with another alias of the same spelling
            seen.add(alias.key)
            try:
                target = curation.split_alias(alias=alias, user=request.user)
            except curation.CurationError as exc:
                self.message_user(request, f"{alias.text}: {exc}", messages.WARNING)
            else:
                self.message_user(
                    request, f"فُصل «{alias.text}» في {target.name}.", messages.SUCCESS
                )


@admin.register(Mention)
class MentionAdmin(ReadOnlyAdmin):
    list_display = ["alias", "entity", "article", "field", "start", "end", "recalled"]
    # recalled: marked by the archive's recall pass where the recogniser missed the name
    list_filter = ["entity__kind", "field", "recalled"]
    list_select_related = ["alias", "entity", "article"]
    raw_id_fields = ["article", "entity", "alias"]


@admin.register(LinkRule)
class LinkRuleAdmin(ReadOnlyAdmin):
    list_display = ["key", "match", "kind", "target", "updated_at"]
    list_filter = ["match", "kind", ("entity", admin.EmptyFieldListFilter)]
    search_fields = ["key", "entity__name"]
    list_select_related = ["entity"]

    @admin.display(description="يُربط بـ")
    def target(self, rule: LinkRule) -> str:
        return _entity_link(rule.entity, fallback="مرفوض: لا يُعلَّم")


@admin.register(CurationLog)
class CurationLogAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "user", "action", "summary", "entity_link"]
    list_filter = ["action", "user"]
    search_fields = ["summary"]
    date_hierarchy = "created_at"
    list_select_related = ["user", "entity"]
    fields = ["created_at", "user", "action", "summary", "entity_link", "details"]
    readonly_fields = fields

    @admin.display(description="الكيان")
    def entity_link(self, entry: CurationLog) -> str:
        return _entity_link(entry.entity)


@admin.register(ReannotationRun)
class ReannotationRunAdmin(ReadOnlyAdmin):
    list_display = ["pk", "created_at", "created_by", "scope", "progress", "failed", "status"]
    list_filter = ["status", "scope"]
    exclude = ["article_ids"]
    readonly_fields = ["progress"]

    def get_urls(self):
        return [
            path(
                "start/",
                self.admin_site.admin_view(self.start_view),
                name="entities_reannotationrun_start",
            ),
            *super().get_urls(),
        ]

    @admin.display(description="التقدّم")
    def progress(self, run: ReannotationRun) -> str:
        return format_html(
            '<progress value="{}" max="{}"></progress> {}/{} ({}٪)',
            run.done,
            run.total or 1,
            run.done,
            run.total,
            run.percent,
        )

    def changelist_view(self, request: HttpRequest, extra_context=None):
        active = ReannotationRun.objects.filter(
            status__in=[ReannotationRun.Status.QUEUED, ReannotationRun.Status.RUNNING]
        ).exists()
        extra = {
            "active": active,
            "can_start": request.user.has_perm("entities.add_reannotationrun"),
            "scopes": [
                (ReannotationRun.Scope.OUTDATED, ReannotationRun.Scope.OUTDATED.label),
                (ReannotationRun.Scope.ALL, ReannotationRun.Scope.ALL.label),
                (ReannotationRun.Scope.RESOLVE, ReannotationRun.Scope.RESOLVE.label),
            ],
        }
        return super().changelist_view(request, {**extra, **(extra_context or {})})

    def start_view(self, request: HttpRequest) -> HttpResponse:
        if not request.user.has_perm("entities.add_reannotationrun"):
            raise PermissionDenied
        return _start(request)


@require_POST
def _start(request: HttpRequest) -> HttpResponse:
    scope = request.POST.get("scope", "")
    if scope not in (
        ReannotationRun.Scope.ALL,
        ReannotationRun.Scope.OUTDATED,
        ReannotationRun.Scope.RESOLVE,
    ):
        return HttpResponse("نطاق غير صالح", status=400)
    run = start_reannotation(scope=scope, user=request.user)
    if scope == ReannotationRun.Scope.RESOLVE:
        message = _("طُلبت إعادة ربط الكيانات في الأرشيف؛ يتابعها عامل المهام في الخلفية.")
    else:
        message = ngettext(
            "طُلبت إعادة تعليم مقال واحد؛ يتابعها عامل المهام في الخلفية.",
            "طُلبت إعادة تعليم %(n)s مقالات؛ يتابعها عامل المهام في الخلفية.",
            run.total,
        ) % {"n": run.total}
    messages.success(request, message)
    return HttpResponseRedirect(reverse("admin:entities_reannotationrun_changelist"))
