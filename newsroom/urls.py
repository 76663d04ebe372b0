from django.contrib import admin
from django.urls import include, path

from newsroom.articles.views import upload

urlpatterns = [
    path("admin/upload/", upload, name="upload"),
    path("admin/", admin.site.urls),
    path("", include("newsroom.reader.urls")),
]
