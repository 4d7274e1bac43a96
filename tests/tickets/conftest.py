"""Fixtures of the Open311 tests (test_open311*.py)."""

import pytest
from rest_framework.authtoken.models import Token

from tickets.open311.models import Open311Publishing


@pytest.fixture
def api_key(staff):
    return Token.objects.create(user=staff.operator).key


@pytest.fixture
def publishing():
    """An admin turns publishing of descriptions and addresses on."""
    Open311Publishing(publish_text=True).save()
