"""On PostgreSQL the CSV export's lines are written by the database; they must read exactly
as the lines Python writes (the embedded SQLite default's path), for every kind of column."""

import csv
import io

import pytest
from django.db import connection
from django.utils import translation

from tickets import exports, selectors

from ..pages.test_pages import dispatched, new_ticket

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL writes the CSV"),
]

# what a caller may say: quotes, commas, new lines, formulas (guarded) and numbers (not)
AWKWARD = [
    '他说"别再吵了"，邻居, 楼上',
    "第一行\n第二行\r\n第三行",
    "=HYPERLINK(1)",
    "@SUM(A1)",
    "+号",
    "+",
    "-5 度",
    "-一",
    "-2+3+cmd|' /C calc'!A0",  # a digit after the sign is still a formula
    "-5",
    "+8613800000000",
    "\t=1",
    "'已有引号",
]


@pytest.fixture
def awkward(staff):
    made = [dispatched(staff, content=text, address=text, caller_name=text) for text in AWKWARD]
    made.append(dispatched(staff, phone="13700000000", confidential=True, caller_name="保密"))
    made.append(dispatched(staff, phone="12345", caller_name=""))  # too short to mask
    made.append(new_ticket(staff))  # not dispatched: no unit, no dates
    return made


def _read(lines) -> list[list[str]]:
    return list(csv.reader(io.StringIO("".join(lines))))


@pytest.mark.parametrize("who", ["dispatcher", "street"])
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_postgresql_writes_what_python_writes(staff, awkward, who, language):
    user = getattr(staff, who)
    rows = selectors.list_tickets(user)
    with translation.override(language):
        columns = exports._columns()
        by_database = _read(exports._csv_by_postgresql(user, rows, columns))
        by_python = _read(exports._csv_by_python(user, rows, columns))
    assert by_database == by_python
    assert len(by_database) == (16 if who == "dispatcher" else 15)
    phones = {row[12] for row in by_database}
    if who == "street":  # masked, the confidential caller left out
        assert {"138****5678", "", "****"} == phones
    else:
        assert {"13812345678", "13700000000", "12345"} == phones
    contents = {row[10] for row in by_database}
    guarded = {"'=HYPERLINK(1)", "'@SUM(A1)", "'+号", "'+", "'-5 度", "'-一", "'\t=1"}
    assert guarded | {"'-2+3+cmd|' /C calc'!A0", "-5", "+8613800000000"} <= contents
