"""The units API behind every unit picker (GET /api/v1/units/?q=, SPEC §12): what people
type — a district and a short name, everyday abbreviations, pinyin initials — finds the
unit, and what starts a name (or a name's part after its district) ranks before an
accidental match inside a name's initials."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db

URL = "/api/v1/units/"


def _codes(client, q, **params):
    resp = client.get(URL, {"q": q, **params})
    assert resp.status_code == 200, resp.content
    return [r["code"] for r in resp.json()["results"]]


@pytest.mark.parametrize(
    "q, first",
    [
        ("朝阳城管", "110105-CGZF"),  # district + everyday abbreviation
        ("朝阳市监", "110105-SCJG"),
        ("hdcgzf", "110108-CGZF"),
        ("海淀住建", "110108-ZJ"),
        ("110105-CGZF", "110105-CGZF"),  # an exact code first
        ("110105-cgzf", "110105-CGZF"),
    ],
)
def test_a_district_and_a_short_name_find_the_unit_first(staff, api, q, first):
    assert _codes(api(staff.dispatcher), q)[:1] == [first]


def test_initials_of_a_district_and_an_abbreviation(staff, api):
    # cycg is also 朝阳 + 崔各庄 (cgz…): both near the top
    assert "110105-CGZF" in _codes(api(staff.dispatcher), "cycg")[:3]


def test_an_everyday_abbreviation_finds_every_districts_department(staff, api):
    client = api(staff.dispatcher)
    resp = client.get(URL, {"q": "城管", "page_size": 50}).json()
    codes = [r["code"] for r in resp["results"]]
    assert "110105-CGZF" in codes and "M-CGZF" in codes
    assert resp["count"] >= 17
    assert "110105-SCJG" in _codes(client, "市监", page_size=50)


def test_initials_rank_a_name_part_before_an_accidental_match(staff, api):
    # 燃气 (rq): the gas company's name is 北京市 + 燃气集团…; 怀柔区 (hrq) only
    # contains the letters.
    codes = _codes(api(staff.dispatcher), "rq")
    assert codes[0] == "C-GAS"


def test_the_earlier_matches_still_hold(staff, api):
    client = api(staff.dispatcher)
    assert _codes(client, "三里屯")[0] == "110105004"
    assert _codes(client, "sltjd")[0] == "110105004"
    assert _codes(client, "c-gas")[0] == "C-GAS"
    assert _codes(client, "望京街道")[0] == "110105026"
    assert _codes(client, "朝阳望京")[0] == "110105026"


def test_the_endpoint_runs_fixed_queries_whatever_is_typed(staff, api):
    client = api(staff.dispatcher)
    client.get(URL, {"q": "warm"})  # the small cached list of districts
    counts = []
    for q in ("城管", "rq", "朝阳城管", "hdcgzf", "110105-CGZF", "街道"):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(URL, {"q": q}).status_code == 200
        counts.append(len(ctx))
    assert counts == [2] * len(counts), counts  # the count, the page


@pytest.mark.parametrize(
    "q, first",
    [
        ("sanlitun", "110105004"),  # the whole pinyin, as 12306's station picker reads it
        ("SanLiTun", "110105004"),
        ("san li tun", "110105004"),
        ("sanlitunjiedao", "110105004"),
        ("chaoyangsanlitun", "110105004"),  # a district spelled first, then the street
        ("ＳＡＮＬＩＴＵＮ", "110105004"),  # full width
        ("san'li'tun", "110105004"),  # syllables parted as pinyin writes them
    ],
)
def test_a_units_whole_pinyin_finds_it(staff, api, q, first):
    assert _codes(api(staff.dispatcher), q)[:1] == [first]


def test_a_departments_spelling_after_its_district_or_the_city(staff, api):
    client = api(staff.dispatcher)
    assert "C-GAS" in _codes(client, "ranqi")[:3]  # 北京市 + 燃气集团…
    assert "110105-CGZF" in _codes(client, "chaoyangquchengshi", page_size=50)
    # the city said without 市, as people say it (北京燃气 is found the same way)
    assert "C-GAS" in _codes(client, "beijingranqi")[:3]


@pytest.mark.parametrize(
    "q, code",
    [
        ("chaoyangchengguan", "110105-CGZF"),  # 朝阳城管, spelt: the abbreviation written out
        ("chengguan", "110105-CGZF"),
        ("sanlitunjiedaoban", "110105004"),  # the street's office spelt, as 三里屯街道办
        ("sanlitunjiedaobanshichu", "110105004"),
        ("dianli", "C-POWER"),  # inside a name: 国网北京市电力公司
    ],
)
def test_everyday_words_spelt_in_pinyin(staff, api, q, code):
    assert code in _codes(api(staff.dispatcher), q, page_size=50)[:20], q


@pytest.mark.parametrize(
    "q, code",
    [
        ("changxindian", "110106011"),  # 长辛店, read as the place is (was zhangxindian)
        ("cxd", "110106011"),
        ("chaoyangmen", "110101007"),  # 朝阳门 (was zhaoyangmen)
        ("cymjd", "110101007"),
    ],
)
def test_place_names_are_spelled_as_they_are_read(staff, api, q, code):
    assert _codes(api(staff.dispatcher), q)[:1] == [code]


@pytest.mark.django_db
def test_a_unit_added_in_the_admin_is_found_by_its_pinyin(admin_client, staff, api):
    resp = admin_client.post(
        "/admin/hotline/unit/add/",
        {"code": "T-JRJ", "name": "长安金融局", "type": "department", "active": "on"},
    )
    assert resp.status_code == 302, resp.content
    assert _codes(api(staff.dispatcher), "changanjinrong")[:1] == ["T-JRJ"]
    assert _codes(api(staff.dispatcher), "cajrj")[:1] == ["T-JRJ"]


def test_initials_are_cut_to_what_the_field_holds():
    """One cut for the seed, the admin and migration 0005 alike (Unit.pinyin holds 60)."""
    from hotline import pinyin
    from hotline.models import Category, Unit

    assert pinyin.initials("北京市朝阳区" * 20) == "bjscyq" * 10
    assert Unit._meta.get_field("pinyin").max_length == pinyin.INITIALS_LENGTH
    assert Category._meta.get_field("pinyin").max_length == pinyin.INITIALS_LENGTH
