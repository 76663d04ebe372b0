from django.contrib import admin
from django.urls import include, path

from newsroom.articles.views import upload, upload_batch

urlpatterns = [
    path("admin/upload/", upload, name="upload"),
    path("admin/upload/<int:batch_id>/", upload_batch, name="upload_batch"),
    path("admin/", admin.site.urls),
    path("", include("newsroom.geo.urls")),
    path("", include("newsroom.reader.urls")),
]
