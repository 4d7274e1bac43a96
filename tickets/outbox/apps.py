from django.apps import AppConfig


class OutboxConfig(AppConfig):
    name = "tickets.outbox"
    label = "outbox"
    verbose_name = "待投递任务"
