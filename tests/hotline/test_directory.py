import pytest
from django.core.management import call_command

from hotline.models import Category, Unit, UnitType

pytestmark = pytest.mark.django_db


def test_beijing_has_its_sixteen_districts_with_modern_names(directory):
    districts = Unit.objects.filter(type=UnitType.DISTRICT)
    assert districts.count() == 16
    names = set(districts.values_list("name", flat=True))
    assert {"东城区", "西城区", "朝阳区", "海淀区", "密云区", "延庆区"} <= names
    assert not any(name.endswith("县") for name in names)
    assert Unit.objects.get(code="110118").name == "密云区"
    # every district is its own district; its streets point at it
    for d in districts:
        assert d.district_id == d.pk
        assert d.parent.code == "12345"


def test_streets_belong_to_their_district(directory):
    streets = Unit.objects.filter(type=UnitType.STREET)
    assert 300 <= streets.count() <= 345
    dhm = Unit.objects.get(code="110101001")
    assert dhm.name == "东华门街道"
    assert dhm.parent.code == "110101" and dhm.district.code == "110101"
    assert not streets.exclude(parent__type=UnitType.DISTRICT).exists()
    assert not streets.filter(district__isnull=True).exists()
    # every district has streets; 延庆区's carry the modern code prefix
    for d in Unit.objects.filter(type=UnitType.DISTRICT):
        assert streets.filter(parent=d).exists(), d.name
    assert streets.filter(parent__code="110119", code__startswith="110119").exists()


def test_departments_and_companies(directory):
    assert Unit.objects.get(code="C-GAS").type == UnitType.COMPANY
    cgzf = Unit.objects.get(code="110101-CGZF")
    assert cgzf.type == UnitType.DEPARTMENT and cgzf.district.code == "110101"
    assert Unit.objects.get(code="M-CGZF").district is None
    kinds = set(Unit.objects.filter(type=UnitType.COMPANY).values_list("dept_kind", flat=True))
    assert {"water", "power", "gas", "heating", "telecom"} <= kinds


def test_category_taxonomy(directory):
    leaves = Category.objects.filter(default_urgency__isnull=False)
    assert leaves.count() >= 90
    assert not leaves.exclude(level=3).exists()
    assert not leaves.exclude(default_urgency__in=[1, 2, 3, 4]).exists()
    gas_leak = leaves.get(name="燃气泄漏")
    assert gas_leak.default_urgency == 1 and gas_leak.duty_unit.code == "C-GAS"
    assert gas_leak.path.count("›") == 2
    for name in ["电梯故障", "噪音", "占道经营", "拖欠", "垃圾", "停车", "违", "道路"]:
        assert leaves.filter(path__contains=name).exists(), name
    assert all(c.pinyin for c in leaves[:20])


def test_seed_units_twice_changes_nothing(directory, capsys):
    before = list(Unit.objects.order_by("code").values())
    cats = list(Category.objects.order_by("code").values())
    call_command("seed_units")
    out = capsys.readouterr().out
    assert "0 created, 0 updated" in out.splitlines()[0]
    assert "0 created, 0 updated" in out.splitlines()[1]
    assert "calendar: 0 days added" in out
    assert list(Unit.objects.order_by("code").values()) == before
    assert list(Category.objects.order_by("code").values()) == cats


def test_seed_units_repairs_an_edited_name(directory, capsys):
    Unit.objects.filter(code="110101001").update(name="改错的名字")
    call_command("seed_units")
    assert "0 created, 1 updated" in capsys.readouterr().out
    assert Unit.objects.get(code="110101001").name == "东华门街道"
