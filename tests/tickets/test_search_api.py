"""Search (SPEC §12) over `GET /api/v1/tickets/?q=`: what each role finds, filters, bad input."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.urls import reverse

from hotline.pagination import capped_count
from tickets.models import Ticket
from tickets.search.query import parse
from tickets.search.selectors import search_condition

from .test_api_tickets import make_ticket

pytestmark = pytest.mark.django_db
BEIJING = ZoneInfo("Asia/Shanghai")


def test_parse_sorts_what_was_typed():
    q = parse("26112100001 138 0013 8000 5678 噪音 工人体育场")
    assert q.numbers == ["26112100001", "13800138000"]
    assert q.last_four == ["5678"]
    assert q.words == ["噪音", "工人体育场"]
    assert parse("010-6512-3456").numbers == ["01065123456"]
    assert parse("王建国").names == ["王建国"] and parse("王建国").words == ["王建国"]
    assert parse("王建国 8号院").names == ["王建国"]
    # a landline in groups is one phone; two runs that make no phone stay apart
    assert parse("010 6472 1234").numbers == ["01064721234"]
    assert parse("010-6472 1234").numbers == ["01064721234"]
    assert parse("1234 5678").last_four == ["1234", "5678"]  # no line starts with 1
    assert parse("8号院").words == ["8号院"] and not parse("，。")
    assert parse("b00000012345").numbers == ["B00000012345"]  # imported numbers


@pytest.mark.parametrize(
    "typed, numbers",
    [
        ("010-64721234-12", ["01064721234-12"]),  # an extension keeps its dash, as stored
        ("01064721234-12", ["01064721234-12"]),
        ("6512 3456", ["65123456"]),  # a local landline typed in two groups
        ("8000 5678", ["80005678"]),
        ("(010)65123456", ["01065123456"]),
        ("（010）65123456", ["01065123456"]),  # full-width brackets of a Chinese input method
        ("１３８２９７３７４８９", ["13829737489"]),  # full-width digits
        ("0086 138 0013 8000", ["008613800138000"]),  # 0086 is no area code (was 0086138…)
        ("261206 00327", ["26120600327"]),  # a ticket's number read out in groups
    ],
)
def test_parse_reads_phones_and_numbers_as_people_type_them(typed, numbers):
    """Found by an audit: each of these was read as other numbers or words, and missed."""
    assert parse(typed).numbers == numbers and not parse(typed).last_four


def test_parse_names_and_what_cannot_be_searched():
    assert parse("７４８９").last_four == ["7489"]
    assert parse("欧阳娜娜女士").names == ["欧阳娜娜女士"]  # six characters (was at most five)
    assert parse("阿依古丽·买买提").names == ["阿依古丽·买买提"]
    for nothing in ["%", "------", "\u200b", "𠀀𠀁"]:
        assert not parse(nothing), nothing


@pytest.fixture
def tickets(staff):
    """Three tickets of 东华门街道 (one dispatched to it), one of 景山街道."""

    def at(day):
        return datetime(2025, 11, day, 10, 0, tzinfo=BEIJING)

    return {
        "noise": make_ticket(
            staff,
            dispatch_to="110101001",
            caller_name="王建国",
            caller_phone="13811112222",
            address="东华门大街工人体育场北路8号院",
            content="夜间施工噪音扰民，影响休息",
            received_at=at(3),
        ),
        "leak": make_ticket(
            staff,
            caller_name="李女士",
            caller_phone="13900005678",
            address="南池子大街3号",
            content="楼上漏水，物业不管",
            channel="web",
            received_at=at(5),
        ),
        "parking": make_ticket(
            staff,
            dispatch_to="110101001",
            caller_phone="13700009999",
            content="小区停车难，噪音也大",
            received_at=at(7),
        ),
        "elsewhere": make_ticket(
            staff,
            street="110101002",
            dispatch_to="110101002",
            caller_phone="13811112222",
            content="景山附近噪音",
            received_at=at(8),
        ),
    }


def _numbers(client, **params):
    resp = client.get("/api/v1/tickets/", params)
    assert resp.status_code == 200, resp.json()
    return [row["number"] for row in resp.json()["results"]]


def _n(tickets, *names):
    return [tickets[name].number for name in names]


def _logged(client, tickets, **fields):
    """A complaint logged through the API with these caller fields; its answer."""
    body = {"kind": "complaint", "category": tickets["leak"].category.code, "content": "暖气不热"}
    return client.post("/api/v1/tickets/", body | fields, format="json").json()


def test_the_centre_finds_by_number_phone_last_four_name_and_words(staff, api, tickets):
    client = api(staff.dispatcher)
    assert _numbers(client, q=tickets["leak"].number) == _n(tickets, "leak")
    assert _numbers(client, q="13811112222") == _n(tickets, "elsewhere", "noise")
    assert _numbers(client, q="138 1111 2222") == _n(tickets, "elsewhere", "noise")
    assert _numbers(client, q="5678") == _n(tickets, "leak")
    assert _numbers(client, q="王建国") == _n(tickets, "noise")
    assert _numbers(client, q="噪音") == _n(tickets, "elsewhere", "parking", "noise")
    assert _numbers(client, q="漏水") == _n(tickets, "leak")
    assert _numbers(client, q="工人体育") == _n(tickets, "noise")  # a four-character word
    assert _numbers(client, q="工人体育场北路8号院") == _n(tickets, "noise")  # an address
    assert _numbers(client, q="噪音 停车") == _n(tickets, "parking")  # every word
    assert _numbers(client, q="噪音 5678") == []


def test_traditional_characters_find_the_simplified_and_back(staff, api, tickets):
    """A caller from Hong Kong writes 樓上漏水; an operator types 漏水. Both sides are cut as
    simplified (hotline.simplified): tokens on PostgreSQL, the typed words everywhere."""
    client = api(staff.dispatcher)
    assert _numbers(client, q="樓上漏水") == _n(tickets, "leak")
    assert _numbers(client, q="物業") == _n(tickets, "leak")
    written = make_ticket(staff, content="樓下餐館夜間噪音擾民", address="工體北路8號院")
    if connection.vendor == "postgresql":  # SQLite reads the raw text, written either way
        assert _numbers(client, q="餐馆 扰民") == [written.number]
        assert _numbers(client, q="工体北路8号院") == [written.number]
    assert _numbers(client, q="餐館 擾民") == [written.number]


def test_a_phone_is_found_however_it_is_typed(staff, api, tickets):
    """Found in the demo: 010-64721234 was stored with its dash and missed by 01064721234,
    64721234 and +86…; intake now stores one form (hotline.validation.normalize_phone)."""
    client = api(staff.dispatcher)
    made = _logged(client, tickets, caller_phone="010-6472 1234")["number"]
    for typed in ["010-64721234", "01064721234", "64721234", "010 6472 1234", "+86 10 64721234"]:
        assert _numbers(client, q=typed) == [made], typed
    history = client.get("/api/v1/callers/64721234/tickets/").json()
    assert [row["number"] for row in history] == [made]
    mobiles = [
        "+8613811112222",
        "+86 138 1111 2222",
        "0086 138 1111 2222",
        "１３８１１１１２２２２",
    ]
    for typed in mobiles:
        assert _numbers(client, q=typed) == _n(tickets, "elsewhere", "noise"), typed
    for typed in ["(010)64721234", "6472 1234", "６４７２１２３４"]:
        assert _numbers(client, q=typed) == [made], typed


def test_a_landline_with_an_extension_is_found_by_it(staff, api, tickets):
    client = api(staff.dispatcher)
    made = _logged(client, tickets, caller_phone="010-6472 1234-12")["number"]
    for typed in ["010-64721234-12", "01064721234-12", "010 64721234-12"]:
        assert _numbers(client, q=typed) == [made], typed
    history = client.get("/api/v1/callers/010-64721234-12/tickets/").json()
    assert [row["number"] for row in history] == [made]
    full_width = client.get("/api/v1/callers/０１０-６４７２１２３４-１２/tickets/").json()
    assert [row["number"] for row in full_width] == [made]
    # the office's main line finds what was logged from an extension of it; another
    # extension, or a number that only begins the same, does not
    for typed in ["010-64721234", "64721234", "6472 1234"]:
        assert _numbers(client, q=typed) == [made], typed
    for typed in ["010-64721234-13", "010-6472123"]:
        assert _numbers(client, q=typed) == [], typed


def test_a_query_with_nothing_searchable_finds_nothing_not_everything(staff, api, tickets):
    client = api(staff.dispatcher)
    assert len(_numbers(client)) == len(tickets)  # no q: the whole list
    for typed in ["%", "------", "\u200b", "𠀀𠀁", "ｱｲｳ"]:
        assert _numbers(client, q=typed) == [], typed


def test_a_long_callers_name_is_found(staff, api, tickets):
    client = api(staff.dispatcher)
    made = _logged(client, tickets, caller_name="阿依古丽·买买提")["number"]
    assert _numbers(client, q="阿依古丽·买买提") == [made]


def test_a_number_pasted_with_its_label_is_the_number(staff, api, tickets):
    """Found by an audit: the caller reads the number from the acceptance text
    (工单编号…，) and the operator pastes it whole; each of these found nothing."""
    client = api(staff.dispatcher)
    number, leak = tickets["leak"].number, _n(tickets, "leak")
    pasted = [f"工单编号{number}，", f"#{number}", f"No.{number}", f"{number}号", f"单号：{number}"]
    for typed in pasted:
        assert _numbers(client, q=typed) == leak, typed
    for typed in ["电话13900005678", "手机号 13900005678", "尾号5678", "tel:+8613900005678"]:
        assert _numbers(client, q=typed) == leak, typed
    assert _numbers(api(staff.street), q=f"工单编号{tickets['noise'].number}") == _n(
        tickets, "noise"
    )
    # a house number stays a word of the address; "no" inside a word is no label
    assert parse("锦绣园19号楼").words == ["锦绣园19号楼"]
    assert parse("Piano1234").words == ["Piano1234"]
    assert parse("Hotel1234").words == ["Hotel1234"]


def test_a_unit_lists_what_it_closed_in_a_month(staff, api, client, tickets):
    """Found by an audit: `period` is the month received, so a street asking what it closed
    in November missed October's tickets replied in November."""
    november = datetime(2025, 11, 20, 10, 0, tzinfo=BEIJING)
    Ticket.objects.filter(pk=tickets["noise"].pk).update(replied_at=november)  # received 3 Nov
    Ticket.objects.filter(pk=tickets["parking"].pk).update(
        replied_at=datetime(2025, 12, 1, 0, 30, tzinfo=BEIJING)  # Beijing's December
    )
    street = api(staff.street)
    assert _numbers(street, replied_period="2025-11") == _n(tickets, "noise")
    assert _numbers(street, replied_period="2025-12") == _n(tickets, "parking")
    bad = street.get("/api/v1/tickets/", {"replied_period": "2025-13"})
    assert bad.status_code == 400 and "replied_period" in bad.json()
    client.force_login(staff.street)
    page = client.get(reverse("tickets-search"), {"replied_period": "2025-11"})
    assert page.status_code == 200 and 'name="replied_period" value="2025-11"' in page.text
    assert [t.number for t in page.context["page"]] == _n(tickets, "noise")


def test_two_numbers_pasted_find_both_tickets(staff, api, tickets):
    client = api(staff.dispatcher)
    both = f"{tickets['leak'].number} {tickets['noise'].number}"
    assert sorted(_numbers(client, q=both)) == sorted(_n(tickets, "leak", "noise"))
    # words still narrow: each ticket found must hold them
    assert _numbers(client, q=f"{both} 漏水") == _n(tickets, "leak")


def test_an_extension_said_with_zhuan_is_the_dashed_one(staff, api, tickets):
    client = api(staff.dispatcher)
    made = _logged(client, tickets, caller_phone="010-64721234转12")
    assert made["caller_phone"] == "01064721234-12"  # one stored form
    for typed in ["01064721234转12", "010-64721234分机12", "01064721234-12"]:
        assert _numbers(client, q=typed) == [made["number"]], typed


def test_the_last_four_of_an_offices_line_find_its_extensions_tickets(staff, api, tickets):
    client = api(staff.dispatcher)
    made = _logged(client, tickets, caller_phone="010-64721234-12")["number"]
    assert _numbers(client, q="1234") == [made]  # stored 01064721234-12
    assert _numbers(client, q="4-12") == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's plan")
@pytest.mark.parametrize(
    "typed, index", [("1234", "ticket_phone_last4"), ("司马", "ticket_caller_name")]
)
def test_last_fours_and_names_beginnings_are_read_from_their_indexes(staff, tickets, typed, index):
    found = search_condition(parse(typed), caller_fields=True)
    # unordered: newest first, a few rows' plan may walk the received_at index instead
    sql, params = Ticket.objects.filter(found).order_by().values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a few rows: any plan would do
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert index in plan, plan


def test_digits_of_other_scripts_are_no_last_four(staff, api, tickets):
    """Found by an audit: ٣٤٥٦ was read as a last four, which a unit cannot search by, so a
    street's search had no condition left and listed every ticket it sees."""
    for user in (staff.dispatcher, staff.street):
        assert _numbers(api(user), q="٣٤٥٦") == [], user.username
    assert not parse("੧੨੩੪")


def test_a_transliterated_name_is_found_whichever_middle_dot_was_typed(staff, api, tickets):
    client = api(staff.dispatcher)
    made = _logged(client, tickets, caller_name="阿依古丽·买买提")["number"]
    for typed in ["阿依古丽•买买提", "阿依古丽・买买提", "阿依古丽‧买买提"]:
        assert _numbers(client, q=typed) == [made], typed


def test_a_callers_name_goes_with_other_words(staff, api, tickets):
    """宋女士 锦绣园 found nothing: a name was tried only as the query's one word."""
    client = api(staff.dispatcher)
    assert _numbers(client, q="王建国 噪音") == _n(tickets, "noise")
    assert _numbers(client, q="噪音 王建国") == _n(tickets, "noise")
    assert _numbers(client, q="王建国 漏水") == []  # the name's ticket must hold the word
    assert _numbers(client, q="李女士 漏水 5678") == _n(tickets, "leak")
    assert _numbers(api(staff.street), q="王建国 噪音") == []  # names are the centre's


def test_filters_and_sort_narrow_the_search(staff, api, tickets):
    client = api(staff.dispatcher)
    assert _numbers(client, q="噪音", status="dispatched", street="110101001") == _n(
        tickets, "parking", "noise"
    )
    assert _numbers(client, q="噪音", sort="received_at") == _n(
        tickets, "noise", "parking", "elsewhere"
    )
    assert _numbers(client, channel="web") == _n(tickets, "leak")
    assert _numbers(client, received_from="2025-11-05", received_to="2025-11-07") == _n(
        tickets, "parking", "leak"
    )
    area = tickets["leak"].category.code.split(".")[0]
    assert tickets["leak"].number in _numbers(client, category=area)  # with descendants
    assert _numbers(client, q="噪音", unit="110101002") == _n(tickets, "elsewhere")


def test_a_street_finds_only_its_tickets_and_never_by_caller(staff, api, tickets):
    client = api(staff.street)
    assert _numbers(client, q="噪音") == _n(tickets, "parking", "noise")
    assert _numbers(client, q="2222") == []  # last four: a word of the text for a unit
    assert _numbers(client, q="王建国") == []
    assert _numbers(client, q=tickets["noise"].number) == _n(tickets, "noise")
    assert _numbers(client, q=tickets["elsewhere"].number) == []  # not its ticket
    row = client.get("/api/v1/tickets/", {"q": "噪音"}).json()["results"][-1]
    assert row["caller_phone"] == "138****2222"


@pytest.mark.parametrize(
    "typed",
    [
        "13811112222",
        "138 1111 2222",
        "010-6472 1234",
        "138****2222",
        "噪音 13811112222",
        # found by an audit: these listed nothing, read as "no such ticket"
        "+86 138 1111 2222",
        "8613811112222",
        "64721234",
        "138 **** 2222",
        "尾号2222",
        "tel:13811112222",  # a phone link's text, copied
        "TEL:+8613811112222",
    ],
)
def test_a_unit_searching_by_phone_is_told_phones_are_the_centres(staff, api, client, typed):
    """Found by an audit: a street pasting the caller's (or its masked) number got "no
    ticket", as if there were none; it is told why instead, on the API and the page."""
    response = api(staff.street).get("/api/v1/tickets/", {"q": typed})
    assert response.status_code == 400, typed
    assert "中心" in response.json()["q"][0]
    client.force_login(staff.street)
    page = client.get(reverse("tickets-search"), {"q": typed})
    assert page.status_code == 400 and "q" in page.context["filter"].form.errors
    # the centre searches by phone as before; a unit still finds a ticket by its number
    assert api(staff.operator).get("/api/v1/tickets/", {"q": typed}).status_code == 200
    assert api(staff.street).get("/api/v1/tickets/", {"q": "26120700001"}).status_code == 200


@pytest.mark.parametrize(
    "params, field",
    [
        ({"q": "噪" * 101}, "q"),
        ({"sort": "caller_phone"}, "sort"),
        ({"received_from": "2025-13-01"}, "received_from"),
        ({"channel": "fax"}, "channel"),
        ({"received_to": ""}, "received_to"),
    ],
)
def test_bad_search_input_is_a_400_naming_the_field(staff, api, params, field):
    resp = api(staff.operator).get("/api/v1/tickets/", params)
    assert resp.status_code == 400 and field in resp.json()


def test_the_count_of_a_text_search_is_capped(staff, api, tickets):
    qs = Ticket.objects.all()
    assert capped_count(qs, cap=2) == 3  # "more than two"
    assert capped_count(qs, cap=10) == 4
    resp = api(staff.dispatcher).get("/api/v1/tickets/", {"q": "噪音"})
    assert resp.json()["count"] == 3


def test_a_search_page_takes_a_fixed_number_of_queries(
    staff, api, tickets, django_assert_num_queries
):
    client = api(staff.dispatcher)
    client.get("/api/v1/tickets/", {"q": "噪音"})  # warm caches (session, content types)
    for _ in range(3):
        make_ticket(staff, dispatch_to="110101001", content="又有噪音")
    # the capped count: the hits' ids of the last 7 days (three, too few for the cap), then
    # of the days before (hotline.pagination's windows); the page, then by prefetch
    # (selectors.ROW_RELATIONS): categories, participations, and all their units in one
    # query (tickets.row_units)
    with django_assert_num_queries(6) as captured:
        resp = client.get("/api/v1/tickets/", {"q": "噪音", "status": "dispatched"})
    assert resp.json()["count"] == 6
    assert "DISTINCT" not in captured.captured_queries[2]["sql"]  # no sort of whole rows


def test_the_centre_finds_a_masked_phone_pasted_back(staff, api, tickets):
    """A phone as texts and unit pages show it (139****5678), pasted by an operator, found
    nothing: it is the first three and the last four of a whole phone."""
    client = api(staff.dispatcher)
    for typed in ["139****5678", "手机号139****5678", "１３９＊＊＊＊５６７８", "139 **** 5678"]:
        assert _numbers(client, q=typed) == _n(tickets, "leak"), typed
    assert _numbers(client, q="138****5678") == []  # the same last four, another phone
    assert _numbers(client, q="139****5678 漏水") == _n(tickets, "leak")
    assert _numbers(client, q="139****5678 噪音") == []
    assert parse("139****5678").masked == [("139", "5678")]
    assert parse("010****1234-12").masked == [("010", "1234")]  # mask_phone's, extension kept
    assert not Ticket.objects.filter(search_condition(parse("139****5678"), caller_fields=False))


def test_a_callers_name_is_found_by_its_beginning(staff, api, tickets):
    """An audit typed 阿依古丽 for 阿依古丽·买买提 and 司马 for 司马相如, and found nothing."""
    client = api(staff.dispatcher)
    long_name = _logged(client, tickets, caller_name="阿依古丽·买买提")["number"]
    surname = _logged(client, tickets, caller_name="司马相如")["number"]
    assert _numbers(client, q="阿依古丽") == [long_name]
    assert _numbers(client, q="阿依古丽•买") == [long_name]  # another dot, part of the rest
    assert _numbers(client, q="阿依古丽.买买提") == [long_name]  # the dot a keyboard has
    assert _numbers(client, q="司马") == [surname]
    assert _numbers(client, q="王建") == _n(tickets, "noise")
    assert _numbers(client, q="相如") == []  # a beginning, not any part
    assert _numbers(client, q="司马%") == []  # LIKE's wildcards are letters here
    assert _numbers(api(staff.street), q="司马") == []  # names are the centre's
