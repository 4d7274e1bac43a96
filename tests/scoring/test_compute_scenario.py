"""One month of 东城区 driven through the actions, every path of SPEC §4–§8, figures by hand.

Period 2026-10 (calendar month: 2026-10-01 00:00 to 2026-11-01 00:00 Beijing time).
Policy for this period: min 2 valid callbacks to be ranked, bottom 1 street flagged;
default weights 0.10 / 0.50 / 0.40 and factor 0.9.
"""

from decimal import Decimal

import pytest

from scoring.compute import compute_period
from scoring.models import UnitScore, WhistleScore
from tests.scoring.conftest import DEPT, DISTRICT, S1, S2

pytestmark = pytest.mark.django_db


def _row(code, period="2026-10"):
    return UnitScore.objects.select_related("unit").get(period=period, unit__code=code)


def test_every_path_counts_as_worked_out_by_hand(month, staff):
    run = compute_period("2026-10", actor=staff.reviewer)
    assert run.status == "done"
    assert run.weights["street"]["min_valid_callbacks"] == 2
    assert run.weights["street"]["weight_resolution"] == "0.5"

    s1 = _row(S1)
    # volume: t1..t9 = 9 (repeat merged, answered, transferred: none; t13 moved to S2)
    # excluded: t7 (unreasonable confirmed), t9 (appeal upheld) = 2; overdue: t5 = 1
    # valid counted callbacks, not excluded: t1 t2 t3 t4 t6 t8 = 6 (t5 invalid, t6's
    # first callback not counted)
    assert (s1.volume, s1.excluded, s1.overdue, s1.valid_callbacks) == (9, 2, 1, 6)
    # contacted: all but t4 = 5; solved: all but t3 = 5; satisfied t1 t6 t8 = 3; basic t2 = 1
    assert (s1.contacted, s1.solved, s1.satisfied, s1.basically_satisfied) == (5, 5, 3, 1)
    # response 5/6, resolution 5/6, satisfaction (3 + 0.9×1)/6 = 0.65
    assert s1.response_rate == Decimal("0.8333")
    assert s1.resolution_rate == Decimal("0.8333")
    assert s1.satisfaction_rate == Decimal("0.6500")
    # composite 100 × (0.1×5 + 0.5×5 + 0.4×3.9)/6 = 100 × 4.56/6 = 76
    assert s1.composite == Decimal("76.0000")

    s2 = _row(S2)
    # t13 (redispatched to it), t14, t18 dispatched in October; t18's callback is in
    # November: valid 2, all yes and satisfied → 100
    assert (s2.volume, s2.valid_callbacks, s2.contacted, s2.solved, s2.satisfied) == (
        3,
        2,
        2,
        2,
        2,
    )
    assert s2.composite == Decimal("100.0000")
    assert (s2.rank, s1.rank) == (1, 2)
    # bottom 1 of 2 ranked streets is flagged
    assert (s2.flagged, s1.flagged) == (False, True)

    dept = _row(DEPT)
    assert (dept.volume, dept.valid_callbacks, dept.composite) == (1, 1, Decimal("100.0000"))
    assert dept.rank is None  # 1 valid callback < 2

    gas = _row("C-GAS")
    assert (gas.volume, gas.valid_callbacks, gas.composite, gas.rank) == (1, 0, None, None)

    district = _row(DISTRICT)
    # S1 + S2 + CGZF + the district itself:
    # volume 9+3+1+1 = 14, excluded 2, overdue 1, valid 6+2+1+1 = 10
    # contacted 5+2+1+1 = 9, solved 5+2+1+0 = 8, satisfied 3+2+1+0 = 6, basic 1+0+0+1 = 2
    assert (district.volume, district.excluded, district.overdue) == (14, 2, 1)
    assert (district.valid_callbacks, district.contacted, district.solved) == (10, 9, 8)
    assert (district.satisfied, district.basically_satisfied) == (6, 2)
    # response 0.9, resolution 0.8, satisfaction (6 + 1.8)/10 = 0.78
    # composite 100 × (0.1×9 + 0.5×8 + 0.4×7.8)/10 = 100 × 8.02/10 = 80.2
    assert (district.response_rate, district.resolution_rate) == (Decimal("0.9"), Decimal("0.8"))
    assert district.satisfaction_rate == Decimal("0.78")
    assert district.composite == Decimal("80.2")
    assert district.rank == 1 and district.group == "district"
    # 西城区 has nothing: listed, unranked
    assert _row("110102").volume == 0 and _row("110102").rank is None

    # 双考核: S1 blew 2 whistles summoning 3 departments; CGZF 1 on time, 1 late; SCJG none.
    whistles = {w.unit.code: w for w in WhistleScore.objects.select_related("unit")}
    assert (whistles[S1].whistles, whistles[S1].summons_sent) == (2, 3)
    cgzf = whistles[DEPT]
    assert (cgzf.summons_received, cgzf.reported_on_time, cgzf.reported_late) == (2, 1, 1)
    assert (whistles["110101-SCJG"].summons_received, whistles["110101-SCJG"].not_reported) == (
        1,
        1,
    )


def test_november_sees_the_late_callback_and_the_october_ranks(month):
    compute_period("2026-10")
    compute_period("2026-11")
    s2 = _row(S2, "2026-11")
    # t18's callback (11-02) counts in November; nothing was dispatched in November.
    assert (s2.volume, s2.valid_callbacks, s2.composite) == (0, 1, Decimal("100.0000"))
    # default policy in November: 1 valid < 10, unranked, so no rank change either
    assert s2.rank is None and s2.rank_change is None
