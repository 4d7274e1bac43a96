"""Kinds of access rule for the permission matrix. Each rule probes one URL name for every
person of the world and asserts real outcomes: status codes, masked phones, and that no
ticket outside the person's view is named in the answer.

To decide a new URL, add one line to RULES in test_matrix.py with one of these kinds.
"""

from dataclasses import dataclass, field
from io import BytesIO

from django.db import transaction
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from tickets import lifecycle

from .world import CENTRE, MASKED, PEOPLE, PHONE, SECRET_NAME, VISIBLE, World


def check_signed_out(resp, url, where):
    """Nobody signed in: a page sends to the login page; the API answers 401 or 403."""
    if url.startswith("/api/"):
        assert resp.status_code in (401, 403), (where, resp.status_code)
    else:
        assert resp.status_code == 302, (where, resp.status_code)
        assert resp["Location"].startswith(reverse("login")), (where, resp["Location"])


def client_for(world: World, who: str) -> Client:
    """One signed-in client per person and world (signing in is the slow part of a probe)."""
    if who not in world.clients:
        client = Client()
        if who != "anonymous":
            client.force_login(world.users[who])
        world.clients[who] = client
    return world.clients[who]


def request(client, method, url, data=None, *, form=False, count=None):
    """One probe; whatever it writes is rolled back so every probe sees the same world.

    `form`: a page's form (multipart, as a browser posts files) instead of JSON. `count`:
    a function read before and after the probe, inside its savepoint; the probe's answer
    then carries `landed`, whether the count changed (did the write happen?)."""
    with transaction.atomic():
        before = count() if count else None
        if method == "GET":
            resp = client.get(url, data or {})
        elif form:
            resp = client.post(url, data or {})
        else:
            resp = client.post(url, data or {}, content_type="application/json")
        if count:
            resp.landed = count() != before
        if getattr(resp, "streaming", False):  # read files before the savepoint goes
            resp.read_text = _decode(resp, b"".join(resp.streaming_content))
        transaction.set_rollback(True)
    return resp


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _decode(resp, raw: bytes) -> str:
    """An answer as text; a spreadsheet as its cells' values, one line per row."""
    if resp.get("Content-Type", "").startswith(XLSX) and raw.startswith(b"PK\x03\x04"):
        book = load_workbook(BytesIO(raw), read_only=True)
        return "\n".join(
            "\t".join("" if cell is None else str(cell) for cell in row)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
        )
    return raw.decode(errors="replace")


def body(resp) -> str:
    if hasattr(resp, "read_text"):
        return resp.read_text
    if getattr(resp, "streaming", False):
        resp.read_text = _decode(resp, b"".join(resp.streaming_content))
        return resp.read_text
    return _decode(resp, resp.content)


def check_privacy(world, who, resp, where, *, allow_phone=False, public=False):
    """Outside the centre: no full phone, no confidential caller, no hidden ticket named."""
    text = body(resp)
    if who in CENTRE and not public:
        return
    if not allow_phone:
        assert PHONE not in text, f"{where}: {who} got an unmasked phone"
    assert SECRET_NAME not in text, f"{where}: {who} got a confidential caller's name"
    if not public and resp.status_code < 400:  # a 404 may echo the path the person typed
        for number in world.hidden_numbers(who):
            assert number not in text, f"{where}: {who} was shown ticket {number}"


@dataclass
class Rule:
    method: str = "GET"
    kwargs: dict = field(default_factory=dict)

    def url(self, world, name, /, **extra):
        return reverse(name, kwargs={**self.kwargs, **extra})

    def probe(self, world, name):
        raise NotImplementedError


@dataclass
class Public(Rule):
    """Anyone, signed in or not (Open311, health, schema, login). Never personal data."""

    ok: tuple = (200,)
    kwargs_from: object = None  # world → kwargs, for URLs that need an existing object
    shows: object = None  # world → texts every answer holds (so the probe reads real rows)
    hides: object = None  # world → texts no answer may hold

    def probe(self, world, name):
        kwargs = self.kwargs_from(world) if self.kwargs_from else {}
        url = self.url(world, name, **kwargs)
        for who in ("anonymous", "street", "operator"):
            # A fresh client: a public URL may sign the person out (logout).
            client = Client()
            if who != "anonymous":
                client.force_login(world.users[who])
            resp = request(client, self.method, url)
            assert resp.status_code in self.ok, (name, who, resp.status_code)
            check_privacy(world, who, resp, name, public=True)
            text = body(resp)
            for shown in self.shows(world) if self.shows else ():
                assert shown in text, (name, who, "missing", shown)
            for hidden in self.hides(world) if self.hides else ():
                assert hidden not in text, (name, who, "shown", hidden)


@dataclass
class SignedIn(Rule):
    """Every signed-in person; what they get is narrowed by the selectors."""

    ok: tuple = (200,)

    def probe(self, world, name):
        url = self.url(world, name)
        for who in PEOPLE:
            resp = request(client_for(world, who), self.method, url)
            if who == "anonymous":
                check_signed_out(resp, url, (name, who, resp.status_code))
                continue
            assert resp.status_code in self.ok, (name, who, resp.status_code)
            check_privacy(world, who, resp, name)


@dataclass
class Roles(Rule):
    """Only these roles (they all sit in the centre, so they see every ticket)."""

    roles: frozenset = frozenset()
    ok: tuple = (200,)

    def probe(self, world, name):
        url = self.url(world, name)
        for who, spec in PEOPLE.items():
            resp = request(client_for(world, who), self.method, url)
            if spec is None:
                check_signed_out(resp, url, (name, who, resp.status_code))
            elif spec[0] in self.roles:
                assert resp.status_code in self.ok, (name, who, resp.status_code)
                check_privacy(world, who, resp, name)
            else:
                assert resp.status_code == 403, (name, who, resp.status_code)


@dataclass
class TicketList(Rule):
    """The API's ticket list: exactly the tickets of §16, phones masked outside the centre;
    with `query` (world → a query), a search every ticket of the world matches (its scope
    is written apart: selectors.visible_when_searched)."""

    query: object = None

    def probe(self, world, name):
        url = self.url(world, name)
        mine = {t.number for t in world.tickets.values()}
        query = {"page_size": 100, **(self.query(world) if self.query else {})}
        for who in PEOPLE:
            resp = request(client_for(world, who), "GET", url, query)
            if who == "anonymous":
                check_signed_out(resp, url, (name, who))
                continue
            assert resp.status_code == 200, (name, who)
            rows = [r for r in resp.json()["results"] if r["number"] in mine]
            expected = {world.tickets[t].number for t in VISIBLE[who]}
            assert {r["number"] for r in rows} == expected, (name, who)
            for row in rows:
                if who in CENTRE:
                    assert row["caller_phone"] == PHONE, (name, who)
                elif row["confidential"]:
                    assert (row["caller_name"], row["caller_phone"]) == ("", ""), (name, who)
                else:
                    assert row["caller_phone"] == MASKED, (name, who)
            check_privacy(world, who, resp, name)


@dataclass
class TicketRead(Rule):
    """One ticket (API detail or page): 200 within §16, 404 outside, the caller masked."""

    def probe(self, world, name):
        for key, ticket in world.tickets.items():
            url = self.url(world, name, number=ticket.number)
            for who in PEOPLE:
                resp = request(client_for(world, who), "GET", url)
                where = f"{name} {key}"
                if who == "anonymous":
                    check_signed_out(resp, url, (where, who))
                elif key in VISIBLE[who]:
                    assert resp.status_code == 200, (where, who, resp.status_code)
                    text = body(resp)
                    if who in CENTRE:
                        assert PHONE in text, (where, who)
                    elif not ticket.confidential:
                        assert MASKED in text, (where, who)
                    check_privacy(world, who, resp, where)
                else:
                    assert resp.status_code == 404, (where, who, resp.status_code)


def _relation_holds(world, who, ticket, relation):
    unit = world.users[who].unit
    if relation == lifecycle.CENTRE:
        return who in CENTRE
    if relation == lifecycle.LEAD:
        return ticket.lead_unit_id == unit.pk
    return ticket.participations.filter(unit=unit).exists()


@dataclass
class TicketStep(Rule):
    """A lifecycle step (POST, empty body): 404 outside §16, 403 for a role or unit the
    table does not name, otherwise the step's own answer (done, bad input or wrong state)."""

    steps: tuple = ()  # for the page URL that takes the step as an argument
    step: str = ""

    def probe(self, world, name):
        steps = self.steps or (self.step,)
        for step_name in steps:
            step = lifecycle.STEPS[step_name]
            extra = {"step": step_name} if self.steps else {}
            for key, ticket in world.tickets.items():
                url = self.url(world, name, number=ticket.number, **extra)
                for who, spec in PEOPLE.items():
                    resp = request(client_for(world, who), "POST", url)
                    where = (name, step_name, key, who, resp.status_code)
                    if spec is None:
                        check_signed_out(resp, url, where)
                    elif key not in VISIBLE[who]:
                        assert resp.status_code == 404, where
                    elif spec[0] not in step.roles:
                        assert resp.status_code == 403, where
                    elif not _relation_holds(world, who, ticket, step.relation):
                        assert resp.status_code in (403, 409), where
                    else:
                        assert resp.status_code in (200, 302, 400, 403, 409, 429), where
                    revealed = step_name == "reveal-phone" and resp.status_code == 200
                    if spec is not None:
                        check_privacy(world, who, resp, str(where), allow_phone=revealed)


@dataclass
class OwnNotification(Rule):
    """A notification belongs to one person: everyone else gets 404."""

    def probe(self, world, name):
        url = self.url(world, name, id=str(world.notification.pk))
        for who in PEOPLE:
            resp = request(client_for(world, who), "POST", url)
            if who == "anonymous":
                check_signed_out(resp, url, (name, who))
            elif who == "street":
                assert resp.status_code == 200, (name, who, resp.status_code)
            else:
                assert resp.status_code == 404, (name, who, resp.status_code)


@dataclass
class AdminSite(Rule):
    """Django's admin: only staff accounts (our admins) get in; others go to its login."""

    def probe(self, world, name):
        for who, spec in PEOPLE.items():
            resp = request(client_for(world, who), "GET", reverse("admin:index"))
            if spec is not None and spec[0] == "admin":
                assert resp.status_code == 200, who
            else:
                assert resp.status_code == 302 and "/admin/login/" in resp["Location"], who


@dataclass
class NotProbed(Rule):
    """Django's own account views that need a mailed token or a running flow."""

    reason: str = ""

    def probe(self, world, name):
        assert self.reason, f"say why {name} is not probed"
