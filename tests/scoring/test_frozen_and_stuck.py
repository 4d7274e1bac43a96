"""A published period stays frozen through every interface; a run whose process died is
noticed and computed again by itself, with the result of a clean run (issue 8)."""

from datetime import timedelta

import pytest
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.utils import timezone

from scoring.compute import compute_period, publish_period
from scoring.models import FrozenRunError, ScoreRun, UnitScore
from scoring.tasks import recover_stuck_runs

pytestmark = pytest.mark.django_db

FIGURES = ["unit__code", "volume", "valid_callbacks", "solved", "composite", "rank", "flagged"]


def figures(period="2026-10"):
    return list(UnitScore.objects.filter(period=period).order_by("unit__code").values(*FIGURES))


@pytest.fixture
def published(month, staff):
    compute_period("2026-10")
    return publish_period("2026-10", actor=staff.reviewer)


@pytest.fixture
def admin_browser(make_user):
    admin = make_user("admin", "12345")
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client = Client()
    client.force_login(admin)
    return client


def test_the_admin_cannot_delete_a_published_run_or_its_rows(published, admin_browser):
    row = UnitScore.objects.filter(period="2026-10").first()
    for url in (
        f"/admin/scoring/scorerun/{published.pk}/delete/",
        f"/admin/scoring/unitscore/{row.pk}/delete/",
    ):
        assert admin_browser.post(url, {"post": "yes"}).status_code == 403
    bulk = admin_browser.post(
        "/admin/scoring/unitscore/",
        {"action": "delete_selected", "_selected_action": [row.pk], "post": "yes"},
    )
    assert bulk.status_code in (200, 302)
    assert ScoreRun.objects.filter(pk=published.pk).exists()
    assert UnitScore.objects.filter(pk=row.pk).exists()


def test_no_python_path_deletes_or_unpublishes_a_published_run(published):
    with pytest.raises(FrozenRunError), transaction.atomic():
        ScoreRun.objects.filter(pk=published.pk).delete()
    published.published = False
    with pytest.raises(FrozenRunError), transaction.atomic():
        published.save()
    assert ScoreRun.objects.get(pk=published.pk).published


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
def test_sql_typed_by_hand_cannot_delete_a_published_run(published):
    for sql in (
        "DELETE FROM scoring_scorerun WHERE id = %s",
        "UPDATE scoring_scorerun SET published = false WHERE id = %s",
    ):
        with pytest.raises(DatabaseError, match="published"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(sql, [published.pk])
    assert ScoreRun.objects.get(pk=published.pk).published


def test_rows_removed_by_hand_still_need_a_reason_to_recompute(
    published, staff, api, django_capture_on_commit_callbacks
):
    before = figures()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM scoring_unitscore WHERE period = %s", ["2026-10"])
    client = api(staff.reviewer)
    refused = client.post("/api/v1/scores/compute/", {"period": "2026-10"}, format="json")
    assert refused.status_code == 409 and not UnitScore.objects.filter(period="2026-10").exists()
    with django_capture_on_commit_callbacks(execute=True):
        ok = client.post(
            "/api/v1/scores/compute/",
            {"period": "2026-10", "override_reason": "数据库误删后恢复"},
            format="json",
        )
    assert ok.status_code == 202
    latest = ScoreRun.objects.filter(period="2026-10").latest("id")
    assert (latest.published, latest.override_reason, latest.override_by) == (
        True,
        "数据库误删后恢复",
        staff.reviewer,
    )
    assert figures() == before


def test_a_run_whose_process_died_is_redone_with_the_clean_result(
    month, django_capture_on_commit_callbacks
):
    compute_period("2026-10")
    clean = figures()
    # What a worker killed mid-computation leaves: a "running" run and no rows of its own.
    started = timezone.now() - timedelta(minutes=20)
    dead = ScoreRun.objects.create(
        period="2026-10", period_start=started, period_end=started, started_at=started
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert recover_stuck_runs() == []  # a done run came after it: nothing to redo
    dead.refresh_from_db()
    assert dead.status == "failed" and "abandoned" in dead.error

    ScoreRun.objects.filter(period="2026-10").exclude(pk=dead.pk).update(started_at=started)
    stuck = ScoreRun.objects.create(
        period="2026-10", period_start=started, period_end=started, started_at=started
    )
    UnitScore.objects.filter(period="2026-10").delete()
    with django_capture_on_commit_callbacks(execute=True):
        assert recover_stuck_runs() == ["2026-10"]
    stuck.refresh_from_db()
    assert stuck.status == "failed"
    assert ScoreRun.objects.filter(period="2026-10").latest("id").status == "done"
    assert figures() == clean


def test_an_override_whose_process_died_is_redone_with_its_reason(
    published, staff, monkeypatch, django_capture_on_commit_callbacks
):
    clean = figures()

    def killed(*args, **kwargs):
        raise KeyboardInterrupt  # what `except Exception` does not see: the process ends

    monkeypatch.setattr("scoring.compute.build_rows", killed)
    started = timezone.now() - timedelta(minutes=20)
    ScoreRun.objects.filter(pk=published.pk).update(started_at=started - timedelta(minutes=1))
    with pytest.raises(KeyboardInterrupt):
        compute_period("2026-10", actor=staff.reviewer, override_reason="回访数据补录", now=started)
    monkeypatch.undo()
    dead = ScoreRun.objects.filter(period="2026-10").latest("id")
    assert dead.status == "running" and dead.override_reason == "回访数据补录"

    with django_capture_on_commit_callbacks(execute=True):
        assert recover_stuck_runs() == ["2026-10"]
    redone = ScoreRun.objects.filter(period="2026-10").latest("id")
    assert redone.pk != dead.pk
    assert (redone.status, redone.published, redone.override_reason) == (
        "done",
        True,
        "回访数据补录",
    )
    assert figures() == clean


def test_a_young_running_run_is_left_alone(month):
    run = ScoreRun.objects.create(
        period="2026-10",
        period_start=timezone.now(),
        period_end=timezone.now(),
        started_at=timezone.now(),
    )
    assert recover_stuck_runs() == []
    run.refresh_from_db()
    assert run.status == "running"
