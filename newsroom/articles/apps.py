from django.apps import AppConfig
from django.core.exceptions import ImproperlyConfigured


class ArticlesConfig(AppConfig):
    name = "newsroom.articles"
    verbose_name = "المقالات"

    def ready(self) -> None:
        # Fail at start-up, not on the first upload, when NER_BACKEND names a backend that
        # cannot run here (e.g. camel without its model). Cheap: no model is loaded.
        from newsroom import nlp

        try:
            nlp.check_backend()
        except nlp.BackendUnavailable as exc:
            raise ImproperlyConfigured(str(exc)) from exc
