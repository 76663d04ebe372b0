from django.contrib import admin

from newsroom.entities.models import Alias, Entity, Mention


class AliasInline(admin.TabularInline):
    model = Alias
    extra = 0
    fields = ["text", "key"]
    readonly_fields = ["key"]


@admin.register(Entity)
class EntityAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "article_count", "created_at"]
    list_filter = ["kind"]
    search_fields = ["name", "key", "aliases__text"]
    readonly_fields = ["key", "article_count", "created_at"]
    inlines = [AliasInline]


@admin.register(Alias)
class AliasAdmin(admin.ModelAdmin):
    list_display = ["text", "entity", "key"]
    search_fields = ["text", "key"]
    list_select_related = ["entity"]
    raw_id_fields = ["entity"]


@admin.register(Mention)
class MentionAdmin(admin.ModelAdmin):
    list_display = ["alias", "entity", "article", "field", "start", "end"]
    list_filter = ["entity__kind", "field"]
    list_select_related = ["alias", "entity", "article"]
    raw_id_fields = ["article", "entity", "alias"]
