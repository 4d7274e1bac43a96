"""Ranking mechanics, publication, failure, intervals and the query budget."""

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from scoring import periods
from scoring.compute import compute_period, publish_period, wilson
from scoring.models import ScoreRun, ScoringPolicy, UnitScore, WhistleScore
from scoring.tasks import compute_closed_period_task
from tests.scoring.factory import answers, scored
from tickets.guards import Refused

pytestmark = pytest.mark.django_db
BJ = ZoneInfo("Asia/Shanghai")
OCT = datetime(2026, 10, 15, 10, tzinfo=BJ)
NOV = datetime(2026, 11, 15, 10, tzinfo=BJ)
A, B, C, D = "110101001", "110101002", "110101003", "110101004"


def ranks(period="2026-10", group="street"):
    return {
        s.unit.code: s
        for s in UnitScore.objects.filter(period=period, group=group).select_related("unit")
    }


def test_ties_are_broken_by_volume_and_full_ties_share_the_rank(staff):
    agent = staff.callback_agent
    # All three: 10 valid, all yes and satisfied → composite 100.
    scored(A, OCT, agent, answers(10), extra_volume=2)  # volume 12
    scored(B, OCT, agent, answers(10))  # volume 10
    scored(C, OCT, agent, answers(10))  # volume 10
    compute_period("2026-10")
    rows = ranks()
    assert rows[A].composite == rows[B].composite == Decimal("100")
    assert (rows[A].rank, rows[B].rank, rows[C].rank) == (1, 2, 2)


def test_below_the_minimum_is_listed_but_not_ranked(staff):
    # A: 9 valid, perfect (100) – one short of the default minimum of 10.
    scored(A, OCT, staff.callback_agent, answers(9))
    # B: 10 valid, 5 solved: 100 × (0.1×10 + 0.5×5 + 0.4×10)/10 = 75
    scored(B, OCT, staff.callback_agent, answers(10, solved=5))
    compute_period("2026-10")
    rows = ranks()
    assert rows[A].composite == Decimal("100") and rows[A].rank is None
    assert rows[B].composite == Decimal("75") and rows[B].rank == 1
    assert not rows[A].flagged


def test_bottom_n_streets_are_flagged(staff):
    ScoringPolicy.objects.create(unit_type="street", flag_bottom_n=2, min_valid_callbacks=10)
    agent = staff.callback_agent
    # solved 10, 8, 6, 4 of 10: composites 100, 90, 80, 70
    for code, solved in ((A, 10), (B, 8), (C, 6), (D, 4)):
        scored(code, OCT, agent, answers(10, solved=solved))
    scored("110101005", OCT, agent, answers(3, solved=0))  # below the minimum
    compute_period("2026-10")
    rows = ranks()
    assert [rows[c].composite for c in (A, B, C, D)] == [100, 90, 80, 70]
    assert [rows[c].rank for c in (A, B, C, D)] == [1, 2, 3, 4]
    assert [rows[c].flagged for c in (A, B, C, D)] == [False, False, True, True]
    assert not rows["110101005"].flagged


def test_weights_and_factor_come_from_the_period_policy(staff):
    # 2026-10 streets: response 0.2, resolution 0.4, satisfaction 0.4, factor 0.5
    ScoringPolicy.objects.create(
        period="2026-10",
        unit_type="street",
        weight_response=Decimal("0.2"),
        weight_resolution=Decimal("0.4"),
        weight_satisfaction=Decimal("0.4"),
        basic_factor=Decimal("0.5"),
    )
    # 10 valid: 10 contacted, 5 solved, 4 satisfied + 4 basically satisfied
    scored(A, OCT, staff.callback_agent, answers(10, solved=5, satisfied=4, basic=4))
    compute_period("2026-10")
    row = ranks()[A]
    # satisfaction (4 + 0.5×4)/10 = 0.6; composite 100 × (0.2×1 + 0.4×0.5 + 0.4×0.6) = 64
    assert row.satisfaction_rate == Decimal("0.6") and row.composite == Decimal("64")
    assert ScoreRun.objects.get().weights["street"]["basic_factor"] == "0.5"
    assert ScoreRun.objects.get().weights["district"]["basic_factor"] == "0.9"


def test_rank_change_against_the_previous_period(staff):
    agent = staff.callback_agent
    scored(A, OCT, agent, answers(10))
    scored(B, OCT, agent, answers(10, solved=5))
    scored(A, NOV, agent, answers(10, solved=5))
    scored(B, NOV, agent, answers(10))
    compute_period("2026-10")
    compute_period("2026-11")
    rows = ranks("2026-11")
    assert (rows[A].rank, rows[A].rank_change) == (2, -1)
    assert (rows[B].rank, rows[B].rank_change) == (1, 1)
    assert ranks("2026-10")[A].rank_change is None  # no September figures


def _snapshot(period="2026-10"):
    fields = [f.name for f in UnitScore._meta.fields if f.name not in ("id", "run")]
    return sorted(UnitScore.objects.filter(period=period).values_list(*fields))


def test_recomputing_an_unpublished_period_gives_identical_rows(staff):
    scored(A, OCT, staff.callback_agent, answers(12, solved=7, basic=3, satisfied=6))
    scored(B, OCT, staff.callback_agent, answers(10, contacted=9))
    first = compute_period("2026-10")
    before = _snapshot()
    second = compute_period("2026-10")
    assert _snapshot() == before
    assert UnitScore.objects.filter(period="2026-10").count() == len(before)
    assert set(UnitScore.objects.values_list("run", flat=True).distinct()) == {second.pk}
    assert first.pk != second.pk


def test_a_published_period_is_frozen_unless_overridden(staff):
    scored(A, OCT, staff.callback_agent, answers(10))
    compute_period("2026-10")
    publish_period("2026-10", actor=staff.reviewer)
    scored(A, OCT, staff.callback_agent, answers(10, solved=0))  # late exclusion decisions…
    before = _snapshot()
    with pytest.raises(Refused) as refused:
        compute_period("2026-10", actor=staff.reviewer)
    assert refused.value.status == 409
    assert _snapshot() == before and ScoreRun.objects.count() == 1

    run = compute_period("2026-10", actor=staff.reviewer, override_reason="申诉复核后更正")
    assert (run.override_reason, run.override_by, run.override_at is not None) == (
        "申诉复核后更正",
        staff.reviewer,
        True,
    )
    assert run.published and run.published_by == staff.reviewer
    assert ranks()[A].valid_callbacks == 20
    # Still frozen after the override.
    with pytest.raises(Refused):
        compute_period("2026-10")


def test_a_run_that_fails_halfway_is_failed_and_writes_no_rows(staff, monkeypatch):
    scored(A, OCT, staff.callback_agent, answers(10))
    compute_period("2026-10")
    before = _snapshot()
    scored(A, OCT, staff.callback_agent, answers(10, solved=0))

    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    # Fails after the old rows were deleted and the new unit rows inserted.
    monkeypatch.setattr(WhistleScore.objects, "bulk_create", boom)
    with pytest.raises(RuntimeError):
        compute_period("2026-10")
    failed = ScoreRun.objects.order_by("-id").first()
    assert failed.status == "failed" and "disk full" in failed.error
    assert failed.finished_at is not None
    assert _snapshot() == before  # the previous run's rows, untouched

    with pytest.raises(RuntimeError):
        compute_period("2026-11")
    assert ScoreRun.objects.filter(period="2026-11").get().status == "failed"
    assert not UnitScore.objects.filter(period="2026-11").exists()


@pytest.mark.parametrize(
    "x, n, low, high",
    [
        # statsmodels' proportion_confint(method="wilson"), which uses z = 1.959964…
        (8, 10, 0.4901625, 0.9433178),
        (0, 10, 0.0, 0.2775328),
        (10, 10, 0.7224672, 1.0),
        (50, 100, 0.4038315, 0.5961685),
    ],
)
def test_wilson_interval_known_values(x, n, low, high):
    assert wilson(x, n) == pytest.approx((low, high), abs=2e-5)


def test_wilson_closed_forms_at_the_edges():
    # x = 0: upper = z²/(n + z²); x = n: lower = n/(n + z²); z = 1.96, z² = 3.8416
    assert wilson(0, 10)[1] == pytest.approx(3.8416 / 13.8416, abs=1e-12)
    assert wilson(10, 10)[0] == pytest.approx(10 / 13.8416, abs=1e-12)


def test_neighbours_whose_intervals_overlap_are_not_distinguishable(staff):
    agent = staff.callback_agent
    # A 100 and B 90 on 10 callbacks each: intervals overlap widely.
    scored(A, OCT, agent, answers(10))
    scored(B, OCT, agent, answers(10, solved=8))
    # C: 200 callbacks, composite 100×(0.1 + 0.5×0.2 + 0.4×0.2) = 28 → far below B
    scored(C, OCT, agent, answers(200, solved=40, satisfied=40))
    compute_period("2026-10")
    rows = ranks()
    assert [rows[c].rank for c in (A, B, C)] == [1, 2, 3]
    assert rows[C].composite == Decimal("28")
    assert rows[A].composite_low < rows[B].composite_high
    assert rows[B].composite_low > rows[C].composite_high
    assert (rows[A].not_distinguishable, rows[B].not_distinguishable) == (True, True)
    assert rows[C].not_distinguishable is False
    # the composite's interval: Wilson of 0.28 on 200
    assert float(rows[C].composite_low) == pytest.approx(100 * wilson(56, 200)[0], abs=1e-3)


def _queries(period):
    with CaptureQueriesContext(connection) as ctx:
        compute_period(period)
    return len(ctx.captured_queries)


def test_the_computation_takes_the_same_queries_for_any_number_of_tickets(staff):
    scored(A, OCT, staff.callback_agent, answers(1))
    small = _queries("2026-10")
    for code in (A, B, C, D):
        scored(code, NOV, staff.callback_agent, answers(40, solved=20), extra_volume=5)
    large = _queries("2026-11")
    assert small == large
    # policies, cut-offs, frozen?, run insert, lock, units, callbacks, volume, previous
    # ranks, 3 whistle queries, 2 deletes, unit rows + whistle rows inserts (batches
    # of 500 on PostgreSQL, smaller on SQLite), run update, savepoint and release.
    inserts = -(-UnitScore.objects.filter(period="2026-11").count() // 500)
    # + 9 for the dashboard's stored summaries (scoring/summaries.py)
    if connection.vendor == "postgresql":
        assert large == 18 + inserts - 1 + 9
    else:
        assert large >= 18


def test_period_bounds_follow_the_cutoff_day(staff):
    start, end = periods.bounds("2026-11")
    assert (start, end) == (
        datetime(2026, 11, 1, tzinfo=BJ),
        datetime(2026, 12, 1, tzinfo=BJ),
    )
    ScoringPolicy.objects.create(cutoff_day=19)
    start, end = periods.bounds("2026-11")
    assert (start, end) == (
        datetime(2026, 10, 20, tzinfo=BJ),
        datetime(2026, 11, 20, tzinfo=BJ),
    )
    assert periods.period_of(datetime(2026, 11, 19, 23, 59, tzinfo=BJ)) == "2026-11"
    assert periods.period_of(datetime(2026, 11, 20, 0, 0, tzinfo=BJ)) == "2026-12"
    assert periods.period_of(datetime(2026, 10, 20, 0, 0, tzinfo=BJ)) == "2026-11"
    # A callback at 23:59 of the cut-off day counts in November, at 00:00 in December.
    scored(A, datetime(2026, 11, 19, 23, 59, tzinfo=BJ), staff.callback_agent, answers(1))
    scored(B, datetime(2026, 11, 20, 0, 0, tzinfo=BJ), staff.callback_agent, answers(1))
    compute_period("2026-11")
    rows = ranks("2026-11")
    assert (rows[A].valid_callbacks, rows[B].valid_callbacks) == (1, 0)


def test_beat_task_computes_the_period_that_just_closed_once(staff):
    scored(A, OCT, staff.callback_agent, answers(3))
    # mid-October: September closed; it has no run yet, so it is computed (empty)
    assert compute_closed_period_task(now=OCT) is not None
    assert ScoreRun.objects.get().period == "2026-09"
    after_cutoff = datetime(2026, 11, 1, 0, 30, tzinfo=BJ)
    run_id = compute_closed_period_task(now=after_cutoff)
    assert ScoreRun.objects.get(pk=run_id).period == "2026-10"
    assert ranks()[A].valid_callbacks == 3
    assert compute_closed_period_task(now=after_cutoff.replace(hour=5)) is None
    assert ScoreRun.objects.filter(period="2026-10").count() == 1


def test_compute_scores_command_publishes_and_respects_the_freeze(staff, capsys):
    scored(A, OCT, staff.callback_agent, answers(10))
    call_command("compute_scores", "--period", "2026-10", "--publish", verbosity=0)
    assert "published" in capsys.readouterr().out
    assert ScoreRun.objects.get().published
    with pytest.raises(CommandError, match="冻结"):
        call_command("compute_scores", "--period", "2026-10", verbosity=0)
    call_command(
        "compute_scores", "--period", "2026-10", "--override-reason", "数据更正", verbosity=0
    )
    assert ScoreRun.objects.filter(override_reason="数据更正", status="done").count() == 1
    with pytest.raises(CommandError):
        call_command("compute_scores", "--period", "2026-13", verbosity=0)


def test_compute_scores_recent_publishes_closed_periods_and_leaves_frozen_ones(capsys):
    current = periods.period_of(datetime.now(tz=BJ))
    last, before = periods.shift(current, -1), periods.shift(current, -2)
    call_command("compute_scores", "--recent", "3", "--publish", verbosity=0)
    runs = {r.period: r.published for r in ScoreRun.objects.all()}
    assert runs == {before: True, last: True, current: False}
    # a second run recomputes only the open period and leaves the frozen ones alone
    call_command("compute_scores", "--recent", "3", "--publish", verbosity=0)
    out = capsys.readouterr().out
    assert f"{before}: published already" in out and f"{last}: published already" in out
    assert ScoreRun.objects.filter(period=before).count() == 1
    assert ScoreRun.objects.filter(period=current).count() == 2
