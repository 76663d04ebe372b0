from django.apps import AppConfig


class ReaderConfig(AppConfig):
    name = "newsroom.reader"
    verbose_name = "القارئ"
