from django.urls import path, re_path

from newsroom.reader import api, views
from newsroom.reader.feeds import entity_feed

app_name = "reader"

urlpatterns = [
    path("", views.article_list, name="article_list"),
    path("articles/<int:pk>/", views.article_detail, name="article"),
    path("entities/<int:pk>/", views.entity_detail, name="entity"),
    path("entities/<int:pk>/preview/", views.entity_preview, name="entity_preview"),
    path("entities/<int:pk>/with/<int:other>/", views.pair_detail, name="pair"),
    path("actors/", views.actor_index, name="actors"),
    path("places/", views.place_index, name="places"),
    path("search/", views.search, name="search"),
    path("entities/<int:pk>/feed/", entity_feed, name="entity_feed"),
    path("api/articles/", api.article_list, name="api_articles"),
    path("api/articles/<int:pk>/", api.article_detail, name="api_article"),
    path("api/entities/", api.entity_list, name="api_entities"),
    path("api/entities/<int:pk>/", api.entity_detail, name="api_entity"),
    re_path(r"^api/(?:.*/)?$", api.not_found),  # JSON 404s; slashless URLs still redirect
]
