"""A Python client generated from /api/schema/ by openapi-python-client — code nobody here
wrote — imports and drives a ticket from intake to callback, then reads its events and the
scores, against a live server on the real database."""

import importlib
import pkgutil
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from django.utils import timezone

from hotline.models import Role
from scoring.periods import period_of

PASSWORD = "client-test-pw-1"
PACKAGE = "hotline_client"
STREET = "110101001"  # 东城区东华门街道


@pytest.fixture(scope="module")
def schema_file(tmp_path_factory):
    # The schema as the server renders it (one module-wide copy; no server needed for it).
    from django.test import Client

    path = tmp_path_factory.mktemp("schema") / "schema.json"
    answer = Client().get("/api/schema/", {"format": "json"})
    assert answer.status_code == 200
    path.write_bytes(answer.content)
    return path


@pytest.fixture(scope="module")
def generated(schema_file, tmp_path_factory):
    """Generate the client into a temp dir and put it on sys.path (removed afterwards)."""
    out = tmp_path_factory.mktemp("client")
    config = out / "config.yml"
    config.write_text("post_hooks: []\n")  # no formatter runs: the code is used as generated
    cli = Path(sys.executable).with_name("openapi-python-client")
    done = subprocess.run(
        [cli, "generate", "--path", schema_file, "--meta", "none", "--config", config]
        + ["--output-path", out / PACKAGE],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    sys.path.insert(0, str(out))
    yield importlib.import_module(PACKAGE)
    sys.path.remove(str(out))
    for name in [m for m in sys.modules if m == PACKAGE or m.startswith(PACKAGE + ".")]:
        del sys.modules[name]


def test_every_generated_module_imports(generated):
    names = [m.name for m in pkgutil.walk_packages(generated.__path__, PACKAGE + ".")]
    assert len(names) > 60
    for name in names:
        importlib.import_module(name)  # a NameError here is what a broken schema causes


def test_operation_ids_are_unique_and_open311_is_typed(schema_file):
    import json

    schema = json.loads(schema_file.read_text())
    ids = [op["operationId"] for item in schema["paths"].values() for op in item.values()]
    snake = [i.replace(".", "_").lower() for i in ids]
    assert len(set(snake)) == len(snake)
    requests_xml = schema["paths"]["/open311/v2/requests.xml"]["get"]["responses"]
    assert list(requests_xml["200"]["content"]) == ["application/xml"]
    error = schema["paths"]["/open311/v2/requests.json"]["get"]["responses"]["400"]
    assert error["content"]["application/json"]["schema"]["type"] == "array"
    token = schema["paths"]["/api/v1/auth/token/"]["post"]
    assert not token.get("security") and list(token["requestBody"]["content"]) == [
        "application/json"
    ]
    assert schema["components"]["securitySchemes"]["tokenAuth"]["name"] == "Authorization"
    # One body type per operation: JSON, Open311's form, or multipart for a file upload.
    kinds = {"application/json", "application/x-www-form-urlencoded", "multipart/form-data"}
    for path, item in schema["paths"].items():
        for op in item.values():
            media = list(op.get("requestBody", {}).get("content", {}))
            assert len(media) <= 1 and set(media) <= kinds, (path, media)


@pytest.mark.django_db(transaction=True)
def test_generated_client_drives_a_ticket_to_its_callback(generated, live_server, make_user):
    from hotline_client import AuthenticatedClient, Client
    from hotline_client.api.api import (
        api_v1_auth_token_create,
        api_v1_scores_compute_create,
        api_v1_scores_list,
        api_v1_tickets_create,
        api_v1_tickets_retrieve,
    )
    from hotline_client.api.open_311 import open311_request_json
    from hotline_client.api.tickets import (
        tickets_callback,
        tickets_contact,
        tickets_dispatch,
        tickets_reply,
        tickets_sign,
    )
    from hotline_client.models import (
        ApiV1ScoresListGroup,
        CallbackInputRequest,
        ComputeRequestRequest,
        DispatchInputRequest,
        Error,
        KindEnum,
        NoteInputRequest,
        ReplyInputRequest,
        ResultEnum,
        SatisfactionEnum,
        TicketCreateRequest,
        TokenRequestRequest,
    )

    people = {
        "operator": make_user(Role.OPERATOR, "12345"),
        "dispatcher": make_user(Role.DISPATCHER, "12345"),
        "street": make_user(Role.UNIT_STAFF, STREET),
        "callback": make_user(Role.CALLBACK_AGENT, "12345"),
        "reviewer": make_user(Role.REVIEWER, "12345"),
        "leader": make_user(Role.LEADER, "12345"),
    }
    for user in people.values():
        user.set_password(PASSWORD)
        user.save()
    anonymous = Client(base_url=live_server.url, raise_on_unexpected_status=True)

    def client_of(who):
        body = TokenRequestRequest(username=people[who].username, password=PASSWORD)
        token = api_v1_auth_token_create.sync(client=anonymous, body=body).token
        return AuthenticatedClient(base_url=live_server.url, token=token, prefix="Token")

    op, disp, street, cb = (client_of(w) for w in ("operator", "dispatcher", "street", "callback"))

    created = api_v1_tickets_create.sync(
        client=op,
        body=TicketCreateRequest(
            kind=KindEnum.COMPLAINT,
            category="CG.ZY.SG",
            content="南池子大街夜间施工噪音",
            caller_name="张先生",
            caller_phone="13812345678",
            street=STREET,
        ),
    )
    number = created.number
    tickets_dispatch.sync(number, client=disp, body=DispatchInputRequest(unit=STREET))
    tickets_sign.sync(number, client=street, body=NoteInputRequest())
    # A refusal comes back as the documented error model, not as an unparsed body.
    again = tickets_sign.sync(number, client=street, body=NoteInputRequest())
    assert isinstance(again, Error) and again.detail
    tickets_contact.sync(number, client=street, body=NoteInputRequest(note="已电话联系"))
    reply = ReplyInputRequest(result=ResultEnum.SOLVED, note="已责令夜间停工")
    tickets_reply.sync(number, client=street, body=reply)
    answer = CallbackInputRequest(
        valid=True, contacted=True, solved=True, satisfaction=SatisfactionEnum.SATISFIED
    )
    tickets_callback.sync(number, client=cb, body=answer)

    ticket = api_v1_tickets_retrieve.sync(number, client=op)
    assert ticket.status == "closed"
    types = [e.type_ for e in ticket.events]
    for step in ("created", "dispatched", "signed", "contacted", "replied", "called_back"):
        assert step in types
    # Someone without a token gets the documented 401 body.
    bad = AuthenticatedClient(base_url=live_server.url, token="nope", prefix="Token")
    denied = api_v1_tickets_retrieve.sync_detailed(number, client=bad)
    assert denied.status_code == 401 and isinstance(denied.parsed, Error)

    period = period_of(timezone.now())
    queued = api_v1_scores_compute_create.sync_detailed(
        client=client_of("reviewer"), body=ComputeRequestRequest(period=period)
    )
    assert queued.status_code == 202  # tasks run eagerly in tests: computed on commit
    rows = api_v1_scores_list.sync(
        client=client_of("leader"), period=period, group=ApiV1ScoresListGroup.STREET
    ).results
    row = next(r for r in rows if r.unit == STREET)
    assert (row.valid_callbacks, row.solved, row.satisfied) == (1, 1, 1)

    # The public Open311 read of the same ticket, through the generated code too.
    public = open311_request_json.sync(number, client=anonymous)
    assert public[0].service_request_id == number and public[0].status == "closed"
    raw = httpx.get(f"{live_server.url}/open311/v2/requests/{number}.json", timeout=10)
    assert "13812345678" not in raw.text
