from __future__ import annotations

from collections.abc import Iterator

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.views.decorators import staff_member_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods
from django.views.decorators.vary import vary_on_headers

from newsroom.articles import batches
from newsroom.articles.formats import Limits, Parsed, cap_items, format_size, parse_stream, refused
from newsroom.articles.forms import UploadForm
from newsroom.articles.ingest import ArticleDraft
from newsroom.articles.models import UploadBatch


@staff_member_required
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest) -> HttpResponse:
    """Paste an article or upload files; the report is on the batch's page."""
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            batch = batches.start_batch(
                cap_items(_parse_upload(data), settings.MAX_UPLOAD_ITEMS),
                created_by=request.user,
                source=data["source"] or "",
                inline_limit=settings.UPLOAD_INLINE_ITEMS,
            )
            return redirect(batch)
    else:
        form = UploadForm()
    recent = UploadBatch.objects.select_related("created_by")[:10]
    return render(
        request,
        "articles/upload.html",
        {**admin.site.each_context(request), "title": "رفع مقالات", "form": form, "recent": recent},
    )


def _parse_upload(data: dict) -> Iterator[Parsed]:
    metadata = {"source": data["source"] or "", "published_at": data["published_at"]}
    if data["title"] or data["body"]:
        yield ArticleDraft(
            title=data["title"],
            body=data["body"],
            url=data["url"] or "",
            label="المقال الملصق",
            **metadata,
        )
    limits = Limits.from_settings()
    for upload in data["files"]:
        if upload.size > limits.file_bytes:
            yield refused(
                upload.name, f"الملف أكبر من الحد المسموح ({format_size(limits.file_bytes)})."
            )
            continue
        yield from parse_stream(upload.name, upload, limits=limits, metadata=metadata)


@staff_member_required
@require_GET
@vary_on_headers("HX-Request")
def upload_batch(request: HttpRequest, batch_id: int) -> HttpResponse:
    """An upload's progress while it runs, then its report: one line per item."""
    batch = get_object_or_404(UploadBatch, pk=batch_id)
    progress = batches.progress(batch)
    context = {"batch": batch, "progress": progress}
    if progress.finished:
        context["items"] = batch.items.select_related("article").only(
            "label", "status", "reason", "position", "article__title", "article__status"
        )
    if request.htmx:
        return render(request, "articles/partials/upload_status.html", context)
    return render(
        request,
        "articles/upload_batch.html",
        {
            **admin.site.each_context(request),
            **context,
            "title": f"رفع رقم {batch.pk}",
            "form": UploadForm(initial={"source": batch.source}),
        },
    )
