from django.contrib import admin

from newsroom.articles.models import Article, Source

admin.site.index_template = "admin/newsroom_index.html"
admin.site.site_header = "إدارة نيوزروم"
admin.site.site_title = "نيوزروم"


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["name", "url"]
    search_fields = ["name"]


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "source", "published_at", "status", "created_at"]
    list_filter = ["status", "source"]
    search_fields = ["title"]
    date_hierarchy = "published_at"
    readonly_fields = [
        "content_hash",
        "status",
        "annotator_version",
        "annotation_error",
        "created_at",
    ]
    list_select_related = ["source"]
