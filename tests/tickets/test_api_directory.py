"""Units, categories, token auth and the schema: the read-only ground of the API."""

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from hotline.models import Role, Unit, User

pytestmark = pytest.mark.django_db


def test_token_auth_gives_a_token_that_opens_the_api(directory):
    user = User.objects.create_user(
        "op1", password="s3cret-pass", role=Role.OPERATOR, unit=Unit.objects.get(code="12345")
    )
    client = APIClient()
    assert client.get("/api/v1/units/").status_code in (401, 403)
    wrong = client.post("/api/v1/auth/token/", {"username": "op1", "password": "nope"})
    assert wrong.status_code == 400
    resp = client.post("/api/v1/auth/token/", {"username": "op1", "password": "s3cret-pass"})
    assert resp.status_code == 200
    token = resp.json()["token"]
    assert token == user.auth_token.key
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get("/api/v1/units/?type=district").json()["count"] == 16


def test_units_filter_by_type_and_parent(staff, api):
    client = api(staff.street)
    districts = client.get("/api/v1/units/", {"type": "district", "page_size": 100}).json()
    assert districts["count"] == 16
    dongcheng = next(u for u in districts["results"] if u["code"] == "110101")
    assert dongcheng == {
        "code": "110101",
        "name": "东城区",
        "type": "district",
        "parent": "12345",
        "district": "110101",
        "dept_kind": "",
    }
    streets = client.get("/api/v1/units/", {"type": "street", "parent": "110101"}).json()
    codes = [u["code"] for u in streets["results"]]
    assert "110101001" in codes
    assert all(c.startswith("110101") and len(c) == 9 for c in codes)
    assert streets["count"] == Unit.objects.filter(type="street", parent__code="110101").count()
    assert client.get("/api/v1/units/", {"type": "planet"}).status_code == 400


def test_categories_leaf_and_search_by_name_or_pinyin(staff, api):
    client = api(staff.operator)
    leaves = client.get("/api/v1/categories/", {"leaf": "true"}).json()
    assert leaves["count"] > 0
    assert all(c["leaf"] and c["default_urgency"] in (1, 2, 3, 4) for c in leaves["results"])
    gas = client.get("/api/v1/categories/", {"q": "燃气泄漏"}).json()["results"]
    assert [c["code"] for c in gas] == ["GG.RQ.XL"]
    assert gas[0]["duty_unit"] == "C-GAS" and gas[0]["parent"] == "GG.RQ"
    assert gas[0]["level"] == 3 and "燃气泄漏" in gas[0]["path"]
    # 电梯故障 → pinyin initials dtgz
    by_pinyin = client.get("/api/v1/categories/", {"q": "DTGZ", "leaf": "true"}).json()
    assert "CX.WY.DT" in [c["code"] for c in by_pinyin["results"]]
    by_code = client.get("/api/v1/categories/", {"q": "cx.wy.dt", "leaf": "true"}).json()
    assert [c["code"] for c in by_code["results"]] == ["CX.WY.DT"]  # as the console matches
    by_spelling = client.get("/api/v1/categories/", {"q": "Dianti Guzhang", "leaf": "true"})
    assert [c["code"] for c in by_spelling.json()["results"]] == ["CX.WY.DT"]
    # anywhere in a name, full width too, as the console's filter reads it
    for typed in ["zaoyin", "ｚａｏｙｉｎ"]:
        found = client.get("/api/v1/categories/", {"q": typed, "leaf": "true"}).json()
        assert found["count"] >= 2, typed
        assert all("噪音" in c["name"] for c in found["results"]), typed
    parents = client.get("/api/v1/categories/", {"leaf": "false", "level": 1}).json()
    assert parents["count"] > 0 and not any(c["leaf"] for c in parents["results"])


def test_schema_generates_without_warnings(tmp_path):
    # --fail-on-warn turns any drf-spectacular warning or error into a failure.
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    text = out.read_text()
    assert "/api/v1/tickets/{number}/review-appeal/:" in text
    assert "Idempotency-Key" in text
