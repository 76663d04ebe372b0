from django.apps import AppConfig


class EntitiesConfig(AppConfig):
    name = "newsroom.entities"
    verbose_name = "الكيانات"
