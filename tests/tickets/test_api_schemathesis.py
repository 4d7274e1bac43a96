"""Property-based: generated requests, valid and invalid, against the whole OpenAPI schema
(whatever endpoints it holds: the API, Open311), as a centre operator and as unit staff.

Every check of schemathesis holds on every operation (SPEC §11, §18): no 5xx, only documented
status codes, content types and headers, bodies as their schema says, schema-valid requests
accepted and schema-violating ones refused. A stateful run follows the schema's OpenAPI links
(a created ticket's number → its steps; tickets/api/links.py).

What the test itself supplies, and why (nothing else is adjusted or left unchecked):
- a real ticket's number where a path names one (an invented number is only ever a 404);
- in schema-valid bodies, codes and ids that must name an existing record, and no made-up
  extra keys (see _as_a_client_sends); schema-violating requests are sent as generated."""

from datetime import date

import pytest

schemathesis = pytest.importorskip("schemathesis")

from django.core.signals import request_finished, request_started  # noqa: E402
from django.core.wsgi import get_wsgi_application  # noqa: E402
from django.db import close_old_connections, transaction  # noqa: E402
from hypothesis import HealthCheck, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402
from schemathesis.config import SchemathesisConfig  # noqa: E402
from schemathesis.core.file_samples import FILE_SAMPLES  # noqa: E402

from hotline.models import Unit  # noqa: E402
from tests.conftest import leaf  # noqa: E402
from tickets import actions  # noqa: E402

CONFIG = SchemathesisConfig.from_dict(
    {
        "checks": {
            # A wrong state is a 409 and a wrong role a 403 even for a well-formed body
            # (SPEC §11); the reveal-phone step is rate limited (429). Never a 5xx.
            "positive_data_acceptance": {
                "expected-statuses": ["2xx", "401", "403", "404", "409", "429"]
            },
        },
        # The test sends real tokens; schemathesis must not invent a session cookie beside
        # them. Its ignored_auth check still sends each request without and with a wrong
        # credential and expects a 401.
        "generation": {"with-security-parameters": False},
        "operations": [
            {
                # Wrong credentials are a 400 (DRF's ObtainAuthToken; OAuth2's invalid_grant
                # is a 400 too): schemathesis allows that for an OAuth2 tokenUrl, but this
                # token scheme is an API key, so it is said here. Only for this operation.
                "include-path": "/api/v1/auth/token/",
                "checks": {
                    "positive_data_acceptance": {
                        "expected-statuses": ["2xx", "400", "401", "403", "429"]
                    }
                },
            }
        ],
    }
)
schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application(), config=CONFIG)
# The upload's part types (tickets/attachments/files.py ACCEPTED, the schema's encoding):
# a real file of each, as a client would send. Other bytes are rightly refused, and
# schema-violating uploads are still generated and must be refused.
schemathesis.openapi.media_type("application/pdf", st.just(FILE_SAMPLES["pdf"]))
EXAMPLES = 2  # per operation, mode and user: the whole file in 1-2.5 minutes on 2 cores
SCENARIOS, STEPS = 30, 8  # stateful: scenarios per user, steps in each

STREET, DISTRICT, DEPARTMENT = "110101001", "110101", "110101-CGZF"


def _declared(case):
    """The body's property names, its schema's (`$ref` into schemathesis' bundle) followed."""
    body = case.operation.get_body_for_media_type(case.media_type)
    schema = body.optimized_schema if body else {}
    if "$ref" in schema:
        schema = schema["x-bundled"][schema["$ref"].rsplit("/", 1)[-1]]
    assert "properties" in schema, schema  # never strip a body blind
    return set(schema["properties"])


def _as_a_client_sends(case, master):
    """A schema-valid body as a real client sends it.

    - No made-up extra keys: the schema does not list them (unknown fields are ignored, SPEC
      §11), so a generator fills them with any text, control characters included, which the
      input guard rightly refuses in every field (hotline.validation, SPEC §18). Negative
      cases keep theirs.
    - Codes and ids that name a record name one that exists (a real street, a leaf category);
      no schema can say which exist. When the call came in (received_at) is left to default
      to now: the window "the last year" moves, so the schema cannot state it. A changed
      urgency carries its reason: whether it differs from the category's default is data.
    - Attachment ids: only files uploaded to the ticket exist; tests/attachments/ covers them.
    """
    meta = case.meta
    positive = meta is not None and meta.generation.mode.is_positive
    if positive and case.operation.path == "/api/v1/tickets/" and case.query:
        _real_filter_values(case.query)
    if not isinstance(case.body, dict):
        return
    case.body.pop("attachments", None)
    if not positive:
        return
    declared = _declared(case)
    for key in [k for k in case.body if k not in declared]:
        del case.body[key]
    body = case.body
    if case.operation.path == "/api/v1/tickets/":
        body.pop("received_at", None)
        body.pop("community", None)
        body.update(district=DISTRICT, street=STREET, category=leaf("CX.WJ.SD").code)
        if "urgency" in body and not body.get("urgency_reason"):
            # Needed when the level differs from the category's default, which is data.
            body["urgency_reason"] = "诉求人所在楼道堵塞，影响疏散"
    elif case.operation.path.startswith("/api/v1/tickets/{number}/"):
        if "unit" in body:  # dispatch, review-return: to a real unit
            body["unit"] = STREET
        if "departments" in body:  # whistle: real departments
            body["departments"] = [DEPARTMENT]
        if "into" in body:  # merge: into a ticket that exists
            body["into"] = master
        body.pop("co_units", None)
        body.pop("article", None)  # answer: an optional article id
    elif case.operation.path.startswith("/api/v1/knowledge/articles/"):
        if "categories" in body:
            body["categories"] = [leaf("CX.WJ.SD").code]
        body.pop("unit", None)
        start = body.get("effective_from") or date.today().isoformat()  # the default
        if body.get("expires_on") and body["expires_on"] < start:
            # Expiry before the start is refused: two fields, which no schema can compare.
            body.pop("expires_on")


def _real_filter_values(query):
    """The list's filters name units and categories that exist (an unknown one is a 400,
    which no schema can foresee), and dates inside the years a ticket can have (2000–2099,
    stated in the parameters' descriptions: `format: date` has no bounds)."""
    real = {"unit": STREET, "street": STREET, "district": DISTRICT, "category": "CX.WJ"}
    for name, code in real.items():
        if name in query:
            query[name] = code
    for name in ("received_from", "received_to"):
        if name in query and not "2000-01-01" <= str(query[name]) <= "2099-12-31":
            query[name] = "2026-01-01"


@pytest.fixture
def keep_connection():
    """As Django's test client does: a request must not close the test's transaction."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _file(staff, kind, content):
    ticket, _ = actions.create_ticket(
        actor=staff.operator,
        channel="phone",
        caller_phone="13700001234",
        kind=kind,
        category=leaf("CX.WJ.SD"),
        content=content,
        street=Unit.objects.get(code=STREET),
    )
    return ticket


@pytest.fixture
def dispatched(staff):
    ticket = _file(staff, "help", "私搭乱建")
    return actions.dispatch_ticket(actor=staff.dispatcher, ticket=ticket, unit=STREET)


@pytest.fixture
def master(staff):
    """Another ticket, for a merge to name."""
    return _file(staff, "complaint", "楼道堆物")


@pytest.fixture(params=["operator", "street"])
def token(request, staff):
    """A centre token and a unit token."""
    user = getattr(staff, request.param)
    return Token.objects.get_or_create(user=user)[0].key


HYPOTHESIS = settings(
    max_examples=EXAMPLES,
    derandomize=True,  # the same examples on every run: CI must not be a lottery
    deadline=None,
    suppress_health_check=list(HealthCheck),
)


@pytest.mark.django_db
@schema.parametrize()
@HYPOTHESIS
def test_every_operation_answers_as_its_schema_says(
    case, token, dispatched, master, keep_connection
):
    if "number" in (case.path_parameters or {}):
        # A real ticket, so steps answer 200/400/403/409 rather than only 404.
        case.path_parameters["number"] = dispatched.number
    _as_a_client_sends(case, master.number)
    case.call_and_validate(headers={"Authorization": f"Token {token}"})


# The resources the links lead through; every other operation is covered above, one request
# at a time, and would only thin out the scenarios here.
LINKED = r"^/api/v1/(tickets/|knowledge/articles/|topics/)"


@pytest.mark.django_db
def test_workflows_that_follow_the_links_answer_as_the_schema_says(
    token, dispatched, master, keep_connection
):
    """Create a ticket (or an article, a topic), or take the first of one's list (the unit's
    dispatched ticket), then its steps by the number (id) the answer gave, as the schema's
    links say; every check on every step."""

    headers = {"Authorization": f"Token {token}"}

    class Workflow(schema.include(path_regex=LINKED).as_state_machine()):
        # Each scenario starts from the same data: what one created is gone for the next,
        # so Hypothesis replays a scenario with the same answers (else it rightly calls the
        # generation flaky: which steps are possible depends on what earlier ones returned).
        def setup(self):
            self.savepoint = transaction.savepoint()

        def teardown(self):
            transaction.savepoint_rollback(self.savepoint)  # reveal counts, axes' too

        def before_call(self, case):
            _as_a_client_sends(case, master.number)

        def get_call_kwargs(self, case):
            return {"headers": headers}

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            # The token is ours, not generated: said so, the auth check probes without it.
            case.validate_response(
                response,
                headers=headers,
                additional_checks=additional_checks,
                transport_kwargs=kwargs,
            )

    Workflow.run(
        settings=settings(
            HYPOTHESIS, max_examples=SCENARIOS, stateful_step_count=STEPS, deadline=None
        )
    )
