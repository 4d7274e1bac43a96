from django.urls import path, register_converter

from . import views
from .topics.urls import urlpatterns as topic_urls


class FormatConverter:
    regex = "csv|xlsx"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


class JobConverter(FormatConverter):
    regex = "[0-9a-f]{32}"


register_converter(FormatConverter, "fmt")
register_converter(JobConverter, "hex32")

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
    path("exports/<hex32:job>/", views.export_job, name="export-job"),
    path("exports/<hex32:job>/download/", views.export_download, name="export-download"),
    *topic_urls,
]
