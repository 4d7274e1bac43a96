from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TopicsConfig(AppConfig):
    """每月一题 (SPEC §17): one high-frequency problem a month, attacked as a project."""

    name = "scoring.topics"
    label = "topics"
    verbose_name = _("每月一题")
    default_auto_field = "django.db.models.BigAutoField"
