from django.apps import AppConfig


class KnowledgeConfig(AppConfig):
    """知识库: articles operators read to callers, and units' reply templates.

    On the ground floor: it cites categories and units; tickets cite its versions.
    """

    name = "hotline.knowledge"
    label = "knowledge"
    verbose_name = "知识库"
