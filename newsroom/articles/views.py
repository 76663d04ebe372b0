from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.views.decorators import staff_member_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from newsroom.articles.formats import parse_file
from newsroom.articles.forms import UploadForm
from newsroom.articles.ingest import (
    ArticleDraft,
    IngestResult,
    Outcome,
    RefusedError,
    ingest_article,
)


@staff_member_required
def upload(request: HttpRequest) -> HttpResponse:
    """Paste an article or upload .txt files; report what happened to each item."""
    results: list[IngestResult] = []
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            results = _ingest_upload(form.cleaned_data)
            form = UploadForm(initial={"source": form.cleaned_data["source"]})
    else:
        form = UploadForm()
    return render(
        request,
        "articles/upload.html",
        {
            **admin.site.each_context(request),
            "title": "رفع مقالات",
            "form": form,
            "results": results,
            "counts": {o: sum(r.outcome == o for r in results) for o in Outcome},
        },
    )


def _ingest_upload(data: dict) -> list[IngestResult]:
    shared = {"source": data["source"] or "", "published_at": data["published_at"]}
    results = []
    if data["title"] or data["body"]:
        draft = ArticleDraft(
            title=data["title"],
            body=data["body"],
            url=data["url"] or "",
            label="المقال الملصق",
            **shared,
        )
        results.append(ingest_article(draft))
    for upload in data["files"]:
        if upload.size > settings.MAX_UPLOAD_BYTES:
            results.append(
                IngestResult(
                    Outcome.REFUSED,
                    upload.name,
                    reason=f"الملف أكبر من الحد المسموح ({settings.MAX_UPLOAD_BYTES // 1024} ك.ب).",
                )
            )
            continue
        try:
            draft = parse_file(upload.name, upload.read(), **shared)
        except RefusedError as exc:
            results.append(IngestResult(Outcome.REFUSED, upload.name, reason=str(exc)))
            continue
        results.append(ingest_article(draft))
    return results
