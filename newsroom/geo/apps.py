from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GeoConfig(AppConfig):
    name = "newsroom.geo"
    verbose_name = _("الأماكن والأسماء اللاتينية")
    default_auto_field = "django.db.models.BigAutoField"
