from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TextsConfig(AppConfig):
    # Not "messages": that label belongs to django.contrib.messages.
    name = "tickets.texts"
    label = "texts"
    verbose_name = _("短信")

    def ready(self):
        # Register the Celery tasks at start-up: the outbox checks a task exists when a
        # step enqueues it, and must not import every app's tasks during a request.
        from . import tasks  # noqa: F401
