"""The permission matrix, generated from the URL configuration (SPEC §16).

Every named URL of the project is found by walking get_resolver(); RULES below holds the
decided rule for each name. A URL with no rule fails with "decide who may use <name>".
Each rule then probes every role (and a district leader, units of every kind, nobody signed
in) against tickets of the person's own unit and of another, and asserts the outcomes:
status codes, masked phones, no ticket outside the person's view named in any answer.

Adding an endpoint: add `"its-url-name": <Rule>(…)` to RULES (kinds in rules.py).
"""

import pytest
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver

from hotline.models import Role
from tickets import lifecycle

from .rules import (
    AdminSite,
    NotProbed,
    OwnNotification,
    Public,
    Roles,
    ScoreReaders,
    SignedIn,
    TicketList,
    TicketRead,
    TicketStep,
    client_for,
)
from .world import PEOPLE, build

# Each test also sits in pytest-django's own transaction, nested inside the world's.
pytestmark = pytest.mark.django_db

CENTRE_DESK = {Role.OPERATOR, Role.DISPATCHER}


def _period(world):
    return {"period": "2025-10", "code": "110101001", "measure": "volume"}


RULES = {
    # --- the project --------------------------------------------------------------------
    "healthz": Public(),
    "set_language": Public(method="POST", ok=(302,)),
    "api-token": Public(method="POST", ok=(400,)),  # no credentials: a 400, never a token
    "schema": Public(),
    "api-docs": Public(),
    # --- Django's accounts views ----------------------------------------------------------
    "login": Public(),
    "logout": Public(method="POST", ok=(200, 302)),
    "password_change": SignedIn(),
    "password_change_done": SignedIn(),
    "password_reset": Public(),
    "password_reset_done": Public(),
    "password_reset_complete": Public(),
    "password_reset_confirm": NotProbed(reason="needs a mailed one-time token"),
    # Django's admin checks staff status itself: every admin URL, one probe of its door.
    "admin:*": AdminSite(),
    # --- directory and tickets API --------------------------------------------------------
    "api-units": SignedIn(),
    "api-categories": SignedIn(),
    "api-tickets": TicketList(),
    "api-ticket": TicketRead(),
    **{f"api-ticket-{name}": TicketStep(step=name) for name in lifecycle.STEPS},
    "api-notifications": SignedIn(),
    "api-notifications-read-all": SignedIn(method="POST"),
    "api-notification-read": OwnNotification(),
    # --- scores (the scoring selector narrows rows; here: who is let in) ------------------
    "scores": SignedIn(),
    "scores-compute": Roles(
        roles=frozenset({Role.ADMIN, Role.REVIEWER}), method="POST", ok=(200, 400, 409)
    ),
    "scores-publish": Roles(
        roles=frozenset({Role.ADMIN, Role.REVIEWER}), method="POST", ok=(200, 400, 404, 409)
    ),
    "scoring:dashboard": ScoreReaders(),
    "scoring:ranking-export": ScoreReaders(kwargs={"fmt": "csv"}),
    "scoring:drill": ScoreReaders(kwargs_from=_period),
    "scoring:drill-export": ScoreReaders(kwargs_from=lambda w: {**_period(w), "fmt": "csv"}),
    # --- Open311: public, so never personal data -----------------------------------------
    **{
        f"open311:{name}": Public()
        for name in ["discovery-json", "discovery-xml", "services-json", "services-xml"]
    },
    "open311:requests-json": Public(),
    "open311:requests-xml": Public(),
    "open311:service-json": Public(kwargs={"service_code": "CX.WJ.SD"}),
    "open311:service-xml": Public(kwargs={"service_code": "CX.WJ.SD"}),
    "open311:request-json": Public(
        kwargs_from=lambda w: {"service_request_id": w.tickets["own"].number}
    ),
    "open311:request-xml": Public(
        kwargs_from=lambda w: {"service_request_id": w.tickets["own"].number}
    ),
    # --- pages ----------------------------------------------------------------------------
    "home": SignedIn(),
    "console": Roles(roles=frozenset(CENTRE_DESK)),
    "console-lookup": Roles(roles=frozenset(CENTRE_DESK)),
    "dispatch": Roles(roles=frozenset({Role.DISPATCHER, Role.OPERATOR, Role.ADMIN})),
    "inbox": Roles(roles=frozenset({Role.UNIT_STAFF})),
    "ticket": TicketRead(),
    # The page runs every step through one view; the API rules above probe each step.
    "ticket-step": TicketStep(steps=("dispatch", "sign", "reveal-phone")),
    "callbacks": Roles(roles=frozenset({Role.CALLBACK_AGENT, Role.ADMIN})),
    "reviews": Roles(roles=frozenset({Role.REVIEWER, Role.DISPATCHER, Role.ADMIN})),
    "relays": Roles(
        roles=frozenset({Role.OPERATOR, Role.DISPATCHER, Role.CALLBACK_AGENT, Role.ADMIN})
    ),
    "notifications": SignedIn(),
    "notifications-read": SignedIn(method="POST", ok=(302,)),
}


def url_names(resolver=None, namespace=""):
    """Every named URL of the project, as `namespace:name`; a whole namespace as `ns:*`."""
    resolver = resolver or get_resolver()
    names = set()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = ":".join(p for p in (namespace, entry.namespace or "") if p)
            if f"{inner}:*" in RULES:
                names.add(f"{inner}:*")
            else:
                names |= url_names(entry, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            names.add(f"{namespace}:{entry.name}" if namespace else entry.name)
    return names


URL_NAMES = sorted(url_names())


def test_every_url_has_a_decided_rule():
    missing = [name for name in URL_NAMES if name not in RULES]
    assert not missing, "\n".join(f"decide who may use {name}" for name in missing)


def test_no_rule_is_left_for_a_url_that_is_gone():
    assert set(RULES) - set(URL_NAMES) == set()


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """One world for the whole matrix, rolled back at the end; each probe runs in its own
    savepoint (rules.request), so no probe sees another's writes. Signing the people in
    once, not once per URL, keeps the matrix to about a minute."""
    with django_db_blocker.unblock(), transaction.atomic():
        built = build()
        for who in PEOPLE:
            client_for(built, who)  # sessions live in the world's transaction, not a test's
        yield built
        transaction.set_rollback(True)


@pytest.mark.parametrize("name", [n for n in URL_NAMES if n in RULES])
def test_the_rule_holds(name, world):
    RULES[name].probe(world, name.removesuffix(":*") if name.endswith(":*") else name)
