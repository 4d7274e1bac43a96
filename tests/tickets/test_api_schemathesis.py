"""Property-based: generated requests, valid and invalid, against the whole OpenAPI schema
(whatever endpoints it holds), as a centre operator and as unit staff.

Every operation must never answer 5xx (SPEC §18). The stricter checks (schema-valid
requests rejected, schema-violating ones accepted, undocumented codes, response shapes) run
on the ticket endpoints where they hold today; see CONFORMANT below."""

import pytest

schemathesis = pytest.importorskip("schemathesis")

from django.core.signals import request_finished, request_started  # noqa: E402
from django.core.wsgi import get_wsgi_application  # noqa: E402
from django.db import close_old_connections  # noqa: E402
from hypothesis import HealthCheck, settings  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402
from schemathesis import checks as st_checks  # noqa: E402

from hotline.models import Unit  # noqa: E402
from tests.conftest import leaf  # noqa: E402
from tickets import actions  # noqa: E402

schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())
# A wrong state is a 409 and a wrong role a 403 even for a well-formed body (SPEC §11).
schema.config.checks.positive_data_acceptance.expected_statuses = [
    "2xx", "401", "403", "404", "409"
]  # fmt: skip
# Unknown fields are ignored, as DRF does; the schema does not list them.
schema.config.generation.allow_extra_parameters = False
st_checks.load_all_checks()
NO_SERVER_ERROR = [st_checks.not_a_server_error]
CONFORMANT = r"^/api/v1/(tickets|units|categories|notifications)"
# An upload is judged by its bytes (a JPEG, a PDF), which no schema can state: random bytes
# are rightly refused. tests/attachments/test_api.py runs the other checks on it.
UPLOAD = r"/attachments/$"
EXAMPLES = 2  # per operation, mode and user: the whole schema in about two minutes


def _without_attachment_ids(case):
    """Ids of files uploaded to the ticket: no schema can say which exist, and unknown ones
    are rightly a 400. tests/attachments/ covers them."""
    if isinstance(case.body, dict):
        case.body.pop("attachments", None)


@pytest.fixture
def keep_connection():
    """As Django's test client does: a request must not close the test's transaction."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def dispatched(staff):
    ticket, _ = actions.create_ticket(
        actor=staff.operator,
        channel="phone",
        caller_phone="13700001234",
        kind="help",
        category=leaf("CX.WJ.SD"),
        content="私搭乱建",
        street=Unit.objects.get(code="110101001"),
    )
    return actions.dispatch_ticket(actor=staff.dispatcher, ticket=ticket, unit="110101001")


@pytest.fixture(params=["operator", "street"])
def token(request, staff):
    """A centre token and a unit token."""
    user = getattr(staff, request.param)
    return Token.objects.get_or_create(user=user)[0].key


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    derandomize=True,  # the same examples on every run: CI must not be a lottery
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_no_request_of_any_shape_is_a_server_error(case, token, dispatched, keep_connection):
    if "number" in (case.path_parameters or {}):
        # A real ticket, so steps answer 200/400/403/409 rather than only 404.
        case.path_parameters["number"] = dispatched.number
    _without_attachment_ids(case)
    case.call_and_validate(headers={"Authorization": f"Token {token}"}, checks=NO_SERVER_ERROR)


conformant = schema.include(path_regex=CONFORMANT).exclude(path_regex=UPLOAD, method="POST")


@pytest.mark.django_db
@conformant.parametrize()
@settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_ticket_endpoints_answer_as_their_schema_says(case, staff, dispatched, keep_connection):
    token = Token.objects.get_or_create(user=staff.street)[0].key
    if "number" in (case.path_parameters or {}):
        case.path_parameters["number"] = dispatched.number
    _without_attachment_ids(case)
    # Not yet: a schema-valid body with unknown keys holding control characters is refused
    # by the input guard (issue 8 leaves positive_data_acceptance to a later change).
    case.call_and_validate(
        headers={"Authorization": f"Token {token}"},
        excluded_checks=[st_checks.positive_data_acceptance],
    )
