"""App configurations for third-party apps, so the Arabic admin names them in Arabic."""

from django.utils.translation import gettext_lazy as _
from django_tasks_db.apps import TasksAppConfig


class TasksDatabaseConfig(TasksAppConfig):
    """django-tasks' database backend (its results are listed in the admin)."""

    verbose_name = _("مهام الخلفية")
