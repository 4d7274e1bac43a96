"""Routing (SPEC §6): address to district and street, and the unit a ticket should go to."""

import pytest

from hotline.models import Unit
from tests.conftest import leaf
from tickets import routing

pytestmark = pytest.mark.django_db


def _codes(address):
    place = routing.resolve_place(address)
    district_id, street_id = place.district_id, place.street_id
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
def test_resolve_place(address, expected):
    assert _codes(address) == expected


@pytest.mark.usefixtures("directory")
@pytest.mark.usefixtures("directory")
def test_an_address_in_traditional_characters_is_read_as_simplified():
    assert _codes("北京市朝陽區八里莊街道") == ("110105", "110105015")
    assert _codes("東城區景山街道") == ("110101", "110101002")


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
        # 北苑家园清友园/绣菊园/紫绶园社区 are 来广营's: not 通州's 北苑 street
        ("北苑家园12号楼", "朝阳区", "来广营"),
        ("南海家园7号楼", "大兴区", "瀛海"),  # 南海家园一里…七里社区
        ("温泉花园", "昌平区", "北七家"),  # 温泉花园A区/B区社区, not 海淀's 温泉
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


# --- Names inside names, places outside Beijing (audit of 2026-12-07) ---------------------


def _place(address):
    place = routing.resolve_place(address)
    names = dict(
        Unit.objects.filter(
            pk__in=[place.district_id, place.street_id, place.community_id]
        ).values_list("pk", "name")
    )
    return (
        names.get(place.district_id),
        names.get(place.street_id),
        names.get(place.community_id),
        place.via,
    )


@pytest.mark.usefixtures("directory")
@pytest.mark.parametrize(
    "address, expected",
    [
        # a district's short name inside a street's or a community's name is no district
        ("朝阳门街道", ("东城区", "朝阳门街道", None, "street")),
        ("大兴庄镇", ("平谷区", "大兴庄镇", None, "street")),
        ("密云镇", ("密云区", "密云镇", None, "street")),
        ("大兴社区12号", ("东城区", "交道口街道", "大兴社区", "community")),
        ("通州马坊村", ("大兴区", "安定镇", "通州马坊村", "community")),
        # a street's short name inside a community's is no street
        ("天通北苑第一社区", ("昌平区", "天通苑北街道", "天通北苑第一社区", "community")),
        ("新华里16号楼", ("西城区", "展览路街道", "新华里社区", "community")),
        ("鼓楼苑", ("东城区", "交道口街道", "鼓楼苑社区", "community")),
        # the district's own words are still no street's
        ("海淀黄庄", ("海淀区", None, None, "")),
    ],
)
def test_a_name_inside_a_longer_name_does_not_count(address, expected):
    assert _place(address) == expected


@pytest.mark.usefixtures("directory")
@pytest.mark.parametrize(
    "address",
    [
        "河北省廊坊市三河市燕郊镇",  # was 房山区 河北镇
        "天津市河北区",
        "辽宁省朝阳市",  # was 朝阳区
        "天津市经济技术开发区",
        "河北村",  # a village of seven streets
        "西直门北大街45号",  # was 丰台's 北大街社区: a road's words name no community
        "东三环中路北侧",  # was 团结湖's 中路北社区
        "东四环中路",  # the ring road, not 东四街道
    ],
)
def test_places_outside_beijing_and_mere_road_words_match_nothing(address):
    assert _place(address) == (None, None, None, "")


@pytest.mark.usefixtures("directory")
@pytest.mark.parametrize(
    "address, expected",
    [
        ("东城区东华门街道南池子社区", ("东城区", "东华门街道", "南池子社区", "street")),
        ("大兴区采育镇大黑垡村", ("大兴区", "采育镇", "大黑垡村", "street")),
        ("潘家园松榆里", ("朝阳区", "潘家园街道", "松榆里社区", "street")),
        # the street's own name is no community of it (潘家园社区, 张山营镇社区)
        ("潘家园", ("朝阳区", "潘家园街道", None, "street")),
        ("张山营镇下营村", ("延庆区", "张山营镇", "下营村", "street")),
        # 回龙观 names the larger area: the community is 龙泽园's
        ("回龙观龙泽苑东区", ("昌平区", "龙泽园街道", "龙泽苑东区社区", "community")),
        # as callers say it: Arabic or full-width numbers, spaces
        ("朝阳区望京西园３区", ("朝阳区", "望京街道", "望京西园三区社区", "community")),
        ("西城区 百万庄", ("西城区", "展览路街道", None, "community")),  # 百万庄东/西社区
    ],
)
def test_a_street_named_with_its_community_keeps_both(address, expected):
    assert _place(address) == expected


@pytest.mark.usefixtures("directory")
def test_roads_and_gates_named_after_a_street_are_only_guesses():
    assert _place("鼓楼东大街108号")[3] == "road"  # was read as 密云's 鼓楼街道
    assert _place("东城区鼓楼东大街") == ("东城区", None, None, "")
    assert _place("朝阳门内大街") == ("东城区", "朝阳门街道", None, "road")


def test_intake_keeps_the_community_the_address_names(flow):
    ticket = flow.new(category=leaf("CX.WJ.SD"), address="东城区东华门街道南池子社区5号")
    assert (ticket.street.name, ticket.community.name) == ("东华门街道", "南池子社区")


@pytest.mark.usefixtures("directory")
@pytest.mark.parametrize(
    "address, expected",
    [
        # a community named after a road (西大望路社区, 青年路社区) is no place in the road's
        # name, and never outranks the street the caller named with 街道/地区 (was 劲松, 平房)
        ("朝阳区双井街道西大望路15号外企大厦", ("朝阳区", "双井街道", None, "street")),
        ("朝阳区高碑店地区青年路1号院", ("朝阳区", "高碑店地区", None, "street")),
        ("朝阳区建外街道东大桥路8号", ("朝阳区", "建外街道", None, "street")),
        # an institution's or a phrase's name is no community (中科院社区, 十字口社区)
        ("海淀区中关村街道中科院计算所", ("海淀区", "中关村街道", None, "street")),
        ("朝阳区东坝十字口", ("朝阳区", "东坝地区", None, "street")),
        ("万科新家园3号楼", (None, None, None, "")),
        # a street's short name after a house number, or as a river's, is not the street
        ("朝阳区广渠路33号院内平房漏雨", ("朝阳区", None, None, "")),
        ("永定河大堤", (None, None, None, "")),
        ("河北燕郊福成五期", (None, None, None, "")),
        # still: a site's own roads, a village named 河北村 of 河北镇
        ("房山区河北镇河北村", ("房山区", "河北镇", "河北村", "street")),
        ("朝阳区香河园街道", ("朝阳区", "香河园街道", None, "street")),  # not Hebei's 香河
    ],
)
def test_road_institution_and_common_words_name_no_place(address, expected):
    assert _place(address) == expected


@pytest.mark.usefixtures("directory")
def test_a_place_under_streets_of_one_district_still_names_it():
    """Found by an audit: 望京西园 (communities in 望京 and 东湖, both 朝阳's) gave no
    district at all, so no suggestion and no street list to pick from."""
    assert _codes("望京西园") == ("110105", None)


@pytest.mark.usefixtures("directory")
def test_intake_given_a_district_still_reads_the_street_from_the_address(staff):
    """Found by an audit: a district code in the body stopped the address being read, and
    the ticket went to the district government (兜底) instead of 劲松街道."""
    from tickets import actions

    chaoyang = Unit.objects.get(code="110105")

    def logged(address, district):
        ticket, _ = actions.create_ticket(
            actor=staff.operator,
            kind="complaint",
            category=leaf(),
            content="路灯不亮",
            caller_phone="13812345678",
            address=address,
            district=district,
        )
        return ticket

    ticket = logged("朝阳区劲松", chaoyang)
    assert (ticket.district.code, ticket.street.code) == ("110105", _street("朝阳区", "劲松"))
    # a street the address names in another district is not taken
    other = logged("东城区景山街道", chaoyang)
    assert (other.district.code, other.street_id) == ("110105", None)
