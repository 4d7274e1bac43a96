"""Property-based: any text in any field of the intake serializer, the console form and
Open311's request is either accepted or refused field by field; never an exception."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tickets.api.serializers import TicketCreateSerializer
from tickets.open311.serializers import RequestInput
from tickets.web.forms import IntakeForm

pytestmark = pytest.mark.django_db

text = st.text(max_size=60) | st.sampled_from(["1e400", "NaN", "-0", "0001-01-01", "\x00"])
SETTINGS = settings(
    max_examples=60,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def refused_by_field(errors, fields):
    # Every refusal names one of the fields (or the whole object).
    assert set(errors) <= set(fields) | {"non_field_errors", "__all__"}, errors


@SETTINGS
@given(st.dictionaries(st.sampled_from(list(TicketCreateSerializer().fields)), text))
def test_api_intake_never_raises(directory, data):
    serializer = TicketCreateSerializer(data=data)
    if not serializer.is_valid():
        refused_by_field(serializer.errors, serializer.fields)


@SETTINGS
@given(st.dictionaries(st.sampled_from(list(IntakeForm.base_fields)), text))
def test_console_form_never_raises(directory, data):
    form = IntakeForm(data)
    if not form.is_valid():
        refused_by_field(form.errors, form.fields)


@SETTINGS
@given(st.dictionaries(st.sampled_from(list(RequestInput().fields)), text))
def test_open311_request_never_raises(directory, data):
    serializer = RequestInput(data=data)
    if not serializer.is_valid():
        refused_by_field(serializer.errors, serializer.fields)
