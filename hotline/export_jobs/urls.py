from django.urls import path, register_converter

from . import views


class JobConverter:
    regex = "[0-9a-f]{32}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(JobConverter, "job")

app_name = "exports"
urlpatterns = [
    path("<job:job>/", views.job_page, name="job"),
    path("<job:job>/download/", views.download, name="download"),
]
