"""GeoReport v2 under /open311/v2/: every endpoint in .json and .xml, each path spelled out so
the OpenAPI schema lists it (DRF's schema leaves out `.{format}` patterns)."""

from django.urls import path

from . import views

app_name = "open311"

ENDPOINTS = [
    ("discovery", views.DiscoveryView, "discovery"),
    ("services", views.ServicesView, "services"),
    ("services/<str:service_code>", views.ServiceDefinitionView, "service"),
    ("requests", views.RequestsView, "requests"),
    ("requests/<str:service_request_id>", views.RequestView, "request"),
    ("servicerequestupdates", views.ServiceRequestUpdatesView, "updates"),
]

urlpatterns = [
    path(f"{route}.{fmt}", view.as_view(), {"format": fmt}, name=f"{name}-{fmt}")
    for route, view, name in ENDPOINTS
    for fmt in ("json", "xml")
]
