from django.contrib import admin
from django.db import models
from django.http import HttpRequest
from django.utils.html import format_html

from newsroom.articles.models import Article, Source, UploadBatch
from newsroom.entities.linking import refresh_placed_at
from newsroom.entities.tasks import reannotate_selected

admin.site.index_template = "admin/newsroom_index.html"
admin.site.site_header = "إدارة نيوزروم"
admin.site.site_title = "نيوزروم"

# A link typed without a scheme is taken as https (Django 6's default, said now).
URL_FIELDS = {models.URLField: {"assume_scheme": "https"}}


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    formfield_overrides = URL_FIELDS
    list_display = ["name", "url"]
    search_fields = ["name"]


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    formfield_overrides = URL_FIELDS
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
    actions = [reannotate_selected]

    def save_model(self, request: HttpRequest, obj: Article, form, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if "published_at" in form.changed_data:
            # Entity and pair pages list the article by the date copied into its appearances.
            refresh_placed_at([obj.pk])


@admin.register(UploadBatch)
class UploadBatchAdmin(admin.ModelAdmin):
    """Uploads are made on the upload page; here they are listed, each linking to its report."""

    list_display = ["__str__", "created_by", "created_at", "background", "finished_at", "report"]
    list_select_related = ["created_by"]
    date_hierarchy = "created_at"

    @admin.display(description="التقرير")
    def report(self, batch: UploadBatch) -> str:
        return format_html('<a href="{}">{}</a>', batch.get_absolute_url(), "عرض التقرير")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
