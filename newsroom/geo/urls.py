from django.urls import path

from newsroom.geo import views

app_name = "geo"

urlpatterns = [
    path("map/", views.news_map, name="news_map"),
    path("api/places.geojson", views.places_geojson, name="places_geojson"),
]
