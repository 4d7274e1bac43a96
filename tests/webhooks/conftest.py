import functools

import pytest


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """`with committed():` runs what the steps inside left for after their commit (the
    outbox hand-over): a test's own transaction never commits."""
    return functools.partial(django_capture_on_commit_callbacks, execute=True)
