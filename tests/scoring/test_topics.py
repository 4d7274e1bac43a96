"""每月一题 (SPEC §17): propose, adopt, tasks, progress, close — through the API and pages."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from hotline.models import Role
from scoring.compute import compute_period, publish_period
from scoring.topics.models import Topic, TopicEvent
from tests.conftest import leaf
from tests.scoring.factory import answers, scored

pytestmark = pytest.mark.django_db
BJ = ZoneInfo("Asia/Shanghai")
STREET, DEPT = "110101001", "110101-CGZF"


@pytest.fixture
def category():
    return leaf().parent  # a level-2 category, as the candidates propose


def _propose(api, user, category, **extra):
    return api(user).post("/api/v1/topics/", {"category": category.code, **extra}, format="json")


def _adopted(api, staff, category):
    topic = _propose(api, staff.leader, category, district="110101").json()
    response = api(staff.leader).post(
        f"/api/v1/topics/{topic['id']}/adopt/",
        {"month": "2026-10", "lead_unit": STREET, "participants": [DEPT]},
        format="json",
    )
    assert response.status_code == 200, response.content
    return response.json()


def test_a_topic_from_proposal_to_conclusion(staff, api, category):
    topic = _adopted(api, staff, category)
    assert topic["status"] == "adopted" and topic["lead_unit"] == STREET
    assert topic["participants"] == [DEPT]
    base = f"/api/v1/topics/{topic['id']}"
    # the lead unit sets a task for a participant
    task = api(staff.street).post(
        f"{base}/tasks/", {"what": "清理楼道堆物", "unit": DEPT, "due": "2026-10-31"}, format="json"
    )
    assert task.status_code == 201, task.content
    task_id = task.json()["id"]
    # the participant reports progress and completes it
    progress = api(staff.dept).post(
        f"{base}/tasks/{task_id}/progress/", {"note": "已清理 30 处", "done": True}, format="json"
    )
    assert progress.status_code == 201, progress.content
    closed = api(staff.leader).post(f"{base}/close/", {"conclusion": "堆物投诉下降"}, format="json")
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    events = list(
        TopicEvent.objects.filter(topic_id=topic["id"]).values_list("type", "actor__username")
    )
    assert events == [
        ("proposed", staff.leader.username),
        ("adopted", staff.leader.username),
        ("task_added", staff.street.username),
        ("progress", staff.dept.username),
        ("closed", staff.leader.username),
    ]
    detail = api(staff.leader).get(f"{base}/").json()
    assert (
        detail["tasks"][0]["done_at"]
        and detail["tasks"][0]["progress"][0]["note"] == "已清理 30 处"
    )


def test_wrong_roles_are_403_and_change_nothing(staff, api, category):
    assert _propose(api, staff.street, category).status_code == 403
    assert Topic.objects.count() == 0
    topic = _propose(api, staff.leader, category).json()
    base = f"/api/v1/topics/{topic['id']}"
    adopt = {"month": "2026-10", "lead_unit": STREET}
    assert api(staff.reviewer).post(f"{base}/adopt/", adopt, format="json").status_code == 403
    assert Topic.objects.get().status == "proposed"
    api(staff.leader).post(f"{base}/adopt/", adopt, format="json")
    task = {"what": "x", "unit": STREET, "due": "2026-10-31"}
    # a unit that does not lead the topic cannot set tasks (it does not even see it: 404)
    assert api(staff.other_street).post(f"{base}/tasks/", task, format="json").status_code == 404
    assert api(staff.reviewer).post(f"{base}/tasks/", task, format="json").status_code == 403
    task_id = api(staff.street).post(f"{base}/tasks/", task, format="json").json()["id"]
    # the participant-less dept is not on this topic
    assert (
        api(staff.dept).post(f"{base}/tasks/{task_id}/progress/", {"note": "x"}, format="json")
    ).status_code == 404
    close = {"conclusion": "x"}
    assert api(staff.street).post(f"{base}/close/", close, format="json").status_code == 403
    assert Topic.objects.get().status == "adopted"


def test_wrong_states_are_409(staff, api, category):
    topic = _propose(api, staff.leader, category).json()
    base = f"/api/v1/topics/{topic['id']}"
    task = {"what": "x", "unit": STREET, "due": "2026-10-31"}
    assert api(staff.leader).post(f"{base}/tasks/", task, format="json").status_code == 409
    assert (
        api(staff.leader).post(f"{base}/close/", {"conclusion": "x"}, format="json").status_code
        == 409
    )
    adopt = {"month": "2026-10", "lead_unit": STREET}
    assert api(staff.leader).post(f"{base}/adopt/", adopt, format="json").status_code == 200
    assert api(staff.leader).post(f"{base}/adopt/", adopt, format="json").status_code == 409
    api(staff.leader).post(f"{base}/close/", {"conclusion": "done"}, format="json")
    assert (
        api(staff.leader).post(f"{base}/close/", {"conclusion": "x"}, format="json").status_code
        == 409
    )
    assert TopicEvent.objects.filter(topic_id=topic["id"]).count() == 3


def test_bad_input_names_the_field(staff, api, category):
    assert "category" in api(staff.leader).post("/api/v1/topics/", {}, format="json").json()
    bad = api(staff.leader).post("/api/v1/topics/", {"category": "NOPE"}, format="json")
    assert bad.status_code == 400 and "category" in bad.json()
    topic = _propose(api, staff.leader, category).json()
    base = f"/api/v1/topics/{topic['id']}"
    for body, field in (
        ({"month": "2026-13", "lead_unit": STREET}, "month"),
        ({"month": "2026-10", "lead_unit": "NOPE"}, "lead_unit"),
    ):
        response = api(staff.leader).post(f"{base}/adopt/", body, format="json")
        assert response.status_code == 400 and field in response.json()
    assert Topic.objects.get().status == "proposed"
    api(staff.leader).post(
        f"{base}/adopt/", {"month": "2026-10", "lead_unit": STREET}, format="json"
    )
    outsider = {"what": "x", "unit": DEPT, "due": "2026-10-31"}
    response = api(staff.street).post(f"{base}/tasks/", outsider, format="json")
    assert response.status_code == 400 and "unit" in response.json()


def test_a_district_leader_decides_only_its_district(staff, api, make_user, category):
    leader = make_user(Role.LEADER, "110102", "leader-xicheng")
    assert _propose(api, leader, category, district="110101").status_code == 403
    assert _propose(api, leader, category, district="110102").status_code == 201
    city_topic = _propose(api, staff.leader, category, district="110101").json()
    # another district's topic is not even visible to it
    assert api(leader).get(f"/api/v1/topics/{city_topic['id']}/").status_code == 404
    listed = [t["district"] for t in api(leader).get("/api/v1/topics/").json()["results"]]
    assert listed == ["110102"]


def test_the_topic_shows_its_months_before_and_after_adoption(staff, api, category):
    agent = staff.callback_agent
    for month, n in ((7, 9), (8, 10), (9, 11), (10, 4), (11, 2)):
        scored(STREET, datetime(2026, month, 15, 10, tzinfo=BJ), agent, answers(n))
    topic = _propose(api, staff.leader, leaf().parent).json()
    api(staff.leader).post(
        f"/api/v1/topics/{topic['id']}/adopt/",
        {"month": "2026-10", "lead_unit": STREET},
        format="json",
    )
    months = {
        m["period"]: m
        for m in api(staff.leader).get(f"/api/v1/topics/{topic['id']}/").json()["months"]
    }
    assert [
        months[p]["volume"] for p in ("2026-07", "2026-08", "2026-09", "2026-10", "2026-11")
    ] == [
        9,
        10,
        11,
        4,
        2,
    ]
    assert months["2026-09"]["after"] is False and months["2026-10"]["after"] is True
    assert months["2026-10"]["resolution"] == 1.0
    page = _page(staff.leader, f"/dashboard/topics/{topic['id']}/")
    assert page.status_code == 200 and "2026-10" in page.content.decode()


def _page(user, url, data=None):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client.post(url, data) if data is not None else client.get(url)


def test_candidates_come_from_the_computed_period_and_can_be_proposed(staff, api):
    agent = staff.callback_agent
    for month, n in ((7, 2), (8, 2), (9, 2), (10, 12)):
        scored(STREET, datetime(2026, month, 15, 10, tzinfo=BJ), agent, answers(n))
    compute_period("2026-10")
    publish_period("2026-10")
    candidates = api(staff.leader).get("/api/v1/topics/candidates/").json()
    assert candidates[0]["category"] == leaf().parent.code and candidates[0]["taken"] is False
    page = _page(staff.leader, "/dashboard/topics/")
    assert leaf().parent.name in page.content.decode()
    response = _page(
        staff.leader, "/dashboard/topics/propose/", {"category": candidates[0]["category"]}
    )
    assert response.status_code == 302
    assert api(staff.leader).get("/api/v1/topics/candidates/").json()[0]["taken"] is True


def test_the_pages_take_the_steps(staff, category):
    response = _page(staff.leader, "/dashboard/topics/propose/", {"category": category.code})
    topic = Topic.objects.get()
    assert response["Location"] == f"/dashboard/topics/{topic.pk}/"
    _page(
        staff.leader,
        f"/dashboard/topics/{topic.pk}/adopt/",
        {"month": "2026-10", "lead_unit": STREET},
    )
    _page(
        staff.street,
        f"/dashboard/topics/{topic.pk}/tasks/",
        {"what": "巡查", "unit": STREET, "due": "2026-10-30"},
    )
    task = topic.tasks.get()
    _page(
        staff.street, f"/dashboard/topics/{topic.pk}/tasks/{task.pk}/progress/", {"note": "已巡查"}
    )
    refused = _page(staff.street, f"/dashboard/topics/{topic.pk}/close/", {"conclusion": "x"})
    assert refused.status_code == 302
    topic.refresh_from_db()
    assert topic.status == "adopted" and task.progress.count() == 1
    _page(staff.leader, f"/dashboard/topics/{topic.pk}/close/", {"conclusion": "见效"})
    topic.refresh_from_db()
    assert topic.status == "closed"
    html = _page(staff.leader, f"/dashboard/topics/{topic.pk}/").content.decode()
    assert "见效" in html and "已巡查" in html


def test_the_schema_documents_the_topic_endpoints(api, staff):
    schema = api(staff.leader).get("/api/schema/?format=json").json()
    for path in (
        "/api/v1/topics/",
        "/api/v1/topics/{id}/adopt/",
        "/api/v1/topics/{id}/tasks/",
        "/api/v1/topics/{id}/close/",
    ):
        assert path in schema["paths"], path
    assert "409" in schema["paths"]["/api/v1/topics/{id}/adopt/"]["post"]["responses"]


def test_history_is_append_only(staff, api, category):
    _propose(api, staff.leader, category)
    event = TopicEvent.objects.get()
    with pytest.raises(ValueError):
        event.save()
    with pytest.raises(ValueError):
        TopicEvent.objects.all().delete()
