"""Generated requests against the schema of the attachment and webhook endpoints (§19)."""

import pytest

schemathesis = pytest.importorskip("schemathesis")

from django.core.wsgi import get_wsgi_application  # noqa: E402
from hypothesis import HealthCheck, settings  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402
from schemathesis.checks import negative_data_rejection, positive_data_acceptance  # noqa: E402

from hotline.models import Role  # noqa: E402
from tests.tickets.test_api_schemathesis import keep_connection  # noqa: E402, F401

schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application()).include(
    path_regex=r"^/api/v1/(tickets/\{number\}/attachments/|attachments/|webhooks/)"
)
schema.config.generation.allow_x00 = False


@pytest.fixture
def ticket(flow):
    return flow.at("in_progress")


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=8,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_attachment_and_webhook_endpoints_answer_as_the_schema_says(
    case,
    ticket,
    flow,
    make_user,
    keep_connection,  # noqa: F811 - the fixture, imported above
    settings,
    tmp_path,
):
    settings.MEDIA_ROOT = tmp_path
    admin = make_user(Role.ADMIN, "12345")
    user = admin if "webhooks" in case.path else flow.user_of(ticket.lead_unit)
    token, _ = Token.objects.get_or_create(user=user)
    if "number" in (case.path_parameters or {}):
        case.path_parameters["number"] = ticket.number
    # An upload's bytes must be a photo or a PDF, and a file id must exist: neither can be
    # stated by a schema, so generated ones are rightly refused (4xx).
    excluded = [positive_data_acceptance]
    if case.method == "POST" and case.path.endswith("/attachments/"):
        # Multipart has no null: a "null" note arrives as the text "null", rightly kept.
        excluded.append(negative_data_rejection)
    case.call_and_validate(
        headers={"Authorization": f"Token {token.key}"}, excluded_checks=excluded
    )
