from django.contrib import admin
from django.http import HttpRequest, HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.urls import include, path

from newsroom.articles.views import upload, upload_batch


def favicon(request: HttpRequest) -> HttpResponsePermanentRedirect:
    """For clients that ask for /favicon.ico without reading the page's <link rel="icon">."""
    return HttpResponsePermanentRedirect(static("img/favicon.svg"))


urlpatterns = [
    path("admin/upload/", upload, name="upload"),
    path("admin/upload/<int:batch_id>/", upload_batch, name="upload_batch"),
    path("admin/", admin.site.urls),
    path("favicon.ico", favicon),
    path("", include("newsroom.geo.urls")),
    path("", include("newsroom.reader.urls")),
]
