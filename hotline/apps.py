from django.apps import AppConfig


class HotlineConfig(AppConfig):
    name = "hotline"
    verbose_name = "基础数据"

    def ready(self):
        from . import idle_sessions  # noqa: F401 - marks a session at login
