"""The permission matrix, generated from the URL configuration (SPEC §16).

Every named URL of the project is found by walking get_resolver(); RULES below holds the
decided rule for each name. A URL with no rule fails with "decide who may use <name>".
Each rule then probes every role (and a district leader, units of every kind, nobody signed
in) against tickets of the person's own unit and of another, and asserts the outcomes:
status codes, masked phones, no ticket outside the person's view named in any answer.

Adding an endpoint: add `"its-url-name": <Rule>(…)` to RULES (kinds in rules.py and, for
URLs on articles, topics, attachments and export jobs, rules_objects.py; the objects and
who may see and act on them, by hand, in world.py and world_objects.py).
"""

import pytest
from django.db import transaction
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from hotline.knowledge.models import Article, ArticleEvent
from hotline.models import Role
from scoring import periods
from scoring.topics.models import Topic, TopicEvent, TopicProgress
from tickets import lifecycle
from tickets.attachments.models import Attachment
from tickets.webhooks.models import Webhook

from .rules import (
    AdminSite,
    NotProbed,
    OwnNotification,
    Public,
    Roles,
    SignedIn,
    TicketList,
    TicketRead,
    TicketStep,
    client_for,
)
from .rules_objects import OnObjects, People, Several
from .world import CENTRE, PEOPLE, PHONE, VISIBLE, build, numbers_search, word_search
from .world_objects import (
    ADOPTED,
    ARTICLE_AUTHORS,
    ARTICLE_SEES,
    ARTICLE_STEPS,
    ARTICLE_WRITERS,
    ATTACHERS,
    JOB_SEES,
    KB_CATEGORY,
    PUBLISHED_ONLY,
    REPLY_SEES,
    TOPIC_LEADERS,
    TOPIC_PROPOSERS,
    TOPIC_REPORTERS,
    TOPIC_SEES,
    TOPIC_TASKERS,
    TOPICS,
    UNIT_STAFF,
    build_objects,
    label,
    photo,
)

# Each test also sits in pytest-django's own transaction, nested inside the world's.
pytestmark = pytest.mark.django_db

CENTRE_DESK = {Role.OPERATOR, Role.DISPATCHER}
# a list's queries: all, a word and numbers (each finding every ticket of the world)
LISTED = (None, word_search, numbers_search)


# The world's tickets are dispatched now and it sets no cut-off day: calendar months.
DRILL_PERIOD = periods.period_of(timezone.now(), {})


def _drill(code, readers, keys):
    """The volume drill-down of `code`: its readers list exactly `keys`; others get 404."""
    return {
        "kwargs": {"period": DRILL_PERIOD, "code": code, "measure": "volume"},
        "allowed": CENTRE | readers,
        "refused": (404,),
        "kind": "tickets",
        "sees": {who: keys for who in CENTRE | readers},
    }


DRILLS = [
    _drill("110101001", {"leader_dongcheng", "district", "street"}, {"own", "secret"}),
    _drill("110101", {"leader_dongcheng", "district"}, {"own", "secret"}),
    _drill("110102001", {"xicheng"}, {"other"}),
]


PROPOSAL = {
    "title": "矩阵提议",
    "question": "矩阵问题",
    "answer": "矩阵答复",
    "categories": [KB_CATEGORY],
}
TOPIC_IN_DONGCHENG = {"category": "CX.WJ.SD", "district": "110101"}
ADOPTION = {"month": "2025-11", "lead_unit": "110101001", "participants": ["110101-CGZF"]}


def _task(world, key):
    return {"what": "矩阵任务", "unit": TOPICS[key][4] or "110101001", "due": "2099-12-31"}


def _article_events(world, key):
    return ArticleEvent.objects.filter(article=world.articles[key]).count


def _topic_events(world, key):
    return TopicEvent.objects.filter(topic=world.topics[key]).count


def _ticket(world, key):
    return {"number": world.tickets[key].number}


def _titled(kind):
    return lambda world, key: [label(kind, key)]


ARTICLE = {"kind": "articles", "sees": ARTICLE_SEES}
TOPIC = {"kind": "topics", "sees": TOPIC_SEES}
TASK = {
    "kind": "tasks",
    "sees": TOPIC_SEES,
    "arg": lambda w, k: {"pk": w.topics[k].pk, "task_id": w.tasks[k].pk},
}
ON_TICKETS = {"kind": "tickets", "sees": VISIBLE, "arg": _ticket}
ON_ATTACHMENTS = {
    "kind": "attachments",
    "sees": VISIBLE,
    "arg": lambda w, k: {"id": str(w.attachments[k].pk)},
}
ON_JOBS = {"kind": "jobs", "sees": JOB_SEES, "arg": lambda w, k: {"job": w.jobs[k]}}
PAGE_STEP = {"method": "POST", "form": True, "redirects": True}


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
    "api-tickets": Several(*(TicketList(query=query) for query in LISTED)),
    "api-ticket": TicketRead(),
    **{f"api-ticket-{name}": TicketStep(step=name) for name in lifecycle.STEPS},
    "api-notifications": SignedIn(),
    "api-notifications-read-all": SignedIn(method="POST"),
    "api-notification-read": OwnNotification(),
    # --- scores (§16): everyone whose role fits their unit, within their scope: the centre
    # the city, a district its units, any other unit its own row. The scoring selector
    # narrows the rows; a unit outside the scope is a 404, its tickets never named --------
    "scores": SignedIn(),
    "scores-compute": Roles(
        roles=frozenset({Role.ADMIN, Role.REVIEWER}), method="POST", ok=(200, 400, 409)
    ),
    "scores-publish": Roles(
        roles=frozenset({Role.ADMIN, Role.REVIEWER}), method="POST", ok=(200, 400, 404, 409)
    ),
    "scoring:dashboard": People(),
    # 404: no period computed in this world (rows by scope: tests/scoring/test_score_scope.py)
    "scoring:ranking-export": People(kwargs={"fmt": "csv"}, ok=(200, 404)),
    "scoring:drill": Several(*(People(**drill) for drill in DRILLS)),
    "scoring:drill-export": Several(
        *(People(**{**drill, "kwargs": {**drill["kwargs"], "fmt": "csv"}}) for drill in DRILLS)
    ),
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
    # --- search and exports: every signed-in person, exactly their tickets (§12, §16) ------
    # (the page shows numbers typed in its box: its list by numbers is the export's)
    "tickets-search": Several(
        *(People(kind="tickets", sees=VISIBLE, query=query) for query in LISTED[:2])
    ),
    "tickets-export": Several(
        *(
            People(kind="tickets", sees=VISIBLE, kwargs={"fmt": fmt}, query=query)
            for fmt in ("csv", "xlsx")
            for query in LISTED
        )
    ),
    # Caller history: the centre's alone (§19); it lists every ticket of the caller.
    "api-caller-tickets": People(
        allowed=CENTRE,
        kwargs={"phone": PHONE},
        shows=lambda w: [t.number for t in w.tickets.values()],
    ),
    "open311:updates-json": Public(
        shows=lambda w: [w.tickets["own"].number], hides=lambda w: [w.tickets["secret"].number]
    ),
    "open311:updates-xml": Public(
        shows=lambda w: [w.tickets["own"].number], hides=lambda w: [w.tickets["secret"].number]
    ),
    # --- attachments: seen by exactly those who see the ticket (§14); leaders only read ----
    "api-ticket-attachments": Several(
        OnObjects(**ON_TICKETS, shows=_titled("attachments")),
        OnObjects(
            **ON_TICKETS,
            method="POST",
            form=True,
            acts=ATTACHERS,
            ok=(201,),
            data=lambda w, k: {"file": photo(), "note": "矩阵"},
            count=lambda w, k: Attachment.objects.filter(ticket=w.tickets[k]).count,
        ),
    ),
    "api-attachment": OnObjects(**ON_ATTACHMENTS),
    "api-attachment-thumbnail": OnObjects(**ON_ATTACHMENTS),
    # --- webhooks: admins alone (§15, §19) ------------------------------------------------
    "api-webhooks": Several(
        People(allowed={"admin"}),
        People(
            method="POST",
            allowed={"admin"},
            ok=(201,),
            data={"name": "矩阵", "url": "https://example.org/hook", "events": ["ticket.created"]},
            count=lambda w: Webhook.objects.count,
        ),
    ),
    # --- knowledge base (§13, §19): published to everyone signed in, drafts to the owner
    # unit and the centre's reviewers and admins; units write, reviewers publish -----------
    "api-articles": Several(
        People(kind="articles", sees=PUBLISHED_ONLY, query={"page_size": 100}),
        People(
            method="POST",
            allowed=ARTICLE_WRITERS,
            ok=(201,),
            data=PROPOSAL,
            count=lambda w: Article.objects.count,
        ),
    ),
    "api-article": OnObjects(**ARTICLE, shows=_titled("articles")),
    **{
        f"api-article-{step}": OnObjects(
            **ARTICLE,
            method="POST",
            acts=acts,
            states=states,
            data={"note": "矩阵说明", **({"title": "矩阵修改"} if step == "versions" else {})},
            count=_article_events,
        )
        for step, (acts, states) in ARTICLE_STEPS.items()
    },
    "api-knowledge-suggestions": People(
        kind="articles", sees=PUBLISHED_ONLY, query={"category": KB_CATEGORY, "content": "医保报销"}
    ),
    "knowledge:browse": People(kind="articles", sees=ARTICLE_SEES),
    "knowledge:article": OnObjects(**ARTICLE, shows=_titled("articles")),
    "knowledge:propose": Several(
        People(allowed=ARTICLE_WRITERS),
        People(
            method="POST",
            form=True,
            allowed=ARTICLE_WRITERS,
            ok=(302,),
            data=PROPOSAL,
            count=lambda w: Article.objects.count,
        ),
    ),
    "knowledge:edit": OnObjects(**ARTICLE, gate=ARTICLE_WRITERS, acts=ARTICLE_AUTHORS),
    "knowledge:step": Several(
        *(
            OnObjects(
                **ARTICLE,
                **PAGE_STEP,
                arg=lambda w, k, step=step: {"pk": w.articles[k].pk, "name": step},
                acts=ARTICLE_STEPS[step][0],
                states=ARTICLE_STEPS[step][1],
                data={"note": "矩阵说明"},
                count=_article_events,
            )
            for step in ("submit", "publish", "reject", "withdraw")
        )
    ),
    "knowledge:review": People(
        allowed={"reviewer", "admin"},
        kind="articles",
        sees={"reviewer": {"in_review"}, "admin": {"in_review"}},
    ),
    # A unit's reply templates: its own staff list and delete them; other units get a 404.
    "knowledge:replies": Several(
        People(allowed=UNIT_STAFF, kind="replies", sees=REPLY_SEES),
        OnObjects(
            kind="replies",
            arg=lambda w, k: {},
            sees=REPLY_SEES,
            gate=UNIT_STAFF,
            method="POST",
            form=True,
            ok=(302,),
            data=lambda w, k: {"delete": w.replies[k].pk},
            count=lambda w, k: type(w.replies[k]).objects.filter(pk=w.replies[k].pk).count,
        ),
    ),
    # The leaders' knowledge figures count every ticket of the city: the city's readers.
    "dashboard-knowledge": People(allowed=CENTRE),
    # --- 每月一题 (§17): topics in the reader's scope; leaders propose, adopt and close in
    # reach, the lead unit sets tasks, the task's unit and the lead unit report -------------
    "topics": Several(
        People(kind="topics", sees=TOPIC_SEES, query={"page_size": 100}),
        People(
            method="POST",
            allowed=TOPIC_PROPOSERS,
            ok=(201,),
            data=TOPIC_IN_DONGCHENG,
            count=lambda w: Topic.objects.count,
        ),
        # A district's leader proposes for their own district only.
        People(
            method="POST",
            allowed=TOPIC_PROPOSERS - {"leader_dongcheng"},
            ok=(201,),
            data={**TOPIC_IN_DONGCHENG, "district": "110102"},
            count=lambda w: Topic.objects.count,
        ),
    ),
    "topic-candidates": People(),
    "topic": OnObjects(**TOPIC, shows=_titled("topics")),
    "topic-adopt": OnObjects(
        **TOPIC,
        method="POST",
        acts=TOPIC_LEADERS,
        states={"proposed"},
        data=ADOPTION,
        count=_topic_events,
    ),
    "topic-tasks": Several(
        OnObjects(**TOPIC, shows=lambda w, k: [label("tasks", k)] if k in w.tasks else []),
        OnObjects(
            **TOPIC,
            method="POST",
            acts=TOPIC_TASKERS,
            states=ADOPTED,
            ok=(201,),
            data=_task,
            count=_topic_events,
        ),
    ),
    "topic-task-progress": OnObjects(
        **TASK,
        method="POST",
        acts=TOPIC_REPORTERS,
        ok=(201,),
        data={"note": "矩阵进展"},
        count=lambda w, k: TopicProgress.objects.filter(task=w.tasks[k]).count,
    ),
    "topic-close": OnObjects(
        **TOPIC,
        method="POST",
        acts=TOPIC_LEADERS,
        states=ADOPTED,
        data={"conclusion": "矩阵结论"},
        count=_topic_events,
    ),
    "scoring:topics": People(kind="topics", sees=TOPIC_SEES),
    "scoring:topic": OnObjects(**TOPIC, shows=_titled("topics")),
    "scoring:topic-propose": People(
        method="POST",
        form=True,
        allowed=TOPIC_PROPOSERS,
        ok=(302,),
        refused=(302,),
        data=TOPIC_IN_DONGCHENG,
        count=lambda w: Topic.objects.count,
    ),
    "scoring:topic-adopt": OnObjects(
        **TOPIC,
        **PAGE_STEP,
        acts=TOPIC_LEADERS,
        states={"proposed"},
        data={**ADOPTION, "participants": "110101-CGZF"},
        count=_topic_events,
    ),
    "scoring:topic-task": OnObjects(
        **TOPIC, **PAGE_STEP, acts=TOPIC_TASKERS, states=ADOPTED, data=_task, count=_topic_events
    ),
    "scoring:topic-progress": OnObjects(
        **TASK,
        **PAGE_STEP,
        acts=TOPIC_REPORTERS,
        data={"note": "矩阵进展"},
        count=lambda w, k: TopicProgress.objects.filter(task=w.tasks[k]).count,
    ),
    "scoring:topic-close": OnObjects(
        **TOPIC,
        **PAGE_STEP,
        acts=TOPIC_LEADERS,
        states=ADOPTED,
        data={"conclusion": "矩阵结论"},
        count=_topic_events,
    ),
    # --- a large export's job: only the person who asked follows and downloads it ----------
    "exports:job": OnObjects(**ON_JOBS),
    "exports:download": OnObjects(**ON_JOBS, shows=lambda w, k: [f"matrix export of {k}"]),
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
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """One world for the whole matrix, rolled back at the end; each probe runs in its own
    savepoint (rules.request), so no probe sees another's writes. Signing the people in
    once, not once per URL, keeps the matrix to about a minute. Files (attachments, export
    jobs) go to a directory of the matrix's own."""
    media = override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("matrix-media"))
    with media, django_db_blocker.unblock(), transaction.atomic():
        built = build_objects(build())
        for who in PEOPLE:
            client_for(built, who)  # sessions live in the world's transaction, not a test's
        yield built
        transaction.set_rollback(True)


@pytest.mark.parametrize("name", [n for n in URL_NAMES if n in RULES])
def test_the_rule_holds(name, world):
    RULES[name].probe(world, name.removesuffix(":*") if name.endswith(":*") else name)
