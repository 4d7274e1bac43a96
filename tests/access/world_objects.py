"""The matrix world's other objects: knowledge articles, a reply template, 每月一题 topics
with tasks, a photo on each ticket, export jobs — and who may see and act on each, written
out by hand from SPEC §13, §14, §16, §17 (not asked of the code).

Every object has a label: a text that appears in an answer exactly when the object is
listed there (an article's title, a topic's title, an attachment's file name).
"""

from datetime import date
from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from hotline import export_jobs as jobs
from hotline.knowledge import actions as kb
from hotline.knowledge.models import ReplyTemplate
from hotline.models import Category, Unit
from scoring import export_jobs
from scoring.topics import actions as topics
from tickets.attachments import actions as attachments

from .world import ALL, CENTRE, PEOPLE, VISIBLE

SIGNED_IN = frozenset(who for who, spec in PEOPLE.items() if spec is not None)
UNIT_STAFF = frozenset({"street", "neighbour_street", "district", "dept", "xicheng", "gas"})
KB_CATEGORY = "LD.SB.YB"  # 医保报销: no duty unit, so any unit may write on it

# --- knowledge base (SPEC §13, §19) ---------------------------------------------------------
# article → (owner unit, state). Drafts and articles in review are read by their own unit
# and the centre's reviewers and admins; a published one by everyone signed in.
ARTICLES = {
    "published": ("110101001", "published"),
    "draft": ("110101001", "draft"),  # 东华门街道's own draft
    "in_review": ("110101-CGZF", "in_review"),  # 东城区城管执法's, waiting for a reviewer
}
# Units propose articles for their own duties; the centre's reviewers and admins may too.
ARTICLE_WRITERS = UNIT_STAFF | {"reviewer", "admin"}
ARTICLE_OWNERS = {"street": {"published", "draft"}, "dept": {"in_review"}}
ARTICLE_SEES = {
    **{who: {"published"} for who in SIGNED_IN},
    "reviewer": set(ARTICLES),
    "admin": set(ARTICLES),
    "street": {"published", "draft"},
    "dept": {"published", "in_review"},
    "anonymous": set(),
}
# Who may write on which article: the owner unit's staff, the centre's reviewers, admins.
ARTICLE_AUTHORS = {
    **ARTICLE_OWNERS,
    "reviewer": set(ARTICLES),
    "admin": set(ARTICLES),
}
ARTICLE_REVIEWERS = {"reviewer": set(ARTICLES), "admin": set(ARTICLES)}
# step → (who may take it, the articles whose state allows it)
ARTICLE_STEPS = {
    "versions": (ARTICLE_AUTHORS, set(ARTICLES)),
    "submit": (ARTICLE_AUTHORS, {"draft"}),
    "publish": (ARTICLE_REVIEWERS, {"in_review"}),
    "reject": (ARTICLE_REVIEWERS, {"in_review"}),
    "withdraw": (ARTICLE_REVIEWERS, {"published"}),
}
PUBLISHED_ONLY = {who: ({"published"} if who in SIGNED_IN else set()) for who in PEOPLE}

# --- reply templates: a unit's own (SPEC §13) ---------------------------------------------------
REPLIES = {"street": "110101001"}
REPLY_SEES = {who: ({"street"} if who == "street" else set()) for who in PEOPLE}

# --- 每月一题 (SPEC §17): (district, adopted?, lead unit, participants, task's unit) ---------
TOPICS = {
    "proposed": ("110101", False, None, [], None),
    "dongcheng": ("110101", True, "110101001", ["110101-CGZF"], "110101-CGZF"),
    "xicheng": ("110102", True, "110102", [], "110102"),
}
# The city reads every topic; a district its district's; any other unit those it leads or
# takes part in (SPEC §16's scope of scores, dashboard and drill-downs).
TOPIC_SEES = {
    **{who: set(TOPICS) for who in CENTRE},
    "leader_dongcheng": {"proposed", "dongcheng"},
    "district": {"proposed", "dongcheng"},
    "street": {"dongcheng"},
    "neighbour_street": set(),
    "dept": {"dongcheng"},
    "xicheng": {"xicheng"},
    "gas": set(),
    "anonymous": set(),
}
# A leader decides the topics in reach: the city's leader all, a district's leader its own.
TOPIC_LEADERS = {"leader_city": set(TOPICS), "leader_dongcheng": {"proposed", "dongcheng"}}
# Tasks: the leaders in reach and the lead unit. Progress: the task's unit and the lead unit.
TOPIC_TASKERS = {**TOPIC_LEADERS, "street": {"dongcheng"}, "xicheng": {"xicheng"}}
TOPIC_REPORTERS = {"street": {"dongcheng"}, "dept": {"dongcheng"}, "xicheng": {"xicheng"}}
ADOPTED = {key for key, spec in TOPICS.items() if spec[1]}
TOPIC_PROPOSERS = {"leader_city", "leader_dongcheng", "reviewer", "admin"}

# --- export jobs: only the person who asked may follow and download one ----------------------
JOB_OWNERS = ("leader_dongcheng", "operator")
JOB_SEES = {who: ({who} if who in JOB_OWNERS else set()) for who in PEOPLE}

# --- attachments: one photo on each ticket, seen by exactly those who see the ticket (§14) ---
# Everyone who sees a ticket may add a file to it, but leaders (they only read).
ATTACHERS = {who: VISIBLE[who] for who in SIGNED_IN if not who.startswith("leader")}


def label(kind, key):
    """The text that names object `key` of `kind` in an answer."""
    return f"MX-{kind}-{key}"


def photo(name="matrix.png"):
    out = BytesIO()
    Image.new("RGB", (40, 20), (200, 30, 30)).save(out, "PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def _article(world, key, owner, state):
    author = world.users["street" if owner == "110101001" else "dept"]
    reviewer = world.users["reviewer"]
    text = label("articles", key)
    article = kb.propose_article(
        actor=author,
        title=text,
        question=f"{text} 怎么报销？",
        answer=f"{text} 持社保卡到定点医院结算",
        keywords="医保 报销",
        categories=[Category.objects.get(code=KB_CATEGORY)],
        effective_from=date(2020, 1, 1),
    )
    if state in ("in_review", "published"):
        article = kb.submit_article(actor=author, article=article)
    if state == "published":
        article = kb.publish_article(actor=reviewer, article=article)
    return article


def _topic(world, key, district, adopted, lead, participants, task_unit):
    leader = world.users["leader_city"]
    topic = topics.propose_topic(
        actor=leader, category="CX.WJ.SD", title=label("topics", key), district=district
    )
    task = None
    if adopted:
        topic = topics.adopt_topic(
            actor=leader, topic=topic, month="2025-10", lead_unit=lead, participants=participants
        )
        task = topics.add_task(
            actor=leader,
            topic=topic,
            what=label("tasks", key),
            unit=task_unit,
            due=date(2099, 12, 31),
        )
    return topic, task


def _job(world, who):
    job = export_jobs.start(
        user=world.users[who],
        period="2025-10",
        code="110101001",
        measure="volume",
        total=1,
        filename=label("jobs", who),
    )
    state = {**jobs.state(job), "status": "done", "done": 1}
    jobs.save(job, state)  # a worker's work: the world's transaction never commits
    jobs.file_path(job).write_bytes(b"PK matrix export of " + who.encode())
    return job


def build_objects(world):
    """Add the knowledge base, topics, attachments and export jobs to a built world."""
    world.articles = {key: _article(world, key, *spec) for key, spec in ARTICLES.items()}
    world.replies = {
        key: ReplyTemplate.objects.create(
            unit=Unit.objects.get(code=code), title=label("replies", key), text="矩阵常用回复"
        )
        for key, code in REPLIES.items()
    }
    world.topics, world.tasks = {}, {}
    for key, spec in TOPICS.items():
        world.topics[key], task = _topic(world, key, *spec)
        if task:
            world.tasks[key] = task
    world.attachments = {
        key: attachments.add_attachment(
            actor=world.users["operator"],
            ticket=world.tickets[key],
            upload=photo(f"{label('attachments', key)}.png"),
        )
        for key in sorted(ALL)
    }
    world.jobs = {who: _job(world, who) for who in JOB_OWNERS}
    return world
