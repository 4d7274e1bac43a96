"""The directory kept per process (hotline.directory_cache): one read of the whole a
minute, and an admin's change seen at once by the process that made it."""

import pytest

from hotline import directory_cache
from hotline.models import Category, Unit, UnitType
from tests.tickets.test_api_tickets import BODY
from tickets.models import Ticket

pytestmark = pytest.mark.django_db

STREETS = Unit.objects.filter(type=UnitType.STREET, active=True)


def test_the_rows_are_read_once_and_each_caller_gets_its_own_copy(
    directory, django_assert_num_queries
):
    kept = directory_cache.KeptByCode(STREETS)
    with django_assert_num_queries(1):  # every street of the city in the one query
        first = kept.get("110101001")
        first.name = "改过的名字"  # a caller's change to its row stays its own
        again = kept.get("110101001")
        other = kept.get("110102001")
    assert again.pk == first.pk and again.name == "东华门街道"
    assert other.name == "西长安街街道"


def test_after_a_minute_the_row_is_read_again(directory, monkeypatch, django_assert_num_queries):
    clock = [1000.0]
    monkeypatch.setattr(directory_cache.time, "monotonic", lambda: clock[0])
    kept = directory_cache.KeptByCode(STREETS)
    kept.get("110101001")
    # another process's change: no signal reaches this one
    Unit.objects.filter(code="110101001").update(name="东华门街道办事处")
    clock[0] += directory_cache.SECONDS - 1
    assert kept.get("110101001").name == "东华门街道"
    clock[0] += 2
    with django_assert_num_queries(1):
        assert kept.get("110101001").name == "东华门街道办事处"
        assert kept.get("110101002").name == "景山街道"


def test_a_code_not_kept_is_looked_up_and_then_kept(directory, django_assert_num_queries):
    kept = directory_cache.KeptByCode(STREETS)
    assert kept.get("110101999") is None
    district = Unit.objects.get(code="110101")
    # added without a signal (as a bulk load would): found at its first use all the same
    Unit.objects.bulk_create(
        [Unit(code="110101999", name="新街道", type=UnitType.STREET, parent=district)]
    )
    with django_assert_num_queries(1):
        assert kept.get("110101999").name == "新街道"
        assert kept.get("110101999").name == "新街道"


def test_intake_sees_a_street_closed_and_a_category_changed_in_this_process(api, staff):
    client = api(staff.operator)
    assert client.post("/api/v1/tickets/", BODY, format="json").status_code == 201
    street = Unit.objects.get(code=BODY["street"])
    street.active = False
    street.save()  # as the admin saves it
    refused = client.post("/api/v1/tickets/", BODY, format="json")
    assert refused.status_code == 400 and "street" in refused.json()
    street.active = True
    street.save()
    category = Category.objects.get(code=BODY["category"])
    category.default_urgency = 1
    category.save()
    answer = client.post("/api/v1/tickets/", BODY, format="json")
    assert answer.status_code == 201 and answer.json()["urgency"] == 1
    assert Ticket.objects.count() == 2


@pytest.mark.parametrize(
    "value", [["110101001"], {"code": "110101001"}, True, "nope", "1101\x0001"]
)
def test_a_street_that_is_no_code_names_the_field(api, staff, value):
    answer = api(staff.operator).post("/api/v1/tickets/", {**BODY, "street": value}, format="json")
    assert answer.status_code == 400 and "street" in answer.json()
    assert not Ticket.objects.exists()


def test_every_field_reading_the_same_rows_shares_one_cache(directory, django_assert_num_queries):
    import copy

    from hotline.api import KeptCodeField

    field = KeptCodeField(queryset=STREETS)
    # DRF copies declared fields for each serializer (a copy runs __init__ again)
    again = copy.deepcopy(field)
    assert again.kept is field.kept is directory_cache.kept_for(STREETS.all())
    field.kept.get("110101001")
    with django_assert_num_queries(0):
        assert again.to_internal_value("110101001").code == "110101001"
    assert KeptCodeField(queryset=STREETS.filter(district__code="110101")).kept is not field.kept


def test_a_directory_too_large_to_read_whole_is_kept_code_by_code(
    directory, monkeypatch, django_assert_num_queries
):
    monkeypatch.setattr(directory_cache, "WHOLE_AT_MOST", 2)  # as the 6,919 communities
    kept = directory_cache.KeptByCode(STREETS)
    with django_assert_num_queries(2):  # the try at the whole, then the code
        assert kept.get("110101001").name == "东华门街道"
    with django_assert_num_queries(1):  # never tried whole again: each new code alone
        assert kept.get("110101002").name == "景山街道"
    with django_assert_num_queries(0):
        assert kept.get("110101001").name == "东华门街道"
