"""Who reads which scores (SPEC §16), on the dashboard, drill-downs, exports and the API.

The scope follows the unit whose tickets the person reads (tickets.selectors): the centre
the city, a district its units, a street, department or company its own row, and a person
whose role does not fit their unit (hotline.roles.unit_refusal) nothing at all.
"""

import csv
import io

import pytest

from hotline.models import Role, Unit, User
from scoring.compute import compute_period
from tests.scoring.conftest import DEPT, DISTRICT, S1, S2
from tests.scoring.flows import at, browser, dispatched
from tickets.selectors import visible_tickets

pytestmark = pytest.mark.django_db

XICHENG_STREET = "110102001"  # 西长安街街道, in another district


@pytest.fixture
def city(month, staff):
    """The 东城 month, one ticket led by a street of 西城, computed."""
    month["xicheng"] = dispatched(staff, at(12, 9), XICHENG_STREET, street=XICHENG_STREET)
    compute_period("2026-10")
    return month


def _text(response):
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("utf-8-sig")
    return response.content.decode()


def _csv_codes(response):
    """The unit codes (or ticket numbers) of a csv export's body: its first column or third."""
    return list(csv.reader(io.StringIO(_text(response))))[2:]


def _api_units(api, user, **query):
    response = api(user).get("/api/v1/scores/", {"period": "2026-10", **query})
    assert response.status_code == 200
    return [row["unit"] for row in response.json()["results"]]


def _units_in(district_code):
    return set(Unit.objects.filter(district__code=district_code).values_list("code", flat=True))


# --- a role that does not fit its unit reads nothing (as with tickets) ------------------------


def _misplaced(kind):
    """People written straight into the database, past hotline.roles.unit_refusal."""
    units = {code: Unit.objects.get(code=code) for code in ("12345", DISTRICT, S1)}
    role, unit = {
        "reviewer_in_a_street": (Role.REVIEWER, units[S1]),
        "admin_in_a_district": (Role.ADMIN, units[DISTRICT]),
        "leader_in_a_street": (Role.LEADER, units[S1]),
        "leader_without_unit": (Role.LEADER, None),
        "reviewer_without_unit": (Role.REVIEWER, None),
        "unit_staff_in_the_centre": (Role.UNIT_STAFF, units["12345"]),
        "no_role_in_the_centre": ("", units["12345"]),
    }[kind]
    return User.objects.create(username=f"misplaced-{kind}", role=role, unit=unit)


MISPLACED = [
    "reviewer_in_a_street",
    "admin_in_a_district",
    "leader_in_a_street",
    "leader_without_unit",
    "reviewer_without_unit",
    "unit_staff_in_the_centre",
    "no_role_in_the_centre",
]


@pytest.mark.parametrize("kind", MISPLACED)
def test_a_role_that_does_not_fit_its_unit_reads_no_score(city, api, kind):
    user = _misplaced(kind)
    assert not visible_tickets(user).exists()  # the tickets' rule, which scoring follows
    client = browser(user)
    other = city["xicheng"].number
    for url in (
        "/dashboard/?period=2026-10",
        f"/dashboard/drill/2026-10/{XICHENG_STREET}/volume/",
        f"/dashboard/drill/2026-10/{XICHENG_STREET}/volume.csv",
        f"/dashboard/drill/2026-10/{S1}/volume/",
        f"/dashboard/drill/2026-10/{S1}/volume.csv",
        "/dashboard/ranking.csv?period=2026-10&group=street",
        "/dashboard/ranking.xlsx?period=2026-10&group=district",
    ):
        response = client.get(url)
        assert response.status_code == 403, (url, response.status_code)
        assert other not in _text(response)
    assert _api_units(api, user) == []
    assert _api_units(api, user, group="street") == []


# --- a street, a department: their own row ----------------------------------------------------


def test_a_street_reads_its_own_row_and_position(city, staff):
    client = browser(staff.street)
    response = client.get("/dashboard/?period=2026-10")
    assert response.status_code == 200
    context = response.context
    assert context["group"] == "street"
    assert [(r.unit.code, r.rank) for r in context["page"]] == [(S1, 2)]
    assert context["unranked"] == [] and not context["districts"]
    assert {r.unit.code for r in context["overdue"]} <= {S1}
    assert {w.unit.code for w in context["whistles"]} <= {S1}
    html = response.content.decode()
    assert "东华门街道" in html and "景山街道" not in html
    district = client.get("/dashboard/?period=2026-10&group=district").context
    assert list(district["page"]) == [] and district["unranked"] == []
    assert client.get(f"/dashboard/?period=2026-10&unit={S2}").status_code == 404


def test_a_street_drills_into_its_own_tickets_only(city, staff):
    t = city
    client = browser(staff.street)
    page = client.get(f"/dashboard/drill/2026-10/{S1}/volume/")
    assert page.status_code == 200
    numbers = {x.number for x in page.context["page"]}
    assert numbers == {t[i].number for i in (1, 2, 3, 4, 5, 6, 7, 8, 9)}
    export = client.get(f"/dashboard/drill/2026-10/{S1}/volume.csv")
    assert export.status_code == 200
    assert {row[0] for row in _csv_codes(export)} == numbers
    for code in (S2, DISTRICT, DEPT, XICHENG_STREET):
        for suffix in ("volume/", "volume.csv", "valid_callbacks.xlsx"):
            response = client.get(f"/dashboard/drill/2026-10/{code}/{suffix}")
            assert response.status_code == 404, (code, suffix)


def test_a_street_exports_and_lists_its_own_row(city, staff, api):
    client = browser(staff.street)
    rows = _csv_codes(client.get("/dashboard/ranking.csv?period=2026-10&group=street"))
    assert [(row[0], row[2]) for row in rows] == [("2", S1)]
    assert _csv_codes(client.get("/dashboard/ranking.csv?period=2026-10&group=district")) == []
    assert _api_units(api, staff.street) == [S1]
    assert _api_units(api, staff.street, group="district") == []


def test_a_department_opens_on_its_own_group(city, staff, api):
    client = browser(staff.dept)
    context = client.get("/dashboard/?period=2026-10").context
    assert context["group"] == "department"
    # One valid callback, under the minimum of 2: listed, not ranked.
    assert list(context["page"]) == [] and [r.unit.code for r in context["unranked"]] == [DEPT]
    rows = _csv_codes(client.get("/dashboard/ranking.csv?period=2026-10"))
    assert [(row[0], row[2]) for row in rows] == [("", DEPT)]
    assert client.get(f"/dashboard/drill/2026-10/{DEPT}/volume/").status_code == 200
    assert client.get(f"/dashboard/drill/2026-10/{S1}/volume/").status_code == 404
    assert _api_units(api, staff.dept) == [DEPT]


# --- district staff: its units' rows ----------------------------------------------------------


def test_district_staff_read_their_units_rows(city, staff, api):
    t = city
    dongcheng = _units_in(DISTRICT)
    client = browser(staff.district)
    context = client.get("/dashboard/?period=2026-10&group=street").context
    shown = {r.unit.code for r in [*context["page"], *context["unranked"]]}
    assert shown == {code for code in dongcheng if len(code) == 9 and code.isdigit()}
    rows = _csv_codes(client.get("/dashboard/ranking.csv?period=2026-10&group=street"))
    assert {row[2] for row in rows} == shown
    api_units = _api_units(api, staff.district)
    assert S1 in api_units and DEPT in api_units and set(api_units) <= dongcheng
    page = client.get(f"/dashboard/drill/2026-10/{S1}/volume/")
    assert page.status_code == 200 and t[1].number in page.content.decode()
    for suffix in ("volume/", "volume.csv"):
        response = client.get(f"/dashboard/drill/2026-10/{XICHENG_STREET}/{suffix}")
        assert response.status_code == 404
        assert t["xicheng"].number not in _text(response)


def test_another_district_reads_its_own_streets_not_this_one(city, staff, api):
    client = browser(staff.other_district)
    page = client.get(f"/dashboard/drill/2026-10/{XICHENG_STREET}/volume/")
    assert [x.number for x in page.context["page"]] == [city["xicheng"].number]
    assert client.get(f"/dashboard/drill/2026-10/{S1}/volume.csv").status_code == 404
    assert set(_api_units(api, staff.other_district)) <= _units_in("110102")


# --- leaders and the centre: unchanged ---------------------------------------------------------


def test_leaders_and_the_centre_keep_their_view(city, staff, api, make_user):
    other = city["xicheng"].number
    for user in (staff.leader, staff.reviewer, staff.operator):
        assert len(_api_units(api, user, group="street")) == 343
        client = browser(user)
        assert client.get("/dashboard/?period=2026-10").status_code == 200
        drill = client.get(f"/dashboard/drill/2026-10/{XICHENG_STREET}/volume.csv")
        assert [row[0] for row in _csv_codes(drill)] == [other]
    leader = make_user(Role.LEADER, DISTRICT)
    units = _api_units(api, leader, group="street")
    assert S1 in units and set(units) <= _units_in(DISTRICT)
    client = browser(leader)
    assert client.get(f"/dashboard/drill/2026-10/{S1}/volume/").status_code == 200
    assert client.get(f"/dashboard/drill/2026-10/{XICHENG_STREET}/volume/").status_code == 404


@pytest.mark.parametrize("typed", ["2026-12\n", "２０２６-１２", "2026-12 "])
def test_a_period_is_exactly_yyyy_mm(typed):
    """An audit found `2026-12\\n` taken (a regular expression's "$" allows a final newline)."""
    from scoring import periods

    with pytest.raises(ValueError):
        periods.parse_period(typed)
    assert periods.parse_period("2026-12") == (2026, 12)
