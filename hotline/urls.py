from csp.decorators import csp_update
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from .views import healthz, obtain_token

handler404 = "hotline.views.not_found"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("api/v1/auth/token/", obtain_token, name="api-token"),
    path("api/v1/", include("tickets.api.urls")),
    path("api/v1/", include("scoring.api.urls")),
    # Knowledge base (SPEC §13): API, pages, and the leaders' figures.
    path("api/v1/", include("hotline.knowledge.urls_api")),
    path("knowledge/", include("hotline.knowledge.urls")),
    path("dashboard/knowledge/", include("scoring.knowledge_stats")),
    # 每月一题 API, SPEC §17 (h12-dashboard)
    path("api/v1/", include("scoring.topics.api_urls")),
    path("api/v1/", include("tickets.attachments.urls")),  # attachments (SPEC §14)
    path("api/v1/", include("tickets.webhooks.urls")),  # webhooks (SPEC §15)
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's start-up script as a file, so the docs run under
    # the same content security policy as every page (no inline script); Swagger UI sets
    # inline styles as it draws, so this one page allows those.
    path(
        "api/docs/",
        csp_update({"style-src": ["'unsafe-inline'"]})(
            SpectacularSwaggerSplitView.as_view(url_name="schema")
        ),
        name="api-docs",
    ),
    path("open311/v2/", include("tickets.open311.urls")),
    path("dashboard/", include("scoring.urls")),
    path("exports/", include("hotline.export_jobs.urls")),  # large xlsx as jobs
    path("", include("tickets.web.urls")),
]
