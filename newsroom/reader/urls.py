from django.urls import path

from newsroom.reader import views

app_name = "reader"

urlpatterns = [
    path("", views.article_list, name="article_list"),
    path("articles/<int:pk>/", views.article_detail, name="article"),
    path("entities/<int:pk>/", views.entity_detail, name="entity"),
]
