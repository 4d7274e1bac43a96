from django.urls import path, register_converter

from . import views
from .topics.urls import urlpatterns as topic_urls


class FormatConverter:
    regex = "csv|xlsx"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(FormatConverter, "fmt")

app_name = "scoring"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("ranking.<fmt:fmt>", views.ranking_export, name="ranking-export"),
    path("drill/<str:period>/<str:code>/<str:measure>/", views.drill_down, name="drill"),
    path(
        "drill/<str:period>/<str:code>/<str:measure>.<fmt:fmt>",
        views.drill_export,
        name="drill-export",
    ),
    *topic_urls,
]
