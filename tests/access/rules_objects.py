"""Kinds of access rule for URLs on the world's other objects (world_objects.py): lists that
must name exactly what each person may see, detail and step URLs probed on an object the
person sees and on one they do not, and writes checked by whether they landed.
"""

from dataclasses import dataclass

from .rules import Rule, body, check_privacy, check_signed_out, client_for, request
from .world import PEOPLE
from .world_objects import SIGNED_IN, label


def name_of(world, kind, key):
    """The text naming an object in an answer: a ticket's number, any other object's label."""
    return world.tickets[key].number if kind == "tickets" else label(kind, key)


def _data(data, world, key=None):
    if callable(data):
        return data(world, key) if key is not None else data(world)
    return data


def _names_exactly(world, text, kind, seen, where):
    """The answer names each object of `kind` the person sees and no other."""
    for key in getattr(world, kind):
        shown = name_of(world, kind, key) in text
        assert shown == (key in seen), (where, key, "listed" if shown else "missing")


class Several(Rule):
    """More than one probe of one URL (GET and POST, or two bodies)."""

    def __init__(self, *rules):
        self.rules = rules

    def probe(self, world, name):
        for rule in self.rules:
            rule.probe(world, name)


@dataclass
class People(Rule):
    """One URL, no object in it: the `allowed` people (None: everyone signed in) get `ok`,
    every other signed-in person `refused`. With `kind`, the answer names exactly the
    objects of that kind `sees` gives the person; with `count` (world → a count read before
    and after), the write lands for the allowed and for nobody else."""

    allowed: frozenset | None = None
    ok: tuple = (200,)
    refused: tuple = (403,)
    query: object = None  # a query, or world → a query
    data: object = None  # a body, or world → a body
    form: bool = False
    kind: str = ""
    sees: dict | None = None
    count: object = None
    shows: object = None  # world → texts the allowed must be given

    def probe(self, world, name):
        url = self.url(world, name)
        allowed = SIGNED_IN if self.allowed is None else self.allowed
        for who in PEOPLE:
            data = _data(self.query if self.method == "GET" else self.data, world)
            count = self.count(world) if self.count else None
            resp = request(
                client_for(world, who), self.method, url, data, form=self.form, count=count
            )
            where = (name, who, resp.status_code)
            if who not in SIGNED_IN:
                check_signed_out(resp, url, where)
                continue
            if count:
                assert resp.landed == (who in allowed), (where, "landed" if resp.landed else "not")
            if who not in allowed:
                assert resp.status_code in self.refused, where
                continue
            assert resp.status_code in self.ok, where
            check_privacy(world, who, resp, str(where))
            text = body(resp)
            if self.kind:
                _names_exactly(world, text, self.kind, self.sees[who], where)
            for shown in self.shows(world) if self.shows else ():
                assert shown in text, (where, "missing", shown)


@dataclass
class OnObjects(Rule):
    """A URL on each object of `kind`, for every person: 404 on an object outside what the
    person `sees`; on one they see, `refused` when they may not `act` on it, 409 when its
    state does not allow the step, otherwise `ok` — and with `count`, the write lands
    exactly then. A page's role `gate` (people let in) is checked before the object is
    looked up. A page's step (`redirects`) answers 302 whatever happened: `count` alone
    tells whether the step was taken."""

    kind: str = ""
    arg: object = "pk"  # the URL's argument for the object's pk, or (world, key) → kwargs
    sees: dict | None = None
    acts: dict | None = None  # who → keys; None: they act on all they see
    states: set | None = None  # keys whose state allows the step; None: all
    gate: frozenset | None = None
    ok: tuple = (200,)
    refused: tuple = (403,)
    data: object = None  # a body, or (world, key) → a body
    form: bool = False
    count: object = None  # (world, key) → a count read before and after
    redirects: bool = False
    shows: object = None  # (world, key) → texts the answer holds when `ok`

    def kwargs_for(self, world, key):
        if callable(self.arg):
            return self.arg(world, key)
        return {self.arg: getattr(world, self.kind)[key].pk}

    def expected(self, who, key):
        """(status codes, whether the write lands)."""
        if self.gate is not None and who not in self.gate:
            return (403,), False
        if key not in self.sees[who]:
            return (404,), False
        may = self.acts is None or key in self.acts.get(who, ())
        in_state = self.states is None or key in self.states
        lands = may and in_state
        if self.redirects:
            return (302,), lands
        if not may:
            return self.refused, False
        return (self.ok if in_state else (409,)), lands

    def probe(self, world, name):
        for key in getattr(world, self.kind):
            url = self.url(world, name, **self.kwargs_for(world, key))
            for who in PEOPLE:
                data = None if self.method == "GET" else _data(self.data, world, key)
                count = self.count(world, key) if self.count else None
                resp = request(
                    client_for(world, who), self.method, url, data, form=self.form, count=count
                )
                where = (name, key, who, resp.status_code)
                if who not in SIGNED_IN:
                    check_signed_out(resp, url, where)
                    continue
                codes, lands = self.expected(who, key)
                assert resp.status_code in codes, (where, "expected", codes)
                if count:
                    assert resp.landed == lands, (where, "landed" if resp.landed else "not")
                check_privacy(world, who, resp, str(where))
                if self.shows and resp.status_code in self.ok and not self.redirects:
                    text = body(resp)
                    for shown in self.shows(world, key):
                        assert shown in text, (where, "missing", shown)
