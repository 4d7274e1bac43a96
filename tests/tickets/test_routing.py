"""Routing (SPEC §6): address to district and street, and the unit a ticket should go to."""

import pytest

from hotline.models import Unit
from tests.conftest import leaf
from tickets import routing

pytestmark = pytest.mark.django_db


def _codes(address):
    district_id, street_id = routing.resolve_address(address)
    codes = dict(Unit.objects.filter(pk__in=[district_id, street_id]).values_list("pk", "code"))
    return codes.get(district_id), codes.get(street_id)


@pytest.mark.usefixtures("directory")
@pytest.mark.parametrize(
    "address, expected",
    [
        ("北京市东城区东华门街道南池子大街", ("110101", "110101001")),
        ("东城区景山街道", ("110101", "110101002")),
        ("北京市朝阳区八里庄街道", ("110105", "110105015")),
        ("北京市海淀区八里庄", ("110108", "110108005")),
        ("北京市大兴区", ("110115", None)),
        ("", (None, None)),
        ("北京西站南广场", (None, None)),
    ],
)
def test_resolve_address(address, expected):
    assert _codes(address) == expected


@pytest.mark.usefixtures("directory")
def test_a_street_named_in_another_district_is_not_taken():
    # 东华门街道 is in 东城区; an address in 西城区 must not land on it.
    assert _codes("北京市西城区东华门街道") == ("110102", None)


@pytest.mark.usefixtures("directory")
def test_a_street_name_in_two_districts_without_a_district_still_finds_a_street():
    district, street = _codes("八里庄街道")
    assert street in {"110105015", "110108005"}
    assert district == street[:6]


def test_suggest_unit_prefers_the_category_duty_unit(flow):
    gas_leak = leaf("GG.RQ.XL")  # 燃气泄漏 -> the gas company
    ticket = flow.new(category=gas_leak)
    assert ticket.street.code == "110101001"
    assert routing.suggest_unit(ticket).code == "C-GAS"


def test_suggest_unit_is_the_street_for_a_local_category(flow):
    ticket = flow.new(category=leaf("CX.WJ.SD"))  # 私搭乱建: no duty unit
    assert routing.suggest_unit(ticket).code == "110101001"


def test_suggest_unit_falls_back_to_the_district_government(flow):
    ticket = flow.new(category=leaf("CX.WJ.SD"), address="北京市西城区某胡同")
    assert ticket.street is None
    assert routing.suggest_unit(ticket).code == "110102"


def test_suggest_unit_is_none_without_any_place(flow):
    ticket = flow.new(category=leaf("CX.WJ.SD"), address="不详")
    assert routing.suggest_unit(ticket) is None


# --- Communities and well-known sites (issue 10) ---------------------------------------------


@pytest.mark.usefixtures("directory")
@pytest.mark.parametrize(
    "address, expected, via",
    [
        # a 社区 under 交道口街道; a compound-named community of 崇文门外街道
        ("南锣鼓巷社区12号", ("110101", "110101003"), "community"),
        ("新世界家园3号楼2单元", ("110101", "110101012"), "community"),
        # a well-known site: 工人体育场 lies in 三里屯街道
        ("工人体育场北路8号院", ("110105", "110105004"), "compound"),
        # a street named outright wins over any community
        ("东华门街道银闸社区", ("110101", "110101001"), "street"),
        # the same village name under fifteen streets: no guess
        ("辛庄村村口", (None, None), ""),
    ],
)
def test_a_community_or_well_known_site_resolves_to_its_street(address, expected, via):
    assert _codes(address) == expected
    assert routing.resolve_place(address).via == via


@pytest.mark.usefixtures("directory")
def test_communities_hang_under_their_streets():
    community = Unit.objects.get(type="community", name="南池子社区")
    assert community.parent.code == "110101001" and community.district.code == "110101"
    assert Unit.objects.filter(type="community").count() > 6000


@pytest.mark.usefixtures("directory")
@pytest.mark.parametrize(
    "address, expected",
    [
        # found trying the demo: the district's name was read as the street 丰台 / 海淀
        ("丰台区方庄芳古园一区", ("110106", "110106013")),  # 方庄街道, not 丰台街道
        ("海淀区上地十街", ("110108", "110108022")),  # 上地街道, not 海淀街道
        ("海淀区海淀街道", ("110108", "110108012")),  # the street itself still matches
    ],
)
def test_the_districts_own_name_is_no_streets(address, expected):
    assert _codes(address) == expected


@pytest.mark.usefixtures("directory")
def test_a_road_named_after_a_street_is_the_last_thing_matched():
    # 鼓楼大街 lies in 东城; 鼓楼街道 is in 密云: with the district named, no street
    assert _codes("东城区鼓楼大街") == ("110101", None)
    assert routing.resolve_place("鼓楼大街").via == "road"  # alone, the only hint there is
    assert routing.resolve_place("朝阳区三里屯").via == "street"


@pytest.mark.usefixtures("directory")
def test_a_village_name_in_several_districts_resolves_within_the_district_named():
    """Found in the demo: 于辛庄村 is a village of three streets, one of them in 昌平; the
    address 昌平区于辛庄村 matched nothing because the name was judged city-wide."""
    assert _codes("昌平区于辛庄村") == ("110114", _street("昌平区", "沙河"))
    assert _codes("于辛庄村")[1] is None  # no district named: still ambiguous


@pytest.mark.usefixtures("directory")
def test_the_first_street_named_is_the_street():
    """朝阳区东湖望京西园: 东湖 is the street, 望京西园 a compound in it (was 望京)."""
    assert _codes("朝阳区东湖望京西园") == ("110105", _street("朝阳区", "东湖"))
    assert _codes("朝阳区望京西园四区") == ("110105", _street("朝阳区", "望京"))


def _street(district, short):
    return Unit.objects.get(parent__name=district, name__startswith=short, type="street").code


@pytest.mark.usefixtures("directory")
def test_an_estate_cut_into_numbered_communities_resolves_to_its_street():
    """芳古园一区 is 芳古园一区第一社区 and 第二社区, both of 方庄: the street is known, which
    community is not."""
    place = routing.resolve_place("丰台区芳古园一区5号楼")
    street = Unit.objects.get(pk=place.street_id)
    assert (street.name, place.community_id, place.via) == ("方庄街道", None, "community")


@pytest.mark.usefixtures("directory")
@pytest.mark.parametrize(
    "address, district, street",
    [
        # 世纪城东区/西区/晴雪园社区 are all 曙光's; callers say 世纪城
        ("海淀区世纪城3号楼", "海淀区", "曙光"),
        ("金鱼池小区12号楼", "东城区", "天坛"),  # 金鱼池东区/中区/西区社区
        ("芳群园5号楼", "丰台区", "方庄"),  # 芳群园一区…四区社区
    ],
)
def test_an_estate_named_without_its_part_resolves_to_its_street(address, district, street):
    place = routing.resolve_place(address)
    assert Unit.objects.get(pk=place.street_id).code == _street(district, street)
    assert (place.community_id, place.via) == (None, "community")


@pytest.mark.usefixtures("directory")
def test_an_estate_whose_parts_lie_in_two_streets_is_left_to_the_operator():
    # 龙锦苑一区、东一区…东五区社区 are 霍营's, 二区、四区…六区社区 龙泽园's
    assert _codes("昌平区龙锦苑5号楼") == ("110114", None)
    assert _codes("昌平区龙锦苑东三区5号楼") == ("110114", _street("昌平区", "霍营"))
    assert _codes("昌平区龙锦苑二区5号楼") == ("110114", _street("昌平区", "龙泽园"))
